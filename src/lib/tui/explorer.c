#include "tui/explorer.h"

#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

#define SHOW_ALL ((1u << PATH_UNCHANGED) | (1u << PATH_ADDED) | (1u << PATH_MODIFIED) | \
		  (1u << PATH_REMOVED))

int explorer_init(struct explorer *ex, const struct image_model *m, ls_error *err)
{
	memset(ex, 0, sizeof(*ex));
	ex->model = m;
	ex->show_mask = SHOW_ALL;
	ex->page = 20;
	ex->collapsed = xcalloc(m->n_nodes ? m->n_nodes : 1, 1);
	if (dive_analyze(m, &ex->efficiency, err) < 0) {
		free(ex->collapsed);
		return -1;
	}
	if (explorer_select_layer(ex, 0, err) < 0) {
		explorer_release(ex);
		return -1;
	}
	return 0;
}

void explorer_release(struct explorer *ex)
{
	dive_analysis_release(&ex->efficiency);
	free(ex->rows);
	free(ex->sizes);
	free(ex->shown);
	free(ex->last_sibling);
	free(ex->collapsed);
}

static bool is_dir_row(const struct view_row *r)
{
	const struct layer_entry *e = view_row_entry(r);
	return !e || e->type == ENTRY_DIR;
}

/* Does the row itself pass the change filter and the path filter? */
static bool row_matches(const struct explorer *ex, const struct view_row *r)
{
	char path[4096];
	if (!(ex->show_mask & (1u << r->status)))
		return false;
	if (!ex->filter[0])
		return true;
	model_path(ex->model, r->node, path, sizeof(path));
	return strstr(path, ex->filter) != NULL;
}

/* A row is kept when it matches or something below it is kept (the way to a match stays
 * visible). One backward pass: below[d] says a kept row at depth d was seen since the last
 * row above that depth. */
static bool *kept_rows(const struct explorer *ex)
{
	bool *kept = xcalloc(ex->n_rows + 1, sizeof(bool));
	uint32_t maxdepth = 0;
	for (size_t i = 0; i < ex->n_rows; i++)
		if (ex->rows[i].depth > maxdepth)
			maxdepth = ex->rows[i].depth;
	bool *below = xcalloc((size_t)maxdepth + 2, sizeof(bool));
	for (size_t i = ex->n_rows; i-- > 0;) {
		uint32_t d = ex->rows[i].depth;
		kept[i] = below[d + 1] || row_matches(ex, &ex->rows[i]);
		below[d + 1] = false;
		if (kept[i])
			below[d] = true;
	}
	free(below);
	return kept;
}

/* Which kept rows are shown (not under a collapsed directory), and which of them are the
 * last shown child of their parent. */
static void rebuild_shown(struct explorer *ex)
{
	bool *kept = kept_rows(ex);
	ex->n_shown = 0;
	ex->shown = xrealloc(ex->shown, (ex->n_rows + 1) * sizeof(*ex->shown));
	for (size_t i = 0; i < ex->n_rows;) {
		if (!kept[i]) {
			i++;
			continue;
		}
		ex->shown[ex->n_shown++] = (uint32_t)i;
		size_t j = i + 1;
		if (ex->collapsed[ex->rows[i].node])
			while (j < ex->n_rows && ex->rows[j].depth > ex->rows[i].depth)
				j++;
		i = j;
	}
	free(kept);
	ex->last_sibling = xrealloc(ex->last_sibling, (ex->n_shown + 1) * sizeof(bool));
	for (size_t k = 0; k < ex->n_shown; k++) {
		uint32_t d = ex->rows[ex->shown[k]].depth;
		size_t j = k + 1;
		while (j < ex->n_shown && ex->rows[ex->shown[j]].depth > d)
			j++;
		ex->last_sibling[k] = j >= ex->n_shown || ex->rows[ex->shown[j]].depth < d;
	}
	if (ex->tree_cursor >= ex->n_shown)
		ex->tree_cursor = ex->n_shown ? ex->n_shown - 1 : 0;
}

/* Put the cursor on `node`'s row when it is shown. */
static void cursor_to_node(struct explorer *ex, uint32_t node)
{
	for (size_t k = 0; k < ex->n_shown; k++)
		if (ex->rows[ex->shown[k]].node == node) {
			ex->tree_cursor = k;
			return;
		}
}

const struct view_row *explorer_cursor_row(const struct explorer *ex)
{
	return ex->n_shown ? &ex->rows[ex->shown[ex->tree_cursor]] : NULL;
}

