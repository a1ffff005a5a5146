/* SPDX-License-Identifier: MIT */
/*
 * The default syscall filter as data: what is refused, with which errno, and
 * why.  docs/seccomp.md mirrors this file as a table; change both together.
 *
 * The rule for putting a call here: attackers use it (an exploit primitive,
 * a way around another control, or a reach into something outside the
 * sandbox) and a coding agent's tools (compilers, interpreters, package
 * managers, git, test runners, editors) do not.  Calls that programs probe
 * and handle (personality query, clone3) get an answer they fall back from.
 *
 * Groups are what a profile can name (`@ptrace`) and what the enforcement
 * report lists, one item each.  A name may appear in one group only.
 */
#include "confine/seccomp_table.h"

#include <errno.h>
#include <stddef.h>

/* The tables are laid out by hand. */
/* clang-format off */

/* Every call of NAME gets EPERM. */
#define ALL(name) {(name), SC_ALL, EPERM, 0}
#define END {NULL, SC_ALL, 0, 0}

/*
 * io_uring: a second system call interface.  Operations submitted through
 * the ring (IORING_OP_OPENAT, SOCKET, CONNECT, SEND, RENAMEAT, ...) never
 * pass through this filter, so every argument rule below could be undone
 * with it; the subsystem has also been a steady source of kernel bugs.
 * Build tools and runtimes fall back to ordinary calls when setup fails.
 * (threats.md #59)
 */
static const struct sc_entry io_uring_entries[] = {
	ALL("io_uring_setup"),
	ALL("io_uring_enter"),
	ALL("io_uring_register"),
	END,
};

/*
 * bpf: loads programs into the kernel; the verifier is the usual way to a
 * kernel exploit, and maps leak kernel pointers.  Only tracing and
 * networking tools use it, none of which an agent needs.  (#64)
 */
static const struct sc_entry bpf_entries[] = {
	ALL("bpf"),
	END,
};

/*
 * perf_event_open: hardware counters and kernel sampling are side channels
 * (KASLR, cross-process timing) and a frequent exploit target.  Profilers
 * are the only users.  (#64)
 */
static const struct sc_entry perf_entries[] = {
	ALL("perf_event_open"),
	END,
};

/*
 * userfaultfd: lets a process stall the kernel in the middle of a copy from
 * user memory, which turns narrow kernel races into reliable exploits.
 * Used by live migration (CRIU, QEMU), never by build tools.  (#64)
 */
static const struct sc_entry userfaultfd_entries[] = {
	ALL("userfaultfd"),
	END,
};

/*
 * Keyrings are not namespaced: the session and user keyrings inherited
 * from the caller hold Kerberos tickets, filesystem encryption keys and
 * NFS/CIFS credentials, and add_key in a loop exhausts the quota the real
 * user shares.  Agents' tools keep credentials in files and environment
 * variables, which the other controls govern.  (#63)
 */
static const struct sc_entry keyring_entries[] = {
	ALL("add_key"),
	ALL("request_key"),
	ALL("keyctl"),
	END,
};

/*
 * Reaching into another process: ptrace and process_vm_* read and write
 * the memory of anything else running as this uid (the harness, the
 * user's shell, an ssh-agent); pidfd_getfd copies its file descriptors;
 * kcmp orders kernel objects (a KASLR aid); process_madvise,
 * migrate_pages and move_pages act on another process's memory placement
 * (move_pages leaked memory of other processes, CVE-2017-14140).  Only
 * debuggers and tracers use these: `allow @ptrace` for a profile that
 * needs gdb or strace.  (#30)
 */
static const struct sc_entry ptrace_entries[] = {
	ALL("ptrace"),
	ALL("process_vm_readv"),
	ALL("process_vm_writev"),
	ALL("kcmp"),
	ALL("pidfd_getfd"),
	ALL("process_madvise"),
	ALL("migrate_pages"),
	ALL("move_pages"),
	END,
};

/*
 * Loading or replacing kernel code.  Needs capabilities the sandbox never
 * has; refused anyway so a capability mistake elsewhere is not a kernel
 * compromise.  (#64)
 */
static const struct sc_entry modules_entries[] = {
	ALL("init_module"),
	ALL("finit_module"),
	ALL("delete_module"),
	ALL("kexec_load"),
	ALL("kexec_file_load"),
	END,
};

/*
 * The mount API, old and new.  Inside a user namespace these reach
 * overlayfs and filesystem code as "root"; outside one they need
 * CAP_SYS_ADMIN.  Flatpak shipped a filter that listed mount but not the
 * new calls (CVE-2021-41133), hence every one of them, including
 * open_tree_attr (Linux 6.15), which libseccomp 2.5.4 does not know by
 * name.  chroot is here too: it only needs CAP_SYS_CHROOT and is a
 * classic way out of a chroot-based layout.  (#62)
 */
