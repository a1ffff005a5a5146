/* SPDX-License-Identifier: MIT */
/*
 * The microvm tier's monitor: a child of the supervisor that starts qemu
 * and speaks the guest port's protocol (guest/proto.h).  The supervisor
 * sees it as the command: signals it forwards to the monitor go on to the
 * command in the guest; a SIGKILL (time limit, supervisor gone) takes qemu
 * with it through the parent-death signal.
 *
 * What it defends against: qemu running with host privileges (it runs as
 * the sandbox's uid with no_new_privs and only the descriptors it needs),
 * and a VM outliving bulkhead.  What it trusts: nothing the guest sends
 * beyond framing; output bytes are passed on as they are (the supervisor
 * sanitises them when the caller is a terminal).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/fsutil.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "guest/netmux.h"
#include "guest/proto.h"
#include "tier/microvm.h"

/* The flags a read-only remount must keep: in a user namespace those of
 * the original mount are locked and cannot be cleared. */
static unsigned long kept_flags(const char *path)
{
	struct statvfs sv;
	unsigned long fl = MS_NOSUID | MS_NODEV;
	if (statvfs(path, &sv) == 0) {
		if (sv.f_flag & ST_NOEXEC)
			fl |= MS_NOEXEC;
		if (sv.f_flag & ST_NOATIME)
			fl |= MS_NOATIME;
		if (sv.f_flag & ST_NODIRATIME)
			fl |= MS_NODIRATIME;
		if (sv.f_flag & ST_RELATIME)
			fl |= MS_RELATIME;
	}
	return fl;
}

/*
 * qemu's own view of the host: protected paths read-only, hidden ones
 * covered, ancestors pinned, in a private mount namespace (a user one
 * too when not root).  Every change only takes access away, so a path
 * the workspace redirected with a symlink costs nothing but that path.
 */
static int host_view(const struct bh_vm_run *r)
{
	if (!r->n_hostmounts)
		return 0;
	if (r->userns) {
		char map[64];
		uid_t uid = getuid();
		gid_t gid = getgid();
		if (unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0)
			return -1;
		snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)uid,
			 (unsigned)uid);
		if (bh_write_knob("/proc/self/setgroups", "deny") != 0 ||
		    bh_write_knob("/proc/self/uid_map", map) != 0)
			return -1;
		snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)gid,
			 (unsigned)gid);
		if (bh_write_knob("/proc/self/gid_map", map) != 0)
			return -1;
	} else if (unshare(CLONE_NEWNS) != 0) {
		return -1;
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		return -1;
	cleanup_free char *empty_dir = bh_xasprintf("%s/empty.d", r->vmdir);
	cleanup_free char *empty_file = bh_xasprintf("%s/empty", r->vmdir);
	for (size_t i = 0; i < r->n_hostmounts; i++) {
		const struct bh_vm_hostmount *h = &r->hostmounts[i];
		const char *src = h->kind == 'd'   ? empty_dir
				  : h->kind == 'f' ? empty_file
						   : h->path;
		struct stat st;
		if (lstat(h->path, &st) != 0)
			continue; /* nothing there (any more) */
		if (mount(src, h->path, NULL, MS_BIND | MS_REC, NULL) != 0)
			return -1;
		if (h->kind != 'b' &&
		    mount(NULL, h->path, NULL,
			  MS_BIND | MS_REMOUNT | MS_RDONLY |
				  kept_flags(h->path),
			  NULL) != 0)
			return -1;
	}
	return 0;
}

