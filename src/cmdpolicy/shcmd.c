/* SPDX-License-Identifier: MIT */
/*
 * Commands: simple commands (assignments, words, redirections), function
 * definitions and the compound commands ({ }, ( ), if, while, until, for,
 * case, [[ ]], (( ))).
 *
 * What it defends against: a command the checker misreads as data or as
 * another command.  An assignment is recognised only before the command
 * word and only when bash would make it one (`x=1 cmd`, not `"x"=1`);
 * after the command word `x=1` stays a word (`export x=1`), so the checker
 * sees the builtin and its operand.  Array element assignments
 * (`a[$(X)]=1` runs X while evaluating the subscript) are refused, and so
 * is any function whose name is not a plain word.
 */
#include <string.h>

#include "cmdpolicy/shparse_int.h"
#include "core/util.h"

#define BIT(r) (1u << (r))

/* A word must start here: not a metacharacter, unless <( or >(. */
static int need_word(struct sh_ps *ps)
{
	if (sh_is_meta(sh_peek(ps)) && !sh_procsub_at(ps))
		return sh_unexpected(ps);
	return 0;
}

/* The next word of a list inside `what`, which opened at `at`. */
static struct bh_sh_word *list_word(struct sh_ps *ps, size_t at,
				    const char *what)
{
	if (sh_peek(ps) < 0) {
		sh_fail(ps, at, "unterminated %s", what);
		return NULL;
	}
	if (need_word(ps) < 0)
		return NULL;
	return sh_lex_word(ps, SH_W_PLAIN);
}

/* A word written without quoting or expansion (function and loop
 * variable names). */
static bool is_plain(const struct bh_sh_word *w)
{
	return w->is_static && w->lit[0] && strcmp(w->raw, w->lit) == 0;
}

/* ---- assignments ---- */

/* ( word... ) of an array assignment, at the "(". */
static int parse_array(struct sh_ps *ps, struct bh_sh_word ***elems, size_t *n)
{
	size_t at = ps->src.pos;
	sh_advance(ps);
	for (;;) {
		if (sh_skip_space(ps, true) < 0)
			return ps->rc;
		if (sh_match(ps, ")"))
			return 0;
		struct bh_sh_word *w = list_word(ps, at, "array assignment");
		if (!w)
			return ps->rc;
		*(struct bh_sh_word **)sh_push(elems, n, sizeof(**elems)) = w;
	}
}

/* The value of NAME=value: the word's parts after the prefix. */
static struct bh_sh_word *split_value(struct bh_sh_word *w, size_t wstart,
				      const struct sh_wordinfo *info)
{
	struct bh_sh_part *p0 = &w->parts[0];
	size_t k = info->assign_len;
	struct bh_sh_word *v = bh_xcalloc(1, sizeof(*v));
	v->raw = bh_xstrdup(w->raw + (info->value_pos - wstart));
	v->parts = bh_xcalloc(w->n_parts, sizeof(*v->parts));
	if (p0->len > k) {
		struct bh_sh_part *p = &v->parts[v->n_parts++];
		p->kind = BH_SHP_LIT;
		p->len = p0->len - k;
		p->text = bh_xstrndup(p0->text + k, p->len);
		p->quoted = p0->quoted;
	}
	for (size_t i = 1; i < w->n_parts; i++)
		v->parts[v->n_parts++] = w->parts[i];
	w->n_parts = 1;
	sh_word_free(w);
	sh_word_finish(v);
	if (v->n_parts == 0 && v->raw[0] == '\0') {
		sh_word_free(v);
		return NULL;
	}
	return v;
}

static bool value_empty(const struct bh_sh_word *w,
			const struct sh_wordinfo *info)
{
	return w->n_parts == 1 && w->parts[0].len == info->assign_len;
}

