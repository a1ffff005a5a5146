/* SPDX-License-Identifier: MIT */
/*
 * The gvisor tier's way out: gVisor's Sentry has a network stack of its own
 * (loopback only with --network=none), and the only thing that leads out of
 * it is the unix socket of bulkhead's proxy, bound into the sandbox.  This
 * relay, the sandbox's first process, listens where the proxy variables
 * point (127.0.0.1:3128) and carries bytes both ways; the proxy outside
 * decides.  It holds nothing the command lacks: same uid, no privileges,
 * and the socket is reachable by the command anyway.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "net/egress.h"

static int connect_unix(const char *path)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(a.sun_path))
		return -ENAMETOOLONG;
	strcpy(a.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

static bool write_all(int fd, const char *buf, ssize_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, buf, (size_t)n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		buf += w;
		n -= w;
	}
	return true;
}

/* Carries bytes between a and b until both directions have ended. */
static void pump(int a, int b)
{
	struct pollfd p[2] = {{.fd = a, .events = POLLIN},
			      {.fd = b, .events = POLLIN}};
	int ends[2] = {b, a};
	static char buf[65536];
	int open_dirs = 2;
	while (open_dirs > 0) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		for (int i = 0; i < 2; i++) {
			if (p[i].fd < 0 || !p[i].revents)
				continue;
			ssize_t n = read(p[i].fd, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n > 0 && write_all(ends[i], buf, n))
				continue;
			if (n < 0 || n > 0)
				return; /* a reset: end both ways */
			(void)shutdown(ends[i], SHUT_WR);
			p[i].fd = -1;
			open_dirs--;
		}
	}
}

static void serve(int lfd, const char *sock_path)
{
	int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (c < 0)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		close(lfd);
		int u = connect_unix(sock_path);
		if (u >= 0)
			pump(c, u);
		_exit(0);
	}
	close(c);
}

extern char **environ;

int bh_egress_relay(const char *sock_path, unsigned port, char *const *argv)
{
	unsigned bound;
	int lfd = sock_path ? bh_egress_listen_loopback(port, &bound) : -1;
	if (sock_path && lfd < 0) {
		fprintf(stderr,
			"bulkhead: egress relay: listening on "
			"127.0.0.1:%u: %s\n",
			port, strerror(-lfd));
		return 125;
	}
	/* SIGCHLD, and the signals the supervisor passes in (runsc kill)
	 * for the command. */
	static const int fwd[] = {SIGINT,  SIGTERM, SIGHUP,
				  SIGQUIT, SIGUSR1, SIGUSR2};
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	for (size_t i = 0; i < sizeof(fwd) / sizeof(fwd[0]); i++)
		sigaddset(&chld, fwd[i]);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	int sfd = signalfd(-1, &chld, SFD_CLOEXEC);
	/* posix_spawnp: a vfork, which under gVisor's ptrace platform
	 * saves a whole address-space copy (~10 ms); lfd and sfd are
	 * close-on-exec, the child starts with no signal blocked. */
	sigset_t none;
	sigemptyset(&none);
	posix_spawnattr_t at;
	pid_t cmd = -1;
	int e = posix_spawnattr_init(&at);
	if (!e)
		e = posix_spawnattr_setsigmask(&at, &none);
	if (!e)
		e = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK);
	if (!e)
		e = posix_spawnp(&cmd, argv[0], NULL, &at, argv, environ);
	posix_spawnattr_destroy(&at);
	if (e == EAGAIN || e == ENOMEM) { /* no process, not an exec error */
		fprintf(stderr, "bulkhead: cannot start %s: %s\n", argv[0],
			strerror(e));
		return 125;
	}
	if (e) {
		fprintf(stderr, "bulkhead: %s: %s\n", argv[0],
			e == ENOENT ? "command not found" : strerror(e));
		return e == ENOENT ? 127 : 126;
	}
	if (sfd < 0)
		return 125;
	int status = 0;
	for (bool done = false; !done;) {
		struct pollfd p[2] = {{.fd = lfd, .events = POLLIN},
				      {.fd = sfd, .events = POLLIN}};
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[0].revents)
			serve(lfd, sock_path);
		if (p[1].revents) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si) &&
			    si.ssi_signo != SIGCHLD)
				(void)kill(cmd, (int)si.ssi_signo);
			int st;
			pid_t w;
			while ((w = waitpid(-1, &st, WNOHANG)) > 0)
				if (w == cmd) {
					status = st;
					done = true;
				}
		}
	}
	/* The command is over: nothing it started outlives it. */
	(void)kill(-1, SIGKILL);
	return WIFEXITED(status)     ? WEXITSTATUS(status)
	       : WIFSIGNALED(status) ? 128 + WTERMSIG(status)
				     : 125;
}
