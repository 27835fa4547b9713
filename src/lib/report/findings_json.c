#include <stdio.h>
#include <time.h>

#include "report/findings_json.h"
#include "util/json.h"

const char *const vuln_severities[5] = {"CRITICAL", "HIGH", "MEDIUM", "LOW", "UNDEFINED"};

const char *image_layer_command(const struct image *img, int layer)
{
	if (layer < 0 || (size_t)layer >= img->n_layers || !img->layers[layer].command)
		return "";
	return img->layers[layer].command;
}

void vuln_severity_tally(const struct vuln_report *r, size_t counts[5])
{
	for (int s = 0; s < 5; s++)
		counts[s] = 0;
	for (size_t i = 0; r && i < r->n; i++) {
		int rank = severity_rank(r->findings[i].severity); /* -1 for an unknown label */
		counts[rank < 0 ? 4 : 4 - rank]++;
	}
}

json_t *vuln_finding_json(const struct image *img, const struct vuln_finding *f)
{
	json_t *j = json_object();
	json_t *aliases = f->aliases ? json_loads(f->aliases, 0, NULL) : NULL;
	json_object_set_new(j, "id", json_string(f->id));
	json_object_set_new(j, "name", json_string(f->name));
	json_object_set_new(j, "aliases", aliases ? aliases : json_array());
	json_object_set_new(j, "source", json_string(f->source));
	json_object_set_new(j, "package", json_string_lossy(f->pkg->name));
	json_object_set_new(j, "packageType", json_string(pkg_type_name(f->pkg->type)));
	json_object_set_new(j, "purl", f->pkg->purl ? json_string(f->pkg->purl) : json_null());
	json_object_set_new(j, "matchedAs", json_string(f->queried));
	json_object_set_new(j, "installedVersion", json_string_lossy(f->pkg->version));
	json_object_set_new(j, "comparedVersion", json_string_lossy(f->installed));
	json_object_set_new(j, "fixedVersion", f->fixed ? json_string(f->fixed) : json_null());
	json_object_set_new(j, "severity", json_string(f->severity));
	json_object_set_new(j, "cvss3Score", f->cvss3_score >= 0 ? json_real(f->cvss3_score) : json_null());
	json_object_set_new(j, "cvss3Vector", f->cvss3_vector ? json_string(f->cvss3_vector) : json_null());
	json_object_set_new(j, "cvssScore", f->cvss_score >= 0 ? json_real(f->cvss_score) : json_null());
	json_object_set_new(j, "cvssVector", f->cvss_vector ? json_string(f->cvss_vector) : json_null());
	json_object_set_new(j, "title", f->title ? json_string(f->title) : json_null());
	json_object_set_new(j, "url", f->url ? json_string(f->url) : json_null());
	json_object_set_new(j, "location", f->pkg->location ? json_string_lossy(f->pkg->location) : json_null());
	json_object_set_new(j, "layer", json_integer(f->pkg->layer));
	json_object_set_new(j, "layerCommand", json_string(image_layer_command(img, f->pkg->layer)));
	return j;
}

json_t *vuln_severity_counts_json(const struct vuln_report *r, bool ecr)
{
	json_t *c = json_object();
	size_t n[5];
	vuln_severity_tally(r, n);
	for (int s = 0; s < 4; s++)
		json_object_set_new(c, vuln_severities[s], json_integer((json_int_t)n[s]));
	if (ecr)
		json_object_set_new(c, "INFORMATIONAL", json_integer(0));
	json_object_set_new(c, "UNDEFINED", json_integer((json_int_t)n[4]));
	return c;
}

json_t *secret_findings_json(const struct image *img, const struct secret_finding *f, size_t n)
{
	json_t *arr = json_array();
	char path[4096];
	for (size_t i = 0; i < n; i++) {
		json_t *j = json_object();
		snprintf(path, sizeof(path), "/%s", f[i].path);
		json_object_set_new(j, "ruleId", json_string(f[i].rule->id));
		json_object_set_new(j, "title", json_string(f[i].rule->title));
		json_object_set_new(j, "severity", json_string(f[i].rule->severity));
		json_object_set_new(j, "path", json_string_lossy(path));
		json_object_set_new(j, "line", json_integer(f[i].line));
		json_object_set_new(j, "match", json_string(f[i].masked));
		json_object_set_new(j, "layer", json_integer((json_int_t)f[i].layer));
		json_object_set_new(j, "layerCommand", json_string(image_layer_command(img, (int)f[i].layer)));
		json_object_set_new(j, "inFinalFilesystem", json_boolean(f[i].in_final));
		json_object_set_new(j, "removedInLayer",
				    f[i].removed_in >= 0 ? json_integer(f[i].removed_in) : json_null());
		json_array_append_new(arr, j);
	}
	return arr;
}

static json_t *ecr_finding_json(const struct vuln_finding *f)
{
	json_t *attrs = json_array();
	char score[16];
	/* name and version come from the image's package databases: any bytes at all */
	json_array_append_new(attrs, json_pack("{ss so}", "key", "package_version", "value",
					       json_string_lossy(f->pkg->version)));
	json_array_append_new(attrs, json_pack("{ss so}", "key", "package_name", "value",
					       json_string_lossy(f->pkg->name)));
	if (f->fixed)
		json_array_append_new(attrs, json_pack("{ss ss}", "key", "fixed_version", "value", f->fixed));
	if (f->cvss3_vector) {
		snprintf(score, sizeof(score), "%.1f", f->cvss3_score);
		json_array_append_new(attrs, json_pack("{ss ss}", "key", "CVSS3_VECTOR", "value", f->cvss3_vector));
		json_array_append_new(attrs, json_pack("{ss ss}", "key", "CVSS3_SCORE", "value", score));
	}
	return json_pack("{ss ss* ss* ss so}", "name", f->name, "description",
			 f->description ? f->description : f->title, "uri", f->url, "severity", f->severity,
			 "attributes", attrs);
}

json_t *ecr_scan_findings_json(const struct image *img, const struct vuln_report *r,
			       const char *completed_at)
{
	json_t *findings = json_array();
	char now[32];
	if (!completed_at) {
		time_t t = time(NULL);
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
		completed_at = now;
	}
	for (size_t i = 0; i < r->n; i++)
		json_array_append_new(findings, ecr_finding_json(&r->findings[i]));
	json_t *root = json_object();
	json_object_set_new(root, "imageScanFindings",
			    json_pack("{so ss s:s? so}", "findings", findings, "imageScanCompletedAt",
				      completed_at, "vulnerabilitySourceUpdatedAt", r->db_updated,
				      "findingSeverityCounts", vuln_severity_counts_json(r, true)));
	json_object_set_new(root, "imageId", json_pack("{ss}", "imageDigest",
						       img->manifest_digest ? img->manifest_digest : img->config_digest));
	json_object_set_new(root, "imageScanStatus",
			    json_pack("{ss ss}", "status", "COMPLETE", "description",
				      "The scan was completed successfully."));
	return root;
}
