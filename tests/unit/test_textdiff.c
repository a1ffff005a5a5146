/* SPDX-License-Identifier: MIT */
/* The line diff, unified output, binary detection and escaping. */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "core/util.h"
#include "test.h"
#include "workspace/changes.h"
#include "workspace/textdiff.h"

/* Length of a longest common subsequence, by dynamic programming. */
static size_t lcs_len(const uint32_t *a, size_t n, const uint32_t *b, size_t m)
{
	size_t *row = bh_xcalloc((m + 1) * 2, sizeof(size_t));
	size_t *prev = row, *cur = row + m + 1;
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
	free(row);
	return r;
}

/* The unmarked items of a and b, in order, must be the same sequence. */
static bool script_valid(const uint32_t *a, size_t n, const bool *del,
			 const uint32_t *b, size_t m, const bool *ins)
{
	size_t i = 0, j = 0;
	for (;;) {
		while (i < n && del[i])
			i++;
		while (j < m && ins[j])
			j++;
		if (i == n || j == m)
			return i == n && j == m;
		if (a[i++] != b[j++])
			return false;
	}
}

static uint32_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (uint32_t)*s;
}

/* Against the DP on thousands of small inputs, skewed sizes included
 * (the clipping of diagonals to the box is where Myers goes wrong). */
TEST(textdiff_script_is_minimal)
{
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	uint32_t a[48], b[48];
	bool del[48], ins[48];
	for (int iter = 0; iter < 6000; iter++) {
		size_t n = rnd(&seed) % 40, m = rnd(&seed) % 40;
		if (iter % 5 == 0)
			m = rnd(&seed) % 3; /* very unbalanced */
		uint32_t alpha = 1 + rnd(&seed) % 6;
		for (size_t i = 0; i < n; i++)
			a[i] = rnd(&seed) % alpha;
		for (size_t j = 0; j < m; j++)
			b[j] = rnd(&seed) % alpha;
		size_t marks = bh_textdiff_script(a, n, b, m, del, ins);
		size_t want = n + m - 2 * lcs_len(a, n, b, m);
		if (marks != want || !script_valid(a, n, del, b, m, ins)) {
			fprintf(stderr,
				"  iter %d n=%zu m=%zu: %zu marks, "
				"want %zu\n",
				iter, n, m, marks, want);
			CHECK(false);
			return;
		}
	}
}

/* Past the cost cap the script is no longer minimal but still correct,
 * local (scattered edits stay scattered) and quick. */
TEST(textdiff_script_capped_stays_local)
{
	size_t n = 40000;
	uint32_t *a = bh_xmalloc(n * sizeof(*a));
	uint32_t *b = bh_xmalloc(n * sizeof(*b));
	bool *del = bh_xmalloc(n), *ins = bh_xmalloc(n);
	for (size_t i = 0; i < n; i++)
		a[i] = b[i] = (uint32_t)i;
	for (size_t i = 0; i < n; i += 3)
		b[i] = (uint32_t)(n + i); /* 13334 lines changed */
	size_t marks = bh_textdiff_script(a, n, b, n, del, ins);
	CHECK(script_valid(a, n, del, b, n, ins));
	CHECK_INT(marks, 2 * 13334);
	free(a);
	free(b);
	free(del);
	free(ins);
}

TEST(textdiff_script_capped_cost)
{
	size_t n = 30000, m = 30000;
	uint32_t *a = bh_xmalloc(n * sizeof(*a));
	uint32_t *b = bh_xmalloc(m * sizeof(*b));
	bool *del = bh_xmalloc(n), *ins = bh_xmalloc(m);
	uint64_t seed = 42;
	for (size_t i = 0; i < n; i++)
		a[i] = rnd(&seed) % 1000;
	for (size_t j = 0; j < m; j++)
		b[j] = rnd(&seed) % 1000;
	clock_t t0 = clock();
	size_t marks = bh_textdiff_script(a, n, b, m, del, ins);
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	CHECK(script_valid(a, n, del, b, m, ins));
	CHECK(marks >= n + m - 2 * (n < m ? n : m));
	CHECK(secs < 20.0);
	free(a);
	free(b);
	free(del);
	free(ins);
}

static char *unified(const char *a, const char *b, unsigned ctx,
		     struct bh_textdiff_stat *st)
{
	struct bh_strbuf sb = BH_STRBUF_INIT;
	struct bh_textdiff_stat dummy;
	bh_textdiff_unified(a, strlen(a), b, strlen(b), ctx, &sb,
			    st ? st : &dummy);
	bh_strbuf_putc(&sb, '\0'); /* never NULL */
	return bh_strbuf_steal(&sb);
}

