/* SPDX-License-Identifier: MIT */
/*
 * Small pure helpers: allocation that aborts on exhaustion (a sandbox
 * runtime that half-builds a policy after ENOMEM is worse than one that
 * stops), scoped cleanup in the bubblewrap manner, string vectors.
 */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>

void *bh_xmalloc(size_t n);
void *bh_xcalloc(size_t n, size_t size);
void *bh_xrealloc(void *p, size_t n);
/* Grows *p (an array of *cap elements of size elem) to hold at least need. */
void bh_xgrow(void **p, size_t *cap, size_t need, size_t elem);
char *bh_xstrdup(const char *s);
char *bh_xstrndup(const char *s, size_t n);
__attribute__((format(printf, 1, 2))) char *bh_xasprintf(const char *fmt, ...);
__attribute__((format(printf, 1, 0))) char *bh_xvasprintf(const char *fmt,
							 va_list ap);

/* NULL-terminated string vectors.  Caller frees with bh_strv_free(). */
void bh_strv_free(char **v);
size_t bh_strv_len(char *const *v);
void bh_strv_push(char ***v, size_t *len, char *s); /* takes ownership of s */

bool bh_str_has_prefix(const char *s, const char *prefix);
/* Value of a hex digit (either case), or -1. */
int bh_hex_value(int c);
/* Length of the well-formed UTF-8 sequence at s (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF) within avail bytes, or 0. */
size_t bh_utf8_len(const unsigned char *s, size_t avail);
/* True when path equals dir or lies below it ("/a/b" is under "/a", "/ab" is
 * not).  Both must be normalised absolute paths. */
bool bh_path_is_under(const char *path, const char *dir);

static inline void bh_freep(void *p)
{
	free(*(void **)p);
}
static inline void bh_closep(int *fd)
{
	if (*fd >= 0)
		(void)close(*fd);
}
static inline void bh_strvp(char ***v)
{
	bh_strv_free(*v);
}

#define cleanup_free __attribute__((cleanup(bh_freep)))
#define cleanup_fd __attribute__((cleanup(bh_closep)))
#define cleanup_strv __attribute__((cleanup(bh_strvp)))

static inline void *bh_steal_ptr(void *pp)
{
	void **p = (void **)pp;
	void *v = *p;
	*p = NULL;
	return v;
}
#define steal_pointer(pp) ((__typeof__(*(pp)))bh_steal_ptr(pp))

static inline int steal_fd(int *fd)
{
	int v = *fd;
	*fd = -1;
	return v;
}

#define BH_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
