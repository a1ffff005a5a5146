/* SPDX-License-Identifier: MIT */
/* The proxy's HTTP request-head parser: what it accepts, how it rewrites,
 * and every smuggling and parser-differential trick it must refuse. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/util.h"
#include "net/http.h"
#include "test.h"

static int parse(const char *s, struct bh_http_req *r, char **fwd, int *st)
{
	struct bh_strbuf sb = BH_STRBUF_INIT;
	const char *why = NULL;
	int status = 0;
	int rc = bh_http_parse_request(s, strlen(s), r, &sb, &status, &why);
	if (st)
		*st = status;
	if (fwd)
		*fwd = sb.len ? bh_strbuf_steal(&sb) : NULL;
	bh_strbuf_release(&sb);
	if (rc && rc != -EAGAIN && !why)
		return -9999;
	return rc;
}

TEST(http_connect)
{
	struct bh_http_req r;
	REQUIRE(parse("CONNECT Example.COM.:443 HTTP/1.1\r\nHost: example.com:443"
		      "\r\n\r\nextra",
		      &r, NULL, NULL) == 0);
	CHECK(r.is_connect);
	CHECK_STR(r.host.name, "example.com");
	CHECK_INT(r.port, 443);
	CHECK_INT(r.head_len, strlen("CONNECT Example.COM.:443 HTTP/1.1\r\n"
				     "Host: example.com:443\r\n\r\n"));
	REQUIRE(parse("CONNECT [::1]:8443 HTTP/1.1\r\n\r\n", &r, NULL, NULL) ==
		0);
	CHECK(r.host.kind == BH_HOST_IPV6);
	CHECK_INT(r.port, 8443);
}

TEST(http_absolute_rewritten)
{
	struct bh_http_req r;
	char *fwd = NULL;
	REQUIRE(parse("GET http://Example.com:8080/a/b?c=d HTTP/1.1\r\n"
		      "Host: example.com:8080\r\nProxy-Authorization: x\r\n"
		      "Proxy-Connection: keep-alive\r\nConnection: keep-alive\r\n"
		      "Accept: */*\r\n\r\n",
		      &r, &fwd, NULL) == 0);
	CHECK(!r.is_connect);
	CHECK_STR(r.host.name, "example.com");
	CHECK_INT(r.port, 8080);
	CHECK_STR(fwd, "GET /a/b?c=d HTTP/1.1\r\nHost: example.com:8080\r\n"
		       "Accept: */*\r\nConnection: close\r\n\r\n");
	free(fwd);
	REQUIRE(parse("POST http://a.test?q HTTP/1.0\r\nContent-Length: 3\r\n\r\n"
		      "abc",
		      &r, &fwd, NULL) == 0);
	CHECK_INT(r.content_length, 3);
	CHECK_STR(fwd, "POST /?q HTTP/1.0\r\nHost: a.test\r\nContent-Length: 3"
		       "\r\nConnection: close\r\n\r\n");
	free(fwd);
}

