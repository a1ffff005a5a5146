/* SPDX-License-Identifier: MIT */
/*
 * bulkhead inventory: every credential a process launched under a profile
 * could reach, measured from inside a sandbox built from that profile, and
 * what the profile hides, measured outside as the invoking user.
 *
 * The inside pass is `bulkhead run --grant-self ... -- bulkhead
 * __inventory-scan`: the same launch an agent gets (tier, rootfs, Landlock,
 * seccomp, environment filter, audit record), plus read and execute of the
 * bulkhead binary.  Its settings and the fingerprint key reach it on stdin,
 * never in argv or the environment (both readable by other processes of
 * the user); its findings come back as JSON lines on stdout, the last one
 * {"done":...}.  A scan that does not finish is an error, never "nothing
 * exposed" (fail closed).  Both passes run at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit/audit.h"
#include "cli/cli.h"
#include "cli/session.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "inventory/inventory.h"
#include "net/host.h"
#include "policy/policy.h"
#include "secrets/secrets.h"
#include "tier/tier.h"

static const char inventory_help[] =
    "usage: bulkhead inventory [-p PROFILE] [-t TIER] [-w DIR]\n"
    "                          [--json | --sarif] [--fail-on SEVERITY]\n"
    "                          [--baseline FILE]\n"
    "\n"
    "Lists every credential a command launched under PROFILE could reach:\n"
    "environment variables, credential files of ~50 tools, secrets inside\n"
    "readable files, agent and daemon sockets, inherited descriptors,\n"
    "mounts, and network destinations.  The scan runs inside a sandbox\n"
    "built from the profile (EXPOSED: what an agent would see) and outside\n"
    "as you (CONTAINED: what exists but the profile hides).  Findings show\n"
    "kind, place, line and a keyed fingerprint, never the secret.\n"
    "\n"
    "  -p, --profile P     profile (default: default)\n"
    "  -t, --tier T        tier to measure (default: as `run` would pick)\n"
    "  -w, --workspace D   workspace (default: git top or current dir)\n"
    "  --force-workspace   allow $HOME or / as the workspace\n"
    "  --uid UID[:GID]     as root: the identity of the inside scan\n"
    "  --json              the JSON document (docs/inventory.md)\n"
    "  --sarif             SARIF 2.1.0 for code-scanning tools\n"
    "  --fail-on SEV       exit 1 when an exposed finding is at least SEV\n"
    "                      (low, medium, high, critical)\n"
    "  --baseline FILE     suppress exposed findings listed in FILE (an\n"
    "                      earlier --json output, or RULE:FINGERPRINT lines)\n"
    "  -q, --quiet         no progress or sandbox warnings on stderr\n"
    "\n"
    "Exit status: 0, or 1 with --fail-on when an exposed finding reaches\n"
    "the severity; 2 usage or profile error; 125 the scan failed.\n";

struct inv_opts {
	const char *profile, *tier, *workspace, *uid, *baseline;
	bool force_ws, json, sarif, quiet;
	int fail_on; /* 0: never */
};

