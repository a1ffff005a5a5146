/* SPDX-License-Identifier: MIT */
/*
 * Built-in knowledge of programs, part one: the option scanner, the
 * table, everyday tools, wrappers, shells and shell built-ins.
 *
 * What it defends against: argument injection into programs an agent is
 * allowed to run (threats.md J.83: find -exec, rg --pre, sed e/w, awk
 * system(), xargs, env), wrappers and interpreters that run a command
 * the check would otherwise not see (J.84), and built-ins that change
 * what later commands do (J.85).  It assumes GNU/Linux option syntax;
 * where it cannot tell (a dynamic word that could be an option, an awk
 * program it cannot read) it asks or denies rather than allows.  It is
 * a filter, not the enforcement: the sandbox confines what it lets by.
 */
#include <string.h>

#include "cmdpolicy/cmdint.h"
#include "core/strbuf.h"
#include "core/util.h"

void k_allow(struct kctx *k, const char *why)
{
	k_note(k, KN_ALLOW, false, CMD_NONE, "builtin: read-only", why);
}

const char *k_s(const struct kctx *k, size_t i)
{
	return i < k->av->n && k->av->a[i].s ? k->av->a[i].s : "";
}

bool k_optmatch(const char *w, const char *opt)
{
	size_t n = strlen(opt);
	if (strncmp(w, opt, n) == 0 && (w[n] == '\0' || w[n] == '='))
		return true;
	size_t wl = strcspn(w, "=");
	return opt[0] == '-' && opt[1] == '-' && wl >= 4 && wl < n &&
	       strncmp(w, opt, wl) == 0;
}

static const struct kopt *find_opt(const struct kopt *opts, size_t n,
				   const char *w, bool exact)
{
	for (size_t i = 0; i < n; i++)
		if (exact ? strcmp(w, opts[i].name) == 0
			  : k_optmatch(w, opts[i].name))
			return &opts[i];
	return NULL;
}

static void apply_opt(struct kctx *k, const struct kopt *o, size_t at,
		      size_t val, size_t skip)
{
	if (o->flags & KO_DENY)
		k_note(k, KN_DENY, true, at, o->rule, o->reason);
	if (o->flags & KO_ASK)
		k_note(k, KN_ASK, true, at, o->rule, o->reason);
	if (val == CMD_NONE)
		return;
	if (o->flags & KO_WRITE)
		k_write(k, val, skip);
	if (o->flags & KO_CODE)
		k_shell(k, val, skip);
	if (o->check) {
		const char *v = k->av->a[val].s;
		o->check(k, val, v && strlen(v) >= skip ? v + skip : NULL);
	}
}

static void push_pos(struct kscan *ks, size_t i)
{
	if (ks->n_pos < BH_ARRAY_SIZE(ks->pos))
		ks->pos[ks->n_pos] = i;
	ks->n_pos++;
}

/* Whether the option `w` (up to any '=') is in the space-separated
 * list. */
static bool valued_has(const char *list, const char *w)
{
	size_t n = strcspn(w, "=");
	for (const char *p = list; p && *p;) {
		size_t len = strcspn(p, " ");
		if (len == n && strncmp(p, w, n) == 0)
			return true;
		p += len + (p[len] == ' ');
	}
	return false;
}

/*
 * The option named `name` (a table entry, or one of `valued`) seen in
 * word *i; its value, if it takes one, starts at byte `attached` of that
 * word, or is the next word.  Returns whether it took a value.
 */
static bool take_option(struct kctx *k, const struct kopt *o, bool valued,
			size_t *i, size_t attached)
{
	const struct cmd_argv *av = k->av;
	size_t at = *i, val = CMD_NONE, skip = 0;
	bool arg = o ? (o->flags & KO_ARG) != 0 : valued;
	if (arg && attached) {
		val = at;
		skip = attached;
	} else if (arg && *i + 1 < av->n) {
		val = ++*i;
	}
	if (o)
		apply_opt(k, o, at, val, skip);
	return arg;
}

