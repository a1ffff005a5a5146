/* SPDX-License-Identifier: MIT */
/*
 * The sandbox's own terminal and the relay between it and the user's.
 *
 * Defends against: input injection into the user's terminal with TIOCSTI
 * or TIOCLINUX (the command's controlling terminal is a pty whose master
 * the supervisor holds, so pushed bytes land in the sandbox's own input
 * queue: threats.md 72, 73); escape sequences acting on the user's
 * terminal (output passes the sanitiser: 74); the user's terminal left
 * raw, or in a mode the command switched on, after the run.
 *
 * Assumes: a single-threaded supervisor that ignores SIGPIPE; nobody else
 * reads the user's terminal while we relay (the user's shell waits for
 * us).  The user's descriptors are never made non-blocking: O_NONBLOCK
 * lives in the open file description, which the user's shell shares.
 */
#include "confine/pty.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "core/util.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

#define READ_MAX 4096	  /* bytes read from either side at once */
#define END_FLUSH_MS 1000 /* how long bh_pty_relay_end() may write */

struct bh_pty {
	int master;
	int slave;

	/* Between bh_pty_relay_begin() and bh_pty_relay_end(). */
	bool relaying;
	int in_fd;   /* the user's side, not owned */
	int out_fd;  /* out_own or the caller's */
	int out_own; /* our non-blocking reopen of out_fd, or -1 */
	int size_fd; /* the terminal whose window size we follow, or -1 */
	bool raw;    /* in_fd is in raw mode; `saved` holds its modes */
	struct termios saved;
	bool in_eof;	       /* no more reads from in_fd */
	bool hup;	       /* the child side closed */
	unsigned char last_in; /* last byte written to the master */
	bool sent_any;
	struct bh_sanitizer *san;

	char in[READ_MAX];
	size_t in_off, in_len;
	char out[BH_SANITIZER_OUT_MAX(READ_MAX) + BH_SANITIZER_FINISH_MAX];
	size_t out_off, out_len;
};

/* Moves fd above 2, so that dup2() onto 0-2 in the child cannot
 * overwrite it, and keeps it close-on-exec. */
static int move_above_stdio(int *fd)
{
	if (*fd > 2)
		return 0;
	int n = fcntl(*fd, F_DUPFD_CLOEXEC, 3);
	if (n < 0)
		return -errno;
	(void)close(*fd);
	*fd = n;
	return 0;
}

static int open_slave(int master, struct bh_error **err)
{
	int s = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s >= 0)
		return s;
	if (errno != EINVAL && errno != ENOTTY)
		return bh_error_sys(err, errno,
				    "opening the pty's slave (TIOCGPTPEER)");
	/* Before Linux 4.13: by name, in the devpts we opened ptmx in. */
	char name[64];
	if (ptsname_r(master, name, sizeof(name)) != 0)
		return bh_error_sys(err, errno, "naming the pseudo-terminal");
	s = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s < 0)
		return bh_error_sys(err, errno, "opening %s", name);
	return s;
}

int bh_pty_open(int like, struct bh_pty **out, struct bh_error **err)
{
	cleanup_fd int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0)
		return bh_error_sys(err, errno,
				    "opening a pseudo-terminal (/dev/ptmx)");
	if (grantpt(m) != 0 || unlockpt(m) != 0)
		return bh_error_sys(err, errno,
				    "unlocking the pseudo-terminal");
	cleanup_fd int s = open_slave(m, err);
	if (s < 0)
		return s;
	int r = move_above_stdio(&m);
	if (r == 0)
		r = move_above_stdio(&s);
	if (r)
		return bh_error_sys(err, -r, "moving the pty's descriptors");

	struct winsize ws = {.ws_row = 24, .ws_col = 80};
	if (like >= 0 && isatty(like)) {
		struct termios t;
		if (tcgetattr(like, &t) == 0 && tcsetattr(s, TCSANOW, &t) != 0)
			return bh_error_sys(err, errno,
					    "copying the terminal's modes");
		struct winsize lw;
		if (ioctl(like, TIOCGWINSZ, &lw) == 0 && lw.ws_row && lw.ws_col)
			ws = lw;
	}
	if (ioctl(m, TIOCSWINSZ, &ws) != 0)
		return bh_error_sys(err, errno,
				    "setting the pty's window size");

	struct bh_pty *p = bh_xcalloc(1, sizeof(*p));
	p->master = steal_fd(&m);
	p->slave = steal_fd(&s);
	p->in_fd = p->out_fd = p->out_own = p->size_fd = -1;
	*out = p;
	return 0;
}

