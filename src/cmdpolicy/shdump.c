/* SPDX-License-Identifier: MIT */
/*
 * The parse tree as an S-expression, for tests and debugging:
 *
 *   (list (and (cmd "ls" "-l") (cmd "echo" (cmdsub (list (cmd "id"))))))
 *
 * Nodes: list, cmd, pipe (with "!" when negated), and, or, bg, subshell,
 * group, if, while, until, for, case (items as (item (PATTERNS) CMDS...)),
 * function, arith-cmd, cond.  A static word is its value as a string;
 * otherwise one part stands alone and several form (word ...).  Parts:
 * strings for literals, (param "x"), (cmdsub LIST), (procsub-in LIST),
 * (procsub-out LIST), (arith "1+2"), (glob "*"), (tilde "user"),
 * (brace "{a,b}"); a q before the name marks a part inside double quotes
 * (qparam, qcmdsub, qarith).  Assignments are (= "x" VALUE), (+= ...),
 * (= "x" (array W...)); redirections (OP TARGET [BODY]) with the fd
 * before the operator ("2>&").  Substitutions that no part shows (those
 * in ${x:-$(...)} words and in arithmetic) follow as (nested LIST...).
 * Strings escape ", \ and every byte outside printable ASCII.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmdpolicy/shparse.h"
#include "core/strbuf.h"
#include "core/util.h"

static void put_str(struct bh_strbuf *sb, const char *s, size_t n)
{
	bh_strbuf_putc(sb, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			bh_strbuf_putc(sb, '\\');
			bh_strbuf_putc(sb, (char)c);
		} else if (c == '\n') {
			bh_strbuf_puts(sb, "\\n");
		} else if (c == '\t') {
			bh_strbuf_puts(sb, "\\t");
		} else if (c == '\r') {
			bh_strbuf_puts(sb, "\\r");
		} else if (c < 0x20 || c >= 0x7f) {
			bh_strbuf_printf(sb, "\\x%02x", c);
		} else {
			bh_strbuf_putc(sb, (char)c);
		}
	}
	bh_strbuf_putc(sb, '"');
}

static void put_cstr(struct bh_strbuf *sb, const char *s)
{
	put_str(sb, s ? s : "", s ? strlen(s) : 0);
}

static void dump_node(struct bh_strbuf *sb, const struct bh_sh_node *n);

static void dump_part(struct bh_strbuf *sb, const struct bh_sh_part *p)
{
	static const char *const names[] = {
	    [BH_SHP_LIT] = "lit",
	    [BH_SHP_PARAM] = "param",
	    [BH_SHP_CMDSUB] = "cmdsub",
	    [BH_SHP_PROCSUB_IN] = "procsub-in",
	    [BH_SHP_PROCSUB_OUT] = "procsub-out",
	    [BH_SHP_ARITH] = "arith",
	    [BH_SHP_GLOB] = "glob",
	    [BH_SHP_TILDE] = "tilde",
	    [BH_SHP_BRACE] = "brace",
	};
	if (p->kind == BH_SHP_LIT) {
		put_str(sb, p->text, p->len);
		return;
	}
	bool q =
	    p->quoted && (p->kind == BH_SHP_PARAM || p->kind == BH_SHP_CMDSUB ||
			  p->kind == BH_SHP_ARITH);
	bh_strbuf_printf(sb, "(%s%s ", q ? "q" : "", names[p->kind]);
	if (p->sub)
		dump_node(sb, p->sub);
	else
		put_str(sb, p->text, p->len);
	bh_strbuf_putc(sb, ')');
}

static void dump_word(struct bh_strbuf *sb, const struct bh_sh_word *w)
{
	if (w->is_static) {
		put_cstr(sb, w->lit);
		return;
	}
	if (w->n_parts == 1) {
		dump_part(sb, &w->parts[0]);
		return;
	}
	bh_strbuf_puts(sb, "(word");
	for (size_t i = 0; i < w->n_parts; i++) {
		bh_strbuf_putc(sb, ' ');
		dump_part(sb, &w->parts[i]);
	}
	bh_strbuf_putc(sb, ')');
}

static void dump_words(struct bh_strbuf *sb, struct bh_sh_word *const *w,
		       size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bh_strbuf_putc(sb, ' ');
		dump_word(sb, w[i]);
	}
}

static const char *redir_op_name(enum bh_sh_redir_op op)
{
	static const char *const names[] = {
	    [BH_SHR_IN] = "<",		 [BH_SHR_OUT] = ">",
	    [BH_SHR_APPEND] = ">>",	 [BH_SHR_CLOBBER] = ">|",
	    [BH_SHR_RDWR] = "<>",	 [BH_SHR_DUP_IN] = "<&",
	    [BH_SHR_DUP_OUT] = ">&",	 [BH_SHR_HEREDOC] = "<<",
	    [BH_SHR_HERESTR] = "<<<",	 [BH_SHR_OUT_ERR] = "&>",
	    [BH_SHR_APPEND_ERR] = "&>>",
	};
	return op <= BH_SHR_APPEND_ERR ? names[op] : "?";
}

static void dump_redirs(struct bh_strbuf *sb, const struct bh_sh_node *n)
{
	for (size_t i = 0; i < n->n_redirs; i++) {
		const struct bh_sh_redir *r = &n->redirs[i];
		bh_strbuf_puts(sb, " (");
		if (r->fd >= 0)
			bh_strbuf_printf(sb, "%d", r->fd);
		bh_strbuf_printf(sb, "%s ", redir_op_name(r->op));
		if (r->target)
			dump_word(sb, r->target);
		if (r->body) {
			bh_strbuf_putc(sb, ' ');
			dump_word(sb, r->body);
		}
		bh_strbuf_putc(sb, ')');
	}
}

static void dump_assigns(struct bh_strbuf *sb, const struct bh_sh_node *n)
{
	for (size_t i = 0; i < n->n_assigns; i++) {
		const struct bh_sh_assign *a = &n->assigns[i];
		bh_strbuf_printf(sb, " (%s ", a->append ? "+=" : "=");
		put_cstr(sb, a->name);
		if (a->array) {
			bh_strbuf_puts(sb, " (array");
			dump_words(sb, a->elems, a->n_elems);
			bh_strbuf_putc(sb, ')');
		} else if (a->value) {
			bh_strbuf_putc(sb, ' ');
			dump_word(sb, a->value);
		}
		bh_strbuf_putc(sb, ')');
	}
}

/* ---- substitutions no part shows ---- */

