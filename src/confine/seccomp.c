/* SPDX-License-Identifier: MIT */
/*
 * The syscall filter: the default deny list (seccomp_table.c) plus the
 * profile's changes, compiled with libseccomp and exported as BPF in the
 * parent, so the pre-exec child installs it with one system call.
 *
 * What it defends against: kernel attack surface a coding agent never
 * needs (io_uring, bpf, perf, userfaultfd, keyrings, the mount API, new
 * namespaces, file handles), reaching into other processes (ptrace and
 * friends), terminal injection, and network paths Landlock does not see
 * (UDP, raw, packet and rare socket families, MPTCP, SCTP, TCP Fast Open).
 * threats.md #37, #53-55, #59-65.
 *
 * What it assumes: one native ABI.  Every other architecture token (i386
 * through int 0x80 or sysenter on x86_64, arm32 on arm64) and the x32
 * numbers (nr | 0x40000000) kill the process: libseccomp 2.5.4's x86_64
 * filter sends any nr >= 0x40000000 other than -1 to the bad-arch action
 * when the x32 ABI is not in the filter (checked by a unit test).  The
 * child sets no_new_privs itself; the filter is the last step before exec.
 *
 * Shape: the default action is ALLOW (a list of refusals, as Docker's and
 * bubblewrap's), so every refusal has to be a positive match, for every
 * bit pattern the kernel may receive in a 64-bit argument register:
 *   - an int or unsigned int argument is compared under the mask
 *     0xffffffff (the kernel truncates it; a 64-bit EQ is bypassed by
 *     setting bit 32: CVE-2019-10063);
 *   - "not one of a few values" is refused as aligned blocks of every
 *     other small value plus one "greater than 63" rule, so a high bit can
 *     turn an allowed value into a refused one, never the reverse;
 *   - pointer arguments (clone3's struct, paths) are never inspected.
 * libseccomp 2.5.4 rejects two comparisons on one argument in one rule
 * (-EINVAL), which is why ranges are written as several rules.
 */
#include "confine/seccomp.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <seccomp.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "confine/seccomp_table.h"
#include "core/strbuf.h"
#include "core/sha256.h"
#include "core/util.h"

#define MECHANISM "seccomp"

/* ---- names ------------------------------------------------------------ */

/* The native number of a system call name: >= 0; a libseccomp pseudo
 * number (< -1) for a call of another ABI only (vm86, socketcall); or
 * __NR_SCMP_ERROR when nobody knows the name. */
static int sc_resolve(const char *name)
{
	int nr = seccomp_syscall_resolve_name(name);
	if (nr != __NR_SCMP_ERROR)
		return nr;
	for (const struct sc_extra *x = sc_extras(); x->name; x++)
		if (strcmp(x->name, name) == 0)
			return x->nr;
	return __NR_SCMP_ERROR;
}

static bool in_list(const char *const *list, const char *name)
{
	for (; *list; list++)
		if (strcmp(*list, name) == 0)
			return true;
	return false;
}

/* A group a profile can name, or NULL. */
static const struct sc_group *group_by_name(const char *name)
{
	for (const struct sc_group *g = sc_groups(); g->rule; g++)
		if (g->name && strcmp(g->name, name) == 0)
			return g;
	return NULL;
}

/* The group whose default entries include the system call `name`. */
static const struct sc_group *group_of(const char *name)
{
	for (const struct sc_group *g = sc_groups(); g->rule; g++)
		for (const struct sc_entry *e = g->entries; e->name; e++)
			if (strcmp(e->name, name) == 0)
				return g;
	return NULL;
}

/* Optimal string alignment distance (Levenshtein plus transposition),
 * UINT_MAX for names too long to be system calls. */
static unsigned edit_distance(const char *a, const char *b)
{
	enum { MAXLEN = 48 };
	size_t la = strlen(a), lb = strlen(b);
	if (la >= MAXLEN || lb >= MAXLEN)
		return UINT_MAX;
	unsigned d[MAXLEN][MAXLEN];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = (unsigned)i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			unsigned cost = a[i - 1] != b[j - 1];
			unsigned v = d[i - 1][j - 1] + cost;
			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[la][lb];
}

/* Every name a profile could have meant: the native table, the extras and
 * the groups.  Caller frees with bh_strv_free(). */
