/* SPDX-License-Identifier: MIT */
/*
 * Command control at the command line: `check` decides an agent's command
 * string, `exec` decides it and runs it in a fresh sandboxed shell, and
 * `hook claude-code` answers Claude Code's PreToolUse hook.  All three log
 * each decision to the audit log (the string's hash, the parsed commands,
 * the decision and the rule; arguments pass through the secret redactor).
 *
 * The sandbox stays the enforcement: `exec` runs an allowed string inside
 * `bulkhead run`, and nothing here can widen what the profile grants.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "audit/audit.h"
#include "cli/cli.h"
#include "cli/session.h"
#include "cmdpolicy/cmdrules.h"
#include "core/sha256.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "policy/policy.h"
#include "secrets/secrets.h"

static const char check_help[] =
	"usage: bulkhead check [-p PROFILE] [-w DIR] [--json] -- 'COMMAND STRING'\n"
	"\n"
	"Decides an agent's command string under the profile's command rules:\n"
	"every simple command in it (inside substitutions, pipelines, lists,\n"
	"wrappers such as env, xargs and sh -c) is checked; the strictest\n"
	"decision wins.  Prints the decision, the rule, and the sub-command and\n"
	"argument that decided.  '-' reads the string from stdin.\n"
	"\n"
	"  -p, --profile P     profile (default: default)\n"
	"  -w, --workspace D   workspace (default: git top or current dir)\n"
	"  --json              one JSON object (docs/commands.md)\n"
	"\n"
	"Exit status: 0 allow, 1 ask, 3 deny, 2 usage or profile error.\n";

static const char exec_help[] =
	"usage: bulkhead exec [RUN OPTIONS] [--yes] -- 'COMMAND STRING'\n"
	"\n"
	"Checks the string as `check` does, then runs it with bash (no startup\n"
	"files) in a fresh sandbox: `bulkhead run [RUN OPTIONS] -- bash -c\n"
	"STRING`.  Nothing one string sets (variables, aliases, functions, cd)\n"
	"reaches the next: every string gets the profile's fixed environment.\n"
	"A denied string is not run.  An `ask` is put to you on the terminal;\n"
	"without one it is refused, unless --yes accepts asks (never denies).\n"
	"RUN OPTIONS are those of `bulkhead run` (-p, -t, -w, --overlay, -q...).\n"
	"\n"
	"Exit status: the command's, as for `run`; 126 when the string was\n"
	"denied or an ask was not accepted; 2 usage or profile error.\n";

static const char hook_help[] =
	"usage: bulkhead hook claude-code|gemini-cli [-p PROFILE] [-w DIR]\n"
	"                     [--sandbox]\n"
	"\n"
	"The agent's before-tool hook: reads the hook's JSON on stdin and, for\n"
	"its shell tool (Claude Code: Bash; Gemini CLI: run_shell_command),\n"
	"answers in the agent's JSON on stdout: allow, ask or deny with the\n"
	"reason (Gemini CLI has no ask: its own confirmation then applies).\n"
	"Other tools get no answer (the agent's own permissions apply).\n"
	"--sandbox also rewrites allowed and asked commands to run under\n"
	"`bulkhead exec -p PROFILE`, so each runs in a fresh sandbox (use it\n"
	"when the agent itself is not inside `bulkhead run`).\n"
	"Setup: docs/agents.md.\n"
	"\n"
	"Exit status: 0 (the decision is in the JSON); 2 usage, profile or\n"
	"input error (Claude Code then blocks the call and shows the message).\n";

/* ---- shared ------------------------------------------------------------ */

struct checker {
	struct bh_policy *policy;
	struct bh_cmd_policy *cp;
	struct bh_secrets *secrets;
	unsigned char key[32];
	char *workspace, *cwd, *state;
	const char *profile;
	bool no_audit; /* the state directory cannot be used */
};

static void checker_free(struct checker *c)
{
	bh_cmd_policy_free(c->cp);
	bh_policy_free(c->policy);
	bh_secrets_free(c->secrets);
	free(c->workspace);
	free(c->cwd);
	free(c->state);
	explicit_bzero(c->key, sizeof(c->key));
}

