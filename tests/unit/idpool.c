/*
 * idpool.c - unit tests for kt_change_ids() (lib/books/change.c): new ids
 * drawn ahead for a batch, those the index has dropped, the others handed
 * out in the order drawn.  A collision of random ids never happens by
 * chance in a test, so this program gives libkontora its random bytes:
 * getrandom(2) below spells in each id (7 bytes) the number of the id,
 * which it can make one the books have.  The books are made in a scratch
 * directory from the default schemas (run from the top of the source
 * tree, as make check does).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "kontora.h"
#include "tap.h"
#include "books.h"

/* Ids a draw of random bytes makes (id_new(): 4096 bytes, 7 an id). */
#define PER_DRAW 585

static unsigned long draws;    /* getrandom() calls so far */
static size_t planted;         /* the number an id of the next draw spells instead */
static size_t plant_at;        /* at this place in it, when planted is not 0 */

/* The random bytes: the id at place j of draw k spells j + PER_DRAW * k in
 * base 32, so that no two ids are the same, but for the one planted.
 * Returns len. */
ssize_t getrandom(void *buf, size_t len, unsigned int flags);
ssize_t getrandom(void *buf, size_t len, unsigned int flags)
{
	unsigned char *p = buf;

	(void)flags;
	memset(p, 0, len);
	for (size_t j = 0; (j + 1) * 7 <= len; j++) {
		size_t g = planted && j == plant_at ? planted : j + PER_DRAW * draws;
		for (size_t i = 0; i < 7; i++)
			p[j * 7 + i] = (unsigned char)((g >> (5 * i)) & 31);
	}
	planted = 0;
	draws++;
	return (ssize_t)len;
}

static struct kt_books *b;

/* Returns the number getrandom() spelled in id. */
static size_t id_number(const char *id)
{
	static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	size_t g = 0;

	for (int i = 0; i < 7; i++)
		g |= (size_t)(strchr(crockford, id[i + 1]) - crockford) << (5 * i);
	return g;
}

/* Writes into id (9 bytes) the id of letter prefix that spells g. */
static void id_spell(char prefix, size_t g, char id[9])
{
	static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

	id[0] = prefix;
	for (int i = 0; i < 7; i++)
		id[i + 1] = crockford[(g >> (5 * i)) & 31];
	id[8] = '\0';
}

/* Adds a record of type with the n pairs (names, values) to c; writes
 * its id into id (9 bytes) when added.  Returns 0 or the error, whose
 * message goes into err. */
static int add_record(struct kt_change *c, const char *type, char **names, char **values, size_t n,
                      char id[9], struct kt_error *err)
{
	const char *got;
	int rc = kt_change_add(c, kt_books_type(b, type), names, values, n, &got, err);

	if (!rc)
		snprintf(id, 9, "%s", got);
	return rc;
}

/* Adds a lead titled title to c; writes its id into id (9 bytes).
 * Returns 0 or the error, printed as a TAP comment. */
static int add_lead(struct kt_change *c, const char *title, char id[9])
{
	struct kt_error err = { 0 };
	char *names[] = { "title" }, *values[] = { (char *)title };
	const char *got;
	int rc = kt_change_add(c, kt_books_type(b, "lead"), names, values, 1, &got, &err);

	if (rc)
		printf("# %s\n", err.msg);
	else
		snprintf(id, 9, "%s", got);
	return rc;
}

/* A lead committed; a draw ahead that comes to its id again in the
 * middle, which the index has: it must not be handed out, and the others
 * must, in the order drawn. */
