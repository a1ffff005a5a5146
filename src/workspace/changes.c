/* SPDX-License-Identifier: MIT */
/*
 * Reading an overlayfs upper layer back as a list of changes.
 *
 * What it defends against: the upper layer was written by the sandbox.  Its
 * symlinks may point anywhere, its directories may be unreadable, its names
 * may hold escape sequences, its files may be fifos that block an open(),
 * and in a mount with trusted.overlay.* markers it may carry forged
 * user.overlay.* ones.  So: every entry is looked at with fstatat(...
 * AT_SYMLINK_NOFOLLOW) or opened with O_NOFOLLOW | O_NONBLOCK from its
 * directory's fd, links are read, never followed, only the markers of the
 * mount's own namespace are believed, and a directory on another device in
 * the workspace (a mount point the overlay never saw through) is not
 * descended.
 *
 * overlayfs's upper layer, as read here: a character device 0/0 is a
 * whiteout (the lower entry is deleted); a directory with the opaque marker
 * "y" hides every lower entry below it; a directory over a lower non-
 * directory is a replacement; any other entry replaces or adds; a
 * "redirect" marker (a directory renamed with redirect_dir=on) or a
 * metacopy file whose data lives elsewhere cannot be applied without the
 * lower tree's history, and is reported as unsupported.
 */
#include "workspace/changes.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "core/strbuf.h"
#include "core/util.h"
#include "workspace/textdiff.h"

#define SCAN_MAX_DEPTH 1024

struct scan {
	struct bh_ws_changes *c;
	char xa_opaque[32], xa_redirect[32], xa_metacopy[32];
	dev_t lower_dev;
	uint64_t lower_mnt; /* mount id of the workspace; 0: unknown */
};

const char *bh_ws_type_name(mode_t mode)
{
	switch (mode & S_IFMT) {
	case 0:
		return "nothing";
	case S_IFREG:
		return "file";
	case S_IFDIR:
		return "directory";
	case S_IFLNK:
		return "symlink";
	case S_IFIFO:
		return "fifo";
	case S_IFSOCK:
		return "socket";
	case S_IFCHR:
		return "character device";
	case S_IFBLK:
		return "block device";
	default:
		return "unknown";
	}
}

char *bh_ws_quote_path(const char *prefix, const char *path)
{
	cleanup_free char *full = bh_xasprintf("%s%s", prefix, path);
	size_t n = strlen(full);
	if (!bh_textdiff_needs_quoting(full, n))
		return steal_pointer(&full);
	struct bh_strbuf sb = BH_STRBUF_INIT;
	bh_strbuf_putc(&sb, '"');
	bh_textdiff_escape(&sb, full, n, true);
	bh_strbuf_putc(&sb, '"');
	return bh_strbuf_steal(&sb);
}

/* --- opening beneath a root --------------------------------------------- */

static bool has_dotdot(const char *path)
{
	for (const char *p = path; *p;) {
		size_t k = strcspn(p, "/");
		if (k == 2 && p[0] == '.' && p[1] == '.')
			return true;
		p += k;
		p += strspn(p, "/");
	}
	return false;
}

