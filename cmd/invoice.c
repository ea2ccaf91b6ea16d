/*
 * invoice.c - kontora invoice: drafts, issuing with a number, cancelling,
 * showing.  See kontora-invoice(1).
 */
#include "cmd.h"

static const char invoice_usage[] = N_(
	"usage: kontora invoice new --client ID --line PRODUCT:QTY[:PRICE]... [--lead ID]\n"
	"                           [--due DATE] [--vat 22|10|0|none] [--dry-run]\n"
	"       kontora invoice new --from-proposal ID [--due DATE] [--dry-run]\n"
	"       kontora invoice issue ID [--dry-run]\n"
	"       kontora invoice cancel ID --reason TEXT [--dry-run]\n"
	"       kontora invoice show ID\n"
	"       kontora invoice pdf|xlsx ID [-o FILE]\n"
	"       kontora invoice mail ID [--to ADDR]... [--dry-run]\n"
	"       kontora invoice list [--where EXPR] [--all] [--mine] [-f FMT]\n");

static const char *const invoice_record[] = { "cancel", "list", "edit", "rm", NULL };

static const struct doc_kind invoice = {
	"invoice", "Счет на оплату", "issue", "issued", "invoice new", 0, invoice_record,
	invoice_usage,
};

int cmd_invoice(int argc, char **argv, struct kt_ctx *ctx)
{
	return doc_command(argc, argv, ctx, &invoice);
}
