/*
 * identity.c - who acts: the employee KONTORA_USER names, else the one
 * whose e-mail is git's user.email; their role, and what the role may
 * do, asked of the index (index/access.c) on the caller's behalf.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "books/books.h"

/* Copies name and email into b's identity.  Returns 0 or KT_ENOMEM. */
static int set_identity(struct kt_books *b, const char *name, const char *email,
                        const char *login)
{
	free(b->who_name);
	free(b->who_email);
	b->who_name = strdup(name);
	b->who_email = strdup(email);
	if (login != b->who_login) {
		free(b->who_login);
		b->who_login = login ? strdup(login) : NULL;
	}
	b->who.name = b->who_name;
	b->who.email = b->who_email;
	b->who.login = b->who_login;
	return b->who_name && b->who_email ? 0 : KT_ENOMEM;
}

/* Looks up the employee whose field equals value; fills b's identity from
 * it.  Returns 1 found, 0 not, or an error. */
static int employee_by(struct kt_books *b, const char *field, const char *value,
                       struct kt_error *err)
{
	static const char *const fields[] = { "name", "email", "login" };
	const struct kt_schema *s = kt_books_type(b, "employee");
	char *v[3], fallback[300];
	int rc;

	if (!s || !kt_schema_field(s, field) || !kt_schema_field(s, "login"))
		return 0;
	if ((rc = index_get(b->index, s, field, value, fields, 3, v, err)) == 1) {
		/* git needs an e-mail; an employee without one gets login@kontora. */
		snprintf(fallback, sizeof fallback, "%s@kontora", v[2] ? v[2] : "");
		if (set_identity(b, v[0] ? v[0] : v[2] ? v[2] : "", v[1] ? v[1] : fallback, v[2]))
			rc = kt_error_set(err, KT_ENOMEM, "out of memory");
		for (int i = 0; i < 3; i++)
			free(v[i]);
	}
	return rc;
}

/* Finds who acts.  See books.h. */
int books_identity(struct kt_books *b, struct kt_error *err)
{
	char *email = NULL;
	int rc;

	if (b->who.role)
		return 0;
	if ((rc = index_open(b->index, err)))
		return rc;
	if (b->who_login) {
		rc = employee_by(b, "login", b->who_login, err);
		if (rc == 0)
			rc = kt_error_set(err, KT_EINVAL, "KONTORA_USER=%s: no employee with that login", b->who_login);
	} else if (!(rc = store_user_email(b->store, &email, err))) {
		rc = email ? employee_by(b, "email", email, err) : 0;
		if (rc == 0 && email)
			rc = kt_error_set(err, KT_EACCESS, "you are not an employee of these books (git user.email %s "
			                  "matches none; set KONTORA_USER=LOGIN, or ask an admin to run: "
			                  "kontora employee add --login ... --email %s)", email, email);
		else if (rc == 0)
			rc = kt_error_set(err, KT_EACCESS, "you are not an employee of these books (git user.email "
			                  "is not set; set KONTORA_USER=LOGIN)");
		free(email);
	}
	return rc < 0 ? rc : access_caller(b, err);
}

/* Returns who acts (owned by b); resolved by kt_change_begin(). */
const struct kt_identity *kt_books_identity(const struct kt_books *b)
{
	return &b->who;
}

/* Resolves who acts and returns it.  See kontora.h. */
int kt_books_whoami(struct kt_books *b, const struct kt_identity **who,
                    struct kt_error *err)
{
	int rc = books_identity(b, err);

	if (rc)
		return rc;
	*who = &b->who;
	return 0;
}

/* Checks that the caller may change settings (kontora.conf, dicts/):
 * admin only.  what names the action.  See books.h. */
int access_settings(struct kt_books *b, const char *what, struct kt_error *err)
{
	int rc = books_identity(b, err);

	if (rc || !strcmp(b->who.role, "admin"))
		return rc;
	if (strchr("aeiou", b->who.role[0]))
		return kt_error_set(err, KT_EACCESS, "%s: only an admin changes settings (kontora.conf, "
		                    "dicts/); %s is an %s", what, b->who.login, b->who.role);
	return kt_error_set(err, KT_EACCESS, "%s: only an admin changes settings (kontora.conf, dicts/); "
	                    "%s is a %s", what, b->who.login, b->who.role);
}

/* Loads the role of the acting employee (b->who.login) and refuses an
 * inactive one.  See books.h. */
int access_caller(struct kt_books *b, struct kt_error *err)
{
	static const char *const fields[] = { "role", "active" };
	const struct kt_schema *s = kt_books_type(b, "employee");
	char *v[2];
	int rc;

	if (!s || !kt_schema_field(s, "role"))
		return kt_error_set(err, KT_ESCHEMA, "schemas/employee.schema: no field role");
	rc = index_get(b->index, s, "login", b->who.login, fields, kt_schema_field(s, "active") ? 2 : 1,
	               v, err);
	if (rc < 0)
		return rc;
	if (rc == 0)
		rc = kt_error_set(err, KT_EACCESS, "%s: no employee with that login", b->who.login);
	else if (kt_schema_field(s, "active") && v[1] && !strcmp(v[1], "0"))
		rc = kt_error_set(err, KT_EACCESS, "%s is not active (employee %s: active=false); "
		                  "an admin may reactivate: kontora employee edit %s --active true",
		                  b->who.login, b->who.login, b->who.login);
	else if (!v[0])
		rc = kt_error_set(err, KT_EACCESS, "employee %s has no role; an admin may set one: "
		                  "kontora employee edit %s --role manager", b->who.login, b->who.login);
	else {
		free(b->who_role);
		b->who_role = v[0];
		b->who.role = b->who_role;
		v[0] = NULL;
		rc = 0;
	}
	free(v[0]);
	if (kt_schema_field(s, "active"))
		free(v[1]);
	return rc;
}

/* Returns the condition of what the caller may see or change.  See
 * internal.h. */
int access_where(struct kt_books *b, const struct kt_schema *s, enum access_op op,
                 char **where, struct kt_error *err)
{
	int rc = books_identity(b, err);

	*where = NULL;
	return rc ? rc : index_access_where(b->index, &b->who, s, op, where, err);
}

/* Checks that the caller may see or change a record.  See books.h. */
int access_record(struct kt_books *b, const struct kt_schema *s, const char *id,
                  enum access_op op, struct kt_error *err)
{
	int rc = books_identity(b, err);

	return rc ? rc : index_access_record(b->index, &b->who, s, id, op, err);
}

/* Checks that the caller may write a record as it will be.  See
 * internal.h. */
int access_values(struct kt_books *b, const struct kt_schema *s, const char *id,
                  const struct kt_record *old, char *const *names, char *const *values,
                  size_t n, struct kt_error *err)
{
	int rc = books_identity(b, err);

	return rc ? rc : index_access_values(b->index, &b->who, s, id, old, names, values, n, err);
}

/* Checks that the caller sees the whole index.  See books.h. */
int access_whole(struct kt_books *b, const char *what, struct kt_error *err)
{
	int rc = books_identity(b, err);

	return rc ? rc : index_access_whole(b->index, &b->who, what, err);
}
