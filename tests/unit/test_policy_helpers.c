/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "test_policy.h"

const struct bh_policy_vars tp_vars = {"/ws", "/home/u", "/tmp/bh-test"};

static const struct tp_file *files;
static size_t n_files;
unsigned tp_reads;

void tp_set_files(const struct tp_file *f, size_t n)
{
	files = f;
	n_files = n;
	tp_reads = 0;
}

static int fake_read(void *ctx, const char *name, char **text, char **display,
		     struct bh_error **err)
{
	tp_reads++;
	for (size_t i = 0; i < n_files; i++) {
		if (strcmp(files[i].name, name) != 0)
			continue;
		if (!files[i].text)
			return bh_error_sys(err, EACCES, "opening %s", name);
		*text = bh_xstrdup(files[i].text);
		*display = bh_xstrdup(name);
		return 0;
	}
	return bh_error_sys(err, ENOENT, "opening %s", name);
}

const struct bh_profile_reader tp_reader = {fake_read, NULL};

struct bh_policy *tp_parse(const char *text, struct bh_error **err)
{
	struct bh_policy *p = NULL;
	if (bh_policy_parse("t.profile", text, strlen(text), &tp_vars,
			    &tp_reader, &p, err) < 0)
		return NULL;
	return p;
}

char *tp_error(const char *text)
{
	struct bh_error *err = NULL;
	struct bh_policy *p = tp_parse(text, &err);
	if (p) {
		bh_policy_free(p);
		return NULL;
	}
	if (!err)
		return bh_xstrdup("(no error set)");
	char *s = bh_xasprintf(
	    "%s\nhint: %s%s", err->msg, err->hint ? err->hint : "(none)",
	    err->kind == BH_EK_PROFILE ? "" : " [not PROFILE]");
	bh_error_free(err);
	return s;
}

static bool str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

bool tp_policy_equal(const struct bh_policy *a, const struct bh_policy *b)
{
	if (a->n_paths != b->n_paths || a->n_env != b->n_env ||
	    a->n_hosts != b->n_hosts || a->n_syscalls != b->n_syscalls)
		return false;
	for (size_t i = 0; i < a->n_paths; i++)
		if (a->paths[i].op != b->paths[i].op ||
		    !str_eq(a->paths[i].path, b->paths[i].path))
			return false;
	for (size_t i = 0; i < a->n_env; i++)
		if (a->env[i].op != b->env[i].op ||
		    !str_eq(a->env[i].name, b->env[i].name) ||
		    !str_eq(a->env[i].value, b->env[i].value))
			return false;
	for (size_t i = 0; i < a->n_hosts; i++)
		if (a->hosts[i].allow != b->hosts[i].allow ||
		    a->hosts[i].port != b->hosts[i].port ||
		    !str_eq(a->hosts[i].host, b->hosts[i].host))
			return false;
	for (size_t i = 0; i < a->n_syscalls; i++)
		if (a->syscalls[i].allow != b->syscalls[i].allow ||
		    !str_eq(a->syscalls[i].name, b->syscalls[i].name))
			return false;
	if (a->n_cmd_rules != b->n_cmd_rules ||
	    a->cmd_default_set != b->cmd_default_set ||
	    a->cmd_default != b->cmd_default)
		return false;
	for (size_t i = 0; i < a->n_cmd_rules; i++) {
		const struct bh_cmd_rule *x = &a->cmd_rules[i],
					 *y = &b->cmd_rules[i];
		if (x->decision != y->decision ||
		    !str_eq(x->program, y->program) || x->n_args != y->n_args)
			return false;
		for (size_t k = 0; k < x->n_args; k++)
			if (!str_eq(x->args[k], y->args[k]))
				return false;
	}
	for (int k = 0; k < BH_LIMIT__COUNT; k++)
		if (a->limits[k].set != b->limits[k].set ||
		    a->limits[k].value != b->limits[k].value)
			return false;
	return a->net_declared == b->net_declared &&
	       a->net_unix == b->net_unix && a->tier == b->tier &&
	       a->min_tier == b->min_tier && a->strict == b->strict &&
	       a->home == b->home &&
	       (a->home_loc.file != NULL) == (b->home_loc.file != NULL);
}
