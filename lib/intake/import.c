/*
 * import.c - web leads into the books, one change for a whole import:
 * each row is read by its source's mapping, skipped when its submission
 * is already in the books, merged into the lead of the same person made
 * earlier in the import, or added as a new, unprocessed lead, linked and
 * distributed by lib/crm/lead.c, with a task for its manager to process it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intake/intake.h"

/* A lead this import will add: the row it came from, read again when it
 * is added (holding 100,000 leads read as well as their rows was a fifth
 * of an import's memory), unless later rows of the person merged into it. */
struct pending {
	const struct kt_intake_row *row;   /* the caller's; outlives the import */
	struct kt_weblead *merged;         /* the lead with the merged rows, or NULL */
	long line;
	const char *file;    /* as given to kt_import_row(); must outlive the import */
	const struct kt_source_map *map;
};

/* A lead already in the books whose submission came again: later rows of
 * the same person add their comments to it. */
struct known {
	char *id;
	char *comment;       /* NULL until read */
	char *processed;     /* its processed mark, kept by the edit */
	int changed;
};

/* person values at or above this are known leads, below it pending ones. */
#define KNOWN ((size_t)1 << 40)

struct kt_import {
	struct kt_books *b;
	struct kt_change *change;
	const struct kt_schema *lead, *task;
	struct strmap seen;     /* external ids in the books (-> 1 + their index in
	                         * known) and in this import (-> 0) */
	struct strmap person;   /* "p:PHONE" and "e:EMAIL": a pending lead's index,
	                         * or KNOWN + a known lead's */
	struct known *known;
	size_t nknown;
	struct pending *pending;
	size_t npending, cappending;
	char task_due[11];      /* YYYY-MM-DD of the process-lead tasks */
	struct kt_import_summary sum;
};

/* Remembers the lead id whose external id is value.  Returns 0 or
 * KT_ENOMEM. */
static int seen_lead(struct kt_import *im, const char *value, const char *id)
{
	if (im->nknown % 1024 == 0) {
		struct known *v = realloc(im->known, (im->nknown + 1024) * sizeof *v);
		if (!v)
			return KT_ENOMEM;
		im->known = v;
	}
	struct known *k = &im->known[im->nknown];
	memset(k, 0, sizeof *k);
	if (!(k->id = strdup(id)))
		return KT_ENOMEM;
	return strmap_put(&im->seen, value, ++im->nknown);
}

/* Finds the lead of the books whose external id is value, whoever's it
 * is (a submission is the same whoever may see its lead), and remembers
 * it in seen: one indexed lookup a row, inside the import's read
 * transaction, rather than every external id of the books read first
 * (442,000 at a million leads: most of the memory of an import).  Returns
 * 1 with *same (1 + its index in known), 0 when the books have none, or
 * an error. */
static int seen_in_books(struct kt_import *im, const char *value, size_t *same,
                         struct kt_error *err)
{
	char id[9];
	int rc = index_exists(im->b->index, im->lead, "external_id", value, NULL, id, err);

	if (rc <= 0)
		return rc;
	if ((rc = seen_lead(im, value, id)))
		return kt_error_set(err, rc, "out of memory");
	*same = im->nknown;
	return 1;
}

/* --------------------------------------------------------------- begin */

/* Starts an import.  See kontora.h. */
int kt_import_begin(struct kt_books *b, const char *command, struct kt_import **out,
                    struct kt_error *err)
{
	struct kt_import *im = calloc(1, sizeof *im);
	char *hours = NULL;
	long h = 2;
	int rc;

