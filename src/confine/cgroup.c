/* SPDX-License-Identifier: MIT */
/*
 * Session cgroups: limits that hold for the whole process tree (memory,
 * tasks, CPU bandwidth) and a lifetime that no process of the session can
 * outlive (DESIGN.md decision 3, issue 3 item 4).
 *
 * What this defends against: a fork bomb or a memory hog in the sandbox
 * harming the host, and a daemon that left the process group and session
 * (setsid -f, double fork) outliving the session.  What it assumes: the
 * sandbox cannot write to the cgroup file system.  As root the session's
 * files belong to root and the sandbox runs as another uid; in a subtree
 * delegated to an unprivileged caller they belong to the caller, whose uid
 * the sandbox shares, so it is the tier's mounts and Landlock rules that
 * keep the sandbox from raising its own limits or leaving its cgroup
 * (docs/limits.md).
 *
 * Hosts come in three layouts: cgroup v2 only, v1 only, and hybrids where
 * cgroup2 is mounted beside v1 hierarchies that hold the controllers (this
 * project's CI machines: v2 has only hugetlb).  Each limit goes where its
 * controller is; v2 serves lifetime (cgroup.kill, CLONE_INTO_CGROUP) even
 * without controllers.  Every limit written is read back before it is
 * reported: the report never claims what the kernel does not show.
 */
#include "confine/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "confine/cgroup_fs.h"
#include "confine/cgroup_internal.h"
#include "confine/compat.h"
#include "core/fsutil.h"
#include "core/strbuf.h"
#include "core/util.h"

static const enum bh_limit_kind ctrl_limit[BH_CG__COUNT] = {
    BH_LIMIT_MEMORY, BH_LIMIT_PIDS, BH_LIMIT_CPU};

enum cg_mech { MECH_NONE = 0, MECH_V2, MECH_V1 };

struct bh_cgroup {
	char *name;
	struct bh_cgfs_dir v2;
	struct bh_cgfs_dir v1[BH_CG__COUNT]; /* one per v1 hierarchy used */
	int v1_slot[BH_CG__COUNT]; /* controller -> v1[] index, or -1 */
	enum cg_mech mech[BH_CG__COUNT];
	bool delegated; /* in a subtree the (unprivileged) caller owns */
	bool force_kill_loop;
	bool removed;
	pid_t guard_pid;   /* bh_cgroup_guard()'s process, or 0 */
	pid_t guard_owner; /* the process that forked it */
	int guard_fd;	   /* its pipe: a byte says "removed, go" */
};

/*
 * Limits.  Each setter returns 0 when the limit holds (read back), 1 when
 * it could not be written (soft: *reason says why, the caller falls back),
 * or -errno when it was written and reads back otherwise (an error: the
 * kernel and the report would disagree).
 */

struct limit_ctx {
	const struct bh_policy *p;
	struct bh_report *rep;
	char *reason[BH_CG__COUNT];
	bool host_swap;
	uint64_t page;
};

/* Reasons add up: "cgroup v2 at X has no memory controller, cgroup v1
 * memory: mkdir ...: Permission denied". */
static void set_reason(struct limit_ctx *lc, int c, char *r)
{
	if (lc->reason[c]) {
		char *both = bh_xasprintf("%s, %s", lc->reason[c], r);
		free(lc->reason[c]);
		free(r);
		r = both;
	}
	lc->reason[c] = r;
}

static int readback_error(const char *dir, const char *file, const char *wrote,
			  struct bh_error **err)
{
	cleanup_free char *got = NULL;
	if (bh_cgfs_read(dir, file, BH_CG_MAX_SMALL, &got) == 0)
		got[strcspn(got, "\n")] = '\0';
	return bh_error_set(err, BH_EK_SYSTEM, EIO,
			    "cgroup: %s/%s reads back \"%s\" after writing "
			    "\"%s\"",
			    dir, file, got ? got : "(unreadable)", wrote);
}

/* Writes v (decimal) to dir/file and checks it, exactly or, with a page
 * size, as memory.  0, 1 with *reason (caller frees), or -EIO. */
