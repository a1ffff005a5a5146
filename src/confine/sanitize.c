/* SPDX-License-Identifier: MIT */
/*
 * The terminal output sanitiser.
 *
 * Defends against: a sandboxed program acting on the user's terminal
 * through escape sequences: setting the clipboard (OSC 52), titles that
 * a later report request types back as input, hyperlinks whose target is
 * not the text shown, DCS/APC/PM payloads (user-defined keys, terminal
 * specific commands), window operations, report requests whose answer
 * the program controls, charset and C1 switches that change how the
 * terminal parses what follows, a reset of the user's terminal or the
 * erasure of its scrollback.
 *
 * How: the parser follows the DEC/ECMA-48 state machine that terminals
 * implement (Paul Williams' VT500 parser: xterm, VTE and others split
 * the stream the same way), holds a sequence until its final byte, and
 * re-emits only what is on the list below, whole.  C0 controls inside a
 * sequence act at once, as in a terminal; ESC, CAN and SUB abort it.
 * Strings (OSC, DCS, SOS, PM, APC) are swallowed up to BEL, ST, CAN,
 * SUB or the next ESC: the terminal never sees their introducer, so
 * where the swallowing ends only decides what is shown as text.
 *
 * Assumes: the user's terminal decodes UTF-8 (or, with
 * BH_SANITIZER_LEGACY_8BIT, an ISO 8859 charset) and starts in its ground
 * state.  Everything emitted is valid in that encoding, so the terminal
 * returns to its ground state after each unit we write, and a charset
 * switch (ESC % ...) that would change the encoding is never let through.
 */
#include "confine/sanitize.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/util.h"

#define ESC "\033"

/* Bytes between "ESC [" and the final byte: SGR with two true colours
 * and attributes fits; a longer one is dropped. */
#define SEQ_MAX 64
/* Digits in one parameter: 99999 is past any screen. */
#define PARAM_DIGITS 5

enum state {
	S_GROUND = 0,
	S_ESC,	      /* after ESC */
	S_ESC_INTER,  /* ESC and intermediate bytes */
	S_CSI,	      /* collecting a control sequence */
	S_CSI_IGNORE, /* malformed or too long: swallow to the final byte */
	S_STRING,     /* OSC/DCS/SOS/PM/APC body: swallow */
	S_STRING_ESC, /* ESC inside a string: ST, or a new sequence */
};

/* Terminal modes the program switched away from their default, so that
 * bh_sanitizer_finish() can switch them back. */
enum {
	M_SGR = 1u << 0,
	M_G0_GRAPHICS = 1u << 1,
	M_INSERT = 1u << 2,
	M_KEYPAD = 1u << 3,
	M_CURSOR_STYLE = 1u << 4,
	M_SCROLL_REGION = 1u << 5,
	M_APP_CURSOR = 1u << 6,
	M_NOWRAP = 1u << 7,
	M_CURSOR_HIDDEN = 1u << 8,
	M_MOUSE_1000 = 1u << 9,
	M_MOUSE_1002 = 1u << 10,
	M_MOUSE_1003 = 1u << 11,
	M_FOCUS = 1u << 12,
	M_MOUSE_SGR = 1u << 13,
	M_MOUSE_URXVT = 1u << 14,
	M_PASTE = 1u << 15,
	M_SYNC = 1u << 16,
	M_ALT_47 = 1u << 17,
	M_ALT_1047 = 1u << 18,
	M_ALT_1049 = 1u << 19,
};

/*
 * DEC private modes (CSI ? Pm h / l) that pass.  `on` is the final byte
 * that leaves the default; finish() undoes those in this order, so the
 * alternate screens come last.  Modes not here are dropped: keyboard
 * action and local echo, 132 columns (resizes the window), reverse
 * screen, printer and locator modes, in-band resize and colour-scheme
 * reports, the kitty and modifyOtherKeys keyboard protocols.
 */
