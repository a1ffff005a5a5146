/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>

#include "audit/report.h"
#include "core/util.h"
#include "test.h"

static const struct bh_loc loc_hide = {"/home/u/p.profile", 3, 7};

/* Checks that r fails bh_report_check() with exactly this message and hint,
 * then frees r. */
static void expect_stop(bool *bh_failed, struct bh_report *r, bool strict,
			const char *msg, const char *hint)
{
	struct bh_error *err = NULL;
	CHECK(bh_report_check(r, strict, &err) == -EPERM);
	if (err) {
		CHECK_INT(err->kind, BH_EK_PROFILE);
		CHECK_STR(err->msg, msg);
		if (hint)
			CHECK_STR(err->hint, hint);
	} else {
		CHECK(err != NULL);
	}
	bh_error_free(err);
	bh_report_free(r);
}

TEST(report_add_copies_everything)
{
	char *file = bh_xstrdup("/home/u/p.profile");
	char *rule = bh_xstrdup("hide /home/u/.ssh");
	struct bh_loc loc = {file, 3, 7};
	struct bh_report *r = bh_report_new("kernel");
	bh_report_add(r, BH_RC_GUARD, BH_ENF_ENFORCED, rule, &loc, "landlock",
		      "%d rules", 2);
	bh_report_add(r, BH_RC_INFO, BH_ENF_ENFORCED, "abi", NULL, NULL, NULL);
	/* The policy (owner of loc.file) may go before the report does. */
	free(file);
	free(rule);
	REQUIRE(r->n_items == 2);
	CHECK_STR(r->tier, "kernel");
	CHECK_STR(r->items[0].rule, "hide /home/u/.ssh");
	CHECK_STR(r->items[0].loc.file, "/home/u/p.profile");
	CHECK_INT(r->items[0].loc.line, 3);
	CHECK_INT(r->items[0].loc.col, 7);
	CHECK_STR(r->items[0].mechanism, "landlock");
	CHECK_STR(r->items[0].detail, "2 rules");
	CHECK(r->items[1].loc.file == NULL);
	CHECK(r->items[1].mechanism == NULL);
	CHECK(r->items[1].detail == NULL);
	bh_report_free(r);
	bh_report_free(NULL);
}

TEST(report_grows_and_counts)
{
	struct bh_report *r = bh_report_new("namespace");
	for (int i = 0; i < 100; i++)
		bh_report_add(r, BH_RC_GUARD, (enum bh_enforcement)(i % 3),
			      "read /usr", NULL, "landlock", NULL);
	size_t e = 0, d = 0, u = 0;
	bh_report_counts(r, &e, &d, &u);
	CHECK_INT(r->n_items, 100);
	CHECK_INT(e, 34);
	CHECK_INT(d, 33);
	CHECK_INT(u, 33);
	bh_report_counts(r, NULL, &d, NULL);
	CHECK_INT(d, 33);
	bh_report_free(r);
}

TEST(report_enforcement_names)
{
	CHECK_STR(bh_enforcement_name(BH_ENF_ENFORCED), "enforced");
	CHECK_STR(bh_enforcement_name(BH_ENF_DEGRADED), "degraded");
	CHECK_STR(bh_enforcement_name(BH_ENF_UNSUPPORTED), "unsupported");
}

/* One item of each class and status, with and without strict: the whole
 * table of settled question 2. */
TEST(report_check_table)
{
	static const struct {
		enum bh_rule_class cls;
		enum bh_enforcement st;
		bool fails, fails_strict;
	} cases[] = {
		{BH_RC_GUARD, BH_ENF_ENFORCED, false, false},
		{BH_RC_GUARD, BH_ENF_DEGRADED, false, true},
		{BH_RC_GUARD, BH_ENF_UNSUPPORTED, true, true},
		{BH_RC_LIMIT, BH_ENF_ENFORCED, false, false},
		{BH_RC_LIMIT, BH_ENF_DEGRADED, false, true},
		{BH_RC_LIMIT, BH_ENF_UNSUPPORTED, false, true},
		{BH_RC_INFO, BH_ENF_ENFORCED, false, false},
		{BH_RC_INFO, BH_ENF_DEGRADED, false, false},
		{BH_RC_INFO, BH_ENF_UNSUPPORTED, false, false},
	};
	for (size_t i = 0; i < BH_ARRAY_SIZE(cases); i++) {
		for (int strict = 0; strict <= 1; strict++) {
			struct bh_report *r = bh_report_new("kernel");
			bh_report_add(r, BH_RC_GUARD, BH_ENF_ENFORCED,
				      "read /usr", NULL, "landlock", NULL);
			bh_report_add(r, cases[i].cls, cases[i].st, "rule",
				      NULL, "m", NULL);
			struct bh_error *err = NULL;
			int ret = bh_report_check(r, strict, &err);
			bool want = strict ? cases[i].fails_strict
					   : cases[i].fails;
			if (want != (ret < 0))
				fprintf(stderr, "  case %zu strict=%d\n", i,
					strict);
			CHECK(want == (ret < 0));
			CHECK(want == (err != NULL));
			if (err) {
				CHECK_INT(err->kind, BH_EK_PROFILE);
				CHECK_INT(ret, -EPERM);
			}
			bh_error_free(err);
			bh_report_free(r);
		}
	}
}

