/* SPDX-License-Identifier: MIT */
/*
 * The secret engine: answers "is this name / value / buffer a secret?" with
 * the rule tables of rules.c, compiled with PCRE2 when first needed (JIT
 * once a rule has seen enough bytes to pay for it, the interpreter before
 * that or where the platform refuses JIT).
 *
 * What it defends against: a credential passing unnoticed into the sandbox's
 * environment, the inventory's blind spots, or the audit log.  What it
 * assumes: callers never print what they matched; they print the rule id and
 * bh_secrets_fingerprint().  Matching never copies the scanned bytes (PCRE2
 * reports offsets only); the one place that hashes them wipes its state.
 *
 * Skipping work must never skip a detection: a rule is left out of a buffer
 * only when none of its keywords is in it, and keywords are literals its
 * pattern cannot match without (rules.h; checked by the unit tests against
 * every positive case).  Compiling lazily or with JIT changes when work is
 * done, never the result.
 *
 * Pure: no system calls (PCRE2 allocates memory, and its JIT maps
 * executable memory when it compiles a rule).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "secrets/secrets.h"

#include <errno.h>
#include <pcre2.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sha256.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "secrets/keywords.h"
#include "secrets/rules.h"

/*
 * One rule's compiled forms.  Each slot goes from NULL to a code exactly
 * once, by compare-and-swap, and the code is not modified afterwards, so
 * matching threads need no lock.  pcre2_jit_compile() writes into the code
 * it is given, which is why JIT is done on a private copy (or on a fresh
 * compile) and published in a slot of its own.
 */
struct lazy_code {
	_Atomic(pcre2_code *) code; /* for the interpreter; NULL until needed */
	_Atomic(pcre2_code *) jit;  /* JIT-compiled; preferred once there */
	atomic_size_t fed;	    /* subject bytes run through the rule */
	atomic_bool no_jit;	    /* JIT failed once: do not try again */
};

struct bh_secrets {
	const struct bh_secret_rule *rules;
	size_t n_rules;
	const struct bh_name_rule *name_rules;
	size_t n_name_rules;
	/* Not const through a const engine: compiled on first use. */
	struct lazy_code *values, *names;
	struct bh_keywords *value_kw, *name_kw;
	bool all_rules; /* tests: run rules whatever their keywords */
	size_t jit_after;
	pcre2_match_context *mctx;
};

static pcre2_code *compile_pattern(const char *id, const char *pattern,
				   uint32_t options, struct bh_error **err)
{
	int code;
	PCRE2_SIZE off;
	pcre2_code *re =
	    pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, options,
			  &code, &off, NULL);
	if (!re) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(code, msg, sizeof(msg));
		bh_error_set(err, BH_EK_SYSTEM, EINVAL,
			     "secret rule %s: pattern error at offset %zu: %s",
			     id, (size_t)off, (const char *)msg);
	}
	return re;
}

/* The lazy path cannot return an error through the matching functions: see
 * secrets.h for why aborting is the honest answer. */
static pcre2_code *compile_or_die(const char *id, const char *pattern,
				  uint32_t options)
{
	struct bh_error *err = NULL;
	pcre2_code *re = compile_pattern(id, pattern, options, &err);
	if (!re) {
		fprintf(stderr, "bulkhead: %s\n", err ? err->msg : id);
		abort();
	}
	return re;
}

/* Stores mine in an empty slot, or frees it when another thread was first;
 * returns the code now in the slot. */
static pcre2_code *publish(_Atomic(pcre2_code *) *slot, pcre2_code *mine)
{
	pcre2_code *expected = NULL;
	if (atomic_compare_exchange_strong_explicit(slot, &expected, mine,
						    memory_order_acq_rel,
						    memory_order_acquire))
		return mine;
	pcre2_code_free(mine);
	return expected;
}

/* JIT compiles in place, so re must not be published yet.  False when JIT
 * is unavailable (no executable memory, unsupported CPU): the interpreter
 * runs the same code. */
static bool jit_compile(pcre2_code *re)
{
	return re && pcre2_jit_compile(re, PCRE2_JIT_COMPLETE) == 0;
}

/*
 * How much more a byte costs the interpreter for this rule than for a rule
 * PCRE2 can skip through: with a known first byte, or a start set of a few
 * bytes, both the interpreter and JIT jump from candidate to candidate
 * (memchr() and the like) and JIT saves little per byte; without one, every
 * position is a match attempt, where the interpreter is 10 to 100 times
 * slower than JIT (measured on these rules: up to 200 ns a byte).
 */
