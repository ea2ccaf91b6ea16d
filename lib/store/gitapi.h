/*
 * gitapi.h - inside the store wing: libgit2 as a table of functions that
 * git_start() fills with dlopen() the first time a command needs git.
 * Linking libgit2 cost every command ~1.5 ms of loading (it brings
 * mbedTLS, libssh2, Kerberos and OpenSSL's libcrypto), most of which
 * never touch git (bench/README.md, start-up).  store/repo.h includes
 * this and then names each function of the table as libgit2 does, so
 * that the store's code calls git_tree_lookup() as before; a function
 * missing from GIT_FUNCS is an undefined symbol at link time, as kontora
 * links no libgit2.
 */
#ifndef KT_STORE_GITAPI_H
#define KT_STORE_GITAPI_H

#include <git2.h>

#include "kontora.h"

/* Every libgit2 function the store calls. */
#define GIT_FUNCS \
	X(git_blob_create_from_buffer) \
	X(git_blob_free) \
	X(git_blob_lookup) \
	X(git_blob_rawcontent) \
	X(git_blob_rawsize) \
	X(git_buf_dispose) \
	X(git_checkout_head) \
	X(git_checkout_options_init) \
	X(git_commit_author) \
	X(git_commit_create) \
	X(git_commit_free) \
	X(git_commit_id) \
	X(git_commit_lookup) \
	X(git_commit_parent) \
	X(git_commit_parent_id) \
	X(git_commit_parentcount) \
	X(git_commit_summary) \
	X(git_commit_time) \
	X(git_commit_time_offset) \
	X(git_commit_tree) \
	X(git_config_delete_entry) \
	X(git_config_free) \
	X(git_config_get_string_buf) \
	X(git_config_iterator_free) \
	X(git_config_iterator_new) \
	X(git_config_next) \
	X(git_config_open_default) \
	X(git_config_open_ondisk) \
	X(git_config_set_string) \
	X(git_diff_free) \
	X(git_diff_get_delta) \
	X(git_diff_num_deltas) \
	X(git_diff_options_init) \
	X(git_diff_tree_to_tree) \
	X(git_error_last) \
	X(git_graph_descendant_of) \
	X(git_index_add) \
	X(git_index_add_from_buffer) \
	X(git_index_free) \
	X(git_index_read) \
	X(git_index_remove) \
	X(git_index_write) \
	X(git_index_write_tree) \
	X(git_libgit2_init) \
	X(git_libgit2_opts) \
	X(git_libgit2_shutdown) \
	X(git_object_free) \
	X(git_object_id) \
	X(git_odb_free) \
	X(git_odb_hashfile) \
	X(git_odb_open_wstream) \
	X(git_odb_read_header) \
	X(git_odb_stream_finalize_write) \
	X(git_odb_stream_free) \
	X(git_odb_stream_write) \
	X(git_oid_cpy) \
	X(git_oid_equal) \
	X(git_oid_fromstr) \
	X(git_oid_is_zero) \
	X(git_oid_tostr) \
	X(git_reference_create_matching) \
	X(git_reference_free) \
	X(git_reference_is_branch) \
	X(git_reference_name) \
	X(git_reference_name_to_id) \
	X(git_reference_target) \
	X(git_repository_commondir) \
	X(git_repository_config_snapshot) \
	X(git_repository_free) \
	X(git_repository_head) \
	X(git_repository_index) \
	X(git_repository_init_ext) \
	X(git_repository_init_options_init) \
	X(git_repository_odb) \
	X(git_repository_open) \
	X(git_revparse_single) \
	X(git_revwalk_free) \
	X(git_revwalk_hide) \
	X(git_revwalk_new) \
	X(git_revwalk_next) \
	X(git_revwalk_push) \
	X(git_revwalk_push_head) \
	X(git_revwalk_simplify_first_parent) \
	X(git_revwalk_sorting) \
	X(git_signature_free) \
	X(git_signature_new) \
	X(git_tree_create_updated) \
	X(git_tree_entry_byindex) \
	X(git_tree_entry_bypath) \
	X(git_tree_entry_free) \
	X(git_tree_entry_id) \
	X(git_tree_entry_name) \
	X(git_tree_entry_type) \
	X(git_tree_entrycount) \
	X(git_tree_free) \
	X(git_tree_id) \
	X(git_tree_lookup)

/* The functions of libgit2, once git_start() has loaded it. */
struct git_api {
#define X(f) __typeof__(f) *f;
	GIT_FUNCS
#undef X
};
extern struct git_api git_api;

/* Loads libgit2 (its soname, KT_LIBGIT2_SONAME, from the headers built
 * against) into git_api, once, and calls git_libgit2_init(), without the
 * CA certificates it would parse (gitapi.c); the caller calls
 * git_libgit2_shutdown() when done.  Returns 0 or KT_EGIT naming what
 * failed. */
int git_start(struct kt_error *err);

#endif

