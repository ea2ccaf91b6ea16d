/*
 * template.c - the wording files of templates/ and their placeholders.
 *
 * A wording file (templates/invoice.tmpl, templates/proposal.tmpl) is
 * "key = value" lines; a line beginning with a blank continues the value
 * above on a new line (a blank and "." alone: an empty line); blank lines
 * and lines beginning with # are skipped.  A value holds {placeholders} that the writer fills.  The
 * format is described in docs/documents.md, so a company changes a text
 * without C.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc/doc.h"

void doc_words_free(struct doc_words *w)
{
	if (!w)
		return;
	strv_free(w->keys, w->n);
	strv_free(w->values, w->n);
	free(w->lines);
	free(w->file);
	free(w);
}

const char *doc_words_get(const struct doc_words *w, const char *key)
{
	for (size_t i = 0; i < w->n; i++)
		if (!strcmp(w->keys[i], key))
			return w->values[i];
	return "";
}

/* Returns the index of key in w, or w->n. */
static size_t words_find(const struct doc_words *w, const char *key)
{
	size_t i = 0;

	while (i < w->n && strcmp(w->keys[i], key))
		i++;
	return i;
}

int doc_expand(const char *text, doc_lookup_fn fn, void *arg, const char *where,
               struct kt_buf *out, struct kt_error *err)
{
	const char *s = text;

	if (kt_buf_adds(out, ""))
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	while (*s) {
		size_t plain = strcspn(s, "{");
		if (kt_buf_add(out, s, plain))
			return kt_error_set(err, KT_ENOMEM, "out of memory");
		s += plain;
		if (!*s)
			break;
		if (s[1] == '{') {
			if (kt_buf_addc(out, '{'))
				return kt_error_set(err, KT_ENOMEM, "out of memory");
			s += 2;
			continue;
		}
		const char *end = strchr(s, '}'), *nl = strchr(s, '\n');
		if (!end || (nl && nl < end))
			return kt_error_set(err, KT_EINVAL, "%s: unclosed placeholder \"%.20s\" (write {{ for a {)",
			                    where, s);
		const char *value = fn(arg, s + 1, (size_t)(end - s - 1));
		if (!value)
			return kt_error_set(err, KT_EINVAL, "%s: unknown placeholder {%.*s}", where,
			                    (int)(end - s - 1), s + 1);
		if (kt_buf_adds(out, value))
			return kt_error_set(err, KT_ENOMEM, "out of memory");
		s = end + 1;
	}
	return 0;
}

int doc_words_has(const struct doc_words *w, const char *key)
{
	return words_find(w, key) < w->n;
}

int doc_words_expand(const struct doc_words *w, const char *key, doc_lookup_fn fn,
                     void *arg, struct kt_buf *out, struct kt_error *err)
{
	size_t i = words_find(w, key);
	char where[4200];

	if (i == w->n)
		return 0;
	snprintf(where, sizeof where, "%s:%ld", w->file, w->lines[i]);
	return doc_expand(w->values[i], fn, arg, where, out, err);
}

/* Adds one "key = value" line (key and value trimmed) or, when the line
 * begins with a blank, continues the last value on a new line (" ." an
 * empty one).  Returns 0 or an error
 * naming file:line. */
static int words_line(struct doc_words *w, const char *const *keys, char *line, long lineno,
                      struct kt_error *err)
{
	char *eq, *v;

