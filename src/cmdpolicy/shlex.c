/* SPDX-License-Identifier: MIT */
/*
 * Words of the shell language: quoting, parameter expansion, command,
 * process and arithmetic substitution, globs, tildes, brace expansion.
 *
 * What it defends against: a word that runs a command the checker does not
 * see.  Every $(...), `...`, <(...) and >(...) in a word is parsed as
 * commands wherever bash would run it — inside "...", inside the nested
 * words of ${x:-...} and ${x/p/r}, inside $((...)) and array subscripts,
 * inside here-document bodies — and handed to the collecting node.  Where
 * bash's reading depends on something this parser does not model, the
 * word is refused rather than guessed: single quotes inside a
 * double-quoted ${...} (bash expands what they enclose), ${x@P} (prompt
 * expansion runs substitutions found in the value), $[...], ${ cmd; },
 * extended globs, zsh's =cmd.
 *
 * A word is static when it has literal parts only; anything that could
 * expand to something else (a parameter, a substitution, a glob, a tilde,
 * a brace expansion) is a part of its own kind.
 */
#include "cmdpolicy/shparse_int.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* ---- words under construction ---- */

struct brace_frame {
	size_t part; /* index of the "{" literal part */
	size_t src;  /* its buffer position */
	bool comma;  /* a, at this level: {a,b} */
	bool dots;   /* .. at this level: {1..3} */
};

struct wb {
	struct bh_sh_part *parts;
	size_t n, cap;
	struct bh_strbuf lit; /* pending literal bytes */
	bool lit_quoted;
	bool quoted; /* any quoting or escaping in the word */
	/* Plain words only: the NAME= prefix, tilde positions, braces and
	 * bracket expressions. */
	bool at_start, name_ok, tilde_ok;
	bool last_dot; /* the previous unit was an unquoted "." */
	size_t name_len;
	size_t assign_len, value_pos;
	bool append, subscript;
	struct brace_frame *br;
	size_t n_br, cap_br;
	bool bracket;
	size_t bracket_part, bracket_src;
};

static void wb_init(struct wb *wb, bool plain)
{
	memset(wb, 0, sizeof(*wb));
	wb->at_start = wb->name_ok = wb->tilde_ok = plain;
}

static void parts_free(struct bh_sh_part *parts, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(parts[i].text);
	free(parts);
}

static void wb_free(struct wb *wb)
{
	parts_free(wb->parts, wb->n);
	bh_strbuf_release(&wb->lit);
	free(wb->br);
	memset(wb, 0, sizeof(*wb));
}

static struct bh_sh_part *wb_slot(struct wb *wb)
{
	bh_xgrow((void **)&wb->parts, &wb->cap, wb->n + 1, sizeof(*wb->parts));
	struct bh_sh_part *p = &wb->parts[wb->n++];
	memset(p, 0, sizeof(*p));
	return p;
}

static void wb_flush(struct wb *wb)
{
	if (wb->lit.len == 0)
		return;
	size_t n = wb->lit.len;
	struct bh_sh_part *p = wb_slot(wb);
	p->kind = BH_SHP_LIT;
	p->len = n;
	p->text = bh_strbuf_steal(&wb->lit);
	p->quoted = wb->lit_quoted;
}

static void wb_lit(struct wb *wb, const char *s, size_t n, bool quoted)
{
	if (wb->lit.len > 0 && wb->lit_quoted != quoted)
		wb_flush(wb);
	bh_strbuf_append(&wb->lit, s, n);
	wb->lit_quoted = quoted;
}

static void wb_char(struct wb *wb, int c, bool quoted)
{
	char ch = (char)c;
	wb_lit(wb, &ch, 1, quoted);
}

/* Takes ownership of text. */
static void wb_part(struct wb *wb, enum bh_sh_part_kind kind, char *text,
		    size_t len, bool quoted, struct bh_sh_node *sub)
{
	wb_flush(wb);
	struct bh_sh_part *p = wb_slot(wb);
	p->kind = kind;
	p->text = text;
	p->len = len;
	p->quoted = quoted;
	p->sub = sub;
}

static char *src_copy(const struct sh_ps *ps, size_t from, size_t to)
{
	return bh_xstrndup(ps->src.s + from, to - from);
}

/* Replaces parts[from..] with one part of the given kind whose text is
 * the source from src_from to src_to. */
