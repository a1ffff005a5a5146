/* SPDX-License-Identifier: MIT */
/* Helpers shared by the policy tests (tests/unit/test_policy*.c). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "policy/policy.h"

/* workspace=/ws home=/home/u tmpdir=/tmp/bh-test */
extern const struct bh_policy_vars tp_vars;

/* A fake filesystem for the reader: name -> text.  A text of NULL makes
 * the reader fail with EACCES.  Names not listed fail with ENOENT.  The
 * display name is the name itself.  Valid until the next call. */
struct tp_file {
	const char *name;
	const char *text;
};
void tp_set_files(const struct tp_file *files, size_t n);
extern const struct bh_profile_reader tp_reader;
/* How many times the reader was called since tp_set_files(). */
extern unsigned tp_reads;

/* Parses text as "t.profile" with tp_vars and tp_reader.  Returns the
 * policy, or NULL with *err set (err may be NULL). */
struct bh_policy *tp_parse(const char *text, struct bh_error **err);
/* Parses text that must fail; returns "MESSAGE\nhint: HINT" (caller
 * frees), or NULL when it parsed. */
char *tp_error(const char *text);
/* Equal rules and settings (locations, name and sources ignored). */
bool tp_policy_equal(const struct bh_policy *a, const struct bh_policy *b);

/* The error (message and hint) of text, compared to expected. */
#define CHECK_PERR(text, expected)                                             \
	do {                                                                   \
		char *e_ = tp_error(text);                                     \
		CHECK_STR(e_, expected);                                       \
		free(e_);                                                      \
	} while (0)

/* The error message of text starts with expected (hint not compared). */
#define CHECK_PERR_MSG(text, expected)                                         \
	do {                                                                   \
		char *e_ = tp_error(text);                                     \
		if (!e_ || strncmp(e_, expected, strlen(expected)) != 0 ||     \
		    e_[strlen(expected)] != '\n') {                            \
			fprintf(stderr,                                        \
				"  %s:%d: error of %s\n    got:      %s\n"     \
				"    expected: %s\n",                          \
				__FILE__, __LINE__, #text,                     \
				e_ ? e_ : "(parsed)", expected);               \
			*bh_failed = true;                                     \
		}                                                              \
		free(e_);                                                      \
	} while (0)
