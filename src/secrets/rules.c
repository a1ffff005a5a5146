/* SPDX-License-Identifier: MIT */
/*
 * The built-in secret rules: by name (variable and config-key names that say
 * "secret") and by value (the published formats of real credentials).
 *
 * What the value rules defend against: a credential that reaches the
 * sandbox, the audit log or a terminal because nobody recognised it.  What
 * they must not do: flag git SHAs, UUIDs, paths, base64 of short words or
 * documentation placeholders, because a detector that cries wolf gets
 * allow-listed wholesale.  So every rule is anchored on a vendor prefix or a
 * secret-like name, bounded on both sides, and, where the format has
 * structure (a checksum, a decodable header), checked by a validator.
 *
 * Documentation examples: AWS's published example key pair
 * (AKIAIOSFODNN7EXAMPLE / wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY) and
 * anything else carrying EXAMPLE, XXXX..., PLACEHOLDER and the like is NOT
 * flagged: it cannot authenticate anywhere, it appears in every tutorial,
 * test suite and SDK, and a real random key contains such a word with
 * negligible probability (a 7-letter word in 16 base32 characters: under
 * 10^-9).  See docs/environment.md.
 *
 * Pure: no system calls.  Validators may decode into stack buffers; those
 * are wiped before returning.
 */
#include "secrets/rules.h"

#include <stdint.h>
#include <string.h>

#include "core/util.h"

/* Boundaries: a token must not be glued to more token characters, or it is
 * part of something longer (an identifier, a hash, another token). */
#define BL "(?<![A-Za-z0-9_])"
#define BR "(?![A-Za-z0-9_])"
#define BLD "(?<![A-Za-z0-9_-])"
#define BRD "(?![A-Za-z0-9_-])"
/* "name = value" in its usual spellings: =, :, :=, =>, quoted or not. */
#define ASSIGN "[\"']?[ \\t]{0,5}(?::=|=>|=|:)[ \\t]{0,5}[\"']?"
/* Severities (secrets.h), short enough for one table line. */
#define SEV_LOW BH_SECRET_LOW
#define SEV_MED BH_SECRET_MEDIUM
#define SEV_HIGH BH_SECRET_HIGH
#define SEV_CRIT BH_SECRET_CRITICAL
/* A rule's keywords (rules.h): literals its pattern cannot match without. */
#define KW(...) ((const char *const[]){__VA_ARGS__, NULL})

/* ---- small pure helpers ------------------------------------------------ */

static double log2_pos(double x)
{
	/* log2 without libm: x = m * 2^e, m in [1,2), then
	 * ln m = 2 atanh((m-1)/(m+1)), whose series converges fast there. */
	int e = 0;
	while (x >= 2.0) {
		x /= 2.0;
		e++;
	}
	while (x < 1.0) {
		x *= 2.0;
		e--;
	}
	double y = (x - 1.0) / (x + 1.0), y2 = y * y, term = y, sum = 0;
	for (int k = 1; k < 40; k += 2) {
		sum += term / k;
		term *= y2;
	}
	return e + 2.0 * sum / 0.69314718055994530942;
}

double bh_shannon_entropy(const char *s, size_t n)
{
	size_t count[256] = {0};
	double h = 0;
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		count[(unsigned char)s[i]]++;
	for (int c = 0; c < 256; c++) {
		if (!count[c])
			continue;
		double p = (double)count[c] / (double)n;
		h -= p * log2_pos(p);
	}
	return h;
}

/* Is c one of the bytes of set?  (strchr() would also match c == 0.) */
static bool in_set(char c, const char *set)
{
	for (; *set; set++)
		if (*set == c)
			return true;
	return false;
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static bool contains_ci(const char *s, size_t n, const char *needle)
{
	size_t m = strlen(needle);
	for (size_t i = 0; i + m <= n; i++) {
		size_t j = 0;
		while (j < m && lower((unsigned char)s[i + j]) == needle[j])
			j++;
		if (j == m)
			return true;
	}
	return false;
}

static bool equals_ci(const char *s, size_t n, const char *word)
{
	size_t m = strlen(word);
	if (m != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (lower((unsigned char)s[i]) != word[i])
			return false;
	return true;
}

/* Words of documentation placeholders and masked values. */
static bool has_placeholder_word(const char *s, size_t n)
{
	static const char *const words[] = {
	    "example", "xxxxxx",  "placeholder", "redacted",  "dummy",
	    "sample",  "your_",	  "your-",	 "<your",     "changeme",
	    "******",  "......",  "000000000",	 "123456789", "abcdefgh",
	    "insert",  "replace", "fake_",	 "_here",     "-here",
	};
	for (size_t i = 0; i < BH_ARRAY_SIZE(words); i++)
		if (contains_ci(s, n, words[i]))
			return true;
	return false;
}

/* Documentation placeholders and masked values, not secrets: the words
 * above, or runs of one character ("aaaaaaaa", "00000000"). */
static bool is_placeholder(const char *s, size_t n)
{
	if (has_placeholder_word(s, n))
		return true;
	size_t run = 1;
	for (size_t i = 1; i < n; i++) {
		run = s[i] == s[i - 1] ? run + 1 : 1;
		if (run >= 8)
			return true;
	}
	return false;
}

/* Decodes standard or URL-safe base64 (padding optional) into out, up to
 * cap bytes.  Returns the decoded length, or -1 on a byte outside both
 * alphabets.  Stops quietly when out is full. */
static long b64_decode(const char *s, size_t n, unsigned char *out, size_t cap)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;
	while (n && s[n - 1] == '=')
		n--;
	for (size_t i = 0; i < n && o < cap; i++) {
		int c = (unsigned char)s[i], v;
		if (c >= 'A' && c <= 'Z')
			v = c - 'A';
		else if (c >= 'a' && c <= 'z')
			v = c - 'a' + 26;
		else if (c >= '0' && c <= '9')
			v = c - '0' + 52;
		else if (c == '+' || c == '-')
			v = 62;
		else if (c == '/' || c == '_')
			v = 63;
		else
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	return (long)o;
}

/* ---- validators -------------------------------------------------------- */

/* A random token: not a placeholder and not visibly patterned. */
static bool v_random(const char *s, size_t n)
{
	return !is_placeholder(s, n) && bh_shannon_entropy(s, n) >= 3.0;
}

static bool has_digit(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] >= '0' && s[i] <= '9')
			return true;
	return false;
}

static bool starts_with(const char *s, size_t n, const char *prefix)
{
	size_t m = strlen(prefix);
	return n >= m && memcmp(s, prefix, m) == 0;
}

/* Where code reads the value from, not the value: a dotted path of
 * identifiers (process.env.API_KEY, settings.AUTH_TOKEN, var.db_password)
 * that starts at a usual home of configuration, ends in a constant's name
 * or has no digit at all (a random secret of eight bytes or more almost
 * always has one). */
