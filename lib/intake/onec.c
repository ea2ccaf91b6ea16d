/*
 * onec.c - the files of a 1C exchange (CommerceML, read by cml.c) into
 * the books as one change: products upserted by their 1C id, prices and
 * stock from the offers, counterparties onto clients matched by the 1C
 * id, then INN and KPP, then INN.
 *
 * A product is looked up in the index by its 1C id as it is read (one
 * kept statement, one read transaction for the whole import); the
 * clients, which counterparties may match by INN as well, are read once
 * at the start as a hash of each field kontora takes from 1C.  A record
 * is edited only where a value differs, so that the same files again
 * change nothing and make no commit.  What the import keeps per product
 * is a few fixed-size words (struct seen), and per offer its values in
 * one buffer: a 500 MB catalogue is read in bounded memory.  An empty value in 1C never clears a field, and a
 * field 1C does not have (a client's manager, its notes) is never
 * touched.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "intake/intake.h"

/* The fields taken from 1C, per type.  A books whose schema lacks one
 * (made before it was added) simply does not get it. */
static const char *const product_fields[] = {
	"onec_id", "article", "name", "group", "unit", "barcode", "description",
	"full_name", "price", "stock", "active",
};
static const char *const client_fields[] = {
	"onec_id", "name", "legal_name", "inn", "kpp", "okpo", "address", "phone",
	"email", "bank", "bik", "corr_account", "account",
};
#define NPF (sizeof product_fields / sizeof *product_fields)
#define NCF (sizeof client_fields / sizeof *client_fields)
#define MAXF 16
_Static_assert(NPF <= MAXF && NCF <= MAXF, "MAXF holds the fields of either type");

/* Records of one type in the books (and added by this import), with a
 * hash of each field taken from 1C: the clients.  For the products only
 * the type and its fields: their records are asked of the index. */
struct known {
	const struct kt_schema *s;
	const char *const *fields;
	size_t nf;
	int col[MAXF];             /* while loading: the column of each field */
	char (*ids)[16];
	uint64_t *h;               /* n * nf */
	unsigned char *listed;     /* named by the files of this import */
	size_t n;
	struct strmap by_onec, by_inn, by_inn_kpp;
};

/* What an id of 1C looked like the first time the import met it, to
 * refuse the same id again with other data.  The id itself is kept as
 * two independent 64-bit hashes (two ids alike in both: odds of 1 in
 * 10^28 at a million ids), so that an entry is 48 bytes whatever the id. */
struct seen_id {
	uint64_t id[2];
	uint64_t hash;             /* item_hash() of its item */
	long line;
	const char *file;
	size_t offer;              /* an offer's values: 1 + their offset in offers */
	int used;                  /* an offer whose product was met */
};
struct seen {
	struct seen_id *e;         /* in the order met */
	size_t n;
	uint32_t *slot;            /* open addressing: 1 + index in e, 0 free */
	size_t cap;                /* slots, a power of 2, at least twice n */
};

struct kt_onec {
	struct kt_books *b;
	struct kt_change *change;
	kt_onec_fn note;
	void *arg;
	struct cml cml;
	struct known products, clients;
	struct seen seen_product, seen_offer, seen_client;
	struct kt_buf offers;      /* each offer kept: id, price, stock, name */
	const char *pcols[1 + MAXF]; /* "id" and the product fields of the schema */
	int pcol[MAXF];            /* the column in pcols of each product field, or -1 */
	size_t npcols;
	struct strmap units;       /* folded name or id of dicts/unit.csv -> index in unit_ids */
	char **unit_ids;
	size_t nunits;
	struct strmap noted;       /* what was said once */
	char **files;              /* the names of the files read, for messages */
	size_t nfiles;
	int full_catalogue;        /* a catalogue that lists everything was read */
	int reading;               /* in the index's read transaction */
	int onec_products;         /* the books had a product of 1C when it began */
	struct kt_onec_summary sum;
};

/* Returns a 64-bit hash of s ("" for NULL), kept only while the import
 * runs: FNV-1a's offset and a multiply-xorshift over 8 bytes at a time
 * (a byte at a time, it was 4% of reading a catalogue whose items carry
 * 1.5 KB descriptions), its length mixed in last. */
static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL, w;
	size_t len = s ? strlen(s) : 0, n = len;
	const char *p = s;

	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 32;
	}
	for (; n; p++, n--)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	h = (h ^ len) * 0xbf58476d1ce4e5b9ULL;
	return h ^ h >> 31;
}

/* Says something about the import that does not stop it, translated
 * (xgettext knows onec_note as a keyword), through the caller's
 * function; once per key when key is not NULL. */
static void onec_note(struct kt_onec *o, const char *file, long line, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static void onec_note(struct kt_onec *o, const char *file, long line, const char *key, const char *fmt, ...)
{
	char msg[1200];
	va_list ap;

	if (key && strmap_get(&o->noted, key, NULL))
		return;
	if (key)
		strmap_put(&o->noted, key, 1);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, kt_gettext(fmt), ap);
	va_end(ap);
	o->sum.notes++;
	if (o->note)
		o->note(o->arg, file, line, msg);
}

/* ------------------------------------------------------------ known */

/* Returns the index of field name in k's fields, or -1. */
static int field_at(const struct known *k, const char *name)
{
	for (size_t i = 0; i < k->nf; i++)
		if (!strcmp(k->fields[i], name))
			return (int)i;
	return -1;
}

/* Adds a record (id, and its values by k's fields, NULL for empty) to k.
 * Returns 0 or KT_ENOMEM. */
