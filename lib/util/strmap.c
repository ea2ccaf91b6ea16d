/*
 * strmap.c - a set of strings with a number each, for what must not be
 * quadratic in a batch of a hundred thousand records: open addressing,
 * FNV-1a, doubled when half full.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

/* Returns the slot of key in m: where it is, or the empty one where it
 * would go. */
static size_t strmap_slot(const struct strmap *m, const char *key)
{
	uint64_t h = 1469598103934665603ULL;

	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	size_t i = (size_t)h & (m->cap - 1);
	while (m->keys[i] && strcmp(m->keys[i], key))
		i = (i + 1) & (m->cap - 1);
	return i;
}

/* Returns 1 and *val if key is in m, else 0. */
int strmap_get(const struct strmap *m, const char *key, size_t *val)
{
	if (!m->n)
		return 0;
	size_t i = strmap_slot(m, key);
	if (!m->keys[i])
		return 0;
	if (val)
		*val = m->vals[i];
	return 1;
}

/* Puts a copy of key with val into m (replacing its value).  Returns 0
 * or KT_ENOMEM. */
int strmap_put(struct strmap *m, const char *key, size_t val)
{
	if ((m->n + 1) * 2 > m->cap) {
		struct strmap big = { calloc(m->cap ? m->cap * 2 : 1024, sizeof *big.keys),
		                      calloc(m->cap ? m->cap * 2 : 1024, sizeof *big.vals),
		                      m->cap ? m->cap * 2 : 1024, m->n };
		if (!big.keys || !big.vals) {
			free(big.keys);
			free(big.vals);
			return KT_ENOMEM;
		}
		for (size_t i = 0; i < m->cap; i++)
			if (m->keys[i]) {
				size_t j = strmap_slot(&big, m->keys[i]);
				big.keys[j] = m->keys[i];
				big.vals[j] = m->vals[i];
			}
		free(m->keys);
		free(m->vals);
		*m = big;
	}
	size_t i = strmap_slot(m, key);
	if (!m->keys[i]) {
		if (!(m->keys[i] = strdup(key)))
			return KT_ENOMEM;
		m->n++;
	}
	m->vals[i] = val;
	return 0;
}

/* Frees the keys and tables of m (not m), which is empty after. */
void strmap_free(struct strmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->vals);
	/* Empty after, as util.h says, so that m may be filled again. */
	memset(m, 0, sizeof *m);
}

