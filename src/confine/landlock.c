/* SPDX-License-Identifier: MIT */
/*
 * Landlock compilation.
 *
 * Landlock only grants: a right given on a directory holds for everything
 * beneath it, and there are no deny rules.  So "write the workspace but not
 * .git/hooks" cannot be a rule on the workspace.  Instead, a granted
 * directory with a hidden or protected path below it is split: the directory
 * itself gets only the rights every path below may have, and each of its
 * entries that leads to no restricted path gets the full grant.  The cost,
 * reported as degraded: no entry can be created, removed or renamed directly
 * in a split directory (those rights live on the directory and would reach
 * the protected path too).  A protected path that does not exist yet is safe
 * exactly when its deepest existing ancestor is split; otherwise the kernel
 * cannot stop its creation and the report says so (DESIGN.md settled 5).
 *
 * Symlinks: entries met while splitting are opened with O_NOFOLLOW and a
 * symlink is never granted (a rule on a link's inode would not apply to its
 * target anyway).  Paths below a writable root are opened with
 * RESOLVE_NO_SYMLINKS, so a link the sandbox planted in an earlier session
 * cannot redirect a grant to the host.
 */
#include "confine/landlock.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/prctl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "confine/compat.h"
#include "core/fsutil.h"
#include "core/strbuf.h"
#include "core/util.h"

struct bh_landlock {
	int ruleset_fd;
	unsigned restrict_flags;
};

int bh_landlock_abi(void)
{
	long abi = syscall(__NR_landlock_create_ruleset, NULL, 0,
			   BH_LL_CREATE_RULESET_VERSION);
	return abi < 0 ? 0 : (int)abi;
}

static uint64_t fs_handled_for_abi(int abi)
{
	uint64_t r = (BH_LL_FS_MAKE_SYM << 1) - 1; /* ABI 1: bits 0..12 */
	if (abi >= 2)
		r |= BH_LL_FS_REFER;
	if (abi >= 3)
		r |= BH_LL_FS_TRUNCATE;
	if (abi >= 5)
		r |= BH_LL_FS_IOCTL_DEV;
	return r;
}

#define LL_FILE_RIGHTS                                                         \
	(BH_LL_FS_EXECUTE | BH_LL_FS_WRITE_FILE | BH_LL_FS_READ_FILE |          \
	 BH_LL_FS_TRUNCATE | BH_LL_FS_IOCTL_DEV)
#define LL_CREATE_RIGHTS                                                       \
	(BH_LL_FS_REMOVE_DIR | BH_LL_FS_REMOVE_FILE | BH_LL_FS_MAKE_DIR |      \
	 BH_LL_FS_MAKE_REG | BH_LL_FS_MAKE_SOCK | BH_LL_FS_MAKE_FIFO |         \
	 BH_LL_FS_MAKE_SYM | BH_LL_FS_REFER)

/* Landlock rights for an access set.  Device nodes cannot be made (no
 * CAP_MKNOD inside, and never wanted). */
static uint64_t ll_rights(unsigned access)
{
	uint64_t r = 0;
	if (access & BH_FS_R)
		r |= BH_LL_FS_READ_FILE | BH_LL_FS_READ_DIR;
	if (access & BH_FS_X)
		r |= BH_LL_FS_EXECUTE;
	if (access & BH_FS_W)
		r |= BH_LL_FS_WRITE_FILE | BH_LL_FS_TRUNCATE |
		     BH_LL_FS_IOCTL_DEV | LL_CREATE_RIGHTS;
	return r;
}

struct ll_ctx {
	const struct bh_landlock_opts *opts;
	int ruleset_fd; /* -1 when Landlock is unavailable (report only) */
	int abi;
	uint64_t handled;
	struct bh_report *rep;
	struct bh_error **err;
	size_t n_rules;
};

static void node_report_by(struct ll_ctx *c, const struct bh_fsnode *n,
			   enum bh_enforcement st, const char *mechanism,
			   const char *detail)
{
	for (size_t i = 0; i < n->n_rules; i++) {
		const struct bh_path_rule *r = n->rules[i];
		cleanup_free char *rule =
			bh_xasprintf("%s %s", bh_path_op_name(r->op), r->path);
		const struct bh_loc *loc = r->loc.file ? &r->loc : NULL;
		if (detail)
			bh_report_add(c->rep, BH_RC_GUARD, st, rule, loc,
				      mechanism, "%s", detail);
		else
			bh_report_add(c->rep, BH_RC_GUARD, st, rule, loc,
				      mechanism, NULL);
	}
}

