/* SPDX-License-Identifier: MIT */
/*
 * Myers' diff ("An O(ND) Difference Algorithm and Its Variations", 1986),
 * the linear-space refinement of section 4b: find the middle snake of an
 * optimal path by searching from both ends at once, then solve the two
 * halves.  The diagonals searched are clipped to the box, as GNU diff does,
 * so no path ever leaves the grid.
 */
#include "workspace/textdiff.h"

#include <limits.h>
#include <string.h>

#include "core/util.h"

static uint32_t utf8_decode(const unsigned char *s, size_t n)
{
	static const unsigned char lead_mask[] = {0, 0x7f, 0x1f, 0x0f, 0x07};
	uint32_t cp = s[0] & lead_mask[n];
	for (size_t i = 1; i < n; i++)
		cp = (cp << 6) | (s[i] & 0x3f);
	return cp;
}

/* Code points that reorder or hide text on a terminal or in an editor
 * (the "Trojan Source" set) and the C1 controls some terminals obey. */
static bool dangerous_code_point(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c || cp == 0x200e ||
	       cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

bool bh_textdiff_is_binary(const char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)buf;
	size_t window = len < BH_TEXTDIFF_SNIFF ? len : BH_TEXTDIFF_SNIFF;
	size_t i = 0;
	while (i < window) {
		if (p[i] == 0)
			return true;
		/* Validated with the bytes past the window, so a sequence
		 * that only straddles it is still text. */
		size_t k = bh_utf8_len(p + i, len - i);
		if (k == 0)
			return true;
		i += k;
	}
	return false;
}

enum esc { ESC_NONE, ESC_HEX, ESC_SHORT, ESC_UNICODE };

/* How the character at p[i] (k bytes, 0 = not UTF-8) is shown. */
static enum esc classify(const unsigned char *p, size_t i, size_t n, size_t k,
			 bool quoted)
{
	unsigned c = p[i];
	if (k == 0)
		return ESC_HEX;
	if (k > 1)
		return dangerous_code_point(utf8_decode(p + i, k)) ? ESC_UNICODE
								   : ESC_NONE;
	if (quoted &&
	    (c == '"' || c == '\\' || c == '\t' || c == '\n' || c == '\r'))
		return ESC_SHORT;
	if (c == '\t' || (c == '\r' && i + 1 == n))
		return ESC_NONE;
	if (c < 0x20 || c == 0x7f)
		return ESC_HEX;
	return ESC_NONE;
}

void bh_textdiff_escape(struct bh_strbuf *out, const char *s, size_t n,
			bool quoted)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		size_t k = bh_utf8_len(p + i, n - i);
		switch (classify(p, i, n, k, quoted)) {
		case ESC_NONE:
			bh_strbuf_append(out, s + i, k);
			break;
		case ESC_HEX:
			bh_strbuf_printf(out, "\\x%02x", p[i]);
			k = 1;
			break;
		case ESC_SHORT:
			bh_strbuf_putc(out, '\\');
			bh_strbuf_putc(out, p[i] == '\t'   ? 't'
					    : p[i] == '\n' ? 'n'
					    : p[i] == '\r' ? 'r'
							   : (char)p[i]);
			break;
		case ESC_UNICODE:
			bh_strbuf_printf(out, "\\u%04x",
					 (unsigned)utf8_decode(p + i, k));
			break;
		}
		i += k;
	}
}

bool bh_textdiff_needs_quoting(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		size_t k = bh_utf8_len(p + i, n - i);
		if (classify(p, i, n, k, true) != ESC_NONE)
			return true;
		i += k;
	}
	return false;
}

/* --- the edit script ---------------------------------------------------- */

struct myers {
	const uint32_t *a, *b;
	bool *del, *ins;
	long *vf, *vb; /* indexed by diagonal, centred */
	size_t marks;
};

/* The middle snake: from (sx,sy) to (ex,ey), one edit (at the start when
 * edit_first, else at the end) and a run of equal items.  When the search
 * gave up (too costly), a point the forward search reached, from which
 * both halves are solved again: suboptimal, but the edits stay local. */
