/* SPDX-License-Identifier: MIT */
/*
 * bulkhead run [OPTIONS] -- COMMAND [ARG...]
 *
 * The supervisor: prepares the sandbox, writes the start record, starts the
 * command, forwards signals, enforces the wall-clock limit, kills whatever
 * the command left behind, writes the end record, and exits with the
 * command's status (docs/exit-codes.md).
 */
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "audit/audit.h"
#include "cli/cli.h"
#include "cli/session.h"
#include "confine/pty.h"
#include "core/strbuf.h"
#include "net/proxy.h"
#include "core/timing.h"
#include "core/util.h"

static const char run_help[] =
	"usage: bulkhead run [OPTIONS] [--] COMMAND [ARG...]\n"
	"\n"
	"Run COMMAND confined by a profile, with a clean environment, and\n"
	"record it in the audit log.\n"
	"\n"
	"options:\n"
	"  -p, --profile NAME|PATH  profile to use (default: default)\n"
	"  -t, --tier TIER          kernel | namespace | gvisor | microvm | auto\n"
	"  -w, --workspace DIR      the writable project directory (default:\n"
	"                           top of the git work tree, else the current\n"
	"                           directory)\n"
	"      --force-workspace    allow / or $HOME as the workspace\n"
	"      --overlay            keep the command's writes in an overlay for\n"
	"                           review (bulkhead diff / apply / discard);\n"
	"                           --workspace-mode direct|overlay\n"
	"      --strict             stop when any rule is only degraded\n"
	"      --uid UID[:GID]      (root) run the command as this user\n"
	"      --print-env          print the command's environment and exit\n"
	"      --pty, --no-pty      give the command a pseudo-terminal of its own\n"
	"                           (default: when a standard stream is a\n"
	"                           terminal); its output is sanitised\n"
	"      --grant-self         also grant read and execute of the bulkhead\n"
	"                           binary (how `inventory` runs its scanner)\n"
	"      --serve SOCKET       (microvm) keep the VM and run the commands\n"
	"                           `bulkhead vm exec SOCKET -- CMD` sends, until\n"
	"                           `bulkhead vm stop SOCKET` or a signal\n"
	"  -q, --quiet              no warnings on stderr (still logged)\n"
	"  -h, --help               this text\n"
	"\n"
	"exit status: the command's; 128+N if it was killed by signal N;\n"
	"2 usage or profile error; 125 bulkhead failed before the command\n"
	"started; 126 command not executable; 127 command not found.\n";

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void print_env(const struct bh_prepared *p)
{
	for (size_t i = 0; i < p->env->n_entries; i++) {
		const struct bh_env_entry *e = &p->env->entries[i];
		if (!e->value) {
			printf("# refused %s: %s\n", e->name,
			       e->reason ? e->reason : "refused");
			continue;
		}
		cleanup_free char *shown =
			bh_secrets_redact(p->secrets, p->key, e->value);
		/* A name that says secret, or a secret let through by
		 * allow-unsafe, is shown only as its fingerprint. */
		bool secretish =
			bh_secrets_match_name(p->secrets, e->name) ||
			(e->verdict == BH_ENVV_UNSAFE_ALLOWED && e->rule_id &&
			 strncmp(e->rule_id, "env-", 4) != 0);
		if (secretish) {
			char fp[13];
			bh_secrets_fingerprint(p->key, e->value,
					       strlen(e->value), fp);
			const char *rule =
				bh_secrets_match_name(p->secrets, e->name);
			printf("%s=<redacted:%s:%s>\n", e->name,
			       rule ? rule : e->rule_id, fp);
		} else {
			printf("%s=%s\n", e->name, shown);
		}
		if (e->verdict == BH_ENVV_UNSAFE_ALLOWED)
			printf("# warning: %s passed only because the profile "
			       "allows it: %s\n",
			       e->name, e->reason ? e->reason : "");
	}
}

