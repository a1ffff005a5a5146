/* SPDX-License-Identifier: MIT */
/*
 * Internals of the command checker, shared by src/cmdpolicy/cmd*.c only.
 *
 * cmdrules.c walks the parsed tree and decides each simple command:
 * profile rules, then the built-in knowledge of cmdknow*.c, then the
 * default.  The knowledge sees a command as a struct cmd_argv and says
 * what it knows through a struct kctx: k_note() for a judgement about
 * this command, k_wrap() and k_shell() for the commands it runs (`env X`,
 * `sh -c STRING`), which become findings of their own.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "cmdpolicy/cmdrules.h"
#include "cmdpolicy/shparse.h"

#define CMD_NONE ((size_t)-1)

/* One word of a command, as the knowledge sees it. */
struct cmd_arg {
	const char *s;	 /* the value when static, else NULL */
	const char *raw; /* the source text */
	/* Cannot expand to a word that starts with '-': static and not an
	 * option, or a dynamic word whose first part is literal text. */
	bool optsafe;
};

struct cmd_argv {
	struct cmd_arg *a; /* a[0] is the program */
	size_t n;
};

/* What the knowledge concluded about one command, strictest kept. */
enum kclass { KN_UNKNOWN = 0, KN_ALLOW, KN_ASK, KN_DENY };

struct kres {
	enum kclass cls;
	/* A form: an argument form that executes code or redirects an
	 * effect.  A rule that allows or asks overrides it only when one of
	 * its patterns names argument `arg` (cmdrules.h step 2). */
	bool form;
	size_t arg;	    /* index in the argv, or CMD_NONE */
	const char *rule;   /* "builtin: find -exec" (static) */
	const char *reason; /* static */
};

struct cmd_check; /* one bh_cmd_check() call, in cmdrules.c */

#define K_MAX_FORMS 16

struct kctx {
	struct cmd_check *ck;
	const struct cmd_argv *av;
	const char *name; /* the program as the knowledge knows it */
	struct kres res;
	/* Every form noted (a rule must name each one that is stricter
	 * than the rule); `lost` when there were more than fit. */
	struct kres forms[K_MAX_FORMS];
	size_t n_forms;
	bool lost;
	/* Where the arguments start once the program's global options are
	 * left out (git -C dir status: 3), for rule matching; 1 without. */
	size_t sub;
};

/* Records a judgement; the strictest one wins, a form over a plain one
 * of the same class. */
void k_note(struct kctx *k, enum kclass cls, bool form, size_t arg,
	    const char *rule, const char *reason);
/* av->a[from..] is a command this one runs: decided as its own finding. */
void k_wrap(struct kctx *k, size_t from);
/* av->a[arg] (from byte `skip` on) is shell code this command runs:
 * parsed and decided when static, else denied; arg past the end: code
 * read from the input, denied. */
void k_shell(struct kctx *k, size_t arg, size_t skip);
/* The same for code put together from several words (`eval a b`,
 * `watch a b`): text, or NULL when some part is dynamic. */
void k_shell_text(struct kctx *k, size_t arg, const char *text);
/* av->a[from..] plus one word read from the input that may be anything
 * (xargs appends such words): decided as its own finding. */
void k_wrap_input(struct kctx *k, size_t from, bool append_input);
/* av->a[arg] is (or holds, after `skip` bytes) a path the command
 * writes: denied outside the writable places or on a protected name,
 * asked when dynamic. */
void k_write(struct kctx *k, size_t arg, size_t skip);
/* A word that starts in the home directory: ~, $HOME, "${HOME}... */
bool k_home_word(const char *raw);
/* The same for a path found inside an argument (sed's `w FILE`). */
void k_write_path(struct kctx *k, size_t arg, const char *path);
/* `cd DIR` (NULL: computed, or none given): whether it stays in the
 * workspace; later relative paths are judged from every directory a cd
 * may have led to. */
enum kclass k_chdir(struct kctx *k, const char *dir);

/* Option scanning.  An option table lists the options that matter; the
 * others are taken as flags without a value. */
enum {
	KO_ARG = 1 << 0,   /* takes a value (next word, or attached) */
	KO_DENY = 1 << 1,  /* a form that runs code or redirects effects */
	KO_ASK = 1 << 2,   /* asks */
	KO_WRITE = 1 << 3, /* the value is a path written to */
	KO_CODE = 1 << 4,  /* the value is shell code (checked) */
};

