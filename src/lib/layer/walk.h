/* A whole-tree walk of the merged view after layer N, in path order, for the explorer, the
 * tree printer and the analyses. One pass computes every node's visibility after layer N-1 and
 * N (so its status) from the inherited "hidden below" cuts, in time linear in the occurrences:
 * no per-node ancestor scans, and an explicit stack, so hostile depth cannot overflow. */
#ifndef LS_WALK_H
#define LS_WALK_H

#include "layer/model.h"

struct view_row {
	uint32_t node;
	uint32_t depth;        /* 0 for the root's children */
	struct view_state cur; /* after layer n */
	struct view_state prev; /* after layer n-1 (absent for n = 0) */
	enum path_status status;
};

/* Rows for every path present after layer n — and, with include_removed, for the paths layer
 * n removed — parents before children, children by name. Caller frees *rows. */
int view_walk(const struct image_model *m, size_t n, bool include_removed,
	      struct view_row **rows, size_t *count, ls_error *err);
/* The same, with each row's change measured from the view after layer `from` (< n; -1: the
 * empty filesystem) instead of n-1: dive's "aggregated" view of layers from+1 … n. */
int view_walk_between(const struct image_model *m, int64_t from, size_t n, bool include_removed,
		      struct view_row **rows, size_t *count, ls_error *err);

/* The entry a row shows: what is there now, or what layer n removed. NULL for an implicit
 * directory. */
const struct layer_entry *view_row_entry(const struct view_row *r);
/* Per row, bottom-up: a file its size, a directory the sum of its present children
 * (removed rows count for themselves, not for their parent). Caller frees. */
uint64_t *view_subtree_sizes(const struct view_row *rows, size_t n);

#endif