static int parse(int argc, char **argv, struct inv_opts *o)
{
	enum { O_JSON = 256, O_SARIF, O_FAIL, O_BASE, O_FORCE, O_UID };
	static const struct option longs[] = {
	    {"profile", required_argument, NULL, 'p'},
	    {"tier", required_argument, NULL, 't'},
	    {"workspace", required_argument, NULL, 'w'},
	    {"force-workspace", no_argument, NULL, O_FORCE},
	    {"uid", required_argument, NULL, O_UID},
	    {"json", no_argument, NULL, O_JSON},
	    {"sarif", no_argument, NULL, O_SARIF},
	    {"fail-on", required_argument, NULL, O_FAIL},
	    {"baseline", required_argument, NULL, O_BASE},
	    {"quiet", no_argument, NULL, 'q'},
	    {"help", no_argument, NULL, 'h'},
	    {0, 0, 0, 0},
	};
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "p:t:w:qh", longs, NULL)) != -1) {
		switch (c) {
		case 'p':
			o->profile = optarg;
			break;
		case 't':
			if (bh_tier_from_name(optarg) == BH_TIER_UNSET)
				return bh_cli_usage(
				    "inventory", "unknown tier '%s'", optarg);
			o->tier = optarg;
			break;
		case 'w':
			o->workspace = optarg;
			break;
		case O_FORCE:
			o->force_ws = true;
			break;
		case O_UID:
			o->uid = optarg;
			break;
		case O_JSON:
			o->json = true;
			break;
		case O_SARIF:
			o->sarif = true;
			break;
		case O_FAIL:
			o->fail_on = bh_severity_parse(optarg);
			if (o->fail_on < 0)
				return bh_cli_usage(
				    "inventory",
				    "--fail-on takes low, medium, "
				    "high or critical, not '%s'",
				    optarg);
			break;
		case O_BASE:
			o->baseline = optarg;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'h':
			fputs(inventory_help, stdout);
			return -1;
		default:
			if (optopt)
				return bh_cli_usage("inventory",
						    "unknown option '-%c'",
						    optopt);
			return bh_cli_usage("inventory", "unknown option '%s'",
					    argv[optind - 1]);
		}
	}
	if (optind < argc)
		return bh_cli_usage("inventory", "unexpected argument '%s'",
				    argv[optind]);
	if (o->json && o->sarif)
		return bh_cli_usage("inventory",
				    "--json and --sarif exclude each other");
	return 0;
}

/* ---- the scanner inside ------------------------------------------------ */

static bool hex_key(const char *s, unsigned char key[32])
{
	if (strlen(s) != 64)
		return false;
	for (int i = 0; i < 32; i++) {
		unsigned v;
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return false;
		key[i] = (unsigned char)v;
	}
	return true;
}

/*
 * `bulkhead __inventory-scan`: the inside pass.  Reads "NAME VALUE" lines
 * on stdin (key, home, ws, uid, xdgc, xdgd, xdgk, runtime, sock), scans,
 * writes one finding per line and a last {"done":true,...} line.
 */
int bh_cmd_inventory_scan(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	unsigned char key[32] = {0};
	bool have_key = false;
	struct bh_inv_scan_opts so = {.env = true, .fds = true, .mounts = true};
	char *strs[8] = {0};
	char **socks = NULL;
	size_t n_socks = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t k;
	while ((k = getline(&line, &cap, stdin)) > 0) {
		if (line[k - 1] == '\n')
			line[--k] = '\0';
		char *sp = strchr(line, ' ');
		if (!sp)
			continue;
		*sp = '\0';
		const char *v = sp + 1;
		static const char *const names[] = {"home", "ws",   "xdgc",
						    "xdgd", "xdgk", "runtime"};
		if (!strcmp(line, "key")) {
			have_key = hex_key(v, key);
		} else if (!strcmp(line, "uid")) {
			so.uid = (uid_t)strtoul(v, NULL, 10);
		} else if (!strcmp(line, "sock")) {
			bh_strv_push(&socks, &n_socks, bh_xstrdup(v));
		} else {
			for (size_t i = 0; i < BH_ARRAY_SIZE(names); i++)
				if (!strcmp(line, names[i]) && !strs[i])
					strs[i] = bh_xstrdup(v);
		}
	}
	explicit_bzero(line, cap);
	free(line);
	so.home = strs[0];
	so.workspace = strs[1];
	so.xdg_config = strs[2];
	so.xdg_data = strs[3];
	so.xdg_cache = strs[4];
	so.runtime = strs[5];
	so.sockets = socks;
	so.n_sockets = n_socks;
	so.key = key;
	struct bh_error *err = NULL;
	struct bh_secrets *sec = NULL;
	struct bh_inv_findings f = {0};
	int rc = 125;
	if (!have_key || !so.home) {
		fprintf(stderr, "bulkhead __inventory-scan: no key or home on "
				"stdin (this command is run by `inventory`)\n");
		goto out;
	}
	if (bh_secrets_new_opts(&(struct bh_secrets_opts){.jit_after = 0}, &sec,
				&err) ||
	    (so.secrets = sec, bh_inv_scan(&so, &f, &err))) {
		rc = bh_cli_fail(err);
		goto out;
	}
	for (size_t i = 0; i < f.n; i++) {
		json_t *j = bh_inv_finding_to_json(&f.v[i]);
		json_dumpf(j, stdout, JSON_COMPACT);
		json_decref(j);
		fputc('\n', stdout);
	}
	printf("{\"done\":true,\"files\":%zu,\"truncated\":%s}\n", f.files,
	       f.truncated ? "true" : "false");
	rc = bh_cli_finish_output("writing the scan");
out:
	explicit_bzero(key, sizeof(key));
	bh_inv_findings_release(&f);
	bh_secrets_free(sec);
	bh_strv_free(socks);
	for (size_t i = 0; i < BH_ARRAY_SIZE(strs); i++)
		free(strs[i]);
	return rc;
}

