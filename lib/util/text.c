/*
 * text.c - UTF-8, folding and collation, and the value formats of the
 * books: phone numbers, INN, money, dates and times, sizes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

/* -------------------------------------------------------------- UTF-8 */

/* Returns the length (1-4) of the valid UTF-8 sequence starting s, which
 * has len > 0 bytes left, or 0 if it is not one: a stray continuation
 * byte, an overlong form, a surrogate, beyond U+10FFFF, or cut short. */
static size_t utf8_seq(const unsigned char *s, size_t len)
{
	unsigned char lo = 0x80, hi = 0xBF;
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] < 0xC2 || s[0] > 0xF4)
		return 0;
	if (s[0] < 0xE0) {
		n = 2;
	} else if (s[0] < 0xF0) {
		n = 3;
		if (s[0] == 0xE0)
			lo = 0xA0;		/* overlong */
		else if (s[0] == 0xED)
			hi = 0x9F;		/* surrogates */
	} else {
		n = 4;
		if (s[0] == 0xF0)
			lo = 0x90;		/* overlong */
		else if (s[0] == 0xF4)
			hi = 0x8F;		/* beyond U+10FFFF */
	}
	if (len < n || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	return n;
}

/* Returns 1 if s[0..len) is valid UTF-8, else 0 and, when bad is not NULL,
 * the offset of the first byte of the first invalid sequence. */
int kt_utf8_valid(const char *s, size_t len, size_t *bad)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, n;

	while (i < len) {
		/* Text of the books is ASCII and Cyrillic: their runs stay in
		 * this loop (a 1C import validates 170 MB of descriptions). */
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		if (u[i] >= 0xC2 && u[i] <= 0xDF && i + 1 < len && (u[i + 1] & 0xC0) == 0x80) {
			i += 2;
			continue;
		}
		n = utf8_seq(u + i, len - i);
		if (n == 0) {
			if (bad)
				*bad = i;
			return 0;
		}
		i += n;
	}
	return 1;
}

/* Returns the number of code points in s: every byte that is not a UTF-8
 * continuation byte counts one column. */
size_t kt_utf8_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if ((*s & 0xC0) != 0x80)
			w++;
	return w;
}

/* ------------------------------------------------------------ folding */

/* Folds the character at s (len > 0 bytes left) into out: A-Z and
 * Cyrillic capitals lower-cased, ё as е.  Returns the number of bytes it
 * took from s, which is also the number it wrote (1 or 2), so folding
 * never changes a string's length. */
static size_t fold_unit(const unsigned char *s, size_t len, unsigned char out[2])
{
	unsigned cp;

	if (s[0] >= 'A' && s[0] <= 'Z') {
		out[0] = (unsigned char)(s[0] + ('a' - 'A'));
		return 1;
	}
	if ((s[0] != 0xD0 && s[0] != 0xD1) || len < 2 || (s[1] & 0xC0) != 0x80) {
		out[0] = s[0];
		return 1;
	}
	cp = (unsigned)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);	/* U+0400-U+047F */
	if (cp >= 0x410 && cp <= 0x42F)
		cp += 0x20;		/* А-Я -> а-я */
	else if (cp <= 0x40F)
		cp += 0x50;		/* Ѐ-Џ -> ѐ-џ */
	if (cp == 0x451)
		cp = 0x435;		/* ё -> е */
	out[0] = (unsigned char)(0xC0 | cp >> 6);
	out[1] = (unsigned char)(0x80 | (cp & 0x3F));
	return 2;
}

/* Writes s[0..len) folded by fold_unit() to out, which may be s. */
static void fold_span(const unsigned char *s, size_t len, unsigned char *out)
{
	for (size_t i = 0; i < len;)
		i += fold_unit(s + i, len - i, out + i);
}

/* Returns a new copy of s folded by fold_unit(); the caller frees it.
 * NULL if out of memory. */
char *kt_fold(const char *s)
{
	size_t len = strlen(s);
	unsigned char *out = malloc(len + 1);

	if (!out)
		return NULL;
	fold_span((const unsigned char *)s, len, out);
	out[len] = '\0';
	return (char *)out;
}