static void warn_env(const struct bh_prepared *p)
{
	for (size_t i = 0; i < p->env->n_entries; i++) {
		const struct bh_env_entry *e = &p->env->entries[i];
		if (e->verdict == BH_ENVV_UNSAFE_ALLOWED)
			fprintf(stderr,
				"bulkhead: WARNING: passing %s although it %s "
				"(allowed by %s:%u)\n",
				e->name, e->reason ? e->reason : "is unsafe",
				e->loc.file ? e->loc.file : "profile",
				e->loc.line);
		else if (!e->value && e->loc.file)
			fprintf(stderr,
				"bulkhead: not passing %s (%s:%u): %s\n",
				e->name, e->loc.file, e->loc.line,
				e->reason ? e->reason : "refused");
	}
}

/* One line, so a degraded rule is never silent (settled question 2) and
 * never drowns the command's own output. */
static void warn_report(const struct bh_prepared *p)
{
	const struct bh_report *r = p->sess.report;
	size_t n = 0, shown = 0;
	for (size_t i = 0; i < r->n_items; i++)
		if (r->items[i].status != BH_ENF_ENFORCED &&
		    r->items[i].cls != BH_RC_INFO)
			n++;
	if (!n)
		return;
	fprintf(stderr, "bulkhead: tier %s: %zu rule%s not fully enforced:",
		r->tier, n, n == 1 ? "" : "s");
	const char *prev = NULL;
	for (size_t i = 0; i < r->n_items && shown < 3; i++) {
		const struct bh_report_item *it = &r->items[i];
		if (it->status == BH_ENF_ENFORCED || it->cls == BH_RC_INFO ||
		    (prev && !strcmp(prev, it->rule)))
			continue;
		fprintf(stderr, "%s%s", shown ? ", " : " ", it->rule);
		prev = it->rule;
		shown++;
	}
	fprintf(stderr, "%s (bulkhead explain -t %s)\n",
		n > shown ? ", ..." : "", r->tier);
}

static json_t *start_record(const struct bh_prepared *p, char *const *argv)
{
	json_t *rec = json_object();
	json_object_set_new(rec, "v", json_integer(1));
	json_object_set_new(rec, "session", json_string(p->session_id));
	json_object_set_new(rec, "event", json_string("start"));
	json_t *av = json_array();
	for (size_t i = 0; argv[i]; i++) {
		cleanup_free char *red =
			bh_secrets_redact(p->secrets, p->key, argv[i]);
		json_array_append_new(av, bh_audit_json_string(red));
	}
	json_object_set_new(rec, "argv", av);
	json_object_set_new(rec, "cwd", bh_audit_json_string(p->cwd));
	json_object_set_new(rec, "workspace",
			    bh_audit_json_string(p->workspace));
	char hash[65];
	bh_policy_hash(p->policy, hash);
	json_t *prof = json_object();
	json_object_set_new(prof, "name", json_string(p->policy->name));
	json_object_set_new(prof, "hash", json_string(hash));
	json_t *src = json_array();
	for (size_t i = 0; i < p->policy->n_sources; i++)
		json_array_append_new(src, json_string(p->policy->sources[i]));
	json_object_set_new(prof, "sources", src);
	json_object_set_new(rec, "profile", prof);
	json_object_set_new(rec, "tier", json_string(p->tier->name));
	json_object_set_new(rec, "workspace_mode",
			    json_string(p->policy->ws_mode == BH_WS_OVERLAY
						? "overlay"
						: "direct"));
	if (p->tier_note)
		json_object_set_new(rec, "tier_note",
				    json_string(p->tier_note));
	json_object_set_new(rec, "uid", json_integer(getuid()));
	json_object_set_new(rec, "sandbox_uid",
			    json_integer(p->sess.set_ids ? p->sess.uid
							 : getuid()));
	json_object_set_new(rec, "report", bh_report_to_json(p->sess.report));
	size_t en, de, un;
	bh_report_counts(p->sess.report, &en, &de, &un);
	json_object_set_new(rec, "report_summary",
			    json_pack("{s:i,s:i,s:i}", "enforced", (int)en,
				      "degraded", (int)de, "unsupported",
				      (int)un));
	json_t *names = json_array(), *refused = json_array();
	for (size_t i = 0; i < p->env->n_entries; i++) {
		const struct bh_env_entry *e = &p->env->entries[i];
		if (e->value)
			json_array_append_new(names, json_string(e->name));
		else
			json_array_append_new(
				refused,
				json_pack("{s:s,s:s?,s:s?}", "name", e->name,
					  "reason", e->reason, "rule",
					  e->rule_id));
	}
	json_object_set_new(rec, "env", names);
	json_object_set_new(rec, "env_refused", refused);
	return rec;
}

