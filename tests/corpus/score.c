/* SPDX-License-Identifier: MIT */
/*
 * Scores secret detection against the labelled corpus of
 * tests/corpus/secrets (made by gen-secrets.py; the format of its
 * manifest.tsv is described there).
 *
 *   corpus-score DIR            bulkhead's engine: recall (a positive
 *                               counts only when its own rule reports it,
 *                               on its first line), false-positive rate
 *                               (decoy lines with any report), misses by
 *                               rule; fails below 99 % recall, above 1 %
 *                               false positives, or when a value rule has
 *                               no positive in the corpus.
 *   corpus-score --scan DIR     print the engine's reports, "path:line:rule"
 *                               (what bench/secrets.sh times and scores).
 *   corpus-score --findings DIR FILE
 *                               score another tool's reports: FILE has one
 *                               "path:line" a line, path relative to DIR; a
 *                               positive counts when any report falls on
 *                               one of its lines.  Prints one line:
 *                               "recall F/P fp D/N".
 *
 * The corpus holds fake credentials only.  What this prints is rule ids,
 * paths and line numbers, never the bytes matched.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/util.h"
#include "secrets/rules.h"
#include "secrets/secrets.h"

#define MIN_RECALL 0.99
#define MAX_FP_RATE 0.01

/* One labelled line. */
struct label {
	char *path;
	unsigned line;
	char *expect; /* rule id, "-" or "+" */
	size_t owner; /* index of the positive a "+" line belongs to */
	bool found;   /* positive: reported (by its rule, for bulkhead) */
	bool flagged; /* decoy: reported */
	/* positive: the rule that reported it instead; decoy: the rule that
	 * reported it (bulkhead only) */
	const char *other;
};

struct corpus {
	struct label *v;
	size_t n, cap;
};

static bool is_positive(const struct label *l)
{
	return strcmp(l->expect, "-") != 0 && strcmp(l->expect, "+") != 0;
}

static void corpus_free(struct corpus *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].path);
		free(c->v[i].expect);
	}
	free(c->v);
}

static int load_manifest(const char *dir, struct corpus *c)
{
	cleanup_free char *name = NULL;
	char buf[4096];
	size_t positive = SIZE_MAX;

	if (asprintf(&name, "%s/manifest.tsv", dir) < 0)
		return -ENOMEM;
	FILE *f = fopen(name, "re");
	if (!f)
		return -errno;
	while (fgets(buf, sizeof(buf), f)) {
		char *tab1 = strchr(buf, '\t');
		char *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
		if (buf[0] == '#' || !tab2)
			continue;
		*tab1 = *tab2 = '\0';
		tab2[strcspn(tab2 + 1, "\r\n") + 1] = '\0';
		bh_xgrow((void **)&c->v, &c->cap, c->n + 1, sizeof(*c->v));
		struct label *l = &c->v[c->n];
		*l = (struct label){bh_xstrdup(buf),
				    (unsigned)strtoul(tab1 + 1, NULL, 10),
				    bh_xstrdup(tab2 + 1),
				    SIZE_MAX,
				    false,
				    false,
				    NULL};
		if (is_positive(l))
			positive = c->n;
		else if (strcmp(l->expect, "+") == 0)
			l->owner = positive;
		c->n++;
	}
	fclose(f);
	return c->n ? 0 : -ENODATA;
}

/* The label of path:line, or NULL (a line the manifest does not list). */
static struct label *find_label(struct corpus *c, const char *path,
				unsigned line)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].line == line && strcmp(c->v[i].path, path) == 0)
			return &c->v[i];
	return NULL;
}

/* Records one report.  rule NULL: another tool's, any rule counts. */
static void record(struct corpus *c, const char *path, unsigned line,
		   const char *rule, size_t *unlisted)
{
	struct label *l = find_label(c, path, line);
	if (l && l->owner != SIZE_MAX)
		l = &c->v[l->owner];
	if (!l) {
		(*unlisted)++;
	} else if (!is_positive(l)) {
		l->flagged = true;
		l->other = rule;
	} else if (!rule || strcmp(rule, l->expect) == 0) {
		l->found = true;
	} else if (!l->found) {
		l->other = rule;
	}
}

struct scan_ctx {
	const char *buf;
	const char *path;
	struct corpus *c;
	size_t unlisted;
	bool print;
};

static int on_match(void *ctx, const struct bh_secret_match *m)
{
	struct scan_ctx *sc = ctx;
	unsigned line = 1;
	for (size_t i = 0; i < m->start; i++)
		line += sc->buf[i] == '\n';
	if (sc->print)
		printf("%s:%u:%s\n", sc->path, line, m->rule_id);
	else
		record(sc->c, sc->path, line, m->rule_id, &sc->unlisted);
	return 0;
}

static char *read_file(const char *name, size_t *len)
{
	FILE *f = fopen(name, "re");
	char *buf = NULL;
	size_t cap = 0;
	*len = 0;
	if (!f)
		return NULL;
	for (;;) {
		bh_xgrow((void **)&buf, &cap, *len + 65536, 1);
		size_t got = fread(buf + *len, 1, cap - *len, f);
		*len += got;
		if (got == 0)
			break;
	}
	fclose(f);
	return buf;
}

