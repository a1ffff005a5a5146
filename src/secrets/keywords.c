/* SPDX-License-Identifier: MIT */
/*
 * One pass over the buffer, whatever the number of keywords: keywords of
 * three bytes or more are indexed by a hash of their first three bytes, so
 * a position costs a table lookup and a bit test, and only a position whose
 * hash is set (about 1% of them in source code or prose) compares
 * prefixes and then whole keywords.  Keywords of one or two bytes are
 * searched for one by one with memchr().  The search stops as soon as every
 * set is present.
 *
 * Correctness is simple to state: set i is reported present exactly when
 * bh_secret_keywords_present(its words, buf, len) is true.  The unit tests
 * and the fuzz target compare the two.
 *
 * Pure: no system calls.
 */
#include "secrets/keywords.h"

#include <stdint.h>
#include <string.h>

#include "core/util.h"

/* ASCII lower case of every byte. */
#define LC(c) ((c) >= 'A' && (c) <= 'Z' ? (c) | 0x20 : (c))
#define LC4(c) LC(c), LC(c + 1), LC(c + 2), LC(c + 3)
#define LC16(c) LC4(c), LC4(c + 4), LC4(c + 8), LC4(c + 12)
#define LC64(c) LC16(c), LC16(c + 16), LC16(c + 32), LC16(c + 48)
static const unsigned char lower[256] = {LC64(0), LC64(64), LC64(128),
					 LC64(192)};

enum set_kind { SET_EMPTY, SET_WORDS, SET_ALWAYS };

#define HASH_BITS 14

struct entry {
	const char *word; /* lower-case */
	size_t len;
	size_t set;
	uint32_t prefix; /* first three bytes; 0 for short words */
	uint32_t next;	 /* index + 1 of the next entry in its bucket */
};

struct bh_keywords {
	size_t n_sets;
	unsigned char *kind;   /* enum set_kind, per set */
	struct entry *entries; /* three bytes or more, in buckets */
	size_t n_entries, cap_entries;
	struct entry *shorts; /* one or two bytes */
	size_t n_shorts, cap_shorts;
	uint32_t bucket[256]; /* index + 1 of a bucket's first entry */
	uint64_t hashes[(1u << HASH_BITS) / 64]; /* bit per prefix hash */
};

static inline unsigned hash_of(uint32_t prefix)
{
	return (prefix * 2654435761u) >> (32 - HASH_BITS);
}

struct bh_keywords *bh_keywords_new(size_t n_sets)
{
	struct bh_keywords *kw = bh_xcalloc(1, sizeof(*kw));
	kw->n_sets = n_sets;
	kw->kind = bh_xcalloc(n_sets ? n_sets : 1, 1);
	return kw;
}

void bh_keywords_free(struct bh_keywords *kw)
{
	if (!kw)
		return;
	free(kw->kind);
	free(kw->entries);
	free(kw->shorts);
	free(kw);
}

void bh_keywords_add(struct bh_keywords *kw, size_t set,
		     const char *const *words)
{
	if (!words) {
		kw->kind[set] = SET_ALWAYS;
		return;
	}
	if (kw->kind[set] == SET_EMPTY)
		kw->kind[set] = SET_WORDS;
	size_t n = 0;
	while (words[n])
		n++;
	bh_xgrow((void **)&kw->entries, &kw->cap_entries, kw->n_entries + n,
		 sizeof(*kw->entries));
	for (; *words; words++) {
		const unsigned char *w = (const unsigned char *)*words;
		size_t len = strlen(*words);
		struct entry e = {*words, len, set, 0, 0};
		if (len == 0) /* the tests forbid it: it matches nothing */
			continue;
		if (len < 3) {
			bh_xgrow((void **)&kw->shorts, &kw->cap_shorts,
				 kw->n_shorts + 1, sizeof(*kw->shorts));
			kw->shorts[kw->n_shorts++] = e;
			continue;
		}
		e.prefix = (uint32_t)w[0] << 16 | w[1] << 8 | w[2];
		unsigned h = hash_of(e.prefix), b = h >> (HASH_BITS - 8);
		e.next = kw->bucket[b];
		kw->entries[kw->n_entries++] = e;
		kw->bucket[b] = (uint32_t)kw->n_entries;
		kw->hashes[h / 64] |= UINT64_C(1) << (h % 64);
	}
}

/* Does s[0..n) equal the lower-case word[0..n), ignoring ASCII case? */
static bool equal_folded(const char *s, const char *word, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (lower[(unsigned char)s[i]] != (unsigned char)word[i])
			return false;
	return true;
}

/* A one- or two-byte word anywhere in buf, in either case. */
static bool find_short(const char *buf, size_t len, const struct entry *e)
{
	unsigned char first = (unsigned char)e->word[0];
	int cases[2] = {first, (unsigned)(first - 'a') < 26u ? first - 32 : -1};
	for (int k = 0; k < 2 && cases[k] >= 0; k++) {
		const char *p = buf, *end = buf + len;
		while ((p = memchr(p, cases[k], (size_t)(end - p)))) {
			if (e->len == 1 ||
			    (end - p >= 2 &&
			     equal_folded(p + 1, e->word + 1, 1)))
				return true;
			p++;
		}
	}
	return false;
}

void bh_keywords_find(const struct bh_keywords *kw, const char *buf, size_t len,
		      bool *on)
{
	const unsigned char *b = (const unsigned char *)buf;
	size_t left = 0; /* sets with keywords, none seen yet */

	for (size_t i = 0; i < kw->n_sets; i++) {
		on[i] = kw->kind[i] == SET_ALWAYS;
		left += kw->kind[i] == SET_WORDS;
	}
	for (size_t i = 0; left && i < kw->n_shorts; i++) {
		const struct entry *e = &kw->shorts[i];
		if (!on[e->set] && find_short(buf, len, e)) {
			on[e->set] = true;
			left--;
		}
	}
	if (!left || len < 3)
		return;

	uint32_t prefix = lower[b[0]] << 8 | lower[b[1]];
	for (size_t i = 2; i < len; i++) {
		prefix = (prefix << 8 | lower[b[i]]) & 0xffffff;
		unsigned h = hash_of(prefix);
		if (!(kw->hashes[h / 64] >> (h % 64) & 1))
			continue;
		size_t at = i - 2, room = len - at;
		for (uint32_t j = kw->bucket[h >> (HASH_BITS - 8)]; j;
		     j = kw->entries[j - 1].next) {
			const struct entry *e = &kw->entries[j - 1];
			if (e->prefix != prefix || on[e->set] ||
			    e->len > room ||
			    !equal_folded(buf + at + 3, e->word + 3,
					  e->len - 3))
				continue;
			on[e->set] = true;
			if (--left == 0)
				return;
		}
	}
}
