/* SPDX-License-Identifier: MIT */
/*
 * The cgroup file system, below the sessions of cgroup.c: which
 * hierarchies are mounted where (read from mountinfo and /proc/self/cgroup,
 * never assumed), where a caller may make cgroups, and making, killing,
 * removing and sweeping session directories.
 */
#include "confine/cgroup_fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/magic.h>

#include "confine/cgroup.h"
#include "confine/cgroup_internal.h"
#include "core/fsutil.h"
#include "core/strbuf.h"
#include "core/util.h"

const char *const bh_cg_ctrl_name[BH_CG__COUNT] = {"memory", "pids", "cpu"};

#define KILL_WAIT_MS 5000
#define FREEZE_WAIT_MS 1000
#define RMDIR_WAIT_MS 2000

/*
 * Small I/O helpers.
 */

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

int bh_cgfs_write(const char *dir, const char *file, const char *val)
{
	cleanup_free char *path = bh_xasprintf("%s/%s", dir, file);
	cleanup_fd int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t n = strlen(val);
	ssize_t w = write(fd, val, n);
	if (w < 0)
		return -errno;
	return (size_t)w == n ? 0 : -EIO;
}

int bh_cgfs_read(const char *dir, const char *file, size_t max, char **out)
{
	cleanup_free char *path = bh_xasprintf("%s/%s", dir, file);
	return bh_read_file(path, max, out, NULL, NULL);
}

bool bh_cgfs_exists(const char *dir, const char *file)
{
	cleanup_free char *path = bh_xasprintf("%s/%s", dir, file);
	return access(path, F_OK) == 0;
}

int bh_cgfs_read_u64(const char *dir, const char *file, uint64_t *v)
{
	cleanup_free char *s = NULL;
	int r = bh_cgfs_read(dir, file, BH_CG_MAX_SMALL, &s);
	if (r < 0)
		return r;
	return bh_cg_parse_u64_max(s, v);
}

int bh_cgfs_read_keyed(const char *dir, const char *file, const char *key,
		       uint64_t *v)
{
	cleanup_free char *s = NULL;
	int r = bh_cgfs_read(dir, file, BH_CG_MAX_SMALL, &s);
	if (r < 0)
		return r;
	return bh_cg_keyed(s, key, v);
}

static bool file_has_word(const char *dir, const char *file, const char *w)
{
	cleanup_free char *s = NULL;
	return bh_cgfs_read(dir, file, BH_CG_MAX_SMALL, &s) == 0 &&
	       bh_cg_list_has(s, w);
}

void bh_cgfs_self_identity(uint64_t *start, uint64_t *pidns)
{
	cleanup_free char *text = NULL;
	struct stat st;
	*start = 0;
	*pidns = 0;
	if (bh_read_file("/proc/self/stat", BH_CG_MAX_SMALL, &text, NULL,
			 NULL) == 0)
		(void)bh_cg_parse_stat_start(text, start);
	if (stat("/proc/self/ns/pid", &st) == 0)
		*pidns = (uint64_t)st.st_ino;
}

/*
 * The layout: which hierarchies are mounted where, and where we are in
 * them.  Read from mountinfo and /proc/self/cgroup, not assumed: the v2
 * mount may be at /sys/fs/cgroup or /sys/fs/cgroup/unified, v1 controllers
 * may be co-mounted ("cpu,cpuacct"), and a container may show only part of
 * a hierarchy (a mount root other than "/").
 */

static void hier_clear(struct bh_cgfs_hier *h)
{
	free(h->mnt);
	free(h->root);
	free(h->self);
	memset(h, 0, sizeof(*h));
}

void bh_cgfs_layout_clear(struct bh_cgfs_layout *l)
{
	hier_clear(&l->v2);
	for (int c = 0; c < BH_CG__COUNT; c++)
		hier_clear(&l->v1[c]);
}

/* A later mount on or above a recorded mount point hides it (a tmpfs over
 * /sys/fs/cgroup/unified, as crun users do).  "/" is left out: where it
 * shows in the list says nothing after a pivot_root. */
