/*
 * util-record.c - the subcommands every record type has (add, show, edit,
 * list, rm), and the dispatch of kontora TYPE SUBCOMMAND to them and to
 * those of some types or workflows (cmd/util-lead.c, util-flow.c,
 * util-task.c, util-employee.c).  kontora TYPE (cmd/record.c) and kontora
 * list run them, and so do kontora lab (lab calc WORD is calc_request
 * WORD) and kontora filter (a saved list is a list).
 */
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"

const char record_usage[] = N_(
	"usage: kontora TYPE add [--FIELD VALUE]... [--set FIELD=VALUE]... [--to LOGIN]\n"
	"                        [--new-client NAME] [--dry-run] [TITLE...]\n"
	"       kontora TYPE show ID [-f text|json] [--record]\n"
	"       kontora TYPE edit ID [--set FIELD=VALUE]... [--FIELD VALUE]... [--dry-run]\n"
	"       kontora TYPE list [--where EXPR] [--mine] [--sort [-]FIELD] [--limit N]\n"
	"                         [-f table|tsv|csv|json|xlsx] [-o FILE]\n"
	"       kontora task list [--overdue] [--today] [--all] ...\n"
	"       kontora TYPE list --all ...  (with what the type's workflow archives)\n"
	"       kontora TYPE move ID STATE [--reason R] [--set FIELD=VALUE]... [--dry-run]\n"
	"       kontora TYPE TRANSITION ID ...  (the transitions of the type's workflow)\n"
	"       kontora TYPE rm ID [--force] [--dry-run]\n"
	"       kontora lead processed ID | TYPE assign ID LOGIN [--dry-run]\n"
	"       kontora employee deactivate LOGIN --to OTHER [--dry-run]\n");

enum {
	OPT_DRY = 1000, OPT_FORCE, OPT_WHERE, OPT_SORT, OPT_LIMIT, OPT_TO, OPT_MINE, OPT_OVERDUE,
	OPT_TODAY, OPT_ALL, OPT_NEW_CLIENT
};

/* Parses the options of add and edit: --FIELD VALUE for every field of s
 * (dashes or underscores), --set FIELD=VALUE, --to LOGIN for the owner
 * field (unless s has a field called to), --dry-run.  Returns the index
 * of the first operand. */
static int parse_fields(int argc, char **argv, const struct kt_schema *s,
                        struct pairs *p, int *dry_run)
{
	const struct kt_field *client = s ? kt_schema_field(s, "client") : NULL;
	struct option own[4] = {
		{ "dry-run", no_argument, NULL, OPT_DRY },
		{ "help", no_argument, NULL, 'h' },
	};
	size_t n = 2;
	struct field_options fo;
	int c, rc;

	if (s && s->owner && !kt_schema_field(s, "to"))
		own[n++] = (struct option){ "to", required_argument, NULL, OPT_TO };
	if (client && client->type == KT_REF && !strcmp(client->arg, "client"))
		own[n++] = (struct option){ "new-client", required_argument, NULL, OPT_NEW_CLIENT };
	field_options(&fo, own, n, s);
	while ((c = getopt_long(argc, argv, "h", fo.table, NULL)) != -1) {
		if (c == 'h')
			usage(record_usage, 1);
		else if (c == OPT_DRY)
			*dry_run = 1;
		else if (c == OPT_TO)
			pairs_add(p, s->owner, strlen(s->owner), optarg);
		else if (c == OPT_NEW_CLIENT)
			p->new_client = optarg;
		else if ((rc = field_option(c, s, p)) < 0)
			usage(record_usage, 0);
		else if (!rc)
			option_error(argv, record_usage);
	}
	field_options_free(&fo);
	return optind;
}

/* Resolves an id prefix of type s or dies. */
static char *resolve(struct kt_books *b, const struct kt_schema *s, const char *prefix)
{
	struct kt_error err = { 0 };
	const struct kt_schema *found;
	char *id;

	if (kt_resolve_id(b, s->name, prefix, &id, &found, &err))
		die_err(&err);
	return id;
}

static struct kt_change *begin(struct kt_books *b, const struct kt_schema *s, const char *verb)
{
	struct kt_error err = { 0 };
	struct kt_change *c;
	char command[256];

	snprintf(command, sizeof command, "%s %s", s->name, verb);
	if (kt_change_begin(b, command, &c, &err))
		die_err(&err);
	return c;
}

/* Dies with the error of a change to a record of s: "TYPE message", or the
 * message alone when it names the record itself (a refusal by the access
 * rules, kontora-schema(5)). */