static int known_add(struct known *k, const char *id, const char *const *values)
{
	if (k->n % 256 == 0) {
		void *ids = realloc(k->ids, (k->n + 256) * sizeof *k->ids);
		if (ids)
			k->ids = ids;
		void *h = realloc(k->h, (k->n + 256) * k->nf * sizeof *k->h);
		if (h)
			k->h = h;
		void *l = realloc(k->listed, k->n + 256);
		if (l)
			k->listed = l;
		if (!ids || !h || !l)
			return KT_ENOMEM;
	}
	size_t i = k->n++;
	char key[600];
	int rc = 0;
	const char *onec = values[field_at(k, "onec_id")];
	int inn_at = field_at(k, "inn"), kpp_at = field_at(k, "kpp");

	snprintf(k->ids[i], sizeof k->ids[i], "%s", id);
	k->listed[i] = 0;
	for (size_t f = 0; f < k->nf; f++)
		k->h[i * k->nf + f] = hash(values[f]);
	if (onec && *onec)
		rc = strmap_put(&k->by_onec, onec, i);
	if (!rc && inn_at >= 0 && values[inn_at] && *values[inn_at]) {
		snprintf(key, sizeof key, "%s/%s", values[inn_at], kpp_at >= 0 && values[kpp_at] ? values[kpp_at] : "");
		rc = strmap_put(&k->by_inn_kpp, key, i);
		if (!rc && !strmap_get(&k->by_inn, values[inn_at], NULL))
			rc = strmap_put(&k->by_inn, values[inn_at], i);
	}
	return rc;
}

/* A row of kt_list(): the header names the columns, then each record
 * that has a 1C id or an INN is kept. */
static int known_row(void *arg, size_t ncols, const struct kt_column *cols, char *const *values)
{
	struct known *k = arg;
	const char *v[MAXF];

	if (!values) {
		for (size_t f = 0; f < k->nf; f++) {
			k->col[f] = -1;
			for (size_t c = 0; c < ncols; c++)
				if (!strcmp(cols[c].name, k->fields[f]))
					k->col[f] = (int)c;
		}
		return 0;
	}
	for (size_t f = 0; f < k->nf; f++)
		v[f] = k->col[f] >= 0 ? values[k->col[f]] : NULL;
	int onec = field_at(k, "onec_id"), inn = field_at(k, "inn");
	if (!(v[onec] && *v[onec]) && !(inn >= 0 && v[inn] && *v[inn]))
		return 0;
	return known_add(k, values[0], v) ? KT_ENOMEM : 0;
}

/* Sets k to the type name of the books, whose fields taken from 1C are
 * fields[0..nf).  Returns 0 or an error (no such type). */
static int known_type(struct kt_onec *o, struct known *k, const char *name,
                      const char *const *fields, size_t nf, struct kt_error *err)
{
	k->s = kt_books_type(o->b, name);
	k->fields = fields;
	k->nf = nf;
	if (!k->s || !kt_schema_field(k->s, "onec_id"))
		return kt_error_set(err, KT_ENOTFOUND, "schemas/%s.schema: no %s type with a field onec_id", name, name);
	return 0;
}

/* Sets k to the type name (see known_type()) and reads its records in
 * the books into k.  Returns 0 or an error. */
static int known_load(struct kt_onec *o, struct known *k, const char *name,
                      const char *const *fields, size_t nf, struct kt_error *err)
{
	int rc = known_type(o, k, name, fields, nf, err);

	if (rc)
		return rc;
	struct kt_query q = { .schema = k->s, .all_columns = 1, .all = 1 };
	rc = kt_list(o->b, &q, known_row, k, err);
	return rc == KT_ENOMEM ? kt_error_set(err, rc, "out of memory") : rc;
}

/* index_each_value()'s function that says, in *(int *)arg, that there is
 * a value, and stops.  Returns 1. */
static int first_value(void *arg, const char *value, const char *id)
{
	*(int *)arg = 1;
	return 1;
}

/* Sets the columns product_in_books() asks the index for: the id, then
 * each product field the schema has. */
static void product_columns(struct kt_onec *o)
{
	const struct known *k = &o->products;

	o->pcols[o->npcols++] = "id";
	for (size_t f = 0; f < k->nf; f++) {
		o->pcol[f] = -1;
		if (kt_schema_field(k->s, k->fields[f])) {
			o->pcol[f] = (int)o->npcols;
			o->pcols[o->npcols++] = k->fields[f];
		}
	}
}

static void known_free(struct known *k)
{
	free(k->ids);
	free(k->h);
	free(k->listed);
	strmap_free(&k->by_onec);
	strmap_free(&k->by_inn);
	strmap_free(&k->by_inn_kpp);
}

/* ------------------------------------------------------------- seen */

/* Returns the hash of an item: its kind, deletion mark, names and values. */
static uint64_t item_hash(const struct cml_item *it)
{
	uint64_t h = hash(NULL) ^ ((uint64_t)it->kind << 8 | (uint64_t)it->deleted);

	for (size_t i = 0; i < it->n; i++)
		h = h * 1099511628211ULL ^ hash(it->names[i]) ^ hash(it->values[i]) * 31;
	return h;
}

/* Returns the two hashes of id that stand for it in struct seen: FNV-1a
 * and a multiply-rotate of another kind. */
