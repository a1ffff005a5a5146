/* SPDX-License-Identifier: MIT */
/*
 * The kernel tier: Landlock + seccomp + no_new_privs, no namespaces.  Works
 * for any user and inside containers.  What it cannot do, it reports:
 * protected paths that do not exist yet unless their directory is split,
 * limits that rlimits only approximate, tmpfs (hidden instead).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>
#include <linux/seccomp.h>

#include "confine/fsplan.h"
#include "confine/landlock.h"
#include "confine/limits.h"
#include "confine/seccomp.h"
#include "confine/spawn.h"
#include "core/timing.h"
#include "core/util.h"
#include "tier/tier.h"

struct kernel_state {
	struct bh_fsplan *plan;
	const struct bh_path_rule **rules;
	struct bh_landlock *landlock;
	struct bh_seccomp_prog *seccomp;
	struct bh_limits limits;
	int cap_last;
};

static int kernel_probe(char **why)
{
	*why = NULL;
	if (bh_landlock_abi() == 0) {
		*why = bh_xstrdup("Landlock is not available (needs Linux "
				  "5.13+ booted with landlock in lsm=)");
		return -ENOTSUP;
	}
	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) < 0 && errno == EINVAL) {
		*why = bh_xstrdup("seccomp is not available in this kernel");
		return -ENOTSUP;
	}
	return 0;
}

static void report_network(struct bh_session *s, int abi)
{
	const struct bh_policy *p = s->policy;
	const struct bh_loc *loc = p->net_loc.file ? &p->net_loc : NULL;
	if (abi >= 4)
		bh_report_add(s->report, BH_RC_GUARD, BH_ENF_ENFORCED,
			      p->n_hosts ? "net (deny by default)" : "net none",
			      loc, "landlock+seccomp",
			      "TCP bind and connect denied by Landlock; UDP, "
			      "raw, packet and other socket families refused "
			      "by seccomp");
	else
		bh_report_add(s->report, BH_RC_GUARD, BH_ENF_ENFORCED,
			      p->n_hosts ? "net (deny by default)" : "net none",
			      loc, "seccomp",
			      "Landlock ABI %d has no TCP rules: every "
			      "internet socket is refused by seccomp",
			      abi);
	for (size_t i = 0; i < p->n_hosts; i++) {
		const struct bh_host_rule *h = &p->hosts[i];
		cleanup_free char *rule =
			h->port ? bh_xasprintf("net %s %s:%u",
					       h->allow ? "allow" : "deny",
					       h->host, h->port)
				: bh_xasprintf("net %s %s",
					       h->allow ? "allow" : "deny",
					       h->host);
		if (h->allow && s->proxy_port && abi >= 4)
			bh_report_add(s->report, BH_RC_GUARD, BH_ENF_DEGRADED,
				      rule, &h->loc, "proxy+landlock",
				      "only through bulkhead's proxy on "
				      "127.0.0.1:%u (token required); Landlock "
				      "cannot restrict the address, so port %u "
				      "of any other host is reachable directly "
				      "(tier namespace has no such gap)",
				      s->proxy_port, s->proxy_port);
		else if (h->allow)
			bh_report_add(s->report, BH_RC_GUARD, BH_ENF_DEGRADED,
				      rule, &h->loc, "none",
				      "Landlock ABI %d cannot allow one TCP "
				      "port: no connection is allowed (fails "
				      "closed)",
				      abi);
		else
			bh_report_add(s->report, BH_RC_GUARD, BH_ENF_ENFORCED,
				      rule, &h->loc, "landlock+seccomp",
				      "every host is denied");
	}
	if (p->net_unix)
		bh_report_add(s->report, BH_RC_GUARD, BH_ENF_DEGRADED,
			      "net unix", &p->net_unix_loc, "seccomp",
			      "unix sockets allowed: Landlock cannot restrict "
			      "connect() to pathname sockets, so any socket "
			      "this uid can reach (docker, ssh-agent, D-Bus) "
			      "is reachable; abstract sockets stay scoped%s",
			      abi >= 6 ? "" : " (not on this kernel: ABI < 6)");
	else
		bh_report_add(s->report, BH_RC_GUARD, BH_ENF_ENFORCED,
			      "deny unix sockets", NULL, "seccomp",
			      "socket(AF_UNIX) refused; socketpair() allowed");
	if (abi >= 6) {
		bh_report_add(s->report, BH_RC_GUARD, BH_ENF_ENFORCED,
			      "scope abstract unix sockets", NULL, "landlock",
			      "no connect to abstract sockets made outside");
		bh_report_add(s->report, BH_RC_GUARD, BH_ENF_ENFORCED,
			      "scope signals", NULL, "landlock",
			      "no signals to processes outside the sandbox");
	} else {
		bh_report_add(s->report, BH_RC_GUARD, BH_ENF_DEGRADED,
			      "scope signals", NULL, "none",
			      "Landlock ABI %d cannot scope signals: the "
			      "command may signal other processes of its uid",
			      abi);
	}
}

static void report_process(struct bh_session *s)
{
	struct bh_report *r = s->report;
	bh_report_add(r, BH_RC_GUARD, BH_ENF_ENFORCED, "no_new_privs", NULL,
		      "prctl", "setuid bits and file capabilities cannot "
			       "raise privileges");
	if (s->set_ids)
		bh_report_add(r, BH_RC_GUARD, BH_ENF_ENFORCED,
			      "unprivileged identity", NULL, "setresuid",
			      "runs as uid %u gid %u, no supplementary "
			      "groups, empty capability and bounding sets",
			      (unsigned)s->uid, (unsigned)s->gid);
	bh_report_add(r, BH_RC_GUARD, BH_ENF_ENFORCED, "new session", NULL,
		      "setsid", "no controlling terminal to inject into");
	bh_report_add(r, BH_RC_GUARD, BH_ENF_ENFORCED, "close inherited fds",
		      NULL, "close_range", "every descriptor above 2 is "
					   "closed at exec");
	bh_report_add(r, BH_RC_GUARD, BH_ENF_ENFORCED, "kill process tree",
		      NULL, "subreaper",
		      "background processes are killed when the command "
		      "ends");
	bh_report_add(r, BH_RC_INFO, BH_ENF_DEGRADED, "process visibility",
		      NULL, "none",
		      "shares the host's pid namespace: other processes' "
		      "command lines in /proc stay visible where /proc is "
		      "granted (tier namespace hides them)");
}

static int kernel_prepare(struct bh_session *s, struct bh_error **err)
{
	const struct bh_policy *p = s->policy;
	struct kernel_state *k = bh_xcalloc(1, sizeof(*k));
	s->tier_state = k;
	k->cap_last = bh_cap_last();

	size_t n;
	k->rules = bh_session_path_rules(s, &n);
	k->plan = bh_fsplan_build(k->rules, n, 0);

	int abi = bh_landlock_abi();
	gid_t groups[256];
	int n_groups = s->set_ids ? 0 : getgroups(256, groups);
	struct bh_landlock_opts lo = {
		.net_restrict = true,
		.connect_port = (uint16_t)s->proxy_port,
		.scope = true,
		.uid = s->set_ids ? s->uid : getuid(),
		.gid = s->set_ids ? s->gid : getgid(),
		.groups = groups,
		.n_groups = n_groups > 0 ? (size_t)n_groups : 0,
	};
	int r = bh_landlock_build(k->plan, &lo, s->report, &k->landlock, err);
	if (r)
		return r;

	bh_tmark("kernel: landlock");
	struct bh_seccomp_opts so = {
		.net_tcp = abi >= 4,
		.net_unix = p->net_unix,
		.cache_dir = s->state_dir,
	};
	r = bh_seccomp_build(p, &so, s->report, &k->seccomp, err);
	if (r)
		return r;
	if (p->ws_mode == BH_WS_OVERLAY)
		bh_report_add(s->report, BH_RC_GUARD, BH_ENF_UNSUPPORTED,
			      "workspace overlay",
			      p->ws_mode_loc.file ? &p->ws_mode_loc : NULL,
			      "none",
			      "the kernel tier cannot mount an overlay: writes "
			      "would reach the real tree unreviewed (use tier "
			      "namespace)");
	bh_tmark("kernel: seccomp");
	report_network(s, abi);
	report_process(s);
	r = bh_limits_prepare(s->session_id, p,
			      s->set_ids ? s->uid : getuid(),
			      "the whole process tree is killed when the "
			      "wall-clock limit is reached",
			      s->report, &k->limits, err);
	if (r)
		return r;
	s->cgroup = k->limits.cgroup;
	bh_tmark("kernel: limits");
	return 0;
}

static int kernel_launch(struct bh_session *s, pid_t *pid,
			 struct bh_spawn_failure *fail, struct bh_error **err)
{
	struct kernel_state *k = s->tier_state;
	struct bh_child_plan plan = {
		.argv = s->argv,
		.envp = s->envp,
		.search_path = s->search_path,
		.cwd = s->cwd,
		.set_ids = s->set_ids,
		.uid = s->uid,
		.gid = s->gid,
		.cap_last = k->cap_last,
		.rlimits = k->limits.rlimits,
		.n_rlimits = k->limits.n_rlimits,
		.landlock = k->landlock,
		.seccomp = k->seccomp,
		.cgroup = k->limits.cgroup,
		.pty = s->pty,
	};
	return bh_spawn(&plan, pid, fail, err);
}

static void kernel_destroy(struct bh_session *s)
{
	struct kernel_state *k = s->tier_state;
	if (!k)
		return;
	bh_limits_release(&k->limits);
	s->cgroup = NULL;
	bh_landlock_free(k->landlock);
	bh_seccomp_prog_free(k->seccomp);
	bh_fsplan_free(k->plan);
	free(k->rules);
	free(k);
	s->tier_state = NULL;
}

const struct bh_tier_ops bh_tier_kernel = {
	.name = "kernel",
	.id = BH_TIER_KERNEL,
	.probe = kernel_probe,
	.prepare = kernel_prepare,
	.launch = kernel_launch,
	.destroy = kernel_destroy,
};