int bh_ws_open_beneath_walk(int root, const char *path, int flags)
{
	if (path[0] == '/' || has_dotdot(path))
		return -EINVAL;
	struct stat rst, st;
	if (fstat(root, &rst) < 0)
		return -errno;
	int cur = -1; /* -1: root itself, not ours to close */
	const char *p = path + strspn(path, "/");
	for (;;) {
		size_t k = strcspn(p, "/");
		const char *rest = p + k + strspn(p + k, "/");
		cleanup_free char *comp = bh_xstrndup(p, k);
		bool last = *rest == '\0';
		int at = cur >= 0 ? cur : root;
		int fd =
		    last
			? openat(at, k ? comp : ".",
				 flags | O_NOFOLLOW | O_CLOEXEC)
			: openat(at, comp,
				 O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int e = errno;
		if (cur >= 0)
			close(cur);
		if (fd < 0)
			return -(e == ENOTDIR && !last ? ELOOP : e);
		if (fstat(fd, &st) < 0 || st.st_dev != rst.st_dev) {
			close(fd);
			return -EXDEV;
		}
		if (last)
			return fd;
		cur = fd;
		p = rest;
	}
}

int bh_ws_open_beneath(int root, const char *path, int flags)
{
	if (path[0] == '/' || has_dotdot(path))
		return -EINVAL;
	struct open_how how = {
	    .flags = (uint64_t)(flags | O_NOFOLLOW | O_CLOEXEC),
	    .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
		       RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
	};
	long fd =
	    syscall(SYS_openat2, root, *path ? path : ".", &how, sizeof(how));
	if (fd >= 0)
		return (int)fd;
	if (errno != ENOSYS)
		return -errno;
	return bh_ws_open_beneath_walk(root, path, flags);
}

int bh_ws_open_parent(int root, const char *path, const char **name)
{
	const char *slash = strrchr(path, '/');
	*name = slash ? slash + 1 : path;
	if (!**name)
		return -EINVAL;
	cleanup_free char *dir =
	    slash ? bh_xstrndup(path, (size_t)(slash - path)) : NULL;
	return bh_ws_open_beneath(root, dir ? dir : "", O_RDONLY | O_DIRECTORY);
}

static int read_fd(int fd, size_t max, char **buf, size_t *len, bool *truncated)
{
	size_t cap = 8192, n = 0;
	char *b = bh_xmalloc(cap + 1);
	*truncated = false;
	for (;;) {
		if (n == cap) {
			if (cap >= max) {
				char c;
				ssize_t k = read(fd, &c, 1);
				*truncated = k > 0;
				break;
			}
			cap = cap * 2 > max ? max : cap * 2;
			b = bh_xrealloc(b, cap + 1);
		}
		ssize_t k = read(fd, b + n, cap - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			int e = errno;
			free(b);
			return -e;
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

int bh_ws_read_beneath(int root, const char *path, size_t max, char **buf,
		       size_t *len, bool *truncated)
{
	*buf = NULL;
	*len = 0;
	/* O_NONBLOCK: a fifo put where a file was must not hang us. */
	cleanup_fd int fd =
	    bh_ws_open_beneath(root, path, O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return fd;
	struct stat st;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	return read_fd(fd, max, buf, len, truncated);
}

/* --- the scan ------------------------------------------------------------ */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in directory fd (not "." or ".."), sorted.  Caller frees. */
static int read_names(int fd, char ***names, size_t *n)
{
	*names = NULL;
	*n = 0;
	int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	if (!d) {
		int e = errno;
		if (dfd >= 0)
			close(dfd);
		return -e;
	}
	struct dirent *de;
	errno = 0;
	while ((de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		bh_strv_push(names, n, bh_xstrdup(de->d_name));
	}
	int e = errno;
	closedir(d);
	if (!*names)
		*names = bh_xcalloc(1, sizeof(char *));
	qsort(*names, *n, sizeof(char *), cmp_str);
	return e ? -e : 0;
}

static bool name_in(char *const *names, size_t n, const char *name)
{
	return bsearch(&name, names, n, sizeof(char *), cmp_str) != NULL;
}

/* The value of xattr `name` on fd, as a string ("" when absent). */
static void get_xattr(int fd, const char *name, char *val, size_t size)
{
	ssize_t k = fgetxattr(fd, name, val, size - 1);
	val[k > 0 ? k : 0] = '\0';
}

static char *read_link(int dirfd, const char *name)
{
	size_t cap = 256;
	for (;;) {
		char *buf = bh_xmalloc(cap);
		ssize_t k = readlinkat(dirfd, name, buf, cap);
		if (k < 0) {
			free(buf);
			return NULL;
		}
		if ((size_t)k < cap) {
			buf[k] = '\0';
			return buf;
		}
		free(buf);
		cap *= 2;
	}
}

static char *join(const char *rel, const char *name)
{
	return *rel ? bh_xasprintf("%s/%s", rel, name) : bh_xstrdup(name);
}

static struct bh_ws_change *add(struct scan *sc, char *path,
				enum bh_ws_kind kind)
{
	struct bh_ws_changes *c = sc->c;
	bh_xgrow((void **)&c->v, &c->cap, c->n + 1, sizeof(*c->v));
	struct bh_ws_change *ch = &c->v[c->n++];
	memset(ch, 0, sizeof(*ch));
	ch->path = path;
	ch->kind = kind;
	ch->cause = SIZE_MAX;
	return ch;
}

static void set_old(struct bh_ws_change *ch, const struct stat *st)
{
	ch->old_mode = st->st_mode;
	ch->old_size = st->st_size;
	ch->old_ctime = st->st_ctim;
}

static void set_new(struct bh_ws_change *ch, const struct stat *st)
{
	ch->new_mode = st->st_mode;
	ch->new_size = st->st_size;
	ch->new_rdev = st->st_rdev;
	ch->new_nlink = st->st_nlink;
	if (S_ISFIFO(st->st_mode) || S_ISSOCK(st->st_mode) ||
	    S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode))
		ch->refuse |= BH_WS_R_SPECIAL;
}

/* Birth time of dirfd/name in nanoseconds, or 0 when not kept. */
static long long btime_ns(int dirfd, const char *name)
{
	struct statx sx;
	if (statx(dirfd, name, AT_SYMLINK_NOFOLLOW, STATX_BTIME, &sx) < 0 ||
	    !(sx.stx_mask & STATX_BTIME))
		return 0;
	return (long long)sx.stx_btime.tv_sec * 1000000000LL +
	       sx.stx_btime.tv_nsec;
}

static void set_error(struct bh_ws_change *ch, int e)
{
	if (!ch->error)
		ch->error = e;
	ch->refuse |= BH_WS_R_UNREADABLE;
}

static bool is_whiteout(const struct stat *st)
{
	return S_ISCHR(st->st_mode) && major(st->st_rdev) == 0 &&
	       minor(st->st_rdev) == 0;
}

/*
 * lstat of a workspace entry.  overlayfs's lower layer does not see through
 * mounts, so an entry on another mount (a bind mount of the same file
 * system included, which st_dev cannot tell) is not what the session saw:
 * its st_dev is set to something other than the workspace's, which is how
 * the rest of the scan asks "another mount?".
 */
static int lower_lstat(const struct scan *sc, int dirfd, const char *name,
		       struct stat *st)
{
	if (fstatat(dirfd, name, st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	struct statx sx;
	bool other = st->st_dev != sc->lower_dev;
	if (sc->lower_mnt &&
	    statx(dirfd, name, AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &sx) == 0 &&
	    (sx.stx_mask & STATX_MNT_ID))
		other = other || sx.stx_mnt_id != sc->lower_mnt;
	st->st_dev = other ? ~sc->lower_dev : sc->lower_dev;
	return 0;
}

static void lower_gone(struct scan *sc, int ldir, const char *name, char *path,
		       const struct stat *lst, bool implied, unsigned depth);

/* Every entry below the lower directory ldir/name is deleted. */
static void lower_subtree_gone(struct scan *sc, int ldir, const char *name,
			       struct bh_ws_change *parent, unsigned depth)
{
	size_t parent_idx = (size_t)(parent - sc->c->v);
	cleanup_fd int fd =
	    openat(ldir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	cleanup_strv char **names = NULL;
	size_t n = 0;
	int r = fd < 0 ? -errno : read_names(fd, &names, &n);
	if (r < 0 || depth > SCAN_MAX_DEPTH) {
		set_error(&sc->c->v[parent_idx], r < 0 ? -r : ELOOP);
		return;
	}
	cleanup_free char *base = bh_xstrdup(sc->c->v[parent_idx].path);
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (lower_lstat(sc, fd, names[i], &st) < 0)
			continue;
		lower_gone(sc, fd, names[i], join(base, names[i]), &st, true,
			   depth + 1);
	}
}

/* The lower entry ldir/name (at path, which this takes) is deleted, and
 * with it everything below it. */
static void lower_gone(struct scan *sc, int ldir, const char *name, char *path,
		       const struct stat *lst, bool implied, unsigned depth)
{
	struct bh_ws_change *ch = add(sc, path, BH_WS_DELETED);
	set_old(ch, lst);
	ch->implied = implied;
	if (S_ISLNK(lst->st_mode))
		ch->old_target = read_link(ldir, name);
	if (lst->st_dev != sc->lower_dev) {
		ch->refuse |= BH_WS_R_MOUNT;
		return;
	}
	if (S_ISDIR(lst->st_mode))
		lower_subtree_gone(sc, ldir, name, ch, depth);
}

/* Reads up to n bytes, fewer only at the end of the file. */
static ssize_t read_full(int fd, char *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t k = read(fd, buf + got, n - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		if (k == 0)
			break;
		got += (size_t)k;
	}
	return (ssize_t)got;
}

/* Compares the regular files udir/name and ldir/name; sets ch->content
 * (and notes a metacopy it cannot follow). */
static void compare_files(struct scan *sc, int udir, int ldir, const char *name,
			  struct bh_ws_change *ch)
{
	cleanup_fd int uf =
	    openat(udir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (uf < 0) {
		set_error(ch, errno);
		ch->content = true;
		return;
	}
	char val[256];
	bool metacopy = fgetxattr(uf, sc->xa_metacopy, NULL, 0) >= 0;
	if (metacopy) {
		/* Data still in a lower file: here only when that is the
		 * file at the same path (no redirect). */
		get_xattr(uf, sc->xa_redirect, val, sizeof(val));
		if (*val || ldir < 0) {
			ch->refuse |= BH_WS_R_UNSUPPORTED;
			ch->note = bh_xstrdup("metadata-only copy whose data "
					      "is elsewhere (overlay "
					      "metacopy/redirect)");
		}
		return;
	}
	if (ldir < 0)
		return;
	if (ch->old_size != ch->new_size) {
		ch->content = true;
		return;
	}
	cleanup_fd int lf =
	    openat(ldir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (lf < 0) {
		set_error(ch, errno);
		ch->content = true;
		return;
	}
	cleanup_free char *ba = bh_xmalloc(65536);
	cleanup_free char *bb = bh_xmalloc(65536);
	for (;;) {
		ssize_t ka = read_full(uf, ba, 65536);
		ssize_t kb = ka > 0 ? read_full(lf, bb, (size_t)ka) : 0;
		if (ka < 0 || kb < 0) {
			set_error(ch, errno);
			ch->content = true;
			return;
		}
		if (ka != kb || memcmp(ba, bb, (size_t)ka) != 0) {
			ch->content = true;
			return;
		}
		if (ka == 0)
			return;
	}
}

static void scan_dir(struct scan *sc, int udir, int ldir, const char *rel,
		     bool opaque, unsigned depth);

/* The upper directory udir/name (at path, which this takes), over
 * ldir/name when lst is set. */
static void scan_subdir(struct scan *sc, int udir, int ldir, const char *name,
			char *path, const struct stat *ust,
			const struct stat *lst, bool opaque, unsigned depth)
{
	cleanup_free char *rel = path;
	bool lower_dir = lst && S_ISDIR(lst->st_mode);
	bool mount = lst && lst->st_dev != sc->lower_dev;
	enum bh_ws_kind kind = !lst	   ? BH_WS_ADDED
			       : lower_dir ? BH_WS_MODIFIED
					   : BH_WS_RETYPED;
	cleanup_fd int cu =
	    openat(udir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int cu_errno = errno;
	char redirect[256] = "", opq[4] = "";
	if (cu >= 0) {
		get_xattr(cu, sc->xa_redirect, redirect, sizeof(redirect));
		get_xattr(cu, sc->xa_opaque, opq, sizeof(opq));
	}
	bool own_opaque = !strcmp(opq, "y");
	cleanup_fd int cl = -1;
	int cl_errno = 0;
	if (lower_dir && !mount) {
		cl = openat(ldir, name,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		cl_errno = cl < 0 ? errno : 0;
	}
	/* A directory over a directory is a change of its own only when its
	 * mode differs or it hides the lower one's entries. */
	if (cu < 0 || *redirect || mount || cl_errno || own_opaque ||
	    kind != BH_WS_MODIFIED ||
	    (ust->st_mode & 07777) != (lst->st_mode & 07777)) {
		struct bh_ws_change *ch = add(sc, bh_xstrdup(rel), kind);
		set_new(ch, ust);
		ch->new_btime_ns = btime_ns(udir, name);
		ch->opaque = lower_dir && (own_opaque || opaque);
		if (lst)
			set_old(ch, lst);
		if (lst && S_ISLNK(lst->st_mode))
			ch->old_target = read_link(ldir, name);
		if (cu < 0 || cl_errno)
			set_error(ch, cu < 0 ? cu_errno : cl_errno);
		if (*redirect) {
			ch->refuse |= BH_WS_R_UNSUPPORTED;
			ch->note = bh_xasprintf("renamed from %s (overlay "
						"redirect)",
						redirect);
		}
		if (mount)
			ch->refuse |= BH_WS_R_MOUNT;
		if (mount && !ch->note)
			ch->note = bh_xstrdup(
			    "a mount point in the workspace: the session "
			    "saw the directory under it; changes below it "
			    "are not shown");
	}
	if (cu < 0 || *redirect || mount || cl_errno)
		return;
	/* Below a replaced directory nothing of the lower one shows. */
	scan_dir(sc, cu, cl, rel, kind == BH_WS_RETYPED || opaque || own_opaque,
		 depth + 1);
}

/* One upper entry that is not a directory. */
static void scan_entry(struct scan *sc, int udir, int ldir, const char *name,
		       char *path, const struct stat *ust,
		       const struct stat *lst, unsigned depth)
{
	enum bh_ws_kind kind = BH_WS_ADDED;
	if (lst)
		kind = (lst->st_mode & S_IFMT) == (ust->st_mode & S_IFMT)
			   ? BH_WS_MODIFIED
			   : BH_WS_RETYPED;
	struct bh_ws_change *ch = add(sc, path, kind);
	set_new(ch, ust);
	ch->new_btime_ns = btime_ns(udir, name);
	if (lst) {
		set_old(ch, lst);
		if (lst->st_dev != sc->lower_dev)
			ch->refuse |= BH_WS_R_MOUNT;
	}
	if (S_ISLNK(ust->st_mode))
		ch->new_target = read_link(udir, name);
	if (lst && S_ISLNK(lst->st_mode))
		ch->old_target = read_link(ldir, name);
	if (S_ISREG(ust->st_mode))
		compare_files(sc, udir, kind == BH_WS_MODIFIED ? ldir : -1,
			      name, ch);
	if (kind == BH_WS_RETYPED && S_ISDIR(lst->st_mode) &&
	    !(ch->refuse & BH_WS_R_MOUNT))
		lower_subtree_gone(sc, ldir, name, ch, depth); /* moves v */
	if (kind != BH_WS_MODIFIED)
		return;
	/* A copy-up without a change (touch, chown, an open for writing
	 * that wrote nothing) is no change. */
	if (S_ISLNK(ust->st_mode))
		ch->content = !ch->new_target || !ch->old_target ||
			      strcmp(ch->new_target, ch->old_target) != 0;
	else if (S_ISCHR(ust->st_mode) || S_ISBLK(ust->st_mode))
		ch->content = ust->st_rdev != lst->st_rdev;
	bool mode = !S_ISLNK(ust->st_mode) &&
		    (ust->st_mode & 07777) != (lst->st_mode & 07777);
	if (!ch->content && !mode && !ch->error && !ch->note &&
	    !(ch->refuse & BH_WS_R_MOUNT)) {
		free(ch->path);
		free(ch->old_target);
		free(ch->new_target);
		sc->c->n--;
	}
}

static void scan_dir(struct scan *sc, int udir, int ldir, const char *rel,
		     bool opaque, unsigned depth)
{
	cleanup_strv char **names = NULL;
	size_t n = 0;
	int r = read_names(udir, &names, &n);
	if (r < 0 || depth > SCAN_MAX_DEPTH) {
		struct bh_ws_change *ch =
		    add(sc, bh_xstrdup(*rel ? rel : "."), BH_WS_MODIFIED);
		set_error(ch, r < 0 ? -r : ELOOP);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const char *name = names[i];
		char *path = join(rel, name);
		struct stat ust, lst;
		if (fstatat(udir, name, &ust, AT_SYMLINK_NOFOLLOW) < 0) {
			set_error(add(sc, path, BH_WS_MODIFIED), errno);
			continue;
		}
		bool have_l =
		    ldir >= 0 && lower_lstat(sc, ldir, name, &lst) == 0;
		if (is_whiteout(&ust)) {
			size_t at = sc->c->n;
			if (have_l)
				lower_gone(sc, ldir, name, path, &lst, false,
					   depth);
			else
				free(path);
			if (have_l)
				sc->c->v[at].new_btime_ns =
				    btime_ns(udir, name);
		} else if (S_ISDIR(ust.st_mode)) {
			scan_subdir(sc, udir, ldir, name, path, &ust,
				    have_l ? &lst : NULL, opaque, depth);
		} else {
			scan_entry(sc, udir, ldir, name, path, &ust,
				   have_l ? &lst : NULL, depth);
		}
	}
	if (!opaque || ldir < 0)
		return;
	/* An opaque directory hides the lower entries it does not hold. */
	cleanup_strv char **lnames = NULL;
	size_t ln = 0;
	if (read_names(ldir, &lnames, &ln) < 0)
		return;
	for (size_t i = 0; i < ln; i++) {
		struct stat lst;
		if (name_in(names, n, lnames[i]) ||
		    lower_lstat(sc, ldir, lnames[i], &lst) < 0)
			continue;
		lower_gone(sc, ldir, lnames[i], join(rel, lnames[i]), &lst,
			   true, depth);
	}
}

static int cmp_change(const void *a, const void *b)
{
	return strcmp(((const struct bh_ws_change *)a)->path,
		      ((const struct bh_ws_change *)b)->path);
}

struct bh_ws_change *bh_ws_changes_find(const struct bh_ws_changes *c,
					const char *path)
{
	struct bh_ws_change key = {.path = (char *)path};
	return bsearch(&key, c->v, c->n, sizeof(*c->v), cmp_change);
}

/* An implied deletion's cause: the nearest ancestor that deleted or
 * replaced a directory (opaque, or another type now). */
static void link_causes(struct bh_ws_changes *c)
{
	for (size_t i = 0; i < c->n; i++) {
		c->v[i].cause = SIZE_MAX;
		if (!c->v[i].implied)
			continue;
		cleanup_free char *p = bh_xstrdup(c->v[i].path);
		char *slash;
		while ((slash = strrchr(p, '/')) != NULL) {
			*slash = '\0';
			struct bh_ws_change *a = bh_ws_changes_find(c, p);
			if (a && (a->opaque || a->kind == BH_WS_RETYPED ||
				  a->kind == BH_WS_DELETED)) {
				c->v[i].cause = (size_t)(a - c->v);
				break;
			}
		}
	}
}

/* An opaque directory that hides nothing (the workspace has no entry the
 * upper one lacks: after an apply, say) and keeps its mode is no change. */
static void drop_idle_opaque(struct bh_ws_changes *c)
{
	cleanup_free bool *used = bh_xcalloc(c->n + 1, sizeof(bool));
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].cause != SIZE_MAX)
			used[c->v[i].cause] = true;
	size_t k = 0;
	for (size_t i = 0; i < c->n; i++) {
		struct bh_ws_change *ch = &c->v[i];
		if (ch->kind == BH_WS_MODIFIED && ch->opaque && !used[i] &&
		    (ch->old_mode & 07777) == (ch->new_mode & 07777) &&
		    !ch->error && !ch->note && !ch->refuse) {
			free(ch->path);
			continue;
		}
		c->v[k++] = *ch;
	}
	c->n = k;
	link_causes(c);
}

int bh_ws_changes_scan(int lower_fd, int upper_fd, bool userxattr,
		       struct bh_ws_changes **out, struct bh_error **err)
{
	*out = NULL;
	struct stat lst;
	if (fstat(lower_fd, &lst) < 0)
		return bh_error_sys(err, errno, "stat of the workspace");
	struct bh_ws_changes *c = bh_xcalloc(1, sizeof(*c));
	struct scan sc = {.c = c, .lower_dev = lst.st_dev};
	struct statx sx;
	if (statx(lower_fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &sx) == 0 &&
	    (sx.stx_mask & STATX_MNT_ID))
		sc.lower_mnt = sx.stx_mnt_id;
	const char *ns = userxattr ? "user" : "trusted";
	snprintf(sc.xa_opaque, sizeof(sc.xa_opaque), "%s.overlay.opaque", ns);
	snprintf(sc.xa_redirect, sizeof(sc.xa_redirect), "%s.overlay.redirect",
		 ns);
	snprintf(sc.xa_metacopy, sizeof(sc.xa_metacopy), "%s.overlay.metacopy",
		 ns);
	char opq[4] = "";
	get_xattr(upper_fd, sc.xa_opaque, opq, sizeof(opq));
	scan_dir(&sc, upper_fd, lower_fd, "", !strcmp(opq, "y"), 0);
	qsort(c->v, c->n, sizeof(*c->v), cmp_change);
	link_causes(c);
	drop_idle_opaque(c);
	*out = c;
	return 0;
}

void bh_ws_changes_free(struct bh_ws_changes *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].path);
		free(c->v[i].old_target);
		free(c->v[i].new_target);
		free(c->v[i].note);
	}
	free(c->v);
	free(c);
}
