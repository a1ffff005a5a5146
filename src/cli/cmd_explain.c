/* SPDX-License-Identifier: MIT */
/*
 * bulkhead explain [-p PROFILE] [-t TIER] [--json]
 *
 * The effective policy after includes and variables, and the enforcement
 * report of the chosen tier: exactly what `run` would enforce here, computed
 * the same way (the same prepare step, minus the launch).
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/session.h"
#include "core/util.h"
#include "net/hygiene.h"

static const char explain_help[] =
	"usage: bulkhead explain [-p PROFILE] [-t TIER] [-w DIR] [--strict] "
	"[--json]\n"
	"\n"
	"Print the effective policy (after includes and variables) and, for\n"
	"the tier that would run here, the enforcement report: each rule\n"
	"enforced, degraded (and how) or unsupported.\n"
	"\n"
	"options:\n"
	"  -p, --profile NAME|PATH  profile (default: default)\n"
	"  -t, --tier TIER          tier to explain (default: as run would)\n"
	"  -w, --workspace DIR      workspace (default: as run would)\n"
	"      --uid UID[:GID]      (root) the identity run would use\n"
	"      --strict             also say whether --strict would refuse\n"
	"      --json               one JSON object: policy, tier, report\n"
	"  -h, --help               this text\n"
	"\n"
	"exit status: 0; 2 on a usage or profile error; 125 when no tier can\n"
	"run here; 3 when the launch would be refused (the report says why).\n";

int bh_cmd_explain(int argc, char **argv)
{
	struct bh_cli_opts o = {0};
	int idx = bh_cli_parse_opts(argc, argv, &o, false, explain_help);
	if (idx == -2)
		return 0;
	if (idx < 0)
		return 2;
	if (idx < argc)
		return bh_cli_usage("explain", "unexpected argument '%s'",
				    argv[idx]);
	static char *const no_cmd[] = {"true", NULL};
	struct bh_prepared p;
	memset(&p, 0, sizeof(p));
	struct bh_error *err = NULL;
	int r = bh_prepare(&o, no_cmd, &p, &err);
	if (r) {
		bh_prepared_cleanup(&p);
		return bh_cli_fail(err);
	}
	struct bh_error *refusal = NULL;
	bh_report_check(p.sess.report, o.strict || p.policy->strict, &refusal);

	/* Allowed hosts that let data out by design. */
	json_t *warnings = json_array();
	for (size_t i = 0; i < p.policy->n_hosts; i++) {
		const struct bh_host_rule *h = &p.policy->hosts[i];
		const char *why = h->allow ? bh_net_hygiene(h->host) : NULL;
		if (why)
			json_array_append_new(
				warnings,
				json_pack("{s:s,s:s,s:s,s:i,s:i}", "host",
					  h->host, "warning", why, "file",
					  h->loc.file ? h->loc.file : "",
					  "line", (int)h->loc.line, "col",
					  (int)h->loc.col));
	}

	if (o.json) {
		json_t *root = json_object();
		json_object_set(root, "warnings", warnings);
		char hash[65];
		bh_policy_hash(p.policy, hash);
		json_object_set_new(root, "policy", bh_policy_to_json(p.policy));
		json_object_set_new(root, "profile_hash", json_string(hash));
		json_object_set_new(root, "workspace",
				    json_string(p.workspace));
		json_object_set_new(root, "tier", json_string(p.tier->name));
		if (p.tier_note)
			json_object_set_new(root, "tier_note",
					    json_string(p.tier_note));
		json_object_set_new(root, "report",
				    bh_report_to_json(p.sess.report));
		size_t en, de, un;
		bh_report_counts(p.sess.report, &en, &de, &un);
		json_object_set_new(root, "summary",
				    json_pack("{s:i,s:i,s:i}", "enforced",
					      (int)en, "degraded", (int)de,
					      "unsupported", (int)un));
		json_object_set_new(root, "launch",
				    refusal ? json_pack("{s:b,s:s}", "allowed",
							0, "reason",
							refusal->msg)
					    : json_pack("{s:b}", "allowed", 1));
		char *s = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS);
		puts(s);
		free(s);
		json_decref(root);
	} else {
		cleanup_free char *dump = bh_policy_dump(p.policy, true);
		printf("# effective policy: %s (workspace %s)\n", p.policy->name,
		       p.workspace);
		fputs(dump, stdout);
		printf("\n");
		if (p.tier_note)
			printf("# tier %s chosen by auto; gave up: %s\n",
			       p.tier->name, p.tier_note);
		cleanup_free char *rep = bh_report_format_text(p.sess.report);
		fputs(rep, stdout);
		size_t wi;
		json_t *w;
		json_array_foreach(warnings, wi, w)
		{
			if (!wi)
				printf("\nallowlist warnings (data can leave "
				       "through these by design):\n");
			printf("  %s:%lld:%lld: net allow %s: %s\n",
			       json_string_value(json_object_get(w, "file")),
			       (long long)json_integer_value(
				       json_object_get(w, "line")),
			       (long long)json_integer_value(
				       json_object_get(w, "col")),
			       json_string_value(json_object_get(w, "host")),
			       json_string_value(json_object_get(w, "warning")));
		}
		if (refusal)
			printf("\nlaunch: REFUSED: %s\n", refusal->msg);
		else
			printf("\nlaunch: allowed\n");
	}
	json_decref(warnings);
	int status = refusal ? 3 : 0;
	bh_error_free(refusal);
	bh_prepared_cleanup(&p);
	return status;
}