static bool is_code_reference(const char *s, size_t n)
{
	static const char *const roots[] = {
	    "process", "settings", "config", "conf",  "cfg",	 "env",
	    "os",      "self",	   "this",   "app",   "secrets", "vars",
	    "params",  "options",  "opts",   "props", "ENV",	 "Rails",
	};
	size_t parts = 1, first_len = 0, last = 0;
	bool upper = true;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '.') {
			if (i == last)
				return false;
			if (parts++ == 1)
				first_len = i;
			last = i + 1;
			upper = true;
		} else if (c == '_' || (c >= 'A' && c <= 'Z') ||
			   (c >= 'a' && c <= 'z') ||
			   (c >= '0' && c <= '9' && i > last)) {
			upper = upper && !(c >= 'a' && c <= 'z');
		} else {
			return false;
		}
	}
	if (parts < 2 || last == n)
		return false;
	if ((upper && n - last >= 2) || !has_digit(s, n))
		return true;
	for (size_t i = 0; i < BH_ARRAY_SIZE(roots); i++)
		if (strlen(roots[i]) == first_len &&
		    memcmp(s, roots[i], first_len) == 0)
			return true;
	return false;
}

/* A human- or machine-chosen value next to a secret-like name.  Rejects
 * what is not a value at all: references to other variables, templates,
 * code that reads the value from elsewhere, paths, URLs without
 * credentials, keywords, placeholders; and tokens that are public by
 * design (Stripe publishable keys, Mapbox public tokens). */
static bool v_assigned(const char *s, size_t n)
{
	/* same-origin: a credentials mode of fetch(). */
	static const char *const words[] = {
	    "null",	"none",	     "nil",	 "true",
	    "false",	"undefined", "required", "empty",
	    "optional", "string",    "password", "secret",
	    "token",	"disabled",  "enabled",	 "same-origin",
	};
	if (n < 8)
		return false;
	if (in_set(s[0], "$%<{*~./\\!&@#") || contains_ci(s, n, "://") ||
	    contains_ci(s, n, "${") || contains_ci(s, n, "{{") ||
	    contains_ci(s, n, "$("))
		return false;
	for (size_t i = 0; i < BH_ARRAY_SIZE(words); i++)
		if (equals_ci(s, n, words[i]))
			return false;
	if (is_code_reference(s, n) || starts_with(s, n, "pk.eyJ") ||
	    starts_with(s, n, "pk_live_") || starts_with(s, n, "pk_test_"))
		return false;
	return v_random(s, n);
}

static bool v_aws_key_id(const char *s, size_t n)
{
	/* AWS's documentation example ends in EXAMPLE; see the top. */
	return !is_placeholder(s, n);
}

static bool v_aws_secret(const char *s, size_t n)
{
	return !is_placeholder(s, n) && bh_shannon_entropy(s, n) >= 4.0;
}

/* Discord bot tokens start with the bot's user id (a decimal snowflake) in
 * base64: decoding it is a cheap structural check. */
static bool v_discord(const char *s, size_t n)
{
	const char *dot = memchr(s, '.', n);
	unsigned char id[32];
	if (!dot)
		return false;
	long k = b64_decode(s, (size_t)(dot - s), id, sizeof(id));
	bool ok = k >= 17 && k <= 20;
	for (long i = 0; ok && i < k; i++)
		ok = id[i] >= '0' && id[i] <= '9';
	explicit_bzero(id, sizeof(id));
	return ok && v_random(s, n);
}

/* A JWT: the header decodes to a JSON object naming its algorithm, the
 * payload to a JSON object. */
static bool v_jwt(const char *s, size_t n)
{
	const char *d1 = memchr(s, '.', n);
	const char *d2 =
	    d1 ? memchr(d1 + 1, '.', n - (size_t)(d1 + 1 - s)) : NULL;
	unsigned char buf[96];
	if (!d2)
		return false;
	long k = b64_decode(s, (size_t)(d1 - s), buf, sizeof(buf) - 1);
	bool ok = k > 0 && buf[0] == '{' &&
		  memmem(buf, (size_t)k, "\"alg\"", 5) != NULL;
	if (ok) {
		k = b64_decode(d1 + 1, (size_t)(d2 - d1 - 1), buf, 8);
		ok = k > 0 && buf[0] == '{';
	}
	explicit_bzero(buf, sizeof(buf));
	return ok;
}

/* HTTP Basic credentials decode to "user:password". */
static bool v_basic(const char *s, size_t n)
{
	unsigned char buf[256];
	long k = b64_decode(s, n, buf, sizeof(buf));
	bool ok = k >= 3 && memchr(buf, ':', (size_t)k) != NULL;
	for (long i = 0; ok && i < k; i++)
		ok = buf[i] >= 0x20 && buf[i] < 0x7f;
	explicit_bzero(buf, sizeof(buf));
	return ok && !is_placeholder(s, n);
}

/* A PEM private key block with a real body (not "..." in a README).  Runs
 * of one character are no sign of a placeholder here: they are the zero
 * bytes of the encoding (every unencrypted OpenSSH key has "AAAAAAAAAAAB"
 * in its header), so only placeholder words and a body of one repeated
 * character are refused. */
static bool v_pem(const char *s, size_t n)
{
	const char *body = memmem(s + 5, n - 5, "-----", 5);
	size_t b64 = 0;
	if (!body)
		return false;
	body += 5;
	const char *end = memmem(body, n - (size_t)(body - s), "-----", 5);
	if (!end)
		end = s + n;
	for (const char *p = body; p < end; p++)
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '+' || *p == '/')
			b64++;
	return b64 >= 64 && !has_placeholder_word(body, (size_t)(end - body)) &&
	       bh_shannon_entropy(body, (size_t)(end - body)) >= 3.0;
}

/* base64 of a PEM private key: the decoded head says so. */
static bool v_b64_private_key(const char *s, size_t n)
{
	unsigned char head[64];
	long k = b64_decode(s, n < 88 ? n : 88, head, sizeof(head));
	bool ok = k > 0 && memmem(head, (size_t)k, "PRIVATE KEY-----", 16);
	explicit_bzero(head, sizeof(head));
	return ok && v_random(s, n);
}

/* A test-mode payment key, except the ones in the providers' own
 * documentation, which every tutorial copies. */
static bool v_payment_test(const char *s, size_t n)
{
	static const char *const published[] = {
	    "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
	    "sk_test_BQokikJOvBiI2HlWgH4olfQ2",
	};
	for (size_t i = 0; i < BH_ARRAY_SIZE(published); i++)
		if (strlen(published[i]) == n &&
		    memcmp(s, published[i], n) == 0)
			return false;
	return v_random(s, n);
}

/* A PuTTY key file with its private part, not a public-only fragment. */
static bool v_putty(const char *s, size_t n)
{
	return contains_ci(s, n, "private-lines:") && v_random(s, n);
}

/* The password of scheme://user:password@host. */
static bool v_url_password(const char *s, size_t n)
{
	/* guest: RabbitMQ's default guest:guest. */
	static const char *const words[] = {
	    "password", "pass",	    "passwd", "pwd", "pw",   "secret",
	    "user",	"username", "token",  "x",   "xxx",  "***",
	    "****",	"changeme", "foo",    "bar", "test", "guest",
	};
	bool digits = n <= 5;
	for (size_t i = 0; digits && i < n; i++)
		digits = s[i] >= '0' && s[i] <= '9';
	if (digits) /* host:port@..., not a password */
		return false;
	if (in_set(s[0], "$%<{*"))
		return false;
	for (size_t i = 0; i < BH_ARRAY_SIZE(words); i++)
		if (equals_ci(s, n, words[i]))
			return false;
	return !is_placeholder(s, n);
}

