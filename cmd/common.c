/*
 * common.c - what every command shares: dying and warning, usage and
 * option errors, opening the books, the (name, value) pairs of options,
 * the end of a change, today's date.  Commands call it; it calls no
 * command.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"

/* The books need_books() opened, closed at exit. */
static struct kt_books *books_open;

/* Prints "kontora: KIND: message" on stderr, after what stdout holds. */
__attribute__((format(printf, 2, 0)))
static void say(const char *kind, const char *fmt, va_list ap)
{
	progress_done();
	fflush(stdout);
	fprintf(stderr, "kontora: %s: ", _(kind));
	vfprintf(stderr, _(fmt), ap);
	fputc('\n', stderr);
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(N_("error"), fmt, ap);
	va_end(ap);
	/* stderr may be buffered (kontora import): the error goes out now,
	 * not at exit, where a handler that ends the process (a sanitizer's
	 * leak report) would lose it. */
	fflush(stderr);
	exit(1);
}

void die_err(const struct kt_error *err)
{
	die("%s", err->msg[0] ? err->msg : "failed");
}

void warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(N_("warning"), fmt, ap);
	va_end(ap);
}

/* See cmd.h. */
void say_sent(const char *what, char *const *to, size_t nto)
{
	struct kt_buf list = { 0 };

	/* cron mails whatever a job prints: a report mailed every morning
	 * would bring a second mail saying so. */
	if (!isatty(2))
		return;
	for (size_t i = 0; i < nto; i++)
		if ((i && kt_buf_adds(&list, ", ")) || kt_buf_adds(&list, to[i]))
			die("out of memory");
	fprintf(stderr, _("kontora: %s sent to %s\n"), what, list.data ? list.data : "");
	kt_buf_free(&list);
}

/* See cmd.h. */
int record_named(struct kt_books *b, const char *id, struct kt_buf *out)
{
	const struct kt_schema *s = *id ? kt_books_type_by_prefix(b, id[0]) : NULL;
	struct kt_buf shown = { 0 };

	if (!s)
		return 0;
	struct kt_field ref = { .name = "on", .type = KT_REF, .arg = s->name };
	if (kt_buf_addf(out, "%s %s", s->label ? s->label : s->name,
	                kt_value_label(b, NULL, &ref, id, KT_REF_WITH_ID, &shown)))
		die("out of memory");
	kt_buf_free(&shown);
	return 1;
}

void usage(const char *text, int asked)
{
	fputs(_(text), asked ? stdout : stderr);
	exit(asked ? 0 : 2);
}

/* The words of the command line after kontora's own options (main()). */
static int words_n;
static char **words;

void usage_words(int argc, char **argv)
{
	words_n = argc;
	words = argv;
}

/* Returns 1 if the usage word w stands for the typed word a: the same, a
 * placeholder in capitals (TYPE, ID), or alternatives (calc|sample). */
static int word_fits(const char *w, size_t wlen, const char *a, int *literal)
{
	size_t alen = strlen(a);

	*literal = 1;
	for (const char *p = w; p < w + wlen;) {
		const char *bar = memchr(p, '|', (size_t)(w + wlen - p));
		size_t n = bar ? (size_t)(bar - p) : (size_t)(w + wlen - p);
		if (n == alen && !memcmp(p, a, n))
			return 1;
		p += n + 1;
	}
	*literal = 0;
	for (size_t i = 0; i < wlen; i++)
		if ((w[i] < 'A' || w[i] > 'Z') && w[i] != '|')
			return 0;
	return wlen > 0;
}

/* Scores the usage entry e (its words after "kontora") against the words
 * typed: 2 for each word that is the same, 1 for a placeholder, up to the
 * first that does not fit or an option.  *n is the number that fit. */
static int entry_score(const char *e, int *n)
{
	int score = 0, literal;

	*n = 0;
	for (int i = 0; i < words_n; i++) {
		e += strspn(e, " ");
		size_t len = strcspn(e, " ");
		if (!len || *e == '-' || *e == '[' || *e == '(' || !word_fits(e, len, words[i], &literal))
			break;
		score += literal ? 2 : 1;
		++*n;
		e += len;
	}
	return score;
}

