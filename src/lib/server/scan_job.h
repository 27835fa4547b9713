/* One scan as the server runs it: read docker://… from the registry, the same single pass
 * `layerscope scan` makes (report/gather.h), and the ECR findings document it prints. */
#ifndef LS_SERVER_SCAN_JOB_H
#define LS_SERVER_SCAN_JOB_H

#include <jansson.h>
#include <stdbool.h>

#include "source/image.h"
#include "util/error.h"

struct scan_config {
	struct image_options image; /* --registry-insecure, --creds */
	const char *db_path;        /* advisory database (NULL: the default path) */
	bool vuln, secret;          /* --scanners */
};

struct scan_result {
	char *digest;    /* the manifest digest read (a tag resolved) */
	json_t *ecr;     /* ecr_scan_findings_json() of the image */
	json_t *secrets; /* secret_findings_json(), or NULL without the secret scanner */
};

int scan_image(const struct scan_config *cfg, const char *ref, struct scan_result *out,
	       ls_error *err);
void scan_result_release(struct scan_result *r);

#endif
