/* SPDX-License-Identifier: MIT */
/* The canonical dump, the profile hash and the JSON form. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/sha256.h"
#include "core/util.h"
#include "test.h"
#include "test_policy.h"

/* dump -> parse gives an equal policy, and the same dump again. */
static void check_round_trip(bool *bh_failed, const struct bh_policy *p,
			     const char *what)
{
	for (int with_loc = 0; with_loc < 2; with_loc++) {
		char *text = bh_policy_dump(p, with_loc);
		struct bh_policy *q = NULL;
		struct bh_error *err = NULL;
		if (bh_policy_parse("dump", text, strlen(text), &tp_vars, NULL,
				    &q, &err) < 0) {
			fprintf(stderr, "  %s: dump does not parse: %s\n%s\n",
				what, err ? err->msg : "?", text);
			*bh_failed = true;
			bh_error_free(err);
			free(text);
			continue;
		}
		if (!tp_policy_equal(p, q)) {
			fprintf(stderr, "  %s: round trip differs:\n%s\n", what,
				text);
			*bh_failed = true;
		}
		char *again = bh_policy_dump(q, with_loc);
		if (!with_loc)
			CHECK_STR(again, text);
		free(again);
		bh_policy_free(q);
		free(text);
	}
}

TEST(policy_dump_round_trip_builtins)
{
	for (const struct bh_builtin_profile *b = bh_builtin_profiles();
	     b->name; b++) {
		struct bh_policy *p = NULL;
		REQUIRE(bh_policy_load(b->name, &tp_vars, NULL, &p, NULL) == 0);
		check_round_trip(bh_failed, p, b->name);
		bh_policy_free(p);
	}
}

TEST(policy_dump_round_trip_tricky)
{
	struct bh_policy *p =
	    tp_parse("tier gvisor\nmin-tier namespace\nstrict\n"
		     "home host\n"
		     "read \"/with space\" \"/q\\\"uote\" \"/back\\\\slash\" "
		     "\"/#hash\" /dollar$$ \"/tab\tx\" /caf\xc3\xa9\n"
		     "write /mid#hash\n"
		     "env set EMPTY=\n"
		     "env set \"S=a b  c\" \n"
		     "env set D=$${HOME}\\\n",
		     NULL);
	CHECK(p == NULL); /* backslash outside quotes */
	bh_policy_free(p);

	p = tp_parse("tier gvisor\nmin-tier namespace\nstrict\n"
		     "home host\n"
		     "read \"/with space\" \"/q\\\"uote\" \"/back\\\\slash\" "
		     "\"/#hash\" /dollar$$ /caf\xc3\xa9 /\n"
		     "write /mid#hash\n"
		     "tmpfs /t\nhide /h\nprotect /p\nexec /x\n"
		     "env set EMPTY=\n"
		     "env set \"S=a b  c\"\n"
		     "env set D=$${HOME}\"\\\\\"\n"
		     "env set T=\"\t\"\n"
		     "env keep LC_*\nenv unset *\nenv allow-unsafe LD_*\n"
		     "net deny bad.example\n"
		     "net allow [2001:db8::1]:443 [::1] *.example.org "
		     "192.0.2.1:80\n"
		     "net unix\n"
		     "limit memory 1.5G pids 7 cpu 0.125 cputime 61 time "
		     "1d2h3m4s5ms fsize 1000 nofile 9\n"
		     "seccomp allow @debug\nseccomp deny ptrace\n",
		     NULL);
	REQUIRE(p);
	check_round_trip(bh_failed, p, "tricky");
	char *text = bh_policy_dump(p, false);
	CHECK(strstr(text, "read \"/with space\"\n") != NULL);
	CHECK(strstr(text, "read \"/q\\\"uote\"\n") != NULL);
	CHECK(strstr(text, "read /#hash\n") != NULL);
	CHECK(strstr(text, "read /dollar$$\n") != NULL);
	CHECK(strstr(text, "write /mid#hash\n") != NULL);
	CHECK(strstr(text, "env set D=$${HOME}\"\\\\\"\n") != NULL ||
	      strstr(text, "env set \"D=$${HOME}\\\\\"\n") != NULL);
	CHECK(strstr(text, "net allow [2001:db8::1]:443\n") != NULL);
	CHECK(strstr(text, "net allow [::1]\n") != NULL);
	CHECK(strstr(text, "limit memory 1536M\n") != NULL);
	CHECK(strstr(text, "limit cpu 0.125\n") != NULL);
	CHECK(strstr(text, "limit cputime 1m1s\n") != NULL);
	CHECK(strstr(text, "limit time 1d2h3m4s5ms\n") != NULL);
	free(text);
	bh_policy_free(p);

	/* net states: none, declared by unix only, not declared. */
	const char *nets[] = {"net none\n", "net unix\n",
			      "net deny x.example\n", "read /x\n",
			      "net allow a.example\nnet none\n"};
	for (size_t i = 0; i < BH_ARRAY_SIZE(nets); i++) {
		p = tp_parse(nets[i], NULL);
		REQUIRE(p);
		check_round_trip(bh_failed, p, nets[i]);
		bh_policy_free(p);
	}
}