/* age secret keys are Bech32 (BIP 173) with the HRP "age-secret-key-": the
 * checksum makes a false positive practically impossible. */
static uint32_t bech32_step(uint32_t pre)
{
	static const uint32_t gen[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa,
					0x3d4233dd, 0x2a1462b3};
	uint32_t b = pre >> 25, chk = (pre & 0x1ffffff) << 5;
	for (int i = 0; i < 5; i++)
		if ((b >> i) & 1)
			chk ^= gen[i];
	return chk;
}

static bool v_bech32(const char *s, size_t n)
{
	static const char charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
	const char *sep = NULL;
	uint32_t chk = 1;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '1')
			sep = s + i;
	if (!sep || sep == s)
		return false;
	size_t hrp = (size_t)(sep - s);
	for (size_t i = 0; i < hrp; i++)
		chk = bech32_step(chk) ^
		      ((unsigned)lower((unsigned char)s[i]) >> 5);
	chk = bech32_step(chk);
	for (size_t i = 0; i < hrp; i++)
		chk = bech32_step(chk) ^
		      ((unsigned)lower((unsigned char)s[i]) & 31);
	for (const char *p = sep + 1; p < s + n; p++) {
		const char *v = strchr(charset, lower((unsigned char)*p));
		if (!v || !*p)
			return false;
		chk = bech32_step(chk) ^ (uint32_t)(v - charset);
	}
	return chk == 1;
}

bool bh_secret_keywords_present(const char *const *words, const char *buf,
				size_t len)
{
	if (!words)
		return true;
	for (; *words; words++)
		if (contains_ci(buf, len, *words))
			return true;
	return false;
}

/* ---- value rules ------------------------------------------------------- */

/* A character of standard base64, "/" also as JSON may escape it ("\/"). */
#define B64_CHAR "(?:[A-Za-z0-9+]|\\\\?/)"
/* "://user:password@" of a URL; the password is the group s. */
#define URL_USERINFO                                                           \
	"://[^\\s:/?#@\"'<>\\[\\]]{0,256}:"                                    \
	"(?<s>[^\\s/?#\"'<>]{1,256})@(?=[A-Za-z0-9\\[])"
#define UUID "[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}"

#define PEM_BODY "(?:[A-Za-z0-9+/=\\s\\\\:,.\"']|-(?!----))*+"

/*
 * Order matters only for ties (same bytes, same length): the earlier rule
 * names the match.  Context rules (BH_SRULE_CONTEXT) give way to any format
 * rule that overlaps them.
 */
