/* SPDX-License-Identifier: MIT */
/* The profile language: lexing, variables, and each directive. */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "policy/internal.h"
#include "test.h"
#include "test_policy.h"

/* Lexing. */

TEST(policy_comments_and_blank_lines)
{
	struct bh_policy *p = tp_parse("# a comment\n"
				       "\n"
				       "   \t\n"
				       "read /usr # trailing comment\n"
				       "read /a#b\n"
				       "\tread\t/c  #x\r\n"
				       "read /d",
				       NULL);
	REQUIRE(p);
	REQUIRE(p->n_paths == 4);
	CHECK_STR(p->paths[0].path, "/usr");
	CHECK_STR(p->paths[1].path, "/a#b"); /* '#' inside a word */
	CHECK_STR(p->paths[2].path, "/c");   /* tabs, CRLF */
	CHECK_STR(p->paths[3].path, "/d");   /* no final newline */
	CHECK_INT(p->paths[0].loc.line, 4);
	CHECK_INT(p->paths[0].loc.col, 6);
	CHECK_INT(p->paths[2].loc.line, 6);
	CHECK_INT(p->paths[2].loc.col, 7);
	CHECK_STR(p->paths[3].loc.file, "t.profile");
	bh_policy_free(p);
}

TEST(policy_quotes)
{
	struct bh_policy *p =
	    tp_parse("read \"/a b\" \"/q\\\"x\" \"/bs\\\\y\" /c\"d e\"f "
		     "\"/h#\"\n",
		     NULL);
	REQUIRE(p);
	REQUIRE(p->n_paths == 5);
	CHECK_STR(p->paths[0].path, "/a b");
	CHECK_STR(p->paths[1].path, "/q\"x");
	CHECK_STR(p->paths[2].path, "/bs\\y");
	CHECK_STR(p->paths[3].path, "/cd ef"); /* parts concatenate */
	CHECK_STR(p->paths[4].path, "/h#");
	CHECK_INT(p->paths[1].loc.col, 13);
	bh_policy_free(p);
}

TEST(policy_lexer_errors)
{
	CHECK_PERR("read \"/a b\n",
		   "t.profile:1:6: unterminated quoted string\n"
		   "hint: close it with \" on the same line (a word cannot "
		   "span lines)");
	CHECK_PERR_MSG("read \"/a\\n\"", "t.profile:1:9: unknown escape in "
					 "quoted string");
	CHECK_PERR_MSG("read /a\\b", "t.profile:1:8: backslash outside quotes");
	CHECK_PERR_MSG("read /a\x01", "t.profile:1:8: control character");
	CHECK_PERR_MSG("\nread /a\x7f", "t.profile:2:8: control character");
	CHECK_PERR_MSG("read /a\rb", "t.profile:1:8: control character");
	CHECK_PERR_MSG("read /\xc3\x28", "t.profile:1:7: invalid UTF-8");
	CHECK_PERR_MSG("read /\xe0\x80\x80", "t.profile:1:7: invalid UTF-8");
	CHECK_PERR_MSG("read /\xed\xa0\x80", "t.profile:1:7: invalid UTF-8");
	CHECK_PERR_MSG("read /\xf4\x90\x80\x80",
		       "t.profile:1:7: invalid UTF-8");
	/* U+202E RIGHT-TO-LEFT OVERRIDE, U+200B ZERO WIDTH SPACE */
	CHECK_PERR_MSG("read /a\xe2\x80\xae",
		       "t.profile:1:8: invisible or direction-changing "
		       "character");
	CHECK_PERR_MSG("read \"/\xe2\x80\x8b\"",
		       "t.profile:1:8: invisible or direction-changing "
		       "character");

	/* A NUL byte inside the given length is an error, not an end. */
	struct bh_error *err = NULL;
	struct bh_policy *p = NULL;
	static const char nul[] = "read /a\0hide /b\n";
	CHECK(bh_policy_parse("n", nul, sizeof(nul) - 1, &tp_vars, NULL, &p,
			      &err) < 0);
	REQUIRE(err);
	CHECK_STR(err->msg, "n:1:8: NUL byte");
	bh_error_free(err);
}

TEST(policy_utf8_and_bom)
{
	struct bh_policy *p =
	    tp_parse("\xef\xbb\xbfread /caf\xc3\xa9 /\xf0\x9f\x90\xb3\n", NULL);
	REQUIRE(p);
	CHECK_STR(p->paths[0].path, "/caf\xc3\xa9");
	CHECK_STR(p->paths[1].path, "/\xf0\x9f\x90\xb3");
	CHECK_INT(p->paths[0].loc.col, 6); /* columns after the BOM */
	bh_policy_free(p);
	/* A BOM elsewhere is a zero-width character. */
	CHECK_PERR_MSG("read /a \xef\xbb\xbf",
		       "t.profile:1:9: invisible or direction-changing "
		       "character");
}

/* Variables. */

TEST(policy_variables)
{
	struct bh_policy *p = tp_parse("write ${WORKSPACE} ${TMPDIR}/x\n"
				       "read ${HOME}/.cargo \"${HOME}/a b\"\n"
				       "read /cost$$5\n"
				       "env set A=${HOME}:$${HOME}\n",
				       NULL);
	REQUIRE(p);
	REQUIRE(p->n_paths == 5);
	CHECK_STR(p->paths[0].path, "/ws");
	CHECK_STR(p->paths[1].path, "/tmp/bh-test/x");
	CHECK_STR(p->paths[2].path, "/home/u/.cargo");
	CHECK_STR(p->paths[3].path, "/home/u/a b");
	CHECK_STR(p->paths[4].path, "/cost$5");
	CHECK_STR(p->env[0].value, "/home/u:${HOME}");
	bh_policy_free(p);
}

