/* SPDX-License-Identifier: MIT */
/*
 * The microvm tier's egress channel (issue 7): the VM has no network
 * device; when the policy allows hosts, a second virtio-serial port
 * (BH_NET_PORT) carries the guest's connections to bulkhead's proxy.
 * Inside, the guest init listens on the guest's own 127.0.0.1:PORT (where
 * HTTP_PROXY and friends point); each accepted connection becomes a
 * numbered stream on the port; outside, the tier's relay opens one
 * connection to the proxy's unix socket per stream.  The proxy decides
 * everything, as for the other tiers.
 *
 * Frames use guest/proto.h's header (type byte, 4-byte little-endian
 * length) and carry a 4-byte little-endian stream id first:
 *
 *   BH_NET_OPEN   guest to host: a new stream (ids only grow; 0 is never
 *                 a stream)
 *   BH_NET_DATA   either way: id, then 1 to BH_NET_MAX_DATA bytes
 *   BH_NET_EOF    either way: the sender sends nothing more on the stream
 *   BH_NET_RESET  either way: the stream is gone (id 0: every stream)
 *
 * A stream ends when both sides sent EOF, or at a RESET.  Frames for a
 * stream a side does not know are dropped (they crossed a RESET).
 *
 * Both ends use this code; neither trusts the other's bytes: a frame that
 * breaks the rules is refused here, and the tables are bounded
 * (BH_NET_MAX_CONNS streams).  bh_netmux_parse() and bh_netmux_apply()
 * are pure (no system calls): unit-tested and fuzzed.  bh_netmux_run() is
 * the relay loop both ends run (guest/netmux_io.c).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BH_NET_PORT "bh.net"

#define BH_NET_OPEN 'O'
#define BH_NET_DATA 'D'
#define BH_NET_EOF 'E'
#define BH_NET_RESET 'X'

#define BH_NET_MAX_CONNS 64
#define BH_NET_MAX_DATA 16384
/* Bytes queued for one local socket before the relay stops reading the
 * channel (the flow control: bounded memory, at the price of one slow
 * reader stalling the others until it reads). */
#define BH_NET_MAX_QUEUE (256 * 1024)

struct bh_netmux_frame {
	char type;
	uint32_t id;
	const unsigned char *data; /* BH_NET_DATA only */
	uint32_t len;
};

/*
 * The first frame in buf: its size (>0), 0 when it is not all there yet,
 * or -1 when it is malformed (unknown type, a length out of range, no id,
 * a payload where none belongs, an empty DATA, id 0 other than on RESET).
 */
long bh_netmux_parse(const unsigned char *buf, size_t len,
		     struct bh_netmux_frame *f);

/* Writes a frame's header and id into hdr (9 bytes); the data follows. */
void bh_netmux_header(unsigned char hdr[9], char type, uint32_t id,
		      uint32_t data_len);

struct bh_netmux_slot {
	uint32_t id;   /* 0: free */
	bool got_eof;  /* the peer sends nothing more */
	bool sent_eof; /* we send nothing more */
};

/* One end's table of streams. */
struct bh_netmux {
	bool host; /* the end that receives OPEN */
	struct bh_netmux_slot slots[BH_NET_MAX_CONNS];
	size_t n_used;
	uint32_t last_open; /* host: the highest id opened so far */
};

enum bh_netmux_act {
	BH_NETMUX_IGNORE,    /* drop the frame */
	BH_NETMUX_OPENED,    /* host: a new stream in *slot: connect it */
	BH_NETMUX_REFUSE,    /* host: no room: answer RESET for f->id */
	BH_NETMUX_DATA,	     /* bytes for the stream in *slot */
	BH_NETMUX_EOF,	     /* the peer's EOF on *slot (shut our write side
				once its queue is out; free it when
				bh_netmux_closed() says so) */
	BH_NETMUX_RESET,     /* *slot is gone: close it (already freed) */
	BH_NETMUX_RESET_ALL, /* every stream is gone (all freed) */
	BH_NETMUX_ERROR,     /* the peer broke the protocol */
};

/* What a parsed frame means for table m; *slot is the stream's index. */
enum bh_netmux_act bh_netmux_apply(struct bh_netmux *m,
				   const struct bh_netmux_frame *f,
				   size_t *slot);

/* Guest: takes a free slot for a new stream with this id; -1 when full. */
int bh_netmux_add(struct bh_netmux *m, uint32_t id);

/* Frees slot i. */
void bh_netmux_free(struct bh_netmux *m, size_t i);

/* Whether slot i is done (EOF both ways): the caller closes it, then
 * frees it. */
bool bh_netmux_closed(const struct bh_netmux *m, size_t i);

/*
 * The relay loop (not pure): carries streams between the channel chan
 * (the virtio port, or qemu's socket for it) and local sockets.  In the
 * guest, listen_fd accepts the sandbox's connections (connect_path NULL);
 * on the host, each OPEN connects to the unix socket at connect_path
 * (listen_fd -1).  Returns when the channel ends or the peer breaks the
 * protocol.  Ignores SIGPIPE.
 */
void bh_netmux_run(int chan, int listen_fd, const char *connect_path);
