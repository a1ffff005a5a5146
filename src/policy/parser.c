/* SPDX-License-Identifier: MIT */
/*
 * The profile parser: directives, includes, and the policy they build.
 *
 * Trust model: a profile widens or narrows what a sandboxed command may do,
 * so the parser is strict where leniency would silently widen access.
 * Unknown directives, unknown variables, relative paths, ".." and
 * ambiguous values are errors that stop the launch; nothing is skipped with
 * a warning.  Includes are followed only to built-in profiles and to what
 * the caller's reader returns (never relative to the current directory,
 * which is normally the untrusted workspace).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/util.h"
#include "policy/internal.h"

int bh_perr(struct bh_parser *ps, unsigned col, const char *hint,
	    const char *fmt, ...)
{
	struct bh_strbuf sb = BH_STRBUF_INIT;
	const struct bh_frame *top = &ps->frames[ps->depth ? ps->depth - 1 : 0];
	va_list ap;

	if (!ps->err || *ps->err)
		return -EINVAL;
	bh_strbuf_printf(&sb, "%s:%u:%u: ", top->file ? top->file : "?",
			 top->line, col);
	va_start(ap, fmt);
	char *msg = bh_xvasprintf(fmt, ap);
	va_end(ap);
	bh_strbuf_puts(&sb, msg);
	free(msg);
	/* Innermost first: the profile that included this one, then the
	 * one that included that, up to the top. */
	for (size_t i = ps->depth > 1 ? ps->depth - 1 : 0; i-- > 0;)
		bh_strbuf_printf(&sb, "%s%s:%u:%u",
				 i == ps->depth - 2 ? " (included from " : ", ",
				 ps->frames[i].file, ps->frames[i].line,
				 ps->frames[i].inc_col);
	if (ps->depth > 1)
		bh_strbuf_putc(&sb, ')');
	int r = bh_error_set(ps->err, BH_EK_PROFILE, EINVAL, "%s", sb.buf);
	bh_strbuf_release(&sb);
	if (hint)
		bh_error_hint(*ps->err, "%s", hint);
	return r;
}

const char *bh_policy_intern(struct bh_policy *p, const char *s)
{
	for (size_t i = 0; i < p->n_strtab; i++)
		if (strcmp(p->strtab[i], s) == 0)
			return p->strtab[i];
	bh_strv_push(&p->strtab, &p->n_strtab, bh_xstrdup(s));
	return p->strtab[p->n_strtab - 1];
}

static struct bh_loc loc_at(const struct bh_parser *ps, unsigned col)
{
	const struct bh_frame *f = &ps->frames[ps->depth - 1];
	return (struct bh_loc){f->file, f->line, col};
}

/* Paths. */

/*
 * Checks that the line has at least `min` words; otherwise an error at
 * word `at` (the directive, or its sub-command) saying what is missing.
 */
static int need_words(struct bh_parser *ps, const struct bh_line *l, size_t min,
		      size_t at, const char *what, const char *hint)
{
	if (l->n >= min)
		return 0;
	return bh_perr(ps, l->tok[at].col, hint, "%s%s%s needs at least one %s",
		       l->tok[0].text, at ? " " : "", at ? l->tok[1].text : "",
		       what);
}

/* Expands and normalises the path argument t.  Caller frees *out. */
static int path_arg(struct bh_parser *ps, const struct bh_token *t,
		    const char *relative_hint, char **out)
{
	cleanup_free char *expanded = NULL;
	const char *why = NULL;
	int r = bh_expand(ps, t, &expanded);
	if (r < 0)
		return r;
	*out = bh_path_normalize(expanded, &why);
	if (*out)
		return 0;

	cleanup_free char *shown = bh_tok_show(t->text);
	cleanup_free char *hint = NULL;
	if (strcmp(why, "is relative") == 0) {
		if (relative_hint)
			hint = bh_xstrdup(relative_hint);
		else if (t->text[0] == '~')
			hint =
			    bh_xstrdup("write ${HOME} instead of ~ (profiles "
				       "are not expanded by a shell)");
		else if (t->text[0] == '$')
			hint = bh_xstrdup("the variable's value must be an "
					  "absolute path");
		else
			hint = bh_xasprintf(
			    "paths must be absolute; use ${WORKSPACE}/%s "
			    "for one in the workspace",
			    shown + (bh_str_has_prefix(shown, "./") ? 2 : 0));
	} else if (strcmp(why, "has a '..' component") == 0) {
		hint = bh_xstrdup("write the path without '..': symlinks are "
				  "not resolved in profiles, so '..' could "
				  "name another place");
	} else {
		hint = bh_xstrdup("give an absolute path of at most 4095 "
				  "bytes, e.g. /usr or ${WORKSPACE}/build");
	}
	return bh_perr(ps, t->col, hint, "path '%s' %s", shown, why);
}

static int dir_paths(struct bh_parser *ps, const struct bh_line *l, unsigned op)
{
	struct bh_policy *p = ps->p;

	int r = need_words(ps, l, 2, 0, "path",
			   "list one or more absolute paths, e.g. read /usr "
			   "/etc");
	for (size_t i = 1; i < l->n && r == 0; i++) {
		char *path = NULL;
		r = path_arg(ps, &l->tok[i], NULL, &path);
		if (r < 0)
			return r;
		bh_xgrow((void **)&p->paths, &ps->cap_paths, p->n_paths + 1,
			 sizeof(*p->paths));
		p->paths[p->n_paths++] = (struct bh_path_rule){
		    (enum bh_path_op)op, path, loc_at(ps, l->tok[i].col)};
	}
	return r;
}

