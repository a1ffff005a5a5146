/* SPDX-License-Identifier: MIT */
/*
 * The grammar of the shell language as bash reads it: lists, and-or
 * lists, pipelines, simple commands with assignments and redirections,
 * the compound commands, function definitions, here-documents.
 *
 * What it defends against: a command string whose second command the
 * checker never sees (threats.md J.81-82).  Separators, newlines,
 * compound bodies, function bodies, case items and here-document bodies
 * all yield nodes the walker visits; reserved words are recognised only
 * where bash recognises them, so `echo if` is one command and `{ X; }` is
 * a group.  What bash would read differently from this parser — `((`
 * that is not arithmetic, a here-document whose body would start inside
 * a substitution, `coproc`, `select`, `{fd}>` — is an error, never a
 * guess.  Recursion is bounded by BH_SH_MAX_DEPTH (every list, every
 * substitution, every ${...} counts) and the tree by BH_SH_MAX_NODES;
 * freeing and walking use explicit stacks, so long && chains cannot
 * exhaust the C stack.
 */
#include "cmdpolicy/shparse_int.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

const char *const sh_rw_names[RW_COUNT] = {
    "",	     "if", "then", "elif", "else",     "fi",	 "while",
    "until", "do", "done", "for",  "in",       "case",	 "esac",
    "{",     "}",  "!",	   "[[",   "function", "select", "coproc",
};

/* The reserved word that is the next token, if any: unquoted, whole (a
 * metacharacter or the end follows).  *end: where it ends. */
enum sh_rw sh_reserved_at(struct sh_ps *ps, size_t *end)
{
	size_t save = ps->src.pos;
	char buf[10];
	size_t n = 0;
	int c = sh_peek(ps);
	if (c == '{' || c == '}' || c == '!') {
		buf[n++] = (char)c;
		sh_advance(ps);
	} else if (c == '[' && sh_peek2(ps) == '[') {
		buf[n++] = '[';
		buf[n++] = '[';
		sh_advance(ps);
		sh_advance(ps);
	} else {
		while (n < sizeof(buf) - 1 && (c = sh_peek(ps)) >= 'a' &&
		       c <= 'z') {
			buf[n++] = (char)c;
			sh_advance(ps);
		}
	}
	c = sh_peek(ps);
	*end = ps->src.pos;
	ps->src.pos = save;
	if (n == 0 || !sh_is_meta(c))
		return RW_NONE;
	buf[n] = '\0';
	for (int i = 1; i < RW_COUNT; i++)
		if (strcmp(buf, sh_rw_names[i]) == 0)
			return (enum sh_rw)i;
	return RW_NONE;
}

bool sh_procsub_at(struct sh_ps *ps)
{
	int c = sh_peek(ps);
	return (c == '<' || c == '>') && sh_peek2(ps) == '(';
}

bool sh_redir_op_at(struct sh_ps *ps)
{
	int c = sh_peek(ps), n = sh_peek2(ps);
	return ((c == '<' || c == '>') && n != '(') || (c == '&' && n == '>');
}

int sh_unexpected(struct sh_ps *ps)
{
	size_t end, at = ps->src.pos;
	enum sh_rw r = sh_reserved_at(ps, &end);
	int c = sh_peek(ps), n = sh_peek2(ps);
	if (c < 0)
		return sh_fail(ps, at, "unexpected end of input");
	if (r != RW_NONE)
		return sh_fail(ps, at, "unexpected '%s'", sh_rw_names[r]);
	if (c == '\n')
		return sh_fail(ps, at, "unexpected newline");
	if (!sh_is_meta(c))
		return sh_fail(ps, at, "unexpected word");
	if ((c == n && strchr(";&|<>", c)) || (c == ';' && n == '&') ||
	    (c == '|' && n == '&'))
		return sh_fail(ps, at, "unexpected '%c%c'", c, n);
	return sh_fail(ps, at, "unexpected '%c'", c);
}

/* Blanks and comments, and newlines when asked: each newline token
 * starts the pending here-document bodies. */
