/*
 * lead.c - what happens to a new lead before it is added.
 *
 * Dedupe: a lead whose INN, phone or e-mail is a client's (or a client's
 * contact's) is linked to that client.  Distribution: a lead without a
 * manager goes to its client's manager, else to an active manager by
 * assign.rule in kontora.conf (round-robin, least-loaded or none).  The
 * state of a batch carries the counts the rule weighs from one lead to
 * the next, so that an import distributes a thousand leads in one change
 * as it would one by one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crm/crm.h"

struct kt_lead_state {
	struct kt_books *b;
	const struct kt_schema *lead;
	enum assign_rule rule;
	int loaded;          /* managers and the rule's state read from the index */
	char **managers;     /* active managers, by login */
	size_t n;
	long *count;         /* what the rule weighs for each (load_counts()) */
	char **pending;      /* leads given a manager before the counts were */
	size_t npending;     /* needed: "1login" with a client, "0login" without */
	int duplicates;      /* look for possible duplicates (kt_lead_state_duplicates()) */
	struct kt_buf told;  /* the INNs, phones and e-mails of the leads told by
	                      * kt_lead_expect(), each as its type's letter and
	                      * normal form, NUL after each */
	size_t *at;          /* where each key starts in told */
	size_t ntold, cap;
	char **keys;         /* once asked: the keys, sorted, each once */
	unsigned char *found; /* and for each, 1 if a client or contact may have it */
	size_t nkeys;
	struct kt_buf key;   /* a key being put together */
};

/* ------------------------------------------------------------- queries */

/* Finds the newest record of s that the caller may see whose field of
 * type t holds value; with ref non-NULL, only one whose field ref is set,
 * and *ref_value gets it.  Returns 1 with *id (and *ref_value) (caller
 * frees), 0 when none, or an error. */
static int find_by(struct kt_books *b, const struct kt_schema *s, enum kt_ftype t,
                   const char *value, const struct kt_field *ref, char **id,
                   char **ref_value, struct kt_error *err)
{
	int rc = s ? books_identity(b, err) : 0;

	for (size_t i = 0; !rc && s && i < s->nfields; i++) {
		struct index_find q = { .s = s, .f = &s->fields[i], .value = value, .ref = ref };
		if (s->fields[i].type == t)
			rc = index_newest(b->index, &b->who, &q, id, ref_value, NULL, err);
	}
	return rc;
}

/* --------------------------------------------------------------- state */

/* Starts the distribution of a batch.  See kontora.h. */
int kt_lead_state_new(struct kt_books *b, struct kt_lead_state **out, struct kt_error *err)
{
	const struct kt_schema *lead = kt_books_type(b, "lead");
	struct kt_lead_state *st;
	enum assign_rule rule;
	int rc;

	if (!lead)
		return kt_error_set(err, KT_ENOTFOUND, "these books have no schemas/lead.schema");
	if ((rc = books_identity(b, err)) || (rc = assign_rule(b, &rule, err)))
		return rc;
	if (!(st = calloc(1, sizeof *st)))
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	st->b = b;
	st->lead = lead;
	st->rule = rule;
	*out = st;
	return 0;
}

/* Frees a batch's state; NULL is fine. */
void kt_lead_state_free(struct kt_lead_state *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->n; i++)
		free(st->managers[i]);
	free(st->managers);
	free(st->count);
	for (size_t i = 0; i < st->npending; i++)
		free(st->pending[i]);
	free(st->pending);
	kt_buf_free(&st->told);
	free(st->at);
	free(st->keys);
	free(st->found);
	kt_buf_free(&st->key);
	free(st);
}

/* Adds a manager's login to the batch's state.  Returns 0 or
 * KT_ENOMEM. */
static int add_manager(void *state, const char *login)
{
	struct kt_lead_state *st = state;
	char **m = realloc(st->managers, (st->n + 1) * sizeof *m);

	if (!m)
		return KT_ENOMEM;
	st->managers = m;
	if (!(m[st->n] = strdup(login)))
		return KT_ENOMEM;
	st->n++;
	return 0;
}

/* Asks for possible duplicates.  See kontora.h. */
void kt_lead_state_duplicates(struct kt_lead_state *st)
{
	st->duplicates = 1;
}

/* Reads the active managers (employees with role manager and active not
 * false), by login.  Returns 0 or an error. */
