/* SPDX-License-Identifier: MIT */
/*
 * The scanner: what credentials this process can reach.  The same code runs
 * inside the sandbox (as `bulkhead __inventory-scan`, so the answer is what
 * the kernel lets a sandboxed process see, not what the profile intends)
 * and outside as the invoking user.
 *
 * What it defends against: a report that says "nothing exposed" while a
 * credential is readable.  So it asks the kernel, never the policy: a file
 * is exposed when open() and read() succeed, a socket when connect()
 * succeeds.  What it must not do: leak what it finds (findings carry a
 * keyed fingerprint, never bytes; file buffers are wiped), hang on a FIFO
 * or a device (O_NONBLOCK, regular files only), wander off through
 * symlinks (the walk never follows one; catalog places are opened as an
 * agent would open them, following links, because that is what an agent
 * would read), or run unbounded (files, bytes, size and depth bounds; a
 * reached bound is reported as truncated).
 */
#include "inventory/inventory.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/fsutil.h"
#include "core/strbuf.h"
#include "core/util.h"

/* A secret rule's severity is used as an inventory severity as it is. */
_Static_assert((int)BH_SECRET_LOW == (int)BH_SEV_LOW &&
		       (int)BH_SECRET_MEDIUM == (int)BH_SEV_MEDIUM &&
		       (int)BH_SECRET_HIGH == (int)BH_SEV_HIGH &&
		       (int)BH_SECRET_CRITICAL == (int)BH_SEV_CRITICAL,
	       "secret and inventory severities differ");

struct scan {
	const struct bh_inv_scan_opts *o;
	struct bh_inv_findings *out;
	size_t max_files, max_bytes, max_file_size;
	unsigned max_depth;
	char **seen; /* files already scanned (catalog places) */
	size_t n_seen, cap_seen;
	char *buf; /* max_file_size + 1 bytes, wiped after each file */
	/* The catalog's paths expanded for this scan (HOME, XDG dirs, uid),
	 * one per table entry, made once: the mounts and the sockets handed
	 * in are each compared with all of them. */
	char **places;
	size_t n_places;
	/* A scan-wide bound was reached: the walk stops.  (A file with more
	 * findings than a file may report only marks the scan truncated.) */
	bool stop;
};

static const char *const fkind_names[BH_INVF__COUNT] = {
    [BH_INVF_ENV] = "env",	   [BH_INVF_FILE] = "file",
    [BH_INVF_CONTENT] = "content", [BH_INVF_SOCKET] = "socket",
    [BH_INVF_NETWORK] = "network", [BH_INVF_FD] = "fd",
    [BH_INVF_MOUNT] = "mount",
};

const char *bh_inv_fkind_name(enum bh_inv_fkind k)
{
	return (unsigned)k < BH_INVF__COUNT ? fkind_names[k] : "?";
}

void bh_inv_finding_release(struct bh_inv_finding *f)
{
	free(f->rule);
	free(f->location);
	free(f->tool);
	free(f->what);
	free(f->hint);
}

void bh_inv_findings_release(struct bh_inv_findings *f)
{
	for (size_t i = 0; i < f->n; i++)
		bh_inv_finding_release(&f->v[i]);
	free(f->v);
	memset(f, 0, sizeof(*f));
}

static char *dup_or_null(const char *s)
{
	return s ? bh_xstrdup(s) : NULL;
}

void bh_inv_findings_add(struct bh_inv_findings *f,
			 const struct bh_inv_finding *x)
{
	bh_xgrow((void **)&f->v, &f->cap, f->n + 1, sizeof(*f->v));
	struct bh_inv_finding *d = &f->v[f->n++];
	*d = *x;
	d->rule = bh_xstrdup(x->rule);
	d->location = bh_xstrdup(x->location);
	d->tool = dup_or_null(x->tool);
	d->what = dup_or_null(x->what);
	d->hint = dup_or_null(x->hint);
}

