/* layerscope scan IMAGE: security findings. The vuln scanner matches the package inventory
 * against the offline advisory database; the secret scanner reads every regular file of every
 * layer, including files a later layer deleted or replaced: they are still in the image. Both
 * run in the same single pass over the layers. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "pkg/inventory.h"
#include "pkg/sbom_format.h"
#include "report/findings_json.h"
#include "report/gather.h"
#include "secrets/secrets.h"
#include "util/json.h"
#include "util/mem.h"
#include "vuln/scan.h"

static const char *scan_help =
	"Usage: layerscope scan [options] IMAGE\n\n"
	"Find known vulnerabilities in the image's packages (offline, from the advisory database\n"
	"that 'layerscope db import' builds) and secrets left in any layer.\n\n"
	"  --scanners LIST        vuln, secret or vuln,secret (default: vuln)\n"
	"  --format FORMAT        table (default), json, ecr (ECR describe-image-scan-findings),\n"
	"                         sarif, cyclonedx (the SBOM with its vulnerabilities)\n"
	"  --db FILE              advisory database (default ~/.cache/layerscope/vuln.db)\n"
	"  --severity LIST        only these severities (CRITICAL,HIGH,MEDIUM,LOW,UNDEFINED)\n"
	"  --ignore-unfixed       leave out vulnerabilities with no fixed version yet\n"
	"  --fail-on SEVERITY     exit 1 when a finding is at least this severe\n"
	"  --ignore-file FILE     ids to ignore (default ./.layerscopeignore): one per line,\n"
	"                         'ID [exp:YYYY-MM-DD] [# reason]'; an expired line ignores nothing\n"
	"  --vex FILE             OpenVEX document: not_affected / fixed statements silence findings\n"
	"  --include-os-owned     also match language packages that an OS package owns\n"
	"  --scan-binaries        look for secrets in binary files too\n"
	"  --skip-rule ID         leave a secret rule out (repeatable)\n"
	"  --secret-config FILE   secret rules in Trivy's secret-config shape (rules, allow-rules,\n"
	"                         disable-rules, enable-builtin-rules); default: the 'secrets:'\n"
	"                         section of ./.layerscope.yaml\n\n"
	"OS packages are matched by source package in the image's distro release, with the\n"
	"distro's own version order, so backported fixes are not reported; a distro's 'not\n"
	"affected' is honoured. Secret matches are masked: 4 characters, then '*'.\n";

struct scan_cli {
	bool vuln, secret;
	const char *format, *db_path, *fail_on, *ignore_file, *vex_file, *secret_config;
	bool severity_filter[5];
	bool any_severity_filter, ignore_unfixed;
	struct vuln_options vo;
	struct secret_options so;
	struct secret_config sc;
	const char *sc_path; /* where sc came from, for errors; NULL when none */
	const char *skipped[64];
};

/* ---- suppression: --severity, --ignore-unfixed, .layerscopeignore, OpenVEX ---- */

struct ignore_list {
	char **ids;
	size_t n, cap;
};

static int load_ignore_file(const char *path, bool explicit, struct ignore_list *l)
{
	FILE *f = fopen(path, "r");
	char line[1024], today[16];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	if (!f) {
		if (explicit) {
			print_error("%s: cannot open the ignore file", path);
			return -1;
		}
		return 0;
	}
	while (fgets(line, sizeof(line), f)) {
		char id[256], *exp = strstr(line, "exp:");
		if (sscanf(line, " %255s", id) != 1 || id[0] == '#')
			continue;
		if (exp && strncmp(exp + 4, today, 10) < 0) {
			fprintf(stderr, "layerscope: warning: %s: the entry for %s expired on %.10s\n", path,
				id, exp + 4);
			continue;
		}
		l->ids = xgrow(l->ids, &l->cap, l->n + 1, sizeof(char *));
		l->ids[l->n++] = xstrdup(id);
	}
	fclose(f);
	return 0;
}

/* OpenVEX: statements whose status is not_affected or fixed silence their vulnerability. */
static int load_vex(const char *path, struct ignore_list *l)
{
	json_error_t jerr;
	json_t *doc = json_load_file(path, 0, &jerr), *st;
	size_t i;
	if (!doc) {
		print_error("%s: not an OpenVEX document: %s (line %d)", path, jerr.text, jerr.line);
		return -1;
	}
	json_array_foreach(json_object_get(doc, "statements"), i, st) {
		const char *status = json_str(st, "status");
		json_t *v = json_object_get(st, "vulnerability");
		const char *name = json_is_string(v) ? json_string_value(v) : json_str(v, "name");
		if (!name || !status || (strcmp(status, "not_affected") && strcmp(status, "fixed")))
			continue;
		l->ids = xgrow(l->ids, &l->cap, l->n + 1, sizeof(char *));
		l->ids[l->n++] = xstrdup(name);
		size_t k;
		json_t *alias;
		json_array_foreach(json_object_get(v, "aliases"), k, alias)
			if (json_is_string(alias)) {
				l->ids = xgrow(l->ids, &l->cap, l->n + 1, sizeof(char *));
				l->ids[l->n++] = xstrdup(json_string_value(alias));
			}
	}
	json_decref(doc);
	return 0;
}

