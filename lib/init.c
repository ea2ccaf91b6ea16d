/*
 * init.c - new books: a git repository on main with kontora.conf, the
 * default schemas, dictionaries and workflows, and the first employee.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

static const char default_conf[] =
	"# kontora.conf - the books' settings, in git-config syntax.\n"
	"# Change them with 'kontora config KEY VALUE'; see kontora-config(1).\n"
	"[company]\n"
	"\tname = \n"
	"[vat]\n"
	"\trate = 22\n"
	"\tmode = included\n"
	"[invoice]\n"
	"\tnumber-format = %n\n"
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

/* Reads a whole file into b.  Returns 0 or KT_EIO. */
static int read_file(const char *path, struct kt_buf *b, struct kt_error *err)
{
	FILE *f = fopen(path, "rb");
	char chunk[8192];
	size_t n;
	int rc = 0;

	if (!f)
		return kt_error_set(err, KT_EIO, "%s: %s", path, strerror(errno));
	while (!rc && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
		rc = kt_buf_add(b, chunk, n);
	if (ferror(f))
		rc = kt_error_set(err, KT_EIO, "%s: %s", path, strerror(errno));
	else if (rc)
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	fclose(f);
	return rc;
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
			if (!(rc = read_file(src, &text, err)))
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

/* Stages the shard with the first employee, an admin, built with the
 * employee schema from datadir.  Returns 0 or an error. */
static int stage_admin(git_repository *repo, git_index *idx, const struct kt_init *opt,
                       struct kt_error *err)
{
	char path[PATH_MAX], id[9], created[21];
	struct kt_buf text = { 0 }, row = { 0 };
	struct kt_schema *s = NULL;
	char *login = login_of(opt->email), *shard = NULL, *email = strdup(opt->email);
	char **values = NULL;
	int rc;

	snprintf(path, sizeof path, "%s/schemas/employee.schema", opt->datadir);
	if ((rc = read_file(path, &text, err)) ||
	    (rc = kt_schema_parse(text.data, text.len, "schemas/employee.schema", &s, err)))
		goto done;
	for (char *p = email; p && *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	if (!login || !email || !(values = calloc(s->nfields + 2, sizeof *values)) || id_new(s, id)) {
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
		goto done;
	}
	kt_datetime_format(opt->now, created);
	values[0] = id;
	for (size_t i = 0; i < s->nfields; i++) {
		const struct kt_field *f = &s->fields[i];
		const char *v = f->def ? f->def : "";
		if (!strcmp(f->name, "login"))
			v = login;
		else if (!strcmp(f->name, "name"))
			v = opt->name;
		else if (!strcmp(f->name, "email"))
			v = email;
		else if (!strcmp(f->name, "role"))
			v = "admin";
		values[i + 1] = (char *)v;
	}
	values[s->nfields + 1] = created;
	if (!(shard = shard_path(s, created, id)) || shard_header(&row, s, NULL, 0) ||
	    kt_buf_addc(&row, '\n') || kt_csv_add_row(&row, values, s->nfields + 2))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	else
		rc = stage(repo, idx, shard, row.data, row.len, err);
done:
	free(values);
	free(login);
	free(email);
	free(shard);
	kt_schema_free(s);
	kt_buf_free(&text);
	kt_buf_free(&row);
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
	git_libgit2_init();
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
	if ((rc = write_conf(opt->dir, opt->company, err)) || (rc = read_file(path, &conf, err)) ||
	    (rc = stage(repo, idx, "kontora.conf", conf.data, conf.len, err)) ||
	    (rc = stage_dir(repo, idx, opt->datadir, "schemas", ".schema", err)) ||
	    (rc = stage_dir(repo, idx, opt->datadir, "dicts", ".csv", err)) ||
	    (rc = stage_dir(repo, idx, opt->datadir, "workflows", ".flow", err)) ||
	    (rc = stage_admin(repo, idx, opt, err)))
		goto done;
	rc = first_commit(repo, idx, opt, err);
done:
	kt_buf_free(&conf);
	git_index_free(idx);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return rc;
}
