/* SPDX-License-Identifier: MIT */
/*
 * Overlay sessions: reading hand-built upper layers back as changes, what
 * apply refuses, apply itself against real trees, and the session store.
 * Whiteouts are made with mknod(0/0), which needs no privilege since Linux
 * 5.8; trusted.overlay.* markers need root and are skipped (said so)
 * without it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "core/fsutil.h"
#include "core/util.h"
#include "test.h"
#include "workspace/apply.h"
#include "workspace/changes.h"
#include "workspace/overlay.h"

/* A temp directory with lower/ (the workspace) and upper/, removed at the
 * end of the test. */
struct trees {
	char *root;
	int fd, lower, upper;
};

static void trees_done(struct trees *t)
{
	if (t->lower >= 0)
		close(t->lower);
	if (t->upper >= 0)
		close(t->upper);
	if (t->fd >= 0) {
		char *base = strrchr(t->root, '/');
		int parent = open("/tmp", O_RDONLY | O_DIRECTORY);
		(void)bh_rm_rf_at(parent, base + 1);
		close(parent);
		close(t->fd);
	}
	free(t->root);
}

#define cleanup_trees __attribute__((cleanup(trees_done)))

static bool trees_init(struct trees *t)
{
	t->lower = t->upper = t->fd = -1;
	t->root = bh_xstrdup("/tmp/bh-ws-XXXXXX");
	if (!mkdtemp(t->root))
		return false;
	t->fd = open(t->root, O_RDONLY | O_DIRECTORY);
	if (mkdirat(t->fd, "lower", 0755) || mkdirat(t->fd, "upper", 0755) ||
	    mkdirat(t->fd, "outside", 0755))
		return false;
	t->lower = openat(t->fd, "lower", O_RDONLY | O_DIRECTORY);
	t->upper = openat(t->fd, "upper", O_RDONLY | O_DIRECTORY);
	return t->lower >= 0 && t->upper >= 0;
}

/* Makes the directories leading to path (mode 0755). */
static void parents(int dfd, const char *path)
{
	char buf[512];
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *s = buf; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		(void)mkdirat(dfd, buf, 0755);
		*s = '/';
	}
}

static bool put(int dfd, const char *path, const char *text, mode_t mode)
{
	parents(dfd, path);
	int fd = openat(dfd, path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0)
		return false;
	bool ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	ok = fchmod(fd, mode) == 0 && ok;
	close(fd);
	return ok;
}

static bool dir(int dfd, const char *path, mode_t mode)
{
	parents(dfd, path);
	return mkdirat(dfd, path, mode) == 0 &&
	       fchmodat(dfd, path, mode, 0) == 0;
}

static bool whiteout(int dfd, const char *path)
{
	parents(dfd, path);
	return mknodat(dfd, path, S_IFCHR | 0, makedev(0, 0)) == 0;
}

static bool link_to(int dfd, const char *path, const char *target)
{
	parents(dfd, path);
	return symlinkat(target, dfd, path) == 0;
}

static bool setx(int dfd, const char *path, const char *name, const char *v)
{
	int fd = openat(dfd, path, O_RDONLY | O_NOFOLLOW);
	bool ok = fd >= 0 && fsetxattr(fd, name, v, strlen(v), 0) == 0;
	if (fd >= 0)
		close(fd);
	return ok;
}

static char *slurp(int dfd, const char *path)
{
	char *buf = NULL;
	size_t len;
	bool trunc;
	if (bh_ws_read_beneath(dfd, path, 1 << 20, &buf, &len, &trunc) < 0)
		return NULL;
	return buf;
}

/* A session start after everything the test made: no conflicts. */
static long long future(void)
{
	return ((long long)time(NULL) + 3600) * 1000000000LL;
}

static struct bh_ws_changes *scan(struct trees *t, bool userxattr)
{
	struct bh_ws_changes *c = NULL;
	struct bh_error *err = NULL;
	if (bh_ws_changes_scan(t->lower, t->upper, userxattr, &c, &err) < 0) {
		fprintf(stderr, "  scan: %s\n", err->msg);
		bh_error_free(err);
		return NULL;
	}
	return c;
}

static void changes_freep(struct bh_ws_changes **c)
{
	bh_ws_changes_free(*c);
}
#define cleanup_changes __attribute__((cleanup(changes_freep)))

/* kind of the change at path, or -1 */
static int kind_at(const struct bh_ws_changes *c, const char *path)
{
	struct bh_ws_change *ch = bh_ws_changes_find(c, path);
	return ch ? (int)ch->kind : -1;
}