struct snake {
	long sx, sy, ex, ey;
	bool edit_first;
};

static bool midpoint(struct myers *m, long left, long top, long right,
		     long bottom, struct snake *s)
{
	const uint32_t *a = m->a, *b = m->b;
	long *vf = m->vf, *vb = m->vb;
	long w = right - left, h = bottom - top, delta = w - h;
	long max = (w + h + 1) / 2;
	if (max > BH_TEXTDIFF_MAX_COST)
		max = BH_TEXTDIFF_MAX_COST;
	vf[1] = left;
	vb[1] = bottom;
	for (long d = 0; d <= max; d++) {
		/* Forward, on diagonals k = (x-left) - (y-top) in [-h, w]. */
		long kmin = -d > -h ? -d : -h + ((h + d) & 1);
		long kmax = d < w ? d : w - ((w + d) & 1);
		if (kmin == -h && -h > -d)
			vf[kmin - 1] = -1; /* never chosen: below every x */
		if (kmax == w && w < d)
			vf[kmax + 1] = -1;
		for (long k = kmax; k >= kmin; k -= 2) {
			long c = k - delta, x, px, y, py;
			if (k == -d || (k != d && vf[k - 1] < vf[k + 1])) {
				px = x = vf[k + 1];
			} else {
				px = vf[k - 1];
				x = px + 1;
			}
			y = top + (x - left) - k;
			py = (d == 0 || x != px) ? y : y - 1;
			while (x < right && y < bottom && a[x] == b[y])
				x++, y++;
			vf[k] = x;
			if ((delta & 1) && c >= -(d - 1) && c <= d - 1 &&
			    y >= vb[c]) {
				*s = (struct snake){px, py, x, y, true};
				return true;
			}
		}
		/* Backward, on diagonals c = k - delta in [-w, h]. */
		long cmin = -d > -w ? -d : -w + ((w + d) & 1);
		long cmax = d < h ? d : h - ((h + d) & 1);
		if (cmin == -w && -w > -d)
			vb[cmin - 1] = LONG_MAX; /* never chosen */
		if (cmax == h && h < d)
			vb[cmax + 1] = LONG_MAX;
		for (long c = cmax; c >= cmin; c -= 2) {
			long k = c + delta, x, px, y, py;
			if (c == -d || (c != d && vb[c - 1] > vb[c + 1])) {
				py = y = vb[c + 1];
			} else {
				py = vb[c - 1];
				y = py - 1;
			}
			x = left + (y - top) + k;
			px = (d == 0 || y != py) ? x : x + 1;
			while (x > left && y > top && a[x - 1] == b[y - 1])
				x--, y--;
			vb[c] = y;
			if (!(delta & 1) && k >= -d && k <= d && x <= vf[k]) {
				*s = (struct snake){x, y, px, py, false};
				return true;
			}
		}
	}
	/* Too costly: split at the furthest point the forward search
	 * reached, which is neither corner (the path to the far corner
	 * needs more than twice `max` edits, or it would have been found). */
	long d = max, best = -1, bx = left, by = top;
	long kmin = -d > -h ? -d : -h + ((h + d) & 1);
	long kmax = d < w ? d : w - ((w + d) & 1);
	for (long k = kmax; k >= kmin; k -= 2) {
		long x = vf[k], y = top + (x - left) - k;
		if (x >= left && x <= right && y >= top && y <= bottom &&
		    x + y > best) {
			best = x + y;
			bx = x;
			by = y;
		}
	}
	if (best <= left + top || (bx == right && by == bottom))
		return false;
	*s = (struct snake){bx, by, bx, by, true};
	return true;
}

static void mark(struct myers *m, bool *v, long from, long to)
{
	for (long i = from; i < to; i++)
		v[i] = true;
	m->marks += (size_t)(to - from);
}

