#include "source/container.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source/unpack.h"
#include "util/mem.h"
#include "util/strutil.h"

enum member_type { MEMBER_FILE, MEMBER_DIR, MEMBER_SYMLINK, MEMBER_HARDLINK, MEMBER_OTHER };

struct member {
	char *name; /* cleaned */
	char *link; /* symlink or hard link target, as stored */
	enum member_type type;
	uint64_t offset, size;
	unsigned char *data; /* a small member of a compressed archive, kept from the index pass */
};

struct container {
	char *path;
	int fd;
	bool is_dir;
	struct member *members; /* sorted by name (tar only) */
	size_t n_members, cap_members;
	bool packed;         /* a gzip- or zstd-compressed tar: offsets count decompressed bytes */
	struct unpack_cursor *cursor; /* packed: reads in archive order share one decoder */
	size_t cached_bytes; /* small members' data kept in memory */
};

/* In a compressed archive every member read costs decompressing all that comes before it, so
 * the index pass keeps the small ones (manifests, configs, index.json) — within a budget, so
 * memory still grows with the number of files, not their bytes. */
enum {
	MAX_LINK_HOPS = 16,
	MAX_MEMBERS = 1000000,
	SMALL_MEMBER_MAX = 1 << 20,
	CACHED_BYTES_MAX = 64 << 20,
};

char *container_clean_name(const char *name)
{
	size_t n = strlen(name);
	char *out = xmalloc(n + 1);
	size_t o = 0;
	const char *p = name;
	while (*p) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		if (len == 0 || (len == 1 && p[0] == '.')) {
			/* skip */
		} else if (len == 2 && p[0] == '.' && p[1] == '.') {
			if (o == 0) {
				free(out);
				return NULL;
			}
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
		} else {
			if (o > 0)
				out[o++] = '/';
			memcpy(out + o, p, len);
			o += len;
		}
		p += len;
		if (*p == '/')
			p++;
	}
	out[o] = '\0';
	return out;
}

static int member_cmp(const void *a, const void *b)
{
	return strcmp(((const struct member *)a)->name, ((const struct member *)b)->name);
}

/* libarchive reads a compressed archive through our unpacking stream. */
struct unpack_reader {
	struct byte_stream *s;
	unsigned char buf[64 * 1024];
	ls_error err; /* the stream's own error, which libarchive's message would hide */
};

/* Why reading failed: the decompression's error when there is one (a bomb, a corrupt or
 * truncated stream), else libarchive's. */
static const char *read_error(struct archive *a, const struct unpack_reader *ur)
{
	return ur && ur->err.msg[0] ? ur->err.msg : archive_error_string(a);
}

/* After the tar's end marker: decompress the rest, so that a truncated stream (a missing
 * gzip trailer, say) or garbage after it is an error, not silently accepted. */
static int read_to_end(struct container *c, struct unpack_reader *ur, ls_error *err)
{
	ssize_t n;
	while ((n = ur->s->read(ur->s, ur->buf, sizeof(ur->buf), &ur->err)) > 0)
		;
	return n < 0 ? ls_fail(err, "%s: %s", c->path, ur->err.msg) : 0;
}

static la_ssize_t unpack_read_cb(struct archive *a, void *p, const void **out)
{
	struct unpack_reader *r = p;
	ssize_t n = r->s->read(r->s, r->buf, sizeof(r->buf), &r->err);
	if (n < 0) {
		archive_set_error(a, EIO, "%s", r->err.msg);
		return -1;
	}
	*out = r->buf;
	return n;
}

static int open_archive(struct container *c, struct archive *a, struct unpack_reader **ur)
{
	if (!c->packed)
		return archive_read_open_fd(a, c->fd, 64 * 1024);
	*ur = xcalloc(1, sizeof(**ur));
	(*ur)->s = unpack_stream_open(c->cursor, 0, UINT64_MAX);
	return archive_read_open(a, *ur, NULL, unpack_read_cb, NULL);
}