TEST(textdiff_unified_basic)
{
	struct bh_textdiff_stat st;
	cleanup_free char *d =
	    unified("1\n2\n3\n4\n5\n6\n7\n8\n9\n",
		    "1\n2\n3\n4\nfive\n6\n7\n8\n9\n", 3, &st);
	CHECK_STR(d, "@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
	CHECK_INT(st.ins, 1);
	CHECK_INT(st.del, 1);
}

TEST(textdiff_unified_empty_sides)
{
	cleanup_free char *add = unified("", "a\nb\n", 3, NULL);
	CHECK_STR(add, "@@ -0,0 +1,2 @@\n+a\n+b\n");
	cleanup_free char *del = unified("a\n", "", 3, NULL);
	CHECK_STR(del, "@@ -1 +0,0 @@\n-a\n");
	cleanup_free char *same = unified("a\nb\n", "a\nb\n", 3, NULL);
	CHECK_STR(same, "");
	cleanup_free char *none = unified("", "", 3, NULL);
	CHECK_STR(none, "");
}

TEST(textdiff_unified_no_newline_at_end)
{
	cleanup_free char *d = unified("a\nb", "a\nb\n", 3, NULL);
	CHECK_STR(d, "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n"
		     "+b\n");
	cleanup_free char *e = unified("a\nx", "a\ny", 3, NULL);
	CHECK_STR(e, "@@ -1,2 +1,2 @@\n a\n-x\n\\ No newline at end of file\n"
		     "+y\n\\ No newline at end of file\n");
}

/* Changes 6 lines apart share a hunk (2 x 3 context); 7 apart do not. */
TEST(textdiff_unified_hunk_merging)
{
	const char *a = "x\n1\n2\n3\n4\n5\n6\ny\n1\n2\n3\n4\n5\n6\n7\nz\n";
	const char *b = "X\n1\n2\n3\n4\n5\n6\nY\n1\n2\n3\n4\n5\n6\n7\nZ\n";
	cleanup_free char *d = unified(a, b, 3, NULL);
	CHECK_STR(d, "@@ -1,11 +1,11 @@\n-x\n+X\n 1\n 2\n 3\n 4\n 5\n 6\n"
		     "-y\n+Y\n 1\n 2\n 3\n"
		     "@@ -13,4 +13,4 @@\n 5\n 6\n 7\n-z\n+Z\n");
}

TEST(textdiff_unified_zero_context_and_moves)
{
	cleanup_free char *d = unified("a\nb\nc\n", "c\nb\na\n", 0, NULL);
	/* Any minimal script is fine; the counts are not. */
	struct bh_textdiff_stat st;
	cleanup_free char *e = unified("a\nb\nc\n", "c\nb\na\n", 0, &st);
	CHECK_INT(st.ins + st.del, 4);
	CHECK(strstr(d, "@@ ") == d);
}

/* Escape sequences and line-hiding carriage returns are shown, not sent. */
TEST(textdiff_unified_escapes_lines)
{
	cleanup_free char *d =
	    unified("", "evil();\r// fine\n\x1b]0;title\x07\nok\r\n", 3, NULL);
	CHECK_STR(d, "@@ -0,0 +1,3 @@\n+evil();\\x0d// fine\n"
		     "+\\x1b]0;title\\x07\n+ok\r\n");
}

TEST(textdiff_binary_detection)
{
	CHECK(!bh_textdiff_is_binary("plain\ttext\n", 11));
	CHECK(bh_textdiff_is_binary("a\0b", 3));
	CHECK(bh_textdiff_is_binary("caf\xe9\n", 5)); /* Latin-1 */
	CHECK(!bh_textdiff_is_binary("caf\xc3\xa9\n", 6));
	CHECK(bh_textdiff_is_binary("\xc3", 1)); /* cut at the very end */
	CHECK(bh_textdiff_is_binary("\xed\xa0\x80", 3)); /* a surrogate */
	CHECK(bh_textdiff_is_binary("\xc0\xaf", 2));	 /* overlong */
	/* A sequence across the sniff window is still text; a NUL past it
	 * is not looked at (as git). */
	size_t n = BH_TEXTDIFF_SNIFF + 10;
	char *buf = bh_xmalloc(n);
	memset(buf, 'a', n);
	memcpy(buf + BH_TEXTDIFF_SNIFF - 1, "\xe2\x82\xac", 3);
	buf[n - 1] = '\0';
	CHECK(!bh_textdiff_is_binary(buf, n));
	free(buf);
}

static char *esc(const char *s, bool quoted)
{
	struct bh_strbuf sb = BH_STRBUF_INIT;
	bh_textdiff_escape(&sb, s, strlen(s), quoted);
	bh_strbuf_putc(&sb, '\0');
	return bh_strbuf_steal(&sb);
}

TEST(textdiff_escape_forms)
{
	cleanup_free char *a = esc("a\tb\x7f\xc2\x85", false);
	CHECK_STR(a, "a\tb\\x7f\\u0085");
	cleanup_free char *b = esc("x\xe2\x80\xaey\xe2\x81\xa6z", false);
	CHECK_STR(b, "x\\u202ey\\u2066z");
	cleanup_free char *c = esc("\xff\xc3\xa9\xe2\x82\xac", false);
	CHECK_STR(c, "\\xff\xc3\xa9\xe2\x82\xac"); /* é and € stay */
	cleanup_free char *d = esc("a\"b\\c\td\ne\r", true);
	CHECK_STR(d, "a\\\"b\\\\c\\td\\ne\\r");
	CHECK(!bh_textdiff_needs_quoting("src/main.c", 10));
	CHECK(!bh_textdiff_needs_quoting("caf\xc3\xa9 x", 7));
	CHECK(bh_textdiff_needs_quoting("a\\b", 3));
	CHECK(bh_textdiff_needs_quoting("\xe2\x80\x8f", 3)); /* RLM */
}

TEST(workspace_quote_path)
{
	cleanup_free char *a = bh_ws_quote_path("a/", "src/x.c");
	CHECK_STR(a, "a/src/x.c");
	cleanup_free char *b = bh_ws_quote_path("b/", "we\tird\x1b[2J");
	CHECK_STR(b, "\"b/we\\tird\\x1b[2J\"");
	cleanup_free char *c = bh_ws_quote_path("", "n\xe9w\nline");
	CHECK_STR(c, "\"n\\xe9w\\nline\"");
}
