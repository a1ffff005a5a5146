/* SPDX-License-Identifier: MIT */
/*
 * Pure helpers of the cgroup module: the kernel's text formats in and out.
 * No system calls here (STYLE.md rule 5); cgroup.c does the I/O.
 */
#include "confine/cgroup_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/util.h"

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static char *unescape_octal(const char *s, size_t n)
{
	char *out = bh_xmalloc(n + 1), *o = out;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 3 < n && s[i + 1] >= '0' &&
		    s[i + 1] <= '3' && s[i + 2] >= '0' && s[i + 2] <= '7' &&
		    s[i + 3] >= '0' && s[i + 3] <= '7') {
			*o++ = (char)((s[i + 1] - '0') << 6 |
				      (s[i + 2] - '0') << 3 | (s[i + 3] - '0'));
			i += 3;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

/* The next space-separated field of *p, or NULL at the end of the line. */
static const char *next_field(const char **p, size_t *len)
{
	const char *s = *p;
	while (*s == ' ')
		s++;
	if (*s == '\0' || *s == '\n')
		return NULL;
	const char *e = s + strcspn(s, " \n");
	*len = (size_t)(e - s);
	*p = e;
	return s;
}

int bh_cg_parse_mountinfo_line(const char *line, struct bh_cg_mount *m)
{
	const char *p = line, *f[6], *type, *src, *opts;
	size_t n[6], tn, sn, on;

	memset(m, 0, sizeof(*m));
	/* id, parent, major:minor, root, mount point, mount options */
	for (int i = 0; i < 6; i++)
		if (!(f[i] = next_field(&p, &n[i])))
			return -EINVAL;
	/* optional fields, up to the lone "-" */
	for (;;) {
		size_t k;
		const char *o = next_field(&p, &k);
		if (!o)
			return -EINVAL;
		if (k == 1 && o[0] == '-')
			break;
	}
	if (!(type = next_field(&p, &tn)) || !(src = next_field(&p, &sn)) ||
	    !(opts = next_field(&p, &on)))
		return -EINVAL;
	if (f[3][0] != '/' || f[4][0] != '/')
		return -EINVAL;

	m->root = unescape_octal(f[3], n[3]);
	m->mnt = unescape_octal(f[4], n[4]);
	bool v2 = tn == 7 && memcmp(type, "cgroup2", 7) == 0;
	if (!v2 && !(tn == 6 && memcmp(type, "cgroup", 6) == 0))
		return 0;
	m->v2 = v2;
	m->opts = bh_xstrndup(opts, on);
	return 1;
}

void bh_cg_mount_clear(struct bh_cg_mount *m)
{
	free(m->mnt);
	free(m->root);
	free(m->opts);
	memset(m, 0, sizeof(*m));
}

int bh_cg_parse_member_line(const char *line, struct bh_cg_member *e)
{
	memset(e, 0, sizeof(*e));
	const char *c1 = strchr(line, ':');
	if (!c1 || c1 == line ||
	    strspn(line, "0123456789") != (size_t)(c1 - line))
		return -EINVAL;
	const char *c2 = strchr(c1 + 1, ':');
	if (!c2 || c2[1] != '/')
		return -EINVAL;
	unsigned long id = strtoul(line, NULL, 10);
	if (id > 0xffff)
		return -EINVAL;
	size_t plen = strcspn(c2 + 1, "\n");
	e->id = (unsigned)id;
	e->controllers = bh_xstrndup(c1 + 1, (size_t)(c2 - c1 - 1));
	e->path = bh_xstrndup(c2 + 1, plen);
	return 0;
}

void bh_cg_member_clear(struct bh_cg_member *e)
{
	free(e->controllers);
	free(e->path);
	memset(e, 0, sizeof(*e));
}

bool bh_cg_list_has(const char *list, const char *name)
{
	size_t n = strlen(name);
	if (!list || n == 0)
		return false;
	for (const char *p = list; *p;) {
		size_t k = strcspn(p, ", \n");
		if (k == n && memcmp(p, name, n) == 0)
			return true;
		p += k;
		p += strspn(p, ", \n");
	}
	return false;
}

char *bh_cg_dir_of(const char *mnt, const char *root, const char *path)
{
	if (path[0] != '/' || root[0] != '/')
		return NULL;
	const char *rest = path;
	if (strcmp(root, "/") != 0) {
		size_t rl = strlen(root);
		if (strncmp(path, root, rl) != 0 ||
		    (path[rl] != '\0' && path[rl] != '/'))
			return NULL;
		rest = path + rl;
	}
	/* "/.." is how a cgroup outside the reader's namespace shows. */
	if (bh_str_has_prefix(rest, "/..") &&
	    (rest[3] == '\0' || rest[3] == '/'))
		return NULL;
	if (rest[0] == '\0' || strcmp(rest, "/") == 0)
		return bh_xstrdup(mnt);
	return bh_xasprintf("%s%s", strcmp(mnt, "/") == 0 ? "" : mnt, rest);
}

int bh_cg_parse_u64_max(const char *s, uint64_t *v)
{
	size_t n = strcspn(s, "\n");
	if (s[n] == '\n' && s[n + 1] != '\0')
		return -EINVAL;
	if (n == 3 && memcmp(s, "max", 3) == 0) {
		*v = UINT64_MAX;
		return 0;
	}
	if (n == 0 || n > 20 || strspn(s, "0123456789") != n)
		return -EINVAL;
	uint64_t r = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned)(s[i] - '0');
		if (r > (UINT64_MAX - d) / 10)
			return -EINVAL;
		r = r * 10 + d;
	}
	*v = r;
	return 0;
}

void bh_cg_format_u64_max(char *buf, size_t n, uint64_t v)
{
	if (v == UINT64_MAX)
		snprintf(buf, n, "max");
	else
		snprintf(buf, n, "%" PRIu64, v);
}