static void die_change(const struct kt_schema *s, const struct kt_error *err)
{
	if (err->code == KT_EACCESS)
		die_err(err);
	die("%s %s", s->name, err->msg);
}

/* Returns 1 if p has a value for the field name. */
static int pairs_has(const struct pairs *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->names[i], name))
			return 1;
	return 0;
}

/* Words after the options of add: the record's title field, when that is
 * a text field not given as an option.  Dies with a usage error else. */
static void title_words(int n, char **words, const struct kt_schema *s, struct pairs *p)
{
	const struct kt_field *f = s->title ? kt_schema_field(s, s->title) : NULL;
	struct kt_buf text = { 0 };

	if (!f || f->type != KT_TEXT || pairs_has(p, f->name))
		usage_error(record_usage, n > 1 ? "%s: unexpected words after the options"
		                                : "%s: unexpected word after the options", words[0]);
	for (int i = 0; i < n; i++)
		if ((text.len && kt_buf_addc(&text, ' ')) || kt_buf_adds(&text, words[i]))
			die("out of memory");
	pairs_add(p, f->name, strlen(f->name), text.data);
	kt_buf_free(&text);
}

/* A field called on names a record of any type: an id prefix given for it
 * is replaced by the full id, or the command dies. */
static void resolve_on(struct kt_books *b, struct pairs *p)
{
	struct kt_error err = { 0 };
	const struct kt_schema *found;
	char *id;

	for (size_t i = 0; i < p->n; i++) {
		if (strcmp(p->names[i], "on") || !p->values[i][strspn(p->values[i], " ")])
			continue;
		if (kt_resolve_id(b, NULL, p->values[i] + strspn(p->values[i], " "), &id, &found, &err))
			die("on: %s", err.msg);
		free(p->values[i]);
		p->values[i] = id;
	}
}

/* --new-client NAME: a new client called NAME, given to the record's
 * owner (a lead's manager as distributed), added by change c, and the
 * record's client.  When the lead was linked to a client it already
 * has (same INN, phone or e-mail), that one stays and no client is made. */
static void add_new_client(struct kt_change *c, struct kt_books *b, const struct kt_schema *s,
                           struct pairs *all, const struct kt_lead_report *lr, const char *name)
{
	const struct kt_schema *cs = kt_books_type(b, "client");
	struct kt_error err = { 0 };
	const char *owner = NULL, *cid;

	for (size_t i = 0; i < all->n; i++)
		if (!strcmp(all->names[i], "client") && *all->values[i]) {
			if (lr && lr->client)
				warn("«%s» is not added: the lead is client %s «%s»'s (same %s %s)", name,
				     lr->client, lr->client_name, lr->match, lr->match_value);
			else
				die("--new-client and --client: give one of them");
			return;
		}
	/* The client gets the record's owner and its phone, e-mail and INN,
	 * so that the next lead from them is linked to it. */
	char *names[5] = { "name" }, *values[5] = { (char *)name };
	size_t n = 1;
	for (size_t i = 0; i < all->n; i++) {
		const char *f = all->names[i];
		if (s->owner && !strcmp(f, s->owner) && *all->values[i])
			owner = all->values[i];
		if ((!strcmp(f, "phone") || !strcmp(f, "email") || !strcmp(f, "inn")) &&
		    *all->values[i] && cs && kt_schema_field(cs, f) && n < 4) {
			names[n] = (char *)f;
			values[n++] = all->values[i];
		}
	}
	if (owner) {
		names[n] = "manager";
		values[n++] = (char *)owner;
	}
	if (!cs || kt_change_add(c, cs, names, values, n, &cid, &err)) {
		kt_change_free(c);
		if (!cs)
			die("--new-client: the books have no client type");
		die("new client «%s»: %s", name, err.msg);
	}
	char saved[16];
	snprintf(saved, sizeof saved, "%s", cid);
	if (owner)
		fprintf(stderr, _("kontora: new client %s «%s», manager %s\n"), saved, name, owner);
	else
		fprintf(stderr, _("kontora: new client %s «%s»\n"), saved, name);
	pairs_add(all, "client", 6, saved);
}