static int checker_init(struct checker *c, const char *profile,
			const char *ws_flag, const char *cwd_override,
			struct bh_error **err)
{
	char buf[4096];
	if (cwd_override)
		c->cwd = bh_xstrdup(cwd_override);
	else if (getcwd(buf, sizeof(buf)))
		c->cwd = bh_xstrdup(buf);
	else
		return bh_error_sys(err, errno, "getcwd");
	c->workspace = bh_cli_workspace_path(ws_flag, c->cwd, err);
	if (!c->workspace)
		return -EINVAL;
	cleanup_free char *home = bh_cli_host_home();
	c->state = bh_state_dir(home, getenv("XDG_STATE_HOME"));
	c->profile = profile ? profile : "default";
	struct bh_policy_vars vars = {
		.workspace = c->workspace, .home = home, .tmpdir = "/tmp"};
	int r = bh_cli_load_profile(c->profile, &vars, &c->policy, err);
	if (r == 0)
		r = bh_cmd_policy_new(c->policy, c->workspace, &c->cp, err);
	if (r == 0)
		r = bh_secrets_new(&c->secrets, err);
	if (r == 0 && bh_load_key(c->state, c->key, err) != 0) {
		/* No usable state directory (inside a sandbox that hides it,
		 * a read-only HOME): decide anyway, with a key of this
		 * process's own; the decision cannot be logged. */
		fprintf(stderr, "bulkhead: %s; deciding without the audit "
				"log\n",
			(*err)->msg);
		bh_error_free(*err);
		*err = NULL;
		if (getrandom(c->key, sizeof(c->key), 0) != sizeof(c->key))
			return bh_error_sys(err, errno, "getrandom");
		c->no_audit = true;
	}
	return r;
}

static char *redact(const struct checker *c, const char *s)
{
	return s ? bh_secrets_redact(c->secrets, c->key, s) : NULL;
}

static json_t *jstr_or_null(char *owned)
{
	json_t *j = owned ? bh_audit_json_string(owned) : json_null();
	free(owned);
	return j;
}

/* The verdict as JSON; every command text and argument redacted. */
static json_t *verdict_json(const struct checker *c, const char *cmd,
			    const struct bh_cmd_verdict *v)
{
	json_t *o = json_object();
	json_object_set_new(o, "decision",
			    json_string(bh_cmd_decision_name(v->decision)));
	unsigned char h[32];
	char hex[65];
	bh_sha256((const unsigned char *)cmd, strlen(cmd), h);
	bh_hex(h, sizeof(h), hex);
	json_object_set_new(o, "command_sha256", json_string(hex));
	json_t *arr = json_array();
	for (size_t i = 0; i < v->n; i++) {
		const struct bh_cmd_finding *f = &v->v[i];
		json_t *x = json_object();
		json_object_set_new(x, "decision",
				    json_string(bh_cmd_decision_name(f->decision)));
		json_object_set_new(x, "command", jstr_or_null(redact(c, f->command)));
		json_object_set_new(x, "program", jstr_or_null(redact(c, f->program)));
		json_object_set_new(x, "argument", jstr_or_null(redact(c, f->arg)));
		json_object_set_new(x, "rule", jstr_or_null(redact(c, f->rule)));
		json_object_set_new(x, "reason", jstr_or_null(redact(c, f->reason)));
		json_array_append_new(arr, x);
	}
	json_object_set_new(o, "commands", arr);
	if (v->n)
		json_object_set_new(o, "decisive",
				    json_integer((json_int_t)v->decisive));
	return o;
}

/* One "command" record per decision; a log that cannot be written is
 * reported, not fatal (the decision stands either way). */
static void audit_decision(const struct checker *c, const char *source,
			   const char *cmd, const struct bh_cmd_verdict *v)
{
	if (c->no_audit)
		return;
	json_t *rec = json_object();
	json_object_set_new(rec, "source", json_string(source));
	json_object_set_new(rec, "profile", json_string(c->profile));
	json_object_set_new(rec, "cwd", bh_audit_json_string(c->cwd));
	json_t *vj = verdict_json(c, cmd, v);
	json_object_update(rec, vj);
	json_decref(vj);
	bh_cli_audit_one(c->state, "command", rec);
	json_decref(rec);
}

