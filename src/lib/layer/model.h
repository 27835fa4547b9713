/* The image model: every layer's entries, and one tree of all the paths any layer mentions.
 * Paths are interned once (a node per path component, names stored once), and each node keeps
 * the list of its occurrences — (layer, entry) pairs in layer order — so the merged view after
 * any layer N is computed on demand, without a copy of the tree per layer. Designed for
 * millions of entries: nodes and occurrences are flat arrays indexed by 32-bit ids. */
#ifndef LS_MODEL_H
#define LS_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "layer/layer.h"
#include "source/image.h"

#define NODE_NONE UINT32_MAX
#define NODE_ROOT 0u

struct path_node {
	uint32_t parent;
	uint32_t first_child, next_sibling; /* unsorted; see model_children() */
	uint32_t name_off;                  /* into model.names */
	uint32_t name_len;
	uint32_t first_occ, last_occ;       /* into model.occs, NODE_NONE when none */
};

struct occurrence {
	uint32_t layer;
	uint32_t entry;
	uint32_t next; /* next occurrence of the same node, NODE_NONE at the end */
};

struct image_model {
	struct image *image; /* borrowed */
	struct layer **layers;
	size_t n_layers;
	struct path_node *nodes;
	size_t n_nodes, cap_nodes;
	char *names;
	size_t names_len, names_cap;
	struct occurrence *occs;
	size_t n_occs, cap_occs;
	uint32_t *table; /* open addressing: (parent, name) → node */
	size_t table_cap;
};

struct model_options {
	struct layer_read_options read;
	unsigned threads; /* 0 = one per core */
};

void model_options_default(struct model_options *o);

/* Read every layer (in parallel threads) and build the path tree. The result is the same
 * whatever the thread count: layers are interned in layer order. */
int model_load(struct image *img, const struct model_options *o, struct image_model **out,
	       ls_error *err);
void model_free(struct image_model *m);

/* Building blocks of model_load, for tests and for sources that produce layers themselves:
 * an empty model, then layers appended in order (the model takes ownership of each). */
struct image_model *model_new(struct image *img);
int model_add_layer(struct image_model *m, struct layer *l, ls_error *err);

/* The node for a normalised path ("" is the root), or NODE_NONE. */
uint32_t model_lookup(const struct image_model *m, const char *path);
/* Write a node's path ("etc/passwd") into buf; returns its length (truncated at n-1). */
size_t model_path(const struct image_model *m, uint32_t node, char *buf, size_t n);
/* A node's children sorted by name; caller frees. */
uint32_t *model_children(const struct image_model *m, uint32_t node, size_t *count);

static inline const struct layer_entry *model_entry(const struct image_model *m,
						    const struct occurrence *o)
{
	return &m->layers[o->layer]->entries[o->entry];
}

/* ---- The merged view ---- */

enum path_status { PATH_UNCHANGED, PATH_ADDED, PATH_MODIFIED, PATH_REMOVED };

struct view_state {
	bool present;                   /* the path exists after this layer */
	const struct layer_entry *entry; /* the entry a container sees; NULL for an implicit dir */
	uint32_t layer;                 /* the layer that entry comes from */
};

/* What a container sees at `node` after layer n (n = 0 … n_layers-1). */
struct view_state view_at(const struct image_model *m, uint32_t node, size_t n);
/* How layer n changed the path: added, modified (content or metadata), removed, unchanged. */
enum path_status view_status(const struct image_model *m, uint32_t node, size_t n);
/* The same from the two views of one path, after layer n-1 and after layer n. */
enum path_status view_change(const struct view_state *prev, const struct view_state *cur, size_t n);
/* The same between the view after layer `from` (prev; -1: nothing) and a later one (cur). */
enum path_status view_change_since(const struct view_state *prev, const struct view_state *cur,
				   int64_t from);
const char *path_status_name(enum path_status s);

#endif
