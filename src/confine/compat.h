/* SPDX-License-Identifier: MIT */
/*
 * Kernel UAPI newer than Debian 12's headers (linux-libc-dev 6.1 stops at
 * Landlock ABI 2).  Everything the kernel added later is defined here, once,
 * under our own names, so no file includes <linux/landlock.h> and the build
 * does not depend on the headers' age.  Values are from the kernel's
 * include/uapi/linux/landlock.h.
 */
#pragma once

#include <stdint.h>
#include <sys/syscall.h>

#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#define __NR_landlock_add_rule 445
#define __NR_landlock_restrict_self 446
#endif
#ifndef __NR_close_range
#define __NR_close_range 436
#endif
#ifndef __NR_openat2
#define __NR_openat2 437
#endif

/* struct landlock_ruleset_attr, ABI 6 layout (the kernel accepts a shorter
 * struct from older ABIs; we always pass the size the ABI knows). */
struct bh_ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net; /* ABI 4 */
	uint64_t scoped;             /* ABI 6 */
};

struct bh_ll_path_beneath_attr {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

struct bh_ll_net_port_attr {
	uint64_t allowed_access;
	uint64_t port;
};

#define BH_LL_CREATE_RULESET_VERSION (1U << 0)
#define BH_LL_CREATE_RULESET_ERRATA (1U << 1)

#define BH_LL_RULE_PATH_BENEATH 1
#define BH_LL_RULE_NET_PORT 2

#define BH_LL_FS_EXECUTE (1ULL << 0)
#define BH_LL_FS_WRITE_FILE (1ULL << 1)
#define BH_LL_FS_READ_FILE (1ULL << 2)
#define BH_LL_FS_READ_DIR (1ULL << 3)
#define BH_LL_FS_REMOVE_DIR (1ULL << 4)
#define BH_LL_FS_REMOVE_FILE (1ULL << 5)
#define BH_LL_FS_MAKE_CHAR (1ULL << 6)
#define BH_LL_FS_MAKE_DIR (1ULL << 7)
#define BH_LL_FS_MAKE_REG (1ULL << 8)
#define BH_LL_FS_MAKE_SOCK (1ULL << 9)
#define BH_LL_FS_MAKE_FIFO (1ULL << 10)
#define BH_LL_FS_MAKE_BLOCK (1ULL << 11)
#define BH_LL_FS_MAKE_SYM (1ULL << 12)
#define BH_LL_FS_REFER (1ULL << 13)     /* ABI 2 */
#define BH_LL_FS_TRUNCATE (1ULL << 14)  /* ABI 3 */
#define BH_LL_FS_IOCTL_DEV (1ULL << 15) /* ABI 5 */

#define BH_LL_NET_BIND_TCP (1ULL << 0)    /* ABI 4 */
#define BH_LL_NET_CONNECT_TCP (1ULL << 1) /* ABI 4 */

#define BH_LL_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0) /* ABI 6 */
#define BH_LL_SCOPE_SIGNAL (1ULL << 1)               /* ABI 6 */

#define BH_LL_RESTRICT_SELF_LOG_SAME_EXEC_OFF (1U << 0) /* ABI 7 */
#define BH_LL_RESTRICT_SELF_LOG_NEW_EXEC_ON (1U << 1)   /* ABI 7 */
#define BH_LL_RESTRICT_SELF_LOG_SUBDOMAINS_OFF (1U << 2) /* ABI 7 */

/* openat2(2) */
struct bh_open_how {
	uint64_t flags;
	uint64_t mode;
	uint64_t resolve;
};
#define BH_RESOLVE_NO_XDEV 0x01
#define BH_RESOLVE_NO_MAGICLINKS 0x02
#define BH_RESOLVE_NO_SYMLINKS 0x04
#define BH_RESOLVE_BENEATH 0x08