void k_scan(struct kctx *k, size_t from, const struct kopt *opts, size_t n_opts,
	    const char *valued, unsigned mode, struct kscan *ks)
{
	const struct cmd_argv *av = k->av;
	bool done = false;

	*ks = (struct kscan){.n_pos = 0};
	for (size_t i = from; i < av->n; i++) {
		const struct cmd_arg *a = &av->a[i];
		const char *s = a->s;
		if (!done && !s && !a->optsafe && (mode & KS_DYNOPT))
			k_note(k, KN_ASK, true, i, "builtin: dynamic argument",
			       "a word computed at run time could be an "
			       "option of this program");
		if (done || !s || s[0] != '-' || s[1] == '\0') {
			push_pos(ks, i);
			done |= (mode & KS_POSIX) != 0;
			continue;
		}
		if (strcmp(s, "--") == 0) {
			ks->dashdash = true;
			done = true;
			continue;
		}
		if (s[1] == '-' || (mode & KS_SINGLE)) {
			const struct kopt *o = find_opt(opts, n_opts, s, false);
			const char *eq = strchr(s, '=');
			take_option(k, o, valued_has(valued, s), &i,
				    eq ? (size_t)(eq - s) + 1 : 0);
			continue;
		}
		for (size_t c = 1, word = i; s[c]; c++) {
			char name[3] = {'-', s[c], '\0'};
			const struct kopt *o =
			    find_opt(opts, n_opts, name, true);
			size_t at = word;
			if (take_option(k, o, valued_has(valued, name), &at,
					s[c + 1] ? c + 1 : 0)) {
				i = at;
				break;
			}
		}
	}
}

/* Variables. */

/* Variables whose value decides what later commands run or load. */
static const char *const danger_vars[] = {
    "PATH",
    "LD_*",
    "BASH_ENV",
    "ENV",
    "PROMPT_COMMAND",
    "PS0",
    "PS4",
    "IFS",
    "SHELLOPTS",
    "BASHOPTS",
    "BASH_FUNC_*",
    "CDPATH",
    "GIT_*",
    "PAGER",
    "MANPAGER",
    "EDITOR",
    "VISUAL",
    "LESSOPEN",
    "LESSCLOSE",
    "NODE_OPTIONS",
    "NODE_PATH",
    "PYTHONSTARTUP",
    "PYTHONPATH",
    "PYTHONHOME",
    "PERL5OPT",
    "PERL5LIB",
    "PERLLIB",
    "RUBYOPT",
    "RUBYLIB",
    "JAVA_TOOL_OPTIONS",
    "_JAVA_OPTIONS",
    "JDK_JAVA_OPTIONS",
    "RUSTC_WRAPPER",
    "RUSTC",
    "CARGO_BUILD_*",
    "CARGO_HOME",
    "SSH_ASKPASS",
    "SUDO_ASKPASS",
    "HOME",
    "XDG_CONFIG_HOME",
    "BROWSER",
    "GCONV_PATH",
    "HOSTALIASES",
    "npm_config_*",
    "NPM_CONFIG_*",
    "RIPGREP_CONFIG_PATH",
    "MAKEFLAGS",
    "GOFLAGS",
    "CC",
    "CXX",
    "TMPDIR",
    "BASH_XTRACEFD",
    "HISTFILE",
    "INPUTRC",
    "ZDOTDIR",
    "PIP_*",
    "UV_*",
    "DOCKER_HOST",
    "KUBECONFIG",
    "CURL_HOME",
    "WGETRC",
    "SSH_AUTH_SOCK",
    "LIBRARY_PATH",
    "MAIL*",
};

/* Harmless members of the families above that agents set often. */
static const char *const safe_vars[] = {
    "GIT_TERMINAL_PROMPT",
    "GIT_AUTHOR_*",
    "GIT_COMMITTER_*",
    "GIT_OPTIONAL_LOCKS",
    "GIT_PAGER=cat",
    "PAGER=cat",
    "MANPAGER=cat",
    "GIT_PAGER=",
    "PAGER=",
    "GIT_EDITOR=true",
    "GIT_EDITOR=:",
    "EDITOR=true",
    "GIT_SEQUENCE_EDITOR=true",
    "GIT_FLUSH",
    "GIT_TRACE*",
};

static bool var_glob(const char *pat, const char *name, const char *value)
{
	const char *eq = strchr(pat, '=');
	size_t pl = eq ? (size_t)(eq - pat) : strlen(pat);
	bool star = pl > 0 && pat[pl - 1] == '*';
	size_t cmp = star ? pl - 1 : pl;
	if (strncmp(pat, name, cmp) != 0 || (!star && name[cmp] != '\0'))
		return false;
	return !eq || (value && strcmp(eq + 1, value) == 0);
}

