/* SPDX-License-Identifier: MIT */
/*
 * The credential-location table's shape: unique ids, filled fields,
 * well-formed paths, the tools and places the inventory promises, and the
 * environment-variable table and severity names.  The content checks have
 * their own file, test_inventory_checks.c.
 */
#include <string.h>

#include "inventory/checks.h"
#include "test.h"
#include "test_inventory.h"

const struct bh_cred_location *test_inv_location(const char *id)
{
	size_t n;
	const struct bh_cred_location *t = bh_cred_locations(&n);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(t[i].id, id))
			return &t[i];
	return NULL;
}

static bool is_id(const char *s)
{
	if (!s[0] || s[0] == '-')
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '-'))
			return false;
	return true;
}

static bool is_line(const char *s)
{
	return s && s[0] && !strchr(s, '\n') && !strchr(s, '|') &&
	       strlen(s) < 200;
}

/* Relative (or absolute for BH_INV_ABS), no empty, "." or ".."
 * components, '*' only at the end of the last component, '%' only in
 * "%u". */
static bool path_ok(const char *p, enum bh_inv_base base)
{
	if (!p[0] || (p[0] == '/') != (base == BH_INV_ABS))
		return false;
	const char *c = p[0] == '/' ? p + 1 : p;
	for (;;) {
		const char *end = strchr(c, '/');
		size_t n = end ? (size_t)(end - c) : strlen(c);
		if (n == 0 || (n == 1 && c[0] == '.') ||
		    (n == 2 && !strncmp(c, "..", 2)))
			return false;
		const char *star = memchr(c, '*', n);
		if (star && (end || star != c + n - 1))
			return false;
		for (const char *q = c; q < c + n; q++)
			if (*q == '%' && q[1] != 'u')
				return false;
		if (!end)
			return true;
		c = end + 1;
	}
}

TEST(inventory_locations_well_formed)
{
	size_t n;
	const struct bh_cred_location *t = bh_cred_locations(&n);
	REQUIRE(n >= 100);
	for (size_t i = 0; i < n; i++) {
		const struct bh_cred_location *l = &t[i];
		if (!is_id(l->id) || !is_line(l->tool) || !is_line(l->what) ||
		    !is_line(l->hint) || !path_ok(l->path, l->base)) {
			fprintf(stderr, "  bad entry %zu (%s)\n", i, l->id);
			CHECK(false);
		}
		CHECK(l->base >= BH_INV_HOME && l->base <= BH_INV_ABS);
		CHECK(l->kind >= BH_INV_FILE && l->kind <= BH_INV_SOCKET);
		CHECK(l->severity >= BH_SEV_LOW &&
		      l->severity <= BH_SEV_CRITICAL);
		/* Sockets are connected to and trees listed, never read. */
		if (l->kind == BH_INV_SOCKET || l->kind == BH_INV_TREE)
			CHECK(l->holds == NULL);
		for (size_t j = i + 1; j < n; j++) {
			if (!strcmp(l->id, t[j].id)) {
				fprintf(stderr, "  duplicate id %s\n", l->id);
				CHECK(false);
			}
			CHECK(l->base != t[j].base ||
			      strcmp(l->path, t[j].path) != 0);
		}
	}
}

TEST(inventory_path_check_rejects_bad_paths)
{
	CHECK(path_ok(".aws/credentials", BH_INV_HOME));
	CHECK(path_ok("/tmp/tmux-%u/*", BH_INV_ABS));
	CHECK(path_ok("gnupg/S.gpg-agent*", BH_INV_RUNTIME));
	CHECK(!path_ok("/etc/passwd", BH_INV_HOME));
	CHECK(!path_ok("run/x", BH_INV_ABS));
	CHECK(!path_ok(".aws/../.ssh", BH_INV_HOME));
	CHECK(!path_ok(".aws//x", BH_INV_HOME));
	CHECK(!path_ok(".aws/", BH_INV_HOME));
	CHECK(!path_ok("a*/b", BH_INV_HOME));
	CHECK(!path_ok("a/*b", BH_INV_HOME));
	CHECK(!path_ok("a/%s", BH_INV_HOME));
	CHECK(!path_ok("", BH_INV_HOME));
}