/* Appends the entry e (up to the next entry) to b as one line, the words
 * typed for TYPE and alternatives (calc|sample) among the first n. */
static void add_entry(struct kt_buf *b, const char *e, int n)
{
	int i = 0, literal;

	while (*e) {
		size_t len = strcspn(e, " \n");
		if (len) {
			const char *w = e;
			int typed = i < n && (!strncmp(w, "TYPE", len) || memchr(w, '|', len)) &&
			            word_fits(w, len, words[i], &literal);
			if (kt_buf_addf(b, "%s%.*s", b->len ? " " : "", typed ? (int)strlen(words[i]) : (int)len,
			                typed ? words[i] : w))
				die("out of memory");
			i++;
		}
		e += len;
		/* The entry goes on over indented lines up to the next entry. */
		if (*e == '\n' && (e[1] != ' ' || !strncmp(e + 1 + strspn(e + 1, " "), "kontora ", 8)))
			break;
		e += !!*e;
	}
}

/* Prints the entry of usage_text that fits the words typed, as one line;
 * the whole text when no entry fits past the command's name. */
static void usage_line(const char *usage_text)
{
	const char *best = NULL, *head = _("usage: ");
	int best_score = 0, best_n = 0, n;

	usage_text = _(usage_text);
	for (const char *p = strstr(usage_text, "kontora "); p; p = strstr(p + 1, "kontora ")) {
		/* An entry starts a line: "usage: kontora" or "   kontora". */
		const char *bol = p;
		while (bol > usage_text && bol[-1] != '\n')
			bol--;
		if (strspn(bol, " ") != (size_t)(p - bol) &&
		    ((size_t)(p - bol) != strlen(head) || strncmp(bol, head, strlen(head))))
			continue;
		int score = entry_score(p + 8, &n);
		if (score > best_score)
			best = p + 8, best_score = score, best_n = n;
	}
	if (!best || best_n < (words_n < 2 ? words_n : 2)) {
		fputs(usage_text, stderr);
		return;
	}
	struct kt_buf b = { 0 };
	add_entry(&b, best, best_n);
	fprintf(stderr, "%skontora %s\n", head, b.data);
	kt_buf_free(&b);
}

void usage_error(const char *usage_text, const char *fmt, ...)
{
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		say(N_("error"), fmt, ap);
		va_end(ap);
	}
	usage_line(usage_text);
	exit(2);
}

/* Returns how many one-byte slips (a byte typed extra, missed, wrong, or
 * two swapped) turn a into b, or 3 for three or more. */
