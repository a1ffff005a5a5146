/* SPDX-License-Identifier: MIT */
/*
 * Built-in knowledge of wrappers, shells and shell built-ins.
 *
 * What it defends against: a command hidden inside another one (env,
 * timeout, nice, xargs, watch, flock, busybox, `sh -c STRING`, eval:
 * threats.md J.84) — each wrapped command is decided on its own — and
 * built-ins that change what later commands run (alias, functions,
 * export of PATH or LD_PRELOAD, hash -p, enable -f, trap: J.85).  Shell
 * code that is computed at run time, or read from the input, is denied:
 * it is not in the string a person approves.
 */
#include <string.h>

#include "cmdpolicy/cmdint.h"
#include "core/strbuf.h"
#include "core/util.h"

/* NAME=VALUE words: the dangerous ones are denied. */
static bool assignment_word(struct kctx *k, size_t i)
{
	/* A dynamic word is read from its source: `PATH=/x:$PATH`. */
	const char *v = k->av->a[i].s;
	const char *s = v ? v : k->av->a[i].raw;
	const char *eq = strchr(s, '=');
	if (!eq || eq == s)
		return false;
	for (const char *c = s; c < eq; c++)
		if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
		      (*c >= '0' && *c <= '9') || *c == '_'))
			return false;
	cleanup_free char *name = bh_xstrndup(s, (size_t)(eq - s));
	if (k_dangerous_var(name, v ? eq + 1 : NULL))
		k_note(k, KN_DENY, true, i, "builtin: assignment",
		       "assigns a variable that changes what commands run "
		       "(PATH, LD_*, BASH_ENV, GIT_*, ...)");
	return true;
}

/* Words naming variables a built-in assigns (read, printf -v, ...). */
static void var_name_arg(struct kctx *k, size_t i)
{
	if (i >= k->av->n)
		return;
	const char *s = k->av->a[i].s;
	if (!s) {
		k_note(k, KN_ASK, true, i, "builtin: assignment",
		       "assigns a variable whose name is computed at run "
		       "time");
		return;
	}
	cleanup_free char *name = bh_xstrndup(s, strcspn(s, "=[+"));
	if (k_dangerous_var(name, NULL))
		k_note(k, KN_DENY, true, i, "builtin: assignment",
		       "assigns a variable that changes what commands run "
		       "(PATH, LD_*, BASH_ENV, GIT_*, ...)");
}

/* Wrappers. */

static const struct kopt env_opts[] = {
    {"-S", KO_ARG | KO_CODE, NULL, NULL, NULL},
    {"--split-string", KO_ARG | KO_CODE, NULL, NULL, NULL},
    {"-P", KO_ARG | KO_DENY, "builtin: env -P",
     "looks the program up in another PATH", NULL},
};
static const char env_opts_valued[] = "-u --unset -C --chdir";

void k_env(struct kctx *k)
{
	struct kscan ks;
	k_note(k, KN_ALLOW, false, CMD_NONE, "builtin: wrapper",
	       "runs a command with a changed environment");
	SCAN(k, 1, env_opts, env_opts_valued, KS_POSIX | KS_DYNOPT, &ks);
	size_t i = 0;
	while (i < ks.n_pos && i < 64 && assignment_word(k, ks.pos[i]))
		i++;
	if (i < ks.n_pos && i < 64) {
		k_wrap(k, ks.pos[i]);
		return;
	}
	bool split = false;
	for (size_t j = 1; j < k->av->n; j++)
		split |= strcmp(k_s(k, j), "-S") == 0 ||
			 k_optmatch(k_s(k, j), "--split-string");
	if (!split)
		k_note(k, KN_ASK, false, CMD_NONE,
		       "builtin: prints the environment",
		       "prints environment variables, which may hold secrets");
}

/* A wrapper: options (table, and those taking a value), `skip`
 * positional words of its own, then the command it runs. */
