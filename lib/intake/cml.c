/*
 * cml.c - reading CommerceML 2.x (the exchange files of 1C:Enterprise:
 * import.xml, offers.xml, counterparties) with libxml2's xmlTextReader,
 * one item at a time: the reader walks the file, and each product, offer
 * or counterparty is expanded alone, turned into (field, value) pairs in
 * kontora's names and handed to the caller, then freed.  Memory is that
 * of one item and the classifier's groups, whatever the file's size.
 *
 * Versions 2.03-2.10 differ in their namespaces (none, commerceml_2,
 * commerceml_210 under ВерсияСхемы 2.08), so elements are matched by
 * their local names; in spellings (ШтрихКод, Штрихкод); and in where
 * СодержитТолькоИзменения sits (a child of Каталог, or its attribute).
 */
#include <libxml/tree.h>
#include <libxml/xmlreader.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intake/intake.h"

#define XS(s) ((const xmlChar *)(s))

/* Returns 1 if node is an element of local name name. */
static int is(const xmlNode *n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

/* Returns the first child element of n called name, or NULL. */
static xmlNode *child(const xmlNode *n, const char *name)
{
	for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (is(c, name))
			return c;
	return NULL;
}

/* Returns the first element called name below n, depth first, not looking
 * into Представители (the contact persons of a counterparty, themselves
 * counterparties with their own ИНН), or NULL. */
static xmlNode *below(const xmlNode *n, const char *name)
{
	for (xmlNode *c = n ? n->children : NULL; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || is(c, "Представители"))
			continue;
		if (is(c, name))
			return c;
		xmlNode *f = below(c, name);
		if (f)
			return f;
	}
	return NULL;
}

/* Returns the text of n with blanks trimmed at both ends, in a string the
 * caller frees ("" for NULL), or NULL when out of memory.  An element of
 * one text node, most, is read from that node: xmlNodeGetContent()'s copy
 * before the trimmed one was half of reading a product's values. */
static char *text_of(const xmlNode *n)
{
	const xmlNode *c = n && n->type == XML_ELEMENT_NODE ? n->children : NULL;
	int one = c && !c->next && c->type == XML_TEXT_NODE && c->content;
	xmlChar *t = n && !one ? xmlNodeGetContent(n) : NULL;
	const char *s = one ? (const char *)c->content : t ? (const char *)t : "";
	size_t len;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n' || !strncmp(s, "\xc2\xa0", 2))
		s += *s == '\xc2' ? 2 : 1;
	len = strlen(s);
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' || s[len - 1] == '\n'))
		len--;
	char *out = strndup(s, len);
	xmlFree(t);
	return out;
}

/* Returns the value of attribute name of n trimmed (caller frees), or
 * NULL when n has none. */
static char *attr_of(const xmlNode *n, const char *name)
{
	xmlChar *a = n ? xmlGetProp(n, XS(name)) : NULL;
	if (!a)
		return NULL;
	const char *s = (const char *)a;
	while (*s == ' ')
		s++;
	size_t len = strlen(s);
	while (len && s[len - 1] == ' ')
		len--;
	char *out = strndup(s, len);
	xmlFree(a);
	return out;
}

/* Returns 1 if text says yes as CommerceML does ("true", "1", "да"). */
static int truthy(const char *s)
{
	return s && (!strcmp(s, "true") || !strcmp(s, "1") || !strcmp(s, "да"));
}

/* ------------------------------------------------------------- items */

/* Sets name to value (taken; freed here when not kept) in it.  Empty
 * values are dropped.  Returns 0 or KT_ENOMEM. */
static int item_put(struct cml_item *it, const char *name, char *value)
{
	if (!value)
		return KT_ENOMEM;
	if (!*value || it->n == CML_MAXF) {
		free(value);
		return 0;
	}
	for (size_t i = 0; i < it->n; i++)
		if (!strcmp(it->names[i], name)) {
			free(it->values[i]);
			it->values[i] = value;
			return 0;
		}
	it->names[it->n] = name;
	it->values[it->n++] = value;
	return 0;
}

/* Returns the value of name in it, or NULL. */
const char *cml_get(const struct cml_item *it, const char *name)
{
	for (size_t i = 0; i < it->n; i++)
		if (!strcmp(it->names[i], name))
			return it->values[i];
	return NULL;
}

