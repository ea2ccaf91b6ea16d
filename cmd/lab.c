/*
 * lab.c - kontora lab: the requests managers hand to the laboratory,
 * cost calculations (calc_request) and samples (sample_request).  Their
 * statuses, who moves them and who edits what are data
 * (workflows/calc_request.flow, workflows/sample_request.flow, the
 * schemas' access lines); this command adds what data cannot say: a new
 * request filled from a lead, a client or a finished calculation, the
 * lab's queue and the list of both kinds.  kontora lab calc|sample
 * anything else is kontora calc_request|sample_request anything else.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static const char lab_usage[] = N_(
	"usage: kontora lab calc new (--lead ID | --client ID) --product P --wishes TEXT\n"
	"                [--volume N] [--unit U] [--urgent] [--due DATE] [--dry-run]\n"
	"       kontora lab sample new (--from-calc ID | (--lead ID | --client ID) --product P\n"
	"                --wishes TEXT) [--volume N] [--unit U] [--urgent] [--due DATE] [--dry-run]\n"
	"       kontora lab calc|sample TRANSITION|move|show|edit ID ...\n"
	"                (the same as kontora calc_request|sample_request ...)\n"
	"       kontora lab queue [--all] [-f table|tsv|csv|json]\n"
	"       kontora lab list [--product P] [--client C] [--status S] [--mine] [--all]\n"
	"                [-f table|tsv|csv|json]\n");

/* The two kinds of request: the word of the command line and the type. */
static const struct kind {
	const char *word;
	const char *type;
} kinds[] = { { "calc", "calc_request" }, { "sample", "sample_request" } };

/* Returns the kind called word, or NULL. */
static const struct kind *kind_of(const char *word)
{
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
		if (!strcmp(kinds[i].word, word))
			return &kinds[i];
	return NULL;
}

/* Returns the schema of type, dying when the books lack it (books made
 * before the lab came). */
static const struct kt_schema *lab_type(struct kt_books *b, const char *type)
{
	const struct kt_schema *s = kt_books_type(b, type);

	if (!s)
		die("the books have no type %s: add schemas/%s.schema and workflows/%s.flow "
		    "(kontora-lab(1))", type, type, type);
	return s;
}

/* Reads the record of type named by the id or prefix typed.  Returns it
 * (kt_record_free()); dies when there is none. */
static struct kt_record *read_typed(struct kt_books *b, const char *type, const char *typed)
{
	const struct kt_schema *s = lab_type(b, type), *found;
	struct kt_error err = { 0 };
	struct kt_record *r;
	char *id;

	if (kt_resolve_id(b, type, typed, &id, &found, &err) || kt_record_read(b, s, id, &r, &err))
		die("%s %s: %s", type, typed, err.msg);
	free(id);
	return r;
}

/* Returns the product typed as an id prefix or as (part of) its name:
 * its record (kt_record_free()).  Dies naming the candidates when the
 * name fits several products, or when none fits. */
static struct kt_record *find_product(struct kt_books *b, const char *typed)
{
	const struct kt_schema *s = lab_type(b, "product"), *found;
	struct kt_error err = { 0 };
	struct kt_record *r;
	struct rows rows = { 0 };
	struct kt_buf where = { 0 };
	char *id = NULL;
	size_t pick = 0, exact = 0;

	if (!kt_resolve_id(b, "product", typed, &id, &found, &err)) {
		if (kt_record_read(b, s, id, &r, &err))
			die_err(&err);
		free(id);
		return r;
	}
	if (kt_buf_addf(&where, "name~%s", typed))
		die("out of memory");
	rows_query(b, "product", where.data, "name", 0, 1, &rows);
	kt_buf_free(&where);
	for (size_t i = 0; i < rows.n; i++)
		if (!strcmp(cell(&rows, i, "name"), typed)) {
			pick = i;
			exact++;
		}
	if (rows.n == 0)
		die("product %s: no product has that id or name (kontora product list)", typed);
	if (rows.n > 1 && exact != 1) {
		struct kt_buf names = { 0 };
		for (size_t i = 0; i < rows.n && i < 5; i++)
			if (kt_buf_addf(&names, "%s%s «%s»", i ? ", " : "", cell(&rows, i, "id"),
			                cell(&rows, i, "name")))
				die("out of memory");
		die("product %s: %zu products fit: %s%s", typed, rows.n, names.data,
		    rows.n > 5 ? ", ..." : "");
	}
	if (!(id = strdup(cell(&rows, pick, "id"))))
		die("out of memory");
	rows_free(&rows);
	if (kt_record_read(b, s, id, &r, &err))
		die_err(&err);
	free(id);
	return r;
}