static int write_checked(const char *mech, const char *dir, const char *file,
			 uint64_t v, uint64_t page, char **reason,
			 struct bh_error **err)
{
	char num[24];
	uint64_t got;
	bh_cg_format_u64_max(num, sizeof(num), v);
	int r = bh_cgfs_write(dir, file, num);
	if (r < 0) {
		*reason =
		    bh_xasprintf("%s %s/%s: %s", mech, dir, file, strerror(-r));
		return 1;
	}
	if (bh_cgfs_read_u64(dir, file, &got) != 0 ||
	    !(page ? bh_cg_memory_readback_ok(v, got, page) : got == v))
		return readback_error(dir, file, num, err);
	return 0;
}

static void report_limit(struct limit_ctx *lc, int c, enum bh_enforcement st,
			 const char *mech, const char *detail)
{
	const struct bh_limit_rule *l = &lc->p->limits[ctrl_limit[c]];
	if (!lc->rep)
		return;
	cleanup_free char *val = bh_limit_to_text(ctrl_limit[c], l->value);
	cleanup_free char *rule =
	    bh_xasprintf("limit %s %s", bh_limit_name(ctrl_limit[c]), val);
	bh_report_add(lc->rep, BH_RC_LIMIT, st, rule,
		      l->loc.file ? &l->loc : NULL, mech, "%s", detail);
}

/*
 * Memory: the limit alone is not the whole story, since swap lets a tree
 * hold more than the limit unless swap is limited too (memory.swap.max in
 * v2, memory.memsw.limit_in_bytes for memory+swap in v1, which must not be
 * below the memory limit, so it comes second).
 */
static int apply_memory(struct limit_ctx *lc, const char *dir, bool v2,
			struct bh_error **err)
{
	const char *mech = v2 ? "cgroup v2" : "cgroup v1";
	const char *mfile = v2 ? "memory.max" : "memory.limit_in_bytes";
	const char *sfile =
	    v2 ? "memory.swap.max" : "memory.memsw.limit_in_bytes";
	uint64_t bytes = lc->p->limits[BH_LIMIT_MEMORY].value;
	char *reason = NULL;
	int r = write_checked(mech, dir, mfile, bytes, lc->page, &reason, err);
	if (r == 1)
		set_reason(lc, BH_CG_MEMORY, reason);
	if (r != 0)
		return r;

	cleanup_free char *swap_why = NULL;
	if (!bh_cgfs_exists(dir, sfile))
		swap_why =
		    bh_xasprintf("%s is missing (swap accounting off)", sfile);
	else if (write_checked(mech, dir, sfile, v2 ? 0 : bytes, lc->page,
			       &swap_why, err) < 0)
		return -EIO;
	cleanup_free char *detail = NULL;
	if (!swap_why)
		detail = bh_xasprintf(
		    v2 ? "%s/memory.max %" PRIu64 ", memory.swap.max 0"
		       : "%s/memory.limit_in_bytes and "
			 "memory.memsw.limit_in_bytes %" PRIu64
			 " (memory and swap together)",
		    dir, bytes);
	else
		detail = bh_xasprintf("%s/%s %" PRIu64 "; swap is not limited: "
				      "%s%s",
				      dir, mfile, bytes, swap_why,
				      lc->host_swap
					  ? ", and this host has swap, so the "
					    "tree can hold more by swapping"
					  : ", but this host has no swap");
	report_limit(lc, BH_CG_MEMORY,
		     swap_why && lc->host_swap ? BH_ENF_DEGRADED
					       : BH_ENF_ENFORCED,
		     mech, detail);
	return 0;
}

static int apply_pids(struct limit_ctx *lc, const char *dir, bool v2,
		      struct bh_error **err)
{
	const char *mech = v2 ? "cgroup v2" : "cgroup v1";
	uint64_t n = lc->p->limits[BH_LIMIT_PIDS].value;
	char *reason = NULL;
	int r = write_checked(mech, dir, "pids.max", n, 0, &reason, err);
	if (r == 1)
		set_reason(lc, BH_CG_PIDS, reason);
	if (r != 0)
		return r;
	cleanup_free char *detail = bh_xasprintf(
	    "%s/pids.max %" PRIu64 " (processes and threads of the whole "
	    "tree)",
	    dir, n);
	report_limit(lc, BH_CG_PIDS, BH_ENF_ENFORCED, mech, detail);
	return 0;
}

