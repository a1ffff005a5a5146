/* SPDX-License-Identifier: MIT */
/*
 * Network probe for the integration tests.
 *   netprobe listen PORTFILE       listen on 127.0.0.1:0, write the port to
 *                                  PORTFILE, accept and answer "pong\n"
 *                                  until killed
 *   netprobe connect PORT          TCP connect to 127.0.0.1:PORT; prints
 *                                  "connect ok <reply>" or "connect errno=E"
 *   netprobe udp PORT              send one UDP datagram to 127.0.0.1:PORT
 *   netprobe bind                  TCP bind to 127.0.0.1:0
 *   netprobe unix PATH             connect to a pathname unix socket
 *   netprobe abstract NAME         connect to an abstract unix socket
 * Output is one line "OP ok" / "OP errno=ENAME".  Exit 0 unless misused.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int report(const char *op, int r)
{
	if (r < 0)
		printf("%s errno=%s\n", op, strerrorname_np(errno));
	else
		printf("%s ok\n", op);
	return 0;
}

static struct sockaddr_in lo(int port)
{
	struct sockaddr_in a;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((unsigned short)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	const char *op = argv[1];
	if (!strcmp(op, "listen") && argc == 3) {
		int s = socket(AF_INET, SOCK_STREAM, 0);
		int one = 1;
		setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		struct sockaddr_in a = lo(0);
		socklen_t l = sizeof(a);
		if (s < 0 || bind(s, (void *)&a, sizeof(a)) || listen(s, 16) ||
		    getsockname(s, (void *)&a, &l)) {
			perror("listen");
			return 1;
		}
		FILE *f = fopen(argv[2], "w");
		fprintf(f, "%d\n", ntohs(a.sin_port));
		fclose(f);
		signal(SIGPIPE, SIG_IGN);
		for (;;) {
			int c = accept(s, NULL, NULL);
			if (c >= 0) {
				(void)!write(c, "pong\n", 5);
				close(c);
			}
		}
	}
	if (!strcmp(op, "connect") && argc == 3) {
		int s = socket(AF_INET, SOCK_STREAM, 0);
		if (s < 0)
			return report("socket", -1);
		struct sockaddr_in a = lo(atoi(argv[2]));
		if (connect(s, (void *)&a, sizeof(a)) < 0)
			return report("connect", -1);
		char buf[16] = {0};
		(void)!read(s, buf, sizeof(buf) - 1);
		printf("connect ok %s", buf);
		return 0;
	}
	if (!strcmp(op, "udp") && argc == 3) {
		int s = socket(AF_INET, SOCK_DGRAM, 0);
		if (s < 0)
			return report("udp", -1);
		struct sockaddr_in a = lo(atoi(argv[2]));
		return report("udp", (int)sendto(s, "x", 1, 0, (void *)&a,
						 sizeof(a)));
	}
	if (!strcmp(op, "bind")) {
		int s = socket(AF_INET, SOCK_STREAM, 0);
		if (s < 0)
			return report("bind", -1);
		struct sockaddr_in a = lo(0);
		return report("bind", bind(s, (void *)&a, sizeof(a)));
	}
	if ((!strcmp(op, "unix") || !strcmp(op, "abstract")) && argc == 3) {
		int s = socket(AF_UNIX, SOCK_STREAM, 0);
		if (s < 0)
			return report(op, -1);
		struct sockaddr_un u;
		memset(&u, 0, sizeof(u));
		u.sun_family = AF_UNIX;
		size_t off = !strcmp(op, "abstract") ? 1 : 0;
		strncpy(u.sun_path + off, argv[2], sizeof(u.sun_path) - 1 - off);
		socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
					    off + strlen(argv[2]));
		return report(op, connect(s, (void *)&u, len));
	}
	return 2;
}
