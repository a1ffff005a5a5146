/* SPDX-License-Identifier: MIT */
/*
 * The canonical host-name parser and the egress host rules (issue 4).
 *
 * What this defends against (threats.md 51, 56, 57): a proxy that checks
 * one reading of a host and connects to another.  NUL bytes that cut a
 * name short in one parser and not in the next ("evil.com\0.allowed.com"),
 * userinfo and percent-encoding that move the real host ("allowed.com:443
 * @evil.com", "%2e"), suffix matching without a label boundary
 * ("evilallowed.com"), IP literals spelled so that one parser sees a name
 * and the resolver an address ("2130706433", "0x7f.1", "0177.0.0.1",
 * "::ffff:127.0.0.1"), and look-alike Unicode.  So there is exactly one
 * parser: it turns every spelling into one canonical text, refuses every
 * byte that some parser would read differently, and the rules compare only
 * canonical texts, label by label.  The proxy then resolves and connects to
 * what this module returned, never to the text it received.
 *
 * Pure: no system calls.  libidn2 and libpsl compute; the public suffix
 * list is the one compiled into libpsl (psl_builtin()), not a file read.
 */
#include "net/host.h"

#include <errno.h>
#include <idn2.h>
#include <libpsl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/util.h"

/* Longer input is refused before IDNA sees it: no real host comes close
 * (253 octets after mapping), and the bound keeps the copies small. */
#define HOST_INPUT_MAX 1024
#define HOST_NAME_MAX_LEN 253
#define HOST_LABEL_MAX 63

static int fail(const char **why, const char *what)
{
	*why = what;
	return -EINVAL;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_ldh(char c)
{
	return (c >= 'a' && c <= 'z') || is_digit(c) || c == '-';
}

static void idn2_freep(char **p)
{
	idn2_free(*p);
}
#define cleanup_idn2 __attribute__((cleanup(idn2_freep)))

/* ---- bytes --------------------------------------------------------------- */

/*
 * The first byte that no host may hold, named by the trick it belongs to;
 * NULL when every byte may appear somewhere in a host.  Each of these is
 * read differently by some parser between the client and the origin: NUL
 * ends a C string, '%' starts percent-encoding or an IPv6 zone, '@' ends
 * userinfo, '/' and '\\' end an authority (WHATWG treats '\\' as '/'),
 * space and control bytes end a request line or a header.  '_' is not in
 * the LDH syntax of host names (RFC 952/1123) nor valid in IDNA2008; it is
 * refused so that the rule language and the parser agree on one alphabet.
 */
static const char *bad_byte(const char *s, size_t n, bool *non_ascii)
{
	*non_ascii = false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80) {
			*non_ascii = true;
			continue;
		}
		if (is_ldh((char)c) || c == '.' || c == ':' || c == '[' ||
		    c == ']' || (c >= 'A' && c <= 'Z'))
			continue;
		if (c == 0)
			return "contains a NUL byte";
		if (c < 0x20 || c == 0x7f)
			return "contains a control byte";
		if (c == ' ')
			return "contains a space";
		if (c == '%')
			return "contains '%' (percent-encoding or an IPv6 zone "
			       "index)";
		if (c == '@')
			return "contains '@' (userinfo)";
		if (c == '/' || c == '\\')
			return "contains a path separator";
		if (c == '_')
			return "contains '_', which host names may not hold";
		return "contains a character not allowed in a host name";
	}
	return NULL;
}

/* ---- IPv4 ---------------------------------------------------------------- */

/*
 * Every spelling inet_aton() accepts: one to four parts, each decimal,
 * octal (leading 0) or hex (0x); the last part fills the remaining bytes
 * ("127.1", "2130706433").  Stricter than glibc where glibc is lax: "0x"
 * with no digits and parts over 32 bits are refused, not read as 0 or
 * wrapped.  s is lower-case, without a trailing dot.
 */