static void layout_hide(struct bh_cgfs_layout *l, const char *mnt)
{
	if (!strcmp(mnt, "/"))
		return;
	if (l->v2.mnt && bh_path_is_under(l->v2.mnt, mnt))
		hier_clear(&l->v2);
	for (int c = 0; c < BH_CG__COUNT; c++)
		if (l->v1[c].mnt && bh_path_is_under(l->v1[c].mnt, mnt))
			hier_clear(&l->v1[c]);
}

/* Records m for h, preferring a mount of the whole hierarchy. */
static void layout_take(struct bh_cgfs_hier *h, const struct bh_cg_mount *m)
{
	if (h->mnt && !(strcmp(h->root, "/") != 0 && !strcmp(m->root, "/")))
		return;
	hier_clear(h);
	h->mnt = bh_xstrdup(m->mnt);
	h->root = bh_xstrdup(m->root);
	h->v2 = m->v2;
}

static bool is_v1_controller_mount(const char *opts)
{
	static const char *const known[] = {
	    "memory",	"pids",	      "cpu",   "cpuacct", "cpuset",
	    "devices",	"freezer",    "blkio", "hugetlb", "net_cls",
	    "net_prio", "perf_event", "rdma",  "misc"};
	for (size_t i = 0; i < BH_ARRAY_SIZE(known); i++)
		if (bh_cg_list_has(opts, known[i]))
			return true;
	return false;
}

static bool is_fs(const char *path, unsigned long magic)
{
	struct statfs sf;
	return statfs(path, &sf) == 0 && (unsigned long)sf.f_type == magic;
}

int bh_cgfs_layout_read(struct bh_cgfs_layout *l, char **why)
{
	cleanup_free char *mi = NULL, *self = NULL;
	memset(l, 0, sizeof(*l));
	int r = bh_read_file("/proc/self/mountinfo", BH_CG_MAX_LIST, &mi, NULL,
			     NULL);
	if (r < 0) {
		*why = bh_xasprintf("cannot read /proc/self/mountinfo: %s",
				    strerror(-r));
		return r;
	}
	char *cur = mi;
	for (char *line; (line = bh_cg_next_line(&cur)) != NULL;) {
		struct bh_cg_mount m;
		int k = bh_cg_parse_mountinfo_line(line, &m);
		if (k < 0)
			continue;
		layout_hide(l, m.mnt);
		if (k == 1 && m.v2) {
			layout_take(&l->v2, &m);
		} else if (k == 1) {
			for (int c = 0; c < BH_CG__COUNT; c++)
				if (bh_cg_list_has(m.opts, bh_cg_ctrl_name[c]))
					layout_take(&l->v1[c], &m);
			if (is_v1_controller_mount(m.opts))
				l->any_v1 = true;
		}
		bh_cg_mount_clear(&m);
	}
	/* What the list cannot tell, the mount point can. */
	if (l->v2.mnt && !is_fs(l->v2.mnt, CGROUP2_SUPER_MAGIC))
		hier_clear(&l->v2);
	for (int c = 0; c < BH_CG__COUNT; c++)
		if (l->v1[c].mnt && !is_fs(l->v1[c].mnt, CGROUP_SUPER_MAGIC))
			hier_clear(&l->v1[c]);

	r = bh_read_file("/proc/self/cgroup", BH_CG_MAX_LIST, &self, NULL,
			 NULL);
	if (r < 0) {
		*why = bh_xasprintf("cannot read /proc/self/cgroup: %s",
				    strerror(-r));
		return r;
	}
	cur = self;
	for (char *line; (line = bh_cg_next_line(&cur)) != NULL;) {
		struct bh_cg_member e;
		if (bh_cg_parse_member_line(line, &e) != 0)
			continue;
		if (e.id == 0 && e.controllers[0] == '\0') {
			if (l->v2.mnt && !l->v2.self)
				l->v2.self = bh_xstrdup(e.path);
		} else {
			for (int c = 0; c < BH_CG__COUNT; c++)
				if (l->v1[c].mnt && !l->v1[c].self &&
				    bh_cg_list_has(e.controllers,
						   bh_cg_ctrl_name[c]))
					l->v1[c].self = bh_xstrdup(e.path);
		}
		bh_cg_member_clear(&e);
	}
	return 0;
}

