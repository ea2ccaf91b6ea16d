/*
 * proposal.c - kontora proposal: commercial proposals, drafts, sending
 * with a number, the customer's answer, showing.  See
 * kontora-proposal(1).
 */
#include "cmd.h"

static const char proposal_usage[] = N_(
	"usage: kontora proposal new --client ID --line PRODUCT:QTY[:PRICE]... [--lead ID]\n"
	"                            [--valid-until DATE] [--terms TEXT] [--vat 22|10|0|none]\n"
	"                            [--dry-run]\n"
	"       kontora proposal send ID [--dry-run]\n"
	"       kontora proposal accept ID [--dry-run]\n"
	"       kontora proposal decline ID --reason TEXT [--dry-run]\n"
	"       kontora proposal show ID\n"
	"       kontora proposal pdf|xlsx ID [-o FILE]\n"
	"       kontora proposal mail ID [--to ADDR]... [--dry-run]\n"
	"       kontora proposal list [--where EXPR] [--all] [--mine] [-f FMT]\n");

static const char *const proposal_record[] = { "accept", "decline", "list", "edit", "rm", NULL };

static const struct doc_kind proposal = {
	"proposal", "Коммерческое предложение", "send", "sent", "proposal new", 1, proposal_record,
	proposal_usage,
};

int cmd_proposal(int argc, char **argv, struct kt_ctx *ctx)
{
	return doc_command(argc, argv, ctx, &proposal);
}
