/* SPDX-License-Identifier: MIT */
/* The microvm tier's egress channel (guest/netmux.h): its frames, and the
 * stream table that refuses what breaks the protocol and never grows past
 * its bound. */
#include "guest/netmux.h"
#include "test.h"

static size_t frame(unsigned char *buf, char type, uint32_t id,
		    const char *data)
{
	uint32_t n = data ? (uint32_t)strlen(data) : 0;
	bh_netmux_header(buf, type, id, n);
	if (n)
		memcpy(buf + 9, data, n);
	return 9 + n;
}

TEST(vm_netmux_frames_parse_whole_or_wait)
{
	unsigned char buf[64];
	size_t n = frame(buf, BH_NET_DATA, 0x01020304, "hello");
	struct bh_netmux_frame f;
	for (size_t cut = 0; cut < n; cut++)
		CHECK(bh_netmux_parse(buf, cut, &f) == 0);
	CHECK(bh_netmux_parse(buf, n, &f) == (long)n);
	CHECK(f.type == BH_NET_DATA && f.id == 0x01020304 && f.len == 5 &&
	      !memcmp(f.data, "hello", 5));
	n = frame(buf, BH_NET_OPEN, 7, NULL);
	CHECK(bh_netmux_parse(buf, n, &f) == 9 && f.type == BH_NET_OPEN &&
	      f.id == 7 && f.len == 0);
	n = frame(buf, BH_NET_RESET, 0, NULL);
	CHECK(bh_netmux_parse(buf, n, &f) == 9 && f.id == 0);
}

TEST(vm_netmux_malformed_frames_refused)
{
	unsigned char buf[64];
	struct bh_netmux_frame f;
	/* Refused from the header alone, not waited for. */
	size_t n = frame(buf, 'Z', 1, NULL);
	CHECK(bh_netmux_parse(buf, 5, &f) == -1);
	n = frame(buf, BH_NET_DATA, 1, NULL); /* empty data */
	CHECK(bh_netmux_parse(buf, n, &f) == -1);
	n = frame(buf, BH_NET_OPEN, 1, "x"); /* a payload on OPEN */
	CHECK(bh_netmux_parse(buf, n, &f) == -1);
	n = frame(buf, BH_NET_EOF, 1, "x");
	CHECK(bh_netmux_parse(buf, n, &f) == -1);
	n = frame(buf, BH_NET_OPEN, 0, NULL); /* id 0 */
	CHECK(bh_netmux_parse(buf, n, &f) == -1);
	n = frame(buf, BH_NET_DATA, 0, "x");
	CHECK(bh_netmux_parse(buf, n, &f) == -1);
	unsigned char shorty[5] = {BH_NET_RESET, 2, 0, 0, 0}; /* no id */
	CHECK(bh_netmux_parse(shorty, 5, &f) == -1);
	bh_netmux_header(buf, BH_NET_DATA, 1, BH_NET_MAX_DATA + 1);
	CHECK(bh_netmux_parse(buf, 9, &f) == -1);
	bh_netmux_header(buf, BH_NET_DATA, 1, BH_NET_MAX_DATA);
	CHECK(bh_netmux_parse(buf, 9, &f) == 0); /* the largest: wait */
}

static enum bh_netmux_act apply(struct bh_netmux *m, char type, uint32_t id,
				size_t *slot)
{
	struct bh_netmux_frame f = {.type = type,
				    .id = id,
				    .data = (const unsigned char *)"x",
				    .len = type == BH_NET_DATA ? 1 : 0};
	return bh_netmux_apply(m, &f, slot);
}

TEST(vm_netmux_host_table)
{
	struct bh_netmux m = {.host = true};
	size_t s = 99, s2;
	CHECK(apply(&m, BH_NET_OPEN, 5, &s) == BH_NETMUX_OPENED && s < 64);
	CHECK(m.n_used == 1);
	/* Ids only grow: a repeated or older one is a protocol error. */
	CHECK(apply(&m, BH_NET_OPEN, 5, &s2) == BH_NETMUX_ERROR);
	CHECK(apply(&m, BH_NET_OPEN, 3, &s2) == BH_NETMUX_ERROR);
	CHECK(apply(&m, BH_NET_DATA, 5, &s2) == BH_NETMUX_DATA && s2 == s);
	/* Unknown streams (crossed a RESET): dropped. */
	CHECK(apply(&m, BH_NET_DATA, 6, &s2) == BH_NETMUX_IGNORE);
	CHECK(apply(&m, BH_NET_EOF, 6, &s2) == BH_NETMUX_IGNORE);
	CHECK(apply(&m, BH_NET_RESET, 6, &s2) == BH_NETMUX_IGNORE);
	CHECK(apply(&m, BH_NET_EOF, 5, &s2) == BH_NETMUX_EOF && s2 == s);
	CHECK(!bh_netmux_closed(&m, s));
	/* Nothing after the peer's EOF. */
	CHECK(apply(&m, BH_NET_DATA, 5, &s2) == BH_NETMUX_ERROR);
	CHECK(apply(&m, BH_NET_EOF, 5, &s2) == BH_NETMUX_ERROR);
	m.slots[s].sent_eof = true;
	CHECK(bh_netmux_closed(&m, s));
	bh_netmux_free(&m, s);
	CHECK(m.n_used == 0);
	/* Bounded: the stream past the limit is refused, not stored. */
	for (uint32_t id = 10; id < 10 + BH_NET_MAX_CONNS; id++)
		CHECK(apply(&m, BH_NET_OPEN, id, &s2) == BH_NETMUX_OPENED);
	CHECK(apply(&m, BH_NET_OPEN, 1000, &s2) == BH_NETMUX_REFUSE);
	CHECK(m.n_used == BH_NET_MAX_CONNS);
	CHECK(apply(&m, BH_NET_RESET, 10, &s2) == BH_NETMUX_RESET);
	CHECK(m.n_used == BH_NET_MAX_CONNS - 1 && !m.slots[s2].id);
	CHECK(apply(&m, BH_NET_RESET, 0, &s2) == BH_NETMUX_RESET_ALL);
	CHECK(m.n_used == 0);
}

TEST(vm_netmux_guest_table)
{
	struct bh_netmux m = {.host = false};
	size_t s;
	/* The host never opens a stream. */
	CHECK(apply(&m, BH_NET_OPEN, 1, &s) == BH_NETMUX_ERROR);
	int i = bh_netmux_add(&m, 1);
	CHECK(i >= 0);
	CHECK(bh_netmux_add(&m, 1) == -1);
	CHECK(bh_netmux_add(&m, 0) == -1);
	CHECK(apply(&m, BH_NET_DATA, 1, &s) == BH_NETMUX_DATA &&
	      s == (size_t)i);
	CHECK(apply(&m, BH_NET_RESET, 1, &s) == BH_NETMUX_RESET);
	CHECK(m.n_used == 0);
}
