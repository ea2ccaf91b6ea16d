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

#include "internal.h"

/* Names a transition cannot have: the commands every type has. */
static const char *const reserved[] = { "add", "edit", "rm", "show", "list", "move" };

/*
 * Splits one line into words as schema files do: blanks separate, "..."
 * quotes (with \" and \\ inside), # starts a comment.  Writes at most max
 * pointers into words, pointing into line, which is modified.  Returns
 * the number of words, or -1 on an unterminated quote.
 */
static int split_words(char *line, char **words, int max)
{
	int n = 0;
	char *p = line;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			return n;
		if (n == max)
			return n;
		char *out = p;
		words[n++] = p;
		while (*p && *p != ' ' && *p != '\t') {
			if (*p != '"') {
				*out++ = *p++;
				continue;
			}
			for (p++; *p != '"'; p++) {
				if (!*p)
					return -1;
				if (*p == '\\' && p[1])
					p++;
				*out++ = *p;
			}
			p++;
		}
		int end = *p != '\0';
		*out = '\0';
		if (end)
			p++;
	}
}

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

/* Splits "a,b,c" of option opt into the list (*v, *n), checking each
 * word is a field (fields) or anything else.  Returns 0 or an error. */
static int parse_list(struct parser *p, const char *opt, const char *list,
                      int fields, char ***v, size_t *n)
{
	char *copy = strdup(list);
	int rc = copy ? 0 : oom(p);

	if (!rc && !*list)
		rc = bad(p, "transition: %s= needs a value", opt);
	for (char *save = NULL, *tok = copy ? strtok_r(copy, ",", &save) : NULL; !rc && tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (fields)
			rc = need_field(p, opt, tok);
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
			rc = parse_list(p, "requires", w[i] + 9, 1, &t->requires, &t->nrequires);
		else if (!strncmp(w[i], "roles=", 6))
			rc = parse_list(p, "roles", w[i] + 6, 0, &t->roles, &t->nroles);
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

/* "on STATE set FIELD=VALUE".  Returns 0 or an error. */
static int parse_on(struct parser *p, char **w, int n)
{
	struct kt_flow *f = p->f;
	const char *eq = n == 3 ? strchr(w[2], '=') : NULL;
	int rc;

	if (n != 3 || strcmp(w[1], "set") || !eq || eq == w[2])
		return bad(p, "on takes STATE set FIELD=VALUE");
	if ((rc = need_state(p, "on", w[0])))
		return rc;
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
	struct kt_flow_action *as = realloc(f->actions, (f->nactions + 1) * sizeof *as);
	if (!as) {
		free(field);
		return oom(p);
	}
	f->actions = as;
	struct kt_flow_action *a = &as[f->nactions++];
	memset(a, 0, sizeof *a);
	a->line = p->line;
	a->field = field;
	if (!(a->state = strdup(w[0])) || !(a->value = strdup(eq + 1)))
		return oom(p);
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
	    strcmp(d, "transition") && strcmp(d, "on"))
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
		int n = split_words(s, words, 64);
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
	}
	free(f->transitions);
	free(f->actions);
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

/* Reads the role of the employee with login (key of the employee type)
 * into *role (caller frees; "" when none).  Returns 0 or an error. */
static int employee_role(struct kt_books *b, const char *login, char **role,
                         struct kt_error *err)
{
	const struct kt_schema *e = kt_books_type(b, "employee");
	sqlite3_stmt *st = NULL;
	char *sql = NULL;
	int rc;

	*role = NULL;
	if (!e || !e->key || !kt_schema_field(e, "role"))
		return (*role = strdup("")) ? 0 : kt_error_set(err, KT_ENOMEM, "out of memory");
	if ((rc = index_open(b, err)))
		return rc;
	if (asprintf(&sql, "SELECT \"role\" FROM \"employee\" WHERE \"%s\" = ?1", e->key) < 0)
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	if (sqlite3_prepare_v2(b->db, sql, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(st, 1, login, -1, SQLITE_STATIC) != SQLITE_OK) {
		rc = kt_error_set(err, KT_EDB, "index: %s", sqlite3_errmsg(b->db));
	} else {
		int step = sqlite3_step(st);
		const char *v = step == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
		if (step != SQLITE_ROW && step != SQLITE_DONE)
			rc = kt_error_set(err, KT_EDB, "index: %s", sqlite3_errmsg(b->db));
		else if (!(*role = strdup(v ? v : "")))
			rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	sqlite3_finalize(st);
	free(sql);
	return rc;
}

/* Checks that the acting employee may take t: no roles listed, not an
 * employee, no role, admin, or a role listed.  Returns 0 or an error. */
static int check_roles(struct kt_books *b, const struct kt_flow *f,
                       const struct kt_transition *t, const char *what,
                       struct kt_error *err)
{
	const struct kt_identity *who;
	char *role = NULL;
	int rc;

	if (!t->nroles)
		return 0;
	if ((rc = kt_books_whoami(b, &who, err)))
		return rc;
	if (!who->login)
		return 0;
	if ((rc = employee_role(b, who->login, &role, err)))
		return rc;
	if (*role && strcmp(role, "admin") && !strv_has(t->roles, t->nroles, role)) {
		struct kt_buf roles = { 0 };
		for (size_t i = 0; i < t->nroles; i++)
			if (kt_buf_addf(&roles, "%s%s", i ? "," : "", t->roles[i]))
				break;
		rc = kt_error_set(err, KT_EINVAL, "%s: %s is only for roles=%s (%s:%ld); %s is %s",
		                  what, t->name, roles.data ? roles.data : "", f->file, t->line,
		                  who->login, role);
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
		if (!strcmp(f->actions[i].state, t->to))
			rc = sets_put(&sets, f->actions[i].field, f->actions[i].value);
	if (rc) {
		rc = kt_error_set(err, KT_EINVAL, "%s: too many fields", what);
		goto done;
	}
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
	if ((rc = kt_change_edit(c, s, id, (char *const *)sets.names, (char *const *)sets.values,
	                         sets.n, err))) {
		char msg[sizeof err->msg];
		snprintf(msg, sizeof msg, "%s", err->msg);
		kt_error_set(err, rc, "%s: %s", what, msg);
	}
done:
	kt_buf_free(&missing);
	kt_record_free(r);
	return rc;
}