static int load_managers(struct kt_lead_state *st, struct kt_error *err)
{
	const struct kt_schema *e = kt_books_type(st->b, "employee");
	int rc;

	if (!e || !kt_schema_field(e, "role"))
		return 0;
	rc = index_employees(st->b->index, e, "manager", add_manager, st, err);
	if (rc == KT_ENOMEM || (!rc && !(st->count = calloc(st->n ? st->n : 1, sizeof *st->count))))
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	return rc;
}

/* Returns the index of login among the active managers, or st->n. */
static size_t manager_index(const struct kt_lead_state *st, const char *login)
{
	size_t i = 0;

	while (i < st->n && strcmp(st->managers[i], login))
		i++;
	return i;
}

/* Sets the count of one owner, when an active manager.  Returns 0. */
static int set_count(void *state, const char *owner, long count)
{
	struct kt_lead_state *st = state;
	size_t i = manager_index(st, owner);

	if (i < st->n)
		st->count[i] = count;
	return 0;
}

/* Counts, for each active manager, the leads the rule weighs (see
 * kt_lead_prepare() in kontora.h): round-robin those without a client
 * created this month (UTC, of the books' clock), least-loaded the open
 * ones (not in an archive state of the lead's workflow).  Returns 0 or an
 * error. */
static int load_counts(struct kt_lead_state *st, struct kt_error *err)
{
	struct index_count q = { .s = st->lead };
	char month[21];

	assign_count(st->b, st->rule, &q);
	if (st->rule == RULE_ROUND_ROBIN) {
		kt_datetime_format(kt_books_now(st->b), month);
		memcpy(month + 8, "01T00:00:00Z", 13);
		q.since = month;
	}
	return index_owner_counts(st->b->index, &q, set_count, st, err);
}

/* Counts a lead given to login in the state, as the books will count it
 * once added: round-robin counts only leads without a client.  Before
 * the counts are read, keeps it for load().  Returns 0 or KT_ENOMEM. */
static int count_lead(struct kt_lead_state *st, const char *login, int has_client)
{
	if (!st->loaded) {
		char **p = realloc(st->pending, (st->npending + 1) * sizeof *p);
		if (!p)
			return KT_ENOMEM;
		st->pending = p;
		if (!(p[st->npending] = malloc(strlen(login) + 2)))
			return KT_ENOMEM;
		sprintf(p[st->npending++], "%d%s", has_client != 0, login);
		return 0;
	}
	size_t i = manager_index(st, login);
	if (i < st->n && (st->rule == RULE_LEAST_LOADED || !has_client))
		st->count[i]++;
	return 0;
}

/* Reads what the rule needs, once per batch, and counts the leads of the
 * batch given a manager before.  A batch whose leads all have a manager
 * never reads it.  Returns 0 or an error. */
static int load(struct kt_lead_state *st, struct kt_error *err)
{
	int rc;

	if (st->loaded)
		return 0;
	if ((rc = index_open(st->b->index, err)) || (rc = load_managers(st, err)) ||
	    (rc = load_counts(st, err)))
		return rc;
	st->loaded = 1;
	for (size_t i = 0; i < st->npending; i++)
		count_lead(st, st->pending[i] + 1, st->pending[i][0] == '1');
	return 0;
}

/* Makes the counts the distribution rule reads.  See kontora.h. */
int kt_lead_counts_ready(struct kt_books *b, struct kt_error *err)
{
	struct kt_lead_state *st = NULL;
	int rc = kt_books_type(b, "lead") ? kt_lead_state_new(b, &st, err) : 0;

	if (!rc && st && st->rule != RULE_NONE)
		rc = load(st, err);
	kt_lead_state_free(st);
	return rc;
}

/* ------------------------------------------------------------- prepare */

/* Returns the value given for name among the pairs (blanks only count as
 * none), or NULL. */
static const char *given(char *const *names, char *const *values, size_t n, const char *name)
{
	const char *v = NULL;

	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			v = values[i];
	return v && v[strspn(v, " \t")] ? v : NULL;
}

/* The most pairs kt_lead_prepare() adds to the given ones: client,
 * contact, manager. */
#define REPORT_ADDS 3

/* Makes the report's pairs the n given (the caller's, not copied: a
 * lead's fifteen pairs were thirty copies a lead of an import), with room
 * for REPORT_ADDS more.  Returns 0 or KT_ENOMEM. */
