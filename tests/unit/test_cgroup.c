/* SPDX-License-Identifier: MIT */
/* The cgroup module's pure helpers: the kernel's text formats. */
#include <stdint.h>
#include <stdlib.h>

#include "confine/cgroup_internal.h"
#include "core/util.h"
#include "test.h"

TEST(cgroup_mountinfo_hybrid)
{
	struct bh_cg_mount m;
	CHECK_INT(bh_cg_parse_mountinfo_line(
		      "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - "
		      "cgroup2 cgroup2 rw",
		      &m),
		  1);
	CHECK(m.v2);
	CHECK_STR(m.mnt, "/sys/fs/cgroup/unified");
	CHECK_STR(m.root, "/");
	CHECK_STR(m.opts, "rw");
	bh_cg_mount_clear(&m);

	CHECK_INT(bh_cg_parse_mountinfo_line(
		      "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid "
		      "shared:9 - cgroup cgroup rw,cpu,cpuacct\n",
		      &m),
		  1);
	CHECK(!m.v2);
	CHECK_STR(m.mnt, "/sys/fs/cgroup/cpu,cpuacct");
	CHECK(bh_cg_list_has(m.opts, "cpu"));
	CHECK(bh_cg_list_has(m.opts, "cpuacct"));
	CHECK(!bh_cg_list_has(m.opts, "cpuset"));
	bh_cg_mount_clear(&m);
}

TEST(cgroup_mountinfo_other_and_bad)
{
	struct bh_cg_mount m;
	/* Other file systems: 0, with the mount point for hiding. */
	CHECK_INT(bh_cg_parse_mountinfo_line(
		      "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs "
		      "tmpfs rw,mode=755",
		      &m),
		  0);
	CHECK_STR(m.mnt, "/sys/fs/cgroup");
	CHECK(m.opts == NULL);
	bh_cg_mount_clear(&m);
	/* "cgroup2" must be the whole type, not a prefix. */
	CHECK_INT(bh_cg_parse_mountinfo_line(
		      "1 2 0:1 / /x rw - cgroup2x none rw", &m),
		  0);
	bh_cg_mount_clear(&m);
	CHECK_INT(bh_cg_parse_mountinfo_line("", &m), -22);
	CHECK_INT(bh_cg_parse_mountinfo_line("1 2 0:1 / /x rw", &m), -22);
	CHECK_INT(bh_cg_parse_mountinfo_line("1 2 0:1 / /x rw -", &m), -22);
	CHECK_INT(
	    bh_cg_parse_mountinfo_line("1 2 0:1 x /x rw - cgroup2 c rw", &m),
	    -22);
}

/* Mount points and roots with spaces come octal-escaped. */
TEST(cgroup_mountinfo_escapes)
{
	struct bh_cg_mount m;
	CHECK_INT(bh_cg_parse_mountinfo_line(
		      "50 40 0:38 /a\\040b /mnt/cg\\040v2\\134x rw - "
		      "cgroup2 none rw,nsdelegate",
		      &m),
		  1);
	CHECK_STR(m.root, "/a b");
	CHECK_STR(m.mnt, "/mnt/cg v2\\x");
	CHECK(bh_cg_list_has(m.opts, "nsdelegate"));
	bh_cg_mount_clear(&m);
	/* A lone backslash or a short escape stays as it is. */
	CHECK_INT(bh_cg_parse_mountinfo_line(
		      "50 40 0:38 / /m\\04 rw - cgroup2 none rw", &m),
		  1);
	CHECK_STR(m.mnt, "/m\\04");
	bh_cg_mount_clear(&m);
}