/*
 * A place as findings show it: printable UTF-8 only.  Control bytes, DEL,
 * C1 controls, invalid UTF-8 and the backslash itself become \xNN, so a
 * file name from a cloned repository cannot move a terminal's cursor, fake
 * a line of the report, or break the JSON the inside scan sends; and both
 * passes spell the same place the same way.
 */
char *bh_inv_place(const char *s)
{
	struct bh_strbuf sb = {0};
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		size_t k = p[i] >= 0x80 ? bh_utf8_len(p + i, n - i) : 1;
		bool c1 = k == 2 && p[i] == 0xc2 && p[i + 1] < 0xa0;
		if (k == 0 || c1 || p[i] < 0x20 || p[i] == 0x7f ||
		    p[i] == '\\') {
			bh_strbuf_printf(&sb, "\\x%02x", p[i]);
			i++;
			continue;
		}
		bh_strbuf_append(&sb, s + i, k);
		i += k;
	}
	return sb.buf ? bh_strbuf_steal(&sb) : bh_xstrdup("");
}

/* Beyond these, a scan reports truncation instead of more findings: one
 * generated file of tokens must not take hours or megabytes. */
#define MAX_PER_FILE 50
#define MAX_FINDINGS 5000

static void add(struct scan *sc, const char *rule, enum bh_inv_fkind kind,
		int severity, const char *location, unsigned line,
		const char *fp_bytes, size_t fp_len, const char *tool,
		const char *what, const char *hint)
{
	if (sc->out->n >= MAX_FINDINGS) {
		sc->out->truncated = sc->stop = true;
		return;
	}
	cleanup_free char *place = bh_inv_place(location);
	struct bh_inv_finding f = {
	    .rule = (char *)rule,
	    .kind = kind,
	    .severity = severity,
	    .location = place,
	    .line = line,
	    .tool = (char *)tool,
	    .what = (char *)what,
	    .hint = (char *)hint,
	    .status = BH_INV_EXPOSED,
	};
	bh_secrets_fingerprint(sc->o->key, fp_bytes, fp_len, f.fp);
	bh_inv_findings_add(sc->out, &f);
}

/*
 * Opens dfd/name for reading only when it is a regular file or a
 * directory: found first with O_PATH (which opens no device and blocks on
 * no FIFO), then reopened through /proc/self/fd.  Opening a device node
 * can have effects (a watchdog armed, a tape rewound) even unread.
 * follow: whether a symlink at name is followed (catalog places are opened
 * as an agent would open them; the walk never follows one).
 */
static int open_plain(int dfd, const char *name, bool follow)
{
	int pfd = openat(dfd, name,
			 O_PATH | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW));
	if (pfd < 0)
		return -1;
	struct stat st;
	int fd = -1;
	if (fstat(pfd, &st) == 0 && (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))) {
		char proc[64];
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", pfd);
		fd = open(proc, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	}
	close(pfd);
	return fd;
}

/* ---- places ------------------------------------------------------------ */

static char *base_dir(const struct bh_inv_scan_opts *o, enum bh_inv_base b)
{
	const char *v = NULL, *fallback = NULL;
	switch (b) {
	case BH_INV_HOME:
		return bh_xstrdup(o->home);
	case BH_INV_XDG_CONFIG:
		v = o->xdg_config, fallback = ".config";
		break;
	case BH_INV_XDG_DATA:
		v = o->xdg_data, fallback = ".local/share";
		break;
	case BH_INV_XDG_CACHE:
		v = o->xdg_cache, fallback = ".cache";
		break;
	case BH_INV_RUNTIME:
		if (o->runtime && o->runtime[0] == '/')
			return bh_xstrdup(o->runtime);
		return bh_xasprintf("/run/user/%u", (unsigned)o->uid);
	case BH_INV_ABS:
		return bh_xstrdup("");
	}
	if (v && v[0] == '/')
		return bh_xstrdup(v);
	return bh_xasprintf("%s/%s", o->home, fallback);
}

