/*
 * strv.c - lists of strings: a char ** and a count, as workflows keep
 * their states, roles and fields; and lists of (name, value) pairs.
 */
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

/* Appends a copy of s to the list (*v, *n).  Returns 0 or KT_ENOMEM. */
int strv_push(char ***v, size_t *n, const char *s)
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
void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Returns 1 if s is one of the n strings of v, else 0. */
int strv_has(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return 1;
	return 0;
}

/* Appends copies of name and value to a list of pairs.  See util.h. */
int pairs_append(char ***names, char ***values, size_t *n, const char *name, const char *value)
{
	/* Grown by doubling, at 4, 8, 16...: a record of 20 fields grew by
	 * one 40 times, a lead and its task of an import 44 reallocs. */
	if (!*n || (*n >= 4 && !(*n & (*n - 1)))) {
		size_t cap = *n ? *n * 2 : 4;
		char **nv = realloc(*names, cap * sizeof *nv);
		if (!nv)
			return KT_ENOMEM;
		*names = nv;
		char **vv = realloc(*values, cap * sizeof *vv);
		if (!vv)
			return KT_ENOMEM;
		*values = vv;
	}
	char *nc = strdup(name), *vc = strdup(value);
	if (!nc || !vc) {
		free(nc);
		free(vc);
		return KT_ENOMEM;
	}
	(*names)[*n] = nc;
	(*values)[(*n)++] = vc;
	return 0;
}
