/*
 * gitapi.c - loading libgit2 when a command first needs git (see
 * store/gitapi.h for why it is not linked).
 */
#include <dlfcn.h>

#define KT_STORE_GITAPI_LOADER
#include "store/gitapi.h"

struct git_api git_api;

/* Loads libgit2 into git_api.  See gitapi.h. */
int git_load(struct kt_error *err)
{
	static void *lib;
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
