/* SPDX-License-Identifier: MIT */
/*
 * The canonical host parser, address classes and host rules (net/host.h):
 * every parser-differential trick of threats.md 51, the rebinding and
 * metadata classes of 56 and 57, rule matching and public-suffix refusal.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/util.h"
#include "net/host.h"
#include "test.h"
#include "test_policy.h"

/* clang-format off */
#define REFUSED (-1)

/* in (len bytes; 0: strlen), the kind it must get or REFUSED, and the
 * canonical text, or for a refusal a piece of the reason. */
struct canon_case {
	const char *in;
	size_t len;
	int kind;
	const char *want;
};

#define NAME(in, out) {in, 0, BH_HOST_NAME, out}
#define V4(in, out) {in, 0, BH_HOST_IPV4, out}
#define V6(in, out) {in, 0, BH_HOST_IPV6, out}
#define BAD(in, why) {in, 0, REFUSED, why}
#define BADN(in, why) {in, sizeof(in) - 1, REFUSED, why}

static const char label63[] =
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
static const char label64[] =
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
/* Three labels of 63 and one of 61: 253 characters. */
#define L63 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define L61 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
static const char name253[] = L63 "." L63 "." L63 "." L61;
static const char name253dot[] = L63 "." L63 "." L63 "." L61 ".";
static const char name254[] = L63 "." L63 "." L63 "." L61 "a";