static __attribute__((noreturn)) void exec_qemu(const struct bh_vm_run *r,
						pid_t monitor)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	/* Its own process group: a Ctrl-C meant for the command must not
	 * stop the machine under it. */
	(void)setpgid(0, 0);
	cleanup_free char *log = bh_xasprintf("%s/qemu.log", r->vmdir);
	int lfd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int nul = open("/dev/null", O_RDWR | O_CLOEXEC);
	int kfd = fcntl(r->kernel_fd, F_DUPFD_CLOEXEC, 10);
	int ifd = fcntl(r->initrd_fd, F_DUPFD_CLOEXEC, 10);
	if (lfd < 0 || nul < 0 || kfd < 0 || ifd < 0 || dup2(nul, 0) < 0 ||
	    dup2(nul, 1) < 0 || dup2(lfd, 2) < 0 || dup2(kfd, 3) < 0 ||
	    dup2(ifd, 4) < 0)
		_exit(125);
	(void)syscall(SYS_close_range, 5U, ~0U, 0);
	if (host_view(r) != 0) {
		dprintf(2, "bulkhead: qemu's view of the host: %s\n",
			strerror(errno));
		_exit(125);
	}
	if (r->set_ids) {
		if (fchown(2, r->uid, r->gid) != 0)
			_exit(125);
		if (setgroups(0, NULL) != 0 ||
		    setresgid(r->gid, r->gid, r->gid) != 0 ||
		    setresuid(r->uid, r->uid, r->uid) != 0)
			_exit(125);
	}
	/* After the identity change, which clears it. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 ||
	    getppid() != monitor)
		_exit(125);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		_exit(125);
	execv(r->qemu_argv[0], r->qemu_argv);
	_exit(127);
}

/* The last lines of a log, to say why a VM ended early. */
static void print_tail(const char *path, const char *what)
{
	char *text = NULL;
	size_t n = 0;
	if (bh_read_file(path, 1u << 20, &text, &n, NULL) != 0 || !n) {
		free(text);
		return;
	}
	size_t lines = 0, i = n;
	while (i > 0 && lines < 8)
		if (text[--i] == '\n' && i + 1 < n)
			lines++;
	fprintf(stderr, "bulkhead: microvm: %s (last lines):\n%s%s", what,
		text + (i ? i + 1 : 0), text[n - 1] == '\n' ? "" : "\n");
	free(text);
}

static double mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

struct mon {
	const struct bh_vm_run *r;
	int conn;
	struct bh_strbuf in; /* bytes from the guest not yet framed */
	bool have_status;
	int status;
	/* Warm mode: the guest is ready, and the client being served. */
	bool ready;
	int client;
	struct bh_strbuf cin;
	bool quitting; /* a client or a signal asked the VM to power off */
	char **argv;    /* the served command, for its record */
	size_t n_argv;
	double started;
};

/* The end of a command: acknowledged to the guest; in warm mode passed
 * on to the client, whose turn ends. */
static void command_ended(struct mon *m, char type, const unsigned char *p,
			  uint32_t len)
{
	bh_frame_send(m->conn, BH_FRAME_ACK, NULL, 0);
	if (m->r->serve_fd < 0) {
		m->have_status = true;
		return;
	}
	if (m->argv && m->r->exec_record) {
		int st = m->status;
		m->r->exec_record(m->r->exec_ctx, m->argv, st,
				  mono_ms() - m->started);
	}
	bh_strv_free(m->argv);
	m->argv = NULL;
	m->n_argv = 0;
	if (m->client >= 0) {
		(void)bh_frame_send(m->client, type, p, len);
		close(m->client);
		m->client = -1;
		m->cin.len = 0;
	}
}

/* One frame from the guest. */
static void guest_frame(struct mon *m, char type, const unsigned char *p,
			uint32_t len)
{
	const struct bh_vm_run *r = m->r;
	bool warm = r->serve_fd >= 0;
	switch (type) {
	case BH_FRAME_READY:
		m->ready = true;
		return;
	case BH_FRAME_STDOUT:
	case BH_FRAME_STDERR:
		if (warm) {
			if (m->client >= 0)
				(void)bh_frame_send(m->client, type, p, len);
		} else {
			(void)bh_frame_write_all(type == BH_FRAME_STDOUT
							 ? r->out_fd
							 : r->err_fd,
						 p, len);
		}
		return;
	case BH_FRAME_STATUS:
		if (len < 4)
			return;
		m->status = (int)bh_frame_le32(p);
		break;
	case BH_FRAME_NOTFOUND:
	case BH_FRAME_NOEXEC:
		if (len < 4)
			return;
		if (!warm)
			fprintf(stderr, "bulkhead: %s: %s\n", r->cmd_name,
				type == BH_FRAME_NOTFOUND
					? "command not found"
					: strerror((int)bh_frame_le32(p)));
		m->status = W_EXITCODE(type == BH_FRAME_NOTFOUND ? 127 : 126,
				       0);
		break;
	case BH_FRAME_SETUP:
		if (len < 4)
			return;
		fprintf(stderr,
			"bulkhead: microvm: guest setup failed at %.*s: %s\n",
			(int)(len - 4), (const char *)p + 4,
			strerror((int)bh_frame_le32(p)));
		m->status = W_EXITCODE(125, 0);
		break;
	default:
		return;
	}
	command_ended(m, type, p, len);
}

