/* SPDX-License-Identifier: MIT */
/*
 * The cgroup module's pure helpers (no system calls: STYLE.md rule 5), so
 * the parsing of /proc/PID/cgroup, /proc/PID/mountinfo, /proc/PID/stat and
 * the cgroup interface files is unit-tested without privileges, plus two
 * hooks for the live tests.  Not for other modules.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* One cgroup mount, from a /proc/PID/mountinfo line. */
struct bh_cg_mount {
	char *mnt;  /* mount point, with the \ooo escapes undone */
	char *root; /* the path inside the hierarchy mounted there */
	char *opts; /* super options: a v1 mount's controllers are here */
	bool v2;    /* cgroup2 (else cgroup v1) */
};

/*
 * Parses a mountinfo line.  Returns 1 for a cgroup or cgroup2 mount, 0
 * for any other file system (only mnt and root are filled: a later mount
 * can hide a cgroup mount), -EINVAL for a line that is not mountinfo.
 * Free with bh_cg_mount_clear() unless it failed.
 */
int bh_cg_parse_mountinfo_line(const char *line, struct bh_cg_mount *m);
void bh_cg_mount_clear(struct bh_cg_mount *m);

/* One /proc/PID/cgroup line: "ID:CONTROLLERS:PATH". */
struct bh_cg_member {
	unsigned id;	   /* 0 for the cgroup2 line */
	char *controllers; /* "memory", "cpu,cpuacct", "name=systemd", "" */
	char *path;	   /* relative to the reader's cgroup namespace */
};

/* 0 and fills e (free with bh_cg_member_clear()), or -EINVAL. */
int bh_cg_parse_member_line(const char *line, struct bh_cg_member *e);
void bh_cg_member_clear(struct bh_cg_member *e);

/* True when name is one element of list; elements are separated by commas,
 * spaces or newlines ("cpu" is in "rw,cpu,cpuacct" but not in "cpuset"). */
bool bh_cg_list_has(const char *list, const char *name);

/*
 * Where a cgroup (its path as /proc/PID/cgroup shows it) is on disk, given
 * a mount of its hierarchy whose root is `root`: "mnt/<path minus root>".
 * NULL when the cgroup lies outside what that mount shows.  Caller frees.
 */
char *bh_cg_dir_of(const char *mnt, const char *root, const char *path);

/* Reads a decimal number or "max" (UINT64_MAX), with an optional trailing
 * newline.  0 or -EINVAL. */
int bh_cg_parse_u64_max(const char *s, uint64_t *v);
/* Writes v as decimal, or "max" for UINT64_MAX. */
void bh_cg_format_u64_max(char *buf, size_t n, uint64_t v);

/* The value of the line "key N" in a flat-keyed file (memory.events,
 * memory.oom_control, cgroup.events, pids.events).  0 or -ENOENT. */
int bh_cg_keyed(const char *text, const char *key, uint64_t *v);

/*
 * CPU bandwidth for a limit in milli-cores: a quota per period, both in
 * microseconds.  The period is 100 ms, or 1 s for limits under 10
 * milli-cores so that the quota stays above the kernel's 1 ms minimum.
 */
void bh_cg_cpu_quota(uint64_t milli, uint64_t *quota_us, uint64_t *period_us);
/* Parses cpu.max ("QUOTA PERIOD", QUOTA may be "max").  0 or -EINVAL. */
int bh_cg_parse_cpu_max(const char *s, uint64_t *quota, uint64_t *period);

/* True when a memory limit written as `want` bytes reads back as `got`:
 * the kernel keeps limits in whole pages, rounding down. */
bool bh_cg_memory_readback_ok(uint64_t want, uint64_t got, uint64_t page);

/*
 * A session cgroup's name: "<session id>-<supervisor pid>-<its start time
 * in clock ticks>-<its pid namespace inode>".  The last three let the
 * sweep tell a dead supervisor from a live one, or from a new process that
 * got the same pid, without any state outside the cgroup file system.
 * NULL when the session id is not a plain name (empty, longer than 64
 * bytes, or holding anything but [A-Za-z0-9._-]).  Caller frees.
 */
char *bh_cg_session_name(const char *session_id, pid_t pid, uint64_t start,
			 uint64_t pidns);
/* The reverse; 0 or -EINVAL for names that are not ours. */
int bh_cg_parse_session_name(const char *name, pid_t *pid, uint64_t *start,
			     uint64_t *pidns);

/* The start time (field 22) from the contents of /proc/PID/stat; the
 * command name (field 2) may hold spaces and parentheses.  0 or -EINVAL. */
int bh_cg_parse_stat_start(const char *stat, uint64_t *start);

/* Splits text into lines in place: returns the next line (its newline
 * cut off) and moves *cursor past it, or NULL at the end. */
char *bh_cg_next_line(char **cursor);

/* Parses a cgroup.procs listing into out (at most max); returns how many
 * pids the text holds (which may be more than max). */
size_t bh_cg_parse_pids(const char *text, pid_t *out, size_t max);

/*
 * Hooks for tests/unit/test_cgroup_live.c.
 */
struct bh_cgroup;

/* Makes bh_cgroup_kill() ignore cgroup.kill and use the freeze-and-kill
 * loop it falls back on for kernels before 5.14. */
void bh_cgroup_test_force_kill_loop(struct bh_cgroup *cg);

/* Like bh_cgroup_sweep(), but also removes cgroups of sessions of this very
 * process (a test that failed half-way).  Returns how many were removed. */
unsigned bh_cgroup_sweep_own(void);
