/*
 * payment.c - payments from bank statements into the books, and the
 * money they pay towards invoices (docs/bank.md).
 *
 * A payment is a record of type payment; what it pays towards an invoice
 * is an allocation record (payment, invoice, amount), so that reports sum
 * allocations with SQL.  An incoming payment whose payer's INN is a
 * client's is matched to that client's open invoices (issued or partly
 * paid): first those whose numbers its purpose names, each taking what it
 * still owes, then, when the purpose names none, the oldest invoice that
 * owes exactly the amount.  What is left is the client's credit.  The
 * invoice's state follows its allocations through the transitions of
 * workflows/invoice.flow: issued, partly_paid, paid.
 *
 * Everything reads through kt_list(), so the caller's access rules hold,
 * except the payment keys already in the books, which are the books' and
 * not the caller's (known()); what a change adds is kept here too, as
 * the index knows only HEAD.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intake/intake.h"

/* Rows of one kt_list() query, copied. */
struct table {
	size_t ncols, n;
	char **names;          /* ncols */
	char **cells;          /* n * ncols */
};

/* Frees what t holds. */
static void table_free(struct table *t)
{
	strv_free(t->names, t->ncols);
	strv_free(t->cells, t->n * t->ncols);
	memset(t, 0, sizeof *t);
}

/* A kt_row_fn copying rows into a struct table.  Returns 0 or
 * KT_ENOMEM. */
static int table_row(void *arg, size_t ncols, const struct kt_column *cols, char *const *values)
{
	struct table *t = arg;
	size_t cells = t->n * t->ncols;

	if (!values) {
		for (size_t i = 0; i < ncols; i++)
			if (strv_push(&t->names, &t->ncols, cols[i].name))
				return KT_ENOMEM;
		return 0;
	}
	for (size_t i = 0; i < ncols; i++)
		if (strv_push(&t->cells, &cells, values[i]))
			return KT_ENOMEM;
	t->n++;
	return 0;
}

/* Returns the value of column name in row i of t (owned by t), or "". */
static const char *at(const struct table *t, size_t i, const char *name)
{
	for (size_t j = 0; j < t->ncols; j++)
		if (!strcmp(t->names[j], name))
			return t->cells[i * t->ncols + j];
	return "";
}

/* Reads into *t every column of the records of type matching where (all
 * states), oldest first when sort is NULL.  Returns 0 or an error. */
static int query(struct kt_books *b, const char *type, const char *where, const char *sort,
                 struct table *t, struct kt_error *err)
{
	const struct kt_schema *s = kt_books_type(b, type);

	memset(t, 0, sizeof *t);
	if (!s)
		return kt_error_set(err, KT_ENOTFOUND, "these books have no %s type: copy "
		                    "schemas/%s.schema from kontora's own (kontora-import(1))", type, type);
	struct kt_query q = { .schema = s, .where = where, .sort = sort ? sort : "created",
	                      .all_columns = 1, .all = 1 };
	int rc = kt_list(b, &q, table_row, t, err);
	if (rc == KT_ENOMEM)
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	if (rc)
		table_free(t);
	return rc;
}

/* Returns the money of s in kopecks (0 when empty or bad). */
static int64_t money(const char *s)
{
	int64_t k = 0;
	return *s && !kt_money_parse(s, &k) ? k : 0;
}

/* An invoice as the change leaves it. */
struct inv {
	char *id, *number, *client, *status;
	int64_t total, paid;
	int touched;
};

/* The invoices one change has looked at, and what it allocated. */
struct ledger {
	struct kt_books *b;
	struct kt_change *c;
	struct inv *invs;
	size_t n;
	char **clients;        /* whose open invoices are loaded */
	size_t nclients;
	struct strmap payers;  /* payer's INN -> index in payer_clients */
	char **payer_clients;  /* the client of each INN asked, "" for none */
	size_t npayers;
};

/* Frees what l holds. */
static void ledger_free(struct ledger *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->invs[i].id);
		free(l->invs[i].number);
		free(l->invs[i].client);
		free(l->invs[i].status);
	}
	free(l->invs);
	strv_free(l->clients, l->nclients);
	strv_free(l->payer_clients, l->npayers);
	strmap_free(&l->payers);
}

