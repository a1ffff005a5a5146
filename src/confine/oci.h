/* SPDX-License-Identifier: MIT */
/*
 * The OCI runtime spec (config.json) for a sandbox built from the policy,
 * for the gvisor tier.  Pure: it turns the mounts the rootfs planner chose
 * (src/confine/rootfs.h) and the command's process settings into JSON; the
 * tier writes it into the bundle.
 *
 * Every mount is one the caller passes as a planner operation: binds at
 * the same place (from op->source when set, else the same host path;
 * read-only unless writable, nosuid and nodev always, noexec unless exec
 * is granted), masks as a read-only empty tmpfs or file, tmpfs and /proc
 * from the runtime.  /dev is the runtime's own: device nodes are never
 * bound from the host.  The gvisor tier passes only what its Sentry must
 * mount itself (tier/gvisor_root.h); the rest is in the root it built.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "confine/rootfs.h"
#include "confine/spawn.h"

struct bh_oci_params {
	const char *root;      /* the root directory */
	bool root_writable;    /* the Sentry may write through the root:
				  a tree whose read-only parts are the
				  host's mount flags (the gvisor tier) */
	const char *mask_file; /* an empty host file, bound over hidden files */
	const struct bh_mop *ops; /* the planner's mounts, in order */
	size_t n_ops;
	char *const *argv;
	char *const *envp; /* NULL-terminated NAME=VALUE */
	const char *cwd;
	uid_t uid;
	gid_t gid;
	const struct bh_rlimit_set *rlimits;
	size_t n_rlimits;
	const char *hostname;
	bool terminal; /* the standard streams are a terminal the
			  runtime makes the command's */
};

/* The spec as a JSON document (json_t *, caller owns), or NULL when an
 * operation has no OCI equivalent (*bad names it; the overlay workspace). */
void *bh_oci_spec(const struct bh_oci_params *p, const struct bh_mop **bad);

/* The OCI name of an rlimit resource ("RLIMIT_NOFILE"), or NULL. */
const char *bh_oci_rlimit_name(int resource);
