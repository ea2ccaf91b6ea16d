/*
 * model.h - what the books mean, as data: schemas and their values,
 * record types, dictionaries, workflows and access rules as parsed from
 * their files, ids, and records as rows of shards.  Pure: no git, no
 * SQLite, no books open; every function works on text and parsed
 * structures.  Uses util/ only.
 */
#ifndef KT_MODEL_H
#define KT_MODEL_H

#include <stdio.h>
#include <sys/types.h>

#include "util/util.h"

/* --------------------------------------------------------------- types */

/* The record types of the books (HEAD's schemas/), each owned. */
struct types {
	struct kt_schema **v;
	size_t n;
};

/* Returns the schema called name (owned by t), or NULL. */
const struct kt_schema *types_find(const struct types *t, const char *name);
/* Returns the schema whose id letter is letter, any case (owned by t), or
 * NULL. */
const struct kt_schema *types_by_prefix(const struct types *t, char letter);
/* Adds s to t, which owns it then, unless its name or prefix is taken.
 * Returns 0, KT_ESCHEMA naming the clash (s is freed), or KT_ENOMEM. */
int types_add(struct types *t, struct kt_schema *s, struct kt_error *err);
/* Frees the schemas of t and empties it. */
void types_free(struct types *t);

/* ------------------------------------------------------------- values */

/* Splits one line of a schema or workflow file into words: blanks
 * separate, "..." quotes (with \" and \\ inside), # starts a comment.
 * Writes at most max pointers into words, pointing into line, which is
 * modified.  Returns the number of words, or -1 on an unterminated quote
 * (model/schema.c). */
int line_words(char *line, char **words, int max);

/* Returns the type of column name of s: its field's; datetime for
 * created; text for id and for columns the schema does not know. */
enum kt_ftype schema_column_type(const struct kt_schema *s, const char *name);

/* Parses a stored bool ("true"/"false"/"") into 1/0/-1. */
int bool_value(const char *s);

/* -------------------------------------------------------- dictionaries */

/* A dictionary: dicts/NAME.csv with columns id,name. */
struct dict {
	char *name;
	size_t n;
	char **ids;
	char **names;
};

/* Parses dicts/NAME.csv text.  Returns 0 or an error naming file:line. */
int dict_parse(const char *text, size_t len, const char *file, struct dict *d,
               struct kt_error *err);
void dict_free(struct dict *d);

/* Returns the id of the entry matching value by id or by folded name, or
 * NULL. */
const char *dict_lookup(const struct dict *d, const char *value);

/* ------------------------------------------------------------- shards */

/* The path of the shard holding record id created at created:
 * "data/client/2026-11.csv", or for a type split by id
 * "data/lead/2026-11/L3.csv" (the id's first two characters).  Caller
 * frees.  NULL if out of memory or created is not a datetime. */
char *shard_path(const struct kt_schema *s, const char *created, const char *id);

/* A shard whose text would grow past this many bytes is split, in the
 * commit that makes it grow, into a directory of shards one id character
 * longer: data/lead/2026-11/L3.csv becomes data/lead/2026-11/L3/L3A.csv,
 * L3/L3B.csv, ...; a month file data/client/2026-11.csv becomes
 * data/client/2026-11/C0.csv, ... (docs/foundation.md, "Storage").
 * kt_options.split_bytes (KONTORA_SPLIT_BYTES) overrides it for tests.
 * Not smaller: a split makes 32 files of one, and every write reads and
 * writes git's index, whose size follows the number of files (10M leads
 * at 256 KiB: 61,440 files, a 6 MB .git/index, a 0.36 s edit). */
enum { SHARD_SPLIT_BYTES = 2 << 20 };

/* Copies into prefix the start every id of the shard path of s holds: its
 * name without .csv (L3.csv holds L3...), or s's letter for a month file
 * YYYY-MM.csv.  Returns its length, or 0 when path is no shard's name. */
size_t shard_prefix(const struct kt_schema *s, const char *path, char prefix[9]);
/* Returns the shard one id character deeper than path that holds id:
 * "data/lead/2026-11/L3.csv" -> "data/lead/2026-11/L3/L3A.csv".  Caller
 * frees.  NULL when out of memory, when path is no shard's name, when id
 * is not of path (its next character no Crockford one) or when path
 * holds whole ids already. */
