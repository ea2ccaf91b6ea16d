/*
 * util-card.c - the client's card, which kontora client show ID prints
 * (the show of cmd/util-record.c): the client's own fields in sections
 * (the company, the sample recipient, the manager), then what the books
 * hold about it: contacts, open and closed leads, total ordered, debt,
 * open tasks, the last activity, attached files and lab requests.  And
 * what kontora lead|contact show adds after the record: its open tasks,
 * activities, files and lab requests.  Everything is read through
 * kt_list() and kt_record_read(), so the caller sees on the card only
 * what they may see elsewhere.  kontora client show ID --record prints
 * the stored record instead.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

/* ------------------------------------------------------------- the card */

/* What the card shows, gathered before it is printed. */
struct card {
	struct kt_books *b;
	const struct kt_schema *s;
	const struct kt_record *r; /* the client (not owned); NULL for card_related() */
	const char *id;            /* the record's id */
	char today[11];
	struct rows manager, contacts, leads, tasks, activities, files;
	struct rows lab[2];
	const char *state;         /* the field holding a lead's state */
	int64_t total_ordered;     /* the totals of its issued, partly paid, paid invoices */
	int64_t paid;              /* paid towards them, and its payments' credit */
	struct kt_buf shown[4];    /* shown(): values as people read them */
	size_t next_shown;
};

/* The lab's request types, shown on the card once the books have them. */
static const char *const lab_types[2] = { "calc_request", "sample_request" };

/* Returns a value of field f of type s as people read it
 * (kt_value_label(): references by title, dictionary entries by name,
 * states by label; then money, dates and bools as screen_value() shows
 * them), in buf or c's ring of buffers: valid for the next three calls. */
static const char *shown(struct card *c, const struct kt_schema *s, const struct kt_field *f,
                         const char *v, char buf[64])
{
	struct kt_buf *ring = &c->shown[c->next_shown++ % 4];

	v = kt_value_label(c->b, s, f, v, KT_REF_WITH_ID, ring);
	return screen_value(f ? f->type : KT_TEXT, v, buf);
}

/* Returns the label of field name of type (its name when it has none). */
static const char *label(struct kt_books *b, const char *type, const char *name)
{
	const struct kt_schema *s = kt_books_type(b, type);
	const struct kt_field *f = s ? kt_schema_field(s, name) : NULL;

	return f && f->label ? f->label : name;
}

/* Returns 1 if lead i is closed: in an archive state of the lead
 * workflow, or without a workflow, when its closed field is set. */
static int lead_closed(const struct card *c, size_t i)
{
	const struct kt_flow *f = kt_books_flow(c->b, "lead");
	const char *state = cell(&c->leads, i, c->state);

	if (!f)
		return *cell(&c->leads, i, "closed") != '\0';
	for (size_t k = 0; k < f->narchive; k++)
		if (!strcmp(f->archive[k], state))
			return 1;
	return 0;
}

/* Returns 1 if open task i is overdue: due before today. */
static int task_overdue(const struct card *c, size_t i)
{
	const char *due = cell(&c->tasks, i, "due");

	return *due && strcmp(due, c->today) < 0;
}

/* Returns the number of ids in *ids (caller frees the array, not the ids,
 * which c owns): the client's, its contacts' and its leads', the records
 * the tasks and activities of the card are on. */
static size_t card_ids(const struct card *c, const char ***ids)
{
	size_t n = 0;

	if (!(*ids = calloc(1 + c->contacts.n + c->leads.n, sizeof **ids)))
		die("out of memory");
	(*ids)[n++] = kt_record_get(c->r, "id");
	for (size_t i = 0; i < c->contacts.n; i++)
		(*ids)[n++] = cell(&c->contacts, i, "id");
	for (size_t i = 0; i < c->leads.n; i++)
		(*ids)[n++] = cell(&c->leads, i, "id");
	return n;
}

/* The rows being sorted by by_due() and by_newest(). */
static struct rows *sort_rows;