	*out = NULL;
	if (!im)
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	im->b = b;
	im->lead = kt_books_type(b, "lead");
	im->task = kt_books_type(b, "task");
	if (!im->lead || !kt_schema_field(im->lead, "external_id")) {
		free(im);
		return kt_error_set(err, KT_ENOTFOUND, "schemas/lead.schema: no lead type with a field external_id");
	}
	rc = kt_change_begin(b, command, &im->change, err);
	/* Every row asks the index; nothing commits until the end. */
	if (!rc)
		rc = index_read_begin(b->index, err);
	/* The task to process a new lead is due import.task-hours from now. */
	struct kt_error unset = { 0 };
	if (!rc && kt_config_get(b, "import.task-hours", &hours, &unset) == 0) {
		char *end;
		h = strtol(hours, &end, 10);
		if (*end || h < 0 || end == hours)
			rc = kt_error_set(err, KT_EINVAL, "kontora.conf: import.task-hours=%s is not a number of hours", hours);
		free(hours);
	}
	time_t due = kt_books_now(b) + h * 3600;
	struct tm tm;
	strftime(im->task_due, sizeof im->task_due, "%Y-%m-%d", localtime_r(&due, &tm));
	if (rc) {
		kt_import_free(im);
		return rc;
	}
	*out = im;
	return 0;
}

/* ----------------------------------------------------------------- rows */

/* Appends to buf (size bytes, *len of them used) at most max bytes of s,
 * cut where snprintf() would cut it, and returns buf: the import puts
 * together a few strings a row, and printf's were 3% of it. */
static char *cat(char *buf, size_t size, size_t *len, const char *s, size_t max)
{
	size_t n = strnlen(s, max < size - 1 - *len ? max : size - 1 - *len);

	memcpy(buf + *len, s, n);
	*len += n;
	buf[*len] = '\0';
	return buf;
}

/* Copies s into dst of size bytes, cut as snprintf() would; returns dst. */
static char *copy_into(char *dst, size_t size, const char *s)
{
	size_t len = 0;

	return cat(dst, size, &len, s, size);
}

/* The key of the person of l's phone (field KT_WL_PHONE) or e-mail
 * (KT_WL_EMAIL) in im->person, "p:PHONE" or "e:EMAIL" (its first 390
 * bytes), in key; NULL when l has none. */
static const char *person_key(const struct kt_weblead *l, enum kt_weblead_field f, char key[400])
{
	size_t len = 0;

	if (!l->v[f] || !*l->v[f])
		return NULL;
	cat(key, 400, &len, f == KT_WL_PHONE ? "p:" : "e:", 2);
	return cat(key, 400, &len, l->v[f], f == KT_WL_PHONE ? 400 : 390);
}

/* Returns the index of the pending lead of the same phone or e-mail, or
 * (size_t)-1. */
static size_t same_person(const struct kt_import *im, const struct kt_weblead *l)
{
	char key[400];
	size_t i;

	if (person_key(l, KT_WL_PHONE, key) && strmap_get(&im->person, key, &i))
		return i;
	if (person_key(l, KT_WL_EMAIL, key) && strmap_get(&im->person, key, &i))
		return i;
	return (size_t)-1;
}

/* Remembers the phone and e-mail of l as the person of value (a pending
 * lead's index, or KNOWN + a known lead's), unless they are someone's.
 * Returns 0 or KT_ENOMEM. */
static int remember_person(struct kt_import *im, const struct kt_weblead *l, size_t value)
{
	char key[400];
	int rc = 0;

	if (person_key(l, KT_WL_PHONE, key))
		rc = strmap_add(&im->person, key, value, NULL);
	if (rc >= 0 && person_key(l, KT_WL_EMAIL, key))
		rc = strmap_add(&im->person, key, value, NULL);
	return rc < 0 ? rc : 0;
}

/* Returns text with more added as a paragraph (a new string; caller
 * frees), or NULL when more is empty or text holds it already, or when
 * out of memory (*nomem set). */
static char *with_comment(const char *text, const char *more, int *nomem)
{
	struct kt_buf b = { 0 };

	if (!more || !*more || (text && strstr(text, more)))
		return NULL;
	if (kt_buf_addf(&b, "%s%s%s", text ? text : "", text && *text ? "\n---\n" : "", more)) {
		kt_buf_free(&b);
		*nomem = 1;
		return NULL;
	}
	return kt_buf_detach(&b);
}

/* Adds the comment of row l to the known lead k, read from the books the
 * first time.  Returns 1 if it added something, 0 if the lead had it
 * already, or an error. */