/* Returns the sum of the allocations at HEAD whose field is id, in *sum.
 * Returns 0 or an error. */
static int allocated(struct kt_books *b, const char *field, const char *id, int64_t *sum,
                     struct kt_error *err)
{
	struct table t;
	char where[128];

	snprintf(where, sizeof where, "%s=%s", field, id);
	int rc = query(b, "allocation", where, NULL, &t, err);
	*sum = 0;
	for (size_t i = 0; !rc && i < t.n; i++)
		*sum += money(at(&t, i, "amount"));
	table_free(&t);
	return rc;
}

/* Adds the invoices of t to the ledger (those it has already are kept as
 * the change left them).  Returns 0 or an error. */
static int ledger_add(struct ledger *l, const struct table *t, struct kt_error *err)
{
	for (size_t i = 0; i < t->n; i++) {
		const char *id = at(t, i, "id");
		size_t j = 0;
		while (j < l->n && strcmp(l->invs[j].id, id))
			j++;
		if (j < l->n)
			continue;
		struct inv *v = realloc(l->invs, (l->n + 1) * sizeof *v);
		if (!v)
			return kt_error_set(err, KT_ENOMEM, "out of memory");
		l->invs = v;
		v = &l->invs[l->n];
		memset(v, 0, sizeof *v);
		v->total = money(at(t, i, "total"));
		if (!(v->id = strdup(id)) || !(v->number = strdup(at(t, i, "number"))) ||
		    !(v->client = strdup(at(t, i, "client"))) || !(v->status = strdup(at(t, i, "status")))) {
			free(v->id);
			free(v->number);
			free(v->client);
			return kt_error_set(err, KT_ENOMEM, "out of memory");
		}
		l->n++;
		int rc = allocated(l->b, "invoice", id, &v->paid, err);
		if (rc)
			return rc;
	}
	return 0;
}

/* Loads the open invoices (issued, partly paid) of client into the
 * ledger, once.  Returns 0 or an error. */
static int load_client(struct ledger *l, const char *client, struct kt_error *err)
{
	static const char *const open[] = { "issued", "partly_paid" };
	char where[128];
	int rc = 0;

	if (strv_has(l->clients, l->nclients, client))
		return 0;
	if (strv_push(&l->clients, &l->nclients, client))
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	for (size_t k = 0; !rc && k < 2; k++) {
		struct table t;
		snprintf(where, sizeof where, "client=%s and status=%s", client, open[k]);
		if (!(rc = query(l->b, "invoice", where, "date", &t, err)))
			rc = ledger_add(l, &t, err);
		table_free(&t);
	}
	return rc;
}

/* Returns the ledger's invoice id, loading it, or NULL with err set. */
static struct inv *ledger_invoice(struct ledger *l, const char *id, struct kt_error *err)
{
	struct table t;
	char where[128];

	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->invs[i].id, id))
			return &l->invs[i];
	snprintf(where, sizeof where, "id=%s", id);
	if (query(l->b, "invoice", where, NULL, &t, err))
		return NULL;
	int rc = ledger_add(l, &t, err);
	table_free(&t);
	if (!rc && l->n && !strcmp(l->invs[l->n - 1].id, id))
		return &l->invs[l->n - 1];
	if (!rc)
		kt_error_set(err, KT_ENOTFOUND, "invoice %s: not found", id);
	return NULL;
}

/* Adds an allocation of amount from payment to v.  Returns 0 or an
 * error. */
static int allocate(struct ledger *l, const char *payment, struct inv *v, int64_t amount,
                    struct kt_error *err)
{
	char sum[40];
	char *names[] = { "payment", "invoice", "amount" };
	char *values[] = { (char *)payment, v->id, kt_money_format(amount, 0, sum) };
	const char *id;

	v->paid += amount;
	v->touched = 1;
	return kt_change_add(l->c, kt_books_type(l->b, "allocation"), names, values, 3, &id, err);
}

/* Moves every invoice the change allocated to (or took from) into the
 * state its money says: paid when its allocations reach its total,
 * partly_paid when there are some, else issued.  Returns 0 or an
 * error. */
