/* SPDX-License-Identifier: MIT */
/*
 * Session cgroups on the real kernel: limits that stop a memory hog and a
 * fork bomb, values read back, every directory gone afterwards, the sweep.
 * These need root and a hierarchy with the controller; without them they
 * say SKIP and why (STYLE.md rule 9).  As root on the CI machine (a v1/v2
 * hybrid) they run.
 *
 * No test may leave a cgroup behind, even when it fails half-way: each
 * session is a cleanup_session variable (destroyed on every return, REQUIRE
 * included), planted directories have their own cleanup, the first test
 * sweeps what a killed earlier run left and the last one removes and
 * reports anything of this process that is still there.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/sched.h>

#include "audit/report.h"
#include "confine/cgroup.h"
#include "confine/cgroup_internal.h"
#include "core/fsutil.h"
#include "core/util.h"
#include "test.h"

#define MiB (1024ull * 1024)

/* A session made by a test, destroyed on every return.  Its report and
 * why are kept for the test to look at. */
struct session {
	struct bh_cgroup *cg;
	struct bh_report *rep;
	struct bh_error *err;
	char *why;
	unsigned unmet;
};

static void session_free(struct session *s)
{
	bh_cgroup_destroy(s->cg);
	bh_report_free(s->rep);
	bh_error_free(s->err);
	free(s->why);
}
#define cleanup_session __attribute__((cleanup(session_free)))

static bool session_create(struct session *s, const char *id,
			   const struct bh_policy *p)
{
	s->rep = bh_report_new("test");
	s->unmet = 99;
	int r = bh_cgroup_create(id, p, s->rep, &s->cg, &s->unmet, &s->why,
				 &s->err);
	if (r != 0 || !s->cg)
		fprintf(stderr, "  %s: %s\n", id,
			s->err	 ? s->err->msg
			: s->why ? s->why
				 : "no cgroup");
	return r == 0 && s->cg;
}

/* Every cgroup mount: its point and what it offers ("cgroup2" and its
 * controllers for a v2 mount, its controllers for a v1 one). */
static size_t cgroup_mounts(char ***mnts, char ***offers)
{
	cleanup_free char *mi = NULL;
	size_t n = 0, k = 0;
	*mnts = *offers = NULL;
	if (bh_read_file("/proc/self/mountinfo", 1 << 22, &mi, NULL, NULL))
		return 0;
	char *cur = mi;
	for (char *line; (line = bh_cg_next_line(&cur)) != NULL;) {
		struct bh_cg_mount m;
		int k1 = bh_cg_parse_mountinfo_line(line, &m);
		if (k1 < 0)
			continue;
		if (k1 == 1) {
			cleanup_free char *p =
			    bh_xasprintf("%s/cgroup.controllers", m.mnt);
			cleanup_free char *c = NULL;
			if (m.v2)
				(void)bh_read_file(p, 4096, &c, NULL, NULL);
			bh_strv_push(
			    offers, &k,
			    m.v2 ? bh_xasprintf("cgroup2 %s", c ? c : "")
				 : bh_xstrdup(m.opts));
			bh_strv_push(mnts, &n, bh_xstrdup(m.mnt));
		}
		bh_cg_mount_clear(&m);
	}
	return n;
}

/* Does some mounted hierarchy offer this controller (or "cgroup2")? */
static bool host_has(const char *ctrl)
{
	cleanup_strv char **mnts = NULL, **offers = NULL;
	size_t n = cgroup_mounts(&mnts, &offers);
	for (size_t i = 0; i < n; i++)
		if (bh_cg_list_has(offers[i], ctrl))
			return true;
	return false;
}

/* A SKIP line and true when this test cannot run here. */
static bool skip(const char *test, const char *ctrl)
{
	if (geteuid() != 0) {
		fprintf(stderr,
			"  SKIP %s: needs root (session cgroups are made in "
			"the hierarchies' top directories)\n",
			test);
		return true;
	}
	if (ctrl && !host_has(ctrl)) {
		fprintf(stderr,
			"  SKIP %s: no mounted cgroup hierarchy has %s\n", test,
			ctrl);
		return true;
	}
	return false;
}

static struct bh_policy limits(uint64_t mem, uint64_t pids, uint64_t cpu)
{
	struct bh_policy p;
	memset(&p, 0, sizeof(p));
	p.limits[BH_LIMIT_MEMORY].set = mem != 0;
	p.limits[BH_LIMIT_MEMORY].value = mem;
	p.limits[BH_LIMIT_PIDS].set = pids != 0;
	p.limits[BH_LIMIT_PIDS].value = pids;
	p.limits[BH_LIMIT_CPU].set = cpu != 0;
	p.limits[BH_LIMIT_CPU].value = cpu;
	return p;
}

static const struct bh_report_item *find_item(const struct bh_report *r,
					      const char *rule)
{
	for (size_t i = 0; i < r->n_items; i++)
		if (!strcmp(r->items[i].rule, rule))
			return &r->items[i];
	return NULL;
}

static bool is_cgroup_mech(const char *m)
{
	return m && (!strcmp(m, "cgroup v1") || !strcmp(m, "cgroup v2"));
}

static bool gone(const char *path)
{
	struct stat st;
	return stat(path, &st) != 0 && errno == ENOENT;
}

static int wait_status(pid_t pid)
{
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return st;
}

static bool killed_by(int st, int sig)
{
	return WIFSIGNALED(st) && WTERMSIG(st) == sig;
}