static int report_start(struct kt_lead_report *r, char *const *names, char *const *values,
                        size_t n)
{
	if (!(r->names = malloc((n + REPORT_ADDS) * sizeof *r->names)) ||
	    !(r->values = malloc((n + REPORT_ADDS) * sizeof *r->values)))
		return KT_ENOMEM;
	memcpy(r->names, names, n * sizeof *names);
	memcpy(r->values, values, n * sizeof *values);
	r->n = r->given = n;
	return 0;
}

/* Appends copies of (name, value), the report's, to its pairs.  Returns
 * 0 or KT_ENOMEM. */
static int report_set(struct kt_lead_report *r, const char *name, const char *value)
{
	char *nc = r->n < r->given + REPORT_ADDS ? strdup(name) : NULL, *vc = nc ? strdup(value) : NULL;

	if (!vc) {
		free(nc);
		return KT_ENOMEM;
	}
	r->names[r->n] = nc;
	r->values[r->n++] = vc;
	return 0;
}

/* The fields of a lead dedupe looks for, in the order it does. */
static const char *const dedupe_fields[] = { "inn", "phone", "email" };
#define NDEDUPE (sizeof dedupe_fields / sizeof *dedupe_fields)

/* Puts into st->key the key of dedupe's field k of the lead (names,
 * values, n): the letter of the lead field's type, then the value's
 * normal form.  Returns the lead's field, or NULL when the lead has no
 * such field or value, or a value that does not normalise (left to
 * kt_change_add() to refuse), or when out of memory (*nomem set). */
static const struct kt_field *dedupe_key(struct kt_lead_state *st, size_t k, char *const *names,
                                         char *const *values, size_t n, int *nomem)
{
	const struct kt_field *f = kt_schema_field(st->lead, dedupe_fields[k]);
	const char *v = given(names, values, n, dedupe_fields[k]);
	struct kt_error ignored = { 0 };
	char *norm = NULL, type[2] = { (char)('A' + (f ? f->type : 0)), 0 };

	if (!f || !v || kt_value_normalize(f, v, &norm, &ignored) || !*norm) {
		free(norm);
		return NULL;
	}
	st->key.len = 0;
	*nomem = kt_buf_cat(&st->key, type, norm, (char *)NULL) != 0;
	free(norm);
	return *nomem ? NULL : f;
}

/* Tells dedupe a lead it will be asked about.  See kontora.h. */
int kt_lead_expect(struct kt_lead_state *st, char *const *names, char *const *values, size_t n,
                   struct kt_error *err)
{
	int nomem = 0;

	/* The first lead told after a batch was asked starts the next. */
	if (st->keys) {
		free(st->keys);
		free(st->found);
		st->keys = NULL;
		st->found = NULL;
		st->nkeys = st->ntold = st->told.len = 0;
	}
	for (size_t k = 0; !nomem && k < NDEDUPE; k++) {
		if (!dedupe_key(st, k, names, values, n, &nomem))
			continue;
		if (st->ntold == st->cap) {
			size_t cap = st->cap ? 2 * st->cap : 1024, *at = realloc(st->at, cap * sizeof *at);
			if (!at)
				return kt_error_set(err, KT_ENOMEM, "out of memory");
			st->at = at;
			st->cap = cap;
		}
		st->at[st->ntold++] = st->told.len;
		nomem = kt_buf_add(&st->told, st->key.data, st->key.len + 1) != 0;
	}
	return nomem ? kt_error_set(err, KT_ENOMEM, "out of memory") : 0;
}

/* Orders keys by strcmp (qsort, bsearch). */
static int key_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Asks the index which of the values (of the lead field type t) some
 * field of type t of s holds: found[i] set for each values[i].  Returns 0
 * or an error. */
static int ask_type(struct kt_books *b, const struct kt_schema *s, enum kt_ftype t,
                    char *const *values, size_t n, unsigned char *found, struct kt_error *err)
{
	int rc = 0;

	for (size_t i = 0; !rc && s && i < s->nfields; i++)
		if (s->fields[i].type == t)
			rc = index_present(b->index, s, &s->fields[i], values, n, found, err);
	return rc;
}

/* Asks the index, once for all the keys told, which of them a client or
 * a contact has in a field of their type (whoever's: find_by() asks again
 * for the ones that do, as the caller, in dedupe's order), and keeps the
 * answers in st->keys and st->found.  Sorted, so that each of the
 * fields' B-trees is read page by page.  Returns 0 or an error. */
