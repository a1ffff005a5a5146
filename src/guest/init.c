/* SPDX-License-Identifier: MIT */
/*
 * The microvm tier's guest init: pid 1 inside the VM, a static binary of
 * its own (built with -static, packed into the initramfs bulkhead writes).
 *
 * It loads the virtio modules the initramfs carries, finds its one port
 * to the host, reads the command's description from the read-only config
 * share, builds the command's root from 9p shares, device nodes and
 * tmpfs, switches into it, runs the command as the configured uid with no
 * capabilities and no_new_privs, relays its output and status to the host
 * in frames (guest/proto.h), and reboots (qemu runs with -no-reboot, so
 * that ends the VM).
 *
 * What it defends against: the command reaching the port (it is never in
 * the command's /dev, and init's descriptor is close-on-exec), and the
 * command keeping root (it starts with an unprivileged uid, nosuid mounts
 * and no_new_privs).  What it assumes: the host enforces what matters
 * (read-only shares, what is shared at all); the masks made here for
 * hidden and protected paths inside a share hold only as long as the
 * guest kernel does, and the host's report says so.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guest/netmux.h"
#include "guest/proto.h"

#define NEWROOT "/r"
#define CFGDIR "/bh/cfg"

static int port_fd = -1;
/* Egress (guest/netmux.h): the channel and the sandbox's listener. */
static int net_fd = -1, net_listen = -1;
static bool quit_requested; /* warm mode: BH_FRAME_QUIT came mid-command */

