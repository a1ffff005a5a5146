/* SPDX-License-Identifier: MIT */
/*
 * The one error contract (STYLE.md rule 1).
 *
 * Fallible functions return 0 or a negative errno (or NULL) and take
 * `struct bh_error **err` last.  bh_error_set() fills *err and returns the
 * negative code, so a failure is a one-line return.  Callers add context on
 * the way up with bh_error_prefix().  Only the CLI and the pre-exec child exit.
 */
#pragma once

#include <stdarg.h>
#include <stdbool.h>

enum bh_error_kind {
	BH_EK_SYSTEM = 0, /* a system call or resource failed: exit 125 */
	BH_EK_USAGE,      /* bad command line: exit 2 */
	BH_EK_PROFILE,    /* bad profile or policy: exit 2, nothing launched */
};

struct bh_error {
	enum bh_error_kind kind;
	int code;   /* positive errno, or 0 */
	char *msg;  /* full message, "file:line:col: ..." for profile errors */
	char *hint; /* optional one-line hint, or NULL */
};

/* Fills *err (when err is not NULL and *err is NULL) and returns -code
 * (or -EINVAL when code is 0).  The message is printf-formatted. */
__attribute__((format(printf, 4, 5))) int
bh_error_set(struct bh_error **err, enum bh_error_kind kind, int code,
	     const char *fmt, ...);

/* Like bh_error_set() with ": strerror(code)" appended. */
__attribute__((format(printf, 3, 4))) int
bh_error_sys(struct bh_error **err, int code, const char *fmt, ...);

/* Sets the hint of an existing error (replacing any). */
__attribute__((format(printf, 2, 3))) void
bh_error_hint(struct bh_error *err, const char *fmt, ...);

/* Prepends "context: " to the message of *err. */
__attribute__((format(printf, 2, 3))) void
bh_error_prefix(struct bh_error *err, const char *fmt, ...);

/* Accepts NULL. */
void bh_error_free(struct bh_error *err);

/* The exit status the CLI uses for an error of this kind (2 or 125). */
int bh_error_exit_status(const struct bh_error *err);
