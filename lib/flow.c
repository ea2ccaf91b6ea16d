/*
 * flow.c - workflows as data: workflows/TYPE.flow files (states in order,
 * transitions, archive states, actions on entering a state) and moving a
 * record along one.  See kontora-flow(5).  The engine knows nothing of
 * leads: the funnel and the lab are flow files.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

/* Names a transition cannot have: the commands every type has. */
static const char *const reserved[] = { "add", "edit", "rm", "show", "list", "move" };

/* Appends a copy of s to the list (*v, *n).  Returns 0 or KT_ENOMEM. */
static int push(char ***v, size_t *n, const char *s)
{
	char **nv = realloc(*v, (*n + 1) * sizeof *nv);

	if (!nv)
		return KT_ENOMEM;
	*v = nv;
	if (!(nv[*n] = strdup(s)))
		return KT_ENOMEM;
	(*n)++;
	return 0;
}

/* Frees the list v of n strings. */
static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Returns 1 if s is one of the n strings of v, else 0. */
static int strv_has(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return 1;
	return 0;
}

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
	vsnprintf(msg, sizeof msg, fmt, ap);
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
		if (push(&p->f->states, &p->f->nstates, w[i]))
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
		    push(&p->f->archive, &p->f->narchive, w[i]))
			return oom(p);
	}
	return 0;
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
		if (!rc && push(v, n, tok))
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
			if (push(&t->from, &t->nfrom, st))
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
		return bad(p, "on: %s: %s has no owner (\"owner FIELD\" in %s)", what, p->s->name,
		           p->s->file);
	for (size_t i = 0; i < p->ntypes && !t; i++)
		if (!strcmp(p->types[i]->name, name))
			t = p->types[i];
	if (!t)
		return bad(p, "on: %s: no type %s (schemas/%s.schema)", what, name, name);
	for (; *fields; fields++)
		if (!kt_schema_field(t, *fields))
			return bad(p, "on: %s: no field \"%s\" in %s", what, *fields, t->file);
	return 0;
}

/* "on STATE task DAYS TEXT [requires=F,...]", at most one per state.
 * Returns 0 or an error. */
static int parse_on_task(struct parser *p, char **w, int n)
{
	static const char *const fields[] = { "text", "on", "due", "rule", NULL };
	char *end = NULL;
	long days = 0;
	int rc;

	if (n < 4 || n > 5 || (n == 5 && strncmp(w[4], "requires=", 9)))
		return bad(p, "on takes STATE task DAYS \"TEXT\" [requires=FIELD,...]");
	if ((rc = need_type(p, "task", "task", fields)))
		return rc;
	for (size_t i = 0; i < p->f->nactions; i++)
		if (p->f->actions[i].kind == KT_ACTION_TASK && !strcmp(p->f->actions[i].state, w[0]))
			return bad(p, "on: %s has a task already (line %ld): one task per state",
			           w[0], p->f->actions[i].line);
	if (isdigit((unsigned char)*w[2]))
		days = strtol(w[2], &end, 10);
	if (!end || *end || days > 3650)
		return bad(p, "on: task: \"%s\" is not a number of days (0 to 3650)", w[2]);
	if (!*w[3])
		return bad(p, "on: task: the text is empty");
	struct kt_flow_action *a = new_action(p, KT_ACTION_TASK, w[0]);
	if (!a || !(a->value = strdup(w[3])))
		return oom(p);
	a->days = (int)days;
	return n == 5 ? parse_list(p, "on", "requires", w[4] + 9, FIELDS, &a->requires,
	                           &a->nrequires) : 0;
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
	if ((rc = need_type(p, "notify", "activity", fields)))
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
			if (!strv_has(e->states, e->nstates, st) && push(&e->states, &e->nstates, st))
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
	    strcmp(d, "transition") && strcmp(d, "on") && strcmp(d, "edit"))
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
	}
	for (size_t i = 0; i < f->nedits; i++) {
		strv_free(f->edits[i].roles, f->edits[i].nroles);
		strv_free(f->edits[i].states, f->edits[i].nstates);
		strv_free(f->edits[i].fields, f->edits[i].nfields);
		free(f->edits[i].text);
	}
	free(f->transitions);
	free(f->actions);
	free(f->edits);
	strv_free(f->states, f->nstates);
	strv_free(f->archive, f->narchive);
	free(f->type);
	free(f->field);
	free(f->file);
	free(f);
}

/* ------------------------------------------------------------- moving */