/* Takes ownership of w. */
static int add_assignment(struct sh_ps *ps, struct bh_sh_node *n,
			  struct bh_sh_word *w, size_t wstart,
			  const struct sh_wordinfo *info)
{
	size_t name_len = info->assign_len - (info->append ? 2 : 1);
	char *name = bh_xstrndup(w->parts[0].text, name_len);
	struct bh_sh_word **elems = NULL, *value = NULL;
	size_t n_elems = 0;
	bool array = value_empty(w, info) && sh_peek(ps) == '(';
	if (array) {
		sh_word_free(w);
		if (parse_array(ps, &elems, &n_elems) < 0) {
			for (size_t i = 0; i < n_elems; i++)
				sh_word_free(elems[i]);
			free(elems);
			free(name);
			return ps->rc;
		}
	} else {
		value = split_value(w, wstart, info);
	}
	struct bh_sh_assign *a =
	    sh_push(&n->assigns, &n->n_assigns, sizeof(*a));
	a->name = name;
	a->value = value;
	a->append = info->append;
	a->array = array;
	a->elems = elems;
	a->n_elems = n_elems;
	return 0;
}

static void parts_lit(struct bh_sh_part **parts, size_t *n, size_t *cap,
		      const char *s)
{
	bh_xgrow((void **)parts, cap, *n + 1, sizeof(**parts));
	struct bh_sh_part *p = &(*parts)[(*n)++];
	memset(p, 0, sizeof(*p));
	p->kind = BH_SHP_LIT;
	p->len = strlen(s);
	p->text = bh_xstrdup(s);
}

/* `declare -a x=(a b)`: one word "x=(a b)" whose parts are the
 * elements', so their substitutions stay visible.  Takes w. */
static struct bh_sh_word *array_word(struct sh_ps *ps, struct bh_sh_word *w,
				     size_t wstart)
{
	struct bh_sh_word **elems = NULL;
	size_t n = 0, np = 0, cap = 0;
	struct bh_sh_part *parts = NULL;
	int rc = parse_array(ps, &elems, &n);
	sh_parts_take(&parts, &np, &cap, w);
	parts_lit(&parts, &np, &cap, "(");
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			parts_lit(&parts, &np, &cap, " ");
		sh_parts_take(&parts, &np, &cap, elems[i]);
	}
	free(elems);
	parts_lit(&parts, &np, &cap, ")");
	struct bh_sh_word *out = bh_xcalloc(1, sizeof(*out));
	out->parts = parts;
	out->n_parts = np;
	out->raw = bh_xstrndup(ps->src.s + wstart, ps->src.pos - wstart);
	sh_word_finish(out);
	if (rc < 0) {
		sh_word_free(out);
		return NULL;
	}
	return out;
}

static bool is_decl_builtin(const struct bh_sh_word *w)
{
	static const char *const names[] = {"declare", "typeset", "local",
					    "export", "readonly"};
	if (!w->is_static)
		return false;
	for (size_t i = 0; i < BH_ARRAY_SIZE(names); i++)
		if (strcmp(w->lit, names[i]) == 0)
			return true;
	return false;
}

/* ---- compound nodes ---- */

/* A compound node whose keyword ends at end; it collects the
 * substitutions in its own words (for's list, case's subject, [[ ]]).
 * *saved keeps the collector to restore. */
static struct bh_sh_node *open_node(struct sh_ps *ps, enum bh_sh_node_kind kind,
				    size_t end, struct bh_sh_node **saved)
{
	struct bh_sh_node *n = sh_node_new(ps, kind);
	if (!n)
		return NULL;
	*saved = ps->collector;
	ps->collector = n;
	ps->src.pos = end;
	return n;
}

/* Restores the collector; after a failure frees n and returns NULL. */
static struct bh_sh_node *close_node(struct sh_ps *ps, struct bh_sh_node *n,
				     struct bh_sh_node *saved)
{
	ps->collector = saved;
	if (!sh_failed(ps))
		return n;
	bh_sh_free(n);
	return NULL;
}

/* ---- function definitions ---- */