static const struct canon_case canon_cases[] = {
    /* Names: case, the one trailing dot, labels. */
    NAME("example.com", "example.com"),
    NAME("ALLOWED.COM.", "allowed.com"),
    NAME("Allowed.Com", "allowed.com"),
    NAME("localhost", "localhost"),
    NAME("a", "a"),
    NAME("a-b.example", "a-b.example"),
    NAME("rr3---sn-q4fl6nsl.googlevideo.com",
	 "rr3---sn-q4fl6nsl.googlevideo.com"),
    NAME("123.example.com", "123.example.com"),
    NAME("0x7f.example.com", "0x7f.example.com"),
    NAME("1a", "1a"),
    NAME("0xg", "0xg"),
    NAME("allowed.com.evil.com", "allowed.com.evil.com"),
    NAME("evilallowed.com", "evilallowed.com"),
    NAME("10.0.0.5.nip.io", "10.0.0.5.nip.io"),
    BAD("allowed.com..", "empty label"),
    BAD(".", "is empty"),
    BAD("", "is empty"),
    BAD(".allowed.com", "empty label"),
    BAD("a..b", "empty label"),
    BAD("-a.com", "'-'"),
    BAD("a-.com", "'-'"),
    BAD("a.-b.com", "'-'"),
    BAD("a.b-", "'-'"),
    BAD("a_b.com", "'_'"),
    BAD("_dmarc.example.com", "'_'"),
    /* NUL and other bytes that end or change the host in some parser. */
    BADN("evil.com\0.allowed.com", "NUL"),
    BADN("allowed.com\0", "NUL"),
    BADN("\0", "NUL"),
    BAD("allowed.com\r\n", "control"),
    BAD("allowed.com\tx", "control"),
    BAD("allowed.com\x7f", "control"),
    BAD("allowed\x1b.com", "control"),
    BAD("allowed .com", "space"),
    BAD(" allowed.com", "space"),
    BAD("allowed.com:443@evil.com", "userinfo"),
    BAD("user@allowed.com", "userinfo"),
    BAD("allowed.com@evil.com", "userinfo"),
    BAD("%2e", "percent"),
    BAD("allowed.com%2eevil.com", "percent"),
    BAD("allowed%2Ecom", "percent"),
    BAD("allowed.com%00.evil.com", "percent"),
    BAD("allowed.com/evil", "path separator"),
    BAD("allowed.com\\evil.com", "path separator"),
    BAD("allowed.com?x", "not allowed"),
    BAD("allowed.com#x", "not allowed"),
    BAD("allowed,com", "not allowed"),
    BAD("*.allowed.com", "not allowed"),
    BAD("allowed.com;evil.com", "not allowed"),
    BAD("\"allowed.com\"", "not allowed"),
    BAD("allowed.com:443", "':'"),
    BAD("allowed.com:", "':'"),
    BAD("evil.com:allowed.com", "':'"),
    /* Lengths. */
    NAME(label63, label63),
    BAD(label64, "longer than 63"),
    NAME(name253, name253),
    NAME(name253dot, name253),
    BAD(name254, "longer than 253"),
    /* IDNA2008, UTS #46 mapping, non-transitional. */
    NAME("xn--bcher-kva.de", "xn--bcher-kva.de"),
    NAME("XN--BCHER-KVA.DE", "xn--bcher-kva.de"),
    NAME("b\xc3\xbc" "cher.de", "xn--bcher-kva.de"),
    NAME("B\xc3\x9c" "CHER.de", "xn--bcher-kva.de"),
    NAME("fa\xc3\x9f.de", "xn--fa-hia.de"),
    NAME("xn--zca.de", "xn--zca.de"),
    NAME("\xd0\xb0llowed.com", "xn--llowed-2nf.com"), /* Cyrillic a */
    NAME("\xef\xbd\x81\xef\xbd\x8c\xef\xbd\x8c\xef\xbd\x8f\xef\xbd\x97"
	 "\xef\xbd\x85\xef\xbd\x84.com",
	 "allowed.com"),                              /* fullwidth */
    NAME("allowed\xe3\x80\x82" "com", "allowed.com"), /* U+3002 */
    NAME("allowed\xef\xbc\x8e" "com", "allowed.com"), /* U+FF0E */
    NAME("allowed\xef\xbd\xa1" "com", "allowed.com"), /* U+FF61 */
    NAME("allowed.com\xe3\x80\x82", "allowed.com"),
    NAME("al\xc2\xadlowed.com", "allowed.com"),     /* soft hyphen */
    NAME("\xc3\xbc\xe3\x80\x82", "xn--tda"),
    NAME("\xd7\x90.com", "xn--4db.com"),
    BAD("allowed.com.\xe3\x80\x82", "empty label"),
    BAD("xn--abc.de", "punycode"),
    BAD("xn--.com", "'-'"),
    BAD("xn--a-ecp.ru", "punycode"),   /* "a" U+2488, which maps to "1." */
    BAD("xn--ls8h.la", "punycode"),    /* an emoji: not IDNA2008 */
    BAD("xn--bcher-kva-.de", "'-'"),
    BAD("a\xef\xbc\xa0" "b.com", "userinfo"), /* fullwidth '@' */
    BAD("a\xef\xbc\x85" "41.com", "percent"), /* fullwidth '%' */
    BAD("\xe2\x84\x80.com", "path separator"), /* U+2100 maps to "a/c" */
    BAD("a\xef\xbc\x9a" "80.com", "maps under IDNA"), /* fullwidth ':' */
    BAD("\xef\xbc\xbb::1\xef\xbc\xbd", "':'"),
    BAD("\xef\xbc\xbb\xef\xbc\x9a\xef\xbc\x9a" "1\xef\xbc\xbd", "maps under IDNA"),
    BAD("xn--x.com", "punycode"),
    BAD("a\xd7\x90.com", "IDNA2008"), /* bidi rule */
    BAD("\xff.com", "IDNA2008"),      /* not UTF-8 */
    BAD("\xc3.com", "IDNA2008"),
    BAD("\xe2\x80\x8b", "is empty"), /* a lone zero-width space */
    BAD("\xc3\xbc_x.com", "'_'"),
    BAD("\xc3\xbc.123", "ends in a number"),
    /* IPv4 in every inet_aton spelling, to a dotted quad. */
    V4("127.0.0.1", "127.0.0.1"),
    V4("2130706433", "127.0.0.1"),
    V4("0177.0.0.1", "127.0.0.1"),
    V4("0x7f.1", "127.0.0.1"),
    V4("0X7F.0.0.1", "127.0.0.1"),
    V4("127.1", "127.0.0.1"),
    V4("127.0.1", "127.0.0.1"),
    V4("0x7f000001", "127.0.0.1"),
    V4("017700000001", "127.0.0.1"),
    V4("127.0.0.1.", "127.0.0.1"),
    V4("169.254.169.254", "169.254.169.254"),
    V4("0xa9.0xfe.0xa9.0xfe", "169.254.169.254"),
    V4("2852039166", "169.254.169.254"),
    V4("0251.0376.0251.0376", "169.254.169.254"),
    V4("169.254.43518", "169.254.169.254"),
    V4("0", "0.0.0.0"),
    V4("0x0", "0.0.0.0"),
    V4("00", "0.0.0.0"),
    V4("1.2.3", "1.2.0.3"),
    V4("4294967295", "255.255.255.255"),
    V4("0xffffffff", "255.255.255.255"),
    V4("1\xef\xbc\x8e" "2.3.4", "1.2.3.4"), /* mapped, then an address */
    BAD("1.2.3.4.5", "ends in a number"),
    BAD("0x", "ends in a number"),
    BAD("08.1.1.1", "ends in a number"),
    BAD("09", "ends in a number"),
    BAD("1.2.3.08", "ends in a number"),
    BAD("256.1.1.1", "ends in a number"),
    BAD("1.2.3.256", "ends in a number"),
    BAD("1.2.65536", "ends in a number"),
    BAD("1.16777216", "ends in a number"),
    BAD("4294967296", "ends in a number"),
    BAD("0x100000000", "ends in a number"),
    BAD("99999999999999999999", "ends in a number"),
    BAD("1.2.3.0x", "ends in a number"),
    BAD("example.123", "ends in a number"),
    BAD("foo.0x1", "ends in a number"),
    BAD("0x1g.1", "ends in a number"),
    BAD("1..1", "empty label"),
    BAD("1.2.3.4..", "empty label"),
    BAD("-1.2.3.4", "ends in a number"),
    /* IPv6, bracketed or bare, to RFC 5952 text. */
    V6("[::1]", "::1"),
    V6("::1", "::1"),
    V6("[::]", "::"),
    V6("[2001:DB8::1]", "2001:db8::1"),
    V6("[2001:0db8:0000:0000:0000:0000:0000:0001]", "2001:db8::1"),
    V6("[2001:db8:0:0:1:0:0:1]", "2001:db8::1:0:0:1"),
    V6("[1:0:0:2:0:0:0:3]", "1:0:0:2::3"),
    V6("[1:2:3:4:5:6:7:0]", "1:2:3:4:5:6:7:0"),
    V6("[1:2:3:4:5:6:7::]", "1:2:3:4:5:6:7:0"),
    V6("[::1.2.3.4]", "::102:304"),
    V6("[64:ff9b::7f00:1]", "64:ff9b::7f00:1"),
    V6("fd00:ec2::254", "fd00:ec2::254"),
    V4("[::ffff:127.0.0.1]", "127.0.0.1"),
    V4("::ffff:7f00:1", "127.0.0.1"),
    V4("[::FFFF:169.254.169.254]", "169.254.169.254"),
    V4("[0:0:0:0:0:ffff:7f00:0001]", "127.0.0.1"),
    BAD("[fe80::1%eth0]", "percent"),
    BAD("[fe80::1%25eth0]", "percent"),
    BAD("[::1", "unclosed"),
    BAD("::1]", "bracket"),
    BAD("[::1]:443", "after ']'"),
    BAD("[::1]]", "after ']'"),
    BAD("a[::1]", "bracket"),
    BAD("[1.2.3.4]", "IPv6"),
    BAD("[example.com]", "IPv6"),
    BAD("[]", "IPv6"),
    BAD("[[::1]]", "after ']'"),
    BAD("1:2:3:4:5:6:7:8:9", "':'"),
    BAD("[1:2:3:4:5:6:7:8:9]", "IPv6"),
    BAD("[1:2:3:4:5:6:7:8::]", "IPv6"),
    BAD("[1::2::3]", "IPv6"),
    BAD("[12345::1]", "IPv6"),
    BAD("[:1::]", "IPv6"),
    BAD("[1:]", "IPv6"),
    BAD("[:::]", "IPv6"),
    BAD("[::1.2.3]", "IPv6"),
    BAD("[::01.2.3.4]", "IPv6"),
    BAD("[::256.1.1.1]", "IPv6"),
    BAD("[::1.2.3.4:5]", "IPv6"),
    BAD("[::ffff:0x7f.1]", "IPv6"),
    BAD("[\xc3\xbc::1]", "IPv6"),
};

