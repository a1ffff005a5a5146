/* SPDX-License-Identifier: MIT */
/*
 * The keyword prefilter of the secret engine (internal to src/secrets and
 * its tests): one pass over a buffer tells which rules have one of their
 * keywords in it (rules.h), so that the others are neither compiled nor
 * run.  Keywords are lower-case; they are found whatever the ASCII case of
 * the buffer.  bh_secret_keywords_present() (rules.c) is the plain
 * reference this must agree with.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct bh_keywords;

/* An index of n_sets keyword lists, each empty (never present).  Caller
 * frees with bh_keywords_free(). */
struct bh_keywords *bh_keywords_new(size_t n_sets);
void bh_keywords_free(struct bh_keywords *kw); /* accepts NULL */

/* Set `set` is present in a buffer holding one of words (a NULL-terminated
 * list of non-empty lower-case strings); words == NULL: always present.
 * The strings must outlive kw (the rule tables are static). */
void bh_keywords_add(struct bh_keywords *kw, size_t set,
		     const char *const *words);

/* on[i] (n_sets entries) = set i is present in buf[0..len).  Reads kw only,
 * so threads may share it. */
void bh_keywords_find(const struct bh_keywords *kw, const char *buf, size_t len,
		      bool *on);
