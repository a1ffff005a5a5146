/* SPDX-License-Identifier: MIT */
/*
 * The shell parser's tree beyond its dump: the bounds (input, nesting,
 * nodes) fail closed with -E2BIG, the walker visits every simple command
 * in source order with substitutions first and stops when asked, node
 * offsets point into the caller's input even inside backquotes and
 * here-documents, and the fields the command checker reads are filled.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmdpolicy/shparse.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "test.h"

static int parse(const char *s, struct bh_sh_node **out)
{
	return bh_sh_parse(s, strlen(s), out, NULL);
}

static char *repeat(const char *head, const char *unit, size_t n,
		    const char *tail)
{
	struct bh_strbuf sb = BH_STRBUF_INIT;
	bh_strbuf_puts(&sb, head);
	for (size_t i = 0; i < n; i++)
		bh_strbuf_puts(&sb, unit);
	bh_strbuf_puts(&sb, tail);
	return bh_strbuf_steal(&sb);
}

/* Parses and returns the error message, or NULL on success. */
static char *parse_error(const char *s, size_t len, int *rc)
{
	struct bh_sh_node *root = NULL;
	struct bh_error *err = NULL;
	*rc = bh_sh_parse(s, len, &root, &err);
	bh_sh_free(root);
	char *msg = err ? bh_xstrdup(err->msg) : NULL;
	bh_error_free(err);
	return msg;
}

/* The program names of the simple commands, in walk order. */
struct names {
	struct bh_strbuf sb;
	int stop_at; /* stop (returning 7) at this visit, 0: never */
	int seen;
};

static int collect(void *ctx, const struct bh_sh_node *n)
{
	struct names *c = ctx;
	if (c->sb.len)
		bh_strbuf_putc(&c->sb, ' ');
	const struct bh_sh_word *w = n->n_words ? n->words[0] : NULL;
	bh_strbuf_puts(&c->sb, w && w->is_static ? w->lit : "?");
	return ++c->seen == c->stop_at ? 7 : 0;
}

static char *walk_names(const char *s)
{
	struct bh_sh_node *root = NULL;
	struct names c = {BH_STRBUF_INIT, 0, 0};
	if (parse(s, &root) != 0)
		return bh_xstrdup("(parse error)");
	bh_sh_walk_simple(root, collect, &c);
	bh_sh_free(root);
	return bh_strbuf_steal(&c.sb);
}

TEST(shparse_nul_byte_refused)
{
	int rc;
	char *msg = parse_error("ls\0rm", 5, &rc);
	CHECK_INT(rc, -EINVAL);
	CHECK_STR(msg, "at byte 2: NUL byte");
	free(msg);
}

TEST(shparse_input_bound)
{
	size_t n = BH_SH_MAX_INPUT;
	char *s = bh_xmalloc(n + 1);
	memset(s, 'a', n + 1);
	int rc;
	char *msg = parse_error(s, n + 1, &rc);
	CHECK_INT(rc, -E2BIG);
	CHECK(msg && strstr(msg, "input longer than"));
	free(msg);
	msg = parse_error(s, n, &rc); /* exactly the bound: one word */
	CHECK_INT(rc, 0);
	free(msg);
	free(s);
}

TEST(shparse_node_bound)
{
	char *s = repeat("", "a;", BH_SH_MAX_NODES, "");
	int rc;
	char *msg = parse_error(s, strlen(s), &rc);
	CHECK_INT(rc, -E2BIG);
	CHECK(msg && strstr(msg, "more than 20000 nodes"));
	free(msg);
	free(s);
}

/* Every way to nest counts against the one bound. */
TEST(shparse_depth_bound)
{
	static const struct {
		const char *head, *open, *mid, *close;
	} forms[] = {
	    {"echo ", "$(", "x", ")"},
	    {"", "{ ", "x", "; }"},
	    {"", "( ", "x", " )"},
	    {"echo ", "${x:-", "", "}"},
	    {"echo ", "$((", "1", "))"},
	    {"echo ", "\"$(", "x", ")\""},
	    {"", "if a; then ", "x", "; fi"},
	    {"cat ", "<(", "x", ")"},
	    {"echo ", "${a[", "1", "]}"},
	    {"", "while a; do ", "x", "; done"},
	};
	for (size_t i = 0; i < BH_ARRAY_SIZE(forms); i++) {
		char *open =
		    repeat(forms[i].head, forms[i].open, 70, forms[i].mid);
		char *s = repeat(open, forms[i].close, 70, "");
		int rc;
		char *msg = parse_error(s, strlen(s), &rc);
		CHECK_INT(rc, -E2BIG);
		CHECK(msg && strstr(msg, "nested deeper than 64 levels"));
		free(msg);
		free(s);
		free(open);
		/* well inside the bound it parses */
		open = repeat(forms[i].head, forms[i].open, 20, forms[i].mid);
		s = repeat(open, forms[i].close, 20, "");
		msg = parse_error(s, strlen(s), &rc);
		CHECK_INT(rc, 0);
		free(msg);
		free(s);
		free(open);
	}
}

