/* layerscope layers IMAGE: one row per layer, or the JSON shape scripts rely on. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "report/image_json.h"
#include "util/strutil.h"

static const char *layers_help =
	"Usage: layerscope layers [--json] IMAGE\n\n"
	"List the image's layers: index, digest, size (regular-file bytes), tar entries and the\n"
	"command that made each. Every blob is verified against its digest and diff_id.\n\n"
	"  --json                 print JSON: {\"image\": {...}, \"layers\": [...]}\n";

static void print_json(const struct image *img, const struct image_model *m)
{
	json_t *root = json_object();
	json_object_set_new(root, "image", image_summary_json(img, m));
	json_object_set_new(root, "layers", image_layers_json(img, m));
	json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	json_decref(root);
}

static void print_table(const struct image *img, const struct image_model *m)
{
	uint64_t files = 0, size = 0;
	char human[32];
	printf("%-5s  %-12s  %9s  %8s  %s\n", "INDEX", "DIGEST", "SIZE", "ENTRIES", "COMMAND");
	for (size_t i = 0; i < m->n_layers; i++) {
		const struct layer *l = m->layers[i];
		const char *cmd = img->layers[i].command ? img->layers[i].command : "";
		human_size_si(l->file_bytes, human, sizeof(human));
		printf("%-5zu  %-12.12s  %9s  %8zu  %.100s%s\n", i, image_layer_digest(img, m, i) + 7,
		       human, l->n_entries, cmd, strlen(cmd) > 100 ? "…" : "");
		files += l->n_entries;
		size += l->file_bytes;
	}
	human_size_si(size, human, sizeof(human));
	printf("\n%zu layers, %llu entries, %s (%llu bytes)\n", m->n_layers,
	       (unsigned long long)files, human, (unsigned long long)size);
}

int cmd_layers(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		IMAGE_CLI_LONG_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	struct image_cli ic;
	struct image *img = NULL;
	struct image_model *model = NULL;
	bool json = false;
	int opt;

	image_cli_init(&ic);
	while ((opt = image_cli_getopt(&ic, argc, argv, "h", longopts)) != -1) {
		switch (opt) {
		case IMAGE_CLI_BAD: return EXIT_ERROR;
		case 'j': json = true; break;
		case 'h': printf("%s\n%s", layers_help, IMAGE_CLI_HELP); return EXIT_OK;
		default: return usage_error("layers", "unknown option");
		}
	}
	if (optind != argc - 1)
		return usage_error("layers", "expected one IMAGE");
	if (image_cli_load(&ic, argv[optind], &img, &model) < 0)
		return EXIT_ERROR;
	if (json)
		print_json(img, model);
	else
		print_table(img, model);
	model_free(model);
	image_free(img);
	return EXIT_OK;
}
