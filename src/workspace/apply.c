/* SPDX-License-Identifier: MIT */
/*
 * Applying a session to the workspace.
 *
 * What it defends against.  The upper layer is the sandbox's: whatever it
 * holds is only copied in when it is an ordinary file, directory or a
 * symlink that stays inside the workspace, never a device node, fifo or
 * socket, never with setuid/setgid bits, never onto a protected path
 * without consent.  The workspace is the user's, and may have changed
 * since the session started: each directory on the way to a change is
 * opened from the workspace's fd without following symlinks or crossing a
 * mount (a directory swapped for a symlink to ~/.ssh must not be written
 * through), an entry changed after the start is a conflict, and new files
 * are renamed in with RENAME_NOREPLACE so nothing that appeared meanwhile
 * is overwritten.  Files are never written in place: a workspace file may
 * be a hard link to a file outside, and a rename replaces only the name.
 * Each file lands whole (temp file, fsync, rename) so a crash leaves the
 * old or the new one; a later apply starts over from a fresh scan, in which
 * what was already applied no longer shows as a change.
 */
#include "workspace/apply.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "core/strbuf.h"
#include "core/util.h"

#define MAX_LINKS 40

bool bh_ws_path_protected(const char *path, char *const *prot)
{
	size_t n = strlen(path);
	for (; prot && *prot; prot++) {
		const char *q = *prot;
		size_t m = strlen(q);
		if (!m)
			return true; /* the whole workspace */
		if (n == m && !memcmp(path, q, n))
			return true;
		if (n > m && !memcmp(path, q, m) && path[m] == '/')
			return true;
		if (m > n && !memcmp(q, path, n) && q[n] == '/')
			return true;
	}
	return false;
}

/* The target of the symlink at path in the tree apply would produce
 * (upper layer over workspace), or NULL when it is not a symlink there. */
static char *union_link(int lower_fd, int upper_fd, const char *path)
{
	int roots[2] = {upper_fd, lower_fd};
	for (int i = 0; i < 2; i++) {
		const char *name;
		cleanup_fd int pfd = bh_ws_open_parent(roots[i], path, &name);
		struct stat st;
		if (pfd < 0 || fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (!S_ISLNK(st.st_mode))
			return NULL; /* also a whiteout: nothing there */
		char buf[4096];
		ssize_t k = readlinkat(pfd, name, buf, sizeof(buf) - 1);
		if (k < 0)
			return bh_xstrdup("/"); /* unreadable: not inside */
		buf[k] = '\0';
		return bh_xstrdup(buf);
	}
	return NULL;
}

struct comps {
	char **v;
	size_t n, cap;
};

static void comps_push(struct comps *c, const char *s, size_t len)
{
	bh_xgrow((void **)&c->v, &c->cap, c->n + 1, sizeof(char *));
	c->v[c->n++] = bh_xstrndup(s, len);
}

static void comps_release(struct comps *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i]);
	free(c->v);
}

static char *comps_join(const struct comps *c)
{
	struct bh_strbuf sb = BH_STRBUF_INIT;
	for (size_t i = 0; i < c->n; i++) {
		if (i)
			bh_strbuf_putc(&sb, '/');
		bh_strbuf_puts(&sb, c->v[i]);
	}
	return bh_strbuf_steal(&sb);
}

/* Appends the components of path, in order. */
static void comps_split(struct comps *c, const char *path)
{
	for (const char *p = path; *p;) {
		size_t k = strcspn(p, "/");
		if (k)
			comps_push(c, p, k);
		p += k + strspn(p + k, "/");
	}
}

/* Pushes the components of path onto the stack todo in reverse, so that
 * popping takes them in order. */
static void todo_push_path(struct comps *todo, const char *path)
{
	struct comps tmp = {0};
	comps_split(&tmp, path);
	for (size_t i = tmp.n; i-- > 0;) {
		bh_xgrow((void **)&todo->v, &todo->cap, todo->n + 1,
			 sizeof(char *));
		todo->v[todo->n++] = tmp.v[i];
	}
	free(tmp.v);
}

