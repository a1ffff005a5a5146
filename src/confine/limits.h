/* SPDX-License-Identifier: MIT */
/*
 * The policy's resource limits, for any tier: a session cgroup where one
 * can be made (memory, pids, cpu; also the whole-tree kill), rlimits for
 * what it cannot hold and for the per-process limits, and the supervisor
 * for wall-clock time.  Every limit gets one report item saying which of
 * these held it (DESIGN.md "Traps": rlimits are never reported enforced
 * for what they only approximate).
 */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "audit/report.h"
#include "confine/cgroup.h"
#include "confine/spawn.h"
#include "policy/policy.h"

struct bh_limits {
	struct bh_cgroup *cgroup; /* NULL when none could be made */
	struct bh_rlimit_set rlimits[8];
	size_t n_rlimits;
};

/*
 * Sets up the limits of policy p for a session: creates the cgroup (after
 * sweeping leftovers of killed supervisors), starts its guard, and fills
 * the rlimits for the child.  `time_how` says how the tier enforces the
 * wall-clock limit, for the report.
 */
int bh_limits_prepare(const char *session_id, const struct bh_policy *p,
		      uid_t uid, const char *time_how, struct bh_report *rep,
		      struct bh_limits *out, struct bh_error **err);

/* Kills what is left in the cgroup, removes it, frees.  Safe to repeat. */
void bh_limits_release(struct bh_limits *l);
