/* SPDX-License-Identifier: MIT */
/*
 * The one secret-rule engine (DESIGN.md settled question 7): used by the
 * environment filter, the credential inventory and redaction in the audit
 * log.  Rules are compiled once (PCRE2 with JIT).  Matching is pure: no
 * system calls.  Nothing here ever prints a secret; callers get a rule id,
 * offsets, and a keyed fingerprint.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

struct bh_secrets; /* compiled rule set, opaque */

struct bh_secret_match {
	const char *rule_id;     /* stable, e.g. "github-pat", "aws-access-key-id" */
	const char *description; /* human words, e.g. "GitHub personal access token" */
	size_t start, end;       /* byte offsets of the secret in the scanned buffer */
};

/* Compiles every built-in rule.  Caller frees with bh_secrets_free(). */
int bh_secrets_new(struct bh_secrets **out, struct bh_error **err);
void bh_secrets_free(struct bh_secrets *s); /* accepts NULL */

/* Does this variable (or config key) name say "secret"?  Returns the rule id
 * ("name-token", "name-password", ...) or NULL. */
const char *bh_secrets_match_name(const struct bh_secrets *s, const char *name);

/* The first secret found in value[0..len), by format.  False when none. */
bool bh_secrets_match_value(const struct bh_secrets *s, const char *value,
			    size_t len, struct bh_secret_match *m);

/* Every non-overlapping match in buf, in order.  The callback returns 0 to go
 * on, non-zero to stop (that value is returned). */
int bh_secrets_scan(const struct bh_secrets *s, const char *buf, size_t len,
		    int (*cb)(void *ctx, const struct bh_secret_match *m),
		    void *ctx);

/* A short keyed fingerprint of secret bytes: the first 12 hex digits of
 * HMAC-SHA256(key, bytes).  Same key and bytes, same fingerprint. */
void bh_secrets_fingerprint(const unsigned char key[32], const char *bytes,
			    size_t len, char out[13]);

/* A copy of s with every secret replaced by "<redacted:RULE:FP>".  Caller
 * frees. */
char *bh_secrets_redact(const struct bh_secrets *s, const unsigned char key[32],
			const char *str);