static const struct sc_entry mount_entries[] = {
	ALL("mount"),
	ALL("umount2"),
	ALL("pivot_root"),
	ALL("chroot"),
	ALL("move_mount"),
	ALL("open_tree"),
	ALL("open_tree_attr"),
	ALL("fsopen"),
	ALL("fsconfig"),
	ALL("fsmount"),
	ALL("fspick"),
	ALL("mount_setattr"),
	END,
};

/*
 * New namespaces.  A new user namespace hands out CAP_NET_ADMIN and
 * CAP_SYS_ADMIN over fresh namespaces, which is how nf_tables, overlayfs
 * and mount bugs become reachable to an unprivileged process
 * (CVE-2024-1086); setns joins one that is visible through /proc.
 * clone() is refused only with a CLONE_NEW* flag (the flags are a register
 * the filter can see); clone3() passes its flags in memory, which seccomp
 * cannot read, so it gets ENOSYS, the answer on which glibc, musl and Go
 * fall back to clone().  EPERM there would break thread creation.  (#37)
 */
static const struct sc_entry ns_entries[] = {
	ALL("unshare"),
	ALL("setns"),
	{"clone", SC_CLONE_NS, EPERM, 0},
	{"clone3", SC_ALL, ENOSYS, 0},
	END,
};

/*
 * File handles: open_by_handle_at opens any inode of a filesystem by
 * number, past every directory permission and every Landlock rule (the
 * "shocker" container escape); name_to_handle_at produces the handles.
 * Only NFS servers and backup tools use them.  (#62)
 */
static const struct sc_entry handle_entries[] = {
	ALL("open_by_handle_at"),
	ALL("name_to_handle_at"),
	END,
};

/*
 * Terminal injection: TIOCSTI pushes bytes into a terminal's input queue,
 * so a sandboxed process sharing the user's terminal types commands into
 * the shell that started it once it exits (CVE-2017-5226 in bubblewrap);
 * TIOCLINUX does the same through the console selection.  The kernel
 * truncates the request number to 32 bits, so the filter compares only
 * the low 32 bits: a 64-bit compare is bypassed by setting a high bit
 * (CVE-2019-10063, flatpak).  (#61)
 */
static const struct sc_entry tty_entries[] = {
	{"ioctl", SC_TTY_INJECT, EPERM, 0},
	END,
};

/*
 * personality: READ_IMPLIES_EXEC makes every readable mapping executable
 * and ADDR_NO_RANDOMIZE turns off ASLR for the next exec, both exploit
 * aids.  Only PER_LINUX (0) and the query (0xffffffff) stay allowed.  The
 * argument is 32 bits to the kernel; see emit_personality() in seccomp.c.  (#64)
 */
static const struct sc_entry personality_entries[] = {
	{"personality", SC_PERSONA, EPERM, 0},
	END,
};

/*
 * Host administration: process accounting, swap, reboot, the kernel log
 * (KASLR leaks through dmesg), disk quotas, hanging up terminals and
 * fanotify (whole-filesystem watches; inotify is what file watchers use).
 * All need capabilities the sandbox lacks or leak host state.  (#64)
 */
static const struct sc_entry admin_entries[] = {
	ALL("acct"),
	ALL("swapon"),
	ALL("swapoff"),
	ALL("reboot"),
	ALL("syslog"),
	ALL("quotactl"),
	ALL("quotactl_fd"),
	ALL("vhangup"),
	ALL("fanotify_init"),
	END,
};

/*
 * The clock is not namespaced: setting it confuses every host process,
 * TLS validation and build timestamps.  adjtimex with modes 0 only reads,
 * but nothing an agent runs needs it.
 */
static const struct sc_entry clock_entries[] = {
	ALL("settimeofday"),
	ALL("clock_settime"),
	ALL("clock_adjtime"),
	ALL("adjtimex"),
	END,
};

/* Direct I/O port access: hardware, never a build. */
static const struct sc_entry rawio_entries[] = {
	ALL("iopl"),
	ALL("ioperm"),
	END,
};

/*
 * Obsolete or removed interfaces kept reachable only for old binaries:
 * old attack surface with no modern user.  modify_ldt (16-bit segments,
 * Wine and DOSEMU only) had several exploitable bugs; vm86 exists only on
 * i386, which the 32-bit kill already covers (libseccomp resolves it to a
 * pseudo number on x86_64 and no rule is emitted).
 */
static const struct sc_entry obsolete_entries[] = {
	ALL("modify_ldt"),
	ALL("uselib"),
	ALL("ustat"),
	ALL("sysfs"),
	ALL("_sysctl"),
	ALL("nfsservctl"),
	ALL("lookup_dcookie"),
	ALL("remap_file_pages"),
	ALL("vm86"),
	ALL("vm86old"),
	END,
};

