/* SPDX-License-Identifier: MIT */
#include "confine/limits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "core/util.h"

static void add_rlimit(struct bh_limits *l, int res, uint64_t v)
{
	if (l->n_rlimits >= BH_ARRAY_SIZE(l->rlimits))
		return;
	struct bh_rlimit_set *r = &l->rlimits[l->n_rlimits++];
	r->resource = res;
	r->lim.rlim_cur = r->lim.rlim_max = (rlim_t)v;
}

int bh_limits_prepare(const char *session_id, const struct bh_policy *p,
		      uid_t uid, const char *time_how, struct bh_report *rep,
		      struct bh_limits *out, struct bh_error **err)
{
	memset(out, 0, sizeof(*out));
	(void)bh_cgroup_sweep();
	unsigned unmet = 0;
	cleanup_free char *why = NULL;
	int r = bh_cgroup_create(session_id, p, rep, &out->cgroup, &unmet,
				 &why, err);
	if (r)
		return r;
	if (out->cgroup) {
		struct bh_error *gerr = NULL;
		/* Optional: without the guard, the next start's sweep
		 * removes what a SIGKILL leaves. */
		if (bh_cgroup_guard(out->cgroup, &gerr) != 0)
			bh_error_free(gerr);
	}
	const char *because = why ? why : "no cgroup here";

	for (int i = 0; i < BH_LIMIT__COUNT; i++) {
		const struct bh_limit_rule *lr = &p->limits[i];
		if (!lr->set)
			continue;
		bool fallback = unmet & (1u << i);
		cleanup_free char *val = bh_limit_to_text(i, lr->value);
		cleanup_free char *rule =
			bh_xasprintf("limit %s %s", bh_limit_name(i), val);
		const struct bh_loc *loc = lr->loc.file ? &lr->loc : NULL;
		switch (i) {
		case BH_LIMIT_MEMORY:
			if (!fallback)
				break;
			add_rlimit(out, RLIMIT_AS, lr->value);
			bh_report_add(rep, BH_RC_LIMIT, BH_ENF_DEGRADED, rule,
				      loc, "rlimit",
				      "RLIMIT_AS caps each process's address "
				      "space, not the tree's memory (%s)",
				      because);
			break;
		case BH_LIMIT_PIDS:
			if (!fallback)
				break;
			add_rlimit(out, RLIMIT_NPROC, lr->value);
			bh_report_add(rep, BH_RC_LIMIT, BH_ENF_DEGRADED, rule,
				      loc, "rlimit",
				      "RLIMIT_NPROC counts every process of uid "
				      "%u, not only the sandbox's (%s)",
				      (unsigned)uid, because);
			break;
		case BH_LIMIT_CPU:
			if (!fallback)
				break;
			bh_report_add(rep, BH_RC_LIMIT, BH_ENF_UNSUPPORTED,
				      rule, loc, "none",
				      "CPU bandwidth needs a cgroup (%s)",
				      because);
			break;
		case BH_LIMIT_CPUTIME:
			add_rlimit(out, RLIMIT_CPU, lr->value);
			bh_report_add(rep, BH_RC_LIMIT, BH_ENF_DEGRADED, rule,
				      loc, "rlimit",
				      "RLIMIT_CPU applies per process, not to "
				      "the whole tree");
			break;
		case BH_LIMIT_TIME:
			bh_report_add(rep, BH_RC_LIMIT, BH_ENF_ENFORCED, rule,
				      loc, "supervisor", "%s", time_how);
			break;
		case BH_LIMIT_FSIZE:
			add_rlimit(out, RLIMIT_FSIZE, lr->value);
			bh_report_add(rep, BH_RC_LIMIT, BH_ENF_ENFORCED, rule,
				      loc, "rlimit", "RLIMIT_FSIZE");
			break;
		case BH_LIMIT_NOFILE:
			add_rlimit(out, RLIMIT_NOFILE, lr->value);
			bh_report_add(rep, BH_RC_LIMIT, BH_ENF_ENFORCED, rule,
				      loc, "rlimit", "RLIMIT_NOFILE");
			break;
		}
	}
	return 0;
}

void bh_limits_release(struct bh_limits *l)
{
	if (!l)
		return;
	bh_cgroup_destroy(l->cgroup);
	l->cgroup = NULL;
}
