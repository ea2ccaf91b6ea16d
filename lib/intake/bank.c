/*
 * bank.c - reading a bank statement in the 1CClientBankExchange text
 * format (versions 1.01 to 1.03), as banks' client programs and 1C write
 * it, into payments (struct kt_bank_doc).
 *
 * Real files say one encoding and use another (SOURCES.md of the shared
 * samples: a UTF-8 file declaring Кодировка=windows), so the bytes decide
 * first: valid UTF-8 is UTF-8, anything else is Windows-1251, or DOS
 * (CP866) when the header says so.  A Кодировка naming none of these is
 * refused, as is a file that does not begin with 1CClientBankExchange or
 * does not reach КонецФайла: a statement cut short would import half.
 * Keys belong to their section (Получатель in the header is the receiving
 * program, in a document the payee), values are trimmed, blank lines and
 * CRLF are fine.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "intake/intake.h"

/* Frees a statement and its documents.  NULL is fine. */
void kt_bank_free(struct kt_bank_statement *st)
{
	if (!st)
		return;
	free(st->docs);
	strv_free(st->accounts, st->naccounts);
	free(st->text);
	free(st->name);
	free(st);
}

/* The text of a statement being read, line by line. */
struct reader {
	const char *name;      /* the file, for messages */
	char *text;            /* UTF-8, owned */
	char *pos;             /* the next line */
	long line;             /* the line last read */
	struct kt_error *err;
};

/* Returns the text from s to end (which it ends with a NUL) without the
 * spaces, tabs and CRs around it. */
static char *trim(char *s, char *end)
{
	while (s < end && (*s == ' ' || *s == '\t' || *s == '\r'))
		s++;
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	*end = '\0';
	return s;
}

/* Reads the next line into *key and *value (trimmed, in r->text; value
 * NULL for a line without '=').  Returns 1, or 0 at the end of the text. */
static int next_line(struct reader *r, char **key, char **value)
{
	if (!r->pos || !*r->pos)
		return 0;
	char *s = r->pos, *nl = strchr(s, '\n');
	char *end = nl ? nl : s + strlen(s);
	r->pos = nl ? nl + 1 : NULL;
	r->line++;
	char *eq = memchr(s, '=', (size_t)(end - s));
	*key = trim(s, eq ? eq : end);
	*value = eq ? trim(eq + 1, end) : NULL;
	return 1;
}