/* The fields of a new request, as (name, value) pairs; values point
 * into the command line or into the records read, which outlive it. */
struct fields {
	size_t n;
	char *names[24];
	char *values[24];
};

/* Sets field name to value (NULL or "" leaves it as it is). */
static void field_set(struct fields *f, const char *name, const char *value)
{
	size_t i = 0;

	if (!value || !*value)
		return;
	while (i < f->n && strcmp(f->names[i], name))
		i++;
	if (i == f->n)
		f->n++;
	f->names[i] = (char *)name;
	f->values[i] = (char *)value;
}

/* Returns the value of field name in f, or NULL. */
static const char *field_get(const struct fields *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->names[i], name))
			return f->values[i];
	return NULL;
}

/* The records a new request is filled from (each NULL or owned). */
struct sources {
	struct kt_record *calc, *lead, *client, *product;
};

/* Frees the records of src. */
static void sources_free(struct sources *src)
{
	kt_record_free(src->calc);
	kt_record_free(src->lead);
	kt_record_free(src->client);
	kt_record_free(src->product);
}

/* Says why a request is not made, as die() does, after freeing src (the
 * message is made first: it may name values of src). */
__attribute__((format(printf, 2, 3), noreturn))
static void refuse(struct sources *src, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, _(fmt), ap);
	va_end(ap);
	sources_free(src);
	die("%s", msg);
}

/* Refuses unless the client of src has what a sample is sent with,
 * naming every missing field and the command that fills them all. */
static void need_sample_contact(struct sources *src)
{
	static const char *const need[][2] = {
		{ "shipping_address", "ADDRESS" },
		{ "sample_recipient", "NAME" },
		{ "sample_recipient_phone", "PHONE" },
	};
	const struct kt_record *c = src->client;
	struct kt_buf missing = { 0 }, fill = { 0 };
	char msg[2048];

	for (size_t i = 0; i < sizeof need / sizeof *need; i++) {
		const char *v = kt_record_get(c, need[i][0]);
		if (v && *v)
			continue;
		if (kt_buf_addf(&missing, "%s%s", missing.len ? ", " : "", need[i][0]))
			die("out of memory");
		if (kt_buf_adds(&fill, " --"))
			die("out of memory");
		for (const char *p = need[i][0]; *p; p++)
			if (kt_buf_addc(&fill, *p == '_' ? '-' : *p))
				die("out of memory");
		if (kt_buf_addf(&fill, " %s", need[i][1]))
			die("out of memory");
	}
	if (!missing.len)
		return;
	snprintf(msg, sizeof msg,
	         strchr(missing.data, ',') ? _("client %s «%s» has no %s: a sample cannot be sent; fill them "
	                                       "with: kontora client edit %s%s")
	                                   : _("client %s «%s» has no %s: a sample cannot be sent; fill it "
	                                       "with: kontora client edit %s%s"),
	         kt_record_get(c, "id"), kt_record_get(c, "name"), missing.data, kt_record_get(c, "id"),
	         fill.data);
	kt_buf_free(&missing);
	kt_buf_free(&fill);
	refuse(src, "%s", msg);
}

/* kontora lab calc|sample new: adds a request of kind k in one commit
 * and prints its id.  Returns 0 or dies. */
