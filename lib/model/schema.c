/*
 * schema.c - record types as data: schemas/TYPE.schema files, and what a
 * field's type means for the values it holds.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdio.h>

#include "model/model.h"

static const char *const type_names[] = {
	[KT_TEXT] = "text", [KT_INT] = "int", [KT_MONEY] = "money",
	[KT_DATE] = "date", [KT_DATETIME] = "datetime", [KT_BOOL] = "bool",
	[KT_PHONE] = "phone", [KT_EMAIL] = "email", [KT_INN] = "inn",
	[KT_ENUM] = "enum", [KT_DICT] = "dict", [KT_REF] = "ref",
	[KT_LIST] = "list", [KT_DECIMAL] = "decimal",
};

static const char *const mode_names[] = {
	[KT_ACCESS_ALL] = "all", [KT_ACCESS_READ] = "read", [KT_ACCESS_OWN] = "own",
	[KT_ACCESS_VIA] = "via", [KT_ACCESS_NONE] = "none", [KT_ACCESS_NAMED] = "named",
};

/* Returns the word of an access mode.  See model.h. */
const char *access_mode_name(enum kt_access_mode m)
{
	return mode_names[m];
}

/* Returns the name of type t (static). */
const char *kt_ftype_name(enum kt_ftype t)
{
	return type_names[t];
}