static void wb_collapse(struct sh_ps *ps, struct wb *wb, size_t from,
			enum bh_sh_part_kind kind, size_t src_from,
			size_t src_to)
{
	wb_flush(wb);
	for (size_t i = from; i < wb->n; i++)
		free(wb->parts[i].text);
	wb->n = from;
	wb_part(wb, kind, src_copy(ps, src_from, src_to), src_to - src_from,
		false, NULL);
	while (wb->n_br > 0 && wb->br[wb->n_br - 1].part >= from)
		wb->n_br--;
	if (wb->bracket && wb->bracket_part >= from)
		wb->bracket = false;
}

/* ---- single quotes, $'...' ---- */

static int lex_squote(struct sh_ps *ps, struct wb *wb)
{
	size_t at = ps->src.pos;
	const char *s = ps->src.s;
	const char *end = memchr(s + at + 1, '\'', ps->src.len - at - 1);
	if (!end)
		return sh_fail(ps, at, "unterminated single quote");
	size_t q = (size_t)(end - s);
	wb_lit(wb, s + at + 1, q - at - 1, true);
	wb->quoted = true;
	ps->src.pos = q + 1;
	return 0;
}

static void put_utf8(struct wb *wb, unsigned long cp)
{
	char b[4];
	size_t n;
	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (char)(0xf0 | (cp >> 18));
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	wb_lit(wb, b, n, true);
}

/* Up to max digits of the given base at s[*p]; returns how many. */
static int read_digits(const char *s, size_t len, size_t *p, int base, int max,
		       unsigned long *val)
{
	int n = 0;
	*val = 0;
	while (n < max && *p < len) {
		int d = bh_hex_value((unsigned char)s[*p]);
		if (d < 0 || d >= base)
			break;
		*val = *val * (unsigned long)base + (unsigned long)d;
		(*p)++;
		n++;
	}
	return n;
}

static int simple_escape(int c)
{
	static const char from[] = "abeEfnrtv\\'\"?";
	static const char to[] = "\a\b\033\033\f\n\r\t\v\\'\"?";
	const char *p = c > 0 ? strchr(from, c) : NULL;
	return p ? (unsigned char)to[p - from] : -1;
}

/* One escape of $'...' at s[*p] (just after the backslash). */
static int ansi_escape(struct sh_ps *ps, struct wb *wb, size_t *p)
{
	const char *s = ps->src.s;
	size_t len = ps->src.len, at = *p - 1;
	int c = (unsigned char)s[*p];
	unsigned long v = 0;
	int e = simple_escape(c);
	(*p)++;
	if (e >= 0) {
		wb_char(wb, e, true);
		return 0;
	}
	if (c >= '0' && c <= '7') {
		(*p)--;
		read_digits(s, len, p, 8, 3, &v);
		v &= 0xff;
	} else if (c == 'x' || c == 'u' || c == 'U') {
		int max = c == 'x' ? 2 : c == 'u' ? 4 : 8;
		if (read_digits(s, len, p, 16, max, &v) == 0) {
			wb_char(wb, '\\', true);
			wb_char(wb, c, true);
			return 0;
		}
		if (c != 'x') {
			if (v == 0)
				return sh_fail(ps, at, "NUL byte in $'...'");
			if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
				return sh_fail(ps, at,
					       "invalid code point in $'...'");
			put_utf8(wb, v);
			return 0;
		}
	} else if (c == 'c' && *p < len && s[*p] != '\'') {
		int k = (unsigned char)s[(*p)++];
		if (k == '\\' && *p < len && s[*p] == '\\')
			(*p)++;
		v = k == '?'
			? 0x7f
			: (unsigned long)((k >= 'a' && k <= 'z' ? k - 32 : k) &
					  0x1f);
	} else {
		wb_char(wb, '\\', true);
		wb_char(wb, c, true);
		return 0;
	}
	if (v == 0)
		return sh_fail(ps, at, "NUL byte in $'...'");
	wb_char(wb, (int)v, true);
	return 0;
}

/* $'...' with ANSI-C escapes, decoded into literal bytes.  At the quote. */
static int lex_ansi(struct sh_ps *ps, struct wb *wb, size_t at)
{
	const char *s = ps->src.s;
	size_t len = ps->src.len, p = ps->src.pos + 1;
	wb->quoted = true;
	for (;;) {
		if (p >= len)
			return sh_fail(ps, at, "unterminated $'...'");
		if (s[p] == '\'')
			break;
		if (s[p] == '\\' && p + 1 < len) {
			p++;
			if (ansi_escape(ps, wb, &p) < 0)
				return ps->rc;
			continue;
		}
		wb_char(wb, (unsigned char)s[p], true);
		p++;
	}
	ps->src.pos = p + 1;
	return 0;
}