static int merge_known(struct kt_import *im, struct known *k, const struct kt_weblead *l,
                       struct kt_error *err)
{
	int nomem = 0;

	if (!k->comment) {
		struct kt_record *r;
		int rc = kt_record_read(im->b, im->lead, k->id, &r, err);
		if (rc)
			return rc;
		const char *c = kt_record_get(r, "comment"), *p = kt_record_get(r, "processed");
		k->comment = strdup(c ? c : "");
		k->processed = p ? strdup(p) : NULL;
		kt_record_free(r);
		if (!k->comment || (p && !k->processed))
			return kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	char *joined = with_comment(k->comment, l->v[KT_WL_COMMENT], &nomem);
	if (nomem)
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	if (!joined)
		return 0;
	free(k->comment);
	k->comment = joined;
	k->changed = 1;
	return 1;
}

/* Merges row l into the pending lead p of the same person: its comment
 * added to p's (two rows of one import are one lead with both comments),
 * and what p lacks taken from l.  Returns 0 or an error. */
static int merge(struct pending *p, struct kt_weblead *l, struct kt_error *err)
{
	struct kt_weblead *m = p->merged;
	int nomem = 0, rc;

	if (!m) {
		if (!(m = calloc(1, sizeof *m)))
			return kt_error_set(err, KT_ENOMEM, "out of memory");
		if ((rc = kt_weblead_from_row(p->map, p->row, m, err))) {
			free(m);
			return rc;
		}
		p->merged = m;
	}
	char *joined = with_comment(m->v[KT_WL_COMMENT], l->v[KT_WL_COMMENT], &nomem);
	if (nomem)
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	if (joined) {
		free(m->v[KT_WL_COMMENT]);
		m->v[KT_WL_COMMENT] = joined;
	}
	for (int f = 0; f < KT_WEBLEAD_NFIELDS; f++)
		if ((!m->v[f] || !*m->v[f]) && l->v[f] && *l->v[f]) {
			free(m->v[f]);
			m->v[f] = l->v[f];
			l->v[f] = NULL;
		}
	return 0;
}

/* Reads one row.  See kontora.h. */
int kt_import_row(struct kt_import *im, const struct kt_source_map *m,
                  const struct kt_intake_row *r, const char *file,
                  struct kt_import_result *res, struct kt_error *err)
{
	struct kt_weblead l;
	size_t same = 0;
	int rc, found = 0;

