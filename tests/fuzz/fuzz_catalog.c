/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the credential catalog's content checks, which each read
 * up to 1 MiB of a file anyone could have written.  Besides "no crash, no
 * overread, no hang" it checks their contract: a credential is reported on
 * a line the input has, and "none" comes with line 0.  The input is copied
 * to a buffer of exactly its size, so that ASan sees a read past len.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "inventory/checks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned lines = 1;
	char *buf = bh_xmalloc(size ? size : 1);
	memcpy(buf, data, size);
	for (size_t i = 0; i < size; i++)
		lines += buf[i] == '\n';
	for (bh_inv_check_fn *const *check = bh_inv_checks; *check; check++) {
		unsigned line = 12345;
		bool found = (*check)(buf, size, &line);
		if (found ? line < 1 || line > lines : line != 0)
			abort();
	}
	free(buf);
	return 0;
}
