/* SPDX-License-Identifier: MIT */
/*
 * Content checks for the credential-location table: does a file's text
 * hold a credential, and on which line?
 *
 * What they defend against: the bytes are whatever anyone who could write
 * the file put there, up to 1 MiB of them.  So every loop is bounded by
 * len and nothing is read past it (a string or comment left open simply
 * ends at len), nothing is allocated, and the work is linear: each byte is
 * looked at a bounded number of times, whatever the input (no search
 * restarts from every '<' or every quote).
 *
 * What they decide by: shape, not secrets.  A setting holds a credential
 * when its name says so (it ends in password, token, secret, key, ...) and
 * its value is really there: empty values, YAML nulls, booleans, masks
 * (****), <placeholders> and references to environment variables
 * (${NPM_TOKEN}, $TOKEN), which the tool expands when it runs, are not a
 * credential in this file.  A URL that carries user:password@ is one
 * wherever it appears.
 *
 * Pure: no system calls.  Nothing here keeps, copies or prints the bytes.
 */
#include "inventory/checks.h"

#include <string.h>

struct span {
	const char *p;
	size_t n;
};

#define EMPTY_SPAN ((struct span){"", 0})

/* ---- bytes and spans ----------------------------------------------------- */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
	       c == '\v';
}

static bool is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alnum(char c)
{
	return is_upper(c) || is_lower(c) || is_digit(c);
}

static char to_lower(char c)
{
	return is_upper(c) ? (char)(c | 0x20) : c;
}

static struct span span_from(struct span s, size_t i)
{
	return i >= s.n ? (struct span){s.p + s.n, 0}
			: (struct span){s.p + i, s.n - i};
}

