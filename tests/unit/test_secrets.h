/* SPDX-License-Identifier: MIT */
/*
 * The value-rule cases of the secret engine's tests: test_secrets.c holds
 * the first rules' tables, test_secrets_formats.c those of the rules added
 * for the credential inventory; test_secrets.c checks them all alike.
 */
#pragma once

#include <stddef.h>

struct value_case {
	const char *rule;
	const char *input;
	/* positives: the secret's bytes; NULL = the whole input, "*" = any
	 * span.  negatives: the only other rule allowed to match, or NULL
	 * for "nothing at all may match". */
	const char *extra;
};

extern const struct value_case bh_test_format_positives[];
extern const size_t bh_test_n_format_positives;
extern const struct value_case bh_test_format_negatives[];
extern const size_t bh_test_n_format_negatives;
