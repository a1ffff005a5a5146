/* SPDX-License-Identifier: MIT */
/*
 * Built-in knowledge of sed and awk: their scripts are programs, read
 * here well enough to find what runs a command or writes a file.
 *
 * What it defends against: sed's `e` command and s///e flag, `w`
 * files; awk's system(), pipes to and from commands, `print > FILE` and
 * @load (threats.md J.83).  It reads the script as the tools do for the
 * forms agents write; a script it cannot follow asks (sed) or is denied
 * (awk, whose programs can hide a call anywhere).
 */
#include <string.h>

#include "cmdpolicy/cmdint.h"
#include "core/strbuf.h"
#include "core/util.h"

/* sed. */

/* Skips a sed address (number, $, /re/, \cREc, first~step, +N) at *p. */
static bool sed_addr(const char **p)
{
	const char *s = *p;
	if (*s == '$') {
		s++;
	} else if (*s >= '0' && *s <= '9') {
		while ((*s >= '0' && *s <= '9') || *s == '~')
			s++;
	} else if (*s == '/' || *s == '\\') {
		char d = *s == '\\' ? s[1] : '/';
		if (!d || d == '\n' || d == '\\')
			return false;
		s += *s == '\\' ? 2 : 1;
		while (*s && *s != d) {
			if (*s == '\\' && s[1])
				s++;
			s++;
		}
		if (!*s)
			return false;
		s++;
		while (*s == 'I' || *s == 'M')
			s++;
	} else {
		return true;
	}
	*p = s;
	return true;
}

/* Skips one delimited part of s///: returns the byte after it, or NULL. */
static const char *sed_part(const char *s, char d)
{
	while (*s && *s != d) {
		if (*s == '\\' && s[1])
			s++;
		s++;
	}
	return *s ? s + 1 : NULL;
}

/* The file name after w/W/r: to the end of the line. */
static char *sed_filename(const char **p)
{
	const char *s = *p + strspn(*p, " \t");
	size_t n = strcspn(s, "\n");
	*p = s + n;
	return bh_xstrndup(s, n);
}

/*
 * Checks one sed script.  Denies the `e` command and the `e` flag of s
 * (both run shell commands); judges the files `w`, `W` and s///w write.
 * A script it cannot follow asks.
 */
static void sed_script(struct kctx *k, size_t arg, const char *s)
{
	const char *p = s;
	while (*p) {
		p += strspn(p, " \t\n;");
		if (!*p)
			break;
		if (!sed_addr(&p))
			goto unsure;
		if (*p == ',') {
			p++;
			if (*p == '+' || *p == '~')
				p++;
			if (!sed_addr(&p))
				goto unsure;
		}
		p += strspn(p, " \t");
		while (*p == '!')
			p++;
		p += strspn(p, " \t");
		char c = *p ? *p++ : '\0';
		switch (c) {
		case '\0':
		case '{':
		case '}':
		case '=':
		case 'd':
		case 'D':
		case 'g':
		case 'G':
		case 'h':
		case 'H':
		case 'l':
		case 'n':
		case 'N':
		case 'p':
		case 'P':
		case 'x':
		case 'z':
		case 'F':
		case 'q':
		case 'Q':
		case 'L':
			p += strspn(p, "0123456789 \t");
			break;
		case 'e':
			k_note(k, KN_DENY, true, arg, "builtin: sed e",
			       "the e command runs a shell command");
			return;
		case 'w':
		case 'W': {
			cleanup_free char *f = sed_filename(&p);
			k_write_path(k, arg, f);
			break;
		}
		case 'r':
		case 'R':
		case 'a':
		case 'i':
		case 'c':
		case 'b':
		case 't':
		case 'T':
		case ':':
		case 'v':
		case '#':
			p +=
			    strcspn(p, c == 'b' || c == 't' || c == 'T' ? ";\n}"
									: "\n");
			break;
		case 's':
		case 'y': {
			char d = *p;
			if (!d || d == '\n' || d == '\\')
				goto unsure;
			const char *q = sed_part(p + 1, d);
			q = q ? sed_part(q, d) : NULL;
			if (!q)
				goto unsure;
			p = q;
			while (c == 's' && *p && !strchr(";\n}", *p)) {
				if (*p == 'e') {
					k_note(k, KN_DENY, true, arg,
					       "builtin: sed s///e",
					       "the e flag runs the result as "
					       "a shell command");
					return;
				}
				if (*p == 'w') {
					p++;
					cleanup_free char *f = sed_filename(&p);
					k_write_path(k, arg, f);
					break;
				}
				p++;
			}
			break;
		}
		default:
			goto unsure;
		}
	}
	return;
unsure:
	k_note(k, KN_ASK, true, arg, "builtin: sed script",
	       "a sed script this check cannot follow");
}