/* Environment. */

static void env_add(struct bh_parser *ps, enum bh_env_op op, char *name,
		    char *value, unsigned col)
{
	struct bh_policy *p = ps->p;
	bh_xgrow((void **)&p->env, &ps->cap_env, p->n_env + 1, sizeof(*p->env));
	p->env[p->n_env++] =
	    (struct bh_env_rule){op, name, value, loc_at(ps, col)};
}

static int env_name_arg(struct bh_parser *ps, const struct bh_token *t,
			bool glob)
{
	cleanup_free char *shown = bh_tok_show(t->text);
	if (strchr(t->text, '='))
		return bh_perr(ps, t->col,
			       "to give a variable a value, write env set "
			       "NAME=VALUE",
			       "'%s' is not a variable name", shown);
	if (!bh_env_name_valid(t->text, glob))
		return bh_perr(ps, t->col,
			       glob ? "names are letters, digits and '_', not "
				      "starting with a digit; '*' matches any "
				      "run of characters"
				    : "names are letters, digits and '_', not "
				      "starting with a digit",
			       "invalid variable name '%s'", shown);
	return 0;
}

static int env_names(struct bh_parser *ps, const struct bh_line *l,
		     enum bh_env_op op)
{
	int r = need_words(ps, l, 3, 1, "name",
			   "list one or more variable names, e.g. env keep "
			   "LANG LC_*");
	for (size_t i = 2; i < l->n && r == 0; i++) {
		const struct bh_token *t = &l->tok[i];
		r = env_name_arg(ps, t, true);
		if (r < 0)
			return r;
		bool all = t->text[strspn(t->text, "*")] == '\0';
		if (all && op == BH_ENV_KEEP)
			return bh_perr(ps, t->col,
				       "list the variables the command needs, "
				       "e.g. env keep LANG LC_* TERM",
				       "keeping the whole host environment "
				       "defeats the filter");
		if (all && op == BH_ENV_ALLOW_UNSAFE)
			return bh_perr(ps, t->col,
				       "name the variables, e.g. env "
				       "allow-unsafe LD_LIBRARY_PATH",
				       "allowing every unsafe variable "
				       "defeats the filter");
		env_add(ps, op, bh_xstrdup(t->text), NULL, t->col);
	}
	return r;
}

static int env_set(struct bh_parser *ps, const struct bh_line *l)
{
	static const char hint[] =
	    "write env set NAME=VALUE, one per line; quote a value "
	    "with spaces: env set NAME=\"a b\"";
	if (l->n != 3)
		return bh_perr(ps, l->tok[l->n < 3 ? 1 : 3].col, hint,
			       l->n < 3 ? "env set needs NAME=VALUE"
					: "env set takes one NAME=VALUE");
	const struct bh_token *t = &l->tok[2];
	const char *eq = strchr(t->text, '=');
	if (!eq)
		return bh_perr(ps, t->col, hint, "env set needs NAME=VALUE");
	struct bh_token name = {bh_xstrndup(t->text, (size_t)(eq - t->text)),
				t->col};
	int r = env_name_arg(ps, &name, false);
	struct bh_token value = {(char *)eq + 1, t->col};
	char *expanded = NULL;
	if (r == 0)
		r = bh_expand(ps, &value, &expanded);
	if (r < 0) {
		free(name.text);
		return r;
	}
	env_add(ps, BH_ENV_SET, name.text, expanded, t->col);
	return 0;
}

/*
 * `env prepend NAME DIR...`: NAME=DIR:...:<value set before>.  Resolved
 * here into an `env set`, so the environment module sees only the four
 * kinds of rule, and profiles that each add a toolchain to PATH compose.
 */
static int env_prepend(struct bh_parser *ps, const struct bh_line *l)
{
	const struct bh_policy *p = ps->p;
	if (l->n < 4)
		return bh_perr(ps, l->tok[1].col,
			       "write env prepend NAME DIR..., e.g. env "
			       "prepend PATH ${HOME}/.cargo/bin",
			       "env prepend needs a name and at least one "
			       "directory");
	const struct bh_token *nt = &l->tok[2];
	int r = env_name_arg(ps, nt, false);
	if (r < 0)
		return r;

	const char *base = NULL;
	for (size_t i = p->n_env; i-- > 0 && !base;) {
		const struct bh_env_rule *e = &p->env[i];
		if (e->op == BH_ENV_ALLOW_UNSAFE ||
		    !bh_env_glob_match(e->name, nt->text))
			continue;
		if (e->op != BH_ENV_SET || strcmp(e->name, nt->text) != 0)
			break;
		base = e->value;
	}
	if (!base)
		return bh_perr(ps, nt->col,
			       "prepend adds to a value the profile sets: "
			       "write env set NAME=VALUE first",
			       "%s has no value set by this profile or its "
			       "includes",
			       nt->text);

	struct bh_strbuf sb = BH_STRBUF_INIT;
	for (size_t i = 3; i < l->n; i++) {
		char *dir = NULL;
		r = path_arg(ps, &l->tok[i],
			     "give absolute directories: a relative entry is "
			     "looked up wherever the command happens to be",
			     &dir);
		if (r == 0 && strchr(dir, ':'))
			r = bh_perr(ps, l->tok[i].col,
				    "':' separates the entries of a list; "
				    "this directory cannot be one",
				    "directory '%s' contains ':'", dir);
		if (r < 0) {
			free(dir);
			bh_strbuf_release(&sb);
			return r;
		}
		bh_strbuf_puts(&sb, dir);
		bh_strbuf_putc(&sb, ':');
		free(dir);
	}
	bh_strbuf_puts(&sb, base);
	env_add(ps, BH_ENV_SET, bh_xstrdup(nt->text), bh_strbuf_steal(&sb),
		nt->col);
	return 0;
}

