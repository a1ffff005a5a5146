/* SPDX-License-Identifier: MIT */
/*
 * The syscall filter, tested by installing it: each test builds the filter
 * for a hand-made policy, installs it in a forked child (after
 * no_new_privs, as the real child does) and runs the probes of
 * tests/helpers/sysprobe.c there, one grandchild each; the child sends the
 * result lines back over a pipe.  Needs no privileges.  Run as root (as CI
 * does), the probes the kernel would allow root (mount, unshare, raw
 * sockets) show that every refusal is the filter's.
 *
 * The probe code is sysprobe's own, included here, so the integration
 * tests (which run the helper under `bulkhead run`) and these exercise the
 * same system calls.
 */
#define SYSPROBE_NO_MAIN
#include "../helpers/sysprobe.c"

#include <linux/filter.h>

#include "audit/report.h"
#include "confine/seccomp.h"
#include "core/util.h"
#include "test.h"

/* `want` is a result as sysprobe prints it ("ok", "errno=EPERM",
 * "killed=SIGSYS"), or ALLOWED: anything but a refusal (the kernel's own
 * answer may vary with the machine: no IPv6, no NUMA, ...). */
#define ALLOWED "allowed"
/* Not killed (x32 answers ENOSYS or runs, depending on the kernel). */
#define NOT_KILLED "not killed"

struct expect {
	const char *probe;
	const char *want;
};

/*
 * Runs the probes of ex[] in a child that installs prog first (NULL: no
 * filter, no_new_privs only) and stores each result ("ok", "errno=...")
 * in got[].  Returns 0, or -1 when the child did not report every probe.
 */
static int run_probes(const struct bh_seccomp_prog *prog,
		      const struct expect *ex, size_t n, char (*got)[64])
{
	int pfd[2];
	if (pipe(pfd) != 0)
		return -1;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(pfd[0]);
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
			_exit(100);
		if (prog && bh_seccomp_install(prog) != 0)
			_exit(101);
		for (size_t i = 0; i < n; i++) {
			char line[160];
			const struct sysprobe *p = sysprobe_find(ex[i].probe);
			if (p)
				sysprobe_run(p, line, sizeof(line) - 1);
			else
				snprintf(line, sizeof(line) - 1,
					 "%s no-such-probe", ex[i].probe);
			size_t len = strlen(line);
			line[len++] = '\n';
			if (write(pfd[1], line, len) != (ssize_t)len)
				_exit(102);
		}
		_exit(0);
	}
	close(pfd[1]);
	char buf[16384];
	size_t len = 0;
	for (;;) {
		ssize_t r = read(pfd[0], buf + len, sizeof(buf) - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	buf[len] = '\0';
	close(pfd[0]);
	int st = 0;
	waitpid(pid, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "  probe child failed: status %#x\n", st);
		return -1;
	}
	char *save = NULL, *line = strtok_r(buf, "\n", &save);
	for (size_t i = 0; i < n; i++, line = strtok_r(NULL, "\n", &save)) {
		size_t nl = strlen(ex[i].probe);
		if (!line || strncmp(line, ex[i].probe, nl) != 0 ||
		    line[nl] != ' ')
			return -1;
		snprintf(got[i], 64, "%s", line + nl + 1);
	}
	return 0;
}

static bool refused(const char *got)
{
	return strstr(got, "EPERM") || strstr(got, "EACCES") ||
	       strstr(got, "ENOSYS") || strstr(got, "killed");
}

/* Runs ex[] under prog and prints each mismatch; returns how many. */
static size_t mismatches(const struct bh_seccomp_prog *prog,
			 const struct expect *ex, size_t n)
{
	char(*got)[64] = bh_xcalloc(n, sizeof(*got));
	size_t bad = 0;
	if (run_probes(prog, ex, n, got) != 0) {
		free(got);
		fprintf(stderr, "  the probes did not all report\n");
		return n;
	}
	for (size_t i = 0; i < n; i++) {
		bool ok = strcmp(ex[i].want, ALLOWED) == 0 ? !refused(got[i])
			  : strcmp(ex[i].want, NOT_KILLED) == 0
			      ? !strstr(got[i], "killed")
			      : strcmp(got[i], ex[i].want) == 0;
		if (!ok) {
			fprintf(stderr, "    %s: got %s, want %s\n",
				ex[i].probe, got[i], ex[i].want);
			bad++;
		}
	}
	free(got);
	return bad;
}