/* Backquotes nest by escaping (each level doubles the backslashes, so
 * alone they cannot reach the bound within the input limit); they count
 * two levels each, with the $(...) around them. */
static char *nest_backquotes(int levels)
{
	char *inner = bh_xstrdup("x");
	for (int level = 0; level < levels; level++) {
		struct bh_strbuf sb = BH_STRBUF_INIT;
		bh_strbuf_putc(&sb, '`');
		for (const char *p = inner; *p; p++) {
			if (*p == '`' || *p == '\\')
				bh_strbuf_putc(&sb, '\\');
			bh_strbuf_putc(&sb, *p);
		}
		bh_strbuf_putc(&sb, '`');
		free(inner);
		inner = bh_strbuf_steal(&sb);
	}
	return inner;
}

TEST(shparse_depth_bound_backquotes)
{
	char *bq = nest_backquotes(12);
	int n_dollar[] = {40, 10}, want[] = {-E2BIG, 0};
	for (size_t i = 0; i < 2; i++) {
		char *open = repeat("echo ", "$(", (size_t)n_dollar[i], bq);
		char *s = repeat(open, ")", (size_t)n_dollar[i], "");
		int rc;
		char *msg = parse_error(s, strlen(s), &rc);
		CHECK_INT(rc, want[i]);
		free(msg);
		free(s);
		free(open);
	}
	free(bq);
	char *names = walk_names("echo `a \\`b \\\\\\`c\\\\\\`\\``");
	CHECK_STR(names, "c b a echo");
	free(names);
}

/* threats.md J.82: fifty harmless commands and then the denied one. */
TEST(shparse_sixty_chained_commands)
{
	static const char *const seps[] = {"; ",  " && ", " || ",
					   " | ", "\n",	  " & "};
	for (size_t i = 0; i < BH_ARRAY_SIZE(seps); i++) {
		char *s = repeat("", "ls", 1, "");
		for (int k = 0; k < 59; k++) {
			char *t = bh_xasprintf("%s%sls", s, seps[i]);
			free(s);
			s = t;
		}
		char *t = bh_xasprintf("%s%sX", s, seps[i]);
		char *names = walk_names(t);
		char *want = repeat("", "ls ", 60, "X");
		CHECK_STR(names, want);
		free(names);
		free(want);
		free(t);
		free(s);
	}
}

/* A long && chain is a deep left spine: freeing, walking and dumping
 * must not recurse along it. */
TEST(shparse_long_and_chain)
{
	char *s = repeat("a", " && a", 9000, "");
	struct bh_sh_node *root = NULL;
	REQUIRE(parse(s, &root) == 0);
	struct names c = {BH_STRBUF_INIT, 0, 0};
	bh_sh_walk_simple(root, collect, &c);
	CHECK_INT(c.seen, 9001);
	char *d = bh_sh_dump(root);
	CHECK(d && bh_str_has_prefix(d, "(list (and (and (and "));
	free(d);
	bh_strbuf_release(&c.sb);
	bh_sh_free(root);
	free(s);
}

TEST(shparse_walk_order)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
	    {"a $(b) | c <(d)", "b a d c"},
	    {"for x in $(e); do f; done", "e f"},
	    {"g() { h; }; g", "h g"},
	    {"i > $(j) < <(k)", "j k i"},
	    {"cat <<E\n$(l)\nE\nm", "l cat m"},
	    {"while $(n); do o; done <<E\n`p`\nE\n", "p n ? o"},
	    {"case $(q) in $(r)) s;; esac", "q r s"},
	    {"[[ $(t) ]] && (( $(u) )) && v", "t u v"},
	    {"w ${x:-$(y)} \"$(z \"$(zz)\")\"", "y zz z w"},
	    {"x=$(a) b=`c` d", "a c d"},
	    {"if a; then b; elif c; then d; else e; fi", "a b c d e"},
	};
	for (size_t i = 0; i < BH_ARRAY_SIZE(cases); i++) {
		char *names = walk_names(cases[i].in);
		CHECK_STR(names, cases[i].want);
		free(names);
	}
}

