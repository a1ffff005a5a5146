/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the secret engine: scanning, redaction and name rules over
 * arbitrary bytes (audit-log argv, environment values and inventory files
 * are all attacker-influenced).  Besides "no crash, no leak, no hang", it
 * checks what callers rely on: matches lie inside the buffer, are
 * non-empty, come in order and never overlap; bh_secrets_match_value()
 * agrees with the first scan match; redaction changes nothing when there
 * is no match and grows the text by at most one bounded marker per match.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "confine/env.h"
#include "core/util.h"
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct bh_secrets *s;
	if (!s && bh_secrets_new(&s, NULL) < 0)
		abort();

	struct check c = {size, 0, 0, {0}};
	bh_secrets_scan(s, (const char *)data, size, check_match, &c);

	struct bh_secret_match m;
	bool found = bh_secrets_match_value(s, (const char *)data, size, &m);
	if (found != (c.n > 0) ||
	    (found && (m.start != c.first.start || m.end != c.first.end)))
		abort();

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
		(void)bh_secrets_match_name(s, str);
		(void)bh_env_injection_reason(str, &id);
	}
	free(str);
	return 0;
}
