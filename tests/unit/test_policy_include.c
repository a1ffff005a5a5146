/* SPDX-License-Identifier: MIT */
/* Includes: built-ins, the reader, cycles, depth, and error locations. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "policy/internal.h"
#include "test.h"
#include "test_policy.h"

TEST(policy_include_builtin_once)
{
	tp_set_files(NULL, 0);
	struct bh_policy *p = tp_parse("include default\n"
				       "include node\n" /* includes default */
				       "include default\n",
				       NULL);
	REQUIRE(p);
	REQUIRE(p->n_sources == 3);
	CHECK_STR(p->sources[0], "t.profile");
	CHECK_STR(p->sources[1], "builtin:default");
	CHECK_STR(p->sources[2], "builtin:node");
	CHECK_STR(p->name, "t.profile");

	struct bh_policy *d = NULL;
	REQUIRE(bh_policy_load("default", &tp_vars, NULL, &d, NULL) == 0);
	/* node adds to default's rules; default's are there once. */
	size_t n_write_ws = 0;
	for (size_t i = 0; i < p->n_paths; i++)
		n_write_ws += p->paths[i].op == BH_PATH_WRITE &&
			      strcmp(p->paths[i].path, "/ws") == 0;
	CHECK_INT(n_write_ws, 1);
	CHECK(p->n_paths > d->n_paths);
	CHECK_STR(p->paths[0].loc.file, "builtin:default");
	CHECK_INT(tp_reads, 0); /* built-ins never reach the reader */
	bh_policy_free(d);
	bh_policy_free(p);
}

TEST(policy_include_files)
{
	static const struct tp_file fs[] = {
	    {"/etc/bh/base.profile", "read /base\ninclude /etc/bh/b.profile\n"},
	    {"/etc/bh/b.profile", "# b\n  write ${TMPDIR}/b\n"},
	    {"mine", "tier namespace\n"},
	    {"/home/u/dir with space/x.profile", "read /x\n"},
	};
	tp_set_files(fs, BH_ARRAY_SIZE(fs));
	struct bh_policy *p =
	    tp_parse("include /etc/bh/base.profile\n"
		     "include //etc/bh/./b.profile\n" /* same file */
		     "include mine\n"		      /* user profile */
		     "include \"${HOME}/dir with space/x.profile\"\n",
		     NULL);
	REQUIRE(p);
	REQUIRE(p->n_paths == 3);
	CHECK_STR(p->paths[0].path, "/base");
	CHECK_STR(p->paths[0].loc.file, "/etc/bh/base.profile");
	CHECK_STR(p->paths[1].path, "/tmp/bh-test/b");
	CHECK_STR(p->paths[1].loc.file, "/etc/bh/b.profile");
	CHECK_INT(p->paths[1].loc.line, 2);
	CHECK_INT(p->paths[1].loc.col, 9);
	CHECK_STR(p->paths[2].loc.file, "/home/u/dir with space/x.profile");
	CHECK_INT(p->tier, BH_TIER_NAMESPACE);
	CHECK_STR(p->tier_loc.file, "mine");
	CHECK_INT(p->n_sources, 5);
	/* One string per file, shared by the locations. */
	CHECK(p->paths[0].loc.file != p->paths[1].loc.file);
	CHECK_INT(p->n_strtab, 5);
	bh_policy_free(p);
}

