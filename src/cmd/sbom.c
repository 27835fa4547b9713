/* layerscope sbom IMAGE: the package inventory (OS and language packages, the layer that
 * introduced each), as a table, layerscope JSON, CycloneDX 1.5, SPDX 2.3 or SPDX 3.0.1. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd/cmd.h"
#include "pkg/inventory.h"
#include "pkg/sbom_format.h"

static const char *sbom_help =
	"Usage: layerscope sbom [--format table|json|cyclonedx|spdx|spdx3] [-o FILE] IMAGE\n\n"
	"List every package in the image's final filesystem: dpkg, apk and rpm databases, npm,\n"
	"Python, Go binaries, Java archives, Ruby gems, cargo-auditable binaries; with the\n"
	"layer that introduced each version. Nothing is extracted to disk.\n\n"
	"  -f, --format FORMAT    table (default), json, cyclonedx (1.5 JSON), spdx (2.3 JSON),\n"
	"                         spdx3 (3.0.1 JSON-LD)\n"
	"  -o, --output FILE      write there instead of standard output\n"
	"Warnings about unreadable package files go to stderr; the rest is still listed.\n";

static int write_output(const char *path, int format, const struct image *img,
			const struct inventory *inv)
{
	FILE *out = stdout;
	json_t *doc = NULL;
	long long now = (long long)time(NULL);
	int rc = 0;
	if (path && !(out = fopen(path, "w"))) {
		print_error("%s: %s", path, strerror(errno));
		return -1;
	}
	switch (format) {
	case SBOM_TABLE: sbom_table(out, img, inv); break;
	case SBOM_JSON: doc = sbom_json(img, inv); break;
	case SBOM_CYCLONEDX: doc = sbom_cyclonedx(img, inv, now); break;
	case SBOM_SPDX: doc = sbom_spdx(img, inv, now); break;
	case SBOM_SPDX3: doc = sbom_spdx3(img, inv, now); break;
	}
	if (doc) {
		json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', out);
		json_decref(doc);
	}
	if (format != SBOM_TABLE)
		for (size_t i = 0; i < inv->pkgs.n_warnings; i++)
			fprintf(stderr, "layerscope: warning: %s\n", inv->pkgs.warnings[i]);
	if (ferror(out))
		rc = -1;
	if (path && fclose(out) != 0)
		rc = -1;
	if (rc < 0)
		print_error("%s: write failed", path ? path : "stdout");
	return rc;
}

int cmd_sbom(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"format", required_argument, NULL, 'f'},
		{"output", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		IMAGE_CLI_LONG_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	struct image_cli ic;
	struct image *img = NULL;
	struct image_model *model = NULL;
	struct pkg_collector *col = NULL;
	struct inventory inv;
	const char *output = NULL;
	int format = SBOM_TABLE, opt, rc = EXIT_ERROR;
	ls_error err = {{0}};

	image_cli_init(&ic);
	while ((opt = image_cli_getopt(&ic, argc, argv, "hf:o:", longopts)) != -1) {
		switch (opt) {
		case IMAGE_CLI_BAD: return EXIT_ERROR;
		case 'f':
			format = sbom_format_parse(optarg);
			if (format < 0)
				return usage_error("sbom", "unknown format '%s'", optarg);
			break;
		case 'o': output = optarg; break;
		case 'h': printf("%s\n%s", sbom_help, IMAGE_CLI_HELP); return EXIT_OK;
		default: return usage_error("sbom", "unknown option");
		}
	}
	if (optind != argc - 1)
		return usage_error("sbom", "expected one IMAGE");
	if (image_cli_load(&ic, argv[optind], &img, NULL) < 0)
		return EXIT_ERROR;
	col = pkg_collector_new(img->n_layers);
	ic.model.read.visitor = pkg_collector_visitor(col);
	if (model_load(img, &ic.model, &model, &err) < 0) {
		print_error("%s: %s", argv[optind], err.msg);
		goto out;
	}
	if (inventory_build(col, model, &inv, &err) < 0) {
		print_error("%s: %s", argv[optind], err.msg);
		goto out;
	}
	if (write_output(output, format, img, &inv) == 0)
		rc = EXIT_OK;
	inventory_release(&inv);
out:
	pkg_collector_free(col);
	model_free(model);
	image_free(img);
	return rc;
}
