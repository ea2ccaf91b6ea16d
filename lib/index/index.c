/*
 * index.c - the SQLite index in .git/kontora/index.db.
 *
 * One table per type (a column per field, rows appended in load order:
 * SQLite is fastest appending), status_history (when each status of a lab
 * request began and ended, from the commits: status.c), shards (each
 * shard's blob) and meta (the commit it reflects, the schemas it was built
 * from, which full text goes with it).  The full-text table fts, whose
 * rowids are the type tables' rowids, lives in search.db beside it,
 * attached as "search": a rebuild fills it in a second thread (feed.c),
 * and every refresh keeps it current, a small one in the same
 * transaction, a big one from a second thread too (refresh_with()).
 * Both are never versioned and always rebuildable.  When HEAD
 * moves, the two trees are diffed and, in each changed shard, the old
 * and new rows are merged as they are read, a row at a time, and only
 * the rows that differ are deleted and loaded.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "index/db.h"

/* A refresh whose diff changes at least this many shards feeds the full
 * text from a second thread (refresh_with()); below, it changes fts in its
 * own transaction, which costs nothing to start.  See bench/README.md,
 * issue 16, "the refresh's full text on a second thread". */
#define FEED_DELTAS 32

/* What a refresh may use of SQLite's page cache, in KiB (refresh_with()).  An
 * import's 200,000 rows go all over the lead indexes (some 150 MB at a
 * million leads): 40 MB read fewer pages back than 16 did (-4% of its
 * CPU), and stay under what the import's change held before. */
#define REFRESH_CACHE_KIB 40000

/* A statement journal up to this size stays in memory (index_new()). */
#define STMT_JOURNAL_BYTES (1024 * 1024)

/* The layout of the index; an index of another layout is rebuilt. */
#define INDEX_FORMAT "16"

/* Returns 1 if db's last error says its file is damaged: the index is
 * written without fsync (see open_index()), so a power cut can do that. */
static int db_damaged(sqlite3 *db)
{
	int code = db ? sqlite3_errcode(db) : SQLITE_OK;

	return code == SQLITE_CORRUPT || code == SQLITE_NOTADB;
}

/* Sets err from SQLite's last message on db; returns KT_EDB. */
int db_fail(sqlite3 *db, struct kt_error *err, const char *what)
{
	if (db_damaged(db))
		return kt_error_set(err, KT_EDB, "index: %s: %s; the index is only a copy of the books: "
		                    "kontora reindex builds it again", what, sqlite3_errmsg(db));
	return kt_error_set(err, KT_EDB, "index: %s: %s", what, db ? sqlite3_errmsg(db) : "cannot open");
}

/* Sets db's page cache.  See db.h. */
int db_cache(sqlite3 *db, int kib, struct kt_error *err)
{
	char sql[64];

	snprintf(sql, sizeof sql, "PRAGMA cache_size = %d", -kib);
	return db_exec(db, sql, err);
}

/* Runs SQL without results.  Returns 0 or KT_EDB. */
int db_exec(sqlite3 *db, const char *sql, struct kt_error *err)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	if (db_damaged(db))
		kt_error_set(err, KT_EDB, "index: %s; the index is only a copy of the books: "
		             "kontora reindex builds it again", msg ? msg : sqlite3_errmsg(db));
	else
		kt_error_set(err, KT_EDB, "index: %s", msg ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);
	return KT_EDB;
}

/* SQL collation "ru": Russian order ignoring case and ё. */
static int collate_ru(void *arg, int alen, const void *a, int blen, const void *b)
{
	return kt_collate(a, (size_t)alen, b, (size_t)blen);
}

/* SQL function fold(text): kt_fold(). */
static void sql_fold(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *s = sqlite3_value_text(argv[0]);
	char *f = s ? kt_fold((const char *)s) : NULL;

	if (f)
		sqlite3_result_text(ctx, f, -1, free);
	else
		sqlite3_result_null(ctx);
}

/* Returns 1 if the field f is full-text searched: words, phones, e-mails
 * and INNs, unless its schema says nosearch (a lead's utm tags and the
 * web form's id: a million unique words nobody types, which made the
 * full text of a rebuild a quarter dearer). */
int field_searched(const struct kt_field *f)
{
	return !f->nosearch && (f->type == KT_TEXT || f->type == KT_PHONE || f->type == KT_EMAIL ||
	                        f->type == KT_INN);
}

/* Returns the SQL column type for t. */
static const char *sql_type(enum kt_ftype t)
{
	return t == KT_INT || t == KT_MONEY || t == KT_BOOL || t == KT_DECIMAL ? "INTEGER" : "TEXT";
}

/* Returns 1 if lists filter on fields of f's kind often enough to index
 * (phones: kt_lookup_phone; on, the record of any type a task or an
 * activity is about: the client card; phones and e-mails: a new lead's
 * dedupe); the indexes leave empty values out (partial), which keeps
 * them small. */
static int indexed(const struct kt_field *f)
{
	return f->unique || f->type == KT_REF || f->type == KT_PHONE || f->type == KT_EMAIL ||
	       !strcmp(f->name, "on");
}

/* Creates the tables of every type.  Indexes come after the bulk load. */
static int create_tables(struct index *ix, struct kt_error *err)
{
	struct kt_buf sql = { 0 };
	int rc = kt_buf_adds(&sql,
		"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
		/* The blob of every shard, so that a record is read from the
		 * worktree's copy when it is that blob (index_shard_blob()). */
		"CREATE TABLE shards(path TEXT PRIMARY KEY, blob TEXT NOT NULL) WITHOUT ROWID;");

	for (size_t t = 0; !rc && t < ix->types->n; t++) {
		const struct kt_schema *s = ix->types->v[t];
		rc = kt_buf_addf(&sql, "CREATE TABLE \"%s\"(id TEXT NOT NULL", s->name);
		for (size_t i = 0; !rc && i < s->nfields; i++)
			rc = kt_buf_addf(&sql, ", \"%s\" %s", s->fields[i].name, sql_type(s->fields[i].type));
		if (!rc)
			rc = kt_buf_adds(&sql, ", created TEXT, _shard TEXT);");
	}
	rc = rc ? kt_error_set(err, KT_ENOMEM, "out of memory") : db_exec(ix->db, sql.data, err);
	kt_buf_free(&sql);
	return rc ? rc : status_create(ix, err);
}

/* Appends to sql the index on the column of s's default order (the
 * schema's sort, or created), so that a list without a filter reads only
 * the rows it shows: `lead list --limit 10` took 0.18 s at 1M leads and
 * 1.85 s at 10M, sorting every lead, and takes ~5 ms with it (bench/
 * README.md, SIZE=huge).  With the id after it, as lists order ties:
 * on the column alone SQLite sorted each run of equal values in a
 * temporary b-tree, a page cleared for every row (a list of a million
 * leads took 3.4 s of CPU in SQLite, 2.5 s with the id).  Not for text
 * (lists sort it COLLATE ru, which a plain index does not serve) nor for
 * id (indexed already).  Returns 0 or KT_ENOMEM. */
