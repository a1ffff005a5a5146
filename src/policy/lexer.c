/* SPDX-License-Identifier: MIT */
/*
 * The lexical layer of the profile language, both ways: splitting a line
 * into words (and expanding variables in them), and writing a string back
 * as a word that reads the same (for bh_policy_dump()).
 *
 * A profile is text a person reads to decide whether to trust it, so the
 * lexer refuses what could make it read differently from what it does:
 * control bytes, invalid UTF-8, and the invisible and bidirectional
 * characters of "Trojan Source" (a line that shows `read /usr` but holds
 * more).  The same check runs on variable values after expansion, so every
 * dumped policy parses again.
 */
#include <errno.h>
#include <string.h>

#include "core/util.h"
#include "policy/internal.h"

/*
 * Decodes one UTF-8 sequence at s[0..len).  Returns its length, or 0 when
 * it is malformed (overlong, surrogate, beyond U+10FFFF, truncated).
 */
static size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t n;
	unsigned char lo = 0x80, hi = 0xbf;

	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		*cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		*cp = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0; /* overlong */
		else if (c == 0xed)
			hi = 0x9f; /* surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		*cp = c & 0x07;
		if (c == 0xf0)
			lo = 0x90; /* overlong */
		else if (c == 0xf4)
			hi = 0x8f; /* beyond U+10FFFF */
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		unsigned char b = s[i];
		if (i == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xbf))
			return 0;
		*cp = (*cp << 6) | (b & 0x3f);
	}
	return n;
}

/* Zero-width and direction-changing characters: invisible in a terminal,
 * they let a line look like something else. */
static bool invisible(uint32_t cp)
{
	return (cp >= 0x200b && cp <= 0x200f) || /* zero-width, LRM, RLM */
	       (cp >= 0x202a && cp <= 0x202e) || /* embeddings, overrides */
	       (cp >= 0x2060 && cp <= 0x2069) || /* word joiner, isolates */
	       cp == 0xfeff || cp == 0x061c || cp == 0x00ad;
}

/*
 * Checks the character at s[i]: returns its length, or 0 with *why and
 * *hint set.  Tabs pass only when allow_tab (inside quotes and values).
 */
static size_t char_check(const char *s, size_t len, size_t i, bool allow_tab,
			 const char **why, const char **hint)
{
	unsigned char c = (unsigned char)s[i];
	uint32_t cp;

	if (c == '\0') {
		*why = "NUL byte";
		*hint = "profiles are text; remove the NUL byte";
		return 0;
	}
	if ((c < 0x20 && !(c == '\t' && allow_tab)) || c == 0x7f) {
		*why = "control character";
		*hint = "profiles are text: remove the control character, "
			"or spell the path differently";
		return 0;
	}
	size_t n = utf8_decode((const unsigned char *)s + i, len - i, &cp);
	if (n == 0) {
		*why = "invalid UTF-8";
		*hint = "profiles are UTF-8 text; re-save the file as UTF-8";
		return 0;
	}
	if (n > 1 && (invisible(cp) || (cp >= 0x80 && cp < 0xa0))) {
		*why = "invisible or direction-changing character";
		*hint = "such characters make a line read differently from "
			"what it does; remove it";
		return 0;
	}
	return n;
}

static void line_clear(struct bh_line *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->tok[i].text);
	l->n = 0;
}

void bh_line_release(struct bh_line *l)
{
	line_clear(l);
	free(l->tok);
	l->tok = NULL;
	l->cap = 0;
}

static bool is_blank(const char *s, size_t len, size_t i)
{
	/* A carriage return is tolerated only at the end of a line (CRLF). */
	return s[i] == ' ' || s[i] == '\t' || (s[i] == '\r' && i + 1 == len);
}

