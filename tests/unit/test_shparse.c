/* SPDX-License-Identifier: MIT */
/*
 * The shell parser, table-driven: input -> bh_sh_dump() S-expression, or
 * "!" and the error message.  Expected trees were checked by hand against
 * bash 5.2's reading of each input.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdpolicy/shparse.h"
#include "core/util.h"
#include "test.h"

struct sh_case {
	const char *in;
	const char *want; /* the dump, or "!" followed by the error */
};

static void put_escaped(const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\n')
			fputs("\\n", stderr);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(stderr, "\\x%02x", c);
		else
			fputc(c, stderr);
	}
}

static bool run_cases(const struct sh_case *c, size_t n)
{
	bool ok = true;
	for (size_t i = 0; i < n; i++) {
		struct bh_sh_node *root = NULL;
		struct bh_error *err = NULL;
		int rc = bh_sh_parse(c[i].in, strlen(c[i].in), &root, &err);
		char *got =
		    rc ? bh_xasprintf("!%s", err ? err->msg : "(no error)")
		       : bh_sh_dump(root);
		bool good = strcmp(got, c[i].want) == 0 &&
			    (rc == 0 || rc == -EINVAL || rc == -E2BIG);
		if (!good) {
			fprintf(stderr, "  case %zu: ", i);
			put_escaped(c[i].in);
			fprintf(stderr,
				"\n    got:      %s\n    expected: %s\n", got,
				c[i].want);
			ok = false;
		}
		free(got);
		bh_error_free(err);
		bh_sh_free(root);
	}
	return ok;
}

/* The hiding tricks of threats.md J.81-84: every command is a node the
 * walker visits, \r is a word byte, quoting tricks give static words. */
static const struct sh_case threats_cases[] = {
    {"ls; X", "(list (cmd \"ls\") (cmd \"X\"))"},
    {"ls;X", "(list (cmd \"ls\") (cmd \"X\"))"},
    {"ls && X", "(list (and (cmd \"ls\") (cmd \"X\")))"},
    {"ls&&X", "(list (and (cmd \"ls\") (cmd \"X\")))"},
    {"ls || X", "(list (or (cmd \"ls\") (cmd \"X\")))"},
    {"ls | X", "(list (pipe (cmd \"ls\") (cmd \"X\")))"},
    {"ls & X", "(list (bg (cmd \"ls\")) (cmd \"X\"))"},
    {"ls\nX", "(list (cmd \"ls\") (cmd \"X\"))"},
    {"ls\rX", "(list (cmd \"ls\\rX\"))"},
    {"ls\r\nX", "(list (cmd \"ls\\r\") (cmd \"X\"))"},
    {"$(X)", "(list (cmd (cmdsub (list (cmd \"X\")))))"},
    {"ls $(X)", "(list (cmd \"ls\" (cmdsub (list (cmd \"X\")))))"},
    {"`X`", "(list (cmd (cmdsub (list (cmd \"X\")))))"},
    {"ls `X`", "(list (cmd \"ls\" (cmdsub (list (cmd \"X\")))))"},
    {"cat <(X)", "(list (cmd \"cat\" (procsub-in (list (cmd \"X\")))))"},
    {"tee >(X)", "(list (cmd \"tee\" (procsub-out (list (cmd \"X\")))))"},
    {"{ X; }", "(list (group (list (cmd \"X\"))))"},
    {"(X)", "(list (subshell (list (cmd \"X\"))))"},
    {"cat <<EOF\n$(X)\nEOF\n",
     "(list (cmd \"cat\" (<< \"EOF\" (word (qcmdsub (list (cmd \"X\"))) "
     "\"\\n\"))))"},
    {"ls > ~/.bashrc",
     "(list (cmd \"ls\" (> (word (tilde \"\") \"/.bashrc\"))))"},
    {"cat${IFS}/etc/passwd",
     "(list (cmd (word \"cat\" (param \"IFS\") \"/etc/passwd\")))"},
    {"X${IFS}-rf${IFS}/",
     "(list (cmd (word \"X\" (param \"IFS\") \"-rf\" (param \"IFS\") \"/"
     "\")))"},
    {"r''m -rf /", "(list (cmd \"rm\" \"-rf\" \"/\"))"},
    {"\\rm x", "(list (cmd \"rm\" \"x\"))"},
    {"/usr/bin/./rm x", "(list (cmd \"/usr/bin/./rm\" \"x\"))"},
    {"/\?\?\?/r\? x",
     "(list (cmd (word \"/\" (glob \"\?\?\?\") \"/r\" (glob \"\?\")) \"x"
     "\"))"},
    {"{ls,-la}", "(list (cmd (brace \"{ls,-la}\")))"},
    {"ls #; X", "(list (cmd \"ls\"))"},
    {"ls \\; X", "(list (cmd \"ls\" \";\" \"X\"))"},
    {"ls ';' X", "(list (cmd \"ls\" \";\" \"X\"))"},
    {"ls \"$(X)\"", "(list (cmd \"ls\" (qcmdsub (list (cmd \"X\")))))"},
    {"ls ${x:-$(X)}",
     "(list (cmd \"ls\" (param \"x\") (nested (list (cmd \"X\")))))"},
    {"ls \"${x:-`X`}\"",
     "(list (cmd \"ls\" (qparam \"x\") (nested (list (cmd \"X\")))))"},
    {"X=1 ls", "(list (cmd (= \"X\" \"1\") \"ls\"))"},
    {"env X=1 ls", "(list (cmd \"env\" \"X=1\" \"ls\"))"},
    {"ls 2>&1 | X", "(list (pipe (cmd \"ls\" (2>& \"1\")) (cmd \"X\")))"},
    {"ls \\\n&& X", "(list (and (cmd \"ls\") (cmd \"X\")))"},
    {"ls\n\nX\n", "(list (cmd \"ls\") (cmd \"X\"))"},
    {"ls; \n ;X", "!at byte 6: unexpected ';'"},
    {"eval \"$(X)\"", "(list (cmd \"eval\" (qcmdsub (list (cmd \"X\")))))"},
    {"bash -c 'X'", "(list (cmd \"bash\" \"-c\" \"X\"))"},
    {"ls ${x[$(X)]}",
     "(list (cmd \"ls\" (param \"x\") (nested (list (cmd \"X\")))))"},
    {"ls $((1 + $(X)))",
     "(list (cmd \"ls\" (arith \"1 + $(X)\") (nested (list (cmd \"X\")))"
     "))"},
    {"ls <<< \"$(X)\"",
     "(list (cmd \"ls\" (<<< (qcmdsub (list (cmd \"X\"))))))"},
    {"ls > \"$(X)\"", "(list (cmd \"ls\" (> (qcmdsub (list (cmd \"X\"))))))"},
    {"f() { X; }; f",
     "(list (function \"f\" (group (list (cmd \"X\")))) (cmd \"f\"))"},
    {"a=$(X) ls", "(list (cmd (= \"a\" (cmdsub (list (cmd \"X\")))) \"ls\"))"},
    {"ls <(<(X))",
     "(list (cmd \"ls\" (procsub-in (list (cmd (procsub-in (list (cmd \""
     "X\"))))))))"},
    {"echo \"a` X `b\"",
     "(list (cmd \"echo\" (word \"a\" (qcmdsub (list (cmd \"X\"))) \"b\""
     ")))"},
};