/* Orders rows (indexes into sort_rows) by due date, none last, then id. */
static int by_due(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	const char *dx = cell(sort_rows, x, "due"), *dy = cell(sort_rows, y, "due");
	int c = !*dx - !*dy;

	if (!c)
		c = strcmp(dx, dy);
	return c ? c : strcmp(cell(sort_rows, x, "id"), cell(sort_rows, y, "id"));
}

/* Returns when activity row i of r happened: at, else created. */
static const char *when(const struct rows *r, size_t i)
{
	const char *at = cell(r, i, "at");

	return *at ? at : cell(r, i, "created");
}

/* Orders rows newest first (by when()), then by id. */
static int by_newest(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = strcmp(when(sort_rows, y), when(sort_rows, x));

	return c ? c : strcmp(cell(sort_rows, x, "id"), cell(sort_rows, y, "id"));
}

/* Sorts the rows of r with cmp (by_due or by_newest). */
static void rows_sort(struct rows *r, int (*cmp)(const void *, const void *))
{
	size_t *order = calloc(r->n ? r->n : 1, sizeof *order);
	char **cells = malloc((r->n ? r->n : 1) * (r->ncols ? r->ncols : 1) * sizeof *cells);

	if (!order || !cells)
		die("out of memory");
	for (size_t i = 0; i < r->n; i++)
		order[i] = i;
	sort_rows = r;
	qsort(order, r->n, sizeof *order, cmp);
	for (size_t i = 0; i < r->n; i++)
		memcpy(cells + i * r->ncols, r->cells + order[i] * r->ncols, r->ncols * sizeof *cells);
	free(r->cells);
	r->cells = cells;
	free(order);
}

/* Reads the open tasks and the activities on the records ids (the first
 * being the card's record), at most per_id activities of each (0: all),
 * and the files of the card's record. */
static void read_related(struct card *c, const char *const *ids, size_t nids, long per_id)
{
	const struct kt_schema *act = kt_books_type(c->b, "activity");
	const char *newest = act && kt_schema_field(act, "at") ? "-at" : "-created";
	struct kt_error err = { 0 };
	char where[128];

	/* Tasks and activities name their record in a text field, on. */
	for (size_t i = 0; i < nids; i++) {
		snprintf(where, sizeof where, "on=%s and done!=true", ids[i]);
		rows_query(c->b, "task", where, NULL, 0, 0, &c->tasks);
		snprintf(where, sizeof where, "on=%s", ids[i]);
		rows_query(c->b, "activity", where, newest, per_id, 1, &c->activities);
	}
	rows_sort(&c->tasks, by_due);
	rows_sort(&c->activities, by_newest);
	if (kt_files_list(c->b, ids[0], rows_add, &c->files, &err))
		die_err(&err);
}

/* Reads the lab's requests whose field (client or lead) is id. */
static void read_lab(struct card *c, const char *field, const char *id)
{
	char where[128];

	snprintf(where, sizeof where, "%s=%s", field, id);
	for (size_t k = 0; k < 2; k++) {
		const struct kt_schema *ls = kt_books_type(c->b, lab_types[k]);
		if (ls && kt_schema_field(ls, field))
			rows_query(c->b, lab_types[k], where, "created", 0, 1, &c->lab[k]);
	}
}

/* Returns 1 if request i of kind k is overdue: due before today and not in
 * a state its workflow archives (done, rejected, cancelled, delivered). */
static int lab_overdue(const struct card *c, size_t k, size_t i)
{
	const struct kt_flow *f = kt_books_flow(c->b, lab_types[k]);
	const char *due = cell(&c->lab[k], i, "due");

	if (!*due || strcmp(due, c->today) >= 0)
		return 0;
	for (size_t a = 0; f && a < f->narchive; a++)
		if (!strcmp(cell(&c->lab[k], i, f->field), f->archive[a]))
			return 0;
	return 1;
}

