/* SPDX-License-Identifier: MIT */
/*
 * Line diffs for `bulkhead diff`: Myers' O(ND) algorithm in linear space,
 * unified hunks with context as git prints them, the text/binary decision,
 * and escaping for display.  Pure: no system calls.
 *
 * Everything shown here was written by the sandboxed agent and is read by a
 * person at a terminal, so it is shown, never interpreted: bytes that a
 * terminal would act on (escape sequences, carriage returns that overwrite a
 * line, bidirectional overrides that reorder it) are printed escaped.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"

/* How much of a file decides text or binary (git looks at 8000 bytes). */
#define BH_TEXTDIFF_SNIFF 8000

/* Beyond twice this many edits in one region the search stops at the
 * furthest point it reached and solves both sides of it again: the script
 * stays correct and the edits local, only no longer minimal, and the cost
 * per region stays O((N+M) * BH_TEXTDIFF_MAX_COST). */
#define BH_TEXTDIFF_MAX_COST 4096


/* True when the first len bytes of a file are not text: a NUL byte, or
 * bytes that are not UTF-8, within the first BH_TEXTDIFF_SNIFF.  A sequence
 * cut by the end of the window is not held against the file. */
bool bh_textdiff_is_binary(const char *buf, size_t len);

/*
 * An edit script between the sequences a (n items) and b (m items): sets
 * del[i] for every item of a and ins[j] for every item of b that is not part
 * of a longest common subsequence (del and ins are zeroed first).  Returns
 * the number of marks, which is minimal unless a region needed more than
 * twice BH_TEXTDIFF_MAX_COST edits.
 */
size_t bh_textdiff_script(const uint32_t *a, size_t n, const uint32_t *b,
			  size_t m, bool *del, bool *ins);

struct bh_textdiff_stat {
	size_t ins, del; /* lines */
};

/*
 * Appends the hunks of a unified diff from a to b ("@@ -1,3 +1,4 @@" and
 * their lines, with "\ No newline at end of file" where it applies) to out,
 * with `context` lines of context, lines escaped for display.  out may be
 * NULL to only count.  Lines are split after each '\n'.
 */
void bh_textdiff_unified(const char *a, size_t alen, const char *b, size_t blen,
			 unsigned context, struct bh_strbuf *out,
			 struct bh_textdiff_stat *st);

/*
 * Appends s (n bytes) safe for a terminal.  Escaped as \xNN: C0 controls
 * other than tab, DEL, bytes that are not UTF-8, and a carriage return that
 * is not the last byte (one that is cannot hide anything); as \uNNNN: C1
 * controls and the bidirectional controls (U+061C, U+200E/F, U+202A-E,
 * U+2066-9).  With `quoted`, also tab, '"' and '\\' (as \t, \", \\) and
 * newline and carriage return as \n and \r: the form of a quoted name.
 */
void bh_textdiff_escape(struct bh_strbuf *out, const char *s, size_t n,
			bool quoted);

/* True when bh_textdiff_escape(.., quoted=true) would change s. */
bool bh_textdiff_needs_quoting(const char *s, size_t n);
