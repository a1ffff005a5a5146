/* SPDX-License-Identifier: MIT */
#include "workspace/render.h"

#include <errno.h>
#include <jansson.h>
#include <string.h>

#include "audit/audit.h"
#include "core/util.h"
#include "workspace/apply.h"
#include "workspace/textdiff.h"

static bool is_special(mode_t m)
{
	return m && !S_ISREG(m) && !S_ISDIR(m) && !S_ISLNK(m);
}

/* git's "100644": the type and permission bits, setuid/setgid included
 * (a symlink is 120000 whatever its bits). */
static unsigned git_mode(mode_t m)
{
	if (S_ISLNK(m))
		return 0120000;
	return (unsigned)(m & (S_IFMT | 07777));
}

/* The text of one side: a file's bytes, a symlink's target (as git shows
 * it, without a newline), or nothing.  *large when over the cap. */
static int read_side(int root, const char *path, mode_t mode,
		     const char *target, char **buf, size_t *len, bool *large)
{
	*buf = NULL;
	*len = 0;
	*large = false;
	if (S_ISLNK(mode)) {
		*buf = bh_xstrdup(target ? target : "");
		*len = strlen(*buf);
		return 0;
	}
	if (!S_ISREG(mode))
		return 0;
	int r = bh_ws_read_beneath(root, path, BH_WS_DIFF_MAX_BYTES, buf, len,
				   large);
	size_t lines = 0;
	for (const char *p = *buf;
	     r == 0 && p && (p = memchr(p, '\n', *len - (size_t)(p - *buf)));
	     p++)
		if (++lines > BH_WS_DIFF_MAX_LINES) {
			*large = true;
			break;
		}
	return r;
}

/* One side's diff block: from (old, or nothing) to (new, or nothing). */
static void diff_block(const struct bh_ws_change *ch, int lower_fd,
		       int upper_fd, bool with_old, bool with_new,
		       struct bh_strbuf *out, struct bh_ws_diffstat *st)
{
	mode_t om = with_old ? ch->old_mode : 0;
	mode_t nm = with_new ? ch->new_mode : 0;
	cleanup_free char *a = bh_ws_quote_path("a/", ch->path);
	cleanup_free char *b = bh_ws_quote_path("b/", ch->path);
	if (out) {
		bh_strbuf_printf(out, "diff --git %s %s\n", a, b);
		if (!om)
			bh_strbuf_printf(out, "new file mode %06o\n",
					 git_mode(nm));
		else if (!nm)
			bh_strbuf_printf(out, "deleted file mode %06o\n",
					 git_mode(om));
		else if (git_mode(om) != git_mode(nm))
			bh_strbuf_printf(out, "old mode %06o\nnew mode %06o\n",
					 git_mode(om), git_mode(nm));
	}
	if (om && nm && !ch->content)
		return; /* a mode change only */
	cleanup_free char *ta = NULL, *tb = NULL;
	size_t la = 0, lb = 0;
	bool big_a = false, big_b = false;
	int r = om ? read_side(lower_fd, ch->path, om, ch->old_target, &ta, &la,
			       &big_a)
		   : 0;
	if (r == 0 && nm)
		r = read_side(upper_fd, ch->path, nm, ch->new_target, &tb, &lb,
			      &big_b);
	const char *from = om ? a : "/dev/null", *to = nm ? b : "/dev/null";
	if (r < 0) {
		st->error = -r;
		if (out)
			bh_strbuf_printf(out, "(cannot read: %s)\n",
					 strerror(-r));
		return;
	}
	if (big_a || big_b) {
		st->large = true;
		if (out)
			bh_strbuf_printf(out,
					 "Large files %s and %s differ (over "
					 "%u MiB or %u lines; not shown)\n",
					 from, to, BH_WS_DIFF_MAX_BYTES >> 20,
					 BH_WS_DIFF_MAX_LINES);
		return;
	}
	if ((ta && bh_textdiff_is_binary(ta, la)) ||
	    (tb && bh_textdiff_is_binary(tb, lb))) {
		st->binary = true;
		if (out)
			bh_strbuf_printf(out, "Binary files %s and %s differ\n",
					 from, to);
		return;
	}
	/* As git: no ---/+++ lines when there is no hunk (an empty file). */
	struct bh_strbuf hunks = BH_STRBUF_INIT;
	struct bh_textdiff_stat ts;
	bh_textdiff_unified(ta ? ta : "", la, tb ? tb : "", lb,
			    BH_WS_DIFF_CONTEXT, out ? &hunks : NULL, &ts);
	if (out && hunks.len)
		bh_strbuf_printf(out, "--- %s\n+++ %s\n%s", from, to,
				 hunks.buf);
	bh_strbuf_release(&hunks);
	st->ins += ts.ins;
	st->del += ts.del;
}

