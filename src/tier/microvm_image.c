/* SPDX-License-Identifier: MIT */
/*
 * The microvm tier's boot material: the guest kernel (Debian's, found at
 * run time), the initramfs bulkhead writes itself (cpio newc: the embedded
 * static guest init plus the kernel's virtio and 9p modules), and the boot
 * test that says whether KVM can run it here.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/cpio.h"
#include "core/fsutil.h"
#include "core/sha256.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "guest/proto.h"
#include "tier/microvm.h"

/* The static guest init, embedded by the Makefile (build/gen). */
extern const unsigned char bh_guest_init_start[];
extern const unsigned long long bh_guest_init_size;

void bh_vm_kernel_release(struct bh_vm_kernel *k)
{
	free(k->image);
	free(k->moddir);
	free(k->release);
	memset(k, 0, sizeof(*k));
}

static bool readable(const char *path)
{
	return access(path, R_OK) == 0;
}

/* The modules tree for a release: the first of the candidates holding the
 * 9p filesystem module (or listing it as built in). */
static char *find_moddir(const char *release, const char *image)
{
	const char *env = getenv("BULKHEAD_MICROVM_MODULES");
	if (env && *env)
		return bh_xstrdup(env);
	cleanup_free char *img_dir = bh_xstrdup(image);
	char *slash = strrchr(img_dir, '/');
	if (slash)
		*slash = '\0';
	char *cands[] = {
		bh_xasprintf("/lib/modules/%s", release),
		bh_xasprintf("%s/../lib/modules/%s", img_dir, release),
		bh_xasprintf("%s/lib/modules/%s", img_dir, release),
	};
	char *found = NULL;
	for (size_t i = 0; i < BH_ARRAY_SIZE(cands); i++) {
		cleanup_free char *probe =
			bh_xasprintf("%s/kernel/fs/9p/9p.ko", cands[i]);
		if (!found && readable(probe))
			found = steal_pointer(&cands[i]);
		free(cands[i]);
	}
	return found;
}

/* The newest vmlinuz-* in dir whose modules are there too. */
static int pick_in(const char *dir, struct bh_vm_kernel *k, const char *src)
{
	DIR *d = opendir(dir);
	if (!d)
		return -ENOENT;
	char *best = NULL;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (!bh_str_has_prefix(de->d_name, "vmlinuz-"))
			continue;
		cleanup_free char *path = bh_xasprintf("%s/%s", dir, de->d_name);
		if (!readable(path))
			continue;
		cleanup_free char *md = find_moddir(de->d_name + 8, path);
		if (!md)
			continue;
		if (!best || strverscmp(de->d_name, best) > 0) {
			free(best);
			best = bh_xstrdup(de->d_name);
		}
	}
	closedir(d);
	if (!best)
		return -ENOENT;
	k->image = bh_xasprintf("%s/%s", dir, best);
	k->release = bh_xstrdup(best + 8);
	k->moddir = find_moddir(k->release, k->image);
	k->source = src;
	free(best);
	return 0;
}

int bh_vm_kernel_find(struct bh_vm_kernel *k, char **why)
{
	*why = NULL;
	memset(k, 0, sizeof(*k));
	const char *env = getenv("BULKHEAD_MICROVM_KERNEL");
	if (env && *env) {
		if (!readable(env)) {
			*why = bh_xasprintf("BULKHEAD_MICROVM_KERNEL=%s is not "
					    "readable",
					    env);
			return -ENOENT;
		}
		const char *base = strrchr(env, '/');
		base = base ? base + 1 : env;
		k->image = bh_xstrdup(env);
		k->release = bh_xstrdup(bh_str_has_prefix(base, "vmlinuz-")
						? base + 8
						: base);
		k->moddir = find_moddir(k->release, k->image);
		k->source = "BULKHEAD_MICROVM_KERNEL";
		if (!k->moddir) {
			*why = bh_xasprintf(
				"no modules for kernel %s (looked in "
				"/lib/modules/%s and beside the image)",
				env, k->release);
			bh_vm_kernel_release(k);
			return -ENOENT;
		}
		return 0;
	}
	if (pick_in(BH_VM_SYSTEM_CACHE "/boot", k, BH_VM_SYSTEM_CACHE) == 0)
		return 0;
	if (pick_in("/boot", k, "/boot") == 0)
		return 0;
	*why = bh_xstrdup(
		"no guest kernel: none in " BH_VM_SYSTEM_CACHE " (filled by "
		"tools/setup.sh --microvm), no readable /boot/vmlinuz-* with "
		"its modules, and BULKHEAD_MICROVM_KERNEL is not set");
	return -ENOENT;
}