/* Keep a small member of a compressed archive in memory (see SMALL_MEMBER_MAX). */
static int cache_member(struct container *c, struct archive *a, const struct unpack_reader *ur,
			struct member *m, ls_error *err)
{
	if (m->size > SMALL_MEMBER_MAX || c->cached_bytes + m->size > CACHED_BYTES_MAX)
		return 0;
	m->data = xmalloc(m->size ? (size_t)m->size : 1);
	size_t done = 0;
	la_ssize_t got = 1;
	while (done < m->size && (got = archive_read_data(a, m->data + done, (size_t)m->size - done)) > 0)
		done += (size_t)got;
	if (done != m->size) {
		free(m->data);
		m->data = NULL;
		return ls_fail(err, "%s: member '%s': %s", c->path, m->name,
			       got < 0 ? read_error(a, ur) : "truncated archive");
	}
	c->cached_bytes += done;
	return 0;
}

static int index_tar(struct container *c, uint64_t file_size, ls_error *err)
{
	struct archive *a;
	struct archive_entry *e;
	struct unpack_reader *ur = NULL;
	int r, ret = -1;

	a = archive_read_new();
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	if (open_archive(c, a, &ur) != ARCHIVE_OK) {
		ls_fail(err, "%s: %s", c->path, read_error(a, ur));
		goto out;
	}
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		const char *name = archive_entry_pathname(e);
		struct member m = {0};
		if (!name)
			continue;
		if (c->n_members >= MAX_MEMBERS) {
			ls_fail(err, "%s: more than %d archive members", c->path, MAX_MEMBERS);
			goto out;
		}
		m.name = container_clean_name(name);
		if (!m.name)
			continue; /* a name that climbs out of the archive can never be referenced */
		m.offset = (uint64_t)archive_filter_bytes(a, 0);
		m.size = archive_entry_size(e) > 0 ? (uint64_t)archive_entry_size(e) : 0;
		if (archive_entry_hardlink(e)) {
			m.type = MEMBER_HARDLINK;
			m.link = xstrdup(archive_entry_hardlink(e));
		} else {
			switch (archive_entry_filetype(e)) {
			case AE_IFREG: m.type = MEMBER_FILE; break;
			case AE_IFDIR: m.type = MEMBER_DIR; break;
			case AE_IFLNK:
				m.type = MEMBER_SYMLINK;
				m.link = xstrdup(archive_entry_symlink(e) ? archive_entry_symlink(e) : "");
				break;
			default: m.type = MEMBER_OTHER; break;
			}
		}
		if (m.type == MEMBER_FILE && !c->packed && m.offset + m.size > file_size) {
			ls_fail(err, "%s: member '%s' ends past the end of the file (truncated archive)",
				c->path, m.name);
			free(m.name);
			goto out;
		}
		if (m.type == MEMBER_FILE && c->packed && cache_member(c, a, ur, &m, err) < 0) {
			free(m.name);
			goto out;
		}
		c->members = xgrow(c->members, &c->cap_members, c->n_members + 1, sizeof(m));
		c->members[c->n_members++] = m;
	}
	if (r != ARCHIVE_EOF) {
		ls_fail(err, "%s: not a readable tar archive: %s", c->path, read_error(a, ur));
		goto out;
	}
	if (ur && read_to_end(c, ur, err) < 0)
		goto out;
	if (c->n_members == 0) {
		ls_fail(err, "%s: empty archive", c->path);
		goto out;
	}
	qsort(c->members, c->n_members, sizeof(*c->members), member_cmp);
	ret = 0;
out:
	archive_read_free(a);
	if (ur) {
		ur->s->close(ur->s);
		free(ur);
	}
	return ret;
}

int container_open(const char *path, struct container **out, ls_error *err)
{
	struct container *c;
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ls_fail_errno(err, errno, "%s", path);
	if (fstat(fd, &st) < 0) {
		close(fd);
		return ls_fail_errno(err, errno, "%s", path);
	}
	c = xcalloc(1, sizeof(*c));
	c->path = xstrdup(path);
	c->fd = fd;
	c->is_dir = S_ISDIR(st.st_mode);
	if (!c->is_dir) {
		if (!S_ISREG(st.st_mode)) {
			container_free(c);
			return ls_fail(err, "%s: not a file or directory", path);
		}
		if (st.st_size == 0) {
			container_free(c);
			return ls_fail(err, "%s: empty file", path);
		}
		c->packed = unpack_is_compressed(fd);
		if (c->packed)
			c->cursor = unpack_cursor_new(&(struct unpack_origin){.fd = fd, .what = path});
		if (index_tar(c, (uint64_t)st.st_size, err) < 0) {
			container_free(c);
			return -1;
		}
	}
	*out = c;
	return 0;
}

