/*
 * import.c - kontora import leads FILE... and kontora import spool: web
 * leads from files or from the webhook's spool into the books, one commit
 * per import.  Rows that cannot be imported are listed with their file,
 * line and reason, and written to a reject file (or, for the spool, moved
 * to rejected/ with a .why), while the good rows still land.  kontora
 * import 1c: the files of a 1C exchange, all or nothing.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <limits.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"

static const char import_usage[] = N_(
	"usage: kontora import leads [--format form|json|csv|xlsx] [--source NAME]\n"
	"                            [--encoding auto|utf-8|cp1251] [--rejects FILE]\n"
	"                            [--dry-run] FILE...|-\n"
	"       kontora import spool [--dry-run]\n"
	"       kontora import bank [--dry-run] FILE...\n"
	"       kontora import 1c [--price-type NAME] [--dry-run] FILE...\n");

/* One input: a file given, or a request of the spool. */
struct input {
	char *name;                  /* as in messages: the path, or new/NAME */
	char *spool_name;            /* the spool file's name, or NULL */
	char *source;                /* the source of its mapping */
	struct kt_intake *in;        /* NULL when it could not be read */
	char *why;                   /* why it could not be read, or NULL */
	size_t taken, rejected;      /* rows */
	struct kt_buf reasons;       /* "line N: reason" lines of its rejected rows */
};

/* Everything one run reads and says. */
struct run {
	struct input *inputs;
	size_t n;
	struct kt_source_map **maps; /* one a source, in the order first seen; each
	                              * its own allocation, as the import keeps
	                              * pointers to them */
	size_t nmaps;
	struct kt_csv rejects;       /* header: file, line, reason, then the input's names */
};

/* Returns the mapping of source, loading it the first time. */
static const struct kt_source_map *map_of(struct run *r, struct kt_books *b, const char *source)
{
	struct kt_error err = { 0 };

	for (size_t i = 0; i < r->nmaps; i++)
		if (!strcmp(r->maps[i]->source, source))
			return r->maps[i];
	struct kt_source_map **v = realloc(r->maps, (r->nmaps + 1) * sizeof *v);
	if (!v || !(v[r->nmaps] = calloc(1, sizeof **v)))
		die("out of memory");
	r->maps = v;
	if (kt_source_map_load(b, source, r->maps[r->nmaps], &err))
		die_err(&err);
	return r->maps[r->nmaps++];
}

/* Returns the column of name in the reject file's header, adding it. */
static size_t reject_column(struct kt_csv *rej, const char *name)
{
	for (size_t i = 3; i < rej->nheader; i++)
		if (!strcmp(rej->header[i], name))
			return i;
	char **h = realloc(rej->header, (rej->nheader + 1) * sizeof *h);
	if (!h || !(h[rej->nheader] = strdup(name)))
		die("out of memory");
	rej->header = h;
	return rej->nheader++;
}

/* Makes standard error, when it is no terminal, go out in blocks, for
 * the imports that say a line a row: a lead linked to a client, a row
 * rejected (leads, spool), an element of a 1C file left out.  Written one
 * by one they were 33,000 write()s in a web-lead import of 100,000 rows.
 * A terminal sees them (and the progress line) as they come; a file or a
 * pipe gets them in blocks, and the rest at exit.  import bank says one
 * line, at its end, and keeps stderr as it is: each message out when it
 * is said.  Call before the import's first message. */
static void stderr_in_blocks(void)
{
	if (!isatty(STDERR_FILENO))
		setvbuf(stderr, NULL, _IOFBF, BUFSIZ);
}

/* Says why a row of in was not imported, keeps it for the reject file and
 * the spool's .why. */
