/*
 * label.c - configurable labels: kontora.conf renames record types, their
 * fields and dictionary entries wherever kontora writes for people
 * ([label] lead = Заявка, [label "lead"] amount = Сумма сделки,
 * [label "funnel_stage"] won = Заказ).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "books/books.h"

/* A label key split: what (a type or a dictionary) and, for
 * label.WHAT.NAME, name; both point into buf. */
struct label_key {
	char buf[256];
	char *what, *name;
};

/* Splits key if it is in the label section.  Returns 1 if it is, else 0. */
static int label_split(const char *key, struct label_key *k)
{
	if (strncasecmp(key, "label.", 6) || strlen(key + 6) >= sizeof k->buf)
		return 0;
	strcpy(k->buf, key + 6);
	k->what = k->buf;
	k->name = strrchr(k->buf, '.');
	if (k->name)
		*k->name++ = '\0';
	return 1;
}

/* Returns the schema called name, modifiable (owned by b), or NULL. */
static struct kt_schema *type_named(struct kt_books *b, const char *name)
{
	for (size_t i = 0; i < b->types.n; i++)
		if (!strcmp(b->types.v[i]->name, name))
			return b->types.v[i];
	return NULL;
}

/* Returns 1 if the dictionary what has the entry id, else 0. */
static int dict_has(struct kt_books *b, const char *what, const char *id)
{
	struct kt_error derr = { 0 };
	const struct dict *d = books_dict(b, what, &derr);

	for (size_t i = 0; d && i < d->n; i++)
		if (!strcmp(d->ids[i], id))
			return 1;
	return 0;
}

/* Checks a label key and value.  See books.h. */
int label_check(struct kt_books *b, const char *key, const char *value,
                struct kt_error *err)
{
	struct label_key k;
	struct kt_error derr = { 0 };

	if (!label_split(key, &k))
		return 0;
	if (!*value || strchr(value, '\n') || !kt_utf8_valid(value, strlen(value), NULL))
		return kt_error_set(err, KT_EINVAL, "%s: a label is one line of UTF-8 text, not empty", key);
	const struct kt_schema *s = type_named(b, k.what);
	if (!k.name && s)
		return 0;
	if (!k.name)
		return kt_error_set(err, KT_EINVAL, "%s: no record type %s (label.TYPE, label.TYPE.FIELD "
		                    "or label.DICT.ID)", key, k.what);
	if (s && kt_schema_field(s, k.name))
		return 0;
	if (dict_has(b, k.what, k.name))
		return 0;
	if (s)
		return kt_error_set(err, KT_EINVAL, "%s: %s has no field %s", key, s->file, k.name);
	if (books_dict(b, k.what, &derr))
		return kt_error_set(err, KT_EINVAL, "%s: dicts/%s.csv has no entry %s", key, k.what, k.name);
	return kt_error_set(err, KT_EINVAL, "%s: no record type or dictionary %s", key, k.what);
}

/* Frees the kept dictionary labels.  See books.h. */
void labels_free(struct kt_books *b)
{
	for (size_t i = 0; i < 2 * b->nlabels; i++)
		free(b->labels[i]);
	free(b->labels);
	b->labels = NULL;
	b->nlabels = 0;
}

/* Replaces *label by a copy of value.  Returns 0 or KT_ENOMEM. */
static int set_label(char **label, const char *value)
{
	char *copy = strdup(value);

	if (!copy)
		return KT_ENOMEM;
	free(*label);
	*label = copy;
	return 0;
}

/* store_config_each() callback: applies one label key. */
static int apply_label(void *arg, const char *key, const char *value)
{
	struct kt_books *b = arg;
	struct label_key k;

	if (!label_split(key, &k) || !*value)
		return 0;
	struct kt_schema *s = type_named(b, k.what);
	if (!k.name)
		return s ? set_label(&s->label, value) : 0;
	for (size_t i = 0; s && i < s->nfields; i++)
		if (!strcmp(s->fields[i].name, k.name))
			return set_label(&s->fields[i].label, value);
	if (!dict_has(b, k.what, k.name))
		return 0;
	char **l = realloc(b->labels, 2 * (b->nlabels + 1) * sizeof *l);
	if (!l)
		return KT_ENOMEM;
	b->labels = l;
	l[2 * b->nlabels] = malloc(strlen(k.what) + strlen(k.name) + 2);
	l[2 * b->nlabels + 1] = strdup(value);
	b->nlabels++;
	if (!l[2 * b->nlabels - 2] || !l[2 * b->nlabels - 1])
		return KT_ENOMEM;
	sprintf(l[2 * b->nlabels - 2], "%s.%s", k.what, k.name);
	return 0;
}

