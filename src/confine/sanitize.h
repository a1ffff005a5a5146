/* SPDX-License-Identifier: MIT */
/*
 * The terminal output sanitiser (threats.md 74): what the sandbox writes to
 * its pseudo-terminal is filtered before it reaches the user's terminal.
 *
 * Allowlist, not blocklist: plain text, valid UTF-8, a few C0 controls and
 * the escape sequences ordinary full-screen programs use pass; every other
 * sequence is removed whole (OSC, DCS, APC, PM, SOS, window operations,
 * reports whose answer the program controls, charset switches ...).  What
 * passes is re-emitted from the parsed form and only once complete, so the
 * output of every call ends on a sequence boundary and the terminal's
 * parser is always back in its ground state between calls.  The policy and
 * the reason for each class are in docs/terminal.md.
 *
 * Pure: no system calls, no allocation after bh_sanitizer_new().
 */
#pragma once

#include <stddef.h>

/* The user's terminal does not speak UTF-8 (an ISO 8859 locale): bytes
 * 0x80-0x9f are C1 controls there and are dropped, 0xa0-0xff pass. */
#define BH_SANITIZER_LEGACY_8BIT (1u << 0)

/* The most bytes one bh_sanitizer_feed() of n input bytes writes: an
 * invalid UTF-8 byte becomes U+FFFD (3 bytes), plus a sequence held over
 * from earlier calls. */
#define BH_SANITIZER_HOLD_MAX 80
#define BH_SANITIZER_OUT_MAX(n) (3 * (size_t)(n) + BH_SANITIZER_HOLD_MAX)
/* The most bytes bh_sanitizer_finish() writes. */
#define BH_SANITIZER_FINISH_MAX 160

/* What was removed, by class, for the session's audit record. */
struct bh_sanitizer_stats {
	unsigned long long osc;	   /* OSC strings (titles, clipboard, links) */
	unsigned long long string; /* DCS, SOS, PM, APC strings */
	unsigned long long csi;	   /* control sequences not on the list */
	unsigned long long esc;	   /* other escape sequences */
	unsigned long long c0;	   /* C0 controls and DEL */
	unsigned long long c1;	   /* C1 controls, raw or as U+0080-U+009F */
	unsigned long long utf8;   /* invalid UTF-8, replaced by U+FFFD */
	unsigned long long bidi;   /* bidirectional override controls */
};

struct bh_sanitizer;

/* flags: 0 or BH_SANITIZER_LEGACY_8BIT.  Caller frees with
 * bh_sanitizer_free(). */
struct bh_sanitizer *bh_sanitizer_new(unsigned flags);

/* Filters in[0..n) into out, which has room for BH_SANITIZER_OUT_MAX(n)
 * bytes; returns the bytes written.  A sequence split across calls is
 * held until it completes. */
size_t bh_sanitizer_feed(struct bh_sanitizer *s, const char *in, size_t n,
			 char *out);

/* Ends the stream: drops an unfinished sequence, replaces an unfinished
 * UTF-8 character, and writes the resets for the terminal modes the
 * program switched on and left on (alternate screen, hidden cursor, mouse
 * reporting, bracketed paste, colours ...), so the user's terminal is left
 * as it was found.  out has room for BH_SANITIZER_FINISH_MAX bytes.  The
 * sanitiser is then as new (its counters are kept). */
size_t bh_sanitizer_finish(struct bh_sanitizer *s, char *out);

void bh_sanitizer_stats(const struct bh_sanitizer *s,
			struct bh_sanitizer_stats *st);

/* Accepts NULL. */
void bh_sanitizer_free(struct bh_sanitizer *s);