int explorer_select_layer(struct explorer *ex, size_t n, ls_error *err)
{
	const struct view_row *at = explorer_cursor_row(ex);
	uint32_t node = at ? at->node : NODE_NONE;
	struct view_row *rows;
	size_t count;
	if (n >= ex->model->n_layers)
		n = ex->model->n_layers ? ex->model->n_layers - 1 : 0;
	if (ex->model->n_layers == 0) {
		count = 0;
		rows = NULL;
	} else if (view_walk_between(ex->model, ex->aggregated && n > 0 ? 0 : (int64_t)n - 1, n, true,
				     &rows, &count, err) < 0) {
		return -1;
	}
	free(ex->rows);
	free(ex->sizes);
	ex->rows = rows;
	ex->n_rows = count;
	ex->sizes = view_subtree_sizes(rows, count);
	ex->layer = n;
	rebuild_shown(ex);
	if (node != NODE_NONE)
		cursor_to_node(ex, node);
	return 0;
}

static void move_tree(struct explorer *ex, long delta)
{
	if (ex->n_shown == 0)
		return;
	long c = (long)ex->tree_cursor + delta;
	if (c < 0)
		c = 0;
	if (c >= (long)ex->n_shown)
		c = (long)ex->n_shown - 1;
	ex->tree_cursor = (size_t)c;
}

static void move_layer(struct explorer *ex, long delta)
{
	long n = (long)ex->layer + delta;
	if (n < 0)
		n = 0;
	if (n >= (long)ex->model->n_layers)
		n = (long)ex->model->n_layers - 1;
	if (n >= 0 && (size_t)n != ex->layer) {
		ls_error err;
		explorer_select_layer(ex, (size_t)n, &err); /* a walk of a loaded model cannot fail */
	}
}

static void set_collapsed(struct explorer *ex, const struct view_row *r, bool collapse)
{
	if (!r || !is_dir_row(r))
		return;
	uint32_t node = r->node;
	ex->collapsed[node] = collapse;
	rebuild_shown(ex);
	cursor_to_node(ex, node);
}

/* Collapse every directory, or expand every one when all are collapsed already. */
static void toggle_all(struct explorer *ex)
{
	bool all = true;
	for (size_t i = 0; i < ex->n_rows && all; i++)
		if (is_dir_row(&ex->rows[i]) && !ex->collapsed[ex->rows[i].node])
			all = false;
	const struct view_row *at = explorer_cursor_row(ex);
	uint32_t node = at ? at->node : NODE_NONE;
	memset(ex->collapsed, !all, ex->model->n_nodes);
	rebuild_shown(ex);
	/* keep the cursor on the top-level directory that held it */
	while (node != NODE_NONE && ex->model->nodes[node].parent != NODE_ROOT &&
	       ex->model->nodes[node].parent != NODE_NONE && !all)
		node = ex->model->nodes[node].parent;
	if (node != NODE_NONE)
		cursor_to_node(ex, node);
}

/* Left: collapse an open directory, else go to the parent. */
static void tree_left(struct explorer *ex)
{
	const struct view_row *r = explorer_cursor_row(ex);
	if (!r)
		return;
	if (is_dir_row(r) && !ex->collapsed[r->node]) {
		set_collapsed(ex, r, true);
		return;
	}
	uint32_t parent = ex->model->nodes[r->node].parent;
	if (parent != NODE_ROOT && parent != NODE_NONE)
		cursor_to_node(ex, parent);
}

static void toggle_show(struct explorer *ex, enum path_status s)
{
	const struct view_row *at = explorer_cursor_row(ex);
	uint32_t node = at ? at->node : NODE_NONE;
	ex->show_mask ^= 1u << s;
	rebuild_shown(ex);
	if (node != NODE_NONE)
		cursor_to_node(ex, node);
}

static enum explorer_result filter_key(struct explorer *ex, int key)
{
	size_t len = strlen(ex->filter);
	if (key == '\n' || key == '\r' || key == 27) {
		ex->editing_filter = false;
		if (key == 27)
			ex->filter[0] = '\0';
	} else if (key == EXK_BACKSPACE || key == 127 || key == 8) {
		if (len > 0)
			ex->filter[len - 1] = '\0';
	} else if (key >= 32 && key < 127 && len + 1 < sizeof(ex->filter)) {
		ex->filter[len] = (char)key;
		ex->filter[len + 1] = '\0';
	} else {
		return EXPLORER_REDRAW;
	}
	ex->tree_cursor = 0;
	rebuild_shown(ex);
	return EXPLORER_REDRAW;
}

