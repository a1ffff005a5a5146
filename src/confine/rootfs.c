/* SPDX-License-Identifier: MIT */
/*
 * Root filesystem from the policy.
 *
 * Defends against: reads of anything not granted (the root starts empty);
 * writes outside writable grants (everything else read-only); protected
 * paths inside the workspace, existing or not (bound read-only over
 * themselves or over a placeholder, ancestors pinned so a rename cannot
 * sidestep them); symlinks planted in the workspace redirecting setup into
 * the host (sources below writable grants are opened with
 * RESOLVE_NO_SYMLINKS, targets are walked component by component with
 * O_NOFOLLOW and mounted by file descriptor, never by path string).
 * Assumes: the build runs in fresh user, mount and pid namespaces with
 * CAP_SYS_ADMIN over them, single-threaded.
 */
#include "confine/rootfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "confine/compat.h"
#include "core/fsutil.h"
#include "core/strbuf.h"
#include "core/util.h"

struct plan_ctx {
	const struct bh_rootfs_ids *ids;
	const struct bh_rootfs_overlay *ov;
	struct bh_rootfs_plan *p;
	size_t cap;
	struct bh_report *rep;
	FILE *journal;
	const char *journal_dir;
	char **pending; /* "f PATH" / "d PATH" placeholders to create */
	size_t n_pending;
	struct bh_error **err;
};

struct mstate {
	bool mounted;   /* something is mounted at or above this path */
	bool host_view; /* and it shows the host's files (a bind) */
	bool ro, noexec;
	bool overlay;   /* the workspace overlay: writes are reviewed */
};

static struct bh_mop *add_op(struct plan_ctx *c, enum bh_mop_kind k,
			     const char *path)
{
	struct bh_rootfs_plan *p = c->p;
	bh_xgrow((void **)&p->ops, &c->cap, p->n_ops + 1, sizeof(*p->ops));
	struct bh_mop *op = &p->ops[p->n_ops++];
	memset(op, 0, sizeof(*op));
	op->kind = k;
	op->path = bh_xstrdup(path);
	op->srcfd = -1;
	return op;
}

__attribute__((format(printf, 4, 5))) static void
report(struct plan_ctx *c, const struct bh_fsnode *n, enum bh_enforcement st,
       const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cleanup_free char *d = bh_xvasprintf(fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < n->n_rules; i++) {
		const struct bh_path_rule *r = n->rules[i];
		cleanup_free char *rule =
			bh_xasprintf("%s %s", bh_path_op_name(r->op), r->path);
		bh_report_add(c->rep, BH_RC_GUARD, st, rule,
			      r->loc.file ? &r->loc : NULL, "mount", "%s", d);
	}
}

/* stat of a host path: following symlinks for host-owned paths, refusing
 * them below writable grants (the sandbox may have planted them). */
static int host_stat(const char *path, bool beneath_writable, struct stat *st)
{
	struct bh_open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = BH_RESOLVE_NO_MAGICLINKS |
			   (beneath_writable ? BH_RESOLVE_NO_SYMLINKS : 0),
	};
	long fd = syscall(__NR_openat2, AT_FDCWD, path, &how, sizeof(how));
	if (fd < 0)
		return -errno;
	int r = fstat((int)fd, st) == 0 ? 0 : -errno;
	close((int)fd);
	return r;
}

static bool looks_like_file(const char *name)
{
	static const char *const files[] = {
		"config", ".envrc", ".bashrc", ".bash_profile", ".profile",
		".zshrc", ".zshenv", ".zprofile", ".gitmodules", ".netrc",
	};
	for (size_t i = 0; i < BH_ARRAY_SIZE(files); i++)
		if (!strcmp(name, files[i]))
			return true;
	const char *dot = strrchr(name, '.');
	return dot && dot != name; /* has an extension: x.json, x.yml */
}

/*
 * Plans the placeholder for a protected path that does not exist: the
 * top-most missing component below the existing ancestor, as an empty
 * directory (or an empty file when it is the leaf and looks like one).
 * Nothing is created here: create_placeholders() journals them all (one
 * fsync) before it creates any, so a SIGKILL'd supervisor's placeholders
 * are always found.
 */
