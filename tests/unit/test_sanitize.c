/* SPDX-License-Identifier: MIT */
/*
 * The terminal output sanitiser, case by case.  Every case is run whole,
 * split in two at every byte boundary, and fed one byte at a time: the
 * output must be the same each way (a sequence split across reads is
 * still recognised) and every piece of output must end on a sequence
 * boundary (checked by the bound and the whole-vs-split comparison).
 */
#include <stdlib.h>

#include "confine/sanitize.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "test.h"

#define E "\033"
#define S(lit) lit, sizeof(lit) - 1

struct san_case {
	const char *in;
	size_t in_len;
	const char *out;
	size_t out_len;
	unsigned flags;
};

/* Feeds in[0..n) in pieces: cut at `cut` (0: whole), or byte by byte
 * when cut is (size_t)-1.  Checks the documented bound per call. */
static char *run(const char *in, size_t n, unsigned flags, size_t cut,
		 size_t *out_len, bool *bound_ok)
{
	struct bh_sanitizer *s = bh_sanitizer_new(flags);
	/* Room for the bound of every call, however the input is cut. */
	char *out =
	    malloc(n * BH_SANITIZER_OUT_MAX(1) + BH_SANITIZER_OUT_MAX(n));
	size_t len = 0, off = 0;
	*bound_ok = true;
	while (off < n) {
		size_t piece = cut == (size_t)-1  ? 1
			       : cut && off < cut ? cut - off
						  : n - off;
		size_t w = bh_sanitizer_feed(s, in + off, piece, out + len);
		if (w > BH_SANITIZER_OUT_MAX(piece))
			*bound_ok = false;
		len += w;
		off += piece;
	}
	bh_sanitizer_free(s);
	out[len] = 0;
	*out_len = len;
	return out;
}

/* Printable form for failure messages. */
static char *show(const char *p, size_t n)
{
	struct bh_strbuf sb = BH_STRBUF_INIT;
	bh_strbuf_puts(&sb, "\"");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == 0x1b)
			bh_strbuf_puts(&sb, "\\e");
		else if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
			bh_strbuf_printf(&sb, "\\x%02x", c);
		else
			bh_strbuf_putc(&sb, (char)c);
	}
	bh_strbuf_puts(&sb, "\"");
	return bh_strbuf_steal(&sb);
}

static bool check_case(const struct san_case *c)
{
	bool ok = true;
	for (size_t cut = 0; cut <= c->in_len + 1; cut++) {
		size_t how = cut == c->in_len + 1 ? (size_t)-1 : cut;
		size_t len;
		bool bound_ok;
		char *got =
		    run(c->in, c->in_len, c->flags, how, &len, &bound_ok);
		if (len != c->out_len || memcmp(got, c->out, len) != 0 ||
		    !bound_ok) {
			char *a = show(c->in, c->in_len);
			char *g = show(got, len);
			char *w = show(c->out, c->out_len);
			fprintf(stderr,
				"  sanitize %s (%s):\n    got:      %s\n"
				"    expected: %s%s\n",
				a,
				how == (size_t)-1 ? "byte by byte"
				: how		  ? "split"
						  : "whole",
				g, w, bound_ok ? "" : " (over the bound)");
			free(a);
			free(g);
			free(w);
			ok = false;
		}
		free(got);
		if (!ok)
			break;
	}
	return ok;
}

/* clang-format off */
static const struct san_case text_cases[] = {
	{S("hello, world\n"), S("hello, world\n"), 0},
	{S("a\tb\r\n\bc\a"), S("a\tb\r\n\bc\a"), 0},
	/* NUL, ENQ (answerback), SO/SI, VT, FF, DEL */
	{S("a\0b\005c\016\017\013\014\177d"), S("abcd"), 0},
	{S("h\xc3\xa9llo \xe2\x86\x92 \xe6\x97\xa5 \xf0\x9f\x98\x80"),
	 S("h\xc3\xa9llo \xe2\x86\x92 \xe6\x97\xa5 \xf0\x9f\x98\x80"), 0},
	/* Invalid UTF-8: one U+FFFD per maximal invalid prefix. */
	{S("\xff"), S("\xef\xbf\xbd"), 0},
	{S("\xc3" "A"), S("\xef\xbf\xbd" "A"), 0},
	{S("\xe2\x82" "A"), S("\xef\xbf\xbd" "A"), 0},
	{S("\xc0\xaf"), S("\xef\xbf\xbd\xef\xbf\xbd"), 0},
	{S("\xed\xa0\x80"), S("\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"), 0},
	{S("\xf4\x90\x80\x80"),
	 S("\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"), 0},
	{S("\xe2\x82" E "[1m"), S("\xef\xbf\xbd" E "[1m"), 0},
	/* C1: raw bytes are invalid UTF-8, U+0080-U+009F are dropped. */
	{S("\x9b" "31m"), S("\xef\xbf\xbd" "31m"), 0},
	{S("\xc2\x9b" "31m" "\xc2\x9d" "0;x\a"), S("31m0;x\a"), 0},
	{S("\xc2\xa0"), S("\xc2\xa0"), 0},
	/* Bidirectional overrides and isolates go, marks stay. */
	{S("a\xe2\x80\xae" "b\xe2\x81\xa7" "c\xe2\x80\x8f"),
	 S("abc\xe2\x80\x8f"), 0},
	/* Legacy 8-bit terminal: 0x80-0x9f dropped, Latin-1 passes. */
	{S("\x9b" "31m\xe9"), S("31m\xe9"), BH_SANITIZER_LEGACY_8BIT},
	{S("\xe2\x80\x9b" "1m"), S("\xe2" "1m"), BH_SANITIZER_LEGACY_8BIT},
	{S(E "]0;x\x9c" "y"), S("y"), BH_SANITIZER_LEGACY_8BIT},
};
/* clang-format on */

