/* SPDX-License-Identifier: MIT */
/*
 * sysprobe: tries operations a sandbox should refuse (and a few it must
 * allow) with raw system calls, and prints what happened, one line each:
 *
 *     NAME ok               the call succeeded
 *     NAME errno=ENAME      it failed with that errno (EPERM, EACCES, ...)
 *     NAME killed=SIGNAME   the process making it was killed (SIGSYS)
 *     NAME exited=N         the probe itself failed (never expected)
 *
 * Usage: `sysprobe NAME...`; `sysprobe --list` prints every NAME.  Each
 * probe runs in a forked child of its own, so a kill, a new namespace or a
 * changed personality never touches the next one; the lines come in the
 * order of the arguments.  Exit status: 0 once every probe ran, 2 for an
 * unknown NAME or a bad command line (then nothing runs).
 *
 * What bulkhead's default filter answers is in docs/seccomp.md.  Probes are
 * shaped so that the kernel, without a filter, answers something else
 * wherever it can: success, or EBADF/EINVAL/ENOENT from an argument the
 * kernel checks before any permission (fd -1, an impossible flag, a path
 * that does not exist).  Where the kernel checks a capability first
 * (kexec_*, *module, pivot_root, fsopen, fsmount, fspick, move_mount, acct,
 * swap*, reboot, syslog with dmesg_restrict, vhangup, settimeofday,
 * open_by_handle_at, clone_new* but newuser, socket_raw, socket_packet),
 * an unprivileged run gets EPERM from the kernel itself; sockets refused
 * by bulkhead get EACCES, which keeps those apart.
 *
 * Nothing leaves the machine: socket probes create sockets and close them;
 * send and setsockopt probes use fd -1 (the filter looks only at flags).
 * Nothing persists: keys go to the child's own process keyring, mounts and
 * modules name paths that do not exist, and reboot uses a wrong magic.
 *
 * Freestanding on purpose (no bulkhead headers): the unit tests include
 * this file with SYSPROBE_NO_MAIN to run the same probes in a filtered
 * child.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <linux/kcmp.h>
#include <linux/keyctl.h>
#include <linux/perf_event.h>
#include <linux/userfaultfd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/quota.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timex.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Calls some architectures do not have: syscall(-1) answers ENOSYS. */
#ifndef SYS_iopl
#define SYS_iopl -1
#endif
#ifndef SYS_ioperm
#define SYS_ioperm -1
#endif
#ifndef SYS_modify_ldt
#define SYS_modify_ldt -1
#endif
#ifndef SYS_uselib
#define SYS_uselib -1
#endif
#ifndef SYS_ustat
#define SYS_ustat -1
#endif
#ifndef SYS_sysfs
#define SYS_sysfs -1
#endif
#ifndef SYS__sysctl
#define SYS__sysctl -1
#endif
#ifndef SYS_nfsservctl
#define SYS_nfsservctl -1
#endif
#ifndef SYS_lookup_dcookie
#define SYS_lookup_dcookie -1
#endif
#define SYSPROBE_NR_OPEN_TREE_ATTR 467 /* Linux 6.15, same on x86_64/arm64 */

#define HIGH_BIT (1UL << 32)
/* QCMD(Q_SYNC, USRQUOTA), without the macro's signed overflow. */
#define QCMD_SYNC_USR ((0x800001U << 8) | USRQUOTA)
#define NOPATH "/nonexistent/bulkhead-sysprobe"

#define UNUSED __attribute__((unused))

/* A probe: fn returns 0 or the errno of the call; a, b, c are arguments
 * for the probes that share one function. */
struct sysprobe {
	const char *name;
	int (*fn)(const struct sysprobe *p);
	unsigned long a, b, c;
};

/* 0, or the errno of a failed call. */
static int res(long r)
{
	return r < 0 ? errno : 0;
}

/* socket(a, b, c) */
static int sock(const struct sysprobe *p)
{
	long fd = syscall(SYS_socket, p->a, p->b, p->c);
	if (fd < 0)
		return errno;
	close((int)fd);
	return 0;
}