static bool compound_at(struct sh_ps *ps)
{
	size_t end;
	switch (sh_reserved_at(ps, &end)) {
	case RW_IF:
	case RW_WHILE:
	case RW_UNTIL:
	case RW_FOR:
	case RW_CASE:
	case RW_LBRACE:
	case RW_DBRACKET:
		return true;
	case RW_NONE:
		return sh_peek(ps) == '(';
	default:
		return false;
	}
}

/* The body of a function named name, after its header; takes f. */
static struct bh_sh_node *function_body(struct sh_ps *ps, struct bh_sh_node *f)
{
	if (sh_skip_space(ps, true) < 0)
		goto fail;
	if (!compound_at(ps)) {
		sh_fail(ps, ps->src.pos,
			"a function body must be a compound command");
		goto fail;
	}
	struct bh_sh_node *body = sh_parse_command(ps);
	if (!body)
		goto fail;
	sh_node_add_kid(f, body);
	f->end = body->end;
	return f;
fail:
	bh_sh_free(f);
	return NULL;
}

/* NAME ( ) body, at the "(" after the simple command's one word; takes
 * simple. */
static struct bh_sh_node *parse_funcdef(struct sh_ps *ps,
					struct bh_sh_node *simple)
{
	struct bh_sh_word *name = simple->words[0];
	size_t at = ps->src.pos;
	struct bh_sh_node *f = NULL;
	if (!is_plain(name)) {
		sh_fail(ps, at, "a function name must be a plain word");
		goto out;
	}
	sh_advance(ps);
	if (sh_skip_space(ps, false) < 0)
		goto out;
	if (sh_peek(ps) != ')') {
		sh_fail(ps, at, "'(' after a word that is not a function name");
		goto out;
	}
	sh_advance(ps);
	f = sh_node_new(ps, BH_SHN_FUNCDEF);
	if (!f)
		goto out;
	f->start = simple->start;
	f->var = bh_xstrdup(name->lit);
	f = function_body(ps, f);
out:
	bh_sh_free(simple);
	return f;
}

/* function NAME [()] body */
static struct bh_sh_node *parse_function(struct sh_ps *ps, size_t end)
{
	struct bh_sh_node *saved;
	struct bh_sh_node *f = open_node(ps, BH_SHN_FUNCDEF, end, &saved);
	if (!f)
		return NULL;
	struct bh_sh_word *name = NULL;
	if (sh_skip_space(ps, false) < 0 || need_word(ps) < 0 ||
	    !(name = sh_lex_word(ps, SH_W_PLAIN)))
		goto out;
	if (!is_plain(name)) {
		sh_fail(ps, ps->src.pos,
			"a function name must be a plain word");
		goto out;
	}
	f->var = bh_xstrdup(name->lit);
	if (sh_skip_space(ps, false) < 0)
		goto out;
	size_t paren = ps->src.pos;
	/* "function f ( cmd )": the body is a subshell, not "()" */
	if (sh_match(ps, "(") &&
	    (sh_skip_space(ps, false) < 0 || !sh_match(ps, ")")))
		ps->src.pos = paren;
out:
	sh_word_free(name);
	f = close_node(ps, f, saved);
	return f ? function_body(ps, f) : NULL;
}

/* ---- simple commands ---- */

/* One word of a simple command: an assignment, an argument, or (with the
 * word that follows) an array. */
static int simple_word(struct sh_ps *ps, struct bh_sh_node *n, bool *decl)
{
	size_t wstart = ps->src.pos;
	struct sh_wordinfo info;
	struct bh_sh_word *w = sh_lex_word_info(ps, SH_W_PLAIN, &info);
	if (!w)
		return ps->rc;
	if (n->n_words == 0 && info.assign_len)
		return add_assignment(ps, n, w, wstart, &info);
	if (n->n_words == 0 && info.subscript &&
	    (strstr(w->raw, "]=") || strstr(w->raw, "]+="))) {
		sh_word_free(w);
		return sh_fail(ps, wstart,
			       "assignments to array elements are not "
			       "supported");
	}
	if (*decl && info.assign_len && value_empty(w, &info) &&
	    sh_peek(ps) == '(') {
		w = array_word(ps, w, wstart);
		if (!w)
			return ps->rc;
	}
	sh_node_add_word(n, w);
	if (n->n_words == 1)
		*decl = is_decl_builtin(w);
	return 0;
}