static int plan_placeholder(struct plan_ctx *c, const char *path, char **made)
{
	cleanup_free char *cur = bh_xstrdup(path);
	cleanup_free char *top = NULL;
	/* Walk up to the deepest existing ancestor. */
	for (;;) {
		struct stat st;
		char *slash = strrchr(cur, '/');
		if (!slash || slash == cur)
			return -ENOENT;
		free(top);
		top = bh_xstrdup(cur);
		*slash = '\0';
		if (host_stat(cur, true, &st) == 0) {
			if (!S_ISDIR(st.st_mode)) {
				/* The path cannot exist while this file
				 * does: the caller pins the file instead. */
				*made = steal_pointer(&cur);
				return -ENOTDIR;
			}
			break;
		}
	}
	bool leaf = !strcmp(top, path);
	bool file = leaf && looks_like_file(strrchr(top, '/') + 1);
	bh_strv_push(&c->p->placeholders, &c->p->n_placeholders,
		     bh_xstrdup(top));
	bh_strv_push(&c->pending, &c->n_pending,
		     bh_xasprintf("%s %s", file ? "f" : "d", top));
	*made = steal_pointer(&top);
	return 0;
}

/* The directory at path, reached without following any symlink: the
 * workspace may have changed since the plan (another session, a host
 * process), and a link there must not move a create or remove into the
 * host.  fd or -errno. */
static int open_parent_nofollow(const char *dir)
{
	struct bh_open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = BH_RESOLVE_NO_SYMLINKS | BH_RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(__NR_openat2, AT_FDCWD, dir, &how, sizeof(how));
	return fd < 0 ? -errno : (int)fd;
}

static int create_one(const char *type, const char *path)
{
	cleanup_free char *dir = bh_xstrdup(path);
	char *slash = strrchr(dir, '/');
	*slash = '\0';
	const char *name = slash + 1;
	int pfd = open_parent_nofollow(*dir ? dir : "/");
	if (pfd < 0)
		return pfd;
	int r;
	if (type[0] == 'f') {
		int fd = openat(pfd, name,
				O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
					O_CLOEXEC,
				0644);
		r = fd < 0 ? -errno : 0;
		if (fd >= 0)
			close(fd);
	} else {
		r = mkdirat(pfd, name, 0755) == 0 ? 0 : -errno;
	}
	close(pfd);
	return r;
}

static int create_placeholders(struct plan_ctx *c)
{
	if (!c->n_pending)
		return 0;
	if (c->journal) {
		for (size_t i = 0; i < c->n_pending; i++)
			fprintf(c->journal, "%s\n", c->pending[i]);
		if (fflush(c->journal) != 0 || fsync(fileno(c->journal)) != 0)
			return bh_error_sys(c->err, errno,
					    "writing the placeholder journal");
	}
	for (size_t i = 0; i < c->n_pending; i++) {
		int r = create_one(c->pending[i], c->pending[i] + 2);
		if (r == -EEXIST)
			r = 0; /* adopted from another live session */
		if (r)
			return bh_error_sys(c->err, -r,
					    "creating the placeholder %s for a "
					    "protected path",
					    c->pending[i] + 2);
	}
	return 0;
}

static bool listed_by_live_session(const char *journal_dir,
				   const char *own_journal, const char *path);

static bool restricts(const struct bh_fsnode *n)
{
	return n->hide || n->protect;
}

static bool restrictive_below(const struct bh_fsnode *n)
{
	for (const struct bh_fsnode *c = n->children; c; c = c->next)
		if ((c->explicit_rule && restricts(c)) || restrictive_below(c))
			return true;
	return false;
}

static int walk(struct plan_ctx *c, const struct bh_fsnode *n,
		struct mstate st, bool writable_grant_above);

static int walk_children(struct plan_ctx *c, const struct bh_fsnode *n,
			 struct mstate st, bool wga)
{
	int r = 0;
	for (const struct bh_fsnode *ch = n->children; ch && r == 0;
	     ch = ch->next)
		r = walk(c, ch, st, wga);
	return r;
}

