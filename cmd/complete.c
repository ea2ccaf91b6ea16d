/*
 * complete.c - kontora __complete WORD...: what the shell's completion
 * (completion/kontora.bash, kontora.zsh) offers.  The words are those of
 * the command line after "kontora", the last the one being completed
 * ("" for a new word); the candidates that begin with it are printed one
 * a line: commands, record types, subcommands and transitions, options,
 * fields for --set, ids by prefix from the index, dictionary ids, enum
 * values, logins, and the states and transitions valid for a record.  It
 * never fails and never says anything on stderr: a completion that
 * cannot be made offers nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

/* The word being completed and what is offered. */
struct offer {
	struct kt_books *b;     /* NULL outside books */
	const char *cur;
	const char *prefix;     /* printed before each candidate ("stage=") */
};

/* Prints candidate c when it begins with what is typed. */
static void offer(const struct offer *o, const char *c)
{
	size_t plen = strlen(o->prefix);

	if (!strncmp(o->prefix, o->cur, plen) && !strncmp(c, o->cur + plen, strlen(o->cur + plen)))
		printf("%s%s\n", o->prefix, c);
}

/* A kt_row_fn offering the first column of each row. */
static int offer_row(void *arg, size_t ncols, const struct kt_column *cols, char *const *values)
{
	if (values && ncols)
		offer(arg, values[0]);
	return 0;
}

/* Offers the ids (or keys: an employee's login) of the records of s that
 * begin with what is typed: the newest 50 when nothing is. */
static void offer_ids(const struct offer *o, const struct kt_schema *s)
{
	const char *typed = o->cur + strlen(o->prefix), *key = s->key ? s->key : "id";
	struct kt_query q = { .schema = s, .all = 1, .limit = 50, .sort = "-created" };
	struct kt_error err = { 0 };
	struct rows r = { 0 };
	char where[128];

	if (!o->b)
		return;
	if (*typed && strlen(typed) < 40) {
		/* The ids from PREFIX to PREFIXzzz..., through the index. */
		snprintf(where, sizeof where, "%s>=%s and %s<=%s\x7f", key, typed, key, typed);
		q.where = where;
		q.sort = key;
		q.limit = 200;
	}
	q.all_columns = 1;
	if (kt_list(o->b, &q, rows_add, &r, &err))
		return;
	for (size_t i = 0; i < r.n; i++)
		offer(o, cell(&r, i, key));
	rows_free(&r);
}

/* Offers the values field f of type s takes: dictionary ids, enum values,
 * states, bools, logins and ids of the records it refers to, dates. */
static void offer_values(const struct offer *o, const struct kt_schema *s, const struct kt_field *f)
{
	const struct kt_flow *flow = o->b ? kt_books_flow(o->b, s->name) : NULL;
	struct kt_error err = { 0 };

	if (flow && !strcmp(flow->field, f->name)) {
		for (size_t i = 0; i < flow->nstates; i++)
			offer(o, flow->states[i]);
		return;
	}
	switch (f->type) {
	case KT_DICT:
		if (o->b)
			kt_dict_list(o->b, f->arg, offer_row, (void *)o, &err);
		break;
	case KT_ENUM: {
		char *copy = strdup(f->arg);
		for (char *v = copy ? strtok(copy, "|") : NULL; v; v = strtok(NULL, "|"))
			offer(o, v);
		free(copy);
		break;
	}
	case KT_BOOL:
		offer(o, "true");
		offer(o, "false");
		break;
	case KT_DATE:
	case KT_DATETIME:
		offer(o, "сегодня");
		offer(o, "завтра");
		offer(o, "today");
		offer(o, "tomorrow");
		break;
	case KT_REF:
		if (o->b && kt_books_type(o->b, f->arg))
			offer_ids(o, kt_books_type(o->b, f->arg));
		break;
	default:
		break;
	}
}

/* Returns the field of s that the option word (--due-date) names, or NULL. */
static const struct kt_field *option_field(const struct kt_schema *s, const char *word)
{
	char name[128];
	size_t i = 0;

	if (strncmp(word, "--", 2))
		return NULL;
	for (word += 2; *word && i + 1 < sizeof name; word++)
		name[i++] = *word == '-' ? '_' : *word;
	name[i] = '\0';
	return kt_schema_field(s, name);
}

/* Offers --FIELD for every field of s. */
static void offer_field_options(const struct offer *o, const struct kt_schema *s)
{
	char opt[160];

	for (size_t i = 0; i < s->nfields; i++) {
		size_t k = snprintf(opt, sizeof opt, "--%s", s->fields[i].name);
		for (size_t j = 2; j < k && j < sizeof opt; j++)
			if (opt[j] == '_')
				opt[j] = '-';
		offer(o, opt);
	}
}

/* Offers what follows "kontora TYPE": the commands every type has, what
 * some types add, and the transitions of its workflow. */