/* What a Latin letter U+00C0-U+017F is in the full text: its base
 * letter when a diacritic makes it (é as e, as FTS5's unicode61 with
 * remove_diacritics read it), ' ' for × and ÷, '=' for a letter kept
 * (lower-cased: æ ø ß đ ł œ ...). */
static const char latin_base[] =
	"aaaaaa=ceeeeiiii=nooooo =uuuuy=="	/* U+00C0 */
	"aaaaaa=ceeeeiiii=nooooo =uuuuy=y"	/* U+00E0 */
	"aaaaaaccccccccdd==eeeeeeeeeegggg"	/* U+0100 */
	"gggghh==iiiiiiiii===jjkk=llllll="	/* U+0120 */
	"===nnnnnn===oooooo==rrrrrrssssss"	/* U+0140 */
	"sstttt==uuuuuuuuuuuuwwyyyzzzzzz=";	/* U+0160 */

/* Returns 1 if the code point cp, outside ASCII, is a letter or a digit
 * to FTS5's unicode61 (its token characters: L*, N*, Co), as far as a
 * Russian CRM's text goes: Latin, Greek, Cyrillic and what else has no
 * punctuation block of its own; 0 for spaces, punctuation and symbols
 * (NBSP, « », dashes, quotes, №, ₽, arrows, emoji...). */
static int word_cp(unsigned cp)
{
	if (cp < 0xA0)
		return 0;
	if (cp < 0xC0)		/* Latin-1 signs; ª ² ³ µ ¹ º ¼ ½ ¾ are not */
		return cp == 0xAA || cp == 0xB2 || cp == 0xB3 || cp == 0xB5 || cp == 0xB9 ||
		       cp == 0xBA || (cp >= 0xBC && cp <= 0xBE);
	if (cp == 0x37E || cp == 0x387 || (cp >= 0x482 && cp <= 0x489))
		return 0;
	if ((cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x20A0 && cp <= 0x2BFF) ||
	    (cp >= 0x2E00 && cp <= 0x2E7F) || (cp >= 0x3000 && cp <= 0x303F) ||
	    (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF || (cp >= 0x1F000 && cp <= 0x1FAFF))
		return 0;
	return 1;
}

/* Decodes the valid UTF-8 sequence s[0..n) into its code point. */
static unsigned code_point(const unsigned char *s, size_t n)
{
	unsigned cp = n == 1 ? s[0] : n == 2 ? s[0] & 0x1Fu : n == 3 ? s[0] & 0x0Fu : s[0] & 0x07u;

	for (size_t i = 1; i < n; i++)
		cp = cp << 6 | (s[i] & 0x3Fu);
	return cp;
}

/* Folds s[0..len) for the full text.  See util.h. */
size_t fold_words(char *text, size_t len)
{
	unsigned char *s = (unsigned char *)text;
	size_t out = 0;

	for (size_t i = 0; i < len;) {
		/* Cyrillic (U+0400-U+047F), half of a Russian text's bytes,
		 * straight to fold_unit(), where the general way below would
		 * take it after decoding and classifying it. */
		if ((s[i] == 0xD0 || s[i] == 0xD1) && i + 1 < len && (s[i + 1] & 0xC0) == 0x80) {
			/* а-п (D0 B0-BF) and р-я (D1 80-8F), most of a text's
			 * letters, are folded already: copied without the
			 * call (3.8% of a 1C import's CPU was this loop). */
			if ((s[i] == 0xD0 && s[i + 1] >= 0xB0) || (s[i] == 0xD1 && s[i + 1] <= 0x8F)) {
				s[out] = s[i];
				s[out + 1] = s[i + 1];
			} else {
				fold_unit(s + i, 2, s + out);
			}
			out += 2;
			i += 2;
			continue;
		}
		size_t n = s[i] < 0x80 ? 1 : utf8_seq(s + i, len - i);
		if (n <= 1) {		/* ASCII, or a byte of bad UTF-8: as it is */
			s[out++] = s[i] >= 'A' && s[i] <= 'Z' ? (unsigned char)(s[i] + ('a' - 'A')) : s[i];
			i++;
			continue;
		}
		unsigned cp = code_point(s + i, n);
		char base = cp >= 0xC0 && cp < 0x180 ? latin_base[cp - 0xC0] : '=';
		if (cp >= 0x300 && cp <= 0x36F) {
			/* A combining diacritic (e and U+0301 for é): dropped,
			 * as unicode61's remove_diacritics did. */
		} else if (!word_cp(cp) || base == ' ') {
			s[out++] = ' ';
		} else if (base != '=') {
			s[out++] = (unsigned char)base;
		} else {
			/* Latin-1's kept capitals (Æ Ð Ø Þ) and the rest of
			 * Latin Extended-A's: their small letter. */
			if (cp >= 0xC0 && cp <= 0xDE)
				cp += 0x20;
			else if (cp >= 0x100 && cp < 0x180 && cp != 0x131 && cp != 0x138 && cp != 0x149 &&
			         cp != 0x17F && ((cp >= 0x139 && cp <= 0x148) || cp >= 0x179 ? cp % 2 : !(cp % 2)))
				cp++;
			if (cp < 0x800) {
				s[out++] = (unsigned char)(0xC0 | cp >> 6);
				s[out++] = (unsigned char)(0x80 | (cp & 0x3F));
			} else {
				memmove(s + out, s + i, n);
				out += n;
			}
		}
		i += n;
	}
	return out;
}

/* Tells whether the character before byte at is part of a word, as
 * fold_words() keeps it.  See kontora.h. */
int kt_word_before(const char *text, size_t at)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t from = at ? at - 1 : 0;

	if (!at)
		return 0;
	if (s[from] < 0x80)
		return (s[from] >= '0' && s[from] <= '9') || (s[from] >= 'a' && s[from] <= 'z') ||
		       (s[from] >= 'A' && s[from] <= 'Z');
	while (from && at - from < 4 && (s[from] & 0xC0) == 0x80)
		from--;
	if (utf8_seq(s + from, at - from) != at - from)
		return 1;
	unsigned cp = code_point(s + from, at - from);
	if (cp >= 0x300 && cp <= 0x36F)
		return 1;
	return word_cp(cp) && !(cp >= 0xC0 && cp < 0x180 && latin_base[cp - 0xC0] == ' ');
}

