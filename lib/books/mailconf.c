/*
 * mailconf.c - what the books say about sending mail: the sendmail
 * command and the From address, for kontora mail and the documents
 * mailed to clients (the message itself is lib/mail/'s).
 */
#include <stdlib.h>
#include <string.h>

#include "books/books.h"

/* Returns a new "\"name\" <email>" (name quoted as RFC 5322 wants, so that
 * a comma or a dot in it stays in it), or a copy of email when name is
 * empty; NULL when out of memory.  Caller frees. */
static char *named_address(const char *name, const char *email)
{
	struct kt_buf b = { 0 };
	int rc = 0;

	if (!name || !*name)
		return strdup(email);
	rc |= kt_buf_addc(&b, '"');
	for (const char *p = name; *p; p++)
		rc |= (*p == '"' || *p == '\\' ? kt_buf_addc(&b, '\\') : 0) | kt_buf_addc(&b, *p);
	rc |= kt_buf_addf(&b, "\" <%s>", email);
	if (rc) {
		kt_buf_free(&b);
		return NULL;
	}
	return kt_buf_detach(&b);
}

/* Returns in *from the caller's address, named by their name: not the
 * login@kontora git is given for an employee without an e-mail.  Returns
 * 0 (*from NULL when there is none) or KT_ENOMEM. */
static int caller_from(struct kt_books *b, char **from)
{
	const struct kt_identity *who;
	struct kt_error ignored = { 0 };

	*from = NULL;
	if (kt_books_whoami(b, &who, &ignored) || !who->email || !*who->email)
		return 0;
	size_t n = who->login ? strlen(who->login) : 0;
	if (n && !strncmp(who->email, who->login, n) && !strcmp(who->email + n, "@kontora"))
		return 0;
	*from = named_address(who->name, who->email);
	return *from ? 0 : KT_ENOMEM;
}

/* Reads mail.sendmail and the From address.  See kontora.h. */
int kt_mail_config(struct kt_books *b, char **sendmail, char **from, struct kt_error *err)
{
	char *email = NULL, *name = NULL;
	int rc;

	*sendmail = *from = NULL;
	rc = kt_config_get(b, "mail.sendmail", sendmail, err);
	if (rc == KT_ENOTFOUND && !(*sendmail = strdup(KT_SENDMAIL_DEFAULT)))
		rc = KT_ENOMEM;
	else if (rc == KT_ENOTFOUND)
		rc = 0;
	if (!rc && (rc = kt_config_get(b, "mail.from", from, err)) == KT_ENOTFOUND) {
		rc = kt_config_get(b, "company.email", &email, err);
		if (!rc && (rc = kt_config_get(b, "company.name", &name, err)) == KT_ENOTFOUND)
			rc = 0;
		if (!rc && !(*from = named_address(name, email)))
			rc = KT_ENOMEM;
	}
	if (rc == KT_ENOTFOUND)
		rc = caller_from(b, from);
	if (!rc && !*from)
		rc = kt_error_set(err, KT_EINVAL, "no address to send mail from: set mail.from (or "
		                  "company.email) in kontora.conf, or your employee's email");
	if (rc == KT_ENOMEM)
		kt_error_set(err, KT_ENOMEM, "out of memory");
	free(email);
	free(name);
	if (rc) {
		free(*sendmail);
		free(*from);
		*sendmail = *from = NULL;
	}
	return rc;
}