static void id_hash(const char *id, uint64_t out[2])
{
	uint64_t h = 0x9e3779b97f4a7c15ULL;

	for (const unsigned char *p = (const unsigned char *)id; *p; p++) {
		h = (h + *p) * 0xbf58476d1ce4e5b9ULL;
		h ^= h >> 29;
	}
	out[0] = hash(id);
	out[1] = h;
}

/* Returns the slot of s where the id of hashes h is, or the free slot
 * where it would go. */
static size_t seen_slot(const struct seen *s, const uint64_t h[2])
{
	size_t i = (size_t)h[0] & (s->cap - 1);

	while (s->slot[i] && memcmp(s->e[s->slot[i] - 1].id, h, sizeof s->e->id))
		i = (i + 1) & (s->cap - 1);
	return i;
}

/* Returns the entry of s for id, or NULL when the import has not met it. */
static struct seen_id *seen_find(const struct seen *s, const char *id)
{
	uint64_t h[2];

	if (!s->cap)
		return NULL;
	id_hash(id, h);
	size_t i = seen_slot(s, h);
	return s->slot[i] ? &s->e[s->slot[i] - 1] : NULL;
}

/* Makes room in s for one more id.  Returns 0 or KT_ENOMEM. */
static int seen_grow(struct seen *s)
{
	if (s->n % 1024 == 0) {
		struct seen_id *e = realloc(s->e, (s->n + 1024) * sizeof *e);
		if (!e)
			return KT_ENOMEM;
		s->e = e;
	}
	if (2 * (s->n + 1) <= s->cap)
		return 0;
	size_t cap = s->cap ? 2 * s->cap : 1024;
	uint32_t *slot = calloc(cap, sizeof *slot), *old = s->slot;
	if (!slot || s->n >= UINT32_MAX - 1) {
		free(slot);
		return KT_ENOMEM;
	}
	s->slot = slot;
	s->cap = cap;
	for (size_t i = 0; i < s->n; i++)
		s->slot[seen_slot(s, s->e[i].id)] = (uint32_t)(i + 1);
	free(old);
	return 0;
}

/* Remembers the item of 1C id id, or refuses it when the same id came
 * before with other data.  Returns 1 when it came before with the same
 * data (nothing to do again), 0 the first time (its entry is the last of
 * s), or an error. */
static int seen_check(struct kt_onec *o, struct seen *s, const char *id,
                      const struct cml_item *it, struct kt_error *err)
{
	uint64_t h = item_hash(it);
	struct seen_id *at = seen_find(s, id);

	if (at) {
		if (at->hash == h)
			return 1;
		const char *f = o->cml.file, *first = at->file;
		long line = at->line;
		if (it->kind == CML_PRODUCT)
			return kt_error_set(err, KT_EINVAL, "%s:%ld: product %s is repeated with different data "
			                    "(first at %s:%ld)", f, it->line, id, first, line);
		if (it->kind == CML_OFFER)
			return kt_error_set(err, KT_EINVAL, "%s:%ld: offer %s is repeated with different data "
			                    "(first at %s:%ld)", f, it->line, id, first, line);
		return kt_error_set(err, KT_EINVAL, "%s:%ld: counterparty %s is repeated with different data "
		                    "(first at %s:%ld)", f, it->line, id, first, line);
	}
	if (seen_grow(s))
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	struct seen_id *e = &s->e[s->n];
	*e = (struct seen_id){ .hash = h, .line = it->line, .file = o->cml.file };
	id_hash(id, e->id);
	s->slot[seen_slot(s, e->id)] = (uint32_t)++s->n;
	return 0;
}

static void seen_free(struct seen *s)
{
	free(s->e);
	free(s->slot);
}

/* ------------------------------------------------------------ units */

/* A row of dicts/unit.csv: its id and name, folded, lead to its id. */
static int unit_row(void *arg, size_t ncols, const struct kt_column *cols, char *const *values)
{
	struct kt_onec *o = arg;

	if (!values || ncols < 2)
		return 0;
	char **v = realloc(o->unit_ids, (o->nunits + 1) * sizeof *v);
	if (!v)
		return KT_ENOMEM;
	o->unit_ids = v;
	if (!(v[o->nunits] = strdup(values[0])))
		return KT_ENOMEM;
	for (int i = 0; i < 2; i++) {
		char *f = kt_fold(values[i]);
		if (!f || (!strmap_get(&o->units, f, NULL) && strmap_put(&o->units, f, o->nunits))) {
			free(f);
			return KT_ENOMEM;
		}
		free(f);
	}
	o->nunits++;
	return 0;
}

/* Returns the id in dicts/unit.csv of the unit 1C names (its words, else
 * its OKEI code), or NULL after a note when the dictionary has none. */
static const char *unit_of(struct kt_onec *o, const struct cml_item *it)
{
	static const char *const okei[][2] = {
		{ "796", "шт" }, { "166", "кг" }, { "112", "л" }, { "168", "т" }, { "778", "упак" },
	};
	const char *name = cml_get(it, "unit"), *code = cml_get(it, "unit_code");
	size_t at;

	for (int pass = 0; pass < 2; pass++) {
		const char *word = name;
		for (size_t i = 0; pass && code && i < sizeof okei / sizeof *okei; i++)
			if (!strcmp(code, okei[i][0]))
				word = okei[i][1];
		char *f = word ? kt_fold(word) : NULL;
		int found = f && strmap_get(&o->units, f, &at);
		free(f);
		if (found)
			return o->unit_ids[at];
	}
	if (name || code) {
		char key[300];
		snprintf(key, sizeof key, "unit\037%s\037%s", name ? name : "", code ? code : "");
		if (name && code)
			onec_note(o, o->cml.file, it->line, key, "unit %s (code %s) is not in dicts/unit.csv: "
			          "products get the default", name, code);
		else
			onec_note(o, o->cml.file, it->line, key, "unit %s is not in dicts/unit.csv: products get the "
			          "default", name ? name : code);
	}
	return NULL;
}