static char **known_names(void)
{
	char **v = NULL;
	size_t n = 0;
	for (int nr = 0; nr < 1024; nr++) {
		char *s =
		    seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
		if (s)
			bh_strv_push(&v, &n, s);
	}
	for (const struct sc_extra *x = sc_extras(); x->name; x++)
		bh_strv_push(&v, &n, bh_xstrdup(x->name));
	for (const struct sc_group *g = sc_groups(); g->rule; g++)
		if (g->name)
			bh_strv_push(&v, &n, bh_xstrdup(g->name));
	return v;
}

/* The closest known name within distance 2, or NULL.  Points into names. */
static const char *closest_name(const char *name, char *const *names)
{
	const char *best = NULL;
	unsigned best_d = 3;
	for (; *names; names++) {
		if ((name[0] == '@') != ((*names)[0] == '@'))
			continue;
		unsigned d = edit_distance(name, *names);
		if (d < best_d) {
			best_d = d;
			best = *names;
		}
	}
	return best;
}

static char *group_list(void)
{
	struct bh_strbuf sb = BH_STRBUF_INIT;
	for (const struct sc_group *g = sc_groups(); g->rule; g++)
		if (g->name)
			bh_strbuf_printf(&sb, "%s%s", sb.len ? " " : "",
					 g->name);
	return bh_strbuf_steal(&sb);
}

/* ---- validation ------------------------------------------------------- */

/* Fills err with "file:line:col: what" and the hint (may be NULL). */
static int rule_error(const struct bh_syscall_rule *r, const char *what,
		      const char *hint, struct bh_error **err)
{
	bool fresh = err && !*err;
	int ret = bh_error_set(err, BH_EK_PROFILE, EINVAL, "%s:%u:%u: %s",
			       r->loc.file ? r->loc.file : "(profile)",
			       r->loc.line, r->loc.col, what);
	if (fresh && hint)
		bh_error_hint(*err, "%s", hint);
	return ret;
}

static int unknown_name(const struct bh_syscall_rule *r, struct bh_error **err)
{
	bool group = r->name[0] == '@';
	cleanup_strv char **names = known_names();
	const char *best = closest_name(r->name, names);
	cleanup_free char *groups = group_list();
	cleanup_free char *what = bh_xasprintf("unknown system call%s '%s'",
					       group ? " group" : "", r->name);
	cleanup_free char *hint =
	    best    ? bh_xasprintf("did you mean '%s'?", best)
	    : group ? bh_xasprintf("groups: %s", groups)
		    : bh_xasprintf("names are those of syscalls(2) on "
				   "this architecture, or a group: %s",
				   groups);
	return rule_error(r, what, hint, err);
}

static int check_rule(const struct bh_syscall_rule *r, struct bh_error **err)
{
	if (!r->name || !r->name[0])
		return rule_error(r, "empty system call name", NULL, err);
	if (r->name[0] == '@')
		return group_by_name(r->name) ? 0 : unknown_name(r, err);
	if (sc_resolve(r->name) == __NR_SCMP_ERROR)
		return unknown_name(r, err);
	if (r->allow && in_list(sc_net_governed(), r->name)) {
		cleanup_free char *what = bh_xasprintf(
		    "'%s' cannot be allowed by a seccomp rule: sockets "
		    "follow the net rules",
		    r->name);
		return rule_error(r, what,
				  "`net unix` allows unix sockets; see "
				  "docs/seccomp.md",
				  err);
	}
	if (!r->allow && in_list(sc_essential(), r->name)) {
		cleanup_free char *what = bh_xasprintf(
		    "system call '%s' cannot be denied: the sandbox needs "
		    "it to start the command",
		    r->name);
		return rule_error(r, what, NULL, err);
	}
	return 0;
}

int bh_seccomp_validate(const struct bh_policy *p, struct bh_error **err)
{
	for (size_t i = 0; i < p->n_syscalls; i++) {
		int r = check_rule(&p->syscalls[i], err);
		if (r)
			return r;
	}
	return 0;
}

/* ---- the plan: defaults, then the profile's changes in order ----------- */

struct plan_item {
	struct sc_entry e;	    /* e.name is static or the policy's */
	const struct sc_group *grp; /* for the report; NULL outside groups */
	int nr;			    /* < 0: not a call of this ABI */
	bool on;
};

struct plan {
	struct plan_item *v;
	size_t n, cap;
};

static void plan_release(struct plan *pl)
{
	free(pl->v);
}

