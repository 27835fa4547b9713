/* What OCI layouts and registries share: from an image index (or Docker manifest list) down
 * to one image manifest by platform, then its config and layers into a struct image. The
 * source supplies how a descriptor's bytes are read (a blob file, an HTTP GET), verified
 * against the descriptor's digest and size. */
#ifndef LS_MANIFEST_H
#define LS_MANIFEST_H

#include <jansson.h>
#include <stdbool.h>

#include "source/image.h"

struct descriptor_reader {
	/* Read the bytes `desc` names; `what` is "manifest" or "config" (a registry fetches
	 * them from different endpoints). Must verify them against desc's digest and size. */
	int (*read)(void *ctx, json_t *desc, const char *what, char **data, size_t *len,
		    ls_error *err);
	void *ctx;
	/* Said when an index lists several manifests and none names its platform. */
	const char *no_platform_hint;
};

bool manifest_is_index(const char *media_type, json_t *doc);
/* Pick the manifest for `platform` (one entry: that one); a missing platform lists those
 * present. Attestation manifests (unknown/unknown) are skipped. */
int index_choose_platform(json_t *manifests, const char *platform, const char *no_platform_hint,
			  json_t **out, ls_error *err);
/* Descend from `doc` (an index or a manifest, whose own digest is `digest`; takes ownership
 * of doc) to the image for opts' platform (default the host's) and fill img: layers,
 * manifest_digest, config_digest and the verified config. */
int manifest_resolve(struct image *img, json_t *doc, const char *media_type, const char *digest,
		     const struct image_options *opts, const struct descriptor_reader *reader,
		     ls_error *err);

#endif