/* ---- substitutions ---- */

/* After "$(", "<(" or ">(": the commands up to the matching ")". */
static int lex_cmdsub(struct sh_ps *ps, struct wb *wb, size_t at,
		      enum bh_sh_part_kind kind, bool quoted)
{
	const char *what = kind == BH_SHP_CMDSUB       ? "'$('"
			   : kind == BH_SHP_PROCSUB_IN ? "'<('"
						       : "'>('";
	struct bh_sh_node *list = sh_parse_sub_list(ps, ')', at, what);
	if (!list)
		return ps->rc;
	if (sh_collect(ps, list) < 0)
		return ps->rc;
	wb_part(wb, kind, src_copy(ps, at, ps->src.pos), ps->src.pos - at,
		quoted, list);
	return 0;
}

/* `...`: backslash keeps its meaning except before $ ` \ (and " when the
 * backquotes are inside double quotes); the unescaped text is parsed as
 * its own buffer, mapped back to input offsets. */
static int lex_backtick(struct sh_ps *ps, struct wb *wb, bool in_dq)
{
	size_t at = ps->src.pos;
	if (sh_enter(ps) < 0)
		return ps->rc;
	const char *s = ps->src.s;
	size_t len = ps->src.len, p = at + 1;
	struct bh_strbuf buf = BH_STRBUF_INIT;
	size_t *map = NULL, n_map = 0, cap_map = 0;
	int rc = 0;
	for (;;) {
		if (p >= len) {
			rc = sh_fail(ps, at, "unterminated backquote");
			goto out;
		}
		char c = s[p];
		size_t from = p;
		if (c == '`')
			break;
		if (c == '\\' && p + 1 < len) {
			char n = s[p + 1];
			if (n == '\n') {
				p += 2;
				continue;
			}
			if (n == '$' || n == '`' || n == '\\' ||
			    (in_dq && n == '"')) {
				c = n;
				from = p + 1;
				p++;
			}
		}
		bh_strbuf_putc(&buf, c);
		bh_xgrow((void **)&map, &cap_map, n_map + 2, sizeof(*map));
		map[n_map++] = sh_off(ps, from);
		p++;
	}
	bh_xgrow((void **)&map, &cap_map, n_map + 1, sizeof(*map));
	map[n_map] = sh_off(ps, p);
	struct sh_src saved = ps->src;
	ps->src = (struct sh_src){buf.buf ? buf.buf : "", buf.len, 0, map};
	struct bh_sh_node *list = sh_parse_sub_list(ps, 0, 0, "`");
	ps->src = saved;
	ps->src.pos = p + 1;
	if (!list || sh_collect(ps, list) < 0) {
		rc = ps->rc;
		goto out;
	}
	wb_part(wb, BH_SHP_CMDSUB, src_copy(ps, at, p + 1), p + 1 - at, in_dq,
		list);
out:
	bh_strbuf_release(&buf);
	free(map);
	sh_leave(ps);
	return rc;
}

enum lmode {
	LM_PLAIN = 0,
	LM_REGEX,
	LM_PARAM,   /* the word of ${x OP word}: ends at } */
	LM_ARITH,   /* $((...)), ((...)), ${a[...]}: ends at the closer */
	LM_HEREDOC, /* an unquoted here-document body: to the buffer's end */
};

struct lexcfg {
	enum lmode mode;
	bool dq;	 /* PARAM: the ${...} is itself inside "..." */
	bool stop_slash; /* PARAM: the pattern of ${x/p/r} */
	int open, close; /* ARITH */
	size_t open_pos;
	const char *what;
};

static int lex_loop(struct sh_ps *ps, struct wb *wb, const struct lexcfg *cfg);

/* The nested word(s) of ${...}: substitutions are kept (collected), the
 * parts are not. */
static int lex_discard(struct sh_ps *ps, const struct lexcfg *cfg)
{
	struct wb tmp;
	wb_init(&tmp, false);
	int rc = lex_loop(ps, &tmp, cfg);
	wb_free(&tmp);
	return rc;
}