TEST(policy_variable_errors)
{
	CHECK_PERR("read ${FOO}/x",
		   "t.profile:1:6: unknown variable ${FOO}\n"
		   "hint: the variables are ${WORKSPACE}, ${HOME} and "
		   "${TMPDIR}; write $$ for a literal $");
	CHECK_PERR("read ${workspace}",
		   "t.profile:1:6: unknown variable ${workspace}\n"
		   "hint: did you mean ${WORKSPACE}?");
	CHECK_PERR_MSG("read ${HOME", "t.profile:1:6: unterminated '${'");
	CHECK_PERR_MSG("read /a$b", "t.profile:1:6: '$' not followed by '{'");
	CHECK_PERR_MSG("read /a$", "t.profile:1:6: '$' not followed by '{'");

	/* Without values (vars NULL), a variable cannot be used. */
	struct bh_error *err = NULL;
	struct bh_policy *p = NULL;
	const char *t = "read /usr\nread ${HOME}\n";
	CHECK(bh_policy_parse("v", t, strlen(t), NULL, NULL, &p, &err) < 0);
	REQUIRE(err);
	CHECK_STR(err->msg, "v:2:6: ${HOME} has no value here");
	bh_error_free(err);

	/* A value that would not survive a dump is refused. */
	struct bh_policy_vars bad = {"/w\ns", "/h", "/t"};
	err = NULL;
	t = "read ${WORKSPACE}\n";
	CHECK(bh_policy_parse("v", t, strlen(t), &bad, NULL, &p, &err) < 0);
	REQUIRE(err);
	CHECK_STR(err->msg, "v:1:6: the value of ${WORKSPACE} is not plain "
			    "text (control character)");
	bh_error_free(err);
}

/* Paths. */

static void check_norm(bool *bh_failed, const char *in, const char *want,
		       const char *want_why)
{
	const char *why = NULL;
	char *got = bh_path_normalize(in, &why);
	if (want) {
		CHECK_STR(got, want);
	} else {
		CHECK(got == NULL);
		CHECK_STR(why, want_why);
	}
	free(got);
}

TEST(policy_path_normalize)
{
	check_norm(bh_failed, "/", "/", NULL);
	check_norm(bh_failed, "//", "/", NULL);
	check_norm(bh_failed, "/.", "/", NULL);
	check_norm(bh_failed, "/a/", "/a", NULL);
	check_norm(bh_failed, "//a//b///", "/a/b", NULL);
	check_norm(bh_failed, "/a/./b/.", "/a/b", NULL);
	check_norm(bh_failed, "/a/.b/..c/...", "/a/.b/..c/...", NULL);
	check_norm(bh_failed, "/a b/c", "/a b/c", NULL);
	check_norm(bh_failed, "", NULL, "is empty");
	check_norm(bh_failed, "a/b", NULL, "is relative");
	check_norm(bh_failed, "./a", NULL, "is relative");
	check_norm(bh_failed, "/a/../b", NULL, "has a '..' component");
	check_norm(bh_failed, "/..", NULL, "has a '..' component");
	check_norm(bh_failed, "/a/..", NULL, "has a '..' component");
	check_norm(bh_failed, "/a\tb", NULL, "has a control character");
	check_norm(bh_failed, "/a\nb", NULL, "has a control character");
	CHECK(bh_path_normalize(NULL, NULL) == NULL);

	char long_path[BH_PATH_MAX + 2];
	memset(long_path, 'a', sizeof(long_path) - 1);
	long_path[0] = '/';
	long_path[sizeof(long_path) - 1] = '\0';
	check_norm(bh_failed, long_path, NULL, "is too long");
	long_path[BH_PATH_MAX] = '\0';
	char *ok = bh_path_normalize(long_path, NULL);
	CHECK(ok != NULL);
	free(ok);
}

TEST(policy_path_directives)
{
	struct bh_policy *p = tp_parse("read /r\nwrite /w/\nexec //x\n"
				       "hide /h/.\nprotect /p\ntmpfs /t\n",
				       NULL);
	REQUIRE(p);
	REQUIRE(p->n_paths == 6);
	enum bh_path_op ops[] = {BH_PATH_READ, BH_PATH_WRITE,	BH_PATH_EXEC,
				 BH_PATH_HIDE, BH_PATH_PROTECT, BH_PATH_TMPFS};
	const char *paths[] = {"/r", "/w", "/x", "/h", "/p", "/t"};
	for (size_t i = 0; i < 6; i++) {
		CHECK_INT(p->paths[i].op, ops[i]);
		CHECK_STR(p->paths[i].path, paths[i]);
		CHECK_INT(p->paths[i].loc.line, i + 1);
	}
	bh_policy_free(p);
}

TEST(policy_path_errors)
{
	CHECK_PERR("read usr",
		   "t.profile:1:6: path 'usr' is relative\n"
		   "hint: paths must be absolute; use ${WORKSPACE}/usr for one "
		   "in the workspace");
	CHECK_PERR("write /ok ./src",
		   "t.profile:1:11: path './src' is relative\n"
		   "hint: paths must be absolute; use ${WORKSPACE}/src for one "
		   "in the workspace");
	CHECK_PERR(
	    "hide ~/.ssh",
	    "t.profile:1:6: path '~/.ssh' is relative\n"
	    "hint: write ${HOME} instead of ~ (profiles are not expanded "
	    "by a shell)");
	CHECK_PERR_MSG("protect /ws/../etc",
		       "t.profile:1:9: path '/ws/../etc' has a '..' component");
	CHECK_PERR_MSG("tmpfs \"\"", "t.profile:1:7: path '' is empty");
	CHECK_PERR(
	    "exec",
	    "t.profile:1:1: exec needs at least one path\n"
	    "hint: list one or more absolute paths, e.g. read /usr /etc");
}

