/* SPDX-License-Identifier: MIT */
/*
 * The secret engine: compiles the rule tables of rules.c once with PCRE2
 * (JIT where the platform allows, the interpreter otherwise) and answers
 * "is this name / value / buffer a secret?".
 *
 * What it defends against: a credential passing unnoticed into the sandbox's
 * environment, the inventory's blind spots, or the audit log.  What it
 * assumes: callers never print what they matched; they print the rule id and
 * bh_secrets_fingerprint().  Matching never copies the scanned bytes (PCRE2
 * reports offsets only); the one place that hashes them wipes its state.
 *
 * Pure: no system calls (PCRE2 allocates memory, and its JIT maps
 * executable memory once, at bh_secrets_new()).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "secrets/secrets.h"

#include <errno.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "core/sha256.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "secrets/rules.h"

struct compiled {
	pcre2_code *code;
	int group_s; /* number of the "s" group, or 0 for the whole match */
};

struct bh_secrets {
	const struct bh_secret_rule *rules;
	size_t n_rules;
	struct compiled *values;
	const struct bh_name_rule *name_rules;
	size_t n_name_rules;
	struct compiled *names;
	pcre2_match_context *mctx;
};

static int compile_one(const char *id, const char *pattern, uint32_t options,
		       struct compiled *out, struct bh_error **err)
{
	int code;
	PCRE2_SIZE off;
	out->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
				  options, &code, &off, NULL);
	if (!out->code) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(code, msg, sizeof(msg));
		return bh_error_set(err, BH_EK_SYSTEM, EINVAL,
				    "secret rule %s: pattern error at offset "
				    "%zu: %s",
				    id, (size_t)off, (const char *)msg);
	}
	/* JIT is an optimisation: where it is unavailable (no executable
	 * memory, unsupported CPU) pcre2_match() interprets the same code. */
	(void)pcre2_jit_compile(out->code, PCRE2_JIT_COMPLETE);
	int n = pcre2_substring_number_from_name(out->code, (PCRE2_SPTR) "s");
	out->group_s = n > 0 ? n : 0;
	return 0;
}

static void free_compiled(struct compiled *c, size_t n)
{
	for (size_t i = 0; c && i < n; i++)
		pcre2_code_free(c[i].code);
	free(c);
}

void bh_secrets_free(struct bh_secrets *s)
{
	if (!s)
		return;
	free_compiled(s->values, s->n_rules);
	free_compiled(s->names, s->n_name_rules);
	pcre2_match_context_free(s->mctx);
	free(s);
}

int bh_secrets_new(struct bh_secrets **out, struct bh_error **err)
{
	struct bh_secrets *s = bh_xcalloc(1, sizeof(*s));
	int r = 0;

	s->rules = bh_secret_value_rules(&s->n_rules);
	s->name_rules = bh_secret_name_rules(&s->n_name_rules);
	s->values = bh_xcalloc(s->n_rules, sizeof(*s->values));
	s->names = bh_xcalloc(s->n_name_rules, sizeof(*s->names));
	for (size_t i = 0; r == 0 && i < s->n_rules; i++)
		r = compile_one(s->rules[i].id, s->rules[i].pattern, 0,
				&s->values[i], err);
	for (size_t i = 0; r == 0 && i < s->n_name_rules; i++)
		r = compile_one(s->name_rules[i].id, s->name_rules[i].pattern,
				PCRE2_CASELESS, &s->names[i], err);
	if (r < 0) {
		bh_secrets_free(s);
		return r;
	}
	/* Every pattern is bounded, so these limits are never reached on
	 * honest input; they cap the cost of a hostile one. */
	s->mctx = pcre2_match_context_create(NULL);
	if (!s->mctx) {
		bh_secrets_free(s);
		return bh_error_set(err, BH_EK_SYSTEM, ENOMEM,
				    "secret rules: out of memory");
	}
	pcre2_set_match_limit(s->mctx, 5000000);
	pcre2_set_depth_limit(s->mctx, 100000);
	*out = s;
	return 0;
}

/* One match attempt from `from`; -1 when there is none.  Falls back to the
 * interpreter when the JIT stack is too small for this subject. */
static int match_at(const struct bh_secrets *s, pcre2_code *code,
		    const char *buf, size_t len, size_t from,
		    pcre2_match_data *md)
{
	int rc = pcre2_match(code, (PCRE2_SPTR)buf, len, from, 0, md, s->mctx);
	if (rc == PCRE2_ERROR_JIT_STACKLIMIT)
		rc = pcre2_match(code, (PCRE2_SPTR)buf, len, from, PCRE2_NO_JIT,
				 md, s->mctx);
	return rc;
}

const char *bh_secrets_match_name(const struct bh_secrets *s, const char *name)
{
	const char *id = NULL;
	if (!s || !name || !*name)
		return NULL;
	for (size_t i = 0; !id && i < s->n_name_rules; i++) {
		pcre2_match_data *md = pcre2_match_data_create_from_pattern(
		    s->names[i].code, NULL);
		if (!md)
			return NULL;
		if (match_at(s, s->names[i].code, name, strlen(name), 0, md) >
		    0)
			id = s->name_rules[i].id;
		pcre2_match_data_free(md);
	}
	return id;
}

struct candidate {
	size_t start, end; /* the secret's bytes */
	size_t rule;
};

static int by_position(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end) /* longer first */
		return x->end > y->end ? -1 : 1;
	return x->rule < y->rule ? -1 : x->rule > y->rule;
}

/* Does [start, end) overlap one of the n sorted, disjoint intervals? */
static bool overlaps_any(const struct candidate *v, size_t n, size_t start,
			 size_t end)
{
	size_t lo = 0, hi = n;
	while (lo < hi) { /* first interval ending after start */
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid].end <= start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo].start < end;
}

