/* SPDX-License-Identifier: MIT */
#include "core/fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"

static int rm_tree_fd(int dfd, int depth)
{
	if (depth > 4096)
		return -ELOOP;
	DIR *d = fdopendir(dfd);
	if (!d) {
		int e = errno;
		close(dfd);
		return -e;
	}
	int first = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		int r = bh_rm_rf_at(dirfd(d), de->d_name);
		if (r && !first)
			first = r;
		if (r == 0)
			rewinddir(d); /* the listing changed under us */
	}
	closedir(d);
	return first;
}

int bh_rm_rf_at(int dirfd, const char *name)
{
	if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return -errno;
	int fd = openat(dirfd, name,
			O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == EACCES) {
		if (fchmodat(dirfd, name, 0700, 0) != 0)
			return -errno;
		fd = openat(dirfd, name,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0)
		return -errno;
	struct stat st;
	if (fstat(fd, &st) == 0 && (st.st_mode & 0700) != 0700)
		(void)fchmod(fd, st.st_mode | 0700);
	int r = rm_tree_fd(fd, 0);
	if (unlinkat(dirfd, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
		return r ? r : -errno;
	return r;
}

int bh_mkdir_p(const char *path, mode_t mode)
{
	struct stat st;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return 0; /* the common case: one call, not one per component */
	cleanup_free char *p = bh_xstrdup(path);
	for (char *s = p + 1;; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;
			*s = '\0';
			if (mkdir(p, mode) != 0 && errno != EEXIST)
				return -errno;
			*s = c;
			if (!c)
				break;
		}
	}
	return 0;
}

int bh_read_file(const char *path, size_t max, char **out, size_t *len,
		 struct bh_error **err)
{
	*out = NULL;
	cleanup_fd int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return bh_error_sys(err, errno, "%s", path);
	size_t cap = 4096, n = 0;
	char *buf = bh_xmalloc(cap + 1);
	for (;;) {
		if (n == cap) {
			if (cap >= max) {
				free(buf);
				return bh_error_set(err, BH_EK_SYSTEM, EFBIG,
						    "%s: larger than %zu bytes",
						    path, max);
			}
			cap *= 2;
			buf = bh_xrealloc(buf, cap + 1);
		}
		ssize_t k = read(fd, buf + n, cap - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			int e = errno;
			free(buf);
			return bh_error_sys(err, e, "%s", path);
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	buf[n] = '\0';
	*out = buf;
	if (len)
		*len = n;
	return 0;
}

char *bh_git_toplevel(const char *dir)
{
	cleanup_free char *cur = bh_xstrdup(dir);
	for (;;) {
		cleanup_free char *g = bh_xasprintf(
			"%s/.git", strcmp(cur, "/") ? cur : "");
		struct stat st;
		if (lstat(g, &st) == 0 && (S_ISDIR(st.st_mode) ||
					   S_ISREG(st.st_mode)))
			return steal_pointer(&cur);
		char *slash = strrchr(cur, '/');
		if (!slash || slash == cur)
			return NULL;
		*slash = '\0';
	}
}

bool bh_dac_denies(uid_t uid, gid_t gid, const gid_t *groups, size_t n,
		   const struct stat *st)
{
	if (uid == 0 || st->st_uid == uid)
		return false;
	bool in_group = st->st_gid == gid;
	for (size_t i = 0; i < n && !in_group; i++)
		in_group = groups[i] == st->st_gid;
	mode_t m = in_group ? (st->st_mode >> 3) & 7 : st->st_mode & 7;
	if (S_ISDIR(st->st_mode))
		return !(m & 4) && !(m & 1);
	return !(m & 4);
}

int bh_journal_pid(const char *name, const char *suffix)
{
	size_t len = strlen(name), sl = strlen(suffix);
	if (len <= sl || strcmp(name + len - sl, suffix) != 0)
		return 0;
	const char *dot = memrchr(name, '.', len - sl);
	int pid = dot ? atoi(dot + 1) : 0;
	return pid > 0 ? pid : 0;
}

bool bh_pid_alive(int pid)
{
	return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}

void bh_rm_own_dir(const char *path, const char *prefix)
{
	const char *base = strrchr(path, '/');
	struct stat st;
	if (base && bh_str_has_prefix(base + 1, prefix) &&
	    lstat(path, &st) == 0 && S_ISDIR(st.st_mode) &&
	    st.st_uid == geteuid())
		(void)bh_rm_rf_at(AT_FDCWD, path);
}

unsigned bh_journal_sweep(const char *journal_dir, const char *suffix,
			  void (*fn)(const char *journal, void *arg),
			  void *arg)
{
	DIR *d = opendir(journal_dir);
	if (!d)
		return 0;
	unsigned n = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		int pid = bh_journal_pid(de->d_name, suffix);
		if (!pid || bh_pid_alive(pid))
			continue;
		char *j = bh_xasprintf("%s/%s", journal_dir, de->d_name);
		fn(j, arg);
		free(j);
		n++;
	}
	closedir(d);
	return n;
}

int bh_write_knob(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = write(fd, text, strlen(text));
	int e = errno;
	close(fd);
	if (n < 0)
		return -e;
	return n == (ssize_t)strlen(text) ? 0 : -EIO;
}
