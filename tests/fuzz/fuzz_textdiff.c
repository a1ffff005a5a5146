/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for `bulkhead diff`'s text handling: both sides of a diff are
 * bytes the sandbox wrote.  Besides "no crash, no leak, no hang", it checks:
 *  - the edit script is a correct one (what it keeps of a and of b is the
 *    same sequence) and, for small inputs, a minimal one (against an LCS
 *    by dynamic programming);
 *  - the unified output holds exactly st.del '-' lines and st.ins '+'
 *    lines, and nothing a terminal acts on: it is UTF-8, with no control
 *    character but tab, newline and a carriage return right before a
 *    newline, no C1 and no bidirectional control;
 *  - a quoted name has no control character at all, and a name said to
 *    need no quoting comes out as it went in.
 * Input: byte 0 picks the context (0-7); the rest is a and b, split at the
 * first "\0\xff" (else in the middle).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "workspace/textdiff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t lcs(const uint32_t *a, size_t n, const uint32_t *b, size_t m)
{
	size_t *prev = calloc(m + 1, sizeof(size_t));
	size_t *cur = calloc(m + 1, sizeof(size_t));
	for (size_t i = 1; i <= n; i++) {
		for (size_t j = 1; j <= m; j++)
			cur[j] = a[i - 1] == b[j - 1]	? prev[j - 1] + 1
				 : prev[j] > cur[j - 1] ? prev[j]
							: cur[j - 1];
		size_t *t = prev;
		prev = cur;
		cur = t;
	}
	size_t r = prev[m];
	free(prev);
	free(cur);
	return r;
}

static void check_script(const uint8_t *pa, size_t n, const uint8_t *pb,
			 size_t m)
{
	uint32_t *a = malloc((n + 1) * sizeof(*a));
	uint32_t *b = malloc((m + 1) * sizeof(*b));
	bool *del = malloc(n + 1), *ins = malloc(m + 1);
	for (size_t i = 0; i < n; i++)
		a[i] = pa[i] & 7; /* a small alphabet: many matches */
	for (size_t j = 0; j < m; j++)
		b[j] = pb[j] & 7;
	size_t marks = bh_textdiff_script(a, n, b, m, del, ins);
	size_t i = 0, j = 0, kept = 0;
	for (;;) {
		while (i < n && del[i])
			i++;
		while (j < m && ins[j])
			j++;
		if (i == n || j == m)
			break;
		if (a[i++] != b[j++])
			abort();
		kept++;
	}
	if (i != n || j != m || marks != n + m - 2 * kept)
		abort();
	if (n <= 300 && m <= 300 && kept != lcs(a, n, b, m))
		abort();
	free(a);
	free(b);
	free(del);
	free(ins);
}

/* Safe for a terminal: see the header comment. */
static void check_shown(const char *s, size_t n, bool quoted)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		size_t k = bh_utf8_len(p + i, n - i);
		if (k == 0)
			abort();
		if (k == 1) {
			unsigned c = p[i];
			bool ok = c >= 0x20 && c != 0x7f;
			if (!quoted)
				ok = ok || c == '\t' || c == '\n' ||
				     (c == '\r' && i + 1 < n &&
				      p[i + 1] == '\n');
			if (!ok)
				abort();
		} else if (k == 2 && p[i] == 0xc2 && p[i + 1] < 0xa0) {
			abort(); /* C1 */
		} else if (k == 2 && p[i] == 0xd8 && p[i + 1] == 0x9c) {
			abort(); /* ALM */
		} else if (k == 3 && p[i] == 0xe2 && p[i + 1] == 0x80 &&
			   (p[i + 2] == 0x8e || p[i + 2] == 0x8f ||
			    (p[i + 2] >= 0xaa && p[i + 2] <= 0xae))) {
			abort();
		} else if (k == 3 && p[i] == 0xe2 && p[i + 1] == 0x81 &&
			   p[i + 2] >= 0xa6 && p[i + 2] <= 0xa9) {
			abort();
		}
		i += k;
	}
}

static void check_unified(const char *a, size_t n, const char *b, size_t m,
			  unsigned context)
{
	struct bh_strbuf sb = BH_STRBUF_INIT;
	struct bh_textdiff_stat st, st2;
	bh_textdiff_unified(a, n, b, m, context, &sb, &st);
	bh_textdiff_unified(a, n, b, m, context, NULL, &st2);
	if (st.ins != st2.ins || st.del != st2.del)
		abort();
	size_t plus = 0, minus = 0;
	for (size_t i = 0; i < sb.len;) {
		const char *nl = memchr(sb.buf + i, '\n', sb.len - i);
		if (!nl)
			abort(); /* every output line ends */
		plus += sb.buf[i] == '+';
		minus += sb.buf[i] == '-';
		i = (size_t)(nl - sb.buf) + 1;
	}
	if (plus != st.ins || minus != st.del)
		abort();
	check_shown(sb.buf ? sb.buf : "", sb.len, false);
	bh_strbuf_release(&sb);
}

static void check_quoting(const char *s, size_t n)
{
	struct bh_strbuf sb = BH_STRBUF_INIT;
	bh_textdiff_escape(&sb, s, n, true);
	check_shown(sb.buf ? sb.buf : "", sb.len, true);
	if (!bh_textdiff_needs_quoting(s, n) &&
	    (sb.len != n || memcmp(sb.buf ? sb.buf : "", s, n) != 0))
		abort();
	bh_strbuf_release(&sb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 65536)
		return 0;
	unsigned context = data[0] & 7;
	const uint8_t *rest = data + 1;
	size_t len = size - 1, cut = len / 2, skip = 0;
	for (size_t i = 0; i + 1 < len; i++)
		if (rest[i] == 0 && rest[i + 1] == 0xff) {
			cut = i;
			skip = 2;
			break;
		}
	const char *a = (const char *)rest,
		   *b = (const char *)rest + cut + skip;
	size_t n = cut, m = len - cut - skip;
	check_script(rest, n, rest + cut + skip, m);
	check_unified(a, n, b, m, context);
	(void)bh_textdiff_is_binary(a, n);
	check_quoting(a, n);
	return 0;
}