static const char *const env_subs[] = {"keep", "set", "unset", "allow-unsafe",
				       "prepend"};

static int dir_env(struct bh_parser *ps, const struct bh_line *l,
		   unsigned unused)
{
	static const char hint[] =
	    "env takes keep, set, unset, allow-unsafe or prepend";
	if (l->n < 2)
		return bh_perr(ps, l->tok[0].col, hint,
			       "env needs a sub-command");
	const char *sub = l->tok[1].text;
	if (strcmp(sub, "keep") == 0)
		return env_names(ps, l, BH_ENV_KEEP);
	if (strcmp(sub, "unset") == 0)
		return env_names(ps, l, BH_ENV_UNSET);
	if (strcmp(sub, "allow-unsafe") == 0)
		return env_names(ps, l, BH_ENV_ALLOW_UNSAFE);
	if (strcmp(sub, "set") == 0)
		return env_set(ps, l);
	if (strcmp(sub, "prepend") == 0)
		return env_prepend(ps, l);
	cleanup_free char *shown = bh_tok_show(sub);
	const char *guess = bh_closest(sub, env_subs, BH_ARRAY_SIZE(env_subs));
	cleanup_free char *h =
	    guess ? bh_xasprintf("did you mean 'env %s'?", guess) : NULL;
	return bh_perr(ps, l->tok[1].col, h ? h : hint,
		       "unknown env sub-command '%s'", shown);
}

/* Network. */

static void net_reset(struct bh_policy *p)
{
	for (size_t i = 0; i < p->n_hosts; i++)
		free(p->hosts[i].host);
	p->n_hosts = 0;
	p->net_unix = false;
	p->net_unix_loc = (struct bh_loc){0};
}

static int net_hosts(struct bh_parser *ps, const struct bh_line *l, bool allow)
{
	struct bh_policy *p = ps->p;
	int r = need_words(ps, l, 3, 1, "host",
			   "list host names with optional ports, e.g. net "
			   "allow registry.npmjs.org github.com:443");
	for (size_t i = 2; i < l->n && r == 0; i++) {
		const struct bh_token *t = &l->tok[i];
		const char *why = NULL, *hint = NULL;
		unsigned port = 0;
		char *host = bh_host_parse(t->text, &port, &why, &hint);
		if (!host) {
			cleanup_free char *shown = bh_tok_show(t->text);
			return bh_perr(ps, t->col, hint, "host '%s' %s", shown,
				       why);
		}
		bool first_allow = allow;
		for (size_t k = 0; k < p->n_hosts && first_allow; k++)
			first_allow = !p->hosts[k].allow;
		if (first_allow || !p->net_declared)
			p->net_loc = loc_at(ps, t->col);
		p->net_declared = true;
		bh_xgrow((void **)&p->hosts, &ps->cap_hosts, p->n_hosts + 1,
			 sizeof(*p->hosts));
		p->hosts[p->n_hosts++] = (struct bh_host_rule){
		    allow, host, port, loc_at(ps, t->col)};
	}
	return r;
}

static const char *const net_subs[] = {"none", "allow", "deny", "unix"};

static int dir_net(struct bh_parser *ps, const struct bh_line *l,
		   unsigned unused)
{
	struct bh_policy *p = ps->p;
	static const char hint[] = "net takes none, allow HOST..., deny "
				   "HOST... or unix";
	if (l->n < 2)
		return bh_perr(ps, l->tok[0].col, hint,
			       "net needs a sub-command");
	const char *sub = l->tok[1].text;
	if (strcmp(sub, "allow") == 0 || strcmp(sub, "deny") == 0)
		return net_hosts(ps, l, sub[0] == 'a');
	bool none = strcmp(sub, "none") == 0;
	if (none || strcmp(sub, "unix") == 0) {
		if (l->n > 2)
			return bh_perr(ps, l->tok[2].col,
				       none
					   ? "net none turns all network "
					     "access off; it takes nothing "
					     "more"
					   : "net unix allows AF_UNIX sockets; "
					     "it takes nothing more",
				       "net %s takes no arguments", sub);
		struct bh_loc loc = loc_at(ps, l->tok[1].col);
		/* `net none` resets: a profile that includes one with
		 * registry access can take it away again. */
		if (none) {
			net_reset(p);
			p->net_loc = loc;
		} else {
			p->net_unix = true;
			p->net_unix_loc = loc;
			if (!p->net_declared)
				p->net_loc = loc;
		}
		p->net_declared = true;
		return 0;
	}
	cleanup_free char *shown = bh_tok_show(sub);
	const char *guess = bh_closest(sub, net_subs, BH_ARRAY_SIZE(net_subs));
	cleanup_free char *h =
	    guess ? bh_xasprintf("did you mean 'net %s'?", guess) : NULL;
	return bh_perr(ps, l->tok[1].col, h ? h : hint,
		       "unknown net sub-command '%s'", shown);
}

/* Limits, seccomp, scalars. */

