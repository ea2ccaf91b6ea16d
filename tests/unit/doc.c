/*
 * doc.c - unit tests for lib/doc/: documents built by hand (a short
 * invoice, 200 lines with long Cyrillic names, mixed VAT rates, VAT on
 * top, no VAT, a proposal, a draft) written as PDF and XLSX into a
 * temporary directory and read back with the real tools: pdftotext,
 * qpdf --check, pdffonts, pdftoppm and zbarimg (the QR code), python3
 * with openpyxl and LibreOffice.  A tool that is missing skips its
 * checks.  Run from the top of the project (templates/ is read there).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kontora.h"
#include "doc/doc.h"
#include "tap.h"

static char dir[PATH_MAX];

/* Returns a copy of s (NULL stays NULL); dies when out of memory. */
static char *S(const char *s)
{
	char *c = s ? strdup(s) : NULL;

	if (s && !c)
		abort();
	return c;
}

/* Returns a new document of type with the supplier and buyer filled with
 * real public requisites (Sberbank's bank details). */
static struct kt_document *doc_new(const char *type, const char *number, int included)
{
	struct kt_document *d = calloc(1, sizeof *d);

	if (!d)
		abort();
	d->id = S("I0001TST");
	d->type = S(type);
	d->status = S(number ? "issued" : "draft");
	d->number = S(number);
	d->date = S("2026-12-07");
	d->vat_included = included;
	d->supplier = (struct kt_party){
		.name = S("ООО «Кондитерская Хлебница»"),
		.legal_name = S("Общество с ограниченной ответственностью «Кондитерская Хлебница»"),
		.inn = S("7707083893"), .kpp = S("773601001"), .ogrn = S("1027700132195"),
		.address = S("117997, г. Москва, ул. Вавилова, д. 19"),
		.bank = S("ПАО Сбербанк, г. Москва"), .bik = S("044525225"),
		.corr_account = S("30101810400000000225"), .account = S("40702810938000012345"),
		.phone = S("+74955005550"), .director = S("Иванов И. И."),
		.accountant = S("Петрова А. С."),
	};
	d->buyer = (struct kt_party){
		.id = S("C0001TST"), .name = S("ООО «Ёлочка»"),
		.inn = S("7736050003"), .kpp = S("772801001"),
		.address = S("119991, г. Москва, ул. Льва Толстого, д. 16"),
	};
	return d;
}

/* Returns x / y rounded half up (x, y >= 0). */
static int64_t div_round(int64_t x, int64_t y)
{
	return (2 * x + y) / (2 * y);
}

/* Appends a line: sum = qty × price rounded half up, its VAT in it or on
 * top. */
static void line_add(struct kt_document *d, const char *name, const char *unit, int64_t qty_milli,
                     int64_t price, int rate)
{
	struct kt_document_line *lines = realloc(d->lines, (d->nlines + 1) * sizeof *lines);

	if (!lines)
		abort();
	d->lines = lines;
	struct kt_document_line *l = &d->lines[d->nlines++];
	*l = (struct kt_document_line){ .name = S(name), .unit = S(unit), .qty_milli = qty_milli,
	                                .price = price, .vat_rate = rate };
	l->sum = div_round(qty_milli * price, 1000);
	if (rate > 0)
		l->vat = d->vat_included ? div_round(l->sum * rate, 100 + rate) : div_round(l->sum * rate, 100);
}

/* Sums the lines: one VAT total per rate in the order 22, 10, 0, none;
 * the words are given (money/ writes them in the books). */
static void doc_finish(struct kt_document *d, const char *words, const char *purpose)
{
	static const int rates[] = { 22, 10, 0, KT_VAT_NONE };

	d->vats = calloc(4, sizeof *d->vats);
	if (!d->vats)
		abort();
	for (size_t r = 0; r < 4; r++) {
		struct kt_vat_total v = { .rate = rates[r] };
		int seen = 0;
		for (size_t i = 0; i < d->nlines; i++)
			if (d->lines[i].vat_rate == rates[r]) {
				seen = 1;
				v.base += d->lines[i].sum;
				v.vat += d->lines[i].vat;
			}
		if (seen)
			d->vats[d->nvats++] = v;
	}
	for (size_t i = 0; i < d->nlines; i++)
		d->subtotal += d->lines[i].sum;
	for (size_t i = 0; i < d->nvats; i++)
		d->vat_total += d->vats[i].vat;
	d->total = d->subtotal + (d->vat_included ? 0 : d->vat_total);
	d->total_words = S(words);
	d->purpose = S(purpose);
}

