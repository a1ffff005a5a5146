/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the canonical host parser and the host rules: every
 * host the proxy sees passes through them.  Besides "no crash, no leak",
 * it checks what the proxy relies on, with checks written apart from the
 * parser:
 *  - input holding a byte that some parser reads differently (NUL,
 *    control, space, '%', '@', '/', '\\', '_') is always refused;
 *  - canonical text holds only [a-z0-9.:-], is at most 253 bytes, parses
 *    again to itself (same kind, text and address), and a name in it has
 *    no empty label, no label over 63 and does not end in a number;
 *  - an allowed name ends, on a label boundary, in an allow rule's name
 *    (no suffix match without a dot), an allowed address equals an
 *    address rule, a host a deny rule covers is never allowed;
 *  - address classes do not depend on the IPv6 spelling of an IPv4
 *    address (mapped, NAT64).
 * The input is also compiled as a rule, and its first bytes are judged as
 * a resolved address.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "net/host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct spec {
	bool allow;
	const char *host;
	unsigned port;
};

static const struct spec specs[] = {
    {true, "allowed.com", 0},	     {true, "*.example.org", 443},
    {false, "evil.example.org", 0},  {true, "10.0.0.5", 0},
    {true, "2001:db8::7", 0},	     {true, "xn--bcher-kva.de", 0},
    {false, "*.bad.example.org", 0}, {true, "127.0.0.1", 8080},
};

static struct bh_hostrules *rules(void)
{
	static struct bh_hostrules *r;
	static struct bh_host_rule hr[sizeof(specs) / sizeof(specs[0])];

	if (r)
		return r;
	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++)
		hr[i] = (struct bh_host_rule){specs[i].allow,
					      (char *)specs[i].host,
					      specs[i].port,
					      {"fuzz", (unsigned)i + 1, 1}};
	struct bh_policy p = {0};
	p.hosts = hr;
	p.n_hosts = sizeof(specs) / sizeof(specs[0]);
	if (bh_hostrules_new(&p, &r, NULL) != 0)
		abort();
	return r;
}

/* Does name end in suffix on a label boundary, with at least one label
 * more (wildcard) or exactly (not)?  Compared label by label from the
 * right, unlike the module's own suffix compare. */
static bool labels_cover(const char *name, const char *suffix, bool wildcard)
{
	const char *n = name + strlen(name), *s = suffix + strlen(suffix);

	for (;;) {
		const char *ns = n, *ss = s;
		while (ns > name && ns[-1] != '.')
			ns--;
		while (ss > suffix && ss[-1] != '.')
			ss--;
		if (n - ns != s - ss || memcmp(ns, ss, (size_t)(n - ns)) != 0)
			return false;
		if (ss == suffix)
			return wildcard ? ns > name : ns == name;
		if (ns == name)
			return false;
		n = ns - 1;
		s = ss - 1;
	}
}

static bool spec_covers(const struct spec *sp, const struct bh_host *h,
			unsigned port)
{
	struct bh_host rh;
	bool wild = sp->host[0] == '*';
	const char *t = wild ? sp->host + 2 : sp->host;

	if (sp->port && sp->port != port)
		return false;
	if (bh_host_canon(t, strlen(t), &rh, NULL) != 0)
		abort();
	if (rh.kind != h->kind)
		return false;
	if (h->kind != BH_HOST_NAME)
		return memcmp(rh.addr, h->addr, 16) == 0;
	return labels_cover(h->name, rh.name, wild);
}

static void check_canonical(const struct bh_host *h)
{
	size_t n = strlen(h->name);
	struct bh_host again;

	if (n == 0 || n > 253)
		abort();
	for (size_t i = 0; i < n; i++) {
		char c = h->name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '-' || c == ':'))
			abort();
	}
	if (bh_host_canon(h->name, n, &again, NULL) != 0 ||
	    again.kind != h->kind || strcmp(again.name, h->name) != 0 ||
	    memcmp(again.addr, h->addr, sizeof(h->addr)) != 0)
		abort();
	if (h->kind != BH_HOST_NAME)
		return;
	if (strchr(h->name, ':') || h->name[0] == '.' ||
	    h->name[n - 1] == '.' || strstr(h->name, ".."))
		abort();
	const char *last = strrchr(h->name, '.');
	last = last ? last + 1 : h->name;
	if (strspn(last, "0123456789") == strlen(last))
		abort();
	for (const char *l = h->name; l;) {
		const char *dot = strchr(l, '.');
		size_t ln = dot ? (size_t)(dot - l) : strlen(l);
		if (ln > 63 || l[0] == '-' || l[ln - 1] == '-')
			abort();
		l = dot ? dot + 1 : NULL;
	}
}

static void check_rules(const struct bh_host *h, unsigned port)
{
	const struct bh_host_rule *rule = NULL;
	bool ok = bh_hostrules_allow(rules(), h, port, &rule);
	bool denied = false, allowed = false;

	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		if (!spec_covers(&specs[i], h, port))
			continue;
		if (specs[i].allow)
			allowed = true;
		else
			denied = true;
	}
	if (ok != (allowed && !denied))
		abort();
	if ((ok || denied) != (rule != NULL))
		abort();
}

static void check_classes(const uint8_t *v4)
{
	uint8_t mapped[16] = {[10] = 0xff, 0xff};
	uint8_t nat64[16] = {0, 0x64, 0xff, 0x9b};

	memcpy(mapped + 12, v4, 4);
	memcpy(nat64 + 12, v4, 4);
	unsigned c = bh_addr_classes(AF_INET, v4);
	if (bh_addr_classes(AF_INET6, mapped) != c ||
	    bh_addr_classes(AF_INET6, nat64) != c)
		abort();
	if (bh_hostrules_addr_ok(rules(), AF_INET, v4, 443, NULL) !=
	    bh_hostrules_addr_ok(rules(), AF_INET6, mapped, 443, NULL))
		abort();
}

static void compile_as_rule(const uint8_t *data, size_t size)
{
	char text[300];
	size_t n = size < sizeof(text) - 1 ? size : sizeof(text) - 1;
	memcpy(text, data, n);
	text[n] = '\0';
	struct bh_host_rule hr = {true, text, 0, {"fuzz", 1, 1}};
	struct bh_policy p = {0};
	struct bh_hostrules *r = NULL;
	struct bh_error *err = NULL;
	p.hosts = &hr;
	p.n_hosts = 1;
	if (bh_hostrules_new(&p, &r, &err) == 0) {
		if (err || !r)
			abort();
		bh_hostrules_free(r);
	} else if (!err || r) {
		abort();
	}
	bh_error_free(err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bh_host h;
	const char *why = NULL;
	int ret = bh_host_canon((const char *)data, size, &h, &why);

	for (size_t i = 0; i < size; i++)
		if (data[i] < 0x21 || data[i] == 0x7f || data[i] == '%' ||
		    data[i] == '@' || data[i] == '/' || data[i] == '\\' ||
		    data[i] == '_')
			if (ret == 0)
				abort();
	if (ret == 0) {
		check_canonical(&h);
		check_rules(&h, size % 3 ? 443 : 8080);
		if (h.kind == BH_HOST_IPV4)
			check_classes(h.addr);
	} else if (!why || !why[0] || h.name[0]) {
		abort();
	}
	if (size >= 16) {
		(void)bh_hostrules_addr_ok(rules(), AF_INET6, data, 443, NULL);
		check_classes(data);
	}
	compile_as_rule(data, size);
	return 0;
}
