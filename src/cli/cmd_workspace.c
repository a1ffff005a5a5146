/* SPDX-License-Identifier: MIT */
/*
 * `bulkhead sessions | diff | apply | discard`: review and land the changes
 * an overlay-mode session made (docs/workspace.md).  Thin: the rules live
 * in src/workspace/.  Exit status: 0 done; 1 no such (or an ambiguous, busy
 * or running) session; 2 usage; 3 apply refused changes (nothing applied,
 * or with --yes the rest applied); 125 failure.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "cli/cli.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "workspace/apply.h"
#include "workspace/changes.h"
#include "workspace/overlay.h"
#include "workspace/render.h"

#define EXIT_NO_SESSION 1
#define EXIT_REFUSED 3

static const char sessions_help[] =
    "usage: bulkhead sessions [--json]\n"
    "\n"
    "Lists the overlay-mode sessions kept for review: id, state, when it\n"
    "started, how many changes it holds, and its workspace.  States:\n"
    "running, interrupted (the supervisor died; nothing is lost), ended,\n"
    "partial (applied in part), applied, discarding (a discard that did\n"
    "not finish), broken (no meta.json: discard it).\n"
    "\n"
    "  --json       one JSON array\n"
    "  -h, --help   this help\n"
    "\n"
    "Exit status: 0 done, 2 usage error, 125 failure.\n";

static const char diff_help[] =
    "usage: bulkhead diff SESSION [--stat] [--json]\n"
    "\n"
    "Shows what an overlay-mode session changed against the workspace as\n"
    "it is now: a summary (one line per change, with what apply would\n"
    "refuse and why), then a unified diff with git's headers.  Binary\n"
    "files and files over 8 MiB are named, not shown.  Control\n"
    "characters in names and lines are shown escaped (\\xNN, \\uNNNN).\n"
    "SESSION is an id or a unique prefix of one.\n"
    "\n"
    "  --stat       the summary only\n"
    "  --json       changes and summary as JSON\n"
    "  -h, --help   this help\n"
    "\n"
    "Exit status: 0 done, 1 no such session, 2 usage error, 125 failure.\n";

static const char apply_help[] =
    "usage: bulkhead apply SESSION [OPTIONS]\n"
    "\n"
    "Copies an overlay-mode session's changes into the workspace, each\n"
    "file atomically (temp file, fsync, rename).  It first shows the plan.\n"
    "It refuses changes to protected paths, setuid/setgid files, symlinks\n"
    "that lead outside the workspace, and files changed in the workspace\n"
    "after the session took its copy, unless allowed below or, when stdin\n"
    "is a terminal, confirmed one by one.  Device nodes, fifos and sockets\n"
    "are never applied.  When anything is refused, nothing is applied\n"
    "(exit 3) unless --yes.\n"
    "\n"
    "  -n, --dry-run            show the plan, change nothing\n"
    "  -y, --yes                ask nothing; apply what is allowed and\n"
    "                           leave out what is refused\n"
    "      --force              overwrite workspace files changed after\n"
    "                           the session took its copy\n"
    "      --force-protected    allow changes to protected paths\n"
    "      --strip-setid        apply setuid/setgid files without the bits\n"
    "      --allow-outside-links  allow symlinks leading outside\n"
    "      --discard            discard the session after a complete apply\n"
    "  -h, --help               this help\n"
    "\n"
    "Exit status: 0 everything applied, 1 no such session (or it is still\n"
    "running, or already applied), 2 usage error, 3 changes refused\n"
    "(nothing applied; with --yes the rest was), 125 failure (the changes\n"
    "before it stay applied; apply again to go on).\n";

static const char discard_help[] =
    "usage: bulkhead discard SESSION [--force]\n"
    "\n"
    "Removes an overlay-mode session and every change it held.  A session\n"
    "whose supervisor is still running is refused unless --force.\n"
    "\n"
    "  --force      discard even while its supervisor runs\n"
    "  -h, --help   this help\n"
    "\n"
    "Exit status: 0 removed, 1 no such session (or still running), 2 usage\n"
    "error, 125 could not remove everything (what is left is listed).\n";

/* The caller's state directory, as the audit log finds it. */
static char *state_dir(void)
{
	const char *home = getenv("HOME");
	if (!home || home[0] != '/') {
		struct passwd *pw = getpwuid(getuid());
		home = pw ? pw->pw_dir : NULL;
	}
	return bh_state_dir(home, getenv("XDG_STATE_HOME"));
}