static const struct bh_cmd_finding *decisive(const struct bh_cmd_verdict *v)
{
	return v->n ? &v->v[v->decisive] : NULL;
}

/* "deny: RULE: REASON (in `COMMAND`, argument `ARG`)", redacted. */
static char *explain_line(const struct checker *c,
			  const struct bh_cmd_verdict *v)
{
	const struct bh_cmd_finding *f = decisive(v);
	struct bh_strbuf sb = {0};
	bh_strbuf_printf(&sb, "%s", bh_cmd_decision_name(v->decision));
	if (f) {
		cleanup_free char *rule = redact(c, f->rule);
		cleanup_free char *reason = redact(c, f->reason);
		cleanup_free char *cmd = redact(c, f->command);
		cleanup_free char *arg = redact(c, f->arg);
		if (rule)
			bh_strbuf_printf(&sb, ": %s", rule);
		if (reason)
			bh_strbuf_printf(&sb, ": %s", reason);
		if (cmd)
			bh_strbuf_printf(&sb, " (in `%s`", cmd);
		if (arg)
			bh_strbuf_printf(&sb, ", argument `%s`", arg);
		if (cmd)
			bh_strbuf_putc(&sb, ')');
	}
	return bh_strbuf_steal(&sb);
}

static int decide(const struct checker *c, const char *cmd,
		  struct bh_cmd_verdict *v, struct bh_error **err)
{
	memset(v, 0, sizeof(*v));
	return bh_cmd_check(c->cp, cmd, strlen(cmd), c->cwd, v, err);
}

static char *read_all_stdin(size_t max, struct bh_error **err)
{
	struct bh_strbuf sb = {0};
	char buf[8192];
	for (;;) {
		ssize_t k = read(0, buf, sizeof(buf));
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			bh_strbuf_release(&sb);
			bh_error_sys(err, errno, "reading stdin");
			return NULL;
		}
		if (k == 0)
			break;
		if (sb.len + (size_t)k > max) {
			bh_strbuf_release(&sb);
			bh_error_set(err, BH_EK_USAGE, E2BIG,
				     "stdin: more than %zu bytes", max);
			return NULL;
		}
		bh_strbuf_append(&sb, buf, (size_t)k);
	}
	if (memchr(sb.buf ? sb.buf : "", '\0', sb.len)) {
		bh_strbuf_release(&sb);
		bh_error_set(err, BH_EK_USAGE, EINVAL, "stdin: a NUL byte");
		return NULL;
	}
	return sb.buf ? bh_strbuf_steal(&sb) : bh_xstrdup("");
}

/* -p, -w, -h and one flag of the command's own (--json, --sandbox):
 * the options check and the hooks share.  Returns the index of the first
 * argument, -1 after --help (exit 0), or -2 after a usage error (exit 2). */
struct pw_opts {
	const char *profile, *ws;
	bool flag;
};