/* Environment. */

TEST(policy_env_rules)
{
	struct bh_policy *p = tp_parse("env keep LANG LC_* *_PROXY\n"
				       "env set PATH=/bin EMPTY_OK=\n"
				       "env set \"MSG=a b\" \n",
				       NULL);
	CHECK(p == NULL); /* two NAME=VALUE in one set */
	bh_policy_free(p);

	p = tp_parse("env keep LANG LC_* *_PROXY\n"
		     "env set PATH=/bin\n"
		     "env set EMPTY=\n"
		     "env set MSG=\"a b\"\n"
		     "env set \"Q=x=y\"\n"
		     "env unset LC_ALL *\n"
		     "env allow-unsafe LD_LIBRARY_PATH PYTHON*\n",
		     NULL);
	REQUIRE(p);
	REQUIRE(p->n_env == 11);
	CHECK_INT(p->env[0].op, BH_ENV_KEEP);
	CHECK_STR(p->env[1].name, "LC_*");
	CHECK_STR(p->env[2].name, "*_PROXY");
	CHECK(p->env[2].value == NULL);
	CHECK_INT(p->env[3].op, BH_ENV_SET);
	CHECK_STR(p->env[3].name, "PATH");
	CHECK_STR(p->env[3].value, "/bin");
	CHECK_STR(p->env[4].value, "");
	CHECK_STR(p->env[5].value, "a b");
	CHECK_STR(p->env[6].name, "Q");
	CHECK_STR(p->env[6].value, "x=y");
	CHECK_INT(p->env[7].op, BH_ENV_UNSET);
	CHECK_STR(p->env[8].name, "*");
	CHECK_INT(p->env[9].op, BH_ENV_ALLOW_UNSAFE);
	CHECK_STR(p->env[10].name, "PYTHON*");
	CHECK_INT(p->env[3].loc.col, 9);
	bh_policy_free(p);
}

TEST(policy_env_errors)
{
	CHECK_PERR("env keep LANG *",
		   "t.profile:1:15: keeping the whole host environment defeats "
		   "the filter\n"
		   "hint: list the variables the command needs, e.g. env keep "
		   "LANG LC_* TERM");
	CHECK_PERR_MSG("env keep **", "t.profile:1:10: keeping the whole host "
				      "environment defeats the filter");
	CHECK_PERR_MSG("env allow-unsafe *",
		       "t.profile:1:18: allowing every unsafe variable "
		       "defeats the filter");
	CHECK_PERR("env keep 9LIVES",
		   "t.profile:1:10: invalid variable name '9LIVES'\n"
		   "hint: names are letters, digits and '_', not starting with "
		   "a digit; '*' matches any run of characters");
	CHECK_PERR_MSG("env keep A-B", "t.profile:1:10: invalid variable name "
				       "'A-B'");
	CHECK_PERR(
	    "env keep FOO=1",
	    "t.profile:1:10: 'FOO=1' is not a variable name\n"
	    "hint: to give a variable a value, write env set NAME=VALUE");
	CHECK_PERR_MSG("env set A*=1", "t.profile:1:9: invalid variable name "
				       "'A*'");
	CHECK_PERR_MSG("env set =1", "t.profile:1:9: invalid variable name ''");
	CHECK_PERR_MSG("env set NOVALUE", "t.profile:1:9: env set needs "
					  "NAME=VALUE");
	CHECK_PERR_MSG("env set", "t.profile:1:5: env set needs NAME=VALUE");
	CHECK_PERR_MSG("env set A=1 B=2", "t.profile:1:13: env set takes one "
					  "NAME=VALUE");
	CHECK_PERR_MSG("env set A=${NOPE}", "t.profile:1:9: unknown variable "
					    "${NOPE}");
	CHECK_PERR_MSG("env", "t.profile:1:1: env needs a sub-command");
	CHECK_PERR("env kep LANG",
		   "t.profile:1:5: unknown env sub-command 'kep'\n"
		   "hint: did you mean 'env keep'?");
	CHECK_PERR_MSG("env unset", "t.profile:1:5: env unset needs at least "
				    "one name");
}

