/* The tar walk: path normalisation, entry types, whiteouts and opaque markers, PAX and GNU
 * long names, hard links, content hashes, and verification against diff_ids. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/stat.h>

#include "layer/layer.h"
#include "testutil.h"
#include "util/digest.h"

static void test_clean_path(void **state)
{
	(void)state;
	struct arena a;
	static const char *cases[][2] = {
		{"etc/passwd", "etc/passwd"}, {"./etc/passwd", "etc/passwd"}, {"etc/", "etc"},
		{"/etc//x/", "etc/x"},        {"./", ""},                     {"/", ""},
		{"a/./b/../c", "a/c"},        {"a/b/..", "a"},                {".", ""},
		{"a/../..", NULL},            {"../x", NULL},                 {"a/../../b", NULL},
	};
	arena_init(&a);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = layer_clean_path(&a, cases[i][0]);
		if (!cases[i][1])
			assert_null(got);
		else
			assert_string_equal(got, cases[i][1]);
	}
	arena_release(&a);
}

static struct layer *read_one(const void *blob, size_t len, const char *diff_id, ls_error *err)
{
	struct mem_image mi = {.blobs = {blob}, .lens = {len}};
	struct image *img = mem_image_new(&mi, 1);
	struct layer_read_options o;
	struct layer *l = NULL;
	layer_read_options_default(&o);
	if (diff_id)
		img->layers[0].diff_id = xstrdup(diff_id);
	if (layer_read(img, 0, &o, &l, err) < 0)
		l = NULL;
	image_free(img);
	return l;
}

static const struct layer_entry *find(const struct layer *l, const char *path)
{
	for (size_t i = 0; i < l->n_entries; i++)
		if (!strcmp(l->entries[i].path, path))
			return &l->entries[i];
	return NULL;
}

static void test_entries(void **state)
{
	(void)state;
	struct tar_writer t;
	size_t len;
	char longname[300], diff_id[DIGEST_STR_MAX];
	ls_error err;
	memset(longname, 'n', sizeof(longname));
	memcpy(longname, "deep/", 5);
	longname[sizeof(longname) - 1] = '\0';
	tar_begin(&t, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED);
	tar_add(&t, "./etc/", AE_IFDIR, 0755, NULL, NULL, 0);
	tar_add(&t, "./etc/passwd", AE_IFREG, 0644, "root:x:0:0\n", NULL, 0);
	tar_add(&t, "./etc/passwd.hard", AE_IFREG, 0644, NULL, "./etc/passwd", 1);
	tar_add(&t, "etc/sh", AE_IFLNK, 0777, NULL, "/bin/busybox", 0);
	tar_add(&t, "etc/.wh.old", AE_IFREG, 0, "", NULL, 0);
	tar_add(&t, "var/cache/.wh..wh..opq", AE_IFREG, 0, "", NULL, 0);
	tar_add(&t, ".wh.toplevel", AE_IFREG, 0, "", NULL, 0);
	tar_add(&t, "etc/.wh..wh.plnk", AE_IFDIR, 0700, NULL, NULL, 0);
	tar_add(&t, "dev/fifo", AE_IFIFO, 0600, NULL, NULL, 0);
	tar_add(&t, longname, AE_IFREG, 0600, "long\n", NULL, 0);
	char *tar = tar_end(&t, &len);
	sha256_digest(tar, len, diff_id);

	struct layer *l = read_one(tar, len, diff_id, &err);
	assert_non_null(l);
	assert_int_equal(l->n_entries, 10);
	assert_int_equal(l->file_bytes, strlen("root:x:0:0\n") + strlen("long\n"));
	assert_string_equal(l->diff_id, diff_id);
	assert_int_equal(l->compression, COMPRESSION_NONE);

	const struct layer_entry *e = find(l, "etc");
	assert_non_null(e);
	assert_int_equal(e->type, ENTRY_DIR);
	assert_int_equal(e->mode & 07777, 0755);
	e = find(l, "etc/passwd");
	assert_int_equal(e->type, ENTRY_FILE);
	assert_int_equal(e->size, 11);
	assert_true(e->hash_lo || e->hash_hi);
	e = find(l, "etc/passwd.hard");
	assert_int_equal(e->type, ENTRY_HARDLINK);
	assert_string_equal(e->link, "etc/passwd");
	assert_int_equal(e->tar_type, '1');
	e = find(l, "etc/sh");
	assert_int_equal(e->type, ENTRY_SYMLINK);
	assert_string_equal(e->link, "/bin/busybox");
	e = find(l, "etc/old");
	assert_non_null(e);
	assert_int_equal(e->kind, ENTRY_WHITEOUT);
	e = find(l, "var/cache");
	assert_int_equal(e->kind, ENTRY_OPAQUE);
	e = find(l, "toplevel");
	assert_int_equal(e->kind, ENTRY_WHITEOUT);
	e = find(l, "etc/.wh..wh.plnk");
	assert_int_equal(e->kind, ENTRY_META);
	e = find(l, "dev/fifo");
	assert_int_equal(e->type, ENTRY_FIFO);
	e = find(l, longname);
	assert_non_null(e);
	assert_int_equal(e->size, 5);
	layer_free(l);
	free(tar);
}

static void test_same_content_same_hash(void **state)
{
	(void)state;
	struct tar_writer t;
	size_t len;
	ls_error err;
	tar_begin(&t, ARCHIVE_FORMAT_TAR_GNUTAR);
	tar_add(&t, "a", AE_IFREG, 0644, "same bytes", NULL, 0);
	tar_add(&t, "b", AE_IFREG, 0755, "same bytes", NULL, 0);
	tar_add(&t, "c", AE_IFREG, 0644, "other bytes", NULL, 0);
	char *tar = tar_end(&t, &len);
	struct layer *l = read_one(tar, len, NULL, &err);
	assert_non_null(l);
	assert_true(l->entries[0].hash_lo == l->entries[1].hash_lo &&
		    l->entries[0].hash_hi == l->entries[1].hash_hi);
	assert_false(l->entries[0].hash_lo == l->entries[2].hash_lo);
	layer_free(l);
	free(tar);
}

static void test_compressed_and_verified(void **state)
{
	(void)state;
	struct tar_writer t;
	size_t len, glen, zlen;
	char diff_id[DIGEST_STR_MAX];
	ls_error err;
	tar_begin(&t, ARCHIVE_FORMAT_TAR_USTAR);
	for (int i = 0; i < 200; i++) {
		char name[32];
		snprintf(name, sizeof(name), "dir%d/file%d", i % 7, i);
		tar_add(&t, name, AE_IFREG, 0644, "content that repeats a little\n", NULL, 0);
	}
	char *tar = tar_end(&t, &len);
	sha256_digest(tar, len, diff_id);
	unsigned char *gz = gzip_bytes(tar, len, &glen);
	unsigned char *zs = zstd_bytes(tar, len, &zlen);

	struct layer *l = read_one(gz, glen, diff_id, &err);
	assert_non_null(l);
	assert_int_equal(l->compression, COMPRESSION_GZIP);
	assert_int_equal(l->n_entries, 200);
	assert_int_equal(l->tar_bytes, len);
	layer_free(l);
	l = read_one(zs, zlen, diff_id, &err);
	assert_non_null(l);
	assert_int_equal(l->compression, COMPRESSION_ZSTD);
	layer_free(l);
	/* The config promises another layer: the diff_id check fails and names both digests. */
	l = read_one(zs, zlen, "sha256:0000000000000000000000000000000000000000000000000000000000000000", &err);
	assert_null(l);
	assert_non_null(strstr(err.msg, "diff_id mismatch"));
	assert_non_null(strstr(err.msg, diff_id));
	assert_non_null(strstr(err.msg, "layer 0"));
	free(tar);
	free(gz);
	free(zs);
}

