/* SPDX-License-Identifier: MIT */
/*
 * Getting a sandbox's traffic to its proxy (issue 4, item 3).
 *
 * A policy with `net allow` rules gets bulkhead's proxy; nothing else gets
 * out.  In the namespace tier the sandbox's init makes a listening socket
 * on 127.0.0.1:BH_EGRESS_NS_PORT inside the sandbox's own network
 * namespace and hands it out over SCM_RIGHTS; the proxy, outside, accepts
 * on it (DESIGN.md decision 7): no helper process inside, no route out.
 * In the kernel tier the proxy listens on the host's loopback on a port of
 * its own; Landlock lets the sandbox connect to that port only, and the
 * proxy requires the session's token, so no other process can use it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "confine/env.h"
#include "core/error.h"
#include "policy/policy.h"

#define BH_EGRESS_NS_PORT 3128

struct bh_egress {
	bool on;          /* the policy allows some host */
	char token[33];   /* per-session proxy password (hex) */
	bool need_token;  /* the proxy requires it (kernel tier) */
	unsigned port;    /* where the sandbox reaches the proxy (127.0.0.1) */
	int listen_fd;    /* the proxy's listening socket once known, or -1 */
	pid_t proxy_pid;  /* 0 until started */
	int log_rd;       /* the proxy's decision log (JSON Lines), or -1 */
	char *env_strings[16]; /* owned values of the variables below */
	struct bh_env_own env[16];
	size_t n_env;
};

/* Does the policy need the proxy (any `net allow`)? */
bool bh_egress_wanted(const struct bh_policy *p);

/*
 * Sets up egress for a tier: a token, and for the kernel tier the host
 * listener (127.0.0.1, an ephemeral port).  Fills the variables that tell
 * tools about the proxy (HTTP_PROXY and friends, for curl, git, npm, pip,
 * Node's fetch, Java, Go).  Nothing to do (e->on false) without allow
 * rules.  Release with bh_egress_release().
 */
int bh_egress_prepare(struct bh_egress *e, const struct bh_policy *p,
		      bool in_netns, struct bh_error **err);

/* Kills the proxy, closes everything.  Safe to repeat. */
void bh_egress_release(struct bh_egress *e);

/* The namespace tier's init: makes the listener inside the sandbox's
 * network namespace and sends it over `sock` (SCM_RIGHTS).  0 or -errno. */
int bh_egress_send_listener(int sock);

/* The supervisor's side: receives it.  Returns the fd or -errno. */
int bh_egress_recv_listener(int sock);

/* A TCP listener on 127.0.0.1:port (0: any; the port in *bound).  fd or
 * -errno. */
int bh_egress_listen_loopback(unsigned port, unsigned *bound);

/* The proxy's unix socket at path for the tiers whose relay reaches it
 * (gvisor, microvm): listening, mode 0600, owned by uid (the relay's).
 * fd, or a negative errno with err filled. */
int bh_egress_listen_unix(const char *path, uid_t uid, struct bh_error **err);

/*
 * The gvisor tier's init, run inside the sandbox as its first process:
 * runs argv (127 when it is not found, 126 when it cannot be executed)
 * and returns its exit status (128+N for a signal); everything left is
 * killed when it ends.  With a sock_path it is also the egress relay: it
 * listens on 127.0.0.1:port of the sandbox's own network stack and
 * carries each connection to the proxy's unix socket at sock_path (bound
 * into the sandbox).
 */
int bh_egress_relay(const char *sock_path, unsigned port, char *const *argv);
