/*
 * util-doc.c - what kontora invoice and kontora proposal share: a draft
 * from --line options, issuing (sending) with a number, and showing a
 * document with its lines and totals.  The rest of their subcommands
 * (cancel, accept, decline, list, edit, rm) are the record subcommands
 * of the type (cmd/util-record.c), bound by the workflow's freeze.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

/* Returns a date YYYY-MM-DD as DD.MM.YYYY in out (11 bytes). */
static const char *ru_date(const char *iso, char out[11])
{
	if (!iso || strlen(iso) < 10)
		return iso ? iso : "";
	snprintf(out, 11, "%.2s.%.2s.%.4s", iso + 8, iso + 5, iso);
	return out;
}

/* kontora TYPE new ...: a draft.  Returns 0 or dies. */
static int doc_new(int argc, char **argv, struct kt_books *b, const struct doc_kind *k)
{
	enum { O_CLIENT = 1000, O_LEAD, O_LINE, O_DUE, O_VAT, O_FROM, O_VALID, O_TERMS, O_DRY };
	const struct option opts[] = {
		{ "client", required_argument, NULL, O_CLIENT },
		{ "lead", required_argument, NULL, O_LEAD },
		{ "line", required_argument, NULL, O_LINE },
		{ "due", required_argument, NULL, k->proposal ? 0 : O_DUE },
		{ "vat", required_argument, NULL, O_VAT },
		{ "from-proposal", required_argument, NULL, k->proposal ? 0 : O_FROM },
		{ "valid-until", required_argument, NULL, k->proposal ? O_VALID : 0 },
		{ "terms", required_argument, NULL, k->proposal ? O_TERMS : 0 },
		{ "dry-run", no_argument, NULL, O_DRY },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	/* The options of the other kind of document (val 0) are none of
	 * this one's, so that getopt names them as unknown. */
	struct option own[sizeof opts / sizeof *opts];
	size_t nown = 0;
	for (size_t i = 0; i < sizeof opts / sizeof *opts; i++)
		if (opts[i].val || !opts[i].name)
			own[nown++] = opts[i];
	struct kt_doc_spec spec = { 0 };
	struct kt_change *ch;
	struct kt_error err = { 0 };
	char **lines = calloc((size_t)argc, sizeof *lines);
	const char *id;
	int dry = 0, c;

	if (!lines)
		die("out of memory");
	spec.lines = lines;
	while ((c = getopt_long(argc, argv, "+h", own, NULL)) != -1) {
		switch (c) {
		case O_CLIENT: spec.client = optarg; break;
		case O_LEAD: spec.lead = optarg; break;
		case O_LINE: lines[spec.nlines++] = optarg; break;
		case O_DUE: spec.due = optarg; break;
		case O_VAT: spec.vat = optarg; break;
		case O_FROM: spec.from = optarg; break;
		case O_VALID: spec.valid_until = optarg; break;
		case O_TERMS: spec.terms = optarg; break;
		case O_DRY: dry = 1; break;
		case 'h': usage(k->usage, 1);
		default: option_error(argv, k->usage);
		}
	}
	if (optind != argc)
		usage_error(k->usage, "%s new: unexpected argument \"%s\"", k->type, argv[optind]);
	if (spec.from && (spec.client || spec.nlines || spec.vat))
		usage_error(k->usage, "%s new: --from-proposal takes the client and the lines from the "
		            "proposal; give no --client, --line or --vat with it", k->type);
	if (kt_change_begin(b, k->new_command, &ch, &err))
		die_err(&err);
	if (kt_doc_draft(ch, k->type, &spec, &id, &err)) {
		kt_change_free(ch);
		free(lines);
		die_err(&err);
	}
	char subject[128], *copy = strdup(id);
	if (!copy)
		die("out of memory");
	if (spec.from)
		snprintf(subject, sizeof subject, "%s %s: new draft from proposal %s", k->type, id, spec.from);
	else
		snprintf(subject, sizeof subject, "%s %s: new draft, %zu line%s", k->type, id,
		         spec.nlines, spec.nlines == 1 ? "" : "s");
	change_finish(ch, dry, subject, NULL);
	if (!dry)
		printf("%s\n", copy);
	free(copy);
	free(lines);
	return 0;
}

/* kontora TYPE issue|send ID [--dry-run]: the number, the date, frozen.
 * Returns 0 or dies. */
static int doc_issue(int argc, char **argv, struct kt_books *b, const struct doc_kind *k)
{
	const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct kt_change *ch;
	struct kt_error err = { 0 };
	char *number = NULL, subject[256], command[64];
	int dry = 0, c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'n')
			dry = 1;
		else if (c == 'h')
			usage(k->usage, 1);
		else
			option_error(argv, k->usage);
	}
	if (optind != argc - 1)
		usage_error(k->usage, "%s %s: give one ID", k->type, k->issue);
	snprintf(command, sizeof command, "%s %s", k->type, k->issue);
	if (kt_change_begin(b, command, &ch, &err))
		die_err(&err);
	if (kt_doc_issue(ch, k->type, argv[optind], k->issue, &number, &err)) {
		kt_change_free(ch);
		die_err(&err);
	}
	snprintf(subject, sizeof subject, "%s %s: %s № %s", k->type, argv[optind], k->issued, number);
	change_finish(ch, dry, subject, NULL);
	if (!dry)
		printf("%s\n", number);
	free(number);
	return 0;
}

