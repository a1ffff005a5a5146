/* SPDX-License-Identifier: MIT */
/*
 * bench/check.sh's in-process half: the latency of bh_cmd_check() (parse,
 * then decide every simple command) per command line of a file, under the
 * built-in default profile.  Each line is decided ROUNDS times; prints the
 * median and 99th percentile over all lines, and the slowest line's median.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmdpolicy/cmdrules.h"
#include "policy/policy.h"

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: check_latency FILE ROUNDS\n");
		return 2;
	}
	int rounds = atoi(argv[2]);
	struct bh_policy_vars vars = {"/ws", "/home/u", "/tmp/x"};
	struct bh_policy *p = NULL;
	struct bh_cmd_policy *cp = NULL;
	struct bh_error *err = NULL;
	if (bh_policy_load("default", &vars, NULL, &p, &err) ||
	    bh_cmd_policy_new(p, "/ws", &cp, &err)) {
		fprintf(stderr, "check_latency: %s\n", err->msg);
		return 1;
	}
	FILE *f = fopen(argv[1], "r");
	if (!f)
		return 1;
	char line[8192];
	size_t n = 0, cap = 1024, lines = 0;
	double *all = malloc(cap * sizeof(double));
	double *per = malloc((size_t)rounds * sizeof(double));
	double worst = 0;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		lines++;
		for (int r = 0; r < rounds; r++) {
			struct bh_cmd_verdict v = {0};
			double t0 = now_us();
			bh_cmd_check(cp, line, strlen(line), "/ws", &v, &err);
			per[r] = now_us() - t0;
			bh_cmd_verdict_release(&v);
			if (n == cap)
				all = realloc(all, (cap *= 2) * sizeof(double));
			all[n++] = per[r];
		}
		qsort(per, (size_t)rounds, sizeof(double), cmp);
		if (per[rounds / 2] > worst)
			worst = per[rounds / 2];
	}
	fclose(f);
	qsort(all, n, sizeof(double), cmp);
	printf("%zu %d %.1f %.1f %.1f\n", lines, rounds, all[n / 2],
	       all[n * 99 / 100], worst);
	free(all);
	free(per);
	bh_cmd_policy_free(cp);
	bh_policy_free(p);
	return 0;
}
