/* SPDX-License-Identifier: MIT */
/*
 * docs/credential-locations.md is the catalog, rendered: below its marker
 * line it must be exactly what render() makes of src/inventory/catalog.c,
 * so that the documentation cannot drift from the table.  Above the marker
 * is prose, kept as written.  BH_CRED_DOC_UPDATE=1 rewrites the part below
 * the marker (tools/gen-cred-doc.sh does that); review the diff before
 * committing.  The file is $BH_CRED_DOC, or docs/credential-locations.md
 * from the top of the tree, where make runs the tests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fsutil.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "inventory/catalog.h"
#include "test.h"

static const char marker[] =
    "<!-- Generated from src/inventory/catalog.c by tools/gen-cred-doc.sh: "
    "edit the table there, not below. -->\n";

/* Markdown-safe text: backtick spans as they are, and outside them the
 * characters Markdown would read as markup escaped. */
static void put_text(struct bh_strbuf *sb, const char *s)
{
	bool code = false;
	for (; *s; s++) {
		if (*s == '`')
			code = !code;
		else if (!code && strchr("\\*~<>[]|", *s))
			bh_strbuf_putc(sb, '\\');
		bh_strbuf_putc(sb, *s);
	}
}

static const char *base_prefix(enum bh_inv_base b)
{
	switch (b) {
	case BH_INV_HOME:
		return "~/";
	case BH_INV_XDG_CONFIG:
		return "~/.config/";
	case BH_INV_XDG_DATA:
		return "~/.local/share/";
	case BH_INV_XDG_CACHE:
		return "~/.cache/";
	case BH_INV_RUNTIME:
		return "$XDG_RUNTIME_DIR/";
	case BH_INV_ABS:
		break;
	}
	return "";
}

static const char *kind_name(const struct bh_cred_location *l)
{
	switch (l->kind) {
	case BH_INV_FILE:
		return l->holds ? "file (content)" : "file";
	case BH_INV_DIR:
		return l->holds ? "files below (content)" : "files below";
	case BH_INV_TREE:
		return "directory";
	case BH_INV_SOCKET:
		return "socket";
	}
	return "?";
}

static void render(struct bh_strbuf *sb)
{
	size_t n;
	const struct bh_cred_location *t = bh_cred_locations(&n);
	bh_strbuf_printf(sb, "\n## Files, directories and sockets (%zu)\n\n",
			 n);
	bh_strbuf_puts(sb, "| Tool | Location | Kind | What | Severity | "
			   "Rule |\n|---|---|---|---|---|---|\n");
	for (size_t i = 0; i < n; i++) {
		bh_strbuf_puts(sb, "| ");
		put_text(sb, t[i].tool);
		bh_strbuf_printf(sb, " | `%s%s` | %s | ",
				 base_prefix(t[i].base), t[i].path,
				 kind_name(&t[i]));
		put_text(sb, t[i].what);
		bh_strbuf_printf(sb, " | %s | `%s` |\n",
				 bh_severity_name(t[i].severity), t[i].id);
	}
	bh_strbuf_puts(sb, "\n## What to do, rule by rule\n\n");
	for (size_t i = 0; i < n; i++) {
		bh_strbuf_printf(sb, "- `%s`: ", t[i].id);
		put_text(sb, t[i].hint);
		bh_strbuf_puts(sb, "\n");
	}
	const struct bh_cred_envvar *v = bh_cred_envvars(&n);
	bh_strbuf_printf(sb, "\n## Environment variables (%zu)\n\n", n);
	bh_strbuf_puts(sb, "| Variable | Tool | Severity | What to do |\n"
			   "|---|---|---|---|\n");
	for (size_t i = 0; i < n; i++) {
		bh_strbuf_printf(sb, "| `%s` | ", v[i].name);
		put_text(sb, v[i].tool);
		bh_strbuf_printf(sb, " | %s | ",
				 bh_severity_name(v[i].severity));
		put_text(sb, v[i].hint);
		bh_strbuf_puts(sb, " |\n");
	}
}

TEST(inventory_doc_matches_table)
{
	const char *path = getenv("BH_CRED_DOC");
	const char *update = getenv("BH_CRED_DOC_UPDATE");
	if (!path || !path[0])
		path = "docs/credential-locations.md";
	cleanup_free char *doc = NULL;
	if (bh_read_file(path, 1 << 20, &doc, NULL, NULL) != 0) {
		fprintf(stderr,
			"  cannot read %s (run from the top of the "
			"tree, or set BH_CRED_DOC)\n",
			path);
		CHECK(false);
		return;
	}
	char *at = strstr(doc, marker);
	if (!at) {
		fprintf(stderr, "  %s has no generated-part marker\n", path);
		CHECK(false);
		return;
	}
	struct bh_strbuf want = BH_STRBUF_INIT;
	bh_strbuf_append(&want, doc, (size_t)(at - doc) + strlen(marker));
	render(&want);
	if (update && !strcmp(update, "1")) {
		FILE *f = fopen(path, "wb");
		CHECK(f && fwrite(want.buf, 1, want.len, f) == want.len);
		CHECK(f && fclose(f) == 0);
		printf("inventory: wrote %s\n", path);
	} else if (strcmp(doc, want.buf) != 0) {
		fprintf(stderr,
			"  %s differs from the catalog: run "
			"tools/gen-cred-doc.sh\n",
			path);
		CHECK(false);
	}
	bh_strbuf_release(&want);
}
