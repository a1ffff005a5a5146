/* SPDX-License-Identifier: MIT */
/*
 * The microvm tier: the command runs in a qemu `-M microvm` virtual
 * machine with a kernel of its own (Debian's), so a kernel bug reachable
 * from the command is the guest's, not the host's.
 *
 * What crosses into the VM is only what the policy grants: each granted
 * directory is a 9p share (qemu `-fsdev local`), exported read-only by
 * qemu itself (readonly=on) unless the policy makes it writable, so a
 * guest that takes over its own kernel still cannot write there.  No
 * network device (-nic none).  The command, its environment and its
 * directory go in as a file on a read-only config share; its output,
 * stdin, signals and exit status travel on one virtio-serial port to a
 * small monitor process here (guest/proto.h).
 *
 * Processes: launch() forks the monitor, which the supervisor treats as
 * the command.  The monitor starts qemu as the sandbox's uid (never host
 * root), with no_new_privs and the parent-death signal, in its own process
 * group, relays the port, and reports the command's wait status on a
 * pipe.  A SIGKILL of the supervisor kills the monitor (parent-death
 * signal), which kills qemu the same way; the session's private directory
 * holding the sockets and the config is journaled and swept by the next
 * start.
 *
 * Egress (`net allow`): still no network device.  A second virtio-serial
 * port carries the guest's connections to 127.0.0.1:PORT, multiplexed
 * (guest/netmux.h), to a relay beside the monitor, which opens one
 * connection per stream to the proxy's unix socket in the session's
 * private directory.  The proxy decides, as for the other tiers.
 *
 * What it does not do: hidden and protected paths *inside* a share are
 * masked by the guest kernel only when qemu cannot have a mount namespace
 * of its own (the share exports them, with host file permissions); the
 * report says so.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit/audit.h"
#include "confine/fsplan.h"
#include "confine/rootfs.h"
#include "core/strbuf.h"
#include "core/timing.h"
#include "core/util.h"
#include "guest/netmux.h"
#include "guest/proto.h"
#include "tier/microvm.h"
#include "tier/tier.h"

struct vm_share {
	char *tag;
	char *path;
	bool ro, noexec;
};

struct vm_state {
	struct bh_fsplan *plan;
	const struct bh_path_rule **rules;
	size_t n_rules;
	struct bh_rootfs_plan *rootfs;
	char *journal_dir;
	struct bh_vm_kernel kernel;
	char *qemu;
	char *initramfs;
	bool kvm;
	char *kvm_why;
	struct vm_share *shares;
	size_t n_shares, cap_shares;
	struct bh_strbuf config; /* the guest's config records */
	struct bh_vm_hostmount *hostmounts;
	size_t n_hostmounts, cap_hostmounts;
	bool host_ns; /* qemu gets its own mount namespace */
	bool served;  /* the warm mode's socket was made: removed at the end */
	char *host_ns_why;
	char **qemu_argv;
	size_t n_argv;
	char *vmdir;   /* RUNDIR/vm: config share, socket, logs */
	char *proxy_sock; /* egress: the proxy's socket in vmdir, or NULL */
	int status_rd; /* the monitor's report of the command's status */
};

static int vm_probe(char **why)
{
	*why = NULL;
	cleanup_free char *qemu = bh_vm_qemu_path();
	if (!qemu) {
		*why = bh_xstrdup("qemu-system-x86_64 is not installed (apt-get "
				  "install --no-install-recommends "
				  "qemu-system-x86)");
		return -ENOENT;
	}
	struct bh_vm_kernel k;
	int r = bh_vm_kernel_find(&k, why);
	if (r)
		return r;
	/* It runs; say how: KVM only where a boot under it works (the
	 * test is cached in the state directory). */
	cleanup_free char *log = bh_audit_default_path();
	char *slash = log ? strrchr(log, '/') : NULL;
	if (slash) {
		*slash = '\0';
		cleanup_free char *cache = bh_xasprintf("%s/microvm", log);
		struct bh_error *err = NULL;
		cleanup_free char *initramfs = bh_vm_initramfs(&k, cache, &err);
		cleanup_free char *kvm_why = NULL;
		if (!initramfs) {
			*why = bh_xasprintf("cannot write the initramfs: %s",
					    err ? err->msg : "failed");
			r = -EIO;
		} else if (!bh_vm_kvm_usable(qemu, &k, initramfs, cache,
					     &kvm_why)) {
			*why = bh_xasprintf("emulated (%s), about 8 s a boot",
					    kvm_why);
		} else {
			*why = bh_xasprintf("KVM, guest kernel %s",
					    k.release);
		}
		bh_error_free(err);
	}
	bh_vm_kernel_release(&k);
	return r;
}

