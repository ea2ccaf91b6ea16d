/*
 * message.c - a MIME message with GMime: the addresses checked, a UTF-8
 * text body, files as base64 attachments named in RFC 2231.
 *
 * GMime is initialised once in a process, at the first message, and
 * shut down at exit: g_mime_init() after g_mime_shutdown() leaves GMime's
 * tables unmade in GMime 3.2 (every later call then warns), and what it
 * holds (charset tables, the iconv cache) is freed before the leak check
 * of `make check SAN=1` runs, which comes after every atexit() function
 * registered later than ASan's own.
 */
#include <gmime/gmime.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mail/mail.h"
#include "util/util.h"

/* Initialises GMime the first time it is called, in a way that is safe
 * when threads race for it, and shuts it down at exit. */
static void gmime_up(void)
{
	static gsize done;

	if (g_once_init_enter(&done)) {
		g_mime_init();
		atexit(g_mime_shutdown);
		g_once_init_leave(&done, 1);
	}
}

/* The content types of the files kontora writes, by their endings. */
static const struct {
	const char *ending;
	const char *type;
} types[] = {
	{ ".pdf", "application/pdf" },
	{ ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
	{ ".csv", "text/csv" },
};

/* Returns the content type of a file called name.  See mail.h. */
const char *mail_content_type(const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < sizeof types / sizeof *types; i++) {
		size_t e = strlen(types[i].ending);
		if (n > e && !strcasecmp(name + n - e, types[i].ending))
			return types[i].type;
	}
	return "application/octet-stream";
}

/* Returns 1 if the len bytes of s are dot-separated labels none of them
 * empty, each byte one that ok() accepts, else 0. */
static int dotted(const char *s, size_t len, int (*ok)(unsigned char c))
{
	if (!len || s[0] == '.' || s[len - 1] == '.')
		return 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] == '.' ? s[i + 1] == '.' : !ok((unsigned char)s[i]))
			return 0;
	return 1;
}

/* Returns 1 if c may stand in the local part of an address unquoted
 * (RFC 5322 atext). */
static int local_char(unsigned char c)
{
	return c > ' ' && c < 127 && !strchr("()<>[]:;@\\,\"", c);
}

/* Returns 1 if c may stand in a domain: a letter, a digit, a hyphen, or a
 * byte of a non-ASCII character (an international domain name). */
static int domain_char(unsigned char c)
{
	return c >= 0x80 || c == '-' || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* Checks a bare address.  See mail.h. */
int mail_address_valid(const char *addr)
{
	const char *at = strchr(addr, '@');

	return at && dotted(addr, (size_t)(at - addr), local_char) &&
	       dotted(at + 1, strlen(at + 1), domain_char);
}

/* Returns 0 if s is valid UTF-8 on one line (no control characters but
 * tab), else KT_EINVAL naming what (the header). */
static int one_line(const char *what, const char *s, struct kt_error *err)
{
	size_t bad;

	if (!kt_utf8_valid(s, strlen(s), &bad))
		return kt_error_set(err, KT_EINVAL, "%s: not UTF-8 (byte %zu)", what, bad + 1);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < ' ' && *p != '\t') || *p == 127)
			return kt_error_set(err, KT_EINVAL, "%s: a line break or control "
			                    "character in \"%s\"", what, s);
	return 0;
}

/* Returns the length of the first address of s: up to the first comma
 * or semicolon (as Outlook users separate them) outside quotes, angle
 * brackets and comments. */
static size_t address_len(const char *s)
{
	int quoted = 0, angle = 0, comment = 0;
	size_t i;

	for (i = 0; s[i] && (quoted || angle || comment || !strchr(",;", s[i])); i++) {
		if (quoted && s[i] == '\\' && s[i + 1])
			i++;
		else if (s[i] == '"')
			quoted = !quoted;
		else if (!quoted && (s[i] == '<' || s[i] == '>'))
			angle = s[i] == '<';
		else if (!quoted && s[i] == '(')
			comment++;
		else if (!quoted && s[i] == ')' && comment)
			comment--;
	}
	return i;
}

/* Parses one address ("a@b", "Name <a@b>") of the len bytes of s with
 * GMime and adds it to list.  Returns 0, or KT_EINVAL naming it when it
 * is not exactly one mailbox with a valid address: GMime skips what it
 * cannot read, so "a@b, bad@" would otherwise lose an address unsaid. */