TEST(shparse_walk_stops)
{
	struct bh_sh_node *root = NULL;
	REQUIRE(parse("a; b; c; d", &root) == 0);
	struct names c = {BH_STRBUF_INIT, 2, 0};
	CHECK_INT(bh_sh_walk_simple(root, collect, &c), 7);
	CHECK_INT(c.seen, 2);
	CHECK_STR(c.sb.buf, "a b");
	bh_strbuf_release(&c.sb);
	bh_sh_free(root);
}

/* Offsets are the caller's, also inside backquotes (unescaped into a
 * buffer of their own), here-document bodies and across continuations:
 * the simple command `depth` substitutions down spans [start, end). */
TEST(shparse_positions)
{
	static const struct {
		const char *in;
		int depth;
		size_t start, end;
	} cases[] = {
	    {"ls -l;  echo hi", 0, 0, 5},
	    {"echo `a \\`id\\``", 1, 6, 14},
	    {"echo `a \\`id\\``", 2, 10, 12},
	    {"cat <<E\nx $(id -u)\nE\n", 1, 12, 17},
	    {"ec\\\nho `i\\\nd`", 0, 0, 13},
	    {"ec\\\nho `i\\\nd`", 1, 8, 12},
	    {"f() { a; }", 0, 0, 10},
	    {"a && b | c", 0, 0, 10},
	};
	for (size_t i = 0; i < BH_ARRAY_SIZE(cases); i++) {
		struct bh_sh_node *root = NULL;
		REQUIRE(parse(cases[i].in, &root) == 0);
		const struct bh_sh_node *n = root->kids[0];
		for (int d = 0; d < cases[i].depth; d++)
			n = n->subs[0]->kids[0];
		CHECK_INT(n->start, cases[i].start);
		CHECK_INT(n->end, cases[i].end);
		bh_sh_free(root);
	}
	struct bh_sh_node *root = NULL;
	REQUIRE(parse("ls -l;  echo hi", &root) == 0);
	CHECK_INT(root->kids[1]->start, 8);
	CHECK_INT(root->kids[1]->end, 15);
	bh_sh_free(root);
	REQUIRE(parse("ec\\\nho", &root) == 0);
	CHECK_STR(root->kids[0]->words[0]->lit, "echo");
	CHECK_STR(root->kids[0]->words[0]->raw, "ec\\\nho");
	bh_sh_free(root);
}

TEST(shparse_error_offsets_in_nested_buffers)
{
	int rc;
	char *msg = parse_error("echo `a \\`b 'x\\``", 17, &rc);
	CHECK_STR(msg, "at byte 12: unterminated single quote");
	free(msg);
	const char *hd = "cat <<E\nok $(a 'b)\nE\n";
	msg = parse_error(hd, strlen(hd), &rc);
	CHECK_STR(msg, "at byte 15: unterminated single quote");
	free(msg);
}

TEST(shparse_word_fields)
{
	struct bh_sh_node *root = NULL;
	REQUIRE(parse("r''m \"$x\" ${y:-$(z)} $(w) ~/a", &root) == 0);
	const struct bh_sh_node *c = root->kids[0];
	REQUIRE(c->kind == BH_SHN_SIMPLE && c->n_words == 5);
	CHECK(c->words[0]->is_static);
	CHECK_STR(c->words[0]->lit, "rm");
	CHECK_STR(c->words[0]->raw, "r''m");
	const struct bh_sh_part *p = &c->words[1]->parts[0];
	CHECK(!c->words[1]->is_static && !c->words[1]->lit);
	CHECK(p->kind == BH_SHP_PARAM && p->quoted);
	CHECK_STR(p->text, "x");
	p = &c->words[2]->parts[0];
	CHECK(p->kind == BH_SHP_PARAM && !p->sub && !p->quoted);
	CHECK_STR(p->text, "y");
	REQUIRE(c->n_subs == 2);
	p = &c->words[3]->parts[0];
	CHECK(p->kind == BH_SHP_CMDSUB && p->sub == c->subs[1]);
	CHECK(c->subs[0]->kind == BH_SHN_LIST);
	CHECK(c->words[4]->parts[0].kind == BH_SHP_TILDE);
	CHECK_INT(c->words[4]->parts[0].len, 0);
	bh_sh_free(root);
}