/* Applies c to the trees; *msg (when given) gets the error message,
 * otherwise it is printed. */
static int apply_msg(struct trees *t, struct bh_ws_changes *c, unsigned allow,
		     bool rest, struct bh_ws_apply_result *res, char **msg)
{
	struct bh_ws_apply_opts o = {.allow = allow, .rest = rest};
	struct bh_error *err = NULL;
	int r = bh_ws_apply(c, t->lower, t->upper, &o, res, &err);
	if (r < 0 && msg)
		*msg = bh_xstrdup(err->msg);
	else if (r < 0)
		fprintf(stderr, "  apply: %s\n", err->msg);
	bh_error_free(err);
	return r;
}

static int apply(struct trees *t, struct bh_ws_changes *c, unsigned allow,
		 bool rest, struct bh_ws_apply_result *res)
{
	return apply_msg(t, c, allow, rest, res, NULL);
}

/* A lower tree and an upper layer as overlayfs leaves them (user.overlay.*
 * markers, as a user-namespace mount writes them). */
static bool build_classic(struct trees *t)
{
	int L = t->lower, U = t->upper;
	return put(L, "a.txt", "one\n", 0644) &&
	       put(L, "same.txt", "s\n", 0644) &&
	       put(L, "mode.sh", "#!/bin/sh\n", 0644) &&
	       put(L, "gone.txt", "bye\n", 0644) &&
	       put(L, "dir/x", "x\n", 0644) && put(L, "dir/y", "y\n", 0644) &&
	       put(L, "repl/p", "p\n", 0644) &&
	       put(L, "repl/q/r", "r\n", 0644) &&
	       put(L, "file2dir", "f\n", 0644) &&
	       put(L, "dir2file/k", "k\n", 0644) &&
	       link_to(L, "link", "a.txt") &&
	       /* upper */
	       put(U, "a.txt", "two\n", 0644) &&
	       put(U, "same.txt", "s\n", 0644) &&
	       put(U, "mode.sh", "#!/bin/sh\n", 0755) &&
	       whiteout(U, "gone.txt") && whiteout(U, "never-there") &&
	       put(U, "new.txt", "new\n", 0644) &&
	       put(U, "dir/x", "X\n", 0644) && put(U, "dir/new", "n\n", 0644) &&
	       put(U, "repl/p2", "p2\n", 0644) &&
	       setx(U, "repl", "user.overlay.opaque", "y") &&
	       put(U, "file2dir/c", "c\n", 0644) &&
	       put(U, "dir2file", "now a file\n", 0644) &&
	       link_to(U, "link", "new.txt") &&
	       mkfifoat(U, "fifo", 0644) == 0 &&
	       put(U, "bad\x1b[2Jname", "b\n", 0644) &&
	       put(U, "h1", "hard\n", 0644) && linkat(U, "h1", U, "h2", 0) == 0;
}