/* Resolves a state as a user typed it.  See kontora.h. */
int kt_flow_state(struct kt_books *b, const struct kt_flow *f, const char *input,
                  const char **state, struct kt_error *err)
{
	const struct kt_schema *s = kt_books_type(b, f->type);
	const struct kt_field *fd = s ? kt_schema_field(s, f->field) : NULL;
	struct kt_error ignored = { 0 };
	char *v = NULL;

	for (size_t i = 0; i < f->nstates; i++)
		if (!strcmp(f->states[i], input)) {
			*state = f->states[i];
			return 0;
		}
	if (fd && fd->type == KT_DICT && !value_resolve(b, fd, input, &v, &ignored)) {
		for (size_t i = 0; i < f->nstates; i++)
			if (!strcmp(f->states[i], v)) {
				*state = f->states[i];
				free(v);
				return 0;
			}
	}
	free(v);
	struct kt_buf list = { 0 };
	for (size_t i = 0; i < f->nstates; i++)
		if (kt_buf_addf(&list, "%s%s", i ? ", " : "", f->states[i])) {
			kt_buf_free(&list);
			return kt_error_set(err, KT_ENOMEM, "out of memory");
		}
	int rc = kt_error_set(err, KT_EINVAL, "\"%s\" is not a state of %s (%s)", input, f->file,
	                      list.data ? list.data : "");
	kt_buf_free(&list);
	return rc;
}

/* Appends to out the names of the transitions of f from state, ", "
 * between, or "none".  Returns 0 or KT_ENOMEM. */
static int allowed_from(const struct kt_flow *f, const char *state, struct kt_buf *out)
{
	size_t n = 0;

	for (size_t i = 0; i < f->ntransitions; i++)
		if (strv_has(f->transitions[i].from, f->transitions[i].nfrom, state) &&
		    kt_buf_addf(out, "%s%s", n++ ? ", " : "", f->transitions[i].name))
			return KT_ENOMEM;
	return n ? 0 : kt_buf_adds(out, "none");
}

/* Reads field of the employee with login (key of the employee type) into
 * *value (caller frees; "" when there is no such employee or field).
 * Returns 0 or an error. */
