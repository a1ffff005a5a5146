/* SPDX-License-Identifier: MIT */
/*
 * The filesystem part of a policy as a tree of paths, tier-neutral.
 *
 * Every path named by a rule (and every ancestor of one) is a node; a node
 * named by a rule is "explicit".  Access is decided by the most specific
 * explicit node: grants on one path add up (write and exec imply read),
 * hide takes everything away, protect takes write away, and deny wins over
 * grant on the same path.  Tiers walk this tree to compile it: the kernel
 * tier into Landlock rules, the namespace tier into mounts.  Pure.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "policy/policy.h"

enum {
	BH_FS_R = 1u << 0,
	BH_FS_W = 1u << 1,
	BH_FS_X = 1u << 2,
};

struct bh_fsnode {
	char *path;       /* absolute, normalised; "/" for the root */
	const char *name; /* last component, points into path ("" for root) */
	struct bh_fsnode *parent, *children, *next;
	bool explicit_rule;   /* some rule names this path */
	unsigned grants;      /* union of read/write/exec grants here */
	bool hide, protect, tmpfs;
	unsigned eff;         /* effective access (BH_FS_*) */
	bool has_explicit_below;
	const struct bh_path_rule **rules; /* rules naming this path */
	size_t n_rules;
	/* A tier's memo of the path on the host (1 exists with st_mode
	 * below, -1 missing, 0 not looked at yet): a launch asks about the
	 * same path many times. */
	int host_state;
	unsigned host_mode;
};

struct bh_fsplan {
	struct bh_fsnode *root;
};

/*
 * Builds the tree from n rules.  tmpfs_access is the access a tmpfs node
 * gets in the calling tier (BH_FS_R|BH_FS_W where it can mount one, 0 where
 * it is degraded to hide).  The rules must outlive the plan.  Caller frees
 * with bh_fsplan_free().
 */
struct bh_fsplan *bh_fsplan_build(const struct bh_path_rule *const *rules,
				  size_t n, unsigned tmpfs_access);
void bh_fsplan_free(struct bh_fsplan *plan);

/* The node for exactly this path, or NULL. */
struct bh_fsnode *bh_fsplan_find(const struct bh_fsplan *plan,
				 const char *path);

/* "rwx"-style text of an access set, e.g. "r-x". */
const char *bh_fs_access_str(unsigned access);
