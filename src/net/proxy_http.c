/* SPDX-License-Identifier: MIT */
/*
 * The proxy's HTTP front end and plain-HTTP forwarding (docs/network.md,
 * "Protocols").  It decides what a connection's bytes mean and which of
 * them may reach the origin; it makes no system calls.  The event loop in
 * proxy.c calls it when a head arrives, when the origin is connected and
 * when relayed bytes arrive, and acts on what it returns.
 *
 * What it defends against: a second request riding on the first one's
 * connection (keep-alive reuse or pipelining, threats 51), which would
 * reach an origin without its host being checked.  It assumes the parsers
 * in http.c have refused every ambiguous framing, and it forwards exactly
 * one request per client connection: the rewritten head and the body its
 * framing announces.  Nothing after that body is ever sent.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/util.h"
#include "net/http.h"
#include "net/proxy_conn.h"

static const char *status_text(int status)
{
	switch (status) {
	case 403:
		return "Forbidden";
	case 407:
		return "Proxy Authentication Required";
	case 411:
		return "Length Required";
	case 414:
		return "URI Too Long";
	case 431:
		return "Request Header Fields Too Large";
	case 501:
		return "Not Implemented";
	case 502:
		return "Bad Gateway";
	case 504:
		return "Gateway Timeout";
	case 505:
		return "HTTP Version Not Supported";
	default:
		return "Bad Request";
	}
}

char *bh_proxy_http_reply(int status, const char *why)
{
	const char *text = status_text(status);
	if (!why)
		why = text;
	return bh_xasprintf(
		"HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\n%s"
		"Connection: close\r\nContent-Length: %zu\r\n\r\n"
		"bulkhead proxy: %s\n",
		status, text,
		status == 407 ? "Proxy-Authenticate: Basic realm=\"bulkhead\"\r\n"
			      : "",
		strlen(why) + 17, why);
}

/* Sets the audit record's reason (taking ownership of it) and returns the
 * status refusing the request. */
static int refuse(struct conn *c, int status, char *reason)
{
	free(c->reason);
	c->reason = reason;
	return status;
}

/*
 * The last n bytes of c->up are new bytes of a chunked body: keeps the
 * valid ones, up to the end of the body.  Returns 0 or 400.
 */
static int body_bytes(struct conn *c, size_t n)
{
	size_t start = c->up.len - n, used = 0;
	const char *why = "";
	int r = bh_chunked_feed(&c->ck, c->up.p + start, n, &used, &why);
	c->up.len = start + used;
	if (r == -EAGAIN)
		return 0;
	c->up_limit = 0;
	if (r == 0)
		return 0;
	return refuse(c, 400, bh_xasprintf("bad request: chunked body: %s",
					   why));
}

/*
 * The body bytes that came with the head: only those of this request's
 * body are kept, the rest (a pipelined request, perhaps for another host)
 * is dropped.  A chunked body is checked before anything is sent, so a
 * malformed one read with its head never reaches the origin.
 */
static int body_start(struct conn *c, const struct bh_http_req *req)
{
	size_t have = c->up.len - c->up.off;
	if (req->websocket) {
		/* Held until the origin answers 101, or dropped. */
		c->ws = WS_WAIT;
		c->early.p = bh_xmalloc(have ? have : 1);
		c->early.cap = c->early.len = have;
		memcpy(c->early.p, c->up.p + c->up.off, have);
		c->up.len = c->up.off;
		c->up_limit = 0;
		c->pdown.inspect = true;
		return 0;
	}
	if (!req->chunked) {
		if (have > req->content_length)
			have = (size_t)req->content_length;
		c->up.len = c->up.off + have;
		c->up_limit = req->content_length - have;
		return 0;
	}
	c->chunked = true;
	/* Framing is checked byte by byte, so never spliced past us. */
	c->pup.inspect = true;
	bh_chunked_init(&c->ck);
	c->up_limit = UINT64_MAX;
	return body_bytes(c, have);
}