TEST(policy_dump_format)
{
	struct bh_policy *p = tp_parse("  read   /usr  # why\n"
				       "net none\n"
				       "tier kernel\n",
				       NULL);
	REQUIRE(p);
	char *text = bh_policy_dump(p, false);
	CHECK_STR(text, "tier kernel\nread /usr\nnet none\n");
	free(text);
	text = bh_policy_dump(p, true);
	CHECK_STR(text, "# effective policy; sources: t.profile\n"
			"tier kernel  # t.profile:3:6\n"
			"read /usr  # t.profile:1:10\n"
			"net none  # t.profile:2:5\n");
	free(text);
	bh_policy_free(p);

	p = tp_parse("", NULL);
	REQUIRE(p);
	text = bh_policy_dump(p, false);
	CHECK_STR(text, "");
	free(text);
	bh_policy_free(p);
}

TEST(policy_hash)
{
	struct bh_policy *a = tp_parse("read /usr\nwrite /ws\n", NULL);
	struct bh_policy *b =
	    tp_parse("# other comments\n  read   //usr/ # x\n\n"
		     "write ${WORKSPACE}\n",
		     NULL);
	struct bh_policy *c = tp_parse("read /usr\nwrite /wz\n", NULL);
	REQUIRE(a && b && c);
	char ha[65], hb[65], hc[65], again[65];
	bh_policy_hash(a, ha);
	bh_policy_hash(a, again);
	bh_policy_hash(b, hb);
	bh_policy_hash(c, hc);
	CHECK_INT(strlen(ha), 64);
	CHECK_STR(ha, again);
	CHECK_STR(ha, hb);	    /* same effective policy */
	CHECK(strcmp(ha, hc) != 0); /* one path differs */

	/* It is the SHA-256 of the canonical dump. */
	char *text = bh_policy_dump(a, false);
	unsigned char d[32];
	char hex[65];
	bh_sha256(text, strlen(text), d);
	bh_hex(d, 32, hex);
	CHECK_STR(ha, hex);
	/* A known value: pins the canonical text format. */
	CHECK_STR(text, "read /usr\nwrite /ws\n");
	CHECK_STR(ha, "b6ba3212d9bc46eae92b92bb0e1d0de846e577edfe6270fcb9d3b8d2"
		      "0e935b9f");
	free(text);
	bh_policy_free(a);
	bh_policy_free(b);
	bh_policy_free(c);
}