static const char sed_opts_valued[] =
    "-e --expression -f --file -l --line-length";

void k_sed(struct kctx *k)
{
	struct kscan ks;
	bool script_opt = false, inplace = false, sandbox = false;
	k_note(k, KN_ALLOW, false, CMD_NONE, "builtin: read-only",
	       "edits a stream");
	SCANV(k, 1, sed_opts_valued, KS_DYNOPT, &ks);
	for (size_t i = 1; i < k->av->n; i++) {
		const char *s = k_s(k, i);
		if (strcmp(s, "--") == 0)
			break;
		if (k_optmatch(s, "--sandbox"))
			sandbox = true;
		if (k_optmatch(s, "--in-place") ||
		    (s[0] == '-' && s[1] != '-' && strchr(s, 'i') &&
		     strcspn(s, "efl") > (size_t)(strchr(s, 'i') - s)))
			inplace = true;
		bool e = strcmp(s, "-e") == 0 || k_optmatch(s, "--expression");
		bool f = strcmp(s, "-f") == 0 || k_optmatch(s, "--file");
		if (!e && !f && s[0] == '-' && s[1] != '-' && s[1] &&
		    strpbrk(s, "ef")) {
			/* -ne SCRIPT, -nf FILE: the last letter decides. */
			char last = s[strlen(s) - 1];
			e = last == 'e';
			f = last == 'f';
		}
		if (!e && !f)
			continue;
		script_opt = true;
		size_t v = strchr(s, '=') ? i : ++i;
		if (f)
			k_note(k, KN_ASK, true, v, "builtin: sed -f",
			       "reads its script from a file this check "
			       "cannot see");
		else if (!sandbox && k->av->a[v < k->av->n ? v : 0].s)
			sed_script(k, v,
				   strchr(s, '=') ? strchr(s, '=') + 1
						  : k_s(k, v));
		else if (!sandbox)
			k_note(k, KN_ASK, true, v, "builtin: sed script",
			       "a sed script computed at run time");
	}
	size_t first_file = 0;
	if (!script_opt && ks.n_pos > 0 && !sandbox) {
		size_t v = ks.pos[0];
		if (k->av->a[v].s)
			sed_script(k, v, k->av->a[v].s);
		else
			k_note(k, KN_ASK, true, v, "builtin: sed script",
			       "a sed script computed at run time");
	}
	if (!script_opt)
		first_file = 1;
	for (size_t i = first_file; inplace && i < ks.n_pos && i < 64; i++)
		k_write(k, ks.pos[i], 0);
}

/* awk. */

/*
 * Checks an awk program.  Denies system(), pipes to and from commands
 * (`print | "cmd"`, `"cmd" | getline`), output redirection to anything
 * but a plain file name it can judge, and gawk's @load.  Strings and
 * regular expressions are skipped; what it cannot follow it denies.
 */