static int settle(struct ledger *l, struct kt_error *err)
{
	const struct kt_schema *s = kt_books_type(l->b, "invoice");
	const struct kt_flow *f = kt_books_flow(l->b, "invoice");

	for (size_t i = 0; i < l->n; i++) {
		struct inv *v = &l->invs[i];
		const char *to = v->paid >= v->total ? "paid" : v->paid > 0 ? "partly_paid" : "issued";
		if (!v->touched || !strcmp(v->status, to))
			continue;
		if (!f || !kt_flow_is_state(f, to))
			return kt_error_set(err, KT_ESCHEMA, "invoice %s: workflows/invoice.flow has "
			                    "no state %s (copy kontora's own)", v->number, to);
		int rc = kt_change_move(l->c, s, v->id, NULL, to, NULL, NULL, NULL, 0, err);
		if (rc)
			return rc;
	}
	return 0;
}

/* Returns 1 if the folded word w is one that comes before an invoice's
 * number: счет, счёт, сч., счета, счету, счетам, N, №, #. */
static int number_marker(const char *w)
{
	return !strncmp(w, "сч", strlen("сч")) || !strcmp(w, "n") || !strcmp(w, "№") ||
	       !strcmp(w, "#") || !strcmp(w, "no");
}

/* Returns 1 if c (a byte) belongs to a word of a purpose's text: letters
 * (any non-ASCII byte), digits, '-' and '/' (КХ-2026-0007). */
static int word_byte(unsigned char c)
{
	return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-' || c == '/';
}

/* Adds to (*v, *n) the invoice numbers the folded purpose names: a word
 * with a digit after a marker (number_marker()), "сч.1042", "счет
 * N1042", "№КХ-2026-0007", and the numbers that follow it joined by ","
 * or "и" ("по счетам № 1042, 1043 и 1044"), skipping "от DATE".
 * Returns 0 or KT_ENOMEM. */
static int purpose_numbers(const char *text, char ***v, size_t *n)
{
	char word[128];
	int listing = 0;

	for (const char *p = text; *p;) {
		if (!word_byte((unsigned char)*p)) {
			char c = *p++;
			if (c == '#')
				listing = 1;
			else if (c != ' ' && c != '.' && c != ',' && c != ':' && c != '\t')
				listing = 0;
			continue;
		}
		size_t len = 0;
		while (word_byte((unsigned char)*p)) {
			if (len < sizeof word - 1)
				word[len++] = *p;
			p++;
		}
		word[len] = '\0';
		/* "N1042", "№1042", "сч1042" written together */
		char *w = word, *digit = strpbrk(w, "0123456789");
		if (digit && !strncmp(w, "№", strlen("№")))
			w += strlen("№");
		else if (digit && *w == 'n' && w[1] >= '0' && w[1] <= '9')
			w++;
		else if (digit && !strncmp(w, "сч", strlen("сч")))
			w = digit;
		if (w != word)
			listing = 1;
		if (digit && listing) {
			if (!strv_has(*v, *n, w) && strv_push(v, n, w))
				return KT_ENOMEM;
		} else if (!strcmp(w, "от") && listing) {
			/* the invoice's date: "от 05.11.2026", "от 5.11.26г" */
			while (*p == ' ')
				p++;
			while ((*p >= '0' && *p <= '9') || *p == '.')
				p++;
		} else if (number_marker(w)) {
			listing = 1;
		} else if (strcmp(w, "и")) {
			listing = 0;
		}
	}
	return 0;
}

/* Matches the new incoming payment id of client (amount kopecks, purpose
 * as written) to the client's open invoices.  Returns 0 and *left (what
 * no invoice took), or an error. */