static void compare(struct myers *m, long left, long top, long right,
		    long bottom)
{
	while (left < right && top < bottom && m->a[left] == m->b[top])
		left++, top++;
	while (right > left && bottom > top &&
	       m->a[right - 1] == m->b[bottom - 1])
		right--, bottom--;
	if (left == right) {
		mark(m, m->ins, top, bottom);
		return;
	}
	if (top == bottom) {
		mark(m, m->del, left, right);
		return;
	}
	struct snake s;
	if (!midpoint(m, left, top, right, bottom, &s)) {
		/* No progress possible: the region as replaced whole. */
		mark(m, m->del, left, right);
		mark(m, m->ins, top, bottom);
		return;
	}
	compare(m, left, top, s.sx, s.sy);
	long dx = s.ex - s.sx, dy = s.ey - s.sy;
	if (dx > dy)
		mark(m, m->del, s.edit_first ? s.sx : s.ex - 1,
		     (s.edit_first ? s.sx : s.ex - 1) + 1);
	else if (dy > dx)
		mark(m, m->ins, s.edit_first ? s.sy : s.ey - 1,
		     (s.edit_first ? s.sy : s.ey - 1) + 1);
	compare(m, s.ex, s.ey, right, bottom);
}

size_t bh_textdiff_script(const uint32_t *a, size_t n, const uint32_t *b,
			  size_t m, bool *del, bool *ins)
{
	memset(del, 0, n * sizeof(*del));
	memset(ins, 0, m * sizeof(*ins));
	size_t span = n + m + 4;
	cleanup_free long *vf = bh_xcalloc(2 * span + 1, sizeof(long));
	cleanup_free long *vb = bh_xcalloc(2 * span + 1, sizeof(long));
	struct myers my = {a, b, del, ins, vf + span, vb + span, 0};
	compare(&my, 0, 0, (long)n, (long)m);
	return my.marks;
}

/* --- lines and unified output ------------------------------------------ */

struct lines {
	const char **p;
	size_t *len; /* with the '\n', when there is one */
	uint32_t *id;
	size_t n;
};

static void split_lines(const char *s, size_t len, struct lines *l)
{
	size_t cap = 0;
	l->p = NULL;
	l->len = NULL;
	l->n = 0;
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t k = nl ? (size_t)(nl - (s + i)) + 1 : len - i;
		if (l->n == cap) {
			size_t c2 = cap;
			bh_xgrow((void **)&l->p, &cap, l->n + 1, sizeof(*l->p));
			bh_xgrow((void **)&l->len, &c2, l->n + 1,
				 sizeof(*l->len));
		}
		l->p[l->n] = s + i;
		l->len[l->n++] = k;
		i += k;
	}
	l->id = bh_xcalloc(l->n ? l->n : 1, sizeof(*l->id));
}

static void lines_release(struct lines *l)
{
	free(l->p);
	free(l->len);
	free(l->id);
}

static uint64_t fnv1a(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	return h;
}

/* Numbers each distinct line of a and b, so the diff compares integers. */
static void number_lines(struct lines *a, struct lines *b)
{
	size_t cap = 16;
	while (cap < 2 * (a->n + b->n))
		cap *= 2;
	struct slot {
		const char *p;
		size_t len;
		uint32_t id;
	};
	cleanup_free struct slot *t = bh_xcalloc(cap, sizeof(*t));
	uint32_t next = 1;
	struct lines *ls[2] = {a, b};
	for (int which = 0; which < 2; which++) {
		struct lines *l = ls[which];
		for (size_t i = 0; i < l->n; i++) {
			size_t h =
			    (size_t)fnv1a(l->p[i], l->len[i]) & (cap - 1);
			while (t[h].p &&
			       (t[h].len != l->len[i] ||
				memcmp(t[h].p, l->p[i], l->len[i]) != 0))
				h = (h + 1) & (cap - 1);
			if (!t[h].p)
				t[h] =
				    (struct slot){l->p[i], l->len[i], next++};
			l->id[i] = t[h].id;
		}
	}
}