bool k_dangerous_var(const char *name, const char *value)
{
	for (size_t i = 0; i < BH_ARRAY_SIZE(safe_vars); i++)
		if (var_glob(safe_vars[i], name, value))
			return false;
	for (size_t i = 0; i < BH_ARRAY_SIZE(danger_vars); i++)
		if (var_glob(danger_vars[i], name, value))
			return true;
	return false;
}

/* Read-only tools with options that matter. */

/* A read-only tool whose options the table judges. */
static void read_only_scan(struct kctx *k, const struct kopt *opts, size_t n,
			   const char *valued, unsigned mode, const char *why)
{
	struct kscan ks;
	k_allow(k, why);
	k_scan(k, 1, opts, n, valued, mode, &ks);
}

static const struct kopt find_opts[] = {
    {"-exec", KO_DENY, "builtin: find -exec", "runs a command for each file",
     NULL},
    {"-execdir", KO_DENY, "builtin: find -exec", "runs a command for each file",
     NULL},
    {"-ok", KO_DENY, "builtin: find -exec", "runs a command for each file",
     NULL},
    {"-okdir", KO_DENY, "builtin: find -exec", "runs a command for each file",
     NULL},
    {"-delete", KO_DENY, "builtin: find -delete", "deletes what it finds",
     NULL},
    {"-fprint", KO_ARG | KO_WRITE, NULL, NULL, NULL},
    {"-fprint0", KO_ARG | KO_WRITE, NULL, NULL, NULL},
    {"-fls", KO_ARG | KO_WRITE, NULL, NULL, NULL},
    {"-fprintf", KO_ARG | KO_WRITE, NULL, NULL, NULL},
};
static const char find_opts_valued[] =
    "-name -iname -path -ipath -wholename -iwholename -regex "
    "-iregex -lname -ilname -type -xtype -newer -perm -size "
    "-user -group -maxdepth -mindepth -mtime -mmin -atime -amin "
    "-ctime -cmin -printf -samefile -inum -links -fstype -used "
    "-uid -gid -regextype -context -files0-from";

static void k_find(struct kctx *k)
{
	read_only_scan(k, find_opts, BH_ARRAY_SIZE(find_opts), find_opts_valued,
		       KS_SINGLE | KS_DYNOPT, "lists files");
}

static const struct kopt rg_opts[] = {
    {"--pre", KO_ARG | KO_DENY, "builtin: rg --pre",
     "runs a program on every file searched", NULL},
    {"--hostname-bin", KO_ARG | KO_DENY, "builtin: rg --hostname-bin",
     "runs a program", NULL},
};
static const char rg_opts_valued[] =
    "-e --regexp -f --file -g --glob --iglob -t --type -T "
    "--type-not --type-add -m --max-count -A -B -C --context -M "
    "-j -r --replace -E -d --max-depth --pre-glob --ignore-file "
    "--sort --sortr --color --colors --max-filesize";

static void k_rg(struct kctx *k)
{
	read_only_scan(k, rg_opts, BH_ARRAY_SIZE(rg_opts), rg_opts_valued,
		       KS_DYNOPT, "searches files");
}

static const struct kopt fd_opts[] = {
    {"-x", KO_DENY, "builtin: fd --exec", "runs a command for each file", NULL},
    {"--exec", KO_DENY, "builtin: fd --exec", "runs a command for each file",
     NULL},
    {"-X", KO_DENY, "builtin: fd --exec", "runs a command on the files", NULL},
    {"--exec-batch", KO_DENY, "builtin: fd --exec",
     "runs a command on the files", NULL},
};
static const char fd_opts_valued[] =
    "-e --extension -E --exclude -t --type -d --max-depth "
    "--min-depth -S --size -o --owner -c --color -j "
    "--base-directory --search-path --changed-within "
    "--changed-before --max-results --ignore-file --format";

static void k_fd(struct kctx *k)
{
	read_only_scan(k, fd_opts, BH_ARRAY_SIZE(fd_opts), fd_opts_valued,
		       KS_DYNOPT, "lists files");
}