static void say(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	int fd = open("/dev/console", O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (fd >= 0) {
		(void)!write(fd, "bulkhead-init: ", 15);
		(void)!write(fd, buf, n > 0 && n < (int)sizeof(buf)
					      ? (size_t)n
					      : strlen(buf));
		(void)!write(fd, "\n", 1);
		close(fd);
	}
}

static __attribute__((noreturn)) void power_off(void)
{
	sync();
	(void)reboot(RB_AUTOBOOT);
	for (;;)
		pause();
}

static int read_all(int fd, void *buf, size_t n)
{
	char *p = buf;
	while (n) {
		ssize_t r = read(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

static void send_frame(char type, const void *data, uint32_t len)
{
	if (port_fd >= 0)
		(void)bh_frame_send(port_fd, type, data, len);
}

static void send_int(char type, int v)
{
	unsigned char b[4] = {v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff,
			      ((unsigned)v >> 24) & 0xff};
	send_frame(type, b, 4);
}

/* Waits (bounded) for the host's acknowledgement, so nothing we sent is
 * still queued when the VM goes away. */
static void await_ack(void)
{
	struct pollfd pf = {.fd = port_fd, .events = POLLIN};
	for (int i = 0; i < 100; i++) {
		if (poll(&pf, 1, 100) <= 0)
			continue;
		unsigned char hdr[5];
		if (read_all(port_fd, hdr, 5) != 0)
			return;
		uint32_t len = bh_frame_le32(hdr + 1);
		char skip[256];
		while (len) {
			size_t k = len > sizeof(skip) ? sizeof(skip) : len;
			if (read_all(port_fd, skip, k) != 0)
				return;
			len -= (uint32_t)k;
		}
		if (hdr[0] == BH_FRAME_ACK)
			return;
	}
}

static __attribute__((noreturn)) void setup_failed(const char *step, int e)
{
	say("%s: %s", step, strerror(e));
	size_t n = strlen(step);
	char buf[4 + 256];
	buf[0] = (char)(e & 0xff);
	buf[1] = (char)((e >> 8) & 0xff);
	buf[2] = (char)((e >> 16) & 0xff);
	buf[3] = (char)((e >> 24) & 0xff);
	if (n > 255)
		n = 255;
	memcpy(buf + 4, step, n);
	send_frame(BH_FRAME_SETUP, buf, (uint32_t)(4 + n));
	await_ack();
	power_off();
}

/* Memory for the config's lists; running out ends the session. */
static void *grow(void *p, size_t n)
{
	void *q = realloc(p, n);
	if (!q)
		setup_failed("memory", ENOMEM);
	return q;
}

static int mkdir_p(const char *path, mode_t mode)
{
	char buf[4096];
	if (strlen(path) >= sizeof(buf))
		return -ENAMETOOLONG;
	strcpy(buf, path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) != 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, mode) != 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* An empty file at path, and its directory. */
static int make_file(const char *path)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		int r = mkdir_p(dir, 0755);
		if (r)
			return r;
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return errno == EEXIST ? 0 : -errno;
	close(fd);
	return 0;
}

static bool cmdline_has(const char *word);
static char cmdline[4096];

/* What modprobe would do with the kernel command line: its NAME.param=v
 * words become the module's parameters (qemu passes the virtio-mmio
 * devices to virtio_mmio this way). */
static void module_params(const char *name, char *out, size_t size)
{
	char mod[256];
	snprintf(mod, sizeof(mod), "%s", name);
	char *dot = strstr(mod, ".ko");
	if (dot)
		*dot = '\0';
	for (char *p = mod; *p; p++)
		if (*p == '-')
			*p = '_';
	size_t ml = strlen(mod), used = 0;
	out[0] = '\0';
	const char *p = cmdline;
	while (*p) {
		while (*p == ' ' || *p == '\n')
			p++;
		size_t n = strcspn(p, " \n");
		if (n > ml + 1 && !strncmp(p, mod, ml) && p[ml] == '.' &&
		    used + n - ml + 1 < size) {
			if (used)
				out[used++] = ' ';
			memcpy(out + used, p + ml + 1, n - ml - 1);
			used += n - ml - 1;
			out[used] = '\0';
		}
		p += n;
	}
}

static void load_modules(void)
{
	FILE *f = fopen("/modules/order", "re");
	if (!f)
		return;
	char name[256];
	while (fgets(name, sizeof(name), f)) {
		name[strcspn(name, "\n")] = '\0';
		if (!name[0])
			continue;
		char path[512];
		snprintf(path, sizeof(path), "/modules/%s", name);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			say("module %s: %s", name, strerror(errno));
			continue;
		}
		char params[1024];
		module_params(name, params, sizeof(params));
		if (syscall(SYS_finit_module, fd, params, 0) != 0 &&
		    errno != EEXIST)
			say("loading %s: %s", name, strerror(errno));
		close(fd);
	}
	fclose(f);
}

/* /dev/vportNpM named want; ports appear a little after the driver
 * loads. */
static int open_port(const char *want)
{
	for (int tries = 0; tries < 500; tries++) {
		DIR *d = opendir("/sys/class/virtio-ports");
		struct dirent *de;
		while (d && (de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			char path[512], name[64] = "";
			snprintf(path, sizeof(path),
				 "/sys/class/virtio-ports/%s/name", de->d_name);
			int fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				continue;
			ssize_t n = read(fd, name, sizeof(name) - 1);
			close(fd);
			if (n <= 0)
				continue;
			name[n] = '\0';
			name[strcspn(name, "\n")] = '\0';
			if (strcmp(name, want) != 0)
				continue;
			snprintf(path, sizeof(path), "/dev/%s", de->d_name);
			int pfd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
			if (pfd >= 0) {
				closedir(d);
				return pfd;
			}
		}
		if (d)
			closedir(d);
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	return -1;
}

struct config {
	char *buf;
	size_t len;
	char **argv, **envp;
	size_t n_argv, n_envp;
	uid_t uid;
	gid_t gid;
	const char *cwd, *search;
	bool warm;
	unsigned egress_port; /* 0: no egress */
};

static int read_config(struct config *c)
{
	int fd = open(CFGDIR "/" BH_GUEST_CONFIG, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t cap = 65536;
	c->buf = grow(NULL, cap);
	for (;;) {
		if (c->len + 1 >= cap) {
			cap *= 2;
			c->buf = grow(c->buf, cap);
		}
		ssize_t n = read(fd, c->buf + c->len, cap - c->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			close(fd);
			return -e;
		}
		if (n == 0)
			break;
		c->len += (size_t)n;
	}
	close(fd);
	c->buf[c->len] = '\0';
	return 0;
}

/* The next NUL-terminated field, or NULL at the end. */
static const char *next_field(const struct config *c, size_t *off)
{
	if (*off >= c->len)
		return NULL;
	const char *f = c->buf + *off;
	*off += strlen(f) + 1;
	return f;
}

static unsigned long share_flags(const char *flags)
{
	unsigned long fl = MS_NOSUID | MS_NODEV;
	if (!strchr(flags, 'w'))
		fl |= MS_RDONLY;
	if (!strchr(flags, 'x'))
		fl |= MS_NOEXEC;
	return fl;
}

static void mount_share(const char *tag, const char *path, const char *flags)
{
	char at[4096];
	snprintf(at, sizeof(at), NEWROOT "%s", path);
	int r = mkdir_p(at, 0755);
	if (r)
		setup_failed(path, -r);
	/* msize: fewer round trips per read under emulation.  The page
	 * cache ("l": loose) only for a one-command VM: a warm one must see
	 * what the host changes between its commands. */
	if (mount(tag, at, "9p", share_flags(flags),
		  strchr(flags, 'l') ? "trans=virtio,version=9p2000.L,"
				       "msize=512000,cache=loose"
				     : "trans=virtio,version=9p2000.L,"
				       "msize=512000") != 0)
		setup_failed(path, errno);
}

static const struct {
	const char *name;
	unsigned maj, min;
} devices[] = {
	{"null", 1, 3},	   {"zero", 1, 5},   {"full", 1, 7},
	{"random", 1, 8},  {"urandom", 1, 9}, {"tty", 5, 0},
};

static void make_device(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	for (size_t i = 0; i < sizeof(devices) / sizeof(devices[0]); i++) {
		if (strcmp(devices[i].name, base) != 0)
			continue;
		char at[4096];
		snprintf(at, sizeof(at), NEWROOT "%s", path);
		char dir[4096];
		snprintf(dir, sizeof(dir), "%s", at);
		*strrchr(dir, '/') = '\0';
		(void)mkdir_p(dir, 0755);
		if (mknod(at, S_IFCHR | 0666,
			  makedev(devices[i].maj, devices[i].min)) != 0 &&
		    errno != EEXIST)
			setup_failed(path, errno);
		(void)chmod(at, 0666);
		return;
	}
	/* Other device nodes are not passed into the VM. */
}

static void mount_special(const char *path, const char *fstype,
			  unsigned long fl, const char *data)
{
	char at[4096];
	snprintf(at, sizeof(at), NEWROOT "%s", path);
	int r = mkdir_p(at, 0755);
	if (r)
		setup_failed(path, -r);
	if (mount(fstype, at, fstype, fl, data) != 0)
		setup_failed(path, errno);
}

static void mask_path(const char *path, const char *kind)
{
	char at[4096];
	snprintf(at, sizeof(at), NEWROOT "%s", path);
	struct stat st;
	if (lstat(at, &st) != 0)
		return; /* nothing there to hide */
	if (kind[0] == 'd' && S_ISDIR(st.st_mode)) {
		if (mount("tmpfs", at, "tmpfs",
			  MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
			  "mode=0555,size=4k") != 0)
			setup_failed(path, errno);
		return;
	}
	/* A file: an empty read-only file over it. */
	static int n;
	char empty[64];
	snprintf(empty, sizeof(empty), "/bh/empty%d", n++);
	int r = make_file(empty);
	if (r)
		setup_failed(path, -r);
	if (mount(empty, at, NULL, MS_BIND, NULL) != 0 ||
	    mount(NULL, at, NULL,
		  MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV |
			  MS_NOEXEC,
		  NULL) != 0)
		setup_failed(path, errno);
}

static void protect_path(const char *path)
{
	char at[4096];
	snprintf(at, sizeof(at), NEWROOT "%s", path);
	struct stat st;
	if (lstat(at, &st) != 0 || S_ISLNK(st.st_mode))
		return; /* the host's report says it can be created */
	if (mount(at, at, NULL, MS_BIND | MS_REC, NULL) != 0 ||
	    mount(NULL, at, NULL,
		  MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV,
		  NULL) != 0)
		setup_failed(path, errno);
}

static void make_symlink(const char *path, const char *target)
{
	char at[4096];
	snprintf(at, sizeof(at), NEWROOT "%s", path);
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", at);
	*strrchr(dir, '/') = '\0';
	(void)mkdir_p(dir, 0755);
	if (symlink(target, at) != 0 && errno != EEXIST)
		setup_failed(path, errno);
}

static void egress_setup(const struct config *c);

static void build_root(struct config *c)
{
	if (mkdir_p(NEWROOT, 0755) != 0 ||
	    mount("tmpfs", NEWROOT, "tmpfs", MS_NOSUID | MS_NODEV,
		  "mode=0755") != 0)
		setup_failed("root tmpfs", errno);
	/* /dev first: later grants may sit below it. */
	mount_special("/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755");
	size_t off = 0;
	const char *k;
	size_t cap_a = 0, cap_e = 0;
	while ((k = next_field(c, &off)) != NULL) {
		const char *a = NULL, *b = NULL, *d = NULL;
#define F(v)                                                                   \
	do {                                                                   \
		v = next_field(c, &off);                                       \
		if (!v)                                                        \
			setup_failed("config", EINVAL);                        \
	} while (0)
		if (!strcmp(k, BH_CFG_SHARE)) {
			F(a);
			F(b);
			F(d);
			mount_share(a, b, d);
		} else if (!strcmp(k, BH_CFG_SYMLINK)) {
			F(a);
			F(b);
			make_symlink(a, b);
		} else if (!strcmp(k, BH_CFG_TMPFS)) {
			F(a);
			mount_special(a, "tmpfs", MS_NOSUID | MS_NODEV,
				      "mode=1777");
		} else if (!strcmp(k, BH_CFG_DEVICE)) {
			F(a);
			make_device(a);
		} else if (!strcmp(k, BH_CFG_PROC)) {
			F(a);
			mount_special(a, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
				      NULL);
		} else if (!strcmp(k, BH_CFG_SYSFS)) {
			F(a);
			mount_special(a, "sysfs",
				      MS_RDONLY | MS_NOSUID | MS_NODEV |
					      MS_NOEXEC,
				      NULL);
		} else if (!strcmp(k, BH_CFG_HIDE)) {
			F(a);
			F(b);
			mask_path(a, b);
		} else if (!strcmp(k, BH_CFG_PROTECT)) {
			F(a);
			protect_path(a);
		} else if (!strcmp(k, BH_CFG_UID)) {
			F(a);
			c->uid = (uid_t)strtoul(a, NULL, 10);
		} else if (!strcmp(k, BH_CFG_GID)) {
			F(a);
			c->gid = (gid_t)strtoul(a, NULL, 10);
		} else if (!strcmp(k, BH_CFG_WARM)) {
			c->warm = true;
		} else if (!strcmp(k, BH_CFG_EGRESS)) {
			F(a);
			c->egress_port = (unsigned)strtoul(a, NULL, 10);
			/* Before the switch: the port is found in /sys. */
			egress_setup(c);
		} else if (!strcmp(k, BH_CFG_CWD)) {
			F(c->cwd);
		} else if (!strcmp(k, BH_CFG_PATH)) {
			F(c->search);
		} else if (!strcmp(k, BH_CFG_ARG) || !strcmp(k, BH_CFG_ENV)) {
			F(a);
			bool arg = k[0] == BH_CFG_ARG[0];
			char ***v = arg ? &c->argv : &c->envp;
			size_t *n = arg ? &c->n_argv : &c->n_envp;
			size_t *cap = arg ? &cap_a : &cap_e;
			if (*n + 2 > *cap) {
				*cap = *cap ? *cap * 2 : 16;
				*v = grow(*v, *cap * sizeof(char *));
			}
			(*v)[(*n)++] = (char *)a;
			(*v)[*n] = NULL;
		} else {
			setup_failed("config: unknown record", EINVAL);
		}
#undef F
	}
	if (!c->n_argv && !c->warm)
		setup_failed("config: no command", EINVAL);
	if (!c->envp) {
		c->envp = grow(NULL, sizeof(char *));
		c->envp[0] = NULL;
	}
	/* The skeleton holds nothing the command may change. */
	if (mount(NULL, NEWROOT "/dev", NULL,
		  MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NOEXEC, NULL) != 0 ||
	    mount(NULL, NEWROOT, NULL,
		  MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) != 0)
		setup_failed("read-only root", errno);
	if (chdir(NEWROOT) != 0 || mount(NEWROOT, "/", NULL, MS_MOVE, NULL) ||
	    chroot(".") != 0 || chdir("/") != 0)
		setup_failed("switching root", errno);
}

static void exec_search(char **argv, char **envp, const char *search)
{
	if (strchr(argv[0], '/')) {
		execve(argv[0], argv, envp);
		return;
	}
	int first_err = ENOENT;
	const char *p = search ? search : "/usr/bin:/bin";
	while (*p) {
		const char *end = strchr(p, ':');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char path[4096];
		if (n && n + strlen(argv[0]) + 2 < sizeof(path)) {
			memcpy(path, p, n);
			path[n] = '/';
			strcpy(path + n + 1, argv[0]);
			execve(path, argv, envp);
			if (errno != ENOENT && errno != ENOTDIR &&
			    first_err == ENOENT)
				first_err = errno;
		}
		p = end ? end + 1 : p + n;
	}
	errno = first_err;
}

/* The command's child side: its own session, the configured identity,
 * no privileges, exec.  Reports errno on efd when it cannot. */
static __attribute__((noreturn)) void run_child(struct config *c, int in_fd,
						int out_fd, int err_fd, int efd)
{
	if (setsid() < 0 || dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 ||
	    dup2(err_fd, 2) < 0)
		goto fail;
	/* (Root in the guest, a test and debugging knob, keeps its
	 * capabilities: the host side holds without them.) */
	for (int cap = 0; c->uid != 0 && cap < 64; cap++)
		(void)prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
	if (setgroups(0, NULL) != 0 || setresgid(c->gid, c->gid, c->gid) ||
	    setresuid(c->uid, c->uid, c->uid) != 0)
		goto fail;
	if (chdir(c->cwd ? c->cwd : "/") != 0 && chdir("/") != 0)
		goto fail;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		goto fail;
	/* Close-on-exec, not closed: efd must outlive a failed exec. */
	(void)syscall(SYS_close_range, 3U, ~0U, 4U /* CLOSE_RANGE_CLOEXEC */);
	signal(SIGPIPE, SIG_DFL);
	exec_search(c->argv, c->envp, c->search);
fail:;
	int e = errno;
	(void)!write(efd, &e, sizeof(e));
	_exit(127);
}

static void relay(int *fd, char type)
{
	char buf[16384];
	ssize_t n = read(*fd, buf, sizeof(buf));
	if (n > 0) {
		send_frame(type, buf, (uint32_t)n);
	} else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
		close(*fd);
		*fd = -1;
	}
}

/* A frame from the host: stdin bytes or a signal for the command. */
static void host_frame(int *stdin_wr, pid_t cmd)
{
	unsigned char hdr[5];
	if (read_all(port_fd, hdr, 5) != 0)
		return;
	uint32_t len = bh_frame_le32(hdr + 1);
	if (len > BH_FRAME_MAX)
		return;
	static char buf[BH_FRAME_MAX];
	if (len && read_all(port_fd, buf, len) != 0)
		return;
	if (hdr[0] == BH_FRAME_STDIN) {
		if (*stdin_wr < 0)
			return;
		if (len == 0 || bh_frame_write_all(*stdin_wr, buf, len) != 0) {
			close(*stdin_wr);
			*stdin_wr = -1;
		}
	} else if (hdr[0] == BH_FRAME_QUIT) {
		/* The session ends: the command with it. */
		quit_requested = true;
		if (cmd > 0) {
			kill(-cmd, SIGKILL);
			kill(cmd, SIGKILL);
		}
	} else if (hdr[0] == BH_FRAME_SIGNAL && len == 4) {
		int sig = buf[0] | buf[1] << 8;
		if (sig > 0 && sig < 65 && cmd > 0) {
			kill(-cmd, sig);
			kill(cmd, sig);
		}
	}
}

/*
 * Egress: loopback up, a listener on the guest's own 127.0.0.1:port (where
 * the proxy variables point), and the egress port.  The VM has no other
 * network device, so this channel to the proxy is the only way out.
 */
static void egress_setup(const struct config *c)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) != 0)
		setup_failed("loopback", errno);
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) != 0)
		setup_failed("loopback up", errno);
	close(s);
	net_listen = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)c->egress_port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (net_listen < 0 ||
	    bind(net_listen, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    listen(net_listen, 128) != 0)
		setup_failed("egress listener", errno);
	net_fd = open_port(BH_NET_PORT);
	if (net_fd < 0)
		setup_failed("egress port", ENODEV);
}