static int request_new(int argc, char **argv, struct kt_books *b, const struct kind *k)
{
	enum { OPT_LEAD = 1000, OPT_CLIENT, OPT_PRODUCT, OPT_WISHES, OPT_VOLUME, OPT_UNIT,
	       OPT_URGENT, OPT_DUE, OPT_FROM, OPT_DRY };
	static const struct option opts[] = {
		{ "lead", required_argument, NULL, OPT_LEAD },
		{ "client", required_argument, NULL, OPT_CLIENT },
		{ "product", required_argument, NULL, OPT_PRODUCT },
		{ "wishes", required_argument, NULL, OPT_WISHES },
		{ "volume", required_argument, NULL, OPT_VOLUME },
		{ "unit", required_argument, NULL, OPT_UNIT },
		{ "urgent", no_argument, NULL, OPT_URGENT },
		{ "due", required_argument, NULL, OPT_DUE },
		{ "from-calc", required_argument, NULL, OPT_FROM },
		{ "dry-run", no_argument, NULL, OPT_DRY },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *lead = NULL, *client = NULL, *product = NULL, *from = NULL;
	const char *opt[5] = { 0 };  /* --wishes ... --due, in the order of the enum */
	int sample = !strcmp(k->word, "sample"), dry_run = 0, c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			usage(lab_usage, 1);
		else if (c == OPT_DRY)
			dry_run = 1;
		else if (c == OPT_FROM && sample)
			from = optarg;
		else if (c == OPT_LEAD)
			lead = optarg;
		else if (c == OPT_CLIENT)
			client = optarg;
		else if (c == OPT_PRODUCT)
			product = optarg;
		else if (c >= OPT_WISHES && c <= OPT_DUE)
			opt[c - OPT_WISHES] = c == OPT_URGENT ? "true" : optarg;
		else
			option_error(argv, lab_usage);
	}
	if (optind != argc || (!from && ((!lead == !client) || !product)) ||
	    (from && (lead || client || product))) {
		fprintf(stderr, _("kontora: error: lab %s new: give %s--lead or --client, and --product\n"),
		        k->word, sample ? "--from-calc, or " : "");
		usage(lab_usage, 0);
	}

	const struct kt_schema *s = lab_type(b, k->type);
	struct sources src = { 0 };
	struct fields f = { 0 };
	static const char *const copied[] = { "client", "lead", "product", "wishes", "formula",
	                                      "volume", "unit" };
	if (product)
		src.product = find_product(b, product);
	if (from)
		src.calc = read_typed(b, "calc_request", from);
	if (lead)
		src.lead = read_typed(b, "lead", lead);
	if (src.calc) {
		const char *status = kt_record_get(src.calc, "status");
		if (strcmp(status ? status : "", "done"))
			refuse(&src, "calc_request %s is %s, not done: a sample is made from a finished "
			       "calculation", kt_record_get(src.calc, "id"),
			       status && *status ? status : "without a status");
		for (size_t i = 0; i < sizeof copied / sizeof *copied; i++)
			field_set(&f, copied[i], kt_record_get(src.calc, copied[i]));
		field_set(&f, "from_calc", kt_record_get(src.calc, "id"));
	}
	if (src.lead) {
		const char *lc = kt_record_get(src.lead, "client"), *lid = kt_record_get(src.lead, "id");
		if (!lc || !*lc)
			refuse(&src, "lead %s has no client: link one first (kontora lead edit %s "
			       "--client C) or give --client", lid, lid);
		field_set(&f, "lead", lid);
		field_set(&f, "client", lc);
	}
	src.client = read_typed(b, "client", client ? client : field_get(&f, "client"));
	field_set(&f, "client", kt_record_get(src.client, "id"));
	if (src.product)
		field_set(&f, "product", kt_record_get(src.product, "id"));
	static const char *const given[] = { "wishes", "volume", "unit", "urgent", "due" };
	for (size_t i = 0; i < sizeof given / sizeof *given; i++)
		field_set(&f, given[i], opt[i]);

	/* The manager: the caller when a manager asks, else the manager of
	 * the calculation, the lead or the client the request comes from. */
	struct kt_error err = { 0 };
	const struct kt_identity *who;
	if (kt_books_whoami(b, &who, &err))
		die_err(&err);
	if (who->role && !strcmp(who->role, "manager"))
		field_set(&f, "manager", who->login);
	field_set(&f, "manager", field_get(&f, "manager") ? NULL :
	          kt_record_get(src.calc ? src.calc : src.lead ? src.lead : src.client, "manager"));
	if (sample) {
		need_sample_contact(&src);
		field_set(&f, "shipping_address", kt_record_get(src.client, "shipping_address"));
		field_set(&f, "recipient", kt_record_get(src.client, "sample_recipient"));
		field_set(&f, "recipient_phone", kt_record_get(src.client, "sample_recipient_phone"));
	}

	struct kt_change *ch;
	const char *id;
	char command[64];
	snprintf(command, sizeof command, "lab %s new", k->word);
	if (kt_change_begin(b, command, &ch, &err))
		die_err(&err);
	if (kt_change_add(ch, s, f.names, f.values, f.n, &id, &err)) {
		kt_change_free(ch);
		refuse(&src, "%s: %s", k->type, err.msg);
	}
	struct kt_buf subject = { 0 };
	if (kt_buf_addf(&subject, "%s %s: new for client %s «%s»", k->type, id,
	                kt_record_get(src.client, "id"), kt_record_get(src.client, "name")) ||
	    (src.calc && kt_buf_addf(&subject, " from %s", kt_record_get(src.calc, "id"))))
		die("out of memory");
	char saved[16];
	snprintf(saved, sizeof saved, "%s", id);
	if (change_finish(ch, dry_run, subject.data, saved))
		printf("%s\n", saved);
	kt_buf_free(&subject);
	sources_free(&src);
	return 0;
}

