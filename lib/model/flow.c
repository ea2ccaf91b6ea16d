/*
 * flow.c - workflows as data: parsing workflows/TYPE.flow files (states
 * in order, transitions, archive states, actions on entering a state,
 * edit rights).  See kontora-flow(5).  Moving a record along one is
 * books/move.c's.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/model.h"

/* Names a transition cannot have: the commands every type has. */
static const char *const reserved[] = { "add", "edit", "rm", "show", "list", "move" };

/* Returns 1 if s is a name: [a-z][a-z0-9_-]*. */
static int is_name(const char *s)
{
	if (!islower((unsigned char)*s))
		return 0;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_' && *s != '-')
			return 0;
	return 1;
}

/* Returns 1 if state is one of f's states.  See kontora.h. */
int kt_flow_is_state(const struct kt_flow *f, const char *state)
{
	return strv_has(f->states, f->nstates, state);
}

/* Returns a state's label.  See kontora.h. */
const char *kt_flow_state_label(const struct kt_flow *f, const char *state)
{
	for (size_t i = 0; f->state_labels && i < f->nstates; i++)
		if (!strcmp(f->states[i], state))
			return f->state_labels[i] ? f->state_labels[i] : state;
	return state;
}

/* Returns the transition called name.  See kontora.h. */
const struct kt_transition *kt_flow_transition(const struct kt_flow *f, const char *name)
{
	for (size_t i = 0; i < f->ntransitions; i++)
		if (!strcmp(f->transitions[i].name, name))
			return &f->transitions[i];
	return NULL;
}

/* The parser's state: the flow so far and where it comes from. */
struct parser {
	struct kt_flow *f;
	const struct kt_schema *s;    /* the type of the "flow" line */
	const struct kt_schema *const *types;
	size_t ntypes;
	const char *file;
	long line;
	struct kt_error *err;
};

/* Sets the error "FILE:LINE: message".  Returns KT_ESCHEMA. */
__attribute__((format(printf, 2, 3)))
static int bad(struct parser *p, const char *fmt, ...)
{
	char msg[900];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, _(fmt), ap);
	va_end(ap);
	return kt_error_set(p->err, KT_ESCHEMA, "%s:%ld: %s", p->file, p->line, msg);
}

/* Returns KT_ENOMEM with err set. */
static int oom(struct parser *p)
{
	return kt_error_set(p->err, KT_ENOMEM, "out of memory");
}

/* Checks that name (given to what) is a field of the flow's type.
 * Returns 0 or an error. */
static int need_field(struct parser *p, const char *what, const char *name)
{
	if (kt_schema_field(p->s, name))
		return 0;
	return bad(p, "%s: no field \"%s\" in %s", what, name, p->s->file);
}

/* Checks that state (given to what) is one of the states.  Returns 0 or
 * an error. */
static int need_state(struct parser *p, const char *what, const char *state)
{
	if (kt_flow_is_state(p->f, state))
		return 0;
	if (!p->f->nstates)
		return bad(p, "%s: \"%s\": no \"states\" line before", what, state);
	return bad(p, "%s: \"%s\" is not one of the states (line %ld)", what, state,
	           p->f->states_line);
}

/* Returns the base of the file name: "lead" of "workflows/lead.flow"
 * into out (size bytes). */
static void file_base(const char *file, char *out, size_t size)
{
	const char *slash = strrchr(file, '/');
	const char *base = slash ? slash + 1 : file;
	size_t n = strlen(base);

	if (n > 5 && !strcmp(base + n - 5, ".flow"))
		n -= 5;
	snprintf(out, size, "%.*s", (int)n, base);
}

/* "flow TYPE".  Returns 0 or an error. */
static int parse_flow(struct parser *p, char **w, int n)
{
	char base[256];

	if (n != 1)
		return bad(p, "flow takes one value");
	for (size_t i = 0; i < p->ntypes && !p->s; i++)
		if (!strcmp(p->types[i]->name, w[0]))
			p->s = p->types[i];
	if (!p->s)
		return bad(p, "flow: no type \"%s\" (schemas/%s.schema)", w[0], w[0]);
	file_base(p->file, base, sizeof base);
	if (strcmp(base, w[0]))
		return bad(p, "flow: the flow of %s belongs in workflows/%s.flow", w[0], w[0]);
	return (p->f->type = strdup(w[0])) ? 0 : oom(p);
}

