/* SPDX-License-Identifier: MIT */
/*
 * `bulkhead log`: reads the audit log (docs/audit.md).  Without --session, a
 * table of the most recent sessions; with it, every record of one session.
 *
 * What the log holds came partly from the sandboxed side (argv, paths,
 * environment names), so nothing from it reaches the terminal unescaped:
 * control characters are shown as \xNN, never sent.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "cli/cli.h"
#include "core/strbuf.h"
#include "core/util.h"

static const char log_help[] =
	"usage: bulkhead log [--session ID] [--json] [--last N] [--file PATH]\n"
	"\n"
	"Shows the audit log.  Without --session: one line for each of the\n"
	"most recent sessions.  With --session: every record of that session.\n"
	"\n"
	"  --session ID   one session; a unique prefix of its id is enough\n"
	"  --json         the matching records as JSON Lines\n"
	"  --last N       how many recent sessions (default 20, 0 for all)\n"
	"  --file PATH    read PATH instead of the default log\n"
	"  -h, --help     this help\n"
	"\n"
	"The log is ${XDG_STATE_HOME:-$HOME/.local/state}/bulkhead/audit.jsonl.\n"
	"Exit status: 0 done, 1 no such session, 2 usage error, 125 the log\n"
	"cannot be read.\n";

#define LOG_DEFAULT_LAST 20

struct log_opts {
	const char *session;
	const char *file;
	bool json;
	long last;
	bool last_given;
};

/* What the table needs of one session: small strings, not the records, so
 * a long history costs little memory. */
struct session_sum {
	char *id;
	char *time; /* of the start record, else of the first one seen */
	char *tier;
	char *command;
	char *status; /* NULL while there is no end record */
	long long duration_ms; /* -1: unknown */
};

struct log_ctx {
	struct session_sum *s;
	size_t n, cap;
	json_t *index; /* session id -> position in s */
	const json_t *want; /* pass 2: the set of session ids to print */
	json_t *records;    /* pass 2 (--session): collected records */
	bool print_json;    /* pass 2: print records as they come */
	int out_err;        /* errno of a failed write to stdout */
};

static void log_ctx_release(struct log_ctx *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->s[i].id);
		free(c->s[i].time);
		free(c->s[i].tier);
		free(c->s[i].command);
		free(c->s[i].status);
	}
	free(c->s);
	json_decref(c->index);
	json_decref(c->records);
}

static const char *jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static long long jint(const json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

/* A copy of s safe to print: control characters (C0, DEL, C1) as \xNN or
 * \u00NN, everything else as is.  Caller frees. */
static char *safe_dup(const char *s)
{
	struct bh_strbuf sb = BH_STRBUF_INIT;
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	for (; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			bh_strbuf_printf(&sb, "\\x%02x", *p);
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			bh_strbuf_printf(&sb, "\\u00%02x", *++p);
		else
			bh_strbuf_putc(&sb, (char)*p);
	}
	return bh_strbuf_steal(&sb);
}

static void put_safe(struct bh_strbuf *sb, const char *s)
{
	cleanup_free char *t = safe_dup(s);
	bh_strbuf_puts(sb, t);
}

/* before, s and after, when there is an s. */
static void put_opt(struct bh_strbuf *sb, const char *before, const char *s,
		    const char *after)
{
	if (!s)
		return;
	bh_strbuf_puts(sb, before);
	put_safe(sb, s);
	bh_strbuf_puts(sb, after);
}

/* argv as a shell would need it: words with anything but a safe set of
 * characters in single quotes, so `rm -rf 'a b'` reads as it ran. */
static char *join_argv(const json_t *argv)
{
	struct bh_strbuf sb = BH_STRBUF_INIT;
	size_t i;
	json_t *v;
	for (i = 0; (v = json_array_get(argv, i)); i++) {
		const char *w = json_string_value(v);
		if (!w)
			continue;
		if (sb.len)
			bh_strbuf_putc(&sb, ' ');
		if (*w && strspn(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP"
				    "QRSTUVWXYZ0123456789_@%+=:,./-") ==
				  strlen(w)) {
			bh_strbuf_puts(&sb, w);
			continue;
		}
		bh_strbuf_putc(&sb, '\'');
		for (const char *p = w; *p; p++) {
			if (*p == '\'')
				bh_strbuf_puts(&sb, "'\\''");
			else
				bh_strbuf_putc(&sb, *p);
		}
		bh_strbuf_putc(&sb, '\'');
	}
	cleanup_free char *raw = bh_strbuf_steal(&sb);
	return safe_dup(raw);
}

/* "2026-11-26T17:55:21.123456Z" in local time, "2026-11-26 18:55:21"; the
 * input as is when it does not parse. */
static char *local_time(const char *rfc3339)
{
	struct tm tm = {0};
	if (!rfc3339)
		return bh_xstrdup("?");
	const char *end = strptime(rfc3339, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!end)
		return safe_dup(rfc3339);
	time_t t = timegm(&tm);
	struct tm lt;
	char buf[32];
	if (!localtime_r(&t, &lt) ||
	    !strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &lt))
		return safe_dup(rfc3339);
	return bh_xstrdup(buf);
}

