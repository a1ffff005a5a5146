/* SPDX-License-Identifier: MIT */
/* Shared between the proxy's event loop (proxy.c) and its start-up and
 * confinement (proxy_start.c). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "net/proxy.h"

/* What one audit record says (docs/network.md, "Audit records"). */
struct bh_proxy_record {
	const char *session;  /* may be NULL */
	const char *proto;    /* "connect", "http", "socks5" */
	const char *host;     /* canonical; NULL when none was parsed */
	unsigned port;        /* 0 when none */
	const char *addr;     /* the address connected to or refused, or "" */
	bool allowed;
	const struct bh_host_rule *rule; /* deciding rule, or NULL */
	const char *reason;   /* NULL or why (always set on deny) */
	uint64_t bytes_up, bytes_down, duration_ms;
};

/* Writes the record as one JSON line with one write() to fd (-1: none). */
void bh_proxy_audit(int fd, const struct bh_proxy_record *r);

struct bh_proxy; /* the loop's state */

/* Sets up everything that needs the filesystem or privileges (the
 * resolver reads /etc/resolv.conf here), before the caller confines the
 * process.  Caller frees with bh_proxy_free(). */
int bh_proxy_new(const struct bh_proxy_opts *o, struct bh_proxy **out,
		 struct bh_error **err);
/* Runs until SIGTERM/SIGINT (blocked by bh_proxy_new, read by signalfd). */
int bh_proxy_loop(struct bh_proxy *px, struct bh_error **err);
void bh_proxy_free(struct bh_proxy *px);

/* Confines the calling process for the loop: no_new_privs, Landlock with
 * no filesystem access, the seccomp allowlist.  As root, first switches to
 * uid/gid 65534. */
int bh_proxy_confine(struct bh_error **err);