TEST(shparse_threats)
{
	CHECK(run_cases(threats_cases, BH_ARRAY_SIZE(threats_cases)));
}

/* Quote removal: single, double, backslash, $'...', $"...", backquotes. */
static const struct sh_case quoting_cases[] = {
    {"echo 'a b' \"c d\" e\\ f",
     "(list (cmd \"echo\" \"a b\" \"c d\" \"e f\"))"},
    {"echo \"a\\\"b\" 'a\\b' \"a\\\\b\" \"a\\b\" \"\\$x\"",
     "(list (cmd \"echo\" \"a\\\"b\" \"a\\\\b\" \"a\\\\b\" \"a\\\\b\" \""
     "$x\"))"},
    {"echo \"$x\" \"${x}\" \"a$x\"",
     "(list (cmd \"echo\" (qparam \"x\") (qparam \"x\") (word \"a\" (qpa"
     "ram \"x\"))))"},
    {"echo ''", "(list (cmd \"echo\" \"\"))"},
    {"echo \"\"\"\"", "(list (cmd \"echo\" \"\"))"},
    {"echo a\"\"b", "(list (cmd \"echo\" \"ab\"))"},
    {"echo $'\\t\\x41\\101\\u00e9\\e\\cA'",
     "(list (cmd \"echo\" \"\\tAA\\xc3\\xa9\\x1b\\x01\"))"},
    {"echo $'\\''", "(list (cmd \"echo\" \"'\"))"},
    {"echo $'\\q'", "(list (cmd \"echo\" \"\\\\q\"))"},
    {"echo $'\\x'", "(list (cmd \"echo\" \"\\\\x\"))"},
    {"echo \"$'x'\"", "(list (cmd \"echo\" \"$'x'\"))"},
    {"echo \\$x", "(list (cmd \"echo\" \"$x\"))"},
    {"echo $", "(list (cmd \"echo\" \"$\"))"},
    {"echo $ x", "(list (cmd \"echo\" \"$\" \"x\"))"},
    {"echo \"$\"", "(list (cmd \"echo\" \"$\"))"},
    {"echo $1 $10 ${10} $@ $* $# $\? $- $$ $! $0",
     "(list (cmd \"echo\" (param \"1\") (word (param \"1\") \"0\") (para"
     "m \"10\") (param \"@\") (param \"*\") (param \"#\") (param \"\?\")"
     " (param \"-\") (param \"$\") (param \"!\") (param \"0\")))"},
    {"echo \"a\nb\"", "(list (cmd \"echo\" \"a\\nb\"))"},
    {"echo a\\", "(list (cmd \"echo\" \"a\\\\\"))"},
    {"echo \"a\\\nb\"", "(list (cmd \"echo\" \"ab\"))"},
    {"echo 'a\\\nb'", "(list (cmd \"echo\" \"a\\\\\\nb\"))"},
    {"echo $\"hi $u\"", "(list (cmd \"echo\" (word \"hi \" (qparam \"u\"))))"},
    {"echo \"a'b\" 'a\"b'", "(list (cmd \"echo\" \"a'b\" \"a\\\"b\"))"},
    {"echo \"`echo \\\"a\\\"`\"",
     "(list (cmd \"echo\" (qcmdsub (list (cmd \"echo\" \"a\")))))"},
    {"echo `echo \\`id\\``",
     "(list (cmd \"echo\" (cmdsub (list (cmd \"echo\" (cmdsub (list (cmd"
     " \"id\"))))))))"},
    {"echo `echo \\$x`",
     "(list (cmd \"echo\" (cmdsub (list (cmd \"echo\" (param \"x\"))))))"},
    {"echo `echo 'a\\\\b'`",
     "(list (cmd \"echo\" (cmdsub (list (cmd \"echo\" \"a\\\\b\")))))"},
};

TEST(shparse_quoting)
{
	CHECK(run_cases(quoting_cases, BH_ARRAY_SIZE(quoting_cases)));
}

