/* SPDX-License-Identifier: MIT */
/*
 * Lexical normalisation of absolute paths.
 *
 * Rules are matched by path prefix ("most specific wins"), so two spellings
 * of one path must become one string: "/ws//.git/./hooks/" and
 * "/ws/.git/hooks" are the same rule.  ".." is refused rather than
 * resolved: without looking at the filesystem (which this module never
 * does) "/ws/link/.." may be anywhere, and a protect rule on a path that
 * means something else than it reads is worse than an error.  Symlinks are
 * resolved by the tiers, by file descriptor.
 */
#include <string.h>

#include "core/strbuf.h"
#include "core/util.h"
#include "policy/internal.h"

static void set_why(const char **why, const char *s)
{
	if (why)
		*why = s;
}

char *bh_path_normalize(const char *path, const char **why)
{
	struct bh_strbuf sb = BH_STRBUF_INIT;

	if (!path || !path[0]) {
		set_why(why, "is empty");
		return NULL;
	}
	if (path[0] != '/') {
		set_why(why, "is relative");
		return NULL;
	}
	if (strlen(path) > BH_PATH_MAX) {
		set_why(why, "is too long");
		return NULL;
	}
	for (const char *c = path; *c; c++) {
		if ((unsigned char)*c < 0x20 || *c == 0x7f) {
			set_why(why, "has a control character");
			return NULL;
		}
	}
	for (const char *c = path; *c;) {
		while (*c == '/')
			c++;
		size_t n = strcspn(c, "/");
		if (n == 0)
			break;
		if (n == 2 && c[0] == '.' && c[1] == '.') {
			bh_strbuf_release(&sb);
			set_why(why, "has a '..' component");
			return NULL;
		}
		if (!(n == 1 && c[0] == '.')) {
			bh_strbuf_putc(&sb, '/');
			bh_strbuf_append(&sb, c, n);
		}
		c += n;
	}
	if (sb.len == 0)
		bh_strbuf_putc(&sb, '/');
	return bh_strbuf_steal(&sb);
}
