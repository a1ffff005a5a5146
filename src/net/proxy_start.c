/* SPDX-License-Identifier: MIT */
/*
 * Starting the proxy as its own confined process (issue 4 item 1).
 *
 * The proxy parses hostile bytes from the sandbox all day, so it runs with
 * as little as the loop needs: it dies with its parent, keeps only its
 * listening sockets, the log descriptor and stderr, gives up root (uid and
 * gid 65534) once its sockets are bound, and then confines itself with
 * no_new_privs, Landlock handling every filesystem right with no rule (no
 * file can be opened, ABI >= 1) and a seccomp allowlist that has no open,
 * exec, ptrace, or socket family other than IPv4/IPv6.  The resolver reads
 * /etc/resolv.conf before all that, in bh_proxy_new().
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <grp.h>
#include <linux/securebits.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "confine/compat.h"
#include "confine/landlock.h"
#include "core/util.h"
#include "net/proxy_internal.h"

#define NOBODY 65534

/* True when this process is in the initial user namespace, where uid 0 is
 * the real root. */
static bool initial_userns(void)
{
	char buf[128] = "";
	int fd = open("/proc/self/uid_map", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return true; /* assume the worse case: must drop */
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return true;
	buf[n] = '\0';
	unsigned long a, b, c;
	return sscanf(buf, "%lu %lu %lu", &a, &b, &c) == 3 && a == 0 &&
	       b == 0 && c == 4294967295ul;
}

static int drop_root(struct bh_error **err)
{
	if (geteuid() != 0)
		return 0;
	if (!initial_userns()) {
		/* uid 0 of a user namespace (a test's `unshare -r`) is an
		 * unprivileged host user already; 65534 may not even be
		 * mapped.  Drop when we can, never fail for it. */
		if (setresgid(NOBODY, NOBODY, NOBODY) == 0 &&
		    setresuid(NOBODY, NOBODY, NOBODY) < 0)
			return 0; /* keeps the mapped uid: unprivileged */
		return 0;
	}
	if (setgroups(0, NULL) < 0)
		return bh_error_sys(err, errno, "setgroups");
	if (setresgid(NOBODY, NOBODY, NOBODY) < 0)
		return bh_error_sys(err, errno, "setresgid");
	if (setresuid(NOBODY, NOBODY, NOBODY) < 0)
		return bh_error_sys(err, errno, "setresuid");
	if (setuid(0) == 0) /* must be impossible now */
		return bh_error_set(err, BH_EK_SYSTEM, EPERM,
				    "could not give up root");
	return 0;
}

static int landlock_no_fs(struct bh_error **err)
{
	int abi = bh_landlock_abi();
	if (abi < 1)
		return 0; /* seccomp alone already refuses every open */
	struct bh_ll_ruleset_attr attr = {
		.handled_access_fs = (BH_LL_FS_MAKE_SYM << 1) - 1,
	};
	size_t sz = sizeof(uint64_t);
	if (abi >= 2)
		attr.handled_access_fs |= BH_LL_FS_REFER;
	if (abi >= 3)
		attr.handled_access_fs |= BH_LL_FS_TRUNCATE;
	if (abi >= 5)
		attr.handled_access_fs |= BH_LL_FS_IOCTL_DEV;
	if (abi >= 6) {
		/* No signals to, and no abstract sockets of, other domains. */
		attr.scoped = BH_LL_SCOPE_ABSTRACT_UNIX_SOCKET |
			      BH_LL_SCOPE_SIGNAL;
		sz = sizeof(attr);
	}
	int fd = (int)syscall(__NR_landlock_create_ruleset, &attr, sz, 0);
	if (fd < 0)
		return bh_error_sys(err, errno, "landlock_create_ruleset");
	long r = syscall(__NR_landlock_restrict_self, fd, 0);
	int e = errno;
	close(fd);
	if (r < 0)
		return bh_error_sys(err, e, "landlock_restrict_self");
	return 0;
}

/* What the loop, glibc, jansson and c-ares call once running. */
static const int allowed_syscalls[] = {
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev),
	SCMP_SYS(close), SCMP_SYS(epoll_wait), SCMP_SYS(epoll_pwait),
	SCMP_SYS(epoll_ctl), SCMP_SYS(accept4), SCMP_SYS(connect),
	SCMP_SYS(shutdown), SCMP_SYS(sendto), SCMP_SYS(recvfrom),
	SCMP_SYS(sendmsg), SCMP_SYS(recvmsg), SCMP_SYS(getsockopt),
	SCMP_SYS(setsockopt), SCMP_SYS(getsockname), SCMP_SYS(getpeername),
	SCMP_SYS(bind), SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday),
	SCMP_SYS(brk), SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap),
	SCMP_SYS(madvise), SCMP_SYS(futex), SCMP_SYS(getrandom),
	SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask), SCMP_SYS(exit),
	SCMP_SYS(exit_group), SCMP_SYS(getpid), SCMP_SYS(gettid),
	SCMP_SYS(getppid), SCMP_SYS(fstat), SCMP_SYS(newfstatat),
	SCMP_SYS(lseek), SCMP_SYS(poll), SCMP_SYS(ppoll),
	SCMP_SYS(restart_syscall), SCMP_SYS(sched_yield), SCMP_SYS(fcntl),
	/* the relay: a pipe per direction (F_SETPIPE_SZ is fcntl) */
	SCMP_SYS(pipe2), SCMP_SYS(splice),
};

