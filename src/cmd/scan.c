/* layerscope scan IMAGE: security findings. --scanners secret (and, with the package
 * inventory, vuln). Secrets are looked for in every regular file of every layer, including
 * files a later layer deleted or replaced: they are still in the image. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "secrets/secrets.h"

static const char *scan_help =
	"Usage: layerscope scan [--scanners secret] [--format table|json] [--fail-on SEVERITY]\n"
	"                       [--scan-binaries] [--skip-rule ID]… IMAGE\n\n"
	"Look for secrets in every file of every layer — also in files a later layer deleted or\n"
	"overwrote, which anyone who pulls the image can still read. Matches are masked: the\n"
	"first 4 characters, then '*'. Binary files (a NUL byte in the first 8 KiB) are skipped\n"
	"unless --scan-binaries. Rules: private keys (PEM, OpenSSH), AWS key ids and secret keys,\n"
	"GCP service-account keys, GitHub / GitLab / Slack / npm / PyPI tokens, Docker config.json\n"
	"auths, and password assignments in .env files.\n\n"
	"  --scanners LIST        comma-separated: secret\n"
	"  --format table|json    output (default: table)\n"
	"  --fail-on SEVERITY     exit 1 when a finding is at least CRITICAL|HIGH|MEDIUM|LOW\n"
	"  --skip-rule ID         leave a rule out (repeatable)\n";

static int severity_rank(const char *s)
{
	static const char *order[] = {"UNDEFINED", "LOW", "MEDIUM", "HIGH", "CRITICAL"};
	for (int i = 0; i < 5; i++)
		if (s && !strcasecmp(s, order[i]))
			return i;
	return -1;
}

static const char *status_text(const struct secret_finding *f, char *buf, size_t n)
{
	if (f->in_final)
		return "in the final filesystem";
	if (f->removed_in >= 0)
		snprintf(buf, n, "removed in layer %d, still in the image", f->removed_in);
	else
		snprintf(buf, n, "not visible, still in the image");
	return buf;
}

static void print_table(const struct image *img, const struct secret_finding *f, size_t n)
{
	size_t hidden = 0;
	char status[96];
	for (size_t i = 0; i < n; i++)
		hidden += !f[i].in_final;
	printf("Secrets: %zu found", n);
	if (hidden)
		printf(" (%zu no longer visible, but still in the image)", hidden);
	printf("\n");
	if (!n)
		return;
	printf("\n%-8s  %-24s  %-5s  %-5s  %-22s  %s\n", "SEVERITY", "RULE", "LAYER", "LINE",
	       "MATCH", "PATH");
	for (int rank = 4; rank >= 0; rank--)
		for (size_t i = 0; i < n; i++) {
			if (severity_rank(f[i].rule->severity) != rank)
				continue;
			printf("%-8s  %-24s  %-5zu  %-5d  %-22s  /%s\n", f[i].rule->severity, f[i].rule->id,
			       f[i].layer, f[i].line, f[i].masked, f[i].path);
			printf("%-8s  %s; %s\n", "", status_text(&f[i], status, sizeof(status)),
			       img->layers[f[i].layer].command ? img->layers[f[i].layer].command : "");
		}
}

static void print_json(const struct image *img, const struct secret_finding *f, size_t n)
{
	json_t *root = json_object(), *arr = json_array();
	char path[4096];
	for (size_t i = 0; i < n; i++) {
		json_t *j = json_object();
		snprintf(path, sizeof(path), "/%s", f[i].path);
		json_object_set_new(j, "ruleId", json_string(f[i].rule->id));
		json_object_set_new(j, "title", json_string(f[i].rule->title));
		json_object_set_new(j, "severity", json_string(f[i].rule->severity));
		json_object_set_new(j, "path", json_string(path));
		json_object_set_new(j, "line", json_integer(f[i].line));
		json_object_set_new(j, "match", json_string(f[i].masked));
		json_object_set_new(j, "layer", json_integer((json_int_t)f[i].layer));
		json_object_set_new(j, "layerCommand", json_string(img->layers[f[i].layer].command
									  ? img->layers[f[i].layer].command : ""));
		json_object_set_new(j, "inFinalFilesystem", json_boolean(f[i].in_final));
		json_object_set_new(j, "removedInLayer",
				    f[i].removed_in >= 0 ? json_integer(f[i].removed_in) : json_null());
		json_array_append_new(arr, j);
	}
	json_object_set_new(root, "image", json_string(img->reference));
	json_object_set_new(root, "secrets", arr);
	json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	json_decref(root);
}

int cmd_scan(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"scanners", required_argument, NULL, 's'},
		{"format", required_argument, NULL, 'f'},
		{"fail-on", required_argument, NULL, 'F'},
		{"scan-binaries", no_argument, NULL, 'b'},
		{"skip-rule", required_argument, NULL, 'k'},
		{"help", no_argument, NULL, 'h'},
		IMAGE_CLI_LONG_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	struct image_cli ic;
	struct image *img = NULL;
	struct image_model *model = NULL;
	struct secret_scanner *scanner = NULL;
	struct secret_options so = {0};
	struct secret_finding *found = NULL;
	const char *format = "table", *fail_on = NULL, *scanners = "secret";
	const char *skipped[64];
	size_t n_found = 0;
	int opt, ret = EXIT_ERROR;
	ls_error err;

	image_cli_init(&ic);
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		int r = image_cli_option(&ic, opt, optarg);
		if (r < 0)
			return EXIT_ERROR;
		if (r > 0)
			continue;
		switch (opt) {
		case 's': scanners = optarg; break;
		case 'f': format = optarg; break;
		case 'F': fail_on = optarg; break;
		case 'b': so.binaries = true; break;
		case 'k':
			if (so.n_disabled < 64)
				skipped[so.n_disabled++] = optarg;
			break;
		case 'h': printf("%s\n%s", scan_help, IMAGE_CLI_HELP); return EXIT_OK;
		default: return usage_error("scan", "unknown option");
		}
	}
	so.disabled = skipped;
	if (optind != argc - 1)
		return usage_error("scan", "expected one IMAGE");
	if (strcmp(scanners, "secret") != 0)
		return usage_error("scan", "unknown scanner list '%s' (this build scans: secret)", scanners);
	if (strcmp(format, "table") && strcmp(format, "json"))
		return usage_error("scan", "unknown format '%s' (table, json)", format);
	if (fail_on && severity_rank(fail_on) < 1)
		return usage_error("scan", "--fail-on takes CRITICAL, HIGH, MEDIUM or LOW");
	if (image_cli_load(&ic, argv[optind], &img, NULL) < 0)
		return EXIT_ERROR;
	if (secret_scanner_new(&so, img->n_layers, &scanner, &err) < 0) {
		print_error("%s", err.msg);
		goto out;
	}
	ic.model.read.visitor = secret_scanner_visitor(scanner);
	if (model_load(img, &ic.model, &model, &err) < 0) {
		print_error("%s: %s", argv[optind], err.msg);
		goto out;
	}
	if (secret_scanner_results(scanner, model, &found, &n_found, &err) < 0) {
		print_error("%s", err.msg);
		goto out;
	}
	if (!strcmp(format, "json"))
		print_json(img, found, n_found);
	else
		print_table(img, found, n_found);
	ret = EXIT_OK;
	for (size_t i = 0; fail_on && i < n_found; i++)
		if (severity_rank(found[i].rule->severity) >= severity_rank(fail_on))
			ret = EXIT_GATE;
out:
	secret_findings_free(found, n_found);
	secret_scanner_free(scanner);
	model_free(model);
	image_free(img);
	return ret;
}
