/*
 * spool.c - the spool of web requests: a maildir (tmp/, new/, cur/) that
 * kontora webhook delivers into without git or SQLite, and that kontora
 * import spool empties.  A request becomes visible in new/ only whole:
 * it is written and synced in tmp/ and then renamed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "intake/intake.h"

/* Creates dir (one level) unless it exists.  Returns 0 or KT_EIO. */
static int make_dir(const char *dir, struct kt_error *err)
{
	if (mkdir(dir, 0770) && errno != EEXIST)
		return kt_error_set(err, KT_EIO, "%s: %s", dir, strerror(errno));
	return 0;
}

/* Creates the spool dir with tmp/, new/ and cur/ as needed.  Returns 0 or
 * KT_EIO naming the directory that could not be made. */
static int spool_dirs(const char *dir, struct kt_error *err)
{
	static const char *const subs[] = { "tmp", "new", "cur" };
	char path[4096];
	int rc = make_dir(dir, err);

	for (size_t i = 0; !rc && i < sizeof subs / sizeof *subs; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, subs[i]);
		rc = make_dir(path, err);
	}
	return rc;
}

/* Writes len bytes of data to fd, retrying short writes.  Returns 0 or -1
 * with errno set. */
static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Syncs the directory dir so that a rename in it survives a crash.
 * Returns 0 or -1 with errno set. */
static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	int rc = fd < 0 ? -1 : fsync(fd);

	if (fd >= 0)
		close(fd);
	return rc;
}

/* Delivers a request into the spool.  See kontora.h. */
int kt_spool_deliver(const char *dir, const char *data, size_t len, time_t now,
                     char **name, struct kt_error *err)
{
	char host[256] = "localhost", base[400], tmp[4096], dst[4096];
	unsigned char rnd[6] = { 0 };
	int rc, fd;

	if ((rc = spool_dirs(dir, err)))
		return rc;
	gethostname(host, sizeof host - 1);
	/* maildir: '/' and ':' may not appear in the host part. */
	for (char *p = host; *p; p++)
		if (*p == '/' || *p == ':')
			*p = '_';
	fd = open("/dev/urandom", O_RDONLY);
	if (fd < 0 || read(fd, rnd, sizeof rnd) != (ssize_t)sizeof rnd) {
		if (fd >= 0)
			close(fd);
		return kt_error_set(err, KT_EIO, "/dev/urandom: %s", strerror(errno));
	}
	close(fd);
	snprintf(base, sizeof base, "%lld.P%ldR%02x%02x%02x%02x%02x%02x.%s", (long long)now,
	         (long)getpid(), rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], host);
	snprintf(tmp, sizeof tmp, "%s/tmp/%s", dir, base);
	snprintf(dst, sizeof dst, "%s/new/%s", dir, base);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0660);
	if (fd < 0)
		return kt_error_set(err, KT_EIO, "%s: %s", tmp, strerror(errno));
	if (write_all(fd, data, len) || fsync(fd)) {
		rc = kt_error_set(err, KT_EIO, "%s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return rc;
	}
	if (close(fd) || rename(tmp, dst)) {
		rc = kt_error_set(err, KT_EIO, "%s: %s", dst, strerror(errno));
		unlink(tmp);
		return rc;
	}
	snprintf(tmp, sizeof tmp, "%s/new", dir);
	if (sync_dir(tmp))
		return kt_error_set(err, KT_EIO, "%s: %s", tmp, strerror(errno));
	if (name && !(*name = strdup(base)))
		return kt_error_set(err, KT_ENOMEM, "out of memory");
	return 0;
}

/* Returns the spool directory of the books at root.  See kontora.h. */
char *kt_spool_path(const char *root, const char *configured)
{
	struct kt_buf b = { 0 };
	const char *dir = configured && *configured ? configured : ".git/kontora/spool";

	if (*dir == '/' ? kt_buf_adds(&b, dir) : kt_buf_addf(&b, "%s/%s", root, dir)) {
		kt_buf_free(&b);
		return NULL;
	}
	return kt_buf_detach(&b);
}