void bh_ws_diff_change(const struct bh_ws_change *ch, int lower_fd,
		       int upper_fd, struct bh_strbuf *out,
		       struct bh_ws_diffstat *st)
{
	memset(st, 0, sizeof(*st));
	bool old_text = S_ISREG(ch->old_mode) || S_ISLNK(ch->old_mode);
	bool new_text = S_ISREG(ch->new_mode) || S_ISLNK(ch->new_mode);
	if (ch->error || ch->note)
		return; /* shown in the summary, nothing to compare */
	switch (ch->kind) {
	case BH_WS_ADDED:
		if (new_text)
			diff_block(ch, lower_fd, upper_fd, false, true, out,
				   st);
		break;
	case BH_WS_DELETED:
		if (old_text)
			diff_block(ch, lower_fd, upper_fd, true, false, out,
				   st);
		break;
	case BH_WS_MODIFIED:
		if (new_text)
			diff_block(ch, lower_fd, upper_fd, true, true, out, st);
		break;
	case BH_WS_RETYPED:
		/* As git shows it: the old one deleted, the new one added. */
		if (old_text)
			diff_block(ch, lower_fd, upper_fd, true, false, out,
				   st);
		if (new_text)
			diff_block(ch, lower_fd, upper_fd, false, true, out,
				   st);
		break;
	}
}

static char status_letter(const struct bh_ws_change *ch)
{
	static const char letters[] = {'A', 'D', 'M', 'T'};
	return letters[ch->kind];
}

static bool mode_changed(const struct bh_ws_change *ch)
{
	return ch->kind == BH_WS_MODIFIED && !S_ISLNK(ch->new_mode) &&
	       (ch->old_mode & 07777) != (ch->new_mode & 07777);
}

/* "+3 -1 ++++-", "Bin", "mode 0644 -> 0755", "symlink -> T", ... */
static void put_what(struct bh_strbuf *sb, const struct bh_ws_change *ch,
		     const struct bh_ws_diffstat *st)
{
	mode_t m = ch->kind == BH_WS_DELETED ? ch->old_mode : ch->new_mode;
	if (ch->kind == BH_WS_RETYPED)
		bh_strbuf_printf(sb, "%s -> %s", bh_ws_type_name(ch->old_mode),
				 bh_ws_type_name(ch->new_mode));
	else if (S_ISDIR(m))
		bh_strbuf_puts(sb, ch->opaque && ch->kind == BH_WS_MODIFIED
				       ? "directory replaced"
				       : "directory");
	else if (is_special(m))
		bh_strbuf_puts(sb, bh_ws_type_name(m));
	else if (S_ISLNK(m) && ch->kind == BH_WS_DELETED)
		bh_strbuf_puts(sb, "symlink");
	else if (S_ISLNK(m)) {
		cleanup_free char *t =
		    bh_ws_quote_path("", ch->new_target ? ch->new_target : "?");
		bh_strbuf_printf(sb, "symlink -> %s", t);
	} else if (st->binary)
		bh_strbuf_printf(sb, "Bin %lld -> %lld bytes",
				 ch->old_mode ? (long long)ch->old_size : 0LL,
				 ch->new_mode ? (long long)ch->new_size : 0LL);
	else if (st->large)
		bh_strbuf_puts(sb, "large, not diffed");
	else if (ch->content || ch->kind != BH_WS_MODIFIED) {
		bh_strbuf_printf(sb, "+%zu -%zu ", st->ins, st->del);
		size_t total = st->ins + st->del, width = 30;
		size_t plus = total <= width
				  ? st->ins
				  : (st->ins * width + total - 1) / total;
		size_t minus =
		    total <= width ? st->del : (st->del * width) / total;
		for (size_t i = 0; i < plus; i++)
			bh_strbuf_putc(sb, '+');
		for (size_t i = 0; i < minus; i++)
			bh_strbuf_putc(sb, '-');
	}
	if (mode_changed(ch))
		bh_strbuf_printf(sb, "%smode %04o -> %04o",
				 ch->content && S_ISREG(m) ? ", " : "",
				 (unsigned)(ch->old_mode & 07777),
				 (unsigned)(ch->new_mode & 07777));
}