/* clang-format off */
static const struct bh_secret_rule value_rules[] = {
	/* Cloud providers. */
	{"aws-access-key-id", "AWS access key ID",
	 BL "(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16}" BR,
	 KW("akia", "asia", "abia", "acca", "a3t"), v_aws_key_id, 0, SEV_HIGH},
	{"aws-secret-access-key", "AWS secret access key",
	 "(?i:aws)[A-Za-z0-9_.-]{0,20}?(?i:secret)[A-Za-z0-9_.-]{0,20}?" ASSIGN
	 "(?<s>" B64_CHAR "{40})(?![A-Za-z0-9/+=])", KW("secret"), v_aws_secret, 0, SEV_CRIT},
	{"aws-session-token", "AWS temporary session token",
	 "(?<![A-Za-z0-9/+])(?:IQoJb3JpZ2luX2V[jk]|FwoGZXIvYXdzE)[A-Za-z0-9/+]{100,4000}={0,2}",
	 KW("iqojb3jpz2lux2v", "fwogzxivyxdze"), v_random, 0, SEV_HIGH},
	{"google-api-key", "Google API key",
	 BLD "AIza[0-9A-Za-z_-]{35}" BRD, KW("aiza"), v_random, 0, SEV_HIGH},
	{"google-oauth-client-secret", "Google OAuth client secret",
	 BLD "GOCSPX-[A-Za-z0-9_-]{28}" BRD, KW("gocspx-"), v_random, 0, SEV_HIGH},
	{"google-oauth-access-token", "Google OAuth access token",
	 BL "ya29\\.[0-9A-Za-z_-]{30,2000}" BRD, KW("ya29."), v_random, 0, SEV_MED},
	{"azure-storage-key", "Azure storage or Service Bus account key",
	 "(?<![A-Za-z])(?:AccountKey|SharedAccessKey)=(?<s>" B64_CHAR "{43,86}={0,2})",
	 KW("accountkey=", "sharedaccesskey="), v_random, 0, SEV_CRIT},
	{"azure-sas-signature", "Azure shared access signature",
	 "[?&]sig=(?<s>(?:[A-Za-z0-9/+]|%2[BbFf]){40,120}(?:=|%3[Dd]){0,2})",
	 KW("?sig=", "&sig="), v_random, 0, SEV_HIGH},
	{"azure-ad-client-secret", "Azure AD (Entra ID) client secret",
	 "(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])",
	 KW("0q~", "1q~", "2q~", "3q~", "4q~", "5q~", "6q~", "7q~", "8q~", "9q~"),
	 v_random, 0, SEV_HIGH},
	{"alibaba-access-key-id", "Alibaba Cloud access key ID",
	 BL "LTAI[A-Za-z0-9]{20}" BR, KW("ltai"), v_random, 0, SEV_HIGH},
	{"digitalocean-token", "DigitalOcean token",
	 BL "do[opr]_v1_[a-f0-9]{64}" BR,
	 KW("doo_v1_", "dop_v1_", "dor_v1_"), v_random, 0, SEV_HIGH},
	{"heroku-api-key", "Heroku API key",
	 BLD "HRKU-[A-Za-z0-9_-]{50,70}" BRD, KW("hrku-"), v_random, 0, SEV_HIGH},
	{"aws-bedrock-api-key", "Amazon Bedrock API key",
	 BLD "(?:ABSKQmVkcm9ja0FQSUtleS[A-Za-z0-9+/]{90,260}={0,2}|"
	 "bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t[A-Za-z0-9+/=%_-]{40,3000})(?![A-Za-z0-9+/=%_-])",
	 KW("abskqmvkcm9ja0fqsutles", "bedrock-api-key-ymvkcm9jay5hbwf6b25hd3muy29t"),
	 v_random, 0, SEV_HIGH},
	{"tencent-secret-id", "Tencent Cloud SecretId",
	 BL "AKID[A-Za-z0-9]{32}" BR, KW("akid"), v_random, 0, SEV_HIGH},
	{"cloudflare-token", "Cloudflare API token or Origin CA key",
	 BLD "(?:cfut_[A-Za-z0-9]{40}[a-f0-9]{8}|v1\\.0-[a-f0-9]{24}-[a-f0-9]{146})" BRD,
	 KW("cfut_", "v1.0-"), v_random, 0, SEV_HIGH},
	{"fly-token", "Fly.io access token",
	 BL "(?:fo1_[A-Za-z0-9_-]{43}|fm(?:1[ar]|2)_[A-Za-z0-9+/]{100,3000}={0,3})(?![A-Za-z0-9_+/=-])",
	 KW("fo1_", "fm1a_", "fm1r_", "fm2_"), v_random, 0, SEV_HIGH},
	{"vercel-token", "Vercel access token or API key",
	 BL "vc[pikar]_[A-Za-z0-9]{24,96}" BR,
	 KW("vcp_", "vci_", "vck_", "vca_", "vcr_"), v_random, 0, SEV_HIGH},
	{"netlify-token", "Netlify personal access token",
	 BL "nfp_[A-Za-z0-9_]{36}" BR, KW("nfp_"), v_random, 0, SEV_HIGH},
	{"datadog-api-key", "Datadog API or application key",
	 "(?i:datadog[A-Za-z0-9_.-]{0,20}?|(?<![A-Za-z0-9])dd[_.-])(?i:api|app(?:lication)?)[_.-]?(?i:key)"
	 ASSIGN "(?<s>[a-f0-9]{40}|[a-f0-9]{32})(?![A-Za-z0-9])",
	 KW("datadog", "dd_a", "dd-a", "dd.a"), v_random, 0, SEV_HIGH},

	/* Source hosting and CI. */
	{"github-pat", "GitHub personal access token (classic)",
	 BL "ghp_[A-Za-z0-9]{36,251}" BR, KW("ghp_"), v_random, 0, SEV_HIGH},
	{"github-oauth-token", "GitHub OAuth access token",
	 BL "gho_[A-Za-z0-9]{36,251}" BR, KW("gho_"), v_random, 0, SEV_HIGH},
	{"github-user-token", "GitHub App user-to-server token",
	 BL "ghu_[A-Za-z0-9]{36,251}" BR, KW("ghu_"), v_random, 0, SEV_HIGH},
	{"github-app-token", "GitHub App installation (server-to-server) token",
	 BL "ghs_[A-Za-z0-9]{36,251}" BR, KW("ghs_"), v_random, 0, SEV_HIGH},
	{"github-refresh-token", "GitHub refresh token",
	 BL "ghr_[A-Za-z0-9]{36,251}" BR, KW("ghr_"), v_random, 0, SEV_HIGH},
	{"github-fine-grained-pat", "GitHub fine-grained personal access token",
	 BL "github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}" BR,
	 KW("github_pat_"), v_random, 0, SEV_HIGH},
	{"gitlab-pat", "GitLab personal, project or group access token",
	 BLD "glpat-[A-Za-z0-9_-]{20,300}(?:\\.[A-Za-z0-9_-]{2,20}){0,3}" BRD,
	 KW("glpat-"), v_random, 0, SEV_HIGH},
	{"gitlab-token", "GitLab deploy, runner, trigger or job token",
	 BLD "gl(?:dt|rt|ptt|cbt|soat|ffct|imt|oas|ft|agent)-[A-Za-z0-9_-]{20,300}" BRD,
	 KW("gldt-", "glrt-", "glptt-", "glcbt-", "glsoat-", "glffct-", "glimt-",
	    "gloas-", "glft-", "glagent-"), v_random, 0, SEV_HIGH},
	{"bitbucket-app-password", "Bitbucket app password",
	 BL "ATBB[A-Za-z0-9_=.-]{32,}" BR, KW("atbb"), v_random, 0, SEV_HIGH},
	{"atlassian-api-token", "Atlassian API token",
	 BLD "ATATT3[A-Za-z0-9_=-]{150,250}(?![A-Za-z0-9_=-])",
	 KW("atatt3"), v_random, 0, SEV_HIGH},
	{"buildkite-token", "Buildkite API token",
	 BL "bkua_[a-f0-9]{40}" BR, KW("bkua_"), v_random, 0, SEV_HIGH},
	{"terraform-cloud-token", "Terraform Cloud / HCP Terraform API token",
	 BL "[A-Za-z0-9]{14}\\.atlasv1\\.[A-Za-z0-9_=-]{60,70}" BRD,
	 KW(".atlasv1."), v_random, 0, SEV_HIGH},
	{"pulumi-token", "Pulumi access token",
	 BL "pul-[a-f0-9]{40}" BR, KW("pul-"), v_random, 0, SEV_HIGH},
	{"vault-token", "HashiCorp Vault token",
	 BL "hv[sbr]\\.[A-Za-z0-9_-]{24,300}" BRD,
	 KW("hvs.", "hvb.", "hvr."), v_random, 0, SEV_CRIT},
	{"doppler-token", "Doppler token",
	 BL "dp\\.(?:pt|st|sa|ct|scim|audit)\\.[A-Za-z0-9]{40,44}" BR,
	 KW("dp.pt.", "dp.st.", "dp.sa.", "dp.ct.", "dp.scim.", "dp.audit."),
	 v_random, 0, SEV_CRIT},
	{"onepassword-service-token", "1Password service account token",
	 BL "ops_eyJ[A-Za-z0-9+/=_-]{100,2000}", KW("ops_eyj"), v_random, 0, SEV_CRIT},
	{"tailscale-key", "Tailscale auth or API key",
	 BL "tskey-(?:api|auth|client|webhook|scim)-[A-Za-z0-9]{6,}-[A-Za-z0-9]{20,}" BR,
	 KW("tskey-"), v_random, 0, SEV_HIGH},
	{"docker-hub-pat", "Docker Hub personal access token",
	 BL "dckr_pat_[A-Za-z0-9_-]{27}" BRD, KW("dckr_pat_"), v_random, 0, SEV_HIGH},
	{"databricks-token", "Databricks personal access token",
	 BL "dapi[a-f0-9]{32}(?:-[0-9])?" BR, KW("dapi"), v_random, 0, SEV_HIGH},
	{"grafana-token", "Grafana service-account or Cloud token",
	 BL "(?:glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|glc_[A-Za-z0-9+/]{32,400}={0,2})" BR,
	 KW("glsa_", "glc_"), v_random, 0, SEV_HIGH},
	{"sentry-token", "Sentry auth token",
	 BL "(?:sntrys_eyJ[A-Za-z0-9+/=_-]{80,1000}|sntryu_[a-f0-9]{64})" BRD,
	 KW("sntrys_eyj", "sntryu_"), v_random, 0, SEV_HIGH},
	{"newrelic-api-key", "New Relic user API key",
	 BL "NRAK-[A-Z0-9]{27}" BR, KW("nrak-"), v_random, 0, SEV_HIGH},
	{"dynatrace-token", "Dynatrace API token",
	 BL "dt0c01\\.[A-Z0-9]{24}\\.[A-Z0-9]{64}" BR, KW("dt0c01."), v_random, 0, SEV_HIGH},
	{"sonarqube-token", "SonarQube or SonarCloud token",
	 BL "sq[pua]_[a-f0-9]{40}" BR, KW("sqp_", "squ_", "sqa_"), v_random, 0, SEV_HIGH},
	{"circleci-token", "CircleCI personal or project API token",
	 BL "CCIP(?:AT|RJ)_[A-Za-z0-9]{22}_[a-f0-9]{40}" BR,
	 KW("ccipat_", "cciprj_"), v_random, 0, SEV_HIGH},
	{"harness-token", "Harness personal or service-account token",
	 BL "(?:pat|sat)\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9]{24}\\.[A-Za-z0-9]{20}" BR,
	 KW("pat.", "sat."), v_random, 0, SEV_HIGH},
	{"octopus-deploy-api-key", "Octopus Deploy API key",
	 BLD "API-[A-Z0-9]{26}" BR, KW("api-"), v_random, 0, SEV_HIGH},
	{"infracost-api-key", "Infracost API key",
	 BLD "ico-[A-Za-z0-9]{32}" BR, KW("ico-"), v_random, 0, SEV_MED},
	{"prefect-api-key", "Prefect Cloud API key",
	 BL "pnu_[A-Za-z0-9]{36}" BR, KW("pnu_"), v_random, 0, SEV_HIGH},
	{"sourcegraph-token", "Sourcegraph access token",
	 BL "sgp_(?:[a-f0-9]{16}_|local_)?[a-f0-9]{40}" BR, KW("sgp_"), v_random, 0, SEV_HIGH},

	/* Package registries. */
	{"npm-token", "npm access token",
	 BL "npm_[A-Za-z0-9]{36}" BR, KW("npm_"), v_random, 0, SEV_HIGH},
	{"pypi-token", "PyPI upload token",
	 BLD "pypi-AgE(?:IcHlwaS5vcmc|NdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,}" BRD,
	 KW("pypi-age"), v_random, 0, SEV_HIGH},
	{"rubygems-api-key", "RubyGems API key",
	 BL "rubygems_[a-f0-9]{48}" BR, KW("rubygems_"), v_random, 0, SEV_HIGH},
	{"artifactory-api-key", "JFrog Artifactory API key",
	 BL "AKCp[A-Za-z0-9]{69}" BR, KW("akcp"), v_random, 0, SEV_HIGH},
	{"artifactory-reference-token", "JFrog Artifactory reference token",
	 BL "cmVmdGtuOjAx[A-Za-z0-9]{52}" BR, KW("cmvmdgtuojax"), v_random, 0, SEV_HIGH},
	{"crates-io-token", "crates.io API token",
	 BL "cio[A-Za-z0-9]{32}" BR, KW("cio"), v_random, 0, SEV_HIGH},
	{"nuget-api-key", "NuGet API key",
	 BL "oy2[a-z0-9]{43}" BR, KW("oy2"), v_random, 0, SEV_HIGH},
	{"clojars-token", "Clojars deploy token",
	 BL "CLOJARS_[a-z0-9]{60}" BR, KW("clojars_"), v_random, 0, SEV_HIGH},
	{"npmrc-auth-token", "npm registry token in an .npmrc (legacy UUID form)",
	 "_authToken[ \\t]*=[ \\t]*[\"']?(?<s>" UUID ")(?![A-Za-z0-9-])",
	 KW("_authtoken"), v_random, 0, SEV_HIGH},
	{"docker-config-auth", "registry credentials in a Docker config.json",
	 "\"auth\"[ \\t]*:[ \\t]*\"(?<s>[A-Za-z0-9+/]{8,1000}={0,2})\"",
	 KW("\"auth\""), v_basic, 0, SEV_HIGH},

	/* AI providers. */
	{"anthropic-api-key", "Anthropic API key",
	 BLD "sk-ant-(?:api|admin)[0-9]{2}-[A-Za-z0-9_-]{80,120}" BRD,
	 KW("sk-ant-api", "sk-ant-admin"), v_random, 0, SEV_HIGH},
	{"anthropic-oauth-token", "Anthropic OAuth token",
	 BLD "sk-ant-o(?:at|rt)[0-9]{2}-[A-Za-z0-9_-]{80,120}" BRD,
	 KW("sk-ant-oat", "sk-ant-ort"), v_random, 0, SEV_HIGH},
	{"openai-api-key", "OpenAI API key",
	 BLD "sk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,300}|[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20})" BRD,
	 KW("sk-proj-", "sk-svcacct-", "sk-admin-", "t3blbkfj"), v_random, 0, SEV_HIGH},
	{"openrouter-api-key", "OpenRouter API key",
	 BLD "sk-or-v1-[a-f0-9]{64}" BRD, KW("sk-or-v1-"), v_random, 0, SEV_HIGH},
	{"deepseek-api-key", "DeepSeek API key",
	 BLD "sk-[a-f0-9]{32}" BRD, KW("sk-"), v_random, 0, SEV_HIGH},
	{"huggingface-token", "Hugging Face access token",
	 BL "hf_[A-Za-z0-9]{34}" BR, KW("hf_"), v_random, 0, SEV_HIGH},
	{"replicate-token", "Replicate API token",
	 BL "r8_[A-Za-z0-9]{37}" BR, KW("r8_"), v_random, 0, SEV_HIGH},
	{"groq-api-key", "Groq API key",
	 BL "gsk_[A-Za-z0-9]{52}" BR, KW("gsk_"), v_random, 0, SEV_HIGH},
	{"xai-api-key", "xAI API key",
	 BLD "xai-[A-Za-z0-9]{80}" BRD, KW("xai-"), v_random, 0, SEV_HIGH},
	{"perplexity-api-key", "Perplexity API key",
	 BLD "pplx-[A-Za-z0-9]{48}" BRD, KW("pplx-"), v_random, 0, SEV_HIGH},
	{"langsmith-api-key", "LangSmith API key",
	 BL "lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}" BR,
	 KW("lsv2_pt_", "lsv2_sk_"), v_random, 0, SEV_HIGH},
	{"nvidia-api-key", "NVIDIA API key",
	 BLD "nvapi-[A-Za-z0-9_-]{64}" BRD, KW("nvapi-"), v_random, 0, SEV_HIGH},
	{"tavily-api-key", "Tavily API key",
	 BLD "tvly-(?:dev-|prod-)?[A-Za-z0-9]{32}" BRD, KW("tvly-"), v_random, 0, SEV_HIGH},
	{"pinecone-api-key", "Pinecone API key",
	 BL "pcsk_[A-Za-z0-9]{4,8}_[A-Za-z0-9]{40,80}" BR, KW("pcsk_"), v_random, 0, SEV_HIGH},
	{"cerebras-api-key", "Cerebras API key",
	 BLD "csk-[a-z0-9]{48}" BRD, KW("csk-"), v_random, 0, SEV_HIGH},
	{"fireworks-api-key", "Fireworks AI API key",
	 BL "fw_[A-Za-z0-9]{24}" BR, KW("fw_"), v_random, 0, SEV_HIGH},
	{"elevenlabs-api-key", "ElevenLabs API key",
	 BL "sk_[a-f0-9]{48}" BR, KW("sk_"), v_random, 0, SEV_HIGH},
	{"together-api-key", "Together AI API key",
	 BL "tgp_v1_[A-Za-z0-9_-]{43}" BRD, KW("tgp_v1_"), v_random, 0, SEV_HIGH},
	{"langfuse-secret-key", "Langfuse secret key",
	 BLD "sk-lf-" UUID BRD, KW("sk-lf-"), v_random, 0, SEV_HIGH},

	/* Communication and SaaS. */
	{"slack-token", "Slack bot, user or workspace token",
	 BLD "xox[abeoprs]-[0-9]{6,16}-[A-Za-z0-9-]{20,250}" BRD,
	 KW("xoxa-", "xoxb-", "xoxe-", "xoxo-", "xoxp-", "xoxr-", "xoxs-"),
	 v_random, 0, SEV_HIGH},
	{"slack-app-token", "Slack app-level token",
	 BLD "xapp-[0-9]-[A-Z0-9]{6,}-[0-9]{6,}-[a-f0-9]{32,}" BRD,
	 KW("xapp-"), v_random, 0, SEV_HIGH},
	{"slack-webhook-url", "Slack incoming webhook URL",
	 "(?:https?://)?hooks\\.slack\\.com/services/T[A-Z0-9]{6,12}/B[A-Z0-9]{6,12}/[A-Za-z0-9]{20,32}" BR,
	 KW("hooks.slack.com/services/"), v_random, 0, SEV_MED},
	{"slack-config-token", "Slack configuration access or refresh token",
	 BLD "xoxe(?:\\.xox[bp]-[0-9]-[A-Za-z0-9]{163,166}|-[0-9]-[A-Za-z0-9]{146})" BRD,
	 KW("xoxe"), v_random, 0, SEV_HIGH},
	{"teams-webhook-url", "Microsoft Teams incoming webhook URL",
	 "https://[A-Za-z0-9-]{1,63}\\.webhook\\.office\\.com/webhookb2/" UUID "@" UUID
	 "/IncomingWebhook/[a-f0-9]{32}/" UUID "(?:/[A-Za-z0-9_-]{20,80})?" BRD,
	 KW(".webhook.office.com/webhookb2/"), v_random, 0, SEV_MED},
	{"discord-bot-token", "Discord bot token",
	 BLD "[MNO][A-Za-z0-9_-]{23,27}\\.[A-Za-z0-9_-]{6}\\.[A-Za-z0-9_-]{27,40}" BRD,
	 KW("."), v_discord, 0, SEV_HIGH},
	{"discord-webhook-url", "Discord webhook URL",
	 "https://(?:ptb\\.|canary\\.)?discord(?:app)?\\.com/api/webhooks/[0-9]{17,20}/[A-Za-z0-9_-]{60,68}" BRD,
	 KW("/api/webhooks/"), v_random, 0, SEV_MED},
	{"telegram-bot-token", "Telegram bot token",
	 "(?<![0-9])[0-9]{8,10}:AA[A-Za-z0-9_-]{33}" BRD, KW(":aa"), v_random, 0, SEV_HIGH},
	{"stripe-secret-key", "Stripe live secret or restricted key",
	 BL "(?:sk|rk)_live_[A-Za-z0-9]{24,247}" BR,
	 KW("sk_live_", "rk_live_"), v_random, 0, SEV_CRIT},
	{"payment-test-key", "payment provider test-mode secret key (Stripe, Braintree, Flutterwave)",
	 BL "(?:(?:sk|rk)_test_[A-Za-z0-9]{24,247}|access_token\\$sandbox\\$[a-z0-9]{16}\\$[a-f0-9]{32}|"
	 "FLWSECK_TEST-[a-f0-9]{32}-X)" BR,
	 KW("sk_test_", "rk_test_", "access_token$sandbox$", "flwseck_test-"), v_payment_test, 0,
	 SEV_MED},
	{"braintree-access-token", "Braintree (PayPal) production access token",
	 BL "access_token\\$production\\$[a-z0-9]{16}\\$[a-f0-9]{32}" BR,
	 KW("access_token$production$"), v_random, 0, SEV_CRIT},
	{"flutterwave-secret-key", "Flutterwave live secret key",
	 BL "FLWSECK-[a-f0-9]{32}-X" BR, KW("flwseck-"), v_random, 0, SEV_CRIT},
	{"plaid-access-token", "Plaid access token",
	 BLD "access-(?:production|development)-" UUID BRD,
	 KW("access-production-", "access-development-"), v_random, 0, SEV_HIGH},
	{"stripe-webhook-secret", "Stripe webhook signing secret",
	 BL "whsec_[A-Za-z0-9+/]{32,}" BR, KW("whsec_"), v_random, 0, SEV_MED},
	{"square-token", "Square access token or application secret",
	 BLD "(?:sq0(?:atp|csp)-[A-Za-z0-9_-]{22,43}|EAAA[A-Za-z0-9_-]{60})" BRD,
	 KW("sq0atp-", "sq0csp-", "eaaa"), v_random, 0, SEV_CRIT},
	{"shopify-token", "Shopify access token or shared secret",
	 BL "shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}" BR,
	 KW("shpat_", "shpca_", "shppa_", "shpss_"), v_random, 0, SEV_HIGH},
	{"twilio-api-key", "Twilio API key",
	 BL "SK[0-9a-f]{32}" BR,
	 KW("sk0", "sk1", "sk2", "sk3", "sk4", "sk5", "sk6", "sk7", "sk8", "sk9",
	    "ska", "skb", "skc", "skd", "ske", "skf"),
	 v_random, 0, SEV_HIGH},
	{"sendgrid-api-key", "SendGrid API key",
	 BLD "SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}" BRD,
	 KW("sg."), v_random, 0, SEV_HIGH},
	{"mailgun-api-key", "Mailgun API key",
	 BLD "(?:key-[0-9a-f]{32}|[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8})" BRD,
	 KW("-"), v_random, 0, SEV_HIGH},
	{"postman-api-key", "Postman API key",
	 BL "PMAK-[a-f0-9]{24}-[a-f0-9]{34}" BR, KW("pmak-"), v_random, 0, SEV_HIGH},
	{"linear-api-key", "Linear API key",
	 BL "lin_api_[A-Za-z0-9]{40}" BR, KW("lin_api_"), v_random, 0, SEV_HIGH},
	{"notion-token", "Notion integration token",
	 BL "(?:secret_[A-Za-z0-9]{43}|ntn_[A-Za-z0-9]{46})" BR,
	 KW("secret_", "ntn_"), v_random, 0, SEV_HIGH},
	{"supabase-token", "Supabase access token",
	 BL "sbp_[a-f0-9]{40}" BR, KW("sbp_"), v_random, 0, SEV_HIGH},
	{"planetscale-token", "PlanetScale token or password",
	 BL "pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_.-]{32,64}" BRD,
	 KW("pscale_tkn_", "pscale_pw_", "pscale_oauth_"), v_random, 0, SEV_HIGH},
	{"mapbox-secret-token", "Mapbox secret access token",
	 BL "sk\\.eyJ[A-Za-z0-9_-]{50,}\\.[A-Za-z0-9_-]{20,}" BRD,
	 KW("sk.eyj"), v_random, 0, SEV_MED},
	{"shippo-token", "Shippo live API token",
	 BL "shippo_live_[a-f0-9]{40}" BR, KW("shippo_live_"), v_random, 0, SEV_HIGH},
	{"mailchimp-api-key", "Mailchimp API key",
	 BL "[a-f0-9]{32}-us[0-9]{1,2}" BR, KW("-us"), v_random, 0, SEV_HIGH},
	{"brevo-api-key", "Brevo (Sendinblue) API or SMTP key",
	 BL "x(?:keysib|smtpsib)-[a-f0-9]{64}-[A-Za-z0-9]{16}" BR,
	 KW("xkeysib-", "xsmtpsib-"), v_random, 0, SEV_HIGH},
	{"facebook-access-token", "Facebook (Meta) access token",
	 BL "EAA[B-Z][A-Za-z0-9]{90,400}" BR, KW("eaa"), v_random, 0, SEV_HIGH},
	{"hubspot-token", "HubSpot private app token",
	 BLD "pat-(?:na|eu)[0-9]-" UUID BRD, KW("pat-na", "pat-eu"), v_random, 0, SEV_HIGH},
	{"figma-token", "Figma personal access token",
	 BL "figd_[A-Za-z0-9_-]{40}" BRD, KW("figd_"), v_random, 0, SEV_HIGH},
	{"contentful-token", "Contentful personal access token",
	 BL "CFPAT-[A-Za-z0-9_-]{43}" BRD, KW("cfpat-"), v_random, 0, SEV_HIGH},
	{"airtable-pat", "Airtable personal access token",
	 BL "pat[A-Za-z0-9]{14}\\.[a-f0-9]{64}" BR, KW("pat"), v_random, 0, SEV_HIGH},
	{"dropbox-token", "Dropbox access token",
	 BL "sl\\.(?:u\\.)?[A-Za-z0-9_-]{130,1400}" BRD, KW("sl."), v_random, 0, SEV_HIGH},
	{"readme-api-key", "ReadMe API key",
	 BL "rdme_[a-z0-9]{70}" BR, KW("rdme_"), v_random, 0, SEV_MED},
	{"typeform-token", "Typeform personal access token",
	 BL "tfp_[A-Za-z0-9_.=-]{59}(?![A-Za-z0-9_.=-])", KW("tfp_"), v_random, 0, SEV_MED},
	{"onepassword-secret-key", "1Password account secret key",
	 BL "A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}" BRD,
	 KW("a3-"), v_random, 0, SEV_CRIT},

	/* Keys and structured tokens.  Key blocks: the body is read possessively up to the next "-----",
	 * so a flood of BEGIN lines costs one pass, not one scan each.  The
	 * body class takes JSON "\\n" escapes and quoted concatenations, and
	 * an END line is optional (a key cut short in a log is still a key). */
	{"private-key", "PEM private key",
	 "-----BEGIN ((?:RSA |DSA |EC |ENCRYPTED |ANY )?)PRIVATE KEY-----"
	 PEM_BODY "(?:-----END \\1PRIVATE KEY-----)?",
	 KW("private key-----"), v_pem, 0, SEV_CRIT},
	{"openssh-private-key", "OpenSSH private key",
	 "-----BEGIN OPENSSH PRIVATE KEY-----" PEM_BODY
	 "(?:-----END OPENSSH PRIVATE KEY-----)?",
	 KW("-----begin openssh private key-----"), v_pem, 0, SEV_CRIT},
	{"pgp-private-key", "PGP private key block",
	 "-----BEGIN PGP PRIVATE KEY BLOCK-----" PEM_BODY
	 "(?:-----END PGP PRIVATE KEY BLOCK-----)?",
	 KW("-----begin pgp private key block-----"), v_pem, 0, SEV_CRIT},
	{"putty-private-key", "PuTTY private key",
	 "PuTTY-User-Key-File-[0-9]: [^\\r\\n]{1,100}"
	 "(?:\\r?\\n[A-Za-z0-9-]{1,40}: [^\\r\\n]{0,200}|\\r?\\n[A-Za-z0-9+/=]{1,200}){1,100}+",
	 KW("putty-user-key-file-"), v_putty, 0, SEV_CRIT},
	{"age-secret-key", "age encryption secret key",
	 BL "AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}" BR,
	 KW("age-secret-key-1"), v_bech32, 0, SEV_CRIT},
	{"private-key-base64", "base64 of a PEM private key (kubeconfig client-key-data, Kubernetes secret)",
	 "(?<![A-Za-z0-9+/])LS0tLS1CRUdJTi[A-Za-z0-9+/]{100,16000}={0,2}",
	 KW("ls0tls1crudjti"), v_b64_private_key, 0, SEV_CRIT},
	{"wireguard-private-key", "WireGuard private key",
	 "(?<![A-Za-z0-9])PrivateKey[ \\t]*=[ \\t]*(?<s>[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=)(?![A-Za-z0-9+/=])",
	 KW("privatekey"), v_random, 0, SEV_CRIT},
	{"password-hash", "password hash (crypt, bcrypt, yescrypt, argon2)",
	 "(?<![A-Za-z0-9$./])\\$(?:2[aby]\\$[0-9]{2}\\$[./A-Za-z0-9]{53}|"
	 "[156]\\$(?:rounds=[0-9]{1,9}\\$)?[./A-Za-z0-9]{1,16}\\$[./A-Za-z0-9]{22,86}|"
	 "y\\$[./A-Za-z0-9]{1,8}\\$[./A-Za-z0-9]{1,64}\\$[./A-Za-z0-9]{43}|"
	 "argon2(?:id|i|d)\\$v=[0-9]{1,3}\\$m=[0-9]{1,8},t=[0-9]{1,4},p=[0-9]{1,3}\\$[A-Za-z0-9+/]{11,64}\\$[A-Za-z0-9+/]{16,128})"
	 "(?![./A-Za-z0-9$])",
	 KW("$2a$", "$2b$", "$2y$", "$1$", "$5$", "$6$", "$y$", "$argon2"), v_random, 0, SEV_LOW},
	{"jwt", "JSON Web Token",
	 BLD "eyJ[A-Za-z0-9_-]{10,}\\.eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{16,}" BRD,
	 KW("eyj"), v_jwt, 0, SEV_MED},

	/* Recognised by the name beside the value. */
	{"database-url", "database or message-broker URL with a password",
	 "(?<![A-Za-z0-9+.-])(?:jdbc:)?(?i:postgres(?:ql)?|mysql|mariadb|mongodb(?:\\+srv)?|rediss?|amqps?|"
	 "mssql|sqlserver|clickhouse|cockroachdb|couchdbs?|neo4j(?:\\+s)?|nats|memcached)" URL_USERINFO,
	 KW("postgres", "mysql", "mariadb", "mongodb", "redis", "amqp", "mssql", "sqlserver",
	    "clickhouse", "cockroachdb", "couchdb", "neo4j", "nats", "memcached"),
	 v_url_password, 0, SEV_HIGH},
	{"url-password", "password in a URL",
	 "(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{1,30}" URL_USERINFO,
	 KW("://"), v_url_password, BH_SRULE_CONTEXT, SEV_HIGH},
	{"http-bearer-token", "bearer token in an Authorization header",
	 "(?i:authorization)" ASSIGN "(?i:bearer|token)[ \\t]+(?<s>[A-Za-z0-9._~+/-]{16,}=*)",
	 KW("authorization"), v_random, BH_SRULE_CONTEXT, SEV_MED},
	{"http-basic-auth", "credentials in an HTTP Basic Authorization header",
	 "(?i:authorization)" ASSIGN "(?i:basic)[ \\t]+(?<s>[A-Za-z0-9+/]{4,}={0,2})",
	 KW("authorization"), v_basic, BH_SRULE_CONTEXT, SEV_HIGH},
	{"netrc-password", "password in a .netrc entry",
	 "(?<![A-Za-z0-9_])(?:machine[ \\t\\r\\n]+\\S+|default)(?:[ \\t\\r\\n]+(?:login|account)[ \\t\\r\\n]+\\S+){0,2}"
	 "[ \\t\\r\\n]+password[ \\t\\r\\n]+(?<s>\\S{1,256})",
	 KW("password"), v_url_password, BH_SRULE_CONTEXT, SEV_HIGH},
	/* Not after ':' (arn:...:secret:name), not a call or an index
	 * (getenv("X"), os.environ["X"]): code, not a value. */
	{"secret-assignment", "high-entropy value assigned to a secret-like name",
	 "(?<![A-Za-z0-9_.:-])[A-Za-z0-9_.-]{0,40}?"
	 "(?i:password|passwd|passphrase|pwd|secret|token|api[_.-]?key|apikey|"
	 "access[_.-]?key|private[_.-]?key|secret[_.-]?key|signing[_.-]?key|"
	 "encryption[_.-]?key|master[_.-]?key|client[_.-]?secret|credentials?|auth)"
	 ASSIGN "(?<s>[^\\s\"'`,;<>(){}\\[\\]]{8,256}+)(?![(\\[])",
	 KW("pass", "pwd", "secret", "token", "key", "credential", "auth"),
	 v_assigned, BH_SRULE_CONTEXT, SEV_MED},
};
/* clang-format on */

