/* SPDX-License-Identifier: MIT */
/* The chunked request-body parser: where a body ends to the byte, every
 * malformed framing refused at the byte that breaks it, and the same
 * verdict however the bytes are split across reads.  Also the response
 * status line the proxy reads to see a WebSocket's 101. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "net/http.h"
#include "test.h"

/* What the proxy sees after a body: the next pipelined request. */
#define NEXT "GET http://next.test/ HTTP/1.1\r\n\r\n"

/* Feeds in[0..len) in pieces cut at a and b (a <= b <= len).  Returns the
 * verdict of the last call that had one, and in *used the bytes the
 * parser accepted in all. */
static int feed3(const char *in, size_t len, size_t a, size_t b,
		 size_t *used, const char **why)
{
	struct bh_chunked ck;
	bh_chunked_init(&ck);
	size_t cuts[4] = {0, a, b, len};
	int r = -EAGAIN;
	*used = 0;
	for (int i = 0; i < 3; i++) {
		size_t u = 0;
		r = bh_chunked_feed(&ck, (const uint8_t *)in + cuts[i],
				    cuts[i + 1] - cuts[i], &u, why);
		*used += u;
		if (r != -EAGAIN)
			return r;
	}
	return r;
}

/* Feeds one byte at a time. */
static int feed_bytes(const char *in, size_t len, size_t *used,
		      const char **why)
{
	struct bh_chunked ck;
	bh_chunked_init(&ck);
	*used = 0;
	for (size_t i = 0; i < len; i++) {
		size_t u = 0;
		int r = bh_chunked_feed(&ck, (const uint8_t *)in + i, 1, &u,
					why);
		*used += u;
		if (r != -EAGAIN)
			return r;
	}
	return -EAGAIN;
}

/* Every way of cutting in[0..len) into one, two or three reads, and byte
 * by byte, gives verdict `want` with `want_used` bytes accepted. */
static bool same_at_every_split(const char *in, size_t len, int want,
				size_t want_used)
{
	const char *why = NULL;
	size_t used = 0;
	if (feed_bytes(in, len, &used, &why) != want || used != want_used) {
		fprintf(stderr, "  byte by byte: used %zu\n", used);
		return false;
	}
	for (size_t a = 0; a <= len; a++)
		for (size_t b = a; b <= len; b++) {
			int r = feed3(in, len, a, b, &used, &why);
			if (r != want || used != want_used) {
				fprintf(stderr, "  cut at %zu,%zu: rc %d used %zu\n",
					a, b, r, used);
				return false;
			}
			if (r == -EINVAL && !why)
				return false;
		}
	return true;
}

static const char *const valid_bodies[] = {
	"0\r\n\r\n",
	"5\r\nhello\r\n0\r\n\r\n",
	"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
	"A\r\n0123456789\r\na\r\n0123456789\r\n0\r\n\r\n",
	"0005\r\nhello\r\n000\r\n\r\n",
	"000000000000000f\r\n0123456789abcde\r\n0\r\n\r\n",
	/* Chunk data is opaque: a last-chunk inside it ends nothing. */
	"5\r\n0\r\n\r\n\r\n0\r\n\r\n",
	"3\r\n\n\r\x01\r\n0\r\n\r\n",
	/* Trailers. */
	"0\r\nX-Checksum: abc\r\n\r\n",
	"2\r\nhi\r\n0\r\nX-A:1\r\nX-B: two words\t\r\nX-Empty:\r\n\r\n",
	"0\r\nX-Long-Trailer-Name-Past-Twenty-Four: v\r\n\r\n",
	"0\r\nContent-Type: text/plain\r\n\r\n",
};

TEST(chunked_valid_bodies_end_at_the_exact_byte)
{
	for (size_t i = 0; i < BH_ARRAY_SIZE(valid_bodies); i++) {
		char in[256];
		size_t body = strlen(valid_bodies[i]);
		snprintf(in, sizeof(in), "%s%s", valid_bodies[i], NEXT);
		if (!same_at_every_split(in, strlen(in), 0, body)) {
			fprintf(stderr, "  valid case %zu\n", i);
			CHECK(false);
		}
	}
}

struct bad_body {
	const char *ok;   /* accepted: forwarded before the refusal */
	const char *rest; /* starts with the byte that is refused */
};

