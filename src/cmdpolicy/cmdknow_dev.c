/* SPDX-License-Identifier: MIT */
/*
 * Built-in knowledge of programs, part two: git, package managers and
 * build tools, interpreters, network clients, archivers, containers.
 *
 * What it defends against: options and configuration that make these
 * programs run a command the check does not see (git -c core.sshCommand,
 * --upload-pack, ext:: URLs, ssh -o ProxyCommand, tar --to-command, zip
 * -TT, go test -exec, python -c), write outside the workspace (curl -o,
 * git diff --output) or send a file away (curl -d @file); and "safe"
 * commands that run repository code (npm install, make, cargo test,
 * pytest: threats.md J.86), which ask.  It assumes these programs parse
 * their options as documented; the sandbox confines what they do.
 */
#include <fnmatch.h>
#include <string.h>

#include "cmdpolicy/cmdint.h"
#include "core/util.h"

static bool one_of(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}
#define ONE_OF(s, list) one_of(s, list, BH_ARRAY_SIZE(list))

size_t k_subcommand(struct kctx *k, size_t from, const char *const *with_value,
		    size_t n)
{
	for (size_t i = from; i < k->av->n; i++) {
		const char *s = k_s(k, i);
		if (!k->av->a[i].s) {
			k->sub = i;
			return i;
		}
		if (s[0] != '-' && s[0] != '+') {
			k->sub = i;
			return i;
		}
		if (!strchr(s, '=') && one_of(s, with_value, n))
			i++;
	}
	return CMD_NONE;
}

/* git. */

/* Configuration keys that name a program to run, a hook directory, a
 * credential helper, or enable a transport that runs commands. */
static const char *const git_code_keys[] = {
    "core.sshcommand",
    "core.pager",
    "core.editor",
    "core.fsmonitor",
    "core.hookspath",
    "core.gitproxy",
    "core.askpass",
    "core.worktree",
    "alias.*",
    "credential.*",
    "diff.external",
    "diff.*.textconv",
    "diff.*.command",
    "filter.*",
    "merge.*.driver",
    "sequence.editor",
    "gpg.*",
    "pager.*",
    "protocol.*",
    "uploadpack.*",
    "remote.*.uploadpack",
    "remote.*.receivepack",
    "remote.*.vcs",
    "include.*",
    "includeif.*",
    "init.templatedir",
    "web.browser",
    "browser.*",
    "man.*",
    "difftool.*",
    "mergetool.*",
    "interactive.difffilter",
    "submodule.*",
    "sendemail.*",
    "ssh.variant",
    "url.*",
    "http.proxy",
    "http.*.proxy",
    "core.sshcmd",
    "safe.directory",
    "instaweb.*",
    "clone.templatedir",
};

static bool git_code_key(const char *kv)
{
	/* A pager switched off, or set to cat, runs nothing. */
	static const char *const harmless[] = {
	    "core.pager=cat", "core.pager=", "pager.*=false", "pager.*=cat"};
	for (size_t i = 0; i < BH_ARRAY_SIZE(harmless); i++)
		if (fnmatch(harmless[i], kv, FNM_CASEFOLD) == 0)
			return false;
	cleanup_free char *key = bh_xstrndup(kv, strcspn(kv, "= "));
	for (size_t i = 0; i < BH_ARRAY_SIZE(git_code_keys); i++)
		if (fnmatch(git_code_keys[i], key, FNM_CASEFOLD) == 0)
			return true;
	return false;
}

static void git_config_value(struct kctx *k, size_t val, const char *kv)
{
	if (!kv)
		k_note(k, KN_DENY, true, val, "builtin: git -c",
		       "sets git configuration computed at run time");
	else if (git_code_key(kv))
		k_note(k, KN_DENY, true, val, "builtin: git -c",
		       "sets git configuration that runs a program, loads "
		       "hooks or credentials, or enables a command-running "
		       "transport");
}

static void git_url(struct kctx *k, size_t i)
{
	const char *s = k_s(k, i);
	if (!k->av->a[i].s || strncmp(s, "ext::", 5) == 0 ||
	    strncmp(s, "fd::", 4) == 0 || strstr(s, "::") != NULL)
		k_note(k, KN_DENY, true, i, "builtin: git ext:: URL",
		       k->av->a[i].s
			   ? "a transport that runs a command (ext::, "
			     "fd::, remote helpers)"
			   : "a repository URL computed at run time");
}