static void reject_row(struct run *r, struct input *in, const struct kt_intake_row *row,
                       const char *reason)
{
	struct kt_csv *rej = &r->rejects;
	char line[32];

	warn("%s:%ld: %s", in->name, row ? row->line : 0L, reason);
	in->rejected++;
	if (kt_buf_addf(&in->reasons, "line %ld: %s\n", row ? row->line : 0L, reason))
		die("out of memory");
	if (!rej->nheader) {
		rej->header = calloc(3, sizeof *rej->header);
		if (!rej->header || !(rej->header[0] = strdup("file")) ||
		    !(rej->header[1] = strdup("line")) || !(rej->header[2] = strdup("reason")))
			die("out of memory");
		rej->nheader = 3;
	}
	struct kt_csv_row *rows = realloc(rej->rows, (rej->nrows + 1) * sizeof *rows);
	if (!rows)
		die("out of memory");
	rej->rows = rows;
	struct kt_csv_row *out = &rej->rows[rej->nrows++];
	out->line = row ? row->line : 0;
	out->nfields = 0;
	out->fields = NULL;
	snprintf(line, sizeof line, "%ld", row ? row->line : 0L);
	const char *fixed[3] = { in->name, line, reason };
	size_t need = 3;
	size_t *cols = row && row->n ? malloc(row->n * sizeof *cols) : NULL;
	for (size_t i = 0; row && i < row->n; i++) {
		if (!cols)
			die("out of memory");
		cols[i] = reject_column(rej, row->names[i]);
		need = cols[i] + 1 > need ? cols[i] + 1 : need;
	}
	if (!(out->fields = calloc(need, sizeof *out->fields)))
		die("out of memory");
	out->nfields = need;
	for (size_t i = 0; i < need; i++) {
		const char *v = i < 3 ? fixed[i] : "";
		for (size_t j = 0; row && i >= 3 && j < row->n; j++)
			if (cols[j] == i)
				v = row->values[j];
		if (!(out->fields[i] = strdup(v)))
			die("out of memory");
	}
	free(cols);
}

/* Writes the reject file: the header, then each rejected row padded to
 * it.  Dies when it cannot be written. */
static void write_rejects(const struct kt_csv *rej, const char *path)
{
	struct kt_buf b = { 0 };
	FILE *f;

	if (kt_csv_add_row(&b, rej->header, rej->nheader))
		die("out of memory");
	for (size_t i = 0; i < rej->nrows; i++) {
		char **cells = calloc(rej->nheader, sizeof *cells);
		if (!cells)
			die("out of memory");
		for (size_t j = 0; j < rej->nheader; j++)
			cells[j] = j < rej->rows[i].nfields ? rej->rows[i].fields[j] : "";
		if (kt_csv_add_row(&b, cells, rej->nheader))
			die("out of memory");
		free(cells);
	}
	if (!(f = fopen(path, "w")) || fwrite(b.data, 1, b.len, f) != b.len || fclose(f))
		die("%s: %s", path, strerror(errno));
	kt_buf_free(&b);
}

/* Called by kt_import_commit() for each lead it adds or rejects. */
static void on_commit(void *arg, const struct kt_import_result *res)
{
	struct run *r = arg;
	struct input *in = NULL;

	for (size_t i = 0; i < r->n && !in; i++)
		if (r->inputs[i].name == res->file)
			in = &r->inputs[i];
	if (res->kind == KT_IMPORT_REJECTED && in) {
		in->taken--;
		reject_row(r, in, res->row, res->reason);
	} else if (res->kind == KT_IMPORT_LINKED)
		fprintf(stderr, *res->manager ? _("kontora: lead %s: linked to client %s «%s» (same %s %s), "
		                                  "manager %s\n")
		                              : _("kontora: lead %s: linked to client %s «%s» (same %s %s)\n"),
		        res->id, res->client, res->client_name, res->match, res->match_value, res->manager);
	if (in && in->in)
		kt_intake_row_clear(&in->in->rows[res->row - in->in->rows]);
}

/* Reads all of path ("-" standard input) into *len bytes (caller frees);
 * NULL with errno set when it cannot be read. */