/* The notes and refusals of a change, each "  [...]". */
static void put_flags(struct bh_strbuf *sb, const struct bh_ws_change *ch,
		      const struct bh_ws_diffstat *st)
{
	if (ch->implied)
		bh_strbuf_puts(sb, "  [inside a replaced directory]");
	if (S_ISREG(ch->new_mode) && ch->new_nlink > 1)
		bh_strbuf_printf(sb,
				 "  [hard link: %lu names; each applied as a "
				 "separate file]",
				 (unsigned long)ch->new_nlink);
	if (ch->note)
		bh_strbuf_printf(sb, "  [%s]", ch->note);
	if (ch->error || st->error)
		bh_strbuf_printf(sb, "  [%s]",
				 strerror(ch->error ? ch->error : st->error));
	for (unsigned bit = 1; bit; bit <<= 1) {
		if (!(ch->refuse & bit))
			continue;
		const char *opt = bh_ws_refusal_option(bit);
		const char *word = (bit & BH_WS_R_BLOCK) ? "blocks apply"
				   : opt		 ? "refused"
							 : "never applied";
		bh_strbuf_printf(sb, "  [%s: %s%s%s]", word,
				 bh_ws_refusal_text(bit), opt ? "; " : "",
				 opt ? opt : "");
	}
}

void bh_ws_render_summary(const struct bh_ws_changes *c,
			  const struct bh_ws_diffstat *st,
			  struct bh_strbuf *out)
{
	size_t width = 0;
	for (size_t i = 0; i < c->n; i++) {
		cleanup_free char *p = bh_ws_quote_path("", c->v[i].path);
		size_t w = strlen(p) + (S_ISDIR(c->v[i].new_mode) ? 1 : 0);
		if (w > width)
			width = w;
	}
	if (width > 50)
		width = 50;
	size_t kinds[4] = {0}, ins = 0, del = 0, bin = 0, modes = 0,
	       refused = 0;
	for (size_t i = 0; i < c->n; i++) {
		const struct bh_ws_change *ch = &c->v[i];
		cleanup_free char *p = bh_ws_quote_path("", ch->path);
		bool dir = S_ISDIR(ch->kind == BH_WS_DELETED ? ch->old_mode
							     : ch->new_mode);
		bh_strbuf_printf(
		    out, " %c %s%s%*s | ", status_letter(ch), p, dir ? "/" : "",
		    (int)(width > strlen(p) + dir ? width - strlen(p) - dir
						  : 0),
		    "");
		put_what(out, ch, &st[i]);
		put_flags(out, ch, &st[i]);
		bh_strbuf_putc(out, '\n');
		kinds[ch->kind]++;
		ins += st[i].ins;
		del += st[i].del;
		bin += st[i].binary;
		modes += mode_changed(ch);
		refused += (ch->refuse & (BH_WS_R_CONSENT | BH_WS_R_NEVER |
					  BH_WS_R_BLOCK)) != 0;
	}
	bh_strbuf_printf(
	    out,
	    " %zu change%s: %zu added, %zu deleted, %zu "
	    "modified, %zu type change%s; %zu insertion%s(+), "
	    "%zu deletion%s(-); %zu binary; %zu mode change%s",
	    c->n, c->n == 1 ? "" : "s", kinds[BH_WS_ADDED],
	    kinds[BH_WS_DELETED], kinds[BH_WS_MODIFIED], kinds[BH_WS_RETYPED],
	    kinds[BH_WS_RETYPED] == 1 ? "" : "s", ins, ins == 1 ? "" : "s", del,
	    del == 1 ? "" : "s", bin, modes, modes == 1 ? "" : "s");
	if (refused)
		bh_strbuf_printf(out, "; apply refuses %zu as it stands",
				 refused);
	bh_strbuf_putc(out, '\n');
}