TEST(workspace_scan_classifies)
{
	cleanup_trees struct trees t;
	REQUIRE(trees_init(&t));
	REQUIRE(build_classic(&t));
	cleanup_changes struct bh_ws_changes *c = scan(&t, true);
	REQUIRE(c);
	CHECK_INT(kind_at(c, "a.txt"), BH_WS_MODIFIED);
	CHECK(bh_ws_changes_find(c, "a.txt")->content);
	CHECK_INT(kind_at(c, "same.txt"), -1); /* copy-up, no change */
	CHECK_INT(kind_at(c, "mode.sh"), BH_WS_MODIFIED);
	CHECK(!bh_ws_changes_find(c, "mode.sh")->content);
	CHECK_INT(kind_at(c, "gone.txt"), BH_WS_DELETED);
	CHECK_INT(kind_at(c, "never-there"), -1);
	CHECK_INT(kind_at(c, "new.txt"), BH_WS_ADDED);
	CHECK_INT(kind_at(c, "dir"), -1); /* merged, same mode */
	CHECK_INT(kind_at(c, "dir/x"), BH_WS_MODIFIED);
	CHECK_INT(kind_at(c, "dir/y"), -1);
	CHECK_INT(kind_at(c, "dir/new"), BH_WS_ADDED);
	/* The opaque directory hides every lower entry it lacks. */
	struct bh_ws_change *repl = bh_ws_changes_find(c, "repl");
	REQUIRE(repl);
	CHECK(repl->opaque);
	CHECK_INT(kind_at(c, "repl/p"), BH_WS_DELETED);
	CHECK_INT(kind_at(c, "repl/q"), BH_WS_DELETED);
	CHECK_INT(kind_at(c, "repl/q/r"), BH_WS_DELETED);
	struct bh_ws_change *q = bh_ws_changes_find(c, "repl/q");
	struct bh_ws_change *r = bh_ws_changes_find(c, "repl/q/r");
	REQUIRE(q && r);
	CHECK(q->implied && q->cause == (size_t)(repl - c->v));
	CHECK(r->implied && r->cause == (size_t)(q - c->v));
	CHECK_INT(kind_at(c, "repl/p2"), BH_WS_ADDED);
	CHECK_INT(kind_at(c, "file2dir"), BH_WS_RETYPED);
	CHECK_INT(kind_at(c, "file2dir/c"), BH_WS_ADDED);
	CHECK_INT(kind_at(c, "dir2file"), BH_WS_RETYPED);
	CHECK_INT(kind_at(c, "dir2file/k"), BH_WS_DELETED);
	struct bh_ws_change *l = bh_ws_changes_find(c, "link");
	REQUIRE(l);
	CHECK_STR(l->old_target, "a.txt");
	CHECK_STR(l->new_target, "new.txt");
	struct bh_ws_change *f = bh_ws_changes_find(c, "fifo");
	CHECK(f && (f->refuse & BH_WS_R_SPECIAL));
	CHECK_INT(kind_at(c, "bad\x1b[2Jname"), BH_WS_ADDED);
	struct bh_ws_change *h = bh_ws_changes_find(c, "h2");
	CHECK(h && h->new_nlink == 2);
	/* Sorted, each parent before its children. */
	for (size_t i = 1; i < c->n; i++)
		CHECK(strcmp(c->v[i - 1].path, c->v[i].path) < 0);
}

/* In a trusted-xattr mount the sandbox can set user.overlay.* itself: such
 * a marker must not make apply delete what the directory "hides". */
TEST(workspace_scan_forged_markers_ignored)
{
	cleanup_trees struct trees t;
	REQUIRE(trees_init(&t));
	REQUIRE(put(t.lower, "keep/important", "i\n", 0644));
	REQUIRE(put(t.upper, "keep/new", "n\n", 0644));
	REQUIRE(setx(t.upper, "keep", "user.overlay.opaque", "y"));
	cleanup_changes struct bh_ws_changes *trusted = scan(&t, false);
	REQUIRE(trusted);
	CHECK_INT(kind_at(trusted, "keep/important"), -1);
	CHECK_INT(kind_at(trusted, "keep/new"), BH_WS_ADDED);
	cleanup_changes struct bh_ws_changes *user = scan(&t, true);
	REQUIRE(user);
	CHECK_INT(kind_at(user, "keep/important"), BH_WS_DELETED);
	if (geteuid() != 0) {
		fprintf(stderr, "  SKIP workspace_scan_forged_markers_ignored "
				"(trusted.overlay.opaque): needs root\n");
		return;
	}
	REQUIRE(setx(t.upper, "keep", "trusted.overlay.opaque", "y"));
	cleanup_changes struct bh_ws_changes *real = scan(&t, false);
	REQUIRE(real);
	CHECK_INT(kind_at(real, "keep/important"), BH_WS_DELETED);
}

/* A renamed directory (redirect_dir=on) cannot be applied piecemeal. */
TEST(workspace_scan_redirect_blocks)
{
	cleanup_trees struct trees t;
	REQUIRE(trees_init(&t));
	REQUIRE(put(t.lower, "old/f", "f\n", 0644));
	REQUIRE(whiteout(t.upper, "old"));
	REQUIRE(dir(t.upper, "new", 0755));
	REQUIRE(setx(t.upper, "new", "user.overlay.redirect", "/old"));
	cleanup_changes struct bh_ws_changes *c = scan(&t, true);
	REQUIRE(c);
	struct bh_ws_change *n = bh_ws_changes_find(c, "new");
	REQUIRE(n);
	CHECK(n->refuse & BH_WS_R_UNSUPPORTED);
	struct bh_ws_apply_result res;
	CHECK_INT(apply(&t, c, 0, true, &res), 0);
	CHECK(res.blocked);
	CHECK(faccessat(t.lower, "old/f", F_OK, 0) == 0); /* untouched */
}