struct kopt {
	const char *name; /* "-x", "--exec" (long ones also match "--exec=") */
	unsigned flags;
	const char *rule;
	const char *reason;
	/* Judges the value (KO_ARG): value is NULL when dynamic; val is the
	 * index of the word that holds it. */
	void (*check)(struct kctx *k, size_t val, const char *value);
};

/* What k_scan() found. */
struct kscan {
	size_t pos[64]; /* indices of positional words, in order */
	size_t n_pos;	/* may exceed 64: then only the first 64 are kept */
	bool dashdash;	/* a `--` was seen */
};

enum {
	KS_POSIX = 1 << 0,  /* options end at the first positional word */
	KS_SINGLE = 1 << 1, /* long options have one dash (find -exec) */
	KS_DYNOPT = 1 << 2, /* a dynamic word that could be an option asks */
};

/* Scans av->a[from..] with the table; notes KO_DENY/KO_ASK options,
 * checks KO_WRITE and KO_CODE values.  Fills *ks. */
void k_scan(struct kctx *k, size_t from, const struct kopt *opts, size_t n_opts,
	    const char *valued, unsigned mode, struct kscan *ks);
#define SCAN(k, from, opts, valued, mode, ks)                                  \
	k_scan(k, from, opts, sizeof(opts) / sizeof((opts)[0]), valued, mode,  \
	       ks)
#define SCANV(k, from, valued, mode, ks)                                       \
	k_scan(k, from, NULL, 0, valued, mode, ks)
/* Notes the command as read-only, for `why`. */
void k_allow(struct kctx *k, const char *why);
/* True when the option word `w` (static) is opt: exact, "opt=...", or a
 * long option's unambiguous-looking prefix (at least 4 bytes, GNU
 * getopt takes those). */
bool k_optmatch(const char *w, const char *opt);
/* The first positional word at or after `from`, skipping options (and
 * the values of those in `with_value`); sets k->sub to it.  CMD_NONE
 * when there is none. */
size_t k_subcommand(struct kctx *k, size_t from, const char *const *with_value,
		    size_t n);
/* The static value of word i, or "" when dynamic or out of range. */
const char *k_s(const struct kctx *k, size_t i);

/* The knowledge of one program.  cmdknow.c holds the table. */
struct kprog {
	const char *name;
	void (*fn)(struct kctx *k);
	enum kclass cls; /* for entries without fn */
	const char *reason;
};
/* The entry for a program name, or NULL. */
const struct kprog *k_lookup(const char *name);
/* Runs the knowledge for k->name (k->res stays KN_UNKNOWN when none). */
void k_decide(struct kctx *k);
/* A variable whose value changes what later commands run (PATH, LD_*,
 * BASH_ENV, GIT_*, ...), given its value when static (else NULL). */
bool k_dangerous_var(const char *name, const char *value);

/* cmdknow_text.c, cmdknow_sh.c */
void k_sed(struct kctx *k);
void k_awk(struct kctx *k);
void k_env(struct kctx *k);
void k_timeout(struct kctx *k);
void k_wrapper(struct kctx *k);
void k_time(struct kctx *k);
void k_taskset(struct kctx *k);
void k_xargs(struct kctx *k);
void k_watch(struct kctx *k);
void k_flock(struct kctx *k);
void k_script(struct kctx *k);
void k_busybox(struct kctx *k);
void k_shell_prog(struct kctx *k);
void k_eval(struct kctx *k);
void k_source(struct kctx *k);
void k_declare(struct kctx *k);
void k_set(struct kctx *k);
void k_trap(struct kctx *k);
void k_enable(struct kctx *k);
void k_hash(struct kctx *k);
void k_alias(struct kctx *k);
void k_cd(struct kctx *k);
void k_query_or_ask(struct kctx *k);
void k_assigning(struct kctx *k);
void k_sudo(struct kctx *k);
void k_hostname(struct kctx *k);

/* Analyzers in cmdknow_dev.c (toolchains, network, containers). */
void k_git(struct kctx *k);
void k_npm(struct kctx *k);
void k_npx(struct kctx *k);
void k_pip(struct kctx *k);
void k_uv(struct kctx *k);
void k_cargo(struct kctx *k);
void k_go(struct kctx *k);
void k_make(struct kctx *k);
void k_docker(struct kctx *k);
void k_kubectl(struct kctx *k);
void k_gh(struct kctx *k);
void k_curl(struct kctx *k);
void k_wget(struct kctx *k);
void k_ssh(struct kctx *k);
void k_rsync(struct kctx *k);
void k_tar(struct kctx *k);
void k_zip(struct kctx *k);
void k_interp(struct kctx *k);
void k_terraform(struct kctx *k);
