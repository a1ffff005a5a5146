/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the terminal output sanitiser: everything the sandbox
 * prints passes through it on its way to the user's terminal.  Besides
 * "no crash, no leak, no hang", it checks what the terminal relies on,
 * with a checker written apart from the sanitiser:
 *  - the output of every call, taken alone, is a sequence of whole units
 *    (text, valid UTF-8 without C1 or bidi overrides, allowed C0, and
 *    escape sequences from the allowlist): no ESC is ever followed by a
 *    forbidden introducer (OSC, DCS, SOS, PM, APC, RIS, charset
 *    switches), no sequence is cut, no window operation or scrollback
 *    erase passes;
 *  - every call stays within BH_SANITIZER_OUT_MAX(n), finish() within
 *    BH_SANITIZER_FINISH_MAX;
 *  - feeding the input in pieces gives the same output as feeding it
 *    whole.
 * The first byte picks the mode (UTF-8 or legacy 8-bit) and seeds the
 * piece sizes.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "confine/sanitize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool mode_allowed(long mode, bool private)
{
	static const long private_modes[] = {1,	   7,	 25,   47,   1000,
					     1002, 1003, 1004, 1006, 1015,
					     1047, 1048, 1049, 2004, 2026};
	if (!private)
		return mode == 4;
	for (size_t i = 0; i < sizeof(private_modes) / sizeof(long); i++)
		if (private_modes[i] == mode)
			return true;
	return false;
}

/* Checks one control sequence at p[i] ("ESC ["); returns its end. */
static size_t check_csi(const uint8_t *p, size_t n, size_t i)
{
	size_t j = i + 2;
	char marker = 0;
	if (j < n && strchr("<=>?", p[j]) && p[j])
		marker = (char)p[j++];
	size_t params = j;
	long v[80];
	unsigned nv = 0;
	long cur = -1;
	for (; j < n &&
	       ((p[j] >= '0' && p[j] <= '9') || p[j] == ';' || p[j] == ':');
	     j++) {
		if (p[j] == ';' || p[j] == ':') {
			v[nv++] = cur;
			cur = -1;
		} else {
			cur = (cur < 0 ? 0 : cur * 10) + (p[j] - '0');
		}
		if (nv >= 70)
			abort();
	}
	if (j > params)
		v[nv++] = cur;
	char inter = 0;
	if (j < n && p[j] == ' ')
		inter = (char)p[j++];
	if (j >= n || p[j] < 0x40 || p[j] > 0x7e)
		abort(); /* cut, or a byte a terminal would act on */
	if (j - (i + 2) > 64)
		abort();
	char fin = (char)p[j];
	if (inter && !(fin == 'q' && !marker))
		abort();
	switch (marker) {
	case 0:
		if (!strchr("@ABCDEFGHIJKLMPSTXZ`abcdefghlmnqrsu", fin))
			abort();
		if (fin == 'q' && !inter)
			abort();
		if (fin == 'J' && nv && v[0] == 3)
			abort(); /* erases the user's scrollback */
		if (fin == 'n' && !(nv == 1 && (v[0] == 5 || v[0] == 6)))
			abort();
		break;
	case '?':
		if (!strchr("hln", fin) ||
		    (fin == 'n' && !(nv == 1 && v[0] == 6)))
			abort();
		break;
	case '>':
		if (fin != 'c')
			abort();
		break;
	default:
		abort();
	}
	if (fin == 'h' || fin == 'l') {
		if (!nv)
			abort();
		for (unsigned k = 0; k < nv; k++)
			if (!mode_allowed(v[k], marker == '?'))
				abort();
	}
	return j + 1;
}

static size_t check_esc(const uint8_t *p, size_t n, size_t i)
{
	if (i + 1 >= n)
		abort(); /* a lone ESC would join the next write */
	switch (p[i + 1]) {
	case '7':
	case '8':
	case '=':
	case '>':
	case 'D':
	case 'E':
	case 'H':
	case 'M':
		return i + 2;
	case '(':
		if (i + 2 >= n || (p[i + 2] != 'B' && p[i + 2] != '0'))
			abort();
		return i + 3;
	case '[':
		return check_csi(p, n, i);
	default:
		abort(); /* OSC, DCS, SOS, PM, APC, RIS, ESC %, ESC # ... */
	}
}