/* clang-format off */
static const struct private_mode {
	unsigned short mode;
	char on;
	unsigned bit;
} private_modes[] = {
	{1, 'h', M_APP_CURSOR},	    /* application cursor keys */
	{7, 'l', M_NOWRAP},	    /* auto-wrap */
	{25, 'l', M_CURSOR_HIDDEN}, /* cursor visible */
	{1000, 'h', M_MOUSE_1000},  /* mouse reports: to the sandbox */
	{1002, 'h', M_MOUSE_1002},
	{1003, 'h', M_MOUSE_1003},
	{1004, 'h', M_FOCUS}, /* focus in/out reports */
	{1006, 'h', M_MOUSE_SGR},
	{1015, 'h', M_MOUSE_URXVT},
	{2004, 'h', M_PASTE}, /* bracketed paste */
	{2026, 'h', M_SYNC},  /* synchronised output */
	{1048, 'h', 0},	      /* save cursor: no lasting mode */
	{47, 'h', M_ALT_47},  /* alternate screens */
	{1047, 'h', M_ALT_1047},
	{1049, 'h', M_ALT_1049},
};
/* clang-format on */

struct bh_sanitizer {
	unsigned flags;
	enum state st;
	unsigned char u8[4]; /* UTF-8 character being decoded */
	unsigned u8_len, u8_need;
	unsigned char seq[SEQ_MAX]; /* CSI or ESC bytes after the introducer */
	size_t seq_len;
	unsigned modes;
	struct bh_sanitizer_stats stats;
};

struct out {
	char *p;
	size_t len;
};

static void put(struct out *o, const void *p, size_t n)
{
	memcpy(o->p + o->len, p, n);
	o->len += n;
}

static void put1(struct out *o, unsigned char c)
{
	o->p[o->len++] = (char)c;
}