TEST(inventory_covers_forty_tools)
{
	size_t n, tools = 0;
	const struct bh_cred_location *t = bh_cred_locations(&n);
	for (size_t i = 0; i < n; i++) {
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = !strcmp(t[i].tool, t[j].tool);
		tools += !seen;
	}
	printf("inventory: %zu locations of %zu tools\n", n, tools);
	CHECK(tools >= 40);
}

/* The places the inventory issue names, each with its kind and check. */
TEST(inventory_has_the_promised_places)
{
	static const struct {
		const char *id;
		enum bh_inv_kind kind;
		enum bh_inv_severity severity;
	} want[] = {
	    {"aws-credentials", BH_INV_FILE, BH_SEV_CRITICAL},
	    {"aws-config", BH_INV_FILE, BH_SEV_CRITICAL},
	    {"aws-sso-cache", BH_INV_DIR, BH_SEV_CRITICAL},
	    {"aws-cli-cache", BH_INV_DIR, BH_SEV_CRITICAL},
	    {"gcloud-adc", BH_INV_FILE, BH_SEV_CRITICAL},
	    {"gcloud-credentials-db", BH_INV_FILE, BH_SEV_CRITICAL},
	    {"gcloud-access-tokens", BH_INV_FILE, BH_SEV_CRITICAL},
	    {"gcloud-legacy", BH_INV_DIR, BH_SEV_CRITICAL},
	    {"azure-msal-cache", BH_INV_FILE, BH_SEV_CRITICAL},
	    {"azure-access-tokens", BH_INV_FILE, BH_SEV_CRITICAL},
	    {"azure-service-principal", BH_INV_FILE, BH_SEV_CRITICAL},
	    {"ssh-private-keys", BH_INV_DIR, BH_SEV_CRITICAL},
	    {"gnome-keyring-ssh", BH_INV_SOCKET, BH_SEV_HIGH},
	    {"gcr-ssh", BH_INV_SOCKET, BH_SEV_HIGH},
	    {"gpg-private-keys", BH_INV_DIR, BH_SEV_CRITICAL},
	    {"gpg-secring", BH_INV_FILE, BH_SEV_CRITICAL},
	    {"gpg-agent", BH_INV_SOCKET, BH_SEV_HIGH},
	    {"gpg-agent-home", BH_INV_SOCKET, BH_SEV_HIGH},
	    {"git-credentials", BH_INV_FILE, BH_SEV_HIGH},
	    {"git-credentials-xdg", BH_INV_FILE, BH_SEV_HIGH},
	    {"gitconfig", BH_INV_FILE, BH_SEV_HIGH},
	    {"gitconfig-xdg", BH_INV_FILE, BH_SEV_HIGH},
	    {"netrc", BH_INV_FILE, BH_SEV_HIGH},
	    {"gh-hosts", BH_INV_FILE, BH_SEV_HIGH},
	    {"glab", BH_INV_FILE, BH_SEV_HIGH},
	    {"docker-config", BH_INV_FILE, BH_SEV_HIGH},
	    {"containers-auth-runtime", BH_INV_FILE, BH_SEV_HIGH},
	    {"containers-auth", BH_INV_FILE, BH_SEV_HIGH},
	    {"kubeconfig", BH_INV_FILE, BH_SEV_CRITICAL},
	    {"k8s-serviceaccount", BH_INV_FILE, BH_SEV_CRITICAL},
	    {"npmrc", BH_INV_FILE, BH_SEV_HIGH},
	    {"yarnrc", BH_INV_FILE, BH_SEV_HIGH},
	    {"pnpm-rc", BH_INV_FILE, BH_SEV_HIGH},
	    {"pypirc", BH_INV_FILE, BH_SEV_HIGH},
	    {"pip-conf", BH_INV_FILE, BH_SEV_HIGH},
	    {"poetry-auth", BH_INV_FILE, BH_SEV_HIGH},
	    {"cargo-credentials-toml", BH_INV_FILE, BH_SEV_HIGH},
	    {"cargo-credentials", BH_INV_FILE, BH_SEV_HIGH},
	    {"maven-settings", BH_INV_FILE, BH_SEV_HIGH},
	    {"maven-settings-security", BH_INV_FILE, BH_SEV_HIGH},
	    {"gradle-properties", BH_INV_FILE, BH_SEV_HIGH},
	    {"terraform-credentials", BH_INV_FILE, BH_SEV_CRITICAL},
	    {"terraformrc", BH_INV_FILE, BH_SEV_CRITICAL},
	    {"vault-token", BH_INV_FILE, BH_SEV_CRITICAL},
	    {"fly", BH_INV_FILE, BH_SEV_CRITICAL},
	    {"vercel", BH_INV_FILE, BH_SEV_HIGH},
	    {"netlify", BH_INV_FILE, BH_SEV_HIGH},
	    {"netlify-legacy", BH_INV_FILE, BH_SEV_HIGH},
	    {"stripe", BH_INV_FILE, BH_SEV_HIGH},
	    {"huggingface-token", BH_INV_FILE, BH_SEV_HIGH},
	    {"huggingface-legacy", BH_INV_FILE, BH_SEV_HIGH},
	    {"llm-keys", BH_INV_FILE, BH_SEV_HIGH},
	    {"claude-credentials", BH_INV_FILE, BH_SEV_HIGH},
	    {"claude-json", BH_INV_FILE, BH_SEV_HIGH},
	    {"codex-auth", BH_INV_FILE, BH_SEV_HIGH},
	    {"gemini-oauth", BH_INV_FILE, BH_SEV_HIGH},
	    {"gemini-env", BH_INV_FILE, BH_SEV_HIGH},
	    {"cursor-state", BH_INV_FILE, BH_SEV_HIGH},
	    {"copilot-hosts", BH_INV_FILE, BH_SEV_HIGH},
	    {"copilot-apps", BH_INV_FILE, BH_SEV_HIGH},
	    {"aider", BH_INV_FILE, BH_SEV_HIGH},
	    {"firefox", BH_INV_TREE, BH_SEV_HIGH},
	    {"chrome", BH_INV_TREE, BH_SEV_HIGH},
	    {"chromium", BH_INV_TREE, BH_SEV_HIGH},
	    {"brave", BH_INV_TREE, BH_SEV_HIGH},
	    {"gnome-keyrings", BH_INV_TREE, BH_SEV_HIGH},
	    {"password-store", BH_INV_TREE, BH_SEV_HIGH},
	    {"kwallet", BH_INV_TREE, BH_SEV_HIGH},
	    {"1password-cli", BH_INV_TREE, BH_SEV_HIGH},
	    {"bitwarden-cli", BH_INV_FILE, BH_SEV_HIGH},
	    {"doctl", BH_INV_FILE, BH_SEV_CRITICAL},
	    {"wrangler", BH_INV_FILE, BH_SEV_CRITICAL},
	    {"sentry", BH_INV_FILE, BH_SEV_HIGH},
	    {"rclone", BH_INV_FILE, BH_SEV_CRITICAL},
	    {"s3cmd", BH_INV_FILE, BH_SEV_CRITICAL},
	    {"mysql-cnf", BH_INV_FILE, BH_SEV_HIGH},
	    {"pgpass", BH_INV_FILE, BH_SEV_HIGH},
	    {"snowsql", BH_INV_FILE, BH_SEV_HIGH},
	    {"databricks", BH_INV_FILE, BH_SEV_HIGH},
	    {"oci-config", BH_INV_FILE, BH_SEV_CRITICAL},
	    {"oci-keys", BH_INV_DIR, BH_SEV_CRITICAL},
	    {"tailscale", BH_INV_SOCKET, BH_SEV_MEDIUM},
	    {"tailscale-var-run", BH_INV_SOCKET, BH_SEV_MEDIUM},
	    {"docker-socket", BH_INV_SOCKET, BH_SEV_CRITICAL},
	    {"docker-socket-run", BH_INV_SOCKET, BH_SEV_CRITICAL},
	    {"docker-rootless", BH_INV_SOCKET, BH_SEV_CRITICAL},
	    {"podman-socket", BH_INV_SOCKET, BH_SEV_CRITICAL},
	    {"podman-socket-root", BH_INV_SOCKET, BH_SEV_CRITICAL},
	    {"containerd", BH_INV_SOCKET, BH_SEV_CRITICAL},
	    {"dbus-session", BH_INV_SOCKET, BH_SEV_HIGH},
	    {"dbus-system", BH_INV_SOCKET, BH_SEV_MEDIUM},
	    {"x11", BH_INV_SOCKET, BH_SEV_HIGH},
	    {"wayland", BH_INV_SOCKET, BH_SEV_MEDIUM},
	    {"tmux", BH_INV_SOCKET, BH_SEV_HIGH},
	    {"screen", BH_INV_TREE, BH_SEV_HIGH},
	    {"systemd-user", BH_INV_SOCKET, BH_SEV_HIGH},
	    {"pulseaudio", BH_INV_SOCKET, BH_SEV_LOW},
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct bh_cred_location *l =
		    test_inv_location(want[i].id);
		if (!l) {
			fprintf(stderr, "  missing %s\n", want[i].id);
			CHECK(false);
			continue;
		}
		if (l->kind != want[i].kind ||
		    l->severity != want[i].severity) {
			fprintf(stderr, "  %s: kind or severity\n", l->id);
			CHECK(false);
		}
	}
}

