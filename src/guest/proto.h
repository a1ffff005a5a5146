/* SPDX-License-Identifier: MIT */
/*
 * What the microvm tier's host side and its guest init (src/guest/init.c)
 * say to each other.  Header only: the guest init is a separate static
 * binary and shares nothing else with bulkhead.
 *
 * The command's description goes in as a file (BH_GUEST_CONFIG) on a
 * read-only 9p share tagged BH_GUEST_CFG_TAG: a sequence of NUL-terminated
 * fields, each record a key field followed by a fixed number of value
 * fields (BH_CFG_* below).  No quoting is needed: argv, environment and
 * paths never contain NUL.
 *
 * Everything else travels on one virtio-serial port named BH_GUEST_PORT, in
 * frames: one type byte, a 4-byte little-endian length, the payload.  One
 * port keeps the order: all of the command's output reaches the host before
 * its status, and the guest powers off only after the host acknowledged
 * the status (BH_FRAME_ACK), so nothing is lost in a queue.
 */
#pragma once

#define BH_GUEST_PORT "bh.io"
#define BH_GUEST_CFG_TAG "bhcfg"
#define BH_GUEST_CONFIG "config"
#define BH_GUEST_PROBE_ARG "bh.probe"
#define BH_GUEST_PROBE_OK "BULKHEAD-PROBE-OK"

/* Config records: key, then the value fields. */
#define BH_CFG_SHARE "m"   /* tag, guest path, flags: "r" "w" "x", and "l"
			      for the guest's page cache (cache=loose) */
#define BH_CFG_SYMLINK "l" /* guest path, target */
#define BH_CFG_TMPFS "t"   /* guest path */
#define BH_CFG_DEVICE "d"  /* guest path (/dev/null, /dev/zero, ...) */
#define BH_CFG_PROC "P"    /* guest path (/proc) */
#define BH_CFG_SYSFS "S"   /* guest path (/sys) */
#define BH_CFG_HIDE "h"    /* guest path, kind ("d" directory, "f" other) */
#define BH_CFG_PROTECT "p" /* guest path */
#define BH_CFG_UID "u"     /* decimal */
#define BH_CFG_GID "g"     /* decimal */
#define BH_CFG_CWD "c"     /* guest path */
#define BH_CFG_PATH "x"    /* the search path for argv[0] */
#define BH_CFG_ARG "a"     /* one argv element, in order */
#define BH_CFG_ENV "e"     /* NAME=VALUE */
#define BH_CFG_WARM "w"    /* no values: serve commands (BH_FRAME_EXEC) */
#define BH_CFG_EGRESS "n"  /* decimal port: listen on 127.0.0.1:port and
			      relay to the proxy over BH_NET_PORT
			      (guest/netmux.h) */

/* Frames, guest to host. */
#define BH_FRAME_STDOUT 'o'
#define BH_FRAME_STDERR 'e'
#define BH_FRAME_STATUS 's'   /* 4 bytes: the command's wait status */
#define BH_FRAME_NOTFOUND 'n' /* 4 bytes: errno of exec (127) */
#define BH_FRAME_NOEXEC 'x'   /* 4 bytes: errno of exec (126) */
#define BH_FRAME_SETUP 'f'    /* 4 bytes errno, then the failed step */
#define BH_FRAME_READY 'R'    /* warm mode: the root is built */
/* Host to guest. */
#define BH_FRAME_ACK 'A'    /* no payload: the status arrived */
#define BH_FRAME_SIGNAL 'k' /* 4 bytes: a signal for the command */
#define BH_FRAME_STDIN 'i'  /* bytes for the command's stdin; empty: EOF */
#define BH_FRAME_EXEC 'c'   /* warm mode: run argv/cwd records */
#define BH_FRAME_QUIT 'q'   /* warm mode: power off */

#define BH_FRAME_MAX 65536

/* Shared by both ends (the guest init links nothing of bulkhead's). */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

static inline uint32_t bh_frame_le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline int bh_frame_write_all(int fd, const void *buf, size_t n)
{
	const char *p = (const char *)buf;
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* One frame: the 5-byte header, then the payload. */
static inline int bh_frame_send(int fd, char type, const void *data,
				uint32_t len)
{
	unsigned char hdr[5] = {(unsigned char)type, len & 0xff,
				(len >> 8) & 0xff, (len >> 16) & 0xff,
				(unsigned char)(len >> 24)};
	if (bh_frame_write_all(fd, hdr, sizeof(hdr)) != 0)
		return -1;
	return len ? bh_frame_write_all(fd, data, len) : 0;
}

/* The first whole frame in buf: its size (header included), or 0 when it
 * is not all there yet, or -1 when its length is out of range. */
static inline long bh_frame_next(const unsigned char *buf, size_t len,
				 char *type, const unsigned char **payload,
				 uint32_t *plen)
{
	if (len < 5)
		return 0;
	uint32_t n = bh_frame_le32(buf + 1);
	if (n > BH_FRAME_MAX)
		return -1;
	if (len < 5 + (size_t)n)
		return 0;
	*type = (char)buf[0];
	*payload = buf + 5;
	*plen = n;
	return 5 + (long)n;
}