static void wrap_after(struct kctx *k, const struct kopt *opts, size_t n,
		       const char *valued, size_t skip)
{
	struct kscan ks;
	k_note(k, KN_ALLOW, false, CMD_NONE, "builtin: wrapper",
	       "runs the command that follows");
	k_scan(k, 1, opts, n, valued, KS_POSIX | KS_DYNOPT, &ks);
	if (ks.n_pos > skip && skip < 64)
		k_wrap(k, ks.pos[skip]);
}

static const char timeout_opts_valued[] = "-s --signal -k --kill-after";

void k_timeout(struct kctx *k)
{
	wrap_after(k, NULL, 0, timeout_opts_valued, 1);
}

static const char nice_opts_valued[] =
    "-n --adjustment -c --class -i -o -e --input --output "
    "--error -w -E -a";

/* nice, nohup, stdbuf, ionice, setsid, command, builtin, exec, busybox,
 * strace: a command follows their options. */
void k_wrapper(struct kctx *k)
{
	/* `command -v X` and `command -V X` only look X up. */
	if (strcmp(k->name, "command") == 0)
		for (size_t i = 1; i < k->av->n && k_s(k, i)[0] == '-'; i++)
			if (strchr(k_s(k, i), 'v') || strchr(k_s(k, i), 'V')) {
				k_note(k, KN_ALLOW, false, CMD_NONE,
				       "builtin: read-only",
				       "looks a command up");
				return;
			}
	wrap_after(k, NULL, 0, nice_opts_valued, 0);
}

static const struct kopt time_opts[] = {
    {"-o", KO_ARG | KO_WRITE, NULL, NULL, NULL},
    {"--output", KO_ARG | KO_WRITE, NULL, NULL, NULL},
};
static const char time_opts_valued[] = "-f --format";

void k_time(struct kctx *k)
{
	wrap_after(k, time_opts, BH_ARRAY_SIZE(time_opts), time_opts_valued, 0);
}

void k_taskset(struct kctx *k)
{
	for (size_t i = 1; i < k->av->n; i++)
		if (k_s(k, i)[0] == '-' && strchr(k_s(k, i), 'p')) {
			k_note(k, KN_ALLOW, false, CMD_NONE,
			       "builtin: read-only", "shows CPU affinity");
			return;
		}
	wrap_after(k, NULL, 0, "-c --cpu-list", 1);
}

static const char xargs_opts_valued[] =
    "-a --arg-file -d --delimiter -E -I -L --max-lines -n "
    "--max-args -P --max-procs -s --max-chars "
    "--process-slot-var";

/* Programs that run the code they are given as an argument. */
static bool runs_code_arg(const char *name)
{
	static const char *const code[] = {
	    "sh",   "bash", "zsh",    "dash",	 "ksh",	    "mksh",   "ash",
	    "fish", "eval", "python", "python3", "python2", "node",   "perl",
	    "ruby", "php",  "lua",    "awk",	 "gawk",    "mawk",   "nawk",
	    "sed",  "deno", "bun",    "Rscript", "tclsh",   "busybox"};
	for (size_t i = 0; i < BH_ARRAY_SIZE(code); i++)
		if (strcmp(name, code[i]) == 0)
			return true;
	return false;
}

/*
 * xargs runs its command with words read from its input appended, or
 * put in place of a marker (-I).  Those words are unknown: the command
 * is checked with one unknown word appended (so a program whose options
 * run code asks), and input substituted into code is denied.
 */