static int parse_pw(int argc, char **argv, const char *cmd, const char *help,
		    const char *flag_name, struct pw_opts *o)
{
	const struct option longs[] = {
		{"profile", required_argument, NULL, 'p'},
		{"workspace", required_argument, NULL, 'w'},
		{flag_name, no_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	};
	optind = 1;
	opterr = 0;
	int ch;
	while ((ch = getopt_long(argc, argv, "+p:w:h", longs, NULL)) != -1) {
		switch (ch) {
		case 'p':
			o->profile = optarg;
			break;
		case 'w':
			o->ws = optarg;
			break;
		case 'f':
			o->flag = true;
			break;
		case 'h':
			fputs(help, stdout);
			return -1;
		default:
			bh_cli_usage(cmd, "unknown option '%s'",
				     argv[optind - 1]);
			return -2;
		}
	}
	return optind;
}

/* ---- check --------------------------------------------------------------- */

int bh_cmd_check_cli(int argc, char **argv)
{
	struct pw_opts po = {0};
	int first = parse_pw(argc, argv, "check", check_help, "json", &po);
	if (first < 0)
		return first == -1 ? 0 : 2;
	const char *profile = po.profile, *ws = po.ws;
	bool json = po.flag;
	if (optind < argc && !strcmp(argv[optind], "--"))
		optind++;
	if (optind + 1 != argc)
		return bh_cli_usage("check", "want one COMMAND STRING (quote "
					     "it), or - to read it from stdin");
	struct bh_error *err = NULL;
	cleanup_free char *cmd = NULL;
	if (!strcmp(argv[optind], "-")) {
		cmd = read_all_stdin((size_t)1 << 20, &err);
		if (!cmd)
			return bh_cli_fail(err);
	} else {
		cmd = bh_xstrdup(argv[optind]);
	}
	struct checker c = {0};
	struct bh_cmd_verdict v = {0};
	int rc;
	if (checker_init(&c, profile, ws, NULL, &err) ||
	    decide(&c, cmd, &v, &err)) {
		rc = bh_cli_fail(err);
		goto out;
	}
	audit_decision(&c, "check", cmd, &v);
	if (json) {
		json_t *o = verdict_json(&c, cmd, &v);
		json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(o);
	} else {
		cleanup_free char *line = explain_line(&c, &v);
		printf("%s\n", line);
		for (size_t i = 0; i < v.n; i++) {
			const struct bh_cmd_finding *f = &v.v[i];
			cleanup_free char *fc = redact(&c, f->command);
			cleanup_free char *fr = redact(&c, f->rule);
			printf("  %-5s %s%s%s\n", bh_cmd_decision_name(f->decision),
			       fc ? fc : "?", fr ? "  # " : "", fr ? fr : "");
		}
	}
	rc = bh_cli_finish_output("writing the decision");
	if (rc == 0)
		rc = v.decision == BH_CMD_ALLOW ? 0
		     : v.decision == BH_CMD_ASK ? 1
						: 3;
out:
	bh_cmd_verdict_release(&v);
	checker_free(&c);
	return rc;
}

/* ---- exec ---------------------------------------------------------------- */

/* Asks on the terminal; false without one. */
static bool confirm(const char *line)
{
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return false;
	FILE *tty = fdopen(fd, "r+");
	if (!tty) {
		close(fd);
		return false;
	}
	fprintf(tty, "bulkhead: %s\nrun it in the sandbox? [y/N] ", line);
	fflush(tty);
	char ans[16] = {0};
	bool yes = fgets(ans, sizeof(ans), tty) &&
		   (ans[0] == 'y' || ans[0] == 'Y');
	fclose(tty);
	return yes;
}

int bh_cmd_exec(int argc, char **argv)
{
	/* --yes is ours; everything else before the string is `run`'s. */
	bool yes = false;
	char **runargv = bh_xcalloc((size_t)argc + 10, sizeof(char *));
	size_t rn = 0;
	runargv[rn++] = "run";
	int i = 1;
	for (; i < argc; i++) {
		if (!strcmp(argv[i], "--yes")) {
			yes = true;
			continue;
		}
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			free(runargv);
			fputs(exec_help, stdout);
			return 0;
		}
		if (!strcmp(argv[i], "--"))
			break;
		runargv[rn++] = argv[i];
	}
	if (i >= argc || i + 2 != argc) {
		free(runargv);
		return bh_cli_usage("exec", "want -- 'COMMAND STRING' (one "
					    "quoted argument) after the options");
	}
	const char *cmd = argv[i + 1];
	/* The run options, parsed as run parses them, for the profile and
	 * workspace the check must use. */
	struct bh_cli_opts o = {0};
	int idx = bh_cli_parse_opts((int)rn, runargv, &o, true, exec_help);
	if (idx >= 0 && idx != (int)rn) {
		bh_cli_usage("exec", "unexpected argument '%s' before --",
			     runargv[idx]);
		free(runargv);
		return 2;
	}
	if (idx < 0) {
		free(runargv);
		return idx == -2 ? 0 : 2;
	}
	struct checker c = {0};
	struct bh_cmd_verdict v = {0};
	struct bh_error *err = NULL;
	cleanup_free char *line = NULL;
	int rc = 126;
	if (checker_init(&c, o.profile, o.workspace, NULL, &err) ||
	    decide(&c, cmd, &v, &err)) {
		rc = bh_cli_fail(err);
		goto out;
	}
	audit_decision(&c, "exec", cmd, &v);
	line = explain_line(&c, &v);
	if (v.decision == BH_CMD_DENY) {
		fprintf(stderr, "bulkhead: not run: %s\n", line);
		goto out;
	}
	if (v.decision == BH_CMD_ASK && !yes && !confirm(line)) {
		fprintf(stderr, "bulkhead: not run (no one accepted the ask): "
				"%s\n",
			line);
		goto out;
	}
	/* bash, as the parser reads bash forms; no startup files; the
	 * profile's environment filter already drops BASH_ENV and ENV. */
	const char *shell = access("/bin/bash", X_OK) == 0 ? "/bin/bash"
							   : "/bin/sh";
	runargv[rn++] = "--";
	runargv[rn++] = (char *)shell;
	if (!strcmp(shell, "/bin/bash")) {
		runargv[rn++] = "--noprofile";
		runargv[rn++] = "--norc";
	}
	runargv[rn++] = "-c";
	runargv[rn++] = "--"; /* a string starting with '-' is a command */
	runargv[rn++] = (char *)cmd;
	runargv[rn] = NULL;
	bh_cmd_verdict_release(&v);
	checker_free(&c);
	fflush(NULL);
	rc = bh_cmd_run((int)rn, runargv);
	free(runargv);
	return rc;
out:
	bh_cmd_verdict_release(&v);
	checker_free(&c);
	free(runargv);
	return rc;
}