static void awk_program(struct kctx *k, size_t arg, const char *s)
{
	bool in_print = false, regex_ok = true;
	int paren = 0;
	for (const char *p = s; *p; p++) {
		char c = *p;
		if (c == '"' || (c == '/' && regex_ok)) {
			for (p++; *p && *p != c; p++)
				if (*p == '\\' && p[1])
					p++;
			if (!*p)
				goto unsure;
			regex_ok = false;
			continue;
		}
		if (c == '#') {
			p += strcspn(p, "\n");
			if (!*p)
				break;
			continue;
		}
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    c == '_' || c == '@') {
			size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz"
					     "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
					     "0123456789_@");
			if ((n == 6 && strncmp(p, "system", 6) == 0) ||
			    (n == 5 && strncmp(p, "@load", 5) == 0))
				goto code;
			if ((n == 5 && strncmp(p, "print", 5) == 0) ||
			    (n == 6 && strncmp(p, "printf", 6) == 0)) {
				in_print = true;
				paren = 0;
			}
			p += n - 1;
			regex_ok = false;
			continue;
		}
		if (c == '|' && p[1] == '|') {
			p++;
			regex_ok = true;
			continue;
		}
		if (c == '|')
			goto code;
		if (c == '(')
			paren++;
		if (c == ')')
			paren--;
		if (c == '>' && in_print && paren <= 0) {
			const char *q = p + 1 + (p[1] == '>');
			q += strspn(q, " \t");
			const char *end = *q == '"' ? strchr(q + 1, '"') : NULL;
			if (!end || memchr(q + 1, '\\', (size_t)(end - q - 1)))
				goto writes;
			cleanup_free char *f =
			    bh_xstrndup(q + 1, (size_t)(end - q - 1));
			k_write_path(k, arg, f);
			p = end;
			continue;
		}
		if (c == ';' || c == '\n' || c == '{' || c == '}')
			in_print = false;
		if (c != ' ' && c != '\t')
			regex_ok = strchr("(,~!{};&|=\n+-*%<>?:", c) != NULL;
	}
	return;
code:
	k_note(k, KN_DENY, true, arg, "builtin: awk system",
	       "the awk program runs shell commands (system(), pipes, "
	       "@load)");
	return;
writes:
	k_note(k, KN_DENY, true, arg, "builtin: awk redirection",
	       "the awk program writes to a file this check cannot judge");
	return;
unsure:
	k_note(k, KN_DENY, true, arg, "builtin: awk program",
	       "an awk program this check cannot follow");
}

static const struct kopt awk_opts[] = {
    {"-f", KO_ARG | KO_ASK, "builtin: awk -f",
     "runs an awk program from a file this check cannot see", NULL},
    {"--file", KO_ARG | KO_ASK, "builtin: awk -f",
     "runs an awk program from a file this check cannot see", NULL},
    {"-E", KO_ARG | KO_ASK, "builtin: awk -f",
     "runs an awk program from a file this check cannot see", NULL},
    {"-i", KO_ARG | KO_ASK, "builtin: awk -i",
     "includes awk source from a file", NULL},
    {"-l", KO_ARG | KO_DENY, "builtin: awk -l", "loads a shared library", NULL},
    {"--load", KO_ARG | KO_DENY, "builtin: awk -l", "loads a shared library",
     NULL},
};
static const char awk_opts_valued[] =
    "-v --assign -F --field-separator -e --source";

void k_awk(struct kctx *k)
{
	struct kscan ks;
	bool prog_opt = false;
	k_note(k, KN_ALLOW, false, CMD_NONE, "builtin: read-only",
	       "processes text");
	SCAN(k, 1, awk_opts, awk_opts_valued, KS_POSIX, &ks);
	for (size_t i = 1; i < k->av->n; i++) {
		const char *s = k_s(k, i);
		if (strcmp(s, "--") == 0 ||
		    (s[0] != '-' && i > 1 && !k_optmatch(k_s(k, i - 1), "-v")))
			break;
		if (strcmp(s, "-e") == 0 || strcmp(s, "--source") == 0 ||
		    strcmp(s, "-f") == 0 || strcmp(s, "--file") == 0 ||
		    strcmp(s, "-E") == 0) {
			prog_opt = true;
			if (s[1] == 'e' || strcmp(s, "--source") == 0) {
				if (k->av->a[i + 1 < k->av->n ? i + 1 : i].s)
					awk_program(k, i + 1, k_s(k, i + 1));
				else
					k_note(k, KN_DENY, true, i + 1,
					       "builtin: awk program",
					       "an awk program computed at "
					       "run time");
			}
			i++;
		}
	}
	if (prog_opt)
		return;
	if (ks.n_pos == 0)
		return;
	size_t v = ks.pos[0];
	if (k->av->a[v].s)
		awk_program(k, v, k->av->a[v].s);
	else
		k_note(k, KN_DENY, true, v, "builtin: awk program",
		       "an awk program computed at run time");
}