static bool ipv4_parse(const char *s, size_t n, uint8_t out[4])
{
	uint32_t parts[4];
	size_t np = 0, i = 0;

	for (;;) {
		uint64_t v = 0;
		unsigned base = 10;
		size_t digits = 0;

		if (np == 4)
			return false;
		if (i < n && s[i] == '0') {
			base = 8;
			if (i + 1 < n && s[i + 1] == 'x') {
				base = 16;
				i += 2;
			}
		}
		for (; i < n && s[i] != '.'; i++) {
			int d = bh_hex_value(s[i]);
			if (d < 0 || (unsigned)d >= base)
				return false;
			v = v * base + (unsigned)d;
			if (v > 0xffffffffu)
				return false;
			digits++;
		}
		if (digits == 0)
			return false;
		parts[np++] = (uint32_t)v;
		if (i == n)
			break;
		i++;
	}
	uint32_t a = 0;
	for (size_t k = 0; k + 1 < np; k++) {
		if (parts[k] > 0xff)
			return false;
		a |= parts[k] << (24 - 8 * k);
	}
	uint32_t last_max = 0xffffffffu >> (8 * (np - 1));
	if (parts[np - 1] > last_max)
		return false;
	a |= parts[np - 1];
	out[0] = (uint8_t)(a >> 24);
	out[1] = (uint8_t)(a >> 16);
	out[2] = (uint8_t)(a >> 8);
	out[3] = (uint8_t)a;
	return true;
}

/* The dotted quad inside an IPv6 address: RFC 4291 form only, four
 * decimal parts without leading zeros (as inet_pton). */
static bool ipv4_parse_strict(const char *s, size_t n, uint8_t out[4])
{
	size_t i = 0;

	for (int k = 0; k < 4; k++) {
		unsigned v = 0;
		size_t start = i;
		while (i < n && is_digit(s[i]) && i - start < 3)
			v = v * 10 + (unsigned)(s[i++] - '0');
		if (i == start || v > 255 || (s[start] == '0' && i - start > 1))
			return false;
		out[k] = (uint8_t)v;
		if (k < 3) {
			if (i == n || s[i] != '.')
				return false;
			i++;
		}
	}
	return i == n;
}

/*
 * Does the last label read as a number to a WHATWG URL parser or to
 * inet_aton ("ends in a number")?  All digits, or "0x" and hex digits.
 * Such a host is an address or nothing: never a name.
 */
static bool ends_in_number(const char *s, size_t n)
{
	size_t i = n;
	while (i > 0 && s[i - 1] != '.')
		i--;
	const char *l = s + i;
	size_t ln = n - i;
	if (ln >= 2 && l[0] == '0' && l[1] == 'x') {
		for (size_t k = 2; k < ln; k++)
			if (bh_hex_value(l[k]) < 0)
				return false;
		return true;
	}
	for (size_t k = 0; k < ln; k++)
		if (!is_digit(l[k]))
			return false;
	return ln > 0;
}

/* ---- IPv6 ---------------------------------------------------------------- */

/* RFC 4291 text: up to eight groups of 1-4 hex digits, one "::", an
 * optional dotted quad in the last 32 bits.  No zone index (refused
 * earlier with '%'). */
static bool ipv6_parse(const char *s, size_t n, uint8_t out[16])
{
	uint16_t w[8] = {0};
	int nw = 0, gap = -1;
	size_t i = 0;

	if (n >= 2 && s[0] == ':' && s[1] == ':') {
		gap = 0;
		i = 2;
	} else if (n && s[0] == ':') {
		return false;
	}
	while (i < n) {
		size_t start = i;
		unsigned v = 0;
		while (i < n && bh_hex_value(s[i]) >= 0 && i - start < 5)
			v = v * 16 + (unsigned)bh_hex_value(s[i++]);
		if (i < n && s[i] == '.') {
			uint8_t b[4];
			if (nw > 6 ||
			    !ipv4_parse_strict(s + start, n - start, b))
				return false;
			w[nw++] = (uint16_t)(b[0] << 8 | b[1]);
			w[nw++] = (uint16_t)(b[2] << 8 | b[3]);
			i = n;
			break;
		}
		if (i == start || i - start > 4 || nw == 8)
			return false;
		w[nw++] = (uint16_t)v;
		if (i == n)
			break;
		if (s[i++] != ':' || i == n)
			return false;
		if (s[i] == ':') {
			if (gap >= 0)
				return false;
			gap = nw;
			i++;
		}
	}
	if (gap >= 0) {
		/* "::" stands for at least one group (RFC 4291 2.2). */
		if (nw == 8)
			return false;
		int tail = nw - gap;
		memmove(&w[8 - tail], &w[gap], (size_t)tail * sizeof(w[0]));
		memset(&w[gap], 0, (size_t)(8 - tail - gap) * sizeof(w[0]));
	} else if (nw != 8) {
		return false;
	}
	for (int k = 0; k < 8; k++) {
		out[2 * k] = (uint8_t)(w[k] >> 8);
		out[2 * k + 1] = (uint8_t)w[k];
	}
	return true;
}

