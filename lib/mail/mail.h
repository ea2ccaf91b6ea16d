/*
 * mail.h - the face of lib/mail/: a MIME message built with GMime
 * (message.c) and piped to sendmail (send.c).  The public functions,
 * kt_mail_build() and kt_mail_send(), are in kontora.h; these are what
 * the wing's files and its unit test share.
 */
#ifndef KT_MAIL_H
#define KT_MAIL_H

#include "kontora.h"

/* Returns the content type a file called name is sent as, by the ending
 * of its name in any case: application/pdf for .pdf, the XLSX type for
 * .xlsx, text/csv for .csv, else application/octet-stream (a static
 * string). */
const char *mail_content_type(const char *name);

/* Returns 1 if addr is a bare e-mail address, local@domain: a local part
 * of printable ASCII without spaces or the specials of RFC 5322, a domain
 * of letters, digits, hyphens and non-ASCII (an international name) in
 * dot-separated labels; else 0. */
int mail_address_valid(const char *addr);

#endif
