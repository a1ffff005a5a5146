/* SPDX-License-Identifier: MIT */
/*
 * The shell parser's internals, shared by its files: shsrc.c (buffers,
 * characters, errors), shlex.c (words: quoting, expansions,
 * substitutions), shcmd.c (simple and compound commands), shparse.c
 * (lists, redirections, here-documents, the tree, the walker) and
 * shdump.c (the S-expression).
 *
 * One parser state walks one source buffer at a time: the input, or a
 * buffer derived from it (the unescaped text of a backquoted substitution,
 * the body of a here-document after line joining and tab stripping).  A
 * derived buffer carries a map from its bytes to input offsets, so every
 * node position and every error offset refers to the caller's input.
 */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>

#include "cmdpolicy/shparse.h"
#include "core/strbuf.h"

/* The current source buffer.  map[i] is the input offset of s[i]; it has
 * len + 1 entries (map[len]: where the buffer ends in the input).  NULL
 * map: s is the input itself. */
struct sh_src {
	const char *s;
	size_t len;
	size_t pos;
	const size_t *map;
};

/* A here-document whose operator has been read and whose body starts
 * after the next newline token. */
struct sh_heredoc {
	struct bh_sh_node *owner; /* the node holding the redirection */
	size_t redir;		  /* index in owner->redirs */
	char *delim;
	size_t delim_len;
	bool quoted;	 /* delimiter quoted: the body is not expanded */
	bool strip_tabs; /* <<- */
	size_t at;	 /* input offset of the operator, for errors */
};

struct sh_ps {
	struct sh_src src;
	unsigned depth;
	size_t n_nodes;
	struct bh_error **err;
	int rc; /* 0, or the first error's code */
	/* Here-documents waiting for their bodies.  Entries below hd_base
	 * belong to an enclosing substitution: a newline token inside the
	 * substitution must not start their bodies. */
	struct sh_heredoc *hd;
	size_t n_hd, cap_hd, hd_base;
	/* The node that owns substitutions met in the words being read. */
	struct bh_sh_node *collector;
};

enum sh_rw {
	RW_NONE = 0,
	RW_IF,
	RW_THEN,
	RW_ELIF,
	RW_ELSE,
	RW_FI,
	RW_WHILE,
	RW_UNTIL,
	RW_DO,
	RW_DONE,
	RW_FOR,
	RW_IN,
	RW_CASE,
	RW_ESAC,
	RW_LBRACE,
	RW_RBRACE,
	RW_BANG,
	RW_DBRACKET,
	RW_FUNCTION,
	RW_SELECT,
	RW_COPROC,
	RW_COUNT
};

extern const char *const sh_rw_names[RW_COUNT];

/* The reserved word that is the next token, if any: unquoted and whole
 * (a metacharacter or the end follows).  *end: where it ends. */
enum sh_rw sh_reserved_at(struct sh_ps *ps, size_t *end);
/* Reports the token at the current position as unexpected. */
int sh_unexpected(struct sh_ps *ps);
/* Blanks and comments, and newlines when asked: each newline token
 * starts the pending here-document bodies. */
int sh_skip_space(struct sh_ps *ps, bool newlines);
bool sh_procsub_at(struct sh_ps *ps); /* <( or >( */
bool sh_redir_op_at(struct sh_ps *ps);
/* "2>": consumes the number and returns 1; refuses {name}>; else 0. */
int sh_redir_prefix(struct sh_ps *ps, int *fd);
/* One redirection at its operator; fd -1 when none was written. */
int sh_parse_redir(struct sh_ps *ps, struct bh_sh_node *node, int fd);
/* The redirections after a compound command. */
int sh_parse_redirs(struct sh_ps *ps, struct bh_sh_node *n);
/* A command: simple, compound or a function definition (shcmd.c). */
struct bh_sh_node *sh_parse_command(struct sh_ps *ps);

/* Word lexing modes. */
enum sh_wmode {
	SH_W_PLAIN = 0, /* a shell word: ends at a blank or metacharacter */
	SH_W_REGEX,	/* the right side of [[ =~ ]]: ( | and blanks in () */
};

/* Growable array of elem-sized slots with no stored capacity: the
 * capacity is implied by the count (4, then powers of two).  Returns the
 * new (zeroed) slot. */
void *sh_push(void *arrp, size_t *n, size_t elem);

/* Errors: record the first one ("at byte N: ...", -code) and return it.
 * sh_fail() for what the parser refuses, sh_fail_bound() for a bound. */
