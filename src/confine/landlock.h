/* SPDX-License-Identifier: MIT */
/*
 * Landlock: the filesystem, TCP and scoping half of the kernel tier.
 *
 * The ruleset is built in the supervisor (opening every path with O_PATH,
 * splitting granted directories around hidden and protected paths) and only
 * restricted in the pre-exec child, so the child does one system call.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "audit/report.h"
#include "confine/fsplan.h"

/* The Landlock ABI of the running kernel (1..7 or more), 0 when Landlock
 * is unavailable (not built, disabled at boot, or blocked by a container's
 * seccomp filter). */
int bh_landlock_abi(void);

struct bh_landlock_opts {
	bool net_restrict;   /* handle TCP bind/connect (deny unless allowed) */
	uint16_t connect_port; /* one TCP port connect() may reach, 0 = none */
	bool scope;          /* scope abstract unix sockets and signals */
	/* The identity the command runs with, to recognise hidden paths that
	 * file permissions already keep from it (no split needed). */
	uid_t uid;
	gid_t gid;
	const gid_t *groups; /* supplementary groups the command keeps */
	size_t n_groups;
};

struct bh_landlock; /* a ruleset ready to enforce */

/*
 * Compiles the plan into a Landlock ruleset and reports, for every explicit
 * node's rules, what Landlock enforces.  On a kernel without Landlock every
 * filesystem rule is reported unsupported and *out is NULL (returns 0: the
 * caller's bh_report_check() decides whether to stop).
 * Caller frees with bh_landlock_free().
 */
int bh_landlock_build(const struct bh_fsplan *plan,
		      const struct bh_landlock_opts *opts,
		      struct bh_report *rep, struct bh_landlock **out,
		      struct bh_error **err);

/* Enforces the ruleset on the calling thread (needs no_new_privs or
 * CAP_SYS_ADMIN).  Async-signal-safe; 0 or -errno.  NULL ruleset: 0. */
int bh_landlock_restrict(const struct bh_landlock *ll);

void bh_landlock_free(struct bh_landlock *ll);
