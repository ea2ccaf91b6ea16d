/*
 * text.c - unit tests for lib/util/text.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kontora.h"
#include "tap.h"
#include "util/util.h"

/* Returns -1, 0 or 1 as the sign of v. */
static int sign(int v)
{
	return (v > 0) - (v < 0);
}

static void test_utf8(void)
{
	static const struct { const char *s; size_t bad; } bad[] = {
		{ "\x80", 0 },			/* stray continuation byte */
		{ "ok\xC0\xAFrest", 2 },	/* overlong '/' */
		{ "\xC1\xBF", 0 },		/* overlong */
		{ "a\xE0\x80\xAF", 1 },		/* overlong, three bytes */
		{ "\xF0\x80\x80\xAF", 0 },	/* overlong, four bytes */
		{ "x\xED\xA0\x80", 1 },		/* surrogate U+D800 */
		{ "\xED\xBF\xBF", 0 },		/* surrogate U+DFFF */
		{ "\xF4\x90\x80\x80", 0 },	/* U+110000 */
		{ "\xF5\x80\x80\x80", 0 },
		{ "\xFF", 0 },
		{ "ab\xE2\x82", 2 },		/* truncated at the end */
		{ "ab\xE2\x82z", 2 },		/* truncated in the middle */
		{ "при\xD0", 6 },
		{ "\xD0\xD0\xBF", 0 },
	};
	static const char *const good[] = {
		"", "abc", "привет", "€", "𝄞", "\xF4\x8F\xBF\xBF", "\xEF\xBF\xBF",
		"\xED\x9F\xBF", "\xEE\x80\x80", "Ёж ₽ 1 234,50",
	};
	size_t i, off;

	for (i = 0; i < sizeof good / sizeof good[0]; i++)
		ok(kt_utf8_valid(good[i], strlen(good[i]), NULL), "valid UTF-8 %zu", i);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		off = 99;
		ok(!kt_utf8_valid(bad[i].s, strlen(bad[i].s), &off), "invalid UTF-8 %zu", i);
		is_int((long long)off, (long long)bad[i].bad, "invalid UTF-8 %zu offset", i);
	}
	ok(kt_utf8_valid("a\0b", 3, NULL), "NUL is valid UTF-8");
	ok(kt_utf8_valid("ab\xE2\x82\xAC", 2, NULL), "only len bytes are read");
	ok(!kt_utf8_valid("\xE2\x82\xAC", 2, NULL), "a sequence cut by len is invalid");
	is_int((long long)kt_utf8_width(""), 0, "width of \"\"");
	is_int((long long)kt_utf8_width("привет"), 6, "width of Cyrillic");
	is_int((long long)kt_utf8_width("a€b𝄞"), 4, "width counts code points");
}

/* Returns the offset of the first invalid sequence of s[0..len) by
 * RFC 3629's table, decoded a code point at a time, or len when it is
 * all valid: what kt_utf8_valid() must say, however it goes. */
static size_t utf8_first_bad(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned c = s[i], n = c < 0x80 ? 1 : c < 0xC0 ? 0 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : c < 0xF8 ? 4 : 0;
		uint32_t cp = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
		if (!n || i + n > len)
			return i;
		for (unsigned k = 1; k < n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return i;
			cp = cp << 6 | (s[i + k] & 0x3F);
		}
		if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
		    (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
			return i;
		i += n;
	}
	return len;
}

/* Long runs of ASCII and Cyrillic, which kt_utf8_valid() takes the short
 * way, with a bad byte or sequence now and then at any offset: the same
 * answer and offset as a decoder a code point at a time. */
