/* SPDX-License-Identifier: MIT */
/*
 * Terminal safety for interactive runs (threats.md TTY entries).
 *
 * The sandboxed command never gets the user's terminal: it gets a new
 * pseudo-terminal whose master stays with the supervisor, which relays bytes
 * between the user's terminal and it.  So TIOCSTI/TIOCLINUX can only inject
 * into the sandbox's own terminal, and output passes a sanitiser that
 * strips or neutralises escape sequences that could act on the user's
 * terminal (clipboard writes, title/report tricks, DCS/APC/PM payloads,
 * terminal-answerback requests); what passes is documented in
 * docs/terminal.md.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/error.h"

struct bh_pty; /* opaque */

/* Opens a pty pair sized like the terminal on fd `like` (if it is one).
 * Caller frees with bh_pty_close(). */
int bh_pty_open(int like, struct bh_pty **out, struct bh_error **err);

/* In the child, after setsid(): makes the pty its controlling terminal and
 * stdin/stdout/stderr.  Async-signal-safe; 0 or -errno. */
int bh_pty_child_setup(const struct bh_pty *pty);

/* In the parent after fork: closes the child's side. */
void bh_pty_parent_after_fork(struct bh_pty *pty);

/*
 * Relays between the user's terminal (in_fd, out_fd) and the pty until the
 * child side hangs up and everything was drained, or *stop becomes true
 * (checked between polls; pass the supervisor's flag).  Puts in_fd in raw
 * mode while relaying (restored before return, also on error), forwards
 * window-size changes (SIGWINCH must be blocked by the caller and
 * `sigfd` be a signalfd for it, or -1).  Output goes through the
 * sanitiser.
 */
int bh_pty_relay(struct bh_pty *pty, int in_fd, int out_fd, int sigfd,
		 volatile bool *stop, struct bh_error **err);

void bh_pty_close(struct bh_pty *pty);

/* The output sanitiser, streaming (sequences may be split across calls).
 * Pure.  Caller frees with bh_sanitizer_free(). */
struct bh_sanitizer;
struct bh_sanitizer *bh_sanitizer_new(void);
/* Filters in[0..n) into out (capacity at least 4*n+16); returns bytes
 * written. */
size_t bh_sanitizer_feed(struct bh_sanitizer *s, const char *in, size_t n,
			 char *out);
void bh_sanitizer_free(struct bh_sanitizer *s);