TEST(workspace_protected_matching)
{
	char *prot[] = {".git/hooks", ".claude", ".mcp.json", NULL};
	CHECK(bh_ws_path_protected(".claude", prot));
	CHECK(bh_ws_path_protected(".claude/settings.json", prot));
	CHECK(bh_ws_path_protected(".git/hooks/pre-commit", prot));
	CHECK(bh_ws_path_protected(".git", prot)); /* replacing the parent */
	CHECK(!bh_ws_path_protected(".git/objects/ab/cd", prot));
	CHECK(!bh_ws_path_protected(".claudex", prot));
	CHECK(!bh_ws_path_protected(".mcp.json.bak", prot));
	CHECK(!bh_ws_path_protected("src/.claude2", prot));
	CHECK(!bh_ws_path_protected("anything", NULL));
}

TEST(workspace_link_escapes)
{
	cleanup_trees struct trees t;
	REQUIRE(trees_init(&t));
	int L = t.lower, U = t.upper;
	REQUIRE(dir(L, "d1/d2", 0755));
	REQUIRE(link_to(U, "d1/d2/s", "../.."));      /* the top, inside */
	REQUIRE(link_to(L, "vendor", "/opt/vendor")); /* the user's own */
	REQUIRE(link_to(U, "loop1", "loop2"));
	REQUIRE(link_to(U, "loop2", "loop1"));
	CHECK(!bh_ws_link_escapes(L, U, "x", "d1/d2/file"));
	CHECK(!bh_ws_link_escapes(L, U, "d1/x", "../top"));
	CHECK(!bh_ws_link_escapes(L, U, "d1/d2/x", "./../../y"));
	CHECK(bh_ws_link_escapes(L, U, "x", "../outside"));
	CHECK(bh_ws_link_escapes(L, U, "d1/x", "../../outside"));
	CHECK(bh_ws_link_escapes(L, U, "x", "/etc/passwd"));
	CHECK(bh_ws_link_escapes(L, U, "x", ""));
	/* Lexically inside, but d1/d2/s is the top: three levels up from
	 * there leaves it. */
	CHECK(bh_ws_link_escapes(L, U, "x", "d1/d2/s/../../.."));
	CHECK(!bh_ws_link_escapes(L, U, "x", "d1/d2/s/d1"));
	CHECK(bh_ws_link_escapes(L, U, "x", "vendor/lib"));
	CHECK(bh_ws_link_escapes(L, U, "x", "loop1"));
}

TEST(workspace_open_beneath)
{
	cleanup_trees struct trees t;
	REQUIRE(trees_init(&t));
	REQUIRE(put(t.lower, "a/b/c", "c\n", 0644));
	REQUIRE(link_to(t.lower, "ln", "a"));
	REQUIRE(link_to(t.lower, "a/out", "/etc"));
	int (*fns[2])(int, const char *, int) = {bh_ws_open_beneath,
						 bh_ws_open_beneath_walk};
	for (int i = 0; i < 2; i++) {
		int fd = fns[i](t.lower, "a/b/c", O_RDONLY);
		CHECK(fd >= 0);
		if (fd >= 0)
			close(fd);
		CHECK_INT(fns[i](t.lower, "ln/b/c", O_RDONLY), -ELOOP);
		CHECK_INT(fns[i](t.lower, "a/out/passwd", O_RDONLY), -ELOOP);
		CHECK_INT(fns[i](t.lower, "ln", O_RDONLY), -ELOOP);
		CHECK_INT(fns[i](t.lower, "a/../a/b/c", O_RDONLY), -EINVAL);
		CHECK_INT(fns[i](t.lower, "/etc/passwd", O_RDONLY), -EINVAL);
		CHECK_INT(fns[i](t.lower, "a/none", O_RDONLY), -ENOENT);
	}
}

