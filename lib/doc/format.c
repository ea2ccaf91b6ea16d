/*
 * format.c - money, quantities and dates as a Russian document prints
 * them.  Money stays in kopecks: no floating point here.
 */
#include <stdio.h>
#include <string.h>

#include "doc/doc.h"

char *doc_money(int64_t kopecks, char out[40])
{
	/* kt_money_format()'s screen form is "1 234,50 ₽": the same grouping,
	 * and the sign goes, as the columns say "руб." themselves. */
	kt_money_format(kopecks, 1, out);
	char *sign = strstr(out, " ₽");
	if (sign)
		*sign = '\0';
	return out;
}

char *doc_qty(int64_t milli, char out[32])
{
	return kt_decimal_format(milli, 1, out);
}

char *doc_date(const char *date, int form, char out[40])
{
	static const char *const months[] = {
		"января", "февраля", "марта", "апреля", "мая", "июня", "июля",
		"августа", "сентября", "октября", "ноября", "декабря",
	};
	int y, m, d;

	out[0] = '\0';
	if (!date || !kt_date_valid(date) || sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return out;
	if (form == 1)
		snprintf(out, 40, "%d %s %d г.", d, months[m - 1], y);
	else if (form == 2)
		snprintf(out, 40, "«%02d» %s %d г.", d, months[m - 1], y);
	else
		snprintf(out, 40, "%02d.%02d.%04d", d, m, y);
	return out;
}