static void put_str(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

struct bh_sanitizer *bh_sanitizer_new(unsigned flags)
{
	struct bh_sanitizer *s = bh_xcalloc(1, sizeof(*s));
	s->flags = flags;
	return s;
}

void bh_sanitizer_free(struct bh_sanitizer *s)
{
	free(s);
}

void bh_sanitizer_stats(const struct bh_sanitizer *s,
			struct bh_sanitizer_stats *st)
{
	*st = s->stats;
}

/*
 * C0 controls: backspace, tab, line feed, carriage return and the bell
 * are what text and line editors use.  The rest go: ENQ asks for the
 * answerback string (a report), SO/SI switch to the G1 charset, VT/FF/NUL
 * and the others have no use in output.
 */
static void control(struct bh_sanitizer *s, unsigned char b, struct out *o)
{
	switch (b) {
	case 0x07:
	case 0x08:
	case '\t':
	case '\n':
	case '\r':
		put1(o, b);
		break;
	default:
		s->stats.c0++;
	}
}

static void put_replacement(struct bh_sanitizer *s, struct out *o)
{
	put(o, "\xef\xbf\xbd", 3);
	s->stats.utf8++;
	s->u8_len = s->u8_need = 0;
}

/* Whether b may continue the UTF-8 character in s->u8: no overlong
 * forms, no surrogates, nothing past U+10FFFF (RFC 3629). */
static bool u8_continues(const struct bh_sanitizer *s, unsigned char b)
{
	if (b < 0x80 || b > 0xbf)
		return false;
	if (s->u8_len > 1)
		return true;
	switch (s->u8[0]) {
	case 0xe0:
		return b >= 0xa0;
	case 0xed:
		return b <= 0x9f;
	case 0xf0:
		return b >= 0x90;
	case 0xf4:
		return b <= 0x8f;
	default:
		return true;
	}
}

/*
 * A complete character.  U+0080-U+009F are C1 controls to a terminal
 * that decodes UTF-8 before parsing (U+009B is CSI there); the explicit
 * bidirectional embeddings, overrides and isolates make the text shown
 * differ from the text read (the "Trojan Source" trick), where a terminal
 * implements them.
 */
static void put_char(struct bh_sanitizer *s, struct out *o)
{
	uint32_t cp;
	if (s->u8_len == 2)
		cp = (uint32_t)(s->u8[0] & 0x1f) << 6 | (s->u8[1] & 0x3f);
	else if (s->u8_len == 3)
		cp = (uint32_t)(s->u8[0] & 0x0f) << 12 |
		     (uint32_t)(s->u8[1] & 0x3f) << 6 | (s->u8[2] & 0x3f);
	else
		cp = 0x10000; /* four bytes: outside both ranges below */
	if (cp >= 0x80 && cp <= 0x9f)
		s->stats.c1++;
	else if ((cp >= 0x202a && cp <= 0x202e) ||
		 (cp >= 0x2066 && cp <= 0x2069))
		s->stats.bidi++;
	else
		put(o, s->u8, s->u8_len);
	s->u8_len = s->u8_need = 0;
}

/* Returns true when b must be processed again in the new state. */
static bool ground(struct bh_sanitizer *s, unsigned char b, struct out *o)
{
	if (s->u8_need) {
		if (!u8_continues(s, b)) {
			/* One U+FFFD for the maximal invalid prefix, as the
			 * Unicode standard recommends and terminals do. */
			put_replacement(s, o);
			return true;
		}
		s->u8[s->u8_len++] = b;
		if (--s->u8_need == 0)
			put_char(s, o);
		return false;
	}
	if (b == 0x1b) {
		s->st = S_ESC;
	} else if (b < 0x20 || b == 0x7f) {
		if (b == 0x7f)
			s->stats.c0++;
		else
			control(s, b, o);
	} else if (b < 0x80) {
		put1(o, b);
	} else if (s->flags & BH_SANITIZER_LEGACY_8BIT) {
		if (b < 0xa0)
			s->stats.c1++;
		else
			put1(o, b);
	} else if (b >= 0xc2 && b <= 0xf4) {
		s->u8[0] = b;
		s->u8_len = 1;
		s->u8_need = b < 0xe0 ? 1 : b < 0xf0 ? 2 : 3;
	} else {
		put_replacement(s, o);
	}
	return false;
}

/* ---- control sequences ------------------------------------------------ */

struct csi {
	char marker;	     /* 0 or one of < = > ? */
	char inter;	     /* 0 or the intermediate byte */
	bool sub;	     /* ':' sub-parameters */
	bool bad;	     /* too many intermediates or digits */
	unsigned n;	     /* parameters; "" has none, ";" has two */
	long v[SEQ_MAX + 1]; /* -1: left out (the default) */
	const unsigned char *params;
	size_t params_len;
};

static void csi_parse(const struct bh_sanitizer *s, struct csi *c)
{
	memset(c, 0, sizeof(*c));
	size_t i = 0;
	if (s->seq_len && s->seq[0] >= 0x3c && s->seq[0] <= 0x3f)
		c->marker = (char)s->seq[i++];
	c->params = s->seq + i;
	size_t digits = 0;
	long cur = -1;
	for (; i < s->seq_len && s->seq[i] <= 0x3b && s->seq[i] >= 0x30; i++) {
		unsigned char b = s->seq[i];
		if (b == ';' || b == ':') {
			c->sub |= b == ':';
			c->v[c->n++] = cur;
			cur = -1;
			digits = 0;
		} else if (++digits > PARAM_DIGITS) {
			c->bad = true;
		} else {
			cur = (cur < 0 ? 0 : cur * 10) + (b - '0');
		}
	}
	c->params_len = (size_t)(s->seq + i - c->params);
	if (c->params_len)
		c->v[c->n++] = cur;
	if (i < s->seq_len)
		c->inter = (char)s->seq[i++];
	if (i < s->seq_len)
		c->bad = true;
}

static long csi_max(const struct csi *c)
{
	long m = -1;
	for (unsigned i = 0; i < c->n; i++)
		if (c->v[i] > m)
			m = c->v[i];
	return m;
}

static const struct private_mode *find_private_mode(long mode)
{
	for (size_t i = 0; i < BH_ARRAY_SIZE(private_modes); i++)
		if (private_modes[i].mode == mode)
			return &private_modes[i];
	return NULL;
}

static void set_mode(struct bh_sanitizer *s, unsigned bit, bool on)
{
	if (on)
		s->modes |= bit;
	else
		s->modes &= ~bit;
}

/*
 * SM/RM (CSI Pm h, CSI Pm l; with '?' the DEC private modes).  Keeps the
 * modes on the list and drops the others, so "CSI ? 1049 ; 2 h" passes
 * as "CSI ? 1049 h".  Of the ANSI modes only insert (4) passes: keyboard
 * action (2) locks the user's keyboard, send/receive (12) turns on local
 * echo, line feed/new line (20) changes what Enter sends.
 */
static bool csi_modes(struct bh_sanitizer *s, const struct csi *c, char fin,
		      struct out *o)
{
	if (c->inter || c->sub || (c->marker && c->marker != '?'))
		return false;
	char buf[SEQ_MAX + 8];
	int len = snprintf(buf, sizeof(buf), ESC "[%s", c->marker ? "?" : "");
	unsigned kept = 0;
	for (unsigned i = 0; i < c->n; i++) {
		unsigned bit;
		if (c->marker) {
			const struct private_mode *m =
			    find_private_mode(c->v[i]);
			if (!m)
				continue;
			bit = m->bit;
			set_mode(s, bit, fin == m->on);
		} else if (c->v[i] == 4) {
			set_mode(s, M_INSERT, fin == 'h');
		} else {
			continue;
		}
		len += snprintf(buf + len, sizeof(buf) - (size_t)len, "%s%ld",
				kept++ ? ";" : "", c->v[i]);
	}
	if (!kept)
		return false;
	if (kept < c->n)
		s->stats.csi++;
	buf[len++] = fin;
	put(o, buf, (size_t)len);
	return true;
}

static bool sgr_resets(const struct csi *c)
{
	return c->n == 0 || (c->n == 1 && c->v[0] <= 0);
}

/*
 * The control sequences that pass, apart from SM/RM.  Cursor motion,
 * erasing, inserting and deleting, scrolling, tabs, colours and
 * attributes (SGR), scroll regions, cursor save/restore and style: what
 * shells, editors, pagers and TUI libraries draw with.  Report requests
 * pass only where the terminal answers in a fixed vocabulary of digits
 * (DSR 5 and 6, DECXCPR, DA1, DA2): the answer goes to the sandbox
 * while we relay, and the program cannot put its own bytes in it.
 * Everything else is dropped, among them window operations and title
 * reports (CSI t), ED 3 (erases the user's scrollback), printing (CSI i),
 * DECRQM, XTVERSION, DECSCA/DECSED, and keyboard protocol changes.
 */
static bool csi_allowed(struct bh_sanitizer *s, const struct csi *c, char fin)
{
	if (fin == 'm') {
		if (c->marker || c->inter)
			return false;
		set_mode(s, M_SGR, !sgr_resets(c));
		return true;
	}
	if (c->sub)
		return false;
	if (c->inter) {
		/* DECSCUSR: cursor shape. */
		if (c->inter != ' ' || fin != 'q' || c->marker || c->n > 1 ||
		    csi_max(c) > 6)
			return false;
		set_mode(s, M_CURSOR_STYLE, csi_max(c) > 0);
		return true;
	}
	if (c->marker == '?')
		return fin == 'n' && c->n == 1 && c->v[0] == 6;
	if (c->marker == '>')
		return fin == 'c' && c->n <= 1 && csi_max(c) <= 0;
	if (c->marker)
		return false;
	switch (fin) {
	case '@': /* ICH */
	case 'A': /* CUU, CUD, CUF, CUB, CNL, CPL, CHA */
	case 'B':
	case 'C':
	case 'D':
	case 'E':
	case 'F':
	case 'G':
	case 'I': /* CHT */
	case 'L': /* IL, DL, DCH */
	case 'M':
	case 'P':
	case 'S': /* SU, SD (SD with 5 parameters starts mouse tracking) */
	case 'T':
	case 'X': /* ECH, CBT */
	case 'Z':
	case '`': /* HPA, HPR, REP, VPA, VPR */
	case 'a':
	case 'b':
	case 'd':
	case 'e':
		return c->n <= 1;
	case 'H': /* CUP, HVP */
	case 'f':
		return c->n <= 2;
	case 'J': /* ED, EL: 3 would erase the scrollback */
	case 'K':
		return c->n <= 1 && csi_max(c) <= 2;
	case 'g': /* TBC */
		return c->n <= 1 && (csi_max(c) <= 0 || csi_max(c) == 3);
	case 'r': /* DECSTBM */
		if (c->n > 2)
			return false;
		set_mode(s, M_SCROLL_REGION, csi_max(c) > 0);
		return true;
	case 's': /* SCOSC, SCORC */
	case 'u':
		return c->n == 0;
	case 'n': /* DSR: status, cursor position */
		return c->n == 1 && (c->v[0] == 5 || c->v[0] == 6);
	case 'c': /* DA1 */
		return c->n <= 1 && csi_max(c) <= 0;
	default:
		return false;
	}
}

static void csi_dispatch(struct bh_sanitizer *s, unsigned char fin,
			 struct out *o)
{
	struct csi c;
	csi_parse(s, &c);
	if (!c.bad) {
		if (!c.marker || c.marker == '?') {
			if ((fin == 'h' || fin == 'l') &&
			    csi_modes(s, &c, (char)fin, o))
				return;
		}
		if (fin != 'h' && fin != 'l' && csi_allowed(s, &c, (char)fin)) {
			put(o, ESC "[", 2);
			put(o, s->seq, s->seq_len);
			put1(o, fin);
			return;
		}
	}
	s->stats.csi++;
}

/* The bytes that end or abort a sequence in every state: CAN, SUB. */
static bool is_cancel(unsigned char b)
{
	return b == 0x18 || b == 0x1a;
}

/*
 * What every state inside a sequence does, as a terminal does: ESC
 * aborts the sequence and starts a new one, CAN and SUB abort it, a
 * non-ASCII byte aborts it and is read again as text, a C0 control acts
 * at once, DEL is ignored.  `dropped` counts an abort (NULL: counted
 * already).  Returns whether b was taken; *again, whether to process it
 * again in the new state.
 */
static bool in_sequence(struct bh_sanitizer *s, unsigned char b, struct out *o,
			unsigned long long *dropped, bool *again)
{
	*again = false;
	if (b == 0x1b || is_cancel(b) || b >= 0x80) {
		if (dropped)
			(*dropped)++;
		s->st = b == 0x1b ? S_ESC : S_GROUND;
		*again = b >= 0x80;
		return true;
	}
	if (b < 0x20) {
		control(s, b, o);
		return true;
	}
	return b == 0x7f;
}

static bool csi(struct bh_sanitizer *s, unsigned char b, struct out *o)
{
	bool again;
	if (in_sequence(s, b, o, &s->stats.csi, &again))
		return again;
	if (b >= 0x40) {
		s->st = S_GROUND;
		csi_dispatch(s, b, o);
		return false;
	}
	bool after_inter = s->seq_len && s->seq[s->seq_len - 1] < 0x30;
	bool malformed = (b >= 0x3c && s->seq_len > 0) || /* late marker */
			 (b >= 0x30 && after_inter);	  /* param late */
	if (malformed || s->seq_len == SEQ_MAX) {
		s->stats.csi++;
		s->st = S_CSI_IGNORE;
		return false;
	}
	s->seq[s->seq_len++] = b;
	return false;
}

static bool csi_ignore(struct bh_sanitizer *s, unsigned char b, struct out *o)
{
	bool again;
	if (in_sequence(s, b, o, NULL, &again))
		return again;
	if (b >= 0x40)
		s->st = S_GROUND;
	return false;
}

/* ---- other escape sequences ------------------------------------------ */

static void start_string(struct bh_sanitizer *s, bool osc)
{
	if (osc)
		s->stats.osc++;
	else
		s->stats.string++;
	s->st = S_STRING;
}

/*
 * ESC followed by one final byte.  Save/restore cursor, keypad modes,
 * index, reverse index, next line and tab set pass.  Dropped: RIS (ESC c,
 * resets the user's terminal), DECID (ESC Z, a report), single and
 * locking shifts, DECALN and the double-size lines (ESC #), S7C1T/S8C1T
 * and the charset selectors (ESC %, ESC SP ...): those change how the
 * terminal reads the bytes that follow.
 */
static bool esc(struct bh_sanitizer *s, unsigned char b, struct out *o)
{
	bool again;
	if (in_sequence(s, b, o, &s->stats.esc, &again))
		return again;
	if (b < 0x30) {
		s->seq[0] = b;
		s->seq_len = 1;
		s->st = S_ESC_INTER;
		return false;
	}
	s->st = S_GROUND;
	switch (b) {
	case '[':
		s->seq_len = 0;
		s->st = S_CSI;
		break;
	case ']':
		start_string(s, true);
		break;
	case 'P': /* DCS, SOS, PM, APC */
	case 'X':
	case '^':
	case '_':
		start_string(s, false);
		break;
	case '=':
	case '>':
		set_mode(s, M_KEYPAD, b == '=');
		/* fall through */
	case '7':
	case '8':
	case 'D':
	case 'E':
	case 'H':
	case 'M':
		put1(o, 0x1b);
		put1(o, b);
		break;
	default:
		s->stats.esc++;
	}
	return false;
}

/* ESC ( B and ESC ( 0: G0 as ASCII or as the DEC line-drawing set, which
 * curses uses for boxes.  Other designations are dropped. */
static bool esc_inter(struct bh_sanitizer *s, unsigned char b, struct out *o)
{
	bool again;
	if (in_sequence(s, b, o, &s->stats.esc, &again))
		return again;
	if (b < 0x30) {
		if (s->seq_len < 2)
			s->seq[s->seq_len] = b;
		s->seq_len++;
		return false;
	}
	s->st = S_GROUND;
	if (s->seq_len == 1 && s->seq[0] == '(' && (b == 'B' || b == '0')) {
		set_mode(s, M_G0_GRAPHICS, b == '0');
		put(o, ESC "(", 2);
		put1(o, b);
	} else {
		s->stats.esc++;
	}
	return false;
}

static bool string_body(struct bh_sanitizer *s, unsigned char b)
{
	if (b == 0x1b)
		s->st = S_STRING_ESC;
	else if (b == 0x07 || is_cancel(b) ||
		 (b == 0x9c && (s->flags & BH_SANITIZER_LEGACY_8BIT)))
		s->st = S_GROUND;
	return false;
}

static bool string_esc(struct bh_sanitizer *s, unsigned char b)
{
	if (b == '\\') {
		s->st = S_GROUND;
		return false;
	}
	s->st = S_ESC;
	return true;
}

static bool step(struct bh_sanitizer *s, unsigned char b, struct out *o)
{
	switch (s->st) {
	case S_GROUND:
		return ground(s, b, o);
	case S_ESC:
		return esc(s, b, o);
	case S_ESC_INTER:
		return esc_inter(s, b, o);
	case S_CSI:
		return csi(s, b, o);
	case S_CSI_IGNORE:
		return csi_ignore(s, b, o);
	case S_STRING:
		return string_body(s, b);
	case S_STRING_ESC:
		return string_esc(s, b);
	}
	return false;
}

size_t bh_sanitizer_feed(struct bh_sanitizer *s, const char *in, size_t n,
			 char *out)
{
	struct out o = {out, 0};
	for (size_t i = 0; i < n; i++) {
		unsigned char b = (unsigned char)in[i];
		/* At most twice: a state hands a byte back only when it
		 * leaves for S_GROUND or S_ESC, which keep it. */
		while (step(s, b, &o))
			;
	}
	return o.len;
}

size_t bh_sanitizer_finish(struct bh_sanitizer *s, char *out)
{
	struct out o = {out, 0};
	if (s->u8_need)
		put_replacement(s, &o);
	if (s->st == S_ESC || s->st == S_ESC_INTER)
		s->stats.esc++;
	else if (s->st == S_CSI)
		s->stats.csi++;
	s->st = S_GROUND;
	s->seq_len = 0;

	if (s->modes & M_SGR)
		put_str(&o, ESC "[0m");
	if (s->modes & M_G0_GRAPHICS)
		put_str(&o, ESC "(B");
	if (s->modes & M_INSERT)
		put_str(&o, ESC "[4l");
	if (s->modes & M_KEYPAD)
		put_str(&o, ESC ">");
	if (s->modes & M_CURSOR_STYLE)
		put_str(&o, ESC "[0 q");
	/* DECSTBM homes the cursor: keep it where the program left it. */
	if (s->modes & M_SCROLL_REGION)
		put_str(&o, ESC "7" ESC "[r" ESC "8");
	for (size_t i = 0; i < BH_ARRAY_SIZE(private_modes); i++) {
		const struct private_mode *m = &private_modes[i];
		if (!(s->modes & m->bit))
			continue;
		char buf[16];
		int len = snprintf(buf, sizeof(buf), ESC "[?%u%c", m->mode,
				   m->on == 'h' ? 'l' : 'h');
		put(&o, buf, (size_t)len);
	}
	s->modes = 0;
	return o.len;
}