/* Waits (bounded) until kill(pid, 0) says the process is gone; it may be
 * someone else's zombie for a moment. */
static bool dies(pid_t pid)
{
	for (int i = 0; i < 200; i++) {
		char path[64];
		cleanup_free char *s = NULL;
		snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
		if (bh_read_file(path, 4096, &s, NULL, NULL) != 0)
			return true;
		const char *p = strrchr(s, ')');
		if (p && p[1] == ' ' && p[2] == 'Z')
			return true;
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	return false;
}

static void basename_of(const char *path, char *out, size_t n)
{
	const char *s = strrchr(path, '/');
	snprintf(out, n, "%s", s ? s + 1 : path);
}

static int write_str(const char *path, const char *s)
{
	cleanup_fd int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return write(fd, s, strlen(s)) == (ssize_t)strlen(s) ? 0 : -errno;
}

/* Cleanup for pipes. */
struct pipe2 {
	int r, w;
};
static void pipe_closep(struct pipe2 *p)
{
	if (p->r >= 0)
		close(p->r);
	if (p->w >= 0)
		close(p->w);
}
#define cleanup_pipe __attribute__((cleanup(pipe_closep)))
static bool pipe_open(struct pipe2 *p)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) != 0)
		return false;
	p->r = fds[0];
	p->w = fds[1];
	return true;
}

/* A child process killed and reaped on every return. */
static void child_killp(pid_t *pid)
{
	if (*pid > 0) {
		kill(*pid, SIGKILL);
		(void)wait_status(*pid);
	}
}
#define cleanup_child __attribute__((cleanup(child_killp)))

/*
 * First and last: leftovers of earlier runs killed half-way, and of this
 * one.
 */

TEST(cgroup_live_aa_sweep_earlier_runs)
{
	if (skip("cgroup_live_aa_sweep_earlier_runs", NULL))
		return;
	unsigned n = bh_cgroup_sweep();
	if (n)
		fprintf(stderr, "  note: swept %u leftover cgroup(s)\n", n);
}

TEST(cgroup_live_zz_nothing_left)
{
	if (skip("cgroup_live_zz_nothing_left", NULL))
		return;
	/* Every test destroys its sessions; anything still here leaked. */
	unsigned n = bh_cgroup_sweep_own();
	CHECK_INT(n, 0);
}

/*
 * Limits.
 */

/* A 256 MiB hog under a 64 MiB limit is killed by the OOM killer inside
 * the cgroup, and the host is untouched.  The child joins itself, as a
 * pre-exec child does. */
TEST(cgroup_live_memory_hog_is_oom_killed)
{
	if (skip("cgroup_live_memory_hog_is_oom_killed", "memory"))
		return;
	struct bh_policy p = limits(64 * MiB, 0, 0);
	cleanup_session struct session s = {0};

	REQUIRE(session_create(&s, "t-mem", &p));
	struct bh_cgroup *cg = s.cg;
	CHECK_INT(s.unmet, 0);
	const struct bh_report_item *it = find_item(s.rep, "limit memory 64M");
	REQUIRE(it != NULL);
	CHECK_INT(it->cls, BH_RC_LIMIT);
	CHECK(is_cgroup_mech(it->mechanism));
	if (it->status == BH_ENF_DEGRADED) {
		fprintf(stderr,
			"  SKIP cgroup_live_memory_hog_is_oom_killed: swap "
			"escapes the limit on this host (%s)\n",
			it->detail);
		return;
	}
	CHECK_INT(it->status, BH_ENF_ENFORCED);
	CHECK(find_item(s.rep, "session cgroup") != NULL);

	cleanup_child pid_t pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		if (bh_cgroup_add(cg, 0) != 0)
			_exit(3);
		size_t len = 256 * MiB;
		char *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED)
			_exit(4);
		for (size_t off = 0; off < len; off += 4096)
			m[off] = 1;
		_exit(0);
	}
	int st = wait_status(pid);
	pid = -1;
	CHECK(killed_by(st, SIGKILL));

	struct bh_cgroup_peaks pk;
	bh_cgroup_peaks(cg, &pk);
	CHECK(pk.oom_kills >= 1);
	CHECK(pk.memory_bytes > 0);
	CHECK(pk.memory_bytes <= 64 * MiB);
}

/* A fork loop stops at the limit: the looping process plus 15 children
 * make 16 tasks.  The parent moves the child in, the other way of joining,
 * while the child waits on a pipe. */
