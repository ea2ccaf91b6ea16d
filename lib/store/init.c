/*
 * init.c - new books: a git repository on main with kontora.conf, the
 * default schemas, dictionaries and workflows, the first employee and
 * the ready-made saved filters.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/repo.h"

static const char default_conf[] =
	"# kontora.conf - the books' settings, in git-config syntax.\n"
	"# Change them with 'kontora config KEY VALUE'; see kontora-config(1).\n"
	"[company]\n"
	"\tname = \n"
	"[vat]\n"
	"\trate = 22\n"
	"\tmode = included\n"
	"[invoice]\n"
	"\tnumber-format = {n}\n"
	"[assign]\n"
	"\trule = round-robin\n";

/* Returns 1 if dir is missing or empty, 0 otherwise. */
static int empty_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int empty = 1;

	if (!d)
		return errno == ENOENT;
	while (empty && (e = readdir(d)))
		empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
	closedir(d);
	return empty;
}

/* Stages text as path in idx (as a blob, without touching the worktree,
 * which the checkout at the end writes).  Returns 0 or an error. */
static int stage(git_repository *repo, git_index *idx, const char *path,
                 const char *text, size_t len, struct kt_error *err)
{
	git_index_entry e = { 0 };

	e.mode = GIT_FILEMODE_BLOB;
	e.path = path;
	if (git_index_add_from_buffer(idx, &e, text, len))
		return git_fail(err, path);
	(void)repo;
	return 0;
}

