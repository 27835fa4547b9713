/* Writing an inventory: a table, layerscope's own JSON, CycloneDX 1.5 JSON, SPDX 2.3 JSON,
 * SPDX 3.0.1 JSON-LD (sbom_spdx3.c). */
#ifndef LS_PKG_SBOM_FORMAT_H
#define LS_PKG_SBOM_FORMAT_H

#include <jansson.h>
#include <stdio.h>

#include "pkg/inventory.h"
#include "source/image.h"

enum sbom_format { SBOM_TABLE, SBOM_JSON, SBOM_CYCLONEDX, SBOM_SPDX, SBOM_SPDX3 };

/* "table", "json", "cyclonedx", "spdx", "spdx3" (also "cyclonedx-json", "spdx-json",
 * "spdx3-json"); -1 if unknown. */
int sbom_format_parse(const char *s);

json_t *sbom_json(const struct image *img, const struct inventory *inv);
/* `now` is the document's creation time (seconds since the epoch). */
json_t *sbom_cyclonedx(const struct image *img, const struct inventory *inv, long long now);
json_t *sbom_spdx(const struct image *img, const struct inventory *inv, long long now);
/* SPDX 3.0.1 JSON-LD: {"@context", "@graph": [CreationInfo, agent, tool, SpdxDocument,
 * software_Sbom, software_Package…, simplelicensing_LicenseExpression…, Relationship…]}. */
json_t *sbom_spdx3(const struct image *img, const struct inventory *inv, long long now);
void sbom_table(FILE *out, const struct image *img, const struct inventory *inv);

#endif
