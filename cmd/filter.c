/*
 * filter.c - kontora filter save|run|list|show|rm: lists and read-only
 * queries saved by name as records of type filter (schemas/filter.schema),
 * so that they are versioned in the books like everything else.  A saved
 * list runs through the code of kontora list; a saved query through
 * kt_sql_bind(), with its named parameters (:from) given as options
 * (--from DATE).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static const char filter_usage[] = N_(
	"usage: kontora filter save NAME [--description TEXT] [--dry-run] -- TYPE [LIST OPTIONS]\n"
	"       kontora filter save NAME [--description TEXT] [--dry-run] -- sql QUERY\n"
	"       kontora filter run NAME [-f table|tsv|csv|json|xlsx] [-o FILE] [--PARAM VALUE]...\n"
	"       kontora filter run NAME [LIST OPTIONS]...   (a saved list: options added)\n"
	"       kontora filter list [LIST OPTIONS]\n"
	"       kontora filter show NAME\n"
	"       kontora filter rm NAME [--dry-run]\n");

/* A saved filter, as read from the index (strings the caller frees with
 * saved_free()). */
struct saved {
	char *id, *type, *args, *sql;
};

/* Frees the strings of f (not f itself). */
static void saved_free(struct saved *f)
{
	free(f->id);
	free(f->type);
	free(f->args);
	free(f->sql);
}

/* Returns the schema of saved filters or dies. */
static const struct kt_schema *filter_schema(struct kt_books *b)
{
	const struct kt_schema *s = kt_books_type(b, "filter");

	if (!s)
		die("these books have no record type filter: copy schemas/filter.schema "
		    "from kontora's data directory into them and commit it");
	return s;
}

/* Dies unless name is a filter's name: a lower-case Latin letter, then
 * letters, digits, - and _, at most 64 in all. */