/* RFC 5952: lower-case hex without leading zeros, the longest run of two
 * or more zero groups (the first of equals) as "::", no dotted quad. */
static void ipv6_format(const uint8_t a[16], char out[40])
{
	unsigned w[8];
	int best = -1, best_len = 1;
	size_t o = 0;

	for (int k = 0; k < 8; k++)
		w[k] = (unsigned)a[2 * k] << 8 | a[2 * k + 1];
	for (int k = 0; k < 8;) {
		int len = 0;
		while (k + len < 8 && w[k + len] == 0)
			len++;
		if (len > best_len) {
			best = k;
			best_len = len;
		}
		k += len ? len : 1;
	}
	for (int k = 0; k < 8; k++) {
		if (k == best) {
			out[o++] = ':';
			out[o++] = ':';
			k += best_len - 1;
			continue;
		}
		if (o && out[o - 1] != ':')
			out[o++] = ':';
		o += (size_t)snprintf(out + o, 40 - o, "%x", w[k]);
	}
	out[o] = '\0';
}

static const uint8_t v4mapped_prefix[12] = {0, 0, 0, 0, 0,    0,
					    0, 0, 0, 0, 0xff, 0xff};

/* Fills out from a 4- or 16-byte address; an IPv4-mapped IPv6 address
 * becomes the IPv4 address it maps, so both spellings match one rule. */
static void host_from_addr(bool v6, const uint8_t *a, struct bh_host *out)
{
	memset(out, 0, sizeof(*out));
	if (v6 && memcmp(a, v4mapped_prefix, 12) == 0) {
		v6 = false;
		a += 12;
	}
	if (v6) {
		out->kind = BH_HOST_IPV6;
		memcpy(out->addr, a, 16);
		ipv6_format(a, out->name);
	} else {
		out->kind = BH_HOST_IPV4;
		memcpy(out->addr, a, 4);
		snprintf(out->name, sizeof(out->name), "%u.%u.%u.%u", a[0],
			 a[1], a[2], a[3]);
	}
}

static int canon_ipv6(const char *s, size_t n, struct bh_host *out,
		      const char **why)
{
	char buf[64];
	uint8_t a[16];

	/* The longest valid form, eight groups of four, has 39 bytes; a
	 * dotted tail ("0:0:0:0:0:ffff:255.255.255.255") 45. */
	if (n >= sizeof(buf))
		return fail(why, "is not a valid IPv6 address");
	for (size_t i = 0; i < n; i++)
		buf[i] =
		    (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) : s[i];
	if (!ipv6_parse(buf, n, a))
		return fail(why, "is not a valid IPv6 address");
	host_from_addr(true, a, out);
	return 0;
}

/* ---- names --------------------------------------------------------------- */

/*
 * An xn-- label must be the punycode IDNA2008 itself would produce for
 * what it decodes to: otherwise two texts name one host (or a label hides
 * code points IDNA forbids, e.g. "xn--a-ecp" decodes to "a" and U+2488,
 * which maps to "1.").  Decoding and encoding again, and comparing, is the
 * strictest test libidn2 offers.
 */
static bool punycode_canonical(const char *label, size_t n)
{
	char buf[HOST_LABEL_MAX + 1];
	cleanup_idn2 char *u = NULL;
	cleanup_idn2 char *a = NULL;

	memcpy(buf, label, n);
	buf[n] = '\0';
	if (idn2_to_unicode_8z8z(buf, &u, 0) != IDN2_OK || !u || !u[0])
		return false;
	if (idn2_to_ascii_8z(u, &a, IDN2_NONTRANSITIONAL) != IDN2_OK || !a)
		return false;
	return strcmp(a, buf) == 0;
}

