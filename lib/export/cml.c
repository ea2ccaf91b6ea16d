/*
 * cml.c - invoices as CommerceML 2.08 documents for 1C's "обмен с
 * сайтом" (docs/onec-export.md): what the accountant loads into 1C so as
 * never to retype a deal.  Written with libxml2's xmlTextWriter, which
 * escapes the text and keeps the file well-formed; the caller gives the
 * documents already computed, so this file only writes.
 *
 * Сумма is kontora's sum, of a line or of the lines, and Налог's
 * УчтеноВСумме says whether the VAT is in it (true, prices with VAT) or
 * goes on top of it (false): what is to pay is then Сумма plus the VAT.
 *
 * Money is written from int64 kopecks as roubles with two decimals and a
 * point ("1234.50"), quantities from thousandths ("1.5"): 1C reads
 * xs:decimal, and no floating point is involved.
 */
#include <stdio.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "export/export.h"

#define X(s) ((const xmlChar *)(s))

/* The OKEI codes of the units kontora's dictionary knows, by their
 * printed names: 1C finds a unit by its code before its name. */
static const struct {
	const char *name, *code, *full, *intl;
} units[] = {
	{ "шт", "796", "Штука", "PCE" },
	{ "кг", "166", "Килограмм", "KGM" },
	{ "л", "112", "Литр", "LTR" },
	{ "т", "168", "Тонна", "TNE" },
	{ "упак", "778", "Упаковка", "NMP" },
};

/* The writer and its first failure: every call below is a no-op once
 * one has failed, so the functions write without checking each step. */
struct cw {
	xmlTextWriterPtr w;
	int failed;
};

/* Starts element name.  Returns nothing; a failure is kept in cw. */
static void open_el(struct cw *cw, const char *name)
{
	if (!cw->failed && xmlTextWriterStartElement(cw->w, X(name)) < 0)
		cw->failed = 1;
}

/* Ends the element open last. */
static void close_el(struct cw *cw)
{
	if (!cw->failed && xmlTextWriterEndElement(cw->w) < 0)
		cw->failed = 1;
}

/* Writes <name>text</name>; nothing when text is NULL or "". */
static void text_el(struct cw *cw, const char *name, const char *text)
{
	if (!cw->failed && text && *text && xmlTextWriterWriteElement(cw->w, X(name), X(text)) < 0)
		cw->failed = 1;
}

/* Writes attribute name="value" on the element open last. */
static void attr(struct cw *cw, const char *name, const char *value)
{
	if (!cw->failed && xmlTextWriterWriteAttribute(cw->w, X(name), X(value)) < 0)
		cw->failed = 1;
}

/* Writes <name>roubles.kopecks</name> from kopecks. */
static void money_el(struct cw *cw, const char *name, int64_t kopecks)
{
	char s[40];

	text_el(cw, name, kt_money_format(kopecks, 0, s));
}

/* Writes el holding two elements: <k1>v1</k1><k2>v2</k2>, the shape of
 * ЗначениеРеквизита, СтавкаНалога and Контакт. */
static void pair_el(struct cw *cw, const char *el, const char *k1, const char *v1,
                    const char *k2, const char *v2)
{
	open_el(cw, el);
	text_el(cw, k1, v1);
	text_el(cw, k2, v2);
	close_el(cw);
}

/* Returns the rate as 1C writes it: "22", "0", "Без налога". */
static const char *rate_text(int rate, char buf[16])
{
	if (rate == KT_VAT_NONE)
		return "Без налога";
	snprintf(buf, 16, "%d", rate);
	return buf;
}

/* Writes a Налог: НДС, in the sum or on top, its amount, and the rate
 * when one is given (a line's; the document's sum has several). */
static void tax_el(struct cw *cw, int included, int64_t vat, const char *rate)
{
	open_el(cw, "Налог");
	text_el(cw, "Наименование", "НДС");
	text_el(cw, "УчтеноВСумме", included ? "true" : "false");
	money_el(cw, "Сумма", vat);
	text_el(cw, "Ставка", rate);
	close_el(cw);
}