static void test_utf8_runs(void)
{
	static const char *const piece[] = {
		"a", " ", "Ж", "я", "Ё", "\xC2\xA0", "€", "𝄞",
		"\x80", "\xC0\xAF", "\xC1\xBF", "\xD0", "\xD0" "A", "\xFF", "\xED\xA0\x80", "\xDF\xC0",
	};
	unsigned seed = 12345;
	int wrong = 0;

	for (int t = 0; t < 20000; t++) {
		unsigned char s[200];
		size_t len = 0, bad, want;
		/* Mostly good pieces; now and then one of the bad ones. */
		while (len < 120) {
			seed = seed * 1103515245 + 12345;
			unsigned r = seed >> 16;
			const char *p = piece[r % 97 < 3 ? 8 + r % 8 : r % 8];
			memcpy(s + len, p, strlen(p));
			len += strlen(p);
		}
		seed = seed * 1103515245 + 12345;
		len -= (seed >> 16) % 4;  /* cut, maybe inside a sequence */
		want = utf8_first_bad(s, len);
		bad = 9999;
		int valid = kt_utf8_valid((const char *)s, len, &bad);
		if (valid != (want == len) || (!valid && bad != want))
			wrong++;
	}
	is_int(wrong, 0, "kt_utf8_valid agrees with a decoder on 20000 mixed runs");
	ok(kt_utf8_valid("абвгдежзийклмнопрстуфх", strlen("абвгдежзийклмнопрстуфх"), NULL), "a Cyrillic word");
	size_t off = 0;
	ok(!kt_utf8_valid("абвг\xC1\xBFежзийклмн", 22, &off) && off == 8, "an overlong lead in a Cyrillic word");
	ok(!kt_utf8_valid("abcdefgh\x80" "bcdefgh", 17, &off) && off == 8, "a stray byte after an ASCII word");
}

static void test_fold(void)
{
	static const struct { const char *in, *out; } t[] = {
		{ "", "" },
		{ "ABCxyz 123", "abcxyz 123" },
		{ "ПРИВЕТ Мир", "привет мир" },
		{ "АБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ", "абвгдежзийклмнопрстуфхцчшщъыьэюя" },
		{ "Ёлка ёж", "елка еж" },
		{ "ЀЉЇЎЏ", "ѐљїўџ" },
		{ "ÄŸ Ωmega", "ÄŸ Ωmega" },
		{ "bad\xFF\xD0", "bad\xFF\xD0" },
		{ "\xD0" "A", "\xD0" "a" },
	};
	size_t i;
	char *s;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		s = kt_fold(t[i].in);
		is_str(s, t[i].out, "fold \"%s\"", t[i].in);
		free(s);
	}
}

/* Returns fold_words() of s, in a buffer of the test's (the next call
 * overwrites it). */
static const char *words(const char *s)
{
	static char buf[256];
	size_t len = strlen(s);

	memcpy(buf, s, len + 1);
	buf[fold_words(buf, len)] = '\0';
	return buf;
}

/* fold_words() folds as kt_fold(), makes what is no letter or digit a
 * space, a Latin letter with a diacritic its base letter; bad UTF-8 is
 * kept, and a text folded whole as its words folded apart. */
static void test_fold_words(void)
{
	is_str(words("ЁЛКА Ёж ПЕТРОВ+7916"), "елка еж петров+7916", "as kt_fold");
	is_str(words("«Ромашка»\u00a0— ООО"), " ромашка    ооо", "« », NBSP and a dash are spaces");
	is_str(words("№5 за 1 234,50 ₽…"), " 5 за 1 234,50   ", "№, ₽ and an ellipsis too");
	is_str(words("Café Ærø Straße ŁÓDŹ İzmir"), "cafe ærø straße łodz izmir",
	       "diacritics off, the other Latin letters small");
	is_str(words("x² µ ½"), "x² µ ½", "what unicode61 takes for letters and numbers stays");
	is_str(words("\xd0 ab\xff"), "\xd0 ab\xff", "bad UTF-8 as it is");
	is_str(words("e\xcc\x81t\xd1\x91"), "etе", "combining marks go");
	char joined[64], *a = strdup(words("Café—«Ёж")), *b = strdup(words("Прим."));
	snprintf(joined, sizeof joined, "%s %s", a, b);
	is_str(words("Café—«Ёж Прим."), joined, "folded whole = folded apart");
	free(a);
	free(b);
	/* Every character of U+0400-U+047F, as kt_fold() has it (the
	 * small letters take a shorter way in fold_words()). */
	int differ = 0;
	for (unsigned cp = 0x400; cp <= 0x47F; cp++) {
		char c[3] = { (char)(0xC0 | cp >> 6), (char)(0x80 | (cp & 0x3F)), 0 }, *f = kt_fold(c);
		differ += strcmp(words(c), f) != 0;
		free(f);
	}
	is_int(differ, 0, "Cyrillic folded as kt_fold() does, letter by letter");
}

