/* SPDX-License-Identifier: MIT */
/*
 * Validators for the arguments of directives that are not paths: names of
 * environment variables, host names, syscall names and limit values, and
 * the "did you mean" helper.  Each accepts a deliberately narrow shape: a
 * value that is refused here is an error the user sees at once, while one
 * accepted too loosely becomes a rule that silently matches something else
 * (a host pattern over a whole public suffix, an octal-looking address).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/util.h"
#include "policy/internal.h"

/* Optimal string alignment distance (an adjacent swap costs 1), capped:
 * only short words are compared. */
static size_t edit_distance(const char *a, const char *b)
{
	enum { MAX = 32 };
	size_t n = strlen(a), m = strlen(b);
	size_t d[MAX + 1][MAX + 1];

	if (n > MAX || m > MAX)
		return (size_t)-1;
	for (size_t i = 0; i <= n; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= n; i++) {
		for (size_t j = 1; j <= m; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[n][m];
}

const char *bh_closest(const char *word, const char *const *cands, size_t n)
{
	const char *best = NULL;
	size_t best_d = 3;
	size_t len = strlen(word);

	for (size_t i = 0; i < n; i++) {
		size_t d = edit_distance(word, cands[i]);
		/* "x" is two edits from many words; suggesting any of them
		 * would be noise. */
		if (d < best_d && d < len) {
			best = cands[i];
			best_d = d;
		}
	}
	return best;
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

bool bh_env_name_valid(const char *s, bool glob)
{
	if (!s[0] || is_digit(s[0]))
		return false;
	for (const char *c = s; *c; c++)
		if (!is_alpha(*c) && !is_digit(*c) && *c != '_' &&
		    !(glob && *c == '*'))
			return false;
	return true;
}

bool bh_env_glob_match(const char *pat, const char *name)
{
	const char *star = NULL, *resume = NULL;

	while (*name) {
		if (*pat == '*') {
			star = pat++;
			resume = name;
		} else if (*pat == *name) {
			pat++;
			name++;
		} else if (star) {
			pat = star + 1;
			name = ++resume;
		} else {
			return false;
		}
	}
	while (*pat == '*')
		pat++;
	return *pat == '\0';
}

bool bh_syscall_name_valid(const char *s)
{
	size_t n = strlen(s);
	bool group = s[0] == '@';

	if (n == 0 || n > 64 || (group && n == 1))
		return false;
	for (const char *c = s + group; *c; c++)
		if (!(*c >= 'a' && *c <= 'z') && !is_digit(*c) && *c != '_' &&
		    !(group && *c == '-'))
			return false;
	return true;
}

/* Parses 1-5 decimal digits as a port. */
static bool port_parse(const char *s, unsigned *port)
{
	unsigned v = 0;
	size_t n = strlen(s);

	if (n == 0 || n > 5)
		return false;
	for (const char *c = s; *c; c++) {
		if (!is_digit(*c))
			return false;
		v = v * 10 + (unsigned)(*c - '0');
	}
	if (v == 0 || v > 65535)
		return false;
	*port = v;
	return true;
}

static bool ipv4_valid(const char *h)
{
	int parts = 0;
	const char *c = h;

	while (*c) {
		size_t n = 0;
		unsigned v = 0;
		while (n < 4 && is_digit(c[n]))
			v = v * 10 + (unsigned)(c[n++] - '0');
		/* A leading zero reads as octal to some resolvers. */
		if (n == 0 || n > 3 || v > 255 || (n > 1 && c[0] == '0'))
			return false;
		parts++;
		c += n;
		if (*c == '.' && c[1])
			c++;
		else if (*c)
			return false;
	}
	return parts == 4;
}

static bool ipv6_valid(const char *h)
{
	size_t n = strlen(h);
	if (n < 2 || n > 45 || !strchr(h, ':'))
		return false;
	for (const char *c = h; *c; c++)
		if (!is_digit(*c) && !(*c >= 'a' && *c <= 'f') && *c != ':' &&
		    *c != '.')
			return false;
	const char *dbl = strstr(h, "::");
	return !dbl || !strstr(dbl + 1, "::");
}

/* Checks the labels of a lower-cased name (without a leading "*."). */
static bool labels_valid(const char *h, size_t *count, const char **why,
			 const char **hint)
{
	const char *label = h;
	*count = 0;

	if (strlen(h) > 253) {
		*why = "is longer than 253 characters";
		*hint = "a DNS name has at most 253 characters";
		return false;
	}
	for (const char *c = h;; c++) {
		if (*c != '.' && *c != '\0')
			continue;
		size_t n = (size_t)(c - label);
		if (n == 0) {
			*why = *c == '\0' && c != h ? "ends with a dot"
						    : "has an empty label";
			*hint = "write names like example.com (no leading, "
				"trailing or doubled dots)";
			return false;
		}
		if (n > 63) {
			*why = "has a label longer than 63 characters";
			*hint = "a DNS label has at most 63 characters";
			return false;
		}
		if (label[0] == '-' || c[-1] == '-') {
			*why = "has a label that starts or ends with '-'";
			*hint = "check the spelling of the host name";
			return false;
		}
		(*count)++;
		if (*c == '\0')
			return true;
		label = c + 1;
	}
}

static bool host_chars_valid(const char *h, const char **why, const char **hint)
{
	for (const char *c = h; *c; c++) {
		unsigned char u = (unsigned char)*c;
		if ((u >= 'a' && u <= 'z') || is_digit(*c) || u == '.' ||
		    u == '-' || u == '_' || u == '*')
			continue;
		if (u >= 0x80) {
			*why = "is not ASCII";
			*hint = "write an internationalised name in its xn-- "
				"(punycode) form";
		} else {
			*why = "has a character not allowed in a host name";
			*hint = "host names have letters, digits, '-', '.' and "
				"'_'; IPv6 addresses go in brackets";
		}
		return false;
	}
	return true;
}

/* Validates a lower-cased host without port.  Sets *why and *hint on error. */
static bool host_valid(const char *h, const char **why, const char **hint)
{
	size_t labels = 0;

	if (!host_chars_valid(h, why, hint))
		return false;
	if (strcmp(h, "*") == 0) {
		*why = "would match every host";
		*hint = "list the hosts; *.example.com matches the names below "
			"example.com";
		return false;
	}
	const char *name = h;
	if (h[0] == '*' && h[1] == '.')
		name = h + 2;
	if (strchr(name, '*')) {
		*why = "has a '*' that is not a leading '*.' label";
		*hint = "a wildcard is allowed only as the first label, as in "
			"*.example.com";
		return false;
	}
	if (!labels_valid(name, &labels, why, hint))
		return false;
	if (name != h && labels < 2) {
		*why = "is a wildcard over a public suffix";
		*hint = "a wildcard must name a domain below a suffix, as in "
			"*.example.com, not *.com";
		return false;
	}
	const char *last = strrchr(name, '.');
	last = last ? last + 1 : name;
	bool numeric = true;
	for (const char *c = last; *c; c++)
		numeric &= is_digit(*c);
	/* "127.1" and "010.0.0.1" reach surprising addresses; an address
	 * is written out in full or not at all. */
	if (numeric && (name != h || !ipv4_valid(name))) {
		*why = "is not a valid IPv4 address";
		*hint = "write an IPv4 address as four decimal numbers without "
			"leading zeros, e.g. 192.0.2.10";
		return false;
	}
	return true;
}

char *bh_host_parse(const char *s, unsigned *port, const char **why,
		    const char **hint)
{
	cleanup_free char *h = NULL;
	const char *rest;

	*port = 0;
	if (strpbrk(s, "/@%?")) {
		*why = "looks like a URL, not a host name";
		*hint = "give a bare host name and optional port, e.g. "
			"net allow example.com:443";
		return NULL;
	}
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close) {
			*why = "has an unclosed '['";
			*hint = "write IPv6 addresses as [2001:db8::1]:443";
			return NULL;
		}
		h = bh_xstrndup(s + 1, (size_t)(close - s - 1));
		rest = close + 1;
		if (*rest && *rest != ':') {
			*why = "has text after ']'";
			*hint = "write IPv6 addresses as [2001:db8::1]:443";
			return NULL;
		}
	} else {
		rest = strchr(s, ':');
		h = rest ? bh_xstrndup(s, (size_t)(rest - s)) : bh_xstrdup(s);
		if (rest && strchr(rest + 1, ':')) {
			*why = "has more than one ':'";
			*hint = "write IPv6 addresses in brackets, as "
				"[2001:db8::1]:443";
			return NULL;
		}
		if (!rest)
			rest = "";
	}
	for (char *c = h; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	if (h[0] == '\0') {
		*why = "has no host name";
		*hint = "write HOST or HOST:PORT, e.g. example.com:443";
		return NULL;
	}
	if (*rest == ':' && !port_parse(rest + 1, port)) {
		*why = "has a port that is not a number from 1 to 65535";
		*hint = "write HOST:PORT, e.g. example.com:443, or HOST for "
			"any port";
		return NULL;
	}
	if (s[0] == '[') {
		if (!ipv6_valid(h)) {
			*why = "is not a valid IPv6 address";
			*hint = "write IPv6 addresses as [2001:db8::1]:443 "
				"(no zone index)";
			return NULL;
		}
	} else if (!host_valid(h, why, hint)) {
		return NULL;
	}
	return steal_pointer(&h);
}

/* Limits. */

static const char *const limit_names[BH_LIMIT__COUNT] = {
    [BH_LIMIT_MEMORY] = "memory", [BH_LIMIT_PIDS] = "pids",
    [BH_LIMIT_CPU] = "cpu",	  [BH_LIMIT_CPUTIME] = "cputime",
    [BH_LIMIT_TIME] = "time",	  [BH_LIMIT_FSIZE] = "fsize",
    [BH_LIMIT_NOFILE] = "nofile",
};

const char *bh_limit_name(enum bh_limit_kind k)
{
	return (unsigned)k < BH_LIMIT__COUNT ? limit_names[k] : "?";
}

int bh_limit_from_name(const char *name)
{
	for (int i = 0; i < BH_LIMIT__COUNT; i++)
		if (strcmp(name, limit_names[i]) == 0)
			return i;
	return -1;
}

/* Parses leading decimal digits into *v; returns how many, 0 on overflow
 * or when there are none. */
static size_t parse_uint(const char *s, uint64_t *v)
{
	size_t n = 0;
	*v = 0;
	while (is_digit(s[n])) {
		unsigned d = (unsigned)(s[n] - '0');
		if (*v > (UINT64_MAX - d) / 10)
			return 0;
		*v = *v * 10 + d;
		n++;
	}
	return n;
}

/* Failures of the number parsers, turned into messages by the caller. */
enum num_err { NUM_OK = 0, NUM_SYNTAX, NUM_BIG, NUM_DECIMALS };

/* A decimal "I" or "I.F": sets the integer part, the fraction as an
 * integer and its count of digits (at most max_frac), and advances *s. */
static enum num_err parse_decimal(const char **s, uint64_t *ip, uint64_t *fp,
				  unsigned *fdigits, unsigned max_frac)
{
	size_t n = parse_uint(*s, ip);
	*fp = 0;
	*fdigits = 0;
	if (n == 0)
		return is_digit(**s) ? NUM_BIG : NUM_SYNTAX;
	*s += n;
	if (**s != '.')
		return NUM_OK;
	(*s)++;
	while (is_digit(**s)) {
		if (*fdigits == max_frac)
			return NUM_DECIMALS;
		*fp = *fp * 10 + (uint64_t)(**s - '0');
		(*fdigits)++;
		(*s)++;
	}
	return *fdigits ? NUM_OK : NUM_SYNTAX;
}

static uint64_t pow10u(unsigned n)
{
	uint64_t v = 1;
	while (n--)
		v *= 10;
	return v;
}

/* Bytes: a whole number, or a decimal with a binary K/M/G/T suffix. */
static enum num_err parse_bytes(const char *s, uint64_t *out)
{
	uint64_t ip, fp, mult = 1;
	unsigned fd;
	enum num_err e = parse_decimal(&s, &ip, &fp, &fd, 6);
	if (e)
		return e;
	static const char units[] = "kmgtKMGT";
	const char *suffix = *s ? strchr(units, *s) : NULL;
	if (suffix) {
		mult = 1ull << (10 * (1 + (suffix - units) % 4));
		s++;
	}
	if (*s || (fd && mult == 1))
		return NUM_SYNTAX;
	if (ip > UINT64_MAX / mult)
		return NUM_BIG;
	uint64_t v = ip * mult, f = fp * mult / pow10u(fd);
	if (v > UINT64_MAX - f)
		return NUM_BIG;
	*out = v + f;
	return NUM_OK;
}

/* Cores as a decimal (at most three places) or "Nm" milli-cores. */
static enum num_err parse_cpu(const char *s, uint64_t *out)
{
	uint64_t ip, fp;
	unsigned fd;
	enum num_err e = parse_decimal(&s, &ip, &fp, &fd, 3);
	if (e)
		return e;
	if (s[0] == 'm' && s[1] == '\0' && fd == 0) {
		*out = ip;
		return NUM_OK;
	}
	if (*s)
		return NUM_SYNTAX;
	if (ip > UINT64_MAX / 1000)
		return NUM_BIG;
	*out = ip * 1000 + fp * pow10u(3 - fd);
	return NUM_OK;
}

static const struct {
	const char *unit;
	uint64_t ms;
} duration_units[] = {
    {"d", 86400000}, {"h", 3600000}, {"m", 60000}, {"s", 1000}, {"ms", 1},
};

/* A whole number of seconds, or components like 1h30m in falling order. */
static enum num_err parse_duration(const char *s, uint64_t *out_ms)
{
	uint64_t total = 0, v;
	size_t next_unit = 0;

	size_t n = parse_uint(s, &v);
	if (n && s[n] == '\0') {
		if (v > UINT64_MAX / 1000)
			return NUM_BIG;
		*out_ms = v * 1000;
		return NUM_OK;
	}
	while (*s) {
		n = parse_uint(s, &v);
		if (n == 0)
			return is_digit(*s) ? NUM_BIG : NUM_SYNTAX;
		s += n;
		size_t u = next_unit, len = 0;
		for (; u < BH_ARRAY_SIZE(duration_units); u++) {
			len = strlen(duration_units[u].unit);
			/* "m" must not take the "m" of "ms". */
			if (strncmp(s, duration_units[u].unit, len) == 0 &&
			    !(len == 1 && s[0] == 'm' && s[1] == 's'))
				break;
		}
		if (u == BH_ARRAY_SIZE(duration_units))
			return NUM_SYNTAX;
		if (v > (UINT64_MAX - total) / duration_units[u].ms)
			return NUM_BIG;
		total += v * duration_units[u].ms;
		next_unit = u + 1;
		s += len;
	}
	*out_ms = total;
	return NUM_OK;
}

static const char *const hint_bytes =
    "sizes are bytes, or a number with K, M, G or T (binary, 1K = 1024): "
    "512M, 1.5G, 4G";
static const char *const hint_cpu =
    "cpu is a number of cores, e.g. 2 or 1.5 (at most three decimals), "
    "or milli-cores such as 1500m";
static const char *const hint_duration =
    "durations are like 90s, 30m, 2h, 1h30m or 1d, or a number of seconds";

int bh_limit_parse(enum bh_limit_kind k, const char *s, uint64_t *out,
		   const char **why, const char **hint)
{
	enum num_err e;
	/* Every value fits a signed 64-bit integer: JSON readers and
	 * rlim_t arithmetic stay exact. */
	uint64_t v = 0, max = INT64_MAX;

	switch (k) {
	case BH_LIMIT_MEMORY:
	case BH_LIMIT_FSIZE:
		*hint = hint_bytes;
		e = parse_bytes(s, &v);
		*why = "is not a size";
		break;
	case BH_LIMIT_CPU:
		*hint = hint_cpu;
		e = parse_cpu(s, &v);
		*why = "is not a number of cores";
		max = 65536 * 1000; /* more cores than any machine has */
		break;
	case BH_LIMIT_TIME:
	case BH_LIMIT_CPUTIME:
		*hint = hint_duration;
		e = parse_duration(s, &v);
		*why = "is not a duration";
		break;
	case BH_LIMIT_PIDS:
	case BH_LIMIT_NOFILE:
	default:
		max = k == BH_LIMIT_PIDS ? 4194304   /* PID_MAX_LIMIT */
					 : 1u << 30; /* above any nr_open */
		*hint = k == BH_LIMIT_PIDS
			    ? "pids is a whole number from 1 to 4194304"
			    : "nofile is a whole number from 1 to "
			      "1073741824";
		if (s[0] && s[strspn(s, "0123456789")] == '\0')
			e = parse_uint(s, &v) ? NUM_OK : NUM_BIG;
		else
			e = NUM_SYNTAX;
		*why = "is not a whole number";
		break;
	}
	if (e == NUM_DECIMALS) {
		*why = "has too many decimals";
		return -EINVAL;
	}
	if (e == NUM_SYNTAX)
		return -EINVAL;
	if (e == NUM_BIG || v > max) {
		*why = "is too large";
		return -ERANGE;
	}
	if (k == BH_LIMIT_CPUTIME) {
		if (v % 1000) {
			*why = "is not a whole number of seconds";
			*hint =
			    "cputime is counted in whole seconds (RLIMIT_CPU)";
			return -EINVAL;
		}
		v /= 1000;
	}
	if (v == 0) {
		*why = "is zero, which would stop everything";
		*hint = "give a positive value, or leave the key out for no "
			"limit";
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static void format_duration(uint64_t ms, struct bh_strbuf *sb)
{
	for (size_t u = 0; u < BH_ARRAY_SIZE(duration_units); u++) {
		uint64_t n = ms / duration_units[u].ms;
		if (n) {
			bh_strbuf_printf(sb, "%llu%s", (unsigned long long)n,
					 duration_units[u].unit);
			ms -= n * duration_units[u].ms;
		}
	}
}

void bh_limit_format(enum bh_limit_kind k, uint64_t v, struct bh_strbuf *sb)
{
	static const char suffix[] = "KMGT";

	switch (k) {
	case BH_LIMIT_MEMORY:
	case BH_LIMIT_FSIZE: {
		/* The largest unit that divides the value exactly. */
		unsigned u = 0;
		while (u < 4 && v >> (10 * (u + 1)) &&
		       (v & ((1ull << (10 * (u + 1))) - 1)) == 0)
			u++;
		bh_strbuf_printf(sb, "%llu",
				 (unsigned long long)(v >> (10 * u)));
		if (u)
			bh_strbuf_putc(sb, suffix[u - 1]);
		break;
	}
	case BH_LIMIT_CPU:
		bh_strbuf_printf(sb, "%llu", (unsigned long long)(v / 1000));
		if (v % 1000) {
			char frac[8];
			snprintf(frac, sizeof(frac), ".%03u",
				 (unsigned)(v % 1000));
			for (size_t n = strlen(frac); frac[n - 1] == '0'; n--)
				frac[n - 1] = '\0';
			bh_strbuf_puts(sb, frac);
		}
		break;
	case BH_LIMIT_TIME:
		format_duration(v, sb);
		break;
	case BH_LIMIT_CPUTIME:
		format_duration(v * 1000, sb);
		break;
	default:
		bh_strbuf_printf(sb, "%llu", (unsigned long long)v);
		break;
	}
}

char *bh_limit_to_text(enum bh_limit_kind k, uint64_t v)
{
	struct bh_strbuf sb = BH_STRBUF_INIT;
	bh_limit_format(k, v, &sb);
	return bh_strbuf_steal(&sb);
}
