/*
 * payment.c - kontora payment: the payments of bank statements, what
 * they pay towards invoices, matching and unmatching by hand.  See
 * kontora-payment(1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

static const char payment_usage[] = N_(
	"usage: kontora payment list [--unmatched] [-f table|tsv|csv|json]\n"
	"       kontora payment match PAYMENT INVOICE [AMOUNT] [--dry-run]\n"
	"       kontora payment unmatch PAYMENT [--dry-run]\n"
	"       kontora payment show PAYMENT\n");

/* The columns of kontora payment list, and of what it computes. */
static const char *const list_columns[] = {
	"id", "date", "number", "direction", "amount", "allocated", "left", "payer",
	"payer_inn", "client", "invoices", "purpose",
};

/* Returns the money in s as kopecks (0 when empty). */
static int64_t kopecks(const char *s)
{
	int64_t k = 0;
	return *s && !kt_money_parse(s, &k) ? k : 0;
}

/* kontora payment list: every payment, newest first, with what it
 * allocated to which invoices and what is left; --unmatched only the
 * incoming ones with something left (an unknown payer, nothing found,
 * an overpayment). */
static int payment_list(int argc, char **argv, struct kt_books *b)
{
	static const struct option opts[] = {
		{ "unmatched", no_argument, NULL, 'u' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	enum out_format fmt = isatty(1) ? OUT_TABLE : OUT_TSV;
	int unmatched = 0, c;

	while ((c = getopt_long(argc, argv, "hf:", opts, NULL)) != -1) {
		if (c == 'h')
			usage(payment_usage, 1);
		else if (c == 'u')
			unmatched = 1;
		else if (c == 'f')
			fmt = out_format(optarg, payment_usage);
		else
			option_error(argv, payment_usage);
	}
	if (optind != argc)
		usage_error(payment_usage, "payment list: unexpected %s", argv[optind]);
	struct rows pay = { 0 }, alloc = { 0 }, inv = { 0 };
	rows_query(b, "payment", unmatched ? "direction=in" : NULL, "-date", 0, 1, &pay);
	rows_query(b, "allocation", NULL, NULL, 0, 1, &alloc);
	rows_query(b, "invoice", NULL, "seq", 0, 1, &inv);

	size_t ncols = sizeof list_columns / sizeof *list_columns;
	struct kt_column cols[sizeof list_columns / sizeof *list_columns];
	for (size_t i = 0; i < ncols; i++) {
		int m = !strcmp(list_columns[i], "amount") || !strcmp(list_columns[i], "allocated") ||
		        !strcmp(list_columns[i], "left");
		cols[i] = (struct kt_column){ list_columns[i], m ? KT_MONEY : KT_TEXT, NULL };
	}
	struct printer *p = printer_new(fmt, stdout);
	printer_row(p, ncols, cols, NULL);
	for (size_t i = 0; i < pay.n; i++) {
		const char *id = cell(&pay, i, "id");
		int64_t amount = kopecks(cell(&pay, i, "amount")), used = 0;
		struct kt_buf numbers = { 0 };
		/* the invoices in the order they were numbered */
		for (size_t j = 0; j < inv.n; j++) {
			int named = 0;
			for (size_t k = 0; k < alloc.n; k++) {
				if (strcmp(cell(&alloc, k, "payment"), id) ||
				    strcmp(cell(&alloc, k, "invoice"), cell(&inv, j, "id")))
					continue;
				used += kopecks(cell(&alloc, k, "amount"));
				if (!named++ && kt_buf_addf(&numbers, "%s%s", numbers.len ? " " : "",
				                            cell(&inv, j, "number")))
					die("out of memory");
			}
		}
		int64_t left = !strcmp(cell(&pay, i, "direction"), "in") ? amount - used : 0;
		if (unmatched && left <= 0) {
			kt_buf_free(&numbers);
			continue;
		}
		char a[40], u[40], l[40];
		const char *values[] = {
			id, cell(&pay, i, "date"), cell(&pay, i, "number"), cell(&pay, i, "direction"),
			kt_money_format(amount, 0, a), kt_money_format(used, 0, u),
			kt_money_format(left, 0, l), cell(&pay, i, "payer"), cell(&pay, i, "payer_inn"),
			cell(&pay, i, "client"), numbers.data ? numbers.data : "", cell(&pay, i, "purpose"),
		};
		printer_row(p, ncols, cols, (char *const *)values);
		kt_buf_free(&numbers);
	}
	printer_end(p);
	rows_free(&pay);
	rows_free(&alloc);
	rows_free(&inv);
	return 0;
}

/* Returns the full id of the invoice typed as an id, a prefix of one, or
 * its number (caller frees); dies when there is none. */
static char *invoice_id(struct kt_books *b, const char *typed)
{
	struct kt_error err = { 0 };
	const struct kt_schema *s;
	char *id, where[256];

	if (!kt_resolve_id(b, "invoice", typed, &id, &s, &err))
		return id;
	struct rows r = { 0 };
	snprintf(where, sizeof where, "number=%s", typed);
	if (!strchr(typed, ' '))
		rows_query(b, "invoice", where, NULL, 1, 1, &r);
	if (!r.n)
		die_err(&err);
	if (!(id = strdup(cell(&r, 0, "id"))))
		die("out of memory");
	rows_free(&r);
	return id;
}

/* kontora payment match PAYMENT INVOICE [AMOUNT] and unmatch PAYMENT. */
static int payment_change(int argc, char **argv, struct kt_books *b, int match)
{
	struct kt_error err = { 0 };
	int dry_run;

	dry_run = dry_run_option(argc, argv, payment_usage);
	int want = match ? 2 : 1;
	if (argc - optind < want || argc - optind > (match ? 3 : 1))
		usage_error(payment_usage, "payment %s: %s", argv[0],
		            match ? "PAYMENT INVOICE [AMOUNT]" : "PAYMENT");
	int64_t amount = 0;
	if (match && argc - optind == 3 && (kt_money_parse(argv[optind + 2], &amount) || amount <= 0))
		usage_error(payment_usage, "payment match: not an amount: %s", argv[optind + 2]);

	const struct kt_schema *s;
	char *payment, *invoice = match ? invoice_id(b, argv[optind + 1]) : NULL;
	if (kt_resolve_id(b, "payment", argv[optind], &payment, &s, &err))
		die_err(&err);
	struct kt_change *ch;
	if (kt_change_begin(b, match ? "payment match" : "payment unmatch", &ch, &err))
		die_err(&err);
	char subject[256], money[40];
	int rc;
	if (match) {
		int64_t done;
		rc = kt_payment_match(ch, b, payment, invoice, amount, &done, &err);
		snprintf(subject, sizeof subject, "payment %s: %s to invoice %s", payment,
		         kt_money_format(done, 0, money), invoice);
	} else {
		size_t removed;
		rc = kt_payment_unmatch(ch, b, payment, &removed, &err);
		snprintf(subject, sizeof subject, "payment %s: %zu allocations undone", payment, removed);
	}
	if (rc) {
		kt_change_free(ch);
		die_err(&err);
	}
	change_finish(ch, dry_run, subject, payment);
	free(payment);
	free(invoice);
	return 0;
}

int cmd_payment(int argc, char **argv, struct kt_ctx *ctx)
{
	struct kt_books *b = ctx->books;

	if (argc < 2)
		usage(payment_usage, 0);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		usage(payment_usage, 1);
	if (!kt_books_type(b, "payment") || !kt_books_type(b, "allocation"))
		die("these books have no payment or allocation type: copy schemas/payment.schema "
		    "and schemas/allocation.schema from kontora's own");
	if (!strcmp(argv[1], "list"))
		return payment_list(argc - 1, argv + 1, b);
	if (!strcmp(argv[1], "match") || !strcmp(argv[1], "unmatch"))
		return payment_change(argc - 1, argv + 1, b, !strcmp(argv[1], "match"));
	if (!strcmp(argv[1], "show"))
		return record_command(argc, argv, b, kt_books_type(b, "payment"));
	usage_error(payment_usage, "payment %s: not list, match, unmatch or show", argv[1]);
}