/* clone(a | SIGCHLD), the raw call (glibc's wrapper wants a stack). */
static int clone_flags(const struct sysprobe *p)
{
	long pid = syscall(SYS_clone, p->a | SIGCHLD, 0UL, 0UL, 0UL, 0UL);
	if (pid < 0)
		return errno;
	if (pid == 0)
		_exit(0);
	waitpid((pid_t)pid, NULL, 0);
	return 0;
}

/*
 * ioctl on a pseudo-terminal that is this process's controlling terminal
 * (TIOCSTI needs that, or CAP_SYS_ADMIN).  When no pty can be made here
 * (no /dev/pts in the sandbox), fd -1: the filter judges the request
 * number alone, and the kernel answers EBADF.
 */
static int tty_ioctl(unsigned long cmd, void *arg)
{
	int fd = -1;
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m >= 0 && setsid() >= 0 && grantpt(m) == 0 && unlockpt(m) == 0) {
		const char *name = ptsname(m);
		if (name)
			fd = open(name, O_RDWR);
	}
	return res(syscall(SYS_ioctl, fd, cmd, arg));
}

static int p_getpid(UNUSED const struct sysprobe *p)
{
	return res(syscall(SYS_getpid));
}

static int p_uname(UNUSED const struct sysprobe *p)
{
	char buf[6 * 65];
	return res(syscall(SYS_uname, buf));
}

static int p_io_uring_setup(UNUSED const struct sysprobe *p)
{
	struct io_uring_params params;
	memset(&params, 0, sizeof(params));
	return res(syscall(SYS_io_uring_setup, 1, &params));
}

static int p_io_uring_enter(UNUSED const struct sysprobe *p)
{
	return res(syscall(SYS_io_uring_enter, -1, 0, 0, 0, NULL, 0));
}

static int p_io_uring_register(UNUSED const struct sysprobe *p)
{
	return res(syscall(SYS_io_uring_register, -1, 0, NULL, 0));
}

static int p_bpf(UNUSED const struct sysprobe *p)
{
	char attr[128];
	memset(attr, 0, sizeof(attr));
	return res(syscall(SYS_bpf, 10000, attr, sizeof(attr)));
}

static int p_perf_event_open(UNUSED const struct sysprobe *p)
{
	struct perf_event_attr a;
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = PERF_TYPE_SOFTWARE;
	a.config = PERF_COUNT_SW_DUMMY;
	a.exclude_kernel = 1;
	a.exclude_hv = 1;
	return res(syscall(SYS_perf_event_open, &a, 0, -1, -1, 0));
}

static int p_userfaultfd(UNUSED const struct sysprobe *p)
{
	return res(syscall(SYS_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY));
}

static int p_add_key(UNUSED const struct sysprobe *p)
{
	return res(syscall(SYS_add_key, "user", "bulkhead-sysprobe", "x", 1,
			   KEY_SPEC_PROCESS_KEYRING));
}

static int p_request_key(UNUSED const struct sysprobe *p)
{
	return res(syscall(SYS_request_key, "user", "bulkhead-sysprobe-absent",
			   NULL, KEY_SPEC_PROCESS_KEYRING));
}

static int p_keyctl(UNUSED const struct sysprobe *p)
{
	return res(syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID,
			   KEY_SPEC_PROCESS_KEYRING, 1));
}

static int p_ptrace_traceme(UNUSED const struct sysprobe *p)
{
	return res(syscall(SYS_ptrace, 0 /* PTRACE_TRACEME */, 0, 0, 0));
}

/* Attaches to a child of ours that only waits to be killed. */
static int p_ptrace_attach(UNUSED const struct sysprobe *p)
{
	pid_t pid = fork();
	if (pid < 0)
		return errno;
	if (pid == 0) {
		for (;;)
			pause();
	}
	int e = res(syscall(SYS_ptrace, 16 /* PTRACE_ATTACH */, pid, 0, 0));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return e;
}