static struct bh_policy policy_with(struct bh_syscall_rule *rules, size_t n)
{
	struct bh_policy p;
	memset(&p, 0, sizeof(p));
	p.name = (char *)"test";
	p.syscalls = rules;
	p.n_syscalls = n;
	return p;
}

#define RULE(allow_, name_, line_, col_)                                       \
	{                                                                      \
		(allow_), (char *)(name_),                                     \
		{                                                              \
			"test.profile", (line_), (col_)                        \
		}                                                              \
	}

static struct bh_seccomp_prog *build(const struct bh_policy *p, bool tcp,
				     bool unx, struct bh_report *rep)
{
	struct bh_seccomp_opts o = {.net_tcp = tcp, .net_unix = unx};
	struct bh_seccomp_prog *prog = NULL;
	struct bh_error *err = NULL;
	if (bh_seccomp_build(p, &o, rep, &prog, &err) != 0) {
		fprintf(stderr, "  build: %s\n", err ? err->msg : "?");
		bh_error_free(err);
		return NULL;
	}
	return prog;
}

/* Builds the filter for rules and the net options, runs ex[] under it and
 * returns the number of mismatches (all of them when the build fails). */
static size_t check_filter(struct bh_syscall_rule *rules, size_t n_rules,
			   bool tcp, bool unx, const struct expect *ex,
			   size_t n)
{
	struct bh_policy p = policy_with(rules, n_rules);
	struct bh_seccomp_prog *prog = build(&p, tcp, unx, NULL);
	if (!prog)
		return n;
	size_t bad = mismatches(prog, ex, n);
	bh_seccomp_prog_free(prog);
	return bad;
}

#define EPERM_ "errno=EPERM"
#define EACCES_ "errno=EACCES"