TEST(policy_env_prepend)
{
	struct bh_policy *p = tp_parse("env set PATH=/usr/bin:/bin\n"
				       "env prepend PATH ${HOME}/.cargo/bin\n"
				       "env prepend PATH /a// /b\n",
				       NULL);
	REQUIRE(p);
	REQUIRE(p->n_env == 3);
	CHECK_INT(p->env[1].op, BH_ENV_SET);
	CHECK_STR(p->env[1].value, "/home/u/.cargo/bin:/usr/bin:/bin");
	CHECK_STR(p->env[2].value, "/a:/b:/home/u/.cargo/bin:/usr/bin:/bin");
	CHECK_INT(p->env[2].loc.col, 13);
	bh_policy_free(p);

	CHECK_PERR("env prepend PATH /x",
		   "t.profile:1:13: PATH has no value set by this profile or "
		   "its includes\n"
		   "hint: prepend adds to a value the profile sets: write env "
		   "set NAME=VALUE first");
	CHECK_PERR_MSG("env set PATH=/bin\nenv unset PATH\n"
		       "env prepend PATH /x",
		       "t.profile:3:13: PATH has no value set by this profile "
		       "or its includes");
	CHECK_PERR_MSG("env set PATH=/bin\nenv unset P*\n"
		       "env prepend PATH /x",
		       "t.profile:3:13: PATH has no value set by this profile "
		       "or its includes");
	CHECK_PERR_MSG("env keep PATH\nenv prepend PATH /x",
		       "t.profile:2:13: PATH has no value set by this profile "
		       "or its includes");
	/* allow-unsafe does not change the value. */
	p = tp_parse("env set P=/b\nenv allow-unsafe P\nenv prepend P /a\n",
		     NULL);
	REQUIRE(p);
	CHECK_STR(p->env[2].value, "/a:/b");
	bh_policy_free(p);
	CHECK_PERR_MSG("env set P=/b\nenv prepend P bin",
		       "t.profile:2:15: path 'bin' is relative");
	CHECK_PERR_MSG("env set P=/b\nenv prepend P /a:b",
		       "t.profile:2:15: directory '/a:b' contains ':'");
	CHECK_PERR_MSG("env prepend P", "t.profile:1:5: env prepend needs a "
					"name and at least one directory");
}

TEST(policy_env_glob_match)
{
	CHECK(bh_env_glob_match("LC_*", "LC_ALL"));
	CHECK(bh_env_glob_match("LC_*", "LC_"));
	CHECK(!bh_env_glob_match("LC_*", "LANG"));
	CHECK(bh_env_glob_match("*_TOKEN", "GITHUB_TOKEN"));
	CHECK(!bh_env_glob_match("*_TOKEN", "GITHUB_TOKENS"));
	CHECK(bh_env_glob_match("A*B*C", "AxxBxxC"));
	CHECK(bh_env_glob_match("A*B*C", "ABBC"));
	CHECK(!bh_env_glob_match("A*B*C", "AxxC"));
	CHECK(bh_env_glob_match("*", "ANY"));
	CHECK(bh_env_glob_match("PATH", "PATH"));
	CHECK(!bh_env_glob_match("PATH", "PATHX"));
}

/* Network. */

TEST(policy_net_rules)
{
	struct bh_policy *p =
	    tp_parse("net allow Registry.NPMjs.org example.com:443\n"
		     "net allow *.pythonhosted.org 192.0.2.10:8080 "
		     "[2001:DB8::1]:443 [::1] under_score.example\n"
		     "net deny evil.example.com\n"
		     "net unix\n",
		     NULL);
	REQUIRE(p);
	CHECK(p->net_declared);
	CHECK(p->net_unix);
	REQUIRE(p->n_hosts == 8);
	CHECK_STR(p->hosts[0].host, "registry.npmjs.org");
	CHECK_INT(p->hosts[0].port, 0);
	CHECK_STR(p->hosts[1].host, "example.com");
	CHECK_INT(p->hosts[1].port, 443);
	CHECK_STR(p->hosts[2].host, "*.pythonhosted.org");
	CHECK_STR(p->hosts[3].host, "192.0.2.10");
	CHECK_INT(p->hosts[3].port, 8080);
	CHECK_STR(p->hosts[4].host, "2001:db8::1");
	CHECK_INT(p->hosts[4].port, 443);
	CHECK_STR(p->hosts[5].host, "::1");
	CHECK(!p->hosts[7].allow);
	CHECK_INT(p->net_loc.line, 1); /* the first allow */
	CHECK_INT(p->net_loc.col, 11);
	CHECK_INT(p->net_unix_loc.line, 4);
	bh_policy_free(p);
}

TEST(policy_net_none_resets)
{
	struct bh_policy *p = tp_parse("read /x\n", NULL);
	REQUIRE(p);
	CHECK(!p->net_declared);
	bh_policy_free(p);

	p = tp_parse("net allow a.example\nnet unix\nnet none\n", NULL);
	REQUIRE(p);
	CHECK(p->net_declared);
	CHECK(!p->net_unix);
	CHECK_INT(p->n_hosts, 0);
	CHECK_INT(p->net_loc.line, 3);
	bh_policy_free(p);

	p = tp_parse("net none\nnet allow b.example\n", NULL);
	REQUIRE(p);
	CHECK_INT(p->n_hosts, 1);
	CHECK_INT(p->net_loc.line, 2);
	bh_policy_free(p);

	CHECK_PERR("net none now",
		   "t.profile:1:10: net none takes no arguments\n"
		   "hint: net none turns all network access off; it takes "
		   "nothing more");
	CHECK_PERR_MSG("net unix /run/x.sock", "t.profile:1:10: net unix takes "
					       "no arguments");
	CHECK_PERR("net alow x.example",
		   "t.profile:1:5: unknown net sub-command 'alow'\n"
		   "hint: did you mean 'net allow'?");
	CHECK_PERR_MSG("net", "t.profile:1:1: net needs a sub-command");
}