static int record_add(int argc, char **argv, struct kt_books *b, const struct kt_schema *s)
{
	struct pairs p = { 0 };
	struct kt_error err = { 0 };
	int dry_run = 0;
	const char *id;

	int first = parse_fields(argc, argv, s, &p, &dry_run);

	if (first != argc)
		title_words(argc - first, argv + first, s, &p);
	resolve_on(b, &p);
	struct kt_change *c = begin(b, s, "add");
	/* A lead: dedupe and distribution (cmd/util-lead.c). */
	struct kt_lead_report *lr = lead_prepare(b, s, p.names, p.values, p.n);
	if (lr && lr->existing) {
		/* A repeat of an add by its external id: what a script retries. */
		fprintf(stderr, _("kontora: lead %s: already in the books (external_id %s); nothing added\n"),
		        lr->existing, pairs_get(&p, "external_id"));
		printf("%s\n", lr->existing);
		kt_change_free(c);
		pairs_free(&p);
		lead_added(lr, NULL);
		return 0;
	}
	struct pairs all = { 0 };
	for (size_t i = 0; i < (lr ? lr->n : p.n); i++) {
		const char *name = lr ? lr->names[i] : p.names[i];
		pairs_add(&all, name, strlen(name), lr ? lr->values[i] : p.values[i]);
	}
	if (p.new_client)
		add_new_client(c, b, s, &all, lr, p.new_client);
	if (kt_change_add(c, s, all.names, all.values, all.n, &id, &err)) {
		pairs_free(&all);
		kt_change_free(c);
		pairs_free(&p);
		lead_added(lr, NULL);
		die_change(s, &err);
	}
	pairs_free(&p);
	pairs_free(&all);
	char saved[16];
	snprintf(saved, sizeof saved, "%s", id);
	change_finish(c, dry_run, NULL, saved);
	lead_added(lr, saved);
	if (!dry_run)
		printf("%s\n", saved);
	return 0;
}

static int record_edit(int argc, char **argv, struct kt_books *b, const struct kt_schema *s)
{
	struct pairs p = { 0 };
	struct kt_error err = { 0 };
	int dry_run = 0;
	int first = parse_fields(argc, argv, s, &p, &dry_run);

	if (first != argc - 1 || !p.n)
		usage(record_usage, 0);
	char *id = resolve(b, s, argv[first]);
	struct kt_change *c = begin(b, s, "edit");
	if (kt_change_edit(c, s, id, p.names, p.values, p.n, &err)) {
		kt_change_free(c);
		pairs_free(&p);
		free(id);
		die_change(s, &err);
	}
	pairs_free(&p);
	change_finish(c, dry_run, NULL, id);
	free(id);
	return 0;
}

static int record_rm(int argc, char **argv, struct kt_books *b, const struct kt_schema *s)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "dry-run", no_argument, NULL, OPT_DRY },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct kt_error err = { 0 };
	int force = 0, dry_run = 0, c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			usage(record_usage, 1);
		else if (c == OPT_FORCE)
			force = 1;
		else if (c == OPT_DRY)
			dry_run = 1;
		else
			option_error(argv, record_usage);
	}
	if (optind != argc - 1)
		usage(record_usage, 0);
	char *id = resolve(b, s, argv[optind]);
	struct kt_change *ch = begin(b, s, "rm");
	if (kt_change_remove(ch, s, id, force, &err)) {
		kt_change_free(ch);
		free(id);
		die_err(&err);
	}
	change_finish(ch, dry_run, NULL, id);
	free(id);
	return 0;
}

static int record_show(int argc, char **argv, struct kt_books *b, const struct kt_schema *s)
{
	static const struct option opts[] = {
		{ "record", no_argument, NULL, 'r' }, { "help", no_argument, NULL, 'h' }, { 0 },
	};
	struct kt_error err = { 0 };
	struct kt_record *r;
	int json = 0, plain = 0, c;

	while ((c = getopt_long(argc, argv, "hf:", opts, NULL)) != -1) {
		if (c == 'h')
			usage(record_usage, 1);
		else if (c == 'r')
			plain = 1;
		else if (c == 'f' && (!strcmp(optarg, "json") || !strcmp(optarg, "text")))
			json = !strcmp(optarg, "json");
		else
			option_error(argv, record_usage);
	}
	if (optind != argc - 1)
		usage(record_usage, 0);
	char *id = resolve(b, s, argv[optind]);
	int rc = kt_record_read(b, s, id, &r, &err);
	free(id);
	if (rc)
		die_err(&err);
	/* A type with a card (cmd/util-card.c) shows it, unless --record. */
	if (!plain && card_show(b, r, json) == 0) {
		kt_record_free(r);
		return 0;
	}
	/* On a terminal, for people: labels, names for ids, states' labels. */
	int people = !json && isatty(fileno(stdout));
	json_t *object = json ? json_or_die(json_object()) : NULL;
	struct kt_buf shown = { 0 };
	for (size_t i = 0; i < r->n; i++) {
		const struct kt_field *f = kt_schema_field(s, r->names[i]);
		const char *name = people ? kt_schema_label(s, r->names[i]) : r->names[i];
		const char *v = people ? kt_value_label(b, s, f, r->values[i], KT_REF_WITH_ID, &shown)
		                       : r->values[i];
		char buf[64];
		if (json) {
			json_set(object, r->names[i], json_field(f ? f->type : KT_TEXT, r->values[i]));
		} else if (*r->values[i]) {
			enum kt_ftype t = f ? f->type : strcmp(r->names[i], "created") ? KT_TEXT : KT_DATETIME;
			printf("%s: %s\n", name, screen_value(t, v, buf));
		}
	}
	kt_buf_free(&shown);
	if (json) {
		json_print(stdout, object, ", ");
		fputc('\n', stdout);
		json_decref(object);
	} else if (!plain)
		card_related(b, s, kt_record_get(r, "id"));
	kt_record_free(r);
	return 0;
}

