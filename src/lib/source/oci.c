/* OCI image layouts, as a directory (oci:DIR[:REF]) or a tar of one (oci-archive:PATH[:REF]):
 * index.json → (image index →)* manifest → config and layers, each blob verified. */
#include <string.h>

#include "source/blob.h"
#include "source/image.h"
#include "util/digest.h"
#include "util/json.h"
#include "util/mem.h"
#include "util/strutil.h"

#define REF_NAME "org.opencontainers.image.ref.name"
enum { MAX_INDEX_DEPTH = 4 };

static bool is_index(const char *media_type, json_t *doc)
{
	if (media_type && (!strcmp(media_type, "application/vnd.oci.image.index.v1+json") ||
			   !strcmp(media_type, "application/vnd.docker.distribution.manifest.list.v2+json")))
		return true;
	return json_is_array(json_object_get(doc, "manifests")) &&
	       !json_object_get(doc, "config");
}

static int read_descriptor(struct container *c, json_t *desc, const char *what, char **data,
			   size_t *len, ls_error *err)
{
	const char *digest = json_str(desc, "digest");
	cleanup_free char *path = NULL;
	if (digest_check(digest, err) < 0)
		return ls_wrap(err, "%s descriptor", what);
	path = blob_path(digest);
	return blob_read_verified(c, path, digest, json_int(desc, "size", -1), what, data, len, err);
}

static void platform_string(json_t *desc, char *out, size_t n)
{
	json_t *p = json_object_get(desc, "platform");
	const char *v = json_str(p, "variant");
	snprintf(out, n, "%s/%s%s%s", json_str(p, "os") ? json_str(p, "os") : "?",
		 json_str(p, "architecture") ? json_str(p, "architecture") : "?", v ? "/" : "",
		 v ? v : "");
}

/* Pick one manifest descriptor from an index: by ref name at the top level, then by platform. */
static int choose(json_t *manifests, const char *subref, const char *platform, bool top,
		  json_t **out, ls_error *err)
{
	size_t i, n = json_array_size(manifests);
	json_t *d, *chosen = NULL;
	char list[1024] = "";

	if (n == 0)
		return ls_fail(err, "index lists no manifests");
	if (top && subref) {
		json_array_foreach(manifests, i, d) {
			const char *ref = json_str(json_object_get(d, "annotations"), REF_NAME);
			if (ref && !strcmp(ref, subref)) {
				*out = d;
				return 0;
			}
		}
		return ls_fail(err, "no manifest named '%s' in index.json", subref);
	}
	if (n == 1) {
		*out = json_array_get(manifests, 0);
		return 0;
	}
	json_array_foreach(manifests, i, d) {
		json_t *p = json_object_get(d, "platform");
		char ps[160];
		platform_string(d, ps, sizeof(ps));
		/* Attestation manifests (BuildKit's unknown/unknown) are not images. */
		if (!p || !strcmp(ps, "unknown/unknown"))
			continue;
		size_t used = strlen(list);
		snprintf(list + used, sizeof(list) - used, "%s%s", used ? ", " : "", ps);
		if (platform_matches(platform, json_str(p, "os"), json_str(p, "architecture"),
				     json_str(p, "variant")) && !chosen) {
			chosen = d;
		}
	}
	if (!chosen) {
		if (!list[0])
			return ls_fail(err, "index.json lists %zu images; name one as oci:PATH:REF", n);
		return ls_fail(err, "no image for platform %s; the image has: %s", platform, list);
	}
	*out = chosen;
	return 0;
}

static int load_manifest(struct image *img, json_t *manifest, const char *digest, ls_error *err)
{
	cleanup_free char *config = NULL;
	size_t config_len, i;
	json_t *cdesc = json_object_get(manifest, "config"), *l;
	json_t *layers = json_object_get(manifest, "layers");

	if (!json_is_object(cdesc) || !json_is_array(layers))
		return ls_fail(err, "manifest %s: no config or layers", digest);
	if (read_descriptor(img->priv, cdesc, "config", &config, &config_len, err) < 0)
		return -1;
	json_array_foreach(layers, i, l) {
		const char *ld = json_str(l, "digest");
		cleanup_free char *path = NULL;
		if (digest_check(ld, err) < 0)
			return ls_wrap(err, "manifest: layers[%zu]", i);
		path = blob_path(ld);
		image_add_layer(img, path, ld, json_str(l, "mediaType"), json_int(l, "size", -1));
		if (img->layers[i].compressed_size < 0)
			return ls_fail(err, "manifest: layers[%zu] has no size", i);
	}
	img->manifest_digest = xstrdup(digest);
	img->config_digest = xstrdup(json_str(cdesc, "digest"));
	return image_apply_config(img, config, config_len, err);
}

static int oci_load(struct image *img, const char *path, const char *subref,
		    const struct image_options *opts, ls_error *err)
{
	cleanup_free char *data = NULL;
	size_t len;
	json_t *doc = NULL, *desc = NULL;
	char host[64];
	const char *platform = opts && opts->platform ? opts->platform : NULL;
	int ret = -1;

	if (container_attach(img, path, err) < 0)
		return -1;
	if (!platform) {
		image_host_platform(host, sizeof(host));
		platform = host;
	}
	if (container_read(img->priv, "index.json", IMAGE_JSON_LIMIT, &data, &len, err) < 0)
		return -1;
	if (json_parse_bytes(data, len, "index.json", &doc, err) < 0)
		return -1;
	for (int depth = 0;; depth++) {
		json_t *next = NULL;
		char digest[DIGEST_STR_MAX], mt[256];
		if (depth > MAX_INDEX_DEPTH) {
			ls_fail(err, "image indexes nested deeper than %d", MAX_INDEX_DEPTH);
			goto out;
		}
		if (choose(json_object_get(doc, "manifests"), subref, platform, depth == 0, &desc,
			   err) < 0)
			goto out;
		/* desc lives in doc, which is replaced below: keep copies. */
		snprintf(mt, sizeof(mt), "%s", json_str(desc, "mediaType") ? json_str(desc, "mediaType") : "");
		snprintf(digest, sizeof(digest), "%s", json_str(desc, "digest") ? json_str(desc, "digest") : "");
		free(data);
		data = NULL;
		if (read_descriptor(img->priv, desc, "manifest", &data, &len, err) < 0)
			goto out;
		if (json_parse_bytes(data, len, "manifest", &next, err) < 0)
			goto out;
		json_decref(doc);
		doc = next;
		if (!is_index(mt, doc)) {
			ret = load_manifest(img, doc, digest, err);
			break;
		}
	}
	/* The config must agree with what was asked; it often omits the variant. */
	if (ret == 0 && opts && opts->platform &&
	    !platform_matches(opts->platform, img->os, img->architecture, img->variant)) {
		ret = ls_fail(err, "no image for platform %s (the image is %s/%s)", opts->platform,
			      img->os, img->architecture);
	}
out:
	json_decref(doc);
	return ret;
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