/* Frees the values of it and empties it. */
static void item_clear(struct cml_item *it)
{
	for (size_t i = 0; i < it->n; i++)
		free(it->values[i]);
	it->n = 0;
}

/* ------------------------------------------------------------ reader */

/* Fails with "FILE:LINE: what", what translated (xgettext knows
 * cml_fail as a keyword).  Returns code. */
static int cml_fail(struct cml *c, long line, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int cml_fail(struct cml *c, long line, int code, const char *fmt, ...)
{
	char msg[900];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, kt_gettext(fmt), ap);
	va_end(ap);
	return kt_error_set(c->err, code, "%s:%ld: %s", c->file, line, msg);
}

/* libxml2's errors: the first is kept, with its line, for the reader's
 * caller to report. */
static void on_xml_error(void *arg, xmlErrorPtr e)
{
	struct cml *c = arg;

	if (c->xml_error[0] || !e || e->level < XML_ERR_ERROR)
		return;
	snprintf(c->xml_error, sizeof c->xml_error, "%s", e->message ? e->message : "malformed XML");
	size_t len = strlen(c->xml_error);
	while (len && c->xml_error[len - 1] == '\n')
		c->xml_error[--len] = '\0';
	c->xml_line = e->line;
	/* What libxml2 says when a file stops short: a tag not finished, or
	 * the reader's "extra content" at the place it stopped. */
	c->xml_cut = e->code == XML_ERR_TAG_NOT_FINISHED || e->code == XML_ERR_DOCUMENT_END ||
	             e->code == XML_ERR_GT_REQUIRED || e->code == XML_ERR_LTSLASH_REQUIRED;
}

/* Adds the groups under n (a Группы element) to the classifier, each
 * named by its path from the top ("Химия / Гели").  Returns 0 or an
 * error. */
static int read_groups(struct cml *c, const xmlNode *n, const char *parent)
{
	for (xmlNode *g = n ? n->children : NULL; g; g = g->next) {
		if (!is(g, "Группа"))
			continue;
		char *id = text_of(child(g, "Ид")), *name = text_of(child(g, "Наименование"));
		struct kt_buf path = { 0 };
		int rc = !id || !name ? KT_ENOMEM : 0;
		if (!rc && *parent)
			rc = kt_buf_addf(&path, "%s / %s", parent, name);
		else if (!rc)
			rc = kt_buf_adds(&path, name);
		if (!rc && *id) {
			if (c->ngroups % 64 == 0) {
				char **v = realloc(c->groups, (c->ngroups + 64) * sizeof *v);
				rc = v ? 0 : KT_ENOMEM;
				if (v)
					c->groups = v;
			}
			if (!rc && !(c->groups[c->ngroups] = strdup(path.data ? path.data : "")))
				rc = KT_ENOMEM;
			if (!rc)
				rc = strmap_put(&c->group_ids, id, c->ngroups++);
		}
		if (!rc)
			rc = read_groups(c, child(g, "Группы"), path.data ? path.data : "");
		kt_buf_free(&path);
		free(id);
		free(name);
		if (rc)
			return kt_error_set(c->err, KT_ENOMEM, "out of memory");
	}
	return 0;
}

/* Puts the base unit of a product: its text (шт), else its short or full
 * name, as "unit", and its OKEI code (trimmed: 1C writes "796 ") as
 * "unit_code".  Returns 0 or KT_ENOMEM. */
static int read_unit(struct cml_item *it, const xmlNode *u)
{
	char *text = text_of(u);
	int rc = text ? 0 : KT_ENOMEM;

	/* <Пересчет> inside the element adds its own text: keep what
	 * precedes it, the unit's own words. */
	if (!rc && child(u, "Пересчет")) {
		free(text);
		text = NULL;
		for (xmlNode *t = u->children; t && !text; t = t->next)
			if (t->type == XML_TEXT_NODE)
				text = text_of(t);
		if (!text)
			text = strdup("");
	}
	if (!rc && !*text) {
		free(text);
		text = attr_of(u, "НаименованиеКраткое");
		if (!text)
			text = text_of(child(u, "НаименованиеКраткое"));
	}
	if (!rc && text && !*text) {
		free(text);
		text = attr_of(u, "НаименованиеПолное");
	}
	if (!rc && text)
		rc = item_put(it, "unit", text);
	char *code = attr_of(u, "Код");
	if (!rc && code)
		rc = item_put(it, "unit_code", code);
	else
		free(code);
	return rc;
}