static int apply_cpu(struct limit_ctx *lc, const char *dir, bool v2,
		     struct bh_error **err)
{
	uint64_t quota, period, gq, gp;
	bh_cg_cpu_quota(lc->p->limits[BH_LIMIT_CPU].value, &quota, &period);
	cleanup_free char *detail = NULL;
	if (v2) {
		char val[64];
		snprintf(val, sizeof(val), "%" PRIu64 " %" PRIu64, quota,
			 period);
		int r = bh_cgfs_write(dir, "cpu.max", val);
		if (r < 0) {
			set_reason(lc, BH_CG_CPU,
				   bh_xasprintf("cgroup v2 %s/cpu.max: %s", dir,
						strerror(-r)));
			return 1;
		}
		cleanup_free char *got = NULL;
		if (bh_cgfs_read(dir, "cpu.max", BH_CG_MAX_SMALL, &got) != 0 ||
		    bh_cg_parse_cpu_max(got, &gq, &gp) != 0 || gq != quota ||
		    gp != period)
			return readback_error(dir, "cpu.max", val, err);
		detail = bh_xasprintf("%s/cpu.max \"%s\" (microseconds of CPU "
				      "per period, for the whole tree)",
				      dir, val);
	} else {
		/* The period first: the quota is checked against it. */
		char *reason = NULL;
		int r = write_checked("cgroup v1", dir, "cpu.cfs_period_us",
				      period, 0, &reason, err);
		if (r == 0)
			r = write_checked("cgroup v1", dir, "cpu.cfs_quota_us",
					  quota, 0, &reason, err);
		if (r == 1)
			set_reason(lc, BH_CG_CPU, reason);
		if (r != 0)
			return r;
		detail = bh_xasprintf("%s/cpu.cfs_quota_us %" PRIu64
				      " per cpu.cfs_period_us %" PRIu64
				      " (for the whole tree)",
				      dir, quota, period);
	}
	report_limit(lc, BH_CG_CPU, BH_ENF_ENFORCED,
		     v2 ? "cgroup v2" : "cgroup v1", detail);
	return 0;
}

static int apply_limit(struct limit_ctx *lc, int c, const char *dir, bool v2,
		       struct bh_error **err)
{
	switch (c) {
	case BH_CG_MEMORY:
		return apply_memory(lc, dir, v2, err);
	case BH_CG_PIDS:
		return apply_pids(lc, dir, v2, err);
	default:
		return apply_cpu(lc, dir, v2, err);
	}
}

static bool host_has_swap(void)
{
	cleanup_free char *s = NULL;
	if (bh_read_file("/proc/swaps", BH_CG_MAX_SMALL, &s, NULL, NULL) != 0)
		return true;		  /* unknown: assume the worse */
	const char *nl = strchr(s, '\n'); /* past the header */
	return nl && nl[1] != '\0';
}

/*
 * Creation.
 */

static void cgroup_free_dirs(struct bh_cgroup *cg)
{
	bh_cgfs_dir_free(&cg->v2);
	for (int i = 0; i < BH_CG__COUNT; i++)
		bh_cgfs_dir_free(&cg->v1[i]);
}