/* ------------------------------------------------------------ offers */

/* Appends value to the offers kept, after a byte saying whether there is
 * one (1C leaves out a price or a stock).  Returns 0 or KT_ENOMEM. */
static int offer_put(struct kt_buf *b, const char *value)
{
	if (kt_buf_addc(b, value ? '+' : '-'))
		return KT_ENOMEM;
	return kt_buf_add(b, value ? value : "", strlen(value ? value : "") + 1);
}

/* Returns the value kept at *at of the offers, or NULL when the offer had
 * none, moving *at past it. */
static const char *offer_get(const struct kt_onec *o, size_t *at)
{
	const char *v = o->offers.data + *at;

	*at += strlen(v) + 1;
	return *v == '+' ? v + 1 : NULL;
}

/* The values of the offer e: its id, price, stock and name (each NULL
 * when it has none), within o's offers until the next is kept. */
struct offer {
	const char *id, *price, *stock, *name;
};

/* Returns the offer of entry e of the offers seen. */
static struct offer offer_of(const struct kt_onec *o, const struct seen_id *e)
{
	size_t at = e->offer - 1;
	struct offer of;

	of.id = offer_get(o, &at);
	of.price = offer_get(o, &at);
	of.stock = offer_get(o, &at);
	of.name = offer_get(o, &at);
	return of;
}

/* Keeps an offer of an offer package until its product is met.  Returns
 * 0 or an error. */
static int take_offer(struct kt_onec *o, const struct cml_item *it, struct kt_error *err)
{
	const char *id = cml_get(it, "onec_id");
	int rc;

	if (!id)
		return kt_error_set(err, KT_EINVAL, "%s:%ld: an offer without Ид", o->cml.file, it->line);
	if ((rc = seen_check(o, &o->seen_offer, id, it, err)))
		return rc < 0 ? rc : 0;
	const char *name = cml_get(it, "name");
	o->seen_offer.e[o->seen_offer.n - 1].offer = o->offers.len + 1;
	if (offer_put(&o->offers, id) || offer_put(&o->offers, cml_get(it, "price")) ||
	    offer_put(&o->offers, cml_get(it, "stock")) || offer_put(&o->offers, name ? name : ""))
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	return 0;
}

/* ---------------------------------------------------------- records */

/* (name, value) pairs of a record to add or edit. */
struct pairs {
	size_t n;
	char *names[CML_MAXF + 4];
	char *values[CML_MAXF + 4];
};

/* Adds (name, value) when the schema has the field and value is not NULL. */
static void put(struct pairs *p, const struct kt_schema *s, const char *name, const char *value)
{
	if (value && kt_schema_field(s, name) && p->n < CML_MAXF + 4) {
		p->names[p->n] = (char *)name;
		p->values[p->n++] = (char *)value;
	}
}

/* Keeps in p only the fields whose normalised value differs from what a
 * record holds (h: the hash of each of k's fields), and records the new
 * hashes in h.  Returns 0 or an error (a value the field does not take). */
static int only_changes(const struct known *k, uint64_t *h, struct pairs *p, struct kt_error *err)
{
	size_t kept = 0;

	for (size_t j = 0; j < p->n; j++) {
		char *v = NULL;
		int f = field_at(k, p->names[j]);
		int rc = kt_value_normalize(kt_schema_field(k->s, p->names[j]), p->values[j], &v, err);
		if (rc)
			return rc;
		if (f < 0 || h[f] != hash(v)) {
			if (f >= 0)
				h[f] = hash(v);
			p->names[kept] = p->names[j];
			p->values[kept++] = p->values[j];
		}
		free(v);
	}
	p->n = kept;
	return 0;
}

/* Adds the record of p (id NULL; *added is then its new id, the
 * change's) or edits record id, whose fields hash to h, where it differs,
 * for an item of kind (a refusal of the books names it).  Returns 1
 * added, 2 updated, 0 unchanged, or an error. */
static int upsert(struct kt_onec *o, const struct known *k, const char *id, uint64_t *h,
                  struct pairs *p, enum cml_kind kind, const char *onec, long line,
                  const char **added, struct kt_error *err)
{
	int rc;

	if (!id) {
		rc = kt_change_add(o->change, k->s, p->names, p->values, p->n, added, err);
		rc = rc ? rc : 1;
	} else {
		rc = only_changes(k, h, p, err);
		if (!rc && p->n)
			rc = kt_change_edit(o->change, k->s, id, p->names, p->values, p->n, err);
		if (!rc && p->n)
			rc = 2;
	}
	if (rc < 0 && rc != KT_ENOMEM) {
		char msg[sizeof err->msg];
		snprintf(msg, sizeof msg, "%s", err->msg);
		if (kind == CML_PRODUCT)
			return kt_error_set(err, rc, "%s:%ld: product %s: %s", o->cml.file, line, onec, msg);
		if (kind == CML_OFFER)
			return kt_error_set(err, rc, "%s:%ld: offer %s: %s", o->cml.file, line, onec, msg);
		return kt_error_set(err, rc, "%s:%ld: counterparty %s: %s", o->cml.file, line, onec, msg);
	}
	return rc;
}