struct outcome {
	const char *kind; /* exit, signal, timeout, setup-failed, exec-failed */
	int code;
	int sig;
	const char *stage;
	int err;
	int exit_code;
};

static void write_end(struct bh_audit *a, const struct bh_prepared *p,
		      const struct outcome *o, double dur, unsigned killed,
		      const struct bh_cgroup_peaks *pk)
{
	struct rusage ru;
	memset(&ru, 0, sizeof(ru));
	getrusage(RUSAGE_CHILDREN, &ru);
	json_t *st = json_pack("{s:s,s:i}", "kind", o->kind, "code", o->code);
	json_object_set_new(st, "signal",
			    o->sig ? json_integer(o->sig) : json_null());
	json_object_set_new(st, "stage",
			    o->stage ? json_string(o->stage) : json_null());
	json_object_set_new(st, "errno",
			    o->err ? json_string(strerrorname_np(o->err))
				   : json_null());
	json_t *rec = json_pack(
		"{s:i,s:s,s:s,s:o,s:i,s:i,s:{s:I,s:I,s:I,s:i}}", "v", 1,
		"session", p->session_id, "event", "end", "status", st,
		"exit_code", o->exit_code, "duration_ms", (int)dur, "peaks",
		"maxrss_kb", (json_int_t)ru.ru_maxrss, "utime_ms",
		(json_int_t)(ru.ru_utime.tv_sec * 1000 +
			     ru.ru_utime.tv_usec / 1000),
		"stime_ms",
		(json_int_t)(ru.ru_stime.tv_sec * 1000 +
			     ru.ru_stime.tv_usec / 1000),
		"processes_killed_at_end", (int)killed);
	if (pk && (pk->memory_bytes || pk->pids || pk->oom_kills)) {
		json_t *peaks = json_object_get(rec, "peaks");
		json_object_set_new(peaks, "cgroup_memory_bytes",
				    json_integer((json_int_t)pk->memory_bytes));
		json_object_set_new(peaks, "cgroup_pids",
				    json_integer((json_int_t)pk->pids));
		json_object_set_new(peaks, "oom_kills",
				    json_integer((json_int_t)pk->oom_kills));
		json_object_set_new(peaks, "forks_refused",
				    json_integer((json_int_t)pk->pids_refused));
	}
	struct bh_error *err = NULL;
	if (bh_audit_write(a, rec, &err) != 0 || bh_audit_sync(a, &err) != 0) {
		fprintf(stderr, "bulkhead: audit log: %s\n", err->msg);
		bh_error_free(err);
	}
	json_decref(rec);
}

/* Waits for the command, forwarding signals and enforcing the deadline. */
static void set_from_status(struct outcome *o, int st)
{
	if (WIFEXITED(st)) {
		o->kind = "exit";
		o->code = WEXITSTATUS(st);
		o->sig = 0;
	} else {
		o->kind = "signal";
		o->sig = WTERMSIG(st);
		o->code = 128 + o->sig;
	}
	o->exit_code = o->code;
}

struct supervisor {
	pid_t child;
	uint64_t limit_ms;
	double t0;
	int sfd;            /* signalfd: SIGCHLD, forwarded signals, SIGWINCH */
	int wake;           /* epoll over sfd and the proxy's log */
	struct bh_pty *pty; /* relaying, or NULL */
	bool pty_done;
	int log_rd;         /* the proxy's decisions (JSON Lines), or -1 */
	struct bh_strbuf log_buf;
	struct bh_audit *audit;
	size_t net_denied;
	pid_t parent; /* who started us: when it is gone, we end too */
	const struct bh_tier_ops *tier; /* for signals it forwards itself */
	struct bh_session *sess;
};

