/*
 * util.h - the ground floor of libkontora: errors, buffers, text, a string
 * map and CSV.  Nothing here knows the books, git or SQLite; every wing
 * above may use it.
 */
#ifndef KT_UTIL_H
#define KT_UTIL_H

#include "kontora.h"

/* A set of strings with a number each (util/strmap.c); zeroed is empty. */
struct strmap {
	struct strmap_slot *slots;
	uint32_t *hashes;              /* each slot's, 0 when empty */
	size_t cap, n;
	struct strmap_block *blocks;   /* the keys' copies */
};

/* Returns 1 and *val (when val is not NULL) if key is in m, else 0. */
int strmap_get(const struct strmap *m, const char *key, size_t *val);
/* Puts a copy of key with val into m, replacing its value.  Returns 0 or
 * KT_ENOMEM. */
int strmap_put(struct strmap *m, const char *key, size_t val);
/* Puts a copy of key with val into m unless key is there.  Returns 0 when
 * it was put, 1 when it was there (m unchanged; its value in *have when
 * have is not NULL), or KT_ENOMEM. */
int strmap_add(struct strmap *m, const char *key, size_t val, size_t *have);
/* Frees what m holds; m is empty after. */
void strmap_free(struct strmap *m);

/* Writes v in decimal into out, without printf (util/text.c).
 * Returns its length. */
size_t text_int(int64_t v, char out[21]);

/* Returns 1 if s holds something other than blanks, 0 for NULL, "" or
 * blanks only (util/text.c). */
int text_filled(const char *s);

/* Returns the line (1-based) of the byte at offset off of buf
 * (util/text.c). */
long text_line_at(const char *buf, size_t off);

/* Lists of strings (util/strv.c): v holds n strings, each owned. */
/* Appends a copy of s to (*v, *n).  Returns 0 or KT_ENOMEM. */
int strv_push(char ***v, size_t *n, const char *s);
/* Frees the n strings of v and v. */
void strv_free(char **v, size_t n);
/* Returns 1 if s is one of the n strings of v, else 0. */
int strv_has(char *const *v, size_t n, const char *s);

/* Writes into hex (41 bytes) the id git gives a blob of data[0..len):
 * the SHA-1 of "blob LEN", a NUL and the bytes (util/sha1.c). */
void kt_blob_id(const void *data, size_t len, char hex[41]);

/* Reads the regular file at path into out (appended): at most max bytes
 * unless max is negative; limit names the setting of max for the message
 * about a file over it.  Returns 0, KT_EIO naming the file, KT_EINVAL for
 * a file over max or not a regular file, or KT_ENOMEM. */
int file_read(const char *path, int64_t max, const char *limit, struct kt_buf *out,
              struct kt_error *err);

/* Folds s[0..len) for the full text, where it is, and returns its new
 * length (never more than len): as kt_fold(), and besides, every
 * character that is no letter or digit a space (NBSP, « », dashes, №,
 * ₽...), and a Latin letter with a diacritic its base letter (é as e).
 * FTS5's ascii tokenizer, which cuts words only at ASCII's separators,
 * then finds the words unicode61 found, at a fraction of its cost.  Bad
 * UTF-8 is left as it is. */
size_t fold_words(char *s, size_t len);

/* Appends copies of name and value to the pairs (*names, *values), *n of
 * them, as a change's fields are kept; the arrays are grown by doubling,
 * so they must have been made by this function alone (zeroed pairs to
 * start).  Returns 0 or KT_ENOMEM (the pairs are then as they were). */
int pairs_append(char ***names, char ***values, size_t *n, const char *name, const char *value);

/* What libcsv grows a field's buffer by, in bytes, set with
 * csv_set_blk_size(): its default of 128 made a 10 MB field cost 80,000
 * reallocations, each copying the field. */
#define CSV_FIELD_BLOCK 65536

/* Returns the length, its newline included, of the CSV row at the start
 * of buf[0..len), or 0 when the row goes on past len.  quoted: buf starts
 * inside a quoted field (a row cut in two in the middle of one). */
size_t csv_row_len(const char *buf, size_t len, int quoted);

/* Cuts the CSV row row[0..len) (one row; its "\n" or "\r\n" may end it)
 * into fields, calling fn with each in turn: v points into row, or into
 * scratch when doubled quotes were undone (copied 1), where the next
 * field may overwrite it.  An empty row has no fields, as libcsv
 * skips blank lines.  Returns 0, KT_ENOMEM, or KT_ECSV with *why the
 * reason, in kt_csv_parse()'s words; the fields before the bad one
 * were given to fn. */
int csv_row_cut(const char *row, size_t len, struct kt_buf *scratch,
                void (*fn)(void *arg, const char *v, size_t vlen, int copied), void *arg,
                const char **why);

/* kt_csv_parse() with the delimiter delim (',' ';' or '\t') instead of
 * ','.  Returns the same. */
int csv_parse_delim(const char *buf, size_t len, const char *name, char delim,
                    struct kt_csv **out, struct kt_error *err);

/* csv_parse_delim() of lines cut out of a file: before the line at
 * offset gap_at of buf (0: none) the file had gap more lines, which
 * rows and messages count, so that a row read alone from a big shard
 * has its line without the parser reading gap blank lines.  Returns the
 * same. */
int csv_parse_gap(const char *buf, size_t len, const char *name, char delim,
                  size_t gap_at, long gap, struct kt_csv **out, struct kt_error *err);

/* Called by csv_parse_each() with each row after the header as it is
 * read; takes row->fields (frees them and their strings).  Returns 0, or
 * KT_ENOMEM, which stops the parse. */
typedef int (*csv_row_fn)(void *arg, const struct kt_csv *csv, struct kt_csv_row *row);

/* csv_parse_delim() that hands each row to fn instead of keeping it, so
 * that a big file's cells are never all held at once: *out has the
 * header alone.  Returns the same. */
int csv_parse_each(const char *buf, size_t len, const char *name, char delim,
                   csv_row_fn fn, void *arg, struct kt_csv **out, struct kt_error *err);

#endif