/* The default filter, as docs/seccomp.md lists it for sysprobe. */
static const struct expect default_expect[] = {
    {"getpid", ALLOWED},
    {"uname", ALLOWED},
    {"io_uring_setup", EPERM_},
    {"io_uring_enter", EPERM_},
    {"io_uring_register", EPERM_},
    {"bpf", EPERM_},
    {"perf_event_open", EPERM_},
    {"userfaultfd", EPERM_},
    {"add_key", EPERM_},
    {"request_key", EPERM_},
    {"keyctl", EPERM_},
    {"ptrace_traceme", EPERM_},
    {"ptrace_attach", EPERM_},
    {"process_vm_readv", EPERM_},
    {"process_vm_writev", EPERM_},
    {"kcmp", EPERM_},
    {"pidfd_getfd", EPERM_},
    {"process_madvise", EPERM_},
    {"move_pages", EPERM_},
    {"migrate_pages", EPERM_},
    {"kexec_load", EPERM_},
    {"kexec_file_load", EPERM_},
    {"init_module", EPERM_},
    {"finit_module", EPERM_},
    {"delete_module", EPERM_},
    {"mount", EPERM_},
    {"umount2", EPERM_},
    {"pivot_root", EPERM_},
    {"chroot", EPERM_},
    {"open_tree", EPERM_},
    {"open_tree_attr", EPERM_},
    {"fsopen", EPERM_},
    {"fsconfig", EPERM_},
    {"fsmount", EPERM_},
    {"fspick", EPERM_},
    {"move_mount", EPERM_},
    {"mount_setattr", EPERM_},
    {"unshare_user", EPERM_},
    {"unshare_net", EPERM_},
    {"setns", EPERM_},
    {"clone_plain", ALLOWED},
    {"clone_newns", EPERM_},
    {"clone_newuts", EPERM_},
    {"clone_newipc", EPERM_},
    {"clone_newuser", EPERM_},
    {"clone_newpid", EPERM_},
    {"clone_newnet", EPERM_},
    {"clone_newcgroup", EPERM_},
    {"clone_newuser_highbits", EPERM_},
    {"clone3", "errno=ENOSYS"},
    {"open_by_handle_at", EPERM_},
    {"name_to_handle_at", EPERM_},
    {"tiocsti", EPERM_},
    {"tiocsti_highbits", EPERM_},
    {"tioclinux", EPERM_},
    {"tioclinux_highbits", EPERM_},
    {"ioctl_fionread", ALLOWED},
    {"personality_0", "ok"},
    {"personality_query", "ok"},
    {"personality_readimpliesexec", EPERM_},
    {"personality_addr_no_randomize", EPERM_},
    {"personality_linux32", EPERM_},
    {"personality_highbits", EPERM_},
    {"acct", EPERM_},
    {"swapon", EPERM_},
    {"swapoff", EPERM_},
    {"reboot", EPERM_},
    {"syslog", EPERM_},
    {"quotactl", EPERM_},
    {"quotactl_fd", EPERM_},
    {"vhangup", EPERM_},
    {"fanotify_init", EPERM_},
    {"settimeofday", EPERM_},
    {"clock_settime", EPERM_},
    {"clock_adjtime", EPERM_},
    {"adjtimex", EPERM_},
    {"iopl", EPERM_},
    {"ioperm", EPERM_},
    {"modify_ldt", EPERM_},
    {"uselib", EPERM_},
    {"ustat", EPERM_},
    {"sysfs", EPERM_},
    {"sysctl", EPERM_},
    {"nfsservctl", EPERM_},
    {"lookup_dcookie", EPERM_},
    {"remap_file_pages", EPERM_},
    {"socket_udp", EACCES_},
    {"socket_udp_cloexec", EACCES_},
    {"socket_udp6", EACCES_},
    {"socket_raw", EACCES_},
    {"socket_packet", EACCES_},
    {"socket_netlink", EACCES_},
    {"socket_vsock", EACCES_},
    {"socket_alg", EACCES_},
    {"socket_unix", EACCES_},
    {"socket_unix_dgram", EACCES_},
    {"socket_tcp", ALLOWED},
    {"socket_tcp6", ALLOWED},
    {"socket_tcp_proto", ALLOWED},
    {"socket_tcp_cloexec", ALLOWED},
    {"socket_inet_seqpacket", EACCES_},
    {"socket_mptcp", EACCES_},
    {"socket_sctp", EACCES_},
    {"socket_highbits", EACCES_},
    {"socket_tcp_highbits", EACCES_},
    {"socket_type_highbits", EACCES_},
    {"socket_proto_highbits", EACCES_},
    {"socketpair_unix", "ok"},
    {"socketpair_inet", EACCES_},
    {"sendto_plain", "errno=EBADF"},
    {"sendto_fastopen", EACCES_},
    {"sendto_fastopen_highbits", EACCES_},
    {"sendmsg_fastopen", EACCES_},
    {"sendmmsg_fastopen", EACCES_},
    {"setsockopt_plain", "errno=EBADF"},
    {"tcp_fastopen_connect", EACCES_},
    {"tcp_fastopen_connect_highbits", EACCES_},
    {"landlock_create_ruleset", ALLOWED},
    {"seccomp", "ok"},
    {"prctl", "ok"},
    {"set_mempolicy", ALLOWED},
    {"x32_getpid", "killed=SIGSYS"},
    {"int80_getpid", "killed=SIGSYS"},
};

TEST(seccomp_default_filter)
{
	CHECK_INT(check_filter(NULL, 0, true, false, default_expect,
			       BH_ARRAY_SIZE(default_expect)),
		  0);
}

/* Every probe the filter refuses is answered differently by the kernel
 * alone, so the refusals above are the filter's doing. */