/* Scans every file the manifest names, once each. */
static int scan_corpus(const struct bh_secrets *s, const char *dir,
		       struct corpus *c, bool print, size_t *unlisted)
{
	for (size_t i = 0; i < c->n; i++) {
		if (i > 0 && strcmp(c->v[i].path, c->v[i - 1].path) == 0)
			continue;
		cleanup_free char *name = NULL;
		size_t len;
		if (asprintf(&name, "%s/%s", dir, c->v[i].path) < 0)
			return -ENOMEM;
		cleanup_free char *buf = read_file(name, &len);
		if (!buf) {
			fprintf(stderr, "corpus-score: %s: %s\n", name,
				strerror(errno));
			return -ENOENT;
		}
		struct scan_ctx sc = {buf, c->v[i].path, c, 0, print};
		bh_secrets_scan(s, buf, len, on_match, &sc);
		*unlisted += sc.unlisted;
	}
	return 0;
}

static int read_findings(const char *file, struct corpus *c, size_t *unlisted)
{
	char buf[4096];
	FILE *f = fopen(file, "re");
	if (!f)
		return -errno;
	while (fgets(buf, sizeof(buf), f)) {
		char *colon = strrchr(buf, ':');
		if (!colon)
			continue;
		*colon = '\0';
		record(c, buf, (unsigned)strtoul(colon + 1, NULL, 10), NULL,
		       unlisted);
	}
	fclose(f);
	return 0;
}

struct totals {
	size_t positives, found, decoys, flagged;
};

static struct totals count(const struct corpus *c)
{
	struct totals t = {0};
	for (size_t i = 0; i < c->n; i++) {
		const struct label *l = &c->v[i];
		if (is_positive(l)) {
			t.positives++;
			t.found += l->found;
		} else if (strcmp(l->expect, "-") == 0) {
			t.decoys++;
			t.flagged += l->flagged;
		}
	}
	return t;
}

static double ratio(size_t a, size_t b)
{
	return b ? (double)a / (double)b : 0;
}

/* The report of bulkhead's run, and the checks that make it pass or fail:
 * one per value rule (it has corpus positives), recall, false positives. */
static int report(const struct corpus *c, size_t unlisted)
{
	struct totals t = count(c);
	size_t n_rules, passed = 0, failed = 0;
	const struct bh_secret_rule *rules = bh_secret_value_rules(&n_rules);

	printf("secrets corpus: %zu positives, %zu decoy lines, %zu value "
	       "rules\n",
	       t.positives, t.decoys, n_rules);
	for (size_t r = 0; r < n_rules; r++) {
		size_t have = 0, got = 0;
		for (size_t i = 0; i < c->n; i++) {
			if (strcmp(c->v[i].expect, rules[r].id) != 0)
				continue;
			have++;
			got += c->v[i].found;
		}
		if (have == 0) {
			printf("  rule %s: no positive in the corpus\n",
			       rules[r].id);
			failed++;
			continue;
		}
		passed++;
		for (size_t i = 0; got < have && i < c->n; i++)
			if (strcmp(c->v[i].expect, rules[r].id) == 0 &&
			    !c->v[i].found)
				printf("  missed %s at %s:%u%s%s\n",
				       rules[r].id, c->v[i].path, c->v[i].line,
				       c->v[i].other ? ", reported as " : "",
				       c->v[i].other ? c->v[i].other : "");
	}
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].flagged)
			printf("  false positive at %s:%u, reported as %s\n",
			       c->v[i].path, c->v[i].line, c->v[i].other);
	double recall = ratio(t.found, t.positives);
	double fp = ratio(t.flagged + unlisted, t.decoys);
	printf("recall: %zu/%zu = %.2f %% (at least %.0f %%)\n", t.found,
	       t.positives, 100 * recall, 100 * MIN_RECALL);
	printf("false positives: %zu/%zu decoy lines = %.2f %% (at most %.0f "
	       "%%)%s\n",
	       t.flagged + unlisted, t.decoys, 100 * fp, 100 * MAX_FP_RATE,
	       unlisted ? ", counting reports on unlisted lines" : "");
	recall >= MIN_RECALL ? passed++ : failed++;
	fp <= MAX_FP_RATE ? passed++ : failed++;
	printf("secrets-corpus: %zu passed, %zu failed\n", passed, failed);
	return failed ? 1 : 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: corpus-score [--scan] DIR\n"
			"       corpus-score --findings DIR FILE\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct corpus c = {0};
	struct bh_secrets *s = NULL;
	struct bh_error *err = NULL;
	size_t unlisted = 0;
	bool scan = argc == 3 && strcmp(argv[1], "--scan") == 0;
	bool findings = argc == 4 && strcmp(argv[1], "--findings") == 0;
	const char *dir = argc == 2 ? argv[1] : argc > 2 ? argv[2] : NULL;
	int r;

	if (!dir || (argc > 2 && !scan && !findings) || argc > 4)
		return usage();
	r = load_manifest(dir, &c);
	if (r < 0) {
		fprintf(stderr, "corpus-score: %s/manifest.tsv: %s\n", dir,
			strerror(-r));
		corpus_free(&c);
		return 2;
	}
	if (findings) {
		r = read_findings(argv[3], &c, &unlisted);
		if (r == 0) {
			struct totals t = count(&c);
			printf("recall %zu/%zu fp %zu/%zu\n", t.found,
			       t.positives, t.flagged + unlisted, t.decoys);
		}
	} else if (bh_secrets_new_opts(&(struct bh_secrets_opts){0, false}, &s,
				       &err) < 0) {
		fprintf(stderr, "corpus-score: %s\n", err->msg);
		bh_error_free(err);
		r = -EINVAL;
	} else {
		r = scan_corpus(s, dir, &c, scan, &unlisted);
		if (r == 0 && !scan)
			r = report(&c, unlisted);
	}
	bh_secrets_free(s);
	corpus_free(&c);
	return r < 0 ? 2 : r;
}
