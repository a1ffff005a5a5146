/* SPDX-License-Identifier: MIT */
/*
 * The sandbox's terminal and the relay.  Each test forks a child that
 * takes the pty as its controlling terminal the way the sandbox does
 * (setsid, bh_pty_child_setup) and then plays the sandboxed program:
 * prints escape sequences, pushes input with TIOCSTI, waits for a window
 * size change, reads to end of file.  The parent relays through pipes
 * or through a second pty standing in for the user's terminal.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "confine/pty.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "test.h"

#define E "\033"

static pid_t spawn_on_pty(struct bh_pty *pty, void (*body)(void))
{
	pid_t pid = fork();
	if (pid == 0) {
		if (setsid() < 0 || bh_pty_child_setup(pty) != 0)
			_exit(120);
		body();
		_exit(0);
	}
	if (pid > 0)
		bh_pty_parent_after_fork(pty);
	return pid;
}

/* Everything readable on fd now (fd non-blocking) or until EOF. */
static void drain(int fd, struct bh_strbuf *sb)
{
	char buf[4096];
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		bh_strbuf_append(sb, buf, (size_t)n);
}

static bool has(const struct bh_strbuf *sb, const char *s)
{
	return sb->buf && memmem(sb->buf, sb->len, s, strlen(s)) != NULL;
}

static int wait_status(pid_t pid)
{
	int st = -1;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return st;
}

/* A second pty pair, the slave standing in for the user's terminal. */
static bool user_terminal(int *m, int *s)
{
	*m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*m < 0 || grantpt(*m) || unlockpt(*m))
		return false;
	*s = open(ptsname(*m), O_RDWR | O_NOCTTY | O_CLOEXEC);
	return *s >= 0;
}

static bool same_modes(const struct termios *a, const struct termios *b)
{
	return a->c_iflag == b->c_iflag && a->c_oflag == b->c_oflag &&
	       a->c_cflag == b->c_cflag && a->c_lflag == b->c_lflag &&
	       !memcmp(a->c_cc, b->c_cc, sizeof(a->c_cc));
}

static void child_escapes(void)
{
	const char msg[] = "hello " E "]52;c;ZXZpbA==\a" E "[31mred" E "[0m " E
			   "]0;title\a" E "P+q544e" E "\\" E "[21t world\n";
	(void)!write(1, msg, sizeof(msg) - 1);
	/* Push a command into "the terminal": it can only be ours. */
	const char inj[] = "INJECT\n";
	int sti = 0;
	for (size_t i = 0; i < sizeof(inj) - 1; i++) {
		if (ioctl(0, TIOCSTI, &inj[i]) != 0) {
			sti = errno;
			break;
		}
	}
	char line[64] = {0};
	if (!sti && read(0, line, sizeof(line) - 1) > 0)
		line[strcspn(line, "\n")] = 0;
	int t = open("/dev/tty", O_RDWR | O_NOCTTY);
	dprintf(1, "sti=%d got=%s devtty=%d\n", sti, line, t >= 0 && isatty(t));
}

