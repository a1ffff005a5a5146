/* SPDX-License-Identifier: MIT */
/* The cpio newc writer against the format's layout (man 5 cpio). */
#include <stdlib.h>
#include <string.h>

#include "core/cpio.h"
#include "test.h"

static unsigned field(const char *hdr, int i)
{
	char b[9];
	memcpy(b, hdr + 6 + 8 * i, 8);
	b[8] = '\0';
	return (unsigned)strtoul(b, NULL, 16);
}

TEST(cpio_newc_layout)
{
	struct bh_strbuf sb = BH_STRBUF_INIT;
	bh_cpio_add_dir(&sb, "modules", 0755);
	bh_cpio_add_file(&sb, "init", 0755, "abcde", 5);
	bh_cpio_finish(&sb);
	REQUIRE(sb.len % 4 == 0);
	const char *h = sb.buf;
	CHECK(!memcmp(h, "070701", 6));
	CHECK(field(h, 1) == (040000 | 0755)); /* mode */
	CHECK(field(h, 4) == 2);               /* nlink of a directory */
	CHECK(field(h, 6) == 0);               /* filesize */
	CHECK(field(h, 11) == 8);              /* namesize incl. NUL */
	CHECK(!strcmp(h + 110, "modules"));
	/* header 110 + name 8 = 118, padded to 120 */
	const char *f = h + 120;
	CHECK(!memcmp(f, "070701", 6));
	CHECK(field(f, 1) == (0100000 | 0755));
	CHECK(field(f, 6) == 5);
	CHECK(!strcmp(f + 110, "init"));
	/* 110 + 5 = 115 -> 116, then the data, padded to 4 */
	CHECK(!memcmp(f + 116, "abcde", 5));
	const char *t = f + 116 + 8;
	CHECK(!memcmp(t, "070701", 6));
	CHECK(!strcmp(t + 110, "TRAILER!!!"));
	CHECK(field(t, 1) == 0);
	/* equal inputs, equal bytes */
	struct bh_strbuf sb2 = BH_STRBUF_INIT;
	bh_cpio_add_dir(&sb2, "modules", 0755);
	bh_cpio_add_file(&sb2, "init", 0755, "abcde", 5);
	bh_cpio_finish(&sb2);
	CHECK(sb.len == sb2.len && !memcmp(sb.buf, sb2.buf, sb.len));
	bh_strbuf_release(&sb);
	bh_strbuf_release(&sb2);
}