static const struct kopt git_opts[] = {
    {"-c", KO_ARG, NULL, NULL, git_config_value},
    {"--config-env", KO_ARG, NULL, NULL, git_config_value},
    {"--config", KO_ARG, NULL, NULL, git_config_value},
    {"--exec-path", KO_DENY, "builtin: git --exec-path",
     "runs git's helper programs from another directory", NULL},
    {"--upload-pack", KO_ARG | KO_DENY, "builtin: git --upload-pack",
     "runs a command as the remote's pack program", NULL},
    {"--receive-pack", KO_ARG | KO_DENY, "builtin: git --upload-pack",
     "runs a command as the remote's pack program", NULL},
    {"--exec", KO_ARG | KO_DENY, "builtin: git --exec",
     "runs a command on the remote side", NULL},
    {"--ext-diff", KO_DENY, "builtin: git --ext-diff",
     "runs an external diff program", NULL},
    {"--output", KO_ARG | KO_WRITE, NULL, NULL, NULL},
    {"--output-directory", KO_ARG | KO_WRITE, NULL, NULL, NULL},
    {"--open-files-in-pager", KO_DENY, "builtin: git grep -O",
     "runs a pager program on the files", NULL},
    {"--extcmd", KO_ARG | KO_DENY, "builtin: git difftool --extcmd",
     "runs a command as the diff tool", NULL},
    {"--tool", KO_ARG | KO_ASK, "builtin: git difftool",
     "runs a configured diff or merge tool", NULL},
};
static const char git_opts_valued[] = "--git-dir --work-tree --namespace -C";

static const char *const git_globals_with_value[] = {
    "-C",	   "-c",	   "--git-dir",	     "--work-tree",
    "--namespace", "--config-env", "--super-prefix", "--attr-source"};

static const char *const git_read_only[] = {
    "status",
    "diff",
    "log",
    "show",
    "blame",
    "grep",
    "ls-files",
    "ls-tree",
    "rev-parse",
    "rev-list",
    "describe",
    "shortlog",
    "cat-file",
    "name-rev",
    "merge-base",
    "for-each-ref",
    "show-ref",
    "whatchanged",
    "count-objects",
    "check-ignore",
    "check-attr",
    "version",
    "help",
    "annotate",
    "cherry",
    "range-diff",
    "format-patch",
    "diff-tree",
    "diff-files",
    "diff-index",
    "ls-remote",
    "reflog",
    "show-branch",
    "verify-commit",
    "verify-tag",
    "fsck",
    "var",
    "check-ref-format",
    "hash-object",
    "grep",
    "archive",
    "diff-pairs",
    "interpret-trailers",
    "column",
    "show-index",
};

/* Sub-commands that run hooks or a tool on the host's next use. */
static const char *const git_hooks[] = {
    "commit",	   "merge",	"rebase",    "am",	   "cherry-pick",
    "revert",	   "checkout",	"switch",    "pull",	   "push",
    "fetch",	   "clone",	"submodule", "worktree",   "bisect",
    "difftool",	   "mergetool", "stash",     "send-email", "gc",
    "maintenance", "daemon",	"p4",	     "svn",	   "cvsimport",
    "hook",	   "notes",
};

