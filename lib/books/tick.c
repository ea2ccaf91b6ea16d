/*
 * tick.c - the timed robots of workflows: the "every" lines of flow files
 * (model/flow.c reads them), fired by kontora tick.  What fired is
 * remembered in the books themselves, as the notices it added (their rule
 * field names the timer), so that a clone, or the next tick, knows it
 * without any state outside git.  See kontora-flow(5), kontora-tick(1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "books/books.h"

/* A record a timer may fire on: its id, owner and since value. */
struct candidate {
	char *id, *owner, *since;
};

/* What the listings of one timer gather. */
struct gather {
	const struct kt_flow_timer *t;
	const char *owner_field;      /* the type's owner field, or "" */
	struct strmap last;           /* record id -> time of its last notice */
	struct candidate *v;
	size_t n;
	int oom;
};

/* Returns the index of column name in cols, or ncols. */
static size_t column(size_t ncols, const struct kt_column *cols, const char *name)
{
	size_t i = 0;

	while (i < ncols && strcmp(cols[i].name, name))
		i++;
	return i;
}

/* A kt_row_fn over notices: keeps in g->last the latest time of each
 * record's notices of g's timer.  Returns 0, or 1 when out of memory. */
static int notice_row(void *arg, size_t ncols, const struct kt_column *cols,
                      char *const *values)
{
	struct gather *g = arg;
	size_t rule = column(ncols, cols, "rule"), on = column(ncols, cols, "on"),
	       at = column(ncols, cols, "at"), old = 0;
	time_t t;

	if (!values || rule == ncols || on == ncols || at == ncols ||
	    strcmp(values[rule], g->t->rule) || kt_time_parse(values[at], 0, &t) || t < 0)
		return 0;
	if (strmap_get(&g->last, values[on], &old) && old >= (size_t)t)
		return 0;
	return (g->oom = strmap_put(&g->last, values[on], (size_t)t) != 0);
}

/* A kt_row_fn over the records in a timer's state: gathers them, as
 * adding notices while the index is read is not done.  Returns 0, or 1
 * when out of memory. */
static int record_row(void *arg, size_t ncols, const struct kt_column *cols,
                      char *const *values)
{
	struct gather *g = arg;
	size_t id = column(ncols, cols, "id"), owner = column(ncols, cols, g->owner_field),
	       since = column(ncols, cols, g->t->since);

	if (!values || id == ncols)
		return 0;
	struct candidate *v = realloc(g->v, (g->n + 1) * sizeof *v);
	if (!v)
		return (g->oom = 1);
	g->v = v;
	v = &v[g->n++];
	v->id = strdup(values[id]);
	v->owner = strdup(owner < ncols ? values[owner] : "");
	v->since = strdup(since < ncols ? values[since] : "");
	return (g->oom = !v->id || !v->owner || !v->since);
}

/* Frees what g gathered. */
static void gather_free(struct gather *g)
{
	for (size_t i = 0; i < g->n; i++) {
		free(g->v[i].id);
		free(g->v[i].owner);
		free(g->v[i].since);
	}
	free(g->v);
	strmap_free(&g->last);
}

/* Returns 1 when the timer t of g is due today (the local date of now) on
 * candidate k: its days have passed since its last notice, or since its
 * since value when it has none; an empty since is due at once. */
static int is_due(const struct gather *g, const struct candidate *k, time_t now,
                  const char *today)
{
	size_t last;
	time_t from;
	char due[11];

	if (strmap_get(&g->last, k->id, &last))
		from = (time_t)last;
	else if (!*k->since || kt_time_parse(k->since, now, &from))
		return 1;
	date_after(from, g->t->days, due);
	return strcmp(today, due) >= 0;
}

/* Lists what timer t of flow f (type s) needs into g: its notices so far,
 * and the records in its states.  Returns 0 or an error. */
static int gather(struct kt_books *b, const struct kt_flow *f, const struct kt_schema *s,
                  struct gather *g, struct kt_error *err)
{
	const struct kt_schema *act = kt_books_type(b, "activity");
	struct kt_query q = { .schema = act, .where = "kind=notice", .all_columns = 1, .all = 1 };
	char where[256];
	int rc;

	if (!act)
		return kt_error_set(err, KT_EINVAL, "no type activity (schemas/activity.schema)");
	if ((rc = kt_list(b, &q, notice_row, g, err)))
		goto done;
	q.schema = s;
	for (size_t i = 0; i < g->t->nstates && !rc; i++) {
		snprintf(where, sizeof where, "%s=%s", f->field, g->t->states[i]);
		q.where = where;
		rc = kt_list(b, &q, record_row, g, err);
	}
done:
	if (g->oom)
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	return rc;
}

/* Fires timer t of flow f on every record that is due.  Returns the
 * number fired or an error. */
static int fire_timer(struct kt_change *c, const struct kt_flow *f,
                      const struct kt_flow_timer *t, kt_tick_fn fn, void *arg,
                      struct kt_error *err)
{
	struct kt_books *b = change_books(c);
	const struct kt_schema *s = kt_books_type(b, f->type);
	struct gather g = { .t = t, .owner_field = s && s->owner ? s->owner : "" };
	time_t now = kt_books_now(b);
	char today[11];
	int rc, fired = 0;

	if (!s)
		return kt_error_set(err, KT_EINVAL, "%s: no type %s", f->file, f->type);
	date_after(now, 0, today);
	rc = gather(b, f, s, &g, err);
	for (size_t i = 0; !rc && i < g.n; i++) {
		const struct candidate *k = &g.v[i];
		char *boss = NULL;
		if (!is_due(&g, k, now, today))
			continue;
		const char *to = k->owner;
		if (!strcmp(t->to, "supervisor") && !(rc = employee_get(b, k->owner, "supervisor", &boss, err)))
			to = boss;
		if (!rc && !(rc = add_notice(c, k->id, t->text, to, t->rule, err))) {
			fired++;
			if (fn)
				fn(arg, t, s->name, k->id, to);
		}
		free(boss);
	}
	gather_free(&g);
	return rc ? rc : fired;
}

/* Fires the timers that are due.  See kontora.h. */
int kt_tick(struct kt_change *c, kt_tick_fn fn, void *arg, struct kt_error *err)
{
	struct kt_books *b = change_books(c);
	int rc = kt_books_flow_status(b, err), fired = 0;

	if (rc)
		return rc;
	for (size_t i = 0; i < b->nflows; i++)
		for (size_t k = 0; k < b->flows[i]->ntimers; k++) {
			if ((rc = fire_timer(c, b->flows[i], &b->flows[i]->timers[k], fn, arg, err)) < 0)
				return rc;
			fired += rc;
		}
	return fired;
}
