/* SPDX-License-Identifier: MIT */
/*
 * Applying an overlay session's changes to the real workspace: what is
 * refused and why (the plan), and the copy itself, atomic per file.
 * docs/workspace.md states the rules; this is their one implementation.
 */
#pragma once

#include <stdbool.h>

#include "workspace/changes.h"
#include "workspace/overlay.h"

/* Where the upper layer's file system keeps no birth times, a workspace
 * entry whose ctime is later than the session's start minus this much
 * counts as changed meanwhile (file times come from a coarse clock that
 * may lag the one the start was read from). */
#define BH_WS_CONFLICT_MARGIN_NS (20LL * 1000 * 1000)

/*
 * Adds to each change's refusal bits what depends on the session and the
 * trees: a protected path of the session, setuid/setgid bits, a symlink
 * that resolves outside the workspace in the tree apply would produce, and
 * a conflict: the workspace entry changed after the session took its copy
 * of it (its ctime is later than the upper entry's birth time, or than the
 * session's start where there are no birth times).
 */
void bh_ws_plan(struct bh_ws_changes *c, char *const *protected_paths,
		long long created_ns, int lower_fd, int upper_fd);

/* True when path (workspace-relative) is a protected path, lies below one,
 * or is an ancestor of one (replacing `.git` replaces `.git/hooks`).
 * Pure. */
bool bh_ws_path_protected(const char *path, char *const *protected_paths);

/*
 * True when a symlink at linkpath (workspace-relative) with this target
 * leaves the workspace: an absolute target, a ".." above the top, or a
 * symlink on the way (upper layer first, then the workspace) that does; 40
 * links deep counts as leaving.
 */
bool bh_ws_link_escapes(int lower_fd, int upper_fd, const char *linkpath,
			const char *target);

/* One reason (a single BH_WS_R_* bit) in words; the option that allows it,
 * or NULL when nothing does. */
const char *bh_ws_refusal_text(unsigned bit);
const char *bh_ws_refusal_option(unsigned bit);

struct bh_ws_apply_opts {
	unsigned allow; /* BH_WS_R_* consent bits granted by options */
	bool rest;	/* --yes: apply what is allowed, leave out the rest */
	bool dry_run;
	/* Interactive only: asked for each change that needs consent, then
	 * whether to apply the rest; returns true for yes.  NULL: never
	 * ask. */
	bool (*ask)(void *ctx, const char *question);
	void *ask_ctx;
};

struct bh_ws_apply_result {
	size_t applied, same, left_out;
	bool blocked; /* nothing applied: an unsupported change */
	bool refused; /* nothing applied: something refused, no --yes */
};

/*
 * Decides what to apply (options, then questions), then applies it:
 * removals deepest first, then additions and replacements in path order,
 * each file written to a temp file in its directory, fsync'ed and renamed
 * over the old one.  Sets each change's outcome.  Returns 0 when it ran to
 * the end (the result says what happened), or -errno when a change failed
 * (err names it; the changes before it stay applied, and a new apply
 * continues from there, since what is applied no longer differs).
 */
int bh_ws_apply(struct bh_ws_changes *c, int ws_fd, int upper_fd,
		const struct bh_ws_apply_opts *o,
		struct bh_ws_apply_result *res, struct bh_error **err);