/* dir (below h->mnt) as /proc/PID/cgroup would show it. */
static char *rel_of(const struct bh_cgfs_hier *h, const char *dir)
{
	const char *tail = dir + strlen(h->mnt);
	if (!strcmp(h->root, "/"))
		return bh_xstrdup(*tail ? tail : "/");
	return bh_xasprintf("%s%s", h->root, tail);
}

/* The directory one level up, in place; false at the top. */
static bool path_up(char *p)
{
	char *s = strrchr(p, '/');
	if (!s || s == p)
		return false;
	*s = '\0';
	return true;
}

static bool delegated_to_us(const char *dir, uid_t uid, bool need_subtree)
{
	struct stat st;
	if (stat(dir, &st) != 0 || st.st_uid != uid)
		return false;
	cleanup_free char *procs = bh_xasprintf("%s/cgroup.procs", dir);
	cleanup_free char *sub = bh_xasprintf("%s/cgroup.subtree_control", dir);
	return faccessat(AT_FDCWD, dir, W_OK | X_OK, AT_EACCESS) == 0 &&
	       faccessat(AT_FDCWD, procs, W_OK, AT_EACCESS) == 0 &&
	       (!need_subtree ||
		faccessat(AT_FDCWD, sub, W_OK, AT_EACCESS) == 0);
}

static bool has_no_process(const char *dir)
{
	cleanup_free char *s = NULL;
	return bh_cgfs_read(dir, "cgroup.procs", BH_CG_MAX_LIST, &s) == 0 &&
	       s[strspn(s, " \n")] == '\0';
}

/*
 * Where the v2 session cgroups go, as "<base>/bulkhead/...".  Root: the
 * top of the hierarchy (the root cgroup is exempt from the "no internal
 * processes" rule, so it can hand controllers down).  Unprivileged: inside
 * a subtree delegated to us.  A cgroup that holds processes (ours always
 * does) cannot enable controllers for its children, so the base for limits
 * is the nearest ancestor we own that holds none; failing that, our own
 * cgroup, if we own it, still gives lifetime without limits.
 */

void bh_cgfs_place_clear(struct bh_cgfs_place *pl)
{
	free(pl->base);
	free(pl->own);
	memset(pl, 0, sizeof(*pl));
}

void bh_cgfs_v2_place(const struct bh_cgfs_hier *h, struct bh_cgfs_place *pl,
		      char **why)
{
	uid_t uid = geteuid();
	memset(pl, 0, sizeof(*pl));
	if (uid == 0) {
		pl->base = bh_xstrdup(h->mnt);
		pl->controllers = true;
		return;
	}
	if (!h->self) {
		*why = bh_xasprintf("cgroup v2: this process is in no cgroup2 "
				    "cgroup");
		return;
	}
	cleanup_free char *own = bh_cg_dir_of(h->mnt, h->root, h->self);
	if (!own) {
		*why = bh_xasprintf("cgroup v2: our cgroup %s is outside what "
				    "%s shows",
				    h->self, h->mnt);
		return;
	}
	cleanup_free char *cur = bh_xstrdup(own);
	for (bool first = true;; first = false) {
		if (!delegated_to_us(cur, uid, !first))
			break;
		if (first) {
			pl->own = bh_xstrdup(own);
		} else if (has_no_process(cur)) {
			pl->base = steal_pointer(&cur);
			pl->controllers = pl->delegated = true;
			return;
		}
		if (!strcmp(cur, h->mnt) || !path_up(cur) ||
		    strlen(cur) < strlen(h->mnt))
			break;
	}
	if (pl->own) {
		pl->base = bh_xstrdup(pl->own);
		pl->delegated = true;
		return;
	}
	*why = bh_xasprintf("cgroup v2: %s (our cgroup) is not delegated to "
			    "uid %u",
			    own, (unsigned)uid);
}

/*
 * Enabling a controller for children: "+name" into cgroup.subtree_control,
 * which needs it in the directory's own cgroup.controllers.  0 or -errno;
 * -ENOENT when the hierarchy does not have it at all.
 */
