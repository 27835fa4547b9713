/* rpm databases. Every backend stores the same thing per package: a header blob (no lead, no
 * magic) — il (index entries), dl (data bytes), il 16-byte entries (tag, type, offset, count),
 * then the data store. Every offset and count is checked against the blob before use.
 * Backends: SQLite (rpmdb.sqlite, table Packages(hnum, blob)), NDB (Packages.db: slot pages
 * pointing at blobs), Berkeley DB (Packages: hash pages, overflow chains). */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "pkg/pkg.h"
#include "util/mem.h"

enum {
	RPM_INT32 = 4,
	RPM_STRING = 6,
	RPM_STRING_ARRAY = 8,
	RPM_I18NSTRING = 9,
	TAG_NAME = 1000,
	TAG_VERSION = 1001,
	TAG_RELEASE = 1002,
	TAG_EPOCH = 1003,
	TAG_LICENSE = 1014,
	TAG_ARCH = 1022,
	TAG_OLDFILENAMES = 1027,
	TAG_SOURCERPM = 1044,
	TAG_DIRINDEXES = 1116,
	TAG_BASENAMES = 1117,
	TAG_DIRNAMES = 1118,
};

/* rpm's own limits (lib/header.c hdrchkTags / hdrchkData). */
#define RPM_MAX_TAGS 0xffff
#define RPM_MAX_DATA (256u << 20)

struct rpm_header {
	const unsigned char *index, *store;
	uint32_t il, dl;
};

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

struct rpm_entry {
	uint32_t tag, type, offset, count;
};

static bool find_tag(const struct rpm_header *h, uint32_t tag, struct rpm_entry *e)
{
	for (uint32_t i = 0; i < h->il; i++) {
		const unsigned char *p = h->index + 16u * i;
		if (be32(p) != tag)
			continue;
		e->tag = tag;
		e->type = be32(p + 4);
		e->offset = be32(p + 8);
		e->count = be32(p + 12);
		return e->offset < h->dl;
	}
	return false;
}

/* The string at `off`, which must end (NUL) inside the store; NULL otherwise. */
static const char *store_string(const struct rpm_header *h, uint32_t off, uint32_t *next)
{
	const unsigned char *nul;
	if (off >= h->dl)
		return NULL;
	nul = memchr(h->store + off, '\0', h->dl - off);
	if (!nul)
		return NULL;
	if (next)
		*next = (uint32_t)(nul - h->store) + 1;
	return (const char *)h->store + off;
}

static char *tag_string(const struct rpm_header *h, uint32_t tag)
{
	struct rpm_entry e;
	const char *s;
	if (!find_tag(h, tag, &e) ||
	    (e.type != RPM_STRING && e.type != RPM_I18NSTRING && e.type != RPM_STRING_ARRAY))
		return NULL;
	s = store_string(h, e.offset, NULL);
	return s ? xstrdup(s) : NULL;
}

/* A string array as pointers into the store; NULL when any element is out of bounds. */
static const char **tag_strings(const struct rpm_header *h, uint32_t tag, uint32_t *count)
{
	struct rpm_entry e;
	const char **v;
	uint32_t off;
	if (!find_tag(h, tag, &e) || e.type != RPM_STRING_ARRAY || e.count > h->dl)
		return NULL;
	v = xcalloc(e.count ? e.count : 1, sizeof(char *));
	off = e.offset;
	for (uint32_t i = 0; i < e.count; i++) {
		if (!(v[i] = store_string(h, off, &off))) {
			free(v);
			return NULL;
		}
	}
	*count = e.count;
	return v;
}

static const unsigned char *tag_int32s(const struct rpm_header *h, uint32_t tag, uint32_t *count)
{
	struct rpm_entry e;
	if (!find_tag(h, tag, &e) || e.type != RPM_INT32 || e.count > h->dl / 4 ||
	    (uint64_t)e.offset + 4ull * e.count > h->dl)
		return NULL;
	*count = e.count;
	return h->store + e.offset;
}