/* "field FIELD": a dict or enum field.  Returns 0 or an error. */
static int parse_state_field(struct parser *p, char **w, int n)
{
	if (n != 1)
		return bad(p, "field takes one value");
	if (p->f->field)
		return bad(p, "field given twice");
	int rc = need_field(p, "field", w[0]);
	if (rc)
		return rc;
	enum kt_ftype t = kt_schema_field(p->s, w[0])->type;
	if (t != KT_DICT && t != KT_ENUM)
		return bad(p, "field: %s is a %s field, not dict or enum", w[0], kt_ftype_name(t));
	return (p->f->field = strdup(w[0])) ? 0 : oom(p);
}

/* "states S1 S2 ...".  Returns 0 or an error. */
static int parse_states(struct parser *p, char **w, int n)
{
	if (p->f->nstates)
		return bad(p, "states given twice");
	if (n < 1)
		return bad(p, "states needs at least one state");
	p->f->states_line = p->line;
	for (int i = 0; i < n; i++) {
		if (!is_name(w[i]))
			return bad(p, "states: \"%s\" is not a state name (a-z, 0-9, _ and -)", w[i]);
		if (kt_flow_is_state(p->f, w[i]))
			return bad(p, "states: %s given twice", w[i]);
		if (strv_push(&p->f->states, &p->f->nstates, w[i]))
			return oom(p);
	}
	return 0;
}

/* "archive S1 S2 ...".  Returns 0 or an error. */
static int parse_archive(struct parser *p, char **w, int n)
{
	for (int i = 0; i < n; i++) {
		int rc = need_state(p, "archive", w[i]);
		if (rc)
			return rc;
		if (!strv_has(p->f->archive, p->f->narchive, w[i]) &&
		    strv_push(&p->f->archive, &p->f->narchive, w[i]))
			return oom(p);
	}
	return 0;
}

/* "freeze S1 S2 ...": the states in which the record is frozen.
 * Returns 0 or an error. */
static int parse_freeze(struct parser *p, char **w, int n)
{
	struct kt_buf text = { 0 };

	if (p->f->freeze_text)
		return bad(p, "freeze given twice");
	if (!n)
		return bad(p, "freeze needs states");
	for (int i = 0; i < n; i++) {
		int rc = need_state(p, "freeze", w[i]);
		if (rc)
			return rc;
		if (strv_push(&p->f->frozen, &p->f->nfrozen, w[i]))
			return oom(p);
	}
	if (kt_buf_adds(&text, "freeze"))
		return oom(p);
	for (int i = 0; i < n; i++)
		if (kt_buf_addf(&text, " %s", w[i])) {
			kt_buf_free(&text);
			return oom(p);
		}
	p->f->freeze_text = kt_buf_detach(&text);
	p->f->freeze_line = p->line;
	return 0;
}

/* "label STATE TEXT": what people see for a state.  Returns 0 or an
 * error. */
static int parse_label(struct parser *p, char **w, int n)
{
	size_t i;

	if (n != 2)
		return bad(p, "label needs a state and its text: label shipped \"отгружен\"");
	int rc = need_state(p, "label", w[0]);
	if (rc)
		return rc;
	if (!*w[1])
		return bad(p, "label %s: the text is empty", w[0]);
	if (!p->f->state_labels && !(p->f->state_labels = calloc(p->f->nstates, sizeof (char *))))
		return oom(p);
	for (i = 0; strcmp(p->f->states[i], w[0]); i++)
		;
	if (p->f->state_labels[i])
		return bad(p, "label %s given twice", w[0]);
	return (p->f->state_labels[i] = strdup(w[1])) ? 0 : oom(p);
}

/* Checks that role (given to what) is a value of the role field of the
 * employee type, when the types have one.  Returns 0 or an error. */
static int need_role(struct parser *p, const char *what, const char *role)
{
	struct kt_error e = { 0 };
	char *norm = NULL;

	for (size_t i = 0; i < p->ntypes; i++) {
		const struct kt_field *fd = strcmp(p->types[i]->name, "employee") ? NULL
		                            : kt_schema_field(p->types[i], "role");
		if (!fd || fd->type != KT_ENUM)
			continue;
		if (kt_value_normalize(fd, role, &norm, &e))
			return e.code == KT_ENOMEM ? oom(p) : bad(p, "%s: %s", what, e.msg);
		free(norm);
	}
	return 0;
}