static int v2_enable(const char *dir, const char *ctrl)
{
	if (file_has_word(dir, "cgroup.subtree_control", ctrl))
		return 0;
	if (!file_has_word(dir, "cgroup.controllers", ctrl))
		return -ENOENT;
	cleanup_free char *plus = bh_xasprintf("+%s", ctrl);
	return bh_cgfs_write(dir, "cgroup.subtree_control", plus);
}

void bh_cgfs_dir_init(struct bh_cgfs_dir *d)
{
	memset(d, 0, sizeof(*d));
	d->procs_fd = d->dir_fd = -1;
}

void bh_cgfs_dir_close(struct bh_cgfs_dir *d)
{
	if (d->procs_fd >= 0)
		close(d->procs_fd);
	if (d->dir_fd >= 0)
		close(d->dir_fd);
	d->procs_fd = d->dir_fd = -1;
}

void bh_cgfs_dir_free(struct bh_cgfs_dir *d)
{
	bh_cgfs_dir_close(d);
	free(d->path);
	free(d->parent);
	free(d->rel);
	bh_cgfs_dir_init(d);
}

/*
 * Makes "<base>/bulkhead/<name>".  Another session removing an empty
 * "bulkhead" between our two mkdir calls shows as ENOENT: make it again.
 * For v2, enables the controllers in `enable` (a CG_* bitmask) on the way
 * down, recording per controller the errno of a failure in enable_err.
 */
int bh_cgfs_make_dir(const struct bh_cgfs_hier *h, const char *base,
		     const char *name, const char *ctrl, unsigned enable,
		     int enable_err[BH_CG__COUNT], struct bh_cgfs_dir *d,
		     char **why)
{
	cleanup_free char *parent = bh_xasprintf("%s/" BH_CG_PARENT, base);
	cleanup_free char *path = bh_xasprintf("%s/%s", parent, name);

	for (int c = 0; c < BH_CG__COUNT; c++)
		if (enable & (1u << c))
			enable_err[c] = v2_enable(base, bh_cg_ctrl_name[c]);
	for (int tries = 0;; tries++) {
		if (mkdir(parent, 0755) != 0 && errno != EEXIST) {
			int e = errno;
			*why =
			    bh_xasprintf("mkdir %s: %s", parent, strerror(e));
			return -e;
		}
		for (int c = 0; c < BH_CG__COUNT; c++)
			if ((enable & (1u << c)) && enable_err[c] == 0)
				enable_err[c] =
				    v2_enable(parent, bh_cg_ctrl_name[c]);
		if (mkdir(path, 0755) == 0)
			break;
		int e = errno;
		if (e != ENOENT || tries == 4) {
			*why = bh_xasprintf("mkdir %s: %s", path, strerror(e));
			return -e;
		}
	}

	bh_cgfs_dir_init(d);
	cleanup_free char *procs = bh_xasprintf("%s/cgroup.procs", path);
	d->procs_fd = open(procs, O_WRONLY | O_CLOEXEC);
	if (d->procs_fd < 0) {
		int e = errno;
		*why = bh_xasprintf("%s: %s", procs, strerror(e));
		(void)rmdir(path);
		bh_cgfs_remove_parent(parent);
		return -e;
	}
	if (h->v2) {
		d->dir_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (d->dir_fd < 0) {
			int e = errno;
			*why = bh_xasprintf("%s: %s", path, strerror(e));
			bh_cgfs_dir_close(d);
			(void)rmdir(path);
			bh_cgfs_remove_parent(parent);
			return -e;
		}
	}
	d->v2 = h->v2;
	d->ctrl = ctrl;
	d->rel = rel_of(h, path);
	d->path = steal_pointer(&path);
	d->parent = steal_pointer(&parent);
	return 0;
}

/*
 * Killing.  cgroup.kill (Linux 5.14) kills the whole subtree at once, new
 * forks included.  Without it: freeze the cgroup so that nothing forks or
 * exits under us, signal every member, thaw, and loop until it is empty.
 * v1 has no usable freezer (the legacy one is documented as unreliable), so
 * there the loop races with forks and relies on the pids limit and time.
 * Each pid read from cgroup.procs is opened as a pidfd and checked to be in
 * the cgroup before the signal, so a pid reused in between is never hit.
 */