static const char *kind_name(enum bh_ws_kind k)
{
	static const char *const names[] = {"added", "deleted", "modified",
					    "type-changed"};
	return names[k];
}

static json_t *mode_json(mode_t m)
{
	if (!m)
		return json_null();
	char buf[16];
	snprintf(buf, sizeof(buf), "%06o", git_mode(m));
	return json_string(buf);
}

static json_t *change_json(const struct bh_ws_change *ch,
			   const struct bh_ws_diffstat *st)
{
	json_t *o = json_pack(
	    "{s:o,s:s,s:s,s:s,s:o,s:o,s:b,s:b,s:b,s:I,s:I,s:b}", "path",
	    bh_audit_json_string(ch->path), "status", kind_name(ch->kind),
	    "type",
	    bh_ws_type_name(ch->kind == BH_WS_DELETED ? ch->old_mode
						      : ch->new_mode),
	    "old_type", bh_ws_type_name(ch->old_mode), "old_mode",
	    mode_json(ch->old_mode), "new_mode", mode_json(ch->new_mode),
	    "content_changed", (int)ch->content, "binary", (int)st->binary,
	    "large", (int)st->large, "insertions", (json_int_t)st->ins,
	    "deletions", (json_int_t)st->del, "opaque", (int)ch->opaque);
	if (bh_textdiff_needs_quoting(ch->path, strlen(ch->path))) {
		cleanup_free char *q = bh_ws_quote_path("", ch->path);
		json_object_set_new(o, "path_quoted", json_string(q));
	}
	if (ch->implied)
		json_object_set_new(o, "implied", json_true());
	if (ch->new_target && ch->kind != BH_WS_DELETED)
		json_object_set_new(o, "target",
				    bh_audit_json_string(ch->new_target));
	if (ch->old_target)
		json_object_set_new(o, "old_target",
				    bh_audit_json_string(ch->old_target));
	if (S_ISREG(ch->new_mode) && ch->new_nlink > 1)
		json_object_set_new(o, "hard_links",
				    json_integer((json_int_t)ch->new_nlink));
	if (ch->note)
		json_object_set_new(o, "note", json_string(ch->note));
	if (ch->error || st->error)
		json_object_set_new(
		    o, "error",
		    json_string(strerror(ch->error ? ch->error : st->error)));
	json_t *refused = json_array();
	for (unsigned bit = 1; bit; bit <<= 1) {
		if (!(ch->refuse & bit))
			continue;
		const char *opt = bh_ws_refusal_option(bit);
		json_array_append_new(
		    refused, json_pack("{s:s,s:s,s:s?}", "reason",
				       bh_ws_refusal_text(bit), "kind",
				       (bit & BH_WS_R_BLOCK)   ? "blocks"
				       : (bit & BH_WS_R_NEVER) ? "never"
							       : "consent",
				       "allowed_by", opt));
	}
	json_object_set_new(o, "refused", refused);
	return o;
}

void *bh_ws_render_json(const struct bh_ws_changes *c,
			const struct bh_ws_diffstat *st)
{
	json_t *arr = json_array();
	size_t kinds[4] = {0}, ins = 0, del = 0, bin = 0, refused = 0;
	for (size_t i = 0; i < c->n; i++) {
		json_array_append_new(arr, change_json(&c->v[i], &st[i]));
		kinds[c->v[i].kind]++;
		ins += st[i].ins;
		del += st[i].del;
		bin += st[i].binary;
		refused += c->v[i].refuse != 0;
	}
	return json_pack("{s:o,s:{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}}",
			 "changes", arr, "summary", "changes", (json_int_t)c->n,
			 "added", (json_int_t)kinds[BH_WS_ADDED], "deleted",
			 (json_int_t)kinds[BH_WS_DELETED], "modified",
			 (json_int_t)kinds[BH_WS_MODIFIED], "type_changed",
			 (json_int_t)kinds[BH_WS_RETYPED], "insertions",
			 (json_int_t)ins, "deletions", (json_int_t)del,
			 "binary", (json_int_t)bin, "refused",
			 (json_int_t)refused);
}