int sh_skip_space(struct sh_ps *ps, bool newlines)
{
	for (;;) {
		int c = sh_peek(ps);
		if (sh_is_blank(c)) {
			sh_advance(ps);
		} else if (c == '#') {
			const char *s = ps->src.s + ps->src.pos;
			const char *nl =
			    memchr(s, '\n', ps->src.len - ps->src.pos);
			ps->src.pos =
			    nl ? (size_t)(nl - ps->src.s) : ps->src.len;
		} else if (c == '\n' && newlines) {
			sh_advance(ps);
			if (sh_read_heredocs(ps) < 0)
				return ps->rc;
		} else {
			return ps->rc;
		}
	}
}

/* ---- nodes ---- */

struct bh_sh_node *sh_node_new(struct sh_ps *ps, enum bh_sh_node_kind kind)
{
	if (ps->n_nodes >= BH_SH_MAX_NODES) {
		sh_fail_bound(ps, ps->src.pos, "more than %d nodes",
			      BH_SH_MAX_NODES);
		return NULL;
	}
	ps->n_nodes++;
	struct bh_sh_node *n = bh_xcalloc(1, sizeof(*n));
	n->kind = kind;
	n->start = n->end = sh_off(ps, ps->src.pos);
	return n;
}

void sh_node_add_kid(struct bh_sh_node *n, struct bh_sh_node *kid)
{
	*(struct bh_sh_node **)sh_push(&n->kids, &n->n_kids, sizeof(*n->kids)) =
	    kid;
}

void sh_node_add_word(struct bh_sh_node *n, struct bh_sh_word *w)
{
	*(struct bh_sh_word **)sh_push(&n->words, &n->n_words,
				       sizeof(*n->words)) = w;
}

int sh_collect(struct sh_ps *ps, struct bh_sh_node *sub)
{
	struct bh_sh_node *c = ps->collector;
	if (!c) {
		bh_sh_free(sub);
		return sh_fail(ps, ps->src.pos,
			       "substitution outside of any command");
	}
	*(struct bh_sh_node **)sh_push(&c->subs, &c->n_subs, sizeof(*c->subs)) =
	    sub;
	return 0;
}

static void words_free(struct bh_sh_word **w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sh_word_free(w[i]);
	free(w);
}

/* Iterative: a chain of && is as deep as it is long. */
void bh_sh_free(struct bh_sh_node *root)
{
	if (!root)
		return;
	struct bh_sh_node **st = NULL;
	size_t n = 0, cap = 0;
	bh_xgrow((void **)&st, &cap, 1, sizeof(*st));
	st[n++] = root;
	while (n > 0) {
		struct bh_sh_node *x = st[--n];
		bh_xgrow((void **)&st, &cap, n + x->n_kids + x->n_subs,
			 sizeof(*st));
		for (size_t i = 0; i < x->n_kids; i++)
			st[n++] = x->kids[i];
		for (size_t i = 0; i < x->n_subs; i++)
			st[n++] = x->subs[i];
		words_free(x->words, x->n_words);
		for (size_t i = 0; i < x->n_assigns; i++) {
			free(x->assigns[i].name);
			sh_word_free(x->assigns[i].value);
			words_free(x->assigns[i].elems, x->assigns[i].n_elems);
		}
		for (size_t i = 0; i < x->n_redirs; i++) {
			sh_word_free(x->redirs[i].target);
			sh_word_free(x->redirs[i].body);
		}
		free(x->assigns);
		free(x->redirs);
		free(x->kids);
		free(x->subs);
		free(x->var);
		free(x->arith);
		free(x);
	}
	free(st);
}

int bh_sh_walk_simple(const struct bh_sh_node *root,
		      int (*fn)(void *ctx, const struct bh_sh_node *simple),
		      void *ctx)
{
	struct item {
		const struct bh_sh_node *n;
		bool call;
	} *st = NULL;
	size_t n = 0, cap = 0;
	int r = 0;
	if (!root)
		return 0;
	bh_xgrow((void **)&st, &cap, 1, sizeof(*st));
	st[n++] = (struct item){root, false};
	while (n > 0 && r == 0) {
		struct item it = st[--n];
		if (it.call) {
			r = fn(ctx, it.n);
			continue;
		}
		const struct bh_sh_node *x = it.n;
		bh_xgrow((void **)&st, &cap, n + x->n_kids + x->n_subs + 1,
			 sizeof(*st));
		/* Popped in reverse: substitutions, kids, then the command. */
		if (x->kind == BH_SHN_SIMPLE)
			st[n++] = (struct item){x, true};
		for (size_t i = x->n_kids; i-- > 0;)
			st[n++] = (struct item){x->kids[i], false};
		for (size_t i = x->n_subs; i-- > 0;)
			st[n++] = (struct item){x->subs[i], false};
	}
	free(st);
	return r;
}