static struct bh_sh_node *parse_simple(struct sh_ps *ps)
{
	struct bh_sh_node *n = sh_node_new(ps, BH_SHN_SIMPLE);
	if (!n)
		return NULL;
	struct bh_sh_node *saved = ps->collector;
	ps->collector = n;
	bool decl = false;
	for (;;) {
		if (sh_skip_space(ps, false) < 0)
			goto fail;
		int c = sh_peek(ps), nx = sh_peek2(ps), fd = -1, r;
		if (c == '(') {
			if (n->n_words == 1 && !n->n_assigns && !n->n_redirs) {
				ps->collector = saved;
				return parse_funcdef(ps, n);
			}
			sh_unexpected(ps);
			goto fail;
		}
		if (c < 0 || c == '\n' || c == ';' || c == '|' || c == ')' ||
		    (c == '&' && nx != '>'))
			break;
		if ((r = sh_redir_prefix(ps, &fd)) < 0)
			goto fail;
		if (r > 0 || sh_redir_op_at(ps)) {
			if (sh_parse_redir(ps, n, fd) < 0)
				goto fail;
			continue;
		}
		if (simple_word(ps, n, &decl) < 0)
			goto fail;
		sh_set_end(ps, n);
	}
	ps->collector = saved;
	return n;
fail:
	ps->collector = saved;
	bh_sh_free(n);
	return NULL;
}

/* ---- compound commands ---- */

/* A non-empty compound list into a new kid of parent, ended by one of the
 * reserved words in mask (consumed; *got says which). */
static struct bh_sh_node *body_until(struct sh_ps *ps,
				     struct bh_sh_node *parent, unsigned mask,
				     enum sh_rw *got, size_t open,
				     const char *what)
{
	struct bh_sh_node *list = sh_node_new(ps, BH_SHN_LIST);
	if (!list)
		return NULL;
	sh_node_add_kid(parent, list);
	if (sh_parse_list_into(ps, list) < 0)
		return NULL;
	size_t end;
	enum sh_rw r = sh_reserved_at(ps, &end);
	if (r == RW_NONE || !(mask & BIT(r))) {
		if (sh_peek(ps) < 0)
			sh_fail(ps, open, "unterminated '%s'", what);
		else
			sh_unexpected(ps);
		return NULL;
	}
	if (list->n_kids == 0) {
		sh_fail(ps, ps->src.pos, "no command before '%s'",
			sh_rw_names[r]);
		return NULL;
	}
	ps->src.pos = end;
	if (got)
		*got = r;
	return list;
}

static struct bh_sh_node *parse_group(struct sh_ps *ps, size_t end)
{
	size_t at = ps->src.pos;
	struct bh_sh_node *saved;
	struct bh_sh_node *g = open_node(ps, BH_SHN_GROUP, end, &saved);
	if (g)
		body_until(ps, g, BIT(RW_RBRACE), NULL, at, "{");
	return g ? close_node(ps, g, saved) : NULL;
}

static struct bh_sh_node *parse_subshell(struct sh_ps *ps)
{
	size_t at = ps->src.pos;
	struct bh_sh_node *s = sh_node_new(ps, BH_SHN_SUBSHELL);
	struct bh_sh_node *list = s ? sh_node_new(ps, BH_SHN_LIST) : NULL;
	if (!list)
		goto fail;
	sh_node_add_kid(s, list);
	sh_advance(ps);
	if (sh_parse_list_into(ps, list) < 0)
		goto fail;
	int c = sh_peek(ps);
	if (c < 0) {
		sh_fail(ps, at, "unterminated '('");
		goto fail;
	}
	if (c != ')') {
		sh_unexpected(ps);
		goto fail;
	}
	if (list->n_kids == 0) {
		sh_fail(ps, ps->src.pos, "empty subshell");
		goto fail;
	}
	sh_advance(ps);
	return s;
fail:
	bh_sh_free(s);
	return NULL;
}

