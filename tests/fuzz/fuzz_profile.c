/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the profile parser.  Besides "no crash, no leak, no
 * hang", it checks the dump invariant: the canonical text of any policy
 * that parses is itself a profile that parses to the same text, so the
 * profile hash in the audit log always names something re-parseable.
 * The reader knows two small profiles that include each other (a cycle);
 * every other name is ENOENT.
 */
#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "policy/policy.h"

static const struct {
	const char *name, *text;
} files[] = {
    {"/f/a.profile", "read /a\ninclude /f/b.profile\nnet allow a.example\n"},
    {"/f/b.profile", "env set B=${HOME}\ninclude /f/a.profile\n"},
    {"small", "tier namespace\nlimit pids 9\n"},
};

static int fuzz_read(void *ctx, const char *name, char **text, char **display,
		     struct bh_error **err)
{
	for (size_t i = 0; i < BH_ARRAY_SIZE(files); i++) {
		if (strcmp(name, files[i].name) == 0) {
			*text = bh_xstrdup(files[i].text);
			*display = bh_xstrdup(name);
			return 0;
		}
	}
	return bh_error_set(err, BH_EK_SYSTEM, ENOENT, "no %s", name);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct bh_policy_vars vars = {"/ws", "/home/u",
						   "/tmp/bh fuzz"};
	static const struct bh_profile_reader reader = {fuzz_read, NULL};
	struct bh_policy *p = NULL, *q = NULL;
	struct bh_error *err = NULL;

	if (bh_policy_parse("fuzz", (const char *)data, size, &vars, &reader,
			    &p, &err) < 0) {
		if (!err || !err->msg || !err->hint ||
		    err->kind != BH_EK_PROFILE)
			abort(); /* every error names its place and a hint */
		bh_error_free(err);
		return 0;
	}
	char *dump = bh_policy_dump(p, false);
	if (bh_policy_parse("dump", dump, strlen(dump), &vars, NULL, &q, &err) <
	    0) {
		fprintf(stderr, "dump does not parse: %s\n%s\n", err->msg,
			dump);
		abort();
	}
	char *again = bh_policy_dump(q, false);
	if (strcmp(dump, again) != 0) {
		fprintf(stderr, "dump is not stable:\n%s\n---\n%s\n", dump,
			again);
		abort();
	}
	char *located = bh_policy_dump(p, true);
	char hash[65];
	bh_policy_hash(p, hash);
	json_t *j = bh_policy_to_json(p);
	char *js = json_dumps(j, 0);
	if (!js)
		abort();
	free(js);
	json_decref(j);
	free(located);
	free(again);
	free(dump);
	bh_policy_free(q);
	bh_policy_free(p);
	return 0;
}
