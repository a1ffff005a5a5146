/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the SOCKS5 handshake parsers: the input is fed as a
 * greeting, an RFC 1929 message and a request.  Checks: consumed lengths
 * stay within the input, an accepted domain host is canonical (only
 * [a-z0-9.:-]) and has a port.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/socks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t used = 0;
	unsigned m;
	const char *why = NULL;
	if (bh_socks_parse_greeting(data, size, &used, &m, &why) == 0 &&
	    used > size)
		abort();
	char u[256], p[256];
	if (bh_socks_parse_userpass(data, size, &used, u, p, &why) == 0 &&
	    (used > size || strlen(u) > 255 || strlen(p) > 255))
		abort();
	struct bh_socks_req r;
	uint8_t rep;
	int rc = bh_socks_parse_request(data, size, &used, &r, &rep, &why);
	if (rc == 0) {
		if (used > size || r.port == 0)
			abort();
		for (const char *c = r.host.name; *c; c++)
			if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789.:-",
				    *c))
				abort();
	} else if (rc != -EAGAIN && !why) {
		abort();
	}
	return 0;
}
