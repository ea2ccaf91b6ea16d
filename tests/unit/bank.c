/*
 * bank.c - unit tests for lib/intake/bank.c: reading 1CClientBankExchange
 * statements, with the quirks of real files (SOURCES.md of the shared
 * samples): a byte order mark, CRLF, spaces around values, Получатель in
 * the header and in a document, a name with its INN in front, an account
 * in Плательщик/ПолучательРасчСчет only, amounts as banks write them.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kontora.h"
#include "tap.h"

static const char statement[] =
	"\xEF\xBB\xBF" "1CClientBankExchange\r\n"
	"ВерсияФормата=1.02\r\n"
	"Кодировка=Windows\r\n"
	"Получатель=Бухгалтерия предприятия\r\n"
	"РасчСчет= 40702810400000004583 \r\n"
	"\r\n"
	"СекцияДокумент=Банковский ордер\r\n"
	"Номер=БА8170433\r\n"
	"Дата=20.08.2018\r\n"
	"Сумма= 18.5 \r\n"
	"Плательщик=6154569327 ООО \"ТЕХНОСФЕРА\"\r\n"
	"ПлательщикИНН=6154569327\r\n"
	"ПлательщикРасчСчет=40702810400000004583\r\n"
	"ДатаСписано=20.08.2018\r\n"
	"Получатель=ПАО \"ДОНКОМБАНК\"\r\n"
	"КонецДокумента\r\n"
	"КонецФайла";

static void test_statement(void)
{
	struct kt_bank_statement *st;
	struct kt_error err = { 0 };

	is_int(kt_bank_parse(statement, sizeof statement - 1, "s.txt", &st, &err), 0,
	       "a statement with a BOM, CRLF and no last newline reads");
	if (!st)
		return;
	is_str(st->encoding, "utf-8", "UTF-8 bytes are UTF-8 whatever the header says");
	is_str(st->version, "1.02", "the version");
	is_int((long)st->naccounts, 1, "one account of its own");
	is_str(st->accounts[0], "40702810400000004583", "trimmed");
	is_int((long)st->ndocs, 1, "one document");
	const struct kt_bank_doc *d = &st->docs[0];
	is_int(d->line, 7, "its line is the line of СекцияДокумент");
	is_str(d->kind, "Банковский ордер", "its kind");
	is_str(d->number, "БА8170433", "a number with letters");
	is_str(d->date, "2018-08-20", "the date as YYYY-MM-DD");
	is_int((long)d->amount, 1850, "18.5 is 1850 kopecks");
	is_str(d->payer, "ООО \"ТЕХНОСФЕРА\"", "the payer without its INN in front");
	is_str(d->payer_account, "40702810400000004583", "the account of ПлательщикРасчСчет");
	is_str(d->payee, "ПАО \"ДОНКОМБАНК\"", "Получатель of the document is the payee, not the program");
	is_str(d->date_out, "2018-08-20", "ДатаСписано");
	is_str(d->date_in, "", "no ДатаПоступило");
	is_str(d->purpose, "", "no purpose is empty, not NULL");
	kt_bank_free(st);
}

static void test_amounts(void)
{
	static const struct { const char *in; long kopecks; } good[] = {
		{ "3800.00", 380000 }, { "0.01", 1 }, { "18026,52", 1802652 }, { "7", 700 },
		{ "12.3", 1230 },
	};
	static const char *const bad[] = {
		"", "12a0.00", "12.", ".5", "1.234", "-5", "1 000.00", "1e3", "3800.00 руб",
	};
	char text[512];
	struct kt_bank_statement *st;
	struct kt_error err;

	for (size_t i = 0; i < sizeof good / sizeof *good + sizeof bad / sizeof *bad; i++) {
		int ok = i < sizeof good / sizeof *good;
		const char *in = ok ? good[i].in : bad[i - sizeof good / sizeof *good];
		snprintf(text, sizeof text, "1CClientBankExchange\nСекцияДокумент=Платежное поручение\n"
		         "Дата=01.12.2026\nСумма=%s\nКонецДокумента\nКонецФайла\n", in);
		int rc = kt_bank_parse(text, strlen(text), "a.txt", &st, &err);
		is_int(rc, ok ? 0 : KT_EINVAL, "Сумма=%s %s", in, ok ? "reads" : "is refused");
		if (ok && st)
			is_int((long)st->docs[0].amount, good[i].kopecks, "Сумма=%s is %ld kopecks", in,
			       good[i].kopecks);
		else if (!ok && !*in)
			is_str(err.msg, "a.txt:4: Сумма: not an amount: ", "the message names the line");
		kt_bank_free(st);
	}
}

int main(void)
{
	test_statement();
	test_amounts();
	return done_testing();
}