static struct bh_sh_node *parse_if(struct sh_ps *ps, size_t end)
{
	size_t at = ps->src.pos;
	struct bh_sh_node *saved;
	struct bh_sh_node *n = open_node(ps, BH_SHN_IF, end, &saved);
	enum sh_rw got = RW_ELIF;
	if (!n)
		return NULL;
	while (got == RW_ELIF &&
	       body_until(ps, n, BIT(RW_THEN), NULL, at, "if") &&
	       body_until(ps, n, BIT(RW_ELIF) | BIT(RW_ELSE) | BIT(RW_FI), &got,
			  at, "if"))
		;
	if (got == RW_ELSE)
		body_until(ps, n, BIT(RW_FI), NULL, at, "if");
	return close_node(ps, n, saved);
}

static struct bh_sh_node *parse_loop(struct sh_ps *ps, size_t end, enum sh_rw r)
{
	size_t at = ps->src.pos;
	struct bh_sh_node *saved;
	struct bh_sh_node *n = open_node(
	    ps, r == RW_WHILE ? BH_SHN_WHILE : BH_SHN_UNTIL, end, &saved);
	if (!n)
		return NULL;
	if (body_until(ps, n, BIT(RW_DO), NULL, at, sh_rw_names[r]))
		body_until(ps, n, BIT(RW_DONE), NULL, at, sh_rw_names[r]);
	return close_node(ps, n, saved);
}

/* for's word list after "in", up to ; or a newline. */
static int for_words(struct sh_ps *ps, struct bh_sh_node *f, size_t at)
{
	for (;;) {
		if (sh_skip_space(ps, false) < 0)
			return ps->rc;
		int c = sh_peek(ps);
		if (c == ';') {
			sh_advance(ps);
			return 0;
		}
		if (c == '\n')
			return 0;
		struct bh_sh_word *w = list_word(ps, at, "'for'");
		if (!w)
			return ps->rc;
		sh_node_add_word(f, w);
	}
}

/* for NAME [in WORDS] ; do, for NAME do, for ((...)) ; do */
static int for_header(struct sh_ps *ps, struct bh_sh_node *f, size_t at)
{
	size_t end;
	if (sh_skip_space(ps, false) < 0)
		return ps->rc;
	if (sh_peek(ps) == '(' && sh_peek2(ps) == '(') {
		size_t ap = ps->src.pos;
		sh_advance(ps);
		sh_advance(ps);
		if (sh_lex_arith(ps, ap, "'for (('", &f->arith) < 0 ||
		    sh_skip_space(ps, false) < 0)
			return ps->rc;
		sh_match(ps, ";");
		return 0;
	}
	if (need_word(ps) < 0)
		return ps->rc;
	struct bh_sh_word *w = sh_lex_word(ps, SH_W_PLAIN);
	if (!w)
		return ps->rc;
	bool ok = is_plain(w) && sh_is_name(w->lit, strlen(w->lit));
	if (ok)
		f->var = bh_xstrdup(w->lit);
	sh_word_free(w);
	if (!ok)
		return sh_fail(ps, at, "'for' needs a variable name");
	if (sh_skip_space(ps, false) < 0)
		return ps->rc;
	if (sh_match(ps, ";"))
		return 0;
	if (sh_skip_space(ps, true) < 0)
		return ps->rc;
	if (sh_reserved_at(ps, &end) == RW_IN) {
		ps->src.pos = end;
		return for_words(ps, f, at);
	}
	return 0;
}