TEST(cgroup_live_fork_loop_is_capped)
{
	if (skip("cgroup_live_fork_loop_is_capped", "pids"))
		return;
	struct bh_policy p = limits(0, 16, 0);
	cleanup_session struct session s = {0};
	cleanup_pipe struct pipe2 go = {-1, -1}, res = {-1, -1};

	REQUIRE(session_create(&s, "t-pids", &p));
	struct bh_cgroup *cg = s.cg;
	CHECK_INT(s.unmet, 0);
	const struct bh_report_item *it = find_item(s.rep, "limit pids 16");
	REQUIRE(it != NULL);
	CHECK(is_cgroup_mech(it->mechanism));
	CHECK_INT(it->status, BH_ENF_ENFORCED);
	REQUIRE(pipe_open(&go) && pipe_open(&res));

	cleanup_child pid_t pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		char c;
		if (read(go.r, &c, 1) != 1)
			_exit(3);
		int n = 0;
		for (int i = 0; i < 64; i++) {
			pid_t k = fork();
			if (k == 0) {
				pause();
				_exit(0);
			}
			if (k < 0)
				break;
			n++;
		}
		if (write(res.w, &n, sizeof(n)) != sizeof(n))
			_exit(4);
		pause();
		_exit(0);
	}
	REQUIRE(bh_cgroup_add(cg, pid) == 0);
	REQUIRE(write(go.w, "g", 1) == 1);
	int forks = -1;
	REQUIRE(read(res.r, &forks, sizeof(forks)) == sizeof(forks));
	CHECK_INT(forks, 15);

	struct bh_cgroup_peaks pk;
	bh_cgroup_peaks(cg, &pk);
	CHECK_INT(pk.pids, 16);
	CHECK(pk.pids_refused >= 1);
	/* The loop's children are orphans of no one we wait for: the kill
	 * takes them all, the loop's parent included. */
	CHECK_INT(bh_cgroup_kill(cg), 16);
	int st = wait_status(pid);
	pid = -1;
	CHECK(killed_by(st, SIGKILL));
}

/* Values as the kernel shows them, for every limit kind, and a memory
 * value that is not a whole number of pages. */
TEST(cgroup_live_values_read_back)
{
	if (skip("cgroup_live_values_read_back", "cpu"))
		return;
	struct bh_policy p = limits(1000000, 16, 500);
	cleanup_session struct session s = {0};

	REQUIRE(session_create(&s, "t-values", &p));
	struct bh_cgroup *cg = s.cg;
	CHECK_INT(s.unmet, 0);

	const char *cpu = bh_cgroup_dir(cg, BH_LIMIT_CPU);
	REQUIRE(cpu != NULL);
	const struct bh_report_item *it = find_item(s.rep, "limit cpu 0.5");
	REQUIRE(it != NULL);
	REQUIRE(is_cgroup_mech(it->mechanism));
	uint64_t q = 0, per = 0;
	if (!strcmp(it->mechanism, "cgroup v1")) {
		cleanup_free char *qp =
		    bh_xasprintf("%s/cpu.cfs_quota_us", cpu);
		cleanup_free char *pp =
		    bh_xasprintf("%s/cpu.cfs_period_us", cpu);
		cleanup_free char *qs = NULL, *ps = NULL;
		REQUIRE(bh_read_file(qp, 64, &qs, NULL, NULL) == 0);
		REQUIRE(bh_read_file(pp, 64, &ps, NULL, NULL) == 0);
		CHECK_INT(bh_cg_parse_u64_max(qs, &q), 0);
		CHECK_INT(bh_cg_parse_u64_max(ps, &per), 0);
	} else {
		cleanup_free char *mp = bh_xasprintf("%s/cpu.max", cpu);
		cleanup_free char *ms = NULL;
		REQUIRE(bh_read_file(mp, 64, &ms, NULL, NULL) == 0);
		CHECK_INT(bh_cg_parse_cpu_max(ms, &q, &per), 0);
	}
	CHECK_INT(q, 50000);
	CHECK_INT(per, 100000);

	const char *pids = bh_cgroup_dir(cg, BH_LIMIT_PIDS);
	REQUIRE(pids != NULL);
	cleanup_free char *pp = bh_xasprintf("%s/pids.max", pids);
	cleanup_free char *ps = NULL;
	REQUIRE(bh_read_file(pp, 64, &ps, NULL, NULL) == 0);
	CHECK_STR(ps, "16\n");

	/* 1000000 bytes is kept as whole pages: 999424 with 4 KiB pages,
	 * which is what the report accepts as the limit. */
	it = find_item(s.rep, "limit memory 1000000");
	REQUIRE(it != NULL);
	CHECK_INT(it->status, BH_ENF_ENFORCED);
	const char *mem = bh_cgroup_dir(cg, BH_LIMIT_MEMORY);
	REQUIRE(mem != NULL);
	cleanup_free char *mp = bh_xasprintf("%s/%s", mem,
					     strcmp(it->mechanism, "cgroup v1")
						 ? "memory.max"
						 : "memory.limit_in_bytes");
	cleanup_free char *ms = NULL;
	uint64_t got = 0;
	REQUIRE(bh_read_file(mp, 64, &ms, NULL, NULL) == 0);
	CHECK_INT(bh_cg_parse_u64_max(ms, &got), 0);
	CHECK(bh_cg_memory_readback_ok(1000000, got,
				       (uint64_t)sysconf(_SC_PAGESIZE)));

	/* Under 10 milli-cores the period is 1 s. */
	struct bh_policy tiny = limits(0, 0, 5);
	cleanup_session struct session s2 = {0};
	REQUIRE(session_create(&s2, "t-values2", &tiny));
	CHECK_INT(s2.unmet, 0);
	const char *cpu2 = bh_cgroup_dir(s2.cg, BH_LIMIT_CPU);
	REQUIRE(cpu2 != NULL);
	cleanup_free char *qp2 = bh_xasprintf("%s/cpu.cfs_quota_us", cpu2);
	cleanup_free char *mp2 = bh_xasprintf("%s/cpu.max", cpu2);
	cleanup_free char *q2 = NULL;
	if (bh_read_file(qp2, 64, &q2, NULL, NULL) == 0)
		CHECK_STR(q2, "5000\n");
	else if (bh_read_file(mp2, 64, &q2, NULL, NULL) == 0)
		CHECK_STR(q2, "5000 1000000\n");
	else
		CHECK(!"no cpu quota file");
}