/* clang-format on */

static bool canonical_bytes(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '.' || *s == '-' || *s == ':'))
			return false;
	return true;
}

TEST(host_canon_table)
{
	for (size_t i = 0; i < BH_ARRAY_SIZE(canon_cases); i++) {
		const struct canon_case *c = &canon_cases[i];
		size_t len = c->len ? c->len : strlen(c->in);
		struct bh_host h, again;
		const char *why = NULL;
		int ret = bh_host_canon(c->in, len, &h, &why);

		if (c->kind == REFUSED) {
			if (ret != -EINVAL || !why || !strstr(why, c->want)) {
				fprintf(stderr,
					"  case %zu '%s': want refusal '%s', "
					"got %d '%s' (%s)\n",
					i, c->in, c->want, ret, why ? why : "",
					h.name);
				*bh_failed = true;
			}
			CHECK(h.name[0] == '\0');
			continue;
		}
		if (ret != 0 || (int)h.kind != c->kind ||
		    strcmp(h.name, c->want) != 0) {
			fprintf(stderr,
				"  case %zu '%s': want %d '%s', got %d %d "
				"'%s' (%s)\n",
				i, c->in, c->kind, c->want, ret, h.kind, h.name,
				why ? why : "");
			*bh_failed = true;
			continue;
		}
		/* Canonical text parses again to itself. */
		CHECK(canonical_bytes(h.name));
		CHECK_INT(bh_host_canon(h.name, strlen(h.name), &again, NULL),
			  0);
		CHECK_INT(again.kind, h.kind);
		CHECK_STR(again.name, h.name);
		CHECK(memcmp(again.addr, h.addr, sizeof(h.addr)) == 0);
	}
}