static bool ignored(const struct ignore_list *l, const struct vuln_finding *f)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->ids[i], f->name) || !strcmp(l->ids[i], f->id))
			return true;
	return false;
}

static void filter_findings(struct scan_cli *c, const struct ignore_list *ign, struct vuln_report *r)
{
	size_t keep = 0;
	for (size_t i = 0; i < r->n; i++) {
		struct vuln_finding *f = &r->findings[i];
		int rank = severity_rank(f->severity);
		bool drop = ignored(ign, f) || (c->ignore_unfixed && !f->fixed) ||
			    (c->any_severity_filter && !c->severity_filter[rank < 0 ? 0 : rank]);
		if (drop) {
			vuln_finding_release(f);
			continue;
		}
		r->findings[keep++] = *f;
	}
	r->n = keep;
}

/* ---- output ---- */

static void print_vuln_table(const struct image *img, const struct inventory *inv,
			     const struct vuln_report *r)
{
	size_t counts[5];
	vuln_severity_tally(r, counts);
	printf("%s (%s)\n", img->reference, inv->os.name ? inv->os.name : "unknown OS");
	printf("Vulnerabilities: %zu (CRITICAL: %zu, HIGH: %zu, MEDIUM: %zu, LOW: %zu, UNDEFINED: %zu)\n",
	       r->n, counts[0], counts[1], counts[2], counts[3], counts[4]);
	for (int s = 0; s < 5; s++) {
		if (!counts[s])
			continue;
		printf("\n%s (%zu)\n", vuln_severities[s], counts[s]);
		printf("  %-20s %-28s %-24s %-24s %-5s %s\n", "ID", "PACKAGE", "INSTALLED", "FIXED",
		       "LAYER", "TITLE");
		for (size_t i = 0; i < r->n; i++) {
			const struct vuln_finding *f = &r->findings[i];
			if (strcmp(f->severity, vuln_severities[s]))
				continue;
			printf("  %-20s %-28s %-24s %-24s %-5d %.60s\n", f->name, f->pkg->name,
			       f->pkg->version, f->fixed ? f->fixed : "(no fix yet)", f->pkg->layer,
			       f->title ? f->title : "");
		}
	}
	for (size_t i = 0; i < r->n_warnings; i++)
		fprintf(stderr, "layerscope: warning: %s\n", r->warnings[i]);
}

static void print_secret_table(const struct image *img, const struct secret_finding *f, size_t n)
{
	size_t hidden = 0;
	for (size_t i = 0; i < n; i++)
		hidden += !f[i].in_final;
	printf("Secrets: %zu found", n);
	if (hidden)
		printf(" (%zu no longer visible, but still in the image)", hidden);
	printf("\n");
	if (!n)
		return;
	printf("\n  %-8s  %-24s  %-5s  %-5s  %-22s  %s\n", "SEVERITY", "RULE", "LAYER", "LINE",
	       "MATCH", "PATH");
	for (int s = 0; s < 5; s++)
		for (size_t i = 0; i < n; i++) {
			char status[96];
			if (strcmp(f[i].rule->severity, vuln_severities[s]))
				continue;
			printf("  %-8s  %-24s  %-5zu  %-5d  %-22s  /%s\n", f[i].rule->severity,
			       f[i].rule->id, f[i].layer, f[i].line, f[i].masked, f[i].path);
			if (f[i].in_final)
				snprintf(status, sizeof(status), "in the final filesystem");
			else if (f[i].removed_in >= 0)
				snprintf(status, sizeof(status), "removed in layer %d, still in the image",
					 f[i].removed_in);
			else
				snprintf(status, sizeof(status), "not visible, still in the image");
			printf("  %-8s  %s; added by: %.60s\n", "", status, image_layer_command(img, (int)f[i].layer));
		}
}

static void dump(json_t *root)
{
	json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	json_decref(root);
}