char *shard_child(const struct kt_schema *s, const char *path, const char *id);
/* Returns 1 if path (below data/TYPE/) is where records of s may be: a
 * month file YYYY-MM.csv (not of a type split by id), or below a month
 * directory YYYY-MM/ a file or directories named by id prefixes, each
 * one character longer than its directory's (L3.csv, L3/L3A.csv).  The
 * names alone: whether a file holds the right ids is kontora check's. */
int shard_name_valid(const struct kt_schema *s, const char *name);

/* Writes the canonical header of s (id, fields, created) followed by the
 * extra columns to b, without the newline.  Returns 0 or KT_ENOMEM. */
int shard_header(struct kt_buf *b, const struct kt_schema *s,
                 char *const *extra, size_t nextra);

/* Finds the row of id in a shard's bytes.  Returns 1 and the byte range
 * [*start, *end) (end includes the newline) when found, else 0. */
int shard_find_row(const char *buf, size_t len, const char *id,
                   size_t *start, size_t *end);

/* Returns the offset just past the row of buf starting at start: past its
 * newline outside quotes, or len. */
size_t shard_row_end(const char *buf, size_t len, size_t start);

/* Returns the length of the header line of buf, newline included. */
size_t shard_header_len(const char *buf, size_t len);

/* Parses the header of buf plus the bytes [start, end) as CSV, the row's
 * line numbered as in the file: skipped is the number of newlines between
 * the header and start, or SHARD_COUNT to count them.  Returns 0 and *out
 * (kt_csv_free) or an error. */
#define SHARD_COUNT ((size_t)-1)
int shard_parse_range(const char *buf, size_t len, size_t start, size_t end,
                      size_t skipped, const char *name, struct kt_csv **out,
                      struct kt_error *err);

/* A shard's rows read one at a time, from bytes in hand or from pieces a
 * source gives (a blob inflated as it is read: the store's), so that a
 * shard of a hundred megabytes is never held whole.  The window holds
 * the row being read and what follows it in the last piece. */
struct shard_reader {
	/* The source: puts up to cap bytes into buf and their number into
	 * *got (0 at the end).  Returns 0 or an error.  NULL: data is all. */
	int (*fill)(void *arg, char *buf, size_t cap, size_t *got, struct kt_error *err);
	void (*close)(void *arg);     /* frees arg; NULL: nothing to free */
	void *arg;
	const char *data;             /* the bytes in hand, from pos to len */
	char *own;                    /* the window data points into, when filled */
	size_t pos, len, cap;
	int eof;
	char *header;                 /* the header line, newline included ("" when empty) */
	size_t hlen;
	const char *row;              /* the row read last, newline included */
	size_t rowlen;                /* 0: no row, the end */
	size_t skipped;               /* newlines between the header and row */
};
/* Starts r on the len bytes at data, which must outlive r, or (fill not
 * NULL) on what fill gives, piece bytes at a time; r takes arg, freed by
 * close (may be NULL) in shard_reader_free().  Then reads the header.
 * Returns 0 or an error (free r with shard_reader_free() anyway). */
int shard_reader_start(struct shard_reader *r, const char *data, size_t len,
                       int (*fill)(void *arg, char *buf, size_t cap, size_t *got, struct kt_error *err),
                       void (*close)(void *arg), void *arg, size_t piece, struct kt_error *err);
/* Reads the next row into r->row and r->rowlen (0 at the end).  Returns 0
 * or an error (the source's, or KT_ENOMEM). */
int shard_reader_next(struct shard_reader *r, struct kt_error *err);
/* Reads into r->row and r->rowlen what comes next, as many bytes as are
 * at hand, rows cut anywhere (0 at the end), for a reader that parses
 * the stream itself: cheaper than row by row.  Then r->skipped means
 * nothing.  Returns 0 or an error. */
int shard_reader_bytes(struct shard_reader *r, struct kt_error *err);
/* Frees what r holds and its source; a zeroed r is fine. */
void shard_reader_free(struct shard_reader *r);
/* Parses r's header and its current row as CSV, the row's line numbered
 * as in the file, into *out (kt_csv_free).  name names the file in
 * errors.  Returns 0 or an error. */
