/* SPDX-License-Identifier: MIT */
/*
 * The one policy model (DESIGN.md decision 1).
 *
 * A profile (text, with includes and variables) is parsed into one
 * struct bh_policy.  Every tier compiles that same struct to its mechanism
 * and reports, rule by rule, what it enforced.  The struct is read-only for
 * everything outside src/policy: backends read the fields, only the parser
 * writes them.  Every rule carries the place it came from (file:line:col) so
 * a later stage can name it in an error or in the enforcement report.
 *
 * This module makes no system calls: profiles that are not built in reach
 * the parser through a caller-supplied reader (struct bh_profile_reader).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

/* Where a rule was written.  `file` points into the policy's own string
 * table (strtab) and lives as long as the policy; a rule without a place
 * (a default) has file == NULL. */
struct bh_loc {
	const char *file; /* "builtin:default", "/home/u/x.profile", ... */
	unsigned line;    /* 1-based */
	unsigned col;     /* 1-based, of the directive's first argument or word */
};

enum bh_tier_id {
	BH_TIER_UNSET = 0,
	BH_TIER_KERNEL,
	BH_TIER_NAMESPACE,
	BH_TIER_GVISOR,
	BH_TIER_MICROVM,
	BH_TIER_AUTO,
};
const char *bh_tier_name(enum bh_tier_id t);
/* Returns BH_TIER_UNSET for an unknown name. */
enum bh_tier_id bh_tier_from_name(const char *name);
/* Strength order: microvm > gvisor > namespace > kernel (auto/unset = 0). */
int bh_tier_strength(enum bh_tier_id t);

/*
 * Filesystem rules.  Paths are absolute and lexically normalised (no "."
 * or ".." components, no doubled or trailing slashes) after variable
 * expansion; symlinks are NOT resolved here (that needs system calls and is
 * done, safely, by the tier).
 *
 * Semantics: the most specific path wins.  On one path, grants (read,
 * write, exec) add up; hide removes all access; protect removes write
 * access (keeps what the enclosing grants give for reading and executing);
 * tmpfs puts an empty private writable directory there (tiers that cannot
 * mount report it degraded to hide).
 */
enum bh_path_op {
	BH_PATH_READ = 0,
	BH_PATH_WRITE,
	BH_PATH_EXEC,
	BH_PATH_HIDE,
	BH_PATH_PROTECT,
	BH_PATH_TMPFS,
};
const char *bh_path_op_name(enum bh_path_op op);

struct bh_path_rule {
	enum bh_path_op op;
	char *path;
	struct bh_loc loc;
};

/* Environment rules, applied in profile order (later wins). */
enum bh_env_op {
	BH_ENV_KEEP = 0,     /* pass NAME (or glob, e.g. LC_*) from the host */
	BH_ENV_SET,          /* set NAME=VALUE (value has variables expanded) */
	BH_ENV_UNSET,        /* drop NAME (or glob), also undoing an earlier keep/set */
	BH_ENV_ALLOW_UNSAFE, /* let NAME (or glob) through even when it injects
				code, redirects a tool or looks like a secret */
};
const char *bh_env_op_name(enum bh_env_op op);

struct bh_env_rule {
	enum bh_env_op op;
	char *name;  /* a name, or a glob with '*' for keep/unset/allow-unsafe */
	char *value; /* BH_ENV_SET only, else NULL */
	struct bh_loc loc;
};

/* Network.  `net none` (the default) or `net allow`/`net deny` host rules,
 * which need the egress proxy. */
struct bh_host_rule {
	bool allow;     /* false: deny (deny wins) */
	char *host;     /* lower-case; "*.example.com" wildcards allowed */
	unsigned port;  /* 0 = any port */
	struct bh_loc loc;
};

enum bh_limit_kind {
	BH_LIMIT_MEMORY = 0, /* bytes */
	BH_LIMIT_PIDS,       /* count of tasks */
	BH_LIMIT_CPU,        /* CPU bandwidth in milli-cores (1500 = 1.5 cores) */
	BH_LIMIT_CPUTIME,    /* CPU seconds of a process (RLIMIT_CPU) */
	BH_LIMIT_TIME,       /* wall clock of the session, milliseconds */
	BH_LIMIT_FSIZE,      /* largest file, bytes */
	BH_LIMIT_NOFILE,     /* open files per process */
	BH_LIMIT__COUNT,
};
const char *bh_limit_name(enum bh_limit_kind k);
/* A limit's value as the profile language writes it ("4G", "30m", "1.5").
 * Caller frees. */
char *bh_limit_to_text(enum bh_limit_kind k, uint64_t v);

struct bh_limit_rule {
	bool set;
	uint64_t value;
	struct bh_loc loc;
};

/* Changes to the default syscall filter. */
struct bh_syscall_rule {
	bool allow;  /* true: remove from the deny list; false: add to it */
	char *name;  /* syscall name as libseccomp knows it, or a group "@ptrace" */
	struct bh_loc loc;
};

/*
 * Command rules (docs/commands.md): `command allow|ask|deny PROGRAM
 * [ARG-PATTERN...]` and `command default allow|ask|deny`, decided by
 * src/cmdpolicy.  PROGRAM is a bare name (looked up in PATH) or an
 * absolute, normalised path; each ARG-PATTERN is an fnmatch(3) glob for
 * one argument, in order, matching a prefix of the argument list, and
 * `**` matches any run of arguments (none included).
 */
enum bh_cmd_decision {
	BH_CMD_ALLOW = 0,
	BH_CMD_ASK = 1,
	BH_CMD_DENY = 2,
};

struct bh_cmd_rule {
	enum bh_cmd_decision decision;
	char *program;
	char **args; /* the ARG-PATTERNs, NULL-terminated (NULL when none) */
	size_t n_args;
	struct bh_loc loc;
};

