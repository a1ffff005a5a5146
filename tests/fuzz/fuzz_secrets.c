/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the secret engine: scanning, redaction and name rules over
 * arbitrary bytes (audit-log argv, environment values and inventory files
 * are all attacker-influenced).  Besides "no crash, no leak, no hang", it
 * checks what callers rely on: matches lie inside the buffer, are
 * non-empty, come in order and never overlap; bh_secrets_match_value()
 * agrees with the first scan match; redaction changes nothing when there
 * is no match and grows the text by at most one bounded marker per match.
 * And what only saves work changes no result: the keyword index finds what
 * a plain search finds, and JIT, the interpreter and running every rule
 * regardless of keywords all report the same matches.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "confine/env.h"
#include "core/util.h"
#include "secrets/keywords.h"
#include "secrets/rules.h"
#include "secrets/secrets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const unsigned char key[32] = {0x42};

struct check {
	size_t len, last_end, n;
	struct bh_secret_match first;
};

static int check_match(void *ctx, const struct bh_secret_match *m)
{
	struct check *c = ctx;
	if (m->start >= m->end || m->end > c->len || m->start < c->last_end ||
	    !m->rule_id || !m->description)
		abort();
	if (c->n++ == 0)
		c->first = *m;
	c->last_end = m->end;
	return 0;
}

static int count_match(void *ctx, const struct bh_secret_match *m)
{
	(*(size_t *)ctx)++;
	return 0;
}

/* The same engine three more ways: JIT from the first byte, never JIT, and
 * every rule on every buffer. */
static struct bh_secrets *variant(size_t jit_after, bool all_rules)
{
	struct bh_secrets_opts opts = {jit_after, false};
	struct bh_secrets *s;
	if (bh_secrets_new_opts(&opts, &s, NULL) < 0)
		abort();
	if (all_rules)
		bh_secrets_ignore_keywords(s);
	return s;
}

static void check_keyword_index(const char *buf, size_t len)
{
	static struct bh_keywords *kw;
	static const struct bh_secret_rule *rules;
	static size_t n;
	bool on[256];
	if (!kw) {
		rules = bh_secret_value_rules(&n);
		if (n > BH_ARRAY_SIZE(on))
			abort();
		kw = bh_keywords_new(n);
		for (size_t i = 0; i < n; i++)
			bh_keywords_add(kw, i, rules[i].keywords);
	}
	bh_keywords_find(kw, buf, len, on);
	for (size_t i = 0; i < n; i++)
		if (on[i] !=
		    bh_secret_keywords_present(rules[i].keywords, buf, len))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct bh_secrets *s, *jit, *interp, *all;
	if (!s && bh_secrets_new(&s, NULL) < 0)
		abort();
	if (!jit) {
		jit = variant(0, false);
		interp = variant(BH_SECRETS_JIT_NEVER, false);
		all = variant(0, true);
	}

	struct check c = {size, 0, 0, {0}};
	bh_secrets_scan(s, (const char *)data, size, check_match, &c);

	struct bh_secret_match m;
	bool found = bh_secrets_match_value(s, (const char *)data, size, &m);
	if (found != (c.n > 0) ||
	    (found && (m.start != c.first.start || m.end != c.first.end)))
		abort();

	check_keyword_index((const char *)data, size);
	struct bh_secrets_digest want =
	    bh_secrets_scan_digest(s, (const char *)data, size);
	const struct bh_secrets *others[] = {jit, interp, all};
	for (size_t i = 0; i < 3; i++) {
		struct bh_secrets_digest got =
		    bh_secrets_scan_digest(others[i], (const char *)data, size);
		if (got.n != want.n || got.hash != want.hash)
			abort();
	}

	/* Redaction and name rules work on C strings: cut at the first NUL. */
	char *str = bh_xstrndup((const char *)data, size);
	size_t slen = strlen(str), n_matches = 0;
	char *red = bh_secrets_redact(s, key, str);
	if (!red)
		abort();
	bh_secrets_scan(s, str, slen, count_match, &n_matches);
	/* Each marker is "<redacted:" + id (< 40) + ":" + 12 hex + ">". */
	if (strlen(red) > slen + n_matches * 64)
		abort();
	if (n_matches == 0 && strcmp(red, str) != 0)
		abort();
	free(red);

	if (slen < 256) {
		const char *id = NULL;
		const char *name = bh_secrets_match_name(s, str);
		if (bh_secrets_match_name(interp, str) != name ||
		    bh_secrets_match_name(all, str) != name)
			abort();
		(void)bh_env_injection_reason(str, &id);
	}
	free(str);
	return 0;
}