/* What the words of a list option are. */
enum list_of { ANY, FIELDS, ROLES };

/* Splits "a,b,c" of option opt of directive what into the list (*v, *n),
 * checking each word is a field or a role.  Returns 0 or an error. */
static int parse_list(struct parser *p, const char *what, const char *opt, const char *list,
                      enum list_of of, char ***v, size_t *n)
{
	char *copy = strdup(list);
	int rc = copy ? 0 : oom(p);

	if (!rc && !*list)
		rc = bad(p, "%s: %s= needs a value", what, opt);
	for (char *save = NULL, *tok = copy ? strtok_r(copy, ",", &save) : NULL; !rc && tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (of == FIELDS)
			rc = need_field(p, opt, tok);
		else if (of == ROLES)
			rc = need_role(p, opt, tok);
		if (!rc && strv_push(v, n, tok))
			rc = oom(p);
	}
	free(copy);
	return rc;
}

/* "transition NAME FROM... -> TO [requires=F,...] [reason=F] [roles=R,...]".
 * Returns 0 or an error. */
static int parse_transition(struct parser *p, char **w, int n)
{
	struct kt_flow *f = p->f;
	int arrow = -1, rc;

	for (int i = 0; i < n && arrow < 0; i++)
		if (!strcmp(w[i], "->"))
			arrow = i;
	if (n < 4 || arrow < 2 || arrow + 1 >= n)
		return bad(p, "transition takes NAME FROM... -> TO [OPTION=VALUE]...");
	if (!is_name(w[0]))
		return bad(p, "transition: \"%s\" is not a name (a-z, 0-9, _ and -)", w[0]);
	for (size_t i = 0; i < sizeof reserved / sizeof *reserved; i++)
		if (!strcmp(w[0], reserved[i]))
			return bad(p, "transition: %s is a command of every type", w[0]);
	if (kt_flow_transition(f, w[0]))
		return bad(p, "transition: %s defined twice", w[0]);
	if ((rc = need_state(p, "transition", w[arrow + 1])))
		return rc;
	for (int i = 1; i < arrow; i++)
		if (strcmp(w[i], "*") && (rc = need_state(p, "transition", w[i])))
			return rc;

	struct kt_transition *ts = realloc(f->transitions, (f->ntransitions + 1) * sizeof *ts);
	if (!ts)
		return oom(p);
	f->transitions = ts;
	struct kt_transition *t = &ts[f->ntransitions++];
	memset(t, 0, sizeof *t);
	t->line = p->line;
	if (!(t->name = strdup(w[0])) || !(t->to = strdup(w[arrow + 1])))
		return oom(p);
	for (int i = 1; i < arrow; i++) {
		int star = !strcmp(w[i], "*");
		for (size_t k = 0; k < f->nstates; k++) {
			const char *st = star ? f->states[k] : w[i];
			if ((star && !strcmp(st, t->to)) || strv_has(t->from, t->nfrom, st))
				continue;
			if (strv_push(&t->from, &t->nfrom, st))
				return oom(p);
			if (!star)
				break;
		}
	}
	for (int i = arrow + 2; i < n; i++) {
		if (!strncmp(w[i], "requires=", 9))
			rc = parse_list(p, "transition", "requires", w[i] + 9, FIELDS, &t->requires,
			                &t->nrequires);
		else if (!strncmp(w[i], "roles=", 6))
			rc = parse_list(p, "transition", "roles", w[i] + 6, ROLES, &t->roles, &t->nroles);
		else if (!strncmp(w[i], "reason=", 7)) {
			if (t->reason)
				return bad(p, "transition: reason= given twice");
			if ((rc = need_field(p, "reason", w[i] + 7)))
				return rc;
			if (!(t->reason = strdup(w[i] + 7)))
				return oom(p);
		} else
			return bad(p, "transition: unknown option \"%s\"", w[i]);
		if (rc)
			return rc;
	}
	return 0;
}

/* Appends a new action for state at the parser's line to the flow.
 * Returns it, or NULL when out of memory. */
