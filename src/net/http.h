/* SPDX-License-Identifier: MIT */
/*
 * The proxy's HTTP/1.x parsers: pure, no system calls, fuzzed.
 *
 * The request-head parser accepts only what a proxy client sends (CONNECT
 * host:port, or an absolute "http://" URI) and refuses every ambiguity a
 * request-smuggling or parser-differential attack needs (threats 50, 51):
 * obs-fold, NUL, bare CR or LF, over-long lines, a repeated Host, Host
 * disagreeing with the URI's authority, Content-Length with
 * Transfer-Encoding, a Transfer-Encoding other than exactly "chunked", a
 * repeated Content-Length, userinfo.  The chunked-body parser frames a
 * request body the same way: strictly, byte by byte, so the proxy forwards
 * exactly one body and knows the byte where it ends.  Strictness is the
 * point: a request a lenient origin would read differently from us never
 * reaches it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"
#include "net/host.h"

#define BH_HTTP_MAX_HEAD 16384 /* whole request head, bytes */
#define BH_HTTP_MAX_LINE 8192  /* one line */
#define BH_HTTP_MAX_HEADERS 100

struct bh_http_req {
	bool is_connect;
	char method[24];
	struct bh_host host; /* canonical, through bh_host_canon() */
	unsigned port;       /* 1-65535 */
	size_t head_len;     /* bytes of the head, through the empty line */
	/* Plain HTTP: the body length to forward after the head (0 without
	 * Content-Length, and when chunked). */
	uint64_t content_length;
	/* "Transfer-Encoding: chunked": the body is framed by bh_chunked. */
	bool chunked;
	/* A WebSocket handshake (GET, HTTP/1.1, "Upgrade: websocket",
	 * "Connection: upgrade", no body): forwarded with its Upgrade, and a
	 * tunnel once the origin answers 101. */
	bool websocket;
	/* The Proxy-Authorization value (points into the caller's buffer),
	 * or NULL. */
	const char *proxy_auth;
	size_t proxy_auth_len;
};

/*
 * Parses the request head at buf[0..len).  Returns 0 with *out filled when
 * a whole head is there; -EAGAIN when more bytes are needed (and the head so
 * far is still valid); -EINVAL (or -E2BIG for over-long input) with *why (a
 * static string) when the request must be refused.  *status gets the HTTP
 * status to answer with on refusal (400, 414, 431, 501, 505).
 * For a plain (non-CONNECT) request, `fwd` (may be NULL) receives the head to
 * send to the origin: origin-form target, the client's HTTP/1.x, no Proxy-*
 * nor hop-by-hop headers, the canonical Host, "Transfer-Encoding: chunked"
 * when chunked, and "Connection: close" (one request per client connection:
 * docs/network.md) or, for a WebSocket handshake, "Connection: Upgrade" and
 * "Upgrade: websocket".  Any other Upgrade (h2c...) is dropped, so the
 * origin answers in HTTP/1.x.
 */
int bh_http_parse_request(const char *buf, size_t len, struct bh_http_req *out,
			  struct bh_strbuf *fwd, int *status, const char **why);

/* True when a Proxy-Authorization value is "Basic base64(user:token)" with
 * user "bulkhead".  Compares in time independent of the token's bytes. */
bool bh_http_auth_ok(const char *value, size_t len, const char *token);

/*
 * A chunked request body (RFC 9112 7.1), parsed incrementally and strictly.
 * The proxy relays the body verbatim, so what it forwards must be exactly
 * what it parsed: every CR must be followed by LF (a bare LF or CR is
 * refused, never taken as a line end), a chunk size is 1-16 hex digits with
 * nothing else on its line (no whitespace, no sign, no "0x", no chunk
 * extension) and at most BH_CHUNK_MAX_SIZE, chunk data is followed by CRLF.
 * Trailer fields are parsed like header lines (no obs-fold, no control
 * bytes, the head's line and size limits) and refused when they name
 * framing, routing or hop-by-hop fields (Content-Length, Transfer-Encoding,
 * Host, Connection, Upgrade, Proxy-*...) that a careless origin could merge
 * into the head.
 */
#define BH_CHUNK_MAX_DIGITS 16
#define BH_CHUNK_MAX_SIZE 0x7fffffffu /* fits a signed 32-bit reader */

struct bh_chunked {
	unsigned state;
	unsigned digits;   /* of the chunk size so far */
	uint64_t left;     /* the size being read, then its data bytes left */
	size_t line;       /* bytes of the current trailer line */
	size_t trailer;    /* bytes of the trailer section */
	unsigned fields;   /* trailer field lines */
	char name[24];     /* the current trailer name's first bytes */
	size_t name_len;   /* its whole length */
};

void bh_chunked_init(struct bh_chunked *ck);

/*
 * Feeds the next len bytes after what was fed before.  *used gets how many
 * of them are valid body bytes (forward exactly those).  Returns -EAGAIN
 * when all len bytes were used and the body goes on; 0 when the body ended
 * at buf[*used - 1] (what follows belongs to whatever comes next); -EINVAL
 * with *why (a static string) when buf[*used] is not valid.  After 0 or
 * -EINVAL the verdict stays, and *used is 0.
 */
int bh_chunked_feed(struct bh_chunked *ck, const uint8_t *buf, size_t len,
		    size_t *used, const char **why);

/*
 * The status code of a response's first line, "HTTP/1.x DDD" then SP or CR.
 * Returns 0 with *status (100-999); -EAGAIN while fewer than 13 bytes have
 * come and they could still start such a line; -EINVAL otherwise.
 */
int bh_http_response_status(const char *buf, size_t len, int *status);