static int employee_get(struct kt_books *b, const char *login, const char *field,
                        char **value, struct kt_error *err)
{
	const struct kt_schema *e = kt_books_type(b, "employee");
	sqlite3_stmt *st = NULL;
	char *sql = NULL;
	int rc;

	*value = NULL;
	if (!e || !e->key || !kt_schema_field(e, field))
		return (*value = strdup("")) ? 0 : kt_error_set(err, KT_ENOMEM, "out of memory");
	if ((rc = index_open(b, err)))
		return rc;
	if (asprintf(&sql, "SELECT \"%s\" FROM \"employee\" WHERE \"%s\" = ?1", field, e->key) < 0)
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	if (sqlite3_prepare_v2(b->db, sql, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(st, 1, login, -1, SQLITE_STATIC) != SQLITE_OK) {
		rc = kt_error_set(err, KT_EDB, "index: %s", sqlite3_errmsg(b->db));
	} else {
		int step = sqlite3_step(st);
		const char *v = step == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
		if (step != SQLITE_ROW && step != SQLITE_DONE)
			rc = kt_error_set(err, KT_EDB, "index: %s", sqlite3_errmsg(b->db));
		else if (!(*value = strdup(v ? v : "")))
			rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	sqlite3_finalize(st);
	free(sql);
	return rc;
}

/* Finds who acts and their role, for the role checks of moves and edits:
 * *login (owned by b; NULL when the caller is no employee) and *role
 * (caller frees; "" when the caller is no employee or has no role).  The
 * checks pass for an empty role and for admin.  Returns 0 or an error. */
static int caller_role(struct kt_books *b, const char **login, char **role,
                       struct kt_error *err)
{
	const struct kt_identity *who;
	int rc = kt_books_whoami(b, &who, err);

	*login = NULL;
	*role = NULL;
	if (rc)
		return rc;
	*login = who->login;
	if (who->login)
		return employee_get(b, who->login, "role", role, err);
	return (*role = strdup("")) ? 0 : kt_error_set(err, KT_ENOMEM, "out of memory");
}

/* Returns 1 if a role check lets role through: none, or admin. */
static int unchecked(const char *role)
{
	return !*role || !strcmp(role, "admin");
}

/* Checks that the acting employee may take t: no roles listed, not an
 * employee, no role, admin, or a role listed.  Returns 0 or an error. */
static int check_roles(struct kt_books *b, const struct kt_flow *f,
                       const struct kt_transition *t, const char *what,
                       struct kt_error *err)
{
	const char *login;
	char *role;
	int rc;

	if (!t->nroles)
		return 0;
	if ((rc = caller_role(b, &login, &role, err)))
		return rc;
	if (!unchecked(role) && !strv_has(t->roles, t->nroles, role)) {
		struct kt_buf roles = { 0 };
		for (size_t i = 0; i < t->nroles; i++)
			if (kt_buf_addf(&roles, "%s%s", i ? "," : "", t->roles[i]))
				break;
		rc = kt_error_set(err, KT_EINVAL, "%s: %s is only for roles=%s (%s:%ld); %s is %s",
		                  what, t->name, roles.data ? roles.data : "", f->file, t->line,
		                  login, role);
		kt_buf_free(&roles);
	}
	free(role);
	return rc;
}

/* Returns 1 if the edit line e lets role edit field in state: the state
 * field only by moves, never by an edit line. */
static int edit_allows(const struct kt_flow *f, const struct kt_flow_edit *e,
                       const char *role, const char *state, const char *field)
{
	return strv_has(e->roles, e->nroles, role) && strv_has(e->states, e->nstates, state) &&
	       strcmp(field, f->field) &&
	       (!e->nfields || strv_has(e->fields, e->nfields, field));
}

/* Checks that the caller may set the fields names of r, in the state r
 * is in, by the edit lines of f; what begins the message.  Returns 0 or
 * KT_EINVAL naming the fields refused and the rule: the caller's role's
 * first line for that state, else its first line. */
static int may_edit(struct kt_books *b, const struct kt_flow *f, const struct kt_record *r,
                    char *const *names, size_t n, const char *what, struct kt_error *err)
{
	struct kt_buf refused = { 0 };
	const struct kt_flow_edit *rule = NULL;
	const char *login, *state = kt_record_get(r, f->field);
	char *role;
	int rc;

	if (!f->nedits || !n)
		return 0;
	if ((rc = caller_role(b, &login, &role, err)))
		return rc;
	state = state ? state : "";
	for (size_t i = 0; !rc && !unchecked(role) && i < n; i++) {
		size_t k = 0;
		while (k < f->nedits && !edit_allows(f, &f->edits[k], role, state, names[i]))
			k++;
		if (k == f->nedits && kt_buf_addf(&refused, "%s%s", refused.len ? ", " : "", names[i]))
			rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	for (size_t k = 0; k < f->nedits; k++) {
		const struct kt_flow_edit *e = &f->edits[k];
		if (strv_has(e->roles, e->nroles, role) &&
		    (!rule || (!strv_has(rule->states, rule->nstates, state) &&
		               strv_has(e->states, e->nstates, state))))
			rule = e;
	}
	if (!rc && refused.len && rule)
		rc = kt_error_set(err, KT_EINVAL, "%s: %s may not edit %s in state %s (%s:%ld %s)",
		                  what, role, refused.data, *state ? state : "(empty)", f->file,
		                  rule->line, rule->text);
	else if (!rc && refused.len)
		rc = kt_error_set(err, KT_EINVAL, "%s: %s may not edit %s in state %s (%s has no edit line for %s)",
		                  what, role, refused.data, *state ? state : "(empty)", f->file, role);
	kt_buf_free(&refused);
	free(role);
	return rc;
}

/* (name, value) pairs of a move, a later name replacing an earlier. */
struct sets {
	size_t n;
	const char *names[256];
	const char *values[256];
};

/* Sets name to value in s.  Returns 0 or KT_EINVAL when full. */
static int sets_put(struct sets *s, const char *name, const char *value)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->names[i], name)) {
			s->values[i] = value;
			return 0;
		}
	if (s->n == sizeof s->names / sizeof *s->names)
		return KT_EINVAL;
	s->names[s->n] = name;
	s->values[s->n++] = value;
	return 0;
}

/* Returns the value of name in s, or NULL. */
static const char *sets_get(const struct sets *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->names[i], name))
			return s->values[i];
	return NULL;
}

/* Returns 1 if v holds something other than blanks. */
static int filled(const char *v)
{
	return v && v[strspn(v, " \t\r\n")];
}

/* Finds the transition of a move: by name, else the first from cur to
 * to_state.  Returns 0 and *out, or an error naming what is allowed. */