bool bh_ws_link_escapes(int lower_fd, int upper_fd, const char *linkpath,
			const char *target)
{
	if (!*target || target[0] == '/')
		return true;
	struct comps where = {0}, todo = {0};
	const char *slash = strrchr(linkpath, '/');
	if (slash) {
		cleanup_free char *dir =
		    bh_xstrndup(linkpath, (size_t)(slash - linkpath));
		comps_split(&where, dir);
	}
	todo_push_path(&todo, target);
	/* Resolved as the kernel would, one component at a time, in the
	 * tree apply would produce: the walk may not rise above the top. */
	bool out = false;
	unsigned links = 0;
	while (todo.n && !out) {
		char *comp = todo.v[--todo.n];
		if (!strcmp(comp, ".")) {
			free(comp);
			continue;
		}
		if (!strcmp(comp, "..")) {
			free(comp);
			if (!where.n)
				out = true;
			else
				free(where.v[--where.n]);
			continue;
		}
		bh_xgrow((void **)&where.v, &where.cap, where.n + 1,
			 sizeof(char *));
		where.v[where.n++] = comp;
		cleanup_free char *cur = comps_join(&where);
		cleanup_free char *t = union_link(lower_fd, upper_fd, cur);
		if (!t)
			continue;
		free(where.v[--where.n]);
		if (t[0] == '/' || !*t || ++links > MAX_LINKS)
			out = true;
		else
			todo_push_path(&todo, t);
	}
	comps_release(&where);
	comps_release(&todo);
	return out;
}