static void offer_subcommands(const struct offer *o, const struct kt_schema *s, int lab)
{
	static const char *const subs[] = { "add", "show", "edit", "list", "rm", "move" };
	const struct kt_flow *f = o->b ? kt_books_flow(o->b, s->name) : NULL;

	for (size_t i = 0; i < sizeof subs / sizeof *subs; i++)
		if (!lab || strcmp(subs[i], "add"))
			offer(o, subs[i]);
	if (lab)
		offer(o, "new");
	if (!strcmp(s->name, "lead"))
		offer(o, "processed");
	if (s->owner)
		offer(o, "assign");
	if (!strcmp(s->name, "task"))
		offer(o, "done");
	if (!strcmp(s->name, "employee"))
		offer(o, "deactivate");
	for (size_t i = 0; f && i < f->ntransitions; i++)
		offer(o, f->transitions[i].name);
}

/* Offers the ids of the records of s that transition t may move: those in
 * one of the states it leaves. */
static void offer_movable(const struct offer *o, const struct kt_schema *s,
                          const struct kt_flow *f, const struct kt_transition *t)
{
	struct kt_query q = { .schema = s, .all = 1, .all_columns = 1, .sort = "-created", .limit = 500 };
	struct kt_error err = { 0 };
	struct rows r = { 0 };

	if (kt_list(o->b, &q, rows_add, &r, &err))
		return;
	for (size_t i = 0; i < r.n; i++)
		for (size_t k = 0; k < t->nfrom; k++)
			if (!strcmp(cell(&r, i, f->field), t->from[k]))
				offer(o, cell(&r, i, "id"));
	rows_free(&r);
}

/* Offers the states record id of s may move to: where the transitions
 * from its state lead. */
static void offer_moves(const struct offer *o, const struct kt_schema *s, const char *typed)
{
	const struct kt_flow *f = kt_books_flow(o->b, s->name);
	const struct kt_schema *found;
	struct kt_error err = { 0 };
	struct kt_record *r;
	char *id;

	if (!f || kt_resolve_id(o->b, s->name, typed, &id, &found, &err))
		return;
	if (!kt_record_read(o->b, s, id, &r, &err)) {
		const char *state = kt_record_get(r, f->field);
		for (size_t i = 0; state && i < f->ntransitions; i++)
			for (size_t k = 0; k < f->transitions[i].nfrom; k++)
				if (!strcmp(f->transitions[i].from[k], state))
					offer(o, f->transitions[i].to);
		kt_record_free(r);
	}
	free(id);
}

/* Offers what follows "kontora TYPE SUB" (w[0] is SUB, n words before
 * the one completed). */
static void offer_record(struct offer *o, const struct kt_schema *s, char **w, int n)
{
	static const char *const list_opts[] = { "--where", "--sort", "--limit", "--format", "--output",
	                                          "--mine", "--all", "--overdue", "--today" };
	static const char *const formats[] = { "table", "tsv", "csv", "json", "xlsx", "text" };
	const struct kt_flow *f = o->b ? kt_books_flow(o->b, s->name) : NULL;
	const struct kt_transition *t = f ? kt_flow_transition(f, w[0]) : NULL;
	const char *prev = w[n - 1], *eq;
	const struct kt_field *pf = option_field(s, prev);
	int operands = 0;

	if (!strcmp(prev, "--set")) {
		/* --set FIELD=VALUE: the fields, then the values of the one named. */
		if (!(eq = strchr(o->cur, '='))) {
			char buf[160];
			for (size_t i = 0; i < s->nfields; i++) {
				snprintf(buf, sizeof buf, "%s=", s->fields[i].name);
				offer(o, buf);
			}
			return;
		}
		char field[128];
		snprintf(field, sizeof field, "%.*s", (int)(eq - o->cur), o->cur);
		char prefix[130];
		snprintf(prefix, sizeof prefix, "%s=", field);
		o->prefix = prefix;
		if (kt_schema_field(s, field))
			offer_values(o, s, kt_schema_field(s, field));
		o->prefix = "";
		return;
	}
	if (!strcmp(prev, "--to") || (!strcmp(w[0], "assign") && n == 2) ||
	    (!strcmp(w[0], "deactivate") && !strcmp(prev, "--to"))) {
		if (o->b && kt_books_type(o->b, "employee"))
			offer_ids(o, kt_books_type(o->b, "employee"));
		return;
	}
	if (!strcmp(prev, "-f") || !strcmp(prev, "--format")) {
		for (size_t i = 0; i < sizeof formats / sizeof *formats; i++)
			offer(o, formats[i]);
		return;
	}
	if (!strcmp(prev, "--sort") || !strcmp(prev, "--where")) {
		for (size_t i = 0; i < s->nfields; i++)
			offer(o, s->fields[i].name);
		return;
	}
	if (pf) {
		offer_values(o, s, pf);
		return;
	}
	if (*o->cur == '-') {
		if (!strcmp(w[0], "list")) {
			for (size_t i = 0; i < sizeof list_opts / sizeof *list_opts; i++)
				offer(o, list_opts[i]);
			return;
		}
		if (!strcmp(w[0], "show")) {
			offer(o, "--record");
			offer(o, "--format");
			return;
		}
		offer(o, "--set");
		offer(o, "--dry-run");
		if (!strcmp(w[0], "add"))
			offer(o, "--to");
		if (t || !strcmp(w[0], "move"))
			offer(o, "--reason");
		offer_field_options(o, s);
		return;
	}
	/* Operands: the words after SUB that are no option or its value. */
	for (int i = 1; i < n; i++) {
		const char *a = w[i];
		if (*a != '-') {
			operands++;
			continue;
		}
		if (!strcmp(a, "--set") || !strcmp(a, "--to") || !strcmp(a, "--reason") || !strcmp(a, "-f") ||
		    !strcmp(a, "--where") || !strcmp(a, "--sort") || !strcmp(a, "--limit") ||
		    !strcmp(a, "-o") || option_field(s, a))
			i++;
	}
	if (!o->b || !strcmp(w[0], "add") || !strcmp(w[0], "list"))
		return;
	if (operands == 0 && t)
		offer_movable(o, s, f, t);
	else if (operands == 0)
		offer_ids(o, s);
	else if (operands == 1 && !strcmp(w[0], "move")) {
		for (int i = 1; i < n; i++)
			if (*w[i] != '-') {
				offer_moves(o, s, w[i]);
				break;
			}
	}
}