/* ---- lists ---- */

static bool at_list_end(struct sh_ps *ps)
{
	int c = sh_peek(ps);
	size_t end;
	if (c < 0 || c == ')')
		return true;
	if (c == ';') {
		int n = sh_peek2(ps);
		return n == ';' || n == '&';
	}
	switch (sh_reserved_at(ps, &end)) {
	case RW_THEN:
	case RW_ELIF:
	case RW_ELSE:
	case RW_FI:
	case RW_DO:
	case RW_DONE:
	case RW_ESAC:
	case RW_RBRACE:
		return true;
	default:
		return false;
	}
}

static struct bh_sh_node *parse_pipeline(struct sh_ps *ps)
{
	size_t start = sh_off(ps, ps->src.pos), end;
	bool neg = false;
	while (sh_reserved_at(ps, &end) == RW_BANG) {
		ps->src.pos = end;
		if (sh_peek(ps) == '(') {
			sh_fail(ps, ps->src.pos,
				"'!(' is an extended glob when extglob is on; "
				"write '! ('");
			return NULL;
		}
		neg = !neg;
		if (sh_skip_space(ps, false) < 0)
			return NULL;
	}
	struct bh_sh_node *cmd = sh_parse_command(ps), *pipe = NULL;
	if (!cmd)
		return NULL;
	for (;;) {
		if (sh_skip_space(ps, false) < 0)
			goto fail;
		int c = sh_peek(ps), n = sh_peek2(ps);
		if (c != '|' || n == '|')
			break;
		sh_advance(ps);
		if (n == '&')
			sh_advance(ps);
		if (!pipe) {
			pipe = sh_node_new(ps, BH_SHN_PIPELINE);
			if (!pipe)
				goto fail;
			sh_node_add_kid(pipe, cmd);
		}
		cmd = NULL;
		if (n == '&') {
			/* |& is 2>&1 | */
			struct bh_sh_node *left = pipe->kids[pipe->n_kids - 1];
			struct bh_sh_redir *r =
			    sh_push(&left->redirs, &left->n_redirs, sizeof(*r));
			r->fd = 2;
			r->op = BH_SHR_DUP_OUT;
			r->target = sh_word_static("1", 1);
		}
		if (sh_skip_space(ps, true) < 0)
			goto fail;
		cmd = sh_parse_command(ps);
		if (!cmd)
			goto fail;
		sh_node_add_kid(pipe, cmd);
	}
	if (!pipe && neg) {
		pipe = sh_node_new(ps, BH_SHN_PIPELINE);
		if (!pipe)
			goto fail;
		sh_node_add_kid(pipe, cmd);
	}
	if (!pipe)
		return cmd;
	pipe->negated = neg;
	pipe->start = start;
	pipe->end = pipe->kids[pipe->n_kids - 1]->end;
	return pipe;
fail:
	bh_sh_free(cmd);
	bh_sh_free(pipe);
	return NULL;
}

static struct bh_sh_node *parse_and_or(struct sh_ps *ps)
{
	struct bh_sh_node *left = parse_pipeline(ps);
	while (left) {
		if (sh_skip_space(ps, false) < 0)
			break;
		enum bh_sh_node_kind kind;
		if (sh_match(ps, "&&"))
			kind = BH_SHN_AND;
		else if (sh_match(ps, "||"))
			kind = BH_SHN_OR;
		else
			return left;
		if (sh_skip_space(ps, true) < 0)
			break;
		struct bh_sh_node *n = sh_node_new(ps, kind);
		if (!n)
			break;
		n->start = left->start;
		sh_node_add_kid(n, left);
		left = n;
		struct bh_sh_node *right = parse_pipeline(ps);
		if (!right)
			break;
		sh_node_add_kid(n, right);
		n->end = right->end;
	}
	bh_sh_free(left);
	return NULL;
}

