/* SPDX-License-Identifier: MIT */
/*
 * What an overlay session changed: the upper layer read against the lower
 * one (the real workspace), entry by entry.
 *
 * Both trees are read through directory fds, never by path, and nothing in
 * them is followed: the upper layer is the sandbox's work and may hold
 * symlinks to anywhere, and the workspace may have changed since.  Names
 * are bytes (no '/', anything else); bh_ws_quote_path() makes them safe to
 * print.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <time.h>

#include "core/error.h"

enum bh_ws_kind {
	BH_WS_ADDED,	/* not in the workspace */
	BH_WS_DELETED,	/* a whiteout, or below a replaced directory */
	BH_WS_MODIFIED, /* same type: content, target or mode differ */
	BH_WS_RETYPED,	/* another type now (file -> directory, ...) */
};

/* Why apply refuses, or asks about, a change.  The scan sets the facts
 * (special, mount, unreadable, unsupported); bh_ws_plan() the rest. */
enum {
	/* Applied only with consent (a flag, or a yes at the terminal). */
	BH_WS_R_PROTECTED = 1u << 0, /* a protected path: --force-protected */
	BH_WS_R_SETID = 1u << 1,     /* setuid/setgid: --strip-setid */
	BH_WS_R_LINK_OUT = 1u << 2,  /* symlink leaving the workspace */
	BH_WS_R_CONFLICT = 1u << 3,  /* workspace changed since: --force */
	/* Never applied; --yes applies the rest without them. */
	BH_WS_R_SPECIAL = 1u << 8,     /* device node, fifo, socket */
	BH_WS_R_MOUNT = 1u << 9,       /* at or below a mount point */
	BH_WS_R_UNREADABLE = 1u << 10, /* could not be read */
	BH_WS_R_DEPENDS = 1u << 11,    /* needs a change that is left out */
	/* Stops the whole apply: applying the rest would lose data. */
	BH_WS_R_UNSUPPORTED = 1u << 16, /* overlay redirect (a rename) */
};
#define BH_WS_R_CONSENT 0x00ffu
#define BH_WS_R_NEVER 0xff00u
#define BH_WS_R_BLOCK 0xff0000u

enum bh_ws_outcome {
	BH_WS_PENDING = 0,
	BH_WS_APPLIED,
	BH_WS_SAME,	/* the workspace already had it (an earlier apply) */
	BH_WS_LEFT_OUT, /* refused or declined */
	BH_WS_FAILED,
};

struct bh_ws_change {
	char *path; /* relative to the workspace, raw bytes */
	enum bh_ws_kind kind;
	mode_t old_mode, new_mode; /* st_mode with type bits; 0 = absent */
	off_t old_size, new_size;
	dev_t new_rdev;
	nlink_t new_nlink; /* > 1: hard links in the upper layer */
	struct timespec old_ctime;
	/* Birth of the upper entry: when the session took its copy (copy-up)
	 * or made it.  0 where the file system keeps no birth time. */
	long long new_btime_ns;
	char *old_target, *new_target; /* symlinks */
	bool content; /* files: bytes differ; symlinks: target differs */
	bool opaque;  /* a directory that hides the lower one's entries */
	bool implied; /* deleted because an ancestor was replaced */
	size_t cause; /* implied: the replacing change; else SIZE_MAX */
	int error;    /* errno reading it, or 0 */
	char *note;   /* what the scan could not represent, or NULL */
	unsigned refuse;
	enum bh_ws_outcome outcome;
	int outcome_errno;
};

struct bh_ws_changes {
	struct bh_ws_change *v; /* sorted by path (bytewise) */
	size_t n, cap;
};

/*
 * Reads the upper layer (upper_fd) against the workspace (lower_fd) and
 * lists every change, sorted by path: a parent before its children.
 * `userxattr`: the overlay's markers are user.overlay.* (else
 * trusted.overlay.*; see enum bh_ws_xattr).  Caller frees with
 * bh_ws_changes_free().
 */
int bh_ws_changes_scan(int lower_fd, int upper_fd, bool userxattr,
		       struct bh_ws_changes **out, struct bh_error **err);

void bh_ws_changes_free(struct bh_ws_changes *c);

/* The change at path, or NULL. */
struct bh_ws_change *bh_ws_changes_find(const struct bh_ws_changes *c,
					const char *path);

/* "file", "directory", "symlink", "fifo", "socket", "character device",
 * "block device", or "nothing" for 0. */
const char *bh_ws_type_name(mode_t mode);

/* prefix + path, in double quotes with C escapes when it holds anything a
 * terminal could act on, '"' or '\\' (git's quoting, with \xNN).  Pure.
 * Caller frees. */
char *bh_ws_quote_path(const char *prefix, const char *path);

/*
 * Opens root/path (path relative, no ".." component) following no symlink
 * in any component and staying on root's mount: openat2() with
 * RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV, or where that
 * system call is missing, bh_ws_open_beneath_walk().  ELOOP: a symlink on
 * the way; EXDEV: a mount point.  Returns an fd or -errno (no message).
 */
int bh_ws_open_beneath(int root, const char *path, int flags);

/* The same, one component at a time: each directory opened with
 * O_NOFOLLOW | O_DIRECTORY from the one before and checked to be on root's
 * device. */
int bh_ws_open_beneath_walk(int root, const char *path, int flags);

/* Opens the directory holding path beneath root (as above); *name points
 * at path's last component.  Returns an fd or -errno. */
int bh_ws_open_parent(int root, const char *path, const char **name);

/* Reads up to max bytes of the regular file root/path (opened beneath
 * root).  *truncated when there was more.  Caller frees *buf. */
int bh_ws_read_beneath(int root, const char *path, size_t max, char **buf,
		       size_t *len, bool *truncated);
