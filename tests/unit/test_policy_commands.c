/* SPDX-License-Identifier: MIT */
/* The `command` directives: parsing, dump, hash and JSON. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "test_policy.h"

TEST(policy_command_rules)
{
	struct bh_policy *p = tp_parse("command deny git push --force*\n"
				       "command allow ${WORKSPACE}/x.sh **\n"
				       "command ask make\n",
				       NULL);
	REQUIRE(p);
	REQUIRE(p->n_cmd_rules == 3);
	CHECK(!p->cmd_default_set);
	CHECK_INT(p->cmd_default, BH_CMD_ASK);
	const struct bh_cmd_rule *r = &p->cmd_rules[0];
	CHECK_INT(r->decision, BH_CMD_DENY);
	CHECK_STR(r->program, "git");
	REQUIRE(r->n_args == 2);
	CHECK_STR(r->args[0], "push");
	CHECK_STR(r->args[1], "--force*");
	CHECK(r->args[2] == NULL);
	CHECK_INT(r->loc.line, 1);
	CHECK_INT(r->loc.col, 14);
	CHECK_STR(p->cmd_rules[1].program, "/ws/x.sh");
	CHECK_INT(p->cmd_rules[2].n_args, 0);
	CHECK(p->cmd_rules[2].args == NULL);
	bh_policy_free(p);

	/* The last `command default` wins; a path program is normalised. */
	p = tp_parse("command default deny\ncommand default allow\n"
		     "command allow /usr//bin/./git\n",
		     NULL);
	REQUIRE(p);
	CHECK(p->cmd_default_set);
	CHECK_INT(p->cmd_default, BH_CMD_ALLOW);
	CHECK_INT(p->cmd_default_loc.line, 2);
	CHECK_STR(p->cmd_rules[0].program, "/usr/bin/git");
	bh_policy_free(p);

	CHECK_PERR_MSG("command allow git ${HOME}/$x\n",
		       "t.profile:1:19: '$' not followed by '{'");
	CHECK_PERR_MSG("command ask /a/../b\n",
		       "t.profile:1:13: path '/a/../b' has a '..' component");
	CHECK_PERR_MSG("command alow git\n",
		       "t.profile:1:9: unknown command sub-command 'alow'");
}

TEST(policy_command_hash_and_json)
{
	struct bh_policy *a = tp_parse("command allow git status\n", NULL);
	struct bh_policy *b =
	    tp_parse("command allow git \"status\"  # x\n", NULL);
	struct bh_policy *c = tp_parse("command ask git status\n", NULL);
	struct bh_policy *d = tp_parse("command allow git status\n"
				       "command default ask\n",
				       NULL);
	REQUIRE(a && b && c && d);
	char ha[65], hb[65], hc[65], hd[65];
	bh_policy_hash(a, ha);
	bh_policy_hash(b, hb);
	bh_policy_hash(c, hc);
	bh_policy_hash(d, hd);
	CHECK_STR(ha, hb);
	CHECK(strcmp(ha, hc) != 0);
	/* Saying the default explicitly is a different profile text. */
	CHECK(strcmp(ha, hd) != 0);

	json_t *j = bh_policy_to_json(d);
	json_t *cmds = json_object_get(j, "commands");
	CHECK_STR(json_string_value(json_object_get(cmds, "default")), "ask");
	CHECK_INT(json_integer_value(json_object_get(
		      json_object_get(cmds, "default_loc"), "line")),
		  2);
	json_t *r = json_array_get(json_object_get(cmds, "rules"), 0);
	CHECK_STR(json_string_value(json_object_get(r, "decision")), "allow");
	CHECK_STR(json_string_value(json_object_get(r, "program")), "git");
	CHECK_STR(
	    json_string_value(json_array_get(json_object_get(r, "args"), 0)),
	    "status");
	json_decref(j);
	j = bh_policy_to_json(a);
	cmds = json_object_get(j, "commands");
	CHECK_STR(json_string_value(json_object_get(cmds, "default")), "ask");
	CHECK(json_is_null(json_object_get(cmds, "default_loc")));
	json_decref(j);
	bh_policy_free(a);
	bh_policy_free(b);
	bh_policy_free(c);
	bh_policy_free(d);
}
