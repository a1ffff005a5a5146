/* SPDX-License-Identifier: MIT */
/*
 * Built-in profiles (profiles/NAME.profile, embedded at build time by
 * tools/embed-profiles.sh) and the names of the policy's enumerations.
 */
#include <string.h>

#include "core/util.h"
#include "policy/policy.h"

extern const struct bh_builtin_profile bh_builtin_profile_table[];

const struct bh_builtin_profile *bh_builtin_profiles(void)
{
	return bh_builtin_profile_table;
}

const struct bh_builtin_profile *bh_builtin_find(const char *name)
{
	for (const struct bh_builtin_profile *b = bh_builtin_profile_table;
	     b->name; b++)
		if (strcmp(b->name, name) == 0)
			return b;
	return NULL;
}

static const char *const tier_names[] = {
    [BH_TIER_UNSET] = "unset",	       [BH_TIER_KERNEL] = "kernel",
    [BH_TIER_NAMESPACE] = "namespace", [BH_TIER_GVISOR] = "gvisor",
    [BH_TIER_MICROVM] = "microvm",     [BH_TIER_AUTO] = "auto",
};

const char *bh_tier_name(enum bh_tier_id t)
{
	return (unsigned)t < BH_ARRAY_SIZE(tier_names) ? tier_names[t] : "?";
}

enum bh_tier_id bh_tier_from_name(const char *name)
{
	for (size_t i = BH_TIER_KERNEL; i < BH_ARRAY_SIZE(tier_names); i++)
		if (strcmp(name, tier_names[i]) == 0)
			return (enum bh_tier_id)i;
	return BH_TIER_UNSET;
}

int bh_tier_strength(enum bh_tier_id t)
{
	switch (t) {
	case BH_TIER_KERNEL:
		return 1;
	case BH_TIER_NAMESPACE:
		return 2;
	case BH_TIER_GVISOR:
		return 3;
	case BH_TIER_MICROVM:
		return 4;
	default:
		return 0;
	}
}

const char *bh_path_op_name(enum bh_path_op op)
{
	static const char *const names[] = {
	    [BH_PATH_READ] = "read",	   [BH_PATH_WRITE] = "write",
	    [BH_PATH_EXEC] = "exec",	   [BH_PATH_HIDE] = "hide",
	    [BH_PATH_PROTECT] = "protect", [BH_PATH_TMPFS] = "tmpfs",
	};
	return (unsigned)op < BH_ARRAY_SIZE(names) ? names[op] : "?";
}

const char *bh_env_op_name(enum bh_env_op op)
{
	static const char *const names[] = {
	    [BH_ENV_KEEP] = "keep",
	    [BH_ENV_SET] = "set",
	    [BH_ENV_UNSET] = "unset",
	    [BH_ENV_ALLOW_UNSAFE] = "allow-unsafe",
	};
	return (unsigned)op < BH_ARRAY_SIZE(names) ? names[op] : "?";
}