/* Returns 1 if s is snake_case: [a-z][a-z0-9_]*. */
static int is_snake(const char *s)
{
	if (!islower((unsigned char)*s))
		return 0;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

/* Splits a line into words; key="..." keeps key= before the quoted text.
 * See model.h. */
int line_words(char *line, char **words, int max)
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

/* Parses "TYPE" or "TYPE:ARG" into f.  Returns 0 or -1 for an unknown type. */
static int parse_type(const char *word, struct kt_field *f)
{
	const char *colon = strchr(word, ':');
	size_t len = colon ? (size_t)(colon - word) : strlen(word);

	for (size_t t = 0; t < sizeof type_names / sizeof *type_names; t++) {
		if (strlen(type_names[t]) != len || memcmp(word, type_names[t], len))
			continue;
		f->type = (enum kt_ftype)t;
		int wants_arg = t == KT_ENUM || t == KT_DICT || t == KT_REF;
		if (wants_arg != (colon != NULL && colon[1] != '\0'))
			return -1;
		if (colon && !(f->arg = strdup(colon + 1)))
			return -1;
		return 0;
	}
	return -1;
}

/* Reads v as a number of f's type (int, money or decimal) into *n, in its
 * units (kopecks, thousandths).  Returns 0, or -1 when v is none. */
static int number_of(const struct kt_field *f, const char *v, int64_t *n)
{
	char *end;

	switch (f->type) {
	case KT_INT:
		errno = 0;
		*n = strtoll(v, &end, 10);
		return *end || end == v || errno == ERANGE ? -1 : 0;
	case KT_MONEY:
		return kt_money_parse(v, n) ? -1 : 0;
	case KT_DECIMAL:
		return kt_decimal_parse(v, 3, n) ? -1 : 0;
	default:
		return -1;
	}
}

/* Parses the words after "field".  Returns 0 or an error in err. */
static int parse_field(struct kt_schema *s, char **w, int n, const char *file,
                       long line, struct kt_error *err)
{
	if (n < 2)
		return kt_error_set(err, KT_ESCHEMA, "%s:%ld: field needs a name and a type", file, line);
	if (!is_snake(w[0]) || !strcmp(w[0], "id") || !strcmp(w[0], "created"))
		return kt_error_set(err, KT_ESCHEMA, "%s:%ld: %s: not a field name (snake_case, not id or created)", file, line, w[0]);
	if (kt_schema_field(s, w[0]))
		return kt_error_set(err, KT_ESCHEMA, "%s:%ld: %s: defined twice", file, line, w[0]);

	struct kt_field *fields = realloc(s->fields, (s->nfields + 1) * sizeof *fields);
	if (!fields)
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	s->fields = fields;
	struct kt_field *f = &fields[s->nfields++];
	memset(f, 0, sizeof *f);
	if (!(f->name = strdup(w[0])))
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	if (parse_type(w[1], f))
		return kt_error_set(err, KT_ESCHEMA, "%s:%ld: %s: unknown type \"%s\"", file, line, w[0], w[1]);
	for (int i = 2; i < n; i++) {
		char **slot = NULL;
		if (!strncmp(w[i], "min=", 4)) {
			if (f->has_min)
				return kt_error_set(err, KT_ESCHEMA, "%s:%ld: %s: min given twice", file, line, w[0]);
			if (f->type != KT_INT && f->type != KT_MONEY && f->type != KT_DECIMAL)
				return kt_error_set(err, KT_ESCHEMA, "%s:%ld: %s: min= is for int, money and "
				                    "decimal fields", file, line, w[0]);
			if (number_of(f, w[i] + 4, &f->min))
				return kt_error_set(err, KT_ESCHEMA, "%s:%ld: %s: %s: not a number of the field's type",
				                    file, line, w[0], w[i]);
			f->has_min = 1;
			continue;
		}
		if (!strcmp(w[i], "required"))
			f->required = 1;
		else if (!strcmp(w[i], "unique"))
			f->unique = 1;
		else if (!strcmp(w[i], "nosearch"))
			f->nosearch = 1;
		else if (!strncmp(w[i], "default=", 8))
			slot = &f->def;
		else if (!strncmp(w[i], "label=", 6))
			slot = &f->label;
		else
			return kt_error_set(err, KT_ESCHEMA, "%s:%ld: %s: unknown option \"%s\"", file, line, w[0], w[i]);
		if (slot && *slot)
			return kt_error_set(err, KT_ESCHEMA, "%s:%ld: %s: %.*s given twice", file, line, w[0],
			                    (int)(strchr(w[i], '=') - w[i]), w[i]);
		if (slot && !(*slot = strdup(strchr(w[i], '=') + 1)))
			return kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	return 0;
}

/* Copies the one word a directive takes into *slot.  Returns 0 or an error. */
static int one_word(char **slot, char **w, int n, const char *file, long line,
                    const char *what, struct kt_error *err)
{
	if (n != 1)
		return kt_error_set(err, KT_ESCHEMA, "%s:%ld: %s takes one value", file, line, what);
	if (*slot)
		return kt_error_set(err, KT_ESCHEMA, "%s:%ld: %s given twice", file, line, what);
	if (!(*slot = strdup(w[0])))
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	return 0;
}

/* Parses one line's words into s.  Returns 0 or an error. */
static int parse_line(struct kt_schema *s, char **w, int n, const char *file,
                      long line, struct kt_error *err)
{
	const char *d = w[0];

	w++, n--;
	if (!strcmp(d, "field"))
		return parse_field(s, w, n, file, line, err);
	if (!strcmp(d, "type"))
		return one_word(&s->name, w, n, file, line, d, err);
	if (!strcmp(d, "label"))
		return one_word(&s->label, w, n, file, line, d, err);
	if (!strcmp(d, "key"))
		return one_word(&s->key, w, n, file, line, d, err);
	if (!strcmp(d, "title"))
		return one_word(&s->title, w, n, file, line, d, err);
	if (!strcmp(d, "sort"))
		return one_word(&s->sort, w, n, file, line, d, err);
	if (!strcmp(d, "owner"))
		return one_word(&s->owner, w, n, file, line, d, err);
	if (!strcmp(d, "part-of"))
		return one_word(&s->part_of, w, n, file, line, d, err);
	if (!strcmp(d, "history"))
		return one_word(&s->history, w, n, file, line, d, err);
	if (!strcmp(d, "access"))
		return access_parse(s, w, n, file, line, err);
	if (!strcmp(d, "split")) {
		if (n != 1 || strcmp(w[0], "id"))
			return kt_error_set(err, KT_ESCHEMA, "%s:%ld: split takes \"id\"", file, line);
		if (s->split)
			return kt_error_set(err, KT_ESCHEMA, "%s:%ld: split given twice", file, line);
		s->split = 1;
		return 0;
	}
	if (!strcmp(d, "prefix")) {
		if (n != 1 || strlen(w[0]) != 1 || !isupper((unsigned char)w[0][0]))
			return kt_error_set(err, KT_ESCHEMA, "%s:%ld: prefix is one capital letter A-Z", file, line);
		if (s->prefix)
			return kt_error_set(err, KT_ESCHEMA, "%s:%ld: prefix given twice", file, line);
		s->prefix = w[0][0];
		return 0;
	}
	if (!strcmp(d, "columns")) {
		for (int i = 0; i < n; i++) {
			char **c = realloc(s->columns, (s->ncolumns + 1) * sizeof *c);
			if (!c)
				return kt_error_set(err, KT_ENOMEM, "out of memory");
			s->columns = c;
			if (!(c[s->ncolumns++] = strdup(w[i])))
				return kt_error_set(err, KT_ENOMEM, "out of memory");
		}
		return 0;
	}
	return kt_error_set(err, KT_ESCHEMA, "%s:%ld: unknown directive \"%s\"", file, line, d);
}

/* Where the directives that name fields were, for messages: fields may
 * be defined after the lines that name them, so these are checked last. */
struct named_lines {
	long key, title, sort, owner, part_of, history;
	long *columns;       /* the line of each column */
};

/* Remembers the line of directive d (words[0]) if it names fields.
 * Returns 0 or KT_ENOMEM. */
static int note_line(struct named_lines *nl, const struct kt_schema *s,
                     size_t had_columns, const char *d, long line)
{
	if (!strcmp(d, "key"))
		nl->key = line;
	else if (!strcmp(d, "title"))
		nl->title = line;
	else if (!strcmp(d, "sort"))
		nl->sort = line;
	else if (!strcmp(d, "owner"))
		nl->owner = line;
	else if (!strcmp(d, "part-of"))
		nl->part_of = line;
	else if (!strcmp(d, "history"))
		nl->history = line;
	else if (!strcmp(d, "columns") && s->ncolumns > had_columns) {
		long *c = realloc(nl->columns, s->ncolumns * sizeof *c);
		if (!c)
			return KT_ENOMEM;
		nl->columns = c;
		for (size_t i = had_columns; i < s->ncolumns; i++)
			c[i] = line;
	}
	return 0;
}

/* Returns 1 if name is a field of s or one of the columns every record
 * has (id, created). */
static int names_column(const struct kt_schema *s, const char *name)
{
	return !strcmp(name, "id") || !strcmp(name, "created") || kt_schema_field(s, name);
}

/* Checks that the fields named by key, title, sort, owner, history and columns
 * exist (owner a ref:employee field) and that the type has a name and a
 * prefix.  Returns 0 or an error. */
static int validate(const struct kt_schema *s, const struct named_lines *nl,
                    const char *file, struct kt_error *err)
{
	const char *sort = s->sort && s->sort[0] == '-' ? s->sort + 1 : s->sort;

	if (!s->name || !is_snake(s->name))
		return kt_error_set(err, KT_ESCHEMA, "%s: no \"type NAME\" line (snake_case name)", file);
	if (!s->prefix)
		return kt_error_set(err, KT_ESCHEMA, "%s: no \"prefix LETTER\" line", file);
	if (s->key && !kt_schema_field(s, s->key))
		return kt_error_set(err, KT_ESCHEMA, "%s:%ld: key: no field \"%s\"", file, nl->key, s->key);
	if (s->title && !kt_schema_field(s, s->title))
		return kt_error_set(err, KT_ESCHEMA, "%s:%ld: title: no field \"%s\"", file, nl->title, s->title);
	if (s->owner) {
		const struct kt_field *f = kt_schema_field(s, s->owner);
		if (!f)
			return kt_error_set(err, KT_ESCHEMA, "%s:%ld: owner: no field \"%s\"", file, nl->owner, s->owner);
		if (f->type != KT_REF || strcmp(f->arg, "employee"))
			return kt_error_set(err, KT_ESCHEMA, "%s:%ld: owner: %s is not a ref:employee field",
			                    file, nl->owner, s->owner);
	}
	if (s->part_of) {
		const struct kt_field *f = kt_schema_field(s, s->part_of);
		if (!f || (f->type != KT_REF && f->type != KT_TEXT) || !f->required)
			return kt_error_set(err, KT_ESCHEMA, "%s:%ld: part-of: %s is not a required ref or text field",
			                    file, nl->part_of, s->part_of);
	}
	if (s->history && !kt_schema_field(s, s->history))
		return kt_error_set(err, KT_ESCHEMA, "%s:%ld: history: no field \"%s\"", file,
		                    nl->history, s->history);
	if (sort && !names_column(s, sort))
		return kt_error_set(err, KT_ESCHEMA, "%s:%ld: sort: no field \"%s\"", file, nl->sort, sort);
	for (size_t i = 0; i < s->ncolumns; i++)
		if (!names_column(s, s->columns[i]))
			return kt_error_set(err, KT_ESCHEMA, "%s:%ld: columns: no field \"%s\"", file,
			                    nl->columns[i], s->columns[i]);
	return access_validate(s, file, err);
}

/*
 * Parses a schema file.  Returns 0 and *out (kt_schema_free()), or
 * KT_ESCHEMA / KT_ENOMEM with err naming the file and line.
 */
int kt_schema_parse(const char *text, size_t len, const char *name,
                    struct kt_schema **out, struct kt_error *err)
{
	struct kt_schema *s = calloc(1, sizeof *s);
	struct named_lines where = { 0 };
	char *copy = malloc(len + 1);
	int rc = 0;
	long line = 0;

	if (!s || !copy || !(s->file = strdup(name))) {
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
		goto done;
	}
	memcpy(copy, text, len);
	copy[len] = '\0';
	for (char *p = copy, *nl; p && *p && !rc; p = nl ? nl + 1 : NULL) {
		char *words[64];
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		line++;
		int n = line_words(p, words, 64);
		if (n < 0)
			rc = kt_error_set(err, KT_ESCHEMA, "%s:%ld: unterminated quote", name, line);
		else if (n > 0) {
			size_t had_columns = s->ncolumns;
			rc = parse_line(s, words, n, name, line, err);
			if (!rc && note_line(&where, s, had_columns, words[0], line))
				rc = kt_error_set(err, KT_ENOMEM, "out of memory");
		}
	}
	if (!rc)
		rc = validate(s, &where, name, err);
done:
	free(where.columns);
	free(copy);
	if (rc) {
		kt_schema_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

/* Frees a schema; NULL is fine. */
void kt_schema_free(struct kt_schema *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nfields; i++) {
		free(s->fields[i].name);
		free(s->fields[i].arg);
		free(s->fields[i].label);
		free(s->fields[i].def);
	}
	for (size_t i = 0; i < s->ncolumns; i++)
		free(s->columns[i]);
	free(s->fields);
	free(s->columns);
	access_free(s);
	free(s->name);
	free(s->label);
	free(s->key);
	free(s->title);
	free(s->sort);
	free(s->owner);
	free(s->part_of);
	free(s->history);
	free(s->file);
	free(s);
}

/* Returns the field called name in s (owned by s), or NULL. */
const struct kt_field *kt_schema_field(const struct kt_schema *s, const char *name)
{
	/* The first letters compared first: an import asks for a name two
	 * dozen times a lead, among two dozen fields. */
	for (size_t i = 0; i < s->nfields; i++)
		if (s->fields[i].name[0] == name[0] && !strcmp(s->fields[i].name, name))
			return &s->fields[i];
	return NULL;
}

/* Returns 1 if word is one of the |-separated values of list. */
static int enum_has(const char *list, const char *word)
{
	size_t len = strlen(word);

	if (!len || strchr(word, '|'))
		return 0;
	for (const char *p = list; p; p = strchr(p, '|') ? strchr(p, '|') + 1 : NULL)
		if (!strncmp(p, word, len) && (p[len] == '|' || !p[len]))
			return 1;
	return 0;
}

/* Parses a bool as people type it into 1/0; -1 if it is none. */
static int parse_bool(const char *s)
{
	static const char *const yes[] = { "true", "yes", "y", "1", "да", "Да", "ДА" };
	static const char *const no[] = { "false", "no", "n", "0", "нет", "Нет", "НЕТ" };

	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
		if (!strcasecmp(s, yes[i]))
			return 1;
		if (!strcasecmp(s, no[i]))
			return 0;
	}
	return -1;
}

/* Parses a stored bool: 1 for "true", 0 for "false", -1 otherwise. */
int bool_value(const char *s)
{
	return !strcmp(s, "true") ? 1 : !strcmp(s, "false") ? 0 : -1;
}

/* Returns a copy of s without leading and trailing blanks (caller frees). */
static char *trimmed(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	size_t len = strlen(s);
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' ||
	               s[len - 1] == '\n' || s[len - 1] == '\r'))
		len--;
	return strndup(s, len);
}

