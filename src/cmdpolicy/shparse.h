/* SPDX-License-Identifier: MIT */
/*
 * A parser for the shell language as agents emit it: POSIX sh plus the bash
 * forms they commonly use.  It produces a tree in which every simple
 * command — including those inside command and process substitutions,
 * here-documents, ${x:-$(...)} defaults, functions and compound commands —
 * can be found and checked.
 *
 * What it defends against: a command string that hides a second command
 * from the checker (`a; b`, `$(b)`, `<(b)`, a newline or `\r`, a here-doc,
 * a function body, a backtick), and a checker that fails open on input it
 * does not understand.  So anything the parser cannot parse with certainty
 * is an error with the byte offset and a reason, never a partial tree:
 * callers deny on error (fail closed).  Constructs it recognises but does
 * not model (e.g. `coproc`, `select`, zsh-only syntax, `$'...'` is modelled,
 * `=cmd` zsh expansion is not) are errors too.
 *
 * Bounds: input at most BH_SH_MAX_INPUT bytes, nesting at most
 * BH_SH_MAX_DEPTH, at most BH_SH_MAX_NODES nodes; beyond them: an error.
 * Linear time in the input (no backtracking), so no input can hang it.
 *
 * Pure: no system calls, no environment, no globbing, no expansion — words
 * keep their parts; a word is *static* when it has only literal parts, and
 * then `lit` holds its value after quote removal.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

#define BH_SH_MAX_INPUT ((size_t)1 << 20)
#define BH_SH_MAX_DEPTH 64
#define BH_SH_MAX_NODES 20000

struct bh_sh_node;

enum bh_sh_part_kind {
	BH_SHP_LIT = 0,	    /* literal bytes (quotes removed) */
	BH_SHP_PARAM,	    /* $x, ${x}, ${x:-w}, $1, $@, $?, ${#x}, ${x//a/b} */
	BH_SHP_CMDSUB,	    /* $(...) or `...` */
	BH_SHP_PROCSUB_IN,  /* <(...) */
	BH_SHP_PROCSUB_OUT, /* >(...) */
	BH_SHP_ARITH,	    /* $((...)) */
	BH_SHP_GLOB,	    /* an unquoted *, ? or [...] */
	BH_SHP_TILDE,	    /* a leading unquoted ~ or ~user */
	BH_SHP_BRACE,	    /* an unquoted brace expansion {a,b} or {1..3} */
};

struct bh_sh_part {
	enum bh_sh_part_kind kind;
	/* LIT: the bytes; PARAM: the parameter's name ("HOME", "1", "@");
	 * ARITH: the expression's source; GLOB/BRACE: the source text;
	 * TILDE: the user name ("" for ~). */
	char *text;
	size_t len;	/* of text (LIT may hold NUL-free bytes only) */
	bool quoted;	/* inside "..." (no field splitting or globbing) */
	/* CMDSUB / PROCSUB_*: the parsed commands.  PARAM with an operator
	 * (${x:-word}, ${x/p/r}, ...): NULL here, but every substitution
	 * inside the word appears in the owning simple command's `subs`. */
	struct bh_sh_node *sub;
};

struct bh_sh_word {
	struct bh_sh_part *parts;
	size_t n_parts;
	char *raw;   /* the word's source text, as written */
	bool is_static;
	char *lit;   /* is_static: the value after quote removal, else NULL */
};

enum bh_sh_redir_op {
	BH_SHR_IN = 0,	/* <  */
	BH_SHR_OUT,	/* >  */
	BH_SHR_APPEND,	/* >> */
	BH_SHR_CLOBBER, /* >| */
	BH_SHR_RDWR,	/* <> */
	BH_SHR_DUP_IN,	/* <& */
	BH_SHR_DUP_OUT, /* >& */
	BH_SHR_HEREDOC, /* << and <<- */
	BH_SHR_HERESTR, /* <<< */
	BH_SHR_OUT_ERR, /* &> and >& WORD (bash: both stdout and stderr) */
	BH_SHR_APPEND_ERR, /* &>> */
};