	memset(res, 0, sizeof *res);
	res->row = r;
	if ((rc = kt_weblead_from_row(m, r, &l, err)))
		return rc;
	/* Seen in this import, or in the books. */
	if (!l.reason && !(found = strmap_get(&im->seen, l.external_id, &same)) &&
	    (found = seen_in_books(im, l.external_id, &same, err)) < 0) {
		kt_weblead_free(&l);
		return found;
	}
	if (l.reason) {
		res->kind = KT_IMPORT_REJECTED;
		copy_into(res->reason, sizeof res->reason, l.reason);
		im->sum.rejected++;
	} else if (found) {
		/* Later rows of this person belong to its lead too. */
		res->kind = KT_IMPORT_DUPLICATE;
		im->sum.duplicates++;
		if (same)
			rc = remember_person(im, &l, KNOWN + same - 1);
	} else if ((same = same_person(im, &l)) != (size_t)-1 && same >= KNOWN) {
		struct known *k = &im->known[same - KNOWN];
		rc = merge_known(im, k, &l, err);
		if (rc < 0) {
			kt_weblead_free(&l);
			return rc;
		}
		res->kind = rc ? KT_IMPORT_MERGED : KT_IMPORT_DUPLICATE;
		res->id = k->id;
		rc ? im->sum.merged++ : im->sum.duplicates++;
		rc = strmap_put(&im->seen, l.external_id, 0);
	} else if (same != (size_t)-1) {
		res->kind = KT_IMPORT_MERGED;
		res->line = im->pending[same].line;
		res->file = im->pending[same].file;
		if ((rc = merge(&im->pending[same], &l, err))) {
			kt_weblead_free(&l);
			return rc;
		}
		rc = strmap_put(&im->seen, l.external_id, 0);
		im->sum.merged++;
	} else {
		if (im->npending == im->cappending) {
			size_t cap = im->cappending ? im->cappending * 2 : 64;
			struct pending *v = realloc(im->pending, cap * sizeof *v);
			if (!v) {
				kt_weblead_free(&l);
				return kt_error_set(err, KT_ENOMEM, "out of memory");
			}
			im->pending = v;
			im->cappending = cap;
		}
		res->kind = KT_IMPORT_NEW;
		im->pending[im->npending++] = (struct pending){ r, NULL, r->line, file, m };
		rc = strmap_put(&im->seen, l.external_id, 0);
		if (!rc)
			rc = remember_person(im, &l, im->npending - 1);
	}
	kt_weblead_free(&l);
	return rc ? kt_error_set(err, KT_ENOMEM, "out of memory") : 0;
}

/* -------------------------------------------------------------- commit */

/* Pairs for kt_change_add(). */
struct pairs {
	size_t n;
	char *names[24];
	const char *values[24];
	char title[300];     /* the title made when the lead has none to take */
};

/* Adds (name, value) when the schema has the field and value is not
 * empty. */
static void put(struct pairs *p, const struct kt_schema *s, const char *name, const char *value)
{
	if (value && *value && kt_schema_field(s, name) && p->n < 24) {
		p->names[p->n] = (char *)name;
		p->values[p->n++] = value;
	}
}

/* Returns the title of a web lead: what the person wants, else the form,
 * else "Заявка с сайта", in buf. */
static const char *lead_title(const struct kt_weblead *l, char *buf, size_t size)
{
	const char *form = l->v[KT_WL_FORM] && *l->v[KT_WL_FORM] ? l->v[KT_WL_FORM] : NULL;
	size_t len = 0;

	if (l->v[KT_WL_PRODUCT] && *l->v[KT_WL_PRODUCT])
		return l->v[KT_WL_PRODUCT];
	cat(buf, size, &len, "Заявка с сайта", size);
	if (form) {
		cat(buf, size, &len, " (", size);
		cat(buf, size, &len, form, 200);
		cat(buf, size, &len, ")", size);
	}
	return buf;
}

/* Adds the task for the lead's manager to process it.  Returns 0 or an
 * error. */
static int add_task(struct kt_import *im, const char *lead_id, const char *manager,
                    const struct kt_weblead *l, struct kt_error *err)
{
	const char *who = l->v[KT_WL_NAME] && *l->v[KT_WL_NAME] ? l->v[KT_WL_NAME] :
	                  l->v[KT_WL_PHONE] && *l->v[KT_WL_PHONE] ? l->v[KT_WL_PHONE] : l->v[KT_WL_EMAIL];
	struct pairs p = { 0 };
	char text[300];
	size_t len = 0;
	const char *id;

	if (!im->task)
		return 0;
	cat(text, sizeof text, &len, "Обработать новый лид: ", sizeof text);
	cat(text, sizeof text, &len, who ? who : lead_id, 200);
	put(&p, im->task, "text", text);
	put(&p, im->task, "on", lead_id);
	put(&p, im->task, "assignee", manager);
	put(&p, im->task, "due", im->task_due);
	return kt_change_add(im->change, im->task, p.names, (char *const *)p.values, p.n, &id, err);
}

/* Fills pr (empty) with the pairs of pending lead p, read as l, as
 * kt_lead_prepare() takes them; they point into l and pr. */
static void lead_pairs(const struct kt_import *im, const struct pending *p,
                       const struct kt_weblead *l, struct pairs *pr)
{
	put(pr, im->lead, "title", lead_title(l, pr->title, sizeof pr->title));
	put(pr, im->lead, "name", l->v[KT_WL_NAME]);
	put(pr, im->lead, "phone", l->v[KT_WL_PHONE]);
	put(pr, im->lead, "email", l->v[KT_WL_EMAIL]);
	put(pr, im->lead, "inn", l->v[KT_WL_INN]);
	put(pr, im->lead, "comment", l->v[KT_WL_COMMENT]);
	put(pr, im->lead, "source", p->map->lead_source);
	put(pr, im->lead, "utm_source", l->v[KT_WL_UTM_SOURCE]);
	put(pr, im->lead, "utm_medium", l->v[KT_WL_UTM_MEDIUM]);
	put(pr, im->lead, "utm_campaign", l->v[KT_WL_UTM_CAMPAIGN]);
	put(pr, im->lead, "utm_content", l->v[KT_WL_UTM_CONTENT]);
	put(pr, im->lead, "utm_term", l->v[KT_WL_UTM_TERM]);
	put(pr, im->lead, "external_id", l->external_id);
	put(pr, im->lead, "processed", "false");
}

/* Adds pending lead p, read as l into the pairs pr, to the change:
 * linked and distributed, with its task.  Returns 0 and fills *res
 * (res->id is id, 9 bytes, the caller's), or an error about the lead. */
static int add_lead(struct kt_import *im, struct kt_lead_state *st, const struct pending *p,
                    const struct kt_weblead *l, const struct pairs *pr, char *id_out,
                    struct kt_import_result *res, struct kt_error *err)
{
	struct kt_lead_report rep = { 0 };
	const char *id = NULL, *manager = NULL;
	int rc;