static void cfg_rec(struct bh_strbuf *c, const char *key, int n, ...)
{
	bh_strbuf_append(c, key, strlen(key) + 1);
	va_list ap;
	va_start(ap, n);
	for (int i = 0; i < n; i++) {
		const char *v = va_arg(ap, const char *);
		bh_strbuf_append(c, v, strlen(v) + 1);
	}
	va_end(ap);
}

/* The share covering path (the deepest one), or NULL. */
static const struct vm_share *covering_share(const struct vm_state *k,
					     const char *path)
{
	const struct vm_share *best = NULL;
	for (size_t i = 0; i < k->n_shares; i++)
		if (bh_path_is_under(path, k->shares[i].path) &&
		    (!best || strlen(k->shares[i].path) > strlen(best->path)))
			best = &k->shares[i];
	return best;
}

static bool under(const char *path, const char *dir)
{
	return bh_path_is_under(path, dir);
}

/* A host symlink such as /bin -> usr/bin whose target is shared anyway
 * with the same access: a symlink in the guest instead of another share
 * (each share is a device to probe at boot). */
static bool as_symlink(struct vm_state *k, const struct bh_mop *op)
{
	struct stat st;
	if (op->beneath_writable || lstat(op->path, &st) != 0 ||
	    !S_ISLNK(st.st_mode))
		return false;
	char target[4096];
	ssize_t n = readlink(op->path, target, sizeof(target) - 1);
	if (n <= 0)
		return false;
	target[n] = '\0';
	cleanup_free char *real = realpath(op->path, NULL);
	if (!real)
		return false;
	for (size_t i = 0; i < k->rootfs->n_ops; i++) {
		const struct bh_mop *o = &k->rootfs->ops[i];
		if (o != op && o->kind == BH_MOP_BIND && o->is_dir &&
		    o->ro == op->ro && o->noexec == op->noexec &&
		    under(real, o->path) && !under(o->path, op->path)) {
			struct stat ost;
			if (lstat(o->path, &ost) == 0 && S_ISDIR(ost.st_mode)) {
				cfg_rec(&k->config, BH_CFG_SYMLINK, 2,
					op->path, target);
				return true;
			}
		}
	}
	return false;
}

static void add_hostmount(struct vm_state *k, char kind, const char *path)
{
	bh_xgrow((void **)&k->hostmounts, &k->cap_hostmounts,
		 k->n_hostmounts + 1, sizeof(*k->hostmounts));
	k->hostmounts[k->n_hostmounts].kind = kind;
	k->hostmounts[k->n_hostmounts].path = bh_xstrdup(path);
	k->n_hostmounts++;
}

/* The root's operations as the guest's config records and the shares;
 * what lies inside a share (hide, protect, pins) also as changes to
 * qemu's own view of the host, so the host kernel enforces it too. */
