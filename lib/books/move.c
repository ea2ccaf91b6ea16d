/*
 * move.c - the workflow engine: moving a record along its workflow
 * (transitions, roles, required fields, reasons, the actions on entering
 * a state) and the edit rights of each state.  It knows nothing of leads:
 * the funnel and the lab are flow files (model/flow.c reads them).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "books/books.h"

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
	if (!role_unchecked(role) && !strv_has(t->roles, t->nroles, role)) {
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

/* Writes into out (11 bytes) the local date days after the day of now.
 * See books.h. */
void date_after(time_t now, int days, char out[11])
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

/* Adds a notice on the record on to c.  See books.h. */
int add_notice(struct kt_change *c, const char *on, const char *text, const char *to,
               const char *rule, struct kt_error *err)
{
	struct kt_books *b = change_books(c);
	const struct kt_identity *who;
	char at[21];
	int rc = kt_books_whoami(b, &who, err);

	if (rc)
		return rc;
	kt_datetime_format(kt_books_now(b), at);
	const char *names[] = { "on", "kind", "text", "at", "author", "to", "rule" };
	const char *values[] = { on, "notice", text, at, who->login, to && *to ? to : NULL, rule };
	return add_record(c, "activity", names, values, 7, err);
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
	char day[11];
	int rc = 0;

	if (!owner && s->owner)
		owner = kt_record_get(r, s->owner);
	owner = owner ? owner : "";
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
			rc = add_notice(c, id, a->value, boss, NULL, err);
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
	if ((n && (rc = frozen_check(b, s, r, err))) || (rc = may_edit(b, f, r, names, n, what, err)))
		goto done;
	if (t->reason && !text_filled(sets_get(&sets, t->reason))) {
		rc = kt_error_set(err, KT_EINVAL, "%s: %s needs --reason (%s)", what, t->name, t->reason);
		goto done;
	}
	for (size_t i = 0; i < t->nrequires; i++) {
		const char *v = sets_get(&sets, t->requires[i]);
		if (!v)
			v = kt_record_get(r, t->requires[i]);
		if (!text_filled(v) && kt_buf_addf(&missing, "%s%s", missing.len ? ", " : "", t->requires[i])) {
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
	if (!(rc = change_set(c, s, id, (char *const *)sets.names, (char *const *)sets.values,
	                      sets.n, 0, err))) {
		change_actions(c, 1);
		rc = run_actions(c, s, f, r, t->to, sets_get(&sets, s->owner ? s->owner : ""), err);
		change_actions(c, 0);
	}
	if (rc) {
		char msg[sizeof err->msg];
		snprintf(msg, sizeof msg, "%s", err->msg);
		kt_error_set(err, rc, "%s: %s", what, msg);
	}
done:
	kt_buf_free(&missing);
	kt_record_free(r);
	return rc;
}