struct bh_sh_redir {
	int fd; /* the redirected descriptor; -1 when not written (default) */
	enum bh_sh_redir_op op;
	struct bh_sh_word *target; /* file, fd number, or here-doc delimiter */
	/* HEREDOC: the body; expanded (parts may hold substitutions) unless
	 * the delimiter was quoted, then one literal part. */
	struct bh_sh_word *body;
};

struct bh_sh_assign {
	char *name;
	struct bh_sh_word *value; /* NULL for `x=` with nothing; arrays: NULL */
	bool append;		  /* x+=... */
	bool array;		  /* x=(...) */
	struct bh_sh_word **elems; /* x=(a b c) */
	size_t n_elems;
};

enum bh_sh_node_kind {
	BH_SHN_SIMPLE = 0, /* assignments, words, redirections */
	BH_SHN_PIPELINE,   /* kids: the commands; `negated` for `!` */
	BH_SHN_AND,	   /* kids[0] && kids[1] */
	BH_SHN_OR,	   /* kids[0] || kids[1] */
	BH_SHN_LIST,	   /* kids run in order (; or newline) */
	BH_SHN_BACKGROUND, /* kids[0] & */
	BH_SHN_SUBSHELL,   /* ( kids[0] ) */
	BH_SHN_GROUP,	   /* { kids[0]; } */
	BH_SHN_IF,	   /* kids: cond, then, [elif-cond, elif-then]..., [else] */
	BH_SHN_WHILE,	   /* kids: cond, body */
	BH_SHN_UNTIL,	   /* kids: cond, body */
	BH_SHN_FOR,	   /* var = name, words = the list (n_words 0: "$@"),
			      kids[0] = body; also C-style for ((...)) with
			      arith set and no words */
	BH_SHN_CASE,	   /* words[0] = subject; kids = one LIST per item, with
			      the item's patterns in that kid's `words` */
	BH_SHN_FUNCDEF,	   /* var = name, kids[0] = body */
	BH_SHN_ARITH,	   /* (( expr )): arith = the source */
	BH_SHN_COND,	   /* [[ ... ]]: words = its words */
};

struct bh_sh_node {
	enum bh_sh_node_kind kind;
	size_t start, end; /* byte offsets in the input */
	struct bh_sh_node **kids;
	size_t n_kids;
	/* SIMPLE (and FOR/CASE/COND words) */
	struct bh_sh_assign *assigns;
	size_t n_assigns;
	struct bh_sh_word **words;
	size_t n_words;
	/* Redirections, on a SIMPLE command or on a compound one. */
	struct bh_sh_redir *redirs;
	size_t n_redirs;
	/* Every command or process substitution anywhere in this node's own
	 * words, assignments, redirections and here-doc bodies (nested in
	 * ${...} too), in source order.  Not those of kids: they carry their
	 * own. */
	struct bh_sh_node **subs;
	size_t n_subs;
	char *var;   /* FOR, FUNCDEF */
	char *arith; /* ARITH, C-style FOR */
	bool negated; /* PIPELINE with ! */
};

/*
 * Parses src[0..len) (need not be NUL-terminated; a NUL byte is an error).
 * On success *out is the root (a LIST, possibly of one command; an empty
 * or comment-only input gives a LIST with no kids).  On failure returns
 * -EINVAL (or -E2BIG for a bound) with err "at byte N: REASON".  Caller
 * frees *out with bh_sh_free().
 */
int bh_sh_parse(const char *src, size_t len, struct bh_sh_node **out,
		struct bh_error **err);
void bh_sh_free(struct bh_sh_node *n); /* accepts NULL */

/* Calls fn for every SIMPLE node in the tree, depth first in source order,
 * including those inside substitutions (before the command that holds
 * them) and function bodies.  fn returns non-zero to stop; that value is
 * returned. */
int bh_sh_walk_simple(const struct bh_sh_node *root,
		      int (*fn)(void *ctx, const struct bh_sh_node *simple),
		      void *ctx);

/* An S-expression of the tree, for tests and `check --json` debugging, e.g.
 * (list (and (cmd "ls" "-l") (cmd "echo" (cmdsub (list (cmd "id"))))))
 * Caller frees. */
char *bh_sh_dump(const struct bh_sh_node *n);
