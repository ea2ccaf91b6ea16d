/*
 * open.c - the books open: the store (git), the index (SQLite), the
 * types and workflows of HEAD, and who acts.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "books/books.h"

const char *const assign_rule_names[] = { "round-robin", "least-loaded", "none" };

/* Reads assign.rule.  See books.h. */
int assign_rule(struct kt_books *b, enum assign_rule *rule, struct kt_error *err)
{
	char *value = NULL;
	int rc = kt_config_get(b, "assign.rule", &value, err);

	*rule = RULE_ROUND_ROBIN;
	if (rc)
		return rc == KT_ENOTFOUND ? 0 : rc;
	int i = RULE_ROUND_ROBIN;
	while (i <= RULE_NONE && strcasecmp(value, assign_rule_names[i]))
		i++;
	if (i <= RULE_NONE)
		*rule = (enum assign_rule)i;
	else
		rc = kt_error_set(err, KT_EINVAL, "kontora.conf: assign.rule: \"%s\" is not one of "
		                  "round-robin|least-loaded|none", value);
	free(value);
	return rc;
}

/* Returns the first ref field of s referring to target.  See books.h. */
const struct kt_field *ref_field(const struct kt_schema *s, const char *target)
{
	for (size_t i = 0; s && i < s->nfields; i++)
		if (s->fields[i].type == KT_REF && !strcmp(s->fields[i].arg, target))
			return &s->fields[i];
	return NULL;
}

/* Sets the field the rule weighs.  See books.h. */
void assign_count(struct kt_books *b, enum assign_rule rule, struct index_count *q)
{
	const struct kt_flow *f = kt_books_flow(b, q->s->name);
	const struct kt_field *client = ref_field(q->s, "client");

	if (rule == RULE_ROUND_ROBIN)
		q->empty = client ? client->name : NULL;
	if (rule == RULE_LEAST_LOADED && f) {
		q->state = f->field;
		q->not_in = f->archive;
		q->n = f->narchive;
	}
}

/* index_count_plan()'s function: for every type with an owner, the count
 * table of the distribution rule of kontora.conf, the one the next lead
 * add would make, so that the first lead given a manager after a reindex
 * reads a few hundred rows, not every lead.  Not the other rule's: its
 * triggers would tax every write of those types for a table nobody reads
 * (6% of an import of 100,000 web leads).  No rule is round robin; a
 * rule that is none, or a value that is no rule (lead add says so),
 * makes none.  Returns 0 or KT_ENOMEM. */
