/* SPDX-License-Identifier: MIT */
/*
 * Resource limits and lifetime through cgroups, for every tier that can.
 *
 * One cgroup per session.  cgroup v2 where a writable hierarchy has the
 * controllers the policy needs (the root hierarchy as root, or a subtree
 * delegated to the caller: an ancestor of the caller's cgroup that it owns
 * and that holds no process), cgroup v1 hierarchies where only they have
 * the controllers (a v1/v2 hybrid host as root), and nothing otherwise, in
 * which case the caller falls back to rlimits.  The report says which held,
 * per limit.  Also used for lifetime: every process of the session is in
 * the cgroup, so cgroup.kill (v2) or a kill loop over cgroup.procs removes
 * them all, including daemons that left the process group and the session.
 *
 * Layout on disk: "<base>/bulkhead/<session>-<pid>-<start>-<pidns>" in each
 * hierarchy used, <base> being the hierarchy's mount point (or, unprivileged
 * on cgroup v2, the delegated ancestor).  The name carries the supervisor's
 * identity, so bh_cgroup_sweep() can remove what a killed supervisor left.
 * docs/limits.md has the whole picture per host layout.
 *
 * Order of use (the namespace tier, or any tier that wants the limits):
 *
 *   bh_cgroup_sweep();                  // leftovers of killed supervisors
 *   bh_cgroup_create(...)               // before fork; limits now in place
 *   bh_cgroup_guard(cg, &err)           // cleans up if we are SIGKILLed
 *   pid = clone3(CLONE_INTO_CGROUP, cgroup = bh_cgroup_fd(cg)) when >= 0,
 *         or fork()/clone()
 *   in the child, first thing, before unshare(), setuid(), or any fork:
 *         bh_cgroup_add(cg, 0)          // async-signal-safe, v1 needs it
 *     or in the parent, while the child waits on a pipe:
 *         bh_cgroup_add(cg, pid)
 *   ... bh_cgroup_kill(cg) on timeout; bh_cgroup_peaks(cg, &pk) at the end
 *   bh_cgroup_remove(cg, &err) / bh_cgroup_destroy(cg)
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "audit/report.h"
#include "core/error.h"
#include "policy/policy.h"

struct bh_cgroup; /* opaque */

struct bh_cgroup_peaks {
	uint64_t memory_bytes; /* 0 when unknown */
	uint64_t pids;	       /* 0 when unknown */
	uint64_t oom_kills; /* processes the OOM killer took in the session */
	uint64_t pids_refused; /* forks refused at the pids limit */
};

/*
 * Creates the session's cgroup and applies the policy's memory, pids and
 * cpu limits.  Each value is read back after it is written; a limit is only
 * reported once the kernel shows it.  For each of those limits that is set,
 * adds a report item (cls BH_RC_LIMIT, mechanism "cgroup v2" / "cgroup v1";
 * BH_ENF_DEGRADED when swap escapes a memory limit) when the cgroup enforces
 * it, and returns in *unmet a bitmask (1 << BH_LIMIT_*) of the ones it could
 * not, for the caller to fall back on; *unmet never names limits that
 * cgroups do not handle (time, cputime, fsize, nofile).  Adds one BH_RC_INFO
 * item "session cgroup" naming the directories.  rep may be NULL.
 *
 * Fails soft: when no cgroup can be made at all, returns 0 with *out NULL
 * (not an error) and every set limit in *unmet.  Whenever *unmet is not 0
 * or *out is NULL, *why (caller frees, else NULL) says why, one reason per
 * limit ("memory: ...; pids: ..."), for the report of the fallback.
 * Errors (-errno, err filled): a session id that is not a plain name, and a
 * limit that was written and then reads back as something else.
 */
int bh_cgroup_create(const char *session_id, const struct bh_policy *p,
		     struct bh_report *rep, struct bh_cgroup **out,
		     unsigned *unmet, char **why, struct bh_error **err);

/* A directory fd of the (v2) cgroup for clone3(CLONE_INTO_CGROUP), or -1
 * when there is no v2 cgroup (then bh_cgroup_add() is the only way in).
 * Close-on-exec; owned by cg. */
int bh_cgroup_fd(const struct bh_cgroup *cg);

/*
 * Moves pid into the cgroup, in every hierarchy.  0 or the -errno of the
 * first failure.  pid 0 is the caller itself: in a child between fork and
 * exec this is async-signal-safe (it only write()s to descriptors opened by
 * bh_cgroup_create(), which are close-on-exec).  Call it before the child
 * unshares namespaces or changes identity, and before it forks: a process
 * forked earlier stays outside.
 */
int bh_cgroup_add(const struct bh_cgroup *cg, pid_t pid);

/* The same for the v1 hierarchies only: for a process that was created in
 * the v2 cgroup (bh_clone_into()).  0 when there are none. */
int bh_cgroup_add_v1(const struct bh_cgroup *cg, pid_t pid);

/* Kills every process in the cgroup (and any cgroup below it) and waits
 * until it is empty (bounded: 5 s); returns how many were killed. */
unsigned bh_cgroup_kill(struct bh_cgroup *cg);

void bh_cgroup_peaks(const struct bh_cgroup *cg, struct bh_cgroup_peaks *pk);

/* The directory holding limit k (BH_LIMIT_MEMORY, _PIDS, _CPU), or, for
 * BH_LIMIT__COUNT, the one used for lifetime.  NULL when none.  For the
 * audit log and tests; owned by cg. */
const char *bh_cgroup_dir(const struct bh_cgroup *cg, enum bh_limit_kind k);

/*
 * Forks a guard: a small process outside the session's cgroups that, if
 * this process dies before bh_cgroup_remove() (SIGKILL, a crash), kills the
 * tree and removes the directories itself.  It ignores terminal signals
 * and holds no descriptor of ours; bh_cgroup_remove() tells it to leave
 * and reaps it.  A reaper that kills every descendant kills it too, which
 * is harmless.  Optional: the sweep covers the same case, but only at the
 * next session.  0 or -errno.
 */
int bh_cgroup_guard(struct bh_cgroup *cg, struct bh_error **err);

/* Kills what is left and removes the cgroup directories (and the shared
 * "bulkhead" parents once empty).  0, or fills err when a directory could
 * not be removed (bh_cgroup_sweep() removes it later).  Idempotent. */
int bh_cgroup_remove(struct bh_cgroup *cg, struct bh_error **err);

/* bh_cgroup_remove() unless done, then frees.  NULL ok. */
void bh_cgroup_destroy(struct bh_cgroup *cg);

static inline void bh_cgroup_destroyp(struct bh_cgroup **cg)
{
	bh_cgroup_destroy(*cg);
}
#define cleanup_cgroup __attribute__((cleanup(bh_cgroup_destroyp)))

/* Removes cgroups of sessions whose supervisor is gone (left by a
 * SIGKILL), killing what still runs in them.  Best effort, quiet; returns
 * how many directories were removed. */
unsigned bh_cgroup_sweep(void);

/* One line on this host's cgroup layout and what bulkhead can use there,
 * for `bulkhead tiers` and the docs.  Caller frees. */
char *bh_cgroup_describe_host(void);
