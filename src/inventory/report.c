/* SPDX-License-Identifier: MIT */
/*
 * Merging the inside and outside passes, the baseline, and the three
 * outputs: text for people, JSON (schema "bulkhead-inventory/1",
 * docs/inventory.md) for scripts, SARIF 2.1.0 for code-scanning tools.
 * Findings hold no secret bytes, so nothing here can print one.
 */
#include "inventory/inventory.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/fsutil.h"
#include "core/strbuf.h"
#include "core/util.h"

/* ---- merge ------------------------------------------------------------- */

static bool same(const struct bh_inv_finding *a, const struct bh_inv_finding *b)
{
	return a->kind == b->kind && !strcmp(a->rule, b->rule) &&
	       !strcmp(a->location, b->location) && !strcmp(a->fp, b->fp);
}

/* Exposed, then suppressed (exposed but known), then contained. */
static int status_rank(enum bh_inv_status s)
{
	return s == BH_INV_EXPOSED ? 0 : s == BH_INV_SUPPRESSED ? 1 : 2;
}

static int by_status_severity(const void *va, const void *vb)
{
	const struct bh_inv_finding *a = va, *b = vb;
	if (a->status != b->status)
		return status_rank(a->status) - status_rank(b->status);
	if (a->severity != b->severity)
		return b->severity - a->severity;
	int c = strcmp(a->location, b->location);
	if (c)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	return strcmp(a->rule, b->rule);
}

void bh_inv_merge(const struct bh_inv_findings *inside,
		  const struct bh_inv_findings *outside,
		  struct bh_inv_findings *out)
{
	for (size_t i = 0; i < inside->n; i++) {
		bool dup = false;
		for (size_t j = 0; j < out->n && !dup; j++)
			dup = same(&out->v[j], &inside->v[i]);
		if (dup)
			continue;
		bh_inv_findings_add(out, &inside->v[i]);
		out->v[out->n - 1].status = BH_INV_EXPOSED;
	}
	for (size_t i = 0; i < outside->n; i++) {
		bool dup = false;
		for (size_t j = 0; j < out->n && !dup; j++)
			dup = same(&out->v[j], &outside->v[i]);
		/* The sandbox's own environment is not the host's: a host
		 * variable it does not pass is contained even when a
		 * bulkhead-set variable of the same name is inside. */
		if (dup)
			continue;
		bh_inv_findings_add(out, &outside->v[i]);
		out->v[out->n - 1].status = BH_INV_CONTAINED;
	}
	bh_inv_sort(out);
}

void bh_inv_sort(struct bh_inv_findings *f)
{
	if (f->n > 1)
		qsort(f->v, f->n, sizeof(*f->v), by_status_severity);
}

int bh_inv_worst_exposed(const struct bh_inv_findings *f)
{
	int worst = 0;
	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].status == BH_INV_EXPOSED &&
		    f->v[i].severity > worst)
			worst = f->v[i].severity;
	return worst;
}

/* ---- baseline ------------------------------------------------------------ */

/* Entries are "RULE:FP" or "FP", with "\tLOCATION" appended when the
 * baseline names the place (an earlier --json output does). */
static void baseline_add(struct bh_inv_baseline *b, const char *rule,
			 const char *fp, const char *location)
{
	struct bh_strbuf sb = {0};
	if (rule)
		bh_strbuf_printf(&sb, "%s:", rule);
	bh_strbuf_puts(&sb, fp);
	if (location)
		bh_strbuf_printf(&sb, "\t%s", location);
	bh_strv_push(&b->fps, &b->n, bh_strbuf_steal(&sb));
}

