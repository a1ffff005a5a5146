/* SPDX-License-Identifier: MIT */
/*
 * The pre-exec child and the supervisor's reaper.
 *
 * DESIGN.md decision 4: one function runs the fixed enforcement sequence in
 * the child (new session, working directory, rlimits, identity, capabilities,
 * no_new_privs, Landlock, seccomp last, every inherited fd closed, exec).  The
 * child only reports {stage, errno} over a close-on-exec pipe; the parent
 * turns that into one clear line.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "confine/cgroup.h"
#include "confine/landlock.h"
#include "confine/pty.h"
#include "confine/seccomp.h"

enum bh_stage {
	BH_STAGE_NONE = 0,
	BH_STAGE_PDEATHSIG,
	BH_STAGE_SETSID,
	BH_STAGE_CHDIR,
	BH_STAGE_RLIMIT,
	BH_STAGE_SETGROUPS,
	BH_STAGE_SETGID,
	BH_STAGE_SETUID,
	BH_STAGE_CAPS,
	BH_STAGE_NO_NEW_PRIVS,
	BH_STAGE_LANDLOCK,
	BH_STAGE_SECCOMP,
	BH_STAGE_CLOSE_FDS,
	BH_STAGE_EXEC,
	BH_STAGE_EXEC_NOT_FOUND,
	BH_STAGE_USERNS, /* namespace tier: creating or mapping the user ns */
	BH_STAGE_MOUNT,  /* namespace tier: building the root (detail: op) */
	BH_STAGE_CGROUP, /* joining the session's cgroup */
	BH_STAGE_TTY,    /* making the pty the controlling terminal */
	BH_STAGE_EGRESS, /* namespace tier: the proxy's socket */
};
const char *bh_stage_name(enum bh_stage s);

struct bh_rlimit_set {
	int resource;
	struct rlimit lim;
};

struct bh_spawn_failure {
	enum bh_stage stage;
	int err;    /* positive errno */
	int detail; /* stage-specific (the mount operation), or -1/0 */
};

struct bh_child_plan {
	char *const *argv;
	char *const *envp;
	const char *search_path; /* PATH used to find argv[0] (the sandbox's) */
	const char *cwd;
	bool set_ids;            /* switch to uid/gid (root callers) */
	uid_t uid;
	gid_t gid;
	int cap_last;            /* /proc/sys/kernel/cap_last_cap */
	bool clear_bounding;     /* clear the bounding set even though not
				    root in the initial namespace (a user
				    namespace's init may) */
	bool keep_caps;          /* keep the caller's capabilities: the child
				    is a runtime (runsc) that needs them to
				    build its sandbox and drops them itself */
	const struct bh_rlimit_set *rlimits;
	size_t n_rlimits;
	const struct bh_landlock *landlock; /* may be NULL */
	const struct bh_seccomp_prog *seccomp; /* may be NULL */
	const struct bh_cgroup *cgroup; /* joined first thing; may be NULL */
	const struct bh_pty *pty; /* the command's terminal, or NULL */
	/* Run in the child after it joined its session and terminal, before
	 * the directory change: the gvisor tier builds runsc's root there.
	 * Nonzero fails the launch with *f (stage, positive errno, detail)
	 * as the child's report.  May run in the caller's memory (vfork):
	 * system calls only, no allocation. */
	int (*pre_exec)(void *arg, struct bh_spawn_failure *f);
	void *pre_exec_arg;
};


/*
 * Forks the child and runs the sequence.  Returns 0 with *pid set once the
 * child has exec'd, or -errno with *fail filled when the child reported a
 * failure (it has then exited and been reaped, *status holds its wait
 * status) or with err filled when fork itself failed.
 * Signals blocked in the caller are unblocked in the child.
 */
int bh_spawn(const struct bh_child_plan *plan, pid_t *pid,
	     struct bh_spawn_failure *fail, struct bh_error **err);

/*
 * Forks a child that runs the sequence and reports a failure as a struct
 * bh_spawn_failure on efd (which the caller passes, and should close after
 * this returns, so that EOF on its read end means the exec happened).
 * Returns the child's pid or -errno.  For a tier's own init process.
 */
pid_t bh_spawn_async(const struct bh_child_plan *plan, int efd);

/*
 * A fork (clone with `flags`, e.g. namespaces) whose child starts in the
 * session's v2 cgroup when cg has one (clone3 with CLONE_INTO_CGROUP), so
 * that nobody has to move it there; *in_v2 says whether that happened (then
 * only the v1 hierarchies are left: bh_cgroup_add_v1()).  Returns the pid,
 * 0 in the child, or -errno.
 */
pid_t bh_clone_into(const struct bh_cgroup *cg, unsigned long flags,
		    bool *in_v2);

/* The highest capability number of this kernel
 * (/proc/sys/kernel/cap_last_cap), 63 when unknown. */
int bh_cap_last(void);

/* Kills every remaining descendant (the caller must be a child subreaper)
 * until none is left; returns how many processes were killed. */
unsigned bh_kill_descendants(void);