/* Appends cond to the conditions of where. */
static void where_add(struct kt_buf *where, const char *cond)
{
	if ((where->len && kt_buf_adds(where, " and ")) || kt_buf_adds(where, cond))
		die("out of memory");
}

/* --mine: the records whose owner field is the acting employee. */
static void where_mine(struct kt_books *b, const struct kt_schema *s, struct kt_buf *where)
{
	struct kt_error err = { 0 };
	const struct kt_identity *who;
	char cond[512];

	if (!s->owner)
		die("--mine: %s has no owner field", s->name);
	if (kt_books_whoami(b, &who, &err))
		die_err(&err);
	snprintf(cond, sizeof cond, "%s=%s", s->owner, who->login);
	where_add(where, cond);
}

/* The task list's own conditions: open tasks unless --all; --overdue those
 * due before today, --today those due today (both: either). */
static void task_where(struct kt_buf *where, const char *day, int overdue, int today, int all)
{
	char cond[64];

	if (!all || overdue || today)
		where_add(where, "done!=true");
	if (overdue || today) {
		snprintf(cond, sizeof cond, "due%s%s", overdue && today ? "<=" : overdue ? "<" : "=", day);
		where_add(where, cond);
	}
}

/* kontora TYPE list and kontora list TYPE.  See cmd.h. */
int record_list(int argc, char **argv, struct kt_books *b, const struct kt_schema *s,
                const char *usage_text)
{
	static const struct option opts[] = {
		{ "where", required_argument, NULL, OPT_WHERE },
		{ "sort", required_argument, NULL, OPT_SORT },
		{ "limit", required_argument, NULL, OPT_LIMIT },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "mine", no_argument, NULL, OPT_MINE },
		{ "overdue", no_argument, NULL, OPT_OVERDUE },
		{ "today", no_argument, NULL, OPT_TODAY },
		{ "all", no_argument, NULL, OPT_ALL },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct kt_query q = { .schema = s };
	int mine = 0, overdue = 0, today = 0, all = 0;
	const char *task_only = NULL;
	struct kt_error err = { 0 };
	struct kt_buf where = { 0 };
	enum out_format fmt = OUT_TABLE;
	const char *output = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "hf:o:", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(usage_text, 1);
		case 'f':
			fmt = out_format(optarg, usage_text);
			break;
		case 'o':
			output = optarg;
			break;
		case OPT_WHERE:
			if ((where.len && kt_buf_adds(&where, " and ")) || kt_buf_adds(&where, optarg))
				die("out of memory");
			break;
		case OPT_SORT:
			q.sort = optarg;
			break;
		case OPT_LIMIT:
			q.limit = limit_option(optarg, usage_text);
			break;
		case OPT_MINE:
			mine = 1;
			break;
		case OPT_OVERDUE:
			overdue = 1;
			task_only = "--overdue";
			break;
		case OPT_TODAY:
			today = 1;
			task_only = "--today";
			break;
		case OPT_ALL:
			all = 1;
			break;
		default:
			option_error(argv, usage_text);
		}
	}
	if (optind != argc)
		usage(usage_text, 0);
	int is_task = !strcmp(s->name, "task");
	/* --all also shows the records a workflow archives (kontora-flow(5)). */
	q.all = all;
	if (task_only && !is_task)
		usage_error(usage_text, "%s: only task lists take it", task_only);
	if (mine)
		where_mine(b, s, &where);
	char day[11];
	today_date(b, day);
	if (is_task)
		task_where(&where, day, overdue, today, all);
	q.where = where.data;
	q.all_columns = fmt == OUT_CSV || fmt == OUT_JSON || fmt == OUT_XLSX;
	struct printer *p = printer_open(fmt, output, s->name, usage_text);
	printer_names(p, b, s);
	mark_unprocessed(p, s, &q);
	if (is_task && kt_schema_field(s, "due"))
		printer_mark_overdue(p, "due", "done", day);
	int rc = kt_list(b, &q, printer_row, p, &err);
	kt_buf_free(&where);
	if (rc) {
		printer_abort(p);
		die_err(&err);
	}
	printer_end(p);
	return 0;
}