static const struct kopt sort_opts[] = {
    {"-o", KO_ARG | KO_WRITE, NULL, NULL, NULL},
    {"--output", KO_ARG | KO_WRITE, NULL, NULL, NULL},
    {"--compress-program", KO_ARG | KO_DENY,
     "builtin: sort "
     "--compress-program",
     "runs a program to compress temporary files", NULL},
};
static const char sort_opts_valued[] =
    "-k --key -t -T -S --files0-from --random-source";

static void k_sort(struct kctx *k)
{
	read_only_scan(k, sort_opts, BH_ARRAY_SIZE(sort_opts), sort_opts_valued,
		       KS_DYNOPT, "sorts lines");
}

/* Tools whose operands after the first `skip` positional ones are files
 * they write (tee: all; uniq, xxd: the second). */
static void write_operands(struct kctx *k, size_t first, size_t last)
{
	struct kscan ks;
	k_note(k, KN_ALLOW, false, CMD_NONE, "builtin: read-only",
	       "reads input, writes files in the workspace");
	SCANV(k, 1, "", 0, &ks);
	for (size_t i = first; i < ks.n_pos && i <= last && i < 64; i++)
		k_write(k, ks.pos[i], 0);
}

static void k_tee(struct kctx *k)
{
	write_operands(k, 0, CMD_NONE);
}

static void k_second_out(struct kctx *k)
{
	write_operands(k, 1, 1);
}

/*
 * Tools that change files: cp, mv, ln, install (the destination: the
 * last operand, or -t DIR), rm, rmdir, unlink, shred, touch, mkdir,
 * truncate, chmod, chown, chgrp (every operand but the mode or owner),
 * dd (of=).  Their targets are judged as writes — denied outside the
 * workspace or on a protected name (`rm -rf ~`, `cp x .git/hooks/`,
 * `chmod +x .envrc`); what they do inside it is left to the default.
 */
static void k_fileop(struct kctx *k)
{
	static const char valued[] =
	    "-t --target-directory -S --suffix -m --mode -o --owner -g "
	    "--group -s --size -r --reference --context -T";
	static const char *const dest_last[] = {"cp", "mv", "ln", "install"};
	static const char *const skip_one[] = {"chmod", "chown", "chgrp"};
	struct kscan ks;
	bool last = false, skip = false;
	for (size_t i = 0; i < BH_ARRAY_SIZE(dest_last); i++)
		last |= strcmp(k->name, dest_last[i]) == 0;
	for (size_t i = 0; i < BH_ARRAY_SIZE(skip_one); i++)
		skip |= strcmp(k->name, skip_one[i]) == 0;
	if (strcmp(k->name, "dd") == 0) {
		for (size_t i = 1; i < k->av->n; i++)
			if (!strncmp(k->av->a[i].raw, "of=", 3))
				k_write(k, i, 3);
		return;
	}
	SCANV(k, 1, valued, KS_DYNOPT, &ks);
	for (size_t i = 1; i < k->av->n; i++) {
		const char *s = k_s(k, i);
		if (!strcmp(s, "-t") || !strcmp(s, "--target-directory")) {
			k_write(k, i + 1, 0);
			last = false;
		} else if (!strncmp(s, "--target-directory=", 19)) {
			k_write(k, i, 19);
			last = false;
		}
	}
	size_t n = ks.n_pos < 64 ? ks.n_pos : 64;
	for (size_t i = skip ? 1 : 0; i < n; i++)
		if (!last || i + 1 == ks.n_pos)
			k_write(k, ks.pos[i], 0);
}

static const struct kopt out_opts[] = {
    {"-o", KO_ARG | KO_WRITE, NULL, NULL, NULL},
    {"--output", KO_ARG | KO_WRITE, NULL, NULL, NULL},
    {"-d", KO_ARG | KO_WRITE, NULL, NULL, NULL}, /* unzip -d DIR */
};
static const char out_opts_valued[] = "-f -t -L -P -I -x";

/* tree -o, iconv -o, unzip -d: read-only but for one output. */
static void k_out_opt(struct kctx *k)
{
	read_only_scan(k, out_opts, BH_ARRAY_SIZE(out_opts), out_opts_valued, 0,
		       "reads files, writes only where -o/-d says");
}