static int plan_guest(struct bh_session *s, struct vm_state *k,
		      struct bh_error **err)
{
	bool proc = false, sys = false;
	for (size_t i = 0; i < k->rootfs->n_ops; i++) {
		const struct bh_mop *op = &k->rootfs->ops[i];
		switch (op->kind) {
		case BH_MOP_OVERLAY:
			return bh_error_set(
				err, BH_EK_SYSTEM, ENOTSUP,
				"the microvm tier has no overlay workspace "
				"mode");
		case BH_MOP_PROC:
			if (!proc)
				cfg_rec(&k->config, BH_CFG_PROC, 1, "/proc");
			proc = true;
			break;
		case BH_MOP_DEV:
			break; /* the guest init always makes its own /dev */
		case BH_MOP_TMPFS:
			cfg_rec(&k->config, BH_CFG_TMPFS, 1, op->path);
			break;
		case BH_MOP_MASK:
			cfg_rec(&k->config, BH_CFG_HIDE, 2, op->path,
				op->is_dir ? "d" : "f");
			add_hostmount(k, op->is_dir ? 'd' : 'f', op->path);
			break;
		case BH_MOP_REBIND:
			if (op->ro)
				cfg_rec(&k->config, BH_CFG_PROTECT, 1,
					op->path);
			add_hostmount(k, op->ro ? 'p' : 'b', op->path);
			break;
		case BH_MOP_BIND:
			if (under(op->path, "/proc")) {
				if (!proc)
					cfg_rec(&k->config, BH_CFG_PROC, 1,
						"/proc");
				proc = true;
			} else if (under(op->path, "/sys")) {
				if (!sys)
					cfg_rec(&k->config, BH_CFG_SYSFS, 1,
						"/sys");
				sys = true;
			} else if (under(op->path, "/dev")) {
				if (!op->is_dir)
					cfg_rec(&k->config, BH_CFG_DEVICE, 1,
						op->path);
			} else if (op->is_dir && !as_symlink(k, op)) {
				bh_xgrow((void **)&k->shares, &k->cap_shares,
					 k->n_shares + 1, sizeof(*k->shares));
				struct vm_share *sh = &k->shares[k->n_shares];
				sh->tag = bh_xasprintf("s%zu", k->n_shares);
				sh->path = bh_xstrdup(op->path);
				sh->ro = op->ro;
				sh->noexec = op->noexec;
				k->n_shares++;
				char flags[8] = "r";
				if (!op->ro)
					strcat(flags, "w");
				if (!op->noexec)
					strcat(flags, "x");
				if (!s->serve_path)
					strcat(flags, "l");
				cfg_rec(&k->config, BH_CFG_SHARE, 3, sh->tag,
					sh->path, flags);
			}
			break;
		}
	}
	return 0;
}

static bool has_hostmount(const struct vm_state *k, const char *path)
{
	for (size_t i = 0; i < k->n_hostmounts; i++)
		if (!strcmp(k->hostmounts[i].path, path))
			return true;
	return false;
}

static const char *rule_mech_share(const struct vm_share *sh)
{
	return sh->ro ? "9p share, read-only on the host side (qemu "
			"readonly=on)"
		      : "9p share, writable";
}

/* One report item per path rule, from where it landed. */
static void report_paths(struct bh_session *s, struct vm_state *k)
{
	struct bh_report *r = s->report;
	for (size_t i = 0; i < k->n_rules; i++) {
		const struct bh_path_rule *pr = k->rules[i];
		cleanup_free char *rule = bh_xasprintf(
			"%s %s", bh_path_op_name(pr->op), pr->path);
		const struct bh_loc *loc = pr->loc.file ? &pr->loc : NULL;
		const struct vm_share *sh = covering_share(k, pr->path);
		struct stat st;
		bool exists = lstat(pr->path, &st) == 0;
		switch (pr->op) {
		case BH_PATH_HIDE:
			if (!sh)
				bh_report_add(r, BH_RC_GUARD, BH_ENF_ENFORCED,
					      rule, loc, "not shared",
					      "no share reaches it: it does "
					      "not exist in the VM");
			else if (exists && !has_hostmount(k, pr->path))
				bh_report_add(
					r, BH_RC_GUARD, BH_ENF_ENFORCED, rule,
					loc, "dac",
					"file permissions keep it from uid %u, "
					"which qemu runs as",
					(unsigned)s->uid);
			else if (k->host_ns)
				bh_report_add(
					r, BH_RC_GUARD, BH_ENF_ENFORCED, rule,
					loc, "qemu mount ns + guest mount",
					"covered in qemu's private view of the "
					"host (the host kernel keeps it from "
					"the share %s) and again in the guest",
					sh->path);
			else
				bh_report_add(
					r, BH_RC_GUARD, BH_ENF_DEGRADED, rule,
					loc, "guest mount",
					"masked by the guest kernel only (%s); "
					"the share %s still exports it, with "
					"host file permissions for uid %u",
					k->host_ns_why, sh->path,
					(unsigned)s->uid);
			break;
		case BH_PATH_PROTECT:
			if (!sh || sh->ro)
				bh_report_add(r, BH_RC_GUARD, BH_ENF_ENFORCED,
					      rule, loc,
					      sh ? "read-only share"
						 : "not shared",
					      "not writable from the VM");
			else if (k->host_ns)
				bh_report_add(
					r, BH_RC_GUARD, BH_ENF_ENFORCED, rule,
					loc, "qemu mount ns + guest mount",
					"bound read-only%s in qemu's private "
					"view of the host (the host kernel "
					"refuses writes through the share %s) "
					"and again in the guest; its "
					"directories pinned against renames",
					exists ? ""
					       : " over a placeholder made on "
						 "the host (journaled)",
					sh->path);
			else
				bh_report_add(
					r, BH_RC_GUARD, BH_ENF_DEGRADED, rule,
					loc, "guest mount",
					"bound read-only by the guest kernel "
					"only (%s); the writable share %s "
					"exports it",
					k->host_ns_why, sh->path);
			break;
		case BH_PATH_TMPFS:
			bh_report_add(r, BH_RC_GUARD, BH_ENF_ENFORCED, rule,
				      loc, "guest tmpfs",
				      "a private tmpfs in the VM's memory");
			break;
		default:
			if (under(pr->path, "/proc") ||
			    under(pr->path, "/sys"))
				bh_report_add(r, BH_RC_GUARD, BH_ENF_ENFORCED,
					      rule, loc, "guest kernel",
					      "the VM's own %s: only the "
					      "guest is visible",
					      under(pr->path, "/proc")
						      ? "procfs"
						      : "sysfs, read-only");
			else if (under(pr->path, "/dev"))
				bh_report_add(r, BH_RC_GUARD, BH_ENF_ENFORCED,
					      rule, loc, "guest device",
					      "the guest's own device node "
					      "(null, zero, full, random, "
					      "urandom, tty); no host device "
					      "is passed");
			else if (!exists)
				bh_report_add(r, BH_RC_INFO, BH_ENF_ENFORCED,
					      rule, loc, "skipped",
					      "does not exist here");
			else if (sh)
				bh_report_add(r, BH_RC_GUARD, BH_ENF_ENFORCED,
					      rule, loc, "9p",
					      "%s%s", rule_mech_share(sh),
					      sh->noexec ? "; noexec in the "
							   "guest"
							 : "");
			else
				bh_report_add(r, BH_RC_INFO, BH_ENF_ENFORCED,
					      rule, loc, "not shared",
					      "only directories are shared "
					      "into the VM: not available "
					      "inside");
			break;
		}
	}
}

