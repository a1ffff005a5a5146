/* SPDX-License-Identifier: MIT */
/*
 * The gvisor tier: the command runs on gVisor's Sentry, a kernel in user
 * space that implements the system calls itself, so the host kernel's
 * attack surface is the Sentry's own narrow seccomp-filtered set, not the
 * command's.  The policy is compiled into an OCI bundle in the session's
 * private run directory (config.json, the root, runsc's state under
 * --root) and run by `runsc run`.
 *
 * The root is built by bulkhead itself, in a mount namespace of the child
 * that becomes runsc (and, for a caller that is not root, a user namespace
 * mapping the caller to 0): the rootfs planner's tree of binds, masks and
 * pins, exactly the namespace tier's, read-only at its top, handed to runsc
 * as one root that its gofer serves (tier/gvisor_root.c; the spec keeps
 * the Sentry's own /proc, /dev and tmpfs, and binds where noexec changes
 * or a writable grant begins).  One gofer root instead of a gofer mount
 * per grant is most of the difference to a plain `runsc do`; and
 * read-only, hidden and protected paths are the host kernel's mount flags
 * beneath the gofer, whatever the Sentry believes.
 *
 * Defends against: host kernel bugs reachable through system calls; reads
 * and writes outside the grants (the tree has only them; protected paths
 * are read-only binds, over placeholders made and journaled by the planner
 * when they do not exist); network (--network=none: the
 * Sentry's stack has only loopback; --network=none is always passed, as
 * runsc otherwise changes the host's ip_forward and iptables).  Assumes:
 * runsc drops its privileges itself (non-rootless as root, --rootless as a
 * user) and its sandbox and gofer die with `runsc run` (they are started
 * with PR_SET_PDEATHSIG), which dies with the supervisor.  Leftovers of a
 * SIGKILL'd supervisor: the state directory lies in the run directory the
 * next start sweeps; cgroups runsc may have made are journaled here.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "audit/audit.h"
#include "confine/fsplan.h"
#include "confine/limits.h"
#include "confine/oci.h"
#include "confine/rootfs.h"
#include "core/fsutil.h"
#include "core/timing.h"
#include "core/util.h"
#include "tier/gvisor_root.h"
#include "tier/tier.h"

/* A health probe that has not finished by then has failed: a runsc that
 * hangs (the kvm platform here) must not hang every launch. */
#define HEALTH_TIMEOUT_MS 15000

struct gv_state {
	struct bh_fsplan *plan;
	const struct bh_path_rule **rules;
	struct bh_rootfs_plan *rootfs;
	struct bh_limits limits;
	char *runsc;
	char *bundle;	  /* RUNDIR/gvisor: config.json, root/, state/ */
	char *cid;	  /* the container id: bh-SESSION */
	char *journal;	  /* STATE/journal/SESSION.PID.gvisor */
	char *egress_dir; /* holds the proxy's socket, bound in; or NULL */
	char *egress_sock;
	char *self; /* bulkhead itself, the egress relay inside */
	char port_text[16];
	json_t *spec; /* config.json, written at launch */
	int cap_last;
	/* The root built in runsc's mount namespace (its ops' paths are
	 * `rootfs`'s and init_plan()'s). */
	struct bh_gv_root groot;
	struct bh_rootfs_overlay ov; /* overlay mode: the lower layer */
};

/* runsc in $PATH or the usual places.  Caller frees; NULL when absent. */
static char *runsc_find(void)
{
	const char *env = getenv("PATH");
	cleanup_free char *path = bh_xasprintf(
	    "%s:/usr/bin:/usr/sbin:/usr/local/bin", env ? env : "");
	char *save = NULL;
	for (char *d = strtok_r(path, ":", &save); d;
	     d = strtok_r(NULL, ":", &save)) {
		if (d[0] != '/')
			continue;
		char *c = bh_xasprintf("%s/runsc", d);
		if (access(c, X_OK) == 0)
			return c;
		free(c);
	}
	return NULL;
}

/* The flags every runsc call gets.  --network=none always: without it
 * runsc sets up NAT on the host.  --ignore-cgroups: runsc's own cgroups
 * leak when it is killed; limits come from bulkhead's session cgroup,
 * which runsc and with it the Sentry run in. */
struct runsc_cmd {
	char *root_flag;
	const char *v[14];
	size_t n;
};

static void runsc_cmd_init(struct runsc_cmd *c, const char *runsc,
			   const char *bundle, const char *cid, bool egress)
{
	size_t n = 0;
	const char **v = c->v;
	memset(c, 0, sizeof(*c));
	c->root_flag = bh_xasprintf("--root=%s/state", bundle);
	v[n++] = runsc;
	v[n++] = c->root_flag;
	if (geteuid() != 0)
		v[n++] = "--rootless";
	v[n++] = "--network=none";
	v[n++] = "--ignore-cgroups";
	/* The proxy's socket is the one host socket the sandbox needs. */
	v[n++] = egress ? "--host-uds=open" : "--host-uds=none";
	c->n = n;
	v[n++] = "run";
	v[n++] = "--bundle";
	v[n++] = bundle;
	v[n++] = cid;
	v[n] = NULL;
}

