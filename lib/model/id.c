/*
 * id.c - record ids: a type letter and 7 Crockford base32 characters,
 * random, so offline clones never need to agree on a counter.
 */
#include <string.h>
#include <sys/random.h>

#include "model/model.h"

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* Returns the value of Crockford character c, or -1. */
static int digit_value(char c)
{
	const char *p = c ? strchr(crockford, c) : NULL;
	return p ? (int)(p - crockford) : -1;
}

/* Returns 1 if c is a Crockford character.  See model.h. */
int id_char_valid(char c)
{
	return digit_value(c) >= 0;
}

/* Returns 1 if id is the letter of s and 7 Crockford characters. */
int id_valid(const struct kt_schema *s, const char *id)
{
	if (id[0] != s->prefix || strlen(id) != 8)
		return 0;
	for (int i = 1; i < 8; i++)
		if (digit_value(id[i]) < 0)
			return 0;
	return 1;
}

/* Writes a new random id of s into out.  Returns 0 or KT_EIO. */
int id_new(const struct kt_schema *s, char out[9])
{
	/* Random bytes drawn 4 KiB at a time: a getrandom(2) an id was
	 * 200,000 system calls an import of 100,000 leads.  A thread's own
	 * (the reindex has two), and kontora never forks to go on making
	 * ids, so no two ids share bytes. */
	static _Thread_local unsigned char pool[4096];
	static _Thread_local size_t used = sizeof pool;

	if (used + 7 > sizeof pool) {
		if (getrandom(pool, sizeof pool, 0) != (ssize_t)sizeof pool)
			return KT_EIO;
		used = 0;
	}
	out[0] = s->prefix;
	for (int i = 0; i < 7; i++)
		out[i + 1] = crockford[pool[used + i] & 31];
	/* Used bytes are not used again. */
	memset(pool + used, 0, 7);
	used += 7;
	out[8] = '\0';
	return 0;
}

/* Upper-cases a typed prefix and maps look-alikes.  Returns 0 or KT_EINVAL. */
int id_prefix_normalize(const char *prefix, char out[10])
{
	size_t len = strlen(prefix);

	if (!len || len > 8)
		return KT_EINVAL;
	for (size_t i = 0; i < len; i++) {
		char c = prefix[i];
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (i > 0 && (c == 'I' || c == 'L'))
			c = '1';
		else if (i > 0 && c == 'O')
			c = '0';
		if (i == 0 ? (c < 'A' || c > 'Z') : digit_value(c) < 0)
			return KT_EINVAL;
		out[i] = c;
	}
	out[len] = '\0';
	return 0;
}
