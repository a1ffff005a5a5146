/* SPDX-License-Identifier: MIT */
/* Phase timing for benchmarking a launch: with BULKHEAD_DEBUG_TIMING set in
 * bulkhead's own environment, each mark prints the milliseconds since the
 * first mark to stderr.  Costs one getenv() otherwise. */
#pragma once

void bh_tmark(const char *what);