/* Normalises a list: items split on ";", trimmed, joined by "; ". */
static char *normalize_list(const char *in)
{
	struct kt_buf b = { 0 };

	if (kt_buf_adds(&b, ""))
		return NULL;
	for (const char *p = in; *p;) {
		size_t n = strcspn(p, ";");
		char *item = strndup(p, n), *t = item ? trimmed(item) : NULL;
		free(item);
		if (!t) {
			kt_buf_free(&b);
			return NULL;
		}
		if (*t && ((b.len && kt_buf_adds(&b, "; ")) || kt_buf_adds(&b, t))) {
			free(t);
			kt_buf_free(&b);
			return NULL;
		}
		free(t);
		p += n + (p[n] == ';');
	}
	return kt_buf_detach(&b);
}

/* Writes n, a number of f's type in its units, as stored into buf (40
 * bytes).  Returns buf. */
static char *number_text(const struct kt_field *f, int64_t n, char buf[40])
{
	if (f->type == KT_MONEY)
		return kt_money_format(n, 0, buf);
	if (f->type == KT_DECIMAL)
		return kt_decimal_format(n, 0, buf);
	text_int(n, buf);
	return buf;
}

/* Validates and normalises a non-empty trimmed value v of f, a copy the
 * caller holds.  Returns v itself when it is already the normal form or
 * was made it in place (a text, most values: a copy each was a
 * twentieth of building an import's records), else a new string (v still
 * the caller's to free), or NULL with err set. */