static int add_address(InternetAddressList *list, const char *header, const char *s, size_t len,
                       struct kt_error *err)
{
	char *text = g_strstrip(g_strndup(s, len));
	InternetAddressList *got = internet_address_list_parse(NULL, text);
	InternetAddress *a = got && internet_address_list_length(got) == 1 ?
		internet_address_list_get_address(got, 0) : NULL;
	const char *addr = a && INTERNET_ADDRESS_IS_MAILBOX(a) ?
		internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a)) : NULL;
	int rc = 0;

	if (*text && (!addr || !mail_address_valid(addr)))
		rc = kt_error_set(err, KT_EINVAL, "%s: \"%s\": not an e-mail address", header, text);
	else if (*text) {
		/* A name in UTF-8, not the smallest charset that holds it. */
		internet_address_set_charset(a, "utf-8");
		internet_address_list_add(list, a);
	}
	if (got)
		g_object_unref(got);
	g_free(text);
	return rc;
}

/* Adds the addresses of each of the n strings of v, separated by commas
 * or semicolons, to list; header names them in messages.  Returns 0, or
 * KT_EINVAL naming the string or the address that is wrong. */
static int add_addresses(InternetAddressList *list, const char *header, char *const *v,
                         size_t n, struct kt_error *err)
{
	for (size_t i = 0; i < n; i++) {
		int rc = one_line(header, v[i], err);
		for (const char *s = v[i]; !rc && *s; ) {
			size_t len = address_len(s);
			rc = add_address(list, header, s, len, err);
			s += len + (s[len] != '\0');
		}
		if (rc)
			return rc;
	}
	return 0;
}

/* Returns a new part of type holding a copy of the len bytes of data;
 * the caller unrefs it. */
static GMimePart *part_with(const char *type, const void *data, size_t len)
{
	char *slash = strchr(type, '/');
	char *major = g_strndup(type, (size_t)(slash - type));
	GMimePart *part = g_mime_part_new_with_type(major, slash + 1);
	GMimeStream *stream = g_mime_stream_mem_new_with_buffer(data, len);
	GMimeDataWrapper *content = g_mime_data_wrapper_new_with_stream(stream,
		GMIME_CONTENT_ENCODING_DEFAULT);

	g_mime_part_set_content(part, content);
	g_object_unref(content);
	g_object_unref(stream);
	g_free(major);
	return part;
}

/* Returns the text/plain part of the body, in UTF-8 and whichever of 7bit,
 * quoted-printable or base64 is shortest for it; the caller unrefs it. */
static GMimeObject *text_part(const char *body, size_t len)
{
	GMimePart *part = part_with("text/plain", body, len);

	g_mime_object_set_content_type_parameter(GMIME_OBJECT(part), "charset", "utf-8");
	g_mime_part_set_content_encoding(part,
		g_mime_part_get_best_content_encoding(part, GMIME_ENCODING_CONSTRAINT_7BIT));
	return GMIME_OBJECT(part);
}

/* Makes the parameter name of list say its value in UTF-8 when it must be
 * encoded (RFC 2231), where GMime would take the smallest charset that
 * holds it, ISO-8859-5 for Russian, which some readers get wrong. */
static void in_utf8(GMimeParamList *list, const char *name)
{
	g_mime_param_set_charset(g_mime_param_list_get_parameter(list, name), "utf-8");
}

/* Returns the attachment part of the file called name with the len bytes
 * of data, base64 whatever its type, so that its bytes arrive as they
 * were; the caller unrefs it. */
static GMimeObject *file_part(const char *name, const char *data, size_t len)
{
	const char *type = mail_content_type(name);
	GMimePart *part = part_with(type, data, len);

	/* kontora's CSV is UTF-8; a file that is not says no charset. */
	if (!strncmp(type, "text/", 5) && kt_utf8_valid(data, len, NULL))
		g_mime_object_set_content_type_parameter(GMIME_OBJECT(part), "charset", "utf-8");
	g_mime_object_set_disposition(GMIME_OBJECT(part), GMIME_DISPOSITION_ATTACHMENT);
	g_mime_part_set_filename(part, name);
	in_utf8(g_mime_content_disposition_get_parameters(
		g_mime_object_get_content_disposition(GMIME_OBJECT(part))), "filename");
	in_utf8(g_mime_content_type_get_parameters(
		g_mime_object_get_content_type(GMIME_OBJECT(part))), "name");
	g_mime_part_set_content_encoding(part, GMIME_CONTENT_ENCODING_BASE64);
	return GMIME_OBJECT(part);
}

/* Adds the file f to mixed as an attachment.  Returns 0, or the error of
 * reading it (naming its path). */
