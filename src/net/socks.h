/* SPDX-License-Identifier: MIT */
/*
 * The SOCKS5 handshake (RFC 1928, RFC 1929), pure and fuzzed.  Each parser
 * takes the bytes received so far and returns 0 with *used set when a whole
 * message is there, -EAGAIN when more are needed, -EINVAL with *why when
 * the message must be refused.  Hosts go through bh_host_canon(), so a
 * DOMAINNAME holding NUL ("evil.com\0.allowed.com", threat 51) or any odd
 * byte is refused, and address types become the same canonical hosts that
 * the rules match.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/host.h"

enum {
	BH_SOCKS_M_NOAUTH = 1u << 0,   /* method 0x00 offered */
	BH_SOCKS_M_USERPASS = 1u << 1, /* method 0x02 offered */
};

/* Replies (RFC 1928 section 6). */
enum {
	BH_SOCKS_OK = 0x00,
	BH_SOCKS_FAIL = 0x01,
	BH_SOCKS_NOT_ALLOWED = 0x02,
	BH_SOCKS_NET_UNREACH = 0x03,
	BH_SOCKS_HOST_UNREACH = 0x04,
	BH_SOCKS_REFUSED = 0x05,
	BH_SOCKS_TTL = 0x06,
	BH_SOCKS_CMD_UNSUPPORTED = 0x07,
	BH_SOCKS_ATYP_UNSUPPORTED = 0x08,
};

/* VER NMETHODS METHODS...: *methods gets BH_SOCKS_M_* bits. */
int bh_socks_parse_greeting(const uint8_t *buf, size_t len, size_t *used,
			    unsigned *methods, const char **why);

/* RFC 1929 VER ULEN UNAME PLEN PASSWD.  user and pass (>= 256 bytes each)
 * get NUL-terminated copies; a name or password holding NUL is refused. */
int bh_socks_parse_userpass(const uint8_t *buf, size_t len, size_t *used,
			    char *user, char *pass, const char **why);

struct bh_socks_req {
	uint8_t cmd;  /* 1 = CONNECT; anything else is parsed, then refused */
	uint8_t atyp; /* 1 IPv4, 3 domain, 4 IPv6 */
	struct bh_host host;
	unsigned port;
};

/* VER CMD RSV ATYP DST.ADDR DST.PORT.  On -EINVAL, *reply is the SOCKS
 * reply code to send (unknown address type, bad host, ...). */
int bh_socks_parse_request(const uint8_t *buf, size_t len, size_t *used,
			   struct bh_socks_req *out, uint8_t *reply,
			   const char **why);

/* Writes the 10-byte reply "05 rep 00 01 0.0.0.0:0" into out. */
void bh_socks_reply(uint8_t rep, uint8_t out[10]);
