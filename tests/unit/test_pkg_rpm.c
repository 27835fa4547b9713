/* rpm header blobs and databases: a well-formed header (name, epoch, version, release, arch,
 * licence, source rpm, file list from dirnames/basenames/dirindexes); every bound checked —
 * truncated blobs, offsets past the store, strings without a NUL, huge counts, bad dir
 * indexes; NDB files with good and broken slots; SQLite rpmdb in memory; Berkeley DB refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "pkg/pkg.h"
#include "util/buf.h"

struct hb {
	unsigned char index[64 * 16];
	unsigned char store[4096];
	uint32_t il, dl;
};

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static void entry(struct hb *h, uint32_t tag, uint32_t type, uint32_t off, uint32_t count)
{
	unsigned char *e = h->index + 16 * h->il++;
	put_be32(e, tag);
	put_be32(e + 4, type);
	put_be32(e + 8, off);
	put_be32(e + 12, count);
}

static void str(struct hb *h, uint32_t tag, const char *s)
{
	entry(h, tag, 6, h->dl, 1);
	memcpy(h->store + h->dl, s, strlen(s) + 1);
	h->dl += (uint32_t)strlen(s) + 1;
}

static void strs(struct hb *h, uint32_t tag, const char *const *v, uint32_t n)
{
	entry(h, tag, 8, h->dl, n);
	for (uint32_t i = 0; i < n; i++) {
		memcpy(h->store + h->dl, v[i], strlen(v[i]) + 1);
		h->dl += (uint32_t)strlen(v[i]) + 1;
	}
}

static void int32s(struct hb *h, uint32_t tag, const uint32_t *v, uint32_t n)
{
	while (h->dl % 4)
		h->store[h->dl++] = 0;
	entry(h, tag, 4, h->dl, n);
	for (uint32_t i = 0; i < n; i++, h->dl += 4)
		put_be32(h->store + h->dl, v[i]);
}

static unsigned char *blob(const struct hb *h, size_t *len)
{
	unsigned char *b = malloc(8 + 16 * h->il + h->dl);
	put_be32(b, h->il);
	put_be32(b + 4, h->dl);
	memcpy(b + 8, h->index, 16 * h->il);
	memcpy(b + 8 + 16 * h->il, h->store, h->dl);
	*len = 8 + 16 * h->il + h->dl;
	return b;
}

static void good_header(struct hb *h)
{
	static const char *const dirs[] = {"/usr/bin/", "/usr/share/doc/bash/"};
	static const char *const base[] = {"bash", "sh", "README"};
	static const uint32_t idx[] = {0, 0, 1}, epoch[] = {1};
	memset(h, 0, sizeof(*h));
	str(h, 1000, "bash");
	str(h, 1001, "5.1.8");
	str(h, 1002, "6.el9");
	int32s(h, 1003, epoch, 1);
	str(h, 1022, "x86_64");
	str(h, 1014, "GPLv3+");
	str(h, 1044, "bash-5.1.8-6.el9.src.rpm");
	strs(h, 1118, dirs, 2);
	strs(h, 1117, base, 3);
	int32s(h, 1116, idx, 3);
}

static void test_header(void **state)
{
	struct hb h;
	struct pkg_list l;
	ls_error err = {{0}};
	size_t n;
	unsigned char *b;
	(void)state;
	good_header(&h);
	b = blob(&h, &n);
	pkg_list_init(&l);
	assert_int_equal(pkg_parse_rpm_header(b, n, "db", &l, &err), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.items[0].name, "bash");
	assert_string_equal(l.items[0].version, "5.1.8-6.el9");
	assert_string_equal(l.items[0].epoch, "1");
	assert_string_equal(l.items[0].arch, "x86_64");
	assert_string_equal(l.items[0].licenses[0], "GPLv3+");
	assert_string_equal(l.items[0].source_name, "bash");
	assert_string_equal(l.items[0].source_version, "5.1.8-6.el9");
	assert_int_equal(l.items[0].n_files, 3);
	assert_string_equal(l.items[0].files[1], "usr/bin/sh");
	assert_string_equal(l.items[0].files[2], "usr/share/doc/bash/README");
	/* every truncation of the blob fails cleanly */
	for (size_t cut = 0; cut < n; cut++)
		assert_int_equal(pkg_parse_rpm_header(b, cut, "db", &l, &err), -1);
	assert_int_equal(l.n, 1);
	free(b);
	pkg_list_release(&l);
}