int bh_cg_keyed(const char *text, const char *key, uint64_t *v)
{
	size_t kl = strlen(key);
	for (const char *p = text; p && *p;) {
		const char *eol = strchr(p, '\n');
		size_t ll = eol ? (size_t)(eol - p) : strlen(p);
		if (ll > kl && memcmp(p, key, kl) == 0 && p[kl] == ' ') {
			char num[32];
			size_t nl = ll - kl - 1;
			if (nl == 0 || nl >= sizeof(num))
				return -ENOENT;
			memcpy(num, p + kl + 1, nl);
			num[nl] = '\0';
			return bh_cg_parse_u64_max(num, v) == 0 ? 0 : -ENOENT;
		}
		p = eol ? eol + 1 : NULL;
	}
	return -ENOENT;
}

void bh_cg_cpu_quota(uint64_t milli, uint64_t *quota_us, uint64_t *period_us)
{
	/* quota/period = milli/1000; quota >= 1000 us (the kernel's floor). */
	*period_us = milli < 10 ? 1000000 : 100000;
	*quota_us = milli * (*period_us / 1000);
}

int bh_cg_parse_cpu_max(const char *s, uint64_t *quota, uint64_t *period)
{
	char q[24], pe[24];
	const char *sp = strchr(s, ' ');
	if (!sp || (size_t)(sp - s) >= sizeof(q))
		return -EINVAL;
	memcpy(q, s, (size_t)(sp - s));
	q[sp - s] = '\0';
	size_t pl = strcspn(sp + 1, "\n");
	if (pl >= sizeof(pe))
		return -EINVAL;
	memcpy(pe, sp + 1, pl);
	pe[pl] = '\0';
	if (sp[1 + pl] == '\n' && sp[2 + pl] != '\0')
		return -EINVAL;
	if (bh_cg_parse_u64_max(q, quota) != 0 ||
	    bh_cg_parse_u64_max(pe, period) != 0 || *period == UINT64_MAX)
		return -EINVAL;
	return 0;
}

bool bh_cg_memory_readback_ok(uint64_t want, uint64_t got, uint64_t page)
{
	if (page == 0)
		return want == got;
	return got == want - want % page;
}

static bool plain_name(const char *s)
{
	size_t n = strlen(s);
	return n > 0 && n <= 64 &&
	       strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			 "0123456789._-") == n &&
	       strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}

char *bh_cg_session_name(const char *session_id, pid_t pid, uint64_t start,
			 uint64_t pidns)
{
	if (!plain_name(session_id) || pid <= 0)
		return NULL;
	return bh_xasprintf("%s-%ld-%" PRIu64 "-%" PRIu64, session_id,
			    (long)pid, start, pidns);
}

/* The last "-DIGITS" of s[0..*end): its value, *end moved before the dash. */
static int take_number_back(const char *s, size_t *end, uint64_t *v)
{
	size_t e = *end, b = e;
	while (b > 0 && s[b - 1] >= '0' && s[b - 1] <= '9')
		b--;
	if (b == e || b == 0 || s[b - 1] != '-' || e - b > 20)
		return -EINVAL;
	char num[24];
	memcpy(num, s + b, e - b);
	num[e - b] = '\0';
	if (bh_cg_parse_u64_max(num, v) != 0 || *v == UINT64_MAX)
		return -EINVAL;
	*end = b - 1;
	return 0;
}

int bh_cg_parse_session_name(const char *name, pid_t *pid, uint64_t *start,
			     uint64_t *pidns)
{
	size_t end = strlen(name);
	uint64_t p, st, ns;
	if (take_number_back(name, &end, &ns) != 0 ||
	    take_number_back(name, &end, &st) != 0 ||
	    take_number_back(name, &end, &p) != 0)
		return -EINVAL;
	if (end == 0 || p == 0 || p > 4194304)
		return -EINVAL;
	cleanup_free char *sid = bh_xstrndup(name, end);
	if (!plain_name(sid))
		return -EINVAL;
	*pid = (pid_t)p;
	*start = st;
	*pidns = ns;
	return 0;
}

int bh_cg_parse_stat_start(const char *stat, uint64_t *start)
{
	/* "PID (COMM) STATE ..." where COMM may hold ") ": the last ')'
	 * ends it.  The start time is field 22, the 20th after COMM. */
	const char *p = strrchr(stat, ')');
	if (!p)
		return -EINVAL;
	p++;
	for (int field = 3; field <= 22; field++) {
		if (*p != ' ')
			return -EINVAL;
		p++;
		size_t k = strcspn(p, " \n");
		if (k == 0)
			return -EINVAL;
		if (field == 22) {
			char num[24];
			if (k >= sizeof(num))
				return -EINVAL;
			memcpy(num, p, k);
			num[k] = '\0';
			if (bh_cg_parse_u64_max(num, start) != 0 ||
			    *start == UINT64_MAX)
				return -EINVAL;
			return 0;
		}
		p += k;
	}
	return -EINVAL;
}

char *bh_cg_next_line(char **cursor)
{
	char *line = *cursor;
	if (!line || !*line)
		return NULL;
	char *nl = strchr(line, '\n');
	if (nl) {
		*nl = '\0';
		*cursor = nl + 1;
	} else {
		*cursor = line + strlen(line);
	}
	return line;
}

size_t bh_cg_parse_pids(const char *text, pid_t *out, size_t max)
{
	size_t n = 0;
	for (const char *p = text; *p;) {
		char *end;
		long v = strtol(p, &end, 10);
		if (end == p) {
			p++;
			continue;
		}
		if (v > 0) {
			if (n < max)
				out[n] = (pid_t)v;
			n++;
		}
		p = end;
	}
	return n;
}