int bh_pty_child_setup(const struct bh_pty *pty)
{
	int s = pty->slave;
	if (s < 0)
		return -EBADF;
	/* Argument 0: never steal a terminal that is some other session's
	 * controlling terminal (that needs CAP_SYS_ADMIN and arg 1). */
	if (ioctl(s, TIOCSCTTY, 0) != 0)
		return -errno;
	for (int fd = 0; fd <= 2; fd++)
		if (dup2(s, fd) < 0)
			return -errno;
	/* Both are above 2 (bh_pty_open) and close-on-exec; closing the
	 * master now keeps it out of reach of everything before exec. */
	(void)close(s);
	(void)close(pty->master);
	return 0;
}

void bh_pty_parent_after_fork(struct bh_pty *pty)
{
	if (pty->slave >= 0)
		(void)close(pty->slave);
	pty->slave = -1;
}

int bh_pty_slave_fd(const struct bh_pty *pty)
{
	return pty->slave;
}

/*
 * A private, non-blocking description of out_fd when it is a terminal or
 * a pipe (reopening other character devices can have effects, a tape
 * rewinds), checked to be the same object; -1 to write to out_fd as it
 * is.  Already non-blocking: used as it is.
 */
static int reopen_nonblocking(int fd)
{
	struct stat st, st2;
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || (fl & O_NONBLOCK) || (fl & O_ACCMODE) == O_RDONLY ||
	    fstat(fd, &st) != 0)
		return -1;
	if (!S_ISFIFO(st.st_mode) && !(S_ISCHR(st.st_mode) && isatty(fd)))
		return -1;
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	int n = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	if (n < 0)
		return -1;
	if (fstat(n, &st2) != 0 || st2.st_dev != st.st_dev ||
	    st2.st_ino != st.st_ino || st2.st_rdev != st.st_rdev) {
		(void)close(n);
		return -1;
	}
	return n;
}

int bh_pty_relay_begin(struct bh_pty *pty, int in_fd, int out_fd,
		       unsigned flags, struct bh_error **err)
{
	if (pty->relaying)
		return bh_error_set(err, BH_EK_SYSTEM, EBUSY,
				    "the terminal relay is already running");
	bh_pty_parent_after_fork(pty);
	int fl = fcntl(pty->master, F_GETFL);
	if (fl < 0 || fcntl(pty->master, F_SETFL, fl | O_NONBLOCK) != 0)
		return bh_error_sys(err, errno, "configuring the pty");

	if (in_fd >= 0 && isatty(in_fd)) {
		if (tcgetattr(in_fd, &pty->saved) != 0)
			return bh_error_sys(err, errno,
					    "reading the terminal's modes");
		/* Raw: every key, ^C and ^Z included, goes to the sandbox's
		 * terminal, whose line discipline signals its foreground
		 * job, as under ssh or script. */
		struct termios raw = pty->saved;
		cfmakeraw(&raw);
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		if (tcsetattr(in_fd, TCSANOW, &raw) != 0)
			return bh_error_sys(err, errno,
					    "putting the terminal in raw mode");
		pty->raw = true;
	}
	pty->in_fd = in_fd;
	pty->in_eof = in_fd < 0;
	pty->hup = false;
	pty->sent_any = false;
	pty->in_off = pty->in_len = pty->out_off = pty->out_len = 0;
	pty->out_own = reopen_nonblocking(out_fd);
	pty->out_fd = pty->out_own >= 0 ? pty->out_own : out_fd;
	pty->size_fd = in_fd >= 0 && isatty(in_fd)     ? in_fd
		       : out_fd >= 0 && isatty(out_fd) ? out_fd
						       : -1;
	if (!pty->san)
		pty->san = bh_sanitizer_new(
		    flags & BH_PTY_LEGACY_8BIT ? BH_SANITIZER_LEGACY_8BIT : 0);
	pty->relaying = true;
	int r = bh_pty_sync_winsize(pty, err);
	if (r)
		bh_pty_relay_end(pty);
	return r;
}

int bh_pty_sync_winsize(struct bh_pty *pty, struct bh_error **err)
{
	struct winsize ws;
	if (!pty->relaying || pty->size_fd < 0)
		return 0;
	if (ioctl(pty->size_fd, TIOCGWINSZ, &ws) != 0)
		return bh_error_sys(err, errno,
				    "reading the terminal's window size");
	if (!ws.ws_row || !ws.ws_col)
		return 0;
	if (ioctl(pty->master, TIOCSWINSZ, &ws) != 0)
		return bh_error_sys(err, errno,
				    "setting the pty's window size");
	return 0;
}

/* Whether the pty's line discipline is at the start of a line, where
 * VEOF means end of file rather than "pass this line on". */