TEST(cgroup_member_lines)
{
	struct bh_cg_member e;
	CHECK_INT(bh_cg_parse_member_line("0::/user.slice/a.scope\n", &e), 0);
	CHECK_INT(e.id, 0);
	CHECK_STR(e.controllers, "");
	CHECK_STR(e.path, "/user.slice/a.scope");
	bh_cg_member_clear(&e);

	CHECK_INT(bh_cg_parse_member_line("4:memory:/process_api/5289", &e), 0);
	CHECK_INT(e.id, 4);
	CHECK_STR(e.controllers, "memory");
	CHECK_STR(e.path, "/process_api/5289");
	bh_cg_member_clear(&e);

	/* The path may hold colons; only the first two split. */
	CHECK_INT(bh_cg_parse_member_line("2:cpu,cpuacct:/a:b", &e), 0);
	CHECK_STR(e.path, "/a:b");
	CHECK(bh_cg_list_has(e.controllers, "cpu"));
	bh_cg_member_clear(&e);

	CHECK_INT(bh_cg_parse_member_line("9:name=systemd:/", &e), 0);
	CHECK(!bh_cg_list_has(e.controllers, "systemd"));
	bh_cg_member_clear(&e);

	CHECK_INT(bh_cg_parse_member_line("", &e), -22);
	CHECK_INT(bh_cg_parse_member_line("x:memory:/", &e), -22);
	CHECK_INT(bh_cg_parse_member_line("1:memory", &e), -22);
	CHECK_INT(bh_cg_parse_member_line("1:memory:relative", &e), -22);
	CHECK_INT(bh_cg_parse_member_line(":memory:/", &e), -22);
}

TEST(cgroup_list_has)
{
	CHECK(bh_cg_list_has("cpuset cpu io memory hugetlb pids\n", "pids"));
	CHECK(bh_cg_list_has("cpuset cpu io memory", "cpu"));
	CHECK(!bh_cg_list_has("cpuset io memory", "cpu"));
	CHECK(!bh_cg_list_has("hugetlb\n", "memory"));
	CHECK(!bh_cg_list_has("", "memory"));
	CHECK(!bh_cg_list_has(NULL, "memory"));
	CHECK(!bh_cg_list_has("memory", ""));
}

TEST(cgroup_dir_of)
{
	cleanup_free char *a = bh_cg_dir_of("/sys/fs/cgroup", "/", "/");
	cleanup_free char *b =
	    bh_cg_dir_of("/sys/fs/cgroup", "/", "/user.slice/x.scope");
	/* A container's mount shows only its own subtree. */
	cleanup_free char *c =
	    bh_cg_dir_of("/sys/fs/cgroup", "/docker/abc", "/docker/abc/x");
	cleanup_free char *d =
	    bh_cg_dir_of("/sys/fs/cgroup", "/docker/abc", "/docker/abc");
	CHECK_STR(a, "/sys/fs/cgroup");
	CHECK_STR(b, "/sys/fs/cgroup/user.slice/x.scope");
	CHECK_STR(c, "/sys/fs/cgroup/x");
	CHECK_STR(d, "/sys/fs/cgroup");
	/* Outside what the mount shows: nowhere. */
	CHECK(bh_cg_dir_of("/sys/fs/cgroup", "/docker/abc", "/docker/abcd") ==
	      NULL);
	CHECK(bh_cg_dir_of("/sys/fs/cgroup", "/docker/abc", "/other") == NULL);
	CHECK(bh_cg_dir_of("/sys/fs/cgroup", "/", "/../../x") == NULL);
	CHECK(bh_cg_dir_of("/sys/fs/cgroup", "/", "/..") == NULL);
	CHECK(bh_cg_dir_of("/sys/fs/cgroup", "/", "x") == NULL);
}

TEST(cgroup_numbers_and_max)
{
	uint64_t v = 0;
	char buf[24];
	CHECK_INT(bh_cg_parse_u64_max("67108864\n", &v), 0);
	CHECK_INT(v, 67108864);
	CHECK_INT(bh_cg_parse_u64_max("max\n", &v), 0);
	CHECK(v == UINT64_MAX);
	CHECK_INT(bh_cg_parse_u64_max("0", &v), 0);
	CHECK_INT(v, 0);
	CHECK_INT(bh_cg_parse_u64_max("18446744073709551615", &v), 0);
	CHECK(v == UINT64_MAX);
	CHECK_INT(bh_cg_parse_u64_max("18446744073709551616", &v), -22);
	CHECK_INT(bh_cg_parse_u64_max("-1\n", &v), -22);
	CHECK_INT(bh_cg_parse_u64_max("", &v), -22);
	CHECK_INT(bh_cg_parse_u64_max("\n", &v), -22);
	CHECK_INT(bh_cg_parse_u64_max("12 3", &v), -22);
	CHECK_INT(bh_cg_parse_u64_max("12\n3", &v), -22);
	CHECK_INT(bh_cg_parse_u64_max("maxi", &v), -22);

	bh_cg_format_u64_max(buf, sizeof(buf), UINT64_MAX);
	CHECK_STR(buf, "max");
	bh_cg_format_u64_max(buf, sizeof(buf), 16);
	CHECK_STR(buf, "16");
	bh_cg_format_u64_max(buf, sizeof(buf), 0);
	CHECK_STR(buf, "0");
}