TEST(policy_include_errors)
{
	static const struct tp_file fs[] = {
	    {"/a.profile", "read /ok\nraed /x\n"},
	    {"/b.profile", "include /a.profile\n"},
	    {"/c.profile", "\n  include   /b.profile\n"},
	    {"/locked.profile", NULL},
	};
	tp_set_files(fs, BH_ARRAY_SIZE(fs));
	CHECK_PERR("include /a.profile",
		   "/a.profile:2:1: unknown directive 'raed' (included from "
		   "t.profile:1:9)\n"
		   "hint: did you mean 'read'?");
	CHECK_PERR("read /x\ninclude /c.profile",
		   "/a.profile:2:1: unknown directive 'raed' (included from "
		   "/b.profile:1:9, /c.profile:2:13, t.profile:2:9)\n"
		   "hint: did you mean 'read'?");
	CHECK_PERR(
	    "include /missing.profile",
	    "t.profile:1:9: no profile '/missing.profile'\n"
	    "hint: built-in profiles: aider, claude-code, codex, default, "
	    "gemini-cli, go, node, python, rust; "
	    "others are found in ~/.config/bulkhead/profiles/NAME.profile "
	    "or by absolute path");
	CHECK_PERR("include nod",
		   "t.profile:1:9: no profile 'nod'\n"
		   "hint: did you mean 'node'? built-in profiles: aider, "
		   "claude-code, codex, default, gemini-cli, go, node, python, "
		   "rust; others are found in "
		   "~/.config/bulkhead/profiles/NAME.profile or by absolute "
		   "path");
	CHECK_PERR("include /locked.profile",
		   "t.profile:1:9: cannot read profile '/locked.profile': "
		   "opening /locked.profile: Permission denied\n"
		   "hint: check that the file exists and is readable");
	CHECK_PERR("include ./local.profile",
		   "t.profile:1:9: path './local.profile' is relative\n"
		   "hint: give a built-in name or an absolute path: profiles "
		   "are never looked up relative to the current directory");
	CHECK_PERR_MSG("include sub/x.profile",
		       "t.profile:1:9: path 'sub/x.profile' is relative");
	CHECK_PERR_MSG("include .hidden", "t.profile:1:9: path '.hidden' is "
					  "relative");
	CHECK_PERR_MSG("include", "t.profile:1:1: include needs an argument");
	CHECK_PERR_MSG("include default node", "t.profile:1:17: include takes "
					       "one argument");
	CHECK_PERR_MSG("include ${NOPE}", "t.profile:1:9: unknown variable "
					  "${NOPE}");
	/* Relative and bad names never reach the reader. */
	tp_set_files(fs, BH_ARRAY_SIZE(fs));
	free(tp_error("include ./x\n"));
	CHECK_INT(tp_reads, 0);
}

TEST(policy_include_without_reader)
{
	struct bh_policy *p = NULL;
	struct bh_error *err = NULL;
	const char *t = "include rust\ninclude /etc/x.profile\n";
	CHECK(bh_policy_parse("r", t, strlen(t), &tp_vars, NULL, &p, &err) < 0);
	REQUIRE(err);
	CHECK_STR(err->msg, "r:2:9: no profile '/etc/x.profile'");
	CHECK_INT(err->kind, BH_EK_PROFILE);
	bh_error_free(err);
	/* A NULL err is allowed. */
	CHECK(bh_policy_parse("r", t, strlen(t), &tp_vars, NULL, &p, NULL) < 0);
}

TEST(policy_include_cycles)
{
	static const struct tp_file fs[] = {
	    {"/self.profile", "read /s\ninclude /self.profile\n"},
	    {"/x.profile", "include /y.profile\n"},
	    {"/y.profile", "read /y\ninclude /x.profile\n"},
	    {"/d.profile", "include /x.profile\n"},
	};
	tp_set_files(fs, BH_ARRAY_SIZE(fs));
	CHECK_PERR("include /self.profile",
		   "/self.profile:2:9: include cycle: /self.profile -> "
		   "/self.profile (included from t.profile:1:9)\n"
		   "hint: a profile cannot include itself, directly or through "
		   "others; remove one of these includes");
	CHECK_PERR_MSG("include /d.profile",
		       "/y.profile:2:9: include cycle: /x.profile -> "
		       "/y.profile -> /x.profile (included from "
		       "/x.profile:1:9, /d.profile:1:9, t.profile:1:9)");

	/* The top profile, parsed from text, is on the stack too. */
	static const struct tp_file back[] = {
	    {"/top.profile", "include /back.profile\n"},
	    {"/back.profile", "include /top.profile\n"},
	};
	tp_set_files(back, BH_ARRAY_SIZE(back));
	struct bh_policy *p = NULL;
	struct bh_error *err = NULL;
	CHECK(bh_policy_load("/top.profile", &tp_vars, &tp_reader, &p, &err) <
	      0);
	REQUIRE(err);
	CHECK_STR(err->msg, "/back.profile:1:9: include cycle: /top.profile "
			    "-> /back.profile -> /top.profile (included from "
			    "/top.profile:1:9)");
	bh_error_free(err);
}

/* Builds /p0 -> /p1 -> ... -> /p<n>. */
static struct tp_file chain[BH_INCLUDE_MAX + 3];
static char chain_names[BH_INCLUDE_MAX + 3][32];
static char chain_texts[BH_INCLUDE_MAX + 3][64];

static void make_chain(size_t n)
{
	for (size_t i = 0; i <= n; i++) {
		snprintf(chain_names[i], sizeof(chain_names[i]), "/p%zu", i);
		if (i < n)
			snprintf(chain_texts[i], sizeof(chain_texts[i]),
				 "read /r%zu\ninclude /p%zu\n", i, i + 1);
		else
			snprintf(chain_texts[i], sizeof(chain_texts[i]),
				 "read /last\n");
		chain[i] = (struct tp_file){chain_names[i], chain_texts[i]};
	}
	tp_set_files(chain, n + 1);
}