/* No such session, an ambiguous prefix, a busy one: 1, not 125. */
static int fail(struct bh_error *err)
{
	bool missing = err && (err->code == ENOENT || err->code == ENOTUNIQ ||
			       err->code == EBUSY);
	int st = bh_cli_fail(err);
	return missing && st == 125 ? EXIT_NO_SESSION : st;
}

struct cmd_opts {
	const char *session;
	bool json, stat, force;
	struct bh_ws_apply_opts apply;
	bool discard;
};

enum {
	OPT_JSON = 256,
	OPT_STAT,
	OPT_FORCE,
	OPT_FORCE_PROTECTED,
	OPT_STRIP_SETID,
	OPT_ALLOW_LINKS,
	OPT_DISCARD,
};

/* Parses argv for a subcommand that takes the options in `longs`; wants
 * one SESSION unless !want_session.  Returns 0, -1 after help, or 2. */
static int parse(int argc, char **argv, const struct option *longs,
		 const char *shorts, const char *help, bool want_session,
		 struct cmd_opts *o)
{
	const char *cmd = argv[0];
	optind = 0;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		switch (c) {
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_STAT:
			o->stat = true;
			break;
		case OPT_FORCE:
			o->force = true;
			o->apply.allow |= BH_WS_R_CONFLICT;
			break;
		case OPT_FORCE_PROTECTED:
			o->apply.allow |= BH_WS_R_PROTECTED;
			break;
		case OPT_STRIP_SETID:
			o->apply.allow |= BH_WS_R_SETID;
			break;
		case OPT_ALLOW_LINKS:
			o->apply.allow |= BH_WS_R_LINK_OUT;
			break;
		case OPT_DISCARD:
			o->discard = true;
			break;
		case 'n':
			o->apply.dry_run = true;
			break;
		case 'y':
			o->apply.rest = true;
			break;
		case 'h':
			fputs(help, stdout);
			return -1;
		case ':':
			return bh_cli_usage(cmd, "%s wants an argument",
					    argv[optind - 1]);
		default:
			if (optopt)
				return bh_cli_usage(cmd, "unknown option '-%c'",
						    optopt);
			return bh_cli_usage(cmd, "unknown option '%s'",
					    argv[optind - 1]);
		}
	}
	if (want_session && optind >= argc)
		return bh_cli_usage(cmd, "which session? (`bulkhead "
					 "sessions` lists them)");
	if (want_session)
		o->session = argv[optind++];
	if (optind < argc)
		return bh_cli_usage(cmd, "unexpected argument '%s'",
				    argv[optind]);
	return 0;
}

/* A session opened for reading its changes. */
struct loaded {
	struct bh_ws_session *s;
	int ws_fd, upper_fd;
	struct bh_ws_changes *c;
	struct bh_ws_diffstat *st;
};

static void loaded_release(struct loaded *l)
{
	if (l->ws_fd >= 0)
		close(l->ws_fd);
	if (l->upper_fd >= 0)
		close(l->upper_fd);
	bh_ws_changes_free(l->c);
	free(l->st);
	bh_ws_session_free(l->s);
}

/* Opens the session, its workspace and upper layer, and scans and plans
 * the changes; diffstats too when `stats`. */
static int load(const char *session, bool lock, bool stats, struct loaded *l,
		struct bh_error **err)
{
	*l = (struct loaded){NULL, -1, -1, NULL, NULL};
	cleanup_free char *dir = state_dir();
	if (!dir)
		return bh_error_set(err, BH_EK_SYSTEM, ENOENT,
				    "no home directory: no state directory");
	int r = bh_ws_session_open(dir, session, &l->s, err);
	if (r < 0)
		return r;
	if (lock && (r = bh_ws_session_lock(l->s, err)) < 0)
		return r;
	l->ws_fd = bh_ws_session_open_workspace(l->s, err);
	if (l->ws_fd < 0)
		return l->ws_fd;
	l->upper_fd = bh_ws_session_open_upper(l->s, err);
	if (l->upper_fd < 0)
		return l->upper_fd;
	r = bh_ws_changes_scan(l->ws_fd, l->upper_fd,
			       bh_ws_session_xattr(l->s) == BH_WS_XATTR_USER,
			       &l->c, err);
	if (r < 0)
		return r;
	bh_ws_plan(l->c, bh_ws_session_protected(l->s),
		   bh_ws_session_created_ns(l->s), l->ws_fd, l->upper_fd);
	l->st = bh_xcalloc(l->c->n + 1, sizeof(*l->st));
	for (size_t i = 0; stats && i < l->c->n; i++)
		bh_ws_diff_change(&l->c->v[i], l->ws_fd, l->upper_fd, NULL,
				  &l->st[i]);
	return 0;
}