/* ------------------------------------------------------- queue and list */

/* One request of a list: row i of the rows of its kind. */
struct item {
	const struct kind *kind;
	const struct rows *rows;
	size_t i;
	int open;
};

/* Returns 1 if status is not an archive state of type's workflow. */
/* Returns 1 if status of type is one the lab acts on: one that a
 * transition only the lab takes leaves (sent, in_work, ready: take,
 * finish, ready, ship), else 0. */
static int lab_acts(struct kt_books *b, const char *type, const char *status)
{
	const struct kt_flow *f = kt_books_flow(b, type);

	for (size_t i = 0; f && i < f->ntransitions; i++) {
		const struct kt_transition *t = &f->transitions[i];
		if (t->nroles != 1 || strcmp(t->roles[0], "lab"))
			continue;
		for (size_t k = 0; k < t->nfrom; k++)
			if (!strcmp(t->from[k], status))
				return 1;
	}
	return 0;
}

static int is_open(struct kt_books *b, const char *type, const char *status)
{
	const struct kt_flow *f = kt_books_flow(b, type);

	for (size_t k = 0; f && k < f->narchive; k++)
		if (!strcmp(f->archive[k], status))
			return 0;
	return 1;
}

/* The queue's order: urgent first, then the nearest due date (none
 * last), then the oldest, then by id. */
static int by_queue(const void *x, const void *y)
{
	const struct item *a = x, *b = y;
	int ua = !strcmp(cell(a->rows, a->i, "urgent"), "true");
	int ub = !strcmp(cell(b->rows, b->i, "urgent"), "true");
	const char *da = cell(a->rows, a->i, "due"), *db = cell(b->rows, b->i, "due");
	int c;

	if (ua != ub)
		return ub - ua;
	if (!*da != !*db)
		return !*da - !*db;
	if ((c = strcmp(da, db)))
		return c;
	if ((c = strcmp(cell(a->rows, a->i, "created"), cell(b->rows, b->i, "created"))))
		return c;
	return strcmp(cell(a->rows, a->i, "id"), cell(b->rows, b->i, "id"));
}

/* The list's order: the oldest first, then by id. */
static int by_created(const void *x, const void *y)
{
	const struct item *a = x, *b = y;
	int c = strcmp(cell(a->rows, a->i, "created"), cell(b->rows, b->i, "created"));

	return c ? c : strcmp(cell(a->rows, a->i, "id"), cell(b->rows, b->i, "id"));
}

