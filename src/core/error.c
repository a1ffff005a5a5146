/* SPDX-License-Identifier: MIT */
#include "core/error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

static int error_fill(struct bh_error **err, enum bh_error_kind kind, int code,
		      const char *suffix, const char *fmt, va_list ap)
{
	int ret = code > 0 ? -code : -EINVAL;
	if (!err || *err)
		return ret;
	struct bh_error *e = bh_xcalloc(1, sizeof(*e));
	char *base = bh_xvasprintf(fmt, ap);
	e->kind = kind;
	e->code = code;
	if (suffix) {
		e->msg = bh_xasprintf("%s: %s", base, suffix);
		free(base);
	} else {
		e->msg = base;
	}
	*err = e;
	return ret;
}

int bh_error_set(struct bh_error **err, enum bh_error_kind kind, int code,
		 const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = error_fill(err, kind, code, NULL, fmt, ap);
	va_end(ap);
	return r;
}

int bh_error_sys(struct bh_error **err, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = error_fill(err, BH_EK_SYSTEM, code, strerror(code), fmt, ap);
	va_end(ap);
	return r;
}

void bh_error_hint(struct bh_error *err, const char *fmt, ...)
{
	if (!err)
		return;
	va_list ap;
	va_start(ap, fmt);
	free(err->hint);
	err->hint = bh_xvasprintf(fmt, ap);
	va_end(ap);
}

void bh_error_prefix(struct bh_error *err, const char *fmt, ...)
{
	if (!err)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *ctx = bh_xvasprintf(fmt, ap);
	va_end(ap);
	char *msg = bh_xasprintf("%s: %s", ctx, err->msg);
	free(ctx);
	free(err->msg);
	err->msg = msg;
}

void bh_error_free(struct bh_error *err)
{
	if (!err)
		return;
	free(err->msg);
	free(err->hint);
	free(err);
}

int bh_error_exit_status(const struct bh_error *err)
{
	if (err && (err->kind == BH_EK_USAGE || err->kind == BH_EK_PROFILE))
		return 2;
	return 125;
}
