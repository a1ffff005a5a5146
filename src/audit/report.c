/* SPDX-License-Identifier: MIT */
/*
 * The enforcement report: what a tier really did with each rule, and the one
 * place that decides whether that is good enough to launch (DESIGN.md
 * decision 1, settled question 2).  Pure: no system calls.
 */
#include "audit/report.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "core/strbuf.h"
#include "core/util.h"

/* Rule names longer than this do not widen the column for every other line. */
#define REPORT_RULE_COL_MAX 44

const char *bh_enforcement_name(enum bh_enforcement e)
{
	switch (e) {
	case BH_ENF_ENFORCED:
		return "enforced";
	case BH_ENF_DEGRADED:
		return "degraded";
	case BH_ENF_UNSUPPORTED:
		return "unsupported";
	}
	return "unknown";
}

static const char *rule_class_name(enum bh_rule_class c)
{
	switch (c) {
	case BH_RC_GUARD:
		return "guard";
	case BH_RC_LIMIT:
		return "limit";
	case BH_RC_INFO:
		return "info";
	}
	return "unknown";
}

struct bh_report *bh_report_new(const char *tier)
{
	struct bh_report *r = bh_xcalloc(1, sizeof(*r));
	r->tier = bh_xstrdup(tier ? tier : "unknown");
	return r;
}

void bh_report_free(struct bh_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_items; i++) {
		struct bh_report_item *it = &r->items[i];
		free(it->rule);
		/* The report owns its copy of loc.file (see bh_report_add). */
		free((char *)it->loc.file);
		free(it->mechanism);
		free(it->detail);
	}
	free(r->items);
	free(r->tier);
	free(r);
}

/*
 * Every string is copied, loc.file included: a report is written to the audit
 * log and may be printed after the policy that produced it has been freed
 * (the run command frees the policy once the child is set up), so it must
 * not point into it.
 */
void bh_report_add(struct bh_report *r, enum bh_rule_class cls,
		   enum bh_enforcement status, const char *rule,
		   const struct bh_loc *loc, const char *mechanism,
		   const char *detail_fmt, ...)
{
	bh_xgrow((void **)&r->items, &r->cap, r->n_items + 1,
		 sizeof(*r->items));
	struct bh_report_item *it = &r->items[r->n_items++];
	memset(it, 0, sizeof(*it));
	it->rule = bh_xstrdup(rule ? rule : "");
	if (loc && loc->file) {
		it->loc = *loc;
		it->loc.file = bh_xstrdup(loc->file);
	}
	it->cls = cls;
	it->status = status;
	it->mechanism = mechanism ? bh_xstrdup(mechanism) : NULL;
	if (detail_fmt) {
		va_list ap;
		va_start(ap, detail_fmt);
		it->detail = bh_xvasprintf(detail_fmt, ap);
		va_end(ap);
	}
}

void bh_report_counts(const struct bh_report *r, size_t *enforced,
		      size_t *degraded, size_t *unsupported)
{
	size_t n[3] = {0, 0, 0};
	for (size_t i = 0; i < r->n_items; i++) {
		enum bh_enforcement s = r->items[i].status;
		if ((unsigned)s < BH_ARRAY_SIZE(n))
			n[s]++;
	}
	if (enforced)
		*enforced = n[BH_ENF_ENFORCED];
	if (degraded)
		*degraded = n[BH_ENF_DEGRADED];
	if (unsupported)
		*unsupported = n[BH_ENF_UNSUPPORTED];
}

/* Does this item stop the launch regardless of strictness? */
static bool item_fails_always(const struct bh_report_item *it)
{
	return it->cls == BH_RC_GUARD && it->status == BH_ENF_UNSUPPORTED;
}

/* Does this item stop the launch when the profile or the caller is strict? */
static bool item_fails_strict(const struct bh_report_item *it)
{
	return (it->cls == BH_RC_GUARD || it->cls == BH_RC_LIMIT) &&
	       it->status != BH_ENF_ENFORCED;
}

/* "namespace, gvisor or microvm": the tiers stronger than `tier`, or NULL
 * when there is none (or the tier is not one we know).  Caller frees. */
static char *stronger_tiers(const char *tier)
{
	static const enum bh_tier_id order[] = {
		BH_TIER_KERNEL, BH_TIER_NAMESPACE, BH_TIER_GVISOR,
		BH_TIER_MICROVM};
	int base = bh_tier_strength(bh_tier_from_name(tier));
	if (base <= 0)
		return NULL;
	const char *names[BH_ARRAY_SIZE(order)];
	size_t n = 0;
	for (size_t i = 0; i < BH_ARRAY_SIZE(order); i++)
		if (bh_tier_strength(order[i]) > base)
			names[n++] = bh_tier_name(order[i]);
	if (n == 0)
		return NULL;
	struct bh_strbuf sb = BH_STRBUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			bh_strbuf_puts(&sb, i + 1 == n ? " or " : ", ");
		bh_strbuf_puts(&sb, names[i]);
	}
	return bh_strbuf_steal(&sb);
}

