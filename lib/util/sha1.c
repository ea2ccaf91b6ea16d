/*
 * sha1.c - SHA-1 (FIPS 180-4), for the ids git gives blobs: a command
 * that reads a shard from the worktree checks it against the id the
 * index recorded without loading libgit2 (store/repo.c).  A lead shard
 * at a million leads is ~110 KB: 0.5 ms in portable C, 0.05 ms with the
 * SHA instructions of x86-64, used when the processor has them.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>
#define SHA1_NI 1
#endif

#include "util/util.h"

/* Mixes n 64-byte blocks of p into the state h. */
typedef void sha1_blocks_fn(uint32_t h[5], const unsigned char *p, size_t n);

static uint32_t rol(uint32_t x, int n)
{
	return x << n | x >> (32 - n);
}

/* The blocks in portable C. */
static void sha1_blocks_c(uint32_t h[5], const unsigned char *p, size_t n)
{
	for (; n--; p += 64) {
		uint32_t w[80], a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
		int i = 0;

		for (i = 0; i < 16; i++)
			w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
			       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
		for (i = 16; i < 80; i++)
			w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
		/* Four loops of twenty rounds, one function each: no branch in
		 * a round. */
#define ROUND(f, k) do { \
		uint32_t t = rol(a, 5) + (f) + e + (k) + w[i]; \
		e = d, d = c, c = rol(b, 30), b = a, a = t; \
	} while (0)
		for (i = 0; i < 20; i++)
			ROUND((b & c) | (~b & d), 0x5a827999);
		for (; i < 40; i++)
			ROUND(b ^ c ^ d, 0x6ed9eba1);
		for (; i < 60; i++)
			ROUND((b & c) | (b & d) | (c & d), 0x8f1bbcdc);
		for (; i < 80; i++)
			ROUND(b ^ c ^ d, 0xca62c1d6);
#undef ROUND
		h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e;
	}
}

#ifdef SHA1_NI
/* Four rounds of the group g (rounds 4g..4g+3) with the SHA
 * instructions: the group's words m[g % 4] go into the rounds, and the
 * words of later groups are made from them (sha1msg1 for the group g+3,
 * the XOR of W[t-8] for g+2, sha1msg2 for g+1); g is a constant, so
 * every branch here goes at compile time. */
#define NI_GROUP(g) do { \
		if ((g) == 0) \
			e[0] = _mm_add_epi32(e[0], m[0]); \
		else \
			e[(g) % 2] = _mm_sha1nexte_epu32(e[(g) % 2], m[(g) % 4]); \
		e[((g) + 1) % 2] = abcd; \
		abcd = _mm_sha1rnds4_epu32(abcd, e[(g) % 2], (g) / 5); \
		if ((g) >= 3 && (g) <= 18) \
			m[((g) + 1) % 4] = _mm_sha1msg2_epu32(m[((g) + 1) % 4], m[(g) % 4]); \
		if ((g) >= 2 && (g) <= 17) \
			m[((g) + 2) % 4] = _mm_xor_si128(m[((g) + 2) % 4], m[(g) % 4]); \
		if ((g) >= 1 && (g) <= 16) \
			m[((g) + 3) % 4] = _mm_sha1msg1_epu32(m[((g) + 3) % 4], m[(g) % 4]); \
	} while (0)

/* The blocks with the SHA instructions (Intel's SHA extensions). */
__attribute__((target("sha,sse4.1")))
static void sha1_blocks_ni(uint32_t h[5], const unsigned char *p, size_t n)
{
	const __m128i swap = _mm_set_epi64x(0x0001020304050607ULL, 0x08090a0b0c0d0e0fULL);
	__m128i abcd = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)h), 0x1b);
	__m128i e0 = _mm_set_epi32((int)h[4], 0, 0, 0);

	for (; n--; p += 64) {
		__m128i abcd_was = abcd, e0_was = e0, e[2] = { e0, e0 }, m[4];
		for (int i = 0; i < 4; i++)
			m[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * i)), swap);
		NI_GROUP(0); NI_GROUP(1); NI_GROUP(2); NI_GROUP(3); NI_GROUP(4);
		NI_GROUP(5); NI_GROUP(6); NI_GROUP(7); NI_GROUP(8); NI_GROUP(9);
		NI_GROUP(10); NI_GROUP(11); NI_GROUP(12); NI_GROUP(13); NI_GROUP(14);
		NI_GROUP(15); NI_GROUP(16); NI_GROUP(17); NI_GROUP(18); NI_GROUP(19);
		e0 = _mm_sha1nexte_epu32(e[0], e0_was);
		abcd = _mm_add_epi32(abcd, abcd_was);
	}
	_mm_storeu_si128((__m128i *)h, _mm_shuffle_epi32(abcd, 0x1b));
	h[4] = (uint32_t)_mm_extract_epi32(e0, 3);
}
#undef NI_GROUP

/* Returns sha1_blocks_ni when the processor has the SHA instructions
 * (CPUID leaf 7, EBX bit 29), else sha1_blocks_c. */
static sha1_blocks_fn *sha1_choose(void)
{
	unsigned a, b, c, d;

	if (__get_cpuid_count(7, 0, &a, &b, &c, &d) && (b >> 29 & 1))
		return sha1_blocks_ni;
	return sha1_blocks_c;
}
#else
static sha1_blocks_fn *sha1_choose(void)
{
	return sha1_blocks_c;
}
#endif

/* Writes into hex the SHA-1 of "blob LEN", a NUL and data[0..len) with
 * the blocks function fn. */
static void blob_id_with(sha1_blocks_fn *fn, const void *data, size_t len, char hex[41])
{
	uint32_t h[5] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0 };
	unsigned char block[128];
	const unsigned char *p = data;
	int hl = snprintf((char *)block, 32, "blob %zu", len) + 1;
	size_t used = (size_t)hl, total = (size_t)hl + len, whole;

	/* The header, then the data in place, then what is left with the
	 * padding: 0x80, zeros, and the length in bits. */
	size_t first = 64 - used < len ? 64 - used : len;
	memcpy(block + used, p, first);
	used += first, p += first, len -= first;
	if (used == 64) {
		fn(h, block, 1);
		used = 0;
		whole = len / 64;
		fn(h, p, whole);
		p += whole * 64, len -= whole * 64;
		memcpy(block, p, len);
		used = len;
	}
	block[used++] = 0x80;
	size_t end = used <= 56 ? 64 : 128;
	memset(block + used, 0, end - used);
	for (int i = 0; i < 8; i++)
		block[end - 1 - i] = (unsigned char)((uint64_t)total * 8 >> (8 * i));
	fn(h, block, end / 64);
	for (int i = 0; i < 20; i++)
		snprintf(hex + 2 * i, 3, "%02x", (unsigned)(h[i / 4] >> (24 - 8 * (i % 4))) & 0xff);
}

/* Writes git's id of a blob of data[0..len).  See util.h. */
void kt_blob_id(const void *data, size_t len, char hex[41])
{
	static sha1_blocks_fn *fn;

	if (!fn)
		fn = sha1_choose();
	blob_id_with(fn, data, len, hex);
}
