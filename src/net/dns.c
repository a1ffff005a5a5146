/* SPDX-License-Identifier: MIT */
/* c-ares on the proxy's epoll loop, and the lookup rate limit. */
#include <ares.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "core/util.h"
#include "net/dns.h"

struct bh_dns {
	ares_channel ch;
	int epfd;
	uint64_t tag;
	bool ok;
};

struct lookup {
	bh_dns_cb cb;
	void *arg;
};

/* c-ares tells us which sockets to watch; mirror that into epoll. */
static void sock_state_cb(void *data, ares_socket_t fd, int readable,
			  int writable)
{
	struct bh_dns *d = data;
	struct epoll_event ev = {
		.events = (readable ? EPOLLIN : 0u) | (writable ? EPOLLOUT : 0u),
		.data.u64 = d->tag | (uint32_t)fd,
	};
	if (!readable && !writable) {
		(void)epoll_ctl(d->epfd, EPOLL_CTL_DEL, fd, NULL);
		return;
	}
	if (epoll_ctl(d->epfd, EPOLL_CTL_MOD, fd, &ev) < 0 && errno == ENOENT)
		(void)epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev);
}

int bh_dns_new(int epfd, uint64_t tag, const char *server,
	       struct bh_dns **out, struct bh_error **err)
{
	static char lookups[] = "b";
	int r = ares_library_init(ARES_LIB_INIT_ALL);
	if (r != ARES_SUCCESS)
		return bh_error_set(err, BH_EK_SYSTEM, EIO, "c-ares: %s",
				    ares_strerror(r));
	struct bh_dns *d = bh_xcalloc(1, sizeof(*d));
	d->epfd = epfd;
	d->tag = tag;
	struct ares_options opts = {
		.flags = ARES_FLAG_NOSEARCH,
		.sock_state_cb = sock_state_cb,
		.sock_state_cb_data = d,
		.lookups = lookups,
		.timeout = 2000,
		.tries = 2,
	};
	r = ares_init_options(&d->ch, &opts,
			      ARES_OPT_FLAGS | ARES_OPT_SOCK_STATE_CB |
				      ARES_OPT_LOOKUPS | ARES_OPT_TIMEOUTMS |
				      ARES_OPT_TRIES);
	if (r != ARES_SUCCESS) {
		free(d);
		return bh_error_set(err, BH_EK_SYSTEM, EIO,
				    "initialising c-ares: %s",
				    ares_strerror(r));
	}
	d->ok = true;
	if (server) {
		r = ares_set_servers_ports_csv(d->ch, server);
		if (r != ARES_SUCCESS) {
			bh_dns_free(d);
			return bh_error_set(err, BH_EK_USAGE, EINVAL,
					    "DNS server '%s': %s", server,
					    ares_strerror(r));
		}
	}
	*out = d;
	return 0;
}

void bh_dns_free(struct bh_dns *d)
{
	if (!d)
		return;
	if (d->ok)
		ares_destroy(d->ch); /* runs pending callbacks (cancelled) */
	free(d);
}

static void addrinfo_cb(void *arg, int status, int timeouts,
			struct ares_addrinfo *res)
{
	struct lookup *lk = arg;
	struct bh_dns_addr addrs[BH_DNS_MAX_ADDRS];
	size_t n = 0;
	int st = 0;
	if (status == ARES_SUCCESS && res) {
		for (struct ares_addrinfo_node *ai = res->nodes;
		     ai && n < BH_DNS_MAX_ADDRS; ai = ai->ai_next) {
			if (ai->ai_family == AF_INET &&
			    ai->ai_addrlen >= sizeof(struct sockaddr_in)) {
				const struct sockaddr_in *s =
					(const void *)ai->ai_addr;
				addrs[n].family = AF_INET;
				memcpy(addrs[n].addr, &s->sin_addr, 4);
				n++;
			} else if (ai->ai_family == AF_INET6 &&
				   ai->ai_addrlen >=
					   sizeof(struct sockaddr_in6)) {
				const struct sockaddr_in6 *s =
					(const void *)ai->ai_addr;
				addrs[n].family = AF_INET6;
				memcpy(addrs[n].addr, &s->sin6_addr, 16);
				n++;
			}
		}
		if (!n)
			st = -ENOENT;
	} else if (status == ARES_ENOTFOUND || status == ARES_ENODATA ||
		   status == ARES_ENONAME) {
		st = -ENOENT;
	} else if (status == ARES_ETIMEOUT) {
		st = -ETIMEDOUT;
	} else {
		st = -EIO;
	}
	if (res)
		ares_freeaddrinfo(res);
	lk->cb(lk->arg, st, addrs, n);
	free(lk);
}