TEST(shparse_assign_fields)
{
	struct bh_sh_node *root = NULL;
	REQUIRE(parse("a=1 b+=2 c=(x $(y)) d= PATH=~/bin:$PATH cmd", &root) ==
		0);
	const struct bh_sh_node *c = root->kids[0];
	REQUIRE(c->n_assigns == 5 && c->n_words == 1);
	CHECK_STR(c->assigns[0].name, "a");
	CHECK_STR(c->assigns[0].value->lit, "1");
	CHECK(c->assigns[1].append);
	CHECK(c->assigns[2].array && !c->assigns[2].value);
	CHECK_INT(c->assigns[2].n_elems, 2);
	CHECK(!c->assigns[3].value);
	CHECK_STR(c->assigns[4].name, "PATH");
	CHECK(!c->assigns[4].value->is_static);
	CHECK_STR(c->assigns[4].value->raw, "~/bin:$PATH");
	CHECK_INT(c->n_subs, 1);
	bh_sh_free(root);
}

TEST(shparse_redir_fields)
{
	struct bh_sh_node *root = NULL;
	REQUIRE(parse("cat 2>&1 <<'A' <<B >x\n$a\nA\n$b\nB\n", &root) == 0);
	const struct bh_sh_node *c = root->kids[0];
	REQUIRE(c->n_redirs == 4);
	CHECK_INT(c->redirs[0].fd, 2);
	CHECK(c->redirs[0].op == BH_SHR_DUP_OUT);
	CHECK_STR(c->redirs[0].target->lit, "1");
	CHECK(c->redirs[1].op == BH_SHR_HEREDOC);
	CHECK_STR(c->redirs[1].target->lit, "A");
	REQUIRE(c->redirs[1].body && c->redirs[1].body->n_parts == 1);
	CHECK(c->redirs[1].body->parts[0].kind == BH_SHP_LIT);
	CHECK(c->redirs[1].body->parts[0].quoted);
	CHECK_STR(c->redirs[1].body->lit, "$a\n");
	CHECK(!c->redirs[2].body->is_static);
	CHECK(c->redirs[2].body->parts[0].kind == BH_SHP_PARAM);
	CHECK_INT(c->redirs[3].fd, -1);
	CHECK(c->redirs[3].op == BH_SHR_OUT && !c->redirs[3].body);
	bh_sh_free(root);

	REQUIRE(parse("cat <<A\nA\n", &root) == 0);
	c = root->kids[0];
	CHECK(c->redirs[0].body && c->redirs[0].body->n_parts == 0);
	bh_sh_free(root);
	REQUIRE(parse("cat <<'A'\nA\n", &root) == 0);
	c = root->kids[0];
	CHECK(c->redirs[0].body && c->redirs[0].body->n_parts == 1);
	bh_sh_free(root);
}

TEST(shparse_compound_fields)
{
	struct bh_sh_node *root = NULL;
	REQUIRE(parse("for i in a b; do x; done; for ((;;)); do y; done; "
		      "f() { z; }; ! a | b",
		      &root) == 0);
	REQUIRE(root->n_kids == 4);
	const struct bh_sh_node *f = root->kids[0];
	CHECK(f->kind == BH_SHN_FOR && f->n_words == 2 && f->n_kids == 1);
	CHECK_STR(f->var, "i");
	f = root->kids[1];
	CHECK(f->kind == BH_SHN_FOR && !f->var && f->n_words == 0);
	CHECK_STR(f->arith, ";;");
	f = root->kids[2];
	CHECK(f->kind == BH_SHN_FUNCDEF && f->n_kids == 1);
	CHECK_STR(f->var, "f");
	CHECK(f->kids[0]->kind == BH_SHN_GROUP);
	CHECK(root->kids[3]->kind == BH_SHN_PIPELINE && root->kids[3]->negated);
	bh_sh_free(root);
}

TEST(shparse_null_and_no_err)
{
	bh_sh_free(NULL);
	char *d = bh_sh_dump(NULL);
	CHECK_STR(d, "nil");
	free(d);
	struct bh_sh_node *root = (struct bh_sh_node *)1;
	CHECK_INT(bh_sh_parse("'", 1, &root, NULL), -EINVAL);
	CHECK(root == NULL);
	CHECK_INT(bh_sh_parse(NULL, 0, &root, NULL), 0);
	d = bh_sh_dump(root);
	CHECK_STR(d, "(list)");
	free(d);
	bh_sh_free(root);
}
