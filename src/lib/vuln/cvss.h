/* Severity from CVSS vectors: v4.0 scores as FIRST's specification and reference calculator
 * compute them (equivalence classes EQ1–EQ6, the MacroVector table, severity-distance
 * interpolation), v3.0/v3.1 base scores by the specification's formulas, v2 base scores, and
 * the rating bands (NVD, the same for v4): 0.1–3.9 LOW, 4.0–6.9 MEDIUM, 7.0–8.9 HIGH,
 * 9.0–10 CRITICAL. */
#ifndef LS_VULN_CVSS_H
#define LS_VULN_CVSS_H

#include <stdbool.h>

/* The score of a vector ("CVSS:4.0/AV:N/…", "CVSS:3.1/AV:N/…" or a v2 "AV:N/AC:L/Au:N/…");
 * -1 when the vector is malformed or of a version this does not score. A v4 vector is scored
 * with the threat and environmental metrics it carries (CVSS-B, -BT, -BE or -BTE: E:X counts
 * as E:A, CR/IR/AR:X as H); supplemental metrics are checked but never change the score.
 * A v4 vector needs each base metric exactly once, every other metric at most once, and
 * known values only. */
double cvss_base_score(const char *vector);
/* The six EQ levels of a v4 vector ("001100"), or -1 when it is malformed. */
int cvss4_macrovector(const char *vector, char out[7]);
/* "CRITICAL", "HIGH", "MEDIUM", "LOW" or "NONE" (score 0). */
const char *cvss_rating(double score);

#endif