static int slips_apart(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	int d[33][33];

	if (n > 32 || m > 32 || (n > m ? n - m : m - n) > 2)
		return 3;
	for (size_t i = 0; i <= n; i++)
		for (size_t j = 0; j <= m; j++) {
			if (!i || !j) {
				d[i][j] = (int)(i + j);
				continue;
			}
			int best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[n][m] < 3 ? d[n][m] : 3;
}

/* See cmd.h. */
void guess_start(struct guess *g, const char *word)
{
	g->word = word;
	g->best = NULL;
	g->slips = 3;
}

/* See cmd.h. */
void guess_try(struct guess *g, const char *candidate)
{
	int slips = slips_apart(g->word, candidate);

	if (slips < g->slips) {
		g->best = candidate;
		g->slips = slips;
	}
}

/* Prints "kontora: error: ..." without exiting. */
static void error_line(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(N_("error"), fmt, ap);
	va_end(ap);
}

/* See cmd.h.  The whole usage: it lists the subcommands there are. */
void no_such_subcommand(const char *usage_text, const char *what, const char *word,
                        const char *const *candidates)
{
	struct guess g;

	guess_start(&g, word);
	while (*candidates)
		guess_try(&g, *candidates++);
	if (g.best)
		error_line(N_("%s %s: no such subcommand; did you mean '%s'?"), what, word, g.best);
	else
		error_line(N_("%s %s: no such subcommand"), what, word);
	usage(usage_text, 0);
}

/* Returns the argument of argv holding the short option byte c after its
 * dash, or NULL: getopt reads "-ёлка" as the bytes of ё one by one. */
static const char *word_of(char **argv, int c)
{
	for (int i = 1; argv[i]; i++)
		if (argv[i][0] == '-' && argv[i][1] != '-' && strchr(argv[i] + 1, (char)c))
			return argv[i];
	return NULL;
}

void option_error(char **argv, const char *usage_text)
{
	const char *arg = optind > 0 && argv[optind - 1] ? argv[optind - 1] : "";
	const char *word = optopt ? word_of(argv, optopt) : NULL;

	/* getopt leaves optind past a missing value: name the option itself. */
	if (optopt > ' ' && optopt < 127 && optopt != '?')
		usage_error(usage_text, "-%c: unknown option, or a missing or bad value", optopt);
	/* A byte of a UTF-8 character: the word typed, whole. */
	if (optopt && word)
		usage_error(usage_text, "%s: unknown option, or a missing or bad value", word);
	usage_error(usage_text, "%s: unknown option, or a missing or bad value", arg);
}

/* See cmd.h. */
long limit_option(const char *value, const char *usage_text)
{
	char *end;
	long n = -1;

	/* Digits only: strtol() would take " 5", "+5" and "-0" too. */
	errno = 0;
	if (*value >= '0' && *value <= '9')
		n = strtol(value, &end, 10);
	if (n < 0 || *end || errno)
		usage_error(usage_text, "--limit %s: not a number of rows (0: all of them)", value);
	return n;
}

/* See cmd.h. */
int dry_run_option(int argc, char **argv, const char *usage_text)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int dry_run = 0, c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			usage(usage_text, 1);
		else if (c == 'n')
			dry_run = 1;
		else
			option_error(argv, usage_text);
	}
	return dry_run;
}

/* Closes the books at exit so that every command frees what it opened. */
static void close_books(void)
{
	kt_books_close(books_open);
	books_open = NULL;
}

/* The line progress() keeps rewriting: what it is about, since when,
 * when it was last drawn. */
static struct {
	char what[64];
	struct timespec start, drawn;
	int open;
} bar;

/* Returns the seconds from a to b. */
static double seconds(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

void progress_done(void)
{
	if (bar.open)
		fputc('\n', stderr);
	bar.open = 0;
}

void progress(const char *what, size_t done, size_t total)
{
	static int tty = -1;
	struct timespec now;

	/* Asked once: an import calls this for each of its rows. */
	if (tty < 0)
		tty = isatty(2);
	if (!tty)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (strncmp(bar.what, what, sizeof bar.what - 1)) {
		progress_done();
		snprintf(bar.what, sizeof bar.what, "%s", what);
		bar.start = now;
		bar.drawn = (struct timespec){ 0 };
	}
	/* At most ten times a second, and the last count. */
	if (done != total && bar.open && seconds(&bar.drawn, &now) < 0.1)
		return;
	double took = seconds(&bar.start, &now);
	fprintf(stderr, "\rkontora: %s %zu", _(what), done);
	if (total)
		fprintf(stderr, "/%zu", total);
	if (took > 0)
		fprintf(stderr, _(", %.0f/s"), (double)done / took);
	fputs("\033[K", stderr);
	bar.open = 1;
	bar.drawn = now;
	if (done == total)
		progress_done();
}

/* progress() as the library calls it. */
static void show_progress(void *arg, const char *what, size_t done, size_t total)
{
	progress(what, done, total);
}

struct kt_books *need_books(struct kt_ctx *ctx)
{
	struct kt_error err = { 0 };
	char *root;

	if (ctx->books)
		return ctx->books;
	if (kt_books_find(ctx->books_dir ? ctx->books_dir : ".", &root, &err))
		die_err(&err);
	int rc = kt_books_open(root, &ctx->opt, &ctx->books, &err);
	free(root);
	if (rc)
		die_err(&err);
	books_open = ctx->books;
	atexit(close_books);
	/* kontora.conf's labels, for what is printed for people. */
	if (kt_books_labels(ctx->books, &err))
		warn("%s; labels are not applied", err.msg);
	if (isatty(2))
		kt_books_progress(ctx->books, show_progress, NULL);
	return ctx->books;
}

/* Returns the last value of name in p, or "".  See cmd.h. */
const char *pairs_get(const struct pairs *p, const char *name)
{
	const char *v = "";

	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->names[i], name))
			v = p->values[i];
	return v;
}

