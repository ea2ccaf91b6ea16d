/*
 * crm.h - the wing of sales: what happens to a new lead before it is
 * added (dedupe, distribution among managers) and assigning records.
 * Its functions are public (kt_lead_*, kt_change_assign in kontora.h);
 * it uses the books (books/books.h) and the wings below them.
 */
#ifndef KT_CRM_H
#define KT_CRM_H

#include "books/books.h"

#endif