TEST(host_canon_addr_bytes)
{
	struct bh_host h;

	REQUIRE(bh_host_canon("0x7f.1", 6, &h, NULL) == 0);
	CHECK(memcmp(h.addr, "\x7f\0\0\x01", 4) == 0);
	REQUIRE(bh_host_canon("[::ffff:10.0.0.5]", 17, &h, NULL) == 0);
	CHECK_INT(h.kind, BH_HOST_IPV4);
	CHECK(memcmp(h.addr, "\x0a\0\0\x05", 4) == 0);
	REQUIRE(bh_host_canon("2001:db8::1", 11, &h, NULL) == 0);
	CHECK(memcmp(h.addr, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01",
		     16) == 0);
	/* The length is what counts, not a NUL after it. */
	REQUIRE(bh_host_canon("allowed.com.evil.com", 11, &h, NULL) == 0);
	CHECK_STR(h.name, "allowed.com");
	/* Too long to be looked at. */
	char big[2048];
	memset(big, 'a', sizeof(big));
	const char *why = NULL;
	CHECK_INT(bh_host_canon(big, sizeof(big), &h, &why), -EINVAL);
	CHECK_STR(why, "is too long");
}

/* ---- address classes ----------------------------------------------------- */

/* clang-format off */
#define LO BH_ADDR_LOOPBACK
#define PRIV BH_ADDR_PRIVATE
#define LL BH_ADDR_LINKLOCAL
#define CG BH_ADDR_CGNAT
#define MC BH_ADDR_MULTICAST
#define MD BH_ADDR_METADATA
#define RSV BH_ADDR_RESERVED

static const struct {
	const char *addr;
	unsigned classes;
} class_cases[] = {
    {"127.0.0.1", LO},
    {"127.255.255.254", LO},
    {"0x7f.1", LO},
    {"10.1.2.3", PRIV},
    {"172.16.0.1", PRIV},
    {"172.31.255.255", PRIV},
    {"172.32.0.1", 0},
    {"192.168.1.1", PRIV},
    {"169.254.1.1", LL},
    {"169.254.169.254", LL | MD},
    {"169.254.170.2", LL | MD},
    {"169.254.170.23", LL | MD},
    {"169.254.0.23", LL | MD},
    {"100.64.0.1", CG},
    {"100.127.255.255", CG},
    {"100.128.0.1", 0},
    {"100.63.255.255", 0},
    {"100.100.100.200", CG | MD},
    {"192.0.0.192", RSV | MD},
    {"168.63.129.16", MD},
    {"224.0.0.1", MC},
    {"239.255.255.250", MC},
    {"255.255.255.255", RSV},
    {"240.0.0.1", RSV},
    {"0.0.0.0", RSV},
    {"0.1.2.3", RSV},
    {"192.0.2.1", RSV},
    {"198.51.100.1", RSV},
    {"203.0.113.1", RSV},
    {"198.18.0.1", RSV},
    {"198.19.255.255", RSV},
    {"192.88.99.1", RSV},
    {"8.8.8.8", 0},
    {"1.1.1.1", 0},
    {"140.82.112.3", 0},
    {"::1", LO},
    {"::", RSV},
    {"fe80::1", LL},
    {"febf::1", LL},
    {"fec0::1", PRIV},
    {"fc00::1", PRIV},
    {"fd12:3456::1", PRIV},
    {"fd00:ec2::254", PRIV | MD},
    {"fd00:ec2::23", PRIV | MD},
    {"fd00:ec2::255", PRIV},
    {"ff02::1", MC},
    {"2001:db8::1", RSV},
    {"2001::1", RSV},
    {"3fff::1", RSV},
    {"100::1", RSV},
    {"4000::1", RSV},
    {"64:ff9b::a00:1", PRIV},
    {"64:ff9b::808:808", 0},
    {"64:ff9b::a9fe:a9fe", LL | MD},
    {"64:ff9b:1::1", RSV},
    {"2002:7f00:1::", LO},
    {"2002:a9fe:a9fe::1", LL | MD},
    {"2002:808:808::1", 0},
    {"::7f00:1", RSV | LO},
    {"::a9fe:a9fe", RSV | LL | MD},
    {"::808:808", RSV},
    {"2606:4700::1111", 0},
    {"2a00:1450:4001::200e", 0},
};