static void report_vm(struct bh_session *s, struct vm_state *k)
{
	struct bh_report *r = s->report;
	const struct bh_policy *p = s->policy;
	const struct bh_loc *nl = p->net_loc.file ? &p->net_loc : NULL;
	bh_report_add(r, BH_RC_INFO, BH_ENF_ENFORCED, "virtual machine", NULL,
		      k->kvm ? "kvm" : "tcg",
		      k->kvm ? "qemu -M microvm under KVM, guest kernel %s "
			       "(%s)"
			     : "emulated (%s): qemu -M microvm under TCG, "
			       "guest kernel %s, about 8 s a boot",
		      k->kvm ? k->kernel.release : k->kvm_why,
		      k->kvm ? k->kernel.source : k->kernel.release);
	bh_report_add(r, BH_RC_GUARD, BH_ENF_ENFORCED, "net none", nl,
		      "-nic none",
		      s->proxy_port ? "the VM has no network device; its "
				      "one way out is the channel to the "
				      "proxy"
				    : "the VM has no network device at all");
	for (size_t i = 0; i < p->n_hosts; i++) {
		const struct bh_host_rule *h = &p->hosts[i];
		cleanup_free char *rule = bh_xasprintf(
			"net %s %s", h->allow ? "allow" : "deny", h->host);
		if (h->allow)
			bh_report_add(r, BH_RC_GUARD, BH_ENF_ENFORCED, rule,
				      &h->loc, "proxy+virtio-serial",
				      "only through bulkhead's proxy: the "
				      "guest init listens on the guest's "
				      "own 127.0.0.1:%u and carries each "
				      "connection over a virtio-serial port "
				      "to the proxy outside; the VM has no "
				      "network device",
				      s->proxy_port);
		else
			bh_report_add(r, BH_RC_GUARD, BH_ENF_ENFORCED, rule,
				      &h->loc, "-nic none",
				      "no network device");
	}
	bh_report_add(r, BH_RC_GUARD, BH_ENF_ENFORCED, "separate kernel", NULL,
		      "vm", "system calls reach the guest kernel, not the "
			    "host's; what reaches the host is qemu's device "
			    "emulation (9p, virtio-serial)");
	bh_report_add(r, BH_RC_GUARD, BH_ENF_ENFORCED, "qemu confined", NULL,
		      "uid+no_new_privs",
		      "qemu runs as uid %u, never host root, with "
		      "no_new_privs; it dies with bulkhead",
		      (unsigned)s->uid);
	bh_report_add(r, BH_RC_GUARD, BH_ENF_ENFORCED, "identity", NULL,
		      "guest init",
		      "the command runs as uid %u in the guest, no "
		      "capabilities, no_new_privs, nosuid mounts",
		      (unsigned)s->uid);
	bh_report_add(r, BH_RC_GUARD, BH_ENF_ENFORCED, "environment", NULL,
		      "config share", "only the filtered environment is "
				      "passed into the VM");
	for (int l = 0; l < BH_LIMIT__COUNT; l++) {
		const struct bh_limit_rule *lr = &p->limits[l];
		if (!lr->set)
			continue;
		const char *names[] = {"memory",  "pids",   "cpu",   "cputime",
				       "time",    "fsize",  "nofile"};
		cleanup_free char *rule =
			bh_xasprintf("limit %s", names[l]);
		if (l == BH_LIMIT_TIME)
			bh_report_add(r, BH_RC_LIMIT, BH_ENF_ENFORCED, rule,
				      &lr->loc, "supervisor",
				      "the VM is killed at the deadline");
		else if (l == BH_LIMIT_MEMORY)
			bh_report_add(r, BH_RC_LIMIT, BH_ENF_ENFORCED, rule,
				      &lr->loc, "vm", "the VM's RAM size");
		else
			bh_report_add(r, BH_RC_LIMIT, BH_ENF_DEGRADED, rule,
				      &lr->loc, "vm",
				      "bounded only by the VM's memory and "
				      "its one virtual CPU");
	}
}