/*
 * An ASCII name, or an address in IPv4 spelling.  s holds only bytes that
 * bad_byte() let through, ':' and brackets aside (the caller routed those
 * to the IPv6 parser).
 */
static int canon_ascii(const char *s, size_t n, struct bh_host *out,
		       const char **why)
{
	char buf[HOST_NAME_MAX_LEN + 2];

	/* One trailing dot is the root label, the same host ("ALLOWED.COM."
	 * is allowed.com); a second is an empty label. */
	if (n && s[n - 1] == '.')
		n--;
	if (n == 0)
		return fail(why, "is empty");
	if (n > HOST_NAME_MAX_LEN)
		return fail(why, "is longer than 253 characters");
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		if (!is_ldh(c) && c != '.')
			return fail(why, "contains a character not allowed in "
					 "a host name");
		buf[i] = c;
	}
	buf[n] = '\0';

	if (buf[0] == '.' || buf[n - 1] == '.' || strstr(buf, ".."))
		return fail(why, "has an empty label");
	for (size_t i = 0; i < n;) {
		size_t end = i;
		while (end < n && buf[end] != '.')
			end++;
		if (end - i > HOST_LABEL_MAX)
			return fail(why,
				    "has a label longer than 63 characters");
		i = end + 1;
	}
	if (ends_in_number(buf, n)) {
		uint8_t a[4];
		if (!ipv4_parse(buf, n, a))
			return fail(why, "ends in a number but is not a valid "
					 "IPv4 address");
		host_from_addr(false, a, out);
		return 0;
	}
	for (size_t i = 0; i < n;) {
		size_t end = i;
		while (end < n && buf[end] != '.')
			end++;
		if (buf[i] == '-' || buf[end - 1] == '-')
			return fail(why, "has a label that starts or ends with "
					 "'-'");
		if (end - i >= 4 && memcmp(buf + i, "xn--", 4) == 0 &&
		    !punycode_canonical(buf + i, end - i))
			return fail(why, "has an xn-- label that is not "
					 "canonical IDNA2008 punycode");
		i = end + 1;
	}
	memset(out, 0, sizeof(*out));
	out->kind = BH_HOST_NAME;
	memcpy(out->name, buf, n + 1);
	return 0;
}

/*
 * Non-ASCII: IDNA2008 with the UTS #46 mapping, non-transitional (what
 * WHATWG URL parsers do, so "ß" stays "ß" and fullwidth letters and
 * U+3002 "。" map to ASCII and '.').  Mapping cannot open a differential
 * here: the proxy checks and connects to the mapped name, never to the
 * input.  libidn2's STD3 flag is not used: it silently drops bytes ("a_b"
 * becomes "ab"); instead the mapped result goes through the ASCII path and
 * its byte checks, so a mapping to '@', '/', '%' or ':' is refused, and so
 * is a mapping to an IPv4 literal unless it is a valid one.
 */
static int canon_idna(const char *s, size_t n, struct bh_host *out,
		      const char **why)
{
	char buf[HOST_INPUT_MAX + 1];
	cleanup_idn2 char *a = NULL;
	bool non_ascii;
	const char *bad;

	memcpy(buf, s, n);
	buf[n] = '\0';
	if (idn2_to_ascii_8z(buf, &a, IDN2_NONTRANSITIONAL) != IDN2_OK || !a)
		return fail(why, "is not a valid internationalised name "
				 "(IDNA2008)");
	size_t an = strlen(a);
	bad = bad_byte(a, an, &non_ascii);
	if (bad)
		return fail(why, bad);
	if (non_ascii || memchr(a, ':', an) || memchr(a, '[', an) ||
	    memchr(a, ']', an))
		return fail(why, "maps under IDNA to a character not allowed "
				 "in a host name");
	return canon_ascii(a, an, out, why);
}

