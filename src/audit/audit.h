/* SPDX-License-Identifier: MIT */
/*
 * The audit log: one JSON Lines file per host user, outside every sandbox
 * (DESIGN.md settled question 6):
 *   ${XDG_STATE_HOME:-$HOME/.local/state}/bulkhead/audit.jsonl
 * Each record is one line written with one write() under flock(LOCK_EX) on an
 * O_APPEND descriptor, so concurrent sessions never interleave; a crash loses
 * at most the record being written, never an earlier one.  Every record
 * carries "session".  Records are built and read with jansson.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

/* The state directory (audit log, keys, sessions).  Pure.  Caller frees.
 * xdg_state_home may be NULL or empty; relative values are ignored as the
 * XDG spec requires. */
char *bh_state_dir(const char *home, const char *xdg_state_home);

/* The caller's log: bh_state_dir($HOME, or the passwd entry's home when
 * HOME is not absolute; $XDG_STATE_HOME) + "/audit.jsonl".  The one place
 * writers and `bulkhead log` agree on.  Caller frees; NULL when no home is
 * known. */
char *bh_audit_default_path(void);

struct bh_audit; /* an open log, opaque */

/* Opens (creating 0700 directories and a 0600 file) the log at path.
 * Refuses (EPERM/ELOOP) a directory or file that is a symlink, not owned by
 * the caller, or writable by others, and a file with more than one link.
 * Caller closes with bh_audit_close(). */
int bh_audit_open(const char *path, struct bh_audit **out,
		  struct bh_error **err);

/* Appends one record (a json_t * object; borrowed).  Adds "time" (RFC 3339,
 * UTC, with microseconds) when the record has none. */
int bh_audit_write(struct bh_audit *a, void *record, struct bh_error **err);

/* fsync()s the file. */
int bh_audit_sync(struct bh_audit *a, struct bh_error **err);

void bh_audit_close(struct bh_audit *a); /* accepts NULL */

/*
 * Reads the log at path, calling cb for each record (a json_t * object,
 * borrowed for the call, always with a string "session").  A line that is
 * not such an object (a torn write) is counted in `bad_lines` and skipped.  cb returns non-zero to stop:
 * a positive value stops with 0, a negative one is returned as is (cb fills
 * its own error).  A log that does not exist is an error with code ENOENT.
 */
int bh_audit_read(const char *path,
		  int (*cb)(void *ctx, void *record, unsigned line), void *ctx,
		  unsigned *bad_lines, struct bh_error **err);

/* A new session id: "YYYYMMDDTHHMMSSZ-" + 8 random hex digits.  out >= 32. */
int bh_session_id_new(char *out, size_t n, struct bh_error **err);

/*
 * Helpers for writers of records (the schema is docs/audit.md).
 */

/* A new record {"v":1,"time":NOW,"session":session,"event":event}, to which
 * the caller adds the event's fields.  Returns a json_t * (caller owns). */
void *bh_audit_record_new(const char *session, const char *event);

/* A JSON string for s (a json_t *, caller owns) even when s is not valid
 * UTF-8 (paths and argv need not be): each invalid byte becomes U+FFFD. */
void *bh_audit_json_string(const char *s);

/*
 * One line for the "status" object of an end record: "exit 0",
 * "signal 9 (KILL)", "timeout, signal 9 (KILL)", "failed before exec:
 * STAGE: ERRNO", "exec failed: ERRNO".  `status` is a json_t *, may be NULL
 * ("unknown").  Caller frees.
 */
char *bh_audit_status_text(const void *status);
