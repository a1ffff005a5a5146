/* SPDX-License-Identifier: MIT */
/*
 * The command checker: the table of cmdrules_cases.h under the built-in
 * knowledge, then profile rules (specificity, naming a dangerous form,
 * global options, programs by path, the default), the verdict's shape,
 * and the bounds.
 */
#include <stdlib.h>
#include <string.h>

#include "cmdpolicy/cmdrules.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "test.h"
#include "test_policy.h"

#include "cmdrules_cases.h"

/* A checker for the default profile plus `extra` profile lines. */
static struct bh_cmd_policy *cp_with(const char *extra)
{
	cleanup_free char *text =
	    bh_xasprintf("include default\n%s\n", extra ? extra : "");
	struct bh_policy *p = tp_parse(text, NULL);
	if (!p)
		return NULL;
	struct bh_cmd_policy *cp = NULL;
	int r = bh_cmd_policy_new(p, tp_vars.workspace, &cp, NULL);
	bh_policy_free(p);
	return r == 0 ? cp : NULL;
}

static const struct bh_cmd_finding *decisive(const struct bh_cmd_verdict *v)
{
	return v->n ? &v->v[v->decisive] : NULL;
}

static void show_verdict(const char *cmd, const struct bh_cmd_verdict *v)
{
	fprintf(stderr, "    %s -> %s\n", cmd,
		bh_cmd_decision_name(v->decision));
	for (size_t i = 0; i < v->n; i++)
		fprintf(stderr, "      [%zu] %s: %s | %s | arg=%s | %s\n", i,
			bh_cmd_decision_name(v->v[i].decision), v->v[i].command,
			v->v[i].rule, v->v[i].arg ? v->v[i].arg : "-",
			v->v[i].reason);
}

/* Checks cmd against want (and rule/arg when given); returns whether it
 * matched. */
static bool check_one(struct bh_cmd_policy *cp, const char *cmd,
		      enum bh_cmd_decision want, const char *rule,
		      const char *arg)
{
	struct bh_cmd_verdict v;
	bh_cmd_check(cp, cmd, strlen(cmd), tp_vars.workspace, &v, NULL);
	const struct bh_cmd_finding *f = decisive(&v);
	bool ok = v.decision == want;
	if (ok && rule)
		ok = f && f->rule && strstr(f->rule, rule);
	if (ok && arg)
		ok = f && f->arg && strcmp(f->arg, arg) == 0;
	if (!ok) {
		fprintf(stderr, "  want %s", bh_cmd_decision_name(want));
		if (rule || arg)
			fprintf(stderr, " (rule ~ %s, arg = %s)",
				rule ? rule : "-", arg ? arg : "-");
		fprintf(stderr, "\n");
		show_verdict(cmd, &v);
	}
	bh_cmd_verdict_release(&v);
	return ok;
}

TEST(cmdrules_table)
{
	struct bh_cmd_policy *cp = cp_with(NULL);
	size_t count[3] = {0, 0, 0}, failed = 0;
	REQUIRE(cp);
	for (size_t i = 0; i < BH_ARRAY_SIZE(cmd_cases); i++) {
		const struct cmd_case *c = &cmd_cases[i];
		count[c->want]++;
		if (!check_one(cp, c->cmd, c->want, c->rule, c->arg)) {
			fprintf(stderr, "  (case %zu: %s)\n", i, c->why);
			failed++;
		}
	}
	printf("cmdrules: %zu cases: %zu allow, %zu ask, %zu deny; %zu "
	       "wrong\n",
	       BH_ARRAY_SIZE(cmd_cases), count[BH_CMD_ALLOW], count[BH_CMD_ASK],
	       count[BH_CMD_DENY], failed);
	CHECK(failed == 0);
	CHECK(BH_ARRAY_SIZE(cmd_cases) >= 300);
	CHECK(count[BH_CMD_ALLOW] >= 120);
	bh_cmd_policy_free(cp);
}

/* Claude Code's deny rules stopped applying after 50 sub-commands
 * (threats.md J.82): here there is no such cap. */
TEST(cmdrules_no_subcommand_cap)
{
	struct bh_cmd_policy *cp = cp_with(NULL);
	struct bh_strbuf sb = BH_STRBUF_INIT;
	REQUIRE(cp);
	for (int i = 0; i < 60; i++)
		bh_strbuf_printf(&sb, "echo %d && ", i);
	bh_strbuf_puts(&sb, "sudo id");
	CHECK(check_one(cp, sb.buf, BH_CMD_DENY, "sudo", NULL));

	struct bh_cmd_verdict v;
	bh_cmd_check(cp, sb.buf, sb.len, "/ws", &v, NULL);
	CHECK_INT(v.n, 61);
	CHECK_INT(v.decisive, 60);
	CHECK_STR(v.v[60].program, "sudo");
	CHECK_STR(v.v[60].command, "sudo id");
	bh_cmd_verdict_release(&v);

	/* Deep nesting of substitutions is checked all the way down. */
	bh_strbuf_release(&sb);
	for (int i = 0; i < 20; i++)
		bh_strbuf_puts(&sb, "echo $(");
	bh_strbuf_puts(&sb, "sudo id");
	for (int i = 0; i < 20; i++)
		bh_strbuf_putc(&sb, ')');
	CHECK(check_one(cp, sb.buf, BH_CMD_DENY, NULL, NULL));

	/* So is a deep chain of sh -c, up to a bound that denies. */
	bh_strbuf_release(&sb);
	bh_strbuf_puts(&sb, "eval ");
	for (int i = 0; i < 40; i++)
		bh_strbuf_puts(&sb, "eval ");
	bh_strbuf_puts(&sb, "ls");
	CHECK(check_one(cp, sb.buf, BH_CMD_DENY, "nesting", NULL));
	bh_strbuf_release(&sb);
	bh_cmd_policy_free(cp);
}