static void check_name(const char *name)
{
	size_t n = strlen(name);

	if (n < 1 || n > 64 || name[0] < 'a' || name[0] > 'z' ||
	    name[strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-_")])
		die("filter name \"%s\": a lower-case Latin letter, then letters, digits, - and _ "
		    "(at most 64)", name);
}

/* kt_row_fn: keeps the one row of a saved filter in a struct saved. */
static int keep_saved(void *arg, size_t ncols, const struct kt_column *cols, char *const *values)
{
	struct saved *f = arg;

	for (size_t i = 0; values && i < ncols; i++) {
		char **to = !strcmp(cols[i].name, "id") ? &f->id : !strcmp(cols[i].name, "type") ? &f->type :
		            !strcmp(cols[i].name, "args") ? &f->args : !strcmp(cols[i].name, "sql") ? &f->sql : NULL;
		if (to && !(*to = strdup(values[i])))
			die("out of memory");
	}
	return 0;
}

/* Reads the filter called name into f.  Returns 1 if there is one, 0 if
 * not; dies on an error. */
static int find(struct kt_books *b, const struct kt_schema *s, const char *name, struct saved *f)
{
	struct kt_error err = { 0 };
	char where[128];
	struct kt_query q = { .schema = s, .where = where, .all_columns = 1, .limit = 1 };

	snprintf(where, sizeof where, "name=%s", name);
	memset(f, 0, sizeof *f);
	if (kt_list(b, &q, keep_saved, f, &err))
		die_err(&err);
	return f->id != NULL;
}

/* Finds the filter called name or dies (exit 1) saying how to list them. */
static void find_or_die(struct kt_books *b, const struct kt_schema *s, const char *name,
                        struct saved *f)
{
	check_name(name);
	if (!find(b, s, name, f))
		die("no filter %s (kontora filter list shows them)", name);
}

/* Appends word to b quoted for a POSIX shell when it needs it: in single
 * quotes, a ' as '\''.  Dies when out of memory. */
static void add_word(struct kt_buf *b, const char *word)
{
	int plain = *word && !word[strcspn(word, " \t\n'\"\\$`*?[]#~&;|<>(){}!")];
	int rc = b->len ? kt_buf_addc(b, ' ') : 0;

	if (plain) {
		rc = rc || kt_buf_adds(b, word);
	} else {
		rc = rc || kt_buf_addc(b, '\'');
		for (const char *c = word; !rc && *c; c++)
			rc = *c == '\'' ? kt_buf_adds(b, "'\\''") : kt_buf_addc(b, *c);
		rc = rc || kt_buf_addc(b, '\'');
	}
	if (rc)
		die("out of memory");
}

/* Splits text into words as a POSIX shell does without expansions:
 * blanks separate, '...' keeps everything, "..." and \ outside quotes
 * escape the next character.  Returns the number of words; *words
 * (NULL-terminated) and each word are the caller's to free.  Dies naming
 * the filter on an unterminated quote. */
static size_t split_words(const char *text, const char *name, char ***words)
{
	struct kt_buf w = { 0 };
	char **v = NULL;
	size_t n = 0;
	const char *p = text;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		kt_buf_reset(&w);
		int rc = kt_buf_grow(&w, 1);
		while (!rc && *p && *p != ' ' && *p != '\t' && *p != '\n') {
			char q = *p;
			if (q == '\'' || q == '"') {
				const char *end = ++p;
				while (*end && *end != q)
					end += q == '"' && *end == '\\' && (end[1] == '"' || end[1] == '\\') ? 2 : 1;
				if (!*end)
					die("filter %s: args: a quote %c is not closed: %s", name, q, text);
				for (; !rc && p < end; p++)
					rc = kt_buf_addc(&w, q == '"' && *p == '\\' && (p[1] == '"' || p[1] == '\\') ? *++p : *p);
				p++;
			} else {
				if (q == '\\' && p[1])
					p++;
				rc = kt_buf_addc(&w, *p++);
			}
		}
		if (rc || !(v = realloc(v, (n + 2) * sizeof *v)) || !(v[n++] = strdup(w.data)))
			die("out of memory");
	}
	if (!v && !(v = malloc(sizeof *v)))
		die("out of memory");
	v[n] = NULL;
	kt_buf_free(&w);
	*words = v;
	return n;
}

/* Frees the words of split_words() and their array. */
static void words_free(char **words)
{
	for (size_t i = 0; words[i]; i++)
		free(words[i]);
	free(words);
}

/* Runs the list of type s with the saved words and then the extra ones
 * (argv, n), through kontora list's code.  Returns its exit status. */
static int run_list(struct kt_books *b, const struct kt_schema *s, char **saved, size_t nsaved,
                    char **extra, size_t nextra)
{
	char **argv = calloc(nsaved + nextra + 2, sizeof *argv);

	if (!argv)
		die("out of memory");
	argv[0] = "list";
	memcpy(argv + 1, saved, nsaved * sizeof *argv);
	memcpy(argv + 1 + nsaved, extra, nextra * sizeof *argv);
	optind = 0;
	int rc = record_list((int)(nsaved + nextra + 1), argv, b, s, filter_usage);
	free(argv);
	return rc;
}

/* A parameter list being collected: names, for messages and checks. */
struct names {
	struct kt_buf text;   /* "--from, --to" */
	char **v;
	size_t n;
};

/* kt_sql_params callback: keeps each parameter's name once. */
static int add_name(void *arg, const char *name)
{
	struct names *ns = arg;

	for (size_t i = 0; i < ns->n; i++)
		if (!strcmp(ns->v[i], name))
			return 0;
	if (!(ns->v = realloc(ns->v, (ns->n + 1) * sizeof *ns->v)) || !(ns->v[ns->n++] = strdup(name)) ||
	    kt_buf_addf(&ns->text, "%s--%s", ns->text.len ? ", " : "", name))
		die("out of memory");
	return 0;
}

/* Frees what ns holds (not ns itself). */
static void names_free(struct names *ns)
{
	for (size_t i = 0; i < ns->n; i++)
		free(ns->v[i]);
	free(ns->v);
	kt_buf_free(&ns->text);
}

/* Reads the parameters of a saved query into ns; dies naming the filter
 * when the query does not prepare. */
static void query_params(struct kt_books *b, const char *name, const char *sql, struct names *ns)
{
	struct kt_error err = { 0 };

	memset(ns, 0, sizeof *ns);
	if (kt_sql_params(b, sql, add_name, ns, &err))
		die("filter %s: %s", name, err.msg);
}

/* kontora filter save NAME [--description TEXT] [--dry-run] -- TYPE ARGS:
 * returns 0, or dies. */
static int filter_save(int argc, char **argv, struct kt_books *b, const struct kt_schema *s)
{
	static const struct option opts[] = {
		{ "description", required_argument, NULL, 'd' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *description = "";
	int dry_run = 0, dd = 1, c;

	while (dd < argc && strcmp(argv[dd], "--"))
		dd++;
	while ((c = getopt_long(dd, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			usage(filter_usage, 1);
		else if (c == 'd')
			description = optarg;
		else if (c == 'n')
			dry_run = 1;
		else
			option_error(argv, filter_usage);
	}
	if (optind != dd - 1 || dd + 1 >= argc) {
		fputs("kontora: error: filter save: give NAME, then -- and what to save "
		      "(TYPE and list options, or sql QUERY)\n", stderr);
		usage(filter_usage, 0);
	}
	const char *name = argv[optind], *type = argv[dd + 1];
	char **rest = argv + dd + 2;
	int nrest = argc - dd - 2;
	struct kt_buf args = { 0 };
	check_name(name);
	if (!strcmp(type, "sql")) {
		struct names ns;
		if (nrest != 1) {
			fputs("kontora: error: filter save: sql takes one QUERY (quote it)\n", stderr);
			usage(filter_usage, 0);
		}
		query_params(b, name, rest[0], &ns);
		names_free(&ns);
	} else {
		const struct kt_schema *ts = kt_books_type(b, type);
		char *check[] = { "-f", "tsv", "-o", "/dev/null" };
		if (!ts || ts == s)
			die("filter save: %s is not a record type of these books, nor sql", type);
		for (int i = 0; i < nrest; i++)
			add_word(&args, rest[i]);
		/* The list must run: the same code checks its options now. */
		run_list(b, ts, rest, (size_t)nrest, check, 4);
	}
	struct saved old;
	int exists = find(b, s, name, &old);
	char *names[] = { "name", "description", "type", "args", "sql" };
	char *values[] = { (char *)name, (char *)description, (char *)type, args.data ? args.data : "",
	                   !strcmp(type, "sql") ? rest[0] : "" };
	struct kt_error err = { 0 };
	struct kt_change *ch;
	char subject[128];
	const char *id;
	if (kt_change_begin(b, "filter save", &ch, &err))
		die_err(&err);
	if (exists ? kt_change_edit(ch, s, old.id, names, values, 5, &err)
	           : kt_change_add(ch, s, names, values, 5, &id, &err)) {
		kt_change_free(ch);
		die("filter %s: %s", name, err.msg);
	}
	snprintf(subject, sizeof subject, "filter %s: %s", name, exists ? "saved again" : "saved");
	/* A dry run prints the change alone, which names the filter; saving
	 * it again unchanged is no news. */
	change_finish(ch, dry_run, dry_run ? NULL : subject, NULL);
	saved_free(&old);
	kt_buf_free(&args);
	return 0;
}

/* Returns the value of the parameter option argv[*i], --NAME VALUE (moving
 * *i past VALUE) or --NAME=VALUE, and its NAME in *name and *len (owned by
 * argv).  Dies with a usage error when VALUE is missing. */
static const char *param_value(int argc, char **argv, int *i, const char **name, size_t *len)
{
	const char *eq = strchr(argv[*i] + 2, '=');

	*name = argv[*i] + 2;
	*len = eq ? (size_t)(eq - *name) : strlen(*name);
	if (eq)
		return eq + 1;
	if (*i + 1 >= argc) {
		usage_error(filter_usage, "%s: a value is missing", argv[*i]);
	}
	return argv[++*i];
}

/* Runs a saved query: -f, -o and its parameters as options.  Returns 0,
 * or dies. */
static int run_query(int argc, char **argv, struct kt_books *b, const char *name, const char *sql)
{
	struct kt_param *params = calloc((size_t)argc + 1, sizeof *params);
	enum out_format fmt = OUT_TABLE;
	const char *output = NULL;
	struct kt_error err = { 0 };
	struct names ns;
	size_t n = 0;
	char today[11];

	if (!params)
		die("out of memory");
	query_params(b, name, sql, &ns);
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			usage(filter_usage, 1);
		if ((!strcmp(a, "-f") || !strcmp(a, "--format") || !strcmp(a, "-o") || !strcmp(a, "--output")) &&
		    i + 1 < argc) {
			if (a[1] == 'f' || a[2] == 'f')
				fmt = out_format(argv[++i], filter_usage);
			else
				output = argv[++i];
			continue;
		}
		if (strncmp(a, "--", 2) || !a[2]) {
			fprintf(stderr, _("kontora: error: %s: not an option of filter %s (it takes -f, -o%s%s)\n"),
			        a, name, ns.n ? ", " : "", ns.text.data ? ns.text.data : "");
			usage(filter_usage, 0);
		}
		const char *pname;
		size_t len;
		const char *value = param_value(argc, argv, &i, &pname, &len);
		size_t k = 0;
		while (k < ns.n && (strlen(ns.v[k]) != len || strncmp(ns.v[k], pname, len)))
			k++;
		if (k == ns.n) {
			fprintf(stderr, _("kontora: error: --%.*s: filter %s has no such parameter (it takes %s)\n"),
			        (int)len, pname, name, ns.n ? ns.text.data : "none");
			usage(filter_usage, 0);
		}
		params[n++] = (struct kt_param){ ns.v[k], value };
	}
	/* :today is the books' clock in local time, unless given. */
	today_date(b, today);
	params[n++] = (struct kt_param){ "today", today };
	struct printer *p = printer_open(fmt, output, name, filter_usage);
	int rc = kt_sql_bind(b, sql, params, n, printer_row, p, &err);
	if (rc)
		printer_abort(p);
	else
		printer_end(p);
	names_free(&ns);
	free(params);
	if (rc)
		die("filter %s: %s", name, err.msg);
	return 0;
}

/* kontora filter run NAME ...: returns the exit status, or dies. */
static int filter_run(int argc, char **argv, struct kt_books *b, const struct kt_schema *s)
{
	struct saved f;
	char **words;

	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
			usage(filter_usage, 1);
		usage(filter_usage, 0);
	}
	find_or_die(b, s, argv[1], &f);
	if (!strcmp(f.type, "sql")) {
		run_query(argc, argv, b, argv[1], f.sql);
		saved_free(&f);
		return 0;
	}
	const struct kt_schema *ts = kt_books_type(b, f.type);
	if (!ts)
		die("filter %s: %s is not a record type of these books", argv[1], f.type);
	size_t n = split_words(f.args, argv[1], &words);
	int rc = run_list(b, ts, words, n, argv + 2, (size_t)argc - 2);
	words_free(words);
	saved_free(&f);
	return rc;
}

/* kontora filter rm NAME [--dry-run]: returns 0, or dies. */
static int filter_rm(int argc, char **argv, struct kt_books *b, const struct kt_schema *s)
{
	struct kt_error err = { 0 };
	struct kt_change *ch;
	struct saved f;
	char subject[128];
	int dry_run;

	dry_run = dry_run_option(argc, argv, filter_usage);
	if (optind != argc - 1)
		usage(filter_usage, 0);
	find_or_die(b, s, argv[optind], &f);
	if (kt_change_begin(b, "filter rm", &ch, &err))
		die_err(&err);
	if (kt_change_remove(ch, s, f.id, 0, &err)) {
		kt_change_free(ch);
		die_err(&err);
	}
	snprintf(subject, sizeof subject, "filter %s: removed", argv[optind]);
	change_finish(ch, dry_run, dry_run ? NULL : subject, NULL);
	saved_free(&f);
	return 0;
}

/* kontora filter SUBCOMMAND ...: returns the exit status, or dies. */
int cmd_filter(int argc, char **argv, struct kt_ctx *ctx)
{
	if (argc < 2)
		usage(filter_usage, 0);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		usage(filter_usage, 1);
	struct kt_books *b = ctx->books;
	const struct kt_schema *s = filter_schema(b);
	if (!strcmp(argv[1], "save"))
		return filter_save(argc - 1, argv + 1, b, s);
	if (!strcmp(argv[1], "run"))
		return filter_run(argc - 1, argv + 1, b, s);
	if (!strcmp(argv[1], "rm"))
		return filter_rm(argc - 1, argv + 1, b, s);
	if (!strcmp(argv[1], "list"))
		return record_list(argc - 1, argv + 1, b, s, filter_usage);
	if (!strcmp(argv[1], "show") && argc == 3 && argv[2][0] != '-') {
		struct saved f;
		find_or_die(b, s, argv[2], &f);
		char *show[] = { "filter", "show", f.id, NULL };
		int rc = record_command(3, show, b, s);
		saved_free(&f);
		return rc;
	}
	no_such_subcommand(filter_usage, "filter", argv[1],
	                   (const char *const[]){ "save", "run", "rm", "list", "show", NULL });
}