TEST(report_check_unsupported_guard_text)
{
	struct bh_report *r = bh_report_new("kernel");
	bh_report_add(r, BH_RC_GUARD, BH_ENF_UNSUPPORTED, "hide /home/u/.ssh",
		      &loc_hide, "landlock", "Landlock cannot %s", "deny");
	expect_stop(bh_failed, r, false,
		    "/home/u/p.profile:3:7: hide /home/u/.ssh cannot be "
		    "enforced by the kernel tier: Landlock cannot deny",
		    "use a stronger tier (--tier namespace, gvisor or microvm)");
}

TEST(report_check_implicit_rule_text)
{
	struct bh_report *r = bh_report_new("gvisor");
	bh_report_add(r, BH_RC_GUARD, BH_ENF_UNSUPPORTED, "hide state dir",
		      NULL, NULL, NULL);
	expect_stop(bh_failed, r, true,
		    "hide state dir cannot be enforced by the gvisor tier",
		    "use a stronger tier (--tier microvm)");
}

TEST(report_check_strongest_tier_hint)
{
	struct bh_report *r = bh_report_new("microvm");
	bh_report_add(r, BH_RC_GUARD, BH_ENF_UNSUPPORTED, "net unix", NULL,
		      "virtio", "no vsock");
	expect_stop(bh_failed, r, false,
		    "net unix cannot be enforced by the microvm tier: no vsock",
		    "no tier enforces this rule here; remove it from the "
		    "profile");
}

TEST(report_check_strict_degraded_text)
{
	struct bh_loc loc = {"builtin:default", 14, 9};
	struct bh_report *r = bh_report_new("kernel");
	bh_report_add(r, BH_RC_GUARD, BH_ENF_DEGRADED,
		      "protect /w/.git/hooks", &loc, "landlock",
		      "paths that do not exist yet are not protected");
	CHECK(bh_report_check(r, false, NULL) == 0);
	expect_stop(bh_failed, r, true,
		    "builtin:default:14:9: protect /w/.git/hooks is enforced "
		    "only in part by the kernel tier: paths that do not exist "
		    "yet are not protected",
		    "drop --strict / strict to accept degraded rules, or use a "
		    "stronger tier (--tier namespace, gvisor or microvm)");
}

TEST(report_check_strict_limit_text)
{
	struct bh_loc loc = {"/p", 2, 7};
	struct bh_report *r = bh_report_new("namespace");
	bh_report_add(r, BH_RC_LIMIT, BH_ENF_UNSUPPORTED, "limit memory 4G",
		      &loc, "cgroup", "no delegated cgroup");
	CHECK(bh_report_check(r, false, NULL) == 0);
	expect_stop(bh_failed, r, true,
		    "/p:2:7: limit memory 4G cannot be enforced by the "
		    "namespace tier: no delegated cgroup",
		    "drop --strict / strict to run without this limit, or use "
		    "a stronger tier (--tier gvisor or microvm)");
}

/* A hard failure is named before a strict-only one even when it comes
 * later, and the others are counted. */