/* The short invoice: three lines at 22%, VAT included, 26 516,68 in all
 * and 4 781,70 of VAT (3 336,07 + 1 406,56 + 39,07). */
static struct kt_document *short_invoice(void)
{
	struct kt_document *d = doc_new("invoice", "КХ-2026-0017", 1);

	d->due = S("2026-12-14");
	line_add(d, "Торт «Наполеон» 1,5 кг", "шт", 10000, 185000, 22);
	line_add(d, "Эклер ванильный", "шт", 120000, 6500, 22);
	line_add(d, "Доставка по Москве (₽ за рейс)", "усл", 1000, 21668, 22);
	doc_finish(d, "Двадцать шесть тысяч пятьсот шестнадцать рублей 68 копеек",
	           "Оплата по счету № КХ-2026-0017 от 07.12.2026, в т.ч. НДС");
	return d;
}

/* Returns the output of cmd (a shell command line), or NULL when it could
 * not run; caller frees.  *status gets its exit status. */
static char *run(const char *cmd, int *status)
{
	struct kt_buf out = { 0 };
	char chunk[4096];
	size_t n;
	FILE *p = popen(cmd, "r");

	if (!p)
		return NULL;
	while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
		if (kt_buf_add(&out, chunk, n))
			abort();
	int st = pclose(p);
	if (status)
		*status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	if (kt_buf_adds(&out, ""))
		abort();
	return kt_buf_detach(&out);
}

/* Returns 1 if the program is on PATH. */
static int have(const char *program)
{
	char cmd[256];
	int st = -1;

	snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", program);
	free(run(cmd, &st));
	return st == 0;
}

/* Returns the text of the PDF at path by pdftotext, every run of blanks
 * and newlines made one space, so that a wrapped line reads whole
 * (caller frees). */
static char *pdf_to_text(const char *path)
{
	char cmd[PATH_MAX + 64];

	snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 '%s' - 2>/dev/null", path);
	char *text = run(cmd, NULL), *to = text;
	for (const char *from = text; from && *from; from++)
		if (*from != ' ' && *from != '\n' && *from != '\f')
			*to++ = *from;
		else if (to > text && to[-1] != ' ')
			*to++ = ' ';
	if (to)
		*to = '\0';
	return text;
}

/* Checks that text holds each of the NULL-ended strings. */
static void has_all(const char *text, const char *what, const char *const *want)
{
	for (size_t i = 0; want[i]; i++)
		ok(text && strstr(text, want[i]) != NULL, "%s: the text has \"%s\"", what, want[i]);
}

/* Returns the number of times needle is in hay. */
static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *s = hay; s && (s = strstr(s, needle)); s += strlen(needle))
		n++;
	return n;
}

/* Returns the number of pages of the PDF at path by pdfinfo, or 0. */
static long pdf_page_count(const char *path)
{
	char cmd[PATH_MAX + 64];
	long pages = 0;

	snprintf(cmd, sizeof cmd, "pdfinfo '%s' 2>/dev/null", path);
	char *info = run(cmd, NULL), *at = info ? strstr(info, "Pages:") : NULL;
	if (at)
		pages = strtol(at + 6, NULL, 10);
	free(info);
	return pages;
}

/* Writes d as a PDF called name in the temporary directory; checks that
 * it worked.  Returns the path (static). */
static const char *write_pdf(const struct kt_document *d, const char *name)
{
	static char path[PATH_MAX + 64];
	struct kt_error err = { 0 };

	snprintf(path, sizeof path, "%s/%s.pdf", dir, name);
	int rc = kt_document_pdf(d, "templates", path, &err);
	if (!is_int(rc, 0, "%s: written", name))
		printf("# %s\n", err.msg);
	return path;
}