static int count_plan(void *books, struct index *ix, struct kt_error *err)
{
	struct kt_books *b = books;
	struct kt_error ignored = { 0 };
	enum assign_rule rule;

	if (assign_rule(b, &rule, &ignored) || rule == RULE_NONE)
		return 0;
	for (size_t i = 0; i < b->types.n; i++) {
		struct index_count q = { .s = b->types.v[i] };
		if (!q.s->owner)
			continue;
		assign_count(b, rule, &q);
		if (index_count_keep(ix, &q))
			return kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	return 0;
}

/* Parses one schema file into b's types.  Returns 0 or an error. */
static int add_schema(void *books, const char *path, const char *base,
                      const char *text, size_t len, struct kt_error *err)
{
	struct kt_books *b = books;
	struct kt_schema *s;
	int rc = kt_schema_parse(text, len, path, &s, err);

	return rc ? rc : types_add(&b->types, s, err);
}

/* Loads every schema file (schemas/NAME.schema) of HEAD into b.  Returns
 * 0 or an error. */
static int load_schemas(struct kt_books *b, struct kt_error *err)
{
	int rc = store_each_file(b->store, "schemas", ".schema", b->schemas_tree, add_schema, b, err);

	if (rc == KT_ENOTFOUND)
		return kt_error_set(err, KT_ESCHEMA, "%s: no schemas/ directory committed",
		                    store_root(b->store));
	return rc;
}

/* Parses one workflow file into b's flows.  A file that cannot be parsed
 * is remembered in b->flow_err (the first such) and skipped, so that the
 * books still open and kontora check can say what is wrong.  Returns 0
 * or KT_ENOMEM. */
static int add_flow(void *books, const char *path, const char *base,
                    const char *text, size_t len, struct kt_error *err)
{
	struct kt_books *b = books;
	struct kt_flow *f, **flows;
	struct kt_error e = { 0 };
	int rc = kt_flow_parse(text, len, path, (const struct kt_schema *const *)b->types.v,
	                       b->types.n, &f, &e);

	if (rc == KT_ENOMEM)
		return kt_error_set(err, rc, "out of memory");
	if (rc) {
		if (!b->flow_err.code)
			b->flow_err = e;
		return 0;
	}
	if (!(flows = realloc(b->flows, (b->nflows + 1) * sizeof *flows))) {
		kt_flow_free(f);
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	b->flows = flows;
	b->flows[b->nflows++] = f;
	return 0;
}

/* Loads every workflow (workflows/TYPE.flow) of HEAD; none at all is
 * fine.  Returns 0 or an error. */
static int load_flows(struct kt_books *b, struct kt_error *err)
{
	int rc = store_each_file(b->store, "workflows", ".flow", NULL, add_flow, b, err);

	return rc == KT_ENOTFOUND ? 0 : rc;
}

/* Returns the workflow of type.  See kontora.h. */
const struct kt_flow *kt_books_flow(const struct kt_books *b, const char *type)
{
	for (size_t i = 0; i < b->nflows; i++)
		if (!strcmp(b->flows[i]->type, type))
			return b->flows[i];
	return NULL;
}

/* Returns whether every workflow loaded.  See kontora.h. */
int kt_books_flow_status(const struct kt_books *b, struct kt_error *err)
{
	if (b->flow_err.code && err)
		*err = b->flow_err;
	return b->flow_err.code;
}

/* Opens the books at root.  See kontora.h. */
int kt_books_open(const char *root, const struct kt_options *opt,
                  struct kt_books **out, struct kt_error *err)
{
	struct kt_books *b = calloc(1, sizeof *b);
	int rc;

	if (!b)
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	b->now = opt && opt->now ? opt->now : time(NULL);
	if (opt && opt->user && !(b->who_login = strdup(opt->user))) {
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
		goto fail;
	}
	if ((rc = store_open(root, opt, &b->store, err)))
		goto fail;
	if ((rc = load_schemas(b, err)) || (rc = load_flows(b, err)))
		goto fail;
	if (!(b->index = index_new(b->store, &b->types, b->schemas_tree))) {
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
		goto fail;
	}
	index_count_plan(b->index, count_plan, b);
	*out = b;
	return 0;
fail:
	kt_books_close(b);
	return rc;
}

/* Opens the books at a past commit.  See kontora.h. */
int kt_books_open_at(struct kt_books *now, const struct kt_options *opt, const char *rev,
                     struct kt_books **out, struct kt_error *err)
{
	struct kt_options o = opt ? *opt : (struct kt_options){ 0 };
	const struct kt_identity *who;
	struct kt_books *b;
	int rc = kt_books_whoami(now, &who, err);

	*out = NULL;
	o.at = rev;
	o.user = rc ? NULL : who->login;
	o.now = now->now;
	if (rc || (rc = kt_books_open(kt_books_root(now), &o, &b, err)))
		return rc;
	/* A role set here is what books_identity() takes as resolved. */
	b->who_name = strdup(who->name);
	b->who_email = strdup(who->email);
	b->who_role = strdup(who->role);
	b->who = (struct kt_identity){ .name = b->who_name, .email = b->who_email,
	                               .login = b->who_login, .role = b->who_role };
	if (!b->who_name || !b->who_email || !b->who_role) {
		kt_books_close(b);
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	/* The labels of that commit's kontora.conf, as need_books() applies now's. */
	if ((rc = kt_books_labels(b, err))) {
		kt_books_close(b);
		return rc;
	}
	*out = b;
	return 0;
}

/* Closes the books and frees everything they hold; NULL is fine. */
void kt_books_close(struct kt_books *b)
{
	if (!b)
		return;
	index_free(b->index);
	/* A blob of the store goes before the store. */
	books_rows_drop(b);
	store_close(b->store);
	types_free(&b->types);
	books_dicts_reset(b);
	labels_free(b);
	for (size_t i = 0; i < b->nflows; i++)
		kt_flow_free(b->flows[i]);
	free(b->flows);
	free(b->who_name);
	free(b->who_email);
	free(b->who_login);
	free(b->who_role);
	free(b);
}

void kt_books_progress(struct kt_books *b,
                       void (*fn)(void *arg, const char *what, size_t done, size_t total),
                       void *arg)
{
	b->progress = fn;
	b->progress_arg = arg;
	index_progress(b->index, fn, arg);
}

const char *kt_books_root(const struct kt_books *b)
{
	return store_root(b->store);
}

/* Returns the books' clock.  See kontora.h. */
time_t kt_books_now(const struct kt_books *b)
{
	return b->now;
}

size_t kt_books_ntypes(const struct kt_books *b)
{
	return b->types.n;
}

const struct kt_schema *kt_books_type_at(const struct kt_books *b, size_t i)
{
	return i < b->types.n ? b->types.v[i] : NULL;
}

/* Returns the schema called name (owned by b), or NULL. */
const struct kt_schema *kt_books_type(const struct kt_books *b, const char *name)
{
	return types_find(&b->types, name);
}

/* Returns the schema whose id letter is letter, any case (owned by b). */
const struct kt_schema *kt_books_type_by_prefix(const struct kt_books *b, char letter)
{
	return types_by_prefix(&b->types, letter);
}

/* ---------------------------------------------------------------- config */

/* Reads one key of kontora.conf.  See kontora.h. */
int kt_config_get(struct kt_books *b, const char *key, char **value, struct kt_error *err)
{
	return store_config_get(b->store, key, value, err);
}

/* Calls fn for every entry of kontora.conf.  See kontora.h. */
int kt_config_foreach(struct kt_books *b, int (*fn)(void *arg, const char *key, const char *value),
                      void *arg, struct kt_error *err)
{
	return store_config_each(b->store, fn, arg, err);
}
