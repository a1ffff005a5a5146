/* SPDX-License-Identifier: MIT */
/*
 * The microvm tier's pieces, internal to src/tier/microvm*.c: where the
 * guest kernel and its modules come from, the initramfs bulkhead writes
 * and caches, and the boot test that decides between KVM and emulation.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "core/error.h"

/* Where setup.sh unpacks Debian's kernel package (tools/setup.sh). */
#define BH_VM_SYSTEM_CACHE "/var/cache/bulkhead/microvm"

struct bh_vm_kernel {
	char *image;   /* the bzImage (vmlinuz) */
	char *moddir;  /* .../lib/modules/RELEASE */
	char *release; /* "6.1.0-56-amd64" */
	const char *source; /* how it was found, for messages */
};

/*
 * Finds a guest kernel with its modules: $BULKHEAD_MICROVM_KERNEL (a
 * vmlinuz path; modules from $BULKHEAD_MICROVM_MODULES, else
 * /lib/modules/RELEASE, else beside it), then BH_VM_SYSTEM_CACHE, then a
 * readable /boot/vmlinuz-*.  0, or -errno with *why (caller frees) saying
 * what is missing and how to fix it.  Free with bh_vm_kernel_release().
 */
int bh_vm_kernel_find(struct bh_vm_kernel *k, char **why);
void bh_vm_kernel_release(struct bh_vm_kernel *k);

/* qemu-system-x86_64 on PATH (or $BULKHEAD_QEMU), or NULL.  Caller frees. */
char *bh_vm_qemu_path(void);

/*
 * The initramfs for kernel k: the embedded guest init and the virtio,
 * virtio-serial and 9p modules in dependency order, as a cpio archive
 * under cache_dir, named by a hash of its inputs (written once, then
 * reused).  Returns its path (caller frees) or NULL with err filled.
 */
char *bh_vm_initramfs(const struct bh_vm_kernel *k, const char *cache_dir,
		      struct bh_error **err);

/*
 * Whether KVM can boot this kernel here: /dev/kvm opened, then a boot test
 * (the guest init answers on the serial console) bounded to a few
 * seconds, its result cached under cache_dir per kernel and qemu.  true,
 * or false with *why (caller frees).
 */
bool bh_vm_kvm_usable(const char *qemu, const struct bh_vm_kernel *k,
		      const char *initramfs, const char *cache_dir,
		      char **why);

/* Whether this process can make the user+mount namespace qemu's view
 * needs when not root (probed by making one).  *why when not. */
bool bh_vm_userns_ok(char **why);

/* The host's TSC rate in kHz for the guest's tsc_early_khz= (under
 * emulation the guest has no other clock to calibrate against), or 0. */
unsigned long bh_vm_tsc_khz(void);

/* A change to qemu's own view of the host filesystem (a private mount
 * namespace), so that the host kernel enforces what lies inside a share:
 * 'p' bind read-only over itself (protect), 'b' bind over itself (pin
 * against renames), 'd' an empty read-only directory over it (hide), 'f'
 * an empty read-only file over it (hide). */
struct bh_vm_hostmount {
	char kind;
	char *path;
};

/* What the monitor process needs to run one VM. */
struct bh_vm_run {
	const struct bh_vm_hostmount *hostmounts;
	size_t n_hostmounts;
	bool userns; /* not root: the mount namespace needs a user one */
	char *const *qemu_argv; /* expects the kernel on fd 3, initrd on 4 */
	int kernel_fd, initrd_fd;
	const char *vmdir; /* io.sock, console.log, qemu.log go here */
	bool set_ids;      /* root caller: qemu runs as uid/gid */
	uid_t uid;
	gid_t gid;
	int in_fd, out_fd, err_fd; /* the command's stdin, stdout, stderr */
	const char *cmd_name;      /* argv[0], for messages */
	int status_wr; /* the command's wait status is written here */
	/* Egress: the proxy's unix socket, which the host relay connects
	 * to for each of the guest's streams (guest/netmux.h); or NULL. */
	const char *proxy_sock;
	int serve_fd;  /* warm mode: clients' listening socket, else -1 */
	/* Warm mode: each served command's record (struct bh_session). */
	void (*exec_record)(void *ctx, char *const *argv, int wait_status,
			    double duration_ms);
	void *exec_ctx;
	pid_t supervisor;
};

/*
 * The monitor, in a child of the supervisor: starts qemu, relays the
 * guest's port (output, stdin, signals), writes the command's wait status
 * (125 when the VM failed, 126/127 when the command could not start) to
 * status_wr, and exits once qemu is gone.
 */
__attribute__((noreturn)) void bh_vm_monitor(const struct bh_vm_run *r);