static void add_files(const struct rpm_header *h, struct package *p)
{
	uint32_t nb = 0, nd = 0, ni = 0;
	const char **base = tag_strings(h, TAG_BASENAMES, &nb);
	const char **dirs = tag_strings(h, TAG_DIRNAMES, &nd);
	const unsigned char *idx = tag_int32s(h, TAG_DIRINDEXES, &ni);
	if (base && dirs && idx && ni == nb) {
		for (uint32_t i = 0; i < nb; i++) {
			uint32_t d = be32(idx + 4u * i);
			char *f;
			if (d >= nd)
				continue;
			f = xasprintf("%s%s", dirs[d], base[i]);
			package_add_file(p, f, strlen(f));
			free(f);
		}
	} else {
		uint32_t n = 0;
		const char **old = tag_strings(h, TAG_OLDFILENAMES, &n);
		for (uint32_t i = 0; old && i < n; i++)
			package_add_file(p, old[i], strlen(old[i]));
		free(old);
	}
	free(base);
	free(dirs);
}

/* "bash-5.1.8-6.el9.src.rpm" → name "bash", version "5.1.8-6.el9". */
static void split_source_rpm(struct package *p, const char *srpm)
{
	size_t n = strlen(srpm);
	const char *rel, *ver;
	char *s;
	if (n > 8 && !strcmp(srpm + n - 8, ".src.rpm"))
		n -= 8;
	else if (n > 10 && !strcmp(srpm + n - 10, ".nosrc.rpm"))
		n -= 10;
	s = xstrndup(srpm, n);
	rel = strrchr(s, '-');
	if (rel && rel > s) {
		s[rel - s] = '\0';
		ver = strrchr(s, '-');
		s[rel - s] = '-';
		if (ver && ver > s) {
			p->source_name = xstrndup(s, (size_t)(ver - s));
			p->source_version = xstrdup(ver + 1);
			free(s);
			return;
		}
	}
	p->source_name = s;
}

int pkg_parse_rpm_header(const unsigned char *data, size_t len, const char *path,
			 struct pkg_list *out, ls_error *err)
{
	struct rpm_header h;
	struct rpm_entry e;
	struct package *p;
	char *name, *version, *release, *srpm, *license;
	if (len < 8)
		return ls_fail(err, "rpm header of %zu bytes is truncated", len);
	h.il = be32(data);
	h.dl = be32(data + 4);
	if (h.il == 0 || h.il > RPM_MAX_TAGS || h.dl > RPM_MAX_DATA)
		return ls_fail(err, "rpm header counts out of range (%u entries, %u bytes)", h.il,
			       h.dl);
	if (8ull + 16ull * h.il + h.dl > len)
		return ls_fail(err, "rpm header needs %llu bytes, has %zu", 8ull + 16ull * h.il + h.dl,
			       len);
	h.index = data + 8;
	h.store = h.index + 16u * h.il;
	name = tag_string(&h, TAG_NAME);
	version = tag_string(&h, TAG_VERSION);
	release = tag_string(&h, TAG_RELEASE);
	if (!name || !version) {
		free(name);
		free(version);
		free(release);
		return ls_fail(err, "rpm header without a valid NAME or VERSION");
	}
	p = pkg_list_add(out, PKG_RPM);
	p->name = name;
	p->version = release ? xasprintf("%s-%s", version, release) : xstrdup(version);
	free(version);
	free(release);
	if (find_tag(&h, TAG_EPOCH, &e) && e.type == RPM_INT32 && e.count >= 1 &&
	    (uint64_t)e.offset + 4 <= h.dl)
		p->epoch = xasprintf("%u", be32(h.store + e.offset));
	p->arch = tag_string(&h, TAG_ARCH);
	if ((license = tag_string(&h, TAG_LICENSE)) != NULL) {
		package_add_license(p, license, strlen(license));
		free(license);
	}
	if ((srpm = tag_string(&h, TAG_SOURCERPM)) != NULL) {
		split_source_rpm(p, srpm);
		free(srpm);
	}
	p->location = xstrdup(path);
	add_files(&h, p);
	return 0;
}