static struct kt_flow_action *new_action(struct parser *p, enum kt_action_kind kind,
                                         const char *state)
{
	struct kt_flow *f = p->f;
	struct kt_flow_action *as = realloc(f->actions, (f->nactions + 1) * sizeof *as);

	if (!as)
		return NULL;
	f->actions = as;
	struct kt_flow_action *a = &as[f->nactions++];
	memset(a, 0, sizeof *a);
	a->kind = kind;
	a->line = p->line;
	return (a->state = strdup(state)) ? a : NULL;
}

/* "on STATE set FIELD=VALUE".  Returns 0 or an error. */
static int parse_on_set(struct parser *p, char **w, int n)
{
	struct kt_flow *f = p->f;
	const char *eq = n == 3 ? strchr(w[2], '=') : NULL;
	int rc;

	if (n != 3 || !eq || eq == w[2])
		return bad(p, "on takes STATE set FIELD=VALUE");
	char *field = strndup(w[2], (size_t)(eq - w[2]));
	if (!field)
		return oom(p);
	if ((rc = need_field(p, "on", field))) {
		free(field);
		return rc;
	}
	if (!strcmp(field, f->field ? f->field : "")) {
		free(field);
		return bad(p, "on: the state field %s is set by the moves", f->field);
	}
	/* The value must be one the field can hold (dictionaries and
	 * references are checked when it is set). */
	char *norm = NULL;
	struct kt_error e = { 0 };
	if (kt_value_normalize(kt_schema_field(p->s, field), eq + 1, &norm, &e)) {
		free(field);
		return e.code == KT_ENOMEM ? oom(p) : bad(p, "on: %s", e.msg);
	}
	free(norm);
	struct kt_flow_action *a = new_action(p, KT_ACTION_SET, w[0]);
	if (!a) {
		free(field);
		return oom(p);
	}
	a->field = field;
	return (a->value = strdup(eq + 1)) ? 0 : oom(p);
}

/* Checks that the books have type name with the fields an action of
 * kind what writes (NULL-terminated), and that the flow's type has an
 * owner.  Returns 0 or an error. */
static int need_type(struct parser *p, const char *what, const char *name,
                     const char *const *fields)
{
	const struct kt_schema *t = NULL;

	if (!p->s->owner)
		return bad(p, "%s: %s has no owner (\"owner FIELD\" in %s)", what, p->s->name,
		           p->s->file);
	for (size_t i = 0; i < p->ntypes && !t; i++)
		if (!strcmp(p->types[i]->name, name))
			t = p->types[i];
	if (!t)
		return bad(p, "%s: no type %s (schemas/%s.schema)", what, name, name);
	for (; *fields; fields++)
		if (!kt_schema_field(t, *fields))
			return bad(p, "%s: no field \"%s\" in %s", what, *fields, t->file);
	return 0;
}

/* Reads w as a number of days from min to 3650 into *days.  Returns 0 or
 * an error naming what. */
static int parse_days(struct parser *p, const char *what, const char *w, long min, int *days)
{
	char *end = NULL;
	long v = 0;

	if (isdigit((unsigned char)*w))
		v = strtol(w, &end, 10);
	if (!end || *end || v < min || v > 3650)
		return bad(p, "%s: \"%s\" is not a number of days (%ld to 3650)", what, w, min);
	*days = (int)v;
	return 0;
}

/* Splits "a,b" of until= into states of the flow.  Returns 0 or an error. */
static int parse_states_list(struct parser *p, const char *what, const char *list,
                             char ***v, size_t *n)
{
	int rc = parse_list(p, what, "until", list, ANY, v, n);

	for (size_t i = 0; !rc && i < *n; i++)
		rc = need_state(p, what, (*v)[i]);
	return rc;
}

/* "on STATE task DAYS TEXT [requires=F,...] [until=S,...]", at most one
 * per state.  Returns 0 or an error. */