/* clang-format on */

TEST(addr_classes_table)
{
	for (size_t i = 0; i < BH_ARRAY_SIZE(class_cases); i++) {
		struct bh_host h;
		const char *a = class_cases[i].addr;
		if (bh_host_canon(a, strlen(a), &h, NULL) != 0 ||
		    h.kind == BH_HOST_NAME) {
			fprintf(stderr, "  class case '%s' does not parse\n",
				a);
			*bh_failed = true;
			continue;
		}
		int fam = h.kind == BH_HOST_IPV4 ? AF_INET : AF_INET6;
		unsigned got = bh_addr_classes(fam, h.addr);
		if (got != class_cases[i].classes) {
			fprintf(stderr, "  class of %s: got %#x, want %#x\n", a,
				got, class_cases[i].classes);
			*bh_failed = true;
		}
	}
}

TEST(addr_classes_raw)
{
	/* Resolver answers arrive as bytes: a mapped address in an AAAA
	 * record is the IPv4 address it maps. */
	static const uint8_t mapped_lo[16] = {[10] = 0xff, 0xff, 127, 0, 0, 1};
	static const uint8_t mapped_md[16] = {[10] = 0xff, 0xff, 169,
					      254,	   169,	 254};
	static const uint8_t v4[4] = {10, 0, 0, 1};

	CHECK_INT(bh_addr_classes(AF_INET6, mapped_lo), LO);
	CHECK_INT(bh_addr_classes(AF_INET6, mapped_md), LL | MD);
	CHECK_INT(bh_addr_classes(AF_INET, v4), PRIV);
	CHECK_INT(bh_addr_classes(AF_UNIX, v4), RSV);
	CHECK_STR(bh_addr_class_name(LL | MD), "cloud metadata");
	CHECK_STR(bh_addr_class_name(RSV | LO), "loopback");
	CHECK_STR(bh_addr_class_name(CG), "shared (CGNAT)");
	CHECK_STR(bh_addr_class_name(RSV), "reserved");
	CHECK(bh_addr_class_name(0) == NULL);
}

/* ---- rules --------------------------------------------------------------- */

struct rule_spec {
	bool allow;
	const char *host;
	unsigned port;
};

/* The rules as the policy parser would hand them over (lower-case, no
 * brackets, port apart), at lines 1, 2, ... of "t.profile". */
static struct bh_hostrules *compile(const struct rule_spec *specs, size_t n,
				    struct bh_error **err)
{
	struct bh_host_rule *rules = calloc(n ? n : 1, sizeof(*rules));
	struct bh_policy p = {0};
	struct bh_hostrules *r = NULL;

	for (size_t i = 0; i < n; i++)
		rules[i] =
		    (struct bh_host_rule){specs[i].allow,
					  (char *)specs[i].host,
					  specs[i].port,
					  {"t.profile", (unsigned)i + 1, 11}};
	p.hosts = rules;
	p.n_hosts = n;
	if (bh_hostrules_new(&p, &r, err) != 0)
		r = NULL;
	/* The compiled rules own their copies. */
	memset(rules, 0, n * sizeof(*rules));
	free(rules);
	return r;
}

/* clang-format off */
static const struct rule_spec rules_a[] = {
    {true, "allowed.com", 0},           /* 0 */
    {true, "*.example.org", 0},         /* 1 */
    {true, "api.example.net", 443},     /* 2 */
    {false, "evil.example.org", 0},     /* 3 */
    {true, "10.0.0.5", 5432},           /* 4 */
    {true, "2001:db8::7", 0},           /* 5 */
    {false, "*.bad.example.org", 22},   /* 6 */
    {true, "169.254.169.254", 80},      /* 7 */
    {true, "xn--bcher-kva.de", 0},      /* 8 */
    {false, "8.8.4.4", 0},              /* 9 */
    {true, "github.com", 443},          /* 10 */
    {true, "::ffff:192.168.7.7", 0},    /* 11 */
    {false, "*.example.org", 8080},     /* 12 */
    {true, "*.pythonhosted.org", 443},  /* 13 */
    {true, "8.8.4.4", 0},               /* 14: the deny above wins */
};

#define DENIED (-1)

