/* SPDX-License-Identifier: MIT */
/* A growable, always NUL-terminated byte buffer. */
#pragma once

#include <stdarg.h>
#include <stddef.h>

struct bh_strbuf {
	char *buf; /* NUL-terminated; never NULL after the first append */
	size_t len;
	size_t cap;
};

#define BH_STRBUF_INIT {NULL, 0, 0}

void bh_strbuf_append(struct bh_strbuf *sb, const char *s, size_t n);
void bh_strbuf_puts(struct bh_strbuf *sb, const char *s);
void bh_strbuf_putc(struct bh_strbuf *sb, char c);
__attribute__((format(printf, 2, 3))) void
bh_strbuf_printf(struct bh_strbuf *sb, const char *fmt, ...);
/* Returns the buffer (caller frees) and resets sb. Never NULL. */
char *bh_strbuf_steal(struct bh_strbuf *sb);
void bh_strbuf_release(struct bh_strbuf *sb);