#define cleanup_loaded __attribute__((cleanup(loaded_release)))

static void print_header(const struct bh_ws_session *s)
{
	cleanup_free char *ws =
	    bh_ws_quote_path("", bh_ws_session_workspace(s));
	printf("session %s (%s), workspace %s\n", bh_ws_session_id(s),
	       bh_ws_session_display_state(s), ws);
}

int bh_cmd_sessions(int argc, char **argv)
{
	static const struct option longs[] = {
	    {"json", no_argument, NULL, OPT_JSON},
	    {"help", no_argument, NULL, 'h'},
	    {0, 0, 0, 0},
	};
	struct cmd_opts o = {0};
	int r = parse(argc, argv, longs, ":h", sessions_help, false, &o);
	if (r)
		return r < 0 ? 0 : r;
	cleanup_free char *dir = state_dir();
	cleanup_strv char **ids = NULL;
	struct bh_error *err = NULL;
	if (!dir)
		return bh_cli_fail(NULL);
	if (bh_ws_session_list(dir, &ids, &err) < 0)
		return fail(err);
	json_t *arr = json_array();
	if (!o.json)
		printf("%-26s %-12s %-20s %7s  %s\n", "ID", "STATE", "CREATED",
		       "CHANGES", "WORKSPACE");
	for (char **id = ids; *id; id++) {
		cleanup_loaded struct loaded l;
		long long n = -1;
		if (load(*id, false, false, &l, &err) == 0)
			n = (long long)l.c->n;
		bh_error_free(steal_pointer(&err));
		if (!l.s)
			continue; /* vanished meanwhile */
		const char *ws = bh_ws_session_workspace(l.s);
		const char *created = bh_ws_session_created(l.s);
		if (o.json) {
			json_array_append_new(
			    arr,
			    json_pack("{s:s,s:s,s:o,s:s?,s:o,s:s}", "id", *id,
				      "state", bh_ws_session_display_state(l.s),
				      "workspace",
				      ws ? bh_audit_json_string(ws)
					 : json_null(),
				      "created", created, "changes",
				      n >= 0 ? json_integer(n) : json_null(),
				      "dir", bh_ws_session_dir(l.s)));
			continue;
		}
		cleanup_free char *shown = bh_ws_quote_path("", ws ? ws : "-");
		char count[24] = "?";
		if (n >= 0)
			snprintf(count, sizeof(count), "%lld", n);
		printf("%-26s %-12s %-20.19s %7s  %s\n", *id,
		       bh_ws_session_display_state(l.s),
		       created ? created : "-", count, shown);
	}
	if (o.json) {
		char *text = json_dumps(arr, JSON_COMPACT);
		if (text)
			puts(text);
		free(text);
	}
	json_decref(arr);
	return bh_cli_finish_output("writing output");
}

int bh_cmd_diff(int argc, char **argv)
{
	static const struct option longs[] = {
	    {"json", no_argument, NULL, OPT_JSON},
	    {"stat", no_argument, NULL, OPT_STAT},
	    {"help", no_argument, NULL, 'h'},
	    {0, 0, 0, 0},
	};
	struct cmd_opts o = {0};
	int r = parse(argc, argv, longs, ":h", diff_help, true, &o);
	if (r)
		return r < 0 ? 0 : r;
	cleanup_loaded struct loaded l;
	struct bh_error *err = NULL;
	if (load(o.session, false, true, &l, &err) < 0)
		return fail(err);
	if (bh_ws_session_alive(l.s))
		fprintf(stderr,
			"bulkhead diff: session %s is still running: "
			"this is a snapshot\n",
			bh_ws_session_id(l.s));
	if (o.json) {
		json_t *j = bh_ws_render_json(l.c, l.st);
		json_object_set_new(j, "session",
				    json_string(bh_ws_session_id(l.s)));
		json_object_set_new(
		    j, "state", json_string(bh_ws_session_display_state(l.s)));
		json_object_set_new(
		    j, "workspace",
		    bh_audit_json_string(bh_ws_session_workspace(l.s)));
		char *text = json_dumps(j, JSON_COMPACT);
		json_decref(j);
		if (text)
			puts(text);
		free(text);
		return bh_cli_finish_output("writing output");
	}
	struct bh_strbuf sb = BH_STRBUF_INIT;
	bh_ws_render_summary(l.c, l.st, &sb);
	print_header(l.s);
	fputs(sb.buf ? sb.buf : "", stdout);
	bh_strbuf_release(&sb);
	for (size_t i = 0; !o.stat && i < l.c->n; i++) {
		struct bh_ws_diffstat st;
		bh_ws_diff_change(&l.c->v[i], l.ws_fd, l.upper_fd, &sb, &st);
		if (sb.len)
			fputs(sb.buf, stdout);
		bh_strbuf_release(&sb);
	}
	return bh_cli_finish_output("writing output");
}