/* Stages every file of datadir/sub whose name ends with suffix. */
static int stage_dir(git_repository *repo, git_index *idx, const char *datadir,
                     const char *sub, const char *suffix, struct kt_error *err)
{
	char dir[PATH_MAX];
	struct dirent **names;
	int n, rc = 0;

	snprintf(dir, sizeof dir, "%s/%s", datadir, sub);
	if ((n = scandir(dir, &names, NULL, alphasort)) < 0)
		return kt_error_set(err, KT_EIO, "%s: %s (is kontora installed?)", dir, strerror(errno));
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		size_t len = strlen(name), slen = strlen(suffix);
		if (!rc && name[0] != '.' && len > slen && !strcmp(name + len - slen, suffix)) {
			char src[PATH_MAX * 2], dst[PATH_MAX];
			struct kt_buf text = { 0 };
			snprintf(src, sizeof src, "%s/%s", dir, name);
			snprintf(dst, sizeof dst, "%s/%s", sub, name);
			if (!(rc = file_read(src, -1, NULL, &text, err)))
				rc = stage(repo, idx, dst, text.data ? text.data : "", text.len, err);
			kt_buf_free(&text);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

/* Writes kontora.conf: the defaults, then the company file's keys over
 * them, through libgit2's config writer.  Returns 0 or an error. */
static int write_conf(const char *dir, const char *company, struct kt_error *err)
{
	char path[PATH_MAX];
	git_config *conf = NULL, *src = NULL;
	git_config_iterator *it = NULL;
	git_config_entry *e;
	FILE *f;
	int rc = 0;

	snprintf(path, sizeof path, "%s/kontora.conf", dir);
	if (!(f = fopen(path, "w")) || fputs(default_conf, f) == EOF) {
		if (f)
			fclose(f);
		return kt_error_set(err, KT_EIO, "%s: %s", path, strerror(errno));
	}
	if (fclose(f))
		return kt_error_set(err, KT_EIO, "%s: %s", path, strerror(errno));
	if (!company)
		return 0;
	if (git_config_open_ondisk(&src, company) || git_config_open_ondisk(&conf, path) ||
	    git_config_iterator_new(&it, src))
		rc = git_fail(err, company);
	while (!rc && !git_config_next(&e, it))
		if (git_config_set_string(conf, e->name, e->value))
			rc = git_fail(err, e->name);
	git_config_iterator_free(it);
	git_config_free(src);
	git_config_free(conf);
	return rc;
}

/* Checks that the company file can be read and parsed before anything
 * is created.  Returns 0 or an error naming the file. */
static int check_company(const char *company, struct kt_error *err)
{
	git_config *cfg = NULL;
	int rc = 0;

	if (access(company, R_OK))
		return kt_error_set(err, KT_EIO, "%s: %s", company, strerror(errno));
	if (git_config_open_ondisk(&cfg, company))
		rc = kt_error_set(err, KT_EINVAL, "%s: %s", company, git_message());
	git_config_free(cfg);
	return rc;
}

/* Returns the login made from an e-mail's local part: lower case, letters,
 * digits, dot, dash and underscore.  Caller frees. */
static char *login_of(const char *email)
{
	size_t n = strcspn(email, "@");
	char *login = strndup(email, n ? n : strlen(email));

	for (char *p = login; p && *p; p++) {
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
		else if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789._-", *p))
			*p = '_';
	}
	return login;
}

/* A record made by init: (name, value) pairs of its fields; the others
 * get their defaults. */
struct init_row {
	const char *const *names;
	const char *const *values;
	size_t n;
};

/* The rows of stage_records(), with their new ids, sorted by id. */
struct new_row {
	char id[9];
	const struct init_row *row;
};

static int new_row_cmp(const void *a, const void *b)
{
	return strcmp(((const struct new_row *)a)->id, ((const struct new_row *)b)->id);
}

/* Stages the shard of new records of type (not split by id), built with
 * its schema from datadir: each row gets a new id and created = now, and
 * the shard is sorted by id; no rows, no shard.  Returns 0 or an error. */
static int stage_records(git_repository *repo, git_index *idx, const struct kt_init *opt,
                         const char *type, const struct init_row *rows, size_t nrows,
                         struct kt_error *err)
{
	char path[PATH_MAX], file[64], created[21];
	struct kt_buf text = { 0 }, shard_text = { 0 };
	struct kt_schema *s = NULL;
	struct new_row *order = calloc(nrows ? nrows : 1, sizeof *order);
	char *shard = NULL;
	char **values = NULL;
	int rc;

	snprintf(path, sizeof path, "%s/schemas/%s.schema", opt->datadir, type);
	snprintf(file, sizeof file, "schemas/%s.schema", type);
	if ((rc = file_read(path, -1, NULL, &text, err)) ||
	    (rc = kt_schema_parse(text.data, text.len, file, &s, err)))
		goto done;
	kt_datetime_format(opt->now, created);
	for (size_t r = 0; order && r < nrows; r++) {
		order[r].row = &rows[r];
		if (id_new(s, order[r].id)) {
			rc = kt_error_set(err, KT_EIO, "%s: no random ids", type);
			goto done;
		}
	}
	if (!nrows)
		goto done;
	qsort(order, nrows, sizeof *order, new_row_cmp);
	if (!order || !(values = calloc(s->nfields + 2, sizeof *values)) ||
	    !(shard = shard_path(s, created, order[0].id)) || shard_header(&shard_text, s, NULL, 0) ||
	    kt_buf_addc(&shard_text, '\n')) {
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
		goto done;
	}
	values[s->nfields + 1] = created;
	for (size_t r = 0; !rc && r < nrows; r++) {
		values[0] = order[r].id;
		for (size_t i = 0; i < s->nfields; i++) {
			const struct kt_field *f = &s->fields[i];
			values[i + 1] = f->def ? f->def : "";
			for (size_t k = 0; k < order[r].row->n; k++)
				if (!strcmp(f->name, order[r].row->names[k]))
					values[i + 1] = (char *)order[r].row->values[k];
		}
		if (kt_csv_add_row(&shard_text, values, s->nfields + 2))
			rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	if (!rc)
		rc = stage(repo, idx, shard, shard_text.data, shard_text.len, err);
done:
	free(order);
	free(values);
	free(shard);
	kt_schema_free(s);
	kt_buf_free(&text);
	kt_buf_free(&shard_text);
	return rc;
}

/* Stages the shard with the first employee, an admin.  Returns 0 or an
 * error. */
static int stage_admin(git_repository *repo, git_index *idx, const struct kt_init *opt,
                       struct kt_error *err)
{
	static const char *const names[] = { "login", "name", "email", "role" };
	char *login = login_of(opt->email), *email = strdup(opt->email);
	int rc;

	for (char *p = email; p && *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	if (!login || !email) {
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	} else {
		const char *values[] = { login, opt->name, email, "admin" };
		struct init_row row = { names, values, 4 };
		rc = stage_records(repo, idx, opt, "employee", &row, 1, err);
	}
	free(login);
	free(email);
	return rc;
}

/* Stages the ready-made saved filters: every datadir/filters/NAME.sql
 * becomes a filter record called NAME of type sql, its description the
 * text of the file's first line when that is an SQL comment ("-- ...").
 * Returns 0 or an error. */
static int stage_filters(git_repository *repo, git_index *idx, const struct kt_init *opt,
                         struct kt_error *err)
{
	static const char *const names[] = { "name", "description", "type", "sql" };
	char dir[PATH_MAX];
	struct dirent **ents;
	struct init_row *rows;
	struct kt_buf *texts;
	char **descs;
	size_t nrows = 0;
	int n, rc = 0;

	snprintf(dir, sizeof dir, "%s/filters", opt->datadir);
	if ((n = scandir(dir, &ents, NULL, alphasort)) < 0)
		return kt_error_set(err, KT_EIO, "%s: %s (is kontora installed?)", dir, strerror(errno));
	rows = calloc((size_t)n + 1, sizeof *rows);
	texts = calloc((size_t)n + 1, sizeof *texts);
	descs = calloc((size_t)n + 1, sizeof *descs);
	const char *(*values)[4] = calloc((size_t)n + 1, sizeof *values);
	if (!rows || !texts || !descs || !values)
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	for (int i = 0; !rc && i < n; i++) {
		char *name = ents[i]->d_name, src[PATH_MAX * 2];
		size_t len = strlen(name);
		if (name[0] == '.' || len < 5 || strcmp(name + len - 4, ".sql"))
			continue;
		snprintf(src, sizeof src, "%s/%s", dir, name);
		if ((rc = file_read(src, -1, NULL, &texts[nrows], err)))
			break;
		struct kt_buf *t = &texts[nrows];
		while (t->len && (t->data[t->len - 1] == '\n' || t->data[t->len - 1] == ' '))
			t->data[--t->len] = '\0';
		const char *sql = t->data ? t->data : "";
		name[len - 4] = '\0';
		if (!strncmp(sql, "-- ", 3) && !(descs[nrows] = strndup(sql + 3, strcspn(sql + 3, "\n")))) {
			rc = kt_error_set(err, KT_ENOMEM, "out of memory");
			break;
		}
		values[nrows][0] = name;
		values[nrows][1] = descs[nrows] ? descs[nrows] : "";
		values[nrows][2] = "sql";
		values[nrows][3] = sql;
		rows[nrows] = (struct init_row){ names, values[nrows], 4 };
		nrows++;
	}
	if (!rc)
		rc = stage_records(repo, idx, opt, "filter", rows, nrows, err);
	for (size_t i = 0; texts && descs && i < nrows; i++) {
		kt_buf_free(&texts[i]);
		free(descs[i]);
	}
	for (int i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	free(rows);
	free(texts);
	free(descs);
	free(values);
	return rc;
}

/* Commits the staged index as the first commit and checks it out. */
static int first_commit(git_repository *repo, git_index *idx, const struct kt_init *opt,
                        struct kt_error *err)
{
	git_oid tree_oid, commit_oid;
	git_tree *tree = NULL;
	git_signature *sig = NULL;
	git_checkout_options co;
	int rc = 0;

	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	co.checkout_strategy = GIT_CHECKOUT_FORCE;
	if (git_index_write_tree(&tree_oid, idx) || git_tree_lookup(&tree, repo, &tree_oid) ||
	    git_signature_new(&sig, opt->name, opt->email, (git_time_t)opt->now, 0) ||
	    git_commit_create(&commit_oid, repo, "HEAD", sig, sig, NULL,
	                      "init: new books\n\nKontora-Command: init\n", tree, 0, NULL) ||
	    git_index_write(idx) || git_checkout_head(repo, &co))
		rc = git_fail(err, "init");
	git_signature_free(sig);
	git_tree_free(tree);
	return rc;
}

/* Creates new books.  See kontora.h. */
int kt_books_init(const struct kt_init *opt, struct kt_error *err)
{
	git_repository *repo = NULL;
	git_index *idx = NULL;
	git_repository_init_options io;
	struct kt_buf conf = { 0 };
	char path[PATH_MAX];
	int rc;

	if (!empty_dir(opt->dir)) {
		snprintf(path, sizeof path, "%s/kontora.conf", opt->dir);
		return kt_error_set(err, KT_EEXISTS, access(path, F_OK) ? "%s: not empty; kontora init wants a new or empty directory"
		                                                         : "%s: already kontora books", opt->dir);
	}
	if ((rc = git_start(err)))
		return rc;
	if (opt->company && (rc = check_company(opt->company, err)))
		goto done;
	git_repository_init_options_init(&io, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	io.flags = GIT_REPOSITORY_INIT_MKPATH;
	io.initial_head = "main";
	if (git_repository_init_ext(&repo, opt->dir, &io) || git_repository_index(&idx, repo)) {
		rc = git_fail(err, opt->dir);
		goto done;
	}
	snprintf(path, sizeof path, "%s/kontora.conf", opt->dir);
	if ((rc = write_conf(opt->dir, opt->company, err)) || (rc = file_read(path, -1, NULL, &conf, err)) ||
	    (rc = stage(repo, idx, "kontora.conf", conf.data, conf.len, err)) ||
	    (rc = stage_dir(repo, idx, opt->datadir, "schemas", ".schema", err)) ||
	    (rc = stage_dir(repo, idx, opt->datadir, "dicts", ".csv", err)) ||
	    (rc = stage_dir(repo, idx, opt->datadir, "workflows", ".flow", err)) ||
	    (rc = stage_dir(repo, idx, opt->datadir, "templates", ".tmpl", err)) ||
	    (rc = stage_dir(repo, idx, opt->datadir, "templates", ".contract", err)) ||
	    (rc = stage_dir(repo, idx, opt->datadir, "reports", ".sql", err)) ||
	    (rc = stage_admin(repo, idx, opt, err)) ||
	    (rc = stage_filters(repo, idx, opt, err)))
		goto done;
	rc = first_commit(repo, idx, opt, err);
done:
	kt_buf_free(&conf);
	git_index_free(idx);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return rc;
}
