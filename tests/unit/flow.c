/*
 * flow.c - unit tests for lib/flow.c: kt_flow_parse() on workflow text
 * (the default lead funnel, then each error with its exact message),
 * kt_flow_is_state() and kt_flow_transition().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kontora.h"
#include "tap.h"

#define FILE_NAME "workflows/lead.flow"

/* The part of the lead schema a flow needs. */
static const char lead_schema[] =
	"type   lead\n"
	"prefix L\n"
	"field title       text\n"
	"field stage       dict:funnel_stage default=new\n"
	"field amount      money\n"
	"field closed      enum:won|lost\n"
	"field lost_reason dict:refusal_reason\n"
	"field processed   bool\n";

static const char lead_flow[] =
	"# The sales funnel.  See kontora-flow(5).\n"
	"flow     lead                      # the record type\n"
	"field    stage\n"
	"states   new qualified proposal sample negotiation won lost    # in funnel order\n"
	"archive  won lost\n"
	"# transition NAME FROM... -> TO [requires=F1,F2] [reason=FIELD] [roles=R1,R2]\n"
	"transition qualify    new -> qualified\n"
	"transition propose    new qualified -> proposal   requires=amount\n"
	"transition sample     qualified proposal -> sample\n"
	"transition negotiate  proposal sample -> negotiation\n"
	"transition won        * -> won     requires=amount,title roles=manager,director\n"
	"transition lost       * -> lost    reason=lost_reason\n"
	"transition reopen     won lost -> new\n"
	"\n"
	"on won   set closed=won\n"
	"on lost  set closed=lost\n"
	"on new   set \"closed=\"\n";

static struct kt_schema *schema;

/* Parses text as FILE_NAME against the lead schema.  Returns
 * kt_flow_parse()'s status; *f is NULL unless it succeeded. */
static int parse(const char *text, struct kt_flow **f, struct kt_error *err)
{
	const struct kt_schema *types[] = { schema };

	memset(err, 0, sizeof *err);
	*f = NULL;
	return kt_flow_parse(text, strlen(text), FILE_NAME, types, 1, f, err);
}

/* Returns the states of list joined by spaces (static buffer). */
static const char *joined(char *const *v, size_t n)
{
	static char buf[512];

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i)
			strcat(buf, " ");
		strcat(buf, v[i]);
	}
	return buf;
}

static void test_lead(void)
{
	struct kt_flow *f;
	struct kt_error err;

	if (!is_int(parse(lead_flow, &f, &err), 0, "the lead flow parses")) {
		printf("# %s\n", err.msg);
		return;
	}
	is_str(f->type, "lead", "type");
	is_str(f->field, "stage", "field");
	is_str(f->file, FILE_NAME, "file");
	is_str(joined(f->states, f->nstates), "new qualified proposal sample negotiation won lost",
	       "states in order");
	is_int(f->states_line, 4, "the line of states");
	is_str(joined(f->archive, f->narchive), "won lost", "archive");
	is_int((long long)f->ntransitions, 7, "7 transitions");
	const struct kt_transition *t = kt_flow_transition(f, "propose");
	if (ok(t != NULL, "propose found")) {
		is_str(joined(t->from, t->nfrom), "new qualified", "propose: from");
		is_str(t->to, "proposal", "propose: to");
		is_str(joined(t->requires, t->nrequires), "amount", "propose: requires");
		is_int(t->line, 8, "propose: line");
		ok(t->reason == NULL, "propose: no reason");
	}
	t = kt_flow_transition(f, "won");
	if (ok(t != NULL, "won found")) {
		is_str(joined(t->from, t->nfrom), "new qualified proposal sample negotiation lost",
		       "won: * is every state but won");
		is_str(joined(t->requires, t->nrequires), "amount title", "won: requires two");
		is_str(joined(t->roles, t->nroles), "manager director", "won: roles");
	}
	t = kt_flow_transition(f, "lost");
	if (ok(t != NULL, "lost found"))
		is_str(t->reason, "lost_reason", "lost: reason");
	ok(kt_flow_transition(f, "move") == NULL, "no transition move");
	ok(kt_flow_is_state(f, "sample"), "sample is a state");
	ok(!kt_flow_is_state(f, "nova"), "nova is not");
	if (is_int((long long)f->nactions, 3, "3 actions")) {
		is_str(f->actions[0].state, "won", "action 0: state");
		is_str(f->actions[0].field, "closed", "action 0: field");
		is_str(f->actions[0].value, "won", "action 0: value");
		is_str(f->actions[2].state, "new", "action 2: state");
		is_str(f->actions[2].value, "", "action 2: an empty value (quoted)");
	}
	kt_flow_free(f);
}

