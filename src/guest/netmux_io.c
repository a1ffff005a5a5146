/* SPDX-License-Identifier: MIT */
/*
 * The egress channel's relay loop (guest/netmux.h), run by the guest init's
 * relay process and by the microvm tier's host relay.  Uses only libc: the
 * guest init links nothing else of bulkhead's.
 *
 * What it defends against: a peer that floods (queues are bounded: the
 * channel is not read while a local socket has BH_NET_MAX_QUEUE bytes
 * waiting, local sockets are not read while the channel has as much
 * waiting) and a peer that breaks the protocol (the relay ends, and with
 * it every stream).  Everything about where the bytes may go is the
 * proxy's to decide.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "guest/netmux.h"

struct queue {
	unsigned char *buf;
	size_t len, cap;
};

static bool q_add(struct queue *q, const void *p, size_t n)
{
	if (q->len + n > q->cap) {
		size_t cap = q->cap ? q->cap : 4096;
		while (cap < q->len + n)
			cap *= 2;
		unsigned char *b = realloc(q->buf, cap);
		if (!b)
			return false;
		q->buf = b;
		q->cap = cap;
	}
	memcpy(q->buf + q->len, p, n);
	q->len += n;
	return true;
}

static void q_drop(struct queue *q, size_t n)
{
	memmove(q->buf, q->buf + n, q->len - n);
	q->len -= n;
}

static void q_release(struct queue *q)
{
	free(q->buf);
	memset(q, 0, sizeof(*q));
}

/* Writes what it can; false when fd is gone. */
static bool q_flush(struct queue *q, int fd)
{
	while (q->len) {
		ssize_t w = write(fd, q->buf, q->len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN)
			return true;
		if (w <= 0)
			return false;
		q_drop(q, (size_t)w);
	}
	return true;
}

struct relay {
	struct bh_netmux m;
	int fd[BH_NET_MAX_CONNS];
	struct queue q[BH_NET_MAX_CONNS]; /* from the channel to fd[i] */
	struct queue out;		  /* frames for the channel */
	struct queue in;		  /* channel bytes not yet framed */
	bool ok;			  /* out of memory ends the relay */
};

static void send_frame(struct relay *r, char type, uint32_t id,
		       const void *data, uint32_t len)
{
	unsigned char hdr[9];
	bh_netmux_header(hdr, type, id, len);
	if (!q_add(&r->out, hdr, sizeof(hdr)) ||
	    (len && !q_add(&r->out, data, len)))
		r->ok = false;
}

/* Closes slot i's socket and queue (the table entry stays). */
static void close_local(struct relay *r, size_t i)
{
	if (r->fd[i] >= 0)
		close(r->fd[i]);
	r->fd[i] = -1;
	q_release(&r->q[i]);
}

static void drop_slot(struct relay *r, size_t i)
{
	close_local(r, i);
	bh_netmux_free(&r->m, i);
}

/* A local socket failed: the peer hears of it. */
static void reset_slot(struct relay *r, size_t i)
{
	send_frame(r, BH_NET_RESET, r->m.slots[i].id, NULL, 0);
	drop_slot(r, i);
}

/* After the peer's EOF and our queue's end: shut our write side; when our
 * side is done too, the stream is over. */
static void settle(struct relay *r, size_t i)
{
	if (!r->m.slots[i].id || r->q[i].len || !r->m.slots[i].got_eof)
		return;
	(void)shutdown(r->fd[i], SHUT_WR);
	if (bh_netmux_closed(&r->m, i))
		drop_slot(r, i);
}