static struct bh_sh_node *parse_for(struct sh_ps *ps, size_t end)
{
	size_t at = ps->src.pos;
	struct bh_sh_node *saved;
	struct bh_sh_node *f = open_node(ps, BH_SHN_FOR, end, &saved);
	if (!f)
		return NULL;
	if (for_header(ps, f, at) < 0 || sh_skip_space(ps, true) < 0)
		goto out;
	if (sh_reserved_at(ps, &end) != RW_DO) {
		if (sh_peek(ps) < 0)
			sh_fail(ps, at, "unterminated 'for'");
		else
			sh_fail(ps, ps->src.pos, "expected 'do'");
		goto out;
	}
	ps->src.pos = end;
	body_until(ps, f, BIT(RW_DONE), NULL, at, "for");
out:
	return close_node(ps, f, saved);
}

/* [(] pattern [| pattern]... ) into item's words. */
static int case_patterns(struct sh_ps *ps, struct bh_sh_node *item, size_t at)
{
	struct bh_sh_node *saved = ps->collector;
	ps->collector = item;
	sh_match(ps, "(");
	for (;;) {
		struct bh_sh_word *w = NULL;
		if (sh_skip_space(ps, false) < 0 ||
		    !(w = list_word(ps, at, "'case'")))
			break;
		sh_node_add_word(item, w);
		if (sh_skip_space(ps, false) < 0)
			break;
		if (sh_match(ps, "|"))
			continue;
		if (!sh_match(ps, ")"))
			sh_fail(ps, ps->src.pos,
				"expected ')' or '|' after a case pattern");
		break;
	}
	ps->collector = saved;
	return ps->rc;
}

static int case_items(struct sh_ps *ps, struct bh_sh_node *n, size_t at)
{
	size_t end;
	for (;;) {
		if (sh_skip_space(ps, true) < 0)
			return ps->rc;
		if (sh_reserved_at(ps, &end) == RW_ESAC) {
			ps->src.pos = end;
			return 0;
		}
		if (sh_peek(ps) < 0)
			return sh_fail(ps, at, "unterminated 'case'");
		struct bh_sh_node *item = sh_node_new(ps, BH_SHN_LIST);
		if (!item)
			return ps->rc;
		sh_node_add_kid(n, item);
		if (case_patterns(ps, item, at) < 0 ||
		    sh_parse_list_into(ps, item) < 0)
			return ps->rc;
		if (sh_match(ps, ";;&") || sh_match(ps, ";;") ||
		    sh_match(ps, ";&"))
			continue;
		if (sh_reserved_at(ps, &end) == RW_ESAC) {
			ps->src.pos = end;
			return 0;
		}
		if (sh_peek(ps) < 0)
			return sh_fail(ps, at, "unterminated 'case'");
		return sh_unexpected(ps);
	}
}

static struct bh_sh_node *parse_case(struct sh_ps *ps, size_t end)
{
	size_t at = ps->src.pos;
	struct bh_sh_node *saved;
	struct bh_sh_node *n = open_node(ps, BH_SHN_CASE, end, &saved);
	struct bh_sh_word *w = NULL;
	if (!n)
		return NULL;
	if (sh_skip_space(ps, false) < 0 || need_word(ps) < 0 ||
	    !(w = sh_lex_word(ps, SH_W_PLAIN)))
		goto out;
	sh_node_add_word(n, w);
	if (sh_skip_space(ps, true) < 0)
		goto out;
	if (sh_reserved_at(ps, &end) != RW_IN) {
		sh_fail(ps, ps->src.pos, "expected 'in' after 'case WORD'");
		goto out;
	}
	ps->src.pos = end;
	case_items(ps, n, at);
out:
	return close_node(ps, n, saved);
}