static void node_report(struct ll_ctx *c, const struct bh_fsnode *n,
			enum bh_enforcement st, const char *detail)
{
	node_report_by(c, n, st, "landlock", detail);
}

static bool under_writable(const struct bh_fsnode *n)
{
	for (const struct bh_fsnode *p = n->parent; p; p = p->parent)
		if (p->explicit_rule && (p->eff & BH_FS_W))
			return true;
	return false;
}

/* Opens an explicit node's path as O_PATH.  Returns fd or -errno. */
static int open_node(const struct bh_fsnode *n)
{
	struct bh_open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = BH_RESOLVE_NO_MAGICLINKS,
	};
	if (under_writable(n))
		how.resolve |= BH_RESOLVE_NO_SYMLINKS;
	long fd = syscall(__NR_openat2, AT_FDCWD, n->path, &how, sizeof(how));
	if (fd < 0 && errno == ENOSYS) {
		fd = open(n->path, O_PATH | O_CLOEXEC |
					   (under_writable(n) ? O_NOFOLLOW : 0));
	}
	return fd < 0 ? -errno : (int)fd;
}

static int add_rule(struct ll_ctx *c, int fd, uint64_t rights,
		    const char *path)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		return bh_error_sys(c->err, errno, "landlock: stat %s", path);
	if (!S_ISDIR(st.st_mode))
		rights &= LL_FILE_RIGHTS;
	rights &= c->handled;
	if (!rights || c->ruleset_fd < 0)
		return 0;
	struct bh_ll_path_beneath_attr attr = {
		.allowed_access = rights,
		.parent_fd = fd,
	};
	if (syscall(__NR_landlock_add_rule, c->ruleset_fd,
		    BH_LL_RULE_PATH_BENEATH, &attr, 0) != 0)
		return bh_error_sys(c->err, errno, "landlock: add rule for %s",
				    path);
	c->n_rules++;
	return 0;
}

/* Whether the node's path exists (and its mode), memoised on the node. */
static bool node_stat(const struct bh_fsnode *cn, mode_t *mode)
{
	struct bh_fsnode *n = (struct bh_fsnode *)cn;
	if (n->host_state == 0) {
		int fd = open_node(n);
		struct stat st;
		if (fd >= 0 && fstat(fd, &st) == 0) {
			n->host_state = 1;
			n->host_mode = st.st_mode;
		} else {
			n->host_state = -1;
		}
		if (fd >= 0)
			close(fd);
	}
	if (mode)
		*mode = n->host_mode;
	return n->host_state > 0;
}

static bool node_exists(const struct bh_fsnode *n, void *unused)
{
	(void)unused;
	return node_stat(n, NULL);
}

/* The Landlock rights an explicit node tolerates on its ancestors: rights
 * given to a directory reach everything below it.  A file has no listing,
 * so its parent may keep READ_DIR (the name stays visible, not the
 * content). */
static uint64_t tolerated(const struct bh_fsnode *e, bool is_dir)
{
	uint64_t r = ll_rights(e->eff);
	if (!is_dir)
		r |= BH_LL_FS_READ_DIR;
	return r;
}

/* Whether a hidden node is already out of reach through permissions. */
static bool hidden_by_dac(const struct ll_ctx *c, const struct bh_fsnode *n)
{
	if (n->eff != 0 || n->has_explicit_below || !c->opts)
		return false;
	int fd = open_node(n);
	if (fd < 0)
		return false;
	struct stat st;
	const struct bh_landlock_opts *o = c->opts;
	bool r = fstat(fd, &st) == 0 &&
		 bh_dac_denies(o->uid, o->gid, o->groups, o->n_groups, &st);
	close(fd);
	return r;
}

/* The rights every existing explicit node below n tolerates.  Missing
 * nodes do not count: they are reported as not protected yet. */
static uint64_t safe_below(const struct ll_ctx *ctx, const struct bh_fsnode *n)
{
	uint64_t m = ~0ULL;
	for (const struct bh_fsnode *c = n->children; c; c = c->next) {
		mode_t mode;
		if (c->explicit_rule && !hidden_by_dac(ctx, c) &&
		    node_stat(c, &mode))
			m &= tolerated(c, S_ISDIR(mode));
		if (c->has_explicit_below)
			m &= safe_below(ctx, c);
	}
	return m;
}