struct pid_vec {
	pid_t *v;
	size_t n, cap;
};

static void pid_vec_free(struct pid_vec *pv)
{
	free(pv->v);
	memset(pv, 0, sizeof(*pv));
}

static bool pid_vec_has(const struct pid_vec *pv, pid_t p)
{
	for (size_t i = 0; i < pv->n; i++)
		if (pv->v[i] == p)
			return true;
	return false;
}

static void pid_vec_push(struct pid_vec *pv, pid_t p)
{
	bh_xgrow((void **)&pv->v, &pv->cap, pv->n + 1, sizeof(pid_t));
	pv->v[pv->n++] = p;
}

/* The members of dir and of every cgroup below it. */
static void list_members(const char *dir, struct pid_vec *out, int depth)
{
	cleanup_free char *s = NULL;
	if (depth > 32)
		return;
	if (bh_cgfs_read(dir, "cgroup.procs", BH_CG_MAX_LIST, &s) == 0) {
		size_t n = bh_cg_parse_pids(s, NULL, 0);
		bh_xgrow((void **)&out->v, &out->cap, out->n + n + 1,
			 sizeof(pid_t));
		out->n += bh_cg_parse_pids(s, out->v + out->n, n);
	}
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") ||
		    !strcmp(de->d_name, ".."))
			continue;
		cleanup_free char *sub = bh_xasprintf("%s/%s", dir, de->d_name);
		list_members(sub, out, depth + 1);
	}
	closedir(d);
}

static bool is_empty(const struct bh_cgfs_dir *d)
{
	uint64_t populated;
	if (d->v2 && bh_cgfs_read_keyed(d->path, "cgroup.events", "populated",
					&populated) == 0)
		return populated == 0;
	struct pid_vec pv = {0};
	list_members(d->path, &pv, 0);
	bool empty = pv.n == 0;
	pid_vec_free(&pv);
	return empty;
}

static bool wait_empty(const struct bh_cgfs_dir *d, uint64_t deadline)
{
	for (unsigned ms = 1;; ms = ms < 32 ? ms * 2 : ms) {
		if (is_empty(d))
			return true;
		if (now_ms() >= deadline)
			return false;
		sleep_ms(ms);
	}
}

/* Is pid in d or below it?  Read from /proc/PID/cgroup. */
static bool pid_in_dir(pid_t pid, const struct bh_cgfs_dir *d)
{
	char path[64];
	cleanup_free char *s = NULL;
	snprintf(path, sizeof(path), "/proc/%ld/cgroup", (long)pid);
	if (bh_read_file(path, BH_CG_MAX_SMALL, &s, NULL, NULL) != 0)
		return false;
	bool in = false;
	char *cur = s;
	for (char *line; !in && (line = bh_cg_next_line(&cur)) != NULL;) {
		struct bh_cg_member e;
		if (bh_cg_parse_member_line(line, &e) != 0)
			continue;
		bool ours = d->ctrl ? bh_cg_list_has(e.controllers, d->ctrl)
				    : e.id == 0 && e.controllers[0] == '\0';
		in = ours && bh_path_is_under(e.path, d->rel);
		bh_cg_member_clear(&e);
	}
	return in;
}

static bool kill_member(pid_t pid, const struct bh_cgfs_dir *d)
{
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pfd < 0 && errno != ENOSYS)
		return false; /* gone */
	bool done = false;
	if (pid_in_dir(pid, d))
		done = (pfd >= 0 ? syscall(SYS_pidfd_send_signal, pfd, SIGKILL,
					   NULL, 0)
				 : kill(pid, SIGKILL)) == 0;
	if (pfd >= 0)
		close(pfd);
	return done;
}

