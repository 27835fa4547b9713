/* An image as layerscope sees it, whatever it was read from: the verified config, and per
 * layer its descriptor, its diff_id and the history command that made it. */
#ifndef LS_IMAGE_H
#define LS_IMAGE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "source/stream.h"
#include "util/error.h"

struct layer_info {
	char *digest;            /* blob digest from the manifest; NULL when the source has none */
	char *diff_id;           /* config rootfs.diff_ids[i]: digest of the uncompressed tar */
	char *media_type;        /* as declared (informational: compression is sniffed) */
	int64_t compressed_size; /* blob bytes as stored */
	char *created_by;        /* history created_by, raw */
	char *command;           /* created_by as dive shows it ("/bin/sh -c " removed) */
	char *blob_name;         /* where the source finds the blob */
};

struct image_options {
	const char *platform; /* "os/arch[/variant]"; NULL = the host's */
	/* Registry sources (docker://): */
	const char *creds;    /* --creds USER[:PASS]; NULL = from an auth file, else anonymous */
	const char *authfile; /* --authfile FILE */
	bool insecure;        /* --tls-verify=false: plain HTTP and any certificate */
};

struct image;
struct image_source_ops {
	const char *transport;
	/* The reference after "transport:" is one string, never split at ':' (docker://…). */
	bool whole_reference;
	/* Fill img from the image at `path` (subref: the part after the path, or NULL).
	 * img->priv is the opened container when the path was detected by content, else NULL
	 * and the source opens what it needs (a file, a socket, a registry session). */
	int (*load)(struct image *img, const char *path, const char *subref,
		    const struct image_options *opts, ls_error *err);
	/* A stream of layer i's blob as stored (possibly compressed). */
	int (*open_layer)(struct image *img, size_t i, struct byte_stream **out, ls_error *err);
	void (*release)(struct image *img);
	/* Optional, after load: set read_order / read_serial. */
	void (*plan_reads)(struct image *img);
};

struct image {
	char *reference;       /* as the user wrote it */
	const char *transport; /* "docker-archive", "oci-archive", "oci", "docker" */
	char *manifest_digest; /* NULL for a docker-archive (its manifest.json has none) */
	char *config_digest;   /* the image id */
	json_t *config;
	char *os, *architecture, *variant;
	char **tags;
	size_t n_tags;
	struct layer_info *layers;
	size_t n_layers;
	const struct image_source_ops *ops;
	void *priv;
	/* Set by a source whose layers are cheapest read in one order, one at a time (a
	 * compressed archive: one pass through it); NULL / false otherwise. */
	size_t *read_order;
	bool read_serial;
};

/* Manifests, indexes and configs larger than this are refused (they are tiny in practice). */
#define IMAGE_JSON_LIMIT (16u * 1024 * 1024)

int image_open(const char *reference, const struct image_options *opts, struct image **out,
	       ls_error *err);
int image_open_layer(struct image *img, size_t i, struct byte_stream **out, ls_error *err);
void image_free(struct image *img);

/* Shared by the sources. */
int image_apply_config(struct image *img, const char *data, size_t len, ls_error *err);
void image_host_platform(char *out, size_t n);
/* Does "os/arch[/variant]" (want) match this platform? A variant missing on either side
 * matches any (configs and descriptors often leave it out). */
int platform_matches(const char *want, const char *os, const char *arch, const char *variant);
void image_add_layer(struct image *img, const char *blob_name, const char *digest,
		     const char *media_type, int64_t size);

extern const struct image_source_ops docker_archive_source;
extern const struct image_source_ops oci_archive_source;
extern const struct image_source_ops oci_dir_source;
extern const struct image_source_ops registry_source;
extern const struct image_source_ops daemon_source;

#endif