int shard_reader_parse(const struct shard_reader *r, const char *name, struct kt_csv **out,
                       struct kt_error *err);

/* The rows of a shard's bytes, found in one pass, for what looks up many
 * rows of one shard: finding each with shard_find_row() scans the shard
 * each time, which an import editing thousands of products of one month
 * cannot afford. */
struct shard_rows {
	struct strmap ids;         /* id -> its index */
	size_t *start, *end, *skipped;
	size_t n;
	size_t hlen;               /* the header's bytes, newline included */
};
/* Finds the rows of the shard in reads (started: its header read) into
 * *r (free with shard_rows_free(), also after an error), their places
 * counted from the start of the text, header included; writes the text,
 * header and rows, to copy too unless copy is NULL.  Returns 0 or an
 * error. */
int shard_rows_scan(struct shard_reader *in, FILE *copy, struct shard_rows *r, struct kt_error *err);
/* Finds the row of id in r.  Returns 1 and its range [*start, *end) and
 * the newlines between the header and it (*skipped), else 0. */
int shard_rows_find(const struct shard_rows *r, const char *id, size_t *start, size_t *end,
                    size_t *skipped);
void shard_rows_free(struct shard_rows *r);

/* Builds a kt_record from a header and one row of a shard: id, the
 * schema's fields, created, then unknown columns.  Returns 0 and *out or
 * KT_ENOMEM. */
int record_from_row(const struct kt_schema *s, char *const *header,
                    size_t nheader, char *const *fields, size_t nfields,
                    struct kt_record **out);

/* -------------------------------------------------------------- files */

/* Returns 1 if s[0..len) is a name attach takes for a file: not empty, at
 * most 255 bytes, valid UTF-8, no slash or control character, not
 * starting with a dot (hidden, and . and ..). */
int file_name_ok(const char *s, size_t len);
/* Returns 1 if rel, the part of a path after files/, is two or more names
 * joined by slashes, each one file_name_ok() takes, else 0. */
int files_path_valid(const char *rel);

/* --------------------------------------------------------------- ids */

/* Returns 1 if id is a well-formed id of schema s (letter + 7 Crockford
 * characters), else 0. */
int id_valid(const struct kt_schema *s, const char *id);
/* Returns 1 if c may be one of the 7 characters after an id's letter
 * (Crockford base32, upper case), else 0 (for '\0' too). */
int id_char_valid(char c);

/* Writes a new random id for s into out (9 bytes).  Returns 0 or KT_EIO. */
int id_new(const struct kt_schema *s, char out[9]);

/* Upper-cases prefix and maps Crockford's look-alikes (I L -> 1, O -> 0)
 * after the type letter into out (at most 9 bytes with NUL).  Returns 0 or
 * KT_EINVAL for characters no id can hold. */
int id_prefix_normalize(const char *prefix, char out[10]);

/* ------------------------------------------------------------- access */

/* Returns the word of mode m in a schema ("own"). */
const char *access_mode_name(enum kt_access_mode m);
/* Parses the words after "access" (ROLE MODE [FIELD]) of line of a
 * schema file into s (model/schema.c).  Returns 0 or KT_ESCHEMA naming file:line. */
int access_parse(struct kt_schema *s, char **w, int n, const char *file, long line,
                 struct kt_error *err);
/* Checks the access lines of a parsed schema against its fields.
 * Returns 0 or KT_ESCHEMA naming file:line. */
int access_validate(const struct kt_schema *s, const char *file, struct kt_error *err);
/* Frees the access lines of s. */
void access_free(struct kt_schema *s);
/* Reports, through fn, access lines of s naming a role employees cannot
 * have (employee.role of types), a via field referring to a type types
 * lack, or a named TYPE.FIELD they lack; returns their number. */
int access_problems(const struct types *types, const struct kt_schema *s,
                    kt_problem_fn fn, void *arg);

/* What a caller does with a record: see it or change it. */
enum access_op { ACCESS_READ, ACCESS_WRITE };

