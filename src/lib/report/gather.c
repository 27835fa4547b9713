#include <string.h>

#include "layer/visitor_tee.h"
#include "report/gather.h"
#include "util/mem.h"

static int scan_findings(struct image *img, const struct gather_options *o, struct image_facts *out,
			 struct pkg_collector *collector, ls_error *err)
{
	if (collector) {
		if (inventory_build(collector, out->model, &out->inv, err) < 0)
			return ls_wrap(err, "%s", img->reference);
		out->have_inventory = true;
	}
	if (o->db) {
		if (vuln_scan(o->db, &out->inv, &o->vuln, &out->vulns, err) < 0)
			return -1;
		out->have_vulns = true;
	}
	if (o->secrets) {
		if (secret_scanner_results(o->secrets, out->model, &out->secrets, &out->n_secrets, err) < 0)
			return -1;
		out->have_secrets = true;
	}
	return 0;
}

int image_facts_gather(struct image *img, const struct gather_options *o, struct image_facts *out,
		       ls_error *err)
{
	struct pkg_collector *collector = NULL;
	struct model_options mo = o->model;
	int r = -1;

	memset(out, 0, sizeof(*out));
	if (o->inventory || o->db)
		collector = pkg_collector_new(img->n_layers);
	struct visitor_tee *tee =
		visitor_tee_new(collector ? pkg_collector_visitor(collector) : NULL,
				o->secrets ? secret_scanner_visitor(o->secrets) : NULL, img->n_layers);
	mo.read.visitor = visitor_tee_visitor(tee);
	if (model_load(img, &mo, &out->model, err) < 0)
		ls_wrap(err, "%s", img->reference);
	else
		r = scan_findings(img, o, out, collector, err);
	pkg_collector_free(collector);
	visitor_tee_free(tee);
	if (r < 0)
		image_facts_release(out);
	return r;
}

void image_facts_release(struct image_facts *f)
{
	secret_findings_free(f->secrets, f->n_secrets);
	vuln_report_release(&f->vulns);
	if (f->have_inventory)
		inventory_release(&f->inv);
	model_free(f->model);
	memset(f, 0, sizeof(*f));
}

int gather_parse_scanners(const char *list, bool *vuln, bool *secret)
{
	char *copy = xstrdup(list), *save = NULL;
	bool bad = false;
	*vuln = *secret = false;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (!strcmp(t, "vuln"))
			*vuln = true;
		else if (!strcmp(t, "secret"))
			*secret = true;
		else
			bad = true;
	}
	free(copy);
	return bad || !(*vuln || *secret) ? -1 : 0;
}