TEST(report_check_hard_failure_first)
{
	struct bh_report *r = bh_report_new("kernel");
	bh_report_add(r, BH_RC_GUARD, BH_ENF_DEGRADED, "protect /a", NULL,
		      "landlock", NULL);
	bh_report_add(r, BH_RC_GUARD, BH_ENF_UNSUPPORTED, "tmpfs /b", NULL,
		      NULL, NULL);
	bh_report_add(r, BH_RC_GUARD, BH_ENF_UNSUPPORTED, "tmpfs /c", NULL,
		      NULL, NULL);
	bh_report_add(r, BH_RC_GUARD, BH_ENF_UNSUPPORTED, "tmpfs /d", NULL,
		      NULL, NULL);
	expect_stop(bh_failed, r, true,
		    "tmpfs /b cannot be enforced by the kernel tier (and 2 "
		    "more rules)",
		    NULL);

	struct bh_report *s = bh_report_new("kernel");
	bh_report_add(s, BH_RC_LIMIT, BH_ENF_DEGRADED, "limit pids 10", NULL,
		      "rlimit", "per uid");
	bh_report_add(s, BH_RC_GUARD, BH_ENF_DEGRADED, "protect /a", NULL,
		      "landlock", NULL);
	expect_stop(bh_failed, s, true,
		    "limit pids 10 is enforced only in part by the kernel "
		    "tier: per uid (and 1 more rule)",
		    NULL);
}

TEST(report_check_empty_passes)
{
	struct bh_report *r = bh_report_new("kernel");
	struct bh_error *err = NULL;
	CHECK(bh_report_check(r, true, &err) == 0);
	CHECK(err == NULL);
	bh_report_free(r);
}

TEST(report_format_text)
{
	struct bh_report *r = bh_report_new("kernel");
	struct bh_loc loc = {"builtin:default", 14, 9};
	bh_report_add(r, BH_RC_GUARD, BH_ENF_ENFORCED, "write /home/u/proj",
		      NULL, "landlock", NULL);
	bh_report_add(r, BH_RC_GUARD, BH_ENF_DEGRADED,
		      "protect /home/u/proj/.git/hooks", &loc, "landlock",
		      "paths that do not exist yet are not protected");
	bh_report_add(r, BH_RC_LIMIT, BH_ENF_UNSUPPORTED, "limit memory 4G",
		      NULL, "cgroup", "no delegated cgroup");
	bh_report_add(r, BH_RC_INFO, BH_ENF_ENFORCED, "no_new_privs", NULL,
		      NULL, NULL);
	char *text = bh_report_format_text(r);
	CHECK_STR(text,
		  "enforcement report for tier kernel: 2 enforced, 1 degraded, "
		  "1 unsupported\n"
		  "  enforced     write /home/u/proj               [landlock]\n"
		  "  degraded     protect /home/u/proj/.git/hooks  [landlock]\n"
		  "                 how:  paths that do not exist yet are not "
		  "protected\n"
		  "                 from: builtin:default:14:9\n"
		  "  unsupported  limit memory 4G                  [cgroup]\n"
		  "                 how:  no delegated cgroup\n"
		  "  enforced     no_new_privs\n");
	free(text);
	bh_report_free(r);

	r = bh_report_new("namespace");
	text = bh_report_format_text(r);
	CHECK_STR(text, "enforcement report for tier namespace: 0 enforced, 0 "
			"degraded, 0 unsupported\n");
	free(text);
	bh_report_free(r);
}

TEST(report_to_json_shape)
{
	struct bh_report *r = bh_report_new("kernel");
	bh_report_add(r, BH_RC_GUARD, BH_ENF_DEGRADED, "protect /w/.git",
		      &loc_hide, "landlock", "not yet %s", "existing");
	bh_report_add(r, BH_RC_LIMIT, BH_ENF_UNSUPPORTED, "limit cpu 1", NULL,
		      NULL, NULL);
	bh_report_add(r, BH_RC_INFO, BH_ENF_ENFORCED, "read /\xff\xfe", NULL,
		      "landlock", NULL);
	json_t *j = bh_report_to_json(r);
	REQUIRE(json_is_array(j));
	char *s = json_dumps(j, JSON_COMPACT);
	CHECK_STR(s, "[{\"rule\":\"protect /w/.git\",\"status\":\"degraded\","
		     "\"class\":\"guard\",\"mechanism\":\"landlock\","
		     "\"detail\":\"not yet existing\",\"location\":{\"file\":"
		     "\"/home/u/p.profile\",\"line\":3,\"col\":7}},"
		     "{\"rule\":\"limit cpu 1\",\"status\":\"unsupported\","
		     "\"class\":\"limit\",\"mechanism\":null,\"detail\":null,"
		     "\"location\":null},"
		     "{\"rule\":\"read /\xef\xbf\xbd\xef\xbf\xbd\",\"status\":"
		     "\"enforced\",\"class\":\"info\",\"mechanism\":"
		     "\"landlock\",\"detail\":null,\"location\":null}]");
	free(s);
	json_decref(j);
	bh_report_free(r);
}
