/*
 * access.c - roles and visibility as data: the rules of the "access ROLE
 * MODE [FIELD]" lines of the schemas (see kontora-schema(5); model/
 * schema.c reads them) that apply to a role, and the words that say why a
 * caller is refused.  Turning the rules into SQL is index/access.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"

/* Reports, through fn, access lines of s whose role is not a role of the
 * employees of types or whose via field refers to a type the books lack.
 * Returns the number of problems. */
int access_problems(const struct types *types, const struct kt_schema *s,
                    kt_problem_fn fn, void *arg)
{
	const struct kt_schema *emp = types_find(types, "employee");
	const struct kt_field *role = emp ? kt_schema_field(emp, "role") : NULL;
	int count = 0;
	char msg[512];

	for (size_t i = 0; i < s->naccess; i++) {
		const struct kt_access *a = &s->access[i];
		const struct kt_field *f = a->mode == KT_ACCESS_VIA ? kt_schema_field(s, a->field) : NULL;
		size_t len = strlen(a->role);
		const char *p = role && role->type == KT_ENUM ? role->arg : NULL;
		while (p && (strncmp(p, a->role, len) || (p[len] && p[len] != '|')))
			p = strchr(p, '|') ? strchr(p, '|') + 1 : NULL;
		if (role && role->type == KT_ENUM && !p) {
			snprintf(msg, sizeof msg, _("no role \"%s\" in employee.role (%s)"), a->role, role->arg);
			fn(arg, s->file, a->line, "access", msg);
			count++;
		}
		if (f && f->type == KT_REF && !types_find(types, f->arg)) {
			snprintf(msg, sizeof msg, _("via %s: no type %s in these books"), a->field, f->arg);
			fn(arg, s->file, a->line, "access", msg);
			count++;
		}
		if (a->mode == KT_ACCESS_NAMED) {
			char type[128];
			const char *dot = strchr(a->field, '.');
			snprintf(type, sizeof type, "%.*s", (int)(dot - a->field), a->field);
			const struct kt_schema *ts = types_find(types, type);
			if (!ts || !kt_schema_field(ts, dot + 1)) {
				snprintf(msg, sizeof msg, ts ? _("named %s: no such field in these books")
				                             : _("named %s: no such type in these books"), a->field);
				fn(arg, s->file, a->line, "access", msg);
				count++;
			}
		}
	}
	return count;
}

/* Fills r with the rules of a role.  See model.h. */
void access_rules(const struct kt_schema *s, const char *role, struct access_rules *r)
{
	r->n = 0;
	for (size_t i = 0; strcmp(role, "admin") && i < s->naccess && r->n < 16; i++)
		if (!strcmp(s->access[i].role, role))
			r->v[r->n++] = &s->access[i];
	if (r->n)
		return;
	int boss = !strcmp(role, "admin") || !strcmp(role, "director");
	r->def = (struct kt_access){ (char *)role, boss || !s->owner ? KT_ACCESS_ALL : KT_ACCESS_OWN,
	                             NULL, 0 };
	r->v[r->n++] = &r->def;
}

/* Says why who is refused.  See model.h. */
int access_deny(const struct kt_identity *who, const struct kt_schema *s, enum access_op op,
                const char *what, const char *owner, struct kt_error *err)
{
	const char *only = op == ACCESS_READ ? _("see only") : _("change only");
	struct kt_buf why = { 0 }, rules = { 0 };
	struct access_rules r;
	int own_or_via = 0;

	access_rules(s, who->role, &r);
	for (size_t i = 0; i < r.n; i++) {
		const struct kt_access *a = r.v[i];
		if (a->line)
			kt_buf_addf(&rules, "%s%s:%ld access %s %s%s%s", i ? ", " : "", s->file, a->line,
			            a->role, access_mode_name(a->mode), a->field ? " " : "", a->field ? a->field : "");
		else
			kt_buf_addf(&rules, _("%s: by default access %s %s"), s->file, a->role,
			            access_mode_name(a->mode));
		/* "see only their own records or records whose client they may
		 * see": each piece whole, for translations. */
		const char *sep = own_or_via ? _(" or ") : "";
		if (a->mode == KT_ACCESS_OWN)
			own_or_via++, kt_buf_addf(&why, "%s%s", sep, _("their own records"));
		else if (a->mode == KT_ACCESS_VIA)
			own_or_via++, kt_buf_addf(&why, "%s", sep),
			kt_buf_addf(&why, op == ACCESS_READ ? _("records whose %s they may see")
			                                    : _("records whose %s they may change"), a->field);
		else if (a->mode == KT_ACCESS_NAMED && op == ACCESS_READ)
			own_or_via++, kt_buf_addf(&why, "%s", sep),
			kt_buf_addf(&why, _("records named by the %s they may see"), a->field);
		else if (a->mode == KT_ACCESS_NAMED && !why.len)
			kt_buf_addf(&why, _("do not change %s records (they see those %s names)"), s->name, a->field);
	}
	if (r.v[0]->mode == KT_ACCESS_NONE)
		kt_buf_addf(&why, _("neither see nor change %s records"), s->name);
	else if (r.v[0]->mode == KT_ACCESS_READ)
		kt_buf_addf(&why, _("see but do not change %s records"), s->name);
	char whose[300] = "", body[1200];
	if (owner)
		snprintf(whose, sizeof whose, _(", the %s is %s's"), s->name, *owner ? owner : _("nobody"));
	snprintf(body, sizeof body, "%s%s%s", own_or_via ? only : "", own_or_via ? " " : "",
	         why.data ? why.data : "");
	kt_error_set(err, KT_EACCESS, strchr("aeiou", who->role[0]) ? "%s: %ss %s (%s); %s is an %s%s"
	                                                            : "%s: %ss %s (%s); %s is a %s%s",
	             what, who->role, body, rules.data ? rules.data : "", who->login, who->role, whose);
	kt_buf_free(&why);
	kt_buf_free(&rules);
	return KT_EACCESS;
}

/* Returns the owner a new record of s gets.  See model.h. */
const char *access_own_default(const struct kt_identity *who, const struct kt_schema *s)
{
	struct access_rules r;

	if (!who->role)
		return NULL;
	access_rules(s, who->role, &r);
	for (size_t i = 0; i < r.n; i++)
		if (r.v[i]->mode == KT_ACCESS_OWN)
			return who->login;
	return NULL;
}