static int dir_limit(struct bh_parser *ps, const struct bh_line *l,
		     unsigned unused)
{
	static const char *const keys[] = {
	    "memory", "pids", "cpu", "cputime", "time", "fsize", "nofile"};
	static const char hint[] =
	    "write KEY VALUE pairs, e.g. limit memory 4G pids 512 time "
	    "30m; keys: memory, pids, cpu, cputime, time, fsize, nofile";
	bool seen[BH_LIMIT__COUNT] = {false};

	if (l->n < 2)
		return bh_perr(ps, l->tok[0].col, hint,
			       "limit needs KEY VALUE pairs");
	for (size_t i = 1; i < l->n; i += 2) {
		const struct bh_token *kt = &l->tok[i];
		cleanup_free char *shown = bh_tok_show(kt->text);
		int k = bh_limit_from_name(kt->text);
		if (k < 0) {
			const char *guess =
			    bh_closest(kt->text, keys, BH_ARRAY_SIZE(keys));
			cleanup_free char *h =
			    guess ? bh_xasprintf("did you mean '%s'?", guess)
				  : NULL;
			return bh_perr(ps, kt->col, h ? h : hint,
				       "unknown limit '%s'", shown);
		}
		if (i + 1 >= l->n)
			return bh_perr(ps, kt->col, hint,
				       "limit %s has no value", kt->text);
		if (seen[k])
			return bh_perr(ps, kt->col,
				       "give each key once per directive",
				       "limit %s given twice", kt->text);
		seen[k] = true;
		const struct bh_token *vt = &l->tok[i + 1];
		const char *why = NULL, *vhint = NULL;
		uint64_t v = 0;
		if (bh_limit_parse((enum bh_limit_kind)k, vt->text, &v, &why,
				   &vhint) < 0) {
			cleanup_free char *vshown = bh_tok_show(vt->text);
			return bh_perr(ps, vt->col, vhint, "limit %s: '%s' %s",
				       kt->text, vshown, why);
		}
		ps->p->limits[k] =
		    (struct bh_limit_rule){true, v, loc_at(ps, kt->col)};
	}
	return 0;
}

static int dir_seccomp(struct bh_parser *ps, const struct bh_line *l,
		       unsigned unused)
{
	static const char *const subs[] = {"allow", "deny"};
	struct bh_policy *p = ps->p;
	if (l->n < 2)
		return bh_perr(ps, l->tok[0].col,
			       "write seccomp allow NAME... or seccomp deny "
			       "NAME...",
			       "seccomp needs allow or deny");
	const char *sub = l->tok[1].text;
	bool allow = strcmp(sub, "allow") == 0;
	if (!allow && strcmp(sub, "deny") != 0) {
		cleanup_free char *shown = bh_tok_show(sub);
		const char *guess = bh_closest(sub, subs, BH_ARRAY_SIZE(subs));
		cleanup_free char *h =
		    guess ? bh_xasprintf("did you mean 'seccomp %s'?", guess)
			  : NULL;
		return bh_perr(ps, l->tok[1].col,
			       h ? h : "seccomp takes allow or deny",
			       "unknown seccomp sub-command '%s'", shown);
	}
	int r = need_words(ps, l, 3, 1, "syscall",
			   "list syscall names or @groups, e.g. seccomp deny "
			   "ptrace");
	for (size_t i = 2; i < l->n && r == 0; i++) {
		const struct bh_token *t = &l->tok[i];
		if (!bh_syscall_name_valid(t->text)) {
			cleanup_free char *shown = bh_tok_show(t->text);
			return bh_perr(ps, t->col,
				       "syscall names are lower-case letters, "
				       "digits and '_' (e.g. ptrace); groups "
				       "start with '@' (e.g. @mount)",
				       "invalid syscall name '%s'", shown);
		}
		bh_xgrow((void **)&p->syscalls, &ps->cap_syscalls,
			 p->n_syscalls + 1, sizeof(*p->syscalls));
		p->syscalls[p->n_syscalls++] = (struct bh_syscall_rule){
		    allow, bh_xstrdup(t->text), loc_at(ps, t->col)};
	}
	return r;
}

/* Commands. */

static const char *const cmd_subs[] = {"allow", "ask", "deny", "default"};

const char *bh_cmd_decision_word(enum bh_cmd_decision d)
{
	return d == BH_CMD_DENY ? "deny" : d == BH_CMD_ASK ? "ask" : "allow";
}

int bh_cmd_decision_from_word(const char *s)
{
	for (int d = BH_CMD_ALLOW; d <= BH_CMD_DENY; d++)
		if (strcmp(s, cmd_subs[d]) == 0)
			return d;
	return -1;
}

/* A decision, or 3 for "default", or -1. */
static int cmd_sub_from_word(const char *s)
{
	return strcmp(s, "default") == 0 ? 3 : bh_cmd_decision_from_word(s);
}

/*
 * The PROGRAM of a command rule: a bare name, matched as the command's
 * first word is looked up in PATH, or an absolute path (variables
 * expanded), normalised as paths are.  Never a relative path — which
 * file it names depends on the directory the command runs in — and never
 * a glob: a rule names one program, so that reading it tells what it
 * lets run.
 */