static void plan_push(struct plan *pl, const struct sc_entry *e,
		      const struct sc_group *grp)
{
	bh_xgrow((void **)&pl->v, &pl->cap, pl->n + 1, sizeof(*pl->v));
	pl->v[pl->n++] = (struct plan_item){
	    .e = *e, .grp = grp, .nr = sc_resolve(e->name), .on = true};
}

/* Turns off every refusal of `name`; returns how many there were. */
static size_t plan_off(struct plan *pl, const char *name)
{
	size_t n = 0;
	for (size_t i = 0; i < pl->n; i++) {
		if (pl->v[i].on && strcmp(pl->v[i].e.name, name) == 0) {
			pl->v[i].on = false;
			n++;
		}
	}
	return n;
}

/*
 * One profile change.  `allow NAME` removes every refusal of NAME (its
 * argument rules too); `allow @group` does that for each member.
 * `deny NAME` refuses every call of NAME with EPERM (clone3: ENOSYS, so
 * libc still falls back to clone); `deny @group` restores the group's
 * default rules, so `deny @ns` does not refuse plain clone().  Later
 * changes win.  Returns a note for the report, or NULL.
 */
static const char *plan_apply(struct plan *pl, const struct bh_syscall_rule *r)
{
	const struct sc_group *g =
	    r->name[0] == '@' ? group_by_name(r->name) : NULL;
	if (g) {
		for (const struct sc_entry *e = g->entries; e->name; e++)
			plan_off(pl, e->name);
		if (!r->allow)
			for (const struct sc_entry *e = g->entries; e->name;
			     e++)
				plan_push(pl, e, g);
		return NULL;
	}
	size_t was = plan_off(pl, r->name);
	bool clone3 = strcmp(r->name, "clone3") == 0;
	if (r->allow) {
		if (clone3)
			return "clone3 passes its flags in memory the filter "
			       "cannot read: new namespaces can be created "
			       "through it";
		return was ? NULL : "not refused by default";
	}
	struct sc_entry e = {r->name, SC_ALL, clone3 ? ENOSYS : EPERM, 0};
	plan_push(pl, &e, group_of(r->name));
	if (clone3)
		return "answered with ENOSYS so that libc falls back to clone";
	if (sc_resolve(r->name) < 0)
		return "not a system call of this architecture: the "
		       "other-ABI kill covers it";
	return NULL;
}

/* ---- emitting rules ---------------------------------------------------- */

static int add_rule(scmp_filter_ctx ctx, uint32_t act, int nr, unsigned n,
		    const struct scmp_arg_cmp *cmp)
{
	return seccomp_rule_add_array(ctx, act, nr, n, cmp);
}

static uint64_t low_bits(unsigned n)
{
	return n >= 64 ? ~0ULL : (1ULL << n) - 1;
}

/*
 * Refuses every value of argument `arg` outside `allowed` (a bit set over
 * 0 .. 2^bits - 1, bits <= 6), when `pre` (a comparison on another
 * argument, or NULL) holds too.
 *
 * With `whole`, the full 64-bit register is compared: small values in
 * aligned blocks (MASKED_EQ with ~(size - 1)), and everything at or above
 * 2^bits with one GT rule, which catches every value with a high bit set.
 * Without it only the low `bits` bits are compared, for a field the kernel
 * masks itself (the socket type's low four bits).
 */
static int deny_outside(scmp_filter_ctx ctx, uint32_t act, int nr, unsigned arg,
			uint64_t allowed, unsigned bits, bool whole,
			const struct scmp_arg_cmp *pre)
{
	const uint64_t limit = 1ULL << bits;
	const uint64_t field = whole ? ~0ULL : limit - 1;
	struct scmp_arg_cmp cmp[2];
	unsigned n = 0;
	if (pre)
		cmp[n++] = *pre;
	for (uint64_t v = 0; v < limit;) {
		if (allowed & (1ULL << v)) {
			v++;
			continue;
		}
		uint64_t size = 1;
		while (v % (size * 2) == 0 && v + size * 2 <= limit &&
		       !(allowed & (low_bits((unsigned)size * 2) << v)))
			size *= 2;
		cmp[n] = (struct scmp_arg_cmp){arg, SCMP_CMP_MASKED_EQ,
					       field & ~(size - 1), v};
		int rc = add_rule(ctx, act, nr, n + 1, cmp);
		if (rc)
			return rc;
		v += size;
	}
	if (!whole)
		return 0;
	cmp[n] = (struct scmp_arg_cmp){arg, SCMP_CMP_GT, limit - 1, 0};
	return add_rule(ctx, act, nr, n + 1, cmp);
}

