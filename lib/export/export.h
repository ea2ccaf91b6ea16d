/*
 * export.h - what kontora writes for other programs: XLSX workbooks and
 * iCalendar files.  Their public functions are in kontora.h; this wing
 * uses util/ only and knows nothing of the books.
 */
#ifndef KT_EXPORT_H
#define KT_EXPORT_H

#include "util/util.h"

#endif