static void k_date(struct kctx *k)
{
	k_note(k, KN_ALLOW, false, CMD_NONE, "builtin: read-only",
	       "prints the date");
	for (size_t i = 1; i < k->av->n; i++)
		if (k_optmatch(k_s(k, i), "--set") ||
		    (k_s(k, i)[0] == '-' && k_s(k, i)[1] != '-' &&
		     strchr(k_s(k, i), 's')))
			k_note(k, KN_ASK, false, i, "builtin: date --set",
			       "sets the clock");
}

static void k_printenv(struct kctx *k)
{
	k_note(k, KN_ASK, false, CMD_NONE, "builtin: prints the environment",
	       "prints environment variables, which may hold secrets");
}

/* jq, yq. */

static void k_jq(struct kctx *k)
{
	k_note(k, KN_ALLOW, false, CMD_NONE, "builtin: read-only",
	       "filters JSON");
	bool yq = strcmp(k->name, "yq") == 0;
	bool filter_seen = false;
	for (size_t i = 1; i < k->av->n; i++) {
		const char *s = k_s(k, i);
		const struct cmd_arg *a = &k->av->a[i];
		if (yq && (strcmp(s, "-i") == 0 || k_optmatch(s, "--inplace")))
			k_note(k, KN_ASK, false, i, "builtin: yq -i",
			       "edits files in place");
		if (strcmp(s, "--arg") == 0 || strcmp(s, "--argjson") == 0 ||
		    strcmp(s, "--slurpfile") == 0 ||
		    strcmp(s, "--rawfile") == 0) {
			i += 2;
			continue;
		}
		if (strcmp(s, "-f") == 0 || k_optmatch(s, "--from-file")) {
			k_note(k, KN_ASK, false, i, "builtin: jq -f",
			       "reads its filter from a file");
			filter_seen = true;
			i++;
			continue;
		}
		if (strcmp(s, "-L") == 0 || strcmp(s, "--indent") == 0) {
			i++;
			continue;
		}
		if ((s[0] == '-' && s[1]) || filter_seen)
			continue;
		filter_seen = true;
		if (!a->s) {
			k_note(k, KN_ASK, true, i, "builtin: jq filter",
			       "a filter computed at run time");
			continue;
		}
		if (strstr(s, "$ENV") || strstr(s, "env") ||
		    strstr(s, "input_filename") || strstr(s, "$__prog") ||
		    strstr(s, "load("))
			k_note(k, KN_ASK, true, i, "builtin: jq env",
			       "the filter reads the environment, which may "
			       "hold secrets");
	}
}

/* Pagers, editors. */

static void k_pager(struct kctx *k)
{
	k_note(k, KN_ASK, false, CMD_NONE, "builtin: pager",
	       "an interactive pager: shell escapes (!) and LESSOPEN run "
	       "commands");
}

static void k_editor(struct kctx *k)
{
	k_note(k, KN_ASK, false, CMD_NONE, "builtin: editor",
	       "an interactive editor, with shell escapes");
	for (size_t i = 1; i < k->av->n; i++) {
		const char *s = k_s(k, i);
		if (s[0] == '+' || strcmp(s, "-c") == 0 ||
		    strcmp(s, "--cmd") == 0 || strcmp(s, "-S") == 0 ||
		    strcmp(s, "-u") == 0 || k_optmatch(s, "--eval") ||
		    k_optmatch(s, "--load") || strcmp(s, "-l") == 0 ||
		    k_optmatch(s, "--batch") || strcmp(s, "-x") == 0)
			k_note(k, KN_DENY, true, i, "builtin: editor command",
			       "runs editor commands, which can run shell "
			       "commands");
	}
}

static void k_man(struct kctx *k)
{
	k_note(k, KN_ALLOW, false, CMD_NONE, "builtin: read-only",
	       "shows a manual page");
	for (size_t i = 1; i < k->av->n; i++) {
		const char *s = k_s(k, i);
		if (strcmp(s, "-P") == 0 || k_optmatch(s, "--pager") ||
		    strcmp(s, "-H") == 0 || k_optmatch(s, "--html") ||
		    strncmp(s, "-P", 2) == 0)
			k_note(k, KN_DENY, true, i, "builtin: man -P",
			       "runs a program as the pager");
	}
}

/* The table. */

#define SAFE(n)                                                                \
	{                                                                      \
		n, NULL, KN_ALLOW, "reads or prints; runs nothing else"        \
	}
#define FN(n, f)                                                               \
	{                                                                      \
		n, f, KN_UNKNOWN, NULL                                         \
	}