/* The access lines that apply to a role on a type. */
struct access_rules {
	const struct kt_access *v[16];
	size_t n;
	struct kt_access def;       /* the default, when the schema names not the role */
};

/* Fills r with the lines of s naming role or, when there are none, the
 * default: admin and director all; other roles own when s has an owner,
 * else all.  admin is always all.  r points into s (and role). */
void access_rules(const struct kt_schema *s, const char *role, struct access_rules *r);

/* Fills err with why who (login and role set) may not see (READ) or
 * change (WRITE) the record what ("lead L3F9K2QX") of s, whose owner is
 * owner (NULL: not known): the rule, where it is written, the caller's
 * role.  Returns KT_EACCESS. */
int access_deny(const struct kt_identity *who, const struct kt_schema *s, enum access_op op,
                const char *what, const char *owner, struct kt_error *err);

/* Returns who's login when who (role set) may add records of s only as
 * their own (an "own" rule and no "all"), else NULL: the owner a new
 * record gets when none is given. */
const char *access_own_default(const struct kt_identity *who, const struct kt_schema *s);

/* ---------------------------------------------------------------- ops */

/* A change to the books as operations on their files (model/ops.c). */
enum op_kind { OP_ADD, OP_EDIT, OP_REMOVE, OP_CONFIG, OP_DICT_ADD, OP_DICT_REMOVE, OP_FILE };

struct op {
	enum op_kind kind;
	char id[9];
	const struct kt_schema *s;
	char *path;               /* the shard, kontora.conf, dicts/NAME.csv, or a file */
	size_t n;                 /* add: every column; edit: the fields set;
	                           * dict ops: one pair, the entry's id and name */
	char **names, **values;
	struct kt_record *old;    /* edit, remove: the record before */
	/* One or the other: an import keeps a hundred thousand ops. */
	union {
		struct kt_buf bytes;      /* file: its whole content */
		/* add: when spill_len is not 0, the row is in the ops' spill
		 * file at spill_at and names/values hold the id alone
		 * (op_add_columns()). */
		struct {
			off_t spill_at;
			size_t spill_len;
		};
	};
};

/* The ops of one change, in the order they were made.  Zeroed is empty. */
struct ops {
	struct op *v;
	size_t n, cap;
	size_t nother;            /* ops other than adds */
	FILE *spill;              /* the rows of spilled adds, or NULL */
	struct kt_buf row;        /* the row being spilled */
	off_t spill_end;
	struct spill_view *view;  /* the spill mapped to read rows back (ops.c), with spill */
};

/* Appends a zeroed op of kind on a record of s (NULL for other files).
 * Returns it (valid until the next ops_new()) or NULL when out of
 * memory. */
struct op *ops_new(struct ops *ops, enum op_kind kind, const struct kt_schema *s);
/* Makes room for n ops in all.  Returns 0 or KT_ENOMEM. */
int ops_reserve(struct ops *ops, size_t n);
/* Drops the last op, as when it fails validation. */
void ops_drop_last(struct ops *ops);
/* Frees every op and empties ops. */
void ops_free(struct ops *ops);
/* Appends (name, value) to o.  Returns 0 or KT_ENOMEM. */
int op_set(struct op *o, const char *name, const char *value);
/* Returns the value of name in o, the last set, or NULL; of a spilled
 * add only the id. */
const char *op_get(const struct op *o, const char *name);
/* Gives add o (its id and path set) its columns, names and values,
 * n of them, validated: those kt_change_add() makes, id, the fields of
 * its schema in order, created, as op_row_read() names a spilled row by
 * the schema.  Copied into o when o is among the first ops (see ops.c),
 * else written out to a temporary file, of which o keeps its id and
 * path alone (copied too when the file cannot be made or written).
 * Returns 0 or KT_ENOMEM. */
int op_add_columns(struct ops *ops, struct op *o, char *const *names, char *const *values, size_t n);
/* Keeps in edit o (its fields set) what describing it needs of *old, the
 * record before: all of it for the first ops, whose titles the commit
 * message names, else the old values of the fields o sets, as an import
 * editing a hundred thousand records would hold them all whole.  Takes
 * *old (then NULL) when it keeps it all.  Returns 0 or KT_ENOMEM. */