TEST(seccomp_probes_reach_the_kernel_unfiltered)
{
	static const struct expect ex[] = {
	    {"tiocsti", "ok"},
	    {"tiocsti_highbits", "ok"},
	    {"personality_readimpliesexec", "ok"},
	    {"personality_highbits", "ok"},
	    {"socket_udp", "ok"},
	    {"socket_netlink", "ok"},
	    {"socket_highbits", "ok"},
	    {"socket_type_highbits", "ok"},
	    {"socket_unix", "ok"},
	    {"sendto_fastopen", "errno=EBADF"},
	    {"sendto_fastopen_highbits", "errno=EBADF"},
	    {"tcp_fastopen_connect_highbits", "errno=EBADF"},
	    {"setns", "errno=EBADF"},
	    {"mount", "errno=ENOENT"},
	    {"clone3", "ok"},
	    {"clone_plain", "ok"},
	    {"x32_getpid", NOT_KILLED},
	    {"int80_getpid", "ok"},
	};
	CHECK_INT(mismatches(NULL, ex, BH_ARRAY_SIZE(ex)), 0);
}

TEST(seccomp_net_options)
{
	static const struct expect unix_only[] = {
	    {"socket_unix", "ok"},	     {"socket_unix_dgram", "ok"},
	    {"socket_tcp", EACCES_},	     {"socket_tcp6", EACCES_},
	    {"socket_tcp_cloexec", EACCES_}, {"socket_udp", EACCES_},
	    {"socket_netlink", EACCES_},     {"socket_highbits", EACCES_},
	    {"socketpair_unix", "ok"},	     {"socketpair_inet", EACCES_},
	    {"sendto_fastopen", EACCES_},
	};
	static const struct expect none[] = {
	    {"socket_unix", EACCES_},	       {"socket_tcp", EACCES_},
	    {"socket_udp", EACCES_},	       {"socket_packet", EACCES_},
	    {"socketpair_unix", "ok"},	       {"socketpair_inet", EACCES_},
	    {"tcp_fastopen_connect", EACCES_},
	};
	static const struct expect both[] = {
	    {"socket_unix", "ok"},
	    {"socket_tcp", ALLOWED},
	    {"socket_tcp_proto", ALLOWED},
	    {"socket_udp", EACCES_},
	    {"socket_udp_cloexec", EACCES_},
	    {"socket_mptcp", EACCES_},
	    {"socket_proto_highbits", EACCES_},
	    {"socket_type_highbits", EACCES_},
	    {"socket_raw", EACCES_},
	};
	CHECK_INT(check_filter(NULL, 0, false, true, unix_only,
			       BH_ARRAY_SIZE(unix_only)),
		  0);
	CHECK_INT(
	    check_filter(NULL, 0, false, false, none, BH_ARRAY_SIZE(none)), 0);
	CHECK_INT(check_filter(NULL, 0, true, true, both, BH_ARRAY_SIZE(both)),
		  0);
}

TEST(seccomp_profile_changes)
{
	struct bh_syscall_rule rules[] = {
	    RULE(true, "@ptrace", 1, 9),     RULE(true, "ioctl", 2, 9),
	    RULE(true, "personality", 3, 9), RULE(true, "clone3", 4, 9),
	    RULE(false, "uname", 5, 9),	     RULE(false, "@io_uring", 6, 9),
	    RULE(false, "mseal", 7, 9),
	};
	static const struct expect ex[] = {
	    {"ptrace_traceme", "ok"},
	    {"process_vm_readv", "ok"},
	    {"kcmp", "ok"},
	    {"tiocsti", "ok"},
	    {"tiocsti_highbits", "ok"},
	    {"personality_readimpliesexec", "ok"},
	    {"clone3", "ok"},
	    {"uname", EPERM_},
	    {"getpid", "ok"},
	    {"io_uring_setup", EPERM_},
	    {"bpf", EPERM_},
	    {"clone_newuser", EPERM_},
	    {"socket_udp", EACCES_},
	    {"x32_getpid", "killed=SIGSYS"},
	};
	CHECK_INT(check_filter(rules, BH_ARRAY_SIZE(rules), true, false, ex,
			       BH_ARRAY_SIZE(ex)),
		  0);
}

/* Later changes win; a group deny restores the group's defaults (not a
 * refusal of plain clone); clone3 stays ENOSYS when denied. */
