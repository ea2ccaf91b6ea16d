/*
 * files.c - the names of files attached to records: files/ID/NAME.
 */
#include <string.h>

#include "model/model.h"

/* Returns 1 if a name is one attach takes.  See model.h. */
int file_name_ok(const char *s, size_t len)
{
	if (!len || len > 255 || s[0] == '.' || !kt_utf8_valid(s, len, NULL))
		return 0;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F || s[i] == '/')
			return 0;
	return 1;
}

/* Checks the part of a path after files/.  See model.h. */
int files_path_valid(const char *rel)
{
	size_t parts = 0;

	for (const char *p = rel;; parts++) {
		size_t len = strcspn(p, "/");
		if (!file_name_ok(p, len))
			return 0;
		if (!p[len])
			return parts >= 1;
		p += len + 1;
	}
}
