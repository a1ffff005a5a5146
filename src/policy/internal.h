/* SPDX-License-Identifier: MIT */
/*
 * Internals of the profile parser, shared by the files of src/policy only.
 *
 * The parser reads one profile at a time, line by line: the lexer splits a
 * line into words (quotes removed, columns kept), each directive checks its
 * words with the validators of values.c and path.c and appends rules to the
 * policy.  Every error goes through bh_perr(), which knows the file, line
 * and include chain, so all messages share one format.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/strbuf.h"
#include "policy/policy.h"

/* Nested includes allowed below the top profile. */
#define BH_INCLUDE_MAX 16
/* Longest path accepted (PATH_MAX less the NUL). */
#define BH_PATH_MAX 4095

/* One word of a line.  text has the quotes removed and escapes resolved but
 * variables NOT expanded: only some arguments are expanded (paths, env
 * values, include names), the others reject '$' as an invalid character. */
struct bh_token {
	char *text;
	unsigned col; /* 1-based byte column of the word's first byte */
};

struct bh_line {
	struct bh_token *tok;
	size_t n;
	size_t cap;
};

/* A profile being read: one frame per level of include. */
struct bh_frame {
	const char *file; /* display name, in the policy's string table */
	unsigned line;	  /* line being parsed */
	unsigned inc_col; /* column of the include argument being followed */
};

struct bh_parser {
	struct bh_policy *p;
	const struct bh_policy_vars *vars;
	const struct bh_profile_reader *reader;
	struct bh_error **err;
	size_t cap_paths, cap_env, cap_hosts, cap_syscalls, cap_cmd_rules;
	struct bh_frame frames[BH_INCLUDE_MAX + 1];
	size_t depth; /* frames in use */
};

/* Fills *ps->err with "file:line:col: message (included from ...)" and the
 * hint (NULL for none), and returns -EINVAL. */
__attribute__((format(printf, 4, 5))) int bh_perr(struct bh_parser *ps,
						  unsigned col,
						  const char *hint,
						  const char *fmt, ...);

/* lexer.c */
/* Splits the line [s, s + len) (without its newline) into words, dropping
 * a comment.  Reuses and clears *out. */
int bh_lex_line(struct bh_parser *ps, const char *s, size_t len,
		struct bh_line *out);
void bh_line_release(struct bh_line *l);
/* Expands ${WORKSPACE}, ${HOME}, ${TMPDIR} and $$ in t->text.  Caller frees
 * *out. */
int bh_expand(struct bh_parser *ps, const struct bh_token *t, char **out);
/* t->text, shortened for a message when long. Caller frees. */
char *bh_tok_show(const char *text);

/* Appends s as one word of profile text: quoted when it has to be, and with
 * '$' doubled when `expands` (the word is one the parser expands). */
void bh_put_word(struct bh_strbuf *sb, const char *s, bool expands);

/* values.c */
/* The candidate closest to word (edit distance at most 2), or NULL. */
const char *bh_closest(const char *word, const char *const *cands, size_t n);
/* A name of an environment variable; globs (with '*') when `glob`. */
bool bh_env_name_valid(const char *s, bool glob);
/* True when the glob pattern (only '*' is special) matches name. */
bool bh_env_glob_match(const char *pat, const char *name);
/* Validates HOST[:PORT] (lower-cases it).  On failure returns NULL and sets
 * *why and *hint.  Caller frees the host. */
char *bh_host_parse(const char *s, unsigned *port, const char **why,
		    const char **hint);
/* syscall name or @group. */
bool bh_syscall_name_valid(const char *s);
/* Parses a limit value.  On failure returns -EINVAL with *why (completing
 * "limit KEY: 'VALUE' ...") and *hint. */
int bh_limit_parse(enum bh_limit_kind k, const char *s, uint64_t *out,
		   const char **why, const char **hint);
/* The canonical text of a limit value ("4G", "1h30m", "1.5"); parses back
 * to the same value. */
void bh_limit_format(enum bh_limit_kind k, uint64_t v, struct bh_strbuf *sb);
/* Index of name in the limit names, or -1. */
int bh_limit_from_name(const char *name);

/* Longest ARG-PATTERN list of a `command` rule. */
#define BH_CMD_MAX_PATTERNS 64

/* "allow", "ask", "deny"; parses them back (-1 for anything else). */
const char *bh_cmd_decision_word(enum bh_cmd_decision d);
int bh_cmd_decision_from_word(const char *s);

/* parser.c: adds a string to the policy's string table (once) and returns
 * the stored copy. */
const char *bh_policy_intern(struct bh_policy *p, const char *s);
