/* SPDX-License-Identifier: MIT */
#include "core/cpio.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static void pad4(struct bh_strbuf *out)
{
	while (out->len % 4)
		bh_strbuf_putc(out, '\0');
}

static void add_entry(struct bh_strbuf *out, const char *name, unsigned mode,
		      const void *data, size_t len)
{
	/* The entry's offset is unique in the archive and the same for
	 * the same inputs. */
	unsigned ino = (unsigned)(out->len / 4) + 1;
	size_t namesize = strlen(name) + 1;
	/* magic, ino, mode, uid, gid, nlink, mtime, filesize, devmajor,
	 * devminor, rdevmajor, rdevminor, namesize, check: 8 hex digits
	 * each. */
	bh_strbuf_printf(out,
			 "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X"
			 "%08X%08X",
			 ino++, mode, 0u, 0u, S_ISDIR(mode) ? 2u : 1u, 0u,
			 (unsigned)len, 0u, 0u, 0u, 0u, (unsigned)namesize,
			 0u);
	bh_strbuf_append(out, name, namesize);
	pad4(out);
	if (len)
		bh_strbuf_append(out, data, len);
	pad4(out);
}

void bh_cpio_add_dir(struct bh_strbuf *out, const char *name, unsigned mode)
{
	add_entry(out, name, S_IFDIR | (mode & 07777), NULL, 0);
}

void bh_cpio_add_file(struct bh_strbuf *out, const char *name, unsigned mode,
		      const void *data, size_t len)
{
	add_entry(out, name, S_IFREG | (mode & 07777), data, len);
}

void bh_cpio_finish(struct bh_strbuf *out)
{
	add_entry(out, "TRAILER!!!", 0, NULL, 0);
}