static int match_payment(struct ledger *l, const char *id, const char *client, int64_t amount,
                         const char *purpose, int64_t *left, struct kt_error *err)
{
	char **numbers = NULL, *folded = kt_fold(purpose);
	size_t nnumbers = 0;
	int rc = folded ? purpose_numbers(folded, &numbers, &nnumbers) : KT_ENOMEM;

	free(folded);
	*left = amount;
	if (rc) {
		strv_free(numbers, nnumbers);
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	if ((rc = load_client(l, client, err))) {
		strv_free(numbers, nnumbers);
		return rc;
	}
	int named = 0;
	for (size_t k = 0; !rc && k < nnumbers && *left > 0; k++)
		for (size_t i = 0; !rc && i < l->n; i++) {
			struct inv *v = &l->invs[i];
			char *num = kt_fold(v->number);
			int same = num && !strcmp(num, numbers[k]) && !strcmp(v->client, client);
			free(num);
			if (!same || v->paid >= v->total ||
			    (strcmp(v->status, "issued") && strcmp(v->status, "partly_paid")))
				continue;
			int64_t a = v->total - v->paid < *left ? v->total - v->paid : *left;
			named = 1;
			if (!(rc = allocate(l, id, v, a, err)))
				*left -= a;
		}
	strv_free(numbers, nnumbers);
	for (size_t i = 0; !rc && !named && !nnumbers && i < l->n; i++) {
		struct inv *v = &l->invs[i];
		if (!strcmp(v->client, client) && v->total - v->paid == amount &&
		    (!strcmp(v->status, "issued") || !strcmp(v->status, "partly_paid"))) {
			if (!(rc = allocate(l, id, v, amount, err)))
				*left = 0;
			break;
		}
	}
	return rc;
}

/* Returns 1 if account (not empty) is one of the company's. */
static int ours(const char *account, char *const *accounts, size_t n)
{
	return *account && strv_has(accounts, n, account);
}

/* Works out whether d comes in or goes out: by ДатаПоступило and
 * ДатаСписано, else by whose account (the statement's РасчСчет and
 * company.account) or INN (company.inn) is the payee's or the payer's.
 * Returns "in", "out", or NULL when nothing tells. */
static const char *direction(const struct kt_bank_doc *d, char *const *accounts, size_t n,
                             const char *inn)
{
	if (*d->date_in && !*d->date_out)
		return "in";
	if (*d->date_out && !*d->date_in)
		return "out";
	if (ours(d->payee_account, accounts, n))
		return "in";
	if (ours(d->payer_account, accounts, n))
		return "out";
	if (*inn && !strcmp(d->payee_inn, inn))
		return "in";
	if (*inn && !strcmp(d->payer_inn, inn))
		return "out";
	return NULL;
}

/* Returns in *client (owned by l; "" when none) the client whose INN is
 * inn, asked of the books once an INN: a statement holds thousands of
 * payments from a few hundred payers.  Returns 0 or an error. */
static int client_of(struct ledger *l, const char *inn, const char **client,
                     struct kt_error *err)
{
	struct table t = { 0 };
	char where[64];
	size_t at_payer;
	int rc = 0;

	if (strmap_get(&l->payers, inn, &at_payer)) {
		*client = l->payer_clients[at_payer];
		return 0;
	}
	/* Whether any client has the INN first, as the index's kept
	 * statement answers it: a list prepares its statement each time,
	 * 30 us, and many payers of a statement are no client.  (Books
	 * without a client type get query()'s message.) */
	const struct kt_schema *cs = kt_books_type(l->b, "client");
	if (kt_inn_valid(inn) && (!cs || (rc = index_exists(l->b->index, cs, "inn", inn, NULL, NULL, err)) > 0)) {
		snprintf(where, sizeof where, "inn=%s", inn);
		rc = query(l->b, "client", where, NULL, &t, err);
	}
	rc = rc < 0 ? rc : 0;
	if (!rc && (strv_push(&l->payer_clients, &l->npayers, t.n ? at(&t, 0, "id") : "") ||
	            strmap_put(&l->payers, inn, l->npayers - 1)))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	table_free(&t);
	if (!rc)
		*client = l->payer_clients[l->npayers - 1];
	return rc;
}

/* Returns the identity of d (caller frees; NULL when out of memory):
 * date|number|kopecks|payer's account|payee's account, an INN standing for
 * an account left empty. */
static char *payment_key(const struct kt_bank_doc *d)
{
	struct kt_buf k = { 0 };
	char a[21];

	text_int(d->amount, a);
	if (kt_buf_cat(&k, d->date, "|", d->number, "|", a, "|",
	               *d->payer_account ? d->payer_account : d->payer_inn, "|",
	               *d->payee_account ? d->payee_account : d->payee_inn, (char *)NULL)) {
		kt_buf_free(&k);
		return NULL;
	}
	return kt_buf_detach(&k);
}

/* Returns 1 in *dup when a payment of the books has key, whoever may
 * see it: the key is unique in the books, and a payment is the same
 * whoever imports it again.  Returns 0 or an error. */
static int known(struct kt_books *b, const char *key, int *dup, struct kt_error *err)
{
	int rc = index_exists(b->index, kt_books_type(b, "payment"), "key", key, NULL, NULL, err);

	*dup = rc > 0;
	return rc < 0 ? rc : 0;
}

/* Adds the payment of d as a record of change c.  Returns 0 and *id
 * (owned by c), or an error naming the statement's file and line. */
static int add_payment(struct kt_change *c, const struct kt_schema *s, const struct kt_bank_doc *d,
                       const char *key, const char *dir, const char *client, const char *file,
                       const char **id, struct kt_error *err)
{
	char sum[40];
	char *names[] = { "key", "date", "number", "kind", "amount", "direction", "payer",
	                  "payer_inn", "payer_kpp", "payer_account", "payee", "payee_inn",
	                  "payee_kpp", "payee_account", "purpose", "client" };
	const char *values[] = { key, d->date, d->number, d->kind, kt_money_format(d->amount, 0, sum),
	                         dir, d->payer, d->payer_inn, d->payer_kpp, d->payer_account,
	                         d->payee, d->payee_inn, d->payee_kpp, d->payee_account,
	                         d->purpose, client };
	int rc = kt_change_add(c, s, names, (char *const *)values, sizeof names / sizeof *names,
	                       id, err);
	if (rc) {
		char why[sizeof err->msg];
		snprintf(why, sizeof why, "%s", err->msg);
		kt_error_set(err, rc, "%s:%ld: %s", file, d->line, why);
	}
	return rc;
}

/* Reads a key of kontora.conf into *value ("" when unset; caller frees).
 * Returns 0 or an error. */
static int conf(struct kt_books *b, const char *key, char **value, struct kt_error *err)
{
	int rc = kt_config_get(b, key, value, err);
	if (rc == KT_ENOTFOUND)
		rc = (*value = strdup("")) ? 0 : kt_error_set(err, KT_ENOMEM, "out of memory");
	return rc;
}

/* Adds one document of a statement.  Returns 0 or an error. */
static int import_doc(struct ledger *l, const struct kt_bank_statement *st,
                      const struct kt_bank_doc *d, char *const *accounts, size_t naccounts,
                      const char *inn, struct strmap *seen, struct kt_bank_summary *sum,
                      struct kt_error *err)
{
	char *key = payment_key(d);
	const char *client = NULL;
	const char *dir = direction(d, accounts, naccounts, inn), *id;
	int dup = 0, rc = key ? 0 : kt_error_set(err, KT_ENOMEM, "out of memory");

	if (!rc && !dir)
		rc = kt_error_set(err, KT_EINVAL, "%s:%ld: payment %s: neither ДатаПоступило nor "
		                  "ДатаСписано, and neither account is the company's (company.account, "
		                  "the statement's РасчСчет)", st->name, d->line, d->number);
	if (!rc && strmap_get(seen, key, NULL))
		dup = 1;
	else if (!rc && !(rc = known(l->b, key, &dup, err)) && strmap_put(seen, key, 0))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	if (!rc && dup)
		sum->duplicates++;
	if (!rc && !dup && !(rc = client_of(l, !strcmp(dir, "in") ? d->payer_inn : "", &client, err)) &&
	    !(rc = add_payment(l->c, kt_books_type(l->b, "payment"), d, key, dir, client, st->name,
	                       &id, err))) {
		sum->payments++;
		*(!strcmp(dir, "in") ? &sum->in : &sum->out) += 1;
		int64_t left = d->amount;
		if (*client)
			rc = match_payment(l, id, client, d->amount, d->purpose, &left, err);
		if (!rc && !strcmp(dir, "in")) {
			sum->matched += left < d->amount;
			sum->unmatched += left > 0;
		}
	}
	free(key);
	return rc;
}

/* Adds the payments of the statements st[0..n) to change c (see
 * kontora.h).  Returns 0 and *sum, or an error naming the file and
 * line. */
int kt_bank_import(struct kt_change *c, struct kt_books *b, struct kt_bank_statement *const *st,
                   size_t n, struct kt_bank_summary *sum, struct kt_error *err)
{
	struct ledger l = { .b = b, .c = c };
	struct strmap seen = { 0 };
	char *inn = NULL, *account = NULL;
	int rc;

	memset(sum, 0, sizeof *sum);
	if (!kt_books_type(b, "payment") || !kt_books_type(b, "allocation"))
		return kt_error_set(err, KT_ENOTFOUND, "these books have no payment or allocation "
		                    "type: copy schemas/payment.schema and schemas/allocation.schema "
		                    "from kontora's own (kontora-import(1))");
	if ((rc = conf(b, "company.inn", &inn, err)) || (rc = conf(b, "company.account", &account, err)))
		goto out;
	/* Every payment asks the index (its key, its payer's client, the
	 * record's shard); nothing commits until the end: one read
	 * transaction, not a lock taken and dropped for each question. */
	if ((rc = index_read_begin(b->index, err)))
		goto out;
	for (size_t i = 0; !rc && i < n; i++) {
		char **accounts = NULL;
		size_t naccounts = 0;
		for (size_t k = 0; !rc && k < st[i]->naccounts; k++)
			rc = strv_push(&accounts, &naccounts, st[i]->accounts[k]);
		if (!rc && *account)
			rc = strv_push(&accounts, &naccounts, account);
		if (rc)
			rc = kt_error_set(err, KT_ENOMEM, "out of memory");
		for (size_t k = 0; !rc && k < st[i]->ndocs; k++)
			rc = import_doc(&l, st[i], &st[i]->docs[k], accounts, naccounts, inn, &seen,
			                sum, err);
		strv_free(accounts, naccounts);
	}
	if (!rc)
		rc = settle(&l, err);
	index_read_end(b->index);
out:
	strmap_free(&seen);
	free(inn);
	free(account);
	ledger_free(&l);
	return rc;
}

/* Reads the payment id into *p (one row).  Returns 0 or an error. */
static int read_payment(struct kt_books *b, const char *id, struct table *p, struct kt_error *err)
{
	char where[128];

	snprintf(where, sizeof where, "id=%s", id);
	int rc = query(b, "payment", where, NULL, p, err);
	if (!rc && !p->n) {
		table_free(p);
		rc = kt_error_set(err, KT_ENOTFOUND, "payment %s: not found", id);
	}
	return rc;
}

/* Allocates amount (0: what is left of the payment, up to what the
 * invoice owes) of payment to invoice (full ids) in change c.  Returns 0
 * and *done (the kopecks allocated), or an error. */
int kt_payment_match(struct kt_change *c, struct kt_books *b, const char *payment,
                     const char *invoice, int64_t amount, int64_t *done, struct kt_error *err)
{
	struct ledger l = { .b = b, .c = c };
	struct table p;
	int64_t used;
	int rc = read_payment(b, payment, &p, err);

	if (rc)
		return rc;
	struct inv *v = NULL;
	if (!(rc = allocated(b, "payment", payment, &used, err)) &&
	    !(v = ledger_invoice(&l, invoice, err)))
		rc = err->code ? err->code : KT_ENOTFOUND;
	int64_t left = money(at(&p, 0, "amount")) - used;
	if (!rc && strcmp(at(&p, 0, "direction"), "in"))
		rc = kt_error_set(err, KT_EINVAL, "payment %s goes out: only incoming payments pay "
		                  "invoices", payment);
	else if (!rc && strcmp(v->status, "issued") && strcmp(v->status, "partly_paid"))
		rc = kt_error_set(err, KT_EINVAL, "invoice %s is %s: only issued and partly paid "
		                  "invoices take payments", v->number, v->status);
	if (!rc && !amount)
		amount = left < v->total - v->paid ? left : v->total - v->paid;
	char a[40], b1[40];
	if (!rc && (amount <= 0 || amount > left))
		rc = kt_error_set(err, KT_EINVAL, "payment %s has %s left to allocate", payment,
		                  kt_money_format(left, 1, a));
	else if (!rc && amount > v->total - v->paid)
		rc = kt_error_set(err, KT_EINVAL, "invoice %s owes %s, not %s", v->number,
		                  kt_money_format(v->total - v->paid, 1, a),
		                  kt_money_format(amount, 1, b1));
	if (!rc && !*at(&p, 0, "client")) {
		char *names[] = { "client" }, *values[] = { v->client };
		rc = kt_change_edit(c, kt_books_type(b, "payment"), payment, names, values, 1, err);
	}
	if (!rc && !(rc = allocate(&l, payment, v, amount, err)))
		rc = settle(&l, err);
	*done = rc ? 0 : amount;
	table_free(&p);
	ledger_free(&l);
	return rc;
}

/* Removes every allocation of payment (full id) in change c, moves the
 * invoices back, and sets the payment's client to the one its payer's
 * INN names (none when no client has it).  Returns 0 and *removed (how
 * many), or an error. */
int kt_payment_unmatch(struct kt_change *c, struct kt_books *b, const char *payment,
                       size_t *removed, struct kt_error *err)
{
	struct ledger l = { .b = b, .c = c };
	struct table p, a = { 0 };
	char where[128];
	const char *client = NULL;
	int rc = read_payment(b, payment, &p, err);

	*removed = 0;
	if (rc)
		return rc;
	snprintf(where, sizeof where, "payment=%s", payment);
	rc = query(b, "allocation", where, NULL, &a, err);
	for (size_t i = 0; !rc && i < a.n; i++) {
		struct inv *v = ledger_invoice(&l, at(&a, i, "invoice"), err);
		if (!v) {
			rc = err->code ? err->code : KT_ENOTFOUND;
			break;
		}
		v->paid -= money(at(&a, i, "amount"));
		v->touched = 1;
		rc = kt_change_remove(c, kt_books_type(b, "allocation"), at(&a, i, "id"), 0, err);
	}
	if (!rc)
		rc = settle(&l, err);
	const char *inn = !strcmp(at(&p, 0, "direction"), "in") ? at(&p, 0, "payer_inn") : "";
	if (!rc && !(rc = client_of(&l, inn, &client, err)) && strcmp(client, at(&p, 0, "client"))) {
		char *names[] = { "client" }, *values[] = { (char *)client };
		rc = kt_change_edit(c, kt_books_type(b, "payment"), payment, names, values, 1, err);
	}
	*removed = rc ? 0 : a.n;
	table_free(&a);
	table_free(&p);
	ledger_free(&l);
	return rc;
}

/* Returns in *ordered the totals of the client's issued, partly paid and
 * paid invoices, and in *paid what was paid towards them plus what the
 * client's incoming payments hold unallocated (a credit).  Returns 0 or
 * an error. */
int kt_client_balance(struct kt_books *b, const char *client, int64_t *ordered, int64_t *paid,
                      struct kt_error *err)
{
	static const char *const states[] = { "issued", "partly_paid", "paid" };
	char where[128];
	int rc = 0;

	*ordered = *paid = 0;
	if (!kt_books_type(b, "invoice"))
		return 0;
	for (size_t k = 0; !rc && k < 3; k++) {
		struct table t;
		snprintf(where, sizeof where, "client=%s and status=%s", client, states[k]);
		if (kt_books_flow(b, "invoice") && !kt_flow_is_state(kt_books_flow(b, "invoice"), states[k]))
			continue;
		rc = query(b, "invoice", where, NULL, &t, err);
		for (size_t i = 0; !rc && i < t.n; i++) {
			int64_t s;
			*ordered += money(at(&t, i, "total"));
			if (kt_books_type(b, "allocation") && !(rc = allocated(b, "invoice", at(&t, i, "id"), &s, err)))
				*paid += s;
		}
		table_free(&t);
	}
	if (rc || !kt_books_type(b, "payment") || !kt_books_type(b, "allocation"))
		return rc;
	struct table t;
	snprintf(where, sizeof where, "client=%s and direction=in", client);
	rc = query(b, "payment", where, NULL, &t, err);
	for (size_t i = 0; !rc && i < t.n; i++) {
		int64_t s;
		if (!(rc = allocated(b, "payment", at(&t, i, "id"), &s, err)))
			*paid += money(at(&t, i, "amount")) - s;
	}
	table_free(&t);
	return rc;
}