static void test_taken_dropped(void)
{
	struct kt_error err = { 0 };
	struct kt_change *c = NULL;
	char taken[9] = "", id[9];
	static char seen[2 * PER_DRAW][9];
	int rc = kt_change_begin(b, "test", &c, &err);

	if (!rc && !(rc = add_lead(c, "Первый", taken)))
		rc = kt_change_commit(c, NULL, NULL, &err);
	kt_change_free(c);
	if (!is_int(rc, 0, "a lead committed") || !is_int(kt_change_begin(b, "test", &c, &err), 0,
	                                                  "a second change")) {
		printf("# %s\n", err.msg);
		return;
	}
	/* The rest of this draw, then a whole one with the committed id at
	 * its 100th place. */
	size_t first = id_number(taken) + 1, left = PER_DRAW - first % PER_DRAW;
	size_t n = left + PER_DRAW, got = 0;
	planted = id_number(taken);
	plant_at = 100;
	is_int(kt_change_ids(c, kt_books_type(b, "lead"), n, &err), 0, "ids drawn ahead");
	int same = 0, dup = 0, prefix = 1;
	for (; got < n - 1 && !add_lead(c, "Ещё", id); got++) {
		same += !strcmp(id, taken);
		prefix &= id[0] == 'L';
		for (size_t k = 0; k < got; k++)
			dup += !strcmp(seen[k], id);
		memcpy(seen[got], id, 9);
	}
	is_int((long long)got, (long long)(n - 1), "each id drawn but the one the books have handed out");
	is_int(same, 0, "the id the books have is not handed out again");
	is_int(dup, 0, "no id handed out twice");
	ok(prefix, "each a lead's id");
	size_t order = 0;
	for (size_t k = 0, want = first; k < got; k++, want++) {
		if (want == first + left + plant_at)
			want++;
		order += id_number(seen[k]) == want;
	}
	is_int((long long)order, (long long)got, "handed out in the order drawn");
	kt_change_free(c);
}

/* An id drawn for a record that is refused is no record of the change:
 * a reference to it is refused too, and the next record takes the next
 * id.  A drawn id that the change added already is not handed out. */
static void test_refused_dropped(void)
{
	struct kt_error err = { 0 };
	struct kt_change *c = NULL;
	char first[9] = "", dropped[9], third[9] = "", lead[9] = "", id[9];
	char *name[] = { "name" }, *bad[] = { "name", "inn" };
	char *v1[] = { "Первый" }, *v2[] = { "Второй", "1234567890" }, *v3[] = { "Третий" };
	char *ln[] = { "title", "client" }, *lv[] = { "Заявка", dropped };

	if (!is_int(kt_change_begin(b, "test", &c, &err), 0, "a change")) {
		printf("# %s\n", err.msg);
		return;
	}
	is_int(kt_change_ids(c, kt_books_type(b, "client"), 3, &err), 0, "three client ids drawn ahead");
	is_int(add_record(c, "client", name, v1, 1, first, &err), 0, "a client added");
	ok(add_record(c, "client", bad, v2, 2, id, &err) != 0, "a client with a bad INN refused");
	id_spell('C', id_number(first) + 1, dropped);
	ok(add_record(c, "lead", ln, lv, 2, id, &err) != 0, "a lead of the refused client's id refused");
	printf("# %s\n", err.msg);
	is_int(add_record(c, "client", name, v3, 1, third, &err), 0, "the next client added");
	is_int((long long)id_number(third), (long long)id_number(first) + 2, "with the next id drawn");

	/* A lead added, then a draw that comes to its id again: the change
	 * has it, the index not yet. */
	if (add_lead(c, "Свой", lead)) {
		kt_change_free(c);
		return;
	}
	size_t next = id_number(lead) + 1, left = PER_DRAW - next % PER_DRAW, got = 0, same = 0;
	planted = id_number(lead);
	plant_at = 7;
	is_int(kt_change_ids(c, kt_books_type(b, "lead"), left + PER_DRAW, &err), 0, "lead ids drawn ahead");
	for (; got < left + 10 && !add_lead(c, "Ещё", id); got++)
		same += !strcmp(id, lead);
	is_int((long long)got, (long long)(left + 10), "leads added past the planted id");
	is_int((long long)same, 0, "the id the change added is not handed out again");
	kt_change_free(c);
}

int main(void)
{
	char dir[] = "/tmp/kontora-unit-idpool.XXXXXX";

	if (!books_new(dir, &b))
		return done_testing();
	test_taken_dropped();
	test_refused_dropped();
	ok(books_done(b, dir), "the books removed");
	return done_testing();
}
