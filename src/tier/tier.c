/* SPDX-License-Identifier: MIT */
#include "tier/tier.h"

#include <errno.h>
#include <stdlib.h>

#include "core/util.h"
#include "net/egress.h"

extern const struct bh_tier_ops bh_tier_kernel;
extern const struct bh_tier_ops bh_tier_namespace;
extern const struct bh_tier_ops bh_tier_microvm;
extern const struct bh_tier_ops bh_tier_gvisor;

static const struct bh_tier_ops *const tiers[] = {
	&bh_tier_kernel,
	&bh_tier_namespace,
	&bh_tier_microvm,
	&bh_tier_gvisor,
};

const struct bh_tier_ops *bh_tier_ops_get(enum bh_tier_id id)
{
	for (size_t i = 0; i < BH_ARRAY_SIZE(tiers); i++)
		if (tiers[i]->id == id)
			return tiers[i];
	return NULL;
}

void bh_tier_sweep_all(const char *state_dir)
{
	for (size_t i = 0; i < BH_ARRAY_SIZE(tiers); i++)
		if (tiers[i]->sweep)
			tiers[i]->sweep(state_dir);
}

const struct bh_tier_ops *bh_tier_choose(enum bh_tier_id requested,
					 enum bh_tier_id minimum, char **note,
					 struct bh_error **err)
{
	*note = NULL;
	if (requested == BH_TIER_UNSET)
		requested = BH_TIER_AUTO;
	if (requested != BH_TIER_AUTO) {
		if (minimum != BH_TIER_UNSET &&
		    bh_tier_strength(requested) < bh_tier_strength(minimum)) {
			bh_error_set(err, BH_EK_SYSTEM, EPERM,
				     "tier %s is below the profile's min-tier "
				     "%s",
				     bh_tier_name(requested),
				     bh_tier_name(minimum));
			bh_error_hint(*err, "run with --tier %s or lower the "
					    "profile's min-tier",
				      bh_tier_name(minimum));
			return NULL;
		}
		const struct bh_tier_ops *ops = bh_tier_ops_get(requested);
		if (!ops) {
			bh_error_set(err, BH_EK_SYSTEM, ENOSYS,
				     "tier %s is not available in this build "
				     "of bulkhead",
				     bh_tier_name(requested));
			bh_error_hint(*err, "use --tier kernel; see `bulkhead "
					    "explain` for what it enforces");
			return NULL;
		}
		cleanup_free char *why = NULL;
		if (ops->probe(&why) != 0) {
			bh_error_set(err, BH_EK_SYSTEM, ENOTSUP,
				     "tier %s cannot run here: %s", ops->name,
				     why ? why : "probe failed");
			return NULL;
		}
		return ops;
	}

	/* auto: the strongest tier that works here, at least the minimum.
	 * Strength order: microvm > gvisor > namespace > kernel. */
	static const enum bh_tier_id order[] = {
		BH_TIER_MICROVM, BH_TIER_GVISOR, BH_TIER_NAMESPACE,
		BH_TIER_KERNEL};
	struct {
		char *s;
	} gave_up = {NULL};
	for (size_t i = 0; i < BH_ARRAY_SIZE(order); i++) {
		if (minimum != BH_TIER_UNSET &&
		    bh_tier_strength(order[i]) < bh_tier_strength(minimum))
			break;
		/* gvisor and microvm only when the minimum asks for them
		 * (DESIGN.md settled question 3). */
		if (bh_tier_strength(order[i]) >
			    bh_tier_strength(BH_TIER_NAMESPACE) &&
		    (minimum == BH_TIER_UNSET ||
		     bh_tier_strength(minimum) < bh_tier_strength(order[i])))
			continue;
		const struct bh_tier_ops *ops = bh_tier_ops_get(order[i]);
		char *why = NULL;
		int pr = ops ? ops->probe(&why) : -ENOSYS;
		if (ops && pr == 0) {
			/* A tier that runs may still say something about
			 * how (emulated, slow): not a refusal. */
			free(why);
			*note = gave_up.s;
			return ops;
		}
		if (!ops)
			why = bh_xstrdup("not in this build yet");
		else if (!why)
			why = bh_xstrdup("probe failed");
		char *prev = gave_up.s;
		gave_up.s = bh_xasprintf("%s%s%s: %s", prev ? prev : "",
					 prev ? "; " : "",
					 bh_tier_name(order[i]), why);
		free(prev);
		free(why);
	}
	bh_error_set(err, BH_EK_SYSTEM, ENOTSUP,
		     "no tier at least as strong as %s can run here (%s)",
		     bh_tier_name(minimum != BH_TIER_UNSET ? minimum
							   : BH_TIER_KERNEL),
		     gave_up.s ? gave_up.s : "none available");
	free(gave_up.s);
	return NULL;
}

const struct bh_path_rule **bh_session_path_rules(const struct bh_session *s,
						  size_t *n)
{
	const struct bh_policy *p = s->policy;
	*n = p->n_paths + s->n_implicit_paths;
	const struct bh_path_rule **rules = bh_xcalloc(*n, sizeof(*rules));
	for (size_t i = 0; i < p->n_paths; i++)
		rules[i] = &p->paths[i];
	for (size_t i = 0; i < s->n_implicit_paths; i++)
		rules[p->n_paths + i] = &s->implicit_paths[i];
	return rules;
}

int bh_session_proxy_unix(struct bh_session *s, const char *path, uid_t uid,
			  struct bh_error **err)
{
	int fd = bh_egress_listen_unix(path, uid, err);
	if (fd < 0)
		return fd;
	s->proxy_listen_fd = fd;
	if (!s->egress_ready || s->egress_ready(s, fd, s->egress_ctx) != 0)
		return bh_error_set(err, BH_EK_SYSTEM, ECONNREFUSED,
				    "the egress proxy did not start: not "
				    "launching without it");
	return 0;
}