	if ((rc = kt_lead_prepare(st, (char *const *)pr->names, (char *const *)pr->values, pr->n, &rep, err)))
		return rc;
	rc = kt_change_add(im->change, im->lead, rep.names, rep.values, rep.n, &id, err);
	/* A copy: the change's next adds move what id points to. */
	if (!rc)
		copy_into(id_out, 9, id);
	for (size_t i = 0; !rc && i < rep.n; i++)
		if (!strcmp(rep.names[i], "manager"))
			manager = rep.values[i];
	if (!rc)
		rc = add_task(im, id_out, manager, l, err);
	if (!rc) {
		res->kind = rep.client ? KT_IMPORT_LINKED : KT_IMPORT_NEW;
		res->id = id_out;
		res->line = p->line;
		res->file = p->file;
		copy_into(res->client, sizeof res->client, rep.client ? rep.client : "");
		copy_into(res->client_name, sizeof res->client_name, rep.client_name ? rep.client_name : "");
		copy_into(res->match, sizeof res->match, rep.match ? rep.match : "");
		copy_into(res->match_value, sizeof res->match_value, rep.match_value ? rep.match_value : "");
		copy_into(res->manager, sizeof res->manager, manager ? manager : "");
	}
	kt_lead_report_free(&rep);
	return rc;
}

/* Returns 1 if an error of adding a lead is the lead's own fault (a value
 * the books do not take), not the machine's. */
static int lead_fault(int code)
{
	return code == KT_EINVAL || code == KT_EEXISTS || code == KT_ENOTFOUND;
}

/* Pending leads read and told to dedupe at a time (kt_lead_expect()):
 * its sorted lookups read each page of a client index once for a batch
 * this size, whose rows take about a megabyte. */
#define BATCH 4096

/* Adds the n pending leads from the first to the change, each reported
 * to fn: read and told to dedupe, then linked, distributed and added one
 * by one.  A lead the books refuse is reported rejected.  Returns 0 or
 * an error. */
static int add_batch(struct kt_import *im, struct kt_lead_state *st, size_t first, size_t n,
                     kt_import_fn fn, void *arg, struct kt_error *err)
{
	struct kt_weblead *read = calloc(n, sizeof *read);
	struct pairs *pr = calloc(n, sizeof *pr);
	int rc = read && pr ? 0 : kt_error_set(err, KT_ENOMEM, "out of memory");

	for (size_t j = 0; !rc && j < n; j++) {
		struct pending *p = &im->pending[first + j];
		if (!p->merged)
			rc = kt_weblead_from_row(p->map, p->row, &read[j], err);
		if (!rc) {
			lead_pairs(im, p, p->merged ? p->merged : &read[j], &pr[j]);
			rc = kt_lead_expect(st, pr[j].names, (char *const *)pr[j].values, pr[j].n, err);
		}
	}
	/* Each lead and its task take a new id. */
	if (!rc && !(rc = kt_change_ids(im->change, im->lead, n, err)) && im->task)
		rc = kt_change_ids(im->change, im->task, n, err);
	for (size_t j = 0; !rc && j < n; j++) {
		struct pending *p = &im->pending[first + j];
		struct kt_import_result res = { .row = p->row };
		char id[9] = "";
		rc = add_lead(im, st, p, p->merged ? p->merged : &read[j], &pr[j], id, &res, err);
		if (rc && lead_fault(rc)) {
			res.kind = KT_IMPORT_REJECTED;
			res.line = p->line;
			res.file = p->file;
			snprintf(res.reason, sizeof res.reason, "%s", err->msg);
			memset(err, 0, sizeof *err);
			rc = 0;
			im->sum.rejected++;
		} else if (!rc)
			res.kind == KT_IMPORT_LINKED ? im->sum.linked++ : im->sum.added++;
		if (!rc && fn)
			fn(arg, &res);
		kt_weblead_free(&read[j]);
		if (p->merged) {
			kt_weblead_free(p->merged);
			free(p->merged);
			p->merged = NULL;
		}
	}
	for (size_t j = 0; read && j < n; j++)
		kt_weblead_free(&read[j]);
	free(read);
	free(pr);
	return rc;
}

/* Adds the pending leads and commits.  See kontora.h. */
int kt_import_commit(struct kt_import *im, int dry_run, kt_import_fn fn, void *arg,
                     struct kt_import_summary *sum, struct kt_error *err)
{
	struct kt_lead_state *st = NULL;
	char subject[300];
	int rc = im->npending ? kt_lead_state_new(im->b, &st, err) : 0;