/* Reads everything the card shows about the client c->r; dies on an
 * error. */
static void card_read(struct card *c)
{
	const char *id = kt_record_get(c->r, "id");
	const char *manager = kt_record_get(c->r, "manager");
	const struct kt_flow *flow = kt_books_flow(c->b, "lead");
	char where[512];

	c->state = flow ? flow->field : "stage";
	if (manager && *manager) {
		snprintf(where, sizeof where, "login=%s", manager);
		rows_query(c->b, "employee", where, NULL, 1, 1, &c->manager);
	}
	snprintf(where, sizeof where, "client=%s", id);
	rows_query(c->b, "contact", where, "name", 0, 1, &c->contacts);
	rows_query(c->b, "lead", where, "created", 0, 1, &c->leads);
	read_lab(c, "client", id);
	/* Ordered is what was invoiced, paid what the bank brought
	 * (kt_client_balance()); books without invoices have neither. */
	struct kt_error err = { 0 };
	if (kt_client_balance(c->b, id, &c->total_ordered, &c->paid, &err))
		die_err(&err);

	const char **ids;
	size_t nids = card_ids(c, &ids);
	read_related(c, ids, nids, 1);
	free(ids);
	/* The card shows the newest activity of all: the first. */
	while (c->activities.n > 1) {
		c->activities.n--;
		for (size_t k = 0; k < c->activities.ncols; k++)
			free(c->activities.cells[c->activities.n * c->activities.ncols + k]);
	}
}

/* Frees what card_read() and shown() gathered (not the record). */
static void card_free(struct card *c)
{
	struct rows *all[] = { &c->manager, &c->contacts, &c->leads, &c->tasks, &c->activities,
	                       &c->files, &c->lab[0], &c->lab[1] };

	for (size_t i = 0; i < sizeof all / sizeof *all; i++)
		rows_free(all[i]);
	for (size_t i = 0; i < 4; i++)
		kt_buf_free(&c->shown[i]);
}

/* The client's fields of the sample recipient block and the manager: the
 * rest are the company's. */
static const char *const sample_fields[] = { "sample_recipient", "sample_recipient_phone",
                                             "shipping_address" };

/* Returns 1 if name is a field of the sample block, else 0. */
static int is_sample_field(const char *name)
{
	for (size_t i = 0; i < 3; i++)
		if (!strcmp(name, sample_fields[i]))
			return 1;
	return 0;
}

/* Fills out (room for every field of the client's schema) with the
 * fields of the sample block (sample 1, in the order person, phone,
 * address) or of the company (0, in schema order).  Returns how many. */
static size_t section_fields(const struct card *c, int sample, const struct kt_field **out)
{
	size_t n = 0;

	for (size_t i = 0; sample && i < 3; i++)
		if ((out[n] = kt_schema_field(c->s, sample_fields[i])))
			n++;
	for (size_t i = 0; !sample && i < c->s->nfields; i++)
		if (strcmp(c->s->fields[i].name, "manager") && !is_sample_field(c->s->fields[i].name))
			out[n++] = &c->s->fields[i];
	return n;
}

/* ------------------------------------------------------------- as text */

/* Lines of cells printed as aligned columns. */
struct grid {
	size_t ncols, n;
	char **cells;
};

/* Adds a row of ncols cells (NULL is empty) to g. */
static void grid_row(struct grid *g, size_t ncols, const char *const *cells)
{
	char **more = realloc(g->cells, (g->n + 1) * ncols * sizeof *more);

	if (!more)
		die("out of memory");
	g->cells = more;
	g->ncols = ncols;
	for (size_t i = 0; i < ncols; i++) {
		char *v = strdup(cells[i] ? cells[i] : "");
		if (!v)
			die("out of memory");
		/* One line per row. */
		for (char *p = v; *p; p++)
			if (*p == '\n' || *p == '\r' || *p == '\t')
				*p = ' ';
		more[g->n * ncols + i] = v;
	}
	g->n++;
}