static void set_aggregated(struct explorer *ex, bool on)
{
	ls_error err;
	if (ex->aggregated == on)
		return;
	ex->aggregated = on;
	explorer_select_layer(ex, ex->layer, &err); /* a walk of a loaded model cannot fail */
}

static void layers_key(struct explorer *ex, int key)
{
	switch (key) {
	case EXK_CTRL('a'): set_aggregated(ex, true); break;
	case EXK_CTRL('l'): set_aggregated(ex, false); break;
	case EXK_UP: case 'k': move_layer(ex, -1); break;
	case EXK_DOWN: case 'j': move_layer(ex, 1); break;
	case EXK_PGUP: move_layer(ex, -(long)ex->page); break;
	case EXK_PGDN: move_layer(ex, (long)ex->page); break;
	case EXK_HOME: case 'g': move_layer(ex, -(long)ex->model->n_layers); break;
	case EXK_END: case 'G': move_layer(ex, (long)ex->model->n_layers); break;
	default: break;
	}
}

static void tree_key(struct explorer *ex, int key)
{
	switch (key) {
	case EXK_CTRL('a'): toggle_show(ex, PATH_ADDED); break;
	case EXK_UP: case 'k': move_tree(ex, -1); break;
	case EXK_DOWN: case 'j': move_tree(ex, 1); break;
	case EXK_PGUP: move_tree(ex, -(long)ex->page); break;
	case EXK_PGDN: move_tree(ex, (long)ex->page); break;
	case EXK_HOME: case 'g': move_tree(ex, -(long)ex->n_shown); break;
	case EXK_END: case 'G': move_tree(ex, (long)ex->n_shown); break;
	case ' ': case '\n': case '\r': {
		const struct view_row *r = explorer_cursor_row(ex);
		if (r)
			set_collapsed(ex, r, !ex->collapsed[r->node]);
		break;
	}
	case EXK_LEFT: case 'h': tree_left(ex); break;
	case EXK_RIGHT: case 'l': set_collapsed(ex, explorer_cursor_row(ex), false); break;
	case 'c': case 0: toggle_all(ex); break; /* 0: Ctrl-Space, as dive */
	default: break;
	}
}

enum explorer_result explorer_key(struct explorer *ex, int key)
{
	if (ex->editing_filter)
		return filter_key(ex, key);
	if (ex->help && key != '?') {
		ex->help = false; /* any key closes the help */
		if (key != 'q' && key != EXK_CTRL('c'))
			return EXPLORER_REDRAW;
	}
	switch (key) {
	case 'q': case EXK_CTRL('c'): return EXPLORER_QUIT;
	case '?': ex->help = !ex->help; return EXPLORER_REDRAW;
	case '\t': ex->focus = ex->focus == PANE_LAYERS ? PANE_TREE : PANE_LAYERS; return EXPLORER_REDRAW;
	case '/': case EXK_CTRL('f'): ex->editing_filter = true; ex->focus = PANE_TREE; return EXPLORER_REDRAW;
	/* dive's Ctrl-A/R/U in the tree (Ctrl-M is Enter in a terminal: 'm') */
	case 'a': toggle_show(ex, PATH_ADDED); return EXPLORER_REDRAW;
	case 'r': case EXK_CTRL('r'): toggle_show(ex, PATH_REMOVED); return EXPLORER_REDRAW;
	case 'm': toggle_show(ex, PATH_MODIFIED); return EXPLORER_REDRAW;
	case 'u': case EXK_CTRL('u'): toggle_show(ex, PATH_UNCHANGED); return EXPLORER_REDRAW;
	case '[': move_layer(ex, -1); return EXPLORER_REDRAW;
	case ']': move_layer(ex, 1); return EXPLORER_REDRAW;
	default: break;
	}
	if (ex->focus == PANE_LAYERS)
		layers_key(ex, key);
	else
		tree_key(ex, key);
	return EXPLORER_REDRAW;
}

static void keep_in_window(size_t cursor, size_t *top, size_t rows)
{
	if (rows == 0)
		return;
	if (cursor < *top)
		*top = cursor;
	else if (cursor >= *top + rows)
		*top = cursor - rows + 1;
}

void explorer_scroll(struct explorer *ex, size_t tree_rows, size_t layer_rows)
{
	ex->page = tree_rows > 1 ? tree_rows - 1 : 1;
	keep_in_window(ex->tree_cursor, &ex->tree_top, tree_rows);
	keep_in_window(ex->layer, &ex->layer_top, layer_rows);
}