static char *format_duration(long long ms)
{
	if (ms < 0)
		return bh_xstrdup("-");
	if (ms < 1000)
		return bh_xasprintf("%lldms", ms);
	if (ms < 60 * 1000)
		return bh_xasprintf("%.1fs", (double)ms / 1000.0);
	long long s = ms / 1000;
	if (s < 3600)
		return bh_xasprintf("%lldm%02llds", s / 60, s % 60);
	return bh_xasprintf("%lldh%02lldm", s / 3600, (s / 60) % 60);
}

static struct session_sum *session_get(struct log_ctx *c, const char *id)
{
	json_t *pos = json_object_get(c->index, id);
	if (pos)
		return &c->s[json_integer_value(pos)];
	bh_xgrow((void **)&c->s, &c->cap, c->n + 1, sizeof(*c->s));
	struct session_sum *s = &c->s[c->n];
	memset(s, 0, sizeof(*s));
	s->id = bh_xstrdup(id);
	s->duration_ms = -1;
	json_object_set_new(c->index, id, json_integer((json_int_t)c->n));
	c->n++;
	return s;
}

static void replace(char **dst, char *src)
{
	free(*dst);
	*dst = src;
}

/* Pass 1: one summary per session, in order of first appearance. */
static int summarize_cb(void *ctx, void *record, unsigned line)
{
	struct log_ctx *c = ctx;
	const json_t *r = record;
	const char *event = jstr(r, "event");
	struct session_sum *s = session_get(c, jstr(r, "session"));
	if (!s->time && jstr(r, "time"))
		s->time = bh_xstrdup(jstr(r, "time"));
	if (!event)
		return 0;
	if (strcmp(event, "start") == 0) {
		if (jstr(r, "time"))
			replace(&s->time, bh_xstrdup(jstr(r, "time")));
		if (jstr(r, "tier"))
			replace(&s->tier, safe_dup(jstr(r, "tier")));
		replace(&s->command, join_argv(json_object_get(r, "argv")));
	} else if (strcmp(event, "inventory") == 0) {
		/* A session of its own, complete in one record. */
		if (jstr(r, "tier"))
			replace(&s->tier, safe_dup(jstr(r, "tier")));
		json_t *n = json_object_get(r, "exposed_count");
		replace(&s->status,
			bh_xasprintf("%lld exposed",
				     (long long)json_integer_value(n)));
		cleanup_free char *cmd = bh_xasprintf(
			"inventory -p %s",
			jstr(r, "profile") ? jstr(r, "profile") : "?");
		replace(&s->command, safe_dup(cmd));
	} else if (strcmp(event, "command") == 0) {
		/* A decision: a session of one record, like an inventory. */
		const char *d = jstr(r, "decision");
		const char *src = jstr(r, "source");
		replace(&s->tier, bh_xstrdup("-"));
		cleanup_free char *st = bh_xasprintf("%s", d ? d : "?");
		replace(&s->status, safe_dup(st));
		/* The string itself is not logged: its decisive command is. */
		json_t *cmds = json_object_get(r, "commands");
		json_t *dec = json_object_get(r, "decisive");
		const char *text = json_is_integer(dec)
					   ? jstr(json_array_get(cmds,
								 (size_t)json_integer_value(dec)),
						  "command")
					   : NULL;
		cleanup_free char *cmd = bh_xasprintf(
			"%s: %s", src ? src : "check", text ? text : "?");
		replace(&s->command, safe_dup(cmd));
	} else if (strcmp(event, "end") == 0) {
		cleanup_free char *st =
			bh_audit_status_text(json_object_get(r, "status"));
		replace(&s->status, safe_dup(st));
		json_t *d = json_object_get(r, "duration_ms");
		if (json_is_integer(d))
			s->duration_ms = json_integer_value(d);
	}
	return 0;
}

