/* SPDX-License-Identifier: MIT */
/*
 * The proxy's audit records: one JSON object per connection attempt, one
 * line, one write() (DESIGN settled 6), so records from a busy proxy never
 * interleave on the supervisor's pipe.  The proxy never opens the user's
 * audit file; the supervisor (or `bulkhead proxy --log`) owns log_fd.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/strbuf.h"
#include "net/proxy_internal.h"

static json_t *rule_json(const struct bh_host_rule *r)
{
	if (!r)
		return json_null();
	struct bh_strbuf sb = BH_STRBUF_INIT;
	bh_strbuf_printf(&sb, "%s:%u:%u net %s %s", r->loc.file ? r->loc.file
								: "builtin",
			 r->loc.line, r->loc.col, r->allow ? "allow" : "deny",
			 r->host);
	if (r->port)
		bh_strbuf_printf(&sb, ":%u", r->port);
	char *s = bh_strbuf_steal(&sb);
	json_t *j = json_string(s);
	free(s);
	return j ? j : json_null();
}

static json_t *str_or_null(const char *s)
{
	json_t *j = s && *s ? json_string(s) : NULL;
	return j ? j : json_null();
}

/* RFC 3339 UTC with milliseconds, computed here: glibc's gmtime_r() may
 * open /etc/localtime, and the confined proxy has no files. */
static void format_utc(char *out, size_t n)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	int64_t days = ts.tv_sec / 86400, secs = ts.tv_sec % 86400;
	/* Howard Hinnant's civil_from_days. */
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	int64_t y = yoe + era * 400 + (m <= 2);
	snprintf(out, n, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%03ldZ",
		 (long long)y, (long long)m, (long long)d,
		 (long long)(secs / 3600), (long long)(secs / 60 % 60),
		 (long long)(secs % 60), ts.tv_nsec / 1000000);
}

void bh_proxy_audit(int fd, const struct bh_proxy_record *c)
{
	if (fd < 0)
		return;
	char when[96];
	format_utc(when, sizeof(when));
	json_t *r = json_object();
	if (!r)
		return;
	json_object_set_new(r, "v", json_integer(1));
	json_object_set_new(r, "event", json_string("net"));
	json_object_set_new(r, "session", str_or_null(c->session));
	json_object_set_new(r, "time", json_string(when));
	json_object_set_new(r, "proto", json_string(c->proto));
	json_object_set_new(r, "host",
			    str_or_null(c->host));
	json_object_set_new(r, "port", c->port ? json_integer(c->port)
						   : json_null());
	json_object_set_new(r, "addr", str_or_null(c->addr));
	json_object_set_new(r, "decision",
			    json_string(c->allowed ? "allow" : "deny"));
	json_object_set_new(r, "rule", rule_json(c->rule));
	json_object_set_new(r, "reason", str_or_null(c->reason));
	json_object_set_new(r, "bytes_up", json_integer((json_int_t)c->bytes_up));
	json_object_set_new(r, "bytes_down",
			    json_integer((json_int_t)c->bytes_down));
	json_object_set_new(r, "duration_ms",
			    json_integer((json_int_t)c->duration_ms));
	char *text = json_dumps(r, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(r);
	if (!text)
		return;
	size_t n = strlen(text);
	text[n] = '\n'; /* replaces the NUL: one write, one line */
	ssize_t w = write(fd, text, n + 1);
	(void)w;
	free(text);
}

