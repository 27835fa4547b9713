/* dive's efficiency figures, to the last digit, quirks included (docs/efficiency.md).
 *
 * dive builds one tree per layer from that layer's own tar (entries plus the implicit parent
 * directories; `.wh.NAME` kept as a leaf, `.wh..wh..opq` dropped) and visits each tree's
 * leaves. Every visit adds to a per-path record: count, total size, smallest size. A whiteout
 * of a file counts 0 bytes; a whiteout of a directory counts everything below it in dive's
 * own stacking of the layers beneath. Efficiency = Σ smallest / Σ total; a path seen twice or
 * more is inefficient and its whole total (the kept copy included) is "wasted".
 *
 * Computed from the image model's arrays: per-node stamps, no per-path allocation in the
 * visit, linear in the entries plus the subtrees that directory whiteouts delete. */
#ifndef LS_EFFICIENCY_H
#define LS_EFFICIENCY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "layer/model.h"
#include "util/error.h"
#include "util/mem.h"

struct dive_file_ref {
	uint32_t node;
	uint32_t count;      /* visits of the path over all layers (>= 2) */
	uint64_t size_bytes; /* total size over those visits */
	char *path;          /* "/root/saved.txt" */
};

struct dive_analysis {
	double efficiency;
	uint64_t size_bytes;      /* Σ layer sizes (tar header sizes of every entry) */
	uint64_t user_size_bytes; /* all layers but the first */
	uint64_t wasted_bytes;    /* Σ total of the inefficient paths */
	double user_wasted_percent; /* wasted / user size; NaN or +Inf when the user size is 0 */
	uint64_t *layer_bytes;    /* per layer, dive's "sizeBytes" */
	uint64_t tree_nodes;      /* Σ over layers of the layer tree's nodes ("files" in dive) */
	struct dive_file_ref *refs; /* inefficient paths, largest total first, ties by path */
	size_t n_refs;
	size_t aborted_layers;    /* layers whose visit dive cuts short (a whiteout of nothing) */
};

int dive_analyze(const struct image_model *m, struct dive_analysis *out, ls_error *err);
void dive_analysis_release(struct dive_analysis *a);

/* One node of a layer's own tree as dive builds it, in dive's visiting order (children
 * first, siblings by byte order of their names, whiteouts named ".wh.NAME"). */
struct dive_tree_item {
	uint32_t node;
	bool whiteout;
	bool leaf;
	const struct layer_entry *entry; /* the tar entry; NULL for an implicit directory */
	const char *path;                /* "root/example/.wh.somefile3.txt" (in the arena) */
};

/* The nodes of layer `layer`'s own tree in dive's order; *items is malloc'ed, paths in `a`. */
int dive_layer_tree(const struct image_model *m, size_t layer, struct arena *a,
		    struct dive_tree_item **items, size_t *n, ls_error *err);

/* Go's os.FileMode bits for an entry (what dive's JSON export calls fileMode). */
uint32_t dive_file_mode(const struct layer_entry *e);

#endif