/* Reads a Товар into it.  Returns 0 or an error. */
static int read_product(struct cml *c, const xmlNode *p, struct cml_item *it)
{
	const xmlNode *bc = child(p, "Штрихкод") ? child(p, "Штрихкод") : child(p, "ШтрихКод");
	const xmlNode *groups = child(p, "Группы");
	char *del = text_of(child(p, "ПометкаУдаления")), *status = text_of(child(p, "Статус"));
	int rc = 0;

	it->kind = CML_PRODUCT;
	it->deleted = truthy(del) || (status && !strcmp(status, "Удален"));
	free(del);
	free(status);
	rc = item_put(it, "onec_id", text_of(child(p, "Ид")));
	if (!rc)
		rc = item_put(it, "article", text_of(child(p, "Артикул")));
	if (!rc)
		rc = item_put(it, "name", text_of(child(p, "Наименование")));
	if (!rc && bc)
		rc = item_put(it, "barcode", text_of(bc));
	if (!rc)
		rc = item_put(it, "description", text_of(child(p, "Описание")));
	if (!rc && child(p, "БазоваяЕдиница"))
		rc = read_unit(it, child(p, "БазоваяЕдиница"));
	if (!rc && groups && child(groups, "Ид")) {
		char *gid = text_of(child(groups, "Ид"));
		size_t at;
		if (!gid)
			rc = KT_ENOMEM;
		else if (strmap_get(&c->group_ids, gid, &at))
			rc = item_put(it, "group", strdup(c->groups[at]));
		else
			rc = cml_fail(c, xmlGetLineNo(groups), KT_EINVAL, "product %s: group %s is not in the classifier",
			          cml_get(it, "onec_id") ? cml_get(it, "onec_id") : "?", gid);
		free(gid);
	}
	/* The full name 1C keeps among the requisites. */
	for (xmlNode *r = child(child(p, "ЗначенияРеквизитов"), "ЗначениеРеквизита"); !rc && r; r = r->next) {
		char *name = is(r, "ЗначениеРеквизита") ? text_of(child(r, "Наименование")) : NULL;
		if (name && !strcmp(name, "Полное наименование"))
			rc = item_put(it, "full_name", text_of(child(r, "Значение")));
		free(name);
	}
	return rc == KT_ENOMEM ? kt_error_set(c->err, rc, "out of memory") : rc;
}

/* Parses a decimal number of 1C ("1234.5", "1 234,50", "-3") into units of
 * 10^-scale, rounded half away from zero.  Returns 0 or KT_EINVAL. */
int cml_decimal(const char *s, int scale, int64_t *out)
{
	int64_t v = 0;
	int neg = 0, digits = 0, point = 0, fd = 0, up = 0;

	while (*s == ' ')
		s++;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9' && point && fd >= scale) {
			up |= fd++ == scale && *s >= '5';
		} else if (*s >= '0' && *s <= '9') {
			if (v > (INT64_MAX - 9) / 10)
				return KT_EINVAL;
			v = v * 10 + (*s - '0');
			digits++;
			fd += point;
		} else if ((*s == '.' || *s == ',') && !point && digits) {
			point = 1;
		} else if (!strncmp(s, "\xc2\xa0", 2) && !point) {
			s++;  /* a no-break space between thousands */
		} else if (*s != ' ' || point) {
			return KT_EINVAL;
		}
	}
	for (; fd < scale; fd++) {
		if (v > INT64_MAX / 10)
			return KT_EINVAL;
		v *= 10;
	}
	if (!digits)
		return KT_EINVAL;
	v += up;
	*out = neg ? -v : v;
	return 0;
}

/* Formats kopecks as the books store money ("1234.50") into buf. */
static char *money_text(int64_t k, char buf[32])
{
	snprintf(buf, 32, "%s%lld.%02lld", k < 0 ? "-" : "", (long long)(k < 0 ? -k : k) / 100,
	         (long long)(k < 0 ? -k : k) % 100);
	return buf;
}