static int order_index_sql(struct kt_buf *sql, const struct kt_schema *s)
{
	const char *col = s->sort ? s->sort + (*s->sort == '-') : "created";
	enum kt_ftype t = schema_column_type(s, col);

	if (!strcmp(col, "id") || t == KT_TEXT || t == KT_LIST)
		return 0;
	return kt_buf_addf(sql, "CREATE INDEX \"%s__order\" ON \"%s\"(\"%s\", id);", s->name, s->name, col)
	       ? KT_ENOMEM : 0;
}

/* Returns the columns the index of field f of s holds after f's own.
 * The owner's with created: a manager's list, newest first and limited,
 * reads only the rows it shows (80 ms to 3 ms at 1M); and with id: a
 * "via" rule gathers the ids of every record the caller owns (SELECT id
 * FROM lead WHERE manager = ?, a dozen times over for a manager's task
 * list, whose task may be on any type), from the index alone instead of
 * a random page of the table for each of 50,000 leads.  A client's or a
 * contact's phone or e-mail (not unique) with created and id: dedupe
 * asks index_newest() for the newest client or contact with a web
 * lead's phone and e-mail, which then reads it from the index alone (an
 * e-mail shared by 298 clients was 298 rows read, each a random page of
 * the table: a third of dedupe).  Not a lead's: an import adds a hundred
 * thousand to those, and the wider entries cost its refresh as much as
 * they spared dedupe (bench/README.md, branch wbuild2). */
static const char *index_tail(const struct kt_schema *s, const struct kt_field *f)
{
	if ((s->owner && !strcmp(s->owner, f->name)) ||
	    (!f->unique && (f->type == KT_PHONE || f->type == KT_EMAIL) &&
	     (!strcmp(s->name, "client") || !strcmp(s->name, "contact"))))
		return ", created, id";
	return "";
}

/* Creates the secondary indexes.  Returns 0 or an error. */
static int create_indexes(struct index *ix, struct kt_error *err)
{
	struct kt_buf sql = { 0 };
	int rc = 0;

	for (size_t t = 0; !rc && t < ix->types->n; t++) {
		const struct kt_schema *s = ix->types->v[t];
		/* Not UNIQUE: a books edited by hand may hold a duplicate id, which
		 * kontora check reports; the index must still build. */
		rc = kt_buf_addf(&sql, "CREATE INDEX \"%s_id\" ON \"%s\"(id);", s->name, s->name);
		if (!rc)
			rc = order_index_sql(&sql, s);
		for (size_t i = 0; !rc && i < s->nfields; i++)
			if (indexed(&s->fields[i]))
				rc = kt_buf_addf(&sql, "CREATE INDEX \"%s_%s\" ON \"%s\"(\"%s\"%s) WHERE \"%s\" IS NOT NULL;",
				                 s->name, s->fields[i].name, s->name, s->fields[i].name,
				                 index_tail(s, &s->fields[i]), s->fields[i].name);
	}
	if (rc)
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	else if (sql.len)
		rc = db_exec(ix->db, sql.data, err);
	kt_buf_free(&sql);
	return rc;
}

/* Returns 1 if the full-text table has been built and is kept current:
 * search.db holds the token of the build that index.db names (the two
 * files are renamed in turn, and either may be older than the other). */
int fts_built(struct index *ix)
{
	struct kt_error ignored;
	sqlite3_stmt *st;
	int built;

	/* Kept: a refresh asks it twice a shard, an import's split month 64
	 * times. */
	if (index_stmt(ix, "SELECT 1 FROM main.meta m, search.meta s WHERE m.key = 'fts' "
	               "AND s.key = 'fts' AND m.value = s.value", &st, &ignored))
		return 0;
	built = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return built;
}

/* Writes to out (64 bytes) a token that tells one build of the full text
 * from any other: the process, the time to the nanosecond and a count.
 * A big refresh names its change of the table by a new one (refresh_with()),
 * so two of one process within a second must differ too. */
void fts_token(char *out)
{
	static unsigned long n;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(out, 64, "%ld.%lld.%09ld.%lu", (long)getpid(), (long long)ts.tv_sec, ts.tv_nsec, ++n);
}

/* Returns the rowid in fts of a row of type s: the type's number above
 * its rowid in the type's table. */
int64_t fts_rowid(const struct index *ix, const struct kt_schema *s, int64_t rowid)
{
	int64_t t = 0;

	while ((size_t)t < ix->types->n && ix->types->v[t] != s)
		t++;
	return t << 40 | rowid;
}

/* Appends the searchable text of a value to body, after a space, not
 * folded (folding a text whole equals folding its words apart).  A phone
 * is one word, +74951234567 the word 74951234567: the search looks for a
 * number people dial without 7 or 8 also with 7 first (one word a phone
 * instead of two with and without it, a million fewer words to index at
 * a million leads). */
int add_searchable(struct kt_buf *body, const char *v, size_t len)
{
	return (body->len && kt_buf_addc(body, ' ')) || kt_buf_add(body, v, len) ? KT_ENOMEM : 0;
}

/* Appends to sql ", \"F\"" for every searched field F of s, in the
 * schema's order: the columns searched_body() reads.  Returns 0 or
 * KT_ENOMEM. */
int searched_columns(struct kt_buf *sql, const struct kt_schema *s)
{
	for (size_t i = 0; i < s->nfields; i++)
		if (field_searched(&s->fields[i]) && kt_buf_addf(sql, ", \"%s\"", s->fields[i].name))
			return KT_ENOMEM;
	return 0;
}

/* Sets body to the searchable text of the row st holds, whose columns
 * from first on are searched_columns()'s.  fts has no copy of its text
 * (contentless), so a row is deleted from it by giving this text again:
 * every path builds it the same way, in the schema's order.  Returns 0
 * or KT_ENOMEM. */
int searched_body(struct kt_buf *body, const struct kt_schema *s, sqlite3_stmt *st, int first)
{
	kt_buf_reset(body);
	for (size_t i = 0, c = (size_t)first; i < s->nfields; i++) {
		if (!field_searched(&s->fields[i]))
			continue;
		const char *v = (const char *)sqlite3_column_text(st, (int)c);
		int len = sqlite3_column_bytes(st, (int)c++);
		if (v && len && add_searchable(body, v, (size_t)len))
			return KT_ENOMEM;
	}
	if (body->data)
		body->data[body->len = fold_words(body->data, body->len)] = '\0';
	return 0;
}

/* ------------------------------------------------------------ loading */

/* The state of loading one shard's rows into the index. */
struct loader {
	struct index *ix;
	const struct kt_schema *s;
	const char *path;
	sqlite3_stmt *insert, *fts_insert; /* fts_insert: a refresh's, when fts is built */
	long *slot;            /* per header column: field number + 1, 0 id, -1 created, -2 unknown */
	size_t nslot, cap;
	size_t col;            /* column of the field being read */
	int header;            /* reading the header row */
	int has_id;            /* the row has a well-formed id */
	int fts;               /* fts is built or being fed: keep it current */
	struct kt_buf *vals;   /* per field, when fts: the row's searched values */
	struct kt_buf body;    /* the row's searchable text, not folded */
	struct count_row count; /* what the build's count tables count of the row */
	struct kt_buf carry;   /* the start of a row whose end has not come yet */
	int carry_quoted;      /* carry ends inside a quoted field */
	struct kt_buf scratch; /* a value with its doubled quotes undone */
	int parsing;           /* a shard's rows are being fed (loader_start()) */
	int rc;
	struct kt_error *err;
};

