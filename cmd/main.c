/*
 * main.c - kontora's dispatcher: global options, then a table of commands.
 * A command that is not in the table but names a record type of the books
 * (client, lead, ...) goes to the generic record command.
 */
#include <errno.h>
#include <getopt.h>
#include <libintl.h>
#include <limits.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"

enum { NEED_BOOKS = 1 };

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv, struct kt_ctx *ctx);
	int flags;
	const char *summary;
} commands[] = {
	{ "agenda", cmd_agenda, NEED_BOOKS, "a person's tasks by day" },
	{ "attach", cmd_attach, NEED_BOOKS, "store files with a record" },
	{ "check", cmd_check, NEED_BOOKS, "validate the whole books" },
	{ "config", cmd_config, NEED_BOOKS, "read and set kontora.conf" },
	{ "contract", cmd_contract, NEED_BOOKS, "contracts from templates, as PDF" },
	{ "dict", cmd_dict, NEED_BOOKS, "list and change dictionaries" },
	{ "export", cmd_export, NEED_BOOKS, "write invoices for other programs: 1C" },
	{ "filter", cmd_filter, NEED_BOOKS, "save and run lists and queries by name" },
	{ "help", cmd_help, 0, "show a command's manual page" },
	{ "import", cmd_import, NEED_BOOKS, "import web leads, the webhook's spool, bank statements" },
	{ "init", cmd_init, 0, "create new books" },
	{ "invoice", cmd_invoice, NEED_BOOKS, "invoices: drafts, issuing with a number, cancelling, PDF, XLSX, mail" },
	{ "lab", cmd_lab, NEED_BOOKS, "cost calculations and samples: requests to the lab" },
	{ "list", cmd_list, NEED_BOOKS, "list records of a type" },
	{ "log", cmd_log, NEED_BOOKS, "show the history of a record" },
	{ "lookup", cmd_lookup, NEED_BOOKS, "find who a phone number belongs to" },
	{ "mail", cmd_mail, NEED_BOOKS, "send files by e-mail through sendmail" },
	{ "note", cmd_note, NEED_BOOKS, "record a call, e-mail, meeting or note" },
	{ "payment", cmd_payment, NEED_BOOKS, "bank payments and what they pay towards invoices" },
	{ "proposal", cmd_proposal, NEED_BOOKS, "commercial proposals: drafts, sending, the answer, PDF, XLSX, mail" },
	{ "reindex", cmd_reindex, NEED_BOOKS, "rebuild the index" },
	{ "report", cmd_report, NEED_BOOKS, "reports: funnel, debts, dashboard... as tables, XLSX, PDF" },
	{ "search", cmd_search, NEED_BOOKS, "find records by their words" },
	{ "sql", cmd_sql, NEED_BOOKS, "run a read-only SQL query on the index" },
	{ "tick", cmd_tick, NEED_BOOKS, "fire the workflows' timed robots that are due (cron)" },
	{ "webhook", cmd_webhook, 0, "take web form posts (a CGI program)" },
	{ "__complete", cmd_complete, 0, "what the shell's completion offers" },
};

static const char main_usage[] = N_(
	"usage: kontora [-C DIR] COMMAND [ARGS]\n"
	"       kontora [-C DIR] TYPE add|show|edit|list|rm [ARGS]\n"
	"\n"
	"commands:\n"
	"  init DIR      create new books\n"
	"  TYPE ...      employee, client, contact, lead, activity, task, product\n"
	"                and any other type in the books' schemas/\n"
	"  list TYPE     list records of a type\n"
	"  log ID        show the history of a record\n"
	"  note ID TEXT  record a call, e-mail, meeting or note on a record\n"
	"  attach ID FILE...  store files with a record (--list ID lists them)\n"
	"  agenda        your tasks by day (--week, --ics FILE)\n"
	"  lab ...       requests to the lab: calc and sample new, queue, list\n"
	"  mail --to ADDR FILE...  send files by e-mail (mail.sendmail)\n"

	"  proposal ...  proposals: new, send, accept, decline, show, pdf, xlsx, mail\n"
	"  invoice ...   invoices: new, issue, cancel, show, pdf, xlsx, mail, list\n"
	"  lookup PHONE  find the client, contact or lead of a phone number\n"
	"  contract ...  contracts from the books' templates: new, pdf, templates\n"
	"  dict ...      list and change dictionaries (funnel stages, sources, ...)\n"
	"  filter ...    save and run lists and queries by name (filter list)\n"
	"  check         validate the whole books\n"
	"  search TEXT   find records by their words\n"
	"  reindex       rebuild the index\n"
	"  report NAME   reports: funnel, debts, dashboard... (report list)\n"
	"  sql QUERY     run a read-only SQL query on the index\n"
	"  tick          fire the workflows' timed robots that are due (cron)\n"
	"  config KEY [VALUE]  read and set kontora.conf\n"
	"  help [COMMAND]      show a command's manual page\n");

/* Parses KONTORA_NOW: epoch seconds or a time kt_time_parse() reads,
 * ISO 8601 with Z or an offset (2026-11-10T10:00:00+03:00). */
static time_t parse_now(const char *s)
{
	time_t now = time(NULL), t;
	char *end;

	if (!s || !*s)
		return now;
	long long secs = strtoll(s, &end, 10);
	if (!*end)
		return (time_t)secs;
	if (kt_time_parse(s, now, &t))
		die("KONTORA_NOW=%s: not a time such as 2026-11-10T10:00:00+03:00, or seconds", s);
	return t;
}