/*
 * personality(): allowed only for 0 (PER_LINUX) and 0xffffffff (the
 * query), judged on the low 32 bits, which is all the kernel reads.
 * "Neither all zeros nor all ones" is "some bit i is set while bit i+1
 * (mod 32) is clear": walking up from any set bit one reaches a clear one.
 * So 32 two-bit MASKED_EQ rules refuse exactly the other values, whatever
 * the upper 32 bits hold.
 */
static int emit_personality(scmp_filter_ctx ctx, uint32_t act, int nr)
{
	for (unsigned i = 0; i < 32; i++) {
		uint64_t bit = 1ULL << i, next = 1ULL << ((i + 1) % 32);
		struct scmp_arg_cmp c = {0, SCMP_CMP_MASKED_EQ, bit | next,
					 bit};
		int rc = add_rule(ctx, act, nr, 1, &c);
		if (rc)
			return rc;
	}
	return 0;
}

static int emit_socket(scmp_filter_ctx ctx, uint32_t act, int nr,
		       const struct bh_seccomp_opts *o)
{
	uint64_t fams = 0;
	if (o->net_unix)
		fams |= 1ULL << AF_UNIX;
	if (o->net_tcp)
		fams |= (1ULL << AF_INET) | (1ULL << AF_INET6);
	if (!fams)
		return add_rule(ctx, act, nr, 0, NULL);
	int rc = deny_outside(ctx, act, nr, 0, fams, 6, true, NULL);
	if (rc || !o->net_tcp)
		return rc;
	static const int inet[] = {AF_INET, AF_INET6};
	for (size_t i = 0; i < BH_ARRAY_SIZE(inet); i++) {
		/* A domain with high bits is refused above, so a 64-bit EQ
		 * is exact here. */
		struct scmp_arg_cmp fam = {0, SCMP_CMP_EQ, (uint64_t)inet[i],
					   0};
		rc = deny_outside(ctx, act, nr, 1, 1ULL << SOCK_STREAM, 4,
				  false, &fam);
		if (!rc)
			rc = deny_outside(ctx, act, nr, 2,
					  (1ULL << 0) | (1ULL << IPPROTO_TCP),
					  6, true, &fam);
		if (rc)
			return rc;
	}
	return 0;
}

static int emit_item(scmp_filter_ctx ctx, const struct plan_item *it,
		     const struct bh_seccomp_opts *o)
{
	static const uint64_t ns_flags[] = {
	    CLONE_NEWNS,  CLONE_NEWUTS, CLONE_NEWIPC,	 CLONE_NEWUSER,
	    CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWCGROUP,
	};
	static const uint64_t tty_cmds[] = {TIOCSTI, TIOCLINUX};
	const uint32_t act = SCMP_ACT_ERRNO((uint32_t)it->e.err);
	const int nr = it->nr;
	int rc = 0;

	switch (it->e.kind) {
	case SC_ALL:
		return add_rule(ctx, act, nr, 0, NULL);
	case SC_CLONE_NS:
		/* clone's flags are a full register on 64-bit; the kernel
		 * reads the low 32 bits, where every CLONE_NEW* flag is. */
		for (size_t i = 0; !rc && i < BH_ARRAY_SIZE(ns_flags); i++) {
			struct scmp_arg_cmp c = {0, SCMP_CMP_MASKED_EQ,
						 ns_flags[i], ns_flags[i]};
			rc = add_rule(ctx, act, nr, 1, &c);
		}
		return rc;
	case SC_TTY_INJECT:
		for (size_t i = 0; !rc && i < BH_ARRAY_SIZE(tty_cmds); i++) {
			struct scmp_arg_cmp c = {1, SCMP_CMP_MASKED_EQ,
						 0xffffffffULL, tty_cmds[i]};
			rc = add_rule(ctx, act, nr, 1, &c);
		}
		return rc;
	case SC_PERSONA:
		return emit_personality(ctx, act, nr);
	case SC_SOCKET:
		return emit_socket(ctx, act, nr, o);
	case SC_SOCKETPAIR:
		return deny_outside(ctx, act, nr, 0, 1ULL << AF_UNIX, 6, true,
				    NULL);
	case SC_FASTOPEN: {
		struct scmp_arg_cmp c = {it->e.arg, SCMP_CMP_MASKED_EQ,
					 MSG_FASTOPEN, MSG_FASTOPEN};
		return add_rule(ctx, act, nr, 1, &c);
	}
	case SC_TFO_CONNECT: {
		struct scmp_arg_cmp c[2] = {
		    {1, SCMP_CMP_MASKED_EQ, 0xffffffffULL, IPPROTO_TCP},
		    {2, SCMP_CMP_MASKED_EQ, 0xffffffffULL,
		     TCP_FASTOPEN_CONNECT},
		};
		return add_rule(ctx, act, nr, 2, c);
	}
	}
	return -EINVAL;
}