struct ptrset {
	const void **v;
	size_t n, cap;
};

static void ptrset_add_word(struct ptrset *s, const struct bh_sh_word *w)
{
	for (size_t i = 0; w && i < w->n_parts; i++) {
		if (!w->parts[i].sub)
			continue;
		bh_xgrow((void **)&s->v, &s->cap, s->n + 1, sizeof(*s->v));
		s->v[s->n++] = w->parts[i].sub;
	}
}

static int ptr_cmp(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t) * (const void *const *)a;
	uintptr_t y = (uintptr_t) * (const void *const *)b;
	return x < y ? -1 : x > y;
}

static void dump_nested(struct bh_strbuf *sb, const struct bh_sh_node *n)
{
	if (n->n_subs == 0)
		return;
	struct ptrset s = {NULL, 0, 0};
	for (size_t i = 0; i < n->n_words; i++)
		ptrset_add_word(&s, n->words[i]);
	for (size_t i = 0; i < n->n_assigns; i++) {
		ptrset_add_word(&s, n->assigns[i].value);
		for (size_t j = 0; j < n->assigns[i].n_elems; j++)
			ptrset_add_word(&s, n->assigns[i].elems[j]);
	}
	for (size_t i = 0; i < n->n_redirs; i++) {
		ptrset_add_word(&s, n->redirs[i].target);
		ptrset_add_word(&s, n->redirs[i].body);
	}
	if (s.n)
		qsort(s.v, s.n, sizeof(*s.v), ptr_cmp);
	bool open = false;
	for (size_t i = 0; i < n->n_subs; i++) {
		const void *key = n->subs[i];
		if (s.n && bsearch(&key, s.v, s.n, sizeof(*s.v), ptr_cmp))
			continue;
		if (!open)
			bh_strbuf_puts(sb, " (nested");
		open = true;
		bh_strbuf_putc(sb, ' ');
		dump_node(sb, n->subs[i]);
	}
	if (open)
		bh_strbuf_putc(sb, ')');
	free(s.v);
}

/* ---- nodes ---- */

static void dump_kids(struct bh_strbuf *sb, const struct bh_sh_node *n,
		      size_t from)
{
	for (size_t i = from; i < n->n_kids; i++) {
		bh_strbuf_putc(sb, ' ');
		dump_node(sb, n->kids[i]);
	}
}

static bool is_and_or(const struct bh_sh_node *n)
{
	return n->kind == BH_SHN_AND || n->kind == BH_SHN_OR;
}

/* A chain of && and || is as deep as it is long: its left spine is
 * walked with a loop, not recursion. */