static bool ask_terminal(void *ctx, const char *question)
{
	(void)ctx;
	fprintf(stderr, "%s [y/N] ", question);
	fflush(stderr);
	char line[64];
	if (!fgets(line, sizeof(line), stdin))
		return false;
	return line[0] == 'y' || line[0] == 'Y';
}

/* "left out: PATH: reason; reason" for each change not applied. */
static void print_left_out(const struct bh_ws_changes *c)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct bh_ws_change *ch = &c->v[i];
		if (ch->outcome != BH_WS_LEFT_OUT)
			continue;
		cleanup_free char *p = bh_ws_quote_path("", ch->path);
		fprintf(stderr, "  left out: %s:", p);
		const char *sep = " ";
		for (unsigned bit = 1; bit; bit <<= 1) {
			if (!(ch->refuse & bit))
				continue;
			const char *opt = bh_ws_refusal_option(bit);
			fprintf(stderr, "%s%s%s%s%s", sep,
				bh_ws_refusal_text(bit), opt ? " (" : "",
				opt ? opt : "", opt ? ")" : "");
			sep = "; ";
		}
		fputc('\n', stderr);
	}
}

/* Records the outcome in meta.json and discards when asked.  Returns the
 * exit status. */
static int after_apply(struct loaded *l, const struct cmd_opts *o,
		       const struct bh_ws_apply_result *res)
{
	struct bh_error *err = NULL;
	bool complete = !res->left_out;
	const char *state = complete			? BH_WS_STATE_APPLIED
			    : res->applied || res->same ? BH_WS_STATE_PARTIAL
							: NULL;
	if (state && bh_ws_session_set_state(l->s, state, &err) < 0)
		return bh_cli_fail(err);
	printf("applied %zu change%s", res->applied,
	       res->applied == 1 ? "" : "s");
	if (res->same)
		printf(" (%zu already so)", res->same);
	if (res->left_out)
		printf("; left out %zu", res->left_out);
	printf("; session %s is %s\n", bh_ws_session_id(l->s),
	       bh_ws_session_state(l->s));
	if (!complete) {
		print_left_out(l->c);
		return EXIT_REFUSED;
	}
	if (!o->discard)
		return bh_cli_finish_output("writing output");
	cleanup_free char *left = NULL;
	if (bh_ws_session_discard(steal_pointer(&l->s), &left, &err) < 0) {
		if (left && *left)
			fprintf(stderr, "bulkhead: left: %s\n", left);
		return bh_cli_fail(err);
	}
	printf("discarded the session\n");
	return bh_cli_finish_output("writing output");
}