/* Reads the price of an offer of the chosen price type: ЦенаЗаЕдиницу
 * for Коэффициент units, turned into the price of one base unit.
 * Returns 0 or an error. */
static int read_price(struct cml *c, const xmlNode *offer, struct cml_item *it)
{
	for (xmlNode *p = child(child(offer, "Цены"), "Цена"); p; p = p->next) {
		if (!is(p, "Цена"))
			continue;
		char *type = text_of(child(p, "ИдТипаЦены")), *value = text_of(child(p, "ЦенаЗаЕдиницу"));
		char *coef = text_of(child(p, "Коэффициент")), buf[32];
		int64_t kop, milli = 1000;
		int rc = !type || !value || !coef ? KT_ENOMEM : 0, mine = 0;
		if (!rc)
			mine = !*c->price_id || !*type || !strcmp(type, c->price_id);
		if (!rc && mine && cml_decimal(value, 2, &kop))
			rc = cml_fail(c, xmlGetLineNo(p), KT_EINVAL, "offer %s: ЦенаЗаЕдиницу %s is not a number",
			          cml_get(it, "onec_id") ? cml_get(it, "onec_id") : "?", value);
		if (!rc && mine && *coef && (cml_decimal(coef, 3, &milli) || milli <= 0))
			rc = cml_fail(c, xmlGetLineNo(p), KT_EINVAL, "offer %s: Коэффициент %s is not a positive number",
			          cml_get(it, "onec_id") ? cml_get(it, "onec_id") : "?", coef);
		if (!rc && mine) {
			int64_t base = (kop * 1000 + (kop < 0 ? -milli / 2 : milli / 2)) / milli;
			rc = item_put(it, "price", strdup(money_text(base, buf)));
			if (!rc)
				rc = item_put(it, "currency", text_of(child(p, "Валюта")));
		}
		free(type);
		free(value);
		free(coef);
		if (rc || mine)
			return rc;
	}
	return 0;
}

/* Adds the quantity text q (at line) to *sum.  Returns 0 or an error. */
static int add_quantity(struct cml *c, struct cml_item *it, const char *q, long line, int64_t *sum)
{
	int64_t v;

	if (!q || !*q)
		return 0;
	if (cml_decimal(q, 0, &v))
		return cml_fail(c, line, KT_EINVAL, "offer %s: quantity %s is not a number",
		            cml_get(it, "onec_id") ? cml_get(it, "onec_id") : "?", q);
	*sum += v;
	return 0;
}

/* Reads the stock of an offer: per warehouse (<Склад КоличествоНаСкладе>,
 * or <Остатки><Остаток> of 2.10) summed, else <Количество>.  Quantities
 * are rounded to whole units.  Returns 0 or an error. */
static int read_stock(struct cml *c, const xmlNode *offer, struct cml_item *it)
{
	int64_t sum = 0;
	int found = 0, rc = 0;
	char buf[32];

	for (xmlNode *s = offer->children; !rc && s; s = s->next) {
		if (!is(s, "Склад"))
			continue;
		char *q = attr_of(s, "КоличествоНаСкладе");
		found |= q != NULL;
		rc = add_quantity(c, it, q, xmlGetLineNo(s), &sum);
		free(q);
	}
	for (xmlNode *o = child(child(offer, "Остатки"), "Остаток"); !rc && o; o = o->next) {
		if (!is(o, "Остаток"))
			continue;
		const xmlNode *q = child(o, "Склад") ? child(child(o, "Склад"), "Количество") : child(o, "Количество");
		char *t = text_of(q);
		found |= q != NULL;
		rc = t ? add_quantity(c, it, t, xmlGetLineNo(o), &sum) : KT_ENOMEM;
		free(t);
	}
	if (!rc && !found && child(offer, "Количество")) {
		char *t = text_of(child(offer, "Количество"));
		found = 1;
		rc = t ? add_quantity(c, it, t, xmlGetLineNo(child(offer, "Количество")), &sum) : KT_ENOMEM;
		free(t);
	}
	if (!rc && found) {
		snprintf(buf, sizeof buf, "%lld", (long long)sum);
		rc = item_put(it, "stock", strdup(buf));
	}
	return rc;
}