int container_open_origin(const struct unpack_origin *origin, struct container **out,
			  ls_error *err)
{
	struct container *c = xcalloc(1, sizeof(*c));
	c->path = xstrdup(origin->what);
	c->fd = -1;
	c->packed = true;
	c->cursor = unpack_cursor_new(origin);
	if (index_tar(c, UINT64_MAX, err) < 0) {
		container_free(c);
		return -1;
	}
	*out = c;
	return 0;
}

void container_free(struct container *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_members; i++) {
		free(c->members[i].name);
		free(c->members[i].link);
		free(c->members[i].data);
	}
	free(c->members);
	unpack_cursor_free(c->cursor);
	if (c->fd >= 0)
		close(c->fd);
	free(c->path);
	free(c);
}

bool container_is_packed(const struct container *c)
{
	return c->packed;
}

bool container_is_dir(const struct container *c)
{
	return c->is_dir;
}

const char *container_path(const struct container *c)
{
	return c->path;
}

static const struct member *find_member(struct container *c, const char *name)
{
	struct member key = {.name = (char *)name};
	return bsearch(&key, c->members, c->n_members, sizeof(key), member_cmp);
}

/* Resolve a symlink target relative to the directory holding the link. */
static char *resolve_link(const char *link_name, const char *target, bool hardlink)
{
	if (hardlink || target[0] == '/')
		return container_clean_name(target);
	const char *slash = strrchr(link_name, '/');
	char *joined = xasprintf("%.*s/%s", slash ? (int)(slash - link_name) : 0, link_name, target);
	char *clean = container_clean_name(joined);
	free(joined);
	return clean;
}

static int dir_region(struct container *c, const char *clean, struct region *out, ls_error *err)
{
	struct stat st;
	/* Names are clean and relative; O_NOFOLLOW on the last component keeps a planted
	 * symlink in an OCI layout from pointing us anywhere else. */
	int fd = openat(c->fd, clean, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return ls_fail_errno(err, errno, "%s/%s", c->path, clean);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return ls_fail(err, "%s/%s: not a regular file", c->path, clean);
	}
	out->fd = fd;
	out->own_fd = 1;
	out->offset = 0;
	out->length = (uint64_t)st.st_size;
	return 0;
}

int container_region(struct container *c, const char *name, struct region *out, ls_error *err)
{
	cleanup_free char *clean = container_clean_name(name);
	memset(out, 0, sizeof(*out));
	out->fd = -1;
	if (!clean || !*clean)
		return ls_fail(err, "'%s' points outside the image", name);
	if (c->is_dir)
		return dir_region(c, clean, out, err);
	for (int hops = 0; hops <= MAX_LINK_HOPS; hops++) {
		const struct member *m = find_member(c, clean);
		if (!m)
			return ls_fail(err, "%s: no member '%s' in the archive", c->path, clean);
		if (m->type == MEMBER_FILE) {
			out->fd = c->fd;
			out->own_fd = 0;
			out->offset = m->offset;
			out->length = m->size;
			out->data = m->data;
			out->packed = c->packed && !m->data;
			out->cursor = c->cursor;
			return 0;
		}
		if (m->type != MEMBER_SYMLINK && m->type != MEMBER_HARDLINK)
			return ls_fail(err, "%s: member '%s' is not a file", c->path, clean);
		char *next = resolve_link(m->name, m->link, m->type == MEMBER_HARDLINK);
		if (!next)
			return ls_fail(err, "%s: link '%s' points outside the archive", c->path, clean);
		free(clean);
		clean = next;
	}
	return ls_fail(err, "%s: symlink loop at '%s'", c->path, name);
}

bool container_has(struct container *c, const char *name)
{
	struct region r;
	if (container_region(c, name, &r, NULL) < 0)
		return false;
	region_release(&r);
	return true;
}

int container_read(struct container *c, const char *name, size_t limit, char **data, size_t *len,
		   ls_error *err)
{
	struct region r;
	if (container_region(c, name, &r, err) < 0)
		return -1;
	int ret = region_read_all(r, limit, data, len, err);
	region_release(&r);
	if (ret < 0)
		return ls_wrap(err, "%s", name);
	return 0;
}
