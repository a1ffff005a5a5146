/* SPDX-License-Identifier: MIT */
/*
 * The one canonical host-name parser and the egress rules (issue 4).
 *
 * Every host the proxy sees (CONNECT authority, absolute-URI request,
 * Host header, SOCKS5 domain or address, TLS SNI) goes through
 * bh_host_canon(); rules match only canonical hosts, by exact labels.
 * Pure: no system calls, no DNS (libidn2 and libpsl's built-in list are
 * pure libraries).  docs/network.md, "Host names", says what is refused
 * and why.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "policy/policy.h"

enum bh_host_kind {
	BH_HOST_NAME = 0, /* a DNS name: lower-case LDH ASCII (IDNA to
			     punycode), no trailing dot, labels 1-63,
			     total <= 253, last label not numeric */
	BH_HOST_IPV4,	  /* any spelling: dotted, decimal, octal, hex, short */
	BH_HOST_IPV6,	  /* including IPv4-compatible and NAT64 forms */
};

struct bh_host {
	enum bh_host_kind kind;
	char name[256];	  /* canonical text: the name, a dotted quad, or an
			     IPv6 address in RFC 5952 form without brackets;
			     only [a-z0-9.:-] */
	uint8_t addr[16]; /* IPV4: first 4 bytes; IPV6: all 16 */
};

/*
 * Parses host text as it arrived (len bytes, not NUL-terminated; may hold
 * "[v6]"; no port).  Refuses NUL and control bytes, spaces, '%'
 * (percent-encoding, zone ids), '@' (userinfo), '/', '\\', '_', empty
 * labels, and anything that is not a valid name or address; a name ending
 * in a number must be a valid IPv4 address.  Non-ASCII goes through
 * IDNA2008 (UTS #46 mapping, non-transitional); xn-- labels must be
 * canonical punycode.  IPv4-mapped IPv6 addresses are reported as
 * BH_HOST_IPV4.  Canonical output parses again to itself.
 * Returns 0, or -EINVAL with *why (a static string that reads after
 * "host 'x' ", e.g. "contains a NUL byte"; why may be NULL).
 */
int bh_host_canon(const char *in, size_t len, struct bh_host *out,
		  const char **why);

/* Address classes, for the rebinding defence. */
enum {
	BH_ADDR_LOOPBACK = 1u << 0,  /* 127/8, ::1 */
	BH_ADDR_PRIVATE = 1u << 1,   /* 10/8, 172.16/12, 192.168/16, fc00::/7,
					fec0::/10 */
	BH_ADDR_LINKLOCAL = 1u << 2, /* 169.254/16, fe80::/10 */
	BH_ADDR_CGNAT = 1u << 3,     /* 100.64/10 */
	BH_ADDR_MULTICAST = 1u << 4, /* 224/4, ff00::/8 */
	BH_ADDR_METADATA = 1u << 5,  /* 169.254.169.254, fd00:ec2::254, ... */
	BH_ADDR_RESERVED = 1u << 6,  /* 0/8, 240/4, broadcast, ::, docs ... */
};
/*
 * The classes of a 4- or 16-byte address (family AF_INET/AF_INET6); 0 for
 * an ordinary public address.  IPv6 forms that carry an IPv4 address
 * (mapped, compatible, NAT64 64:ff9b::/96, 6to4 2002::/16) get the classes
 * of that address too.  An unknown family is BH_ADDR_RESERVED.
 */
unsigned bh_addr_classes(int family, const uint8_t *addr);
/* "cloud metadata", "loopback", ...: the most telling class in `classes`,
 * for logs; NULL for 0. */
const char *bh_addr_class_name(unsigned classes);

struct bh_hostrules; /* compiled `net allow` / `net deny` rules, opaque */

/*
 * Compiles the policy's host rules (p->hosts).  Every rule host goes
 * through bh_host_canon(); one that does not parse, a bare "*", a wildcard
 * over an address, or a wildcard over a public suffix (libpsl's built-in
 * list, ICANN and private sections: "*.co.uk", "*.github.io") is a
 * BH_EK_PROFILE error "file:line:col: host '...' ...".  The rules keep
 * their own copies: p may be freed afterwards.  Caller frees *out with
 * bh_hostrules_free().
 */
int bh_hostrules_new(const struct bh_policy *p, struct bh_hostrules **out,
		     struct bh_error **err);
/* Accepts NULL. */
void bh_hostrules_free(struct bh_hostrules *r);

/*
 * Decides a host and port: true when allowed.  Deny wins over allow; a
 * wildcard "*.example.com" matches names with at least one more label
 * ("a.example.com", not "example.com" nor "badexample.com"); a rule's port
 * of 0 matches any port; a name rule never matches an address and an
 * address rule matches only that same address.  *rule (may be NULL) gets
 * the deciding rule (owned by r), or NULL when no rule matched (denied by
 * default).
 */
bool bh_hostrules_allow(const struct bh_hostrules *r, const struct bh_host *h,
			unsigned port, const struct bh_host_rule **rule);

/*
 * After resolution: may the proxy connect to this address and port for a
 * host the rules allowed?  Refused: an address a deny rule names, and
 * loopback, private, link-local, CGNAT, multicast, metadata and reserved
 * addresses unless an allow rule names the address itself (an IP literal,
 * with that port or any) — DNS rebinding defence.  *why (may be NULL) on
 * refusal.
 */
bool bh_hostrules_addr_ok(const struct bh_hostrules *r, int family,
			  const uint8_t *addr, unsigned port, const char **why);
