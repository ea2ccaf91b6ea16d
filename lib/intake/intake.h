/*
 * intake.h - the wing of what comes in from outside: web form posts,
 * JSON, CSV and XLSX lead exports, the webhook's spool, and the importer
 * that turns them into leads through crm/.  Its public functions are in
 * kontora.h.
 */
#ifndef KT_INTAKE_H
#define KT_INTAKE_H

#include "crm/crm.h"

/* Reads the first worksheet of the XLSX workbook in data[0..len) into
 * *out as if it were CSV: the first row the header, every row padded to
 * its last cell, each row's line its row number in the sheet.  Numbers
 * come as written in the file, dates as YYYY-MM-DD when the cell's style
 * is a date.  Returns 0 and *out (free with kt_csv_free()), or KT_EINVAL
 * naming what is wrong with the file, or KT_ENOMEM. */
int xlsx_read_sheet(const char *data, size_t len, const char *name,
                    struct kt_csv **out, struct kt_error *err);

#endif
