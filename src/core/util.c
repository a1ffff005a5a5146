/* SPDX-License-Identifier: MIT */
#include "core/util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void die_oom(void)
{
	static const char msg[] = "bulkhead: out of memory\n";
	(void)!write(2, msg, sizeof(msg) - 1);
	abort();
}

void *bh_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die_oom();
	return p;
}

void *bh_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		die_oom();
	return p;
}

void *bh_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		die_oom();
	return q;
}

void bh_xgrow(void **p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return;
	size_t n = *cap ? *cap : 8;
	while (n < need) {
		if (n > ((size_t)-1) / 4 / elem)
			die_oom();
		n *= 2;
	}
	*p = bh_xrealloc(*p, n * elem);
	memset((char *)*p + *cap * elem, 0, (n - *cap) * elem);
	*cap = n;
}

char *bh_xstrdup(const char *s)
{
	char *r = strdup(s);
	if (!r)
		die_oom();
	return r;
}

char *bh_xstrndup(const char *s, size_t n)
{
	char *r = strndup(s, n);
	if (!r)
		die_oom();
	return r;
}

char *bh_xvasprintf(const char *fmt, va_list ap)
{
	char *r = NULL;
	if (vasprintf(&r, fmt, ap) < 0)
		die_oom();
	return r;
}

char *bh_xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *r = bh_xvasprintf(fmt, ap);
	va_end(ap);
	return r;
}

void bh_strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

size_t bh_strv_len(char *const *v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

void bh_strv_push(char ***v, size_t *len, char *s)
{
	*v = bh_xrealloc(*v, (*len + 2) * sizeof(char *));
	(*v)[(*len)++] = s;
	(*v)[*len] = NULL;
}

int bh_hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool bh_str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool bh_path_is_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	if (n == 1 && dir[0] == '/')
		return path[0] == '/';
	if (strncmp(path, dir, n) != 0)
		return false;
	return path[n] == '\0' || path[n] == '/';
}
size_t bh_utf8_len(const unsigned char *s, size_t avail)
{
	if (avail == 0)
		return 0;
	unsigned c = s[0];
	if (c < 0x80)
		return 1;
	size_t n;
	uint32_t min, cp;
	if ((c & 0xe0) == 0xc0) {
		n = 2, min = 0x80, cp = c & 0x1f;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3, min = 0x800, cp = c & 0x0f;
	} else if ((c & 0xf8) == 0xf0) {
		n = 4, min = 0x10000, cp = c & 0x07;
	} else {
		return 0;
	}
	if (avail < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}