int sh_lex_arith(struct sh_ps *ps, size_t open_pos, const char *what,
		 char **text)
{
	if (sh_enter(ps) < 0)
		return ps->rc;
	size_t start = ps->src.pos;
	struct lexcfg cfg = {.mode = LM_ARITH,
			     .open = '(',
			     .close = ')',
			     .open_pos = open_pos,
			     .what = what};
	if (lex_discard(ps, &cfg) < 0)
		return ps->rc;
	size_t end = ps->src.pos;
	sh_advance(ps);
	if (sh_peek(ps) != ')')
		return sh_fail(ps, open_pos,
			       "ambiguous %s: its parentheses do not close "
			       "as '))'; put a space between the two '(' for "
			       "nested subshells",
			       what);
	sh_advance(ps);
	*text = src_copy(ps, start, end);
	sh_leave(ps);
	return 0;
}

static bool is_special_param(int c)
{
	return c == '@' || c == '*' || c == '#' || c == '?' || c == '-' ||
	       c == '$' || c == '!' || is_digit(c);
}

/* The parameter's name after "${", "${#" or "${!". */
static char *param_name(struct sh_ps *ps)
{
	struct bh_strbuf nb = BH_STRBUF_INIT;
	int c = sh_peek(ps);
	if (sh_is_name_start(c)) {
		while (sh_is_name_char(c = sh_peek(ps))) {
			bh_strbuf_putc(&nb, (char)c);
			sh_advance(ps);
		}
	} else if (is_digit(c)) {
		while (is_digit(c = sh_peek(ps))) {
			bh_strbuf_putc(&nb, (char)c);
			sh_advance(ps);
		}
	} else if (is_special_param(c)) {
		bh_strbuf_putc(&nb, (char)c);
		sh_advance(ps);
	} else {
		return NULL;
	}
	return bh_strbuf_steal(&nb);
}

/* The operator and word(s) after the name, up to and without the "}". */
static int param_operator(struct sh_ps *ps, bool dq, size_t at)
{
	struct lexcfg cfg = {
	    .mode = LM_PARAM, .dq = dq, .open_pos = at, .what = "'${'"};
	int c = sh_peek(ps);
	switch (c) {
	case ':':
		sh_advance(ps);
		c = sh_peek(ps);
		if (c == '-' || c == '=' || c == '?' || c == '+')
			sh_advance(ps);
		return lex_discard(ps, &cfg);
	case '-':
	case '=':
	case '?':
	case '+':
		sh_advance(ps);
		return lex_discard(ps, &cfg);
	case '#':
	case '%':
	case '^':
	case ',':
		sh_advance(ps);
		if (sh_peek(ps) == c)
			sh_advance(ps);
		return lex_discard(ps, &cfg);
	case '/':
		sh_advance(ps);
		c = sh_peek(ps);
		if (c == '/' || c == '#' || c == '%')
			sh_advance(ps);
		cfg.stop_slash = true;
		if (lex_discard(ps, &cfg) < 0)
			return ps->rc;
		if (sh_peek(ps) != '/')
			return 0;
		sh_advance(ps);
		cfg.stop_slash = false;
		return lex_discard(ps, &cfg);
	case '@':
		sh_advance(ps);
		c = sh_peek(ps);
		if (c == 'P')
			return sh_fail(ps, at,
				       "${...@P} is not supported: prompt "
				       "expansion runs command substitutions "
				       "found in the value");
		if (c < 0 || !strchr("QEAaUuLKk", c))
			return sh_fail(ps, at, "bad substitution");
		sh_advance(ps);
		return 0;
	default:
		return sh_fail(ps, at, "bad substitution");
	}
}

/* After "${". */
static int lex_braced_param(struct sh_ps *ps, struct wb *wb, size_t at, bool dq)
{
	if (sh_enter(ps) < 0)
		return ps->rc;
	int c = sh_peek(ps), n = sh_peek2(ps);
	bool length = false, indirect = false;
	if (sh_is_blank(c) || c == '\n' || c == '|')
		return sh_fail(ps, at,
			       "${ command; } (bash 5.3) is not supported");
	if ((c == '#' || c == '!') && n != '}' &&
	    (sh_is_name_start(n) || is_special_param(n))) {
		length = c == '#';
		indirect = c == '!';
		sh_advance(ps);
	}
	char *name = param_name(ps);
	if (!name)
		return sh_fail(ps, at, "bad substitution");
	if (sh_peek(ps) == '[' && sh_is_name(name, strlen(name))) {
		size_t sub_at = ps->src.pos;
		sh_advance(ps);
		struct lexcfg cfg = {.mode = LM_ARITH,
				     .open = '[',
				     .close = ']',
				     .open_pos = sub_at,
				     .what = "'['"};
		if (lex_discard(ps, &cfg) < 0)
			goto fail;
		sh_advance(ps);
	}
	c = sh_peek(ps);
	if (indirect && (c == '*' || c == '@') && sh_peek2(ps) == '}') {
		sh_advance(ps);
		c = '}';
	}
	if (c < 0) {
		sh_fail(ps, at, "unterminated '${'");
		goto fail;
	}
	if (c != '}') {
		if (length) {
			sh_fail(ps, at, "bad substitution");
			goto fail;
		}
		if (param_operator(ps, dq, at) < 0)
			goto fail;
		if (sh_peek(ps) != '}') {
			sh_fail(ps, at, "bad substitution");
			goto fail;
		}
	}
	sh_advance(ps);
	wb_part(wb, BH_SHP_PARAM, name, strlen(name), dq, NULL);
	sh_leave(ps);
	return 0;
fail:
	free(name);
	return ps->rc;
}