/* No limits at all: still a cgroup, for lifetime. */
TEST(cgroup_live_lifetime_only)
{
	if (skip("cgroup_live_lifetime_only", NULL))
		return;
	struct bh_policy p = limits(0, 0, 0);
	cleanup_session struct session s = {0};
	REQUIRE(session_create(&s, "t-life", &p));
	struct bh_cgroup *cg = s.cg;
	CHECK_INT(s.unmet, 0);
	CHECK(s.why == NULL);
	CHECK(bh_cgroup_dir(cg, BH_LIMIT__COUNT) != NULL);
	CHECK(bh_cgroup_dir(cg, BH_LIMIT_MEMORY) == NULL);
	CHECK(bh_cgroup_dir(cg, BH_LIMIT_TIME) == NULL);
	CHECK_INT(s.rep->n_items, 1); /* "session cgroup" only */
}

/* Needs no privilege: reading mountinfo and /proc/self/cgroup. */
TEST(cgroup_live_describe_host)
{
	cleanup_free char *d = bh_cgroup_describe_host();
	REQUIRE(d != NULL);
	CHECK(bh_str_has_prefix(d, "hybrid") ||
	      bh_str_has_prefix(d, "cgroup v2") ||
	      bh_str_has_prefix(d, "cgroup v1") || !strcmp(d, "none"));
	if (host_has("cgroup2"))
		CHECK(strstr(d, "cgroup2 at /") != NULL);
	if (host_has("memory"))
		CHECK(strstr(d, "memory") != NULL);
}

TEST(cgroup_live_bad_session_id)
{
	struct bh_policy p = limits(64 * MiB, 0, 0);
	cleanup_session struct session s = {0};
	CHECK_INT(
	    bh_cgroup_create("../x", &p, NULL, &s.cg, &s.unmet, &s.why, &s.err),
	    -EINVAL);
	CHECK(s.cg == NULL);
	CHECK(s.err != NULL && s.err->code == EINVAL);
}

/*
 * Lifetime.
 */

/* A daemon that left the process group and the session (what killpg
 * misses) dies with the cgroup, and no directory stays in any hierarchy. */
TEST(cgroup_live_destroy_kills_daemon_and_leaves_nothing)
{
	if (skip("cgroup_live_destroy_kills_daemon_and_leaves_nothing", NULL))
		return;
	struct bh_policy p = limits(64 * MiB, 64, 1000);
	cleanup_session struct session s = {0};
	cleanup_pipe struct pipe2 res = {-1, -1};

	REQUIRE(session_create(&s, "t-destroy", &p));
	struct bh_cgroup *cg = s.cg;
	REQUIRE(bh_cgroup_guard(cg, &s.err) == 0);
	REQUIRE(pipe_open(&res));
	char name[256];
	basename_of(bh_cgroup_dir(cg, BH_LIMIT__COUNT), name, sizeof(name));

	cleanup_child pid_t pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		if (bh_cgroup_add(cg, 0) != 0)
			_exit(3);
		pid_t d = fork();
		if (d == 0) {
			setsid();
			if (fork() == 0) {
				pid_t me = getpid();
				if (write(res.w, &me, sizeof(me)) != sizeof(me))
					_exit(4);
				for (;;)
					pause();
			}
			_exit(0);
		}
		_exit(d > 0 ? 0 : 5);
	}
	int st = wait_status(pid);
	pid = -1;
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	pid_t daemon = -1;
	REQUIRE(read(res.r, &daemon, sizeof(daemon)) == sizeof(daemon));
	REQUIRE(daemon > 0);
	CHECK(kill(daemon, 0) == 0);

	bh_cgroup_destroy(s.cg);
	s.cg = NULL;
	CHECK(dies(daemon));
	/* The guard was told, left, and was reaped: no child is left. */
	CHECK(waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD);

	/* Every cgroup mount, not only the ones used. */
	cleanup_strv char **mnts = NULL, **offers = NULL;
	size_t n = cgroup_mounts(&mnts, &offers);
	CHECK(n > 0);
	for (size_t i = 0; i < n; i++) {
		cleanup_free char *path =
		    bh_xasprintf("%s/bulkhead/%s", mnts[i], name);
		if (!gone(path)) {
			fprintf(stderr, "  left behind: %s\n", path);
			CHECK(gone(path));
		}
	}
}

/* A supervisor killed with SIGKILL: its guard kills the tree (a daemon in
 * its own session included) and removes every directory, without waiting
 * for the next session's sweep. */