static int cmd_program_arg(struct bh_parser *ps, const struct bh_token *t,
			   char **out)
{
	cleanup_free char *name = NULL;
	int r = bh_expand(ps, t, &name);
	if (r < 0)
		return r;
	cleanup_free char *shown = bh_tok_show(name);
	if (strchr(name, '/'))
		return path_arg(ps, t,
				"name a program (git) or give an absolute "
				"path (${WORKSPACE}/build.sh): a relative "
				"path names a different file in every "
				"directory",
				out);
	if (!name[0] || strpbrk(name, "*?="))
		return bh_perr(ps, t->col,
			       "a rule names one program, exactly; write one "
			       "rule per program (patterns are for its "
			       "arguments)",
			       "invalid program name '%s'", shown);
	*out = steal_pointer(&name);
	return 0;
}

static int cmd_default(struct bh_parser *ps, const struct bh_line *l)
{
	static const char hint[] = "write command default allow, ask or deny";
	if (l->n != 3)
		return bh_perr(ps, l->tok[l->n < 3 ? 1 : 3].col, hint,
			       l->n < 3 ? "command default needs a decision"
					: "command default takes one decision");
	int d = bh_cmd_decision_from_word(l->tok[2].text);
	if (d < 0) {
		cleanup_free char *shown = bh_tok_show(l->tok[2].text);
		return bh_perr(ps, l->tok[2].col, hint, "unknown decision '%s'",
			       shown);
	}
	ps->p->cmd_default_set = true;
	ps->p->cmd_default = (enum bh_cmd_decision)d;
	ps->p->cmd_default_loc = loc_at(ps, l->tok[2].col);
	return 0;
}

static int dir_command(struct bh_parser *ps, const struct bh_line *l,
		       unsigned unused)
{
	static const char hint[] =
	    "write command allow|ask|deny PROGRAM [ARG-PATTERN...] or command "
	    "default allow|ask|deny";
	struct bh_policy *p = ps->p;
	if (l->n < 2)
		return bh_perr(ps, l->tok[0].col, hint,
			       "command needs allow, ask, deny or default");
	const char *sub = l->tok[1].text;
	int d = cmd_sub_from_word(sub);
	if (d < 0) {
		cleanup_free char *shown = bh_tok_show(sub);
		const char *guess =
		    bh_closest(sub, cmd_subs, BH_ARRAY_SIZE(cmd_subs));
		cleanup_free char *h =
		    guess ? bh_xasprintf("did you mean 'command %s'?", guess)
			  : NULL;
		return bh_perr(ps, l->tok[1].col, h ? h : hint,
			       "unknown command sub-command '%s'", shown);
	}
	if (d == 3)
		return cmd_default(ps, l);
	if (l->n < 3)
		return bh_perr(ps, l->tok[1].col,
			       "name the program, e.g. command deny git push",
			       "command %s needs a program", sub);
	if (l->n - 3 > BH_CMD_MAX_PATTERNS)
		return bh_perr(ps, l->tok[3 + BH_CMD_MAX_PATTERNS].col,
			       "patterns match a prefix of the arguments; end "
			       "the rule earlier",
			       "more than %d argument patterns",
			       BH_CMD_MAX_PATTERNS);
	char *program = NULL;
	int r = cmd_program_arg(ps, &l->tok[2], &program);
	if (r < 0)
		return r;
	char **args = NULL;
	size_t n_args = 0;
	for (size_t i = 3; i < l->n && r == 0; i++) {
		char *pat = NULL;
		r = bh_expand(ps, &l->tok[i], &pat);
		if (r == 0)
			bh_strv_push(&args, &n_args, pat);
	}
	if (r < 0) {
		free(program);
		bh_strv_free(args);
		return r;
	}
	bh_xgrow((void **)&p->cmd_rules, &ps->cap_cmd_rules, p->n_cmd_rules + 1,
		 sizeof(*p->cmd_rules));
	p->cmd_rules[p->n_cmd_rules++] =
	    (struct bh_cmd_rule){(enum bh_cmd_decision)d, program, args, n_args,
				 loc_at(ps, l->tok[2].col)};
	return 0;
}

/* Checks that the directive has exactly `want` arguments. */
static int want_args(struct bh_parser *ps, const struct bh_line *l, size_t want,
		     const char *hint)
{
	if (l->n == want + 1)
		return 0;
	if (l->n <= want)
		return bh_perr(ps, l->tok[0].col, hint, "%s needs %s",
			       l->tok[0].text,
			       want == 1 ? "an argument" : "arguments");
	return bh_perr(ps, l->tok[want + 1].col, hint,
		       want ? "%s takes one argument" : "%s takes no arguments",
		       l->tok[0].text);
}

static int dir_tier(struct bh_parser *ps, const struct bh_line *l,
		    unsigned is_min)
{
	static const char *const names[] = {"kernel", "namespace", "gvisor",
					    "microvm", "auto"};
	const char *hint = is_min ? "min-tier is the weakest tier you accept: "
				    "kernel, namespace, gvisor or microvm"
				  : "tiers are kernel, namespace, gvisor, "
				    "microvm and auto";
	int r = want_args(ps, l, 1, hint);
	if (r < 0)
		return r;
	const struct bh_token *t = &l->tok[1];
	enum bh_tier_id id = bh_tier_from_name(t->text);
	if (id == BH_TIER_UNSET) {
		cleanup_free char *shown = bh_tok_show(t->text);
		const char *guess =
		    bh_closest(t->text, names, BH_ARRAY_SIZE(names));
		cleanup_free char *h =
		    guess ? bh_xasprintf("did you mean '%s'?", guess) : NULL;
		return bh_perr(ps, t->col, h ? h : hint, "unknown tier '%s'",
			       shown);
	}
	if (is_min && id == BH_TIER_AUTO)
		return bh_perr(ps, t->col, hint, "min-tier cannot be auto");
	if (is_min) {
		ps->p->min_tier = id;
		ps->p->min_tier_loc = loc_at(ps, t->col);
	} else {
		ps->p->tier = id;
		ps->p->tier_loc = loc_at(ps, t->col);
	}
	return 0;
}