static size_t interpreter_weight(const pcre2_code *re)
{
	uint32_t first = 0;
	const uint8_t *bitmap = NULL;
	int starts = 0;

	(void)pcre2_pattern_info(re, PCRE2_INFO_FIRSTCODETYPE, &first);
	if (first == 1)
		return 1;
	(void)pcre2_pattern_info(re, PCRE2_INFO_FIRSTBITMAP, &bitmap);
	for (int i = 0; bitmap && i < 32 && starts <= 4; i++)
		starts += __builtin_popcount(bitmap[i]);
	return bitmap && starts <= 4 ? 1 : 32;
}

/* Counts len more bytes for the rule; true when JIT now pays: once the
 * interpreter has run about as long as JIT compiling takes. */
static bool wants_jit(const struct bh_secrets *s, struct lazy_code *lc,
		      const pcre2_code *re, size_t len)
{
	if (s->jit_after == BH_SECRETS_JIT_NEVER ||
	    atomic_load_explicit(&lc->no_jit, memory_order_relaxed))
		return false;
	size_t after = s->jit_after / interpreter_weight(re);
	if (len >= after)
		return true;
	size_t before =
	    atomic_fetch_add_explicit(&lc->fed, len, memory_order_relaxed);
	return before >= after - len;
}

/* The code to run a rule with on a buffer of len bytes: compiled now if
 * this is its first use, JIT-compiled now if it has crossed its threshold
 * (and straight away, skipping the interpreter's compile, for a first
 * buffer above jit_after). */
static pcre2_code *rule_code(const struct bh_secrets *s, struct lazy_code *lc,
			     const char *id, const char *pattern,
			     uint32_t options, size_t len)
{
	pcre2_code *re = atomic_load_explicit(&lc->jit, memory_order_acquire);
	if (re)
		return re;
	re = atomic_load_explicit(&lc->code, memory_order_acquire);
	if (!re && len < s->jit_after)
		re = publish(&lc->code, compile_or_die(id, pattern, options));
	if (re && !wants_jit(s, lc, re, len))
		return re;

	pcre2_code *mine =
	    re ? pcre2_code_copy(re) : compile_or_die(id, pattern, options);
	if (jit_compile(mine))
		return publish(&lc->jit, mine);
	atomic_store_explicit(&lc->no_jit, true, memory_order_relaxed);
	if (re) {
		pcre2_code_free(mine);
		return re;
	}
	return publish(&lc->code, mine);
}

/* compile_now: every rule compiled (and JIT-compiled when jit_after is 0)
 * before the engine is handed out, errors reported. */
static int compile_eagerly(struct bh_secrets *s, struct lazy_code *lc,
			   const char *id, const char *pattern,
			   uint32_t options, struct bh_error **err)
{
	pcre2_code *re = compile_pattern(id, pattern, options, err);
	if (!re)
		return -EINVAL;
	if (s->jit_after == 0 && jit_compile(re))
		atomic_store(&lc->jit, re);
	else
		atomic_store(&lc->code, re);
	return 0;
}

static struct lazy_code *lazy_new(size_t n)
{
	struct lazy_code *lc = bh_xcalloc(n ? n : 1, sizeof(*lc));
	for (size_t i = 0; i < n; i++) {
		atomic_init(&lc[i].code, NULL);
		atomic_init(&lc[i].jit, NULL);
		atomic_init(&lc[i].fed, 0);
		atomic_init(&lc[i].no_jit, false);
	}
	return lc;
}

static void lazy_free(struct lazy_code *lc, size_t n)
{
	for (size_t i = 0; lc && i < n; i++) {
		pcre2_code_free(atomic_load(&lc[i].code));
		pcre2_code_free(atomic_load(&lc[i].jit));
	}
	free(lc);
}

void bh_secrets_free(struct bh_secrets *s)
{
	if (!s)
		return;
	lazy_free(s->values, s->n_rules);
	lazy_free(s->names, s->n_name_rules);
	bh_keywords_free(s->value_kw);
	bh_keywords_free(s->name_kw);
	pcre2_match_context_free(s->mctx);
	free(s);
}

int bh_secrets_new_opts(const struct bh_secrets_opts *opts,
			struct bh_secrets **out, struct bh_error **err)
{
	struct bh_secrets *s = bh_xcalloc(1, sizeof(*s));
	int r = 0;