/* Takes the whole frames out of b, handing each to fn.  false when b
 * holds something that is not a frame. */
static bool drain_frames(struct bh_strbuf *b, struct mon *m,
			 void (*fn)(struct mon *, char, const unsigned char *,
				    uint32_t))
{
	size_t off = 0;
	bool ok = true;
	for (;;) {
		char type;
		const unsigned char *p;
		uint32_t len;
		long n = bh_frame_next((const unsigned char *)b->buf + off,
				       b->len - off, &type, &p, &len);
		if (n < 0)
			ok = false;
		if (n <= 0)
			break;
		fn(m, type, p, len);
		off += (size_t)n;
	}
	if (b->len) {
		memmove(b->buf, b->buf + off, b->len - off);
		b->len -= off;
	}
	return ok;
}

/* Reads from fd into b; false at EOF or on an error. */
static bool read_into(int fd, struct bh_strbuf *b)
{
	char buf[65536];
	ssize_t n = read(fd, buf, sizeof(buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0)
		return false;
	bh_strbuf_append(b, buf, (size_t)n);
	return true;
}

/* Reads from the guest; false at EOF. */
static bool from_guest(struct mon *m)
{
	return read_into(m->conn, &m->in) &&
	       drain_frames(&m->in, m, guest_frame);
}

/* A client's frame: a command, its stdin, a signal, or quit. */
static void client_frame(struct mon *m, char type, const unsigned char *p,
			 uint32_t len)
{
	if (type == BH_FRAME_QUIT)
		m->quitting = true;
	if (type == BH_FRAME_EXEC && !m->argv) {
		/* Its argv, as the guest will read it, for the record. */
		size_t off = 0;
		while (off < len) {
			const char *k = (const char *)p + off;
			size_t kl = strnlen(k, len - off);
			if (off + kl + 1 >= len)
				break;
			const char *v = k + kl + 1;
			size_t vl = strnlen(v, len - off - kl - 1);
			if (!strcmp(k, BH_CFG_ARG))
				bh_strv_push(&m->argv, &m->n_argv,
					     bh_xstrndup(v, vl));
			off += kl + 1 + vl + 1;
		}
		if (!m->argv)
			bh_strv_push(&m->argv, &m->n_argv, bh_xstrdup(""));
		m->started = mono_ms();
	}
	if (type == BH_FRAME_EXEC || type == BH_FRAME_STDIN ||
	    type == BH_FRAME_SIGNAL || type == BH_FRAME_QUIT)
		(void)bh_frame_send(m->conn, type, p, len);
}

static int listen_at(const struct bh_vm_run *r, const char *name)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int n = snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s",
			 r->vmdir, name);
	if (n < 0 || (size_t)n >= sizeof(sa.sun_path)) {
		fprintf(stderr, "bulkhead: microvm: socket path too long: "
				"%s/%s (set TMPDIR shorter)\n",
			r->vmdir, name);
		return -1;
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    (r->set_ids && chown(sa.sun_path, r->uid, r->gid) != 0) ||
	    listen(fd, 1) != 0) {
		fprintf(stderr, "bulkhead: microvm: %s: %s\n", sa.sun_path,
			strerror(errno));
		return -1;
	}
	return fd;
}

/* Waits for qemu's connection; -1 when qemu died first or took too long. */
static int accept_qemu(int lfd, pid_t qemu)
{
	double end = mono_ms() + 30000;
	while (mono_ms() < end) {
		struct pollfd pf = {.fd = lfd, .events = POLLIN};
		if (poll(&pf, 1, 100) > 0)
			return accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (waitpid(qemu, NULL, WNOHANG) == qemu)
			return -2;
	}
	return -1;
}

