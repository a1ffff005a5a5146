/* SPDX-License-Identifier: MIT */
/*
 * Environment control.  The host environment is dropped; only variables the
 * policy keeps or sets pass.  Variables that inject code or redirect tools,
 * and values that look like secrets, are refused even when kept or set,
 * unless the profile says `env allow-unsafe NAME` (then passed, loudly).
 * Variables bulkhead sets for its own mechanisms (HOME, TMPDIR, proxy
 * settings, ...) come in as `own` and are exempt (DESIGN.md settled 7).
 * Pure: no system calls.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "policy/policy.h"
#include "secrets/secrets.h"

enum bh_env_verdict {
	BH_ENVV_PASS = 0,       /* passes (kept from host, or set by profile) */
	BH_ENVV_OWN,            /* set by bulkhead itself */
	BH_ENVV_UNSAFE_ALLOWED, /* would be refused, but the profile allows it */
	BH_ENVV_REFUSED_INJECT, /* refused: injects code / redirects a tool */
	BH_ENVV_REFUSED_SECRET, /* refused: the name or value looks like a secret */
	BH_ENVV_REFUSED_INVALID,/* refused: malformed (no '=', NUL, bad name) */
	BH_ENVV_SANITIZED,      /* passes, changed (e.g. PATH without relative dirs) */
};
const char *bh_env_verdict_name(enum bh_env_verdict v);

struct bh_env_entry {
	char *name;
	char *value;            /* what the command gets; NULL when refused */
	enum bh_env_verdict verdict;
	char *reason;           /* why refused/allowed/sanitized, or NULL */
	const char *rule_id;    /* secret or injection rule id, or NULL */
	struct bh_loc loc;      /* the profile rule that decided; file NULL if none */
	bool from_host;         /* the value came from the host environment */
};

struct bh_env_result {
	struct bh_env_entry *entries; /* sorted by name; refused ones included */
	size_t n_entries;
	char **envp;                  /* NULL-terminated, what execve() gets */
};

/* One variable bulkhead sets for its own mechanisms. */
struct bh_env_own {
	const char *name;
	const char *value;
};

/*
 * Builds the command's environment.  host_env: the caller's environ.
 * own: n_own variables set by bulkhead (they win over profile rules).
 * secrets: the compiled rule engine.  Caller frees *out with
 * bh_env_result_free().
 */
int bh_env_build(const struct bh_policy *p, char *const *host_env,
		 const struct bh_env_own *own, size_t n_own,
		 const struct bh_secrets *secrets, struct bh_env_result **out,
		 struct bh_error **err);
void bh_env_result_free(struct bh_env_result *r);

/* Why NAME injects code or redirects a tool (a short phrase), or NULL. */
const char *bh_env_injection_reason(const char *name, const char **rule_id);