static int find_transition(struct kt_books *b, const struct kt_flow *f, const char *what,
                           const char *cur, const char *name, const char *to_state,
                           const struct kt_transition **out, struct kt_error *err)
{
	struct kt_buf allowed = { 0 };
	const char *to = NULL;
	int rc = 0;

	*out = NULL;
	if (name) {
		const struct kt_transition *t = kt_flow_transition(f, name);
		if (!t)
			rc = kt_error_set(err, KT_EINVAL, "%s: %s has no transition %s", what, f->file, name);
		else if (strv_has(t->from, t->nfrom, cur))
			*out = t;
	} else if (!(rc = kt_flow_state(b, f, to_state, &to, err))) {
		for (size_t i = 0; i < f->ntransitions && !*out; i++)
			if (!strcmp(f->transitions[i].to, to) &&
			    strv_has(f->transitions[i].from, f->transitions[i].nfrom, cur))
				*out = &f->transitions[i];
	} else {
		char msg[sizeof err->msg];
		snprintf(msg, sizeof msg, "%s", err->msg);
		rc = kt_error_set(err, rc, "%s: %s", what, msg);
	}
	if (rc || *out)
		return rc;
	if (allowed_from(f, cur, &allowed))
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	if (name)
		rc = kt_error_set(err, KT_EINVAL, "%s: no transition %s from %s (allowed: %s)",
		                  what, name, *cur ? cur : "an empty state", allowed.data);
	else
		rc = kt_error_set(err, KT_EINVAL, "%s: no transition from %s to %s (allowed: %s)",
		                  what, *cur ? cur : "an empty state", to, allowed.data);
	kt_buf_free(&allowed);
	return rc;
}