/* The v2 part: the session directory, and which controllers it has. */
static void create_v2(struct bh_cgroup *cg, const struct bh_cgfs_hier *h,
		      unsigned want, struct limit_ctx *lc, char **lifetime_why)
{
	struct bh_cgfs_place pl;
	cleanup_free char *why = NULL;
	int enable_err[BH_CG__COUNT] = {0};

	bh_cgfs_v2_place(h, &pl, &why);
	if (!pl.base) {
		*lifetime_why = steal_pointer(&why);
		for (int c = 0; c < BH_CG__COUNT; c++)
			if (want & (1u << c))
				set_reason(lc, c, bh_xstrdup(*lifetime_why));
		return;
	}
	unsigned enable = pl.controllers ? want : 0;
	if (bh_cgfs_make_dir(h, pl.base, cg->name, NULL, enable, enable_err,
			     &cg->v2, &why) != 0) {
		*lifetime_why = bh_xasprintf("cgroup v2: %s", why);
		for (int c = 0; c < BH_CG__COUNT; c++)
			if (want & (1u << c))
				set_reason(lc, c, bh_xstrdup(*lifetime_why));
		bh_cgfs_place_clear(&pl);
		return;
	}
	cg->delegated = pl.delegated;
	cleanup_free char *have = NULL;
	(void)bh_cgfs_read(cg->v2.path, "cgroup.controllers", BH_CG_MAX_SMALL,
			   &have);
	for (int c = 0; c < BH_CG__COUNT; c++) {
		if (!(want & (1u << c)))
			continue;
		if (have && bh_cg_list_has(have, bh_cg_ctrl_name[c]))
			cg->mech[c] = MECH_V2;
		else if (!pl.controllers)
			set_reason(lc, c,
				   bh_xasprintf("cgroup v2: only our own "
						"cgroup %s is delegated, and a "
						"cgroup with processes cannot "
						"hand controllers down",
						pl.base));
		else if (enable_err[c] && enable_err[c] != -ENOENT)
			set_reason(lc, c,
				   bh_xasprintf("cgroup v2: enabling +%s below "
						"%s: %s",
						bh_cg_ctrl_name[c], pl.base,
						strerror(-enable_err[c])));
		else
			set_reason(lc, c,
				   bh_xasprintf("cgroup v2: no %s controller "
						"in %s",
						bh_cg_ctrl_name[c], pl.base));
	}
	bh_cgfs_place_clear(&pl);
}

/* A v1 directory for controller c, shared with co-mounted controllers. */
static int v1_dir_for(struct bh_cgroup *cg, const struct bh_cgfs_layout *l,
		      int c, char **why)
{
	for (int o = 0; o < BH_CG__COUNT; o++) {
		if (o != c && cg->v1_slot[o] >= 0 && l->v1[o].mnt &&
		    !strcmp(l->v1[o].mnt, l->v1[c].mnt)) {
			cg->v1_slot[c] = cg->v1_slot[o];
			return cg->v1_slot[c];
		}
	}
	int slot = 0;
	while (cg->v1[slot].path)
		slot++;
	int unused[BH_CG__COUNT] = {0};
	int r =
	    bh_cgfs_make_dir(&l->v1[c], l->v1[c].mnt, cg->name,
			     bh_cg_ctrl_name[c], 0, unused, &cg->v1[slot], why);
	if (r < 0)
		return r;
	cg->v1_slot[c] = slot;
	return slot;
}

static bool v1_slot_used(const struct bh_cgroup *cg, int slot)
{
	for (int c = 0; c < BH_CG__COUNT; c++)
		if (cg->v1_slot[c] == slot && cg->mech[c] == MECH_V1)
			return true;
	return false;
}

static void create_v1(struct bh_cgroup *cg, const struct bh_cgfs_layout *l,
		      unsigned want, struct limit_ctx *lc)
{
	for (int c = 0; c < BH_CG__COUNT; c++) {
		if (!(want & (1u << c)) || cg->mech[c] != MECH_NONE)
			continue;
		if (!l->v1[c].mnt) {
			if (!l->v2.mnt)
				set_reason(lc, c,
					   bh_xasprintf("no cgroup hierarchy "
							"is mounted"));
			continue; /* the v2 reason stands */
		}
		cleanup_free char *why = NULL;
		if (v1_dir_for(cg, l, c, &why) < 0) {
			set_reason(lc, c, bh_xasprintf("cgroup v1: %s", why));
			continue;
		}
		cg->mech[c] = MECH_V1;
	}
}

/* Without v2, lifetime rests on one v1 directory even with no limit: the
 * pids hierarchy is the cheapest to be in. */