/* See cmd.h. */
int cmd_complete(int argc, char **argv, struct kt_ctx *ctx)
{
	static const char *const lab_words[] = { "calc", "sample", "queue", "list" };
	struct kt_error err = { 0 };
	struct offer o = { .cur = argc > 1 ? argv[argc - 1] : "", .prefix = "" };
	char **w = argv + 1, *root;
	int n = argc - 2;   /* the words before the one completed */

	if (n >= 2 && !strcmp(w[0], "-C")) {
		ctx->books_dir = w[1];
		w += 2;
		n -= 2;
	}
	/* Outside books only the commands are known.  A completion says
	 * nothing on stderr, not even what the library would warn about (a
	 * stale lock removed): the next real command says it. */
	ctx->opt.warning = NULL;
	if (!kt_books_find(ctx->books_dir ? ctx->books_dir : ".", &root, &err)) {
		if (!kt_books_open(root, &ctx->opt, &ctx->books, &err))
			o.b = ctx->books;
		free(root);
	}
	if (n <= 0 || !strcmp(w[0], "help") || (!strcmp(w[0], "list") && n == 1)) {
		for (size_t i = 0; n <= 0 && ctx->commands[i]; i++)
			if (*ctx->commands[i] != '_')
				offer(&o, ctx->commands[i]);
		for (size_t i = 0; o.b && i < kt_books_ntypes(o.b); i++)
			offer(&o, kt_books_type_at(o.b, i)->name);
	} else if (!strcmp(w[0], "list") && o.b && kt_books_type(o.b, w[1])) {
		/* kontora list TYPE ... is kontora TYPE list ...: drop TYPE. */
		const struct kt_schema *s = kt_books_type(o.b, w[1]);
		w[1] = "list";
		offer_record(&o, s, w + 1, n - 1);
	} else if (!strcmp(w[0], "lab") && n == 1) {
		for (size_t i = 0; i < sizeof lab_words / sizeof *lab_words; i++)
			offer(&o, lab_words[i]);
	} else if (!strcmp(w[0], "lab") && o.b && (!strcmp(w[1], "calc") || !strcmp(w[1], "sample"))) {
		const struct kt_schema *s = kt_books_type(o.b, !strcmp(w[1], "calc") ? "calc_request"
		                                                                     : "sample_request");
		if (s && n == 2)
			offer_subcommands(&o, s, 1);
		else if (s)
			offer_record(&o, s, w + 2, n - 2);
	} else if (o.b && (!strcmp(w[0], "log") || !strcmp(w[0], "note") || !strcmp(w[0], "attach")) &&
	           n == 1 && *o.cur && kt_books_type_by_prefix(o.b, *o.cur)) {
		offer_ids(&o, kt_books_type_by_prefix(o.b, *o.cur));
	} else if (o.b && kt_books_type(o.b, w[0])) {
		const struct kt_schema *s = kt_books_type(o.b, w[0]);
		if (n == 1)
			offer_subcommands(&o, s, 0);
		else
			offer_record(&o, s, w + 1, n - 1);
	}
	fflush(stdout);
	kt_books_close(ctx->books);
	ctx->books = NULL;
	return 0;
}