TEST(cgroup_live_guard_cleans_up_after_sigkill)
{
	if (skip("cgroup_live_guard_cleans_up_after_sigkill", NULL))
		return;
	cleanup_pipe struct pipe2 res = {-1, -1};
	REQUIRE(pipe_open(&res));
	cleanup_child pid_t sup = fork();
	REQUIRE(sup >= 0);
	if (sup == 0) {
		struct bh_policy p = limits(64 * MiB, 16, 0);
		struct bh_cgroup *cg = NULL;
		struct bh_error *e = NULL;
		char *w = NULL;
		unsigned u = 0;
		if (bh_cgroup_create("t-guard", &p, NULL, &cg, &u, &w, &e) ||
		    !cg || bh_cgroup_guard(cg, &e) != 0)
			_exit(10);
		char dir[4096];
		snprintf(dir, sizeof(dir), "%s",
			 bh_cgroup_dir(cg, BH_LIMIT__COUNT));
		pid_t d = fork();
		if (d == 0) {
			if (bh_cgroup_add(cg, 0) != 0)
				_exit(3);
			setsid();
			for (;;)
				pause();
		}
		/* Wait until the daemon is in, then report both. */
		cleanup_free char *procs = bh_xasprintf("%s/cgroup.procs", dir);
		for (int i = 0; i < 500; i++) {
			cleanup_free char *l = NULL;
			if (bh_read_file(procs, 4096, &l, NULL, NULL) == 0 &&
			    *l)
				break;
			usleep(2000);
		}
		if (write(res.w, &d, sizeof(d)) != sizeof(d) ||
		    write(res.w, dir, sizeof(dir)) != sizeof(dir))
			_exit(11);
		for (;;)
			pause();
	}
	pid_t daemon = -1;
	char dir[4096];
	REQUIRE(read(res.r, &daemon, sizeof(daemon)) == sizeof(daemon));
	REQUIRE(read(res.r, dir, sizeof(dir)) == sizeof(dir));
	REQUIRE(daemon > 0 && !gone(dir));

	kill(sup, SIGKILL);
	(void)wait_status(sup);
	sup = -1;
	CHECK(dies(daemon));
	bool removed = false;
	for (int i = 0; i < 300 && !removed; i++) {
		removed = gone(dir);
		if (!removed)
			usleep(10000);
	}
	CHECK(removed);
	/* Had the guard failed, the sweep is what would clean up. */
	if (!removed)
		(void)bh_cgroup_sweep();
}

/* clone3(CLONE_INTO_CGROUP): the child is born in the session's cgroup. */
TEST(cgroup_live_clone_into_cgroup)
{
	if (skip("cgroup_live_clone_into_cgroup", "cgroup2"))
		return;
	struct bh_policy p = limits(0, 8, 0);
	cleanup_session struct session s = {0};

	REQUIRE(session_create(&s, "t-clone3", &p));
	struct bh_cgroup *cg = s.cg;
	REQUIRE(bh_cgroup_fd(cg) >= 0);
	char name[256];
	basename_of(bh_cgroup_dir(cg, BH_LIMIT__COUNT), name, sizeof(name));

	struct clone_args ca;
	memset(&ca, 0, sizeof(ca));
	ca.flags = CLONE_INTO_CGROUP;
	ca.exit_signal = SIGCHLD;
	ca.cgroup = (uint64_t)bh_cgroup_fd(cg);
	cleanup_child pid_t pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
	REQUIRE(pid >= 0);
	if (pid == 0) {
		for (;;)
			pause();
	}
	char path[64];
	cleanup_free char *in = NULL;
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	REQUIRE(bh_read_file(path, 1 << 16, &in, NULL, NULL) == 0);
	cleanup_free char *want = bh_xasprintf("0::/bulkhead/%s\n", name);
	CHECK(strstr(in, want) != NULL);
	/* v2 only so far: the v1 limits need bh_cgroup_add() as well. */
	CHECK_INT(bh_cgroup_add(cg, pid), 0);
	CHECK_INT(bh_cgroup_kill(cg), 1);
	int st = wait_status(pid);
	pid = -1;
	CHECK(killed_by(st, SIGKILL));
}

/* Kernels before 5.14 have no cgroup.kill: freeze, kill each member,
 * thaw, until empty.  And a process that joined only a v1 hierarchy is
 * found by the v1 loop. */
TEST(cgroup_live_kill_loop_without_cgroup_kill)
{
	if (skip("cgroup_live_kill_loop_without_cgroup_kill", NULL))
		return;
	struct bh_policy p = limits(0, 32, 0);
	cleanup_session struct session s = {0};
	cleanup_pipe struct pipe2 res = {-1, -1};

	REQUIRE(session_create(&s, "t-loop", &p));
	struct bh_cgroup *cg = s.cg;
	REQUIRE(pipe_open(&res));
	bh_cgroup_test_force_kill_loop(cg);

	cleanup_child pid_t pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		if (bh_cgroup_add(cg, 0) != 0)
			_exit(3);
		for (int i = 0; i < 5; i++)
			if (fork() == 0) {
				setsid();
				for (;;)
					pause();
			}
		if (write(res.w, "r", 1) != 1)
			_exit(4);
		for (;;)
			pause();
	}
	char c;
	REQUIRE(read(res.r, &c, 1) == 1);
	unsigned expect = 6;

	/* One more, only in the v1 pids hierarchy when there is one. */
	cleanup_child pid_t v1only = -1;
	const char *pids = bh_cgroup_dir(cg, BH_LIMIT_PIDS);
	const char *life = bh_cgroup_dir(cg, BH_LIMIT__COUNT);
	REQUIRE(pids && life);
	if (strcmp(pids, life) != 0) {
		v1only = fork();
		REQUIRE(v1only >= 0);
		if (v1only == 0) {
			for (;;)
				pause();
		}
		char num[16];
		snprintf(num, sizeof(num), "%d", (int)v1only);
		cleanup_free char *procs =
		    bh_xasprintf("%s/cgroup.procs", pids);
		REQUIRE(write_str(procs, num) == 0);
		expect++;
	}
	CHECK_INT(bh_cgroup_kill(cg), expect);
	int st = wait_status(pid);
	pid = -1;
	CHECK(killed_by(st, SIGKILL));
	if (v1only > 0) {
		st = wait_status(v1only);
		v1only = -1;
		CHECK(killed_by(st, SIGKILL));
	}
	cleanup_free char *procs = bh_xasprintf("%s/cgroup.procs", life);
	cleanup_free char *list = NULL;
	REQUIRE(bh_read_file(procs, 1 << 16, &list, NULL, NULL) == 0);
	CHECK_STR(list, "");
}

