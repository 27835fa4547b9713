/* layerscope tree IMAGE: the filesystem a container sees after a layer, and how that layer
 * changed it — as a tree (dive's file pane, in text), a path list, a change list or JSON. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd/cmd.h"
#include "layer/walk.h"
#include "util/mem.h"
#include "util/strutil.h"

static const char *tree_help =
	"Usage: layerscope tree [--layer N] [--since M] [--changes | --list | --json] IMAGE\n\n"
	"Show the merged filesystem after layer N (default: the last) with each path's change in\n"
	"that layer: A added, M modified (content or metadata), D removed, blank unchanged.\n"
	"A directory's size is the sum of what is below it.\n\n"
	"  --layer N              the layer to view (0 = the base)\n"
	"  --since M              mark changes since the view after layer M (M < N), not since the\n"
	"                         layer before: what layers M+1 … N did together\n"
	"  --changes              only what layer N changed, one 'A|M|D /path' per line\n"
	"  --list                 every path present, one per line (for scripts and diffs)\n"
	"  --json                 rows as JSON: path, type, mode, uid, gid, size, status, layer\n";

enum tree_format { TREE_TEXT, TREE_CHANGES, TREE_LIST, TREE_JSON };

static char status_mark(enum path_status s)
{
	static const char marks[] = {' ', 'A', 'M', 'D'};
	return marks[s];
}

static void print_text(const struct image_model *m, const struct view_row *rows, size_t n)
{
	uint64_t *size = view_subtree_sizes(rows, n);
	char name[4096], mode[11], human[32];
	/* last[d]: is the row at depth d the last child of its parent (for the branch art)? */
	bool *last = xcalloc(n + 1, sizeof(bool));
	uint32_t maxdepth = 0;
	for (size_t i = 0; i < n; i++)
		if (rows[i].depth > maxdepth)
			maxdepth = rows[i].depth;
	bool *open = xcalloc(maxdepth + 2, sizeof(bool));
	for (size_t i = 0; i < n; i++) {
		size_t j = i + 1;
		while (j < n && rows[j].depth > rows[i].depth)
			j++;
		last[i] = j >= n || rows[j].depth < rows[i].depth;
	}
	for (size_t i = 0; i < n; i++) {
		const struct view_row *r = &rows[i];
		const struct layer_entry *e = view_row_entry(r);
		const struct path_node *node = &m->nodes[r->node];
		entry_mode_string(e, mode);
		human_size_si(size[i], human, sizeof(human));
		printf("%c %s %6u:%-6u %9s  ", status_mark(r->status), mode, e ? e->uid : 0,
		       e ? e->gid : 0, human);
		for (uint32_t d = 0; d < r->depth; d++)
			fputs(open[d] ? "│   " : "    ", stdout);
		fputs(last[i] ? "└── " : "├── ", stdout);
		open[r->depth] = !last[i];
		snprintf(name, sizeof(name), "%s", m->names + node->name_off);
		fputs(name, stdout);
		if (e && e->link)
			printf(" → %s", e->link);
		fputc('\n', stdout);
	}
	free(open);
	free(last);
	free(size);
}

static void print_json(const struct image_model *m, const struct view_row *rows, size_t n)
{
	json_t *arr = json_array();
	char path[4096];
	for (size_t i = 0; i < n; i++) {
		const struct layer_entry *e = view_row_entry(&rows[i]);
		json_t *j = json_object();
		path[0] = '/';
		model_path(m, rows[i].node, path + 1, sizeof(path) - 1);
		json_object_set_new(j, "path", json_string(path));
		json_object_set_new(j, "type", json_string(e ? entry_type_name(e->type) : "dir"));
		json_object_set_new(j, "mode", json_integer(e ? e->mode & 07777 : 0755));
		json_object_set_new(j, "uid", json_integer(e ? e->uid : 0));
		json_object_set_new(j, "gid", json_integer(e ? e->gid : 0));
		json_object_set_new(j, "size", json_integer(e && e->type == ENTRY_FILE ? (json_int_t)e->size : 0));
		if (e && e->link)
			json_object_set_new(j, "link", json_string(e->link));
		json_object_set_new(j, "status", json_string(path_status_name(rows[i].status)));
		json_object_set_new(j, "layer", e ? json_integer(rows[i].cur.present ? rows[i].cur.layer
										: rows[i].prev.layer)
						  : json_null());
		json_array_append_new(arr, j);
	}
	json_dumpf(arr, stdout, JSON_INDENT(1));
	fputc('\n', stdout);
	json_decref(arr);
}

static void print_paths(const struct image_model *m, const struct view_row *rows, size_t n,
			bool changes)
{
	char path[4096];
	for (size_t i = 0; i < n; i++) {
		if (changes && rows[i].status == PATH_UNCHANGED)
			continue;
		model_path(m, rows[i].node, path, sizeof(path));
		if (changes)
			printf("%c /%s\n", status_mark(rows[i].status), path);
		else
			printf("/%s\n", path);
	}
}

int cmd_tree(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"layer", required_argument, NULL, 'l'},
		{"since", required_argument, NULL, 'S'},
		{"changes", no_argument, NULL, 'c'},
		{"list", no_argument, NULL, 'L'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		IMAGE_CLI_LONG_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	struct image_cli ic;
	struct image *img = NULL;
	struct image_model *model = NULL;
	enum tree_format format = TREE_TEXT;
	uint64_t layer = UINT64_MAX, since = UINT64_MAX;
	struct view_row *rows;
	size_t count;
	ls_error err;
	int opt;

	image_cli_init(&ic);
	while ((opt = image_cli_getopt(&ic, argc, argv, "h", longopts)) != -1) {
		switch (opt) {
		case IMAGE_CLI_BAD: return EXIT_ERROR;
		case 'l':
			if (!parse_u64(optarg, &layer))
				return usage_error("tree", "--layer takes a layer index");
			break;
		case 'S':
			/* (a layer index; above INT64_MAX it would wrap negative: "since nothing") */
			if (!parse_u64(optarg, &since) || since > INT64_MAX)
				return usage_error("tree", "--since takes a layer index");
			break;
		case 'c': format = TREE_CHANGES; break;
		case 'L': format = TREE_LIST; break;
		case 'j': format = TREE_JSON; break;
		case 'h': printf("%s\n%s", tree_help, IMAGE_CLI_HELP); return EXIT_OK;
		default: return usage_error("tree", "unknown option");
		}
	}
	if (optind != argc - 1)
		return usage_error("tree", "expected one IMAGE");
	if (image_cli_load(&ic, argv[optind], &img, &model) < 0)
		return EXIT_ERROR;
	if (layer == UINT64_MAX)
		layer = model->n_layers ? model->n_layers - 1 : 0;
	int64_t from = since == UINT64_MAX ? (int64_t)layer - 1 : (int64_t)since;
	if (view_walk_between(model, from, (size_t)layer, format != TREE_LIST, &rows, &count, &err) < 0) {
		print_error("%s: %s", argv[optind], err.msg);
		model_free(model);
		image_free(img);
		return EXIT_ERROR;
	}
	switch (format) {
	case TREE_TEXT: print_text(model, rows, count); break;
	case TREE_JSON: print_json(model, rows, count); break;
	case TREE_LIST: print_paths(model, rows, count, false); break;
	case TREE_CHANGES: print_paths(model, rows, count, true); break;
	}
	free(rows);
	model_free(model);
	image_free(img);
	return EXIT_OK;
}
