/* `docker save` tarballs: manifest.json names the config and the layer files. Two shapes:
 * legacy (<id>/layer.tar, often symlinks to another layer's dir) and Docker 25+ (an OCI
 * layout inside the tar: blobs/sha256/<hex>, with LayerSources for the media types). */
#include <string.h>

#include "source/blob.h"
#include "source/image.h"
#include "util/digest.h"
#include "util/json.h"
#include "util/mem.h"
#include "util/strutil.h"

/* skopeo's docker-archive:PATH:REF takes a tag or @INDEX. */
static int select_entry(json_t *manifest, const char *subref, json_t **entry, ls_error *err)
{
	size_t n = json_array_size(manifest), i;
	json_t *e;
	if (!subref) {
		if (n != 1)
			return ls_fail(err, "the archive holds %zu images; name one as "
					    "docker-archive:PATH:TAG or docker-archive:PATH:@INDEX", n);
		*entry = json_array_get(manifest, 0);
		return 0;
	}
	if (subref[0] == '@') {
		uint64_t idx;
		if (!parse_u64(subref + 1, &idx) || idx >= n)
			return ls_fail(err, "no image @%s in the archive (it holds %zu)", subref + 1, n);
		*entry = json_array_get(manifest, idx);
		return 0;
	}
	json_array_foreach(manifest, i, e) {
		size_t j;
		json_t *t;
		json_array_foreach(json_object_get(e, "RepoTags"), j, t) {
			const char *tag = json_string_value(t);
			if (!tag)
				continue;
			/* "busybox:latest" also matches "docker.io/library/busybox:latest". */
			if (!strcmp(tag, subref) ||
			    (str_ends_with(subref, tag) && subref[strlen(subref) - strlen(tag) - 1] == '/')) {
				*entry = e;
				return 0;
			}
		}
	}
	return ls_fail(err, "no image tagged '%s' in the archive", subref);
}

static int load_layers(struct image *img, json_t *entry, ls_error *err)
{
	json_t *layers = json_object_get(entry, "Layers");
	json_t *sources = json_object_get(entry, "LayerSources");
	json_t *l;
	size_t i;
	if (!json_is_array(layers))
		return ls_fail(err, "manifest.json: entry without a Layers list");
	json_array_foreach(layers, i, l) {
		const char *name = json_string_value(l);
		cleanup_free char *digest = NULL;
		const char *media_type = NULL;
		struct region r;
		if (!name)
			return ls_fail(err, "manifest.json: Layers[%zu] is not a string", i);
		digest = blob_digest_from_name(name);
		if (digest) {
			/* Docker 25+: LayerSources is keyed by diff_id, so match on the blob
			 * digest to find the media type. */
			const char *key;
			json_t *src;
			json_object_foreach(sources, key, src) {
				const char *d = json_str(src, "digest");
				if (d && !strcmp(d, digest))
					media_type = json_str(src, "mediaType");
			}
		}
		if (container_region(img->priv, name, &r, err) < 0)
			return ls_wrap(err, "manifest.json: Layers[%zu]", i);
		image_add_layer(img, name, digest, media_type, (int64_t)r.length);
		region_release(&r);
	}
	return 0;
}

static int docker_archive_load(struct image *img, const char *path, const char *subref,
			       const struct image_options *opts, ls_error *err)
{
	cleanup_free char *data = NULL;
	cleanup_free char *config = NULL;
	cleanup_free char *config_digest = NULL;
	size_t len, config_len, i;
	json_t *manifest = NULL, *entry = NULL, *t;
	const char *config_name;
	int ret = -1;

	if (container_attach(img, path, err) < 0)
		return -1;
	if (container_read(img->priv, "manifest.json", IMAGE_JSON_LIMIT, &data, &len, err) < 0)
		return -1;
	if (json_parse_bytes(data, len, "manifest.json", &manifest, err) < 0)
		return -1;
	if (!json_is_array(manifest) || json_array_size(manifest) == 0) {
		ls_fail(err, "manifest.json: expected a non-empty array of images");
		goto out;
	}
	if (select_entry(manifest, subref, &entry, err) < 0)
		goto out;
	config_name = json_str(entry, "Config");
	if (!config_name) {
		ls_fail(err, "manifest.json: image entry without a Config");
		goto out;
	}
	/* The config's file name is its digest in both shapes: verify it. */
	config_digest = blob_digest_from_name(config_name);
	if (blob_read_verified(img->priv, config_name, config_digest, -1, "config", &config,
			       &config_len, err) < 0)
		goto out;
	if (load_layers(img, entry, err) < 0)
		goto out;
	if (image_apply_config(img, config, config_len, err) < 0)
		goto out;
	if (opts && opts->platform &&
	    !platform_matches(opts->platform, img->os, img->architecture, img->variant)) {
		ls_fail(err, "no image for platform %s (the archive holds %s/%s%s%s)", opts->platform,
			img->os, img->architecture, *img->variant ? "/" : "", img->variant);
		goto out;
	}
	if (config_digest) {
		img->config_digest = config_digest;
		config_digest = NULL;
	} else {
		char d[80];
		sha256_digest(config, config_len, d);
		img->config_digest = xstrdup(d);
	}
	json_array_foreach(json_object_get(entry, "RepoTags"), i, t) {
		if (!json_is_string(t))
			continue;
		img->tags = xrealloc(img->tags, (img->n_tags + 1) * sizeof(char *));
		img->tags[img->n_tags++] = xstrdup(json_string_value(t));
	}
	ret = 0;
out:
	json_decref(manifest);
	return ret;
}

const struct image_source_ops docker_archive_source = {
	.transport = "docker-archive",
	.load = docker_archive_load,
	.open_layer = container_open_layer,
	.release = container_release,
	.plan_reads = container_plan_reads,
};