static char *read_all(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	struct kt_buf b = { 0 };
	struct stat st;
	char chunk[65536];
	size_t n;

	if (!f)
		return NULL;
	/* Room for the whole file at once: doubling would keep up to half
	 * as much again, the largest block of an import's memory. */
	if (!fstat(fileno(f), &st) && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    kt_buf_grow(&b, (size_t)st.st_size))
		die("out of memory");
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		if (kt_buf_add(&b, chunk, n))
			die("out of memory");
	int bad = ferror(f);
	if (f != stdin)
		fclose(f);
	if (bad) {
		kt_buf_free(&b);
		errno = EIO;
		return NULL;
	}
	*len = b.len;
	return b.data ? kt_buf_detach(&b) : strdup("");
}

/* Returns the format an --format word names; dies for another. */
static enum kt_intake_format format_of(const char *word)
{
	static const struct { const char *word; enum kt_intake_format f; } formats[] = {
		{ "auto", KT_INTAKE_AUTO }, { "form", KT_INTAKE_FORM }, { "json", KT_INTAKE_JSON },
		{ "csv", KT_INTAKE_CSV }, { "xlsx", KT_INTAKE_XLSX },
	};

	for (size_t i = 0; i < sizeof formats / sizeof *formats; i++)
		if (!strcmp(word, formats[i].word))
			return formats[i].f;
	usage_error(import_usage, "--format %s: not form, json, csv or xlsx", word);
}

/* Adds an input to r and returns it. */
static struct input *new_input(struct run *r, const char *name, const char *source)
{
	struct input *v = realloc(r->inputs, (r->n + 1) * sizeof *v);

	if (!v)
		die("out of memory");
	r->inputs = v;
	struct input *in = &v[r->n++];
	memset(in, 0, sizeof *in);
	if (!(in->name = strdup(name)) || !(in->source = strdup(source)))
		die("out of memory");
	return in;
}

/* Parses data into in, or keeps why it cannot be read. */
static void parse_input(struct input *in, const char *data, size_t len,
                        enum kt_intake_format fmt, const char *encoding)
{
	struct kt_error err = { 0 };

	if (kt_intake_parse(data, len, in->name, fmt, encoding, &in->in, &err) &&
	    !(in->why = strdup(err.msg)))
		die("out of memory");
}

/* Feeds the rows of every input to the import, saying what is rejected. */
static void take_rows(struct run *r, struct kt_books *b, struct kt_import *im)
{
	struct kt_error err = { 0 };
	size_t done = 0, total = 0;

	for (size_t i = 0; i < r->n; i++)
		total += r->inputs[i].in ? r->inputs[i].in->n : 0;
	for (size_t i = 0; i < r->n; i++) {
		struct input *in = &r->inputs[i];
		if (!in->in) {
			progress_done();
			fprintf(stderr, _("kontora: error: %s\n"), in->why);
			continue;
		}
		const struct kt_source_map *m = map_of(r, b, in->source);
		for (size_t j = 0; j < in->in->n; j++) {
			struct kt_import_result res;
			if (kt_import_row(im, m, &in->in->rows[j], in->name, &res, &err))
				die_err(&err);
			if (res.kind == KT_IMPORT_REJECTED)
				reject_row(r, in, &in->in->rows[j], res.reason);
			else
				in->taken++;
			/* Only a new lead's row is read again, when it is added. */
			if (res.kind != KT_IMPORT_NEW)
				kt_intake_row_clear(&in->in->rows[j]);
			/* Small imports take no time: no progress for them. */
			if (total >= 1000)
				progress(N_("reading rows"), ++done, total);
		}
	}
}

/* Commits the import and prints its summary.  Returns the number of rows
 * and inputs that were not imported. */