char *bh_vm_qemu_path(void)
{
	const char *env = getenv("BULKHEAD_QEMU");
	if (env && *env)
		return access(env, X_OK) == 0 ? bh_xstrdup(env) : NULL;
	const char *dirs[] = {"/usr/bin", "/usr/local/bin", "/bin"};
	for (size_t i = 0; i < BH_ARRAY_SIZE(dirs); i++) {
		char *p = bh_xasprintf("%s/qemu-system-x86_64", dirs[i]);
		if (access(p, X_OK) == 0)
			return p;
		free(p);
	}
	return NULL;
}

/*
 * The modules the guest init loads, by name, with where Debian keeps them.
 * Their order comes from each module's own "depends=" (its .modinfo), so a
 * kernel whose modules depend differently still loads in a valid order.
 */
static const struct {
	const char *name;
	const char *rel;
} vm_modules[] = {
	{"virtio_ring", "kernel/drivers/virtio/virtio_ring.ko"},
	{"virtio", "kernel/drivers/virtio/virtio.ko"},
	{"virtio_mmio", "kernel/drivers/virtio/virtio_mmio.ko"},
	{"virtio_console", "kernel/drivers/char/virtio_console.ko"},
	{"netfs", "kernel/fs/netfs/netfs.ko"},
	{"fscache", "kernel/fs/fscache/fscache.ko"},
	{"9pnet", "kernel/net/9p/9pnet.ko"},
	{"9pnet_virtio", "kernel/net/9p/9pnet_virtio.ko"},
	{"9p", "kernel/fs/9p/9p.ko"},
};

struct modset {
	const char *moddir;
	char *builtin; /* modules.builtin, or NULL */
	bool added[BH_ARRAY_SIZE(vm_modules)];
	struct bh_strbuf *cpio;
	struct bh_strbuf order;
	struct bh_sha256 *hash;
};

static int mod_index(const char *name)
{
	for (size_t i = 0; i < BH_ARRAY_SIZE(vm_modules); i++)
		if (!strcmp(vm_modules[i].name, name))
			return (int)i;
	return -1;
}

static bool is_builtin(const struct modset *m, const char *rel)
{
	if (!m->builtin)
		return false;
	const char *p = m->builtin;
	size_t n = strlen(rel);
	while ((p = strstr(p, rel)) != NULL) {
		if ((p == m->builtin || p[-1] == '\n') &&
		    (p[n] == '\n' || p[n] == '\0'))
			return true;
		p += n;
	}
	return false;
}

/* Adds module i after its dependencies. */
static int add_module(struct modset *m, int i, int depth,
		      struct bh_error **err)
{
	if (m->added[i])
		return 0;
	if (depth > 16)
		return bh_error_set(err, BH_EK_SYSTEM, ELOOP,
				    "module dependency loop at %s",
				    vm_modules[i].name);
	m->added[i] = true;
	if (is_builtin(m, vm_modules[i].rel))
		return 0;
	cleanup_free char *path =
		bh_xasprintf("%s/%s", m->moddir, vm_modules[i].rel);
	cleanup_free char *data = NULL;
	size_t len = 0;
	int r = bh_read_file(path, 64u << 20, &data, &len, err);
	if (r) {
		bh_error_hint(*err, "the kernel's package is incomplete, or "
				    "its modules are compressed (not "
				    "supported)");
		return r;
	}
	static const char key[] = "depends=";
	const char *dep = memmem(data, len, key, sizeof(key) - 1);
	if (dep) {
		cleanup_free char *list = bh_xstrdup(dep + sizeof(key) - 1);
		char *save = NULL;
		for (char *t = strtok_r(list, ",", &save); t;
		     t = strtok_r(NULL, ",", &save)) {
			int j = mod_index(t);
			if (j < 0)
				return bh_error_set(
					err, BH_EK_SYSTEM, ENOENT,
					"module %s needs %s, which bulkhead "
					"does not know how to find",
					vm_modules[i].name, t);
			r = add_module(m, j, depth + 1, err);
			if (r)
				return r;
		}
	}
	const char *base = strrchr(vm_modules[i].rel, '/') + 1;
	cleanup_free char *name = bh_xasprintf("modules/%s", base);
	bh_cpio_add_file(m->cpio, name, 0644, data, len);
	bh_strbuf_printf(&m->order, "%s\n", base);
	bh_sha256_update(m->hash, name, strlen(name) + 1);
	bh_sha256_update(m->hash, data, len);
	return 0;
}