TEST(sanitize_text_and_utf8)
{
	for (size_t i = 0; i < BH_ARRAY_SIZE(text_cases); i++)
		CHECK(check_case(&text_cases[i]));
}

/* clang-format off */
static const struct san_case csi_cases[] = {
	{S(E "[1;31mred" E "[0m" E "[m"), S(E "[1;31mred" E "[0m" E "[m"), 0},
	{S(E "[38;2;255;0;0;48;5;17m"), S(E "[38;2;255;0;0;48;5;17m"), 0},
	{S(E "[38:2::255:0:0m"), S(E "[38:2::255:0:0m"), 0},
	{S(E "[H" E "[2J" E "[10;20H" E "[K" E "[A" E "[5B" E "[3C" E "[D"),
	 S(E "[H" E "[2J" E "[10;20H" E "[K" E "[A" E "[5B" E "[3C" E "[D"),
	 0},
	{S(E "[2@" E "[3P" E "[L" E "[M" E "[4X" E "[2S" E "[T" E "[5G"
	   E "[7d" E "[1;1f" E "[I" E "[Z" E "[3b" E "[0g" E "[3g"),
	 S(E "[2@" E "[3P" E "[L" E "[M" E "[4X" E "[2S" E "[T" E "[5G"
	   E "[7d" E "[1;1f" E "[I" E "[Z" E "[3b" E "[0g" E "[3g"),
	 0},
	{S(E "[1;20r" E "[r" E "[s" E "[u" E "[2 q" E "[ q"),
	 S(E "[1;20r" E "[r" E "[s" E "[u" E "[2 q" E "[ q"), 0},
	/* ED 3 erases the user's scrollback. */
	{S("a" E "[3J" "b" E "[?2J"), S("ab"), 0},
	/* Window operations and title reports. */
	{S(E "[8;100;200t" E "[21t" E "[14t" E "[22;0t"), S(""), 0},
	/* Reports with fixed answers pass, the others go. */
	{S(E "[6n" E "[5n" E "[?6n" E "[c" E "[0c" E "[>c"),
	 S(E "[6n" E "[5n" E "[?6n" E "[c" E "[0c" E "[>c"), 0},
	{S(E "[=c" E "[>q" E "[?1$p" E "[?15n" E "[x" E "[>0;1c"), S(""), 0},
	/* Printing, SGR with a marker (modifyOtherKeys), kitty keyboard. */
	{S(E "[5i" E "[i" E "[>4;2m" E "[>1u" E "[?u" E "[=1;1u" E "[<u"),
	 S(""), 0},
	/* SM/RM: modes off the list are cut out of the sequence. */
	{S(E "[?1049h" E "[?25l" E "[?1;2004;1000;1006h"),
	 S(E "[?1049h" E "[?25l" E "[?1;2004;1000;1006h"), 0},
	{S(E "[?1049;3h" E "[?3;5;2;67h" E "[?0025l"),
	 S(E "[?1049h" E "[?25l"), 0},
	{S(E "[4h" E "[2h" E "[12l" E "[20h" E "[4;20l"),
	 S(E "[4h" E "[4l"), 0},
	{S(E "[>1h" E "[?h" E "[h"), S(""), 0},
	/* Bounds: 5 digits a parameter, 64 bytes a sequence. */
	{S(E "[12345A" E "[123456A" E "[000001B"), S(E "[12345A"), 0},
	/* Structure: C0 acts inside a sequence, ESC/CAN/SUB abort it. */
	{S(E "[3\n1m"), S("\n" E "[31m"), 0},
	{S(E "[3\0011m"), S(E "[31m"), 0},
	{S(E "[3\1771m"), S(E "[31m"), 0},
	{S(E "[31" E "[32m"), S(E "[32m"), 0},
	{S(E "[31\030m" E "[31\032m"), S("mm"), 0},
	{S(E "[3\xc3\xa9m"), S("\xc3\xa9m"), 0},
	{S(E "[1?2h" E "[1 2q" E "[1;2 !q" E "[?>1h"), S(""), 0},
};
/* clang-format on */

