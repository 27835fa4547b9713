/* One pass over an image's layers for everything the scan and report verbs show: the model,
 * the package inventory, vulnerabilities (inventory × advisory database) and secrets. The
 * package collector and the secret scanner share the pass through a visitor tee. */
#ifndef LS_GATHER_H
#define LS_GATHER_H

#include <stdbool.h>
#include <stddef.h>

#include "layer/model.h"
#include "pkg/inventory.h"
#include "secrets/secrets.h"
#include "vuln/scan.h"

struct gather_options {
	struct model_options model;     /* read.visitor is set here */
	bool inventory;                 /* build the package inventory */
	struct vulndb *db;              /* match the inventory against it; NULL: no vuln scan */
	struct vuln_options vuln;
	struct secret_scanner *secrets; /* NULL: no secret scan */
};

struct image_facts {
	struct image_model *model;
	bool have_inventory, have_vulns, have_secrets;
	struct inventory inv;
	struct vuln_report vulns; /* empty without a database */
	struct secret_finding *secrets;
	size_t n_secrets;
};

/* Errors from reading the image and building the inventory name img->reference. On failure
 * out is released. */
int image_facts_gather(struct image *img, const struct gather_options *o, struct image_facts *out,
		       ls_error *err);
void image_facts_release(struct image_facts *f);

/* --scanners of scan and report: "vuln", "secret" or "vuln,secret"; -1 for anything else. */
int gather_parse_scanners(const char *list, bool *vuln, bool *secret);

#endif