TEST(policy_net_host_errors)
{
	CHECK_PERR(
	    "net allow *",
	    "t.profile:1:11: host '*' would match every host\n"
	    "hint: list the hosts; *.example.com matches the names below "
	    "example.com");
	CHECK_PERR("net allow *.com",
		   "t.profile:1:11: host '*.com' is a wildcard over a public "
		   "suffix\n"
		   "hint: a wildcard must name a domain below a suffix, as in "
		   "*.example.com, not *.com");
	CHECK_PERR_MSG("net deny *.com:443", "t.profile:1:10: host '*.com:443' "
					     "is a wildcard over a public "
					     "suffix");
	CHECK_PERR_MSG("net allow a.*.com",
		       "t.profile:1:11: host 'a.*.com' has "
		       "a '*' that is not a leading '*.' "
		       "label");
	CHECK_PERR_MSG("net allow *example.com",
		       "t.profile:1:11: host '*example.com' has a '*' that is "
		       "not a leading '*.' label");
	CHECK_PERR_MSG("net allow https://x.example/",
		       "t.profile:1:11: host 'https://x.example/' looks like a "
		       "URL, not a host name");
	CHECK_PERR_MSG("net allow user@x.example", "t.profile:1:11: host "
						   "'user@x.example' looks "
						   "like a URL, not a host "
						   "name");
	CHECK_PERR_MSG("net allow x.example%00.evil",
		       "t.profile:1:11: host 'x.example%00.evil' looks like a "
		       "URL, not a host name");
	CHECK_PERR_MSG("net allow b\xc3\xbc\x63her.example",
		       "t.profile:1:11: host 'b\xc3\xbc\x63her.example' is not "
		       "ASCII");
	CHECK_PERR_MSG("net allow x.example:0", "t.profile:1:11: host "
						"'x.example:0' has a port that "
						"is not a number from 1 to "
						"65535");
	CHECK_PERR_MSG("net allow x.example:65536",
		       "t.profile:1:11: host 'x.example:65536' has a port that "
		       "is not a number from 1 to 65535");
	CHECK_PERR_MSG("net allow x.example:",
		       "t.profile:1:11: host "
		       "'x.example:' has a port that is "
		       "not a number from 1 to 65535");
	CHECK_PERR_MSG("net allow :443", "t.profile:1:11: host ':443' has no "
					 "host name");
	CHECK_PERR_MSG("net allow x.example.", "t.profile:1:11: host "
					       "'x.example.' ends with a dot");
	CHECK_PERR_MSG("net allow x..example", "t.profile:1:11: host "
					       "'x..example' has an empty "
					       "label");
	CHECK_PERR_MSG("net allow -x.example", "t.profile:1:11: host "
					       "'-x.example' has a label that "
					       "starts or ends with '-'");
	CHECK_PERR_MSG("net allow 127.1", "t.profile:1:11: host '127.1' is not "
					  "a valid IPv4 address");
	CHECK_PERR_MSG("net allow 010.0.0.1", "t.profile:1:11: host "
					      "'010.0.0.1' is not a valid IPv4 "
					      "address");
	CHECK_PERR_MSG("net allow 1.2.3.256", "t.profile:1:11: host "
					      "'1.2.3.256' is not a valid IPv4 "
					      "address");
	CHECK_PERR_MSG("net allow *.0.0.1", "t.profile:1:11: host '*.0.0.1' is "
					    "not a valid IPv4 address");
	CHECK_PERR_MSG("net allow ::1", "t.profile:1:11: host '::1' has more "
					"than one ':'");
	CHECK_PERR_MSG("net allow [::1", "t.profile:1:11: host '[::1' has an "
					 "unclosed '['");
	CHECK_PERR_MSG("net allow [fe80::1%eth0]",
		       "t.profile:1:11: host '[fe80::1%eth0]' looks like a "
		       "URL, not a host name");
	CHECK_PERR_MSG("net allow [xyz]", "t.profile:1:11: host '[xyz]' is not "
					  "a valid IPv6 address");
	CHECK_PERR_MSG("net allow [::1]x", "t.profile:1:11: host '[::1]x' has "
					   "text after ']'");
	CHECK_PERR_MSG("net allow a!b.example", "t.profile:1:11: host "
						"'a!b.example' has a character "
						"not allowed in a host name");

	char label[80];
	memset(label, 'a', 64);
	strcpy(label + 64, ".example");
	char *text = bh_xasprintf("net allow %s", label);
	char *e = tp_error(text);
	CHECK(e && strstr(e, "has a label longer than 63 characters"));
	free(e);
	free(text);
}

/* Limits. */

static uint64_t limit_of(const char *text, enum bh_limit_kind k)
{
	struct bh_policy *p = tp_parse(text, NULL);
	uint64_t v = p && p->limits[k].set ? p->limits[k].value : 0;
	bh_policy_free(p);
	return v;
}

