/*
 * flow.c - unit tests for lib/model/flow.c: kt_flow_parse() on workflow text
 * (the default lead funnel, its edit lines and task and notify actions,
 * then each error with its exact message), kt_flow_is_state() and
 * kt_flow_transition().
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
	"field processed   bool\n"
	"field manager     ref:employee\n"
	"owner manager\n";

/* The types task and notify actions and every timers write, and the
 * roles. */
static const char *const other_schemas[] = {
	"type task\nprefix T\nowner assignee\nfield text text\nfield on text\n"
	"field assignee ref:employee\nfield due date\nfield rule text\n",
	"type activity\nprefix A\nfield on text\nfield kind dict:activity_kind\n"
	"field text text\nfield to ref:employee\nfield at datetime\nfield rule text\n",
	"type employee\nprefix E\nkey login\nfield login text\n"
	"field role enum:admin|director|manager|lab\nfield supervisor ref:employee\n",
};

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
	"on new   set \"closed=\"\n"
	"on qualified task 2 \"Подготовить КП\" requires=amount,title\n"
	"on lost  notify supervisor \"Лид проигран\"\n"
	"edit manager,director new qualified  fields=title,amount\n"
	"edit director *  fields=*\n";

static struct kt_schema *schema;
static struct kt_schema *others[3];

/* Parses text as FILE_NAME against the lead schema and the others.
 * Returns kt_flow_parse()'s status; *f is NULL unless it succeeded. */