static void put_line(struct bh_strbuf *out, char tag, const struct lines *l,
		     size_t i)
{
	size_t n = l->len[i];
	bool nl = n > 0 && l->p[i][n - 1] == '\n';
	bh_strbuf_putc(out, tag);
	bh_textdiff_escape(out, l->p[i], nl ? n - 1 : n, false);
	bh_strbuf_putc(out, '\n');
	if (!nl)
		bh_strbuf_puts(out, "\\ No newline at end of file\n");
}

static void put_range(struct bh_strbuf *out, size_t start, size_t len)
{
	if (len == 1)
		bh_strbuf_printf(out, "%zu", start + 1);
	else if (len == 0)
		bh_strbuf_printf(out, "%zu,0", start);
	else
		bh_strbuf_printf(out, "%zu,%zu", start + 1, len);
}

/* One run of changes: a[a0,a1) replaced by b[b0,b1). */
struct range {
	size_t a0, a1, b0, b1;
};

static void put_hunk(struct bh_strbuf *out, const struct lines *a,
		     const struct lines *b, const struct range *r, size_t nr,
		     unsigned context)
{
	size_t ha0 = r[0].a0 > context ? r[0].a0 - context : 0;
	size_t hb0 = r[0].b0 - (r[0].a0 - ha0);
	size_t tail = a->n - r[nr - 1].a1;
	if (tail > context)
		tail = context;
	size_t ha1 = r[nr - 1].a1 + tail, hb1 = r[nr - 1].b1 + tail;
	bh_strbuf_puts(out, "@@ -");
	put_range(out, ha0, ha1 - ha0);
	bh_strbuf_puts(out, " +");
	put_range(out, hb0, hb1 - hb0);
	bh_strbuf_puts(out, " @@\n");
	size_t pos = ha0;
	for (size_t k = 0; k < nr; k++) {
		for (; pos < r[k].a0; pos++)
			put_line(out, ' ', a, pos);
		for (size_t i = r[k].a0; i < r[k].a1; i++)
			put_line(out, '-', a, i);
		for (size_t j = r[k].b0; j < r[k].b1; j++)
			put_line(out, '+', b, j);
		pos = r[k].a1;
	}
	for (; pos < ha1; pos++)
		put_line(out, ' ', a, pos);
}

void bh_textdiff_unified(const char *a, size_t alen, const char *b, size_t blen,
			 unsigned context, struct bh_strbuf *out,
			 struct bh_textdiff_stat *st)
{
	struct lines la, lb;
	split_lines(a, alen, &la);
	split_lines(b, blen, &lb);
	number_lines(&la, &lb);
	cleanup_free bool *del = bh_xcalloc(la.n + 1, sizeof(bool));
	cleanup_free bool *ins = bh_xcalloc(lb.n + 1, sizeof(bool));
	bh_textdiff_script(la.id, la.n, lb.id, lb.n, del, ins);

	cleanup_free struct range *r = NULL;
	size_t nr = 0, cap = 0;
	st->ins = st->del = 0;
	for (size_t i = 0, j = 0; i < la.n || j < lb.n;) {
		if ((i < la.n && del[i]) || (j < lb.n && ins[j])) {
			struct range x = {i, i, j, j};
			while (i < la.n && del[i])
				i++;
			while (j < lb.n && ins[j])
				j++;
			x.a1 = i;
			x.b1 = j;
			st->del += x.a1 - x.a0;
			st->ins += x.b1 - x.b0;
			bh_xgrow((void **)&r, &cap, nr + 1, sizeof(*r));
			r[nr++] = x;
		} else {
			i++, j++;
		}
	}
	/* Runs closer than twice the context share a hunk. */
	for (size_t first = 0; out && first < nr;) {
		size_t last = first;
		while (last + 1 < nr &&
		       r[last + 1].a0 - r[last].a1 <= 2 * (size_t)context)
			last++;
		put_hunk(out, &la, &lb, r + first, last - first + 1, context);
		first = last + 1;
	}
	lines_release(&la);
	lines_release(&lb);
}