static int host_canon(const char *in, size_t len, struct bh_host *out,
		      const char **why)
{
	bool non_ascii;
	const char *bad;

	if (len == 0)
		return fail(why, "is empty");
	if (len > HOST_INPUT_MAX)
		return fail(why, "is too long");
	bad = bad_byte(in, len, &non_ascii);
	if (bad)
		return fail(why, bad);
	if (in[0] == '[') {
		const char *close = memchr(in, ']', len);
		if (!close)
			return fail(why, "has an unclosed '['");
		if (close != in + len - 1)
			return fail(why, "has text after ']' (a port goes "
					 "outside the host)");
		return canon_ipv6(in + 1, len - 2, out, why);
	}
	if (memchr(in, '[', len) || memchr(in, ']', len))
		return fail(why, "has a bracket that does not enclose it");
	if (memchr(in, ':', len)) {
		/* Bare IPv6 (SOCKS5, rules); anything else with a ':' is a
		 * port that belongs outside the host. */
		if (non_ascii || canon_ipv6(in, len, out, why) != 0)
			return fail(why, "has a ':' but is not an IPv6 address "
					 "(a port goes after the host, an "
					 "IPv6 address in brackets)");
		return 0;
	}
	if (non_ascii)
		return canon_idna(in, len, out, why);
	return canon_ascii(in, len, out, why);
}

int bh_host_canon(const char *in, size_t len, struct bh_host *out,
		  const char **why)
{
	const char *w = NULL;
	int ret = host_canon(in, len, out, &w);

	if (ret)
		memset(out, 0, sizeof(*out));
	if (why)
		*why = w;
	return ret;
}

/* ---- address classes ----------------------------------------------------- */

struct addr_net {
	uint8_t net[16];
	unsigned bits;
	unsigned classes;
};

/*
 * IPv4 special-purpose space (RFC 6890 and the IANA registry) and the
 * cloud metadata endpoints.  Every matching entry adds its classes.
 * 0.0.0.0/8 matters beyond bookkeeping: Linux connects 0.0.0.0 to the
 * local host.  168.63.129.16 is public space but Azure's WireServer,
 * reachable only from inside Azure, and a known SSRF target.
 */
/* clang-format off */
static const struct addr_net v4_nets[] = {
    {{0, 0, 0, 0}, 8, BH_ADDR_RESERVED},
    {{10, 0, 0, 0}, 8, BH_ADDR_PRIVATE},
    {{100, 64, 0, 0}, 10, BH_ADDR_CGNAT},
    {{100, 100, 100, 200}, 32, BH_ADDR_METADATA}, /* Alibaba Cloud */
    {{127, 0, 0, 0}, 8, BH_ADDR_LOOPBACK},
    {{168, 63, 129, 16}, 32, BH_ADDR_METADATA}, /* Azure WireServer */
    {{169, 254, 0, 0}, 16, BH_ADDR_LINKLOCAL},
    {{169, 254, 0, 23}, 32, BH_ADDR_METADATA},     /* Tencent Cloud */
    {{169, 254, 169, 254}, 32, BH_ADDR_METADATA}, /* AWS, GCP, Azure, ... */
    {{169, 254, 170, 2}, 32, BH_ADDR_METADATA},   /* AWS ECS task creds */
    {{169, 254, 170, 23}, 32, BH_ADDR_METADATA},  /* AWS EKS pod identity */
    {{172, 16, 0, 0}, 12, BH_ADDR_PRIVATE},
    {{192, 0, 0, 0}, 24, BH_ADDR_RESERVED},      /* IETF assignments */
    {{192, 0, 0, 192}, 32, BH_ADDR_METADATA},    /* Oracle Cloud */
    {{192, 0, 2, 0}, 24, BH_ADDR_RESERVED},      /* TEST-NET-1 */
    {{192, 88, 99, 0}, 24, BH_ADDR_RESERVED},    /* 6to4 relay anycast */
    {{192, 168, 0, 0}, 16, BH_ADDR_PRIVATE},
    {{198, 18, 0, 0}, 15, BH_ADDR_RESERVED},     /* benchmarking */
    {{198, 51, 100, 0}, 24, BH_ADDR_RESERVED},   /* TEST-NET-2 */
    {{203, 0, 113, 0}, 24, BH_ADDR_RESERVED},    /* TEST-NET-3 */
    {{224, 0, 0, 0}, 4, BH_ADDR_MULTICAST},
    {{240, 0, 0, 0}, 4, BH_ADDR_RESERVED}, /* incl. 255.255.255.255 */
};