static char *normalize(const struct kt_field *f, char *v, struct kt_error *err)
{
	char buf[40];
	int64_t n;

	switch (f->type) {
	case KT_TEXT:
		if (!kt_utf8_valid(v, strlen(v), NULL))
			break;
		return v;
	case KT_INT:
	case KT_MONEY:
	case KT_DECIMAL:
		if (number_of(f, v, &n))
			break;
		if (f->has_min && n < f->min) {
			kt_error_set(err, KT_EINVAL, "%s: %s is below its least value, %s", f->name, v,
			             number_text(f, f->min, buf));
			return NULL;
		}
		return strdup(number_text(f, n, buf));
	case KT_DATE:
		if (!kt_date_valid(v))
			break;
		return v;
	case KT_DATETIME:
		if (!kt_datetime_valid(v))
			break;
		return v;
	case KT_BOOL:
		if (parse_bool(v) < 0)
			break;
		return strdup(parse_bool(v) ? "true" : "false");
	case KT_PHONE:
		if (kt_phone_normalize(v, buf))
			break;
		return strdup(buf);
	case KT_EMAIL: {
		const char *at = strchr(v, '@');
		if (!at || at == v || !at[1] || strchr(at + 1, '@') || strpbrk(v, " \t,;<>"))
			break;
		for (char *p = v; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		return v;
	}
	case KT_INN:
		if (!kt_inn_valid(v)) {
			int digits = strspn(v, "0123456789") == strlen(v) &&
			             (strlen(v) == 10 || strlen(v) == 12);
			kt_error_set(err, KT_EINVAL, "%s: %s \"%s\"", f->name,
			             digits ? "invalid checksum" : "not an INN (10 or 12 digits)", v);
			return NULL;
		}
		return v;
	case KT_ENUM:
		if (!enum_has(f->arg, v)) {
			kt_error_set(err, KT_EINVAL, "%s: \"%s\" is not one of %s", f->name, v, f->arg);
			return NULL;
		}
		return v;
	case KT_LIST:
		return normalize_list(v);
	case KT_DICT:
	case KT_REF:
		return v;   /* resolved against the books by the caller */
	}
	kt_error_set(err, KT_EINVAL, "%s: \"%s\" is not a valid %s", f->name, v,
	             kt_ftype_name(f->type));
	return NULL;
}

/*
 * Normalises and validates one value of field f.  Returns 0 and *out
 * (caller frees; "" for an empty value), or KT_EINVAL / KT_ENOMEM.
 */
int kt_value_normalize(const struct kt_field *f, const char *in, char **out,
                       struct kt_error *err)
{
	char *t = trimmed(in ? in : "");

	if (!t)
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	if (!*t) {
		*out = t;
		return 0;
	}
	struct kt_error why = { 0 };
	*out = normalize(f, t, &why);
	if (*out != t)
		free(t);
	if (*out)
		return 0;
	if (!why.code)
		kt_error_set(&why, KT_ENOMEM, "out of memory");
	if (err)
		*err = why;
	return why.code;
}

/* Returns the type of a column of s.  See model.h. */
enum kt_ftype schema_column_type(const struct kt_schema *s, const char *name)
{
	const struct kt_field *f = kt_schema_field(s, name);
	return f ? f->type : strcmp(name, "created") ? KT_TEXT : KT_DATETIME;
}

/* Returns what people see for a column.  See kontora.h. */
const char *kt_schema_label(const struct kt_schema *s, const char *name)
{
	const struct kt_field *f = kt_schema_field(s, name);

	if (f)
		return f->label ? f->label : f->name;
	return !strcmp(name, "id") ? "Код" : !strcmp(name, "created") ? "Создан" : name;
}

/* ---------------------------------------------------------------- types */

/* Returns the schema called name.  See model.h. */
const struct kt_schema *types_find(const struct types *t, const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->v[i]->name, name))
			return t->v[i];
	return NULL;
}