static const struct {
	const char *host;
	unsigned port;
	int rule; /* the deciding rule, or DENIED by default */
	bool allowed;
} match_cases[] = {
    {"allowed.com", 443, 0, true},
    {"ALLOWED.COM.", 443, 0, true},
    {"allowed\xe3\x80\x82" "com", 80, 0, true},
    {"allowed.com", 1, 0, true},
    {"allowed.com.evil.com", 443, DENIED, false},
    {"evilallowed.com", 443, DENIED, false},
    {"sub.allowed.com", 443, DENIED, false},
    {"allowed.co", 443, DENIED, false},
    {"allowed.com.com", 443, DENIED, false},
    {"example.org", 443, DENIED, false},
    {"a.example.org", 443, 1, true},
    {"x.y.example.org", 443, 1, true},
    {"evilexample.org", 443, DENIED, false},
    {"example.org.evil.com", 443, DENIED, false},
    {"evil.example.org", 443, 3, false},
    {"EVIL.example.org.", 443, 3, false},
    {"evil\xef\xbd\xa1" "example.org", 443, 3, false},
    {"x.evil.example.org", 443, 1, true},
    {"a.example.org", 8080, 12, false},
    {"api.example.net", 443, 2, true},
    {"api.example.net", 80, DENIED, false},
    {"10.0.0.5", 5432, 4, true},
    {"10.0.0.5", 22, DENIED, false},
    {"0xa000005", 5432, 4, true},
    {"012.0.0.5", 5432, 4, true},
    {"10.5", 5432, 4, true},
    {"[::ffff:10.0.0.5]", 5432, 4, true},
    {"10.0.0.6", 5432, DENIED, false},
    {"10.0.0.5.nip.io", 5432, DENIED, false},
    {"2001:db8::7", 443, 5, true},
    {"[2001:0DB8:0::7]", 1, 5, true},
    {"[2001:db8::8]", 443, DENIED, false},
    {"b\xc3\xbc" "cher.de", 443, 8, true},
    {"xn--bcher-kva.de", 443, 8, true},
    {"bucher.de", 443, DENIED, false},
    {"github.com", 443, 10, true},
    {"github.com", 22, DENIED, false},
    {"github.com.evil.com", 443, DENIED, false},
    {"gist.github.com", 443, DENIED, false},
    {"a.bad.example.org", 22, 6, false},
    {"a.bad.example.org", 443, 1, true},
    {"bad.example.org", 22, 1, true},
    {"127.0.0.1", 443, DENIED, false},
    {"192.168.7.7", 80, 11, true},
    {"[::ffff:c0a8:707]", 80, 11, true},
    {"8.8.4.4", 53, 9, false},
    {"files.pythonhosted.org", 443, 13, true},
    {"files.pythonhosted.org", 80, DENIED, false},
    {"pythonhosted.org", 443, DENIED, false},
};

/* clang-format on */

TEST(hostrules_match_table)
{
	struct bh_error *err = NULL;
	struct bh_hostrules *r = compile(rules_a, BH_ARRAY_SIZE(rules_a), &err);
	REQUIRE(r != NULL);

	for (size_t i = 0; i < BH_ARRAY_SIZE(match_cases); i++) {
		const char *t = match_cases[i].host;
		const struct bh_host_rule *rule = NULL;
		struct bh_host h;
		if (bh_host_canon(t, strlen(t), &h, NULL) != 0) {
			fprintf(stderr, "  match case '%s' does not parse\n",
				t);
			*bh_failed = true;
			continue;
		}
		bool ok = bh_hostrules_allow(r, &h, match_cases[i].port, &rule);
		int want = match_cases[i].rule;
		bool rule_right =
		    want == DENIED
			? rule == NULL
			: rule && rule->loc.line == (unsigned)want + 1 &&
			      strcmp(rule->host, rules_a[want].host) == 0;
		if (ok != match_cases[i].allowed || !rule_right) {
			fprintf(stderr,
				"  match '%s':%u: got %s by line %u, want %s "
				"by rule %d\n",
				t, match_cases[i].port, ok ? "allow" : "deny",
				rule ? rule->loc.line : 0,
				match_cases[i].allowed ? "allow" : "deny",
				want);
			*bh_failed = true;
		}
	}
	/* The deciding rule names where it was written, after the policy
	 * that held it is gone. */
	struct bh_host h;
	const struct bh_host_rule *rule = NULL;
	REQUIRE(bh_host_canon("allowed.com", 11, &h, NULL) == 0);
	CHECK(bh_hostrules_allow(r, &h, 443, &rule));
	REQUIRE(rule != NULL);
	CHECK_STR(rule->loc.file, "t.profile");
	CHECK(bh_hostrules_allow(r, &h, 443, NULL));
	/* Fail closed on nothing. */
	CHECK(!bh_hostrules_allow(NULL, &h, 443, &rule));
	CHECK(rule == NULL);
	bh_hostrules_free(r);
	bh_hostrules_free(NULL);
}