TEST(seccomp_profile_order)
{
	struct bh_syscall_rule rules[] = {
	    RULE(true, "@ns", 1, 9),	 RULE(false, "@ns", 2, 9),
	    RULE(false, "clone3", 3, 9), RULE(true, "mount", 4, 9),
	    RULE(false, "mount", 5, 9),	 RULE(false, "getpid", 6, 9),
	    RULE(true, "getpid", 7, 9),	 RULE(false, "socket", 8, 9),
	};
	static const struct expect ex[] = {
	    {"unshare_user", EPERM_},  {"clone_plain", "ok"},
	    {"clone_newuser", EPERM_}, {"clone3", "errno=ENOSYS"},
	    {"mount", EPERM_},	       {"getpid", "ok"},
	    {"socket_tcp", EPERM_},    {"socket_udp", EPERM_},
	    {"socketpair_unix", "ok"},
	};
	CHECK_INT(check_filter(rules, BH_ARRAY_SIZE(rules), true, false, ex,
			       BH_ARRAY_SIZE(ex)),
		  0);
}

/* One rule, validated: 0, or the error's message and hint. */
static int validate_one(struct bh_syscall_rule r, char **msg, char **hint)
{
	struct bh_policy p = policy_with(&r, 1);
	struct bh_error *err = NULL;
	int rc = bh_seccomp_validate(&p, &err);
	*msg = err ? bh_xstrdup(err->msg) : NULL;
	*hint = err && err->hint ? bh_xstrdup(err->hint) : NULL;
	if (err && err->kind != BH_EK_PROFILE)
		rc = -1000;
	bh_error_free(err);
	return rc;
}

TEST(seccomp_validate)
{
	static const struct {
		bool allow;
		const char *name;
		const char *msg;  /* NULL: valid */
		const char *hint; /* prefix */
	} cases[] = {
	    {true, "ptarce", "test.profile:3:15: unknown system call 'ptarce'",
	     "did you mean 'ptrace'?"},
	    {false, "io_uring_setpu",
	     "test.profile:3:15: unknown system call 'io_uring_setpu'",
	     "did you mean 'io_uring_setup'?"},
	    {true, "@ptrac",
	     "test.profile:3:15: unknown system call group '@ptrac'",
	     "did you mean '@ptrace'?"},
	    {true, "@nothing",
	     "test.profile:3:15: unknown system call group '@nothing'",
	     "groups: @io_uring @bpf"},
	    {false, "xyzzyplugh",
	     "test.profile:3:15: unknown system call 'xyzzyplugh'",
	     "names are those of syscalls(2)"},
	    {true, "socket",
	     "test.profile:3:15: 'socket' cannot be allowed by a seccomp "
	     "rule: sockets follow the net rules",
	     "`net unix` allows unix sockets"},
	    {false, "execve",
	     "test.profile:3:15: system call 'execve' cannot be denied: "
	     "the sandbox needs it to start the command",
	     NULL},
	    {true, "", "test.profile:3:15: empty system call name", NULL},
	    {false, "socket", NULL, NULL},
	    {true, "execve", NULL, NULL},
	    {true, "open_tree_attr", NULL, NULL},
	    {false, "mseal", NULL, NULL},
	    {false, "vm86", NULL, NULL},
	    {true, "@mount", NULL, NULL},
	    {false, "@obsolete", NULL, NULL},
	};
	for (size_t i = 0; i < BH_ARRAY_SIZE(cases); i++) {
		char *msg = NULL, *hint = NULL;
		int rc = validate_one((struct bh_syscall_rule)RULE(
					  cases[i].allow, cases[i].name, 3, 15),
				      &msg, &hint);
		if (!cases[i].msg) {
			CHECK_INT(rc, 0);
			CHECK(msg == NULL);
		} else {
			CHECK_INT(rc, -EINVAL);
			CHECK_STR(msg, cases[i].msg);
			if (cases[i].hint)
				CHECK(hint &&
				      bh_str_has_prefix(hint, cases[i].hint));
			else
				CHECK(hint == NULL);
		}
		free(msg);
		free(hint);
	}

	/* build refuses what validate refuses, and builds nothing */
	struct bh_syscall_rule bad[] = {RULE(true, "ptarce", 2, 1)};
	struct bh_policy p = policy_with(bad, 1);
	struct bh_seccomp_prog sentinel, *prog = &sentinel;
	struct bh_error *err = NULL;
	struct bh_seccomp_opts o = {true, false, NULL};
	CHECK_INT(bh_seccomp_build(&p, &o, NULL, &prog, &err), -EINVAL);
	CHECK(prog == NULL);
	CHECK(err && err->kind == BH_EK_PROFILE);
	bh_error_free(err);
}

