/* SPDX-License-Identifier: MIT */
/*
 * The egress proxy's event loop (DESIGN.md decision 7, issue 4).
 *
 * One thread, epoll, non-blocking sockets, two bounded buffers per
 * connection.  The order of a connection is fixed and is the defence:
 *   parse (http.c via proxy_http.c / socks.c, every host through
 *      bh_host_canon)
 *   -> authenticate (the session token)
 *   -> decide by name (bh_hostrules_allow) BEFORE any DNS, so a denied
 *      name never becomes a query (threat 48)
 *   -> rate-limit lookups per allowing rule, then resolve (c-ares, never
 *      blocking the loop)
 *   -> check every resolved address (bh_hostrules_addr_ok: rebinding,
 *      threat 57) and connect only to a checked one, by the sockaddr we
 *      checked: nothing is resolved twice
 *   -> for port 443, read the ClientHello before a byte reaches the origin
 *      and require its SNI to be the allowed host (threat 50)
 *   -> relay (plain HTTP: only what proxy_http.c lets through); one
 *      audit record per connection when it ends.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/util.h"
#include "net/dns.h"
#include "net/host.h"
#include "net/proxy_conn.h"
#include "net/proxy_internal.h"
#include "net/sni.h"
#include "net/socks.h"

#define HANDSHAKE_MS 30000     /* head, SOCKS handshake, DNS, connect, hello */
#define DNS_NAMES_PER_MINUTE 32
#define DEFAULT_MAX_CONNS 4096
#define PIPE_SZ (1 << 20)      /* asked for; the kernel may grant less */
#define FD_RESERVE 64          /* listeners, epoll, signalfd, resolver */

/* epoll data: the top two bits say what the rest is. */
#define TAG_MASK (3ull << 62)
#define TAG_CONN (0ull << 62) /* gen << 33 | side << 32 | slot */
#define TAG_LISTEN (1ull << 62) /* | index */
#define TAG_DNS (2ull << 62)  /* | fd */
#define TAG_SIGNAL (3ull << 62)

static const char *const proto_names[] = {"http", "connect", "socks5"};

struct bh_proxy {
	const struct bh_proxy_opts *o;
	struct bh_hostrules *rules;
	struct bh_dns *dns;
	struct bh_ratelimit *rl;
	int epfd, sigfd;
	struct conn **slots;
	uint32_t *gens;
	uint32_t n_slots, n_used;
	uint32_t *free_slots;
	uint32_t n_free;
	uint32_t pipe_fds, pipe_fd_budget;
	bool stop;
};

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* --- audit -------------------------------------------------------------- */

static void audit_conn(struct bh_proxy *px, struct conn *c)
{
	struct bh_proxy_record rec = {
		.session = px->o->session_id,
		.proto = c->ws ? "websocket" : proto_names[c->proto],
		.host = c->host_known ? c->host.name : NULL,
		.port = c->host_known ? c->port : 0,
		.addr = c->addr,
		.allowed = c->allowed,
		.rule = c->rule,
		.reason = c->reason,
		.bytes_up = c->bytes_up,
		.bytes_down = c->bytes_down,
		.duration_ms = now_ms() - c->start_ms,
	};
	bh_proxy_audit(px->o->log_fd, &rec);
}

/* --- connection table ---------------------------------------------------- */

static uint64_t conn_tag(const struct conn *c, int side)
{
	return TAG_CONN | ((uint64_t)(c->gen & 0x1fffffff) << 33) | ((uint64_t)side << 32) |
	       c->slot;
}

static struct conn *conn_by_tag(struct bh_proxy *px, uint64_t tag, int *side)
{
	uint32_t slot = (uint32_t)tag;
	uint32_t gen = (uint32_t)((tag >> 33) & 0x1fffffff);
	if (slot >= px->n_slots || !px->slots[slot] ||
	    (px->slots[slot]->gen & 0x1fffffff) != gen)
		return NULL;
	if (side)
		*side = (int)((tag >> 32) & 1);
	return px->slots[slot];
}

static struct conn *conn_new(struct bh_proxy *px, int cfd)
{
	if (!px->n_free)
		return NULL;
	uint32_t slot = px->free_slots[--px->n_free];
	struct conn *c = bh_xcalloc(1, sizeof(*c));
	c->slot = slot;
	c->gen = ++px->gens[slot];
	c->cfd = cfd;
	c->ofd = -1;
	c->pup.r = c->pup.w = c->pdown.r = c->pdown.w = -1;
	c->start_ms = now_ms();
	c->deadline_ms = c->start_ms + HANDSHAKE_MS;
	c->up_limit = UINT64_MAX;
	px->slots[slot] = c;
	px->n_used++;
	return c;
}