int bh_proxy_http_head(struct conn *c, const char *token, bool eof)
{
	struct bh_http_req req;
	struct bh_strbuf fwd = BH_STRBUF_INIT;
	int status = 400;
	const char *why = "";
	int r = bh_http_parse_request((const char *)c->up.p + c->up.off,
				      c->up.len - c->up.off, &req, &fwd,
				      &status, &why);
	if (r == -EAGAIN && !eof)
		return -EAGAIN;
	if (r) {
		bh_strbuf_release(&fwd);
		return refuse(c, status,
			      bh_xasprintf("bad request: %s",
					   r == -EAGAIN ? "incomplete head"
							: why));
	}
	c->proto = req.is_connect ? P_CONNECT : P_HTTP;
	c->host = req.host;
	c->port = req.port;
	c->host_known = true;
	if (token &&
	    !bh_http_auth_ok(req.proxy_auth, req.proxy_auth_len, token)) {
		bh_strbuf_release(&fwd);
		return refuse(c, 407,
			      bh_xstrdup("proxy authentication required"));
	}
	c->up.off += req.head_len;
	if (!req.is_connect) {
		if (fwd.len > BUF_CAP / 2) {
			bh_strbuf_release(&fwd);
			return refuse(c, 431,
				      bh_xstrdup("request head too long"));
		}
		c->fwd_len = fwd.len;
		c->fwd = bh_strbuf_steal(&fwd);
		return body_start(c, &req);
	}
	bh_strbuf_release(&fwd);
	return 0;
}

void bh_proxy_http_forward(struct conn *c)
{
	/* The forwarded head, then the body bytes body_start() kept.  The
	 * rewritten head may be longer than the one received, so the buffer
	 * grows past BUF_CAP rather than cut them. */
	size_t body = c->up.len - c->up.off;
	/* Room for a WebSocket's early bytes after the head, too. */
	struct buf nb = {.cap = c->fwd_len + body + c->early.len};
	if (nb.cap < BUF_CAP)
		nb.cap = BUF_CAP;
	nb.p = bh_xmalloc(nb.cap);
	memcpy(nb.p, c->fwd, c->fwd_len);
	nb.len = c->fwd_len;
	memcpy(nb.p + nb.len, c->up.p + c->up.off, body);
	nb.len += body;
	free(c->up.p);
	c->up = nb;
	c->st = S_RELAY;
}

int bh_proxy_http_from_client(struct conn *c, size_t n)
{
	if (!c->chunked) {
		c->up_limit -= n;
		return 0;
	}
	return body_bytes(c, n);
}

/*
 * A WebSocket handshake becomes a tunnel only when the origin's response
 * starts "HTTP/1.1 101": until then nothing the client sent after its
 * head reaches the origin, so bytes sent early cannot be read by an origin
 * that did not switch protocols as a second request.  Any other answer is
 * relayed as a plain response, and those bytes are dropped.
 */
void bh_proxy_http_from_origin(struct conn *c, size_t n)
{
	if (c->ws != WS_WAIT)
		return;
	size_t take = sizeof(c->status_line) - c->status_len;
	if (take > n)
		take = n;
	memcpy(c->status_line + c->status_len, c->down.p + c->down.len - n,
	       take);
	c->status_len += take;
	int status = 0;
	int r = bh_http_response_status(c->status_line, c->status_len,
					&status);
	if (r == -EAGAIN)
		return;
	c->pdown.inspect = false;
	if (r == 0 && status == 101 && c->status_line[7] == '1') {
		c->ws = WS_OPEN;
		c->up_limit = UINT64_MAX;
		/* The forwarded head went before the origin could answer, and
		 * the buffer was sized for these bytes after it. */
		memcpy(c->up.p + c->up.len, c->early.p + c->early.off,
		       c->early.len - c->early.off);
		c->up.len += c->early.len - c->early.off;
	} else {
		c->ws = WS_DENIED;
		free(c->reason);
		c->reason = r ? bh_xstrdup("WebSocket not upgraded: the "
					   "origin's answer is not HTTP/1.x")
			      : bh_xasprintf("WebSocket not upgraded: the "
					     "origin answered %d",
					     status);
	}
	free(c->early.p);
	c->early = (struct buf){0};
}