/* Appends s to b padded with spaces to width columns, on the left when
 * right. */
static void pad_cell(struct kt_buf *b, const char *s, size_t width, int right)
{
	size_t w = kt_utf8_width(s);
	int rc = 0;

	for (size_t i = w; right && i < width; i++)
		rc |= kt_buf_addc(b, ' ');
	rc |= kt_buf_adds(b, s);
	for (size_t i = w; !right && i < width; i++)
		rc |= kt_buf_addc(b, ' ');
	if (rc)
		die("out of memory");
}

/* The text of each column of line i of d (i == nlines: the heading). */
static void line_cells(const struct kt_document *d, size_t i, char cells[6][256])
{
	static const char *const head[6] = { "№", "Товары (работы, услуги)", "Кол-во", "Ед.", "Цена", "Сумма" };
	char m[40];

	if (i == d->nlines) {
		for (int c = 0; c < 6; c++)
			snprintf(cells[c], 256, "%s", head[c]);
		return;
	}
	const struct kt_document_line *l = &d->lines[i];
	snprintf(cells[0], 256, "%zu", i + 1);
	snprintf(cells[1], 256, "%s", l->name ? l->name : "");
	kt_decimal_format(l->qty_milli, 1, cells[2]);
	snprintf(cells[3], 256, "%s", l->unit ? l->unit : "");
	snprintf(cells[4], 256, "%s", kt_money_format(l->price, 1, m));
	snprintf(cells[5], 256, "%s", kt_money_format(l->sum, 1, m));
}

/* Appends the table of d's lines to b, columns aligned. */
static void lines_table(struct kt_buf *b, const struct kt_document *d)
{
	static const int right[6] = { 1, 0, 1, 0, 1, 1 };
	size_t width[6] = { 0 };
	char cells[6][256];

	for (size_t i = 0; i <= d->nlines; i++) {
		line_cells(d, i, cells);
		for (int c = 0; c < 6; c++)
			if (kt_utf8_width(cells[c]) > width[c])
				width[c] = kt_utf8_width(cells[c]);
	}
	for (size_t n = 0; n <= d->nlines; n++) {
		line_cells(d, n ? n - 1 : d->nlines, cells);
		for (int c = 0; c < 6; c++) {
			if (c)
				kt_buf_adds(b, "  ");
			pad_cell(b, cells[c], c == 5 ? (right[c] ? width[c] : 0) : width[c], right[c]);
		}
		kt_buf_addc(b, '\n');
	}
}

/* Appends "label: value" for a party. */
static void party_line(struct kt_buf *b, const char *label, const struct kt_party *p)
{
	kt_buf_addf(b, "%s: %s", label, p->legal_name ? p->legal_name : p->name ? p->name : "—");
	if (p->inn)
		kt_buf_addf(b, ", ИНН %s", p->inn);
	if (p->kpp)
		kt_buf_addf(b, ", КПП %s", p->kpp);
	if (p->id)
		kt_buf_addf(b, " (%s)", p->id);
	kt_buf_addc(b, '\n');
}

/* Appends the totals of d: Итого, the VAT per rate, the total to pay,
 * the count and the amount in words. */
static void totals(struct kt_buf *b, const struct kt_document *d)
{
	char m[40], m2[40];

	kt_buf_addf(b, "Итого: %s\n", kt_money_format(d->subtotal, 1, m));
	for (size_t i = 0; i < d->nvats; i++) {
		const struct kt_vat_total *v = &d->vats[i];
		if (v->rate == KT_VAT_NONE)
			kt_buf_adds(b, "Без налога (НДС)\n");
		else
			kt_buf_addf(b, "%sНДС %d%%: %s\n", d->vat_included ? "В том числе " : "", v->rate,
			            kt_money_format(v->vat, 1, m));
	}
	kt_buf_addf(b, "Всего к оплате: %s\n", kt_money_format(d->total, 1, m));
	/* "10 500,00 руб.": the screen form without its sign. */
	kt_money_format(d->total, 1, m2);
	*strstr(m2, " ₽") = '\0';
	kt_buf_addf(b, "Всего наименований %zu, на сумму %s руб.\n%s\n", d->nlines, m2,
	            d->total_words ? d->total_words : "");
}

