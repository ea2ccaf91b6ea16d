/* requisites.c - the checks of a Russian company's requisites: KPP,
 * OGRN/OGRNIP, BIK, the settlement and correspondent accounts (their
 * control key against the BIK) and, through util/'s kt_inn_valid(), the
 * INN.  The algorithms: the Bank of Russia's rules for the control key
 * of an account (weights 7 1 3 over the BIK's three digits and the
 * account), the FNS's for OGRN (the number without its last digit mod 11,
 * or mod 13 for OGRNIP, mod 10). */
#include <stdio.h>
#include <string.h>

#include "money/money.h"

/* Returns 1 if s is exactly n ASCII digits. */
static int digits(const char *s, size_t n)
{
	return s && strlen(s) == n && strspn(s, "0123456789") == n;
}

/* Returns 1 if s is a KPP: four digits (the tax office), two digits or
 * capital Latin letters (the reason), three digits.  See kontora.h. */
int kt_kpp_valid(const char *s)
{
	if (!s || strlen(s) != 9 || strspn(s, "0123456789") < 4 || strspn(s + 6, "0123456789") != 3)
		return 0;
	for (int i = 4; i < 6; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z')))
			return 0;
	return 1;
}

/* Returns 1 if s is an OGRN (13 digits) or OGRNIP (15) whose last digit
 * is the rest of the number mod 11 (mod 13) mod 10.  See kontora.h. */
int kt_ogrn_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	unsigned long long body = 0;

	if (!(digits(s, 13) || digits(s, 15)))
		return 0;
	for (size_t i = 0; i + 1 < n; i++)
		body = body * 10 + (unsigned)(s[i] - '0');
	return (int)(body % (n == 13 ? 11 : 13) % 10) == s[n - 1] - '0';
}

/* Returns 1 if s is a BIK of a Russian bank: nine digits beginning with
 * the country's code 04.  See kontora.h. */
int kt_bik_valid(const char *s)
{
	return digits(s, 9) && s[0] == '0' && s[1] == '4';
}

/* Returns 1 if the three digits key followed by the 20-digit account
 * give a sum of digits × 7 1 3 ... that is a multiple of 10. */
static int account_key(const char key[3], const char *account)
{
	static const int w[] = { 7, 1, 3 };
	char s[24];
	int sum = 0;

	memcpy(s, key, 3);
	memcpy(s + 3, account, 20);
	for (int i = 0; i < 23; i++)
		sum += (s[i] - '0') * w[i % 3] % 10;
	return sum % 10 == 0;
}

/* Returns 1 if account is a settlement account (corr 0) or a
 * correspondent account (corr 1) whose key agrees with the BIK.  See
 * kontora.h. */
int kt_account_valid(const char *bik, const char *account, int corr)
{
	char key[3];

	if (!digits(account, 20) || !kt_bik_valid(bik))
		return 0;
	if (corr) {
		key[0] = '0';
		key[1] = bik[4];
		key[2] = bik[5];
	} else {
		memcpy(key, bik + 6, 3);
	}
	return account_key(key, account);
}

/* The requisites a party is checked on, by name. */
enum req { R_NAME, R_INN, R_KPP, R_OGRN, R_ADDRESS, R_BANK, R_BIK, R_CORR, R_ACCOUNT,
           R_DIRECTOR, R_ACCOUNTANT, R_COUNT };

static const char *const req_names[R_COUNT] = {
	"name", "inn", "kpp", "ogrn", "address", "bank", "bik", "corr_account", "account",
	"director", "accountant",
};

/* Returns the value of requisite r of p (may be NULL). */
static const char *req_value(const struct kt_party *p, enum req r)
{
	const char *const v[R_COUNT] = {
		p->name, p->inn, p->kpp, p->ogrn, p->address, p->bank, p->bik, p->corr_account,
		p->account, p->director, p->accountant,
	};
	return v[r] && *v[r] ? v[r] : NULL;
}

/* Returns what is wrong with the filled requisite r of p, or NULL. */
static const char *req_fault(const struct kt_party *p, enum req r, const char *v)
{
	switch (r) {
	case R_INN:
		return kt_inn_valid(v) ? NULL : digits(v, 10) || digits(v, 12)
		       ? "invalid checksum" : "not an INN (10 or 12 digits)";
	case R_KPP:
		return kt_kpp_valid(v) ? NULL : "not a KPP (9 characters: 4 digits, 2 digits or letters A-Z, 3 digits)";
	case R_OGRN:
		return kt_ogrn_valid(v) ? NULL : digits(v, 13) || digits(v, 15)
		       ? "invalid control digit" : "not an OGRN (13 digits) or OGRNIP (15)";
	case R_BIK:
		return kt_bik_valid(v) ? NULL : "not a BIK (9 digits beginning with 04)";
	case R_CORR:
	case R_ACCOUNT:
		if (!digits(v, 20))
			return "not an account (20 digits)";
		if (!kt_bik_valid(req_value(p, R_BIK)))
			return NULL;   /* the BIK's own problem is reported */
		return kt_account_valid(p->bik, v, r == R_CORR) ? NULL
		       : r == R_CORR ? "control key does not match the BIK (\"0\" and its 5th-6th digits)"
		                     : "control key does not match the BIK (its last three digits)";
	default:
		return NULL;
	}
}

/* Checks the requisites of a party.  See kontora.h. */
int kt_party_check(const struct kt_party *p, const char *required,
                   void (*fn)(void *arg, const char *field, const char *value, const char *msg),
                   void *arg)
{
	int problems = 0;

	for (int r = 0; r < R_COUNT; r++) {
		const char *v = req_value(p, (enum req)r), *fault;
		size_t n = strlen(req_names[r]);
		const char *at = required ? strstr(required, req_names[r]) : NULL;
		int needed = at && (at == required || at[-1] == ',') && (at[n] == ',' || !at[n]);

		if (!v && needed) {
			fn(arg, req_names[r], "", "required");
			problems++;
		} else if (v && (fault = req_fault(p, (enum req)r, v))) {
			fn(arg, req_names[r], v, fault);
			problems++;
		}
	}
	return problems;
}