/* branch/tag/remote/stash/config/worktree: listing forms only. */
static bool git_lists(struct kctx *k, const char *sub, size_t at)
{
	static const char *const list_opts[] = {"-a",
						"-r",
						"-v",
						"-vv",
						"--all",
						"--remotes",
						"--list",
						"-l",
						"--show-current",
						"--verbose",
						"--contains",
						"--merged",
						"--no-merged",
						"--points-at",
						"--sort",
						"--format",
						"-n",
						"--column",
						"--no-column",
						"--color",
						"--no-color",
						"-i",
						"--ignore-case",
						"--get",
						"--get-all",
						"--get-regexp",
						"--show-origin",
						"--show-scope",
						"--name-only",
						"--local",
						"--includes",
						"--null",
						"-z",
						"--type",
						"--bool",
						"--int",
						"--path",
						"--default",
						"--get-urlmatch"};
	static const char *const list_subs[] = {"show", "get-url", "list", "-v",
						"--verbose"};
	size_t positional = 0;
	for (size_t i = at + 1; i < k->av->n; i++) {
		const char *s = k_s(k, i);
		cleanup_free char *opt = bh_xstrndup(s, strcspn(s, "="));
		if (!k->av->a[i].s)
			return false;
		if (s[0] == '-' && !ONE_OF(opt, list_opts))
			return false;
		if (s[0] != '-') {
			if (i == at + 1 && ONE_OF(s, list_subs))
				return true;
			positional++;
		}
	}
	/* `git config KEY` reads one value; `git tag -l PATTERN` and
	 * `git branch --contains X` list; `git branch NAME` creates. */
	if (strcmp(sub, "config") == 0)
		return positional <= 1;
	return positional == 0 || k_s(k, at + 1)[0] == '-';
}

static void git_config_write(struct kctx *k, size_t at)
{
	for (size_t i = at + 1; i < k->av->n; i++) {
		const char *s = k_s(k, i);
		if (!strcmp(s, "--global") || !strcmp(s, "--system") ||
		    k_optmatch(s, "--file") || !strcmp(s, "-f")) {
			k_note(k, KN_DENY, true, i,
			       "builtin: git config --global",
			       "writes git configuration outside the "
			       "repository (the host's own git reads it)");
			return;
		}
		if (s[0] != '-' && git_code_key(s)) {
			k_note(k, KN_DENY, true, i, "builtin: git config",
			       "sets git configuration that runs a program, "
			       "loads hooks or credentials");
			return;
		}
	}
}

void k_git(struct kctx *k)
{
	struct kscan ks;
	size_t at = k_subcommand(k, 1, git_globals_with_value,
				 BH_ARRAY_SIZE(git_globals_with_value));
	const char *sub = at == CMD_NONE ? "" : k_s(k, at);

	/* -u is --upload-pack for the commands that fetch. */
	static const char *const fetchers[] = {"clone", "fetch", "pull",
					       "ls-remote", "archive"};
	SCAN(k, 1, git_opts, git_opts_valued, KS_DYNOPT, &ks);
	if (at == CMD_NONE) {
		k_allow(k, "prints git's version or help");
		return;
	}
	if (!k->av->a[at].s) {
		k_note(k, KN_ASK, true, at, "builtin: git",
		       "a git sub-command computed at run time");
		return;
	}
	bool fetch = ONE_OF(sub, fetchers);
	for (size_t i = at + 1; i < k->av->n; i++) {
		const char *s = k_s(k, i);
		if (fetch && (strcmp(s, "-u") == 0 || strncmp(s, "-u", 2) == 0))
			k_note(k, KN_DENY, true, i,
			       "builtin: git --upload-pack",
			       "runs a command as the remote's pack program");
		if (fetch && s[0] != '-')
			git_url(k, i);
		if (!strcmp(sub, "grep") && !strncmp(s, "-O", 2))
			k_note(k, KN_DENY, true, i, "builtin: git grep -O",
			       "runs a pager program on the files");
		if (!strcmp(sub, "rebase") && !strncmp(s, "-x", 2))
			k_note(k, KN_DENY, true, i,
			       "builtin: git rebase --exec",
			       "runs a shell command after each commit");
		if ((!strcmp(sub, "clone") || !strcmp(sub, "init")) &&
		    k_optmatch(s, "--template"))
			k_note(k, KN_DENY, true, i, "builtin: git --template",
			       "copies hooks from a template directory");
	}
	if (strcmp(sub, "submodule") == 0 &&
	    strcmp(k_s(k, at + 1), "foreach") == 0) {
		k_note(k, KN_DENY, true, at + 1,
		       "builtin: git submodule foreach",
		       "runs a shell command in every submodule");
		return;
	}
	if (strcmp(sub, "filter-branch") == 0 || strcmp(sub, "instaweb") == 0) {
		k_note(k, KN_DENY, true, at, "builtin: git filter-branch",
		       "runs shell commands given as filters");
		return;
	}
	if (strcmp(sub, "config") == 0)
		git_config_write(k, at);
	if (strncmp(sub, "credential", 10) == 0) {
		k_note(k, KN_DENY, true, at, "builtin: git credential",
		       "reads or stores credentials");
		return;
	}
	if (ONE_OF(sub, git_read_only)) {
		k_allow(k, "reads the repository");
		return;
	}
	static const char *const listers[] = {"branch", "tag",	  "remote",
					      "stash",	"config", "worktree"};
	if (ONE_OF(sub, listers) && git_lists(k, sub, at)) {
		k_allow(k, "lists");
		return;
	}
	if (ONE_OF(sub, git_hooks))
		k_note(k, KN_ASK, false, at, "builtin: git hooks",
		       "runs hooks, filters or a transport: code from the "
		       "repository or the network");
}