/* qpdf --check and pdffonts on the PDF at path. */
static void check_pdf_file(const char *path, const char *what)
{
	char cmd[PATH_MAX + 64];
	int st = -1;

	if (!have("qpdf")) {
		skip("qpdf is not installed");
	} else {
		snprintf(cmd, sizeof cmd, "qpdf --check '%s' 2>&1", path);
		char *out = run(cmd, &st);
		ok(st == 0 && out && strstr(out, "No syntax or stream encoding errors"),
		   "%s: qpdf --check is clean", what);
		free(out);
	}
	if (!have("pdffonts")) {
		skip("pdffonts is not installed");
		return;
	}
	snprintf(cmd, sizeof cmd, "pdffonts '%s' 2>/dev/null | tail -n +3", path);
	char *fonts = run(cmd, &st);
	size_t lines = count(fonts, "\n"), embedded = 0;
	for (char *l = fonts; l && *l; l = strchr(l, '\n') + 1) {
		char name[256], type1[64], type2[64], enc[64], emb[8];
		if (sscanf(l, "%255s %63s %63s %63s %7s", name, type1, type2, enc, emb) == 5 &&
		    !strcmp(emb, "yes"))
			embedded++;
		if (!strchr(l, '\n'))
			break;
	}
	ok(lines == 2 && embedded == 2, "%s: both fonts embedded (pdffonts)", what);
	ok(fonts && strstr(fonts, "DejaVuSans,") && strstr(fonts, "DejaVuSans-Bold"),
	   "%s: DejaVu Sans and Bold", what);
	free(fonts);
}

/* Renders page 1 of the PDF at path with pdftoppm and decodes its QR
 * code with zbarimg.  Returns what it holds (caller frees), "" for none,
 * or NULL when the tools are missing. */
static char *qr_of(const char *path)
{
	char cmd[3 * PATH_MAX];
	int st = -1;

	if (!have("pdftoppm") || !have("zbarimg"))
		return NULL;
	snprintf(cmd, sizeof cmd, "pdftoppm -r 200 -png -f 1 -l 1 -singlefile '%s' '%s/qr' 2>/dev/null && "
	         "zbarimg --raw -q -Sbinary '%s/qr.png' 2>/dev/null", path, dir, dir);
	char *out = run(cmd, &st);
	if (out && st != 0)
		out[0] = '\0';
	return out;
}

/* Money, quantities and dates as documents print them. */
static void test_format(void)
{
	char m[40], q[32], dt[40];

	is_str(doc_money(2619168, m), "26 191,68", "money grouped with a comma");
	is_str(doc_money(5, m), "0,05", "kopecks alone");
	is_str(doc_money(-123456789, m), "-1 234 567,89", "a negative amount");
	is_str(doc_qty(1500, q), "1,5", "a quantity of 1,5");
	is_str(doc_qty(12000, q), "12", "a whole quantity");
	is_str(doc_qty(125, q), "0,125", "thousandths");
	is_str(doc_date("2026-12-07", 0, dt), "07.12.2026", "a date");
	is_str(doc_date("2026-03-01", 1, dt), "1 марта 2026 г.", "a date in words");
	is_str(doc_date("2026-02-30", 1, dt), "", "no such day prints nothing");
}

/* The QR code's text by ГОСТ Р 56042-2014. */
static void test_qr_payload(void)
{
	struct kt_document *d = short_invoice();
	struct kt_buf b = { 0 };
	struct kt_error err = { 0 };

	is_int(kt_document_qr_payload(d, &b, &err), 0, "payload built");
	is_str(b.data, "ST00012|Name=Общество с ограниченной ответственностью «Кондитерская Хлебница»"
	       "|PersonalAcc=40702810938000012345|BankName=ПАО Сбербанк, г. Москва|BIC=044525225"
	       "|CorrespAcc=30101810400000000225|PayeeINN=7707083893|KPP=773601001"
	       "|Purpose=Оплата по счету № КХ-2026-0017 от 07.12.2026, в т.ч. НДС|Sum=2651668",
	       "payload: UTF-8 header, fields in order, the sum in kopecks");
	kt_buf_reset(&b);
	free(d->purpose);
	d->purpose = S("Оплата | счет 17");
	is_int(kt_document_qr_payload(d, &b, &err), 0, "payload with | in a value");
	ok(!strncmp(b.data, "ST00012#Name=", 13) && strstr(b.data, "#Purpose=Оплата | счет 17#Sum="),
	   "a | in a value makes # the separator");
	kt_buf_reset(&b);
	free(d->supplier.account);
	d->supplier.account = NULL;
	is_int(kt_document_qr_payload(d, &b, &err), KT_EINVAL, "no account: refused");
	is_str(err.msg, "the payment QR code needs PersonalAcc (company.account in kontora.conf)",
	       "the message names the setting");
	kt_buf_free(&b);
	kt_document_free(d);
}