TEST(http_chunked_accepted)
{
	struct bh_http_req r;
	char *fwd = NULL;
	/* Any case; forwarded in the one spelling every origin reads. */
	REQUIRE(parse("POST http://a.test/up HTTP/1.1\r\nTransfer-Encoding: "
		      "Chunked\r\nX-A: 1\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
		      &r, &fwd, NULL) == 0);
	CHECK(r.chunked);
	CHECK_INT(r.content_length, 0);
	CHECK_INT(r.head_len, strlen("POST http://a.test/up HTTP/1.1\r\n"
				     "Transfer-Encoding: Chunked\r\nX-A: 1"
				     "\r\n\r\n"));
	CHECK_STR(fwd, "POST /up HTTP/1.1\r\nHost: a.test\r\nX-A: 1\r\n"
		       "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
	free(fwd);
	REQUIRE(parse("POST http://a.test/ HTTP/1.1\r\nTransfer-Encoding:chunked"
		      "\r\n\r\n",
		      &r, NULL, NULL) == 0);
	CHECK(r.chunked);
	REQUIRE(parse("POST http://a.test/ HTTP/1.1\r\nTransfer-Encoding:   "
		      "chunked\r\n\r\n",
		      &r, NULL, NULL) == 0);
	CHECK(r.chunked);
	REQUIRE(parse("POST http://a.test/ HTTP/1.1\r\nContent-Length: 0\r\n"
		      "\r\n",
		      &r, NULL, NULL) == 0);
	CHECK(!r.chunked);
}

TEST(http_websocket_forwarded)
{
	struct bh_http_req r;
	char *fwd = NULL;
	REQUIRE(parse("GET http://a.test/chat HTTP/1.1\r\nHost: a.test\r\n"
		      "Upgrade: WebSocket\r\nConnection: keep-alive, Upgrade\r\n"
		      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
		      "Sec-WebSocket-Version: 13\r\n\r\n",
		      &r, &fwd, NULL) == 0);
	CHECK(r.websocket);
	CHECK_STR(fwd, "GET /chat HTTP/1.1\r\nHost: a.test\r\n"
		       "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
		       "Sec-WebSocket-Version: 13\r\nConnection: Upgrade\r\n"
		       "Upgrade: websocket\r\n\r\n");
	free(fwd);
	/* The token may come in its own Connection header, any case. */
	REQUIRE(parse("GET http://a.test/ HTTP/1.1\r\nConnection: keep-alive\r\n"
		      "Connection: UPGRADE\r\nUpgrade: websocket\r\n"
		      "Content-Length: 0\r\n\r\n",
		      &r, NULL, NULL) == 0);
	CHECK(r.websocket);
}

/* Requests with an Upgrade that is no WebSocket handshake: forwarded as
 * plain HTTP/1.1 without it (fwd NULL: not checked, CONNECT). */
static const struct {
	const char *req, *fwd;
} not_websocket[] = {
	/* h2c: the origin never sees the upgrade and answers in HTTP/1.1. */
	{"GET http://a.test/ HTTP/1.1\r\nUpgrade: h2c\r\n"
	 "Connection: Upgrade, HTTP2-Settings\r\n"
	 "HTTP2-Settings: AAMAAABkAAQAAP__\r\nAccept: */*\r\n\r\n",
	 "GET / HTTP/1.1\r\nHost: a.test\r\nAccept: */*\r\n"
	 "Connection: close\r\n\r\n"},
	/* Upgrade: websocket without Connection: upgrade. */
	{"GET http://a.test/ HTTP/1.1\r\nUpgrade: websocket\r\n"
	 "Connection: keep-alive, upgraded\r\n\r\n",
	 "GET / HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n"},
	/* A list of protocols. */
	{"GET http://a.test/ HTTP/1.1\r\nUpgrade: websocket, h2c\r\n"
	 "Connection: upgrade\r\n\r\n",
	 "GET / HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n"},
	/* CONNECT tunnels anyway. */
	{"CONNECT a.test:80 HTTP/1.1\r\nUpgrade: websocket\r\n"
	 "Connection: upgrade\r\n\r\n",
	 NULL},
};

TEST(http_other_upgrades_dropped)
{
	for (size_t i = 0; i < BH_ARRAY_SIZE(not_websocket); i++) {
		struct bh_http_req r;
		char *fwd = NULL;
		REQUIRE(parse(not_websocket[i].req, &r, &fwd, NULL) == 0);
		CHECK(!r.websocket);
		if (not_websocket[i].fwd)
			CHECK_STR(fwd, not_websocket[i].fwd);
		free(fwd);
	}
}

TEST(http_incomplete_waits)
{
	static const char full[] = "GET http://a.test/ HTTP/1.1\r\nHost: a.test"
				   "\r\n\r\n";
	struct bh_http_req r;
	for (size_t i = 0; i < sizeof(full) - 1; i++) {
		const char *why = NULL;
		int st;
		CHECK_INT(bh_http_parse_request(full, i, &r, NULL, &st, &why),
			  -EAGAIN);
	}
}

struct bad {
	const char *req;
	int status;
};

/* Each of these must be refused, never repaired. */
static const struct bad bad_requests[] = {
	/* Framing. */
	{"GET http://a.test/ HTTP/1.1\r\nX: a\r\n b\r\n\r\n", 400},      /* obs-fold */
	{"GET http://a.test/ HTTP/1.1\r\n\tX: b\r\n\r\n", 400},          /* fold first */
	{"GET http://a.test/ HTTP/1.1\r\nX: a\rb\r\n\r\n", 400},         /* bare CR */
	{"GET http://a.test/ HTTP/1.1\nHost: a.test\n\n", 400},          /* bare LF */
	{"GET http://a.test/ HTTP/1.1\r\nX : a\r\n\r\n", 400},           /* space before colon */
	{"GET http://a.test/ HTTP/1.1\r\nX: a\x01\r\n\r\n", 400},        /* control byte */
	{"\r\nGET http://a.test/ HTTP/1.1\r\n\r\n", 400},                /* leading CRLF */
	{"GET  http://a.test/ HTTP/1.1\r\n\r\n", 400},                   /* double space */
	{"GET http://a.test/ HTTP/2.0\r\n\r\n", 505},
	{"GET http://a.test/ HTTP/1.1 \r\n\r\n", 505},
	{"G(T http://a.test/ HTTP/1.1\r\n\r\n", 400},
	/* Smuggling. */
	{"POST http://a.test/ HTTP/1.1\r\nContent-Length: 1\r\n"
	 "Transfer-Encoding: chunked\r\n\r\n", 400},
	{"POST http://a.test/ HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
	 "Content-Length: 1\r\n\r\n", 400},                          /* TE first */
	{"POST http://a.test/ HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 400},
	{"POST http://a.test/ HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 400},
	{"POST http://a.test/ HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 400},
	{"POST http://a.test/ HTTP/1.1\r\nTransfer-Encoding: xchunked\r\n\r\n", 400},
	{"POST http://a.test/ HTTP/1.1\r\nTransfer-Encoding: chunkedx\r\n\r\n", 400},
	{"POST http://a.test/ HTTP/1.1\r\nTransfer-Encoding: chunked \r\n\r\n", 400},
	{"POST http://a.test/ HTTP/1.1\r\nTransfer-Encoding: chunked\t\r\n\r\n", 400},
	{"POST http://a.test/ HTTP/1.1\r\nTransfer-Encoding:\tchunked\r\n\r\n", 400},
	{"POST http://a.test/ HTTP/1.1\r\nTransfer-Encoding: \"chunked\"\r\n\r\n", 400},
	{"POST http://a.test/ HTTP/1.1\r\nTransfer-Encoding: chunked;q=1\r\n\r\n", 400},
	{"POST http://a.test/ HTTP/1.1\r\nTransfer-Encoding: chunked,\r\n\r\n", 400},
	{"POST http://a.test/ HTTP/1.1\r\nTransfer-Encoding: \r\n\r\n", 400},
	{"POST http://a.test/ HTTP/1.1\r\nTransfer-Encoding:\r\n chunked\r\n\r\n", 400},
	{"POST http://a.test/ HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
	 "Transfer-Encoding: chunked\r\n\r\n", 400},
	{"POST http://a.test/ HTTP/1.1\r\nTransfer-Encoding : chunked\r\n\r\n", 400},
	{"POST http://a.test/ HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
	{"CONNECT a.test:443 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
	/* WebSocket handshakes the proxy will not turn into a tunnel. */
	{"POST http://a.test/ HTTP/1.1\r\nUpgrade: websocket\r\n"
	 "Connection: Upgrade\r\n\r\n", 400},
	{"GET http://a.test/ HTTP/1.0\r\nUpgrade: websocket\r\n"
	 "Connection: Upgrade\r\n\r\n", 400},
	{"GET http://a.test/ HTTP/1.1\r\nUpgrade: websocket\r\n"
	 "Connection: Upgrade\r\nContent-Length: 5\r\n\r\n", 400},
	{"GET http://a.test/ HTTP/1.1\r\nUpgrade: websocket\r\n"
	 "Connection: Upgrade\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
	{"GET http://a.test/ HTTP/1.1\r\nUpgrade: websocket\r\n"
	 "Upgrade: h2c\r\nConnection: Upgrade\r\n\r\n", 400},
	{"POST http://a.test/ HTTP/1.1\r\nContent-Length: 1\r\n"
	 "Content-Length: 1\r\n\r\n", 400},
	{"POST http://a.test/ HTTP/1.1\r\nContent-Length: +1\r\n\r\n", 400},
	{"POST http://a.test/ HTTP/1.1\r\nContent-Length: 1 1\r\n\r\n", 400},
	{"POST http://a.test/ HTTP/1.1\r\nContent-Length: 99999999999999999\r\n\r\n", 400},
	/* Hosts. */
	{"GET http://a.test/ HTTP/1.1\r\nHost: a.test\r\nHost: b.test\r\n\r\n", 400},
	{"GET http://a.test/ HTTP/1.1\r\nHost: evil.test\r\n\r\n", 400},
	{"GET http://a.test/ HTTP/1.1\r\nHost: a.test:81\r\n\r\n", 400},
	{"GET http://a.test@evil.test/ HTTP/1.1\r\n\r\n", 400},
	{"GET http://a.test:80@evil.test/ HTTP/1.1\r\n\r\n", 400},
	{"GET http://a.test%2eevil.test/ HTTP/1.1\r\n\r\n", 400},
	{"GET http://a.test:/ HTTP/1.1\r\n\r\n", 400},
	{"GET http://a.test:0/ HTTP/1.1\r\n\r\n", 400},
	{"GET http://a.test:65536/ HTTP/1.1\r\n\r\n", 400},
	{"GET http://a.test:+80/ HTTP/1.1\r\n\r\n", 400},
	{"GET http://a.test/#frag HTTP/1.1\r\n\r\n", 400},
	{"GET http:///x HTTP/1.1\r\n\r\n", 400},
	{"GET /relative HTTP/1.1\r\nHost: a.test\r\n\r\n", 400},
	{"GET https://a.test/ HTTP/1.1\r\n\r\n", 400},
	{"GET ftp://a.test/ HTTP/1.1\r\n\r\n", 400},
	{"CONNECT a.test HTTP/1.1\r\n\r\n", 400},
	{"CONNECT a.test:443 HTTP/1.1\r\nHost: b.test:443\r\n\r\n", 400},
	{"CONNECT a.test:443 HTTP/1.1\r\nContent-Length: 5\r\n\r\n", 400},
	{"CONNECT [::1:443 HTTP/1.1\r\n\r\n", 400},
	{"CONNECT ::1:443 HTTP/1.1\r\n\r\n", 400},
};

TEST(http_refusals)
{
	for (size_t i = 0; i < sizeof(bad_requests) / sizeof(bad_requests[0]);
	     i++) {
		struct bh_http_req r;
		int st = 0;
		int rc = parse(bad_requests[i].req, &r, NULL, &st);
		if (rc != -EINVAL || st != bad_requests[i].status) {
			fprintf(stderr, "  case %zu: rc %d status %d\n", i, rc,
				st);
			CHECK(rc == -EINVAL);
			CHECK_INT(st, bad_requests[i].status);
		}
	}
}

TEST(http_nul_and_lengths)
{
	struct bh_http_req r;
	const char *why;
	int st;
	static const char nul[] = "GET http://a.test/ HTTP/1.1\r\nX: a\0b\r\n\r\n";
	CHECK_INT(bh_http_parse_request(nul, sizeof(nul) - 1, &r, NULL, &st,
					&why),
		  -EINVAL);
	char *big = malloc(BH_HTTP_MAX_HEAD + 10);
	REQUIRE(big);
	memcpy(big, "GET http://a.test/", 18);
	memset(big + 18, 'a', BH_HTTP_MAX_HEAD - 8);
	CHECK_INT(bh_http_parse_request(big, BH_HTTP_MAX_HEAD + 10, &r, NULL,
					&st, &why),
		  -E2BIG);
	CHECK_INT(st, 414);
	free(big);
}

TEST(http_auth)
{
	/* "bulkhead:s3cret" */
	CHECK(bh_http_auth_ok("Basic YnVsa2hlYWQ6czNjcmV0", 26, "s3cret"));
	CHECK(!bh_http_auth_ok("Basic YnVsa2hlYWQ6czNjcmV0", 26, "s3cre"));
	CHECK(!bh_http_auth_ok("Basic YnVsa2hlYWQ6czNjcmV0", 26, "s3cretx"));
	/* "other:s3cret" */
	CHECK(!bh_http_auth_ok("Basic b3RoZXI6czNjcmV0", 22, "s3cret"));
	CHECK(!bh_http_auth_ok("Bearer x", 8, "s3cret"));
	CHECK(!bh_http_auth_ok(NULL, 0, "s3cret"));
}
