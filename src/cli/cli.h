/* SPDX-License-Identifier: MIT */
/*
 * The command-line front end: one file per subcommand, each a thin layer over
 * the library.  Each bh_cmd_* gets argv starting at the subcommand name and
 * returns the process exit status (docs/exit-codes.md).
 */
#pragma once

#include "core/error.h"

int bh_cmd_run(int argc, char **argv);
int bh_cmd_explain(int argc, char **argv);
int bh_cmd_log(int argc, char **argv);
int bh_cmd_profiles(int argc, char **argv);
int bh_cmd_sessions(int argc, char **argv);
int bh_cmd_diff(int argc, char **argv);
int bh_cmd_apply(int argc, char **argv);
int bh_cmd_discard(int argc, char **argv);
int bh_cmd_proxy(int argc, char **argv);
int bh_cmd_inventory(int argc, char **argv);
int bh_cmd_inventory_scan(int argc, char **argv);
int bh_cmd_vm(int argc, char **argv);
int bh_cmd_check_cli(int argc, char **argv);
int bh_cmd_exec(int argc, char **argv);
int bh_cmd_hook(int argc, char **argv);
int bh_cmd_tiers(int argc, char **argv);
int bh_cmd_plan(int argc, char **argv);
int bh_cmd_gvisor_init(int argc, char **argv);

/* Prints "bulkhead: MSG" (and "  hint: HINT") to stderr and returns the
 * exit status for the error's kind.  Frees err. */
int bh_cli_fail(struct bh_error *err);

/* Flushes stdout; a failed write (a full disk, a closed pipe) is reported
 * as writing `what` and turned into the exit status (125), else 0. */
int bh_cli_finish_output(const char *what);

/* Prints a usage error for subcommand cmd and returns 2. */
__attribute__((format(printf, 2, 3))) int bh_cli_usage(const char *cmd,
							const char *fmt, ...);