TEST(policy_limit_values)
{
	CHECK_INT(limit_of("limit memory 512M", BH_LIMIT_MEMORY), 512ull << 20);
	CHECK_INT(limit_of("limit memory 4G", BH_LIMIT_MEMORY), 4ull << 30);
	CHECK_INT(limit_of("limit memory 4g", BH_LIMIT_MEMORY), 4ull << 30);
	CHECK_INT(limit_of("limit memory 1.5G", BH_LIMIT_MEMORY), 3ull << 29);
	CHECK_INT(limit_of("limit memory 1T", BH_LIMIT_MEMORY), 1ull << 40);
	CHECK_INT(limit_of("limit memory 1000", BH_LIMIT_MEMORY), 1000);
	CHECK_INT(limit_of("limit fsize 1.1K", BH_LIMIT_FSIZE), 1126);
	CHECK_INT(limit_of("limit pids 512", BH_LIMIT_PIDS), 512);
	CHECK_INT(limit_of("limit nofile 1024", BH_LIMIT_NOFILE), 1024);
	CHECK_INT(limit_of("limit cpu 1.5", BH_LIMIT_CPU), 1500);
	CHECK_INT(limit_of("limit cpu 2", BH_LIMIT_CPU), 2000);
	CHECK_INT(limit_of("limit cpu 0.25", BH_LIMIT_CPU), 250);
	CHECK_INT(limit_of("limit cpu 250m", BH_LIMIT_CPU), 250);
	CHECK_INT(limit_of("limit time 90s", BH_LIMIT_TIME), 90000);
	CHECK_INT(limit_of("limit time 30m", BH_LIMIT_TIME), 1800000);
	CHECK_INT(limit_of("limit time 2h", BH_LIMIT_TIME), 7200000);
	CHECK_INT(limit_of("limit time 1h30m", BH_LIMIT_TIME), 5400000);
	CHECK_INT(limit_of("limit time 1d1s500ms", BH_LIMIT_TIME), 86401500);
	CHECK_INT(limit_of("limit time 60", BH_LIMIT_TIME), 60000);
	CHECK_INT(limit_of("limit time 250ms", BH_LIMIT_TIME), 250);
	CHECK_INT(limit_of("limit cputime 90", BH_LIMIT_CPUTIME), 90);
	CHECK_INT(limit_of("limit cputime 2m", BH_LIMIT_CPUTIME), 120);

	struct bh_policy *p = tp_parse("limit memory 1G pids 10\n"
				       "limit memory 2G\n",
				       NULL);
	REQUIRE(p);
	CHECK_INT(p->limits[BH_LIMIT_MEMORY].value, 2ull << 30);
	CHECK_INT(p->limits[BH_LIMIT_MEMORY].loc.line, 2);
	CHECK_INT(p->limits[BH_LIMIT_MEMORY].loc.col, 7);
	CHECK_INT(p->limits[BH_LIMIT_PIDS].value, 10);
	CHECK(!p->limits[BH_LIMIT_CPU].set);
	bh_policy_free(p);
}

TEST(policy_limit_errors)
{
	CHECK_PERR("limit memory 0",
		   "t.profile:1:14: limit memory: '0' is zero, which would "
		   "stop everything\n"
		   "hint: give a positive value, or leave the key out for no "
		   "limit");
	CHECK_PERR("limit memory 4GB",
		   "t.profile:1:14: limit memory: '4GB' is not a size\n"
		   "hint: sizes are bytes, or a number with K, M, G or T "
		   "(binary, 1K = 1024): 512M, 1.5G, 4G");
	CHECK_PERR_MSG("limit memory 1.5", "t.profile:1:14: limit memory: "
					   "'1.5' is not a size");
	CHECK_PERR_MSG("limit memory -1", "t.profile:1:14: limit memory: '-1' "
					  "is not a size");
	CHECK_PERR_MSG("limit memory 1.", "t.profile:1:14: limit memory: '1.' "
					  "is not a size");
	CHECK_PERR_MSG("limit memory 0.0000001G",
		       "t.profile:1:14: limit memory: '0.0000001G' has too "
		       "many decimals");
	CHECK_PERR_MSG("limit memory 99999999T",
		       "t.profile:1:14: limit memory: "
		       "'99999999T' is too large");
	CHECK_PERR_MSG("limit fsize 18446744073709551616",
		       "t.profile:1:13: limit fsize: '18446744073709551616' is "
		       "too large");
	CHECK_PERR_MSG("limit fsize 9223372036854775808",
		       "t.profile:1:13: limit fsize: '9223372036854775808' is "
		       "too large");
	CHECK_PERR_MSG("limit pids 4194305", "t.profile:1:12: limit pids: "
					     "'4194305' is too large");
	CHECK_PERR_MSG("limit pids 1.5", "t.profile:1:12: limit pids: '1.5' is "
					 "not a whole number");
	CHECK_PERR_MSG("limit nofile 0", "t.profile:1:14: limit nofile: '0' is "
					 "zero, which would stop everything");
	CHECK_PERR_MSG("limit cpu 1.2345", "t.profile:1:11: limit cpu: "
					   "'1.2345' has too many decimals");
	CHECK_PERR_MSG("limit cpu 0.0001", "t.profile:1:11: limit cpu: "
					   "'0.0001' has too many decimals");
	CHECK_PERR_MSG("limit cpu 0", "t.profile:1:11: limit cpu: '0' is zero, "
				      "which would stop everything");
	CHECK_PERR_MSG("limit cpu 1.5m", "t.profile:1:11: limit cpu: '1.5m' is "
					 "not a number of cores");
	CHECK_PERR_MSG("limit cpu 100000", "t.profile:1:11: limit cpu: "
					   "'100000' is too large");
	CHECK_PERR_MSG("limit time 1h30", "t.profile:1:12: limit time: '1h30' "
					  "is not a duration");
	CHECK_PERR_MSG("limit time 30m1h", "t.profile:1:12: limit time: "
					   "'30m1h' is not a duration");
	CHECK_PERR_MSG("limit time 1h1h", "t.profile:1:12: limit time: '1h1h' "
					  "is not a duration");
	CHECK_PERR_MSG("limit time 0s", "t.profile:1:12: limit time: '0s' is "
					"zero, which would stop everything");
	CHECK_PERR_MSG("limit time 1.5h", "t.profile:1:12: limit time: '1.5h' "
					  "is not a duration");
	CHECK_PERR_MSG("limit time 99999999999999999d",
		       "t.profile:1:12: limit time: '99999999999999999d' is "
		       "too large");
	CHECK_PERR("limit cputime 1500ms",
		   "t.profile:1:15: limit cputime: '1500ms' is not a whole "
		   "number of seconds\n"
		   "hint: cputime is counted in whole seconds (RLIMIT_CPU)");
	CHECK_PERR("limit memry 1G", "t.profile:1:7: unknown limit 'memry'\n"
				     "hint: did you mean 'memory'?");
	CHECK_PERR_MSG("limit memory 1G pids", "t.profile:1:17: limit pids has "
					       "no value");
	CHECK_PERR_MSG("limit", "t.profile:1:1: limit needs KEY VALUE pairs");
	CHECK_PERR_MSG("limit pids 1 pids 2",
		       "t.profile:1:14: limit pids given "
		       "twice");
}