TEST(inventory_places_use_their_checks)
{
	const struct bh_cred_location *l =
	    test_inv_location("ssh-private-keys");
	REQUIRE(l);
	CHECK(l->base == BH_INV_HOME && !strcmp(l->path, ".ssh"));
	CHECK(l->holds == bh_inv_holds_private_key);
	CHECK(test_inv_location("gitconfig")->holds == bh_inv_holds_gitconfig);
	CHECK(test_inv_location("netrc")->holds == bh_inv_holds_netrc);
	CHECK(test_inv_location("pgpass")->holds == bh_inv_holds_pgpass);
	CHECK(test_inv_location("kubeconfig")->holds ==
	      bh_inv_holds_kubeconfig);
	CHECK(test_inv_location("docker-config")->holds ==
	      bh_inv_holds_docker_auth);
	CHECK(test_inv_location("containers-auth-runtime")->holds ==
	      bh_inv_holds_docker_auth);
	CHECK(test_inv_location("maven-settings")->holds ==
	      bh_inv_holds_maven_xml);
	CHECK_STR(test_inv_location("gpg-agent")->path, "gnupg/S.gpg-agent*");
	CHECK_STR(test_inv_location("k8s-serviceaccount")->path,
		  "/var/run/secrets/kubernetes.io/serviceaccount/token");
	CHECK_STR(test_inv_location("x11")->path, "/tmp/.X11-unix/X*");
	CHECK_STR(test_inv_location("tmux")->path, "/tmp/tmux-%u/*");
	CHECK(test_inv_location("wayland")->base == BH_INV_RUNTIME);
}