/* At "$".  quoted: inside "..." (or a here-document body, or a
 * double-quoted ${...}), where $'...' and $"..." are not special. */
static int lex_dollar(struct sh_ps *ps, struct wb *wb, bool quoted)
{
	size_t at = ps->src.pos;
	int n = sh_peek2(ps);
	if (n == '(') {
		sh_advance(ps);
		sh_advance(ps);
		if (sh_peek(ps) == '(') {
			sh_advance(ps);
			char *text = NULL;
			if (sh_lex_arith(ps, at, "'$(('", &text) < 0)
				return ps->rc;
			wb_part(wb, BH_SHP_ARITH, text, strlen(text), quoted,
				NULL);
			return 0;
		}
		return lex_cmdsub(ps, wb, at, BH_SHP_CMDSUB, quoted);
	}
	if (n == '{') {
		sh_advance(ps);
		sh_advance(ps);
		return lex_braced_param(ps, wb, at, quoted);
	}
	if (n == '[')
		return sh_fail(ps, at,
			       "$[...] arithmetic is not supported; "
			       "write $((...))");
	if (n == '\'' && !quoted) {
		sh_advance(ps);
		sh_peek(ps);
		return lex_ansi(ps, wb, at);
	}
	if (sh_is_name_start(n) || is_special_param(n)) {
		sh_advance(ps);
		struct bh_strbuf nb = BH_STRBUF_INIT;
		if (sh_is_name_start(n)) {
			while (sh_is_name_char(n = sh_peek(ps))) {
				bh_strbuf_putc(&nb, (char)n);
				sh_advance(ps);
			}
		} else {
			bh_strbuf_putc(&nb, (char)n);
			sh_advance(ps);
		}
		size_t l = nb.len;
		wb_part(wb, BH_SHP_PARAM, bh_strbuf_steal(&nb), l, quoted,
			NULL);
		return 0;
	}
	sh_advance(ps);
	wb_char(wb, '$', quoted);
	return 0;
}

/* ---- the word loop ---- */

/* Inside "..." or an unquoted here-document body. */
static int lex_dq_char(struct sh_ps *ps, struct wb *wb, int c, bool dq)
{
	if (c == '\\') {
		size_t p = ps->src.pos;
		int n =
		    p + 1 < ps->src.len ? (unsigned char)ps->src.s[p + 1] : -1;
		if (n == '$' || n == '`' || n == '\\' || (dq && n == '"')) {
			wb_char(wb, n, true);
			ps->src.pos = p + 2;
		} else {
			wb_char(wb, '\\', true);
			ps->src.pos = p + 1;
		}
		return 0;
	}
	if (c == '$')
		return lex_dollar(ps, wb, true);
	if (c == '`')
		return lex_backtick(ps, wb, dq);
	wb_char(wb, c, true);
	sh_advance(ps);
	return 0;
}

static bool tilde_user_char(int c)
{
	return sh_is_name_char(c) || c == '.' || c == '-' || c == '+';
}

/* A leading ~ or ~user (also after = and : in assignments). */
static bool lex_tilde(struct sh_ps *ps, struct wb *wb)
{
	size_t save = ps->src.pos;
	struct bh_strbuf user = BH_STRBUF_INIT;
	sh_advance(ps);
	int c;
	while (tilde_user_char(c = sh_peek(ps))) {
		bh_strbuf_putc(&user, (char)c);
		sh_advance(ps);
	}
	bool end =
	    c == '/' || (wb->assign_len && c == ':') ||
	    (sh_is_meta(c) && !((c == '<' || c == '>') && sh_peek2(ps) == '('));
	if (!end) {
		ps->src.pos = save;
		bh_strbuf_release(&user);
		return false;
	}
	size_t l = user.len;
	wb_part(wb, BH_SHP_TILDE, bh_strbuf_steal(&user), l, false, NULL);
	return true;
}

