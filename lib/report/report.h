/*
 * report.h - the face of lib/report/: reports as data (reports/NAME.sql,
 * kontora-report(5)), run on what the caller may see, written as PDF with
 * vector charts and as XLSX with Excel charts.  It stands above doc/ and
 * draws with doc/'s layer over libharu and its money and dates as printed.
 */
#ifndef KT_REPORT_H
#define KT_REPORT_H

#include "doc/doc.h"

/* Appends to out, in Russian (a file's text, not a message), how many of
 * r's rows a file shows (shown of r->nrows, the first ones), that its
 * totals are of them all, and how to have every row.  Returns 0 or
 * KT_ENOMEM. */
int report_left_out(const struct kt_report *r, size_t shown, struct kt_buf *out);

#endif
