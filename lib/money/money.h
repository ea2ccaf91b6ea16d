/*
 * money.h - the face of lib/money/: quantities, line sums, VAT, totals,
 * amounts in Russian words, the checksums of requisites and document
 * numbers.  Pure: no books, no git, no SQLite; uses util/ only.  The
 * functions commands need are declared in kontora.h (the money section);
 * this face adds nothing yet, and is what doc/ includes.
 */
#ifndef KT_MONEY_H
#define KT_MONEY_H

#include "kontora.h"

#endif