/* Parameter expansion in every form; substitutions in nested words. */
static const struct sh_case params_cases[] = {
    {"echo ${x}", "(list (cmd \"echo\" (param \"x\")))"},
    {"echo ${x:-w} ${x:=w} ${x:\?w} ${x:+w}",
     "(list (cmd \"echo\" (param \"x\") (param \"x\") (param \"x\") (par"
     "am \"x\")))"},
    {"echo ${x-w} ${x=w} ${x\?w} ${x+w}",
     "(list (cmd \"echo\" (param \"x\") (param \"x\") (param \"x\") (par"
     "am \"x\")))"},
    {"echo ${#x} ${#} ${#@}",
     "(list (cmd \"echo\" (param \"x\") (param \"#\") (param \"@\")))"},
    {"echo ${x#p} ${x##p} ${x%p} ${x%%p}",
     "(list (cmd \"echo\" (param \"x\") (param \"x\") (param \"x\") (par"
     "am \"x\")))"},
    {"echo ${x/p/r} ${x//p/r} ${x/#p/r} ${x/%p/r} ${x/p}",
     "(list (cmd \"echo\" (param \"x\") (param \"x\") (param \"x\") (par"
     "am \"x\") (param \"x\")))"},
    {"echo ${x:1:2} ${x: -1}",
     "(list (cmd \"echo\" (param \"x\") (param \"x\")))"},
    {"echo ${!x} ${!x*} ${!x@} ${!x[@]} ${!}",
     "(list (cmd \"echo\" (param \"x\") (param \"x\") (param \"x\") (par"
     "am \"x\") (param \"!\")))"},
    {"echo ${x[@]} ${x[1]} ${x[*]}",
     "(list (cmd \"echo\" (param \"x\") (param \"x\") (param \"x\")))"},
    {"echo ${x^^} ${x^} ${x,,} ${x,}",
     "(list (cmd \"echo\" (param \"x\") (param \"x\") (param \"x\") (par"
     "am \"x\")))"},
    {"echo ${x@Q} ${x@E} ${x@a}",
     "(list (cmd \"echo\" (param \"x\") (param \"x\") (param \"x\")))"},
    {"echo ${@} ${*} ${\?} ${$}",
     "(list (cmd \"echo\" (param \"@\") (param \"*\") (param \"\?\") (pa"
     "ram \"$\")))"},
    {"echo ${x:-a b}", "(list (cmd \"echo\" (param \"x\")))"},
    {"echo ${x:-$(a)}",
     "(list (cmd \"echo\" (param \"x\") (nested (list (cmd \"a\")))))"},
    {"echo ${x/$(a)/$(b)}",
     "(list (cmd \"echo\" (param \"x\") (nested (list (cmd \"a\")) (list"
     " (cmd \"b\")))))"},
    {"echo ${x:-${y:-$(a)}}",
     "(list (cmd \"echo\" (param \"x\") (nested (list (cmd \"a\")))))"},
    {"echo \"${x:-\"$(a)\"}\"",
     "(list (cmd \"echo\" (qparam \"x\") (nested (list (cmd \"a\")))))"},
    {"echo ${x:-<(a)}",
     "(list (cmd \"echo\" (param \"x\") (nested (list (cmd \"a\")))))"},
    {"echo ${x:-'$(a)'}", "(list (cmd \"echo\" (param \"x\")))"},
    {"echo ${x:-`a`}",
     "(list (cmd \"echo\" (param \"x\") (nested (list (cmd \"a\")))))"},
    {"echo ${x:-$((1+$(a)))}",
     "(list (cmd \"echo\" (param \"x\") (nested (list (cmd \"a\")))))"},
    {"echo $((1+2))", "(list (cmd \"echo\" (arith \"1+2\")))"},
    {"echo $(( $(a) ))",
     "(list (cmd \"echo\" (arith \" $(a) \") (nested (list (cmd \"a\")))"
     "))"},
    {"echo $((x[$(a)]))",
     "(list (cmd \"echo\" (arith \"x[$(a)]\") (nested (list (cmd \"a\"))"
     ")))"},
    {"echo \"$((1))\"", "(list (cmd \"echo\" (qarith \"1\")))"},
    {"echo ${x:-}", "(list (cmd \"echo\" (param \"x\")))"},
    {"echo ${x:-\\}}", "(list (cmd \"echo\" (param \"x\")))"},
    {"echo ${x:-{a}x}", "(list (cmd \"echo\" (word (param \"x\") \"x}\")))"},
};

TEST(shparse_params)
{
	CHECK(run_cases(params_cases, BH_ARRAY_SIZE(params_cases)));
}

/* Command and process substitution. */
static const struct sh_case cmdsub_cases[] = {
    {"echo $(a; b)",
     "(list (cmd \"echo\" (cmdsub (list (cmd \"a\") (cmd \"b\")))))"},
    {"echo $(a | b)",
     "(list (cmd \"echo\" (cmdsub (list (pipe (cmd \"a\") (cmd \"b\"))))"
     "))"},
    {"echo $( (a) )",
     "(list (cmd \"echo\" (cmdsub (list (subshell (list (cmd \"a\"))))))"
     ")"},
    {"echo $(case x in a) b;; esac)",
     "(list (cmd \"echo\" (cmdsub (list (case \"x\" (item (\"a\") (cmd "
     "\"b\")))))))"},
    {"echo $(echo \")\")",
     "(list (cmd \"echo\" (cmdsub (list (cmd \"echo\" \")\")))))"},
    {"echo $(echo \\))",
     "(list (cmd \"echo\" (cmdsub (list (cmd \"echo\" \")\")))))"},
    {"echo $(echo a # )\n)",
     "(list (cmd \"echo\" (cmdsub (list (cmd \"echo\" \"a\")))))"},
    {"echo $(<file)",
     "(list (cmd \"echo\" (cmdsub (list (cmd (< \"file\"))))))"},
    {"echo $(a $(b $(c)))",
     "(list (cmd \"echo\" (cmdsub (list (cmd \"a\" (cmdsub (list (cmd \""
     "b\" (cmdsub (list (cmd \"c\")))))))))))"},
    {"echo $()", "(list (cmd \"echo\" (cmdsub (list))))"},
    {"echo $(\na\nb\n)",
     "(list (cmd \"echo\" (cmdsub (list (cmd \"a\") (cmd \"b\")))))"},
    {"echo $(cat <<EOF\nx\nEOF\n)",
     "(list (cmd \"echo\" (cmdsub (list (cmd \"cat\" (<< \"EOF\" \"x\\n"
     "\"))))))"},
    {"cat <(a) >(b)",
     "(list (cmd \"cat\" (procsub-in (list (cmd \"a\"))) (procsub-out (l"
     "ist (cmd \"b\")))))"},
    {"echo a<(b)",
     "(list (cmd \"echo\" (word \"a\" (procsub-in (list (cmd \"b\"))))))"},
    {"echo 2<(b)",
     "(list (cmd \"echo\" (word \"2\" (procsub-in (list (cmd \"b\"))))))"},
    {"cat < <(a)", "(list (cmd \"cat\" (< (procsub-in (list (cmd \"a\"))))))"},
    {"a > >(b)", "(list (cmd \"a\" (> (procsub-out (list (cmd \"b\"))))))"},
};

