/*
 * sha1.c - unit tests for lib/util/sha1.c: git's blob ids, by the
 * portable blocks and (on a processor that has them) the SHA
 * instructions, against ids git hash-object gave for the same bytes.
 * The file is included, so that both of its block functions are here.
 */
#include <stdlib.h>
#include <string.h>

#include "util/sha1.c"
#include "tap.h"

/* Bytes i*7+3 mod 251: no block repeats another. */
static unsigned char *bytes(size_t n)
{
	unsigned char *p = malloc(n ? n : 1);

	for (size_t i = 0; p && i < n; i++)
		p[i] = (unsigned char)((i * 7 + 3) % 251);
	return p;
}

/* git hash-object --stdin of bytes(n): the sizes around the padding's
 * edges (55, 56, 64 bytes with the header "blob N" and its NUL) and a
 * shard's size. */
static const struct {
	size_t n;
	const char *id;
} ids[] = {
	{ 0, "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391" },
	{ 1, "fc2b5693e00bdbea3f74ac60459b1df43c295356" },
	{ 6, "5b0bd19274a009137570d962e7ffc2b45906cadc" },
	{ 40, "7187f1ecc55df46a0d29a1951e4f2f23465d8018" },
	{ 46, "0027f725e3bf00a16571887e1bc1b2e45f748161" },
	{ 47, "061eff57e5850ecbaa6a1cfb79c03a9a55fe5e7b" },
	{ 55, "038186c00ebb93085677731203cbb88513d5e02b" },
	{ 56, "c013b05b59e9caf36e73e191bfd526a03485a23d" },
	{ 57, "d6167d2d9253f308805936cd808e4273a167ae83" },
	{ 63, "51d532d8ca26803b6bf2675511a31db230b19c31" },
	{ 64, "35cb9b06ff2d0481a8904db781ce9101997acee9" },
	{ 65, "1090134147ca2b67e90797f415ed684a3cac45d5" },
	{ 119, "230e404e6bfee782cff93264b5c53980464c4737" },
	{ 120, "8aca049e1a4cae4ed35d1a9071fdb46ea77c2bd5" },
	{ 128, "3dd7d546214a2bd2ae23b0cc5b2136a56f81e4d5" },
	{ 1000, "d71af1ca89db590b23da93119eac26d725adf093" },
	{ 110000, "28977d5f008561154467f0c2a0b4bc8e516444f1" }
};

/* Checks every size with the blocks function fn, named name. */
static void test_with(sha1_blocks_fn *fn, const char *name)
{
	char hex[41], what[64];

	for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
		unsigned char *p = bytes(ids[i].n);
		blob_id_with(fn, p, ids[i].n, hex);
		snprintf(what, sizeof what, "%s: %zu bytes", name, ids[i].n);
		is_str(hex, ids[i].id, "%s", what);
		free(p);
	}
}

int main(void)
{
	char hex[41];

	kt_blob_id("hello\n", 6, hex);
	is_str(hex, "ce013625030ba8dba906f756967f9e9ca394464a", "kt_blob_id of hello, as git hash-object");
	kt_blob_id("", 0, hex);
	is_str(hex, "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391", "git's empty blob");
	test_with(sha1_blocks_c, "portable");
#ifdef SHA1_NI
	if (sha1_choose() == sha1_blocks_ni)
		test_with(sha1_blocks_ni, "SHA instructions");
	else
		ok(1, "# skip: no SHA instructions on this processor");
#endif
	return done_testing();
}
