/* SPDX-License-Identifier: MIT */
/*
 * The catalog's content checks, through the table (so the wiring is
 * tested too): real-shaped credentials and the look-alikes that must not
 * count, one row each.  Every row is also run with CRLF line ends and
 * without its last newline, and every prefix of it from an exactly-sized
 * buffer (ASan sees a read past the end); every check must have a positive
 * and a negative row; and adversarial megabytes must take linear time.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/util.h"
#include "inventory/checks.h"
#include "test.h"
#include "test_inventory.h"

struct holds_case {
	const char *id; /* the location whose check runs */
	const char *text;
	unsigned line; /* of the first credential; 0: none */
};

/* clang-format off */
static const struct holds_case cases[] = {
	/* private keys */
	{"ssh-private-keys", "-----BEGIN OPENSSH PRIVATE KEY-----\n"
	 "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
	 "-----END OPENSSH PRIVATE KEY-----\n", 1},
	{"ssh-private-keys", "-----BEGIN RSA PRIVATE KEY-----\n"
	 "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0123\n\nMIIEow\n", 1},
	{"ssh-private-keys", "Bag Attributes\n    localKeyID: 01 02\n"
	 "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n", 3},
	{"ssh-private-keys", "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIB\n", 1},
	{"ssh-private-keys", "PuTTY-User-Key-File-3: ssh-ed25519\n"
	 "Encryption: none\nComment: me\nPublic-Lines: 2\n", 1},
	{"ssh-private-keys", "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\n"
	 "Comment: \"rsa-key\"\nP2/56wAAAi4AAAA3\n", 1},
	{"oci-keys", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHDBOBgkq\n", 1},
	{"ollama-key", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNz\n", 1},
	{"ssh-private-keys", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx me@host\n", 0},
	{"ssh-private-keys", "github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMq\n"
	 "|1|JfKTdBh7rNbXkVAQCRp4OQoPfmI=|USECr3SWf1JUPsms5AqfD5QfxkM= "
	 "ecdsa-sha2-nistp256 AAAAE2VjZHNh\n", 0},
	{"ssh-private-keys", "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIE\n"
	 "-----END CERTIFICATE-----\n", 0},
	{"ssh-private-keys", "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0B\n", 0},
	{"ssh-private-keys", "---- BEGIN SSH2 PUBLIC KEY ----\nAAAAB3NzaC1yc2E\n", 0},
	{"ssh-private-keys", "-----BEGIN OPENSSH PRIVATE KEY-----\n"
	 "-----END OPENSSH PRIVATE KEY-----\n", 0},
	{"ssh-private-keys", "-----BEGIN OPENSSH PRIVATE KEY-----\n", 0},
	{"ssh-private-keys", "-----BEGIN OPENSSH PRIV", 0},
	{"ssh-private-keys", "Host *\n  IdentityFile ~/.ssh/id_ed25519\n", 0},
	{"ssh-private-keys", "paste -----BEGIN RSA PRIVATE KEY----- here\nok\n", 0},

	/* git config */
	{"gitconfig", "[credential]\n\thelper = store\n", 2},
	{"gitconfig", "[user]\n\tname = A\n[credential \"https://github.com\"]\n"
	 "\thelper = store --file ~/.my-credentials\n", 4},
	{"gitconfig", "[credential]\n\thelper = /usr/lib/git-core/git-credential-store\n", 2},
	{"gitconfig", "[credential]\n\thelper = \"!f() { echo username=x-access-token; "
	 "echo password=ghp_abcdefghijklmnop; }; f\"\n", 2},
	{"gitconfig", "[url \"https://alice:ghp_abc123@github.com/\"]\n"
	 "\tinsteadOf = https://github.com/\n", 1},
	{"gitconfig", "[http \"https://github.com/\"]\n"
	 "\textraheader = AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46Z2hz\n", 2},
	{"gitconfig", "[credential]\n\tcredentialStore = plaintext\n", 2},
	{"gitconfig", "[credential] helper = store\n", 1},
	{"gitconfig-xdg", "[remote \"origin\"]\n"
	 "\turl = https://oauth2:glpat-abcdefghij@gitlab.com/g/p.git\n", 2},
	{"gitconfig", "[user]\n\tname = Alice\n\temail = alice@example.com\n", 0},
	{"gitconfig", "[credential]\n\thelper = cache --timeout=3600\n"
	 "\thelper = libsecret\n", 0},
	{"gitconfig", "[credential]\n\thelper = \"!f() { echo password=$GITHUB_TOKEN; }; f\"\n", 0},
	{"gitconfig", "[credential]\n\thelper = !gh auth git-credential\n", 0},
	{"gitconfig", "[credential]\n\thelper =\n", 0},
	{"gitconfig", "[url \"git@github.com:\"]\n\tinsteadOf = https://github.com/\n", 0},
	{"gitconfig", "[url \"https://alice@github.com/\"]\n\tinsteadOf = gh:\n", 0},
	{"gitconfig", "# [credential]\n#\thelper = store\n; helper = store\n", 0},
	{"gitconfig", "[alias]\n\tstore = stash\n\thelper = store\n", 0},
	{"gitconfig", "[http]\n\textraheader = X-Trace: 1\n", 0},
	{"gitconfig", "[credential]\n\tcredentialStore = secretservice\n", 0},

	/* netrc */
	{"netrc", "machine api.heroku.com\n  login me@example.com\n"
	 "  password 01234567-89ab-cdef-0123-456789abcdef\n", 3},
	{"netrc", "machine github.com login x password ghp_abc\n", 1},
	{"netrc", "default login anonymous password user@site\n", 1},
	{"authinfo", "machine imap.example.com login me password \"with space\" port 993\n", 1},
	{"netrc", "macdef init\ncd /pub\n\nmachine x login y password hunter2\n", 4},
	{"netrc", "machine example.com login me\n", 0},
	{"netrc", "machine example.com login me password \"\"\n", 0},
	{"netrc", "machine example.com login me password", 0},
	{"netrc", "# machine x login y password z\n", 0},
	{"netrc", "macdef upload\npassword secret\nput file\n\nmachine x login y\n", 0},

	/* .pgpass */
	{"pgpass", "localhost:5432:mydb:alice:s3cret\n", 1},
	{"pgpass", "# dev\n*:*:*:postgres:pa\\:ss\n", 2},
	{"pgpass", "localhost:5432:mydb:alice:\n", 0},
	{"pgpass", "# localhost:5432:db:u:pw\n", 0},
	{"pgpass", "localhost:5432:mydb\n", 0},
	{"pgpass", "host\\:name:5432:db:user\n", 0},

	/* Maven */
	{"maven-settings", "<settings>\n  <servers>\n    <server>\n      <id>central</id>\n"
	 "      <username>u</username>\n      <password>{COQLCE6DU6GtcS5P=}</password>\n", 6},
	{"maven-settings-security", "<settingsSecurity>\n"
	 "  <master>{jSMOWnoPFgsHVpMvz5VrIt5kRbzGpI8u+9EF1iFQyJQ=}</master>\n"
	 "</settingsSecurity>\n", 2},
	{"maven-settings", "<server><password><![CDATA[p<a>ss]]></password></server>", 1},
	{"maven-settings", "<settings>\n<!--\n    <server>\n      <password>repopwd</password>\n"
	 "    </server>\n-->\n</settings>\n", 0},
	{"maven-settings", "<password>${env.MAVEN_PASSWORD}</password>\n", 0},
	{"maven-settings", "<password></password>\n<password/>\n<password>\n</password>\n", 0},
	{"maven-settings", "<settings><localRepository>/x</localRepository></settings>", 0},
	{"maven-settings", "<passwordPolicy>strict</passwordPolicy>\n", 0},

	/* settings: INI, TOML, YAML, properties, dotenv, HCL */
	{"aws-credentials", "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
	 "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n", 3},
	{"aws-credentials", "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n", 0},
	{"aws-config", "[profile ci]\nregion = us-east-1\n"
	 "aws_session_token = IQoJb3JpZ2luX2VjEJr\n", 3},
	{"aws-config", "[profile dev]\nsso_start_url = https://x.awsapps.com/start\n"
	 "region = eu-west-1\ncredential_process = /usr/bin/aws-vault export dev\n", 0},
	{"npmrc", "registry=https://registry.npmjs.org/\n"
	 "//registry.npmjs.org/:_authToken=npm_abcdefghijklmnopqrstuvwxyz0123\n", 2},
	{"npmrc", "//npm.pkg.github.com/:_auth=dXNlcjpwYXNz\n", 1},
	{"npmrc", "_password=cGFzcw==\n", 1},
	{"npmrc", "registry=https://registry.npmjs.org/\n", 0},
	{"npmrc", "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n", 0},
	{"npmrc", "always-auth=true\nemail=me@example.com\n", 0},
	{"npmrc", "//registry.npmjs.org/:_authToken=\n", 0},
	{"pnpm-rc", "//registry.example.com/:_authToken=abcdef\n", 1},
	{"yarnrc", "npmRegistryServer: \"https://npm.example.com\"\n"
	 "npmAuthToken: \"npm_abc\"\n", 2},
	{"yarnrc", "npmScopes:\n  acme:\n    npmAuthIdent: \"user:pass\"\n", 3},
	{"yarnrc", "npmAuthToken: \"${NPM_TOKEN-}\"\n", 0},
	{"yarnrc", "nodeLinker: node-modules\nyarnPath: .yarn/releases/yarn.cjs\n", 0},
	{"pypirc", "[distutils]\nindex-servers = pypi\n\n[pypi]\n"
	 "username = __token__\npassword = pypi-AgEIcHlwaS5vcmc\n", 6},
	{"pypirc", "[pypi]\nusername = __token__\npassword =\n", 0},
	{"pip-conf", "[global]\nindex-url = https://user:s3cret@pypi.example.com/simple\n", 2},
	{"pip-conf", "[global]\nextra-index-url =\n    https://pypi.org/simple\n"
	 "    https://ci:tok3n@nexus.example.com/simple\n", 4},
	{"pip-conf", "[global]\nindex-url = https://pypi.example.com/simple\ntimeout = 60\n", 0},
	{"pip-conf", "[global]\nindex-url = https://user@pypi.example.com/simple\n", 0},
	{"pip-conf", "[global]\nindex-url = https://user:${PIP_PASSWORD}@pypi.example.com/simple\n", 0},
	{"pip-conf", "[global]\nindex-url = https://user:****@pypi.example.com/simple\n", 0},
	{"pip-conf", "[global]\n# index-url = https://u:p@host/simple\n", 0},
	{"uv-toml", "[[index]]\nname = \"corp\"\nurl = \"https://u:p@pypi.corp.example/simple\"\n", 3},
	{"git-credentials", "https://alice:ghp_16C7e42F292c6912E7710c838347Ae178B4a@github.com\n", 1},
	{"git-credentials", "https://alice@github.com\nhttps://bob:@example.com\n", 0},
	{"gh-hosts", "github.com:\n    users:\n        alice:\n            oauth_token: gho_abc\n"
	 "    oauth_token: gho_abc\n    git_protocol: https\n    user: alice\n", 4},
	{"gh-hosts", "github.com:\n    git_protocol: https\n    users:\n        alice:\n"
	 "    user: alice\n", 0},
	{"glab", "hosts:\n    gitlab.com:\n        token: glpat-xxxxxxxxxxxxxxxxxxxx\n"
	 "        api_host: gitlab.com\n", 3},
	{"glab", "hosts:\n    gitlab.com:\n        token:\n        api_host: gitlab.com\n"
	 "        git_protocol: ssh\n", 0},
	{"glab", "hosts:\n    gitlab.com:\n        token: !!null\n", 0},
	{"hub", "github.com:\n- user: alice\n  oauth_token: 0123456789abcdef\n", 3},
	{"cargo-credentials-toml", "[registry]\ntoken = \"cio1234567890abcdef\"\n", 2},
	{"cargo-credentials", "[registry]\ndefault = \"crates-io\"\n", 0},
	{"gradle-properties", "org.gradle.jvmargs=-Xmx2g\nsigning.keyId=24875D73\n"
	 "signing.password=hunter22\n", 3},
	{"gradle-properties", "signingInMemoryKey=lQdGBF4jUfwBEAC\n", 1},
	{"gradle-properties", "mavenCentralPassword: abc\n", 1},
	{"gradle-properties", "org.gradle.jvmargs=-Xmx2g\nsigning.keyId=24875D73\n"
	 "signing.secretKeyRingFile=/home/u/.gnupg/secring.gpg\nkotlin.code.style=official\n", 0},
	{"terraformrc", "credentials \"app.terraform.io\" {\n"
	 "  token = \"xxxxxx.atlasv1.zzzzzzzzzzzzz\"\n}\n", 2},
	{"terraformrc", "plugin_cache_dir = \"$HOME/.terraform.d/plugin-cache\"\n"
	 "credentials_helper \"example\" {\n  args = []\n}\n", 0},
	{"fly", "access_token: fo1_abcdefghijklmnop\n", 1},
	{"fly", "access_token: \"\"\nwire_guard_state: {}\n", 0},
	{"stripe", "[default]\ndevice_name = \"laptop\"\n"
	 "test_mode_api_key = \"sk_test_51Habc\"\ntest_mode_pub_key = \"pk_test_51Habc\"\n", 3},
	{"stripe", "[default]\ndevice_name = \"laptop\"\ntest_mode_pub_key = \"pk_test_51Habc\"\n", 0},
	{"poetry-auth", "[pypi-token]\npypi = \"pypi-AgEIcHlwaS5vcmc\"\n", 2},
	{"poetry-auth", "[http-basic.internal]\nusername = \"ci\"\npassword = \"pw\"\n", 3},
	{"poetry-auth", "[http-basic.internal]\nusername = \"ci\"\n[pypi-token]\n", 0},
	{"doctl", "access-token: dop_v1_abcdef\n", 1},
	{"doctl", "auth-contexts:\n  work: dop_v1_abcdef\ncontext: work\n", 2},
	{"doctl", "access-token: \"\"\nauth-contexts: {}\ncontext: default\n", 0},
	{"aider", "model: sonnet\nanthropic-api-key: sk-ant-api03-abc\n", 2},
	{"aider", "api-key:\n  - gemini=AIzaSyabc\n  - openrouter=sk-or-abc\n", 2},
	{"aider", "model: gpt-4o\nmap-tokens: 1024\nauto-commits: false\n", 0},
	{"aider", "api-key:\n  - gemini=\nmodel: gpt-4o\n", 0},
	{"gemini-env", "export GEMINI_API_KEY=\"AIzaSyD-abc\"\n", 1},
	{"gemini-env", "GOOGLE_CLOUD_PROJECT=my-project\nGOOGLE_GENAI_USE_VERTEXAI=true\n"
	 "GEMINI_API_KEY=\nPWD=/home/me\n", 0},
	{"rclone", "[gdrive]\ntype = drive\n"
	 "token = {\"access_token\":\"ya29.a0\",\"expiry\":\"2024-01-01\"}\n", 3},
	{"rclone", "# Encrypted rclone configuration File\n\nRCLONE_ENCRYPT_V0:\n"
	 "XIkAr3p+y+zcbvJMDdGWk3Np/0qWJkd\n", 0},
	{"s3cmd", "[default]\naccess_key = AKIAIOSFODNN7EXAMPLE\nsecret_key = wJalrXUtnFEMI/K7MDENG\n", 3},
	{"s3cmd", "[default]\naccess_key = AKIAIOSFODNN7EXAMPLE\naccess_token = \n"
	 "secret_key = \ngpg_passphrase = \nkms_key = alias/s3\nhost_base = s3.amazonaws.com\n", 0},
	{"mysql-cnf", "[client]\nuser=root\npassword=\"hunter2\"\n", 3},
	{"mysql-cnf", "[client]\nuser=root\nhost=localhost\n", 0},
	{"mysql-cnf", "[client]\nssl-key=/etc/mysql/client-key.pem\n", 0},
	{"s3cmd", "[default]\nsecret_key = /K7MDENG+bPxRfiCY\n", 2},
	{"databricks", "[DEFAULT]\nhost = https://x.cloud.databricks.com\n"
	 "token = dapi0123456789abcdef\n", 3},
	{"databricks", "[DEFAULT]\nhost = https://x.cloud.databricks.com\n"
	 "auth_type = databricks-cli\n", 0},
	{"oci-config", "[DEFAULT]\nuser=ocid1.user.oc1..aaa\nfingerprint=20:3b:97\n"
	 "key_file=~/.oci/oci_api_key.pem\npass_phrase=hunter2\n", 5},
	{"oci-config", "[DEFAULT]\nuser=ocid1.user.oc1..aaa\nfingerprint=20:3b:97\n"
	 "key_file=~/.oci/oci_api_key.pem\n", 0},
	{"wrangler", "oauth_token = \"abc\"\nexpiration_time = \"2025-01-01T00:00:00Z\"\n", 1},
	{"wrangler", "expiration_time = \"2025-01-01\"\nscopes = [\"account:read\"]\n", 0},
	{"gem-credentials", "---\n:rubygems_api_key: rubygems_0123456789abcdef\n", 2},
	{"gem-credentials", "---\n:rubygems_api_key: \n", 0},
	{"ngrok", "version: \"2\"\nauthtoken: 2abcDEF_ghi\n", 2},
	{"ngrok", "version: \"2\"\nregion: eu\n", 0},
	{"helm-repositories", "repositories:\n- name: private\n  url: https://charts.example.com\n"
	 "  username: ci\n  password: s3cret\n", 5},
	{"helm-repositories", "repositories:\n- name: bitnami\n  url: https://charts.bitnami.com/bitnami\n"
	 "  pass_credentials_all: false\n", 0},
	{"sentry", "[defaults]\norg = acme\n[auth]\ntoken = sntrys_abc\n", 4},
	{"sentry", "[defaults]\norg = acme\nproject = web\n", 0},

	/* kubeconfig */
	{"kubeconfig", "users:\n- name: admin\n  user:\n    token: eyJhbGciOiJSUzI1NiIs\n", 4},
	{"kubeconfig", "users:\n- name: kind\n  user:\n    client-certificate-data: LS0t\n"
	 "    client-key-data: LS0tLS1CRUdJTi\n", 5},
	{"kubeconfig", "users:\n- name: eks\n  user:\n    exec:\n"
	 "      apiVersion: client.authentication.k8s.io/v1beta1\n      command: aws\n", 4},
	{"kubeconfig", "users:\n- name: gke\n  user:\n    auth-provider:\n      name: gcp\n", 4},
	{"kubeconfig", "users:\n- name: minikube\n  user:\n"
	 "    client-certificate: /home/u/.minikube/profiles/m/client.crt\n"
	 "    client-key: /home/u/.minikube/profiles/m/client.key\n", 0},
	{"kubeconfig", "apiVersion: v1\nclusters:\n- cluster:\n"
	 "    certificate-authority-data: LS0tLS1CRUdJTi\n    server: https://10.0.0.1:6443\n"
	 "  name: c\ncontexts:\n- context:\n    cluster: c\n    user: u\n  name: ctx\n"
	 "current-context: ctx\nusers:\n- name: u\n  user: {}\n", 0},

	/* JSON */
	{"claude-credentials", "{\"claudeAiOauth\":{\"accessToken\":\"sk-ant-oat01-abc\","
	 "\"refreshToken\":\"sk-ant-ort01-def\",\"expiresAt\":1750000000000}}", 1},
	{"claude-credentials", "{\n  \"claudeAiOauth\": {\n    \"accessToken\": \"sk-ant-oat01-abc\"\n", 3},
	{"claude-json", "{\n  \"numStartups\": 12,\n  \"primaryApiKey\": \"sk-ant-api03-abc\"\n}\n", 3},
	{"claude-json", "{\"mcpServers\": {\"gh\": {\"env\": {\"GITHUB_PERSONAL_ACCESS_TOKEN\": \"ghp_abc\"}}}}", 1},
	{"claude-json", "{\"mcpServers\": {\"x\": {\"url\": \"https://u:p4ss@mcp.example.com/sse\"}}}", 1},
	{"claude-json", "{\n  \"numStartups\": 12,\n  \"oauthAccount\": {\n"
	 "    \"accountUuid\": \"0000\",\n    \"emailAddress\": \"a@example.com\"\n  },\n"
	 "  \"customApiKeyResponses\": {\"approved\": [\"abc\"], \"rejected\": []},\n"
	 "  \"userID\": \"9f8e\"\n}\n", 0},
	{"codex-auth", "{\n  \"OPENAI_API_KEY\": null,\n  \"tokens\": {\n    \"id_token\": \"eyJ\",\n"
	 "    \"access_token\": \"eyJ\"\n  }\n}\n", 4},
	{"codex-auth", "{\"OPENAI_API_KEY\": \"sk-proj-abc\"}", 1},
	{"codex-auth", "{\"OPENAI_API_KEY\": null, \"last_refresh\": \"2025-01-01\"}", 0},
	{"gemini-oauth", "{\"access_token\":\"ya29.a0\",\"scope\":\"x\",\"token_type\":\"Bearer\"}", 1},
	{"gemini-oauth", "{\"token_type\":\"Bearer\",\"expiry_date\":1}", 0},
	{"terraform-credentials", "{\n  \"credentials\": {\n    \"app.terraform.io\": {\n"
	 "      \"token\": \"abc.atlasv1.def\"\n    }\n  }\n}\n", 4},
	{"terraform-credentials", "{\"credentials\": {}}", 0},
	{"pulumi", "{\n    \"current\": \"https://api.pulumi.com\",\n    \"accessTokens\": {\n"
	 "        \"https://api.pulumi.com\": \"pul-abc\"\n    }\n}\n", 3},
	{"pulumi", "{\"current\": \"\", \"accessTokens\": {}, \"accounts\": {}}", 0},
	{"composer-auth", "{\"github-oauth\": {\"github.com\": \"ghp_abc\"}}", 1},
	{"composer-auth", "{\"http-basic\": {\"repo.example.org\": {\"username\": \"u\", "
	 "\"password\": \"p\"}}}", 1},
	{"composer-auth", "{\"github-oauth\": {}, \"http-basic\": {}}", 0},
	{"copilot-apps", "{\"github.com:Iv1.b507a08c87ecfe98\":{\"user\":\"alice\","
	 "\"oauth_token\":\"ghu_abc\",\"githubAppId\":\"Iv1.b507a08c87ecfe98\"}}", 1},
	{"copilot-hosts", "{\"github.com\":{\"user\":\"alice\"}}", 0},
	{"netlify", "{\"userId\":\"u1\",\"users\":{\"u1\":{\"id\":\"u1\","
	 "\"auth\":{\"token\":\"nfp_abc\",\"github\":{}}}}}", 1},
	{"netlify", "{\"telemetryDisabled\":true,\"cliId\":\"abc\"}", 0},
	{"vercel", "{\n  \"// Note\": \"This is your Vercel credentials file. DO NOT SHARE!\",\n"
	 "  \"// Docs\": \"https://vercel.com/docs#auth.json\",\n  \"token\": \"abc123\"\n}\n", 4},
	{"vercel", "{\n  \"// Note\": \"This is your Vercel credentials file. DO NOT SHARE!\"\n}\n", 0},
	{"firebase", "{\"tokens\": {\"refresh_token\": \"1//0abc\", \"expires_at\": 1}}", 1},
	{"firebase", "{\"motd\": {}, \"usage\": true}", 0},
	{"kaggle", "{\"username\":\"alice\",\"key\":\"0123456789abcdef\"}", 1},
	{"kaggle", "{\"username\":\"alice\"}", 0},
	{"continue-json", "{\"models\":[{\"title\":\"x\",\"provider\":\"openai\","
	 "\"apiKey\":\"sk-abc\"}]}", 1},
	{"continue-json", "{\"models\":[{\"title\":\"x\",\"provider\":\"ollama\"}],"
	 "\"maxTokens\":4096}", 0},
	{"ibmcloud", "{\"IAMToken\": \"Bearer eyJ\", \"IAMRefreshToken\": \"abc\"}", 1},
	{"ibmcloud", "{\"IAMToken\": \"\", \"Region\": \"us-south\"}", 0},
	{"aliyun", "{\"profiles\":[{\"name\":\"default\",\"mode\":\"AK\","
	 "\"access_key_id\":\"LTAI\",\"access_key_secret\":\"abc\"}]}", 1},
	{"aliyun", "{\"profiles\":[{\"name\":\"default\",\"access_key_id\":\"LTAI\","
	 "\"access_key_secret\":\"\"}]}", 0},
	{"claude-credentials", "{\"accessToken\": \"sk-ant-oat01-ab", 0},

	/* Docker-format auth files */
	{"docker-config", "{\n\t\"auths\": {\n\t\t\"https://index.docker.io/v1/\": {\n"
	 "\t\t\t\"auth\": \"dXNlcjpwYXNz\"\n\t\t}\n\t}\n}\n", 4},
	{"docker-config", "{\"auths\":{\"myacr.azurecr.io\":{\"auth\":\"\","
	 "\"identitytoken\":\"eyJhbGci\"}}}", 1},
	{"containers-auth-runtime", "{\"auths\":{\"quay.io\":{\"auth\":\"dXNlcjpwYXNz\"}}}", 1},
	{"docker-config", "{\"auths\": {}}", 0},
	{"docker-config", "{\n\t\"auths\": {\n\t\t\"https://index.docker.io/v1/\": {}\n\t},\n"
	 "\t\"credsStore\": \"desktop\"\n}\n", 0},
	{"docker-config", "{\"credHelpers\": {\"gcr.io\": \"gcloud\"}, \"HttpHeaders\": "
	 "{\"User-Agent\": \"x\"}}", 0},
	{"containers-auth", "{\"auths\": {\"ghcr.io\": {\"auth\": \"\"}}}", 0},

	/* llm keys.json */
	{"llm-keys", "{\n    \"// Note\": \"This file stores secret API credentials. "
	 "Do not share!\",\n    \"openai\": \"sk-abc\"\n}\n", 3},
	{"llm-keys", "{\n    \"// Note\": \"This file stores secret API credentials. "
	 "Do not share!\"\n}\n", 0},
};
/* clang-format on */

/* Runs one check on an exactly-sized copy, so that ASan sees any read
 * past the end; and checks the result's contract. */
static bool run_check(const struct bh_cred_location *l, const char *text,
		      size_t len, unsigned *line, bool *failed)
{
	char *copy = bh_xmalloc(len ? len : 1);
	memcpy(copy, text, len);
	*line = 12345;
	bool found = l->holds(copy, len, line);
	unsigned lines = 1;
	for (size_t i = 0; i < len; i++)
		lines += copy[i] == '\n';
	free(copy);
	if (found ? *line < 1 || *line > lines : *line != 0) {
		fprintf(stderr, "  %s: result %d with line %u\n", l->id, found,
			*line);
		*failed = true;
	}
	return found;
}

static void check_case(const struct holds_case *c, const char *text,
		       const char *variant, bool *bh_failed)
{
	const struct bh_cred_location *l = test_inv_location(c->id);
	unsigned line;
	if (!l || !l->holds) {
		fprintf(stderr, "  %s: no such location with a check\n", c->id);
		*bh_failed = true;
		return;
	}
	run_check(l, text, strlen(text), &line, bh_failed);
	if (line != c->line) {
		fprintf(stderr, "  %s (%s): line %u, want %u: %.60s\n", c->id,
			variant, line, c->line, c->text);
		*bh_failed = true;
	}
}

TEST(inventory_checks_cases)
{
	for (size_t i = 0; i < BH_ARRAY_SIZE(cases); i++)
		check_case(&cases[i], cases[i].text, "as written", bh_failed);
}

/* The same answer with CRLF line ends, and without the last newline. */
TEST(inventory_checks_crlf_and_last_line)
{
	for (size_t i = 0; i < BH_ARRAY_SIZE(cases); i++) {
		const char *t = cases[i].text;
		size_t n = strlen(t);
		char *crlf = bh_xmalloc(2 * n + 1), *p = crlf;
		for (size_t j = 0; j < n; j++) {
			if (t[j] == '\n')
				*p++ = '\r';
			*p++ = t[j];
		}
		*p = '\0';
		check_case(&cases[i], crlf, "CRLF", bh_failed);
		free(crlf);
		if (n && t[n - 1] == '\n') {
			char *cut = bh_xstrndup(t, n - 1);
			check_case(&cases[i], cut, "no last newline",
				   bh_failed);
			free(cut);
		}
	}
}

/* Every prefix of every row: a file cut anywhere is read safely. */
TEST(inventory_checks_every_prefix)
{
	for (size_t i = 0; i < BH_ARRAY_SIZE(cases); i++) {
		const struct bh_cred_location *l =
		    test_inv_location(cases[i].id);
		REQUIRE(l && l->holds);
		size_t n = strlen(cases[i].text);
		for (size_t k = 0; k <= n; k++) {
			unsigned line;
			run_check(l, cases[i].text, k, &line, bh_failed);
		}
	}
}

TEST(inventory_checks_truncated)
{
	unsigned line;
	CHECK(!bh_inv_holds_secret_setting("[x]\npassw", 9, &line));
	CHECK(!bh_inv_holds_secret_setting("password = \"", 12, &line));
	CHECK(bh_inv_holds_secret_setting("password = \"abc", 15, &line));
	CHECK(!bh_inv_holds_docker_auth("{\"auths\":{\"x\":{\"auth\":\"dXN", 26,
					&line));
	CHECK(!bh_inv_holds_maven_xml("<password", 9, &line));
	CHECK(
	    !bh_inv_holds_maven_xml("<!-- <password>x</password>", 27, &line));
	CHECK(!bh_inv_holds_netrc("machine x password", 18, &line));
	CHECK(!bh_inv_holds_pgpass("h:p:d:u", 7, &line));
	CHECK(!bh_inv_holds_private_key("-----BEGIN RSA PRIVATE KEY-----", 31,
					&line));
	CHECK(!bh_inv_holds_gitconfig("[credential]\nhelper = sto", 25, &line));
	CHECK_INT(line, 0);
}

/* NUL bytes are data, not the end. */
TEST(inventory_checks_nul_bytes)
{
	static const char ini[] = "a = \0\nb = 1\npassword = x\0y\n";
	static const char json[] = "{\"x\":\"\0\",\"token\":\"a\0b\"}";
	unsigned line;
	CHECK(bh_inv_holds_secret_setting(ini, sizeof(ini) - 1, &line));
	CHECK_INT(line, 3);
	CHECK(bh_inv_holds_json_secret(json, sizeof(json) - 1, &line));
	CHECK_INT(line, 1);
	CHECK(!bh_inv_holds_json_secret(NULL, 0, &line));
	CHECK(!bh_inv_holds_private_key(NULL, 0, &line));
	CHECK_INT(line, 0);
}

/* The table names exactly the checks in bh_inv_checks, and each has a
 * row that finds a credential and a look-alike row that must not. */
TEST(inventory_checks_each_has_positive_and_negative)
{
	size_t n;
	const struct bh_cred_location *t = bh_cred_locations(&n);
	for (size_t i = 0; i < n; i++) {
		bool known = !t[i].holds;
		for (size_t c = 0; bh_inv_checks[c] && !known; c++)
			known = bh_inv_checks[c] == t[i].holds;
		CHECK(known);
	}
	for (size_t c = 0; bh_inv_checks[c]; c++) {
		bool used = false, pos = false, neg = false;
		for (size_t i = 0; i < n; i++)
			used = used || t[i].holds == bh_inv_checks[c];
		for (size_t j = 0; j < BH_ARRAY_SIZE(cases); j++) {
			const struct bh_cred_location *l =
			    test_inv_location(cases[j].id);
			if (l && l->holds == bh_inv_checks[c]) {
				pos = pos || cases[j].line;
				neg = neg || !cases[j].line;
			}
		}
		if (!used || !pos || !neg) {
			fprintf(stderr,
				"  check %zu: used %d, positive %d, "
				"negative %d\n",
				c, used, pos, neg);
			CHECK(false);
		}
	}
}

static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Inputs that would make a naive scanner quadratic: unclosed strings and
 * comments, a '<' or "://" at every step, ever-deeper YAML, a tag that
 * opens a CDATA section again and again.  A quadratic check takes minutes
 * here; a linear one milliseconds. */
TEST(inventory_checks_linear_time)
{
	static const char *const units[] = {
	    "\"",
	    "\"a\":",
	    "\\",
	    "<",
	    "<!--",
	    "<password>",
	    "<password><![CDATA[",
	    "a://",
	    "a://x@",
	    "[",
	    "- ",
	    " ",
	    "x:",
	    "macdef\n",
	    "password=$",
	    "auth\":{\"",
	    "-----BEGIN PRIVATE KEY-----\n\n",
	};
	const size_t size = 256 * 1024;
	char *buf = bh_xmalloc(size);
	for (size_t u = 0; u < BH_ARRAY_SIZE(units); u++) {
		size_t ul = strlen(units[u]);
		for (size_t i = 0; i < size; i++)
			buf[i] = units[u][i % ul];
		for (size_t c = 0; bh_inv_checks[c]; c++) {
			unsigned line;
			double start = seconds();
			bh_inv_checks[c](buf, size, &line);
			double took = seconds() - start;
			if (took > 1.0) {
				fprintf(stderr,
					"  check %zu on \"%s\"...: %.1f s\n", c,
					units[u], took);
				CHECK(false);
			}
		}
	}
	free(buf);
}