/* process_vm_readv or _writev (a) on our own memory. */
static int vm_rw(const struct sysprobe *p)
{
	long nr = (long)p->a;
	char src[8] = "sysprob", dst[8];
	struct iovec local = {dst, sizeof(dst)}, remote = {src, sizeof(src)};
	if (nr == SYS_process_vm_writev) {
		local.iov_base = src;
		remote.iov_base = dst;
	}
	return res(syscall(nr, getpid(), &local, 1, &remote, 1, 0));
}

static int p_kcmp(UNUSED const struct sysprobe *p)
{
	return res(syscall(SYS_kcmp, getpid(), getpid(), KCMP_VM, 0, 0));
}

static int p_pidfd_getfd(UNUSED const struct sysprobe *p)
{
	long pidfd = syscall(SYS_pidfd_open, getpid(), 0);
	if (pidfd < 0)
		return errno;
	return res(syscall(SYS_pidfd_getfd, pidfd, pidfd, 0));
}

static int p_process_madvise(UNUSED const struct sysprobe *p)
{
	long pidfd = syscall(SYS_pidfd_open, getpid(), 0);
	if (pidfd < 0)
		return errno;
	void *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED)
		return errno;
	struct iovec iov = {page, 4096};
	return res(syscall(SYS_process_madvise, pidfd, &iov, 1,
			   20 /* MADV_COLD */, 0));
}

static int p_move_pages(UNUSED const struct sysprobe *p)
{
	return res(syscall(SYS_move_pages, 0, 0UL, NULL, NULL, NULL, 0));
}

static int p_migrate_pages(UNUSED const struct sysprobe *p)
{
	unsigned long nodes = 1;
	return res(syscall(SYS_migrate_pages, 0, 2UL, &nodes, &nodes));
}

static int p_kexec_load(UNUSED const struct sysprobe *p)
{
	/* A foreign architecture in the flags: EINVAL after the
	 * capability check. */
	return res(syscall(SYS_kexec_load, 0UL, 0UL, NULL, 0xbeef0000UL));
}

static int p_kexec_file_load(UNUSED const struct sysprobe *p)
{
	return res(syscall(SYS_kexec_file_load, -1, -1, 0UL, "", 0xffffUL));
}

static int p_init_module(UNUSED const struct sysprobe *p)
{
	return res(syscall(SYS_init_module, NULL, 0UL, ""));
}

static int p_finit_module(UNUSED const struct sysprobe *p)
{
	return res(syscall(SYS_finit_module, -1, "", 0));
}

static int p_delete_module(UNUSED const struct sysprobe *p)
{
	return res(
	    syscall(SYS_delete_module, "bulkhead_sysprobe_absent", O_NONBLOCK));
}

static int p_mount(UNUSED const struct sysprobe *p)
{
	return res(syscall(SYS_mount, "none", NOPATH, "tmpfs", 0UL, NULL));
}

static int p_umount2(UNUSED const struct sysprobe *p)
{
	return res(syscall(SYS_umount2, NOPATH, 0x80000000U));
}

static int p_pivot_root(UNUSED const struct sysprobe *p)
{
	return res(syscall(SYS_pivot_root, NOPATH, NOPATH));
}

static int p_chroot(UNUSED const struct sysprobe *p)
{
	return res(syscall(SYS_chroot, NOPATH));
}

static int p_open_tree(UNUSED const struct sysprobe *p)
{
	return res(syscall(SYS_open_tree, AT_FDCWD, "/", O_CLOEXEC));
}

static int p_open_tree_attr(UNUSED const struct sysprobe *p)
{
	return res(syscall(SYSPROBE_NR_OPEN_TREE_ATTR, AT_FDCWD, "/", O_CLOEXEC,
			   NULL, 0UL));
}

static int p_fsopen(UNUSED const struct sysprobe *p)
{
	return res(syscall(SYS_fsopen, "tmpfs", 0x80000000U));
}