/*
 * The host end of the egress channel (guest/netmux.h), in a process of its
 * own beside the monitor: one connection to the proxy's socket per guest
 * stream.  What the guest sends it is untrusted; netmux parses it within
 * fixed bounds, and the proxy decides where anything goes.  It runs as the
 * sandbox's uid, holds only the channel, and dies with the monitor.
 */
static int start_net_relay(const struct bh_vm_run *r, int chan)
{
	pid_t monitor = getpid();
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0)
		return 0;
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 ||
	    getppid() != monitor)
		_exit(1);
	/* Only the channel: not the caller's terminal or anything else. */
	int c = fcntl(chan, F_DUPFD_CLOEXEC, 3);
	int nul = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (c < 0 || nul < 0 || dup2(c, 3) != 3 || dup2(nul, 0) != 0 ||
	    dup2(nul, 1) != 1 || dup2(nul, 2) != 2)
		_exit(1);
	(void)syscall(SYS_close_range, 4U, ~0U, 0);
	if (r->set_ids &&
	    (setgroups(0, NULL) != 0 ||
	     setresgid(r->gid, r->gid, r->gid) != 0 ||
	     setresuid(r->uid, r->uid, r->uid) != 0 ||
	     prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 ||
	     getppid() != monitor))
		_exit(1);
	(void)prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	bh_netmux_run(3, -1, r->proxy_sock);
	_exit(0);
}

static __attribute__((noreturn)) void finish(const struct bh_vm_run *r, struct mon *m, pid_t qemu,
		   bool qemu_reaped)
{
	/* After the acknowledgement the guest reboots at once; a VM that
	 * does not is stopped. */
	double end = mono_ms() + 10000;
	while (!qemu_reaped && mono_ms() < end) {
		if (waitpid(qemu, NULL, WNOHANG) == qemu)
			qemu_reaped = true;
		else
			(void)poll(NULL, 0, 20);
	}
	if (!qemu_reaped) {
		kill(qemu, SIGKILL);
		(void)waitpid(qemu, NULL, 0);
	}
	if (!m->have_status) {
		cleanup_free char *qlog = bh_xasprintf("%s/qemu.log", r->vmdir);
		cleanup_free char *clog =
			bh_xasprintf("%s/console.log", r->vmdir);
		fprintf(stderr, "bulkhead: microvm: the VM ended without the "
				"command's status\n");
		print_tail(qlog, "qemu");
		print_tail(clog, "guest console");
		m->status = W_EXITCODE(125, 0);
	}
	(void)!write(r->status_wr, &m->status, sizeof(m->status));
	_exit(0);
}

/*
 * Warm mode: clients of the serve socket, one at a time, each a command.
 * A client that goes away mid-command has the command killed; SIGTERM,
 * SIGINT or SIGHUP (the supervisor ending the session) or a client's
 * BH_FRAME_QUIT powers the VM off.
 */
static __attribute__((noreturn)) void serve(struct mon *m, pid_t qemu,
					    int sfd)
{
	const struct bh_vm_run *r = m->r;
	bool reaped = false;
	while (!reaped) {
		bool take = m->ready && m->client < 0 && !m->quitting;
		struct pollfd pf[4] = {
			{.fd = m->conn, .events = POLLIN},
			{.fd = sfd, .events = POLLIN},
			{.fd = take ? r->serve_fd : -1, .events = POLLIN},
			{.fd = m->client, .events = POLLIN},
		};
		if (poll(pf, 4, -1) < 0 && errno != EINTR)
			break;
		if (pf[0].revents && !from_guest(m))
			break;
		if (pf[1].revents) {
			struct signalfd_siginfo si;
			while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
				if (si.ssi_signo == SIGCHLD) {
					reaped = waitpid(qemu, NULL, WNOHANG) ==
						 qemu;
				} else if (si.ssi_signo == SIGTERM ||
					   si.ssi_signo == SIGINT ||
					   si.ssi_signo == SIGHUP) {
					m->quitting = true;
					bh_frame_send(m->conn, BH_FRAME_QUIT,
						      NULL, 0);
				}
			}
		}
		if (pf[2].revents)
			m->client = accept4(r->serve_fd, NULL, NULL,
					    SOCK_CLOEXEC);
		if (m->client >= 0 && pf[3].revents) {
			bool open = read_into(m->client, &m->cin) &&
				    drain_frames(&m->cin, m, client_frame);
			if (!open && m->client >= 0) {
				/* Gone: its command must not run on. */
				unsigned char b[4] = {SIGKILL, 0, 0, 0};
				bh_frame_send(m->conn, BH_FRAME_SIGNAL, b, 4);
				close(m->client);
				m->client = -1;
				m->cin.len = 0;
			}
		}
	}
	if (m->quitting) {
		m->have_status = true;
		m->status = 0;
	}
	finish(r, m, qemu, reaped);
}