static int add_file(GMimeMultipart *mixed, const struct kt_mail_file *f, struct kt_error *err)
{
	struct kt_buf bytes = { 0 };
	const char *data = f->data;
	size_t len = f->len;
	const char *name = f->name;

	if (!name)
		name = strrchr(f->path, '/') ? strrchr(f->path, '/') + 1 : f->path;
	if (!*name || one_line("file name", name, err))
		return kt_error_set(err, KT_EINVAL, "%s: not a name to send a file by", f->path);
	if (!data) {
		int rc = file_read(f->path, -1, NULL, &bytes, err);
		if (rc) {
			kt_buf_free(&bytes);
			return rc;
		}
		data = bytes.data ? bytes.data : "";
		len = bytes.len;
	}
	GMimeObject *part = file_part(name, data, len);
	g_mime_multipart_add(mixed, part);
	g_object_unref(part);
	kt_buf_free(&bytes);
	return 0;
}

/* Sets the body of msg: the text alone, or a multipart/mixed of the text
 * (if any) and the files.  Returns 0 or the error of a file. */
static int set_body(GMimeMessage *msg, const struct kt_mail *m, struct kt_error *err)
{
	GMimeObject *text = m->body ? text_part(m->body, m->body_len) : NULL;

	if (!m->nfiles) {
		g_mime_message_set_mime_part(msg, text);
		g_object_unref(text);
		return 0;
	}
	GMimeMultipart *mixed = g_mime_multipart_new_with_subtype("mixed");
	int rc = 0;
	if (text) {
		g_mime_multipart_add(mixed, text);
		g_object_unref(text);
	}
	for (size_t i = 0; !rc && i < m->nfiles; i++)
		rc = add_file(mixed, &m->files[i], err);
	g_mime_message_set_mime_part(msg, GMIME_OBJECT(mixed));
	g_object_unref(mixed);
	return rc;
}

/* Sets the headers of msg from m: From, To, Cc, Subject, Date and a
 * Message-ID at the domain of From.  Returns 0 or KT_EINVAL. */
static int set_headers(GMimeMessage *msg, const struct kt_mail *m, struct kt_error *err)
{
	InternetAddressList *from = g_mime_message_get_from(msg);
	char *const froms[] = { (char *)(m->from ? m->from : "") };
	int rc = add_addresses(from, "From", froms, 1, err);

	if (!rc && !internet_address_list_length(from))
		rc = kt_error_set(err, KT_EINVAL, "From: no e-mail address");
	if (!rc && internet_address_list_length(from) > 1)
		rc = kt_error_set(err, KT_EINVAL, "From: \"%s\": one address, not several", froms[0]);
	if (!rc)
		rc = add_addresses(g_mime_message_get_to(msg), "To", m->to, m->nto, err);
	if (!rc)
		rc = add_addresses(g_mime_message_get_cc(msg), "Cc", m->cc, m->ncc, err);
	if (!rc && !internet_address_list_length(g_mime_message_get_to(msg)))
		rc = kt_error_set(err, KT_EINVAL, "no recipient: a message needs a To address");
	if (!rc && m->subject && *m->subject && !(rc = one_line("Subject", m->subject, err)))
		g_mime_message_set_subject(msg, m->subject, "utf-8");
	if (rc)
		return rc;

	GDateTime *date = g_date_time_new_from_unix_local((gint64)m->date);
	g_mime_message_set_date(msg, date);
	g_date_time_unref(date);
	InternetAddress *sender = internet_address_list_get_address(from, 0);
	const char *addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(sender));
	char *id = g_mime_utils_generate_message_id(strchr(addr, '@') + 1);
	g_mime_message_set_message_id(msg, id);
	g_free(id);
	return 0;
}

/* Appends msg as text to out.  Returns 0 or KT_ENOMEM. */
static int write_message(GMimeMessage *msg, struct kt_buf *out, struct kt_error *err)
{
	GMimeStream *stream = g_mime_stream_mem_new();
	int rc = 0;

	if (g_mime_object_write_to_stream(GMIME_OBJECT(msg), NULL, stream) < 0)
		rc = kt_error_set(err, KT_ENOMEM, "the message could not be written");
	GByteArray *bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream));
	if (!rc && kt_buf_add(out, bytes->data, bytes->len))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	g_object_unref(stream);
	return rc;
}

/* Builds a message.  See kontora.h. */
int kt_mail_build(const struct kt_mail *m, struct kt_buf *out, struct kt_error *err)
{
	size_t bad;

	if (!m->body && !m->nfiles)
		return kt_error_set(err, KT_EINVAL, "nothing to send: neither a text nor a file");
	if (m->body && !kt_utf8_valid(m->body, m->body_len, &bad))
		return kt_error_set(err, KT_EINVAL, "the text is not UTF-8 (byte %zu)", bad + 1);
	gmime_up();
	GMimeMessage *msg = g_mime_message_new(TRUE);
	int rc = set_headers(msg, m, err);
	if (!rc)
		rc = set_body(msg, m, err);
	if (!rc)
		rc = write_message(msg, out, err);
	g_object_unref(msg);
	return rc;
}