/* ---- hook claude-code --------------------------------------------------- */

/* Single-quotes s for a POSIX shell. */
static char *shell_quote(const char *s)
{
	struct bh_strbuf sb = {0};
	bh_strbuf_putc(&sb, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			bh_strbuf_puts(&sb, "'\\''");
		else
			bh_strbuf_putc(&sb, *s);
	}
	bh_strbuf_putc(&sb, '\'');
	return bh_strbuf_steal(&sb);
}

enum hook_agent { HOOK_CLAUDE_CODE, HOOK_GEMINI_CLI };

/* The answer in the agent's own format. */
static json_t *hook_answer(enum hook_agent agent, enum bh_cmd_decision d,
			   const char *reason, json_t *updated_input)
{
	json_t *o = json_object();
	if (agent == HOOK_CLAUDE_CODE) {
		json_t *hso = json_object();
		json_object_set_new(hso, "hookEventName",
				    json_string("PreToolUse"));
		json_object_set_new(hso, "permissionDecision",
				    json_string(bh_cmd_decision_name(d)));
		json_object_set_new(hso, "permissionDecisionReason",
				    bh_audit_json_string(reason));
		if (updated_input)
			json_object_set_new(hso, "updatedInput", updated_input);
		json_object_set_new(o, "hookSpecificOutput", hso);
		return o;
	}
	/* Gemini CLI: allow or deny; no decision leaves its own prompt. */
	if (d != BH_CMD_ASK)
		json_object_set_new(o, "decision",
				    json_string(bh_cmd_decision_name(d)));
	json_object_set_new(o, d == BH_CMD_ASK ? "systemMessage" : "reason",
			    bh_audit_json_string(reason));
	if (updated_input) {
		json_t *hso = json_object();
		json_object_set_new(hso, "tool_input", updated_input);
		json_object_set_new(o, "hookSpecificOutput", hso);
	}
	return o;
}

