/*
 * books.h - the books open, as the wings above see them: struct kt_books,
 * which holds the store (git) and the index (SQLite) and lives above
 * both; who acts and what they may do; a change validated as it is made;
 * the workflow engine; dictionaries and labels of HEAD.  Uses util/,
 * model/, store/ and index/.
 */
#ifndef KT_BOOKS_H
#define KT_BOOKS_H

#include "index/index.h"

struct kt_books {
	struct store *store;        /* the repository: store/ */
	struct types types;
	struct dict *dicts;         /* loaded from HEAD when first needed */
	size_t ndicts;
	int dicts_loaded;
	char schemas_tree[41];      /* HEAD's schemas/ tree: the index rebuilds when it moves */
	char *who_name, *who_email, *who_login, *who_role;
	struct kt_identity who;
	time_t now;
	struct index *index;        /* the index: index/ */
	struct kt_flow **flows;     /* workflows/TYPE.flow of HEAD */
	size_t nflows;
	struct kt_error flow_err;   /* why a flow could not be loaded, or code 0 */
	char **labels;              /* books/labels.c: "DICT.ID", label, "DICT.ID", label, ... */
	void (*progress)(void *arg, const char *what, size_t done, size_t total);
	void *progress_arg;         /* kt_books_progress() */
	size_t nlabels;             /* pairs in labels */
	/* books/record.c: the shard read last (rows_path at the commit
	 * rows_head) and its rows, so that reading many records of one shard
	 * neither inflates nor scans it for each: its bytes when small
	 * (rows_in read whole), else a copy in a temporary file (rows_copy),
	 * as an import re-pricing a 136 MB shard of products cannot hold it. */
	struct shard_reader rows_in;
	FILE *rows_copy;
	struct shard_rows rows;
	char *rows_path;
	char rows_head[41];
};

/* Drops the shard kt_record_read() keeps (books/record.c), as a commit
 * does: it would hold a whole shard's blob through the commit and the
 * index refresh, which read it again. */
void books_rows_drop(struct kt_books *b);

/* Returns the dictionary called name (owned by b), loading dictionaries
 * from HEAD on first use, or NULL if there is none.  *err is set only on a
 * load failure, in which case NULL is returned and err->code is set. */
const struct dict *books_dict(struct kt_books *b, const char *name,
                              struct kt_error *err);

/* Forgets the dictionaries loaded from HEAD, so that the next
 * books_dict() loads them again (after a change to dicts/).  Pointers
 * books_dict() returned before are then invalid. */
void books_dicts_reset(struct kt_books *b);

/* ------------------------------------------------------------- values */

/* Normalises value (as a user typed it) for field f and checks it against
 * the books: dictionary entries by id or name, references by id prefix or
 * key.  Returns 0 and *out (caller frees; "" for empty) or an error naming
 * the field. */
int value_resolve(struct kt_books *b, const struct kt_field *f,
                  const char *value, char **out, struct kt_error *err);

/* Finds who acts: KONTORA_USER's login, else git's user.email among the
 * employees, else git's identity.  Returns 0 or an error. */
int books_identity(struct kt_books *b, struct kt_error *err);

/* ------------------------------------------------------------- access */

/* Loads the role of b->who.login into b->who.role; refuses an inactive
 * employee or one without a role.  Returns 0 or KT_EACCESS. */
int access_caller(struct kt_books *b, struct kt_error *err);

/* Resolves the caller and returns in *where an SQL condition on the
 * columns of s's index table that holds for the records the caller may
 * see (ACCESS_READ) or change (ACCESS_WRITE): NULL when every record
 * (nothing to add), "0" when none.  Caller frees.  Returns 0 or an error. */
int access_where(struct kt_books *b, const struct kt_schema *s, enum access_op op,
                 char **where, struct kt_error *err);