/* Finds the product of 1C id onec in the books, through the index: its
 * id into id and the hash of each product field into h.  Books that had
 * no product of 1C when the import began (its first) are not asked: the
 * index stays as it was until the commit.  Returns 1, 0 when the books
 * have none, or an error. */
static int product_in_books(struct kt_onec *o, const char *onec, char id[16], uint64_t h[MAXF],
                            struct kt_error *err)
{
	char *v[1 + MAXF];
	int rc;

	if (!o->onec_products)
		return 0;
	rc = index_get_stored(o->b->index, o->products.s, "onec_id", onec, o->pcols, o->npcols, v, err);

	if (rc == 1) {
		snprintf(id, 16, "%s", v[0] ? v[0] : "");
		for (size_t f = 0; f < o->products.nf; f++)
			h[f] = hash(o->pcol[f] >= 0 ? v[o->pcol[f]] : NULL);
	}
	for (size_t i = 0; rc >= 0 && i < o->npcols; i++)
		free(v[i]);
	return rc;
}

/* Adds or edits the product of 1C id onec with p.  Returns 1 added, 2
 * updated, 0 unchanged, KT_ENOTFOUND when the books have none and add
 * is 0, or an error. */
static int upsert_product(struct kt_onec *o, const char *onec, struct pairs *p, int add,
                          enum cml_kind kind, long line, struct kt_error *err)
{
	char id[16];
	uint64_t h[MAXF];
	const char *added;
	int rc = product_in_books(o, onec, id, h, err);

	if (rc < 0)
		return rc;
	if (!rc && !add)
		return KT_ENOTFOUND;
	return upsert(o, &o->products, rc ? id : NULL, h, p, kind, onec, line, &added, err);
}

/* Imports a product of a catalogue, with its offer when one came.
 * Returns 0 or an error. */
static int take_product(struct kt_onec *o, const struct cml_item *it, struct kt_error *err)
{
	struct known *k = &o->products;
	const char *id = cml_get(it, "onec_id");
	struct pairs p = { 0 };
	struct seen_id *of;
	int rc;

	if (!id)
		return kt_error_set(err, KT_EINVAL, "%s:%ld: a product without Ид", o->cml.file, it->line);
	if ((rc = seen_check(o, &o->seen_product, id, it, err)))
		return rc < 0 ? rc : 0;
	for (size_t i = 0; i < it->n; i++)
		if (strcmp(it->names[i], "unit") && strcmp(it->names[i], "unit_code"))
			put(&p, k->s, it->names[i], it->values[i]);
	put(&p, k->s, "unit", unit_of(o, it));
	if ((of = seen_find(&o->seen_offer, id))) {
		struct offer v = offer_of(o, of);
		put(&p, k->s, "price", v.price);
		put(&p, k->s, "stock", v.stock);
		of->used = 1;
	}
	put(&p, k->s, "active", it->deleted ? "false" : "true");
	rc = upsert_product(o, id, &p, 1, CML_PRODUCT, it->line, err);
	if (rc == 1)
		o->sum.products_added++;
	else if (rc == 2)
		o->sum.products_updated++;
	else if (!rc)
		o->sum.products_unchanged++;
	return rc < 0 ? rc : 0;
}

/* Remembers the client id added with p as one of this import.  Returns
 * 0 or an error. */
static int known_add_pairs(struct known *k, const char *id, const struct pairs *p)
{
	const char *v[MAXF] = { 0 };

	for (size_t j = 0; j < p->n; j++) {
		int f = field_at(k, p->names[j]);
		if (f >= 0)
			v[f] = p->values[j];
	}
	if (known_add(k, id, v))
		return KT_ENOMEM;
	k->listed[k->n - 1] = 1;
	return 0;
}

/* How a counterparty matched a client. */
enum match { BY_ONEC, BY_INN_KPP, BY_INN };

/* Returns the client of k that counterparty it is: by 1C id, then INN and
 * KPP, then INN (*how); or -1. */
static long match_client(const struct known *k, const struct cml_item *it, enum match *how)
{
	const char *inn = cml_get(it, "inn"), *kpp = cml_get(it, "kpp");
	char key[600];
	size_t at;

	*how = BY_ONEC;
	if (strmap_get(&k->by_onec, cml_get(it, "onec_id"), &at))
		return (long)at;
	if (!inn)
		return -1;
	*how = BY_INN_KPP;
	snprintf(key, sizeof key, "%s/%s", inn, kpp ? kpp : "");
	if (strmap_get(&k->by_inn_kpp, key, &at))
		return (long)at;
	*how = BY_INN;
	return strmap_get(&k->by_inn, inn, &at) ? (long)at : -1;
}

/* Imports a counterparty onto a client.  Values the books do not take
 * (an INN of another country, a phone that is no phone) are left out
 * with a note.  Returns 0 or an error. */