static int parse_on_task(struct parser *p, char **w, int n)
{
	static const char *const fields[] = { "text", "on", "due", "rule", NULL };
	struct kt_flow_action *a;
	int days, rc;

	if (n < 4 || n > 6)
		return bad(p, "on takes STATE task DAYS \"TEXT\" [requires=FIELD,...] [until=STATE,...]");
	if ((rc = need_type(p, "on: task", "task", fields)))
		return rc;
	for (size_t i = 0; i < p->f->nactions; i++)
		if (p->f->actions[i].kind == KT_ACTION_TASK && !strcmp(p->f->actions[i].state, w[0]))
			return bad(p, "on: %s has a task already (line %ld): one task per state",
			           w[0], p->f->actions[i].line);
	if ((rc = parse_days(p, "on: task", w[2], 0, &days)))
		return rc;
	if (!*w[3])
		return bad(p, "on: task: the text is empty");
	if (!(a = new_action(p, KT_ACTION_TASK, w[0])) || !(a->value = strdup(w[3])))
		return oom(p);
	a->days = days;
	for (int i = 4; !rc && i < n; i++) {
		if (!strncmp(w[i], "requires=", 9) && !a->nrequires)
			rc = parse_list(p, "on", "requires", w[i] + 9, FIELDS, &a->requires, &a->nrequires);
		else if (!strncmp(w[i], "until=", 6) && !a->nuntil)
			rc = parse_states_list(p, "on: task", w[i] + 6, &a->until, &a->nuntil);
		else
			rc = bad(p, "on: task: \"%s\" is not requires=FIELD,... or until=STATE,... "
			         "(each once)", w[i]);
	}
	return rc;
}

/* "every DAYS STATE... notify owner|supervisor TEXT [since=FIELD]": a
 * timed notice, the states' first naming it (at most one timer per
 * state).  Returns 0 or an error. */
static int parse_every(struct parser *p, char **w, int n)
{
	static const char *const fields[] = { "on", "kind", "text", "to", "at", "rule", NULL };
	struct kt_flow *f = p->f;
	struct kt_flow_timer *t;
	int verb = 1, days, rc;

	while (verb < n && strcmp(w[verb], "notify"))
		verb++;
	if (n < 4 || verb == 1 || verb + 2 >= n || verb + 4 < n)
		return bad(p, "every takes DAYS STATE... notify owner|supervisor \"TEXT\" [since=FIELD]");
	if (strcmp(w[verb + 1], "owner") && strcmp(w[verb + 1], "supervisor"))
		return bad(p, "every: notify: \"%s\" is not whom to notify (owner or supervisor)",
		           w[verb + 1]);
	if (!*w[verb + 2])
		return bad(p, "every: notify: the text is empty");
	if (verb + 3 < n && strncmp(w[verb + 3], "since=", 6))
		return bad(p, "every: unknown option \"%s\" (since=FIELD)", w[verb + 3]);
	if ((rc = parse_days(p, "every", w[0], 1, &days)) ||
	    (rc = need_type(p, "every", "activity", fields)))
		return rc;
	for (int i = 1; i < verb; i++) {
		if ((rc = need_state(p, "every", w[i])))
			return rc;
		for (size_t k = 0; k < f->ntimers; k++)
			if (strv_has(f->timers[k].states, f->timers[k].nstates, w[i]))
				return bad(p, "every: %s has a timer already (line %ld): one per state",
				           w[i], f->timers[k].line);
	}
	const char *since = verb + 3 < n ? w[verb + 3] + 6 : "created";
	if (strcmp(since, "created")) {
		if ((rc = need_field(p, "since", since)))
			return rc;
		enum kt_ftype ft = kt_schema_field(p->s, since)->type;
		if (ft != KT_DATE && ft != KT_DATETIME)
			return bad(p, "every: since: %s is a %s field, not date or datetime", since,
			           kt_ftype_name(ft));
	}
	if (!(t = realloc(f->timers, (f->ntimers + 1) * sizeof *t)))
		return oom(p);
	f->timers = t;
	t = &t[f->ntimers++];
	memset(t, 0, sizeof *t);
	t->line = p->line;
	t->days = days;
	for (int i = 1; i < verb; i++)
		if (strv_push(&t->states, &t->nstates, w[i]))
			return oom(p);
	if (!(t->to = strdup(w[verb + 1])) || !(t->text = strdup(w[verb + 2])) ||
	    !(t->since = strdup(since)) ||
	    asprintf(&t->rule, "%s every %s", p->file, w[1]) < 0)
		return oom(p);
	return 0;
}