int sh_parse_list_into(struct sh_ps *ps, struct bh_sh_node *list)
{
	if (sh_enter(ps) < 0)
		return ps->rc;
	for (;;) {
		if (sh_skip_space(ps, true) < 0 || at_list_end(ps))
			break;
		int c = sh_peek(ps), n = sh_peek2(ps);
		if (c == ';' || c == '|' || (c == '&' && n != '>')) {
			sh_unexpected(ps);
			break;
		}
		struct bh_sh_node *ao = parse_and_or(ps);
		if (!ao)
			break;
		sh_node_add_kid(list, ao);
		if (sh_skip_space(ps, false) < 0)
			break;
		c = sh_peek(ps);
		n = sh_peek2(ps);
		if (c == '&' && n != '&' && n != '>') {
			sh_advance(ps);
			struct bh_sh_node *bg =
			    sh_node_new(ps, BH_SHN_BACKGROUND);
			if (!bg)
				break;
			bg->start = ao->start;
			sh_node_add_kid(bg, ao);
			list->kids[list->n_kids - 1] = bg;
		} else if (c == ';' && n != ';' && n != '&') {
			sh_advance(ps);
		} else if (c != '\n') {
			break;
		}
	}
	sh_set_end(ps, list);
	sh_leave(ps);
	return ps->rc;
}

struct bh_sh_node *sh_parse_sub_list(struct sh_ps *ps, int closer,
				     size_t open_pos, const char *what)
{
	struct bh_sh_node *list = sh_node_new(ps, BH_SHN_LIST);
	if (!list)
		return NULL;
	struct bh_sh_node *saved_col = ps->collector;
	size_t saved_base = ps->hd_base;
	ps->hd_base = ps->n_hd;
	ps->collector = NULL;
	if (sh_parse_list_into(ps, list) == 0) {
		int c = sh_peek(ps);
		if (closer && c == closer)
			sh_advance(ps);
		else if (closer && c < 0)
			sh_fail(ps, open_pos, "unterminated %s", what);
		else if (c >= 0)
			sh_unexpected(ps);
	}
	if (!sh_failed(ps) && ps->n_hd > ps->hd_base)
		sh_fail(ps, ps->src.pos,
			"here-document without its body before the end of "
			"the substitution it is in");
	ps->hd_base = saved_base;
	ps->collector = saved_col;
	if (sh_failed(ps)) {
		bh_sh_free(list);
		return NULL;
	}
	return list;
}

/* ---- redirections ---- */

/* An fd number written before a redirection ("2>"): consumed, *fd set,
 * returns 1.  {name}> is refused.  Anything else: 0, nothing consumed. */
int sh_redir_prefix(struct sh_ps *ps, int *fd)
{
	size_t save = ps->src.pos;
	int c = sh_peek(ps);
	if (c >= '0' && c <= '9') {
		long v = 0;
		while ((c = sh_peek(ps)) >= '0' && c <= '9') {
			v = v * 10 + (c - '0');
			if (v > INT_MAX)
				v = (long)INT_MAX + 1;
			sh_advance(ps);
		}
		if ((c == '<' || c == '>') && sh_peek2(ps) != '(') {
			if (v > INT_MAX)
				return sh_fail(ps, save,
					       "file descriptor number too "
					       "large");
			*fd = (int)v;
			return 1;
		}
	} else if (c == '{') {
		size_t n = 0;
		sh_advance(ps);
		while (sh_is_name_char(c = sh_peek(ps)) &&
		       (n > 0 || sh_is_name_start(c))) {
			n++;
			sh_advance(ps);
		}
		if (n > 0 && c == '}') {
			sh_advance(ps);
			if (sh_redir_op_at(ps) && sh_peek(ps) != '&')
				return sh_fail(ps, save,
					       "named fd redirection not "
					       "supported ({name}>)");
		}
	}
	ps->src.pos = save;
	return 0;
}

static bool is_dup_target(const char *s)
{
	if (strcmp(s, "-") == 0)
		return true;
	size_t i = 0;
	while (s[i] >= '0' && s[i] <= '9')
		i++;
	return i > 0 && (s[i] == '\0' || (s[i] == '-' && s[i + 1] == '\0'));
}