static int p_fsconfig(UNUSED const struct sysprobe *p)
{
	return res(
	    syscall(SYS_fsconfig, -1, 6 /* CMD_CREATE */, NULL, NULL, 0));
}

static int p_fsmount(UNUSED const struct sysprobe *p)
{
	return res(syscall(SYS_fsmount, -1, 0, 0));
}

static int p_fspick(UNUSED const struct sysprobe *p)
{
	return res(syscall(SYS_fspick, AT_FDCWD, NOPATH, 0));
}

static int p_move_mount(UNUSED const struct sysprobe *p)
{
	return res(syscall(SYS_move_mount, -1, "", -1, "", 0));
}

static int p_mount_setattr(UNUSED const struct sysprobe *p)
{
	return res(
	    syscall(SYS_mount_setattr, AT_FDCWD, "/", 0x80000000U, NULL, 0UL));
}

static int p_unshare_user(UNUSED const struct sysprobe *p)
{
	return res(syscall(SYS_unshare, CLONE_NEWUSER));
}

static int p_unshare_net(UNUSED const struct sysprobe *p)
{
	unsigned long f = CLONE_NEWNET | (geteuid() ? CLONE_NEWUSER : 0);
	return res(syscall(SYS_unshare, f));
}

static int p_setns(UNUSED const struct sysprobe *p)
{
	return res(syscall(SYS_setns, -1, 0));
}

static int p_clone3(UNUSED const struct sysprobe *p)
{
	/* struct clone_args, version 0 */
	uint64_t args[8] = {0, 0, 0, 0, SIGCHLD, 0, 0, 0};
	long pid = syscall(SYS_clone3, args, sizeof(args));
	if (pid < 0)
		return errno;
	if (pid == 0)
		_exit(0);
	waitpid((pid_t)pid, NULL, 0);
	return 0;
}

/* struct file_handle with room for any handle. */
struct probe_handle {
	unsigned int bytes;
	int type;
	unsigned char h[128];
};

static int p_open_by_handle_at(UNUSED const struct sysprobe *p)
{
	struct probe_handle fh = {8, 1, {0}};
	return res(syscall(SYS_open_by_handle_at, AT_FDCWD, &fh, O_RDONLY));
}

static int p_name_to_handle_at(UNUSED const struct sysprobe *p)
{
	struct probe_handle fh = {sizeof(fh.h), 0, {0}};
	int mount_id;
	return res(
	    syscall(SYS_name_to_handle_at, AT_FDCWD, "/", &fh, &mount_id, 0));
}

/* personality(a), passed as a full register. */
static int persona(const struct sysprobe *p)
{
	return res(syscall(SYS_personality, p->a));
}

/* ioctl(tty, a, &b): the request, and the first byte of the argument. */
static int tty(const struct sysprobe *p)
{
	union {
		int i;
		char c;
	} arg = {0};
	arg.c = (char)p->b;
	return tty_ioctl(p->a, &arg);
}

static int p_acct(UNUSED const struct sysprobe *p)
{
	return res(syscall(SYS_acct, NOPATH));
}

static int p_swapon(UNUSED const struct sysprobe *p)
{
	return res(syscall(SYS_swapon, NOPATH, 0));
}

static int p_swapoff(UNUSED const struct sysprobe *p)
{
	return res(syscall(SYS_swapoff, NOPATH));
}

static int p_reboot(UNUSED const struct sysprobe *p)
{
	return res(syscall(SYS_reboot, 0, 0, 0, NULL)); /* wrong magic */
}

static int p_syslog(UNUSED const struct sysprobe *p)
{
	return res(syscall(SYS_syslog, 10 /* SIZE_BUFFER */, NULL, 0));
}

static int p_quotactl(UNUSED const struct sysprobe *p)
{
	return res(syscall(SYS_quotactl, QCMD_SYNC_USR, NULL, 0, NULL));
}

static int p_quotactl_fd(UNUSED const struct sysprobe *p)
{
	return res(syscall(SYS_quotactl_fd, -1, QCMD_SYNC_USR, 0, NULL));
}