TEST(shparse_cmdsub)
{
	CHECK(run_cases(cmdsub_cases, BH_ARRAY_SIZE(cmdsub_cases)));
}

/* Globs, tildes, brace expansion, comments inside and outside words. */
static const struct sh_case words_cases[] = {
    {"echo * \? [a-z] a[ [ ] a]b",
     "(list (cmd \"echo\" (glob \"*\") (glob \"\?\") (glob \"[a-z]\") \""
     "a[\" \"[\" \"]\" \"a]b\"))"},
    {"echo \"*\" \\* '\?'", "(list (cmd \"echo\" \"*\" \"*\" \"\?\"))"},
    {"[ -f x ]", "(list (cmd \"[\" \"-f\" \"x\" \"]\"))"},
    {"echo ~ ~/x ~user/x ~+ a~ \"~\" ~\"u\" ~$x",
     "(list (cmd \"echo\" (tilde \"\") (word (tilde \"\") \"/x\") (word "
     "(tilde \"user\") \"/x\") (tilde \"+\") \"a~\" \"~\" \"~u\" (word "
     "\"~\" (param \"x\"))))"},
    {"echo {a,b} {1..3} {a} {} \"{a,b}\" a{b,c}d {a,b x{1..2}y",
     "(list (cmd \"echo\" (brace \"{a,b}\") (brace \"{1..3}\") \"{a}\" "
     "\"{}\" \"{a,b}\" (word \"a\" (brace \"{b,c}\") \"d\") \"{a,b\" (wo"
     "rd \"x\" (brace \"{1..2}\") \"y\")))"},
    {"find . -name '*.c' -exec rm {} \\;",
     "(list (cmd \"find\" \".\" \"-name\" \"*.c\" \"-exec\" \"rm\" \"{}"
     "\" \";\"))"},
    {"echo a=~/x", "(list (cmd \"echo\" (word \"a=\" (tilde \"\") \"/x\")))"},
    {"echo a#b", "(list (cmd \"echo\" \"a#b\"))"},
    {"echo #b", "(list (cmd \"echo\"))"},
    {"echo a\\#b", "(list (cmd \"echo\" \"a#b\"))"},
    {"ls -la /tmp/", "(list (cmd \"ls\" \"-la\" \"/tmp/\"))"},
};

TEST(shparse_words)
{
	CHECK(run_cases(words_cases, BH_ARRAY_SIZE(words_cases)));
}

/* Pipelines, negation, and-or lists, background. */
static const struct sh_case operators_cases[] = {
    {"a | b | c", "(list (pipe (cmd \"a\") (cmd \"b\") (cmd \"c\")))"},
    {"! a", "(list (pipe ! (cmd \"a\")))"},
    {"! a | b", "(list (pipe ! (cmd \"a\") (cmd \"b\")))"},
    {"! ! a", "(list (cmd \"a\"))"},
    {"a |& b", "(list (pipe (cmd \"a\" (2>& \"1\")) (cmd \"b\")))"},
    {"a && b || c", "(list (or (and (cmd \"a\") (cmd \"b\")) (cmd \"c\")))"},
    {"a || b && c", "(list (and (or (cmd \"a\") (cmd \"b\")) (cmd \"c\")))"},
    {"a &", "(list (bg (cmd \"a\")))"},
    {"a & b &", "(list (bg (cmd \"a\")) (bg (cmd \"b\")))"},
    {"a; b; c;", "(list (cmd \"a\") (cmd \"b\") (cmd \"c\"))"},
    {"a && b &", "(list (bg (and (cmd \"a\") (cmd \"b\"))))"},
    {"a &&\nb", "(list (and (cmd \"a\") (cmd \"b\")))"},
    {"a |\nb", "(list (pipe (cmd \"a\") (cmd \"b\")))"},
    {"a ||\n\n b", "(list (or (cmd \"a\") (cmd \"b\")))"},
    {"! { a; }", "(list (pipe ! (group (list (cmd \"a\")))))"},
    {"a | { b; } | (c)",
     "(list (pipe (cmd \"a\") (group (list (cmd \"b\"))) (subshell (list"
     " (cmd \"c\")))))"},
};

TEST(shparse_operators)
{
	CHECK(run_cases(operators_cases, BH_ARRAY_SIZE(operators_cases)));
}