static void test_refuses_escape(void **state)
{
	(void)state;
	struct tar_writer t;
	size_t len;
	ls_error err;
	tar_begin(&t, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED);
	tar_add(&t, "ok", AE_IFREG, 0644, "x", NULL, 0);
	tar_add(&t, "../../etc/shadow", AE_IFREG, 0644, "x", NULL, 0);
	char *tar = tar_end(&t, &len);
	assert_null(read_one(tar, len, NULL, &err));
	assert_non_null(strstr(err.msg, "../../etc/shadow"));
	free(tar);

	tar_begin(&t, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED);
	tar_add(&t, "link", AE_IFREG, 0644, NULL, "../../outside", 1);
	tar = tar_end(&t, &len);
	assert_null(read_one(tar, len, NULL, &err));
	assert_non_null(strstr(err.msg, "outside"));
	free(tar);
}

static void test_not_a_tar(void **state)
{
	(void)state;
	static const char junk[2048] = "this is not a tar archive at all";
	ls_error err;
	assert_null(read_one(junk, sizeof(junk), NULL, &err));
	assert_non_null(strstr(err.msg, "layer 0"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_path),
		cmocka_unit_test(test_entries),
		cmocka_unit_test(test_same_content_same_hash),
		cmocka_unit_test(test_compressed_and_verified),
		cmocka_unit_test(test_refuses_escape),
		cmocka_unit_test(test_not_a_tar),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