static long long ts_ns(struct timespec t)
{
	return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* When the session took (or made) its version of ch: the birth of the
 * upper entry, or of the one that replaced ch's directory; where the file
 * system keeps no birth time, the session's start, minus the margin for
 * the coarse clock file times come from. */
static long long taken_at(const struct bh_ws_changes *c,
			  const struct bh_ws_change *ch, long long created_ns)
{
	while (ch->implied && ch->cause != SIZE_MAX && !ch->new_btime_ns)
		ch = &c->v[ch->cause];
	return ch->new_btime_ns ? ch->new_btime_ns
				: created_ns - BH_WS_CONFLICT_MARGIN_NS;
}

void bh_ws_plan(struct bh_ws_changes *c, char *const *protected_paths,
		long long created_ns, int lower_fd, int upper_fd)
{
	for (size_t i = 0; i < c->n; i++) {
		struct bh_ws_change *ch = &c->v[i];
		if (bh_ws_path_protected(ch->path, protected_paths))
			ch->refuse |= BH_WS_R_PROTECTED;
		/* On a directory setgid only hands its group down (and
		 * comes by inheritance in a shared project tree). */
		if (ch->kind != BH_WS_DELETED && !S_ISLNK(ch->new_mode) &&
		    !S_ISDIR(ch->new_mode) &&
		    (ch->new_mode & (S_ISUID | S_ISGID)))
			ch->refuse |= BH_WS_R_SETID;
		if (ch->kind != BH_WS_DELETED && S_ISLNK(ch->new_mode) &&
		    (!ch->new_target ||
		     bh_ws_link_escapes(lower_fd, upper_fd, ch->path,
					ch->new_target)))
			ch->refuse |= BH_WS_R_LINK_OUT;
		/* A conflict: the workspace entry changed after the session
		 * took its copy, so the session's version does not hold the
		 * change.  (A change before the copy-up was seen by the
		 * agent.)  Directories are not compared: their ctime moves
		 * with every entry made in them; their entries are checked
		 * one by one, and rmdir refuses a directory not empty. */
		if (ch->old_mode && !S_ISDIR(ch->old_mode) &&
		    ts_ns(ch->old_ctime) > taken_at(c, ch, created_ns))
			ch->refuse |= BH_WS_R_CONFLICT;
	}
}

const char *bh_ws_refusal_text(unsigned bit)
{
	switch (bit) {
	case BH_WS_R_PROTECTED:
		return "a protected path";
	case BH_WS_R_SETID:
		return "setuid/setgid bits (applied only without them)";
	case BH_WS_R_LINK_OUT:
		return "a symlink that leads outside the workspace";
	case BH_WS_R_CONFLICT:
		return "changed in the workspace after the session took its "
		       "copy";
	case BH_WS_R_SPECIAL:
		return "a device node, fifo or socket";
	case BH_WS_R_MOUNT:
		return "at a mount point in the workspace";
	case BH_WS_R_UNREADABLE:
		return "could not be read";
	case BH_WS_R_DEPENDS:
		return "depends on a change that is left out";
	case BH_WS_R_UNSUPPORTED:
		return "not supported (overlay redirect or metacopy): the "
		       "session cannot be applied";
	default:
		return "refused";
	}
}

const char *bh_ws_refusal_option(unsigned bit)
{
	switch (bit) {
	case BH_WS_R_PROTECTED:
		return "--force-protected";
	case BH_WS_R_SETID:
		return "--strip-setid";
	case BH_WS_R_LINK_OUT:
		return "--allow-outside-links";
	case BH_WS_R_CONFLICT:
		return "--force";
	default:
		return NULL;
	}
}

/* --- deciding ------------------------------------------------------------ */

static bool removes_dir(const struct bh_ws_change *ch)
{
	return S_ISDIR(ch->old_mode) &&
	       (ch->kind == BH_WS_DELETED || ch->kind == BH_WS_RETYPED);
}

static bool makes_dir(const struct bh_ws_change *ch)
{
	return S_ISDIR(ch->new_mode) && ch->kind != BH_WS_DELETED;
}

static void leave_out(struct bh_ws_change *ch, unsigned why, bool *changed)
{
	if (ch->outcome == BH_WS_LEFT_OUT)
		return;
	ch->outcome = BH_WS_LEFT_OUT;
	ch->refuse |= why;
	*changed = true;
}

/* The change whose absence leaves ch out: the one that implies it, or
 * the directory it would have been made in.  NULL when there is none. */
static struct bh_ws_change *needs(struct bh_ws_changes *c,
				  const struct bh_ws_change *ch)
{
	if (ch->cause != SIZE_MAX && c->v[ch->cause].outcome == BH_WS_LEFT_OUT)
		return &c->v[ch->cause];
	cleanup_free char *parent = bh_xstrdup(ch->path);
	char *slash = strrchr(parent, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	struct bh_ws_change *p = bh_ws_changes_find(c, parent);
	return p && p->outcome == BH_WS_LEFT_OUT && makes_dir(p) ? p : NULL;
}

/* A change left out takes with it what depends on it: deletions it
 * implies, entries inside a directory it would have made, and the removal
 * of a directory that would no longer end up empty. */
static void propagate(struct bh_ws_changes *c)
{
	bool changed = true;
	while (changed) {
		changed = false;
		for (size_t i = 0; i < c->n; i++) {
			struct bh_ws_change *ch = &c->v[i];
			if (ch->outcome != BH_WS_LEFT_OUT && needs(c, ch))
				leave_out(ch, BH_WS_R_DEPENDS, &changed);
			if (ch->outcome != BH_WS_LEFT_OUT)
				continue;
			cleanup_free char *parent = bh_xstrdup(ch->path);
			char *slash = strrchr(parent, '/');
			if (!slash)
				continue;
			*slash = '\0';
			struct bh_ws_change *p = bh_ws_changes_find(c, parent);
			if (p && p->outcome != BH_WS_LEFT_OUT && removes_dir(p))
				leave_out(p, BH_WS_R_DEPENDS, &changed);
		}
	}
}

static bool ask_consent(const struct bh_ws_apply_opts *o,
			const struct bh_ws_change *ch, unsigned need)
{
	cleanup_free char *shown = bh_ws_quote_path("", ch->path);
	for (unsigned bit = 1; bit & BH_WS_R_CONSENT; bit <<= 1) {
		if (!(need & bit))
			continue;
		cleanup_free char *q = bh_xasprintf(
		    "%s: %s.  %s", shown, bh_ws_refusal_text(bit),
		    bit == BH_WS_R_SETID ? "Apply it without those bits?"
					 : "Apply it anyway?");
		if (!o->ask(o->ask_ctx, q))
			return false;
	}
	return true;
}

/* Sets each change's outcome to LEFT_OUT or leaves it PENDING.  Returns
 * false when nothing may be applied. */
static bool decide(struct bh_ws_changes *c, const struct bh_ws_apply_opts *o,
		   struct bh_ws_apply_result *res)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].refuse & BH_WS_R_BLOCK)
			res->blocked = true;
	if (res->blocked)
		return false;
	for (size_t i = 0; i < c->n; i++) {
		struct bh_ws_change *ch = &c->v[i];
		unsigned need = ch->refuse & BH_WS_R_CONSENT & ~o->allow;
		bool unused;
		if (needs(c, ch)) /* no question about what cannot be */
			leave_out(ch, BH_WS_R_DEPENDS, &unused);
		else if (ch->refuse & BH_WS_R_NEVER)
			ch->outcome = BH_WS_LEFT_OUT;
		else if (need && !(o->ask && ask_consent(o, ch, need)))
			ch->outcome = BH_WS_LEFT_OUT;
	}
	propagate(c);
	size_t left = 0;
	for (size_t i = 0; i < c->n; i++)
		left += c->v[i].outcome == BH_WS_LEFT_OUT;
	res->left_out = left;
	if (!left || o->rest)
		return true;
	if (o->ask && left < c->n) {
		cleanup_free char *q = bh_xasprintf(
		    "Apply the other %zu change%s and leave out %zu?",
		    c->n - left, c->n - left == 1 ? "" : "s", left);
		if (o->ask(o->ask_ctx, q))
			return true;
	}
	res->refused = true;
	return false;
}

