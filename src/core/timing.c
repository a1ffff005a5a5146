/* SPDX-License-Identifier: MIT */
#include "core/timing.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

void bh_tmark(const char *what)
{
	static int on = -1;
	static double t0;
	struct timespec ts;
	if (on < 0)
		on = getenv("BULKHEAD_DEBUG_TIMING") != NULL;
	if (!on)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	double now = ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
	if (t0 == 0)
		t0 = now;
	fprintf(stderr, "bulkhead: timing: %-20s %.3f ms\n", what, now - t0);
}