/* Applies kontora.conf's labels.  See kontora.h. */
int kt_books_labels(struct kt_books *b, struct kt_error *err)
{
	labels_free(b);
	int rc = store_config_each(b->store, apply_label, b, err);
	if (rc == KT_ENOMEM)
		return kt_error_set(err, rc, "out of memory");
	return rc;
}

/* Returns the label of a dictionary entry.  See kontora.h. */
const char *kt_dict_label(struct kt_books *b, const char *dict, const char *id)
{
	struct kt_error derr = { 0 };
	size_t dlen = strlen(dict);

	for (size_t i = 0; i < b->nlabels; i++) {
		const char *key = b->labels[2 * i];
		if (!strncmp(key, dict, dlen) && key[dlen] == '.' && !strcmp(key + dlen + 1, id))
			return b->labels[2 * i + 1];
	}
	const struct dict *d = books_dict(b, dict, &derr);
	for (size_t i = 0; d && i < d->n; i++)
		if (!strcmp(d->ids[i], id))
			return d->names[i];
	return id;
}

/* Returns the title of the record key names (its id, or its key such as
 * an employee's login) in type t, with its id when form asks, in buf; or
 * NULL when there is none or the caller may not see it. */
static const char *ref_title(struct kt_books *b, const struct kt_schema *t, const char *key,
                             enum kt_ref_form form, struct kt_buf *buf)
{
	const char *fields[] = { "id", t->title ? t->title : "id" };
	char *v[2];
	struct kt_error err = { 0 };
	const char *shown = NULL;

	if (index_get(b->index, t, t->key ? t->key : "id", key, fields, 2, v, &err) == 1 && v[0] &&
	    v[1] && *v[1] && !access_record(b, t, v[0], ACCESS_READ, &err)) {
		kt_buf_reset(buf);
		if (!(form == KT_REF_WITH_ID ? kt_buf_addf(buf, "%s (%s)", v[1], key)
		                             : kt_buf_adds(buf, v[1])))
			shown = buf->data;
	}
	free(v[0]);
	free(v[1]);
	return shown;
}

/* How kt_value_label() shows the values of a field. */
enum label_way { LABEL_AS_IS, LABEL_DICT, LABEL_STATE, LABEL_REF };

/* Returns how kt_value_label() shows the values of field f of s (NULL:
 * as they are), and in *flow s's workflow when f is its state. */
static enum label_way label_way(struct kt_books *b, const struct kt_schema *s,
                                const struct kt_field *f, const struct kt_flow **flow)
{
	if (!f)
		return LABEL_AS_IS;
	if (f->type == KT_DICT)
		return LABEL_DICT;
	if (s && (*flow = kt_books_flow(b, s->name)) && !strcmp((*flow)->field, f->name))
		return LABEL_STATE;
	return f->type == KT_REF ? LABEL_REF : LABEL_AS_IS;
}

/* Returns what people see for a value.  See kontora.h. */
const char *kt_value_label(struct kt_books *b, const struct kt_schema *s,
                           const struct kt_field *f, const char *value,
                           enum kt_ref_form form, struct kt_buf *buf)
{
	const struct kt_flow *flow = NULL;
	const struct kt_schema *t;
	const char *shown;

	switch (*value ? label_way(b, s, f, &flow) : LABEL_AS_IS) {
	case LABEL_DICT:
		return kt_dict_label(b, f->arg, value);
	case LABEL_STATE:
		return kt_flow_state_label(flow, value);
	case LABEL_REF:
		if ((t = types_find(&b->types, f->arg)) && (shown = ref_title(b, t, value, form, buf)))
			return shown;
		return value;
	default:
		return value;
	}
}

/* Says whether kt_value_label() may change a value of f.  See kontora.h. */
int kt_value_labelled(struct kt_books *b, const struct kt_schema *s, const struct kt_field *f)
{
	const struct kt_flow *flow;

	return label_way(b, s, f, &flow) != LABEL_AS_IS;
}

/* Calls fn with the titles of t's records.  See kontora.h. */
int kt_ref_titles(struct kt_books *b, const struct kt_schema *t,
                  int (*fn)(void *arg, const char *key, const char *title), void *arg,
                  struct kt_error *err)
{
	int rc = books_identity(b, err);

	return rc ? rc : index_each_title(b->index, &b->who, t, fn, arg, err);
}
