/*
 * cml.c - unit tests for lib/intake/cml.c: 1C's decimals, and CommerceML
 * read item by item from memory (namespaces, the shapes of БазоваяЕдиница,
 * Коэффициент, stock per warehouse, СодержитТолькоИзменения, errors).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intake/intake.h"
#include "tap.h"

static void test_decimal(void)
{
	static const struct { const char *in; int scale; long long out; } good[] = {
		{ "1234.5", 2, 123450 }, { "1 234,50", 2, 123450 }, { "0.005", 2, 1 },
		{ "0.004", 2, 0 }, { "-3", 0, -3 }, { "2.000", 0, 2 }, { "2.5", 0, 3 },
		{ "96\xc2\xa0" "287", 2, 9628700 }, { " 100", 2, 10000 }, { "12", 3, 12000 },
	};
	static const char *const bad[] = { "", "12О0", "1.2.3", ",5", "1e3", "-" };
	int64_t v;

	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		int rc = cml_decimal(good[i].in, good[i].scale, &v);
		is_int(rc ? -1 : v, good[i].out, "decimal \"%s\" at scale %d", good[i].in, good[i].scale);
	}
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		is_int(cml_decimal(bad[i], 2, &v), KT_EINVAL, "\"%s\" is no number", bad[i]);
}

/* What the reader handed over, as text: one line per item. */
struct got {
	struct kt_buf b;
};

static int collect(void *arg, const struct cml_item *it, struct kt_error *err)
{
	struct got *g = arg;
	static const char *const kinds[] = { "product", "offer", "client", "end" };

	kt_buf_addf(&g->b, "%s@%ld%s%s", kinds[it->kind], it->line, it->deleted ? " deleted" : "",
	            it->partial ? " partial" : "");
	for (size_t i = 0; i < it->n; i++)
		kt_buf_addf(&g->b, " %s=%s", it->names[i], it->values[i]);
	kt_buf_addc(&g->b, '\n');
	return 0;
}

/* Reads xml in pass; returns the items as text (caller frees) and the
 * status in *rc, the error in err. */
static char *read_xml(const char *xml, int pass, const char *price_type, int *rc, struct kt_error *err)
{
	struct got g = { { 0 } };
	struct cml c = { .file = "t.xml", .pass = pass, .price_type = price_type, .fn = collect,
	                 .arg = &g, .err = err };
	xmlTextReaderPtr r = xmlReaderForMemory(xml, (int)strlen(xml), "t.xml", NULL,
	                                        XML_PARSE_NONET | XML_PARSE_BIG_LINES);

	memset(err, 0, sizeof *err);
	*rc = cml_read(&c, r);
	xmlFreeTextReader(r);
	cml_free(&c);
	kt_buf_addc(&g.b, '\0');
	return kt_buf_detach(&g.b);
}

static void test_catalogue(void)
{
	const char *xml =
		"<?xml version=\"1.0\"?>\n"
		"<КоммерческаяИнформация xmlns=\"urn:1C.ru:commerceml_210\" ВерсияСхемы=\"2.08\">\n"
		"<Классификатор><Группы><Группа><Ид>a</Ид><Наименование>А</Наименование>\n"
		"<Группы><Группа><Ид>b</Ид><Наименование>Б</Наименование></Группа></Группы></Группа></Группы></Классификатор>\n"
		"<Каталог><Товары>\n"
		"<Товар><Ид> x1 </Ид><Наименование>Гель</Наименование><Группы><Ид>b</Ид></Группы>\n"
		"<БазоваяЕдиница Код=\"796 \">шт<Пересчет><Единица>796</Единица></Пересчет></БазоваяЕдиница></Товар>\n"
		"<Товар><Ид>x2</Ид><Наименование>Мыло</Наименование><ПометкаУдаления>true</ПометкаУдаления>\n"
		"<БазоваяЕдиница/><ШтрихКод>46</ШтрихКод></Товар>\n"
		"</Товары><СодержитТолькоИзменения>true</СодержитТолькоИзменения></Каталог>\n"
		"<ПакетПредложений><Предложения><Предложение><Ид>x1</Ид></Предложение></Предложения></ПакетПредложений>\n"
		"</КоммерческаяИнформация>\n";
	struct kt_error err;
	int rc;
	char *got = read_xml(xml, CML_PASS_REST, NULL, &rc, &err);

	is_int(rc, 0, "a catalogue of 2.08 under commerceml_210 reads");
	is_str(got, "product@6 onec_id=x1 name=Гель unit=шт unit_code=796 group=А / Б\n"
	       "product@8 deleted onec_id=x2 name=Мыло barcode=46\n"
	       "end@5 partial\n", "products with their group path, unit, deletion; the offers skipped");
	free(got);
	got = read_xml(xml, CML_PASS_OFFERS, NULL, &rc, &err);
	is_str(got, "offer@11 onec_id=x1\n", "the offers pass reads only the offers");
	free(got);
}