static void header_or_warn(const unsigned char *blob, size_t n, const char *path, const char *what,
			   struct pkg_list *out)
{
	ls_error err = {{0}};
	if (pkg_parse_rpm_header(blob, n, path, out, &err) < 0)
		pkg_warn(out, "%s: %s: %s", path, what, err.msg);
}

/* ---- SQLite write-ahead log: committed frames applied to the in-memory copy ---- */

static void wal_checksum(const unsigned char *p, size_t n, bool big, uint32_t *s0, uint32_t *s1)
{
	for (size_t i = 0; i + 8 <= n; i += 8) {
		uint32_t a = big ? be32(p + i) : le32(p + i), b = big ? be32(p + i + 4) : le32(p + i + 4);
		*s0 += a + *s1;
		*s1 += b + *s0;
	}
}

/* Returns a sqlite3_malloc'd database image with the WAL's committed frames applied (or a
 * plain copy when the WAL is empty, damaged or for another page size). */
static unsigned char *apply_wal(const unsigned char *db, size_t len, const unsigned char *wal,
				size_t wal_len, size_t *out_len, const char *path,
				struct pkg_list *out)
{
	uint32_t magic, pagesize, dbpage, s0 = 0, s1 = 0, salt1, salt2;
	size_t frame, commit_end = 0, commit_pages = 0, size;
	unsigned char *img;
	bool big;
	*out_len = len;
	if (wal && wal_len >= 32) {
		magic = be32(wal);
		pagesize = be32(wal + 8);
		dbpage = len >= 18 ? (uint32_t)(db[16] << 8 | db[17]) : 0;
		if (dbpage == 1)
			dbpage = 65536;
		big = magic == 0x377f0683u;
		if ((magic & ~1u) != 0x377f0682u || pagesize != dbpage || pagesize < 512) {
			pkg_warn(out, "%s-wal: not a write-ahead log for this database, ignored", path);
			wal_len = 0;
		} else {
			wal_checksum(wal, 24, big, &s0, &s1);
			if (s0 != be32(wal + 24) || s1 != be32(wal + 28))
				wal_len = 0; /* an invalid header: SQLite ignores the log too */
		}
	} else {
		wal_len = 0;
	}
	/* Find the last commit frame of the valid prefix. */
	if (wal_len) {
		salt1 = be32(wal + 16);
		salt2 = be32(wal + 20);
		pagesize = be32(wal + 8);
		big = be32(wal) == 0x377f0683u;
		for (frame = 32; frame + 24 + pagesize <= wal_len; frame += 24 + pagesize) {
			const unsigned char *f = wal + frame;
			if (be32(f + 8) != salt1 || be32(f + 12) != salt2 || be32(f) == 0)
				break;
			wal_checksum(f, 8, big, &s0, &s1);
			wal_checksum(f + 24, pagesize, big, &s0, &s1);
			if (s0 != be32(f + 16) || s1 != be32(f + 20))
				break;
			if (be32(f + 4)) {
				commit_end = frame + 24 + pagesize;
				commit_pages = be32(f + 4);
			}
		}
	}
	size = commit_end ? commit_pages * (size_t)be32(wal + 8) : len;
	if (size > len + wal_len) { /* pages can only come from the file or the log */
		pkg_warn(out, "%s-wal: commits a database of %zu bytes, more than file and log hold; "
			 "log ignored", path, size);
		size = len;
		commit_end = 0;
	}
	img = sqlite3_malloc64(size ? size : 1);
	if (!img)
		return NULL;
	memset(img, 0, size);
	memcpy(img, db, len < size ? len : size);
	if (commit_end) {
		pagesize = be32(wal + 8);
		for (frame = 32; frame < commit_end; frame += 24 + pagesize) {
			uint32_t pgno = be32(wal + frame);
			if (pgno && (size_t)pgno * pagesize <= size)
				memcpy(img + (size_t)(pgno - 1) * pagesize, wal + frame + 24, pagesize);
		}
	}
	*out_len = size;
	return img;
}