/* kt_word_before() says what the full text says of the character before:
 * a letter or digit goes on a word, anything else starts one. */
static void test_word_before(void)
{
	static const struct { const char *s; int want; const char *what; } cases[] = {
		{ "a", 1, "a Latin letter" }, { "7", 1, "a digit" }, { "ж", 1, "a Cyrillic letter" },
		{ "Ё", 1, "Ё" }, { "é", 1, "a letter with a diacritic" }, { "e\xcc\x81", 1, "a combining accent" },
		{ "\xff", 1, "a byte of bad UTF-8" }, { " ", 0, "a space" }, { "_", 0, "an underscore" },
		{ "(", 0, "a bracket" }, { "«", 0, "«" }, { "\xc2\xa0", 0, "NBSP" }, { "№", 0, "№" },
		{ "—", 0, "an em dash" }, { "×", 0, "×" }, { "₽", 0, "₽" },
	};

	is_int(kt_word_before("ab", 0), 0, "the start of a text starts a word");
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char buf[16];
		snprintf(buf, sizeof buf, "%sр", cases[i].s);
		is_int(kt_word_before(buf, strlen(cases[i].s)), cases[i].want, "after %s", cases[i].what);
	}
}

static void test_collate(void)
{
	static const char *const words[] = {
		"", "a", "A", "ab", "Ab", "z", "а", "А", "Б", "б", "е", "Е", "ё", "Ё",
		"еж", "ёж", "Ёж", "ель", "я", "Я", "яблоко", "Яблоко", "\xFF", "\xD0",
	};
	size_t n = sizeof words / sizeof words[0], i, j;
	int bad_fold = 0, bad_total = 0, c;
	char *fi, *fj;

	ok(kt_collate("а", 2, "Б", 2) < 0, "а < Б");
	ok(kt_collate("Яблоко", 12, "апельсин", 16) > 0, "Яблоко > апельсин");
	ok(kt_collate("ёж", 4, "ель", 6) < 0, "ё sorts as е");
	ok(kt_collate("е", 2, "ё", 2) < 0, "е before ё on a tie");
	ok(kt_collate("Москва", 12, "москва", 12) < 0, "capital first on a tie");
	ok(kt_collate("a", 1, "ab", 2) < 0, "a prefix sorts first");
	is_int(kt_collate("abc", 2, "abd", 2), 0, "only the given lengths count");
	is_int(kt_collate(NULL, 0, NULL, 0), 0, "empty strings may be NULL");
	ok(kt_collate(NULL, 0, "a", 1) < 0, "empty sorts first");
	ok(kt_collate("z", 1, "а", 2) < 0, "Latin before Cyrillic");
	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++) {
			c = kt_collate(words[i], strlen(words[i]), words[j], strlen(words[j]));
			fi = kt_fold(words[i]);
			fj = kt_fold(words[j]);
			if (strcmp(fi, fj) != 0 && sign(c) != sign(strcmp(fi, fj)))
				bad_fold++;
			if ((c == 0) != (i == j) || sign(c) != -sign(kt_collate(words[j],
			    strlen(words[j]), words[i], strlen(words[i]))))
				bad_total++;
			free(fi);
			free(fj);
		}
	}
	is_int(bad_fold, 0, "collate agrees with comparing kt_fold()");
	is_int(bad_total, 0, "collate is a total order");
}

