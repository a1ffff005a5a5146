/* SPDX-License-Identifier: MIT */
/* SHA-256 against FIPS 180-4 examples, HMAC-SHA256 against RFC 4231. */
#include <stdlib.h>

#include "core/sha256.h"
#include "test.h"

static void sha_hex(const void *p, size_t n, char out[65])
{
	unsigned char d[32];
	bh_sha256(p, n, d);
	bh_hex(d, 32, out);
}

static void unhex(const char *s, unsigned char *out, size_t *n)
{
	size_t i = 0;
	for (; s[2 * i] && s[2 * i + 1]; i++) {
		char b[3] = {s[2 * i], s[2 * i + 1], 0};
		out[i] = (unsigned char)strtoul(b, NULL, 16);
	}
	*n = i;
}

TEST(sha256_fips_vectors)
{
	char h[65];
	sha_hex("", 0, h);
	CHECK_STR(h, "e3b0c44298fc1c149afbf4c8996fb924"
		     "27ae41e4649b934ca495991b7852b855");
	sha_hex("abc", 3, h);
	CHECK_STR(h, "ba7816bf8f01cfea414140de5dae2223"
		     "b00361a396177a9cb410ff61f20015ad");
	const char *m448 =
	    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	sha_hex(m448, strlen(m448), h);
	CHECK_STR(h, "248d6a61d20638b8e5c026930c3e6039"
		     "a33ce45964ff2167f6ecedd419db06c1");
	const char *m896 =
	    "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
	    "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
	sha_hex(m896, strlen(m896), h);
	CHECK_STR(h, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45"
		     "037afee9d1");
}

TEST(sha256_million_a_incremental)
{
	/* One million 'a', fed in uneven pieces to exercise the buffering. */
	struct bh_sha256 c;
	unsigned char d[32], chunk[997];
	char h[65];
	memset(chunk, 'a', sizeof(chunk));
	bh_sha256_init(&c);
	size_t left = 1000000;
	for (size_t step = 1; left; step = step % 980 + 13) {
		size_t n = step < left ? step : left;
		bh_sha256_update(&c, chunk, n);
		left -= n;
	}
	bh_sha256_final(&c, d);
	bh_hex(d, 32, h);
	CHECK_STR(h, "cdc76e5c9914fb9281a1c7e284d73e67"
		     "f1809a48a497200e046d39ccc7112cd0");
}

TEST(sha256_padding_boundaries)
{
	/* Lengths around the 56- and 64-byte padding edges must agree between
	 * one-shot and byte-at-a-time hashing. */
	unsigned char buf[130];
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 7 + 1);
	for (size_t n = 50; n < sizeof(buf); n++) {
		unsigned char a[32], b[32];
		struct bh_sha256 c;
		bh_sha256(buf, n, a);
		bh_sha256_init(&c);
		for (size_t i = 0; i < n; i++)
			bh_sha256_update(&c, buf + i, 1);
		bh_sha256_final(&c, b);
		CHECK(memcmp(a, b, 32) == 0);
	}
}

struct hmac_vector {
	const char *key_hex; /* NULL: 131 bytes of 0xaa */
	const char *data_hex;
	const char *mac_hex; /* may be truncated (test case 5: 128 bits) */
};

/* RFC 4231 test cases 1-7. */
static const struct hmac_vector rfc4231[] = {
    {"0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
     "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
    {"4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
    {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
     "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
     "dddddddddddddddddddddddddddddddddd",
     "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
    {"0102030405060708090a0b0c0d0e0f10111213141516171819",
     "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"
     "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd",
     "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
    {"0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c",
     "546573742057697468205472756e636174696f6e",
     "a3b6167473100ee06e0c796c2955552b"},
    {NULL, /* 131 bytes of 0xaa */
     "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65"
     "204b6579202d2048617368204b6579204669727374",
     "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
    {NULL, /* 131 bytes of 0xaa */
     "5468697320697320612074657374207573696e672061206c6172676572207468"
     "616e20626c6f636b2d73697a65206b657920616e642061206c61726765722074"
     "68616e20626c6f636b2d73697a6520646174612e20546865206b6579206e6565"
     "647320746f20626520686173686564206265666f7265206265696e6720757365"
     "642062792074686520484d414320616c676f726974686d2e",
     "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
};

TEST(hmac_sha256_rfc4231)
{
	for (size_t i = 0; i < sizeof(rfc4231) / sizeof(rfc4231[0]); i++) {
		unsigned char key[200], data[200], mac[32];
		size_t kn, dn;
		char hex[65];
		if (rfc4231[i].key_hex) {
			unhex(rfc4231[i].key_hex, key, &kn);
		} else {
			memset(key, 0xaa, 131);
			kn = 131;
		}
		unhex(rfc4231[i].data_hex, data, &dn);
		bh_hmac_sha256(key, kn, data, dn, mac);
		bh_hex(mac, 32, hex);
		size_t want = strlen(rfc4231[i].mac_hex);
		if (strncmp(hex, rfc4231[i].mac_hex, want) != 0) {
			fprintf(stderr, "  RFC 4231 case %zu: got %s\n", i + 1,
				hex);
			CHECK(false);
		}
	}
}

TEST(hex_encoding)
{
	const unsigned char in[] = {0x00, 0x0f, 0xa5, 0xff};
	char out[9];
	bh_hex(in, 4, out);
	CHECK_STR(out, "000fa5ff");
	bh_hex(in, 0, out);
	CHECK_STR(out, "");
}