/* IPv6 special-purpose space; the forms that embed IPv4 are handled in
 * v6_classes(). */
static const struct addr_net v6_nets[] = {
    {{0}, 128, BH_ADDR_RESERVED},                             /* :: */
    {{[15] = 1}, 128, BH_ADDR_LOOPBACK},                      /* ::1 */
    {{0, 0x64, 0xff, 0x9b, 0, 1}, 48, BH_ADDR_RESERVED},      /* local NAT64 */
    {{1, 0}, 64, BH_ADDR_RESERVED},                           /* discard */
    {{0x20, 0x01, 0, 0}, 32, BH_ADDR_RESERVED},               /* Teredo */
    {{0x20, 0x01, 0, 0x02, 0, 0}, 48, BH_ADDR_RESERVED},      /* benchmark */
    {{0x20, 0x01, 0, 0x10}, 28, BH_ADDR_RESERVED},            /* ORCHID */
    {{0x20, 0x01, 0, 0x20}, 28, BH_ADDR_RESERVED},            /* ORCHIDv2 */
    {{0x20, 0x01, 0x0d, 0xb8}, 32, BH_ADDR_RESERVED},         /* docs */
    {{0x3f, 0xff}, 20, BH_ADDR_RESERVED},                     /* docs */
    {{0xfc}, 7, BH_ADDR_PRIVATE},                             /* ULA */
    {{0xfd, 0, 0x0e, 0xc2, [14] = 0x02, 0x54}, 128, BH_ADDR_METADATA}, /* AWS */
    {{0xfd, 0, 0x0e, 0xc2, [15] = 0x23}, 128, BH_ADDR_METADATA}, /* EKS */
    {{0xfe, 0x80}, 10, BH_ADDR_LINKLOCAL},
    {{0xfe, 0xc0}, 10, BH_ADDR_PRIVATE}, /* site-local, deprecated */
    {{0xff}, 8, BH_ADDR_MULTICAST},
};
/* clang-format on */

static bool in_net(const uint8_t *a, const struct addr_net *n)
{
	unsigned full = n->bits / 8, rest = n->bits % 8;

	if (memcmp(a, n->net, full) != 0)
		return false;
	if (!rest)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (a[full] & mask) == (n->net[full] & mask);
}

static unsigned table_classes(const uint8_t *a, const struct addr_net *t,
			      size_t n)
{
	unsigned c = 0;
	for (size_t i = 0; i < n; i++)
		if (in_net(a, &t[i]))
			c |= t[i].classes;
	return c;
}

static unsigned v4_classes(const uint8_t *a)
{
	return table_classes(a, v4_nets, BH_ARRAY_SIZE(v4_nets));
}

/*
 * Forms that carry an IPv4 address are judged by it too: a resolver that
 * answers 64:ff9b::a9fe:a9fe (NAT64) or 2002:7f00:1:: (6to4) must not reach
 * what 169.254.169.254 or 127.0.0.1 would not.  Everything outside
 * 2000::/3 and the ranges above is unassigned or special: reserved.
 */
static unsigned v6_classes(const uint8_t *a)
{
	static const uint8_t nat64[12] = {0, 0x64, 0xff, 0x9b};
	static const uint8_t zero[12] = {0};
	unsigned c;

	if (memcmp(a, v4mapped_prefix, 12) == 0)
		return v4_classes(a + 12);
	if (memcmp(a, nat64, 12) == 0)
		return v4_classes(a + 12);
	c = table_classes(a, v6_nets, BH_ARRAY_SIZE(v6_nets));
	if (memcmp(a, zero, 12) == 0 && !c)
		/* IPv4-compatible ::a.b.c.d, deprecated (RFC 4291 2.5.5.1). */
		return BH_ADDR_RESERVED | v4_classes(a + 12);
	if (a[0] == 0x20 && a[1] == 0x02)
		c |= v4_classes(a + 2);
	if (!c && (a[0] & 0xe0) != 0x20)
		c = BH_ADDR_RESERVED;
	return c;
}