static void create_v1_lifetime(struct bh_cgroup *cg,
			       const struct bh_cgfs_layout *l,
			       char **lifetime_why)
{
	static const int order[] = {BH_CG_PIDS, BH_CG_MEMORY, BH_CG_CPU};
	for (size_t i = 0; i < BH_ARRAY_SIZE(order); i++) {
		int c = order[i];
		if (!l->v1[c].mnt)
			continue;
		cleanup_free char *why = NULL;
		if (v1_dir_for(cg, l, c, &why) >= 0)
			return;
		free(*lifetime_why);
		*lifetime_why =
		    bh_xasprintf("cgroup v1 %s: %s", bh_cg_ctrl_name[c], why);
	}
}

static void report_session(struct bh_report *rep, const struct bh_cgroup *cg)
{
	if (!rep)
		return;
	struct bh_strbuf sb = BH_STRBUF_INIT;
	if (cg->v2.path)
		bh_strbuf_printf(&sb, "%s (cgroup v2)", cg->v2.path);
	for (int i = 0; i < BH_CG__COUNT; i++)
		if (cg->v1[i].path)
			bh_strbuf_printf(&sb, "%s%s (cgroup v1)",
					 sb.len ? ", " : "", cg->v1[i].path);
	bh_strbuf_printf(&sb, "; the whole tree is killed at the end %s",
			 cg->v2.path ? "with cgroup.kill"
				     : "by a loop over cgroup.procs");
	if (cg->delegated)
		bh_strbuf_printf(&sb,
				 "; in a subtree delegated to uid %u, "
				 "whose files the sandbox must not reach",
				 (unsigned)geteuid());
	cleanup_free char *detail = bh_strbuf_steal(&sb);
	bh_report_add(rep, BH_RC_INFO, BH_ENF_ENFORCED, "session cgroup", NULL,
		      cg->v2.path ? "cgroup v2" : "cgroup v1", "%s", detail);
}

static char *join_reasons(struct limit_ctx *lc, unsigned unmet_ctrl,
			  const char *lifetime_why)
{
	struct bh_strbuf sb = BH_STRBUF_INIT;
	for (int c = 0; c < BH_CG__COUNT; c++)
		if (unmet_ctrl & (1u << c))
			bh_strbuf_printf(&sb, "%s%s: %s", sb.len ? "; " : "",
					 bh_cg_ctrl_name[c],
					 lc->reason[c] ? lc->reason[c]
						       : "no cgroup");
	if (!sb.len && lifetime_why)
		bh_strbuf_printf(&sb, "no cgroup: %s", lifetime_why);
	return sb.len ? bh_strbuf_steal(&sb) : NULL;
}