static const struct bh_report_item *find_item(const struct bh_report *r,
					      const char *rule)
{
	for (size_t i = 0; i < r->n_items; i++)
		if (strcmp(r->items[i].rule, rule) == 0)
			return &r->items[i];
	return NULL;
}

TEST(seccomp_report)
{
	struct bh_syscall_rule rules[] = {
	    RULE(true, "kcmp", 4, 9),
	    RULE(false, "uname", 5, 7),
	    RULE(true, "@bpf", 6, 9),
	    RULE(true, "getpid", 7, 9),
	};
	struct bh_policy p = policy_with(rules, BH_ARRAY_SIZE(rules));
	struct bh_report *rep = bh_report_new("kernel");
	struct bh_seccomp_prog *prog = build(&p, true, false, rep);
	REQUIRE(prog);

	static const char *const groups[] = {
	    "deny io_uring",
	    "deny perf_event_open",
	    "deny userfaultfd",
	    "deny keyrings",
	    "deny ptrace",
	    "deny kernel modules and kexec",
	    "deny mount",
	    "deny new namespaces",
	    "deny file handles",
	    "TIOCSTI/TIOCLINUX",
	    "deny personality changes",
	    "deny host administration",
	    "deny clock changes",
	    "deny I/O ports",
	    "deny obsolete system calls",
	    "socket families",
	    "deny TCP Fast Open",
	    "deny 32-bit and x32 entry points",
	};
	for (size_t i = 0; i < BH_ARRAY_SIZE(groups); i++) {
		const struct bh_report_item *it = find_item(rep, groups[i]);
		CHECK(it != NULL);
		if (!it)
			continue;
		CHECK_INT(it->cls, BH_RC_GUARD);
		CHECK_INT(it->status, BH_ENF_ENFORCED);
		CHECK_STR(it->mechanism, "seccomp");
		CHECK(it->loc.file == NULL);
		CHECK(it->detail && it->detail[0]);
	}
	/* wholly allowed by the profile: no group item, only the change */
	CHECK(find_item(rep, "deny bpf") == NULL);

	const struct bh_report_item *it = find_item(rep, "deny ptrace");
	REQUIRE(it);
	CHECK(strstr(it->detail, "EPERM: ptrace, process_vm_readv") != NULL);
	CHECK(strstr(it->detail, "; allowed by the profile: kcmp") != NULL);
	it = find_item(rep, "deny new namespaces");
	REQUIRE(it);
	CHECK_STR(it->detail, "EPERM: unshare, setns, clone with CLONE_NEW*; "
			      "ENOSYS: clone3");
	it = find_item(rep, "socket families");
	REQUIRE(it);
	CHECK_STR(it->detail, "EACCES: socket other than inet/inet6 TCP "
			      "stream, socketpair other than unix");

	it = find_item(rep, "seccomp allow kcmp");
	REQUIRE(it);
	CHECK_STR(it->loc.file, "test.profile");
	CHECK_INT(it->loc.line, 4);
	CHECK_INT(it->loc.col, 9);
	CHECK_INT(it->status, BH_ENF_ENFORCED);
	CHECK_STR(it->mechanism, "seccomp");
	CHECK(it->detail == NULL);
	it = find_item(rep, "seccomp deny uname");
	REQUIRE(it);
	CHECK_INT(it->loc.line, 5);
	CHECK_INT(it->loc.col, 7);
	CHECK(find_item(rep, "seccomp allow @bpf") != NULL);
	it = find_item(rep, "seccomp allow getpid");
	REQUIRE(it);
	CHECK_STR(it->detail, "not refused by default");

	it = find_item(rep, "seccomp filter");
	REQUIRE(it);
	CHECK_INT(it->cls, BH_RC_INFO);

	bh_seccomp_prog_free(prog);
	bh_report_free(rep);
}

