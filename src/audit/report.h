/* SPDX-License-Identifier: MIT */
/*
 * The enforcement report (DESIGN.md decision 1): for one policy on one tier,
 * each rule with what the tier really did with it.  Printed by `explain`,
 * written to the audit log at session start, and checked against the
 * profile's strictness before anything is launched.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "policy/policy.h"

enum bh_enforcement {
	BH_ENF_ENFORCED = 0,
	BH_ENF_DEGRADED,    /* enforced weaker; `detail` says how */
	BH_ENF_UNSUPPORTED, /* not enforced at all */
};
const char *bh_enforcement_name(enum bh_enforcement e);

/* What a rule protects decides whether its failure stops the launch
 * (DESIGN.md settled question 2). */
enum bh_rule_class {
	BH_RC_GUARD = 0, /* confidentiality/integrity: read/write/exec roots,
			    hide, protect, env, net, syscalls */
	BH_RC_LIMIT,     /* resource limits: never stop unless strict */
	BH_RC_INFO,      /* facts about the tier (mechanism, ABI): never stop */
};

struct bh_report_item {
	char *rule;      /* "write /home/u/proj", "net none", "limit memory 4G" */
	struct bh_loc loc; /* file may be NULL for implicit rules; the
			      report's own copy, freed with it */
	enum bh_rule_class cls;
	enum bh_enforcement status;
	char *mechanism; /* "landlock", "seccomp", "rlimit", "supervisor", ... */
	char *detail;    /* how it is degraded / why unsupported / notes; may be NULL */
};

struct bh_report {
	char *tier; /* "kernel" */
	struct bh_report_item *items;
	size_t n_items;
	size_t cap;
};

struct bh_report *bh_report_new(const char *tier);
void bh_report_free(struct bh_report *r);

/* Adds an item.  `loc` may be NULL.  `detail` is printf-formatted, may be
 * NULL. */
__attribute__((format(printf, 7, 8))) void
bh_report_add(struct bh_report *r, enum bh_rule_class cls,
	      enum bh_enforcement status, const char *rule,
	      const struct bh_loc *loc, const char *mechanism,
	      const char *detail_fmt, ...);

/* Counts of items per status. */
void bh_report_counts(const struct bh_report *r, size_t *enforced,
		      size_t *degraded, size_t *unsupported);

/*
 * Checks the report against the launch rules: a GUARD rule that is
 * unsupported stops the launch; with `strict`, any degraded or unsupported
 * GUARD or LIMIT rule does too.  Returns 0 or fills err (BH_EK_PROFILE,
 * naming the rule and its location).
 */
int bh_report_check(const struct bh_report *r, bool strict,
		    struct bh_error **err);

/* Human-readable report, one rule per line.  Caller frees. */
char *bh_report_format_text(const struct bh_report *r);
/* As a JSON array of objects (json_t *, caller owns). */
void *bh_report_to_json(const struct bh_report *r);