TEST(policy_limit_format_round_trip)
{
	static const struct {
		enum bh_limit_kind k;
		uint64_t v;
		const char *text;
	} cases[] = {
	    {BH_LIMIT_MEMORY, 4ull << 30, "4G"},
	    {BH_LIMIT_MEMORY, 3ull << 29, "1536M"},
	    {BH_LIMIT_MEMORY, 1ull << 40, "1T"},
	    {BH_LIMIT_MEMORY, 5ull << 40, "5T"},
	    {BH_LIMIT_MEMORY, 1ull << 50, "1024T"},
	    {BH_LIMIT_MEMORY, 1000, "1000"},
	    {BH_LIMIT_FSIZE, 1126, "1126"},
	    {BH_LIMIT_FSIZE, 2048, "2K"},
	    {BH_LIMIT_CPU, 1500, "1.5"},
	    {BH_LIMIT_CPU, 250, "0.25"},
	    {BH_LIMIT_CPU, 1, "0.001"},
	    {BH_LIMIT_CPU, 3000, "3"},
	    {BH_LIMIT_TIME, 5400000, "1h30m"},
	    {BH_LIMIT_TIME, 86401500, "1d1s500ms"},
	    {BH_LIMIT_TIME, 250, "250ms"},
	    {BH_LIMIT_CPUTIME, 90, "1m30s"},
	    {BH_LIMIT_PIDS, 512, "512"},
	    {BH_LIMIT_NOFILE, 8192, "8192"},
	};
	for (size_t i = 0; i < BH_ARRAY_SIZE(cases); i++) {
		struct bh_strbuf sb = BH_STRBUF_INIT;
		bh_limit_format(cases[i].k, cases[i].v, &sb);
		CHECK_STR(sb.buf, cases[i].text);
		uint64_t back = 0;
		const char *why, *hint;
		CHECK_INT(
		    bh_limit_parse(cases[i].k, sb.buf, &back, &why, &hint), 0);
		CHECK_INT(back, cases[i].v);
		bh_strbuf_release(&sb);
	}
}

/* seccomp, tiers, home, strict. */

TEST(policy_seccomp)
{
	struct bh_policy *p =
	    tp_parse("seccomp allow ptrace @debug\n"
		     "seccomp deny io_uring_setup @system-service\n",
		     NULL);
	REQUIRE(p);
	REQUIRE(p->n_syscalls == 4);
	CHECK(p->syscalls[0].allow);
	CHECK_STR(p->syscalls[1].name, "@debug");
	CHECK(!p->syscalls[2].allow);
	CHECK_STR(p->syscalls[3].name, "@system-service");
	bh_policy_free(p);

	CHECK_PERR("seccomp deny PTRACE",
		   "t.profile:1:14: invalid syscall name 'PTRACE'\n"
		   "hint: syscall names are lower-case letters, digits and '_' "
		   "(e.g. ptrace); groups start with '@' (e.g. @mount)");
	CHECK_PERR_MSG("seccomp deny @", "t.profile:1:14: invalid syscall name "
					 "'@'");
	CHECK_PERR_MSG("seccomp deny open-at",
		       "t.profile:1:14: invalid syscall "
		       "name 'open-at'");
	CHECK_PERR_MSG("seccomp block ptrace", "t.profile:1:9: unknown seccomp "
					       "sub-command 'block'");
	CHECK_PERR_MSG("seccomp", "t.profile:1:1: seccomp needs allow or deny");
	CHECK_PERR_MSG("seccomp allow", "t.profile:1:9: seccomp allow needs at "
					"least one syscall");
}

TEST(policy_scalars)
{
	struct bh_policy *p = tp_parse("read /x\n", NULL);
	REQUIRE(p);
	CHECK_INT(p->tier, BH_TIER_UNSET);
	CHECK_INT(p->min_tier, BH_TIER_UNSET);
	CHECK(!p->strict);
	CHECK_INT(p->home, BH_HOME_PRIVATE);
	CHECK(p->home_loc.file == NULL);
	bh_policy_free(p);

	p = tp_parse("tier gvisor\nmin-tier kernel\nstrict\nhome host\n"
		     "tier namespace\nmin-tier namespace\n",
		     NULL);
	REQUIRE(p);
	CHECK_INT(p->tier, BH_TIER_NAMESPACE); /* later wins */
	CHECK_INT(p->tier_loc.line, 5);
	CHECK_INT(p->tier_loc.col, 6);
	CHECK_INT(p->min_tier, BH_TIER_NAMESPACE);
	CHECK(p->strict);
	CHECK_INT(p->strict_loc.col, 1);
	CHECK_INT(p->home, BH_HOME_HOST);
	bh_policy_free(p);

	p = tp_parse("tier auto\nmin-tier microvm\n", NULL);
	CHECK(p != NULL); /* auto picks a tier that meets the minimum */
	bh_policy_free(p);
	/* An earlier conflict resolved by a later line is fine. */
	p = tp_parse("tier kernel\nmin-tier namespace\ntier gvisor\n", NULL);
	CHECK(p != NULL);
	bh_policy_free(p);
}