#define ASK(n, why)                                                            \
	{                                                                      \
		n, NULL, KN_ASK, why                                           \
	}
#define DENY(n, why)                                                           \
	{                                                                      \
		n, NULL, KN_DENY, why                                          \
	}

static const char runs_repo[] =
    "runs code from the workspace or its dependencies (tests, build "
    "scripts, hooks)";

static const struct kprog table[] = {
    SAFE("ls"),
    SAFE("cat"),
    SAFE("head"),
    SAFE("tail"),
    SAFE("wc"),
    SAFE("grep"),
    SAFE("egrep"),
    SAFE("fgrep"),
    SAFE("zgrep"),
    SAFE("cut"),
    SAFE("tr"),
    SAFE("diff"),
    SAFE("cmp"),
    SAFE("comm"),
    SAFE("file"),
    SAFE("stat"),
    SAFE("du"),
    SAFE("df"),
    SAFE("pwd"),
    SAFE("echo"),
    SAFE("true"),
    SAFE("false"),
    SAFE("test"),
    SAFE("["),
    SAFE("[["),
    SAFE("which"),
    SAFE("type"),
    SAFE("whereis"),
    SAFE("basename"),
    SAFE("dirname"),
    SAFE("realpath"),
    SAFE("readlink"),
    SAFE("uname"),
    SAFE("id"),
    SAFE("whoami"),
    SAFE("groups"),
    SAFE("sha256sum"),
    SAFE("sha1sum"),
    SAFE("sha512sum"),
    SAFE("sha224sum"),
    SAFE("sha384sum"),
    SAFE("md5sum"),
    SAFE("b2sum"),
    SAFE("cksum"),
    SAFE("sum"),
    SAFE("base64"),
    SAFE("base32"),
    SAFE("basenc"),
    SAFE("od"),
    SAFE("hexdump"),
    SAFE("seq"),
    SAFE("sleep"),
    SAFE("nl"),
    SAFE("fold"),
    SAFE("fmt"),
    SAFE("paste"),
    SAFE("join"),
    SAFE("column"),
    SAFE("expand"),
    SAFE("unexpand"),
    SAFE("rev"),
    SAFE("tac"),
    SAFE("look"),
    SAFE("strings"),
    SAFE("nproc"),
    SAFE("arch"),
    SAFE("locale"),
    SAFE("tty"),
    SAFE("uptime"),
    SAFE("free"),
    SAFE("ps"),
    SAFE("pgrep"),
    SAFE("numfmt"),
    SAFE("expr"),
    SAFE("factor"),
    SAFE("yes"),
    SAFE("nm"),
    SAFE("objdump"),
    SAFE("readelf"),
    SAFE("size"),
    SAFE("zcat"),
    SAFE("bzcat"),
    SAFE("xzcat"),
    SAFE("zstdcat"),
    SAFE("lscpu"),
    SAFE("getconf"),
    SAFE("shasum"),
    SAFE("tsort"),
    SAFE("csplit"),
    SAFE("dircolors"),
    SAFE("cal"),
    SAFE("w"),
    SAFE("who"),
    SAFE("logname"),
    SAFE("users"),
    SAFE("clear"),
    SAFE("tput"),
    SAFE(":"),
    SAFE("shift"),
    SAFE("wait"),
    SAFE("jobs"),
    SAFE("return"),
    SAFE("exit"),
    SAFE("break"),
    SAFE("continue"),
    SAFE("let"),
    SAFE("unset"),
    SAFE("unalias"),
    SAFE("ulimit"),
    SAFE("times"),
    SAFE("dirs"),
    SAFE("help"),
    SAFE("lsof"),
    SAFE("mktemp"),
    SAFE("cloc"),
    SAFE("tokei"),
    SAFE("scc"),
    SAFE("bat"),
    SAFE("batcat"),
    SAFE("delta"),
    SAFE("difft"),
    SAFE("wdiff"),
    SAFE("colordiff"),
    SAFE("sdiff"),
    SAFE("ag"),
    SAFE("ack"),
    SAFE("ctags"),
    SAFE("shellcheck"),
    SAFE("hostnamectl"),
    SAFE("lsb_release"),
    FN("cp", k_fileop),
    FN("mv", k_fileop),
    FN("ln", k_fileop),
    FN("install", k_fileop),
    FN("rm", k_fileop),
    FN("rmdir", k_fileop),
    FN("unlink", k_fileop),
    FN("shred", k_fileop),
    FN("touch", k_fileop),
    FN("mkdir", k_fileop),
    FN("truncate", k_fileop),
    FN("chmod", k_fileop),
    FN("chown", k_fileop),
    FN("chgrp", k_fileop),
    FN("dd", k_fileop),
    FN("find", k_find),
    FN("rg", k_rg),
    FN("fd", k_fd),
    FN("fdfind", k_fd),
    FN("sort", k_sort),
    FN("tee", k_tee),
    FN("uniq", k_second_out),
    FN("xxd", k_second_out),
    FN("tree", k_out_opt),
    FN("iconv", k_out_opt),
    FN("unzip", k_out_opt),
    FN("date", k_date),
    FN("printenv", k_printenv),
    FN("sed", k_sed),
    FN("awk", k_awk),
    FN("gawk", k_awk),
    FN("mawk", k_awk),
    FN("nawk", k_awk),
    FN("jq", k_jq),
    FN("yq", k_jq),
    FN("gojq", k_jq),
    FN("less", k_pager),
    FN("more", k_pager),
    FN("most", k_pager),
    FN("pg", k_pager),
    FN("vim", k_editor),
    FN("vi", k_editor),
    FN("nvim", k_editor),
    FN("view", k_editor),
    FN("ex", k_editor),
    FN("gvim", k_editor),
    FN("nano", k_editor),
    FN("pico", k_editor),
    FN("emacs", k_editor),
    FN("ed", k_editor),
    FN("micro", k_editor),
    FN("joe", k_editor),
    FN("man", k_man),
    FN("env", k_env),
    FN("timeout", k_timeout),
    FN("nice", k_wrapper),
    FN("nohup", k_wrapper),
    FN("stdbuf", k_wrapper),
    FN("ionice", k_wrapper),
    FN("setsid", k_wrapper),
    FN("command", k_wrapper),
    FN("builtin", k_wrapper),
    FN("exec", k_wrapper),
    FN("chronic", k_wrapper),
    FN("strace", k_wrapper),
    FN("ltrace", k_wrapper),
    FN("time", k_time),
    FN("taskset", k_taskset),
    FN("xargs", k_xargs),
    FN("watch", k_watch),
    FN("flock", k_flock),
    FN("script", k_script),
    FN("busybox", k_busybox),
    FN("sh", k_shell_prog),
    FN("bash", k_shell_prog),
    FN("zsh", k_shell_prog),
    FN("dash", k_shell_prog),
    FN("ksh", k_shell_prog),
    FN("mksh", k_shell_prog),
    FN("ash", k_shell_prog),
    FN("fish", k_shell_prog),
    FN("eval", k_eval),
    FN("source", k_source),
    FN(".", k_source),
    FN("export", k_declare),
    FN("declare", k_declare),
    FN("typeset", k_declare),
    FN("local", k_declare),
    FN("readonly", k_declare),
    FN("set", k_set),
    FN("trap", k_trap),
    FN("enable", k_enable),
    FN("hash", k_hash),
    FN("alias", k_alias),
    FN("cd", k_cd),
    FN("pushd", k_cd),
    FN("popd", k_cd),
    FN("umask", k_query_or_ask),
    FN("shopt", k_query_or_ask),
    FN("read", k_assigning),
    FN("mapfile", k_assigning),
    FN("readarray", k_assigning),
    FN("getopts", k_assigning),
    FN("printf", k_assigning),
    FN("sudo", k_sudo),
    FN("doas", k_sudo),
    FN("su", k_sudo),
    FN("pkexec", k_sudo),
    FN("run0", k_sudo),
    FN("hostname", k_hostname),
    FN("git", k_git),
    FN("npm", k_npm),
    FN("pnpm", k_npm),
    FN("yarn", k_npm),
    FN("bun", k_npm),
    FN("npx", k_npx),
    FN("bunx", k_npx),
    FN("pnpx", k_npx),
    FN("pip", k_pip),
    FN("pip3", k_pip),
    FN("pipx", k_pip),
    FN("uv", k_uv),
    FN("uvx", k_npx),
    FN("poetry", k_uv),
    FN("cargo", k_cargo),
    FN("go", k_go),
    FN("make", k_make),
    FN("gmake", k_make),
    FN("docker", k_docker),
    FN("podman", k_docker),
    FN("kubectl", k_kubectl),
    FN("gh", k_gh),
    FN("curl", k_curl),
    FN("wget", k_wget),
    FN("ssh", k_ssh),
    FN("scp", k_ssh),
    FN("sftp", k_ssh),
    FN("rsync", k_rsync),
    FN("tar", k_tar),
    FN("zip", k_zip),
    FN("python", k_interp),
    FN("python3", k_interp),
    FN("python2", k_interp),
    FN("node", k_interp),
    FN("nodejs", k_interp),
    FN("deno", k_interp),
    FN("ruby", k_interp),
    FN("perl", k_interp),
    FN("php", k_interp),
    FN("lua", k_interp),
    FN("luajit", k_interp),
    FN("Rscript", k_interp),
    FN("tclsh", k_interp),
    FN("terraform", k_terraform),
    FN("tofu", k_terraform),
    ASK("pytest", runs_repo),
    ASK("tox", runs_repo),
    ASK("nox", runs_repo),
    ASK("pre-commit", runs_repo),
    ASK("mvn", runs_repo),
    ASK("mvnw", runs_repo),
    ASK("gradle", runs_repo),
    ASK("gradlew", runs_repo),
    ASK("ant", runs_repo),
    ASK("sbt", runs_repo),
    ASK("cmake", runs_repo),
    ASK("ninja", runs_repo),
    ASK("meson", runs_repo),
    ASK("bazel", runs_repo),
    ASK("jest", runs_repo),
    ASK("vitest", runs_repo),
    ASK("mocha", runs_repo),
    ASK("tsc", runs_repo),
    ASK("eslint", runs_repo),
    ASK("prettier", runs_repo),
    ASK("rustc", runs_repo),
    ASK("ldd", "ldd may run the program it is "
	       "given"),
    ASK("parallel", "runs commands through a shell"),
    ASK("nc", "opens network connections"),
    ASK("ncat", "opens network connections"),
    ASK("netcat", "opens network connections"),
    ASK("socat", "opens connections and can run programs"),
    ASK("telnet", "opens network connections"),
    ASK("tmux", "starts a terminal multiplexer with its own shells"),
    ASK("screen", "starts a terminal multiplexer with its own shells"),
    ASK("systemctl", "controls services"),
    ASK("xdg-open", "opens a file with whatever program is registered"),
    ASK("open", "opens a file with whatever program is registered"),
    ASK("gdb", "a debugger runs programs and its own commands"),
    DENY("crontab", "schedules commands to run later, outside this check"),
    DENY("at", "schedules commands to run later, outside this check"),
    DENY("batch", "schedules commands to run later, outside this check"),
    DENY("chroot", "runs a command with another root directory"),
    DENY("nsenter", "runs a command in other namespaces"),
    DENY("unshare", "runs a command in new namespaces"),
    DENY("osascript", "runs AppleScript"),
};