static int dir_strict(struct bh_parser *ps, const struct bh_line *l,
		      unsigned unused)
{
	int r = want_args(ps, l, 0,
			  "write strict alone on its line: it makes degraded "
			  "rules stop the launch");
	if (r == 0) {
		ps->p->strict = true;
		ps->p->strict_loc = loc_at(ps, l->tok[0].col);
	}
	return r;
}

static int dir_home(struct bh_parser *ps, const struct bh_line *l,
		    unsigned unused)
{
	static const char hint[] =
	    "home private gives an empty HOME; home host keeps the "
	    "host's HOME path (access still follows the rules)";
	int r = want_args(ps, l, 1, hint);
	if (r < 0)
		return r;
	const struct bh_token *t = &l->tok[1];
	bool priv = strcmp(t->text, "private") == 0;
	if (!priv && strcmp(t->text, "host") != 0) {
		cleanup_free char *shown = bh_tok_show(t->text);
		return bh_perr(ps, t->col, hint,
			       "home takes private or host, not '%s'", shown);
	}
	ps->p->home = priv ? BH_HOME_PRIVATE : BH_HOME_HOST;
	ps->p->home_loc = loc_at(ps, t->col);
	return 0;
}

static int dir_workspace(struct bh_parser *ps, const struct bh_line *l,
			 unsigned unused)
{
	static const char hint[] =
	    "workspace direct writes the real tree; workspace overlay keeps "
	    "the changes for review (bulkhead diff / apply / discard)";
	int r = want_args(ps, l, 1, hint);
	if (r < 0)
		return r;
	const struct bh_token *t = &l->tok[1];
	bool ov = strcmp(t->text, "overlay") == 0;
	if (!ov && strcmp(t->text, "direct") != 0) {
		cleanup_free char *shown = bh_tok_show(t->text);
		return bh_perr(ps, t->col, hint,
			       "workspace takes direct or overlay, not '%s'",
			       shown);
	}
	ps->p->ws_mode = ov ? BH_WS_OVERLAY : BH_WS_DIRECT;
	ps->p->ws_mode_loc = loc_at(ps, t->col);
	return 0;
}

/* Includes. */

static int parse_source(struct bh_parser *ps, const char *id, const char *text,
			size_t len);

/* A name looked up among the built-ins and in the user's profile
 * directory: no slash, no leading dot. */
static bool bare_name(const char *s)
{
	if (!s[0] || s[0] == '.' || s[0] == '-')
		return false;
	for (const char *c = s; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '_' || *c == '-' ||
		      *c == '.'))
			return false;
	return true;
}

/* The hint for a profile that cannot be found: the built-in names. */
static char *not_found_hint(const char *name)
{
	struct bh_strbuf sb = BH_STRBUF_INIT;
	const char *names[32];
	size_t n = 0;
	for (const struct bh_builtin_profile *b = bh_builtin_profiles();
	     b->name && n < BH_ARRAY_SIZE(names); b++)
		names[n++] = b->name;
	const char *guess = bh_closest(name, names, n);
	if (guess)
		bh_strbuf_printf(&sb, "did you mean '%s'? ", guess);
	bh_strbuf_puts(&sb, "built-in profiles:");
	for (size_t i = 0; i < n; i++)
		bh_strbuf_printf(&sb, "%s %s", i ? "," : "", names[i]);
	bh_strbuf_puts(&sb, "; others are found in "
			    "~/.config/bulkhead/profiles/NAME.profile or by "
			    "absolute path");
	return bh_strbuf_steal(&sb);
}

static int include_file(struct bh_parser *ps, const struct bh_token *t,
			const char *name)
{
	cleanup_free char *text = NULL;
	cleanup_free char *display = NULL;
	struct bh_error *rerr = NULL;
	cleanup_free char *shown = bh_tok_show(name);

	if (!ps->reader || !ps->reader->read) {
		cleanup_free char *hint = not_found_hint(name);
		return bh_perr(ps, t->col, hint, "no profile '%s'", shown);
	}
	int r = ps->reader->read(ps->reader->ctx, name, &text, &display, &rerr);
	if (r < 0 || !text || !display) {
		bool enoent = r == -ENOENT || (rerr && rerr->code == ENOENT);
		cleanup_free char *hint = enoent ? not_found_hint(name) : NULL;
		if (enoent)
			r = bh_perr(ps, t->col, hint, "no profile '%s'", shown);
		else
			r = bh_perr(ps, t->col,
				    rerr && rerr->hint ? rerr->hint
						       : "check that the file "
							 "exists and is "
							 "readable",
				    "cannot read profile '%s': %s", shown,
				    rerr ? rerr->msg : "read failed");
		bh_error_free(rerr);
		return r < 0 ? r : -EINVAL;
	}
	bh_error_free(rerr);
	return parse_source(ps, display, text, strlen(text));
}