static void *egress_relay(void *unused)
{
	(void)unused;
	bh_netmux_run(net_fd, net_listen, NULL);
	return NULL;
}

/* The relay, a thread of init's: it outlives each command (whose end
 * kills every process but init) and so never leaves a frame half
 * written on the channel. */
static void egress_start(void)
{
	pthread_t t;
	int r = pthread_create(&t, NULL, egress_relay, NULL);
	if (r)
		setup_failed("egress relay", r);
	pthread_detach(t);
}

/* Runs the command once; returns after the host acknowledged its status. */
static void run_one(struct config *c)
{
	int in[2], out[2], err[2], ep[2];
	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) ||
	    pipe2(err, O_CLOEXEC) || pipe2(ep, O_CLOEXEC))
		setup_failed("pipe", errno);
	signal(SIGPIPE, SIG_IGN);
	pid_t cmd = fork();
	if (cmd < 0)
		setup_failed("fork", errno);
	if (cmd == 0)
		run_child(c, in[0], out[1], err[1], ep[1]);
	close(in[0]);
	close(out[1]);
	close(err[1]);
	close(ep[1]);
	int e = 0;
	if (read_all(ep[0], &e, sizeof(e)) == 0) {
		(void)waitpid(cmd, NULL, 0);
		close(ep[0]);
		close(in[1]);
		close(out[0]);
		close(err[0]);
		send_int(e == ENOENT || e == ENOTDIR ? BH_FRAME_NOTFOUND
						     : BH_FRAME_NOEXEC,
			 e);
		await_ack();
		return;
	}
	close(ep[0]);
	int stdin_wr = in[1], ofd = out[0], efd = err[0];
	int status = 0;
	bool done = false;
	while (ofd >= 0 || efd >= 0 || !done) {
		struct pollfd pf[3] = {{.fd = ofd, .events = POLLIN},
				       {.fd = efd, .events = POLLIN},
				       {.fd = port_fd, .events = POLLIN}};
		(void)poll(pf, 3, done ? 200 : 50);
		if (pf[0].revents)
			relay(&ofd, BH_FRAME_STDOUT);
		if (pf[1].revents)
			relay(&efd, BH_FRAME_STDERR);
		if (pf[2].revents & POLLIN)
			host_frame(&stdin_wr, done ? 0 : cmd);
		int st;
		pid_t w;
		while ((w = waitpid(-1, &st, WNOHANG)) > 0) {
			if (w == cmd) {
				status = st;
				done = true;
				/* Nothing the command left behind outlives
				 * it; what they held open reaches EOF. */
				(void)kill(-1, SIGKILL);
			}
		}
		if (done && !pf[0].revents && !pf[1].revents &&
		    (ofd >= 0 || efd >= 0)) {
			/* Quiet for a poll round after the end: whatever
			 * still holds the pipes is gone after the kill. */
			(void)kill(-1, SIGKILL);
		}
	}
	if (stdin_wr >= 0)
		close(stdin_wr);
	/* What the command wrote reaches the host before its status. */
	sync();
	send_int(BH_FRAME_STATUS, status);
	await_ack();
}

