/* layerscope analyze IMAGE: dive's efficiency figures (exactly as dive computes them) and,
 * beside them, layerscope's own: reclaimable bytes from the merged view, who added and who
 * hid them, duplicate content, and advice with the bytes each change saves. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "analysis/efficiency.h"
#include "analysis/export.h"
#include "analysis/gofmt.h"
#include "analysis/waste.h"
#include "cmd/cmd.h"
#include "util/strutil.h"

static const char *analyze_help =
	"Usage: layerscope analyze [--top N] [--json FILE|-] IMAGE\n\n"
	"Image size, dive's efficiency, wasted bytes, user-wasted percent and inefficient files\n"
	"(as dive computes them), then layerscope's own figures: reclaimable bytes (stored in a\n"
	"layer, invisible in the final filesystem) with the layers that added and hid them,\n"
	"duplicate content, and advice with the bytes each change saves.\n\n"
	"  --top N                rows per list (default 20; 0 = all)\n"
	"  --json FILE|-          write dive's export JSON (plus a \"layerscope\" object) to FILE\n"
	"                         or stdout, instead of the text report\n";

static void size_line(const char *label, uint64_t v)
{
	char human[32];
	human_size_si(v, human, sizeof(human));
	printf("  %-22s %s (%llu bytes)\n", label, human, (unsigned long long)v);
}

static void print_cmd(const struct image_model *m, uint32_t layer)
{
	const char *c = layer_command(m, layer);
	printf("layer %u (`%.70s%s`)", layer, c, strlen(c) > 70 ? "…" : "");
}

static void print_dive(const struct image_model *m, const struct dive_analysis *d, size_t top)
{
	char human[32], pct[64], eff[64];
	printf("Image:\n  %-22s %zu\n", "layers:", m->n_layers);
	size_line("size:", d->size_bytes);
	size_line("user size:", d->user_size_bytes);
	go_format_fixed(d->efficiency * 100, 2, eff, sizeof(eff));
	go_format_fixed(d->user_wasted_percent * 100, 2, pct, sizeof(pct));
	human_size_si(d->wasted_bytes, human, sizeof(human));
	printf("\nEfficiency (as dive computes it):\n");
	printf("  %-22s %s %%\n", "efficiency:", eff);
	printf("  %-22s %llu bytes (%s)\n", "wastedBytes:", (unsigned long long)d->wasted_bytes, human);
	printf("  %-22s %s %%\n", "userWastedPercent:", d->wasted_bytes ? pct : "0");
	if (!d->n_refs) {
		printf("\nInefficient Files: (None)\n");
		return;
	}
	size_t n = top && top < d->n_refs ? top : d->n_refs;
	printf("\nInefficient Files (%zu of %zu, largest first):\n", n, d->n_refs);
	printf("  %-5s  %-12s  %s\n", "Count", "Wasted Space", "File Path");
	for (size_t i = 0; i < n; i++) {
		char count[16];
		snprintf(count, sizeof(count), "%u", d->refs[i].count);
		human_size_si(d->refs[i].size_bytes, human, sizeof(human));
		printf("  %-5s  %-12s  %s\n", count, human, d->refs[i].path);
	}
}

static void print_own(const struct image_model *m, const struct waste_report *w, size_t top)
{
	char human[32], path[4096];
	printf("\nlayerscope:\n");
	size_line("stored file bytes:", w->stored_file_bytes);
	size_line("visible file bytes:", w->visible_file_bytes);
	size_line("reclaimable:", w->reclaimable_bytes);
	for (int k = 0; k < HIDE_KINDS; k++)
		if (w->by_kind[k]) {
			char label[40];
			snprintf(label, sizeof(label), "  %s:", hide_kind_name((enum hide_kind)k));
			size_line(label, w->by_kind[k]);
		}
	size_line("duplicate content:", w->duplicate_bytes);

	if (w->n_groups) {
		size_t n = top && top < w->n_groups ? top : w->n_groups;
		printf("\nReclaimable bytes by the layer that added them and the one that hid them:\n");
		for (size_t g = 0; g < n; g++) {
			const struct waste_group *wg = &w->groups[g];
			human_size_si(wg->bytes, human, sizeof(human));
			printf("  %-8s %6llu files  added by ", human, (unsigned long long)wg->files);
			print_cmd(m, wg->added);
			printf(", %s by ", hide_kind_name((enum hide_kind)wg->kind));
			print_cmd(m, wg->removed);
			printf("\n");
		}
	}
	if (w->n_hidden) {
		size_t n = top && top < w->n_hidden ? top : w->n_hidden;
		printf("\nLargest reclaimable files (%zu of %zu):\n", n, w->n_hidden);
		for (size_t i = 0; i < n; i++) {
			const struct hidden_file *h = &w->hidden[i];
			model_path(m, m->layers[h->layer]->entries[h->entry].node, path, sizeof(path));
			human_size_si(h->size, human, sizeof(human));
			printf("  %-8s /%s  (layer %u, %s by layer %u)\n", human, path, h->layer,
			       hide_kind_name((enum hide_kind)h->kind), h->by_layer);
		}
	}
	if (w->n_dups) {
		size_t n = top && top < w->n_dups ? top : w->n_dups;
		printf("\nDuplicate content in the final filesystem (%zu of %zu groups):\n", n, w->n_dups);
		for (size_t i = 0; i < n; i++) {
			const struct dup_group *g = &w->dups[i];
			human_size_si(g->saved, human, sizeof(human));
			printf("  %-8s saved by keeping one of %u copies:", human, g->copies);
			for (uint32_t k = 0; k < g->copies && k < 4; k++) {
				model_path(m, w->dup_nodes[g->first + k], path, sizeof(path));
				printf(" /%s", path);
			}
			printf("%s\n", g->copies > 4 ? " …" : "");
		}
	}
	if (w->n_advice) {
		size_t n = top && top < w->n_advice ? top : w->n_advice;
		printf("\nAdvice (largest saving first):\n");
		for (size_t i = 0; i < n; i++) {
			human_size_si(w->advice[i].bytes, human, sizeof(human));
			printf("  %2zu. [%s%s] %s\n", i + 1, w->advice[i].estimate ? "~" : "", human,
			       w->advice[i].text);
		}
	}
}

static int write_json(const char *dest, const struct image_model *m, const struct dive_analysis *d,
		      const struct waste_report *w)
{
	struct export_options o = {.max_files = 1000, .max_dups = 100};
	ls_error err = {{0}};
	FILE *f = strcmp(dest, "-") ? fopen(dest, "w") : stdout;
	if (!f) {
		print_error("cannot write %s: %s", dest, strerror(errno));
		return -1;
	}
	int r = export_json(f, m, d, w, &o, &err);
	if (f == stdout) {
		fputc('\n', f);
		fflush(f);
	} else if (fclose(f) != 0 && r == 0) {
		r = ls_fail(&err, "write error");
	}
	if (r < 0)
		print_error("%s: %s", dest, err.msg);
	return r;
}

int cmd_analyze(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"top", required_argument, NULL, 't'},
		{"json", required_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		IMAGE_CLI_LONG_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	struct image_cli ic;
	struct image *img = NULL;
	struct image_model *model = NULL;
	const char *json = NULL;
	uint64_t top = 20;
	int opt, ret = EXIT_ERROR;

	image_cli_init(&ic);
	while ((opt = image_cli_getopt(&ic, argc, argv, "h", longopts)) != -1) {
		switch (opt) {
		case IMAGE_CLI_BAD: return EXIT_ERROR;
		case 't':
			if (!parse_u64(optarg, &top))
				return usage_error("analyze", "--top: '%s' is not a whole number", optarg);
			break;
		case 'j': json = optarg; break;
		case 'h': printf("%s\n%s", analyze_help, IMAGE_CLI_HELP); return EXIT_OK;
		default: return usage_error("analyze", "unknown option");
		}
	}
	if (optind != argc - 1)
		return usage_error("analyze", "expected one IMAGE");
	if (image_cli_load(&ic, argv[optind], &img, &model) < 0)
		return EXIT_ERROR;

	struct dive_analysis d;
	struct waste_report w;
	ls_error err = {{0}};
	if (dive_analyze(model, &d, &err) < 0 || waste_analyze(model, &w, &err) < 0) {
		print_error("%s: %s", argv[optind], err.msg);
		goto out;
	}
	if (json) {
		ret = write_json(json, model, &d, &w) < 0 ? EXIT_ERROR : EXIT_OK;
	} else {
		print_dive(model, &d, (size_t)top);
		print_own(model, &w, (size_t)top);
		ret = EXIT_OK;
	}
	waste_report_release(&w);
	dive_analysis_release(&d);
out:
	model_free(model);
	image_free(img);
	return ret;
}