static int dir_include(struct bh_parser *ps, const struct bh_line *l,
		       unsigned unused)
{
	int r = want_args(ps, l, 1,
			  "write include NAME (a built-in or your own "
			  "profile) or include /absolute/path.profile, one "
			  "per line");
	if (r < 0)
		return r;
	const struct bh_token *t = &l->tok[1];
	cleanup_free char *name = NULL;
	r = bh_expand(ps, t, &name);
	if (r < 0)
		return r;
	ps->frames[ps->depth - 1].inc_col = t->col;

	if (bare_name(name)) {
		const struct bh_builtin_profile *b = bh_builtin_find(name);
		if (b) {
			cleanup_free char *id =
			    bh_xasprintf("builtin:%s", b->name);
			return parse_source(ps, id, b->text, strlen(b->text));
		}
		return include_file(ps, t, name);
	}
	cleanup_free char *path = NULL;
	r = path_arg(ps, t,
		     "give a built-in name or an absolute path: profiles are "
		     "never looked up relative to the current directory",
		     &path);
	if (r < 0)
		return r;
	return include_file(ps, t, path);
}

/* Directive table. */

struct directive {
	const char *name;
	int (*fn)(struct bh_parser *ps, const struct bh_line *l, unsigned arg);
	unsigned arg;
};

static const struct directive directives[] = {
    {"include", dir_include, 0},
    {"read", dir_paths, BH_PATH_READ},
    {"write", dir_paths, BH_PATH_WRITE},
    {"exec", dir_paths, BH_PATH_EXEC},
    {"hide", dir_paths, BH_PATH_HIDE},
    {"protect", dir_paths, BH_PATH_PROTECT},
    {"tmpfs", dir_paths, BH_PATH_TMPFS},
    {"env", dir_env, 0},
    {"net", dir_net, 0},
    {"limit", dir_limit, 0},
    {"seccomp", dir_seccomp, 0},
    {"tier", dir_tier, 0},
    {"min-tier", dir_tier, 1},
    {"strict", dir_strict, 0},
    {"home", dir_home, 0},
    {"workspace", dir_workspace, 0},
    {"command", dir_command, 0},
};

/* Words from other sandboxes' profiles, and what they are here. */
static const struct {
	const char *word, *hint;
} foreign[] = {
    {"whitelist", "write 'read PATH' or 'write PATH' to grant a path"},
    {"blacklist", "write 'hide PATH' to take a path away"},
    {"read-only", "write 'read PATH' (or 'protect PATH' inside a "
		  "writable tree)"},
    {"ro", "write 'read PATH' (or 'protect PATH' inside a writable tree)"},
    {"rw", "write 'write PATH'"},
    {"read-write", "write 'write PATH'"},
    {"deny", "write 'hide PATH' to take a path away"},
    {"setenv", "write 'env set NAME=VALUE'"},
    {"private-tmp", "write 'tmpfs /tmp'"},
    {"net-none", "write 'net none'"},
};

static int dispatch(struct bh_parser *ps, const struct bh_line *l)
{
	const char *word = l->tok[0].text;
	const char *names[BH_ARRAY_SIZE(directives)];

	for (size_t i = 0; i < BH_ARRAY_SIZE(directives); i++) {
		if (strcmp(word, directives[i].name) == 0)
			return directives[i].fn(ps, l, directives[i].arg);
		names[i] = directives[i].name;
	}
	cleanup_free char *shown = bh_tok_show(word);
	cleanup_free char *h = NULL;
	for (size_t i = 0; i < BH_ARRAY_SIZE(foreign) && !h; i++)
		if (strcmp(word, foreign[i].word) == 0)
			h = bh_xstrdup(foreign[i].hint);
	const char *guess = bh_closest(word, names, BH_ARRAY_SIZE(names));
	if (!h && guess)
		h = bh_xasprintf("did you mean '%s'?", guess);
	return bh_perr(ps, l->tok[0].col,
		       h ? h
			 : "directives are include, read, write, exec, hide, "
			   "protect, tmpfs, env, net, limit, seccomp, tier, "
			   "min-tier, strict, home, workspace and command",
		       "unknown directive '%s'", shown);
}