TEST(workspace_plan_flags)
{
	cleanup_trees struct trees t;
	REQUIRE(trees_init(&t));
	REQUIRE(put(t.lower, "old.txt", "o\n", 0644));
	REQUIRE(put(t.upper, "suid", "x", 04755));
	REQUIRE(put(t.upper, "sgid", "x", 02755));
	REQUIRE(dir(t.upper, "shared", 02775)); /* setgid dir: fine */
	REQUIRE(link_to(t.upper, "out", "../../etc/shadow"));
	REQUIRE(link_to(t.upper, "in", "old.txt"));
	REQUIRE(put(t.upper, ".claude/settings.json", "{}", 0644));
	REQUIRE(put(t.upper, "old.txt", "new\n", 0644));
	cleanup_changes struct bh_ws_changes *c = scan(&t, true);
	REQUIRE(c);
	char *prot[] = {".claude", NULL};
	/* A session that started after old.txt was last changed. */
	long long later = ((long long)time(NULL) + 3600) * 1000000000LL;
	bh_ws_plan(c, prot, later, t.lower, t.upper);
	CHECK(bh_ws_changes_find(c, "suid")->refuse & BH_WS_R_SETID);
	CHECK(bh_ws_changes_find(c, "sgid")->refuse & BH_WS_R_SETID);
	CHECK_INT(bh_ws_changes_find(c, "shared")->refuse, 0);
	CHECK(bh_ws_changes_find(c, "out")->refuse & BH_WS_R_LINK_OUT);
	CHECK_INT(bh_ws_changes_find(c, "in")->refuse, 0);
	CHECK(bh_ws_changes_find(c, ".claude")->refuse & BH_WS_R_PROTECTED);
	CHECK(bh_ws_changes_find(c, ".claude/settings.json")->refuse &
	      BH_WS_R_PROTECTED);
	CHECK_INT(bh_ws_changes_find(c, "old.txt")->refuse, 0);
	/* The workspace's old.txt changes after the session took its copy
	 * (the upper file's birth): a conflict, whenever the session
	 * started. */
	usleep(30000);
	REQUIRE(put(t.lower, "old.txt", "o2\n", 0644));
	cleanup_changes struct bh_ws_changes *c2 = scan(&t, true);
	REQUIRE(c2);
	long long earlier = ((long long)time(NULL) - 3600) * 1000000000LL;
	bh_ws_plan(c2, prot, earlier, t.lower, t.upper);
	CHECK(bh_ws_changes_find(c2, "old.txt")->refuse & BH_WS_R_CONFLICT);
	/* One changed after the session started but before the copy-up was
	 * seen by the agent: no conflict (where birth times are kept). */
	REQUIRE(put(t.lower, "seen.txt", "v2\n", 0644));
	usleep(30000);
	REQUIRE(put(t.upper, "seen.txt", "agent's edit of v2\n", 0644));
	cleanup_changes struct bh_ws_changes *c3 = scan(&t, true);
	REQUIRE(c3);
	bh_ws_plan(c3, prot, earlier, t.lower, t.upper);
	struct bh_ws_change *seen = bh_ws_changes_find(c3, "seen.txt");
	REQUIRE(seen);
	if (seen->new_btime_ns)
		CHECK(!(seen->refuse & BH_WS_R_CONFLICT));
	else
		fprintf(stderr,
			"  SKIP workspace_plan_flags (copy-up time): no "
			"birth times on /tmp\n");
}

TEST(workspace_apply_classic)
{
	cleanup_trees struct trees t;
	REQUIRE(trees_init(&t));
	REQUIRE(build_classic(&t));
	cleanup_changes struct bh_ws_changes *c = scan(&t, true);
	REQUIRE(c);
	bh_ws_plan(c, NULL, future(), t.lower, t.upper);
	struct bh_ws_apply_result res;
	/* The fifo is never applied: without --yes nothing is. */
	REQUIRE(apply(&t, c, 0, false, &res) == 0);
	CHECK(res.refused);
	CHECK_INT(res.applied, 0);
	cleanup_free char *a0 = slurp(t.lower, "a.txt");
	CHECK_STR(a0, "one\n");
	REQUIRE(apply(&t, c, 0, true, &res) == 0);
	CHECK_INT(res.left_out, 1);
	cleanup_free char *a = slurp(t.lower, "a.txt");
	CHECK_STR(a, "two\n");
	cleanup_free char *x = slurp(t.lower, "dir/x");
	CHECK_STR(x, "X\n");
	cleanup_free char *y = slurp(t.lower, "dir/y");
	CHECK_STR(y, "y\n");
	cleanup_free char *d2f = slurp(t.lower, "dir2file");
	CHECK_STR(d2f, "now a file\n");
	cleanup_free char *fc = slurp(t.lower, "file2dir/c");
	CHECK_STR(fc, "c\n");
	struct stat st;
	CHECK(fstatat(t.lower, "gone.txt", &st, 0) < 0 && errno == ENOENT);
	CHECK(fstatat(t.lower, "repl/q", &st, 0) < 0 && errno == ENOENT);
	CHECK(fstatat(t.lower, "repl/p2", &st, 0) == 0);
	CHECK(fstatat(t.lower, "mode.sh", &st, 0) == 0 &&
	      (st.st_mode & 0777) == 0755);
	CHECK(fstatat(t.lower, "fifo", &st, AT_SYMLINK_NOFOLLOW) < 0);
	char target[64] = "";
	CHECK(readlinkat(t.lower, "link", target, sizeof(target) - 1) == 7);
	CHECK_STR(target, "new.txt");
	/* Nothing is left but what was refused: applying converges. */
	cleanup_changes struct bh_ws_changes *again = scan(&t, true);
	REQUIRE(again);
	CHECK_INT(again->n, 1);
	CHECK_STR(again->n ? again->v[0].path : "", "fifo");
}