static void argv_push(struct vm_state *k, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void argv_push(struct vm_state *k, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	bh_strv_push(&k->qemu_argv, &k->n_argv, bh_xvasprintf(fmt, ap));
	va_end(ap);
}

/* qemu's option syntax: a comma in a value is written twice. */
static char *qemu_escape(const char *v)
{
	struct bh_strbuf b = BH_STRBUF_INIT;
	bh_strbuf_puts(&b, "");
	for (; *v; v++) {
		if (*v == ',')
			bh_strbuf_putc(&b, ',');
		bh_strbuf_putc(&b, *v);
	}
	return bh_strbuf_steal(&b);
}

static void build_qemu_argv(struct bh_session *s, struct vm_state *k)
{
	const struct bh_limit_rule *mem = &s->policy->limits[BH_LIMIT_MEMORY];
	unsigned long long mib = mem->set ? mem->value >> 20 : 1024;
	if (mib < 128)
		mib = 128;
	argv_push(k, "%s", k->qemu);
	argv_push(k, "-M");
	argv_push(k, "microvm");
	argv_push(k, "-accel");
	argv_push(k, "%s", k->kvm ? "kvm" : "tcg");
	if (k->kvm) {
		argv_push(k, "-cpu");
		argv_push(k, "host");
	}
	argv_push(k, "-m");
	argv_push(k, "%llu", mib);
	argv_push(k, "-smp");
	argv_push(k, "1");
	argv_push(k, "-nodefaults");
	argv_push(k, "-no-user-config");
	argv_push(k, "-display");
	argv_push(k, "none");
	argv_push(k, "-no-reboot");
	argv_push(k, "-nic");
	argv_push(k, "none");
	/* The kernel and initramfs as descriptors 3 and 4: the qemu
	 * process need not reach their directories. */
	argv_push(k, "-kernel");
	argv_push(k, "/proc/self/fd/3");
	argv_push(k, "-initrd");
	argv_push(k, "/proc/self/fd/4");
	unsigned long khz = k->kvm ? 0 : bh_vm_tsc_khz();
	argv_push(k, "-append");
	if (khz)
		argv_push(k,
			  "console=ttyS0 quiet reboot=t panic=-1 "
			  "tsc_early_khz=%lu",
			  khz);
	else
		argv_push(k, "console=ttyS0 quiet reboot=t panic=-1");
	cleanup_free char *vmdir = qemu_escape(k->vmdir);
	argv_push(k, "-serial");
	argv_push(k, "file:%s/console.log", vmdir);
	argv_push(k, "-device");
	argv_push(k, "virtio-serial-device");
	argv_push(k, "-chardev");
	argv_push(k, "socket,id=io,path=%s/io.sock", vmdir);
	argv_push(k, "-device");
	argv_push(k, "virtserialport,chardev=io,name=%s", BH_GUEST_PORT);
	if (s->proxy_port) {
		argv_push(k, "-chardev");
		argv_push(k, "socket,id=net,path=%s/net.sock", vmdir);
		argv_push(k, "-device");
		argv_push(k, "virtserialport,chardev=net,name=%s",
			  BH_NET_PORT);
	}
	argv_push(k, "-fsdev");
	argv_push(k, "local,id=cfg,path=%s/cfg,security_model=none,"
		     "readonly=on",
		  vmdir);
	argv_push(k, "-device");
	argv_push(k, "virtio-9p-device,fsdev=cfg,mount_tag=%s",
		  BH_GUEST_CFG_TAG);
	for (size_t i = 0; i < k->n_shares; i++) {
		const struct vm_share *sh = &k->shares[i];
		cleanup_free char *path = qemu_escape(sh->path);
		argv_push(k, "-fsdev");
		argv_push(k, "local,id=%s,path=%s,security_model=none%s",
			  sh->tag, path, sh->ro ? ",readonly=on" : "");
		argv_push(k, "-device");
		argv_push(k, "virtio-9p-device,fsdev=%s,mount_tag=%s",
			  sh->tag, sh->tag);
	}
}

static int vm_prepare(struct bh_session *s, struct bh_error **err)
{
	const struct bh_policy *p = s->policy;
	struct vm_state *k = bh_xcalloc(1, sizeof(*k));
	s->tier_state = k;
	k->status_rd = -1;
	if (p->ws_mode == BH_WS_OVERLAY)
		return bh_error_set(err, BH_EK_SYSTEM, ENOTSUP,
				    "the microvm tier has no overlay "
				    "workspace mode");
	k->qemu = bh_vm_qemu_path();
	cleanup_free char *why = NULL;
	int r = k->qemu ? bh_vm_kernel_find(&k->kernel, &why) : -ENOENT;
	if (r)
		return bh_error_set(err, BH_EK_SYSTEM, -r, "microvm: %s",
				    why ? why : "qemu-system-x86_64 missing");
	cleanup_free char *cache = bh_xasprintf("%s/microvm", s->state_dir);
	k->initramfs = bh_vm_initramfs(&k->kernel, cache, err);
	if (!k->initramfs)
		return -EIO;
	bh_tmark("microvm: initramfs");
	k->kvm = bh_vm_kvm_usable(k->qemu, &k->kernel, k->initramfs, cache,
				  &k->kvm_why);
	bh_tmark("microvm: kvm decided");

	k->rules = bh_session_path_rules(s, &k->n_rules);
	k->plan = bh_fsplan_build(k->rules, k->n_rules, BH_FS_R | BH_FS_W);
	k->journal_dir = bh_xasprintf("%s/journal", s->state_dir);
	struct bh_rootfs_ids ids = {.uid = s->uid, .gid = s->gid};
	struct bh_report *scratch = bh_report_new("microvm");
	r = bh_rootfs_plan(k->plan, k->journal_dir, s->session_id, &ids, NULL,
			   scratch, &k->rootfs, err);
	bh_report_free(scratch);
	if (r)
		return r;
	r = plan_guest(s, k, err);
	if (r)
		return r;
	k->host_ns = geteuid() == 0 || bh_vm_userns_ok(&k->host_ns_why);
	report_vm(s, k);
	report_paths(s, k);

	char num[32];
	snprintf(num, sizeof(num), "%u", (unsigned)s->uid);
	const char *groot = getenv("BULKHEAD_MICROVM_GUEST_ROOT");
	bool guest_root = groot && !strcmp(groot, "1");
	cfg_rec(&k->config, BH_CFG_UID, 1, guest_root ? "0" : num);
	snprintf(num, sizeof(num), "%u", (unsigned)s->gid);
	cfg_rec(&k->config, BH_CFG_GID, 1, guest_root ? "0" : num);
	cfg_rec(&k->config, BH_CFG_CWD, 1, s->cwd);
	if (s->search_path)
		cfg_rec(&k->config, BH_CFG_PATH, 1, s->search_path);
	if (s->proxy_port) {
		snprintf(num, sizeof(num), "%u", s->proxy_port);
		cfg_rec(&k->config, BH_CFG_EGRESS, 1, num);
	}
	if (s->serve_path) {
		if (covering_share(k, s->serve_path))
			return bh_error_set(
				err, BH_EK_USAGE, EINVAL,
				"--serve %s: the socket must be outside "
				"everything shared into the VM",
				s->serve_path);
		cfg_rec(&k->config, BH_CFG_WARM, 0);
	}
	for (size_t i = 0; !s->serve_path && s->argv[i]; i++)
		cfg_rec(&k->config, BH_CFG_ARG, 1, s->argv[i]);
	for (size_t i = 0; s->envp[i]; i++)
		cfg_rec(&k->config, BH_CFG_ENV, 1, s->envp[i]);
	k->vmdir = bh_xasprintf("%s/vm", s->rundir);
	build_qemu_argv(s, k);
	return 0;
}

/* The warm mode's socket: the caller's only (0600).  A stale socket of
 * an earlier session is replaced; anything else at the path is not. */
static int serve_socket(const char *path, struct bh_error **err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(sa.sun_path))
		return bh_error_set(err, BH_EK_USAGE, ENAMETOOLONG,
				    "--serve %s: path too long", path);
	strcpy(sa.sun_path, path);
	struct stat st;
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode) || st.st_uid != geteuid())
			return bh_error_set(err, BH_EK_USAGE, EEXIST,
					    "--serve %s: exists and is not "
					    "a socket of yours",
					    path);
		int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		bool live = probe >= 0 &&
			    connect(probe, (struct sockaddr *)&sa,
				    sizeof(sa)) == 0;
		if (probe >= 0)
			close(probe);
		if (live)
			return bh_error_set(err, BH_EK_USAGE, EADDRINUSE,
					    "--serve %s: another VM serves "
					    "there",
					    path);
		unlink(path);
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	mode_t old = umask(0177);
	int r = fd < 0 ? -1 : bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (r != 0 || listen(fd, 8) != 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return bh_error_sys(err, e, "--serve %s", path);
	}
	return fd;
}

