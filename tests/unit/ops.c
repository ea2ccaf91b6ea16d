/*
 * ops.c - unit tests for ops_group() (lib/model/ops.c): a change's ops
 * grouped by the path they write, once for the whole commit, each
 * shard's ops sorted by id as its rows merge with them, the ops of one
 * id in the order they were made (an add, then its edit), the ops on
 * other files in their order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "tap.h"

/* Appends an op of kind on path for id (NULL: none), with one pair
 * naming its place among the ops.  Returns it or NULL. */
static struct op *add(struct ops *ops, enum op_kind kind, const char *path, const char *id)
{
	struct op *o = ops_new(ops, kind, NULL);
	char place[16];

	if (!o)
		return NULL;
	snprintf(place, sizeof place, "%zu", ops->n - 1);
	if (!(o->path = strdup(path)) || op_set(o, "place", place))
		return NULL;
	if (id)
		snprintf(o->id, sizeof o->id, "%s", id);
	return o;
}

/* Returns the places of group k of g, comma-separated, in buf. */
static const char *places(const struct ops_paths *g, size_t k, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = g->first[k]; i < g->first[k + 1] && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s", i > g->first[k] ? "," : "",
		                        op_get(g->ops[i], "place"));
	return buf;
}

static void test_group(void)
{
	struct ops ops = { 0 };
	struct ops_paths g;
	char buf[256];

	/* A lead and its task, in turn, over two months; an edit of a lead
	 * added before it; a dictionary's two entries; a lead edited twice. */
	add(&ops, OP_ADD, "data/lead/2026-12.csv", "LZZZ0001");
	add(&ops, OP_ADD, "data/task/2026-12.csv", "T0000009");
	add(&ops, OP_ADD, "data/lead/2026-12.csv", "LAAA0001");
	add(&ops, OP_ADD, "data/task/2026-12.csv", "T0000001");
	add(&ops, OP_DICT_ADD, "dicts/source.csv", NULL);
	add(&ops, OP_EDIT, "data/lead/2026-11.csv", "LMMM0001");
	add(&ops, OP_EDIT, "data/lead/2026-12.csv", "LZZZ0001");
	add(&ops, OP_DICT_ADD, "dicts/source.csv", NULL);
	add(&ops, OP_EDIT, "data/lead/2026-11.csv", "LBBB0001");
	add(&ops, OP_EDIT, "data/lead/2026-11.csv", "LMMM0001");
	ok(ops.n == 10, "ten ops made");

	ok(!ops_group(&ops, &g), "grouped");
	ok(g.n == 4, "four paths (%zu)", g.n);
	ok(g.n == 4 && !strcmp(g.paths[0], "data/lead/2026-12.csv") &&
	   !strcmp(g.paths[1], "data/task/2026-12.csv") && !strcmp(g.paths[2], "dicts/source.csv") &&
	   !strcmp(g.paths[3], "data/lead/2026-11.csv"), "in the order of their first ops");
	ok(g.n == 4 && g.paths[0] == ops.v[0].path, "the ops' own strings");
	ok(g.n == 4 && g.first[0] == 0 && g.first[4] == ops.n, "every op in a group");
	is_str(places(&g, 0, buf, sizeof buf), "2,0,6", "a shard's ops by id, an add before its edit");
	is_str(places(&g, 1, buf, sizeof buf), "3,1", "the tasks by id");
	is_str(places(&g, 2, buf, sizeof buf), "4,7", "a dictionary's ops in their order");
	is_str(places(&g, 3, buf, sizeof buf), "8,5,9", "two edits of one id in their order");
	ops_group_free(&g);
	ok(!g.paths && !g.ops && !g.first && !g.n, "freed and empty");
	ops_free(&ops);

	ok(!ops_group(&ops, &g) && g.n == 0, "no ops: no paths");
	ops_group_free(&g);
}

int main(void)
{
	test_group();
	return done_testing();
}