	/* Every row is read: who was seen is no longer asked. */
	strmap_free(&im->seen);
	strmap_free(&im->person);
	/* Each pending lead is a lead and its manager's task. */
	if (!rc && kt_change_reserve(im->change, 2 * im->npending))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	for (size_t i = 0; !rc && i < im->npending; i += BATCH)
		rc = add_batch(im, st, i, im->npending - i < BATCH ? im->npending - i : BATCH, fn, arg, err);
	index_read_end(im->b->index);
	kt_lead_state_free(st);
	/* The comments later rows of a person add to its lead in the books;
	 * the edit keeps the lead's processed mark as it is. */
	for (size_t i = 0; !rc && i < im->nknown; i++) {
		struct known *k = &im->known[i];
		char *names[] = { "comment", "processed" }, *values[] = { k->comment, k->processed };
		if (k->changed)
			rc = kt_change_edit(im->change, im->lead, k->id, names, values, k->processed ? 2 : 1, err);
	}
	if (rc)
		return rc;
	*sum = im->sum;
	snprintf(subject, sizeof subject, "import leads: %zu new, %zu linked, %zu merged, "
	         "%zu duplicates skipped, %zu rejected", sum->added, sum->linked, sum->merged,
	         sum->duplicates, sum->rejected);
	if (!dry_run && (sum->added || sum->linked || sum->merged))
		rc = kt_change_commit(im->change, subject, NULL, err);
	return rc;
}

/* Frees an import, dropping what was not committed.  NULL is fine. */
void kt_import_free(struct kt_import *im)
{
	if (!im)
		return;
	index_read_end(im->b->index);
	strmap_free(&im->seen);
	strmap_free(&im->person);
	for (size_t i = 0; i < im->nknown; i++) {
		free(im->known[i].id);
		free(im->known[i].comment);
		free(im->known[i].processed);
	}
	free(im->known);
	for (size_t i = 0; i < im->npending; i++)
		if (im->pending[i].merged) {
			kt_weblead_free(im->pending[i].merged);
			free(im->pending[i].merged);
		}
	free(im->pending);
	kt_change_free(im->change);
	free(im);
}
