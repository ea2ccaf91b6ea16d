/*
 * util-flow.c - kontora TYPE move ID STATE and kontora TYPE TRANSITION ID:
 * moving a record along the workflow of its type (workflows/TYPE.flow,
 * see kontora-flow(5)).  The transitions are data, so every name of the
 * flow file is a subcommand.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

enum { OPT_REASON = 1000, OPT_DRY };

/* Appends the transitions of f to u, one a line: name, the states it
 * leaves, -> the state it enters.  Returns 0 or -1 when out of memory. */
static int add_transitions(struct kt_buf *u, const struct kt_flow *f)
{
	int rc = 0;

	for (size_t i = 0; !rc && i < f->ntransitions; i++) {
		const struct kt_transition *t = &f->transitions[i];
		rc = kt_buf_addf(u, "  %-12s", t->name);
		for (size_t k = 0; !rc && k < t->nfrom; k++)
			rc = kt_buf_addf(u, " %s", t->from[k]);
		if (!rc)
			rc = kt_buf_addf(u, " -> %s", t->to);
		if (!rc && t->reason)
			rc = kt_buf_addf(u, "  (--reason: %s)", t->reason);
		if (!rc)
			rc = kt_buf_adds(u, "\n");
	}
	return rc;
}

/* Returns the usage of the moves of type s with flow f, listing its
 * states and transitions, in u (the caller frees it). */
static const char *flow_usage_text(const struct kt_schema *s, const struct kt_flow *f,
                                   struct kt_buf *u)
{
	int rc = kt_buf_addf(u, _("usage: kontora %s move ID STATE [--reason R] [--set FIELD=VALUE]...\n"
	                          "                [--FIELD VALUE]... [--dry-run]\n"
	                          "       kontora %s TRANSITION ID [--reason R] [--set FIELD=VALUE]...\n"
	                          "                [--FIELD VALUE]... [--dry-run]\n"
	                          "states of %s: "), s->name, s->name, f->file);

	for (size_t i = 0; !rc && i < f->nstates; i++)
		rc = kt_buf_addf(u, "%s%s", i ? " " : "", f->states[i]);
	if (rc || kt_buf_adds(u, _("\ntransitions:\n")) || add_transitions(u, f))
		die("out of memory");
	return u->data;
}

/* Prints the usage of the moves of type s with flow f and exits (0 when
 * asked). */
__attribute__((noreturn))
static void flow_usage(const struct kt_schema *s, const struct kt_flow *f, int asked)
{
	struct kt_buf u = { 0 };

	usage(flow_usage_text(s, f, &u), asked);
}

/* See cmd.h. */
void flow_unknown(struct kt_books *b, const struct kt_schema *s, const char *word,
                  const char *const *words)
{
	const struct kt_flow *f = kt_books_flow(b, s->name);
	struct kt_buf into = { 0 }, u = { 0 };
	struct guess g;
	size_t n = 0;

	if (!f)
		no_such_subcommand(record_usage, s->name, word, words);
	guess_start(&g, word);
	while (*words)
		guess_try(&g, *words++);
	for (size_t i = 0; i < f->ntransitions; i++)
		guess_try(&g, f->transitions[i].name);
	/* "lab calc done ID": done is where finish leads. */
	for (size_t i = 0; kt_flow_is_state(f, word) && i < f->ntransitions; i++)
		if (!strcmp(f->transitions[i].to, word) &&
		    kt_buf_addf(&into, "%s%s", n++ ? ", " : "", f->transitions[i].name))
			die("out of memory");
	fprintf(stderr, _("kontora: error: %s %s: no such subcommand or transition"), s->name, word);
	if (kt_flow_is_state(f, word) && n == 1)
		fprintf(stderr, _("; %s is a state: the transition into it is %s"), word, into.data);
	else if (kt_flow_is_state(f, word) && n)
		fprintf(stderr, _("; %s is a state: the transitions into it are %s"), word, into.data);
	else if (kt_flow_is_state(f, word))
		fprintf(stderr, _("; %s is a state that no transition leads into: kontora %s move ID %s"),
		        word, s->name, word);
	else if (g.best)
		fprintf(stderr, _("; did you mean '%s'?"), g.best);
	if (kt_buf_addf(&u, _("transitions of %s, each to the state after ->:\n"), f->file) ||
	    add_transitions(&u, f))
		die("out of memory");
	fprintf(stderr, "\n%s", u.data);
	kt_buf_free(&into);
	kt_buf_reset(&u);
	usage_error(flow_usage_text(s, f, &u), NULL);
}

