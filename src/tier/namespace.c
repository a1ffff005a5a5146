/* SPDX-License-Identifier: MIT */
/*
 * The namespace tier: fresh user, mount, pid, ipc, uts, network and cgroup
 * namespaces, a root filesystem built from the policy, and everything the
 * kernel tier does (Landlock, seccomp, no_new_privs) inside as well.
 *
 * Processes: the supervisor clones the sandbox's init (pid 1 of the new pid
 * namespace) and writes its uid/gid maps; init switches to the mapped
 * identity keeping its capabilities over the new namespaces, builds the
 * root, brings loopback up, builds the inner Landlock ruleset, starts the
 * command through the same child sequence as the kernel tier, drops its
 * own capabilities, then reaps and forwards signals.  When the command
 * ends, init kills everything left in the namespace and reports the
 * command's wait status; when the supervisor dies, init dies
 * (PR_SET_PDEATHSIG), and with it the whole pid namespace.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "confine/compat.h"
#include "confine/fsplan.h"
#include "confine/landlock.h"
#include "confine/limits.h"
#include "confine/rootfs.h"
#include "confine/seccomp.h"
#include "confine/spawn.h"
#include "net/egress.h"
#include "core/fsutil.h"
#include "core/timing.h"
#include "core/util.h"
#include "tier/tier.h"

#define NS_FLAGS                                                               \
	(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET |           \
	 CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP)

struct ns_state {
	struct bh_fsplan *plan;
	const struct bh_path_rule **rules;
	size_t n_rules;
	struct bh_rootfs_plan *rootfs;
	struct bh_seccomp_prog *seccomp;
	struct bh_limits limits;
	int cap_last;
	int status_rd; /* init's report of the command's wait status */
	struct bh_rootfs_overlay ov;
	char *newroot;
	char *journal_dir;
};

static int probe_child(void *arg)
{
	(void)arg;
	return 0;
}

static int ns_probe(char **why)
{
	*why = NULL;
	/* Probe by doing: a child in a new user namespace that exits at
	 * once; sharing our memory (CLONE_VM|CLONE_VFORK) keeps it cheap. */
	static char stack[16384] __attribute__((aligned(16)));
	pid_t pid = clone(probe_child, stack + sizeof(stack),
			  CLONE_NEWUSER | CLONE_VM | CLONE_VFORK | SIGCHLD,
			  NULL);
	if (pid < 0) {
		int e = errno;
		FILE *f = fopen("/proc/sys/kernel/apparmor_restrict_unprivileged"
				"_userns",
				"re");
		int restricted = 0;
		if (f) {
			if (fscanf(f, "%d", &restricted) != 1)
				restricted = 0;
			fclose(f);
		}
		*why = restricted
			       ? bh_xstrdup("AppArmor restricts unprivileged "
					    "user namespaces "
					    "(kernel.apparmor_restrict_"
					    "unprivileged_userns=1): allow "
					    "bulkhead with an AppArmor profile")
			       : bh_xasprintf(
					 "cannot create a user namespace: %s "
					 "(user.max_user_namespaces, or a "
					 "container that forbids it)",
					 strerror(e));
		return -e;
	}
	int st;
	(void)waitpid(pid, &st, 0);
	if (bh_landlock_abi() == 0) {
		*why = bh_xstrdup("Landlock is not available (the namespace "
				  "tier applies it inside too)");
		return -ENOTSUP;
	}
	return 0;
}