/* The short invoice: every number, the requisites, the words; the file
 * clean, the fonts embedded, the QR code decodes to the payload. */
static void test_short_invoice(void)
{
	struct kt_document *d = short_invoice();
	const char *path = write_pdf(d, "short");
	static const char *const want[] = {
		"Счет на оплату № КХ-2026-0017 от 7 декабря 2026 г.",
		"ПАО Сбербанк, г. Москва", "044525225", "30101810400000000225",
		"40702810938000012345", "ИНН 7707083893", "КПП 773601001",
		"Общество с ограниченной ответственностью «Кондитерская Хлебница», ИНН 7707083893, КПП 773601001",
		"ООО «Ёлочка», ИНН 7736050003, КПП 772801001, 119991, г. Москва, ул. Льва Толстого, д. 16",
		"Торт «Наполеон» 1,5 кг", "1 850,00", "18 500,00", "Эклер ванильный", "120", "65,00",
		"7 800,00", "Доставка по Москве (₽ за рейс)", "216,68",
		"Итого: 26 516,68", "В том числе НДС 22%: 4 781,70", "Всего к оплате: 26 516,68",
		"Всего наименований 3, на сумму 26 516,68 руб.",
		"Двадцать шесть тысяч пятьсот шестнадцать рублей 68 копеек",
		"Оплатить не позднее 14 декабря 2026 г.", "Руководитель", "Иванов И. И.",
		"Бухгалтер", "Петрова А. С.", "Страница 1 из 1", NULL,
	};

	if (have("pdftotext")) {
		char *text = pdf_to_text(path);
		has_all(text, "short invoice", want);
		free(text);
	} else {
		skip("pdftotext is not installed");
	}
	check_pdf_file(path, "short invoice");
	char *qr = qr_of(path);
	if (qr) {
		struct kt_buf b = { 0 };
		struct kt_error err = { 0 };
		kt_document_qr_payload(d, &b, &err);
		size_t n = strlen(qr);
		if (n && qr[n - 1] == '\n')
			qr[n - 1] = '\0';
		is_str(qr, b.data, "the QR code decodes to the payload");
		kt_buf_free(&b);
		free(qr);
	} else {
		skip("pdftoppm or zbarimg is not installed");
	}
	kt_document_free(d);
}

/* 200 lines with long names: wrapped, over pages, the header on each,
 * "Страница N из M". */
static void test_long_invoice(void)
{
	struct kt_document *d = doc_new("invoice", "118", 1);
	char name[512];

	for (int i = 0; i < 200; i++) {
		snprintf(name, sizeof name, "Набор кондитерских изделий «Праздничный-%03d» "
		         "в подарочной упаковке из гофрокартона с индивидуальной маркировкой и "
		         "сертификатом соответствия ЕАЭС%s", i + 1,
		         i % 50 == 7 ? " Сверхдлинноесловобезпробеловкотороенепомещаетсявстроку" : "");
		line_add(d, name, i % 2 ? "кг" : "шт", 1000 + i * 250, 10000 + i * 37, 22);
	}
	doc_finish(d, "Сумма прописью", "Оплата по счету № 118");
	const char *path = write_pdf(d, "long");
	long pages = pdf_page_count(path);
	ok(pages >= 5, "200 lines take several pages (%ld)", pages);
	if (have("pdftotext")) {
		char *text = pdf_to_text(path), want[64];
		is_int((long long)count(text, "Товары (работы, услуги)"), pages,
		       "the table's header on every page");
		for (long p = 1; p <= pages; p++) {
			snprintf(want, sizeof want, "Страница %ld из %ld", p, pages);
			ok(strstr(text, want) != NULL, "the text has \"%s\"", want);
		}
		ok(strstr(text, "«Праздничный-200»") && strstr(text, "«Праздничный-001»"),
		   "the first and the last line are there");
		ok(count(text, "сертификатом соответствия ЕАЭС") == 200, "every long name whole");
		ok(strstr(text, "Сверхдлинноесловоб") != NULL, "a word longer than the column is cut, not lost");
		char total[40];
		doc_money(d->total, total);
		ok(strstr(text, total) != NULL, "the total %s", total);
		free(text);
	} else {
		skip("pdftotext is not installed");
	}
	check_pdf_file(path, "200 lines");
	kt_document_free(d);
}