/* Redirections, fd numbers, >& as a dup or as a file. */
static const struct sh_case redirs_cases[] = {
    {"a < f", "(list (cmd \"a\" (< \"f\")))"},
    {"a > f", "(list (cmd \"a\" (> \"f\")))"},
    {"a >> f", "(list (cmd \"a\" (>> \"f\")))"},
    {"a >| f", "(list (cmd \"a\" (>| \"f\")))"},
    {"a <> f", "(list (cmd \"a\" (<> \"f\")))"},
    {"a <& 3", "(list (cmd \"a\" (<& \"3\")))"},
    {"a >& 2", "(list (cmd \"a\" (>& \"2\")))"},
    {"a 2>&1", "(list (cmd \"a\" (2>& \"1\")))"},
    {"a >&-", "(list (cmd \"a\" (>& \"-\")))"},
    {"a 2>&1-", "(list (cmd \"a\" (2>& \"1-\")))"},
    {"a >&file", "(list (cmd \"a\" (&> \"file\")))"},
    {"a 2>&file", "(list (cmd \"a\" (2>& \"file\")))"},
    {"a &> f", "(list (cmd \"a\" (&> \"f\")))"},
    {"a &>> f", "(list (cmd \"a\" (&>> \"f\")))"},
    {"a <<< word", "(list (cmd \"a\" (<<< \"word\")))"},
    {"a 2>x", "(list (cmd \"a\" (2> \"x\")))"},
    {"a 10>x", "(list (cmd \"a\" (10> \"x\")))"},
    {"a 2 >x", "(list (cmd \"a\" \"2\" (> \"x\")))"},
    {"> x a", "(list (cmd \"a\" (> \"x\")))"},
    {">x", "(list (cmd (> \"x\")))"},
    {"a > $f", "(list (cmd \"a\" (> (param \"f\"))))"},
    {"a >\"$f\" 2>>\"$g\"",
     "(list (cmd \"a\" (> (qparam \"f\")) (2>> (qparam \"g\"))))"},
    {"a >&$fd", "(list (cmd \"a\" (&> (param \"fd\"))))"},
    {"a 0<x", "(list (cmd \"a\" (0< \"x\")))"},
    {"{ a; } > f 2>&1",
     "(list (group (list (cmd \"a\")) (> \"f\") (2>& \"1\")))"},
    {"while a; do b; done < f",
     "(list (while (list (cmd \"a\")) (list (cmd \"b\")) (< \"f\")))"},
    {"a & >x", "(list (bg (cmd \"a\")) (cmd (> \"x\")))"},
};

TEST(shparse_redirs)
{
	CHECK(run_cases(redirs_cases, BH_ARRAY_SIZE(redirs_cases)));
}

/* Here-documents: quoting, <<-, several per line, substitutions in bodies. */
static const struct sh_case heredocs_cases[] = {
    {"cat <<EOF\nhi $x\nEOF\n",
     "(list (cmd \"cat\" (<< \"EOF\" (word \"hi \" (qparam \"x\") \"\\n"
     "\"))))"},
    {"cat <<-EOF\n\thi\n\t\tx\n\tEOF\n",
     "(list (cmd \"cat\" (<< \"EOF\" \"hi\\nx\\n\")))"},
    {"cat <<'EOF'\n$x `a`\nEOF\n",
     "(list (cmd \"cat\" (<< \"EOF\" \"$x `a`\\n\")))"},
    {"cat <<\"EOF\"\n$x\nEOF\n", "(list (cmd \"cat\" (<< \"EOF\" \"$x\\n\")))"},
    {"cat <<E\\OF\n$x\nEOF\n", "(list (cmd \"cat\" (<< \"EOF\" \"$x\\n\")))"},
    {"cat <<A <<B\na\nA\nb\nB\n",
     "(list (cmd \"cat\" (<< \"A\" \"a\\n\") (<< \"B\" \"b\\n\")))"},
    {"cat <<A; cat <<B\na\nA\nb\nB\n",
     "(list (cmd \"cat\" (<< \"A\" \"a\\n\")) (cmd \"cat\" (<< \"B\" \"b"
     "\\n\")))"},
    {"cat <<EOF\n\\$x \\` \\\\ \\a\nEOF\n",
     "(list (cmd \"cat\" (<< \"EOF\" \"$x ` \\\\ \\\\a\\n\")))"},
    {"cat <<EOF\na\\\nb\nEOF\n", "(list (cmd \"cat\" (<< \"EOF\" \"ab\\n\")))"},
    {"cat <<EOF\nx\nEOF", "(list (cmd \"cat\" (<< \"EOF\" \"x\\n\")))"},
    {"cat <<EOF\nEOF\n", "(list (cmd \"cat\" (<< \"EOF\" \"\")))"},
    {"cat <<''\nx\n\n", "(list (cmd \"cat\" (<< \"\" \"x\\n\")))"},
    {"cat <<EOF | a\nx\nEOF\n",
     "(list (pipe (cmd \"cat\" (<< \"EOF\" \"x\\n\")) (cmd \"a\")))"},
    {"if a; then cat <<EOF\nx\nEOF\nfi",
     "(list (if (list (cmd \"a\")) (list (cmd \"cat\" (<< \"EOF\" \"x\\n"
     "\")))))"},
    {"cat <<EOF\n\"$x\" 'y'\nEOF\n",
     "(list (cmd \"cat\" (<< \"EOF\" (word \"\\\"\" (qparam \"x\") \"\\"
     "\" 'y'\\n\"))))"},
    {"cat <<EOF\n$(a <<X\ninner\nX\n)\nEOF\n",
     "(list (cmd \"cat\" (<< \"EOF\" (word (qcmdsub (list (cmd \"a\" (<<"
     " \"X\" \"inner\\n\")))) \"\\n\"))))"},
    {"a <<EOF && b\nx\nEOF\n",
     "(list (and (cmd \"a\" (<< \"EOF\" \"x\\n\")) (cmd \"b\")))"},
    {"cat << EOF\nx\nEOF\n", "(list (cmd \"cat\" (<< \"EOF\" \"x\\n\")))"},
    {"cat <<EOF\nx\n EOF\nEOF\n",
     "(list (cmd \"cat\" (<< \"EOF\" \"x\\n EOF\\n\")))"},
    {"cat <<EOF\r\nx\nEOF\r\n",
     "(list (cmd \"cat\" (<< \"EOF\\r\" \"x\\n\")))"},
};

