/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "test.h"
#include "tier/plan.h"

static struct bh_plan_host all_tiers(void)
{
	struct bh_plan_host h = {0};
	for (int t = BH_TIER_KERNEL; t <= BH_TIER_MICROVM; t++)
		h.available[t] = true;
	return h;
}

static bool has_reason(const struct bh_plan *p, const char *needle)
{
	for (size_t i = 0; i < p->n_reasons; i++)
		if (strstr(p->reasons[i], needle))
			return true;
	return false;
}

TEST(plan_threat_model_picks_the_ideal_tier)
{
	struct bh_plan_host h = all_tiers();
	struct bh_plan p;
	struct bh_plan_answers own = {.source = BH_SRC_OWN};
	bh_plan_make(&own, &h, &p);
	CHECK_INT(p.tier, BH_TIER_KERNEL);
	bh_plan_release(&p);
	struct bh_plan_answers third = {.source = BH_SRC_THIRD};
	bh_plan_make(&third, &h, &p);
	CHECK_INT(p.tier, BH_TIER_NAMESPACE);
	bh_plan_release(&p);
	struct bh_plan_answers hostile = {.source = BH_SRC_UNTRUSTED,
					  .secrets = BH_SEC_BROAD};
	bh_plan_make(&hostile, &h, &p);
	CHECK_INT(p.tier, BH_TIER_MICROVM);
	CHECK(strstr(p.profile, "min-tier microvm") != NULL);
	CHECK(has_reason(&p, "credential proxy"));
	bh_plan_release(&p);
}

TEST(plan_budgets_and_host_rule_tiers_out_and_say_so)
{
	struct bh_plan_host h = all_tiers();
	h.microvm_emulated = true;
	struct bh_plan_answers a = {.source = BH_SRC_UNTRUSTED,
				    .data = BH_DATA_CONFIDENTIAL,
				    .cmd_budget_ms = 1000};
	struct bh_plan p;
	bh_plan_make(&a, &h, &p);
	CHECK_INT(p.ideal, BH_TIER_MICROVM);
	CHECK_INT(p.tier, BH_TIER_GVISOR); /* 8 s emulated boot > 1 s */
	CHECK(has_reason(&p, "over the per-command budget"));
	CHECK(has_reason(&p, "given up: microvm"));
	bh_plan_release(&p);
	h.available[BH_TIER_GVISOR] = false;
	bh_plan_make(&a, &h, &p);
	CHECK_INT(p.tier, BH_TIER_NAMESPACE);
	CHECK(has_reason(&p, "gvisor is not available"));
	CHECK(has_reason(&p, "Leaky Vessels"));
	CHECK(strstr(p.profile, "# strict\n") != NULL);
	bh_plan_release(&p);
}

TEST(plan_profile_follows_the_answers)
{
	struct bh_plan_host h = all_tiers();
	struct bh_plan_answers a = {.source = BH_SRC_THIRD,
				    .blast = BH_BLAST_REVIEW,
				    .network = BH_NET_NONE,
				    .ecosystem = "node"};
	struct bh_plan p;
	bh_plan_make(&a, &h, &p);
	CHECK(strstr(p.profile, "include node\n") != NULL);
	CHECK(strstr(p.profile, "net none\n") != NULL);
	CHECK(strstr(p.profile, "workspace overlay\n") != NULL);
	CHECK(strstr(p.profile, "strict") == NULL);
	bh_plan_release(&p);
	CHECK_INT(bh_plan_parse("source", "untrusted"), BH_SRC_UNTRUSTED);
	CHECK_INT(bh_plan_parse("source", "evil"), -1);
	CHECK_INT(bh_plan_parse("nope", "own"), -1);
}