static void test_hostile(void **state)
{
	struct hb h;
	struct pkg_list l;
	ls_error err = {{0}};
	size_t n;
	unsigned char *b;
	(void)state;
	pkg_list_init(&l);
	/* huge counts */
	good_header(&h);
	b = blob(&h, &n);
	put_be32(b, 0x7fffffff);
	assert_int_equal(pkg_parse_rpm_header(b, n, "db", &l, &err), -1);
	assert_non_null(strstr(err.msg, "out of range"));
	put_be32(b, h.il);
	put_be32(b + 4, 0xfffffff0);
	assert_int_equal(pkg_parse_rpm_header(b, n, "db", &l, &err), -1);
	free(b);
	/* NAME offset past the store */
	memset(&h, 0, sizeof(h));
	entry(&h, 1000, 6, 5000, 1);
	str(&h, 1001, "1");
	b = blob(&h, &n);
	assert_int_equal(pkg_parse_rpm_header(b, n, "db", &l, &err), -1);
	assert_non_null(strstr(err.msg, "NAME"));
	free(b);
	/* a string without its NUL at the end of the store */
	memset(&h, 0, sizeof(h));
	str(&h, 1001, "1");
	entry(&h, 1000, 6, h.dl, 1);
	memcpy(h.store + h.dl, "abc", 3);
	h.dl += 3;
	b = blob(&h, &n);
	assert_int_equal(pkg_parse_rpm_header(b, n, "db", &l, &err), -1);
	free(b);
	/* file list: huge count, index past dirnames, int32 array past the end */
	good_header(&h);
	put_be32(h.index + 16 * 7 + 12, 0x7fffffff); /* dirnames count */
	b = blob(&h, &n);
	assert_int_equal(pkg_parse_rpm_header(b, n, "db", &l, &err), 0);
	assert_int_equal(l.items[l.n - 1].n_files, 0);
	free(b);
	good_header(&h);
	put_be32(h.store + h.dl - 4, 99); /* a dir index past the dirnames */
	b = blob(&h, &n);
	assert_int_equal(pkg_parse_rpm_header(b, n, "db", &l, &err), 0);
	assert_int_equal(l.items[l.n - 1].n_files, 2);
	free(b);
	good_header(&h);
	put_be32(h.index + 16 * 9 + 12, 1000); /* dirindexes count past the store */
	b = blob(&h, &n);
	assert_int_equal(pkg_parse_rpm_header(b, n, "db", &l, &err), 0);
	assert_int_equal(l.items[l.n - 1].n_files, 0);
	free(b);
	/* epoch of the wrong type is ignored */
	good_header(&h);
	put_be32(h.index + 16 * 3 + 4, 6);
	b = blob(&h, &n);
	assert_int_equal(pkg_parse_rpm_header(b, n, "db", &l, &err), 0);
	assert_null(l.items[l.n - 1].epoch);
	free(b);
	pkg_list_release(&l);
}

static void put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static void test_ndb(void **state)
{
	struct hb h;
	struct pkg_list l;
	ls_error err = {{0}};
	size_t n, total;
	unsigned char *b, *db;
	(void)state;
	good_header(&h);
	b = blob(&h, &n);
	total = 4096 + 16 + ((n + 15) / 16) * 16 + 16;
	db = calloc(1, total);
	put_le32(db, 0x506d7052);
	put_le32(db + 12, 1); /* one slot page */
	/* slot 2: package 7 at block 256 (offset 4096) */
	put_le32(db + 32, 0x746f6c53);
	put_le32(db + 36, 7);
	put_le32(db + 40, 256);
	put_le32(db + 44, (uint32_t)((total - 4096) / 16));
	/* slot 3: package 8 pointing past the end */
	put_le32(db + 48, 0x746f6c53);
	put_le32(db + 52, 8);
	put_le32(db + 56, 0x10000000);
	put_le32(db + 60, 4);
	/* slot 4: package 9 pointing at a block without the blob magic */
	put_le32(db + 64, 0x746f6c53);
	put_le32(db + 68, 9);
	put_le32(db + 72, 1);
	put_le32(db + 76, 1);
	put_le32(db + 4096, 0x53626c42);
	put_le32(db + 4100, 7);
	put_le32(db + 4108, (uint32_t)n);
	memcpy(db + 4112, b, n);
	pkg_list_init(&l);
	assert_int_equal(pkg_parse_rpmdb(db, total, "Packages.db", &l, &err), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.items[0].name, "bash");
	assert_int_equal(l.n_warnings, 2);
	/* a blob length past its blocks */
	put_le32(db + 4108, 1u << 30);
	assert_int_equal(pkg_parse_rpmdb(db, total, "Packages.db", &l, &err), 0);
	assert_int_equal(l.n, 1);
	/* slot pages past the end */
	put_le32(db + 12, 1000);
	assert_int_equal(pkg_parse_rpmdb(db, total, "Packages.db", &l, &err), -1);
	/* Berkeley DB without a valid page size */
	memset(db, 0, 64);
	put_le32(db + 12, 0x061561);
	assert_int_equal(pkg_parse_rpmdb(db, 4096, "Packages", &l, &err), -1);
	assert_non_null(strstr(err.msg, "Berkeley DB"));
	assert_int_equal(pkg_parse_rpmdb((const unsigned char *)"garbage!garbage!garbage", 23, "x", &l, &err), -1);
	free(db);
	free(b);
	pkg_list_release(&l);
}

