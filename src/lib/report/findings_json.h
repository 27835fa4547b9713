/* The JSON shapes of scan findings, shared by `scan --format json` and `report --format json`:
 * one vulnerability finding, the severity counts, the secret findings. */
#ifndef LS_FINDINGS_JSON_H
#define LS_FINDINGS_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "secrets/secrets.h"
#include "source/image.h"
#include "vuln/scan.h"

/* CRITICAL, HIGH, MEDIUM, LOW, UNDEFINED: most severe first. */
extern const char *const vuln_severities[5];

/* The history command of layer `layer` ("" when out of range or without history). */
const char *image_layer_command(const struct image *img, int layer);
/* Findings per severity, in vuln_severities order; r may be NULL (all zero). */
void vuln_severity_tally(const struct vuln_report *r, size_t counts[5]);

json_t *vuln_finding_json(const struct image *img, const struct vuln_finding *f);
/* {"CRITICAL": n, …, "UNDEFINED": n}; ecr adds ECR's "INFORMATIONAL": 0 before UNDEFINED. */
json_t *vuln_severity_counts_json(const struct vuln_report *r, bool ecr);
json_t *secret_findings_json(const struct image *img, const struct secret_finding *f, size_t n);
/* The document `aws ecr describe-image-scan-findings` prints for a COMPLETE scan (imageScanFindings,
 * imageId, imageScanStatus); completed_at is RFC 3339, or NULL for now. `scan --format ecr`
 * and `serve` both give this. */
json_t *ecr_scan_findings_json(const struct image *img, const struct vuln_report *r,
			       const char *completed_at);

#endif