/* Reads a Предложение into it.  Returns 0 or an error. */
static int read_offer(struct cml *c, const xmlNode *p, struct cml_item *it)
{
	int rc;

	it->kind = CML_OFFER;
	rc = item_put(it, "onec_id", text_of(child(p, "Ид")));
	if (!rc)
		rc = item_put(it, "name", text_of(child(p, "Наименование")));
	if (!rc)
		rc = read_price(c, p, it);
	if (!rc)
		rc = read_stock(c, p, it);
	return rc == KT_ENOMEM ? kt_error_set(c->err, rc, "out of memory") : rc;
}

/* Chooses the price type of the package from its ТипыЦен: the one named
 * (by Наименование or Ид) by c->price_type, else the first.  Returns 0 or
 * an error. */
static int read_price_types(struct cml *c, const xmlNode *types)
{
	struct kt_buf names = { 0 };
	int rc = 0;

	c->price_id[0] = '\0';
	for (xmlNode *t = child(types, "ТипЦены"); t && !rc; t = t->next) {
		if (!is(t, "ТипЦены"))
			continue;
		char *id = text_of(child(t, "Ид")), *name = text_of(child(t, "Наименование"));
		if (!id || !name)
			rc = kt_error_set(c->err, KT_ENOMEM, "out of memory");
		else if (!*c->price_id && (!c->price_type || !strcmp(c->price_type, name) ||
		                           !strcmp(c->price_type, id)))
			snprintf(c->price_id, sizeof c->price_id, "%s", id);
		else if (!rc)
			rc = kt_buf_addf(&names, "%s%s", names.len ? ", " : "", name) ?
			     kt_error_set(c->err, KT_ENOMEM, "out of memory") : 0;
		free(id);
		free(name);
	}
	if (!rc && !*c->price_id && c->price_type)
		rc = cml_fail(c, xmlGetLineNo(types), KT_EINVAL, "price type %s is not in the file (it has: %s)",
		          c->price_type, names.data ? names.data : "none");
	kt_buf_free(&names);
	return rc;
}

/* Returns the address under a (АдресРегистрации, ЮридическийАдрес): its
 * Представление, else its АдресноеПоле values joined (caller frees). */
static char *read_address(const xmlNode *a)
{
	char *s = text_of(child(a, "Представление"));
	struct kt_buf b = { 0 };

	if (!s || *s || !a)
		return s;
	free(s);
	for (xmlNode *f = child(a, "АдресноеПоле"); f; f = f->next) {
		char *v = is(f, "АдресноеПоле") ? text_of(child(f, "Значение")) : NULL;
		if (v && *v && kt_buf_addf(&b, "%s%s", b.len ? ", " : "", v)) {
			free(v);
			kt_buf_free(&b);
			return NULL;
		}
		free(v);
	}
	return b.data ? kt_buf_detach(&b) : strdup("");
}

/* Reads the contacts of a counterparty: the first phone and e-mail.
 * Returns 0 or KT_ENOMEM. */
static int read_contacts(const xmlNode *k, struct cml_item *it)
{
	int rc = 0;

	for (xmlNode *ct = child(child(k, "Контакты"), "Контакт"); ct && !rc; ct = ct->next) {
		char *type = is(ct, "Контакт") ? text_of(child(ct, "Тип")) : NULL;
		if (!type)
			continue;
		const char *field = strstr(type, "Телефон") ? "phone" :
		                    strstr(type, "очта") || strstr(type, "mail") ? "email" : NULL;
		if (field && !cml_get(it, field))
			rc = item_put(it, field, text_of(child(ct, "Значение")));
		free(type);
	}
	return rc;
}