static int parse_sqlite(const unsigned char *data, size_t len, const unsigned char *wal,
			size_t wal_len, const char *path, struct pkg_list *out, ls_error *err)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	unsigned char *copy;
	int rc;
	if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return ls_fail(err, "sqlite: cannot open an in-memory database");
	}
	copy = apply_wal(data, len, wal, wal_len, &len, path, out);
	if (!copy) {
		sqlite3_close(db);
		return ls_fail(err, "out of memory");
	}
	/* A WAL-mode file (header bytes 18/19 = 2) cannot be deserialized: its log is applied
	 * above, and the image is read as a legacy (rollback journal) database. */
	if (len >= 20 && copy[18] == 2 && copy[19] == 2)
		copy[18] = copy[19] = 1;
	if (sqlite3_deserialize(db, "main", copy, (sqlite3_int64)len, (sqlite3_int64)len,
				SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY) !=
	    SQLITE_OK) {
		sqlite3_close(db);
		return ls_fail(err, "not a readable SQLite database");
	}
	if (sqlite3_prepare_v2(db, "SELECT hnum, blob FROM Packages", -1, &st, NULL) != SQLITE_OK) {
		ls_fail(err, "sqlite: %s", sqlite3_errmsg(db));
		sqlite3_close(db);
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const void *blob = sqlite3_column_blob(st, 1);
		int n = sqlite3_column_bytes(st, 1);
		char what[64];
		snprintf(what, sizeof(what), "row %lld", (long long)sqlite3_column_int64(st, 0));
		if (blob && n > 0)
			header_or_warn(blob, (size_t)n, path, what, out);
	}
	if (rc != SQLITE_DONE)
		pkg_warn(out, "%s: sqlite: %s", path, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return 0;
}

/* NDB (rpm's lib/backend/ndb/rpmpkg.c), little-endian: the first slot pages hold 16-byte
 * slots ("Slot", pkgidx, blkoff, blkcnt; the first two are the file header), each pointing at
 * a blob at blkoff * 16: "BlbS", pkgidx, generation, bloblen, then the header blob. */
#define NDB_MAGIC 0x506d7052u  /* "RpmP" */
#define NDB_SLOT 0x746f6c53u   /* "Slot" */
#define NDB_BLOB 0x53626c42u   /* "BlbS" */
#define NDB_PAGE 4096u

static int parse_ndb(const unsigned char *data, size_t len, const char *path,
		     struct pkg_list *out, ls_error *err)
{
	uint32_t slotpages;
	size_t slot_end;
	if (len < 32 || le32(data) != NDB_MAGIC)
		return ls_fail(err, "not an NDB rpm database");
	slotpages = le32(data + 12);
	if (slotpages == 0 || slotpages > len / NDB_PAGE)
		return ls_fail(err, "NDB slot pages (%u) past the end of the file", slotpages);
	slot_end = (size_t)slotpages * NDB_PAGE;
	for (size_t off = 32; off + 16 <= slot_end; off += 16) {
		const unsigned char *s = data + off;
		uint32_t pkgidx = le32(s + 4), blkoff = le32(s + 8), blkcnt = le32(s + 12);
		uint64_t start = (uint64_t)blkoff * 16, blen;
		char what[64];
		if (le32(s) != NDB_SLOT || pkgidx == 0)
			continue;
		snprintf(what, sizeof(what), "package %u", pkgidx);
		if (start + 16 > len || (uint64_t)blkcnt * 16 > len - start) {
			pkg_warn(out, "%s: %s: blob at block %u past the end of the file", path, what,
				 blkoff);
			continue;
		}
		if (le32(data + start) != NDB_BLOB || le32(data + start + 4) != pkgidx) {
			pkg_warn(out, "%s: %s: no blob at block %u", path, what, blkoff);
			continue;
		}
		blen = le32(data + start + 12);
		if (blen > (uint64_t)blkcnt * 16 - 16 || start + 16 + blen > len) {
			pkg_warn(out, "%s: %s: blob length %llu past its blocks", path, what,
				 (unsigned long long)blen);
			continue;
		}
		header_or_warn(data + start + 16, (size_t)blen, path, what, out);
	}
	return 0;
}

