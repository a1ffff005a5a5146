/* SPDX-License-Identifier: MIT */
/*
 * The session store: STATE/sessions/ID/{meta.json,upper/,work/}.
 *
 * What it defends against: the state directory is the user's, hidden from
 * every sandbox, but it sits in a home directory that other local users or
 * a careless umask may have opened up.  So each directory is opened without
 * following a final symlink and must be owned by us and writable by nobody
 * else; meta.json is replaced atomically (a crash leaves the old one or the
 * new one, never half of each); ids are checked for characters that could
 * leave the directory ('/', "..") before they are used as names.
 */
#include "workspace/overlay.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit/audit.h"
#include "core/fsutil.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "workspace/textdiff.h"

struct bh_ws_session {
	char *id;
	char *dir, *upper, *work;
	int sfd; /* STATE/sessions */
	int dfd; /* STATE/sessions/ID */
	char *workspace;
	char *profile;
	char *created;
	long long created_ns;
	char *state;
	char **protected_paths;
	enum bh_ws_xattr xattr;
	long long pid, pid_start;
	long long ws_dev, ws_ino;
};

#define META "meta.json"
#define META_MAX (1 << 20)

/* Session ids are "20261126T181000Z-65d4b4dd"; anything outside
 * [A-Za-z0-9_-] could be a path ('/', "..", a leading '.'). */
static bool id_valid(const char *id)
{
	size_t n = strlen(id);
	if (n == 0 || n > 64)
		return false;
	return strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVW"
			  "XYZ0123456789_-") == n;
}

static int bad_id(const char *id, struct bh_error **err)
{
	struct bh_strbuf sb = BH_STRBUF_INIT;
	bh_textdiff_escape(&sb, id, strlen(id), true);
	cleanup_free char *shown = bh_strbuf_steal(&sb);
	return bh_error_set(err, BH_EK_USAGE, EINVAL,
			    "invalid session id \"%s\": ids are letters, "
			    "digits and '-'",
			    shown);
}

/* Opens at/name as a directory that is ours alone: not a symlink, owned by
 * the effective uid, not writable by group or others. */
static int open_private_dir(int at, const char *name, const char *shown,
			    struct bh_error **err)
{
	int fd =
	    openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		if (e == ELOOP || e == ENOTDIR)
			return bh_error_set(err, BH_EK_SYSTEM, ELOOP,
					    "refusing %s: not a directory "
					    "(a symbolic link?)",
					    shown);
		return bh_error_sys(err, e, "opening %s", shown);
	}
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		return bh_error_sys(err, e, "stat %s", shown);
	}
	if (st.st_uid != geteuid() || (st.st_mode & 022)) {
		close(fd);
		return bh_error_set(err, BH_EK_SYSTEM, EPERM,
				    "refusing %s: owned by uid %u or writable "
				    "by others (mode %04o)",
				    shown, (unsigned)st.st_uid,
				    (unsigned)(st.st_mode & 07777));
	}
	return fd;
}

/* STATE/sessions, created (0700) when `create`. */
static int open_sessions_dir(const char *state_dir, bool create,
			     struct bh_error **err)
{
	cleanup_free char *sessions = bh_xasprintf("%s/sessions", state_dir);
	if (create) {
		int r = bh_mkdir_p(sessions, 0700);
		if (r < 0)
			return bh_error_sys(err, -r, "creating %s", sessions);
	}
	cleanup_fd int state =
	    open_private_dir(AT_FDCWD, state_dir, state_dir, err);
	if (state < 0)
		return state;
	return open_private_dir(state, "sessions", sessions, err);
}