static int walk_protect(struct plan_ctx *c, const struct bh_fsnode *n,
			struct mstate st, bool wga)
{
	if (!st.mounted || !st.host_view) {
		report(c, n, BH_ENF_ENFORCED, "not visible in the sandbox");
		return walk_children(c, n, st, wga);
	}
	if (st.ro) {
		report(c, n, BH_ENF_ENFORCED, "already read-only");
		return walk_children(c, n, st, wga);
	}
	struct stat sb;
	cleanup_free char *made = NULL;
	const char *at = n->path;
	if (st.overlay && host_stat(n->path, true, &sb) != 0) {
		/* Nothing the sandbox writes reaches the real tree without
		 * review, and apply refuses protected paths. */
		report(c, n, BH_ENF_ENFORCED,
		       "does not exist; in overlay mode only `bulkhead "
		       "apply` could create it, and it refuses protected "
		       "paths");
		return 0;
	}
	for (size_t i = 0; i < c->p->n_placeholders; i++) {
		if (bh_path_is_under(n->path, c->p->placeholders[i])) {
			report(c, n, BH_ENF_ENFORCED,
			       "inside the read-only placeholder %s",
			       c->p->placeholders[i]);
			return 0;
		}
	}
	if (host_stat(n->path, true, &sb) != 0) {
		int r = plan_placeholder(c, n->path, &made);
		if (r == -ENOTDIR && made) {
			/* e.g. .git/config where .git is a gitdir file: make
			 * that file read-only and unremovable (a mount point)
			 * so no directory can take its place. */
			bool dup = false;
			for (size_t i = 0; i < c->p->n_ops; i++)
				dup |= c->p->ops[i].kind == BH_MOP_REBIND &&
				       !strcmp(c->p->ops[i].path, made);
			if (!dup) {
				struct bh_mop *op =
					add_op(c, BH_MOP_REBIND, made);
				op->ro = true;
				op->noexec = true;
			}
			report(c, n, BH_ENF_ENFORCED,
			       "cannot exist while %s is a file, which is "
			       "bound read-only over itself",
			       made);
			return 0;
		}
		if (r) {
			report(c, n, BH_ENF_UNSUPPORTED,
			       "does not exist and no placeholder could be "
			       "made (%s)",
			       strerror(-r));
			return 0;
		}
		at = made;
		report(c, n, BH_ENF_ENFORCED,
		       "did not exist: an empty read-only placeholder at %s "
		       "(removed after the session) stops its creation",
		       made);
	} else {
		report(c, n, BH_ENF_ENFORCED, "bound read-only over itself");
		/* Another live session's placeholder: list it in our
		 * journal too, so whichever session ends last removes it. */
		if (c->journal_dir &&
		    listed_by_live_session(c->journal_dir, NULL, n->path))
			bh_strv_push(&c->pending, &c->n_pending,
				     bh_xasprintf("%c %s",
						  S_ISDIR(sb.st_mode) ? 'd'
								      : 'f',
						  n->path));
	}
	struct bh_mop *op = add_op(c, BH_MOP_REBIND, at);
	op->ro = true;
	op->noexec = !(n->eff & BH_FS_X);
	if (made)
		return 0; /* nothing below a placeholder */
	st.ro = true;
	st.noexec = op->noexec;
	return walk_children(c, n, st, wga);
}

static int walk(struct plan_ctx *c, const struct bh_fsnode *n,
		struct mstate st, bool wga)
{
	/* The minimal /dev replaces the host's, whatever the rules below
	 * it bind into it. */
	if (!strcmp(n->path, "/dev") && !n->hide) {
		add_op(c, BH_MOP_DEV, "/dev");
		if (n->explicit_rule)
			report(c, n, BH_ENF_ENFORCED,
			       "a minimal /dev (tmpfs, devpts, only the nodes "
			       "granted)");
		struct mstate d = {.mounted = true};
		return walk_children(c, n, d, false);
	}
	if (!n->explicit_rule) {
		struct stat sb;
		if (st.mounted && st.host_view && !st.ro &&
		    restrictive_below(n) &&
		    host_stat(n->path, true, &sb) == 0 && S_ISDIR(sb.st_mode)) {
			/* Pin: an ancestor of a protected path becomes a
			 * mount point, so `mv .git x` fails with EBUSY. */
			struct bh_mop *op = add_op(c, BH_MOP_REBIND, n->path);
			op->pin = true;
			op->noexec = st.noexec;
		}
		return walk_children(c, n, st, wga);
	}
	if (n->tmpfs && !n->hide) {
		add_op(c, BH_MOP_TMPFS, n->path);
		report(c, n, BH_ENF_ENFORCED, "a private empty tmpfs");
		struct mstate t = {.mounted = true};
		return walk_children(c, n, t, wga);
	}
	if (n->hide) {
		struct stat sb;
		if (st.mounted && st.host_view &&
		    host_stat(n->path, wga, &sb) == 0 && c->ids &&
		    !n->has_explicit_below &&
		    bh_dac_denies(c->ids->uid, c->ids->gid, c->ids->groups,
				  c->ids->n_groups, &sb)) {
			report(c, n, BH_ENF_ENFORCED,
			       "not readable by the command's uid (owned by "
			       "another user, no read bit): no mask needed");
			return 0;
		}
		if (st.mounted && st.host_view &&
		    host_stat(n->path, wga, &sb) == 0) {
			struct bh_mop *op = add_op(c, BH_MOP_MASK, n->path);
			op->is_dir = S_ISDIR(sb.st_mode);
			report(c, n, BH_ENF_ENFORCED,
			       "masked by an empty read-only %s",
			       op->is_dir ? "directory" : "file");
			struct mstate m = {.mounted = true, .ro = true};
			return walk_children(c, n, m, wga);
		}
		report(c, n, BH_ENF_ENFORCED, "absent from the sandbox");
		return walk_children(c, n, st, wga);
	}
	if (!(n->grants) && n->protect)
		return walk_protect(c, n, st, wga);