/* Berkeley DB hash databases (rpm's Packages up to RHEL 8): a metadata page (magic 0x061561
 * at offset 12, in the creator's byte order; page size at 20; last page at 32), then pages
 * with a 26-byte header (next page at 16, entry count at 20, used bytes at 22, type at 25)
 * and an index of 16-bit item offsets. Hash pages hold key/data pairs; a data item is either
 * inline (H_KEYDATA: type byte, then the bytes up to the previous item) or H_OFFPAGE (type,
 * 3 pad bytes, first overflow page, total length) continued on a chain of overflow pages,
 * each holding "used bytes" after its header. Only data items are read: keys are the
 * 4-byte package numbers. */
#define BDB_HASH_MAGIC 0x061561u
#define BDB_PAGE_HEADER 26u
enum { BDB_P_HASH_UNSORTED = 2, BDB_P_OVERFLOW = 7, BDB_P_HASH = 13 };
enum { BDB_H_KEYDATA = 1, BDB_H_OFFPAGE = 3 };

struct bdb {
	const unsigned char *d;
	size_t len;
	uint32_t pagesize, last;
	bool big;
};

static uint32_t bdb32(const struct bdb *b, size_t off)
{
	return b->big ? be32(b->d + off) : le32(b->d + off);
}

static uint16_t bdb16(const struct bdb *b, size_t off)
{
	const unsigned char *p = b->d + off;
	return (uint16_t)(b->big ? (p[0] << 8 | p[1]) : (p[1] << 8 | p[0]));
}

/* Follow an overflow chain into out (total bytes); -1 on a broken chain. */
static int bdb_overflow(const struct bdb *b, uint32_t pgno, uint32_t total, unsigned char *out,
			ls_error *err)
{
	uint32_t got = 0, hops = 0;
	while (got < total) {
		size_t page = (size_t)pgno * b->pagesize;
		uint32_t used;
		if (pgno == 0 || pgno > b->last || page + b->pagesize > b->len)
			return ls_fail(err, "overflow page %u past the end of the file", pgno);
		if (b->d[page + 25] != BDB_P_OVERFLOW)
			return ls_fail(err, "page %u is not an overflow page", pgno);
		if (++hops > b->last)
			return ls_fail(err, "overflow chain loops");
		used = bdb16(b, page + 22);
		if (used > b->pagesize - BDB_PAGE_HEADER || used > total - got)
			return ls_fail(err, "overflow page %u claims %u bytes", pgno, used);
		memcpy(out + got, b->d + page + BDB_PAGE_HEADER, used);
		got += used;
		pgno = bdb32(b, page + 16);
		if (used == 0 && got < total)
			return ls_fail(err, "empty overflow page %u", pgno);
	}
	return 0;
}

