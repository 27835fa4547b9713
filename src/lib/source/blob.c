#include "source/blob.h"

#include <string.h>

#include "util/digest.h"
#include "util/mem.h"
#include "util/strutil.h"

int blob_read_verified(struct container *c, const char *name, const char *digest, int64_t size,
		       const char *what, char **data, size_t *len, ls_error *err)
{
	char actual[DIGEST_STR_MAX];
	if (container_read(c, name, IMAGE_JSON_LIMIT, data, len, err) < 0)
		return ls_wrap(err, "%s", what);
	if (size >= 0 && (uint64_t)size != *len) {
		free(*data);
		*data = NULL;
		return ls_fail(err, "%s %s: size is %zu bytes, the descriptor says %lld", what, name,
			       *len, (long long)size);
	}
	if (digest) {
		sha256_digest(*data, *len, actual);
		if (strcmp(actual, digest) != 0) {
			free(*data);
			*data = NULL;
			return ls_fail(err, "%s %s: digest mismatch: expected %s, got %s", what, name,
				       digest, actual);
		}
	}
	return 0;
}

char *blob_path(const char *digest)
{
	return xasprintf("blobs/sha256/%s", digest + 7);
}

char *blob_digest_from_name(const char *name)
{
	const char *base = strrchr(name, '/');
	char *d;
	base = base ? base + 1 : name;
	if (str_starts_with(name, "blobs/sha256/") && strlen(base) == 64)
		d = xasprintf("sha256:%s", base);
	else if (str_ends_with(base, ".json") && strlen(base) == 69)
		d = xasprintf("sha256:%.64s", base);
	else
		return NULL;
	if (!digest_is_sha256(d)) {
		free(d);
		return NULL;
	}
	return d;
}

int container_attach(struct image *img, const char *path, ls_error *err)
{
	struct container *c;
	if (img->priv)
		return 0;
	if (container_open(path, &c, err) < 0)
		return -1;
	img->priv = c;
	return 0;
}

int container_open_layer(struct image *img, size_t i, struct byte_stream **out, ls_error *err)
{
	struct region r;
	if (container_region(img->priv, img->layers[i].blob_name, &r, err) < 0)
		return -1;
	if (img->layers[i].compressed_size >= 0 &&
	    (uint64_t)img->layers[i].compressed_size != r.length) {
		uint64_t len = r.length;
		region_release(&r);
		return ls_fail(err, "blob is %llu bytes, the manifest says %lld (truncated or tampered)",
			       (unsigned long long)len,
			       (long long)img->layers[i].compressed_size);
	}
	img->layers[i].compressed_size = (int64_t)r.length;
	*out = region_stream_open(r);
	return 0;
}

struct layer_offset {
	uint64_t offset;
	size_t layer;
};

static int by_offset(const void *pa, const void *pb)
{
	const struct layer_offset *a = pa, *b = pb;
	if (a->offset != b->offset)
		return a->offset < b->offset ? -1 : 1;
	return a->layer < b->layer ? -1 : a->layer > b->layer;
}

void container_plan_reads(struct image *img)
{
	struct container *c = img->priv;
	if (!c || !container_is_packed(c) || img->n_layers == 0)
		return;
	struct layer_offset *lo = xcalloc(img->n_layers, sizeof(*lo));
	for (size_t i = 0; i < img->n_layers; i++) {
		struct region r;
		lo[i].layer = i;
		/* a layer that cannot be found reads (and fails) last, with its own error */
		lo[i].offset = container_region(c, img->layers[i].blob_name, &r, NULL) == 0 ? r.offset : UINT64_MAX;
		if (lo[i].offset != UINT64_MAX)
			region_release(&r);
	}
	qsort(lo, img->n_layers, sizeof(*lo), by_offset);
	img->read_order = xcalloc(img->n_layers, sizeof(*img->read_order));
	for (size_t i = 0; i < img->n_layers; i++)
		img->read_order[i] = lo[i].layer;
	img->read_serial = true;
	free(lo);
}

void container_release(struct image *img)
{
	container_free(img->priv);
	img->priv = NULL;
}
