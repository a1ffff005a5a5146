/* SPDX-License-Identifier: MIT */
/*
 * The audit log writer and reader.  docs/audit.md is the schema and states
 * the guarantees; this file is where they are kept:
 *
 *  - one record is one line, written by one write() on an O_APPEND
 *    descriptor while holding flock(LOCK_EX), so records of concurrent
 *    sessions never interleave;
 *  - a record that could not be written whole is reported, never completed
 *    by a second write (that could land after another writer's record), and
 *    the next writer starts on a fresh line so a torn record costs only
 *    itself;
 *  - the directory and the file are refused when they are symbolic links,
 *    not owned by the caller, or writable by others: the log is the trail
 *    a sandboxed process must never be able to rewrite or redirect.
 */
#include "audit/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/fsutil.h"
#include "core/strbuf.h"
#include "core/util.h"

struct bh_audit {
	int fd;
	char *path;
};

char *bh_state_dir(const char *home, const char *xdg_state_home)
{
	const char *base, *suffix;
	/* The XDG base directory spec: a relative value is invalid and must
	 * be ignored, not resolved against whatever the cwd happens to be. */
	if (xdg_state_home && xdg_state_home[0] == '/') {
		base = xdg_state_home;
		suffix = "/bulkhead";
	} else if (home && home[0] == '/') {
		base = home;
		suffix = "/.local/state/bulkhead";
	} else {
		return NULL;
	}
	size_t n = strlen(base);
	while (n > 0 && base[n - 1] == '/')
		n--;
	return bh_xasprintf("%.*s%s", (int)n, base, suffix);
}

char *bh_audit_default_path(void)
{
	const char *home = getenv("HOME");
	if (!home || home[0] != '/') {
		struct passwd *pw = getpwuid(getuid());
		home = pw ? pw->pw_dir : NULL;
	}
	cleanup_free char *dir = bh_state_dir(home, getenv("XDG_STATE_HOME"));
	return dir ? bh_xasprintf("%s/audit.jsonl", dir) : NULL;
}

/* "2026-11-26T17:55:21.123456Z" */
static void audit_time_now(char out[32])
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, 32 - n, ".%06ldZ", ts.tv_nsec / 1000);
}

void *bh_audit_json_string(const char *s)
{
	json_t *j = json_string(s);
	if (j)
		return j;
	struct bh_strbuf sb = BH_STRBUF_INIT;
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s);
	while (*p) {
		size_t n = bh_utf8_len(p, left);
		if (n == 0) {
			bh_strbuf_puts(&sb, "\xef\xbf\xbd");
			n = 1;
		} else {
			bh_strbuf_append(&sb, (const char *)p, n);
		}
		p += n;
		left -= n;
	}
	cleanup_free char *fixed = bh_strbuf_steal(&sb);
	j = json_string(fixed);
	return j ? j : json_string("\xef\xbf\xbd");
}

void *bh_audit_record_new(const char *session, const char *event)
{
	char now[32];
	audit_time_now(now);
	return json_pack("{s:i,s:s,s:o,s:s}", "v", 1, "time", now, "session",
			 bh_audit_json_string(session), "event", event);
}

/*
 * Opens the directory that holds the log and checks it is one the sandbox
 * cannot have planted or redirected: a real directory (O_NOFOLLOW: not a
 * symlink to somewhere else), owned by us, writable by nobody else.  Its
 * ancestors may be symlinks: they are the user's own layout (dotfile
 * managers link ~/.local), and the sandbox never sees the state directory.
 */