static int connect_unix(const char *path)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(a.sun_path))
		return -1;
	strcpy(a.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    fcntl(fd, F_SETFL, O_NONBLOCK) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* One frame from the peer; false when the peer broke the protocol. */
static bool peer_frame(struct relay *r, const struct bh_netmux_frame *f,
		       const char *connect_path)
{
	size_t i = 0;
	switch (bh_netmux_apply(&r->m, f, &i)) {
	case BH_NETMUX_IGNORE:
		return true;
	case BH_NETMUX_OPENED:
		r->fd[i] = connect_path ? connect_unix(connect_path) : -1;
		if (r->fd[i] < 0)
			reset_slot(r, i);
		return true;
	case BH_NETMUX_REFUSE:
		send_frame(r, BH_NET_RESET, f->id, NULL, 0);
		return true;
	case BH_NETMUX_DATA:
		if (!q_add(&r->q[i], f->data, f->len))
			r->ok = false;
		return true;
	case BH_NETMUX_EOF:
		settle(r, i);
		return true;
	case BH_NETMUX_RESET: /* already freed in the table */
		close_local(r, i);
		return true;
	case BH_NETMUX_RESET_ALL:
		for (size_t k = 0; k < BH_NET_MAX_CONNS; k++)
			close_local(r, k);
		return true;
	case BH_NETMUX_ERROR:
	default:
		return false;
	}
}

/* Reads from the channel and acts on every whole frame; false at its end
 * or on a protocol error. */
static bool from_channel(struct relay *r, int chan, const char *connect_path)
{
	unsigned char buf[65536];
	ssize_t n = read(chan, buf, sizeof(buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0 || !q_add(&r->in, buf, (size_t)n))
		return false;
	size_t off = 0;
	for (;;) {
		struct bh_netmux_frame f;
		long k = bh_netmux_parse(r->in.buf + off, r->in.len - off, &f);
		if (k < 0)
			return false;
		if (k == 0)
			break;
		if (!peer_frame(r, &f, connect_path))
			return false;
		off += (size_t)k;
	}
	q_drop(&r->in, off);
	return true;
}

static void from_local(struct relay *r, size_t i)
{
	unsigned char buf[BH_NET_MAX_DATA];
	ssize_t n = read(r->fd[i], buf, sizeof(buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n < 0) {
		reset_slot(r, i);
		return;
	}
	if (n > 0) {
		send_frame(r, BH_NET_DATA, r->m.slots[i].id, buf, (uint32_t)n);
		return;
	}
	send_frame(r, BH_NET_EOF, r->m.slots[i].id, NULL, 0);
	r->m.slots[i].sent_eof = true;
	settle(r, i);
}

static bool channel_full(const struct relay *r)
{
	for (size_t i = 0; i < BH_NET_MAX_CONNS; i++)
		if (r->q[i].len >= BH_NET_MAX_QUEUE)
			return true;
	return r->in.len > 2 * (9 + BH_NET_MAX_DATA);
}

void bh_netmux_run(int chan, int listen_fd, const char *connect_path)
{
	signal(SIGPIPE, SIG_IGN);
	(void)fcntl(chan, F_SETFL, fcntl(chan, F_GETFL) | O_NONBLOCK);
	struct relay *r = calloc(1, sizeof(*r));
	if (!r)
		return;
	r->ok = true;
	r->m.host = connect_path != NULL;
	for (size_t i = 0; i < BH_NET_MAX_CONNS; i++)
		r->fd[i] = -1;
	uint32_t next_id = 1;
	while (r->ok) {
		struct pollfd pf[2 + BH_NET_MAX_CONNS];
		size_t slot_of[2 + BH_NET_MAX_CONNS];
		nfds_t n = 0;
		bool out_room = r->out.len < BH_NET_MAX_QUEUE;
		pf[n++] = (struct pollfd){
		    .fd = chan,
		    .events = (short)((channel_full(r) ? 0 : POLLIN) |
				      (r->out.len ? POLLOUT : 0))};
		pf[n++] = (struct pollfd){
		    .fd = out_room && r->m.n_used < BH_NET_MAX_CONNS ? listen_fd
								     : -1,
		    .events = POLLIN};
		for (size_t i = 0; i < BH_NET_MAX_CONNS; i++) {
			if (!r->m.slots[i].id || r->fd[i] < 0)
				continue;
			short ev = 0;
			if (!r->m.slots[i].sent_eof && out_room)
				ev |= POLLIN;
			if (r->q[i].len)
				ev |= POLLOUT;
			if (!ev)
				continue; /* waiting on the peer alone */
			slot_of[n] = i;
			pf[n++] = (struct pollfd){.fd = r->fd[i], .events = ev};
		}
		if (poll(pf, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if ((pf[0].revents & (POLLIN | POLLHUP | POLLERR)) &&
		    (pf[0].events & POLLIN) &&
		    !from_channel(r, chan, connect_path))
			break;
		if ((pf[0].revents & POLLOUT) && !q_flush(&r->out, chan))
			break;
		if (pf[1].revents) {
			int c = accept4(listen_fd, NULL, NULL,
					SOCK_NONBLOCK | SOCK_CLOEXEC);
			int i = c >= 0 ? bh_netmux_add(&r->m, next_id) : -1;
			if (i >= 0) {
				r->fd[i] = c;
				send_frame(r, BH_NET_OPEN, next_id, NULL, 0);
				next_id++;
			} else if (c >= 0) {
				close(c);
			}
		}
		for (nfds_t k = 2; k < n; k++) {
			size_t i = slot_of[k];
			if (!pf[k].revents || !r->m.slots[i].id ||
			    r->fd[i] != pf[k].fd)
				continue;
			if (pf[k].revents & POLLOUT) {
				if (!q_flush(&r->q[i], r->fd[i])) {
					reset_slot(r, i);
					continue;
				}
				settle(r, i);
				if (!r->m.slots[i].id)
					continue;
			}
			if (pf[k].revents & (POLLIN | POLLHUP | POLLERR) &&
			    (pf[k].events & POLLIN))
				from_local(r, i);
			else if (pf[k].revents & POLLERR)
				reset_slot(r, i);
		}
		/* Write what we can at once: most frames go out here. */
		if (r->out.len && !q_flush(&r->out, chan))
			break;
	}
	for (size_t i = 0; i < BH_NET_MAX_CONNS; i++)
		drop_slot(r, i);
	q_release(&r->out);
	q_release(&r->in);
	free(r);
}
