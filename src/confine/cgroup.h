/* SPDX-License-Identifier: MIT */
/*
 * Resource limits and lifetime through cgroups, for every tier that can.
 *
 * One cgroup per session.  cgroup v2 where a writable hierarchy has the
 * controllers the policy needs (the root hierarchy as root, or a subtree
 * delegated to the caller: the cgroup the caller's process is in, when it
 * owns it), cgroup v1 hierarchies where only they have the controllers (a
 * v1/v2 hybrid host as root), and nothing otherwise, in which case the
 * caller falls back to rlimits.  The report says which held, per limit.
 * Also used for lifetime: every process of the session is in the cgroup,
 * so cgroup.kill (v2) or a kill loop over cgroup.procs removes them all.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "audit/report.h"
#include "policy/policy.h"

struct bh_cgroup; /* opaque */

struct bh_cgroup_peaks {
	uint64_t memory_bytes; /* 0 when unknown */
	uint64_t pids;         /* 0 when unknown */
	uint64_t oom_kills;
};

/*
 * Creates the session's cgroup and applies the policy's memory, pids and
 * cpu limits.  For each of those limits that is set, adds a report item
 * (cls BH_RC_LIMIT, mechanism "cgroup v2" / "cgroup v1") when the cgroup
 * enforces it, and returns in *unmet a bitmask (1 << BH_LIMIT_*) of the
 * ones it could not, for the caller to fall back on.  When no cgroup can be
 * made at all, returns 0 with *out NULL (not an error) and everything set
 * in *unmet; *why (caller frees) says why, for the report.
 */
int bh_cgroup_create(const char *session_id, const struct bh_policy *p,
		     struct bh_report *rep, struct bh_cgroup **out,
		     unsigned *unmet, char **why, struct bh_error **err);

/* A directory fd of the (v2) cgroup for clone3(CLONE_INTO_CGROUP), or -1
 * (v1 only: use bh_cgroup_add()). */
int bh_cgroup_fd(const struct bh_cgroup *cg);

/* Moves pid into the cgroup (every hierarchy).  0 or -errno.  May be called
 * in the child for itself (pid 0 = self): async-signal-safe. */
int bh_cgroup_add(const struct bh_cgroup *cg, pid_t pid);

/* Kills every process in the cgroup and waits until it is empty (bounded);
 * returns how many were killed. */
unsigned bh_cgroup_kill(struct bh_cgroup *cg);

void bh_cgroup_peaks(const struct bh_cgroup *cg, struct bh_cgroup_peaks *pk);

/* Kills what is left, removes the cgroup directories, frees.  NULL ok. */
void bh_cgroup_destroy(struct bh_cgroup *cg);

/* Removes cgroups of sessions whose supervisor is gone (left by a
 * SIGKILL).  Best effort, quiet; returns how many were removed. */
unsigned bh_cgroup_sweep(void);