TEST(shparse_heredocs)
{
	CHECK(run_cases(heredocs_cases, BH_ARRAY_SIZE(heredocs_cases)));
}

/* Assignments before the command word, arrays, words after it. */
static const struct sh_case assigns_cases[] = {
    {"x=1", "(list (cmd (= \"x\" \"1\")))"},
    {"x=", "(list (cmd (= \"x\")))"},
    {"x=\"\"", "(list (cmd (= \"x\" \"\")))"},
    {"x+=1", "(list (cmd (+= \"x\" \"1\")))"},
    {"x=(a b)", "(list (cmd (= \"x\" (array \"a\" \"b\"))))"},
    {"x+=(c)", "(list (cmd (+= \"x\" (array \"c\"))))"},
    {"x=()", "(list (cmd (= \"x\" (array))))"},
    {"x=$(a)", "(list (cmd (= \"x\" (cmdsub (list (cmd \"a\"))))))"},
    {"x=1 y=2 cmd", "(list (cmd (= \"x\" \"1\") (= \"y\" \"2\") \"cmd\"))"},
    {"cmd x=1", "(list (cmd \"cmd\" \"x=1\"))"},
    {"export x=1", "(list (cmd \"export\" \"x=1\"))"},
    {"\"x\"=1", "(list (cmd \"x=1\"))"},
    {"x\\=1", "(list (cmd \"x=1\"))"},
    {"1x=2", "(list (cmd \"1x=2\"))"},
    {"x=a=b", "(list (cmd (= \"x\" \"a=b\")))"},
    {"declare -a x=(a $(b))",
     "(list (cmd \"declare\" \"-a\" (word \"x=(a \" (cmdsub (list (cmd "
     "\"b\"))) \")\")))"},
    {"local x=(a 'b c')", "(list (cmd \"local\" \"x=(a b c)\"))"},
    {"x=~/a:~/b",
     "(list (cmd (= \"x\" (word (tilde \"\") \"/a:\" (tilde \"\") \"/b\""
     "))))"},
    {"x=(a #c\n b)", "(list (cmd (= \"x\" (array \"a\" \"b\"))))"},
    {"x=\"$y\" cmd", "(list (cmd (= \"x\" (qparam \"y\")) \"cmd\"))"},
    {"x=a b=c", "(list (cmd (= \"x\" \"a\") (= \"b\" \"c\")))"},
    {">f x=1 cmd", "(list (cmd (= \"x\" \"1\") \"cmd\" (> \"f\")))"},
    {"x=1 >f cmd", "(list (cmd (= \"x\" \"1\") \"cmd\" (> \"f\")))"},
    {"x=([0]=a [1]=b)",
     "(list (cmd (= \"x\" (array (word (glob \"[0]\") \"=a\") (word (glo"
     "b \"[1]\") \"=b\")))))"},
};

TEST(shparse_assigns)
{
	CHECK(run_cases(assigns_cases, BH_ARRAY_SIZE(assigns_cases)));
}

