/* SPDX-License-Identifier: MIT */
/*
 * The table of credential locations and of the environment variables that
 * carry credentials.  Each entry is a place a real tool documents (or
 * demonstrably uses) on Linux; the content checks that tell a credential
 * from a look-alike are in catalog_checks.c.  docs/credential-locations.md
 * is generated from this table (tools/gen-cred-doc.sh) and a unit test
 * keeps the two equal.
 *
 * Severity: critical for cloud and cluster administration, private keys,
 * and sockets that are root on the host (Docker, containerd, LXD,
 * libvirt); high for VCS, registry and deploy tokens, the agents' own
 * logins, databases, browser profiles, keyrings and agent sockets that
 * sign as the user; medium for desktop and terminal sessions (D-Bus, X11,
 * Wayland, tmux, screen), which let a process type into the user's other
 * programs; low for what only leaks presence (audio).
 *
 * Hints say what fixes the finding.  Almost every place here is outside
 * what the default profile grants (HOME is private and empty, /run and
 * /tmp are not the host's), so a finding means a profile granted it: the
 * hint says what to grant instead, or how to make the credential less
 * worth stealing.
 */
#include "inventory/catalog.h"

#include <string.h>
#include <strings.h>

#include "core/util.h"
#include "inventory/checks.h"

/* clang-format off */
static const struct bh_cred_location locations[] = {
	/* ---- cloud providers ---- */
	{"aws-credentials", "AWS CLI", BH_INV_HOME, ".aws/credentials",
	 BH_INV_FILE, BH_SEV_CRITICAL, "AWS access keys and session tokens",
	 "do not grant ~/.aws; give the agent short-lived, narrowly scoped "
	 "credentials (an assumed role's session) made outside the sandbox",
	 bh_inv_holds_secret_setting},
	{"aws-config", "AWS CLI", BH_INV_HOME, ".aws/config",
	 BH_INV_FILE, BH_SEV_CRITICAL, "AWS keys written into the config file",
	 "move keys out of ~/.aws/config into SSO or credential_process "
	 "profiles, and do not grant ~/.aws",
	 bh_inv_holds_secret_setting},
	{"aws-sso-cache", "AWS CLI", BH_INV_HOME, ".aws/sso/cache",
	 BH_INV_DIR, BH_SEV_CRITICAL, "AWS IAM Identity Center access and "
	 "refresh tokens",
	 "do not grant ~/.aws; `aws sso logout` ends the cached session",
	 NULL},
	{"aws-cli-cache", "AWS CLI", BH_INV_HOME, ".aws/cli/cache",
	 BH_INV_DIR, BH_SEV_CRITICAL, "cached credentials of assumed roles",
	 "do not grant ~/.aws; clear ~/.aws/cli/cache after assuming roles "
	 "an agent must not reuse",
	 NULL},
	{"gcloud-adc", "Google Cloud SDK", BH_INV_XDG_CONFIG,
	 "gcloud/application_default_credentials.json", BH_INV_FILE,
	 BH_SEV_CRITICAL, "application default credentials (a refresh token "
	 "or a service-account key)",
	 "do not grant ~/.config/gcloud; `gcloud auth application-default "
	 "revoke`, and give the agent a short-lived token for a narrow "
	 "service account",
	 NULL},
	{"gcloud-credentials-db", "Google Cloud SDK", BH_INV_XDG_CONFIG,
	 "gcloud/credentials.db", BH_INV_FILE, BH_SEV_CRITICAL,
	 "refresh tokens of every gcloud account",
	 "do not grant ~/.config/gcloud; the agent acts as every account you "
	 "ever logged in with",
	 NULL},
	{"gcloud-access-tokens", "Google Cloud SDK", BH_INV_XDG_CONFIG,
	 "gcloud/access_tokens.db", BH_INV_FILE, BH_SEV_CRITICAL,
	 "cached gcloud access tokens",
	 "do not grant ~/.config/gcloud", NULL},
	{"gcloud-legacy", "Google Cloud SDK", BH_INV_XDG_CONFIG,
	 "gcloud/legacy_credentials", BH_INV_DIR, BH_SEV_CRITICAL,
	 "per-account credentials and .boto files",
	 "do not grant ~/.config/gcloud; `gcloud auth revoke` for accounts "
	 "you no longer use",
	 NULL},
	{"azure-msal-cache", "Azure CLI", BH_INV_HOME,
	 ".azure/msal_token_cache.json", BH_INV_FILE, BH_SEV_CRITICAL,
	 "Azure access and refresh tokens",
	 "do not grant ~/.azure; give the agent a service principal scoped "
	 "to one resource group, with a short-lived secret",
	 NULL},
	{"azure-access-tokens", "Azure CLI", BH_INV_HOME,
	 ".azure/accessTokens.json", BH_INV_FILE, BH_SEV_CRITICAL,
	 "Azure tokens of CLI versions before 2.30",
	 "delete this leftover of old Azure CLIs; do not grant ~/.azure",
	 NULL},
	{"azure-service-principal", "Azure CLI", BH_INV_HOME,
	 ".azure/service_principal_entries.json", BH_INV_FILE,
	 BH_SEV_CRITICAL, "service principal secrets and certificates",
	 "do not grant ~/.azure; `az logout` removes the entries", NULL},
	{"oci-config", "Oracle Cloud CLI", BH_INV_HOME, ".oci/config",
	 BH_INV_FILE, BH_SEV_CRITICAL, "an API key's passphrase in plaintext",
	 "remove pass_phrase from ~/.oci/config and do not grant ~/.oci",
	 bh_inv_holds_secret_setting},
	{"oci-keys", "Oracle Cloud CLI", BH_INV_HOME, ".oci",
	 BH_INV_DIR, BH_SEV_CRITICAL, "API signing keys",
	 "do not grant ~/.oci; use a separate API key for automation, "
	 "limited by IAM policy",
	 bh_inv_holds_private_key},
	{"oci-sessions", "Oracle Cloud CLI", BH_INV_HOME, ".oci/sessions",
	 BH_INV_DIR, BH_SEV_CRITICAL, "session tokens from `oci session "
	 "authenticate`",
	 "do not grant ~/.oci; sessions expire, but not before an agent can "
	 "use them",
	 NULL},
	{"ibmcloud", "IBM Cloud CLI", BH_INV_HOME, ".bluemix/config.json",
	 BH_INV_FILE, BH_SEV_CRITICAL, "IAM access and refresh tokens",
	 "do not grant ~/.bluemix; `ibmcloud logout` clears them",
	 bh_inv_holds_json_secret},
	{"aliyun", "Alibaba Cloud CLI", BH_INV_HOME, ".aliyun/config.json",
	 BH_INV_FILE, BH_SEV_CRITICAL, "AccessKey secrets and STS tokens",
	 "do not grant ~/.aliyun; use a RAM role's temporary credentials "
	 "for automation",
	 bh_inv_holds_json_secret},
	{"doctl", "DigitalOcean CLI", BH_INV_XDG_CONFIG, "doctl/config.yaml",
	 BH_INV_FILE, BH_SEV_CRITICAL, "DigitalOcean API tokens",
	 "do not grant ~/.config/doctl; give the agent a scoped token that "
	 "expires",
	 bh_inv_holds_secret_setting},
	{"linode-cli", "Linode CLI", BH_INV_XDG_CONFIG, "linode-cli",
	 BH_INV_FILE, BH_SEV_CRITICAL, "Linode personal access tokens",
	 "do not grant ~/.config/linode-cli", bh_inv_holds_secret_setting},
	{"hcloud", "Hetzner Cloud CLI", BH_INV_XDG_CONFIG, "hcloud/cli.toml",
	 BH_INV_FILE, BH_SEV_CRITICAL, "Hetzner Cloud project tokens",
	 "do not grant ~/.config/hcloud", bh_inv_holds_secret_setting},
	{"wrangler", "Cloudflare Wrangler", BH_INV_XDG_CONFIG,
	 ".wrangler/config/default.toml", BH_INV_FILE, BH_SEV_CRITICAL,
	 "Cloudflare OAuth and API tokens",
	 "do not grant ~/.config/.wrangler; give the agent an API token "
	 "scoped to one zone or Worker",
	 bh_inv_holds_secret_setting},
	{"wrangler-legacy", "Cloudflare Wrangler", BH_INV_HOME,
	 ".wrangler/config/default.toml", BH_INV_FILE, BH_SEV_CRITICAL,
	 "Cloudflare OAuth and API tokens (older Wrangler)",
	 "do not grant ~/.wrangler; `wrangler logout` removes it",
	 bh_inv_holds_secret_setting},
	{"fly", "Fly.io CLI", BH_INV_HOME, ".fly/config.yml", BH_INV_FILE,
	 BH_SEV_CRITICAL, "Fly.io access token",
	 "do not grant ~/.fly; give the agent a deploy token for one app "
	 "(fly tokens create deploy)",
	 bh_inv_holds_secret_setting},
	{"kubeconfig", "kubectl", BH_INV_HOME, ".kube/config", BH_INV_FILE,
	 BH_SEV_CRITICAL, "cluster credentials: tokens, client keys, exec "
	 "plugins",
	 "do not grant ~/.kube; give the agent a kubeconfig of its own for a "
	 "namespace-scoped service account",
	 bh_inv_holds_kubeconfig},
	{"k8s-serviceaccount", "Kubernetes", BH_INV_ABS,
	 "/var/run/secrets/kubernetes.io/serviceaccount/token", BH_INV_FILE,
	 BH_SEV_CRITICAL, "the pod's service-account token",
	 "do not grant /var/run/secrets; set automountServiceAccountToken: "
	 "false on pods that run agents",
	 NULL},
	{"minikube", "minikube", BH_INV_HOME, ".minikube", BH_INV_DIR,
	 BH_SEV_CRITICAL, "cluster CA and client private keys",
	 "do not grant ~/.minikube: its CA key signs any cluster identity",
	 bh_inv_holds_private_key},
	{"vault-token", "HashiCorp Vault", BH_INV_HOME, ".vault-token",
	 BH_INV_FILE, BH_SEV_CRITICAL, "a Vault token",
	 "do not grant ~/.vault-token; give the agent a short-TTL token with "
	 "a narrow policy",
	 NULL},
	{"terraform-credentials", "Terraform", BH_INV_HOME,
	 ".terraform.d/credentials.tfrc.json", BH_INV_FILE, BH_SEV_CRITICAL,
	 "HCP Terraform and registry API tokens",
	 "do not grant ~/.terraform.d; run plans and applies outside the "
	 "sandbox or with a team token of least privilege",
	 bh_inv_holds_json_secret},
	{"terraformrc", "Terraform", BH_INV_HOME, ".terraformrc", BH_INV_FILE,
	 BH_SEV_CRITICAL, "API tokens in credentials blocks",
	 "move tokens to a credentials helper and do not grant ~/.terraformrc",
	 bh_inv_holds_secret_setting},
	{"pulumi", "Pulumi", BH_INV_HOME, ".pulumi/credentials.json",
	 BH_INV_FILE, BH_SEV_CRITICAL, "Pulumi Cloud access tokens",
	 "do not grant ~/.pulumi; give the agent a team token that expires",
	 bh_inv_holds_json_secret},
	{"rclone", "rclone", BH_INV_XDG_CONFIG, "rclone/rclone.conf",
	 BH_INV_FILE, BH_SEV_CRITICAL, "cloud storage keys and OAuth tokens",
	 "encrypt the config (rclone config, s) and do not grant "
	 "~/.config/rclone",
	 bh_inv_holds_secret_setting},
	{"s3cmd", "s3cmd", BH_INV_HOME, ".s3cfg", BH_INV_FILE,
	 BH_SEV_CRITICAL, "S3 secret keys",
	 "do not grant ~/.s3cfg; give the agent keys for one bucket",
	 bh_inv_holds_secret_setting},

	/* ---- keys and agents ---- */
	{"ssh-private-keys", "OpenSSH", BH_INV_HOME, ".ssh", BH_INV_DIR,
	 BH_SEV_CRITICAL, "SSH private keys",
	 "do not grant ~/.ssh; give the agent a deploy key for one "
	 "repository, or push from outside the sandbox",
	 bh_inv_holds_private_key},
	{"ssh-agent-debian", "OpenSSH", BH_INV_RUNTIME, "openssh_agent",
	 BH_INV_SOCKET, BH_SEV_HIGH, "ssh-agent socket (Debian and Ubuntu "
	 "user unit)",
	 "do not grant $XDG_RUNTIME_DIR: whoever reaches an agent signs as "
	 "you with every loaded key",
	 NULL},
	{"ssh-agent-socket", "OpenSSH", BH_INV_RUNTIME, "ssh-agent.socket",
	 BH_INV_SOCKET, BH_SEV_HIGH, "ssh-agent socket (the common systemd "
	 "user unit)",
	 "do not grant $XDG_RUNTIME_DIR; add keys with ssh-add -c so each "
	 "use asks you",
	 NULL},
	{"gnome-keyring-ssh", "GNOME Keyring", BH_INV_RUNTIME, "keyring/ssh",
	 BH_INV_SOCKET, BH_SEV_HIGH, "GNOME Keyring's SSH agent socket",
	 "do not grant $XDG_RUNTIME_DIR/keyring", NULL},
	{"gcr-ssh", "GNOME Keyring", BH_INV_RUNTIME, "gcr/ssh",
	 BH_INV_SOCKET, BH_SEV_HIGH, "gcr-ssh-agent socket (GNOME 46 and "
	 "later)",
	 "do not grant $XDG_RUNTIME_DIR/gcr", NULL},
	{"gnome-keyring-control", "GNOME Keyring", BH_INV_RUNTIME,
	 "keyring/control", BH_INV_SOCKET, BH_SEV_HIGH,
	 "GNOME Keyring daemon control socket",
	 "do not grant $XDG_RUNTIME_DIR/keyring", NULL},
	{"gnome-keyrings", "GNOME Keyring", BH_INV_XDG_DATA, "keyrings",
	 BH_INV_TREE, BH_SEV_HIGH, "keyring files, with the login keyring "
	 "unlocked for the session",
	 "do not grant ~/.local/share/keyrings", NULL},
	{"1password-ssh-agent", "1Password", BH_INV_HOME,
	 ".1password/agent.sock", BH_INV_SOCKET, BH_SEV_HIGH,
	 "1Password's SSH agent socket",
	 "do not grant ~/.1password; keep 1Password's per-use authorization "
	 "prompt on",
	 NULL},
	{"1password-cli", "1Password", BH_INV_XDG_CONFIG, "op", BH_INV_TREE,
	 BH_SEV_HIGH, "1Password CLI accounts and session state",
	 "do not grant ~/.config/op; give automation a service account "
	 "token for one vault",
	 NULL},
	{"gpg-private-keys", "GnuPG", BH_INV_HOME, ".gnupg/private-keys-v1.d",
	 BH_INV_DIR, BH_SEV_CRITICAL, "GnuPG private keys",
	 "do not grant ~/.gnupg; sign releases outside the sandbox", NULL},
	{"gpg-secring", "GnuPG", BH_INV_HOME, ".gnupg/secring.gpg",
	 BH_INV_FILE, BH_SEV_CRITICAL, "GnuPG 1.x secret keyring",
	 "do not grant ~/.gnupg", NULL},
	{"gpg-agent", "GnuPG", BH_INV_RUNTIME, "gnupg/S.gpg-agent*",
	 BH_INV_SOCKET, BH_SEV_HIGH, "gpg-agent sockets: sign, decrypt, "
	 "and its SSH agent",
	 "do not grant $XDG_RUNTIME_DIR/gnupg; the agent decrypts your pass "
	 "store and signs as you",
	 NULL},
	{"gpg-agent-home", "GnuPG", BH_INV_HOME, ".gnupg/S.gpg-agent*",
	 BH_INV_SOCKET, BH_SEV_HIGH, "gpg-agent sockets (GnuPG without a "
	 "runtime directory)",
	 "do not grant ~/.gnupg", NULL},
	{"kerberos-ccache", "Kerberos", BH_INV_ABS, "/tmp/krb5cc_%u",
	 BH_INV_FILE, BH_SEV_HIGH, "Kerberos ticket cache",
	 "keep the host's /tmp out (the default profile mounts its own); "
	 "kdestroy ends the tickets",
	 NULL},

	/* ---- version control ---- */
	{"git-credentials", "Git", BH_INV_HOME, ".git-credentials",
	 BH_INV_FILE, BH_SEV_HIGH, "passwords and tokens kept by "
	 "credential.helper store",
	 "switch to a keyring helper (libsecret) and delete the file; do not "
	 "grant it",
	 bh_inv_holds_secret_setting},
	{"git-credentials-xdg", "Git", BH_INV_XDG_CONFIG, "git/credentials",
	 BH_INV_FILE, BH_SEV_HIGH, "passwords and tokens kept by "
	 "credential.helper store",
	 "switch to a keyring helper (libsecret) and delete the file; do not "
	 "grant ~/.config/git",
	 bh_inv_holds_secret_setting},
	{"gitconfig", "Git", BH_INV_HOME, ".gitconfig", BH_INV_FILE,
	 BH_SEV_HIGH, "a plaintext credential helper, an inline token or a "
	 "URL with a password",
	 "keep tokens out of ~/.gitconfig (use a keyring helper); grant only "
	 "a copy without credential settings",
	 bh_inv_holds_gitconfig},
	{"gitconfig-xdg", "Git", BH_INV_XDG_CONFIG, "git/config", BH_INV_FILE,
	 BH_SEV_HIGH, "a plaintext credential helper, an inline token or a "
	 "URL with a password",
	 "keep tokens out of ~/.config/git/config (use a keyring helper)",
	 bh_inv_holds_gitconfig},
	{"git-credential-cache", "Git", BH_INV_XDG_CACHE,
	 "git/credential/socket", BH_INV_SOCKET, BH_SEV_HIGH,
	 "git credential-cache daemon socket",
	 "do not grant ~/.cache/git; `git credential-cache exit` stops the "
	 "daemon",
	 NULL},
	{"git-credential-cache-home", "Git", BH_INV_HOME,
	 ".git-credential-cache/socket", BH_INV_SOCKET, BH_SEV_HIGH,
	 "git credential-cache daemon socket",
	 "do not grant ~/.git-credential-cache", NULL},
	{"gcm-plaintext", "Git Credential Manager", BH_INV_HOME, ".gcm/store",
	 BH_INV_DIR, BH_SEV_HIGH, "credentials of GCM's plaintext store",
	 "set credential.credentialStore to secretservice and delete "
	 "~/.gcm/store",
	 NULL},
	{"gh-hosts", "GitHub CLI", BH_INV_XDG_CONFIG, "gh/hosts.yml",
	 BH_INV_FILE, BH_SEV_HIGH, "GitHub OAuth token",
	 "`gh auth login` stores it in the keyring; do not grant ~/.config/gh",
	 bh_inv_holds_secret_setting},
	{"hub", "hub", BH_INV_XDG_CONFIG, "hub", BH_INV_FILE, BH_SEV_HIGH,
	 "GitHub OAuth token",
	 "do not grant ~/.config/hub; revoke the token if hub is unused",
	 bh_inv_holds_secret_setting},
	{"glab", "GitLab CLI", BH_INV_XDG_CONFIG, "glab-cli/config.yml",
	 BH_INV_FILE, BH_SEV_HIGH, "GitLab access tokens",
	 "`glab auth login --use-keyring`; do not grant ~/.config/glab-cli",
	 bh_inv_holds_secret_setting},
	{"netrc", "netrc (curl, Heroku CLI, pip, Go)", BH_INV_HOME, ".netrc",
	 BH_INV_FILE, BH_SEV_HIGH, "machine passwords and API tokens",
	 "do not grant ~/.netrc; give the agent a netrc of its own with one "
	 "scoped token",
	 bh_inv_holds_netrc},
	{"authinfo", "Emacs auth-source", BH_INV_HOME, ".authinfo",
	 BH_INV_FILE, BH_SEV_HIGH, "machine passwords",
	 "encrypt it (~/.authinfo.gpg) and do not grant ~/.authinfo",
	 bh_inv_holds_netrc},

	/* ---- containers ---- */
	{"docker-config", "Docker", BH_INV_HOME, ".docker/config.json",
	 BH_INV_FILE, BH_SEV_HIGH, "registry credentials (auths)",
	 "use a credsStore (pass, secretservice) instead of inline auths; "
	 "do not grant ~/.docker",
	 bh_inv_holds_docker_auth},
	{"containers-auth-runtime", "Podman", BH_INV_RUNTIME,
	 "containers/auth.json", BH_INV_FILE, BH_SEV_HIGH,
	 "registry credentials of podman, buildah and skopeo login",
	 "do not grant $XDG_RUNTIME_DIR/containers; `podman logout --all`",
	 bh_inv_holds_docker_auth},
	{"containers-auth", "Podman", BH_INV_XDG_CONFIG,
	 "containers/auth.json", BH_INV_FILE, BH_SEV_HIGH,
	 "registry credentials of podman, buildah and skopeo",
	 "do not grant ~/.config/containers/auth.json",
	 bh_inv_holds_docker_auth},
	{"helm-registry", "Helm", BH_INV_XDG_CONFIG,
	 "helm/registry/config.json", BH_INV_FILE, BH_SEV_HIGH,
	 "OCI registry credentials",
	 "do not grant ~/.config/helm; `helm registry logout`",
	 bh_inv_holds_docker_auth},
	{"helm-repositories", "Helm", BH_INV_XDG_CONFIG,
	 "helm/repositories.yaml", BH_INV_FILE, BH_SEV_HIGH,
	 "chart repository passwords",
	 "do not grant ~/.config/helm", bh_inv_holds_secret_setting},

	/* ---- package registries and build tools ---- */
	{"npmrc", "npm", BH_INV_HOME, ".npmrc", BH_INV_FILE, BH_SEV_HIGH,
	 "registry auth tokens",
	 "write _authToken=${NPM_TOKEN} instead of the token, and grant only "
	 "that; publish from outside the sandbox",
	 bh_inv_holds_secret_setting},
	{"yarnrc", "Yarn", BH_INV_HOME, ".yarnrc.yml", BH_INV_FILE,
	 BH_SEV_HIGH, "registry auth tokens (npmAuthToken, npmAuthIdent)",
	 "write npmAuthToken: ${NPM_TOKEN} instead; do not grant "
	 "~/.yarnrc.yml",
	 bh_inv_holds_secret_setting},
	{"pnpm-rc", "pnpm", BH_INV_XDG_CONFIG, "pnpm/rc", BH_INV_FILE,
	 BH_SEV_HIGH, "registry auth tokens",
	 "write _authToken=${NPM_TOKEN} instead; do not grant ~/.config/pnpm",
	 bh_inv_holds_secret_setting},
	{"bunfig", "Bun", BH_INV_HOME, ".bunfig.toml", BH_INV_FILE,
	 BH_SEV_HIGH, "registry tokens and passwords",
	 "write token = \"$NPM_TOKEN\" instead; do not grant ~/.bunfig.toml",
	 bh_inv_holds_secret_setting},
	{"pypirc", "twine (PyPI)", BH_INV_HOME, ".pypirc", BH_INV_FILE,
	 BH_SEV_HIGH, "PyPI API tokens and passwords",
	 "publish with trusted publishing from CI; do not grant ~/.pypirc",
	 bh_inv_holds_secret_setting},
	{"pip-conf", "pip", BH_INV_XDG_CONFIG, "pip/pip.conf", BH_INV_FILE,
	 BH_SEV_HIGH, "index URLs with passwords",
	 "move the password to a keyring or netrc the agent cannot read",
	 bh_inv_holds_secret_setting},
	{"pip-conf-legacy", "pip", BH_INV_HOME, ".pip/pip.conf", BH_INV_FILE,
	 BH_SEV_HIGH, "index URLs with passwords",
	 "move the password out of the URL; do not grant ~/.pip",
	 bh_inv_holds_secret_setting},
	{"uv-credentials", "uv", BH_INV_XDG_DATA,
	 "uv/credentials/credentials.toml", BH_INV_FILE, BH_SEV_HIGH,
	 "index credentials stored by `uv auth login`",
	 "do not grant ~/.local/share/uv; `uv auth logout` removes them",
	 NULL},
	{"uv-toml", "uv", BH_INV_XDG_CONFIG, "uv/uv.toml", BH_INV_FILE,
	 BH_SEV_HIGH, "index URLs with passwords",
	 "set UV_INDEX_<NAME>_PASSWORD outside the sandbox instead",
	 bh_inv_holds_secret_setting},
	{"poetry-auth", "Poetry", BH_INV_XDG_CONFIG, "pypoetry/auth.toml",
	 BH_INV_FILE, BH_SEV_HIGH, "repository passwords and PyPI tokens "
	 "(no keyring available)",
	 "install a keyring backend so Poetry stops writing auth.toml; do "
	 "not grant ~/.config/pypoetry",
	 bh_inv_holds_secret_setting},
	{"cargo-credentials-toml", "Cargo", BH_INV_HOME,
	 ".cargo/credentials.toml", BH_INV_FILE, BH_SEV_HIGH,
	 "crates.io and registry tokens",
	 "grant ~/.cargo/registry and ~/.cargo/bin, not ~/.cargo; publish "
	 "from outside",
	 bh_inv_holds_secret_setting},
	{"cargo-credentials", "Cargo", BH_INV_HOME, ".cargo/credentials",
	 BH_INV_FILE, BH_SEV_HIGH, "crates.io and registry tokens (older "
	 "Cargo)",
	 "grant ~/.cargo/registry and ~/.cargo/bin, not ~/.cargo",
	 bh_inv_holds_secret_setting},
	{"gem-credentials", "RubyGems", BH_INV_HOME, ".gem/credentials",
	 BH_INV_FILE, BH_SEV_HIGH, "RubyGems API keys",
	 "do not grant ~/.gem; push gems from CI with trusted publishing",
	 bh_inv_holds_secret_setting},
	{"composer-auth", "Composer", BH_INV_XDG_CONFIG, "composer/auth.json",
	 BH_INV_FILE, BH_SEV_HIGH, "GitHub, GitLab and repository tokens",
	 "do not grant ~/.config/composer/auth.json; pass COMPOSER_AUTH for "
	 "one run if needed",
	 bh_inv_holds_json_secret},
	{"maven-settings", "Maven", BH_INV_HOME, ".m2/settings.xml",
	 BH_INV_FILE, BH_SEV_HIGH, "repository and proxy passwords",
	 "use ${env.X} placeholders in settings.xml and grant "
	 "~/.m2/repository, not ~/.m2",
	 bh_inv_holds_maven_xml},
	{"maven-settings-security", "Maven", BH_INV_HOME,
	 ".m2/settings-security.xml", BH_INV_FILE, BH_SEV_HIGH,
	 "the master key that decrypts settings.xml passwords",
	 "grant ~/.m2/repository, not ~/.m2", bh_inv_holds_maven_xml},
	{"gradle-properties", "Gradle", BH_INV_HOME,
	 ".gradle/gradle.properties", BH_INV_FILE, BH_SEV_HIGH,
	 "signing keys, repository passwords and tokens",
	 "pass ORG_GRADLE_PROJECT_* variables to the publishing step only; "
	 "grant ~/.gradle/caches, not ~/.gradle",
	 bh_inv_holds_secret_setting},
	{"ansible-galaxy", "Ansible Galaxy", BH_INV_HOME,
	 ".ansible/galaxy_token", BH_INV_FILE, BH_SEV_HIGH,
	 "Galaxy API token", "do not grant ~/.ansible/galaxy_token",
	 bh_inv_holds_secret_setting},

	/* ---- deploy platforms and services ---- */
	{"vercel", "Vercel CLI", BH_INV_XDG_DATA, "com.vercel.cli/auth.json",
	 BH_INV_FILE, BH_SEV_HIGH, "Vercel token",
	 "do not grant ~/.local/share/com.vercel.cli; give the agent a "
	 "project-scoped token that expires",
	 bh_inv_holds_json_secret},
	{"netlify", "Netlify CLI", BH_INV_XDG_CONFIG, "netlify/config.json",
	 BH_INV_FILE, BH_SEV_HIGH, "Netlify access tokens",
	 "do not grant ~/.config/netlify", bh_inv_holds_json_secret},
	{"netlify-legacy", "Netlify CLI", BH_INV_HOME, ".netlify/config.json",
	 BH_INV_FILE, BH_SEV_HIGH, "Netlify access tokens (older CLI)",
	 "delete the old ~/.netlify/config.json; do not grant ~/.netlify",
	 bh_inv_holds_json_secret},
	{"firebase", "Firebase CLI", BH_INV_XDG_CONFIG,
	 "configstore/firebase-tools.json", BH_INV_FILE, BH_SEV_HIGH,
	 "Google OAuth refresh token of firebase login",
	 "do not grant ~/.config/configstore; deploy with a service account "
	 "from CI",
	 bh_inv_holds_json_secret},
	{"supabase", "Supabase CLI", BH_INV_HOME, ".supabase/access-token",
	 BH_INV_FILE, BH_SEV_HIGH, "Supabase personal access token",
	 "do not grant ~/.supabase", NULL},
	{"stripe", "Stripe CLI", BH_INV_XDG_CONFIG, "stripe/config.toml",
	 BH_INV_FILE, BH_SEV_HIGH, "Stripe test and live mode API keys",
	 "do not grant ~/.config/stripe; give the agent a restricted test-mode "
	 "key",
	 bh_inv_holds_secret_setting},
	{"sentry", "Sentry CLI", BH_INV_HOME, ".sentryclirc", BH_INV_FILE,
	 BH_SEV_HIGH, "Sentry auth token",
	 "do not grant ~/.sentryclirc; use an org token limited to releases",
	 bh_inv_holds_secret_setting},
	{"ngrok", "ngrok", BH_INV_XDG_CONFIG, "ngrok/ngrok.yml", BH_INV_FILE,
	 BH_SEV_HIGH, "ngrok authtoken and API key",
	 "do not grant ~/.config/ngrok: a tunnel is a way out of any network "
	 "policy",
	 bh_inv_holds_secret_setting},

	/* ---- databases and data platforms ---- */
	{"pgpass", "PostgreSQL", BH_INV_HOME, ".pgpass", BH_INV_FILE,
	 BH_SEV_HIGH, "database passwords",
	 "do not grant ~/.pgpass; give the agent a role on a development "
	 "database",
	 bh_inv_holds_pgpass},
	{"mysql-cnf", "MySQL client", BH_INV_HOME, ".my.cnf", BH_INV_FILE,
	 BH_SEV_HIGH, "database passwords",
	 "do not grant ~/.my.cnf", bh_inv_holds_secret_setting},
	{"mysql-login", "MySQL client", BH_INV_HOME, ".mylogin.cnf",
	 BH_INV_FILE, BH_SEV_HIGH, "obfuscated (not encrypted) login paths",
	 "do not grant ~/.mylogin.cnf: mysql_config_editor only hides the "
	 "passwords",
	 NULL},
	{"snowsql", "SnowSQL", BH_INV_HOME, ".snowsql/config", BH_INV_FILE,
	 BH_SEV_HIGH, "Snowflake passwords",
	 "use key-pair or SSO authentication; do not grant ~/.snowsql",
	 bh_inv_holds_secret_setting},
	{"snowflake-connections", "Snowflake CLI", BH_INV_HOME,
	 ".snowflake/connections.toml", BH_INV_FILE, BH_SEV_HIGH,
	 "Snowflake passwords and tokens",
	 "do not grant ~/.snowflake", bh_inv_holds_secret_setting},
	{"snowflake-config", "Snowflake CLI", BH_INV_HOME,
	 ".snowflake/config.toml", BH_INV_FILE, BH_SEV_HIGH,
	 "Snowflake passwords and tokens",
	 "do not grant ~/.snowflake", bh_inv_holds_secret_setting},
	{"databricks", "Databricks CLI", BH_INV_HOME, ".databrickscfg",
	 BH_INV_FILE, BH_SEV_HIGH, "Databricks personal access tokens and "
	 "client secrets",
	 "use OAuth (databricks auth login) and do not grant ~/.databrickscfg",
	 bh_inv_holds_secret_setting},
	{"kaggle", "Kaggle API", BH_INV_HOME, ".kaggle/kaggle.json",
	 BH_INV_FILE, BH_SEV_HIGH, "Kaggle API key",
	 "do not grant ~/.kaggle", bh_inv_holds_json_secret},
	{"huggingface-token", "Hugging Face", BH_INV_XDG_CACHE,
	 "huggingface/token", BH_INV_FILE, BH_SEV_HIGH,
	 "Hugging Face access token",
	 "grant ~/.cache/huggingface/hub (the models), not the whole "
	 "directory; use a read-only token",
	 NULL},
	{"huggingface-stored-tokens", "Hugging Face", BH_INV_XDG_CACHE,
	 "huggingface/stored_tokens", BH_INV_FILE, BH_SEV_HIGH,
	 "every Hugging Face token saved with `hf auth login`",
	 "grant ~/.cache/huggingface/hub, not the whole directory", NULL},
	{"huggingface-legacy", "Hugging Face", BH_INV_HOME,
	 ".huggingface/token", BH_INV_FILE, BH_SEV_HIGH,
	 "Hugging Face token (older huggingface_hub)",
	 "delete ~/.huggingface/token; do not grant it", NULL},

	/* ---- coding agents and model clients ---- */
	{"claude-credentials", "Claude Code", BH_INV_HOME,
	 ".claude/.credentials.json", BH_INV_FILE, BH_SEV_HIGH,
	 "Claude OAuth access and refresh tokens",
	 "do not grant ~/.claude; give a sandboxed agent "
	 "CLAUDE_CODE_OAUTH_TOKEN or an API key of its own",
	 bh_inv_holds_json_secret},
	{"claude-json", "Claude Code", BH_INV_HOME, ".claude.json",
	 BH_INV_FILE, BH_SEV_HIGH, "Anthropic API key (primaryApiKey) or MCP "
	 "server secrets",
	 "do not grant ~/.claude.json; pass MCP secrets by environment to "
	 "that server only",
	 bh_inv_holds_json_secret},
	{"codex-auth", "Codex CLI", BH_INV_HOME, ".codex/auth.json",
	 BH_INV_FILE, BH_SEV_HIGH, "OpenAI API key or ChatGPT login tokens",
	 "do not grant ~/.codex; give the agent an API key with a spend "
	 "limit",
	 bh_inv_holds_json_secret},
	{"gemini-oauth", "Gemini CLI", BH_INV_HOME, ".gemini/oauth_creds.json",
	 BH_INV_FILE, BH_SEV_HIGH, "Google OAuth access and refresh tokens",
	 "do not grant ~/.gemini; the refresh token is your Google account's",
	 bh_inv_holds_json_secret},
	{"gemini-env", "Gemini CLI", BH_INV_HOME, ".gemini/.env", BH_INV_FILE,
	 BH_SEV_HIGH, "Gemini and Google API keys",
	 "do not grant ~/.gemini; give the agent a key with a quota",
	 bh_inv_holds_secret_setting},
	{"cursor-state", "Cursor", BH_INV_XDG_CONFIG,
	 "Cursor/User/globalStorage/state.vscdb", BH_INV_FILE, BH_SEV_HIGH,
	 "Cursor access and refresh tokens (cursorAuth/*)",
	 "do not grant ~/.config/Cursor", NULL},
	{"cursor-agent", "Cursor", BH_INV_XDG_CONFIG, "cursor/auth.json",
	 BH_INV_FILE, BH_SEV_HIGH, "cursor-agent CLI login",
	 "do not grant ~/.config/cursor", NULL},
	{"copilot-hosts", "GitHub Copilot", BH_INV_XDG_CONFIG,
	 "github-copilot/hosts.json", BH_INV_FILE, BH_SEV_HIGH,
	 "GitHub OAuth token of the Copilot plugins",
	 "do not grant ~/.config/github-copilot", bh_inv_holds_json_secret},
	{"copilot-apps", "GitHub Copilot", BH_INV_XDG_CONFIG,
	 "github-copilot/apps.json", BH_INV_FILE, BH_SEV_HIGH,
	 "GitHub OAuth tokens of the Copilot apps",
	 "do not grant ~/.config/github-copilot", bh_inv_holds_json_secret},
	{"aider", "Aider", BH_INV_HOME, ".aider.conf.yml", BH_INV_FILE,
	 BH_SEV_HIGH, "model API keys",
	 "keep keys out of ~/.aider.conf.yml; give the sandboxed aider one "
	 "key by environment",
	 bh_inv_holds_secret_setting},
	{"opencode", "OpenCode", BH_INV_XDG_DATA, "opencode/auth.json",
	 BH_INV_FILE, BH_SEV_HIGH, "provider API keys and OAuth tokens",
	 "do not grant ~/.local/share/opencode", NULL},
	{"continue-json", "Continue", BH_INV_HOME, ".continue/config.json",
	 BH_INV_FILE, BH_SEV_HIGH, "model API keys",
	 "use secrets references instead of inline apiKey values; do not "
	 "grant ~/.continue",
	 bh_inv_holds_json_secret},
	{"continue-yaml", "Continue", BH_INV_HOME, ".continue/config.yaml",
	 BH_INV_FILE, BH_SEV_HIGH, "model API keys",
	 "use ${{ secrets.X }} instead of inline apiKey values",
	 bh_inv_holds_secret_setting},
	{"llm-keys", "llm", BH_INV_XDG_CONFIG, "io.datasette.llm/keys.json",
	 BH_INV_FILE, BH_SEV_HIGH, "model API keys saved by `llm keys set`",
	 "do not grant ~/.config/io.datasette.llm; pass one key by "
	 "environment",
	 bh_inv_holds_llm_keys},
	{"aichat", "AIChat", BH_INV_XDG_CONFIG, "aichat/config.yaml",
	 BH_INV_FILE, BH_SEV_HIGH, "model API keys",
	 "do not grant ~/.config/aichat", bh_inv_holds_secret_setting},
	{"shell-gpt", "ShellGPT", BH_INV_XDG_CONFIG, "shell_gpt/.sgptrc",
	 BH_INV_FILE, BH_SEV_HIGH, "OpenAI API key",
	 "do not grant ~/.config/shell_gpt", bh_inv_holds_secret_setting},
	{"ollama-key", "Ollama", BH_INV_HOME, ".ollama/id_ed25519",
	 BH_INV_FILE, BH_SEV_HIGH, "the key that signs pushes to ollama.com",
	 "grant ~/.ollama/models, not ~/.ollama", bh_inv_holds_private_key},

	/* ---- browsers, mail and password stores ---- */
	{"firefox", "Firefox", BH_INV_HOME, ".mozilla/firefox", BH_INV_TREE,
	 BH_SEV_HIGH, "cookies, saved passwords and session tokens",
	 "never grant browser profiles; a logged-in cookie is a password",
	 NULL},
	{"firefox-snap", "Firefox", BH_INV_HOME,
	 "snap/firefox/common/.mozilla/firefox", BH_INV_TREE, BH_SEV_HIGH,
	 "cookies, saved passwords and session tokens (snap)",
	 "never grant ~/snap/firefox", NULL},
	{"chrome", "Google Chrome", BH_INV_XDG_CONFIG, "google-chrome",
	 BH_INV_TREE, BH_SEV_HIGH, "cookies, saved passwords and session "
	 "tokens",
	 "never grant browser profiles; give browser automation a fresh "
	 "profile",
	 NULL},
	{"chromium", "Chromium", BH_INV_XDG_CONFIG, "chromium", BH_INV_TREE,
	 BH_SEV_HIGH, "cookies, saved passwords and session tokens",
	 "never grant browser profiles", NULL},
	{"brave", "Brave", BH_INV_XDG_CONFIG, "BraveSoftware", BH_INV_TREE,
	 BH_SEV_HIGH, "cookies, saved passwords, session tokens and wallets",
	 "never grant browser profiles", NULL},
	{"edge", "Microsoft Edge", BH_INV_XDG_CONFIG, "microsoft-edge",
	 BH_INV_TREE, BH_SEV_HIGH, "cookies, saved passwords and session "
	 "tokens",
	 "never grant browser profiles", NULL},
	{"vivaldi", "Vivaldi", BH_INV_XDG_CONFIG, "vivaldi", BH_INV_TREE,
	 BH_SEV_HIGH, "cookies, saved passwords and session tokens",
	 "never grant browser profiles", NULL},
	{"thunderbird", "Thunderbird", BH_INV_HOME, ".thunderbird",
	 BH_INV_TREE, BH_SEV_HIGH, "mail account passwords and mail",
	 "never grant ~/.thunderbird: mail resets every other password", NULL},
	{"password-store", "pass", BH_INV_HOME, ".password-store",
	 BH_INV_TREE, BH_SEV_HIGH, "encrypted passwords, one file each",
	 "do not grant ~/.password-store; with a gpg-agent in reach they "
	 "decrypt",
	 NULL},
	{"kwallet", "KWallet", BH_INV_XDG_DATA, "kwalletd", BH_INV_TREE,
	 BH_SEV_HIGH, "KDE wallets",
	 "do not grant ~/.local/share/kwalletd", NULL},
	{"bitwarden-cli", "Bitwarden CLI", BH_INV_XDG_CONFIG,
	 "Bitwarden CLI/data.json", BH_INV_FILE, BH_SEV_HIGH,
	 "the encrypted vault and login tokens",
	 "do not grant ~/.config/Bitwarden CLI; `bw lock` when done, and "
	 "never pass BW_SESSION in",
	 NULL},

	/* ---- sockets that are root, or the user, on the host ---- */
	{"docker-socket", "Docker", BH_INV_ABS, "/var/run/docker.sock",
	 BH_INV_SOCKET, BH_SEV_CRITICAL, "the Docker daemon: root on the host",
	 "never grant the Docker socket; build with rootless Podman inside "
	 "the sandbox, or outside it",
	 NULL},
	{"docker-socket-run", "Docker", BH_INV_ABS, "/run/docker.sock",
	 BH_INV_SOCKET, BH_SEV_CRITICAL, "the Docker daemon: root on the host",
	 "never grant the Docker socket", NULL},
	{"docker-rootless", "Docker", BH_INV_RUNTIME, "docker.sock",
	 BH_INV_SOCKET, BH_SEV_CRITICAL, "rootless Docker: every container "
	 "and file of the user",
	 "never grant $XDG_RUNTIME_DIR/docker.sock", NULL},
	{"podman-socket", "Podman", BH_INV_RUNTIME, "podman/podman.sock",
	 BH_INV_SOCKET, BH_SEV_CRITICAL, "the user's Podman API service",
	 "never grant $XDG_RUNTIME_DIR/podman", NULL},
	{"podman-socket-root", "Podman", BH_INV_ABS, "/run/podman/podman.sock",
	 BH_INV_SOCKET, BH_SEV_CRITICAL, "root Podman API: root on the host",
	 "never grant /run/podman", NULL},
	{"containerd", "containerd", BH_INV_ABS,
	 "/run/containerd/containerd.sock", BH_INV_SOCKET, BH_SEV_CRITICAL,
	 "containerd: root on the host", "never grant /run/containerd", NULL},
	{"cri-o", "CRI-O", BH_INV_ABS, "/var/run/crio/crio.sock",
	 BH_INV_SOCKET, BH_SEV_CRITICAL, "CRI-O: root on the node",
	 "never grant /var/run/crio", NULL},
	{"buildkit", "BuildKit", BH_INV_ABS, "/run/buildkit/buildkitd.sock",
	 BH_INV_SOCKET, BH_SEV_HIGH, "buildkitd: builds as root on the host",
	 "never grant /run/buildkit", NULL},
	{"lxd", "LXD", BH_INV_ABS, "/var/snap/lxd/common/lxd/unix.socket",
	 BH_INV_SOCKET, BH_SEV_CRITICAL, "LXD: root on the host",
	 "never grant the LXD socket", NULL},
	{"incus", "Incus", BH_INV_ABS, "/var/lib/incus/unix.socket",
	 BH_INV_SOCKET, BH_SEV_CRITICAL, "Incus: root on the host",
	 "never grant the Incus socket", NULL},
	{"libvirt", "libvirt", BH_INV_ABS, "/run/libvirt/libvirt-sock",
	 BH_INV_SOCKET, BH_SEV_CRITICAL, "libvirtd: root on the host",
	 "never grant /run/libvirt", NULL},
	{"systemd-user", "systemd", BH_INV_RUNTIME, "systemd/private",
	 BH_INV_SOCKET, BH_SEV_HIGH, "the user's service manager: starts "
	 "programs outside the sandbox",
	 "never grant $XDG_RUNTIME_DIR/systemd", NULL},
	{"tailscale", "Tailscale", BH_INV_ABS, "/run/tailscale/tailscaled.sock",
	 BH_INV_SOCKET, BH_SEV_MEDIUM, "tailscaled's local API: the tailnet's "
	 "peers and state",
	 "do not grant /run/tailscale", NULL},
	{"tailscale-var-run", "Tailscale", BH_INV_ABS,
	 "/var/run/tailscale/tailscaled.sock", BH_INV_SOCKET, BH_SEV_MEDIUM,
	 "tailscaled's local API", "do not grant /var/run/tailscale", NULL},

	/* ---- the desktop and terminal sessions ---- */
	{"dbus-session", "D-Bus", BH_INV_RUNTIME, "bus", BH_INV_SOCKET,
	 BH_SEV_HIGH, "the session bus: secret service, notifications, "
	 "systemd --user",
	 "do not grant $XDG_RUNTIME_DIR/bus; proxy it with xdg-dbus-proxy if "
	 "a tool needs one name",
	 NULL},
	{"dbus-system", "D-Bus", BH_INV_ABS, "/run/dbus/system_bus_socket",
	 BH_INV_SOCKET, BH_SEV_MEDIUM, "the system bus",
	 "do not grant /run/dbus", NULL},
	{"x11", "X11", BH_INV_ABS, "/tmp/.X11-unix/X*", BH_INV_SOCKET,
	 BH_SEV_HIGH, "X displays: read and type into every window",
	 "keep the host's /tmp out (the default profile mounts its own); "
	 "never pass DISPLAY in",
	 NULL},
	{"xauthority", "X11", BH_INV_HOME, ".Xauthority", BH_INV_FILE,
	 BH_SEV_MEDIUM, "X display cookies", "do not grant ~/.Xauthority",
	 NULL},
	{"wayland", "Wayland", BH_INV_RUNTIME, "wayland-*", BH_INV_SOCKET,
	 BH_SEV_MEDIUM, "the Wayland compositor",
	 "do not grant $XDG_RUNTIME_DIR", NULL},
	{"tmux", "tmux", BH_INV_ABS, "/tmp/tmux-%u/*", BH_INV_SOCKET,
	 BH_SEV_HIGH, "tmux servers: send-keys types into your other panes",
	 "keep the host's /tmp out; never pass TMUX in", NULL},
	{"screen", "GNU Screen", BH_INV_ABS, "/run/screen/S-*", BH_INV_TREE,
	 BH_SEV_HIGH, "screen sessions that can be attached and typed into",
	 "do not grant /run/screen", NULL},
	{"pulseaudio", "PulseAudio", BH_INV_RUNTIME, "pulse/native",
	 BH_INV_SOCKET, BH_SEV_LOW, "the sound server: microphone and playback",
	 "do not grant $XDG_RUNTIME_DIR/pulse", NULL},
	{"pipewire", "PipeWire", BH_INV_RUNTIME, "pipewire-0", BH_INV_SOCKET,
	 BH_SEV_LOW, "the media server: microphone and screen streams",
	 "do not grant $XDG_RUNTIME_DIR/pipewire-0", NULL},
};

