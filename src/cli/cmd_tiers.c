/* SPDX-License-Identifier: MIT */
/*
 * bulkhead tiers: every tier, probed on this host, strongest first: whether
 * it can run here and, when not, exactly why and the fix (the tiers'
 * probes say both).  Also what `auto` picks here and why.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/util.h"
#include "policy/policy.h"
#include "tier/tier.h"

static const char tiers_help[] =
	"usage: bulkhead tiers [--json]\n"
	"\n"
	"Probes every isolation tier on this host, strongest first, and says\n"
	"for each whether it can run here and, when not, why and the fix; then\n"
	"which tier `auto` picks (docs/tiers.md: how to choose).\n"
	"\n"
	"Exit status: 0 (also when some tiers cannot run); 2 usage.\n";

static const char *const blurb[] = {
	[BH_TIER_KERNEL] = "Landlock + seccomp on the host kernel, no "
			   "namespaces",
	[BH_TIER_NAMESPACE] = "namespaces, a root built from the policy, "
			      "Landlock + seccomp inside",
	[BH_TIER_GVISOR] = "gVisor (runsc): a user-space kernel between the "
			   "command and the host's",
	[BH_TIER_MICROVM] = "a qemu microVM with its own kernel",
};

int bh_cmd_tiers(int argc, char **argv)
{
	bool json = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "-h") ||
			   !strcmp(argv[i], "--help")) {
			fputs(tiers_help, stdout);
			return 0;
		} else {
			return bh_cli_usage("tiers", "unknown argument '%s'",
					    argv[i]);
		}
	}
	static const enum bh_tier_id order[] = {
		BH_TIER_MICROVM, BH_TIER_GVISOR, BH_TIER_NAMESPACE,
		BH_TIER_KERNEL};
	json_t *arr = json_array();
	if (!json)
		printf("%-10s %-13s %s\n", "TIER", "HERE", "WHAT / WHY NOT");
	for (size_t i = 0; i < BH_ARRAY_SIZE(order); i++) {
		enum bh_tier_id id = order[i];
		const struct bh_tier_ops *ops = bh_tier_ops_get(id);
		char *why = NULL;
		int r = -1;
		if (!ops)
			why = bh_xstrdup("not in this build of bulkhead");
		else
			r = ops->probe(&why);
		bool ok = ops && r == 0;
		/* A tier may work and still say something (emulated, slow). */
		if (json) {
			json_t *o = json_object();
			json_object_set_new(o, "tier", json_string(bh_tier_name(id)));
			json_object_set_new(o, "strength",
					    json_integer(bh_tier_strength(id)));
			json_object_set_new(o, "available", json_boolean(ok));
			json_object_set_new(o, "what", json_string(blurb[id]));
			json_object_set_new(o, ok ? "note" : "why",
					    why ? json_string(why) : json_null());
			json_array_append_new(arr, o);
		} else {
			printf("%-10s %-13s %s\n", bh_tier_name(id),
			       ok ? "available" : "unavailable", blurb[id]);
			if (why)
				printf("%-10s %-13s %s %s\n", "", "",
				       ok ? "note:" : "why:", why);
		}
		free(why);
	}
	struct bh_error *err = NULL;
	char *note = NULL;
	const struct bh_tier_ops *pick =
		bh_tier_choose(BH_TIER_AUTO, BH_TIER_UNSET, &note, &err);
	if (json) {
		json_t *root = json_object();
		json_object_set_new(root, "tiers", arr);
		json_object_set_new(root, "auto",
				    pick ? json_string(pick->name) : json_null());
		if (note)
			json_object_set_new(root, "auto_gave_up",
					    json_string(note));
		if (!pick && err)
			json_object_set_new(root, "auto_error",
					    json_string(err->msg));
		json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(root);
	} else {
		json_decref(arr);
		if (pick)
			printf("\nauto picks: %s%s%s%s\n", pick->name,
			       note ? " (gave up: " : "", note ? note : "",
			       note ? ")" : "");
		else
			printf("\nauto picks nothing: %s\n",
			       err ? err->msg : "no tier can run here");
		printf("auto never picks gvisor or microvm unless a profile's "
		       "min-tier asks for them; -t TIER picks one.\n");
	}
	bh_error_free(err);
	free(note);
	return bh_cli_finish_output("writing the tiers");
}
