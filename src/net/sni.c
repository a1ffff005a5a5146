/* SPDX-License-Identifier: MIT */
/* TLS ClientHello server_name extraction; see sni.h. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "net/sni.h"

#define TLS_HANDSHAKE 22
#define HS_CLIENT_HELLO 1
#define EXT_SERVER_NAME 0x0000
#define EXT_ECH 0xfe0d
#define MAX_EXTS 128

static unsigned be16(const uint8_t *p)
{
	return ((unsigned)p[0] << 8) | p[1];
}

/* Reassembles the handshake message from consecutive handshake records. */
static int reassemble(const uint8_t *buf, size_t len, uint8_t *hs,
		      size_t *hs_len, const char **why)
{
	size_t off = 0, hn = 0, need = 0;
	for (;;) {
		if (need && hn >= need)
			break;
		if (off >= BH_SNI_MAX_INPUT) {
			*why = "ClientHello spread over too many bytes";
			return -E2BIG;
		}
		if (len - off < 5) {
			/* Check what header bytes we have, so a non-TLS
			 * stream is refused at once instead of waited on. */
			if (len > off && buf[off] != TLS_HANDSHAKE)
				goto not_tls;
			if (len > off + 1 && buf[off + 1] != 3)
				goto not_tls;
			return -EAGAIN;
		}
		const uint8_t *rh = buf + off;
		unsigned rlen = be16(rh + 3);
		if (rh[0] != TLS_HANDSHAKE || rh[1] != 3 || rh[2] > 4)
			goto not_tls;
		if (rlen == 0 || rlen > 16384) {
			*why = "bad TLS record length";
			return -EINVAL;
		}
		if (len - off - 5 < rlen) {
			if (off + 5 + rlen > BH_SNI_MAX_INPUT) {
				*why = "ClientHello spread over too many bytes";
				return -E2BIG;
			}
			return -EAGAIN;
		}
		size_t take = rlen;
		if (need && take > need - hn)
			take = need - hn; /* the next message; not ours */
		if (hn + take > BH_SNI_MAX_HANDSHAKE + 4)
			take = BH_SNI_MAX_HANDSHAKE + 4 - hn;
		memcpy(hs + hn, rh + 5, take);
		hn += take;
		off += 5 + rlen;
		if (!need && hn >= 4) {
			if (hs[0] != HS_CLIENT_HELLO) {
				*why = "first handshake message is not a "
				       "ClientHello";
				return -EINVAL;
			}
			need = 4 + (((size_t)hs[1] << 16) | ((size_t)hs[2] << 8) |
				    hs[3]);
			if (need > BH_SNI_MAX_HANDSHAKE) {
				*why = "ClientHello too large";
				return -E2BIG;
			}
		}
	}
	*hs_len = need;
	return 0;
not_tls:
	*why = "not a TLS handshake";
	return -EINVAL;
}

static int find_sni(const uint8_t *p, size_t n, char *name, size_t *name_len,
		    const char **why)
{
	size_t i = 0;
	*why = "malformed ClientHello";
	if (n < 2 + 32 + 1)
		return -EINVAL;
	i = 2 + 32;
	size_t sid = p[i++];
	if (sid > 32 || n - i < sid + 2)
		return -EINVAL;
	i += sid;
	size_t cs = be16(p + i);
	i += 2;
	if (cs < 2 || cs % 2 || n - i < cs + 1)
		return -EINVAL;
	i += cs;
	size_t comp = p[i++];
	if (comp < 1 || n - i < comp)
		return -EINVAL;
	i += comp;
	if (i == n) {
		*why = "ClientHello without extensions (no server name)";
		return -ENOENT;
	}
	if (n - i < 2 || be16(p + i) != n - i - 2)
		return -EINVAL;
	i += 2;
	unsigned seen[MAX_EXTS];
	size_t n_seen = 0;
	bool found = false;
	while (i < n) {
		if (n - i < 4)
			return -EINVAL;
		unsigned type = be16(p + i), elen = be16(p + i + 2);
		i += 4;
		if (n - i < elen)
			return -EINVAL;
		for (size_t k = 0; k < n_seen; k++)
			if (seen[k] == type) {
				*why = "repeated ClientHello extension";
				return -EINVAL;
			}
		if (n_seen == MAX_EXTS) {
			*why = "too many ClientHello extensions";
			return -EINVAL;
		}
		seen[n_seen++] = type;
		if (type == EXT_ECH) {
			*why = "Encrypted ClientHello (the real name is hidden)";
			return -EINVAL;
		}
		if (type == EXT_SERVER_NAME) {
			const uint8_t *e = p + i;
			if (elen < 2 || be16(e) != elen - 2)
				return -EINVAL;
			size_t j = 2;
			while (j < elen) {
				if (elen - j < 3)
					return -EINVAL;
				unsigned nt = e[j], nl = be16(e + j + 1);
				j += 3;
				if (elen - j < nl)
					return -EINVAL;
				if (nt != 0) {
					*why = "unknown server name type";
					return -EINVAL;
				}
				if (found) {
					*why = "more than one server name";
					return -EINVAL;
				}
				if (nl == 0 || nl > 255) {
					*why = "bad server name length";
					return -EINVAL;
				}
				memcpy(name, e + j, nl);
				*name_len = nl;
				found = true;
				j += nl;
			}
		}
		i += elen;
	}
	if (!found) {
		*why = "ClientHello without a server name";
		return -ENOENT;
	}
	return 0;
}

int bh_sni_parse(const uint8_t *buf, size_t len, char *name, size_t *name_len,
		 const char **why)
{
	uint8_t hs[BH_SNI_MAX_HANDSHAKE + 4];
	size_t hs_len = 0;
	*name_len = 0;
	int r = reassemble(buf, len, hs, &hs_len, why);
	if (r)
		return r;
	return find_sni(hs + 4, hs_len - 4, name, name_len, why);
}