static void test_sqlite(void **state)
{
	struct hb h;
	struct pkg_list l;
	ls_error err = {{0}};
	size_t n;
	unsigned char *b, *data;
	sqlite3 *db;
	sqlite3_stmt *st;
	sqlite3_int64 size;
	(void)state;
	good_header(&h);
	b = blob(&h, &n);
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	sqlite3_exec(db, "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)", NULL, NULL, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO Packages (blob) VALUES (?)", -1, &st, NULL);
	sqlite3_bind_blob(st, 1, b, (int)n, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_reset(st);
	sqlite3_bind_blob(st, 1, b, 11, SQLITE_STATIC); /* a truncated row */
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	data = sqlite3_serialize(db, "main", &size, 0);
	pkg_list_init(&l);
	assert_int_equal(pkg_parse_rpmdb(data, (size_t)size, "rpmdb.sqlite", &l, &err), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.n_warnings, 1);
	assert_non_null(strstr(l.warnings[0], "rpmdb.sqlite: row 2"));
	/* a database without the Packages table */
	sqlite3_free(data);
	sqlite3_exec(db, "DROP TABLE Packages", NULL, NULL, NULL);
	data = sqlite3_serialize(db, "main", &size, 0);
	assert_int_equal(pkg_parse_rpmdb(data, (size_t)size, "rpmdb.sqlite", &l, &err), -1);
	sqlite3_free(data);
	sqlite3_close(db);
	free(b);
	pkg_list_release(&l);
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *d;
	long n;
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	d = malloc(n > 0 ? (size_t)n : 1);
	assert_int_equal(fread(d, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return d;
}

/* A WAL-mode rpmdb whose second row is only in the log: read with the log it is there; a
 * damaged frame (checksum) or log header makes SQLite — and us — ignore the log. */
static void test_sqlite_wal(void **state)
{
	struct hb h;
	struct pkg_list l;
	ls_error err = {{0}};
	size_t n, dlen, wlen;
	unsigned char *b, *d, *w;
	char dir[] = "/tmp/ls-wal-XXXXXX", path[64], walpath[80];
	sqlite3 *db;
	sqlite3_stmt *st;
	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/rpmdb.sqlite", dir);
	snprintf(walpath, sizeof(walpath), "%s-wal", path);
	good_header(&h);
	b = blob(&h, &n);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_exec(db, "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob BLOB NOT NULL)", NULL, NULL, NULL);
	sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0", NULL, NULL, NULL);
	sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO Packages (blob) VALUES (?)", -1, &st, NULL);
	sqlite3_bind_blob(st, 1, b, (int)n, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	d = slurp(path, &dlen); /* the main file: an empty table */
	w = slurp(walpath, &wlen);
	sqlite3_close(db);
	pkg_list_init(&l);
	assert_int_equal(pkg_parse_rpmdb(d, dlen, "rpmdb.sqlite", &l, &err), 0);
	assert_int_equal(l.n, 0);
	assert_int_equal(pkg_parse_rpmdb_wal(d, dlen, w, wlen, "rpmdb.sqlite", &l, &err), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.items[0].name, "bash");
	w[wlen - 10] ^= 0x55; /* the last frame's page: its checksum no longer matches */
	assert_int_equal(pkg_parse_rpmdb_wal(d, dlen, w, wlen, "rpmdb.sqlite", &l, &err), 0);
	assert_int_equal(l.n, 1);
	memset(w, 0x41, 32);
	assert_int_equal(pkg_parse_rpmdb_wal(d, dlen, w, wlen, "rpmdb.sqlite", &l, &err), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.n_warnings, 1);
	assert_non_null(strstr(l.warnings[0], "not a write-ahead log"));
	assert_int_equal(pkg_parse_rpmdb_wal(d, dlen, w, 7, "rpmdb.sqlite", &l, &err), 0);
	pkg_list_release(&l);
	free(d);
	free(w);
	free(b);
	unlink(walpath);
	snprintf(walpath, sizeof(walpath), "%s-shm", path);
	unlink(walpath);
	unlink(path);
	rmdir(dir);
}

static void put_le16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

/* A Berkeley DB hash file (512-byte pages): page 1 holds two key/data pairs — an inline header
 * and an off-page one whose bytes continue on overflow pages 2 and 3. */
static unsigned char *bdb_file(const unsigned char *hdr, size_t n, size_t *len)
{
	enum { PS = 512 };
	size_t first = n / 2;
	unsigned char *d = calloc(4, PS), *pg = d + PS;
	put_le32(d + 12, 0x061561);
	put_le32(d + 20, PS);
	put_le32(d + 32, 3); /* last page */
	pg[25] = 13;         /* P_HASH */
	put_le16(pg + 20, 4);
	/* items grow down from the end: key0 [500,512), data0 = H_OFFPAGE [488,500) */
	put_le16(pg + 26, 508);
	put_le32(pg + 508, 1);
	put_le16(pg + 28, 496);
	pg[496] = 3;
	put_le32(pg + 500, 2);
	put_le32(pg + 504, (uint32_t)n);
	/* key1, data1 = H_KEYDATA with the inline header (must fit) */
	put_le16(pg + 30, 492);
	put_le32(pg + 492, 2);
	put_le16(pg + 32, (uint16_t)(492 - 1 - n));
	pg[492 - 1 - n] = 1;
	memcpy(pg + 492 - n, hdr, n);
	/* overflow chain 2 -> 3 */
	d[2 * PS + 25] = 7;
	put_le32(d + 2 * PS + 16, 3);
	put_le16(d + 2 * PS + 22, (uint16_t)first);
	memcpy(d + 2 * PS + 26, hdr, first);
	d[3 * PS + 25] = 7;
	put_le16(d + 3 * PS + 22, (uint16_t)(n - first));
	memcpy(d + 3 * PS + 26, hdr + first, n - first);
	*len = 4 * PS;
	return d;
}

static void test_bdb(void **state)
{
	struct hb h;
	struct pkg_list l;
	ls_error err = {{0}};
	size_t n, len;
	unsigned char *b, *d;
	(void)state;
	memset(&h, 0, sizeof(h));
	str(&h, 1000, "tiny");
	str(&h, 1001, "1");
	str(&h, 1002, "2");
	b = blob(&h, &n);
	assert_true(n < 300);
	d = bdb_file(b, n, &len);
	pkg_list_init(&l);
	assert_int_equal(pkg_parse_rpmdb(d, len, "Packages", &l, &err), 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.n_warnings, 0);
	assert_string_equal(l.items[0].name, "tiny");
	assert_string_equal(l.items[1].version, "1-2");
	/* an overflow chain that loops, one that points past the end, a wrong page type: the
	 * off-page header is lost with a warning, the inline one is still read */
	put_le32(d + 3 * 512 + 16, 2);
	put_le32(d + 512 + 504, (uint32_t)(10 * n));
	assert_int_equal(pkg_parse_rpmdb(d, len, "Packages", &l, &err), 0);
	assert_int_equal(l.n, 3);
	put_le32(d + 512 + 504, (uint32_t)n);
	put_le32(d + 3 * 512 + 16, 0);
	put_le32(d + 2 * 512 + 16, 77);
	assert_int_equal(pkg_parse_rpmdb(d, len, "Packages", &l, &err), 0);
	assert_int_equal(l.n, 4);
	put_le32(d + 2 * 512 + 16, 3);
	d[2 * 512 + 25] = 13;
	assert_int_equal(pkg_parse_rpmdb(d, len, "Packages", &l, &err), 0);
	assert_int_equal(l.n, 5);
	assert_int_equal(l.n_warnings, 3);
	assert_non_null(strstr(l.warnings[0], "Packages: page 1 item 1: overflow chain loops"));
	assert_non_null(strstr(l.warnings[1], "past the end"));
	assert_non_null(strstr(l.warnings[2], "not an overflow page"));
	/* item offsets outside the page, an entry count that does not fit, truncated file */
	put_le16(d + 512 + 26 + 6, 4000);
	put_le16(d + 512 + 20, 4);
	assert_int_equal(pkg_parse_rpmdb(d, len, "Packages", &l, &err), 0);
	put_le16(d + 512 + 20, 60000);
	assert_int_equal(pkg_parse_rpmdb(d, len, "Packages", &l, &err), 0);
	assert_int_equal(pkg_parse_rpmdb(d, 1200, "Packages", &l, &err), 0); /* last page cut */
	assert_int_equal(pkg_parse_rpmdb(d, 700, "Packages", &l, &err), -1);
	assert_int_equal(pkg_parse_rpmdb(d, 100, "Packages", &l, &err), -1);
	free(d);
	free(b);
	pkg_list_release(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_ndb),
		cmocka_unit_test(test_sqlite),
		cmocka_unit_test(test_bdb),
		cmocka_unit_test(test_sqlite_wal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