/*
 * The exported program checks the architecture first and, on x86_64,
 * sends x32 numbers to the kill: libseccomp 2.5.4 emits
 * "nr >= 0x40000000 && nr != -1 -> bad-arch action" when the x32 ABI is
 * not part of the filter.  x32_getpid above shows the behaviour; this
 * pins the instruction so a libseccomp upgrade that drops it is noticed.
 */
TEST(seccomp_program_shape)
{
	struct bh_policy p = policy_with(NULL, 0);
	struct bh_seccomp_prog *prog = build(&p, true, false, NULL);
	REQUIRE(prog);
	const struct sock_fprog *f = &prog->fprog;
	CHECK(f->len > 10 && f->len < BPF_MAXINSNS);
	CHECK_INT(f->filter[0].code, BPF_LD | BPF_W | BPF_ABS);
	CHECK_INT(f->filter[0].k, 4); /* offsetof(seccomp_data, arch) */
#if defined(__x86_64__)
	bool x32_guard = false;
	for (unsigned i = 0; i < f->len; i++)
		x32_guard |= f->filter[i].code == (BPF_JMP | BPF_JGE | BPF_K) &&
			     f->filter[i].k == 0x40000000;
	CHECK(x32_guard);
#endif
	CHECK_INT(bh_seccomp_install(NULL), -EINVAL);
	bh_seccomp_prog_free(prog);
	bh_seccomp_prog_free(NULL);
}

/* The program cache: a second build loads what the first stored, the same
 * bytes; a corrupted file is never loaded (it is rebuilt and replaced). */
TEST(seccomp_program_cache)
{
	char dir[] = "/tmp/bh-sc-cache.XXXXXX";
	REQUIRE(mkdtemp(dir) != NULL);
	struct bh_policy p;
	memset(&p, 0, sizeof(p));
	struct bh_seccomp_opts o = {true, false, dir};
	struct bh_seccomp_prog *a = NULL, *b = NULL, *c = NULL;
	struct bh_error *err = NULL;
	REQUIRE(bh_seccomp_build(&p, &o, NULL, &a, &err) == 0);
	cleanup_free char *cmd = bh_xasprintf("ls %s/seccomp-*.bpf", dir);
	FILE *ls = popen(cmd, "r");
	char path[512] = "";
	CHECK(ls && fgets(path, sizeof(path), ls) != NULL);
	if (ls)
		pclose(ls);
	path[strcspn(path, "\n")] = '\0';
	REQUIRE(bh_seccomp_build(&p, &o, NULL, &b, &err) == 0);
	CHECK_INT(a->fprog.len, b->fprog.len);
	CHECK(memcmp(a->fprog.filter, b->fprog.filter,
		     a->fprog.len * sizeof(struct sock_filter)) == 0);
	/* Flip one instruction byte in the cached program. */
	FILE *f = fopen(path, "r+b");
	REQUIRE(f != NULL);
	fseek(f, 41 + 3, SEEK_SET);
	int ch = fgetc(f);
	fseek(f, 41 + 3, SEEK_SET);
	fputc(ch ^ 0x55, f);
	fclose(f);
	REQUIRE(bh_seccomp_build(&p, &o, NULL, &c, &err) == 0);
	CHECK(memcmp(a->fprog.filter, c->fprog.filter,
		     a->fprog.len * sizeof(struct sock_filter)) == 0);
	/* Different options, different program, different file. */
	struct bh_seccomp_opts o2 = {true, true, dir};
	struct bh_seccomp_prog *d = NULL;
	REQUIRE(bh_seccomp_build(&p, &o2, NULL, &d, &err) == 0);
	CHECK(d->fprog.len != a->fprog.len ||
	      memcmp(a->fprog.filter, d->fprog.filter,
		     a->fprog.len * sizeof(struct sock_filter)) != 0);
	bh_seccomp_prog_free(a);
	bh_seccomp_prog_free(b);
	bh_seccomp_prog_free(c);
	bh_seccomp_prog_free(d);
	cleanup_free char *rm = bh_xasprintf("rm -rf %s", dir);
	CHECK(system(rm) == 0);
}
