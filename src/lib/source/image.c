#include "source/image.h"

#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "source/container.h"
#include "util/digest.h"
#include "util/json.h"
#include "util/mem.h"
#include "util/strutil.h"

static const struct image_source_ops *const transports[] = {
	&docker_archive_source,
	&oci_archive_source,
	&oci_dir_source,
	&daemon_source,
	&registry_source,
};

/* Which source reads this path? A bare path is recognised by what it holds. */
static const struct image_source_ops *detect_source(struct container *c)
{
	if (container_is_dir(c))
		return (container_has(c, "index.json") || container_has(c, "oci-layout"))
			       ? &oci_dir_source : NULL;
	if (container_has(c, "manifest.json"))
		return &docker_archive_source;
	if (container_has(c, "index.json") || container_has(c, "oci-layout"))
		return &oci_archive_source;
	return NULL;
}

/* "transport:path[:subref]". A path that exists as written wins over splitting at ':'. */
static void split_reference(const char *rest, char **path, char **subref)
{
	struct stat st;
	const char *colon = strchr(rest, ':');
	if (!colon || stat(rest, &st) == 0) {
		*path = xstrdup(rest);
		*subref = NULL;
		return;
	}
	*path = xstrndup(rest, (size_t)(colon - rest));
	*subref = colon[1] ? xstrdup(colon + 1) : NULL;
}

int image_open(const char *reference, const struct image_options *opts, struct image **out,
	       ls_error *err)
{
	const struct image_source_ops *ops = NULL;
	struct container *c = NULL;
	cleanup_free char *path = NULL;
	cleanup_free char *subref = NULL;
	struct image *img;

	for (size_t i = 0; i < sizeof(transports) / sizeof(transports[0]); i++) {
		size_t n = strlen(transports[i]->transport);
		if (strncmp(reference, transports[i]->transport, n) == 0 && reference[n] == ':') {
			ops = transports[i];
			if (ops->whole_reference)
				path = xstrdup(reference + n + 1);
			else
				split_reference(reference + n + 1, &path, &subref);
			break;
		}
	}
	if (!ops) {
		const char *colon = strchr(reference, ':');
		struct stat st;
		if (colon && stat(reference, &st) < 0 && !strchr(reference, '/'))
			return ls_fail(err, "%s: unknown transport '%.*s' (this build reads "
					    "docker-archive:, oci-archive:, oci:, docker-daemon: and docker://)",
				       reference, (int)(colon - reference), reference);
		path = xstrdup(reference);
	}
	if (!*path)
		return ls_fail(err, "%s: empty path", reference);
	if (!ops) {
		/* A bare path: open it to see what it holds; the source keeps the container. */
		if (container_open(path, &c, err) < 0)
			return -1;
		ops = detect_source(c);
		if (!ops) {
			ls_fail(err, "%s: not an image (no manifest.json, index.json or oci-layout)", path);
			container_free(c);
			return -1;
		}
	}
	img = xcalloc(1, sizeof(*img));
	img->reference = xstrdup(reference);
	img->transport = ops->transport;
	img->ops = ops;
	img->priv = c; /* NULL for an explicit transport: its load() opens what it needs */
	if (ops->load(img, path, subref, opts, err) < 0) {
		ls_wrap(err, "%s", reference);
		image_free(img);
		return -1;
	}
	if (ops->plan_reads)
		ops->plan_reads(img);
	*out = img;
	return 0;
}

int image_open_layer(struct image *img, size_t i, struct byte_stream **out, ls_error *err)
{
	if (i >= img->n_layers)
		return ls_fail(err, "no layer %zu", i);
	return img->ops->open_layer(img, i, out, err);
}

void image_free(struct image *img)
{
	if (!img)
		return;
	if (img->ops && img->ops->release)
		img->ops->release(img);
	free(img->read_order);
	for (size_t i = 0; i < img->n_layers; i++) {
		struct layer_info *l = &img->layers[i];
		free(l->digest);
		free(l->diff_id);
		free(l->media_type);
		free(l->created_by);
		free(l->command);
		free(l->blob_name);
	}
	free(img->layers);
	for (size_t i = 0; i < img->n_tags; i++)
		free(img->tags[i]);
	free(img->tags);
	json_decref(img->config);
	free(img->reference);
	free(img->manifest_digest);
	free(img->config_digest);
	free(img->os);
	free(img->architecture);
	free(img->variant);
	free(img);
}