/* Unquoted glob and brace characters of a plain word. */
static int lex_pattern_char(struct sh_ps *ps, struct wb *wb, int c)
{
	size_t at = ps->src.pos;
	switch (c) {
	case '*':
	case '?':
		if (sh_peek2(ps) == '(')
			return sh_fail(ps, at,
				       "extended glob patterns are not "
				       "supported");
		sh_advance(ps);
		wb_part(wb, BH_SHP_GLOB, bh_xstrndup(c == '*' ? "*" : "?", 1),
			1, false, NULL);
		return 0;
	case '[':
		wb_flush(wb);
		wb_char(wb, '[', false);
		wb_flush(wb);
		if (!wb->bracket) {
			wb->bracket = true;
			wb->bracket_part = wb->n - 1;
			wb->bracket_src = at;
		}
		sh_advance(ps);
		return 0;
	case ']':
		sh_advance(ps);
		if (wb->bracket &&
		    (wb->n > wb->bracket_part + 1 || wb->lit.len > 0)) {
			wb_collapse(ps, wb, wb->bracket_part, BH_SHP_GLOB,
				    wb->bracket_src, ps->src.pos);
			return 0;
		}
		wb_char(wb, ']', false);
		return 0;
	case '{': {
		wb_flush(wb);
		wb_char(wb, '{', false);
		wb_flush(wb);
		struct brace_frame *f =
		    sh_push(&wb->br, &wb->n_br, sizeof(*wb->br));
		f->part = wb->n - 1;
		f->src = at;
		sh_advance(ps);
		return 0;
	}
	case ',':
		if (wb->n_br > 0)
			wb->br[wb->n_br - 1].comma = true;
		break;
	case '}':
		if (wb->n_br > 0) {
			struct brace_frame f = wb->br[--wb->n_br];
			sh_advance(ps);
			wb_flush(wb);
			if (f.comma || f.dots) {
				wb_collapse(ps, wb, f.part, BH_SHP_BRACE, f.src,
					    ps->src.pos);
				return 0;
			}
			wb_char(wb, '}', false);
			return 0;
		}
		break;
	}
	wb_char(wb, c, false);
	sh_advance(ps);
	return 0;
}

/* Assignment prefix and tilde positions of a plain word; returns 1 when
 * it consumed the character. */
static int lex_plain_prefix(struct sh_ps *ps, struct wb *wb, int c)
{
	bool start = wb->at_start, name_ok = wb->name_ok;
	bool tilde = wb->tilde_ok;
	wb->at_start = wb->name_ok = wb->tilde_ok = false;
	if (c == '~' && tilde && lex_tilde(ps, wb))
		return 1;
	if (name_ok &&
	    (sh_is_name_start(c) || (wb->name_len > 0 && sh_is_name_char(c)))) {
		wb->name_ok = true;
		wb->name_len++;
		wb_char(wb, c, false);
		sh_advance(ps);
		return 1;
	}
	if (name_ok && wb->name_len > 0 &&
	    (c == '=' || (c == '+' && sh_peek2(ps) == '='))) {
		wb->append = c == '+';
		wb_lit(wb, c == '+' ? "+=" : "=", c == '+' ? 2 : 1, false);
		sh_advance(ps);
		if (c == '+')
			sh_advance(ps);
		wb_flush(wb);
		wb->assign_len = wb->name_len + (c == '+' ? 2 : 1);
		wb->value_pos = ps->src.pos;
		wb->tilde_ok = true;
		return 1;
	}
	if (name_ok && wb->name_len > 0 && c == '[')
		wb->subscript = true;
	if (start && c == '=') {
		int n = sh_peek2(ps);
		if (sh_is_name_start(n))
			return sh_fail(ps, ps->src.pos,
				       "zsh's =command expansion is not "
				       "supported");
	}
	if (c == ':' && wb->assign_len) {
		wb_char(wb, ':', false);
		sh_advance(ps);
		wb->tilde_ok = true;
		return 1;
	}
	return 0;
}

/* Does the unquoted character c end the word (without being consumed)?
 * Errors for an unterminated construct are reported here. */
