/* Writing an inventory: a table, layerscope's own JSON, CycloneDX 1.5 JSON, SPDX 2.3 JSON. */
#ifndef LS_PKG_SBOM_FORMAT_H
#define LS_PKG_SBOM_FORMAT_H

#include <jansson.h>
#include <stdio.h>

#include "pkg/inventory.h"
#include "source/image.h"

enum sbom_format { SBOM_TABLE, SBOM_JSON, SBOM_CYCLONEDX, SBOM_SPDX };

/* "table", "json", "cyclonedx", "spdx" (also "cyclonedx-json", "spdx-json"); -1 if unknown. */
int sbom_format_parse(const char *s);

json_t *sbom_json(const struct image *img, const struct inventory *inv);
/* `now` is the document's creation time (seconds since the epoch). */
json_t *sbom_cyclonedx(const struct image *img, const struct inventory *inv, long long now);
json_t *sbom_spdx(const struct image *img, const struct inventory *inv, long long now);
void sbom_table(FILE *out, const struct image *img, const struct inventory *inv);

#endif