/* A string being folded one byte at a time, for kt_collate(). */
struct folder {
	const unsigned char *s;
	size_t len, pos;		/* input and how much of it was folded */
	unsigned char buf[2];
	size_t n, i;			/* folded bytes in buf and how many were read */
};

/* Returns the next byte of f's folded string, or -1 at its end. */
static int fold_next(struct folder *f)
{
	if (f->i == f->n) {
		if (f->pos == f->len)
			return -1;
		f->n = fold_unit(f->s + f->pos, f->len - f->pos, f->buf);
		f->pos += f->n;
		f->i = 0;
	}
	return f->buf[f->i++];
}

/* Compares a[0..alen) and b[0..blen) by their folded bytes, then, to make
 * it a total order, by their raw bytes.  Returns <0, 0 or >0.  Allocates
 * nothing, so it can serve as an SQLite collation. */
int kt_collate(const char *a, size_t alen, const char *b, size_t blen)
{
	struct folder fa = { (const unsigned char *)a, alen, 0, {0}, 0, 0 };
	struct folder fb = { (const unsigned char *)b, blen, 0, {0}, 0, 0 };
	int ca, cb;

	do {
		ca = fold_next(&fa);
		cb = fold_next(&fb);
		if (ca != cb)
			return ca < cb ? -1 : 1;
	} while (ca >= 0);
	return alen ? memcmp(a, b, alen) : 0;	/* folding kept alen == blen */
}

/* ------------------------------------------------------------- phones */

/* Normalises the phone number in into out: +7 and ten digits for Russian
 * numbers, + and 8-15 digits for others (but not +7, whose numbers all
 * have ten digits after it).  Spaces, tabs, dashes, brackets and dots are
 * dropped.  Returns 0, or KT_EINVAL with out set to "". */