void image_add_layer(struct image *img, const char *blob_name, const char *digest,
		     const char *media_type, int64_t size)
{
	struct layer_info *l;
	img->layers = xrealloc(img->layers, (img->n_layers + 1) * sizeof(*img->layers));
	l = &img->layers[img->n_layers++];
	memset(l, 0, sizeof(*l));
	l->blob_name = xstrdup(blob_name);
	l->digest = digest ? xstrdup(digest) : NULL;
	l->media_type = media_type ? xstrdup(media_type) : NULL;
	l->compressed_size = size;
}

/* dive shows history commands without the shell prefix Docker records. */
static char *display_command(const char *created_by)
{
	static const char prefix[] = "/bin/sh -c ";
	if (str_starts_with(created_by, prefix))
		created_by += sizeof(prefix) - 1;
	return xstrdup(created_by);
}

static int apply_history(struct image *img, json_t *history)
{
	size_t idx, layer = 0;
	json_t *h;
	if (!json_is_array(history))
		return 0;
	json_array_foreach(history, idx, h) {
		if (json_is_true(json_object_get(h, "empty_layer")))
			continue;
		if (layer >= img->n_layers)
			break;
		const char *cb = json_str(h, "created_by");
		img->layers[layer].created_by = xstrdup(cb ? cb : "");
		img->layers[layer].command = display_command(cb ? cb : "");
		layer++;
	}
	for (; layer < img->n_layers; layer++) {
		img->layers[layer].created_by = xstrdup("");
		img->layers[layer].command = xstrdup("");
	}
	return 0;
}

int image_apply_config(struct image *img, const char *data, size_t len, ls_error *err)
{
	json_t *cfg, *diff_ids, *v;
	size_t i;
	if (json_parse_bytes(data, len, "image config", &cfg, err) < 0)
		return -1;
	img->config = cfg;
	if (!json_is_object(cfg))
		return ls_fail(err, "image config: not a JSON object");
	diff_ids = json_object_get(json_object_get(cfg, "rootfs"), "diff_ids");
	if (!json_is_array(diff_ids))
		return ls_fail(err, "image config: no rootfs.diff_ids");
	if (json_array_size(diff_ids) != img->n_layers)
		return ls_fail(err, "image config lists %zu diff_ids but the manifest %zu layers",
			       json_array_size(diff_ids), img->n_layers);
	json_array_foreach(diff_ids, i, v) {
		const char *d = json_string_value(v);
		if (digest_check(d, err) < 0)
			return ls_wrap(err, "image config: diff_ids[%zu]", i);
		img->layers[i].diff_id = xstrdup(d);
	}
	img->os = xstrdup(json_str(cfg, "os") ? json_str(cfg, "os") : "");
	img->architecture = xstrdup(json_str(cfg, "architecture") ? json_str(cfg, "architecture") : "");
	img->variant = xstrdup(json_str(cfg, "variant") ? json_str(cfg, "variant") : "");
	return apply_history(img, json_object_get(cfg, "history"));
}

void image_host_platform(char *out, size_t n)
{
	struct utsname u;
	const char *arch = "amd64", *variant = "";
	if (uname(&u) == 0) {
		if (!strcmp(u.machine, "aarch64"))
			arch = "arm64";
		else if (!strncmp(u.machine, "armv7", 5))
			arch = "arm", variant = "/v7";
		else if (!strncmp(u.machine, "armv6", 5))
			arch = "arm", variant = "/v6";
		else if (!strcmp(u.machine, "i686") || !strcmp(u.machine, "i386"))
			arch = "386";
		else if (!strcmp(u.machine, "ppc64le") || !strcmp(u.machine, "s390x") ||
			 !strcmp(u.machine, "riscv64"))
			arch = u.machine;
	}
	snprintf(out, n, "linux/%s%s", arch, variant);
}

int platform_matches(const char *want, const char *os, const char *arch, const char *variant)
{
	char w_os[64] = "", w_arch[64] = "", w_var[64] = "";
	sscanf(want, "%63[^/]/%63[^/]/%63s", w_os, w_arch, w_var);
	if (strcmp(w_os, os ? os : "") || strcmp(w_arch, arch ? arch : ""))
		return 0;
	return !w_var[0] || !variant || !*variant || !strcmp(w_var, variant);
}
