/* SPDX-License-Identifier: MIT */
/* The SOCKS5 handshake parsers. */
#include <errno.h>
#include <string.h>

#include "net/socks.h"
#include "test.h"

TEST(socks_greeting)
{
	size_t used = 0;
	unsigned m = 0;
	const char *why;
	static const uint8_t g[] = {5, 2, 0, 2};
	for (size_t i = 0; i < sizeof(g); i++)
		CHECK_INT(bh_socks_parse_greeting(g, i, &used, &m, &why), -EAGAIN);
	REQUIRE(bh_socks_parse_greeting(g, sizeof(g), &used, &m, &why) == 0);
	CHECK_INT(used, 4);
	CHECK(m == (BH_SOCKS_M_NOAUTH | BH_SOCKS_M_USERPASS));
	static const uint8_t v4[] = {4, 1, 0};
	CHECK_INT(bh_socks_parse_greeting(v4, 3, &used, &m, &why), -EINVAL);
	static const uint8_t none[] = {5, 0};
	CHECK_INT(bh_socks_parse_greeting(none, 2, &used, &m, &why), -EINVAL);
}

TEST(socks_userpass)
{
	char u[256], p[256];
	size_t used;
	const char *why;
	static const uint8_t ok[] = {1, 3, 'b', 'o', 'b', 2, 'p', 'w'};
	REQUIRE(bh_socks_parse_userpass(ok, sizeof(ok), &used, u, p, &why) == 0);
	CHECK_STR(u, "bob");
	CHECK_STR(p, "pw");
	CHECK_INT(used, sizeof(ok));
	CHECK_INT(bh_socks_parse_userpass(ok, 5, &used, u, p, &why), -EAGAIN);
	static const uint8_t nul[] = {1, 3, 'b', 0, 'b', 2, 'p', 'w'};
	CHECK_INT(bh_socks_parse_userpass(nul, sizeof(nul), &used, u, p, &why),
		  -EINVAL);
}

static int req(const uint8_t *b, size_t n, struct bh_socks_req *r, uint8_t *rep)
{
	size_t used;
	const char *why = NULL;
	int rc = bh_socks_parse_request(b, n, &used, r, rep, &why);
	if (rc == 0 && used != n)
		return -9998;
	if (rc && rc != -EAGAIN && !why)
		return -9999;
	return rc;
}

TEST(socks_request)
{
	struct bh_socks_req r;
	uint8_t rep;
	static const uint8_t dom[] = {5, 1, 0, 3, 9, 'A', '.', 'T', 'e', 's',
				      't', '.', 'c', 'o', 0x01, 0xbb};
	for (size_t i = 0; i < sizeof(dom); i++)
		CHECK_INT(req(dom, i, &r, &rep), -EAGAIN);
	REQUIRE(req(dom, sizeof(dom), &r, &rep) == 0);
	CHECK_STR(r.host.name, "a.test.co");
	CHECK_INT(r.port, 443);
	CHECK_INT(r.cmd, 1);
	static const uint8_t v4[] = {5, 1, 0, 1, 127, 0, 0, 1, 0, 80};
	REQUIRE(req(v4, sizeof(v4), &r, &rep) == 0);
	CHECK(r.host.kind == BH_HOST_IPV4);
	CHECK_STR(r.host.name, "127.0.0.1");
	static const uint8_t v6[] = {5, 1, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0,
				     0, 0, 0, 0, 0, 0, 0, 1, 0, 80};
	REQUIRE(req(v6, sizeof(v6), &r, &rep) == 0);
	CHECK(r.host.kind == BH_HOST_IPV6);
	/* BIND is parsed, the proxy refuses it. */
	static const uint8_t bind[] = {5, 2, 0, 1, 1, 2, 3, 4, 0, 80};
	REQUIRE(req(bind, sizeof(bind), &r, &rep) == 0);
	CHECK_INT(r.cmd, 2);
}

TEST(socks_request_refusals)
{
	struct bh_socks_req r;
	uint8_t rep;
	/* The NUL trick: "evil.com\0.allowed.com". */
	static const uint8_t nul[] = {5, 1, 0, 3, 20, 'e', 'v', 'i', 'l', '.',
				      'c', 'o', 'm', 0, '.', 'a', 'l', 'l', 'o',
				      'w', 'e', 'd', '.', 'c', 'o', 0, 80};
	CHECK_INT(req(nul, sizeof(nul), &r, &rep), -EINVAL);
	CHECK_INT(rep, BH_SOCKS_HOST_UNREACH);
	static const uint8_t at[] = {5, 1, 0, 3, 5, 'a', '@', 'b', '.', 'c', 0, 80};
	CHECK_INT(req(at, sizeof(at), &r, &rep), -EINVAL);
	static const uint8_t pct[] = {5, 1, 0, 3, 5, 'a', '%', '2', 'e', 'c', 0, 80};
	CHECK_INT(req(pct, sizeof(pct), &r, &rep), -EINVAL);
	static const uint8_t empty[] = {5, 1, 0, 3, 0, 0, 80};
	CHECK_INT(req(empty, sizeof(empty), &r, &rep), -EINVAL);
	static const uint8_t atyp[] = {5, 1, 0, 9, 1, 2, 3, 4, 0, 80};
	CHECK_INT(req(atyp, sizeof(atyp), &r, &rep), -EINVAL);
	CHECK_INT(rep, BH_SOCKS_ATYP_UNSUPPORTED);
	static const uint8_t port0[] = {5, 1, 0, 1, 1, 2, 3, 4, 0, 0};
	CHECK_INT(req(port0, sizeof(port0), &r, &rep), -EINVAL);
	static const uint8_t rsv[] = {5, 1, 1, 1, 1, 2, 3, 4, 0, 80};
	CHECK_INT(req(rsv, sizeof(rsv), &r, &rep), -EINVAL);
	/* Decimal IPv4 spelled as a name is canonicalised to the address. */
	static const uint8_t dec[] = {5, 1, 0, 3, 10, '2', '1', '3', '0', '7',
				      '0', '6', '4', '3', '3', 0, 80};
	if (req(dec, sizeof(dec), &r, &rep) == 0)
		CHECK(r.host.kind == BH_HOST_IPV4 &&
		      !strcmp(r.host.name, "127.0.0.1"));
}