/* Reads a quoted section starting at s[*i] == '"' into word. */
static int lex_quoted(struct bh_parser *ps, const char *s, size_t len,
		      size_t *i, struct bh_strbuf *word)
{
	size_t open = *i;
	const char *why, *hint;

	for (size_t j = open + 1; j < len;) {
		if (s[j] == '"') {
			*i = j + 1;
			return 0;
		}
		if (s[j] == '\\') {
			if (j + 1 < len &&
			    (s[j + 1] == '"' || s[j + 1] == '\\')) {
				bh_strbuf_putc(word, s[j + 1]);
				j += 2;
				continue;
			}
			return bh_perr(ps, (unsigned)j + 1,
				       "inside quotes only \\\" and \\\\ are "
				       "escapes",
				       "unknown escape in quoted string");
		}
		size_t n = char_check(s, len, j, true, &why, &hint);
		if (n == 0)
			return bh_perr(ps, (unsigned)j + 1, hint, "%s", why);
		bh_strbuf_append(word, s + j, n);
		j += n;
	}
	return bh_perr(ps, (unsigned)open + 1,
		       "close it with \" on the same line (a word cannot span "
		       "lines)",
		       "unterminated quoted string");
}

int bh_lex_line(struct bh_parser *ps, const char *s, size_t len,
		struct bh_line *out)
{
	const char *why, *hint;
	size_t i = 0;

	line_clear(out);
	while (i < len) {
		if (is_blank(s, len, i)) {
			i++;
			continue;
		}
		/* '#' starts a comment only where a word would start:
		 * "/a#b" is a path, "read /a # note" has a comment.  A
		 * comment is checked too: a direction override in a comment
		 * is how "Trojan Source" makes code look commented out. */
		if (s[i] == '#') {
			for (size_t j = i; j < len;) {
				size_t n = is_blank(s, len, j)
					       ? 1
					       : char_check(s, len, j, true,
							    &why, &hint);
				if (n == 0)
					return bh_perr(ps, (unsigned)j + 1,
						       hint, "%s", why);
				j += n;
			}
			break;
		}

		struct bh_strbuf word = BH_STRBUF_INIT;
		unsigned col = (unsigned)i + 1;
		while (i < len && !is_blank(s, len, i)) {
			int r = 0;
			if (s[i] == '"') {
				r = lex_quoted(ps, s, len, &i, &word);
			} else if (s[i] == '\\') {
				r = bh_perr(ps, (unsigned)i + 1,
					    "write a backslash inside double "
					    "quotes, as \"\\\\\"",
					    "backslash outside quotes");
			} else {
				size_t n =
				    char_check(s, len, i, false, &why, &hint);
				if (n == 0)
					r = bh_perr(ps, (unsigned)i + 1, hint,
						    "%s", why);
				else
					bh_strbuf_append(&word, s + i, n);
				i += n;
			}
			if (r < 0) {
				bh_strbuf_release(&word);
				return r;
			}
		}
		bh_xgrow((void **)&out->tok, &out->cap, out->n + 1,
			 sizeof(*out->tok));
		out->tok[out->n].text = bh_strbuf_steal(&word);
		out->tok[out->n].col = col;
		out->n++;
	}
	return 0;
}

static const char *const var_names[] = {"WORKSPACE", "HOME", "TMPDIR"};

static const char *var_value(const struct bh_policy_vars *v, size_t idx)
{
	if (!v)
		return NULL;
	switch (idx) {
	case 0:
		return v->workspace;
	case 1:
		return v->home;
	default:
		return v->tmpdir;
	}
}

/* The variable a misspelt name was meant to be ("home", "WORKSPCE"). */
static const char *var_guess(const char *name)
{
	cleanup_free char *up = bh_xstrdup(name);
	for (char *c = up; *c; c++)
		if (*c >= 'a' && *c <= 'z')
			*c = (char)(*c - 'a' + 'A');
	return bh_closest(up, var_names, BH_ARRAY_SIZE(var_names));
}