static void report_ns(struct bh_session *s)
{
	struct bh_report *r = s->report;
	const struct bh_policy *p = s->policy;
	const struct bh_loc *nl = p->net_loc.file ? &p->net_loc : NULL;
	bh_report_add(r, BH_RC_GUARD, BH_ENF_ENFORCED, "net none", nl,
		      "netns", "a network namespace with only loopback: no "
			       "route out, no host loopback services, no "
			       "host abstract sockets");
	for (size_t i = 0; i < p->n_hosts; i++) {
		const struct bh_host_rule *h = &p->hosts[i];
		cleanup_free char *rule = bh_xasprintf(
			"net %s %s", h->allow ? "allow" : "deny", h->host);
		bh_report_add(r, BH_RC_GUARD, BH_ENF_ENFORCED, rule, &h->loc,
			      h->allow ? "proxy+netns" : "netns",
			      h->allow ? "only through bulkhead's proxy, "
					 "reached on the sandbox's own "
					 "127.0.0.1:3128: the network namespace "
					 "has no other way out"
				       : "denied by the proxy");
	}
	bh_report_add(r, BH_RC_GUARD, BH_ENF_ENFORCED, "unix sockets", NULL,
		      "mount+netns",
		      "only sockets inside granted paths are reachable; the "
		      "abstract namespace is the sandbox's own");
	bh_report_add(r, BH_RC_GUARD, BH_ENF_ENFORCED, "pid namespace", NULL,
		      "pidns", "only the sandbox's processes are visible or "
			       "signalable; init kills them all at the end");
	bh_report_add(r, BH_RC_GUARD, BH_ENF_ENFORCED, "ipc, uts, cgroup "
						       "namespaces",
		      NULL, "ns", "private SysV IPC and POSIX queues, hostname, "
				  "cgroup view");
	bh_report_add(r, BH_RC_GUARD, BH_ENF_ENFORCED, "user namespace", NULL,
		      "userns",
		      "uid %u and gid %u map to themselves; no other host id "
		      "exists inside; all capabilities and the bounding set "
		      "dropped before exec",
		      (unsigned)s->uid, (unsigned)s->gid);
	bh_report_add(r, BH_RC_GUARD, BH_ENF_ENFORCED, "no_new_privs", NULL,
		      "prctl", "setuid bits and file capabilities cannot raise "
			       "privileges");
	bh_report_add(r, BH_RC_GUARD, BH_ENF_ENFORCED, "new session", NULL,
		      "setsid", "no controlling terminal to inject into");
	bh_report_add(r, BH_RC_GUARD, BH_ENF_ENFORCED, "close inherited fds",
		      NULL, "close_range",
		      "every descriptor above 2 is closed at exec");
	bh_report_add(r, BH_RC_GUARD, BH_ENF_ENFORCED, "landlock inside",
		      NULL, "landlock",
		      "the policy's grants are enforced again by Landlock "
		      "inside the namespaces (defense in depth)");
}

/* The rules for Landlock inside: the grants (hide and protect are done by
 * the mounts, so they need no split here) plus what the skeleton adds. */
static const struct bh_path_rule inner_extra[] = {
	/* /dev inside holds only what the policy granted; listing it and
	 * reading its nodes is what programs expect. */
	{BH_PATH_READ, "/dev", {NULL, 0, 0}},
	{BH_PATH_WRITE, "/dev/pts", {NULL, 0, 0}},
	{BH_PATH_WRITE, "/dev/ptmx", {NULL, 0, 0}},
};

static struct bh_fsplan *inner_plan(const struct ns_state *k,
				    const struct bh_path_rule ***rules_out)
{
	size_t n = 0;
	const struct bh_path_rule **rules =
		bh_xcalloc(k->n_rules + BH_ARRAY_SIZE(inner_extra),
			   sizeof(*rules));
	for (size_t i = 0; i < k->n_rules; i++)
		if (k->rules[i]->op != BH_PATH_HIDE &&
		    k->rules[i]->op != BH_PATH_PROTECT)
			rules[n++] = k->rules[i];
	for (size_t i = 0; i < BH_ARRAY_SIZE(inner_extra); i++)
		rules[n++] = &inner_extra[i];
	*rules_out = rules;
	return bh_fsplan_build(rules, n, BH_FS_R | BH_FS_W | BH_FS_X);
}

static int ns_prepare(struct bh_session *s, struct bh_error **err)
{
	const struct bh_policy *p = s->policy;
	struct ns_state *k = bh_xcalloc(1, sizeof(*k));
	s->tier_state = k;
	k->status_rd = -1;
	k->cap_last = bh_cap_last();
	k->rules = bh_session_path_rules(s, &k->n_rules);
	k->plan = bh_fsplan_build(k->rules, k->n_rules, BH_FS_R | BH_FS_W);

	k->journal_dir = bh_xasprintf("%s/journal", s->state_dir);
	k->ov.lower_fd = k->ov.upper_fd = k->ov.work_fd = -1;
	const struct bh_rootfs_overlay *ov = NULL;
	if (p->ws_mode == BH_WS_OVERLAY) {
		/* The layers are opened by init, in its own mount namespace
		 * (overlayfs clones them from there), before it gives up
		 * the caller's identity. */
		k->ov.workspace = s->workspace;
		ov = &k->ov;
	}
	gid_t groups[256];
	int ng = geteuid() == 0 ? 0 : getgroups(256, groups);
	struct bh_rootfs_ids ids = {
		.uid = s->uid,
		.gid = s->gid,
		.groups = groups,
		.n_groups = ng > 0 ? (size_t)ng : 0,
	};
	int r = bh_rootfs_plan(k->plan, k->journal_dir, s->session_id, &ids, ov,
			       s->report, &k->rootfs, err);
	if (r)
		return r;
	struct bh_seccomp_opts so = {
		.net_tcp = true, .net_unix = true, .cache_dir = s->state_dir};
	r = bh_seccomp_build(p, &so, s->report, &k->seccomp, err);
	if (r)
		return r;
	report_ns(s);
	r = bh_limits_prepare(s->session_id, p, s->uid,
			      "init, and with it the whole pid namespace, "
			      "is killed",
			      s->report, &k->limits, err);
	if (r)
		return r;
	s->cgroup = k->limits.cgroup;
	k->newroot = bh_xasprintf("%s/root", s->rundir);
	return 0;
}