/* base + "/" + path with "%u" replaced by the uid. */
static char *expand(const struct bh_inv_scan_opts *o,
		    const struct bh_cred_location *l)
{
	cleanup_free char *base = base_dir(o, l->base);
	struct bh_strbuf sb = {0};
	bh_strbuf_puts(&sb, base);
	if (l->base != BH_INV_ABS)
		bh_strbuf_putc(&sb, '/');
	for (const char *p = l->path; *p; p++) {
		if (p[0] == '%' && p[1] == 'u') {
			bh_strbuf_printf(&sb, "%u", (unsigned)o->uid);
			p++;
		} else {
			bh_strbuf_putc(&sb, *p);
		}
	}
	return bh_strbuf_steal(&sb);
}

/* Calls fn for every existing name a pattern stands for: itself, or, when
 * its last component ends in '*', each entry of the directory starting with
 * the prefix. */
static void each_match(const char *pattern, void (*fn)(void *, const char *),
		       void *ctx)
{
	size_t len = strlen(pattern);
	if (len == 0 || pattern[len - 1] != '*') {
		fn(ctx, pattern);
		return;
	}
	const char *slash = strrchr(pattern, '/');
	if (!slash)
		return;
	cleanup_free char *dir =
	    bh_xstrndup(pattern, (size_t)(slash - pattern));
	cleanup_free char *prefix =
	    bh_xstrndup(slash + 1, len - (size_t)(slash + 1 - pattern) - 1);
	DIR *d = opendir(dir[0] ? dir : "/");
	if (!d)
		return;
	struct dirent *de;
	size_t pl = strlen(prefix);
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (strncmp(de->d_name, prefix, pl) != 0)
			continue;
		cleanup_free char *p = bh_xasprintf("%s/%s", dir, de->d_name);
		fn(ctx, p);
	}
	closedir(d);
}

static bool seen(struct scan *sc, const char *path)
{
	for (size_t i = 0; i < sc->n_seen; i++)
		if (!strcmp(sc->seen[i], path))
			return true;
	return false;
}

static void mark_seen(struct scan *sc, const char *path)
{
	bh_xgrow((void **)&sc->seen, &sc->cap_seen, sc->n_seen + 1,
		 sizeof(*sc->seen));
	sc->seen[sc->n_seen++] = bh_xstrdup(path);
}

/* ---- reading files ----------------------------------------------------- */

/* Reads a regular file opened as fd into sc->buf.  Returns the length, or
 * -1 when it is not worth scanning (not regular, too big, binary,
 * unreadable).  Counts against the bounds. */
