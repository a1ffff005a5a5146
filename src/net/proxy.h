/* SPDX-License-Identifier: MIT */
/*
 * The egress proxy (issue 4): its own process outside the sandbox,
 * event-driven, speaking HTTP CONNECT, plain HTTP with absolute URIs and
 * SOCKS5.  It decides by host name (net/host.h), resolves only names it
 * allows, checks every resolved address again, checks the TLS SNI of
 * CONNECT to port 443 against the CONNECT host, and reports every decision
 * as one JSON object per line on log_fd (the supervisor writes them to the
 * audit log; the proxy never opens the user's files).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/error.h"
#include "policy/policy.h"

struct bh_proxy_opts {
	const struct bh_policy *policy; /* host rules: p->hosts */
	const int *listen_fds;  /* listening TCP sockets, taken over */
	size_t n_listen;
	int log_fd;             /* decisions as JSON Lines; -1: none */
	const char *session_id; /* put in every record; may be NULL */
	/* When set, every client must present it (HTTP: Proxy-Authorization
	 * Basic with user "bulkhead" and this password; SOCKS5: username/
	 * password auth with the same).  NULL: no authentication. */
	const char *token;
	/* "ADDR:PORT" of the DNS server to ask instead of /etc/resolv.conf
	 * (tests); NULL: the system's. */
	const char *dns_server;
	unsigned max_conns;     /* 0: a default (4096) */
};

/* Runs the event loop in this process, unconfined, until SIGTERM/SIGINT
 * (both are blocked and read through a signalfd), or until the parent
 * process dies (PR_SET_PDEATHSIG is the caller's business).
 * Returns 0 on a clean stop. */
int bh_proxy_run(const struct bh_proxy_opts *o, struct bh_error **err);

/*
 * Starts the proxy as a child process that dies with its parent, drops
 * what it does not need and confines itself (seccomp, Landlock: no files
 * at all once running, except what the resolver reads at start).  As root
 * it runs as uid/gid 65534 once its sockets are bound.  The caller's
 * copies of listen_fds are closed (the child owns them); log_fd stays the
 * caller's.  Stop it with SIGTERM; it also dies with its parent.
 * Returns its pid, or -errno with err filled.
 */
pid_t bh_proxy_start(const struct bh_proxy_opts *o, struct bh_error **err);
