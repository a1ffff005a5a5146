/* SPDX-License-Identifier: MIT */
/*
 * Terminal safety for interactive runs (threats.md 72-75).
 *
 * The sandboxed command never gets the user's terminal: it gets a new
 * pseudo-terminal whose master stays with the supervisor, which relays bytes
 * between the user's terminal and it.  So TIOCSTI/TIOCLINUX can only inject
 * into the sandbox's own terminal, and output passes a sanitiser that
 * strips or neutralises escape sequences that could act on the user's
 * terminal (clipboard writes, title/report tricks, DCS/APC/PM payloads,
 * terminal-answerback requests); what passes is documented in
 * docs/terminal.md.
 *
 * Order of use (see docs/terminal.md, "Using the relay"):
 *
 *   bh_pty_open(STDIN_FILENO, &pty, &err);        before fork
 *   child:  setsid(); bh_pty_child_setup(pty);    then the rest of the
 *                                                 sequence, exec
 *   parent: bh_pty_parent_after_fork(pty);
 *           bh_pty_relay_begin(pty, 0, 1, flags, &err);
 *           loop on bh_pty_relay_step(pty, sigfd, ms, &err) while
 *           handling signals and the deadline, until BH_PTY_DONE;
 *           bh_pty_relay_end(pty); bh_pty_close(pty);
 *
 * or, where nothing else needs the loop, bh_pty_relay().
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "confine/sanitize.h"
#include "core/error.h"

struct bh_pty; /* opaque */

/*
 * Opens a pty pair.  The slave is obtained from the master with
 * TIOCGPTPEER (no path lookup in /dev/pts), by name on kernels before
 * 4.13.  When `like` is a terminal, the slave gets its modes (termios)
 * and window size, else the kernel's default modes and 80x24.  Both fds
 * are close-on-exec and above 2.  Caller frees with bh_pty_close().
 */
int bh_pty_open(int like, struct bh_pty **out, struct bh_error **err);

/*
 * In the child, right after setsid(): makes the slave its controlling
 * terminal and its stdin/stdout/stderr, and closes the pty's own fds.
 * Async-signal-safe; 0 or -errno.  Must run before the stage that closes
 * inherited fds and before seccomp (it uses ioctl TIOCSCTTY).
 */
int bh_pty_child_setup(const struct bh_pty *pty);

/* In the parent after fork: closes the slave (the relay only sees the
 * child hang up once no one else holds it).  bh_pty_relay_begin() does
 * it too. */
void bh_pty_parent_after_fork(struct bh_pty *pty);

/* The slave fd, or -1 once closed in the parent: for a tier that must
 * show it inside the sandbox (bind-mounted over /dev/console in a new
 * devpts instance) or give it to the command's uid.  Not owned. */
int bh_pty_slave_fd(const struct bh_pty *pty);

/* bh_pty_relay_begin() flags. */
#define BH_PTY_LEGACY_8BIT (1u << 0) /* the user's terminal is not UTF-8 */

/*
 * Starts relaying between the user's terminal (in_fd, out_fd) and the
 * pty.  in_fd may be -1 (no input; the command gets no EOF either).
 * When in_fd is a terminal it is put in raw mode (its previous modes are
 * restored by bh_pty_relay_end() or bh_pty_close()); else its modes are
 * not touched.  When out_fd is a terminal or a pipe, the relay writes
 * through a non-blocking descriptor of its own (reopened through
 * /proc/self/fd), so a stalled reader never blocks the supervisor and
 * the O_NONBLOCK flag never leaks to the user's shell; else it writes to
 * out_fd as it is (blocking).  The caller ignores SIGPIPE.  The window
 * size of in_fd (or out_fd) is copied to the pty now and by
 * bh_pty_sync_winsize().
 */
int bh_pty_relay_begin(struct bh_pty *pty, int in_fd, int out_fd,
		       unsigned flags, struct bh_error **err);

enum bh_pty_event {
	BH_PTY_DONE = 0,    /* the child side closed, all output written */
	BH_PTY_WAKE,	    /* wake_fd is readable (it was not read) */
	BH_PTY_TIMEOUT,	    /* timeout_ms passed */
	BH_PTY_INTERRUPTED, /* a signal handler ran (poll: EINTR) */
};

/*
 * Relays until something needs the caller: returns an enum bh_pty_event
 * (>= 0), or -errno with *err filled when the user's terminal cannot be
 * written (then call bh_pty_relay_end() and bh_pty_close(): the sandbox's
 * side sees a hangup, as with a closed terminal window).  wake_fd (-1 for
 * none) is polled, never read: pass the supervisor's signalfd (SIGCHLD,
 * the forwarded signals, SIGWINCH).  timeout_ms < 0 waits without limit.
 * Output is sanitised; EOF on in_fd sends the pty's VEOF character when
 * the pty is in canonical mode (as ^D typed at a line start), else
 * nothing.  Buffers are bounded: input is read only when the previous
 * read was written to the pty, output only when the previous output was
 * written to out_fd.
 */
int bh_pty_relay_step(struct bh_pty *pty, int wake_fd, int timeout_ms,
		      struct bh_error **err);

/* Copies the window size of the user's terminal to the pty (on SIGWINCH);
 * the kernel then signals the sandbox's foreground process group.  0 when
 * there is no terminal to follow. */
int bh_pty_sync_winsize(struct bh_pty *pty, struct bh_error **err);

/*
 * Ends relaying: writes what is pending (for at most a second), then the
 * resets for modes the command left on (alternate screen, hidden cursor,
 * mouse reporting, bracketed paste, colours: bh_sanitizer_finish()), and
 * restores in_fd's terminal modes.  Safe to call on every path, twice,
 * or without bh_pty_relay_begin().
 */
void bh_pty_relay_end(struct bh_pty *pty);

/*
 * All in one, for callers with nothing else to watch: begin, step until
 * the child side closes, end.  *stop (may be NULL) is checked whenever
 * the loop wakes: set it from a signal handler (the handler interrupts
 * poll) or before a write to sigfd.  sigfd (-1 for none) is a signalfd
 * for SIGWINCH, blocked by the caller, or any fd that becomes readable
 * when the window size changed; it is read and the size synced.
 * 0, or -errno as bh_pty_relay_step().
 */
int bh_pty_relay(struct bh_pty *pty, int in_fd, int out_fd, int sigfd,
		 unsigned flags, volatile bool *stop, struct bh_error **err);

/* What the sanitiser removed so far, for the session's audit record.
 * Zero before the relay started. */
void bh_pty_stats(const struct bh_pty *pty, struct bh_sanitizer_stats *st);

/* Ends the relay if needed, closes both sides.  Accepts NULL. */
void bh_pty_close(struct bh_pty *pty);
