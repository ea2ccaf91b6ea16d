/*
 * kontora.h - the public interface of libkontora.
 *
 * The library never prints, never exits and never reads argv or the
 * environment.  Every function that can fail returns 0 on success or a
 * negative KT_E* code, and fills the struct kt_error it was given with a
 * message naming the file, line, record and field where it can.
 *
 * Ownership: a function that returns a pointer through an out-parameter
 * says who frees it; "caller frees with free()" unless a *_free function
 * is named.
 */
#ifndef KONTORA_H
#define KONTORA_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define KT_VERSION "0.1.0"

/* Error codes: every failing function returns one of these (negative). */
enum {
	KT_OK = 0,
	KT_ENOMEM = -1,      /* out of memory */
	KT_EIO = -2,         /* a file could not be read or written */
	KT_EINVAL = -3,      /* bad input from the user: value, option, id */
	KT_ENOTFOUND = -4,   /* no such record, file, key */
	KT_EAMBIGUOUS = -5,  /* an id prefix matches more than one record */
	KT_ENOTBOOKS = -6,   /* not inside kontora books */
	KT_EGIT = -7,        /* libgit2 failed */
	KT_EDB = -8,         /* SQLite failed */
	KT_ECONFLICT = -9,   /* someone else changed the books; retries exhausted */
	KT_EEXISTS = -10,    /* would overwrite or duplicate something */
	KT_EREADONLY = -11,  /* a write was attempted where only reads are allowed */
	KT_ECSV = -12,       /* malformed CSV */
	KT_ESCHEMA = -13,    /* a schema file is wrong */
	KT_EDIRTY = -14,     /* the worktree has uncommitted changes in a file we must write */
	KT_EACCESS = -15,    /* the caller's role may not see or do that, or the caller is unknown */
};

/* What went wrong, for a person.  code is the KT_E* value returned. */
struct kt_error {
	int code;
	char msg[1024];
};

/* Returns msgid in the language of the user's messages: its translation
 * in the "kontora" text domain (po/ru.po) when the program set
 * LC_MESSAGES to a language kontora speaks, else msgid itself.  _() in
 * lib/ and cmd/ is this; N_() marks a string for xgettext alone. */
const char *kt_gettext(const char *msgid) __attribute__((format_arg(1)));
#define _(msgid) kt_gettext(msgid)
/* The form of msgid (one) or plural (other numbers) that n takes in the
 * language of the user's messages (Russian has three). */
const char *kt_ngettext(const char *msgid, const char *plural, unsigned long n)
	__attribute__((format_arg(1), format_arg(2)));
#define N_(msgid) msgid

/* Fills err (which may be NULL) and returns code, so callers can write
 * "return kt_error_set(err, KT_EINVAL, "...", ...)". */