int op_keep_old(const struct ops *ops, struct op *o, struct kt_record **old);
/* Appends the CSV row of add o to out, read back when spilled.  Returns
 * 0, KT_ENOMEM or KT_EIO. */
int op_add_row(const struct ops *ops, const struct op *o, struct kt_buf *out);
/* The columns of an add op, its own or read back from the spill file. */
struct op_row {
	size_t n;
	char **names, **values;
	struct kt_csv *csv;       /* the spilled row read back, or NULL */
};
/* Fills r with the columns of add o.  Returns 0 (free r with
 * op_row_free()) or an error. */
int op_row_read(const struct ops *ops, const struct op *o, struct op_row *r, struct kt_error *err);
/* Frees what op_row_read() allocated; a zeroed r is fine. */
void op_row_free(struct op_row *r);
/* Returns 1 if o adds or removes an entry of a dictionary, else 0. */
int op_is_dict(const struct op *o);
/* Returns the length of the dictionary's name in a dict op's path
 * "dicts/NAME.csv"; the name starts at path + 6. */
int op_dict_name_len(const struct op *o);
/* The ops of a change grouped by the path they write: paths[k], in the
 * order of their first ops (the strings the ops own), and the ops on it,
 * ops[first[k]] to ops[first[k + 1] - 1], sorted by id, the ops of one
 * id in the order they were made (as a shard's rows merge with them;
 * the ops on another file have no id: all in their order).  Every op on
 * a path is of one sort (records of one type, config, one dictionary, a
 * file). */
struct ops_paths {
	char **paths;
	size_t n;
	size_t *first;
	const struct op **ops;
};
/* Fills g with the ops grouped by path.  Returns 0 or KT_ENOMEM (g
 * empty then).  Free with ops_group_free(). */
int ops_group(const struct ops *ops, struct ops_paths *g);
/* Frees what ops_group() made and empties g. */
void ops_group_free(struct ops_paths *g);

/* Describes the first n ops in words, one line per field, appended to
 * out.  Returns 0, KT_ENOMEM, or KT_EIO when a spilled add cannot be read
 * back. */
int ops_describe(const struct ops *ops, size_t n, struct kt_buf *out);
/* Appends the commit message of ops to m: subject (NULL: one made of the
 * first op), the ops in words, then the trailers Kontora-Command:
 * command and Kontora-Record: for each record.  Returns 0 or KT_ENOMEM. */
int ops_message(const struct ops *ops, const char *subject, const char *command,
                struct kt_buf *m);

/* Applies the ops on path, a shard of records of s, v[0..n) as
 * ops_group() sorts them, to its rows as in reads them (started: the
 * header read; no rows when there is no shard yet), writing the new text
 * to out and the number of its rows into *rows: the ops merged with the
 * rows, untouched rows copied
 * as they are, so that the shard is never held whole.  Returns 0, 1 when
 * the shard is not in canonical form (a header of other columns, rows out
 * of id order: a file edited by hand; out then holds part of a text and
 * the caller rewrites it with ops_rewrite_shard()), or an error (a row an
 * edit names is missing, bad CSV, a write failed). */
int ops_apply_shard(const struct ops *ops, const struct kt_schema *s, const char *path,
                    const struct op *const *v, size_t n, struct shard_reader *in, FILE *out,
                    size_t *rows, struct kt_error *err);
/* Rewrites the shard text buf[0..len) whole in canonical form (the
 * schema's columns, then the unknown ones; rows sorted by id) with the
 * ops on path applied, appending it to out.  Returns 0 or an error. */
int ops_rewrite_shard(const struct ops *ops, const struct kt_schema *s, const char *path,
                      const char *buf, size_t len, struct kt_buf *out, struct kt_error *err);
/* Applies the dict ops on path to the dictionary's text buf (empty when
 * there is none yet): its rows in their order, minus the removed entries,
 * then the added ones, written under the header of the file (id,name for
 * a new one; columns after name are kept).  The ops were validated
 * against an older HEAD, so an entry added or removed meanwhile is an
 * error here.  Returns 0 or an error. */
int ops_apply_dict(const struct ops *ops, const char *path, const char *buf, size_t len,
                   struct kt_buf *out, struct kt_error *err);

#endif