static bool at_line_start(const struct bh_pty *pty, const struct termios *t)
{
	unsigned char c = pty->last_in;
	return !pty->sent_any || c == '\n' || c == t->c_cc[VEOF] ||
	       (c == t->c_cc[VEOL] && c != _POSIX_VDISABLE) ||
	       (c == t->c_cc[VEOL2] && c != _POSIX_VDISABLE) ||
	       (c == '\r' && (t->c_iflag & ICRNL));
}

/*
 * EOF on in_fd.  Closing the master would hang up the sandbox's
 * terminal (SIGHUP, no more output); instead type VEOF, as a user
 * would type ^D, twice when a line is unfinished.  A program that
 * switched the pty out of canonical mode reads ^D as a key, so it gets
 * nothing: it never had an end of file from a terminal either.
 */
static void queue_eof(struct bh_pty *pty)
{
	struct termios t;
	pty->in_eof = true;
	if (tcgetattr(pty->master, &t) != 0 || !(t.c_lflag & ICANON) ||
	    t.c_cc[VEOF] == _POSIX_VDISABLE)
		return;
	pty->in_off = pty->in_len = 0;
	if (!at_line_start(pty, &t))
		pty->in[pty->in_len++] = (char)t.c_cc[VEOF];
	pty->in[pty->in_len++] = (char)t.c_cc[VEOF];
}

static void read_input(struct bh_pty *pty)
{
	ssize_t n = read(pty->in_fd, pty->in, sizeof(pty->in));
	if (n > 0) {
		pty->in_off = 0;
		pty->in_len = (size_t)n;
	} else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
		/* End of input, or the terminal went away (EIO). */
		queue_eof(pty);
	}
}

static void write_master(struct bh_pty *pty)
{
	ssize_t n = write(pty->master, pty->in + pty->in_off,
			  pty->in_len - pty->in_off);
	if (n > 0) {
		pty->in_off += (size_t)n;
		pty->last_in = (unsigned char)pty->in[pty->in_off - 1];
		pty->sent_any = true;
		if (pty->in_off == pty->in_len)
			pty->in_off = pty->in_len = 0;
	} else if (n < 0 && errno != EINTR && errno != EAGAIN) {
		/* The sandbox's side is gone: its input with it. */
		pty->in_off = pty->in_len = 0;
		pty->in_eof = true;
	}
}

/* Called only when the output buffer is empty, so the sanitised bytes
 * always fit (BH_SANITIZER_OUT_MAX). */
static void read_master(struct bh_pty *pty)
{
	char buf[READ_MAX];
	ssize_t n = read(pty->master, buf, sizeof(buf));
	if (n > 0) {
		pty->out_off = 0;
		pty->out_len =
		    bh_sanitizer_feed(pty->san, buf, (size_t)n, pty->out);
	} else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
		/* EIO: every slave descriptor is closed and what they wrote
		 * was read.  Undo the modes the command left on. */
		pty->hup = true;
		pty->out_off = 0;
		pty->out_len = bh_sanitizer_finish(pty->san, pty->out);
	}
}

static int write_output(struct bh_pty *pty, struct bh_error **err)
{
	ssize_t n = write(pty->out_fd, pty->out + pty->out_off,
			  pty->out_len - pty->out_off);
	if (n < 0 && errno != EINTR && errno != EAGAIN)
		return bh_error_sys(err, errno, "writing to the terminal");
	if (n > 0)
		pty->out_off += (size_t)n;
	if (pty->out_off == pty->out_len)
		pty->out_off = pty->out_len = 0;
	return 0;
}

static int ms_left(const struct timespec *start, int timeout_ms)
{
	if (timeout_ms < 0)
		return -1;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long long gone = (now.tv_sec - start->tv_sec) * 1000LL +
			 (now.tv_nsec - start->tv_nsec) / 1000000;
	return gone >= timeout_ms ? 0 : (int)(timeout_ms - gone);
}

enum { P_IN, P_MASTER, P_OUT, P_WAKE, P_N };

int bh_pty_relay_step(struct bh_pty *pty, int wake_fd, int timeout_ms,
		      struct bh_error **err)
{
	if (!pty->relaying)
		return bh_error_set(err, BH_EK_SYSTEM, EINVAL,
				    "the terminal relay is not running");
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		bool out_pending = pty->out_off < pty->out_len;
		bool in_pending = pty->in_off < pty->in_len;
		if (pty->hup && !out_pending)
			return BH_PTY_DONE;

