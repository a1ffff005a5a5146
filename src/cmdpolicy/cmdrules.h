/* SPDX-License-Identifier: MIT */
/*
 * Command control: is this agent command string allowed, to be asked
 * about, or denied?  Every simple command in the parsed tree (shparse.h) —
 * inside substitutions, pipelines, lists, functions, wrappers such as
 * `env`, `timeout`, `nice`, `xargs`, and `sh -c STRING` — is decided on
 * its own; the strictest decision wins (deny > ask > allow).
 *
 * Per simple command, in order:
 *   1. a profile rule (`command allow|ask|deny PROGRAM [ARG-PATTERN...]`),
 *      most specific match first, deny winning ties;
 *   2. built-in knowledge of argument forms that execute code or redirect
 *      effects (find -exec, rg --pre, sed e/w, git -c core.sshCommand=...,
 *      tar --checkpoint-action, ssh -o ProxyCommand, python -c, ...):
 *      denied unless a profile rule names that form;
 *   3. state-changing built-ins (export, declare, typeset, alias, set,
 *      source, ., eval, exec, trap, enable, hash, cd outside the
 *      workspace) and assignments to dangerous variables (PATH, LD_*,
 *      BASH_ENV, PROMPT_COMMAND, GIT_*, ...): checked like commands;
 *   4. built-in knowledge of read-only everyday commands: allowed;
 *   5. the profile's `command default` (else ask).
 * A string that does not parse, or hits a bound, is denied with the
 * parser's reason (fail closed).
 *
 * The sandbox stays the enforcement: an allowed command still runs inside
 * it.  This layer decides what to run at all, and explains why.
 *
 * Pure: no system calls (paths are compared as strings).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "policy/policy.h"

struct bh_cmd_policy; /* compiled rules, opaque */

/* Compiles the policy's command rules with the built-in knowledge.
 * workspace: absolute, for `cd` checks (may be NULL: any cd is asked). */
int bh_cmd_policy_new(const struct bh_policy *p, const char *workspace,
		      struct bh_cmd_policy **out, struct bh_error **err);
void bh_cmd_policy_free(struct bh_cmd_policy *cp); /* accepts NULL */

struct bh_cmd_finding {
	enum bh_cmd_decision decision;
	char *command; /* the simple command's source text */
	char *program; /* argv[0] after quote removal; NULL when dynamic */
	char *arg;     /* the argument that decided, or NULL */
	/* What decided: "FILE:LINE: command deny git push", "builtin:
	 * find -exec", "builtin: read-only", "default", "parse". */
	char *rule;
	char *reason;  /* words for humans */
};

struct bh_cmd_verdict {
	enum bh_cmd_decision decision; /* the strictest of all findings */
	struct bh_cmd_finding *v;      /* one per simple command, in order */
	size_t n;
	size_t decisive;	       /* index of the finding that decided */
};

/*
 * Decides cmd[0..len).  cwd (absolute, may be NULL) is where the string
 * will run, for relative `cd`.  Always fills *out (a parse failure is a
 * deny with one finding whose rule is "parse"); returns 0, or -ENOMEM
 * style errors only for impossible states.  Caller releases *out.
 */
int bh_cmd_check(const struct bh_cmd_policy *cp, const char *cmd, size_t len,
		 const char *cwd, struct bh_cmd_verdict *out,
		 struct bh_error **err);
void bh_cmd_verdict_release(struct bh_cmd_verdict *v);

/* "allow", "ask", "deny". */
const char *bh_cmd_decision_name(enum bh_cmd_decision d);