/* Beyond the secret engine's name rules: the names tools really read,
 * with what to do instead.  A trailing '*' is a prefix. */
static const struct bh_cred_envvar envvars[] = {
	{"AWS_ACCESS_KEY_ID", "AWS", BH_SEV_MEDIUM,
	 "an identifier, dangerous beside its secret; keep AWS variables out"},
	{"AWS_SECRET_ACCESS_KEY", "AWS", BH_SEV_CRITICAL,
	 "do not keep it; pass a short-lived role session instead"},
	{"AWS_SESSION_TOKEN", "AWS", BH_SEV_CRITICAL,
	 "do not keep it unless the agent must act in AWS, then scope the role"},
	{"AWS_SECURITY_TOKEN", "AWS", BH_SEV_CRITICAL,
	 "the legacy name of AWS_SESSION_TOKEN; do not keep it"},
	{"AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS", BH_SEV_CRITICAL,
	 "fetches the task role's credentials; do not keep it"},
	{"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS", BH_SEV_HIGH,
	 "names a token that assumes a role; do not keep it"},
	{"GOOGLE_APPLICATION_CREDENTIALS", "Google Cloud", BH_SEV_CRITICAL,
	 "names a key file; do not keep it, and do not grant the file"},
	{"CLOUDSDK_AUTH_ACCESS_TOKEN", "Google Cloud", BH_SEV_CRITICAL,
	 "do not keep it"},
	{"GOOGLE_OAUTH_ACCESS_TOKEN", "Google Cloud", BH_SEV_CRITICAL,
	 "do not keep it"},
	{"AZURE_CLIENT_SECRET", "Azure", BH_SEV_CRITICAL,
	 "do not keep it; use a narrowly scoped service principal if needed"},
	{"ARM_CLIENT_SECRET", "Azure (Terraform)", BH_SEV_CRITICAL,
	 "do not keep it; run Terraform outside the sandbox"},
	{"ARM_ACCESS_KEY", "Azure (Terraform)", BH_SEV_CRITICAL,
	 "a storage account key for state; do not keep it"},
	{"DIGITALOCEAN_ACCESS_TOKEN", "DigitalOcean", BH_SEV_CRITICAL,
	 "do not keep it"},
	{"CLOUDFLARE_API_TOKEN", "Cloudflare", BH_SEV_CRITICAL,
	 "do not keep it; scope a token to one zone if the agent deploys"},
	{"CLOUDFLARE_API_KEY", "Cloudflare", BH_SEV_CRITICAL,
	 "the global API key is the whole account; revoke it, use tokens"},
	{"HCLOUD_TOKEN", "Hetzner Cloud", BH_SEV_CRITICAL, "do not keep it"},
	{"LINODE_TOKEN", "Linode", BH_SEV_CRITICAL, "do not keep it"},
	{"VAULT_TOKEN", "HashiCorp Vault", BH_SEV_CRITICAL,
	 "do not keep it; issue a short-TTL token with a narrow policy"},
	{"KUBECONFIG", "Kubernetes", BH_SEV_HIGH,
	 "names cluster credentials; do not keep it or grant the files"},
	{"TF_TOKEN_*", "Terraform", BH_SEV_CRITICAL,
	 "registry and HCP Terraform tokens; do not keep them"},
	{"TFE_TOKEN", "Terraform", BH_SEV_CRITICAL, "do not keep it"},
	{"PULUMI_ACCESS_TOKEN", "Pulumi", BH_SEV_CRITICAL, "do not keep it"},
	{"FLY_API_TOKEN", "Fly.io", BH_SEV_CRITICAL,
	 "do not keep it; a deploy token for one app at most"},
	{"FLY_ACCESS_TOKEN", "Fly.io", BH_SEV_CRITICAL, "do not keep it"},
	{"GITHUB_TOKEN", "GitHub", BH_SEV_HIGH,
	 "do not keep it; a fine-grained token for one repository at most"},
	{"GH_TOKEN", "GitHub CLI", BH_SEV_HIGH,
	 "do not keep it; a fine-grained token for one repository at most"},
	{"GH_ENTERPRISE_TOKEN", "GitHub CLI", BH_SEV_HIGH, "do not keep it"},
	{"GITHUB_PAT", "GitHub", BH_SEV_HIGH, "do not keep it"},
	{"GITLAB_TOKEN", "GitLab", BH_SEV_HIGH,
	 "do not keep it; a project access token at most"},
	{"CI_JOB_TOKEN", "GitLab CI", BH_SEV_HIGH,
	 "reaches every project the job's user can; do not keep it"},
	{"CI_REGISTRY_PASSWORD", "GitLab CI", BH_SEV_HIGH, "do not keep it"},
	{"ACTIONS_RUNTIME_TOKEN", "GitHub Actions", BH_SEV_HIGH,
	 "writes caches and artifacts other jobs trust; do not keep it"},
	{"ACTIONS_ID_TOKEN_REQUEST_TOKEN", "GitHub Actions", BH_SEV_CRITICAL,
	 "mints OIDC tokens that cloud roles trust; do not keep it"},
	{"BUILDKITE_AGENT_ACCESS_TOKEN", "Buildkite", BH_SEV_HIGH,
	 "do not keep it"},
	{"CIRCLE_TOKEN", "CircleCI", BH_SEV_HIGH, "do not keep it"},
	{"SYSTEM_ACCESSTOKEN", "Azure Pipelines", BH_SEV_HIGH,
	 "do not keep it"},
	{"NPM_TOKEN", "npm", BH_SEV_HIGH,
	 "publish from outside the sandbox; a read-only token if installs "
	 "need one"},
	{"NODE_AUTH_TOKEN", "npm (setup-node)", BH_SEV_HIGH,
	 "publish from outside the sandbox"},
	{"YARN_NPM_AUTH_TOKEN", "Yarn", BH_SEV_HIGH,
	 "publish from outside the sandbox"},
	{"PYPI_TOKEN", "PyPI", BH_SEV_HIGH, "publish from outside the sandbox"},
	{"TWINE_PASSWORD", "twine", BH_SEV_HIGH,
	 "publish from outside the sandbox"},
	{"POETRY_PYPI_TOKEN_*", "Poetry", BH_SEV_HIGH,
	 "publish from outside the sandbox"},
	{"UV_PUBLISH_TOKEN", "uv", BH_SEV_HIGH,
	 "publish from outside the sandbox"},
	{"CARGO_REGISTRY_TOKEN", "Cargo", BH_SEV_HIGH,
	 "publish from outside the sandbox"},
	{"GEM_HOST_API_KEY", "RubyGems", BH_SEV_HIGH,
	 "publish from outside the sandbox"},
	{"NUGET_API_KEY", "NuGet", BH_SEV_HIGH,
	 "publish from outside the sandbox"},
	{"DOCKER_PASSWORD", "Docker", BH_SEV_HIGH, "do not keep it"},
	{"DOCKER_AUTH_CONFIG", "Docker (GitLab CI)", BH_SEV_HIGH,
	 "a whole registry auth file; do not keep it"},
	{"DOCKER_HOST", "Docker", BH_SEV_CRITICAL,
	 "points at a Docker daemon, root on its host; do not keep it"},
	{"CONTAINER_HOST", "Podman", BH_SEV_HIGH,
	 "points at a Podman service; do not keep it"},
	{"HEROKU_API_KEY", "Heroku", BH_SEV_HIGH, "do not keep it"},
	{"VERCEL_TOKEN", "Vercel", BH_SEV_HIGH, "do not keep it"},
	{"NETLIFY_AUTH_TOKEN", "Netlify", BH_SEV_HIGH, "do not keep it"},
	{"FIREBASE_TOKEN", "Firebase", BH_SEV_HIGH, "do not keep it"},
	{"SUPABASE_ACCESS_TOKEN", "Supabase", BH_SEV_HIGH, "do not keep it"},
	{"STRIPE_API_KEY", "Stripe", BH_SEV_HIGH,
	 "a restricted test-mode key at most"},
	{"SENTRY_AUTH_TOKEN", "Sentry", BH_SEV_HIGH, "do not keep it"},
	{"SLACK_TOKEN", "Slack", BH_SEV_HIGH, "do not keep it"},
	{"SLACK_BOT_TOKEN", "Slack", BH_SEV_HIGH, "do not keep it"},
	{"NGROK_AUTHTOKEN", "ngrok", BH_SEV_HIGH,
	 "a tunnel is a way out of any network policy; do not keep it"},
	{"DATABASE_URL", "databases", BH_SEV_HIGH,
	 "a development database's URL at most"},
	{"PGPASSWORD", "PostgreSQL", BH_SEV_HIGH, "do not keep it"},
	{"MYSQL_PWD", "MySQL", BH_SEV_HIGH, "do not keep it"},
	{"SNOWFLAKE_PASSWORD", "Snowflake", BH_SEV_HIGH, "do not keep it"},
	{"DATABRICKS_TOKEN", "Databricks", BH_SEV_HIGH, "do not keep it"},
	{"OPENAI_API_KEY", "OpenAI", BH_SEV_HIGH,
	 "give the agent its own key with a spend limit"},
	{"ANTHROPIC_API_KEY", "Anthropic", BH_SEV_HIGH,
	 "give the agent its own key with a spend limit"},
	{"ANTHROPIC_AUTH_TOKEN", "Anthropic", BH_SEV_HIGH,
	 "give the agent its own key with a spend limit"},
	{"CLAUDE_CODE_OAUTH_TOKEN", "Claude Code", BH_SEV_HIGH,
	 "keep only for the agent that needs it"},
	{"GEMINI_API_KEY", "Gemini", BH_SEV_HIGH,
	 "give the agent its own key with a quota"},
	{"GOOGLE_API_KEY", "Google", BH_SEV_HIGH,
	 "give the agent its own key, restricted to one API"},
	{"AZURE_OPENAI_API_KEY", "Azure OpenAI", BH_SEV_HIGH,
	 "give the agent its own key"},
	{"MISTRAL_API_KEY", "Mistral", BH_SEV_HIGH, "give the agent its own key"},
	{"GROQ_API_KEY", "Groq", BH_SEV_HIGH, "give the agent its own key"},
	{"OPENROUTER_API_KEY", "OpenRouter", BH_SEV_HIGH,
	 "give the agent its own key with a credit limit"},
	{"HF_TOKEN", "Hugging Face", BH_SEV_HIGH, "a read-only token at most"},
	{"HUGGING_FACE_HUB_TOKEN", "Hugging Face", BH_SEV_HIGH,
	 "a read-only token at most"},
	{"KAGGLE_KEY", "Kaggle", BH_SEV_HIGH, "do not keep it"},
	{"OP_SERVICE_ACCOUNT_TOKEN", "1Password", BH_SEV_HIGH,
	 "do not keep it; it reads every vault the account can"},
	{"OP_SESSION_*", "1Password", BH_SEV_HIGH, "do not keep it"},
	{"BW_SESSION", "Bitwarden", BH_SEV_HIGH,
	 "unlocks the whole vault; never keep it"},
	{"SSH_AUTH_SOCK", "OpenSSH", BH_SEV_HIGH,
	 "do not keep it or grant the socket; a deploy key for one repository "
	 "instead"},
	{"GPG_AGENT_INFO", "GnuPG", BH_SEV_HIGH,
	 "do not keep it or grant the agent's sockets"},
	{"KRB5CCNAME", "Kerberos", BH_SEV_HIGH,
	 "names a ticket cache; do not keep it"},
};
/* clang-format on */