/* Texts as libxml2 gives them: an entity, a character reference, CDATA,
 * a comment inside a text, blanks around it; an element of one text is
 * read straight from its node, any other through xmlNodeGetContent(). */
static void test_texts(void)
{
	const char *xml =
		"<?xml version=\"1.0\"?>\n"
		"<КоммерческаяИнформация ВерсияСхемы=\"2.03\"><Каталог><Товары>\n"
		"<Товар><Ид>x3</Ид><Артикул><![CDATA[A<1>]]></Артикул><Наименование>Гель &amp; «Мыло»</Наименование>\n"
		"<Штрихкод> 46\n</Штрихкод><Описание>Ге<!-- c -->ль &#1078;</Описание></Товар>\n"
		"<Товар><Ид>x4</Ид><Наименование>\u00a0Кран<![CDATA[ 1/2]]> </Наименование><Описание/></Товар>\n"
		"</Товары></Каталог></КоммерческаяИнформация>\n";
	struct kt_error err;
	int rc;
	char *got = read_xml(xml, CML_PASS_REST, NULL, &rc, &err);

	is_int(rc, 0, "texts of every shape read");
	is_str(got, "product@3 onec_id=x3 article=A<1> name=Гель & «Мыло» barcode=46 description=Гель ж\n"
	       "product@6 onec_id=x4 name=Кран 1/2\n"
	       "end@2\n", "entities, CDATA and comments as libxml2 reads them, trimmed");
	free(got);
}

static void test_offers(void)
{
	const char *xml =
		"<КоммерческаяИнформация ВерсияСхемы=\"2.03\"><ПакетПредложений>\n"
		"<ТипыЦен><ТипЦены><Ид>t1</Ид><Наименование>Опт</Наименование></ТипЦены>\n"
		"<ТипЦены><Ид>t2</Ид><Наименование>Розница</Наименование></ТипЦены></ТипыЦен>\n"
		"<Предложения><Предложение><Ид>x1</Ид><Цены>\n"
		"<Цена><ИдТипаЦены>t1</ИдТипаЦены><ЦенаЗаЕдиницу>1200</ЦенаЗаЕдиницу><Коэффициент>12</Коэффициент><Валюта>RUB</Валюта></Цена>\n"
		"<Цена><ИдТипаЦены>t2</ИдТипаЦены><ЦенаЗаЕдиницу>150.55</ЦенаЗаЕдиницу></Цена></Цены>\n"
		"<Склад ИдСклада=\"w1\" КоличествоНаСкладе=\"2.6\"/><Склад ИдСклада=\"w2\" КоличествоНаСкладе=\"3\"/>\n"
		"<Количество>100</Количество></Предложение></Предложения></ПакетПредложений></КоммерческаяИнформация>";
	struct kt_error err;
	int rc;
	char *got = read_xml(xml, CML_PASS_OFFERS, NULL, &rc, &err);

	is_str(got, "offer@4 onec_id=x1 price=100.00 currency=RUB stock=6\n",
	       "the first price type, per base unit; stock summed over warehouses, not Количество");
	free(got);
	got = read_xml(xml, CML_PASS_OFFERS, "Розница", &rc, &err);
	is_str(got, "offer@4 onec_id=x1 price=150.55 stock=6\n", "a price type by name");
	free(got);
	got = read_xml(xml, CML_PASS_OFFERS, "Мелкий опт", &rc, &err);
	is_int(rc, KT_EINVAL, "a price type the file lacks");
	is_str(err.msg, "t.xml:2: price type Мелкий опт is not in the file (it has: Опт, Розница)", "named with the file's");
	free(got);
}

static void test_errors(void)
{
	static const struct { const char *xml, *msg; } bad[] = {
		{ "<?xml version=\"1.0\"?>\n<catalog/>\n",
		  "t.xml:2: not CommerceML: the root element is <catalog>, not <КоммерческаяИнформация>" },
		{ "<КоммерческаяИнформация ВерсияСхемы=\"3.1\"/>", "t.xml:1: CommerceML 3.1: only versions 2.x are read" },
		{ "<КоммерческаяИнформация>\n<Каталог><Товары><Товар><Ид>1</Ид>\n",
		  "t.xml:2: not well-formed XML (truncated?): Extra content at the end of the document" },
		{ "<КоммерческаяИнформация><Каталог><Товары><Товар><Ид>1</Ид><Группы><Ид>zz</Ид></Группы></Товар>"
		  "</Товары></Каталог></КоммерческаяИнформация>",
		  "t.xml:1: product 1: group zz is not in the classifier" },
	};
	struct kt_error err;
	int rc;

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		free(read_xml(bad[i].xml, CML_PASS_REST, NULL, &rc, &err));
		is_int(rc, KT_EINVAL, "refused: %s", bad[i].msg);
		is_str(err.msg, bad[i].msg, "with file and line");
	}
}

int main(void)
{
	test_decimal();
	test_catalogue();
	test_texts();
	test_offers();
	test_errors();
	return done_testing();
}