/* Loads the document typed (an id or prefix) for k, as whoever may read
 * it.  Returns it (kt_document_free()) or dies, when it is another type
 * too. */
static struct kt_document *doc_load(struct kt_books *b, const struct doc_kind *k, const char *typed,
                                    const char *sub)
{
	struct kt_document *d;
	struct kt_error err = { 0 };

	if (kt_document_load(b, typed, &d, &err))
		die_err(&err);
	if (strcmp(d->type, k->type))
		die("%s is of type %s; use kontora %s %s", d->id, d->type, d->type, sub);
	return d;
}

/* kontora TYPE show ID: the document as it will print.  Returns 0 or
 * dies. */
static int doc_show(int argc, char **argv, struct kt_books *b, const struct doc_kind *k)
{
	struct kt_document *d;
	struct kt_buf out = { 0 };
	char day[11];

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
		usage(k->usage, 1);
	if (argc != 2)
		usage_error(k->usage, "%s show: give one ID", k->type);
	d = doc_load(b, k, argv[1], "show");
	kt_buf_addf(&out, "%s", k->title);
	if (d->number)
		kt_buf_addf(&out, " № %s", d->number);
	kt_buf_addf(&out, " от %s (%s, %s)\n", ru_date(d->date, day), d->id, d->status);
	party_line(&out, k->proposal ? "От" : "Поставщик", &d->supplier);
	party_line(&out, k->proposal ? "Кому" : "Покупатель", &d->buyer);
	if (d->due)
		kt_buf_addf(&out, "Оплатить до: %s\n", ru_date(d->due, day));
	if (d->valid_until)
		kt_buf_addf(&out, "Действительно до: %s\n", ru_date(d->valid_until, day));
	if (d->terms)
		kt_buf_addf(&out, "Условия: %s\n", d->terms);
	if (d->purpose)
		kt_buf_addf(&out, "Назначение платежа: %s\n", d->purpose);
	kt_buf_addc(&out, '\n');
	lines_table(&out, d);
	kt_buf_addc(&out, '\n');
	totals(&out, d);
	if (!out.data)
		die("out of memory");
	fputs(out.data, stdout);
	kt_buf_free(&out);
	kt_document_free(d);
	return 0;
}

/* Returns the books' templates/ directory (caller frees). */
static char *templates_dir(struct kt_books *b)
{
	struct kt_buf dir = { 0 };

	if (kt_buf_addf(&dir, "%s/templates", kt_books_root(b)))
		die("out of memory");
	return kt_buf_detach(&dir);
}

/* Writes d as a PDF (xlsx 0) or an XLSX workbook at path with the
 * wording of the books' templates/.  Dies naming the document on an
 * error; nothing is then left at path. */
static void doc_write(struct kt_books *b, const struct kt_document *d, int xlsx, const char *path)
{
	struct kt_error err = { 0 };
	char *dir = templates_dir(b);

	if ((xlsx ? kt_document_xlsx : kt_document_pdf)(d, dir, path, &err))
		die("%s %s: %s", d->type, d->id, err.msg);
	free(dir);
}

/* kontora TYPE pdf|xlsx ID [-o FILE]: the document as the customer gets
 * it, by default TYPE-NUMBER.EXT (a draft: TYPE-ID.EXT) in the current
 * directory.  Returns 0 or dies. */
static int doc_render(int argc, char **argv, struct kt_books *b, const struct doc_kind *k)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *sub = argv[0], *out = NULL;
	int xlsx = !strcmp(sub, "xlsx"), c;

	while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		if (c == 'h')
			usage(k->usage, 1);
		else if (c == 'o')
			out = optarg;
		else
			option_error(argv, k->usage);
	}
	if (optind != argc - 1)
		usage_error(k->usage, "%s %s: give one ID", k->type, sub);
	struct kt_document *d = doc_load(b, k, argv[optind], sub);
	char *path = out ? strdup(out)
	                 : file_name(k->type, d->number ? d->number : d->id, xlsx ? ".xlsx" : ".pdf");
	if (!path)
		die("out of memory");
	doc_write(b, d, xlsx, path);
	fprintf(stderr, "kontora: %s %s written to %s\n", k->type, d->id, path);
	free(path);
	kt_document_free(d);
	return 0;
}