/* Mixed rates, VAT on top, no VAT: one line per rate with its words. */
static void test_vat(void)
{
	struct kt_document *d = doc_new("invoice", "19", 1);
	line_add(d, "Торт", "шт", 2000, 122000, 22);
	line_add(d, "Молоко детское", "л", 3000, 11000, 10);
	line_add(d, "Экспортная поставка", "шт", 1000, 50000, 0);
	doc_finish(d, "Три тысяча", NULL);
	const char *path = write_pdf(d, "mixed");
	static const char *const mixed[] = {
		"В том числе НДС 22%:", "440,00", "В том числе НДС 10%:", "30,00",
		"В том числе НДС 0%:", "0,00", "3 270,00", NULL,
	};
	char *text = have("pdftotext") ? pdf_to_text(path) : NULL;
	if (text)
		has_all(text, "mixed rates", mixed);
	free(text);
	kt_document_free(d);

	d = doc_new("invoice", "20", 0);
	line_add(d, "Торт", "шт", 2000, 100000, 22);
	doc_finish(d, "Две тысячи четыреста сорок рублей 00 копеек", NULL);
	path = write_pdf(d, "ontop");
	static const char *const ontop[] = {
		"Итого:", "2 000,00", "НДС 22%:", "440,00", "Всего к оплате:", "2 440,00", NULL,
	};
	text = have("pdftotext") ? pdf_to_text(path) : NULL;
	if (text) {
		has_all(text, "VAT on top", ontop);
		ok(!strstr(text, "В том числе"), "VAT on top: no \"В том числе\"");
	}
	free(text);
	kt_document_free(d);

	d = doc_new("invoice", "21", 1);
	line_add(d, "Консультация", "ч", 2000, 300000, KT_VAT_NONE);
	doc_finish(d, "Шесть тысяч рублей 00 копеек", NULL);
	path = write_pdf(d, "novat");
	text = have("pdftotext") ? pdf_to_text(path) : NULL;
	if (text) {
		ok(strstr(text, "Без НДС") && !strstr(text, "НДС 22%"), "no VAT: \"Без НДС\" alone");
		ok(strstr(text, "6 000,00") != NULL, "no VAT: the total");
	} else {
		skip("pdftotext is not installed");
	}
	free(text);
	kt_document_free(d);
}

/* A proposal: its title, validity, terms, no QR code; a draft says so. */
static void test_proposal(void)
{
	struct kt_document *d = doc_new("proposal", "5", 1);

	d->valid_until = S("2026-12-31");
	d->terms = S("Оплата 50% до отгрузки.\nОстаток в течение 10 дней.");
	line_add(d, "Торт свадебный", "шт", 1000, 1500000, 22);
	doc_finish(d, "Пятнадцать тысяч рублей 00 копеек", NULL);
	const char *path = write_pdf(d, "proposal");
	static const char *const want[] = {
		"Коммерческое предложение № 5 от 7 декабря 2026 г.",
		"Предложение действительно до 31 декабря 2026 г.",
		"Оплата 50% до отгрузки.", "Остаток в течение 10 дней.", "15 000,00",
		"Пятнадцать тысяч рублей 00 копеек", NULL,
	};
	char *text = have("pdftotext") ? pdf_to_text(path) : NULL;
	if (text) {
		has_all(text, "proposal", want);
		ok(!strstr(text, "Банк получателя"), "a proposal has no bank block");
	} else {
		skip("pdftotext is not installed");
	}
	free(text);
	char *qr = qr_of(path);
	if (qr)
		is_str(qr, "", "a proposal has no QR code");
	else
		skip("pdftoppm or zbarimg is not installed");
	free(qr);
	free(d->number);
	d->number = NULL;
	path = write_pdf(d, "draft");
	text = have("pdftotext") ? pdf_to_text(path) : NULL;
	if (text)
		ok(strstr(text, "Коммерческое предложение (черновик) от 7 декабря 2026 г.") != NULL,
		   "a draft says so");
	else
		skip("pdftotext is not installed");
	free(text);
	kt_document_free(d);
}