/* Writes a Контрагент: the party p under the id 1C knows it by, with
 * its requisites, address, contacts and bank account, so that 1C can
 * create it when the id is new. */
static void party_el(struct cw *cw, const struct kt_party *p, const char *id)
{
	open_el(cw, "Контрагент");
	text_el(cw, "Ид", id);
	text_el(cw, "Наименование", p->name);
	text_el(cw, "ПолноеНаименование", p->legal_name ? p->legal_name : p->name);
	text_el(cw, "Роль", "Покупатель");
	text_el(cw, "ИНН", p->inn);
	text_el(cw, "КПП", p->kpp);
	if (p->address) {
		open_el(cw, "ЮридическийАдрес");
		text_el(cw, "Представление", p->address);
		close_el(cw);
	}
	if (p->phone || p->email) {
		open_el(cw, "Контакты");
		if (p->phone)
			pair_el(cw, "Контакт", "Тип", "Телефон рабочий", "Значение", p->phone);
		if (p->email)
			pair_el(cw, "Контакт", "Тип", "Почта", "Значение", p->email);
		close_el(cw);
	}
	if (p->account) {
		open_el(cw, "РасчетныеСчета");
		open_el(cw, "РасчетныйСчет");
		text_el(cw, "НомерСчета", p->account);
		open_el(cw, "Банк");
		text_el(cw, "СчетКорреспондентский", p->corr_account);
		text_el(cw, "Наименование", p->bank);
		text_el(cw, "БИК", p->bik);
		close_el(cw);
		close_el(cw);
		close_el(cw);
	}
	close_el(cw);
}

/* Writes a line's БазоваяЕдиница: the printed name, with its OKEI code
 * when kontora knows it. */
static void unit_el(struct cw *cw, const char *unit)
{
	if (!unit)
		return;
	open_el(cw, "БазоваяЕдиница");
	for (size_t i = 0; i < sizeof units / sizeof *units; i++)
		if (!strcmp(units[i].name, unit)) {
			attr(cw, "Код", units[i].code);
			attr(cw, "НаименованиеПолное", units[i].full);
			attr(cw, "МеждународноеСокращение", units[i].intl);
		}
	if (!cw->failed && xmlTextWriterWriteString(cw->w, X(unit)) < 0)
		cw->failed = 1;
	close_el(cw);
}

/* Writes one Товар of a document: the product under its 1C id (none for
 * a line without a product: 1C then goes by the name), the unit, the
 * rate, price, quantity, sum and the VAT in or on top of it. */
static void line_el(struct cw *cw, const struct kt_document_line *l, const char *id,
                    int included)
{
	char rate[16], qty[32];

	open_el(cw, "Товар");
	text_el(cw, "Ид", id);
	text_el(cw, "Наименование", l->name);
	unit_el(cw, l->unit);
	open_el(cw, "СтавкиНалогов");
	pair_el(cw, "СтавкаНалога", "Наименование", "НДС", "Ставка", rate_text(l->vat_rate, rate));
	close_el(cw);
	open_el(cw, "ЗначенияРеквизитов");
	pair_el(cw, "ЗначениеРеквизита", "Наименование", "ВидНоменклатуры", "Значение", "Товар");
	pair_el(cw, "ЗначениеРеквизита", "Наименование", "ТипНоменклатуры", "Значение", "Товар");
	close_el(cw);
	money_el(cw, "ЦенаЗаЕдиницу", l->price);
	text_el(cw, "Количество", kt_decimal_format(l->qty_milli, 0, qty));
	money_el(cw, "Сумма", l->sum);
	if (l->vat_rate != KT_VAT_NONE) {
		open_el(cw, "Налоги");
		tax_el(cw, included, l->vat, rate);
		close_el(cw);
	}
	close_el(cw);
}

