/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the proxy's HTTP parsers.  Besides no crash and no leak,
 * it checks what the proxy relies on: an accepted head ends within the
 * input, has a port, and its forwarded head carries no Proxy-* header, no
 * bare CR/LF, NUL, exactly one Host, and one body framing, the one the
 * proxy wrote; and any prefix of an accepted head is "incomplete", never a
 * different verdict.  The whole input, and the bytes after an accepted
 * chunked head, go to the chunked-body parser, which must give the same
 * verdict at the same byte however they are split into reads; the input
 * also goes to the response status line reader.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "net/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_fwd(const char *f, size_t n, bool chunked)
{
	if (memchr(f, 0, n))
		abort();
	int hosts = 0, te = 0, cl = 0;
	for (size_t i = 0; i < n; i++) {
		if (f[i] == '\r' && (i + 1 >= n || f[i + 1] != '\n'))
			abort();
		if (f[i] == '\n' && (i == 0 || f[i - 1] != '\r'))
			abort();
		if (f[i] == '\n' && i + 1 < n) {
			if (!strncasecmp(f + i + 1, "proxy-", 6))
				abort();
			if (!strncasecmp(f + i + 1, "host:", 5))
				hosts++;
			if (!strncasecmp(f + i + 1, "transfer-encoding:", 18))
				te++;
			if (!strncasecmp(f + i + 1, "content-length:", 15))
				cl++;
		}
	}
	/* One framing, written by us: exactly "chunked", or a length. */
	if (hosts != 1 || te != chunked || (chunked && cl) ||
	    (chunked && !strstr(f, "\r\nTransfer-Encoding: chunked\r\n")))
		abort();
}

/* Feeds data[0..size) in reads of at most `step` bytes, the first cut at
 * `first`.  Returns the verdict; *used gets the bytes accepted. */
static int chunked_in_reads(const uint8_t *data, size_t size, size_t first,
			    size_t step, size_t *used)
{
	struct bh_chunked ck;
	const char *why = NULL;
	bh_chunked_init(&ck);
	*used = 0;
	size_t off = 0;
	while (off < size) {
		size_t n = off == 0 && first ? first : step;
		if (n > size - off)
			n = size - off;
		size_t u = 0;
		int r = bh_chunked_feed(&ck, data + off, n, &u, &why);
		if (u > n || (r == -EAGAIN && u != n) || (r == -EINVAL && !why))
			abort();
		*used += u;
		if (r != -EAGAIN)
			return r;
		off += n;
	}
	return -EAGAIN;
}

static void check_chunked(const uint8_t *data, size_t size)
{
	size_t used = 0, u2 = 0;
	int r = chunked_in_reads(data, size, 0, size ? size : 1, &used);
	if (used > size)
		abort();
	/* Split anywhere, byte by byte: the same verdict at the same byte. */
	size_t cuts[] = {1, 2, 3, size / 2, size > 1 ? size - 1 : 1};
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++)
		if (chunked_in_reads(data, size, cuts[i], size, &u2) != r ||
		    u2 != used)
			abort();
	if (size <= 4096 &&
	    (chunked_in_reads(data, size, 0, 1, &u2) != r || u2 != used))
		abort();
	/* What was accepted before a verdict is, alone, "go on". */
	if (r != -EAGAIN && used > 0 &&
	    (chunked_in_reads(data, used - (r == 0), 0, size, &u2) != -EAGAIN ||
	     u2 != used - (r == 0)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int status = 0;
	if (bh_http_response_status((const char *)data, size, &status) == 0 &&
	    (status < 100 || status > 999))
		abort();
	check_chunked(data, size);

	struct bh_http_req r;
	struct bh_strbuf fwd = BH_STRBUF_INIT;
	const char *why = NULL;
	int st = 0;
	int rc = bh_http_parse_request((const char *)data, size, &r, &fwd, &st,
				       &why);
	if (rc == 0) {
		if (r.head_len > size || r.port == 0 || r.port > 65535)
			abort();
		if (!r.is_connect)
			check_fwd(fwd.buf, fwd.len, r.chunked);
		/* A chunked body is framed from the byte after the head. */
		if (r.chunked)
			check_chunked(data + r.head_len, size - r.head_len);
		/* Every strict prefix of the head must wait. */
		for (size_t cut = r.head_len > 64 ? r.head_len - 64 : 0;
		     cut < r.head_len; cut++) {
			struct bh_http_req r2;
			if (bh_http_parse_request((const char *)data, cut, &r2,
						  NULL, &st, &why) != -EAGAIN)
				abort();
		}
	} else if (rc != -EAGAIN && (!why || st < 400)) {
		abort();
	}
	bh_strbuf_release(&fwd);
	return 0;
}