TEST(policy_json)
{
	struct bh_policy *p =
	    tp_parse("tier namespace\nread /usr\nenv keep LANG\n"
		     "env set A=b\nnet allow x.example:443\nnet unix\n"
		     "limit memory 4G time 30m\nseccomp deny ptrace\n",
		     NULL);
	REQUIRE(p);
	json_t *j = bh_policy_to_json(p);
	REQUIRE(j && json_is_object(j));
	CHECK_STR(json_string_value(json_object_get(j, "name")), "t.profile");
	char hash[65];
	bh_policy_hash(p, hash);
	CHECK_STR(json_string_value(json_object_get(j, "hash")), hash);
	CHECK_STR(json_string_value(json_object_get(j, "tier")), "namespace");
	CHECK(json_is_null(json_object_get(j, "min_tier")));
	CHECK(json_is_false(json_object_get(j, "strict")));
	CHECK_STR(json_string_value(json_object_get(j, "home")), "private");
	json_t *src = json_object_get(j, "sources");
	CHECK(json_is_array(src) && json_array_size(src) == 1);

	json_t *path = json_array_get(json_object_get(j, "paths"), 0);
	CHECK_STR(json_string_value(json_object_get(path, "op")), "read");
	CHECK_STR(json_string_value(json_object_get(path, "path")), "/usr");
	json_t *loc = json_object_get(path, "loc");
	CHECK_STR(json_string_value(json_object_get(loc, "file")), "t.profile");
	CHECK_INT(json_integer_value(json_object_get(loc, "line")), 2);
	CHECK_INT(json_integer_value(json_object_get(loc, "col")), 6);

	json_t *env = json_object_get(j, "env");
	CHECK_INT(json_array_size(env), 2);
	CHECK(json_object_get(json_array_get(env, 0), "value") == NULL);
	CHECK_STR(
	    json_string_value(json_object_get(json_array_get(env, 1), "value")),
	    "b");

	json_t *net = json_object_get(j, "net");
	CHECK(json_is_true(json_object_get(net, "declared")));
	CHECK(json_is_true(json_object_get(net, "egress")));
	CHECK(json_is_true(json_object_get(net, "unix")));
	json_t *rule = json_array_get(json_object_get(net, "rules"), 0);
	CHECK_STR(json_string_value(json_object_get(rule, "action")), "allow");
	CHECK_STR(json_string_value(json_object_get(rule, "host")),
		  "x.example");
	CHECK_INT(json_integer_value(json_object_get(rule, "port")), 443);

	json_t *lim = json_object_get(j, "limits");
	CHECK_INT(json_object_size(lim), 2);
	json_t *mem = json_object_get(lim, "memory");
	CHECK_INT(json_integer_value(json_object_get(mem, "value")), 4ll << 30);
	CHECK_STR(json_string_value(json_object_get(mem, "unit")), "bytes");
	CHECK_STR(json_string_value(json_object_get(mem, "text")), "4G");
	CHECK_STR(json_string_value(
		      json_object_get(json_object_get(lim, "time"), "unit")),
		  "ms");

	json_t *sc = json_array_get(json_object_get(j, "seccomp"), 0);
	CHECK_STR(json_string_value(json_object_get(sc, "action")), "deny");
	CHECK_STR(json_string_value(json_object_get(sc, "name")), "ptrace");
	json_decref(j);
	bh_policy_free(p);

	/* Defaults, and a display name that is not UTF-8. */
	const char *t = "read /x\n";
	REQUIRE(bh_policy_parse("/bad\xff.profile", t, strlen(t), &tp_vars,
				NULL, &p, NULL) == 0);
	j = bh_policy_to_json(p);
	REQUIRE(j);
	CHECK(json_is_null(json_object_get(j, "tier")));
	net = json_object_get(j, "net");
	CHECK(json_is_false(json_object_get(net, "declared")));
	CHECK(json_is_false(json_object_get(net, "egress")));
	CHECK(json_is_null(json_object_get(net, "loc")));
	CHECK_STR(json_string_value(json_object_get(j, "name")),
		  "/bad?.profile");
	char *s = json_dumps(j, 0);
	CHECK(s != NULL);
	free(s);
	json_decref(j);
	bh_policy_free(p);
}