const struct kprog *k_lookup(const char *name)
{
	for (size_t i = 0; i < BH_ARRAY_SIZE(table); i++)
		if (strcmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}

/* python3.12 -> python3, pip3.12 -> pip3: versioned names are the same
 * program. */
static char *base_name(const char *name)
{
	static const char *const versioned[] = {"python", "pip", "ruby",
						"perl",	  "lua", "php"};
	for (size_t i = 0; i < BH_ARRAY_SIZE(versioned); i++) {
		size_t n = strlen(versioned[i]);
		if (strncmp(name, versioned[i], n) == 0 && name[n] &&
		    name[n + strspn(name + n, "0123456789.")] == '\0')
			return bh_xasprintf("%s%s", versioned[i],
					    name[n] == '3' ? "3" : "");
	}
	return NULL;
}

void k_decide(struct kctx *k)
{
	cleanup_free char *alt = base_name(k->name);
	const struct kprog *p = k_lookup(alt ? alt : k->name);
	if (!p)
		return;
	if (alt)
		k->name = p->name;
	if (p->fn) {
		p->fn(k);
		return;
	}
	k_note(k, p->cls, false, CMD_NONE,
	       p->cls == KN_ALLOW ? "builtin: read-only"
	       : p->cls == KN_ASK ? "builtin: runs code"
				  : "builtin: denied program",
	       p->reason);
}
