/* SPDX-License-Identifier: MIT */
/*
 * One proxied connection's state, shared by the event loop and relay
 * (proxy.c) and the plain-HTTP forwarding rules (proxy_http.c).  Internal
 * to those two files.
 */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/dns.h"
#include "net/host.h"
#include "net/http.h"

#define BUF_CAP 65536

enum cstate {
	S_SNIFF = 0,
	S_HTTP_HEAD,
	S_SOCKS_GREET,
	S_SOCKS_AUTH,
	S_SOCKS_REQ,
	S_RESOLVE,
	S_CONNECT,
	S_HELLO, /* waiting for the ClientHello; nothing goes to the origin */
	S_RELAY,
};

enum proto { P_HTTP = 0, P_CONNECT, P_SOCKS };

struct buf {
	uint8_t *p;
	size_t cap;      /* BUF_CAP, or more for plain HTTP's first bytes */
	size_t off, len; /* data is p[off..len) */
};

/* One direction's splice() pipe, opened on the first relayed read. */
struct relay_pipe {
	int r, w;    /* -1 until opened */
	size_t len;  /* bytes in the pipe */
	size_t cap;
	bool full;   /* a splice into it found no room: wait for a drain */
	bool off;    /* copy through the buffer instead, for good */
	bool inspect; /* through the buffer while proxy_http.c reads it */
};

/* Plain HTTP's WebSocket handshake (docs/network.md, "WebSocket"). */
enum ws_state {
	WS_NONE = 0,
	WS_WAIT,   /* forwarded; the client's bytes wait for the 101 */
	WS_OPEN,   /* the origin answered 101: a tunnel both ways */
	WS_DENIED, /* it answered something else: an HTTP response */
};

struct conn {
	uint32_t slot, gen;
	int cfd, ofd;
	enum cstate st;
	enum proto proto;
	uint32_t cmask, omask; /* epoll masks, valid when creg/oreg */
	bool creg, oreg;
	struct buf up, down;   /* client->origin, origin->client */
	struct relay_pipe pup, pdown; /* newer bytes than up/down hold */
	bool c_eof, o_eof, up_shut, down_shut;
	/* Plain HTTP: body bytes left to forward (UINT64_MAX: until the
	 * chunked framing ends), 0 once the body is whole. */
	uint64_t up_limit;
	bool chunked;
	struct bh_chunked ck;
	enum ws_state ws;
	struct buf early; /* WS_WAIT: what the client sent after the head */
	char status_line[13]; /* WS_WAIT: the response's first bytes */
	size_t status_len;
	bool host_known;
	struct bh_host host;
	unsigned port;
	const struct bh_host_rule *rule;
	struct bh_dns_addr addrs[BH_DNS_MAX_ADDRS];
	size_t n_addrs, next_addr;
	char addr[INET6_ADDRSTRLEN];
	bool allowed;
	char *reason;
	char *fwd; /* plain HTTP: the head to send to the origin */
	size_t fwd_len;
	uint64_t start_ms, deadline_ms;
	uint64_t bytes_up, bytes_down;
};

/*
 * Plain HTTP (proxy_http.c): what forwarding means for a connection's
 * buffers.  No sockets and no epoll here; the loop acts on the results.
 */

/* The request head in c->up, CONNECT or plain.  Returns -EAGAIN while it is
 * incomplete (and eof is false); 0 when it is whole and good, with c's
 * protocol, host and port set, the head consumed, and for plain HTTP the
 * rewritten head kept; otherwise the HTTP status to refuse with, with
 * c->reason set. */
int bh_proxy_http_head(struct conn *c, const char *token, bool eof);

/* The reply refusing a request with status and why.  Caller frees. */
char *bh_proxy_http_reply(int status, const char *why);

/* Connected: puts the rewritten head, then the body bytes that came with
 * it, first in c->up, and starts the relay. */
void bh_proxy_http_forward(struct conn *c);

/* n new relayed bytes from the client are at the end of c->up: keeps only
 * those of this request's body.  Returns 0, or an HTTP status to refuse
 * with, with c->reason set.  Not for a WebSocket tunnel. */
int bh_proxy_http_from_client(struct conn *c, size_t n);

/* n new relayed bytes from the origin are at the end of c->down: for a
 * WebSocket handshake, its status line decides between a tunnel and an
 * ordinary response. */
void bh_proxy_http_from_origin(struct conn *c, size_t n);