int kt_phone_normalize(const char *in, char out[20])
{
	char d[16];
	size_t n = 0;
	int plus = 0;

	out[0] = '\0';
	for (; *in; in++) {
		if (*in >= '0' && *in <= '9') {
			if (n == 15)
				return KT_EINVAL;
			d[n++] = *in;
		} else if (*in == '+' && !plus && n == 0) {
			plus = 1;
		} else if (!strchr(" \t-().", *in)) {
			return KT_EINVAL;
		}
	}
	d[n] = '\0';
	/* Put together by hand: an import normalises four phones a lead. */
	if (n == 11 && (d[0] == '7' || (d[0] == '8' && !plus)))
		memcpy(out, "+7", 2), memcpy(out + 2, d + 1, n);
	else if (n == 10 && !plus && strchr("9438", d[0]))
		memcpy(out, "+7", 2), memcpy(out + 2, d, n + 1);
	else if (plus && n >= 8 && d[0] != '7' && d[0] != '0')
		out[0] = '+', memcpy(out + 1, d, n + 1);
	else
		return KT_EINVAL;
	return 0;
}

/* ---------------------------------------------------------------- INN */

/* Returns the check digit of the first n digits of s with weights w:
 * the weighted sum mod 11 mod 10. */
static int inn_check(const char *s, const int *w, size_t n)
{
	int sum = 0;
	size_t i;

	for (i = 0; i < n; i++)
		sum += (s[i] - '0') * w[i];
	return sum % 11 % 10;
}

/* Returns 1 if s is ten or twelve digits with correct check digits (the
 * last one, or the last two), else 0. */
int kt_inn_valid(const char *s)
{
	static const int w10[] = { 2, 4, 10, 3, 5, 9, 4, 6, 8 };
	static const int w11[] = { 7, 2, 4, 10, 3, 5, 9, 4, 6, 8 };
	static const int w12[] = { 3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8 };
	size_t n = strspn(s, "0123456789");

	if (s[n] != '\0')
		return 0;
	if (n == 10)
		return inn_check(s, w10, 9) == s[9] - '0';
	if (n == 12)
		return inn_check(s, w11, 10) == s[10] - '0' &&
		       inn_check(s, w12, 11) == s[11] - '0';
	return 0;
}

/* -------------------------------------------------------------- money */

/* Returns 1 if c is an ASCII digit. */
static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Returns the length of the space at s (ASCII space, U+00A0 or U+202F),
 * or 0 if there is none. */
static size_t space_at(const char *s)
{
	static const char *const spaces[] = { " ", "\xC2\xA0", "\xE2\x80\xAF" };
	size_t i, n;

	for (i = 0; i < sizeof spaces / sizeof spaces[0]; i++) {
		n = strlen(spaces[i]);
		if (strncmp(s, spaces[i], n) == 0)
			return n;
	}
	return 0;
}

/* Returns s past any spaces space_at() knows. */
static const char *skip_spaces(const char *s)
{
	size_t n;

	while ((n = space_at(s)) > 0)
		s += n;
	return s;
}

/* Returns s past the rouble sign or abbreviation it starts with, if any. */
static const char *skip_unit(const char *s)
{
	static const char *const units[] = { "₽", "руб.", "руб", "р.", "р" };
	size_t i, n;

	for (i = 0; i < sizeof units / sizeof units[0]; i++) {
		n = strlen(units[i]);
		if (strncmp(s, units[i], n) == 0)
			return s + n;
	}
	return s;
}

/* Appends the digit c to *mag, which must stay <= limit.  Returns 0, or
 * -1 (leaving *mag alone) if it would not. */
static int push_digit(uint64_t *mag, uint64_t limit, char c)
{
	unsigned d = (unsigned)(c - '0');

	if (*mag > (limit - d) / 10)
		return -1;
	*mag = *mag * 10 + d;
	return 0;
}

/* Reads the integer part at *s into *mag: digits, optionally in groups of
 * three after a first group of one to three, separated by single spaces.
 * Returns 0 and moves *s past it, or KT_EINVAL. */
