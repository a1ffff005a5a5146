/* SPDX-License-Identifier: MIT */
/*
 * A cpio "newc" archive writer (the format the Linux kernel unpacks as an
 * initramfs), into memory.  Pure: no system calls; the caller writes the
 * buffer out.  Entries are written as given (parents before children);
 * every entry is owned by root, with mtime 0, so equal inputs give equal
 * bytes.
 */
#pragma once

#include <stddef.h>

#include "core/strbuf.h"

/* A directory (mode: permission bits). */
void bh_cpio_add_dir(struct bh_strbuf *out, const char *name, unsigned mode);
/* A regular file with its contents. */
void bh_cpio_add_file(struct bh_strbuf *out, const char *name, unsigned mode,
		      const void *data, size_t len);
/* The TRAILER!!! entry that ends the archive. */
void bh_cpio_finish(struct bh_strbuf *out);