static void loopback_up(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
		(void)ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
}

static __attribute__((noreturn)) void init_fail(int efd, enum bh_stage st,
						int e, int detail)
{
	struct bh_spawn_failure f = {.stage = st, .err = e, .detail = detail};
	(void)!write(efd, &f, sizeof(f));
	_exit(125);
}

static void noop_handler(int sig)
{
	(void)sig;
}

/* pid 1 of the sandbox: reap, forward, and report the command's end. */
static __attribute__((noreturn)) void init_loop(pid_t cmd, int status_fd)
{
	static const int fwd[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT,
				  SIGUSR1, SIGUSR2, SIGWINCH};
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (size_t i = 0; i < BH_ARRAY_SIZE(fwd); i++)
		sigaddset(&set, fwd[i]);
	int cmd_status = 0;
	bool done = false;
	for (;;) {
		int st;
		pid_t w;
		while ((w = waitpid(-1, &st, WNOHANG)) > 0)
			if (w == cmd) {
				cmd_status = st;
				done = true;
			}
		if (done)
			break;
		siginfo_t si;
		int sig = sigwaitinfo(&set, &si);
		if (sig > 0 && sig != SIGCHLD) {
			kill(-cmd, sig);
			kill(cmd, sig);
		}
	}
	/* The command is gone: nothing else in the namespace outlives it. */
	(void)kill(-1, SIGKILL);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
	(void)!write(status_fd, &cmd_status, sizeof(cmd_status));
	_exit(0);
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* init came from the supervisor by clone without exec: it holds the
 * supervisor's descriptors (the audit log, the terminal's master side,
 * cgroup files).  The command cannot reach them, but init keeps only
 * what it uses. */
static void close_inherited(int a, int b, int c, int d)
{
	int keep[] = {0, 1, 2, a, b, c, d};
	qsort(keep, BH_ARRAY_SIZE(keep), sizeof(int), cmp_int);
	int next = 0;
	for (size_t i = 0; i < BH_ARRAY_SIZE(keep); i++) {
		if (keep[i] < next)
			continue;
		if (keep[i] > next)
			(void)syscall(__NR_close_range, (unsigned)next,
				      (unsigned)keep[i] - 1, 0);
		next = keep[i] + 1;
	}
	(void)syscall(__NR_close_range, (unsigned)next, ~0U, 0);
}

