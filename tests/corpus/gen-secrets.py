#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the secret-detection corpus, tests/corpus/secrets/.

Fake credentials only: random characters laid out by each vendor's
published format (prefix, length, alphabet, and the checksum where the
format has one: GitHub's and npm's CRC32, age's Bech32, a JWT's JSON
header), written from the formats, not from src/secrets/rules.c.  None of
them authenticates anywhere.  Decoys are what a scanner meets in a real
tree and must not report: hashes, ids, lockfile integrity, public keys,
placeholders, configuration that names a secret without holding one.

The output is checked in, so a run is reproducible without this script;
run it again (same seed, same files) after changing it:
    python3 tests/corpus/gen-secrets.py

manifest.tsv has one row per non-blank line of every file:
    path<TAB>line<TAB>expect
expect is the rule id that must report a secret starting on that line,
"-" for a line nobody may report, "+" for a continuation of the secret
above (a report there counts for it, never against).
"""
import base64
import binascii
import hashlib
import json
import os
import random
import string
import urllib.parse
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "secrets")
SEED = 20261126

R = random.Random(SEED)
UP = string.ascii_uppercase
LO = string.ascii_lowercase
DIG = string.digits
HEX = "0123456789abcdef"
ALNUM = UP + LO + DIG
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"
B32 = UP + "234567"


def rs(alphabet, n):
    return "".join(R.choice(alphabet) for _ in range(n))


def uuid():
    h = rs(HEX, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{R.choice('89ab')}{h[17:20]}-{h[20:]}"


def b64(data, url=False, pad=True):
    s = (base64.urlsafe_b64encode if url else base64.b64encode)(data).decode()
    return s if pad else s.rstrip("=")


def base62(n, width):
    out = ""
    while n:
        n, r = divmod(n, 62)
        out = (DIG + UP + LO)[r] + out
    return out.rjust(width, "0")


def crc_token(prefix, body_len):
    """GitHub and npm: random base62 body, then its CRC32 in 6 base62."""
    body = rs(ALNUM, body_len)
    return prefix + body + base62(binascii.crc32(body.encode()), 6)


def bech32(hrp, data):
    charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
    gen = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]

    def polymod(values):
        chk = 1
        for v in values:
            b = chk >> 25
            chk = (chk & 0x1FFFFFF) << 5 ^ v
            for i in range(5):
                chk ^= gen[i] if (b >> i) & 1 else 0
        return chk

    acc, bits, words = 0, 0, []
    for byte in data:
        acc = acc << 8 | byte
        bits += 8
        while bits >= 5:
            bits -= 5
            words.append(acc >> bits & 31)
    if bits:
        words.append(acc << (5 - bits) & 31)
    exp = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    pm = polymod(exp + words + [0] * 6) ^ 1
    chk = [pm >> 5 * (5 - i) & 31 for i in range(6)]
    return hrp + "1" + "".join(charset[w] for w in words + chk)


def jwt():
    header = {"alg": R.choice(["HS256", "RS256", "ES256"]), "typ": "JWT"}
    payload = {"sub": rs(DIG, 10), "iat": 1760000000 + R.randrange(10**7),
               "name": rs(LO, 8)}
    enc = lambda o: b64(json.dumps(o).encode(), url=True, pad=False)
    return f"{enc(header)}.{enc(payload)}.{rs(B64URL, 43)}"


def discord():
    snowflake = str(R.randrange(10**17, 10**19))
    return f"{b64(snowflake.encode(), url=True, pad=False)}.{rs(B64URL, 6)}.{rs(B64URL, 38)}"


def pem(kind, lines):
    body = b64(bytes(R.randrange(256) for _ in range(48 * lines)))
    rows = [body[i:i + 64] for i in range(0, len(body), 64)]
    return [f"-----BEGIN {kind}-----"] + rows + [f"-----END {kind}-----"]


def openssh_key():
    # "openssh-key-v1", cipher and kdf "none", one key: the zero bytes of
    # the real header, then random bytes for the rest.
    head = (b"openssh-key-v1\0" + b"\0\0\0\4none" * 2 + b"\0\0\0\0\0\0\0\1"
            + b"\0\0\0\x33\0\0\0\x0bssh-ed25519\0\0\0\x20")
    raw = head + bytes(R.randrange(256) for _ in range(300))
    body = b64(raw)
    return (["-----BEGIN OPENSSH PRIVATE KEY-----"]
            + [body[i:i + 70] for i in range(0, len(body), 70)]
            + ["-----END OPENSSH PRIVATE KEY-----"])


def pgp_key():
    body = b64(bytes(R.randrange(256) for _ in range(400)))
    return (["-----BEGIN PGP PRIVATE KEY BLOCK-----", ""]
            + [body[i:i + 64] for i in range(0, len(body), 64)]
            + ["=" + rs(B64, 4), "-----END PGP PRIVATE KEY BLOCK-----"])


def putty_key():
    pub = b64(bytes(R.randrange(256) for _ in range(100)))
    priv = b64(bytes(R.randrange(256) for _ in range(140)))
    rows = lambda s: [s[i:i + 64] for i in range(0, len(s), 64)]
    pr = rows(pub)
    pv = rows(priv)
    return (["PuTTY-User-Key-File-3: ssh-ed25519", "Encryption: none",
             f"Comment: eddsa-key-2026{rs(DIG, 4)}", f"Public-Lines: {len(pr)}"]
            + pr + [f"Private-Lines: {len(pv)}"] + pv
            + [f"Private-MAC: {rs(HEX, 64)}"])


def b64_private_key():
    lines = pem("RSA PRIVATE KEY", 6)
    return b64(("\n".join(lines) + "\n").encode())


def basic(user):
    return b64(f"{user}:{rs(ALNUM + '!#%', 16)}".encode())


def password():
    return rs(ALNUM, R.randrange(14, 22)) + R.choice("!#%^*") + rs(ALNUM, 3)


def url_password():
    """A password as a URL carries it: reserved characters percent-encoded."""
    return urllib.parse.quote(password(), safe="")


def bedrock():
    inner = f"BedrockAPIKey-{rs(LO + DIG, 4)}-at-{rs(DIG, 12)}:{rs(B64, 60)}"
    return "ABSK" + b64(inner.encode())


def artifactory_ref():
    return b64(f"reftkn:01:{rs(DIG, 10)}:{rs(ALNUM, 27)}".encode())[:64]


def pypi():
    return "pypi-AgEIcHlwaS5vcmc" + b64(bytes(R.randrange(256) for _ in range(90)), url=True, pad=False)


def wireguard():
    return b64(bytes(R.randrange(256) for _ in range(32)))


def crypt_salt(n):
    return rs(ALNUM + "./", n)


def shadow_hash():
    kind = R.choice(["6", "y", "2b"])
    if kind == "6":
        return f"$6${crypt_salt(16)}${crypt_salt(86)}"
    if kind == "y":
        return f"$y$j9T${crypt_salt(22)}${crypt_salt(43)}"
    return f"$2b$12${crypt_salt(53)}"


# Each value rule: a generator of the secret's bytes (what the engine must
# report) and the variable name it usually travels under.
V = {
    "aws-access-key-id": (lambda: R.choice(["AKIA", "ASIA"]) + rs(B32, 16), "AWS_ACCESS_KEY_ID"),
    "aws-session-token": (lambda: "IQoJb3JpZ2luX2VjE" + rs(B64, 300) + "==", "AWS_SESSION_TOKEN"),
    "google-api-key": (lambda: "AIza" + rs(B64URL, 35), "GOOGLE_API_KEY"),
    "google-oauth-client-secret": (lambda: "GOCSPX-" + rs(B64URL, 28), "GOOGLE_CLIENT_SECRET"),
    "google-oauth-access-token": (lambda: "ya29.a0" + rs(B64URL, 150), "GOOGLE_OAUTH_ACCESS_TOKEN"),
    "azure-ad-client-secret": (lambda: rs(ALNUM, 3) + R.choice(DIG) + "Q~" + rs(ALNUM + "_~.-", 34), "AZURE_CLIENT_SECRET"),
    "alibaba-access-key-id": (lambda: "LTAI" + rs(ALNUM, 20), "ALIBABA_CLOUD_ACCESS_KEY_ID"),
    "digitalocean-token": (lambda: "dop_v1_" + rs(HEX, 64), "DIGITALOCEAN_TOKEN"),
    "heroku-api-key": (lambda: "HRKU-AA" + rs(B64URL, 58), "HEROKU_API_KEY"),
    "aws-bedrock-api-key": (bedrock, "AWS_BEARER_TOKEN_BEDROCK"),
    "tencent-secret-id": (lambda: "AKID" + rs(ALNUM, 32), "TENCENTCLOUD_SECRET_ID"),
    "cloudflare-token": (lambda: R.choice(["cfut_" + rs(ALNUM, 40) + rs(HEX, 8), "v1.0-" + rs(HEX, 24) + "-" + rs(HEX, 146)]), "CLOUDFLARE_API_TOKEN"),
    "fly-token": (lambda: R.choice(["fo1_" + rs(B64URL, 43), "fm2_" + rs(B64, 180) + "=="]), "FLY_API_TOKEN"),
    "vercel-token": (lambda: R.choice("pikar").join(["vc", "_"]) + rs(ALNUM, 56), "VERCEL_TOKEN"),
    "netlify-token": (lambda: "nfp_" + rs(ALNUM, 36), "NETLIFY_AUTH_TOKEN"),
    "github-pat": (lambda: crc_token("ghp_", 30), "GITHUB_TOKEN"),
    "github-oauth-token": (lambda: crc_token("gho_", 30), "GH_TOKEN"),
    "github-user-token": (lambda: crc_token("ghu_", 30), "GITHUB_USER_TOKEN"),
    "github-app-token": (lambda: crc_token("ghs_", 30), "GITHUB_APP_TOKEN"),
    "github-refresh-token": (lambda: crc_token("ghr_", 70), "GITHUB_REFRESH_TOKEN"),
    "github-fine-grained-pat": (lambda: "github_pat_" + rs(ALNUM, 22) + "_" + rs(ALNUM, 59), "GITHUB_PAT"),
    "gitlab-pat": (lambda: "glpat-" + rs(B64URL, 20), "GITLAB_TOKEN"),
    "gitlab-token": (lambda: R.choice(["gldt-", "glrt-", "glptt-", "glcbt-"]) + rs(ALNUM, 20), "CI_DEPLOY_TOKEN"),
    "bitbucket-app-password": (lambda: "ATBB" + rs(ALNUM, 32) + rs(HEX.upper(), 8), "BITBUCKET_APP_PASSWORD"),
    "atlassian-api-token": (lambda: "ATATT3xFfGF0" + rs(B64URL, 171) + "=" + rs(HEX.upper(), 8), "JIRA_API_TOKEN"),
    "buildkite-token": (lambda: "bkua_" + rs(HEX, 40), "BUILDKITE_API_TOKEN"),
    "terraform-cloud-token": (lambda: rs(ALNUM, 14) + ".atlasv1." + rs(ALNUM, 67), "TFE_TOKEN"),
    "pulumi-token": (lambda: "pul-" + rs(HEX, 40), "PULUMI_ACCESS_TOKEN"),
    "vault-token": (lambda: R.choice(["hvs.", "hvb."]) + rs(B64URL, 90), "VAULT_TOKEN"),
    "doppler-token": (lambda: R.choice(["dp.pt.", "dp.st."]) + rs(ALNUM, 43), "DOPPLER_TOKEN"),
    "onepassword-service-token": (lambda: "ops_eyJ" + rs(B64URL, 600), "OP_SERVICE_ACCOUNT_TOKEN"),
    "tailscale-key": (lambda: "tskey-auth-" + rs(ALNUM, 12) + "CNTRL-" + rs(ALNUM, 33), "TS_AUTHKEY"),
    "docker-hub-pat": (lambda: "dckr_pat_" + rs(B64URL, 27), "DOCKERHUB_TOKEN"),
    "databricks-token": (lambda: "dapi" + rs(HEX, 32), "DATABRICKS_TOKEN"),
    "grafana-token": (lambda: R.choice(["glsa_" + rs(ALNUM, 32) + "_" + rs(HEX, 8), "glc_" + b64(json.dumps({"o": rs(DIG, 6), "n": "stack-" + rs(DIG, 6), "k": rs(ALNUM, 24)}).encode())]), "GRAFANA_TOKEN"),
    "sentry-token": (lambda: R.choice(["sntrys_eyJ" + rs(B64URL, 150), "sntryu_" + rs(HEX, 64)]), "SENTRY_AUTH_TOKEN"),
    "newrelic-api-key": (lambda: "NRAK-" + rs(UP + DIG, 27), "NEW_RELIC_API_KEY"),
    "dynatrace-token": (lambda: "dt0c01." + rs(UP + DIG, 24) + "." + rs(UP + DIG, 64), "DT_API_TOKEN"),
    "sonarqube-token": (lambda: R.choice(["sqp_", "squ_", "sqa_"]) + rs(HEX, 40), "SONAR_TOKEN"),
    "circleci-token": (lambda: "CCIPAT_" + rs(ALNUM, 22) + "_" + rs(HEX, 40), "CIRCLECI_TOKEN"),
    "harness-token": (lambda: "pat." + rs(B64URL, 22) + "." + rs(ALNUM, 24) + "." + rs(ALNUM, 20), "HARNESS_API_KEY"),
    "octopus-deploy-api-key": (lambda: "API-" + rs(UP + DIG, 26), "OCTOPUS_API_KEY"),
    "infracost-api-key": (lambda: "ico-" + rs(ALNUM, 32), "INFRACOST_API_KEY"),
    "prefect-api-key": (lambda: "pnu_" + rs(ALNUM, 36), "PREFECT_API_KEY"),
    "sourcegraph-token": (lambda: "sgp_" + rs(HEX, 16) + "_" + rs(HEX, 40), "SRC_ACCESS_TOKEN"),
    "npm-token": (lambda: crc_token("npm_", 30), "NPM_TOKEN"),
    "pypi-token": (pypi, "TWINE_PASSWORD"),
    "rubygems-api-key": (lambda: "rubygems_" + rs(HEX, 48), "GEM_HOST_API_KEY"),
    "artifactory-api-key": (lambda: "AKCp" + rs(ALNUM, 69), "ARTIFACTORY_API_KEY"),
    "artifactory-reference-token": (artifactory_ref, "JFROG_ACCESS_TOKEN"),
    "crates-io-token": (lambda: "cio" + rs(ALNUM, 32), "CARGO_REGISTRY_TOKEN"),
    "nuget-api-key": (lambda: "oy2" + rs(LO + DIG, 43), "NUGET_API_KEY"),
    "clojars-token": (lambda: "CLOJARS_" + rs(LO + DIG, 60), "CLOJARS_DEPLOY_TOKEN"),
    "anthropic-api-key": (lambda: "sk-ant-api03-" + rs(B64URL, 93) + "AA", "ANTHROPIC_API_KEY"),
    "anthropic-oauth-token": (lambda: "sk-ant-oat01-" + rs(B64URL, 93) + "AA", "CLAUDE_CODE_OAUTH_TOKEN"),
    "openai-api-key": (lambda: R.choice(["sk-proj-", "sk-svcacct-"]) + rs(B64URL, 156), "OPENAI_API_KEY"),
    "openrouter-api-key": (lambda: "sk-or-v1-" + rs(HEX, 64), "OPENROUTER_API_KEY"),
    "deepseek-api-key": (lambda: "sk-" + rs(HEX, 32), "DEEPSEEK_API_KEY"),
    "huggingface-token": (lambda: "hf_" + rs(ALNUM, 34), "HF_TOKEN"),
    "replicate-token": (lambda: "r8_" + rs(ALNUM, 37), "REPLICATE_API_TOKEN"),
    "groq-api-key": (lambda: "gsk_" + rs(ALNUM, 52), "GROQ_API_KEY"),
    "xai-api-key": (lambda: "xai-" + rs(ALNUM, 80), "XAI_API_KEY"),
    "perplexity-api-key": (lambda: "pplx-" + rs(ALNUM, 48), "PERPLEXITY_API_KEY"),
    "langsmith-api-key": (lambda: "lsv2_pt_" + rs(HEX, 32) + "_" + rs(HEX, 10), "LANGSMITH_API_KEY"),
    "nvidia-api-key": (lambda: "nvapi-" + rs(B64URL, 64), "NVIDIA_API_KEY"),
    "tavily-api-key": (lambda: "tvly-" + R.choice(["", "dev-"]) + rs(ALNUM, 32), "TAVILY_API_KEY"),
    "pinecone-api-key": (lambda: "pcsk_" + rs(ALNUM, 6) + "_" + rs(ALNUM, 64), "PINECONE_API_KEY"),
    "cerebras-api-key": (lambda: "csk-" + rs(LO + DIG, 48), "CEREBRAS_API_KEY"),
    "fireworks-api-key": (lambda: "fw_" + rs(ALNUM, 24), "FIREWORKS_API_KEY"),
    "elevenlabs-api-key": (lambda: "sk_" + rs(HEX, 48), "ELEVENLABS_API_KEY"),
    "together-api-key": (lambda: "tgp_v1_" + rs(B64URL, 43), "TOGETHER_API_KEY"),
    "langfuse-secret-key": (lambda: "sk-lf-" + uuid(), "LANGFUSE_SECRET_KEY"),
    "slack-token": (lambda: R.choice(["xoxb-" + rs(DIG, 12) + "-" + rs(DIG, 13) + "-" + rs(ALNUM, 24), "xoxp-" + rs(DIG, 12) + "-" + rs(DIG, 12) + "-" + rs(DIG, 13) + "-" + rs(HEX, 32)]), "SLACK_BOT_TOKEN"),
    "slack-app-token": (lambda: "xapp-1-A" + rs(UP + DIG, 10) + "-" + rs(DIG, 13) + "-" + rs(HEX, 64), "SLACK_APP_TOKEN"),
    "slack-config-token": (lambda: R.choice(["xoxe.xoxp-1-" + rs(ALNUM, 164), "xoxe-1-" + rs(ALNUM, 146)]), "SLACK_CONFIG_TOKEN"),
    "discord-bot-token": (discord, "DISCORD_TOKEN"),
    "telegram-bot-token": (lambda: rs(DIG[1:], 1) + rs(DIG, 9) + ":AA" + rs(B64URL, 33), "TELEGRAM_BOT_TOKEN"),
    "stripe-secret-key": (lambda: R.choice(["sk_live_", "rk_live_"]) + rs(ALNUM, 99), "STRIPE_SECRET_KEY"),
    "payment-test-key": (lambda: R.choice(["sk_test_" + rs(ALNUM, 99), "FLWSECK_TEST-" + rs(HEX, 32) + "-X", "access_token$sandbox$" + rs(LO + DIG, 16) + "$" + rs(HEX, 32)]), "PAYMENT_TEST_SECRET"),
    "braintree-access-token": (lambda: "access_token$production$" + rs(LO + DIG, 16) + "$" + rs(HEX, 32), "BRAINTREE_ACCESS_TOKEN"),
    "flutterwave-secret-key": (lambda: "FLWSECK-" + rs(HEX, 32) + "-X", "FLW_SECRET_KEY"),
    "plaid-access-token": (lambda: "access-production-" + uuid(), "PLAID_ACCESS_TOKEN"),
    "stripe-webhook-secret": (lambda: "whsec_" + rs(ALNUM, 32), "STRIPE_WEBHOOK_SECRET"),
    "square-token": (lambda: R.choice(["EAAA" + rs(B64URL, 60), "sq0atp-" + rs(B64URL, 22), "sq0csp-" + rs(B64URL, 43)]), "SQUARE_ACCESS_TOKEN"),
    "shopify-token": (lambda: R.choice(["shpat_", "shpca_", "shppa_", "shpss_"]) + rs(HEX, 32), "SHOPIFY_ACCESS_TOKEN"),
    "twilio-api-key": (lambda: "SK" + rs(HEX, 32), "TWILIO_API_KEY"),
    "sendgrid-api-key": (lambda: "SG." + rs(B64URL, 22) + "." + rs(B64URL, 43), "SENDGRID_API_KEY"),
    "mailgun-api-key": (lambda: R.choice(["key-" + rs(HEX, 32), rs(HEX, 32) + "-" + rs(HEX, 8) + "-" + rs(HEX, 8)]), "MAILGUN_API_KEY"),
    "postman-api-key": (lambda: "PMAK-" + rs(HEX, 24) + "-" + rs(HEX, 34), "POSTMAN_API_KEY"),
    "linear-api-key": (lambda: "lin_api_" + rs(ALNUM, 40), "LINEAR_API_KEY"),
    "notion-token": (lambda: R.choice(["secret_" + rs(ALNUM, 43), "ntn_" + rs(DIG, 11) + rs(ALNUM, 35)]), "NOTION_TOKEN"),
    "supabase-token": (lambda: "sbp_" + rs(HEX, 40), "SUPABASE_ACCESS_TOKEN"),
    "planetscale-token": (lambda: R.choice(["pscale_tkn_", "pscale_pw_"]) + rs(B64URL, 43), "PLANETSCALE_SERVICE_TOKEN"),
    "mapbox-secret-token": (lambda: "sk.eyJ1Ijoi" + rs(B64URL, 60) + "." + rs(B64URL, 22), "MAPBOX_SECRET_TOKEN"),
    "shippo-token": (lambda: "shippo_live_" + rs(HEX, 40), "SHIPPO_API_TOKEN"),
    "mailchimp-api-key": (lambda: rs(HEX, 32) + "-us" + str(R.randrange(1, 22)), "MAILCHIMP_API_KEY"),
    "brevo-api-key": (lambda: R.choice(["xkeysib-", "xsmtpsib-"]) + rs(HEX, 64) + "-" + rs(ALNUM, 16), "BREVO_API_KEY"),
    "facebook-access-token": (lambda: "EAA" + R.choice("BGJM") + rs(ALNUM, 180), "FACEBOOK_ACCESS_TOKEN"),
    "hubspot-token": (lambda: "pat-" + R.choice(["na1", "eu1"]) + "-" + uuid(), "HUBSPOT_ACCESS_TOKEN"),
    "figma-token": (lambda: "figd_" + rs(B64URL, 40), "FIGMA_TOKEN"),
    "contentful-token": (lambda: "CFPAT-" + rs(B64URL, 43), "CONTENTFUL_MANAGEMENT_TOKEN"),
    "airtable-pat": (lambda: "pat" + rs(ALNUM, 14) + "." + rs(HEX, 64), "AIRTABLE_API_KEY"),
    "dropbox-token": (lambda: "sl." + rs(B64URL, 140), "DROPBOX_ACCESS_TOKEN"),
    "readme-api-key": (lambda: "rdme_" + rs(LO + DIG, 70), "README_API_KEY"),
    "typeform-token": (lambda: "tfp_" + rs(ALNUM, 44) + "_" + rs(ALNUM, 14), "TYPEFORM_TOKEN"),
    "onepassword-secret-key": (lambda: "A3-" + rs(UP + DIG, 6) + "-" + rs(UP + DIG, 6) + "-" + "-".join(rs(UP + DIG, 5) for _ in range(4)), "OP_SECRET_KEY"),
    "age-secret-key": (lambda: bech32("age-secret-key-", bytes(R.randrange(256) for _ in range(32))).upper(), "AGE_KEY"),
    "jwt": (jwt, "ID_TOKEN"),
}

# How the secret appears in a line, per file type.  {N}: the variable name,
# {n}: its lower-case form, {v}: the secret.
LINE = {
    ".env": ["{N}={v}", "{N}=\"{v}\"", "export {N}={v}"],
    ".sh": ["export {N}=\"{v}\"", "{N}='{v}' ./deploy.sh --env prod", "curl -sf -H \"X-Api-Key: {v}\" https://api.internal.test/v1/ping"],
    ".json": ["  \"{n}\": \"{v}\",", "    \"credential\": \"{v}\""],
    ".yaml": ["  {n}: {v}", "      {N}: \"{v}\"", "    value: '{v}'"],
    ".py": ["{N} = \"{v}\"", "client = Client(api_key=\"{v}\")", "    headers={{\"Authorization\": \"Bearer {v}\"}},"],
    ".js": ["const {n} = '{v}';", "  {n}: \"{v}\",", "fetch(url, {{ headers: {{ Authorization: `Bearer {v}` }} }});"],
    ".go": ["\t{n} := \"{v}\"", "var {N} = \"{v}\""],
    ".toml": ["{n} = \"{v}\""],
    ".log": ["2026-11-26T09:14:03.118Z DEBUG http: sending credential {v} to upstream",
             "[worker-3] retrying with {v} after 401"],
    ".tf": ["  {n} = \"{v}\""],
    ".xml": ["  <add key=\"{N}\" value=\"{v}\" />", "  <{n}>{v}</{n}>"],
    ".ini": ["{n} = {v}", "{N}: {v}"],
    ".properties": ["{n}={v}", "app.{n}: {v}"],
    ".md": ["Run `{N}={v} make deploy` once, then rotate it.", "| prod | `{v}` | rotated 2026-11 |"],
    ".history": ["tool login --token={v}", "docker run --rm -e {N}={v} app:latest", "echo -n '{v}' | gh auth login --with-token"],
    ".java": ["    private static final String {N} = \"{v}\";"],
    ".rb": ["{n} = '{v}'", "ENV['{N}'] ||= \"{v}\""],
    ".php": ["    '{n}' => '{v}',"],
    ".rs": ["    let {n} = \"{v}\";"],
}

# ---- decoys --------------------------------------------------------------


def decoy_lines():
    """Lines that hold nothing secret, several hundred of them random."""
    words = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor "
             "incididunt ut labore et dolore magna aliqua token secret password key auth").split()
    name = lambda: rs(LO, R.randrange(3, 10))
    rand_bytes = lambda n: bytes(R.randrange(256) for _ in range(n))
    prose = lambda lo, hi: " ".join(R.choice(words) for _ in range(R.randrange(lo, hi)))
    yarn_resolved = lambda n: (f"  resolved \"https://registry.yarnpkg.com/{n}/-/{n}-1.{R.randrange(20)}."
                               f"{R.randrange(9)}.tgz#{rs(HEX, 40)}\"")
    # How many of each, and how to make one.
    kinds = [
        (60, lambda: f"commit {rs(HEX, 40)}"),
        (40, lambda: f"    Merge: {rs(HEX, 7)} {rs(HEX, 7)}"),
        (60, lambda: f"request_id={uuid()} trace_id={rs(HEX, 32)} span_id={rs(HEX, 16)}"),
        (40, lambda: f"{rs(HEX, 64)}  dist/app-{R.randrange(100)}.{R.randrange(100)}.tar.gz"),
        (40, lambda: f"{rs(HEX, 32)}  vendor/lib{rs(LO, 5)}.so"),
        (60, lambda: f"      \"integrity\": \"sha512-{b64(hashlib.sha512(name().encode()).digest())}\","),
        (40, lambda: yarn_resolved(name())),
        (40, lambda: f"github.com/{rs(LO, 6)}/{rs(LO, 8)} v0.{R.randrange(30)}.{R.randrange(9)} h1:{b64(rand_bytes(32))}"),
        (30, lambda: f"checksum = \"{rs(HEX, 64)}\""),
        (30, lambda: f"FROM docker.io/library/{R.choice(['node', 'python', 'golang', 'debian'])}@sha256:{rs(HEX, 64)}"),
        (30, lambda: f"<script src=\"/static/app.{rs(HEX, 8)}.js\" integrity=\"sha384-{b64(rand_bytes(48))}\" crossorigin=\"anonymous\"></script>"),
        (80, lambda: prose(8, 16).capitalize() + "."),
        (40, lambda: f"data: {b64(prose(3, 12).encode())}"),
        (30, lambda: "!function(e,t){var n=" + ";".join(f"{rs(LO, 1)}{R.randrange(99)}=e[{R.randrange(99)}]" for _ in range(12)) + "}(window,document);"),
        (30, lambda: f".c-{rs(LO + DIG, 6)}{{color:#{rs(HEX, 6)};background:#{rs(HEX, 6)};margin:{R.randrange(20)}px}}"),
        (30, lambda: f"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{rs(B64, 43)} {rs(LO, 5)}@{rs(LO, 6)}"),
        (20, lambda: f"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQ{rs(B64, 300)} {rs(LO, 5)}@laptop"),
        (20, lambda: f"{rs(LO, 8)}.example.net ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBB{rs(B64, 100)}="),
        (20, lambda: f"256 SHA256:{rs(B64, 43)} {rs(LO, 5)}@host (ED25519)"),
    ]
    d = [make() for count, make in kinds for _ in range(count)]
    # Configuration that names a secret without holding one.
    refs = ["password=${DB_PASSWORD}", "password: ${{ secrets.DB_PASSWORD }}", "DB_PASSWORD=",
            "PASSWORD=changeme", "password = \"\"", "api_key = os.environ[\"API_KEY\"]",
            "api_key: <YOUR_API_KEY>", "token: \"{{ vault_token }}\"", "secret_key_base: <%= ENV[\"SECRET_KEY_BASE\"] %>",
            "GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}", "client_secret=$(cat /run/secrets/client_secret)",
            "export AWS_SECRET_ACCESS_KEY=\"$AWS_SECRET\"", "auth_token = settings.AUTH_TOKEN",
            "password_min_length = 12", "token_expiry_seconds = 3600", "auth: true", "token_type: bearer",
            "docker login --password-stdin < token.txt", "--password-file=/etc/app/db.pass",
            "PASSWORD_HASH_ALGORITHM=argon2id", "secret: null", "api_key = None", "private_key_path = ~/.ssh/id_ed25519",
            "SECRET_NAME=prod/app/db", "token_url: https://oauth2.googleapis.com/token",
            "password: \"********\"", "apiKey: process.env.API_KEY,", "credentials: include",
            "AUTH_MODE=oauth", "KEY_ROTATION_DAYS=90", "private_key: \"-----BEGIN PRIVATE KEY-----\\n...\\n-----END PRIVATE KEY-----\\n\"",
            "postgres://app:${DB_PASSWORD}@db.internal:5432/app", "redis://cache.internal:6379/0",
            "mongodb+srv://cluster0.mongodb.net/?retryWrites=true", "https://user@git.internal.test/org/repo.git",
            "amqp://guest:guest@localhost:5672/", "mysql://root:password@localhost/test",
            "Authorization: Bearer <token>", "Authorization: Bearer $TOKEN", "curl -u \"$USER:$PASS\" https://api.test/",
            "Authorization: Basic <base64 of user:password>", "machine api.heroku.com login me@example.com password $HEROKU_API_KEY"]
    for _ in range(3):
        d.extend(refs)
    # Code and configuration that handle secrets without holding one.
    code = ["fetch(url, { credentials: 'same-origin' })", "  credentials: 'include',",
            "const token = localStorage.getItem('token');", "const password = form.elements.password.value;",
            "headers.Authorization = `Bearer ${token}`;", "if (!token) throw new Error('missing token');",
            "  password: { type: String, required: true, minlength: 12 },",
            "  token: jwt.sign(payload, process.env.JWT_SECRET, { expiresIn: '1h' }),",
            "  apiKey: config.get('stripe.apiKey'),", "password = getpass.getpass()",
            "token = request.headers.get(\"Authorization\")", "secret_key = os.environ.get(\"SECRET_KEY\")",
            "    api_key=settings.OPENAI_API_KEY,", "    auth=HTTPBasicAuth(user, password),",
            "SECRET_KEY = env(\"DJANGO_SECRET_KEY\")", "AUTH_PASSWORD_VALIDATORS = [",
            "            secretKeyRef:", "              name: db-credentials", "              key: password",
            "  secretName: tls-secret", "  auth:", "    type: oauth2",
            "        password: ${{ secrets.DOCKERHUB_TOKEN }}", "  password = var.db_password",
            "  secret_string = jsonencode(var.db_credentials)", "  kms_key_id = aws_kms_key.main.arn",
            "  api_key = data.vault_generic_secret.datadog.data[\"api_key\"]",
            "auth_method = scram-sha-256", "password_encryption = scram-sha-256",
            "host    all    all    10.0.0.0/8    scram-sha-256",
            "  secret_arn = \"arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf\"",
            "The API key is sent in the X-Api-Key header, never in the query string.",
            "AUTH_DOMAIN=auth.example.com", "TOKEN_TTL=3600", "SECRET_ROTATION=enabled",
            "PASSWORD_RESET_TIMEOUT=86400", "String password = System.getenv(\"DB_PASSWORD\");",
            "@Value(\"${app.jwt.secret}\") private String jwtSecret;", "token := os.Getenv(\"GITHUB_TOKEN\")",
            "\tPassword: cfg.Database.Password,", "let token = std::env::var(\"API_TOKEN\")?;",
            "  \"password_too_short\": \"Password must be at least 12 characters\",",
            "  \"token_expired\": \"Your session has expired\",", "grant_type=client_credentials&scope=read",
            "token_endpoint_auth_method: client_secret_basic", "auth_strategy = \"jwt-bearer\"",
            "tokenizer: sentencepiece_bpe", "TOKEN_ISSUER=accounts.google.com", "secret_name: prod-db-credentials",
            "authProvider: \"AzureADProvider\"", "api_key_header: X-Api-Key", "SECRET_BACKEND=hashicorp-vault",
            "key_algorithm: ECDSA_P256_SHA256", "token_type_hint=refresh_token",
            "passwd: files systemd", "auth required pam_unix.so", "auth    sufficient    pam_sss.so use_first_pass",
            "PermitRootLogin prohibit-password", "PasswordAuthentication no", "PubkeyAuthentication yes",
            "IdentityFile ~/.ssh/id_ed25519", "AuthorizedKeysFile .ssh/authorized_keys",
            "ssl_certificate_key /etc/nginx/tls/privkey.pem;", "auth_basic_user_file /etc/nginx/.htpasswd;",
            "proxy_set_header Authorization \"\";", "git config --global credential.helper store",
            "[credential]", "\thelper = osxkeychain", "gpg --export-secret-keys --armor > backup.asc",
            "ssh-keygen -t ed25519 -C ci@example.com -f ~/.ssh/deploy_key -N ''",
            "openssl genpkey -algorithm ed25519 -out private.pem", "kubectl create secret generic db --from-literal=password=$DB_PASSWORD",
            "aws secretsmanager get-secret-value --secret-id prod/db --query SecretString",
            "vault kv get -field=password secret/prod/db", "op read op://Private/GitHub/token"]
    d.extend(code)
    # Documentation placeholders.
    docs = ["aws_access_key_id = AKIAIOSFODNN7EXAMPLE", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "OPENAI_API_KEY=sk-...your-key-here",
            "SLACK_BOT_TOKEN=xoxb-your-bot-token", "STRIPE_SECRET_KEY=sk_live_XXXXXXXXXXXXXXXXXXXXXXXX",
            "ANTHROPIC_API_KEY=sk-ant-api03-xxxxxxxxxxxxxxxxxxxx", "HF_TOKEN=hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "export NPM_TOKEN=npm_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", "api_key: \"YOUR_API_KEY_HERE\"",
            "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
            "-----BEGIN RSA PRIVATE KEY-----", "...", "-----END RSA PRIVATE KEY-----",
            "token = \"<paste your token here>\"", "GOOGLE_API_KEY=AIzaSy-REPLACE-WITH-YOUR-KEY",
            "export VAULT_TOKEN=hvs.EXAMPLE_EXAMPLE_EXAMPLE_EXAMPLE"]
    for _ in range(3):
        d.extend(docs)
    # Public, not secret: publishable keys, ids, DSNs.
    for _ in range(10):
        d.append(f"STRIPE_PUBLISHABLE_KEY=pk_live_{rs(ALNUM, 99)}")
        d.append(f"TWILIO_ACCOUNT_SID=AC{rs(HEX, 32)}")
        d.append(f"SENTRY_DSN=https://{rs(HEX, 32)}@o{rs(DIG, 6)}.ingest.sentry.io/{rs(DIG, 7)}")
        d.append(f"GOOGLE_CLIENT_ID={rs(DIG, 12)}-{rs(LO + DIG, 32)}.apps.googleusercontent.com")
        d.append(f"MAPBOX_PUBLIC_TOKEN=pk.eyJ1Ijoi{rs(B64URL, 60)}.{rs(B64URL, 22)}")
        d.append(f"\"UserId\": \"AIDA{rs(B32, 17)}\", \"RoleId\": \"AROA{rs(B32, 17)}\"")
        d.append(f"arn:aws:iam::{rs(DIG, 12)}:role/{rs(LO, 8)}-deploy")
        d.append(f"kms_key_id = \"{uuid()}\"")
    # Look-alikes of token formats: wrong length, wrong prefix, not random.
    for _ in range(10):
        d.append(f"eyJ{rs(B64URL, 30)}.eyJ{rs(B64URL, 30)}.{rs(B64URL, 20)}")  # not base64 JSON
        d.append(f"ghp_{rs(ALNUM, 20)}")
        d.append(f"AKIA{rs(B32, 12)}")
        d.append(f"xoxb-{rs(DIG, 5)}-short")
        d.append(f"sk-{rs(HEX, 20)}")
        d.append(f"glpat-{rs(ALNUM, 8)}")
        d.append(f"npm_{rs(ALNUM, 20)}")
        d.append(f"hf_{rs(LO, 10)}_{rs(LO, 8)}_{rs(LO, 6)}")
        d.append(f"sq0xyz-{rs(ALNUM, 22)}")
        d.append(f"id=dapi{rs(HEX, 12)}")
    # Every format cut short, and with its body masked, as documentation
    # and truncated logs show them.
    for rule, (gen, _) in V.items():
        v = gen()
        cuts = [i for i in (v.find("_", 2), v.find("-", 2), v.find(".", 2)) if 0 < i < 12]
        k = min(cuts or [3]) + 1
        d.append(R.choice(["  - {m}", "    \"{m}\",", "see {m}... in the log above"]).format(m=v[:k + 6]))
        d.append(R.choice(["  - {m}", "    \"{m}\",", "format: {m}"]).format(m=v[:k] + "x" * (len(v) - k)))
    # Public key material and certificates.
    for kind in ["PUBLIC KEY", "CERTIFICATE", "RSA PUBLIC KEY"]:
        d.extend(pem(kind, 5))
    body = b64(bytes(R.randrange(256) for _ in range(300)))
    d.extend(["-----BEGIN PGP PUBLIC KEY BLOCK-----", ""] + [body[i:i + 64] for i in range(0, len(body), 64)]
             + ["=" + rs(B64, 4), "-----END PGP PUBLIC KEY BLOCK-----"])
    body = b64(bytes(R.randrange(256) for _ in range(120)))
    d.extend(["-----BEGIN PGP SIGNATURE-----", ""] + [body[i:i + 64] for i in range(0, len(body), 64)]
             + ["=" + rs(B64, 4), "-----END PGP SIGNATURE-----"])
    for _ in range(20):
        cert = "-----BEGIN CERTIFICATE-----\n" + rs(B64, 120)
        d.append(f"  certificate-authority-data: {b64(cert.encode())}")
    return d


# ---- positives -----------------------------------------------------------


class Corpus:
    def __init__(self):
        self.files = {}  # path -> list of (text, expect)

    def add(self, path, text, expect="-"):
        self.files.setdefault(path, []).append((text, expect))

    def block(self, path, lines, rule):
        self.add(path, lines[0], rule)
        for line in lines[1:]:
            self.add(path, line, "+" if line else "-")

    def write(self):
        rows = []
        for path in sorted(self.files):
            full = os.path.join(OUT, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "w") as f:
                for i, (text, expect) in enumerate(self.files[path], 1):
                    f.write(text + "\n")
                    if text.strip():
                        rows.append(f"{path}\t{i}\t{expect}")
        with open(os.path.join(OUT, "manifest.tsv"), "w") as f:
            f.write("# path\tline\texpect (rule id, - for none, + continuation): see ../gen-secrets.py\n")
            f.write("\n".join(rows) + "\n")


def positives(c):
    exts = list(LINE)
    for rule, (gen, name) in V.items():
        # Six per rule, each in another kind of file and line.
        for k in range(6):
            ext = exts[(hash_rule(rule) + k) % len(exts)]
            tmpl = R.choice(LINE[ext])
            c.add(f"positives/app{k}{ext}", tmpl.format(N=name, n=name.lower(), v=gen()), rule)
    # Rules recognised by the name or the structure around the value.
    for k in range(4):
        c.add("positives/home/.aws/credentials", f"[profile-{k}]")
        c.add("positives/home/.aws/credentials", f"aws_access_key_id = AKIA{rs(B32, 16)}", "aws-access-key-id")
        c.add("positives/home/.aws/credentials", f"aws_secret_access_key = {rs(B64, 40)}", "aws-secret-access-key")
        c.add("positives/home/.aws/credentials", "region = eu-west-1")
        c.add("positives/home/.netrc", f"machine git.internal{k}.test login deploy password {password()}", "netrc-password")
        c.add("positives/app.env", f"DATABASE_URL=postgres://app:{url_password()}@db{k}.internal:5432/app", "database-url")
        c.add("positives/app.env", f"MONGO_URL=mongodb+srv://svc:{rs(ALNUM, 20)}@cluster{k}.mongodb.net/prod", "database-url")
        c.add("positives/config.yaml", f"  redis: redis://:{rs(ALNUM, 24)}@cache{k}:6379/0", "database-url")
        c.add("positives/settings.py", f"BROKER_URL = \"amqp://worker:{url_password()}@mq{k}.internal:5672/vhost\"", "database-url")
        c.add("positives/app.properties", f"spring.datasource.url=jdbc:mysql://app:{rs(ALNUM, 18)}@db{k}:3306/shop", "database-url")
        c.add("positives/deploy.sh", f"git clone https://deploy:{rs(ALNUM, 24)}@git.internal{k}.test/org/repo.git", "url-password")
        c.add("positives/deploy.sh", f"curl -H \"Authorization: Bearer {rs(B64URL, 40)}\" https://api.internal.test/v{k}/jobs", "http-bearer-token")
        c.add("positives/deploy.sh", f"curl -H 'Authorization: Basic {basic('ci')}' https://nexus.internal.test/", "http-basic-auth")
        c.add("positives/app.env", f"DB_PASSWORD={password()}", "secret-assignment")
        c.add("positives/config.json", f"  \"client_secret\": \"{rs(ALNUM, 32)}\",", "secret-assignment")
        c.add("positives/config.yaml", f"  signing_key: {rs(B64, 44)}", "secret-assignment")
        c.add("positives/azure.env", f"AZURE_STORAGE_CONNECTION_STRING=DefaultEndpointsProtocol=https;AccountName=acct{k};AccountKey={rs(B64, 86)}==;EndpointSuffix=core.windows.net", "azure-storage-key")
        c.add("positives/azure.env", f"BLOB_URL=https://acct{k}.blob.core.windows.net/c/b.zip?sv=2024-11-04&ss=b&srt=o&sp=r&se=2030-01-01T00:00:00Z&sig={rs(B64, 43)}%3D", "azure-sas-signature")
        c.add("positives/slack.txt", f"https://hooks.slack.com/services/T{rs(UP + DIG, 10)}/B{rs(UP + DIG, 10)}/{rs(ALNUM, 24)}", "slack-webhook-url")
        c.add("positives/discord.txt", f"https://discord.com/api/webhooks/{rs(DIG, 19)}/{rs(B64URL, 68)}", "discord-webhook-url")
        c.add("positives/teams.txt", f"https://contoso{k}.webhook.office.com/webhookb2/{uuid()}@{uuid()}/IncomingWebhook/{rs(HEX, 32)}/{uuid()}", "teams-webhook-url")
        c.add("positives/home/.npmrc", f"//npm.internal{k}.test/:_authToken={uuid()}", "npmrc-auth-token")
        c.add("positives/home/.docker/config.json", f"    \"registry{k}.internal.test\": {{ \"auth\": \"{basic('ci-bot')}\" }},", "docker-config-auth")
        c.add("positives/datadog.yaml", f"DD_API_KEY={rs(HEX, 32)}", "datadog-api-key")
        c.add("positives/datadog.yaml", f"datadog_app_key: \"{rs(HEX, 40)}\"", "datadog-api-key")
        c.add(f"positives/wg{k}.conf", "[Interface]")
        c.add(f"positives/wg{k}.conf", f"Address = 10.{k}.0.2/32")
        c.add(f"positives/wg{k}.conf", f"PrivateKey = {wireguard()}", "wireguard-private-key")
        c.add(f"positives/wg{k}.conf", "[Peer]")
        c.add(f"positives/wg{k}.conf", f"PublicKey = {wireguard()}")
        c.add("positives/home/.kube/config", f"    client-key-data: {b64_private_key()}", "private-key-base64")
        c.add("positives/shadow", f"user{k}:{shadow_hash()}:19800:0:99999:7:::", "password-hash")
        c.add("positives/.htpasswd", f"user{k}:$2y$10${crypt_salt(53)}", "password-hash")
        c.add("positives/service-account.json",
              json.dumps({"type": "service_account", "project_id": f"proj-{k}",
                          "private_key_id": rs(HEX, 40),
                          "private_key": "\n".join(pem("PRIVATE KEY", 8)) + "\n",
                          "client_email": f"svc{k}@proj-{k}.iam.gserviceaccount.com"}), "private-key")
    # JSON as PHP and some JavaScript serialisers write it: "/" escaped.
    for k in range(2):
        c.add("positives/export.json", json.dumps({"aws_secret_access_key": rs(B64, 40)}).replace("/", "\\/"), "aws-secret-access-key")
        c.add("positives/export.json", json.dumps({"connection": f"DefaultEndpointsProtocol=https;AccountName=a{k};AccountKey={rs(B64, 86)}=="}).replace("/", "\\/"), "azure-storage-key")
    for k, kind in enumerate(["RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY"]):
        c.add(f"positives/keys/key{k}.pem", f"# {kind.lower()} for tests")
        c.block(f"positives/keys/key{k}.pem", pem(kind, 10), "private-key")
    for k in range(4):
        c.block(f"positives/home/.ssh/id_ed25519_{k}", openssh_key(), "openssh-private-key")
        c.block(f"positives/keys/secring{k}.asc", pgp_key(), "pgp-private-key")
        c.block(f"positives/keys/deploy{k}.ppk", putty_key(), "putty-private-key")
    # A key saved on Windows (CRLF), and one in a .env value with "\n" escapes.
    c.block("positives/keys/windows.pem", [l + "\r" for l in pem("PRIVATE KEY", 10)], "private-key")
    for k in range(2):
        c.add("positives/keys.env", "PRIVATE_KEY=\"" + "\\n".join(pem("RSA PRIVATE KEY", 8)) + "\\n\"", "private-key")
    # A private key inside YAML, indented, as Kubernetes and CI files hold them.
    for k in range(2):
        c.add("positives/k8s-secret.yaml", "stringData:")
        c.add("positives/k8s-secret.yaml", "  tls.key: |")
        c.block("positives/k8s-secret.yaml", ["    " + l for l in pem("RSA PRIVATE KEY", 8)], "private-key")


def hash_rule(rule):
    return int(hashlib.sha256(rule.encode()).hexdigest(), 16) % 97


def main():
    c = Corpus()
    positives(c)
    d = decoy_lines()
    per_file = 250
    for i in range(0, len(d), per_file):
        for line in d[i:i + per_file]:
            c.add(f"decoys/decoys{i // per_file}.txt", line)
    c.write()
    n = sum(1 for f in c.files.values() for _, e in f if e not in "-+")
    m = sum(1 for f in c.files.values() for t, e in f if e == "-" and t.strip())
    print(f"wrote {OUT}: {n} positives, {m} decoy lines", file=sys.stderr)


if __name__ == "__main__":
    main()