	s->jit_after = opts ? opts->jit_after : BH_SECRETS_JIT_AFTER;
	s->rules = bh_secret_value_rules(&s->n_rules);
	s->name_rules = bh_secret_name_rules(&s->n_name_rules);
	s->values = lazy_new(s->n_rules);
	s->names = lazy_new(s->n_name_rules);
	s->value_kw = bh_keywords_new(s->n_rules);
	s->name_kw = bh_keywords_new(s->n_name_rules);
	for (size_t i = 0; i < s->n_rules; i++)
		bh_keywords_add(s->value_kw, i, s->rules[i].keywords);
	for (size_t i = 0; i < s->n_name_rules; i++)
		bh_keywords_add(s->name_kw, i, s->name_rules[i].keywords);
	for (size_t i = 0;
	     opts && opts->compile_now && r == 0 && i < s->n_rules; i++)
		r = compile_eagerly(s, &s->values[i], s->rules[i].id,
				    s->rules[i].pattern, 0, err);
	for (size_t i = 0;
	     opts && opts->compile_now && r == 0 && i < s->n_name_rules; i++)
		r = compile_eagerly(s, &s->names[i], s->name_rules[i].id,
				    s->name_rules[i].pattern, PCRE2_CASELESS,
				    err);
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

int bh_secrets_new(struct bh_secrets **out, struct bh_error **err)
{
	return bh_secrets_new_opts(NULL, out, err);
}

void bh_secrets_ignore_keywords(struct bh_secrets *s)
{
	s->all_rules = true;
}

/* on[i]: rule i may match buf[0..len). */
static void rules_to_run(const struct bh_secrets *s,
			 const struct bh_keywords *kw, size_t n,
			 const char *buf, size_t len, bool *on)
{
	if (!s->all_rules) {
		bh_keywords_find(kw, buf, len, on);
		return;
	}
	for (size_t i = 0; i < n; i++)
		on[i] = true;
}

void bh_secrets_compiled(const struct bh_secrets *s, size_t *compiled,
			 size_t *jitted)
{
	*compiled = *jitted = 0;
	for (size_t i = 0; i < s->n_rules + s->n_name_rules; i++) {
		struct lazy_code *lc =
		    i < s->n_rules ? &s->values[i] : &s->names[i - s->n_rules];
		bool jit = atomic_load(&lc->jit) != NULL;
		*jitted += jit;
		*compiled += jit || atomic_load(&lc->code) != NULL;
	}
}

static int digest_one(void *ctx, const struct bh_secret_match *m)
{
	struct bh_secrets_digest *d = ctx;
	uint64_t v[3] = {(uint64_t)(uintptr_t)m->rule_id, m->start, m->end};
	d->n++;
	for (int i = 0; i < 3; i++) /* FNV-1a, a word at a time */
		d->hash = (d->hash ^ v[i]) * UINT64_C(0x100000001b3);
	return 0;
}

struct bh_secrets_digest bh_secrets_scan_digest(const struct bh_secrets *s,
						const char *buf, size_t len)
{
	struct bh_secrets_digest d = {0, UINT64_C(0xcbf29ce484222325)};
	bh_secrets_scan(s, buf, len, digest_one, &d);
	return d;
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
	cleanup_free bool *on = NULL;
	const char *id = NULL;
	size_t len;

	if (!s || !name || !*name)
		return NULL;
	len = strlen(name);
	on = bh_xcalloc(s->n_name_rules, sizeof(*on));
	rules_to_run(s, s->name_kw, s->n_name_rules, name, len, on);
	for (size_t i = 0; !id && i < s->n_name_rules; i++) {
		const struct bh_name_rule *rule = &s->name_rules[i];
		if (!on[i])
			continue;
		pcre2_code *code =
		    rule_code(s, &s->names[i], rule->id, rule->pattern,
			      PCRE2_CASELESS, len);
		pcre2_match_data *md =
		    pcre2_match_data_create_from_pattern(code, NULL);
		if (!md)
			return NULL;
		if (match_at(s, code, name, len, 0, md) > 0)
			id = rule->id;
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
	pcre2_code *code =
	    rule_code(s, &s->values[i], rule->id, rule->pattern, 0, len);
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(code, NULL);
	int g = pcre2_substring_number_from_name(code, (PCRE2_SPTR) "s");
	size_t from = 0;

	if (!md)
		return;
	while (from <= len) {
		if (match_at(s, code, buf, len, from, md) <= 0)
			break; /* no match, or a limit on hostile input */
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		size_t ms = ov[0], me = ov[1];
		size_t ss = ms, se = me;
		if (g > 0 && ov[2 * g] != PCRE2_UNSET) {
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
	cleanup_free bool *on = NULL;
	size_t n = 0, cap = 0, kept = 0;
	int r = 0;

	if (!s || !buf || !len)
		return 0;
	on = bh_xcalloc(s->n_rules, sizeof(*on));
	rules_to_run(s, s->value_kw, s->n_rules, buf, len, on);
	for (size_t i = 0; i < s->n_rules; i++)
		if (on[i])
			collect_rule(s, i, buf, len, &c, &n, &cap);
	if (!n)
		return 0;

	kept = choose_matches(s, c, n);
	for (size_t i = 0; r == 0 && i < kept; i++) {
		const struct bh_secret_rule *rule = &s->rules[c[i].rule];
		struct bh_secret_match m = {rule->id, rule->description,
					    c[i].start, c[i].end,
					    rule->severity};
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
