/* SPDX-License-Identifier: MIT */
/*
 * The pre-exec child.
 *
 * Defends against: an inherited capability, setuid bit or file capability
 * regaining privilege (bounding set cleared, no_new_privs); terminal
 * injection through a controlling terminal (new session, TIOCSTI also
 * refused by seccomp); leaked descriptors of the caller (every fd above 2
 * is marked close-on-exec, so exec closes them); the child surviving its
 * supervisor (PR_SET_PDEATHSIG).  Assumes: it runs between fork and exec of
 * a single-threaded process, so it only makes async-signal-safe calls and
 * allocates nothing; the Landlock ruleset and seccomp program were built by
 * the parent.
 */
#include "confine/spawn.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <grp.h>
#include <linux/sched.h>

#include "confine/compat.h"
#include "core/util.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static const char *const stage_names[] = {
	[BH_STAGE_NONE] = "none",
	[BH_STAGE_PDEATHSIG] = "parent-death signal",
	[BH_STAGE_SETSID] = "new session",
	[BH_STAGE_CHDIR] = "change directory",
	[BH_STAGE_RLIMIT] = "resource limits",
	[BH_STAGE_SETGROUPS] = "drop supplementary groups",
	[BH_STAGE_SETGID] = "switch group",
	[BH_STAGE_SETUID] = "switch user",
	[BH_STAGE_CAPS] = "drop capabilities",
	[BH_STAGE_NO_NEW_PRIVS] = "no_new_privs",
	[BH_STAGE_LANDLOCK] = "landlock",
	[BH_STAGE_SECCOMP] = "seccomp",
	[BH_STAGE_CLOSE_FDS] = "close inherited fds",
	[BH_STAGE_EXEC] = "exec",
	[BH_STAGE_EXEC_NOT_FOUND] = "exec",
	[BH_STAGE_USERNS] = "user namespace",
	[BH_STAGE_MOUNT] = "root filesystem",
	[BH_STAGE_CGROUP] = "join the session cgroup",
	[BH_STAGE_TTY] = "terminal",
	[BH_STAGE_EGRESS] = "egress proxy",
};

const char *bh_stage_name(enum bh_stage s)
{
	if ((size_t)s < BH_ARRAY_SIZE(stage_names) && stage_names[s])
		return stage_names[s];
	return "unknown";
}

static __attribute__((noreturn)) void
child_fail_at(int fd, enum bh_stage st, int e, int detail)
{
	struct bh_spawn_failure f = {.stage = st, .err = e, .detail = detail};
	(void)!write(fd, &f, sizeof(f));
	_exit(st == BH_STAGE_EXEC_NOT_FOUND ? 127
	      : st == BH_STAGE_EXEC	    ? 126
					    : 125);
}

static __attribute__((noreturn)) void child_fail(int fd, enum bh_stage st,
						 int e)
{
	child_fail_at(fd, st, e, -1);
}

static int drop_caps(int cap_last, bool privileged)
{
	if (privileged) {
		for (int c = 0; c <= cap_last; c++)
			if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) != 0 &&
			    errno != EINVAL)
				return -errno;
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 &&
	    errno != EINVAL)
		return -errno;
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capset, &hdr, data) != 0)
		return -errno;
	return 0;
}

/* Marks every fd above 2 close-on-exec, so exec closes everything the
 * caller leaked (and our own error pipe and ruleset). */