/* The proxy's socket in the session's private directory, and the proxy
 * started on it before the VM boots: no proxy, no launch (fail closed).
 * Only the host relay connects to it; the guest reaches it only through
 * the relay's streams. */
static int egress_listen(struct bh_session *s, struct vm_state *k,
			 struct bh_error **err)
{
	k->proxy_sock = bh_xasprintf("%s/proxy.sock", k->vmdir);
	/* The relay runs as the sandbox's uid. */
	return bh_session_proxy_unix(s, k->proxy_sock,
				     s->set_ids ? s->uid : getuid(), err);
}

static int vm_launch(struct bh_session *s, pid_t *pid,
		     struct bh_spawn_failure *fail, struct bh_error **err)
{
	struct vm_state *k = s->tier_state;
	(void)fail;
	cleanup_free char *cfgdir = bh_xasprintf("%s/cfg", k->vmdir);
	cleanup_free char *cfg =
		bh_xasprintf("%s/" BH_GUEST_CONFIG, cfgdir);
	if (mkdir(k->vmdir, 0700) != 0 || mkdir(cfgdir, 0700) != 0)
		return bh_error_sys(err, errno, "creating %s", cfgdir);
	cleanup_fd int cfd = open(cfg, O_WRONLY | O_CREAT | O_EXCL |
					       O_NOFOLLOW | O_CLOEXEC,
				  0600);
	if (cfd < 0 || write(cfd, k->config.buf, k->config.len) !=
			       (ssize_t)k->config.len)
		return bh_error_sys(err, errno, "writing %s", cfg);
	/* qemu runs as the sandbox's uid: its directory is its own. */
	if (s->set_ids &&
	    (chown(k->vmdir, s->uid, s->gid) || chown(cfgdir, s->uid, s->gid) ||
	     fchown(cfd, s->uid, s->gid)))
		return bh_error_sys(err, errno, "chown %s", k->vmdir);
	cleanup_fd int kfd = open(k->kernel.image, O_RDONLY | O_CLOEXEC);
	cleanup_fd int ifd = open(k->initramfs, O_RDONLY | O_CLOEXEC);
	if (kfd < 0 || ifd < 0)
		return bh_error_sys(err, errno, "opening %s",
				    kfd < 0 ? k->kernel.image : k->initramfs);
	cleanup_fd int serve_fd = -1;
	if (s->serve_path) {
		serve_fd = serve_socket(s->serve_path, err);
		if (serve_fd < 0)
			return serve_fd;
		k->served = true;
	}
	if (s->proxy_port) {
		int r = egress_listen(s, k, err);
		if (r)
			return r;
	}
	int sp[2];
	if (pipe2(sp, O_CLOEXEC) != 0)
		return bh_error_sys(err, errno, "pipe");
	/* What hidden paths are covered with in qemu's view. */
	cleanup_free char *edir = bh_xasprintf("%s/empty.d", k->vmdir);
	cleanup_free char *efile = bh_xasprintf("%s/empty", k->vmdir);
	cleanup_fd int efd = open(efile, O_WRONLY | O_CREAT | O_EXCL |
						 O_NOFOLLOW | O_CLOEXEC,
				  0444);
	if (efd < 0 || mkdir(edir, 0555) != 0)
		return bh_error_sys(err, errno, "creating %s", edir);
	int tty = s->pty ? bh_pty_slave_fd(s->pty) : -1;
	struct bh_vm_run run = {
		.hostmounts = k->host_ns ? k->hostmounts : NULL,
		.n_hostmounts = k->host_ns ? k->n_hostmounts : 0,
		.userns = geteuid() != 0,
		.qemu_argv = k->qemu_argv,
		.kernel_fd = kfd,
		.initrd_fd = ifd,
		.vmdir = k->vmdir,
		.set_ids = s->set_ids,
		.uid = s->uid,
		.gid = s->gid,
		.in_fd = tty >= 0 ? tty : 0,
		.out_fd = tty >= 0 ? tty : 1,
		.err_fd = tty >= 0 ? tty : 2,
		.cmd_name = s->argv[0],
		.status_wr = sp[1],
		.proxy_sock = k->proxy_sock,
		.serve_fd = serve_fd,
		.exec_record = s->exec_record,
		.exec_ctx = s->exec_ctx,
		.supervisor = getpid(),
	};
	bh_tmark("microvm: monitor");
	pid_t child = fork();
	if (child < 0) {
		int e = errno;
		close(sp[0]);
		close(sp[1]);
		return bh_error_sys(err, e, "fork");
	}
	if (child == 0) {
		close(sp[0]);
		bh_vm_monitor(&run);
	}
	close(sp[1]);
	k->status_rd = sp[0];
	*pid = child;
	return 0;
}