static int take_client(struct kt_onec *o, const struct cml_item *it, struct kt_error *err)
{
	struct known *k = &o->clients;
	const char *id = cml_get(it, "onec_id");
	enum match how;
	struct pairs p = { 0 };
	struct cml_item ok = { .kind = it->kind, .line = it->line };
	int rc;

	if (!id)
		return kt_error_set(err, KT_EINVAL, "%s:%ld: a counterparty without Ид", o->cml.file, it->line);
	if ((rc = seen_check(o, &o->seen_client, id, it, err)))
		return rc < 0 ? rc : 0;
	if (it->deleted) {
		onec_note(o, o->cml.file, it->line, NULL, "counterparty %s is marked for deletion in 1C: left as it is", id);
		return 0;
	}
	for (size_t i = 0; i < it->n; i++) {
		const struct kt_field *f = kt_schema_field(k->s, it->names[i]);
		struct kt_error why = { 0 };
		char *v = NULL;
		if (f && kt_value_normalize(f, it->values[i], &v, &why))
			onec_note(o, o->cml.file, it->line, NULL, "counterparty %s: %s: left out", id, why.msg);
		else if (f) {
			ok.names[ok.n] = it->names[i];
			ok.values[ok.n++] = it->values[i];
		}
		free(v);
	}
	long at = match_client(k, &ok, &how);
	if (at >= 0 && k->listed[at]) {
		/* Not by 1C id: an id met again is seen_check()'s. */
		if (how == BY_INN_KPP)
			onec_note(o, o->cml.file, it->line, NULL, "counterparty %s: its INN and KPP are those of client "
			          "%s, already another counterparty of this import: left out", id, k->ids[at]);
		else
			onec_note(o, o->cml.file, it->line, NULL, "counterparty %s: its INN is that of client %s, "
			          "already another counterparty of this import: left out", id, k->ids[at]);
		return 0;
	}
	for (size_t i = 0; i < ok.n; i++)
		put(&p, k->s, ok.names[i], ok.values[i]);
	const char *added = NULL;
	if (at >= 0)
		k->listed[at] = 1;
	rc = upsert(o, k, at >= 0 ? k->ids[at] : NULL, at >= 0 ? &k->h[(size_t)at * k->nf] : NULL,
	            &p, CML_CLIENT, id, it->line, &added, err);
	if (rc == 1 && (rc = known_add_pairs(k, added, &p)) == 0)
		rc = 1;
	if (rc == 1)
		o->sum.clients_added++;
	else if (rc == 2)
		o->sum.clients_updated++;
	else if (!rc)
		o->sum.clients_unchanged++;
	return rc < 0 ? rc : 0;
}

/* The reader's callback: each item of the pass. */
static int on_item(void *arg, const struct cml_item *it, struct kt_error *err)
{
	struct kt_onec *o = arg;

	switch (it->kind) {
	case CML_OFFER:
		return take_offer(o, it, err);
	case CML_PRODUCT:
		return take_product(o, it, err);
	case CML_CLIENT:
		return take_client(o, it, err);
	case CML_CATALOGUE_END:
		o->full_catalogue |= !it->partial;
		return 0;
	}
	return 0;
}

/* ------------------------------------------------------------- files */

/* Makes name the file of the reader's messages, kept until the import is
 * freed (a repeated id names the file it came first in).  Returns 0 or
 * an error. */
static int file_is(struct kt_onec *o, const char *name, struct kt_error *err)
{
	if (o->nfiles && !strcmp(o->files[o->nfiles - 1], name)) {
		o->cml.file = o->files[o->nfiles - 1];
		return 0;
	}
	if (strv_push(&o->files, &o->nfiles, name))
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	o->cml.file = o->files[o->nfiles - 1];
	return 0;
}

/* Feeds libxml2 from a ZIP entry. */
static int zip_input(void *arg, char *buf, int len)
{
	long n = zip_stream_read(arg, buf, (size_t)len);
	return n < 0 ? -1 : (int)n;
}

#define XML_OPTIONS (XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_HUGE)

/* Reads the CommerceML files of the ZIP archive in data[0..len) for the
 * pass.  Returns 0 or an error. */
static int read_zip(struct kt_onec *o, const char *path, const void *data, size_t len,
                    struct kt_error *err)
{
	struct zip z = { .data = data, .len = len, .name = path, .err = err };
	struct zip_entry e;
	size_t found = 0;
	int rc = zip_open(&z);

	for (size_t i = 0; !rc && !(rc = zip_entry(&z, i, &e)); i++) {
		size_t nlen = strlen(e.name);
		if (nlen < 4 || strcasecmp(e.name + nlen - 4, ".xml") || strstr(e.name, "__MACOSX"))
			continue;
		char name[1300];
		struct zip_stream s;
		snprintf(name, sizeof name, "%s/%s", path, e.name);
		if ((rc = file_is(o, name, err)) || (rc = zip_stream_open(&z, &e, &s)))
			break;
		xmlTextReaderPtr r = xmlReaderForIO(zip_input, NULL, &s, e.name, NULL, XML_OPTIONS);
		if (!r) {
			zip_stream_close(&s);
			return kt_error_set(err, KT_ENOMEM, "out of memory");
		}
		rc = cml_read(&o->cml, r);
		xmlFreeTextReader(r);
		zip_stream_close(&s);
		found++;
	}
	if (rc == KT_ENOTFOUND)
		rc = found ? 0 : kt_error_set(err, KT_EINVAL, "%s: no CommerceML file (*.xml) in the archive", path);
	return rc;
}

/* Returns 1 if the start of a CommerceML file, head[0..len), says it is
 * UTF-8: no UTF-16 mark, no other encoding declared. */
static int utf8_file(const char *head, size_t len)
{
	const unsigned char *u = (const unsigned char *)head;

	if (len < 2 || u[0] == 0xfe || u[0] == 0xff || !u[0] || !u[1])
		return 0;
	if (len < 5 || memcmp(head, "<?xml", 5))
		return 1;
	const char *end = memmem(head, len < 512 ? len : 512, "?>", 2);
	const char *enc = end ? memmem(head, (size_t)(end - head), "encoding", 8) : NULL;
	if (!end || !enc)
		return end != NULL;
	for (enc += 8; enc < end && (*enc == ' ' || *enc == '=' || *enc == '"' || *enc == '\''); enc++)
		;
	return end - enc >= 6 && !strncasecmp(enc, "utf-8", 5) && (enc[5] == '"' || enc[5] == '\'');
}