static struct span trim(struct span s)
{
	while (s.n && is_space(s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n && is_space(s.p[s.n - 1]))
		s.n--;
	return s;
}

static bool eq_ci(struct span s, const char *lit)
{
	size_t n = strlen(lit);
	if (s.n != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (to_lower(s.p[i]) != to_lower(lit[i]))
			return false;
	return true;
}

static bool starts_ci(struct span s, const char *lit)
{
	size_t n = strlen(lit);
	return s.n >= n && eq_ci((struct span){s.p, n}, lit);
}

static bool ends_ci(struct span s, const char *lit)
{
	size_t n = strlen(lit);
	return s.n >= n && eq_ci((struct span){s.p + s.n - n, n}, lit);
}

static bool starts_with(struct span s, const char *lit)
{
	size_t n = strlen(lit);
	return s.n >= n && memcmp(s.p, lit, n) == 0;
}

static bool ends_with(struct span s, const char *lit)
{
	size_t n = strlen(lit);
	return s.n >= n && memcmp(s.p + s.n - n, lit, n) == 0;
}

/* For short names and literals: O(s.n * strlen(lit)). */
static bool contains_ci(struct span s, const char *lit)
{
	size_t n = strlen(lit);
	for (size_t i = 0; i + n <= s.n; i++)
		if (eq_ci((struct span){s.p + i, n}, lit))
			return true;
	return false;
}

static bool contains(struct span s, const char *lit)
{
	return memmem(s.p, s.n, lit, strlen(lit)) != NULL;
}

static unsigned count_lines(const char *p, size_t n)
{
	unsigned lines = 0;
	const char *end = p + n, *nl;
	while (p < end && (nl = memchr(p, '\n', (size_t)(end - p)))) {
		lines++;
		p = nl + 1;
	}
	return lines;
}

/* The word that starts s: up to a blank, a quote or a dot. */
static struct span first_word(struct span s)
{
	size_t i = 0;
	while (i < s.n && !is_space(s.p[i]) && s.p[i] != '"' && s.p[i] != '.')
		i++;
	return (struct span){s.p, i};
}

/* ---- lines ------------------------------------------------------------- */

struct lines {
	const char *buf;
	size_t len, pos;
	unsigned no; /* of the line last returned, 1-based */
};

/* The next line without its LF or CRLF; false at the end. */
static bool next_line(struct lines *l, struct span *out)
{
	if (!l->buf || l->pos >= l->len)
		return false;
	const char *start = l->buf + l->pos;
	size_t rest = l->len - l->pos;
	const char *nl = memchr(start, '\n', rest);
	size_t n = nl ? (size_t)(nl - start) : rest;
	l->pos += nl ? n + 1 : n;
	if (n && start[n - 1] == '\r')
		n--;
	l->no++;
	*out = (struct span){start, n};
	return true;
}

/* ---- values ------------------------------------------------------------ */

/* The text of a setting's value: inside its quotes when quoted (in double
 * quotes a backslash escapes the next byte), else up to an inline comment
 * (a '#' first or after a blank); blanks trimmed.  A YAML block-scalar
 * indicator (|, >-, ...) is no text: the value is on the lines below. */
static struct span value_text(struct span raw)
{
	struct span v = trim(raw);
	if (v.n && (v.p[0] == '"' || v.p[0] == '\'')) {
		char q = v.p[0];
		size_t i = 1;
		while (i < v.n && v.p[i] != q)
			i += q == '"' && v.p[i] == '\\' ? 2 : 1;
		return (struct span){v.p + 1, (i < v.n ? i : v.n) - 1};
	}
	for (size_t i = 0; i < v.n; i++) {
		if (v.p[i] == '#' && (i == 0 || is_space(v.p[i - 1]))) {
			v.n = i;
			break;
		}
	}
	v = trim(v);
	if (v.n && v.n <= 3 && (v.p[0] == '|' || v.p[0] == '>') &&
	    (v.n == 1 || v.p[1] == '-' || v.p[1] == '+' || is_digit(v.p[1])))
		return EMPTY_SPAN;
	return v;
}

/* ${NAME}, ${NAME:-default}, $NAME: expanded by the tool at run time. */
static bool is_env_reference(struct span v)
{
	if (v.n < 2 || v.p[0] != '$')
		return false;
	if (v.p[1] == '{')
		return v.n >= 3 && v.p[v.n - 1] == '}';
	for (size_t i = 1; i < v.n; i++)
		if (!is_alnum(v.p[i]) && v.p[i] != '_')
			return false;
	return true;
}

/* /etc/mysql/client-key.pem, ~/.config/gcloud/sa.json: a value that names
 * a key or credential file rather than holding one.  Base64 secrets may
 * start with '/', but never have a ".ext" at the end. */
static bool is_file_path(struct span v)
{
	if (!starts_with(v, "/") && !starts_with(v, "~/") &&
	    !starts_with(v, "./") && !starts_with(v, "../") &&
	    !starts_with(v, "$HOME/") && !starts_with(v, "${HOME}/"))
		return false;
	size_t ext = 0; /* length of the ".ext" that ends here, if any */
	for (size_t i = 0; i < v.n; i++) {
		if (is_space(v.p[i]))
			return false;
		if (v.p[i] == '.')
			ext = 1;
		else if (ext && is_alnum(v.p[i]))
			ext++;
		else
			ext = 0;
	}
	return ext >= 2 && ext <= 9;
}

/* Does a value's text carry a secret of its own? */
static bool is_secret_value(struct span v)
{
	static const char *const not_secrets[] = {
	    "null", "~", "!!null", "none", "true", "false", "yes", "no", NULL};
	v = trim(v);
	if (v.n == 0)
		return false;
	for (const char *const *w = not_secrets; *w; w++)
		if (eq_ci(v, *w))
			return false;
	size_t stars = 0;
	while (stars < v.n && v.p[stars] == '*')
		stars++;
	if (stars == v.n) /* a mask, as tools print them */
		return false;
	if (v.n >= 2 && v.p[0] == '<' && v.p[v.n - 1] == '>')
		return false; /* <your-token> */
	return !is_env_reference(v) && !is_file_path(v);
}

static bool is_authority_end(char c)
{
	return is_space(c) || c == '/' || c == '"' || c == '\'' || c == '<' ||
	       c == '>' || c == '?' || c == '#' || c == '\\' || c == '`' ||
	       c == '\0';
}

/* Does the text hold a URL whose authority carries a password
 * (scheme://user:password@host)?  Each byte is looked at once: the scan
 * of an authority resumes after it. */
static bool has_url_password(struct span s)
{
	size_t i = 1;
	while (i + 2 < s.n) {
		if (s.p[i] != ':' || s.p[i + 1] != '/' || s.p[i + 2] != '/' ||
		    !is_alnum(s.p[i - 1])) {
			i++;
			continue;
		}
		size_t start = i + 3, end = start, at = 0;
		for (; end < s.n && !is_authority_end(s.p[end]); end++)
			if (s.p[end] == '@')
				at = end;
		if (at) {
			const char *colon =
			    memchr(s.p + start, ':', at - start);
			if (colon &&
			    is_secret_value((struct span){
				colon + 1, (size_t)(s.p + at - colon - 1)}))
				return true;
		}
		i = end;
	}
	return false;
}

/* ---- names ------------------------------------------------------------- */

/* Words that, ending a setting's name, say its value is a secret:
 * password, api_key, authToken, client-secret, PASS_PHRASE, ... Plurals
 * are left out on purpose: max_tokens and map-tokens are sizes. */
static const char *const secret_words[] = {
    "password", "passwd",     "passphrase",  "pass",   "pwd",
    "secret",	"token",      "key",	     "apikey", "authtoken",
    "pat",	"credential", "credentials", NULL};

/* A new word starts at s.p[i]: fooBar, foo2Bar, IAMToken. */
static bool is_word_start(struct span s, size_t i)
{
	char a = s.p[i - 1], b = s.p[i];
	if ((is_lower(a) || is_digit(a)) && is_upper(b))
		return true;
	return is_upper(a) && is_upper(b) && i + 1 < s.n &&
	       is_lower(s.p[i + 1]);
}

/* The last two words of a name, split at anything not a letter or digit
 * and at camelCase humps. */
static void last_words(struct span s, struct span *last, struct span *prev)
{
	*last = *prev = (struct span){s.p, 0};
	size_t i = 0;
	while (i < s.n) {
		if (!is_alnum(s.p[i])) {
			i++;
			continue;
		}
		size_t start = i++;
		while (i < s.n && is_alnum(s.p[i]) && !is_word_start(s, i))
			i++;
		*prev = *last;
		*last = (struct span){s.p + start, i - start};
	}
}

/* a (not empty) followed by b spells lit, case-insensitively. */
static bool eq2_ci(struct span a, struct span b, const char *lit)
{
	if (a.n == 0 || a.n + b.n != strlen(lit))
		return false;
	for (size_t i = 0; i < a.n; i++)
		if (to_lower(a.p[i]) != to_lower(lit[i]))
			return false;
	return eq_ci(b, lit + a.n);
}

/* Does a setting's name say it holds a secret? */
static bool name_says_secret(struct span name)
{
	struct span last, prev;
	last_words(name, &last, &prev);
	if (last.n == 0)
		return false;
	for (const char *const *w = secret_words; *w; w++) {
		if (eq2_ci(prev, last, *w)) /* pass_phrase, api-key */
			return true;
		if (!eq_ci(last, *w))
			continue;
		/* Publishable keys, KMS key ids and access-key ids
		 * (access_key, but not secret_access_key) are not secrets;
		 * a bare PWD is the shell's working directory. */
		if (!strcmp(*w, "key") &&
		    (eq_ci(prev, "pub") || eq_ci(prev, "public") ||
		     eq_ci(prev, "publishable") || eq_ci(prev, "kms") ||
		     (eq_ci(prev, "access") && !contains_ci(name, "secret"))))
			return false;
		return strcmp(*w, "pwd") != 0 || prev.n > 0;
	}
	return false;
}

/* Is name in the list, exactly or as the tail after a ':' (npm's
 * //registry.example/:_authToken)?  "*" matches any name. */
static bool listed(const char *const *list, struct span name)
{
	for (; list && *list; list++) {
		if (!strcmp(*list, "*") || eq_ci(name, *list))
			return true;
		size_t n = strlen(*list);
		if (name.n > n && name.p[name.n - n - 1] == ':' &&
		    eq_ci(span_from(name, name.n - n), *list))
			return true;
	}
	return false;
}

/* ---- settings: INI, TOML, YAML, properties, dotenv, HCL ---------------- */

struct setting {
	struct span line;    /* the whole line, blanks trimmed */
	struct span section; /* inside the last [section] header */
	struct span key;     /* empty on a list item without one */
	struct span value;   /* value_text() of what follows the separator */
	size_t indent;	     /* blanks before the line's text */
	bool header;	     /* the line is a [section] header */
	bool item;	     /* a YAML list item, "- ..." */
};

typedef bool setting_fn(const struct setting *st, void *ctx);

/* Splits "key = value" or "key: value" (a colon separates only before a
 * blank or the end, so that URLs and npm's //host/:_authToken=... stay
 * whole).  A leading "export " (dotenv) and a leading ':' (Ruby symbol
 * keys in YAML) are dropped from the key, and so are its quotes. */
static bool is_separator(struct span s, size_t i)
{
	if (s.p[i] == '=')
		return true;
	return s.p[i] == ':' && i > 0 && (i + 1 == s.n || is_space(s.p[i + 1]));
}

static void split_setting(struct span s, struct setting *st)
{
	size_t i = 0;
	while (i < s.n && !is_separator(s, i))
		i++;
	if (i == s.n) {
		st->key = st->item ? EMPTY_SPAN : s;
		st->value = st->item ? value_text(s) : EMPTY_SPAN;
		return;
	}
	struct span key = trim((struct span){s.p, i});
	if (starts_ci(key, "export ") || starts_ci(key, "export\t"))
		key = trim(span_from(key, 7));
	if (key.n && key.p[0] == ':')
		key = span_from(key, 1);
	if (key.n >= 2 && (key.p[0] == '"' || key.p[0] == '\'') &&
	    key.p[key.n - 1] == key.p[0])
		key = (struct span){key.p + 1, key.n - 2};
	st->key = key;
	st->value = value_text(span_from(s, i + 1));
}

/* Calls fn for every setting and section header, in order, until it
 * returns true; *line gets that line.  Comment lines (#, ;, !) are
 * skipped.  A setting may follow a header on its line, as git allows. */
static bool scan_settings(const char *buf, size_t len, setting_fn *fn,
			  void *ctx, unsigned *line)
{
	struct lines l = {buf, len, 0, 0};
	struct setting st = {.section = EMPTY_SPAN};
	struct span s;
	*line = 0;
	while (next_line(&l, &s)) {
		size_t indent = 0;
		while (indent < s.n && is_space(s.p[indent]))
			indent++;
		s = trim(span_from(s, indent));
		if (!s.n || s.p[0] == '#' || s.p[0] == ';' || s.p[0] == '!')
			continue;
		st.indent = indent;
		st.item = false;
		if (s.p[0] == '[') {
			const char *close = memchr(s.p, ']', s.n);
			size_t end = close ? (size_t)(close - s.p) : s.n;
			struct span inner = {s.p + 1, end - 1};
			while (inner.n && inner.p[0] == '[') /* TOML [[x]] */
				inner = span_from(inner, 1);
			st.section = trim(inner);
			st.line = s;
			st.header = true;
			st.key = st.value = EMPTY_SPAN;
			if (fn(&st, ctx)) {
				*line = l.no;
				return true;
			}
			s = trim(span_from(s, end + 1));
			if (!s.n || s.p[0] == '#' || s.p[0] == ';')
				continue;
		}
		st.header = false;
		st.line = s;
		if (s.p[0] == '-' && (s.n == 1 || is_space(s.p[1]))) {
			st.item = true;
			s = trim(span_from(s, 1));
		}
		split_setting(s, &st);
		if (fn(&st, ctx)) {
			*line = l.no;
			return true;
		}
	}
	return false;
}

/* What a tool's settings add to the names that say "secret". */
struct secret_rules {
	const char *const *also;   /* more names whose values are secrets */
	const char *const *bare;   /* names that count even without a value */
	const char *const *blocks; /* names or [sections] whose nested
				      values are all secrets */
};

struct secret_scan {
	const struct secret_rules *rules;
	bool in_block, section_block;
	size_t block_indent;
};

/* A secret-named setting, a value nested under one (YAML lists and maps,
 * [sections] listed as blocks), or a URL with a password. */
static bool secret_setting(const struct setting *st, void *ctx)
{
	struct secret_scan *sc = ctx;
	const struct secret_rules *r = sc->rules;
	if (has_url_password(st->line))
		return true;
	if (st->header) {
		sc->in_block = listed(r->blocks, first_word(st->section));
		sc->section_block = sc->in_block;
		return false;
	}
	if (sc->in_block) {
		if (sc->section_block || st->indent > sc->block_indent ||
		    (st->item && st->indent == sc->block_indent)) {
			if (is_secret_value(st->value))
				return true;
		} else {
			sc->in_block = false;
		}
	}
	bool bare = listed(r->bare, st->key);
	bool named =
	    bare || listed(r->also, st->key) || name_says_secret(st->key);
	if (named && (bare || is_secret_value(st->value)))
		return true;
	if (!sc->in_block && st->value.n == 0 &&
	    (named || listed(r->blocks, st->key))) {
		sc->in_block = true;
		sc->section_block = false;
		sc->block_indent = st->indent;
	}
	return false;
}

static bool holds_secret_settings(const char *buf, size_t len,
				  const struct secret_rules *rules,
				  unsigned *line)
{
	struct secret_scan sc = {.rules = rules};
	return scan_settings(buf, len, secret_setting, &sc, line);
}

/* npm's _auth (base64 user:password) and Yarn's npmAuthIdent, which end
 * in no secret word; doctl's auth-contexts map and Poetry's [pypi-token]
 * section hold nothing but tokens. */
static const struct secret_rules setting_rules = {
    .also = (const char *const[]){"_auth", "npmAuthIdent", NULL},
    .blocks = (const char *const[]){"auth-contexts", "pypi-token", NULL},
};

bool bh_inv_holds_secret_setting(const char *buf, size_t len, unsigned *line)
{
	return holds_secret_settings(buf, len, &setting_rules, line);
}

/* exec and auth-provider plugins mint credentials whenever kubectl runs;
 * client-key-data is an inline private key. */
static const struct secret_rules kube_rules = {
    .also = (const char *const[]){"client-key-data", NULL},
    .bare = (const char *const[]){"exec", "auth-provider", NULL},
};

bool bh_inv_holds_kubeconfig(const char *buf, size_t len, unsigned *line)
{
	return holds_secret_settings(buf, len, &kube_rules, line);
}

/* ---- git config -------------------------------------------------------- */

/* A shell helper ("!f() { echo password=...; }; f") that prints a
 * literal password rather than one from the environment or a command. */
static bool echoes_password(struct span v)
{
	static const char key[] = "password=";
	const char *p;
	while ((p = memmem(v.p, v.n, key, sizeof(key) - 1))) {
		struct span rest =
		    span_from(v, (size_t)(p - v.p) + sizeof(key) - 1);
		size_t n = 0;
		while (n < rest.n && !is_space(rest.p[n]) && rest.p[n] != '"' &&
		       rest.p[n] != '\'' && rest.p[n] != ';' &&
		       rest.p[n] != '\\' && rest.p[n] != '}')
			n++;
		if (is_secret_value((struct span){rest.p, n}) &&
		    rest.p[0] != '$' && rest.p[0] != '`')
			return true;
		v = rest;
	}
	return false;
}

/* credential.helper: "store" keeps passwords in plaintext. */
static bool git_helper_stores(struct span v)
{
	if (v.n && v.p[0] == '!')
		return echoes_password(v);
	struct span w = v;
	for (size_t i = 0; i < v.n; i++) {
		if (is_space(v.p[i])) {
			w.n = i;
			break;
		}
	}
	return eq_ci(w, "store") || ends_ci(w, "git-credential-store");
}

/* http.extraHeader = "Authorization: <scheme> <credentials>" */
static bool is_auth_header(struct span v)
{
	if (!starts_ci(v, "authorization:"))
		return false;
	struct span rest = trim(span_from(v, strlen("authorization:")));
	struct span scheme = first_word(rest);
	return scheme.n && is_secret_value(span_from(rest, scheme.n));
}

static bool git_setting(const struct setting *st, void *ctx)
{
	(void)ctx;
	if (has_url_password(st->line))
		return true;
	if (st->header)
		return false;
	struct span section = first_word(st->section);
	if (eq_ci(section, "credential")) {
		if (eq_ci(st->key, "helper"))
			return git_helper_stores(st->value);
		if (eq_ci(st->key, "credentialstore"))
			return eq_ci(st->value, "plaintext");
	}
	return eq_ci(section, "http") && eq_ci(st->key, "extraheader") &&
	       is_auth_header(st->value);
}

bool bh_inv_holds_gitconfig(const char *buf, size_t len, unsigned *line)
{
	return scan_settings(buf, len, git_setting, NULL, line);
}

/* ---- JSON -------------------------------------------------------------- */

struct json_pair {
	struct span key;
	struct span value; /* a string's bytes, escapes as they are */
	bool map;	   /* the value is {"first": "member"}'s */
};

typedef bool json_fn(const struct json_pair *p, void *ctx);

/* The index of the quote that closes the string whose bytes start at i,
 * or len when it is not closed. */
static size_t string_end(const char *buf, size_t len, size_t i)
{
	while (i < len && buf[i] != '"')
		i += buf[i] == '\\' ? 2 : 1;
	return i < len ? i : len;
}

static size_t skip_space(const char *buf, size_t len, size_t i)
{
	while (i < len && is_space(buf[i]))
		i++;
	return i;
}

/* The string that starts at i, after blanks; *next gets the index after
 * its closing quote. */
static bool string_at(const char *buf, size_t len, size_t i, struct span *out,
		      size_t *next)
{
	i = skip_space(buf, len, i);
	if (i >= len || buf[i] != '"')
		return false;
	size_t end = string_end(buf, len, i + 1);
	if (end >= len)
		return false;
	*out = (struct span){buf + i + 1, end - i - 1};
	*next = end + 1;
	return true;
}

/* Calls fn for every "key": value pair whose value is a string or an
 * object starting with a string member, until it returns true.  Not a
 * validator: it follows strings and colons, so broken JSON is read as far
 * as it goes.  Each string is read at most three times (as a key, as the
 * value of the key before it, as a map's first member). */
static bool scan_json(const char *buf, size_t len, json_fn *fn, void *ctx,
		      unsigned *line)
{
	size_t i = 0;
	*line = 0;
	while (buf && i < len) {
		const char *quote = memchr(buf + i, '"', len - i);
		if (!quote)
			break;
		size_t start = (size_t)(quote - buf) + 1;
		size_t end = string_end(buf, len, start);
		if (end >= len)
			break;
		i = end + 1;
		size_t colon = skip_space(buf, len, i);
		if (colon >= len || buf[colon] != ':')
			continue;
		struct json_pair p = {
		    {buf + start, end - start}, EMPTY_SPAN, false};
		size_t v = skip_space(buf, len, colon + 1), next;
		struct span member;
		if (v < len && buf[v] == '"') {
			string_at(buf, len, v, &p.value, &next);
		} else if (v < len && buf[v] == '{' &&
			   string_at(buf, len, v + 1, &member, &next)) {
			next = skip_space(buf, len, next);
			p.map = next < len && buf[next] == ':' &&
				string_at(buf, len, next + 1, &p.value, &next);
		}
		if (fn(&p, ctx)) {
			*line = 1 + count_lines(buf, start);
			return true;
		}
	}
	return false;
}

/* Maps of host (or account) to token: Pulumi's accessTokens, Composer's
 * github-oauth, gitlab-oauth, gitlab-token and bearer. */
static const char *const json_token_maps[] = {"accessTokens", "github-oauth",
					      "gitlab-oauth", "gitlab-token",
					      "bearer",	      NULL};

static bool json_secret(const struct json_pair *p, void *ctx)
{
	(void)ctx;
	if (has_url_password(p->value))
		return true;
	if (!is_secret_value(p->value))
		return false;
	return p->map ? listed(json_token_maps, p->key)
		      : name_says_secret(p->key);
}

bool bh_inv_holds_json_secret(const char *buf, size_t len, unsigned *line)
{
	return scan_json(buf, len, json_secret, NULL, line);
}

static bool docker_auth(const struct json_pair *p, void *ctx)
{
	static const char *const keys[] = {"auth", "identitytoken",
					   "registrytoken", NULL};
	(void)ctx;
	return !p->map && listed(keys, p->key) && is_secret_value(p->value);
}

bool bh_inv_holds_docker_auth(const char *buf, size_t len, unsigned *line)
{
	return scan_json(buf, len, docker_auth, NULL, line);
}

static bool llm_key(const struct json_pair *p, void *ctx)
{
	(void)ctx;
	return !p->map && !starts_with(p->key, "//") &&
	       is_secret_value(p->value);
}

bool bh_inv_holds_llm_keys(const char *buf, size_t len, unsigned *line)
{
	return scan_json(buf, len, llm_key, NULL, line);
}

/* ---- netrc ------------------------------------------------------------- */

/* A macdef's body runs from the next line to the first empty line; the
 * index after that line. */
static size_t skip_macro(const char *buf, size_t len, size_t i, unsigned *no)
{
	bool empty = false;
	for (; i < len; i++) {
		if (buf[i] == '\n') {
			(*no)++;
			if (empty)
				return i + 1;
			empty = true;
		} else if (buf[i] != '\r') {
			empty = false;
		}
	}
	return len;
}

/* Tokens separated by blanks and newlines, "quoted" ones too (curl); a
 * '#' that starts a line starts a comment. */
bool bh_inv_holds_netrc(const char *buf, size_t len, unsigned *line)
{
	size_t i = 0;
	unsigned no = 1, password_line = 0;
	bool line_start = true, want_password = false;
	*line = 0;
	while (buf && i < len) {
		char c = buf[i];
		if (c == '\n') {
			no++;
			line_start = true;
			i++;
			continue;
		}
		if (is_space(c)) {
			i++;
			continue;
		}
		if (c == '#' && line_start) {
			const char *nl = memchr(buf + i, '\n', len - i);
			i = nl ? (size_t)(nl - buf) : len;
			continue;
		}
		line_start = false;
		size_t start = i;
		struct span tok;
		if (c == '"') {
			start = ++i;
			while (i < len && buf[i] != '"' && buf[i] != '\n')
				i += buf[i] == '\\' && i + 1 < len &&
					     buf[i + 1] != '\n'
					 ? 2
					 : 1;
			tok = (struct span){buf + start, i - start};
			if (i < len && buf[i] == '"')
				i++;
		} else {
			while (i < len && !is_space(buf[i]))
				i++;
			tok = (struct span){buf + start, i - start};
		}
		if (want_password) {
			want_password = false;
			if (tok.n) {
				*line = password_line;
				return true;
			}
		} else if (eq_ci(tok, "password")) {
			want_password = true;
			password_line = no;
		} else if (eq_ci(tok, "macdef")) {
			i = skip_macro(buf, len, i, &no);
			line_start = true;
		}
	}
	return false;
}

/* ---- .pgpass ----------------------------------------------------------- */

bool bh_inv_holds_pgpass(const char *buf, size_t len, unsigned *line)
{
	struct lines l = {buf, len, 0, 0};
	struct span s;
	*line = 0;
	while (next_line(&l, &s)) {
		if (!s.n || s.p[0] == '#')
			continue;
		/* host:port:database:user:password, '\' escaping ':' and '\' */
		size_t fields = 0, i = 0;
		for (; i < s.n && fields < 4; i++) {
			if (s.p[i] == '\\')
				i++;
			else if (s.p[i] == ':')
				fields++;
		}
		if (fields == 4 && i < s.n) {
			*line = l.no;
			return true;
		}
	}
	return false;
}

/* ---- Maven XML --------------------------------------------------------- */

static bool is_xml_name(char c)
{
	return is_alnum(c) || c == '_' || c == '-' || c == '.' || c == ':';
}

/* Elements whose text is a password or the master key that decrypts the
 * {...} passwords; comments (the stock settings.xml is full of commented
 * examples) are skipped. */
bool bh_inv_holds_maven_xml(const char *buf, size_t len, unsigned *line)
{
	static const char *const tags[] = {"password", "passphrase", "master",
					   NULL};
	static const char cdata[] = "<![CDATA[";
	size_t i = 0;
	*line = 0;
	while (buf && i < len) {
		const char *lt = memchr(buf + i, '<', len - i);
		if (!lt)
			break;
		i = (size_t)(lt - buf);
		struct span rest = {buf + i, len - i};
		if (starts_with(rest, "<!--")) {
			const char *end =
			    memmem(rest.p + 4, rest.n - 4, "-->", 3);
			if (!end)
				break;
			i = (size_t)(end - buf) + 3;
			continue;
		}
		size_t j = i + 1;
		while (j < len && is_xml_name(buf[j]))
			j++;
		struct span tag = {buf + i + 1, j - i - 1};
		i = j;
		bool wanted = false;
		for (const char *const *t = tags; *t; t++)
			wanted = wanted || eq_ci(tag, *t);
		if (!wanted || j >= len || buf[j] != '>')
			continue;
		struct span text = {buf + j + 1, len - j - 1};
		if (starts_with(text, cdata)) {
			/* An unclosed CDATA runs to the end: decide here,
			 * so that no later tag searches that far again. */
			text = span_from(text, sizeof(cdata) - 1);
			const char *end = memmem(text.p, text.n, "]]>", 3);
			if (end)
				text.n = (size_t)(end - text.p);
			else if (!is_secret_value(text))
				return false;
		} else {
			const char *end = memchr(text.p, '<', text.n);
			if (end)
				text.n = (size_t)(end - text.p);
		}
		if (is_secret_value(text)) {
			*line = 1 + count_lines(buf, j);
			return true;
		}
	}
	return false;
}

/* ---- private keys ------------------------------------------------------ */

static bool begins_private_key(struct span s)
{
	if (starts_with(s, "PuTTY-User-Key-File-") ||
	    starts_with(s, "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----"))
		return true;
	return starts_with(s, "-----BEGIN ") && ends_with(s, "-----") &&
	       contains(s, "PRIVATE KEY");
}

/* A BEGIN line (RSA, EC, DSA, OPENSSH, ENCRYPTED, PGP ... PRIVATE KEY, or
 * PuTTY's header) followed by a line of content: not public keys,
 * certificates or known_hosts, and not a header quoted alone. */
bool bh_inv_holds_private_key(const char *buf, size_t len, unsigned *line)
{
	struct lines l = {buf, len, 0, 0};
	struct span s;
	unsigned begin = 0;
	*line = 0;
	while (next_line(&l, &s)) {
		s = trim(s);
		if (begin && s.n && !starts_with(s, "-----END") &&
		    !starts_with(s, "---- END")) {
			*line = begin;
			return true;
		}
		begin = begins_private_key(s) ? l.no : 0;
	}
	return false;
}

bh_inv_check_fn *const bh_inv_checks[] = {
    bh_inv_holds_private_key,
    bh_inv_holds_secret_setting,
    bh_inv_holds_kubeconfig,
    bh_inv_holds_json_secret,
    bh_inv_holds_docker_auth,
    bh_inv_holds_llm_keys,
    bh_inv_holds_gitconfig,
    bh_inv_holds_netrc,
    bh_inv_holds_pgpass,
    bh_inv_holds_maven_xml,
    NULL,
};