static int open_state_dir(const char *dir, struct bh_error **err)
{
	/* Each new component 0700: the XDG spec's mode for state. */
	int r = bh_mkdir_p(dir, 0700);
	if (r < 0)
		return bh_error_sys(err, -r, "creating %s", dir);
	cleanup_fd int dfd =
		open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0) {
		int e = errno;
		struct stat lst;
		if (lstat(dir, &lst) == 0 && S_ISLNK(lst.st_mode))
			return bh_error_set(err, BH_EK_SYSTEM, ELOOP,
					    "refusing state directory %s: "
					    "it is a symbolic link",
					    dir);
		return bh_error_sys(err, e, "opening %s", dir);
	}
	struct stat st;
	if (fstat(dfd, &st) < 0)
		return bh_error_sys(err, errno, "stat %s", dir);
	if (st.st_uid != geteuid())
		return bh_error_set(err, BH_EK_SYSTEM, EPERM,
				    "refusing state directory %s: owned by uid "
				    "%u, not by you (uid %u)",
				    dir, (unsigned)st.st_uid,
				    (unsigned)geteuid());
	if (st.st_mode & 022)
		return bh_error_set(err, BH_EK_SYSTEM, EPERM,
				    "refusing state directory %s: writable by "
				    "group or others (mode %04o)",
				    dir, (unsigned)(st.st_mode & 07777));
	return steal_fd(&dfd);
}

/*
 * The log itself, inside the checked directory.  Opened read-write (not
 * write-only) so a writer can look at the last byte and start a fresh line
 * after a torn record.  A new file's directory entry is fsync()ed so the
 * log does not vanish with a crash right after the first session.
 */
static int open_log_file(int dfd, const char *name, const char *path,
			 struct bh_error **err)
{
	const int flags =
		O_RDWR | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY;
	cleanup_fd int fd = -1;
	for (int tries = 0; fd < 0; tries++) {
		fd = openat(dfd, name, flags | O_CREAT | O_EXCL, 0600);
		if (fd >= 0) {
			(void)fsync(dfd);
			break;
		}
		if (errno != EEXIST)
			return bh_error_sys(err, errno, "creating %s", path);
		fd = openat(dfd, name, flags);
		if (fd >= 0)
			break;
		if (errno == ELOOP)
			return bh_error_set(err, BH_EK_SYSTEM, ELOOP,
					    "refusing audit log %s: it is a "
					    "symbolic link",
					    path);
		/* Removed between the two calls: try again, a few times. */
		if (errno != ENOENT || tries >= 3)
			return bh_error_sys(err, errno, "opening %s", path);
	}
	struct stat st;
	if (fstat(fd, &st) < 0)
		return bh_error_sys(err, errno, "stat %s", path);
	if (!S_ISREG(st.st_mode))
		return bh_error_set(err, BH_EK_SYSTEM, EPERM,
				    "refusing audit log %s: not a regular file",
				    path);
	if (st.st_uid != geteuid() || (st.st_mode & 022))
		return bh_error_set(err, BH_EK_SYSTEM, EPERM,
				    "refusing audit log %s: owned by uid %u or "
				    "writable by others (mode %04o)",
				    path, (unsigned)st.st_uid,
				    (unsigned)(st.st_mode & 07777));
	/* A second name for the log elsewhere would let whoever can write
	 * there rewrite the trail, or make our appends land in a file that
	 * is not ours to write (a planted hard link to ~/.bashrc). */
	if (st.st_nlink != 1)
		return bh_error_set(err, BH_EK_SYSTEM, EPERM,
				    "refusing audit log %s: it has %lu hard "
				    "links",
				    path, (unsigned long)st.st_nlink);
	return steal_fd(&fd);
}

int bh_audit_open(const char *path, struct bh_audit **out,
		  struct bh_error **err)
{
	const char *slash = strrchr(path, '/');
	cleanup_free char *dir =
		slash ? bh_xstrndup(path, (size_t)(slash - path))
		      : bh_xstrdup(".");
	const char *name = slash ? slash + 1 : path;
	if (dir[0] == '\0') {
		free(dir);
		dir = bh_xstrdup("/");
	}
	if (name[0] == '\0')
		return bh_error_set(err, BH_EK_SYSTEM, EINVAL,
				    "audit log path %s names a directory",
				    path);

