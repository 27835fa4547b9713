/* layerscope explore IMAGE: the interactive explorer (dive's screen) on a terminal. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "tui/explorer.h"
#include "tui/screen.h"
#include "util/strutil.h"

static const char *explore_help =
	"Usage: layerscope explore [--layer N] IMAGE\n\n"
	"Browse the image on the terminal as dive does: the layers with their commands, the\n"
	"image's efficiency and its inefficient files on the left; on the right, the filesystem a\n"
	"container sees after the chosen layer, each path marked A (added, green), M (modified,\n"
	"yellow) or D (removed, red) by that layer. Press ? for the keys, q to quit.\n\n"
	"  --layer N              start at layer N (default 0, the base)\n\n"
	"For scripts: 'layerscope tree' prints the same view, 'analyze' the efficiency.\n";

int cmd_explore(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"layer", required_argument, NULL, 'l'},
		{"help", no_argument, NULL, 'h'},
		IMAGE_CLI_LONG_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	struct image_cli ic;
	struct image *img = NULL;
	struct image_model *model = NULL;
	struct explorer ex;
	uint64_t layer = 0;
	ls_error err;
	int opt, ret = EXIT_OK;

	image_cli_init(&ic);
	while ((opt = image_cli_getopt(&ic, argc, argv, "h", longopts)) != -1) {
		switch (opt) {
		case IMAGE_CLI_BAD: return EXIT_ERROR;
		case 'l':
			if (!parse_u64(optarg, &layer))
				return usage_error("explore", "--layer takes a layer index");
			break;
		case 'h': printf("%s\n%s", explore_help, IMAGE_CLI_HELP); return EXIT_OK;
		default: return usage_error("explore", "unknown option");
		}
	}
	if (optind != argc - 1)
		return usage_error("explore", "expected one IMAGE");
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		print_error("explore needs a terminal; for scripts use 'layerscope tree' or 'analyze'");
		return EXIT_ERROR;
	}
	if (image_cli_load(&ic, argv[optind], &img, &model) < 0)
		return EXIT_ERROR;
	if (explorer_init(&ex, model, &err) < 0) {
		print_error("%s: %s", argv[optind], err.msg);
		model_free(model);
		image_free(img);
		return EXIT_ERROR;
	}
	if (layer > 0 && explorer_select_layer(&ex, (size_t)layer, &err) < 0) {
		print_error("%s: %s", argv[optind], err.msg);
		ret = EXIT_ERROR;
	} else if (explorer_run(&ex, img, &err) < 0) {
		print_error("%s", err.msg);
		ret = EXIT_ERROR;
	}
	explorer_release(&ex);
	model_free(model);
	image_free(img);
	return ret;
}