static int cloexec_all(void)
{
	if (syscall(__NR_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return 0;
	/* Only a kernel without it (pre-5.11) takes the slow way; any other
	 * failure (a profile that denied close_range) stops the launch
	 * rather than leave descriptors open. */
	if (errno != ENOSYS && errno != EINVAL)
		return -1;
	/* Pre-5.11 kernels: walk the descriptor table. */
	struct rlimit rl;
	int max = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 65536
			  ? (int)rl.rlim_cur
			  : 65536;
	for (int fd = 3; fd < max; fd++) {
		int fl = fcntl(fd, F_GETFD);
		if (fl >= 0 && !(fl & FD_CLOEXEC))
			(void)fcntl(fd, F_SETFD, fl | FD_CLOEXEC);
	}
	return 0;
}

/* execve() along the sandbox's PATH, like execvp() but without consulting
 * the supervisor's environment.  Returns the most telling errno. */
static int exec_search(const char *file, char *const *argv,
		       char *const *envp, const char *path)
{
	if (strchr(file, '/')) {
		execve(file, argv, envp);
		return errno;
	}
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	char buf[4096];
	int best = ENOENT;
	size_t flen = strlen(file);
	for (const char *p = path; *p;) {
		const char *colon = strchr(p, ':');
		size_t dlen = colon ? (size_t)(colon - p) : strlen(p);
		if (dlen > 0 && dlen + 1 + flen + 1 <= sizeof(buf)) {
			memcpy(buf, p, dlen);
			buf[dlen] = '/';
			memcpy(buf + dlen + 1, file, flen + 1);
			execve(buf, argv, envp);
			if (errno != ENOENT && errno != ENOTDIR)
				best = errno;
		}
		if (!colon)
			break;
		p = colon + 1;
	}
	return best;
}

static __attribute__((noreturn)) void
child_run(const struct bh_child_plan *pl, int efd, pid_t parent,
	  bool in_v2)
{
	/* Into the session's cgroup before anything can fork (the v2 one
	 * already, when it was created there). */
	if (pl->cgroup) {
		int cr = in_v2 ? bh_cgroup_add_v1(pl->cgroup, 0)
			       : bh_cgroup_add(pl->cgroup, 0);
		if (cr)
			child_fail(efd, BH_STAGE_CGROUP, -cr);
	}
	/* Die with the supervisor; if it is already gone, stop here. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0)
		child_fail(efd, BH_STAGE_PDEATHSIG, errno);
	if (getppid() != parent)
		child_fail(efd, BH_STAGE_PDEATHSIG, ESRCH);

	/* Default dispositions first, then unblock: no handler of the
	 * supervisor's may run in the child. */
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			signal(s, SIG_DFL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	if (setsid() < 0)
		child_fail(efd, BH_STAGE_SETSID, errno);
	if (pl->pty) {
		int tr = bh_pty_child_setup(pl->pty);
		if (tr)
			child_fail(efd, BH_STAGE_TTY, -tr);
	}
	if (pl->pre_exec) {
		struct bh_spawn_failure pf = {.stage = BH_STAGE_NONE,
					      .detail = -1};
		if (pl->pre_exec(pl->pre_exec_arg, &pf) != 0)
			child_fail_at(efd, pf.stage, pf.err, pf.detail);
	}
	if (pl->cwd && chdir(pl->cwd) != 0)
		child_fail(efd, BH_STAGE_CHDIR, errno);
	for (size_t i = 0; i < pl->n_rlimits; i++)
		if (setrlimit(pl->rlimits[i].resource, &pl->rlimits[i].lim) != 0)
			child_fail(efd, BH_STAGE_RLIMIT, errno);

	bool privileged = geteuid() == 0;
	if (pl->set_ids) {
		if (setgroups(0, NULL) != 0)
			child_fail(efd, BH_STAGE_SETGROUPS, errno);
		if (setresgid(pl->gid, pl->gid, pl->gid) != 0)
			child_fail(efd, BH_STAGE_SETGID, errno);
		/* The bounding set needs CAP_SETPCAP: clear it before the
		 * uid switch takes our capabilities away. */
		for (int c = 0; c <= pl->cap_last; c++)
			if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) != 0 &&
			    errno != EINVAL)
				child_fail(efd, BH_STAGE_CAPS, errno);
		privileged = false;
		if (setresuid(pl->uid, pl->uid, pl->uid) != 0)
			child_fail(efd, BH_STAGE_SETUID, errno);
	}
	int r = pl->keep_caps ? 0
			      : drop_caps(pl->cap_last,
					  privileged || pl->clear_bounding);
	if (r)
		child_fail(efd, BH_STAGE_CAPS, -r);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		child_fail(efd, BH_STAGE_NO_NEW_PRIVS, errno);
	r = bh_landlock_restrict(pl->landlock);
	if (r)
		child_fail(efd, BH_STAGE_LANDLOCK, -r);
	if (pl->seccomp) {
		r = bh_seccomp_install(pl->seccomp);
		if (r)
			child_fail(efd, BH_STAGE_SECCOMP, -r);
	}
	if (cloexec_all() != 0)
		child_fail(efd, BH_STAGE_CLOSE_FDS, errno);

	int e = exec_search(pl->argv[0], pl->argv, pl->envp, pl->search_path);
	child_fail(efd, e == ENOENT ? BH_STAGE_EXEC_NOT_FOUND : BH_STAGE_EXEC,
		   e);
}

struct child_args {
	const struct bh_child_plan *plan;
	int efd;
	int close_fd;
	pid_t parent;
	bool in_v2; /* created in the session's v2 cgroup */
};

static int child_entry(void *arg)
{
	const struct child_args *a = arg;
	if (a->close_fd >= 0)
		close(a->close_fd);
	child_run(a->plan, a->efd, a->parent, a->in_v2);
}

/*
 * A fork (clone3 with `flags`) whose child starts in the v2 cgroup cgfd.
 * The pid, 0 in the child, -errno on a failure the caller must report
 * (EAGAIN or ENOMEM from the cgroup's own limits: a retry outside it would
 * dodge them), or -ENOSYS when clone3 cannot do it here (no clone3, a
 * seccomp filter refusing it, a cgroup that cannot take a process
 * directly): then the caller forks its usual way and joins afterwards.
 */
static pid_t clone3_into(int cgfd, unsigned long flags)
{
	static bool unavailable; /* remembered: no failed call each time */
	if (cgfd < 0 || unavailable)
		return -ENOSYS;
	struct clone_args ca = {
	    .flags = flags | CLONE_INTO_CGROUP,
	    .exit_signal = SIGCHLD,
	    .cgroup = (unsigned long long)cgfd,
	};
	long pid = syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid >= 0)
		return (pid_t)pid;
	switch (errno) {
	case ENOSYS:
	case E2BIG:
	case EPERM:
		unavailable = true;
		return -ENOSYS;
	case EINVAL:
	case EBUSY:
	case EOPNOTSUPP:
		return -ENOSYS;
	default:
		return -errno;
	}
}