/* Package managers. */

static const char *const npm_with_value[] = {
    "--prefix", "-w",	      "--workspace", "-C",
    "--dir",	"--cwd",      "--loglevel",  "--filter",
    "-F",	"--registry", "--cache",     "--userconfig"};

void k_npx(struct kctx *k)
{
	const char *s = k_s(k, 1);
	if (k->av->n == 2 && (!strcmp(s, "--version") || !strcmp(s, "-v")))
		k_allow(k, "prints the version");
	else
		k_note(k, KN_ASK, false, CMD_NONE, "builtin: npx",
		       "downloads and runs a package");
}

void k_npm(struct kctx *k)
{
	static const char *const ro[] = {
	    "ls",   "list",	"ll",	  "la",	     "view", "info",   "show",
	    "v",    "outdated", "why",	  "explain", "help", "search", "s",
	    "find", "root",	"bin",	  "prefix",  "docs", "repo",   "bugs",
	    "fund", "licenses", "doctor", "query",   "pm"};
	static const char *const dlx[] = {"exec", "x", "dlx", "create", "init"};
	bool is_npm = strcmp(k->name, "npm") == 0;
	size_t at =
	    k_subcommand(k, 1, npm_with_value, BH_ARRAY_SIZE(npm_with_value));
	const char *sub = at == CMD_NONE ? "" : k_s(k, at);
	for (size_t i = 1; i < k->av->n; i++) {
		const char *s = k_s(k, i);
		if (strcmp(k->name, "bun") == 0 &&
		    (!strcmp(s, "-e") || k_optmatch(s, "--eval") ||
		     !strcmp(s, "-p") || k_optmatch(s, "--print")))
			k_note(k, KN_DENY, true, i, "builtin: bun --eval",
			       "runs code given on the command line");
		if (k_optmatch(s, "--script-shell") ||
		    k_optmatch(s, "--node-options"))
			k_note(k, KN_DENY, true, i,
			       "builtin: npm --script-shell",
			       "changes the program scripts run with");
	}
	if (at == CMD_NONE) {
		bool version =
		    k->av->n == 2 && (!strcmp(k_s(k, 1), "-v") ||
				      !strcmp(k_s(k, 1), "--version"));
		if (version || (is_npm && k->av->n == 1))
			k_allow(k, "prints the version or help");
		else
			k_note(k, KN_ASK, false, CMD_NONE, "builtin: install",
			       "installs dependencies: lifecycle scripts run");
		return;
	}
	if (!k->av->a[at].s) {
		k_note(k, KN_ASK, true, at, "builtin: npm",
		       "a sub-command computed at run time");
		return;
	}
	if (ONE_OF(sub, ro)) {
		k_allow(k, "reads package metadata");
		return;
	}
	if (strcmp(sub, "config") == 0 || strcmp(sub, "c") == 0 ||
	    strcmp(sub, "set") == 0) {
		const char *op =
		    strcmp(sub, "set") == 0 ? "set" : k_s(k, at + 1);
		if (!strcmp(op, "get") || !strcmp(op, "list") ||
		    !strcmp(op, "ls"))
			k_allow(k, "reads configuration");
		else
			k_note(k, KN_DENY, true, at, "builtin: npm config set",
			       "changes npm configuration (script shell, "
			       "registry, tokens) for later commands");
		return;
	}
	if (ONE_OF(sub, dlx) ||
	    (strcmp(k->name, "bun") == 0 && strcmp(sub, "x") == 0)) {
		k_note(k, KN_ASK, false, at, "builtin: npx",
		       "downloads and runs a package");
		return;
	}
	k_note(k, KN_ASK, false, at, "builtin: package scripts",
	       "installs packages or runs package scripts: lifecycle "
	       "scripts and repository code run");
}