static ssize_t read_text(struct scan *sc, int fd)
{
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		return -1;
	if ((size_t)st.st_size > sc->max_file_size) {
		sc->out->skipped++;
		return -1;
	}
	if (sc->out->files >= sc->max_files ||
	    sc->out->bytes + (size_t)st.st_size > sc->max_bytes) {
		sc->out->truncated = sc->stop = true;
		return -1;
	}
	size_t n = 0;
	while (n < sc->max_file_size) {
		ssize_t k = read(fd, sc->buf + n, sc->max_file_size - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			sc->out->skipped++;
			explicit_bzero(sc->buf, n);
			return -1;
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	sc->out->files++;
	sc->out->bytes += n;
	if (sc->o->progress && sc->out->files % 256 == 0)
		sc->o->progress(sc->o->progress_ctx, sc->out->files);
	if (memchr(sc->buf, '\0', n < 8192 ? n : 8192)) {
		sc->out->skipped++;
		explicit_bzero(sc->buf, n);
		return -1;
	}
	return (ssize_t)n;
}

struct content_ctx {
	struct scan *sc;
	const char *path;
	const char *buf;
	size_t len;
	size_t line_at, line; /* newline counting resumes from here */
	size_t found;
};

static int on_secret(void *vctx, const struct bh_secret_match *m)
{
	struct content_ctx *c = vctx;
	if (++c->found > MAX_PER_FILE) {
		c->sc->out->truncated = true;
		return 1; /* stop: the file is reported, its count is not */
	}
	/* Matches come in order: count newlines from the last one on. */
	for (; c->line_at < m->start && c->line_at < c->len; c->line_at++)
		if (c->buf[c->line_at] == '\n')
			c->line++;
	add(c->sc, m->rule_id, BH_INVF_CONTENT, m->severity, c->path,
	    (unsigned)c->line, c->buf + m->start, m->end - m->start, NULL,
	    m->description,
	    "move the secret out of this file (a secret manager, or a file "
	    "the profile does not grant), and rotate it if it was ever "
	    "exposed");
	return 0;
}

static void scan_content(struct scan *sc, const char *path, const char *buf,
			 size_t len)
{
	struct content_ctx c = {
	    .sc = sc, .path = path, .buf = buf, .len = len, .line = 1};
	(void)bh_secrets_scan(sc->o->secrets, buf, len, on_secret, &c);
}

/* ---- the catalog --------------------------------------------------------- */

struct place_ctx {
	struct scan *sc;
	const struct bh_cred_location *l;
	unsigned depth;
};

static void file_place(struct scan *sc, const struct bh_cred_location *l,
		       int fd, const char *path)
{
	if (seen(sc, path))
		return;
	ssize_t n = read_text(sc, fd);
	if (n < 0) {
		/* A binary credential store (a keyring, a .db) still counts
		 * when the catalog asks only for existence. */
		struct stat st;
		if (!l->holds && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
		    st.st_size > 0) {
			mark_seen(sc, path);
			add(sc, l->id, BH_INVF_FILE, l->severity, path, 0, path,
			    strlen(path), l->tool, l->what, l->hint);
		}
		return;
	}
	mark_seen(sc, path);
	unsigned line = 0;
	if (n > 0 && (!l->holds || l->holds(sc->buf, (size_t)n, &line)))
		add(sc, l->id, BH_INVF_FILE, l->severity, path, line, sc->buf,
		    (size_t)n, l->tool, l->what, l->hint);
	scan_content(sc, path, sc->buf, (size_t)n);
	explicit_bzero(sc->buf, (size_t)n);
}

static void dir_place(struct scan *sc, const struct bh_cred_location *l,
		      const char *dir, unsigned depth)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return;
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		cleanup_free char *p = bh_xasprintf("%s/%s", dir, de->d_name);
		int fd = open_plain(dfd, de->d_name, false);
		if (fd < 0)
			continue;
		struct stat st;
		if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
			close(fd);
			if (depth < 3)
				dir_place(sc, l, p, depth + 1);
			continue;
		}
		file_place(sc, l, fd, p);
		close(fd);
	}
	closedir(d);
}