static size_t finish(struct run *r, struct kt_import *im, int dry_run)
{
	struct kt_import_summary sum = { 0 };
	struct kt_error err = { 0 };
	size_t unread = 0;

	if (kt_import_commit(im, dry_run, on_commit, r, &sum, &err))
		die_err(&err);
	for (size_t i = 0; i < r->n; i++)
		unread += r->inputs[i].in == NULL;
	printf(_("%s%zu new, %zu linked to clients, %zu merged, %zu duplicates skipped, %zu rejected\n"),
	       dry_run ? _("would import: ") : "", sum.added, sum.linked, sum.merged, sum.duplicates,
	       sum.rejected);
	if (unread)
		printf(kt_ngettext("%zu input could not be read\n", "%zu inputs could not be read\n", unread),
		       unread);
	return sum.rejected + unread;
}

/* Frees what a run holds. */
static void run_free(struct run *r)
{
	for (size_t i = 0; i < r->n; i++) {
		kt_intake_free(r->inputs[i].in);
		free(r->inputs[i].name);
		free(r->inputs[i].spool_name);
		free(r->inputs[i].source);
		free(r->inputs[i].why);
		kt_buf_free(&r->inputs[i].reasons);
	}
	free(r->inputs);
	for (size_t i = 0; i < r->nmaps; i++) {
		kt_source_map_free(r->maps[i]);
		free(r->maps[i]);
	}
	free(r->maps);
	for (size_t i = 0; i < r->rejects.nheader; i++)
		free(r->rejects.header[i]);
	free(r->rejects.header);
	for (size_t i = 0; i < r->rejects.nrows; i++) {
		for (size_t j = 0; j < r->rejects.rows[i].nfields; j++)
			free(r->rejects.rows[i].fields[j]);
		free(r->rejects.rows[i].fields);
	}
	free(r->rejects.rows);
}

/* Returns 1 if path (absolute) is root or under it. */
static int under(const char *path, const char *root)
{
	size_t n = strlen(root);

	return !strncmp(path, root, n) && (path[n] == '/' || !path[n]);
}

/* Returns where the reject file of an import of input goes when --rejects
 * is not given (the caller frees it): beside the input, named after it
 * (leads.csv: leads.rejected.csv), never in the books' worktree, where it
 * would be an untracked file: an input there (or on standard input) has
 * it in .git/kontora/rejected/ instead. */
static char *rejects_path(struct kt_books *b, const char *input)
{
	const char *root = kt_books_root(b);
	char *dir = NULL, *rroot = realpath(root, NULL), *full = realpath(input, NULL);
	const char *base = strrchr(input, '/') ? strrchr(input, '/') + 1 : input;
	size_t stem = strrchr(base, '.') && strrchr(base, '.') != base ? (size_t)(strrchr(base, '.') - base)
	                                                                : strlen(base);
	struct kt_buf path = { 0 };
	int rc;

	if (full && (dir = strdup(full)))
		*strrchr(dir, '/') = '\0';
	if (!dir || !*dir || (rroot && under(dir, rroot))) {
		free(dir);
		if (asprintf(&dir, "%s/.git/kontora/rejected", rroot ? rroot : root) < 0)
			die("out of memory");
		if ((mkdir(dir, 0770) && errno != EEXIST))
			die("%s: %s", dir, strerror(errno));
	}
	rc = kt_buf_addf(&path, "%s/%.*s.rejected.csv", dir, (int)stem, base);
	free(dir);
	free(rroot);
	free(full);
	if (rc)
		die("out of memory");
	return kt_buf_detach(&path);
}