static int vm_command_status(struct bh_session *s, int raw)
{
	struct vm_state *k = s->tier_state;
	int st = raw;
	if (k->status_rd >= 0 &&
	    read(k->status_rd, &st, sizeof(st)) != (ssize_t)sizeof(st))
		st = raw; /* the monitor was killed (time limit) */
	return st;
}

static void vm_destroy(struct bh_session *s)
{
	struct vm_state *k = s->tier_state;
	if (!k)
		return;
	if (k->status_rd >= 0)
		close(k->status_rd);
	bh_rootfs_cleanup_placeholders(k->rootfs);
	bh_rootfs_plan_free(k->rootfs);
	bh_fsplan_free(k->plan);
	free(k->rules);
	free(k->journal_dir);
	bh_vm_kernel_release(&k->kernel);
	free(k->qemu);
	free(k->initramfs);
	free(k->kvm_why);
	for (size_t i = 0; i < k->n_shares; i++) {
		free(k->shares[i].tag);
		free(k->shares[i].path);
	}
	free(k->shares);
	if (k->served)
		unlink(s->serve_path);
	bh_strbuf_release(&k->config);
	for (size_t i = 0; i < k->n_hostmounts; i++)
		free(k->hostmounts[i].path);
	free(k->hostmounts);
	free(k->host_ns_why);
	bh_strv_free(k->qemu_argv);
	free(k->vmdir);
	free(k->proxy_sock);
	free(k);
	s->tier_state = NULL;
}

const struct bh_tier_ops bh_tier_microvm = {
	.name = "microvm",
	.id = BH_TIER_MICROVM,
	.probe = vm_probe,
	.prepare = vm_prepare,
	.launch = vm_launch,
	.command_status = vm_command_status,
	.destroy = vm_destroy,
};