	/* A grant. */
	struct stat sb;
	if (host_stat(n->path, wga, &sb) != 0) {
		report(c, n, BH_ENF_ENFORCED,
		       "path does not exist (or is a symlink below a "
		       "writable root): nothing granted");
		struct mstate none = {0};
		return walk_children(c, n, none, wga);
	}
	bool ro = !(n->eff & BH_FS_W), noexec = !(n->eff & BH_FS_X);
	if (!strcmp(n->path, "/proc")) {
		add_op(c, BH_MOP_PROC, "/proc");
		report(c, n, BH_ENF_ENFORCED,
		       "a fresh procfs: only the sandbox's processes; "
		       "/proc/sys read-only");
		struct mstate pr = {.mounted = true, .ro = true};
		return walk_children(c, n, pr, wga);
	}
	if (c->ov && !strcmp(n->path, c->ov->workspace) && !ro) {
		struct bh_mop *op = add_op(c, BH_MOP_OVERLAY, n->path);
		op->noexec = noexec;
		op->is_dir = true;
		report(c, n, BH_ENF_ENFORCED,
		       "an overlay: the real tree is the read-only lower "
		       "layer; changes are kept for review%s",
		       noexec ? " (noexec)" : "");
		struct mstate o = {.mounted = true, .host_view = true,
				   .noexec = noexec, .overlay = true};
		return walk_children(c, n, o, true);
	}
	if (!(st.mounted && st.host_view && st.ro == ro &&
	      st.noexec == noexec)) {
		struct bh_mop *op = add_op(c, BH_MOP_BIND, n->path);
		op->ro = ro;
		op->noexec = noexec;
		op->is_dir = S_ISDIR(sb.st_mode);
		op->beneath_writable = wga;
	}
	report(c, n, BH_ENF_ENFORCED, "bind-mounted %s", ro ? (noexec ?
		"read-only, noexec" : "read-only") : (noexec ?
		"read-write, noexec" : "read-write"));
	struct mstate g = {.mounted = true,
			   .host_view = true,
			   .ro = ro,
			   .noexec = noexec,
			   .overlay = st.overlay};
	return walk_children(c, n, g, wga || !ro);
}

int bh_rootfs_plan(const struct bh_fsplan *fs, const char *journal_dir,
		   const char *session_id, const struct bh_rootfs_ids *ids,
		   const struct bh_rootfs_overlay *overlay,
		   struct bh_report *rep, struct bh_rootfs_plan **out,
		   struct bh_error **err)
{
	struct bh_rootfs_plan *p = bh_xcalloc(1, sizeof(*p));
	struct plan_ctx c = {.ids = ids,
			     .ov = overlay,
			     .p = p,
			     .rep = rep,
			     .err = err,
			     .journal_dir = journal_dir};
	if (overlay)
		p->overlay = *overlay;
	if (journal_dir) {
		int r = bh_mkdir_p(journal_dir, 0700);
		if (r) {
			bh_rootfs_plan_free(p);
			return bh_error_sys(err, -r, "creating %s", journal_dir);
		}
		p->journal = bh_xasprintf("%s/%s.%d.placeholders", journal_dir,
					  session_id, (int)getpid());
		c.journal = fopen(p->journal, "wex");
		if (!c.journal) {
			int e = errno;
			bh_rootfs_plan_free(p);
			return bh_error_sys(err, e, "creating the placeholder "
						    "journal");
		}
	}
	struct mstate st = {0};
	int r = walk_children(&c, fs->root, st, false);
	if (r == 0)
		r = create_placeholders(&c);
	bh_strv_free(c.pending);
	if (c.journal)
		fclose(c.journal);
	if (r) {
		bh_rootfs_cleanup_placeholders(p);
		bh_rootfs_plan_free(p);
		return r;
	}
	if (p->journal && !p->n_placeholders) {
		unlink(p->journal);
		free(p->journal);
		p->journal = NULL;
	}
	*out = p;
	return 0;
}