static bool plan_refuses_all(const struct plan *pl, int nr)
{
	for (size_t i = 0; i < pl->n; i++)
		if (pl->v[i].on && pl->v[i].nr == nr &&
		    pl->v[i].e.kind == SC_ALL)
			return true;
	return false;
}

/* A call refused whole gets one rule: libseccomp would otherwise let the
 * last-added rule silently replace the argument rules. */
static int emit_plan(scmp_filter_ctx ctx, const struct plan *pl,
		     const struct bh_seccomp_opts *o, struct bh_error **err)
{
	for (size_t i = 0; i < pl->n; i++) {
		const struct plan_item *it = &pl->v[i];
		if (!it->on || it->nr < 0)
			continue;
		bool all = plan_refuses_all(pl, it->nr);
		if (all && it->e.kind != SC_ALL)
			continue;
		bool first = true;
		for (size_t j = 0; all && first && j < i; j++)
			if (pl->v[j].on && pl->v[j].nr == it->nr &&
			    pl->v[j].e.kind == SC_ALL)
				first = false;
		if (!first)
			continue;
		int rc = emit_item(ctx, it, o);
		if (rc)
			return bh_error_sys(err, -rc, "seccomp rule for %s",
					    it->e.name);
	}
	return 0;
}

/* ---- the enforcement report -------------------------------------------- */

static void item_label(struct bh_strbuf *sb, const struct plan_item *it,
		       const struct bh_seccomp_opts *o)
{
	switch (it->e.kind) {
	case SC_ALL:
		bh_strbuf_puts(sb, it->e.name);
		return;
	case SC_CLONE_NS:
		bh_strbuf_puts(sb, "clone with CLONE_NEW*");
		return;
	case SC_TTY_INJECT:
		bh_strbuf_puts(sb, "ioctl TIOCSTI and TIOCLINUX (low 32 bits)");
		return;
	case SC_PERSONA:
		bh_strbuf_puts(sb, "personality other than 0 and 0xffffffff");
		return;
	case SC_SOCKET:
		bh_strbuf_puts(sb, o->net_tcp && o->net_unix
				       ? "socket other than inet/inet6 TCP "
					 "stream and unix"
				   : o->net_tcp
				       ? "socket other than inet/inet6 "
					 "TCP stream"
				   : o->net_unix ? "socket other than unix"
						 : "every socket");
		return;
	case SC_SOCKETPAIR:
		bh_strbuf_puts(sb, "socketpair other than unix");
		return;
	case SC_FASTOPEN:
		bh_strbuf_printf(sb, "%s with MSG_FASTOPEN", it->e.name);
		return;
	case SC_TFO_CONNECT:
		bh_strbuf_puts(sb, "setsockopt TCP_FASTOPEN_CONNECT");
		return;
	}
}

/* "EPERM: unshare, setns, clone with CLONE_NEW*; ENOSYS: clone3", then
 * the members the profile allowed.  NULL when nothing of g is left. */
