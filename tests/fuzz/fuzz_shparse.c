/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the shell parser.  Checks: a refusal is -EINVAL or
 * -E2BIG with "at byte N: ..." and N within the input; a tree has every
 * node's start <= end <= len, at most BH_SH_MAX_NODES nodes, words whose
 * is_static and lit agree with their parts, literal parts without NUL,
 * every substitution a part points at owned by that node's `subs` (so
 * nothing is freed twice or leaked); the walker visits exactly the SIMPLE
 * nodes; the dump succeeds and a second parse dumps the same.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdpolicy/shparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_word(const struct bh_sh_word *w,
		       const struct bh_sh_node *owner)
{
	if (!w)
		return;
	bool all_lit = true;
	size_t lit_len = 0;
	for (size_t i = 0; i < w->n_parts; i++) {
		const struct bh_sh_part *p = &w->parts[i];
		if (p->kind != BH_SHP_LIT)
			all_lit = false;
		else
			lit_len += p->len;
		if (p->text && strlen(p->text) != p->len)
			abort(); /* NUL inside a part */
		if (p->sub) {
			bool owned = false;
			for (size_t j = 0; j < owner->n_subs; j++)
				owned = owned || owner->subs[j] == p->sub;
			if (!owned)
				abort();
		}
	}
	if (all_lit != w->is_static || !w->raw)
		abort();
	if (w->is_static && (!w->lit || strlen(w->lit) != lit_len))
		abort();
	if (!w->is_static && w->lit)
		abort();
}

static void check_node(const struct bh_sh_node *n, size_t len)
{
	if (n->start > n->end || n->end > len)
		abort();
	for (size_t i = 0; i < n->n_words; i++)
		check_word(n->words[i], n);
	for (size_t i = 0; i < n->n_assigns; i++) {
		if (!n->assigns[i].name || !n->assigns[i].name[0])
			abort();
		check_word(n->assigns[i].value, n);
		for (size_t j = 0; j < n->assigns[i].n_elems; j++)
			check_word(n->assigns[i].elems[j], n);
	}
	for (size_t i = 0; i < n->n_redirs; i++) {
		if (!n->redirs[i].target)
			abort();
		check_word(n->redirs[i].target, n);
		check_word(n->redirs[i].body, n);
		if (n->redirs[i].op == BH_SHR_HEREDOC && !n->redirs[i].body)
			abort();
	}
}

/* Every node once (iteratively: && chains are deep); returns how many
 * are SIMPLE. */
static size_t check_tree(const struct bh_sh_node *root, size_t len)
{
	const struct bh_sh_node **st = malloc(sizeof(*st));
	size_t n = 0, cap = 1, seen = 0, simple = 0;
	st[n++] = root;
	while (n > 0) {
		const struct bh_sh_node *x = st[--n];
		if (++seen > BH_SH_MAX_NODES)
			abort();
		check_node(x, len);
		simple += x->kind == BH_SHN_SIMPLE;
		size_t need = n + x->n_kids + x->n_subs;
		if (need > cap) {
			cap = need * 2;
			st = realloc(st, cap * sizeof(*st));
			if (!st)
				abort();
		}
		for (size_t i = 0; i < x->n_kids; i++)
			st[n++] = x->kids[i];
		for (size_t i = 0; i < x->n_subs; i++)
			st[n++] = x->subs[i];
	}
	free(st);
	return simple;
}

static int count(void *ctx, const struct bh_sh_node *n)
{
	if (n->kind != BH_SHN_SIMPLE)
		abort();
	(*(size_t *)ctx)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *src = (const char *)data;
	struct bh_sh_node *root = NULL;
	struct bh_error *err = NULL;
	int rc = bh_sh_parse(src, size, &root, &err);
	if (rc != 0) {
		size_t at;
		if ((rc != -EINVAL && rc != -E2BIG) || root || !err ||
		    sscanf(err->msg, "at byte %zu: ", &at) != 1 || at > size)
			abort();
		bh_error_free(err);
		return 0;
	}
	if (!root || err || root->kind != BH_SHN_LIST)
		abort();
	size_t simple = check_tree(root, size), walked = 0;
	if (bh_sh_walk_simple(root, count, &walked) != 0 || walked != simple)
		abort();
	char *dump = bh_sh_dump(root);
	struct bh_sh_node *again = NULL;
	if (!dump || bh_sh_parse(src, size, &again, NULL) != 0)
		abort();
	char *dump2 = bh_sh_dump(again);
	if (strcmp(dump, dump2) != 0)
		abort();
	free(dump);
	free(dump2);
	bh_sh_free(again);
	bh_sh_free(root);
	return 0;
}