static void test_phone(void)
{
	static const struct { const char *in, *out; } t[] = {
		{ "+7 (495) 123-45-67", "+74951234567" },
		{ "8 916 123 45 67", "+79161234567" },
		{ "79161234567", "+79161234567" },
		{ "9161234567", "+79161234567" },
		{ "(495) 123-45-67", "+74951234567" },
		{ "351.234.56.78", "+73512345678" },
		{ "8005553535", "+78005553535" },
		{ "8(800)555-35-35", "+78005553535" },
		{ "\t+7\t916\t1234567 ", "+79161234567" },
		{ "+44 20 7946 0958", "+442079460958" },
		{ "+1.202.555.0143", "+12025550143" },
		{ "+49 3012 3456", "+4930123456" },
		{ "+86 123 4567 8901 23", "+861234567890123" },
	};
	static const char *const bad[] = {
		"", "   ", "+", "abc", "916 123 45", "5161234567", "+7 916 123 45 6",
		"+7 916 123 45 678", "8 916 123 45 67 доб. 123", "+7 916 123-45-67 ext 5",
		"7+9161234567", "++79161234567", "+4930123", "+1234567890123456",
		"89161234567890123456789", "+0 123 456 789", "8 916 123 45 67 8",
		"8 916 123 45 67/8",
	};
	char out[20];
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		is_int(kt_phone_normalize(t[i].in, out), 0, "phone \"%s\"", t[i].in);
		is_str(out, t[i].out, "phone \"%s\" normalised", t[i].in);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memset(out, 'x', sizeof out);
		is_int(kt_phone_normalize(bad[i], out), KT_EINVAL, "bad phone \"%s\"", bad[i]);
		is_str(out, "", "bad phone \"%s\" leaves \"\"", bad[i]);
	}
}

static void test_inn(void)
{
	static const char *const good[] = { "7707083893", "7736207543", "500100732259" };
	static const char *const bad[] = {
		"7707083894", "500100732258", "500100732269", "", "770708389",
		"77070838933", "770708389a", " 7707083893", "7707083893\n",
		"5001007322590", "-707083893",
	};
	size_t i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++)
		ok(kt_inn_valid(good[i]), "valid INN %s", good[i]);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ok(!kt_inn_valid(bad[i]), "invalid INN \"%s\"", bad[i]);
}

static void test_money_parse(void)
{
	static const struct { const char *in; int64_t k; } t[] = {
		{ "1234.5", 123450 }, { "1 234,50", 123450 }, { "1234,50 ₽", 123450 },
		{ "-3", -300 }, { "0", 0 }, { "-0", 0 }, { "0.05", 5 }, { "-0,05", -5 },
		{ "1\xC2\xA0" "234", 123400 }, { "1\xE2\x80\xAF" "234\xE2\x80\xAF" "567,8", 123456780 },
		{ "1 234 567", 123456700 }, { "12 345", 1234500 }, { "123 456.78", 12345678 },
		{ "100 руб.", 10000 }, { "100руб.", 10000 }, { "100 р.", 10000 },
		{ "100₽", 10000 }, { "100 ₽ ", 10000 }, { "1 234 ", 123400 }, { "1.", 100 }, { "1,", 100 },
		{ "-1 234,50 ₽", -123450 }, { "007", 700 },
		{ "92233720368547758.07", INT64_MAX },
		{ "-92233720368547758.08", INT64_MIN },
		{ "-92 233 720 368 547 758,08 ₽", INT64_MIN },
	};
	static const char *const bad[] = {
		"", "-", "abc", "1.234", "1,2,3", "1 2", "1234 567", "12 34", "1  234",
		" 1", "+1", "1e5", "1.5.5", ",5", ".5", "1 234,5 6", "100 $", "100 ₽ 5",
		"--1", "1-", "0x10", "₽100", "100 ₽₽",
		"92233720368547758.08", "-92233720368547758.09", "99999999999999999999",
		"92233720368547759",
	};
	int64_t k;
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		k = 42;
		is_int(kt_money_parse(t[i].in, &k), 0, "money \"%s\"", t[i].in);
		is_int(k, t[i].k, "money \"%s\" in kopecks", t[i].in);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		k = 42;
		is_int(kt_money_parse(bad[i], &k), KT_EINVAL, "bad money \"%s\"", bad[i]);
		is_int(k, 42, "bad money \"%s\" leaves the value alone", bad[i]);
	}
}