TEST(pty_relay_sanitises_output_and_keeps_tiocsti_inside)
{
	struct bh_pty *pty = NULL;
	struct bh_error *err = NULL;
	REQUIRE(bh_pty_open(-1, &pty, &err) == 0);
	int in[2], out[2];
	REQUIRE(pipe2(in, O_CLOEXEC) == 0 && pipe2(out, O_CLOEXEC) == 0);
	pid_t pid = spawn_on_pty(pty, child_escapes);
	REQUIRE(pid > 0);

	int r = bh_pty_relay(pty, in[0], out[1], -1, 0, NULL, &err);
	CHECK_INT(r, 0);
	int st = wait_status(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	close(out[1]);
	struct bh_strbuf sb = BH_STRBUF_INIT;
	drain(out[0], &sb);

	CHECK(has(&sb, "hello " E "[31mred" E "[0m  world"));
	CHECK(!has(&sb, "ZXZpbA") && !has(&sb, "title") && !has(&sb, "544e") &&
	      !has(&sb, "21t"));
	CHECK(!has(&sb, E "]") && !has(&sb, E "P"));
	CHECK(has(&sb, "devtty=1"));
	/* Where the kernel allows TIOCSTI (its own controlling terminal,
	 * dev.tty.legacy_tiocsti=1 or CAP_SYS_ADMIN), the bytes went into
	 * the sandbox's own input; else it was refused.  Never ours. */
	CHECK(has(&sb, "sti=0 got=INJECT") || has(&sb, "sti=1 got=") ||
	      has(&sb, "sti=5 got="));
	int pending = -1;
	CHECK(ioctl(in[0], FIONREAD, &pending) == 0 && pending == 0);

	struct bh_sanitizer_stats stats;
	bh_pty_stats(pty, &stats);
	CHECK_INT(stats.osc, 2);
	CHECK_INT(stats.string, 1);
	CHECK_INT(stats.csi, 1);
	if (r || !WIFEXITED(st))
		fprintf(stderr, "  output: %s\n  error: %s\n",
			sb.buf ? sb.buf : "", err ? err->msg : "-");
	bh_strbuf_release(&sb);
	bh_error_free(err);
	bh_pty_close(pty);
	close(in[0]);
	close(in[1]);
	close(out[0]);
}

static void child_reads_to_eof(void)
{
	char buf[256];
	size_t total = 0, reads = 0;
	ssize_t n;
	while ((n = read(0, buf, sizeof(buf))) > 0) {
		total += (size_t)n;
		reads++;
	}
	dprintf(1, "read=%zu in=%zu eof=%d\n", total, reads, n == 0);
}

TEST(pty_eof_on_input_types_veof)
{
	struct bh_pty *pty = NULL;
	struct bh_error *err = NULL;
	REQUIRE(bh_pty_open(-1, &pty, &err) == 0);
	int in[2], out[2], sig[2];
	REQUIRE(pipe2(in, O_CLOEXEC) == 0 && pipe2(out, O_CLOEXEC) == 0 &&
		pipe2(sig, O_CLOEXEC) == 0);
	/* An unfinished line: VEOF twice, the first passes "abc" on. */
	REQUIRE(write(in[1], "abc", 3) == 3);
	close(in[1]);
	/* A pending "window changed" with nothing to follow: harmless. */
	REQUIRE(write(sig[1], "w", 1) == 1);
	pid_t pid = spawn_on_pty(pty, child_reads_to_eof);
	REQUIRE(pid > 0);

	CHECK_INT(bh_pty_relay(pty, in[0], out[1], sig[0], 0, NULL, &err), 0);
	int st = wait_status(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	close(out[1]);
	struct bh_strbuf sb = BH_STRBUF_INIT;
	drain(out[0], &sb);
	CHECK(has(&sb, "read=3 in=1 eof=1"));
	if (!has(&sb, "eof=1"))
		fprintf(stderr, "  output: %s\n", sb.buf ? sb.buf : "");
	bh_strbuf_release(&sb);
	bh_error_free(err);
	bh_pty_close(pty);
	close(in[0]);
	close(out[0]);
	close(sig[0]);
	close(sig[1]);
}

static void print_size(void)
{
	struct winsize ws = {0};
	(void)ioctl(0, TIOCGWINSZ, &ws);
	dprintf(1, "size=%ux%u\n", ws.ws_row, ws.ws_col);
}

static void child_waits_for_resize(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGWINCH);
	sigprocmask(SIG_BLOCK, &set, NULL);
	struct termios t;
	dprintf(1, "canon=%d ", tcgetattr(0, &t) == 0 && (t.c_lflag & ICANON));
	print_size();
	struct timespec ts = {10, 0};
	if (sigtimedwait(&set, NULL, &ts) == SIGWINCH)
		print_size();
}

TEST(pty_window_size_follows_the_terminal)
{
	int um = -1, us = -1;
	REQUIRE(user_terminal(&um, &us));
	struct winsize ws = {.ws_row = 30, .ws_col = 100};
	REQUIRE(ioctl(um, TIOCSWINSZ, &ws) == 0);
	struct termios before, during, after;
	REQUIRE(tcgetattr(us, &before) == 0);

	struct bh_pty *pty = NULL;
	struct bh_error *err = NULL;
	REQUIRE(bh_pty_open(us, &pty, &err) == 0);
	int out[2];
	REQUIRE(pipe2(out, O_CLOEXEC | O_NONBLOCK) == 0);
	pid_t pid = spawn_on_pty(pty, child_waits_for_resize);
	REQUIRE(pid > 0);

	REQUIRE(bh_pty_relay_begin(pty, us, out[1], 0, &err) == 0);
	CHECK(tcgetattr(us, &during) == 0 && !(during.c_lflag & ICANON) &&
	      !(during.c_lflag & ISIG));
	struct bh_strbuf sb = BH_STRBUF_INIT;
	bool resized = false;
	int r = -1;
	for (int i = 0; i < 200; i++) {
		r = bh_pty_relay_step(pty, -1, 50, &err);
		drain(out[0], &sb);
		if (r < 0 || r == BH_PTY_DONE)
			break;
		if (!resized && has(&sb, "size=30x100")) {
			ws.ws_row = 40;
			ws.ws_col = 120;
			CHECK(ioctl(um, TIOCSWINSZ, &ws) == 0);
			CHECK(bh_pty_sync_winsize(pty, &err) == 0);
			resized = true;
		}
	}
	CHECK_INT(r, BH_PTY_DONE);
	bh_pty_relay_end(pty);
	drain(out[0], &sb);
	/* The pty had the user's modes (canonical) and size from the
	 * start, and the new size after the change. */
	CHECK(has(&sb, "canon=1 size=30x100"));
	CHECK(has(&sb, "size=40x120"));
	CHECK(tcgetattr(us, &after) == 0 && same_modes(&before, &after));
	if (!has(&sb, "size=40x120"))
		fprintf(stderr, "  output: %s\n", sb.buf ? sb.buf : "");
	int st = wait_status(pid);
	CHECK(WIFEXITED(st));
	bh_strbuf_release(&sb);
	bh_error_free(err);
	bh_pty_close(pty);
	close(out[0]);
	close(out[1]);
	close(um);
	close(us);
}

static void child_lingers(void)
{
	(void)!write(1, "x", 1);
	sleep(10);
}

TEST(pty_relay_restores_the_terminal_on_error)
{
	int um = -1, us = -1;
	REQUIRE(user_terminal(&um, &us));
	struct termios before, after;
	REQUIRE(tcgetattr(us, &before) == 0);
	struct bh_pty *pty = NULL;
	struct bh_error *err = NULL;
	REQUIRE(bh_pty_open(us, &pty, &err) == 0);
	int out[2];
	REQUIRE(pipe2(out, O_CLOEXEC) == 0);
	close(out[0]); /* the user's terminal is gone */
	pid_t pid = spawn_on_pty(pty, child_lingers);
	REQUIRE(pid > 0);

	struct sigaction ign = {.sa_handler = SIG_IGN}, old;
	sigaction(SIGPIPE, &ign, &old);
	int r = bh_pty_relay(pty, us, out[1], -1, 0, NULL, &err);
	sigaction(SIGPIPE, &old, NULL);
	CHECK_INT(r, -EPIPE);
	CHECK(err && strstr(err->msg, "writing to the terminal"));
	CHECK(tcgetattr(us, &after) == 0 && same_modes(&before, &after));

	kill(pid, SIGKILL);
	wait_status(pid);
	bh_error_free(err);
	bh_pty_close(pty);
	close(out[1]);
	close(um);
	close(us);
}

static void child_sleeps(void)
{
	sleep(10);
}

TEST(pty_step_returns_for_wake_timeout_and_hangup)
{
	struct bh_pty *pty = NULL;
	struct bh_error *err = NULL;
	REQUIRE(bh_pty_open(-1, &pty, &err) == 0);
	int out[2], wake[2];
	REQUIRE(pipe2(out, O_CLOEXEC) == 0 && pipe2(wake, O_CLOEXEC) == 0);
	pid_t pid = spawn_on_pty(pty, child_sleeps);
	REQUIRE(pid > 0);

	CHECK(bh_pty_relay_step(pty, -1, 0, &err) < 0);
	bh_error_free(err);
	err = NULL;
	REQUIRE(bh_pty_relay_begin(pty, -1, out[1], 0, &err) == 0);
	CHECK_INT(bh_pty_relay_step(pty, wake[0], 30, &err), BH_PTY_TIMEOUT);
	REQUIRE(write(wake[1], "s", 1) == 1);
	CHECK_INT(bh_pty_relay_step(pty, wake[0], 5000, &err), BH_PTY_WAKE);
	/* Not read: the caller reads its own fd. */
	CHECK_INT(bh_pty_relay_step(pty, wake[0], 5000, &err), BH_PTY_WAKE);
	kill(pid, SIGKILL);
	wait_status(pid);
	CHECK_INT(bh_pty_relay_step(pty, -1, 5000, &err), BH_PTY_DONE);
	bh_pty_relay_end(pty);
	bh_pty_relay_end(pty);
	bh_error_free(err);
	bh_pty_close(pty);
	close(out[0]);
	close(out[1]);
	close(wake[0]);
	close(wake[1]);
}

#define FLOOD_CHUNKS 256

static void child_floods(void)
{
	/* 256 KiB of text with a title change every KiB, then exit at
	 * once, in the alternate screen with the cursor hidden. */
	char chunk[1024 + 16];
	memset(chunk, 'x', 1024);
	memcpy(chunk + 1024, E "]0;t\a", 6);
	for (int i = 0; i < FLOOD_CHUNKS; i++) {
		size_t off = 0;
		while (off < 1030) {
			ssize_t n = write(1, chunk + off, 1030 - off);
			if (n <= 0)
				_exit(3);
			off += (size_t)n;
		}
	}
	(void)!write(1, E "[?1049h" E "[?25l", 14);
}

TEST(pty_relay_drains_output_after_exit)
{
	struct bh_pty *pty = NULL;
	struct bh_error *err = NULL;
	REQUIRE(bh_pty_open(-1, &pty, &err) == 0);
	/* A file as the user's side: written as it is, blocking. */
	int out = memfd_create("pty-out", MFD_CLOEXEC);
	REQUIRE(out >= 0);
	pid_t pid = spawn_on_pty(pty, child_floods);
	REQUIRE(pid > 0);
	CHECK_INT(bh_pty_relay(pty, -1, out, -1, 0, NULL, &err), 0);
	int st = wait_status(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);

	struct bh_strbuf sb = BH_STRBUF_INIT;
	REQUIRE(lseek(out, 0, SEEK_SET) == 0);
	drain(out, &sb);
	size_t xs = 0;
	for (size_t i = 0; i < sb.len; i++)
		xs += sb.buf[i] == 'x';
	CHECK_INT(xs, FLOOD_CHUNKS * 1024);
	CHECK(!has(&sb, E "]"));
	/* The modes it left on are switched back off at the end. */
	const char tail[] = E "[?1049h" E "[?25l" E "[?25h" E "[?1049l";
	CHECK(sb.len >= sizeof(tail) - 1 &&
	      !memcmp(sb.buf + sb.len - (sizeof(tail) - 1), tail,
		      sizeof(tail) - 1));
	struct bh_sanitizer_stats stats;
	bh_pty_stats(pty, &stats);
	CHECK_INT(stats.osc, FLOOD_CHUNKS);
	bh_strbuf_release(&sb);
	bh_error_free(err);
	bh_pty_close(pty);
	close(out);
}

TEST(pty_open_keeps_descriptors_above_stdio)
{
	/* With 0-2 closed, posix_openpt would hand out 0 and 1; the child's
	 * dup2 onto 0-2 must not overwrite the pty's own descriptors. */
	pid_t pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		close(0);
		close(1);
		struct bh_pty *pty = NULL;
		if (bh_pty_open(-1, &pty, NULL) != 0)
			_exit(2);
		if (bh_pty_slave_fd(pty) <= 2)
			_exit(3);
		pid_t c = fork();
		if (c == 0) {
			if (setsid() < 0 || bh_pty_child_setup(pty) != 0)
				_exit(4);
			(void)!write(1, "ok\n", 3);
			_exit(0);
		}
		int out[2];
		if (pipe(out) != 0)
			_exit(5);
		int r = bh_pty_relay(pty, -1, out[1], -1, 0, NULL, NULL);
		char buf[16] = {0};
		(void)!read(out[0], buf, sizeof(buf) - 1);
		_exit(r == 0 && !strncmp(buf, "ok", 2) ? 0 : 6);
	}
	int st = wait_status(pid);
	CHECK(WIFEXITED(st));
	CHECK_INT(WEXITSTATUS(st), 0);
}