/* Compound commands, function definitions, [[ ]], (( )). */
static const struct sh_case compound_cases[] = {
    {"if a; then b; fi", "(list (if (list (cmd \"a\")) (list (cmd \"b\"))))"},
    {"if a; then b; elif c; then d; elif e; then f; else g; fi",
     "(list (if (list (cmd \"a\")) (list (cmd \"b\")) (list (cmd \"c\"))"
     " (list (cmd \"d\")) (list (cmd \"e\")) (list (cmd \"f\")) (list (c"
     "md \"g\"))))"},
    {"if a\nthen b\nelse c\nfi",
     "(list (if (list (cmd \"a\")) (list (cmd \"b\")) (list (cmd \"c\"))"
     "))"},
    {"while a; do b; done",
     "(list (while (list (cmd \"a\")) (list (cmd \"b\"))))"},
    {"until a; do b; done",
     "(list (until (list (cmd \"a\")) (list (cmd \"b\"))))"},
    {"for x in a b; do c; done",
     "(list (for \"x\" (in \"a\" \"b\") (list (cmd \"c\"))))"},
    {"for x; do c; done", "(list (for \"x\" (list (cmd \"c\"))))"},
    {"for x do c; done", "(list (for \"x\" (list (cmd \"c\"))))"},
    {"for x\nin a\ndo c\ndone",
     "(list (for \"x\" (in \"a\") (list (cmd \"c\"))))"},
    {"for x in; do c; done", "(list (for \"x\" (list (cmd \"c\"))))"},
    {"for ((i=0;i<3;i++)); do c; done",
     "(list (for (arith \"i=0;i<3;i++\") (list (cmd \"c\"))))"},
    {"for ((;;))\ndo c; done",
     "(list (for (arith \";;\") (list (cmd \"c\"))))"},
    {"for x in $(a); do b $x; done",
     "(list (for \"x\" (in (cmdsub (list (cmd \"a\")))) (list (cmd \"b\""
     " (param \"x\")))))"},
    {"case x in a) b;; esac", "(list (case \"x\" (item (\"a\") (cmd \"b\"))))"},
    {"case x in\na|b) c;;\n(d) e;&\n*) f;;&\nesac",
     "(list (case \"x\" (item (\"a\" \"b\") (cmd \"c\")) (item (\"d\") ("
     "cmd \"e\")) (item ((glob \"*\")) (cmd \"f\"))))"},
    {"case x in a) ;; esac", "(list (case \"x\" (item (\"a\"))))"},
    {"case x in (esac) a;; esac",
     "(list (case \"x\" (item (\"esac\") (cmd \"a\"))))"},
    {"case x in esac", "(list (case \"x\"))"},
    {"case $(a) in $(b)) c;; esac",
     "(list (case (cmdsub (list (cmd \"a\"))) (item ((cmdsub (list (cmd "
     "\"b\")))) (cmd \"c\"))))"},
    {"case x in a) b\nesac", "(list (case \"x\" (item (\"a\") (cmd \"b\"))))"},
    {"f() { a; }", "(list (function \"f\" (group (list (cmd \"a\")))))"},
    {"f () { a; }", "(list (function \"f\" (group (list (cmd \"a\")))))"},
    {"f() ( a )", "(list (function \"f\" (subshell (list (cmd \"a\")))))"},
    {"f()\n{\na\n}", "(list (function \"f\" (group (list (cmd \"a\")))))"},
    {"function f { a; }", "(list (function \"f\" (group (list (cmd \"a\")))))"},
    {"function f() { a; }",
     "(list (function \"f\" (group (list (cmd \"a\")))))"},
    {"function f ( a )",
     "(list (function \"f\" (subshell (list (cmd \"a\")))))"},
    {"f() { a; } > log",
     "(list (function \"f\" (group (list (cmd \"a\")) (> \"log\"))))"},
    {"f() if a; then b; fi",
     "(list (function \"f\" (if (list (cmd \"a\")) (list (cmd \"b\")))))"},
    {"[[ -f x ]]", "(list (cond \"-f\" \"x\"))"},
    {"[[ a == b && ( c || ! d ) ]]",
     "(list (cond \"a\" \"==\" \"b\" \"&&\" \"(\" \"c\" \"||\" \"!\" \"d"
     "\" \")\"))"},
    {"[[ a < b ]]", "(list (cond \"a\" \"<\" \"b\"))"},
    {"[[ $x =~ ^(a|b)$ ]]", "(list (cond (param \"x\") \"=~\" \"^(a|b)$\"))"},
    {"[[ $x =~ a|b ]]", "(list (cond (param \"x\") \"=~\" \"a|b\"))"},
    {"[[ x ==\n y ]]", "(list (cond \"x\" \"==\" \"y\"))"},
    {"((x++))", "(list (arith-cmd \"x++\"))"},
    {"(( x = $(a) ))",
     "(list (arith-cmd \" x = $(a) \" (nested (list (cmd \"a\")))))"},
    {"while a; do if b; then c; fi; done",
     "(list (while (list (cmd \"a\")) (list (if (list (cmd \"b\")) (list"
     " (cmd \"c\"))))))"},
    {"echo if then fi", "(list (cmd \"echo\" \"if\" \"then\" \"fi\"))"},
    {"{ a; }", "(list (group (list (cmd \"a\"))))"},
    {"{ a\n}", "(list (group (list (cmd \"a\"))))"},
    {"{ { a; }; }", "(list (group (list (group (list (cmd \"a\"))))))"},
    {"(a; b)", "(list (subshell (list (cmd \"a\") (cmd \"b\"))))"},
    {"( (a) )", "(list (subshell (list (subshell (list (cmd \"a\"))))))"},
    {"time ls -l", "(list (cmd \"time\" \"ls\" \"-l\"))"},
    {"a; { b; } && (c)",
     "(list (cmd \"a\") (and (group (list (cmd \"b\"))) (subshell (list "
     "(cmd \"c\")))))"},
    {"! (a)", "(list (pipe ! (subshell (list (cmd \"a\")))))"},
};

TEST(shparse_compound)
{
	CHECK(run_cases(compound_cases, BH_ARRAY_SIZE(compound_cases)));
}

/* Empty and comment-only input. */
static const struct sh_case misc_cases[] = {
    {"", "(list)"},
    {"   ", "(list)"},
    {"# only a comment", "(list)"},
    {"#!/bin/sh\nls", "(list (cmd \"ls\"))"},
    {"\n\n", "(list)"},
    {"ls # x $(y)", "(list (cmd \"ls\"))"},
};

TEST(shparse_misc)
{
	CHECK(run_cases(misc_cases, BH_ARRAY_SIZE(misc_cases)));
}