static char *group_detail(const struct plan *pl, const struct sc_group *g,
			  const struct bh_seccomp_opts *o)
{
	struct bh_strbuf sb = BH_STRBUF_INIT;
	int errs[4];
	size_t n_errs = 0;
	for (size_t i = 0; i < pl->n; i++) {
		const struct plan_item *it = &pl->v[i];
		if (!it->on || it->grp != g || it->nr < 0)
			continue;
		bool seen = false;
		for (size_t k = 0; k < n_errs; k++)
			seen |= errs[k] == it->e.err;
		if (seen || n_errs == BH_ARRAY_SIZE(errs))
			continue;
		errs[n_errs++] = it->e.err;
		bh_strbuf_printf(&sb, "%s%s: ", sb.len ? "; " : "",
				 strerrorname_np(it->e.err));
		bool first = true;
		for (size_t j = i; j < pl->n; j++) {
			const struct plan_item *jt = &pl->v[j];
			if (!jt->on || jt->grp != g || jt->nr < 0 ||
			    jt->e.err != it->e.err)
				continue;
			if (!first)
				bh_strbuf_puts(&sb, ", ");
			item_label(&sb, jt, o);
			first = false;
		}
	}
	if (!sb.len) {
		bh_strbuf_release(&sb);
		return NULL;
	}
	bool lifted = false;
	for (const struct sc_entry *e = g->entries; e->name; e++) {
		bool on = false;
		for (size_t i = 0; i < pl->n; i++)
			on |= pl->v[i].on &&
			      strcmp(pl->v[i].e.name, e->name) == 0;
		if (on || sc_resolve(e->name) < 0)
			continue;
		bh_strbuf_printf(
		    &sb, "%s%s",
		    lifted ? ", " : "; allowed by the profile: ", e->name);
		lifted = true;
	}
	return bh_strbuf_steal(&sb);
}

static void report_all(struct bh_report *rep, const struct plan *pl,
		       const struct bh_policy *p,
		       const struct bh_seccomp_opts *o,
		       const char *const *notes,
		       enum bh_enforcement arch_status, unsigned n_insns)
{
	for (const struct sc_group *g = sc_groups(); g->rule; g++) {
		cleanup_free char *detail = group_detail(pl, g, o);
		if (!detail)
			continue;
		const struct bh_loc *loc = NULL;
		if (g->entries[0].kind == SC_SOCKET && o->net_unix &&
		    p->net_unix && p->net_unix_loc.file)
			loc = &p->net_unix_loc;
		bh_report_add(rep, BH_RC_GUARD, BH_ENF_ENFORCED, g->rule, loc,
			      MECHANISM, "%s", detail);
	}
	bh_report_add(rep, BH_RC_GUARD, arch_status,
		      "deny 32-bit and x32 entry points", NULL, MECHANISM,
		      "system calls of any other ABI (i386 int 0x80 and "
		      "sysenter, x32 numbers) kill the %s with SIGSYS",
		      arch_status == BH_ENF_ENFORCED
			  ? "process"
			  : "calling thread only (no "
			    "SECCOMP_RET_KILL_PROCESS in this kernel)");
	for (size_t i = 0; i < p->n_syscalls; i++) {
		const struct bh_syscall_rule *r = &p->syscalls[i];
		cleanup_free char *rule = bh_xasprintf(
		    "seccomp %s %s", r->allow ? "allow" : "deny", r->name);
		const struct bh_loc *loc = r->loc.file ? &r->loc : NULL;
		if (notes[i])
			bh_report_add(rep, BH_RC_GUARD, BH_ENF_ENFORCED, rule,
				      loc, MECHANISM, "%s", notes[i]);
		else
			bh_report_add(rep, BH_RC_GUARD, BH_ENF_ENFORCED, rule,
				      loc, MECHANISM, NULL);
	}
	bh_report_add(
	    rep, BH_RC_INFO, BH_ENF_ENFORCED, "seccomp filter", NULL, MECHANISM,
	    "%u BPF instructions, default allow, native ABI only", n_insns);
}

/* ---- building, exporting, installing ----------------------------------- */

static void ctx_release(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}

/* The program as bytes in owned memory, read back from a memfd so the
 * child needs nothing from libseccomp. */
