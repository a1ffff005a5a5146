/* SPDX-License-Identifier: MIT */
/*
 * A change list shown to people (a summary with what apply would refuse,
 * and a unified diff with git's headers) and to programs (JSON).  Every
 * name and line came from the sandbox: all of it goes through
 * bh_ws_quote_path() or the diff's escaping before it reaches a terminal.
 */
#pragma once

#include <stdbool.h>

#include "core/strbuf.h"
#include "workspace/changes.h"

/* A side larger than this, or with more lines, is not diffed: "Large
 * files ... differ". */
#define BH_WS_DIFF_MAX_BYTES (8u << 20)
#define BH_WS_DIFF_MAX_LINES 200000
#define BH_WS_DIFF_CONTEXT 3

/* What the diff of one change amounts to. */
struct bh_ws_diffstat {
	size_t ins, del;
	bool binary, large;
	int error; /* errno reading a side, or 0 */
};

/* Computes the diffstat of ch, and its diff text (git-style, with
 * headers) into out when out is not NULL. */
void bh_ws_diff_change(const struct bh_ws_change *ch, int lower_fd,
		       int upper_fd, struct bh_strbuf *out,
		       struct bh_ws_diffstat *st);

/* One line per change ("M  src/a.c | 4 ++--", with notes and refusals),
 * then a line of totals.  `st` holds one diffstat per change. */
void bh_ws_render_summary(const struct bh_ws_changes *c,
			  const struct bh_ws_diffstat *st,
			  struct bh_strbuf *out);

/* {"changes": [...], "summary": {...}} as a json_t * (caller owns). */
void *bh_ws_render_json(const struct bh_ws_changes *c,
			const struct bh_ws_diffstat *st);