/* Writes one Документ: the invoice as an order (Заказ товара) from the
 * seller to the buyer, with its sum, counterparty, time, VAT and goods. */
static void order_el(struct cw *cw, const struct kt_cml_order *o)
{
	const struct kt_document *d = o->doc;
	int taxed = 0;

	open_el(cw, "Документ");
	text_el(cw, "Ид", d->id);
	text_el(cw, "Номер", d->number);
	text_el(cw, "Дата", d->date);
	text_el(cw, "ХозОперация", "Заказ товара");
	text_el(cw, "Роль", "Продавец");
	text_el(cw, "Валюта", "руб");
	text_el(cw, "Курс", "1");
	money_el(cw, "Сумма", d->subtotal);
	open_el(cw, "Контрагенты");
	party_el(cw, &d->buyer, o->buyer_id);
	close_el(cw);
	text_el(cw, "Время", o->time);
	text_el(cw, "СрокПлатежа", d->due);
	for (size_t i = 0; i < d->nlines; i++)
		taxed |= d->lines[i].vat_rate != KT_VAT_NONE;
	if (taxed) {
		open_el(cw, "Налоги");
		tax_el(cw, d->vat_included, d->vat_total, NULL);
		close_el(cw);
	}
	open_el(cw, "Товары");
	for (size_t i = 0; i < d->nlines; i++)
		line_el(cw, &d->lines[i], o->product_ids[i], d->vat_included);
	close_el(cw);
	open_el(cw, "ЗначенияРеквизитов");
	pair_el(cw, "ЗначениеРеквизита", "Наименование", "Заказ оплачен", "Значение",
	        d->status && !strcmp(d->status, "paid") ? "true" : "false");
	pair_el(cw, "ЗначениеРеквизита", "Наименование", "Статус заказа", "Значение", d->status);
	close_el(cw);
	close_el(cw);
}

/* Writes the CommerceML file.  See kontora.h. */
int kt_cml_orders(const struct kt_cml_order *orders, size_t n,
                  const struct kt_party *const *clients, size_t nclients, const char *stamp,
                  struct kt_buf *out, struct kt_error *err)
{
	xmlBufferPtr buf = xmlBufferCreate();
	struct cw cw = { buf ? xmlNewTextWriterMemory(buf, 0) : NULL, 0 };
	int rc = 0;

	if (!cw.w) {
		xmlBufferFree(buf);
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	cw.failed = xmlTextWriterSetIndent(cw.w, 1) < 0 ||
	            xmlTextWriterSetIndentString(cw.w, X("\t")) < 0 ||
	            xmlTextWriterStartDocument(cw.w, "1.0", "UTF-8", NULL) < 0;
	open_el(&cw, "КоммерческаяИнформация");
	attr(&cw, "xmlns", "urn:1C.ru:commerceml_2");
	attr(&cw, "ВерсияСхемы", "2.08");
	attr(&cw, "ДатаФормирования", stamp);
	if (nclients) {
		open_el(&cw, "Контрагенты");
		for (size_t i = 0; i < nclients; i++)
			party_el(&cw, clients[i], clients[i]->id);
		close_el(&cw);
	}
	for (size_t i = 0; i < n; i++)
		order_el(&cw, &orders[i]);
	if (!cw.failed && xmlTextWriterEndDocument(cw.w) < 0)
		cw.failed = 1;
	xmlFreeTextWriter(cw.w);
	/* libxml2 copies the bytes of a text as they are: a file 1C could
	 * not read is refused here rather than written. */
	size_t bad = 0;
	if (cw.failed)
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	else if (!kt_utf8_valid((const char *)xmlBufferContent(buf), (size_t)xmlBufferLength(buf), &bad))
		rc = kt_error_set(err, KT_EINVAL, "a text for 1C is not UTF-8 (byte %zu of the file)", bad);
	else if (kt_buf_add(out, xmlBufferContent(buf), (size_t)xmlBufferLength(buf)))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	xmlBufferFree(buf);
	return rc;
}