void k_xargs(struct kctx *k)
{
	struct kscan ks;
	const char *repl = NULL;
	k_note(k, KN_ALLOW, false, CMD_NONE, "builtin: wrapper",
	       "runs its command with its input as arguments");
	SCANV(k, 1, xargs_opts_valued, KS_POSIX | KS_DYNOPT, &ks);
	for (size_t i = 1; i < k->av->n; i++) {
		const char *s = k_s(k, i);
		if (s[0] != '-')
			break;
		if (strcmp(s, "-I") == 0)
			repl = k_s(k, ++i);
		else if (strncmp(s, "-I", 2) == 0)
			repl = s + 2;
		else if (strncmp(s, "-i", 2) == 0 || k_optmatch(s, "--replace"))
			repl = strchr(s, '=')	     ? strchr(s, '=') + 1
			       : s[1] == 'i' && s[2] ? s + 2
						     : "{}";
	}
	if (ks.n_pos == 0 || ks.n_pos > 64)
		return;
	size_t cmd = ks.pos[0];
	const char *prog = k_s(k, cmd);
	const char *base = strrchr(prog, '/') ? strrchr(prog, '/') + 1 : prog;
	if (repl && repl[0])
		for (size_t i = cmd + 1; i < k->av->n; i++)
			if (strstr(k_s(k, i), repl) && runs_code_arg(base)) {
				k_note(k, KN_DENY, true, i,
				       "builtin: xargs -I into code",
				       "puts its input into code that a "
				       "shell or interpreter runs");
				return;
			}
	k_wrap_input(k, cmd, !repl);
}

void k_watch(struct kctx *k)
{
	static const char opts_valued[] = "-n --interval -q --equexit";
	struct kscan ks;
	k_note(k, KN_ALLOW, false, CMD_NONE, "builtin: wrapper",
	       "runs a command repeatedly");
	SCANV(k, 1, opts_valued, KS_POSIX | KS_DYNOPT, &ks);
	if (ks.n_pos == 0 || ks.n_pos > 64)
		return;
	bool exec = false;
	for (size_t i = 1; i < ks.pos[0]; i++)
		exec |= strcmp(k_s(k, i), "-x") == 0 ||
			strcmp(k_s(k, i), "--exec") == 0;
	if (exec) {
		k_wrap(k, ks.pos[0]);
		return;
	}
	/* Without -x, watch joins its words and gives them to sh -c. */
	struct bh_strbuf sb = BH_STRBUF_INIT;
	bool dynamic = false;
	for (size_t i = ks.pos[0]; i < k->av->n; i++) {
		dynamic |= !k->av->a[i].s;
		bh_strbuf_printf(&sb, "%s%s", i > ks.pos[0] ? " " : "",
				 k_s(k, i));
	}
	k_shell_text(k, ks.pos[0], dynamic ? NULL : sb.buf ? sb.buf : "");
	bh_strbuf_release(&sb);
}

void k_flock(struct kctx *k)
{
	static const struct kopt opts[] = {
	    {"-c", KO_ARG | KO_CODE, NULL, NULL, NULL},
	    {"--command", KO_ARG | KO_CODE, NULL, NULL, NULL},
	};
	static const char opts_valued[] =
	    "-w --timeout -E --conflict-exit-code";
	struct kscan ks;
	k_note(k, KN_ALLOW, false, CMD_NONE, "builtin: wrapper",
	       "runs a command holding a lock");
	SCAN(k, 1, opts, opts_valued, KS_DYNOPT, &ks);
	if (ks.n_pos > 1 && ks.n_pos <= 64)
		k_wrap(k, ks.pos[1]);
}

void k_script(struct kctx *k)
{
	static const struct kopt opts[] = {
	    {"-c", KO_ARG | KO_CODE, NULL, NULL, NULL},
	    {"--command", KO_ARG | KO_CODE, NULL, NULL, NULL},
	    {"-T", KO_ARG | KO_WRITE, NULL, NULL, NULL},
	    {"-I", KO_ARG | KO_WRITE, NULL, NULL, NULL},
	    {"-O", KO_ARG | KO_WRITE, NULL, NULL, NULL},
	};
	static const char opts_valued[] = "-t";
	struct kscan ks;
	bool cmd = false;
	for (size_t i = 1; i < k->av->n; i++)
		cmd |= strcmp(k_s(k, i), "-c") == 0 ||
		       k_optmatch(k_s(k, i), "--command");
	k_note(k, cmd ? KN_ALLOW : KN_DENY, !cmd, CMD_NONE, "builtin: script",
	       cmd ? "records a command's output"
		   : "starts an interactive shell");
	SCAN(k, 1, opts, opts_valued, KS_DYNOPT, &ks);
	for (size_t i = 0; i < ks.n_pos && i < 64; i++)
		k_write(k, ks.pos[i], 0);
}

