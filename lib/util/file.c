/*
 * file.c - reading a whole file from disk into a buffer, and replacing
 * one whole.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/util.h"

/* Says that file is over the limit max, whose setting is limit.  Returns
 * KT_EINVAL. */
static int too_big(const char *file, const char *limit, int64_t max, struct kt_error *err)
{
	return kt_error_set(err, KT_EINVAL, "%s: larger than %s (%lld bytes); "
	                    "set it in kontora.conf to allow more", file, limit, (long long)max);
}

/* Reads a regular file.  See util.h. */
int file_read(const char *file, int64_t max, const char *limit, struct kt_buf *out,
              struct kt_error *err)
{
	struct stat st;
	char chunk[65536];
	ssize_t got;
	int rc = 0;
	int fd = open(file, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return kt_error_set(err, KT_EIO, "%s: %s", file, strerror(errno));
	if (fstat(fd, &st))
		rc = kt_error_set(err, KT_EIO, "%s: %s", file, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		rc = kt_error_set(err, KT_EINVAL, "%s: not a regular file", file);
	else if (max >= 0 && st.st_size > max)
		rc = too_big(file, limit, max, err);
	else if (kt_buf_grow(out, (size_t)st.st_size))
		rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	/* The size is checked as the bytes come: the file may grow meanwhile. */
	while (!rc && (got = read(fd, chunk, sizeof chunk)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			rc = kt_error_set(err, KT_EIO, "%s: %s", file, strerror(errno));
		else if (max >= 0 && (int64_t)(out->len + (size_t)got) > max)
			rc = too_big(file, limit, max, err);
		else if (kt_buf_add(out, chunk, (size_t)got))
			rc = kt_error_set(err, KT_ENOMEM, "out of memory");
	}
	close(fd);
	return rc;
}

/* Replaces a file through a temporary one.  See kontora.h. */
int kt_file_replace(const char *path, const void *data, size_t len, struct kt_error *err)
{
	struct kt_buf tmp = { 0 };
	int fd, rc = 0;

	if (kt_buf_addf(&tmp, "%s.tmp%ld", path, (long)getpid()))
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	if ((fd = open(tmp.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)) < 0) {
		rc = kt_error_set(err, KT_EIO, "%s: %s", path, strerror(errno));
		kt_buf_free(&tmp);
		return rc;
	}
	for (size_t done = 0; !rc && done < len;) {
		ssize_t w = write(fd, (const char *)data + done, len - done);
		if (w < 0 && errno != EINTR)
			rc = kt_error_set(err, KT_EIO, "%s: %s", path, strerror(errno));
		else if (w > 0)
			done += (size_t)w;
	}
	if ((close(fd) || rename(tmp.data, path)) && !rc)
		rc = kt_error_set(err, KT_EIO, "%s: %s", path, strerror(errno));
	if (rc)
		unlink(tmp.data);
	kt_buf_free(&tmp);
	return rc;
}