		struct pollfd p[P_N];
		memset(p, 0, sizeof(p));
		p[P_IN].fd = -1;
		if (!pty->in_eof && !pty->hup && !in_pending) {
			p[P_IN].fd = pty->in_fd;
			p[P_IN].events = POLLIN;
		}
		/* The master only when there is room for what we read, or
		 * input for it: a hangup is reported whatever we ask, and
		 * would spin while the user's terminal is slow. */
		if (!pty->hup && !out_pending)
			p[P_MASTER].events |= POLLIN;
		if (!pty->hup && in_pending)
			p[P_MASTER].events |= POLLOUT;
		p[P_MASTER].fd = p[P_MASTER].events ? pty->master : -1;
		p[P_OUT].fd = out_pending ? pty->out_fd : -1;
		p[P_OUT].events = POLLOUT;
		p[P_WAKE].fd = wake_fd;
		p[P_WAKE].events = POLLIN;

		int r = poll(p, P_N, ms_left(&start, timeout_ms));
		if (r < 0 && errno == EINTR)
			return BH_PTY_INTERRUPTED;
		if (r < 0)
			return bh_error_sys(err, errno, "terminal relay: poll");
		if (r == 0)
			return BH_PTY_TIMEOUT;
		for (int i = 0; i < P_N; i++)
			if (p[i].revents & POLLNVAL)
				return bh_error_set(err, BH_EK_SYSTEM, EBADF,
						    "terminal relay: a "
						    "descriptor is not open");

		if (p[P_OUT].revents) {
			r = write_output(pty, err);
			if (r)
				return r;
		}
		if (in_pending && p[P_MASTER].revents)
			write_master(pty);
		if (!out_pending && p[P_MASTER].revents)
			read_master(pty);
		if (p[P_IN].revents)
			read_input(pty);
		if (p[P_WAKE].revents)
			return BH_PTY_WAKE;
	}
}

/* Writes what is pending, for at most END_FLUSH_MS. */
static void flush_pending(struct bh_pty *pty)
{
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (pty->out_off < pty->out_len) {
		struct pollfd p = {.fd = pty->out_fd, .events = POLLOUT};
		int left = ms_left(&start, END_FLUSH_MS);
		if (left == 0 || poll(&p, 1, left) <= 0 ||
		    (p.revents & (POLLERR | POLLNVAL)) ||
		    write_output(pty, NULL) != 0)
			break;
	}
	pty->out_off = pty->out_len = 0;
}

void bh_pty_relay_end(struct bh_pty *pty)
{
	if (!pty || !pty->relaying)
		return;
	if (!pty->hup) {
		/* Stopped early: the mode resets follow what is pending. */
		pty->out_len +=
		    bh_sanitizer_finish(pty->san, pty->out + pty->out_len);
		pty->hup = true;
	}
	flush_pending(pty);
	if (pty->raw) {
		/* TCSANOW: output already written was processed when it was
		 * written, and TCSADRAIN could wait forever on a terminal
		 * stopped with ^S. */
		(void)tcsetattr(pty->in_fd, TCSANOW, &pty->saved);
		pty->raw = false;
	}
	if (pty->out_own >= 0)
		(void)close(pty->out_own);
	pty->out_own = pty->out_fd = pty->in_fd = pty->size_fd = -1;
	pty->relaying = false;
}

int bh_pty_relay(struct bh_pty *pty, int in_fd, int out_fd, int sigfd,
		 unsigned flags, volatile bool *stop, struct bh_error **err)
{
	int r = bh_pty_relay_begin(pty, in_fd, out_fd, flags, err);
	if (r)
		return r;
	while (!(stop && *stop)) {
		r = bh_pty_relay_step(pty, sigfd, -1, err);
		if (r < 0 || r == BH_PTY_DONE)
			break;
		if (r == BH_PTY_WAKE) {
			/* A signalfd hands out whole records; anything else
			 * readable counts as one notification. */
			struct signalfd_siginfo si[8];
			if (read(sigfd, si, sizeof(si)) == 0) {
				r = bh_error_set(err, BH_EK_SYSTEM, EPIPE,
						 "terminal relay: the "
						 "signal descriptor closed");
				break;
			}
			r = bh_pty_sync_winsize(pty, err);
			if (r)
				break;
		}
	}
	bh_pty_relay_end(pty);
	return r < 0 ? r : 0;
}

void bh_pty_stats(const struct bh_pty *pty, struct bh_sanitizer_stats *st)
{
	if (pty->san)
		bh_sanitizer_stats(pty->san, st);
	else
		memset(st, 0, sizeof(*st));
}

void bh_pty_close(struct bh_pty *pty)
{
	if (!pty)
		return;
	bh_pty_relay_end(pty);
	if (pty->master >= 0)
		(void)close(pty->master);
	if (pty->slave >= 0)
		(void)close(pty->slave);
	bh_sanitizer_free(pty->san);
	free(pty);
}