static void set_reason(struct conn *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void set_reason(struct conn *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	free(c->reason);
	c->reason = bh_xvasprintf(fmt, ap);
	va_end(ap);
}

static void pipe_close(struct bh_proxy *px, struct relay_pipe *p)
{
	if (p->r < 0)
		return;
	close(p->r);
	close(p->w);
	p->r = p->w = -1;
	p->len = 0;
	px->pipe_fds -= 2;
}

static void conn_free(struct bh_proxy *px, struct conn *c)
{
	audit_conn(px, c);
	if (c->cfd >= 0)
		close(c->cfd); /* also leaves the epoll set */
	if (c->ofd >= 0)
		close(c->ofd);
	pipe_close(px, &c->pup);
	pipe_close(px, &c->pdown);
	px->slots[c->slot] = NULL;
	px->free_slots[px->n_free++] = c->slot;
	px->n_used--;
	free(c->up.p);
	free(c->down.p);
	free(c->reason);
	free(c->fwd);
	free(c->early.p);
	free(c);
}

/* Refuses: a best-effort reply, then close.  Drains what the client sent
 * first so the kernel does not answer our reply with a reset. */
static void conn_refuse(struct bh_proxy *px, struct conn *c, const void *reply,
			size_t n)
{
	if (reply && n) {
		ssize_t w = write(c->cfd, reply, n);
		(void)w;
	}
	shutdown(c->cfd, SHUT_WR);
	char sink[4096];
	for (int i = 0; i < 16 && read(c->cfd, sink, sizeof(sink)) > 0; i++)
		;
	conn_free(px, c);
}

static void deny_http(struct bh_proxy *px, struct conn *c, int status)
{
	char *msg = bh_proxy_http_reply(status, c->reason);
	conn_refuse(px, c, msg, strlen(msg));
	free(msg);
}

static void deny_socks(struct bh_proxy *px, struct conn *c, uint8_t rep)
{
	uint8_t r[10];
	bh_socks_reply(rep, r);
	conn_refuse(px, c, r, sizeof(r));
}

/* Refuses a request that was parsed, in the client's protocol. */
static void deny(struct bh_proxy *px, struct conn *c, int http_status,
		 uint8_t socks_rep)
{
	c->allowed = false;
	if (c->proto == P_SOCKS)
		deny_socks(px, c, socks_rep);
	else
		deny_http(px, c, http_status);
}

/* The token, compared in time that does not depend on where it differs. */
static bool token_eq(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char d = la != lb;
	for (size_t i = 0; i < lb; i++)
		d |= (unsigned char)(a[i % (la ? la : 1)] ^ b[i]);
	return d == 0 && la == lb;
}

/* --- epoll interest ------------------------------------------------------ */

/* Bytes flow both ways until each side closes: CONNECT, SOCKS5, and a
 * WebSocket after its 101.  Plain HTTP is one request and its response. */
static bool is_tunnel(const struct conn *c)
{
	return c->proto != P_HTTP || c->ws == WS_OPEN;
}

static bool buf_has_data(const struct buf *b)
{
	return b->p && b->len > b->off;
}

static bool buf_has_room(const struct buf *b)
{
	return !b->p || b->len < b->cap || b->off > 0;
}

/* A direction's bytes in flight: the pipe's are newer than the buffer's
 * only after a fallback, and are written first either way (see
 * relay_write). */
static bool dir_has_data(const struct buf *b, const struct relay_pipe *p)
{
	return p->len > 0 || buf_has_data(b);
}

/* Relayed reads splice into the pipe once the buffer holding what the
 * handshake left over is drained. */
static bool dir_splicing(const struct conn *c, const struct buf *b,
			 const struct relay_pipe *p)
{
	return c->st == S_RELAY && !p->off && !p->inspect && !buf_has_data(b);
}

static bool dir_has_room(const struct conn *c, const struct buf *b,
			 const struct relay_pipe *p)
{
	if (dir_splicing(c, b, p))
		return p->r < 0 || (!p->full && p->len < p->cap);
	return buf_has_room(b);
}

static void buf_prepare(struct buf *b)
{
	if (!b->p) {
		b->p = bh_xmalloc(BUF_CAP);
		b->cap = BUF_CAP;
	}
	if (b->off == b->len) {
		b->off = b->len = 0;
	} else if (b->len == b->cap && b->off > 0) {
		memmove(b->p, b->p + b->off, b->len - b->off);
		b->len -= b->off;
		b->off = 0;
	}
}

static int set_mask(struct bh_proxy *px, struct conn *c, int side, uint32_t m)
{
	bool *reg = side ? &c->oreg : &c->creg;
	uint32_t *cur = side ? &c->omask : &c->cmask;
	int fd = side ? c->ofd : c->cfd;
	if (fd < 0 || (*reg && *cur == m))
		return 0;
	struct epoll_event ev = {.events = m, .data.u64 = conn_tag(c, side)};
	if (epoll_ctl(px->epfd, *reg ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd,
		      &ev) < 0)
		return -errno;
	*reg = true;
	*cur = m;
	return 0;
}

static int update_interest(struct bh_proxy *px, struct conn *c)
{
	uint32_t cm = 0, om = 0;
	bool relay = c->st == S_RELAY;
	bool reading_client = c->st <= S_SOCKS_REQ || c->st == S_HELLO ||
			      (relay && c->up_limit > 0);
	if (reading_client && !c->c_eof && dir_has_room(c, &c->up, &c->pup))
		cm |= EPOLLIN;
	if (dir_has_data(&c->down, &c->pdown))
		cm |= EPOLLOUT;
	if (c->st == S_CONNECT)
		om |= EPOLLOUT;
	if (relay) {
		if (!c->o_eof && dir_has_room(c, &c->down, &c->pdown))
			om |= EPOLLIN;
		if (dir_has_data(&c->up, &c->pup))
			om |= EPOLLOUT;
	}
	int r = set_mask(px, c, 0, cm);
	if (!r && c->ofd >= 0)
		r = set_mask(px, c, 1, om);
	return r;
}

/* --- decisions ------------------------------------------------------------ */

static void start_connect(struct bh_proxy *px, struct conn *c);
static bool pump(struct bh_proxy *px, struct conn *c);

static void on_addresses(struct bh_proxy *px, struct conn *c,
			 const struct bh_dns_addr *addrs, size_t n)
{
	const char *first_why = NULL;
	char first_refused[INET6_ADDRSTRLEN] = "";
	c->n_addrs = 0;
	for (size_t i = 0; i < n; i++) {
		const char *why = NULL;
		if (bh_hostrules_addr_ok(px->rules, addrs[i].family,
					 addrs[i].addr, c->port, &why)) {
			c->addrs[c->n_addrs++] = addrs[i];
		} else if (!first_why) {
			first_why = why ? why : "address refused";
			inet_ntop(addrs[i].family, addrs[i].addr, first_refused,
				  sizeof(first_refused));
		}
	}
	if (!c->n_addrs) {
		memcpy(c->addr, first_refused, sizeof(c->addr));
		set_reason(c, "%s resolves to %s: %s (rebinding defence; a rule "
			      "naming the address grants it)",
			   c->host.name, first_refused, first_why);
		deny(px, c, 403, BH_SOCKS_NOT_ALLOWED);
		return;
	}
	c->next_addr = 0;
	start_connect(px, c);
}

static void dns_done(void *arg, int status, const struct bh_dns_addr *addrs,
		     size_t n)
{
	struct bh_proxy *px = ((void **)arg)[0];
	uint64_t tag = (uint64_t)(uintptr_t)((void **)arg)[1];
	free(arg);
	struct conn *c = conn_by_tag(px, tag, NULL);
	if (!c || c->st != S_RESOLVE)
		return; /* the client went away meanwhile */
	if (status) {
		set_reason(c, "resolving %s: %s", c->host.name,
			   status == -ENOENT      ? "no address"
			   : status == -ETIMEDOUT ? "timed out"
						  : "failed");
		c->allowed = false;
		deny(px, c, 502, BH_SOCKS_HOST_UNREACH);
		return;
	}
	on_addresses(px, c, addrs, n);
}

/* The host is parsed; decide by name, then resolve or connect. */
static void decide(struct bh_proxy *px, struct conn *c)
{
	const struct bh_host_rule *rule = NULL;
	c->host_known = true;
	bool ok = bh_hostrules_allow(px->rules, &c->host, c->port, &rule);
	c->rule = rule;
	if (!ok) {
		set_reason(c, rule ? "denied by rule" : "no rule allows it");
		deny(px, c, 403, BH_SOCKS_NOT_ALLOWED);
		return;
	}
	c->allowed = true;
	if (c->host.kind != BH_HOST_NAME) {
		struct bh_dns_addr a = {
			.family = c->host.kind == BH_HOST_IPV4 ? AF_INET
							       : AF_INET6,
		};
		memcpy(a.addr, c->host.addr, 16);
		on_addresses(px, c, &a, 1);
		return;
	}
	/* Keyed by the allowing rule: a random-subdomain storm can only come
	 * through a wildcard, and the wildcard is its parent domain. */
	if (!bh_ratelimit_admit(px->rl, rule && rule->host ? rule->host : "",
				c->host.name, now_ms())) {
		c->allowed = false;
		set_reason(c, "DNS rate limit: more than %d names under %s in "
			      "a minute",
			   DNS_NAMES_PER_MINUTE, rule ? rule->host : "?");
		deny(px, c, 403, BH_SOCKS_NOT_ALLOWED);
		return;
	}
	c->st = S_RESOLVE;
	void **arg = bh_xmalloc(2 * sizeof(void *));
	arg[0] = px;
	arg[1] = (void *)(uintptr_t)conn_tag(c, 0);
	if (update_interest(px, c) < 0) {
		free(arg);
		conn_free(px, c);
		return;
	}
	bh_dns_lookup(px->dns, c->host.name, dns_done, arg);
}

static void start_connect(struct bh_proxy *px, struct conn *c)
{
	while (c->next_addr < c->n_addrs) {
		const struct bh_dns_addr *a = &c->addrs[c->next_addr++];
		inet_ntop(a->family, a->addr, c->addr, sizeof(c->addr));
		struct sockaddr_storage ss = {0};
		socklen_t sl;
		if (a->family == AF_INET) {
			struct sockaddr_in *s = (struct sockaddr_in *)&ss;
			s->sin_family = AF_INET;
			s->sin_port = htons((uint16_t)c->port);
			memcpy(&s->sin_addr, a->addr, 4);
			sl = sizeof(*s);
		} else {
			struct sockaddr_in6 *s = (struct sockaddr_in6 *)&ss;
			s->sin6_family = AF_INET6;
			s->sin6_port = htons((uint16_t)c->port);
			memcpy(&s->sin6_addr, a->addr, 16);
			sl = sizeof(*s);
		}
		/* The address connected to is the one just checked, copied
		 * from the same bytes: no second resolution (DESIGN traps). */
		int fd = socket(a->family,
				SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0)
			continue;
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (connect(fd, (struct sockaddr *)&ss, sl) < 0 &&
		    errno != EINPROGRESS) {
			set_reason(c, "connect %s: %s", c->addr,
				   strerror(errno));
			close(fd);
			continue;
		}
		c->ofd = fd;
		c->oreg = false;
		c->st = S_CONNECT;
		if (update_interest(px, c) < 0)
			conn_free(px, c);
		return;
	}
	if (!c->reason)
		set_reason(c, "no address to connect to");
	deny(px, c, 502, BH_SOCKS_REFUSED);
}

/* Connected to the origin: answer the client, then relay (or first wait
 * for the ClientHello on port 443). */
static void on_connected(struct bh_proxy *px, struct conn *c)
{
	static const char ok200[] = "HTTP/1.1 200 Connection established\r\n\r\n";
	free(c->reason);
	c->reason = NULL;
	buf_prepare(&c->down);
	if (c->proto == P_HTTP) {
		bh_proxy_http_forward(c);
	} else {
		if (c->proto == P_CONNECT) {
			memcpy(c->down.p + c->down.len, ok200,
			       sizeof(ok200) - 1);
			c->down.len += sizeof(ok200) - 1;
		} else {
			bh_socks_reply(BH_SOCKS_OK, c->down.p + c->down.len);
			c->down.len += 10;
		}
		c->st = c->port == 443 ? S_HELLO : S_RELAY;
		c->deadline_ms = now_ms() + HANDSHAKE_MS;
	}
	if (!pump(px, c))
		return;
	if (update_interest(px, c) < 0)
		conn_free(px, c);
}

/* Port 443: the first bytes must be a ClientHello naming the allowed host.
 * Returns true when the connection goes on. */
static bool check_hello(struct bh_proxy *px, struct conn *c)
{
	char name[256];
	size_t nl = 0;
	const char *why = "";
	int r = bh_sni_parse(c->up.p + c->up.off, c->up.len - c->up.off, name,
			     &nl, &why);
	if (r == -EAGAIN) {
		if (c->c_eof) {
			set_reason(c, "client closed before a whole "
				      "ClientHello");
			goto refuse;
		}
		return true;
	}
	bool literal = c->host.kind != BH_HOST_NAME;
	if (r == -ENOENT && literal) {
		/* Clients send no SNI to an IP literal; the literal itself
		 * was granted by a rule naming it. */
		c->st = S_RELAY;
		return true;
	}
	if (r == -ENOENT) {
		set_reason(c, "domain-fronting: %s", why);
		goto refuse;
	}
	if (r) {
		set_reason(c, "domain-fronting: bad ClientHello: %s", why);
		goto refuse;
	}
	struct bh_host sni;
	const char *pwhy = "";
	if (bh_host_canon(name, nl, &sni, &pwhy)) {
		set_reason(c, "domain-fronting: bad SNI: %s", pwhy);
		goto refuse;
	}
	if (literal || sni.kind != c->host.kind ||
	    strcmp(sni.name, c->host.name)) {
		set_reason(c, "domain-fronting: SNI %s differs from the "
			      "requested host %s",
			   sni.name, c->host.name);
		goto refuse;
	}
	c->st = S_RELAY;
	return true;
refuse:
	c->allowed = false;
	conn_free(px, c); /* the client already has its 200: just close */
	return false;
}

/* --- protocol front ends --------------------------------------------------- */

static void http_head(struct bh_proxy *px, struct conn *c)
{
	int r = bh_proxy_http_head(c, px->o->token, c->c_eof);
	if (r == -EAGAIN)
		return;
	if (r)
		deny_http(px, c, r);
	else
		decide(px, c);
}

static void socks_step(struct bh_proxy *px, struct conn *c)
{
	const uint8_t *p = c->up.p + c->up.off;
	size_t n = c->up.len - c->up.off, used = 0;
	const char *why = "";
	int r;
	for (;;) {
		p = c->up.p + c->up.off;
		n = c->up.len - c->up.off;
		if (c->st == S_SOCKS_GREET) {
			unsigned methods = 0;
			r = bh_socks_parse_greeting(p, n, &used, &methods, &why);
			if (r == -EAGAIN)
				break;
			uint8_t m = 0xff;
			if (!r && px->o->token && (methods & BH_SOCKS_M_USERPASS))
				m = 2;
			else if (!r && !px->o->token &&
				 (methods & BH_SOCKS_M_NOAUTH))
				m = 0;
			if (r || m == 0xff) {
				set_reason(c, "SOCKS5: %s",
					   r ? why : "no acceptable method");
				uint8_t rep[2] = {5, 0xff};
				conn_refuse(px, c, rep, r ? 0 : 2);
				return;
			}
			uint8_t rep[2] = {5, m};
			if (write(c->cfd, rep, 2) != 2) {
				conn_free(px, c);
				return;
			}
			c->up.off += used;
			c->st = m == 2 ? S_SOCKS_AUTH : S_SOCKS_REQ;
		} else if (c->st == S_SOCKS_AUTH) {
			char user[256], pass[256];
			r = bh_socks_parse_userpass(p, n, &used, user, pass,
						    &why);
			if (r == -EAGAIN)
				break;
			bool ok = !r && !strcmp(user, "bulkhead") &&
				  token_eq(pass, px->o->token);
			explicit_bzero(pass, sizeof(pass));
			uint8_t rep[2] = {1, ok ? 0 : 1};
			if (!ok) {
				set_reason(c, "SOCKS5: %s",
					   r ? why : "authentication failed");
				conn_refuse(px, c, rep, 2);
				return;
			}
			if (write(c->cfd, rep, 2) != 2) {
				conn_free(px, c);
				return;
			}
			c->up.off += used;
			c->st = S_SOCKS_REQ;
		} else {
			struct bh_socks_req req;
			uint8_t rep = BH_SOCKS_FAIL;
			r = bh_socks_parse_request(p, n, &used, &req, &rep,
						   &why);
			if (r == -EAGAIN)
				break;
			if (r) {
				set_reason(c, "SOCKS5: %s", why);
				deny_socks(px, c, rep);
				return;
			}
			c->host = req.host;
			c->port = req.port;
			c->host_known = true;
			if (req.cmd != 1) {
				set_reason(c, "SOCKS5: only CONNECT");
				deny_socks(px, c, BH_SOCKS_CMD_UNSUPPORTED);
				return;
			}
			c->up.off += used;
			decide(px, c);
			return;
		}
	}
	if (c->c_eof) {
		set_reason(c, "SOCKS5: client closed during the handshake");
		conn_free(px, c);
		return;
	}
	if (update_interest(px, c) < 0)
		conn_free(px, c);
}

/* New bytes from the client before the relay: move the handshake on. */
static void client_front(struct bh_proxy *px, struct conn *c)
{
	if (c->st == S_SNIFF) {
		if (c->up.len == c->up.off) {
			if (c->c_eof)
				conn_free(px, c);
			return;
		}
		/* The first byte tells the protocol: 5 is SOCKS5; anything
		 * else goes to the HTTP parser, which refuses what is not a
		 * request. */
		if (c->up.p[c->up.off] == 5) {
			c->proto = P_SOCKS;
			c->st = S_SOCKS_GREET;
		} else {
			c->st = S_HTTP_HEAD;
		}
	}
	if (c->st == S_HTTP_HEAD) {
		uint32_t slot = c->slot, gen = c->gen;
		http_head(px, c);
		if (px->slots[slot] && px->slots[slot]->gen == gen &&
		    c->st == S_HTTP_HEAD && update_interest(px, c) < 0)
			conn_free(px, c);
		return;
	}
	if (c->st <= S_SOCKS_REQ)
		socks_step(px, c);
}

/* --- relay ------------------------------------------------------------------ */

/* Reads from fd into b; returns bytes read, 0 at EOF, -EAGAIN, -errno. */
static ssize_t buf_read(int fd, struct buf *b, uint64_t limit)
{
	buf_prepare(b);
	size_t room = b->cap - b->len;
	if (room > limit)
		room = (size_t)limit;
	if (!room)
		return -EAGAIN;
	ssize_t n = read(fd, b->p + b->len, room);
	if (n < 0)
		return errno == EINTR ? -EAGAIN : -errno;
	b->len += (size_t)n;
	return n;
}

static ssize_t buf_write(int fd, struct buf *b)
{
	if (!buf_has_data(b))
		return 0;
	ssize_t n = send(fd, b->p + b->off, b->len - b->off, MSG_NOSIGNAL);
	if (n < 0)
		return errno == EINTR ? -EAGAIN : -errno;
	b->off += (size_t)n;
	return n;
}

/* Opens p, or turns it off when the descriptor budget is spent or the
 * kernel refuses: the buffer then carries the direction. */
static void pipe_open(struct bh_proxy *px, struct relay_pipe *p)
{
	int fds[2];
	if (px->pipe_fds + 2 > px->pipe_fd_budget ||
	    pipe2(fds, O_NONBLOCK | O_CLOEXEC) < 0) {
		p->off = true;
		return;
	}
	p->r = fds[0];
	p->w = fds[1];
	px->pipe_fds += 2;
	/* Refused above pipe-max-size or past the user's pipe pages. */
	int sz = fcntl(p->w, F_SETPIPE_SZ, PIPE_SZ);
	if (sz < 0)
		sz = fcntl(p->w, F_GETPIPE_SZ);
	p->cap = sz > 0 ? (size_t)sz : 4096;
}

/* Reads a relayed direction: spliced into its pipe when it can be, else
 * into the buffer.  Returns as buf_read. */
static ssize_t relay_read(struct bh_proxy *px, struct conn *c, int fd,
			  struct buf *b, struct relay_pipe *p, uint64_t limit)
{
	if (dir_splicing(c, b, p) && p->r < 0)
		pipe_open(px, p);
	if (!dir_splicing(c, b, p))
		return buf_read(fd, b, limit);
	size_t room = p->cap - p->len;
	if (room > limit)
		room = (size_t)limit;
	if (!room || p->full)
		return -EAGAIN;
	ssize_t n = splice(fd, NULL, p->w, NULL, room,
			   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
	if (n >= 0) {
		p->len += (size_t)n;
		return n;
	}
	if (errno == EAGAIN || errno == EINTR) {
		/* Either side may have said it: with bytes in the pipe, assume
		 * the pipe is full until the next drain, or level-triggered
		 * epoll would spin on a readable socket. */
		if (p->len)
			p->full = true;
		return -EAGAIN;
	}
	if (errno != EINVAL)
		return -errno;
	p->off = true;
	if (!p->len)
		pipe_close(px, p);
	return buf_read(fd, b, limit);
}

/* Writes a direction's pipe, then its buffer (newer only after a
 * fallback, as relay_read fills the pipe only when the buffer is empty).
 * Returns bytes written, or -EAGAIN or -errno when none were. */
static ssize_t relay_write(struct bh_proxy *px, int fd, struct buf *b,
			   struct relay_pipe *p)
{
	ssize_t total = 0;
	if (p->len) {
		ssize_t n = splice(p->r, NULL, fd, NULL, p->len,
				   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n < 0)
			return errno == EINTR ? -EAGAIN : -errno;
		p->len -= (size_t)n;
		p->full = false;
		total = n;
		if (p->len)
			return total;
		if (p->off)
			pipe_close(px, p);
	}
	if (buf_has_data(b)) {
		ssize_t n = buf_write(fd, b);
		if (n < 0)
			return total ? total : n;
		total += n;
	}
	return total;
}

/* Writes what is buffered now, without waiting for an epoll round trip
 * (each costs a wake-up on a busy machine).  Returns false when c was
 * freed. */
static bool pump(struct bh_proxy *px, struct conn *c)
{
	if (c->st == S_RELAY && dir_has_data(&c->up, &c->pup)) {
		ssize_t n = relay_write(px, c->ofd, &c->up, &c->pup);
		if (n > 0) {
			c->bytes_up += (uint64_t)n;
		} else if (n < 0 && n != -EAGAIN) {
			set_reason(c, "origin: %s", strerror((int)-n));
			conn_free(px, c);
			return false;
		}
	}
	if (dir_has_data(&c->down, &c->pdown)) {
		ssize_t n = relay_write(px, c->cfd, &c->down, &c->pdown);
		if (n < 0 && n != -EAGAIN) {
			if (!c->reason)
				set_reason(c, "client: %s", strerror((int)-n));
			conn_free(px, c);
			return false;
		}
	}
	return true;
}

/* Half-closes and ends the connection when both directions are done.
 * Returns false when c was freed. */
static bool settle(struct bh_proxy *px, struct conn *c)
{
	if (c->st != S_RELAY)
		return true;
	bool tunnel = is_tunnel(c);
	if (c->o_eof && !dir_has_data(&c->down, &c->pdown) && !c->down_shut) {
		/* Plain HTTP: one response per connection, then close. */
		if (!tunnel) {
			conn_free(px, c);
			return false;
		}
		shutdown(c->cfd, SHUT_WR);
		c->down_shut = true;
	}
	if (c->c_eof && !dir_has_data(&c->up, &c->pup) && !c->up_shut &&
	    tunnel) {
		shutdown(c->ofd, SHUT_WR);
		c->up_shut = true;
	}
	if (c->down_shut && (c->up_shut || !tunnel)) {
		conn_free(px, c);
		return false;
	}
	return true;
}

static void on_client(struct bh_proxy *px, struct conn *c, uint32_t ev)
{
	if (ev & EPOLLOUT) {
		ssize_t n = relay_write(px, c->cfd, &c->down, &c->pdown);
		if (n < 0 && n != -EAGAIN) {
			if (!c->reason)
				set_reason(c, "client: %s", strerror((int)-n));
			conn_free(px, c);
			return;
		}
	}
	if (ev & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		uint64_t lim = c->st == S_RELAY ? c->up_limit : UINT64_MAX;
		if (c->st != S_RELAY && c->st != S_HELLO && c->st > S_SOCKS_REQ)
			lim = 0; /* resolving or connecting: hold the bytes */
		ssize_t n = lim ? relay_read(px, c, c->cfd, &c->up, &c->pup, lim)
				: -EAGAIN;
		if (n == 0) {
			c->c_eof = true;
		} else if (n > 0) {
			int st = 0;
			if (c->st == S_RELAY && !is_tunnel(c))
				st = bh_proxy_http_from_client(c, (size_t)n);
			if (st && c->bytes_down) {
				conn_free(px, c); /* a response has begun */
				return;
			}
			if (st) {
				deny_http(px, c, st);
				return;
			}
		} else if (n != -EAGAIN) {
			conn_free(px, c);
			return;
		} else if ((ev & (EPOLLHUP | EPOLLERR)) && !lim) {
			conn_free(px, c);
			return;
		}
		if (c->st <= S_SOCKS_REQ) {
			client_front(px, c);
			return;
		}
		if (c->st == S_HELLO && !check_hello(px, c))
			return;
	}
	if (!pump(px, c) || !settle(px, c))
		return;
	if (update_interest(px, c) < 0)
		conn_free(px, c);
}

static void on_origin(struct bh_proxy *px, struct conn *c, uint32_t ev)
{
	if (c->st == S_CONNECT) {
		if (!(ev & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
			return;
		int e = 0;
		socklen_t el = sizeof(e);
		if (getsockopt(c->ofd, SOL_SOCKET, SO_ERROR, &e, &el) < 0)
			e = errno;
		if (e) {
			set_reason(c, "connect %s: %s", c->addr, strerror(e));
			close(c->ofd);
			c->ofd = -1;
			start_connect(px, c);
			return;
		}
		on_connected(px, c);
		return;
	}
	if (ev & EPOLLOUT) {
		ssize_t n = relay_write(px, c->ofd, &c->up, &c->pup);
		if (n > 0)
			c->bytes_up += (uint64_t)n;
		else if (n < 0 && n != -EAGAIN) {
			set_reason(c, "origin: %s", strerror((int)-n));
			conn_free(px, c);
			return;
		}
	}
	if (ev & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		ssize_t n = relay_read(px, c, c->ofd, &c->down, &c->pdown,
				       UINT64_MAX);
		if (n == 0) {
			c->o_eof = true;
		} else if (n > 0) {
			c->bytes_down += (uint64_t)n;
			if (c->proto == P_HTTP)
				bh_proxy_http_from_origin(c, (size_t)n);
		} else if (n != -EAGAIN) {
			set_reason(c, "origin: %s", strerror((int)-n));
			c->o_eof = true;
		}
	}
	if (!pump(px, c) || !settle(px, c))
		return;
	if (update_interest(px, c) < 0)
		conn_free(px, c);
}

/* --- the loop --------------------------------------------------------------- */

static void on_accept(struct bh_proxy *px, int lfd)
{
	for (int i = 0; i < 64; i++) {
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return; /* EAGAIN, or a transient error (EMFILE...) */
		struct conn *c = conn_new(px, fd);
		if (!c) {
			/* Full: refuse without a record, so a flood cannot
			 * fill the audit log. */
			close(fd);
			continue;
		}
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (update_interest(px, c) < 0)
			conn_free(px, c);
	}
}

/* Connections still in their handshake after HANDSHAKE_MS are closed. */
static void sweep(struct bh_proxy *px)
{
	uint64_t now = now_ms();
	for (uint32_t i = 0; i < px->n_slots; i++) {
		struct conn *c = px->slots[i];
		if (!c || c->st == S_RELAY || now < c->deadline_ms)
			continue;
		set_reason(c, "timed out in the handshake");
		if (c->st == S_HELLO || c->st == S_SNIFF || !c->host_known)
			c->allowed = false, conn_free(px, c);
		else
			deny(px, c, 504, BH_SOCKS_TTL);
	}
}

int bh_proxy_new(const struct bh_proxy_opts *o, struct bh_proxy **out,
		 struct bh_error **err)
{
	struct bh_proxy *px = bh_xcalloc(1, sizeof(*px));
	int r;
	px->o = o;
	px->epfd = px->sigfd = -1;
	px->n_slots = o->max_conns ? o->max_conns : DEFAULT_MAX_CONNS;

	/* Each connection needs two descriptors. */
	struct rlimit rl = {0};
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	/* Splice pipes get what the full table and FD_RESERVE leave; past
	 * that, connections copy through their buffers. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur > 2ull * px->n_slots + FD_RESERVE) {
		rlim_t left = rl.rlim_cur - 2ull * px->n_slots - FD_RESERVE;
		px->pipe_fd_budget = left > UINT32_MAX ? UINT32_MAX : (uint32_t)left;
	} else if (rl.rlim_cur == RLIM_INFINITY) {
		px->pipe_fd_budget = UINT32_MAX;
	}
	px->slots = bh_xcalloc(px->n_slots, sizeof(*px->slots));
	px->gens = bh_xcalloc(px->n_slots, sizeof(*px->gens));
	px->free_slots = bh_xcalloc(px->n_slots, sizeof(*px->free_slots));
	for (uint32_t i = 0; i < px->n_slots; i++)
		px->free_slots[i] = px->n_slots - 1 - i;
	px->n_free = px->n_slots;
	px->rl = bh_ratelimit_new(DNS_NAMES_PER_MINUTE);
	/* jansson seeds its hash from /dev/urandom on first use: now, while
	 * files can still be opened. */
	json_object_seed(0);

	r = bh_hostrules_new(o->policy, &px->rules, err);
	if (r)
		goto fail;
	px->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (px->epfd < 0) {
		r = bh_error_sys(err, errno, "epoll_create1");
		goto fail;
	}
	sigset_t ss;
	sigemptyset(&ss);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGINT);
	sigprocmask(SIG_BLOCK, &ss, NULL);
	signal(SIGPIPE, SIG_IGN);
	px->sigfd = signalfd(-1, &ss, SFD_NONBLOCK | SFD_CLOEXEC);
	if (px->sigfd < 0) {
		r = bh_error_sys(err, errno, "signalfd");
		goto fail;
	}
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = TAG_SIGNAL};
	if (epoll_ctl(px->epfd, EPOLL_CTL_ADD, px->sigfd, &ev) < 0) {
		r = bh_error_sys(err, errno, "epoll_ctl");
		goto fail;
	}
	for (size_t i = 0; i < o->n_listen; i++) {
		int fl = fcntl(o->listen_fds[i], F_GETFL);
		if (fl < 0 || fcntl(o->listen_fds[i], F_SETFL, fl | O_NONBLOCK) < 0) {
			r = bh_error_sys(err, errno, "listening socket");
			goto fail;
		}
		ev = (struct epoll_event){.events = EPOLLIN,
					  .data.u64 = TAG_LISTEN | i};
		if (epoll_ctl(px->epfd, EPOLL_CTL_ADD, o->listen_fds[i], &ev) <
		    0) {
			r = bh_error_sys(err, errno, "epoll_ctl");
			goto fail;
		}
	}
	r = bh_dns_new(px->epfd, TAG_DNS, o->dns_server, &px->dns, err);
	if (r)
		goto fail;
	*out = px;
	return 0;
fail:
	bh_proxy_free(px);
	return r;
}

void bh_proxy_free(struct bh_proxy *px)
{
	if (!px)
		return;
	/* The resolver first: destroying it runs pending callbacks, which
	 * look their connection up in the table. */
	bh_dns_free(px->dns);
	px->dns = NULL;
	for (uint32_t i = 0; px->slots && i < px->n_slots; i++)
		if (px->slots[i]) {
			if (!px->slots[i]->reason)
				set_reason(px->slots[i], "proxy stopped");
			conn_free(px, px->slots[i]);
		}
	bh_hostrules_free(px->rules);
	bh_ratelimit_free(px->rl);
	if (px->epfd >= 0)
		close(px->epfd);
	if (px->sigfd >= 0)
		close(px->sigfd);
	free(px->slots);
	free(px->gens);
	free(px->free_slots);
	free(px);
}

int bh_proxy_loop(struct bh_proxy *px, struct bh_error **err)
{
	struct epoll_event evs[256];
	uint64_t last_sweep = now_ms();
	while (!px->stop) {
		int timeout = bh_dns_tick(px->dns, 1000);
		int n = epoll_wait(px->epfd, evs, BH_ARRAY_SIZE(evs), timeout);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return bh_error_sys(err, errno, "epoll_wait");
		}
		for (int i = 0; i < n; i++) {
			uint64_t tag = evs[i].data.u64;
			uint32_t e = evs[i].events;
			switch (tag & TAG_MASK) {
			case TAG_LISTEN:
				on_accept(px, px->o->listen_fds[tag & 0xffff]);
				break;
			case TAG_DNS:
				bh_dns_process(px->dns, (int)(uint32_t)tag, e);
				break;
			case TAG_SIGNAL:
				px->stop = true;
				break;
			default: {
				int side = 0;
				struct conn *c = conn_by_tag(px, tag, &side);
				if (!c)
					break; /* freed earlier in this batch */
				if (side)
					on_origin(px, c, e);
				else
					on_client(px, c, e);
			}
			}
		}
		uint64_t now = now_ms();
		if (now - last_sweep >= 1000) {
			sweep(px);
			last_sweep = now;
		}
	}
	return 0;
}

int bh_proxy_run(const struct bh_proxy_opts *o, struct bh_error **err)
{
	struct bh_proxy *px = NULL;
	int r = bh_proxy_new(o, &px, err);
	if (r)
		return r;
	r = bh_proxy_loop(px, err);
	bh_proxy_free(px);
	return r;
}
