/* SPDX-License-Identifier: MIT */
/*
 * Non-blocking name resolution for the proxy (c-ares on the proxy's epoll),
 * and the lookup rate limit.
 *
 * Only names the rules allowed ever get here (threat 48: a denied name must
 * not leak as a query); search domains are off (a query for
 * "name.search.domain" would be a name nobody allowed) and /etc/hosts is
 * not consulted (the proxy has no filesystem once confined).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

struct bh_dns_addr {
	int family; /* AF_INET or AF_INET6 */
	uint8_t addr[16];
};

#define BH_DNS_MAX_ADDRS 8

/* status: 0, or -ENOENT (no such name / no address), -ETIMEDOUT, -EIO. */
typedef void (*bh_dns_cb)(void *arg, int status,
			  const struct bh_dns_addr *addrs, size_t n);

struct bh_dns;

/*
 * Initialises the resolver: reads /etc/resolv.conf (so call before the
 * proxy confines itself), or uses `server` ("ADDR:PORT", may be NULL).
 * Its sockets are registered on epfd with data.u64 = tag | fd.
 */
int bh_dns_new(int epfd, uint64_t tag, const char *server,
	       struct bh_dns **out, struct bh_error **err);
void bh_dns_free(struct bh_dns *d);

/* Starts resolving name (A and AAAA); cb runs later, from bh_dns_process()
 * or bh_dns_tick(), never from inside this call. */
void bh_dns_lookup(struct bh_dns *d, const char *name, bh_dns_cb cb, void *arg);
/* An epoll event on one of the resolver's sockets. */
void bh_dns_process(struct bh_dns *d, int fd, uint32_t events);
/* Handles timeouts; returns the milliseconds until the next one is due,
 * at most max_ms. */
int bh_dns_tick(struct bh_dns *d, int max_ms);

/*
 * The lookup-storm limit (issue 4 item 4): at most `per_minute` distinct
 * names per key in any 60 s; a name seen in the window costs nothing.  The
 * proxy keys by the allowing rule (a wildcard rule *.example.com is the
 * parent domain a random-subdomain storm uses).  Pure.
 */
struct bh_ratelimit;
struct bh_ratelimit *bh_ratelimit_new(unsigned per_minute);
void bh_ratelimit_free(struct bh_ratelimit *rl);
bool bh_ratelimit_admit(struct bh_ratelimit *rl, const char *key,
			const char *name, uint64_t now_ms);