/* A workspace file hard-linked to a file outside: apply replaces the
 * name, never writes through the link. */
TEST(workspace_apply_never_writes_through_hard_links)
{
	cleanup_trees struct trees t;
	REQUIRE(trees_init(&t));
	REQUIRE(put(t.fd, "outside/secret", "keep me\n", 0644));
	REQUIRE(linkat(t.fd, "outside/secret", t.lower, "f", 0) == 0);
	REQUIRE(put(t.upper, "f", "agent wrote this\n", 0644));
	cleanup_changes struct bh_ws_changes *c = scan(&t, true);
	REQUIRE(c);
	struct bh_ws_apply_result res;
	REQUIRE(apply(&t, c, 0, false, &res) == 0);
	CHECK_INT(res.applied, 1);
	cleanup_free char *in = slurp(t.lower, "f");
	CHECK_STR(in, "agent wrote this\n");
	cleanup_free char *out = slurp(t.fd, "outside/secret");
	CHECK_STR(out, "keep me\n");
}

/* The workspace changed between the scan and the apply: a directory was
 * swapped for a symlink to somewhere else.  Nothing is written there. */
TEST(workspace_apply_parent_swapped_for_symlink)
{
	cleanup_trees struct trees t;
	REQUIRE(trees_init(&t));
	REQUIRE(put(t.lower, "sub/f", "old\n", 0644));
	REQUIRE(put(t.upper, "sub/f", "new\n", 0644));
	cleanup_changes struct bh_ws_changes *c = scan(&t, true);
	REQUIRE(c);
	REQUIRE(renameat(t.lower, "sub", t.lower, "sub.moved") == 0);
	REQUIRE(link_to(t.lower, "sub", "../outside"));
	struct bh_ws_apply_result res;
	cleanup_free char *msg = NULL;
	int r = apply_msg(&t, c, 0, false, &res, &msg);
	CHECK(r == -ELOOP || r == -ENOTDIR);
	CHECK(msg && strstr(msg, "symlink"));
	struct stat st;
	CHECK(fstatat(t.fd, "outside/f", &st, 0) < 0 && errno == ENOENT);
}

/* An entry that appeared in the workspace after the scan is not
 * overwritten by an "added" file. */
TEST(workspace_apply_no_clobber_of_new_entries)
{
	cleanup_trees struct trees t;
	REQUIRE(trees_init(&t));
	REQUIRE(put(t.upper, "n.txt", "agent\n", 0644));
	cleanup_changes struct bh_ws_changes *c = scan(&t, true);
	REQUIRE(c);
	REQUIRE(put(t.lower, "n.txt", "user\n", 0644));
	struct bh_ws_apply_result res;
	cleanup_free char *msg = NULL;
	CHECK_INT(apply_msg(&t, c, 0, false, &res, &msg), -ESTALE);
	cleanup_free char *s = slurp(t.lower, "n.txt");
	CHECK_STR(s, "user\n");
}