static bool is_fp(const char *s, size_t n)
{
	if (n != 12)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

int bh_inv_baseline_load(const char *path, struct bh_inv_baseline *b,
			 struct bh_error **err)
{
	cleanup_free char *buf = NULL;
	size_t len = 0;
	int r = bh_read_file(path, 64u << 20, &buf, &len, err);
	if (r) {
		/* The user named the file: a usage error (exit 2). */
		(*err)->kind = BH_EK_USAGE;
		bh_error_prefix(*err, "baseline");
		return r;
	}
	size_t i = 0;
	while (i < len && (buf[i] == ' ' || buf[i] == '\n' || buf[i] == '\t'))
		i++;
	if (i < len && buf[i] == '{') {
		json_error_t je;
		json_t *root = json_loadb(buf, len, 0, &je);
		json_t *arr = root ? json_object_get(root, "findings") : NULL;
		if (!json_is_array(arr)) {
			json_decref(root);
			return bh_error_set(err, BH_EK_USAGE, EINVAL,
					    "baseline %s:%d: %s", path, je.line,
					    root ? "no \"findings\" array"
						 : je.text);
		}
		size_t k;
		json_t *f;
		json_array_foreach(arr, k, f)
		{
			const char *rule =
				json_string_value(json_object_get(f, "rule"));
			const char *fp = json_string_value(
				json_object_get(f, "fingerprint"));
			const char *loc = json_string_value(
				json_object_get(f, "location"));
			const char *st =
				json_string_value(json_object_get(f, "status"));
			if (!rule || !fp || !is_fp(fp, strlen(fp)) || !loc) {
				json_decref(root);
				return bh_error_set(
					err, BH_EK_USAGE, EINVAL,
					"baseline %s: finding %zu has no rule, "
					"fingerprint or location",
					path, k + 1);
			}
			/* Only what was accepted as exposed: a finding that
			 * was contained then and is exposed now (the profile
			 * got weaker) is new. */
			if (st && strcmp(st, "exposed") != 0 &&
			    strcmp(st, "suppressed") != 0)
				continue;
			baseline_add(b, rule, fp, loc);
		}
		json_decref(root);
		return 0;
	}
	unsigned line = 0;
	char *save = NULL;
	for (char *l = strtok_r(buf, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		line++;
		size_t n = strlen(l);
		while (n && (l[n - 1] == '\r' || l[n - 1] == ' '))
			l[--n] = '\0';
		while (*l == ' ')
			l++, n--;
		if (!n || l[0] == '#')
			continue;
		char *colon = strrchr(l, ':');
		const char *fp = colon ? colon + 1 : l;
		if (!is_fp(fp, strlen(fp)) || (colon && colon == l))
			return bh_error_set(err, BH_EK_USAGE, EINVAL,
					    "baseline %s:%u: want RULE:"
					    "FINGERPRINT or a 12-digit "
					    "fingerprint",
					    path, line);
		if (colon)
			*colon = '\0';
		baseline_add(b, colon ? l : NULL, fp, NULL);
	}
	return 0;
}

void bh_inv_baseline_release(struct bh_inv_baseline *b)
{
	bh_strv_free(b->fps);
	memset(b, 0, sizeof(*b));
}

size_t bh_inv_baseline_apply(const struct bh_inv_baseline *b,
			     struct bh_inv_findings *f)
{
	size_t n = 0;
	for (size_t i = 0; i < f->n; i++) {
		struct bh_inv_finding *x = &f->v[i];
		if (x->status != BH_INV_EXPOSED)
			continue;
		cleanup_free char *key = bh_xasprintf("%s:%s", x->rule, x->fp);
		cleanup_free char *at =
		    bh_xasprintf("%s\t%s", key, x->location);
		for (size_t j = 0; j < b->n; j++)
			if (!strcmp(b->fps[j], at) || !strcmp(b->fps[j], key) ||
			    !strcmp(b->fps[j], x->fp)) {
				x->status = BH_INV_SUPPRESSED;
				n++;
				break;
			}
	}
	if (n)
		bh_inv_sort(f);
	return n;
}

/* ---- JSON ------------------------------------------------------------------
 */

static const char *status_name(enum bh_inv_status s)
{
	return s == BH_INV_EXPOSED     ? "exposed"
	       : s == BH_INV_CONTAINED ? "contained"
				       : "suppressed";
}

json_t *bh_inv_finding_to_json(const struct bh_inv_finding *f)
{
	json_t *o = json_object();
	json_object_set_new(o, "status", json_string(status_name(f->status)));
	json_object_set_new(o, "rule", json_string(f->rule));
	json_object_set_new(o, "kind", json_string(bh_inv_fkind_name(f->kind)));
	json_object_set_new(o, "severity",
			    json_string(bh_severity_name(f->severity)));
	json_object_set_new(o, "location", json_string(f->location));
	if (f->line)
		json_object_set_new(o, "line", json_integer(f->line));
	json_object_set_new(o, "fingerprint", json_string(f->fp));
	if (f->tool)
		json_object_set_new(o, "tool", json_string(f->tool));
	if (f->what)
		json_object_set_new(o, "what", json_string(f->what));
	if (f->hint)
		json_object_set_new(o, "hint", json_string(f->hint));
	return o;
}

static char *opt_str(const json_t *j, const char *key)
{
	const char *s = json_string_value(json_object_get(j, key));
	return s ? bh_xstrdup(s) : NULL;
}

int bh_inv_finding_from_json(const json_t *j, struct bh_inv_finding *f)
{
	memset(f, 0, sizeof(*f));
	const char *rule = json_string_value(json_object_get(j, "rule"));
	const char *kind = json_string_value(json_object_get(j, "kind"));
	const char *sev = json_string_value(json_object_get(j, "severity"));
	const char *loc = json_string_value(json_object_get(j, "location"));
	const char *fp = json_string_value(json_object_get(j, "fingerprint"));
	json_t *line = json_object_get(j, "line");
	if (!rule || !kind || !sev || !loc || !fp || !is_fp(fp, strlen(fp)))
		return -EINVAL;
	int k = -1;
	for (int i = 0; i < BH_INVF__COUNT; i++)
		if (!strcmp(kind, bh_inv_fkind_name((enum bh_inv_fkind)i)))
			k = i;
	int s = bh_severity_parse(sev);
	if (k < 0 || s < 0 || (line && !json_is_integer(line)) ||
	    (line && (json_integer_value(line) < 1 ||
		      json_integer_value(line) > 0x7fffffff)))
		return -EINVAL;
	f->rule = bh_xstrdup(rule);
	f->kind = (enum bh_inv_fkind)k;
	f->severity = s;
	f->location = bh_xstrdup(loc);
	f->line = line ? (unsigned)json_integer_value(line) : 0;
	memcpy(f->fp, fp, 13);
	f->tool = opt_str(j, "tool");
	f->what = opt_str(j, "what");
	f->hint = opt_str(j, "hint");
	f->status = BH_INV_EXPOSED;
	return 0;
}

static size_t count(const struct bh_inv_findings *f, enum bh_inv_status st)
{
	size_t n = 0;
	for (size_t i = 0; i < f->n; i++)
		n += f->v[i].status == st;
	return n;
}

static int dump(FILE *out, json_t *root)
{
	int r = json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (r == 0 && fputc('\n', out) == EOF)
		r = -1;
	return r ? -EIO : 0;
}

int bh_inv_write_json(FILE *out, const struct bh_inv_meta *m,
		      const struct bh_inv_findings *f)
{
	json_t *root = json_object();
	json_object_set_new(root, "schema",
			    json_string("bulkhead-inventory/1"));
	json_object_set_new(root, "profile", json_string(m->profile));
	json_object_set_new(root, "tier", json_string(m->tier));
	json_object_set_new(root, "uid", json_integer(m->uid));
	json_object_set_new(root, "home", json_string(m->home));
	if (m->workspace)
		json_object_set_new(root, "workspace",
				    json_string(m->workspace));
	json_t *sum = json_object();
	json_object_set_new(sum, "exposed",
			    json_integer((json_int_t)count(f, BH_INV_EXPOSED)));
	json_object_set_new(
	    sum, "contained",
	    json_integer((json_int_t)count(f, BH_INV_CONTAINED)));
	json_object_set_new(
	    sum, "suppressed",
	    json_integer((json_int_t)count(f, BH_INV_SUPPRESSED)));
	int worst = bh_inv_worst_exposed(f);
	json_object_set_new(sum, "worst_exposed",
			    worst ? json_string(bh_severity_name(worst))
				  : json_null());
	json_object_set_new(root, "summary", sum);
	json_t *scan = json_object();
	json_t *in = json_object(), *outp = json_object();
	json_object_set_new(in, "files",
			    json_integer((json_int_t)m->inside_files));
	json_object_set_new(in, "truncated", json_boolean(m->inside_truncated));
	json_object_set_new(outp, "files",
			    json_integer((json_int_t)m->outside_files));
	json_object_set_new(outp, "truncated",
			    json_boolean(m->outside_truncated));
	json_object_set_new(scan, "inside", in);
	json_object_set_new(scan, "outside", outp);
	json_object_set_new(root, "scan", scan);
	json_t *notes = json_array();
	for (size_t i = 0; i < m->n_notes; i++)
		json_array_append_new(notes, json_string(m->notes[i]));
	json_object_set_new(root, "notes", notes);
	json_t *arr = json_array();
	for (size_t i = 0; i < f->n; i++)
		json_array_append_new(arr, bh_inv_finding_to_json(&f->v[i]));
	json_object_set_new(root, "findings", arr);
	return dump(out, root);
}

/* ---- SARIF ------------------------------------------------------------------
 */

static const char *sarif_level(int sev)
{
	return sev >= BH_SEV_HIGH     ? "error"
	       : sev == BH_SEV_MEDIUM ? "warning"
				      : "note";
}

/* GitHub code scanning reads a 0.0-10.0 score from here. */
static const char *sarif_score(int sev)
{
	return sev >= BH_SEV_CRITICAL ? "9.5"
	       : sev == BH_SEV_HIGH   ? "8.0"
	       : sev == BH_SEV_MEDIUM ? "5.0"
				      : "2.0";
}

static json_t *sarif_location(const struct bh_inv_finding *x)
{
	json_t *phys = json_object();
	json_t *art = json_object();
	if (x->location[0] == '/') {
		/* file:// URI: percent-encode what is not unreserved or '/'. */
		struct bh_strbuf sb = {0};
		bh_strbuf_puts(&sb, "file://");
		for (const unsigned char *p =
			 (const unsigned char *)x->location;
		     *p; p++) {
			if ((*p >= 'a' && *p <= 'z') ||
			    (*p >= 'A' && *p <= 'Z') ||
			    (*p >= '0' && *p <= '9') || strchr("/-._~", *p))
				bh_strbuf_putc(&sb, (char)*p);
			else
				bh_strbuf_printf(&sb, "%%%02X", *p);
		}
		cleanup_free char *uri = bh_strbuf_steal(&sb);
		json_object_set_new(art, "uri", json_string(uri));
	} else {
		json_object_set_new(art, "uri", json_string(x->location));
	}
	json_object_set_new(phys, "artifactLocation", art);
	if (x->line) {
		json_t *reg = json_object();
		json_object_set_new(reg, "startLine", json_integer(x->line));
		json_object_set_new(phys, "region", reg);
	}
	json_t *loc = json_object();
	json_object_set_new(loc, "physicalLocation", phys);
	json_t *arr = json_array();
	json_array_append_new(arr, loc);
	return arr;
}

int bh_inv_write_sarif(FILE *out, const struct bh_inv_meta *m,
		       const struct bh_inv_findings *f)
{
	json_t *rules = json_array(), *results = json_array();
	json_t *index = json_object(); /* rule id -> index in rules */
	for (size_t i = 0; i < f->n; i++) {
		const struct bh_inv_finding *x = &f->v[i];
		json_t *idx = json_object_get(index, x->rule);
		if (!idx) {
			json_t *r = json_object();
			json_object_set_new(r, "id", json_string(x->rule));
			json_t *sd = json_object();
			json_object_set_new(
			    sd, "text",
			    json_string(x->what ? x->what : x->rule));
			json_object_set_new(r, "shortDescription", sd);
			if (x->hint) {
				json_t *h = json_object();
				json_object_set_new(h, "text",
						    json_string(x->hint));
				json_object_set_new(r, "help", h);
			}
			json_t *props = json_object();
			json_object_set_new(
			    props, "security-severity",
			    json_string(sarif_score(x->severity)));
			json_t *tags = json_array();
			json_array_append_new(tags, json_string("security"));
			json_array_append_new(tags, json_string("credential"));
			json_object_set_new(props, "tags", tags);
			json_object_set_new(r, "properties", props);
			idx = json_integer((json_int_t)json_array_size(rules));
			json_array_append_new(rules, r);
			json_object_set_new(index, x->rule, idx);
		}
		json_t *res = json_object();
		json_object_set_new(res, "ruleId", json_string(x->rule));
		json_object_set_new(res, "ruleIndex", json_copy(idx));
		/* Contained: the rule holds for the sandbox ("pass");
		 * suppressed ones stay failures, with a suppression. */
		bool exposed = x->status != BH_INV_CONTAINED;
		json_object_set_new(res, "kind",
				    json_string(exposed ? "fail" : "pass"));
		json_object_set_new(
		    res, "level",
		    json_string(exposed ? sarif_level(x->severity) : "none"));
		json_t *msg = json_object();
		cleanup_free char *text = bh_xasprintf(
		    "%s %s: %s%s%s", status_name(x->status),
		    bh_severity_name(x->severity), x->what ? x->what : x->rule,
		    x->tool ? " (" : "", x->tool ? x->tool : "");
		cleanup_free char *text2 =
		    x->tool ? bh_xasprintf("%s)", text) : bh_xstrdup(text);
		json_object_set_new(msg, "text", json_string(text2));
		json_object_set_new(res, "message", msg);
		json_object_set_new(res, "locations", sarif_location(x));
		json_t *pf = json_object();
		json_object_set_new(pf, "bulkheadFingerprint/v1",
				    json_string(x->fp));
		json_object_set_new(res, "partialFingerprints", pf);
		if (x->status == BH_INV_SUPPRESSED) {
			json_t *sup = json_array(), *s1 = json_object();
			json_object_set_new(s1, "kind",
					    json_string("external"));
			json_object_set_new(s1, "justification",
					    json_string("in the baseline"));
			json_array_append_new(sup, s1);
			json_object_set_new(res, "suppressions", sup);
		}
		json_t *props = json_object();
		json_object_set_new(props, "status",
				    json_string(status_name(x->status)));
		json_object_set_new(props, "findingKind",
				    json_string(bh_inv_fkind_name(x->kind)));
		json_object_set_new(res, "properties", props);
		json_array_append_new(results, res);
	}
	json_decref(index);
	json_t *driver = json_object();
	json_object_set_new(driver, "name", json_string("bulkhead"));
	json_object_set_new(
	    driver, "informationUri",
	    json_string("https://github.com/bulkhead/bulkhead"));
	json_object_set_new(driver, "rules", rules);
	json_t *tool = json_object();
	json_object_set_new(tool, "driver", driver);
	json_t *run = json_object();
	json_object_set_new(run, "tool", tool);
	json_t *inv = json_object();
	json_object_set_new(inv, "executionSuccessful", json_true());
	json_t *ip = json_object();
	json_object_set_new(ip, "profile", json_string(m->profile));
	json_object_set_new(ip, "tier", json_string(m->tier));
	json_object_set_new(inv, "properties", ip);
	json_t *invs = json_array();
	json_array_append_new(invs, inv);
	json_object_set_new(run, "invocations", invs);
	json_object_set_new(run, "results", results);
	json_t *runs = json_array();
	json_array_append_new(runs, run);
	json_t *root = json_object();
	json_object_set_new(
	    root, "$schema",
	    json_string("https://json.schemastore.org/sarif-2.1.0.json"));
	json_object_set_new(root, "version", json_string("2.1.0"));
	json_object_set_new(root, "runs", runs);
	return dump(out, root);
}

/* ---- text -------------------------------------------------------------------
 */

static void text_group(FILE *out, const struct bh_inv_findings *f,
		       enum bh_inv_status st, const char *title, bool color)
{
	size_t n = count(f, st);
	const char *on = "", *off = "";
	if (color && st == BH_INV_EXPOSED && n)
		on = "\033[1;31m", off = "\033[0m";
	else if (color && st == BH_INV_CONTAINED)
		on = "\033[32m", off = "\033[0m";
	fprintf(out, "%s%s: %zu%s\n", on, title, n, off);
	for (size_t i = 0; i < f->n; i++) {
		const struct bh_inv_finding *x = &f->v[i];
		if (x->status != st)
			continue;
		fprintf(out, "  %-8s %-7s %s", bh_severity_name(x->severity),
			bh_inv_fkind_name(x->kind), x->location);
		if (x->line)
			fprintf(out, ":%u", x->line);
		fprintf(out, "\n           %s%s%s%s  [%s fp %s]\n",
			x->tool ? x->tool : "", x->tool ? ": " : "",
			x->what ? x->what : "", "", x->rule, x->fp);
		if (st == BH_INV_EXPOSED && x->hint)
			fprintf(out, "           fix: %s\n", x->hint);
	}
}

void bh_inv_write_text(FILE *out, const struct bh_inv_meta *m,
		       const struct bh_inv_findings *f, bool color)
{
	fprintf(out,
		"credential inventory: profile %s, tier %s, uid %ld, "
		"HOME %s\n",
		m->profile, m->tier, m->uid, m->home);
	fprintf(out, "scanned %zu files inside%s, %zu outside%s\n",
		m->inside_files, m->inside_truncated ? " (truncated)" : "",
		m->outside_files, m->outside_truncated ? " (truncated)" : "");
	for (size_t i = 0; i < m->n_notes; i++)
		fprintf(out, "note: %s\n", m->notes[i]);
	fputc('\n', out);
	text_group(out, f, BH_INV_EXPOSED,
		   "EXPOSED (readable or reachable inside the sandbox)", color);
	if (count(f, BH_INV_SUPPRESSED))
		text_group(out, f, BH_INV_SUPPRESSED,
			   "SUPPRESSED (exposed, in the baseline)", color);
	fputc('\n', out);
	text_group(out, f, BH_INV_CONTAINED,
		   "CONTAINED (on the host, hidden by the profile)", color);
}