pid_t bh_clone_into(const struct bh_cgroup *cg, unsigned long flags,
		    bool *in_v2)
{
	pid_t pid = clone3_into(bh_cgroup_fd(cg), flags);
	*in_v2 = pid >= 0;
	if (pid != -ENOSYS)
		return pid;
	long p = syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, 0);
	return p < 0 ? -errno : (pid_t)p;
}

/*
 * Starts the child.  When the session has a v2 cgroup, the child is
 * created in it (clone3 CLONE_INTO_CGROUP): joining it after the fork
 * takes the cgroup core's write lock, whose first taker waits for an RCU
 * grace period (5-15 ms here).  That child is a copy of our memory, not a
 * vfork: clone3() gives no way to run a function on a stack of its own.
 * Otherwise it shares our memory until it execs (CLONE_VM | CLONE_VFORK,
 * what posix_spawn does): no page tables to copy, which is most of a
 * fork's cost for a supervisor with a heap.  Either is safe because the
 * child only makes system calls and writes its own stack, and we wait
 * until it has exec'd or exited.
 */
static pid_t spawn_child(struct child_args *a)
{
	pid_t pid = clone3_into(bh_cgroup_fd(a->plan->cgroup), 0);
	if (pid != -ENOSYS) {
		a->in_v2 = pid >= 0;
		if (pid == 0)
			child_entry(a);
		return pid;
	}
	size_t sz = 256 * 1024;
	char *stack = mmap(NULL, sz, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		return -errno;
	pid = clone(child_entry, stack + sz, CLONE_VM | CLONE_VFORK | SIGCHLD,
		    (void *)a);
	int e = errno;
	munmap(stack, sz);
	return pid < 0 ? -e : pid;
}

pid_t bh_spawn_async(const struct bh_child_plan *plan, int efd)
{
	struct child_args a = {
		.plan = plan, .efd = efd, .close_fd = -1, .parent = getpid()};
	return spawn_child(&a);
}

int bh_spawn(const struct bh_child_plan *plan, pid_t *pid,
	     struct bh_spawn_failure *fail, struct bh_error **err)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0)
		return bh_error_sys(err, errno, "creating the status pipe");
	struct child_args a = {
		.plan = plan, .efd = p[1], .close_fd = p[0], .parent = getpid()};
	pid_t child = spawn_child(&a);
	if (child < 0) {
		close(p[0]);
		close(p[1]);
		return bh_error_sys(err, -child, "starting the command");
	}
	close(p[1]);
	struct bh_spawn_failure f = {0};
	ssize_t n;
	do {
		n = read(p[0], &f, sizeof(f));
	} while (n < 0 && errno == EINTR);
	close(p[0]);
	*pid = child;
	if (n == (ssize_t)sizeof(f)) {
		*fail = f;
		return -f.err;
	}
	return 0;
}

/* Direct children of this process, from /proc/self/task/ * /children
 * (CONFIG_PROC_CHILDREN) or, failing that, a scan of /proc. */
static size_t list_children(pid_t *out, size_t max)
{
	size_t n = 0;
	pid_t self = getpid();
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", self, self);
	FILE *f = fopen(path, "re");
	if (f) {
		long v;
		while (n < max && fscanf(f, "%ld", &v) == 1)
			out[n++] = (pid_t)v;
		fclose(f);
		return n;
	}
	DIR *d = opendir("/proc");
	if (!d)
		return 0;
	struct dirent *de;
	while (n < max && (de = readdir(d)) != NULL) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		char sp[300], buf[512];
		snprintf(sp, sizeof(sp), "/proc/%s/stat", de->d_name);
		int fd = open(sp, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t k = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (k <= 0)
			continue;
		buf[k] = '\0';
		char *rp = strrchr(buf, ')');
		int ppid;
		char state;
		if (rp && sscanf(rp + 1, " %c %d", &state, &ppid) == 2 &&
		    ppid == self)
			out[n++] = (pid_t)atoi(de->d_name);
	}
	closedir(d);
	return n;
}

unsigned bh_kill_descendants(void)
{
	unsigned killed = 0;
	pid_t kids[1024];
	/* Kill and reap until nothing is left: killing a process hands its
	 * children to us (we are a subreaper), so each round goes one level
	 * deeper, and a killed process can no longer fork. */
	for (int round = 0; round < 100000; round++) {
		int st;
		pid_t w;
		while ((w = waitpid(-1, &st, WNOHANG)) > 0)
			;
		if (w < 0 && errno == ECHILD)
			break;
		size_t n = list_children(kids, BH_ARRAY_SIZE(kids));
		for (size_t i = 0; i < n; i++)
			if (kill(kids[i], SIGKILL) == 0)
				killed++;
		if (n)
			(void)waitpid(-1, &st, 0);
		else
			usleep(1000);
	}
	return killed;
}

int bh_cap_last(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	int v = 63;
	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = 63;
		fclose(f);
	}
	return v;
}