/* Prints the requests of both kinds matching where and, when status is
 * not NULL, in that status (a kind whose workflow lacks it has none;
 * dies when neither has it), archived ones too when all, in format fmt,
 * oldest first.  Or the queue (queue 1): the open requests in a status
 * the lab acts on (every open one when all), in the queue's order, with
 * the due dates of overdue requests red on a terminal. */
static void print_requests(struct kt_books *b, const char *where, const char *status, int all,
                           int queue, enum out_format fmt)
{
	static const struct kt_column cols[] = {
		{ "id", KT_TEXT, "Код" }, { "kind", KT_TEXT, "Вид" }, { "status", KT_ENUM, "Статус" },
		{ "urgent", KT_BOOL, "Срочно" }, { "due", KT_DATE, "Срок" },
		{ "overdue", KT_BOOL, "Просрочена" }, { "client", KT_REF, "Клиент" },
		{ "product", KT_REF, "Продукт" }, { "manager", KT_REF, "Менеджер" },
		{ "cost", KT_MONEY, "Себестоимость" }, { "created", KT_DATETIME, "Создан" },
	};
	enum { NCOLS = sizeof cols / sizeof *cols };
	struct rows rows[2] = { { 0 } };
	struct item *items = NULL;
	size_t n = 0;
	char today[11];

	today_date(b, today);
	for (size_t k = 0; k < 2; k++) {
		const struct kt_flow *f = kt_books_flow(b, lab_type(b, kinds[k].type)->name);
		struct kt_buf w = { 0 };
		if (status && !(f && kt_flow_is_state(f, status)))
			continue;
		if ((where && kt_buf_adds(&w, where)) ||
		    (status && kt_buf_addf(&w, "%sstatus=%s", where ? " and " : "", status)))
			die("out of memory");
		rows_query(b, kinds[k].type, w.data, "created", 0, queue ? 0 : all, &rows[k]);
		kt_buf_free(&w);
		struct item *more = realloc(items, (n + rows[k].n + 1) * sizeof *items);
		if (!more)
			die("out of memory");
		items = more;
		for (size_t i = 0; i < rows[k].n; i++)
			if (!queue || all || lab_acts(b, kinds[k].type, cell(&rows[k], i, "status")))
				items[n++] = (struct item){ &kinds[k], &rows[k], i,
			                            is_open(b, kinds[k].type, cell(&rows[k], i, "status")) };
	}
	if (status && !rows[0].cols && !rows[1].cols)
		die("--status %s: no such status of %s or %s", status, kinds[0].type, kinds[1].type);
	qsort(items, n, sizeof *items, queue ? by_queue : by_created);

	struct printer *p = printer_new(fmt, stdout);
	if (queue)
		printer_mark_overdue(p, "due", NULL, today);
	printer_row(p, NCOLS, cols, NULL);
	for (size_t i = 0; i < n; i++) {
		const struct rows *r = items[i].rows;
		const char *due = cell(r, items[i].i, "due");
		const char *values[NCOLS];
		for (size_t c = 0; c < NCOLS; c++)
			values[c] = cell(r, items[i].i, cols[c].name);
		values[1] = items[i].kind->word;
		values[5] = items[i].open && *due && strcmp(due, today) < 0 ? "true" : "false";
		printer_names(p, b, lab_type(b, items[i].kind->type));
		printer_row(p, NCOLS, cols, (char *const *)values);
	}
	printer_end(p);
	free(items);
	rows_free(&rows[0]);
	rows_free(&rows[1]);
}

/* kontora lab queue [--all]: the requests the caller may see that wait
 * for the lab (every open one with --all), in the order the lab takes
 * them. */
