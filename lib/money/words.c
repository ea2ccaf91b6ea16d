/* words.c - an amount of money in Russian words, as invoices print it:
 * "Двадцать шесть тысяч сто девяносто один рубль 68 копеек". */
#include <stdlib.h>
#include <string.h>

#include "money/money.h"

/* The forms of a counted noun: for 1 (21, 101...), for 2-4, for 5-20 and 0. */
struct noun {
	const char *one, *few, *many;
	int feminine;
};

static const struct noun scales[] = {
	{ "рубль", "рубля", "рублей", 0 },
	{ "тысяча", "тысячи", "тысяч", 1 },
	{ "миллион", "миллиона", "миллионов", 0 },
	{ "миллиард", "миллиарда", "миллиардов", 0 },
	{ "триллион", "триллиона", "триллионов", 0 },
	{ "квадриллион", "квадриллиона", "квадриллионов", 0 },
	{ "квинтиллион", "квинтиллиона", "квинтиллионов", 0 },
};

/* Returns the form of noun that goes with the number n. */
static const char *plural(const struct noun *noun, uint64_t n)
{
	if (n % 100 >= 11 && n % 100 <= 14)
		return noun->many;
	if (n % 10 == 1)
		return noun->one;
	if (n % 10 >= 2 && n % 10 <= 4)
		return noun->few;
	return noun->many;
}

/* Appends the words of n (1 to 999), feminine or not, each followed by a
 * space.  Returns 0 or KT_ENOMEM. */
static int triple(struct kt_buf *b, unsigned n, int feminine)
{
	static const char *const hundreds[] = { "", "сто", "двести", "триста", "четыреста",
		"пятьсот", "шестьсот", "семьсот", "восемьсот", "девятьсот" };
	static const char *const tens[] = { "", "", "двадцать", "тридцать", "сорок",
		"пятьдесят", "шестьдесят", "семьдесят", "восемьдесят", "девяносто" };
	static const char *const units[] = { "", "один", "два", "три", "четыре", "пять",
		"шесть", "семь", "восемь", "девять", "десять", "одиннадцать", "двенадцать",
		"тринадцать", "четырнадцать", "пятнадцать", "шестнадцать", "семнадцать",
		"восемнадцать", "девятнадцать" };
	unsigned rest = n % 100;
	int rc = 0;

	if (n / 100)
		rc |= kt_buf_addf(b, "%s ", hundreds[n / 100]);
	if (rest >= 20) {
		rc |= kt_buf_addf(b, "%s ", tens[rest / 10]);
		rest %= 10;
	}
	if (rest == 1 || rest == 2)
		rc |= kt_buf_addf(b, "%s ", feminine ? (rest == 1 ? "одна" : "две") : units[rest]);
	else if (rest)
		rc |= kt_buf_addf(b, "%s ", units[rest]);
	return rc ? KT_ENOMEM : 0;
}

/* Upper-cases the first letter of s when it is a Russian or Latin
 * lower-case letter (UTF-8, in place: the length does not change). */
static void capitalize(char *s)
{
	unsigned char *p = (unsigned char *)s;

	if (p[0] >= 'a' && p[0] <= 'z')
		p[0] = (unsigned char)(p[0] - 32);
	else if (p[0] == 0xD0 && p[1] >= 0xB0 && p[1] <= 0xBF)   /* а-п */
		p[1] = (unsigned char)(p[1] - 0x20);
	else if (p[0] == 0xD1 && p[1] >= 0x80 && p[1] <= 0x8F) { /* р-я */
		p[0] = 0xD0;
		p[1] = (unsigned char)(p[1] + 0x20);
	} else if (p[0] == 0xD1 && p[1] == 0x91) {               /* ё */
		p[0] = 0xD0;
		p[1] = 0x81;
	}
}

/* Returns kopecks in words.  See kontora.h. */
char *kt_amount_words(int64_t kopecks)
{
	static const struct noun kopeck = { "копейка", "копейки", "копеек", 1 };
	uint64_t mag = kopecks < 0 ? (uint64_t)-(kopecks + 1) + 1 : (uint64_t)kopecks;
	uint64_t roubles = mag / 100;
	unsigned groups[7] = { 0 };
	struct kt_buf b = { 0 };
	int rc = kopecks < 0 ? kt_buf_adds(&b, "минус ") : 0;
	int top = 0;

	for (uint64_t r = roubles; r; r /= 1000)
		groups[top++] = (unsigned)(r % 1000);
	if (!roubles)
		rc |= kt_buf_adds(&b, "ноль ");
	for (int g = top - 1; g >= 0; g--) {
		if (!groups[g] && g)
			continue;
		rc |= triple(&b, groups[g], scales[g].feminine);
		if (g)
			rc |= kt_buf_addf(&b, "%s ", plural(&scales[g], groups[g]));
	}
	rc |= kt_buf_addf(&b, "%s %02u %s", plural(&scales[0], roubles), (unsigned)(mag % 100),
	                  plural(&kopeck, mag % 100));
	if (rc) {
		kt_buf_free(&b);
		return NULL;
	}
	capitalize(b.data);
	return kt_buf_detach(&b);
}