const struct bh_cred_location *bh_cred_locations(size_t *n)
{
	*n = BH_ARRAY_SIZE(locations);
	return locations;
}

const struct bh_cred_envvar *bh_cred_envvars(size_t *n)
{
	*n = BH_ARRAY_SIZE(envvars);
	return envvars;
}

/* An exact entry wins; among prefix entries, the longest. */
const struct bh_cred_envvar *bh_cred_envvar_find(const char *name)
{
	const struct bh_cred_envvar *best = NULL;
	size_t best_len = 0;
	if (!name)
		return NULL;
	for (size_t i = 0; i < BH_ARRAY_SIZE(envvars); i++) {
		const char *pat = envvars[i].name;
		size_t n = strlen(pat);
		if (n && pat[n - 1] == '*') {
			if (n - 1 > best_len && !strncmp(name, pat, n - 1)) {
				best = &envvars[i];
				best_len = n - 1;
			}
		} else if (!strcmp(name, pat)) {
			return &envvars[i];
		}
	}
	return best;
}

static const char *const severity_names[] = {
    [BH_SEV_LOW] = "low",
    [BH_SEV_MEDIUM] = "medium",
    [BH_SEV_HIGH] = "high",
    [BH_SEV_CRITICAL] = "critical",
};

const char *bh_severity_name(enum bh_inv_severity s)
{
	if ((size_t)s >= BH_ARRAY_SIZE(severity_names) || !severity_names[s])
		return "unknown";
	return severity_names[s];
}

/* Case-insensitive, so that --fail-on HIGH works too. */
int bh_severity_parse(const char *s)
{
	for (size_t i = 0; s && i < BH_ARRAY_SIZE(severity_names); i++)
		if (severity_names[i] && !strcasecmp(s, severity_names[i]))
			return (int)i;
	return -1;
}