static int write_atomic(const char *path, const void *data, size_t len,
			struct bh_error **err)
{
	cleanup_free char *tmp = bh_xasprintf("%s.%d.tmp", path, (int)getpid());
	cleanup_fd int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
					      O_CLOEXEC,
				 0644);
	if (fd < 0)
		return bh_error_sys(err, errno, "creating %s", tmp);
	const char *p = data;
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int e = errno;
			unlink(tmp);
			return bh_error_sys(err, e, "writing %s", tmp);
		}
		p += w;
		len -= (size_t)w;
	}
	if (rename(tmp, path) != 0) {
		int e = errno;
		unlink(tmp);
		return bh_error_sys(err, e, "renaming %s", tmp);
	}
	return 0;
}

char *bh_vm_initramfs(const struct bh_vm_kernel *k, const char *cache_dir,
		      struct bh_error **err)
{
	int r = bh_mkdir_p(cache_dir, 0700);
	if (r) {
		bh_error_sys(err, -r, "creating %s", cache_dir);
		return NULL;
	}
	struct bh_strbuf cpio = BH_STRBUF_INIT;
	struct bh_sha256 h;
	bh_sha256_init(&h);
	struct modset m = {.moddir = k->moddir, .cpio = &cpio, .hash = &h};
	cleanup_free char *bpath =
		bh_xasprintf("%s/modules.builtin", k->moddir);
	(void)bh_read_file(bpath, 4u << 20, &m.builtin, NULL, NULL);
	bh_cpio_add_dir(&cpio, "modules", 0755);
	for (size_t i = 0; i < BH_ARRAY_SIZE(vm_modules) && !r; i++)
		r = add_module(&m, (int)i, 0, err);
	free(m.builtin);
	if (r) {
		bh_error_prefix(*err, "guest kernel %s", k->release);
		bh_strbuf_release(&cpio);
		bh_strbuf_release(&m.order);
		return NULL;
	}
	size_t init_len = (size_t)bh_guest_init_size;
	bh_cpio_add_file(&cpio, "modules/order", 0644, m.order.buf,
			 m.order.len);
	bh_cpio_add_file(&cpio, "init", 0755, bh_guest_init_start, init_len);
	bh_cpio_finish(&cpio);
	bh_sha256_update(&h, m.order.buf, m.order.len);
	bh_sha256_update(&h, bh_guest_init_start, init_len);
	bh_strbuf_release(&m.order);
	unsigned char d[32];
	char hex[65];
	bh_sha256_final(&h, d);
	bh_hex(d, 32, hex);
	hex[24] = '\0';
	char *path = bh_xasprintf("%s/initramfs-%s.cpio", cache_dir, hex);
	struct stat st;
	if (!(stat(path, &st) == 0 && (size_t)st.st_size == cpio.len) &&
	    write_atomic(path, cpio.buf, cpio.len, err) != 0) {
		free(path);
		path = NULL;
	}
	bh_strbuf_release(&cpio);
	return path;
}

unsigned long bh_vm_tsc_khz(void)
{
	FILE *f = fopen("/proc/cpuinfo", "re");
	if (!f)
		return 0;
	char line[256];
	double mhz = 0;
	while (fgets(line, sizeof(line), f))
		if (bh_str_has_prefix(line, "cpu MHz") &&
		    sscanf(strchr(line, ':') ? strchr(line, ':') + 1 : "",
			   "%lf", &mhz) == 1)
			break;
	fclose(f);
	return mhz > 0 ? (unsigned long)(mhz * 1000) : 0;
}

/* A key for the boot test's cache: the kernel and qemu binaries, by path,
 * size and mtime. */
static char *probe_key(const char *qemu, const char *image)
{
	struct bh_sha256 h;
	bh_sha256_init(&h);
	const char *files[] = {qemu, image};
	for (size_t i = 0; i < 2; i++) {
		struct stat st;
		memset(&st, 0, sizeof(st));
		(void)stat(files[i], &st);
		cleanup_free char *s = bh_xasprintf(
			"%s\n%lld\n%lld\n", files[i], (long long)st.st_size,
			(long long)st.st_mtime);
		bh_sha256_update(&h, s, strlen(s));
	}
	unsigned char d[32];
	char hex[65];
	bh_sha256_final(&h, d);
	bh_hex(d, 32, hex);
	hex[24] = '\0';
	return bh_xstrdup(hex);
}

