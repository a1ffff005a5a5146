/* SPDX-License-Identifier: MIT */
/*
 * Where credentials live: the table of credential locations of the tools
 * agents' users have (cloud CLIs, VCS, registries, package managers, the
 * agents themselves, browsers, keyrings, agent sockets) and the environment
 * variable names that carry credentials.  Pure data plus pure content
 * checks: no system calls, so the table is unit-tested without a HOME.
 *
 * The scanner (scan.c) expands each location against a HOME, XDG
 * directories and the caller's uid, and reports a finding when the place is
 * readable (a file whose content check passes, a directory tree) or
 * connectable (a socket) from where the scan runs.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

enum bh_inv_severity {
	BH_SEV_LOW = 1,
	BH_SEV_MEDIUM = 2,
	BH_SEV_HIGH = 3,
	BH_SEV_CRITICAL = 4,
};

/* What a location's path is relative to. */
enum bh_inv_base {
	BH_INV_HOME,	   /* $HOME */
	BH_INV_XDG_CONFIG, /* $XDG_CONFIG_HOME, else $HOME/.config */
	BH_INV_XDG_DATA,   /* $XDG_DATA_HOME, else $HOME/.local/share */
	BH_INV_XDG_CACHE,  /* $XDG_CACHE_HOME, else $HOME/.cache */
	BH_INV_RUNTIME,	   /* $XDG_RUNTIME_DIR, else /run/user/UID */
	BH_INV_ABS,	   /* an absolute path */
};

enum bh_inv_kind {
	/* A regular file; with `holds`, only when its content passes. */
	BH_INV_FILE,
	/* A directory whose regular files (to depth 3) are each checked with
	 * `holds` (NULL: every non-empty regular file counts), one finding
	 * per file that passes: ~/.ssh private keys, ~/.aws/sso/cache. */
	BH_INV_DIR,
	/* A directory reported once as a whole when it can be listed:
	 * browser profiles, keyrings, password stores. */
	BH_INV_TREE,
	/* A unix socket, reported when connect() succeeds. */
	BH_INV_SOCKET,
};

struct bh_cred_location {
	const char *id;	  /* stable rule id, e.g. "aws-credentials" */
	const char *tool; /* "AWS CLI" */
	enum bh_inv_base base;
	/* Relative to base (absolute for BH_INV_ABS).  "%u" stands for the
	 * numeric uid; the last component may end in '*' (a prefix match
	 * among that directory's entries, e.g. "/tmp/.X11-unix/X*"). */
	const char *path;
	enum bh_inv_kind kind;
	enum bh_inv_severity severity;
	const char *what; /* "AWS access keys", words for humans */
	const char *hint; /* the fix, one line */
	/* Does buf[0..len) (a file's first bytes, at most 1 MiB) hold a
	 * credential?  Sets *line to the 1-based line of the first one, or
	 * 0.  NULL: existence and readability are enough.  Pure; must not
	 * keep or print the bytes. */
	bool (*holds)(const char *buf, size_t len, unsigned *line);
};

/* The whole table; *n gets its length. */
const struct bh_cred_location *bh_cred_locations(size_t *n);

/* Environment variables that carry credentials or point at them, beyond
 * what the secret engine's name rules recognise (AWS_SESSION_TOKEN,
 * GOOGLE_APPLICATION_CREDENTIALS, KUBECONFIG, CI_JOB_TOKEN, ...). */
struct bh_cred_envvar {
	const char *name; /* exact; a trailing '*' is a prefix match */
	const char *tool;
	enum bh_inv_severity severity;
	const char *hint;
};
const struct bh_cred_envvar *bh_cred_envvars(size_t *n);
/* The table entry for variable `name`, or NULL. */
const struct bh_cred_envvar *bh_cred_envvar_find(const char *name);

/* "low", "medium", "high", "critical"; and back (-1 for anything else). */
const char *bh_severity_name(enum bh_inv_severity s);
int bh_severity_parse(const char *s);