/* Describes what a split costs: the rights withheld from dir itself. */
static char *split_detail(const char *dir, uint64_t lost)
{
	struct bh_strbuf sb = BH_STRBUF_INIT;
	if (lost & LL_CREATE_RIGHTS)
		bh_strbuf_printf(&sb, "entries cannot be created, removed or "
				      "renamed directly in %s",
				 dir);
	if (lost & BH_LL_FS_READ_DIR)
		bh_strbuf_printf(&sb, "%s%s cannot be listed",
				 sb.len ? "; " : "", dir);
	bh_strbuf_puts(&sb, " (Landlock cannot keep a hidden or protected "
			    "path below it out of those rights; tier "
			    "namespace can)");
	return bh_strbuf_steal(&sb);
}

static int emit(struct ll_ctx *c, const struct bh_fsnode *n, unsigned access,
		struct bh_strbuf *frozen);

/* Grants `access` to every entry of directory n except the ones on the way
 * to a restricted path, which are emitted recursively. */
static int emit_split(struct ll_ctx *c, const struct bh_fsnode *n, int fd,
		      unsigned access, struct bh_strbuf *frozen)
{
	int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return bh_error_sys(c->err, errno, "landlock: open directory %s",
				    n->path);
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return bh_error_sys(c->err, errno, "landlock: list %s",
				    n->path);
	}
	int r = 0;
	struct dirent *de;
	while (r == 0 && (de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		bool in_tree = false;
		for (const struct bh_fsnode *ch = n->children; ch; ch = ch->next)
			if (!strcmp(ch->name, de->d_name))
				in_tree = true;
		if (in_tree)
			continue; /* emitted below, with its own access */
		int efd = openat(dfd, de->d_name,
				 O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (efd < 0)
			continue; /* vanished since readdir */
		struct stat st;
		if (fstat(efd, &st) == 0 && !S_ISLNK(st.st_mode)) {
			cleanup_free char *p =
				bh_xasprintf("%s/%s", n->path, de->d_name);
			r = add_rule(c, efd, ll_rights(access), p);
		}
		close(efd);
	}
	closedir(d);
	if (r)
		return r;
	for (const struct bh_fsnode *ch = n->children; ch && r == 0;
	     ch = ch->next)
		r = emit(c, ch, ch->explicit_rule ? ch->eff : access, frozen);
	return r;
}

/* Finds the deepest existing ancestor of a missing node, for messages. */
static const struct bh_fsnode *existing_ancestor(const struct bh_fsnode *n)
{
	const struct bh_fsnode *p = n->parent;
	while (p && p->parent && !node_exists(p, NULL))
		p = p->parent;
	return p;
}

static bool ancestor_split(const struct bh_fsnode *n,
			   const struct bh_strbuf *frozen)
{
	const struct bh_fsnode *a = existing_ancestor(n);
	if (!a || !frozen->buf)
		return false;
	cleanup_free char *needle = bh_xasprintf("\n%s\n", a->path);
	return strstr(frozen->buf, needle) != NULL;
}

/* Reports an explicit node that does not exist. */
static void report_missing(struct ll_ctx *c, const struct bh_fsnode *n,
			   const struct bh_strbuf *frozen)
{
	bool restricts = n->hide || n->protect || n->tmpfs;
	if (!restricts) {
		node_report(c, n, BH_ENF_ENFORCED,
			    "path does not exist (or is a symlink below a "
			    "writable root): nothing granted");
		return;
	}
	unsigned above = n->parent ? n->parent->eff : 0;
	const struct bh_fsnode *a = existing_ancestor(n);
	if (!(above & BH_FS_W)) {
		node_report(c, n, BH_ENF_ENFORCED,
			    "does not exist and cannot be created: no "
			    "writable root above it");
	} else if (ancestor_split(n, frozen)) {
		cleanup_free char *d = bh_xasprintf(
			"does not exist yet and cannot be created: %s allows "
			"no new entries",
			a ? a->path : "its parent");
		node_report(c, n, BH_ENF_ENFORCED, d);
	} else {
		cleanup_free char *d = bh_xasprintf(
			"does not exist yet: Landlock cannot stop its creation "
			"in %s (a create right covers every new name); tier "
			"namespace enforces it",
			a ? a->path : "its parent");
		node_report(c, n, BH_ENF_DEGRADED, d);
	}
}

static int emit(struct ll_ctx *c, const struct bh_fsnode *n, unsigned access,
		struct bh_strbuf *frozen)
{
	int r = 0;
	if (access == 0) {
		/* Nothing to grant here; only descendants may grant. */
		if (n->explicit_rule) {
			bool exists = node_exists(n, NULL);
			if (!exists)
				report_missing(c, n, frozen);
			else if (n->tmpfs)
				node_report(c, n, BH_ENF_DEGRADED,
					    "hidden instead: the kernel tier "
					    "cannot mount a tmpfs");
			else if (hidden_by_dac(c, n) && n->parent &&
				 n->parent->eff)
				node_report_by(c, n, BH_ENF_ENFORCED,
					       "file permissions",
					       "not readable by the command's "
					       "uid (owned by another user, no "
					       "read bit), so the directory "
					       "needs no split");
			else if (n->hide || n->protect)
				node_report(c, n, BH_ENF_ENFORCED,
					    n->parent && n->parent->eff
						    ? "siblings granted instead "
						      "of the parent"
						    : "not under a granted root");
			else
				node_report(c, n, BH_ENF_ENFORCED,
					    "no access (a more specific rule "
					    "takes it away)");
		}
		for (const struct bh_fsnode *ch = n->children; ch && r == 0;
		     ch = ch->next)
			r = emit(c, ch, ch->explicit_rule ? ch->eff : 0, frozen);
		return r;
	}

	int fd = open_node(n);
	if (fd < 0) {
		if (n->explicit_rule)
			report_missing(c, n, frozen);
		/* Explicit descendants that grant (e.g. write /a/b under a
		 * missing /a) are missing too; restrictive ones are reported
		 * by the same walk. */
		for (const struct bh_fsnode *ch = n->children; ch && r == 0;
		     ch = ch->next)
			r = emit(c, ch, ch->explicit_rule ? ch->eff : access,
				 frozen);
		return r;
	}

	uint64_t full = ll_rights(access) & c->handled;
	uint64_t safe = full;
	if (n->has_explicit_below)
		safe &= safe_below(c, n);

	struct stat st;
	bool is_dir = fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
	if (safe == full || !is_dir) {
		r = add_rule(c, fd, ll_rights(access), n->path);
		if (r == 0 && n->explicit_rule) {
			if (n->protect && (n->parent && (n->parent->eff & BH_FS_W)))
				node_report(c, n, BH_ENF_ENFORCED,
					    "read-only: siblings granted "
					    "instead of the parent");
			else
				node_report(c, n, BH_ENF_ENFORCED, NULL);
		}
		for (const struct bh_fsnode *ch = n->children; ch && r == 0;
		     ch = ch->next) {
			if (ch->explicit_rule || ch->has_explicit_below)
				r = emit(c, ch,
					 ch->explicit_rule ? ch->eff : access,
					 frozen);
		}
		close(fd);
		return r;
	}

	/* Split: n gets only what is safe for everything below. */
	r = add_rule(c, fd, safe, n->path);
	uint64_t lost = full & ~safe;
	if (r == 0) {
		if (lost & LL_CREATE_RIGHTS)
			bh_strbuf_printf(frozen, "\n%s\n", n->path);
		/* Charge what the split costs to the rule that granted;
		 * losing only the right to read files created later in
		 * the directory costs nothing visible. */
		const struct bh_fsnode *g = n;
		while (g && !g->explicit_rule)
			g = g->parent;
		cleanup_free char *d = NULL;
		if (lost & (LL_CREATE_RIGHTS | BH_LL_FS_READ_DIR))
			d = split_detail(n->path, lost);
		if (g && d)
			node_report(c, g, BH_ENF_DEGRADED, d);
		else if (g == n)
			node_report(c, n, BH_ENF_ENFORCED,
				    "siblings of the hidden or protected paths "
				    "below granted instead of the directory");
		r = emit_split(c, n, fd, access, frozen);
	}
	close(fd);
	return r;
}

int bh_landlock_build(const struct bh_fsplan *plan,
		      const struct bh_landlock_opts *opts,
		      struct bh_report *rep, struct bh_landlock **out,
		      struct bh_error **err)
{
	*out = NULL;
	int abi = bh_landlock_abi();
	struct ll_ctx c = {
		.opts = opts,
		.ruleset_fd = -1,
		.abi = abi,
		.handled = fs_handled_for_abi(abi ? abi : 7),
		.rep = rep,
		.err = err,
	};
	struct bh_strbuf frozen = BH_STRBUF_INIT;

	if (abi == 0) {
		/* Report every rule as unsupported; the launch check stops. */
		struct ll_ctx dry = c;
		struct bh_report *scratch = bh_report_new("kernel");
		dry.rep = scratch;
		int r = emit(&dry, plan->root, 0, &frozen);
		(void)r;
		for (size_t i = 0; i < scratch->n_items; i++) {
			struct bh_report_item *it = &scratch->items[i];
			bh_report_add(rep, BH_RC_GUARD, BH_ENF_UNSUPPORTED,
				      it->rule, it->loc.file ? &it->loc : NULL,
				      "landlock", "%s",
				      "Landlock is not available on this kernel "
				      "(needs Linux 5.13+ with lsm=landlock)");
		}
		bh_report_free(scratch);
		bh_strbuf_release(&frozen);
		return 0;
	}

	struct bh_ll_ruleset_attr attr = {.handled_access_fs = c.handled};
	size_t attr_size = sizeof(uint64_t);
	if (abi >= 4 && opts->net_restrict) {
		attr.handled_access_net =
			BH_LL_NET_BIND_TCP | BH_LL_NET_CONNECT_TCP;
		attr_size = 2 * sizeof(uint64_t);
	}
	if (abi >= 6 && opts->scope) {
		attr.scoped = BH_LL_SCOPE_ABSTRACT_UNIX_SOCKET |
			      BH_LL_SCOPE_SIGNAL;
		attr_size = sizeof(attr);
	}
	long rfd = syscall(__NR_landlock_create_ruleset, &attr, attr_size, 0);
	if (rfd < 0)
		return bh_error_sys(err, errno, "landlock: create ruleset");
	c.ruleset_fd = (int)rfd;

	int r = emit(&c, plan->root, 0, &frozen);
	bh_strbuf_release(&frozen);
	if (r == 0 && opts->connect_port && attr.handled_access_net) {
		struct bh_ll_net_port_attr np = {
			.allowed_access = BH_LL_NET_CONNECT_TCP,
			.port = opts->connect_port,
		};
		if (syscall(__NR_landlock_add_rule, c.ruleset_fd,
			    BH_LL_RULE_NET_PORT, &np, 0) != 0)
			r = bh_error_sys(err, errno,
					 "landlock: allow connect to port %u",
					 opts->connect_port);
	}
	if (r) {
		close(c.ruleset_fd);
		return r;
	}

	struct bh_landlock *ll = bh_xcalloc(1, sizeof(*ll));
	ll->ruleset_fd = c.ruleset_fd;
	/* Ask the kernel to audit denials of the command we exec (ABI 7);
	 * harmless where audit is off. */
	ll->restrict_flags = abi >= 7 ? BH_LL_RESTRICT_SELF_LOG_NEW_EXEC_ON : 0;

	bh_report_add(rep, BH_RC_INFO, BH_ENF_ENFORCED, "landlock abi", NULL,
		      "landlock", "ABI %d, %zu path rules; rights handled: %s",
		      abi, c.n_rules,
		      abi >= 5   ? "all filesystem rights incl. truncate and "
				   "device ioctl"
		      : abi >= 3 ? "filesystem rights incl. truncate (no "
				   "device ioctl control)"
				 : "basic filesystem rights (no truncate "
				   "control)");
	*out = ll;
	return 0;
}

int bh_landlock_restrict(const struct bh_landlock *ll)
{
	if (!ll)
		return 0;
	if (syscall(__NR_landlock_restrict_self, ll->ruleset_fd,
		    ll->restrict_flags) != 0) {
		if (errno == EINVAL && ll->restrict_flags &&
		    syscall(__NR_landlock_restrict_self, ll->ruleset_fd, 0) == 0)
			return 0;
		return -errno;
	}
	return 0;
}

void bh_landlock_free(struct bh_landlock *ll)
{
	if (!ll)
		return;
	if (ll->ruleset_fd >= 0)
		close(ll->ruleset_fd);
	free(ll);
}