void k_pip(struct kctx *k)
{
	static const char *const ro[] = {"list",    "show",  "freeze", "check",
					 "help",    "debug", "index",  "search",
					 "inspect", "cache", "hash"};
	static const char *const with_value[] = {"--python", "--log",
						 "--cache-dir", "--proxy"};
	size_t at = k_subcommand(k, 1, with_value, BH_ARRAY_SIZE(with_value));
	const char *sub = at == CMD_NONE ? "" : k_s(k, at);
	if (at == CMD_NONE || ONE_OF(sub, ro)) {
		k_allow(k, "reads installed packages");
		return;
	}
	if (strcmp(sub, "config") == 0) {
		const char *op = k_s(k, at + 1);
		if (strcmp(op, "list") == 0 || strcmp(op, "get") == 0 ||
		    strcmp(op, "debug") == 0)
			k_allow(k, "reads configuration");
		else
			k_note(k, KN_DENY, true, at, "builtin: pip config set",
			       "changes pip configuration (index, trusted "
			       "hosts) for later commands");
		return;
	}
	k_note(k, KN_ASK, false, at, "builtin: pip install",
	       "installs or runs packages: setup.py and build backends run");
}

/* uv, poetry. */
void k_uv(struct kctx *k)
{
	static const char *const ro[] = {
	    "version", "help", "tree", "show", "check",	 "--version",
	    "-V",      "dir",  "find", "list", "freeze", "env"};
	size_t at = k_subcommand(k, 1, npm_with_value, 0);
	const char *sub = at == CMD_NONE ? "" : k_s(k, at);
	const char *sub2 = at == CMD_NONE ? "" : k_s(k, at + 1);
	if (at == CMD_NONE || ONE_OF(sub, ro) ||
	    ((!strcmp(sub, "pip") || !strcmp(sub, "python") ||
	      !strcmp(sub, "cache") || !strcmp(sub, "env")) &&
	     ONE_OF(sub2, ro))) {
		k_allow(k, "reads project metadata");
		return;
	}
	k_note(k, KN_ASK, false, at, "builtin: uv run",
	       "installs packages or runs project code");
}

/* cargo, go, make, terraform. */

static void cargo_config(struct kctx *k, size_t val, const char *v)
{
	k_note(k, KN_DENY, true, val, "builtin: cargo --config",
	       "sets cargo configuration (rustc wrappers, runners)");
}

void k_cargo(struct kctx *k)
{
	static const struct kopt opts[] = {
	    {"--config", KO_ARG, NULL, NULL, cargo_config},
	    {"-Z", KO_ARG | KO_ASK, "builtin: cargo -Z",
	     "unstable flags change how cargo builds", NULL},
	};
	static const char *const with_value[] = {"--color", "-Z", "--config",
						 "-C", "--manifest-path"};
	static const char *const ro[] = {"fmt",
					 "metadata",
					 "tree",
					 "version",
					 "help",
					 "search",
					 "locate-project",
					 "pkgid",
					 "verify-project",
					 "read-manifest",
					 "--version",
					 "-V",
					 "--list",
					 "info"};
	struct kscan ks;
	SCAN(k, 1, opts, NULL, KS_DYNOPT, &ks);
	size_t at = k_subcommand(k, 1, with_value, BH_ARRAY_SIZE(with_value));
	const char *sub = at == CMD_NONE ? k_s(k, 1) : k_s(k, at);
	if (k->av->n == 1 || ONE_OF(sub, ro)) {
		k_allow(k, "reads the project");
		return;
	}
	k_note(k, KN_ASK, false, at, "builtin: cargo build",
	       "build scripts, procedural macros and tests run code from "
	       "the workspace and its dependencies");
}