static int export_prog(scmp_filter_ctx ctx, struct bh_seccomp_prog **out,
		       struct bh_error **err)
{
	cleanup_fd int fd = memfd_create("bulkhead-seccomp", MFD_CLOEXEC);
	if (fd < 0)
		return bh_error_sys(err, errno, "memfd_create");
	int rc = seccomp_export_bpf(ctx, fd);
	if (rc < 0)
		return bh_error_sys(err, -rc, "exporting the seccomp filter");
	off_t end = lseek(fd, 0, SEEK_END);
	if (end < 0)
		return bh_error_sys(err, errno, "seccomp filter size");
	size_t len = (size_t)end;
	if (len == 0 || len % sizeof(struct sock_filter) != 0 ||
	    len / sizeof(struct sock_filter) > BPF_MAXINSNS)
		return bh_error_set(err, BH_EK_SYSTEM, EINVAL,
				    "seccomp filter of %zu bytes is not a "
				    "loadable program",
				    len);
	cleanup_free struct sock_filter *insns = bh_xmalloc(len);
	for (size_t got = 0; got < len;) {
		ssize_t n =
		    pread(fd, (char *)insns + got, len - got, (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return bh_error_sys(err, n < 0 ? errno : EIO,
					    "reading the seccomp filter");
		got += (size_t)n;
	}
	struct bh_seccomp_prog *prog = bh_xcalloc(1, sizeof(*prog));
	prog->fprog.len = (unsigned short)(len / sizeof(struct sock_filter));
	prog->fprog.filter = steal_pointer(&insns);
	*out = prog;
	return 0;
}

static int set_attrs(scmp_filter_ctx ctx, enum bh_enforcement *arch_status,
		     struct bh_error **err)
{
	*arch_status = BH_ENF_ENFORCED;
	int rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
				  SCMP_ACT_KILL_PROCESS);
	if (rc) {
		*arch_status = BH_ENF_DEGRADED;
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
				      SCMP_ACT_KILL_THREAD);
	}
	/* The child sets no_new_privs itself, before Landlock. */
	if (!rc)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (rc)
		return bh_error_sys(err, -rc, "seccomp filter attributes");
	return 0;
}

/* ---- the program cache ------------------------------------------------ */

/*
 * A compiled program depends on libseccomp's version, our tables, the
 * options and the profile's changes: all of it goes into the key, and the
 * file holds a hash over key and program, so a stale, torn or foreign file
 * is never loaded (it is recompiled and replaced).  The cache lives in the
 * state directory, which no sandbox can reach.
 */
#define CACHE_MAGIC "BHSC0001"

static void cache_key(const struct bh_policy *p, const struct bh_seccomp_opts *o,
		      unsigned char key[32])
{
	struct bh_sha256 h;
	bh_sha256_init(&h);
	const struct scmp_version *v = seccomp_version();
	char buf[128];
	snprintf(buf, sizeof(buf), "bulkhead seccomp 1 libseccomp %u.%u.%u "
				   "tcp %d unix %d\n",
		 v ? v->major : 0, v ? v->minor : 0, v ? v->micro : 0,
		 o->net_tcp, o->net_unix);
	bh_sha256_update(&h, buf, strlen(buf));
	for (const struct sc_group *g = sc_groups(); g->rule; g++) {
		bh_sha256_update(&h, g->rule, strlen(g->rule) + 1);
		for (const struct sc_entry *e = g->entries; e->name; e++) {
			snprintf(buf, sizeof(buf), "%s %d %d %u\n", e->name,
				 (int)e->kind, e->err, e->arg);
			bh_sha256_update(&h, buf, strlen(buf));
		}
	}
	for (size_t i = 0; i < p->n_syscalls; i++) {
		snprintf(buf, sizeof(buf), "%s ",
			 p->syscalls[i].allow ? "allow" : "deny");
		bh_sha256_update(&h, buf, strlen(buf));
		bh_sha256_update(&h, p->syscalls[i].name,
				 strlen(p->syscalls[i].name) + 1);
	}
	bh_sha256_final(&h, key);
}

static void cache_sum(const unsigned char key[32], const void *prog,
		      size_t len, unsigned char out[32])
{
	struct bh_sha256 h;
	bh_sha256_init(&h);
	bh_sha256_update(&h, key, 32);
	bh_sha256_update(&h, prog, len);
	bh_sha256_final(&h, out);
}

static char *cache_path(const char *dir, const unsigned char key[32])
{
	char hex[65];
	bh_hex(key, 32, hex);
	hex[24] = '\0';
	return bh_xasprintf("%s/seccomp-%s.bpf", dir, hex);
}

