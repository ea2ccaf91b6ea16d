/*
 * agenda.c - kontora agenda [--week] [--to LOGIN] [--ics FILE]: a person's
 * open tasks by day, overdue ones first; or an iCalendar file of them for
 * a calendar application.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"

static const char agenda_usage[] = N_(
	"usage: kontora agenda [--week] [--to LOGIN] [--ics FILE]\n");

struct task {
	char *id, *due, *text, *on;
};

struct tasks {
	size_t n;
	struct task *v;
};

/* A kt_row_fn keeping id, due, text and on of each task. */
static int keep_task(void *arg, size_t ncols, const struct kt_column *cols,
                     char *const *values)
{
	struct tasks *t = arg;
	struct task k = { 0 };

	if (!values)
		return 0;
	for (size_t i = 0; i < ncols; i++) {
		char **slot = !strcmp(cols[i].name, "id") ? &k.id : !strcmp(cols[i].name, "due") ? &k.due
		            : !strcmp(cols[i].name, "text") ? &k.text : !strcmp(cols[i].name, "on") ? &k.on
		            : NULL;
		if (slot && !(*slot = strdup(values[i])))
			die("out of memory");
	}
	struct task *v = realloc(t->v, (t->n + 1) * sizeof *v);
	if (!v)
		die("out of memory");
	t->v = v;
	t->v[t->n++] = k;
	return 0;
}

static int by_due(const void *a, const void *b)
{
	const struct task *x = a, *y = b;
	int c = strcmp(x->due ? x->due : "", y->due ? y->due : "");
	return c ? c : strcmp(x->id, y->id);
}

/* Parses YYYY-MM-DD into tm (at noon, UTC). */
static void date_tm(const char *date, struct tm *tm)
{
	memset(tm, 0, sizeof *tm);
	tm->tm_year = atoi(date) - 1900;
	tm->tm_mon = atoi(date + 5) - 1;
	tm->tm_mday = atoi(date + 8);
	tm->tm_hour = 12;
}

/* Writes the date days after date (YYYY-MM-DD) into out. */
static void date_add(const char *date, int days, char out[11])
{
	struct tm tm;

	date_tm(date, &tm);
	tm.tm_mday += days;
	time_t t = timegm(&tm);
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* Returns the Russian name of the weekday of date. */
static const char *weekday(const char *date)
{
	static const char *const names[] = {
		"воскресенье", "понедельник", "вторник", "среда", "четверг", "пятница", "суббота",
	};
	struct tm tm;

	date_tm(date, &tm);
	time_t t = timegm(&tm);
	gmtime_r(&t, &tm);
	return names[tm.tm_wday];
}

/* Prints one task line: id, text, and the record it is on. */
static void print_task(struct kt_books *b, const struct task *t)
{
	struct kt_buf on = { 0 };

	printf("  %s  %s", t->id, t->text ? t->text : "");
	if (t->on && *t->on)
		printf(" — %s", record_named(b, t->on, &on) ? on.data : t->on);
	putchar('\n');
	kt_buf_free(&on);
}

/* Writes the tasks as an iCalendar file to path ("-": standard output). */
static void write_ics(struct kt_books *b, const struct tasks *t, const char *path)
{
	struct kt_buf ics = { 0 };
	char uid[64];

	if (kt_ics_begin(&ics))
		die("out of memory");
	for (size_t i = 0; i < t->n; i++) {
		snprintf(uid, sizeof uid, "%s@kontora", t->v[i].id);
		int rc = kt_ics_event(&ics, uid, t->v[i].due, t->v[i].text ? t->v[i].text : "",
		                      kt_books_now(b));
		if (rc == KT_ENOMEM)
			die("out of memory");
	}
	if (kt_ics_end(&ics))
		die("out of memory");
	FILE *f = strcmp(path, "-") ? fopen(path, "wb") : stdout;
	if (!f)
		die("%s: %s", path, strerror(errno));
	fwrite(ics.data, 1, ics.len, f);
	if (f != stdout) {
		int bad = fflush(f) || ferror(f), e = errno;
		if (fclose(f) || bad)
			die("%s: %s", path, bad && !e ? "write error" : strerror(bad ? e : errno));
	}
	kt_buf_free(&ics);
}

int cmd_agenda(int argc, char **argv, struct kt_ctx *ctx)
{
	enum { OPT_WEEK = 1000, OPT_TO, OPT_ICS };
	static const struct option opts[] = {
		{ "week", no_argument, NULL, OPT_WEEK },
		{ "to", required_argument, NULL, OPT_TO },
		{ "ics", required_argument, NULL, OPT_ICS },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct kt_books *b = ctx->books;
	struct kt_error err = { 0 };
	const char *login = NULL, *ics = NULL;
	int week = 0, c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			usage(agenda_usage, 1);
		else if (c == OPT_WEEK)
			week = 1;
		else if (c == OPT_TO)
			login = optarg;
		else if (c == OPT_ICS)
			ics = optarg;
		else
			option_error(argv, agenda_usage);
	}
	if (optind != argc)
		usage(agenda_usage, 0);
	if (ics && !*ics) {
		fputs("kontora: error: --ics: the file name is empty\n", stderr);
		usage(agenda_usage, 0);
	}
	const struct kt_schema *s = kt_books_type(b, "task");
	if (!s)
		die("these books have no record type task (schemas/task.schema)");
	if (!s->owner || !kt_schema_field(s, "due") || !kt_schema_field(s, "done"))
		die("%s: a task needs an owner field, due and done", s->file);
	if (!login) {
		const struct kt_identity *who;
		if (kt_books_whoami(b, &who, &err))
			die_err(&err);
		login = who->login;
	}

	char today[11], last[11];
	today_date(b, today);
	date_add(today, week ? 6 : 0, last);

	struct kt_buf where = { 0 };
	if (kt_buf_addf(&where, "%s=%s and done!=true and due<=%s", s->owner, login, last))
		die("out of memory");
	struct kt_query q = { .schema = s, .where = where.data, .sort = "due", .all_columns = 1 };
	struct tasks t = { 0 };
	if (kt_list(b, &q, keep_task, &t, &err))
		die("agenda: %s", err.msg);
	kt_buf_free(&where);
	if (t.n)
		qsort(t.v, t.n, sizeof *t.v, by_due);

	if (ics) {
		write_ics(b, &t, ics);
	} else {
		const char *day = NULL;
		for (size_t i = 0; i < t.n; i++) {
			int late = strcmp(t.v[i].due, today) < 0;
			if (late && i == 0)
				puts("Просрочено");
			else if (!late && (!day || strcmp(day, t.v[i].due))) {
				printf("%s%s, %s\n", i ? "\n" : "", t.v[i].due, weekday(t.v[i].due));
				day = t.v[i].due;
			}
			print_task(b, &t.v[i]);
		}
	}
	for (size_t i = 0; i < t.n; i++) {
		free(t.v[i].id);
		free(t.v[i].due);
		free(t.v[i].text);
		free(t.v[i].on);
	}
	free(t.v);
	return 0;
}