unsigned bh_cgfs_kill(const struct bh_cgfs_dir *d, bool use_kill_file)
{
	uint64_t deadline = now_ms() + KILL_WAIT_MS;
	struct pid_vec seen = {0};
	unsigned killed = 0;

	if (is_empty(d))
		return 0;
	if (d->v2 && use_kill_file && bh_cgfs_exists(d->path, "cgroup.kill")) {
		list_members(d->path, &seen, 0);
		killed = (unsigned)seen.n;
		if (bh_cgfs_write(d->path, "cgroup.kill", "1") == 0 &&
		    wait_empty(d, deadline)) {
			pid_vec_free(&seen);
			return killed;
		}
	}
	bool freeze = d->v2 && bh_cgfs_exists(d->path, "cgroup.freeze");
	for (unsigned ms = 1; !is_empty(d); ms = ms < 32 ? ms * 2 : ms) {
		if (freeze &&
		    bh_cgfs_write(d->path, "cgroup.freeze", "1") == 0) {
			uint64_t frozen = 0, until = now_ms() + FREEZE_WAIT_MS;
			while (bh_cgfs_read_keyed(d->path, "cgroup.events",
						  "frozen", &frozen) == 0 &&
			       frozen == 0 && now_ms() < until)
				sleep_ms(1);
		}
		struct pid_vec now = {0};
		list_members(d->path, &now, 0);
		for (size_t i = 0; i < now.n; i++) {
			if (kill_member(now.v[i], d) &&
			    !pid_vec_has(&seen, now.v[i])) {
				pid_vec_push(&seen, now.v[i]);
				killed++;
			}
		}
		pid_vec_free(&now);
		/* A frozen task dies of SIGKILL in cgroup v2, but thawing
		 * also lets a kernel without that behaviour deliver it. */
		if (freeze)
			(void)bh_cgfs_write(d->path, "cgroup.freeze", "0");
		if (now_ms() >= deadline)
			break;
		sleep_ms(ms);
	}
	pid_vec_free(&seen);
	return killed;
}

/* rmdir of dir and every cgroup below it, bottom up.  A cgroup whose last
 * process is still exiting is busy for a moment: retry until a deadline. */
static int remove_tree(const char *dir, int depth)
{
	if (depth > 32)
		return -ELOOP;
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	cleanup_strv char **subs = NULL;
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL)
		if (de->d_type == DT_DIR && strcmp(de->d_name, ".") &&
		    strcmp(de->d_name, ".."))
			bh_strv_push(&subs, &n,
				     bh_xasprintf("%s/%s", dir, de->d_name));
	closedir(d);
	int first = 0;
	for (size_t i = 0; i < n; i++) {
		int r = remove_tree(subs[i], depth + 1);
		if (r && !first)
			first = r;
	}
	uint64_t deadline = now_ms() + RMDIR_WAIT_MS;
	for (unsigned ms = 1;; ms = ms < 32 ? ms * 2 : ms) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return first;
		if (errno != EBUSY || now_ms() >= deadline)
			return first ? first : -errno;
		sleep_ms(ms);
	}
}

int bh_cgfs_remove_tree(const char *dir)
{
	return remove_tree(dir, 0);
}

void bh_cgfs_remove_parent(const char *parent)
{
	struct stat st;
	if (stat(parent, &st) == 0 && st.st_uid == geteuid())
		(void)rmdir(parent);
}

/*
 * The sweep.  A supervisor killed with SIGKILL cannot remove its cgroups;
 * the next one does.  A session directory is stale when its supervisor
 * (pid, start time) no longer runs.  A different pid namespace means the
 * pid cannot be checked from here: such directories are left alone.
 */

static bool supervisor_alive(pid_t pid, uint64_t start)
{
	char path[64];
	cleanup_free char *text = NULL;
	uint64_t st;
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	int r = bh_read_file(path, BH_CG_MAX_SMALL, &text, NULL, NULL);
	if (r == -ENOENT || r == -ESRCH)
		return false;
	if (r < 0 || bh_cg_parse_stat_start(text, &st) != 0)
		return true; /* cannot tell: leave it */
	return st == start;
}