/* Binds one field of a data row to the insert statement.  v stays
 * where it is until the row is inserted unless copied (csv_row_cut()). */
static void bind_field(struct loader *l, long slot, const char *v, size_t len, int copied)
{
	sqlite3_stmt *st = l->insert;
	sqlite3_destructor_type keep = copied ? SQLITE_TRANSIENT : SQLITE_STATIC;

	count_field(&l->count, slot, v, len);
	if (slot == 0) {
		l->has_id = len == 8;
		sqlite3_bind_text(st, 1, v, (int)len, keep);
		return;
	}
	int pos = slot == -1 ? (int)l->s->nfields + 2 : (int)slot + 1;
	if (!len) {
		sqlite3_bind_null(st, pos);
		return;
	}
	const struct kt_field *f = slot > 0 ? &l->s->fields[slot - 1] : NULL;
	char num[48];
	int64_t n;
	if (f && (f->type == KT_MONEY || f->type == KT_INT || f->type == KT_BOOL ||
	          f->type == KT_DECIMAL) && len < sizeof num) {
		memcpy(num, v, len);
		num[len] = '\0';
		char *end;
		if (f->type == KT_MONEY && !kt_money_parse(num, &n))
			return (void)sqlite3_bind_int64(st, pos, n);
		if (f->type == KT_DECIMAL && !kt_decimal_parse(num, 3, &n))
			return (void)sqlite3_bind_int64(st, pos, n);
		if (f->type == KT_INT && (n = strtoll(num, &end, 10), !*end))
			return (void)sqlite3_bind_int64(st, pos, n);
		if (f->type == KT_BOOL && bool_value(num) >= 0)
			return (void)sqlite3_bind_int64(st, pos, bool_value(num));
	}
	sqlite3_bind_text(st, pos, v, (int)len, keep);
	if (f && l->fts && field_searched(f)) {
		kt_buf_reset(&l->vals[slot - 1]);
		if (kt_buf_add(&l->vals[slot - 1], v, len))
			l->rc = kt_error_set(l->err, KT_ENOMEM, "out of memory");
	}
}

/* Sets l->body to the searchable text of the row bound, from its values
 * in the schema's order (as searched_body() does), and forgets them; not
 * folded: a rebuild's full-text thread folds it (feed.c), a refresh just
 * before its insert.  Returns 0 or KT_ENOMEM. */
static int row_body(struct loader *l)
{
	kt_buf_reset(&l->body);
	for (size_t i = 0; i < l->s->nfields; i++) {
		struct kt_buf *v = &l->vals[i];
		if (v->len && add_searchable(&l->body, v->data, v->len))
			return KT_ENOMEM;
		kt_buf_reset(v);
	}
	return 0;
}

/* csv_row_cut()'s function: a field of the header or of a row. */
static void on_field(void *arg, const char *v, size_t len, int copied)
{
	struct loader *l = arg;

	if (l->rc)
		return;
	if (l->header) {
		if (l->nslot == l->cap) {
			size_t cap = l->cap ? 2 * l->cap : 32;
			long *s = realloc(l->slot, cap * sizeof *s);
			if (!s) {
				l->rc = kt_error_set(l->err, KT_ENOMEM, "out of memory");
				return;
			}
			l->slot = s;
			l->cap = cap;
		}
		char name[128];
		snprintf(name, sizeof name, "%.*s", (int)(len < 127 ? len : 127), v);
		long slot = -2;
		if (!strcmp(name, "id"))
			slot = 0;
		else if (!strcmp(name, "created"))
			slot = -1;
		else
			for (size_t i = 0; i < l->s->nfields; i++)
				if (!strcmp(l->s->fields[i].name, name))
					slot = (long)i + 1;
		l->slot[l->nslot++] = slot;
		return;
	}
	if (l->col < l->nslot && l->slot[l->col] != -2)
		bind_field(l, l->slot[l->col], v, len, copied);
	l->col++;
}

/* Ends the header, or inserts the row bound so far. */
static void on_row(struct loader *l)
{
	if (l->rc)
		return;
	if (l->header) {
		l->header = 0;
		return;
	}
	l->col = 0;
	if (l->has_id) {
		sqlite3_bind_text(l->insert, (int)l->s->nfields + 3, l->path, -1, SQLITE_STATIC);
		if (sqlite3_step(l->insert) != SQLITE_DONE)
			l->rc = db_fail(l->ix->db, l->err, l->path);
	}
	if (l->fts && row_body(l))
		l->rc = kt_error_set(l->err, KT_ENOMEM, "out of memory");
	if (l->has_id && l->ix->feed && !l->rc) {
		if (fts_feed_add(l->ix->feed, fts_rowid(l->ix, l->s, sqlite3_last_insert_rowid(l->ix->db)),
		                 l->body.data ? l->body.data : "", l->body.len))
			l->rc = kt_error_set(l->err, KT_ENOMEM, "out of memory");
	} else if (l->has_id && l->fts && !l->rc) {
		size_t len = l->body.data ? fold_words(l->body.data, l->body.len) : 0;
		sqlite3_bind_int64(l->fts_insert, 1, fts_rowid(l->ix, l->s, sqlite3_last_insert_rowid(l->ix->db)));
		sqlite3_bind_text(l->fts_insert, 2, l->body.data ? l->body.data : "", (int)len, SQLITE_STATIC);
		if (sqlite3_step(l->fts_insert) != SQLITE_DONE)
			l->rc = db_fail(l->ix->db, l->err, l->path);
		sqlite3_reset(l->fts_insert);
	}
	if (count_row_end(&l->count, l->has_id && !l->rc ? 1 : 0) && !l->rc)
		l->rc = kt_error_set(l->err, KT_ENOMEM, "out of memory");
	/* A row whose id is malformed is left out; kontora check reports it. */
	sqlite3_reset(l->insert);
	sqlite3_clear_bindings(l->insert);
	kt_buf_reset(&l->body);
	l->has_id = 0;
}

/* Prepares sql into *st (the caller finalizes).  Returns 0 or KT_EDB. */
int db_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, struct kt_error *err)
{
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK)
		return db_fail(db, err, sql);
	return 0;
}

/* Prepares the loader's statements for type s.  Returns 0 or an error. */
static int loader_init(struct loader *l, struct index *ix, const struct kt_schema *s,
                       struct kt_error *err)
{
	struct kt_buf sql = { 0 };
	int rc = kt_buf_addf(&sql, "INSERT INTO \"%s\"(id", s->name);

