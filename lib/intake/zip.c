/*
 * zip.c - reading ZIP archives held in memory, with zlib's inflate: the
 * parts of an XLSX workbook, and the files of a 1C exchange zipped
 * (import0_1.xml, offers0_1.xml).  A part is inflated whole (the small
 * parts of a workbook) or streamed a buffer at a time (a 1C catalogue
 * of hundreds of megabytes, read by libxml2 as it inflates).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intake/intake.h"

/* No part of a lead export comes near this; a larger one is a zip bomb. */
#define MAX_PART ((size_t)256 << 20)

/* Returns the little-endian 16- or 32-bit number at p. */
static unsigned le16(const unsigned char *p) { return p[0] | (unsigned)p[1] << 8; }
static uint32_t le32(const unsigned char *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Fails with "NAME: not an XLSX file (why)" or "NAME: not a ZIP archive
 * (why)", why translated (xgettext knows zip_bad).  Returns KT_EINVAL. */
int zip_bad(struct zip *z, const char *why)
{
	if (z->xlsx)
		return kt_error_set(z->err, KT_EINVAL, "%s: not an XLSX file (%s)", z->name, _(why));
	return kt_error_set(z->err, KT_EINVAL, "%s: not a ZIP archive (%s)", z->name, _(why));
}

/* Finds the central directory.  See intake.h. */
int zip_open(struct zip *z)
{
	if (z->len < 22)
		return zip_bad(z, "too short");
	size_t stop = z->len > 22 + 65535 ? z->len - 22 - 65535 : 0;
	for (size_t i = z->len - 22 + 1; i-- > stop;) {
		const unsigned char *e = z->data + i;
		if (le32(e) != 0x06054b50)
			continue;
		size_t size = le32(e + 12), off = le32(e + 16);
		if (off == 0xFFFFFFFF || size == 0xFFFFFFFF)
			return zip_bad(z, "ZIP64 is not supported");
		if (off > z->len || size > z->len - off)
			return zip_bad(z, "the central directory is outside the file: truncated?");
		z->cd = z->data + off;
		z->cd_len = size;
		z->entries = le16(e + 10);
		return 0;
	}
	return zip_bad(z, "no ZIP directory: truncated or not a ZIP archive");
}

/* Reads entry i of the central directory into *e (its name cut to the
 * size of e->name).  Returns 0, KT_ENOTFOUND past the last, or an
 * error. */
int zip_entry(struct zip *z, size_t i, struct zip_entry *e)
{
	const unsigned char *p = z->cd, *end = z->cd + z->cd_len;

	if (i >= z->entries)
		return KT_ENOTFOUND;
	for (size_t k = 0;; k++) {
		if ((size_t)(end - p) < 46 || le32(p) != 0x02014b50)
			return zip_bad(z, "a broken ZIP directory");
		unsigned nlen = le16(p + 28);
		size_t next = 46 + nlen + le16(p + 30) + le16(p + 32);
		if ((size_t)(end - p) < next)
			return zip_bad(z, "a broken ZIP directory");
		if (k < i) {
			p += next;
			continue;
		}
		snprintf(e->name, sizeof e->name, "%.*s", (int)nlen, (const char *)p + 46);
		e->method = le16(p + 10);
		e->csize = le32(p + 20);
		e->usize = le32(p + 24);
		size_t off = le32(p + 42);
		if (off > z->len - 30 || le32(z->data + off) != 0x04034b50)
			return zip_bad(z, "a ZIP entry is outside the file: truncated?");
		e->start = off + 30 + le16(z->data + off + 26) + le16(z->data + off + 28);
		if (e->start > z->len || e->csize > z->len - e->start)
			return zip_bad(z, "a ZIP entry is cut short: truncated?");
		if (e->method != 0 && e->method != 8)
			return zip_bad(z, "a compression method other than deflate");
		return 0;
	}
}

/* Starts reading entry e.  Returns 0 or an error. */
int zip_stream_open(struct zip *z, const struct zip_entry *e, struct zip_stream *s)
{
	memset(s, 0, sizeof *s);
	s->z = z;
	s->e = *e;
	s->zs.next_in = (unsigned char *)(z->data + e->start);
	s->zs.avail_in = (uInt)e->csize;
	if (e->method == 8 && inflateInit2(&s->zs, -15) != Z_OK)
		return kt_error_set(z->err, KT_ENOMEM, "out of memory");
	s->open = 1;
	return 0;
}

/* Reads up to len bytes of the entry into buf.  Returns how many (0 at
 * its end), or -1 with z->err filled when it does not inflate. */
long zip_stream_read(struct zip_stream *s, char *buf, size_t len)
{
	if (s->e.method == 0) {
		size_t n = s->zs.avail_in < len ? s->zs.avail_in : len;
		memcpy(buf, s->zs.next_in, n);
		s->zs.next_in += n;
		s->zs.avail_in -= (uInt)n;
		return (long)n;
	}
	if (s->done)
		return 0;
	s->zs.next_out = (unsigned char *)buf;
	s->zs.avail_out = (uInt)len;
	int zrc = inflate(&s->zs, Z_NO_FLUSH);
	if (zrc == Z_STREAM_END)
		s->done = 1;
	else if (zrc != Z_OK || (s->zs.avail_out == len && !s->zs.avail_in)) {
		zip_bad(s->z, "an entry does not inflate: truncated or damaged");
		return -1;
	}
	return (long)(len - s->zs.avail_out);
}

/* Ends reading an entry. */
void zip_stream_close(struct zip_stream *s)
{
	if (s->open && s->e.method == 8)
		inflateEnd(&s->zs);
	s->open = 0;
}

/* Reads the part called path whole.  See intake.h. */
int zip_read(struct zip *z, const char *path, char **out, size_t *outlen)
{
	struct zip_entry e;
	struct zip_stream s;
	int rc;

	*out = NULL;
	for (size_t i = 0; !(rc = zip_entry(z, i, &e)); i++) {
		if (strcmp(e.name, path))
			continue;
		if (e.usize > MAX_PART)
			return zip_bad(z, "a part is too large");
		char *buf = malloc(e.usize + 1);
		if (!buf)
			return kt_error_set(z->err, KT_ENOMEM, "out of memory");
		if ((rc = zip_stream_open(z, &e, &s))) {
			free(buf);
			return rc;
		}
		size_t got = 0;
		long n;
		while (got < e.usize && (n = zip_stream_read(&s, buf + got, e.usize - got)) > 0)
			got += (size_t)n;
		zip_stream_close(&s);
		if (got != e.usize) {
			free(buf);
			return z->err->code ? z->err->code : zip_bad(z, "a part does not inflate: truncated or damaged");
		}
		buf[got] = '\0';
		*out = buf;
		*outlen = got;
		return 0;
	}
	return rc;
}
