/* SPDX-License-Identifier: MIT */
/*
 * The egress channel's framing and stream table (guest/netmux.h): pure,
 * shared by the guest init and bulkhead.  It defends the host against a
 * guest that took over its own kernel: every frame is checked for shape
 * and against the stream's state, and the table never grows past
 * BH_NET_MAX_CONNS.
 */
#include "guest/netmux.h"

#include <string.h>

#include "guest/proto.h"

long bh_netmux_parse(const unsigned char *buf, size_t len,
		     struct bh_netmux_frame *f)
{
	if (len < 5)
		return 0;
	uint32_t n = bh_frame_le32(buf + 1);
	char type = (char)buf[0];
	if (n < 4 || n > 4 + BH_NET_MAX_DATA)
		return -1;
	if (type != BH_NET_DATA && n != 4)
		return -1;
	if (type == BH_NET_DATA && n == 4)
		return -1;
	if (type != BH_NET_OPEN && type != BH_NET_DATA && type != BH_NET_EOF &&
	    type != BH_NET_RESET)
		return -1;
	if (len < 5 + (size_t)n)
		return 0;
	f->type = type;
	f->id = bh_frame_le32(buf + 5);
	if (f->id == 0 && type != BH_NET_RESET)
		return -1;
	f->data = type == BH_NET_DATA ? buf + 9 : NULL;
	f->len = n - 4;
	return 5 + (long)n;
}

void bh_netmux_header(unsigned char hdr[9], char type, uint32_t id,
		      uint32_t data_len)
{
	uint32_t n = data_len + 4;
	hdr[0] = (unsigned char)type;
	for (int i = 0; i < 4; i++) {
		hdr[1 + i] = (unsigned char)(n >> (8 * i));
		hdr[5 + i] = (unsigned char)(id >> (8 * i));
	}
}

static int find(const struct bh_netmux *m, uint32_t id)
{
	for (size_t i = 0; id && i < BH_NET_MAX_CONNS; i++)
		if (m->slots[i].id == id)
			return (int)i;
	return -1;
}

int bh_netmux_add(struct bh_netmux *m, uint32_t id)
{
	if (!id || find(m, id) >= 0)
		return -1;
	for (size_t i = 0; i < BH_NET_MAX_CONNS; i++) {
		if (m->slots[i].id)
			continue;
		memset(&m->slots[i], 0, sizeof(m->slots[i]));
		m->slots[i].id = id;
		m->n_used++;
		return (int)i;
	}
	return -1;
}

void bh_netmux_free(struct bh_netmux *m, size_t i)
{
	if (i >= BH_NET_MAX_CONNS || !m->slots[i].id)
		return;
	memset(&m->slots[i], 0, sizeof(m->slots[i]));
	m->n_used--;
}

bool bh_netmux_closed(const struct bh_netmux *m, size_t i)
{
	return i < BH_NET_MAX_CONNS && m->slots[i].id && m->slots[i].got_eof &&
	       m->slots[i].sent_eof;
}

enum bh_netmux_act bh_netmux_apply(struct bh_netmux *m,
				   const struct bh_netmux_frame *f,
				   size_t *slot)
{
	int i = find(m, f->id);
	switch (f->type) {
	case BH_NET_OPEN:
		/* Only the guest opens, and never an id twice: a stale
		 * frame can then never land on a newer stream. */
		if (!m->host || f->id <= m->last_open)
			return BH_NETMUX_ERROR;
		m->last_open = f->id;
		i = bh_netmux_add(m, f->id);
		if (i < 0)
			return BH_NETMUX_REFUSE;
		*slot = (size_t)i;
		return BH_NETMUX_OPENED;
	case BH_NET_DATA:
	case BH_NET_EOF:
		if (i < 0)
			return BH_NETMUX_IGNORE;
		if (m->slots[i].got_eof)
			return BH_NETMUX_ERROR;
		*slot = (size_t)i;
		if (f->type == BH_NET_DATA)
			return BH_NETMUX_DATA;
		m->slots[i].got_eof = true;
		return BH_NETMUX_EOF;
	case BH_NET_RESET:
		if (f->id == 0) {
			for (size_t k = 0; k < BH_NET_MAX_CONNS; k++)
				bh_netmux_free(m, k);
			return BH_NETMUX_RESET_ALL;
		}
		if (i < 0)
			return BH_NETMUX_IGNORE;
		bh_netmux_free(m, (size_t)i);
		*slot = (size_t)i;
		return BH_NETMUX_RESET;
	default:
		return BH_NETMUX_ERROR;
	}
}