static bool can_connect(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	size_t len = strlen(path);
	socklen_t alen;
	if (path[0] == '@') { /* abstract */
		if (len > sizeof(sa.sun_path))
			return false;
		memcpy(sa.sun_path + 1, path + 1, len - 1);
		alen =
		    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
	} else {
		if (len >= sizeof(sa.sun_path))
			return false;
		memcpy(sa.sun_path, path, len);
		alen = (socklen_t)sizeof(sa);
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false; /* the kernel tier refuses AF_UNIX: unreachable */
	int r = connect(fd, (struct sockaddr *)&sa, alen);
	bool ok = r == 0 || errno == EINPROGRESS || errno == EAGAIN;
	close(fd);
	return ok;
}

static void socket_place(struct scan *sc, const struct bh_cred_location *l,
			 const char *path)
{
	if (path[0] != '@') {
		struct stat st;
		if (stat(path, &st) != 0 || !S_ISSOCK(st.st_mode))
			return;
	}
	if (seen(sc, path) || !can_connect(path))
		return;
	mark_seen(sc, path);
	add(sc, l->id, BH_INVF_SOCKET, l->severity, path, 0, path, strlen(path),
	    l->tool, l->what, l->hint);
}

static void one_place(void *vctx, const char *path)
{
	struct place_ctx *c = vctx;
	const struct bh_cred_location *l = c->l;
	switch (l->kind) {
	case BH_INV_FILE: {
		int fd = open_plain(AT_FDCWD, path, true);
		if (fd < 0)
			return;
		file_place(c->sc, l, fd, path);
		close(fd);
		return;
	}
	case BH_INV_DIR:
		dir_place(c->sc, l, path, 1);
		return;
	case BH_INV_TREE: {
		DIR *d = opendir(path);
		if (!d)
			return;
		bool any = false;
		struct dirent *de;
		while (!any && (de = readdir(d)))
			any =
			    strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
		closedir(d);
		if (any && !seen(c->sc, path)) {
			mark_seen(c->sc, path);
			add(c->sc, l->id, BH_INVF_FILE, l->severity, path, 0,
			    path, strlen(path), l->tool, l->what, l->hint);
		}
		return;
	}
	case BH_INV_SOCKET:
		socket_place(c->sc, l, path);
		/* X11 also listens on an abstract name, which a mount
		 * namespace does not hide. */
		if (bh_str_has_prefix(path, "/tmp/.X11-unix/")) {
			cleanup_free char *abs = bh_xasprintf("@%s", path);
			socket_place(c->sc, l, abs);
		}
		return;
	}
}

static void scan_catalog(struct scan *sc)
{
	size_t n = 0;
	const struct bh_cred_location *t = bh_cred_locations(&n);
	for (size_t i = 0; i < n; i++) {
		struct place_ctx c = {.sc = sc, .l = &t[i]};
		each_match(sc->places[i], one_place, &c);
	}
}

/* Sockets handed in from outside (the host's SSH_AUTH_SOCK, the catalog's
 * sockets as the host has them): the catalog entry they belong to, or a
 * generic one. */
static void scan_extra_sockets(struct scan *sc)
{
	static const struct bh_cred_location generic = {
	    .id = "agent-socket",
	    .tool = "ssh-agent",
	    .kind = BH_INV_SOCKET,
	    .severity = BH_SEV_CRITICAL,
	    .what = "an agent socket that signs with the user's keys",
	    .hint = "do not pass SSH_AUTH_SOCK or grant the socket; use a "
		    "deploy key or a forwarding proxy that asks per use",
	};
	size_t n = 0;
	const struct bh_cred_location *t = bh_cred_locations(&n);
	for (size_t i = 0; i < sc->o->n_sockets; i++) {
		const char *s = sc->o->sockets[i];
		const struct bh_cred_location *l = &generic;
		for (size_t j = 0; j < n; j++) {
			if (t[j].kind != BH_INV_SOCKET)
				continue;
			const char *p = sc->places[j];
			size_t pl = strlen(p);
			const char *name = s[0] == '@' ? s + 1 : s;
			if (pl && p[pl - 1] == '*' ? !strncmp(name, p, pl - 1)
						   : !strcmp(name, p)) {
				l = &t[j];
				break;
			}
		}
		socket_place(sc, l, s);
	}
}

char **bh_inv_socket_candidates(const struct bh_inv_scan_opts *o, size_t *n)
{
	char **v = NULL;
	*n = 0;
	size_t nt = 0;
	const struct bh_cred_location *t = bh_cred_locations(&nt);
	for (size_t i = 0; i < nt; i++) {
		if (t[i].kind != BH_INV_SOCKET)
			continue;
		cleanup_free char *p = expand(o, &t[i]);
		size_t pl = strlen(p);
		if (pl && p[pl - 1] == '*') {
			cleanup_free char *dir = bh_xstrdup(p);
			char *slash = strrchr(dir, '/');
			if (!slash)
				continue;
			*slash = '\0';
			DIR *d = opendir(dir[0] ? dir : "/");
			if (!d)
				continue;
			struct dirent *de;
			const char *prefix = p + (slash - dir) + 1;
			size_t fl = strlen(prefix) - 1;
			while ((de = readdir(d)))
				if (de->d_name[0] != '.' &&
				    !strncmp(de->d_name, prefix, fl))
					bh_strv_push(&v, n,
						     bh_xasprintf("%s/%s", dir,
								  de->d_name));
			closedir(d);
		} else {
			struct stat st;
			if (stat(p, &st) == 0 && S_ISSOCK(st.st_mode))
				bh_strv_push(&v, n, bh_xstrdup(p));
		}
	}
	if (!v)
		v = bh_xcalloc(1, sizeof(*v));
	return v;
}

/* ---- the walk ------------------------------------------------------------ */

/* Directories the walk does not enter: caches and vendored code that hold
 * no user secrets worth their size, and places the catalog covers as a
 * whole (browser profiles). */
static bool skip_dir(const char *name)
{
	static const char *const skip[] = {
	    "node_modules", ".npm",	".cache",     ".rustup",
	    ".cargo",	    "go",	".venv",      "venv",
	    "__pycache__",  ".mozilla", "snap",	      ".m2",
	    ".gradle",	    ".local",	"target",     ".tox",
	    ".pnpm-store",  ".yarn",	".Trash",     ".git",
	    ".hg",	    ".svn",	".terraform", ".vscode-server",
	};
	for (size_t i = 0; i < BH_ARRAY_SIZE(skip); i++)
		if (!strcmp(name, skip[i]))
			return true;
	return false;
}

static void walk(struct scan *sc, int dfd, const char *dir, unsigned depth,
		 const char *avoid);

/* Scans dfd/name (a regular file, not followed if a link) for secrets. */
static void scan_file_at(struct scan *sc, int dfd, const char *name,
			 const char *dir)
{
	cleanup_free char *p = bh_xasprintf("%s/%s", dir, name);
	if (seen(sc, p))
		return;
	int fd = open_plain(dfd, name, false);
	if (fd < 0)
		return;
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		ssize_t n = read_text(sc, fd);
		if (n > 0) {
			scan_content(sc, p, sc->buf, (size_t)n);
			explicit_bzero(sc->buf, (size_t)n);
		}
	}
	close(fd);
}