/* Each is refused at the first byte of `rest`. */
static const struct bad_body bad_bodies[] = {
	/* Chunk sizes. */
	{"", "\r\n0\r\n\r\n"},                 /* empty */
	{"", "g\r\n"},                         /* not hex */
	{"5", "g\r\nhello\r\n0\r\n\r\n"},
	{"0", "x5\r\nhello\r\n0\r\n\r\n"},     /* 0x prefix */
	{"", "+5\r\nhello\r\n0\r\n\r\n"},      /* sign */
	{"", "-5\r\nhello\r\n0\r\n\r\n"},
	{"", " 5\r\nhello\r\n0\r\n\r\n"},      /* leading whitespace */
	{"5", " \r\nhello\r\n0\r\n\r\n"},      /* trailing whitespace */
	{"5", "\t\r\nhello\r\n0\r\n\r\n"},
	{"5", ";ext=1\r\nhello\r\n0\r\n\r\n"}, /* chunk extension */
	{"0", ";\r\n\r\n"},
	{"0000000000000000", "5\r\nhello\r\n0\r\n\r\n"}, /* 17 digits */
	{"8000000", "0\r\n"},                  /* over BH_CHUNK_MAX_SIZE */
	{"fffffff", "fffffffff\r\n"},          /* would overflow 64 bits */
	{"", "\xd9\r\n"},                      /* non-ASCII */
	/* Line ends. */
	{"5", "\nhello\r\n0\r\n\r\n"},         /* bare LF after the size */
	{"5\r", "hello\r\n0\r\n\r\n"},         /* bare CR after the size */
	{"0", "\n\r\n"},
	{"5\r\nhello", "!\r\n0\r\n\r\n"},      /* data longer than its size */
	{"5\r\nhello", "\n0\r\n\r\n"},         /* bare LF after data */
	{"5\r\nhello\r", "0\r\n\r\n"},         /* bare CR after data */
	{"6\r\nhello\r", "\n0\r\n\r\n"},       /* data shorter than its size */
	{"0\r\n", "\n"},                       /* bare LF at the end */
	{"0\r\n\r", "X"},                      /* bare CR at the end */
	/* Trailers. */
	{"0\r\nX: a\r\n", " b\r\n\r\n"},       /* obs-fold */
	{"0\r\n", " X: a\r\n\r\n"},
	{"0\r\n", "\tX: a\r\n\r\n"},
	{"0\r\nX", "\r\n\r\n"},                /* no colon */
	{"0\r\nX", " : a\r\n\r\n"},            /* space before the colon */
	{"0\r\n", ": a\r\n\r\n"},              /* empty name */
	{"0\r\nX: a", "\n\r\n"},               /* bare LF */
	{"0\r\nX: a\r", "b\r\n\r\n"},          /* bare CR */
	{"0\r\nX: a", "\x01\r\n\r\n"},         /* control byte */
	{"0\r\nX: a", "\x7f\r\n\r\n"},
	{"0\r\n", "\n"},
	{"0\r\nContent-Length", ": 5\r\n\r\n"},
	{"0\r\ntransfer-encoding", ": chunked\r\n\r\n"},
	{"0\r\nHost", ": evil.test\r\n\r\n"},
	{"0\r\nConnection", ": close\r\n\r\n"},
	{"0\r\nUpgrade", ": websocket\r\n\r\n"},
	{"0\r\nTrailer", ": X\r\n\r\n"},
	{"0\r\nProxy-Authorization", ": Basic x\r\n\r\n"},
	{"0\r\nProxy-A-Name-Longer-Than-The-Buffer", ": x\r\n\r\n"},
};

TEST(chunked_malformed_refused_at_the_bad_byte)
{
	for (size_t i = 0; i < BH_ARRAY_SIZE(bad_bodies); i++) {
		char in[256];
		snprintf(in, sizeof(in), "%s%s", bad_bodies[i].ok,
			 bad_bodies[i].rest);
		if (!same_at_every_split(in, strlen(in), -EINVAL,
					 strlen(bad_bodies[i].ok))) {
			fprintf(stderr, "  bad case %zu\n", i);
			CHECK(false);
		}
	}
}

TEST(chunked_incomplete_waits)
{
	static const char body[] = "5\r\nhello\r\n0\r\nX: y\r\n\r\n";
	for (size_t n = 0; n < sizeof(body) - 1; n++)
		CHECK(same_at_every_split(body, n, -EAGAIN, n));
	/* The largest chunk size waits for its data. */
	CHECK(same_at_every_split("7fffffff\r\n", 10, -EAGAIN, 10));
}