/* Returns the schema of an id letter.  See model.h. */
const struct kt_schema *types_by_prefix(const struct types *t, char letter)
{
	if (letter >= 'a' && letter <= 'z')
		letter = (char)(letter - 'a' + 'A');
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i]->prefix == letter)
			return t->v[i];
	return NULL;
}

/* Adds a schema to a set of types.  See model.h. */
int types_add(struct types *t, struct kt_schema *s, struct kt_error *err)
{
	struct kt_schema **v;
	int rc;

	if (types_find(t, s->name) || types_by_prefix(t, s->prefix)) {
		rc = kt_error_set(err, KT_ESCHEMA, "%s: type %s or prefix %c is used by another schema",
		                  s->file, s->name, s->prefix);
	} else if (!(v = realloc(t->v, (t->n + 1) * sizeof *v))) {
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	} else {
		t->v = v;
		t->v[t->n++] = s;
		return 0;
	}
	kt_schema_free(s);
	return rc;
}

/* Frees a set of types.  See model.h. */
void types_free(struct types *t)
{
	for (size_t i = 0; i < t->n; i++)
		kt_schema_free(t->v[i]);
	free(t->v);
	t->v = NULL;
	t->n = 0;
}


/* Returns 1 for the modes whose lines combine (each adds records). */
static int combines(int m)
{
	return m == KT_ACCESS_OWN || m == KT_ACCESS_VIA || m == KT_ACCESS_NAMED;
}

