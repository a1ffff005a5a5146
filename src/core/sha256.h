/* SPDX-License-Identifier: MIT */
/* SHA-256 and HMAC-SHA256 (FIPS 180-4, RFC 2104).  Pure. */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct bh_sha256 {
	uint32_t h[8];
	uint64_t len;
	unsigned char buf[64];
	size_t fill;
};

void bh_sha256_init(struct bh_sha256 *c);
void bh_sha256_update(struct bh_sha256 *c, const void *data, size_t n);
void bh_sha256_final(struct bh_sha256 *c, unsigned char out[32]);
void bh_sha256(const void *data, size_t n, unsigned char out[32]);
void bh_hmac_sha256(const unsigned char *key, size_t keylen, const void *data,
		    size_t n, unsigned char out[32]);
/* Lower-case hex of n bytes into out (2n+1 bytes). */
void bh_hex(const unsigned char *in, size_t n, char *out);
