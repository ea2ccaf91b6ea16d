/*
 * contract.c - kontora contract: contracts (договоры) made from the text
 * templates of the books' templates/NAME.contract and printed as PDF.
 * new makes the record (checking that its template lays out, so that a
 * contract that cannot be printed is never written), pdf prints it,
 * templates lists the templates; anything else is kontora TYPE's (show,
 * list, edit, rm).  See kontora-contract(1).
 */
#include <dirent.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static const char contract_usage[] = N_(
	"usage: kontora contract new --client ID --template NAME [--number N] [--date DATE]\n"
	"                [--amount SUM] [--until DATE] [--lead ID] [--set KEY=VALUE]...\n"
	"                [--dry-run]\n"
	"       kontora contract pdf ID|NUMBER [-o FILE]\n"
	"       kontora contract templates\n"
	"       kontora contract show|list|edit|rm ...  (as kontora TYPE)\n");

/* Returns the contract type of the books, dying when they have none
 * (books made before contracts came). */
static const struct kt_schema *contract_type(struct kt_books *b)
{
	const struct kt_schema *s = kt_books_type(b, "contract");

	if (!s)
		die("the books have no type contract: add schemas/contract.schema and the "
		    "templates/ of a new kontora (kontora-contract(1))");
	return s;
}

/* Returns the full id of the record of type typed as an id or prefix
 * (caller frees); dies when there is none. */
static char *resolve(struct kt_books *b, const char *type, const char *typed)
{
	const struct kt_schema *found;
	struct kt_error err = { 0 };
	char *id;

	if (kt_resolve_id(b, type, typed, &id, &found, &err))
		die("%s %s: %s", type, typed, err.msg);
	return id;
}

/* A kt_row_fn keeping the highest whole number of the number column. */
static int highest(void *arg, size_t ncols, const struct kt_column *cols, char *const *values)
{
	long *max = arg;

	for (size_t i = 0; values && i < ncols; i++) {
		char *end;
		long n = strtol(values[i], &end, 10);
		if (!strcmp(cols[i].name, "number") && *values[i] && !*end && n > *max)
			*max = n;
	}
	return 0;
}

/* Writes the next contract number into out: one more than the highest
 * whole number among the contracts the caller may see. */
static void next_number(struct kt_books *b, const struct kt_schema *s, char out[24])
{
	struct kt_query q = { .schema = s, .all_columns = 1, .all = 1 };
	struct kt_error err = { 0 };
	long max = 0;

	if (kt_list(b, &q, highest, &max, &err))
		die_err(&err);
	snprintf(out, 24, "%ld", max + 1);
}

/* kontora contract new. */
static int contract_new(int argc, char **argv, struct kt_books *b)
{
	enum { OPT_DRY = 1000, OPT_VALUE, OPT_NUMBER, OPT_DATE, OPT_AMOUNT, OPT_UNTIL, OPT_LEAD };
	static const struct option opts[] = {
		{ "client", required_argument, NULL, 'c' },
		{ "template", required_argument, NULL, 't' },
		{ "number", required_argument, NULL, OPT_NUMBER },
		{ "date", required_argument, NULL, OPT_DATE },
		{ "amount", required_argument, NULL, OPT_AMOUNT },
		{ "until", required_argument, NULL, OPT_UNTIL },
		{ "lead", required_argument, NULL, OPT_LEAD },
		{ "set", required_argument, NULL, OPT_VALUE },
		{ "dry-run", no_argument, NULL, OPT_DRY },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const struct kt_schema *s = contract_type(b);
	struct pairs p = { 0 };
	struct kt_buf values = { 0 };
	struct kt_error err = { 0 };
	const char *client = NULL, *lead = NULL;
	int dry_run = 0, c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		const char *field = c == 't' ? "template" : c == OPT_NUMBER ? "number" :
		                    c == OPT_DATE ? "date" : c == OPT_AMOUNT ? "amount" :
		                    c == OPT_UNTIL ? "until" : NULL;
		if (c == 'h')
			usage(contract_usage, 1);
		else if (c == OPT_DRY)
			dry_run = 1;
		else if (c == 'c')
			client = optarg;
		else if (c == OPT_LEAD)
			lead = optarg;
		else if (field)
			pairs_add(&p, field, strlen(field), optarg);
		else if (c == OPT_VALUE) {
			const char *eq = strchr(optarg, '=');
			if (!eq || eq == optarg || strchr(eq + 1, '\n'))
				usage_error(contract_usage, "--set %s: not KEY=VALUE", optarg);
			if (kt_buf_addf(&values, "%s%s", values.len ? "\n" : "", optarg))
				die("out of memory");
		} else
			option_error(argv, contract_usage);
	}
	if (optind != argc || !client || !*pairs_get(&p, "template"))
		usage_error(contract_usage, "contract new wants --client and --template");

	char *client_id = resolve(b, "client", client), *lead_id = lead ? resolve(b, "lead", lead) : NULL;
	struct kt_record *cr;
	if (kt_record_read(b, kt_books_type(b, "client"), client_id, &cr, &err))
		die_err(&err);
	pairs_add(&p, "client", 6, client_id);
	if (lead_id)
		pairs_add(&p, "lead", 4, lead_id);
	const char *manager = kt_record_get(cr, "manager");
	if (manager && *manager)
		pairs_add(&p, "manager", 7, manager);
	if (values.len)
		pairs_add(&p, "values", 6, values.data);
	kt_record_free(cr);
	free(client_id);
	free(lead_id);
	kt_buf_free(&values);

	struct kt_change *ch;
	const char *id;
	if (kt_change_begin(b, "contract new", &ch, &err))
		die_err(&err);
	/* Under the lock: the number and the date the contract gets. */
	char number[24], day[11];
	if (!*pairs_get(&p, "number")) {
		next_number(b, s, number);
		pairs_add(&p, "number", 6, number);
	}
	if (!*pairs_get(&p, "date")) {
		today_date(b, day);
		pairs_add(&p, "date", 4, day);
	}
	/* The template must lay out with these values before anything is
	 * written. */
	if (kt_change_add(ch, s, p.names, p.values, p.n, &id, &err) ||
	    kt_contract_pdf(b, p.names, p.values, p.n, NULL, &err)) {
		kt_change_free(ch);
		pairs_free(&p);
		die_err(&err);
	}
	char saved[16], subject[256];
	snprintf(saved, sizeof saved, "%s", id);
	snprintf(subject, sizeof subject, "contract new: № %s (%s)", pairs_get(&p, "number"),
	         pairs_get(&p, "template"));
	pairs_free(&p);
	change_finish(ch, dry_run, subject, saved);
	if (!dry_run)
		printf("%s\n", saved);
	return 0;
}