/* Prints g indented by two spaces, each column as wide as its widest
 * cell, two spaces apart; empty trailing cells and columns empty in every
 * row are left out.  Frees g. */
static void grid_print(struct grid *g)
{
	size_t w[8] = { 0 };

	for (size_t r = 0; r < g->n; r++)
		for (size_t c = 0; c < g->ncols && c < 8; c++) {
			size_t cw = kt_utf8_width(g->cells[r * g->ncols + c]);
			w[c] = cw > w[c] ? cw : w[c];
		}
	for (size_t r = 0; r < g->n; r++) {
		size_t last = g->ncols;
		while (last > 0 && !*g->cells[r * g->ncols + last - 1])
			last--;
		fputs(" ", stdout);
		for (size_t c = 0; c < last; c++) {
			const char *v = g->cells[r * g->ncols + c];
			if (c < 8 && !w[c])
				continue;
			printf(" %s", v);
			for (size_t pad = kt_utf8_width(v); c + 1 < last && pad < w[c] + 1; pad++)
				fputc(' ', stdout);
		}
		fputc('\n', stdout);
	}
	for (size_t i = 0; i < g->n * g->ncols; i++)
		free(g->cells[i]);
	free(g->cells);
	memset(g, 0, sizeof *g);
}

/* Prints a section heading, after a blank line. */
static void heading(const char *title)
{
	printf("\n%s\n", title);
}

/* Prints the fields of the client that are in the sample block (sample
 * 1) or not (0), non-empty ones, as "Label: value" lines. */
static void print_fields(struct card *c, int sample, const char *title)
{
	const struct kt_field **fields = calloc(c->s->nfields + 1, sizeof *fields);
	struct grid g = { 0 };

	if (!fields)
		die("out of memory");
	size_t n = section_fields(c, sample, fields);
	for (size_t i = 0; i < n; i++) {
		const struct kt_field *f = fields[i];
		const char *v = kt_record_get(c->r, f->name);
		char buf[64], lab[256];
		if (!v || !*v)
			continue;
		snprintf(lab, sizeof lab, "%s:", f->label ? f->label : f->name);
		const char *cells[] = { lab, shown(c, c->s, f, v, buf) };
		grid_row(&g, 2, cells);
	}
	free(fields);
	if (!g.n)
		return;
	heading(title);
	grid_print(&g);
}

/* Returns the record a task or activity is on as record_named() names
 * it ("Лид Гель без запаха (L3F9K2QX)"), held in c's ring, or "" when it
 * is the card's own record. */
static const char *on_what(struct card *c, const char *on)
{
	struct kt_buf *ring = &c->shown[c->next_shown++ % 4];

	if (!strcmp(on, c->id))
		return "";
	kt_buf_reset(ring);
	return record_named(c->b, on, ring) ? ring->data : on;
}

/* Returns a size in bytes for people (Б, КБ, МБ, a decimal comma) in
 * out. */
static const char *human_size(const char *bytes, char out[32])
{
	double n = strtod(bytes, NULL);

	if (n < 1024)
		snprintf(out, 32, "%.0f Б", n);
	else if (n < 1024 * 1024)
		snprintf(out, 32, "%.1f КБ", n / 1024);
	else
		snprintf(out, 32, "%.1f МБ", n / (1024 * 1024));
	for (char *p = out; *p; p++)
		if (*p == '.')
			*p = ',';
	return out;
}