	cleanup_fd int dfd = open_state_dir(dir, err);
	if (dfd < 0)
		return dfd;
	int fd = open_log_file(dfd, name, path, err);
	if (fd < 0)
		return fd;
	struct bh_audit *a = bh_xcalloc(1, sizeof(*a));
	a->fd = fd;
	a->path = bh_xstrdup(path);
	*out = a;
	return 0;
}

void bh_audit_close(struct bh_audit *a)
{
	if (!a)
		return;
	if (a->fd >= 0)
		(void)close(a->fd);
	free(a->path);
	free(a);
}

/* Does the log end in the middle of a line (a torn record)?  Called with
 * the lock held, so no other writer is between this look and our write. */
static bool log_ends_mid_line(int fd)
{
	struct stat st;
	char c;
	if (fstat(fd, &st) < 0 || st.st_size == 0)
		return false;
	if (pread(fd, &c, 1, st.st_size - 1) != 1)
		return false;
	return c != '\n';
}

static int flock_retry(int fd, int op)
{
	int r;
	do
		r = flock(fd, op);
	while (r < 0 && errno == EINTR);
	return r;
}

/* The record as it goes to disk: "v" and "time" first, added when the
 * caller did not set them.  Returns a new reference. */
static json_t *record_complete(json_t *rec)
{
	json_t *v = json_object_get(rec, "v");
	json_t *t = json_object_get(rec, "time");
	if (v && t)
		return json_incref(rec);
	json_t *out = json_object();
	if (v)
		json_object_set(out, "v", v);
	else
		json_object_set_new(out, "v", json_integer(1));
	if (t) {
		json_object_set(out, "time", t);
	} else {
		char now[32];
		audit_time_now(now);
		json_object_set_new(out, "time", json_string(now));
	}
	json_object_update_missing(out, rec);
	return out;
}

int bh_audit_write(struct bh_audit *a, void *record, struct bh_error **err)
{
	json_t *rec = record;
	if (!json_is_object(rec) ||
	    !json_is_string(json_object_get(rec, "session")) ||
	    !json_is_string(json_object_get(rec, "event")))
		return bh_error_set(err, BH_EK_SYSTEM, EINVAL,
				    "audit record without a session or event");

	json_t *full = record_complete(rec);
	cleanup_free char *text = json_dumps(full, JSON_COMPACT);
	json_decref(full);
	if (!text)
		return bh_error_set(err, BH_EK_SYSTEM, ENOMEM,
				    "encoding an audit record");
	size_t tlen = strlen(text);
	cleanup_free char *buf = bh_xmalloc(tlen + 3);

	if (flock_retry(a->fd, LOCK_EX) < 0)
		return bh_error_sys(err, errno, "locking %s", a->path);
	size_t len = 0;
	if (log_ends_mid_line(a->fd))
		buf[len++] = '\n';
	memcpy(buf + len, text, tlen);
	len += tlen;
	buf[len++] = '\n';

	ssize_t n;
	do
		n = write(a->fd, buf, len);
	while (n < 0 && errno == EINTR);
	int e = errno;
	(void)flock_retry(a->fd, LOCK_UN);

	if (n < 0)
		return bh_error_sys(err, e, "writing %s", a->path);
	if ((size_t)n != len)
		return bh_error_set(err, BH_EK_SYSTEM, EIO,
				    "writing %s: short write (%zd of %zu "
				    "bytes); the record is torn",
				    a->path, n, len);
	return 0;
}

int bh_audit_sync(struct bh_audit *a, struct bh_error **err)
{
	if (fsync(a->fd) < 0)
		return bh_error_sys(err, errno, "syncing %s", a->path);
	return 0;
}

static void fclosep(FILE **f)
{
	if (*f)
		(void)fclose(*f);
}

/*
 * Streams the log: memory stays proportional to the longest line, not the
 * file, since one user's log holds every session they ever ran.
 */