/* kontora import leads. */
static int import_leads(int argc, char **argv, struct kt_books *b)
{
	enum { OPT_DRY = 1000, OPT_FORMAT, OPT_SOURCE, OPT_ENCODING, OPT_REJECT };
	static const struct option opts[] = {
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "source", required_argument, NULL, OPT_SOURCE },
		{ "encoding", required_argument, NULL, OPT_ENCODING },
		{ "rejects", required_argument, NULL, OPT_REJECT },
		{ "reject", required_argument, NULL, OPT_REJECT },   /* its first name */
		{ "dry-run", no_argument, NULL, OPT_DRY },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	enum kt_intake_format fmt = KT_INTAKE_AUTO;
	const char *source = "web", *encoding = "auto", *reject = NULL;
	struct run r = { 0 };
	struct kt_error err = { 0 };
	struct kt_import *im;
	int dry_run = 0, c;

	stderr_in_blocks();
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			usage(import_usage, 1);
		else if (c == OPT_DRY)
			dry_run = 1;
		else if (c == OPT_FORMAT)
			fmt = format_of(optarg);
		else if (c == OPT_SOURCE)
			source = optarg;
		else if (c == OPT_ENCODING)
			encoding = optarg;
		else if (c == OPT_REJECT)
			reject = optarg;
		else
			option_error(argv, import_usage);
	}
	if (optind == argc)
		usage(import_usage, 0);
	if (strcasecmp(encoding, "auto") && strcasecmp(encoding, "utf-8") && strcasecmp(encoding, "cp1251"))
		usage_error(import_usage, "--encoding %s: not auto, utf-8 or cp1251", encoding);
	if (kt_import_begin(b, "import leads", &im, &err))
		die_err(&err);
	for (int i = optind; i < argc; i++) {
		struct input *in = new_input(&r, argv[i], source);
		size_t len = 0;
		char *data = read_all(argv[i], &len);
		if (!data) {
			if (!(in->why = malloc(strlen(argv[i]) + 200)))
				die("out of memory");
			sprintf(in->why, "%s: %s", argv[i], strerror(errno));
			continue;
		}
		parse_input(in, data, len, fmt, encoding);
		free(data);
	}
	take_rows(&r, b, im);
	size_t bad = finish(&r, im, dry_run);
	kt_import_free(im);
	if (r.rejects.nrows && !dry_run) {
		char *path = reject ? strdup(reject) : rejects_path(b, argv[optind]);
		if (!path)
			die("out of memory");
		write_rejects(&r.rejects, path);
		fprintf(stderr, kt_ngettext("kontora: %zu rejected row written to %s\n",
		                            "kontora: %zu rejected rows written to %s\n", r.rejects.nrows),
		        r.rejects.nrows, path);
		free(path);
	}
	run_free(&r);
	return bad ? 1 : 0;
}

/* ---------------------------------------------------------------- spool */

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Returns the names of the files in dir/new, sorted (oldest first, as the
 * names begin with the time); *n their number.  The caller frees them. */
static char **spool_files(const char *dir, size_t *n)
{
	char path[4096];
	char **names = NULL;
	struct dirent *e;
	DIR *d;

	*n = 0;
	snprintf(path, sizeof path, "%s/new", dir);
	if (!(d = opendir(path)))
		return NULL;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char **v = realloc(names, (*n + 1) * sizeof *v);
		if (!v || !(v[*n] = strdup(e->d_name)))
			die("out of memory");
		names = v;
		(*n)++;
	}
	closedir(d);
	if (*n)
		qsort(names, *n, sizeof *names, name_cmp);
	return names;
}

/* Returns a copy of the value of header name in a spool file's header
 * lines (hdr, hlen bytes), or NULL. */