#if !defined(KT_STORE_GITAPI_NAMES) && !defined(KT_STORE_GITAPI_LOADER)
#define KT_STORE_GITAPI_NAMES
#define git_blob_create_from_buffer git_api.git_blob_create_from_buffer
#define git_blob_free git_api.git_blob_free
#define git_blob_lookup git_api.git_blob_lookup
#define git_blob_rawcontent git_api.git_blob_rawcontent
#define git_blob_rawsize git_api.git_blob_rawsize
#define git_buf_dispose git_api.git_buf_dispose
#define git_checkout_head git_api.git_checkout_head
#define git_checkout_options_init git_api.git_checkout_options_init
#define git_commit_author git_api.git_commit_author
#define git_commit_create git_api.git_commit_create
#define git_commit_free git_api.git_commit_free
#define git_commit_id git_api.git_commit_id
#define git_commit_lookup git_api.git_commit_lookup
#define git_commit_parent git_api.git_commit_parent
#define git_commit_parent_id git_api.git_commit_parent_id
#define git_commit_parentcount git_api.git_commit_parentcount
#define git_commit_summary git_api.git_commit_summary
#define git_commit_time git_api.git_commit_time
#define git_commit_time_offset git_api.git_commit_time_offset
#define git_commit_tree git_api.git_commit_tree
#define git_config_delete_entry git_api.git_config_delete_entry
#define git_config_free git_api.git_config_free
#define git_config_get_string_buf git_api.git_config_get_string_buf
#define git_config_iterator_free git_api.git_config_iterator_free
#define git_config_iterator_new git_api.git_config_iterator_new
#define git_config_next git_api.git_config_next
#define git_config_open_default git_api.git_config_open_default
#define git_config_open_ondisk git_api.git_config_open_ondisk
#define git_config_set_string git_api.git_config_set_string
#define git_diff_free git_api.git_diff_free
#define git_diff_get_delta git_api.git_diff_get_delta
#define git_diff_num_deltas git_api.git_diff_num_deltas
#define git_diff_options_init git_api.git_diff_options_init
#define git_diff_tree_to_tree git_api.git_diff_tree_to_tree
#define git_error_last git_api.git_error_last
#define git_graph_descendant_of git_api.git_graph_descendant_of
#define git_index_add git_api.git_index_add
#define git_index_add_from_buffer git_api.git_index_add_from_buffer
#define git_index_free git_api.git_index_free
#define git_index_read git_api.git_index_read
#define git_index_remove git_api.git_index_remove
#define git_index_write git_api.git_index_write
#define git_index_write_tree git_api.git_index_write_tree
#define git_libgit2_init git_api.git_libgit2_init
#define git_libgit2_opts git_api.git_libgit2_opts
#define git_libgit2_shutdown git_api.git_libgit2_shutdown
#define git_object_free git_api.git_object_free
#define git_object_id git_api.git_object_id
#define git_odb_free git_api.git_odb_free
#define git_odb_hashfile git_api.git_odb_hashfile
#define git_odb_open_wstream git_api.git_odb_open_wstream
#define git_odb_read_header git_api.git_odb_read_header
#define git_odb_stream_finalize_write git_api.git_odb_stream_finalize_write
#define git_odb_stream_free git_api.git_odb_stream_free
#define git_odb_stream_write git_api.git_odb_stream_write
#define git_oid_cpy git_api.git_oid_cpy
#define git_oid_equal git_api.git_oid_equal
#define git_oid_fromstr git_api.git_oid_fromstr
#define git_oid_is_zero git_api.git_oid_is_zero
#define git_oid_tostr git_api.git_oid_tostr
#define git_reference_create_matching git_api.git_reference_create_matching
#define git_reference_free git_api.git_reference_free
#define git_reference_is_branch git_api.git_reference_is_branch
#define git_reference_name git_api.git_reference_name
#define git_reference_name_to_id git_api.git_reference_name_to_id
#define git_reference_target git_api.git_reference_target
#define git_repository_commondir git_api.git_repository_commondir
#define git_repository_config_snapshot git_api.git_repository_config_snapshot
#define git_repository_free git_api.git_repository_free
#define git_repository_head git_api.git_repository_head
#define git_repository_index git_api.git_repository_index
#define git_repository_init_ext git_api.git_repository_init_ext
#define git_repository_init_options_init git_api.git_repository_init_options_init
#define git_repository_odb git_api.git_repository_odb
#define git_repository_open git_api.git_repository_open
#define git_revparse_single git_api.git_revparse_single
#define git_revwalk_free git_api.git_revwalk_free
#define git_revwalk_hide git_api.git_revwalk_hide
#define git_revwalk_new git_api.git_revwalk_new
#define git_revwalk_next git_api.git_revwalk_next
#define git_revwalk_push git_api.git_revwalk_push
#define git_revwalk_push_head git_api.git_revwalk_push_head
#define git_revwalk_simplify_first_parent git_api.git_revwalk_simplify_first_parent
#define git_revwalk_sorting git_api.git_revwalk_sorting
#define git_signature_free git_api.git_signature_free
#define git_signature_new git_api.git_signature_new
#define git_tree_create_updated git_api.git_tree_create_updated
#define git_tree_entry_byindex git_api.git_tree_entry_byindex
#define git_tree_entry_bypath git_api.git_tree_entry_bypath
#define git_tree_entry_free git_api.git_tree_entry_free
#define git_tree_entry_id git_api.git_tree_entry_id
#define git_tree_entry_name git_api.git_tree_entry_name
#define git_tree_entry_type git_api.git_tree_entry_type
#define git_tree_entrycount git_api.git_tree_entrycount
#define git_tree_free git_api.git_tree_free
#define git_tree_id git_api.git_tree_id
#define git_tree_lookup git_api.git_tree_lookup
#endif