/* Appends (name, value) to p, dashes in name made underscores (--due-date
 * is the field due_date).  Dies when out of memory. */
void pairs_add(struct pairs *p, const char *name, size_t nlen, const char *value)
{
	char **names = realloc(p->names, (p->n + 1) * sizeof *names);
	char **values = names ? realloc(p->values, (p->n + 1) * sizeof *values) : NULL;

	if (!names || !values)
		die("out of memory");
	p->names = names;
	p->values = values;
	if (!(names[p->n] = strndup(name, nlen)) || !(values[p->n] = strdup(value)))
		die("out of memory");
	for (char *c = names[p->n]; *c; c++)
		if (*c == '-')
			*c = '_';
	p->n++;
}

/* Frees what p holds (not p). */
void pairs_free(struct pairs *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->names[i]);
		free(p->values[i]);
	}
	free(p->names);
	free(p->values);
}

/* Makes fo's getopt_long table: the n options of own, --set and the
 * fields of s (none when s is NULL), each under its name and with dashes
 * for underscores.  See cmd.h. */
void field_options(struct field_options *fo, const struct option *own, size_t n,
                   const struct kt_schema *s)
{
	size_t nfields = s ? s->nfields : 0;
	struct option *o;

	fo->nfields = nfields;
	fo->table = calloc(n + 2 + 2 * nfields, sizeof *fo->table);
	fo->dashed = calloc(nfields + 1, sizeof *fo->dashed);
	if (!fo->table || !fo->dashed)
		die("out of memory");
	memcpy(fo->table, own, n * sizeof *own);
	o = fo->table + n;
	*o++ = (struct option){ "set", required_argument, NULL, OPT_SET };
	for (size_t i = 0; i < nfields; i++) {
		if (!(fo->dashed[i] = strdup(s->fields[i].name)))
			die("out of memory");
		for (char *d = fo->dashed[i]; *d; d++)
			if (*d == '_')
				*d = '-';
		*o++ = (struct option){ s->fields[i].name, required_argument, NULL, OPT_FIELD + (int)i };
		*o++ = (struct option){ fo->dashed[i], required_argument, NULL, OPT_FIELD + (int)i };
	}
}

/* Takes option c of a field_options() table into p.  See cmd.h. */
int field_option(int c, const struct kt_schema *s, struct pairs *p)
{
	if (c == OPT_SET) {
		const char *eq = strchr(optarg, '=');
		if (!eq || eq == optarg) {
			fprintf(stderr, _("kontora: error: --set %s: not FIELD=VALUE\n"), optarg);
			return -1;
		}
		pairs_add(p, optarg, (size_t)(eq - optarg), eq + 1);
		return 1;
	}
	if (!s || c < OPT_FIELD || c - OPT_FIELD >= (int)s->nfields)
		return 0;
	pairs_add(p, s->fields[c - OPT_FIELD].name, strlen(s->fields[c - OPT_FIELD].name), optarg);
	return 1;
}

/* Frees what field_options() made (not fo). */
void field_options_free(struct field_options *fo)
{
	for (size_t i = 0; i < fo->nfields; i++)
		free(fo->dashed[i]);
	free(fo->dashed);
	free(fo->table);
}