int sh_parse_redir(struct sh_ps *ps, struct bh_sh_node *node, int fd)
{
	static const struct {
		const char *s;
		enum bh_sh_redir_op op;
	} ops[] = {
	    {"<<<", BH_SHR_HERESTR},	{"<<-", BH_SHR_HEREDOC},
	    {"<<", BH_SHR_HEREDOC},	{"<&", BH_SHR_DUP_IN},
	    {"<>", BH_SHR_RDWR},	{"<", BH_SHR_IN},
	    {">>", BH_SHR_APPEND},	{">&", BH_SHR_DUP_OUT},
	    {">|", BH_SHR_CLOBBER},	{">", BH_SHR_OUT},
	    {"&>>", BH_SHR_APPEND_ERR}, {"&>", BH_SHR_OUT_ERR},
	};
	size_t at = ps->src.pos, i;
	for (i = 0; i < BH_ARRAY_SIZE(ops); i++)
		if (sh_match(ps, ops[i].s))
			break;
	if (i == BH_ARRAY_SIZE(ops))
		return sh_unexpected(ps);
	enum bh_sh_redir_op op = ops[i].op;
	if (sh_skip_space(ps, false) < 0)
		return ps->rc;
	if (sh_is_meta(sh_peek(ps)) && !sh_procsub_at(ps))
		return sh_fail(ps, at, "redirection '%s' without a target",
			       ops[i].s);
	struct sh_wordinfo info;
	struct bh_sh_word *w = sh_lex_word_info(ps, SH_W_PLAIN, &info);
	if (!w)
		return ps->rc;
	if (op == BH_SHR_DUP_OUT && fd < 0 &&
	    !(w->is_static && is_dup_target(w->lit)))
		op = BH_SHR_OUT_ERR; /* >&file: stdout and stderr */
	if (op == BH_SHR_HEREDOC && !w->is_static) {
		sh_word_free(w);
		return sh_fail(ps, at,
			       "here-document delimiter must be a plain word");
	}
	struct bh_sh_redir *r =
	    sh_push(&node->redirs, &node->n_redirs, sizeof(*r));
	r->fd = fd;
	r->op = op;
	r->target = w;
	if (op == BH_SHR_HEREDOC) {
		bh_xgrow((void **)&ps->hd, &ps->cap_hd, ps->n_hd + 1,
			 sizeof(*ps->hd));
		struct sh_heredoc *h = &ps->hd[ps->n_hd++];
		h->owner = node;
		h->redir = node->n_redirs - 1;
		h->delim = bh_xstrdup(w->lit);
		h->delim_len = strlen(w->lit);
		h->quoted = info.quoted;
		h->strip_tabs = i == 1;
		h->at = at;
	}
	sh_set_end(ps, node);
	return 0;
}

/* Redirections after a compound command. */
int sh_parse_redirs(struct sh_ps *ps, struct bh_sh_node *n)
{
	struct bh_sh_node *saved = ps->collector;
	ps->collector = n;
	for (;;) {
		int fd = -1, r;
		if (sh_skip_space(ps, false) < 0 ||
		    (r = sh_redir_prefix(ps, &fd)) < 0)
			break;
		if (r == 0 && !sh_redir_op_at(ps))
			break;
		if (sh_parse_redir(ps, n, fd) < 0)
			break;
	}
	ps->collector = saved;
	return ps->rc;
}

/* ---- here-documents ---- */

struct body_buf {
	struct bh_strbuf text;
	size_t *map, n_map, cap_map;
};

static void body_put(struct sh_ps *ps, struct body_buf *b, char c, size_t p)
{
	bh_strbuf_putc(&b->text, c);
	bh_xgrow((void **)&b->map, &b->cap_map, b->n_map + 2, sizeof(size_t));
	b->map[b->n_map++] = sh_off(ps, p);
}

/* One body: lines up to the delimiter line, joined at backslash-newline
 * unless the delimiter was quoted, leading tabs stripped for <<-. */
