/* SPDX-License-Identifier: MIT */
/*
 * `bulkhead plan`: from the threat-model answers to a tier, a profile and
 * the reasoning.  Pure: the caller probes the tiers and passes which ones
 * can run here; everything else is a function of the answers.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "policy/policy.h"

enum bh_plan_source {
	BH_SRC_OWN = 0,	  /* code and content you wrote or reviewed */
	BH_SRC_THIRD,	  /* third-party packages and repositories */
	BH_SRC_UNTRUSTED, /* anything: issues, web pages, prompt-injectable */
};
enum bh_plan_secrets {
	BH_SEC_NONE = 0, /* no credential inside */
	BH_SEC_SCOPED,	 /* a short-lived or narrowly scoped token */
	BH_SEC_BROAD,	 /* long-lived keys, cloud or VCS push credentials */
};
enum bh_plan_data {
	BH_DATA_PUBLIC = 0,
	BH_DATA_INTERNAL,
	BH_DATA_CONFIDENTIAL,
};
enum bh_plan_blast {
	BH_BLAST_WORKSPACE = 0, /* the workspace may be changed directly */
	BH_BLAST_REVIEW,	/* nothing lands without review */
};
enum bh_plan_network {
	BH_NET_NONE = 0,
	BH_NET_REGISTRIES, /* package registries */
	BH_NET_APIS,	   /* registries and the agent's model API */
};

struct bh_plan_answers {
	enum bh_plan_source source;
	enum bh_plan_secrets secrets;
	enum bh_plan_data data;
	enum bh_plan_blast blast;
	enum bh_plan_network network;
	const char *ecosystem; /* "node", "python", "rust", "go" or NULL */
	const char *agent;     /* "claude-code", "codex", ... or NULL */
	unsigned cmd_budget_ms;	    /* start-up budget per command; 0: none */
	unsigned session_budget_ms; /* per session; 0: none */
	bool long_session;	    /* hours, many commands */
};

/* What the caller found on this host, per tier (index enum bh_tier_id). */
struct bh_plan_host {
	bool available[BH_TIER_AUTO];
	bool microvm_emulated; /* no usable KVM: about 8 s a boot */
};

struct bh_plan {
	enum bh_tier_id tier;	  /* recommended, available here */
	enum bh_tier_id ideal;	  /* what the threat model calls for */
	enum bh_tier_id min_tier; /* written into the profile */
	char *profile;		  /* the generated profile's text */
	char **reasons;		  /* one line each, in order */
	size_t n_reasons;
};

/* Fills *out; caller releases with bh_plan_release(). */
void bh_plan_make(const struct bh_plan_answers *a,
		  const struct bh_plan_host *h, struct bh_plan *out);
void bh_plan_release(struct bh_plan *p);

/* The names accepted for each answer ("own", "third-party", ...), and back;
 * -1 for an unknown name.  `what` is "source", "secrets", "data", "blast"
 * or "network". */
int bh_plan_parse(const char *what, const char *value);
const char *const *bh_plan_choices(const char *what);
