/*
 * search.c - kontora search TEXT: find records by any of their words.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

static const char search_usage[] = N_(
	"usage: kontora search [--limit N] [-f table|tsv|csv|json|xlsx] [-o FILE] TEXT...\n");

/* Returns 1 if the folded text f has, at byte at, the beginning of a
 * word that one of the folded words of query (each a prefix) starts;
 * *len is then the length of that query word. */
static int word_at(const char *f, size_t at, char *const *query, size_t nquery, size_t *len)
{
	/* A word starts where the full text starts one: after a character
	 * that is no letter or digit (« » and NBSP too), or at the start. */
	if (kt_word_before(f, at))
		return 0;
	for (size_t i = 0; i < nquery; i++)
		if (!strncmp(f + at, query[i], strlen(query[i]))) {
			*len = strlen(query[i]);
			return 1;
		}
	return 0;
}

/* Appends to out a piece of text around the first word query matches, at
 * most about 60 characters, with the words matched in bold.  Returns 1
 * when one matched, else 0 (out unchanged).  The text is folded to match
 * (case, ё): where folding changed its length, the folded text is shown. */
static int snippet(const char *text, char *const *query, size_t nquery, struct kt_buf *out)
{
	char *f = kt_fold(text);
	size_t len, first = 0;
	int found = 0;

	if (!f)
		die("out of memory");
	const char *shown = strlen(f) == strlen(text) ? text : f;
	for (size_t at = 0; f[at] && !found; at++)
		if (word_at(f, at, query, nquery, &len))
			found = 1, first = at;
	if (found) {
		/* Start about 20 characters before the word, at a character. */
		size_t from = first > 40 ? first - 40 : 0, to = from, chars = 0;
		while (from && ((unsigned char)shown[from] & 0xC0) == 0x80)
			from++;
		if (kt_buf_adds(out, from ? "…" : ""))
			die("out of memory");
		for (to = from; shown[to] && chars < 80; chars++) {
			if (word_at(f, to, query, nquery, &len)) {
				if (kt_buf_addf(out, "\033[1m%.*s\033[0m", (int)len, shown + to))
					die("out of memory");
				to += len;
				continue;
			}
			size_t n = 1;
			while (((unsigned char)shown[to + n] & 0xC0) == 0x80)
				n++;
			if (kt_buf_add(out, strchr("\n\t\r", shown[to]) ? " " : shown + to,
			               strchr("\n\t\r", shown[to]) ? 1 : n))
				die("out of memory");
			to += n;
		}
		if (shown[to] && kt_buf_adds(out, "…"))
			die("out of memory");
	}
	free(f);
	return found;
}

/* Prints the hits of a search for people: the type's label, the id, the
 * title, the record a note, task or activity is on (its title and id),
 * and a piece of the text that matched with the words in bold.  Each
 * hit's fields come from the index, as the hit did: reading its shard
 * would hash and scan a lead file of a megabyte at ten million leads. */
static void people_hits(struct kt_books *b, const char *text, long limit)
{
	static const struct kt_column cols[] = {
		{ "type", KT_TEXT, "Тип" }, { "id", KT_TEXT, "Код" }, { "title", KT_TEXT, "Название" },
		{ "on", KT_TEXT, "К записи" }, { "snippet", KT_TEXT, "Найдено" },
	};
	struct rows hits = { 0 };
	struct kt_error err = { 0 };
	char *query[32], *folded = kt_fold(text);
	size_t nquery = 0;

	if (!folded)
		die("out of memory");
	for (char *w = strtok(folded, " \t,;()+-\"'*"); w && nquery < 32; w = strtok(NULL, " \t,;()+-\"'*"))
		query[nquery++] = w;
	if (kt_search(b, text, limit, rows_add, &hits, &err))
		die_err(&err);
	struct printer *p = printer_new(OUT_TABLE, stdout);
	printer_row(p, 5, cols, NULL);
	for (size_t i = 0; i < hits.n; i++) {
		const struct kt_schema *s = kt_books_type(b, cell(&hits, i, "type"));
		struct kt_buf on = { 0 }, snip = { 0 }, where = { 0 };
		struct rows rec = { 0 };
		if (s) {
			if (kt_buf_addf(&where, "id=%s", cell(&hits, i, "id")))
				die("out of memory");
			rows_query(b, s->name, where.data, NULL, 1, 1, &rec);
		}
		if (rec.n) {
			/* task.on, activity.on: the id of the record it is about. */
			record_named(b, cell(&rec, 0, "on"), &on);
			for (size_t k = 0; k < s->nfields && !snip.len; k++)
				if (s->fields[k].type == KT_TEXT)
					snippet(cell(&rec, 0, s->fields[k].name), query, nquery, &snip);
		}
		struct kt_buf title = { 0 };
		add_cut(&title, cell(&hits, i, "title"), 40);   /* a note's title is all of it */
		const char *values[] = { s && s->label ? s->label : cell(&hits, i, "type"), cell(&hits, i, "id"),
		                         title.data ? title.data : "", on.data ? on.data : "",
		                         snip.data ? snip.data : "" };
		printer_row(p, 5, cols, (char *const *)values);
		kt_buf_free(&title);
		kt_buf_free(&on);
		kt_buf_free(&snip);
		kt_buf_free(&where);
		rows_free(&rec);
	}
	printer_end(p);
	rows_free(&hits);
	free(folded);
}

int cmd_search(int argc, char **argv, struct kt_ctx *ctx)
{
	static const struct option opts[] = {
		{ "limit", required_argument, NULL, 'n' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct kt_error err = { 0 };
	struct kt_buf text = { 0 };
	enum out_format fmt = OUT_TABLE;
	const char *output = NULL;
	long limit = 50;
	int c;

	while ((c = getopt_long(argc, argv, "hf:n:o:", opts, NULL)) != -1) {
		if (c == 'h')
			usage(search_usage, 1);
		else if (c == 'f')
			fmt = out_format(optarg, search_usage);
		else if (c == 'o')
			output = optarg;
		else if (c == 'n')
			limit = limit_option(optarg, search_usage);
		else
			option_error(argv, search_usage);
	}
	if (optind == argc)
		usage(search_usage, 0);
	for (int i = optind; i < argc; i++)
		if ((text.len && kt_buf_addc(&text, ' ')) || kt_buf_adds(&text, argv[i]))
			die("out of memory");
	/* On a terminal, for people: what each hit is about, and where. */
	if (fmt == OUT_TABLE && !output && isatty(fileno(stdout))) {
		people_hits(ctx->books, text.data, limit);
		kt_buf_free(&text);
		return 0;
	}
	struct printer *p = printer_open(fmt, output, "search", search_usage);
	int rc = kt_search(ctx->books, text.data, limit, printer_row, p, &err);
	kt_buf_free(&text);
	if (rc) {
		printer_abort(p);
		die_err(&err);
	}
	printer_end(p);
	return 0;
}