/* Fails with "file:line: " and the message of fmt, translated. */
static int refuse(struct reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int refuse(struct reader *r, const char *fmt, ...)
{
	char what[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, _(fmt), ap);
	va_end(ap);
	return kt_error_set(r->err, KT_EINVAL, "%s:%ld: %s", r->name, r->line, what);
}

/* Turns the value v of key, dd.mm.yyyy, into YYYY-MM-DD where it is
 * (the same length); "" stays "".  Returns 0 and *date (v), or fails
 * naming key. */
static int read_date(struct reader *r, const char *key, char *v, char **date)
{
	char iso[11] = "";

	if (!*v) {
		*date = v;
		return 0;
	}
	if (strlen(v) == 10 && v[2] == '.' && v[5] == '.') {
		memcpy(iso, v + 6, 4);
		iso[4] = '-';
		memcpy(iso + 5, v + 3, 2);
		iso[7] = '-';
		memcpy(iso + 8, v, 2);
		iso[10] = '\0';
	}
	if (!kt_date_valid(iso))
		return refuse(r, "%s: not a date (DD.MM.YYYY): %s", key, v);
	*date = memcpy(v, iso, sizeof iso);
	return 0;
}

/* Reads an amount as banks write it, digits with up to two decimals after
 * a dot (or a comma), into kopecks.  Returns 0 or fails. */
static int read_amount(struct reader *r, const char *v, int64_t *kopecks)
{
	size_t i = 0, digits = 0, decimals = 0;
	int64_t k = 0;
	for (; v[i] >= '0' && v[i] <= '9' && digits < 15; i++, digits++)
		k = k * 10 + (v[i] - '0');
	if (digits && (v[i] == '.' || v[i] == ','))
		for (i++; v[i] >= '0' && v[i] <= '9' && decimals < 2; i++, decimals++)
			k = k * 10 + (v[i] - '0');
	if (!digits || v[i] || (v[i - 1] == '.' || v[i - 1] == ','))
		return refuse(r, "Сумма: not an amount: %s", v);
	for (; decimals < 2; decimals++)
		k *= 10;
	*kopecks = k;
	return 0;
}

/* Returns name without a leading INN (or "ИНН inn "), as some banks
 * write Плательщик=6154569327 ООО "ТЕХНОСФЕРА". */
static char *without_inn(char *name, const char *inn)
{
	size_t n = strlen(inn);
	if (!strncmp(name, "ИНН ", strlen("ИНН ")))
		name += strlen("ИНН ");
	if (n && !strncmp(name, inn, n) && name[n] == ' ')
		return name + n + 1;
	return name;
}

/* The keys of a document that kontora reads. */
enum doc_key {
	K_NUMBER, K_PAYER_INN, K_PAYER_KPP, K_PAYER_ACCOUNT, K_PAYEE_INN, K_PAYEE_KPP,
	K_PAYEE_ACCOUNT, K_PURPOSE, K_PAYER1, K_PAYEE1, K_PAYER, K_PAYEE, K_PAYER_ACCOUNT2,
	K_PAYEE_ACCOUNT2, K_DATE, K_DATE_OUT, K_DATE_IN, K_AMOUNT, K_KEYS
};

/* Returns the doc_key of key, or -1 for a key kontora does not read.
 * The lengths first: a chain of strcmp() was 1.1 million calls for
 * 10,000 payments. */
static int doc_key(const char *key)
{
#define KEY(s) { s, sizeof s - 1 }
	static const struct { const char *name; size_t len; } keys[K_KEYS] = {
		KEY("Номер"), KEY("ПлательщикИНН"), KEY("ПлательщикКПП"), KEY("ПлательщикСчет"),
		KEY("ПолучательИНН"), KEY("ПолучательКПП"), KEY("ПолучательСчет"),
		KEY("НазначениеПлатежа"), KEY("Плательщик1"), KEY("Получатель1"), KEY("Плательщик"),
		KEY("Получатель"), KEY("ПлательщикРасчСчет"), KEY("ПолучательРасчСчет"), KEY("Дата"),
		KEY("ДатаСписано"), KEY("ДатаПоступило"), KEY("Сумма"),
	};
#undef KEY
	size_t len = strlen(key);

	for (int i = 0; i < K_KEYS; i++)
		if (keys[i].len == len && !memcmp(keys[i].name, key, len))
			return i;
	return -1;
}

/* What a document leaves out: "" (never written). */
static char empty[] = "";

/* Reads a document section up to КонецДокумента into d (kind and line
 * set), its strings pointing into the reader's text: a statement of
 * 10,000 payments was 170,000 copies, each freed in turn.  Returns 0 or
 * an error. */
static int read_doc(struct reader *r, struct kt_bank_doc *d)
{
	char *key, *v, *got[K_KEYS] = { NULL }, *date = empty;
	int rc = 0, done = 0, amount = 0;

	d->date_in = d->date_out = empty;
	while (!rc && !done && next_line(r, &key, &v)) {
		int k = v ? doc_key(key) : -1;
		if (!v) {
			if (!strcmp(key, "КонецДокумента"))
				done = 1;
			else if (*key)
				rc = refuse(r, "not KEY=VALUE inside a document: %s", key);
		} else if (k == K_DATE || k == K_DATE_OUT || k == K_DATE_IN) {
			rc = read_date(r, key, v, k == K_DATE ? &date : k == K_DATE_OUT ? &d->date_out
			                                                                : &d->date_in);
		} else if (k == K_AMOUNT) {
			amount = !(rc = read_amount(r, v, &d->amount));
		} else if (k >= 0) {
			got[k] = v;
		}
	}
	if (!rc && !done)
		rc = refuse(r, "the document has no КонецДокумента: the statement is cut short");
	long end = r->line;
	r->line = d->line;
	if (!rc && !amount)
		rc = refuse(r, "the document has no Сумма");
	if (!rc && !*date)
		rc = refuse(r, "the document has no Дата");
	r->line = end;
	if (rc)
		return rc;
	char **fields[] = { &d->number, &d->payer_inn, &d->payer_kpp, &d->payer_account,
	                    &d->payee_inn, &d->payee_kpp, &d->payee_account, &d->purpose };
	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
		*fields[i] = got[i] ? got[i] : empty;
	char **accounts[2] = { &d->payer_account, &d->payee_account };
	char **party[2] = { &d->payer, &d->payee };
	const char *inns[2] = { d->payer_inn, d->payee_inn };
	for (size_t i = 0; i < 2; i++) {
		if (!**accounts[i])
			*accounts[i] = got[K_PAYER_ACCOUNT2 + i] ? got[K_PAYER_ACCOUNT2 + i] : empty;
		char *name = got[K_PAYER1 + i] && *got[K_PAYER1 + i] ? got[K_PAYER1 + i]
		           : got[K_PAYER + i] ? got[K_PAYER + i] : empty;
		*party[i] = without_inn(name, inns[i]);
	}
	d->date = date;
	return 0;
}

/* Returns the value of the header's Кодировка in text (caller frees),
 * its line in *line, or NULL when the header has none or out of memory
 * (*line 0). */
static char *header_encoding(const char *text, long *line)
{
	struct reader h = { .line = 0 };
	char *key, *v, *enc = NULL;

	*line = 0;
	/* next_line() cuts the text it reads: read a copy of the lines up to
	 * the first section's, not of the whole statement. */
	const char *end = text;
	while (*end) {
		const char *s = end + strspn(end, " \t\r");
		if (!strncmp(s, "Секция", strlen("Секция")))
			break;
		end = strchr(end, '\n');
		end = end ? end + 1 : text + strlen(text);
	}
	if (!(h.text = h.pos = strndup(text, (size_t)(end - text))))
		return NULL;
	while (!enc && next_line(&h, &key, &v) && strncmp(key, "Секция", strlen("Секция")))
		if (v && !strcmp(key, "Кодировка") && (enc = strdup(v)))
			*line = h.line;
	free(h.text);
	return enc;
}

/* Returns 1 if the Кодировка value enc says DOS (CP866). */
static int says_dos(const char *enc)
{
	return enc && (!strcasecmp(enc, "dos") || !strcasecmp(enc, "cp866") || !strcmp(enc, "866"));
}

/* Checks the header's Кодировка against how the text was decoded: a text
 * that is not UTF-8 and whose header reads Кодировка=DOS as CP866 is
 * CP866 (its header does not read as Windows-1251).  Returns 0 or an
 * error. */
static int check_encoding(struct reader *r, const char *data, size_t len,
                          struct kt_bank_statement *st)
{
	long line;
	char *enc = header_encoding(r->text, &line);
	int rc = 0;

	if (!enc && strcmp(st->encoding, "utf-8")) {
		char *text = NULL;
		if (intake_recode(data, len, intake_cp866, &text, NULL) == KT_ENOMEM)
			return kt_error_set(r->err, KT_ENOMEM, "out of memory");
		enc = text ? header_encoding(text, &line) : NULL;
		if (says_dos(enc)) {
			free(r->text);
			r->text = r->pos = text;
			st->encoding = "cp866";
		} else {
			free(text);
			free(enc);
			enc = NULL;
		}
	}
	r->line = line;
	if (!enc || !strcasecmp(enc, "windows") || !strcasecmp(enc, "windows-1251") ||
	    !strcasecmp(enc, "cp1251") || !strcmp(enc, "1251") || says_dos(enc))
		rc = 0;
	else if (!strcasecmp(enc, "utf-8") || !strcasecmp(enc, "utf8"))
		rc = strcmp(st->encoding, "utf-8") ? refuse(r, "Кодировка=UTF-8, but the file is not UTF-8") : 0;
	else
		rc = refuse(r, "unknown encoding: Кодировка=%s (Windows, DOS or UTF-8)", enc);
	r->line = 0;
	free(enc);
	return rc;
}

/* Reads the statement's lines after its first: the header, the account
 * sections and the documents, up to КонецФайла.  Returns 0 or an
 * error. */
static int read_sections(struct reader *r, struct kt_bank_statement *st)
{
	char *key, *v;
	int in_account = 0;
	size_t cap = 0;

	while (next_line(r, &key, &v)) {
		if (!v && !strcmp(key, "КонецФайла"))
			return 0;
		if (!v && !strcmp(key, "СекцияРасчСчет")) {
			in_account = 1;
		} else if (!v && !strcmp(key, "КонецРасчСчет")) {
			in_account = 0;
		} else if (v && !strcmp(key, "СекцияДокумент")) {
			if (st->ndocs == cap) {
				cap = cap ? cap * 2 : 16;
				struct kt_bank_doc *docs = realloc(st->docs, cap * sizeof *docs);
				if (!docs)
					return kt_error_set(r->err, KT_ENOMEM, "out of memory");
				st->docs = docs;
			}
			struct kt_bank_doc *d = &st->docs[st->ndocs++];
			memset(d, 0, sizeof *d);
			d->line = r->line;
			if (!*v)
				return refuse(r, "СекцияДокумент names no kind of document");
			d->kind = v;
			int rc = read_doc(r, d);
			if (rc)
				return rc;
		} else if (v && !strcmp(key, "ВерсияФормата") && !in_account) {
			if (strcmp(v, "1.01") && strcmp(v, "1.02") && strcmp(v, "1.03"))
				return refuse(r, "ВерсияФормата=%s: kontora reads 1.01 to 1.03", v);
			st->version = v;
		} else if (v && !strcmp(key, "РасчСчет") && *v) {
			if (!strv_has(st->accounts, st->naccounts, v) &&
			    strv_push(&st->accounts, &st->naccounts, v))
				return kt_error_set(r->err, KT_ENOMEM, "out of memory");
		} else if (!v && *key) {
			return refuse(r, "not KEY=VALUE: %s", key);
		}
	}
	return refuse(r, "no КонецФайла: the statement is cut short");
}

/* Reads a 1CClientBankExchange statement from data[0..len); name is the
 * file for messages.  Returns 0 and *out (kt_bank_free()), or KT_EINVAL
 * naming the file and line of what is wrong, or KT_ENOMEM. */
int kt_bank_parse(const char *data, size_t len, const char *name,
                  struct kt_bank_statement **out, struct kt_error *err)
{
	struct reader r = { .name = name ? name : "-", .err = err };
	struct kt_bank_statement *st = calloc(1, sizeof *st);
	char *key, *v;
	int rc;

	*out = NULL;
	if (!st)
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) {
		data += 3;
		len -= 3;
	}
	st->encoding = "utf-8";
	if (!(st->name = strdup(r.name))) {
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
		goto out;
	}
	if (memchr(data, '\0', len)) {
		r.line = 1;
		rc = refuse(&r, "not a 1CClientBankExchange statement (binary data)");
		goto out;
	}
	if (kt_utf8_valid(data, len, NULL)) {
		rc = (r.text = strndup(data, len)) ? 0 : KT_ENOMEM;
	} else {
		st->encoding = "cp1251";
		rc = intake_recode(data, len, intake_cp1251, &r.text, NULL);
	}
	if (rc) {
		rc = rc == KT_ENOMEM ? kt_error_set(err, KT_ENOMEM, "out of memory")
		                     : kt_error_set(err, KT_EINVAL, "%s: does not decode as UTF-8 or "
		                                    "Windows-1251", r.name);
		goto out;
	}
	r.pos = r.text;
	if ((rc = check_encoding(&r, data, len, st)))
		goto out;
	do {
		if (!next_line(&r, &key, &v)) {
			rc = refuse(&r, "empty: not a 1CClientBankExchange statement");
			goto out;
		}
	} while (!*key && !v);
	if (v || strcmp(key, "1CClientBankExchange")) {
		rc = refuse(&r, "not a 1CClientBankExchange statement (its first line is not 1CClientBankExchange)");
		goto out;
	}
	rc = read_sections(&r, st);
out:
	/* The documents' strings are pieces of the text. */
	st->text = r.text;
	if (rc)
		kt_bank_free(st);
	else
		*out = st;
	return rc;
}
