/* SPDX-License-Identifier: MIT */
/*
 * bulkhead plan: the threat-model questions (as flags, a file of NAME=VALUE
 * lines, or asked on the terminal), answered with the tier, a generated
 * profile and the reasoning (src/tier/plan.c).
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/util.h"
#include "policy/policy.h"
#include "tier/plan.h"
#include "tier/tier.h"

static const char plan_help[] =
	"usage: bulkhead plan [--source S] [--secrets S] [--data D] [--blast B]\n"
	"                     [--network N] [--ecosystem E] [--agent A]\n"
	"                     [--command-budget MS] [--session-budget MS]\n"
	"                     [--long-session] [--answers FILE] [--json]\n"
	"                     [-o PROFILE]\n"
	"\n"
	"Answers the threat-model questions with the tier this host should\n"
	"use, a profile, and the reasoning (each rejected tier's failure modes,\n"
	"docs/tiers.md).  Questions not given as flags or in --answers are asked\n"
	"on the terminal; without one, their defaults are taken and listed.\n"
	"\n"
	"  --source own|third-party|untrusted     who wrote what runs (default\n"
	"                                         untrusted)\n"
	"  --secrets none|scoped|broad            credentials inside (none)\n"
	"  --data public|internal|confidential    what the workspace holds\n"
	"                                         (internal)\n"
	"  --blast workspace|review               may writes land directly, or\n"
	"                                         only after review (workspace)\n"
	"  --network none|registries|apis         what must be reachable (none)\n"
	"  --ecosystem node|python|rust|go        the toolchain profile to build on\n"
	"  --agent claude-code|codex|gemini-cli|aider  the agent's profile\n"
	"  --command-budget MS                    start-up budget per command\n"
	"  --session-budget MS                    start-up budget per session\n"
	"  --long-session                         hours-long sessions\n"
	"  --answers FILE                         NAME=VALUE lines, same names\n"
	"  -o, --output FILE                      write the profile there\n"
	"  --json                                 the plan as JSON\n"
	"\n"
	"Exit status: 0; 2 usage error or an unknown answer.\n";

struct answer_state {
	struct bh_plan_answers a;
	bool given[8]; /* source secrets data blast network */
};

static const char *const asked[] = {"source", "secrets", "data", "blast",
				    "network"};
static const char *const questions[] = {
	"Where do the code and content that run come from?",
	"Which credentials are inside the sandbox?",
	"What does the workspace hold?",
	"May the agent's writes land in the workspace directly?",
	"What must be reachable over the network?",
};

/* The answer to asked[i], read and written as its choice's index. */
static int get_answer(const struct bh_plan_answers *a, size_t i)
{
	const int v[] = {a->source, a->secrets, a->data, a->blast, a->network};
	return v[i];
}

static void put_answer(struct bh_plan_answers *a, size_t i, int v)
{
	switch (i) {
	case 0:
		a->source = (enum bh_plan_source)v;
		break;
	case 1:
		a->secrets = (enum bh_plan_secrets)v;
		break;
	case 2:
		a->data = (enum bh_plan_data)v;
		break;
	case 3:
		a->blast = (enum bh_plan_blast)v;
		break;
	default:
		a->network = (enum bh_plan_network)v;
		break;
	}
}

