#include <math.h>

#include "report/findings_json.h"
#include "report/image_json.h"
#include "report/report.h"
#include "util/json.h"

const char *report_created(const struct image *img)
{
	return img->config ? json_str(img->config, "created") : NULL;
}

static json_t *real_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *image_json(const struct report *r)
{
	const struct image *img = r->img;
	json_t *j = image_summary_json(img, r->facts->model);
	const char *created = report_created(img);
	json_object_set_new(j, "digest", json_string(img->manifest_digest ? img->manifest_digest
									  : img->config_digest));
	if (img->variant && *img->variant)
		json_object_set_new(j, "variant", json_string(img->variant));
	json_object_set_new(j, "created", created ? json_string(created) : json_null());
	return j;
}

/* dive's names (analyze --json "image") and layerscope's ("layerscope" object). */
static json_t *efficiency_json(const struct report *r)
{
	const struct dive_analysis *d = r->dive;
	const struct waste_report *w = r->waste;
	json_t *j = json_object(), *advice = json_array();
	json_object_set_new(j, "efficiencyScore", real_or_null(d->efficiency));
	json_object_set_new(j, "sizeBytes", json_integer((json_int_t)d->size_bytes));
	json_object_set_new(j, "inefficientBytes", json_integer((json_int_t)d->wasted_bytes));
	json_object_set_new(j, "userSizeBytes", json_integer((json_int_t)d->user_size_bytes));
	json_object_set_new(j, "userWastedPercent", real_or_null(d->user_wasted_percent));
	json_object_set_new(j, "reclaimableBytes", json_integer((json_int_t)w->reclaimable_bytes));
	json_object_set_new(j, "reclaimableFiles", json_integer((json_int_t)w->reclaimable_files));
	json_object_set_new(j, "duplicateBytes", json_integer((json_int_t)w->duplicate_bytes));
	for (size_t i = 0; i < w->n_advice; i++)
		json_array_append_new(advice, json_pack("{ss sI sb so}", "kind",
							advice_kind_name(w->advice[i].kind), "bytes",
							(json_int_t)w->advice[i].bytes, "estimate",
							w->advice[i].estimate, "text",
							json_string_lossy(w->advice[i].text)));
	json_object_set_new(j, "advice", advice);
	return j;
}

static json_t *inefficient_files_json(const struct dive_analysis *d)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < d->n_refs; i++)
		json_array_append_new(arr, json_pack("{sI sI so}", "count", (json_int_t)d->refs[i].count,
						     "sizeBytes", (json_int_t)d->refs[i].size_bytes,
						     "file", json_string_lossy(d->refs[i].path)));
	return arr;
}

static json_t *vulnerabilities_json(const struct report *r)
{
	const struct image_facts *f = r->facts;
	json_t *j = json_object(), *findings = json_array();
	for (size_t i = 0; i < f->vulns.n; i++)
		json_array_append_new(findings, vuln_finding_json(r->img, &f->vulns.findings[i]));
	json_object_set_new(j, "scanned", json_boolean(f->have_vulns));
	json_object_set_new(j, "database", r->db_path ? json_string(r->db_path) : json_null());
	if (!f->have_vulns && r->db_note)
		json_object_set_new(j, "note", json_string(r->db_note));
	json_object_set_new(j, "counts", f->have_vulns ? vuln_severity_counts_json(&f->vulns, false) : json_null());
	json_object_set_new(j, "findings", findings);
	return j;
}

static json_t *packages_json(const struct image_facts *f)
{
	if (!f->have_inventory)
		return json_null();
	json_t *j = json_object(), *by_type = json_object();
	for (size_t i = 0; i < f->inv.pkgs.n; i++) {
		const char *t = pkg_type_name(f->inv.pkgs.items[i].type);
		json_object_set_new(by_type, t, json_integer(json_int(by_type, t, 0) + 1));
	}
	json_object_set_new(j, "os", json_pack("{s:s?, s:s?, s:s?}", "id", f->inv.os.id, "version",
					       f->inv.os.version, "name", f->inv.os.name));
	json_object_set_new(j, "total", json_integer((json_int_t)f->inv.pkgs.n));
	json_object_set_new(j, "byType", by_type);
	return j;
}

json_t *report_json(const struct report *r)
{
	const struct image_facts *f = r->facts;
	json_t *root = json_object();
	json_object_set_new(root, "image", image_json(r));
	json_object_set_new(root, "layers", image_layers_json(r->img, f->model));
	json_object_set_new(root, "efficiency", efficiency_json(r));
	json_object_set_new(root, "inefficientFiles", inefficient_files_json(r->dive));
	json_object_set_new(root, "vulnerabilities", vulnerabilities_json(r));
	json_object_set_new(root, "secrets", f->have_secrets ? secret_findings_json(r->img, f->secrets, f->n_secrets)
							     : json_null());
	json_object_set_new(root, "packages", packages_json(f));
	return root;
}