TEST(sanitize_control_sequences)
{
	for (size_t i = 0; i < BH_ARRAY_SIZE(csi_cases); i++)
		CHECK(check_case(&csi_cases[i]));
}

/* 64 bytes between "ESC [" and the final byte pass, 65 do not; the
 * sequence after an over-long one is read normally. */
TEST(sanitize_sequence_length_limit)
{
	char in[128], out[128];
	for (size_t params = 60; params <= 70; params++) {
		size_t n = 0;
		in[n++] = 0x1b;
		in[n++] = '[';
		for (size_t i = 0; i < params; i++)
			in[n++] = i % 2 ? ';' : '1';
		in[n++] = 'm';
		size_t seq = n;
		memcpy(in + n, E "[1mX", 5);
		n += 5;
		struct san_case c = {in, n, out, 0, 0};
		if (params <= 64) {
			memcpy(out, in, n);
			c.out_len = n;
		} else {
			memcpy(out, in + seq, n - seq);
			c.out_len = n - seq;
		}
		CHECK(check_case(&c));
	}
}

/* clang-format off */
static const struct san_case esc_cases[] = {
	{S(E "7" E "8" E "=" E ">" E "M" E "D" E "E" E "H"),
	 S(E "7" E "8" E "=" E ">" E "M" E "D" E "E" E "H"), 0},
	{S(E "(0lqk" E "(B"), S(E "(0lqk" E "(B"), 0},
	/* RIS, DECALN, charset and C1 mode switches, DECID, shifts. */
	{S("a" E "c" E "#8" E "%G" E "%@" E " F" E " G" E "Z" E "N" E "O"
	   E "n" E "o" E "|" E ")0" E "(%5" E "\\" "b"),
	 S("ab"), 0},
	{S(E E "[1m"), S(E "[1m"), 0},
	{S(E "\xc3\xa9"), S("\xc3\xa9"), 0},
	{S(E "\n7"), S("\n" E "7"), 0},
	{S(E "(\030B"), S("B"), 0},
	/* Strings: OSC (titles, clipboard, hyperlinks), DCS, APC, PM, SOS. */
	{S("a" E "]0;evil\a" "b" E "]2;x" E "\\" "c"), S("abc"), 0},
	{S(E "]52;c;dG91Y2ggfi9wd25lZA==\a"), S(""), 0},
	{S(E "]8;;https://evil.example/" E "\\" "click" E "]8;;" E "\\"),
	 S("click"), 0},
	{S(E "Pq#0;2;0;0;0#0~~@@vv@@~~$" E "\\" "x"), S("x"), 0},
	{S(E "P0|17/636174" E "\\" E "P$qm" E "\\" E "P+q544e" E "\\"), S(""),
	 0},
	{S(E "_Gf=100;AAAA" E "\\" "ok" E "^pm" E "\\" E "Xsos" E "\\"),
	 S("ok"), 0},
	{S(E "]1337;File=inline=1:QUJD\a" E "]7;file:///tmp\a"
	   E "]133;A\a" E "]4;1;?\a" E "]10;?\a" E "]9;hi\a"),
	 S(""), 0},
	/* A string ends at the next ESC, which starts a new sequence, or
	 * at CAN/SUB; its body never shows. */
	{S(E "]0;title" E "[1mX"), S(E "[1mX"), 0},
	{S(E "]0;ti\030tle" E "P1\032" "x"), S("tlex"), 0},
	{S(E "]0;\n" E "[31m\r\xc2\x9b" "\a" "y"), S(E "[31m\r\ay"), 0},
};
/* clang-format on */

TEST(sanitize_escape_sequences)
{
	for (size_t i = 0; i < BH_ARRAY_SIZE(esc_cases); i++)
		CHECK(check_case(&esc_cases[i]));
}