static void print_json(const struct image *img, const struct inventory *inv,
		       const struct vuln_report *r, const struct secret_finding *sf, size_t n_sf,
		       const struct scan_cli *c)
{
	json_t *root = json_object();
	json_object_set_new(root, "image", json_string(img->reference));
	json_object_set_new(root, "imageId", json_string(img->config_digest));
	if (inv) {
		json_object_set_new(root, "os", json_pack("{s:s?, s:s?, s:s?}", "id", inv->os.id, "version",
							 inv->os.version, "osvEcosystem", inv->os.osv));
	}
	if (c->vuln) {
		json_t *arr = json_array();
		for (size_t i = 0; i < r->n; i++)
			json_array_append_new(arr, vuln_finding_json(img, &r->findings[i]));
		json_object_set_new(root, "vulnerabilities", arr);
		json_object_set_new(root, "severityCounts", vuln_severity_counts_json(r, false));
		json_object_set_new(root, "vulnerabilitySourceUpdatedAt",
				    r->db_updated ? json_string(r->db_updated) : json_null());
	}
	if (c->secret)
		json_object_set_new(root, "secrets", secret_findings_json(img, sf, n_sf));
	dump(root);
}

static const char *sarif_level(const char *severity)
{
	int r = severity_rank(severity);
	return r >= 3 ? "error" : r == 2 ? "warning" : "note";
}

static const char *security_severity(const char *severity)
{
	switch (severity_rank(severity)) {
	case 4: return "9.5";
	case 3: return "8.0";
	case 2: return "5.5";
	case 1: return "2.0";
	default: return "0.0";
	}
}

static void print_sarif(const struct image *img, const struct vuln_report *r,
			const struct secret_finding *sf, size_t n_sf)
{
	json_t *rules = json_array(), *results = json_array();
	json_t *seen = json_object();
	for (size_t i = 0; r && i < r->n; i++) {
		const struct vuln_finding *f = &r->findings[i];
		if (!json_object_get(seen, f->name)) {
			json_object_set_new(seen, f->name, json_integer((json_int_t)json_array_size(rules)));
			json_t *rule = json_pack("{ss s{ss} s{ss}}", "id", f->name, "shortDescription", "text",
						 f->title ? f->title : f->name, "properties",
						 "security-severity", security_severity(f->severity));
			if (f->url)
				json_object_set_new(rule, "helpUri", json_string(f->url));
			json_array_append_new(rules, rule);
		}
		char *msg = xasprintf("%s %s is affected by %s (%s); %s", f->pkg->name, f->pkg->version,
				      f->name, f->severity,
				      f->fixed ? "fixed in " : "no fixed version yet");
		char *full = f->fixed ? xasprintf("%s%s", msg, f->fixed) : xstrdup(msg);
		const char *where = f->pkg->location ? f->pkg->location : img->reference;
		json_array_append_new(results, json_pack(
			"{ss si ss s{ss} s[{s{s{ss}}}]}", "ruleId", f->name, "ruleIndex",
			(int)json_integer_value(json_object_get(seen, f->name)), "level", sarif_level(f->severity),
			"message", "text", full, "locations", "physicalLocation", "artifactLocation", "uri", where));
		free(msg);
		free(full);
	}
	for (size_t i = 0; i < n_sf; i++) {
		const char *id = sf[i].rule->id;
		if (!json_object_get(seen, id)) {
			json_object_set_new(seen, id, json_integer((json_int_t)json_array_size(rules)));
			json_array_append_new(rules, json_pack("{ss s{ss} s{ss}}", "id", id, "shortDescription",
							       "text", sf[i].rule->title, "properties",
							       "security-severity", security_severity(sf[i].rule->severity)));
		}
		char *msg = xasprintf("%s in layer %zu%s (%s)", sf[i].rule->title, sf[i].layer,
				      sf[i].in_final ? "" : ", no longer visible but still in the image",
				      sf[i].masked);
		json_array_append_new(results, json_pack(
			"{ss si ss s{ss} s[{s{s{ss} s{si}}}]}", "ruleId", id, "ruleIndex",
			(int)json_integer_value(json_object_get(seen, id)), "level", sarif_level(sf[i].rule->severity),
			"message", "text", msg, "locations", "physicalLocation", "artifactLocation", "uri",
			sf[i].path, "region", "startLine", sf[i].line > 0 ? sf[i].line : 1));
		free(msg);
	}
	json_decref(seen);
	json_t *root = json_pack(
		"{ss ss s[{s{s{ss ss ss so}} so}]}", "$schema",
		"https://json.schemastore.org/sarif-2.1.0.json", "version", "2.1.0", "runs", "tool",
		"driver", "name", "layerscope", "version", LS_VERSION, "informationUri",
		"https://github.com/layerscope/layerscope", "rules", rules, "results", results);
	dump(root);
}