/* Returns the wording key of d's templates/TYPE.tmpl, filled (caller
 * frees), or dies. */
static char *doc_wording(struct kt_books *b, const struct kt_document *d, const char *key)
{
	struct kt_error err = { 0 };
	char *dir = templates_dir(b), *text;

	if (kt_document_wording(d, dir, key, &text, &err))
		die("%s %s: %s", d->type, d->id, err.msg);
	free(dir);
	return text;
}

/* Dies unless d may be mailed: it has its number (a draft is not sent to
 * a customer), and it is not cancelled or declined. */
static void doc_mailable(const struct kt_document *d, const struct doc_kind *k)
{
	if (!d->number)
		die("%s %s is a draft (%s): %s it first (kontora %s %s %s)", k->type, d->id,
		    d->status ? d->status : "no number", k->issue, k->type, k->issue, d->id);
	if (d->status && (!strcmp(d->status, "cancelled") || !strcmp(d->status, "declined")))
		die("%s %s is %s: it is not mailed", k->type, d->id, d->status);
}

/* The PDF of a document being mailed: written into a directory of its
 * own under $TMPDIR, removed by mail_pdf_remove(). */
struct mail_pdf {
	char dir[4096];
	char path[4200];
};

/* Writes d's PDF into a new temporary directory; dies on an error. */
static void mail_pdf_write(struct kt_books *b, const struct kt_document *d, struct mail_pdf *p)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(p->dir, sizeof p->dir, "%s/kontora-mail-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(p->dir))
		die("%s: %s", p->dir, strerror(errno));
	snprintf(p->path, sizeof p->path, "%s/document.pdf", p->dir);
	doc_write(b, d, 0, p->path);
}

/* Removes what mail_pdf_write() made. */
static void mail_pdf_remove(struct mail_pdf *p)
{
	unlink(p->path);
	rmdir(p->dir);
}

/* Adds to ch the activities of kind email a mailed document leaves: on
 * its client and on its lead, when it has one. */
static void mail_activities(struct kt_change *ch, struct kt_books *b, const struct kt_document *d,
                            const char *subject, char *const *to, size_t nto)
{
	struct kt_buf text = { 0 };

	if (kt_buf_addf(&text, "%s (%s %s) → ", subject, d->type, d->id))
		die("out of memory");
	for (size_t i = 0; i < nto; i++)
		if (kt_buf_addf(&text, "%s%s", i ? ", " : "", to[i]))
			die("out of memory");
	if (d->buyer.id)
		activity_add(ch, b, d->buyer.id, "email", text.data);
	if (d->lead)
		activity_add(ch, b, d->lead, "email", text.data);
	kt_buf_free(&text);
}

/* Builds the message mailing d to the nto addresses of to into msg: the
 * subject (into *subject, which the caller frees), the text and the
 * attachment's name from the wording, From from the books, the PDF
 * written into a temporary directory and read back.  Dies on an error. */
static void mail_build(struct kt_books *b, const struct kt_document *d, char *const *to,
                       size_t nto, char **subject, struct kt_buf *msg)
{
	struct kt_error err = { 0 };
	struct kt_buf body = { 0 };
	char *text = doc_wording(b, d, "mail.body"), *name = doc_wording(b, d, "mail.file");
	char *sendmail, *from;

	*subject = doc_wording(b, d, "mail.subject");
	/* A text ends with a newline, which a wording value does not. */
	if (kt_buf_addf(&body, "%s\n", text))
		die("out of memory");
	if (kt_mail_config(b, &sendmail, &from, &err))
		die_err(&err);
	struct mail_pdf pdf;
	mail_pdf_write(b, d, &pdf);
	struct kt_mail_file file = { pdf.path, name, NULL, 0 };
	struct kt_mail m = {
		.from = from, .to = to, .nto = nto, .subject = *subject,
		.body = body.data, .body_len = body.len, .files = &file, .nfiles = 1,
		.date = kt_books_now(b),
	};
	int rc = kt_mail_build(&m, msg, &err);
	mail_pdf_remove(&pdf);
	if (rc)
		die("%s %s: %s", d->type, d->id, err.msg);
	kt_buf_free(&body);
	free(text);
	free(name);
	free(sendmail);
	free(from);
}

/* Sends msg through the books' sendmail and, once it took it, commits
 * the activities of d's mailing (subject, the nto addresses of to).  The
 * activities are added before the message goes, so that what would
 * refuse them refuses before anything is sent.  Dies on an error;
 * nothing is then recorded. */