TEST(policy_include_depth)
{
	/* t.profile includes /p0: 16 nested includes in all. */
	make_chain(BH_INCLUDE_MAX - 1);
	struct bh_policy *p = tp_parse("include /p0\n", NULL);
	REQUIRE(p);
	CHECK_INT(p->n_sources, BH_INCLUDE_MAX + 1);
	CHECK_STR(p->paths[p->n_paths - 1].path, "/last");
	bh_policy_free(p);

	make_chain(BH_INCLUDE_MAX);
	char *e = tp_error("include /p0\n");
	REQUIRE(e);
	CHECK(bh_str_has_prefix(e, "/p15:2:9: includes nested too deeply "
				   "(included from /p14:2:9, "));
	CHECK(strstr(e, "\nhint: flatten the profiles: includes nest at most "
			"16 deep") != NULL);
	free(e);
}

TEST(policy_load)
{
	static const struct tp_file fs[] = {
	    {"/home/u/.config/bulkhead/profiles/web.profile",
	     "include node\nnet allow example.com:443\n"},
	    {"web", "include node\nnet allow example.com:443\n"},
	    {"/locked", NULL},
	};
	tp_set_files(fs, BH_ARRAY_SIZE(fs));
	struct bh_policy *p = NULL;
	struct bh_error *err = NULL;

	REQUIRE(bh_policy_load("python", &tp_vars, &tp_reader, &p, &err) == 0);
	CHECK_STR(p->name, "python");
	CHECK_STR(p->sources[0], "builtin:python");
	bh_policy_free(p);

	REQUIRE(bh_policy_load("web", &tp_vars, &tp_reader, &p, &err) == 0);
	CHECK_STR(p->name, "web");
	CHECK_STR(p->hosts[p->n_hosts - 1].host, "example.com");
	bh_policy_free(p);

	CHECK(bh_policy_load("nope", &tp_vars, &tp_reader, &p, &err) ==
	      -ENOENT);
	REQUIRE(err);
	CHECK_INT(err->kind, BH_EK_PROFILE);
	CHECK_STR(err->msg, "no profile 'nope'");
	CHECK(err->hint && strstr(err->hint, "did you mean 'node'?"));
	bh_error_free(err);
	err = NULL;

	CHECK(bh_policy_load("/locked", &tp_vars, &tp_reader, &p, &err) ==
	      -EACCES);
	REQUIRE(err);
	CHECK_INT(err->kind, BH_EK_PROFILE);
	CHECK_STR(err->msg, "cannot read profile '/locked': opening /locked: "
			    "Permission denied");
	bh_error_free(err);
	err = NULL;

	CHECK(bh_policy_load("x", &tp_vars, NULL, &p, &err) == -ENOENT);
	bh_error_free(err);
}

TEST(policy_builtins)
{
	static const char *const want[] = {"aider",	 "claude-code", "codex",
					   "default",	 "gemini-cli",	"go",
					   "node",	 "python",	"rust"};
	const struct bh_builtin_profile *b = bh_builtin_profiles();
	size_t n = 0;
	for (; b[n].name; n++) {
		CHECK(b[n].summary && b[n].summary[0]);
		CHECK(bh_str_has_prefix(b[n].text, "# summary: "));
		CHECK(bh_builtin_find(b[n].name) == &b[n]);
	}
	CHECK_INT(n, BH_ARRAY_SIZE(want));
	for (size_t i = 0; i < BH_ARRAY_SIZE(want); i++)
		CHECK(bh_builtin_find(want[i]) != NULL);
	CHECK(bh_builtin_find("nope") == NULL);
	CHECK(bh_builtin_find("") == NULL);
}

/* What the built-in profiles promise (docs/profile.md). */
static bool has_path(const struct bh_policy *p, enum bh_path_op op,
		     const char *path)
{
	for (size_t i = 0; i < p->n_paths; i++)
		if (p->paths[i].op == op && strcmp(p->paths[i].path, path) == 0)
			return true;
	return false;
}

static const char *env_value(const struct bh_policy *p, const char *name)
{
	const char *v = NULL;
	for (size_t i = 0; i < p->n_env; i++)
		if (p->env[i].op == BH_ENV_SET &&
		    strcmp(p->env[i].name, name) == 0)
			v = p->env[i].value;
	return v;
}