/* Refusals: fail closed with the byte offset and the reason. */
static const struct sh_case errors_cases[] = {
    {"echo 'abc", "!at byte 5: unterminated single quote"},
    {"echo \"abc", "!at byte 5: unterminated double quote"},
    {"echo $(ls", "!at byte 5: unterminated '$('"},
    {"echo `ls", "!at byte 5: unterminated backquote"},
    {"echo ${x", "!at byte 5: unterminated '${'"},
    {"echo $((1", "!at byte 5: unterminated '$(('"},
    {"echo $'abc", "!at byte 5: unterminated $'...'"},
    {"cat <<EOF\nbody",
     "!at byte 4: here-document without its terminator line 'EOF'"},
    {"cat <<EOF",
     "!at byte 4: here-document 'EOF' without a newline after its comman"
     "d"},
    {"cat <<$x\n$x\n",
     "!at byte 4: here-document delimiter must be a plain word"},
    {"coproc x", "!at byte 0: 'coproc' is not supported"},
    {"select x in a; do b; done", "!at byte 0: 'select' is not supported"},
    {"echo =ls", "!at byte 5: zsh's =command expansion is not supported"},
    {"exec {fd}>f", "!at byte 5: named fd redirection not supported ({name}>)"},
    {"a[1]=x", "!at byte 0: assignments to array elements are not supported"},
    {"a[$(X)]=1",
     "!at byte 0: assignments to array elements are not supported"},
    {"a[1]+=x", "!at byte 0: assignments to array elements are not supported"},
    {"x=1 a[1]=2 cmd",
     "!at byte 4: assignments to array elements are not supported"},
    {"echo $((echo a) | cat)",
     "!at byte 5: ambiguous '$((': its parentheses do not close as '))';"
     " put a space between the two '(' for nested subshells"},
    {"((echo a) | cat)",
     "!at byte 0: ambiguous '((': its parentheses do not close as '))'; "
     "put a space between the two '(' for nested subshells"},
    {"fi", "!at byte 0: unexpected 'fi'"},
    {"then", "!at byte 0: unexpected 'then'"},
    {"a;;", "!at byte 1: unexpected ';;'"},
    {"a ;& b", "!at byte 2: unexpected ';&'"},
    {"a |", "!at byte 3: unexpected end of input"},
    {"a &&", "!at byte 4: unexpected end of input"},
    {"| a", "!at byte 0: unexpected '|'"},
    {"&& a", "!at byte 0: unexpected '&&'"},
    {"; a", "!at byte 0: unexpected ';'"},
    {"& a", "!at byte 0: unexpected '&'"},
    {"( )", "!at byte 2: empty subshell"},
    {"{ }", "!at byte 2: no command before '}'"},
    {"{ a", "!at byte 0: unterminated '{'"},
    {"{ echo }", "!at byte 0: unterminated '{'"},
    {"}", "!at byte 0: unexpected '}'"},
    {"if a; then fi", "!at byte 11: no command before 'fi'"},
    {"if a then b fi", "!at byte 0: unterminated 'if'"},
    {"if a; then b", "!at byte 0: unterminated 'if'"},
    {"while a; do b", "!at byte 0: unterminated 'while'"},
    {"for x in a; c; done", "!at byte 12: expected 'do'"},
    {"for 1 in a; do b; done", "!at byte 0: 'for' needs a variable name"},
    {"case x esac", "!at byte 7: expected 'in' after 'case WORD'"},
    {"case x in a b) c;; esac",
     "!at byte 12: expected ')' or '|' after a case pattern"},
    {"[[ ]]", "!at byte 0: empty '[[ ]]'"},
    {"[[ a", "!at byte 0: unterminated '[['"},
    {"[[ a >> b ]]", "!at byte 5: redirection inside [[ ]] not supported"},
    {"[[ a ; ]]", "!at byte 5: unexpected ';'"},
    {"echo ${x@P}",
     "!at byte 5: ${...@P} is not supported: prompt expansion runs comma"
     "nd substitutions found in the value"},
    {"echo \"${x:-'a'}\"",
     "!at byte 11: single quotes inside a double-quoted ${...} are not s"
     "upported"},
    {"echo $[1+2]",
     "!at byte 5: $[...] arithmetic is not supported; write $((...))"},
    {"echo ${ ls; }", "!at byte 5: ${ command; } (bash 5.3) is not supported"},
    {"echo ${|x; }", "!at byte 5: ${ command; } (bash 5.3) is not supported"},
    {"echo ${}", "!at byte 5: bad substitution"},
    {"echo ${x y}", "!at byte 5: bad substitution"},
    {"echo ${#x:-y}", "!at byte 5: bad substitution"},
    {"echo $'\\0'", "!at byte 7: NUL byte in $'...'"},
    {"echo $'\\c@'", "!at byte 7: NUL byte in $'...'"},
    {"echo $'\\u0000'", "!at byte 7: NUL byte in $'...'"},
    {"echo $'\\ud800'", "!at byte 7: invalid code point in $'...'"},
    {"echo @(a|b)", "!at byte 6: unexpected '('"},
    {"!(a)",
     "!at byte 1: '!(' is an extended glob when extglob is on; write '! "
     "('"},
    {"echo \?(a)", "!at byte 5: extended glob patterns are not supported"},
    {"echo *(a)", "!at byte 5: extended glob patterns are not supported"},
    {"cat <<A $(echo\n)\nA\n",
     "!at byte 15: newline inside a substitution while a here-document o"
     "utside it waits for its body"},
    {"echo $(cat <<A)\nA\n",
     "!at byte 15: here-document without its body before the end of the "
     "substitution it is in"},
    {"function f", "!at byte 10: a function body must be a compound command"},
    {"function f x", "!at byte 11: a function body must be a compound command"},
    {"f() echo", "!at byte 4: a function body must be a compound command"},
    {"'f'() { a; }", "!at byte 3: a function name must be a plain word"},
    {"$x() { a; }", "!at byte 2: a function name must be a plain word"},
    {"echo a >", "!at byte 7: redirection '>' without a target"},
    {"echo (a)", "!at byte 5: '(' after a word that is not a function name"},
    {"echo a)", "!at byte 6: unexpected ')'"},
    {"a | ! b", "!at byte 4: unexpected '!'"},
    {"x=(a", "!at byte 2: unterminated array assignment"},
    {"x=(a;b)", "!at byte 4: unexpected ';'"},
    {"echo $(a", "!at byte 5: unterminated '$('"},
    {"`a`b`", "!at byte 4: unterminated backquote"},
    {"cat <(a", "!at byte 4: unterminated '<('"},
    {"echo \"$(a\"", "!at byte 9: unterminated double quote"},
    {"echo `a \\`b`", "!at byte 9: unterminated backquote"},
    {"echo ${x:-$(", "!at byte 10: unterminated '$('"},
    {"a && ||", "!at byte 5: unexpected '||'"},
    {"a > >", "!at byte 2: redirection '>' without a target"},
    {"declare -a x=(", "!at byte 13: unterminated array assignment"},
    {"for ((i", "!at byte 4: unterminated 'for (('"},
    {"((1", "!at byte 0: unterminated '(('"},
    {"echo ${x/", "!at byte 5: unterminated '${'"},
    {"[[ a =~ (b ]]", "!at byte 13: unterminated ( in a regular expression"},
};

TEST(shparse_errors)
{
	CHECK(run_cases(errors_cases, BH_ARRAY_SIZE(errors_cases)));
}