	memset(l, 0, sizeof *l);
	l->ix = ix;
	l->s = s;
	l->err = err;
	l->fts = ix->feed || ix->fts_on;
	if (l->fts && !(l->vals = calloc(s->nfields + 1, sizeof *l->vals)))
		rc = KT_ENOMEM;
	count_row_init(&l->count, ix, s);
	for (size_t i = 0; !rc && i < s->nfields; i++)
		rc = kt_buf_addf(&sql, ", \"%s\"", s->fields[i].name);
	if (!rc)
		rc = kt_buf_adds(&sql, ", created, _shard) VALUES(?");
	for (size_t i = 0; !rc && i < s->nfields + 2; i++)
		rc = kt_buf_adds(&sql, ", ?");
	if (!rc)
		rc = kt_buf_adds(&sql, ")");
	if (rc)
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	if (!rc)
		rc = db_prepare(ix->db, sql.data, &l->insert, err);
	if (!rc && l->fts && !ix->feed)
		rc = db_prepare(ix->db, "INSERT INTO fts(rowid, body) VALUES(?, ?)", &l->fts_insert, err);
	kt_buf_free(&sql);
	return rc;
}

static void loader_free(struct loader *l)
{
	sqlite3_finalize(l->insert);
	sqlite3_finalize(l->fts_insert);
	free(l->slot);
	for (size_t i = 0; l->vals && i < l->s->nfields; i++)
		kt_buf_free(&l->vals[i]);
	free(l->vals);
	kt_buf_free(&l->body);
	kt_buf_free(&l->carry);
	kt_buf_free(&l->scratch);
}

/* Cuts the whole row row[0..len) into its fields and ends it (a blank
 * line is skipped, as kontora check allows).  Returns 0 or an error. */
static int loader_row(struct loader *l, const char *row, size_t len)
{
	const char *why = NULL;
	size_t text = len;
	int rc;

	while (text && (row[text - 1] == '\n' || row[text - 1] == '\r'))
		text--;
	if (!text || l->rc)
		return l->rc;
	if ((rc = csv_row_cut(row, len, &l->scratch, on_field, l, &why)) == KT_ECSV && !l->rc)
		l->rc = kt_error_set(l->err, KT_ECSV, "%s: malformed CSV (%s); run kontora check", l->path, why);
	else if (rc && !l->rc)
		l->rc = kt_error_set(l->err, KT_ENOMEM, "out of memory");
	if (!l->rc)
		on_row(l);
	return l->rc;
}

/* Returns 1 if data[0..len) holds an odd number of quotes. */
static int odd_quotes(const char *data, size_t len)
{
	int odd = 0;

	for (const char *q = data; (q = memchr(q, '"', (size_t)(data + len - q))); q++)
		odd = !odd;
	return odd;
}

/* Feeds len bytes of CSV to l, which inserts each row they end.  Rows may
 * be cut anywhere (shard_reader_bytes()): the start of a row whose end has
 * not come yet waits in l->carry.  Returns 0 or an error. */
static int loader_feed(struct loader *l, const char *data, size_t len)
{
	size_t n;

	if (l->carry.len) {
		n = csv_row_len(data, len, l->carry_quoted);
		if (kt_buf_add(&l->carry, data, n ? n : len))
			return l->rc = kt_error_set(l->err, KT_ENOMEM, "out of memory");
		if (!n) {
			l->carry_quoted ^= odd_quotes(data, len);
			return 0;
		}
		loader_row(l, l->carry.data, l->carry.len);
		kt_buf_reset(&l->carry);
		data += n;
		len -= n;
	}
	while (!l->rc && len && (n = csv_row_len(data, len, 0))) {
		loader_row(l, data, n);
		data += n;
		len -= n;
	}
	if (!l->rc && len) {
		if (kt_buf_add(&l->carry, data, len))
			return l->rc = kt_error_set(l->err, KT_ENOMEM, "out of memory");
		l->carry_quoted = odd_quotes(data, len);
	}
	return l->rc;
}

/* Starts loading the rows of the shard path, whose header line is
 * header[0..hlen): the rows come by loader_feed(), loader_finish() ends
 * the last.  Returns 0 or an error. */
static int loader_start(struct loader *l, const char *path, const char *header, size_t hlen)
{
	kt_buf_reset(&l->carry);
	l->parsing = 1;
	l->path = path;
	l->header = 1;
	l->nslot = 0;
	l->col = 0;
	return loader_feed(l, header, hlen);
}

/* Ends the rows of loader_start().  Returns 0 or an error. */
static int loader_finish(struct loader *l)
{
	if (l->carry.len)
		loader_row(l, l->carry.data, l->carry.len);
	kt_buf_reset(&l->carry);
	l->parsing = 0;
	return l->rc;
}

/* The deletes of one shard's refresh, prepared once. */
struct deleter {
	struct index *ix;
	const struct kt_schema *s;
	const char *path;             /* the shard's, whose rows are deleted */
	sqlite3_stmt *del, *fts;      /* fts: when fts is kept current without a feed */
	int searched;                 /* fts is kept current: del returns the text */
	struct kt_buf body;    /* a deleted row's searchable text */
	struct count_row count; /* what the count tables count of a deleted row */
	int count_col;          /* the first of its columns in del's rows */
};

/* Prepares d for rows of s in the shard path.  Returns 0 or an error
 * (free d anyway). */
static int deleter_init(struct deleter *d, struct index *ix, const struct kt_schema *s,
                        const char *path, struct kt_error *err)
{
	struct kt_buf sql = { 0 };
	int rc;

	memset(d, 0, sizeof *d);
	d->ix = ix;
	d->s = s;
	d->path = path;
	d->searched = ix->fts_on;
	if (d->searched && !ix->feed)
		rc = db_prepare(ix->db, "INSERT INTO fts(fts, rowid, body) VALUES('delete', ?, ?)", &d->fts, err);
	else
		rc = 0;
	/* The rows of this shard only: a split's new files may be loaded
	 * before the old file's rows are deleted, whatever order the diff
	 * gives (docs/foundation.md, "Storage").  The searched values come
	 * back with the rowid: fts needs them to forget the row; and the
	 * values the count tables count, which the row no longer adds to. */
	count_row_init(&d->count, ix, s);
	if (!rc && (kt_buf_addf(&sql, "DELETE FROM \"%s\" WHERE id = ? AND _shard = ? RETURNING rowid", s->name) ||
	            (d->searched && searched_columns(&sql, s))))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	if (!rc)
		rc = db_prepare(ix->db, sql.data, &d->del, err);
	/* The count's columns come last, where searched_body() stops. */
	if (!rc && d->count.n) {
		d->count_col = sqlite3_column_count(d->del);
		sqlite3_finalize(d->del);
		d->del = NULL;
		rc = count_returning(&sql, &d->count) ? kt_error_set(err, KT_ENOMEM, "out of memory")
		                                     : db_prepare(ix->db, sql.data, &d->del, err);
	}
	kt_buf_free(&sql);
	return rc;
}

/* Finalizes d's statements; a zeroed d is fine. */
static void deleter_free(struct deleter *d)
{
	sqlite3_finalize(d->del);
	sqlite3_finalize(d->fts);
	kt_buf_free(&d->body);
}

/* Deletes the rows whose id starts the shard row row[0..len), and their
 * full text.  Returns 0 or an error. */