TEST(policy_builtin_default_contents)
{
	struct bh_policy *p = NULL;
	REQUIRE(bh_policy_load("default", &tp_vars, NULL, &p, NULL) == 0);
	CHECK(has_path(p, BH_PATH_WRITE, "/ws"));
	CHECK(has_path(p, BH_PATH_EXEC, "/ws"));
	CHECK(has_path(p, BH_PATH_PROTECT, "/ws/.git/hooks"));
	CHECK(has_path(p, BH_PATH_PROTECT, "/ws/.git/config"));
	CHECK(has_path(p, BH_PATH_PROTECT, "/ws/.claude"));
	CHECK(has_path(p, BH_PATH_PROTECT, "/ws/.vscode"));
	CHECK(has_path(p, BH_PATH_PROTECT, "/ws/.envrc"));
	CHECK(has_path(p, BH_PATH_PROTECT, "/ws/.mcp.json"));
	CHECK(has_path(p, BH_PATH_PROTECT, "/ws/.bashrc"));
	CHECK(has_path(p, BH_PATH_EXEC, "/usr"));
	CHECK(has_path(p, BH_PATH_READ, "/etc"));
	CHECK(has_path(p, BH_PATH_HIDE, "/etc/shadow"));
	CHECK(has_path(p, BH_PATH_WRITE, "/tmp/bh-test"));
	CHECK(has_path(p, BH_PATH_WRITE, "/dev/null"));
	/* HOME is not granted at all, nor anything below it. */
	for (size_t i = 0; i < p->n_paths; i++)
		CHECK(!bh_path_is_under(p->paths[i].path, "/home/u"));
	CHECK(p->net_declared);
	CHECK_INT(p->n_hosts, 0);
	CHECK(!p->net_unix);
	CHECK_INT(p->home, BH_HOME_PRIVATE);
	CHECK_INT(p->tier, BH_TIER_UNSET);
	CHECK_STR(env_value(p, "PATH"),
		  "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:"
		  "/bin");
	CHECK(p->limits[BH_LIMIT_TIME].set);
	CHECK(p->limits[BH_LIMIT_NOFILE].set);
	bh_policy_free(p);
}

TEST(policy_builtin_toolchains)
{
	static const char *const names[] = {"node", "python", "rust", "go"};
	for (size_t i = 0; i < BH_ARRAY_SIZE(names); i++) {
		struct bh_policy *p = NULL;
		REQUIRE(bh_policy_load(names[i], &tp_vars, NULL, &p, NULL) ==
			0);
		CHECK_STR(p->sources[1], "builtin:default");
		/* Nothing of the host's HOME is writable: toolchains are
		 * read-only, caches private (threats.md #18). */
		for (size_t k = 0; k < p->n_paths; k++)
			if (bh_path_is_under(p->paths[k].path, "/home/u"))
				CHECK(p->paths[k].op == BH_PATH_READ ||
				      p->paths[k].op == BH_PATH_EXEC);
		CHECK(p->n_hosts > 0);
		for (size_t k = 0; k < p->n_hosts; k++)
			CHECK_INT(p->hosts[k].port, 443);
		bh_policy_free(p);
	}
	struct bh_policy *p = NULL;
	REQUIRE(bh_policy_load("rust", &tp_vars, NULL, &p, NULL) == 0);
	CHECK_STR(env_value(p, "CARGO_HOME"), "/tmp/bh-test/cargo");
	CHECK(bh_str_has_prefix(env_value(p, "PATH"), "/home/u/.cargo/bin:"));
	CHECK(!has_path(p, BH_PATH_READ, "/home/u/.cargo"));
	bh_policy_free(p);
	REQUIRE(bh_policy_load("go", &tp_vars, NULL, &p, NULL) == 0);
	CHECK_STR(env_value(p, "GOTOOLCHAIN"), "local");
	CHECK_STR(env_value(p, "GOMODCACHE"), "/tmp/bh-test/go/pkg/mod");
	bh_policy_free(p);

	/* Toolchain profiles compose: each adds to PATH. */
	p = tp_parse("include rust\ninclude go\n", NULL);
	REQUIRE(p);
	CHECK(bh_str_has_prefix(env_value(p, "PATH"),
				"/home/u/go/bin:/home/u/.cargo/bin:/usr/"));
	bh_policy_free(p);
	/* And `net none` takes a registry away again. */
	p = tp_parse("include node\nnet none\n", NULL);
	REQUIRE(p);
	CHECK_INT(p->n_hosts, 0);
	bh_policy_free(p);
}