/*
 * Unprivileged callers.
 */

static void become_nobody(void)
{
	if (setgroups(0, NULL) != 0 || setresgid(65534, 65534, 65534) != 0 ||
	    setresuid(65534, 65534, 65534) != 0)
		_exit(90);
}

/* Without a delegated subtree (and with root-owned v1 hierarchies) there is
 * no cgroup to be had: no error, every limit unmet, and why says so. */
TEST(cgroup_live_unprivileged_without_delegation)
{
	if (skip("cgroup_live_unprivileged_without_delegation", NULL))
		return;
	cleanup_pipe struct pipe2 res = {-1, -1};
	REQUIRE(pipe_open(&res));
	cleanup_child pid_t pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		become_nobody();
		struct bh_policy p = limits(64 * MiB, 16, 500);
		struct bh_cgroup *cg = NULL;
		struct bh_error *err = NULL;
		char *why = NULL;
		unsigned unmet = 0;
		int r = bh_cgroup_create("t-nobody", &p, NULL, &cg, &unmet,
					 &why, &err);
		dprintf(res.w, "%s", why ? why : "(no why)");
		if (r != 0)
			_exit(10);
		if (cg != NULL)
			_exit(11);
		if (unmet != (1u << BH_LIMIT_MEMORY | 1u << BH_LIMIT_PIDS |
			      1u << BH_LIMIT_CPU))
			_exit(12);
		if (!why || !strstr(why, "memory: ") ||
		    !strstr(why, "pids: ") || !strstr(why, "cpu: "))
			_exit(13);
		_exit(0);
	}
	close(res.w);
	res.w = -1;
	int st = wait_status(pid);
	pid = -1;
	char buf[2048] = "";
	ssize_t k = read(res.r, buf, sizeof(buf) - 1);
	buf[k > 0 ? k : 0] = '\0';
	if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0))
		fprintf(stderr, "  child status %d, why: %s\n", st, buf);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/*
 * A subtree delegated to uid 65534 the way an administrator (or systemd's
 * Delegate=yes) does it: a directory it owns, with its cgroup.procs and
 * cgroup.subtree_control, and the user's process in a leaf below.  The
 * user's session cgroup goes under the delegated directory (the nearest
 * owned ancestor without processes), and kill and remove work there.  Made
 * inside a root session cgroup so that a failure leaves nothing the
 * destroy (or the sweep) does not remove.
 */
TEST(cgroup_live_unprivileged_delegated_subtree)
{
	if (skip("cgroup_live_unprivileged_delegated_subtree", "cgroup2"))
		return;
	struct bh_policy none = limits(0, 0, 0);
	cleanup_session struct session s = {0};
	cleanup_pipe struct pipe2 go = {-1, -1}, res = {-1, -1};

	REQUIRE(session_create(&s, "t-deleg", &none));
	struct bh_cgroup *outer = s.cg;
	REQUIRE(bh_cgroup_fd(outer) >= 0);
	const char *top = bh_cgroup_dir(outer, BH_LIMIT__COUNT);
	cleanup_free char *deleg = bh_xasprintf("%s/deleg", top);
	cleanup_free char *leaf = bh_xasprintf("%s/deleg/leaf", top);
	REQUIRE(mkdir(deleg, 0755) == 0);
	REQUIRE(mkdir(leaf, 0755) == 0);
	static const char *const files[] = {
	    "", "/cgroup.procs", "/cgroup.subtree_control", "/cgroup.threads"};
	for (size_t i = 0; i < BH_ARRAY_SIZE(files); i++) {
		cleanup_free char *a = bh_xasprintf("%s%s", deleg, files[i]);
		cleanup_free char *b = bh_xasprintf("%s%s", leaf, files[i]);
		REQUIRE(chown(a, 65534, 65534) == 0);
		REQUIRE(chown(b, 65534, 65534) == 0);
	}
	REQUIRE(pipe_open(&go) && pipe_open(&res));

	cleanup_child pid_t pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		char c;
		if (read(go.r, &c, 1) != 1)
			_exit(3);
		become_nobody();
		struct bh_policy p = limits(0, 0, 0);
		struct bh_cgroup *cg = NULL;
		struct bh_error *e = NULL;
		char *w = NULL;
		unsigned u = 0;
		if (bh_cgroup_create("t-deleg-user", &p, NULL, &cg, &u, &w,
				     &e) != 0 ||
		    !cg) {
			dprintf(res.w, "create: %s", w ? w : "?");
			_exit(10);
		}
		const char *dir = bh_cgroup_dir(cg, BH_LIMIT__COUNT);
		cleanup_free char *want = bh_xasprintf("%s/bulkhead/", deleg);
		if (!bh_str_has_prefix(dir, want)) {
			dprintf(res.w, "placed at %s", dir);
			_exit(11);
		}
		pid_t g = fork();
		if (g == 0) {
			if (bh_cgroup_add(cg, 0) != 0)
				_exit(3);
			setsid();
			for (;;)
				pause();
		}
		if (g < 0)
			_exit(12);
		/* The grandchild joins itself; wait until it has. */
		cleanup_free char *procs = bh_xasprintf("%s/cgroup.procs", dir);
		for (int i = 0; i < 500; i++) {
			cleanup_free char *l = NULL;
			if (bh_read_file(procs, 4096, &l, NULL, NULL) == 0 &&
			    *l)
				break;
			usleep(2000);
		}
		if (bh_cgroup_kill(cg) != 1) {
			dprintf(res.w, "kill did not take 1 process");
			_exit(13);
		}
		cleanup_free char *copy = bh_xstrdup(dir);
		if (bh_cgroup_remove(cg, &e) != 0) {
			dprintf(res.w, "remove: %s", e ? e->msg : "?");
			_exit(14);
		}
		if (!gone(copy)) {
			dprintf(res.w, "%s still there", copy);
			_exit(15);
		}
		_exit(0);
	}
	char num[16];
	snprintf(num, sizeof(num), "%d", (int)pid);
	cleanup_free char *procs = bh_xasprintf("%s/cgroup.procs", leaf);
	REQUIRE(write_str(procs, num) == 0);
	REQUIRE(write(go.w, "g", 1) == 1);
	close(res.w);
	res.w = -1;
	int st = wait_status(pid);
	pid = -1;
	char buf[2048] = "";
	ssize_t k = read(res.r, buf, sizeof(buf) - 1);
	buf[k > 0 ? k : 0] = '\0';
	if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0))
		fprintf(stderr, "  child status %d: %s\n", st, buf);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	/* outer's destroy removes deleg/leaf and deleg as well. */
	bh_cgroup_destroy(s.cg);
	s.cg = NULL;
	CHECK(gone(deleg));
}