/* Returns 1 if datadir has a default schema called type. */
static int default_type(const struct kt_ctx *ctx, const char *type)
{
	char path[PATH_MAX];

	snprintf(path, sizeof path, "%s/schemas/%s.schema", ctx->datadir, type);
	return !strchr(type, '/') && !access(path, R_OK);
}

/* Returns 1 if an argument after the first is -h or --help. */
static int asks_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return 1;
	return 0;
}

/* Ends kontora on word, which names neither a command nor a type.  See
 * cmd.h. */
void unknown_word(const struct kt_ctx *ctx, const struct kt_books *b, const char *word)
{
	static const char short_usage[] = N_("usage: kontora [-C DIR] COMMAND|TYPE [ARGS]  (kontora --help lists them)\n");
	struct guess g;

	guess_start(&g, word);
	for (const char *const *c = ctx->commands; c && *c; c++)
		if (**c != '_')
			guess_try(&g, *c);
	for (size_t i = 0; b && i < kt_books_ntypes(b); i++)
		guess_try(&g, kt_books_type_at(b, i)->name);
	if (b && g.best)
		usage_error(short_usage, "'%s' is not a command or a record type of these books; did you mean '%s'?",
		            word, g.best);
	if (b)
		usage_error(short_usage, "'%s' is not a command or a record type of these books", word);
	if (g.best)
		usage_error(short_usage, "'%s' is not a command or a record type; did you mean '%s'?", word, g.best);
	usage_error(short_usage, "'%s' is not a command or a record type", word);
}

/* Finds the type called type.  See cmd.h. */
const struct kt_schema *record_type(struct kt_ctx *ctx, const char *type, int argc, char **argv,
                                    const char *usage_text)
{
	struct kt_error err = { 0 };
	int help = asks_help(argc, argv);
	char *root;

	if (!ctx->books && kt_books_find(ctx->books_dir ? ctx->books_dir : ".", &root, &err)) {
		if (default_type(ctx, type) && help)
			usage(usage_text, 1);
		if (default_type(ctx, type))
			die_err(&err);
		unknown_word(ctx, NULL, type);
	}
	if (!ctx->books)
		free(root);
	const struct kt_schema *s = kt_books_type(need_books(ctx), type);
	if (!s) {
		if (help)
			usage(usage_text, 1);
		unknown_word(ctx, ctx->books, type);
	}
	return s;
}

/* kontora TYPE SUBCOMMAND ...  See cmd.h. */
int record_command(int argc, char **argv, struct kt_books *b, const struct kt_schema *s)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **, struct kt_books *, const struct kt_schema *);
	} subs[] = {
		{ "add", record_add }, { "edit", record_edit }, { "rm", record_rm },
		{ "show", record_show },
	};

	if (argc < 2)
		usage(record_usage, 0);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		usage(record_usage, 1);
	if (!strcmp(argv[1], "list"))
		return record_list(argc - 1, argv + 1, b, s, record_usage);
	for (size_t i = 0; i < sizeof subs / sizeof *subs; i++)
		if (!strcmp(argv[1], subs[i].name))
			return subs[i].fn(argc - 1, argv + 1, b, s);
	if (!strcmp(s->name, "task") && !strcmp(argv[1], "done"))
		return task_done(argc - 1, argv + 1, b, s);
	if (!strcmp(s->name, "employee") && !strcmp(argv[1], "deactivate"))
		return employee_deactivate(argc - 1, argv + 1, b, s);
	/* lead processed, assign (cmd/util-lead.c); move and the transitions
	 * of the type's workflow (lead won ID). */
	int rc = lead_subcommand(argc - 1, argv + 1, b, s);
	if (rc < 0)
		rc = flow_subcommand(argc - 1, argv + 1, b, s);
	if (rc >= 0)
		return rc;
	const char *words[11] = { "list", "add", "edit", "rm", "show" };
	size_t n = 5;
	if (kt_books_flow(b, s->name))
		words[n++] = "move";
	if (!strcmp(s->name, "task"))
		words[n++] = "done";
	if (!strcmp(s->name, "employee"))
		words[n++] = "deactivate";
	if (s->owner)
		words[n++] = "assign";
	if (kt_schema_field(s, "processed"))
		words[n++] = "processed";
	flow_unknown(b, s, argv[1], words);
}