/*
 * Warm mode: the root stays, commands come one at a time as BH_FRAME_EXEC
 * frames (argv and cwd records, as in the config), each with the
 * environment of the start; BH_FRAME_QUIT powers off.
 */
static __attribute__((noreturn)) void serve(struct config *c)
{
	send_frame(BH_FRAME_READY, NULL, 0);
	static char payload[BH_FRAME_MAX + 1];
	const char *start_cwd = c->cwd;
	for (;;) {
		unsigned char hdr[5];
		if (read_all(port_fd, hdr, 5) != 0)
			power_off();
		uint32_t len = bh_frame_le32(hdr + 1);
		if (len > BH_FRAME_MAX || (len && read_all(port_fd, payload,
							   len) != 0))
			power_off();
		payload[len] = '\0';
		if (hdr[0] == BH_FRAME_QUIT)
			power_off();
		if (hdr[0] != BH_FRAME_EXEC)
			continue; /* stdin or a signal for a command gone */
		struct config one = *c;
		one.buf = payload;
		one.len = len;
		one.argv = NULL;
		one.n_argv = 0;
		one.cwd = start_cwd;
		size_t off = 0, cap = 0;
		const char *k;
		while ((k = next_field(&one, &off)) != NULL) {
			const char *v = next_field(&one, &off);
			if (!v)
				break;
			if (!strcmp(k, BH_CFG_CWD)) {
				one.cwd = v;
			} else if (!strcmp(k, BH_CFG_ARG)) {
				if (one.n_argv + 2 > cap) {
					cap = cap ? cap * 2 : 16;
					one.argv = grow(one.argv,
							cap * sizeof(char *));
				}
				one.argv[one.n_argv++] = (char *)v;
				one.argv[one.n_argv] = NULL;
			}
		}
		if (one.n_argv)
			run_one(&one);
		else
			send_int(BH_FRAME_NOTFOUND, ENOENT);
		free(one.argv);
		if (quit_requested)
			power_off();
	}
}