enum bh_home_mode {
	BH_HOME_PRIVATE = 0, /* an empty per-session HOME (the default) */
	BH_HOME_HOST,        /* HOME stays the host's; access still per rules */
};

enum bh_ws_mode {
	BH_WS_DIRECT = 0, /* the workspace itself is writable (the default) */
	BH_WS_OVERLAY,    /* writes go to an overlay kept for review */
};

struct bh_policy {
	char *name; /* of the top profile: "default", "/path/x.profile" */

	struct bh_path_rule *paths;
	size_t n_paths;

	struct bh_env_rule *env;
	size_t n_env;

	bool net_declared;  /* a `net` directive appeared */
	struct bh_loc net_loc; /* of the last `net none` or first allow */
	bool net_unix;      /* `net unix`: allow creating AF_UNIX sockets */
	struct bh_loc net_unix_loc;
	struct bh_host_rule *hosts;
	size_t n_hosts;

	struct bh_limit_rule limits[BH_LIMIT__COUNT];

	struct bh_syscall_rule *syscalls;
	size_t n_syscalls;

	struct bh_cmd_rule *cmd_rules; /* in profile order */
	size_t n_cmd_rules;
	bool cmd_default_set; /* a `command default` line appeared */
	enum bh_cmd_decision cmd_default; /* BH_CMD_ASK when not set */
	struct bh_loc cmd_default_loc;

	enum bh_tier_id tier; /* BH_TIER_UNSET when the profile does not say */
	struct bh_loc tier_loc;
	enum bh_tier_id min_tier;
	struct bh_loc min_tier_loc;
	bool strict;
	struct bh_loc strict_loc;
	enum bh_home_mode home;
	struct bh_loc home_loc;
	enum bh_ws_mode ws_mode;
	struct bh_loc ws_mode_loc;

	/* Profiles read, in the order first seen ("builtin:default", paths). */
	char **sources;
	size_t n_sources;

	/* Owned strings that bh_loc.file points into. */
	char **strtab;
	size_t n_strtab;
};

/* Values of ${WORKSPACE}, ${HOME}, ${TMPDIR}.  All absolute. */
struct bh_policy_vars {
	const char *workspace; /* the workspace directory */
	const char *home;      /* the host user's real home */
	const char *tmpdir;    /* the session's private temporary directory */
};

/*
 * Reads a profile that is not built in.  `name` is what the user or an
 * `include` wrote (an absolute path, or a bare name for the per-user profile
 * directory; the reader decides).  On success sets *text (caller frees) and
 * *display (caller frees; the name used in error locations, normally the
 * absolute path) and returns 0; on failure fills err (ENOENT when there is no
 * such profile).  The parser sees text only up to its first NUL byte, so a
 * reader must refuse a file that holds one (rules after it would be
 * silently dropped).  Names never reach a reader relative: an include is
 * either absolute or a bare name ([A-Za-z0-9_.-], no leading dot), which
 * the reader looks up in ~/.config/bulkhead/profiles/NAME.profile.
 */
struct bh_profile_reader {
	int (*read)(void *ctx, const char *name, char **text, char **display,
		    struct bh_error **err);
	void *ctx;
};

/*
 * Loads the profile `spec`: a built-in name, else what `reader` finds.
 * Includes are resolved the same way (built-ins first, then the reader for
 * bare names and absolute paths; relative paths are errors), cycle-safe,
 * to a depth of 16; a profile included twice is read once.
 * An error inside an included profile is located there and names the
 * include chain: "/a.profile:3:1: unknown directive 'raed' (included from
 * /b.profile:1:9, t.profile:2:9)".
 * Caller frees *out with bh_policy_free().  Errors are BH_EK_PROFILE with the
 * message "file:line:col: message" and a hint.
 */
int bh_policy_load(const char *spec, const struct bh_policy_vars *vars,
		   const struct bh_profile_reader *reader,
		   struct bh_policy **out, struct bh_error **err);

/* Parses profile text given directly (used by tests and the fuzzer).
 * `display` names it in errors.  reader may be NULL (then only built-in
 * includes work). */
int bh_policy_parse(const char *display, const char *text, size_t len,
		    const struct bh_policy_vars *vars,
		    const struct bh_profile_reader *reader,
		    struct bh_policy **out, struct bh_error **err);

void bh_policy_free(struct bh_policy *p);

/* Built-in profiles. */
struct bh_builtin_profile {
	const char *name;
	const char *summary; /* one line */
	const char *text;
};
/* NULL-terminated by a zero entry. */
const struct bh_builtin_profile *bh_builtin_profiles(void);
const struct bh_builtin_profile *bh_builtin_find(const char *name);

/*
 * The effective policy as profile text, canonical: one directive per line,
 * each followed by "  # file:line:col".  Stable for a given policy, so its
 * SHA-256 is the profile hash of the audit log.  Caller frees.
 */
char *bh_policy_dump(const struct bh_policy *p, bool with_locations);

/* The effective policy as a JSON object (a json_t *, see <jansson.h>);
 * caller owns the reference.  Declared void * so this header does not pull
 * in jansson. */
void *bh_policy_to_json(const struct bh_policy *p);

/* SHA-256 (hex, 64 chars + NUL) of bh_policy_dump(p, false). */
void bh_policy_hash(const struct bh_policy *p, char out[65]);

/* Lexical normalisation of an absolute path: collapses "//", removes "."
 * and trailing "/".  Returns NULL (and sets *why) for a relative path, a
 * ".." component, an empty path, or a control byte.  Caller frees. */
char *bh_path_normalize(const char *path, const char **why);