TEST(inventory_envvars_well_formed)
{
	size_t n;
	const struct bh_cred_envvar *v = bh_cred_envvars(&n);
	REQUIRE(n >= 40);
	for (size_t i = 0; i < n; i++) {
		const char *s = v[i].name;
		bool ok = s && s[0] && is_line(v[i].tool) && is_line(v[i].hint);
		for (; ok && *s; s++)
			ok = (*s >= 'A' && *s <= 'Z') ||
			     (*s >= '0' && *s <= '9') || *s == '_' ||
			     (*s == '*' && !s[1]);
		if (!ok) {
			fprintf(stderr, "  bad envvar %s\n", v[i].name);
			CHECK(false);
		}
		CHECK(v[i].severity >= BH_SEV_LOW &&
		      v[i].severity <= BH_SEV_CRITICAL);
		for (size_t j = i + 1; j < n; j++)
			CHECK(strcmp(v[i].name, v[j].name) != 0);
	}
}

TEST(inventory_envvars_has_the_promised_names)
{
	static const char *const want[] = {
	    "AWS_SECRET_ACCESS_KEY",
	    "AWS_SESSION_TOKEN",
	    "AWS_ACCESS_KEY_ID",
	    "GOOGLE_APPLICATION_CREDENTIALS",
	    "CLOUDSDK_AUTH_ACCESS_TOKEN",
	    "AZURE_CLIENT_SECRET",
	    "ARM_CLIENT_SECRET",
	    "GITHUB_TOKEN",
	    "GH_TOKEN",
	    "GITLAB_TOKEN",
	    "CI_JOB_TOKEN",
	    "NPM_TOKEN",
	    "NODE_AUTH_TOKEN",
	    "PYPI_TOKEN",
	    "TWINE_PASSWORD",
	    "CARGO_REGISTRY_TOKEN",
	    "DOCKER_PASSWORD",
	    "KUBECONFIG",
	    "VAULT_TOKEN",
	    "HEROKU_API_KEY",
	    "FLY_API_TOKEN",
	    "VERCEL_TOKEN",
	    "NETLIFY_AUTH_TOKEN",
	    "STRIPE_API_KEY",
	    "HF_TOKEN",
	    "HUGGING_FACE_HUB_TOKEN",
	    "OPENAI_API_KEY",
	    "ANTHROPIC_API_KEY",
	    "GEMINI_API_KEY",
	    "GOOGLE_API_KEY",
	    "CLAUDE_CODE_OAUTH_TOKEN",
	    "SSH_AUTH_SOCK",
	    "GPG_AGENT_INFO",
	    "DATABASE_URL",
	    "SLACK_TOKEN",
	    "SENTRY_AUTH_TOKEN",
	    "DIGITALOCEAN_ACCESS_TOKEN",
	    "CLOUDFLARE_API_TOKEN",
	    "ACTIONS_RUNTIME_TOKEN",
	    "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
	    "BUILDKITE_AGENT_ACCESS_TOKEN",
	    "CIRCLE_TOKEN",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct bh_cred_envvar *e = bh_cred_envvar_find(want[i]);
		if (!e || strcmp(e->name, want[i]) != 0) {
			fprintf(stderr, "  missing %s\n", want[i]);
			CHECK(false);
		}
	}
}

