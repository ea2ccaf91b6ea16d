/*
 * edits.c - who may edit what of a record in the state it is in: the
 * workflow's edit lines (kontora-flow(5)), and a task that may not be
 * closed while the record it is on lacks what its rule requires.  Every
 * edit is checked here (books/change.c), and so are the fields given
 * with a move (books/move.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "books/books.h"

/* Reads a field of an employee.  See books.h. */
int employee_get(struct kt_books *b, const char *login, const char *field,
                 char **value, struct kt_error *err)
{
	const struct kt_schema *e = kt_books_type(b, "employee");
	int rc = 0;

	*value = NULL;
	if (e && e->key && kt_schema_field(e, field))
		rc = index_get(b->index, e, e->key, login, &field, 1, value, err);
	if (rc >= 0 && !*value && !(*value = strdup("")))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	return rc < 0 ? rc : 0;
}

/* Finds who acts and their role.  See books.h. */
int caller_role(struct kt_books *b, const char **login, char **role,
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

/* Tells whether a role check lets a role through.  See books.h. */
int role_unchecked(const char *role)
{
	return !*role || !strcmp(role, "admin");
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

/* Checks the fields an edit sets against the edit lines.  See books.h. */
int may_edit(struct kt_books *b, const struct kt_flow *f, const struct kt_record *r,
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
	for (size_t i = 0; !rc && !role_unchecked(role) && i < n; i++) {
		/* No edit line gives the state: say how it changes, not the line
		 * that does not give it. */
		if (!strcmp(names[i], f->field)) {
			rc = kt_error_set(err, KT_EINVAL, "%s: %s is the state of %s and changes by a move: "
			                  "kontora %s move %s STATE", what, f->field, f->file, r->schema->name,
			                  kt_record_get(r, "id"));
			break;
		}
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

/* Checks that the record r (type s, full id) that task is on is in one of
 * the states a's until= names, when it names any.  Returns 0, KT_EINVAL
 * beginning with the task's id and naming the record, its state and the
 * rule's file:line, or KT_ENOMEM. */
static int task_until(const struct kt_flow *f, const struct kt_flow_action *a,
                      const struct kt_schema *s, const struct kt_record *r,
                      const struct kt_record *task, struct kt_error *err)
{
	const char *state = kt_record_get(r, f->field);
	struct kt_buf states = { 0 };
	int rc = 0;

	if (!a->nuntil || strv_has(a->until, a->nuntil, state ? state : ""))
		return 0;
	for (size_t i = 0; i < a->nuntil && !rc; i++)
		rc = kt_buf_addf(&states, "%s%s", i ? _(" or ") : "", a->until[i]);
	if (rc)
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	else
		rc = kt_error_set(err, KT_EINVAL,
		                  "%s: %s %s is %s, and %s:%ld (until=) holds the task open until it is %s",
		                  kt_record_get(task, "id"), s->name, kt_record_get(r, "id"),
		                  state && *state ? state : "(empty)", f->file, a->line, states.data);
	kt_buf_free(&states);
	return rc;
}

/* Checks that task may be closed: that the record its on names has the
 * fields that the task action its rule names requires, and is in a state
 * its until= names (task_until()).  A rule the
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
	if (!a || (!a->nrequires && !a->nuntil) || !on || !*on)
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
		if (!text_filled(kt_record_get(r, a->requires[i])) &&
		    (kt_buf_addf(&missing, "%s%s", missing.len ? ", " : "", a->requires[i]) ||
		     kt_buf_addf(&fill, " --set %s=...", a->requires[i])))
			rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	if (!rc && missing.len)
		rc = kt_error_set(err, KT_EINVAL,
		                  "%s: %s %s has no %s, which %s:%ld requires before the task is done; "
		                  "fill it: kontora %s edit %s%s", kt_record_get(task, "id"), s->name, id,
		                  missing.data, f->file, a->line, s->name, id, fill.data);
	if (!rc)
		rc = task_until(f, a, s, r, task, err);
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

/* Returns the state of r when its flow f freezes it there, else NULL. */
static const char *frozen_state(const struct kt_flow *f, const struct kt_record *r)
{
	const char *state = f ? kt_record_get(r, f->field) : NULL;

	return state && strv_has(f->frozen, f->nfrozen, state) ? state : NULL;
}

/* Checks that the record whole (a full id of any type), which a record of
 * type s is part of, is not frozen.  See books.h. */
int part_frozen_check(struct kt_books *b, const struct kt_schema *s, const char *part,
                      const char *whole, struct kt_error *err)
{
	const struct kt_schema *ws = whole && *whole ? kt_books_type_by_prefix(b, whole[0]) : NULL;
	const struct kt_flow *f = ws ? kt_books_flow(b, ws->name) : NULL;
	struct kt_record *r = NULL;
	const char *state;
	int rc = 0;

	if (!f || !f->nfrozen || kt_record_read(b, ws, whole, &r, NULL))
		return 0;   /* what it is part of is checked as a reference */
	if ((state = frozen_state(f, r)))
		rc = kt_error_set(err, KT_EINVAL, "%s: part of %s %s, which is %s and so frozen (%s:%ld %s)",
		                  part ? part : "new", ws->name, whole, state, f->file,
		                  f->freeze_line, f->freeze_text);
	kt_record_free(r);
	return rc;
}

/* Checks that r of type s is not frozen, itself or as part of another
 * record.  See books.h. */
int frozen_check(struct kt_books *b, const struct kt_schema *s, const struct kt_record *r,
                 struct kt_error *err)
{
	const struct kt_flow *f = kt_books_flow(b, s->name);
	const char *state = frozen_state(f, r);

	if (state)
		return kt_error_set(err, KT_EINVAL, "%s: %s, so frozen (%s:%ld %s)",
		                    kt_record_get(r, "id"), state, f->file, f->freeze_line, f->freeze_text);
	return s->part_of ? part_frozen_check(b, s, kt_record_get(r, "id"),
	                                      kt_record_get(r, s->part_of), err) : 0;
}

/* Checks an edit against the workflow of s.  See books.h. */
int flow_edit_check(struct kt_books *b, const struct kt_schema *s, const struct kt_record *r,
                    char *const *names, char *const *values, size_t n,
                    struct kt_error *err)
{
	const struct kt_flow *f = kt_books_flow(b, s->name);
	int rc = frozen_check(b, s, r, err);

	if (!rc && f)
		rc = may_edit(b, f, r, names, n, kt_record_get(r, "id"), err);

	if (!rc && !strcmp(s->name, "task") && sets_true(s, "done", names, values, n))
		rc = task_may_close(b, r, err);
	return rc;
}