/* Returns the full id of the contract typed as its id, an id prefix or
 * its number (caller frees); dies when none is. */
static char *find_contract(struct kt_books *b, const struct kt_schema *s, const char *typed)
{
	const struct kt_schema *found;
	struct kt_error err = { 0 };
	struct rows rows = { 0 };
	struct kt_buf where = { 0 };
	char *id;

	if (!kt_resolve_id(b, "contract", typed, &id, &found, &err))
		return id;
	if (kt_buf_addf(&where, "number=%s", typed))
		die("out of memory");
	rows_query(b, s->name, where.data, NULL, 0, 1, &rows);
	kt_buf_free(&where);
	if (rows.n != 1)
		die("contract %s: %s", typed, rows.n ? "more than one contract has that number" : err.msg);
	if (!(id = strdup(cell(&rows, 0, "id"))))
		die("out of memory");
	rows_free(&rows);
	return id;
}

/* kontora contract pdf ID [-o FILE]. */
static int contract_pdf(int argc, char **argv, struct kt_books *b)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const struct kt_schema *s = contract_type(b);
	struct kt_error err = { 0 };
	const char *out = NULL;
	struct kt_record *r;
	int c;

	while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		if (c == 'h')
			usage(contract_usage, 1);
		else if (c == 'o')
			out = optarg;
		else
			option_error(argv, contract_usage);
	}
	if (optind != argc - 1)
		usage_error(contract_usage, "contract pdf wants one ID");
	char *id = find_contract(b, s, argv[optind]);
	if (kt_record_read(b, s, id, &r, &err))
		die_err(&err);
	char *path = out ? strdup(out) : file_name("contract", kt_record_get(r, "number"), ".pdf");
	if (!path)
		die("out of memory");
	if (kt_contract_pdf(b, r->names, r->values, r->n, path, &err))
		die("contract %s: %s", id, err.msg);
	fprintf(stderr, _("kontora: contract %s written to %s\n"), id, path);
	free(path);
	free(id);
	kt_record_free(r);
	return 0;
}

/* Compares two names for qsort(). */
static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* kontora contract templates: the names of templates/NAME.contract,
 * sorted. */
static int contract_templates(int argc, char **argv, struct kt_books *b)
{
	struct dirent **ents;
	char dir[4096], **names;
	size_t n = 0;
	int nents;

	if (argc != 1)
		usage_error(contract_usage, "contract templates takes no arguments");
	snprintf(dir, sizeof dir, "%s/templates", kt_books_root(b));
	if ((nents = scandir(dir, &ents, NULL, NULL)) < 0)
		die("%s: no templates (kontora-contract(1))", dir);
	if (!(names = calloc((size_t)nents + 1, sizeof *names)))
		die("out of memory");
	for (int i = 0; i < nents; i++) {
		size_t len = strlen(ents[i]->d_name);
		if (len > 9 && !strcmp(ents[i]->d_name + len - 9, ".contract")) {
			ents[i]->d_name[len - 9] = '\0';
			if (!(names[n++] = strdup(ents[i]->d_name)))
				die("out of memory");
		}
		free(ents[i]);
	}
	free(ents);
	qsort(names, n, sizeof *names, by_name);
	for (size_t i = 0; i < n; i++) {
		printf("%s\n", names[i]);
		free(names[i]);
	}
	free(names);
	return 0;
}

int cmd_contract(int argc, char **argv, struct kt_ctx *ctx)
{
	struct kt_books *b = ctx->books;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		usage(contract_usage, argc >= 2);
	if (!strcmp(argv[1], "new"))
		return contract_new(argc - 1, argv + 1, b);
	if (!strcmp(argv[1], "pdf"))
		return contract_pdf(argc - 1, argv + 1, b);
	if (!strcmp(argv[1], "templates"))
		return contract_templates(argc - 1, argv + 1, b);
	return record_command(argc, argv, b, contract_type(b));
}