/* Returns 0 if the caller may see (READ) or change (WRITE) the record id
 * of s, or when there is no such record in the index (the caller reports
 * that); else KT_EACCESS naming the rule ("lead L3F9K2QX: managers change
 * only their own records (schemas/lead.schema:8 access manager own); petr
 * is a manager, the lead is anna's"), or another error. */
int access_record(struct kt_books *b, const struct kt_schema *s, const char *id,
                  enum access_op op, struct kt_error *err);

/* Returns 0 if the caller may write the record id of s as it will be:
 * old's values (old NULL for a new record) with (names, values) over
 * them, in stored form; and every record the write names anew through
 * the role's "via" fields is one the caller may see.  Else KT_EACCESS naming the
 * rule, or another error. */
int access_values(struct kt_books *b, const struct kt_schema *s, const char *id,
                  const struct kt_record *old, char *const *names, char *const *values,
                  size_t n, struct kt_error *err);

/* Returns 0 if the caller may change settings (an admin), else
 * KT_EACCESS naming what (e.g. "config"), or another error. */
int access_settings(struct kt_books *b, const char *what, struct kt_error *err);

/* Returns 0 if the caller sees every record of every type, as what (a
 * command reading the whole index, "sql") needs; else KT_EACCESS naming
 * the first type and rule that hides some, or another error. */
int access_whole(struct kt_books *b, const char *what, struct kt_error *err);

/* ----------------------------------------------------------- workflows */

/* kt_change_edit(), which calls it with rules 1; moves call it with
 * rules 0, to skip flow_edit_check(), as kt_change_move() checks the
 * fields of a move itself (books/change.c).  Returns 0 or an error naming the
 * field. */
int change_set(struct kt_change *c, const struct kt_schema *s,
               const char *id, char *const *names,
               char *const *values, size_t n, int rules, struct kt_error *err);
/* Marks what c adds from now (on 1) or no longer (on 0) as what a move's
 * actions add: the tasks and notices of "on STATE task|notify", which are
 * the move's own, as its "on STATE set" fields are, and so not checked
 * against the caller's access rules (books/change.c). */
void change_actions(struct kt_change *c, int on);
/* Writes into out (11 bytes) the local date days after the local day of
 * now, counted in days of the calendar, so that summer time moves no date
 * (books/move.c). */
void date_after(time_t now, int days, char out[11]);
/* Adds to c an activity of kind notice on the record on (a full id) with
 * text, at the books' clock, by the caller, for to (a login; NULL or ""
 * for nobody), its rule field rule when not NULL and the schema has one
 * (books/move.c).  Returns 0 or an error. */
int add_notice(struct kt_change *c, const char *on, const char *text, const char *to,
               const char *rule, struct kt_error *err);
/* Reads field of the employee with login (key of the employee type) into
 * *value (caller frees; "" when there is no such employee or field)
 * (books/edits.c).  Returns 0 or an error. */
int employee_get(struct kt_books *b, const char *login, const char *field,
                 char **value, struct kt_error *err);
/* Finds who acts and their role, for the role checks of moves and edits:
 * *login (owned by b; NULL when the caller is no employee) and *role
 * (caller frees; "" when the caller is no employee or has no role).  The
 * checks pass for an empty role and for admin.  Returns 0 or an error. */
int caller_role(struct kt_books *b, const char **login, char **role,
                struct kt_error *err);
/* Returns 1 if a role check lets role through: none, or admin. */
int role_unchecked(const char *role);
/* Checks that the caller may set the fields names of r, in the state r
 * is in, by the edit lines of f; what begins the message.  Returns 0 or
 * KT_EINVAL naming the fields refused and the rule: the caller's role's
 * first line for that state, else its first line. */
int may_edit(struct kt_books *b, const struct kt_flow *f, const struct kt_record *r,
             char *const *names, size_t n, const char *what, struct kt_error *err);
/* Checks an edit of the record r of type s (books/edits.c): that the caller
 * may set the fields names in the record's state, by the edit lines of
 * its workflow (none, no workflow, a caller who is no employee or has no
 * role, and admin are never refused), and, for a task, that done is not
 * set true while the record it is on lacks a field the workflow action
 * named by its rule requires.  Returns 0 or an error; a refusal is
 * KT_EINVAL with a message that begins with r's id and names the
 * rule. */