static int lab_queue(int argc, char **argv, struct kt_books *b)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	enum out_format fmt = OUT_TABLE;
	int all = 0, c;

	while ((c = getopt_long(argc, argv, "hf:", opts, NULL)) != -1) {
		if (c == 'h')
			usage(lab_usage, 1);
		else if (c == 'f')
			fmt = out_format(optarg, lab_usage);
		else if (c == 'a')
			all = 1;
		else
			option_error(argv, lab_usage);
	}
	if (optind != argc)
		usage(lab_usage, 0);
	print_requests(b, NULL, NULL, all, 1, fmt);
	return 0;
}

/* Appends "field=value" to where, joined by "and". */
static void where_add(struct kt_buf *where, const char *field, const char *value)
{
	if (kt_buf_addf(where, "%s%s=%s", where->len ? " and " : "", field, value))
		die("out of memory");
}

/* kontora lab list: requests of both kinds the caller may see, oldest
 * first, filtered. */
static int lab_list(int argc, char **argv, struct kt_books *b)
{
	enum { OPT_PRODUCT = 1000, OPT_CLIENT, OPT_STATUS, OPT_MINE, OPT_ALL };
	static const struct option opts[] = {
		{ "product", required_argument, NULL, OPT_PRODUCT },
		{ "client", required_argument, NULL, OPT_CLIENT },
		{ "status", required_argument, NULL, OPT_STATUS },
		{ "mine", no_argument, NULL, OPT_MINE },
		{ "all", no_argument, NULL, OPT_ALL },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	enum out_format fmt = OUT_TABLE;
	struct kt_buf where = { 0 };
	struct kt_error err = { 0 };
	const char *status = NULL;
	int all = 0, c;

	while ((c = getopt_long(argc, argv, "hf:", opts, NULL)) != -1) {
		struct kt_record *r;
		const struct kt_identity *who;
		switch (c) {
		case 'h':
			usage(lab_usage, 1);
		case 'f':
			fmt = out_format(optarg, lab_usage);
			break;
		case OPT_PRODUCT:
			r = find_product(b, optarg);
			where_add(&where, "product", kt_record_get(r, "id"));
			kt_record_free(r);
			break;
		case OPT_CLIENT:
			r = read_typed(b, "client", optarg);
			where_add(&where, "client", kt_record_get(r, "id"));
			kt_record_free(r);
			break;
		case OPT_STATUS:
			/* A status asked for is shown even when it is archived. */
			status = optarg;
			all = 1;
			break;
		case OPT_MINE:
			if (kt_books_whoami(b, &who, &err))
				die_err(&err);
			where_add(&where, "manager", who->login);
			break;
		case OPT_ALL:
			all = 1;
			break;
		default:
			option_error(argv, lab_usage);
		}
	}
	if (optind != argc)
		usage(lab_usage, 0);
	print_requests(b, where.data, status, all, 0, fmt);
	kt_buf_free(&where);
	return 0;
}

/* kontora lab: returns the exit status of the subcommand, or dies. */
int cmd_lab(int argc, char **argv, struct kt_ctx *ctx)
{
	if (argc < 2)
		usage(lab_usage, 0);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		usage(lab_usage, 1);
	if (!strcmp(argv[1], "queue"))
		return lab_queue(argc - 1, argv + 1, ctx->books);
	if (!strcmp(argv[1], "list"))
		return lab_list(argc - 1, argv + 1, ctx->books);

	const struct kind *k = kind_of(argv[1]);
	if (!k)
		no_such_subcommand(lab_usage, "lab", argv[1],
		                   (const char *const[]){ "queue", "list", "calc", "sample", NULL });
	if (argc < 3)
		usage(lab_usage, 0);
	if (!strcmp(argv[2], "new"))
		return request_new(argc - 2, argv + 2, ctx->books, k);
	/* kontora lab calc take ID is kontora calc_request take ID. */
	const struct kt_schema *s = lab_type(ctx->books, k->type);
	char **args = malloc((size_t)argc * sizeof *args);
	if (!args)
		die("out of memory");
	args[0] = (char *)k->type;
	for (int i = 2; i <= argc; i++)
		args[i - 1] = argv[i];
	usage_words(argc - 1, args);   /* its errors speak of calc_request */
	int rc = record_command(argc - 1, args, ctx->books, s);
	free(args);
	return rc;
}