static size_t utf8_char(const uint8_t *p, size_t n, size_t i)
{
	uint8_t b = p[i];
	size_t len = b >= 0xc2 && b <= 0xdf   ? 2
		     : b >= 0xe0 && b <= 0xef ? 3
		     : b >= 0xf0 && b <= 0xf4 ? 4
					      : 0;
	if (!len || i + len > n)
		abort();
	uint32_t cp = b & (0x7f >> len);
	for (size_t k = 1; k < len; k++) {
		if ((p[i + k] & 0xc0) != 0x80)
			abort();
		cp = cp << 6 | (p[i + k] & 0x3f);
	}
	static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
	if (cp < min[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		abort();
	if (cp <= 0x9f || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069))
		abort();
	return i + len;
}

static void check_output(const uint8_t *p, size_t n, bool legacy)
{
	size_t i = 0;
	while (i < n) {
		uint8_t b = p[i];
		if (b == 0x1b) {
			i = check_esc(p, n, i);
		} else if (b < 0x20) {
			if (b != '\a' && b != '\b' && b != '\t' && b != '\n' &&
			    b != '\r')
				abort();
			i++;
		} else if (b < 0x7f) {
			i++;
		} else if (b == 0x7f) {
			abort();
		} else if (legacy) {
			if (b < 0xa0)
				abort();
			i++;
		} else {
			i = utf8_char(p, n, i);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned flags = data[0] & 1 ? BH_SANITIZER_LEGACY_8BIT : 0;
	uint32_t seed = data[0] | 1u;
	const char *in = (const char *)data + 1;
	size_t n = size - 1;

	struct bh_sanitizer *whole = bh_sanitizer_new(flags);
	char *out1 = malloc(BH_SANITIZER_OUT_MAX(n) + BH_SANITIZER_FINISH_MAX);
	size_t len1 = bh_sanitizer_feed(whole, in, n, out1);
	if (len1 > BH_SANITIZER_OUT_MAX(n))
		abort();
	check_output((const uint8_t *)out1, len1, flags);

	struct bh_sanitizer *pieces = bh_sanitizer_new(flags);
	char *out2 = malloc(n * BH_SANITIZER_OUT_MAX(1) +
			    BH_SANITIZER_OUT_MAX(n) + BH_SANITIZER_FINISH_MAX);
	size_t len2 = 0;
	for (size_t off = 0; off < n;) {
		seed = seed * 1103515245u + 12345u;
		size_t piece = 1 + (seed >> 16) % 17;
		if (piece > n - off)
			piece = n - off;
		size_t w =
		    bh_sanitizer_feed(pieces, in + off, piece, out2 + len2);
		if (w > BH_SANITIZER_OUT_MAX(piece))
			abort();
		check_output((const uint8_t *)out2 + len2, w, flags);
		len2 += w;
		off += piece;
	}
	if (len1 != len2 || memcmp(out1, out2, len1) != 0)
		abort();

	size_t f1 = bh_sanitizer_finish(whole, out1 + len1);
	size_t f2 = bh_sanitizer_finish(pieces, out2 + len2);
	if (f1 > BH_SANITIZER_FINISH_MAX || f1 != f2 ||
	    memcmp(out1 + len1, out2 + len2, f1) != 0)
		abort();
	check_output((const uint8_t *)out1 + len1, f1, flags);

	struct bh_sanitizer_stats s1, s2;
	bh_sanitizer_stats(whole, &s1);
	bh_sanitizer_stats(pieces, &s2);
	if (memcmp(&s1, &s2, sizeof(s1)) != 0)
		abort();

	bh_sanitizer_free(whole);
	bh_sanitizer_free(pieces);
	free(out1);
	free(out2);
	return 0;
}