int flow_edit_check(struct kt_books *b, const struct kt_schema *s, const struct kt_record *r,
                    char *const *names, char *const *values, size_t n,
                    struct kt_error *err);
/* Checks that r, of type s, may change at all: that its workflow does
 * not freeze it in its state ("freeze" in kontora-flow(5)), and, when s
 * has "part-of FIELD", that the record FIELD names is not frozen either
 * (books/edits.c).  Binds everyone, admin too.  Returns 0 or KT_EINVAL
 * beginning with r's id and naming the state and the freeze line. */
int frozen_check(struct kt_books *b, const struct kt_schema *s, const struct kt_record *r,
                 struct kt_error *err);
/* Checks that whole (a full id), which the record part of type s (a full
 * id, or NULL for one being added) is part of, is not frozen.  Returns 0
 * or KT_EINVAL beginning with part ("new" for NULL), naming whole and
 * the freeze line. */
int part_frozen_check(struct kt_books *b, const struct kt_schema *s, const char *part,
                      const char *whole, struct kt_error *err);
/* Returns the books change c is made to (books/change.c). */
struct kt_books *change_books(const struct kt_change *c);

/* Returns 1 if the record id of type s is one that change c adds, else 0
 * (also when memory runs out).  The key it looks up by is made in c. */
int change_adds(struct kt_change *c, const struct kt_schema *s, const char *id);

/* ------------------------------------------------------------- labels */

/* Checks a key of kontora.conf in the label section (label.TYPE,
 * label.TYPE.FIELD, label.DICT.ID) against the books, and its value (one
 * line, not empty).  Returns 0 (also for keys of other sections) or
 * KT_EINVAL naming the key. */
int label_check(struct kt_books *b, const char *key, const char *value,
                struct kt_error *err);

/* Frees the dictionary labels kt_books_labels() kept. */
void labels_free(struct kt_books *b);

/* ------------------------------------------------------------- leads */

/* assign.rule of kontora.conf: how a lead without a manager gets one. */
enum assign_rule { RULE_ROUND_ROBIN, RULE_LEAST_LOADED, RULE_NONE };
/* Their names in kontora.conf, by enum assign_rule. */
extern const char *const assign_rule_names[];

/* Reads assign.rule into *rule (round robin when unset).  Returns 0,
 * KT_EINVAL naming a value that is no rule, or an error. */
int assign_rule(struct kt_books *b, enum assign_rule *rule, struct kt_error *err);

/* Returns the first ref field of s (NULL is fine) referring to type
 * target, or NULL. */
const struct kt_field *ref_field(const struct kt_schema *s, const char *target);

/* Sets in q (whose s is set) the field the rule weighs in records of
 * q->s (books/open.c): round robin the empty ones of its reference to a
 * client, least loaded the state of its workflow outside the archive
 * states.  The caller sets since.  Leaves q without a field when the
 * type has none. */
void assign_count(struct kt_books *b, enum assign_rule rule, struct index_count *q);

/*
 * Validates the worktree at root as a person left it after editing by
 * hand: schemas, dictionaries, workflows, shards against types (HEAD's
 * schemas, which the commands use), then references, then the
 * directories of files/ (books/check.c).  Returns the number of problems
 * passed to fn (which may be NULL to count only), or KT_EIO when the books
 * cannot be read at all, KT_ENOMEM or KT_EDB (its temporary database
 * failed), with err filled.  progress (NULL: none) is called with
 * progress_arg as kt_books_progress() says, for the records checked.
 */
int check_worktree(const char *root, const struct types *types, kt_problem_fn fn, void *arg,
                   void (*progress)(void *arg, const char *what, size_t done, size_t total),
                   void *progress_arg, struct kt_error *err);

#endif
