#include "server/scan_job.h"

#include <string.h>

#include "report/findings_json.h"
#include "report/gather.h"
#include "util/mem.h"
#include "vuln/vulndb.h"

int scan_image(const struct scan_config *cfg, const char *ref, struct scan_result *out,
	       ls_error *err)
{
	struct image *img = NULL;
	struct vulndb *db = NULL;
	struct secret_scanner *secrets = NULL;
	struct secret_options so = {0};
	struct image_facts facts = {0};
	struct gather_options go = {0};
	int ret = -1;

	memset(out, 0, sizeof(*out));
	/* One database connection per scan: workers run scans side by side. */
	if (cfg->vuln && vulndb_open(cfg->db_path, false, &db, err) < 0)
		return -1;
	if (image_open(ref, &cfg->image, &img, err) < 0)
		goto out;
	if (cfg->secret && secret_scanner_new(&so, img->n_layers, &secrets, err) < 0)
		goto out;
	model_options_default(&go.model);
	go.db = db;
	go.secrets = secrets;
	if (image_facts_gather(img, &go, &facts, err) < 0)
		goto out;
	out->digest = xstrdup(img->manifest_digest ? img->manifest_digest : img->config_digest);
	out->ecr = ecr_scan_findings_json(img, &facts.vulns, NULL);
	if (cfg->secret)
		out->secrets = secret_findings_json(img, facts.secrets, facts.n_secrets);
	ret = 0;
out:
	image_facts_release(&facts);
	secret_scanner_free(secrets);
	image_free(img);
	vulndb_close(db);
	return ret;
}

void scan_result_release(struct scan_result *r)
{
	free(r->digest);
	json_decref(r->ecr);
	json_decref(r->secrets);
	memset(r, 0, sizeof(*r));
}
