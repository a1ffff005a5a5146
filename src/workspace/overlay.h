/* SPDX-License-Identifier: MIT */
/*
 * Reviewable workspaces (issue 3, "overlay" workspace mode).
 *
 * In overlay mode the real workspace is the lower layer of an overlayfs
 * whose upper layer lives in the state directory, outside every sandbox:
 *   STATE/sessions/ID/meta.json   workspace path, times, profile, protected
 *                                 paths, state (running/ended/applied)
 *   STATE/sessions/ID/upper/      the agent's changes (overlayfs upper dir)
 *   STATE/sessions/ID/work/       overlayfs work dir
 * The session survives a crash of the supervisor or the sandbox until it is
 * applied or discarded.  `bulkhead diff|apply|discard|sessions` read it.
 * docs/workspace.md describes the layout, meta.json and the semantics.
 *
 * Errors with code ENOENT mean "no such session", ENOTUNIQ "the prefix
 * names several", EBUSY "another bulkhead holds it"; a malformed id is a
 * usage error.
 */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "core/error.h"

struct bh_ws_session; /* opaque */

/* Which extended attributes carry overlayfs's own markers (opaque
 * directories, redirects) in the upper layer.  A mount inside a user
 * namespace needs `userxattr` and uses user.overlay.*; a mount by real root
 * uses trusted.overlay.*.  It matters for reading the layer back: in a
 * trusted mount the sandbox can set user.overlay.* itself, so those must
 * not be believed. */
enum bh_ws_xattr {
	BH_WS_XATTR_TRUSTED = 0,
	BH_WS_XATTR_USER = 1,
};

/* States, as recorded in meta.json. */
#define BH_WS_STATE_RUNNING "running" /* the supervisor is (or was) running */
#define BH_WS_STATE_ENDED "ended"     /* the sandbox ended; ready for review */
#define BH_WS_STATE_PARTIAL "partial" /* applied in part (see apply) */
#define BH_WS_STATE_APPLIED "applied" /* every change applied */
#define BH_WS_STATE_DISCARDING                                                 \
	"discarding"		    /* discard started, not finished           \
				     */
#define BH_WS_STATE_BROKEN "broken" /* meta.json missing or unreadable */

/*
 * Creates STATE/sessions/ID (0700) with empty upper/ and work/ and
 * meta.json (state "running", the caller's pid as the supervisor).
 * `protected_paths` lists the protected paths (NULL-terminated, may be
 * NULL), workspace-relative or absolute (those outside the workspace are
 * dropped), recorded so apply refuses them later.
 * upper/ gets the workspace root's permission bits (and, for root, its
 * owner): overlayfs shows the merged root with the upper directory's
 * attributes.  The xattr namespace defaults to trusted for root and user
 * otherwise; call bh_ws_session_set_xattr() when the mount differs.
 * Caller frees with bh_ws_session_free().
 */
int bh_ws_session_create(const char *state_dir, const char *id,
			 const char *workspace, const char *profile,
			 char *const *protected_paths,
			 struct bh_ws_session **out, struct bh_error **err);

/* Opens an existing session by id or unique id prefix.  Caller frees.  A
 * session directory whose meta.json is missing or malformed (a crash while
 * it was created) opens in state "broken": it can only be discarded. */
int bh_ws_session_open(const char *state_dir, const char *id,
		       struct bh_ws_session **out, struct bh_error **err);

/* The ids of every session, sorted (oldest first).  A missing sessions
 * directory is an empty list.  Caller frees with bh_strv_free(). */
int bh_ws_session_list(const char *state_dir, char ***ids,
		       struct bh_error **err);

const char *bh_ws_session_id(const struct bh_ws_session *s);
const char *bh_ws_session_upper(const struct bh_ws_session *s);
const char *bh_ws_session_work(const struct bh_ws_session *s);
const char *bh_ws_session_workspace(const struct bh_ws_session *s);
const char *bh_ws_session_dir(const struct bh_ws_session *s);
const char *bh_ws_session_profile(const struct bh_ws_session *s);
/* RFC 3339, UTC, microseconds. */
const char *bh_ws_session_created(const struct bh_ws_session *s);
/* The same instant in nanoseconds since the epoch. */
long long bh_ws_session_created_ns(const struct bh_ws_session *s);
/* The recorded state (one of BH_WS_STATE_*). */
const char *bh_ws_session_state(const struct bh_ws_session *s);
/* NULL-terminated, never NULL. */
char *const *bh_ws_session_protected(const struct bh_ws_session *s);
enum bh_ws_xattr bh_ws_session_xattr(const struct bh_ws_session *s);

/* True when the state is "running" and the supervisor that created the
 * session still exists (same pid and start time). */
bool bh_ws_session_alive(const struct bh_ws_session *s);

/* The state to show: the recorded one, but "interrupted" for a session
 * recorded running whose supervisor is gone (killed, crashed). */
const char *bh_ws_session_display_state(const struct bh_ws_session *s);

/* Records the session's state in meta.json (one of BH_WS_STATE_*), atomically
 * (write temp, fsync, rename, fsync the directory). */
int bh_ws_session_set_state(struct bh_ws_session *s, const char *state,
			    struct bh_error **err);

/* Records which xattr namespace the overlay mount uses. */
int bh_ws_session_set_xattr(struct bh_ws_session *s, enum bh_ws_xattr x,
			    struct bh_error **err);

/* Takes an exclusive lock on the session for this process (apply and
 * discard), without waiting: EBUSY when another bulkhead holds it.  The
 * lock goes with bh_ws_session_free(). */
int bh_ws_session_lock(struct bh_ws_session *s, struct bh_error **err);

/* Opens the upper directory (O_NOFOLLOW).  Returns an fd, caller closes. */
int bh_ws_session_open_upper(const struct bh_ws_session *s,
			     struct bh_error **err);

/* Opens the workspace directory, refusing (ESTALE) a path that no longer
 * names the directory the session started on (compared by device and
 * inode) and a final component that is a symlink.  Returns an fd. */
int bh_ws_session_open_workspace(const struct bh_ws_session *s,
				 struct bh_error **err);

/*
 * Removes the session: marks it "discarding", removes upper/ and work/
 * (never following a symlink in them), then the directory.  What cannot be
 * removed (files of other uids left by a user-namespace mount, say) stays,
 * with the session marked "discarding" so the removal can be retried; then
 * *leftover (caller frees) lists up to a few of the paths, and the error
 * says how many.  Frees s in every case.
 */
int bh_ws_session_discard(struct bh_ws_session *s, char **leftover,
			  struct bh_error **err);

void bh_ws_session_free(struct bh_ws_session *s);
