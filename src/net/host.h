/* SPDX-License-Identifier: MIT */
/*
 * The one canonical host-name parser and the egress rules (issue 4).
 *
 * Every host the proxy sees (CONNECT authority, absolute-URI request,
 * Host header, SOCKS5 domain or address, TLS SNI) goes through
 * bh_host_parse(); rules match only canonical hosts, by exact labels.
 * Pure: no system calls, no DNS.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "policy/policy.h"

enum bh_host_kind {
	BH_HOST_NAME = 0, /* a DNS name: lower-case ASCII (IDNA to punycode),
			     no trailing dot, labels 1-63, total <= 253 */
	BH_HOST_IPV4,     /* any spelling: dotted, decimal, octal, hex, short */
	BH_HOST_IPV6,     /* including IPv4-mapped/compatible forms */
};

struct bh_host {
	enum bh_host_kind kind;
	char name[256];   /* canonical text: the name, or the address as
			     inet_ntop would print it */
	uint8_t addr[16]; /* IPV4: first 4 bytes; IPV6: all 16 */
};

/*
 * Parses host text as it arrived (len bytes, not NUL-terminated; may hold
 * "[v6]").  Refuses NUL and control bytes, spaces, percent-encoding,
 * userinfo ('@'), empty labels, and anything that is not a valid name or
 * address.  IPv4-mapped IPv6 addresses are reported as BH_HOST_IPV4.
 * Returns 0, or -EINVAL with *why (a static string) saying what is wrong.
 */
int bh_host_parse(const char *in, size_t len, struct bh_host *out,
		  const char **why);

/* Address classes, for the rebinding defence. */
enum {
	BH_ADDR_LOOPBACK = 1u << 0,  /* 127/8, ::1 */
	BH_ADDR_PRIVATE = 1u << 1,   /* 10/8, 172.16/12, 192.168/16, fc00::/7 */
	BH_ADDR_LINKLOCAL = 1u << 2, /* 169.254/16, fe80::/10 */
	BH_ADDR_CGNAT = 1u << 3,     /* 100.64/10 */
	BH_ADDR_MULTICAST = 1u << 4, /* 224/4, ff00::/8 */
	BH_ADDR_METADATA = 1u << 5,  /* 169.254.169.254, fd00:ec2::254, ... */
	BH_ADDR_RESERVED = 1u << 6,  /* 0/8, 240/4, broadcast, ::, docs ... */
};
/* The classes of a 4- or 16-byte address (family AF_INET/AF_INET6). */
unsigned bh_addr_classes(int family, const uint8_t *addr);

struct bh_hostrules; /* compiled `net allow` / `net deny` rules, opaque */

/* Compiles the policy's host rules (p->hosts).  Caller frees. */
int bh_hostrules_new(const struct bh_policy *p, struct bh_hostrules **out,
		     struct bh_error **err);
void bh_hostrules_free(struct bh_hostrules *r);

/*
 * Decides a host and port: true when allowed.  Deny wins over allow; a
 * wildcard "*.example.com" matches names with at least one more label
 * ("a.example.com", not "example.com" nor "badexample.com"); a rule's port
 * of 0 matches any port; an IP literal matches only a rule naming that
 * address.  *rule (may be NULL) gets the deciding rule, or NULL when no
 * rule matched (denied by default).
 */
bool bh_hostrules_allow(const struct bh_hostrules *r, const struct bh_host *h,
			unsigned port, const struct bh_host_rule **rule);

/*
 * After resolution: may the proxy connect to this address for a host the
 * rules allowed?  Loopback, private, link-local, CGNAT, multicast, metadata
 * and reserved addresses are refused unless a rule names the address
 * itself (an IP literal) — DNS rebinding defence.  *why on refusal.
 */
bool bh_hostrules_addr_ok(const struct bh_hostrules *r, int family,
			  const uint8_t *addr, const char **why);
