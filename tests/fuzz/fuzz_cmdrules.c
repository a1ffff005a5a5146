/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the command checker.  Besides "no crash, no leak, no
 * hang", it checks the verdict's invariants: at least one finding unless
 * the string has no command, the decision is the strictest finding's and
 * `decisive` points at one that has it, every finding names what decided
 * it and why.  A small profile with rules of every kind makes the rule
 * matcher run too.
 */
#include <stdint.h>
#include <stdlib.h>

#include "cmdpolicy/cmdrules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char profile[] = "include default\n"
			      "command allow git diff **\n"
			      "command deny git push\n"
			      "command allow find ** -exec grep **\n"
			      "command ask rm -rf *\n"
			      "command allow ${WORKSPACE}/build.sh\n"
			      "command default ask\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct bh_cmd_policy *cp;
	if (!cp) {
		static const struct bh_policy_vars vars = {"/ws", "/home/u",
							   "/tmp/bh-fuzz"};
		struct bh_policy *p = NULL;
		if (bh_policy_parse("fuzz", profile, sizeof(profile) - 1, &vars,
				    NULL, &p, NULL) < 0 ||
		    bh_cmd_policy_new(p, "/ws", &cp, NULL) < 0)
			abort();
		bh_policy_free(p);
	}
	struct bh_cmd_verdict v;
	if (bh_cmd_check(cp, (const char *)data, size, "/ws/src", &v, NULL) < 0)
		abort();
	enum bh_cmd_decision worst = BH_CMD_ALLOW;
	for (size_t i = 0; i < v.n; i++) {
		if (!v.v[i].command || !v.v[i].rule || !v.v[i].reason)
			abort();
		if (v.v[i].decision > worst)
			worst = v.v[i].decision;
	}
	if (worst != v.decision ||
	    (v.n && v.v[v.decisive].decision != v.decision) ||
	    (v.n && v.decisive >= v.n))
		abort();
	bh_cmd_verdict_release(&v);
	return 0;
}