/* Prints the leads that are closed (1) or open (0). */
static void print_leads(struct card *c, int closed)
{
	const struct kt_schema *ls = kt_books_type(c->b, "lead");
	const struct kt_field *state = ls ? kt_schema_field(ls, c->state) : NULL;
	const struct kt_field *reason = ls ? kt_schema_field(ls, "lost_reason") : NULL;
	struct grid g = { 0 };

	for (size_t i = 0; i < c->leads.n; i++) {
		char buf[64], sbuf[64], rbuf[64];
		if (lead_closed(c, i) != closed)
			continue;
		const char *title = cell(&c->leads, i, "title");
		const char *cells[] = {
			cell(&c->leads, i, "id"),
			*title ? title : cell(&c->leads, i, "name"),
			shown(c, ls, state, cell(&c->leads, i, c->state), sbuf),
			screen_value(KT_MONEY, cell(&c->leads, i, "amount"), buf),
			closed ? shown(c, ls, reason, cell(&c->leads, i, "lost_reason"), rbuf) : NULL,
		};
		grid_row(&g, 5, cells);
	}
	if (!g.n)
		return;
	heading(closed ? "Закрытые лиды и заказы" : "Открытые лиды");
	grid_print(&g);
}

/* Prints the open tasks, the activities (under the heading title) and
 * the files of the card, the sections that are not empty. */
static void print_related(struct card *c, const char *title)
{
	const struct kt_schema *as = kt_books_type(c->b, "activity");
	const struct kt_schema *ts = kt_books_type(c->b, "task");
	const struct kt_field *kind = as ? kt_schema_field(as, "kind") : NULL;
	const struct kt_field *author = as ? kt_schema_field(as, "author") : NULL;
	const struct kt_field *assignee = ts ? kt_schema_field(ts, "assignee") : NULL;
	struct grid g = { 0 };
	char buf[64], who[64], at[64], size[32];

	for (size_t i = 0; i < c->tasks.n; i++) {
		const char *cells[] = { cell(&c->tasks, i, "due"), cell(&c->tasks, i, "id"),
		                        cell(&c->tasks, i, "text"),
		                        shown(c, ts, assignee, cell(&c->tasks, i, "assignee"), who),
		                        on_what(c, cell(&c->tasks, i, "on")),
		                        task_overdue(c, i) ? "просрочена" : NULL };
		grid_row(&g, 6, cells);
	}
	if (g.n) {
		heading("Открытые задачи");
		grid_print(&g);
	}
	for (size_t i = 0; i < c->activities.n; i++) {
		const char *cells[] = { screen_value(KT_DATETIME, when(&c->activities, i), at),
		                        shown(c, as, kind, cell(&c->activities, i, "kind"), buf),
		                        cell(&c->activities, i, "text"),
		                        shown(c, as, author, cell(&c->activities, i, "author"), who),
		                        on_what(c, cell(&c->activities, i, "on")) };
		grid_row(&g, 5, cells);
	}
	if (g.n) {
		heading(title);
		grid_print(&g);
	}
	for (size_t i = 0; i < c->files.n; i++) {
		const char *cells[] = { cell(&c->files, i, "name"), human_size(cell(&c->files, i, "size"), size),
		                        cell(&c->files, i, "path") };
		grid_row(&g, 3, cells);
	}
	if (g.n) {
		heading("Файлы");
		grid_print(&g);
	}
}

/* Prints the lab's requests: kind, id, status, product, due, the urgent
 * and overdue marks, the lab's cost per unit and its comment. */
static void print_lab(struct card *c)
{
	struct grid g = { 0 };
	char marks[64], cost[40], sbuf[64], pbuf[64];

	for (size_t k = 0; k < 2; k++) {
		const struct kt_schema *ls = kt_books_type(c->b, lab_types[k]);
		const struct kt_flow *f = kt_books_flow(c->b, lab_types[k]);
		const char *state = f ? f->field : "status";
		for (size_t i = 0; i < c->lab[k].n; i++) {
			int64_t kop;
			int urgent = !strcmp(cell(&c->lab[k], i, "urgent"), "true");
			int late = lab_overdue(c, k, i);
			snprintf(marks, sizeof marks, "%s%s%s", urgent ? "срочно" : "",
			         urgent && late ? ", " : "", late ? "просрочена" : "");
			const char *cv = cell(&c->lab[k], i, "cost");
			const char *cells[] = { ls->label ? ls->label : ls->name, cell(&c->lab[k], i, "id"),
			                        shown(c, ls, kt_schema_field(ls, state), cell(&c->lab[k], i, state), sbuf),
			                        shown(c, ls, kt_schema_field(ls, "product"), cell(&c->lab[k], i, "product"),
			                              pbuf),
			                        cell(&c->lab[k], i, "due"), marks,
			                        *cv && !kt_money_parse(cv, &kop) ? kt_money_format(kop, 1, cost) : "",
			                        cell(&c->lab[k], i, "lab_comment") };
			grid_row(&g, 8, cells);
		}
	}
	if (g.n) {
		heading("Заявки в лабораторию");
		grid_print(&g);
	}
}