/* Returns 1 if a name of an offer package (ПакетПредложений,
 * ИзмененияПакетаПредложений) ends at the end of s[0..len), which ends
 * with "Предложений". */
static int package_name_ends(const char *s, size_t len)
{
	static const char *const heads[] = { "ПакетПредложений", "ИзмененияПакетаПредложений" };

	for (size_t i = 0; i < sizeof heads / sizeof *heads; i++)
		if (len >= strlen(heads[i]) && !memcmp(s + len - strlen(heads[i]), heads[i], strlen(heads[i])))
			return 1;
	return 0;
}

/* Returns 1 if the CommerceML file fd cannot hold an offer package, so
 * that the offers pass need not parse it (a 270 MB import.xml took 1.7 s
 * to walk through for nothing): it is UTF-8 and neither package's name
 * is among its bytes, read a window at a time.  Both names end in
 * "Предложений": the bytes are searched once for it, each place checked
 * for either name before it (a search per name was 1.8% of a catalogue's
 * import).  A name in a comment or a description costs only the parse as
 * before. */
static int without_packages(int fd)
{
	static const char tail[] = "Предложений";
	enum { WINDOW = 1 << 20, KEEP = 64 };  /* KEEP: longer than a name */
	char *buf = malloc(WINDOW + KEEP);
	size_t have = 0;
	off_t at = 0;
	ssize_t got = 0;
	int none = buf != NULL;

	while (none && (got = pread(fd, buf + have, WINDOW, at)) > 0) {
		none = at || utf8_file(buf, (size_t)got);
		at += got;
		have += (size_t)got;
		for (const char *p = buf; none && (p = memmem(p, have - (size_t)(p - buf), tail, sizeof tail - 1));) {
			p += sizeof tail - 1;
			none = !package_name_ends(buf, (size_t)(p - buf));
		}
		if (have > KEEP) {
			memmove(buf, buf + have - KEEP, KEEP);
			have = KEEP;
		}
	}
	free(buf);
	return none && !got;
}

/* Reads one file given for the pass: CommerceML, or a ZIP of it.  Sets
 * *rest to whether the other pass has to read it too (the offers pass
 * finds that out).  Returns 0 or an error. */
static int read_file(struct kt_onec *o, const char *path, unsigned char *rest, struct kt_error *err)
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	unsigned char magic[4] = { 0 };
	int rc;

	if (fd < 0 || fstat(fd, &st) || (st.st_size && pread(fd, magic, 4, 0) < 0)) {
		rc = kt_error_set(err, KT_EIO, "%s: %m", path);
		if (fd >= 0)
			close(fd);
		return rc;
	}
	if (!memcmp(magic, "PK\3\4", 4) || !memcmp(magic, "PK\5\6", 4)) {
		void *data = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		close(fd);
		if (data == MAP_FAILED)
			return kt_error_set(err, KT_EIO, "%s: %m", path);
		rc = read_zip(o, path, data, (size_t)st.st_size, err);
		munmap(data, (size_t)st.st_size);
		*rest = 1;
		return rc;
	}
	*rest = 1;
	if (o->cml.pass == CML_PASS_OFFERS && st.st_size && without_packages(fd)) {
		close(fd);
		return 0;
	}
	close(fd);
	xmlTextReaderPtr r = xmlReaderForFile(path, NULL, XML_OPTIONS);
	if (!r)
		return kt_error_set(err, KT_EIO, "%s: cannot be read", path);
	rc = file_is(o, path, err);
	if (!rc)
		rc = cml_read(&o->cml, r);
	xmlFreeTextReader(r);
	if (o->cml.pass == CML_PASS_OFFERS)
		*rest = (unsigned char)o->cml.rest;
	return rc;
}

/* ------------------------------------------------------------ public */

/* Starts a 1C import.  See kontora.h. */
int kt_onec_begin(struct kt_change *c, struct kt_books *b, const char *price_type,
                  kt_onec_fn fn, void *arg, struct kt_onec **out, struct kt_error *err)
{
	struct kt_onec *o = calloc(1, sizeof *o);
	char *conf = NULL;
	int rc;

	*out = NULL;
	if (!o)
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	o->b = b;
	o->change = c;
	o->note = fn;
	o->arg = arg;
	o->cml.fn = on_item;
	o->cml.arg = o;
	o->cml.err = err;
	/* The price type of the products' price: the option, else
	 * import.1c-price-type, else the first of each offer package. */
	struct kt_error unset = { 0 };
	if (!price_type && kt_config_get(b, "import.1c-price-type", &conf, &unset) == 0)
		price_type = conf;
	o->cml.price_type = price_type ? strdup(price_type) : NULL;
	free(conf);
	rc = price_type && !o->cml.price_type ? kt_error_set(err, KT_ENOMEM, "out of memory") : 0;
	if (!rc && !(rc = known_type(o, &o->products, "product", product_fields, NPF, err)))
		product_columns(o);
	if (!rc)
		rc = known_load(o, &o->clients, "client", client_fields, NCF, err);
	/* Every product asks the index; nothing commits until the end. */
	if (!rc && !(rc = index_read_begin(b->index, err)))
		o->reading = 1;
	if (!rc && (rc = index_each_value(b->index, o->products.s, "onec_id", first_value, &o->onec_products,
	                                  err)) == 1)
		rc = 0;
	if (!rc) {
		rc = kt_dict_list(b, "unit", unit_row, o, err);
		rc = rc == KT_ENOTFOUND ? 0 : rc == KT_ENOMEM ? kt_error_set(err, rc, "out of memory") : rc;
	}
	if (rc) {
		kt_onec_free(o);
		return rc;
	}
	*out = o;
	return 0;
}