/* clang-format off */
static const struct {
	int family;
	const char *addr; /* text for the bytes */
	unsigned port;
	const char *why;  /* NULL: may connect */
} addr_cases[] = {
    {AF_INET, "140.82.112.3", 443, NULL},
    {AF_INET, "127.0.0.1", 443, "loopback"},
    {AF_INET, "127.0.0.53", 53, "loopback"},
    {AF_INET, "0.0.0.0", 443, "reserved"},
    {AF_INET, "169.254.169.254", 80, NULL},
    {AF_INET, "169.254.169.254", 443, "metadata"},
    {AF_INET, "169.254.170.2", 80, "metadata"},
    {AF_INET, "100.100.100.200", 80, "metadata"},
    {AF_INET, "192.0.0.192", 80, "metadata"},
    {AF_INET, "10.0.0.5", 5432, NULL},
    {AF_INET, "10.0.0.5", 22, "private"},
    {AF_INET, "10.0.0.1", 443, "private"},
    {AF_INET, "192.168.7.7", 1, NULL},
    {AF_INET, "8.8.4.4", 443, "denied by a rule"},
    {AF_INET, "100.64.1.1", 443, "CGNAT"},
    {AF_INET, "224.0.0.251", 5353, "multicast"},
    {AF_INET, "255.255.255.255", 443, "reserved"},
    {AF_INET6, "::ffff:127.0.0.1", 443, "loopback"},
    {AF_INET6, "::ffff:10.0.0.5", 5432, NULL},
    {AF_INET6, "::ffff:8.8.4.4", 443, "denied by a rule"},
    {AF_INET6, "64:ff9b::a9fe:a9fe", 80, "metadata"},
    {AF_INET6, "2002:a00:1::1", 443, "private"},
    {AF_INET6, "2001:db8::7", 443, NULL},
    {AF_INET6, "2001:db8::8", 443, "reserved"},
    {AF_INET6, "fd00:ec2::254", 80, "metadata"},
    {AF_INET6, "::1", 443, "loopback"},
    {AF_INET6, "fe80::1", 443, "link-local"},
    {AF_INET6, "2606:4700::1111", 443, NULL},
};

/* clang-format on */

/* Bytes of an address as a resolver returns them (mapped stays mapped). */
static void addr_bytes(int family, const char *text, uint8_t out[16])
{
	struct bh_host h;
	memset(out, 0, 16);
	if (bh_host_canon(text, strlen(text), &h, NULL) != 0)
		return;
	if (family == AF_INET6 && h.kind == BH_HOST_IPV4) {
		out[10] = out[11] = 0xff;
		memcpy(out + 12, h.addr, 4);
	} else {
		memcpy(out, h.addr, family == AF_INET ? 4 : 16);
	}
}

TEST(hostrules_addr_ok_table)
{
	struct bh_hostrules *r = compile(rules_a, BH_ARRAY_SIZE(rules_a), NULL);
	REQUIRE(r != NULL);

	for (size_t i = 0; i < BH_ARRAY_SIZE(addr_cases); i++) {
		uint8_t a[16];
		const char *why = NULL;
		addr_bytes(addr_cases[i].family, addr_cases[i].addr, a);
		bool ok = bh_hostrules_addr_ok(r, addr_cases[i].family, a,
					       addr_cases[i].port, &why);
		const char *want = addr_cases[i].why;
		if (want ? (ok || !why || !strstr(why, want)) : !ok) {
			fprintf(stderr,
				"  addr_ok %s:%u: got %s (%s), want %s\n",
				addr_cases[i].addr, addr_cases[i].port,
				ok ? "ok" : "refused", why ? why : "",
				want ? want : "ok");
			*bh_failed = true;
		}
	}
	uint8_t a[16] = {0};
	const char *why = NULL;
	CHECK(!bh_hostrules_addr_ok(r, AF_UNIX, a, 443, &why));
	CHECK_STR(why, "is not an IPv4 or IPv6 address");
	bh_hostrules_free(r);

	/* No rules at all: public addresses pass, the rest do not. */
	r = compile(NULL, 0, NULL);
	REQUIRE(r != NULL);
	addr_bytes(AF_INET, "1.1.1.1", a);
	CHECK(bh_hostrules_addr_ok(r, AF_INET, a, 443, NULL));
	addr_bytes(AF_INET, "169.254.169.254", a);
	CHECK(!bh_hostrules_addr_ok(r, AF_INET, a, 80, NULL));
	bh_hostrules_free(r);
}

/* ---- compiling rules ----------------------------------------------------- */

