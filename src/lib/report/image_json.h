/* The JSON shape of `layers --json`, shared with `report --format json`: the image summary
 * and one object per layer. */
#ifndef LS_IMAGE_JSON_H
#define LS_IMAGE_JSON_H

#include <jansson.h>
#include <stdint.h>

#include "layer/model.h"
#include "source/image.h"

/* Layer i's blob digest: the manifest's, else the digest of the blob as stored. */
const char *image_layer_digest(const struct image *img, const struct image_model *m, size_t i);
/* Σ tar entries and Σ regular-file bytes over the layers (the "files" and "sizeBytes" shown). */
void image_totals(const struct image_model *m, uint64_t *files, uint64_t *bytes);

json_t *image_summary_json(const struct image *img, const struct image_model *m);
json_t *image_layers_json(const struct image *img, const struct image_model *m);

#endif
