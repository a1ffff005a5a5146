/* SPDX-License-Identifier: MIT */
/*
 * The credential inventory: every credential a process could reach from
 * where the scan runs.  `bulkhead inventory` runs the scan twice, inside a
 * sandbox built from the profile (what an agent would really see) and
 * outside as the invoking user (what exists), and merges the two: a finding
 * seen inside is *exposed*, one seen only outside is *contained*.
 *
 * Never leaks what it finds: a finding holds a rule id, a place, a line and
 * a keyed fingerprint (HMAC-SHA256 with the per-user key, 12 hex digits),
 * never the secret's bytes; buffers that held file contents are wiped.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "core/error.h"
#include "inventory/catalog.h"
#include "secrets/secrets.h"

enum bh_inv_fkind {
	BH_INVF_ENV = 0, /* an environment variable */
	BH_INVF_FILE,	 /* a known credential file or directory */
	BH_INVF_CONTENT, /* a secret inside a readable file */
	BH_INVF_SOCKET,	 /* a connectable agent/daemon socket */
	BH_INVF_NETWORK, /* a network destination the policy lets through */
	BH_INVF_FD,	 /* an inherited file descriptor */
	BH_INVF_MOUNT,	 /* a mount point that carries a credential place */
	BH_INVF__COUNT,
};
const char *bh_inv_fkind_name(enum bh_inv_fkind k);

enum bh_inv_status {
	BH_INV_EXPOSED = 0, /* visible inside the sandbox */
	BH_INV_CONTAINED,   /* exists on the host, hidden by the profile */
	BH_INV_SUPPRESSED,  /* exposed, but in the baseline */
};

struct bh_inv_finding {
	char *rule; /* catalog id or secret-rule id */
	enum bh_inv_fkind kind;
	int severity;	/* enum bh_inv_severity */
	char *location; /* a path, "env:NAME", "fd:N", "net:ADDR" */
	unsigned line;	/* 1-based; 0 when not a line */
	char fp[13];	/* keyed fingerprint, 12 hex digits */
	char *tool;	/* "AWS CLI"; may be NULL */
	char *what;	/* words for humans */
	char *hint;	/* the fix; may be NULL */
	enum bh_inv_status status;
};

struct bh_inv_findings {
	struct bh_inv_finding *v;
	size_t n, cap;
	/* What the scan covered. */
	size_t files, bytes, skipped; /* skipped: binary, too big, unreadable */
	bool truncated;		      /* a bound (files, bytes) was reached */
};

void bh_inv_findings_release(struct bh_inv_findings *f);
/* Frees one finding's strings (not the struct). */
void bh_inv_finding_release(struct bh_inv_finding *f);
/* A place as findings spell it: control bytes, invalid UTF-8 and '\\' as
 * \xNN.  Caller frees. */
char *bh_inv_place(const char *s);

/* Appends a copy of *x (strings duplicated). */
void bh_inv_findings_add(struct bh_inv_findings *f,
			 const struct bh_inv_finding *x);

/* What and where to scan.  The paths are the host's (the sandbox shows
 * host paths at the same places). */
struct bh_inv_scan_opts {
	const char *home;      /* the invoking user's HOME */
	const char *workspace; /* may be NULL */
	const char *xdg_config, *xdg_data, *xdg_cache,
	    *runtime; /* may be NULL */
	uid_t uid;    /* for "%u" in catalog paths */
	/* Socket paths to try besides the catalog's (SSH_AUTH_SOCK of the
	 * host, sockets found outside); a leading '@' is an abstract name. */
	char *const *sockets;
	size_t n_sockets;
	bool env;    /* check this process's environment */
	bool fds;    /* list inherited descriptors above 2 */
	bool mounts; /* read /proc/self/mountinfo */
	/* Bounds: 0 takes the default (docs/inventory.md). */
	size_t max_files, max_bytes, max_file_size;
	unsigned max_depth;
	const struct bh_secrets *secrets;
	const unsigned char *key; /* 32 bytes, for fingerprints */
	/* Called now and then with the number of files scanned so far. */
	void (*progress)(void *ctx, size_t files);
	void *progress_ctx;
};

#define BH_INV_MAX_FILES 20000
#define BH_INV_MAX_BYTES ((size_t)256 << 20)
#define BH_INV_MAX_FILE_SIZE ((size_t)1 << 20)
#define BH_INV_MAX_DEPTH 6

/* Scans from this process's point of view: environment, catalog places,
 * secrets in readable files, sockets, descriptors, mounts.  Unreadable
 * places are simply not findings.  Fails only on bad options. */
int bh_inv_scan(const struct bh_inv_scan_opts *o, struct bh_inv_findings *out,
		struct bh_error **err);

/* The sockets worth trying: the catalog's sockets as they exist here,
 * expanded (globs resolved, abstract X11 names added).  For handing the
 * outside view to the inside scan.  Caller frees with bh_strv_free(). */
char **bh_inv_socket_candidates(const struct bh_inv_scan_opts *o, size_t *n);

/* ---- merging and reporting (report.c; pure) ---------------------------- */

/* Merges the two passes into `out`: every inside finding exposed, every
 * outside finding not also inside (same rule, kind, location and
 * fingerprint) contained.  Sorted: exposed first, by severity, then place. */
void bh_inv_merge(const struct bh_inv_findings *inside,
		  const struct bh_inv_findings *outside,
		  struct bh_inv_findings *out);

/* Sorts: exposed, suppressed, contained; by severity, then place. */
void bh_inv_sort(struct bh_inv_findings *f);

/* A baseline: fingerprints of findings to suppress. */
struct bh_inv_baseline {
	char **fps; /* "RULE:FP", "FP", or "RULE:FP\tLOCATION" */
	size_t n;
};
/* Reads FILE: an earlier `inventory --json` output (each finding is
 * suppressed at its own place only: the same secret in a new file is a new
 * finding), or one "RULE:FP" or bare fingerprint per line, suppressed
 * wherever it appears ('#' comments). */
int bh_inv_baseline_load(const char *path, struct bh_inv_baseline *b,
			 struct bh_error **err);
void bh_inv_baseline_release(struct bh_inv_baseline *b);
/* Marks exposed findings found in b as suppressed; returns how many. */
size_t bh_inv_baseline_apply(const struct bh_inv_baseline *b,
			     struct bh_inv_findings *f);

struct bh_inv_meta {
	const char *profile, *tier, *home, *workspace;
	long uid;
	const char *inside_uid; /* who the scan ran as inside, in words */
	size_t inside_files, outside_files;
	bool inside_truncated, outside_truncated;
	const char *const *notes; /* degraded rules, tier notes; may be NULL */
	size_t n_notes;
};

/* One finding as a JSON object, and back (the inside scanner's wire
 * format is the public schema's finding object).  Returns NULL / -EINVAL
 * on malformed input. */
struct json_t;
struct json_t *bh_inv_finding_to_json(const struct bh_inv_finding *f);
int bh_inv_finding_from_json(const struct json_t *j, struct bh_inv_finding *f);

/* The outputs (docs/inventory.md has the JSON schema). */
int bh_inv_write_json(FILE *out, const struct bh_inv_meta *m,
		      const struct bh_inv_findings *f);
int bh_inv_write_sarif(FILE *out, const struct bh_inv_meta *m,
		       const struct bh_inv_findings *f);
void bh_inv_write_text(FILE *out, const struct bh_inv_meta *m,
		       const struct bh_inv_findings *f, bool color);

/* The highest severity among exposed, unsuppressed findings; 0 if none. */
int bh_inv_worst_exposed(const struct bh_inv_findings *f);