static __attribute__((noreturn)) void
init_main(struct bh_session *s, struct ns_state *k, int efd, int go_rd,
	  int status_wr, int egress_sock, pid_t supervisor)
{
	/* getppid() is 0 here (the parent is outside the pid namespace):
	 * a supervisor that died before the prctl is noticed by EOF on the
	 * go pipe instead. */
	(void)supervisor;
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0)
		init_fail(efd, BH_STAGE_PDEATHSIG, errno, -1);
	char go;
	if (read(go_rd, &go, 1) != 1)
		init_fail(efd, BH_STAGE_USERNS, EPIPE, -1);
	close(go_rd);
	bh_tmark("init: go");
	close_inherited(efd, status_wr, egress_sock,
			s->pty ? bh_pty_slave_fd(s->pty) : -1);

	if (s->ws_upper) {
		struct bh_rootfs_overlay *ov = &k->rootfs->overlay;
		ov->lower_fd = open(s->workspace,
				    O_PATH | O_DIRECTORY | O_CLOEXEC);
		ov->upper_fd = open(s->ws_upper, O_PATH | O_DIRECTORY |
							 O_NOFOLLOW | O_CLOEXEC);
		ov->work_fd = open(s->ws_work, O_PATH | O_DIRECTORY |
						       O_NOFOLLOW | O_CLOEXEC);
		if (ov->lower_fd < 0 || ov->upper_fd < 0 || ov->work_fd < 0)
			init_fail(efd, BH_STAGE_MOUNT, errno, -1);
	}

	/* Become the mapped identity but keep the capabilities this
	 * process holds over its new namespaces: the mounts below need
	 * them, and files created in them must have a mapped owner. */
	if (prctl(PR_SET_SECUREBITS, SECBIT_NO_SETUID_FIXUP, 0, 0, 0) != 0)
		init_fail(efd, BH_STAGE_USERNS, errno, -1);
	if (setresgid(s->gid, s->gid, s->gid) != 0)
		init_fail(efd, BH_STAGE_SETGID, errno, -1);
	if (setresuid(s->uid, s->uid, s->uid) != 0)
		init_fail(efd, BH_STAGE_SETUID, errno, -1);

	if (sethostname("bulkhead", 8) != 0)
		init_fail(efd, BH_STAGE_USERNS, errno, -1);
	loopback_up();
	if (egress_sock >= 0) {
		/* The proxy's socket, made here so it lives in the sandbox's
		 * network namespace; the proxy outside accepts on it.  The
		 * command starts only once the proxy runs. */
		int er = bh_egress_send_listener(egress_sock);
		if (er)
			init_fail(efd, BH_STAGE_EGRESS, -er, -1);
		char up;
		if (read(egress_sock, &up, 1) != 1 || up != 'P')
			init_fail(efd, BH_STAGE_EGRESS, EPIPE, -1);
		close(egress_sock);
	}

	bh_tmark("init: identity");
	int failed_op = -1;
	int r = bh_rootfs_build(k->rootfs, k->newroot, &failed_op);
	if (r)
		init_fail(efd, BH_STAGE_MOUNT, -r, failed_op);
	bh_tmark("init: root built");

	/* Landlock inside, over the new root's paths. */
	const struct bh_path_rule **irules = NULL;
	struct bh_fsplan *ip = inner_plan(k, &irules);
	struct bh_report *scratch = bh_report_new("namespace");
	struct bh_landlock *ll = NULL;
	struct bh_landlock_opts lo = {.scope = true,
				      .uid = s->uid,
				      .gid = s->gid};
	struct bh_error *e = NULL;
	if (bh_landlock_build(ip, &lo, scratch, &ll, &e) != 0)
		init_fail(efd, BH_STAGE_LANDLOCK, e ? e->code : EINVAL, -1);

	bh_tmark("init: landlock");
	struct bh_child_plan plan = {
		.argv = s->argv,
		.envp = s->envp,
		.search_path = s->search_path,
		.cwd = s->cwd,
		.set_ids = false,
		.cap_last = k->cap_last,
		.clear_bounding = true,
		.rlimits = k->limits.rlimits,
		.n_rlimits = k->limits.n_rlimits,
		.landlock = ll,
		.seccomp = k->seccomp,
		.pty = s->pty,
	};
	/* Signals to forward must reach us as pid 1: they need a handler. */
	static const int fwd[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT,
				  SIGUSR1, SIGUSR2, SIGWINCH, SIGCHLD};
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = noop_handler;
	for (size_t i = 0; i < BH_ARRAY_SIZE(fwd); i++)
		sigaction(fwd[i], &sa, NULL);
	pid_t cmd = bh_spawn_async(&plan, efd);
	if (cmd < 0)
		init_fail(efd, BH_STAGE_EXEC, -cmd, -1);
	close(efd);

	/* init itself keeps nothing it does not need to reap. */
	for (int c = 0; c <= k->cap_last; c++)
		(void)prctl(PR_CAPBSET_DROP, c, 0, 0, 0);
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2];
	memset(data, 0, sizeof(data));
	(void)syscall(SYS_capset, &hdr, data);
	(void)prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	init_loop(cmd, status_wr);
}

static int write_file(pid_t pid, const char *name, const char *text)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	return bh_write_knob(path, text);
}

static int ns_launch(struct bh_session *s, pid_t *pid,
		     struct bh_spawn_failure *fail, struct bh_error **err)
{
	struct ns_state *k = s->tier_state;
	if (mkdir(k->newroot, 0700) != 0 && errno != EEXIST)
		return bh_error_sys(err, errno, "creating %s", k->newroot);
	if (s->set_ids && chown(k->newroot, s->uid, s->gid) != 0)
		return bh_error_sys(err, errno, "chown %s", k->newroot);
	/* Root's supplementary groups must not follow into the sandbox,
	 * where setgroups() is denied: drop them here (the supervisor does
	 * not need them). */
	if (geteuid() == 0 && setgroups(0, NULL) != 0)
		return bh_error_sys(err, errno, "setgroups");