/* Writes text into dir/tmpl/NAME.tmpl. */
static void write_template(const char *name, const char *text)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof path, "%s/tmpl", dir);
	mkdir(path, 0777);
	snprintf(path, sizeof path, "%s/tmpl/%s.tmpl", dir, name);
	FILE *f = fopen(path, "w");
	if (!f || fputs(text, f) == EOF || fclose(f))
		abort();
}

/* Bad wording files, a missing one, a bad document, a path that cannot
 * be written: an error naming it, and no file. */
static void test_errors(void)
{
	struct kt_document *d = short_invoice();
	struct kt_error err = { 0 };
	char path[PATH_MAX + 64], tmpl[PATH_MAX + 16], want[2 * PATH_MAX];
	struct kt_buf text = { 0 };
	struct kt_error rerr = { 0 };

	snprintf(path, sizeof path, "%s/bad.pdf", dir);
	snprintf(tmpl, sizeof tmpl, "%s/tmpl", dir);
	is_int(kt_document_pdf(d, "/nonexistent", path, &err), KT_ENOTFOUND, "no wording file");
	ok(strstr(err.msg, "/nonexistent/invoice.tmpl: no such template") != NULL,
	   "the message names it: %s", err.msg);
	ok(access(path, F_OK) != 0, "nothing written");

	if (file_read("templates/invoice.tmpl", -1, NULL, &text, &rerr))
		abort();
	char *bad = NULL;
	if (asprintf(&bad, "%s\nfooter2 = x\n", text.data) < 0)
		abort();
	write_template("invoice", bad);
	free(bad);
	is_int(kt_document_pdf(d, tmpl, path, &err), KT_EINVAL, "an unknown key");
	ok(strstr(err.msg, "invoice.tmpl:") && strstr(err.msg, ": unknown key footer2"),
	   "the message names the file, line and key: %s", err.msg);

	char *s = strstr(text.data, "не позднее {due.long}") + strlen("не позднее ");
	memcpy(s, "{due.lang}", 10);
	write_template("invoice", text.data);
	is_int(kt_document_pdf(d, tmpl, path, &err), KT_EINVAL, "an unknown placeholder");
	snprintf(want, sizeof want, "%s/invoice.tmpl:", tmpl);
	ok(strstr(err.msg, want) && strstr(err.msg, ": unknown placeholder {due.lang}"),
	   "the message names the file, line and placeholder: %s", err.msg);
	memcpy(s, "{due.long}", 10);
	*strstr(text.data, "grand ") = '#';
	write_template("invoice", text.data);
	is_int(kt_document_pdf(d, tmpl, path, &err), KT_EINVAL, "a key missing");
	ok(strstr(err.msg, "no key grand") != NULL, "the message names it: %s", err.msg);
	ok(access(path, F_OK) != 0, "nothing written");
	kt_buf_free(&text);

	free(d->type);
	d->type = S("contract");
	is_int(kt_document_pdf(d, "templates", path, &err), KT_EINVAL, "neither invoice nor proposal");
	free(d->type);
	d->type = S("invoice");
	snprintf(path, sizeof path, "%s/no/such/dir/x.pdf", dir);
	is_int(kt_document_pdf(d, "templates", path, &err), KT_EIO, "a directory that is not there");
	ok(strstr(err.msg, "no/such/dir/x.pdf: ") != NULL, "the message names the path: %s", err.msg);

	free(d->supplier.stamp_png);
	d->supplier.stamp_png = S("templates/invoice.tmpl");
	snprintf(path, sizeof path, "%s/stamp.pdf", dir);
	is_int(kt_document_pdf(d, "templates", path, &err), KT_EINVAL, "a stamp that is no PNG");
	ok(strstr(err.msg, "templates/invoice.tmpl: not a PNG") != NULL, "the message names it: %s",
	   err.msg);
	ok(access(path, F_OK) != 0, "nothing written");
	kt_document_free(d);
}