static int parse(const char *text, struct kt_flow **f, struct kt_error *err)
{
	const struct kt_schema *types[] = { schema, others[0], others[1], others[2] };

	memset(err, 0, sizeof *err);
	*f = NULL;
	return kt_flow_parse(text, strlen(text), FILE_NAME, types, 4, f, err);
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
	if (is_int((long long)f->nactions, 5, "5 actions")) {
		is_int(f->actions[0].kind, KT_ACTION_SET, "action 0: set");
		is_str(f->actions[0].state, "won", "action 0: state");
		is_str(f->actions[0].field, "closed", "action 0: field");
		is_str(f->actions[0].value, "won", "action 0: value");
		is_str(f->actions[2].state, "new", "action 2: state");
		is_str(f->actions[2].value, "", "action 2: an empty value (quoted)");
		const struct kt_flow_action *a = &f->actions[3];
		is_int(a->kind, KT_ACTION_TASK, "action 3: task");
		is_str(a->state, "qualified", "task: state");
		is_int(a->days, 2, "task: days");
		is_str(a->value, "Подготовить КП", "task: the text, unquoted");
		is_str(joined(a->requires, a->nrequires), "amount title", "task: requires");
		is_int(a->line, 18, "task: line");
		a = &f->actions[4];
		is_int(a->kind, KT_ACTION_NOTIFY, "action 4: notify");
		is_str(a->state, "lost", "notify: state");
		is_str(a->to, "supervisor", "notify: to");
		is_str(a->value, "Лид проигран", "notify: text");
		is_int((long long)a->nrequires, 0, "notify: requires nothing");
	}
	if (is_int((long long)f->nedits, 2, "2 edit lines")) {
		const struct kt_flow_edit *e = &f->edits[0];
		is_str(joined(e->roles, e->nroles), "manager director", "edit 0: roles");
		is_str(joined(e->states, e->nstates), "new qualified", "edit 0: states");
		is_str(joined(e->fields, e->nfields), "title amount", "edit 0: fields");
		is_str(e->text, "edit manager,director new qualified fields=title,amount",
		       "edit 0: the text, one space between words");
		is_int(e->line, 20, "edit 0: line");
		e = &f->edits[1];
		is_str(joined(e->states, e->nstates), "new qualified proposal sample negotiation won lost",
		       "edit 1: * is every state");
		is_int((long long)e->nfields, 0, "edit 1: fields=* is no list");
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
	  FILE_NAME ":4: on takes STATE set|task|notify ..." },
	{ "flow lead\nfield stage\nstates a b\non a set closed\n",
	  FILE_NAME ":4: on takes STATE set FIELD=VALUE" },
	{ "flow lead\nfield stage\nstates a b\non c task 1 x\n",
	  FILE_NAME ":4: on: \"c\" is not one of the states (line 3)" },
	{ "flow lead\nfield stage\nstates a b\non a task 1\n",
	  FILE_NAME ":4: on takes STATE task DAYS \"TEXT\" [requires=FIELD,...] [until=STATE,...]" },
	{ "flow lead\nfield stage\nstates a b\non a task 1 x y\n",
	  FILE_NAME ":4: on: task: \"y\" is not requires=FIELD,... or until=STATE,... (each once)" },
	{ "flow lead\nfield stage\nstates a b\non a task 1 x until=a until=b\n",
	  FILE_NAME ":4: on: task: \"until=b\" is not requires=FIELD,... or until=STATE,... (each once)" },
	{ "flow lead\nfield stage\nstates a b\non a task 1 x until=c\n",
	  FILE_NAME ":4: on: task: \"c\" is not one of the states (line 3)" },
	{ "flow lead\nfield stage\nstates a b\nevery 0 a notify owner x\n",
	  FILE_NAME ":4: every: \"0\" is not a number of days (1 to 3650)" },
	{ "flow lead\nfield stage\nstates a b\nevery 3 a notify owner x since=amount\n",
	  FILE_NAME ":4: every: since: amount is a money field, not date or datetime" },
	{ "flow lead\nfield stage\nstates a b\nevery 3 a notify owner x\nevery 2 b a notify owner y\n",
	  FILE_NAME ":5: every: a has a timer already (line 4): one per state" },
	{ "flow lead\nfield stage\nstates a b\nevery 3 notify owner x\n",
	  FILE_NAME ":4: every takes DAYS STATE... notify owner|supervisor \"TEXT\" [since=FIELD]" },
	{ "flow lead\nfield stage\nstates a b\non a task -1 x\n",
	  FILE_NAME ":4: on: task: \"-1\" is not a number of days (0 to 3650)" },
	{ "flow lead\nfield stage\nstates a b\non a task 2d x\n",
	  FILE_NAME ":4: on: task: \"2d\" is not a number of days (0 to 3650)" },
	{ "flow lead\nfield stage\nstates a b\non a task 3651 x\n",
	  FILE_NAME ":4: on: task: \"3651\" is not a number of days (0 to 3650)" },
	{ "flow lead\nfield stage\nstates a b\non a task 1 \"\"\n",
	  FILE_NAME ":4: on: task: the text is empty" },
	{ "flow lead\nfield stage\nstates a b\non a task 1 x requires=colour\n",
	  FILE_NAME ":4: requires: no field \"colour\" in schemas/lead.schema" },
	{ "flow lead\nfield stage\nstates a b\non a task 1 x\non a task 2 y\n",
	  FILE_NAME ":5: on: a has a task already (line 4): one task per state" },
	{ "flow lead\nfield stage\nstates a b\non a notify boss x\n",
	  FILE_NAME ":4: on: notify: \"boss\" is not whom to notify (supervisor)" },
	{ "flow lead\nfield stage\nstates a b\non a notify supervisor\n",
	  FILE_NAME ":4: on takes STATE notify supervisor \"TEXT\"" },
	{ "flow lead\nfield stage\nstates a b\nedit manager a\n",
	  FILE_NAME ":4: edit takes ROLE[,ROLE...] STATE... fields=FIELD,...|*" },
	{ "flow lead\nfield stage\nstates a b\nedit manager fields=*\n",
	  FILE_NAME ":4: edit takes ROLE[,ROLE...] STATE... fields=FIELD,...|*" },
	{ "flow lead\nfield stage\nstates a b\nedit boss a fields=*\n",
	  FILE_NAME ":4: edit: role: \"boss\" is not one of admin|director|manager|lab" },
	{ "flow lead\nfield stage\nstates a b\nedit , a fields=*\n",
	  FILE_NAME ":4: edit: no role in \",\"" },
	{ "flow lead\nfield stage\nstates a b\nedit manager a fields=,\n",
	  FILE_NAME ":4: edit: fields= needs a value" },
	{ "flow lead\nfield stage\nedit manager * fields=*\n",
	  FILE_NAME ":3: edit: \"*\": no \"states\" line before" },
	{ "flow lead\nfield stage\nstates a b\nedit manager c fields=*\n",
	  FILE_NAME ":4: edit: \"c\" is not one of the states (line 3)" },
	{ "flow lead\nfield stage\nstates a b\nedit manager a fields=amount,colour\n",
	  FILE_NAME ":4: fields: no field \"colour\" in schemas/lead.schema" },
	{ "flow lead\nfield stage\nstates a b\nedit manager a fields=\n",
	  FILE_NAME ":4: edit: fields= needs a value" },
	{ "flow lead\nfield stage\nstates a b\nedit manager a fields=amount,stage\n",
	  FILE_NAME ":4: edit: stage is the state field, changed only by moves" },
	{ "flow lead\nfield stage\nstates a b\ntransition x a -> b roles=manager,boss\n",
	  FILE_NAME ":4: roles: role: \"boss\" is not one of admin|director|manager|lab" },
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

/* Task and notify actions need an owner and the types they write. */
static void test_needs(void)
{
	static const char owner_less[] = "type lead\nprefix L\nfield stage dict:funnel_stage\n";
	static const char task_less[] = "type task\nprefix T\nfield text text\n";
	static const char text[] = "flow lead\nfield stage\nstates a b\non a task 1 x\n";
	struct kt_schema *lead = NULL, *task = NULL;
	struct kt_flow *f = NULL;
	struct kt_error err = { 0 };

	if (kt_schema_parse(owner_less, strlen(owner_less), "schemas/lead.schema", &lead, &err) ||
	    kt_schema_parse(task_less, strlen(task_less), "schemas/task.schema", &task, &err)) {
		printf("Bail out! %s\n", err.msg);
		return;
	}
	const struct kt_schema *types[] = { lead, task };
	is_int(kt_flow_parse(text, strlen(text), FILE_NAME, types, 1, &f, &err), KT_ESCHEMA,
	       "a task action for a type without an owner fails");
	is_str(err.msg, FILE_NAME ":4: on: task: lead has no owner (\"owner FIELD\" in schemas/lead.schema)",
	       "the message names the schema");
	types[0] = schema;
	is_int(kt_flow_parse(text, strlen(text), FILE_NAME, types, 1, &f, &err), KT_ESCHEMA,
	       "no task type");
	is_str(err.msg, FILE_NAME ":4: on: task: no type task (schemas/task.schema)", "names it");
	types[1] = task;
	is_int(kt_flow_parse(text, strlen(text), FILE_NAME, types, 2, &f, &err), KT_ESCHEMA,
	       "a task type without the fields a task action writes");
	is_str(err.msg, FILE_NAME ":4: on: task: no field \"on\" in schemas/task.schema", "names the first");
	kt_schema_free(lead);
	kt_schema_free(task);
}

int main(void)
{
	struct kt_error err = { 0 };

	if (kt_schema_parse(lead_schema, strlen(lead_schema), "schemas/lead.schema", &schema, &err)) {
		printf("Bail out! %s\n", err.msg);
		return 1;
	}
	for (size_t i = 0; i < 3; i++)
		if (kt_schema_parse(other_schemas[i], strlen(other_schemas[i]), "schemas/other.schema",
		                    &others[i], &err)) {
			printf("Bail out! %s\n", err.msg);
			return 1;
		}
	test_lead();
	test_errors();
	test_file_name();
	test_needs();
	kt_schema_free(schema);
	for (size_t i = 0; i < 3; i++)
		kt_schema_free(others[i]);
	return done_testing();
}
