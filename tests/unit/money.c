/*
 * money.c - unit tests for lib/money/: quantities, line sums, VAT,
 * totals, amounts in words, requisites and document numbers.  Every
 * expected value below was worked out by hand (the arithmetic is in the
 * comments); the requisites are real public ones (banks' BIKs and
 * correspondent accounts, the INNs and OGRNs of Sberbank, VTB and
 * T-Bank) and the worked examples of the Bank of Russia's rules for the
 * control key (N 515 of 08.09.1997).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kontora.h"
#include "tap.h"

static void test_qty(void)
{
	static const struct { const char *in; int64_t milli; } good[] = {
		{ "1,5", 1500 }, { "2.25", 2250 }, { "10", 10000 }, { "0,001", 1 },
		{ "1 000", 1000000 }, { "3,125", 3125 }, { "7.", 7000 },
	};
	static const char *const bad[] = {
		"", "abc", "1,2345", "1.5кг", "1,5 ₽", "x1", "1..2", "--1", "0", "0,000", "-1", "-0,5",
	};
	struct kt_error err;
	char out[32];
	int64_t q;

	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		q = -7;
		is_int(kt_qty_parse(good[i].in, 1, &q, &err), 0, "qty \"%s\" parses", good[i].in);
		is_int(q, good[i].milli, "qty \"%s\" is %lld thousandths", good[i].in, (long long)good[i].milli);
	}
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		is_int(kt_qty_parse(bad[i], 1, &q, &err), KT_EINVAL, "qty \"%s\" refused", bad[i]);
	is_str(err.msg, "quantity \"-0,5\" must be more than zero", "the message names the value");
	is_int(kt_qty_parse("-0,5", 0, &q, &err), 0, "a negative quantity when the caller allows it");
	is_int(q, -500, "-0,5 is -500");
	is_str(kt_decimal_format(1500, 0, out), "1.5", "1500 stored as 1.5");
	is_str(kt_decimal_format(1500, 1, out), "1,5", "1500 on screen as 1,5");
	is_str(kt_decimal_format(10000, 0, out), "10", "10000 as 10");
	is_str(kt_decimal_format(1, 0, out), "0.001", "1 as 0.001");
	is_str(kt_decimal_format(2250, 0, out), "2.25", "2250 as 2.25");
	is_int(kt_decimal_parse("1,5 ₽", 2, &q), KT_EINVAL, "a decimal takes no rouble sign");
	is_int(kt_money_parse("1,5 ₽", &q), 0, "money still does");
	is_int(q, 150, "1,5 ₽ is 150 kopecks");
}

static void test_line_sum(void)
{
	static const struct { int64_t qty, price, sum; const char *why; } t[] = {
		{ 1000, 10000, 10000, "1 × 100,00 = 100,00" },
		{ 1500, 3333, 5000, "1,5 × 33,33 = 49,995 -> 50,00 (half up)" },
		{ 1500, 3331, 4997, "1,5 × 33,31 = 49,965 -> 49,97" },
		{ 3000, 3333, 9999, "3 × 33,33 = 99,99" },
		{ 1, 500, 1, "0,001 × 5,00 = 0,005 -> 0,01" },
		{ 1, 499, 0, "0,001 × 4,99 = 0,00499 -> 0,00" },
		{ 2250, 12345, 27776, "2,25 × 123,45 = 277,7625 -> 277,76" },
		{ 1000, -500, -500, "a discount line of -5,00" },
		{ 1500, -333, -500, "1,5 × -3,33 = -4,995 -> -5,00 (half away from zero)" },
	};
	int64_t sum;

	for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
		is_int(kt_line_sum(t[i].qty, t[i].price, &sum), 0, "sum: %s", t[i].why);
		is_int(sum, t[i].sum, "sum: %s", t[i].why);
	}
	is_int(kt_line_sum(INT64_MAX, INT64_MAX, &sum), KT_EINVAL, "a sum beyond int64 is refused");
}

static void test_vat(void)
{
	static const struct { int64_t sum; int rate, included; int64_t vat; const char *why; } t[] = {
		{ 10000, 22, 1, 1803, "100,00 incl. 22%: 10000 × 22 / 122 = 1803,28 -> 18,03" },
		{ 12200, 22, 1, 2200, "122,00 incl. 22%: exactly 22,00" },
		{ 10000, 22, 0, 2200, "100,00 + 22%: 22,00" },
		{ 123456, 10, 0, 12346, "1234,56 + 10%: 12345,6 -> 123,46" },
		{ 11000, 10, 1, 1000, "110,00 incl. 10%: 10,00" },
		{ 5000, 10, 1, 455, "50,00 incl. 10%: 454,545 -> 4,55" },
		{ 10000, 0, 1, 0, "0%: none" },
		{ 10000, KT_VAT_NONE, 0, 0, "without VAT: none" },
		{ 5, 10, 0, 1, "0,05 + 10%: 0,5 kopeck -> 0,01" },
		{ 4, 10, 0, 0, "0,04 + 10%: 0,4 kopeck -> 0,00" },
		{ 61, 22, 1, 11, "0,61 incl. 22%: 61 × 22 / 122 = 11,0 -> 0,11" },
		{ 2619168, 22, 1, 472309, "26 191,68 incl. 22%: 4723,0906 -> 4 723,09" },
	};
	int rate;

	for (size_t i = 0; i < sizeof t / sizeof *t; i++)
		is_int(kt_vat_of(t[i].sum, t[i].rate, t[i].included), t[i].vat, "vat: %s", t[i].why);
	is_int(kt_vat_parse("22", &rate), 0, "22 is a rate");
	is_int(rate, 22, "22");
	is_int(kt_vat_parse("none", &rate), 0, "none is a rate");
	is_int(rate, KT_VAT_NONE, "none");
	is_int(kt_vat_parse("Без НДС", &rate), 0, "Без НДС is a rate");
	is_int(rate, KT_VAT_NONE, "Без НДС is none");
	is_int(kt_vat_parse("20", &rate), KT_EINVAL, "20 is no rate since 2026");
	is_int(kt_vat_parse("abc", &rate), KT_EINVAL, "abc is no rate");
	is_str(kt_vat_name(KT_VAT_NONE), "none", "the stored form of none");
}

/* One document line for the totals table. */
struct tline { int64_t qty, price; int rate; };