void k_go(struct kctx *k)
{
	static const struct kopt opts[] = {
	    {"-exec", KO_ARG | KO_DENY, "builtin: go -exec",
	     "runs test binaries through another program", NULL},
	    {"-toolexec", KO_ARG | KO_DENY, "builtin: go -toolexec",
	     "runs the compiler tools through another program", NULL},
	    {"--exec", KO_ARG | KO_DENY, "builtin: go -exec",
	     "runs test binaries through another program", NULL},
	    {"--toolexec", KO_ARG | KO_DENY, "builtin: go -toolexec",
	     "runs the compiler tools through another program", NULL},
	    {"-o", KO_ARG | KO_WRITE, NULL, NULL, NULL},
	};
	static const char *const ro[] = {"fmt", "doc",	"version",
					 "env", "list", "help"};
	static const char *const with_value[] = {"-C"};
	struct kscan ks;
	SCAN(k, 1, opts, "-C", KS_SINGLE | KS_DYNOPT, &ks);
	size_t at = k_subcommand(k, 1, with_value, 1);
	const char *sub = at == CMD_NONE ? "" : k_s(k, at);
	if (strcmp(sub, "env") == 0)
		for (size_t i = at + 1; i < k->av->n; i++)
			if (!strcmp(k_s(k, i), "-w") ||
			    !strcmp(k_s(k, i), "-u"))
				k_note(k, KN_DENY, true, i,
				       "builtin: go env -w",
				       "writes go's environment file "
				       "(GOFLAGS, GOPROXY) for later "
				       "commands");
	if (at == CMD_NONE || ONE_OF(sub, ro) ||
	    (!strcmp(sub, "mod") && (!strcmp(k_s(k, at + 1), "graph") ||
				     !strcmp(k_s(k, at + 1), "why") ||
				     !strcmp(k_s(k, at + 1), "verify")))) {
		k_allow(k, "reads the module");
		return;
	}
	k_note(k, KN_ASK, false, at, "builtin: go build",
	       "builds and runs code: tests, generators, cgo");
}

void k_make(struct kctx *k)
{
	for (size_t i = 1; i < k->av->n; i++) {
		const char *s = k_s(k, i);
		if (!strcmp(s, "--version") || !strcmp(s, "-v")) {
			k_allow(k, "prints the version");
			return;
		}
		if (!strcmp(s, "-E") || k_optmatch(s, "--eval"))
			k_note(k, KN_DENY, true, i, "builtin: make --eval",
			       "evaluates make code given on the command "
			       "line");
		if (!strncmp(s, "SHELL=", 6) ||
		    !strncmp(s, ".SHELLFLAGS=", 12) ||
		    !strncmp(s, "MAKEFLAGS=", 10))
			k_note(k, KN_DENY, true, i, "builtin: make SHELL=",
			       "changes the shell every recipe runs with");
	}
	k_note(k, KN_ASK, false, CMD_NONE, "builtin: make",
	       "runs the recipes of the workspace's makefile");
}

void k_terraform(struct kctx *k)
{
	static const char *const ro[] = {"version", "-version", "--version",
					 "fmt",	    "-help",	"--help",
					 "help"};
	if (k->av->n == 1 || ONE_OF(k_s(k, 1), ro))
		k_allow(k, "formats or prints the version");
	else
		k_note(k, KN_ASK, false, 1, "builtin: terraform",
		       "runs providers and external data sources");
}

/* Interpreters. */

struct lang {
	const char *names;	/* space-separated */
	const char *code_short; /* short options whose value is code */
	const char *const *code_long;
	const char *arg_short;	 /* short options that take a value */
	const char *interactive; /* short options for a REPL */
};

static const char *const py_long[] = {"--command", NULL};
static const char *const js_long[] = {"--eval", "--print", NULL};
static const char *const no_long[] = {NULL};

static const struct lang langs[] = {
    {" python python3 python2 ", "c", py_long, "WXm", "i"},
    {" node nodejs ", "ep", js_long, "r", "i"},
    {" deno ", "", js_long, "", ""},
    {" ruby ", "e", no_long, "rIC", ""},
    {" perl ", "eE", no_long, "IMmxC", "d"},
    {" php ", "rBRE", no_long, "cdfzt", "a"},
    {" lua luajit ", "e", no_long, "l", "i"},
    {" Rscript ", "e", no_long, "", ""},
    {" tclsh ", "", no_long, "", ""},
};

