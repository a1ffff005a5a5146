/* SPDX-License-Identifier: MIT */
/*
 * The rule tables of the secret engine (internal to src/secrets and its
 * tests).  Adding a rule is adding one table entry in rules.c: an id, words
 * for humans, a PCRE2 pattern and, where the pattern alone would catch
 * look-alikes, a validator.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* The rule recognises a secret by a secret-like name next to it (password=,
 * Authorization:, ...) rather than by the secret's own format.  Such a match
 * gives way to a format rule that covers the same bytes, so a GitHub token
 * in `token=ghp_...` is reported as a GitHub token. */
#define BH_SRULE_CONTEXT 0x1u

struct bh_secret_rule {
	const char *id;		 /* stable: audit logs and profiles name it */
	const char *description; /* "GitHub personal access token" */
	/* PCRE2, byte mode.  The secret is the named group "s" when the
	 * pattern has one (the rest is context), else the whole match. */
	const char *pattern;
	/* Called on the secret's bytes; false rejects the match (placeholder,
	 * bad checksum, wrong structure).  NULL: the pattern suffices.  Must
	 * not keep or print the bytes. */
	bool (*validate)(const char *s, size_t n);
	unsigned flags; /* BH_SRULE_* */
};

struct bh_name_rule {
	const char *id;
	const char *description;
	const char
	    *pattern; /* PCRE2, case-insensitive, against the whole name */
};

const struct bh_secret_rule *bh_secret_value_rules(size_t *n);
const struct bh_name_rule *bh_secret_name_rules(size_t *n);

/* Shannon entropy of the bytes, in bits per byte (0 for n == 0). */
double bh_shannon_entropy(const char *s, size_t n);
