/* SPDX-License-Identifier: MIT */
/* The egress channel's relay loop (guest/netmux_io.c), both ends joined by
 * a socketpair as qemu joins them: connections to the guest end's
 * listener reach a unix-socket echo server behind the host end, byte for
 * byte, several at once, each direction closing on its own. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guest/netmux.h"
#include "net/egress.h"
#include "test.h"

static void echo_server(int lfd)
{
	signal(SIGCHLD, SIG_IGN);
	for (;;) {
		int c = accept(lfd, NULL, NULL);
		if (c < 0)
			_exit(0);
		if (fork() == 0) {
			char buf[8192];
			ssize_t n;
			while ((n = read(c, buf, sizeof(buf))) > 0)
				if (write(c, buf, (size_t)n) != n)
					_exit(1);
			_exit(0);
		}
		close(c);
	}
}

static bool round_trip(unsigned port, size_t size)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons((uint16_t)port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0)
		return false;
	unsigned char *out = malloc(size), *in = malloc(size);
	for (size_t i = 0; i < size; i++)
		out[i] = (unsigned char)(i * 7 + i / 251);
	/* A writer child, so the echo never waits on us. */
	pid_t w = fork();
	if (w == 0) {
		size_t off = 0;
		while (off < size) {
			ssize_t n = write(fd, out + off, size - off);
			if (n <= 0)
				_exit(1);
			off += (size_t)n;
		}
		shutdown(fd, SHUT_WR);
		_exit(0);
	}
	size_t got = 0;
	ssize_t n;
	while (got < size && (n = read(fd, in + got, size - got)) > 0)
		got += (size_t)n;
	char extra;
	bool eof = read(fd, &extra, 1) == 0; /* the echo's end came through */
	int st = 1;
	waitpid(w, &st, 0);
	bool ok = got == size && eof && !memcmp(in, out, size) &&
		  WIFEXITED(st) && WEXITSTATUS(st) == 0;
	free(out);
	free(in);
	close(fd);
	return ok;
}

TEST(vm_netmux_relay_end_to_end)
{
	char dir[] = "/tmp/bh-netmux-XXXXXX";
	REQUIRE(mkdtemp(dir) != NULL);
	char path[64];
	snprintf(path, sizeof(path), "%s/proxy.sock", dir);
	struct bh_error *err = NULL;
	int ufd = bh_egress_listen_unix(path, getuid(), &err);
	REQUIRE(ufd >= 0);
	unsigned port = 0;
	int lfd = bh_egress_listen_loopback(0, &port);
	REQUIRE(lfd >= 0);
	int sp[2];
	REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) == 0);
	pid_t echo = fork();
	if (echo == 0)
		echo_server(ufd);
	pid_t host = fork();
	if (host == 0) {
		bh_netmux_run(sp[1], -1, path);
		_exit(0);
	}
	pid_t guest = fork();
	if (guest == 0) {
		bh_netmux_run(sp[0], lfd, NULL);
		_exit(0);
	}
	close(sp[0]);
	close(sp[1]);
	close(ufd);
	close(lfd);
	CHECK(round_trip(port, 5));
	/* Larger than a frame and than a queue: flow control at work. */
	CHECK(round_trip(port, 1u << 20));
	pid_t many[4];
	for (int i = 0; i < 4; i++) {
		many[i] = fork();
		if (many[i] == 0)
			_exit(round_trip(port, 300000) ? 0 : 1);
	}
	for (int i = 0; i < 4; i++) {
		int st = 1;
		waitpid(many[i], &st, 0);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	kill(guest, SIGKILL);
	kill(host, SIGKILL);
	kill(echo, SIGKILL);
	waitpid(guest, NULL, 0);
	waitpid(host, NULL, 0);
	waitpid(echo, NULL, 0);
	unlink(path);
	rmdir(dir);
}