void k_busybox(struct kctx *k)
{
	k_note(k, KN_ALLOW, false, CMD_NONE, "builtin: wrapper",
	       "runs one of its applets");
	if (k->av->n > 1)
		k_wrap(k, 1);
}

/* Shells. */

/*
 * sh -c STRING is checked as the commands in STRING; a script file asks;
 * a shell reading commands from its input (no operand, -s, -i) runs
 * what this check cannot see, and is denied.
 */
void k_shell_prog(struct kctx *k)
{
	const struct cmd_argv *av = k->av;
	bool saw_c = false;
	for (size_t i = 1; i < av->n; i++) {
		const char *s = k_s(k, i);
		if (!av->a[i].s && !av->a[i].optsafe) {
			k_note(k, KN_DENY, true, i,
			       saw_c ? "builtin: shell code" : "builtin: shell",
			       saw_c ? "runs shell code computed at run time"
				     : "a shell option computed at run time");
			return;
		}
		if (strcmp(s, "--") == 0 || strcmp(s, "-") == 0) {
			if (!saw_c && i + 1 >= av->n)
				break;
			if (!saw_c)
				goto script;
			continue;
		}
		if (strcmp(s, "--version") == 0 || strcmp(s, "--help") == 0) {
			k_note(k, KN_ALLOW, false, i, "builtin: read-only",
			       "prints the shell's version");
			return;
		}
		if ((s[0] == '-' || s[0] == '+') && s[1]) {
			if (s[1] == '-' && strcmp(s, "--norc") != 0 &&
			    strcmp(s, "--noprofile") != 0 &&
			    strcmp(s, "--posix") != 0 &&
			    strcmp(s, "--login") != 0) {
				k_note(k, KN_DENY, true, i, "builtin: shell",
				       "a shell option this check does not "
				       "know");
				return;
			}
			if (s[1] != '-' && strpbrk(s + 1, "si")) {
				k_note(k, KN_DENY, true, i, "builtin: shell",
				       "an interactive shell, or one reading "
				       "commands from its input");
				return;
			}
			if (s[1] != '-' && strchr(s + 1, 'o'))
				i++; /* -o OPTION */
			if (s[1] != '-' && strchr(s + 1, 'c'))
				saw_c = true;
			continue;
		}
		if (saw_c) {
			k_note(k, KN_ALLOW, false, CMD_NONE,
			       "builtin: shell -c",
			       "runs the commands in its string, each "
			       "checked");
			k_shell(k, i, 0);
			return;
		}
		goto script;
	}
	k_note(k, KN_DENY, true, CMD_NONE, "builtin: shell",
	       saw_c ? "sh -c without a command string"
		     : "an interactive shell, or one reading commands from "
		       "its input, which this check cannot see");
	return;
script:
	k_note(k, KN_ASK, false, CMD_NONE, "builtin: shell script",
	       "runs a script file: code this check does not read");
}

/* Shell built-ins. */

void k_eval(struct kctx *k)
{
	struct bh_strbuf sb = BH_STRBUF_INIT;
	bool dynamic = false;
	k_note(k, KN_ALLOW, false, CMD_NONE, "builtin: eval",
	       "runs its arguments as shell code, each command checked");
	for (size_t i = 1; i < k->av->n; i++) {
		dynamic |= !k->av->a[i].s;
		bh_strbuf_printf(&sb, "%s%s", i > 1 ? " " : "", k_s(k, i));
	}
	k_shell_text(k, 1, dynamic ? NULL : sb.buf ? sb.buf : "");
	bh_strbuf_release(&sb);
}

