/* SPDX-License-Identifier: MIT */
#include "confine/fsplan.h"

#include <string.h>

#include "core/util.h"

static struct bh_fsnode *node_new(const char *path, struct bh_fsnode *parent)
{
	struct bh_fsnode *n = bh_xcalloc(1, sizeof(*n));
	n->path = bh_xstrdup(path);
	const char *slash = strrchr(n->path, '/');
	n->name = (slash && slash[1]) ? slash + 1 : n->path + strlen(n->path);
	n->parent = parent;
	return n;
}

/* Finds or creates the child of parent whose path is `path`. */
static struct bh_fsnode *child_get(struct bh_fsnode *parent, const char *path)
{
	struct bh_fsnode **pp = &parent->children;
	for (; *pp; pp = &(*pp)->next) {
		int c = strcmp((*pp)->path, path);
		if (c == 0)
			return *pp;
		if (c > 0)
			break;
	}
	struct bh_fsnode *n = node_new(path, parent);
	n->next = *pp;
	*pp = n;
	return n;
}

static struct bh_fsnode *node_insert(struct bh_fsnode *root, const char *path)
{
	if (strcmp(path, "/") == 0)
		return root;
	struct bh_fsnode *cur = root;
	cleanup_free char *prefix = bh_xstrdup(path);
	/* Walk component by component: /a, /a/b, /a/b/c. */
	for (char *p = prefix + 1;; p++) {
		if (*p == '/' || *p == '\0') {
			char saved = *p;
			*p = '\0';
			cur = child_get(cur, prefix);
			*p = saved;
			if (saved == '\0')
				break;
		}
	}
	return cur;
}

static unsigned grant_access(enum bh_path_op op)
{
	switch (op) {
	case BH_PATH_READ:
		return BH_FS_R;
	case BH_PATH_WRITE:
		return BH_FS_R | BH_FS_W;
	case BH_PATH_EXEC:
		return BH_FS_R | BH_FS_X;
	default:
		return 0;
	}
}

static bool compute(struct bh_fsnode *n, unsigned inherited,
		    unsigned tmpfs_access)
{
	unsigned eff = n->grants ? n->grants : inherited;
	if (n->protect)
		eff &= ~BH_FS_W;
	if (n->tmpfs)
		eff = tmpfs_access;
	if (n->hide)
		eff = 0;
	n->eff = n->explicit_rule ? eff : inherited;
	bool below = false;
	for (struct bh_fsnode *c = n->children; c; c = c->next)
		below |= compute(c, n->eff, tmpfs_access);
	n->has_explicit_below = below;
	return below || n->explicit_rule;
}

struct bh_fsplan *bh_fsplan_build(const struct bh_path_rule *const *rules,
				  size_t n, unsigned tmpfs_access)
{
	struct bh_fsplan *plan = bh_xcalloc(1, sizeof(*plan));
	plan->root = node_new("/", NULL);
	for (size_t i = 0; i < n; i++) {
		const struct bh_path_rule *r = rules[i];
		struct bh_fsnode *node = node_insert(plan->root, r->path);
		node->explicit_rule = true;
		node->rules = bh_xrealloc(node->rules, (node->n_rules + 1) *
							   sizeof(*node->rules));
		node->rules[node->n_rules++] = r;
		switch (r->op) {
		case BH_PATH_HIDE:
			node->hide = true;
			break;
		case BH_PATH_PROTECT:
			node->protect = true;
			break;
		case BH_PATH_TMPFS:
			node->tmpfs = true;
			break;
		default:
			node->grants |= grant_access(r->op);
		}
	}
	compute(plan->root, 0, tmpfs_access);
	return plan;
}

static void node_free(struct bh_fsnode *n)
{
	while (n) {
		struct bh_fsnode *next = n->next;
		node_free(n->children);
		free(n->rules);
		free(n->path);
		free(n);
		n = next;
	}
}

void bh_fsplan_free(struct bh_fsplan *plan)
{
	if (!plan)
		return;
	node_free(plan->root);
	free(plan);
}

struct bh_fsnode *bh_fsplan_find(const struct bh_fsplan *plan,
				 const char *path)
{
	struct bh_fsnode *cur = plan->root;
	while (cur && strcmp(cur->path, path) != 0) {
		struct bh_fsnode *c = cur->children;
		while (c && !bh_path_is_under(path, c->path))
			c = c->next;
		cur = c;
	}
	return cur;
}

const char *bh_fs_access_str(unsigned a)
{
	static const char *const s[8] = {"---", "r--", "-w-", "rw-",
					 "--x", "r-x", "-wx", "rwx"};
	return s[a & 7];
}