/* Appends text to b as one line, cut to its first max characters
 * (trailing spaces dropped) and "…" when longer.  Control characters
 * become spaces.  Dies when out of memory. */
void add_cut(struct kt_buf *b, const char *text, size_t max)
{
	size_t chars = 0, start = b->len;
	const char *p = text;

	for (; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if ((ch & 0xC0) != 0x80 && chars++ == max)
			break;
		if (kt_buf_addc(b, ch < 0x20 || ch == 0x7F ? ' ' : (char)ch))
			die("out of memory");
	}
	if (!*p)
		return;
	while (b->len > start && b->data[b->len - 1] == ' ')
		b->data[--b->len] = '\0';
	if (kt_buf_adds(b, "…"))
		die("out of memory");
}

/* Ends change ch and frees it: on a dry run prints subject (when not
 * NULL) and what would change; else commits it with subject (NULL: the
 * library's), dying with the error when it fails, and warning "ID:
 * nothing to change" when it changed nothing and id is not NULL.  Returns
 * 1 when a commit was made, else 0. */
int change_finish(struct kt_change *ch, int dry_run, const char *subject, const char *id)
{
	struct kt_error err = { 0 };
	char oid[41] = "";

	if (dry_run) {
		struct kt_buf d = { 0 };
		if (kt_change_describe(ch, &d))
			die("out of memory");
		printf("%s%s%s", subject ? subject : "", subject ? "\n" : "", d.data ? d.data : "");
		kt_buf_free(&d);
	} else if (kt_change_commit(ch, subject, oid, &err)) {
		kt_change_free(ch);
		die_err(&err);
	} else if (!oid[0]) {
		if (id)
			warn("%s: nothing to change", id);
	} else if (kt_change_warning(ch)) {
		warn("the change is committed (%.10s); %s; the next kontora command finishes it",
		     oid, kt_change_warning(ch));
	}
	kt_change_free(ch);
	return oid[0] != '\0';
}

/* The local date of the books' clock.  See cmd.h. */
void today_date(struct kt_books *b, char day[11])
{
	time_t now = kt_books_now(b);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(day, 11, "%Y-%m-%d", &tm);
}

/* A file name of the current directory for a document.  See cmd.h. */
char *file_name(const char *prefix, const char *name, const char *ext)
{
	struct kt_buf out = { 0 };

	if (kt_buf_addf(&out, "%s-", prefix))
		die("out of memory");
	for (const unsigned char *s = (const unsigned char *)name; *s; s++) {
		int keep = *s >= 0x80 || (*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') ||
		           (*s >= 'A' && *s <= 'Z') || *s == '-' || *s == '_';
		if (kt_buf_addc(&out, keep ? (char)*s : '-'))
			die("out of memory");
	}
	if (kt_buf_adds(&out, ext))
		die("out of memory");
	return kt_buf_detach(&out);
}

/* Adds an activity to ch.  See cmd.h. */
const char *activity_add(struct kt_change *ch, struct kt_books *b, const char *on,
                         const char *kind, const char *text)
{
	const struct kt_schema *act = kt_books_type(b, "activity");
	const struct kt_identity *who = kt_books_identity(b);
	struct kt_error err = { 0 };
	const char *new_id;
	char at[21];

	if (!act) {
		kt_change_free(ch);
		die("these books have no record type activity (schemas/activity.schema)");
	}
	kt_datetime_format(kt_books_now(b), at);
	char *names[] = { "on", "kind", "text", "at", "author" };
	char *values[] = { (char *)on, (char *)kind, (char *)text, at,
	                   (char *)(who && who->login ? who->login : "") };
	size_t n = 3;
	/* at and author are filled when the books' activity schema has them. */
	for (size_t i = 3; i < 5; i++)
		if (kt_schema_field(act, names[i])) {
			names[n] = names[i];
			values[n++] = values[i];
		}
	if (kt_change_add(ch, act, names, values, n, &new_id, &err)) {
		kt_change_free(ch);
		die("%s: %s", kind, err.msg);
	}
	return new_id;
}