/* Computes a document of n lines and checks its figures. */
static void totals(const char *why, int included, const struct tline *l, size_t n,
                   int64_t subtotal, int64_t vat, int64_t total, const char *vats)
{
	struct kt_document d = { 0 };
	struct kt_document_line lines[8] = { { 0 } };
	struct kt_error err;
	struct kt_buf got = { 0 };

	for (size_t i = 0; i < n; i++) {
		lines[i].qty_milli = l[i].qty;
		lines[i].price = l[i].price;
		lines[i].vat_rate = l[i].rate;
	}
	d.lines = lines;
	d.nlines = n;
	d.vat_included = included;
	is_int(kt_document_compute(&d, &err), 0, "%s: computes", why);
	is_int(d.subtotal, subtotal, "%s: subtotal", why);
	is_int(d.vat_total, vat, "%s: VAT", why);
	is_int(d.total, total, "%s: total", why);
	for (size_t i = 0; i < d.nvats; i++)
		kt_buf_addf(&got, "%s%s:%lld/%lld", i ? " " : "", kt_vat_name(d.vats[i].rate),
		            (long long)d.vats[i].base, (long long)d.vats[i].vat);
	is_str(got.data ? got.data : "", vats, "%s: one VAT line per rate, 22 10 0 none", why);
	kt_buf_free(&got);
	free(d.vats);
	free(d.total_words);
}

