/* layerscope ci IMAGE: the image-efficiency gate, a drop-in for `CI=true dive IMAGE` with a
 * .dive-ci file — same numbers, same rules file, same report — plus layerscope's own rules. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "analysis/ci_rules.h"
#include "analysis/efficiency.h"
#include "analysis/gofmt.h"
#include "analysis/waste.h"
#include "cmd/cmd.h"
#include "util/strutil.h"

static const char *ci_help =
	"Usage: layerscope ci [options] IMAGE\n\n"
	"Evaluate the image against CI rules and exit 0 (pass), 1 (a rule failed) or 2 (error).\n"
	"Rules come from .dive-ci in the working directory (or --ci-config FILE); flags override\n"
	"the file. Values: ratios (0.95), sizes (20MB is 1000-based, 20MiB 1024-based, any case),\n"
	"counts, or disabled/off/false/empty. A rule fails only when its limit is crossed.\n\n"
	"  --ci-config FILE                the rules file (YAML, `rules:` mapping)\n"
	"  --lowestEfficiency R            dive's efficiency must be at least R (default 0.9)\n"
	"  --highestWastedBytes SIZE       dive's wasted bytes at most SIZE (default disabled)\n"
	"  --highestUserWastedPercent R    wasted / user bytes at most R (default 0.1)\n"
	"  --highestReclaimableBytes SIZE  bytes no container can see, at most SIZE\n"
	"  --highestImageSize SIZE         image size (all layers) at most SIZE\n"
	"  --highestLayerCount N           at most N layers\n"
	"  --forbiddenPaths GLOB[,GLOB]    fail on matching paths in any layer, deleted or not\n"
	"                                  (e.g. '**/*.pem,**/.env,**/id_rsa')\n"
	"  --format text|json|junit        report format (default text, as dive prints it)\n"
	"  --quiet                         no progress lines on stderr\n";

enum {
	OPT_CONFIG = 1,
	OPT_FORMAT,
	OPT_QUIET,
	OPT_RULE_BASE = 2000, /* + enum ci_rule_id (clear of the letters and IMAGE_CLI_OPTION_BASE) */
};

struct rule_flag {
	int rule;
	const char *value;
};

static void progress(bool quiet, const char *title, const char *detail)
{
	if (!quiet)
		fprintf(stderr, "%-30s%s\n", title, detail);
}

static bool file_exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0;
}

static int load_rules(struct ci_config *cfg, const char *config_path, const struct rule_flag *flags,
		      size_t n_flags)
{
	ls_error err = {{0}};
	const char *path = config_path;
	if (!path && file_exists(".dive-ci"))
		path = ".dive-ci";
	if (path && ci_config_load(cfg, path, stderr, &err) < 0) {
		print_error("%s", err.msg);
		return -1;
	}
	for (size_t i = 0; i < n_flags; i++) {
		char where[128];
		snprintf(where, sizeof(where), "--%s", cfg->rules[flags[i].rule].name);
		if (ci_config_set(cfg, flags[i].rule, flags[i].value, where, &err) < 0) {
			print_error("%s", err.msg);
			return -1;
		}
	}
	return 0;
}

static size_t rule_count(const struct ci_config *cfg)
{
	size_t n = 0;
	for (int i = 0; i < RULE_COUNT; i++)
		n += cfg->rules[i].dive || cfg->rules[i].set;
	return n;
}

