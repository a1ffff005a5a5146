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
 */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "core/error.h"

struct bh_ws_session; /* opaque */

/* Creates STATE/sessions/ID (0700) with empty upper/ and work/ and
 * meta.json.  `protected` lists workspace-relative protected paths
 * (NULL-terminated), recorded so apply refuses them later.  Caller frees
 * with bh_ws_session_free(). */
int bh_ws_session_create(const char *state_dir, const char *id,
			 const char *workspace, const char *profile,
			 char *const *protected_paths,
			 struct bh_ws_session **out, struct bh_error **err);

/* Opens an existing session by id or unique id prefix. */
int bh_ws_session_open(const char *state_dir, const char *id,
		       struct bh_ws_session **out, struct bh_error **err);

const char *bh_ws_session_id(const struct bh_ws_session *s);
const char *bh_ws_session_upper(const struct bh_ws_session *s);
const char *bh_ws_session_work(const struct bh_ws_session *s);
const char *bh_ws_session_workspace(const struct bh_ws_session *s);

/* Records the session's state in meta.json ("running", "ended",
 * "applied"), atomically (write temp + rename). */
int bh_ws_session_set_state(struct bh_ws_session *s, const char *state,
			    struct bh_error **err);

void bh_ws_session_free(struct bh_ws_session *s);