/* "on STATE notify supervisor TEXT".  Returns 0 or an error. */
static int parse_on_notify(struct parser *p, char **w, int n)
{
	static const char *const fields[] = { "on", "kind", "text", "to", NULL };
	int rc;

	if (n != 4)
		return bad(p, "on takes STATE notify supervisor \"TEXT\"");
	if (strcmp(w[2], "supervisor"))
		return bad(p, "on: notify: \"%s\" is not whom to notify (supervisor)", w[2]);
	if ((rc = need_type(p, "on: notify", "activity", fields)))
		return rc;
	if (!*w[3])
		return bad(p, "on: notify: the text is empty");
	struct kt_flow_action *a = new_action(p, KT_ACTION_NOTIFY, w[0]);
	if (!a || !(a->value = strdup(w[3])) || !(a->to = strdup(w[2])))
		return oom(p);
	return 0;
}

/* "on STATE set|task|notify ...".  Returns 0 or an error. */
static int parse_on(struct parser *p, char **w, int n)
{
	int rc;

	if (n < 2 || (strcmp(w[1], "set") && strcmp(w[1], "task") && strcmp(w[1], "notify")))
		return bad(p, "on takes STATE set|task|notify ...");
	if ((rc = need_state(p, "on", w[0])))
		return rc;
	if (!strcmp(w[1], "set"))
		return parse_on_set(p, w, n);
	if (!strcmp(w[1], "task"))
		return parse_on_task(p, w, n);
	return parse_on_notify(p, w, n);
}

/* "edit ROLE[,ROLE...] STATE... fields=F,...|*".  Returns 0 or an error. */
static int parse_edit(struct parser *p, char **w, int n)
{
	struct kt_flow *f = p->f;
	struct kt_buf text = { 0 };
	int rc;

	if (n < 3 || strncmp(w[n - 1], "fields=", 7))
		return bad(p, "edit takes ROLE[,ROLE...] STATE... fields=FIELD,...|*");
	struct kt_flow_edit *es = realloc(f->edits, (f->nedits + 1) * sizeof *es);
	if (!es)
		return oom(p);
	f->edits = es;
	struct kt_flow_edit *e = &es[f->nedits++];
	memset(e, 0, sizeof *e);
	e->line = p->line;
	rc = kt_buf_adds(&text, "edit");
	for (int i = 0; !rc && i < n; i++)
		rc = kt_buf_addf(&text, " %s", w[i]);
	if (rc || !(e->text = kt_buf_detach(&text))) {
		kt_buf_free(&text);
		return oom(p);
	}
	if ((rc = parse_list(p, "edit", "edit", w[0], ROLES, &e->roles, &e->nroles)))
		return rc;
	if (!e->nroles)
		return bad(p, "edit: no role in \"%s\"", w[0]);
	for (int i = 1; i < n - 1; i++) {
		int star = !strcmp(w[i], "*");
		if ((!star || !f->nstates) && (rc = need_state(p, "edit", w[i])))
			return rc;
		for (size_t k = 0; k < f->nstates; k++) {
			const char *st = star ? f->states[k] : w[i];
			if (!strv_has(e->states, e->nstates, st) && strv_push(&e->states, &e->nstates, st))
				return oom(p);
			if (!star)
				break;
		}
	}
	if (!strcmp(w[n - 1], "fields=*"))
		return 0;
	if ((rc = parse_list(p, "edit", "fields", w[n - 1] + 7, FIELDS, &e->fields, &e->nfields)))
		return rc;
	if (!e->nfields)
		return bad(p, "edit: fields= needs a value");
	if (f->field && strv_has(e->fields, e->nfields, f->field))
		return bad(p, "edit: %s is the state field, changed only by moves", f->field);
	return 0;
}