static int read_body(struct sh_ps *ps, struct sh_heredoc *h, struct body_buf *b)
{
	const char *s = ps->src.s;
	size_t len = ps->src.len, p = ps->src.pos;
	for (;;) {
		size_t line = b->text.len;
		if (p >= len)
			return sh_fail(ps, h->at,
				       "here-document without its "
				       "terminator line '%s'",
				       h->delim);
		if (h->strip_tabs)
			while (p < len && s[p] == '\t')
				p++;
		bool nl = false;
		while (p < len) {
			if (s[p] == '\n') {
				nl = true;
				break;
			}
			if (!h->quoted && s[p] == '\\' && p + 1 < len) {
				/* \\ is a pair; backslash-newline joins */
				if (s[p + 1] != '\n') {
					body_put(ps, b, s[p], p);
					body_put(ps, b, s[p + 1], p + 1);
				}
				p += 2;
				continue;
			}
			body_put(ps, b, s[p], p);
			p++;
		}
		if (b->text.len - line == h->delim_len &&
		    (h->delim_len == 0 ||
		     memcmp(b->text.buf + line, h->delim, h->delim_len) == 0)) {
			b->text.len = b->n_map = line;
			if (b->text.buf)
				b->text.buf[line] = '\0';
			ps->src.pos = nl ? p + 1 : p;
			bh_xgrow((void **)&b->map, &b->cap_map, b->n_map + 1,
				 sizeof(size_t));
			b->map[b->n_map] = sh_off(ps, p);
			return 0;
		}
		if (!nl)
			return sh_fail(ps, h->at,
				       "here-document without its "
				       "terminator line '%s'",
				       h->delim);
		body_put(ps, b, '\n', p);
		p++;
	}
}

static int read_heredoc(struct sh_ps *ps, struct sh_heredoc *h)
{
	struct body_buf b = {BH_STRBUF_INIT, NULL, 0, 0};
	struct bh_sh_word *w = NULL;
	if (read_body(ps, h, &b) < 0)
		goto out;
	const char *text = b.text.buf ? b.text.buf : "";
	if (h->quoted) {
		w = sh_word_static(text, b.text.len);
		w->parts[0].quoted = true;
	} else if (sh_enter(ps) == 0) {
		struct sh_src saved = ps->src;
		struct bh_sh_node *saved_col = ps->collector;
		ps->src = (struct sh_src){text, b.text.len, 0, b.map};
		ps->collector = h->owner;
		w = sh_lex_heredoc_body(ps);
		ps->src = saved;
		ps->collector = saved_col;
		sh_leave(ps);
	}
	if (w)
		h->owner->redirs[h->redir].body = w;
out:
	bh_strbuf_release(&b.text);
	free(b.map);
	return ps->rc;
}

int sh_read_heredocs(struct sh_ps *ps)
{
	if (ps->hd_base > 0)
		return sh_fail(ps, ps->src.pos,
			       "newline inside a substitution while a "
			       "here-document outside it waits for its body");
	size_t n = ps->n_hd;
	if (n == 0)
		return 0;
	struct sh_heredoc *list = bh_xmalloc(n * sizeof(*list));
	memcpy(list, ps->hd, n * sizeof(*list));
	ps->n_hd = 0;
	for (size_t i = 0; i < n; i++) {
		if (!sh_failed(ps))
			read_heredoc(ps, &list[i]);
		free(list[i].delim);
	}
	free(list);
	return ps->rc;
}

int bh_sh_parse(const char *src, size_t len, struct bh_sh_node **out,
		struct bh_error **err)
{
	struct sh_ps ps = {.err = err};
	*out = NULL;
	if (!src)
		src = "";
	ps.src = (struct sh_src){src, len, 0, NULL};
	if (len > BH_SH_MAX_INPUT)
		return sh_fail_bound(&ps, BH_SH_MAX_INPUT,
				     "input longer than %zu bytes",
				     BH_SH_MAX_INPUT);
	const char *nul = memchr(src, '\0', len);
	if (nul)
		return sh_fail(&ps, (size_t)(nul - src), "NUL byte");
	struct bh_sh_node *root = sh_node_new(&ps, BH_SHN_LIST);
	if (root && sh_parse_list_into(&ps, root) == 0) {
		if (sh_peek(&ps) >= 0)
			sh_unexpected(&ps);
		else if (ps.n_hd > 0)
			sh_fail(&ps, ps.hd[0].at,
				"here-document '%s' without a newline after "
				"its command",
				ps.hd[0].delim);
	}
	for (size_t i = 0; i < ps.n_hd; i++)
		free(ps.hd[i].delim);
	free(ps.hd);
	if (ps.rc) {
		bh_sh_free(root);
		return ps.rc;
	}
	root->start = 0;
	root->end = len;
	*out = root;
	return 0;
}
