/* Severity from CVSS vectors: v3.0/v3.1 base scores by the specification's formulas, v2 base
 * scores, and the rating bands (NVD): 0.1–3.9 LOW, 4.0–6.9 MEDIUM, 7.0–8.9 HIGH, 9.0–10
 * CRITICAL. CVSS v4 vectors are recognised but not scored here (their scoring needs the
 * specification's macro-vector table): callers fall back to the source's own severity. */
#ifndef LS_VULN_CVSS_H
#define LS_VULN_CVSS_H

#include <stdbool.h>

/* The base score of a vector ("CVSS:3.1/AV:N/…" or a v2 "AV:N/AC:L/Au:N/…"); -1 when the
 * vector is malformed or of a version this does not score. */
double cvss_base_score(const char *vector);
/* "CRITICAL", "HIGH", "MEDIUM", "LOW" or "NONE" (score 0). */
const char *cvss_rating(double score);

#endif