/* The same global flags with another subcommand: `runsc ... SUB ARGS`. */
static void runsc_cmd_sub(struct runsc_cmd *c, const char *const *sub)
{
	size_t n = c->n;
	for (size_t i = 0; sub[i] && n + 1 < BH_ARRAY_SIZE(c->v); i++)
		c->v[n++] = sub[i];
	c->v[n] = NULL;
}

/* Writes dir/config.json.  0 or -errno. */
static int dump_spec(const char *dir, json_t *spec)
{
	cleanup_free char *path = bh_xasprintf("%s/config.json", dir);
	return json_dump_file(spec, path, JSON_INDENT(1)) == 0 ? 0 : -EIO;
}

/* The bundle's skeleton: dir/root (empty), dir/state, dir/tmp, and the
 * empty file bound over hidden files. */
static int make_bundle_dirs(const char *dir, struct bh_error **err)
{
	const char *subs[] = {"", "/root", "/binds", "/state", "/tmp"};
	for (size_t i = 0; i < BH_ARRAY_SIZE(subs); i++) {
		cleanup_free char *p = bh_xasprintf("%s%s", dir, subs[i]);
		if (mkdir(p, 0711) != 0 && errno != EEXIST)
			return bh_error_sys(err, errno, "creating %s", p);
	}
	cleanup_free char *mask = bh_xasprintf("%s/empty", dir);
	int fd = open(mask, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0444);
	if (fd < 0)
		return bh_error_sys(err, errno, "creating %s", mask);
	close(fd);
	return 0;
}

/* A journal of what a killed supervisor would leave (gv_sweep() reads it):
 * "cgroup ID" and "dir PATH" lines.  0 or -errno. */
static int write_journal(const char *path, const char *lines)
{
	cleanup_fd int fd = open(
	    path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (write(fd, lines, strlen(lines)) != (ssize_t)strlen(lines))
		return -EIO;
	return 0;
}

/* ---- the health probe ---------------------------------------------------- */

/* Runs argv with stdout and stderr into `out`, in its own process group,
 * after `root` (when not NULL) is built in the child as for a launch;
 * kills it after timeout_ms.  Returns the wait status, or -ETIMEDOUT. */
static int run_bounded(const char *const *argv, const char *out,
		       const char *tmpdir, struct bh_gv_root *root,
		       int timeout_ms)
{
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		(void)setpgid(0, 0);
		int fd =
		    open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		int nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fd < 0 || nul < 0 || dup2(nul, 0) < 0 || dup2(fd, 1) < 0 ||
		    dup2(fd, 2) < 0)
			_exit(125);
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		struct bh_spawn_failure f = {.detail = -1};
		if (root && bh_gv_root_build(root, &f) != 0) {
			fprintf(stderr,
				"bulkhead cannot build the sandbox's root "
				"(%s, operation %d): %s\n",
				bh_stage_name(f.stage), f.detail,
				strerror(f.err));
			_exit(125);
		}
		char *envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL,
				NULL};
		envp[1] = bh_xasprintf("TMPDIR=%s", tmpdir);
		execve(argv[0], (char *const *)argv, envp);
		_exit(127);
	}
	int st = 0;
	for (int waited = 0;; waited += 10) {
		pid_t w = waitpid(pid, &st, WNOHANG);
		if (w == pid)
			return st;
		if (w < 0 && errno != EINTR)
			return -errno;
		if (waited >= timeout_ms) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			(void)waitpid(pid, &st, 0);
			return -ETIMEDOUT;
		}
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
}

/* The last non-empty line of a file, at most 200 bytes.  Caller frees. */
static char *last_line(const char *path)
{
	cleanup_free char *text = NULL;
	size_t len = 0;
	if (bh_read_file(path, 65536, &text, &len, NULL) != 0 || !len)
		return bh_xstrdup("no output");
	while (len && (text[len - 1] == '\n' || text[len - 1] == ' '))
		text[--len] = '\0';
	char *nl = strrchr(text, '\n');
	char *line = nl ? nl + 1 : text;
	if (strlen(line) > 200)
		line[200] = '\0';
	return bh_xstrdup(line);
}

/* Runs `true` under runsc once, in a bundle of its own that grants /usr
 * only.  0, or -errno with *why saying what failed. */