TEST(cmdrules_verdict_shape)
{
	struct bh_cmd_policy *cp = cp_with(NULL);
	struct bh_cmd_verdict v;
	REQUIRE(cp);
	const char *cmd = "ls -la | grep x && find . -exec rm {} \\;";
	bh_cmd_check(cp, cmd, strlen(cmd), "/ws", &v, NULL);
	REQUIRE(v.n == 3);
	CHECK_INT(v.decision, BH_CMD_DENY);
	CHECK_INT(v.decisive, 2);
	CHECK_STR(v.v[0].command, "ls -la");
	CHECK_STR(v.v[0].program, "ls");
	CHECK_STR(v.v[0].rule, "builtin: read-only");
	CHECK_STR(v.v[1].command, "grep x");
	CHECK_STR(v.v[2].program, "find");
	CHECK_STR(v.v[2].arg, "-exec");
	CHECK_STR(v.v[2].rule, "builtin: find -exec");
	CHECK(v.v[2].reason && v.v[2].reason[0]);
	bh_cmd_verdict_release(&v);
	CHECK(v.n == 0 && v.v == NULL);

	/* A wrapper and the command it runs are two findings. */
	cmd = "timeout 5 rm -rf build";
	bh_cmd_check(cp, cmd, strlen(cmd), "/ws", &v, NULL);
	REQUIRE(v.n == 2);
	CHECK_STR(v.v[0].program, "timeout");
	CHECK_INT(v.v[0].decision, BH_CMD_ALLOW);
	CHECK_STR(v.v[1].program, "rm");
	CHECK_STR(v.v[1].command, "rm -rf build");
	CHECK_STR(v.v[1].rule, "default");
	CHECK_INT(v.decision, BH_CMD_ASK);
	bh_cmd_verdict_release(&v);

	/* A parse error is one deny finding, ruled "parse". */
	cmd = "echo 'open";
	bh_cmd_check(cp, cmd, strlen(cmd), "/ws", &v, NULL);
	REQUIRE(v.n == 1);
	CHECK_STR(v.v[0].rule, "parse");
	CHECK_INT(v.decision, BH_CMD_DENY);
	CHECK(v.v[0].program == NULL);
	bh_cmd_verdict_release(&v);

	/* A NUL byte ends nothing: the whole string is denied. */
	bh_cmd_check(cp, "ls\0sudo", 7, "/ws", &v, NULL);
	CHECK_INT(v.decision, BH_CMD_DENY);
	bh_cmd_verdict_release(&v);

	bh_cmd_verdict_release(NULL);
	bh_cmd_policy_free(NULL);
	CHECK_STR(bh_cmd_decision_name(BH_CMD_ASK), "ask");
	bh_cmd_policy_free(cp);
}

