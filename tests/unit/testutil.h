/* Helpers shared by the unit tests: in-memory streams and images, tar and compression
 * writers (libarchive, ISA-L, libzstd), so each test builds exactly the bytes it needs. */
#ifndef LS_TESTUTIL_H
#define LS_TESTUTIL_H

#include <archive.h>
#include <archive_entry.h>
#include <isa-l/igzip_lib.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "layer/layer.h"
#include "source/image.h"
#include "source/stream.h"
#include "util/buf.h"
#include "util/mem.h"

struct mem_stream {
	struct byte_stream base;
	const unsigned char *data;
	size_t len, pos, chunk;
};

static ssize_t mem_read(struct byte_stream *s, void *buf, size_t n, ls_error *err)
{
	struct mem_stream *m = (struct mem_stream *)s;
	(void)err;
	if (m->chunk && n > m->chunk)
		n = m->chunk; /* small reads exercise the refill paths */
	if (n > m->len - m->pos)
		n = m->len - m->pos;
	memcpy(buf, m->data + m->pos, n);
	m->pos += n;
	return (ssize_t)n;
}

static void mem_close(struct byte_stream *s)
{
	free(s);
}

static inline struct byte_stream *mem_stream_new(const void *data, size_t len, size_t chunk)
{
	struct mem_stream *m = xcalloc(1, sizeof(*m));
	m->base.read = mem_read;
	m->base.close = mem_close;
	m->data = data;
	m->len = len;
	m->chunk = chunk;
	return &m->base;
}

/* ---- tar writing ---- */

struct tar_writer {
	struct archive *a;
	struct buf out;
};

static la_ssize_t tw_write(struct archive *a, void *p, const void *buf, size_t n)
{
	(void)a;
	buf_append(&((struct tar_writer *)p)->out, buf, n, NULL);
	return (la_ssize_t)n;
}

static inline void tar_begin(struct tar_writer *t, int format)
{
	buf_init(&t->out, 0);
	t->a = archive_write_new();
	archive_write_set_format(t->a, format);
	archive_write_set_bytes_in_last_block(t->a, 1);
	archive_write_open(t->a, t, NULL, tw_write, NULL);
}

static inline void tar_add(struct tar_writer *t, const char *path, int filetype, int mode,
			   const char *data, const char *link, int hardlink)
{
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_pathname(e, path);
	archive_entry_set_mode(e, (mode_t)(filetype | mode));
	archive_entry_set_mtime(e, 1700000000, 0);
	if (link && hardlink)
		archive_entry_set_hardlink(e, link);
	else if (link)
		archive_entry_set_symlink(e, link);
	archive_entry_set_size(e, data ? (la_int64_t)strlen(data) : 0);
	archive_write_header(t->a, e);
	if (data)
		archive_write_data(t->a, data, strlen(data));
	archive_entry_free(e);
}

static inline char *tar_end(struct tar_writer *t, size_t *len)
{
	archive_write_close(t->a);
	archive_write_free(t->a);
	return buf_detach(&t->out, len);
}

/* ---- compression ---- */

static inline unsigned char *gzip_bytes(const void *data, size_t len, size_t *out_len)
{
	struct isal_zstream z;
	size_t cap = len + len / 2 + 1024;
	unsigned char *out = xmalloc(cap);
	isal_deflate_init(&z);
	z.gzip_flag = IGZIP_GZIP;
	z.end_of_stream = 1;
	z.flush = NO_FLUSH;
	z.next_in = (uint8_t *)data;
	z.avail_in = (uint32_t)len;
	z.next_out = out;
	z.avail_out = (uint32_t)cap;
	z.level = 0;
	isal_deflate_stateless(&z);
	*out_len = z.total_out;
	return out;
}

static inline unsigned char *zstd_bytes(const void *data, size_t len, size_t *out_len)
{
	size_t cap = ZSTD_compressBound(len);
	unsigned char *out = xmalloc(cap);
	*out_len = ZSTD_compress(out, cap, data, len, 3);
	return out;
}

/* ---- an image whose layers are memory blobs ---- */

struct mem_image {
	const void *blobs[8];
	size_t lens[8];
};

static int mem_open_layer(struct image *img, size_t i, struct byte_stream **out, ls_error *err)
{
	struct mem_image *mi = img->priv;
	(void)err;
	*out = mem_stream_new(mi->blobs[i], mi->lens[i], 7000);
	return 0;
}

static const struct image_source_ops mem_source = {
	.transport = "memory",
	.open_layer = mem_open_layer,
};

static inline struct image *mem_image_new(struct mem_image *mi, size_t n)
{
	struct image *img = xcalloc(1, sizeof(*img));
	img->ops = &mem_source;
	img->priv = mi;
	img->transport = "memory";
	img->reference = xstrdup("memory");
	for (size_t i = 0; i < n; i++)
		image_add_layer(img, "mem", NULL, NULL, (int64_t)mi->lens[i]);
	return img;
}

/* Layers written entry by entry, for tests of the model and what is built on it. */
static inline struct layer *test_layer_new(void)
{
	struct layer *l = xcalloc(1, sizeof(*l));
	arena_init(&l->arena);
	return l;
}

/* Append an entry; perm holds the permission bits (the file type's come from type). */
static inline struct layer_entry *test_layer_add(struct layer *l, const char *path,
						 enum entry_type type, enum entry_kind kind,
						 uint64_t size, uint64_t hash, uint32_t perm)
{
	struct layer_entry *e;
	l->entries = xgrow(l->entries, &l->cap_entries, l->n_entries + 1, sizeof(*e));
	e = &l->entries[l->n_entries++];
	memset(e, 0, sizeof(*e));
	e->path = arena_strndup(&l->arena, path, strlen(path));
	e->type = (uint8_t)type;
	e->tar_type = type == ENTRY_DIR ? '5' : '0';
	e->kind = (uint8_t)kind;
	e->size = size;
	e->hash_lo = hash;
	e->mode = perm | (type == ENTRY_DIR ? 040000u : 0100000u);
	if (type == ENTRY_FILE && kind == ENTRY_NORMAL)
		l->file_bytes += size;
	return e;
}

#endif