static bool cmdline_has(const char *word)
{
	size_t wl = strlen(word);
	for (const char *p = cmdline; (p = strstr(p, word)) != NULL; p += wl)
		if ((p == cmdline || p[-1] == ' ') &&
		    (p[wl] == '\0' || p[wl] == ' ' || p[wl] == '\n'))
			return true;
	return false;
}

int main(void)
{
	if (getpid() != 1)
		return 2;
	(void)mkdir("/dev", 0755);
	(void)mkdir("/proc", 0555);
	(void)mkdir("/sys", 0555);
	(void)mount("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755");
	(void)mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		    NULL);
	(void)mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		    NULL);
	int cfd = open("/proc/cmdline", O_RDONLY | O_CLOEXEC);
	if (cfd >= 0) {
		ssize_t n = read(cfd, cmdline, sizeof(cmdline) - 1);
		cmdline[n > 0 ? n : 0] = '\0';
		close(cfd);
	}
	if (cmdline_has(BH_GUEST_PROBE_ARG)) {
		/* The boot test: reaching here is the answer. */
		int fd = open("/dev/console", O_WRONLY | O_NOCTTY);
		(void)!write(fd, BH_GUEST_PROBE_OK "\n",
			     sizeof(BH_GUEST_PROBE_OK));
		power_off();
	}
	load_modules();
	port_fd = open_port(BH_GUEST_PORT);
	if (port_fd < 0) {
		say("no port %s", BH_GUEST_PORT);
		power_off();
	}
	if (mkdir_p(CFGDIR, 0755) != 0 ||
	    mount(BH_GUEST_CFG_TAG, CFGDIR, "9p",
		  MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "trans=virtio,version=9p2000.L") != 0)
		setup_failed("config share", errno);
	struct config c = {.uid = 65534, .gid = 65534};
	int r = read_config(&c);
	if (r)
		setup_failed("reading the config", -r);
	build_root(&c);
	if (net_fd >= 0)
		egress_start();
	if (c.warm)
		serve(&c);
	run_one(&c);
	power_off();
}
