/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the proxy's HTTP request-head parser.  Besides no crash
 * and no leak, it checks what the proxy relies on: an accepted head ends
 * within the input, has a port, and its forwarded head carries no Proxy-*
 * header, no bare CR/LF, NUL, and exactly one Host; and any prefix of an
 * accepted head is "incomplete", never a different verdict.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "net/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_fwd(const char *f, size_t n)
{
	if (memchr(f, 0, n))
		abort();
	int hosts = 0;
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
		}
	}
	if (hosts != 1)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
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
			check_fwd(fwd.buf, fwd.len);
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