int bh_expand(struct bh_parser *ps, const struct bh_token *t, char **out)
{
	struct bh_strbuf sb = BH_STRBUF_INIT;
	const char *s = t->text;
	const char *why, *hint;
	int r = 0;

	for (size_t i = 0; s[i] && r == 0;) {
		if (s[i] != '$') {
			bh_strbuf_putc(&sb, s[i++]);
			continue;
		}
		if (s[i + 1] == '$') {
			bh_strbuf_putc(&sb, '$');
			i += 2;
			continue;
		}
		if (s[i + 1] != '{') {
			r = bh_perr(ps, t->col,
				    "write ${NAME} for a variable, or $$ for a "
				    "literal $",
				    "'$' not followed by '{'");
			break;
		}
		const char *end = strchr(s + i + 2, '}');
		if (!end) {
			r = bh_perr(ps, t->col,
				    "write ${NAME} for a variable, or $$ for a "
				    "literal $",
				    "unterminated '${'");
			break;
		}
		cleanup_free char *name =
		    bh_xstrndup(s + i + 2, (size_t)(end - (s + i + 2)));
		size_t idx = BH_ARRAY_SIZE(var_names);
		for (size_t k = 0; k < BH_ARRAY_SIZE(var_names); k++)
			if (strcmp(name, var_names[k]) == 0)
				idx = k;
		if (idx == BH_ARRAY_SIZE(var_names)) {
			cleanup_free char *shown = bh_tok_show(name);
			const char *guess = var_guess(name);
			cleanup_free char *h =
			    guess ? bh_xasprintf("did you mean ${%s}?", guess)
				  : bh_xstrdup("the variables are "
					       "${WORKSPACE}, ${HOME} and "
					       "${TMPDIR}; write $$ for a "
					       "literal $");
			r = bh_perr(ps, t->col, h, "unknown variable ${%s}",
				    shown);
			break;
		}
		const char *val = var_value(ps->vars, idx);
		if (!val) {
			r = bh_perr(ps, t->col,
				    "the program reading this profile did not "
				    "give it a value",
				    "${%s} has no value here", name);
			break;
		}
		/* A value must be as clean as profile text, or the dump of
		 * the policy would not parse again. */
		size_t vlen = strlen(val);
		for (size_t j = 0; j < vlen;) {
			size_t n = char_check(val, vlen, j, false, &why, &hint);
			if (n == 0) {
				r = bh_perr(ps, t->col,
					    "bulkhead needs paths that are "
					    "plain UTF-8 text; rename the "
					    "directory",
					    "the value of ${%s} is not plain "
					    "text (%s)",
					    name, why);
				break;
			}
			j += n;
		}
		bh_strbuf_puts(&sb, val);
		i = (size_t)(end - s) + 1;
	}
	if (r < 0) {
		bh_strbuf_release(&sb);
		return r;
	}
	*out = bh_strbuf_steal(&sb);
	return 0;
}

char *bh_tok_show(const char *text)
{
	const size_t max = 64;
	size_t n = strlen(text);
	if (n <= max)
		return bh_xstrdup(text);
	/* Cut on a character boundary. */
	while (n > max || ((unsigned char)text[n] & 0xc0) == 0x80)
		n--;
	return bh_xasprintf("%.*s...", (int)n, text);
}

void bh_put_word(struct bh_strbuf *sb, const char *s, bool expands)
{
	bool quote = s[0] == '\0' || s[0] == '#';
	for (const char *c = s; *c && !quote; c++)
		quote = *c == ' ' || *c == '\t' || *c == '"' || *c == '\\';
	if (quote)
		bh_strbuf_putc(sb, '"');
	for (const char *c = s; *c; c++) {
		if (quote && (*c == '"' || *c == '\\'))
			bh_strbuf_putc(sb, '\\');
		if (expands && *c == '$')
			bh_strbuf_putc(sb, '$');
		bh_strbuf_putc(sb, *c);
	}
	if (quote)
		bh_strbuf_putc(sb, '"');
}