/* Prints the card as text, section by section. */
static void card_text(struct card *c)
{
	const char *id = kt_record_get(c->r, "id");
	const char *title = c->s->title ? kt_record_get(c->r, c->s->title) : NULL;
	char buf[64];
	struct grid g = { 0 };

	printf("%s %s%s%s\n", c->s->label ? c->s->label : c->s->name, id,
	       title && *title ? ": " : "", title ? title : "");
	print_fields(c, 0, "О компании");
	print_fields(c, 1, "Образцы");
	const char *login = kt_record_get(c->r, "manager");
	if (login && *login) {
		heading(label(c->b, "client", "manager"));
		const char *name = c->manager.n ? cell(&c->manager, 0, "name") : "";
		const char *cells[] = { login, name };
		grid_row(&g, 2, cells);
		grid_print(&g);
	}
	for (size_t i = 0; i < c->contacts.n; i++) {
		const char *cells[] = { cell(&c->contacts, i, "id"), cell(&c->contacts, i, "name"),
		                        cell(&c->contacts, i, "position"), cell(&c->contacts, i, "phone"),
		                        cell(&c->contacts, i, "email") };
		grid_row(&g, 5, cells);
	}
	if (g.n) {
		heading("Контакты");
		grid_print(&g);
	}
	print_leads(c, 0);
	print_leads(c, 1);

	heading("Итоги");
	char money[40];
	const char *l1[] = { "Всего заказано:", kt_money_format(c->total_ordered, 1, money) };
	grid_row(&g, 2, l1);
	const char *l2[] = { "Оплачено:", kt_money_format(c->paid, 1, buf) };
	grid_row(&g, 2, l2);
	/* A negative debt is an overpayment, the client's credit. */
	int64_t debt = c->total_ordered - c->paid;
	const char *l3[] = { debt < 0 ? "Переплата:" : "Долг:", kt_money_format(debt < 0 ? -debt : debt, 1, buf) };
	grid_row(&g, 2, l3);
	grid_print(&g);

	print_related(c, "Последнее событие");
	print_lab(c);
}

/* ------------------------------------------------------------- as JSON */

/* Returns row i of r as a JSON object of every column, with "overdue"
 * added when overdue is 0 or 1 (-1: not). */
static json_t *json_card_row(const struct rows *r, size_t i, int overdue)
{
	json_t *row = json_row(r->ncols, r->cols, r->cells + i * r->ncols);

	if (overdue >= 0)
		json_set(row, "overdue", json_boolean(overdue));
	return row;
}

/* Appends v, a reference it takes, to array a. */
static void append(json_t *a, json_t *v)
{
	if (json_array_append_new(a, v))
		die("out of memory");
}

/* Returns the rows of r for which keep (NULL: every row) says want, as
 * a JSON array. */
static json_t *json_rows(struct card *c, const struct rows *r, int (*keep)(const struct card *, size_t),
                         int want)
{
	json_t *a = json_or_die(json_array());

	for (size_t i = 0; i < r->n; i++)
		if (!keep || keep(c, i) == want)
			append(a, json_card_row(r, i, r == &c->tasks ? task_overdue(c, i) : -1));
	return a;
}