/* ---- the outside ------------------------------------------------------- */

struct inside {
	pid_t pid;
	int in_fd, out_fd;
};

/* Starts `bulkhead run ... -- bulkhead __inventory-scan` with pipes on its
 * stdin and stdout. */
static int start_inside(const struct inv_opts *o, const char *ws,
			struct inside *in, struct bh_error **err)
{
	cleanup_free char *self = realpath("/proc/self/exe", NULL);
	if (!self)
		return bh_error_sys(err, errno, "/proc/self/exe");
	char *argv[24];
	size_t n = 0;
	argv[n++] = self;
	argv[n++] = "run";
	argv[n++] = "--grant-self";
	argv[n++] = "--no-pty";
	argv[n++] = "--workspace-mode";
	argv[n++] = "direct";
	argv[n++] = "-p";
	argv[n++] = (char *)(o->profile ? o->profile : "default");
	argv[n++] = "-w";
	argv[n++] = (char *)ws;
	if (o->tier) {
		argv[n++] = "-t";
		argv[n++] = (char *)o->tier;
	}
	if (o->force_ws)
		argv[n++] = "--force-workspace";
	if (o->uid) {
		argv[n++] = "--uid";
		argv[n++] = (char *)o->uid;
	}
	if (o->quiet)
		argv[n++] = "-q";
	argv[n++] = "--";
	argv[n++] = self;
	argv[n++] = "__inventory-scan";
	argv[n] = NULL;
	int pin[2], pout[2];
	if (pipe2(pin, O_CLOEXEC) != 0)
		return bh_error_sys(err, errno, "pipe");
	if (pipe2(pout, O_CLOEXEC) != 0) {
		int e = errno;
		close(pin[0]);
		close(pin[1]);
		return bh_error_sys(err, e, "pipe");
	}
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(pin[0]);
		close(pin[1]);
		close(pout[0]);
		close(pout[1]);
		return bh_error_sys(err, e, "fork");
	}
	if (pid == 0) {
		if (dup2(pin[0], 0) < 0 || dup2(pout[1], 1) < 0)
			_exit(125);
		execv(self, argv);
		_exit(126);
	}
	close(pin[0]);
	close(pout[1]);
	in->pid = pid;
	in->in_fd = pin[1];
	in->out_fd = pout[0];
	return 0;
}

