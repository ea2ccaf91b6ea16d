/*
 * gitapi.c - unit tests for lib/store/gitapi.c: libgit2 starts without
 * parsing the system's CA certificates, and certificates given to it
 * afterwards are parsed for real, so that a command that will speak https
 * verifies its server.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "store/repo.h"
#include "tap.h"

int main(void)
{
	struct kt_error err = { 0 };
	char garbage[] = "/tmp/kt-gitapi-XXXXXX";
	const char *good = "tests/fixtures/tls/ca.pem";
	FILE *f;
	int fd;

	if ((fd = mkstemp(garbage)) < 0 || !(f = fdopen(fd, "w"))) {
		perror(garbage);
		return 1;
	}
	fputs("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n", f);
	fclose(f);

	if (!is_int(git_start(&err), 0, "libgit2 loads and starts"))
		printf("# %s\n", err.msg);
	ok(git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, garbage, NULL) < 0,
	   "certificates that do not parse are refused after the start");
	ok(git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, "/nonexistent/ca.pem", NULL) < 0,
	   "a missing bundle is refused");
	is_int(git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, good, NULL), 0,
	       "a good bundle is loaded (%s)", good);
	git_libgit2_shutdown();
	unlink(garbage);
	return done_testing();
}
