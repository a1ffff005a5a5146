/* SPDX-License-Identifier: MIT */
/*
 * The gvisor tier's root: the rootfs planner's tree (the namespace tier's
 * binds, masks, placeholders and pins), built by bulkhead in the mount
 * namespace of the child that becomes runsc, and handed to runsc as one
 * root its gofer serves.  The spec keeps only what the Sentry must do
 * itself: its own /proc, /dev and tmpfs mounts, and a bind wherever the
 * noexec flag changes (the Sentry loads programs by reading them and
 * checks noexec only on its own mounts) or a writable grant begins (binds
 * get shared file access: host edits are seen; the root is cached).
 * Those binds are clones of the
 * tree's own subtrees, moved under BUNDLE/binds on a tmpfs of this mount
 * namespace, so runsc resolves no path through a granted (possibly
 * writable) directory.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "confine/rootfs.h"
#include "confine/spawn.h"

struct bh_gv_root {
	struct bh_rootfs_plan tree; /* every op to build (array owned) */
	struct bh_mop *sentry;      /* the spec's mounts (array owned) */
	size_t n_sentry;
	char **bind_src;  /* BUNDLE/binds/N for the Nth Sentry bind */
	const char **bind_path; /* the tree path it clones */
	size_t n_binds;
	char *root;  /* BUNDLE/root: the tree's mount point */
	char *binds; /* BUNDLE/binds: where the clones go */
	bool userns; /* not root: a user namespace first */
	char uid_map[32], gid_map[32]; /* "0 UID 1" for it */
	const char *ws_upper, *ws_work; /* overlay mode: the layers */
};

/*
 * Splits the planner's operations (borrowed: their paths must outlive g)
 * into the tree and the spec's mounts, for a bundle at `bundle` (whose
 * root/ and binds/ directories exist).  ov: the overlay's lower layer in
 * overlay mode, with the session's upper and work directories; or NULL.
 */
void bh_gv_root_plan(struct bh_gv_root *g, const char *bundle,
		     const struct bh_mop *ops, size_t n,
		     const struct bh_rootfs_overlay *ov, const char *ws_upper,
		     const char *ws_work);

/*
 * The pre-exec step of the child that becomes runsc (struct
 * bh_child_plan.pre_exec, arg a struct bh_gv_root): new user (when not
 * root) and mount namespaces, the tree, the Sentry binds' clones.  No
 * allocation: it may run in a vfork()ed child.
 */
int bh_gv_root_build(void *arg, struct bh_spawn_failure *f);

void bh_gv_root_free(struct bh_gv_root *g);