static int money_int(const char **s, uint64_t *mag, uint64_t limit)
{
	const char *p = *s;
	size_t group = 0, sep = 0, n;

	if (!is_digit(*p))
		return KT_EINVAL;
	for (;;) {
		if (is_digit(*p)) {
			if (push_digit(mag, limit, *p++) < 0)
				return KT_EINVAL;
			group++;
		} else if ((n = space_at(p)) > 0 && is_digit(p[n]) &&
		           (sep ? group == 3 : group <= 3)) {
			p += n;
			sep++;
			group = 0;
		} else {
			break;
		}
	}
	if (sep && group != 3)
		return KT_EINVAL;
	*s = p;
	return 0;
}

/* Parses a fixed-point number into units of 10^-decimals: an optional
 * '-', the integer part (see money_int()), an optional ',' or '.' with up
 * to decimals digits, then, when money, optional spaces around an
 * optional ₽, "руб." or "р." (the dots may be left out).  Returns 0 and
 * *out, or KT_EINVAL (junk, too many decimals, beyond int64_t). */
static int fixed_parse(const char *s, int decimals, int money, int64_t *out)
{
	int neg = *s == '-';
	uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	uint64_t mag = 0;
	int ndec = 0;

	s += neg;
	if (money_int(&s, &mag, limit) < 0)
		return KT_EINVAL;
	if (*s == ',' || *s == '.')
		for (s++; is_digit(*s); s++, ndec++)
			if (ndec == decimals || push_digit(&mag, limit, *s) < 0)
				return KT_EINVAL;
	for (; ndec < decimals; ndec++)
		if (push_digit(&mag, limit, '0') < 0)
			return KT_EINVAL;
	s = skip_spaces(s);
	if (money)
		s = skip_spaces(skip_unit(s));
	if (*s != '\0')
		return KT_EINVAL;
	*out = neg && mag ? -(int64_t)(mag - 1) - 1 : (int64_t)mag;
	return 0;
}

/* Parses an amount of money into kopecks (fixed_parse() with two
 * decimals and a rouble sign).  Returns 0 and *kopecks, or KT_EINVAL. */
int kt_money_parse(const char *s, int64_t *kopecks)
{
	return fixed_parse(s, 2, 1, kopecks);
}

/* Parses a number with up to decimals decimals.  See kontora.h. */
int kt_decimal_parse(const char *s, int decimals, int64_t *out)
{
	if (decimals < 0 || decimals > 6)
		return KT_EINVAL;
	return fixed_parse(s, decimals, 0, out);
}

/* Formats thousandths.  See kontora.h. */
char *kt_decimal_format(int64_t milli, int screen, char out[32])
{
	uint64_t mag = milli < 0 ? (uint64_t)-(milli + 1) + 1 : (uint64_t)milli;
	unsigned frac = (unsigned)(mag % 1000);
	int n = snprintf(out, 32, "%s%llu", milli < 0 ? "-" : "", (unsigned long long)(mag / 1000));

	if (frac) {
		char dec[8];
		int len = snprintf(dec, sizeof dec, "%03u", frac);
		while (dec[len - 1] == '0')
			dec[--len] = '\0';
		snprintf(out + n, (size_t)(32 - n), "%c%s", screen ? ',' : '.', dec);
	}
	return out;
}

/* Writes v in decimal into out.  Returns its length. */
size_t text_int(int64_t v, char out[21])
{
	uint64_t mag = v < 0 ? (uint64_t)-(v + 1) + 1 : (uint64_t)v;
	char digits[20];
	size_t n = 0, len = 0;

	/* Without printf: an import writes a number or an amount a record,
	 * and snprintf() was a thousand instructions a call. */
	do
		digits[n++] = (char)('0' + mag % 10);
	while (mag /= 10);
	if (v < 0)
		out[len++] = '-';
	while (n)
		out[len++] = digits[--n];
	out[len] = '\0';
	return len;
}

/* Formats kopecks into out: "-1 234,50 ₽" when screen, else "-1234.50".
 * Returns out. */