static void walk_entry(struct scan *sc, int dfd, const char *dir,
		       const char *name, unsigned depth, const char *avoid)
{
	cleanup_free char *p = bh_xasprintf("%s/%s", dir, name);
	if (avoid && !strcmp(p, avoid))
		return;
	int fd = open_plain(dfd, name, false);
	if (fd < 0)
		return; /* unreadable, a symlink (never followed), a device */
	struct stat st;
	if (fstat(fd, &st) != 0) {
		close(fd);
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		/* A repository's remotes can carry tokens
		 * (https://user:token@host/...): its config is read, the rest
		 * of .git is not. */
		if (!strcmp(name, ".git"))
			scan_file_at(sc, fd, "config", p);
		else if (depth < sc->max_depth && !skip_dir(name))
			walk(sc, fd, p, depth + 1, avoid);
		close(fd);
		return;
	}
	if (S_ISREG(st.st_mode) && !seen(sc, p)) {
		ssize_t n = read_text(sc, fd);
		if (n > 0) {
			scan_content(sc, p, sc->buf, (size_t)n);
			explicit_bzero(sc->buf, (size_t)n);
		}
	}
	close(fd);
}

/* Takes a borrowed dfd. */
static void walk(struct scan *sc, int dfd, const char *dir, unsigned depth,
		 const char *avoid)
{
	int d2 = dup(dfd);
	if (d2 < 0)
		return;
	DIR *d = fdopendir(d2);
	if (!d) {
		close(d2);
		return;
	}
	struct dirent *de;
	while ((de = readdir(d)) && !sc->stop) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		walk_entry(sc, dfd, dir, de->d_name, depth, avoid);
	}
	closedir(d);
}

static void walk_root(struct scan *sc, const char *root, const char *avoid)
{
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	walk(sc, fd, strcmp(root, "/") ? root : "", 1, avoid);
	close(fd);
}

/* ---- environment, descriptors, mounts ---------------------------------- */

