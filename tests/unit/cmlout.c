/*
 * cmlout.c - unit tests for lib/export/cml.c: invoices written as
 * CommerceML for 1C from documents built by hand, read back with
 * libxml2's parser.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "kontora.h"
#include "tap.h"

/* Returns the text of the first node xpath finds in the document of len
 * bytes at s (1C's namespace is c:), or "" for none (caller frees). */
static char *find(const char *s, size_t len, const char *xpath)
{
	xmlDocPtr doc = xmlReadMemory(s, (int)len, "cml.xml", NULL, XML_PARSE_NONET);
	xmlXPathContextPtr ctx = doc ? xmlXPathNewContext(doc) : NULL;
	xmlXPathObjectPtr r = NULL;
	char *text = NULL;

	if (ctx && !xmlXPathRegisterNs(ctx, (const xmlChar *)"c",
	                               (const xmlChar *)"urn:1C.ru:commerceml_2"))
		r = xmlXPathEvalExpression((const xmlChar *)xpath, ctx);
	if (r && r->nodesetval && r->nodesetval->nodeNr)
		text = (char *)xmlNodeGetContent(r->nodesetval->nodeTab[0]);
	char *copy = strdup(text ? text : "");
	xmlFree(text);
	xmlXPathFreeObject(r);
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
	return copy;
}

/* Checks that xpath finds want in out. */
static void has(const struct kt_buf *out, const char *xpath, const char *want)
{
	char *got = find(out->data, out->len, xpath);

	is_str(got, want, "%s", xpath);
	free(got);
}

/* Two lines: a product 1C knows at 22% in the price, and a service
 * without a product and without VAT. */
static struct kt_document_line lines[] = {
	{ .product = "G1", .name = "Гель «Аква» & <мыло>", .unit = "шт", .qty_milli = 1500,
	  .price = 100050, .vat_rate = 22, .sum = 150075, .vat = 27063 },
	{ .name = "Доставка", .unit = "усл", .qty_milli = 1000, .price = 5, .vat_rate = KT_VAT_NONE,
	  .sum = 5 },
};

static void test_order(void)
{
	struct kt_document d = {
		.id = "IAAAA0001", .status = "paid", .number = "КХ-2026-0007", .date = "2026-11-23",
		.due = "2026-12-01", .buyer = { .id = "CBBBB0001", .name = "Ромашка",
		.inn = "7707083893", .kpp = "773601001", .account = "40702810100000000001",
		.bik = "044525225", .bank = "ПАО Сбербанк" },
		.lines = lines, .nlines = 2, .vat_included = 1, .subtotal = 150080, .vat_total = 27063,
		.total = 150080,
	};
	char *ids[] = { "1c-g1", NULL };
	struct kt_cml_order o = { &d, "09:30:00", "CBBBB0001", ids };
	const struct kt_party *clients[] = { &d.buyer };
	struct kt_buf out = { 0 };
	struct kt_error err = { 0 };

	is_int(kt_cml_orders(&o, 1, clients, 1, "2026-11-23T10:00:00", &out, &err), 0, "written");
	has(&out, "/c:КоммерческаяИнформация/@ВерсияСхемы", "2.08");
	has(&out, "/c:КоммерческаяИнформация/@ДатаФормирования", "2026-11-23T10:00:00");
	has(&out, "//c:Документ/c:Номер", "КХ-2026-0007");
	has(&out, "//c:Документ/c:Сумма", "1500.80");
	has(&out, "//c:Документ/c:СрокПлатежа", "2026-12-01");
	has(&out, "//c:Документ/c:Время", "09:30:00");
	has(&out, "//c:Документ/c:Налоги/c:Налог/c:Сумма", "270.63");
	has(&out, "//c:Документ/c:Налоги/c:Налог/c:УчтеноВСумме", "true");
	has(&out, "//c:Товар[1]/c:Ид", "1c-g1");
	has(&out, "//c:Товар[1]/c:Наименование", "Гель «Аква» & <мыло>");
	has(&out, "//c:Товар[1]/c:Количество", "1.5");
	has(&out, "//c:Товар[1]/c:ЦенаЗаЕдиницу", "1000.50");
	has(&out, "//c:Товар[1]/c:Сумма", "1500.75");
	has(&out, "//c:Товар[1]/c:БазоваяЕдиница/@Код", "796");
	has(&out, "//c:Товар[2]/c:Ид", "");
	has(&out, "//c:Товар[2]/c:ЦенаЗаЕдиницу", "0.05");
	has(&out, "//c:Товар[2]/c:СтавкиНалогов/c:СтавкаНалога/c:Ставка", "Без налога");
	has(&out, "//c:Товар[2]/c:Налоги", "");
	has(&out, "//c:Товар[2]/c:БазоваяЕдиница/@Код", "");
	has(&out, "/c:КоммерческаяИнформация/c:Контрагенты/c:Контрагент/c:Ид", "CBBBB0001");
	has(&out, "//c:Контрагент/c:РасчетныеСчета/c:РасчетныйСчет/c:Банк/c:БИК", "044525225");
	has(&out, "//c:ЗначениеРеквизита[c:Наименование='Заказ оплачен']/c:Значение", "true");
	kt_buf_free(&out);
}

static void test_bad_text(void)
{
	struct kt_document_line bad = { .name = "\xff\xfe", .qty_milli = 1000, .vat_rate = 22 };
	struct kt_document d = { .id = "I1", .number = "1", .date = "2026-11-23", .lines = &bad,
	                         .nlines = 1, .buyer = { .id = "C1", .name = "Ромашка" } };
	char *ids[] = { NULL };
	struct kt_cml_order o = { &d, "12:00:00", "C1", ids };
	struct kt_buf out = { 0 };
	struct kt_error err = { 0 };

	kt_buf_adds(&out, "kept");
	is_int(kt_cml_orders(&o, 1, NULL, 0, "2026-11-23T10:00:00", &out, &err), KT_EINVAL,
	       "a name that is not UTF-8 is refused");
	is_str(out.data, "kept", "and nothing is appended");
	kt_buf_free(&out);
}

static void test_empty(void)
{
	struct kt_buf out = { 0 };
	struct kt_error err = { 0 };

	is_int(kt_cml_orders(NULL, 0, NULL, 0, "2026-11-23T10:00:00", &out, &err), 0,
	       "no invoices: still a file");
	ok(strstr(out.data, "<КоммерческаяИнформация") != NULL, "with its root");
	ok(strstr(out.data, "Документ") == NULL, "and no document");
	kt_buf_free(&out);
}

int main(void)
{
	test_order();
	test_bad_text();
	test_empty();
	return done_testing();
}
