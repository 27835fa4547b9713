#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <xxhash.h>
#if defined(__x86_64__) || defined(__i386__)
/* libxxhash picks SSE2, AVX2 or AVX-512 at run time here: content hashing ~2x faster than its
 * plain SSE2 entry points on a CPU with AVX2. */
#include <xxh_x86dispatch.h>
#endif

#include "layer/layer.h"
#include "util/mem.h"

#define WHITEOUT_PREFIX ".wh."
#define WHITEOUT_META_PREFIX ".wh..wh."
#define WHITEOUT_OPAQUE ".wh..wh..opq"

void layer_read_options_default(struct layer_read_options *o)
{
	memset(o, 0, sizeof(*o));
	o->limits.max_bytes = DECODE_DEFAULT_MAX_BYTES;
	o->limits.max_ratio = DECODE_DEFAULT_MAX_RATIO;
	o->limits.ratio_floor = DECODE_DEFAULT_RATIO_FLOOR;
	o->max_entries = 50u * 1000 * 1000;
}

void entry_mode_string(const struct layer_entry *e, char out[11])
{
	static const char types[] = {'-', 'd', 'l', '-', 'c', 'b', 'p'}; /* ls shows hard links as files */
	uint32_t m = e ? e->mode : 0755;
	out[0] = e ? types[e->type] : 'd';
	const char *rwx = "rwxrwxrwx";
	for (int i = 0; i < 9; i++)
		out[1 + i] = (m & (1u << (8 - i))) ? rwx[i] : '-';
	if (m & S_ISUID)
		out[3] = (m & S_IXUSR) ? 's' : 'S';
	if (m & S_ISGID)
		out[6] = (m & S_IXGRP) ? 's' : 'S';
	if (m & S_ISVTX)
		out[9] = (m & S_IXOTH) ? 't' : 'T';
	out[10] = '\0';
}

const char *entry_type_name(enum entry_type t)
{
	static const char *names[] = {"file", "dir", "symlink", "hardlink", "char", "block", "fifo"};
	return t <= ENTRY_FIFO ? names[t] : "?";
}