/* Reads a Контрагент into it.  Returns 0 or an error. */
static int read_client(struct cml *c, const xmlNode *k, struct cml_item *it)
{
	const xmlNode *acc = child(child(k, "РасчетныеСчета"), "РасчетныйСчет");
	const xmlNode *bank = child(acc, "Банк");
	const xmlNode *addr = below(k, "АдресРегистрации") ? below(k, "АдресРегистрации") :
	                      below(k, "ЮридическийАдрес") ? below(k, "ЮридическийАдрес") : below(k, "Адрес");
	char *del = text_of(child(k, "ПометкаУдаления"));
	int rc = del ? 0 : KT_ENOMEM;

	it->kind = CML_CLIENT;
	it->deleted = truthy(del);
	free(del);
	static const char *const map[][2] = {
		{ "Ид", "onec_id" }, { "Наименование", "name" }, { "ПолноеНаименование", "legal_name" },
		{ "ОфициальноеНаименование", "legal_name" }, { "ИНН", "inn" }, { "КПП", "kpp" },
		{ "ОКПО", "okpo" }, { "КодПоОКПО", "okpo" },
	};
	for (size_t i = 0; !rc && i < sizeof map / sizeof *map; i++) {
		const xmlNode *n = i < 2 ? child(k, map[i][0]) : below(k, map[i][0]);
		if (n && !(i == 3 && cml_get(it, "legal_name")))
			rc = item_put(it, map[i][1], text_of(n));
	}
	if (!rc && addr)
		rc = item_put(it, "address", read_address(addr));
	if (!rc)
		rc = read_contacts(k, it);
	if (!rc && acc) {
		rc = item_put(it, "account", text_of(child(acc, "НомерСчета")));
		if (!rc)
			rc = item_put(it, "bank", text_of(child(bank, "Наименование")));
		if (!rc)
			rc = item_put(it, "bik", text_of(child(bank, "БИК")));
		if (!rc)
			rc = item_put(it, "corr_account", text_of(child(bank, "СчетКорреспондентский")));
	}
	return rc == KT_ENOMEM ? kt_error_set(c->err, rc, "out of memory") : rc;
}

/* The sections a pass reads: offer packages, or everything else. */
static int is_package(const char *name)
{
	return !strcmp(name, "ПакетПредложений") || !strcmp(name, "ИзмененияПакетаПредложений");
}

/* Expands the element the reader is on and reads it by kind into it,
 * then hands it to c->fn.  Returns 0 or an error. */
static int take(struct cml *c, xmlTextReaderPtr r, enum cml_kind kind)
{
	xmlNode *n = xmlTextReaderExpand(r);
	struct cml_item it = { 0 };
	int rc;

	if (!n)
		return 0;  /* the parser's error is reported when the walk stops */
	it.line = xmlGetLineNo(n);
	rc = kind == CML_PRODUCT ? read_product(c, n, &it) :
	     kind == CML_OFFER ? read_offer(c, n, &it) : read_client(c, n, &it);
	if (!rc)
		rc = c->fn(c->arg, &it, c->err);
	item_clear(&it);
	return rc;
}

/* Handles the start of element name at depth (its parent: parent, and
 * its parent's: grand).  Returns 1 when it read the element whole (the
 * walk then skips it), 0 to walk into it, or an error. */
static int on_element(struct cml *c, xmlTextReaderPtr r, const char *name, const char *parent,
                      const char *grand, int depth, int *catalogue)
{
	int offers = c->pass == CML_PASS_OFFERS;

	if (depth == 1 && (is_package(name) ? !offers : offers)) {
		c->rest |= offers;
		return 1;
	}
	if (depth == 1 && !strcmp(name, "Каталог")) {
		xmlChar *a = xmlTextReaderGetAttribute(r, XS("СодержитТолькоИзменения"));
		c->partial = truthy((const char *)a);
		xmlFree(a);
		*catalogue = 1;
		return 0;
	}
	if (!strcmp(name, "СодержитТолькоИзменения") && !strcmp(parent, "Каталог")) {
		char *t = text_of(xmlTextReaderExpand(r));
		c->partial |= truthy(t);
		free(t);
		return 1;
	}
	if (!strcmp(name, "Группы") && !strcmp(parent, "Классификатор")) {
		xmlNode *n = xmlTextReaderExpand(r);
		int rc = n ? read_groups(c, n, "") : 0;
		return rc ? rc : 1;
	}
	if (!strcmp(name, "ТипыЦен") && is_package(parent)) {
		xmlNode *n = xmlTextReaderExpand(r);
		int rc = n ? read_price_types(c, n) : 0;
		return rc ? rc : 1;
	}
	/* A Документ lists its goods as Товары/Товар too: only the
	 * catalogue's are products. */
	enum cml_kind kind = !strcmp(name, "Товар") && !strcmp(parent, "Товары") &&
	                     !strcmp(grand, "Каталог") ? CML_PRODUCT :
	                     !strcmp(name, "Предложение") && !strcmp(parent, "Предложения") ? CML_OFFER :
	                     !strcmp(name, "Контрагент") && !strcmp(parent, "Контрагенты") ? CML_CLIENT :
	                     CML_CATALOGUE_END;
	if (kind == CML_CATALOGUE_END)
		return 0;
	int rc = take(c, r, kind);
	return rc ? rc : 1;
}