static void test_totals(void)
{
	const struct tline one[] = { { 1000, 10000, 22 } };
	const struct tline mixed[] = {
		{ 1000, 3000, KT_VAT_NONE }, { 1000, 5000, 10 }, { 1000, 2000, 0 }, { 1000, 10000, 22 },
	};
	const struct tline per_line[] = { { 1000, 5, 10 }, { 1000, 5, 10 } };
	const struct tline two22[] = { { 2000, 4999, 22 }, { 1500, 3333, 22 } };
	const struct tline words[] = { { 1000, 2619168, 22 } };
	struct kt_document d = { 0 };
	struct kt_document_line bad = { .qty_milli = 1000, .price = 100, .vat_rate = 18 };
	struct kt_error err;

	/* 100,00 with 22% in it: VAT 18,03, to pay 100,00. */
	totals("one line, included", 1, one, 1, 10000, 1803, 10000, "22:10000/1803");
	/* 100,00 and 22% on top: 22,00, to pay 122,00. */
	totals("one line, on top", 0, one, 1, 10000, 2200, 12200, "22:10000/2200");
	/* 30 none, 50 at 10% (4,55 in it), 20 at 0%, 100 at 22% (18,03):
	 * 200,00, VAT 22,58, in the order 22 10 0 none whatever the lines'. */
	totals("mixed rates, included", 1, mixed, 4, 20000, 2258, 20000,
	       "22:10000/1803 10:5000/455 0:2000/0 none:3000/0");
	/* On top: 22,00 + 5,00 = 27,00; to pay 227,00. */
	totals("mixed rates, on top", 0, mixed, 4, 20000, 2700, 22700,
	       "22:10000/2200 10:5000/500 0:2000/0 none:3000/0");
	/* Two lines of 0,05 + 10%: 0,005 each rounds to 0,01 per line: 0,02,
	 * where rounding the total (0,01) would give 0,01. */
	totals("rounding per line", 0, per_line, 2, 10, 2, 12, "10:10/2");
	/* 2 × 49,99 = 99,98 (VAT incl. 18,03); 1,5 × 33,33 = 50,00 (9,02):
	 * 149,98, VAT 27,05. */
	totals("two lines at 22%, included", 1, two22, 2, 14998, 2705, 14998, "22:14998/2705");
	totals("the issue's example", 1, words, 1, 2619168, 472309, 2619168, "22:2619168/472309");
	totals("no lines", 1, NULL, 0, 0, 0, 0, "");

	d.lines = &bad;
	d.nlines = 1;
	is_int(kt_document_compute(&d, &err), KT_EINVAL, "a rate of 18%% is refused");
	is_str(err.msg, "line 1: VAT rate 18 is not 22, 10, 0 or none", "naming the line");
	free(d.vats);
	free(d.total_words);
}

static void test_words(void)
{
	static const struct { int64_t k; const char *words; } t[] = {
		{ 0, "Ноль рублей 00 копеек" },
		{ 1, "Ноль рублей 01 копейка" },
		{ 10, "Ноль рублей 10 копеек" },
		{ 22, "Ноль рублей 22 копейки" },
		{ 100, "Один рубль 00 копеек" },
		{ 200, "Два рубля 00 копеек" },
		{ 500, "Пять рублей 00 копеек" },
		{ 1100, "Одиннадцать рублей 00 копеек" },
		{ 1400, "Четырнадцать рублей 00 копеек" },
		{ 2100, "Двадцать один рубль 00 копеек" },
		{ 2121, "Двадцать один рубль 21 копейка" },
		{ 11100, "Сто одиннадцать рублей 00 копеек" },
		{ 12345, "Сто двадцать три рубля 45 копеек" },
		{ 100000, "Одна тысяча рублей 00 копеек" },
		{ 200000, "Две тысячи рублей 00 копеек" },
		{ 500000, "Пять тысяч рублей 00 копеек" },
		{ 1100000, "Одиннадцать тысяч рублей 00 копеек" },
		{ 2100000, "Двадцать одна тысяча рублей 00 копеек" },
		{ 2200000, "Двадцать две тысячи рублей 00 копеек" },
		{ 2619168, "Двадцать шесть тысяч сто девяносто один рубль 68 копеек" },
		{ 100000000, "Один миллион рублей 00 копеек" },
		{ 200000000, "Два миллиона рублей 00 копеек" },
		{ 100100100, "Один миллион одна тысяча один рубль 00 копеек" },
		{ 1234567802, "Двенадцать миллионов триста сорок пять тысяч шестьсот семьдесят восемь рублей 02 копейки" },
		{ 100000000000, "Один миллиард рублей 00 копеек" },
		{ 51200000000, "Пятьсот двенадцать миллионов рублей 00 копеек" },
		{ -150, "Минус один рубль 50 копеек" },
	};

	for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
		char *w = kt_amount_words(t[i].k);
		is_str(w, t[i].words, "%lld kopecks in words", (long long)t[i].k);
		free(w);
	}
}

