/* SPDX-License-Identifier: MIT */
/*
 * The rule tables of the secret engine (internal to src/secrets and its
 * tests).  Adding a rule is adding one table entry in rules.c: an id, words
 * for humans, a PCRE2 pattern, its keywords and, where the pattern alone
 * would catch look-alikes, a validator.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "secrets/secrets.h"

/* The rule recognises a secret by a secret-like name next to it (password=,
 * Authorization:, ...) rather than by the secret's own format.  Such a match
 * gives way to a format rule that covers the same bytes, so a GitHub token
 * in `token=ghp_...` is reported as a GitHub token. */
#define BH_SRULE_CONTEXT 0x1u

/*
 * Keywords, as in gitleaks: a NULL-terminated list of lower-case literals, at
 * least one of which occurs (ignoring ASCII case) in every string the
 * pattern matches.  The engine runs, and so compiles, a rule only on buffers
 * holding one of them.  They must be necessary conditions, read off the
 * pattern: a keyword the pattern does not require silently loses
 * detections (the unit test checks every positive case against them).  NULL
 * when the pattern requires no literal: the rule always runs.
 */
struct bh_secret_rule {
	const char *id;		 /* stable: audit logs and profiles name it */
	const char *description; /* "GitHub personal access token" */
	/* PCRE2, byte mode.  The secret is the named group "s" when the
	 * pattern has one (the rest is context), else the whole match. */
	const char *pattern;
	const char *const *keywords;
	/* Called on the secret's bytes; false rejects the match (placeholder,
	 * bad checksum, wrong structure).  NULL: the pattern suffices.  Must
	 * not keep or print the bytes. */
	bool (*validate)(const char *s, size_t n);
	unsigned flags; /* BH_SRULE_* */
	int severity;	/* enum bh_secret_severity */
};

struct bh_name_rule {
	const char *id;
	const char *description;
	const char
	    *pattern; /* PCRE2, case-insensitive, against the whole name */
	const char *const *keywords; /* as for value rules */
};

const struct bh_secret_rule *bh_secret_value_rules(size_t *n);
const struct bh_name_rule *bh_secret_name_rules(size_t *n);

/* Does one of words occur in buf[0..len), ignoring ASCII case?  True for
 * words == NULL.  The plain reference for the engine's one-pass prefilter
 * (keywords.c), used by the tests. */
bool bh_secret_keywords_present(const char *const *words, const char *buf,
				size_t len);

/* For the tests and the fuzz target: how many rules (value and name) an
 * engine has compiled so far, and how many of those with JIT; and an
 * engine that runs every rule on every buffer, as if none had keywords
 * (what the keyword prefilter must never change the results of). */
struct bh_secrets;
void bh_secrets_compiled(const struct bh_secrets *s, size_t *compiled,
			 size_t *jitted);
void bh_secrets_ignore_keywords(struct bh_secrets *s);

/* For the same: how many matches a scan reports, and a hash of their rules
 * and offsets, to compare two engines over one buffer. */
struct bh_secrets_digest {
	size_t n;
	uint64_t hash;
};
struct bh_secrets_digest bh_secrets_scan_digest(const struct bh_secrets *s,
						const char *buf, size_t len);

/* Shannon entropy of the bytes, in bits per byte (0 for n == 0). */
double bh_shannon_entropy(const char *s, size_t n);