static int ask(struct kt_lead_state *st, struct kt_error *err)
{
	const struct kt_schema *client = kt_books_type(st->b, "client");
	const struct kt_schema *contact = kt_books_type(st->b, "contact");
	size_t n = 0;

	st->keys = malloc(st->ntold * sizeof *st->keys);
	st->found = calloc(st->ntold, 1);
	if (!st->keys || !st->found)
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	for (size_t i = 0; i < st->ntold; i++)
		st->keys[i] = st->told.data + st->at[i];
	qsort(st->keys, st->ntold, sizeof *st->keys, key_cmp);
	for (size_t i = 0; i < st->ntold; i++)
		if (!n || strcmp(st->keys[i], st->keys[n - 1]))
			st->keys[n++] = st->keys[i];
	st->nkeys = n;
	st->ntold = 0;
	for (size_t i = 0; i < n; i++)
		st->keys[i]++;
	/* The values of one type are together: their keys start with its letter. */
	int rc = 0;
	for (size_t from = 0, to; !rc && from < n; from = to) {
		char letter = st->keys[from][-1];
		for (to = from; to < n && st->keys[to][-1] == letter; to++)
			;
		if (!(rc = ask_type(st->b, client, (enum kt_ftype)(letter - 'A'), st->keys + from,
		                    to - from, st->found + from, err)) && ref_field(contact, "client"))
			rc = ask_type(st->b, contact, (enum kt_ftype)(letter - 'A'), st->keys + from,
			              to - from, st->found + from, err);
	}
	for (size_t i = 0; i < n; i++)
		st->keys[i]--;
	return rc;
}

/* Returns 1 if the key in st->key was told and no client or contact has
 * it, else 0. */
static int told_none(const struct kt_lead_state *st)
{
	const char *key = st->key.data;
	char **at = st->nkeys ? bsearch(&key, st->keys, st->nkeys, sizeof *st->keys, key_cmp) : NULL;

	return at && !st->found[at - st->keys];
}

/* Dedupe: looks for a client with the lead's INN, phone or e-mail (in
 * that order), then for a client's contact with it; fills r->client,
 * r->contact, r->match and r->match_value.  A value kt_lead_expect() was
 * told and no client or contact has is not looked for again.  Returns 0
 * or an error. */
static int dedupe(struct kt_lead_state *st, char *const *names, char *const *values, size_t n,
                  struct kt_lead_report *r, struct kt_error *err)
{
	const struct kt_schema *client = kt_books_type(st->b, "client");
	const struct kt_schema *contact = kt_books_type(st->b, "contact");
	const struct kt_field *of = ref_field(contact, "client");
	int rc = st->ntold ? ask(st, err) : 0, nomem = 0;

	for (size_t k = 0; !rc && !r->client && k < NDEDUPE; k++) {
		const struct kt_field *f = dedupe_key(st, k, names, values, n, &nomem);

		if (nomem)
			return kt_error_set(err, KT_ENOMEM, "out of memory");
		if (!f || told_none(st))
			continue;
		const char *norm = st->key.data + 1;
		rc = find_by(st->b, client, f->type, norm, NULL, &r->client, NULL, err);
		if (!rc && of)
			rc = find_by(st->b, contact, f->type, norm, of, &r->contact, &r->client, err);
		if (rc > 0) {
			r->match = dedupe_fields[k];
			if (!(r->match_value = strdup(norm)))
				return kt_error_set(err, KT_ENOMEM, "out of memory");
			rc = 0;
		}
	}
	return rc;
}

/* Reads the name and the manager of the client id into r, from the
 * index (which holds HEAD under the change's lock): reading the client's
 * shard for two fields cost an import linking thousands of leads a shard
 * parse each.  The caller must be one who may see the client, as
 * kt_record_read() would ask.  Returns 0 or an error. */
