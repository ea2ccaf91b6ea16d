/*
 * report.h - the face of lib/report/: reports as data (reports/NAME.sql,
 * kontora-report(5)), run on what the caller may see, written as PDF with
 * vector charts and as XLSX with Excel charts.  It stands above doc/ and
 * draws with doc/'s layer over libharu and its money and dates as printed.
 */
#ifndef KT_REPORT_H
#define KT_REPORT_H

#include "doc/doc.h"

#endif