static int health_run(const char *runsc, const char *journal, char **why)
{
	const char *t = getenv("TMPDIR");
	cleanup_free char *dir = bh_xasprintf("%s/bulkhead-gvprobe-XXXXXX",
					      (t && t[0] == '/') ? t : "/tmp");
	if (!mkdtemp(dir)) {
		*why =
		    bh_xasprintf("cannot create %s: %s", dir, strerror(errno));
		return -errno;
	}
	/* A SIGKILL during the probe leaves the directory to the sweep. */
	cleanup_free char *jline = bh_xasprintf("dir %s\n", dir);
	bool journaled = journal && write_journal(journal, jline) == 0;
	(void)chmod(dir, 0711);
	struct bh_error *e = NULL;
	int r = make_bundle_dirs(dir, &e);
	cleanup_free char *root = bh_xasprintf("%s/root", dir);
	(void)chmod(root, 0755);
	/* The launch's way: a tree built in the child's namespaces with the
	 * programs' directories, the Sentry's /proc and /dev. */
	struct bh_mop ops[] = {
	    {.kind = BH_MOP_BIND, .path = "/usr", .ro = true, .is_dir = true},
	    {.kind = BH_MOP_BIND, .path = "/lib", .ro = true, .is_dir = true},
	    {.kind = BH_MOP_BIND, .path = "/lib64", .ro = true, .is_dir = true},
	    {.kind = BH_MOP_PROC, .path = "/proc"},
	    {.kind = BH_MOP_DEV, .path = "/dev"},
	};
	size_t n_ops = BH_ARRAY_SIZE(ops);
	if (access("/lib64", F_OK) != 0) /* not every host has it */
		memmove(&ops[2], &ops[3], (--n_ops - 2) * sizeof(ops[0]));
	struct bh_gv_root groot;
	bh_gv_root_plan(&groot, dir, ops, n_ops, NULL, NULL, NULL);
	char *argv[] = {"/usr/bin/true", NULL};
	char *envp[] = {"PATH=/usr/bin:/bin", NULL};
	cleanup_free char *mask = bh_xasprintf("%s/empty", dir);
	struct bh_oci_params op = {
	    .root = root,
	    .root_writable = true,
	    .mask_file = mask,
	    .ops = groot.sentry,
	    .n_ops = groot.n_sentry,
	    .argv = argv,
	    .envp = envp,
	    .cwd = "/",
	    .uid = geteuid() == 0 ? 65534 : 0,
	    .gid = geteuid() == 0 ? 65534 : 0,
	};
	const struct bh_mop *bad = NULL;
	json_t *spec = r == 0 ? bh_oci_spec(&op, &bad) : NULL;
	if (r == 0)
		r = spec ? dump_spec(dir, spec) : -EINVAL;
	json_decref(spec);
	if (r) {
		*why = bh_xasprintf("cannot write a test bundle in %s: %s", dir,
				    e ? e->msg : strerror(-r));
		bh_error_free(e);
		bh_gv_root_free(&groot);
		(void)bh_rm_rf_at(AT_FDCWD, dir);
		return r;
	}
	cleanup_free char *cid = bh_xasprintf("bh-probe-%d", (int)getpid());
	struct runsc_cmd c = {0};
	runsc_cmd_init(&c, runsc, dir, cid, false);
	cleanup_free char *out = bh_xasprintf("%s/out", dir);
	cleanup_free char *tmp = bh_xasprintf("%s/tmp", dir);
	int st = run_bounded(c.v, out, tmp, &groot, HEALTH_TIMEOUT_MS);
	free(c.root_flag);
	bh_gv_root_free(&groot);
	if (st == -ETIMEDOUT)
		*why = bh_xasprintf("runsc cannot start here: `runsc run true` "
				    "did not finish within %d s",
				    HEALTH_TIMEOUT_MS / 1000);
	else if (st < 0)
		*why =
		    bh_xasprintf("runsc cannot start here: %s", strerror(-st));
	else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		cleanup_free char *line = last_line(out);
		*why = bh_xasprintf(
		    "runsc cannot start here: `runsc run true` "
		    "failed (status %d): %s",
		    WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st), line);
	}
	(void)bh_rm_rf_at(AT_FDCWD, dir);
	if (journaled)
		unlink(journal);
	return *why ? -ENOTSUP : 0;
}

/* The key of a cached probe result: this boot, this runsc binary, this
 * caller. */
static char *health_key(const char *runsc)
{
	cleanup_free char *boot = NULL;
	if (bh_read_file("/proc/sys/kernel/random/boot_id", 256, &boot, NULL,
			 NULL) != 0)
		boot = bh_xstrdup("unknown-boot");
	boot[strcspn(boot, "\n")] = '\0';
	struct stat st;
	if (stat(runsc, &st) != 0)
		memset(&st, 0, sizeof(st));
	return bh_xasprintf("%s %s %lu %lld %lld %u", boot, runsc,
			    (unsigned long)st.st_ino, (long long)st.st_size,
			    (long long)st.st_mtime, (unsigned)geteuid());
}

/*
 * Probe by doing, once per boot: whether runsc can start a sandbox here
 * (a runsc may be installed and still fail: no ptrace, a hanging
 * platform).  The result, good or bad, is cached in the state directory
 * under the boot id and the binary's identity, so a reinstall probes again.
 */
