/* SPDX-License-Identifier: MIT */
#include <fnmatch.h>
#include <stdlib.h>

#include "test.h"

#define MAX_TESTS 4096
static const struct bh_test *tests[MAX_TESTS];
static size_t n_tests;

void bh_test_register(const struct bh_test *t)
{
	if (n_tests < MAX_TESTS)
		tests[n_tests++] = t;
}

static int by_name(const void *a, const void *b)
{
	const struct bh_test *x = *(const struct bh_test *const *)a;
	const struct bh_test *y = *(const struct bh_test *const *)b;
	int c = strcmp(x->file, y->file);
	return c ? c : strcmp(x->name, y->name);
}

int main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	size_t passed = 0, failed = 0;
	qsort(tests, n_tests, sizeof(tests[0]), by_name);
	for (size_t i = 0; i < n_tests; i++) {
		if (filter && fnmatch(filter, tests[i]->name, 0) != 0)
			continue;
		bool f = false;
		tests[i]->fn(&f);
		if (f) {
			fprintf(stderr, "FAIL %s (%s)\n", tests[i]->name,
				tests[i]->file);
			failed++;
		} else {
			passed++;
		}
	}
	printf("unit: %zu passed, %zu failed\n", passed, failed);
	return failed ? 1 : 0;
}
