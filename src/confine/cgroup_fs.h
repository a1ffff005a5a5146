/* SPDX-License-Identifier: MIT */
/*
 * The cgroup module's file-system layer, shared by cgroup.c (sessions and
 * their limits) and cgroup_fs.c: where the hierarchies are mounted, where
 * session directories go, and making, killing, removing and sweeping them.
 * Not for other modules.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The controllers bulkhead uses. */
enum bh_cg_ctrl { BH_CG_MEMORY = 0, BH_CG_PIDS, BH_CG_CPU, BH_CG__COUNT };
extern const char *const bh_cg_ctrl_name[BH_CG__COUNT];

/* "<base>/bulkhead/<session name>" in each hierarchy used. */
#define BH_CG_PARENT "bulkhead"
#define BH_CG_MAX_SMALL (64 * 1024)	 /* one interface file */
#define BH_CG_MAX_LIST (8 * 1024 * 1024) /* mountinfo, cgroup.procs */

/* One hierarchy as this process sees it. */
struct bh_cgfs_hier {
	char *mnt;  /* mount point; NULL when the hierarchy is not mounted */
	char *root; /* the hierarchy's path mounted there */
	char *self; /* our cgroup in it, as /proc/self/cgroup says; or NULL */
	bool v2;
};

struct bh_cgfs_layout {
	struct bh_cgfs_hier v2;
	struct bh_cgfs_hier v1[BH_CG__COUNT];
	bool any_v1; /* some v1 hierarchy carries a controller */
};

/* Reads /proc/self/mountinfo and /proc/self/cgroup.  0, or -errno with
 * *why (caller frees).  Clear with bh_cgfs_layout_clear() either way. */
int bh_cgfs_layout_read(struct bh_cgfs_layout *l, char **why);
void bh_cgfs_layout_clear(struct bh_cgfs_layout *l);

/* Where v2 session cgroups may go for this caller. */
struct bh_cgfs_place {
	char *base;	  /* NULL: nowhere (*why says why) */
	bool controllers; /* limits are possible there */
	bool delegated;	  /* an unprivileged caller's own subtree */
	char *own;	  /* our own cgroup when delegated to us, or NULL */
};
void bh_cgfs_v2_place(const struct bh_cgfs_hier *h, struct bh_cgfs_place *pl,
		      char **why);
void bh_cgfs_place_clear(struct bh_cgfs_place *pl);

/* One directory of a session, in one hierarchy. */
struct bh_cgfs_dir {
	char *path;	  /* NULL when unused */
	char *parent;	  /* its "bulkhead" parent, removed once empty */
	char *rel;	  /* its path as /proc/PID/cgroup shows it */
	const char *ctrl; /* v1: the controller naming its /proc/PID/cgroup
			     line; NULL for v2 */
	bool v2;
	int procs_fd; /* cgroup.procs, write-only, for bh_cgroup_add() */
	int dir_fd;   /* v2: for CLONE_INTO_CGROUP */
};
void bh_cgfs_dir_init(struct bh_cgfs_dir *d);
void bh_cgfs_dir_close(struct bh_cgfs_dir *d);
void bh_cgfs_dir_free(struct bh_cgfs_dir *d);

/* Makes "<base>/bulkhead/<name>" in hierarchy h and opens it into d.  For
 * v2, enables the controllers in `enable` (a 1 << BH_CG_* mask) on the way
 * down, with each failure's -errno in enable_err.  0 or -errno with *why
 * (caller frees). */
int bh_cgfs_make_dir(const struct bh_cgfs_hier *h, const char *base,
		     const char *name, const char *ctrl, unsigned enable,
		     int enable_err[BH_CG__COUNT], struct bh_cgfs_dir *d,
		     char **why);

/* Kills every process in d and below, waits (bounded) until it is empty;
 * returns how many were killed.  use_kill_file: cgroup.kill when there is
 * one, else the freeze-and-kill loop. */
unsigned bh_cgfs_kill(const struct bh_cgfs_dir *d, bool use_kill_file);

/* rmdir of dir and every cgroup below it, waiting out a busy moment.  0 or
 * -errno of the first failure. */
int bh_cgfs_remove_tree(const char *dir);

/* rmdir of a "bulkhead" parent once no session is left in it, when it is
 * ours: one an administrator made and gave to a user (chown) stays, even
 * when root's sessions have used it too. */
void bh_cgfs_remove_parent(const char *parent);

/* Interface files: dir/file. */
int bh_cgfs_write(const char *dir, const char *file, const char *val);
int bh_cgfs_read(const char *dir, const char *file, size_t max, char **out);
bool bh_cgfs_exists(const char *dir, const char *file);
int bh_cgfs_read_u64(const char *dir, const char *file, uint64_t *v);
int bh_cgfs_read_keyed(const char *dir, const char *file, const char *key,
		       uint64_t *v);

/* This process's start time and pid namespace, for session names. */
void bh_cgfs_self_identity(uint64_t *start, uint64_t *pidns);
