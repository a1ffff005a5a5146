/* SPDX-License-Identifier: MIT */
#include "core/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

static void strbuf_reserve(struct bh_strbuf *sb, size_t extra)
{
	size_t need = sb->len + extra + 1;
	if (need <= sb->cap)
		return;
	size_t cap = sb->cap ? sb->cap : 64;
	while (cap < need)
		cap *= 2;
	sb->buf = bh_xrealloc(sb->buf, cap);
	sb->cap = cap;
}

void bh_strbuf_append(struct bh_strbuf *sb, const char *s, size_t n)
{
	strbuf_reserve(sb, n);
	if (n)
		memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void bh_strbuf_puts(struct bh_strbuf *sb, const char *s)
{
	bh_strbuf_append(sb, s, strlen(s));
}

void bh_strbuf_putc(struct bh_strbuf *sb, char c)
{
	bh_strbuf_append(sb, &c, 1);
}

void bh_strbuf_printf(struct bh_strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = bh_xvasprintf(fmt, ap);
	va_end(ap);
	bh_strbuf_puts(sb, s);
	free(s);
}

char *bh_strbuf_steal(struct bh_strbuf *sb)
{
	if (!sb->buf)
		return bh_xstrdup("");
	char *r = sb->buf;
	sb->buf = NULL;
	sb->len = sb->cap = 0;
	return r;
}

void bh_strbuf_release(struct bh_strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}