static int lex_ends(struct sh_ps *ps, const struct lexcfg *cfg, int c,
		    int *paren)
{
	int n;
	switch (cfg->mode) {
	case LM_PLAIN:
	case LM_REGEX:
		if (cfg->mode == LM_REGEX && *paren > 0) {
			if (c < 0 || c == '\n')
				return sh_fail(ps, ps->src.pos,
					       "unterminated ( in a regular "
					       "expression");
			return 0;
		}
		if (cfg->mode == LM_REGEX && (c == '(' || c == '|'))
			return 0;
		if (c == '<' || c == '>')
			return sh_peek2(ps) != '(';
		return sh_is_meta(c);
	case LM_PARAM:
		if (c < 0)
			return sh_fail(ps, cfg->open_pos, "unterminated %s",
				       cfg->what);
		return c == '}' || (cfg->stop_slash && c == '/');
	case LM_ARITH:
		if (c < 0)
			return sh_fail(ps, cfg->open_pos, "unterminated %s",
				       cfg->what);
		if (c == cfg->close && *paren == 0)
			return 1;
		n = c == cfg->open ? 1 : c == cfg->close ? -1 : 0;
		*paren += n;
		return 0;
	case LM_HEREDOC:
		break;
	}
	return 0;
}

static int lex_loop(struct sh_ps *ps, struct wb *wb, const struct lexcfg *cfg)
{
	bool dq = false;
	size_t dq_pos = 0;
	int paren = 0;
	bool plain = cfg->mode == LM_PLAIN;
	bool param_dq = cfg->mode == LM_PARAM && cfg->dq;
	for (;;) {
		if (sh_failed(ps))
			return ps->rc;
		int c = sh_peek(ps);
		if (dq || cfg->mode == LM_HEREDOC) {
			if (c < 0) {
				if (!dq)
					return 0;
				return sh_fail(ps, dq_pos,
					       "unterminated double quote");
			}
			if (dq && c == '"') {
				sh_advance(ps);
				dq = false;
				continue;
			}
			if (lex_dq_char(ps, wb, c, dq) < 0)
				return ps->rc;
			continue;
		}
		int end = lex_ends(ps, cfg, c, &paren);
		if (end < 0)
			return end;
		if (end)
			return 0;
		if (cfg->mode == LM_REGEX) {
			if (c == '(')
				paren++;
			else if (c == ')' && paren > 0)
				paren--;
		}
		if (plain) {
			if (c == '.' && wb->last_dot && wb->n_br > 0)
				wb->br[wb->n_br - 1].dots = true;
			wb->last_dot = c == '.';
			int r = lex_plain_prefix(ps, wb, c);
			if (r < 0)
				return r;
			if (r > 0)
				continue;
		}
		size_t at = ps->src.pos;
		int n = sh_peek2(ps);
		switch (c) {
		case '\\':
			wb->quoted = true;
			if (at + 1 >= ps->src.len) {
				wb_char(wb, '\\', false);
				ps->src.pos = at + 1;
			} else {
				wb_char(wb, (unsigned char)ps->src.s[at + 1],
					true);
				ps->src.pos = at + 2;
			}
			continue;
		case '\'':
			if (param_dq)
				return sh_fail(ps, at,
					       "single quotes inside a "
					       "double-quoted ${...} are not "
					       "supported");
			if (lex_squote(ps, wb) < 0)
				return ps->rc;
			continue;
		case '"':
			wb->quoted = true;
			dq = true;
			dq_pos = at;
			sh_advance(ps);
			continue;
		case '$':
			if (n == '"' && !param_dq) {
				wb->quoted = true;
				dq = true;
				dq_pos = at;
				sh_advance(ps);
				sh_advance(ps);
				continue;
			}
			if (n == '\'' && !param_dq)
				wb->quoted = true;
			if (lex_dollar(ps, wb, param_dq) < 0)
				return ps->rc;
			continue;
		case '`':
			if (lex_backtick(ps, wb, param_dq) < 0)
				return ps->rc;
			continue;
		case '<':
		case '>':
			if (n == '(' && cfg->mode != LM_ARITH && !param_dq) {
				sh_advance(ps);
				sh_advance(ps);
				if (lex_cmdsub(ps, wb, at,
					       c == '<' ? BH_SHP_PROCSUB_IN
							: BH_SHP_PROCSUB_OUT,
					       false) < 0)
					return ps->rc;
				continue;
			}
			break;
		case '*':
		case '?':
		case '[':
		case ']':
		case '{':
		case '}':
		case ',':
			if (plain) {
				if (lex_pattern_char(ps, wb, c) < 0)
					return ps->rc;
				continue;
			}
			break;
		}
		wb_char(wb, c, param_dq);
		sh_advance(ps);
	}
}

/* ---- finished words ---- */

