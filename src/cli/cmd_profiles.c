/* SPDX-License-Identifier: MIT */
/* bulkhead profiles [NAME]: list the built-in profiles, or print one. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "policy/policy.h"

static const char profiles_help[] =
	"usage: bulkhead profiles [NAME]\n"
	"\n"
	"Without NAME, list the built-in profiles; with NAME, print its text.\n"
	"Profiles are found by name among the built-ins, then in\n"
	"~/.config/bulkhead/profiles/NAME.profile, then as a path.\n";

int bh_cmd_profiles(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs(profiles_help, stdout);
		return 0;
	}
	if (argc > 2)
		return bh_cli_usage("profiles", "too many arguments");
	if (argc == 2) {
		const struct bh_builtin_profile *b = bh_builtin_find(argv[1]);
		if (!b) {
			fprintf(stderr, "bulkhead: no built-in profile '%s'\n",
				argv[1]);
			return 2;
		}
		fputs(b->text, stdout);
		return 0;
	}
	int w = 0;
	for (const struct bh_builtin_profile *b = bh_builtin_profiles();
	     b->name; b++)
		if ((int)strlen(b->name) > w)
			w = (int)strlen(b->name);
	for (const struct bh_builtin_profile *b = bh_builtin_profiles();
	     b->name; b++)
		printf("%-*s  %s\n", w, b->name, b->summary);
	return 0;
}
