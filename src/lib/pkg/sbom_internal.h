/* Helpers shared by the SBOM writers (sbom_format.c, sbom_spdx3.c); not a public API. */
#ifndef LS_PKG_SBOM_INTERNAL_H
#define LS_PKG_SBOM_INTERNAL_H

#include <jansson.h>

#include "pkg/inventory.h"
#include "source/image.h"

/* A JSON string; invalid UTF-8 (package metadata is not always valid) becomes '?'. */
json_t *sbom_jstr(const char *s);
/* The command of layer `layer`, "" when unknown. */
const char *sbom_layer_command(const struct image *img, int layer);
/* `now` as YYYY-MM-DDThh:mm:ssZ. */
void sbom_iso_time(long long now, char out[32]);
/* A stable UUID (version 4 layout) from the image id and the time, for document ids. */
void sbom_uuid(const struct image *img, long long now, char out[37]);
/* The package's licence when it is one SPDX expression of known ids, else NULL. */
const char *sbom_spdx_license(const struct package *p);
/* layerscope's per-package facts as [{"name", "value"}] (CycloneDX properties). */
json_t *sbom_package_properties(const struct image *img, const struct package *p);

#endif