static void test_money_format(void)
{
	static const struct { int64_t k; const char *screen, *csv; } t[] = {
		{ 123450, "1 234,50 ₽", "1234.50" },
		{ -123450, "-1 234,50 ₽", "-1234.50" },
		{ 0, "0,00 ₽", "0.00" },
		{ -5, "-0,05 ₽", "-0.05" },
		{ 99999, "999,99 ₽", "999.99" },
		{ 100000, "1 000,00 ₽", "1000.00" },
		{ 100000000, "1 000 000,00 ₽", "1000000.00" },
		{ INT64_MAX, "92 233 720 368 547 758,07 ₽", "92233720368547758.07" },
		{ INT64_MIN, "-92 233 720 368 547 758,08 ₽", "-92233720368547758.08" },
	};
	char out[40];
	int64_t k;
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		ok(kt_money_format(t[i].k, 1, out) == out, "money_format returns out");
		is_str(out, t[i].screen, "money %lld on screen", (long long)t[i].k);
		is_str(kt_money_format(t[i].k, 0, out), t[i].csv, "money %lld in CSV",
		       (long long)t[i].k);
		k = 42;
		kt_money_parse(out, &k);
		is_int(k, t[i].k, "money %lld parses back from CSV", (long long)t[i].k);
		k = 42;
		kt_money_parse(kt_money_format(t[i].k, 1, out), &k);
		is_int(k, t[i].k, "money %lld parses back from the screen", (long long)t[i].k);
	}
}

static void test_int_text(void)
{
	static const int64_t t[] = { 0, 7, -7, 10, 1234567890, -100, INT64_MAX, INT64_MIN };
	char out[21], want[32];

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		snprintf(want, sizeof want, "%lld", (long long)t[i]);
		is_int((long long)text_int(t[i], out), (long long)strlen(want), "text_int %s: length", want);
		is_str(out, want, "text_int %s", want);
	}
}

static void test_dates(void)
{
	static const char *const good[] = {
		"2026-11-03", "2024-02-29", "2000-02-29", "0001-01-01", "9999-12-31",
	};
	static const char *const bad[] = {
		"2023-02-29", "1900-02-29", "2026-13-01", "2026-00-10", "2026-04-31",
		"2026-11-00", "2026-11-3", "2026/11/03", "2026-11-03 ", "", "0000-01-01",
		"2026-1a-03", "+026-11-03", "20261103", "2026-11-03T00:00:00Z",
	};
	static const char *const good_dt[] = { "2026-11-03T09:05:00Z", "2024-02-29T23:59:59Z" };
	static const char *const bad_dt[] = {
		"2026-11-03T24:00:00Z", "2026-11-03T09:60:00Z", "2026-11-03T09:05:60Z",
		"2026-11-03 09:05:00Z", "2026-11-03T09:05:00", "2026-11-03T09:05:00+03:00",
		"2026-11-03T09:05:00z", "2023-02-29T00:00:00Z", "2026-11-03T9:05:00Z",
		"2026-11-03T09:05:00ZZ", "2026-11-03", "",
	};
	static const struct { time_t t; const char *s; } fmt[] = {
		{ 0, "1970-01-01T00:00:00Z" }, { 1700000000, "2023-11-14T22:13:20Z" },
		{ 951782400, "2000-02-29T00:00:00Z" }, { -1, "1969-12-31T23:59:59Z" },
		{ -62135596800, "0001-01-01T00:00:00Z" },
		{ 253402300799, "9999-12-31T23:59:59Z" },
		{ 253402300800, "" }, { -62135596801, "" }, { (time_t)1 << 60, "" },
	};
	char out[21];
	size_t i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++)
		ok(kt_date_valid(good[i]), "valid date %s", good[i]);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ok(!kt_date_valid(bad[i]), "invalid date \"%s\"", bad[i]);
	for (i = 0; i < sizeof good_dt / sizeof good_dt[0]; i++)
		ok(kt_datetime_valid(good_dt[i]), "valid datetime %s", good_dt[i]);
	for (i = 0; i < sizeof bad_dt / sizeof bad_dt[0]; i++)
		ok(!kt_datetime_valid(bad_dt[i]), "invalid datetime \"%s\"", bad_dt[i]);
	for (i = 0; i < sizeof fmt / sizeof fmt[0]; i++) {
		is_str(kt_datetime_format(fmt[i].t, out), fmt[i].s, "format %lld",
		       (long long)fmt[i].t);
		ok(!*out || kt_datetime_valid(out), "format %lld is valid", (long long)fmt[i].t);
	}
}

int main(void)
{
	test_utf8();
	test_utf8_runs();
	test_fold();
	test_fold_words();
	test_word_before();
	test_collate();
	test_phone();
	test_inn();
	test_money_parse();
	test_money_format();
	test_int_text();
	test_dates();
	return done_testing();
}