/* bulkhead's own proxy credential (kernel tier): good for this session's
 * proxy only, and gone with it.  bulkhead sets HTTP_PROXY itself (its own
 * variables override the host's), so the credential is the one in there;
 * a variable is that credential when it carries those exact bytes. */
static char *proxy_credential(void)
{
	const char *v = getenv("HTTP_PROXY");
	const char *p = v ? strstr(v, "://bulkhead:") : NULL;
	const char *at = p ? strchr(p, '@') : NULL;
	if (!at || !bh_str_has_prefix(at, "@127.0.0.1:"))
		return NULL;
	return bh_xstrndup(p + 3, (size_t)(at - p - 3) + 1); /* "bulkhead:T@" */
}

static void scan_env(struct scan *sc)
{
	extern char **environ;
	cleanup_free char *proxy_cred = proxy_credential();
	for (char **e = environ; e && *e; e++) {
		const char *eq = strchr(*e, '=');
		if (!eq || !eq[1])
			continue;
		cleanup_free char *name = bh_xstrndup(*e, (size_t)(eq - *e));
		const char *value = eq + 1;
		size_t vlen = strlen(value);
		cleanup_free char *loc = bh_xasprintf("env:%s", name);
		if (proxy_cred && strstr(value, proxy_cred)) {
			add(sc, "bulkhead-proxy-token", BH_INVF_ENV, BH_SEV_LOW,
			    loc, 0, value, vlen, "bulkhead",
			    "this session's proxy credential",
			    "expected: it opens only this session's proxy, "
			    "which enforces the profile's host rules");
			continue;
		}
		struct bh_secret_match m;
		if (bh_secrets_match_value(sc->o->secrets, value, vlen, &m)) {
			add(sc, m.rule_id, BH_INVF_ENV, m.severity, loc, 0,
			    value + m.start, m.end - m.start, NULL,
			    m.description,
			    "do not pass this variable into the sandbox "
			    "(`env unset NAME` in the profile, or leave it "
			    "out of `env keep`)");
			continue;
		}
		const struct bh_cred_envvar *v = bh_cred_envvar_find(name);
		if (v) {
			add(sc, "env-credential-variable", BH_INVF_ENV,
			    v->severity, loc, 0, value, vlen, v->tool,
			    "a variable that carries or points at a credential",
			    v->hint);
			continue;
		}
		const char *rule = bh_secrets_match_name(sc->o->secrets, name);
		if (rule)
			add(sc, rule, BH_INVF_ENV, BH_SEV_MEDIUM, loc, 0, value,
			    vlen, NULL, "a variable whose name says secret",
			    "do not pass this variable into the sandbox "
			    "(`env unset NAME` in the profile)");
	}
}