static int health(const char *runsc, char **why)
{
	const char *home = getenv("HOME");
	cleanup_free char *state = bh_state_dir(
	    home && home[0] == '/' ? home : "/", getenv("XDG_STATE_HOME"));
	cleanup_free char *cache = bh_xasprintf("%s/gvisor-health", state);
	cleanup_free char *key = health_key(runsc);
	cleanup_free char *text = NULL;
	if (bh_read_file(cache, 4096, &text, NULL, NULL) == 0) {
		char *nl = strchr(text, '\n');
		if (nl && (size_t)(nl - text) == strlen(key) &&
		    !strncmp(text, key, strlen(key))) {
			char *res = nl + 1;
			res[strcspn(res, "\n")] = '\0';
			if (!strcmp(res, "ok"))
				return 0;
			*why = bh_xstrdup(res);
			return -ENOTSUP;
		}
	}
	bh_tmark("gvisor: health probe");
	cleanup_free char *jdir = bh_xasprintf("%s/journal", state);
	cleanup_free char *journal = NULL;
	if (bh_mkdir_p(jdir, 0700) == 0)
		journal =
		    bh_xasprintf("%s/probe.%d.gvisor", jdir, (int)getpid());
	int r = health_run(runsc, journal, why);
	if (bh_mkdir_p(state, 0700) == 0) {
		cleanup_free char *tmp =
		    bh_xasprintf("%s.%d", cache, (int)getpid());
		FILE *f = fopen(tmp, "we");
		if (f) {
			fprintf(f, "%s\n%s\n", key, r ? *why : "ok");
			if (fclose(f) != 0 || rename(tmp, cache) != 0)
				unlink(tmp);
		}
	}
	return r;
}

static int gv_probe(char **why)
{
	*why = NULL;
	cleanup_free char *runsc = runsc_find();
	if (!runsc) {
		*why = bh_xstrdup("runsc is not installed (apt-get install "
				  "runsc)");
		return -ENOENT;
	}
	int r = health(runsc, why);
	if (r && !strstr(*why, "apt-get")) {
		char *w = bh_xasprintf("%s (runsc --debug --debug-log=DIR/ "
				       "tells more; a newer runsc may help)",
				       *why);
		free(*why);
		*why = w;
	}
	return r;
}

/* ---- cgroups runsc may leave --------------------------------------------- */

/* runsc makes runsc-ID in every hierarchy when it manages cgroups, and
 * leaks them when killed.  bulkhead passes --ignore-cgroups, but removes
 * any it finds for its own container ids. */
static void remove_runsc_cgroups(const char *cid)
{
	DIR *d = opendir("/sys/fs/cgroup");
	if (!d)
		return;
	struct dirent *de;
	cleanup_free char *own = bh_xasprintf("/sys/fs/cgroup/runsc-%s", cid);
	(void)rmdir(own); /* pure cgroup v2 */
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		cleanup_free char *p =
		    bh_xasprintf("/sys/fs/cgroup/%s/runsc-%s", de->d_name, cid);
		(void)rmdir(p);
	}
	closedir(d);
}

/* What one journal lists: runsc's cgroups for a container id, and the
 * health probe's bundle (only ever a directory of ours of that name). */