/* Writes into out (11 bytes) the local date days after the day of now. */
static void date_after(time_t now, int days, char out[11])
{
	struct tm tm;

	localtime_r(&now, &tm);
	tm.tm_mday += days;
	tm.tm_hour = 12;    /* midday: a change of summer time moves no date */
	tm.tm_isdst = -1;
	now = mktime(&tm);
	localtime_r(&now, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* Adds to c a record of type name from the (names, values) pairs whose
 * value is not NULL.  Returns 0 or an error. */
static int add_record(struct kt_change *c, const char *name, const char **names,
                      const char **values, size_t n, struct kt_error *err)
{
	const struct kt_schema *t = kt_books_type(change_books(c), name);
	char *nv[16], *vv[16];
	const char *id;
	size_t k = 0;

	if (!t)
		return kt_error_set(err, KT_EINVAL, "no type %s (schemas/%s.schema)", name, name);
	for (size_t i = 0; i < n && k < 16; i++)
		if (values[i] && kt_schema_field(t, names[i])) {
			nv[k] = (char *)names[i];
			vv[k++] = (char *)values[i];
		}
	return kt_change_add(c, t, nv, vv, k, &id, err);
}

/* Runs the task and notify actions of entering state to on the record r
 * (type s) as part of change c: owner is the owner the move sets, or
 * NULL to take the record's.  Returns 0 or an error. */
static int run_actions(struct kt_change *c, const struct kt_schema *s, const struct kt_flow *f,
                       const struct kt_record *r, const char *to, const char *owner,
                       struct kt_error *err)
{
	struct kt_books *b = change_books(c);
	const struct kt_identity *who = NULL;
	const char *id = kt_record_get(r, "id");
	char *boss = NULL, *rule = NULL;
	char day[11], at[21];
	int rc = 0;

	if (!owner && s->owner)
		owner = kt_record_get(r, s->owner);
	owner = owner ? owner : "";
	kt_datetime_format(kt_books_now(b), at);
	for (size_t i = 0; !rc && i < f->nactions; i++) {
		const struct kt_flow_action *a = &f->actions[i];
		if (a->kind == KT_ACTION_SET || strcmp(a->state, to))
			continue;
		if (!who && (rc = kt_books_whoami(b, &who, err)))
			break;
		if (a->kind == KT_ACTION_TASK) {
			/* The task is the owner's, else the caller's; "rule"
			 * names the action, whose requires= the task keeps to. */
			const struct kt_schema *ts = kt_books_type(b, "task");
			const char *names[] = { "text", "on", "due", "rule",
			                        ts && ts->owner ? ts->owner : "" };
			free(rule);
			if (asprintf(&rule, "%s on %s", f->file, a->state) < 0) {
				rule = NULL;
				rc = kt_error_set(err, KT_ENOMEM, "out of memory");
				break;
			}
			date_after(kt_books_now(b), a->days, day);
			const char *values[] = { a->value, id, day, rule, *owner ? owner : who->login };
			rc = add_record(c, "task", names, values, 5, err);
		} else {
			/* A notice on the record for the owner's supervisor. */
			if (!boss && (rc = employee_get(b, owner, "supervisor", &boss, err)))
				break;
			const char *names[] = { "on", "kind", "text", "at", "author", "to" };
			const char *values[] = { id, "notice", a->value, at, who->login, *boss ? boss : NULL };
			rc = add_record(c, "activity", names, values, 6, err);
		}
	}
	free(boss);
	free(rule);
	return rc;
}

/* Moves a record along its workflow.  See kontora.h. */
int kt_change_move(struct kt_change *c, const struct kt_schema *s, const char *id,
                   const char *transition, const char *to_state, const char *reason,
                   char *const *names, char *const *values, size_t n,
                   struct kt_error *err)
{
	struct kt_books *b = change_books(c);
	const struct kt_flow *f = kt_books_flow(b, s->name);
	const struct kt_transition *t;
	struct kt_record *r = NULL;
	struct sets sets = { 0 };
	struct kt_buf missing = { 0 };
	char what[64];
	int rc;

	snprintf(what, sizeof what, "%s %s", s->name, id);
	if (!f) {
		if (kt_books_flow_status(b, err))
			return err->code;
		return kt_error_set(err, KT_EINVAL, "%s: type %s has no workflow (workflows/%s.flow)",
		                    what, s->name, s->name);
	}
	if (!transition == !to_state)
		return kt_error_set(err, KT_EINVAL, "%s: a move needs a transition or a state", what);
	if ((rc = kt_record_read(b, s, id, &r, err)))
		return rc;
	const char *cur = kt_record_get(r, f->field);
	cur = cur ? cur : "";
	if ((rc = find_transition(b, f, what, cur, transition, to_state, &t, err)) ||
	    (rc = check_roles(b, f, t, what, err)))
		goto done;
	if (reason && !t->reason) {
		rc = kt_error_set(err, KT_EINVAL, "%s: %s takes no --reason", what, t->name);
		goto done;
	}
	rc = sets_put(&sets, f->field, t->to);
	if (!rc && t->reason && reason)
		rc = sets_put(&sets, t->reason, reason);
	for (size_t i = 0; !rc && i < n; i++) {
		if (!strcmp(names[i], f->field)) {
			rc = kt_error_set(err, KT_EINVAL, "%s: %s: changed only by moving the %s",
			                  what, f->field, s->name);
			goto done;
		}
		rc = sets_put(&sets, names[i], values[i]);
	}
	for (size_t i = 0; !rc && i < f->nactions; i++)
		if (f->actions[i].kind == KT_ACTION_SET && !strcmp(f->actions[i].state, t->to))
			rc = sets_put(&sets, f->actions[i].field, f->actions[i].value);
	if (rc) {
		rc = kt_error_set(err, KT_EINVAL, "%s: too many fields", what);
		goto done;
	}
	/* The fields given with the move are edits made in the state left. */
	if ((rc = may_edit(b, f, r, names, n, what, err)))
		goto done;
	if (t->reason && !filled(sets_get(&sets, t->reason))) {
		rc = kt_error_set(err, KT_EINVAL, "%s: %s needs --reason (%s)", what, t->name, t->reason);
		goto done;
	}
	for (size_t i = 0; i < t->nrequires; i++) {
		const char *v = sets_get(&sets, t->requires[i]);
		if (!v)
			v = kt_record_get(r, t->requires[i]);
		if (!filled(v) && kt_buf_addf(&missing, "%s%s", missing.len ? ", " : "", t->requires[i])) {
			rc = kt_error_set(err, KT_ENOMEM, "out of memory");
			goto done;
		}
	}
	if (missing.len) {
		struct kt_buf all = { 0 };
		for (size_t i = 0; i < t->nrequires; i++)
			if (kt_buf_addf(&all, "%s%s", i ? "," : "", t->requires[i]))
				break;
		rc = kt_error_set(err, KT_EINVAL, "%s: %s needs %s (requires=%s)", what, t->name,
		                  missing.data, all.data ? all.data : "");
		kt_buf_free(&all);
		goto done;
	}
	if ((rc = change_set(c, s, id, (char *const *)sets.names, (char *const *)sets.values,
	                     sets.n, 0, err)) ||
	    (rc = run_actions(c, s, f, r, t->to, sets_get(&sets, s->owner ? s->owner : ""), err))) {
		char msg[sizeof err->msg];
		snprintf(msg, sizeof msg, "%s", err->msg);
		kt_error_set(err, rc, "%s: %s", what, msg);
	}
done:
	kt_buf_free(&missing);
	kt_record_free(r);
	return rc;
}

/* -------------------------------------------------------------- tasks */

/* Finds the task action a task's rule names ("workflows/lead.flow on
 * qualified"): *f and *a, or both NULL when there is none.  */
static void rule_action(const struct kt_books *b, const char *rule, const struct kt_flow **f,
                        const struct kt_flow_action **a)
{
	const char *on = strstr(rule, " on ");

	*f = NULL;
	*a = NULL;
	for (size_t i = 0; on && i < b->nflows && !*f; i++)
		if (strlen(b->flows[i]->file) == (size_t)(on - rule) &&
		    !strncmp(b->flows[i]->file, rule, (size_t)(on - rule)))
			*f = b->flows[i];
	for (size_t i = 0; *f && i < (*f)->nactions && !*a; i++)
		if ((*f)->actions[i].kind == KT_ACTION_TASK && !strcmp((*f)->actions[i].state, on + 4))
			*a = &(*f)->actions[i];
}

/* Checks that task may be closed: that the record its on names has the
 * fields that the task action its rule names requires.  A rule the
 * workflow no longer has, or a record that is gone, holds nothing back.
 * Returns 0, KT_EINVAL beginning with the task's id and naming the
 * record, the empty fields, the rule's file:line and the command that
 * fills them, or another error. */
static int task_may_close(struct kt_books *b, const struct kt_record *task, struct kt_error *err)
{
	const char *rule = kt_record_get(task, "rule"), *on = kt_record_get(task, "on");
	const struct kt_flow *f;
	const struct kt_flow_action *a;
	const struct kt_schema *s;
	struct kt_record *r = NULL;
	struct kt_buf missing = { 0 }, fill = { 0 };
	char *id = NULL;
	int rc;

	rule_action(b, rule ? rule : "", &f, &a);
	if (!a || !a->nrequires || !on || !*on)
		return 0;
	rc = kt_resolve_id(b, f->type, on, &id, &s, err);
	if (!rc)
		rc = kt_record_read(b, s, id, &r, err);
	if (rc == KT_ENOTFOUND) {
		/* The record is gone: nothing can be filled. */
		free(id);
		return 0;
	}
	for (size_t i = 0; !rc && i < a->nrequires; i++)
		if (!filled(kt_record_get(r, a->requires[i])) &&
		    (kt_buf_addf(&missing, "%s%s", missing.len ? ", " : "", a->requires[i]) ||
		     kt_buf_addf(&fill, " --set %s=...", a->requires[i])))
			rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	if (!rc && missing.len)
		rc = kt_error_set(err, KT_EINVAL,
		                  "%s: %s %s has no %s, which %s:%ld requires before the task is done; "
		                  "fill it: kontora %s edit %s%s", kt_record_get(task, "id"), s->name, id,
		                  missing.data, f->file, a->line, s->name, id, fill.data);
	kt_buf_free(&missing);
	kt_buf_free(&fill);
	kt_record_free(r);
	free(id);
	return rc;
}

/* Returns 1 if the edit (names, values) of a record of type s sets
 * field to true. */
static int sets_true(const struct kt_schema *s, const char *field, char *const *names,
                     char *const *values, size_t n)
{
	const struct kt_field *fd = kt_schema_field(s, field);
	int yes = 0;

	for (size_t i = 0; fd && i < n; i++)
		if (!strcmp(names[i], field)) {
			struct kt_error ignored = { 0 };
			char *v = NULL;
			yes = !kt_value_normalize(fd, values[i], &v, &ignored) && !strcmp(v, "true");
			free(v);
		}
	return yes;
}

/* Checks an edit against the workflow of s.  See internal.h. */
int flow_edit_check(struct kt_books *b, const struct kt_schema *s, const struct kt_record *r,
                    char *const *names, char *const *values, size_t n,
                    struct kt_error *err)
{
	const struct kt_flow *f = kt_books_flow(b, s->name);
	int rc = f ? may_edit(b, f, r, names, n, kt_record_get(r, "id"), err) : 0;

	if (!rc && !strcmp(s->name, "task") && sets_true(s, "done", names, values, n))
		rc = task_may_close(b, r, err);
	return rc;
}