char *kt_money_format(int64_t kopecks, int screen, char out[40])
{
	uint64_t mag = kopecks < 0 ? (uint64_t)-(kopecks + 1) + 1 : (uint64_t)kopecks;
	unsigned cents = (unsigned)(mag % 100);
	char digits[21], *p = out;
	size_t n = text_int((int64_t)(mag / 100), digits);

	if (kopecks < 0)
		*p++ = '-';
	for (size_t i = 0; i < n; i++) {
		*p++ = digits[i];
		if (screen && n - 1 - i > 0 && (n - 1 - i) % 3 == 0)
			*p++ = ' ';
	}
	*p++ = screen ? ',' : '.';
	*p++ = (char)('0' + cents / 10);
	*p++ = (char)('0' + cents % 10);
	memcpy(p, screen ? " ₽" : "", screen ? sizeof " ₽" : 1);
	return out;
}

/* -------------------------------------------------------------- dates */

/* Returns the number made of the n digits at s, or -1 if one is not a
 * digit. */
static int digits_at(const char *s, int n)
{
	int v = 0;

	for (; n > 0; n--, s++) {
		if (!is_digit(*s))
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

/* Returns the number of days in month m (1-12) of year y. */
static int month_days(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		return 29;
	return days[m - 1];
}

/* Returns 1 if the ten bytes at s are a date YYYY-MM-DD of the Gregorian
 * calendar, years 0001-9999, else 0. */
static int date_at(const char *s)
{
	int y = digits_at(s, 4), m = digits_at(s + 5, 2), d = digits_at(s + 8, 2);

	return s[4] == '-' && s[7] == '-' && y >= 1 && m >= 1 && m <= 12 &&
	       d >= 1 && d <= month_days(y, m);
}

/* Returns 1 if s is exactly a real date YYYY-MM-DD, else 0. */
int kt_date_valid(const char *s)
{
	return strlen(s) == 10 && date_at(s);
}

/* Returns 1 if s is exactly YYYY-MM-DDTHH:MM:SSZ with a real date and
 * time (no leap second), else 0. */
int kt_datetime_valid(const char *s)
{
	int h, m, sec;

	if (strlen(s) != 20 || !date_at(s))
		return 0;
	h = digits_at(s + 11, 2);
	m = digits_at(s + 14, 2);
	sec = digits_at(s + 17, 2);
	return s[10] == 'T' && s[13] == ':' && s[16] == ':' && s[19] == 'Z' &&
	       h >= 0 && h <= 23 && m >= 0 && m <= 59 && sec >= 0 && sec <= 59;
}

/* Formats t as UTC YYYY-MM-DDTHH:MM:SSZ into out.  Returns out, which is
 * "" when t falls outside the years 0001-9999. */
char *kt_datetime_format(time_t t, char out[21])
{
	struct tm tm;
	int year;

	year = gmtime_r(&t, &tm) ? tm.tm_year : -1900;
	if (year < 1 - 1900 || year > 9999 - 1900) {
		out[0] = '\0';
		return out;
	}
	snprintf(out, 5, "%04d", year + 1900);	/* %Y would not pad */
	strftime(out + 4, 17, "-%m-%dT%H:%M:%SZ", &tm);
	return out;
}

/* Parses a size.  See kontora.h. */
int kt_size_parse(const char *s, int64_t *out)
{
	char *end;
	int shift = 0;

	if (*s < '0' || *s > '9')
		return KT_EINVAL;
	errno = 0;
	unsigned long long n = strtoull(s, &end, 10);
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	}
	if (errno || *end || !n || n > (1ULL << 40) >> shift)
		return KT_EINVAL;
	*out = (int64_t)(n << shift);
	return 0;
}

/* Tells whether a value holds more than blanks.  See util.h. */
int text_filled(const char *s)
{
	return s && s[strspn(s, " \t\r\n")];
}

/* Returns the line of a byte of buf.  See util.h. */
long text_line_at(const char *buf, size_t off)
{
	long line = 1;

	for (const char *p = buf; (p = memchr(p, '\n', (size_t)(buf + off - p))); p++)
		line++;
	return line;
}
