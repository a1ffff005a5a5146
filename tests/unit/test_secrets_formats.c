/* SPDX-License-Identifier: MIT */
/*
 * Severities of the secret rules.  The rule cases themselves are in
 * test_secrets.c; the corpus run (tests/corpus) measures recall and false
 * positives over whole files.
 */
#include "core/util.h"
#include "inventory/catalog.h"
#include "secrets/rules.h"
#include "secrets/secrets.h"
#include "test.h"

/* The inventory takes a match's severity as it is. */
_Static_assert(BH_SECRET_LOW == (int)BH_SEV_LOW, "severity numbers");
_Static_assert(BH_SECRET_MEDIUM == (int)BH_SEV_MEDIUM, "severity numbers");
_Static_assert(BH_SECRET_HIGH == (int)BH_SEV_HIGH, "severity numbers");
_Static_assert(BH_SECRET_CRITICAL == (int)BH_SEV_CRITICAL, "severity numbers");

static int rule_severity(const char *id)
{
	size_t n;
	const struct bh_secret_rule *rules = bh_secret_value_rules(&n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(rules[i].id, id) == 0)
			return rules[i].severity;
	return -1;
}

TEST(secrets_every_rule_has_a_severity)
{
	size_t n;
	const struct bh_secret_rule *rules = bh_secret_value_rules(&n);
	for (size_t i = 0; i < n; i++) {
		if (rules[i].severity >= BH_SECRET_LOW &&
		    rules[i].severity <= BH_SECRET_CRITICAL)
			continue;
		fprintf(stderr, "  rule %s: severity %d\n", rules[i].id,
			rules[i].severity);
		CHECK(false);
	}
	/* The classes the inventory relies on. */
	CHECK_INT(rule_severity("private-key"), BH_SECRET_CRITICAL);
	CHECK_INT(rule_severity("aws-secret-access-key"), BH_SECRET_CRITICAL);
	CHECK_INT(rule_severity("stripe-secret-key"), BH_SECRET_CRITICAL);
	CHECK_INT(rule_severity("github-pat"), BH_SECRET_HIGH);
	CHECK_INT(rule_severity("npm-token"), BH_SECRET_HIGH);
	CHECK_INT(rule_severity("anthropic-api-key"), BH_SECRET_HIGH);
	CHECK_INT(rule_severity("slack-webhook-url"), BH_SECRET_MEDIUM);
	CHECK_INT(rule_severity("secret-assignment"), BH_SECRET_MEDIUM);
}

/* The header every unencrypted OpenSSH key starts with ("openssh-key-v1",
 * cipher and KDF "none", one key: runs of A, the encoding's zero bytes),
 * then a random body. */
#define OPENSSH_KEY                                                            \
	"-----BEGIN OPENSSH PRIVATE KEY-----\n"                                \
	"b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gt\n" \
	"ZWQyNTUxOQAAACBqXfN3Lk2Qx9rT0sWvYb8uZc1pEoHa4KdLmN7yGwJtFQAAAJh8r2Vx\n" \
	"-----END OPENSSH PRIVATE KEY-----\n"

/* A real key's zero bytes are not a placeholder's run of one character. */
TEST(secrets_unencrypted_openssh_key_is_found)
{
	struct bh_secrets *s = NULL;
	struct bh_error *err = NULL;
	struct bh_secret_match m = {0};
	REQUIRE(bh_secrets_new(&s, &err) == 0);
	CHECK(bh_secrets_match_value(s, OPENSSH_KEY, strlen(OPENSSH_KEY), &m));
	CHECK(m.rule_id && strcmp(m.rule_id, "openssh-private-key") == 0);
	CHECK_INT(m.start, 0);
	bh_secrets_free(s);
}

static int first(void *ctx, const struct bh_secret_match *m)
{
	*(struct bh_secret_match *)ctx = *m;
	return 1;
}

TEST(secrets_match_carries_its_rule_severity)
{
	static const char *const inputs[] = {
	    "key: -----BEGIN EC PRIVATE KEY-----\n"
	    "MHcCAQEEIFq2Xw8vLk3Tn9Rp4Hs7Jm1Qd6Yc0Ub5Ze2Wf8Ka3Gi9oAoGCCqGSM49\n"
	    "AwEHoUQDQgAE4sVn7Rk1Pq9Tz3Yb6Hm2Lc8Wd0Xf5Jg1Na7Ue4Ki9Op3Qr6St2Vw\n"
	    "-----END EC PRIVATE KEY-----\n",
	    "GITHUB_TOKEN=ghp_Ab3De5Gh7Jk9Mn1Pq3St5Vw7Yz9Bc1Df3Gh5",
	    OPENSSH_KEY,
	    "https://hooks.slack.com/services/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",
	    "password = 'Xq7#mP2vL9wR4tK8'",
	};
	struct bh_secrets *s = NULL;
	struct bh_error *err = NULL;
	REQUIRE(bh_secrets_new(&s, &err) == 0);
	for (size_t i = 0; i < BH_ARRAY_SIZE(inputs); i++) {
		struct bh_secret_match m = {0};
		CHECK(bh_secrets_scan(s, inputs[i], strlen(inputs[i]), first,
				      &m) == 1);
		CHECK(m.rule_id && m.severity == rule_severity(m.rule_id));
	}
	bh_secrets_free(s);
}