	if (line[0] == ' ' || line[0] == '\t') {
		if (!w->n)
			return kt_error_set(err, KT_EINVAL, "%s:%ld: a continued line before any key",
			                    w->file, lineno);
		v = line + strspn(line, " \t");
		/* " ." is an empty line, as in Debian's control files: a blank
		 * line would end nothing, being skipped. */
		if (!strcmp(v, "."))
			v = "";
		struct kt_buf b = { 0 };
		if (kt_buf_addf(&b, "%s%s%s", w->values[w->n - 1], *w->values[w->n - 1] ? "\n" : "", v))
			return kt_error_set(err, KT_ENOMEM, "out of memory");
		free(w->values[w->n - 1]);
		w->values[w->n - 1] = kt_buf_detach(&b);
		return 0;
	}
	if (!(eq = strchr(line, '=')))
		return kt_error_set(err, KT_EINVAL, "%s:%ld: not \"key = value\"", w->file, lineno);
	v = eq + 1 + strspn(eq + 1, " \t");
	while (eq > line && (eq[-1] == ' ' || eq[-1] == '\t'))
		eq--;
	*eq = '\0';
	int known = 0;
	for (size_t k = 0; keys[k]; k++)
		known |= !strcmp(keys[k], line);
	if (!known)
		return kt_error_set(err, KT_EINVAL, "%s:%ld: unknown key %s", w->file, lineno, line);
	if (words_find(w, line) < w->n)
		return kt_error_set(err, KT_EINVAL, "%s:%ld: %s given twice", w->file, lineno, line);
	long *lines = realloc(w->lines, (w->n + 1) * sizeof *lines);
	if (!lines)
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	w->lines = lines;
	w->lines[w->n] = lineno;
	size_t nv = w->n;
	if (strv_push(&w->keys, &nv, line) || strv_push(&w->values, &w->n, v))
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	return 0;
}

/* Checks that every placeholder of w is known to fn, by expanding every
 * value into a scratch buffer.  Returns 0 or the first error. */
static int words_check(const struct doc_words *w, doc_lookup_fn fn, void *arg,
                       struct kt_error *err)
{
	struct kt_buf scratch = { 0 };
	int rc = 0;

	for (size_t i = 0; !rc && i < w->n; i++) {
		kt_buf_reset(&scratch);
		rc = doc_words_expand(w, w->keys[i], fn, arg, &scratch, err);
	}
	kt_buf_free(&scratch);
	return rc;
}

int doc_words_load(const char *dir, const char *name, const char *const *keys,
                   doc_lookup_fn fn, void *arg, struct doc_words **out,
                   struct kt_error *err)
{
	struct doc_words *w = calloc(1, sizeof *w);
	struct kt_buf text = { 0 }, path = { 0 };
	int rc = 0;

	*out = NULL;
	if (!w || kt_buf_addf(&path, "%s/%s.tmpl", dir, name)) {
		free(w);
		kt_buf_free(&path);
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	w->file = kt_buf_detach(&path);
	rc = file_read(w->file, -1, NULL, &text, err);
	if (rc == KT_EIO && errno == ENOENT)
		rc = kt_error_set(err, KT_ENOTFOUND, "%s: no such template (kontora-contract(1), "
		                  "docs/documents.md)", w->file);
	if (!rc && text.len && !kt_utf8_valid(text.data, text.len, NULL))
		rc = kt_error_set(err, KT_EINVAL, "%s: not UTF-8", w->file);
	char *s = text.data, *nl;
	for (long lineno = 1; !rc && s && *s; lineno++, s = nl ? nl + 1 : s + strlen(s)) {
		if ((nl = strchr(s, '\n')))
			*nl = '\0';
		size_t len = strlen(s);
		while (len && (s[len - 1] == '\r' || s[len - 1] == ' ' || s[len - 1] == '\t'))
			s[--len] = '\0';
		if (len && s[0] != '#')
			rc = words_line(w, keys, s, lineno, err);
	}
	for (size_t k = 0; !rc && keys[k]; k++)
		if (words_find(w, keys[k]) == w->n)
			rc = kt_error_set(err, KT_EINVAL, "%s: no key %s (write \"%s =\" for none)",
			                  w->file, keys[k], keys[k]);
	if (!rc)
		rc = words_check(w, fn, arg, err);
	kt_buf_free(&text);
	if (rc)
		doc_words_free(w);
	else
		*out = w;
	return rc;
}
