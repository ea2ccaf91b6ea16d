/*
 * cmd.h - what the commands share: the context main() hands them, and the
 * shared files' functions (cmd/common.c, cmd/output.c, cmd/util-*.c),
 * which call no command.  Commands use libkontora only through kontora.h.
 */
#ifndef KT_CMD_H
#define KT_CMD_H

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>

#include "kontora.h"

/* What main() hands every command. */
struct kt_ctx {
	const char *books_dir;      /* -C DIR or KONTORA_BOOKS, else NULL */
	const char *datadir;        /* default schemas, dicts, man pages */
	struct kt_options opt;
	struct kt_books *books;     /* opened by main() for NEED_BOOKS commands */
	const char *const *commands; /* the names of the commands, NULL-terminated */
};

/* ---------------------------------------------------- cmd/common.c */

/* Prints "kontora: error: ..." and exits 1. */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Prints the error of a library call and exits 1. */
void die_err(const struct kt_error *err) __attribute__((noreturn));
/* Prints "kontora: warning: ...". */
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Says on stderr, when it is a terminal, that what (such as "report
 * dashboard") went by mail to the nto addresses of to. */
void say_sent(const char *what, char *const *to, size_t nto);
/* Ends kontora on word, which names neither a command nor a type of the
 * books b (NULL outside books): says so and, as git does, names the
 * command or type one or two slips away, not a usage line with the
 * mistyped word in it.  Exits 2. */
void unknown_word(const struct kt_ctx *ctx, const struct kt_books *b, const char *word)
	__attribute__((noreturn));
/* Appends to out the record id as people see it, its type's label, title
 * and id ("Клиент Ромашка (C7Q4M2ZX)"), as search, agenda and a card
 * show what a task or note is on.  Returns 1, or 0 (out unchanged) when
 * no type has the id's letter. */
int record_named(struct kt_books *b, const char *id, struct kt_buf *out);
/* Prints usage: to stdout and exits 0 when asked (-h), else to stderr and
 * exits 2. */
void usage(const char *text, int asked) __attribute__((noreturn));

/* Keeps the words of the command line after kontora's own options, for
 * usage_error().  main() calls it. */
void usage_words(int argc, char **argv);

/* Prints "kontora: error: ..." and the usage on stderr, and exits 2: a
 * usage error.  The usage is the one line of usage_text whose words fit
 * the words typed ("usage: kontora lead show ID [-f text|json]
 * [--record]", TYPE made the type typed), or the whole text when none
 * fits past the command's name.  fmt NULL: the caller said what was wrong. */
void usage_error(const char *usage_text, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

/* The closest so far of the candidates offered for a word kontora does
 * not know: git's "did you mean". */
struct guess {
	const char *word;   /* what was typed */
	const char *best;   /* the closest candidate, NULL while none is near */
	int slips;          /* how far best is: 1 or 2 slips */
};

/* Starts g for word: no candidate near yet. */
void guess_start(struct guess *g, const char *word);
/* Takes candidate as g's best when it is one or two slips (a byte extra,
 * missed, wrong, or two swapped) from the word and nearer than the best
 * so far.  candidate must outlive g. */
void guess_try(struct guess *g, const char *candidate);
/* Ends kontora on word, no subcommand of the command what ("dict", "lead"):
 * says so, names the one of candidates (NULL-terminated) one or two slips
 * away if there is one, prints the usage and exits 2. */
void no_such_subcommand(const char *usage_text, const char *what, const char *word,
                        const char *const *candidates) __attribute__((noreturn));

/* Says which option was wrong (unknown, or its value missing or bad),
 * prints the usage on stderr and exits 2.  Call it where getopt returns an
 * option the command does not take. */
void option_error(char **argv, const char *usage_text) __attribute__((noreturn));

/* Returns the number of rows --limit's value says, 0 meaning no limit,
 * the same for every command that takes it (kontora search, TYPE list,
 * report).  A value that is not digits alone, or too large, is a usage
 * error naming it (usage_text printed, exit 2). */
long limit_option(const char *value, const char *usage_text);

/* Reads the options of a command that takes no option but --dry-run and
 * -h: -h prints usage_text and exits 0, any other option exits 2 through
 * option_error().  Returns 1 if --dry-run was given, else 0; optind is
 * left at the first operand. */
int dry_run_option(int argc, char **argv, const char *usage_text);

/* Shows on stderr how far long work is, when stderr is a terminal (never
 * in a pipe or from cron): "kontora: WHAT DONE[/TOTAL], RATE/s" on one
 * line, redrawn at most ten times a second, ended when done reaches total
 * (a total of 0: not known; progress_done() ends it). */
void progress(const char *what, size_t done, size_t total);
/* Ends the line of progress(), if one is open. */
void progress_done(void);

/* Opens the books for a command that needs them (dies if none). */
struct kt_books *need_books(struct kt_ctx *ctx);

/* Returns "PREFIX-NAME.EXT" (ext with its dot), the characters of name
 * other than letters, digits, - and _ made "-", so that a document's
 * number names a file of the current directory (contract-7.pdf,
 * invoice-КХ-2026-0007.pdf).  Caller frees; dies when out of memory. */
char *file_name(const char *prefix, const char *name, const char *ext);

/* Adds to ch an activity of kind ("note", "email", ...) with text on the
 * record on, at the books' clock and by the caller when the books'
 * activity schema has those fields.  Returns its id (owned by ch); frees
 * ch and dies when the books have no activity type or it cannot be
 * added. */
const char *activity_add(struct kt_change *ch, struct kt_books *b, const char *on,
                         const char *kind, const char *text);

/* Writes the local date of the books' clock, YYYY-MM-DD, into day. */
void today_date(struct kt_books *b, char day[11]);

/* (name, value) pairs gathered from a command's options. */
struct pairs {
	size_t n;
	char **names;
	char **values;
	const char *new_client;   /* TYPE add --new-client NAME, or NULL */
};

/* Appends (name, value), dashes in name made underscores. */
void pairs_add(struct pairs *p, const char *name, size_t nlen, const char *value);
/* Returns the last value of name in p, or "" (owned by p). */
const char *pairs_get(const struct pairs *p, const char *name);
/* Frees what p holds (not p). */
void pairs_free(struct pairs *p);
/* The options --set FIELD=VALUE and --FIELD VALUE, for every field of a
 * record type, after a command's own in a getopt_long table: getopt_long
 * returns OPT_SET for --set and OPT_FIELD + i for field i (its name, or
 * with dashes for underscores: --due-date). */
enum { OPT_SET = 2000, OPT_FIELD };
struct field_options {
	struct option *table;   /* for getopt_long */
	char **dashed;          /* the names with dashes, owned */
	size_t nfields;
};
/* Makes fo's table: the n options of own, then --set and the fields of s
 * (NULL: none).  Dies when out of memory. */
void field_options(struct field_options *fo, const struct option *own, size_t n,
                   const struct kt_schema *s);
/* Adds what option c of such a table gave to p: returns 1 when c is --set
 * FIELD=VALUE or --FIELD VALUE, 0 when it is neither, -1 when --set's
 * value is not FIELD=VALUE (said on stderr: the caller prints its
 * usage). */
int field_option(int c, const struct kt_schema *s, struct pairs *p);
/* Frees what field_options() made (not fo). */
void field_options_free(struct field_options *fo);
/* Appends text to b as one line of at most max characters, "…" when cut. */
void add_cut(struct kt_buf *b, const char *text, size_t max);
/* Ends change ch (freed), as every command that writes ends it: on a dry
 * run prints subject (unless NULL) and the change, else commits it with
 * subject (NULL: the library's), dying on failure and warning when it
 * changed nothing (unless id is NULL).  Returns 1 when a commit was
 * made. */
int change_finish(struct kt_change *ch, int dry_run, const char *subject, const char *id);

/* ---------------------------------------------------- cmd/output.c */

enum out_format { OUT_TABLE, OUT_TSV, OUT_CSV, OUT_JSON, OUT_XLSX };

/* Parses -f's argument; dies with a usage error for an unknown one. */
enum out_format out_format(const char *name, const char *usage_text);

/* A printer of rows: a kt_row_fn and its state. */
struct printer;
struct printer *printer_new(enum out_format fmt, FILE *out);
/* A printer for a command with -o: writes to the file path (created at the
 * first row, replacing any) or, when path is NULL, to standard output.  An
 * XLSX workbook, whose sheet is called sheet, needs a path: without one,
 * dies with a usage error.  printer_new() refuses XLSX (exit 2). */
struct printer *printer_open(enum out_format fmt, const char *path, const char *sheet,
                             const char *usage_text);
int printer_row(void *printer, size_t ncols, const struct kt_column *cols,
                char *const *values);
/* Prints what was collected (tables), closes JSON, writes the workbook,
 * closes the file of -o (dying if it could not be written), frees the
 * printer. */
void printer_end(struct printer *p);
/* For a query that failed: removes what was written of the file of -o and
 * writes no workbook; on standard output the same as printer_end(). */
void printer_abort(struct printer *p);

/* Marks overdue rows of a table on a terminal: the cell of
 * the date column is red when it is before today (YYYY-MM-DD) and the
 * row's done column (NULL or absent: none) is not true.  Other formats and
 * piped output are left as they are.  Call before the first row. */
void printer_mark_overdue(struct printer *p, const char *column, const char *done,
                          const char *today);

/* Makes a printer of records of type s write values as people read them
 * (kt_value_label()) where it writes for people: on a terminal
 * references as "Title (ID)", dictionary ids and workflow states by their
 * names; in XLSX the same, a reference's title in its column and its id
 * in a column of its own after it.  TSV, CSV and JSON keep stored forms
 * and ids.  Call before the first row; call it again between rows whose
 * records are of another type (the lab's lists mix two) with columns of
 * the same names. */
void printer_names(struct printer *p, struct kt_books *b, const struct kt_schema *s);

/* Marks unprocessed rows of a table or TSV: "★ " before
 * the value of column when the row's flag column is false; the flag
 * column is not printed when hide.  CSV, JSON and XLSX are left as they
 * are.  Call before the first row. */
void printer_mark_unprocessed(struct printer *p, const char *flag, const char *column, int hide);

/* Returns value v of a field of type t as JSON (a new reference): money
 * and integers as numbers, bools as true or false, empty ones of these
 * types null, the rest (and values their type does not read) strings.
 * Dies when v is not UTF-8. */
json_t *json_field(enum kt_ftype t, const char *v);
/* Returns v, or dies when it is NULL: what jansson returns when out of
 * memory. */
json_t *json_or_die(json_t *v);
/* Sets member name of object to v, a reference it takes; dies when it
 * cannot (name not UTF-8, out of memory). */
void json_set(json_t *object, const char *name, json_t *v);
/* Returns a row as a JSON object of its columns (a new reference). */
json_t *json_row(size_t ncols, const struct kt_column *cols, char *const *values);
/* Writes v to out as kontora writes JSON: {"name": "value", "sum":
 * 1500.00, "n": 1}, the members of the outermost object sep apart (", "
 * on one line, ",\n " one a line).  Write errors are left in out's
 * error flag. */
void json_print(FILE *out, json_t *v, const char *sep);

/* Returns the value as shown on a screen (money as 1 234,50 ₽, bool as
 * да/нет) in buf (64 bytes) or value itself. */
const char *screen_value(enum kt_ftype t, const char *value, char buf[64]);

/* The rows of a query, copied: every column of each. */
struct rows {
	size_t ncols;
	struct kt_column *cols;   /* names owned */
	size_t n;
	char **cells;             /* n * ncols, owned */
};
/* A kt_row_fn collecting rows into a struct rows (arg).  Rows of several
 * queries of one type may go into one struct rows.  Dies when out of
 * memory. */
int rows_add(void *arg, size_t ncols, const struct kt_column *cols, char *const *values);
/* Frees what r holds and empties it. */
void rows_free(struct rows *r);
/* Returns the value of column name in row i of r (owned by r), "" when r
 * has no such column. */
const char *cell(const struct rows *r, size_t i, const char *name);
/* Adds to out the records of type (every column) matching where, sorted
 * by sort, at most limit (0: all), archived ones too when all.  A type
 * the books do not have adds nothing.  Dies on an error. */
void rows_query(struct kt_books *b, const char *type, const char *where, const char *sort,
                long limit, int all, struct rows *out);

/* ----------------------------------------------- cmd/util-record.c */

/* The usage of kontora TYPE. */
extern const char record_usage[];

/* Returns the schema of the record type called type, for kontora TYPE
 * and kontora list TYPE (argv their command line).  Dies with a usage
 * error (usage_text) when no books or these books have no such type;
 * prints usage_text and exits 0 when asked for help instead. */
const struct kt_schema *record_type(struct kt_ctx *ctx, const char *type, int argc, char **argv,
                                    const char *usage_text);

/* kontora TYPE SUBCOMMAND ...: argv[0] is the type's word, argv[1] the
 * subcommand; s is the type.  Returns the subcommand's exit status, or
 * dies (a usage error for an unknown subcommand). */
int record_command(int argc, char **argv, struct kt_books *b, const struct kt_schema *s);

/* kontora TYPE list ARGS and kontora list TYPE ARGS: argv[0] is "list" or
 * the type, the options follow; saved filters run through it
 * too.  Prints the list and returns 0, or dies (usage_text on a usage
 * error). */
int record_list(int argc, char **argv, struct kt_books *b, const struct kt_schema *s,
                const char *usage_text);

/* ------------------------------------------------- cmd/util-lead.c */

/* kontora lead processed ID and kontora TYPE assign ID LOGIN:
 * returns the command's exit status, or -1 when argv[0] is neither (or
 * the type has no processed field, or no owner). */
int lead_subcommand(int argc, char **argv, struct kt_books *b, const struct kt_schema *s);
/* Dedupe and distribution of a new record of s given by the pairs:
 * returns the report of kt_lead_prepare(), whose pairs are
 * the ones to add, or NULL for a type other than lead; dies on an error.
 * lead_added() frees it. */
struct kt_lead_report *lead_prepare(struct kt_books *b, const struct kt_schema *s,
                                    char *const *names, char *const *values, size_t n);
/* Says on stderr what lead_prepare() did to the new lead id (a possible
 * duplicate, linked to a client, assigned to a manager), unless id is
 * NULL (the add failed), and frees r; NULL is fine. */
void lead_added(struct kt_lead_report *r, const char *id);
/* Lists of a type with a bool field processed show ★ before the title of
 * unprocessed records in tables and TSV: asks q for the field and p for
 * the mark.  Call after q->all_columns is set. */
void mark_unprocessed(struct printer *p, const struct kt_schema *s, struct kt_query *q);
/* ------------------------------------------------- cmd/util-flow.c */

/* kontora TYPE move ID STATE and kontora TYPE TRANSITION ID:
 * returns the command's exit status, or -1 when argv[0] is neither move
 * nor a transition of the type's workflow. */
int flow_subcommand(int argc, char **argv, struct kt_books *b, const struct kt_schema *s);
/* Says that word is no subcommand of type s and exits 2, naming the
 * closest of words (the type's subcommands, NULL-terminated) or of its
 * transitions: for a type with a workflow, lists its transitions with
 * the state each leads to, and when word is a state names the transition
 * into it ("done is a state: the transition into it is finish"); then the
 * one-line usage. */
void flow_unknown(struct kt_books *b, const struct kt_schema *s, const char *word,
                  const char *const *words) __attribute__((noreturn));
/* ------------------------------------------------- cmd/util-task.c */

/* kontora task done ID [--result TEXT]. */
int task_done(int argc, char **argv, struct kt_books *b, const struct kt_schema *s);

/* --------------------------------------------- cmd/util-employee.c */

/* kontora employee deactivate LOGIN --to OTHER. */
int employee_deactivate(int argc, char **argv, struct kt_books *b, const struct kt_schema *s);

/* ------------------------------------------------- cmd/util-card.c */

/* Prints the card of the record r: the client card, as text
 * or (json 1) one JSON object.  Returns 0, or -1 when r's type has no
 * card (the caller prints the plain record). */
int card_show(struct kt_books *b, const struct kt_record *r, int json);

/* After the text of a lead or a contact (kontora TYPE show), prints its
 * open tasks, its activities, newest first, and its files;
 * nothing for other types. */
void card_related(struct kt_books *b, const struct kt_schema *s, const char *id);

/* ---------------------- the commands (cmd/NAME.c, kontora-NAME(1)) */

/* ------------------------------------------------- cmd/util-doc.c */

/* What kontora invoice and kontora proposal differ in. */
struct doc_kind {
	const char *type;          /* "invoice" */
	const char *title;         /* "Счет на оплату" */
	const char *issue;         /* the transition that numbers: "issue", "send" */
	const char *issued;        /* for the commit subject: "issued" */
	const char *new_command;   /* "invoice new" */
	int proposal;              /* takes --valid-until and --terms, not --from-proposal */
	const char *const *record; /* subcommands that are the type's record ones */
	const char *usage;
};

/* Runs kontora TYPE SUBCOMMAND for k: argv[0] is the type.  Returns the
 * exit status or dies. */
int doc_command(int argc, char **argv, struct kt_ctx *ctx, const struct doc_kind *k);

int cmd_agenda(int argc, char **argv, struct kt_ctx *ctx);
int cmd_attach(int argc, char **argv, struct kt_ctx *ctx);
int cmd_check(int argc, char **argv, struct kt_ctx *ctx);
int cmd_dict(int argc, char **argv, struct kt_ctx *ctx);
int cmd_filter(int argc, char **argv, struct kt_ctx *ctx);
int cmd_lookup(int argc, char **argv, struct kt_ctx *ctx);
int cmd_note(int argc, char **argv, struct kt_ctx *ctx);
int cmd_complete(int argc, char **argv, struct kt_ctx *ctx);
int cmd_tick(int argc, char **argv, struct kt_ctx *ctx);
int cmd_payment(int argc, char **argv, struct kt_ctx *ctx);
int cmd_export(int argc, char **argv, struct kt_ctx *ctx);
int cmd_proposal(int argc, char **argv, struct kt_ctx *ctx);
int cmd_config(int argc, char **argv, struct kt_ctx *ctx);
int cmd_contract(int argc, char **argv, struct kt_ctx *ctx);
int cmd_help(int argc, char **argv, struct kt_ctx *ctx);
int cmd_import(int argc, char **argv, struct kt_ctx *ctx);
int cmd_invoice(int argc, char **argv, struct kt_ctx *ctx);
int cmd_init(int argc, char **argv, struct kt_ctx *ctx);
int cmd_lab(int argc, char **argv, struct kt_ctx *ctx);
int cmd_list(int argc, char **argv, struct kt_ctx *ctx);
int cmd_log(int argc, char **argv, struct kt_ctx *ctx);
int cmd_mail(int argc, char **argv, struct kt_ctx *ctx);
int cmd_record(int argc, char **argv, struct kt_ctx *ctx);
int cmd_reindex(int argc, char **argv, struct kt_ctx *ctx);
int cmd_search(int argc, char **argv, struct kt_ctx *ctx);
int cmd_report(int argc, char **argv, struct kt_ctx *ctx);
int cmd_sql(int argc, char **argv, struct kt_ctx *ctx);
int cmd_webhook(int argc, char **argv, struct kt_ctx *ctx);

#endif