/* ---- name rules -------------------------------------------------------- */

#define SEP "[_.-]"

/*
 * Matched case-insensitively against a whole variable or config-key name;
 * the first matching rule names it.  Beyond "the value is a secret": names
 * that point at delegated authority (an agent socket, a bus, a Kerberos
 * ticket cache) are treated as secrets too, since whoever holds them can
 * act as the user.  Deliberately not matched: TOKENIZERS_PARALLELISM,
 * GIT_AUTHOR_*, PWD/OLDPWD, KEYBOARD, XKB_*, KEYTIMEOUT, GPG_TTY,
 * XDG_SESSION_ID, primaryKey-style camelCase database keys.
 */
/* clang-format off */
static const struct bh_name_rule name_rules[] = {
	{"name-authority", "delegated authority: an agent socket, bus or ticket cache",
	 "^(?:SSH_AUTH_SOCK|GPG_AGENT_INFO|XAUTHORITY|DBUS_SESSION_BUS_ADDRESS|"
	 "KRB5CCNAME|KRB5_KTNAME|KRB5_CLIENT_KTNAME|GNOME_KEYRING_CONTROL)$|"
	 SEP "AUTH" SEP "SOCK$",
	 KW("sock", "gpg_agent_info", "xauthority", "dbus_session_bus_address",
	    "krb5", "gnome_keyring_control")},
	{"name-cloud", "cloud provider credential",
	 "^AZURE_|^ARM_CLIENT_(?:SECRET|CERTIFICATE)|^AWS_CONTAINER_|^AWS_WEB_IDENTITY_|"
	 "^GOOGLE_(?:APPLICATION_)?CREDENTIALS|^CLOUDSDK_AUTH_|^GOOGLE_OAUTH_ACCESS_TOKEN$",
	 KW("azure_", "arm_client_", "aws_container_", "aws_web_identity_",
	    "google_", "cloudsdk_auth_")},
	{"name-connection-string", "database or service URL with credentials",
	 "^DATABASE_URL$|(?:^|" SEP ")(?:DB|DATABASE|REDIS|MONGO(?:DB)?|POSTGRES(?:QL)?|PG|"
	 "MYSQL|MARIADB|MSSQL|AMQP|RABBITMQ|BROKER|ELASTIC(?:SEARCH)?|KAFKA|NATS|"
	 "CLICKHOUSE|CACHE|QUEUE)" SEP "?(?:URL|URI|DSN)$|(?:^|" SEP ")DSN$|"
	 "CONN(?:ECTION)?" SEP "?STR(?:ING)?$",
	 KW("url", "uri", "dsn", "conn")},
	{"name-private-key", "private key", "PRIVATE" SEP "?KEY", KW("private")},
	{"name-api-key", "API key", "API" SEP "?KEY", KW("api")},
	{"name-password", "password",
	 "PASSWORD|PASSWD|PASSPHRASE|PASSFILE|(?:^|" SEP ")PASS(?:" SEP "|$)|." SEP "PWD$",
	 KW("pass", "pwd")},
	{"name-secret", "secret", "SECRET", KW("secret")},
	{"name-token", "token",
	 "(?:^|" SEP ")TOKENS?(?:" SEP "|$)|TOKEN$|(?:^|" SEP ")JWT(?:" SEP "|V2|$)",
	 KW("token", "jwt")},
	{"name-key", "key",
	 "(?:^|" SEP ")KEY(?:S|" SEP "?ID)?$|"
	 "(?:ACCESS|SECRET|MASTER|ENCRYPTION|SIGNING|CLIENT|SERVICE|ACCOUNT|SESSION|"
	 "LICENSE|DEPLOY|WEBHOOK|APP|AUTH|HMAC|SHARED|SUBSCRIPTION)" SEP "?KEY",
	 KW("key")},
	{"name-pat", "personal access token", "(?:^|" SEP ")PAT$", KW("pat")},
	{"name-credentials", "credentials",
	 "CREDENTIAL|(?:^|" SEP ")CREDS?(?:" SEP "|$)|(?:^|" SEP ")NETRC$",
	 KW("cred", "netrc")},
	{"name-auth", "authentication value",
	 "(?:^|" SEP ")AUTH(?:" SEP "|$)|AUTHORIZATION$|AUTH" SEP "?(?:HEADER|STRING)$",
	 KW("auth")},
	{"name-cookie", "cookie",
	 "(?:^|" SEP ")COOKIES?(?:" SEP "|$)|COOKIE$", KW("cookie")},
};
/* clang-format on */

const struct bh_secret_rule *bh_secret_value_rules(size_t *n)
{
	*n = BH_ARRAY_SIZE(value_rules);
	return value_rules;
}

const struct bh_name_rule *bh_secret_name_rules(size_t *n)
{
	*n = BH_ARRAY_SIZE(name_rules);
	return name_rules;
}