/* Pass 2: the records of the chosen sessions, printed or collected. */
static int select_cb(void *ctx, void *record, unsigned line)
{
	struct log_ctx *c = ctx;
	json_t *r = record;
	if (!json_object_get(c->want, jstr(r, "session")))
		return 0;
	if (!c->print_json) {
		json_array_append(c->records, r);
		return 0;
	}
	/* ASCII: the same JSON, and no raw C1 control reaches a terminal. */
	cleanup_free char *text =
		json_dumps(r, JSON_COMPACT | JSON_ENSURE_ASCII);
	if (!text || fputs(text, stdout) == EOF || putchar('\n') == EOF) {
		c->out_err = errno ? errno : EIO;
		return 1;
	}
	return 0;
}

static size_t max_len(size_t cur, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	return n > cur ? n : cur;
}

static void print_table(const struct log_ctx *c, size_t from)
{
	size_t w_id = strlen("SESSION"), w_tier = strlen("TIER");
	size_t w_status = strlen("STATUS"), w_dur = strlen("DURATION");
	size_t rows = c->n - from;
	cleanup_strv char **ids = bh_xcalloc(rows + 1, sizeof(char *));
	cleanup_strv char **started = bh_xcalloc(rows + 1, sizeof(char *));
	cleanup_strv char **dur = bh_xcalloc(rows + 1, sizeof(char *));
	for (size_t i = from; i < c->n; i++) {
		const struct session_sum *s = &c->s[i];
		ids[i - from] = safe_dup(s->id);
		started[i - from] = local_time(s->time);
		dur[i - from] = format_duration(s->duration_ms);
		w_id = max_len(w_id, ids[i - from]);
		w_tier = max_len(w_tier, s->tier ? s->tier : "?");
		w_status = max_len(w_status, s->status ? s->status
						       : "running?");
		w_dur = max_len(w_dur, dur[i - from]);
	}
	printf("%-*s  %-19s  %-*s  %-*s  %*s  %s\n", (int)w_id, "SESSION",
	       "STARTED", (int)w_tier, "TIER", (int)w_status, "STATUS",
	       (int)w_dur, "DURATION", "COMMAND");
	for (size_t i = from; i < c->n; i++) {
		const struct session_sum *s = &c->s[i];
		printf("%-*s  %-19s  %-*s  %-*s  %*s  %s\n", (int)w_id,
		       ids[i - from],
		       started[i - from], (int)w_tier, s->tier ? s->tier : "?",
		       (int)w_status, s->status ? s->status : "running?",
		       (int)w_dur, dur[i - from],
		       s->command ? s->command : "?");
	}
}

/* "label      value" lines of the detailed view. */
static void field(struct bh_strbuf *sb, const char *label, const char *value)
{
	if (!value)
		return;
	bh_strbuf_printf(sb, "%-11s ", label);
	put_safe(sb, value);
	bh_strbuf_putc(sb, '\n');
}

static void field_int(struct bh_strbuf *sb, const char *label,
		      const json_t *v)
{
	if (json_is_integer(v))
		bh_strbuf_printf(sb, "%-11s %lld\n", label,
				 (long long)json_integer_value(v));
}

/* The items a tier did not fully enforce, with how and where, laid out as
 * bh_report_format_text() does. */
#define REPORT_INDENT "                 "
static void describe_report(struct bh_strbuf *sb, const json_t *start)
{
	const json_t *items = json_object_get(start, "report");
	const json_t *sum = json_object_get(start, "report_summary");
	if (json_is_object(sum))
		bh_strbuf_printf(sb,
				 "%-11s %lld enforced, %lld degraded, %lld "
				 "unsupported\n",
				 "enforcement", jint(sum, "enforced"),
				 jint(sum, "degraded"),
				 jint(sum, "unsupported"));
	size_t i;
	json_t *it;
	for (i = 0; (it = json_array_get(items, i)); i++) {
		const char *status = jstr(it, "status");
		if (!status || strcmp(status, "enforced") == 0)
			continue;
		bh_strbuf_printf(sb, "  %-11s  ", status);
		put_safe(sb, jstr(it, "rule"));
		put_opt(sb, "  [", jstr(it, "mechanism"), "]");
		bh_strbuf_putc(sb, '\n');
		put_opt(sb, REPORT_INDENT "how:  ", jstr(it, "detail"), "\n");
		const json_t *loc = json_object_get(it, "location");
		if (jstr(loc, "file")) {
			put_opt(sb, REPORT_INDENT "from: ", jstr(loc, "file"),
				"");
			bh_strbuf_printf(sb, ":%lld:%lld\n", jint(loc, "line"),
					 jint(loc, "col"));
		}
	}
}