/* The v1 mount point of a controller, or NULL.  Caller frees. */
static char *v1_mount_of(const char *ctrl)
{
	cleanup_strv char **mnts = NULL, **offers = NULL;
	size_t n = cgroup_mounts(&mnts, &offers);
	for (size_t i = 0; i < n; i++)
		if (!bh_str_has_prefix(offers[i], "cgroup2") &&
		    bh_cg_list_has(offers[i], ctrl))
			return bh_xstrdup(mnts[i]);
	return NULL;
}

static void parent_cleanup(char **parent)
{
	if (*parent) {
		(void)bh_cgroup_sweep();
		(void)rmdir(*parent);
		free(*parent);
	}
}

/*
 * cgroup v1 for a user: root makes the "bulkhead" parent and gives it to
 * the user (chown); the user's sessions go there, with their limits.  Root
 * sessions may use it too, but do not remove it when they end: it is not
 * theirs.
 */
TEST(cgroup_live_v1_parent_given_to_a_user)
{
	if (skip("cgroup_live_v1_parent_given_to_a_user", "pids"))
		return;
	cleanup_free char *mnt = v1_mount_of("pids");
	if (!mnt) {
		fprintf(stderr, "  SKIP cgroup_live_v1_parent_given_to_a_user: "
				"pids is not a cgroup v1 controller here\n");
		return;
	}
	char *path = bh_xasprintf("%s/bulkhead", mnt);
	if (mkdir(path, 0755) != 0) {
		fprintf(stderr,
			"  SKIP cgroup_live_v1_parent_given_to_a_user: %s is "
			"in use (%s)\n",
			path, strerror(errno));
		free(path);
		return;
	}
	__attribute__((cleanup(parent_cleanup))) char *parent = path;
	REQUIRE(chown(parent, 65534, 65534) == 0);

	cleanup_pipe struct pipe2 res = {-1, -1};
	REQUIRE(pipe_open(&res));
	cleanup_child pid_t pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		become_nobody();
		struct bh_policy p = limits(0, 4, 0);
		struct session us = {0};
		if (!session_create(&us, "t-v1user", &p))
			_exit(10);
		const struct bh_report_item *it =
		    find_item(us.rep, "limit pids 4");
		if (!it || strcmp(it->mechanism, "cgroup v1") != 0)
			_exit(11);
		pid_t c = fork();
		if (c == 0) {
			if (bh_cgroup_add(us.cg, 0) != 0)
				_exit(3);
			int n = 0;
			for (int i = 0; i < 10; i++) {
				pid_t k = fork();
				if (k == 0) {
					pause();
					_exit(0);
				}
				if (k < 0)
					break;
				n++;
			}
			_exit(n);
		}
		int st = wait_status(c);
		dprintf(res.w, "forks %d",
			WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 3)
			_exit(12);
		if (bh_cgroup_kill(us.cg) != 3)
			_exit(13);
		if (bh_cgroup_remove(us.cg, &us.err) != 0)
			_exit(14);
		_exit(0);
	}
	close(res.w);
	res.w = -1;
	int st = wait_status(pid);
	pid = -1;
	char buf[256] = "";
	ssize_t k = read(res.r, buf, sizeof(buf) - 1);
	buf[k > 0 ? k : 0] = '\0';
	if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0))
		fprintf(stderr, "  child status %d: %s\n", st, buf);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(!gone(parent));

	/* A root session in the user's parent leaves the parent alone. */
	struct bh_policy p = limits(0, 4, 0);
	cleanup_session struct session s = {0};
	REQUIRE(session_create(&s, "t-v1root", &p));
	cleanup_free char *dir = bh_xstrdup(bh_cgroup_dir(s.cg, BH_LIMIT_PIDS));
	CHECK(bh_str_has_prefix(dir, parent));
	CHECK_INT(bh_cgroup_remove(s.cg, &s.err), 0);
	CHECK(gone(dir));
	CHECK(!gone(parent));
}

