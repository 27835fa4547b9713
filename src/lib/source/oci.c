/* OCI image layouts, as a directory (oci:DIR[:REF]) or a tar of one (oci-archive:PATH[:REF]):
 * index.json → (image index →)* manifest → config and layers, each blob verified. */
#include <string.h>

#include "source/blob.h"
#include "source/image.h"
#include "source/manifest.h"
#include "util/digest.h"
#include "util/json.h"
#include "util/mem.h"
#include "util/strutil.h"

#define REF_NAME "org.opencontainers.image.ref.name"

static int read_descriptor(void *ctx, json_t *desc, const char *what, char **data, size_t *len,
			   ls_error *err)
{
	const char *digest = json_str(desc, "digest");
	cleanup_free char *path = NULL;
	if (digest_check(digest, err) < 0)
		return ls_wrap(err, "%s descriptor", what);
	path = blob_path(digest);
	return blob_read_verified(ctx, path, digest, json_int(desc, "size", -1), what, data, len, err);
}

/* oci:PATH:REF names a manifest of index.json by its ref.name annotation. */
static int find_named(json_t *index, const char *name, json_t **out, ls_error *err)
{
	size_t i;
	json_t *d;
	json_array_foreach(json_object_get(index, "manifests"), i, d) {
		const char *ref = json_str(json_object_get(d, "annotations"), REF_NAME);
		if (ref && !strcmp(ref, name)) {
			*out = d;
			return 0;
		}
	}
	return ls_fail(err, "no manifest named '%s' in index.json", name);
}

static int oci_load(struct image *img, const char *path, const char *subref,
		    const struct image_options *opts, ls_error *err)
{
	cleanup_free char *data = NULL;
	size_t len;
	json_t *doc = NULL, *desc = NULL, *named = NULL;
	struct descriptor_reader reader = {
		.read = read_descriptor,
		.no_platform_hint = "; name one as oci:PATH:REF",
	};
	char mt[256], digest[DIGEST_STR_MAX];

	if (container_attach(img, path, err) < 0)
		return -1;
	reader.ctx = img->priv;
	if (container_read(img->priv, "index.json", IMAGE_JSON_LIMIT, &data, &len, err) < 0)
		return -1;
	if (json_parse_bytes(data, len, "index.json", &doc, err) < 0)
		return -1;
	if (!subref) /* index.json is an image index: choose by platform from it */
		return manifest_resolve(img, doc, "application/vnd.oci.image.index.v1+json", NULL,
					opts, &reader, err);
	if (find_named(doc, subref, &desc, err) < 0) {
		json_decref(doc);
		return -1;
	}
	snprintf(mt, sizeof(mt), "%s", json_str(desc, "mediaType") ? json_str(desc, "mediaType") : "");
	snprintf(digest, sizeof(digest), "%s", json_str(desc, "digest") ? json_str(desc, "digest") : "");
	free(data);
	data = NULL;
	int r = read_descriptor(img->priv, desc, "manifest", &data, &len, err);
	json_decref(doc);
	if (r < 0 || json_parse_bytes(data, len, "manifest", &named, err) < 0)
		return -1;
	return manifest_resolve(img, named, mt, digest, opts, &reader, err);
}

const struct image_source_ops oci_archive_source = {
	.transport = "oci-archive",
	.load = oci_load,
	.open_layer = container_open_layer,
	.release = container_release,
	.plan_reads = container_plan_reads,
};

const struct image_source_ops oci_dir_source = {
	.transport = "oci",
	.load = oci_load,
	.open_layer = container_open_layer,
	.release = container_release,
	.plan_reads = container_plan_reads,
};
