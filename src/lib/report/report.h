/* `layerscope report`: everything the other verbs compute about one image — its layers,
 * dive's efficiency and layerscope's waste advice, packages, vulnerabilities, secrets — as one
 * self-contained HTML page (report_html.c) or one JSON document (report_json.c). The figures
 * are the ones `layers`, `analyze`, `sbom` and `scan` print; nothing is computed again here. */
#ifndef LS_REPORT_H
#define LS_REPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "analysis/efficiency.h"
#include "analysis/waste.h"
#include "report/gather.h"
#include "source/image.h"

struct report {
	const struct image *img;
	const struct image_facts *facts; /* model, inventory, vulnerabilities, secrets */
	const struct dive_analysis *dive;
	const struct waste_report *waste;
	const char *db_path; /* the advisory database matched against, or NULL */
	const char *db_note; /* without one: why, and how to get one */
	size_t max_rows;     /* HTML: rows of the inefficient-files table (0 = all) */
};

/* The image's "created" timestamp from its config, or NULL. */
const char *report_created(const struct image *img);

json_t *report_json(const struct report *r);
/* Write the page; returns -1 with err set when the stream fails. */
int report_html(FILE *f, const struct report *r, ls_error *err);

#endif