/* Reads the XLSX of the short invoice back with openpyxl: money and
 * quantities are numbers with their formats, the texts are there, A4
 * portrait fitted to the page's width.  Prints what is wrong, else
 * "good". */
static const char openpyxl_check[] =
	"import sys, openpyxl\n"
	"ws = openpyxl.load_workbook(sys.argv[1]).active\n"
	"cells = {}\n"
	"for row in ws.iter_rows():\n"
	"    for c in row:\n"
	"        if c.value is not None: cells.setdefault(c.value, c)\n"
	"bad = []\n"
	"for v in (18500, 7800, 216.68, 1850, 65, 26516.68, 4781.7):\n"
	"    c = cells.get(v)\n"
	"    if c is None or c.data_type != 'n': bad.append('no number %s' % v)\n"
	"    elif c.number_format != '#,##0.00': bad.append('%s formatted %s' % (v, c.number_format))\n"
	"for v in (10, 120):\n"
	"    if cells.get(v) is None or cells[v].column != 3: bad.append('no quantity %s' % v)\n"
	"for s in ('Счет на оплату № КХ-2026-0017 от 7 декабря 2026 г.', 'Торт «Наполеон» 1,5 кг',\n"
	"          'Товары (работы, услуги)', 'В том числе НДС 22%:', 'Всего к оплате:', '044525225',\n"
	"          'Двадцать шесть тысяч пятьсот шестнадцать рублей 68 копеек'):\n"
	"    if s not in cells: bad.append('no text %s' % s)\n"
	"if any(isinstance(v, str) and '26 516' in v and 'руб' not in v for v in cells): bad.append('money as text')\n"
	"ps = ws.page_setup\n"
	"if str(ps.paperSize) != '9': bad.append('paper %s' % ps.paperSize)\n"
	"if ps.orientation != 'portrait': bad.append('orientation %s' % ps.orientation)\n"
	"if not ws.sheet_properties.pageSetUpPr.fitToPage or ps.fitToWidth not in (1, None) or ps.fitToHeight != 0:\n"
	"    bad.append('not fitted to the width: %s %s' % (ps.fitToWidth, ps.fitToHeight))\n"
	"print('\\n'.join(bad) if bad else 'good')\n";

/* The XLSX of the short invoice: read back with openpyxl, converted by
 * LibreOffice. */
static void test_xlsx(void)
{
	struct kt_document *d = short_invoice();
	struct kt_error err = { 0 };
	char path[PATH_MAX + 64], script[PATH_MAX + 64], cmd[4 * PATH_MAX];
	int st = -1;

	snprintf(path, sizeof path, "%s/short.xlsx", dir);
	if (!is_int(kt_document_xlsx(d, "templates", path, &err), 0, "xlsx written"))
		printf("# %s\n", err.msg);
	snprintf(script, sizeof script, "%s/check.py", dir);
	FILE *f = fopen(script, "w");
	if (!f || fputs(openpyxl_check, f) == EOF || fclose(f))
		abort();
	free(run("/usr/bin/python3 -c 'import openpyxl' 2>/dev/null", &st));
	if (st == 0) {
		snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s' '%s' 2>&1", script, path);
		char *out = run(cmd, &st);
		is_str(out, "good\n", "xlsx read back by openpyxl: numbers, formats, texts, A4 fitted");
		free(out);
	} else {
		skip("python3-openpyxl is not installed");
	}
	if (have("soffice")) {
		snprintf(cmd, sizeof cmd, "cd '%s' && soffice --headless -env:UserInstallation=file://%s/lo "
		         "--convert-to pdf --outdir '%s/lo-out' short.xlsx >/dev/null 2>&1", dir, dir, dir);
		free(run(cmd, &st));
		snprintf(path, sizeof path, "%s/lo-out/short.pdf", dir);
		ok(st == 0 && access(path, F_OK) == 0, "LibreOffice converts the xlsx to PDF");
		if (have("pdftotext")) {
			char *text = pdf_to_text(path);
			ok(text && strstr(text, "Счет на оплату № КХ-2026-0017"), "LibreOffice's PDF has the title");
			free(text);
		}
	} else {
		skip("LibreOffice (soffice) is not installed");
	}
	snprintf(path, sizeof path, "%s/no/such/dir/x.xlsx", dir);
	is_int(kt_document_xlsx(d, "templates", path, &err), KT_EIO, "xlsx: a directory that is not there");
	ok(strstr(err.msg, "no/such/dir/x.xlsx: ") != NULL, "the message names the path: %s", err.msg);
	kt_document_free(d);
}