static unsigned sweep_parent(const struct bh_cgfs_hier *h, const char *base,
			     const char *ctrl, bool own)
{
	cleanup_free char *parent = bh_xasprintf("%s/" BH_CG_PARENT, base);
	uint64_t my_start, my_ns;
	unsigned removed = 0;
	bh_cgfs_self_identity(&my_start, &my_ns);

	DIR *d = opendir(parent);
	if (!d)
		return 0;
	cleanup_strv char **stale = NULL;
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		pid_t pid;
		uint64_t start, ns;
		if (de->d_type != DT_DIR ||
		    bh_cg_parse_session_name(de->d_name, &pid, &start, &ns) !=
			0 ||
		    ns != my_ns)
			continue;
		bool mine = own && pid == getpid() && start == my_start;
		if (!mine && supervisor_alive(pid, start))
			continue;
		bh_strv_push(&stale, &n, bh_xstrdup(de->d_name));
	}
	closedir(d);

	for (size_t i = 0; i < n; i++) {
		struct bh_cgfs_dir cd;
		bh_cgfs_dir_init(&cd);
		cd.path = bh_xasprintf("%s/%s", parent, stale[i]);
		cd.rel = rel_of(h, cd.path);
		cd.ctrl = ctrl;
		cd.v2 = h->v2;
		(void)bh_cgfs_kill(&cd, true);
		if (bh_cgfs_remove_tree(cd.path) == 0)
			removed++;
		bh_cgfs_dir_free(&cd);
	}
	bh_cgfs_remove_parent(parent);
	return removed;
}

static unsigned sweep(bool own)
{
	struct bh_cgfs_layout l;
	cleanup_free char *why = NULL;
	unsigned n = 0;
	if (bh_cgfs_layout_read(&l, &why) != 0) {
		bh_cgfs_layout_clear(&l);
		return 0;
	}
	if (l.v2.mnt) {
		struct bh_cgfs_place pl;
		cleanup_free char *pwhy = NULL;
		bh_cgfs_v2_place(&l.v2, &pl, &pwhy);
		if (pl.base)
			n += sweep_parent(&l.v2, pl.base, NULL, own);
		if (pl.own && (!pl.base || strcmp(pl.own, pl.base)))
			n += sweep_parent(&l.v2, pl.own, NULL, own);
		bh_cgfs_place_clear(&pl);
	}
	for (int c = 0; c < BH_CG__COUNT; c++) {
		bool seen = false;
		for (int o = 0; o < c; o++)
			seen = seen || (l.v1[o].mnt && l.v1[c].mnt &&
					!strcmp(l.v1[o].mnt, l.v1[c].mnt));
		if (l.v1[c].mnt && !seen)
			n += sweep_parent(&l.v1[c], l.v1[c].mnt,
					  bh_cg_ctrl_name[c], own);
	}
	bh_cgfs_layout_clear(&l);
	return n;
}

unsigned bh_cgroup_sweep(void)
{
	return sweep(false);
}

unsigned bh_cgroup_sweep_own(void)
{
	return sweep(true);
}

char *bh_cgroup_describe_host(void)
{
	struct bh_cgfs_layout l;
	cleanup_free char *why = NULL;
	if (bh_cgfs_layout_read(&l, &why) != 0) {
		bh_cgfs_layout_clear(&l);
		return bh_xasprintf("unknown (%s)", why);
	}
	struct bh_strbuf sb = BH_STRBUF_INIT;
	const char *kind = l.v2.mnt ? (l.any_v1 ? "hybrid" : "cgroup v2")
				    : (l.any_v1 ? "cgroup v1" : "none");
	bh_strbuf_puts(&sb, kind);
	if (l.v2.mnt) {
		cleanup_free char *ctl = NULL;
		(void)bh_cgfs_read(l.v2.mnt, "cgroup.controllers",
				   BH_CG_MAX_SMALL, &ctl);
		if (ctl)
			ctl[strcspn(ctl, "\n")] = '\0';
		bh_strbuf_printf(&sb, ": cgroup2 at %s (controllers: %s)",
				 l.v2.mnt, ctl && *ctl ? ctl : "none");
	}
	for (int c = 0; c < BH_CG__COUNT; c++)
		if (l.v1[c].mnt)
			bh_strbuf_printf(&sb, "%s v1 %s at %s",
					 sb.len > strlen(kind) ? "," : ":",
					 bh_cg_ctrl_name[c], l.v1[c].mnt);
	bh_cgfs_layout_clear(&l);
	return bh_strbuf_steal(&sb);
}
