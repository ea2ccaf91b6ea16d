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

/* The commands, as `kontora --help` lists them: a command's arguments
 * after its name, and what it does. */
static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv, struct kt_ctx *ctx);
	int flags;
	const char *args;
	const char *summary;
} commands[] = {
	{ "agenda", cmd_agenda, NEED_BOOKS, "", N_("your tasks by day (--week, --ics FILE)") },
	{ "attach", cmd_attach, NEED_BOOKS, "ID FILE...", N_("store files with a record (--list ID lists them)") },
	{ "check", cmd_check, NEED_BOOKS, "", N_("validate the whole books") },
	{ "config", cmd_config, NEED_BOOKS, "KEY [VALUE]", N_("read and set kontora.conf") },
	{ "contract", cmd_contract, NEED_BOOKS, "...", N_("contracts from the books' templates: new, pdf, templates") },
	{ "dict", cmd_dict, NEED_BOOKS, "...", N_("list and change dictionaries (funnel stages, sources, ...)") },
	{ "export", cmd_export, NEED_BOOKS, "1c ...", N_("write issued invoices for 1C (CommerceML)") },
	{ "filter", cmd_filter, NEED_BOOKS, "...", N_("save and run lists and queries by name (filter list)") },
	{ "help", cmd_help, 0, "[COMMAND]", N_("show a command's manual page") },
	{ "import", cmd_import, NEED_BOOKS, "...", N_("import web leads, the webhook's spool, 1C files, bank statements") },
	{ "init", cmd_init, 0, "DIR", N_("create new books") },
	{ "invoice", cmd_invoice, NEED_BOOKS, "...", N_("invoices: new, issue, cancel, show, pdf, xlsx, mail, list") },
	{ "lab", cmd_lab, NEED_BOOKS, "...", N_("requests to the lab: calc and sample new, queue, list") },
	{ "list", cmd_list, NEED_BOOKS, "TYPE", N_("list records of a type") },
	{ "log", cmd_log, NEED_BOOKS, "ID", N_("show the history of a record") },
	{ "lookup", cmd_lookup, NEED_BOOKS, "PHONE", N_("find the client, contact or lead of a phone number") },
	{ "mail", cmd_mail, NEED_BOOKS, "--to ADDR FILE...", N_("send files by e-mail (mail.sendmail)") },
	{ "note", cmd_note, NEED_BOOKS, "ID TEXT", N_("record a call, e-mail, meeting or note on a record") },
	{ "payment", cmd_payment, NEED_BOOKS, "...", N_("bank payments: list, show, match to invoices and unmatch") },
	{ "proposal", cmd_proposal, NEED_BOOKS, "...", N_("proposals: new, send, accept, decline, show, pdf, xlsx, mail") },
	{ "reindex", cmd_reindex, NEED_BOOKS, "", N_("rebuild the index") },
	{ "report", cmd_report, NEED_BOOKS, "NAME", N_("reports: funnel, debts, dashboard... (report list)") },
	{ "search", cmd_search, NEED_BOOKS, "TEXT", N_("find records by their words") },
	{ "sql", cmd_sql, NEED_BOOKS, "QUERY", N_("run a read-only SQL query on the index") },
	{ "tick", cmd_tick, NEED_BOOKS, "", N_("fire the workflows' timed robots that are due (cron)") },
	{ "webhook", cmd_webhook, 0, "", N_("take web form posts into the spool (a CGI program)") },
	{ "__complete", cmd_complete, 0, "", NULL },
};

static const char main_usage[] = N_(
	"usage: kontora [-C DIR] COMMAND [ARGS]\n"
	"       kontora [-C DIR] TYPE add|show|edit|list|rm [ARGS]\n");

/* Writes into left, of size n, a command's name and arguments as --help
 * shows them. */
static void command_left(char *left, size_t n, size_t i)
{
	snprintf(left, n, "%s%s%s", commands[i].name, *commands[i].args ? " " : "", commands[i].args);
}

/* Prints the usage and every command of the table with its summary (the
 * table is the list: no command can be left out of it), the summaries in
 * one column as wide as the longest command needs, to stdout when asked
 * (exit 0), else to stderr (exit 2). */
static void __attribute__((noreturn)) help(int asked)
{
	FILE *out = asked ? stdout : stderr;
	const size_t ncommands = sizeof commands / sizeof *commands;
	int width = (int)strlen("TYPE ...");
	char left[64];

	for (size_t i = 0; i < ncommands; i++) {
		command_left(left, sizeof left, i);
		if (commands[i].summary && (int)strlen(left) > width)
			width = (int)strlen(left);
	}
	fprintf(out, "%s\n%s\n", _(main_usage), _("commands:"));
	fprintf(out, "  %-*s  %s\n", width, "TYPE ...", _("employee, client, contact, lead, activity, task, product"));
	fprintf(out, "  %-*s  %s\n", width, "", _("and any other type in the books' schemas/"));
	for (size_t i = 0; i < ncommands; i++) {
		if (!commands[i].summary)
			continue;
		command_left(left, sizeof left, i);
		fprintf(out, "  %-*s  %s\n", width, left, _(commands[i].summary));
	}
	exit(asked ? 0 : 2);
}

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
			help(1);
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
		help(0);
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
		help(0);
	return cmd_record(argc, argv, &ctx);
}