/* The proxy's decision records go to the audit log as they come: the
 * proxy never touches the user's files (DESIGN.md settled question 6). */
static void drain_proxy_log(struct supervisor *sv, bool to_eof)
{
	if (sv->log_rd < 0)
		return;
	char buf[16384];
	for (;;) {
		ssize_t n = read(sv->log_rd, buf, sizeof(buf));
		if (n > 0) {
			bh_strbuf_append(&sv->log_buf, buf, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN && to_eof) {
			struct pollfd pf = {.fd = sv->log_rd, .events = POLLIN};
			if (poll(&pf, 1, 200) > 0)
				continue;
		}
		if (n == 0 || (n < 0 && errno != EAGAIN)) {
			close(sv->log_rd);
			sv->log_rd = -1;
		}
		break;
	}
	char *start = sv->log_buf.buf;
	char *nl;
	while (start && (nl = memchr(start, '\n',
				     sv->log_buf.len -
					     (size_t)(start - sv->log_buf.buf)))) {
		*nl = '\0';
		json_error_t je;
		json_t *rec = json_loads(start, 0, &je);
		if (rec && json_is_object(rec)) {
			json_t *d = json_object_get(rec, "decision");
			if (d && json_is_string(d) &&
			    !strcmp(json_string_value(d), "deny"))
				sv->net_denied++;
			struct bh_error *err = NULL;
			if (bh_audit_write(sv->audit, rec, &err) != 0)
				bh_error_free(err);
		}
		json_decref(rec);
		start = nl + 1;
	}
	if (start && start != sv->log_buf.buf) {
		size_t rest = sv->log_buf.len - (size_t)(start - sv->log_buf.buf);
		memmove(sv->log_buf.buf, start, rest);
		sv->log_buf.len = rest;
		sv->log_buf.buf[rest] = '\0';
	}
}

static void reap_orphans(pid_t child)
{
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	while (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
	       si.si_pid && si.si_pid != child) {
		(void)waitpid(si.si_pid, NULL, 0);
		memset(&si, 0, sizeof(si));
	}
}

static void handle_signals(struct supervisor *sv)
{
	struct signalfd_siginfo si;
	while (read(sv->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		int sig = (int)si.ssi_signo;
		if (sig == SIGCHLD) {
			/* Orphans handed to us; the command itself is
			 * collected by the main loop. */
			reap_orphans(sv->child);
		} else if (sig == SIGWINCH) {
			if (sv->pty && !sv->pty_done)
				(void)bh_pty_sync_winsize(sv->pty, NULL);
		} else if (!sv->tier || !sv->tier->forward_signal ||
			   !sv->tier->forward_signal(sv->sess, sig)) {
			/* The command has its own session: pass the signal
			 * to its process group, and to it in case it left
			 * the group. */
			kill(-sv->child, sig);
			kill(sv->child, sig);
		}
	}
	/* Our parent died (PR_SET_PDEATHSIG sent the SIGTERM above): the
	 * session ends with it, whatever the command does with SIGTERM. */
	if (sv->parent && getppid() != sv->parent && sv->child > 0) {
		kill(-sv->child, SIGKILL);
		kill(sv->child, SIGKILL);
	}
}

/* One wait: relaying the terminal when there is one, else just for a
 * signal, at most timeout_ms. */
static void wait_once(struct supervisor *sv, int timeout_ms)
{
	if (sv->pty && !sv->pty_done) {
		struct bh_error *err = NULL;
		int ev = bh_pty_relay_step(sv->pty, sv->wake, timeout_ms, &err);
		if (ev < 0) {
			/* The user's terminal went away: the sandbox sees a
			 * hangup, as with a closed window. */
			bh_error_free(err);
			bh_pty_close(sv->pty);
			sv->pty = NULL;
		} else if (ev == BH_PTY_DONE) {
			sv->pty_done = true;
		}
	} else {
		struct pollfd pf = {.fd = sv->wake, .events = POLLIN};
		(void)poll(&pf, 1, timeout_ms);
	}
	handle_signals(sv);
	drain_proxy_log(sv, false);
}

/* Waits for the command, forwarding signals, relaying the terminal and
 * enforcing the deadline.  Returns 1 when the deadline killed it. */
static int supervise(struct supervisor *sv, struct outcome *o, int *raw)
{
	for (;;) {
		int st;
		if (waitpid(sv->child, &st, WNOHANG) == sv->child) {
			*raw = st;
			set_from_status(o, st);
			return 0;
		}
		int timeout = -1;
		if (sv->limit_ms) {
			double left = sv->t0 + (double)sv->limit_ms - now_ms();
			if (left <= 0) {
				kill(-sv->child, SIGKILL);
				kill(sv->child, SIGKILL);
				(void)waitpid(sv->child, &st, 0);
				o->kind = "timeout";
				o->sig = SIGKILL;
				o->code = 128 + SIGKILL;
				o->exit_code = o->code;
				return 1;
			}
			timeout = left > 1e9 ? 1000000000 : (int)left + 1;
		}
		wait_once(sv, timeout);
	}
}

/* After the command ended: let the relay drain what its last writes left
 * (bounded), restore the user's terminal, close the pty. */
static void finish_relay(struct supervisor *sv)
{
	double until = now_ms() + 500;
	while (sv->pty && !sv->pty_done && now_ms() < until)
		wait_once(sv, 50);
	bh_pty_close(sv->pty);
	sv->pty = NULL;
}

/* Starts the egress proxy on the sandbox's listening socket, its
 * decisions coming back on a pipe the supervisor drains into the log. */
static int start_proxy(struct bh_prepared *p, struct supervisor *sv,
		       struct bh_error **err)
{
	int lfd = p->sess.proxy_listen_fd >= 0 ? p->sess.proxy_listen_fd
					       : p->egress.listen_fd;
	if (lfd < 0)
		return bh_error_set(err, BH_EK_SYSTEM, ENOTCONN,
				    "no listening socket for the proxy");
	int lp[2];
	if (pipe2(lp, O_CLOEXEC) != 0)
		return bh_error_sys(err, errno, "pipe");
	struct bh_proxy_opts po = {
		.policy = p->policy,
		.listen_fds = &lfd,
		.n_listen = 1,
		.log_fd = lp[1],
		.session_id = p->session_id,
		.token = p->egress.need_token ? p->egress.token : NULL,
		.dns_server = getenv("BULKHEAD_DNS_SERVER"),
	};
	pid_t pid = bh_proxy_start(&po, err);
	close(lp[1]);
	if (pid < 0) {
		close(lp[0]);
		return (int)pid;
	}
	p->egress.proxy_pid = pid;
	/* bh_proxy_start() closed our copy: only the proxy holds the
	 * listening socket now, so when it dies the sandbox's connections
	 * are refused, never left hanging or open. */
	if (lfd == p->egress.listen_fd)
		p->egress.listen_fd = -1;
	if (lfd == p->sess.proxy_listen_fd)
		p->sess.proxy_listen_fd = -1;
	(void)fcntl(lp[0], F_SETFL, O_NONBLOCK);
	sv->log_rd = lp[0];
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = lp[0]};
	(void)epoll_ctl(sv->wake, EPOLL_CTL_ADD, lp[0], &ev);
	return 0;
}

struct egress_ctx {
	struct bh_prepared *p;
	struct supervisor *sv;
	struct bh_error *err;
};

struct exec_record_ctx {
	const struct bh_prepared *p;
	struct bh_audit *audit;
};

/* The microvm warm mode's record of one served command (written from the
 * tier's monitor process: one write() under flock, as every record). */
static void exec_record(void *vctx, char *const *argv, int st, double ms)
{
	const struct exec_record_ctx *c = vctx;
	json_t *rec = bh_audit_record_new(c->p->session_id, "exec");
	json_t *av = json_array();
	for (size_t i = 0; argv[i]; i++) {
		cleanup_free char *red =
			bh_secrets_redact(c->p->secrets, c->p->key, argv[i]);
		json_array_append_new(av, bh_audit_json_string(red));
	}
	json_object_set_new(rec, "argv", av);
	struct outcome o = {0};
	set_from_status(&o, st);
	json_object_set_new(rec, "status",
			    json_pack("{s:s,s:i}", "kind", o.kind, "code",
				      o.code));
	json_object_set_new(rec, "exit_code", json_integer(o.exit_code));
	json_object_set_new(rec, "duration_ms", json_integer((json_int_t)ms));
	struct bh_error *err = NULL;
	if (bh_audit_write(c->audit, rec, &err) != 0)
		bh_error_free(err);
	json_decref(rec);
}

static int egress_ready(struct bh_session *s, int listen_fd, void *vctx)
{
	(void)s;
	(void)listen_fd;
	struct egress_ctx *c = vctx;
	int r = start_proxy(c->p, c->sv, &c->err);
	if (r && c->err) {
		fprintf(stderr, "bulkhead: egress proxy: %s\n", c->err->msg);
		bh_error_free(c->err);
		c->err = NULL;
	}
	return r;
}

/* Internal: the gvisor tier's init, inside the sandbox:
 * __gvisor-init SOCKET|- PORT -- CMD... (net/egress.h). */
int bh_cmd_gvisor_init(int argc, char **argv)
{
	if (argc < 5 || strcmp(argv[3], "--") != 0)
		return bh_cli_usage("__gvisor-init", "SOCKET|- PORT -- CMD...");
	const char *sock = strcmp(argv[1], "-") ? argv[1] : NULL;
	return bh_egress_relay(sock, (unsigned)atoi(argv[2]), argv + 4);
}

int bh_cmd_run(int argc, char **argv)
{
	bh_tmark("start");
	struct bh_cli_opts o = {0};
	int idx = bh_cli_parse_opts(argc, argv, &o, true, run_help);
	if (idx == -2)
		return 0;
	if (idx < 0)
		return 2;
	if (idx < argc && !strcmp(argv[idx], "--"))
		idx++;
	if (idx >= argc && !o.print_env && !o.serve)
		return bh_cli_usage("run", "no command given");
	char *const *cmd = argv + idx;
	static char *const default_cmd[] = {"/bin/sh", NULL};
	if (idx >= argc)
		cmd = default_cmd;
	/* The warm mode runs no command of its own: its start record says
	 * what it serves; each command served gets an exec record. */
	char *serve_cmd[] = {"(serve)", (char *)o.serve, NULL};
	if (o.serve && idx >= argc)
		cmd = serve_cmd;

	/* A closed pipe (the terminal, the cgroup guard) must never kill the
	 * supervisor before it has logged and cleaned up; the command gets
	 * the default disposition back in the child. */
	signal(SIGPIPE, SIG_IGN);
	struct bh_prepared p;
	memset(&p, 0, sizeof(p));
	struct bh_error *err = NULL;
	int r = bh_prepare(&o, cmd, &p, &err);
	bh_tmark("prepared");
	if (r == 0)
		r = bh_load_key(p.state_dir, p.key, &err);
	if (r) {
		bh_prepared_cleanup(&p);
		return bh_cli_fail(err);
	}
	if (o.print_env) {
		print_env(&p);
		bh_prepared_cleanup(&p);
		return 0;
	}
	if (!o.quiet) {
		warn_env(&p);
		warn_report(&p);
	}
	cleanup_free char *log_path = bh_xasprintf("%s/audit.jsonl",
						   p.state_dir);
	struct bh_audit *audit = NULL;
	r = bh_audit_open(log_path, &audit, &err);
	if (r == 0) {
		json_t *rec = start_record(&p, cmd);
		r = bh_audit_write(audit, rec, &err);
		json_decref(rec);
	}
	if (r) {
		bh_error_prefix(err, "audit log");
		bh_audit_close(audit);
		bh_prepared_cleanup(&p);
		return bh_cli_fail(err);
	}

	/* A rule the tier cannot enforce stops the launch: the host falls
	 * short, not the profile, hence 125.  The log says why. */
	double t0 = now_ms();
	struct outcome out = {0};
	r = bh_report_check(p.sess.report, o.strict || p.policy->strict, &err);
	if (r) {
		err->kind = BH_EK_SYSTEM;
		out.kind = "setup-failed";
		out.stage = "enforcement-check";
		out.code = out.exit_code = 125;
		write_end(audit, &p, &out, now_ms() - t0, 0, NULL);
		bh_audit_close(audit);
		bh_prepared_cleanup(&p);
		return bh_cli_fail(err);
	}

	/* Orphans of the command come to us, so nothing outlives it. */
	(void)prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	/* When whoever started us dies (the agent, a closed terminal's
	 * shell), tear down as on SIGTERM: it is forwarded and the normal
	 * end follows (DESIGN.md decision 3). */
	pid_t parent = getppid();
	(void)prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
	sigset_t block, old;
	sigemptyset(&block);
	int sigs[] = {SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1,
		      SIGUSR2, SIGWINCH};
	for (size_t i = 0; i < BH_ARRAY_SIZE(sigs); i++)
		sigaddset(&block, sigs[i]);
	sigprocmask(SIG_BLOCK, &block, &old);
	if (getppid() != parent)
		raise(SIGTERM); /* it died before the prctl: pending, handled */

	struct supervisor sv = {.t0 = t0, .pty = NULL};
	sv.sfd = signalfd(-1, &block, SFD_NONBLOCK | SFD_CLOEXEC);
	sv.log_rd = -1;
	sv.audit = audit;
	sv.parent = parent;
	sv.tier = p.tier;
	sv.sess = &p.sess;
	sv.wake = epoll_create1(EPOLL_CLOEXEC);
	if (sv.sfd < 0 || sv.wake < 0) {
		bh_error_sys(&err, errno, "signalfd");
		bh_audit_close(audit);
		bh_prepared_cleanup(&p);
		return bh_cli_fail(err);
	}
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = sv.sfd};
	(void)epoll_ctl(sv.wake, EPOLL_CTL_ADD, sv.sfd, &ev);
	/* Terminal safety: when any of our standard streams is a terminal,
	 * the command gets a pseudo-terminal of its own and its output is
	 * sanitised on the way to ours. */
	bool want_pty = o.pty > 0 ||
			(o.pty == 0 && (isatty(0) || isatty(1) || isatty(2)));
	if (want_pty) {
		r = bh_pty_open(isatty(0) ? 0 : 1, &sv.pty, &err);
		if (r) {
			bh_error_prefix(err, "terminal");
			bh_audit_close(audit);
			bh_prepared_cleanup(&p);
			return bh_cli_fail(err);
		}
		p.sess.pty = sv.pty;
	}
	bh_tmark("audit start");
	pid_t child = -1;
	struct bh_spawn_failure fail = {0};
	/* The proxy runs before the command can: without it the command
	 * does not start (fail closed). */
	struct egress_ctx ectx = {.p = &p, .sv = &sv};
	p.sess.egress_ready = egress_ready;
	p.sess.egress_ctx = &ectx;
	struct exec_record_ctx rctx = {.p = &p, .audit = audit};
	p.sess.exec_record = exec_record;
	p.sess.exec_ctx = &rctx;
	r = 0;
	if (p.egress.on && p.egress.listen_fd >= 0)
		r = start_proxy(&p, &sv, &err);
	if (r == 0)
		r = p.tier->launch(&p.sess, &child, &fail, &err);
	if (r && fail.stage) {
		bool exec = fail.stage == BH_STAGE_EXEC ||
			    fail.stage == BH_STAGE_EXEC_NOT_FOUND;
		out.kind = exec ? "exec-failed" : "setup-failed";
		out.stage = bh_stage_name(fail.stage);
		out.err = fail.err;
		out.exit_code = fail.stage == BH_STAGE_EXEC_NOT_FOUND ? 127
				: exec				     ? 126
								     : 125;
		out.code = out.exit_code;
		if (exec)
			fprintf(stderr, "bulkhead: %s: %s\n", cmd[0],
				fail.stage == BH_STAGE_EXEC_NOT_FOUND
					? "command not found"
					: strerror(fail.err));
		else
			fprintf(stderr,
				"bulkhead: sandbox setup failed at %s%s: %s\n",
				out.stage,
				fail.stage == BH_STAGE_MOUNT && fail.detail >= 0
					? " (a mount)"
					: "",
				strerror(fail.err));
		(void)waitpid(child, NULL, 0);
	} else if (r) {
		out.kind = "setup-failed";
		out.stage = "launch";
		out.err = err ? err->code : 0;
		out.exit_code = 125;
		out.code = 125;
		fprintf(stderr, "bulkhead: %s\n", err ? err->msg : "launch failed");
		bh_error_free(err);
		err = NULL;
	} else {
		uint64_t limit = p.policy->limits[BH_LIMIT_TIME].set
					 ? p.policy->limits[BH_LIMIT_TIME].value
					 : 0;
		bh_tmark("exec'd");
		int raw = 0;
		sv.child = child;
		sv.limit_ms = limit;
		if (sv.pty) {
			bh_pty_parent_after_fork(sv.pty);
			const char *lang = getenv("LC_ALL");
			if (!lang || !*lang)
				lang = getenv("LC_CTYPE");
			if (!lang || !*lang)
				lang = getenv("LANG");
			bool utf8 = lang && (strcasestr(lang, "utf-8") ||
					     strcasestr(lang, "utf8"));
			if (bh_pty_relay_begin(sv.pty, isatty(0) ? 0 : -1, 1,
					       utf8 ? 0 : BH_PTY_LEGACY_8BIT,
					       &err) != 0) {
				bh_error_free(err);
				err = NULL;
				bh_pty_close(sv.pty);
				sv.pty = NULL;
			}
		}
		p.keep_ws = true;
		bool timed_out = supervise(&sv, &out, &raw) == 1;
		if (!timed_out && p.tier->command_status)
			set_from_status(&out,
					p.tier->command_status(&p.sess, raw));
		if (timed_out && !o.quiet)
			fprintf(stderr,
				"bulkhead: time limit reached after %.1f s; "
				"process tree killed\n",
				(double)limit / 1000.0);
	}
	bh_tmark("command ended");
	unsigned killed = 0;
	struct bh_cgroup_peaks pk = {0};
	if (p.sess.cgroup) {
		killed += bh_cgroup_kill(p.sess.cgroup);
		bh_cgroup_peaks(p.sess.cgroup, &pk);
	}
	killed += bh_kill_descendants();
	p.egress.proxy_pid = 0; /* killed and reaped just above */
	finish_relay(&sv);
	drain_proxy_log(&sv, true);
	bh_strbuf_release(&sv.log_buf);
	if (sv.net_denied && !o.quiet)
		fprintf(stderr,
			"bulkhead: the proxy denied %zu connection%s; see "
			"`bulkhead log --session %s`\n",
			sv.net_denied, sv.net_denied == 1 ? "" : "s",
			p.session_id);
	if (sv.sfd >= 0)
		close(sv.sfd);
	if (sv.wake >= 0)
		close(sv.wake);
	double dur = now_ms() - t0;
	write_end(audit, &p, &out, dur, killed, &pk);
	if (p.ws && p.keep_ws) {
		struct bh_error *werr = NULL;
		if (bh_ws_session_set_state(p.ws, BH_WS_STATE_ENDED, &werr))
			bh_error_free(werr);
		if (!o.quiet)
			fprintf(stderr,
				"bulkhead: changes kept for review: bulkhead "
				"diff %s (then apply or discard)\n",
				p.session_id);
	}
	bh_audit_close(audit);
	bh_tmark("end logged");
	/* Tear down with the signals still blocked: a Ctrl-C or a hangup
	 * arriving now must not kill us halfway through the cleanup. */
	bh_prepared_cleanup(&p);
	bh_tmark("cleaned up");
	/* The mask stays: we exit now, and a signal left pending must not
	 * replace the command's status. */
	(void)old;
	return out.exit_code;
}