/* Without a controlling terminal (setsid), nothing is hung up. */
static int p_vhangup(UNUSED const struct sysprobe *p)
{
	setsid();
	return res(syscall(SYS_vhangup));
}

static int p_fanotify_init(UNUSED const struct sysprobe *p)
{
	return res(syscall(SYS_fanotify_init, FAN_CLASS_NOTIF | FAN_REPORT_FID,
			   O_RDONLY));
}

static int p_settimeofday(UNUSED const struct sysprobe *p)
{
	return res(syscall(SYS_settimeofday, NULL, NULL)); /* sets nothing */
}

static int p_clock_settime(UNUSED const struct sysprobe *p)
{
	struct timespec ts = {0, 0};
	return res(syscall(SYS_clock_settime, CLOCK_MONOTONIC, &ts));
}

static int p_clock_adjtime(UNUSED const struct sysprobe *p)
{
	struct timex tx;
	memset(&tx, 0, sizeof(tx)); /* modes 0: read only */
	return res(syscall(SYS_clock_adjtime, CLOCK_REALTIME, &tx));
}

static int p_adjtimex(UNUSED const struct sysprobe *p)
{
	struct timex tx;
	memset(&tx, 0, sizeof(tx));
	return res(syscall(SYS_adjtimex, &tx));
}

static int p_iopl(UNUSED const struct sysprobe *p)
{
	return res(syscall(SYS_iopl, 0));
}

static int p_ioperm(UNUSED const struct sysprobe *p)
{
	return res(syscall(SYS_ioperm, 0UL, 1UL, 0));
}

static int p_modify_ldt(UNUSED const struct sysprobe *p)
{
	char buf[16];
	return res(syscall(SYS_modify_ldt, 0, buf, sizeof(buf)));
}

static int p_uselib(UNUSED const struct sysprobe *p)
{
	return res(syscall(SYS_uselib, NOPATH));
}

static int p_ustat(UNUSED const struct sysprobe *p)
{
	char buf[64];
	return res(syscall(SYS_ustat, 0U, buf));
}

static int p_sysfs(UNUSED const struct sysprobe *p)
{
	return res(syscall(SYS_sysfs, 3));
}

static int p_sysctl(UNUSED const struct sysprobe *p)
{
	return res(syscall(SYS__sysctl, NULL));
}

static int p_nfsservctl(UNUSED const struct sysprobe *p)
{
	return res(syscall(SYS_nfsservctl, 0, NULL, NULL));
}

static int p_lookup_dcookie(UNUSED const struct sysprobe *p)
{
	return res(syscall(SYS_lookup_dcookie, 0ULL, NULL, 0UL));
}

static int p_remap_file_pages(UNUSED const struct sysprobe *p)
{
	return res(syscall(SYS_remap_file_pages, NULL, 0UL, 0UL, 0UL, 0UL));
}

/* socketpair(a, SOCK_STREAM, 0) */
static int pair(const struct sysprobe *p)
{
	int sv[2];
	if (socketpair((int)p->a, SOCK_STREAM, 0, sv) != 0)
		return errno;
	close(sv[0]);
	close(sv[1]);
	return 0;
}