static int hook_agent(enum hook_agent agent, int argc, char **argv)
{
	struct pw_opts po = {0};
	int first = parse_pw(argc, argv, "hook", hook_help, "sandbox", &po);
	if (first < 0)
		return first == -1 ? 0 : 2;
	const char *profile = po.profile, *ws = po.ws;
	bool sandbox = po.flag;
	if (optind != argc)
		return bh_cli_usage("hook", "unexpected argument '%s'",
				    argv[optind]);
	struct bh_error *err = NULL;
	cleanup_free char *in = read_all_stdin((size_t)4 << 20, &err);
	if (!in) {
		bh_cli_fail(err);
		return 2; /* the agents' "block" */
	}
	json_error_t je;
	json_t *root = json_loads(in, 0, &je);
	if (!json_is_object(root)) {
		json_decref(root);
		fprintf(stderr, "bulkhead hook: stdin:%d:%d: not the hook's "
				"JSON object: %s\n",
			je.line, je.column, je.text);
		return 2;
	}
	const char *tool = json_string_value(json_object_get(root, "tool_name"));
	json_t *input = json_object_get(root, "tool_input");
	const char *cmd = json_string_value(json_object_get(input, "command"));
	const char *shell_tool =
		agent == HOOK_CLAUDE_CODE ? "Bash" : "run_shell_command";
	if (!tool || strcmp(tool, shell_tool) != 0) {
		json_decref(root); /* not ours: Claude Code's rules apply */
		return 0;
	}
	if (!cmd) {
		json_decref(root);
		fprintf(stderr, "bulkhead hook: %s tool_input has no "
				"\"command\" string\n",
			shell_tool);
		return 2;
	}
	/* Claude Code runs the command in its cwd, which it tells us. */
	const char *cwd = json_string_value(json_object_get(root, "cwd"));
	struct checker c = {0};
	struct bh_cmd_verdict v = {0};
	cleanup_free char *line = NULL, *reason = NULL;
	int rc = 0;
	if (checker_init(&c, profile, ws, cwd && cwd[0] == '/' ? cwd : NULL,
			 &err) ||
	    decide(&c, cmd, &v, &err)) {
		rc = bh_cli_fail(err);
		goto out;
	}
	audit_decision(&c,
		       agent == HOOK_CLAUDE_CODE ? "hook:claude-code"
						 : "hook:gemini-cli",
		       cmd, &v);
	line = explain_line(&c, &v);
	reason = bh_xasprintf("bulkhead: %s", line);
	json_t *upd = NULL;
	if (sandbox && v.decision != BH_CMD_DENY) {
		cleanup_free char *q = shell_quote(cmd);
		cleanup_free char *self = realpath("/proc/self/exe", NULL);
		/* The same profile and workspace the decision used, whatever
		 * directory the agent has moved to. */
		cleanup_free char *prof_abs =
			strchr(c.profile, '/') ? realpath(c.profile, NULL)
					       : NULL;
		cleanup_free char *qp =
			shell_quote(prof_abs ? prof_abs : c.profile);
		cleanup_free char *qw = shell_quote(c.workspace);
		cleanup_free char *qs = shell_quote(self ? self : "bulkhead");
		cleanup_free char *wrapped = bh_xasprintf(
			"%s exec --yes -q -p %s -w %s -- %s", qs, qp, qw, q);
		upd = json_deep_copy(input);
		json_object_set_new(upd, "command", json_string(wrapped));
	}
	json_t *outj = hook_answer(agent, v.decision, reason, upd);
	json_dumpf(outj, stdout, JSON_COMPACT);
	fputc('\n', stdout);
	json_decref(outj);
	rc = bh_cli_finish_output("writing the hook answer");
out:
	json_decref(root);
	bh_cmd_verdict_release(&v);
	checker_free(&c);
	/* The agents run the tool on any other failure status: exit 2 is
	 * their "block" (fail closed). */
	return rc ? 2 : 0;
}

int bh_cmd_hook(int argc, char **argv)
{
	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs(hook_help, stdout);
		return 0;
	}
	if (argc < 2)
		return bh_cli_usage("hook", "which agent? (claude-code, "
					    "gemini-cli)");
	if (!strcmp(argv[1], "claude-code"))
		return hook_agent(HOOK_CLAUDE_CODE, argc - 1, argv + 1);
	if (!strcmp(argv[1], "gemini-cli"))
		return hook_agent(HOOK_GEMINI_CLI, argc - 1, argv + 1);
	return bh_cli_usage("hook", "no hook for '%s' (claude-code, "
				    "gemini-cli)",
			    argv[1]);
}