static void describe_start(struct bh_strbuf *sb, const json_t *r)
{
	cleanup_free char *when = local_time(jstr(r, "time"));
	cleanup_free char *cmd = join_argv(json_object_get(r, "argv"));
	field(sb, "started", when);
	bh_strbuf_printf(sb, "%-11s %s\n", "command", cmd);
	field(sb, "cwd", jstr(r, "cwd"));
	field(sb, "workspace", jstr(r, "workspace"));
	const json_t *prof = json_object_get(r, "profile");
	field(sb, "profile", jstr(prof, "name"));
	field(sb, "  hash", jstr(prof, "hash"));
	const json_t *sources = json_object_get(prof, "sources");
	const json_t *refused = json_object_get(r, "env_refused");
	const json_t *env = json_object_get(r, "env");
	size_t i;
	json_t *v;
	for (i = 0; (v = json_array_get(sources, i)); i++)
		field(sb, "  from", json_string_value(v));
	field(sb, "tier", jstr(r, "tier"));
	field(sb, "  note", jstr(r, "tier_note"));
	field_int(sb, "uid", json_object_get(r, "uid"));
	field_int(sb, "sandbox uid", json_object_get(r, "sandbox_uid"));
	describe_report(sb, r);

	if (json_is_array(env)) {
		bh_strbuf_printf(sb, "%-11s", "env");
		for (i = 0; (v = json_array_get(env, i)); i++) {
			bh_strbuf_putc(sb, ' ');
			put_safe(sb, json_string_value(v));
		}
		bh_strbuf_putc(sb, '\n');
	}
	for (i = 0; (v = json_array_get(refused, i)); i++) {
		bh_strbuf_printf(sb, "%-11s ", "refused");
		put_safe(sb, jstr(v, "name"));
		put_opt(sb, ": ", jstr(v, "reason"), "");
		put_opt(sb, " (", jstr(v, "rule"), ")");
		bh_strbuf_putc(sb, '\n');
	}
}

static void describe_end(struct bh_strbuf *sb, const json_t *r)
{
	cleanup_free char *when = local_time(jstr(r, "time"));
	cleanup_free char *st =
		bh_audit_status_text(json_object_get(r, "status"));
	field(sb, "ended", when);
	field(sb, "status", st);
	field_int(sb, "exit code", json_object_get(r, "exit_code"));
	json_t *d = json_object_get(r, "duration_ms");
	if (json_is_integer(d)) {
		cleanup_free char *dur = format_duration(json_integer_value(d));
		field(sb, "duration", dur);
	}
	const json_t *pk = json_object_get(r, "peaks");
	if (json_is_object(pk))
		bh_strbuf_printf(sb,
				 "%-11s max RSS %lld kB, user %lld ms, system "
				 "%lld ms, %lld processes killed at end\n",
				 "peaks", jint(pk, "maxrss_kb"),
				 jint(pk, "utime_ms"), jint(pk, "stime_ms"),
				 jint(pk, "processes_killed_at_end"));
}