TEST(chunked_nul_in_a_trailer)
{
	static const char in[] = "0\r\nX: a\0b\r\n\r\n";
	CHECK(same_at_every_split(in, sizeof(in) - 1, -EINVAL, 7));
}

TEST(chunked_verdicts_stick)
{
	struct bh_chunked ck;
	const char *why = NULL;
	size_t used = 9;
	bh_chunked_init(&ck);
	CHECK_INT(bh_chunked_feed(&ck, (const uint8_t *)"0\r\n\r\nX", 6, &used,
				  &why),
		  0);
	CHECK_INT(used, 5);
	CHECK_INT(bh_chunked_feed(&ck, (const uint8_t *)"1\r\n", 3, &used,
				  &why),
		  0);
	CHECK_INT(used, 0);
	bh_chunked_init(&ck);
	CHECK_INT(bh_chunked_feed(&ck, (const uint8_t *)"z", 1, &used, &why),
		  -EINVAL);
	CHECK_INT(bh_chunked_feed(&ck, (const uint8_t *)"0\r\n\r\n", 5, &used,
				  &why),
		  -EINVAL);
	CHECK_INT(used, 0);
}

/* Builds "0\r\n" + count lines "<name>: <value of vlen>\r\n" + "\r\n". */
static char *trailers(size_t count, size_t vlen, size_t *len)
{
	size_t line = 4 + vlen + 2;
	char *s = malloc(3 + count * line + 2);
	if (!s)
		abort();
	size_t n = 0;
	memcpy(s, "0\r\n", 3);
	n = 3;
	for (size_t i = 0; i < count; i++) {
		memcpy(s + n, "X-A:", 4);
		memset(s + n + 4, 'v', vlen);
		memcpy(s + n + 4 + vlen, "\r\n", 2);
		n += line;
	}
	memcpy(s + n, "\r\n", 2);
	*len = n + 2;
	return s;
}

TEST(chunked_trailer_limits)
{
	const char *why = NULL;
	size_t len, used;
	char *s = trailers(BH_HTTP_MAX_HEADERS, 10, &len);
	CHECK_INT(feed3(s, len, len / 2, len / 2, &used, &why), 0);
	CHECK_INT(used, len);
	free(s);
	s = trailers(BH_HTTP_MAX_HEADERS + 1, 10, &len);
	CHECK_INT(feed3(s, len, 7, 8, &used, &why), -EINVAL);
	CHECK_STR(why, "too many trailer fields");
	free(s);
	s = trailers(1, BH_HTTP_MAX_LINE, &len);
	CHECK_INT(feed3(s, len, 7, 8, &used, &why), -EINVAL);
	CHECK_STR(why, "trailer line too long");
	free(s);
	s = trailers(3, BH_HTTP_MAX_LINE - 10, &len);
	CHECK_INT(feed3(s, len, 7, 8, &used, &why), -EINVAL);
	CHECK_STR(why, "trailer section too long");
	free(s);
}

TEST(http_response_status)
{
	int st = 0;
	CHECK_INT(bh_http_response_status("HTTP/1.1 101 Switching", 22, &st), 0);
	CHECK_INT(st, 101);
	CHECK_INT(bh_http_response_status("HTTP/1.0 404\r\n", 14, &st), 0);
	CHECK_INT(st, 404);
	static const char ok[] = "HTTP/1.1 200 OK";
	for (size_t n = 0; n < 13; n++)
		CHECK_INT(bh_http_response_status(ok, n, &st), -EAGAIN);
	CHECK_INT(bh_http_response_status("HTTP/2 101 x", 12, &st), -EINVAL);
	CHECK_INT(bh_http_response_status("HTTP/1.1 01 x", 13, &st), -EINVAL);
	CHECK_INT(bh_http_response_status("HTTP/1.1 1010 x", 15, &st), -EINVAL);
	CHECK_INT(bh_http_response_status("HTTP/1.1 099 x", 14, &st), -EINVAL);
	CHECK_INT(bh_http_response_status("http/1.1 101 x", 14, &st), -EINVAL);
	CHECK_INT(bh_http_response_status("HTTP/1.1  101", 13, &st), -EINVAL);
	CHECK_INT(bh_http_response_status("X", 1, &st), -EINVAL);
}