int bh_audit_read(const char *path,
		  int (*cb)(void *ctx, void *record, unsigned line), void *ctx,
		  unsigned *bad_lines, struct bh_error **err)
{
	unsigned bad = 0, lineno = 0;
	if (bad_lines)
		*bad_lines = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return bh_error_sys(err, errno, "opening %s", path);
	__attribute__((cleanup(fclosep))) FILE *f = fdopen(fd, "r");
	if (!f) {
		int e = errno;
		(void)close(fd);
		return bh_error_sys(err, e, "opening %s", path);
	}

	cleanup_free char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int ret = 0;
	while ((len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len == 0)
			continue;
		json_error_t jerr;
		json_t *rec = json_loadb(line, (size_t)len,
					 JSON_REJECT_DUPLICATES, &jerr);
		if (!json_is_object(rec) ||
		    !json_is_string(json_object_get(rec, "session"))) {
			json_decref(rec);
			bad++;
			continue;
		}
		int r = cb(ctx, rec, lineno);
		json_decref(rec);
		if (r != 0) {
			ret = r < 0 ? r : 0;
			break;
		}
	}
	if (bad_lines)
		*bad_lines = bad;
	if (ret == 0 && ferror(f))
		return bh_error_sys(err, errno ? errno : EIO, "reading %s",
				    path);
	return ret;
}

int bh_session_id_new(char *out, size_t n, struct bh_error **err)
{
	unsigned char rnd[4];
	ssize_t r;
	if (n < 32)
		return bh_error_set(err, BH_EK_SYSTEM, EINVAL,
				    "session id buffer too small");
	do
		r = getrandom(rnd, sizeof(rnd), 0);
	while (r < 0 && errno == EINTR);
	if (r != (ssize_t)sizeof(rnd))
		return bh_error_sys(err, r < 0 ? errno : EIO,
				    "getrandom for a session id");

	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t k = strftime(out, n, "%Y%m%dT%H%M%SZ", &tm);
	snprintf(out + k, n - k, "-%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2],
		 rnd[3]);
	return 0;
}

static const char *status_str(const json_t *status, const char *key)
{
	return json_string_value(json_object_get(status, key));
}

static void put_signal(struct bh_strbuf *sb, long long sig)
{
	const char *abbrev = sig > 0 && sig < NSIG ? sigabbrev_np((int)sig)
						   : NULL;
	if (abbrev)
		bh_strbuf_printf(sb, "signal %lld (%s)", sig, abbrev);
	else
		bh_strbuf_printf(sb, "signal %lld", sig);
}

char *bh_audit_status_text(const void *status)
{
	const json_t *st = status;
	const char *kind = status_str(st, "kind");
	if (!json_is_object(st) || !kind)
		return bh_xstrdup("unknown");
	json_t *code = json_object_get(st, "code");
	json_t *sig = json_object_get(st, "signal");
	const char *stage = status_str(st, "stage");
	const char *err = status_str(st, "errno");
	struct bh_strbuf sb = BH_STRBUF_INIT;

	if (strcmp(kind, "exit") == 0) {
		bh_strbuf_printf(&sb, "exit %lld",
				 (long long)json_integer_value(code));
	} else if (strcmp(kind, "signal") == 0) {
		put_signal(&sb, json_integer_value(json_is_integer(sig) ? sig
								       : code));
	} else if (strcmp(kind, "timeout") == 0) {
		bh_strbuf_puts(&sb, "timeout");
		if (json_is_integer(sig)) {
			bh_strbuf_puts(&sb, ", ");
			put_signal(&sb, json_integer_value(sig));
		}
	} else if (strcmp(kind, "setup-failed") == 0) {
		bh_strbuf_puts(&sb, "failed before exec");
		if (stage)
			bh_strbuf_printf(&sb, ": %s", stage);
		if (err)
			bh_strbuf_printf(&sb, ": %s", err);
	} else if (strcmp(kind, "exec-failed") == 0) {
		bh_strbuf_puts(&sb, "exec failed");
		if (err)
			bh_strbuf_printf(&sb, ": %s", err);
	} else {
		bh_strbuf_puts(&sb, kind);
	}
	return bh_strbuf_steal(&sb);
}