TEST(cmdrules_profile_rules)
{
	struct bh_cmd_policy *cp =
	    cp_with("command allow npm install\n"
		    "command deny git push\n"
		    "command allow find ** -exec grep **\n"
		    "command ask ls\n"
		    "command allow python3 -c *\n"
		    "command allow ${WORKSPACE}/build.sh\n"
		    "command allow git -c core.pager=less* log\n"
		    "command allow rg ** --pre=zcat **\n"
		    "command allow echo\n"
		    "command allow rm\n"
		    "command deny rm -rf /*\n"
		    "command allow curl\n"
		    "command allow cat *\n");
	REQUIRE(cp);
	/* A rule beats the knowledge, both ways. */
	CHECK(check_one(cp, "npm install", BH_CMD_ALLOW, "command allow npm",
			NULL));
	CHECK(check_one(cp, "ls", BH_CMD_ASK, "t.profile:5: command ask ls",
			NULL));
	/* A rule that does not name the dangerous argument leaves it. */
	CHECK(check_one(cp, "npm install --script-shell=/tmp/x", BH_CMD_DENY,
			"script-shell", NULL));
	/* Global options before the sub-command do not hide it. */
	CHECK(check_one(cp, "git push", BH_CMD_DENY, "command deny git push",
			NULL));
	CHECK(check_one(cp, "git -C sub push origin", BH_CMD_DENY,
			"command deny git push", NULL));
	CHECK(check_one(cp, "git --no-pager push", BH_CMD_DENY, NULL, NULL));
	CHECK(check_one(cp, "git status", BH_CMD_ALLOW, NULL, NULL));
	/* Naming a form: only where the pattern stands on it. */
	CHECK(check_one(cp, "find . -exec grep -l x {} +", BH_CMD_ALLOW,
			"command allow find", "-exec"));
	CHECK(check_one(cp, "find . -exec grep x {} + -exec sh -c id \\;",
			BH_CMD_DENY, "find -exec", NULL));
	CHECK(check_one(cp, "find . -exec rm {} \\;", BH_CMD_DENY, "find -exec",
			NULL));
	CHECK(check_one(cp, "python3 -c 'print(1)'", BH_CMD_ALLOW, NULL, "-c"));
	CHECK(
	    check_one(cp, "python3 -I -c 'print(1)'", BH_CMD_DENY, NULL, NULL));
	CHECK(check_one(cp, "git -c core.pager=less log", BH_CMD_ALLOW, NULL,
			NULL));
	CHECK(
	    check_one(cp, "git -c core.pager=sh log", BH_CMD_DENY, NULL, NULL));
	CHECK(check_one(cp, "rg --pre=zcat foo", BH_CMD_ALLOW, NULL, NULL));
	CHECK(check_one(cp, "rg --pre=sh foo", BH_CMD_DENY, NULL, NULL));
	/* A program by path: relative to the directory it runs in. */
	CHECK(check_one(cp, "./build.sh", BH_CMD_ALLOW, "build.sh", NULL));
	CHECK(check_one(cp, "/ws/build.sh --fast", BH_CMD_ALLOW, NULL, NULL));
	CHECK(check_one(cp, "sh -c ./build.sh", BH_CMD_ALLOW, NULL, NULL));
	CHECK(check_one(cp, "build.sh", BH_CMD_ASK, "default", NULL));
	CHECK(check_one(cp, "cd sub && ../build.sh", BH_CMD_ASK, NULL, NULL));
	CHECK(check_one(cp, "cd \"$D\"; ./build.sh", BH_CMD_ASK, NULL, NULL));
	/* Most specific wins; on a tie deny. */
	CHECK(check_one(cp, "rm -rf build", BH_CMD_ALLOW, "command allow rm",
			NULL));
	CHECK(
	    check_one(cp, "rm -rf /etc", BH_CMD_DENY, "command deny rm", NULL));
	/* Assignments and redirections are judged whatever the rules. */
	CHECK(check_one(cp, "LD_PRELOAD=./x.so echo", BH_CMD_DENY, NULL,
			"LD_PRELOAD"));
	CHECK(check_one(cp, "echo x > ~/.bashrc", BH_CMD_DENY, "redirection",
			NULL));
	CHECK(check_one(cp, "curl -K cfg https://x.example", BH_CMD_DENY,
			"curl -K", NULL));
	/* `*` matches a dynamic word; a literal pattern does not. */
	CHECK(check_one(cp, "cat \"$f\"", BH_CMD_ALLOW, "command allow cat",
			NULL));
	bh_cmd_policy_free(cp);

	cp = cp_with("command allow rm\ncommand deny rm\n");
	REQUIRE(cp);
	CHECK(check_one(cp, "rm x", BH_CMD_DENY, "command deny rm", NULL));
	bh_cmd_policy_free(cp);
}

TEST(cmdrules_default)
{
	struct bh_cmd_policy *cp = cp_with("command default allow\n");
	REQUIRE(cp);
	CHECK(check_one(cp, "rm -rf build", BH_CMD_ALLOW,
			"t.profile:2: command default allow", NULL));
	CHECK(check_one(cp, "sudo id", BH_CMD_DENY, "sudo", NULL));
	CHECK(check_one(cp, "npm install", BH_CMD_ASK, NULL, NULL));
	bh_cmd_policy_free(cp);

	cp = cp_with("command default deny\n");
	REQUIRE(cp);
	CHECK(check_one(cp, "rm x", BH_CMD_DENY, "command default deny", NULL));
	CHECK(check_one(cp, "ls", BH_CMD_ALLOW, NULL, NULL));
	bh_cmd_policy_free(cp);

	/* Without a policy or a workspace: rules none, writes and cd ask. */
	REQUIRE(bh_cmd_policy_new(NULL, NULL, &cp, NULL) == 0);
	struct bh_cmd_verdict v;
	bh_cmd_check(cp, "echo x > out.txt", 16, NULL, &v, NULL);
	CHECK_INT(v.decision, BH_CMD_ASK);
	bh_cmd_verdict_release(&v);
	bh_cmd_check(cp, "cd src", 6, NULL, &v, NULL);
	CHECK_INT(v.decision, BH_CMD_ASK);
	bh_cmd_verdict_release(&v);
	bh_cmd_check(cp, "git add x", 9, NULL, &v, NULL);
	CHECK_STR(v.v[0].rule, "default");
	CHECK_INT(v.decision, BH_CMD_ASK);
	bh_cmd_verdict_release(&v);
	bh_cmd_policy_free(cp);
}
