/*
 * id.c - unit tests for lib/model/id.c: record ids (a type letter and 7
 * Crockford base32 characters).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "tap.h"

#define NIDS 1000

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static const char client_text[] = "type client\nprefix C\nfield name text\n";

static void test_valid(const struct kt_schema *s)
{
	static const char *const good[] = {
		"C0000000", "CZZZZZZZ", "C7Q4M2ZX", "C0123456", "C789ABCD", "CEFGHJKM",
		"CNPQRSTV", "CWXYZ000",
	};
	static const char *const bad[] = {
		"L7Q4M2ZX",	/* another type's letter */
		"c7Q4M2ZX",	/* the letter in lower case */
		"C7q4M2ZX",	/* lower case */
		"C7Q4M2ZI", "C7Q4M2ZL", "C7Q4M2ZO", "C7Q4M2ZU",	/* not Crockford */
		"CI000000", "CL000000", "CO000000", "CU000000",
		"C7Q4M2Z",	/* 7 characters */
		"C7Q4M2ZXY",	/* 9 characters */
		"C", "", "7Q4M2ZXC",
		"C7Q4M2Z-", "C7Q4 2ZX", "C7Q4M2Z\n",
		"CЖ00000",	/* 8 bytes, a Cyrillic letter */
	};

	for (size_t i = 0; i < sizeof good / sizeof *good; i++)
		is_int(id_valid(s, good[i]), 1, "valid id %s", good[i]);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		is_int(id_valid(s, bad[i]), 0, "invalid id \"%s\"", bad[i]);
}

static int cmp(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

static void test_new(const struct kt_schema *client, const struct kt_schema *lead)
{
	static char ids[NIDS][9];
	size_t nvalid = 0, ndup = 0, nrc = 0, seen[32] = { 0 }, kinds = 0;

	for (size_t i = 0; i < NIDS; i++) {
		memset(ids[i], '#', sizeof ids[i]);
		nrc += id_new(client, ids[i]) != 0;
		nvalid += id_valid(client, ids[i]) == 1;
		for (size_t j = 1; j < 8; j++) {
			const char *p = strchr(crockford, ids[i][j]);
			if (p && ids[i][j])
				seen[p - crockford]++;
		}
	}
	is_int((long long)nrc, 0, "id_new returns 0 %d times", NIDS);
	is_int((long long)nvalid, NIDS, "%d new ids are valid ids of the type", NIDS);
	is_int(ids[0][0], 'C', "a new id begins with the type's letter");
	is_int((long long)strlen(ids[0]), 8, "a new id is 8 characters");
	qsort(ids, NIDS, sizeof ids[0], cmp);
	for (size_t i = 1; i < NIDS; i++)
		ndup += !strcmp(ids[i - 1], ids[i]);
	is_int((long long)ndup, 0, "%d new ids: no duplicates", NIDS);
	/* 7000 random characters: each of the 32 turns up (p of a miss 1e-95). */
	for (size_t i = 0; i < 32; i++)
		kinds += seen[i] > 0;
	is_int((long long)kinds, 32, "every Crockford character turns up");

	char id[9];
	is_int(id_new(lead, id), 0, "id_new for another type");
	is_int(id[0], 'L', "its letter");
	is_int(id_valid(lead, id), 1, "valid for that type");
	is_int(id_valid(client, id), 0, "not valid for the first type");
}

/* Checks that id_prefix_normalize(in) gives expected. */
static void prefix_is(const char *in, const char *expected)
{
	char out[10];

	memset(out, '#', sizeof out);
	is_int(id_prefix_normalize(in, out), 0, "prefix \"%s\" is fine", in);
	is_str(out, expected, "prefix \"%s\" is %s", in, expected);
}

static void test_prefix(void)
{
	static const char *const bad[] = {
		"", "C7Q4M2ZX0",	/* empty, 9 characters */
		"c7q4m2zx00000",
		"7Q",			/* no letter first */
		"Cu", "CU",		/* U is no Crockford character */
		"C-1", "C 1", "C7Q*", "C.", "Ж", "Cж",
		"_", "c_",
	};
	char out[10];

	prefix_is("c", "C");
	prefix_is("C", "C");
	prefix_is("c7q", "C7Q");
	prefix_is("c7q4m2zx", "C7Q4M2ZX");
	prefix_is("C7Q4M2ZX", "C7Q4M2ZX");
	prefix_is("lo1il", "L0111");
	prefix_is("LOIL", "L011");
	prefix_is("Cabcdefg", "CABCDEFG");
	prefix_is("choo", "CH00");
	prefix_is("i", "I");
	prefix_is("o", "O");
	prefix_is("u", "U");
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		is_int(id_prefix_normalize(bad[i], out), KT_EINVAL, "prefix \"%s\" is invalid", bad[i]);
}

int main(void)
{
	struct kt_error err = { 0 };
	struct kt_schema *client = NULL, *lead = NULL;
	const char *lead_text = "type lead\nprefix L\nsplit id\n";

	is_int(kt_schema_parse(client_text, strlen(client_text), "client.schema", &client, &err), 0,
	       "client schema");
	is_int(kt_schema_parse(lead_text, strlen(lead_text), "lead.schema", &lead, &err), 0,
	       "lead schema");
	if (client && lead) {
		test_valid(client);
		test_new(client, lead);
	}
	test_prefix();
	kt_schema_free(client);
	kt_schema_free(lead);
	return done_testing();
}
