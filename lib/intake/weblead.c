/*
 * weblead.c - what a web form's row says about a lead: the mapping of a
 * source's input fields to lead fields (defaults for Tilda and for a CSV
 * with a header, overridden by [source "NAME"] in kontora.conf), and the
 * normalisation of names, phones, e-mails and UTM tags.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intake/intake.h"

/* The input names each lead field is looked for under, in order, when
 * kontora.conf does not say: what Tilda posts and what form services and
 * people put in the header of an export.  Matched ignoring case and ё. */
static const struct {
	const char *key;          /* the key of [source "NAME"] */
	const char *names;        /* the default input names, '|'-separated */
} inputs[KT_WEBLEAD_NFIELDS] = {
	[KT_WL_NAME] = { "name", "name|fio|имя|фио|ваше имя|контактное лицо|contact|contact name|клиент" },
	[KT_WL_PHONE] = { "phone", "phone|tel|telephone|телефон|номер телефона|мобильный|phone number" },
	[KT_WL_EMAIL] = { "email", "email|e-mail|mail|почта|электронная почта|эл. почта" },
	[KT_WL_INN] = { "inn", "inn|инн" },
	[KT_WL_COMMENT] = { "comment", "comment|comments|message|textarea|text|комментарий|сообщение|вопрос|описание" },
	[KT_WL_PRODUCT] = { "product", "product|products|interest|товар|продукт|интерес|что интересует|тема|subject" },
	[KT_WL_FORM] = { "form", "formname|formid|form|форма" },
	[KT_WL_TRANID] = { "tranid", "tranid|request id|id заявки|submission id" },
	[KT_WL_TIME] = { "time", "time|date|created|created at|received|дата|дата заявки|время" },
	[KT_WL_UTM_SOURCE] = { "utm-source", "utm_source" },
	[KT_WL_UTM_MEDIUM] = { "utm-medium", "utm_medium" },
	[KT_WL_UTM_CAMPAIGN] = { "utm-campaign", "utm_campaign" },
	[KT_WL_UTM_CONTENT] = { "utm-content", "utm_content" },
	[KT_WL_UTM_TERM] = { "utm-term", "utm_term" },
};

/* A field longer than this is no form's honest input. */
#define MAX_FIELD 10000

/* Returns the key of [source] that names field f ("phone"). */
const char *kt_weblead_key(enum kt_weblead_field f)
{
	return inputs[f].key;
}

/* Returns the place (1 for the first) of the input name, folded, among
 * the '|'-separated names of a mapping (folded when loaded), or 0 when it
 * is not one of them.  Runs for every column of every row: nothing is
 * allocated. */
static int name_rank(const char *names, const char *folded_name)
{
	size_t n = strlen(folded_name);
	int rank = 1;

	for (const char *p = names; p; p = strchr(p, '|') ? strchr(p, '|') + 1 : NULL, rank++)
		if (strcspn(p, "|") == n && !strncmp(p, folded_name, n))
			return rank;
	return 0;
}

/* Replaces the '|'-separated names of *names by the same names folded
 * (kt_fold: case and ё ignored) without spaces around, once per mapping
 * rather than for every row.  Returns 0 or KT_ENOMEM. */
static int fold_names(char **names)
{
	struct kt_buf out = { 0 };
	int rc = 0, first = 1;

	for (const char *p = *names; !rc && p; p = strchr(p, '|') ? strchr(p, '|') + 1 : NULL) {
		size_t len = strcspn(p, "|");
		while (len && p[len - 1] == ' ')
			len--;
		while (len && *p == ' ')
			p++, len--;
		char *one = strndup(p, len), *folded = one ? kt_fold(one) : NULL;
		rc = !folded || (!first && kt_buf_addc(&out, '|')) || kt_buf_adds(&out, folded) ? KT_ENOMEM : 0;
		first = 0;
		free(one);
		free(folded);
	}
	if (rc || kt_buf_adds(&out, "")) {
		kt_buf_free(&out);
		return KT_ENOMEM;
	}
	free(*names);
	*names = kt_buf_detach(&out);
	return 0;
}

/* The input names of a row as a mapping reads them: for each column, its
 * name and its place among the names of each field (name_rank(), 0 for
 * none).  The rows of one export have the same columns: they are folded
 * and looked up once, not for every cell (a tenth of an import). */