/* 127.0.0.1:9 (discard); never reached: every send probe uses fd -1. */
static struct sockaddr_in loopback(void)
{
	struct sockaddr_in a;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(9);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

/* sendto(-1, ..., flags a, ...) */
static int send_to(const struct sysprobe *p)
{
	struct sockaddr_in a = loopback();
	return res(syscall(SYS_sendto, -1, "x", 1UL, p->a, &a, sizeof(a)));
}

static int p_sendmsg_fastopen(UNUSED const struct sysprobe *p)
{
	struct sockaddr_in a = loopback();
	struct iovec iov = {"x", 1};
	struct msghdr m = {.msg_name = &a,
			   .msg_namelen = sizeof(a),
			   .msg_iov = &iov,
			   .msg_iovlen = 1};
	return res(syscall(SYS_sendmsg, -1, &m, MSG_FASTOPEN));
}

static int p_sendmmsg_fastopen(UNUSED const struct sysprobe *p)
{
	struct sockaddr_in a = loopback();
	struct iovec iov = {"x", 1};
	struct mmsghdr m = {.msg_hdr = {.msg_name = &a,
					.msg_namelen = sizeof(a),
					.msg_iov = &iov,
					.msg_iovlen = 1}};
	return res(syscall(SYS_sendmmsg, -1, &m, 1, MSG_FASTOPEN));
}

/* setsockopt(-1, a, b, &1) */
static int sockopt(const struct sysprobe *p)
{
	int one = 1;
	return res(syscall(SYS_setsockopt, -1, p->a, p->b, &one, sizeof(one)));
}

static int p_landlock_create_ruleset(UNUSED const struct sysprobe *p)
{
	return res(
	    syscall(SYS_landlock_create_ruleset, NULL, 0, 1 /*VERSION*/));
}

static int p_seccomp(UNUSED const struct sysprobe *p)
{
	unsigned action = 0x7fff0000U; /* SECCOMP_RET_ALLOW */
	return res(syscall(SYS_seccomp, 2 /* GET_ACTION_AVAIL */, 0, &action));
}

static int p_prctl(UNUSED const struct sysprobe *p)
{
	return res(syscall(SYS_prctl, PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
}

static int p_set_mempolicy(UNUSED const struct sysprobe *p)
{
	return res(syscall(SYS_set_mempolicy, 0 /* MPOL_DEFAULT */, NULL, 0UL));
}

/* x32 numbering (nr | 0x40000000) of getpid. */
static int p_x32_getpid(UNUSED const struct sysprobe *p)
{
	return res(syscall(39 | 0x40000000));
}

/* The i386 entry point: eax = 20 is getpid there. */
static int p_int80_getpid(UNUSED const struct sysprobe *p)
{
#if defined(__x86_64__)
	long ret;
	__asm__ __volatile__("int $0x80"
			     : "=a"(ret)
			     : "a"(20L)
			     : "memory", "r8", "r9", "r10", "r11");
	return ret < 0 ? (int)-ret : 0;
#else
	return ENOSYS;
#endif
}

/* clang-format off */
#define P(n) {#n, p_##n, 0, 0, 0}
#define A(n, fn, a, b, c) {#n, fn, (a), (b), (c)}
static const struct sysprobe sysprobes[] = {
	P(getpid),
	P(uname),
	P(io_uring_setup),
	P(io_uring_enter),
	P(io_uring_register),
	P(bpf),
	P(perf_event_open),
	P(userfaultfd),
	P(add_key),
	P(request_key),
	P(keyctl),
	P(ptrace_traceme),
	P(ptrace_attach),
	A(process_vm_readv, vm_rw, SYS_process_vm_readv, 0, 0),
	A(process_vm_writev, vm_rw, SYS_process_vm_writev, 0, 0),
	P(kcmp),
	P(pidfd_getfd),
	P(process_madvise),
	P(move_pages),
	P(migrate_pages),
	P(kexec_load),
	P(kexec_file_load),
	P(init_module),
	P(finit_module),
	P(delete_module),
	P(mount),
	P(umount2),
	P(pivot_root),
	P(chroot),
	P(open_tree),
	P(open_tree_attr),
	P(fsopen),
	P(fsconfig),
	P(fsmount),
	P(fspick),
	P(move_mount),
	P(mount_setattr),
	P(unshare_user),
	P(unshare_net),
	P(setns),
	A(clone_plain, clone_flags, 0, 0, 0),
	A(clone_newns, clone_flags, CLONE_NEWNS, 0, 0),
	A(clone_newuts, clone_flags, CLONE_NEWUTS, 0, 0),
	A(clone_newipc, clone_flags, CLONE_NEWIPC, 0, 0),
	A(clone_newuser, clone_flags, CLONE_NEWUSER, 0, 0),
	A(clone_newpid, clone_flags, CLONE_NEWPID, 0, 0),
	A(clone_newnet, clone_flags, CLONE_NEWNET, 0, 0),
	A(clone_newcgroup, clone_flags, CLONE_NEWCGROUP, 0, 0),
	A(clone_newuser_highbits, clone_flags, CLONE_NEWUSER | HIGH_BIT, 0, 0),
	P(clone3),
	P(open_by_handle_at),
	P(name_to_handle_at),
	A(tiocsti, tty, TIOCSTI, ' ', 0),
	A(tiocsti_highbits, tty, TIOCSTI | HIGH_BIT, ' ', 0),
	A(tioclinux, tty, TIOCLINUX, 12 /* TIOCL_GETFGCONSOLE */, 0),
	A(tioclinux_highbits, tty, TIOCLINUX | HIGH_BIT, 12, 0),
	A(ioctl_fionread, tty, FIONREAD, 0, 0),
	A(personality_0, persona, 0, 0, 0),
	A(personality_query, persona, 0xffffffffUL, 0, 0),
	A(personality_readimpliesexec, persona, READ_IMPLIES_EXEC, 0, 0),
	A(personality_addr_no_randomize, persona, ADDR_NO_RANDOMIZE, 0, 0),
	A(personality_linux32, persona, PER_LINUX32, 0, 0),
	A(personality_highbits, persona, READ_IMPLIES_EXEC | HIGH_BIT, 0, 0),
	P(acct),
	P(swapon),
	P(swapoff),
	P(reboot),
	P(syslog),
	P(quotactl),
	P(quotactl_fd),
	P(vhangup),
	P(fanotify_init),
	P(settimeofday),
	P(clock_settime),
	P(clock_adjtime),
	P(adjtimex),
	P(iopl),
	P(ioperm),
	P(modify_ldt),
	P(uselib),
	P(ustat),
	P(sysfs),
	P(sysctl),
	P(nfsservctl),
	P(lookup_dcookie),
	P(remap_file_pages),
	A(socket_udp, sock, AF_INET, SOCK_DGRAM, 0),
	A(socket_udp_cloexec, sock, AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0),
	A(socket_udp6, sock, AF_INET6, SOCK_DGRAM, 0),
	A(socket_raw, sock, AF_INET, SOCK_RAW, IPPROTO_ICMP),
	A(socket_packet, sock, AF_PACKET, SOCK_RAW, 0),
	A(socket_netlink, sock, AF_NETLINK, SOCK_RAW, 0 /* NETLINK_ROUTE */),
	A(socket_vsock, sock, AF_VSOCK, SOCK_STREAM, 0),
	A(socket_alg, sock, AF_ALG, SOCK_SEQPACKET, 0),
	A(socket_unix, sock, AF_UNIX, SOCK_STREAM, 0),
	A(socket_unix_dgram, sock, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0),
	A(socket_tcp, sock, AF_INET, SOCK_STREAM, 0),
	A(socket_tcp6, sock, AF_INET6, SOCK_STREAM, 0),
	A(socket_tcp_proto, sock, AF_INET, SOCK_STREAM, IPPROTO_TCP),
	A(socket_tcp_cloexec, sock, AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0),
	A(socket_inet_seqpacket, sock, AF_INET, SOCK_SEQPACKET, 0),
	A(socket_mptcp, sock, AF_INET, SOCK_STREAM, IPPROTO_MPTCP),
	A(socket_sctp, sock, AF_INET, SOCK_STREAM, IPPROTO_SCTP),
	A(socket_highbits, sock, AF_NETLINK | HIGH_BIT, SOCK_RAW, 0),
	A(socket_tcp_highbits, sock, AF_INET | HIGH_BIT, SOCK_STREAM, 0),
	A(socket_type_highbits, sock, AF_INET, SOCK_DGRAM | HIGH_BIT, 0),
	A(socket_proto_highbits, sock, AF_INET, SOCK_STREAM, IPPROTO_MPTCP | HIGH_BIT),
	A(socketpair_unix, pair, AF_UNIX, 0, 0),
	A(socketpair_inet, pair, AF_INET, 0, 0),
	A(sendto_plain, send_to, 0, 0, 0),
	A(sendto_fastopen, send_to, MSG_FASTOPEN, 0, 0),
	A(sendto_fastopen_highbits, send_to, MSG_FASTOPEN | HIGH_BIT, 0, 0),
	P(sendmsg_fastopen),
	P(sendmmsg_fastopen),
	A(setsockopt_plain, sockopt, IPPROTO_TCP, TCP_NODELAY, 0),
	A(tcp_fastopen_connect, sockopt, IPPROTO_TCP, TCP_FASTOPEN_CONNECT, 0),
	A(tcp_fastopen_connect_highbits, sockopt, IPPROTO_TCP | HIGH_BIT, TCP_FASTOPEN_CONNECT | HIGH_BIT, 0),
	P(landlock_create_ruleset),
	P(seccomp),
	P(prctl),
	P(set_mempolicy),
	P(x32_getpid),
	P(int80_getpid),
	{NULL, NULL, 0, 0, 0},
};
#undef P
#undef A
/* clang-format on */

static const struct sysprobe *sysprobe_find(const char *name)
{
	for (const struct sysprobe *p = sysprobes; p->name; p++)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

/*
 * Runs one probe in a child and writes its line (without newline) to
 * line.  The child sends its result over a pipe, so an exit for any other
 * reason (a sanitizer report, a crash in libc) cannot pass for an errno;
 * that shows as exited=N.  The child has ten seconds; a probe that hangs
 * shows as killed=SIGALRM.
 */
static void sysprobe_run(const struct sysprobe *p, char *line, size_t len)
{
	int pfd[2];
	if (pipe(pfd) != 0) {
		snprintf(line, len, "%s errno=%s (pipe)", p->name,
			 strerrorname_np(errno));
		return;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(line, len, "%s errno=%s (fork)", p->name,
			 strerrorname_np(errno));
		close(pfd[0]);
		close(pfd[1]);
		return;
	}
	if (pid == 0) {
		close(pfd[0]);
		alarm(10);
		int e = p->fn(p);
		_exit(write(pfd[1], &e, sizeof(e)) == (ssize_t)sizeof(e) ? 0
									 : 1);
	}
	close(pfd[1]);
	int e = -1;
	ssize_t n;
	while ((n = read(pfd[0], &e, sizeof(e))) < 0 && errno == EINTR)
		;
	close(pfd[0]);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	const char *name;
	if (WIFSIGNALED(st)) {
		name = sigabbrev_np(WTERMSIG(st));
		if (name)
			snprintf(line, len, "%s killed=SIG%s", p->name, name);
		else
			snprintf(line, len, "%s killed=%d", p->name,
				 WTERMSIG(st));
	} else if (n != (ssize_t)sizeof(e) || WEXITSTATUS(st) != 0) {
		snprintf(line, len, "%s exited=%d", p->name, WEXITSTATUS(st));
	} else if (e == 0) {
		snprintf(line, len, "%s ok", p->name);
	} else if ((name = strerrorname_np(e))) {
		snprintf(line, len, "%s errno=%s", p->name, name);
	} else {
		snprintf(line, len, "%s errno=%d", p->name, e);
	}
}

#ifndef SYSPROBE_NO_MAIN
int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		for (const struct sysprobe *p = sysprobes; p->name; p++)
			puts(p->name);
		return 0;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: sysprobe NAME... | --list\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		if (!sysprobe_find(argv[i])) {
			fprintf(stderr, "sysprobe: unknown probe '%s'\n",
				argv[i]);
			return 2;
		}
	}
	for (int i = 1; i < argc; i++) {
		char line[160];
		sysprobe_run(sysprobe_find(argv[i]), line, sizeof(line));
		puts(line);
	}
	return 0;
}
#endif