/* Any other event: its time and name, and its own fields as JSON. */
static void describe_other(struct bh_strbuf *sb, const json_t *r)
{
	cleanup_free char *when = local_time(jstr(r, "time"));
	json_t *rest = json_copy((json_t *)r);
	json_object_del(rest, "v");
	json_object_del(rest, "time");
	json_object_del(rest, "session");
	json_object_del(rest, "event");
	cleanup_free char *text =
		json_dumps(rest, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(rest);
	bh_strbuf_printf(sb, "%-11s ", "event");
	put_safe(sb, jstr(r, "event"));
	bh_strbuf_printf(sb, " at %s", when);
	if (text && strcmp(text, "{}") != 0) {
		bh_strbuf_puts(sb, " ");
		put_safe(sb, text);
	}
	bh_strbuf_putc(sb, '\n');
}

static bool is_net(const json_t *r, const char *decision)
{
	const char *event = jstr(r, "event");
	const char *d = jstr(r, "decision");
	return event && !strcmp(event, "net") && d && !strcmp(d, decision);
}

/*
 * The hosts the proxy refused come first, one line each with the reason
 * and the rule to add, so a user sees at once why a tool failed and what
 * to allow (issue 4, item 5); the allowed ones are summed up.
 */
static void describe_net(struct bh_strbuf *sb, const json_t *records)
{
	size_t i, denied = 0, allowed = 0;
	json_t *r;
	for (i = 0; (r = json_array_get(records, i)); i++) {
		if (is_net(r, "allow"))
			allowed++;
		if (!is_net(r, "deny"))
			continue;
		if (!denied++)
			bh_strbuf_puts(sb, "denied hosts (first):\n");
		bh_strbuf_puts(sb, "  ");
		put_safe(sb, jstr(r, "host"));
		bh_strbuf_printf(sb, ":%lld", jint(r, "port"));
		put_opt(sb, "  ", jstr(r, "reason"), "");
		const char *host = jstr(r, "host");
		if (host && strncmp(jstr(r, "reason") ? jstr(r, "reason") : "",
				    "no rule", 7) == 0) {
			bh_strbuf_puts(sb, "  (to allow: net allow ");
			put_safe(sb, host);
			bh_strbuf_puts(sb, ")");
		}
		bh_strbuf_putc(sb, '\n');
	}
	if (allowed || denied)
		bh_strbuf_printf(sb, "network: %zu connection%s allowed, %zu "
				     "denied\n",
				 allowed, allowed == 1 ? "" : "s", denied);
}

static void print_session(const char *id, const json_t *records)
{
	struct bh_strbuf sb = BH_STRBUF_INIT;
	field(&sb, "session", id);
	describe_net(&sb, records);
	size_t i;
	json_t *r;
	bool started = false, ended = false;
	for (i = 0; (r = json_array_get(records, i)); i++) {
		const char *event = jstr(r, "event");
		if (event && strcmp(event, "start") == 0) {
			describe_start(&sb, r);
			started = true;
		} else if (event && strcmp(event, "end") == 0) {
			describe_end(&sb, r);
			ended = true;
		} else if (event && strcmp(event, "net") == 0 &&
			   is_net(r, "allow")) {
			continue; /* summed up above */
		} else {
			describe_other(&sb, r);
		}
	}
	/* An inventory is a session of one record, never "running". */
	if (started && !ended)
		field(&sb, "status", "running? (no end record)");
	fputs(sb.buf ? sb.buf : "", stdout);
	bh_strbuf_release(&sb);
}

/* The session whose id is `want` or, failing that, the one id it is a
 * prefix of.  Returns its index, or -1 after printing why not. */
static long resolve_session(const struct log_ctx *c, const char *want,
			    const char *path)
{
	json_t *pos = json_object_get(c->index, want);
	if (pos)
		return (long)json_integer_value(pos);
	long found = -1;
	size_t n = 0;
	for (size_t i = 0; i < c->n; i++) {
		if (!bh_str_has_prefix(c->s[i].id, want))
			continue;
		if (n++ == 0)
			found = (long)i;
	}
	cleanup_free char *safe_want = safe_dup(want);
	if (n == 1)
		return found;
	if (n == 0) {
		cleanup_free char *safe_path = safe_dup(path);
		fprintf(stderr, "bulkhead: no session %s in %s\n", safe_want,
			safe_path);
		return -1;
	}
	fprintf(stderr, "bulkhead: session %s is ambiguous: %zu sessions start "
			"with it\n",
		safe_want, n);
	for (size_t i = 0, shown = 0; i < c->n && shown < 10; i++) {
		if (!bh_str_has_prefix(c->s[i].id, want))
			continue;
		cleanup_free char *id = safe_dup(c->s[i].id);
		fprintf(stderr, "  %s\n", id);
		shown++;
	}
	return -1;
}

static int parse_log_opts(int argc, char **argv, struct log_opts *o)
{
	enum { OPT_SESSION = 256, OPT_JSON, OPT_LAST, OPT_FILE };
	static const struct option longs[] = {
		{"session", required_argument, NULL, OPT_SESSION},
		{"json", no_argument, NULL, OPT_JSON},
		{"last", required_argument, NULL, OPT_LAST},
		{"file", required_argument, NULL, OPT_FILE},
		{"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	};
	const char *cmd = argv[0];
	o->last = LOG_DEFAULT_LAST;
	optind = 0; /* full reset: main may have run getopt before us */
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":h", longs, NULL)) != -1) {
		switch (c) {
		case OPT_SESSION:
			o->session = optarg;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_LAST: {
			char *end;
			errno = 0;
			long n = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || n < 0)
				return bh_cli_usage(cmd,
						    "--last wants a number of "
						    "sessions, got '%s'",
						    optarg);
			o->last = n;
			o->last_given = true;
			break;
		}
		case OPT_FILE:
			o->file = optarg;
			break;
		case 'h':
			fputs(log_help, stdout);
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
	if (optind < argc)
		return bh_cli_usage(cmd, "unexpected argument '%s'",
				    argv[optind]);
	if (o->session && o->last_given)
		return bh_cli_usage(cmd, "--last and --session do not go "
					 "together");
	return 0;
}

/* Reads the log at path and prints what o asks for.  Returns the exit
 * status; *bad counts the lines that were not records. */
static int show_log(const struct log_opts *o, const char *path, unsigned *bad)
{
	__attribute__((cleanup(log_ctx_release))) struct log_ctx c = {0};
	c.index = json_object();
	struct bh_error *err = NULL;
	int r = bh_audit_read(path, summarize_cb, &c, bad, &err);
	if (r == -ENOENT) {
		/* No log yet is an empty log: no session has run. */
		bh_error_free(steal_pointer(&err));
	} else if (r < 0) {
		return bh_cli_fail(err);
	}

	json_t *want = json_object();
	c.want = want;
	size_t from = 0;
	long chosen = -1;
	if (o->session) {
		chosen = resolve_session(&c, o->session, path);
		if (chosen < 0) {
			json_decref(want);
			return 1;
		}
		json_object_set_new(want, c.s[chosen].id, json_true());
	} else {
		if (o->last > 0 && c.n > (size_t)o->last)
			from = c.n - (size_t)o->last;
		for (size_t i = from; i < c.n; i++)
			json_object_set_new(want, c.s[i].id, json_true());
	}

	if (!o->session && !o->json) {
		json_decref(want);
		if (c.n == 0) {
			cleanup_free char *safe_path = safe_dup(path);
			fprintf(stderr, "bulkhead: no sessions in %s\n",
				safe_path);
			return 0;
		}
		print_table(&c, from);
		return bh_cli_finish_output("writing the log out");
	}

	/* Pass 2: the records themselves.  The log may have grown since
	 * pass 1; only the sessions chosen then are printed. */
	c.print_json = o->json;
	c.records = json_array();
	r = bh_audit_read(path, select_cb, &c, NULL, &err);
	json_decref(want);
	c.want = NULL;
	if (r < 0 && r != -ENOENT)
		return bh_cli_fail(err);
	bh_error_free(steal_pointer(&err));
	if (c.out_err) {
		bh_error_sys(&err, c.out_err, "writing the log out");
		return bh_cli_fail(err);
	}
	if (!o->json)
		print_session(c.s[chosen].id, c.records);
	return bh_cli_finish_output("writing the log out");
}

int bh_cmd_log(int argc, char **argv)
{
	struct log_opts o = {0};
	int r = parse_log_opts(argc, argv, &o);
	if (r != 0)
		return r < 0 ? 0 : r;

	cleanup_free char *default_path = NULL;
	const char *path = o.file;
	if (!path) {
		default_path = bh_audit_default_path();
		if (!default_path)
			return bh_cli_usage(argv[0],
					    "no home directory to find the "
					    "log in; use --file");
		path = default_path;
	}
	unsigned bad = 0;
	r = show_log(&o, path, &bad);
	/* After the output, where it is seen. */
	if (bad) {
		cleanup_free char *safe_path = safe_dup(path);
		fprintf(stderr,
			"bulkhead: warning: %u line%s of %s %s not a record "
			"(torn writes?); skipped\n",
			bad, bad == 1 ? "" : "s", safe_path,
			bad == 1 ? "is" : "are");
	}
	return r;
}
