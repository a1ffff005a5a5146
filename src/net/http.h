/* SPDX-License-Identifier: MIT */
/*
 * The proxy's HTTP/1.x request-head parser: pure, no system calls, fuzzed.
 *
 * It accepts only what a proxy client sends (CONNECT host:port, or an
 * absolute "http://" URI) and refuses every ambiguity a request-smuggling
 * or parser-differential attack needs (threats 50, 51): obs-fold, NUL,
 * bare CR or LF, over-long lines, a repeated Host, Host disagreeing with the
 * URI's authority, Content-Length with Transfer-Encoding, a repeated
 * Content-Length, userinfo.  Strictness is the point: a request a lenient
 * origin would read differently from us never reaches it.
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
	 * Content-Length).  Chunked request bodies are refused. */
	uint64_t content_length;
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
 * status to answer with on refusal (400, 405, 411, 414, 431, 501).
 * For a plain (non-CONNECT) request, `fwd` (may be NULL) receives the head to
 * send to the origin: origin-form target, HTTP/1.1, no Proxy-* nor hop-by-hop
 * headers, the canonical Host, and "Connection: close" (one request per
 * client connection: docs/network.md).
 */
int bh_http_parse_request(const char *buf, size_t len, struct bh_http_req *out,
			  struct bh_strbuf *fwd, int *status, const char **why);

/* True when a Proxy-Authorization value is "Basic base64(user:token)" with
 * user "bulkhead".  Compares in time independent of the token's bytes. */
bool bh_http_auth_ok(const char *value, size_t len, const char *token);
