/*
 * strmap.c - a set of strings with a number each, for what must not be
 * quadratic in a batch of a hundred thousand records: open addressing,
 * FNV-1a, grown when 70% full.  The keys are copied into blocks of their
 * own rather than each into an allocation: an import remembers some
 * 300,000 short keys, and malloc's header and rounding per key were
 * about as much memory as the keys.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

/* A block of keys: filled from the start, freed only with the map. */
struct strmap_block {
	struct strmap_block *next;
	size_t used, size;
	char data[];
};

enum { STRMAP_BLOCK = 64 * 1024 - 64 };

/* A slot.  Its key's hash is kept apart, in m->hashes: a probe reads
 * only those, sixteen to a cache line, and a key only when the hash is
 * its own (in a map of 300,000 keys each key read was a cache miss: 9%
 * of an import's build). */
struct strmap_slot {
	const char *key;
	size_t val;
};

/* Returns the FNV-1a hash of key, folded to 32 bits, never 0 (an empty
 * slot's). */
static uint32_t strmap_hash(const char *key)
{
	uint64_t h = 1469598103934665603ULL;

	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return (uint32_t)(h ^ h >> 32) | 1;
}

/* Returns the slot number of key, of hash h, in m: where it is, or the
 * empty one where it would go. */
static size_t strmap_find(const struct strmap *m, const char *key, uint32_t h)
{
	size_t i = h & (m->cap - 1);

	while (m->hashes[i] && (m->hashes[i] != h || strcmp(m->slots[i].key, key)))
		i = (i + 1) & (m->cap - 1);
	return i;
}

/* Returns 1 and *val if key is in m, else 0. */
int strmap_get(const struct strmap *m, const char *key, size_t *val)
{
	if (!m->n)
		return 0;
	size_t i = strmap_find(m, key, strmap_hash(key));
	if (!m->hashes[i])
		return 0;
	if (val)
		*val = m->slots[i].val;
	return 1;
}

/* Doubles the slots of m.  Returns 0 or KT_ENOMEM with m as it was. */
static int strmap_grow(struct strmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 1024;
	struct strmap big = { calloc(cap, sizeof *big.slots), calloc(cap, sizeof *big.hashes), cap, m->n,
	                      m->blocks };

	if (!big.slots || !big.hashes) {
		free(big.slots);
		free(big.hashes);
		return KT_ENOMEM;
	}
	for (size_t i = 0; i < m->cap; i++)
		if (m->hashes[i]) {
			size_t j = strmap_find(&big, m->slots[i].key, m->hashes[i]);
			big.slots[j] = m->slots[i];
			big.hashes[j] = m->hashes[i];
		}
	free(m->slots);
	free(m->hashes);
	*m = big;
	return 0;
}

/* Returns a copy of key in m's blocks (freed with m), or NULL when out
 * of memory. */
static char *strmap_copy(struct strmap *m, const char *key)
{
	size_t len = strlen(key) + 1;
	struct strmap_block *b = m->blocks;

	if (!b || b->size - b->used < len) {
		size_t size = len > STRMAP_BLOCK ? len : STRMAP_BLOCK;
		if (!(b = malloc(sizeof *b + size)))
			return NULL;
		b->next = m->blocks;
		b->used = 0;
		b->size = size;
		m->blocks = b;
	}
	char *copy = memcpy(b->data + b->used, key, len);
	b->used += len;
	return copy;
}

/* Returns the slot of key in m, put there with val when it was not (its
 * value left as it is when it was), *had set to whether it was; or
 * (size_t)-1 when out of memory. */
static size_t strmap_slot_of(struct strmap *m, const char *key, size_t val, int *had)
{
	if ((m->n + 1) * 10 > m->cap * 7 && strmap_grow(m))
		return (size_t)-1;
	uint32_t h = strmap_hash(key);
	size_t i = strmap_find(m, key, h);
	*had = m->hashes[i] != 0;
	if (!*had) {
		if (!(m->slots[i].key = strmap_copy(m, key)))
			return (size_t)-1;
		m->hashes[i] = h;
		m->slots[i].val = val;
		m->n++;
	}
	return i;
}

/* Puts a copy of key with val into m (replacing its value).  Returns 0
 * or KT_ENOMEM. */
int strmap_put(struct strmap *m, const char *key, size_t val)
{
	int had;
	size_t i = strmap_slot_of(m, key, val, &had);

	if (i == (size_t)-1)
		return KT_ENOMEM;
	m->slots[i].val = val;
	return 0;
}

/* Puts key with val into m unless it is there.  See util.h: one probe
 * where strmap_get() then strmap_put() were two, each a hash and, in a
 * map of a hundred thousand keys, a cache miss. */
int strmap_add(struct strmap *m, const char *key, size_t val, size_t *have)
{
	int had;
	size_t i = strmap_slot_of(m, key, val, &had);

	if (i == (size_t)-1)
		return KT_ENOMEM;
	if (had && have)
		*have = m->slots[i].val;
	return had;
}

/* Frees the keys and tables of m (not m), which is empty after. */
void strmap_free(struct strmap *m)
{
	while (m->blocks) {
		struct strmap_block *next = m->blocks->next;
		free(m->blocks);
		m->blocks = next;
	}
	free(m->slots);
	free(m->hashes);
	/* Empty after, as util.h says, so that m may be filled again. */
	memset(m, 0, sizeof *m);
}