unsigned bh_addr_classes(int family, const uint8_t *addr)
{
	if (family == AF_INET)
		return v4_classes(addr);
	if (family == AF_INET6)
		return v6_classes(addr);
	return BH_ADDR_RESERVED;
}

/* In order of what a log should say first. */
static const struct {
	unsigned bit;
	const char *name;
	const char *why;
} class_names[] = {
    {BH_ADDR_METADATA, "cloud metadata", "is a cloud metadata address"},
    {BH_ADDR_LOOPBACK, "loopback", "is a loopback address"},
    {BH_ADDR_LINKLOCAL, "link-local", "is a link-local address"},
    {BH_ADDR_PRIVATE, "private", "is a private address"},
    {BH_ADDR_CGNAT, "shared (CGNAT)", "is a shared (CGNAT) address"},
    {BH_ADDR_MULTICAST, "multicast", "is a multicast address"},
    {BH_ADDR_RESERVED, "reserved", "is a reserved address"},
};

const char *bh_addr_class_name(unsigned classes)
{
	for (size_t i = 0; i < BH_ARRAY_SIZE(class_names); i++)
		if (classes & class_names[i].bit)
			return class_names[i].name;
	return NULL;
}

/* ---- rules --------------------------------------------------------------- */

struct host_rule {
	struct bh_host_rule src; /* a copy; host and loc.file are owned */
	struct bh_host host;	 /* canonical; of the suffix for a wildcard */
	bool wildcard;
};

struct bh_hostrules {
	struct host_rule *rules;
	size_t n;
};

void bh_hostrules_free(struct bh_hostrules *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->rules[i].src.host);
		free((char *)r->rules[i].src.loc.file);
	}
	free(r->rules);
	free(r);
}

static void hostrules_freep(struct bh_hostrules **r)
{
	bh_hostrules_free(*r);
}

static int rule_error(const struct bh_host_rule *h, const char *what,
		      const char *hint, struct bh_error **err)
{
	bool fresh = err && !*err;
	int ret =
	    bh_error_set(err, BH_EK_PROFILE, EINVAL, "%s:%u:%u: host '%s' %s",
			 h->loc.file ? h->loc.file : "(profile)", h->loc.line,
			 h->loc.col, h->host ? h->host : "", what);
	if (fresh && hint)
		bh_error_hint(*err, "%s", hint);
	return ret;
}

/*
 * A wildcard over a public suffix hands the rule to every registrant
 * below it: "*.co.uk" is every British company, "*.github.io" every GitHub
 * user's pages (a private-section entry: the operator declares that names
 * below belong to different people).  Both sections are refused; the
 * implicit "*" rule makes any single label a suffix too.  The list is the
 * one compiled into libpsl (Debian's publicsuffix at libpsl's build): no
 * file is read, so this stays pure and gives the same answer everywhere
 * the binary runs.
 */
static int check_wildcard(const struct bh_host_rule *h, const char *suffix,
			  struct bh_error **err)
{
	const psl_ctx_t *psl = psl_builtin();

	if (!psl)
		return rule_error(h,
				  "is a wildcard, and this libpsl has no "
				  "built-in public suffix list to check it "
				  "against",
				  "list the names without a wildcard", err);
	if (psl_is_public_suffix2(psl, suffix, PSL_TYPE_ANY))
		return rule_error(
		    h, "is a wildcard over a public suffix",
		    "a wildcard must name a domain someone registered, as in "
		    "*.example.co.uk; names below a public suffix (co.uk, "
		    "github.io, vercel.app) belong to many different owners",
		    err);
	return 0;
}

static int compile_rule(const struct bh_host_rule *h, struct host_rule *out,
			struct bh_error **err)
{
	const char *text = h->host ? h->host : "";
	const char *why = NULL;