static int delete_row(struct deleter *d, const char *row, size_t len, struct kt_error *err)
{
	size_t idlen = 0;
	int step, rc = 0;

	while (idlen < len && row[idlen] != ',' && row[idlen] != '\n')
		idlen++;
	if (idlen != 8)
		return 0;
	sqlite3_bind_text(d->del, 1, row, 8, SQLITE_STATIC);
	sqlite3_bind_text(d->del, 2, d->path, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(d->del)) == SQLITE_ROW) {
		count_columns(&d->count, d->del, d->count_col);
		if (count_row_end(&d->count, -1)) {
			sqlite3_reset(d->del);
			return kt_error_set(err, KT_ENOMEM, "out of memory");
		}
		if (!d->searched)
			continue;
		if (searched_body(&d->body, d->s, d->del, 1)) {
			sqlite3_reset(d->del);
			return kt_error_set(err, KT_ENOMEM, "out of memory");
		}
		int64_t at = fts_rowid(d->ix, d->s, sqlite3_column_int64(d->del, 0));
		const char *body = d->body.data ? d->body.data : "";
		/* A big refresh's thread deletes it in turn with the inserts. */
		if (d->ix->feed) {
			if (fts_feed_delete(d->ix->feed, at, body, d->body.len)) {
				sqlite3_reset(d->del);
				return kt_error_set(err, KT_ENOMEM, "out of memory");
			}
			continue;
		}
		sqlite3_bind_int64(d->fts, 1, at);
		sqlite3_bind_text(d->fts, 2, body, (int)d->body.len, SQLITE_STATIC);
		step = sqlite3_step(d->fts);
		sqlite3_reset(d->fts);
		if (step != SQLITE_DONE)
			break;
	}
	if (step != SQLITE_DONE && step != SQLITE_ROW)
		rc = db_fail(d->ix->db, err, "delete");
	sqlite3_reset(d->del);
	return rc;
}

/* Reads the next row of r, noting in *sorted whether the rows so far
 * are in strictly increasing id order, as kontora writes them (prev
 * holds the last id).  Returns 0 or an error. */
static int next_row(struct shard_reader *r, char prev[8], int *sorted, struct kt_error *err)
{
	int rc = shard_reader_next(r, err);

	if (rc || !r->rowlen)
		return rc;
	/* A row after the first has newlines before it. */
	if (r->rowlen < 8 || (r->skipped && memcmp(prev, r->row, 8) >= 0))
		*sorted = 0;
	memcpy(prev, r->row, 8);
	return 0;
}

/* Brings the index from the old to the new rows of a shard, both read a
 * row at a time: one merge of the two in id order, so that only the rows
 * added, changed or removed are touched (an import inserts thousands of
 * rows all over a shard) and neither text is held whole.  Returns 0, 1
 * when both have rows and either is out of id order or their headers
 * differ (a file edited by hand: the merge may have deleted what it
 * loaded), or an error. */
static int merge_rows(struct deleter *d, struct loader *l, const char *path,
                      struct shard_reader *old, struct shard_reader *new, struct kt_error *err)
{
	char oprev[8], nprev[8];
	int rc, sorted = 1;

	if (old->hlen && new->hlen && (old->hlen != new->hlen || memcmp(old->header, new->header, old->hlen)))
		return 1;
	if ((rc = loader_start(l, path, new->header, new->hlen)))
		return rc;
	/* A new shard (a reindex reads only those): its rows as they come. */
	if (!old->hlen) {
		while (!(rc = shard_reader_bytes(new, err)) && new->rowlen)
			if ((rc = loader_feed(l, new->row, new->rowlen)))
				break;
		return rc ? rc : loader_finish(l);
	}
	if ((rc = next_row(old, oprev, &sorted, err)) || (rc = next_row(new, nprev, &sorted, err)))
		return rc;
	while (!rc && (old->rowlen || new->rowlen)) {
		if (!sorted && old->hlen && new->hlen)
			return 1;
		int cmp = !old->rowlen ? 1 : !new->rowlen ? -1 : memcmp(old->row, new->row, 8);
		int same = !cmp && old->rowlen == new->rowlen && !memcmp(old->row, new->row, old->rowlen);
		if (!same && cmp <= 0)
			rc = delete_row(d, old->row, old->rowlen, err);
		if (!rc && !same && cmp >= 0)
			rc = loader_feed(l, new->row, new->rowlen);
		if (!rc && cmp <= 0)
			rc = next_row(old, oprev, &sorted, err);
		if (!rc && cmp >= 0)
			rc = next_row(new, nprev, &sorted, err);
	}
	return rc ? rc : loader_finish(l);
}

/* Calls fn(arg, r, err) for every row of the blob hex ("" for none), r
 * the reader holding it.  Returns 0 or an error. */
static int each_row(struct index *ix, const char *hex,
                    int (*fn)(void *arg, const struct shard_reader *r, struct kt_error *err),
                    void *arg, struct kt_error *err)
{
	struct shard_reader r;
	int rc = store_blob_rows(ix->store, hex, NULL, &r, err);

	while (!rc && !(rc = shard_reader_next(&r, err)) && r.rowlen)
		rc = fn(arg, &r, err);
	shard_reader_free(&r);
	return rc;
}

/* each_row()'s function that deletes a row's id. */
static int delete_each(void *deleter, const struct shard_reader *r, struct kt_error *err)
{
	return delete_row(deleter, r->row, r->rowlen, err);
}

/* each_row()'s function that loads a row, the loader started on the
 * first. */
static int load_each(void *loader, const struct shard_reader *r, struct kt_error *err)
{
	struct loader *l = loader;

	if (!l->parsing && loader_start(l, l->path, r->header, r->hlen))
		return l->rc;
	return loader_feed(l, r->row, r->rowlen);
}

/* Brings the index from the old to the new text of one shard, blobs old
 * and new ("" for none).  A shard out of order is refreshed whole: every
 * id of either text deleted, then the new rows loaded.  Returns 0 or an
 * error. */
static int update_shard(struct index *ix, const struct kt_schema *s, const char *path,
                        const char *old, const char *new, struct kt_error *err)
{
	struct shard_reader o = { 0 }, n = { 0 };
	struct deleter d = { 0 };
	struct loader l = { 0 };
	/* A new shard (an import's month, the parts of a split) has no rows
	 * to delete: no statements to prepare for them. */
	int rc = *old ? deleter_init(&d, ix, s, path, err) : 0;

	if (!rc)
		rc = loader_init(&l, ix, s, err);
	/* The new text is what the work tree holds after a commit, kontora's
	 * or git's: read from there when it is. */
	if (!rc && !(rc = store_blob_rows(ix->store, old, NULL, &o, err)) &&
	    !(rc = store_blob_rows(ix->store, new, path, &n, err)))
		rc = merge_rows(&d, &l, path, &o, &n, err);
	shard_reader_free(&o);
	shard_reader_free(&n);
	if (rc == 1) {
		loader_free(&l);
		rc = each_row(ix, old, delete_each, &d, err);
		if (!rc)
			rc = each_row(ix, new, delete_each, &d, err);
		if (!rc && !(rc = loader_init(&l, ix, s, err))) {
			l.path = path;
			rc = each_row(ix, new, load_each, &l, err);
		}
		if (!rc && l.parsing)
			rc = loader_finish(&l);
	}
	loader_free(&l);
	deleter_free(&d);
	return rc;
}