void bh_rootfs_plan_free(struct bh_rootfs_plan *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_ops; i++) {
		free(p->ops[i].path);
		if (p->ops[i].srcfd >= 0)
			close(p->ops[i].srcfd);
	}
	free(p->ops);
	bh_strv_free(p->placeholders);
	free(p->journal);
	free(p);
}

/* Whether a journal of another live session lists path: then that
 * session's read-only mount sits on it, and removing it here would
 * detach that mount in the other mount namespace (rmdir of a mount point
 * elsewhere succeeds).  The last session out removes it. */
static bool listed_by_live_session(const char *journal_dir,
				   const char *own_journal, const char *path)
{
	DIR *d = opendir(journal_dir);
	if (!d)
		return false;
	bool found = false;
	struct dirent *de;
	while (!found && (de = readdir(d)) != NULL) {
		int pid = bh_journal_pid(de->d_name, ".placeholders");
		if (!bh_pid_alive(pid))
			continue;
		cleanup_free char *j =
			bh_xasprintf("%s/%s", journal_dir, de->d_name);
		if (own_journal && !strcmp(j, own_journal))
			continue;
		FILE *f = fopen(j, "re");
		if (!f)
			continue;
		char line[8192];
		while (!found && fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = '\0';
			found = strlen(line) > 2 && !strcmp(line + 2, path);
		}
		fclose(f);
	}
	closedir(d);
	return found;
}

/* Removes one placeholder if it is still what we made (an empty
 * directory or an empty file) and no other live session uses it. */
static void remove_placeholder(const char *journal, const char *type,
			       const char *path)
{
	cleanup_free char *jdir = bh_xstrdup(journal);
	char *js = strrchr(jdir, '/');
	if (js)
		*js = '\0';
	if (listed_by_live_session(jdir, journal, path))
		return;
	cleanup_free char *dir = bh_xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (!slash)
		return;
	*slash = '\0';
	int pfd = open_parent_nofollow(*dir ? dir : "/");
	if (pfd < 0)
		return;
	const char *name = slash + 1;
	struct stat st;
	if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (!strcmp(type, "d") && S_ISDIR(st.st_mode))
			(void)unlinkat(pfd, name, AT_REMOVEDIR); /* only if empty */
		else if (!strcmp(type, "f") && S_ISREG(st.st_mode) &&
			 st.st_size == 0)
			(void)unlinkat(pfd, name, 0);
	}
	close(pfd);
}

static void replay_journal(const char *journal)
{
	FILE *f = fopen(journal, "re");
	if (!f)
		return;
	char line[8192];
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (strlen(line) > 2 && line[1] == ' ')
			remove_placeholder(journal, line[0] == 'f' ? "f" : "d",
					   line + 2);
	}
	fclose(f);
	unlink(journal);
}

void bh_rootfs_cleanup_placeholders(struct bh_rootfs_plan *p)
{
	if (!p || !p->journal)
		return;
	replay_journal(p->journal);
}

static void replay_journal_cb(const char *journal, void *arg)
{
	(void)arg;
	replay_journal(journal);
}

unsigned bh_rootfs_sweep(const char *journal_dir)
{
	/* NAME = SESSION.PID.placeholders: only if PID is gone. */
	return bh_journal_sweep(journal_dir, ".placeholders",
				replay_journal_cb, NULL);
}

/* ---- the build, in the sandbox's init ---------------------------------- */

/* Opens (creating where missing) the directory `rel` below rootfd, one
 * component at a time without following symlinks.  Returns fd or -errno. */
static int open_dir_beneath(int rootfd, const char *rel, bool create)
{
	int cur = dup(rootfd);
	if (cur < 0)
		return -errno;
	char buf[4096];
	if (strlen(rel) >= sizeof(buf)) {
		close(cur);
		return -ENAMETOOLONG;
	}
	strcpy(buf, rel);
	for (char *save = NULL, *comp = strtok_r(buf, "/", &save); comp;
	     comp = strtok_r(NULL, "/", &save)) {
		int next = openat(cur, comp,
				  O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0 && errno == ENOENT && create) {
			if (mkdirat(cur, comp, 0755) != 0 && errno != EEXIST) {
				int e = errno;
				close(cur);
				return -e;
			}
			next = openat(cur, comp,
				      O_PATH | O_DIRECTORY | O_NOFOLLOW |
					      O_CLOEXEC);
		}
		int e = errno;
		close(cur);
		if (next < 0)
			return -e;
		cur = next;
	}
	return cur;
}