struct kt_weblead_columns {
	size_t n;
	char **names;
	int (*rank)[KT_WEBLEAD_NFIELDS];
	int *cookies;        /* the column is Tilda's COOKIES */
};

/* Frees what c holds, and c; NULL is fine. */
static void columns_free(struct kt_weblead_columns *c)
{
	if (!c)
		return;
	strv_free(c->names, c->n);
	free(c->rank);
	free(c->cookies);
	free(c);
}

/* Frees the strings of a mapping. */
void kt_source_map_free(struct kt_source_map *m)
{
	for (size_t i = 0; i < KT_WEBLEAD_NFIELDS; i++)
		free(m->names[i]);
	free(m->source);
	free(m->lead_source);
	columns_free(m->last);
	memset(m, 0, sizeof *m);
}

/* Returns 1 if the columns c are those of row r. */
static int same_columns(const struct kt_weblead_columns *c, const struct kt_intake_row *r)
{
	if (!c || c->n != r->n)
		return 0;
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(c->names[i], r->names[i]))
			return 0;
	return 1;
}

/* Returns the columns of row r matched to the fields of m: the last ones
 * when r has the same, else made afresh (and kept in m).  NULL when out
 * of memory. */
static const struct kt_weblead_columns *columns_of(const struct kt_source_map *m,
                                                   const struct kt_intake_row *r)
{
	struct kt_weblead_columns *c;
	struct kt_source_map *mm = (struct kt_source_map *)m;  /* the cache only */

	if (same_columns(m->last, r))
		return m->last;
	if (!(c = calloc(1, sizeof *c)) || !(c->rank = calloc(r->n ? r->n : 1, sizeof *c->rank)) ||
	    !(c->cookies = calloc(r->n ? r->n : 1, sizeof *c->cookies))) {
		columns_free(c);
		return NULL;
	}
	for (size_t i = 0; i < r->n; i++) {
		char *folded = kt_fold(r->names[i]);
		if (!folded || strv_push(&c->names, &c->n, r->names[i])) {
			free(folded);
			columns_free(c);
			return NULL;
		}
		c->cookies[i] = !strcmp(folded, "cookies");
		for (int f = 0; f < KT_WEBLEAD_NFIELDS; f++)
			c->rank[i][f] = name_rank(m->names[f], folded);
		free(folded);
	}
	columns_free(mm->last);
	mm->last = c;
	return c;
}

/* Loads the mapping of source.  See kontora.h. */
int kt_source_map_load(struct kt_books *b, const char *source, struct kt_source_map *m,
                       struct kt_error *err)
{
	char key[200];
	int rc = 0;

	memset(m, 0, sizeof *m);
	if (!(m->source = strdup(source)))
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	for (size_t i = 0; !rc && i < KT_WEBLEAD_NFIELDS; i++) {
		snprintf(key, sizeof key, "source.%s.%s", source, inputs[i].key);
		rc = b ? kt_config_get(b, key, &m->names[i], err) : KT_ENOTFOUND;
		if (rc == KT_ENOTFOUND) {
			/* Configured names are separated by commas; defaults by '|'. */
			rc = (m->names[i] = strdup(inputs[i].names)) ? 0 : KT_ENOMEM;
		} else if (!rc)
			for (char *p = m->names[i]; *p; p++)
				if (*p == ',')
					*p = '|';
		if (!rc)
			rc = fold_names(&m->names[i]);
	}
	if (!rc) {
		snprintf(key, sizeof key, "source.%s.lead-source", source);
		rc = b ? kt_config_get(b, key, &m->lead_source, err) : KT_ENOTFOUND;
		if (rc == KT_ENOTFOUND)
			rc = (m->lead_source = strdup("web")) ? 0 : KT_ENOMEM;
	}
	if (rc) {
		kt_source_map_free(m);
		return rc == KT_ENOMEM ? kt_error_set(err, rc, "out of memory") : rc;
	}
	return 0;
}

/* Returns a copy of s without leading and trailing white space, and with
 * runs of white space inside made one space (caller frees), or NULL. */
static char *squeeze(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;
	int space = 0;

	if (!out)
		return NULL;
	for (; *s; s++) {
		if (isspace((unsigned char)*s)) {
			space = o != out;
			continue;
		}
		if (space)
			*o++ = ' ';
		space = 0;
		*o++ = *s;
	}
	*o = '\0';
	return out;
}