int bh_cgroup_create(const char *session_id, const struct bh_policy *p,
		     struct bh_report *rep, struct bh_cgroup **out,
		     unsigned *unmet, char **why, struct bh_error **err)
{
	struct bh_cgfs_layout l;
	struct limit_ctx lc = {.p = p, .rep = rep};
	cleanup_free char *lifetime_why = NULL;
	unsigned want = 0;
	uint64_t start, pidns;
	int r = 0;

	*out = NULL;
	*unmet = 0;
	*why = NULL;
	for (int c = 0; c < BH_CG__COUNT; c++)
		if (p->limits[ctrl_limit[c]].set) {
			want |= 1u << c;
			*unmet |= 1u << ctrl_limit[c];
		}

	bh_cgfs_self_identity(&start, &pidns);
	cleanup_free char *name =
	    bh_cg_session_name(session_id, getpid(), start, pidns);
	if (!name)
		return bh_error_set(err, BH_EK_SYSTEM, EINVAL,
				    "cgroup: session id \"%s\" is not a plain "
				    "name",
				    session_id);

	struct bh_cgroup *cg = bh_xcalloc(1, sizeof(*cg));
	cg->name = steal_pointer(&name);
	cg->guard_fd = -1;
	bh_cgfs_dir_init(&cg->v2);
	for (int c = 0; c < BH_CG__COUNT; c++) {
		bh_cgfs_dir_init(&cg->v1[c]);
		cg->v1_slot[c] = -1;
	}
	lc.host_swap = host_has_swap();
	lc.page = (uint64_t)sysconf(_SC_PAGESIZE);

	if (bh_cgfs_layout_read(&l, &lifetime_why) == 0) {
		if (l.v2.mnt)
			create_v2(cg, &l.v2, want, &lc, &lifetime_why);
		else
			lifetime_why = bh_xstrdup("no cgroup2 file system "
						  "is mounted");
		create_v1(cg, &l, want, &lc);
	}

	/* Limits, each where its controller is. */
	for (int c = 0; c < BH_CG__COUNT && r >= 0; c++) {
		if (cg->mech[c] == MECH_NONE)
			continue;
		bool v2 = cg->mech[c] == MECH_V2;
		const char *dir =
		    v2 ? cg->v2.path : cg->v1[cg->v1_slot[c]].path;
		r = apply_limit(&lc, c, dir, v2, err);
		if (r == 1) {
			cg->mech[c] = MECH_NONE;
			r = 0;
		}
	}
	/* v1 directories left without a limit would only hold processes. */
	for (int i = 0; i < BH_CG__COUNT && r >= 0; i++) {
		if (!cg->v1[i].path || v1_slot_used(cg, i))
			continue;
		(void)bh_cgfs_remove_tree(cg->v1[i].path);
		bh_cgfs_remove_parent(cg->v1[i].parent);
		bh_cgfs_dir_free(&cg->v1[i]);
		for (int c = 0; c < BH_CG__COUNT; c++)
			if (cg->v1_slot[c] == i)
				cg->v1_slot[c] = -1;
	}
	if (r >= 0 && l.any_v1 && !cg->v2.path && cg->v1_slot[BH_CG_PIDS] < 0 &&
	    cg->v1_slot[BH_CG_MEMORY] < 0 && cg->v1_slot[BH_CG_CPU] < 0)
		create_v1_lifetime(cg, &l, &lifetime_why);
	bh_cgfs_layout_clear(&l);

	unsigned unmet_ctrl = 0;
	for (int c = 0; c < BH_CG__COUNT; c++)
		if (want & (1u << c) && cg->mech[c] == MECH_NONE)
			unmet_ctrl |= 1u << c;
		else if (want & (1u << c))
			*unmet &= ~(1u << ctrl_limit[c]);
	bool any = cg->v2.path != NULL;
	for (int i = 0; i < BH_CG__COUNT; i++)
		any = any || cg->v1[i].path != NULL;

	if (r < 0 || !any) {
		bh_cgroup_destroy(cg);
		cg = NULL;
	}
	if (r >= 0) {
		*why = join_reasons(&lc, any ? unmet_ctrl : want,
				    any ? NULL : lifetime_why);
		if (cg)
			report_session(rep, cg);
		*out = cg;
	}
	for (int c = 0; c < BH_CG__COUNT; c++)
		free(lc.reason[c]);
	return r;
}

/*
 * Use.
 */

int bh_cgroup_fd(const struct bh_cgroup *cg)
{
	return cg ? cg->v2.dir_fd : -1;
}

/* Async-signal-safe: no allocation, no stdio, no locks. */
static size_t format_pid(char *buf, pid_t pid)
{
	char tmp[16];
	size_t n = 0, k = 0;
	unsigned long v = pid > 0 ? (unsigned long)pid : 0;
	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (n)
		buf[k++] = tmp[--n];
	return k;
}

static int add_to(const struct bh_cgroup *cg, pid_t pid, bool with_v2)
{
	char buf[16];
	size_t len = format_pid(buf, pid);
	int first = 0;
	if (!cg || cg->removed)
		return -EINVAL;
	const struct bh_cgfs_dir *dirs[1 + BH_CG__COUNT] = {
	    with_v2 ? &cg->v2 : NULL, &cg->v1[0], &cg->v1[1], &cg->v1[2]};
	for (size_t i = 0; i < BH_ARRAY_SIZE(dirs); i++) {
		if (!dirs[i])
			continue;
		if (dirs[i]->procs_fd < 0)
			continue;
		ssize_t w = write(dirs[i]->procs_fd, buf, len);
		if (w != (ssize_t)len && !first)
			first = w < 0 ? -errno : -EIO;
	}
	return first;
}

int bh_cgroup_add(const struct bh_cgroup *cg, pid_t pid)
{
	return add_to(cg, pid, true);
}