static int seccomp_proxy(struct bh_error **err)
{
	/* Kill: anything else means the proxy is not doing its job, and a
	 * dead proxy is closed egress, never open egress. */
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (!ctx)
		return bh_error_set(err, BH_EK_SYSTEM, ENOMEM, "seccomp_init");
	int r = 0;
	for (size_t i = 0; !r && i < BH_ARRAY_SIZE(allowed_syscalls); i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed_syscalls[i],
				     0);
	/* IPv4/IPv6 only: TCP to origins, UDP/TCP to the DNS server. */
	if (!r)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
				     SCMP_A0(SCMP_CMP_EQ, AF_INET));
	if (!r)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
				     SCMP_A0(SCMP_CMP_EQ, AF_INET6));
	/* c-ares asks how much a UDP socket holds; nothing else. */
	if (!r)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
				     SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu,
					     FIONREAD));
	if (!r)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
				     SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu,
					     FIONBIO));
	if (!r)
		r = seccomp_load(ctx);
	seccomp_release(ctx);
	if (r)
		return bh_error_sys(err, -r, "loading the proxy's seccomp "
					     "filter");
	return 0;
}

int bh_proxy_confine(struct bh_error **err)
{
	int r = drop_root(err);
	if (r)
		return r;
	/* Changing credentials cleared the parent-death signal: set it
	 * again, or a proxy whose supervisor was killed would stay up. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		return bh_error_sys(err, errno, "PR_SET_PDEATHSIG");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return bh_error_sys(err, errno, "no_new_privs");
	r = landlock_no_fs(err);
	if (r)
		return r;
	return seccomp_proxy(err);
}

static bool keep_fd(const struct bh_proxy_opts *o, int fd)
{
	if (fd == 2 || fd == o->log_fd)
		return true;
	for (size_t i = 0; i < o->n_listen; i++)
		if (o->listen_fds[i] == fd)
			return true;
	return false;
}

/* Closes every descriptor but the ones the proxy keeps. */
static void close_others(const struct bh_proxy_opts *o)
{
	int max = 2;
	if (o->log_fd > max)
		max = o->log_fd;
	for (size_t i = 0; i < o->n_listen; i++)
		if (o->listen_fds[i] > max)
			max = o->listen_fds[i];
	for (int fd = 0; fd <= max; fd++)
		if (!keep_fd(o, fd))
			close(fd);
	syscall(__NR_close_range, (unsigned)max + 1, ~0U, 0);
}

pid_t bh_proxy_start(const struct bh_proxy_opts *o, struct bh_error **err)
{
	pid_t parent = getpid();
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return bh_error_sys(err, errno, "fork");
	if (pid > 0) {
		/* The listening sockets are the proxy's now. */
		for (size_t i = 0; i < o->n_listen; i++)
			close(o->listen_fds[i]);
		return pid;
	}
	struct bh_error *e = NULL;
	struct bh_proxy *px = NULL;
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(1);
	/* Named, so ps and tests can tell it from the supervisor. */
	(void)prctl(PR_SET_NAME, "bulkhead-proxy", 0, 0, 0);
	close_others(o);
	int r = bh_proxy_new(o, &px, &e);
	if (!r)
		r = bh_proxy_confine(&e);
	if (!r && getppid() != parent)
		_exit(1); /* the parent died before the signal was re-armed */
	if (!r)
		r = bh_proxy_loop(px, &e);
	if (r) {
		fprintf(stderr, "bulkhead proxy: %s\n", e ? e->msg : "failed");
		_exit(125);
	}
	bh_proxy_free(px);
	_exit(0);
}
