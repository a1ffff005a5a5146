/* SPDX-License-Identifier: MIT */
/*
 * The one backend interface (STYLE.md rule 6).  A tier compiles the policy
 * to its mechanism in prepare() (filling the enforcement report, making no
 * change visible to the host beyond open descriptors), starts the command in
 * launch(), and releases everything in destroy().  Tiers depend on
 * src/confine, never on each other.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "audit/report.h"
#include "confine/cgroup.h"
#include "confine/pty.h"
#include "confine/spawn.h"
#include "policy/policy.h"

/* Everything a tier needs for one launch, owned by the caller. */
struct bh_session {
	const struct bh_policy *policy;
	/* Path rules bulkhead adds itself: the private HOME and TMPDIR
	 * (write), the state directory (hide).  Merged with the policy's. */
	const struct bh_path_rule *implicit_paths;
	size_t n_implicit_paths;

	const char *workspace;
	const char *cwd;          /* where the command starts */
	char *const *argv;
	char *const *envp;
	const char *search_path;  /* the sandbox's PATH */
	bool set_ids;             /* root caller: run as uid/gid below */
	uid_t uid;
	gid_t gid;

	/* Overlay workspace mode: the session's layers (else NULL). */
	const char *ws_upper;
	const char *ws_work;
	const char *session_id;
	const char *state_dir;    /* hidden from the sandbox; journals */
	/* Egress: the port the sandbox reaches its proxy on (127.0.0.1), 0
	 * for none.  The namespace tier's launch() sets proxy_listen_fd to
	 * the listening socket its init made inside the sandbox's network
	 * namespace (owned by the caller from then on). */
	unsigned proxy_port;
	int proxy_listen_fd;
	/* Called by a tier that makes the proxy's socket during launch, once
	 * it exists and before the command can run: the caller starts the
	 * proxy on it.  Non-zero stops the launch (fail closed). */
	int (*egress_ready)(struct bh_session *s, int listen_fd, void *ctx);
	void *egress_ctx;
	const char *rundir;       /* the session's private host directory */
	/* microvm warm mode (`run --serve PATH`): serve commands from
	 * clients of this unix socket instead of running argv; NULL. */
	const char *serve_path;
	/* Warm mode: called in the tier's own process after each command
	 * it served, for that command's audit record; may be NULL. */
	void (*exec_record)(void *ctx, char *const *argv, int wait_status,
			    double duration_ms);
	void *exec_ctx;

	struct bh_report *report; /* filled by prepare() */
	/* The session's cgroup when the tier made one (owned by the tier):
	 * the supervisor kills through it and reads its peaks. */
	struct bh_cgroup *cgroup;
	/* The command's terminal when the supervisor relays one (set before
	 * launch; the tiers hand it to the child). */
	const struct bh_pty *pty;
	void *tier_state;         /* the tier's own */
};

struct bh_tier_ops {
	const char *name;
	enum bh_tier_id id;
	/* 0 when the tier can run here; otherwise -errno and *why (caller
	 * frees) says what is missing and how to fix it. */
	int (*probe)(char **why);
	int (*prepare)(struct bh_session *s, struct bh_error **err);
	/* Starts the command.  See bh_spawn() for the results. */
	int (*launch)(struct bh_session *s, pid_t *pid,
		      struct bh_spawn_failure *fail, struct bh_error **err);
	/* Turns the wait status of the launched pid into the command's own
	 * (a tier with an init of its own learns it from that init); NULL:
	 * the status is the command's. */
	int (*command_status)(struct bh_session *s, int raw_status);
	void (*destroy)(struct bh_session *s);
	/* Removes what sessions of this tier whose supervisor was killed
	 * left behind (journaled under state_dir/journal); may be NULL. */
	void (*sweep)(const char *state_dir);
	/* Passes a signal the supervisor received to the command when
	 * signalling the launched pid would not; true when done.  May be
	 * NULL. */
	bool (*forward_signal)(struct bh_session *s, int sig);
};

/* Runs every tier's sweep: bulkhead's start-up cleanup. */
void bh_tier_sweep_all(const char *state_dir);

/* The policy's path rules followed by the session's implicit ones, as
 * one list for bh_fsplan_build().  Caller frees the array (not the
 * rules). */
/* For the tiers whose relay reaches the proxy by a unix socket (gvisor,
 * microvm): the socket at path (0600, owned by uid), and the proxy
 * started on it through s->egress_ready.  Fails closed: no proxy, an
 * error, and the caller does not launch. */
int bh_session_proxy_unix(struct bh_session *s, const char *path, uid_t uid,
			  struct bh_error **err);

const struct bh_path_rule **bh_session_path_rules(const struct bh_session *s,
						  size_t *n);

/* The backend for a tier, or NULL when this build has none. */
const struct bh_tier_ops *bh_tier_ops_get(enum bh_tier_id id);

/*
 * Resolves the tier to use: `requested` (flag or profile, or AUTO/UNSET)
 * against what probes here and the profile's minimum.  Returns the ops or
 * NULL with err filled (why the tier cannot run / why the minimum cannot be
 * met).  *note (caller frees, may stay NULL) says what auto gave up.
 */
const struct bh_tier_ops *bh_tier_choose(enum bh_tier_id requested,
					 enum bh_tier_id minimum, char **note,
					 struct bh_error **err);