/* The mount point for op inside the new root, created when missing. */
static int open_target(int rootfd, const char *path, bool is_dir)
{
	/* No allocation: the gvisor tier builds in a vfork()ed child. */
	char rel[4096];
	if (strlen(path + 1) >= sizeof(rel))
		return -ENAMETOOLONG;
	strcpy(rel, path + 1);
	char *slash = strrchr(rel, '/');
	const char *name = rel;
	int parent;
	if (slash) {
		*slash = '\0';
		name = slash + 1;
		parent = open_dir_beneath(rootfd, rel, true);
	} else {
		parent = dup(rootfd);
	}
	if (parent < 0)
		return parent;
	if (!*name) { /* the root itself */
		return parent;
	}
	int fd = openat(parent, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		if (is_dir) {
			if (mkdirat(parent, name, 0755) != 0 && errno != EEXIST)
				goto fail;
		} else {
			int f = openat(parent, name,
				       O_WRONLY | O_CREAT | O_NOFOLLOW |
					       O_CLOEXEC,
				       0444);
			if (f < 0)
				goto fail;
			close(f);
		}
		fd = openat(parent, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd >= 0) {
		struct stat st;
		if (fstat(fd, &st) == 0 && S_ISLNK(st.st_mode)) {
			close(fd);
			close(parent);
			return -ELOOP;
		}
	}
	{
		int e = errno;
		close(parent);
		return fd < 0 ? -e : fd;
	}
fail: {
	int e = errno;
	close(parent);
	return -e;
}
}

static int set_attrs_dev(int tree, bool ro, bool noexec, bool recursive,
			 bool nodev)
{
	struct mount_attr a = {
		.attr_set = MOUNT_ATTR_NOSUID | (nodev ? MOUNT_ATTR_NODEV : 0) |
			    (ro ? MOUNT_ATTR_RDONLY : 0) |
			    (noexec ? MOUNT_ATTR_NOEXEC : 0),
	};
	if (mount_setattr(tree, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0),
			  &a, sizeof(a)) != 0)
		return -errno;
	return 0;
}

static int set_attrs(int tree, bool ro, bool noexec, bool recursive)
{
	return set_attrs_dev(tree, ro, noexec, recursive, true);
}

static int attach(int tree, int target)
{
	if (move_mount(tree, "", target, "",
		       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) != 0)
		return -errno;
	return 0;
}

static int new_fs(const char *type, const char *mode, unsigned attrs)
{
	int fs = fsopen(type, FSOPEN_CLOEXEC);
	if (fs < 0)
		return -errno;
	int r = 0;
	if (!strcmp(type, "devpts")) {
		if (fsconfig(fs, FSCONFIG_SET_FLAG, "newinstance", NULL, 0) ||
		    fsconfig(fs, FSCONFIG_SET_STRING, "ptmxmode", "0666", 0) ||
		    fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0620", 0))
			r = -errno;
	} else if (mode &&
		   fsconfig(fs, FSCONFIG_SET_STRING, "mode", mode, 0) != 0) {
		r = -errno;
	}
	if (r == 0 && fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) != 0)
		r = -errno;
	int m = r ? -1 : fsmount(fs, FSMOUNT_CLOEXEC, attrs);
	if (!r && m < 0)
		r = -errno;
	close(fs);
	return r ? r : m;
}

/* A fresh fd for what is now mounted at path (lookups from the root cross
 * into the new mount; "." from the old mountpoint fd would not). */
static int reopen_mounted(int rootfd, const char *path)
{
	struct bh_open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = BH_RESOLVE_BENEATH | BH_RESOLVE_NO_SYMLINKS |
			   BH_RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(__NR_openat2, rootfd, path + 1, &how, sizeof(how));
	return fd < 0 ? -errno : (int)fd;
}