int bh_cgroup_add_v1(const struct bh_cgroup *cg, pid_t pid)
{
	return add_to(cg, pid, false);
}

unsigned bh_cgroup_kill(struct bh_cgroup *cg)
{
	unsigned n = 0;
	if (!cg || cg->removed)
		return 0;
	if (cg->v2.path)
		n += bh_cgfs_kill(&cg->v2, !cg->force_kill_loop);
	/* Anything that joined only the v1 hierarchies. */
	for (int i = 0; i < BH_CG__COUNT; i++)
		if (cg->v1[i].path)
			n += bh_cgfs_kill(&cg->v1[i], false);
	return n;
}

static const char *limit_dir(const struct bh_cgroup *cg, int c)
{
	switch (cg->mech[c]) {
	case MECH_V2:
		return cg->v2.path;
	case MECH_V1:
		return cg->v1[cg->v1_slot[c]].path;
	default:
		return NULL;
	}
}

void bh_cgroup_peaks(const struct bh_cgroup *cg, struct bh_cgroup_peaks *pk)
{
	memset(pk, 0, sizeof(*pk));
	if (!cg || cg->removed)
		return;
	/* Without a limit, v2 may still account (controllers enabled by
	 * someone else): use what is there. */
	const char *mem = limit_dir(cg, BH_CG_MEMORY);
	bool mem_v1 = cg->mech[BH_CG_MEMORY] == MECH_V1;
	if (!mem && cg->v2.path && bh_cgfs_exists(cg->v2.path, "memory.events"))
		mem = cg->v2.path;
	if (mem) {
		(void)bh_cgfs_read_u64(
		    mem, mem_v1 ? "memory.max_usage_in_bytes" : "memory.peak",
		    &pk->memory_bytes);
		(void)bh_cgfs_read_keyed(
		    mem, mem_v1 ? "memory.oom_control" : "memory.events",
		    "oom_kill", &pk->oom_kills);
	}
	const char *pids = limit_dir(cg, BH_CG_PIDS);
	if (!pids && cg->v2.path && bh_cgfs_exists(cg->v2.path, "pids.events"))
		pids = cg->v2.path;
	if (pids) {
		(void)bh_cgfs_read_u64(pids, "pids.peak", &pk->pids);
		(void)bh_cgfs_read_keyed(pids, "pids.events", "max",
					 &pk->pids_refused);
	}
	if (pk->memory_bytes == UINT64_MAX)
		pk->memory_bytes = 0;
}

const char *bh_cgroup_dir(const struct bh_cgroup *cg, enum bh_limit_kind k)
{
	if (!cg || cg->removed)
		return NULL;
	for (int c = 0; c < BH_CG__COUNT; c++)
		if (ctrl_limit[c] == k)
			return limit_dir(cg, c);
	if (k != BH_LIMIT__COUNT)
		return NULL;
	if (cg->v2.path)
		return cg->v2.path;
	for (int i = 0; i < BH_CG__COUNT; i++)
		if (cg->v1[i].path)
			return cg->v1[i].path;
	return NULL;
}

/*
 * The guard.  A supervisor killed with SIGKILL cannot kill its tree or
 * remove its cgroups, and the sweep only runs when the next session starts.
 * So a small process, forked from the supervisor but outside the session's
 * cgroups, waits for the supervisor to die (a pidfd, and a pipe for kernels
 * without one) and then does what bh_cgroup_remove() would have.  When the
 * supervisor removes the cgroups itself, it says so with one byte and the
 * guard leaves.  The guard keeps no other descriptor and no terminal, and
 * ignores the signals a terminal sends to its process group.
 */

static void guard_release(struct bh_cgroup *cg)
{
	if (cg->guard_owner != getpid())
		return; /* a fork of the supervisor: not ours to release */
	if (cg->guard_fd >= 0) {
		(void)!write(cg->guard_fd, "d", 1);
		close(cg->guard_fd);
		cg->guard_fd = -1;
	}
	if (cg->guard_pid > 0) {
		/* It may have been reaped already by a reaper of ours. */
		while (waitpid(cg->guard_pid, NULL, 0) < 0 && errno == EINTR)
			;
		cg->guard_pid = 0;
	}
}

