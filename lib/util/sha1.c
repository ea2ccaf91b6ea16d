/*
 * sha1.c - SHA-1 (FIPS 180-4), for the ids git gives blobs: a command
 * that reads a shard from the worktree checks it against the id the
 * index recorded without initialising libgit2 (store/repo.c), and
 * hashing needs nothing else of git.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/util.h"

struct sha1 {
	uint32_t h[5];
	uint64_t len;            /* bytes hashed so far */
	unsigned char block[64];
	size_t used;             /* bytes of block filled */
};

static uint32_t rol(uint32_t x, int n)
{
	return x << n | x >> (32 - n);
}

/* Mixes one 64-byte block into s->h. */
static void sha1_block(struct sha1 *s, const unsigned char *p)
{
	uint32_t w[80], a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3], e = s->h[4];

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 80; i++)
		w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	for (int i = 0; i < 80; i++) {
		uint32_t f, k;
		if (i < 20)
			f = (b & c) | (~b & d), k = 0x5a827999;
		else if (i < 40)
			f = b ^ c ^ d, k = 0x6ed9eba1;
		else if (i < 60)
			f = (b & c) | (b & d) | (c & d), k = 0x8f1bbcdc;
		else
			f = b ^ c ^ d, k = 0xca62c1d6;
		uint32_t t = rol(a, 5) + f + e + k + w[i];
		e = d, d = c, c = rol(b, 30), b = a, a = t;
	}
	s->h[0] += a, s->h[1] += b, s->h[2] += c, s->h[3] += d, s->h[4] += e;
}

/* Hashes len more bytes of p. */
static void sha1_add(struct sha1 *s, const void *p, size_t len)
{
	const unsigned char *c = p;

	s->len += len;
	while (len) {
		size_t n = 64 - s->used < len ? 64 - s->used : len;
		memcpy(s->block + s->used, c, n);
		s->used += n, c += n, len -= n;
		if (s->used == 64) {
			sha1_block(s, s->block);
			s->used = 0;
		}
	}
}

/* Writes git's id of a blob of data[0..len).  See util.h. */
void kt_blob_id(const void *data, size_t len, char hex[41])
{
	struct sha1 s = { { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0 }, 0, { 0 }, 0 };
	char head[32];
	unsigned char pad[72] = { 0x80 };
	int n = snprintf(head, sizeof head, "blob %zu", len);

	sha1_add(&s, head, (size_t)n + 1);
	sha1_add(&s, data, len);
	uint64_t bits = s.len * 8;
	size_t npad = (s.used < 56 ? 56 : 120) - s.used;
	for (int i = 0; i < 8; i++)
		pad[npad + i] = (unsigned char)(bits >> (56 - 8 * i));
	sha1_add(&s, pad, npad + 8);
	for (int i = 0; i < 20; i++)
		snprintf(hex + 2 * i, 3, "%02x", (unsigned)(s.h[i / 4] >> (24 - 8 * (i % 4))) & 0xff);
}