static void sweep_journal_lines(char *text)
{
	char *save = NULL;
	for (char *l = strtok_r(text, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		if (bh_str_has_prefix(l, "cgroup ") && !strchr(l + 7, '/') &&
		    l[7])
			remove_runsc_cgroups(l + 7);
		else if (bh_str_has_prefix(l, "dir "))
			bh_rm_own_dir(l + 4, "bulkhead-gvprobe-");
	}
}

static void sweep_journal(const char *journal, void *arg)
{
	(void)arg;
	cleanup_free char *text = NULL;
	if (bh_read_file(journal, 8192, &text, NULL, NULL) == 0)
		sweep_journal_lines(text);
	unlink(journal);
}

/* Journals of supervisors that are gone (SESSION.PID.gvisor holding the
 * container id): their cgroups are removed. */
static void gv_sweep(const char *state_dir)
{
	cleanup_free char *jdir = bh_xasprintf("%s/journal", state_dir);
	(void)bh_journal_sweep(jdir, ".gvisor", sweep_journal, NULL);
}

/* ---- the enforcement report ---------------------------------------------- */

static void report_gvisor(struct bh_session *s)
{
	struct bh_report *r = s->report;
	const struct bh_policy *p = s->policy;
	const struct bh_loc *nl = p->net_loc.file ? &p->net_loc : NULL;
	bh_report_add(r, BH_RC_GUARD, BH_ENF_ENFORCED, "net none", nl,
		      "runsc --network=none",
		      "the Sentry's own network stack with only loopback: no "
		      "host interface, no host loopback services, no host "
		      "abstract sockets");
	for (size_t i = 0; i < p->n_hosts; i++) {
		const struct bh_host_rule *h = &p->hosts[i];
		cleanup_free char *rule = bh_xasprintf(
		    "net %s %s", h->allow ? "allow" : "deny", h->host);
		if (h->allow)
			bh_report_add(
			    r, BH_RC_GUARD, BH_ENF_ENFORCED, rule, &h->loc,
			    "proxy+sentry",
			    "only through bulkhead's proxy: a relay "
			    "inside listens on the sandbox's own "
			    "127.0.0.1:%u and carries each connection "
			    "to the proxy's unix socket bound into the "
			    "sandbox; the Sentry has no other way out",
			    s->proxy_port);
		else
			bh_report_add(r, BH_RC_GUARD, BH_ENF_ENFORCED, rule,
				      &h->loc, "runsc --network=none",
				      "no host is reachable");
	}
	if (s->proxy_port)
		bh_report_add(r, BH_RC_GUARD, BH_ENF_DEGRADED, "unix sockets",
			      p->net_unix ? &p->net_unix_loc : NULL,
			      "runsc --host-uds=open",
			      "the proxy's socket needs --host-uds=open: a "
			      "host socket inside a granted path (an agent "
			      "or docker socket in the workspace) can be "
			      "connected to as well");
	else
		bh_report_add(r, BH_RC_GUARD, BH_ENF_ENFORCED, "unix sockets",
			      p->net_unix ? &p->net_unix_loc : NULL,
			      "runsc --host-uds=none",
			      "sockets on the host, also inside granted paths, "
			      "cannot be connected to; the sandbox's own "
			      "work");
	bh_report_add(r, BH_RC_GUARD, BH_ENF_ENFORCED, "system calls", NULL,
		      "sentry",
		      "implemented by gVisor's Sentry in user space: the host "
		      "kernel sees only the Sentry's and gofer's own "
		      "seccomp-filtered calls, never the command's");
	for (size_t i = 0; i < p->n_syscalls; i++) {
		const struct bh_syscall_rule *sr = &p->syscalls[i];
		cleanup_free char *rule = bh_xasprintf(
		    "seccomp %s %s", sr->allow ? "allow" : "deny", sr->name);
		bh_report_add(r, BH_RC_GUARD, BH_ENF_DEGRADED, rule,
			      sr->loc.file ? &sr->loc : NULL, "sentry",
			      "bulkhead's filter is not loaded inside gVisor: "
			      "the Sentry implements or refuses each call "
			      "itself, whatever this rule says");
	}
	if (geteuid() == 0)
		bh_report_add(r, BH_RC_GUARD, BH_ENF_ENFORCED,
			      "unprivileged identity", NULL, "sentry",
			      "uid %u gid %u, no supplementary groups, every "
			      "capability set empty, no_new_privs",
			      (unsigned)s->uid, (unsigned)s->gid);
	else
		bh_report_add(r, BH_RC_GUARD, BH_ENF_ENFORCED,
			      "unprivileged identity", NULL, "sentry",
			      "uid 0 inside the Sentry's user namespace, which "
			      "is uid %u outside (runsc --rootless); every "
			      "capability set empty, no_new_privs; other host "
			      "users' files show as nobody",
			      (unsigned)getuid());
	bh_report_add(r, BH_RC_GUARD, BH_ENF_ENFORCED, "environment", NULL,
		      "bulkhead",
		      "the host environment is dropped: the bundle's "
		      "process.env is the filtered one");
	bh_report_add(r, BH_RC_GUARD, BH_ENF_ENFORCED, "pid namespace", NULL,
		      "sentry",
		      "only the sandbox's processes exist inside; ipc and uts "
		      "are the Sentry's own");
	bh_report_add(r, BH_RC_GUARD, BH_ENF_ENFORCED, "close inherited fds",
		      NULL, "close_range",
		      "runsc gets only the standard streams");
	bh_report_add(r, BH_RC_GUARD, BH_ENF_ENFORCED, "kill process tree",
		      NULL, "runsc",
		      "the sandbox ends with the command; runsc, its Sentry "
		      "and gofer die with the supervisor (parent-death "
		      "signals)");
	bh_report_add(r, BH_RC_INFO, BH_ENF_ENFORCED, "root filesystem", NULL,
		      "bulkhead+gofer",
		      "built by bulkhead in runsc's own mount namespace (the "
		      "namespace tier's binds, masks and pins; nothing of it "
		      "in the host's) and served by runsc's gofer as one "
		      "root: read-only, hidden and protected paths are the "
		      "host kernel's mount flags beneath the gofer%s; noexec "
		      "is the Sentry's own (a bind of the tree where it "
		      "changes; writable grants are binds with shared file "
		      "access, so host edits are seen); /proc, /dev, /sys and "
		      "tmpfs are the Sentry's",
		      geteuid() == 0 ? ", hidden paths masked whatever their "
				       "mode (the gofer reads as root)"
				     : "");
	bh_report_add(r, BH_RC_INFO, BH_ENF_ENFORCED, "runsc itself", NULL,
		      "runsc",
		      "runs with %s, without bulkhead's Landlock or seccomp: "
		      "it mounts and pivots (which Landlock forbids) and "
		      "filters the Sentry and gofer itself",
		      geteuid() == 0 ? "the caller's (root) privileges and "
				       "drops them"
				     : "--rootless as the caller");
}

/*
 * `limit pids` as RLIMIT_NPROC in the Sentry: its task set holds only this
 * sandbox, so the per-uid count is the sandbox's.  Not the session cgroup's
 * pids.max, which would count runsc's host threads (and stop the Sentry
 * itself under a small limit).
 */
static void limit_pids(struct bh_session *s, struct bh_limits *l)
{
	const struct bh_limit_rule *lr = &s->policy->limits[BH_LIMIT_PIDS];
	if (!lr->set || l->n_rlimits >= BH_ARRAY_SIZE(l->rlimits))
		return;
	struct bh_rlimit_set *rl = &l->rlimits[l->n_rlimits++];
	rl->resource = RLIMIT_NPROC;
	rl->lim.rlim_cur = rl->lim.rlim_max = (rlim_t)lr->value;
	cleanup_free char *val = bh_limit_to_text(BH_LIMIT_PIDS, lr->value);
	cleanup_free char *rule = bh_xasprintf("limit pids %s", val);
	bh_report_add(s->report, BH_RC_LIMIT, BH_ENF_ENFORCED, rule,
		      lr->loc.file ? &lr->loc : NULL, "rlimit (sentry)",
		      "RLIMIT_NPROC inside gVisor, whose tasks are only this "
		      "sandbox's: every process of the command counts, "
		      "nothing else does");
}

/* Device nodes and sysfs entries the profile grants are the Sentry's own
 * (split_ops() never binds the host's): the planner's words for them are
 * the namespace tier's. */
static void amend_dev_report(struct bh_report *r)
{
	for (size_t i = 0; i < r->n_items; i++) {
		struct bh_report_item *it = &r->items[i];
		const char *sp = strchr(it->rule, ' ');
		if (!sp || !it->detail || !bh_str_has_prefix(it->detail, "bind-"))
			continue;
		const char *what = NULL;
		if (bh_path_is_under(sp + 1, "/dev"))
			what = "the Sentry's own device, emulated in gVisor (host "
			       "device nodes are never bound in)";
		else if (bh_path_is_under(sp + 1, "/sys"))
			what = "the Sentry's own sysfs, emulated in gVisor: the "
			       "sandbox's CPUs, not the host's files";
		if (!what)
			continue;
		free(it->detail);
		it->detail = bh_xstrdup(what);
	}
}

/* ---- the sandbox's init and egress --------------------------------------- */

/*
 * The command starts under bulkhead itself (bound in read-only), as the
 * sandbox's first process: it reports "not found" and "cannot execute" as
 * the other tiers do (127, 126; runsc says 128 for both) and kills what
 * the command leaves.  With `net allow` it is also the relay: it listens
 * on the sandbox's own 127.0.0.1:PORT and carries connections to the
 * proxy's unix socket, in a directory of the bundle bound in read-write.
 * Fills the extra mounts and the init's argv (caller frees the array).
 */
static int init_plan(struct bh_session *s, struct gv_state *k,
		     struct bh_mop *ops, size_t *n_ops, char ***argv,
		     struct bh_error **err)
{
	k->self = realpath("/proc/self/exe", NULL);
	if (!k->self)
		return bh_error_sys(err, errno, "/proc/self/exe");
	struct bh_mop self = {
	    .kind = BH_MOP_BIND, .path = k->self, .ro = true, .srcfd = -1};
	ops[(*n_ops)++] = self;
	if (s->proxy_port) {
		k->egress_dir = bh_xasprintf("%s/egress", k->bundle);
		if (mkdir(k->egress_dir, 0711) != 0)
			return bh_error_sys(err, errno, "creating %s",
					    k->egress_dir);
		k->egress_sock = bh_xasprintf("%s/proxy.sock", k->egress_dir);
		struct bh_mop dir = {.kind = BH_MOP_BIND,
				     .path = k->egress_dir,
				     .noexec = true,
				     .is_dir = true,
				     .srcfd = -1};
		ops[(*n_ops)++] = dir;
	}

	size_t n = 0;
	while (s->argv[n])
		n++;
	char **v = bh_xcalloc(n + 6, sizeof(*v));
	snprintf(k->port_text, sizeof(k->port_text), "%u", s->proxy_port);
	v[0] = k->self;
	v[1] = "__gvisor-init";
	v[2] = k->egress_sock ? k->egress_sock : "-";
	v[3] = k->port_text;
	v[4] = "--";
	memcpy(v + 5, s->argv, n * sizeof(*v));
	*argv = v;
	return 0;
}

/* The proxy's socket, made before runsc starts, and the proxy started on
 * it: no proxy, no launch (fail closed). */
static int egress_listen(struct bh_session *s, struct gv_state *k,
			 struct bh_error **err)
{
	/* Only the sandbox's uid may connect (and root, which can anyway). */
	uid_t uid = s->set_ids ? s->uid : getuid();
	if (s->set_ids && chown(k->egress_dir, uid, (gid_t)-1) != 0)
		return bh_error_sys(err, errno, "chown %s", k->egress_dir);
	return bh_session_proxy_unix(s, k->egress_sock, uid, err);
}

/* ---- the tier ------------------------------------------------------------ */

static int gv_prepare(struct bh_session *s, struct bh_error **err)
{
	const struct bh_policy *p = s->policy;
	struct gv_state *k = bh_xcalloc(1, sizeof(*k));
	s->tier_state = k;
	k->cap_last = bh_cap_last();
	k->runsc = runsc_find();
	if (!k->runsc)
		return bh_error_set(err, BH_EK_SYSTEM, ENOENT,
				    "runsc is not installed (apt-get install "
				    "runsc)");
	cleanup_free char *jdir = bh_xasprintf("%s/journal", s->state_dir);

	size_t n;
	k->rules = bh_session_path_rules(s, &n);
	k->plan = bh_fsplan_build(k->rules, n, BH_FS_R | BH_FS_W);
	gid_t groups[256];
	int ng = geteuid() == 0 ? 0 : getgroups(256, groups);
	uid_t uid = s->set_ids ? s->uid : getuid();
	gid_t gid = s->set_ids ? s->gid : getgid();
	/* Rootless runsc maps the caller to root in the gofer's and
	 * Sentry's user namespace: the caller's files show as owned by 0
	 * inside, so the command runs as 0 there, which is the caller (no
	 * capabilities) outside. */
	uid_t in_uid = geteuid() == 0 ? uid : 0;
	gid_t in_gid = geteuid() == 0 ? gid : 0;
	struct bh_rootfs_ids ids = {
	    .uid = uid,
	    .gid = gid,
	    .groups = groups,
	    .n_groups = ng > 0 ? (size_t)ng : 0,
	};
	/* As root, runsc's gofer serves files with root's access, and only
	 * the Sentry checks permissions: a hidden path is masked even where
	 * its mode keeps it from the command, so that a subverted Sentry
	 * cannot have it served either.  Rootless, the gofer is the caller,
	 * whose own permissions stand. */
	const struct bh_rootfs_overlay *ov = NULL;
	k->ov.lower_fd = k->ov.upper_fd = k->ov.work_fd = -1;
	if (p->ws_mode == BH_WS_OVERLAY) {
		k->ov.workspace = s->workspace;
		ov = &k->ov;
	}
	int r = bh_rootfs_plan(k->plan, jdir, s->session_id,
			       geteuid() == 0 ? NULL : &ids, ov,
			       s->report, &k->rootfs, err);
	if (r)
		return r;
	amend_dev_report(s->report);
	report_gvisor(s);
	/* The session cgroup holds memory and cpu for runsc as a whole; pids
	 * are the Sentry's (limit_pids()).  A shallow copy: only a limit
	 * flag differs. */
	struct bh_policy lp = *p;
	lp.limits[BH_LIMIT_PIDS].set = false;
	r = bh_limits_prepare(s->session_id, &lp, uid,
			      "runsc, and with it the sandbox, is killed",
			      s->report, &k->limits, err);
	if (r)
		return r;
	s->cgroup = k->limits.cgroup;
	limit_pids(s, &k->limits);

	k->bundle = bh_xasprintf("%s/gvisor", s->rundir);
	k->cid = bh_xasprintf("bh-%s", s->session_id);
	r = bh_mkdir_p(jdir, 0700);
	if (r)
		return bh_error_sys(err, -r, "creating %s", jdir);
	k->journal =
	    bh_xasprintf("%s/%s.%d.gvisor", jdir, s->session_id, (int)getpid());
	cleanup_free char *line = bh_xasprintf("cgroup %s\n", k->cid);
	r = write_journal(k->journal, line);
	if (r)
		return bh_error_sys(err, -r, "writing %s", k->journal);
	r = make_bundle_dirs(k->bundle, err);
	if (r)
		return r;
	cleanup_free char *root = bh_xasprintf("%s/root", k->bundle);
	cleanup_free char *mask = bh_xasprintf("%s/empty", k->bundle);
	(void)chmod(root, 0755);
	size_t n_ops = k->rootfs->n_ops;
	cleanup_free struct bh_mop *ops = bh_xcalloc(n_ops + 2, sizeof(*ops));
	memcpy(ops, k->rootfs->ops, n_ops * sizeof(*ops));
	cleanup_free char **argv = NULL;
	r = init_plan(s, k, ops, &n_ops, &argv, err);
	if (r)
		return r;
	bh_gv_root_plan(&k->groot, k->bundle, ops, n_ops, ov, s->ws_upper,
			s->ws_work);
	struct bh_oci_params op = {
	    .root = root,
	    .root_writable = true,
	    .mask_file = mask,
	    .ops = k->groot.sentry,
	    .n_ops = k->groot.n_sentry,
	    .argv = argv,
	    .envp = s->envp,
	    .cwd = s->cwd,
	    .uid = in_uid,
	    .gid = in_gid,
	    .rlimits = k->limits.rlimits,
	    .n_rlimits = k->limits.n_rlimits,
	    .hostname = "bulkhead",
	};
	const struct bh_mop *bad = NULL;
	k->spec = bh_oci_spec(&op, &bad);
	if (!k->spec)
		return bh_error_set(err, BH_EK_SYSTEM, ENOTSUP,
				    "the gvisor tier cannot express the mount "
				    "at %s",
				    bad ? bad->path : "?");
	bh_tmark("gvisor: bundle planned");
	return 0;
}

static int gv_launch(struct bh_session *s, pid_t *pid,
		     struct bh_spawn_failure *fail, struct bh_error **err)
{
	struct gv_state *k = s->tier_state;
	/* Written now: the supervisor's terminal is known only here.  With
	 * one, runsc's stdio is its pty and the Sentry makes it the
	 * command's terminal (without terminal=true, isatty() is false). */
	json_object_set_new(json_object_get(k->spec, "process"), "terminal",
			    json_boolean(s->pty != NULL));
	int r = dump_spec(k->bundle, k->spec);
	if (r)
		return bh_error_sys(err, -r, "writing %s/config.json",
				    k->bundle);
	if (k->egress_sock) {
		r = egress_listen(s, k, err);
		if (r)
			return r;
	}
	struct runsc_cmd c = {0};
	runsc_cmd_init(&c, k->runsc, k->bundle, k->cid, k->egress_sock);
	cleanup_free char *tmpdir = bh_xasprintf("TMPDIR=%s/tmp", k->bundle);
	char *envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", tmpdir, NULL};
	struct bh_child_plan plan = {
	    .argv = (char *const *)c.v,
	    .envp = envp,
	    .cwd = k->bundle,
	    .cap_last = k->cap_last,
	    .keep_caps = true,
	    .cgroup = k->limits.cgroup,
	    .pty = s->pty,
	    .pre_exec = bh_gv_root_build,
	    .pre_exec_arg = &k->groot,
	};
	r = bh_spawn(&plan, pid, fail, err);
	free(c.root_flag);
	return r;
}

/* runsc run does not pass signals on (runsc do does): `runsc kill` sends
 * them to the sandbox's init, bulkhead's own, which passes them to the
 * command.  False when that failed (the caller signals runsc then). */
static bool gv_forward_signal(struct bh_session *s, int sig)
{
	struct gv_state *k = s->tier_state;
	if (!k || !k->spec)
		return false;
	char num[16];
	snprintf(num, sizeof(num), "%d", sig);
	struct runsc_cmd c = {0};
	runsc_cmd_init(&c, k->runsc, k->bundle, k->cid, false);
	const char *sub[] = {"kill", k->cid, num, NULL};
	runsc_cmd_sub(&c, sub);
	cleanup_free char *tmp = bh_xasprintf("%s/tmp", k->bundle);
	int st = run_bounded(c.v, "/dev/null", tmp, NULL, 5000);
	free(c.root_flag);
	return st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static void gv_destroy(struct bh_session *s)
{
	struct gv_state *k = s->tier_state;
	if (!k)
		return;
	bh_limits_release(&k->limits);
	s->cgroup = NULL;
	if (k->cid)
		remove_runsc_cgroups(k->cid);
	if (k->bundle)
		(void)bh_rm_rf_at(AT_FDCWD, k->bundle);
	if (k->journal)
		unlink(k->journal);
	bh_rootfs_cleanup_placeholders(k->rootfs);
	bh_rootfs_plan_free(k->rootfs);
	bh_fsplan_free(k->plan);
	free(k->rules);
	free(k->runsc);
	free(k->bundle);
	free(k->cid);
	free(k->journal);
	free(k->egress_dir);
	free(k->egress_sock);
	free(k->self);
	bh_gv_root_free(&k->groot);
	json_decref(k->spec);
	free(k);
	s->tier_state = NULL;
}

const struct bh_tier_ops bh_tier_gvisor = {
    .name = "gvisor",
    .id = BH_TIER_GVISOR,
    .probe = gv_probe,
    .prepare = gv_prepare,
    .launch = gv_launch,
    .destroy = gv_destroy,
    .sweep = gv_sweep,
    .forward_signal = gv_forward_signal,
};