TEST(inventory_envvar_find)
{
	const struct bh_cred_envvar *e =
	    bh_cred_envvar_find("AWS_SECRET_ACCESS_KEY");
	REQUIRE(e);
	CHECK(e->severity == BH_SEV_CRITICAL);
	e = bh_cred_envvar_find("TF_TOKEN_app_terraform_io");
	REQUIRE(e);
	CHECK_STR(e->name, "TF_TOKEN_*");
	e = bh_cred_envvar_find("OP_SESSION_my");
	REQUIRE(e);
	CHECK_STR(e->name, "OP_SESSION_*");
	e = bh_cred_envvar_find("POETRY_PYPI_TOKEN_PYPI");
	REQUIRE(e);
	CHECK_STR(e->name, "POETRY_PYPI_TOKEN_*");
	/* A prefix entry needs its whole prefix; names are case-sensitive,
	 * as the environment is. */
	CHECK(bh_cred_envvar_find("TF_TOKEN") == NULL);
	CHECK(bh_cred_envvar_find("github_token") == NULL);
	CHECK(bh_cred_envvar_find("GITHUB_TOKEN_X") == NULL);
	CHECK(bh_cred_envvar_find("PATH") == NULL);
	CHECK(bh_cred_envvar_find("") == NULL);
	CHECK(bh_cred_envvar_find(NULL) == NULL);
}

TEST(inventory_severity_names)
{
	CHECK_STR(bh_severity_name(BH_SEV_LOW), "low");
	CHECK_STR(bh_severity_name(BH_SEV_MEDIUM), "medium");
	CHECK_STR(bh_severity_name(BH_SEV_HIGH), "high");
	CHECK_STR(bh_severity_name(BH_SEV_CRITICAL), "critical");
	CHECK_STR(bh_severity_name((enum bh_inv_severity)0), "unknown");
	CHECK_STR(bh_severity_name((enum bh_inv_severity)9), "unknown");
	for (int s = BH_SEV_LOW; s <= BH_SEV_CRITICAL; s++)
		CHECK_INT(bh_severity_parse(
			      bh_severity_name((enum bh_inv_severity)s)),
			  s);
	CHECK_INT(bh_severity_parse("HIGH"), BH_SEV_HIGH);
	CHECK_INT(bh_severity_parse("Critical"), BH_SEV_CRITICAL);
	CHECK_INT(bh_severity_parse("unknown"), -1);
	CHECK_INT(bh_severity_parse("severe"), -1);
	CHECK_INT(bh_severity_parse("high "), -1);
	CHECK_INT(bh_severity_parse(""), -1);
	CHECK_INT(bh_severity_parse(NULL), -1);
}