static void scan_fds(struct scan *sc)
{
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return;
	int self = dirfd(d);
	struct dirent *de;
	while ((de = readdir(d))) {
		char *end;
		long fd = strtol(de->d_name, &end, 10);
		if (*end || end == de->d_name || fd <= 2 || fd == self)
			continue;
		char link[4096];
		cleanup_free char *lp = bh_xasprintf("/proc/self/fd/%ld", fd);
		ssize_t k = readlink(lp, link, sizeof(link) - 1);
		if (k < 0)
			continue;
		link[k] = '\0';
		cleanup_free char *loc = bh_xasprintf("fd:%ld -> %s", fd, link);
		bool sock = bh_str_has_prefix(link, "socket:");
		add(sc, sock ? "inherited-socket" : "inherited-fd", BH_INVF_FD,
		    sock ? BH_SEV_HIGH : BH_SEV_MEDIUM, loc, 0, loc,
		    strlen(loc), NULL,
		    sock ? "an inherited socket: whatever is at its other "
			   "end answers the sandbox"
			 : "an inherited open file, readable without any path "
			   "rule",
		    "close descriptors before starting the sandbox, or let "
		    "bulkhead close them (it does for `run`)");
	}
	closedir(d);
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape_octal(char *s)
{
	char *w = s;
	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' &&
		    r[2] <= '7' && r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 +
				      (r[3] - '0'));
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

static void scan_mounts(struct scan *sc)
{
	cleanup_free char *buf = NULL;
	size_t len = 0;
	struct bh_error *err = NULL;
	if (bh_read_file("/proc/self/mountinfo", 1 << 22, &buf, &len, &err)) {
		bh_error_free(err);
		return;
	}
	size_t nt = 0;
	const struct bh_cred_location *t = bh_cred_locations(&nt);
	char *save = NULL;
	for (char *line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		/* id parent major:minor root MOUNTPOINT ... */
		char *f = line;
		for (int i = 0; i < 4 && f; i++) {
			f = strchr(f, ' ');
			if (f)
				f++;
		}
		if (!f)
			continue;
		char *sp = strchr(f, ' ');
		if (sp)
			*sp = '\0';
		unescape_octal(f);
		const struct bh_cred_location *hit = NULL;
		for (size_t i = 0; i < nt && !hit; i++) {
			if (t[i].kind == BH_INV_SOCKET)
				continue;
			const char *p = sc->places[i];
			if (!strchr(p, '*') && bh_path_is_under(f, p))
				hit = &t[i];
		}
		bool secrets_dir = bh_path_is_under(f, "/run/secrets") ||
				   bh_path_is_under(f, "/var/run/secrets");
		if (!hit && !secrets_dir)
			continue;
		add(sc, hit ? hit->id : "secrets-mount", BH_INVF_MOUNT,
		    hit ? (int)hit->severity : BH_SEV_HIGH, f, 0, f, strlen(f),
		    hit ? hit->tool : NULL,
		    "a mount that brings a credential place into view",
		    "remove the mount (or the profile rule that makes it)");
	}
}

/* ---- entry --------------------------------------------------------------- */

int bh_inv_scan(const struct bh_inv_scan_opts *o, struct bh_inv_findings *out,
		struct bh_error **err)
{
	if (!o->home || o->home[0] != '/' || !o->secrets || !o->key)
		return bh_error_set(err, BH_EK_USAGE, EINVAL,
				    "inventory scan: HOME must be an absolute "
				    "path");
	struct scan sc = {
	    .o = o,
	    .out = out,
	    .max_files = o->max_files ? o->max_files : BH_INV_MAX_FILES,
	    .max_bytes = o->max_bytes ? o->max_bytes : BH_INV_MAX_BYTES,
	    .max_file_size =
		o->max_file_size ? o->max_file_size : BH_INV_MAX_FILE_SIZE,
	    .max_depth = o->max_depth ? o->max_depth : BH_INV_MAX_DEPTH,
	};
	/* Descriptors first, before this scan opens any of its own. */
	if (o->fds)
		scan_fds(&sc);
	sc.buf = bh_xmalloc(sc.max_file_size + 1);
	const struct bh_cred_location *table = bh_cred_locations(&sc.n_places);
	sc.places = bh_xcalloc(sc.n_places + 1, sizeof(*sc.places));
	for (size_t i = 0; i < sc.n_places; i++)
		sc.places[i] = expand(o, &table[i]);
	if (o->env)
		scan_env(&sc);
	scan_catalog(&sc);
	scan_extra_sockets(&sc);
	if (o->mounts)
		scan_mounts(&sc);
	const char *ws = o->workspace;
	if (ws && strcmp(ws, "/") != 0)
		walk_root(&sc, ws, NULL);
	/* HOME, shallower, without the workspace a second time. */
	unsigned keep = sc.max_depth;
	sc.max_depth = keep < 4 ? keep : 4;
	if (!ws || !bh_path_is_under(o->home, ws))
		walk_root(&sc, o->home, ws);
	sc.max_depth = keep;
	free(sc.buf);
	bh_strv_free(sc.places);
	for (size_t i = 0; i < sc.n_seen; i++)
		free(sc.seen[i]);
	free(sc.seen);
	return 0;
}
