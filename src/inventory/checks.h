/* SPDX-License-Identifier: MIT */
/*
 * The content checks that the credential-location table (catalog.c) names
 * in its `holds` fields; internal to src/inventory.  Each has the contract
 * of bh_cred_location.holds: does buf[0..len) hold a credential, and on
 * which 1-based line (*line, 0 when it does not)?  Pure, linear in len,
 * never reads past len, allocates nothing.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

typedef bool bh_inv_check_fn(const char *buf, size_t len, unsigned *line);

/* Every check below, NULL-terminated: for tests and fuzzing. */
extern bh_inv_check_fn *const bh_inv_checks[];

/* PEM, OpenSSH, PGP, SSH2 or PuTTY private key. */
bool bh_inv_holds_private_key(const char *buf, size_t len, unsigned *line);

/* key = value, key: value (INI, TOML, YAML, Java properties, dotenv,
 * HCL): a non-empty value under a name that ends in a secret word
 * (password, token, secret, key, ...), nested values under such a name,
 * or a URL carrying user:password@ anywhere. */
bool bh_inv_holds_secret_setting(const char *buf, size_t len, unsigned *line);

/* A kubeconfig: the above, plus client-key-data and the exec and
 * auth-provider plugins (which mint credentials on demand). */
bool bh_inv_holds_kubeconfig(const char *buf, size_t len, unsigned *line);

/* JSON: a non-empty string under a secret-like key, a map of them
 * ("accessTokens": {"host": "..."}), or a URL with a password. */
bool bh_inv_holds_json_secret(const char *buf, size_t len, unsigned *line);

/* Docker-format auth files: a non-empty "auth", "identitytoken" or
 * "registrytoken".  A file that only names a credsStore or credHelpers is
 * not a finding: the secrets are in the helper's store (a keyring, pass),
 * which has entries of its own. */
bool bh_inv_holds_docker_auth(const char *buf, size_t len, unsigned *line);

/* llm's keys.json: any non-empty value but its "// Note". */
bool bh_inv_holds_llm_keys(const char *buf, size_t len, unsigned *line);

/* Git config: credential.helper store (or git-credential-store), GCM's
 * plaintext credentialStore, a shell helper that echoes a literal
 * password=, an http.extraHeader with an Authorization value, or a URL
 * with a password (url.<base>.insteadOf, remote URLs). */
bool bh_inv_holds_gitconfig(const char *buf, size_t len, unsigned *line);

/* .netrc and .authinfo: a non-empty password token. */
bool bh_inv_holds_netrc(const char *buf, size_t len, unsigned *line);

/* .pgpass: host:port:db:user:password with a non-empty password. */
bool bh_inv_holds_pgpass(const char *buf, size_t len, unsigned *line);

/* Maven settings.xml and settings-security.xml: a non-empty <password>,
 * <passphrase> or <master> outside comments. */
bool bh_inv_holds_maven_xml(const char *buf, size_t len, unsigned *line);
