/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the microvm tier's egress channel (guest/netmux.h): the
 * input is a stream of frames from the guest, applied to a host table and
 * to a guest table as far as they parse.  Checks: a frame's size stays
 * within the input and its data within BH_NET_MAX_DATA; no strict prefix
 * of a frame yields a verdict; the tables never hold more than
 * BH_NET_MAX_CONNS streams, their count is right, and every slot named is
 * in range.
 */
#include <stdint.h>
#include <stdlib.h>

#include "guest/netmux.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_table(const struct bh_netmux *m)
{
	size_t used = 0;
	for (size_t i = 0; i < BH_NET_MAX_CONNS; i++)
		if (m->slots[i].id)
			used++;
	if (used != m->n_used || used > BH_NET_MAX_CONNS)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bh_netmux host = {.host = true}, guest = {.host = false};
	size_t off = 0;
	while (off < size) {
		struct bh_netmux_frame f;
		long n = bh_netmux_parse(data + off, size - off, &f);
		if (n <= 0)
			break;
		if ((size_t)n > size - off || f.len > BH_NET_MAX_DATA ||
		    (f.type == BH_NET_DATA) != (f.len > 0))
			abort();
		for (long cut = 0; cut < n; cut++) {
			struct bh_netmux_frame g;
			if (bh_netmux_parse(data + off, (size_t)cut, &g) != 0)
				abort();
		}
		struct bh_netmux *tables[2] = {&host, &guest};
		for (int t = 0; t < 2; t++) {
			size_t slot = BH_NET_MAX_CONNS;
			enum bh_netmux_act a =
			    bh_netmux_apply(tables[t], &f, &slot);
			if ((a == BH_NETMUX_OPENED || a == BH_NETMUX_DATA ||
			     a == BH_NETMUX_EOF || a == BH_NETMUX_RESET) &&
			    slot >= BH_NET_MAX_CONNS)
				abort();
			/* As the relay does: our side ends on its EOF. */
			if (a == BH_NETMUX_EOF) {
				tables[t]->slots[slot].sent_eof = true;
				if (bh_netmux_closed(tables[t], slot))
					bh_netmux_free(tables[t], slot);
			}
			if (t == 1 && (f.type == BH_NET_OPEN) &&
			    a != BH_NETMUX_ERROR)
				abort();
			/* The guest opens its own streams. */
			if (t == 1 && f.type == BH_NET_OPEN)
				(void)bh_netmux_add(&guest, f.id);
			check_table(tables[t]);
		}
		off += (size_t)n;
	}
	return 0;
}