/* --- doing --------------------------------------------------------------- */

/* The permission bits a change lands with: never setuid, never setgid on
 * anything but a directory. */
static mode_t landing_perms(mode_t mode)
{
	return mode & (S_ISDIR(mode) ? 03777 : 0777);
}

/* As root, new entries take the owner of their directory and replaced
 * ones keep theirs: a root apply must not leave root-owned files in a
 * user's tree.  (As anyone else the entry is the caller's anyway.) */
static int own_like(int pfd, const char *name, const struct stat *like,
		    bool nofollow)
{
	if (geteuid() != 0)
		return 0;
	return fchownat(pfd, name, like->st_uid, like->st_gid,
			nofollow ? AT_SYMLINK_NOFOLLOW : 0) < 0
		   ? -errno
		   : 0;
}

static int temp_name(char out[32])
{
	unsigned char r[4];
	if (getrandom(r, sizeof(r), 0) != sizeof(r))
		return -EIO;
	snprintf(out, 32, ".bulkhead-apply-%02x%02x%02x%02x", r[0], r[1], r[2],
		 r[3]);
	return 0;
}

static int copy_fd(int from, int to)
{
	char buf[65536];
	for (;;) {
		ssize_t k = read(from, buf, sizeof(buf));
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -errno;
		if (k == 0)
			return 0;
		for (ssize_t off = 0; off < k;) {
			ssize_t w = write(to, buf + off, (size_t)(k - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				return -errno;
			off += w;
		}
	}
}

/* Makes the new file or symlink under a temp name in pfd; *tmp names it.
 * Defends against: a temp name someone planted (O_CREAT | O_EXCL |
 * O_NOFOLLOW, a fresh random name on a clash), and an upper file swapped
 * since the review for a fifo, a link or another mode (opened O_NONBLOCK
 * beneath the upper root, checked by fstat before a byte is copied). */
static int make_temp(const struct bh_ws_change *ch, int upper_fd, int pfd,
		     char tmp[32], const struct stat *owner)
{
	int r = 0;
	for (int tries = 0; tries < 8; tries++) {
		if ((r = temp_name(tmp)) < 0)
			return r;
		if (S_ISLNK(ch->new_mode)) {
			if (symlinkat(ch->new_target, pfd, tmp) == 0)
				return own_like(pfd, tmp, owner, true);
		} else {
			cleanup_fd int out =
			    openat(pfd, tmp,
				   O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
				       O_CLOEXEC,
				   0600);
			if (out >= 0) {
				/* The upper file must still be what was
				 * reviewed: a regular file of that mode. */
				cleanup_fd int in = bh_ws_open_beneath(
				    upper_fd, ch->path, O_RDONLY | O_NONBLOCK);
				struct stat st;
				r = in < 0		 ? in
				    : fstat(in, &st) < 0 ? -errno
				    : !S_ISREG(st.st_mode) ||
					    st.st_mode != ch->new_mode
					? -ESTALE
					: copy_fd(in, out);
				if (!r && fchmod(out, landing_perms(
							  ch->new_mode)) < 0)
					r = -errno;
				if (!r)
					r = own_like(pfd, tmp, owner, true);
				if (!r && fsync(out) < 0)
					r = -errno;
				if (r)
					(void)unlinkat(pfd, tmp, 0);
				return r;
			}
		}
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

/* A file or symlink, added or replacing a non-directory.  Defends
 * against: an entry that appeared or changed type since the scan (ESTALE;
 * RENAME_NOREPLACE for a new name), and writing through a hard link (the
 * name is replaced, the old inode never opened for writing). */
static int place_file(const struct bh_ws_change *ch, int upper_fd, int pfd,
		      const char *name)
{
	struct stat cur, owner;
	bool exists = fstatat(pfd, name, &cur, AT_SYMLINK_NOFOLLOW) == 0;
	if (exists && (S_ISDIR(cur.st_mode) || !ch->old_mode ||
		       (cur.st_mode & S_IFMT) != (ch->old_mode & S_IFMT)))
		return -ESTALE; /* not what the scan saw */
	if (!exists && fstat(pfd, &owner) < 0)
		return -errno;
	char tmp[32];
	int r = make_temp(ch, upper_fd, pfd, tmp, exists ? &cur : &owner);
	if (r < 0)
		return r;
	r = exists ? renameat(pfd, tmp, pfd, name)
		   : renameat2(pfd, tmp, pfd, name, RENAME_NOREPLACE);
	if (r < 0) {
		r = -errno;
		(void)unlinkat(pfd, tmp, 0);
		return r;
	}
	return 0;
}

/* A new directory, or a directory's new mode.  Defends against: a
 * symlink put in its place (opened O_NOFOLLOW | O_DIRECTORY before the
 * chmod, never chmod by name), setuid bits (landing_perms). */
static int place_dir(const struct bh_ws_change *ch, int pfd, const char *name)
{
	struct stat owner;
	if (fstat(pfd, &owner) < 0)
		return -errno;
	if (ch->kind != BH_WS_MODIFIED) {
		if (mkdirat(pfd, name, 0700) < 0)
			return -errno;
		int r = own_like(pfd, name, &owner, true);
		if (r < 0)
			return r;
	}
	cleanup_fd int fd =
	    openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, landing_perms(ch->new_mode)) < 0)
		return -errno;
	return 0;
}

/* Removes the entry the scan saw.  Defends against: removing something
 * else that took its name (the type must match; unlinkat never follows);
 * a directory that gained entries meanwhile stays (rmdir refuses). */
static int remove_old(const struct bh_ws_change *ch, int pfd, const char *name)
{
	struct stat cur;
	if (fstatat(pfd, name, &cur, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 1 : -errno;
	if ((cur.st_mode & S_IFMT) != (ch->old_mode & S_IFMT))
		return -ESTALE;
	if (unlinkat(pfd, name, S_ISDIR(cur.st_mode) ? AT_REMOVEDIR : 0) < 0)
		return -errno;
	return 0;
}

/* The parent directory is opened beneath the workspace root without
 * following a symlink or crossing a mount (bh_ws_open_parent): a directory
 * swapped for a link since the review is not written through.
 * Phase 1 removes (deletions, and the old side of a type change that
 * involves a directory); phase 2 places.  Returns 0, 1 (already so) or
 * -errno. */
static int apply_one(struct bh_ws_change *ch, int ws_fd, int upper_fd,
		     int phase)
{
	const char *name;
	cleanup_fd int pfd = bh_ws_open_parent(ws_fd, ch->path, &name);
	if (pfd < 0)
		return pfd == -ENOENT && phase == 1 ? 1 : pfd;
	int r;
	if (phase == 1)
		r = remove_old(ch, pfd, name);
	else if (S_ISDIR(ch->new_mode))
		r = place_dir(ch, pfd, name);
	else
		r = place_file(ch, upper_fd, pfd, name);
	if (r >= 0)
		(void)fsync(pfd);
	return r;
}

static int run(struct bh_ws_changes *c, int ws_fd, int upper_fd,
	       struct bh_ws_apply_result *res, struct bh_error **err)
{
	for (int phase = 1; phase <= 2; phase++) {
		for (size_t k = 0; k < c->n; k++) {
			size_t i = phase == 1 ? c->n - 1 - k : k;
			struct bh_ws_change *ch = &c->v[i];
			if (ch->outcome != BH_WS_PENDING)
				continue;
			bool removal =
			    ch->kind == BH_WS_DELETED ||
			    (ch->kind == BH_WS_RETYPED &&
			     (S_ISDIR(ch->old_mode) || S_ISDIR(ch->new_mode)));
			if (phase == 1 && !removal)
				continue;
			if (phase == 2 && ch->kind == BH_WS_DELETED)
				continue;
			if (phase == 2 && ch->kind == BH_WS_MODIFIED &&
			    S_ISDIR(ch->new_mode) &&
			    (ch->new_mode & 07777) == (ch->old_mode & 07777)) {
				ch->outcome = BH_WS_APPLIED; /* opaque only */
				res->applied++;
				continue;
			}
			int r = apply_one(ch, ws_fd, upper_fd, phase);
			if (r < 0) {
				ch->outcome = BH_WS_FAILED;
				ch->outcome_errno = -r;
				cleanup_free char *shown =
				    bh_ws_quote_path("", ch->path);
				if (r == -ESTALE)
					return bh_error_set(
					    err, BH_EK_SYSTEM, ESTALE,
					    "applying %s: it changed "
					    "while applying (in the "
					    "workspace or the session)",
					    shown);
				if (r == -ELOOP || r == -ENOTDIR)
					return bh_error_set(
					    err, BH_EK_SYSTEM, -r,
					    "applying %s: a symlink or "
					    "non-directory on the way in "
					    "the workspace (not followed)",
					    shown);
				if (r == -EXDEV)
					return bh_error_set(
					    err, BH_EK_SYSTEM, EXDEV,
					    "applying %s: a mount point "
					    "on the way in the workspace "
					    "(not crossed)",
					    shown);
				return bh_error_sys(err, -r, "applying %s",
						    shown);
			}
			if (phase == 1 && ch->kind == BH_WS_RETYPED)
				continue; /* placed in phase 2 */
			ch->outcome = r == 1 ? BH_WS_SAME : BH_WS_APPLIED;
			if (r == 1)
				res->same++;
			else
				res->applied++;
		}
	}
	return 0;
}

int bh_ws_apply(struct bh_ws_changes *c, int ws_fd, int upper_fd,
		const struct bh_ws_apply_opts *o,
		struct bh_ws_apply_result *res, struct bh_error **err)
{
	memset(res, 0, sizeof(*res));
	for (size_t i = 0; i < c->n; i++)
		c->v[i].outcome = BH_WS_PENDING;
	if (!decide(c, o, res) || o->dry_run)
		return 0;
	return run(c, ws_fd, upper_fd, res, err);
}