	int ep[2], gp[2], sp[2], xp[2] = {-1, -1};
	if (pipe2(ep, O_CLOEXEC) || pipe2(gp, O_CLOEXEC) || pipe2(sp, O_CLOEXEC))
		return bh_error_sys(err, errno, "pipe");
	if (s->proxy_port &&
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, xp) != 0)
		return bh_error_sys(err, errno, "socketpair");
	pid_t supervisor = getpid();
	bh_tmark("clone");
	/* Created in the session's v2 cgroup when there is one (no move,
	 * no RCU grace period for the cgroup core's write lock). */
	bool in_v2 = false;
	pid_t child = bh_clone_into(k->limits.cgroup, NS_FLAGS, &in_v2);
	if (child < 0) {
		int e = -child;
		close(ep[0]), close(ep[1]), close(gp[0]), close(gp[1]);
		close(sp[0]), close(sp[1]);
		return bh_error_sys(err, e, "creating the namespaces");
	}
	if (child == 0) {
		close(ep[0]);
		close(gp[1]);
		close(sp[0]);
		if (xp[0] >= 0)
			close(xp[0]);
		init_main(s, k, ep[1], gp[0], sp[1], xp[1], supervisor);
	}
	close(ep[1]);
	close(gp[0]);
	close(sp[1]);
	if (xp[1] >= 0)
		close(xp[1]);
	k->status_rd = sp[0];
	*pid = child;

	char map[64];
	int r = write_file(child, "setgroups", "deny");
	snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)s->uid,
		 (unsigned)s->uid);
	if (r == 0)
		r = write_file(child, "uid_map", map);
	snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)s->gid,
		 (unsigned)s->gid);
	if (r == 0)
		r = write_file(child, "gid_map", map);
	if (r) {
		kill(child, SIGKILL);
		close(gp[1]);
		close(ep[0]);
		fail->stage = BH_STAGE_USERNS;
		fail->err = -r;
		fail->detail = -1;
		return r;
	}
	/* Into the session cgroup (every hierarchy it is not in yet) while
	 * init waits. */
	if (k->limits.cgroup) {
		int cr = in_v2 ? bh_cgroup_add_v1(k->limits.cgroup, child)
			       : bh_cgroup_add(k->limits.cgroup, child);
		if (cr) {
			kill(child, SIGKILL);
			close(gp[1]);
			close(ep[0]);
			fail->stage = BH_STAGE_CGROUP;
			fail->err = -cr;
			fail->detail = -1;
			return cr;
		}
	}
	bh_tmark("maps written");
	(void)!write(gp[1], "g", 1);
	close(gp[1]);
	if (xp[0] >= 0) {
		/* EOF here means init failed before it could send: its
		 * reason follows on the status pipe. */
		int lfd = bh_egress_recv_listener(xp[0]);
		if (lfd >= 0) {
			s->proxy_listen_fd = lfd;
			if (s->egress_ready &&
			    s->egress_ready(s, lfd, s->egress_ctx) == 0)
				(void)!write(xp[0], "P", 1);
		}
		close(xp[0]);
	}

	struct bh_spawn_failure f = {0};
	ssize_t n;
	do {
		n = read(ep[0], &f, sizeof(f));
	} while (n < 0 && errno == EINTR);
	close(ep[0]);
	if (n == (ssize_t)sizeof(f)) {
		*fail = f;
		kill(child, SIGKILL);
		return -f.err;
	}
	return 0;
}

static int ns_command_status(struct bh_session *s, int raw)
{
	struct ns_state *k = s->tier_state;
	int st = raw;
	if (k->status_rd >= 0 &&
	    read(k->status_rd, &st, sizeof(st)) != (ssize_t)sizeof(st))
		st = raw; /* init was killed (time limit, supervisor) */
	return st;
}

static void ns_destroy(struct bh_session *s)
{
	struct ns_state *k = s->tier_state;
	if (!k)
		return;
	if (k->status_rd >= 0)
		close(k->status_rd);
	bh_limits_release(&k->limits);
	s->cgroup = NULL;
	bh_rootfs_cleanup_placeholders(k->rootfs);
	bh_rootfs_plan_free(k->rootfs);
	bh_seccomp_prog_free(k->seccomp);
	bh_fsplan_free(k->plan);
	free(k->rules);
	free(k->newroot);
	free(k->journal_dir);
	free(k);
	s->tier_state = NULL;
}

const struct bh_tier_ops bh_tier_namespace = {
	.name = "namespace",
	.id = BH_TIER_NAMESPACE,
	.probe = ns_probe,
	.prepare = ns_prepare,
	.launch = ns_launch,
	.command_status = ns_command_status,
	.destroy = ns_destroy,
};