static char *spool_header(const char *hdr, size_t hlen, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = hdr; p < hdr + hlen;) {
		const char *nl = memchr(p, '\n', (size_t)(hdr + hlen - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(hdr + hlen - p);
		if (len > n + 1 && !strncmp(p, name, n) && p[n] == ':' && p[n + 1] == ' ')
			return strndup(p + n + 2, len - n - 2);
		p += len + 1;
	}
	return NULL;
}

/* Returns a copy of parameter name of a query string or a Content-Type
 * ("text/plain; charset=windows-1251"), or NULL. */
static char *param(const char *s, const char *name, const char *seps)
{
	size_t n = strlen(name);

	for (const char *p = s; p && *p;) {
		p += strspn(p, " ");
		if (!strncasecmp(p, name, n) && p[n] == '=')
			return strndup(p + n + 1, strcspn(p + n + 1, seps));
		p = strpbrk(p, seps);
		if (p)
			p++;
	}
	return NULL;
}

/* Reads a spool file into an input: its request line variables, then the
 * body as a form or JSON by its Content-Type, in its charset. */
static void read_spool_file(struct run *r, const char *dir, const char *name)
{
	char path[4096], label[512];
	size_t len = 0;

	snprintf(path, sizeof path, "%s/new/%s", dir, name);
	snprintf(label, sizeof label, "new/%s", name);
	char *data = read_all(path, &len);
	char *sep = data ? strstr(data, "\n\n") : NULL;
	size_t hlen = sep ? (size_t)(sep - data) : 0;
	char *query = sep ? spool_header(data, hlen, "QUERY_STRING") : NULL;
	char *type = sep ? spool_header(data, hlen, "CONTENT_TYPE") : NULL;
	char *received = sep ? spool_header(data, hlen, "RECEIVED") : NULL;
	char *source = query ? param(query, "source", "&") : NULL;
	char *charset = type ? param(type, "charset", ";") : NULL;
	struct input *in = new_input(r, label, source && *source ? source : "web");

	if (!(in->spool_name = strdup(name)))
		die("out of memory");
	if (!sep) {
		if (!(in->why = malloc(strlen(label) + 200)))
			die("out of memory");
		sprintf(in->why, "%s: %s", label, data ? "no empty line after the request's headers" : strerror(errno));
	} else if (type && strstr(type, "multipart/")) {
		if (!(in->why = malloc(strlen(label) + 200)))
			die("out of memory");
		sprintf(in->why, "%s: multipart/form-data is not read; set the form service to send "
		        "urlencoded or JSON", label);
	} else {
		const char *enc = charset && (!strcasecmp(charset, "windows-1251") || !strcasecmp(charset, "cp1251"))
		                  ? "cp1251" : charset && !strcasecmp(charset, "utf-8") ? "utf-8" : "auto";
		enum kt_intake_format fmt = type && strstr(type, "json") ? KT_INTAKE_JSON : KT_INTAKE_FORM;
		parse_input(in, sep + 2, len - hlen - 2, fmt, enc);
		/* When the form gives no time, the time it came tells two
		 * identical posts apart, and the same file read twice not. */
		for (size_t i = 0; in->in && received && i < in->in->n; i++) {
			struct kt_intake_row *row = &in->in->rows[i];
			char **names = realloc(row->names, (row->n + 1) * sizeof *names);
			char **values = names ? realloc(row->values, (row->n + 1) * sizeof *values) : NULL;
			if (names)
				row->names = names;
			if (!values || !(names[row->n] = strdup("received")))
				die("out of memory");
			row->values = values;
			if (!(values[row->n] = strdup(received)))
				die("out of memory");
			row->n++;
		}
	}
	free(data);
	free(query);
	free(type);
	free(received);
	free(source);
	free(charset);
}

/* Moves a spool file from new/ to cur/ (imported) or to rejected/ with a
 * .why holding the reasons.  Warns when it cannot. */
static void file_away(const char *dir, const struct input *in)
{
	int rejected = !in->in || !in->taken;
	char from[4096], to[4096];

	snprintf(from, sizeof from, "%s/new/%s", dir, in->spool_name);
	snprintf(to, sizeof to, "%s/%s", dir, rejected ? "rejected" : "cur");
	if (mkdir(to, 0770) && errno != EEXIST)
		warn("%s: %s", to, strerror(errno));
	snprintf(to, sizeof to, "%s/%s/%s", dir, rejected ? "rejected" : "cur", in->spool_name);
	if (rejected) {
		char why[4200];
		snprintf(why, sizeof why, "%s.why", to);
		FILE *f = fopen(why, "w");
		if (!f || fprintf(f, "%s", in->why ? in->why : in->reasons.data ? in->reasons.data : "") < 0 ||
		    (in->why && fputc('\n', f) == EOF) || fclose(f))
			warn("%s: %s", why, strerror(errno));
	}
	if (rename(from, to))
		warn("%s: %s", from, strerror(errno));
}

/* kontora import spool. */
static int import_spool(int argc, char **argv, struct kt_books *b)
{
	struct run r = { 0 };
	struct kt_error err = { 0 };
	struct kt_import *im;
	char *configured = NULL, lock[4200];
	int dry_run;

	stderr_in_blocks();
	dry_run = dry_run_option(argc, argv, import_usage);
	if (optind != argc)
		usage(import_usage, 0);
	kt_config_get(b, "webhook.spool", &configured, &err);
	char *dir = kt_spool_path(kt_books_root(b), configured);
	free(configured);
	if (!dir)
		die("out of memory");
	/* Two crons may overlap: the second has nothing to do. */
	snprintf(lock, sizeof lock, "%s/lock", dir);
	int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0660);
	/* Nothing kept, nothing said: cron runs this every minute and mails
	 * whatever it prints (kontora-import(1)). */
	if (fd < 0 && errno == ENOENT) {
		free(dir);
		return 0;
	}
	if (fd < 0)
		die("%s: %s", lock, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		fprintf(stderr, _("kontora: another import spool is running; this one leaves the spool to it\n"));
		close(fd);
		free(dir);
		return 0;
	}
	size_t n;
	char **names = spool_files(dir, &n);
	if (!n) {
		close(fd);
		free(names);
		free(dir);
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		read_spool_file(&r, dir, names[i]);
	if (kt_import_begin(b, "import spool", &im, &err))
		die_err(&err);
	take_rows(&r, b, im);
	size_t bad = finish(&r, im, dry_run);
	kt_import_free(im);
	for (size_t i = 0; i < r.n && !dry_run; i++)
		file_away(dir, &r.inputs[i]);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	run_free(&r);
	close(fd);
	free(dir);
	return bad ? 1 : 0;
}

/* Frees the n statements of st (NULL ones too) and st. */
static void statements_free(struct kt_bank_statement **st, size_t n)
{
	for (size_t i = 0; i < n; i++)
		kt_bank_free(st[i]);
	free(st);
}

/* kontora import bank: payments from 1CClientBankExchange statements,
 * matched to invoices, in one commit; every file is read before anything
 * is written, so a bad one leaves the books as they were. */
static int import_bank(int argc, char **argv, struct kt_books *b)
{
	struct kt_error err = { 0 };
	int dry_run;

	dry_run = dry_run_option(argc, argv, import_usage);
	if (optind == argc)
		usage_error(import_usage, "import bank: no statement given");
	size_t n = (size_t)(argc - optind);
	struct kt_bank_statement **st = calloc(n, sizeof *st);
	if (!st)
		die("out of memory");
	for (size_t i = 0; i < n; i++) {
		size_t len;
		char *data = read_all(argv[optind + i], &len);
		if (!data) {
			int e = errno;
			statements_free(st, n);
			die("%s: %s", argv[optind + i], strerror(e));
		}
		int rc = kt_bank_parse(data, len, argv[optind + i], &st[i], &err);
		free(data);
		if (rc) {
			statements_free(st, n);
			die_err(&err);
		}
	}
	struct kt_change *ch = NULL;
	struct kt_bank_summary sum;
	if (kt_change_begin(b, "import bank", &ch, &err) || kt_bank_import(ch, b, st, n, &sum, &err)) {
		kt_change_free(ch);
		statements_free(st, n);
		die_err(&err);
	}
	char subject[256];
	snprintf(subject, sizeof subject, "import bank: %zu payments (%zu in, %zu out), "
	         "%zu already known, %zu matched, %zu unmatched", sum.payments, sum.in, sum.out,
	         sum.duplicates, sum.matched, sum.unmatched);
	if (sum.payments)
		change_finish(ch, dry_run, subject, NULL);
	else
		kt_change_free(ch);
	fprintf(stderr, sum.payments ? _("kontora: import bank: %zu payments (%zu in, %zu out), "
	                                 "%zu already known, %zu matched, %zu unmatched\n")
	                             : _("kontora: import bank: %zu payments (%zu in, %zu out), "
	                                 "%zu already known, %zu matched, %zu unmatched: nothing "
	                                 "to commit\n"),
	        sum.payments, sum.in, sum.out, sum.duplicates, sum.matched, sum.unmatched);
	statements_free(st, n);
	return 0;
}

/* ------------------------------------------------------------------ 1c */

/* Says what a 1C import leaves out, on stderr. */
static void on_onec_note(void *arg, const char *file, long line, const char *msg)
{
	warn("%s:%ld: %s", file, line, msg);
}

/* kontora import 1c: the files read into one change, ended (committed,
 * or shown on a dry run) only when something changed. */
static int import_1c(int argc, char **argv, struct kt_books *b)
{
	enum { OPT_DRY = 1000, OPT_PRICE };
	static const struct option opts[] = {
		{ "price-type", required_argument, NULL, OPT_PRICE },
		{ "dry-run", no_argument, NULL, OPT_DRY },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct kt_onec_summary sum = { 0 };
	struct kt_error err = { 0 };
	const char *price_type = NULL;
	struct kt_change *ch;
	struct kt_onec *o = NULL;
	char subject[300];
	int dry_run = 0, c;

	stderr_in_blocks();
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			usage(import_usage, 1);
		else if (c == OPT_DRY)
			dry_run = 1;
		else if (c == OPT_PRICE)
			price_type = optarg;
		else
			option_error(argv, import_usage);
	}
	if (optind == argc)
		usage(import_usage, 0);
	if (kt_change_begin(b, "import 1c", &ch, &err))
		die_err(&err);
	if (kt_onec_begin(ch, b, price_type, on_onec_note, NULL, &o, &err) ||
	    kt_onec_read(o, argv + optind, (size_t)(argc - optind), &err) ||
	    kt_onec_finish(o, &sum, &err)) {
		kt_onec_free(o);
		kt_change_free(ch);
		die_err(&err);
	}
	kt_onec_free(o);
	snprintf(subject, sizeof subject, "import 1c: products %zu new, %zu updated, %zu inactive; "
	         "clients %zu new, %zu updated; %zu offers, %zu without a product",
	         sum.products_added, sum.products_updated, sum.products_inactive,
	         sum.clients_added, sum.clients_updated, sum.offers_applied, sum.offers_orphan);
	if (sum.products_added || sum.products_updated || sum.products_inactive ||
	    sum.clients_added || sum.clients_updated)
		change_finish(ch, dry_run, subject, NULL);
	else
		kt_change_free(ch);
	fprintf(stderr, _("kontora: %sproducts: %zu new, %zu updated, %zu unchanged, %zu made inactive; "
	                  "clients: %zu new, %zu updated, %zu unchanged; offers: %zu applied, %zu without a product\n"),
	        dry_run ? _("would import: ") : "", sum.products_added, sum.products_updated,
	        sum.products_unchanged, sum.products_inactive, sum.clients_added, sum.clients_updated,
	        sum.clients_unchanged, sum.offers_applied, sum.offers_orphan);
	return 0;
}

int cmd_import(int argc, char **argv, struct kt_ctx *ctx)
{
	if (argc < 2)
		usage(import_usage, 0);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		usage(import_usage, 1);
	if (!strcmp(argv[1], "leads"))
		return import_leads(argc - 1, argv + 1, ctx->books);
	if (!strcmp(argv[1], "spool"))
		return import_spool(argc - 1, argv + 1, ctx->books);
	if (!strcmp(argv[1], "bank"))
		return import_bank(argc - 1, argv + 1, ctx->books);
	if (!strcmp(argv[1], "1c"))
		return import_1c(argc - 1, argv + 1, ctx->books);
	usage_error(import_usage, "import %s: not leads, spool, bank or 1c", argv[1]);
}