/* Returns the schema of a shard path.  See db.h. */
const struct kt_schema *type_of_path(struct index *ix, const char *path)
{
	const struct kt_schema *s;
	char type[128];
	const char *slash;

	if (strncmp(path, "data/", 5) || !(slash = strchr(path + 5, '/')) ||
	    (size_t)(slash - path - 5) >= sizeof type)
		return NULL;
	snprintf(type, sizeof type, "%.*s", (int)(slash - path - 5), path + 5);
	if (!(s = types_find(ix->types, type)))
		return NULL;
	return shard_name_valid(s, slash + 1) ? s : NULL;
}

/* Records the blob of the shard path of a delta d (none when it is
 * gone).  Returns 0 or an error. */
static int set_shard_blob(struct index *ix, const struct store_delta *d, struct kt_error *err)
{
	sqlite3_stmt *st;
	int rc = index_stmt(ix, *d->new ? "INSERT OR REPLACE INTO shards VALUES(?, ?)"
	                                : "DELETE FROM shards WHERE path = ?", &st, err);

	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, d->path, -1, SQLITE_STATIC);
	if (*d->new)
		sqlite3_bind_text(st, 2, d->new, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = db_fail(ix->db, err, d->path);
	sqlite3_reset(st);
	return rc;
}

/* Finds the blob of a shard.  See index.h. */
int index_shard_blob(struct index *ix, const char *path, char hex[41], struct kt_error *err)
{
	sqlite3_stmt *st;
	int rc = index_open(ix, err);

	if (rc || (rc = index_stmt(ix, "SELECT blob FROM shards WHERE path = ?", &st, err)))
		return rc;
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 40)
		memcpy(hex, sqlite3_column_text(st, 0), 41);
	else
		rc = kt_error_set(err, KT_ENOTFOUND, "%s: not in the index", path);
	sqlite3_reset(st);
	return rc;
}

/* Brings the index from one text of a shard to the other: one delta of
 * a diff.  Returns 0, 2 before the first when a refresh that keeps fts
 * current in its own transaction finds the diff big enough for a thread
 * (FEED_DELTAS: nothing done), or an error. */
static int apply_delta(void *index, const struct store_delta *d, struct kt_error *err)
{
	struct index *ix = index;
	const struct kt_schema *s = type_of_path(ix, d->path);

	if (ix->fts_on && !ix->feed && d->at == 0 && d->count >= FEED_DELTAS)
		return 2;
	int rc = s ? update_shard(ix, s, d->path, d->old, d->new, err) : 0;

	if (!rc && s)
		rc = set_shard_blob(ix, d, err);

	/* Small books build in a blink: no progress for them. */
	if (!rc && ix->progress && d->count > 64)
		ix->progress(ix->progress_arg, N_("indexing files"), d->at + 1, d->count);
	return rc;
}

/* Reads the meta value of key into out (size bytes); "" when missing.
 * Every query asks it (refresh()): the statement is kept. */
static void meta_get(struct index *ix, const char *key, char *out, size_t size)
{
	sqlite3_stmt *st;
	struct kt_error ignored;

	out[0] = '\0';
	if (index_stmt(ix, "SELECT value FROM meta WHERE key = ?", &st, &ignored))
		return;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(out, size, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
}

/* Sets the meta value of key.  Returns 0 or an error. */
int meta_set(sqlite3 *db, const char *key, const char *value, struct kt_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = db_prepare(db, "INSERT OR REPLACE INTO meta VALUES(?, ?)", &st, err)))
		return rc;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = db_fail(db, err, "meta");
	sqlite3_finalize(st);
	return rc;
}

/* Applies to the index the shards that differ between the commits from
 * (hex, "" for none) and to, the full text's rows waiting included.
 * Returns 0, 1 when from is unknown (the caller rebuilds), 2 when the
 * refresh should feed fts from a thread (apply_delta()), or an error. */
static int apply_diff(struct index *ix, const char *from, const char *to,
                      struct kt_error *err)
{
	return store_diff(ix->store, from, to, "data/", apply_delta, ix, err);
}