static void bdb_item(const struct bdb *b, size_t page, uint32_t pgno, uint16_t i, uint16_t n,
		     const char *path, struct pkg_list *out)
{
	uint16_t off = bdb16(b, page + BDB_PAGE_HEADER + 2u * i);
	uint16_t end = i == 0 ? (uint16_t)b->pagesize : bdb16(b, page + BDB_PAGE_HEADER + 2u * (i - 1));
	char what[64];
	ls_error err = {{0}};
	(void)n;
	snprintf(what, sizeof(what), "page %u item %u", pgno, i);
	if (off < BDB_PAGE_HEADER + 2u * n || off >= b->pagesize || end > b->pagesize || end <= off) {
		pkg_warn(out, "%s: %s: offset %u outside the page", path, what, off);
		return;
	}
	if (b->d[page + off] == BDB_H_KEYDATA) {
		if (end - off - 1 >= 16) /* record 0 is rpm's 4-byte instance counter */
			header_or_warn(b->d + page + off + 1, (size_t)(end - off - 1), path, what, out);
	} else if (b->d[page + off] == BDB_H_OFFPAGE) {
		uint32_t first, total;
		unsigned char *blob;
		if (end - off < 12) {
			pkg_warn(out, "%s: %s: truncated off-page item", path, what);
			return;
		}
		first = bdb32(b, page + off + 4);
		total = bdb32(b, page + off + 8);
		if (total > RPM_MAX_DATA || total > b->len) {
			pkg_warn(out, "%s: %s: off-page length %u past the file", path, what, total);
			return;
		}
		blob = xmalloc(total ? total : 1);
		if (bdb_overflow(b, first, total, blob, &err) < 0)
			pkg_warn(out, "%s: %s: %s", path, what, err.msg);
		else
			header_or_warn(blob, total, path, what, out);
		free(blob);
	}
}

static int parse_bdb(const unsigned char *data, size_t len, const char *path,
		     struct pkg_list *out, ls_error *err)
{
	struct bdb b = {data, len, 0, 0, false};
	if (len < 512)
		return ls_fail(err, "Berkeley DB file of %zu bytes is truncated", len);
	b.big = le32(data + 12) != BDB_HASH_MAGIC;
	if (bdb32(&b, 12) != BDB_HASH_MAGIC)
		return ls_fail(err, "not a Berkeley DB hash database");
	b.pagesize = bdb32(&b, 20);
	b.last = bdb32(&b, 32);
	if (b.pagesize < 512 || b.pagesize > 65536 || (b.pagesize & (b.pagesize - 1)))
		return ls_fail(err, "Berkeley DB page size %u is invalid", b.pagesize);
	if (len / b.pagesize < 2)
		return ls_fail(err, "Berkeley DB file of %zu bytes holds no page of %u bytes", len,
			       b.pagesize);
	if (((uint64_t)b.last + 1) * b.pagesize > len) {
		pkg_warn(out, "%s: Berkeley DB: last page %u past the end of the file (truncated?)",
			 path, b.last);
		b.last = (uint32_t)(len / b.pagesize) - 1;
	}
	for (uint32_t pg = 1; pg <= b.last; pg++) {
		size_t page = (size_t)pg * b.pagesize;
		uint8_t type = data[page + 25];
		uint16_t n;
		if (type != BDB_P_HASH && type != BDB_P_HASH_UNSORTED)
			continue;
		n = bdb16(&b, page + 20);
		if (BDB_PAGE_HEADER + 2u * n > b.pagesize) {
			pkg_warn(out, "%s: page %u: %u entries do not fit", path, pg, n);
			continue;
		}
		for (uint16_t i = 1; i < n; i += 2) /* key, data, key, data … */
			bdb_item(&b, page, pg, i, n, path, out);
	}
	return 0;
}

int pkg_parse_rpmdb(const unsigned char *data, size_t len, const char *path, struct pkg_list *out,
		    ls_error *err)
{
	return pkg_parse_rpmdb_wal(data, len, NULL, 0, path, out, err);
}

int pkg_parse_rpmdb_wal(const unsigned char *data, size_t len, const unsigned char *wal,
			size_t wal_len, const char *path, struct pkg_list *out, ls_error *err)
{
	if (len >= 16 && !memcmp(data, "SQLite format 3", 16))
		return parse_sqlite(data, len, wal, wal_len, path, out, err);
	if (len >= 4 && le32(data) == NDB_MAGIC)
		return parse_ndb(data, len, path, out, err);
	if (len >= 16 && (le32(data + 12) == BDB_HASH_MAGIC || be32(data + 12) == BDB_HASH_MAGIC))
		return parse_bdb(data, len, path, out, err);
	if (len == 0)
		return 0;
	return ls_fail(err, "unknown rpm database format");
}