static double mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Boots under KVM with the probe word on the command line; the guest init
 * answers on the serial console and powers off.  Bounded: a kernel that
 * KVM cannot run (nested PVM) spins forever. */
static bool kvm_boot_test(const char *qemu, const struct bh_vm_kernel *k,
			  const char *initramfs, char **why)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0) {
		*why = bh_xasprintf("pipe: %s", strerror(errno));
		return false;
	}
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		if (getppid() != parent)
			_exit(127);
		int nul = open("/dev/null", O_RDWR | O_CLOEXEC);
		dup2(nul, 0);
		dup2(p[1], 1);
		dup2(nul, 2);
		cleanup_free char *append = bh_xasprintf(
			"console=ttyS0 quiet reboot=t panic=-1 %s",
			BH_GUEST_PROBE_ARG);
		const char *argv[] = {qemu, "-M", "microvm", "-accel", "kvm",
				      "-cpu", "host", "-m", "256", "-nodefaults",
				      "-no-user-config", "-display", "none",
				      "-no-reboot", "-nic", "none", "-serial",
				      "stdio", "-kernel", k->image, "-initrd",
				      initramfs, "-append", append, NULL};
		execv(qemu, (char **)argv);
		_exit(127);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		*why = bh_xasprintf("fork: %s", strerror(errno));
		return false;
	}
	struct bh_strbuf out = BH_STRBUF_INIT;
	double end = mono_ms() + 4000;
	bool ok = false;
	for (;;) {
		double left = end - mono_ms();
		if (left <= 0)
			break;
		struct pollfd pf = {.fd = p[0], .events = POLLIN};
		if (poll(&pf, 1, (int)left + 1) <= 0)
			continue;
		char buf[4096];
		ssize_t n = read(p[0], buf, sizeof(buf));
		if (n <= 0)
			break;
		bh_strbuf_append(&out, buf, (size_t)n);
		if (strstr(out.buf, BH_GUEST_PROBE_OK)) {
			ok = true;
			break;
		}
	}
	close(p[0]);
	kill(pid, SIGKILL);
	(void)waitpid(pid, NULL, 0);
	bh_strbuf_release(&out);
	if (!ok)
		*why = bh_xstrdup("no usable KVM: a boot test under KVM did "
				  "not reach the guest init in 4 s (nested "
				  "PVM, for one, runs only PVM-aware "
				  "kernels)");
	return ok;
}

bool bh_vm_kvm_usable(const char *qemu, const struct bh_vm_kernel *k,
		      const char *initramfs, const char *cache_dir, char **why)
{
	*why = NULL;
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		*why = bh_xasprintf("no usable KVM: /dev/kvm: %s",
				    strerror(errno));
		return false;
	}
	close(fd);
	cleanup_free char *key = probe_key(qemu, k->image);
	cleanup_free char *cache =
		bh_xasprintf("%s/kvm-boot-%s", cache_dir, key);
	cleanup_free char *text = NULL;
	if (bh_read_file(cache, 4096, &text, NULL, NULL) == 0) {
		text[strcspn(text, "\n")] = '\0';
		if (!strcmp(text, "ok"))
			return true;
		if (bh_str_has_prefix(text, "no "))
			*why = bh_xstrdup(text + 3);
		else
			*why = bh_xstrdup("KVM boot test failed (cached)");
		return false;
	}
	bool ok = kvm_boot_test(qemu, k, initramfs, why);
	cleanup_free char *line =
		ok ? bh_xstrdup("ok\n") : bh_xasprintf("no %s\n", *why);
	(void)write_atomic(cache, line, strlen(line), NULL);
	return ok;
}

bool bh_vm_userns_ok(char **why)
{
	*why = NULL;
	pid_t pid = fork();
	if (pid == 0)
		_exit(unshare(CLONE_NEWUSER | CLONE_NEWNS) == 0 ? 0 : 1);
	int st = 0;
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0) {
		*why = bh_xstrdup("cannot create a user namespace for qemu's "
				  "private view of the host");
		return false;
	}
	return true;
}
