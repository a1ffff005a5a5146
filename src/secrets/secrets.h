/* SPDX-License-Identifier: MIT */
/*
 * The one secret-rule engine (DESIGN.md settled question 7): used by the
 * environment filter, the credential inventory and redaction in the audit
 * log.  Nothing here ever prints a secret; callers get a rule id, offsets,
 * and a keyed fingerprint.
 *
 * Cost: a rule runs only on a buffer holding one of its keywords (a
 * literal its pattern requires), and is compiled with PCRE2 the first time
 * it runs, so checking a few environment values compiles two or three
 * rules, not all 143.  A rule is JIT-compiled once it has been run
 * over jit_after bytes in total (64 KiB by default; a 32nd of that for the
 * few rules PCRE2 must try at every byte, where its interpreter is slowest),
 * about where JIT pays for its compile time.  Results are the same with
 * and without JIT.
 *
 * Threads: every function below may be called from several threads at
 * once on one engine, except bh_secrets_free().  Lazy compilation is
 * lock-free: a compiled rule is published with an atomic compare-and-swap,
 * and two threads that race to compile the same rule both compile it, one
 * copy is kept and the other freed.  Published code is never modified (the
 * JIT works on a private copy).
 *
 * Matching makes no system calls, except that PCRE2's JIT maps executable
 * memory when it compiles a rule (not below jit_after bytes, so never for
 * a handful of short values).  A rule that fails to compile on first use
 * aborts the program, as running out of memory does (bh_xmalloc()): the
 * patterns are constants that the unit tests compile, so only memory
 * exhaustion or a PCRE2 unlike any tested gets there; use compile_now to
 * have such an error reported by bh_secrets_new_opts() instead.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

struct bh_secrets; /* compiled rule set, opaque */

/* How much a leaked secret of a rule lets its holder do.  The numbers are
 * those of enum bh_inv_severity (inventory/catalog.h), so the inventory
 * takes a match's severity as it is. */
enum bh_secret_severity {
	BH_SECRET_LOW = 1,	/* a hash to crack, a scoped read-only key */
	BH_SECRET_MEDIUM = 2,	/* webhooks, test-mode keys, short-lived or
				 * name-context matches */
	BH_SECRET_HIGH = 3,	/* VCS, registry, model-API, SaaS tokens */
	BH_SECRET_CRITICAL = 4, /* private keys, cloud root keys, live payment
				 * keys, secret-manager tokens */
};

struct bh_secret_match {
	const char *rule_id;     /* stable, e.g. "github-pat", "aws-access-key-id" */
	const char *description; /* human words, e.g. "GitHub personal access token" */
	size_t start, end;       /* byte offsets of the secret in the scanned buffer */
	int severity;		 /* enum bh_secret_severity, of the rule */
};

struct bh_secrets_opts {
	/* JIT-compile a rule once it has been run over this many subject
	 * bytes in total, in one buffer or many (a 32nd of it for a rule
	 * without a start byte to skip to).  0: JIT from the first use (a
	 * scanner of large files); BH_SECRETS_JIT_NEVER: never. */
	size_t jit_after;
	/* Compile every rule now instead of on first use (JIT too when
	 * jit_after is 0), so that a pattern PCRE2 refuses is reported here.
	 * Costs about 3M instructions without JIT, 11M with. */
	bool compile_now;
};

#define BH_SECRETS_JIT_AFTER ((size_t)64 * 1024) /* the default */
#define BH_SECRETS_JIT_NEVER SIZE_MAX

/* The built-in rules, nothing compiled yet (default options).  Caller
 * frees with bh_secrets_free(). */
int bh_secrets_new(struct bh_secrets **out, struct bh_error **err);
/* The same with options; opts NULL: the defaults. */
int bh_secrets_new_opts(const struct bh_secrets_opts *opts,
			struct bh_secrets **out, struct bh_error **err);
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