TEST(policy_scalar_errors)
{
	CHECK_PERR("tier kernal", "t.profile:1:6: unknown tier 'kernal'\n"
				  "hint: did you mean 'kernel'?");
	CHECK_PERR("tier firecracker",
		   "t.profile:1:6: unknown tier 'firecracker'\n"
		   "hint: tiers are kernel, namespace, gvisor, microvm and "
		   "auto");
	CHECK_PERR("min-tier auto",
		   "t.profile:1:10: min-tier cannot be auto\n"
		   "hint: min-tier is the weakest tier you accept: kernel, "
		   "namespace, gvisor or microvm");
	CHECK_PERR_MSG("tier", "t.profile:1:1: tier needs an argument");
	CHECK_PERR_MSG("tier kernel namespace", "t.profile:1:13: tier takes "
						"one argument");
	CHECK_PERR(
	    "tier kernel\nmin-tier namespace\n",
	    "t.profile:1:6: tier kernel is weaker than min-tier "
	    "namespace (set at t.profile:2:10)\n"
	    "hint: choose a tier at least as strong as min-tier, or tier "
	    "auto");
	CHECK_PERR_MSG("strict yes", "t.profile:1:8: strict takes no "
				     "arguments");
	CHECK_PERR(
	    "home shared",
	    "t.profile:1:6: home takes private or host, not 'shared'\n"
	    "hint: home private gives an empty HOME; home host keeps the "
	    "host's HOME path (access still follows the rules)");
	CHECK_PERR_MSG("home", "t.profile:1:1: home needs an argument");
}

TEST(policy_unknown_directives)
{
	CHECK_PERR("raed /usr", "t.profile:1:1: unknown directive 'raed'\n"
				"hint: did you mean 'read'?");
	CHECK_PERR("  protcet /x",
		   "t.profile:1:3: unknown directive 'protcet'\n"
		   "hint: did you mean 'protect'?");
	CHECK_PERR_MSG("mintier kernel", "t.profile:1:1: unknown directive "
					 "'mintier'");
	CHECK_PERR("frobnicate",
		   "t.profile:1:1: unknown directive 'frobnicate'\n"
		   "hint: directives are include, read, write, exec, hide, "
		   "protect, tmpfs, env, net, limit, seccomp, tier, min-tier, "
		   "strict, home, workspace and command");
	CHECK_PERR("blacklist ${HOME}/.ssh",
		   "t.profile:1:1: unknown directive 'blacklist'\n"
		   "hint: write 'hide PATH' to take a path away");
	CHECK_PERR("READ /usr",
		   "t.profile:1:1: unknown directive 'READ'\n"
		   "hint: directives are include, read, write, exec, hide, "
		   "protect, tmpfs, env, net, limit, seccomp, tier, min-tier, "
		   "strict, home, workspace and command");
	/* The first error stops parsing. */
	CHECK_PERR_MSG("read /ok\nraed /x\nfoo\n",
		       "t.profile:2:1: unknown directive 'raed'");
	/* A long word is shortened in the message. */
	char word[200];
	memset(word, 'x', sizeof(word) - 1);
	word[sizeof(word) - 1] = '\0';
	char *e = tp_error(word);
	CHECK(e && strstr(e, "xxx...'") && strlen(e) < 300);
	free(e);
}

TEST(policy_closest)
{
	static const char *const words[] = {"read", "write", "exec", "protect"};
	CHECK_STR(bh_closest("raed", words, 4), "read");
	CHECK_STR(bh_closest("wrte", words, 4), "write");
	CHECK_STR(bh_closest("exce", words, 4), "exec");
	CHECK_STR(bh_closest("portect", words, 4), "protect");
	CHECK(bh_closest("x", words, 4) == NULL);
	CHECK(bh_closest("network", words, 4) == NULL);
	CHECK(bh_closest("", words, 4) == NULL);
	char longw[100];
	memset(longw, 'r', sizeof(longw) - 1);
	longw[sizeof(longw) - 1] = '\0';
	CHECK(bh_closest(longw, words, 4) == NULL);
}

TEST(policy_names)
{
	CHECK_STR(bh_tier_name(BH_TIER_KERNEL), "kernel");
	CHECK_STR(bh_tier_name(BH_TIER_MICROVM), "microvm");
	CHECK_INT(bh_tier_from_name("namespace"), BH_TIER_NAMESPACE);
	CHECK_INT(bh_tier_from_name("auto"), BH_TIER_AUTO);
	CHECK_INT(bh_tier_from_name("unset"), BH_TIER_UNSET);
	CHECK_INT(bh_tier_from_name("bogus"), BH_TIER_UNSET);
	CHECK(bh_tier_strength(BH_TIER_MICROVM) >
	      bh_tier_strength(BH_TIER_GVISOR));
	CHECK(bh_tier_strength(BH_TIER_GVISOR) >
	      bh_tier_strength(BH_TIER_NAMESPACE));
	CHECK(bh_tier_strength(BH_TIER_NAMESPACE) >
	      bh_tier_strength(BH_TIER_KERNEL));
	CHECK_INT(bh_tier_strength(BH_TIER_AUTO), 0);
	CHECK_STR(bh_path_op_name(BH_PATH_TMPFS), "tmpfs");
	CHECK_STR(bh_env_op_name(BH_ENV_ALLOW_UNSAFE), "allow-unsafe");
	CHECK_STR(bh_limit_name(BH_LIMIT_CPUTIME), "cputime");
	CHECK_INT(bh_limit_from_name("nofile"), BH_LIMIT_NOFILE);
	CHECK_INT(bh_limit_from_name("rss"), -1);
}