void bh_vm_monitor(const struct bh_vm_run *r)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 ||
	    getppid() != r->supervisor)
		_exit(125);
	(void)setsid();
	/* The supervisor blocked these before the fork: take them here. */
	sigset_t set;
	sigemptyset(&set);
	int sigs[] = {SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1,
		      SIGUSR2, SIGWINCH};
	for (size_t i = 0; i < BH_ARRAY_SIZE(sigs); i++)
		sigaddset(&set, sigs[i]);
	sigprocmask(SIG_BLOCK, &set, NULL);
	int sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	struct mon m = {.r = r,
			.conn = -1,
			.client = -1,
			.status = W_EXITCODE(125, 0)};
	int lfd = listen_at(r, "io.sock");
	int nfd = r->proxy_sock ? listen_at(r, "net.sock") : -1;
	if (lfd < 0 || sfd < 0 || (r->proxy_sock && nfd < 0))
		finish(r, &m, -1, true);
	pid_t self = getpid();
	pid_t qemu = fork();
	if (qemu == 0)
		exec_qemu(r, self);
	if (qemu < 0)
		finish(r, &m, -1, true);
	m.conn = accept_qemu(lfd, qemu);
	close(lfd);
	if (m.conn < 0)
		finish(r, &m, qemu, m.conn == -2);
	if (nfd >= 0) {
		/* qemu connects its chardevs in order: this one at once. */
		int chan = accept_qemu(nfd, qemu);
		close(nfd);
		if (chan < 0 || start_net_relay(r, chan) != 0) {
			fprintf(stderr, "bulkhead: microvm: no egress channel\n");
			finish(r, &m, qemu, chan == -2);
		}
		close(chan);
	}
	if (r->serve_fd >= 0)
		serve(&m, qemu, sfd);
	int in_fd = r->in_fd;
	bool qemu_reaped = false;
	for (;;) {
		struct pollfd pf[3] = {{.fd = m.conn, .events = POLLIN},
				       {.fd = sfd, .events = POLLIN},
				       {.fd = in_fd, .events = POLLIN}};
		int np = in_fd >= 0 && !m.have_status ? 3 : 2;
		if (poll(pf, (nfds_t)np, -1) < 0 && errno != EINTR)
			break;
		if (pf[0].revents && !from_guest(&m))
			break;
		if (pf[1].revents) {
			struct signalfd_siginfo si;
			while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
				int sig = (int)si.ssi_signo;
				if (sig == SIGCHLD) {
					if (waitpid(qemu, NULL, WNOHANG) == qemu)
						qemu_reaped = true;
				} else {
					unsigned char b[4] = {sig & 0xff, 0, 0,
							      0};
					bh_frame_send(m.conn, BH_FRAME_SIGNAL, b,
						   4);
				}
			}
			if (qemu_reaped) {
				/* Whatever it sent before dying. */
				while (from_guest(&m))
					;
				break;
			}
		}
		if (np == 3 && pf[2].revents) {
			char buf[16384];
			ssize_t n = read(in_fd, buf, sizeof(buf));
			if (n > 0) {
				bh_frame_send(m.conn, BH_FRAME_STDIN, buf,
					   (uint32_t)n);
			} else if (n == 0 || errno != EINTR) {
				bh_frame_send(m.conn, BH_FRAME_STDIN, NULL, 0);
				in_fd = -1;
			}
		}
	}
	bh_strbuf_release(&m.in);
	finish(r, &m, qemu, qemu_reaped);
}