static void send_settings(int fd, const unsigned char key[32],
			  const struct bh_inv_scan_opts *so, char *const *socks,
			  size_t n_socks)
{
	struct bh_strbuf sb = {0};
	bh_strbuf_puts(&sb, "key ");
	for (int i = 0; i < 32; i++)
		bh_strbuf_printf(&sb, "%02x", key[i]);
	bh_strbuf_printf(&sb, "\nhome %s\nuid %u\n", so->home,
			 (unsigned)so->uid);
	if (so->workspace)
		bh_strbuf_printf(&sb, "ws %s\n", so->workspace);
	const char *names[] = {"xdgc", "xdgd", "xdgk", "runtime"};
	const char *vals[] = {so->xdg_config, so->xdg_data, so->xdg_cache,
			      so->runtime};
	for (size_t i = 0; i < 4; i++)
		if (vals[i] && vals[i][0] == '/' && !strchr(vals[i], '\n'))
			bh_strbuf_printf(&sb, "%s %s\n", names[i], vals[i]);
	for (size_t i = 0; i < n_socks; i++)
		if (!strchr(socks[i], '\n'))
			bh_strbuf_printf(&sb, "sock %s\n", socks[i]);
	size_t off = 0;
	while (off < sb.len) {
		ssize_t k = write(fd, sb.buf + off, sb.len - off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break; /* the scan died; its status says why */
		off += (size_t)k;
	}
	explicit_bzero(sb.buf, sb.len);
	bh_strbuf_release(&sb);
}

/* Reads the inside scan's lines.  0 when the done line arrived. */
static int read_inside(int fd, struct bh_inv_findings *f, struct bh_error **err)
{
	FILE *in = fdopen(fd, "r");
	if (!in)
		return bh_error_sys(err, errno, "fdopen");
	char *line = NULL;
	size_t cap = 0;
	ssize_t k;
	bool done = false;
	unsigned n = 0;
	int r = 0;
	while (!r && (k = getline(&line, &cap, in)) > 0) {
		n++;
		json_error_t je;
		json_t *j = json_loadb(line, (size_t)k, 0, &je);
		if (!json_is_object(j)) {
			r = bh_error_set(err, BH_EK_SYSTEM, EPROTO,
					 "inside scan: line %u is not JSON: %s",
					 n, je.text);
		} else if (json_is_true(json_object_get(j, "done"))) {
			done = true;
			f->files = (size_t)json_integer_value(
			    json_object_get(j, "files"));
			f->truncated =
			    json_is_true(json_object_get(j, "truncated"));
		} else {
			struct bh_inv_finding x;
			if (bh_inv_finding_from_json(j, &x) != 0) {
				r = bh_error_set(err, BH_EK_SYSTEM, EPROTO,
						 "inside scan: line %u is not "
						 "a finding",
						 n);
			} else {
				bh_inv_findings_add(f, &x);
				bh_inv_finding_release(&x);
			}
		}
		json_decref(j);
	}
	free(line);
	fclose(in);
	if (!r && !done)
		r = bh_error_set(err, BH_EK_SYSTEM, EPIPE,
				 "the scan inside the sandbox did not finish");
	return r;
}

/* ---- the network, judged from the policy -------------------------------- */

static int class_severity(unsigned classes)
{
	if (classes & BH_ADDR_METADATA)
		return BH_SEV_CRITICAL;
	if (classes & BH_ADDR_LOOPBACK)
		return BH_SEV_HIGH;
	return BH_SEV_MEDIUM;
}

static void add_net(struct bh_inv_findings *f, const unsigned char key[32],
		    const char *loc, int sev, const char *what, bool open)
{
	struct bh_inv_finding x = {
		.rule = "network-destination",
		.kind = BH_INVF_NETWORK,
		.severity = sev,
		.location = (char *)loc,
		.what = (char *)what,
		.hint = "remove the `net allow` rule naming this address",
		.status = open ? BH_INV_EXPOSED : BH_INV_CONTAINED,
	};
	bh_secrets_fingerprint(key, loc, strlen(loc), x.fp);
	bh_inv_findings_add(f, &x);
}

/*
 * The proxy refuses loopback, private, link-local, CGNAT, multicast and
 * metadata addresses after resolution unless an allow rule names the
 * address itself (src/net/host.h), so what is reachable is exactly what
 * the rules name: every such rule is an exposed destination, with its
 * port.  The well-known credential endpoints no rule names are listed as
 * contained, so the report says they were looked at.
 */
static int judge_network(const struct bh_policy *pol,
			 const unsigned char key[32], struct bh_inv_findings *f,
			 struct bh_error **err)
{
	static const struct {
		const char *addr;
		const char *what;
	} known[] = {
		{"169.254.169.254", "the cloud metadata endpoint (instance "
				    "credentials)"},
		{"fd00:ec2::254", "the cloud metadata endpoint over IPv6"},
		{"169.254.170.2", "the ECS task metadata endpoint (task role "
				  "credentials)"},
		{"100.100.100.200", "Alibaba Cloud's metadata endpoint"},
		{"127.0.0.1", "services on the host's loopback (databases, dev "
			      "servers, agent APIs)"},
		{"10.0.0.1", "private network ranges"},
		{"192.168.1.1", "private network ranges"},
	};
	struct bh_hostrules *hr = NULL;
	if (pol->n_hosts && bh_hostrules_new(pol, &hr, err))
		return -EINVAL;
	bool named[BH_ARRAY_SIZE(known)] = {false};
	for (size_t i = 0; i < pol->n_hosts; i++) {
		const struct bh_host_rule *r = &pol->hosts[i];
		struct bh_host h;
		const char *why = NULL;
		if (!r->allow ||
		    bh_host_canon(r->host, strlen(r->host), &h, &why) ||
		    h.kind == BH_HOST_NAME)
			continue;
		int fam = h.kind == BH_HOST_IPV4 ? AF_INET : AF_INET6;
		unsigned cls = bh_addr_classes(fam, h.addr);
		unsigned port = r->port ? r->port : 80;
		if (!cls || !bh_hostrules_addr_ok(hr, fam, h.addr, port, NULL))
			continue;
		for (size_t k = 0; k < BH_ARRAY_SIZE(known); k++)
			if (!strcmp(known[k].addr, h.name))
				named[k] = true;
		cleanup_free char *loc =
			r->port ? bh_xasprintf("net:%s:%u", h.name, r->port)
				: bh_xasprintf("net:%s", h.name);
		cleanup_free char *what = bh_xasprintf(
			"%s, allowed by %s:%u", bh_addr_class_name(cls),
			r->loc.file ? r->loc.file : "the profile", r->loc.line);
		add_net(f, key, loc, class_severity(cls), what, true);
	}
	for (size_t k = 0; k < BH_ARRAY_SIZE(known); k++) {
		if (named[k])
			continue;
		struct bh_host h;
		const char *why = NULL;
		if (bh_host_canon(known[k].addr, strlen(known[k].addr), &h, &why))
			continue;
		int fam = h.kind == BH_HOST_IPV4 ? AF_INET : AF_INET6;
		cleanup_free char *loc = bh_xasprintf("net:%s", h.name);
		add_net(f, key, loc, class_severity(bh_addr_classes(fam, h.addr)),
			known[k].what, false);
	}
	bh_hostrules_free(hr);
	return 0;
}

/* One "inventory" record in the audit log: what was found where, by rule,
 * place and fingerprint (never a secret).  A log that cannot be written is
 * a warning (bh_cli_audit_one), not a failure: the inventory is read-only. */
static void audit_inventory(const char *state, const struct bh_inv_meta *m,
			    const struct bh_inv_findings *f)
{
	json_t *rec = json_object();
	json_object_set_new(rec, "profile", json_string(m->profile));
	json_object_set_new(rec, "tier", json_string(m->tier));
	json_object_set_new(rec, "workspace",
			    bh_audit_json_string(m->workspace));
	size_t n[3] = {0};
	json_t *exp = json_array();
	for (size_t i = 0; i < f->n; i++) {
		n[f->v[i].status]++;
		if (f->v[i].status != BH_INV_EXPOSED)
			continue;
		json_t *o = json_object();
		json_object_set_new(o, "rule", json_string(f->v[i].rule));
		json_object_set_new(o, "kind",
				    json_string(bh_inv_fkind_name(f->v[i].kind)));
		json_object_set_new(
			o, "severity",
			json_string(bh_severity_name(f->v[i].severity)));
		json_object_set_new(o, "location",
				    bh_audit_json_string(f->v[i].location));
		json_object_set_new(o, "fingerprint", json_string(f->v[i].fp));
		json_array_append_new(exp, o);
	}
	json_object_set_new(rec, "exposed_count",
			    json_integer((json_int_t)n[BH_INV_EXPOSED]));
	json_object_set_new(rec, "contained_count",
			    json_integer((json_int_t)n[BH_INV_CONTAINED]));
	json_object_set_new(rec, "suppressed_count",
			    json_integer((json_int_t)n[BH_INV_SUPPRESSED]));
	json_object_set_new(rec, "exposed", exp);
	bh_cli_audit_one(state, "inventory", rec);
	json_decref(rec);
}

/* ---- the command --------------------------------------------------------- */

struct progress {
	bool on;
};

static void show_progress(void *ctx, size_t files)
{
	struct progress *p = ctx;
	if (p->on)
		fprintf(stderr, "\rbulkhead inventory: %zu files scanned",
			files);
}

int bh_cmd_inventory(int argc, char **argv)
{
	struct inv_opts o = {0};
	int pr = parse(argc, argv, &o);
	if (pr)
		return pr < 0 ? 0 : pr;
	signal(SIGPIPE, SIG_IGN);
	struct bh_error *err = NULL;
	char cwd[4096];
	if (!getcwd(cwd, sizeof(cwd))) {
		bh_error_sys(&err, errno, "getcwd");
		return bh_cli_fail(err);
	}
	cleanup_free char *ws = bh_cli_workspace_path(o.workspace, cwd, &err);
	if (!ws)
		return bh_cli_fail(err);
	cleanup_free char *home = bh_cli_host_home();
	cleanup_free char *state = bh_state_dir(home, getenv("XDG_STATE_HOME"));
	/* What `run` would refuse, refused here first with run's words and
	 * exit status 2; and no place the scanner's line-based settings could
	 * misread. */
	cleanup_free char *home_real = realpath(home, NULL);
	if (!o.force_ws && (!strcmp(ws, "/") ||
			    (home_real && !strcmp(ws, home_real)))) {
		bh_error_set(&err, BH_EK_USAGE, EPERM,
			     "refusing %s as the workspace: it would make %s "
			     "writable to the sandbox",
			     ws, !strcmp(ws, "/") ? "the whole system"
						  : "your whole home");
		bh_error_hint(err, "run from a project directory, pass "
				   "--workspace DIR, or --force-workspace");
		return bh_cli_fail(err);
	}
	if (strchr(ws, '\n') || strchr(home, '\n')) {
		bh_error_set(&err, BH_EK_USAGE, EINVAL,
			     "the workspace or HOME path holds a newline");
		return bh_cli_fail(err);
	}
	unsigned char key[32];
	if (bh_load_key(state, key, &err))
		return bh_cli_fail(err);

	/* The policy, for the network judgement and the tier's name. */
	struct bh_policy_vars vars = {
	    .workspace = ws, .home = home, .tmpdir = "/tmp"};
	struct bh_policy *pol = NULL;
	if (bh_cli_load_profile(o.profile ? o.profile : "default", &vars, &pol,
				&err))
		return bh_cli_fail(err);
	enum bh_tier_id want = o.tier ? bh_tier_from_name(o.tier) : pol->tier;
	cleanup_free char *tier_note = NULL;
	const struct bh_tier_ops *ops =
	    bh_tier_choose(want, pol->min_tier, &tier_note, &err);
	if (!ops) {
		bh_policy_free(pol);
		return bh_cli_fail(err);
	}

	struct bh_inv_scan_opts so = {
	    .home = home,
	    .workspace = ws,
	    .xdg_config = getenv("XDG_CONFIG_HOME"),
	    .xdg_data = getenv("XDG_DATA_HOME"),
	    .xdg_cache = getenv("XDG_CACHE_HOME"),
	    .runtime = getenv("XDG_RUNTIME_DIR"),
	    .uid = getuid(),
	    .env = true,
	    .mounts = true,
	    .key = key,
	};
	size_t n_socks = 0;
	char **socks = bh_inv_socket_candidates(&so, &n_socks);
	const char *agent = getenv("SSH_AUTH_SOCK");
	if (agent && agent[0] == '/')
		bh_strv_push(&socks, &n_socks, bh_xstrdup(agent));
	so.sockets = socks;
	so.n_sockets = n_socks;

	struct inside in = {.pid = -1, .in_fd = -1, .out_fd = -1};
	struct bh_secrets *sec = NULL;
	struct bh_inv_findings fin = {0}, fout = {0}, all = {0};
	struct bh_inv_baseline base = {0};
	int rc = 0, r;
	if (o.baseline && bh_inv_baseline_load(o.baseline, &base, &err)) {
		rc = bh_cli_fail(err);
		goto out;
	}
	r = start_inside(&o, ws, &in, &err);
	if (r) {
		rc = bh_cli_fail(err);
		goto out;
	}
	send_settings(in.in_fd, key, &so, socks, n_socks);
	close(in.in_fd);
	in.in_fd = -1;

	/* The outside pass while the inside one runs. */
	struct progress prog = {.on = !o.quiet && isatty(2)};
	so.progress = show_progress;
	so.progress_ctx = &prog;
	r = bh_secrets_new_opts(&(struct bh_secrets_opts){.jit_after = 0}, &sec,
				&err);
	so.secrets = sec;
	if (r == 0)
		r = bh_inv_scan(&so, &fout, &err);
	if (prog.on)
		fputs("\r\033[K", stderr);
	struct bh_error *ierr = NULL;
	int ir = read_inside(in.out_fd, &fin, &ierr);
	in.out_fd = -1;
	int st = 0;
	while (waitpid(in.pid, &st, 0) < 0 && errno == EINTR)
		;
	if (r) {
		bh_error_free(ierr);
		rc = bh_cli_fail(err);
		goto out;
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 2) {
		/* `run` refused its options or the profile and said why. */
		bh_error_free(ierr);
		rc = 2;
		goto out;
	}
	if (ir || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		if (!ierr)
			bh_error_set(&ierr, BH_EK_SYSTEM, EIO,
				     "the scan inside the sandbox failed");
		bh_error_prefix(ierr, "inventory");
		if (WIFEXITED(st) && WEXITSTATUS(st))
			bh_error_hint(ierr,
				      "`bulkhead run` exited with %d; "
				      "its message is above",
				      WEXITSTATUS(st));
		rc = bh_cli_fail(ierr);
		goto out;
	}
	bh_error_free(ierr);

	bh_inv_merge(&fin, &fout, &all);
	if (judge_network(pol, key, &all, &err)) {
		rc = bh_cli_fail(err);
		goto out;
	}
	bh_inv_sort(&all);
	if (o.baseline)
		bh_inv_baseline_apply(&base, &all);

	const char *notes[2];
	size_t n_notes = 0;
	if (tier_note)
		notes[n_notes++] = tier_note;
	if (ops->id == BH_TIER_KERNEL && pol->n_hosts)
		notes[n_notes++] =
		    "kernel tier: the sandbox can open TCP connections "
		    "to the proxy's port on any address (docs/network.md)";
	struct bh_inv_meta m = {
	    .profile = o.profile ? o.profile : "default",
	    .tier = ops->name,
	    .home = home,
	    .workspace = ws,
	    .uid = (long)getuid(),
	    .inside_files = fin.files,
	    .outside_files = fout.files,
	    .inside_truncated = fin.truncated,
	    .outside_truncated = fout.truncated,
	    .notes = notes,
	    .n_notes = n_notes,
	};
	audit_inventory(state, &m, &all);
	if (o.json)
		r = bh_inv_write_json(stdout, &m, &all);
	else if (o.sarif)
		r = bh_inv_write_sarif(stdout, &m, &all);
	else
		bh_inv_write_text(stdout, &m, &all, isatty(1));
	rc = bh_cli_finish_output("writing the inventory");
	if (rc == 0 && o.fail_on && bh_inv_worst_exposed(&all) >= o.fail_on)
		rc = 1;
out:
	if (in.in_fd >= 0)
		close(in.in_fd);
	if (in.out_fd >= 0)
		close(in.out_fd);
	explicit_bzero(key, sizeof(key));
	bh_inv_findings_release(&fin);
	bh_inv_findings_release(&fout);
	bh_inv_findings_release(&all);
	bh_inv_baseline_release(&base);
	bh_secrets_free(sec);
	bh_strv_free(socks);
	bh_policy_free(pol);
	return rc;
}