/* clang-format off */
static const struct {
	const char *host;
	const char *error; /* NULL: compiles */
} compile_cases[] = {
    {"*", "would match every host"},
    {"*.co.uk", "public suffix"},
    {"*.github.io", "public suffix"},
    {"*.com", "public suffix"},
    {"*.localhost", "public suffix"},
    {"*.vercel.app", "public suffix"},
    {"*.workers.dev", "public suffix"},
    {"*.githubusercontent.com", "public suffix"},
    {"*.s3.amazonaws.com", "public suffix"},
    {"*.x.bd", "public suffix"},          /* below the "*.bd" rule */
    {"*.xn--55qx5d.cn", "public suffix"}, /* IDN suffix, punycode */
    {"*.10.0.0.1", "wildcard over an IP address"},
    {"*.::1", "wildcard over an IP address"},
    {"*.", "is empty"},
    {"*.*.example.com", "not allowed"},
    {"a.*.example.com", "not allowed"},
    {"a_b.example.com", "'_'"},
    {"bad..name", "empty label"},
    {"xn--abc.com", "punycode"},
    {"example.999", "ends in a number"},
    {"*.example.co.uk", NULL},
    {"*.foo.github.io", NULL},
    {"*.amazonaws.com", NULL},
    {"*.pythonhosted.org", NULL},
    {"*.www.ck", NULL}, /* "!www.ck" exception under "*.ck" */
    {"*.corp.internal", NULL},
    {"example.com", NULL},
    {"co.uk", NULL}, /* an exact name, even a suffix, is one host */
    {"127.1", NULL},
    {"2001:db8::1", NULL},
};

/* clang-format on */

TEST(hostrules_compile_table)
{
	for (size_t i = 0; i < BH_ARRAY_SIZE(compile_cases); i++) {
		struct rule_spec s = {true, compile_cases[i].host, 0};
		struct bh_error *err = NULL;
		struct bh_hostrules *r = compile(&s, 1, &err);
		const char *want = compile_cases[i].error;
		bool right =
		    want ? !r && err && err->kind == BH_EK_PROFILE &&
			       strstr(err->msg, want) &&
			       strncmp(err->msg, "t.profile:1:11: host '",
				       22) == 0 &&
			       err->hint
			 : r && !err;
		if (!right) {
			fprintf(stderr, "  compile '%s': got %s, want %s\n",
				s.host, err ? err->msg : "compiled",
				want ? want : "compiled");
			*bh_failed = true;
		}
		bh_hostrules_free(r);
		bh_error_free(err);
	}
}

TEST(hostrules_from_profile)
{
	struct bh_error *err = NULL;
	struct bh_policy *p =
	    tp_parse("net allow *.pythonhosted.org Registry.NPMjs.org:443\n"
		     "net deny evil.pythonhosted.org\n",
		     &err);
	REQUIRE(p != NULL);
	struct bh_hostrules *r = NULL;
	REQUIRE(bh_hostrules_new(p, &r, &err) == 0);
	bh_policy_free(p);

	struct bh_host h;
	const struct bh_host_rule *rule = NULL;
	REQUIRE(bh_host_canon("registry.npmjs.org", 18, &h, NULL) == 0);
	CHECK(bh_hostrules_allow(r, &h, 443, &rule));
	REQUIRE(rule != NULL);
	CHECK_STR(rule->loc.file, "t.profile");
	CHECK_INT(rule->loc.line, 1);
	CHECK(!bh_hostrules_allow(r, &h, 80, NULL));
	REQUIRE(bh_host_canon("evil.pythonhosted.org", 21, &h, NULL) == 0);
	CHECK(!bh_hostrules_allow(r, &h, 443, &rule));
	REQUIRE(rule != NULL);
	CHECK_INT(rule->loc.line, 2);
	bh_hostrules_free(r);

	/* The policy parser lets these shapes through; the rules refuse
	 * them, naming the place. */
	p = tp_parse("net allow example.com\nnet allow *.co.uk\n", &err);
	REQUIRE(p != NULL);
	CHECK_INT(bh_hostrules_new(p, &r, &err), -EINVAL);
	CHECK(r == NULL);
	REQUIRE(err != NULL);
	CHECK_STR(err->msg, "t.profile:2:11: host '*.co.uk' is a wildcard "
			    "over a public suffix");
	bh_error_free(err);
	err = NULL;
	bh_policy_free(p);

	p = tp_parse("net allow my_host.example.com\n", &err);
	REQUIRE(p != NULL);
	CHECK_INT(bh_hostrules_new(p, &r, &err), -EINVAL);
	REQUIRE(err != NULL);
	CHECK_STR(err->msg, "t.profile:1:11: host 'my_host.example.com' "
			    "contains '_', which host names may not hold");
	bh_error_free(err);
	bh_policy_free(p);
}