/* Tells the caller that a catalogue ended, full or partial.  Returns 0 or
 * the caller's error. */
static int catalogue_end(struct cml *c, long line)
{
	struct cml_item it = { .kind = CML_CATALOGUE_END, .line = line, .partial = c->partial };

	return c->fn(c->arg, &it, c->err);
}

/* Checks the root element.  Returns 0 or an error. */
static int check_root(struct cml *c, xmlTextReaderPtr r, const char *name)
{
	long line = xmlGetLineNo(xmlTextReaderCurrentNode(r));

	if (strcmp(name, "КоммерческаяИнформация"))
		return cml_fail(c, line, KT_EINVAL, "not CommerceML: the root element is <%s>, not <КоммерческаяИнформация>", name);
	xmlChar *v = xmlTextReaderGetAttribute(r, XS("ВерсияСхемы"));
	int rc = v && strncmp((const char *)v, "2.", 2) ?
	         cml_fail(c, line, KT_EINVAL, "CommerceML %s: only versions 2.x are read", (const char *)v) : 0;
	xmlFree(v);
	return rc;
}

/* Reads the CommerceML in r for c->pass.  See intake.h. */
int cml_read(struct cml *c, xmlTextReaderPtr r)
{
	char stack[32][128];
	int ret, rc = 0, catalogue = 0, skip = 0;

	c->xml_error[0] = '\0';
	c->partial = 0;
	c->rest = 0;
	xmlTextReaderSetStructuredErrorHandler(r, on_xml_error, c);
	while (!rc && (ret = skip ? xmlTextReaderNext(r) : xmlTextReaderRead(r)) == 1) {
		int type = xmlTextReaderNodeType(r), depth = xmlTextReaderDepth(r);
		const char *name = (const char *)xmlTextReaderConstLocalName(r);
		skip = 0;
		if (type == XML_READER_TYPE_END_ELEMENT && depth == 1 && catalogue && !strcmp(name, "Каталог")) {
			catalogue = 0;
			rc = catalogue_end(c, xmlGetLineNo(xmlTextReaderCurrentNode(r)));
		}
		if (type != XML_READER_TYPE_ELEMENT || depth >= 32)
			continue;
		snprintf(stack[depth], sizeof stack[depth], "%s", name);
		if (depth == 0) {
			rc = check_root(c, r, name);
			continue;
		}
		rc = on_element(c, r, name, stack[depth - 1], depth > 1 ? stack[depth - 2] : "", depth, &catalogue);
		skip = rc == 1;
		rc = rc == 1 ? 0 : rc;
		if (!rc && catalogue && depth == 1 && xmlTextReaderIsEmptyElement(r)) {
			catalogue = 0;
			rc = catalogue_end(c, xmlGetLineNo(xmlTextReaderCurrentNode(r)));
		}
	}
	if (rc)
		return rc;
	if (ret < 0 || c->xml_error[0])
		return cml_fail(c, c->xml_line > 0 ? c->xml_line : xmlTextReaderGetParserLineNumber(r), KT_EINVAL,
		                c->xml_cut ? N_("not well-formed XML (truncated?): %s") : N_("not well-formed XML: %s"),
		                c->xml_error[0] ? c->xml_error : _("cannot be read"));
	return 0;
}

/* Frees what c holds (not c). */
void cml_free(struct cml *c)
{
	strmap_free(&c->group_ids);
	for (size_t i = 0; i < c->ngroups; i++)
		free(c->groups[i]);
	free(c->groups);
	c->groups = NULL;
	c->ngroups = 0;
}
