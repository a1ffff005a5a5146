/* SPDX-License-Identifier: MIT */
/* SOCKS5 handshake messages; see socks.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "net/socks.h"

int bh_socks_parse_greeting(const uint8_t *buf, size_t len, size_t *used,
			    unsigned *methods, const char **why)
{
	*methods = 0;
	if (len < 2)
		return -EAGAIN;
	if (buf[0] != 5) {
		*why = "not SOCKS version 5";
		return -EINVAL;
	}
	if (buf[1] == 0) {
		*why = "no authentication methods offered";
		return -EINVAL;
	}
	if (len < 2 + (size_t)buf[1])
		return -EAGAIN;
	for (size_t i = 0; i < buf[1]; i++) {
		if (buf[2 + i] == 0x00)
			*methods |= BH_SOCKS_M_NOAUTH;
		else if (buf[2 + i] == 0x02)
			*methods |= BH_SOCKS_M_USERPASS;
	}
	*used = 2 + (size_t)buf[1];
	return 0;
}

int bh_socks_parse_userpass(const uint8_t *buf, size_t len, size_t *used,
			    char *user, char *pass, const char **why)
{
	if (len < 2)
		return -EAGAIN;
	if (buf[0] != 1) {
		*why = "bad username/password version";
		return -EINVAL;
	}
	size_t ul = buf[1];
	if (len < 2 + ul + 1)
		return -EAGAIN;
	size_t pl = buf[2 + ul];
	if (len < 3 + ul + pl)
		return -EAGAIN;
	if (memchr(buf + 2, 0, ul) || memchr(buf + 3 + ul, 0, pl)) {
		*why = "NUL in username or password";
		return -EINVAL;
	}
	memcpy(user, buf + 2, ul);
	user[ul] = '\0';
	memcpy(pass, buf + 3 + ul, pl);
	pass[pl] = '\0';
	*used = 3 + ul + pl;
	return 0;
}

int bh_socks_parse_request(const uint8_t *buf, size_t len, size_t *used,
			   struct bh_socks_req *out, uint8_t *reply,
			   const char **why)
{
	memset(out, 0, sizeof(*out));
	*reply = BH_SOCKS_FAIL;
	if (len < 5)
		return -EAGAIN;
	if (buf[0] != 5 || buf[2] != 0) {
		*why = "bad SOCKS5 request header";
		return -EINVAL;
	}
	out->cmd = buf[1];
	out->atyp = buf[3];
	size_t alen, off;
	char text[INET6_ADDRSTRLEN + 2];
	const char *host;
	size_t hlen;
	switch (buf[3]) {
	case 1:
		alen = 4;
		off = 4;
		break;
	case 3:
		alen = buf[4];
		off = 5;
		if (alen == 0) {
			*why = "empty domain name";
			*reply = BH_SOCKS_HOST_UNREACH;
			return -EINVAL;
		}
		break;
	case 4:
		alen = 16;
		off = 4;
		break;
	default:
		*why = "unknown SOCKS5 address type";
		*reply = BH_SOCKS_ATYP_UNSUPPORTED;
		return -EINVAL;
	}
	if (len < off + alen + 2)
		return -EAGAIN;
	if (buf[3] == 3) {
		host = (const char *)buf + off;
		hlen = alen;
	} else {
		/* Literals become text so that they take the one parser's
		 * path like every other host. */
		if (!inet_ntop(buf[3] == 1 ? AF_INET : AF_INET6, buf + off,
			       text, sizeof(text))) {
			*why = "bad address";
			return -EINVAL;
		}
		host = text;
		hlen = strlen(text);
	}
	if (bh_host_canon(host, hlen, &out->host, why)) {
		*reply = BH_SOCKS_HOST_UNREACH;
		return -EINVAL;
	}
	out->port = ((unsigned)buf[off + alen] << 8) | buf[off + alen + 1];
	if (out->port == 0) {
		*why = "port 0";
		*reply = BH_SOCKS_HOST_UNREACH;
		return -EINVAL;
	}
	*used = off + alen + 2;
	return 0;
}

void bh_socks_reply(uint8_t rep, uint8_t out[10])
{
	memset(out, 0, 10);
	out[0] = 5;
	out[1] = rep;
	out[3] = 1;
}