/* One token inside [[ ]]: operators there are words. */
static struct bh_sh_word *cond_word(struct sh_ps *ps, bool regex, bool *close)
{
	int c = sh_peek(ps), n = sh_peek2(ps);
	const char *op = NULL;
	if (!regex && ((c == '&' && n == '&') || (c == '|' && n == '|')))
		op = c == '&' ? "&&" : "||";
	else if (!regex && (c == '(' || c == ')'))
		op = c == '(' ? "(" : ")";
	else if (!regex && (c == '<' || c == '>') && n != '(') {
		if (n == '<' || n == '>' || n == '&' || n == '|') {
			sh_fail(ps, ps->src.pos,
				"redirection inside [[ ]] not supported");
			return NULL;
		}
		op = c == '<' ? "<" : ">";
	}
	if (op) {
		for (size_t i = 0; op[i]; i++)
			sh_advance(ps);
		return sh_word_static(op, strlen(op));
	}
	if (sh_is_meta(c) && !sh_procsub_at(ps) &&
	    !(regex && (c == '(' || c == '|'))) {
		sh_unexpected(ps);
		return NULL;
	}
	struct sh_wordinfo info;
	struct bh_sh_word *w =
	    sh_lex_word_info(ps, regex ? SH_W_REGEX : SH_W_PLAIN, &info);
	if (w && !info.quoted && w->is_static && strcmp(w->lit, "]]") == 0)
		*close = true;
	return w;
}

static struct bh_sh_node *parse_cond(struct sh_ps *ps, size_t end)
{
	size_t at = ps->src.pos;
	struct bh_sh_node *saved;
	struct bh_sh_node *n = open_node(ps, BH_SHN_COND, end, &saved);
	bool regex = false, close = false;
	if (!n)
		return NULL;
	while (!close) {
		if (sh_skip_space(ps, true) < 0)
			break;
		if (sh_peek(ps) < 0) {
			sh_fail(ps, at, "unterminated '[['");
			break;
		}
		struct bh_sh_word *w = cond_word(ps, regex, &close);
		if (!w)
			break;
		if (close) {
			sh_word_free(w);
			break;
		}
		regex = w->is_static && strcmp(w->raw, "=~") == 0;
		sh_node_add_word(n, w);
	}
	if (!sh_failed(ps) && n->n_words == 0)
		sh_fail(ps, at, "empty '[[ ]]'");
	return close_node(ps, n, saved);
}

static struct bh_sh_node *parse_arith_cmd(struct sh_ps *ps)
{
	size_t at = ps->src.pos;
	struct bh_sh_node *saved;
	struct bh_sh_node *n = open_node(ps, BH_SHN_ARITH, at, &saved);
	if (!n)
		return NULL;
	sh_advance(ps);
	sh_advance(ps);
	sh_lex_arith(ps, at, "'(('", &n->arith);
	return close_node(ps, n, saved);
}

struct bh_sh_node *sh_parse_command(struct sh_ps *ps)
{
	size_t end;
	enum sh_rw r = sh_reserved_at(ps, &end);
	struct bh_sh_node *n = NULL;
	int c = sh_peek(ps);
	switch (r) {
	case RW_NONE:
		if (c == '(')
			n = sh_peek2(ps) == '(' ? parse_arith_cmd(ps)
						: parse_subshell(ps);
		else if (sh_is_meta(c) && !sh_procsub_at(ps) &&
			 !sh_redir_op_at(ps))
			sh_unexpected(ps);
		else
			return parse_simple(ps);
		break;
	case RW_IF:
		n = parse_if(ps, end);
		break;
	case RW_WHILE:
	case RW_UNTIL:
		n = parse_loop(ps, end, r);
		break;
	case RW_FOR:
		n = parse_for(ps, end);
		break;
	case RW_CASE:
		n = parse_case(ps, end);
		break;
	case RW_LBRACE:
		n = parse_group(ps, end);
		break;
	case RW_DBRACKET:
		n = parse_cond(ps, end);
		break;
	case RW_FUNCTION:
		return parse_function(ps, end);
	case RW_SELECT:
	case RW_COPROC:
		sh_fail(ps, ps->src.pos, "'%s' is not supported",
			sh_rw_names[r]);
		return NULL;
	default:
		sh_unexpected(ps);
		return NULL;
	}
	if (!n)
		return NULL;
	sh_set_end(ps, n);
	if (sh_parse_redirs(ps, n) < 0) {
		bh_sh_free(n);
		return NULL;
	}
	return n;
}