void bh_dns_lookup(struct bh_dns *d, const char *name, bh_dns_cb cb, void *arg)
{
	struct lookup *lk = bh_xmalloc(sizeof(*lk));
	lk->cb = cb;
	lk->arg = arg;
	/* NOSORT: the RFC 6724 sort connects UDP sockets to every answer;
	 * we check each address against the rules anyway. */
	struct ares_addrinfo_hints hints = {
		.ai_family = AF_UNSPEC,
		.ai_flags = ARES_AI_NOSORT,
	};
	ares_getaddrinfo(d->ch, name, NULL, &hints, addrinfo_cb, lk);
}

void bh_dns_process(struct bh_dns *d, int fd, uint32_t events)
{
	ares_socket_t r = (events & (EPOLLIN | EPOLLERR | EPOLLHUP))
				  ? fd
				  : ARES_SOCKET_BAD;
	ares_socket_t w = (events & EPOLLOUT) ? fd : ARES_SOCKET_BAD;
	ares_process_fd(d->ch, r, w);
}

int bh_dns_tick(struct bh_dns *d, int max_ms)
{
	ares_process_fd(d->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	struct timeval maxtv = {max_ms / 1000, (max_ms % 1000) * 1000}, tv;
	struct timeval *t = ares_timeout(d->ch, &maxtv, &tv);
	int ms = (int)(t->tv_sec * 1000 + (t->tv_usec + 999) / 1000);
	return ms < max_ms ? ms : max_ms;
}

/* --- rate limit --------------------------------------------------------- */

#define RL_KEYS 256

struct rl_entry {
	uint64_t hash;
	uint64_t at;
};

struct rl_key {
	char *key;
	uint64_t last;
	struct rl_entry *e; /* per_minute entries */
	unsigned n;
};

struct bh_ratelimit {
	unsigned per_minute;
	struct rl_key keys[RL_KEYS];
};

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

struct bh_ratelimit *bh_ratelimit_new(unsigned per_minute)
{
	struct bh_ratelimit *rl = bh_xcalloc(1, sizeof(*rl));
	rl->per_minute = per_minute ? per_minute : 1;
	return rl;
}

void bh_ratelimit_free(struct bh_ratelimit *rl)
{
	if (!rl)
		return;
	for (size_t i = 0; i < RL_KEYS; i++) {
		free(rl->keys[i].key);
		free(rl->keys[i].e);
	}
	free(rl);
}

bool bh_ratelimit_admit(struct bh_ratelimit *rl, const char *key,
			const char *name, uint64_t now_ms)
{
	struct rl_key *k = NULL, *oldest = &rl->keys[0];
	for (size_t i = 0; i < RL_KEYS; i++) {
		struct rl_key *c = &rl->keys[i];
		if (c->key && !strcmp(c->key, key)) {
			k = c;
			break;
		}
		if (!c->key || (oldest->key && c->last < oldest->last))
			oldest = c;
	}
	if (!k) {
		/* Forgetting the least recently used key is safe: it can
		 * only let one more window's worth through for it. */
		k = oldest;
		free(k->key);
		free(k->e);
		k->key = bh_xstrdup(key);
		k->e = bh_xcalloc(rl->per_minute, sizeof(*k->e));
		k->n = 0;
	}
	k->last = now_ms;
	uint64_t h = fnv1a(name);
	unsigned j = 0;
	bool seen = false;
	for (unsigned i = 0; i < k->n; i++) {
		if (k->e[i].at + 60000 <= now_ms)
			continue; /* expired: drop */
		if (k->e[i].hash == h) {
			k->e[i].at = now_ms;
			seen = true;
		}
		k->e[j++] = k->e[i];
	}
	k->n = j;
	if (seen)
		return true;
	if (k->n >= rl->per_minute)
		return false;
	k->e[k->n].hash = h;
	k->e[k->n].at = now_ms;
	k->n++;
	return true;
}