/* Returns 1 for the modes that take a word after them. */
static int takes_word(int m)
{
	return m == KT_ACCESS_VIA || m == KT_ACCESS_NAMED;
}

/* Parses the words after "access" of one schema line into s.  See
 * model.h. */
int access_parse(struct kt_schema *s, char **w, int n, const char *file, long line,
                 struct kt_error *err)
{
	size_t m = 0;

	if (n < 2)
		return kt_error_set(err, KT_ESCHEMA, "%s:%ld: access needs a role and all, read, own, via FIELD or none",
		                    file, line);
	while (m < sizeof mode_names / sizeof *mode_names && strcmp(w[1], mode_names[m]))
		m++;
	if (m == sizeof mode_names / sizeof *mode_names)
		return kt_error_set(err, KT_ESCHEMA, "%s:%ld: access %s: unknown mode \"%s\" (all, read, own, via FIELD, none)",
		                    file, line, w[0], w[1]);
	if (n != (takes_word((int)m) ? 3 : 2))
		return kt_error_set(err, KT_ESCHEMA, "%s:%ld: access %s %s: %s", file, line, w[0], w[1],
		                    m == KT_ACCESS_VIA ? "via takes one field" :
		                    m == KT_ACCESS_NAMED ? "named takes one TYPE.FIELD" : "takes no more words");
	if (m == KT_ACCESS_NAMED && (!strchr(w[2], '.') || strchr(w[2], '.') == w[2] || !strchr(w[2], '.')[1]))
		return kt_error_set(err, KT_ESCHEMA, "%s:%ld: access %s named: \"%s\" is not TYPE.FIELD",
		                    file, line, w[0], w[2]);
	if (!strcmp(w[0], "admin"))
		return kt_error_set(err, KT_ESCHEMA, "%s:%ld: access admin: admin always sees and changes everything",
		                    file, line);
	for (size_t i = 0; i < s->naccess; i++) {
		const struct kt_access *a = &s->access[i];
		if (strcmp(a->role, w[0]))
			continue;
		if (!combines((int)m) || !combines(a->mode))
			return kt_error_set(err, KT_ESCHEMA, "%s:%ld: access %s: only own, via and named lines combine "
			                    "(line %ld gives %s)", file, line, w[0], a->line, mode_names[a->mode]);
		if ((int)m == (int)a->mode && (m == KT_ACCESS_OWN || !strcmp(a->field, w[2])))
			return kt_error_set(err, KT_ESCHEMA, "%s:%ld: access %s: same as line %ld", file, line,
			                    w[0], a->line);
	}
	struct kt_access *v = realloc(s->access, (s->naccess + 1) * sizeof *v);
	if (!v)
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	s->access = v;
	v[s->naccess] = (struct kt_access){ strdup(w[0]), (enum kt_access_mode)m,
	                                    takes_word((int)m) ? strdup(w[2]) : NULL, line };
	if (!v[s->naccess].role || (takes_word((int)m) && !v[s->naccess].field)) {
		free(v[s->naccess].role);
		free(v[s->naccess].field);
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	s->naccess++;
	return 0;
}

/* Checks what the access lines of s name within s, once the fields are
 * known: own needs an owner, via a ref or text field.  Returns 0 or
 * KT_ESCHEMA naming file:line. */
int access_validate(const struct kt_schema *s, const char *file, struct kt_error *err)
{
	for (size_t i = 0; i < s->naccess; i++) {
		const struct kt_access *a = &s->access[i];
		const struct kt_field *f = a->mode == KT_ACCESS_VIA ? kt_schema_field(s, a->field) : NULL;
		if (a->mode == KT_ACCESS_OWN && !s->owner)
			return kt_error_set(err, KT_ESCHEMA, "%s:%ld: access %s own: the type has no owner line",
			                    file, a->line, a->role);
		if (a->mode == KT_ACCESS_VIA && !f)
			return kt_error_set(err, KT_ESCHEMA, "%s:%ld: access %s via: no field \"%s\"",
			                    file, a->line, a->role, a->field);
		if (f && f->type != KT_REF && f->type != KT_TEXT)
			return kt_error_set(err, KT_ESCHEMA, "%s:%ld: access %s via: %s is %s, not ref or text (an id)",
			                    file, a->line, a->role, a->field, kt_ftype_name(f->type));
	}
	return 0;
}

/* Frees the access lines of s. */
void access_free(struct kt_schema *s)
{
	for (size_t i = 0; i < s->naccess; i++) {
		free(s->access[i].role);
		free(s->access[i].field);
	}
	free(s->access);
}
