/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

#define BULKHEAD_VERSION "0.1.0"

static const char main_help[] =
	"usage: bulkhead COMMAND [OPTIONS]\n"
	"\n"
	"A sandbox runtime for AI coding agents: one policy, enforced by the\n"
	"kernel, reported rule by rule, logged.\n"
	"\n"
	"commands:\n"
	"  run [OPTIONS] -- CMD   run CMD confined by a profile\n"
	"  explain [OPTIONS]      the effective policy and what the tier enforces\n"
	"  log [OPTIONS]          read the audit log\n"
	"  profiles [NAME]        list the built-in profiles, or print one\n"
	"  sessions [--json]      list overlay-mode sessions kept for review\n"
	"  diff SESSION           what a session changed in the workspace\n"
	"  apply SESSION          copy a session's changes into the workspace\n"
	"  discard SESSION        remove a session and its changes\n"
	"  proxy -p PROFILE       run the egress proxy in the foreground\n"
	"  inventory [OPTIONS]    every credential a sandboxed command could reach\n"
	"  vm exec|stop SOCKET    a command in / the end of a warm microVM\n"
	"  check -- 'STRING'      decide an agent's command string (allow/ask/deny)\n"
	"  exec -- 'STRING'       decide it, then run it in a fresh sandboxed shell\n"
	"  hook claude-code|gemini-cli  the agent's before-tool hook\n"
	"  tiers [--json]         which isolation tiers work here, and why not\n"
	"  plan [ANSWERS]         the tier and profile a threat model calls for\n"
	"  version                print the version\n"
	"  help [COMMAND]         this text, or a command's help\n"
	"\n"
	"`bulkhead COMMAND --help` describes each command; man bulkhead(1).\n";

int bh_cli_fail(struct bh_error *err)
{
	if (!err) {
		fprintf(stderr, "bulkhead: failed\n");
		return 125;
	}
	fprintf(stderr, "bulkhead: %s\n", err->msg);
	if (err->hint)
		fprintf(stderr, "  hint: %s\n", err->hint);
	int st = bh_error_exit_status(err);
	bh_error_free(err);
	return st;
}

int bh_cli_finish_output(const char *what)
{
	if (fflush(stdout) == EOF || ferror(stdout)) {
		struct bh_error *err = NULL;
		bh_error_sys(&err, errno ? errno : EIO, "%s", what);
		return bh_cli_fail(err);
	}
	return 0;
}

int bh_cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "bulkhead %s: ", cmd);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n  (see `bulkhead %s --help`)\n", cmd);
	va_end(ap);
	return 2;
}

struct subcommand {
	const char *name;
	int (*fn)(int, char **);
};

static const struct subcommand commands[] = {
	{"run", bh_cmd_run},
	{"explain", bh_cmd_explain},
	{"log", bh_cmd_log},
	{"profiles", bh_cmd_profiles},
	{"sessions", bh_cmd_sessions},
	{"diff", bh_cmd_diff},
	{"apply", bh_cmd_apply},
	{"discard", bh_cmd_discard},
	{"proxy", bh_cmd_proxy},
	{"inventory", bh_cmd_inventory},
	{"vm", bh_cmd_vm},
	{"check", bh_cmd_check_cli},
	{"exec", bh_cmd_exec},
	{"hook", bh_cmd_hook},
	{"tiers", bh_cmd_tiers},
	{"plan", bh_cmd_plan},
	/* Internal: the inside pass of `inventory`. */
	{"__inventory-scan", bh_cmd_inventory_scan},
	/* Internal: the gvisor tier's init (and egress relay), inside. */
	{"__gvisor-init", bh_cmd_gvisor_init},
};

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(main_help, stderr);
		return 2;
	}
	const char *name = argv[1];
	if (!strcmp(name, "-h") || !strcmp(name, "--help")) {
		fputs(main_help, stdout);
		return 0;
	}
	if (!strcmp(name, "version") || !strcmp(name, "--version")) {
		printf("bulkhead %s\n", BULKHEAD_VERSION);
		return 0;
	}
	if (!strcmp(name, "help")) {
		if (argc < 3) {
			fputs(main_help, stdout);
			return 0;
		}
		for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]);
		     i++)
			if (!strcmp(argv[2], commands[i].name)) {
				char *hargv[] = {argv[2], "--help", NULL};
				return commands[i].fn(2, hargv);
			}
		fprintf(stderr, "bulkhead: no command '%s'\n", argv[2]);
		return 2;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(name, commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "bulkhead: unknown command '%s'\n%s", name, main_help);
	return 2;
}