static int client_card(struct kt_books *b, const char *id, struct kt_lead_report *r,
                       char **manager, struct kt_error *err)
{
	const struct kt_schema *s = kt_books_type(b, "client");
	const char *fields[2] = { s->title ? s->title : "id", s->owner ? s->owner : "id" };
	char *v[2] = { NULL, NULL };
	int rc = access_record(b, s, id, ACCESS_READ, err);

	if (!rc && (rc = index_get(b->index, s, "id", id, fields, 2, v, err)) == 0)
		rc = kt_error_set(err, KT_ENOTFOUND, "client %s: not in the index; run kontora reindex", id);
	if (rc == 1) {
		rc = 0;
		if (!(r->client_name = strdup(s->title && v[0] ? v[0] : "")) ||
		    !(*manager = strdup(s->owner && v[1] ? v[1] : "")))
			rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	free(v[0]);
	free(v[1]);
	return rc;
}

/* Links the lead to its client: the one given (by id prefix; one that
 * does not resolve is left to kt_change_add() to refuse), else the one
 * dedupe finds, whose id then goes into the pairs.  Fills r and *manager
 * (the client's; caller frees).  Returns 0 or an error. */
static int link_client(struct kt_lead_state *st, const char *client, char *const *names,
                       char *const *values, size_t n, struct kt_lead_report *r,
                       char **manager, struct kt_error *err)
{
	struct kt_error ignored = { 0 };
	const struct kt_schema *found;
	char *id;
	int rc;

	if (!kt_books_type(st->b, "client"))
		return 0;
	if (client) {
		if (kt_resolve_id(st->b, "client", client, &id, &found, &ignored))
			return 0;
		rc = client_card(st->b, id, r, manager, err);
		free(id);
		return rc;
	}
	if ((rc = dedupe(st, names, values, n, r, err)) || !r->client ||
	    (rc = client_card(st->b, r->client, r, manager, err)))
		return rc;
	if (report_set(r, "client", r->client) ||
	    (r->contact && !given(names, values, n, "contact") && report_set(r, "contact", r->contact)))
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	return 0;
}

/* Sets r->existing to the lead that already has the external id given,
 * if any.  Returns 0 or an error. */
static int find_existing(struct kt_lead_state *st, char *const *names, char *const *values,
                         size_t n, struct kt_lead_report *r, struct kt_error *err)
{
	const char *ext = kt_schema_field(st->lead, "external_id") ?
	                  given(names, values, n, "external_id") : NULL;
	char other[9];
	int rc = ext ? index_exists(st->b->index, st->lead, "external_id", ext, NULL, other, err) : 0;

	if (rc > 0 && !(r->existing = strdup(other)))
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	return rc < 0 ? rc : 0;
}

/* Keeps, in arg (char **), the author of the entry that added the
 * record.  Returns 0 to go on to older entries, or KT_ENOMEM. */
static int adder(void *arg, const struct kt_log_entry *e)
{
	char **by = arg;

	if (!e->added)
		return 0;
	free(*by);
	return (*by = strdup(e->author)) ? 0 : KT_ENOMEM;
}

/* Sets r->duplicate_by to who added the lead r->duplicate, from the
 * history, whoever's the lead is: the warning names no more of it than
 * that.  Returns 0 or an error. */
static int duplicate_by(struct kt_lead_state *st, struct kt_lead_report *r,
                        struct kt_error *err)
{
	char *path;
	int rc = index_shard_of(st->b->index, st->lead, r->duplicate, &path, err);

	if (!rc)
		rc = store_log(st->b->store, st->lead, r->duplicate, path, adder, &r->duplicate_by, err);
	free(path);
	if (rc == KT_ENOMEM)
		return kt_error_set(err, rc, "out of memory");
	return rc;
}

/* Sets r->duplicate to the newest open lead added in the last 30 days
 * with the new lead's phone or e-mail, whoever's.  Returns 0 or an
 * error. */
static int find_duplicate(struct kt_lead_state *st, char *const *names, char *const *values,
                          size_t n, struct kt_lead_report *r, struct kt_error *err)
{
	static const char *const fields[] = { "phone", "email" };
	const struct kt_flow *flow = kt_books_flow(st->b, st->lead->name);
	char since[21];
	int rc = 0;

	kt_datetime_format(kt_books_now(st->b) - 30 * 24 * 3600, since);
	for (size_t k = 0; !rc && k < sizeof fields / sizeof *fields; k++) {
		const struct kt_field *f = kt_schema_field(st->lead, fields[k]);
		const char *v = given(names, values, n, fields[k]);
		struct kt_error ignored = { 0 };
		char *norm = NULL, *id = NULL, *created = NULL;

		if (!f || !v || kt_value_normalize(f, v, &norm, &ignored) || !*norm) {
			free(norm);
			continue;
		}
		struct index_find q = { .s = st->lead, .f = f, .value = norm, .since = since };
		if (flow)
			q = (struct index_find){ st->lead, f, norm, NULL, since, flow->field,
			                         flow->archive, flow->narchive };
		rc = index_newest(st->b->index, NULL, &q, &id, NULL, &created, err);
		if (rc > 0 && (!r->duplicate || strcmp(created, r->duplicate_created) > 0)) {
			free(r->duplicate);
			free(r->duplicate_created);
			r->duplicate = id;
			r->duplicate_created = created;
			r->duplicate_match = fields[k];
			id = created = NULL;
		}
		rc = rc < 0 ? rc : 0;
		free(id);
		free(created);
		free(norm);
	}
	return rc || !r->duplicate ? rc : duplicate_by(st, r, err);
}

/* Prepares one new lead.  See kontora.h. */
int kt_lead_prepare(struct kt_lead_state *st, char *const *names, char *const *values,
                    size_t n, struct kt_lead_report *r, struct kt_error *err)
{
	const char *owner = st->lead->owner;
	const char *client = given(names, values, n, "client");
	const char *m = owner ? given(names, values, n, owner) : NULL;

	/* A caller who may add only their own leads (a manager) gets them. */
	if (owner && !m)
		m = access_own_default(&st->b->who, st->lead);
	char *manager = NULL;
	int rc = 0;

	memset(r, 0, sizeof *r);
	if (report_start(r, names, values, n))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	if (rc || (rc = index_open(st->b->index, err)) ||
	    (rc = find_existing(st, names, values, n, r, err)) || r->existing ||
	    (st->duplicates && (rc = find_duplicate(st, names, values, n, r, err))) ||
	    (rc = link_client(st, client, names, values, n, r, &manager, err)) || !owner)
		goto done;
	int has_client = client || r->client;
	if (m) {
		/* Given: counted for the next leads of the batch. */
		if (count_lead(st, m, has_client))
			rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	} else if (manager && *manager) {
		r->rule = "client";
		r->manager = manager;
		manager = NULL;
	} else if (st->rule != RULE_NONE && !(rc = load(st, err))) {
		size_t pick = 0;
		for (size_t i = 1; i < st->n; i++)
			if (st->count[i] < st->count[pick])
				pick = i;
		if (pick < st->n) {
			r->rule = assign_rule_names[st->rule];
			r->count = st->count[pick];
			if (!(r->manager = strdup(st->managers[pick])))
				rc = kt_error_set(err, KT_ENOMEM, "out of memory");
		}
	}
	if (!rc && r->manager && (count_lead(st, r->manager, has_client) ||
	                          report_set(r, owner, r->manager)))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
done:
	free(manager);
	if (rc)
		kt_lead_report_free(r);
	return rc;
}

/* Frees what a report holds and empties it. */
void kt_lead_report_free(struct kt_lead_report *r)
{
	for (size_t i = r->given; i < r->n; i++) {
		free(r->names[i]);
		free(r->values[i]);
	}
	free(r->names);
	free(r->values);
	free(r->client);
	free(r->client_name);
	free(r->contact);
	free(r->match_value);
	free(r->manager);
	free(r->existing);
	free(r->duplicate);
	free(r->duplicate_created);
	free(r->duplicate_by);
	memset(r, 0, sizeof *r);
}

/* ------------------------------------------------------------- assign */

/* Gives a record to an employee.  See kontora.h. */
int kt_change_assign(struct kt_change *c, const struct kt_schema *s, const char *id,
                     const char *login, struct kt_error *err)
{
	struct kt_books *b = change_books(c);
	const struct kt_schema *e = kt_books_type(b, "employee");
	const struct kt_field *active = e ? kt_schema_field(e, "active") : NULL;
	char *names[] = { s->owner }, *values[] = { (char *)login };
	char who[9];
	int rc;

	if (!s->owner)
		return kt_error_set(err, KT_EINVAL, "%s has no owner field (%s)", s->name, s->file);
	if (!e || (rc = index_exists(b->index, e, e->key, login, NULL, who, err)) == 0)
		return kt_error_set(err, KT_ENOTFOUND, "no employee \"%s\"", login);
	if (rc < 0)
		return rc;
	if (active) {
		struct kt_record *r;
		if ((rc = kt_record_read(b, e, who, &r, err)))
			return rc;
		int off = bool_value(kt_record_get(r, "active")) == 0;
		kt_record_free(r);
		if (off)
			return kt_error_set(err, KT_EINVAL, "employee %s is not active", login);
	}
	return kt_change_edit(c, s, id, names, values, 1, err);
}

/* ---------------------------------------------------------- processed */
