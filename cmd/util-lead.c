/*
 * util-lead.c - what the record subcommands (cmd/util-record.c) add for
 * leads: dedupe and distribution on add (said on stderr), the ★ of
 * unprocessed leads in lists, kontora lead processed ID and kontora TYPE
 * assign ID LOGIN.  The rules live in the library (kt_lead_prepare()), so
 * that imports share them.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static const char lead_usage[] = N_(
	"usage: kontora lead processed ID [--dry-run]\n"
	"       kontora TYPE assign ID LOGIN [--dry-run]\n");

/* See cmd.h. */
struct kt_lead_report *lead_prepare(struct kt_books *b, const struct kt_schema *s,
                                    char *const *names, char *const *values, size_t n)
{
	struct kt_error err = { 0 };
	struct kt_lead_state *st;
	struct kt_lead_report *r;

	if (strcmp(s->name, "lead"))
		return NULL;
	if (!(r = calloc(1, sizeof *r)))
		die("out of memory");
	if (kt_lead_state_new(b, &st, &err) ||
	    (kt_lead_state_duplicates(st), kt_lead_prepare(st, names, values, n, r, &err))) {
		kt_lead_state_free(st);
		free(r);
		die("%s %s", s->name, err.msg);
	}
	kt_lead_state_free(st);
	return r;
}

/* Says what lead_prepare() did to the lead id. */
static void say_added(const struct kt_lead_report *r, const char *id)
{
	fflush(stdout);
	if (r->duplicate)
		fprintf(stderr, _("kontora: lead %s: possible duplicate of %s, added %.10s by %s (same %s)\n"),
		        id, r->duplicate, r->duplicate_created,
		        r->duplicate_by ? r->duplicate_by : "?", r->duplicate_match);
	if (r->client && r->contact)
		fprintf(stderr, _("kontora: lead %s: linked to client %s «%s» (same %s %s as contact %s)\n"),
		        id, r->client, r->client_name, r->match, r->match_value, r->contact);
	else if (r->client)
		fprintf(stderr, _("kontora: lead %s: linked to client %s «%s» (same %s %s)\n"),
		        id, r->client, r->client_name, r->match, r->match_value);
	if (!r->manager)
		return;
	if (!strcmp(r->rule, "client"))
		fprintf(stderr, _("kontora: lead %s: assigned to %s (the manager of client «%s»)\n"),
		        id, r->manager, r->client_name);
	else if (!strcmp(r->rule, "least-loaded"))
		fprintf(stderr, kt_ngettext("kontora: lead %s: assigned to %s (%s: had %ld open lead)\n",
		                            "kontora: lead %s: assigned to %s (%s: had %ld open leads)\n",
		                            (unsigned long)r->count), id, r->manager, r->rule, r->count);
	else
		fprintf(stderr, kt_ngettext("kontora: lead %s: assigned to %s (%s: had %ld lead this month)\n",
		                            "kontora: lead %s: assigned to %s (%s: had %ld leads this month)\n",
		                            (unsigned long)r->count), id, r->manager, r->rule, r->count);
}

/* See cmd.h. */
void lead_added(struct kt_lead_report *r, const char *id)
{
	if (!r)
		return;
	if (id)
		say_added(r, id);
	kt_lead_report_free(r);
	free(r);
}

/* See cmd.h. */
void mark_unprocessed(struct printer *p, const struct kt_schema *s, struct kt_query *q)
{
	const struct kt_field *f = kt_schema_field(s, "processed");
	const char *column = "id";
	int shown = 0;

	if (!f || f->type != KT_BOOL || q->all_columns)
		return;
	for (size_t i = 0; i < s->ncolumns; i++) {
		if (s->title && !strcmp(s->columns[i], s->title))
			column = s->title;
		shown |= !strcmp(s->columns[i], "processed");
	}
	q->also = "processed";
	printer_mark_unprocessed(p, "processed", column, !shown);
}

/* See cmd.h. */
int lead_subcommand(int argc, char **argv, struct kt_books *b, const struct kt_schema *s)
{
	const struct kt_field *pf = kt_schema_field(s, "processed");
	int assign = !strcmp(argv[0], "assign");
	struct kt_error err = { 0 };
	const struct kt_schema *found;
	struct kt_change *ch;
	struct kt_record *r;
	int dry_run;
	char subject[512], command[256];
	char *id;

	if (!(assign && s->owner) && !(!strcmp(argv[0], "processed") && pf && pf->type == KT_BOOL))
		return -1;
	dry_run = dry_run_option(argc, argv, lead_usage);
	if (argc - optind != (assign ? 2 : 1))
		usage(lead_usage, 0);
	if (kt_resolve_id(b, s->name, argv[optind], &id, &found, &err) ||
	    kt_record_read(b, s, id, &r, &err))
		die_err(&err);
	const char *was = kt_record_get(r, assign ? s->owner : "processed");
	if (assign)
		snprintf(subject, sizeof subject, "%s %s: assigned to %s (was %s)", s->name, id,
		         argv[optind + 1], was && *was ? was : "nobody");
	else
		snprintf(subject, sizeof subject, "%s %s: processed", s->name, id);
	int already = !assign && was && !strcmp(was, "true");
	kt_record_free(r);
	if (already) {
		warn("%s %s: already processed", s->name, id);
		free(id);
		return 0;
	}
	snprintf(command, sizeof command, "%s %s", s->name, argv[0]);
	if (kt_change_begin(b, command, &ch, &err))
		die_err(&err);
	char *names[] = { "processed" }, *values[] = { "true" };
	if (assign ? kt_change_assign(ch, s, id, argv[optind + 1], &err)
	           : kt_change_edit(ch, s, id, names, values, 1, &err)) {
		kt_change_free(ch);
		die("%s %s: %s", s->name, id, err.msg);
	}
	change_finish(ch, dry_run, subject, id);
	free(id);
	return 0;
}
