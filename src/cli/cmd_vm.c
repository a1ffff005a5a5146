/* SPDX-License-Identifier: MIT */
/*
 * bulkhead vm exec SOCKET [--] COMMAND [ARG...]
 * bulkhead vm stop SOCKET
 *
 * The client side of the microvm tier's warm mode: a VM kept by
 * `bulkhead run -t microvm --serve SOCKET` runs one command per client,
 * with the policy, environment and audit session of that run.  The client
 * speaks the guest port's frames (guest/proto.h) and exits with the
 * command's status, as `run` does.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "guest/proto.h"

static const char vm_help[] =
	"usage: bulkhead vm exec SOCKET [--] COMMAND [ARG...]\n"
	"       bulkhead vm stop SOCKET\n"
	"\n"
	"Run COMMAND in the microVM that `bulkhead run -t microvm --serve\n"
	"SOCKET` keeps, or power that VM off.  The command gets the policy and\n"
	"environment of that run and starts in the current directory when the\n"
	"VM shares it (else in the workspace).\n"
	"\n"
	"exit status: the command's, as for `run`; 125 when the VM is not there.\n";

static int connect_to(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

struct client {
	const char *name;
	int code; /* -1 until the status came */
};

static void on_frame(struct client *c, char type, const unsigned char *p,
		     uint32_t len)
{
	int v = len >= 4 ? (int)bh_frame_le32(p) : 0;
	switch (type) {
	case BH_FRAME_STDOUT:
		(void)bh_frame_write_all(1, p, len);
		break;
	case BH_FRAME_STDERR:
		(void)bh_frame_write_all(2, p, len);
		break;
	case BH_FRAME_STATUS:
		c->code = WIFEXITED(v)	   ? WEXITSTATUS(v)
			  : WIFSIGNALED(v) ? 128 + WTERMSIG(v)
					   : 125;
		break;
	case BH_FRAME_NOTFOUND:
		fprintf(stderr, "bulkhead: %s: command not found\n", c->name);
		c->code = 127;
		break;
	case BH_FRAME_NOEXEC:
		fprintf(stderr, "bulkhead: %s: %s\n", c->name, strerror(v));
		c->code = 126;
		break;
	case BH_FRAME_SETUP:
		fprintf(stderr, "bulkhead: microvm: %.*s: %s\n",
			len > 4 ? (int)(len - 4) : 0, (const char *)p + 4,
			strerror(v));
		c->code = 125;
		break;
	default:
		break;
	}
}

/* Relays until the status: stdin and signals out, output in. */
static int relay(int fd, struct client *c)
{
	sigset_t set;
	sigemptyset(&set);
	int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
	for (size_t i = 0; i < BH_ARRAY_SIZE(sigs); i++)
		sigaddset(&set, sigs[i]);
	sigprocmask(SIG_BLOCK, &set, NULL);
	int sfd = signalfd(-1, &set, SFD_CLOEXEC);
	struct bh_strbuf in = BH_STRBUF_INIT;
	int in_fd = 0;
	while (c->code < 0) {
		struct pollfd pf[3] = {{.fd = fd, .events = POLLIN},
				       {.fd = sfd, .events = POLLIN},
				       {.fd = in_fd, .events = POLLIN}};
		if (poll(pf, 3, -1) < 0 && errno != EINTR)
			break;
		if (pf[0].revents) {
			char buf[65536];
			ssize_t n = read(fd, buf, sizeof(buf));
			if (n <= 0)
				break;
			bh_strbuf_append(&in, buf, (size_t)n);
			size_t off = 0;
			for (;;) {
				char type;
				const unsigned char *p;
				uint32_t len;
				long k = bh_frame_next(
					(const unsigned char *)in.buf + off,
					in.len - off, &type, &p, &len);
				if (k <= 0)
					break;
				on_frame(c, type, p, len);
				off += (size_t)k;
			}
			memmove(in.buf, in.buf + off, in.len - off);
			in.len -= off;
		}
		if (pf[1].revents) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
				unsigned char b[4] = {si.ssi_signo & 0xff, 0,
						      0, 0};
				(void)bh_frame_send(fd, BH_FRAME_SIGNAL, b, 4);
			}
		}
		if (in_fd >= 0 && pf[2].revents) {
			char buf[16384];
			ssize_t n = read(in_fd, buf, sizeof(buf));
			if (n > 0) {
				(void)bh_frame_send(fd, BH_FRAME_STDIN, buf,
						    (uint32_t)n);
			} else if (n == 0 || errno != EINTR) {
				(void)bh_frame_send(fd, BH_FRAME_STDIN, NULL,
						    0);
				in_fd = -1;
			}
		}
	}
	bh_strbuf_release(&in);
	if (c->code < 0) {
		fprintf(stderr, "bulkhead: vm: the VM went away before the "
				"command's status\n");
		return 125;
	}
	return c->code;
}

static void put_field(struct bh_strbuf *b, const char *k, const char *v)
{
	bh_strbuf_append(b, k, strlen(k) + 1);
	bh_strbuf_append(b, v, strlen(v) + 1);
}

int bh_cmd_vm(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(vm_help, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	bool exec = !strcmp(argv[1], "exec");
	if (!exec && strcmp(argv[1], "stop") != 0)
		return bh_cli_usage("vm", "unknown action '%s' (exec, stop)",
				    argv[1]);
	if (argc < 3)
		return bh_cli_usage("vm", "%s needs the SOCKET", argv[1]);
	const char *sock = argv[2];
	int idx = 3;
	if (exec && idx < argc && !strcmp(argv[idx], "--"))
		idx++;
	if (exec && idx >= argc)
		return bh_cli_usage("vm", "exec needs a COMMAND");
	int fd = connect_to(sock);
	if (fd < 0) {
		fprintf(stderr,
			"bulkhead: vm: %s: %s (is `bulkhead run -t microvm "
			"--serve %s` running?)\n",
			sock, strerror(errno), sock);
		return 125;
	}
	signal(SIGPIPE, SIG_IGN);
	if (!exec) {
		(void)bh_frame_send(fd, BH_FRAME_QUIT, NULL, 0);
		close(fd);
		return 0;
	}
	struct bh_strbuf req = BH_STRBUF_INIT;
	char cwd[PATH_MAX];
	if (getcwd(cwd, sizeof(cwd)))
		put_field(&req, "c", cwd);
	for (int i = idx; i < argc; i++)
		put_field(&req, "a", argv[i]);
	int code = 125;
	if (req.len > BH_FRAME_MAX)
		fprintf(stderr, "bulkhead: vm: command line too long\n");
	else if (bh_frame_send(fd, BH_FRAME_EXEC, req.buf,
			       (uint32_t)req.len) == 0) {
		struct client c = {.name = argv[idx], .code = -1};
		code = relay(fd, &c);
	}
	bh_strbuf_release(&req);
	close(fd);
	return code;
}