	if (strcmp(text, "*") == 0)
		return rule_error(h, "would match every host",
				  "list the hosts; *.example.com matches the "
				  "names below example.com",
				  err);
	out->wildcard = text[0] == '*' && text[1] == '.';
	if (out->wildcard)
		text += 2;
	if (bh_host_canon(text, strlen(text), &out->host, &why) != 0)
		return rule_error(h, why,
				  "write a host name as letters, "
				  "digits, '-' and '.', an IPv4 address "
				  "as a dotted quad, IPv6 in brackets",
				  err);
	if (out->wildcard && out->host.kind != BH_HOST_NAME)
		return rule_error(h, "is a wildcard over an IP address",
				  "name the address itself", err);
	if (out->wildcard) {
		int ret = check_wildcard(h, out->host.name, err);
		if (ret)
			return ret;
	}
	out->src = *h;
	out->src.host = bh_xstrdup(h->host ? h->host : "");
	out->src.loc.file = h->loc.file ? bh_xstrdup(h->loc.file) : NULL;
	return 0;
}

int bh_hostrules_new(const struct bh_policy *p, struct bh_hostrules **out,
		     struct bh_error **err)
{
	__attribute__((cleanup(hostrules_freep))) struct bh_hostrules *r =
	    bh_xcalloc(1, sizeof(*r));

	*out = NULL;
	if (p->n_hosts)
		r->rules = bh_xcalloc(p->n_hosts, sizeof(*r->rules));
	for (size_t i = 0; i < p->n_hosts; i++) {
		int ret = compile_rule(&p->hosts[i], &r->rules[r->n], err);
		if (ret)
			return ret;
		r->n++;
	}
	*out = steal_pointer(&r);
	return 0;
}

/* Exact labels: "*.example.com" covers names that end in ".example.com"
 * with at least one label before it; the '.' is the label boundary that
 * keeps "badexample.com" out. */
static bool rule_matches(const struct host_rule *c, const struct bh_host *h,
			 unsigned port)
{
	if (c->src.port && c->src.port != port)
		return false;
	if (c->host.kind != h->kind)
		return false;
	if (h->kind == BH_HOST_IPV4)
		return memcmp(c->host.addr, h->addr, 4) == 0;
	if (h->kind == BH_HOST_IPV6)
		return memcmp(c->host.addr, h->addr, 16) == 0;
	if (!c->wildcard)
		return strcmp(c->host.name, h->name) == 0;
	size_t hl = strlen(h->name), sl = strlen(c->host.name);
	return hl > sl + 1 && h->name[hl - sl - 1] == '.' &&
	       memcmp(h->name + hl - sl, c->host.name, sl) == 0;
}

bool bh_hostrules_allow(const struct bh_hostrules *r, const struct bh_host *h,
			unsigned port, const struct bh_host_rule **rule)
{
	const struct host_rule *allow = NULL;

	if (rule)
		*rule = NULL;
	if (!r || !h)
		return false;
	for (size_t i = 0; i < r->n; i++) {
		const struct host_rule *c = &r->rules[i];
		if (!rule_matches(c, h, port))
			continue;
		if (!c->src.allow) {
			if (rule)
				*rule = &c->src;
			return false;
		}
		if (!allow)
			allow = c;
	}
	if (rule && allow)
		*rule = &allow->src;
	return allow != NULL;
}

/* Why an address is refused, or NULL when the proxy may connect to it. */
static const char *addr_refusal(const struct bh_hostrules *r, int family,
				const uint8_t *addr, unsigned port)
{
	const struct bh_host_rule *rule = NULL;
	struct bh_host h;

	if (family != AF_INET && family != AF_INET6)
		return "is not an IPv4 or IPv6 address";
	host_from_addr(family == AF_INET6, addr, &h);
	bool granted = bh_hostrules_allow(r, &h, port, &rule);
	if (!granted && rule)
		return "is denied by a rule naming the address";
	if (granted)
		return NULL;
	unsigned c = bh_addr_classes(
	    h.kind == BH_HOST_IPV4 ? AF_INET : AF_INET6, h.addr);
	for (size_t i = 0; i < BH_ARRAY_SIZE(class_names); i++)
		if (c & class_names[i].bit)
			return class_names[i].why;
	return NULL;
}

bool bh_hostrules_addr_ok(const struct bh_hostrules *r, int family,
			  const uint8_t *addr, unsigned port, const char **why)
{
	const char *w = addr_refusal(r, family, addr, port);

	if (why)
		*why = w;
	return w == NULL;
}