/* Each error, with the line it is on. */
static const struct {
	const char *text;
	const char *msg;
} errors[] = {
	{ "field stage\n", FILE_NAME ":1: \"flow TYPE\" must come first" },
	{ "flow lead\nfield stage\nstates a\nfrobnicate x\n", FILE_NAME ":4: unknown directive \"frobnicate\"" },
	{ "flow lead\nflow lead\n", FILE_NAME ":2: flow given twice" },
	{ "flow lead lead\n", FILE_NAME ":1: flow takes one value" },
	{ "flow ghost\n", FILE_NAME ":1: flow: no type \"ghost\" (schemas/ghost.schema)" },
	{ "# x\nflow \"lead\n", FILE_NAME ":2: unterminated quote" },
	{ "flow lead\nfield colour\n", FILE_NAME ":2: field: no field \"colour\" in schemas/lead.schema" },
	{ "flow lead\nfield amount\n", FILE_NAME ":2: field: amount is a money field, not dict or enum" },
	{ "flow lead\nfield stage\nfield stage\n", FILE_NAME ":3: field given twice" },
	{ "flow lead\nfield stage\nstates a b a\n", FILE_NAME ":3: states: a given twice" },
	{ "flow lead\nfield stage\nstates a\nstates b\n", FILE_NAME ":4: states given twice" },
	{ "flow lead\nfield stage\nstates\n", FILE_NAME ":3: states needs at least one state" },
	{ "flow lead\nfield stage\nstates a B\n", FILE_NAME ":3: states: \"B\" is not a state name (a-z, 0-9, _ and -)" },
	{ "flow lead\nfield stage\nstates a b\narchive c\n",
	  FILE_NAME ":4: archive: \"c\" is not one of the states (line 3)" },
	{ "flow lead\nfield stage\ntransition x a -> b\n",
	  FILE_NAME ":3: transition: \"b\": no \"states\" line before" },
	{ "flow lead\nfield stage\nstates a b\ntransition x a -> c\n",
	  FILE_NAME ":4: transition: \"c\" is not one of the states (line 3)" },
	{ "flow lead\nfield stage\nstates a b\ntransition x c -> b\n",
	  FILE_NAME ":4: transition: \"c\" is not one of the states (line 3)" },
	{ "flow lead\nfield stage\nstates a b\ntransition x a b\n",
	  FILE_NAME ":4: transition takes NAME FROM... -> TO [OPTION=VALUE]..." },
	{ "flow lead\nfield stage\nstates a b\ntransition x -> b\n",
	  FILE_NAME ":4: transition takes NAME FROM... -> TO [OPTION=VALUE]..." },
	{ "flow lead\nfield stage\nstates a b\ntransition list a -> b\n",
	  FILE_NAME ":4: transition: list is a command of every type" },
	{ "flow lead\nfield stage\nstates a b\ntransition x a -> b\ntransition x b -> a\n",
	  FILE_NAME ":5: transition: x defined twice" },
	{ "flow lead\nfield stage\nstates a b\ntransition x a -> b requires=amount,colour\n",
	  FILE_NAME ":4: requires: no field \"colour\" in schemas/lead.schema" },
	{ "flow lead\nfield stage\nstates a b\ntransition x a -> b reason=why\n",
	  FILE_NAME ":4: reason: no field \"why\" in schemas/lead.schema" },
	{ "flow lead\nfield stage\nstates a b\ntransition x a -> b when=now\n",
	  FILE_NAME ":4: transition: unknown option \"when=now\"" },
	{ "flow lead\nfield stage\nstates a b\ntransition x a -> b roles=\n",
	  FILE_NAME ":4: transition: roles= needs a value" },
	{ "flow lead\nfield stage\nstates a b\non c set closed=won\n",
	  FILE_NAME ":4: on: \"c\" is not one of the states (line 3)" },
	{ "flow lead\nfield stage\nstates a b\non a closed=won\n",
	  FILE_NAME ":4: on takes STATE set FIELD=VALUE" },
	{ "flow lead\nfield stage\nstates a b\non a set colour=red\n",
	  FILE_NAME ":4: on: no field \"colour\" in schemas/lead.schema" },
	{ "flow lead\nfield stage\nstates a b\non a set closed=maybe\n",
	  FILE_NAME ":4: on: closed: \"maybe\" is not one of won|lost" },
	{ "flow lead\nfield stage\nstates a b\non a set stage=b\n",
	  FILE_NAME ":4: on: the state field stage is set by the moves" },
	{ "# nothing\n", FILE_NAME ": no \"flow TYPE\" line" },
	{ "flow lead\nstates a\n", FILE_NAME ": no \"field FIELD\" line" },
	{ "flow lead\nfield stage\n", FILE_NAME ": no \"states\" line" },
};

static void test_errors(void)
{
	for (size_t i = 0; i < sizeof errors / sizeof *errors; i++) {
		struct kt_flow *f;
		struct kt_error err;
		int rc = parse(errors[i].text, &f, &err);
		is_int(rc, KT_ESCHEMA, "error %zu fails", i);
		is_str(err.msg, errors[i].msg, "error %zu: message", i);
		ok(f == NULL, "error %zu: no flow", i);
		kt_flow_free(f);
	}
}

static void test_file_name(void)
{
	const struct kt_schema *types[1];
	struct kt_flow *f = NULL;
	struct kt_error err = { 0 };

	types[0] = schema;
	is_int(kt_flow_parse("flow lead\n", 10, "workflows/deal.flow", types, 1, &f, &err),
	       KT_ESCHEMA, "a flow in another type's file fails");
	is_str(err.msg, "workflows/deal.flow:1: flow: the flow of lead belongs in workflows/lead.flow",
	       "the message names the file it belongs in");
}

int main(void)
{
	struct kt_error err = { 0 };

	if (kt_schema_parse(lead_schema, strlen(lead_schema), "schemas/lead.schema", &schema, &err)) {
		printf("Bail out! %s\n", err.msg);
		return 1;
	}
	test_lead();
	test_errors();
	test_file_name();
	kt_schema_free(schema);
	return done_testing();
}
