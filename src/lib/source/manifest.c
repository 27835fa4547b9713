#include "source/manifest.h"

#include <string.h>

#include "source/blob.h"
#include "util/digest.h"
#include "util/json.h"
#include "util/mem.h"

enum { MAX_INDEX_DEPTH = 4 };

bool manifest_is_index(const char *media_type, json_t *doc)
{
	if (media_type && (!strcmp(media_type, "application/vnd.oci.image.index.v1+json") ||
			   !strcmp(media_type, "application/vnd.docker.distribution.manifest.list.v2+json")))
		return true;
	return json_is_array(json_object_get(doc, "manifests")) &&
	       !json_object_get(doc, "config");
}

static void platform_string(json_t *desc, char *out, size_t n)
{
	json_t *p = json_object_get(desc, "platform");
	const char *v = json_str(p, "variant");
	snprintf(out, n, "%s/%s%s%s", json_str(p, "os") ? json_str(p, "os") : "?",
		 json_str(p, "architecture") ? json_str(p, "architecture") : "?", v ? "/" : "",
		 v ? v : "");
}

int index_choose_platform(json_t *manifests, const char *platform, const char *no_platform_hint,
			  json_t **out, ls_error *err)
{
	size_t i, n = json_array_size(manifests);
	json_t *d, *chosen = NULL;
	char list[1024] = "";

	if (n == 0)
		return ls_fail(err, "index lists no manifests");
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
			return ls_fail(err, "the index lists %zu images and no platforms%s", n,
				       no_platform_hint ? no_platform_hint : "");
		return ls_fail(err, "no image for platform %s; the image has: %s", platform, list);
	}
	*out = chosen;
	return 0;
}

static int load_manifest(struct image *img, json_t *manifest, const char *digest,
			 const struct descriptor_reader *reader, ls_error *err)
{
	cleanup_free char *config = NULL;
	size_t config_len, i;
	json_t *cdesc = json_object_get(manifest, "config"), *l;
	json_t *layers = json_object_get(manifest, "layers");

	if (!json_is_object(cdesc) || !json_is_array(layers))
		return ls_fail(err, "manifest %s: no config or layers", digest);
	if (digest_check(json_str(cdesc, "digest"), err) < 0)
		return ls_wrap(err, "config descriptor");
	if (reader->read(reader->ctx, cdesc, "config", &config, &config_len, err) < 0)
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

int manifest_resolve(struct image *img, json_t *doc, const char *media_type, const char *digest,
		     const struct image_options *opts, const struct descriptor_reader *reader,
		     ls_error *err)
{
	char host[64], mt[256], dg[DIGEST_STR_MAX];
	const char *platform = opts && opts->platform ? opts->platform : NULL;
	int ret = -1;

	if (!platform) {
		image_host_platform(host, sizeof(host));
		platform = host;
	}
	snprintf(mt, sizeof(mt), "%s", media_type ? media_type : "");
	snprintf(dg, sizeof(dg), "%s", digest ? digest : "");
	for (int depth = 0; manifest_is_index(mt, doc); depth++) {
		cleanup_free char *data = NULL;
		size_t len;
		json_t *desc, *next = NULL;
		if (depth >= MAX_INDEX_DEPTH) {
			ls_fail(err, "image indexes nested deeper than %d", MAX_INDEX_DEPTH);
			goto out;
		}
		if (index_choose_platform(json_object_get(doc, "manifests"), platform,
					  depth == 0 ? reader->no_platform_hint : NULL, &desc, err) < 0)
			goto out;
		if (digest_check(json_str(desc, "digest"), err) < 0) {
			ls_wrap(err, "manifest descriptor");
			goto out;
		}
		/* desc lives in doc, which is replaced below: keep copies. */
		snprintf(mt, sizeof(mt), "%s", json_str(desc, "mediaType") ? json_str(desc, "mediaType") : "");
		snprintf(dg, sizeof(dg), "%s", json_str(desc, "digest"));
		if (reader->read(reader->ctx, desc, "manifest", &data, &len, err) < 0)
			goto out;
		if (json_parse_bytes(data, len, "manifest", &next, err) < 0)
			goto out;
		json_decref(doc);
		doc = next;
	}
	ret = load_manifest(img, doc, dg, reader, err);
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