static void guard_forget_fds(struct bh_cgroup *cg)
{
	cg->v2.procs_fd = cg->v2.dir_fd = -1;
	for (int i = 0; i < BH_CG__COUNT; i++)
		cg->v1[i].procs_fd = cg->v1[i].dir_fd = -1;
	cg->guard_fd = -1;
	cg->guard_pid = 0;
}

static _Noreturn void guard_main(struct bh_cgroup *cg, pid_t supervisor,
				 int rfd)
{
	static const int ignored[] = {SIGINT,  SIGTERM, SIGHUP,	 SIGQUIT,
				      SIGPIPE, SIGTSTP, SIGTTIN, SIGTTOU};
	sigset_t none;

	(void)setsid();
	for (size_t i = 0; i < BH_ARRAY_SIZE(ignored); i++)
		signal(ignored[i], SIG_IGN);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	guard_forget_fds(cg);
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	for (int fd = 0; fd < 3 && null >= 0; fd++)
		(void)dup2(null, fd);
	/* Every descriptor but the pipe. */
	if (rfd > 3)
		(void)syscall(__NR_close_range, 3, rfd - 1, 0);
	(void)syscall(__NR_close_range, rfd + 1, ~0U, 0);

	int pfd = (int)syscall(SYS_pidfd_open, supervisor, 0);
	if (getppid() == supervisor) {
		struct pollfd fds[2] = {{rfd, POLLIN, 0}, {pfd, POLLIN, 0}};
		while (poll(fds, pfd >= 0 ? 2 : 1, -1) < 0 && errno == EINTR)
			;
		char c;
		if ((fds[0].revents & POLLIN) && read(rfd, &c, 1) == 1)
			_exit(0); /* removed by the supervisor */
	}
	(void)bh_cgroup_remove(cg, NULL);
	_exit(0);
}

int bh_cgroup_guard(struct bh_cgroup *cg, struct bh_error **err)
{
	int p[2];
	if (!cg || cg->removed || cg->guard_pid > 0)
		return 0;
	if (pipe2(p, O_CLOEXEC) != 0)
		return bh_error_sys(err, errno, "cgroup guard: pipe");
	pid_t sup = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(p[0]);
		close(p[1]);
		return bh_error_sys(err, e, "cgroup guard: fork");
	}
	if (pid == 0) {
		close(p[1]);
		guard_main(cg, sup, p[0]);
	}
	close(p[0]);
	cg->guard_fd = p[1];
	cg->guard_pid = pid;
	cg->guard_owner = sup;
	return 0;
}

int bh_cgroup_remove(struct bh_cgroup *cg, struct bh_error **err)
{
	int first = 0;
	const char *failed = NULL;
	if (!cg || cg->removed)
		return 0;
	(void)bh_cgroup_kill(cg);
	struct bh_cgfs_dir *dirs[1 + BH_CG__COUNT] = {&cg->v2, &cg->v1[0],
						      &cg->v1[1], &cg->v1[2]};
	for (size_t i = 0; i < BH_ARRAY_SIZE(dirs); i++) {
		if (!dirs[i]->path)
			continue;
		bh_cgfs_dir_close(dirs[i]);
		int r = bh_cgfs_remove_tree(dirs[i]->path);
		if (r < 0 && !first) {
			first = r;
			failed = dirs[i]->path;
		}
		/* Shared by every session: gone once the last one is. */
		bh_cgfs_remove_parent(dirs[i]->parent);
	}
	if (first)
		bh_error_sys(err, -first,
			     "cgroup: removing %s (the next session's sweep "
			     "will retry)",
			     failed);
	cgroup_free_dirs(cg);
	cg->removed = true;
	guard_release(cg);
	return first;
}

void bh_cgroup_destroy(struct bh_cgroup *cg)
{
	if (!cg)
		return;
	(void)bh_cgroup_remove(cg, NULL);
	cgroup_free_dirs(cg);
	free(cg->name);
	free(cg);
}

void bh_cgroup_test_force_kill_loop(struct bh_cgroup *cg)
{
	cg->force_kill_loop = true;
}