/* What is left out takes with it what depends on it. */
TEST(workspace_apply_dependencies)
{
	cleanup_trees struct trees t;
	REQUIRE(trees_init(&t));
	REQUIRE(put(t.upper, ".claude/settings.json", "{}", 0644));
	REQUIRE(put(t.upper, "ok.txt", "ok\n", 0644));
	/* conf/ becomes a file; it held a protected entry. */
	REQUIRE(put(t.lower, "conf/hooks/pre-commit", "h\n", 0755));
	REQUIRE(put(t.lower, "conf/other", "o\n", 0644));
	REQUIRE(put(t.upper, "conf", "flat\n", 0644));
	cleanup_changes struct bh_ws_changes *c = scan(&t, true);
	REQUIRE(c);
	char *prot[] = {".claude/settings.json", "conf/hooks", NULL};
	bh_ws_plan(c, prot, future(), t.lower, t.upper);
	struct bh_ws_apply_result res;
	REQUIRE(apply(&t, c, 0, true, &res) == 0);
	CHECK_INT(bh_ws_changes_find(c, "ok.txt")->outcome, BH_WS_APPLIED);
	CHECK_INT(bh_ws_changes_find(c, ".claude")->outcome, BH_WS_LEFT_OUT);
	CHECK_INT(bh_ws_changes_find(c, "conf")->outcome, BH_WS_LEFT_OUT);
	CHECK_INT(bh_ws_changes_find(c, "conf/other")->outcome, BH_WS_LEFT_OUT);
	struct stat st;
	CHECK(fstatat(t.lower, "conf/other", &st, 0) == 0);
	CHECK(fstatat(t.lower, "conf/hooks/pre-commit", &st, 0) == 0);
	CHECK(fstatat(t.lower, ".claude", &st, 0) < 0);
}

TEST(workspace_apply_strips_setid)
{
	cleanup_trees struct trees t;
	REQUIRE(trees_init(&t));
	REQUIRE(put(t.upper, "tool", "#!/bin/sh\n", 04755));
	cleanup_changes struct bh_ws_changes *c = scan(&t, true);
	REQUIRE(c);
	bh_ws_plan(c, NULL, future(), t.lower, t.upper);
	struct bh_ws_apply_result res;
	REQUIRE(apply(&t, c, 0, false, &res) == 0);
	CHECK(res.refused);
	REQUIRE(apply(&t, c, BH_WS_R_SETID, false, &res) == 0);
	struct stat st;
	CHECK(fstatat(t.lower, "tool", &st, 0) == 0 &&
	      (st.st_mode & 07777) == 0755);
}

/* --- the session store --------------------------------------------------- */

static void session_freep(struct bh_ws_session **s)
{
	bh_ws_session_free(*s);
}
#define cleanup_session __attribute__((cleanup(session_freep)))

static int open_code(const char *state, const char *id)
{
	struct bh_ws_session *s = NULL;
	struct bh_error *err = NULL;
	int r = bh_ws_session_open(state, id, &s, &err);
	int kind = err ? (int)err->kind : -1;
	bh_error_free(err);
	bh_ws_session_free(s);
	return r < 0 && kind == BH_EK_USAGE ? -1000 : r;
}

TEST(workspace_session_store)
{
	cleanup_trees struct trees t;
	REQUIRE(trees_init(&t));
	cleanup_free char *state = bh_xasprintf("%s/state", t.root);
	cleanup_free char *ws = bh_xasprintf("%s/lower", t.root);
	struct bh_error *err = NULL;
	cleanup_free char *abs = bh_xasprintf("%s/.git/hooks", ws);
	char *prot[] = {"./.claude/", abs, "/etc/elsewhere", NULL};
	cleanup_session struct bh_ws_session *s = NULL;
	REQUIRE(bh_ws_session_create(state, "20261126T181000Z-65d4b4dd", ws,
				     "default", prot, &s, &err) == 0);
	CHECK_STR(bh_ws_session_state(s), BH_WS_STATE_RUNNING);
	CHECK(bh_ws_session_alive(s)); /* we are its supervisor */
	CHECK_STR(bh_ws_session_protected(s)[0], ".claude");
	cleanup_session struct bh_ws_session *s2 = NULL;
	REQUIRE(bh_ws_session_create(state, "20261126T181500Z-00000000", ws,
				     NULL, NULL, &s2, &err) == 0);
	struct bh_ws_session *dup = NULL;
	CHECK(bh_ws_session_create(state, "20261126T181500Z-00000000", ws, NULL,
				   NULL, &dup, &err) == -EEXIST);
	CHECK(dup == NULL);
	bh_error_free(steal_pointer(&err));
	/* Ids that could leave the directory are usage errors. */
	CHECK_INT(open_code(state, "../x"), -1000);
	CHECK_INT(open_code(state, "a/b"), -1000);
	CHECK_INT(open_code(state, ".."), -1000);
	CHECK_INT(open_code(state, ""), -1000);
	CHECK_INT(open_code(state, "2026"), -ENOTUNIQ);
	CHECK_INT(open_code(state, "20261127"), -ENOENT);
	cleanup_strv char **ids = NULL;
	REQUIRE(bh_ws_session_list(state, &ids, &err) == 0);
	CHECK_INT(bh_strv_len(ids), 2);
	CHECK_STR(ids[0], "20261126T181000Z-65d4b4dd");
	/* meta.json round-trips, by prefix */
	REQUIRE(bh_ws_session_set_state(s, BH_WS_STATE_ENDED, &err) == 0);
	cleanup_session struct bh_ws_session *o = NULL;
	REQUIRE(bh_ws_session_open(state, "20261126T1810", &o, &err) == 0);
	CHECK_STR(bh_ws_session_state(o), BH_WS_STATE_ENDED);
	CHECK_STR(bh_ws_session_workspace(o), ws);
	CHECK_STR(bh_ws_session_profile(o), "default");
	CHECK_STR(bh_ws_session_protected(o)[1], ".git/hooks");
	CHECK(bh_ws_session_protected(o)[2] == NULL);
	CHECK_INT(bh_ws_session_created_ns(o), bh_ws_session_created_ns(s));
	int wfd = bh_ws_session_open_workspace(o, &err);
	CHECK(wfd >= 0);
	if (wfd >= 0)
		close(wfd);
	/* Discard leaves nothing, mode-000 directories included. */
	REQUIRE(put(t.fd,
		    "state/sessions/20261126T181000Z-65d4b4dd/upper/"
		    "d/f",
		    "x", 0644));
	REQUIRE(fchmodat(t.fd,
			 "state/sessions/20261126T181000Z-65d4b4dd/upper/d", 0,
			 0) == 0);
	cleanup_free char *left = NULL;
	CHECK(bh_ws_session_discard(steal_pointer(&o), &left, &err) == 0);
	struct stat st;
	CHECK(fstatat(t.fd, "state/sessions/20261126T181000Z-65d4b4dd", &st,
		      0) < 0);
	bh_error_free(err);
}