/* Counts the problems kt_party_check() reports, and keeps the last. */
struct seen { int n; char last[256]; };

static void seen_fn(void *arg, const char *field, const char *value, const char *msg)
{
	struct seen *s = arg;
	s->n++;
	snprintf(s->last, sizeof s->last, "%s: %s \"%s\"", field, msg, value);
}

static void test_requisites(void)
{
	/* Sberbank, VTB, T-Bank, Alfa-Bank: INN, OGRN, BIK and corr. account
	 * as they publish them. */
	static const char *const inn_ok[] = { "7707083893", "7702070139", "7710140679", "7728168971",
		"500100732259" };
	static const char *const inn_bad[] = { "7707083894", "770708389", "77070838931", "500100732258",
		"770708389x", "" };
	static const char *const ogrn_ok[] = { "1027700132195", "1027739609391", "1027739642281",
		"1027700067328", "304500116000157" };
	static const char *const ogrn_bad[] = { "1027700132194", "102770013219", "1045004456230",
		"304500116000158", "10277001321951" };
	static const char *const kpp_ok[] = { "773601001", "784201001", "7713AB001", "502401001" };
	static const char *const kpp_bad[] = { "77360100", "7736010011", "7736ab001", "77360100X",
		"A73601001" };
	static const struct { const char *bik, *acc; int corr, ok; } acc[] = {
		{ "044525225", "30101810400000000225", 1, 1 },  /* Sberbank */
		{ "044525187", "30101810700000000187", 1, 1 },  /* VTB */
		{ "044525974", "30101810145250000974", 1, 1 },  /* T-Bank */
		{ "044525593", "30101810200000000593", 1, 1 },  /* Alfa-Bank */
		{ "049805000", "30101810800000000746", 1, 1 },  /* N 515, example 1 */
		{ "049805746", "40602810700000000025", 0, 1 },  /* N 515, example 3 */
		{ "044514512", "40702810900000000025", 0, 1 },  /* a worked example */
		{ "044525225", "30101810500000000225", 1, 0 },  /* key 5 for 4 */
		{ "044030653", "30101810500000000653", 1, 1 },  /* Sberbank, St Petersburg */
		{ "044030653", "30101810400000000225", 1, 0 },  /* Moscow's at St Petersburg */
		{ "049805746", "40602810800000000025", 0, 0 },
		{ "044525225", "30101810400000000225", 0, 0 },  /* a corr. account as settlement */
		{ "044525225", "3010181040000000022", 1, 0 },   /* 19 digits */
		{ "144525225", "30101810400000000225", 1, 0 },  /* not a Russian BIK */
	};
	struct kt_party p = { 0 };
	struct seen s = { 0 };

	for (size_t i = 0; i < sizeof inn_ok / sizeof *inn_ok; i++)
		ok(kt_inn_valid(inn_ok[i]), "INN %s valid", inn_ok[i]);
	for (size_t i = 0; i < sizeof inn_bad / sizeof *inn_bad; i++)
		ok(!kt_inn_valid(inn_bad[i]), "INN \"%s\" invalid", inn_bad[i]);
	for (size_t i = 0; i < sizeof ogrn_ok / sizeof *ogrn_ok; i++)
		ok(kt_ogrn_valid(ogrn_ok[i]), "OGRN %s valid", ogrn_ok[i]);
	for (size_t i = 0; i < sizeof ogrn_bad / sizeof *ogrn_bad; i++)
		ok(!kt_ogrn_valid(ogrn_bad[i]), "OGRN %s invalid", ogrn_bad[i]);
	for (size_t i = 0; i < sizeof kpp_ok / sizeof *kpp_ok; i++)
		ok(kt_kpp_valid(kpp_ok[i]), "KPP %s valid", kpp_ok[i]);
	for (size_t i = 0; i < sizeof kpp_bad / sizeof *kpp_bad; i++)
		ok(!kt_kpp_valid(kpp_bad[i]), "KPP %s invalid", kpp_bad[i]);
	ok(kt_bik_valid("044525225"), "BIK 044525225 valid");
	ok(!kt_bik_valid("144525225"), "BIK not beginning with 04 invalid");
	ok(!kt_bik_valid("04452522"), "BIK of 8 digits invalid");
	ok(!kt_bik_valid("04452522a"), "BIK with a letter invalid");
	for (size_t i = 0; i < sizeof acc / sizeof *acc; i++)
		is_int(kt_account_valid(acc[i].bik, acc[i].acc, acc[i].corr), acc[i].ok,
		       "%s account %s at BIK %s %s", acc[i].corr ? "corr." : "settlement", acc[i].acc,
		       acc[i].bik, acc[i].ok ? "valid" : "invalid");

	p.name = "ПАО Сбербанк";
	p.inn = "7707083893";
	p.kpp = "773601001";
	p.ogrn = "1027700132195";
	p.bik = "044525225";
	p.corr_account = "30101810400000000225";
	is_int(kt_party_check(&p, "name,inn", seen_fn, &s), 0, "Sberbank's requisites pass");
	p.account = "40702810938000012346";
	is_int(kt_party_check(&p, NULL, seen_fn, &s), 1, "a settlement account with a bad key");
	is_str(s.last, "account: control key does not match the BIK (its last three digits) "
	       "\"40702810938000012346\"", "named with its field");
	p.account = "40702810938000012345";
	p.inn = NULL;
	s.n = 0;
	is_int(kt_party_check(&p, "name,inn,address", seen_fn, &s), 2, "missing inn and address");
	is_str(s.last, "address: required \"\"", "the last missing field is named");
	p.inn = "7707083893";
	p.address = "Москва";
	p.bik = "14452522";
	s.n = 0;
	is_int(kt_party_check(&p, NULL, seen_fn, &s), 1, "a bad BIK alone, not its accounts");
	is_str(s.last, "bik: not a BIK (9 digits beginning with 04) \"14452522\"", "the BIK named");
}

