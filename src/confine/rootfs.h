/* SPDX-License-Identifier: MIT */
/*
 * A root filesystem built from the policy, for the namespace tier.
 *
 * The plan (pure: which mounts, in which order) is computed in the
 * supervisor from the policy's path tree; placeholders for protected paths
 * that do not exist yet are created there too, on the host, journaled.  The
 * build runs in the sandbox's init, inside fresh user and mount namespaces:
 * a tmpfs root, every granted path bind-mounted by file descriptor (never by
 * a path the workspace could redirect), read-only and noexec where the
 * policy says, hidden paths masked, protected paths bound read-only over
 * themselves with their ancestors pinned, a fresh /proc, a minimal /dev,
 * then pivot_root.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "audit/report.h"
#include "confine/fsplan.h"

enum bh_mop_kind {
	BH_MOP_BIND = 0,  /* bind the host's path at the same place */
	BH_MOP_REBIND,    /* bind the new root's own path onto itself */
	BH_MOP_TMPFS,     /* a fresh empty tmpfs */
	BH_MOP_MASK,      /* hide: an empty read-only dir or file over it */
	BH_MOP_PROC,      /* a fresh procfs of the new pid namespace */
	BH_MOP_DEV,       /* the minimal /dev */
	BH_MOP_OVERLAY,   /* the workspace as an overlay kept for review */
};

/* Overlay workspace mode: directories opened by the supervisor (so the
 * sandbox's init needs no path to them, e.g. under a 0700 home). */
struct bh_rootfs_overlay {
	const char *workspace; /* the lower layer's path, as mounted */
	int lower_fd, upper_fd, work_fd; /* O_PATH|O_DIRECTORY, not owned */
};

struct bh_mop {
	enum bh_mop_kind kind;
	char *path;        /* absolute, the same inside and outside */
	bool ro, noexec;
	bool is_dir;       /* of the source (BIND) or the masked path */
	bool beneath_writable; /* the host path lies below a writable grant:
				  resolve it without following symlinks */
	bool pin;          /* REBIND of an ancestor to stop renames */
	bool point_only;   /* make only the mount point: another layer
			      (gVisor's Sentry) mounts this one */
	const char *source; /* a runtime's bind (OCI spec): from here, not
			       from path (the gvisor tier's clones) */
	int srcfd;         /* BIND: O_PATH, opened in the child; -1 */
};

struct bh_rootfs_plan {
	struct bh_mop *ops;
	size_t n_ops;
	char **placeholders; /* host paths created for missing protects */
	size_t n_placeholders;
	char *journal;       /* host file listing them, for a later sweep */
	struct bh_rootfs_overlay overlay; /* when an OVERLAY op exists */
};

/*
 * Computes the mounts for the tree, creating (and journaling under
 * journal_dir) placeholders for missing protected paths below writable
 * grants.  Adds one report item per rule.  Caller frees with
 * bh_rootfs_plan_free() and removes placeholders with
 * bh_rootfs_cleanup_placeholders().
 */
/* The command's identity, to leave unmasked the hidden paths that file
 * permissions already keep from it. */
struct bh_rootfs_ids {
	uid_t uid;
	gid_t gid;
	const gid_t *groups;
	size_t n_groups;
};

int bh_rootfs_plan(const struct bh_fsplan *fs, const char *journal_dir,
		   const char *session_id, const struct bh_rootfs_ids *ids,
		   const struct bh_rootfs_overlay *overlay,
		   struct bh_report *rep, struct bh_rootfs_plan **out,
		   struct bh_error **err);

void bh_rootfs_plan_free(struct bh_rootfs_plan *p);

/* Removes this plan's placeholders (only if still empty and of the type
 * made) and its journal. */
void bh_rootfs_cleanup_placeholders(struct bh_rootfs_plan *p);

/* Removes placeholders listed by journals of sessions whose supervisor is
 * gone (a SIGKILL).  Returns how many journals were handled. */
unsigned bh_rootfs_sweep(const char *journal_dir);

/*
 * Builds the root under `newroot` (an empty directory) in the current
 * mount namespace, which must be the caller's own, and leaves it there
 * read-only at its top: the gvisor tier hands it to runsc as the bundle's
 * root.  Failure as bh_rootfs_build().
 */
int bh_rootfs_assemble(struct bh_rootfs_plan *p, const char *newroot,
		       int *failed_op);

/*
 * In the sandbox's init, inside the new user+mount namespaces: builds the
 * root under `newroot` (an empty directory) and pivots into it.  On failure
 * returns -errno with *failed_op the index of the operation (or -1).
 */
int bh_rootfs_build(struct bh_rootfs_plan *p, const char *newroot,
		    int *failed_op);