__attribute__((format(printf, 4, 5))) int
sh_fail_code(struct sh_ps *ps, int code, size_t pos, const char *fmt, ...);
#define sh_fail(ps, ...) sh_fail_code((ps), EINVAL, __VA_ARGS__)
#define sh_fail_bound(ps, ...) sh_fail_code((ps), E2BIG, __VA_ARGS__)
static inline bool sh_failed(const struct sh_ps *ps)
{
	return ps->rc != 0;
}

/* Input offset of a position in the current buffer. */
size_t sh_off(const struct sh_ps *ps, size_t pos);
/* n ends at the current position: one past its last byte's input offset
 * (so a backslash removed after it is not part of it), never before its
 * start. */
void sh_set_end(const struct sh_ps *ps, struct bh_sh_node *n);

/* Character access.  sh_peek() skips line continuations (backslash-
 * newline) first: they vanish wherever the shell removes them.  EOF is
 * -1. */
int sh_peek(struct sh_ps *ps);
int sh_peek2(struct sh_ps *ps); /* the character after sh_peek()'s */
void sh_advance(struct sh_ps *ps);
/* Consumes op (an operator, continuations allowed inside) if it is next. */
bool sh_match(struct sh_ps *ps, const char *op);
bool sh_is_blank(int c);
bool sh_is_meta(int c); /* ends an unquoted word */
bool sh_is_name_start(int c);
bool sh_is_name_char(int c);
bool sh_is_name(const char *s, size_t n);

/* Nesting: every construct that recurses enters and leaves. */
int sh_enter(struct sh_ps *ps);
static inline void sh_leave(struct sh_ps *ps)
{
	ps->depth--;
}

/* Nodes and their arrays. */
struct bh_sh_node *sh_node_new(struct sh_ps *ps, enum bh_sh_node_kind kind);
void sh_node_add_kid(struct bh_sh_node *n, struct bh_sh_node *kid);
void sh_node_add_word(struct bh_sh_node *n, struct bh_sh_word *w);
/* Appends a parsed substitution to the collecting node, which owns it. */
int sh_collect(struct sh_ps *ps, struct bh_sh_node *sub);
void sh_word_free(struct bh_sh_word *w);
struct bh_sh_word *sh_word_static(const char *text, size_t n);

/* A compound list up to a terminator (EOF, ")", ";;", a closing reserved
 * word), into list.  Increments the depth. */
int sh_parse_list_into(struct sh_ps *ps, struct bh_sh_node *list);
/* A nested list of its own (a command or process substitution), with its
 * own here-document level.  Consumes the closing ")" when closer is ')';
 * with closer 0 the list must end at the end of the current buffer. */
struct bh_sh_node *sh_parse_sub_list(struct sh_ps *ps, int closer,
				     size_t open_pos, const char *what);

/* A word in the given mode at the current position.  The caller has made
 * sure one starts here.  Substitutions go to ps->collector. */
struct bh_sh_word *sh_lex_word(struct sh_ps *ps, enum sh_wmode mode);

/* Facts about the last word lexed, for the grammar. */
struct sh_wordinfo {
	bool quoted;	   /* any quoting or escaping */
	size_t assign_len; /* "NAME=" or "NAME+=": the prefix length, or 0 */
	size_t value_pos;  /* assign_len: buffer position of the value */
	bool append;	   /* += */
	bool subscript;	   /* NAME[ at the start (an element assignment?) */
};
struct bh_sh_word *sh_lex_word_info(struct sh_ps *ps, enum sh_wmode mode,
				    struct sh_wordinfo *info);

/* Arithmetic text between the current position and a closing "))", for
 * $(( and the (( command and C-style for: substitutions inside go to
 * ps->collector.  On success *text is the source text (caller frees).
 * what names the opener in errors. */
int sh_lex_arith(struct sh_ps *ps, size_t open_pos, const char *what,
		 char **text);
/* An unquoted here-document body: the whole current buffer. */
struct bh_sh_word *sh_lex_heredoc_body(struct sh_ps *ps);

/* Reads the bodies of the pending here-documents after a newline token. */
int sh_read_heredocs(struct sh_ps *ps);

/* Moves the parts of w to the end of parts/n/cap and frees w. */
void sh_parts_take(struct bh_sh_part **parts, size_t *n, size_t *cap,
		   struct bh_sh_word *w);
/* Merges adjacent literal parts, sets is_static and lit. */
void sh_word_finish(struct bh_sh_word *w);