int bh_cmd_apply(int argc, char **argv)
{
	static const struct option longs[] = {
	    {"dry-run", no_argument, NULL, 'n'},
	    {"yes", no_argument, NULL, 'y'},
	    {"force", no_argument, NULL, OPT_FORCE},
	    {"force-protected", no_argument, NULL, OPT_FORCE_PROTECTED},
	    {"strip-setid", no_argument, NULL, OPT_STRIP_SETID},
	    {"allow-outside-links", no_argument, NULL, OPT_ALLOW_LINKS},
	    {"discard", no_argument, NULL, OPT_DISCARD},
	    {"help", no_argument, NULL, 'h'},
	    {0, 0, 0, 0},
	};
	struct cmd_opts o = {0};
	int r = parse(argc, argv, longs, ":nyh", apply_help, true, &o);
	if (r)
		return r < 0 ? 0 : r;
	cleanup_loaded struct loaded l;
	struct bh_error *err = NULL;
	if (load(o.session, !o.apply.dry_run, true, &l, &err) < 0)
		return fail(err);
	const char *id = bh_ws_session_id(l.s);
	const char *state = bh_ws_session_state(l.s);
	if (bh_ws_session_alive(l.s)) {
		fprintf(stderr,
			"bulkhead apply: session %s is still running: apply "
			"it when the sandbox has ended\n",
			id);
		return EXIT_NO_SESSION;
	}
	if (!strcmp(state, BH_WS_STATE_APPLIED) ||
	    !strcmp(state, BH_WS_STATE_DISCARDING)) {
		fprintf(stderr, "bulkhead apply: session %s is %s already%s\n",
			id, state,
			strcmp(state, BH_WS_STATE_APPLIED)
			    ? ""
			    : "; `bulkhead discard` removes it");
		return EXIT_NO_SESSION;
	}
	/* What the options allow is not shown as refused. */
	for (size_t i = 0; i < l.c->n; i++)
		l.c->v[i].refuse &= ~o.apply.allow;
	struct bh_strbuf sb = BH_STRBUF_INIT;
	bh_ws_render_summary(l.c, l.st, &sb);
	print_header(l.s);
	fputs(sb.buf ? sb.buf : "", stdout);
	bh_strbuf_release(&sb);
	fflush(stdout);
	if (!o.apply.rest && !o.apply.dry_run && isatty(STDIN_FILENO))
		o.apply.ask = ask_terminal;
	struct bh_ws_apply_result res;
	r = bh_ws_apply(l.c, l.ws_fd, l.upper_fd, &o.apply, &res, &err);
	if (r < 0) {
		if (res.applied &&
		    bh_ws_session_set_state(l.s, BH_WS_STATE_PARTIAL, NULL) < 0)
			fprintf(stderr, "bulkhead: could not record the "
					"partial apply\n");
		fprintf(stderr,
			"bulkhead: %zu change%s applied before the failure; "
			"`bulkhead apply %s` goes on from there\n",
			res.applied, res.applied == 1 ? "" : "s", id);
		return bh_cli_fail(err);
	}
	if (res.blocked) {
		fprintf(stderr, "bulkhead apply: nothing applied: the session "
				"holds a change bulkhead cannot apply "
				"(marked \"blocks apply\" above)\n");
		return EXIT_REFUSED;
	}
	if (res.refused) {
		fprintf(stderr,
			"bulkhead apply: nothing applied: %zu "
			"change%s refused\n",
			res.left_out, res.left_out == 1 ? "" : "s");
		print_left_out(l.c);
		fprintf(stderr, "  (allow them with the options named, or "
				"--yes to apply the rest without them)\n");
		return EXIT_REFUSED;
	}
	if (o.apply.dry_run) {
		printf("dry run: %zu change%s would be applied, %zu left "
		       "out\n",
		       l.c->n - res.left_out,
		       l.c->n - res.left_out == 1 ? "" : "s", res.left_out);
		print_left_out(l.c);
		return res.left_out ? EXIT_REFUSED
				    : bh_cli_finish_output("writing output");
	}
	return after_apply(&l, &o, &res);
}

int bh_cmd_discard(int argc, char **argv)
{
	static const struct option longs[] = {
	    {"force", no_argument, NULL, OPT_FORCE},
	    {"help", no_argument, NULL, 'h'},
	    {0, 0, 0, 0},
	};
	struct cmd_opts o = {0};
	int r = parse(argc, argv, longs, ":h", discard_help, true, &o);
	if (r)
		return r < 0 ? 0 : r;
	cleanup_free char *dir = state_dir();
	struct bh_ws_session *s = NULL;
	struct bh_error *err = NULL;
	if (!dir)
		return bh_cli_fail(NULL);
	if (bh_ws_session_open(dir, o.session, &s, &err) < 0 ||
	    bh_ws_session_lock(s, &err) < 0) {
		bh_ws_session_free(s);
		return fail(err);
	}
	if (bh_ws_session_alive(s) && !o.force) {
		fprintf(stderr,
			"bulkhead discard: session %s is still running "
			"(--force discards it anyway)\n",
			bh_ws_session_id(s));
		bh_ws_session_free(s);
		return EXIT_NO_SESSION;
	}
	cleanup_free char *id = bh_xstrdup(bh_ws_session_id(s));
	cleanup_free char *left = NULL;
	if (bh_ws_session_discard(s, &left, &err) < 0) {
		if (left && *left)
			fprintf(stderr, "bulkhead: left: %s\n", left);
		return bh_cli_fail(err);
	}
	printf("discarded %s\n", id);
	return bh_cli_finish_output("writing output");
}