TEST(cgroup_keyed_files)
{
	const char *oom = "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n";
	const char *ev = "low 0\nhigh 0\nmax 12\noom 2\noom_kill 1\n"
			 "oom_group_kill 0\n";
	uint64_t v = 0;
	CHECK_INT(bh_cg_keyed(oom, "oom_kill", &v), 0);
	CHECK_INT(v, 3);
	CHECK_INT(bh_cg_keyed(ev, "oom_kill", &v), 0);
	CHECK_INT(v, 1);
	CHECK_INT(bh_cg_keyed(ev, "max", &v), 0);
	CHECK_INT(v, 12);
	CHECK_INT(bh_cg_keyed("populated 0\nfrozen 1", "frozen", &v), 0);
	CHECK_INT(v, 1);
	CHECK_INT(bh_cg_keyed(ev, "oom_kil", &v), -2);
	CHECK_INT(bh_cg_keyed(ev, "missing", &v), -2);
	CHECK_INT(bh_cg_keyed("", "max", &v), -2);
	CHECK_INT(bh_cg_keyed("max \n", "max", &v), -2);
	CHECK_INT(bh_cg_keyed("max x\n", "max", &v), -2);
}

TEST(cgroup_cpu_quota)
{
	uint64_t q, p;
	bh_cg_cpu_quota(1500, &q, &p);
	CHECK_INT(q, 150000);
	CHECK_INT(p, 100000);
	bh_cg_cpu_quota(500, &q, &p);
	CHECK_INT(q, 50000);
	CHECK_INT(p, 100000);
	bh_cg_cpu_quota(10, &q, &p);
	CHECK_INT(q, 1000);
	CHECK_INT(p, 100000);
	/* Below 10 milli-cores a 100 ms period would need a quota under the
	 * kernel's 1 ms floor: the period grows instead. */
	bh_cg_cpu_quota(1, &q, &p);
	CHECK_INT(q, 1000);
	CHECK_INT(p, 1000000);
	bh_cg_cpu_quota(9, &q, &p);
	CHECK_INT(q, 9000);
	CHECK_INT(p, 1000000);
	bh_cg_cpu_quota(65536000, &q, &p);
	CHECK(q == 6553600000ull);

	CHECK_INT(bh_cg_parse_cpu_max("50000 100000\n", &q, &p), 0);
	CHECK_INT(q, 50000);
	CHECK_INT(p, 100000);
	CHECK_INT(bh_cg_parse_cpu_max("max 100000\n", &q, &p), 0);
	CHECK(q == UINT64_MAX);
	CHECK_INT(bh_cg_parse_cpu_max("max max", &q, &p), -22);
	CHECK_INT(bh_cg_parse_cpu_max("50000", &q, &p), -22);
	CHECK_INT(bh_cg_parse_cpu_max("50000 ", &q, &p), -22);
	CHECK_INT(bh_cg_parse_cpu_max("a 1", &q, &p), -22);
}

TEST(cgroup_memory_readback)
{
	CHECK(bh_cg_memory_readback_ok(67108864, 67108864, 4096));
	CHECK(bh_cg_memory_readback_ok(1000000, 999424, 4096));
	CHECK(!bh_cg_memory_readback_ok(1000000, 1000000, 4096));
	CHECK(!bh_cg_memory_readback_ok(67108864, UINT64_MAX, 4096));
	CHECK(
	    !bh_cg_memory_readback_ok(67108864, 9223372036854771712ull, 4096));
	CHECK(bh_cg_memory_readback_ok(100, 0, 4096));
	CHECK(bh_cg_memory_readback_ok(100, 100, 0));
}