static int set_answer(struct answer_state *st, const char *name,
		      const char *value, const char *where)
{
	for (size_t i = 0; i < BH_ARRAY_SIZE(asked); i++) {
		if (strcmp(name, asked[i]) != 0)
			continue;
		int v = bh_plan_parse(name, value);
		if (v < 0) {
			const char *const *c = bh_plan_choices(name);
			fprintf(stderr, "bulkhead plan: %s%s%s '%s' is not one "
					"of",
				where, where[0] ? ": " : "", name, value);
			for (; *c; c++)
				fprintf(stderr, " %s", *c);
			fputc('\n', stderr);
			return 2;
		}
		put_answer(&st->a, i, v);
		st->given[i] = true;
		return 0;
	}
	char *end;
	if (!strcmp(name, "ecosystem") || !strcmp(name, "agent")) {
		static const char *const eco[] = {"node", "python", "rust",
						  "go", NULL};
		static const char *const ag[] = {"claude-code", "codex",
						 "gemini-cli", "aider", NULL};
		const char *const *ok = name[0] == 'e' ? eco : ag;
		for (; *ok; ok++)
			if (!strcmp(*ok, value)) {
				if (name[0] == 'e')
					st->a.ecosystem = *ok;
				else
					st->a.agent = *ok;
				return 0;
			}
		fprintf(stderr, "bulkhead plan: %s%sunknown %s '%s'\n", where,
			where[0] ? ": " : "", name, value);
		return 2;
	}
	if (!strcmp(name, "command-budget") || !strcmp(name, "session-budget")) {
		errno = 0;
		unsigned long ms = strtoul(value, &end, 10);
		if (errno || *end || end == value || ms > 86400000UL) {
			fprintf(stderr, "bulkhead plan: %s%s%s wants "
					"milliseconds, not '%s'\n",
				where, where[0] ? ": " : "", name, value);
			return 2;
		}
		if (name[0] == 'c')
			st->a.cmd_budget_ms = (unsigned)ms;
		else
			st->a.session_budget_ms = (unsigned)ms;
		return 0;
	}
	if (!strcmp(name, "long-session")) {
		st->a.long_session = !strcmp(value, "yes") ||
				     !strcmp(value, "true") || !value[0];
		return 0;
	}
	fprintf(stderr, "bulkhead plan: %s%sunknown question '%s'\n", where,
		where[0] ? ": " : "", name);
	return 2;
}

static int read_answers(struct answer_state *st, const char *path)
{
	FILE *f = fopen(path, "re");
	if (!f) {
		fprintf(stderr, "bulkhead plan: %s: %s\n", path,
			strerror(errno));
		return 2;
	}
	char line[512];
	unsigned n = 0;
	int r = 0;
	while (!r && fgets(line, sizeof(line), f)) {
		n++;
		line[strcspn(line, "\r\n")] = '\0';
		char *s = line;
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		char where[600];
		snprintf(where, sizeof(where), "%s:%u", path, n);
		if (!eq) {
			fprintf(stderr, "bulkhead plan: %s: want NAME=VALUE\n",
				where);
			r = 2;
			break;
		}
		*eq = '\0';
		r = set_answer(st, s, eq + 1, where);
	}
	fclose(f);
	return r;
}

/* Asks the questions not answered yet, on the terminal. */
static void ask(struct answer_state *st)
{
	FILE *tty = fopen("/dev/tty", "r+e");
	if (!tty)
		return;
	for (size_t i = 0; i < BH_ARRAY_SIZE(asked); i++) {
		if (st->given[i])
			continue;
		const char *const *c = bh_plan_choices(asked[i]);
		for (;;) {
			fprintf(tty, "%s [", questions[i]);
			for (size_t k = 0; c[k]; k++)
				fprintf(tty, "%s%s", k ? "/" : "", c[k]);
			fprintf(tty, "] ");
			fflush(tty);
			char buf[64];
			if (!fgets(buf, sizeof(buf), tty))
				break;
			buf[strcspn(buf, "\r\n")] = '\0';
			if (!buf[0])
				break; /* the default */
			if (set_answer(st, asked[i], buf, "") == 0)
				break;
		}
	}
	fclose(tty);
}