/* Says what the library tells a command on the way (a stale lock removed). */
static void say_warning(void *arg, const char *msg)
{
	warn("%s", msg);
}

/* KONTORA_FAULT=POINT:kill or POINT:pause:FILE, for the crash and race
 * tests (docs/testing.md): the first time a write reaches POINT, kill
 * the process as kill -9 would, or create FILE and wait until it is
 * removed (a minute at most). */
static void stop_at(void *spec, const char *point)
{
	static int done;
	const char *s = spec;
	size_t n = strlen(point);

	if (done || strncmp(s, point, n) || s[n] != ':')
		return;
	done = 1;
	if (!strcmp(s + n + 1, "kill")) {
		fflush(NULL);
		raise(SIGKILL);
	}
	if (strncmp(s + n + 1, "pause:", 6))
		die("KONTORA_FAULT=%s: not POINT:kill or POINT:pause:FILE", s);
	const char *file = s + n + 7;
	FILE *f = fopen(file, "w");
	if (!f || fclose(f))
		die("KONTORA_FAULT: %s: %s", file, strerror(errno));
	for (int i = 0; i < 6000 && !access(file, F_OK); i++)
		usleep(10000);
}

/* Finds the data directory: next to the binary when run from the build
 * tree, else the installed one. */
static const char *find_datadir(void)
{
	static char dir[PATH_MAX];
	char probe[PATH_MAX + 32];
	const char *env = getenv("KONTORA_DATADIR");
	ssize_t n;

	if (env && *env)
		return env;
	if ((n = readlink("/proc/self/exe", dir, sizeof dir - 1)) > 0) {
		dir[n] = '\0';
		char *slash = strrchr(dir, '/');
		if (slash) {
			*slash = '\0';
			snprintf(probe, sizeof probe, "%s/schemas/employee.schema", dir);
			if (!access(probe, R_OK))
				return dir;
		}
	}
	return KT_DATADIR;
}

/* Speaks the language of the user's messages (LC_ALL, LC_MESSAGES or
 * LANG: Russian under ru_RU.UTF-8, else English), from the catalogue
 * beside an uninstalled kontora (datadir/locale) or the installed one.
 * Only LC_MESSAGES is set: numbers stay C in CSV, JSON and XLSX. */
static void messages_language(const char *datadir)
{
	char dir[PATH_MAX + 16];

	setlocale(LC_MESSAGES, "");
	snprintf(dir, sizeof dir, "%s/locale", datadir);
	bindtextdomain("kontora", access(dir, R_OK) ? KT_LOCALEDIR : dir);
	bind_textdomain_codeset("kontora", "UTF-8");
}

int main(int argc, char **argv)
{
	struct kt_ctx ctx = { 0 };
	int c;

	ctx.datadir = find_datadir();
	messages_language(ctx.datadir);

	ctx.books_dir = getenv("KONTORA_BOOKS");
	ctx.opt.user = getenv("KONTORA_USER");
	if (ctx.opt.user && !*ctx.opt.user)
		ctx.opt.user = NULL;
	ctx.opt.now = parse_now(getenv("KONTORA_NOW"));
	ctx.opt.warning = say_warning;
	ctx.opt.home = getenv("HOME");
	ctx.opt.xdg_config_home = getenv("XDG_CONFIG_HOME");
	ctx.opt.fault_arg = getenv("KONTORA_FAULT");
	if (ctx.opt.fault_arg && *(char *)ctx.opt.fault_arg)
		ctx.opt.fault_point = stop_at;
	if (getenv("KONTORA_STREAM_BYTES"))
		ctx.opt.stream_bytes = strtoul(getenv("KONTORA_STREAM_BYTES"), NULL, 10);
	if (getenv("KONTORA_SPLIT_BYTES"))
		ctx.opt.split_bytes = strtoul(getenv("KONTORA_SPLIT_BYTES"), NULL, 10);

	/* A web server runs a CGI program without arguments: a link called
	 * kontora-webhook is kontora webhook. */
	const char *base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	if (!strcmp(base, "kontora-webhook"))
		return cmd_webhook(1, (char *[]){ "webhook", NULL }, &ctx);
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	opterr = 0;

	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 }
	};
	while ((c = getopt_long(argc, argv, "+C:hv", longopts, NULL)) != -1) {
		switch (c) {
		case 'C':
			ctx.books_dir = optarg;
			break;
		case 'h':
			usage(main_usage, 1);
		case 'v':
			printf("kontora %s\n", KT_VERSION);
			return 0;
		default:
			option_error(argv, main_usage);
		}
	}
	argc -= optind;
	argv += optind;
	optind = 0;
	if (argc < 1)
		usage(main_usage, 0);
	usage_words(argc, argv);
	static const char *names[sizeof commands / sizeof *commands + 1];
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		names[i] = commands[i].name;
	ctx.commands = names;
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
		if (strcmp(argv[0], commands[i].name))
			continue;
		int asks_help = argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"));
		if ((commands[i].flags & NEED_BOOKS) && !asks_help)
			need_books(&ctx);
		return commands[i].fn(argc, argv, &ctx);
	}
	if (argv[0][0] == '-' || strchr(argv[0], '/'))
		usage(main_usage, 0);
	return cmd_record(argc, argv, &ctx);
}
