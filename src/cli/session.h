/* SPDX-License-Identifier: MIT */
/*
 * What `run` and `explain` share: options, the workspace, the session's
 * private directories, the policy, the environment, the tier and its
 * enforcement report.  Everything up to (not including) the launch.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "confine/env.h"
#include "policy/policy.h"
#include "secrets/secrets.h"
#include "tier/tier.h"
#include "workspace/overlay.h"
#include "net/egress.h"

struct bh_cli_opts {
	const char *profile;   /* -p; NULL = "default" */
	enum bh_tier_id tier;  /* -t; UNSET = profile's, else auto */
	const char *workspace; /* -w; NULL = git top or cwd */
	bool force_workspace;
	bool strict;
	bool quiet;
	bool json;
	bool print_env;
	int pty;               /* 1 --pty, -1 --no-pty, 0 auto */
	int ws_mode;           /* -1: the profile's; else enum bh_ws_mode */
	long uid, gid;         /* --uid; -1 = default */
	/* --grant-self: read and execute of the bulkhead binary itself, so
	 * `inventory` can run its scanner inside the sandbox. */
	bool grant_self;
	/* --serve PATH: the microvm tier's warm mode. */
	const char *serve;
};

struct bh_prepared {
	char session_id[40];
	char *cwd;
	char *workspace;
	char *host_home;
	char *self_exe; /* --grant-self: the binary's real path */
	char *state_dir;
	char *rundir;        /* /tmp/bulkhead-XXXXXX: private HOME and TMPDIR */
	char *rundir_journal; /* STATE/journal/ID.PID.rundir */
	char *priv_home;
	char *priv_tmp;
	unsigned char key[32]; /* fingerprint key (state_dir/key) */

	struct bh_policy *policy;
	struct bh_path_rule implicit[8];
	char *gitdir; /* the workspace's .git file points here (owned) */
	char *gitdir_paths[2];
	size_t n_implicit;
	struct bh_secrets *secrets;
	struct bh_env_result *env;
	const char *search_path;

	struct bh_egress egress;  /* the proxy, when the policy allows hosts */
	struct bh_ws_session *ws; /* overlay mode: the session kept for review */
	bool keep_ws;             /* the command ran: keep it for review */

	const struct bh_tier_ops *tier;
	char *tier_note;
	struct bh_session sess;
	bool prepared; /* tier->prepare ran (destroy needed) */
};

/* Parses the options common to run and explain.  Returns the index of the
 * first unparsed argument, or -1 after printing a usage error (exit 2) and
 * -2 after printing help (exit 0).  `help` is the subcommand's help text. */
int bh_cli_parse_opts(int argc, char **argv, struct bh_cli_opts *o,
		      bool allow_run_opts, const char *help);

/*
 * Resolves the workspace and identity, creates the private directories,
 * loads the policy, builds the environment, chooses and prepares the tier
 * (filling the enforcement report).  On failure everything created so far
 * is removed by bh_prepared_cleanup(), which the caller always calls.
 */
int bh_prepare(const struct bh_cli_opts *o, char *const *argv,
	       struct bh_prepared *p, struct bh_error **err);

/* Releases the tier, removes the private directories, frees everything. */
void bh_prepared_cleanup(struct bh_prepared *p);

/* Loads profile `spec` as every subcommand does: built-ins, then
 * ~/.config/bulkhead/profiles/NAME.profile, then a path (DESIGN.md
 * settled question 11). */
int bh_cli_load_profile(const char *spec, const struct bh_policy_vars *vars,
			struct bh_policy **out, struct bh_error **err);

/* The workspace as every subcommand finds it: `flag` (-w) made real, else
 * the top of the git work tree containing cwd, else cwd.  Caller frees;
 * NULL with err filled when -w does not resolve. */
char *bh_cli_workspace_path(const char *flag, const char *cwd,
			    struct bh_error **err);

/* $HOME when absolute, else the passwd entry's home.  Caller frees. */
char *bh_cli_host_home(void);

/* Loads (creating on first use) the per-user fingerprint key. */
int bh_load_key(const char *state_dir, unsigned char key[32],
		struct bh_error **err);

/* Appends one record of event `event` under a new session id of its own
 * (a decision, an inventory: complete in one record) to STATE/audit.jsonl,
 * with the fields of `fields` (a json_t object, borrowed).  A log that
 * cannot be written is reported on stderr, not fatal: the command's own
 * result stands either way. */
void bh_cli_audit_one(const char *state_dir, const char *event, void *fields);