/*
 * The sweep.
 */

struct planted {
	char *dirs[16];
	size_t n;
	pid_t sleeper;
};

static void planted_cleanup(struct planted *pl)
{
	if (pl->sleeper > 0) {
		kill(pl->sleeper, SIGKILL);
		(void)wait_status(pl->sleeper);
	}
	for (size_t i = 0; i < pl->n; i++) {
		(void)rmdir(pl->dirs[i]);
		free(pl->dirs[i]);
	}
}
#define cleanup_planted __attribute__((cleanup(planted_cleanup)))

static const char *plant(struct planted *pl, const char *parent,
			 const char *name)
{
	if (pl->n == BH_ARRAY_SIZE(pl->dirs))
		return NULL;
	char *d = bh_xasprintf("%s/%s", parent, name);
	if (mkdir(d, 0755) != 0) {
		free(d);
		return NULL;
	}
	pl->dirs[pl->n++] = d;
	return d;
}

static void parent_of(const char *path, char *out, size_t n)
{
	snprintf(out, n, "%s", path);
	char *s = strrchr(out, '/');
	if (s)
		*s = '\0';
}

TEST(cgroup_live_sweep_removes_dead_sessions_only)
{
	if (skip("cgroup_live_sweep_removes_dead_sessions_only", "pids"))
		return;
	/* A live session of ours makes the "bulkhead" parents exist and
	 * tells where they are. */
	struct bh_policy p = limits(0, 16, 0);
	cleanup_session struct session s = {0};
	cleanup_planted struct planted pl = {{0}, 0, -1};

	REQUIRE(session_create(&s, "t-sweep", &p));
	struct bh_cgroup *cg = s.cg;
	char parents[2][4096];
	size_t np = 0;
	parent_of(bh_cgroup_dir(cg, BH_LIMIT__COUNT), parents[np++],
		  sizeof(parents[0]));
	parent_of(bh_cgroup_dir(cg, BH_LIMIT_PIDS), parents[np],
		  sizeof(parents[0]));
	if (strcmp(parents[0], parents[1]) != 0)
		np++;

	/* A dead supervisor: a child that has exited and been reaped. */
	pid_t dead = fork();
	REQUIRE(dead >= 0);
	if (dead == 0)
		_exit(0);
	(void)wait_status(dead);

	cleanup_free char *stat_text = NULL;
	uint64_t start = 0;
	struct stat nsst;
	REQUIRE(bh_read_file("/proc/self/stat", 4096, &stat_text, NULL, NULL) ==
		0);
	REQUIRE(bh_cg_parse_stat_start(stat_text, &start) == 0);
	REQUIRE(stat("/proc/self/ns/pid", &nsst) == 0);
	uint64_t ns = (uint64_t)nsst.st_ino;

	cleanup_free char *empty_dead =
	    bh_xasprintf("planted-a-%d-%llu-%llu", (int)dead,
			 (unsigned long long)start, (unsigned long long)ns);
	cleanup_free char *busy_dead =
	    bh_xasprintf("planted-b-%d-%llu-%llu", (int)dead,
			 (unsigned long long)start, (unsigned long long)ns);
	cleanup_free char *alive =
	    bh_xasprintf("planted-c-%d-%llu-%llu", (int)getpid(),
			 (unsigned long long)start, (unsigned long long)ns);
	cleanup_free char *reused =
	    bh_xasprintf("planted-d-%d-%llu-%llu", (int)getpid(),
			 (unsigned long long)start + 1, (unsigned long long)ns);
	cleanup_free char *other_ns =
	    bh_xasprintf("planted-e-%d-%llu-%llu", (int)dead,
			 (unsigned long long)start, (unsigned long long)ns + 1);
	const char *names[] = {empty_dead, busy_dead, alive, reused, other_ns};
	const bool swept[] = {true, true, false, true, false};

	for (size_t i = 0; i < np; i++)
		for (size_t j = 0; j < BH_ARRAY_SIZE(names); j++)
			REQUIRE(plant(&pl, parents[i], names[j]) != NULL);

	/* The busy one holds a process that outlived its supervisor. */
	pl.sleeper = fork();
	REQUIRE(pl.sleeper >= 0);
	if (pl.sleeper == 0) {
		for (;;)
			pause();
	}
	char num[16];
	snprintf(num, sizeof(num), "%d", (int)pl.sleeper);
	for (size_t i = 0; i < np; i++) {
		cleanup_free char *procs =
		    bh_xasprintf("%s/%s/cgroup.procs", parents[i], busy_dead);
		REQUIRE(write_str(procs, num) == 0);
	}

	unsigned n = bh_cgroup_sweep();
	CHECK(n >= 3 * np);
	int st = wait_status(pl.sleeper);
	pl.sleeper = -1;
	CHECK(killed_by(st, SIGKILL));
	for (size_t i = 0; i < np; i++) {
		for (size_t j = 0; j < BH_ARRAY_SIZE(names); j++) {
			cleanup_free char *d =
			    bh_xasprintf("%s/%s", parents[i], names[j]);
			if (gone(d) != swept[j])
				fprintf(stderr, "  %s: %s\n", d,
					swept[j] ? "not swept"
						 : "swept but alive");
			CHECK(gone(d) == swept[j]);
		}
	}
	/* Our own live session was left alone. */
	CHECK(!gone(bh_cgroup_dir(cg, BH_LIMIT__COUNT)));
}