/* A supervisor that died (SIGKILL) leaves its session, shown as
 * interrupted; a session dir without meta.json opens as "broken". */
TEST(workspace_session_survives_supervisor)
{
	cleanup_trees struct trees t;
	REQUIRE(trees_init(&t));
	cleanup_free char *state = bh_xasprintf("%s/state", t.root);
	cleanup_free char *ws = bh_xasprintf("%s/lower", t.root);
	pid_t pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		struct bh_ws_session *s = NULL;
		_exit(bh_ws_session_create(state, "20261126T181000Z-aaaaaaaa",
					   ws, NULL, NULL, &s, NULL)
			  ? 1
			  : 0);
	}
	int st;
	REQUIRE(waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
		WEXITSTATUS(st) == 0);
	struct bh_error *err = NULL;
	cleanup_session struct bh_ws_session *s = NULL;
	REQUIRE(bh_ws_session_open(state, "20261126T181000Z-aaaaaaaa", &s,
				   &err) == 0);
	CHECK(!bh_ws_session_alive(s));
	CHECK_STR(bh_ws_session_display_state(s), "interrupted");
	REQUIRE(mkdirat(t.fd, "state/sessions/20261126T190000Z-bbbbbbbb",
			0700) == 0);
	cleanup_session struct bh_ws_session *b = NULL;
	REQUIRE(bh_ws_session_open(state, "20261126T19", &b, &err) == 0);
	CHECK_STR(bh_ws_session_state(b), BH_WS_STATE_BROKEN);
	cleanup_free char *left = NULL;
	CHECK(bh_ws_session_discard(steal_pointer(&b), &left, &err) == 0);
	bh_error_free(err);
}

TEST(workspace_session_refuses_open_state_dir)
{
	cleanup_trees struct trees t;
	REQUIRE(trees_init(&t));
	cleanup_free char *state = bh_xasprintf("%s/state", t.root);
	cleanup_free char *ws = bh_xasprintf("%s/lower", t.root);
	REQUIRE(mkdirat(t.fd, "state", 0700) == 0);
	REQUIRE(mkdirat(t.fd, "state/sessions", 0777) == 0);
	REQUIRE(fchmodat(t.fd, "state/sessions", 0777, 0) == 0);
	struct bh_ws_session *s = NULL;
	struct bh_error *err = NULL;
	CHECK_INT(bh_ws_session_create(state, "20261126T181000Z-65d4b4dd", ws,
				       NULL, NULL, &s, &err),
		  -EPERM);
	bh_error_free(err);
	bh_ws_session_free(s);
}