void k_source(struct kctx *k)
{
	k_note(k, KN_ASK, false, CMD_NONE, "builtin: source",
	       "runs a file's commands in this shell");
}

/* export, declare, typeset, local, readonly. */
void k_declare(struct kctx *k)
{
	bool func = false, any = false;
	k_note(k, KN_ALLOW, false, CMD_NONE, "builtin: assignment",
	       "sets shell variables");
	for (size_t i = 1; i < k->av->n; i++) {
		const char *s = k_s(k, i);
		if (!k->av->a[i].s) {
			any = true;
			if (!assignment_word(k, i))
				var_name_arg(k, i);
			continue;
		}
		if (s[0] == '-' || s[0] == '+') {
			func |= strchr(s, 'f') != NULL;
			continue;
		}
		any = true;
		if (!assignment_word(k, i))
			var_name_arg(k, i);
	}
	if (func && strcmp(k->name, "export") == 0)
		k_note(k, KN_DENY, true, CMD_NONE, "builtin: export -f",
		       "exports a function to every shell started later");
	if (!any && !func)
		k_note(k, KN_ASK, false, CMD_NONE,
		       "builtin: prints the environment",
		       "prints shell variables, which may hold secrets");
}

void k_set(struct kctx *k)
{
	static const char *const safe_o[] = {"errexit",	  "nounset", "pipefail",
					     "xtrace",	  "verbose", "noglob",
					     "noclobber", "posix"};
	if (k->av->n == 1) {
		k_note(k, KN_ASK, false, CMD_NONE,
		       "builtin: prints the environment",
		       "prints shell variables, which may hold secrets");
		return;
	}
	k_note(k, KN_ALLOW, false, CMD_NONE, "builtin: set",
	       "sets shell options for error handling and tracing");
	for (size_t i = 1; i < k->av->n; i++) {
		const char *s = k_s(k, i);
		if (strcmp(s, "--") == 0 || (s[0] != '-' && s[0] != '+'))
			return; /* positional parameters */
		if (s[1] == 'o' && s[2] == '\0') {
			bool ok = false;
			for (size_t j = 0; j < BH_ARRAY_SIZE(safe_o); j++)
				ok |= strcmp(k_s(k, i + 1), safe_o[j]) == 0;
			if (!ok && i + 1 < k->av->n)
				k_note(k, KN_ASK, false, i + 1,
				       "builtin: set -o",
				       "changes how the shell runs later "
				       "commands");
			i++;
			continue;
		}
		if (s[strspn(s + 1, "euxvfCnho") + 1] != '\0')
			k_note(k, KN_ASK, false, i, "builtin: set",
			       "changes how the shell runs later commands");
	}
}

void k_trap(struct kctx *k)
{
	const char *s = k_s(k, 1);
	if (k->av->n == 1 || strcmp(s, "-p") == 0 || strcmp(s, "-l") == 0 ||
	    strcmp(s, "-") == 0 || (k->av->a[1].s && s[0] == '\0')) {
		k_note(k, KN_ALLOW, false, CMD_NONE, "builtin: trap",
		       "lists or resets traps");
		return;
	}
	k_note(k, KN_ASK, false, CMD_NONE, "builtin: trap",
	       "sets code to run later, on a signal or at exit");
	k_shell(k, 1, 0);
}

void k_enable(struct kctx *k)
{
	bool list = k->av->n == 1 ||
		    (k->av->n == 2 &&
		     (!strcmp(k_s(k, 1), "-p") || !strcmp(k_s(k, 1), "-a")));
	k_note(k, list ? KN_ALLOW : KN_DENY, !list, 1, "builtin: enable",
	       list ? "lists built-ins"
		    : "enables, disables or loads (-f) shell built-ins");
}