static void test_numbers(void)
{
	static const struct { const char *fmt; long n; int year; const char *out; } t[] = {
		{ NULL, 7, 2026, "7" },
		{ "", 7, 2026, "7" },
		{ "{n}", 12, 2026, "12" },
		{ "{n:04}", 7, 2026, "0007" },
		{ "КХ-{yyyy}-{n:04}", 7, 2026, "КХ-2026-0007" },
		{ "{yy}/{n}", 3, 2026, "26/3" },
		{ "{n:03}", 12345, 2026, "12345" },
		{ "{n:010}", 1, 2026, "0000000001" },
		{ "%n", 5, 2026, "5" },   /* what kontora init wrote before */
	};
	static const char *const bad[] = { "{x}", "КХ-{yyyy}", "{n", "n}", "{n:4}", "{N}", "{n:10}" };
	struct kt_error err;
	char *out;

	for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
		out = NULL;
		is_int(kt_number_format(t[i].fmt, t[i].n, t[i].year, &out, &err), 0, "format \"%s\"",
		       t[i].fmt ? t[i].fmt : "(null)");
		is_str(out, t[i].out, "format \"%s\" of %ld", t[i].fmt ? t[i].fmt : "(null)", t[i].n);
		free(out);
	}
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		is_int(kt_number_format(bad[i], 1, 2026, &out, &err), KT_EINVAL, "format \"%s\" refused", bad[i]);
	kt_number_format("A-{x}", 1, 2026, &out, &err);
	is_str(err.msg, "number format \"A-{x}\": unknown placeholder {x} (known: {n}, {n:04}, {yyyy}, {yy})",
	       "the message names the placeholder");
}

int main(void)
{
	test_qty();
	test_line_sum();
	test_vat();
	test_totals();
	test_words();
	test_requisites();
	test_numbers();
	return done_testing();
}