/* Sets field f of l to a trimmed copy of value.  Returns 0 or KT_ENOMEM. */
static int set_field(struct kt_weblead *l, enum kt_weblead_field f, const char *value)
{
	free(l->v[f]);
	/* A comment keeps its lines; other fields are one line. */
	if (f == KT_WL_COMMENT) {
		size_t start = strspn(value, " \t\r\n"), len = strlen(value + start);
		while (len && isspace((unsigned char)value[start + len - 1]))
			len--;
		l->v[f] = strndup(value + start, len);
	} else
		l->v[f] = squeeze(value);
	return l->v[f] ? 0 : KT_ENOMEM;
}

/* Takes the UTM tags Tilda keeps in its TILDAUTM cookie
 * ("utm_source=yandex|||utm_medium=cpc", percent-encoded or not) from the
 * COOKIES field into the fields not set yet.  Returns 0 or KT_ENOMEM. */
static int tilda_utm(struct kt_weblead *l, const char *cookies)
{
	const char *p = strstr(cookies, "TILDAUTM=");
	int rc = 0;

	if (!p)
		return 0;
	p += strlen("TILDAUTM=");
	char *tags = strndup(p, strcspn(p, ";")), *o = tags;
	if (!tags)
		return KT_ENOMEM;
	for (const char *s = tags; *s; s++) {
		int hi, lo;
		if (*s == '%' && s[1] && s[2] && sscanf(s + 1, "%1x%1x", &hi, &lo) == 2) {
			*o++ = (char)(hi * 16 + lo);
			s += 2;
		} else
			*o++ = *s;
	}
	*o = '\0';
	for (char *tag = tags; tag && !rc;) {
		char *next = strstr(tag, "|||");
		if (next)
			*next = '\0';
		char *eq = strchr(tag, '=');
		for (int f = KT_WL_UTM_SOURCE; eq && f <= KT_WL_UTM_TERM; f++)
			if ((size_t)(eq - tag) == strlen(inputs[f].names) && !strncmp(tag, inputs[f].names, (size_t)(eq - tag)) &&
			    (!l->v[f] || !*l->v[f]))
				rc = set_field(l, (enum kt_weblead_field)f, eq + 1);
		tag = next ? next + 3 : NULL;
	}
	free(tags);
	return rc;
}

/* Sets l->reason to why, and field's name before it when not NULL, unless
 * it is set.  Returns 0 or KT_ENOMEM. */
static int reject(struct kt_weblead *l, const char *field, const char *why)
{
	struct kt_buf b = { 0 };

	if (l->reason)
		return 0;
	if (kt_buf_addf(&b, "%.100s%s%s", field ? field : "", field ? ": " : "", why)) {
		kt_buf_free(&b);
		return KT_ENOMEM;
	}
	l->reason = kt_buf_detach(&b);
	return 0;
}

/* Appends "label: value" as a line of the comment.  Returns 0 or
 * KT_ENOMEM. */
static int add_to_comment(struct kt_weblead *l, const char *label, const char *value)
{
	struct kt_buf b = { 0 };
	int rc = kt_buf_addf(&b, "%s%s%s: %s", l->v[KT_WL_COMMENT] ? l->v[KT_WL_COMMENT] : "",
	                     l->v[KT_WL_COMMENT] && *l->v[KT_WL_COMMENT] ? "\n" : "", label, value);

	if (rc)
		return rc;
	free(l->v[KT_WL_COMMENT]);
	l->v[KT_WL_COMMENT] = kt_buf_detach(&b);
	return 0;
}

/* Normalises phone and e-mail: a phone in any usual form to +7XXXXXXXXXX
 * (foreign numbers to + and digits), an e-mail trimmed and lower-cased.
 * One that cannot be read goes to the comment so nothing is lost.
 * Returns 0 or KT_ENOMEM. */
