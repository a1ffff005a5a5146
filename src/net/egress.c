/* SPDX-License-Identifier: MIT */
#include "net/egress.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/sha256.h"
#include "core/util.h"

bool bh_egress_wanted(const struct bh_policy *p)
{
	for (size_t i = 0; i < p->n_hosts; i++)
		if (p->hosts[i].allow)
			return true;
	return false;
}

static void add_env(struct bh_egress *e, const char *name, char *value)
{
	if (e->n_env >= BH_ARRAY_SIZE(e->env)) {
		free(value);
		return;
	}
	e->env_strings[e->n_env] = value;
	e->env[e->n_env].name = name;
	e->env[e->n_env].value = value;
	e->n_env++;
}

int bh_egress_listen_loopback(unsigned port, unsigned *bound)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	struct sockaddr_in a;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof(a);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    listen(fd, 512) != 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
		int err = errno;
		close(fd);
		return -err;
	}
	*bound = ntohs(a.sin_port);
	return fd;
}

int bh_egress_listen_unix(const char *path, uid_t uid, struct bh_error **err)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(a.sun_path))
		return bh_error_set(err, BH_EK_SYSTEM, ENAMETOOLONG,
				    "the proxy's socket path %s is too long "
				    "(set TMPDIR to a shorter directory)",
				    path);
	strcpy(a.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return bh_error_sys(err, errno, "socket");
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    listen(fd, 512) != 0) {
		int e = errno;
		close(fd);
		return bh_error_sys(err, e, "listening on %s", path);
	}
	/* Only that uid may connect (and root, which can anyway). */
	if (chown(path, uid, (gid_t)-1) != 0 || chmod(path, 0600) != 0) {
		int e = errno;
		close(fd);
		return bh_error_sys(err, e, "chown %s", path);
	}
	return fd;
}

int bh_egress_prepare(struct bh_egress *e, const struct bh_policy *p,
		      bool in_netns, struct bh_error **err)
{
	memset(e, 0, sizeof(*e));
	e->listen_fd = e->log_rd = -1;
	e->on = bh_egress_wanted(p);
	if (!e->on)
		return 0;
	unsigned char raw[16];
	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
		return bh_error_sys(err, errno, "getrandom");
	bh_hex(raw, sizeof(raw), e->token);
	explicit_bzero(raw, sizeof(raw));
	if (in_netns) {
		e->port = BH_EGRESS_NS_PORT; /* the sandbox's own loopback */
	} else {
		int fd = bh_egress_listen_loopback(0, &e->port);
		if (fd < 0)
			return bh_error_sys(err, -fd,
					    "listening for the egress proxy");
		e->listen_fd = fd;
	}
	/* Tools read different names; all point at the same proxy.  In the
	 * kernel tier the token is the proxy's password, so no other process
	 * on the host can use it; behind a network namespace nothing else can
	 * reach the socket, and tools that cannot send credentials (Java's
	 * proxy properties) work. */
	e->need_token = !in_netns;
	char cred[64] = "";
	if (e->need_token)
		snprintf(cred, sizeof(cred), "bulkhead:%s@", e->token);
	char *http = bh_xasprintf("http://%s127.0.0.1:%u", cred, e->port);
	add_env(e, "HTTP_PROXY", bh_xstrdup(http));
	add_env(e, "HTTPS_PROXY", bh_xstrdup(http));
	add_env(e, "http_proxy", bh_xstrdup(http));
	add_env(e, "https_proxy", bh_xstrdup(http));
	add_env(e, "ALL_PROXY",
		bh_xasprintf("socks5h://%s127.0.0.1:%u", cred, e->port));
	add_env(e, "all_proxy",
		bh_xasprintf("socks5h://%s127.0.0.1:%u", cred, e->port));
	add_env(e, "NO_PROXY", bh_xstrdup(""));
	add_env(e, "no_proxy", bh_xstrdup(""));
	/* Node 22+ reads HTTP(S)_PROXY for fetch() only when asked to. */
	add_env(e, "NODE_USE_ENV_PROXY", bh_xstrdup("1"));
	add_env(e, "npm_config_proxy", bh_xstrdup(http));
	add_env(e, "npm_config_https_proxy", bh_xstrdup(http));
	add_env(e, "PIP_PROXY", bh_xstrdup(http));
	/* Java: proxy properties only (DESIGN.md settled question 7). */
	add_env(e, "JAVA_TOOL_OPTIONS",
		bh_xasprintf("-Dhttp.proxyHost=127.0.0.1 -Dhttp.proxyPort=%u "
			     "-Dhttps.proxyHost=127.0.0.1 "
			     "-Dhttps.proxyPort=%u",
			     e->port, e->port));
	explicit_bzero(http, strlen(http));
	free(http);
	explicit_bzero(cred, sizeof(cred));
	return 0;
}

void bh_egress_release(struct bh_egress *e)
{
	if (!e)
		return;
	if (e->proxy_pid > 0) {
		kill(e->proxy_pid, SIGKILL);
		(void)waitpid(e->proxy_pid, NULL, 0);
		e->proxy_pid = 0;
	}
	if (e->listen_fd >= 0)
		close(e->listen_fd);
	if (e->log_rd >= 0)
		close(e->log_rd);
	e->listen_fd = e->log_rd = -1;
	for (size_t i = 0; i < e->n_env; i++) {
		explicit_bzero(e->env_strings[i], strlen(e->env_strings[i]));
		free(e->env_strings[i]);
	}
	e->n_env = 0;
	explicit_bzero(e->token, sizeof(e->token));
}

int bh_egress_send_listener(int sock)
{
	unsigned port;
	int fd = bh_egress_listen_loopback(BH_EGRESS_NS_PORT, &port);
	if (fd < 0)
		return fd;
	char byte = 'L';
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	memset(&u, 0, sizeof(u));
	struct msghdr m = {.msg_iov = &iov,
			   .msg_iovlen = 1,
			   .msg_control = u.buf,
			   .msg_controllen = sizeof(u.buf)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	ssize_t n = sendmsg(sock, &m, MSG_NOSIGNAL);
	int err = errno;
	close(fd);
	return n == 1 ? 0 : -err;
}

int bh_egress_recv_listener(int sock)
{
	char byte;
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr m = {.msg_iov = &iov,
			   .msg_iovlen = 1,
			   .msg_control = u.buf,
			   .msg_controllen = sizeof(u.buf)};
	ssize_t n = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);
	if (n != 1)
		return n < 0 ? -errno : -EPIPE;
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(sizeof(int)))
		return -EPROTO;
	int fd;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}