static char *finish_after(const char *in, size_t n, unsigned flags, size_t *len)
{
	struct bh_sanitizer *s = bh_sanitizer_new(flags);
	char *out = malloc(BH_SANITIZER_OUT_MAX(n) + BH_SANITIZER_FINISH_MAX);
	size_t w = bh_sanitizer_feed(s, in, n, out);
	size_t f = bh_sanitizer_finish(s, out + w);
	/* As new afterwards: nothing more to undo. */
	char again[BH_SANITIZER_FINISH_MAX];
	if (bh_sanitizer_finish(s, again) != 0)
		f = 0, w = 0, out[0] = '!';
	bh_sanitizer_free(s);
	*len = w + f;
	out[*len] = 0;
	return out;
}

/* clang-format off */
static const struct finish_case {
	const char *in;
	size_t n;
	const char *out;
} finish_cases[] = {
	{S(E "[?1049h" E "[?25l" E "[31m"),
	 E "[?1049h" E "[?25l" E "[31m" E "[0m" E "[?25h" E "[?1049l"},
	{S(E "[?1049h" E "[31m" E "[?1049l" E "[0m"),
	 E "[?1049h" E "[31m" E "[?1049l" E "[0m"},
	{S(E "[?1000;1006h" E "[?2004h" E "=" E "[?1h" E "(0"),
	 E "[?1000;1006h" E "[?2004h" E "=" E "[?1h" E "(0" E "(B" E ">"
	   E "[?1l" E "[?1000l" E "[?1006l" E "[?2004l"},
	{S(E "[?7l" E "[4h" E "[5 q" E "[2;10r"),
	 E "[?7l" E "[4h" E "[5 q" E "[2;10r" E "[4l" E "[0 q"
	   E "7" E "[r" E "8" E "[?7h"},
	{S(E "[?47h" E "[?1047h" E "[?1004h" E "[?2026h"),
	 E "[?47h" E "[?1047h" E "[?1004h" E "[?2026h" E "[?1004l"
	   E "[?2026l" E "[?47l" E "[?1047l"},
	/* Unfinished sequences go, an unfinished character shows. */
	{S("abc" E "[3"), "abc"},
	{S("abc" E "]0;t"), "abc"},
	{S("x\xe2\x82"), "x\xef\xbf\xbd"},
};
/* clang-format on */

TEST(sanitize_finish_undoes_modes)
{
	for (size_t i = 0; i < BH_ARRAY_SIZE(finish_cases); i++) {
		const struct finish_case *c = &finish_cases[i];
		size_t len;
		char *got = finish_after(c->in, c->n, 0, &len);
		CHECK_STR(got, c->out);
		free(got);
	}
}

TEST(sanitize_finish_fits_its_bound)
{
	/* Every mode there is, switched on. */
	const char in[] = E "[31m" E "(0" E "[4h" E "=" E "[5 q" E "[1;2r" E
			    "[?1;7;25;1000;1002;1003;1004;1006;1015;2004h" E
			    "[?2026;47;1047;1049h" E "[?7l" E "[?25l"
			    "\xe2\x82";
	struct bh_sanitizer *s = bh_sanitizer_new(0);
	char out[BH_SANITIZER_OUT_MAX(sizeof(in))];
	(void)bh_sanitizer_feed(s, in, sizeof(in) - 1, out);
	char fin[BH_SANITIZER_FINISH_MAX];
	size_t n = bh_sanitizer_finish(s, fin);
	CHECK(n > 100);
	CHECK(n <= BH_SANITIZER_FINISH_MAX);
	bh_sanitizer_free(s);
}

TEST(sanitize_counts_what_it_drops)
{
	const char in[] = E "]52;c;eA==\a" E "]0;t\a" E "Pq" E "\\" E "_x" E
			    "\\" E "[21t" E "[3J" E "c" E "%G"
			    "\005\016"
			    "\xc2\x9b\xff\xe2\x80\xae" E "[?1049;3h";
	struct bh_sanitizer *s = bh_sanitizer_new(0);
	char out[BH_SANITIZER_OUT_MAX(sizeof(in))];
	size_t n = bh_sanitizer_feed(s, in, sizeof(in) - 1, out);
	struct bh_sanitizer_stats st;
	bh_sanitizer_stats(s, &st);
	CHECK_INT(st.osc, 2);
	CHECK_INT(st.string, 2);
	CHECK_INT(st.csi, 3);
	CHECK_INT(st.esc, 2);
	CHECK_INT(st.c0, 2);
	CHECK_INT(st.c1, 1);
	CHECK_INT(st.utf8, 1);
	CHECK_INT(st.bidi, 1);
	CHECK(n == 3 + 8 && !memcmp(out, "\xef\xbf\xbd" E "[?1049h", n));
	bh_sanitizer_free(s);
}