TEST(cgroup_session_names)
{
	cleanup_free char *n = bh_cg_session_name("20261126T182100Z-a1b2c3d4",
						  4242, 98765, 4026531836ull);
	CHECK_STR(n, "20261126T182100Z-a1b2c3d4-4242-98765-4026531836");
	pid_t pid = 0;
	uint64_t start = 0, ns = 0;
	CHECK_INT(bh_cg_parse_session_name(n, &pid, &start, &ns), 0);
	CHECK_INT(pid, 4242);
	CHECK_INT(start, 98765);
	CHECK(ns == 4026531836ull);

	/* Session ids are plain names: nothing that walks the tree. */
	CHECK(bh_cg_session_name("", 1, 1, 1) == NULL);
	CHECK(bh_cg_session_name("..", 1, 1, 1) == NULL);
	CHECK(bh_cg_session_name("a/b", 1, 1, 1) == NULL);
	CHECK(bh_cg_session_name("a b", 1, 1, 1) == NULL);
	CHECK(bh_cg_session_name("a", 0, 1, 1) == NULL);
	char longid[66];
	memset(longid, 'a', 65);
	longid[65] = '\0';
	CHECK(bh_cg_session_name(longid, 1, 1, 1) == NULL);
	longid[64] = '\0';
	cleanup_free char *ok = bh_cg_session_name(longid, 1, 1, 1);
	CHECK(ok != NULL);

	/* Other directories under bulkhead/ are not ours to sweep. */
	CHECK_INT(bh_cg_parse_session_name("x-1-2-3", &pid, &start, &ns), 0);
	CHECK_INT(bh_cg_parse_session_name("1-2-3", &pid, &start, &ns), -22);
	CHECK_INT(bh_cg_parse_session_name("-1-2-3", &pid, &start, &ns), -22);
	CHECK_INT(bh_cg_parse_session_name("x-1-2", &pid, &start, &ns), -22);
	CHECK_INT(bh_cg_parse_session_name("x-0-2-3", &pid, &start, &ns), -22);
	CHECK_INT(bh_cg_parse_session_name("x-99999999-2-3", &pid, &start, &ns),
		  -22);
	CHECK_INT(bh_cg_parse_session_name("x-1-2-", &pid, &start, &ns), -22);
	CHECK_INT(bh_cg_parse_session_name("x-1-2-3a", &pid, &start, &ns), -22);
	CHECK_INT(bh_cg_parse_session_name("x y-1-2-3", &pid, &start, &ns),
		  -22);
	CHECK_INT(bh_cg_parse_session_name("user.slice", &pid, &start, &ns),
		  -22);
	CHECK_INT(bh_cg_parse_session_name("", &pid, &start, &ns), -22);
}

TEST(cgroup_stat_start)
{
	uint64_t st = 0;
	const char *plain =
	    "1234 (bash) S 1 1234 1234 34816 1234 4194304 100 0 0 0 1 2 0 "
	    "0 20 0 1 0 98765 8192 100 18446744073709551615\n";
	CHECK_INT(bh_cg_parse_stat_start(plain, &st), 0);
	CHECK_INT(st, 98765);
	/* A command name can hold ") " to fool a naive split. */
	const char *tricky =
	    "99 (a) S 1 2 3) R 1 99 99 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 "
	    "1 0 4242 0 0\n";
	CHECK_INT(bh_cg_parse_stat_start(tricky, &st), 0);
	CHECK_INT(st, 4242);
	CHECK_INT(bh_cg_parse_stat_start("1 (x) S 1 2", &st), -22);
	CHECK_INT(bh_cg_parse_stat_start("no paren", &st), -22);
}

TEST(cgroup_pid_lists)
{
	pid_t v[4];
	CHECK_INT(bh_cg_parse_pids("", v, 4), 0);
	CHECK_INT(bh_cg_parse_pids("12\n34\n", v, 4), 2);
	CHECK_INT(v[0], 12);
	CHECK_INT(v[1], 34);
	/* More than fit: the count says so, the array stays in bounds. */
	CHECK_INT(bh_cg_parse_pids("1\n2\n3\n4\n5\n6\n", v, 4), 6);
	CHECK_INT(v[3], 4);
	CHECK_INT(bh_cg_parse_pids("1\n2\n", NULL, 0), 2);
	/* Pids outside our namespace read as 0: not ours to signal. */
	CHECK_INT(bh_cg_parse_pids("0\n7\n", v, 4), 1);
	CHECK_INT(v[0], 7);
}
