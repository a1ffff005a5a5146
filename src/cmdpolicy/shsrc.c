/* SPDX-License-Identifier: MIT */
/*
 * The shell parser's state: the current source buffer and its map to
 * input offsets, characters with line continuations removed, errors,
 * nesting depth, growable arrays.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdpolicy/shparse_int.h"
#include "core/util.h"

void *sh_push(void *arrp, size_t *n, size_t elem)
{
	void **arr = arrp;
	size_t k = *n;
	if (k == 0 || (k >= 4 && (k & (k - 1)) == 0))
		*arr = bh_xrealloc(*arr, (k == 0 ? 4 : 2 * k) * elem);
	char *slot = (char *)*arr + k * elem;
	memset(slot, 0, elem);
	(*n)++;
	return slot;
}

size_t sh_off(const struct sh_ps *ps, size_t pos)
{
	if (pos > ps->src.len)
		pos = ps->src.len;
	return ps->src.map ? ps->src.map[pos] : pos;
}

void sh_set_end(const struct sh_ps *ps, struct bh_sh_node *n)
{
	size_t pos = ps->src.pos > ps->src.len ? ps->src.len : ps->src.pos;
	size_t end = pos == 0 || !ps->src.map ? sh_off(ps, pos)
					      : ps->src.map[pos - 1] + 1;
	n->end = end < n->start ? n->start : end;
}

int sh_fail_code(struct sh_ps *ps, int code, size_t pos, const char *fmt, ...)
{
	if (ps->rc)
		return ps->rc;
	va_list ap;
	va_start(ap, fmt);
	char *why = bh_xvasprintf(fmt, ap);
	va_end(ap);
	bh_error_set(ps->err, BH_EK_USAGE, code, "at byte %zu: %s",
		     sh_off(ps, pos), why);
	free(why);
	ps->rc = -code;
	return ps->rc;
}

int sh_enter(struct sh_ps *ps)
{
	if (ps->depth >= BH_SH_MAX_DEPTH)
		return sh_fail_bound(ps, ps->src.pos,
				     "nested deeper than %d levels",
				     BH_SH_MAX_DEPTH);
	ps->depth++;
	return 0;
}

/* Line continuations vanish before the shell tokenises, except inside
 * single quotes, $'...', comments and quoted here-documents, which read
 * the buffer directly. */
static size_t skip_cont(const struct sh_src *src, size_t p)
{
	while (p + 1 < src->len && src->s[p] == '\\' && src->s[p + 1] == '\n')
		p += 2;
	return p;
}

int sh_peek(struct sh_ps *ps)
{
	struct sh_src *src = &ps->src;
	src->pos = skip_cont(src, src->pos);
	return src->pos < src->len ? (unsigned char)src->s[src->pos] : -1;
}

int sh_peek2(struct sh_ps *ps)
{
	struct sh_src *src = &ps->src;
	size_t p = skip_cont(src, src->pos);
	if (p >= src->len)
		return -1;
	p = skip_cont(src, p + 1);
	return p < src->len ? (unsigned char)src->s[p] : -1;
}

void sh_advance(struct sh_ps *ps)
{
	if (sh_peek(ps) >= 0)
		ps->src.pos++;
}

bool sh_match(struct sh_ps *ps, const char *op)
{
	size_t save = ps->src.pos;
	for (const char *p = op; *p; p++) {
		if (sh_peek(ps) != (unsigned char)*p) {
			ps->src.pos = save;
			return false;
		}
		sh_advance(ps);
	}
	return true;
}

bool sh_is_blank(int c)
{
	return c == ' ' || c == '\t';
}

bool sh_is_meta(int c)
{
	return c < 0 || sh_is_blank(c) || c == '\n' || c == ';' || c == '&' ||
	       c == '|' || c == '(' || c == ')' || c == '<' || c == '>';
}

bool sh_is_name_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool sh_is_name_char(int c)
{
	return sh_is_name_start(c) || (c >= '0' && c <= '9');
}

bool sh_is_name(const char *s, size_t n)
{
	if (n == 0 || !sh_is_name_start((unsigned char)s[0]))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!sh_is_name_char((unsigned char)s[i]))
			return false;
	return true;
}