static int do_dev(int rootfd, int target, int *devfd)
{
	int m = new_fs("tmpfs", "0755", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
	if (m < 0)
		return m;
	int r = attach(m, target);
	close(m);
	if (r)
		return r;
	*devfd = reopen_mounted(rootfd, "/dev");
	if (*devfd < 0)
		return *devfd;
	if (mkdirat(*devfd, "pts", 0755) != 0)
		return -errno;
	int pts = openat(*devfd, "pts", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (pts < 0)
		return -errno;
	m = new_fs("devpts", NULL, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
	if (m >= 0) {
		r = attach(m, pts);
		close(m);
	} else {
		r = m;
	}
	close(pts);
	if (r)
		return r;
	static const char *const links[][2] = {
		{"pts/ptmx", "ptmx"},	    {"/proc/self/fd", "fd"},
		{"/proc/self/fd/0", "stdin"}, {"/proc/self/fd/1", "stdout"},
		{"/proc/self/fd/2", "stderr"},
	};
	for (size_t i = 0; i < BH_ARRAY_SIZE(links); i++)
		if (symlinkat(links[i][0], *devfd, links[i][1]) != 0)
			return -errno;
	return 0;
}

static int do_mask(struct bh_mop *op, int target)
{
	int m = new_fs("tmpfs", "0755", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
						MOUNT_ATTR_NOEXEC);
	if (m < 0)
		return m;
	int r = 0;
	if (op->is_dir) {
		r = attach(m, target);
	} else {
		int f = openat(m, "empty", O_WRONLY | O_CREAT | O_CLOEXEC, 0444);
		if (f < 0)
			r = -errno;
		else
			close(f);
		int t = r ? -1 : open_tree(m, "empty", OPEN_TREE_CLONE |
							 OPEN_TREE_CLOEXEC);
		if (!r && t < 0)
			r = -errno;
		if (!r) {
			r = set_attrs(t, true, true, false);
			if (!r)
				r = attach(t, target);
			close(t);
		}
	}
	close(m);
	return r;
}

/* overlayfs with the layers given as descriptors (Linux 6.5+ takes
 * "lowerdir+", upperdir and workdir as fds); userxattr because the
 * sandbox's init is not root in the initial user namespace. */
static int new_overlay(const struct bh_rootfs_overlay *ov, bool noexec)
{
	int fs = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fs < 0)
		return -errno;
	int r = 0;
	if (fsconfig(fs, FSCONFIG_SET_FD, "lowerdir+", NULL, ov->lower_fd) ||
	    fsconfig(fs, FSCONFIG_SET_FD, "upperdir", NULL, ov->upper_fd) ||
	    fsconfig(fs, FSCONFIG_SET_FD, "workdir", NULL, ov->work_fd) ||
	    fsconfig(fs, FSCONFIG_SET_FLAG, "userxattr", NULL, 0) ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0))
		r = -errno;
	int m = r ? -1
		  : fsmount(fs, FSMOUNT_CLOEXEC,
			    MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
				    (noexec ? MOUNT_ATTR_NOEXEC : 0));
	if (!r && m < 0)
		r = -errno;
	close(fs);
	return r ? r : m;
}

static int do_op(struct bh_mop *op, const struct bh_rootfs_overlay *ov,
		 int rootfd, int *devfd, int *ro_later, size_t *n_ro_later)
{
	bool dir = op->kind != BH_MOP_BIND || op->is_dir;
	if (op->kind == BH_MOP_MASK)
		dir = op->is_dir;
	if (op->kind == BH_MOP_REBIND)
		dir = true; /* must exist: opened, never created */
	int target;
	if (op->point_only) {
		/* Another layer mounts here (gVisor's Sentry): only the
		 * mount point, while the skeleton is still writable. */
		target = open_target(rootfd, op->path, dir);
		if (target < 0)
			return target;
		close(target);
		return 0;
	}
	if (op->kind == BH_MOP_REBIND) {
		struct bh_open_how how = {
			.flags = O_PATH | O_CLOEXEC,
			.resolve = BH_RESOLVE_BENEATH | BH_RESOLVE_NO_SYMLINKS |
				   BH_RESOLVE_NO_MAGICLINKS,
		};
		long t = syscall(__NR_openat2, rootfd, op->path + 1, &how,
				 sizeof(how));
		target = t < 0 ? -errno : (int)t;
	} else {
		target = open_target(rootfd, op->path, dir);
	}
	if (target < 0)
		return target;
	int r = 0, tree = -1;
	switch (op->kind) {
	case BH_MOP_BIND:
	case BH_MOP_REBIND: {
		int src = op->kind == BH_MOP_BIND ? op->srcfd : target;
		tree = open_tree(src, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
						  AT_RECURSIVE | AT_EMPTY_PATH);
		if (tree < 0) {
			r = -errno;
			break;
		}
		/* Device nodes granted under /dev keep working; nothing
		 * else may hold a usable device node. */
		r = set_attrs_dev(tree, op->ro, op->noexec, true,
				  !bh_path_is_under(op->path, "/dev"));
		if (!r)
			r = attach(tree, target);
		break;
	}
	case BH_MOP_TMPFS:
		tree = new_fs("tmpfs", "1777",
			      MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
		r = tree < 0 ? tree : attach(tree, target);
		break;
	case BH_MOP_MASK:
		r = do_mask(op, target);
		if (!r && op->is_dir && *n_ro_later < 64) {
			int fd = reopen_mounted(rootfd, op->path);
			if (fd >= 0)
				ro_later[(*n_ro_later)++] = fd;
		}
		break;
	case BH_MOP_PROC:
		tree = new_fs("proc", NULL,
			      MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
				      MOUNT_ATTR_NOEXEC);
		r = tree < 0 ? tree : attach(tree, target);
		if (!r) {
			/* Kernel tunables stay read-only. */
			struct bh_open_how how = {
				.flags = O_PATH | O_CLOEXEC,
				.resolve = BH_RESOLVE_BENEATH |
					   BH_RESOLVE_NO_SYMLINKS,
			};
			long s = syscall(__NR_openat2, rootfd, "proc/sys", &how,
					 sizeof(how));
			if (s >= 0) {
				int t2 = open_tree((int)s, "",
						   OPEN_TREE_CLONE |
							   OPEN_TREE_CLOEXEC |
							   AT_EMPTY_PATH);
				if (t2 >= 0) {
					r = set_attrs(t2, true, true, false);
					if (!r)
						r = attach(t2, (int)s);
					close(t2);
				}
				close((int)s);
			}
		}
		break;
	case BH_MOP_DEV:
		r = do_dev(rootfd, target, devfd);
		break;
	case BH_MOP_OVERLAY:
		tree = new_overlay(ov, op->noexec);
		r = tree < 0 ? tree : attach(tree, target);
		break;
	}
	if (tree >= 0)
		close(tree);
	close(target);
	return r;
}

int bh_rootfs_assemble(struct bh_rootfs_plan *p, const char *newroot,
		       int *failed_op)
{
	*failed_op = -1;
	/* Nothing we mount may propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		return -errno;
	/* Open every source first, in the host's view, before anything is
	 * mounted over it. */
	for (size_t i = 0; i < p->n_ops; i++) {
		struct bh_mop *op = &p->ops[i];
		if (op->kind != BH_MOP_BIND)
			continue;
		struct bh_open_how how = {
			.flags = O_PATH | O_CLOEXEC,
			.resolve = BH_RESOLVE_NO_MAGICLINKS |
				   (op->beneath_writable ? BH_RESOLVE_NO_SYMLINKS
							 : 0),
		};
		long fd = syscall(__NR_openat2, AT_FDCWD, op->path, &how,
				  sizeof(how));
		if (fd < 0) {
			*failed_op = (int)i;
			return -errno;
		}
		op->srcfd = (int)fd;
	}
	int m = new_fs("tmpfs", "0755", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	if (m < 0)
		return m;
	int nr = open(newroot, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (nr < 0) {
		close(m);
		return -errno;
	}
	int r = attach(m, nr);
	close(m);
	close(nr);
	if (r)
		return r;
	int rootfd = open(newroot, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (rootfd < 0)
		return -errno;
	int devfd = -1, ro_later[64];
	size_t n_ro = 0;
	for (size_t i = 0; i < p->n_ops && r == 0; i++) {
		r = do_op(&p->ops[i], &p->overlay, rootfd, &devfd, ro_later,
			  &n_ro);
		if (r)
			*failed_op = (int)i;
		if (p->ops[i].srcfd >= 0) {
			close(p->ops[i].srcfd);
			p->ops[i].srcfd = -1;
		}
	}
	/* The skeleton itself (the root tmpfs, /dev, masks) is read-only. */
	if (r == 0 && devfd >= 0)
		r = set_attrs(devfd, true, true, false);
	for (size_t i = 0; i < n_ro; i++) {
		if (r == 0)
			r = set_attrs(ro_later[i], true, true, false);
		close(ro_later[i]);
	}
	if (devfd >= 0)
		close(devfd);
	if (r == 0)
		r = set_attrs(rootfd, true, false, false);
	close(rootfd);
	return r;
}

int bh_rootfs_build(struct bh_rootfs_plan *p, const char *newroot,
		    int *failed_op)
{
	int r = bh_rootfs_assemble(p, newroot, failed_op);
	if (r)
		return r;
	if (chdir(newroot) != 0)
		return -errno;
	if (syscall(SYS_pivot_root, ".", ".") != 0)
		return -errno;
	if (umount2(".", MNT_DETACH) != 0)
		return -errno;
	if (chdir("/") != 0)
		return -errno;
	return 0;
}
