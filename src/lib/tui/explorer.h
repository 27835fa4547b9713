/* The interactive explorer's state, apart from the terminal (screen.c draws it): the layer
 * chosen, the merged view after it as rows, which directories are collapsed, which changes
 * are shown, the path filter, the cursors. Keys go through explorer_key, so the behaviour is
 * unit-tested without a terminal. Keys are dive's where dive has one. */
#ifndef LS_EXPLORER_H
#define LS_EXPLORER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis/efficiency.h"
#include "layer/model.h"
#include "layer/walk.h"

enum explorer_pane { PANE_LAYERS, PANE_TREE };

/* Keys that are not characters (screen.c maps the terminal's codes to these). */
enum explorer_keycode {
	EXK_UP = 0x110000, /* above every Unicode code point */
	EXK_DOWN,
	EXK_LEFT,
	EXK_RIGHT,
	EXK_PGUP,
	EXK_PGDN,
	EXK_HOME,
	EXK_END,
	EXK_BACKSPACE,
};
#define EXK_CTRL(c) ((c) & 0x1f)

enum explorer_result { EXPLORER_REDRAW, EXPLORER_QUIT };

struct explorer {
	const struct image_model *model;
	struct dive_analysis efficiency;
	size_t layer; /* the layer whose view is shown */
	/* Marks say what the chosen layer changed, or (aggregated, dive's Ctrl-A in the layers
	 * pane) what layers 1 … N changed on top of the base layer. */
	bool aggregated;
	enum explorer_pane focus;

	/* The view after `layer`: every row, with subtree sizes; the rows shown (indices into
	 * rows) after the filters and the collapsed directories. */
	struct view_row *rows;
	uint64_t *sizes;
	size_t n_rows;
	uint32_t *shown;
	size_t n_shown;
	bool *last_sibling; /* per shown row: the last shown child of its parent (tree art) */

	uint8_t *collapsed;  /* per path node */
	unsigned show_mask;  /* bit 1 << path_status: which changes are shown */
	char filter[256];    /* substring of the path; "" = all */
	bool editing_filter;
	bool help;

	size_t tree_cursor, tree_top; /* in shown rows */
	size_t layer_top;
	size_t page;                  /* rows the tree pane shows; set by the screen */
};

int explorer_init(struct explorer *ex, const struct image_model *m, ls_error *err);
void explorer_release(struct explorer *ex);
/* Show the view after layer n; the cursor stays on the same path when it is still shown. */
int explorer_select_layer(struct explorer *ex, size_t n, ls_error *err);
enum explorer_result explorer_key(struct explorer *ex, int key);

/* The row under the tree cursor, or NULL when nothing is shown. */
const struct view_row *explorer_cursor_row(const struct explorer *ex);
/* Keep the cursors inside their panes' windows of `rows` lines. */
void explorer_scroll(struct explorer *ex, size_t tree_rows, size_t layer_rows);

#endif