/* Loads a cached program; NULL when there is none that checks out. */
static struct bh_seccomp_prog *cache_load(const char *dir,
					  const unsigned char key[32],
					  enum bh_enforcement *arch_status)
{
	cleanup_free char *path = cache_path(dir, key);
	cleanup_fd int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	unsigned char buf[8 + 1 + 32 + BPF_MAXINSNS * sizeof(struct sock_filter)];
	ssize_t n = read(fd, buf, sizeof(buf));
	size_t hdr = 8 + 1 + 32;
	if (n < (ssize_t)hdr || memcmp(buf, CACHE_MAGIC, 8) != 0 ||
	    (size_t)n == sizeof(buf))
		return NULL;
	size_t len = (size_t)n - hdr;
	if (len == 0 || len % sizeof(struct sock_filter) != 0 || buf[8] > 1)
		return NULL;
	unsigned char sum[32];
	cache_sum(key, buf + hdr, len, sum);
	if (memcmp(sum, buf + 9, 32) != 0)
		return NULL;
	struct bh_seccomp_prog *prog = bh_xcalloc(1, sizeof(*prog));
	prog->fprog.len = (unsigned short)(len / sizeof(struct sock_filter));
	prog->fprog.filter = bh_xmalloc(len);
	memcpy(prog->fprog.filter, buf + hdr, len);
	*arch_status = buf[8] ? BH_ENF_DEGRADED : BH_ENF_ENFORCED;
	return prog;
}

/* Best effort: a failure only means compiling next time. */
static void cache_store(const char *dir, const unsigned char key[32],
			const struct bh_seccomp_prog *prog,
			enum bh_enforcement arch_status)
{
	size_t len = prog->fprog.len * sizeof(struct sock_filter);
	cleanup_free unsigned char *buf = bh_xmalloc(8 + 1 + 32 + len);
	memcpy(buf, CACHE_MAGIC, 8);
	buf[8] = arch_status == BH_ENF_ENFORCED ? 0 : 1;
	cache_sum(key, prog->fprog.filter, len, buf + 9);
	memcpy(buf + 41, prog->fprog.filter, len);
	cleanup_free char *path = cache_path(dir, key);
	cleanup_free char *tmp = bh_xasprintf("%s.%d", path, (int)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		      0600);
	if (fd < 0)
		return;
	bool ok = write(fd, buf, 41 + len) == (ssize_t)(41 + len);
	close(fd);
	if (!ok || rename(tmp, path) != 0)
		unlink(tmp);
}

int bh_seccomp_build(const struct bh_policy *p,
		     const struct bh_seccomp_opts *opts, struct bh_report *rep,
		     struct bh_seccomp_prog **out, struct bh_error **err)
{
	static const struct bh_seccomp_opts none = {false, false, NULL};
	const struct bh_seccomp_opts *o = opts ? opts : &none;
	*out = NULL;
	int r = bh_seccomp_validate(p, err);
	if (r)
		return r;

	__attribute__((cleanup(plan_release))) struct plan pl = {NULL, 0, 0};
	cleanup_free const char **notes =
	    bh_xcalloc(p->n_syscalls + 1, sizeof(*notes));
	for (const struct sc_group *g = sc_groups(); g->rule; g++)
		for (const struct sc_entry *e = g->entries; e->name; e++)
			plan_push(&pl, e, g);
	for (size_t i = 0; i < p->n_syscalls; i++)
		notes[i] = plan_apply(&pl, &p->syscalls[i]);

	unsigned char key[32];
	enum bh_enforcement arch_status;
	if (o->cache_dir) {
		cache_key(p, o, key);
		struct bh_seccomp_prog *cached =
			cache_load(o->cache_dir, key, &arch_status);
		if (cached) {
			if (rep)
				report_all(rep, &pl, p, o, notes, arch_status,
					   cached->fprog.len);
			*out = cached;
			return 0;
		}
	}

	__attribute__((cleanup(ctx_release))) scmp_filter_ctx ctx =
	    seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return bh_error_sys(err, ENOMEM, "seccomp_init");
	r = set_attrs(ctx, &arch_status, err);
	if (!r)
		r = emit_plan(ctx, &pl, o, err);
	struct bh_seccomp_prog *prog = NULL;
	if (!r)
		r = export_prog(ctx, &prog, err);
	if (r)
		return r;
	if (o->cache_dir)
		cache_store(o->cache_dir, key, prog, arch_status);
	if (rep)
		report_all(rep, &pl, p, o, notes, arch_status, prog->fprog.len);
	*out = prog;
	return 0;
}

void bh_seccomp_prog_free(struct bh_seccomp_prog *prog)
{
	if (!prog)
		return;
	free(prog->fprog.filter);
	free(prog);
}

/* In the pre-exec child: one system call, no allocation, no libseccomp. */
int bh_seccomp_install(const struct bh_seccomp_prog *prog)
{
	if (!prog)
		return -EINVAL;
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog->fprog) != 0)
		return -errno;
	return 0;
}