static int normalize_contacts(struct kt_weblead *l)
{
	char phone[20];
	int rc = 0;

	if (l->v[KT_WL_PHONE] && *l->v[KT_WL_PHONE]) {
		if (kt_phone_normalize(l->v[KT_WL_PHONE], phone) == 0) {
			free(l->v[KT_WL_PHONE]);
			rc = (l->v[KT_WL_PHONE] = strdup(phone)) ? 0 : KT_ENOMEM;
		} else {
			rc = add_to_comment(l, "Телефон (не распознан)", l->v[KT_WL_PHONE]);
			l->v[KT_WL_PHONE][0] = '\0';
		}
	}
	char *e = l->v[KT_WL_EMAIL];
	if (!rc && e && *e) {
		for (char *p = e; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		const char *at = strchr(e, '@');
		if (!at || at == e || !strchr(at, '.') || strchr(e, ' ') || strchr(at + 1, '@')) {
			rc = add_to_comment(l, "E-mail (не распознан)", e);
			e[0] = '\0';
		}
	}
	return rc;
}

/* Makes the submission's external id: the source and the form service's
 * own id (tranid) when there is one, else a hash of the source, the
 * normalised fields and the time the row gives.  Returns 0 or KT_ENOMEM. */
static int external_id(struct kt_weblead *l, const char *source)
{
	struct kt_buf b = { 0 };
	int rc;

	if (l->v[KT_WL_TRANID] && *l->v[KT_WL_TRANID])
		rc = kt_buf_cat(&b, source, ":", l->v[KT_WL_TRANID], (char *)NULL);
	else {
		struct kt_buf text = { 0 };
		static const enum kt_weblead_field hashed[] = {
			KT_WL_NAME, KT_WL_PHONE, KT_WL_EMAIL, KT_WL_INN, KT_WL_COMMENT,
			KT_WL_PRODUCT, KT_WL_FORM, KT_WL_TIME,
		};
		rc = kt_buf_adds(&text, source);
		for (size_t i = 0; !rc && i < sizeof hashed / sizeof *hashed; i++)
			rc = kt_buf_addf(&text, "\n%s", l->v[hashed[i]] ? l->v[hashed[i]] : "");
		char hex[41];
		if (!rc && !(rc = store_hash(text.data, text.len, hex, NULL)))
			rc = kt_buf_addf(&b, "%s:h%.16s", source, hex);
		kt_buf_free(&text);
	}
	if (!rc)
		l->external_id = kt_buf_detach(&b);
	kt_buf_free(&b);
	return rc;
}

/* Reads what row r says about a lead.  See kontora.h. */
int kt_weblead_from_row(const struct kt_source_map *m, const struct kt_intake_row *r,
                        struct kt_weblead *l, struct kt_error *err)
{
	const struct kt_weblead_columns *cols = columns_of(m, r);
	const char *cookies = NULL;
	int rank[KT_WEBLEAD_NFIELDS] = { 0 };
	int rc = 0;

	memset(l, 0, sizeof *l);
	if (!cols)
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	if (r->error)
		rc = reject(l, NULL, r->error);
	/* A field comes from the input name the mapping lists first; an
	 * empty value does not count. */
	for (size_t i = 0; !rc && i < r->n; i++) {
		if (cols->cookies[i])
			cookies = r->values[i];
		for (int f = 0; !rc && f < KT_WEBLEAD_NFIELDS; f++) {
			int at = cols->rank[i][f];
			if (!at || (rank[f] && rank[f] <= at) || !r->values[i][strspn(r->values[i], " \t\r\n")])
				continue;
			if (strlen(r->values[i]) > MAX_FIELD)
				rc = reject(l, r->names[i], "longer than 10000 bytes");
			else if (!(rc = set_field(l, (enum kt_weblead_field)f, r->values[i])))
				rank[f] = at;
		}
	}
	if (!rc && cookies)
		rc = tilda_utm(l, cookies);
	if (!rc && !l->reason)
		rc = normalize_contacts(l);
	if (!rc && !l->reason && (!l->v[KT_WL_PHONE] || !*l->v[KT_WL_PHONE]) &&
	    (!l->v[KT_WL_EMAIL] || !*l->v[KT_WL_EMAIL]))
		rc = reject(l, NULL, "no phone and no e-mail: nobody to call back");
	if (!rc && !l->reason)
		rc = external_id(l, m->source);
	if (rc) {
		kt_weblead_free(l);
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	return 0;
}

/* Frees what kt_weblead_from_row() filled. */
void kt_weblead_free(struct kt_weblead *l)
{
	for (size_t i = 0; i < KT_WEBLEAD_NFIELDS; i++)
		free(l->v[i]);
	free(l->reason);
	free(l->external_id);
	memset(l, 0, sizeof *l);
}