char *layer_clean_path(struct arena *a, const char *name)
{
	size_t n = strlen(name), o = 0;
	char stackbuf[512];
	char *out = n < sizeof(stackbuf) ? stackbuf : xmalloc(n + 1);
	const char *p = name;
	char *result = NULL;

	/* Docker applies absolute names relative to the root (kaniko writes "/"); so do we. */
	while (*p) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		if (len == 0 || (len == 1 && p[0] == '.')) {
			/* "./" and "//" add nothing */
		} else if (len == 2 && p[0] == '.' && p[1] == '.') {
			if (o == 0)
				goto done; /* climbs above the root */
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
	result = arena_strndup(a, out, o);
done:
	if (out != stackbuf)
		free(out);
	return result;
}

struct tar_reader {
	struct decoder *dec;
	ls_error *err;
	bool failed;
};

static la_ssize_t tar_read_cb(struct archive *a, void *p, const void **buf)
{
	struct tar_reader *r = p;
	ssize_t n = decoder_read(r->dec, buf, r->err);
	if (n < 0) {
		r->failed = true;
		archive_set_error(a, EIO, "%s", r->err->msg);
		return -1;
	}
	return n;
}

static enum entry_type type_of(struct archive_entry *ae)
{
	if (archive_entry_hardlink(ae))
		return ENTRY_HARDLINK;
	switch (archive_entry_filetype(ae)) {
	case AE_IFDIR: return ENTRY_DIR;
	case AE_IFLNK: return ENTRY_SYMLINK;
	case AE_IFCHR: return ENTRY_CHAR;
	case AE_IFBLK: return ENTRY_BLOCK;
	case AE_IFIFO: return ENTRY_FIFO;
	default: return ENTRY_FILE;
	}
}

static uint8_t tar_type_of(enum entry_type t)
{
	static const uint8_t flags[] = {'0', '5', '2', '1', '3', '4', '6'};
	return flags[t];
}

/* Split whiteout names: ".wh.NAME" → the path of NAME; ".wh..wh..opq" → the directory. */
static void classify_whiteout(struct layer *l, struct layer_entry *e)
{
	const char *slash = strrchr(e->path, '/');
	const char *base = slash ? slash + 1 : e->path;
	size_t dirlen = slash ? (size_t)(slash - e->path) : 0;
	if (strncmp(base, WHITEOUT_PREFIX, 4) != 0)
		return;
	if (!strcmp(base, WHITEOUT_OPAQUE)) {
		e->kind = ENTRY_OPAQUE;
		e->path = arena_strndup(&l->arena, e->path, dirlen);
	} else if (!strncmp(base, WHITEOUT_META_PREFIX, 8)) {
		e->kind = ENTRY_META;
	} else if (base[4]) {
		size_t keep = slash ? dirlen + 1 : 0; /* "dir/" */
		size_t rest = strlen(base + 4);
		char *p = arena_alloc(&l->arena, keep + rest + 1);
		memcpy(p, e->path, keep);
		memcpy(p + keep, base + 4, rest + 1);
		e->kind = ENTRY_WHITEOUT;
		e->path = p;
	}
}

/* Hash a regular file's content. Holes of a sparse file are hashed as their offsets, so the
 * hash depends on the logical content layout without reading gigabytes of zeros. */
static int hash_content(struct archive *a, struct layer *l, struct layer_entry *e,
			XXH3_state_t *xs, const struct content_visitor *v, ls_error *err)
{
	const void *buf;
	size_t size;
	la_int64_t offset, expected = 0;
	bool want = v && v->want && v->want(v->ctx, l->index, e);
	int r;

	XXH3_128bits_reset(xs);
	while ((r = archive_read_data_block(a, &buf, &size, &offset)) == ARCHIVE_OK) {
		if (offset != expected) {
			uint64_t hole[2] = {(uint64_t)expected, (uint64_t)offset};
			XXH3_128bits_update(xs, hole, sizeof(hole));
		}
		XXH3_128bits_update(xs, buf, size);
		if (want && size)
			v->data(v->ctx, l->index, e, buf, size);
		expected = offset + (la_int64_t)size;
	}
	if (r != ARCHIVE_EOF)
		return ls_fail(err, "'%s': %s", e->path, archive_error_string(a));
	if (want && v->end)
		v->end(v->ctx, l->index, e);
	XXH128_hash_t h = XXH3_128bits_digest(xs);
	e->hash_lo = h.low64;
	e->hash_hi = h.high64;
	return 0;
}

static int read_entry(struct archive *a, struct archive_entry *ae, struct layer *l,
		      XXH3_state_t *xs, const struct content_visitor *v, ls_error *err)
{
	const char *name = archive_entry_pathname(ae);
	struct layer_entry *e;
	char *path;

	if (!name)
		return ls_fail(err, "entry %zu has no name", l->n_entries);
	path = layer_clean_path(&l->arena, name);
	if (!path)
		return ls_fail(err, "entry '%s' climbs out of the root with '..': refusing it", name);
	l->entries = xgrow(l->entries, &l->cap_entries, l->n_entries + 1, sizeof(*l->entries));
	e = &l->entries[l->n_entries++];
	memset(e, 0, sizeof(*e));
	e->path = path;
	e->type = (uint8_t)type_of(ae);
	e->tar_type = tar_type_of(e->type);
	e->size = archive_entry_size(ae) > 0 ? (uint64_t)archive_entry_size(ae) : 0;
	e->mode = (uint32_t)archive_entry_mode(ae);
	e->uid = (uint32_t)archive_entry_uid(ae);
	e->gid = (uint32_t)archive_entry_gid(ae);
	e->mtime = archive_entry_mtime(ae);
	if (e->type == ENTRY_HARDLINK) {
		e->link = layer_clean_path(&l->arena, archive_entry_hardlink(ae));
		if (!e->link)
			return ls_fail(err, "hard link '%s' points outside the root ('%s')", name,
				       archive_entry_hardlink(ae));
	} else if (e->type == ENTRY_SYMLINK) {
		const char *t = archive_entry_symlink(ae);
		e->link = arena_strndup(&l->arena, t ? t : "", t ? strlen(t) : 0);
	}
	if (e->path[0])
		classify_whiteout(l, e);
	if (e->type == ENTRY_FILE) {
		l->file_bytes += e->size;
		return hash_content(a, l, e, xs, v, err);
	}
	return 0;
}

static int walk_tar(struct decoder *dec, struct layer *l, const struct layer_read_options *o,
		    ls_error *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ae;
	struct tar_reader reader = {.dec = dec, .err = err};
	XXH3_state_t *xs = XXH3_createState();
	int r, ret = -1;

	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	if (archive_read_open(a, &reader, NULL, tar_read_cb, NULL) != ARCHIVE_OK) {
		if (!reader.failed)
			ls_fail(err, "not a tar stream: %s", archive_error_string(a));
		goto out;
	}
	while ((r = archive_read_next_header(a, &ae)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		if (o->max_entries && l->n_entries >= o->max_entries) {
			ls_fail(err, "more than %llu entries (raise with --max-entries)",
				(unsigned long long)o->max_entries);
			goto out;
		}
		if (read_entry(a, ae, l, xs, o->visitor, err) < 0)
			goto out;
	}
	if (r != ARCHIVE_EOF) {
		if (!reader.failed)
			ls_fail(err, "broken tar stream after %zu entries: %s", l->n_entries,
				archive_error_string(a));
		goto out;
	}
	ret = 0;
out:
	XXH3_freeState(xs);
	archive_read_free(a);
	return ret;
}

static int verify(struct image *img, size_t i, struct layer *l, ls_error *err)
{
	const struct layer_info *info = &img->layers[i];
	if (info->digest && strcmp(info->digest, l->stored_digest) != 0)
		return ls_fail(err, "blob digest mismatch: the manifest says %s, the blob is %s",
			       info->digest, l->stored_digest);
	if (info->diff_id && strcmp(info->diff_id, l->diff_id) != 0)
		return ls_fail(err, "diff_id mismatch: the config says %s, the uncompressed layer is %s",
			       info->diff_id, l->diff_id);
	return 0;
}

/* A stream that fails to decode may simply have been tampered with: when the manifest has a
 * digest, hash the rest of the blob and, if it does not match, report that instead. */
static void blame_tampering(const char *digest, struct decoder *dec, ls_error *err)
{
	char stored[DIGEST_STR_MAX];
	ls_error ignored;
	if (!digest || decoder_finish_stored(dec, stored, &ignored) < 0 || !strcmp(stored, digest))
		return;
	ls_fail(err, "blob digest mismatch: the manifest says %s, the blob is %s", digest, stored);
}

int layer_read(struct image *img, size_t i, const struct layer_read_options *o,
	       struct layer **out, ls_error *err)
{
	struct byte_stream *in;
	struct decoder *dec = NULL;
	struct layer *l = xcalloc(1, sizeof(*l));
	l->index = i;
	arena_init(&l->arena);

	if (image_open_layer(img, i, &in, err) < 0)
		goto fail;
	if (decoder_open(in, &o->limits, &dec, err) < 0)
		goto fail;
	if (walk_tar(dec, l, o, err) < 0 || decoder_drain(dec, err) < 0) {
		blame_tampering(img->layers[i].digest, dec, err);
		goto fail;
	}
	l->compression = decoder_compression(dec);
	l->stored_bytes = decoder_stored_bytes(dec);
	l->tar_bytes = decoder_uncompressed_bytes(dec);
	decoder_digests(dec, l->stored_digest, l->diff_id);
	if (verify(img, i, l, err) < 0)
		goto fail;
	decoder_free(dec);
	*out = l;
	return 0;
fail:
	decoder_free(dec);
	layer_free(l);
	return ls_wrap(err, "layer %zu (%s)", i,
		       img->layers[i].digest ? img->layers[i].digest : img->layers[i].blob_name);
}

void layer_free(struct layer *l)
{
	if (!l)
		return;
	arena_release(&l->arena);
	free(l->entries);
	free(l);
}