static void print_cyclonedx(const struct image *img, const struct inventory *inv,
			    const struct vuln_report *r)
{
	json_t *bom = sbom_cyclonedx(img, inv, (long long)time(NULL));
	json_t *vulns = json_array();
	for (size_t i = 0; i < r->n; i++) {
		const struct vuln_finding *f = &r->findings[i];
		const char *rating = strcmp(f->severity, "UNDEFINED") ? f->severity : "unknown";
		char lower[16];
		size_t k = 0;
		for (; rating[k] && k < sizeof(lower) - 1; k++)
			lower[k] = (char)(rating[k] >= 'A' && rating[k] <= 'Z' ? rating[k] + 32 : rating[k]);
		lower[k] = '\0';
		/* sbom_cyclonedx() names components "pkg-<index in the inventory>". */
		char ref[32];
		snprintf(ref, sizeof(ref), "pkg-%zu", (size_t)(f->pkg - inv->pkgs.items));
		json_t *v = json_pack("{ss s{ss} s[{ss}] s[{ss}]}", "id", f->name, "source", "name", f->source,
				      "ratings", "severity", lower, "affects", "ref", ref);
		if (f->title)
			json_object_set_new(v, "description", json_string(f->title));
		if (f->fixed)
			json_object_set_new(v, "recommendation", json_sprintf("Upgrade %s to %s", f->pkg->name, f->fixed));
		json_array_append_new(vulns, v);
	}
	json_object_set_new(bom, "vulnerabilities", vulns);
	dump(bom);
}

/* ---- the command ---- */

/* Secret rules from --secret-config FILE, else from the `secrets:` section of
 * ./.layerscope.yaml (or .yml) when there is one; Trivy's ./trivy-secret.yaml is not read
 * unless named. */
static int load_secret_config(struct scan_cli *c)
{
	static const char *local[] = {".layerscope.yaml", ".layerscope.yml"};
	ls_error err;
	int r = 0;
	if (c->secret_config) {
		c->sc_path = c->secret_config;
		r = secret_config_load(&c->sc, c->sc_path, &err);
	} else {
		for (size_t i = 0; i < sizeof(local) / sizeof(*local) && !c->sc_path; i++)
			if (access(local[i], R_OK) == 0) {
				c->sc_path = local[i];
				r = secret_config_load_section(&c->sc, c->sc_path, &err);
			}
	}
	if (r < 0) {
		print_error("%s", err.msg);
		return -1;
	}
	c->so.config = &c->sc;
	return 0;
}

static int parse_severities(struct scan_cli *c, const char *list)
{
	char *copy = xstrdup(list), *save = NULL;
	c->any_severity_filter = true;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int r = severity_rank(t);
		if (r < 0) {
			free(copy);
			return -1;
		}
		c->severity_filter[r] = true;
	}
	free(copy);
	return 0;
}

static int parse_args(struct scan_cli *c, struct image_cli *ic, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"scanners", required_argument, NULL, 's'},
		{"format", required_argument, NULL, 'f'},
		{"db", required_argument, NULL, 'd'},
		{"severity", required_argument, NULL, 'S'},
		{"ignore-unfixed", no_argument, NULL, 'u'},
		{"fail-on", required_argument, NULL, 'F'},
		{"ignore-file", required_argument, NULL, 'i'},
		{"vex", required_argument, NULL, 'v'},
		{"include-os-owned", no_argument, NULL, 'o'},
		{"scan-binaries", no_argument, NULL, 'b'},
		{"skip-rule", required_argument, NULL, 'k'},
		{"secret-config", required_argument, NULL, 'C'},
		{"help", no_argument, NULL, 'h'},
		IMAGE_CLI_LONG_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	int opt;
	c->format = "table";
	c->vuln = true;
	while ((opt = image_cli_getopt(ic, argc, argv, "h", longopts)) != -1) {
		switch (opt) {
		case IMAGE_CLI_BAD: return EXIT_ERROR;
		case 's':
			if (gather_parse_scanners(optarg, &c->vuln, &c->secret) < 0)
				return usage_error("scan", "--scanners takes vuln, secret or vuln,secret");
			break;
		case 'f': c->format = optarg; break;
		case 'd': c->db_path = optarg; break;
		case 'S':
			if (parse_severities(c, optarg) < 0)
				return usage_error("scan", "--severity takes CRITICAL,HIGH,MEDIUM,LOW,UNDEFINED");
			break;
		case 'u': c->ignore_unfixed = true; break;
		case 'F': c->fail_on = optarg; break;
		case 'i': c->ignore_file = optarg; break;
		case 'v': c->vex_file = optarg; break;
		case 'o': c->vo.include_os_owned = true; break;
		case 'b': c->so.binaries = true; break;
		case 'k':
			if (c->so.n_disabled < 64)
				c->skipped[c->so.n_disabled++] = optarg;
			break;
		case 'C': c->secret_config = optarg; break;
		case 'h': printf("%s\n%s", scan_help, IMAGE_CLI_HELP); return EXIT_OK;
		default: return usage_error("scan", "unknown option");
		}
	}
	c->so.disabled = c->skipped;
	if (optind != argc - 1)
		return usage_error("scan", "expected one IMAGE");
	if (strcmp(c->format, "table") && strcmp(c->format, "json") && strcmp(c->format, "ecr") &&
	    strcmp(c->format, "sarif") && strcmp(c->format, "cyclonedx"))
		return usage_error("scan", "unknown format '%s' (table, json, ecr, sarif, cyclonedx)", c->format);
	if ((!strcmp(c->format, "ecr") || !strcmp(c->format, "cyclonedx")) && !c->vuln)
		return usage_error("scan", "--format %s needs the vuln scanner", c->format);
	if (c->fail_on && severity_rank(c->fail_on) < 0)
		return usage_error("scan", "--fail-on takes CRITICAL, HIGH, MEDIUM, LOW or UNDEFINED");
	return -1; /* go on */
}