/*
 * Keeps a set of non-overlapping matches out of c[0..n), in place, and
 * returns how many.  Format matches are chosen first (earliest, then
 * longest, then the earlier rule), then context matches where no format
 * match covers their bytes.  O(n log n) even on hostile input.
 */
static size_t choose_matches(const struct bh_secrets *s, struct candidate *c,
			     size_t n)
{
	size_t nf = 0, kept = 0, last_end = 0;

	/* Partition: format matches to the front. */
	for (size_t i = 0; i < n; i++) {
		if (!(s->rules[c[i].rule].flags & BH_SRULE_CONTEXT)) {
			struct candidate t = c[nf];
			c[nf++] = c[i];
			c[i] = t;
		}
	}
	qsort(c, nf, sizeof(*c), by_position);
	qsort(c + nf, n - nf, sizeof(*c), by_position);
	for (size_t i = 0; i < nf; i++) {
		if (kept && c[i].start < last_end)
			continue;
		c[kept++] = c[i];
		last_end = c[i].end;
	}
	size_t nformat = kept;
	last_end = 0;
	bool any = false;
	for (size_t i = nf; i < n; i++) {
		if ((any && c[i].start < last_end) ||
		    overlaps_any(c, nformat, c[i].start, c[i].end))
			continue;
		c[kept++] = c[i];
		last_end = c[i].end;
		any = true;
	}
	qsort(c, kept, sizeof(*c), by_position);
	return kept;
}

/* Every validated match of rule i, appended to *c. */
static void collect_rule(const struct bh_secrets *s, size_t i, const char *buf,
			 size_t len, struct candidate **c, size_t *n,
			 size_t *cap)
{
	const struct bh_secret_rule *rule = &s->rules[i];
	pcre2_code *code = s->values[i].code;
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(code, NULL);
	size_t from = 0;

	if (!md)
		return;
	while (from <= len) {
		if (match_at(s, code, buf, len, from, md) <= 0)
			break; /* no match, or a limit on hostile input */
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		size_t ms = ov[0], me = ov[1];
		size_t ss = ms, se = me;
		int g = s->values[i].group_s;
		if (g && ov[2 * g] != PCRE2_UNSET) {
			ss = ov[2 * g];
			se = ov[2 * g + 1];
		}
		if (se > ss &&
		    (!rule->validate || rule->validate(buf + ss, se - ss))) {
			bh_xgrow((void **)c, cap, *n + 1, sizeof(**c));
			(*c)[(*n)++] = (struct candidate){ss, se, i};
			from = me > ms ? me : ms + 1;
		} else {
			/* Rejected: the next try starts one byte later, so a
			 * real secret right after a look-alike is still
			 * found. */
			from = ms + 1;
		}
	}
	pcre2_match_data_free(md);
}

int bh_secrets_scan(const struct bh_secrets *s, const char *buf, size_t len,
		    int (*cb)(void *ctx, const struct bh_secret_match *m),
		    void *ctx)
{
	cleanup_free struct candidate *c = NULL;
	size_t n = 0, cap = 0, kept = 0;
	int r = 0;

	if (!s || !buf || !len)
		return 0;
	for (size_t i = 0; i < s->n_rules; i++)
		collect_rule(s, i, buf, len, &c, &n, &cap);
	if (!n)
		return 0;

	kept = choose_matches(s, c, n);
	for (size_t i = 0; r == 0 && i < kept; i++) {
		const struct bh_secret_rule *rule = &s->rules[c[i].rule];
		struct bh_secret_match m = {rule->id, rule->description,
					    c[i].start, c[i].end};
		r = cb(ctx, &m);
	}
	return r;
}

static int first_match(void *ctx, const struct bh_secret_match *m)
{
	*(struct bh_secret_match *)ctx = *m;
	return 1;
}

bool bh_secrets_match_value(const struct bh_secrets *s, const char *value,
			    size_t len, struct bh_secret_match *m)
{
	struct bh_secret_match tmp;
	bool found = bh_secrets_scan(s, value, len, first_match, &tmp) != 0;
	if (found && m)
		*m = tmp;
	return found;
}

void bh_secrets_fingerprint(const unsigned char key[32], const char *bytes,
			    size_t len, char out[13])
{
	unsigned char mac[32];
	char hex[65];
	bh_hmac_sha256(key, 32, bytes, len, mac);
	bh_hex(mac, 32, hex);
	memcpy(out, hex, 12);
	out[12] = '\0';
	explicit_bzero(mac, sizeof(mac));
	explicit_bzero(hex, sizeof(hex));
}

struct redact_ctx {
	const char *str;
	const unsigned char *key;
	struct bh_strbuf out;
	size_t done; /* bytes of str already copied or replaced */
};

static int redact_one(void *ctx, const struct bh_secret_match *m)
{
	struct redact_ctx *rc = ctx;
	char fp[13];
	bh_strbuf_append(&rc->out, rc->str + rc->done, m->start - rc->done);
	bh_secrets_fingerprint(rc->key, rc->str + m->start, m->end - m->start,
			       fp);
	bh_strbuf_printf(&rc->out, "<redacted:%s:%s>", m->rule_id, fp);
	rc->done = m->end;
	return 0;
}

char *bh_secrets_redact(const struct bh_secrets *s, const unsigned char key[32],
			const char *str)
{
	struct redact_ctx rc = {str, key, BH_STRBUF_INIT, 0};
	size_t len;
	if (!str)
		return NULL;
	len = strlen(str);
	bh_strbuf_puts(&rc.out, "");
	(void)bh_secrets_scan(s, str, len, redact_one, &rc);
	bh_strbuf_append(&rc.out, str + rc.done, len - rc.done);
	return bh_strbuf_steal(&rc.out);
}