int cmd_ci(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"ci-config", required_argument, NULL, OPT_CONFIG},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"quiet", no_argument, NULL, OPT_QUIET},
		{"lowestEfficiency", required_argument, NULL, OPT_RULE_BASE + RULE_LOWEST_EFFICIENCY},
		{"highestWastedBytes", required_argument, NULL, OPT_RULE_BASE + RULE_HIGHEST_WASTED_BYTES},
		{"highestUserWastedPercent", required_argument, NULL,
		 OPT_RULE_BASE + RULE_HIGHEST_USER_WASTED_PERCENT},
		{"highestReclaimableBytes", required_argument, NULL,
		 OPT_RULE_BASE + RULE_HIGHEST_RECLAIMABLE_BYTES},
		{"highestImageSize", required_argument, NULL, OPT_RULE_BASE + RULE_HIGHEST_IMAGE_SIZE},
		{"highestLayerCount", required_argument, NULL, OPT_RULE_BASE + RULE_HIGHEST_LAYER_COUNT},
		{"forbiddenPaths", required_argument, NULL, OPT_RULE_BASE + RULE_FORBIDDEN_PATHS},
		{"help", no_argument, NULL, 'h'},
		IMAGE_CLI_LONG_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	struct image_cli ic;
	struct image *img = NULL;
	struct image_model *model = NULL;
	struct ci_config cfg;
	struct rule_flag flags[32];
	size_t n_flags = 0;
	const char *config_path = NULL, *format = "text";
	bool quiet = false;
	int opt, ret = EXIT_ERROR;

	image_cli_init(&ic);
	while ((opt = image_cli_getopt(&ic, argc, argv, "h", longopts)) != -1) {
		if (opt == IMAGE_CLI_BAD)
			return EXIT_ERROR;
		if (opt >= OPT_RULE_BASE && opt < OPT_RULE_BASE + RULE_COUNT) {
			if (n_flags == sizeof(flags) / sizeof(flags[0]))
				return usage_error("ci", "too many rule flags");
			flags[n_flags++] = (struct rule_flag){opt - OPT_RULE_BASE, optarg};
			continue;
		}
		switch (opt) {
		case OPT_CONFIG: config_path = optarg; break;
		case OPT_FORMAT: format = optarg; break;
		case OPT_QUIET: quiet = true; break;
		case 'h': printf("%s\n%s", ci_help, IMAGE_CLI_HELP); return EXIT_OK;
		default: return usage_error("ci", "unknown option");
		}
	}
	if (optind != argc - 1)
		return usage_error("ci", "expected one IMAGE");
	if (strcmp(format, "text") && strcmp(format, "json") && strcmp(format, "junit"))
		return usage_error("ci", "unknown format '%s' (text, json or junit)", format);

	ci_config_init(&cfg);
	if (load_rules(&cfg, config_path, flags, n_flags) < 0) {
		ci_config_release(&cfg);
		return EXIT_ERROR;
	}

	progress(quiet, "Loading image", argv[optind]);
	if (image_cli_load(&ic, argv[optind], &img, &model) < 0) {
		ci_config_release(&cfg);
		return EXIT_ERROR;
	}

	struct dive_analysis d;
	struct waste_report w;
	struct ci_evaluation e;
	bool have_waste = false;
	ls_error err = {{0}};
	char detail[128], files[32], size[32];
	if (dive_analyze(model, &d, &err) < 0) {
		print_error("%s: %s", argv[optind], err.msg);
		goto out_model;
	}
	go_format_comma(d.tree_nodes, files, sizeof(files));
	human_size_si(d.size_bytes, size, sizeof(size));
	snprintf(detail, sizeof(detail), "[layers:%zu files:%s size:%s]", model->n_layers, files, size);
	progress(quiet, "Analyzing image", detail);
	if (ci_needs_waste(&cfg)) {
		if (waste_analyze(model, &w, &err) < 0) {
			print_error("%s: %s", argv[optind], err.msg);
			goto out_dive;
		}
		have_waste = true;
	}
	snprintf(detail, sizeof(detail), "[rules: %zu]", rule_count(&cfg));
	progress(quiet, "Evaluating image", detail);
	if (!quiet)
		fputc('\n', stderr);

	ci_evaluate(&cfg, model, &d, have_waste ? &w : NULL, &e);
	if (!strcmp(format, "json"))
		ci_render_json(stdout, argv[optind], model, &d, have_waste ? &w : NULL, &cfg, &e);
	else if (!strcmp(format, "junit"))
		ci_render_junit(stdout, argv[optind], &d, &cfg, &e);
	else
		ci_render_text(stdout, &d, &cfg, &e);
	fflush(stdout);
	ret = e.ok ? EXIT_OK : EXIT_GATE;
	ci_evaluation_release(&e);
	if (have_waste)
		waste_report_release(&w);
out_dive:
	dive_analysis_release(&d);
out_model:
	model_free(model);
	image_free(img);
	ci_config_release(&cfg);
	return ret;
}