/* Returns the client's fields of the sample block (sample 1) or the
 * company's (0) as an object. */
static json_t *json_fields(struct card *c, int sample)
{
	const struct kt_field **fields = calloc(c->s->nfields + 1, sizeof *fields);
	json_t *o = json_or_die(json_object());

	if (!fields)
		die("out of memory");
	size_t n = section_fields(c, sample, fields);
	for (size_t i = 0; i < n; i++)
		json_set(o, fields[i]->name, json_field(fields[i]->type, kt_record_get(c->r, fields[i]->name)));
	free(fields);
	return o;
}

/* Prints the card as one JSON object (see kontora-client(1)). */
static void card_json(struct card *c)
{
	const char *login = kt_record_get(c->r, "manager");
	json_t *card = json_or_die(json_object()), *manager = json_null();
	json_t *leads = json_or_die(json_object()), *lab = json_or_die(json_array());
	char money[40];

	json_set(card, "id", json_field(KT_TEXT, kt_record_get(c->r, "id")));
	json_set(card, "type", json_field(KT_TEXT, c->s->name));
	json_set(card, "name", json_field(KT_TEXT, c->s->title ? kt_record_get(c->r, c->s->title) : ""));
	json_set(card, "company", json_fields(c, 0));
	json_set(card, "sample_recipient", json_fields(c, 1));
	if (login && *login) {
		manager = json_or_die(json_object());
		json_set(manager, "login", json_field(KT_TEXT, login));
		json_set(manager, "name", json_field(KT_TEXT, c->manager.n ? cell(&c->manager, 0, "name") : ""));
	}
	json_set(card, "manager", manager);
	json_set(card, "contacts", json_rows(c, &c->contacts, NULL, 0));
	json_set(leads, "open", json_rows(c, &c->leads, lead_closed, 0));
	json_set(leads, "closed", json_rows(c, &c->leads, lead_closed, 1));
	json_set(card, "leads", leads);
	json_set(card, "total_ordered", json_field(KT_MONEY, kt_money_format(c->total_ordered, 0, money)));
	json_set(card, "paid", json_field(KT_MONEY, kt_money_format(c->paid, 0, money)));
	json_set(card, "debt", json_field(KT_MONEY, kt_money_format(c->total_ordered - c->paid, 0, money)));
	json_set(card, "tasks", json_rows(c, &c->tasks, NULL, 0));
	json_set(card, "last_activity", c->activities.n ? json_card_row(&c->activities, 0, -1) : json_null());
	json_set(card, "files", json_rows(c, &c->files, NULL, 0));
	for (size_t k = 0; k < 2; k++)
		for (size_t i = 0; i < c->lab[k].n; i++)
			append(lab, json_card_row(&c->lab[k], i, lab_overdue(c, k, i)));
	json_set(card, "lab_requests", lab);
	json_print(stdout, card, ",\n ");
	fputc('\n', stdout);
	json_decref(card);
}

/* Prints what is on a lead or contact.  See cmd.h. */
void card_related(struct kt_books *b, const struct kt_schema *s, const char *id)
{
	struct card c = { .b = b, .s = s, .id = id };

	if (strcmp(s->name, "lead") && strcmp(s->name, "contact"))
		return;
	today_date(b, c.today);
	read_related(&c, &id, 1, 0);
	if (!strcmp(s->name, "lead"))
		read_lab(&c, "lead", id);
	print_related(&c, "История");
	print_lab(&c);
	card_free(&c);
}

/* Prints the card of record r.  See cmd.h. */
int card_show(struct kt_books *b, const struct kt_record *r, int json)
{
	struct card c = { .b = b, .s = r->schema, .r = r, .id = kt_record_get(r, "id") };

	if (strcmp(r->schema->name, "client"))
		return -1;
	today_date(b, c.today);
	card_read(&c);
	if (json)
		card_json(&c);
	else
		card_text(&c);
	card_free(&c);
	return 0;
}