int kt_error_set(struct kt_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---------------------------------------------------------------- buffers */

/* A growable byte string, always NUL-terminated once anything was added.
 * Initialise with {0}; release with kt_buf_free(). */
struct kt_buf {
	char *data;
	size_t len;
	size_t cap;
};

/* Each returns 0 or KT_ENOMEM. */
int kt_buf_add(struct kt_buf *b, const void *data, size_t len);
int kt_buf_adds(struct kt_buf *b, const char *s);
int kt_buf_addc(struct kt_buf *b, char c);
int kt_buf_addf(struct kt_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Appends the strings given, up to a NULL: what kt_buf_adds() for each
 * would, without printf's cost for a string put together often. */
int kt_buf_cat(struct kt_buf *b, ...) __attribute__((sentinel));
/* Makes b hold len bytes of room past its length; 0 or KT_ENOMEM. */
int kt_buf_grow(struct kt_buf *b, size_t len);
/* Empties b but keeps its memory. */
void kt_buf_reset(struct kt_buf *b);
/* Frees b's memory and empties it. */
void kt_buf_free(struct kt_buf *b);
/* Returns b's string, which the caller now owns (free()), and empties b.
 * Never NULL unless out of memory. */
char *kt_buf_detach(struct kt_buf *b);

/* ------------------------------------------------------------------ text */

/* Returns 1 if s[0..len) is valid UTF-8 (no overlongs, no surrogates),
 * else 0 and, when bad is not NULL, the offset of the first bad byte. */
int kt_utf8_valid(const char *s, size_t len, size_t *bad);

/* Returns the number of columns s takes on a terminal (code points; no
 * wide-character handling beyond that). */
size_t kt_utf8_width(const char *s);

/* Returns a newly allocated copy of s folded for comparison and search:
 * Latin and Cyrillic lower-cased, ё/Ё as е.  Caller frees.  NULL if out
 * of memory.  Invalid UTF-8 bytes are copied as they are. */
char *kt_fold(const char *s);

/* Returns 1 if the character that ends just before byte at of s is part
 * of a word as the full text cuts words (a letter or a digit, a
 * combining accent, or a byte of bad UTF-8), 0 at the start or after
 * anything else (a space, punctuation, « », NBSP, №, ₽). */
int kt_word_before(const char *s, size_t at);

/* Compares two UTF-8 strings as Russian users sort: folded as kt_fold(),
 * then byte order of the folded strings (which is alphabetical for
 * Cyrillic).  Returns <0, 0, >0. */
int kt_collate(const char *a, size_t alen, const char *b, size_t blen);

/* Normalises a Russian phone number to +7XXXXXXXXXX into out (at least
 * 16 bytes).  Accepts 8XXXXXXXXXX, 7..., +7..., 10 digits, spaces, dashes,
 * brackets.  Other international numbers (+ and 8-15 digits) are kept as
 * + and digits.  Returns 0 or KT_EINVAL. */
int kt_phone_normalize(const char *in, char out[20]);

/* Returns 1 if s is a valid 10- or 12-digit INN (checksums), else 0. */
int kt_inn_valid(const char *s);

/* Parses an amount of money ("1234.5", "1 234,50", "1234,50 ₽", "-3")
 * into kopecks.  Returns 0 or KT_EINVAL (more than two decimals, junk,
 * overflow). */
int kt_money_parse(const char *s, int64_t *kopecks);

/* Parses a number with up to decimals (0 to 6) decimal digits, in the
 * forms kt_money_parse() takes but without a currency ("1,5", "2.25",
 * "1 000", "-3"), into units of 10^-decimals: "1,5" with 3 is 1500.
 * Returns 0 or KT_EINVAL (junk, too many decimals, overflow). */
int kt_decimal_parse(const char *s, int decimals, int64_t *out);

/* Formats thousandths (what kt_decimal_parse() gives with 3) without
 * trailing zeros: "1.5" when screen is 0 (the stored form of a decimal
 * field), "1,5" when 1.  Returns out. */
char *kt_decimal_format(int64_t milli, int screen, char out[32]);

/* Formats kopecks.  With screen = 1: "1 234,50 ₽" (thin spaces are not
 * used: a plain U+00A0-free space, so terminals and grep agree); with
 * screen = 0: "1234.50", the form stored in CSV.  out must hold 40 bytes.
 * Returns out. */
char *kt_money_format(int64_t kopecks, int screen, char out[40]);

/* Replaces the file at path by len bytes of data: writes a temporary file
 * beside it and renames it into place, so that a reader sees the old file
 * or the new one, and after an error the old one.  Returns 0 or KT_EIO
 * naming path. */
int kt_file_replace(const char *path, const void *data, size_t len, struct kt_error *err);

/* Returns 1 if s is a valid date YYYY-MM-DD (real calendar day), else 0. */
int kt_date_valid(const char *s);

/* Returns 1 if s is a UTC time YYYY-MM-DDTHH:MM:SSZ, else 0. */
int kt_datetime_valid(const char *s);

/* Reads a date as people type it (lib/util/date.c): 2026-12-15,
 * 15.12.2026, 15.12 (this year), сегодня/today, завтра/tomorrow,
 * послезавтра, вчера/yesterday, +3d, +2w, -1d (or +3д, +2н), counting
 * from now in the local time zone.  Writes YYYY-MM-DD into out.  Returns
 * 0 or KT_EINVAL. */
int kt_date_parse(const char *in, time_t now, char out[11]);

/* Reads a moment as people type it: now/сейчас, or a date of
 * kt_date_parse() (its midnight), optionally followed by T or a space and
 * HH:MM[:SS], then a zone Z, +HH:MM, +HHMM or +HH (or -); without a zone,
 * local time.  2026-11-23T13:00:00+03:00, 15.12.2026 14:30, завтра 09:00.
 * Returns 0 and *out, or KT_EINVAL. */
int kt_time_parse(const char *in, time_t now, time_t *out);

/* kt_time_parse(), written as stored: YYYY-MM-DDTHH:MM:SSZ into out (21
 * bytes).  Returns 0 or KT_EINVAL. */
int kt_datetime_parse(const char *in, time_t now, char out[21]);

/* Formats t as UTC YYYY-MM-DDTHH:MM:SSZ into out (21 bytes).  Returns out. */
char *kt_datetime_format(time_t t, char out[21]);

/* ------------------------------------------------------------------- CSV */

/* A parsed CSV file: a header row and data rows, each with the line
 * number (1-based) where it starts.  Rows may have fewer or more fields
 * than the header; consumers decide what that means. */
struct kt_csv_row {
	size_t nfields;
	char **fields;
	long line;
};

struct kt_csv {
	size_t nheader;
	char **header;
	size_t nrows;
	struct kt_csv_row *rows;
};

/* Parses len bytes of RFC 4180 CSV (libcsv, strict).  name is used in
 * messages ("data/lead/2026-11.csv:7: malformed CSV: ...").  An empty
 * buffer gives an empty header and no rows.  Returns 0 and *out (free
 * with kt_csv_free()), or KT_ECSV / KT_ENOMEM with err filled. */
int kt_csv_parse(const char *buf, size_t len, const char *name,
                 struct kt_csv **out, struct kt_error *err);

/* Frees a parsed CSV; NULL is fine. */
void kt_csv_free(struct kt_csv *csv);

/* Appends one field to b, quoted when it holds , " CR or LF or begins or
 * ends with a space (doubling quotes).  Returns 0 or KT_ENOMEM. */
int kt_csv_add_field(struct kt_buf *b, const char *field);

/* Appends a whole row: fields separated by commas, ended by LF.
 * NULL fields are written empty.  Returns 0 or KT_ENOMEM. */
int kt_csv_add_row(struct kt_buf *b, char *const *fields, size_t n);

/* ---------------------------------------------------------------- schema */

enum kt_ftype {
	KT_TEXT, KT_INT, KT_MONEY, KT_DATE, KT_DATETIME, KT_BOOL, KT_PHONE,
	KT_EMAIL, KT_INN, KT_ENUM, KT_DICT, KT_REF, KT_LIST,
	KT_DECIMAL           /* up to three decimals; thousandths in the index */
};

struct kt_field {
	char *name;          /* snake_case */
	enum kt_ftype type;
	char *arg;           /* enum: "a|b|c"; dict: dictionary name; ref: type */
	char *label;         /* for people; defaults to name */
	char *def;           /* default value or NULL */
	int required;
	int unique;
	int nosearch;        /* left out of kontora search's full text */
	int has_min;         /* "min=N": an int, money or decimal field's least */
	int64_t min;         /* value, in its units (kopecks, thousandths) */
};

/* What a role may do with the records of a type: "access ROLE MODE
 * [FIELD]" in its schema (kontora-schema(5)).  all: see and change every
 * record; read: see every record, change none; own: the records whose
 * owner field is the caller; named TYPE.FIELD: see (not change) the records
 * that FIELD of a TYPE record the caller may see names; via FIELD: the records whose FIELD names a
 * record the caller may see (or change); none: nothing. */
enum kt_access_mode { KT_ACCESS_ALL, KT_ACCESS_READ, KT_ACCESS_OWN, KT_ACCESS_VIA, KT_ACCESS_NONE,
                       KT_ACCESS_NAMED };

struct kt_access {
	char *role;          /* "manager" */
	enum kt_access_mode mode;
	char *field;         /* via: the field naming the other record; named:
	                        TYPE.FIELD; else NULL */
	long line;           /* where it is written, for messages */
};

/* A record type, read from schemas/NAME.schema (see kontora-schema(5)). */
struct kt_schema {
	char *name;          /* "lead" */
	char prefix;         /* id letter, 'L' */
	char *label;         /* "Лид" */
	char *key;           /* field other records refer by (employee: login), or NULL for id */
	char *title;         /* field that names a record in messages (name, title) */
	char *sort;          /* default sort field or NULL */
	char *owner;         /* ref:employee field naming whose the record is, or NULL */
	int split;           /* "split id": a month's records in 32 files by id */
	char *part_of;       /* "part-of FIELD": the record is part of the record
	                        FIELD names, and frozen when that one is */
	char *history;       /* "history FIELD": the index keeps when each value
	                        of FIELD began and ended (status_history), or NULL */
	char **columns;      /* fields shown in tables */
	size_t ncolumns;
	struct kt_field *fields;
	size_t nfields;
	struct kt_access *access;  /* the access lines, in file order */
	size_t naccess;
	char *file;          /* schemas/lead.schema, for messages */
};

/* Parses one schema file's text.  name is the path used in messages.
 * Returns 0 and *out (free with kt_schema_free()), or KT_ESCHEMA with
 * err naming file:line. */
int kt_schema_parse(const char *text, size_t len, const char *name,
                    struct kt_schema **out, struct kt_error *err);
void kt_schema_free(struct kt_schema *s);

/* Returns the field called name, or NULL. */
const struct kt_field *kt_schema_field(const struct kt_schema *s, const char *name);

/* Returns what people see for the column name of s: the field's label
 * (else its name), "Код" for id, "Создан" for created, else name itself
 * (owned by s, static, or name). */
const char *kt_schema_label(const struct kt_schema *s, const char *name);

/* Returns the name of a type ("text", "ref", ...). */
const char *kt_ftype_name(enum kt_ftype t);

/* --------------------------------------------------------------- books */

struct kt_books;

/* Who makes a change: written as the commit's author and committer. */
struct kt_identity {
	const char *name;
	const char *email;
	const char *login;   /* employee login or NULL */
	const char *role;    /* the employee's role or NULL */
};

/* Options a command passes to the library instead of the environment. */
struct kt_options {
	const char *user;    /* login of the caller (KONTORA_USER) or NULL */
	time_t now;          /* the clock (KONTORA_NOW or time()) */
	/* A revision (kontora report --at): the books are read as they were
	 * at that commit, read-only, their index cached in
	 * .git/kontora/at/COMMIT.db; NULL: HEAD. */
	const char *at;
	/* Called with what the command should say but need not stop for (a
	 * stale git lock removed, a commit whose worktree is left for the
	 * next command to finish); NULL: silence. */
	void (*warning)(void *arg, const char *msg);
	void *warning_arg;
	/* For tests only (KONTORA_FAULT, docs/testing.md): called at each
	 * point of a write, "lock" (the write lock taken), "blob", "tree",
	 * "commit" (objects written), "cas" (the branch read, about to be
	 * moved), "ref" (moved), "worktree" and "index" (brought up to it),
	 * where a test kills or pauses the command; NULL: none. */
	void (*fault_point)(void *arg, const char *point);
	void *fault_arg;
	/* A shard (any file of git) over this many bytes is read and written
	 * this many bytes at a time rather than whole; 0: 4 MiB.  Tests set
	 * it low (KONTORA_STREAM_BYTES, docs/testing.md) to run the pieces'
	 * path on small books. */
	size_t stream_bytes;
	/* A shard whose text would pass this many bytes is split into shards
	 * one id character longer in the commit that makes it grow; 0: 2 MiB
	 * (docs/foundation.md, "Storage").  Tests set it low
	 * (KONTORA_SPLIT_BYTES) to split small books. */
	size_t split_bytes;
	/* Where git finds the user's own configuration (HOME and
	 * XDG_CONFIG_HOME, which the library does not read itself): git's
	 * user.email is cached only while those files are unchanged; home
	 * NULL: never cached. */
	const char *home;
	const char *xdg_config_home;
};

/* Finds the books the way git finds a repository: start itself or the
 * nearest parent holding kontora.conf and .git.  Returns 0 and *root
 * (caller frees), or KT_ENOTBOOKS. */
int kt_books_find(const char *start, char **root, struct kt_error *err);

/* Opens the books at root (as found by kt_books_find()).  Loads the
 * schemas and resolves who the caller is.  Returns 0 and *out (close with
 * kt_books_close()), or an error. */
int kt_books_open(const char *root, const struct kt_options *opt,
                  struct kt_books **out, struct kt_error *err);
void kt_books_close(struct kt_books *b);
/* Opens the books of now as they were at the commit rev names (opt->at
 * is set to rev; opt is the command's, as kt_books_open() takes it),
 * read-only, for a report of the past.  The caller of now acts: their
 * login and role are the ones of now's HEAD, so that a role taken away
 * since gives no access to the past.  Returns 0 and *out (close with
 * kt_books_close()), KT_ENOTFOUND for a rev that is no commit, or an
 * error. */
int kt_books_open_at(struct kt_books *now, const struct kt_options *opt, const char *rev,
                     struct kt_books **out, struct kt_error *err);

/* Asks long work (building the index or its full-text table, kt_check())
 * to call fn now and then with what it does ("indexing files", "checking
 * records"), how much is done and the total (0 when not known); fn NULL
 * for silence, the default. */
void kt_books_progress(struct kt_books *b,
                       void (*fn)(void *arg, const char *what, size_t done, size_t total),
                       void *arg);

/* Returns the books' root directory (owned by b). */
const char *kt_books_root(const struct kt_books *b);

/* Returns the clock the books were opened with (kt_options.now, else the
 * time of opening): the time changes are committed at. */
time_t kt_books_now(const struct kt_books *b);

/* Returns the number of record types and the i-th (owned by b). */
size_t kt_books_ntypes(const struct kt_books *b);
const struct kt_schema *kt_books_type_at(const struct kt_books *b, size_t i);
/* Returns the schema of a type by name, or NULL. */
const struct kt_schema *kt_books_type(const struct kt_books *b, const char *name);
/* Returns the schema whose id prefix is letter (any case), or NULL. */
const struct kt_schema *kt_books_type_by_prefix(const struct kt_books *b, char letter);

/* Returns the identity changes are committed with (owned by b). */
const struct kt_identity *kt_books_identity(const struct kt_books *b);

/* Resolves who acts (as kt_change_begin() does) and returns it in *who
 * (owned by b): the employee KONTORA_USER names, else the one whose e-mail
 * is git's user.email.  Returns 0 or an error: KT_EINVAL for an unknown
 * KONTORA_USER, KT_EACCESS for a caller who is no employee or an inactive
 * one (the message says what to do). */
int kt_books_whoami(struct kt_books *b, const struct kt_identity **who,
                    struct kt_error *err);

/* Reads user.name and user.email from git's global configuration into
 * *name and *email (caller frees both).  Returns 0 or KT_ENOTFOUND. */
int kt_git_identity(char **name, char **email, struct kt_error *err);

/* Options for kt_books_init(). */
struct kt_init {
	const char *dir;          /* where; created if missing, must be empty */
	const char *datadir;      /* holds schemas/, dicts/, workflows/, templates/ to
	                             copy, filters/ */
	const char *company;      /* git-config file merged into kontora.conf, or NULL */
	const char *name;         /* the first employee, an admin */
	const char *email;
	time_t now;
};

/* Creates new books: a git repository on branch main with kontora.conf,
 * schemas/, workflows/, dicts/, templates/ (the wording of documents and
 * the contract templates), data/, the first employee and the saved
 * filters of datadir/filters/NAME.sql, in one initial commit.  Refuses a
 * directory that is not empty.  Returns 0 or an error. */
int kt_books_init(const struct kt_init *opt, struct kt_error *err);

/* ------------------------------------------------------------- records */

/* A record: ordered (name, value) pairs: id first, then the schema's
 * fields, then created, then any unknown columns of its shard.  Values
 * are the stored (normalised) text; "" for empty. */
struct kt_record {
	const struct kt_schema *schema;
	size_t n;
	char **names;
	char **values;
};

/* Returns the value of field name in r, or NULL if r has no such column. */
const char *kt_record_get(const struct kt_record *r, const char *name);
void kt_record_free(struct kt_record *r);

/* Normalises and validates one value for field f without looking at other
 * records (dictionary and reference checks need the books: see
 * kt_value_check()).  Returns 0 and *out (caller frees; "" for empty), or
 * KT_EINVAL with err saying why, e.g. "inn: invalid checksum". */
int kt_value_normalize(const struct kt_field *f, const char *in, char **out,
                       struct kt_error *err);

/* Resolves an id or a unique id prefix (any case) to a full id.  type may
 * be NULL to search every type.  Returns 0, *id (caller frees) and *type
 * (owned by b), KT_ENOTFOUND, or KT_EAMBIGUOUS with the candidates in the
 * message. */
int kt_resolve_id(struct kt_books *b, const char *type, const char *prefix,
                  char **id, const struct kt_schema **schema,
                  struct kt_error *err);

/* Reads the current record with that full id.  Returns 0 and *out
 * (kt_record_free()), or KT_ENOTFOUND. */
int kt_record_read(struct kt_books *b, const struct kt_schema *s,
                   const char *id, struct kt_record **out, struct kt_error *err);

/* ------------------------------------------------------------- changes */

/* One change to the books, committed as exactly one git commit.  Begin
 * takes the books' write lock; every add/edit/remove is validated at
 * once against the books and the change so far. */
struct kt_change;

/* Starts a change made by command (for the Kontora-Command trailer, e.g.
 * "client add").  Returns 0 and *out (free with kt_change_free(), which
 * drops an uncommitted change and the lock). */
int kt_change_begin(struct kt_books *b, const char *command,
                    struct kt_change **out, struct kt_error *err);

/* Adds a record of type s with the given (name, value) pairs, values as a
 * user typed them.  Fills defaults, normalises, validates (required,
 * types, dictionaries, references, unique fields), gives it a new id.
 * Returns 0 and *id (owned by the change, valid until it is freed, however
 * many records are added after), or an error naming the field. */
int kt_change_add(struct kt_change *c, const struct kt_schema *s,
                  char *const *names, char *const *values, size_t n,
                  const char **id, struct kt_error *err);

/* Makes room in c for n more records, for a caller that knows how many
 * it will add (an import): a change of 200,000 adds then holds room for
 * those, not for the next power of two.  Returns 0 or KT_ENOMEM. */
int kt_change_reserve(struct kt_change *c, size_t n);

/* Draws n new ids of s ahead, which the next n records of s added to c
 * take in turn (drawn at random, as ever): the index is asked once, in
 * the ids' order, which it has, for a caller that knows how many it will
 * add (an import).  Replaces what is left of an earlier draw for s; c
 * keeps draws for two types.  Returns 0 or an error. */
int kt_change_ids(struct kt_change *c, const struct kt_schema *s, size_t n,
                  struct kt_error *err);

/* Sets fields of an existing record (full id).  An empty value clears a
 * field unless it is required.  The edit lines of the type's workflow
 * say who may set which fields in which state, and a task made by a
 * workflow action is not set done while its record lacks a field the
 * action requires (kontora-flow(5)); a refusal begins with the id and
 * names the rule.  Returns 0 or an error. */
int kt_change_edit(struct kt_change *c, const struct kt_schema *s,
                   const char *id, char *const *names,
                   char *const *values, size_t n, struct kt_error *err);

/* Removes a record (full id).  Refuses when other records refer to it
 * unless force.  Returns 0 or an error. */
int kt_change_remove(struct kt_change *c, const struct kt_schema *s,
                     const char *id, int force, struct kt_error *err);

/* Sets (value) or unsets (value NULL) a key of kontora.conf.  Returns 0
 * or an error. */
int kt_change_config(struct kt_change *c, const char *key, const char *value,
                     struct kt_error *err);

/* Appends the entry (id, name) to the dictionary dicts/DICT.csv, creating
 * the dictionary (header id,name) when there is none.  id is lower-case
 * letters, digits and _; name is the label people see and type.  Checked
 * against the dictionary at HEAD and the earlier operations of c.
 * Returns 0, KT_EINVAL for a bad dictionary name, id or name (empty, not
 * UTF-8, more than one line), KT_EEXISTS for an id the dictionary already
 * has or a name that is already another entry's name or id (ignoring case
 * and ё), or another error. */
int kt_change_dict_add(struct kt_change *c, const char *dict, const char *id,
                       const char *name, struct kt_error *err);

/* Removes the entry id from the dictionary dicts/DICT.csv.  Refuses when
 * records hold id in a dict field of that dictionary, or a schema has it
 * as a default, unless force.  Returns 0, KT_ENOTFOUND for no such
 * dictionary or entry, KT_EEXISTS when the entry is in use (the message
 * says how many records, with an example), or another error. */
int kt_change_dict_remove(struct kt_change *c, const char *dict, const char *id,
                          int force, struct kt_error *err);

/* Writes len bytes (any bytes) at path, under files/ (each part of the
 * path a name kt_change_attach() takes), as an operation of change c;
 * record, a full id or NULL, goes into the Kontora-Record trailer.
 * Returns 0, KT_EINVAL for another path, KT_EEXISTS when c writes path
 * already, or KT_ENOMEM. */
int kt_change_file(struct kt_change *c, const char *path, const void *data, size_t len,
                   const char *record, struct kt_error *err);

/* Describes the change so far in words, one line per field changed
 * ("phone: +74951111111 -> +74951234567"); appended to out.  Returns 0 or
 * KT_ENOMEM. */
int kt_change_describe(const struct kt_change *c, struct kt_buf *out);

/* Commits the change as one commit whose subject is subject (or one made
 * from the change when NULL), with Kontora-Command and Kontora-Record
 * trailers; updates the worktree, git's index and the kontora index.
 * Retries when someone else moved the branch.  Returns 0 and, when oid is
 * not NULL, the commit's hex id in oid ("" when the change changes
 * nothing), or an error; the books are then as they were.  Once the
 * branch has moved it returns 0 whatever fails after: kt_change_warning()
 * then says what is left for the next command to finish.  The change
 * keeps none of its operations after a commit (an import's would hold
 * memory through the index refresh): kt_change_warning() and
 * kt_change_free() are what is left to call. */
int kt_change_commit(struct kt_change *c, const char *subject,
                     char oid[41], struct kt_error *err);
/* Returns what the commit of c left undone (the worktree, git's index or
 * the kontora index not brought up to it; the next command finishes it),
 * or NULL (owned by c). */
const char *kt_change_warning(const struct kt_change *c);

void kt_change_free(struct kt_change *c);

/* --------------------------------------------------------------- config */

/* Reads key from kontora.conf at HEAD.  Returns 0 and *value (caller
 * frees), or KT_ENOTFOUND. */
int kt_config_get(struct kt_books *b, const char *key, char **value,
                  struct kt_error *err);

/* Calls fn for every key and value of kontora.conf, in file order.
 * Returns 0, fn's non-zero return, or an error. */
int kt_config_foreach(struct kt_books *b,
                      int (*fn)(void *arg, const char *key, const char *value),
                      void *arg, struct kt_error *err);

/* Reads key from the git-config file at path (a books' kontora.conf on
 * disk) without opening a repository, for kontora webhook.  Returns 0
 * and *value (caller frees), KT_ENOTFOUND, or KT_EGIT for a file that
 * cannot be read or parsed. */
int kt_conf_file_get(const char *path, const char *key, char **value,
                     struct kt_error *err);

/* Parses a size as kontora.conf writes it (attach.max-size,
 * webhook.max-size): bytes, or a number followed by K, M or G (powers of
 * 1024), above 0 and at most 1 TB.  Returns 0 and *out, or KT_EINVAL. */
int kt_size_parse(const char *s, int64_t *out);

/* ---------------------------------------------------------------- intake */

/* What kt_intake_parse() reads. */
enum kt_intake_format {
	KT_INTAKE_AUTO,      /* by the name's extension, else the first bytes */
	KT_INTAKE_FORM,      /* application/x-www-form-urlencoded: one row */
	KT_INTAKE_JSON,      /* an object (one row) or an array of objects */
	KT_INTAKE_CSV,       /* a header row; ',' ';' or tab, found from the header */
	KT_INTAKE_XLSX,      /* the first sheet; its first row the header */
};

/* One row of input: (name, value) pairs as the input named them, in
 * UTF-8. */
struct kt_intake_row {
	long line;           /* where it starts in the file (1-based) */
	size_t n;
	char **names;
	char **values;
	char *error;         /* why the row cannot be used (a field that does not
	                        decode), or NULL */
	struct kt_intake_block *block; /* rows of CSV and XLSX: the intake's
	                        block that holds names, values and their
	                        strings, not to be grown; NULL otherwise */
};

struct kt_intake {
	enum kt_intake_format format;   /* what was read */
	const char *encoding;           /* "utf-8" or "cp1251": what was decoded */
	size_t n;
	struct kt_intake_row *rows;
	struct kt_intake_block *block;  /* where rows are being packed */
};

/* Reads the rows of a web form post or a lead export in data[0..len).
 * name (a file name, for messages and for the format when format is
 * KT_INTAKE_AUTO) may be NULL.  encoding is "auto" (or NULL: a BOM or
 * UTF-8 is UTF-8, text that is mostly UTF-8 is UTF-8 with its bad rows
 * rejected, else Windows-1251), "utf-8" or "cp1251".  A field that does
 * not decode marks its row's error with the field's name; the other rows
 * are read.  Returns 0 and *out (free with kt_intake_free()), or an error
 * for input that cannot be read at all ("leads.json:7: malformed JSON:
 * ..."). */
int kt_intake_parse(const char *data, size_t len, const char *name,
                    enum kt_intake_format format, const char *encoding,
                    struct kt_intake **out, struct kt_error *err);
void kt_intake_free(struct kt_intake *in);
/* Frees the names and values of a row once nothing reads them (its line
 * and error stay): an import of a hundred thousand rows need not hold
 * every row to its end. */
void kt_intake_row_clear(struct kt_intake_row *r);

/* Returns the value of r's field called name (exactly; owned by r), or
 * NULL. */
const char *kt_intake_get(const struct kt_intake_row *r, const char *name);

/* What a web form's row says about a lead (lib/intake/weblead.c). */
enum kt_weblead_field {
	KT_WL_NAME, KT_WL_PHONE, KT_WL_EMAIL, KT_WL_INN, KT_WL_COMMENT,
	KT_WL_PRODUCT,       /* what the person is interested in: the lead's title */
	KT_WL_FORM,          /* the form's name or id */
	KT_WL_TRANID,        /* the form service's id of the submission */
	KT_WL_TIME,          /* when it was sent, as the input says */
	KT_WL_UTM_SOURCE, KT_WL_UTM_MEDIUM, KT_WL_UTM_CAMPAIGN, KT_WL_UTM_CONTENT,
	KT_WL_UTM_TERM,
	KT_WEBLEAD_NFIELDS
};

/* Which input names a source's fields come under: [source "NAME"] of
 * kontora.conf (key = Name1, Name2), else the defaults for Tilda and
 * common exports. */
struct kt_source_map {
	char *source;                      /* "tilda" */
	char *names[KT_WEBLEAD_NFIELDS];   /* '|'-separated input names, folded */
	char *lead_source;                 /* the lead_source dict id ("web") */
	struct kt_weblead_columns *last;   /* the columns of the last row read by
	                                      it, matched to fields (weblead.c) */
};

/* Loads the mapping of source from kontora.conf ([source "NAME"] keys
 * name, phone, email, inn, comment, product, form, tranid, time,
 * utm-source, utm-medium, utm-campaign, utm-content, utm-term, and
 * lead-source) over the defaults; b NULL gives the defaults alone.
 * Returns 0 and fills *m (free with
 * kt_source_map_free()), or an error. */
int kt_source_map_load(struct kt_books *b, const char *source, struct kt_source_map *m,
                       struct kt_error *err);
void kt_source_map_free(struct kt_source_map *m);

/* Returns the key of [source "NAME"] for field f, such as "phone". */
const char *kt_weblead_key(enum kt_weblead_field f);

/* A lead read from one row: its fields normalised (phone +7XXXXXXXXXX,
 * e-mail lower case, text trimmed; a phone or e-mail that cannot be read
 * moved to the comment), or why the row is rejected. */
struct kt_weblead {
	char *v[KT_WEBLEAD_NFIELDS];   /* NULL or text */
	char *external_id;             /* "tilda:5489108:4802756061" or "SOURCE:h<hash>" */
	char *reason;                  /* why it is rejected, or NULL */
};

/* Reads row r by mapping m into *l (free with kt_weblead_free()).  A row
 * with no phone and no e-mail, a field over 10000 bytes, or a decoding
 * error is rejected: l->reason says why.  Returns 0, or KT_ENOMEM. */
int kt_weblead_from_row(const struct kt_source_map *m, const struct kt_intake_row *r,
                        struct kt_weblead *l, struct kt_error *err);
void kt_weblead_free(struct kt_weblead *l);

/* --------------------------------------------------------- lead import */

/* An import of web leads as one change (lib/intake/import.c). */
struct kt_import;

/* What became of one row. */
struct kt_import_result {
	enum {
		KT_IMPORT_NEW,        /* a new lead (at kt_import_row(): to be added) */
		KT_IMPORT_LINKED,     /* a new lead linked to an existing client */
		KT_IMPORT_MERGED,     /* the same person as an earlier row: one lead */
		KT_IMPORT_DUPLICATE,  /* its submission is already in the books */
		KT_IMPORT_REJECTED,   /* not imported: reason says why */
	} kind;
	const char *id;           /* the lead's id (at commit), owned by the import */
	const struct kt_intake_row *row; /* the row, the caller's: the import reads
	                                    it no more once this is given */
	const char *file;         /* the row's file and line (for MERGED: the */
	long line;                /* row merged into) */
	char reason[1100];
	char client[16];          /* LINKED: the client's id */
	char client_name[256];
	char match[16];           /* LINKED: "inn", "phone" or "email" */
	char match_value[256];    /* and its value */
	char manager[64];         /* the lead's manager, or "" */
};

/* Counts of an import. */
struct kt_import_summary {
	size_t added, linked, merged, duplicates, rejected;
};

/* Called at commit for each lead added or rejected then. */
typedef void (*kt_import_fn)(void *arg, const struct kt_import_result *res);

/* Starts an import under the books' write lock, holding a read
 * transaction on the index until the commit, and reads import.task-hours
 * (2 when not set) from kontora.conf.  Returns 0 and *out (free with
 * kt_import_free()), or an error. */
int kt_import_begin(struct kt_books *b, const char *command, struct kt_import **out,
                    struct kt_error *err);

/* Reads row r (of file; r, file and m must outlive the import: a new
 * lead is read again from its row at commit rather than kept) by mapping
 * m: rejected (res->reason), a duplicate of a submission in the books
 * or in this import (the same external id), merged into the lead of an
 * earlier row with the same phone or e-mail, or a new lead to add at
 * commit.  Returns 0 and fills *res, or an error (out of memory). */
int kt_import_row(struct kt_import *im, const struct kt_source_map *m,
                  const struct kt_intake_row *r, const char *file,
                  struct kt_import_result *res, struct kt_error *err);

/* Adds the new leads (unprocessed, linked to a client whose INN, phone or
 * e-mail matches, given to a manager by kt_lead_prepare()), each with a
 * task "Обработать новый лид" for its manager due import.task-hours from
 * now, calls fn for each (a lead the books refuse is rejected then), and
 * commits them as one commit whose subject gives the counts, unless
 * dry_run or nothing is new.  Returns 0 and *sum, or an error: then
 * nothing was committed. */
int kt_import_commit(struct kt_import *im, int dry_run, kt_import_fn fn, void *arg,
                     struct kt_import_summary *sum, struct kt_error *err);
void kt_import_free(struct kt_import *im);

/* ------------------------------------------------------------ 1C import */

/* An import of the files of a 1C exchange (CommerceML 2.x) as one change
 * (lib/intake/onec.c, read by lib/intake/cml.c). */
struct kt_onec;

/* Counts of a 1C import. */
struct kt_onec_summary {
	size_t products_added, products_updated, products_unchanged, products_inactive;
	size_t clients_added, clients_updated, clients_unchanged;
	size_t offers_applied, offers_orphan;   /* orphan: no product of that 1C id */
	size_t notes;                           /* things said through kt_onec_fn */
};

/* Called for what an import reports without failing: an offer whose
 * product is neither in the catalogue nor in the books, a unit not in
 * dicts/unit.csv, a counterparty's value the books do not take. */
typedef void (*kt_onec_fn)(void *arg, const char *file, long line, const char *msg);

/* Starts a 1C import into change c of the books b: reads the products
 * and clients of the books that carry a 1C id or an INN, and
 * dicts/unit.csv.  price_type names the price type (Наименование or Ид)
 * whose prices become the products' price; NULL: import.1c-price-type of
 * kontora.conf, else the first of each offer package.  Returns 0 and *out
 * (free with kt_onec_free(), which leaves c to its caller), or an error. */
int kt_onec_begin(struct kt_change *c, struct kt_books *b, const char *price_type,
                  kt_onec_fn fn, void *arg, struct kt_onec **out, struct kt_error *err);

/* Reads the files (CommerceML, or ZIP archives of them) into the change,
 * offer packages first, streaming: products upserted by their 1C id (Ид),
 * offers onto their products' price and stock, counterparties onto
 * clients matched by 1C id, then INN and KPP, then INN.  Returns 0, or
 * KT_EINVAL with "FILE:LINE: what" (not CommerceML, malformed XML, an
 * unknown encoding, a 1C id repeated with other data, a value the books
 * refuse), KT_EIO, or another error; the change must then be dropped. */
int kt_onec_read(struct kt_onec *o, char *const *files, size_t n, struct kt_error *err);

/* Applies the offers of products already in the books and marks inactive
 * the products of 1C that a full catalogue (not СодержитТолькоИзменения)
 * did not list, in the change; nothing is committed: the caller ends the
 * change, with the counts in its subject.  Returns 0 and *sum, or an
 * error (the change must then be dropped). */
int kt_onec_finish(struct kt_onec *o, struct kt_onec_summary *sum, struct kt_error *err);
void kt_onec_free(struct kt_onec *o);

/* ----------------------------------------------------------------- spool */

/* Delivers len bytes of data into the maildir-style spool dir (created
 * with tmp/, new/ and cur/ when missing): written and synced in tmp/, then
 * renamed into new/ so that readers see only whole files.  The name is
 * unique (time now, pid, random, host).  Returns 0 and *name (the file's
 * name in new/, caller frees; name may be NULL), or KT_EIO. */
int kt_spool_deliver(const char *dir, const char *data, size_t len, time_t now,
                     char **name, struct kt_error *err);

/* Returns the spool directory of the books at root: configured (the value
 * of webhook.spool, absolute or relative to root) or, when that is NULL
 * or empty, root/.git/kontora/spool.  The caller frees it; NULL when out
 * of memory. */
char *kt_spool_path(const char *root, const char *configured);

/* ------------------------------------------------------ bank statements */

/* A payment of a bank statement in the 1CClientBankExchange format
 * (lib/intake/bank.c): its СекцияДокумент, in UTF-8.  Every string is
 * set ("" when the statement leaves it out), pointing into the
 * statement's text. */
struct kt_bank_doc {
	long line;            /* the line of СекцияДокумент */
	char *kind;           /* "Платежное поручение", "Банковский ордер", ... */
	char *number, *date;  /* Номер; Дата as YYYY-MM-DD */
	int64_t amount;       /* Сумма in kopecks */
	char *date_out, *date_in;   /* ДатаСписано, ДатаПоступило (YYYY-MM-DD or "") */
	char *payer, *payer_inn, *payer_kpp, *payer_account;   /* the name without an INN prefix */
	char *payee, *payee_inn, *payee_kpp, *payee_account;
	char *purpose;        /* НазначениеПлатежа */
};

struct kt_bank_statement {
	char *name;           /* the file, for messages */
	char *version;        /* ВерсияФормата, or NULL */
	const char *encoding; /* what was decoded: "utf-8", "cp1251" or "cp866" */
	char **accounts;      /* the statement's own accounts (РасчСчет) */
	size_t naccounts;
	struct kt_bank_doc *docs;
	size_t ndocs;
	char *text;           /* the statement decoded, which the strings above point into */
};

/* Reads a 1CClientBankExchange statement (1.01 to 1.03) from
 * data[0..len); name is the file for messages.  UTF-8 when the bytes are
 * valid UTF-8, else Windows-1251, or CP866 when Кодировка=DOS.  Returns 0
 * and *out (kt_bank_free()), or KT_EINVAL naming the file and line (not a
 * statement, no КонецФайла, an unknown Кодировка, an amount or date that
 * is none), or KT_ENOMEM; *out is then NULL. */
int kt_bank_parse(const char *data, size_t len, const char *name,
                  struct kt_bank_statement **out, struct kt_error *err);
void kt_bank_free(struct kt_bank_statement *st);

/* What kt_bank_import() did. */
struct kt_bank_summary {
	size_t payments;      /* new payment records */
	size_t duplicates;    /* payments the books or an earlier file of the batch have */
	size_t in, out;       /* the new ones by direction */
	size_t matched;       /* new incoming payments that pay some invoice */
	size_t unmatched;     /* new incoming payments with money no invoice took */
};

/* Adds the payments of the statements st[0..n) that the books do not have
 * (their key, docs/bank.md) to change c as payment records, and matches
 * the incoming ones whose payer's INN is a client's to that client's
 * issued and partly paid invoices: those whose numbers the purpose names,
 * else the one owing exactly the amount; allocation records hold what
 * each pays, and the invoices move to partly_paid or paid.  Returns 0 and
 * *sum, or an error naming the file and line (c must then be dropped). */
int kt_bank_import(struct kt_change *c, struct kt_books *b, struct kt_bank_statement *const *st,
                   size_t n, struct kt_bank_summary *sum, struct kt_error *err);

/* Allocates amount kopecks (0: what is left of the payment, up to what
 * the invoice still owes) of the incoming payment to the issued or partly
 * paid invoice (full ids) in change c, gives the payment the invoice's
 * client when it has none, and moves the invoice.  Returns 0 and *done,
 * or an error (more than the payment has left or the invoice owes). */
int kt_payment_match(struct kt_change *c, struct kt_books *b, const char *payment,
                     const char *invoice, int64_t amount, int64_t *done, struct kt_error *err);

/* Removes every allocation of payment (full id) in change c, moves its
 * invoices back, and gives the payment the client its payer's INN names
 * (or none).  Returns 0 and *removed, or an error. */
int kt_payment_unmatch(struct kt_change *c, struct kt_books *b, const char *payment,
                       size_t *removed, struct kt_error *err);

/* The money of client (full id): *ordered the totals of its issued,
 * partly paid and paid invoices, *paid what was allocated to them plus
 * what its incoming payments hold unallocated.  The debt is ordered -
 * paid (negative: an overpayment).  Returns 0 or an error. */
int kt_client_balance(struct kt_books *b, const char *client, int64_t *ordered, int64_t *paid,
                      struct kt_error *err);

/* ----------------------------------------------------------------- index */

/* A column of a result: its name and type (KT_TEXT for SQL results). */
struct kt_column {
	const char *name;
	enum kt_ftype type;
	const char *label;
};

/* Called once with values NULL before the rows (so that a header can be
 * printed even when there are none), then for each row; values[i] may be
 * "" but never NULL.  Return non-zero to stop (that value is returned by
 * the query). */
typedef int (*kt_row_fn)(void *arg, size_t ncols, const struct kt_column *cols,
                         char *const *values);

/* Brings the index (.git/kontora/index.db) up to HEAD, reading only the
 * shards that changed since the commit it reflects.  Every query does
 * this itself.  Returns 0 or an error. */
int kt_index_refresh(struct kt_books *b, struct kt_error *err);

/* Deletes and rebuilds the index from HEAD.  Returns 0 or an error. */
int kt_index_rebuild(struct kt_books *b, struct kt_error *err);

/* A list query on one type. */
struct kt_query {
	const struct kt_schema *schema;
	const char *where;   /* "field=value and field2~text", or NULL */
	const char *sort;    /* field, "-field" descending; NULL for the type's default */
	long limit;          /* 0 for no limit */
	int all_columns;     /* every field, else the schema's table columns */
	int all;             /* also records in an archive state of the type's workflow */
	const char *also;    /* a field to add after the table columns when they
	                      * lack it (the printer's ★ needs processed), or NULL */
};

/* Runs a list query through the index.  Values come as stored in CSV
 * (money "1234.50").  Returns 0, fn's non-zero return, or an error (an
 * unknown field in where names it). */
int kt_list(struct kt_books *b, const struct kt_query *q, kt_row_fn fn,
            void *arg, struct kt_error *err);

/* Runs one read-only SQL statement on the index.  Returns 0, fn's
 * non-zero return, KT_EREADONLY for a statement that would write, or
 * KT_EDB with SQLite's message. */
int kt_sql(struct kt_books *b, const char *sql, kt_row_fn fn, void *arg,
           struct kt_error *err);

/* A named parameter of an SQL statement (":days" is called "days") and
 * the text bound to it. */
struct kt_param {
	const char *name;
	const char *value;
};

/* Runs sql as kt_sql() does, with its named parameters bound: each to the
 * value of the params entry of its name, or to NULL when none names it;
 * entries naming no parameter of the statement are ignored.  Returns as
 * kt_sql(). */
int kt_sql_bind(struct kt_books *b, const char *sql, const struct kt_param *params,
                size_t nparams, kt_row_fn fn, void *arg, struct kt_error *err);

/* Runs sql as kt_sql_bind() does, for any caller, on what the caller may
 * see: each table of a record type is read as a view of the records the
 * caller may see (kontora-schema(5), "access"), and nothing else of the
 * index (the full-text table) can be read.  For a caller who sees
 * everything that is the whole index.  What reports run.  Returns as
 * kt_sql(), or KT_EACCESS for a statement that reads past the views. */
int kt_sql_seen(struct kt_books *b, const char *sql, const struct kt_param *params,
                size_t nparams, kt_row_fn fn, void *arg, struct kt_error *err);

/* Calls fn with the name (without its colon) of every named parameter of
 * the read-only statement sql, in order of first use, without running it.
 * Returns 0, fn's non-zero return, or the errors of kt_sql() for a
 * caller who may not read the whole index or a statement that does not
 * prepare or would write. */
int kt_sql_params(struct kt_books *b, const char *sql,
                  int (*fn)(void *arg, const char *name), void *arg,
                  struct kt_error *err);

/* Searches the text of every record (names, phones, e-mails, INNs, notes)
 * for all the words of text as prefixes, ignoring case and ё; the first
 * search builds the full-text index, later refreshes keep it current.
 * Calls fn with the columns type, id, title, best matches first among
 * the newest 1000 of each type the caller may see, then older matches
 * newest first (kontora-search(1), "Order"), at most limit rows (0:
 * all).  Returns 0, fn's non-zero return, or an error. */
int kt_search(struct kt_books *b, const char *text, long limit, kt_row_fn fn,
              void *arg, struct kt_error *err);

/* Finds the records that have phone, given in any form kt_phone_normalize()
 * accepts, in a phone field (type phone) of any type: exactly that number,
 * through the index.  Calls fn with values NULL first, for the header, then
 * once per record with the columns type, id, title and field (the first of
 * its phone fields that holds the number): clients first, then contacts,
 * then leads, then other types, each newest (created) first.  Returns the
 * number of records found (>= 0), KT_EINVAL for a phone that is not one
 * (the message names it), another error, or fn's non-zero return, which
 * stops the calls. */
int kt_lookup_phone(struct kt_books *b, const char *phone, kt_row_fn fn, void *arg,
                    struct kt_error *err);

/* ----------------------------------------------------------- attachments */

/* The largest file attach takes when kontora.conf does not say. */
#define KT_ATTACH_MAX ((int64_t)20 * 1024 * 1024)

/* Reads attach.max-size of kontora.conf (bytes, or with K, M or G) into
 * *max: KT_ATTACH_MAX when unset.  Returns 0 or KT_EINVAL for a value that
 * is not a size. */
int kt_attach_max_size(struct kt_books *b, int64_t *max, struct kt_error *err);

/* Attaches the file at file (a path on disk, a regular file of at most
 * attach.max-size bytes) to the record id (full) as files/ID/NAME, in
 * change c.  name is the name to store it under, or NULL for file's last
 * part; it must be UTF-8 without slashes or control characters, not
 * starting with a dot.  An existing files/ID/NAME is refused unless force.
 * Returns 0 and *path (files/ID/NAME; caller frees), or KT_ENOTFOUND for
 * no record id, KT_EEXISTS, KT_EINVAL (bad name, too large, not a regular
 * file), KT_EIO naming the file, or another error. */
int kt_change_attach(struct kt_change *c, const char *id, const char *file,
                     const char *name, int force, char **path, struct kt_error *err);

/* Calls fn with the columns name, size (bytes, KT_INT) and path: once with
 * values NULL, then for every file of files/ID/ at HEAD, in byte order of
 * the names.  id is a full id of a record that exists.  Returns 0, fn's
 * non-zero return, KT_ENOTFOUND for no record id, or an error. */
int kt_files_list(struct kt_books *b, const char *id, kt_row_fn fn, void *arg,
                  struct kt_error *err);

/* ---------------------------------------------------------- dictionaries */

/* Calls fn with the name of every dictionary at HEAD (dicts/NAME.csv), in
 * byte order of the names.  Returns 0, fn's non-zero return, or an error
 * (a dictionary that cannot be parsed names its file and line). */
int kt_dict_names(struct kt_books *b, int (*fn)(void *arg, const char *name),
                  void *arg, struct kt_error *err);

/* Calls fn with the columns id and name (KT_TEXT): once with values NULL,
 * then for each entry of dicts/DICT.csv at HEAD, in the order of the
 * file.  Returns 0, fn's non-zero return, KT_ENOTFOUND for no such
 * dictionary, or an error. */
int kt_dict_list(struct kt_books *b, const char *dict, kt_row_fn fn, void *arg,
                 struct kt_error *err);

/* ---------------------------------------------------------------- labels */

/* Applies the labels of kontora.conf at HEAD (see kontora-config(1)):
 * "label.TYPE" becomes the label of the type's schema, "label.TYPE.FIELD"
 * the label of its field, and "label.DICT.ID" is kept for
 * kt_dict_label().  Keys that name no type, field or dictionary entry of
 * the books are ignored (kontora config refuses to set them).  Returns 0
 * or an error (kontora.conf unreadable). */
int kt_books_labels(struct kt_books *b, struct kt_error *err);

/* Returns what people see for the entry id of dictionary dict: its label
 * from kontora.conf (after kt_books_labels()), else its name in
 * dicts/DICT.csv, else id itself.  The result is owned by b, or is id. */
const char *kt_dict_label(struct kt_books *b, const char *dict, const char *id);

/* What kt_value_label() writes for a reference. */
enum kt_ref_form {
	KT_REF_WITH_ID,      /* "Гель для стирки (GW3CZ2XB)": a terminal */
	KT_REF_TITLE,        /* "Гель для стирки": a column of its own (XLSX) */
};

/* Returns what people see for value, stored in field f of a record: a
 * reference as the title of the record it names (form says whether with
 * its id; the id alone when that record is missing or hidden from the
 * caller), a dictionary entry as kt_dict_label(), a workflow's state as
 * its label (kt_flow_state_label()), any other value as it is.  The
 * result is value, owned by b, or buf's text (buf is reset first; the
 * caller frees it).  f NULL: value. */
const char *kt_value_label(struct kt_books *b, const struct kt_schema *s,
                           const struct kt_field *f, const char *value,
                           enum kt_ref_form form, struct kt_buf *buf);

/* Returns 1 if kt_value_label() may show a value of field f of s
 * otherwise than as it is (a reference, a dictionary entry, a workflow's
 * state), else 0: a printer asks once per column, not for every value. */
int kt_value_labelled(struct kt_books *b, const struct kt_schema *s, const struct kt_field *f);

/* Calls fn(arg, key, title) for every record of type t the caller may
 * see and whose title is not empty: what kt_value_label() shows (as
 * KT_REF_TITLE) for a reference to t holding key; a reference to any
 * other record is shown as it is.  All at once, for a long list of
 * references to t.  Returns 0, fn's non-zero return, or an error. */
int kt_ref_titles(struct kt_books *b, const struct kt_schema *t,
                  int (*fn)(void *arg, const char *key, const char *title), void *arg,
                  struct kt_error *err);

/* ------------------------------------------------------------------ XLSX */

/* An Excel workbook of one sheet being written, row by row (libxlsxwriter
 * in constant_memory mode: memory stays small whatever the number of
 * rows).  Numbers are written in the C locale: a program using this must
 * not change LC_NUMERIC with setlocale(). */
struct kt_xlsx;

/* Starts a workbook that kt_xlsx_close() will write to path, with one sheet
 * called sheet (cut to Excel's 31 characters; NULL for "Sheet1").  Nothing
 * is written before kt_xlsx_close().  Returns 0 and *out, or an error. */
int kt_xlsx_open(const char *path, const char *sheet, struct kt_xlsx **out,
                 struct kt_error *err);

/* A kt_row_fn whose arg is a struct kt_xlsx.  Called with values NULL, it
 * writes the header row (the columns' labels, bold).  Each row is written
 * by the columns' types: money as a number of roubles formatted
 * "1 234,50 ₽", int as a number, date as an Excel date (dd.mm.yyyy),
 * datetime as an Excel date and time in UTC (dd.mm.yyyy hh:mm), bool as a
 * boolean; a value that does not parse as its type, and every other type,
 * as text; empty values are left blank.  Returns 0 or a negative KT_E*
 * code; the first error is kept, and returned by kt_xlsx_close(). */
int kt_xlsx_row(void *xlsx, size_t ncols, const struct kt_column *cols,
                char *const *values);

/* Sets the column widths from the longest value seen (at most 60
 * characters), freezes the header row, puts an autofilter on the header
 * and every row, and writes the workbook to its path.  After an error of
 * kt_xlsx_row() nothing is written and that error is returned.  Returns 0
 * or an error (KT_EIO naming the path).  Frees x in every case. */
int kt_xlsx_close(struct kt_xlsx *x, struct kt_error *err);

/* Frees x without writing anything (when the rows could not all be read);
 * NULL is fine. */
void kt_xlsx_free(struct kt_xlsx *x);

/* ------------------------------------------------------------- workflows */

/* A transition of a workflow (see kontora-flow(5)). */
struct kt_transition {
	char *name;          /* "propose": also a command (kontora lead propose ID) */
	char **from;         /* the states it leaves, "*" expanded */
	size_t nfrom;
	char *to;            /* the state it enters */
	char **requires;     /* fields that must be non-empty after the move */
	size_t nrequires;
	char *reason;        /* the field --reason is stored in, or NULL */
	char **roles;        /* the roles that may take it; none: anyone */
	size_t nroles;
	long line;           /* where it is defined, for messages */
};

/* What an "on STATE ..." line does on entering state. */
enum kt_action_kind {
	KT_ACTION_SET,       /* on STATE set FIELD=VALUE */
	KT_ACTION_TASK,      /* on STATE task DAYS "TEXT" [requires=F,...] */
	KT_ACTION_NOTIFY,    /* on STATE notify supervisor "TEXT" */
};

/* An action on entering a state. */
struct kt_flow_action {
	enum kt_action_kind kind;
	char *state;
	char *field;         /* set: the field */
	char *value;         /* set: as written, "" clears the field; task, notify: the text */
	int days;            /* task: due this many days after the move's day */
	char **requires;     /* task: fields the record needs before the task is done */
	size_t nrequires;
	char **until;        /* task: states the record must be in before the task is done */
	size_t nuntil;
	char *to;            /* notify: who is told ("supervisor") */
	long line;
};

/* "every DAYS STATE... notify owner|supervisor TEXT [since=FIELD]": a
 * timed robot that kontora tick fires (kontora-flow(5)). */
struct kt_flow_timer {
	int days;            /* at most once in this many days (1 to 3650) */
	char **states;       /* while the record is in one of these */
	size_t nstates;
	char *to;            /* "owner" or "supervisor" */
	char *text;
	char *since;         /* the date or time field the first period counts
	                        from: "created" unless since= says */
	char *rule;          /* "workflows/invoice.flow every issued": what the
	                        notices it adds keep in their rule field */
	long line;
};

/* "edit ROLE[,ROLE...] STATE... fields=F,...|*": who may edit what, when. */
struct kt_flow_edit {
	char **roles;
	size_t nroles;
	char **states;       /* "*" expanded */
	size_t nstates;
	char **fields;       /* empty when every field ("fields=*") */
	size_t nfields;
	char *text;          /* the line's words joined by a space, for messages */
	long line;
};

/* A workflow: the states of a record type, read from workflows/TYPE.flow. */
struct kt_flow {
	char *type;          /* "lead" */
	char *field;         /* the field holding the state, "stage" */
	char **states;       /* in order; the first is where records start */
	size_t nstates;
	char **state_labels; /* per state: "label STATE TEXT", or NULL */
	char **archive;      /* states whose records lists hide unless asked */
	size_t narchive;
	struct kt_transition *transitions;
	size_t ntransitions;
	struct kt_flow_action *actions;
	size_t nactions;
	struct kt_flow_edit *edits;   /* none: every role may edit every field */
	size_t nedits;
	struct kt_flow_timer *timers; /* the "every" lines, in file order */
	size_t ntimers;
	char **frozen;       /* "freeze S1 S2": states in which nobody, admin
	                        neither, edits or removes the record */
	size_t nfrozen;
	char *freeze_text;   /* the freeze line as written, for messages */
	long freeze_line;
	char *file;          /* workflows/lead.flow, for messages */
	long states_line;    /* the line of "states" */
};

/* Parses one workflow file's text.  name is the path used in messages
 * (workflows/TYPE.flow); types are the record types the "flow" line may
 * name.  Returns 0 and *out (free with kt_flow_free()), or KT_ESCHEMA
 * with err naming file:line, or KT_ENOMEM. */
int kt_flow_parse(const char *text, size_t len, const char *name,
                  const struct kt_schema *const *types, size_t ntypes,
                  struct kt_flow **out, struct kt_error *err);
void kt_flow_free(struct kt_flow *f);

/* Returns 1 if state is one of f's states, else 0. */
int kt_flow_is_state(const struct kt_flow *f, const char *state);

/* Returns what people see for state of f: its "label" line's text, or
 * state itself (owned by f, or state). */
const char *kt_flow_state_label(const struct kt_flow *f, const char *state);

/* Returns the transition of f called name, or NULL. */
const struct kt_transition *kt_flow_transition(const struct kt_flow *f, const char *name);

/* Returns the workflow of type (owned by b), or NULL when it has none or
 * its file could not be read (see kt_books_flow_status()). */
const struct kt_flow *kt_books_flow(const struct kt_books *b, const char *type);

/* Returns 0 when every workflows/TYPE.flow of HEAD was loaded, else the
 * error of the first that was not, copied into err.  The books open even
 * so, so that kontora check can report it. */
int kt_books_flow_status(const struct kt_books *b, struct kt_error *err);

/* Resolves what a user typed as a state of f: a state, or for a dict
 * field an entry's name.  Returns 0 and *state (owned by f), or
 * KT_EINVAL naming the states. */
int kt_flow_state(struct kt_books *b, const struct kt_flow *f, const char *input,
                  const char **state, struct kt_error *err);

/* Moves the record id (full) of type s along its workflow, as one edit of
 * change c: by the transition called transition or, when that is NULL,
 * by the first transition from the record's state to to_state.  Checks
 * the transition's roles against the acting employee's role (admin may
 * do anything; a caller who is no employee is not checked), its reason
 * (reason goes to the reason field) and the fields it requires (the
 * extra (names, values) count), and that the caller may edit the extra
 * fields in the state left (the flow's edit lines), then sets the state
 * field, the reason, the extra fields and the "on ... set" actions of the
 * new state, and adds the records of its "on ... task" and "on ... notify"
 * actions (see kontora-flow(5)).  Returns 0 or
 * an error naming the record ("lead L3F9K2QX: no transition from new to
 * won (allowed: qualify, propose, won, lost)"). */
int kt_change_move(struct kt_change *c, const struct kt_schema *s, const char *id,
                   const char *transition, const char *to_state, const char *reason,
                   char *const *names, char *const *values, size_t n,
                   struct kt_error *err);

/* ------------------------------------------------------- timed robots */

/* What kontora tick fired: a notice added to change c for a timer of a
 * workflow, on the record id of type type, for to (a login, "" for
 * nobody). */
typedef void (*kt_tick_fn)(void *arg, const struct kt_flow_timer *t, const char *type,
                          const char *id, const char *to);

/* Fires, as part of change c, every timer of the books' workflows that is
 * due at the books' clock on a record the caller may see: a notice
 * (activity of kind notice, its rule field naming the timer) on each
 * record in one of the timer's states whose last notice of that timer,
 * or else whose since field, is at least the timer's days before today
 * (local dates).  Each fires at most once per call, so a second tick at
 * the same time fires nothing.  Calls fn (unless NULL) for each.
 * Returns the number fired (>= 0) or an error. */
int kt_tick(struct kt_change *c, kt_tick_fn fn, void *arg, struct kt_error *err);

/* ----------------------------------------------------------------- leads */

/* The distribution of new leads over one batch: one lead for kontora lead
 * add, every row of an import.  Round robin and least-loaded go on from
 * one lead of the batch to the next as they would one commit at a time.
 * Read under the change's lock (create it after kt_change_begin()). */
struct kt_lead_state;

/* Starts a batch: reads assign.rule from kontora.conf (round-robin, the
 * default; least-loaded; none).  Managers and counts are read from the
 * index at the first lead that needs them.  Returns 0 and *out (free with
 * kt_lead_state_free()), KT_ENOTFOUND when the books have no lead type,
 * or KT_EINVAL for another assign.rule. */
int kt_lead_state_new(struct kt_books *b, struct kt_lead_state **out,
                      struct kt_error *err);
/* Frees a state; NULL is fine. */
void kt_lead_state_free(struct kt_lead_state *st);
/* Makes the index's counts by manager that assign.rule of kontora.conf
 * weighs, when they are missing (a count of every lead: about a second
 * at a million), so that the next lead add need not: for a change of the
 * rule.  Nothing for books without leads or with rule none.  Returns 0
 * or an error. */
int kt_lead_counts_ready(struct kt_books *b, struct kt_error *err);
/* Asks kt_lead_prepare() to look for a possible duplicate of each lead:
 * the newest open lead (not in an archive state) whoever's, added in the
 * 30 days before the books' clock, whose phone or e-mail is the new
 * one's (report's duplicate).  Off by default: an import has its own
 * dedupe. */
void kt_lead_state_duplicates(struct kt_lead_state *st);

/* Tells dedupe a lead that kt_lead_prepare() will be given next, as the
 * same pairs.  Tell the leads of a batch (an import tells a few thousand
 * at a time), then prepare them: at the first, the index is asked once
 * for all their INNs, phones and e-mails, sorted, which some client or
 * contact has, and dedupe looks up per lead only those, as it would
 * without being told (most leads of an import are nobody's, and each cost
 * five lookups).  The answers hold only while the index cannot change:
 * inside the read transaction an import holds from kt_import_begin() to
 * its commit, where alone it is called.  A lead not told is looked up as
 * ever.  The next lead told after the batch's first prepare starts a new
 * batch.  Returns 0 or KT_ENOMEM. */
int kt_lead_expect(struct kt_lead_state *st, char *const *names, char *const *values, size_t n,
                   struct kt_error *err);

/* What kt_lead_prepare() did to one new lead.  The char * members are
 * owned by the report (kt_lead_report_free()), but for the given pairs in
 * names and values, which are the caller's: they must outlive the
 * report's use.  match and rule point to static strings. */
struct kt_lead_report {
	size_t n;              /* the pairs to give kt_change_add(): the given */
	char **names;          /* ones, then client, contact and manager when */
	char **values;         /* set here */
	size_t given;          /* how many of them are the given ones */
	char *client;          /* the client dedupe linked (full id), or NULL */
	char *contact;         /* the contact whose value matched, or NULL */
	char *client_name;     /* the name of the client given or linked, or NULL */
	const char *match;     /* the field that matched: "inn", "phone", "email" */
	char *match_value;     /* its value, normalised */
	char *manager;         /* the manager set here, or NULL (given, or none) */
	const char *rule;      /* why: "client" (the client's manager),
	                        * "round-robin" or "least-loaded" */
	long count;            /* what the rule weighed for the manager: the
	                        * leads without a client it had this month
	                        * (round-robin) or its open leads (least-loaded) */
	char *existing;        /* the lead that already has the external_id
	                        * given: nothing else is done, add nothing */
	char *duplicate;       /* an open lead added in the last 30 days with the
	                        * same phone or e-mail (when asked for), or NULL */
	char *duplicate_created; /* its created */
	char *duplicate_by;    /* who added it: the author of its first commit */
	const char *duplicate_match; /* "phone" or "email" */
};

/* Prepares a new lead given as (name, value) pairs, values as typed (the
 * pairs kt_change_add() takes).  Dedupe: without a client given, the
 * newest client the caller may see whose INN, phone or e-mail (in that
 * order, in any form that normalises to the same value) equals the
 * lead's, else the newest such contact with a client, links the lead to
 * that client (and to the contact when none is given).  A caller who may
 * add only their own leads (a manager) gets the lead, undistributed.
 * Distribution: a lead without a manager gets its client's manager, else
 * an active manager (employee with role manager, active not false) by
 * the rule, ties by login:
 * round-robin the one with the fewest leads without a client created
 * this month (UTC), which in a steady team is a rotation by login, taken
 * from the books alone (no hidden counter, no clock ties); least-loaded
 * the one with the fewest open leads (not in an archive state of
 * workflows/lead.flow); none leaves it empty, as does having no active
 * manager.  The state counts the lead for the next one of the batch.
 * An external_id that a lead of the books already has makes the add a
 * repeat: r->existing names that lead (whoever's it is, as an import
 * does) and nothing else is done.
 * Returns 0 and *r (kt_lead_report_free()), or an error (r is then
 * empty).  Prints nothing: the caller says what happened. */
int kt_lead_prepare(struct kt_lead_state *st, char *const *names,
                    char *const *values, size_t n, struct kt_lead_report *r,
                    struct kt_error *err);
/* Frees what r holds and empties it (r itself is the caller's). */
void kt_lead_report_free(struct kt_lead_report *r);

/* The processed mark: a record of a type with a bool field "processed"
 * (a lead from the web) that is false is marked until someone acts on
 * it.  Every kt_change_edit() of it that does not set processed itself
 * (an edit, a move, an assignment) and every kt_change_add() of a record
 * whose field "on" names it (a note, a task) by someone who may change
 * it also sets processed=true, in the same change.  A record added by the same change is not touched,
 * so an importer may add a lead and its task together; an importer that
 * edits an unprocessed lead (another comment) sets processed=false in
 * that edit to keep the mark. */

/* Gives the record id (full) of type s to the employee login: sets its
 * owner field as one edit of c.  Returns 0, KT_ENOTFOUND for no such
 * employee, KT_EINVAL for an inactive one or a type without an owner, or
 * another error. */
int kt_change_assign(struct kt_change *c, const struct kt_schema *s, const char *id,
                     const char *login, struct kt_error *err);

/* ----------------------------------------------------------------- check */

/* Called for every problem found: file relative to the books, line
 * (0 when the whole file), field (or NULL), message. */
typedef void (*kt_problem_fn)(void *arg, const char *file, long line,
                              const char *field, const char *message);

/* Validates the books' worktree: schemas, dictionaries, workflows (that
 * they parse, that their states are values of the state field and
 * reachable), every CSV shard (well-formed, UTF-8, header, ids, types,
 * required, dictionaries, references, unique fields, states), and that
 * every directory of files/ is named by the id of a record.  Returns
 * the number of problems (>= 0) or an error that stopped the check. */
int kt_check(struct kt_books *b, kt_problem_fn fn, void *arg,
             struct kt_error *err);

/* ------------------------------------------------------------------- log */

/* One field of a record changed by a commit; old or new is "" when the
 * record was added or removed. */
struct kt_field_change {
	const char *field;
	const char *old;
	const char *new;
};

struct kt_log_entry {
	const char *commit;       /* hex id */
	int64_t time;             /* seconds since the epoch */
	int tz_offset;            /* minutes east of UTC, as committed */
	const char *author;
	const char *email;
	const char *subject;
	int added, removed;       /* the record appeared / disappeared */
	size_t nchanges;
	const struct kt_field_change *changes;
};

/* Calls fn for every commit that changed the record with full id, newest
 * first.  Returns 0, fn's non-zero return, or an error. */
int kt_log(struct kt_books *b, const struct kt_schema *s, const char *id,
           int (*fn)(void *arg, const struct kt_log_entry *e), void *arg,
           struct kt_error *err);

/* ------------------------------------------------------------- iCalendar */

/* Appends the start of an iCalendar (RFC 5545) file to out: BEGIN:VCALENDAR,
 * VERSION, PRODID.  Lines end in CRLF.  Returns 0 or KT_ENOMEM. */
int kt_ics_begin(struct kt_buf *out);

/* Appends one all-day VEVENT: UID uid, DTSTAMP stamp (UTC),
 * DTSTART;VALUE=DATE the date (YYYY-MM-DD), SUMMARY summary with \ ; ,
 * and newlines escaped; lines longer than 75 octets are folded (CRLF and
 * a space) without splitting a UTF-8 character.  Returns 0, KT_EINVAL for
 * a date that is not one, or KT_ENOMEM. */
int kt_ics_event(struct kt_buf *out, const char *uid, const char *date,
                 const char *summary, time_t stamp);

/* Appends END:VCALENDAR.  Returns 0 or KT_ENOMEM. */
int kt_ics_end(struct kt_buf *out);

/* ------------------------------------------------------------------ mail
 *
 * A message with files, piped to the system's sendmail (lib/mail/, GMime):
 * what kontora mail and kontora invoice|proposal mail send.
 * kt_mail_config() says what the books configure; kt_mail_build() makes
 * the message; kt_mail_send() hands it over. */

/* The sendmail command when kontora.conf sets no mail.sendmail. */
#define KT_SENDMAIL_DEFAULT "/usr/sbin/sendmail -t -i"

/* A file to attach: read from path, or, when data is not NULL, the len
 * bytes of data (a document made in memory), path then only naming it in
 * messages. */
struct kt_mail_file {
	const char *path;
	const char *name;         /* the name the recipient sees; NULL: the
	                           * last part of path */
	const void *data;
	size_t len;
};

/* A message.  Addresses are "addr@host" or "Name <addr@host>", UTF-8; each
 * string of to and cc may hold several, separated by commas. */
struct kt_mail {
	const char *from;
	char *const *to;          /* at least one address in all */
	size_t nto;
	char *const *cc;
	size_t ncc;
	const char *subject;      /* UTF-8, one line; NULL or "": none */
	const char *body;         /* UTF-8 text; NULL: no text part */
	size_t body_len;
	const struct kt_mail_file *files;
	size_t nfiles;
	time_t date;              /* the Date header, shown in local time */
};

/* Builds m as a MIME message and appends it to out (LF line ends, as
 * sendmail reads it): From, To, Cc, Subject (RFC 2047 when not ASCII),
 * Date, Message-ID (at the domain of from), MIME-Version; a text/plain
 * UTF-8 body (quoted-printable or base64) and each file a base64
 * attachment with its content type (PDF, XLSX, CSV; else
 * application/octet-stream) and its name (RFC 2231 when not ASCII), in a
 * multipart/mixed when there are files.  Reads each file at path whole.
 * Returns 0, or KT_EINVAL naming what is wrong (an address that is none,
 * no recipient, a subject of several lines, a body or subject that is
 * not UTF-8, neither body nor files, a file that is no regular file),
 * KT_EIO naming a file that could not be read, or KT_ENOMEM; out is then
 * as it was. */
int kt_mail_build(const struct kt_mail *m, struct kt_buf *out, struct kt_error *err);

/* Pipes the message msg (len bytes) to the shell command sendmail (NULL:
 * KT_SENDMAIL_DEFAULT), which must take the recipients from the message's
 * headers (sendmail -t, msmtp -t) and exit 0 when it took the message.
 * What the command prints goes to standard error.  Returns 0 when it
 * exited 0, else KT_EIO saying how it ended (not found, an exit status, a
 * signal): the message is then not sent. */
int kt_mail_send(const char *sendmail, const char *msg, size_t len, struct kt_error *err);

/* Reads what the books say about sending mail: *sendmail is mail.sendmail
 * of kontora.conf, else KT_SENDMAIL_DEFAULT; *from is mail.from, else
 * company.email (named company.name), else the e-mail of the caller
 * (named by their name).  Returns 0 and both (caller frees), KT_EINVAL
 * when no From address is found (the message says what to set), or
 * another error. */
int kt_mail_config(struct kt_books *b, char **sendmail, char **from, struct kt_error *err);

/* -------------------------------------------------------------- documents
 *
 * A proposal or an invoice as it is printed: what doc/ reads from the
 * books (the record, its lines, the client, company.* of kontora.conf)
 * and computes with money/, and what the PDF and XLSX writers draw.  The
 * writers take nothing else, so a test can render a document it built by
 * hand.  All amounts are int64 kopecks; quantities are thousandths. */

#define KT_VAT_NONE (-1)      /* "Без НДС" as a vat_rate */

/* A party: the supplier (company.* in kontora.conf) or the buyer (a
 * client).  Any field may be NULL when the books do not have it. */
struct kt_party {
	char *id;                 /* the client's id; NULL for the supplier */
	char *name;               /* the short name */
	char *legal_name;         /* the full legal name; printed when set */
	char *inn, *kpp, *ogrn;
	char *address;
	char *bank, *bik, *corr_account, *account;
	char *phone, *email;
	char *director;           /* supplier: the director's name, signature line */
	char *accountant;         /* supplier: the chief accountant's name */
	char *stamp_png;          /* supplier: optional PNG paths (company.stamp, */
	char *signature_png;      /*   company.signature); NULL when not set      */
};

/* One line of a document, computed. */
struct kt_document_line {
	char *product;            /* the product's id, or NULL */
	char *name;               /* what is printed in "Товары (работы, услуги)" */
	char *unit;               /* the unit's printed name ("шт", "кг") */
	int64_t qty_milli;        /* quantity in thousandths: 1500 is 1,5 */
	int64_t price;            /* per unit, kopecks, as entered */
	int vat_rate;             /* 22, 10, 0 or KT_VAT_NONE */
	int64_t sum;              /* qty × price, kopecks, rounded half up */
	int64_t vat;              /* the VAT in or on top of sum, kopecks */
};

/* The VAT of one rate over the document. */
struct kt_vat_total {
	int rate;                 /* 22, 10, 0 or KT_VAT_NONE */
	int64_t base;             /* the sum of the lines at this rate */
	int64_t vat;
};

struct kt_document {
	char *id;
	char *type;               /* "invoice" or "proposal" */
	char *status;             /* the workflow state: "draft", "issued", ... */
	char *number;             /* formatted ("КХ-2026-0007"); NULL for a draft */
	char *date;               /* YYYY-MM-DD: of issue, or of the draft */
	char *due;                /* invoice: pay until; may be NULL */
	char *valid_until;        /* proposal: may be NULL */
	char *terms;              /* proposal: its terms; may be NULL */
	char *purpose;            /* invoice: the payment purpose for the QR code */
	char *lead;               /* the lead the document was made for; may be NULL */
	struct kt_party supplier;
	struct kt_party buyer;
	struct kt_document_line *lines;
	size_t nlines;
	int vat_included;         /* 1: prices include VAT; 0: VAT is added on top */
	struct kt_vat_total *vats; /* one per rate present, in the order 22, 10, 0, none */
	size_t nvats;
	int64_t subtotal;         /* the sum of the lines' sums ("Итого") */
	int64_t vat_total;        /* the sum of the VAT lines */
	int64_t total;            /* to pay: subtotal, plus vat_total when on top */
	char *total_words;        /* total in Russian words ("Сто рублей 00 копеек") */
};

/* Frees d and everything it holds; d may be NULL. */
void kt_document_free(struct kt_document *d);

/* -------------------------------------------------- documents: writers
 *
 * The wording (titles, column headings, the VAT lines, footers) comes
 * from templates_dir/invoice.tmpl or templates_dir/proposal.tmpl: the
 * books' templates/ (docs/documents.md).  A writer writes through a
 * temporary file renamed into place: on an error nothing is left at path. */

/* Writes d as an A4 PDF at path, in the form 1C prints: the supplier's
 * bank block and the payment QR code (invoices), the title ("Счет на
 * оплату № N от D"; a draft says so), supplier and buyer, the lines
 * (wrapped, over as many pages as it takes, the table's header repeated,
 * "Страница N из M" on each), the totals and a VAT line per rate, the
 * amount in words, the signature lines with the optional stamp and
 * signature images.  DejaVu Sans is embedded.  Returns 0, KT_EINVAL for a
 * document neither an invoice nor a proposal or a stamp that is no PNG,
 * KT_ENOTFOUND for a missing wording file, KT_EIO naming a file that
 * cannot be read or written, or KT_ENOMEM. */
int kt_document_pdf(const struct kt_document *d, const char *templates_dir,
                    const char *path, struct kt_error *err);

/* Writes d as an XLSX workbook at path with the same layout as the PDF:
 * money and quantities as numbers with a number format, A4 portrait,
 * fitted to the page's width.  Returns as kt_document_pdf(). */
int kt_document_xlsx(const struct kt_document *d, const char *templates_dir,
                     const char *path, struct kt_error *err);

/* Puts into *out the wording key of templates_dir's wording file of d
 * (invoice.tmpl, proposal.tmpl) with its placeholders filled, as the
 * writers print it: what kontora invoice mail takes its subject, text
 * and attachment name from (mail.subject, mail.body, mail.file).
 * Returns 0 and *out (caller frees), KT_EINVAL for a key the file has
 * not, or the errors of reading the file as kt_document_pdf(). */
int kt_document_wording(const struct kt_document *d, const char *templates_dir,
                        const char *key, char **out, struct kt_error *err);

/* Appends to out the text of d's payment QR code by ГОСТ Р 56042-2014:
 * "ST00012|Name=...|PersonalAcc=...|BankName=...|BIC=...|CorrespAcc=...|
 * PayeeINN=...|KPP=...|Purpose=...|Sum=<kopecks>", UTF-8, empty optional
 * fields left out, '|' replaced as the separator by the first of "#;^~"
 * when a value holds it.  Returns 0, KT_EINVAL naming the company.* key
 * of a missing required value (Name, PersonalAcc, BankName, BIC,
 * CorrespAcc), or KT_ENOMEM. */
int kt_document_qr_payload(const struct kt_document *d, struct kt_buf *out,
                           struct kt_error *err);

/* ------------------------------------------------- 1C: CommerceML out
 *
 * Invoices for 1C's "обмен с сайтом" (docs/onec-export.md): the writer
 * takes documents as doc/ computed them and the ids 1C knows their parts
 * by, and reads no books. */

/* One invoice as 1C gets it. */
struct kt_cml_order {
	const struct kt_document *doc;
	const char *time;              /* HH:MM:SS, with doc->date when it was issued */
	const char *buyer_id;          /* the client's onec_id, else its kontora id */
	char *const *product_ids;      /* doc->nlines: the product's onec_id, else its
	                                * kontora id; NULL for a line without a product */
};

/* Appends to out a CommerceML 2.08 file (UTF-8, namespace
 * urn:1C.ru:commerceml_2, generated at stamp, YYYY-MM-DDTHH:MM:SS): the
 * nclients clients as Контрагенты under their kontora ids (those 1C does
 * not know yet, so that it creates them), then one Документ per order,
 * ХозОперация "Заказ товара", with its counterparty, goods, sums and VAT.
 * Money is roubles with two decimals from the kopecks.  Returns 0,
 * KT_EINVAL for a text that is not UTF-8, or KT_ENOMEM; out is then as
 * it was. */
int kt_cml_orders(const struct kt_cml_order *orders, size_t n,
                  const struct kt_party *const *clients, size_t nclients, const char *stamp,
                  struct kt_buf *out, struct kt_error *err);

/* -------------------------------------------------------------- contracts */

/* Lays out a contract (договор) from the books' template
 * templates/TEMPLATE.contract (kontora-contract(1)) and writes it as an A4
 * PDF at path, or, when path is NULL, only checks that it can be: the
 * template is there, every placeholder is known, every value the
 * contract sets is one the template declares.  (names, values) are the
 * contract's fields, as a record of type contract holds them or as they
 * are about to be added: number, date, client (a full id), template,
 * amount, until and values ("KEY=VALUE" lines).  Placeholders: the
 * contract's {number} {date} {date.long} {date.quoted} {until}
 * {until.long} {until.quoted} {amount} {amount.words}, {client.FIELD} of the client,
 * {company.KEY} of kontora.conf, the template's .set values, {page} and
 * {pages}; one known but empty prints as a line to fill in by hand.
 * Returns 0, KT_ENOTFOUND naming a missing template or client, KT_EINVAL
 * naming the template's line and an unknown placeholder or directive, or
 * a value the template does not declare, KT_EIO naming a path that cannot
 * be written (nothing is left there), or KT_ENOMEM. */
int kt_contract_pdf(struct kt_books *b, char *const *names, char *const *values, size_t n,
                    const char *path, struct kt_error *err);

/* ----------------------------------------------------------------- money
 *
 * lib/money/: pure arithmetic and checks for documents, no books. */

/* Parses a quantity ("1,5", "2.25", "10") into thousandths.  With
 * positive, zero and negative quantities are refused.  Returns 0 and
 * *milli, or KT_EINVAL with err naming the value. */
int kt_qty_parse(const char *s, int positive, int64_t *milli, struct kt_error *err);

/* Puts into *sum qty × price in kopecks, rounded half up (half away from
 * zero below zero).  Returns 0, or KT_EINVAL beyond 10^13 roubles. */
int kt_line_sum(int64_t qty_milli, int64_t price, int64_t *sum);

/* Returns the VAT at rate (22, 10, 0 or KT_VAT_NONE) of a line's sum,
 * rounded half up: sum × rate / (100 + rate) when included in the price,
 * sum × rate / 100 when added on top. */
int64_t kt_vat_of(int64_t sum, int rate, int included);

/* Parses a VAT rate: "22", "10", "0", "none" (also "22%", "Без НДС").
 * Returns 0 and *rate, or KT_EINVAL. */
int kt_vat_parse(const char *s, int *rate);

/* Returns the stored form of a rate: "22", "10", "0" or "none" (static). */
const char *kt_vat_name(int rate);

/* Computes d from its lines' qty_milli, price and vat_rate and from
 * d->vat_included: each line's sum and VAT, one kt_vat_total per rate
 * present (in the order 22, 10, 0, none), subtotal, vat_total, total and
 * total_words (replacing what d held).  Returns 0, KT_EINVAL naming the
 * line with a bad rate or a sum too large, or KT_ENOMEM. */
int kt_document_compute(struct kt_document *d, struct kt_error *err);

/* Returns kopecks in Russian words with the roubles in words and the
 * kopecks in two digits: "Двадцать шесть тысяч сто девяносто один рубль
 * 68 копеек", "Ноль рублей 00 копеек".  Caller frees; NULL if out of
 * memory. */
char *kt_amount_words(int64_t kopecks);

/* Return 1 when the requisite is well formed (and its check digits or
 * control key agree), else 0: a KPP (9 characters), an OGRN (13 digits)
 * or OGRNIP (15), a BIK (9 digits, 04...), a settlement account (corr 0)
 * or a correspondent account (corr 1) of the bank with that BIK.  The INN
 * is kt_inn_valid(). */
int kt_kpp_valid(const char *s);
int kt_ogrn_valid(const char *s);
int kt_bik_valid(const char *s);
int kt_account_valid(const char *bik, const char *account, int corr);

/* Checks the requisites of p: the INN, KPP, OGRN, BIK and accounts that
 * are filled, and that the fields named in required (comma-separated
 * field names: name, inn, kpp, ogrn, address, bank, bik, corr_account,
 * account, director, accountant; may be NULL) are.  Calls fn with the
 * field, its value and what is wrong for each problem.  Returns the
 * number of problems. */
int kt_party_check(const struct kt_party *p, const char *required,
                   void (*fn)(void *arg, const char *field, const char *value, const char *msg),
                   void *arg);

/* Makes a document number from format ("{n}" when NULL or empty), the
 * number n and the year: {n}, {n:0W} (n zero-padded to W digits), {yyyy},
 * {yy}; other text as it is.  Returns 0 and *out (caller frees), or
 * KT_EINVAL naming an unknown placeholder or a format without {n}. */
int kt_number_format(const char *format, long n, int year, char **out, struct kt_error *err);

/* ------------------------------------------------- proposals and invoices
 *
 * lib/doc/, the records side: drafts, issuing, and a document read out
 * of the books (kontora-invoice(1), kontora-proposal(1)). */

/* What a new draft is made of, as the user typed it (NULL: not given). */
struct kt_doc_spec {
	const char *client;       /* id or prefix; not with from */
	const char *lead;
	const char *due;          /* invoice: pay until, YYYY-MM-DD */
	const char *valid_until;  /* proposal */
	const char *terms;        /* proposal */
	const char *vat;          /* the lines' rate: 22, 10, 0, none; else vat.rate */
	const char *from;         /* invoice: the proposal it is made from */
	char *const *lines;       /* "PRODUCT:QTY[:PRICE]": PRODUCT an id or prefix,
	                             PRICE defaulting to the product's */
	size_t nlines;
};

/* Adds to c a draft of type ("invoice" or "proposal") and its lines
 * (doc_line records), with the sums computed and vat_mode from vat.mode
 * of kontora.conf; from a proposal, its client, lead, VAT mode and lines.
 * Returns 0 and *id (owned by c), or an error naming what is wrong (an
 * unknown client or product, a quantity or price that is none). */
int kt_doc_draft(struct kt_change *c, const char *type, const struct kt_doc_spec *spec,
                 const char **id, struct kt_error *err);

/* Moves the draft typed (an id or prefix) of type by transition ("issue",
 * "send") in c, after checking its requisites (an invoice needs the
 * client's name and INN and the supplier's name, INN, KPP (for a 10-digit
 * INN), address, bank, BIK and accounts from company.* of kontora.conf;
 * whatever is filled must
 * be valid), and gives it the next number of the year (type.number-format
 * of kontora.conf, "{n}" by default; read under c's lock, so that
 * concurrent issues never share a number), today's date and its sums.
 * Returns 0 and *number (caller frees), or an error with every problem. */
int kt_doc_issue(struct kt_change *c, const char *type, const char *typed, const char *transition,
                 char **number, struct kt_error *err);

/* Reads the proposal or invoice with id (or a unique prefix) as it is
 * printed: supplier from company.*, buyer from its client, lines, VAT per
 * rate, totals, the amount in words and, for an invoice, the payment
 * purpose ("Оплата по счету № 7 от 23.11.2026, в т.ч. НДС 18,03 руб.").
 * Returns 0 and *doc (kt_document_free()), or an error. */
int kt_document_load(struct kt_books *b, const char *id, struct kt_document **doc,
                     struct kt_error *err);

/* Appends to out, as kt_cml_orders() writes them, the invoices the caller
 * may see that were issued (issued, partly_paid, paid) on a date from
 * from to to (YYYY-MM-DD, either NULL for no bound), by date and number,
 * and the clients among their buyers that have no onec_id.  *norders and
 * *nclients (either may be NULL) get the counts.  Returns 0, KT_EINVAL
 * for a date that is none, or another error. */
int kt_export_1c(struct kt_books *b, const char *from, const char *to, struct kt_buf *out,
                 size_t *norders, size_t *nclients, struct kt_error *err);

/* Reports, through fn, the requisites of company.* in kontora.conf and of
 * every client that are filled and wrong (INN, KPP, OGRN, BIK, accounts
 * against the BIK), naming the file, the record and the field.  Returns
 * the number of problems or an error. */
int kt_doc_check(struct kt_books *b, kt_problem_fn fn, void *arg, struct kt_error *err);

/* ---------------------------------------------------------------- reports
 *
 * A report is a file of the books' reports/ (reports/NAME.sql, see
 * kontora-report(5)): a read-only SQL statement on the index with the
 * parameters :from, :to, :manager, :today and :days, and a header of
 * "-- key: value" comment lines giving its title, its columns with their
 * types, the columns to total and the chart to draw.  lib/report/
 * read, run and write them. */

/* The type of a report's column: how it is printed and summed. */
enum kt_rtype {
	KT_R_TEXT,
	KT_R_INT,
	KT_R_MONEY,          /* an integer of kopecks in SQL */
	KT_R_DATE,           /* YYYY-MM-DD, or YYYY-MM for a month */
	KT_R_PERCENT,        /* a number of percent (33.3), one decimal shown */
	KT_R_DECIMAL         /* a number (days: 2.5), one decimal shown */
};

/* The chart a report draws. */
enum kt_chart { KT_CHART_NONE, KT_CHART_BAR, KT_CHART_LINE, KT_CHART_FUNNEL };

struct kt_report_col {
	char *name;          /* as the SQL names the column */
	char *label;         /* for people */
	enum kt_rtype type;
	int total;           /* summed in the totals row (int and money) */
	int alert;           /* a value above zero is shown in red (overdue) */
	int64_t sum;         /* the total, after kt_report_run() */
};

struct kt_report {
	char *name;          /* "funnel" */
	char *file;          /* "reports/funnel.sql", for messages */
	char *title;         /* "Воронка продаж" */
	char *sql;
	struct kt_report_col *cols;
	size_t ncols;
	enum kt_chart chart;
	size_t chart_x;      /* the column of the categories */
	size_t chart_y[4];   /* the columns of the values (series) */
	size_t nchart_y;
	char *period;        /* "01.11.2026 – 30.11.2026", set by the caller
	                      * (NULL: no period) */
	char *made;          /* "23.11.2026 10:00", set by the caller */
	size_t limit;        /* the rows passed on by kt_report_run(), set by the
	                      * caller (0: all); the others are only summed */
	char **cells;        /* nkept x ncols, as SQLite gives them ("" for NULL) */
	size_t nkept;        /* the rows kept, when kt_report_run() has no fn */
	size_t nrows;        /* every row the statement gave, passed on or not */
	int totals;          /* some column is totalled */
};

/* Called by kt_report_run() with each row passed on, values as SQLite
 * gives them ("" for NULL), after it was added to r's totals.  Returns 0,
 * or an error code (set in err) that ends the run with it. */
typedef int (*kt_report_row_fn)(void *arg, const struct kt_report *r, char *const *values,
                                struct kt_error *err);

/* Reads reports/NAME.sql from the books' work tree and parses its header.
 * Returns 0 and *out (kt_report_free()), KT_ENOTFOUND for no such report,
 * KT_EINVAL naming the file and line of a header line that is wrong, or
 * an error reading it. */
int kt_report_load(struct kt_books *b, const char *name, struct kt_report **out,
                   struct kt_error *err);

/* Runs r's SQL on what the caller may see (kt_sql_seen()) with params and
 * three more: :plans, the plans of kontora.conf (plan.YYYY-MM.LOGIN) as a
 * JSON object {"2026-11.anna": kopecks, ...}; :user and :role, the
 * caller's login and role.  Sums the totalled columns and counts the
 * rows (r->nrows) over every row; passes the first r->limit rows (all
 * when 0) to fn, or, when fn is NULL, keeps them in r->cells: memory
 * grows with the rows kept, never with the rows only summed.  Returns 0,
 * KT_EINVAL when the statement's columns are not the header's (naming the
 * file), KT_EINVAL for a value of an int or money column that is not an
 * integer (naming the row and column), or the errors of kt_sql_seen(). */
int kt_report_run(struct kt_books *b, struct kt_report *r, const struct kt_param *params,
                  size_t nparams, kt_report_row_fn fn, void *arg, struct kt_error *err);

/* Writes cell value of column c as people read it into out: money
 * "1 234,50 ₽" (screen) or "1234.50" (!screen), percent "33,3 %" or
 * "33.3", a date DD.MM.YYYY and a month MM.YYYY (screen) or as they
 * are; text, and a date column's cell that is no date (the totals'
 * "Итого"), as it is.
 * Returns out's text (owned by out, reset first) or NULL when out of
 * memory. */
const char *kt_report_cell(const struct kt_report_col *c, const char *value, int screen,
                           struct kt_buf *out);

/* Calls fn with the name and title of every report of the books'
 * reports/, in byte order of the names.  Returns 0, fn's non-zero
 * return, or an error (a report whose header is wrong names it). */
int kt_report_names(struct kt_books *b,
                    int (*fn)(void *arg, const char *name, const char *title), void *arg,
                    struct kt_error *err);

/* The rows a PDF report prints unless --limit says otherwise: 40 pages of
 * the table.  libharu keeps every page until it writes the file, so the
 * PDF's memory goes with its rows; the other formats print them all. */
#define KT_REPORT_PDF_ROWS 2000

/* The most rows an XLSX report holds: a sheet's 1,048,576 less the title,
 * the period, a blank, the header, the totals and the line saying what
 * was left out. */
#define KT_REPORT_XLSX_ROWS 1048570

/* Writes a run report as an A4 PDF at path: DejaVu Sans embedded, the
 * title with the period and the date made, the chart of its first rows
 * drawn in vectors with its labels and legend, then the table of the rows
 * kept (r->nkept: kt_report_run() without fn), breaking across pages with
 * its header repeated, the totals row of every row, a line saying how
 * many rows were left out when r->nrows > r->nkept, "Страница N из M" on
 * each page.  Returns 0 or an error naming the path. */
int kt_report_pdf(const struct kt_report *r, const char *path, struct kt_error *err);

/* An XLSX report being written, row by row (kt_report_xlsx_open()). */
struct kt_report_xlsx;

/* Starts writing report r as an XLSX workbook at path (written to a
 * temporary file beside it, renamed by kt_report_xlsx_close()): one sheet
 * of the table (the title and period above it, a bold frozen header with
 * an autofilter, numbers as numbers, money, percent and dates with
 * formats, column widths, a totals row of SUM formulas) and Excel's own
 * chart of the report's kind beside it; printed on A4 landscape, fitted
 * to the page's width.  Text is always written as text, never as a
 * formula.  The rows go to the file as they come (constant memory).
 * Returns 0 and *out, or an error naming the path. */
int kt_report_xlsx_open(const struct kt_report *r, const char *path,
                        struct kt_report_xlsx **out, struct kt_error *err);

/* A kt_report_row_fn writing a row into the workbook x.  Returns 0. */
int kt_report_xlsx_row(void *x, const struct kt_report *r, char *const *values,
                       struct kt_error *err);

/* Ends the workbook x of r and frees x: when ok, writes the totals, the
 * widths, the chart and the file at its path; else removes what was
 * written.  Returns 0 or an error naming the path. */
int kt_report_xlsx_close(struct kt_report_xlsx *x, const struct kt_report *r, int ok,
                         struct kt_error *err);

/* Frees r; NULL is fine. */
void kt_report_free(struct kt_report *r);

/* Appends a CSV field as kt_csv_add_field() does, but a value that a
 * spreadsheet would take for a formula (starting with = + - @, a tab or
 * CR) is written with a ' before it, as OWASP advises; a number (money,
 * a negative amount) is not touched.  Returns 0 or KT_ENOMEM. */
int kt_csv_add_safe(struct kt_buf *b, const char *field, int number);

#endif