void k_hash(struct kctx *k)
{
	for (size_t i = 1; i < k->av->n; i++)
		if (k_s(k, i)[0] == '-' && strchr(k_s(k, i), 'p')) {
			k_note(k, KN_DENY, true, i, "builtin: hash -p",
			       "makes a command name run another file");
			return;
		}
	k_note(k, KN_ALLOW, false, CMD_NONE, "builtin: hash",
	       "remembers where commands are");
}

void k_alias(struct kctx *k)
{
	for (size_t i = 1; i < k->av->n; i++)
		if (!k->av->a[i].s || strchr(k_s(k, i), '=')) {
			k_note(k, KN_DENY, true, i, "builtin: alias",
			       "defines an alias: a command name that runs "
			       "something else");
			return;
		}
	k_note(k, KN_ALLOW, false, CMD_NONE, "builtin: alias", "lists aliases");
}

void k_cd(struct kctx *k)
{
	const char *dir = NULL;
	bool pop = strcmp(k->name, "popd") == 0;
	for (size_t i = 1; i < k->av->n && !pop; i++) {
		const char *s = k_s(k, i);
		if (k->av->a[i].s && s[0] == '-' && s[1])
			continue;
		dir = k->av->a[i].s && strcmp(s, "-") != 0 ? s : NULL;
		break;
	}
	enum kclass c = k_chdir(k, dir);
	k_note(k, c, false, CMD_NONE, "builtin: cd",
	       c == KN_ALLOW ? "changes directory within the workspace"
			     : "changes directory out of the workspace, or "
			       "to a place not known before it runs");
}

void k_query_or_ask(struct kctx *k)
{
	bool query = k->av->n == 1;
	for (size_t i = 1; i < k->av->n; i++)
		query |= strcmp(k_s(k, i), "-p") == 0 ||
			 strcmp(k_s(k, i), "-S") == 0 ||
			 strcmp(k_s(k, i), "-q") == 0;
	k_note(k, query ? KN_ALLOW : KN_ASK, false, CMD_NONE,
	       "builtin: shell state",
	       query ? "shows shell settings"
		     : "changes settings of the shell for later commands");
}

/* read, mapfile, readarray, getopts, printf -v: the names they assign. */
void k_assigning(struct kctx *k)
{
	k_note(k, KN_ALLOW, false, CMD_NONE, "builtin: read-only",
	       "reads input into variables");
	bool printf_v = strcmp(k->name, "printf") == 0;
	for (size_t i = 1; i < k->av->n; i++) {
		const char *s = k_s(k, i);
		if (printf_v) {
			if (strcmp(s, "-v") == 0)
				var_name_arg(k, i + 1);
			if (s[0] != '-')
				return;
			continue;
		}
		if (s[0] == '-') {
			/* Options with a value: -d DELIM, -n N, -p PROMPT,
			 * -t SECS, -u FD, -C CALLBACK (mapfile: code). */
			if (strcmp(s, "-C") == 0)
				k_note(k, KN_DENY, true, i,
				       "builtin: mapfile -C",
				       "runs a callback while reading");
			if (strpbrk(s, "dnNptuOsciCa") && !s[2] &&
			    strcmp(s, "-a") != 0)
				i++;
			continue;
		}
		if (strcmp(k->name, "getopts") == 0 && i == 1)
			continue;
		var_name_arg(k, i);
		if (strcmp(k->name, "getopts") == 0)
			return;
	}
}

void k_sudo(struct kctx *k)
{
	k_note(k, KN_DENY, false, CMD_NONE, "builtin: sudo",
	       "runs a command as another user");
}

void k_hostname(struct kctx *k)
{
	bool set = false;
	for (size_t i = 1; i < k->av->n; i++)
		set |= k_s(k, i)[0] != '-';
	k_note(k, set ? KN_ASK : KN_ALLOW, false, CMD_NONE,
	       set ? "builtin: hostname" : "builtin: read-only",
	       set ? "sets the host name" : "prints the host name");
}
