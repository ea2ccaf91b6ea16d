/*
 * strmap.c - unit tests for lib/util/strmap.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kontora.h"
#include "tap.h"
#include "util/util.h"

/* A hundred thousand keys, as an import's change remembers: every one
 * found with its value after the table grew many times, none that was
 * not put. */
static void test_many(void)
{
	struct strmap m = { 0 };
	char key[64];
	size_t val, wrong = 0, missing = 0;

	for (size_t i = 0; i < 100000; i++) {
		snprintf(key, sizeof key, "lead\037id\037L%07zu", i);
		if (strmap_put(&m, key, i))
			break;
	}
	is_int((long long)m.n, 100000, "100,000 keys put");
	for (size_t i = 0; i < 100000; i++) {
		snprintf(key, sizeof key, "lead\037id\037L%07zu", i);
		if (!strmap_get(&m, key, &val))
			missing++;
		else if (val != i)
			wrong++;
	}
	is_int((long long)missing, 0, "every key found");
	is_int((long long)wrong, 0, "with its own value");
	ok(!strmap_get(&m, "lead\037id\037L0100000", NULL), "a key never put is not found");
	ok(m.n * 10 <= m.cap * 7, "the table is at most 70 percent full");
	strmap_free(&m);
	ok(m.n == 0 && m.cap == 0 && !m.slots, "empty after strmap_free()");
}

/* Keys are copies, a value is replaced, and a key longer than a block of
 * keys is kept whole. */
static void test_copies(void)
{
	struct strmap m = { 0 };
	size_t size = 200000, val = 0;
	char *big = malloc(size + 1), key[] = "phone\037+79161234567";

	memset(big, 'x', size);
	big[size] = '\0';
	ok(!strmap_put(&m, key, 1) && !strmap_put(&m, big, 2), "a short and a very long key put");
	key[6] = '0';
	ok(!strmap_get(&m, key, NULL), "the map holds its own copy of a key");
	key[6] = '+';
	ok(!strmap_put(&m, key, 3) && m.n == 2, "putting a key again adds nothing");
	ok(strmap_get(&m, key, &val) && val == 3, "and replaces its value");
	ok(strmap_get(&m, big, &val) && val == 2, "the long key is found whole");
	big[size - 1] = 'y';
	ok(!strmap_get(&m, big, NULL), "and not as another key that long");
	strmap_free(&m);
	ok(!strmap_put(&m, key, 4) && strmap_get(&m, key, &val) && val == 4,
	   "a freed map can be filled again");
	strmap_free(&m);
	free(big);
}

/* strmap_add(): a key put once, its first value kept, through growth. */
static void test_add(void)
{
	struct strmap m = { 0 };
	char key[32];
	size_t have = 0, val = 0;
	int bad = 0;

	ok(strmap_add(&m, "p:+74951112233", 7, &have) == 0 && m.n == 1, "a new key is put");
	ok(strmap_get(&m, "p:+74951112233", &val) && val == 7, "with its value");
	ok(strmap_add(&m, "p:+74951112233", 9, &have) == 1 && have == 7, "a key there: 1 and its value");
	ok(strmap_get(&m, "p:+74951112233", &val) && val == 7 && m.n == 1, "which stays as it was");
	ok(strmap_add(&m, "p:+74951112233", 9, NULL) == 1, "have may be NULL");
	for (size_t i = 0; i < 5000; i++) {
		snprintf(key, sizeof key, "k%zu", i);
		bad += strmap_add(&m, key, i, NULL) != 0;
	}
	for (size_t i = 0; i < 5000; i++) {
		snprintf(key, sizeof key, "k%zu", i);
		bad += strmap_add(&m, key, i + 1, &have) != 1 || have != i;
	}
	ok(!bad && m.n == 5001, "5,000 keys added once each through the map's growth");
	strmap_free(&m);
}

int main(void)
{
	test_many();
	test_copies();
	test_add();
	return done_testing();
}