static void dump_and_or(struct bh_strbuf *sb, const struct bh_sh_node *n)
{
	const struct bh_sh_node **spine = NULL;
	size_t k = 0, cap = 0;
	for (const struct bh_sh_node *x = n; is_and_or(x) && x->n_kids == 2;
	     x = x->kids[0]) {
		bh_xgrow((void **)&spine, &cap, k + 1, sizeof(*spine));
		spine[k++] = x;
		bh_strbuf_puts(sb, x->kind == BH_SHN_AND ? "(and " : "(or ");
	}
	if (k == 0) { /* not a tree the parser makes */
		bh_strbuf_puts(sb, "(?");
		dump_kids(sb, n, 0);
		bh_strbuf_putc(sb, ')');
		return;
	}
	dump_node(sb, spine[k - 1]->kids[0]);
	while (k-- > 0) {
		bh_strbuf_putc(sb, ' ');
		dump_node(sb, spine[k]->kids[1]);
		bh_strbuf_putc(sb, ')');
	}
	free(spine);
}

static void dump_for(struct bh_strbuf *sb, const struct bh_sh_node *n)
{
	bh_strbuf_puts(sb, "(for ");
	if (n->arith) {
		bh_strbuf_puts(sb, "(arith ");
		put_cstr(sb, n->arith);
		bh_strbuf_putc(sb, ')');
	} else {
		put_cstr(sb, n->var);
		if (n->n_words) {
			bh_strbuf_puts(sb, " (in");
			dump_words(sb, n->words, n->n_words);
			bh_strbuf_putc(sb, ')');
		}
	}
	dump_kids(sb, n, 0);
}

static void dump_case(struct bh_strbuf *sb, const struct bh_sh_node *n)
{
	bh_strbuf_puts(sb, "(case");
	dump_words(sb, n->words, n->n_words);
	for (size_t i = 0; i < n->n_kids; i++) {
		const struct bh_sh_node *item = n->kids[i];
		bh_strbuf_puts(sb, " (item (");
		for (size_t j = 0; j < item->n_words; j++) {
			if (j)
				bh_strbuf_putc(sb, ' ');
			dump_word(sb, item->words[j]);
		}
		bh_strbuf_putc(sb, ')');
		dump_kids(sb, item, 0);
		dump_nested(sb, item);
		bh_strbuf_putc(sb, ')');
	}
}

static void dump_node(struct bh_strbuf *sb, const struct bh_sh_node *n)
{
	static const char *const heads[] = {
	    [BH_SHN_SIMPLE] = "cmd",
	    [BH_SHN_PIPELINE] = "pipe",
	    [BH_SHN_LIST] = "list",
	    [BH_SHN_BACKGROUND] = "bg",
	    [BH_SHN_SUBSHELL] = "subshell",
	    [BH_SHN_GROUP] = "group",
	    [BH_SHN_IF] = "if",
	    [BH_SHN_WHILE] = "while",
	    [BH_SHN_UNTIL] = "until",
	    [BH_SHN_COND] = "cond",
	};
	switch (n->kind) {
	case BH_SHN_AND:
	case BH_SHN_OR:
		dump_and_or(sb, n);
		return;
	case BH_SHN_FOR:
		dump_for(sb, n);
		break;
	case BH_SHN_CASE:
		dump_case(sb, n);
		break;
	case BH_SHN_FUNCDEF:
		bh_strbuf_puts(sb, "(function ");
		put_cstr(sb, n->var);
		dump_kids(sb, n, 0);
		break;
	case BH_SHN_ARITH:
		bh_strbuf_puts(sb, "(arith-cmd ");
		put_cstr(sb, n->arith);
		break;
	default:
		if ((size_t)n->kind >= BH_ARRAY_SIZE(heads) ||
		    !heads[n->kind]) {
			bh_strbuf_puts(sb, "(?");
			break;
		}
		bh_strbuf_printf(sb, "(%s", heads[n->kind]);
		if (n->kind == BH_SHN_PIPELINE && n->negated)
			bh_strbuf_puts(sb, " !");
		dump_assigns(sb, n);
		dump_words(sb, n->words, n->n_words);
		dump_kids(sb, n, 0);
		break;
	}
	dump_redirs(sb, n);
	dump_nested(sb, n);
	bh_strbuf_putc(sb, ')');
}

char *bh_sh_dump(const struct bh_sh_node *n)
{
	struct bh_strbuf sb = BH_STRBUF_INIT;
	if (n)
		dump_node(&sb, n);
	else
		bh_strbuf_puts(&sb, "nil");
	return bh_strbuf_steal(&sb);
}