static const struct lang *lang_of(const char *name)
{
	cleanup_free char *key = bh_xasprintf(" %s ", name);
	for (size_t i = 0; i < BH_ARRAY_SIZE(langs); i++)
		if (strstr(langs[i].names, key))
			return &langs[i];
	return &langs[0];
}

/*
 * Code on the command line (-c, -e, --eval) is denied unless a rule
 * names it; a script file or module asks; an interpreter reading code
 * from its input (no operand, `-`, -i) is denied: that code is not in
 * the command string.
 */
void k_interp(struct kctx *k)
{
	const struct lang *l = lang_of(k->name);
	const struct cmd_argv *av = k->av;
	for (size_t i = 1; i < av->n; i++) {
		const char *s = k_s(k, i);
		if (!av->a[i].s && !av->a[i].optsafe) {
			k_note(k, KN_ASK, true, i, "builtin: interpreter",
			       "an argument computed at run time could be an "
			       "option that runs code");
			return;
		}
		if (!strcmp(s, "--version") || !strcmp(s, "-V") ||
		    (!strcmp(s, "-v") && strcmp(k->name, "perl") != 0 &&
		     av->n == 2) ||
		    !strcmp(s, "--help") || !strcmp(s, "-h")) {
			k_allow(k, "prints the version or help");
			return;
		}
		if (s[0] != '-' || !strcmp(s, "-")) {
			if (!strcmp(s, "-"))
				break;
			if (strcmp(k->name, "deno") == 0 &&
			    !strcmp(s, "eval")) {
				k_note(k, KN_DENY, true, i,
				       "builtin: deno eval",
				       "runs code given on the command line");
				return;
			}
			k_note(k, KN_ASK, false, i, "builtin: interpreter",
			       "runs a script file: code this check does not "
			       "read");
			return;
		}
		if (!strcmp(s, "--")) {
			if (i + 1 < av->n) {
				k_note(k, KN_ASK, false, i + 1,
				       "builtin: interpreter",
				       "runs a script file: code this check "
				       "does not read");
				return;
			}
			break;
		}
		if (s[1] == '-') {
			for (const char *const *c = l->code_long; *c; c++)
				if (k_optmatch(s, *c)) {
					k_note(k, KN_DENY, true, i,
					       "builtin: interpreter -c",
					       "runs code given on the command "
					       "line");
					return;
				}
			if (k_optmatch(s, "--interactive")) {
				k_note(k, KN_DENY, true, i,
				       "builtin: interpreter",
				       "an interactive interpreter");
				return;
			}
			if ((k_optmatch(s, "--require") ||
			     k_optmatch(s, "--import") ||
			     k_optmatch(s, "--loader")) &&
			    !strchr(s, '='))
				i++;
			continue;
		}
		for (size_t c = 1; s[c]; c++) {
			if (strchr(l->code_short, s[c])) {
				k_note(k, KN_DENY, true, i,
				       "builtin: interpreter -c",
				       "runs code given on the command line");
				return;
			}
			if (strchr(l->interactive, s[c])) {
				k_note(k, KN_DENY, true, i,
				       "builtin: interpreter",
				       "an interactive interpreter");
				return;
			}
			if (s[c] == 'm' && strchr(l->arg_short, 'm') &&
			    strstr(k->name, "python")) {
				const char *mod =
				    s[c + 1] ? s + c + 1 : k_s(k, i + 1);
				if (!strcmp(mod, "pip")) {
					k_note(k, KN_ALLOW, false, CMD_NONE,
					       "builtin: wrapper", "runs pip");
					k_wrap(k, s[c + 1] ? i : i + 1);
					return;
				}
				k_note(k, KN_ASK, false, i,
				       "builtin: interpreter -m",
				       "runs a module: code this check does "
				       "not read");
				return;
			}
			if (strchr(l->arg_short, s[c])) {
				if (!s[c + 1])
					i++;
				break;
			}
		}
	}
	k_note(k, KN_DENY, true, CMD_NONE, "builtin: interpreter",
	       "reads code from its input, which this check cannot see");
}