static void mail_send(struct kt_books *b, const struct kt_document *d, const char *subject,
                      char *const *to, size_t nto, const struct kt_buf *msg)
{
	struct kt_error err = { 0 };
	struct kt_change *ch;
	char command[64], what[256], *sendmail, *from;

	if (kt_mail_config(b, &sendmail, &from, &err))
		die_err(&err);
	snprintf(command, sizeof command, "%s mail", d->type);
	if (kt_change_begin(b, command, &ch, &err))
		die_err(&err);
	mail_activities(ch, b, d, subject, to, nto);
	if (kt_mail_send(sendmail, msg->data, msg->len, &err)) {
		kt_change_free(ch);
		die("%s %s: not sent, nothing recorded: %s", d->type, d->id, err.msg);
	}
	snprintf(what, sizeof what, "%s %s: № %s mailed to %s%s", d->type, d->id, d->number, to[0],
	         nto > 1 ? ", ..." : "");
	change_finish(ch, 0, what, NULL);
	snprintf(what, sizeof what, "%s %s № %s", d->type, d->id, d->number);
	say_sent(what, to, nto);
	free(sendmail);
	free(from);
}

/* kontora TYPE mail ID [--to ADDR]... [--dry-run]: the document's PDF to
 * the client's e-mail (or --to), the subject, text and attachment's name
 * from the wording file; once sendmail took it, an activity of kind
 * email on the client and the lead, in one commit.  Returns 0 or dies;
 * when sendmail fails nothing is recorded. */
static int doc_mail(int argc, char **argv, struct kt_books *b, const struct doc_kind *k)
{
	enum { O_TO = 1000, O_DRY };
	static const struct option opts[] = {
		{ "to", required_argument, NULL, O_TO },
		{ "dry-run", no_argument, NULL, O_DRY },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	char **to = calloc((size_t)argc + 1, sizeof *to), *subject;
	struct kt_buf msg = { 0 };
	size_t nto = 0;
	int dry = 0, c;

	if (!to)
		die("out of memory");
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			usage(k->usage, 1);
		else if (c == O_TO)
			to[nto++] = optarg;
		else if (c == O_DRY)
			dry = 1;
		else
			option_error(argv, k->usage);
	}
	if (optind != argc - 1)
		usage_error(k->usage, "%s mail: give one ID", k->type);
	struct kt_document *d = doc_load(b, k, argv[optind], "mail");
	doc_mailable(d, k);
	if (!nto && !(to[nto++] = d->buyer.email))
		die("%s %s: client %s has no e-mail; set it (kontora client edit %s --email ADDR) "
		    "or give --to ADDR", k->type, d->id, d->buyer.id, d->buyer.id);
	mail_build(b, d, to, nto, &subject, &msg);
	if (dry)
		fwrite(msg.data, 1, msg.len, stdout);
	else
		mail_send(b, d, subject, to, nto, &msg);
	kt_buf_free(&msg);
	free(subject);
	free(to);
	kt_document_free(d);
	return 0;
}

/* kontora invoice|proposal SUBCOMMAND.  See cmd.h. */
int doc_command(int argc, char **argv, struct kt_ctx *ctx, const struct doc_kind *k)
{
	if (argc < 2)
		usage(k->usage, 0);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		usage(k->usage, 1);
	if (!kt_books_type(ctx->books, k->type) || !kt_books_type(ctx->books, "doc_line"))
		die("these books have no schemas/%s.schema or schemas/doc_line.schema "
		    "(copy them from a new kontora init)", k->type);
	if (!strcmp(argv[1], "new"))
		return doc_new(argc - 1, argv + 1, ctx->books, k);
	if (!strcmp(argv[1], k->issue))
		return doc_issue(argc - 1, argv + 1, ctx->books, k);
	if (!strcmp(argv[1], "show"))
		return doc_show(argc - 1, argv + 1, ctx->books, k);
	if (!strcmp(argv[1], "pdf") || !strcmp(argv[1], "xlsx"))
		return doc_render(argc - 1, argv + 1, ctx->books, k);
	if (!strcmp(argv[1], "mail"))
		return doc_mail(argc - 1, argv + 1, ctx->books, k);
	const char *words[16] = { "new", k->issue, "show", "pdf", "xlsx", "mail" };
	size_t n = 6;
	for (const char *const *w = k->record; *w; w++) {
		if (!strcmp(argv[1], *w))
			return record_command(argc, argv, ctx->books, kt_books_type(ctx->books, k->type));
		if (n < 15)
			words[n++] = *w;
	}
	no_such_subcommand(k->usage, k->type, argv[1], words);
}