static int parse_lines(struct bh_parser *ps, const char *text, size_t len)
{
	struct bh_line line = {0};
	unsigned lineno = 0;
	int r = 0;

	/* A byte order mark is what some editors start UTF-8 files with. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		text += 3;
		len -= 3;
	}
	for (size_t pos = 0; pos < len && r == 0;) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		ps->frames[ps->depth - 1].line = ++lineno;
		r = bh_lex_line(ps, text + pos, end - pos, &line);
		if (r == 0 && line.n > 0)
			r = dispatch(ps, &line);
		pos = end + 1;
	}
	bh_line_release(&line);
	return r;
}

/*
 * Parses the profile `id` (its text) as an include of the current frame
 * (or as the top profile).  A profile already on the include stack is a
 * cycle; one read before, elsewhere, is skipped: it has already added its
 * rules, and adding them again would only move its scalar settings later.
 */
static int parse_source(struct bh_parser *ps, const char *id, const char *text,
			size_t len)
{
	struct bh_policy *p = ps->p;

	for (size_t i = 0; i < ps->depth; i++) {
		if (strcmp(ps->frames[i].file, id) != 0)
			continue;
		struct bh_strbuf chain = BH_STRBUF_INIT;
		for (size_t k = i; k < ps->depth; k++)
			bh_strbuf_printf(&chain, "%s -> ", ps->frames[k].file);
		bh_strbuf_puts(&chain, id);
		int r = bh_perr(ps, ps->frames[ps->depth - 1].inc_col,
				"a profile cannot include itself, directly or "
				"through others; remove one of these includes",
				"include cycle: %s", chain.buf);
		bh_strbuf_release(&chain);
		return r;
	}
	for (size_t i = 0; i < p->n_sources; i++)
		if (strcmp(p->sources[i], id) == 0)
			return 0;
	if (ps->depth == BH_INCLUDE_MAX + 1)
		return bh_perr(ps, ps->frames[ps->depth - 1].inc_col,
			       "flatten the profiles: includes nest at most 16 "
			       "deep",
			       "includes nested too deeply");

	bh_strv_push(&p->sources, &p->n_sources, bh_xstrdup(id));
	ps->frames[ps->depth++] =
	    (struct bh_frame){bh_policy_intern(p, id), 0, 0};
	int r = parse_lines(ps, text, len);
	if (r == 0)
		ps->depth--;
	/* On error the frames stay, so the message names the chain. */
	return r;
}

/* Checks that need the whole policy. */
static int finish(struct bh_parser *ps)
{
	const struct bh_policy *p = ps->p;
	if (p->tier != BH_TIER_UNSET && p->tier != BH_TIER_AUTO &&
	    p->min_tier != BH_TIER_UNSET &&
	    bh_tier_strength(p->tier) < bh_tier_strength(p->min_tier)) {
		ps->frames[0] =
		    (struct bh_frame){p->tier_loc.file, p->tier_loc.line, 0};
		ps->depth = 1;
		return bh_perr(
		    ps, p->tier_loc.col,
		    "choose a tier at least as strong as min-tier, "
		    "or tier auto",
		    "tier %s is weaker than min-tier %s (set at %s:%u:%u)",
		    bh_tier_name(p->tier), bh_tier_name(p->min_tier),
		    p->min_tier_loc.file, p->min_tier_loc.line,
		    p->min_tier_loc.col);
	}
	return 0;
}

static int parse_top(const char *name, const char *id, const char *text,
		     size_t len, const struct bh_policy_vars *vars,
		     const struct bh_profile_reader *reader,
		     struct bh_policy **out, struct bh_error **err)
{
	struct bh_error *local = NULL;
	struct bh_parser ps = {
	    .p = bh_xcalloc(1, sizeof(*ps.p)),
	    .vars = vars,
	    .reader = reader,
	    .err = err ? err : &local,
	};
	ps.p->name = bh_xstrdup(name);
	ps.p->cmd_default = BH_CMD_ASK;
	int r = parse_source(&ps, id, text, len);
	if (r == 0)
		r = finish(&ps);
	bh_error_free(local);
	if (r < 0) {
		bh_policy_free(ps.p);
		return r;
	}
	*out = ps.p;
	return 0;
}

int bh_policy_parse(const char *display, const char *text, size_t len,
		    const struct bh_policy_vars *vars,
		    const struct bh_profile_reader *reader,
		    struct bh_policy **out, struct bh_error **err)
{
	if (!display)
		display = "<input>";
	return parse_top(display, display, text ? text : "", text ? len : 0,
			 vars, reader, out, err);
}

int bh_policy_load(const char *spec, const struct bh_policy_vars *vars,
		   const struct bh_profile_reader *reader,
		   struct bh_policy **out, struct bh_error **err)
{
	const struct bh_builtin_profile *b = bh_builtin_find(spec);
	if (b) {
		cleanup_free char *id = bh_xasprintf("builtin:%s", b->name);
		return parse_top(b->name, id, b->text, strlen(b->text), vars,
				 reader, out, err);
	}

	cleanup_free char *text = NULL;
	cleanup_free char *display = NULL;
	struct bh_error *rerr = NULL;
	int r = -ENOENT;
	if (reader && reader->read)
		r = reader->read(reader->ctx, spec, &text, &display, &rerr);
	if (r < 0 || !text || !display) {
		bool enoent = r == -ENOENT || (rerr && rerr->code == ENOENT);
		if (enoent) {
			r = bh_error_set(err, BH_EK_PROFILE, ENOENT,
					 "no profile '%s'", spec);
			if (err && *err) {
				char *hint = not_found_hint(spec);
				bh_error_hint(*err, "%s", hint);
				free(hint);
			}
		} else {
			r = bh_error_set(err, BH_EK_PROFILE,
					 rerr && rerr->code ? rerr->code : EIO,
					 "cannot read profile '%s': %s", spec,
					 rerr ? rerr->msg : "read failed");
			if (err && *err && rerr && rerr->hint)
				bh_error_hint(*err, "%s", rerr->hint);
		}
		bh_error_free(rerr);
		return r;
	}
	bh_error_free(rerr);
	return parse_top(display, display, text, strlen(text), vars, reader,
			 out, err);
}

void bh_policy_free(struct bh_policy *p)
{
	if (!p)
		return;
	free(p->name);
	for (size_t i = 0; i < p->n_paths; i++)
		free(p->paths[i].path);
	free(p->paths);
	for (size_t i = 0; i < p->n_env; i++) {
		free(p->env[i].name);
		free(p->env[i].value);
	}
	free(p->env);
	for (size_t i = 0; i < p->n_hosts; i++)
		free(p->hosts[i].host);
	free(p->hosts);
	for (size_t i = 0; i < p->n_syscalls; i++)
		free(p->syscalls[i].name);
	free(p->syscalls);
	for (size_t i = 0; i < p->n_cmd_rules; i++) {
		free(p->cmd_rules[i].program);
		bh_strv_free(p->cmd_rules[i].args);
	}
	free(p->cmd_rules);
	bh_strv_free(p->sources);
	bh_strv_free(p->strtab);
	free(p);
}