static void now_rfc3339(char out[40], long long *ns)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(out, 40, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, 40 - n, ".%06ldZ", ts.tv_nsec / 1000);
	if (ns)
		*ns = (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Field 22 of /proc/PID/stat (start time in clock ticks), or 0.  With the
 * pid it names one process for good: pids are reused, start times not. */
static long long proc_start_time(long long pid)
{
	cleanup_free char *path = bh_xasprintf("/proc/%lld/stat", pid);
	cleanup_free char *buf = NULL;
	struct bh_error *e = NULL;
	if (bh_read_file(path, 4096, &buf, NULL, &e) < 0) {
		bh_error_free(e);
		return 0;
	}
	const char *p = strrchr(buf, ')');
	if (!p)
		return 0;
	/* After ")" come field 3 (state) ... field 22. */
	for (int field = 2; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	return p ? strtoll(p + 1, NULL, 10) : 0;
}

/* Paths need not be UTF-8; JSON strings must be.  Such a path is stored as
 * {"hex": "..."} so it comes back byte for byte. */
static json_t *json_path(const char *s)
{
	json_t *j = json_string(s);
	if (j)
		return j;
	struct bh_strbuf sb = BH_STRBUF_INIT;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		bh_strbuf_printf(&sb, "%02x", *p);
	cleanup_free char *hex = bh_strbuf_steal(&sb);
	return json_pack("{s:s}", "hex", hex);
}

static char *path_from_json(const json_t *j)
{
	if (json_is_string(j))
		return bh_xstrdup(json_string_value(j));
	const char *hex = json_string_value(json_object_get(j, "hex"));
	if (!hex || strlen(hex) % 2)
		return NULL;
	size_t n = strlen(hex) / 2;
	char *out = bh_xmalloc(n + 1);
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		if (sscanf(hex + 2 * i, "%2x", &v) != 1 || v == 0) {
			free(out);
			return NULL;
		}
		out[i] = (char)v;
	}
	out[n] = '\0';
	return out;
}

static json_t *meta_json(const struct bh_ws_session *s)
{
	char now[40];
	now_rfc3339(now, NULL);
	json_t *prot = json_array();
	for (char **p = s->protected_paths; *p; p++)
		json_array_append_new(prot, json_path(*p));
	return json_pack(
	    "{s:i,s:s,s:o,s:I,s:I,s:o?,s:s,s:I,s:s,s:s,s:s,s:I,s:I,s:I,"
	    "s:o}",
	    "v", 1, "id", s->id, "workspace", json_path(s->workspace),
	    "workspace_dev", (json_int_t)s->ws_dev, "workspace_ino",
	    (json_int_t)s->ws_ino, "profile",
	    s->profile ? json_path(s->profile) : NULL, "created", s->created,
	    "created_ns", (json_int_t)s->created_ns, "state", s->state,
	    "updated", now, "overlay_xattr",
	    s->xattr == BH_WS_XATTR_USER ? "user" : "trusted", "pid",
	    (json_int_t)s->pid, "pid_start", (json_int_t)s->pid_start, "uid",
	    (json_int_t)geteuid(), "protected", prot);
}

/* Writes meta.json: a temp file beside it, fsync, rename, fsync the
 * directory, so a crash at any point leaves a whole meta.json. */
static int meta_write(struct bh_ws_session *s, struct bh_error **err)
{
	json_t *j = meta_json(s);
	cleanup_free char *text = j ? json_dumps(j, JSON_INDENT(2)) : NULL;
	json_decref(j);
	if (!text)
		return bh_error_set(err, BH_EK_SYSTEM, ENOMEM, "encoding %s/%s",
				    s->dir, META);
	unsigned char rnd[4] = {0};
	if (getrandom(rnd, sizeof(rnd), GRND_NONBLOCK) != sizeof(rnd))
		memset(rnd, 0, sizeof(rnd)); /* O_EXCL still guards */
	char tmp[40];
	snprintf(tmp, sizeof(tmp), ".%s.%02x%02x%02x%02x", META, rnd[0], rnd[1],
		 rnd[2], rnd[3]);
	cleanup_fd int fd =
	    openat(s->dfd, tmp,
		   O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return bh_error_sys(err, errno, "creating %s/%s", s->dir, tmp);
	size_t len = strlen(text), off = 0;
	while (off < len) {
		ssize_t k = write(fd, text + off, len - off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			int e = errno;
			(void)unlinkat(s->dfd, tmp, 0);
			return bh_error_sys(err, e, "writing %s/%s", s->dir,
					    META);
		}
		off += (size_t)k;
	}
	if (write(fd, "\n", 1) != 1 || fsync(fd) < 0 ||
	    renameat(s->dfd, tmp, s->dfd, META) < 0) {
		int e = errno;
		(void)unlinkat(s->dfd, tmp, 0);
		return bh_error_sys(err, e, "writing %s/%s", s->dir, META);
	}
	(void)fsync(s->dfd);
	return 0;
}

/* Reads meta.json into s.  A missing or malformed file leaves the session
 * "broken" (openable only to be discarded), not an error. */
static int meta_read(struct bh_ws_session *s, struct bh_error **err)
{
	cleanup_fd int fd =
	    openat(s->dfd, META, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	json_t *j = NULL;
	if (fd >= 0) {
		json_error_t je;
		j = json_loadfd(fd, 0, &je);
	} else if (errno != ENOENT && errno != ELOOP) {
		return bh_error_sys(err, errno, "opening %s/%s", s->dir, META);
	}
	const char *state = json_string_value(json_object_get(j, "state"));
	const char *id = json_string_value(json_object_get(j, "id"));
	char *ws = path_from_json(json_object_get(j, "workspace"));
	const char *created = json_string_value(json_object_get(j, "created"));
	if (!j || !state || !id || strcmp(id, s->id) != 0 || !ws ||
	    ws[0] != '/' || !created) {
		free(ws);
		json_decref(j);
		s->state = bh_xstrdup(BH_WS_STATE_BROKEN);
		s->protected_paths = bh_xcalloc(1, sizeof(char *));
		return 0;
	}
	s->workspace = ws;
	s->state = bh_xstrdup(state);
	s->created = bh_xstrdup(created);
	s->created_ns = json_integer_value(json_object_get(j, "created_ns"));
	json_t *prof = json_object_get(j, "profile");
	s->profile = prof && !json_is_null(prof) ? path_from_json(prof) : NULL;
	s->ws_dev = json_integer_value(json_object_get(j, "workspace_dev"));
	s->ws_ino = json_integer_value(json_object_get(j, "workspace_ino"));
	s->pid = json_integer_value(json_object_get(j, "pid"));
	s->pid_start = json_integer_value(json_object_get(j, "pid_start"));
	const char *x = json_string_value(json_object_get(j, "overlay_xattr"));
	s->xattr =
	    x && !strcmp(x, "user") ? BH_WS_XATTR_USER : BH_WS_XATTR_TRUSTED;
	size_t n = 0, i;
	json_t *v;
	json_array_foreach(json_object_get(j, "protected"), i, v)
	{
		char *p = path_from_json(v);
		if (p)
			bh_strv_push(&s->protected_paths, &n, p);
	}
	if (!s->protected_paths)
		s->protected_paths = bh_xcalloc(1, sizeof(char *));
	json_decref(j);
	return 0;
}

static struct bh_ws_session *session_new(const char *state_dir, const char *id,
					 int sfd)
{
	struct bh_ws_session *s = bh_xcalloc(1, sizeof(*s));
	s->id = bh_xstrdup(id);
	s->dir = bh_xasprintf("%s/sessions/%s", state_dir, id);
	s->upper = bh_xasprintf("%s/upper", s->dir);
	s->work = bh_xasprintf("%s/work", s->dir);
	s->sfd = sfd;
	s->dfd = -1;
	return s;
}

/* "./a/b/" -> "a/b", "WORKSPACE/a/b" -> "a/b": protected paths are
 * compared as plain workspace-relative paths.  NULL for an absolute path
 * outside the workspace (nothing apply could touch). */
static char *normalise_rel(const char *p, const char *workspace)
{
	if (p[0] == '/') {
		if (!bh_path_is_under(p, workspace))
			return NULL;
		p += strlen(workspace);
	}
	while (p[0] == '.' && p[1] == '/')
		p += 2;
	while (*p == '/')
		p++;
	size_t n = strlen(p);
	while (n > 0 && p[n - 1] == '/')
		n--;
	return bh_xstrndup(p, n);
}

/* Fills a new session in its freshly made directory. */
static int session_fill(struct bh_ws_session *s, const char *workspace,
			const char *profile, char *const *protected_paths,
			const struct stat *wst, struct bh_error **err)
{
	s->dfd = open_private_dir(s->sfd, s->id, s->dir, err);
	if (s->dfd < 0)
		return s->dfd;
	s->workspace = bh_xstrdup(workspace);
	s->profile = profile ? bh_xstrdup(profile) : NULL;
	s->created = bh_xmalloc(40);
	now_rfc3339(s->created, &s->created_ns);
	s->state = bh_xstrdup(BH_WS_STATE_RUNNING);
	s->xattr = geteuid() == 0 ? BH_WS_XATTR_TRUSTED : BH_WS_XATTR_USER;
	s->pid = getpid();
	s->pid_start = proc_start_time(s->pid);
	s->ws_dev = (long long)wst->st_dev;
	s->ws_ino = (long long)wst->st_ino;
	size_t n = 0;
	for (char *const *p = protected_paths; p && *p; p++) {
		char *rel = normalise_rel(*p, workspace);
		if (rel)
			bh_strv_push(&s->protected_paths, &n, rel);
	}
	if (!s->protected_paths)
		s->protected_paths = bh_xcalloc(1, sizeof(char *));
	/* meta.json first: from here on a crash leaves a session that
	 * `sessions` shows and `discard` removes. */
	int r = meta_write(s, err);
	if (r < 0)
		return r;
	if (mkdirat(s->dfd, "upper", 0700) < 0 ||
	    mkdirat(s->dfd, "work", 0700) < 0)
		return bh_error_sys(err, errno, "creating %s/upper and work",
				    s->dir);
	cleanup_fd int ufd = openat(
	    s->dfd, "upper", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (ufd < 0 || fchmod(ufd, wst->st_mode & 07777) < 0 ||
	    (geteuid() == 0 && fchown(ufd, wst->st_uid, wst->st_gid) < 0))
		return bh_error_sys(err, errno, "preparing %s", s->upper);
	return 0;
}

int bh_ws_session_create(const char *state_dir, const char *id,
			 const char *workspace, const char *profile,
			 char *const *protected_paths,
			 struct bh_ws_session **out, struct bh_error **err)
{
	*out = NULL;
	if (!id_valid(id))
		return bad_id(id, err);
	if (!workspace || workspace[0] != '/')
		return bh_error_set(err, BH_EK_SYSTEM, EINVAL,
				    "the workspace must be an absolute path");
	cleanup_fd int wfd =
	    open(workspace, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat wst;
	if (wfd < 0 || fstat(wfd, &wst) < 0)
		return bh_error_sys(err, errno, "opening workspace %s",
				    workspace);
	int sfd = open_sessions_dir(state_dir, true, err);
	if (sfd < 0)
		return sfd;
	struct bh_ws_session *s = session_new(state_dir, id, sfd);
	if (mkdirat(sfd, id, 0700) < 0) {
		int r = bh_error_sys(err, errno, "creating %s", s->dir);
		bh_ws_session_free(s);
		return r;
	}
	int r = session_fill(s, workspace, profile, protected_paths, &wst, err);
	if (r < 0) {
		(void)bh_rm_rf_at(sfd, id);
		bh_ws_session_free(s);
		return r;
	}
	*out = s;
	return 0;
}

/* Hands a locally caught error to the caller's err (which may be NULL). */
static void pass_error(struct bh_error **err, struct bh_error *e)
{
	if (err && !*err)
		*err = e;
	else
		bh_error_free(e);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int read_ids(int sfd, char ***ids, struct bh_error **err)
{
	*ids = NULL;
	int dup_fd = fcntl(sfd, F_DUPFD_CLOEXEC, 0);
	DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
	if (!d) {
		int e = errno;
		if (dup_fd >= 0)
			close(dup_fd);
		return bh_error_sys(err, e, "reading the sessions directory");
	}
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL)
		if (id_valid(de->d_name))
			bh_strv_push(ids, &n, bh_xstrdup(de->d_name));
	closedir(d);
	if (!*ids)
		*ids = bh_xcalloc(1, sizeof(char *));
	qsort(*ids, n, sizeof(char *), cmp_str);
	return 0;
}

int bh_ws_session_list(const char *state_dir, char ***ids,
		       struct bh_error **err)
{
	*ids = NULL;
	struct bh_error *e = NULL;
	cleanup_fd int sfd = open_sessions_dir(state_dir, false, &e);
	if (sfd == -ENOENT) {
		bh_error_free(e);
		*ids = bh_xcalloc(1, sizeof(char *));
		return 0;
	}
	if (sfd < 0) {
		pass_error(err, e);
		return sfd;
	}
	return read_ids(sfd, ids, err);
}

int bh_ws_session_open(const char *state_dir, const char *id,
		       struct bh_ws_session **out, struct bh_error **err)
{
	*out = NULL;
	if (!id_valid(id))
		return bad_id(id, err);
	struct bh_error *e = NULL;
	int sfd = open_sessions_dir(state_dir, false, &e);
	if (sfd == -ENOENT) {
		bh_error_free(e);
		return bh_error_set(err, BH_EK_SYSTEM, ENOENT,
				    "no session %s (there are none)", id);
	}
	if (sfd < 0) {
		pass_error(err, e);
		return sfd;
	}
	cleanup_strv char **ids = NULL;
	int r = read_ids(sfd, &ids, err);
	if (r < 0) {
		close(sfd);
		return r;
	}
	/* An exact id wins; otherwise the prefix must name one session. */
	const char *found = NULL;
	size_t matches = 0, len = strlen(id);
	for (char **p = ids; *p; p++) {
		if (!strcmp(*p, id)) {
			found = *p;
			matches = 1;
			break;
		}
		if (!strncmp(*p, id, len)) {
			found = *p;
			matches++;
		}
	}
	if (matches != 1) {
		close(sfd);
		if (!matches)
			return bh_error_set(err, BH_EK_SYSTEM, ENOENT,
					    "no session %s", id);
		struct bh_strbuf sb = BH_STRBUF_INIT;
		for (char **p = ids; *p; p++)
			if (!strncmp(*p, id, len))
				bh_strbuf_printf(&sb, "%s%s",
						 sb.len ? ", " : "", *p);
		cleanup_free char *list = bh_strbuf_steal(&sb);
		r = bh_error_set(err, BH_EK_SYSTEM, ENOTUNIQ,
				 "%zu sessions start with %s", matches, id);
		bh_error_hint(err ? *err : NULL, "one of: %s", list);
		return r;
	}
	struct bh_ws_session *s = session_new(state_dir, found, sfd);
	s->dfd = open_private_dir(sfd, found, s->dir, err);
	if (s->dfd < 0 || (r = meta_read(s, err)) < 0) {
		r = s->dfd < 0 ? s->dfd : r;
		bh_ws_session_free(s);
		return r;
	}
	*out = s;
	return 0;
}

const char *bh_ws_session_id(const struct bh_ws_session *s)
{
	return s->id;
}

const char *bh_ws_session_upper(const struct bh_ws_session *s)
{
	return s->upper;
}

const char *bh_ws_session_work(const struct bh_ws_session *s)
{
	return s->work;
}

const char *bh_ws_session_workspace(const struct bh_ws_session *s)
{
	return s->workspace;
}

const char *bh_ws_session_dir(const struct bh_ws_session *s)
{
	return s->dir;
}

const char *bh_ws_session_profile(const struct bh_ws_session *s)
{
	return s->profile;
}

const char *bh_ws_session_created(const struct bh_ws_session *s)
{
	return s->created;
}

long long bh_ws_session_created_ns(const struct bh_ws_session *s)
{
	return s->created_ns;
}

const char *bh_ws_session_state(const struct bh_ws_session *s)
{
	return s->state;
}

char *const *bh_ws_session_protected(const struct bh_ws_session *s)
{
	return s->protected_paths;
}

enum bh_ws_xattr bh_ws_session_xattr(const struct bh_ws_session *s)
{
	return s->xattr;
}

bool bh_ws_session_alive(const struct bh_ws_session *s)
{
	if (strcmp(s->state, BH_WS_STATE_RUNNING) != 0 || s->pid <= 0)
		return false;
	if (kill((pid_t)s->pid, 0) < 0 && errno == ESRCH)
		return false;
	/* The pid exists; it is ours only with the same start time.  When
	 * that cannot be read, assume alive: the safe side for apply. */
	long long start = proc_start_time(s->pid);
	return !start || !s->pid_start || start == s->pid_start;
}

const char *bh_ws_session_display_state(const struct bh_ws_session *s)
{
	if (!strcmp(s->state, BH_WS_STATE_RUNNING) && !bh_ws_session_alive(s))
		return "interrupted";
	return s->state;
}

int bh_ws_session_set_state(struct bh_ws_session *s, const char *state,
			    struct bh_error **err)
{
	if (!strcmp(s->state, BH_WS_STATE_BROKEN))
		return bh_error_set(err, BH_EK_SYSTEM, EINVAL,
				    "session %s is broken (no meta.json)",
				    s->id);
	char *old = s->state;
	s->state = bh_xstrdup(state);
	int r = meta_write(s, err);
	if (r < 0) {
		free(s->state);
		s->state = old;
		return r;
	}
	free(old);
	return 0;
}

int bh_ws_session_set_xattr(struct bh_ws_session *s, enum bh_ws_xattr x,
			    struct bh_error **err)
{
	enum bh_ws_xattr old = s->xattr;
	s->xattr = x;
	int r = meta_write(s, err);
	if (r < 0)
		s->xattr = old;
	return r;
}

int bh_ws_session_lock(struct bh_ws_session *s, struct bh_error **err)
{
	if (flock(s->dfd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	if (errno == EWOULDBLOCK)
		return bh_error_set(err, BH_EK_SYSTEM, EBUSY,
				    "session %s is busy: another bulkhead is "
				    "applying or discarding it",
				    s->id);
	return bh_error_sys(err, errno, "locking session %s", s->id);
}

int bh_ws_session_open_upper(const struct bh_ws_session *s,
			     struct bh_error **err)
{
	int fd = openat(s->dfd, "upper",
			O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return bh_error_sys(err, errno, "opening %s", s->upper);
	return fd;
}

int bh_ws_session_open_workspace(const struct bh_ws_session *s,
				 struct bh_error **err)
{
	if (!s->workspace)
		return bh_error_set(err, BH_EK_SYSTEM, EINVAL,
				    "session %s is broken (no meta.json): it "
				    "can only be discarded",
				    s->id);
	int fd =
	    open(s->workspace, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return bh_error_sys(err, errno, "opening workspace %s",
				    s->workspace);
	struct stat st;
	if (fstat(fd, &st) < 0 || (long long)st.st_dev != s->ws_dev ||
	    (long long)st.st_ino != s->ws_ino) {
		close(fd);
		int r = bh_error_set(err, BH_EK_SYSTEM, ESTALE,
				     "workspace %s is not the directory "
				     "session %s started on (moved or "
				     "replaced since)",
				     s->workspace, s->id);
		bh_error_hint(err ? *err : NULL, "the changes are in %s",
			      s->upper);
		return r;
	}
	return fd;
}

/* Counts what is left below dfd/rel and keeps the first few paths. */
static void list_left(int dfd, const char *rel, struct bh_strbuf *sb,
		      size_t *count, unsigned depth)
{
	int fd =
	    openat(dfd, rel, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (++*count <= 5) {
			bh_strbuf_puts(sb, *count > 1 ? ", " : "");
			cleanup_free char *p =
			    bh_xasprintf("%s/%s", rel, de->d_name);
			bh_textdiff_escape(sb, p, strlen(p), false);
		}
		if (de->d_type == DT_DIR && depth < 64) {
			cleanup_free char *sub =
			    bh_xasprintf("%s/%s", rel, de->d_name);
			list_left(dfd, sub, sb, count, depth + 1);
		}
	}
	closedir(d);
}

int bh_ws_session_discard(struct bh_ws_session *s, char **leftover,
			  struct bh_error **err)
{
	*leftover = NULL;
	int r = 0;
	if (strcmp(s->state, BH_WS_STATE_BROKEN) != 0)
		r = bh_ws_session_set_state(s, BH_WS_STATE_DISCARDING, err);
	if (r < 0) {
		bh_ws_session_free(s);
		return r;
	}
	/* upper/ and work/ may hold anything the sandbox made: rm_rf never
	 * follows a symlink out of them. */
	int r1 = bh_rm_rf_at(s->dfd, "upper");
	int r2 = bh_rm_rf_at(s->dfd, "work");
	if (r1 || r2) {
		struct bh_strbuf sb = BH_STRBUF_INIT;
		size_t count = 0;
		list_left(s->dfd, "upper", &sb, &count, 0);
		list_left(s->dfd, "work", &sb, &count, 0);
		*leftover = bh_strbuf_steal(&sb);
		r = bh_error_set(err, BH_EK_SYSTEM, r1 ? -r1 : -r2,
				 "could not remove %zu entries of session "
				 "%s: %s",
				 count, s->id, strerror(r1 ? -r1 : -r2));
		bh_error_hint(err ? *err : NULL,
			      "%s is left marked \"discarding\"; files of "
			      "other uids from a user-namespace mount can be "
			      "removed with `unshare --map-root-user "
			      "--map-auto rm -rf %s`, then discard again",
			      s->dir, s->dir);
		bh_ws_session_free(s);
		return r;
	}
	int sfd = s->sfd;
	s->sfd = -1;
	cleanup_free char *id = bh_xstrdup(s->id);
	cleanup_free char *dir = bh_xstrdup(s->dir);
	bh_ws_session_free(s);
	r = bh_rm_rf_at(sfd, id);
	if (r == 0)
		(void)fsync(sfd);
	close(sfd);
	if (r < 0)
		return bh_error_sys(err, -r, "removing %s", dir);
	return 0;
}

void bh_ws_session_free(struct bh_ws_session *s)
{
	if (!s)
		return;
	if (s->dfd >= 0)
		close(s->dfd);
	if (s->sfd >= 0)
		close(s->sfd);
	free(s->id);
	free(s->dir);
	free(s->upper);
	free(s->work);
	free(s->workspace);
	free(s->profile);
	free(s->created);
	free(s->state);
	bh_strv_free(s->protected_paths);
	free(s);
}