static int report_fail(const struct bh_report *r,
		       const struct bh_report_item *it, bool by_strict,
		       size_t more, struct bh_error **err)
{
	struct bh_strbuf sb = BH_STRBUF_INIT;
	if (it->loc.file)
		bh_strbuf_printf(&sb, "%s:%u:%u: ", it->loc.file, it->loc.line,
				 it->loc.col);
	if (it->status == BH_ENF_DEGRADED)
		bh_strbuf_printf(&sb,
				 "%s is enforced only in part by the %s tier",
				 it->rule, r->tier);
	else
		bh_strbuf_printf(&sb, "%s cannot be enforced by the %s tier",
				 it->rule, r->tier);
	if (it->detail)
		bh_strbuf_printf(&sb, ": %s", it->detail);
	if (more)
		bh_strbuf_printf(&sb, " (and %zu more rule%s)", more,
				 more == 1 ? "" : "s");
	cleanup_free char *msg = bh_strbuf_steal(&sb);
	int ret = bh_error_set(err, BH_EK_PROFILE, EPERM, "%s", msg);

	if (!err || !*err)
		return ret;
	cleanup_free char *stronger = stronger_tiers(r->tier);
	cleanup_free char *tier_hint =
		stronger ? bh_xasprintf("use a stronger tier (--tier %s)",
					stronger)
			 : NULL;
	if (!by_strict) {
		bh_error_hint(*err, "%s",
			      tier_hint ? tier_hint
					: "no tier enforces this rule here; "
					  "remove it from the profile");
		return ret;
	}
	const char *accept = it->status == BH_ENF_DEGRADED
				     ? "to accept degraded rules"
				     : "to run without this limit";
	if (tier_hint)
		bh_error_hint(*err, "drop --strict / strict %s, or %s", accept,
			      tier_hint);
	else
		bh_error_hint(*err, "drop --strict / strict %s", accept);
	return ret;
}

/*
 * The fail-closed gate before anything is launched.  Hard failures (a guard
 * the tier cannot enforce at all) are reported before strict-only ones, so
 * the hint addresses what really has to change; the message names the first
 * offending rule and counts the others of the same kind.
 */
int bh_report_check(const struct bh_report *r, bool strict,
		    struct bh_error **err)
{
	const struct bh_report_item *first = NULL;
	size_t n = 0;
	for (size_t i = 0; i < r->n_items; i++) {
		if (item_fails_always(&r->items[i]) && n++ == 0)
			first = &r->items[i];
	}
	if (first)
		return report_fail(r, first, false, n - 1, err);
	if (!strict)
		return 0;
	for (size_t i = 0; i < r->n_items; i++) {
		if (item_fails_strict(&r->items[i]) && n++ == 0)
			first = &r->items[i];
	}
	if (first)
		return report_fail(r, first, true, n - 1, err);
	return 0;
}

/*
 * enforcement report for tier kernel: 3 enforced, 1 degraded, 1 unsupported
 *   enforced     write /home/u/proj                [landlock]
 *   degraded     protect /home/u/proj/.git/hooks   [landlock]
 *                  how:  paths that do not exist yet are not protected
 *                  from: builtin:default:14:9
 *
 * The status word comes first and is padded so that problems stand out in a
 * column; rules are padded (up to a cap) so mechanisms line up.
 */
char *bh_report_format_text(const struct bh_report *r)
{
	struct bh_strbuf sb = BH_STRBUF_INIT;
	size_t ne, nd, nu;
	bh_report_counts(r, &ne, &nd, &nu);
	bh_strbuf_printf(&sb,
			 "enforcement report for tier %s: %zu enforced, %zu "
			 "degraded, %zu unsupported\n",
			 r->tier, ne, nd, nu);

	int width = 0;
	for (size_t i = 0; i < r->n_items; i++) {
		size_t l = strlen(r->items[i].rule);
		if (l > REPORT_RULE_COL_MAX)
			l = REPORT_RULE_COL_MAX;
		if ((int)l > width)
			width = (int)l;
	}
	for (size_t i = 0; i < r->n_items; i++) {
		const struct bh_report_item *it = &r->items[i];
		if (it->mechanism)
			bh_strbuf_printf(&sb, "  %-11s  %-*s  [%s]\n",
					 bh_enforcement_name(it->status),
					 width, it->rule, it->mechanism);
		else
			bh_strbuf_printf(&sb, "  %-11s  %s\n",
					 bh_enforcement_name(it->status),
					 it->rule);
		if (it->detail)
			bh_strbuf_printf(&sb, "%17s%s%s\n", "", "how:  ",
					 it->detail);
		if (it->loc.file)
			bh_strbuf_printf(&sb, "%17s%s%s:%u:%u\n", "", "from: ",
					 it->loc.file, it->loc.line,
					 it->loc.col);
	}
	return bh_strbuf_steal(&sb);
}

static json_t *opt_string(const char *s)
{
	return s ? bh_audit_json_string(s) : json_null();
}

void *bh_report_to_json(const struct bh_report *r)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < r->n_items; i++) {
		const struct bh_report_item *it = &r->items[i];
		json_t *o = json_object();
		json_object_set_new(o, "rule", bh_audit_json_string(it->rule));
		const char *status = bh_enforcement_name(it->status);
		json_object_set_new(o, "status", json_string(status));
		json_object_set_new(o, "class",
				    json_string(rule_class_name(it->cls)));
		json_object_set_new(o, "mechanism", opt_string(it->mechanism));
		json_object_set_new(o, "detail", opt_string(it->detail));
		if (it->loc.file)
			json_object_set_new(
				o, "location",
				json_pack("{s:o,s:I,s:I}", "file",
					  bh_audit_json_string(it->loc.file),
					  "line", (json_int_t)it->loc.line,
					  "col", (json_int_t)it->loc.col));
		else
			json_object_set_new(o, "location", json_null());
		json_array_append_new(arr, o);
	}
	return arr;
}