/* Opens db at path with kontora's collation and functions. */
static int open_db(const char *path, sqlite3 **db, struct kt_error *err)
{
	if (sqlite3_open_v2(path, db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		int rc = db_fail(*db, err, path);
		sqlite3_close(*db);
		*db = NULL;
		return rc;
	}
	sqlite3_busy_timeout(*db, 30000);
	sqlite3_create_collation(*db, "ru", SQLITE_UTF8, NULL, collate_ru);
	sqlite3_create_function(*db, "fold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, sql_fold, NULL, NULL);
	return 0;
}

/* Writes into out the file of the full text that goes with the index file
 * path: search.db beside index.db, at/COMMIT.search.db beside a pinned
 * commit's at/COMMIT.db. */
static void search_file(const char *path, char out[PATH_MAX])
{
	const char *base = strrchr(path, '/');
	size_t dir = base ? (size_t)(base + 1 - path) : 0, len = strlen(path);

	if (!strcmp(path + dir, "index.db"))
		snprintf(out, PATH_MAX, "%.*ssearch.db", (int)dir, path);
	else
		snprintf(out, PATH_MAX, "%.*s.search.db", (int)(len > 3 ? len - 3 : len), path);
}

/* Attaches the full text at spath to the open index as "search", written
 * without fsync as index.db is (open_index()).  Returns 0 or an error. */
static int attach_search(struct index *ix, const char *spath, struct kt_error *err)
{
	char *sql = sqlite3_mprintf("ATTACH %Q AS search; PRAGMA search.synchronous=OFF", spath);
	int rc = sql ? db_exec(ix->db, sql, err) : kt_error_set(err, KT_ENOMEM, "out of memory");

	sqlite3_free(sql);
	return rc;
}

/* Opens the index file path with its full text attached as "search"
 * (made empty if it is missing: fts_built() then says it is not built).
 * Both are written without fsync: they are a copy of the books, which
 * libgit2 writes without fsync too; SQLite's journal still keeps them
 * whole when a process is killed, and the eleven fsyncs of a refresh
 * across the two files cost 3-9 ms of every write (docs/foundation.md).
 * Returns 0 or an error. */
static int open_index(struct index *ix, const char *path, struct kt_error *err)
{
	char spath[PATH_MAX];
	int rc;

	if ((rc = open_db(path, &ix->db, err)) || (rc = db_exec(ix->db, "PRAGMA main.synchronous=OFF", err)))
		return rc;
	search_file(path, spath);
	return attach_search(ix, spath, err);
}

static void index_close(struct index *ix);

/* Writes into path the index's file: .git/kontora/index.db, or
 * .git/kontora/at/COMMIT.db for books pinned to a commit (a commit never
 * changes, so that index is built once and kept).  Returns 0, or KT_EIO
 * when the directory at/ cannot be made. */
static int index_file(const struct index *ix, char path[PATH_MAX], struct kt_error *err)
{
	const char *at = store_pinned(ix->store);

	if (!at) {
		snprintf(path, PATH_MAX, "%s/index.db", store_dir(ix->store));
		return 0;
	}
	snprintf(path, PATH_MAX, "%s/at", store_dir(ix->store));
	if (mkdir(path, 0777) && errno != EEXIST)
		return kt_error_set(err, KT_EIO, "%s: %s", path, strerror(errno));
	snprintf(path, PATH_MAX, "%s/at/%s.db", store_dir(ix->store), at);
	return 0;
}

/* Removes the scratch files path.PID that a rebuild killed before its
 * rename left (a million leads leave over 2 GB), when process PID is
 * gone; a rebuild still running keeps its own. */
static void remove_stale_scratch(const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];
	size_t dlen = slash ? (size_t)(slash - path) : 0;
	const char *base = slash ? slash + 1 : path;
	size_t blen = strlen(base);
	struct dirent *e;
	DIR *d;

	snprintf(dir, sizeof dir, "%.*s", (int)dlen, dlen ? path : ".");
	if (!(d = opendir(dir)))
		return;
	while ((e = readdir(d))) {
		const char *pid = e->d_name + blen + 1;
		if (strncmp(e->d_name, base, blen) || e->d_name[blen] != '.' || !*pid ||
		    pid[strspn(pid, "0123456789")])
			continue;
		if (kill((pid_t)atol(pid), 0) && errno == ESRCH)
			unlinkat(dirfd(d), e->d_name, 0);
	}
	closedir(d);
}

/* Builds a fresh index and its full text in scratch files and renames
 * them into place, so a reader never sees half an index: search.db
 * first, whose token then matches no index.db until the new one lands.
 * Returns 0 or an error. */
static int build(struct index *ix, struct kt_error *err)
{
	char path[PATH_MAX], tmp[PATH_MAX + 32], spath[PATH_MAX], stmp[PATH_MAX + 32];
	char head[41], token[64];
	int rc;

	index_close(ix);
	if ((rc = index_file(ix, path, err)))
		return rc;
	search_file(path, spath);
	snprintf(tmp, sizeof tmp, "%s.%ld", path, (long)getpid());
	snprintf(stmp, sizeof stmp, "%s.%ld", spath, (long)getpid());
	fts_token(token);
	remove_stale_scratch(path);
	remove_stale_scratch(spath);
	unlink(tmp);
	unlink(stmp);
	/* Up to four sorter threads for CREATE INDEX, though there are two
	 * cores here: 3-5% less wall time at 1M than two, and less CPU; none
	 * cost 10%, a larger page cache more (bench/README.md). */
	if ((rc = open_db(tmp, &ix->db, err)) ||
	    (rc = db_exec(ix->db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
	                      "PRAGMA threads=4; BEGIN", err)) ||
	    (rc = create_tables(ix, err)) || (rc = store_head(ix->store, head, err)) ||
	    (rc = fts_feed_start(stmp, &ix->feed, err)) || (rc = count_build_start(ix, err)))
		goto done;
	if ((rc = apply_diff(ix, "", head, err)) || (rc = status_update(ix, "", head, err)) ||
	    (rc = create_indexes(ix, err)) || (rc = count_finish(ix, 0, err)))
		goto done;
	rc = fts_feed_finish(ix->feed, token, err);
	ix->feed = NULL;
	if (rc || (rc = meta_set(ix->db, "commit", head, err)) ||
	    (rc = meta_set(ix->db, "schemas", ix->schemas_tree, err)) ||
	    (rc = meta_set(ix->db, "format", INDEX_FORMAT, err)) ||
	    (rc = meta_set(ix->db, "fts", token, err)) ||
	    (rc = db_exec(ix->db, "COMMIT", err)))
		goto done;
	index_close(ix);
	if (rename(stmp, spath))
		rc = kt_error_set(err, KT_EIO, "%s: %s", spath, strerror(errno));
	else if (rename(tmp, path))
		rc = kt_error_set(err, KT_EIO, "%s: %s", path, strerror(errno));
	else
		rc = open_index(ix, path, err);
done:
	fts_feed_finish(ix->feed, NULL, NULL);
	ix->feed = NULL;
	if (rc) {
		count_build_free(ix);
		index_close(ix);
		unlink(tmp);
		unlink(stmp);
	}
	return rc;
}

/* Returns a kept statement.  See db.h. */
int index_stmt(struct index *ix, const char *sql, sqlite3_stmt **st, struct kt_error *err)
{
	size_t at;

	if (strmap_get(&ix->stmt_of, sql, &at)) {
		*st = ix->stmts[at];
		sqlite3_reset(*st);
		sqlite3_clear_bindings(*st);
		return 0;
	}
	sqlite3_stmt **v = realloc(ix->stmts, (ix->nstmts + 1) * sizeof *v);
	if (!v)
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	ix->stmts = v;
	if (db_prepare(ix->db, sql, st, err))
		return err->code;
	if (strmap_put(&ix->stmt_of, sql, ix->nstmts)) {
		sqlite3_finalize(*st);
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	ix->stmts[ix->nstmts++] = *st;
	return 0;
}

/* Finalizes the kept statements and closes the database; ix->db is NULL
 * after. */
static void index_close(struct index *ix)
{
	for (size_t i = 0; i < ix->nstmts; i++)
		sqlite3_finalize(ix->stmts[i]);
	free(ix->stmts);
	ix->stmts = NULL;
	ix->nstmts = 0;
	strmap_free(&ix->stmt_of);
	memset(ix->exists_stmts, 0, sizeof ix->exists_stmts);
	exists_forget(ix);
	if (ix->db)
		sqlite3_close(ix->db);
	ix->db = NULL;
	ix->checked = 0;
}

/* Starts the thread that keeps the full text at spath current while a
 * refresh loads (ix->feed), if it is built: its meta names the token
 * index.db names, which is read under index.db's write lock and then
 * checked under search.db's (fts_feed_open()).  Returns 0 or an error. */
static int feed_open(struct index *ix, const char *spath, struct kt_error *err)
{
	char token[64];
	int rc;

	meta_get(ix, "fts", token, sizeof token);
	rc = *token ? fts_feed_open(spath, token, &ix->feed, err) : 0;
	ix->fts_on = ix->feed != NULL;
	return rc;
}

/* Ends the thread of a refresh and commits search.db under a new token,
 * which index.db's transaction then names too.  Returns 0 or an error. */
static int feed_commit(struct index *ix, struct kt_error *err)
{
	char token[64];
	int rc;

	fts_token(token);
	store_fault(ix->store, "feed");
	rc = fts_feed_finish(ix->feed, token, err);
	ix->feed = NULL;
	if (!rc) {
		store_fault(ix->store, "fts");
		rc = meta_set(ix->db, "fts", token, err);
	}
	return rc;
}

/* Brings the open index from its commit to head in one write transaction
 * on index.db.  With feed 0 the full text, when built, changes in that
 * same transaction: search.db is attached, and SQLite commits the two
 * files at once (a super-journal).  With feed 1, for a big diff,
 * search.db is detached from this connection, whose BEGIN IMMEDIATE
 * would lock it too, and a thread changes it through a connection of
 * its own (fts_feed_open()), taking its lock after index.db's as every
 * writer does; the thread's transaction commits first, naming a new
 * token, and then index.db's names it.  Killed between the two commits,
 * the tokens differ and the next search builds the full text again;
 * killed before, both roll back.  A search in between finds the tokens
 * differing and waits in build_fts() for index.db's lock, then finds
 * nothing to build.  Returns 0, 1 when the index must be rebuilt, 2 when
 * feed is 0 and the diff is big (nothing written: the caller comes back
 * with feed 1), or an error. */
static int refresh_with(struct index *ix, const char *head, int feed, struct kt_error *err)
{
	char have[41], spath[PATH_MAX] = "";
	int rc;

	if (feed) {
		const char *file = sqlite3_db_filename(ix->db, "search");
		snprintf(spath, sizeof spath, "%s", file ? file : "");
		if ((rc = db_exec(ix->db, "DETACH search", err)))
			return rc;
	}
	/* The rows of an import go all over the indexes of a million leads:
	 * with SQLite's 2 MB of pages, each insert read pages back and wrote
	 * others out (half the system time of an import).  A cache grows
	 * only as pages are touched, and shrinks after. */
	if (!(rc = db_cache(ix->db, REFRESH_CACHE_KIB, err)) && !(rc = db_exec(ix->db, "BEGIN IMMEDIATE", err))) {
		/* Another process may have refreshed it while we waited. */
		meta_get(ix, "commit", have, sizeof have);
		if (strcmp(have, head)) {
			if (feed)
				rc = feed_open(ix, spath, err);
			else
				ix->fts_on = fts_built(ix);
			if (!rc && !(rc = count_refresh_start(ix, err)) && !(rc = apply_diff(ix, have, head, err)) &&
			    !(rc = count_finish(ix, 1, err)) && !(rc = status_update(ix, have, head, err)))
				rc = meta_set(ix->db, "commit", head, err);
			if (!rc && ix->feed)
				rc = feed_commit(ix, err);
		}
		fts_feed_finish(ix->feed, NULL, NULL);
		ix->feed = NULL;
		ix->fts_on = 0;
		count_build_free(ix);
		if (rc)
			db_exec(ix->db, "ROLLBACK", NULL);
		else
			rc = db_exec(ix->db, "COMMIT", err);
	}
	db_cache(ix->db, DB_CACHE_DEFAULT, NULL);
	if (feed) {
		int arc = attach_search(ix, spath, rc ? NULL : err);
		/* Without it the connection cannot search: the next use opens
		 * the index again. */
		if (arc)
			index_close(ix);
		if (!rc)
			rc = arc;
	}
	return rc;
}

/* Brings an open index to HEAD.  Returns 0, 1 when it must be rebuilt,
 * or an error. */
static int refresh(struct index *ix, struct kt_error *err)
{
	char have[41], head[41];
	int rc;

	/* A change asks the index thousands of times under the lock; a read
	 * transaction (a list naming the references of a million rows) sees
	 * the snapshot it began with, brought to HEAD then. */
	if (ix->reading || (store_locked(ix->store) && ix->fresh &&
	                    ix->fresh_at == store_generation(ix->store)))
		return 0;
	/* The layout and the schemas are checked once a connection: a
	 * rebuild renames another file into place. */
	if (!ix->checked) {
		meta_get(ix, "format", have, sizeof have);
		if (strcmp(have, INDEX_FORMAT))
			return 1;
		meta_get(ix, "schemas", have, sizeof have);
		if (strcmp(have, ix->schemas_tree))
			return 1;
		ix->checked = 1;
	}
	/* Only HEAD's id: the commit of a big import is megabytes of
	 * trailers, and every query comes here. */
	meta_get(ix, "commit", have, sizeof have);
	if ((rc = store_head(ix->store, head, err)))
		return rc;
	if (strcmp(have, head) && (rc = refresh_with(ix, head, 0, err)) == 2) {
		/* Between the two attempts no lock is held: another process
		 * may refresh, or leave search.db of another build. */
		store_fault(ix->store, "big");
		rc = refresh_with(ix, head, 1, err);
	}
	if (rc)
		return rc;
	ix->fresh = 1;
	ix->fresh_at = store_generation(ix->store);
	return 0;
}

/* Opens and refreshes the index.  See index.h. */
int index_open(struct index *ix, struct kt_error *err)
{
	char path[PATH_MAX];
	int rc;

	if (!ix->db) {
		if ((rc = index_file(ix, path, err)))
			return rc;
		if (access(path, F_OK))
			return build(ix, err);
		if ((rc = open_index(ix, path, err)))
			return rc;
	}
	rc = refresh(ix, err);
	return rc == 1 ? build(ix, err) : rc;
}

/* Holds a read transaction.  See index.h. */
int index_read_begin(struct index *ix, struct kt_error *err)
{
	if (ix->reading) {
		ix->reading++;
		return 0;
	}
	int rc = index_open(ix, err);

	if (!rc && !(rc = db_exec(ix->db, "BEGIN", err)))
		ix->reading = 1;
	return rc;
}

/* Ends a read transaction.  See index.h. */
void index_read_end(struct index *ix)
{
	if (ix->reading > 1) {
		ix->reading--;
		return;
	}
	if (ix->db && !sqlite3_get_autocommit(ix->db))
		db_exec(ix->db, "COMMIT", NULL);
	ix->reading = 0;
	exists_forget(ix);
}

/* Rebuilds the index.  See index.h. */
int index_rebuild(struct index *ix, struct kt_error *err)
{
	return build(ix, err);
}

/* Makes the index of the books.  See index.h. */
struct index *index_new(struct store *st, const struct types *types, const char *schemas_tree)
{
	struct index *ix = calloc(1, sizeof *ix);

	if (!ix)
		return NULL;
	/* SQLite's count of memory takes a lock every malloc, which the
	 * rebuild's two threads (feed.c) would contend for.  Only before
	 * SQLite starts; later it refuses, harmlessly. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	/* A statement that may have to be undone on its own (one that fires
	 * triggers, as the count tables' did before INDEX_FORMAT 13, or an
	 * INSERT ... SELECT) keeps the pages it changes in a statement
	 * journal: SQLite's 64 KiB in memory, then a file, to which the rest
	 * of a transaction wrote each page it changed (a million pwrite()s
	 * for 100,000 leads).  Refused as the line above is, it leaves
	 * SQLite's 64 KiB. */
	sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, STMT_JOURNAL_BYTES);
	ix->store = st;
	ix->types = types;
	snprintf(ix->schemas_tree, sizeof ix->schemas_tree, "%s", schemas_tree);
	return ix;
}

/* Frees the index.  See index.h. */
void index_free(struct index *ix)
{
	if (!ix)
		return;
	index_close(ix);
	free(ix);
}

/* Sets the progress function.  See index.h. */
void index_progress(struct index *ix,
                    void (*fn)(void *arg, const char *what, size_t done, size_t total),
                    void *arg)
{
	ix->progress = fn;
	ix->progress_arg = arg;
}

/* Formats a column as stored in CSV.  See db.h. */
const char *db_column_text(sqlite3_stmt *st, int i, enum kt_ftype t, char out[40])
{
	int type = sqlite3_column_type(st, i);

	if (type == SQLITE_NULL)
		return "";
	if (type == SQLITE_INTEGER) {
		int64_t v = sqlite3_column_int64(st, i);
		if (t == KT_MONEY)
			return kt_money_format(v, 0, out);
		if (t == KT_DECIMAL)
			return kt_decimal_format(v, 0, out);
		if (t == KT_BOOL)
			return v ? "true" : "false";
	}
	const char *s = (const char *)sqlite3_column_text(st, i);
	return s ? s : "";
}