/* Parses one line's words.  Returns 0 or an error. */
static int parse_line(struct parser *p, char **w, int n)
{
	const char *d = w[0];

	w++, n--;
	if (!strcmp(d, "flow")) {
		if (p->f->type)
			return bad(p, "flow given twice");
		return parse_flow(p, w, n);
	}
	if (strcmp(d, "field") && strcmp(d, "states") && strcmp(d, "archive") &&
	    strcmp(d, "transition") && strcmp(d, "on") && strcmp(d, "edit") && strcmp(d, "freeze") &&
	    strcmp(d, "label") && strcmp(d, "every"))
		return bad(p, "unknown directive \"%s\"", d);
	if (!p->f->type)
		return bad(p, "\"flow TYPE\" must come first");
	if (!strcmp(d, "field"))
		return parse_state_field(p, w, n);
	if (!strcmp(d, "states"))
		return parse_states(p, w, n);
	if (!strcmp(d, "archive"))
		return parse_archive(p, w, n);
	if (!strcmp(d, "transition"))
		return parse_transition(p, w, n);
	if (!strcmp(d, "edit"))
		return parse_edit(p, w, n);
	if (!strcmp(d, "freeze"))
		return parse_freeze(p, w, n);
	if (!strcmp(d, "label"))
		return parse_label(p, w, n);
	if (!strcmp(d, "every"))
		return parse_every(p, w, n);
	return parse_on(p, w, n);
}

/*
 * Parses a workflow file.  Returns 0 and *out (kt_flow_free()), or
 * KT_ESCHEMA / KT_ENOMEM with err naming the file and line.
 */
int kt_flow_parse(const char *text, size_t len, const char *name,
                  const struct kt_schema *const *types, size_t ntypes,
                  struct kt_flow **out, struct kt_error *err)
{
	struct parser p = { .types = types, .ntypes = ntypes, .file = name, .err = err };
	char *copy = malloc(len + 1);
	int rc = 0;

	p.f = calloc(1, sizeof *p.f);
	if (!p.f || !copy || !(p.f->file = strdup(name))) {
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
		goto done;
	}
	memcpy(copy, text, len);
	copy[len] = '\0';
	for (char *s = copy, *nl; s && *s && !rc; s = nl ? nl + 1 : NULL) {
		char *words[64];
		nl = strchr(s, '\n');
		if (nl)
			*nl = '\0';
		p.line++;
		int n = line_words(s, words, 64);
		if (n < 0)
			rc = bad(&p, "unterminated quote");
		else if (n > 0)
			rc = parse_line(&p, words, n);
	}
	if (rc)
		goto done;
	if (!p.f->type)
		rc = kt_error_set(err, KT_ESCHEMA, "%s: no \"flow TYPE\" line", name);
	else if (!p.f->field)
		rc = kt_error_set(err, KT_ESCHEMA, "%s: no \"field FIELD\" line", name);
	else if (!p.f->nstates)
		rc = kt_error_set(err, KT_ESCHEMA, "%s: no \"states\" line", name);
done:
	free(copy);
	if (rc) {
		kt_flow_free(p.f);
		return rc;
	}
	*out = p.f;
	return 0;
}

/* Frees a workflow; NULL is fine. */
void kt_flow_free(struct kt_flow *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->ntransitions; i++) {
		struct kt_transition *t = &f->transitions[i];
		free(t->name);
		free(t->to);
		free(t->reason);
		strv_free(t->from, t->nfrom);
		strv_free(t->requires, t->nrequires);
		strv_free(t->roles, t->nroles);
	}
	for (size_t i = 0; i < f->nactions; i++) {
		free(f->actions[i].state);
		free(f->actions[i].field);
		free(f->actions[i].value);
		free(f->actions[i].to);
		strv_free(f->actions[i].requires, f->actions[i].nrequires);
		strv_free(f->actions[i].until, f->actions[i].nuntil);
	}
	for (size_t i = 0; i < f->ntimers; i++) {
		struct kt_flow_timer *t = &f->timers[i];
		strv_free(t->states, t->nstates);
		free(t->to);
		free(t->text);
		free(t->since);
		free(t->rule);
	}
	free(f->timers);
	for (size_t i = 0; i < f->nedits; i++) {
		strv_free(f->edits[i].roles, f->edits[i].nroles);
		strv_free(f->edits[i].states, f->edits[i].nstates);
		strv_free(f->edits[i].fields, f->edits[i].nfields);
		free(f->edits[i].text);
	}
	free(f->transitions);
	free(f->actions);
	free(f->edits);
	if (f->state_labels)
		strv_free(f->state_labels, f->nstates);
	strv_free(f->states, f->nstates);
	strv_free(f->archive, f->narchive);
	strv_free(f->frozen, f->nfrozen);
	free(f->freeze_text);
	free(f->type);
	free(f->field);
	free(f->file);
	free(f);
}

