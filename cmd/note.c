/*
 * note.c - kontora note ID [--call|--email|--meeting] TEXT: records a call,
 * an e-mail, a meeting or a note on a lead, client or contact, as an
 * activity record of its own.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static const char note_usage[] = N_(
	"usage: kontora note ID [--call|--email|--meeting] [--dry-run] TEXT...\n");

/* The types whose records can be noted. */
static int notable(const struct kt_schema *s)
{
	return !strcmp(s->name, "lead") || !strcmp(s->name, "client") || !strcmp(s->name, "contact");
}

int cmd_note(int argc, char **argv, struct kt_ctx *ctx)
{
	enum { OPT_DRY = 1000 };
	static const struct option opts[] = {
		{ "call", no_argument, NULL, 'c' },
		{ "email", no_argument, NULL, 'e' },
		{ "meeting", no_argument, NULL, 'm' },
		{ "dry-run", no_argument, NULL, OPT_DRY },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct kt_books *b = ctx->books;
	struct kt_error err = { 0 };
	struct kt_buf text = { 0 }, subject = { 0 };
	const char *kind = NULL;
	int dry_run = 0, c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		const char *k = c == 'c' ? "call" : c == 'e' ? "email" : c == 'm' ? "meeting" : NULL;
		if (c == 'h')
			usage(note_usage, 1);
		else if (c == OPT_DRY)
			dry_run = 1;
		else if (!k)
			option_error(argv, note_usage);
		else if (kind && strcmp(kind, k)) {
			usage_error(note_usage, "--%s and --%s: one kind at a time", kind, k);
		} else
			kind = k;
	}
	if (!kind)
		kind = "note";
	if (argc - optind < 2)
		usage(note_usage, 0);
	for (int i = optind + 1; i < argc; i++)
		if ((text.len && kt_buf_addc(&text, ' ')) || kt_buf_adds(&text, argv[i]))
			die("out of memory");
	if (!text.data || !text.data[strspn(text.data, " \t\n\r")]) {
		fputs("kontora: error: the text of the note is empty\n", stderr);
		usage(note_usage, 0);
	}

	const struct kt_schema *s;
	char *id;
	if (kt_resolve_id(b, NULL, argv[optind], &id, &s, &err))
		die_err(&err);
	if (!notable(s))
		die("%s %s: only a lead, a client or a contact can be noted", s->name, id);
	if (!kt_books_type(b, "activity"))
		die("these books have no record type activity (schemas/activity.schema)");

	struct kt_change *ch;
	if (kt_change_begin(b, "note", &ch, &err))
		die_err(&err);
	const char *new_id = activity_add(ch, b, id, kind, text.data);
	char saved[16];
	snprintf(saved, sizeof saved, "%s", new_id);
	if (kt_buf_addf(&subject, "%s %s: %s: ", s->name, id, kind))
		die("out of memory");
	add_cut(&subject, text.data, 60);

	if (change_finish(ch, dry_run, subject.data, saved))
		printf("%s\n", saved);
	kt_buf_free(&text);
	kt_buf_free(&subject);
	free(id);
	return 0;
}