/* The stamp and the signature: PNG images drawn in, two more images. */
static void test_images(void)
{
	struct kt_document *d = short_invoice();
	char cmd[3 * PATH_MAX], png[PATH_MAX + 16];
	int st = -1;

	if (!have("pdftoppm") || !have("pdfimages")) {
		skip("pdftoppm or pdfimages is not installed");
		kt_document_free(d);
		return;
	}
	/* Any PNG will do: a page of the proposal, small. */
	snprintf(cmd, sizeof cmd, "pdftoppm -r 20 -png -singlefile '%s/proposal.pdf' '%s/stamp' 2>/dev/null",
	         dir, dir);
	free(run(cmd, &st));
	snprintf(png, sizeof png, "%s/stamp.png", dir);
	d->supplier.stamp_png = S(png);
	d->supplier.signature_png = S(png);
	const char *path = write_pdf(d, "stamped");
	snprintf(cmd, sizeof cmd, "pdfimages -list '%s' 2>/dev/null | tail -n +3 | wc -l", path);
	char *out = run(cmd, &st);
	is_int(out ? atoi(out) : -1, 2, "the stamp and the signature are in the PDF");
	free(out);
	kt_document_free(d);
}

/* The wording of one key, filled, as kontora invoice mail takes its
 * subject and text; a key the file has not is an error. */
static void test_wording(void)
{
	struct kt_document *d = short_invoice();
	struct kt_error err = { 0 };
	char *text = NULL;

	is_int(kt_document_wording(d, "templates", "mail.subject", &text, &err), 0, "mail.subject");
	is_str(text, "Счет на оплату № КХ-2026-0017 от 07.12.2026 на сумму 26 516,68 руб.",
	       "filled from the document");
	free(text);
	is_int(kt_document_wording(d, "templates", "mail.body", &text, &err), 0, "mail.body");
	ok(text && !strncmp(text, "Здравствуйте!\n\nНаправляем", strlen("Здравствуйте!\n\nНаправляем")),
	   "\" .\" is an empty line: %s", text ? text : "(null)");
	free(text);
	is_int(kt_document_wording(d, "templates", "mail.file", &text, &err), 0, "mail.file");
	is_str(text, "Счет-КХ-2026-0017.pdf", "the attachment's name");
	free(text);
	text = (char *)"x";
	is_int(kt_document_wording(d, "templates", "mail.bogus", &text, &err), KT_EINVAL, "no such key");
	ok(text == NULL && strstr(err.msg, "templates/invoice.tmpl: no key mail.bogus"),
	   "named, nothing returned: %s", err.msg);
	kt_document_free(d);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof dir, "%s/kontora-doc-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		return 1;
	test_format();
	test_qr_payload();
	test_short_invoice();
	test_long_invoice();
	test_vat();
	test_proposal();
	test_errors();
	test_wording();
	test_xlsx();
	test_images();
	if (!getenv("KEEP")) {
		char cmd[PATH_MAX + 16];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd))
			return 1;
	} else {
		printf("# kept %s\n", dir);
	}
	return done_testing();
}