int cmd_scan(int argc, char **argv)
{
	struct scan_cli c = {0};
	struct image_cli ic;
	struct image *img = NULL;
	struct secret_scanner *secrets = NULL;
	struct vulndb *db = NULL;
	struct image_facts facts = {0};
	struct ignore_list ign = {0};
	int ret = EXIT_ERROR;
	ls_error err;

	image_cli_init(&ic);
	int r = parse_args(&c, &ic, argc, argv);
	if (r >= 0)
		return r;
	if (c.vuln) {
		if (vulndb_open(c.db_path, false, &db, &err) < 0) {
			print_error("%s", err.msg);
			return EXIT_ERROR;
		}
		if (load_ignore_file(c.ignore_file ? c.ignore_file : ".layerscopeignore", c.ignore_file != NULL, &ign) < 0 ||
		    (c.vex_file && load_vex(c.vex_file, &ign) < 0))
			goto out;
	}
	if (c.secret && load_secret_config(&c) < 0)
		goto out;
	if (image_cli_load(&ic, argv[optind], &img, NULL) < 0)
		goto out;
	if (c.secret && secret_scanner_new(&c.so, img->n_layers, &secrets, &err) < 0) {
		if (c.sc_path)
			print_error("%s: %s", c.sc_path, err.msg);
		else
			print_error("%s", err.msg);
		goto out;
	}
	struct gather_options go = {.model = ic.model, .db = db, .vuln = c.vo, .secrets = secrets};
	if (image_facts_gather(img, &go, &facts, &err) < 0) {
		print_error("%s", err.msg);
		goto out;
	}
	if (c.vuln)
		filter_findings(&c, &ign, &facts.vulns);
	struct vuln_report *report = &facts.vulns;
	struct secret_finding *sf = facts.secrets;
	size_t n_sf = facts.n_secrets;
	if (!strcmp(c.format, "json"))
		print_json(img, facts.have_inventory ? &facts.inv : NULL, report, sf, n_sf, &c);
	else if (!strcmp(c.format, "ecr"))
		dump(ecr_scan_findings_json(img, report, NULL));
	else if (!strcmp(c.format, "sarif"))
		print_sarif(img, c.vuln ? report : NULL, sf, n_sf);
	else if (!strcmp(c.format, "cyclonedx"))
		print_cyclonedx(img, &facts.inv, report);
	else {
		if (c.vuln)
			print_vuln_table(img, &facts.inv, report);
		if (c.vuln && c.secret)
			printf("\n");
		if (c.secret)
			print_secret_table(img, sf, n_sf);
	}
	ret = EXIT_OK;
	if (c.fail_on) {
		int limit = severity_rank(c.fail_on);
		for (size_t i = 0; i < report->n; i++)
			if (severity_rank(report->findings[i].severity) >= limit)
				ret = EXIT_GATE;
		for (size_t i = 0; i < n_sf; i++)
			if (severity_rank(sf[i].rule->severity) >= limit)
				ret = EXIT_GATE;
	}
out:
	for (size_t i = 0; i < ign.n; i++)
		free(ign.ids[i]);
	free(ign.ids);
	image_facts_release(&facts);
	secret_scanner_free(secrets);
	secret_config_release(&c.sc);
	image_free(img);
	vulndb_close(db);
	return ret;
}