/*
 * Sockets (DESIGN.md settled question 4).  In the kernel tier there is no
 * network namespace, and Landlock governs only TCP bind and connect: UDP
 * (QUIC, DNS tunnels), raw and packet sockets (spoofing past the proxy),
 * netlink (routing, nf_tables), AF_VSOCK (guest to host), AF_ALG and the
 * other rare families (a long list of kernel bugs) and MPTCP or SCTP
 * (which Landlock's TCP rules do not see) must be refused here.  Only
 * socket(AF_INET/AF_INET6, SOCK_STREAM, 0|IPPROTO_TCP) is allowed, and
 * only when the tier says TCP is governed; AF_UNIX sockets only with
 * `net unix` (Landlock cannot restrict connect() to pathname sockets:
 * docker.sock, ssh-agent, D-Bus).  socketpair(AF_UNIX) is always allowed:
 * it reaches nothing outside.  Refusals answer EACCES ("permission to
 * create a socket of this type denied" in socket(2)), distinct from the
 * EPERM of the syscall groups and from the kernel's own EPERM for raw
 * sockets without CAP_NET_RAW.  (#53, #54, #55, #65)
 */
static const struct sc_entry socket_entries[] = {
	{"socket", SC_SOCKET, EACCES, 0},
	{"socketpair", SC_SOCKETPAIR, EACCES, 0},
	END,
};

/*
 * TCP Fast Open: sendto/sendmsg/sendmmsg with MSG_FASTOPEN connect inside
 * the send, past the LSM connect hook Landlock uses, so the port rule is
 * never consulted; TCP_FASTOPEN_CONNECT defers the connect into the first
 * write.  Refused whether the network is on or off; programs that ask for
 * Fast Open fall back to connect().  (#54)
 */
static const struct sc_entry fastopen_entries[] = {
	{"sendto", SC_FASTOPEN, EACCES, 3},
	{"sendmsg", SC_FASTOPEN, EACCES, 2},
	{"sendmmsg", SC_FASTOPEN, EACCES, 3},
	{"setsockopt", SC_TFO_CONNECT, EACCES, 0},
	END,
};

static const struct sc_group groups[] = {
	{"@io_uring", "deny io_uring", io_uring_entries},
	{"@bpf", "deny bpf", bpf_entries},
	{"@perf", "deny perf_event_open", perf_entries},
	{"@userfaultfd", "deny userfaultfd", userfaultfd_entries},
	{"@keyring", "deny keyrings", keyring_entries},
	{"@ptrace", "deny ptrace", ptrace_entries},
	{"@modules", "deny kernel modules and kexec", modules_entries},
	{"@mount", "deny mount", mount_entries},
	{"@ns", "deny new namespaces", ns_entries},
	{"@handle", "deny file handles", handle_entries},
	{"@tty", "TIOCSTI/TIOCLINUX", tty_entries},
	{"@personality", "deny personality changes", personality_entries},
	{"@admin", "deny host administration", admin_entries},
	{"@clock", "deny clock changes", clock_entries},
	{"@rawio", "deny I/O ports", rawio_entries},
	{"@obsolete", "deny obsolete system calls", obsolete_entries},
	/* Not nameable: sockets follow the profile's net rules. */
	{NULL, "socket families", socket_entries},
	{NULL, "deny TCP Fast Open", fastopen_entries},
	{NULL, NULL, NULL},
};

/* clang-format on */

const struct sc_group *sc_groups(void)
{
	return groups;
}

/*
 * System calls newer than libseccomp 2.5.4's table (it stops at 456,
 * futex_requeue), so profiles can name them and the default list can
 * refuse open_tree_attr.  From Linux 5.1 on, every architecture but alpha
 * and mips uses the same numbers; elsewhere the table is empty and these
 * names stay unknown.
 */
static const struct sc_extra extras[] = {
#if defined(__x86_64__) || defined(__aarch64__) || defined(__riscv) ||         \
    defined(__s390x__) || defined(__powerpc64__)
    {"statmount", 457},
    {"listmount", 458},
    {"lsm_get_self_attr", 459},
    {"lsm_set_self_attr", 460},
    {"lsm_list_modules", 461},
    {"mseal", 462},
    {"setxattrat", 463},
    {"getxattrat", 464},
    {"listxattrat", 465},
    {"removexattrat", 466},
    {"open_tree_attr", 467},
    {"file_getattr", 468},
    {"file_setattr", 469},
#endif
    {NULL, 0},
};

const struct sc_extra *sc_extras(void)
{
	return extras;
}

/*
 * Refusing these would stop the sandbox itself: the pre-exec child needs
 * them after the filter is installed (close_range or fcntl to mark fds
 * close-on-exec, write to report a failure, execve, exit_group).
 */
static const char *const essential[] = {
    "execve", "close_range", "fcntl", "write", "exit_group", NULL,
};

const char *const *sc_essential(void)
{
	return essential;
}

/*
 * Sockets are governed by the net rules; a syscall rule that allowed one
 * of these would take the network guard away behind the profile's back.
 */
static const char *const net_governed[] = {
    "socket", "socketpair", "sendto", "sendmsg", "sendmmsg", "setsockopt", NULL,
};

const char *const *sc_net_governed(void)
{
	return net_governed;
}
