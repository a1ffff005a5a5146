/* SPDX-License-Identifier: MIT */
/*
 * bulkhead proxy: the egress proxy in the foreground, for tests and for
 * other runtimes.  The proxy itself runs confined in a child
 * (bh_proxy_start); this process binds, prints the address, forwards
 * SIGINT/SIGTERM and waits.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/session.h"
#include "core/fsutil.h"
#include "core/util.h"
#include "net/proxy.h"
#include "policy/policy.h"

static const char proxy_help[] =
	"usage: bulkhead proxy -p PROFILE [--listen ADDR:PORT] [--dns ADDR:PORT]\n"
	"                      [--token T] [--log FILE|-]\n"
	"\n"
	"Runs bulkhead's egress proxy in the foreground: HTTP CONNECT, plain\n"
	"HTTP (absolute URIs) and SOCKS5 on one port, deciding by the profile's\n"
	"`net allow` / `net deny` rules before any DNS lookup, refusing\n"
	"loopback, private, link-local and metadata addresses after resolution\n"
	"unless a rule names the address, and checking the TLS server name of\n"
	"connections to port 443.  Prints \"listening on ADDR:PORT\" on stderr.\n"
	"\n"
	"  -p, --profile P   profile with the host rules (built-in name or path)\n"
	"  --listen A:P      where to listen (default 127.0.0.1:0, any free port)\n"
	"  --dns A:P         DNS server to ask instead of /etc/resolv.conf\n"
	"  --token T         require T (HTTP: Proxy-Authorization Basic with user\n"
	"                    \"bulkhead\"; SOCKS5: username/password, same)\n"
	"  --log FILE|-      one JSON line per connection (default -: stdout)\n"
	"\n"
	"Stops on SIGINT or SIGTERM.  docs/network.md describes the proxy.\n";

static int bind_listen(const char *spec, struct bh_error **err)
{
	cleanup_free char *s = bh_xstrdup(spec);
	char *colon = strrchr(s, ':');
	if (!colon)
		return bh_error_set(err, BH_EK_USAGE, EINVAL,
				    "--listen wants ADDR:PORT, got '%s'", spec);
	*colon = '\0';
	char *host = s;
	if (*host == '[' && colon[-1] == ']') {
		host++;
		colon[-1] = '\0';
	}
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || port < 0 || port > 65535)
		return bh_error_set(err, BH_EK_USAGE, EINVAL, "bad port in '%s'",
				    spec);
	struct sockaddr_storage ss = {0};
	socklen_t sl;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		sl = sizeof(*s4);
	} else if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		sl = sizeof(*s6);
	} else {
		return bh_error_set(err, BH_EK_USAGE, EINVAL,
				    "--listen wants a numeric address, got "
				    "'%s'",
				    host);
	}
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return bh_error_sys(err, errno, "socket");
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0 || listen(fd, 1024) < 0) {
		int e = errno;
		close(fd);
		return bh_error_sys(err, e, "listening on %s", spec);
	}
	sl = sizeof(ss);
	getsockname(fd, (struct sockaddr *)&ss, &sl);
	char text[INET6_ADDRSTRLEN];
	if (ss.ss_family == AF_INET) {
		inet_ntop(AF_INET, &s4->sin_addr, text, sizeof(text));
		fprintf(stderr, "bulkhead proxy: listening on %s:%u\n", text,
			ntohs(s4->sin_port));
	} else {
		inet_ntop(AF_INET6, &s6->sin6_addr, text, sizeof(text));
		fprintf(stderr, "bulkhead proxy: listening on [%s]:%u\n", text,
			ntohs(s6->sin6_port));
	}
	return fd;
}

static volatile sig_atomic_t child_pid;

static void forward_signal(int sig)
{
	if (child_pid > 0)
		kill(child_pid, SIGTERM);
	(void)sig;
}

int bh_cmd_proxy(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"profile", required_argument, NULL, 'p'},
		{"listen", required_argument, NULL, 'l'},
		{"dns", required_argument, NULL, 'd'},
		{"token", required_argument, NULL, 't'},
		{"log", required_argument, NULL, 'L'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *profile = NULL, *listen_spec = "127.0.0.1:0";
	const char *dns = NULL, *token = NULL, *log = "-";
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+p:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': profile = optarg; break;
		case 'l': listen_spec = optarg; break;
		case 'd': dns = optarg; break;
		case 't': token = optarg; break;
		case 'L': log = optarg; break;
		case 'h': fputs(proxy_help, stdout); return 0;
		default: return bh_cli_usage("proxy", "bad option");
		}
	}
	if (optind < argc)
		return bh_cli_usage("proxy", "unexpected argument '%s'",
				    argv[optind]);
	if (!profile)
		return bh_cli_usage("proxy", "-p PROFILE is required");
	if (token && !*token)
		return bh_cli_usage("proxy", "--token must not be empty");

	struct bh_error *err = NULL;
	cleanup_free char *cwd = getcwd(NULL, 0);
	const char *home = getenv("HOME");
	struct bh_policy_vars vars = {
		.workspace = cwd ? cwd : "/",
		.home = home && home[0] == '/' ? home : "/",
		.tmpdir = "/tmp",
	};
	struct bh_policy *pol = NULL;
	if (bh_cli_load_profile(profile, &vars, &pol, &err))
		return bh_cli_fail(err);

	int log_fd = 1;
	if (strcmp(log, "-")) {
		log_fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
			      0600);
		if (log_fd < 0) {
			fprintf(stderr, "bulkhead: %s: %s\n", log,
				strerror(errno));
			bh_policy_free(pol);
			return 125;
		}
	}
	int lfd = bind_listen(listen_spec, &err);
	if (lfd < 0) {
		bh_policy_free(pol);
		return bh_cli_fail(err);
	}
	struct bh_proxy_opts po = {
		.policy = pol,
		.listen_fds = &lfd,
		.n_listen = 1,
		.log_fd = log_fd,
		.token = token,
		.dns_server = dns,
	};
	struct sigaction sa = {.sa_handler = forward_signal};
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	pid_t pid = bh_proxy_start(&po, &err);
	if (pid < 0) {
		bh_policy_free(pol);
		return bh_cli_fail(err);
	}
	child_pid = pid;
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	bh_policy_free(pol);
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	fprintf(stderr, "bulkhead proxy: killed by signal %d\n",
		WTERMSIG(st));
	return 128 + WTERMSIG(st);
}