/* Options of a move. */
struct move_opts {
	struct pairs p;
	const char *reason;
	int dry_run;
};

/* Parses --reason, --set FIELD=VALUE, --FIELD VALUE (dashes or
 * underscores), --dry-run and -h.  Returns the index of the first
 * operand. */
static int parse_move(int argc, char **argv, const struct kt_schema *s,
                      const struct kt_flow *f, struct move_opts *mo)
{
	static const struct option own[] = {
		{ "reason", required_argument, NULL, OPT_REASON },
		{ "dry-run", no_argument, NULL, OPT_DRY },
		{ "help", no_argument, NULL, 'h' },
	};
	struct field_options fo;
	int c, rc;

	field_options(&fo, own, sizeof own / sizeof *own, s);
	while ((c = getopt_long(argc, argv, "h", fo.table, NULL)) != -1) {
		if (c == 'h')
			flow_usage(s, f, 1);
		else if (c == OPT_DRY)
			mo->dry_run = 1;
		else if (c == OPT_REASON)
			mo->reason = optarg;
		else if ((rc = field_option(c, s, &mo->p)) < 0)
			flow_usage(s, f, 0);
		else if (!rc) {
			fprintf(stderr, _("kontora: error: %s: unknown option or missing value\n"),
			        argv[optind - 1]);
			flow_usage(s, f, 0);
		}
	}
	field_options_free(&fo);
	return optind;
}

/* kontora TYPE move ID STATE and kontora TYPE TRANSITION ID. */
int flow_subcommand(int argc, char **argv, struct kt_books *b, const struct kt_schema *s)
{
	const struct kt_flow *f = kt_books_flow(b, s->name);
	struct kt_error err = { 0 };
	int is_move = !strcmp(argv[0], "move");

	if (!f) {
		/* A flow file that does not parse: say so rather than "no such
		 * subcommand". */
		char file[300];
		snprintf(file, sizeof file, "workflows/%s.flow:", s->name);
		if (kt_books_flow_status(b, &err) && !strncmp(err.msg, file, strlen(file)))
			die_err(&err);
		return -1;
	}
	if (!is_move && !kt_flow_transition(f, argv[0]))
		return -1;

	struct move_opts mo = { 0 };
	int first = parse_move(argc, argv, s, f, &mo);
	if (argc == first) {
		struct kt_buf u = { 0 };
		usage_error(flow_usage_text(s, f, &u), "%s %s: an id is missing", s->name, argv[0]);
	}
	if (argc - first != (is_move ? 2 : 1))
		flow_usage(s, f, 0);

	const char *transition = is_move ? NULL : argv[0];
	const char *to = NULL;
	if (is_move && kt_flow_state(b, f, argv[first + 1], &to, &err))
		die("%s: %s", s->name, err.msg);

	const struct kt_schema *found;
	struct kt_record *r;
	char *id;
	if (kt_resolve_id(b, s->name, argv[first], &id, &found, &err) ||
	    kt_record_read(b, s, id, &r, &err))
		die_err(&err);
	const char *old = kt_record_get(r, f->field);
	char *from = strdup(old ? old : "");
	kt_record_free(r);
	if (!from)
		die("out of memory");

	struct kt_change *c;
	char command[256];
	snprintf(command, sizeof command, "%s %s", s->name, argv[0]);
	if (kt_change_begin(b, command, &c, &err))
		die_err(&err);
	if (kt_change_move(c, s, id, transition, to, mo.reason, mo.p.names, mo.p.values,
	                   mo.p.n, &err)) {
		kt_change_free(c);
		die_err(&err);
	}
	pairs_free(&mo.p);
	if (!to)
		to = kt_flow_transition(f, transition)->to;
	char subject[512];
	snprintf(subject, sizeof subject, "%s %s: %s %s -> %s", s->name, id, f->field,
	         *from ? from : "(empty)", to);
	/* A dry run prints the change alone: its first line is the move. */
	change_finish(c, mo.dry_run, mo.dry_run ? NULL : subject, id);
	free(from);
	free(id);
	return 0;
}
