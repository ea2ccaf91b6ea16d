/*
 * gitapi.c - loading libgit2 when a command first needs git (see
 * store/gitapi.h for why it is not linked).
 */
#include <dlfcn.h>

#define KT_STORE_GITAPI_LOADER
#include "store/gitapi.h"

struct git_api git_api;

/* libgit2 once loaded; certs_deferred while git_libgit2_init() runs. */
static void *lib;
static int certs_deferred;

/* Loads libgit2 into git_api.  Returns 0 or KT_EGIT. */
static int git_load(struct kt_error *err)
{
	void *h;

	if (lib)
		return 0;
	if (!(h = dlopen(KT_LIBGIT2_SONAME, RTLD_NOW | RTLD_LOCAL)))
		return kt_error_set(err, KT_EGIT, "%s: %s", KT_LIBGIT2_SONAME, dlerror());
#define X(f) \
	if (!(*(void **)&git_api.f = dlsym(h, #f))) \
		return kt_error_set(err, KT_EGIT, "%s: %s", KT_LIBGIT2_SONAME, dlerror());
	GIT_FUNCS
#undef X
	lib = h;
	return 0;
}

/* Loads libgit2 and initialises it.  See gitapi.h. */
int git_start(struct kt_error *err)
{
	int rc = git_load(err);

	if (rc)
		return rc;
	certs_deferred = 1;
	git_api.git_libgit2_init();
	certs_deferred = 0;
	return 0;
}

/*
 * libgit2 1.5 built with mbedTLS (Debian's) parses the system's whole CA
 * bundle in git_libgit2_init(): 4 of the 12 ms of CPU that a `lead edit`
 * takes at 1M leads, in a command that speaks no TLS (bench/README.md,
 * "a write under 25 ms").  kontora defines the function libgit2 calls for
 * it, and the dynamic linker binds libgit2 to the executable's definition
 * first (the Makefile exports it).  During git_start() it parses nothing:
 * the chain stays empty, so a TLS connection would fail to verify, never
 * pass unverified.  Any later call, such as the one
 * git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, ...) makes (what a
 * command that speaks https must call first), goes to mbedTLS's own,
 * found through libgit2's handle.  Returns 0 or mbedTLS's negative error.
 */
int mbedtls_x509_crt_parse_file(void *chain, const char *path);
int mbedtls_x509_crt_parse_file(void *chain, const char *path)
{
	int (*parse)(void *, const char *);

	if (certs_deferred)
		return 0;
	*(void **)&parse = lib ? dlsym(lib, "mbedtls_x509_crt_parse_file") : NULL;
	return parse ? parse(chain, path) : -1;
}