/* Reads the files.  See kontora.h. */
int kt_onec_read(struct kt_onec *o, char *const *files, size_t n, struct kt_error *err)
{
	unsigned char *rest = calloc(n ? n : 1, 1);  /* per file: read by the second pass */
	int rc = rest ? 0 : kt_error_set(err, KT_ENOMEM, "out of memory");

	o->cml.err = err;
	for (int pass = CML_PASS_OFFERS; !rc && pass <= CML_PASS_REST; pass++) {
		o->cml.pass = pass;
		for (size_t i = 0; !rc && i < n; i++)
			if (pass == CML_PASS_OFFERS || rest[i])
				rc = read_file(o, files[i], &rest[i], err);
	}
	free(rest);
	return rc;
}

/* The products of 1C in the books that the catalogues of the import
 * did not list: their ids. */
struct unlisted {
	const struct kt_onec *o;
	char (*ids)[16];
	size_t n;
};

/* A product of the books with a 1C id, from index_each_value(): kept
 * when no catalogue listed it.  Returns 0 or KT_ENOMEM. */
static int unlisted_row(void *arg, const char *onec, const char *id)
{
	struct unlisted *u = arg;

	if (seen_find(&u->o->seen_product, onec))
		return 0;
	if (u->n % 1024 == 0) {
		void *v = realloc(u->ids, (u->n + 1024) * sizeof *u->ids);
		if (!v)
			return KT_ENOMEM;
		u->ids = v;
	}
	snprintf(u->ids[u->n++], sizeof *u->ids, "%s", id);
	return 0;
}

/* Marks inactive the products of 1C that a full catalogue did not list
 * (gathered first: the edits ask the index too).  Returns 0 or an error. */
static int inactivate(struct kt_onec *o, struct kt_error *err)
{
	const struct kt_schema *s = o->products.s;
	static const char *const field = "active";
	char *names[] = { "active" }, *values[] = { "false" };
	struct unlisted u = { .o = o };
	int rc;

	if (!o->full_catalogue || !kt_schema_field(s, "active"))
		return 0;
	rc = index_each_value(o->b->index, s, "onec_id", unlisted_row, &u, err);
	if (rc == KT_ENOMEM)
		rc = kt_error_set(err, rc, "out of memory");
	for (size_t i = 0; !rc && i < u.n; i++) {
		char *now = NULL;
		if ((rc = index_get_stored(o->b->index, s, "id", u.ids[i], &field, 1, &now, err)) < 0)
			break;
		rc = 0;
		if (!now || strcmp(now, "false")) {
			rc = kt_change_edit(o->change, s, u.ids[i], names, values, 1, err);
			o->sum.products_inactive += !rc;
		}
		free(now);
	}
	free(u.ids);
	return rc;
}

/* Applies the offers whose product was not in a catalogue of the import
 * to the products of the books; reports those of no product.  An offer
 * does not list its product: a full catalogue that left the product out
 * still makes it inactive.  Returns 0 or an error. */
static int apply_offers(struct kt_onec *o, struct kt_error *err)
{
	const struct kt_schema *s = o->products.s;

	for (size_t i = 0; i < o->seen_offer.n; i++) {
		const struct seen_id *e = &o->seen_offer.e[i];
		struct offer of = offer_of(o, e);
		struct pairs p = { 0 };
		if (e->used) {
			o->sum.offers_applied++;
			continue;
		}
		put(&p, s, "price", of.price);
		put(&p, s, "stock", of.stock);
		int rc = upsert_product(o, of.id, &p, 0, CML_OFFER, e->line, err);
		if (rc == KT_ENOTFOUND) {
			o->sum.offers_orphan++;
			onec_note(o, e->file, e->line, NULL, "offer %s (%s): no product with this 1C id in the "
			          "catalogue or the books: not imported", of.id, of.name);
			continue;
		}
		if (rc < 0)
			return rc;
		o->sum.offers_applied++;
		o->sum.products_updated += rc == 2;
	}
	return 0;
}

/* Finishes the import in its change.  See kontora.h. */
int kt_onec_finish(struct kt_onec *o, struct kt_onec_summary *sum, struct kt_error *err)
{
	int rc = apply_offers(o, err);

	if (!rc)
		rc = inactivate(o, err);
	if (!rc)
		*sum = o->sum;
	return rc;
}

/* Frees an import, not its change.  NULL is fine. */
void kt_onec_free(struct kt_onec *o)
{
	if (!o)
		return;
	cml_free(&o->cml);
	free((char *)o->cml.price_type);
	known_free(&o->products);
	known_free(&o->clients);
	seen_free(&o->seen_product);
	seen_free(&o->seen_offer);
	seen_free(&o->seen_client);
	kt_buf_free(&o->offers);
	if (o->reading)
		index_read_end(o->b->index);
	strmap_free(&o->units);
	for (size_t i = 0; i < o->nunits; i++)
		free(o->unit_ids[i]);
	free(o->unit_ids);
	strmap_free(&o->noted);
	strv_free(o->files, o->nfiles);
	free(o);
}
