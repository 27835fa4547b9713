/* Reading small blobs (manifests, configs, indexes) out of a container, verified. */
#ifndef LS_BLOB_H
#define LS_BLOB_H

#include <stdint.h>

#include "source/container.h"
#include "source/image.h"

/* Read `name`; when `digest` is given the bytes must hash to it, and when size >= 0 they must
 * be exactly that long. `what` names the blob in errors ("manifest", "config"). */
int blob_read_verified(struct container *c, const char *name, const char *digest, int64_t size,
		       const char *what, char **data, size_t *len, ls_error *err);
/* "blobs/sha256/<hex>" for a verified digest. */
char *blob_path(const char *digest);
/* The digest a name like "blobs/sha256/<hex>" or "<hex>.json" encodes, or NULL. */
char *blob_digest_from_name(const char *name);

/* For container-based sources: open `path` into img->priv unless detection already did. */
int container_attach(struct image *img, const char *path, ls_error *err);
int container_open_layer(struct image *img, size_t i, struct byte_stream **out, ls_error *err);
void container_release(struct image *img);
/* A compressed archive: read the layers in archive order, one at a time (see unpack.c). */
void container_plan_reads(struct image *img);

#endif