int bh_cmd_plan(int argc, char **argv)
{
	static const struct option longs[] = {
		{"source", required_argument, NULL, 1},
		{"secrets", required_argument, NULL, 2},
		{"data", required_argument, NULL, 3},
		{"blast", required_argument, NULL, 4},
		{"network", required_argument, NULL, 5},
		{"ecosystem", required_argument, NULL, 6},
		{"agent", required_argument, NULL, 7},
		{"command-budget", required_argument, NULL, 8},
		{"session-budget", required_argument, NULL, 9},
		{"long-session", no_argument, NULL, 10},
		{"answers", required_argument, NULL, 11},
		{"json", no_argument, NULL, 12},
		{"output", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	};
	static const char *const names[] = {
		"",	     "source",	  "secrets",	    "data",
		"blast",     "network",	  "ecosystem",	    "agent",
		"command-budget", "session-budget", "long-session"};
	/* The defaults assume the worst about the code, nothing inside. */
	struct answer_state st = {.a = {.source = BH_SRC_UNTRUSTED,
					.data = BH_DATA_INTERNAL}};
	const char *answers = NULL, *output = NULL;
	bool json = false;
	optind = 1;
	opterr = 0;
	int c, r;
	while ((c = getopt_long(argc, argv, "o:h", longs, NULL)) != -1) {
		switch (c) {
		case 11:
			answers = optarg;
			break;
		case 12:
			json = true;
			break;
		case 'o':
			output = optarg;
			break;
		case 'h':
			fputs(plan_help, stdout);
			return 0;
		case 10:
			st.a.long_session = true;
			break;
		default:
			if (c >= 1 && c <= 9) {
				r = set_answer(&st, names[c], optarg, "");
				if (r)
					return r;
				break;
			}
			return bh_cli_usage("plan", "unknown option '%s'",
					    argv[optind - 1]);
		}
	}
	if (optind != argc)
		return bh_cli_usage("plan", "unexpected argument '%s'",
				    argv[optind]);
	/* Flags win over the file: read it into a copy, then re-apply. */
	if (answers) {
		struct answer_state flags = st;
		r = read_answers(&st, answers);
		if (r)
			return r;
		for (size_t i = 0; i < BH_ARRAY_SIZE(asked); i++)
			if (flags.given[i])
				put_answer(&st.a, i, get_answer(&flags.a, i));
	}
	if (isatty(0) && !json)
		ask(&st);

	struct bh_plan_host host = {0};
	for (int t = BH_TIER_KERNEL; t <= BH_TIER_MICROVM; t++) {
		const struct bh_tier_ops *ops = bh_tier_ops_get((enum bh_tier_id)t);
		char *why = NULL;
		host.available[t] = ops && ops->probe(&why) == 0;
		if (t == BH_TIER_MICROVM && host.available[t] && why &&
		    strstr(why, "emulat"))
			host.microvm_emulated = true;
		free(why);
	}
	struct bh_plan p;
	bh_plan_make(&st.a, &host, &p);
	if (output) {
		FILE *f = fopen(output, "wxe");
		if (!f) {
			fprintf(stderr, "bulkhead plan: %s: %s%s\n", output,
				strerror(errno),
				errno == EEXIST ? " (not overwritten)" : "");
			bh_plan_release(&p);
			return 2;
		}
		fputs(p.profile, f);
		if (fclose(f) != 0) {
			fprintf(stderr, "bulkhead plan: %s: %s\n", output,
				strerror(errno));
			bh_plan_release(&p);
			return 125;
		}
	}
	if (json) {
		json_t *o = json_object();
		json_object_set_new(o, "tier", json_string(bh_tier_name(p.tier)));
		json_object_set_new(o, "ideal", json_string(bh_tier_name(p.ideal)));
		json_t *rs = json_array();
		for (size_t i = 0; i < p.n_reasons; i++)
			json_array_append_new(rs, json_string(p.reasons[i]));
		json_object_set_new(o, "reasons", rs);
		json_object_set_new(o, "profile", json_string(p.profile));
		json_t *ans = json_object();
		for (size_t i = 0; i < BH_ARRAY_SIZE(asked); i++)
			json_object_set_new(
				ans, asked[i],
				json_string(bh_plan_choices(
					asked[i])[get_answer(&st.a, i)]));
		json_object_set_new(o, "answers", ans);
		json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(o);
	} else {
		printf("tier: %s", bh_tier_name(p.tier));
		if (p.ideal != p.tier)
			printf(" (the threat model calls for %s)",
			       bh_tier_name(p.ideal));
		printf("\n\nwhy:\n");
		for (size_t i = 0; i < p.n_reasons; i++)
			printf("  - %s\n", p.reasons[i]);
		printf("\nprofile%s%s%s:\n\n", output ? " (written to " : "",
		       output ? output : "", output ? ")" : "");
		fputs(p.profile, stdout);
	}
	bh_plan_release(&p);
	return bh_cli_finish_output("writing the plan");
}
