/* SPDX-License-Identifier: MIT */
/*
 * The default syscall filter and its profile changes, built with libseccomp
 * and exported as a BPF program in the parent, so the child between fork and
 * exec only has to install it (one prctl/seccomp call, no allocation).
 */
#pragma once

#include <linux/filter.h>
#include <stdbool.h>

#include "audit/report.h"
#include "policy/policy.h"

struct bh_seccomp_opts {
	bool net_tcp;   /* allow socket(AF_INET/AF_INET6, SOCK_STREAM, 0|TCP);
			   false: refuse every inet socket */
	bool net_unix;  /* allow socket(AF_UNIX, ...) */
	/* Where compiled programs are kept (the state directory, hidden
	 * from every sandbox), keyed by everything that shapes them; NULL:
	 * compile every time.  libseccomp takes most of a millisecond. */
	const char *cache_dir;
};

struct bh_seccomp_prog {
	struct sock_fprog fprog; /* filter points into owned memory */
};

/*
 * Validates the policy's syscall rules (unknown names are BH_EK_PROFILE
 * errors naming file:line:col) without building anything.
 */
int bh_seccomp_validate(const struct bh_policy *p, struct bh_error **err);

/*
 * Builds the filter for policy p, adds one report item per protection (and
 * per profile change) to rep, and returns the exported BPF program.
 * Caller frees with bh_seccomp_prog_free().
 */
int bh_seccomp_build(const struct bh_policy *p,
		     const struct bh_seccomp_opts *opts, struct bh_report *rep,
		     struct bh_seccomp_prog **out, struct bh_error **err);
void bh_seccomp_prog_free(struct bh_seccomp_prog *prog);

/* Installs prog on the calling thread (after PR_SET_NO_NEW_PRIVS).  Async-
 * signal-safe; returns 0 or -errno.  For the pre-exec child. */
int bh_seccomp_install(const struct bh_seccomp_prog *prog);
