/* SPDX-License-Identifier: MIT */
/* File-system helpers with no policy knowledge. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/error.h"

/*
 * Removes dirfd/name and everything below it without following symlinks
 * (a tree the sandbox wrote may hold links to anywhere).  Directories the
 * owner made unreadable are chmod'ed back first.  Returns 0 or -errno of the
 * first failure; goes on past failures.
 */
int bh_rm_rf_at(int dirfd, const char *name);

/* mkdir -p with mode for each created component.  0 or -errno. */
int bh_mkdir_p(const char *path, mode_t mode);

/* Writes `text` to an existing file (a /proc or /sys knob) in one write.
 * 0 or -errno (-EIO for a short write).  No allocation: safe in a
 * vfork()ed child. */
int bh_write_knob(const char *path, const char *text);

/* Reads a whole small file (at most max bytes).  Caller frees *out. */
int bh_read_file(const char *path, size_t max, char **out, size_t *len,
		 struct bh_error **err);

/* The top of the git work tree containing dir (a directory holding .git,
 * file or directory), or NULL.  Caller frees. */
char *bh_git_toplevel(const char *dir);

struct stat;
/* True when file permissions alone keep identity (uid, gid, groups) from
 * reading st (and, for a directory, entering it): not its owner (who
 * could chmod it), and no read bit for the class it falls in.  uid 0 is
 * never denied.  Pure. */
bool bh_dac_denies(uid_t uid, gid_t gid, const gid_t *groups, size_t n,
		   const struct stat *st);

/* A journal file's name is SESSION.PID + suffix (".rundir", ".gvisor",
 * ".placeholders", ...): the PID, or 0 when name is not such a journal. */
int bh_journal_pid(const char *name, const char *suffix);

/* Removes path (recursively) only if it is a directory of ours: its last
 * component starts with `prefix` ("bulkhead-"), it is not a symlink, and
 * it belongs to the caller's euid.  For what a journal lists. */
void bh_rm_own_dir(const char *path, const char *prefix);

/* Calls fn(path, arg) for each journal in journal_dir named with `suffix`
 * whose supervisor (the PID in its name) is gone; fn removes what it
 * lists and the journal.  Returns how many were handled. */
unsigned bh_journal_sweep(const char *journal_dir, const char *suffix,
			  void (*fn)(const char *journal, void *arg),
			  void *arg);
/* Does the process that wrote a journal still run? (kill(pid, 0) works,
 * or it belongs to someone else: EPERM.) */
bool bh_pid_alive(int pid);