void sh_word_finish(struct bh_sh_word *w)
{
	size_t j = 0;
	for (size_t i = 0; i < w->n_parts; j++) {
		struct bh_sh_part p = w->parts[i];
		size_t k = i + 1;
		while (k < w->n_parts && w->parts[k].kind == p.kind &&
		       (p.kind == BH_SHP_LIT || p.kind == BH_SHP_GLOB))
			k++;
		if (k > i + 1) {
			struct bh_strbuf sb = BH_STRBUF_INIT;
			bool quoted = true;
			for (size_t m = i; m < k; m++) {
				bh_strbuf_append(&sb, w->parts[m].text,
						 w->parts[m].len);
				quoted = quoted && w->parts[m].quoted;
				free(w->parts[m].text);
			}
			p.len = sb.len;
			p.text = bh_strbuf_steal(&sb);
			p.quoted = quoted;
		}
		w->parts[j] = p;
		i = k;
	}
	w->n_parts = j;
	w->is_static = true;
	for (size_t i = 0; i < w->n_parts; i++)
		if (w->parts[i].kind != BH_SHP_LIT)
			w->is_static = false;
	free(w->lit);
	w->lit = NULL;
	if (w->is_static)
		w->lit = w->n_parts
			     ? bh_xstrndup(w->parts[0].text, w->parts[0].len)
			     : bh_xstrdup("");
}

static struct bh_sh_word *wb_word(struct sh_ps *ps, struct wb *wb, size_t start)
{
	wb_flush(wb);
	struct bh_sh_word *w = bh_xcalloc(1, sizeof(*w));
	w->parts = wb->parts;
	w->n_parts = wb->n;
	wb->parts = NULL;
	wb->n = wb->cap = 0;
	w->raw = src_copy(ps, start, ps->src.pos);
	sh_word_finish(w);
	return w;
}

struct bh_sh_word *sh_lex_word_info(struct sh_ps *ps, enum sh_wmode mode,
				    struct sh_wordinfo *info)
{
	struct wb wb;
	wb_init(&wb, mode == SH_W_PLAIN);
	struct lexcfg cfg = {.mode = mode == SH_W_REGEX ? LM_REGEX : LM_PLAIN};
	size_t start = ps->src.pos;
	if (lex_loop(ps, &wb, &cfg) < 0) {
		wb_free(&wb);
		return NULL;
	}
	if (ps->src.pos == start) {
		wb_free(&wb);
		sh_fail(ps, start, "expected a word");
		return NULL;
	}
	if (info) {
		info->quoted = wb.quoted;
		info->assign_len = wb.assign_len;
		info->value_pos = wb.value_pos;
		info->append = wb.append;
		info->subscript = wb.subscript;
	}
	struct bh_sh_word *w = wb_word(ps, &wb, start);
	wb_free(&wb);
	return w;
}

struct bh_sh_word *sh_lex_word(struct sh_ps *ps, enum sh_wmode mode)
{
	return sh_lex_word_info(ps, mode, NULL);
}

struct bh_sh_word *sh_lex_heredoc_body(struct sh_ps *ps)
{
	struct wb wb;
	wb_init(&wb, false);
	struct lexcfg cfg = {.mode = LM_HEREDOC};
	if (lex_loop(ps, &wb, &cfg) < 0) {
		wb_free(&wb);
		return NULL;
	}
	struct bh_sh_word *w = wb_word(ps, &wb, 0);
	wb_free(&wb);
	return w;
}

void sh_parts_take(struct bh_sh_part **parts, size_t *n, size_t *cap,
		   struct bh_sh_word *w)
{
	bh_xgrow((void **)parts, cap, *n + w->n_parts, sizeof(**parts));
	memcpy(*parts + *n, w->parts, w->n_parts * sizeof(**parts));
	*n += w->n_parts;
	w->n_parts = 0;
	sh_word_free(w);
}

void sh_word_free(struct bh_sh_word *w)
{
	if (!w)
		return;
	parts_free(w->parts, w->n_parts);
	free(w->raw);
	free(w->lit);
	free(w);
}

struct bh_sh_word *sh_word_static(const char *text, size_t n)
{
	struct bh_sh_word *w = bh_xcalloc(1, sizeof(*w));
	w->parts = bh_xcalloc(1, sizeof(*w->parts));
	w->n_parts = 1;
	w->parts[0].kind = BH_SHP_LIT;
	w->parts[0].text = bh_xstrndup(text, n);
	w->parts[0].len = n;
	w->raw = bh_xstrndup(text, n);
	sh_word_finish(w);
	return w;
}
