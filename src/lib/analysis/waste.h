/* layerscope's own figures, shown beside dive's: what the layers store that no container can
 * see (exactly, from the merged view), which layer added it and which one hid it, identical
 * content stored under several paths, and advice with the bytes each change saves. */
#ifndef LS_WASTE_H
#define LS_WASTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "layer/model.h"
#include "util/error.h"

enum hide_kind {
	HIDE_DELETED,     /* a whiteout of the file or of a directory above it */
	HIDE_OVERWRITTEN, /* a later entry at the same path with other content */
	HIDE_METADATA,    /* a later entry with the same content: chmod, chown, touch, re-COPY */
	HIDE_OPAQUE,      /* an opaque directory above it */
	HIDE_REPLACED,    /* a non-directory replaced a directory above it */
	HIDE_KINDS
};

const char *hide_kind_name(enum hide_kind k);

/* A regular file's content stored in a layer but not visible in the final filesystem. */
struct hidden_file {
	uint32_t layer, entry; /* the stored copy */
	uint32_t by_layer;     /* the layer whose entry hid it */
	uint32_t by_entry;     /* that entry (UINT32_MAX when unknown) */
	uint8_t kind;          /* enum hide_kind */
	uint64_t size;
};

/* Hidden bytes grouped by (adding layer, hiding layer, kind), largest first. */
struct waste_group {
	uint32_t added, removed;
	uint8_t kind;
	uint64_t bytes, files;
	size_t example; /* index into hidden[]: the largest file of the group */
};

/* Identical content (xxh3-128 and size) at several paths of the final filesystem. */
struct dup_group {
	uint64_t size, saved; /* saved = (copies - 1) × size */
	uint32_t copies;
	uint32_t first; /* index into dup_nodes[]: `copies` path nodes */
};

enum advice_kind {
	ADVICE_ONE_RUN,   /* added by one layer, removed by a later one */
	ADVICE_METADATA,  /* stored again for a metadata change */
	ADVICE_OVERWRITE, /* content replaced by a later layer */
	ADVICE_CACHE,     /* package-manager cache left in the final image */
	ADVICE_TOOLCHAIN, /* compilers and headers in the final image */
	ADVICE_BASE,      /* a large base image with a smaller variant */
	ADVICE_DUPLICATES,
};

/* "one-run", "metadata-rewrite", … as `analyze --json` writes them. */
const char *advice_kind_name(enum advice_kind k);

struct advice {
	enum advice_kind kind;
	uint64_t bytes;
	bool estimate; /* bytes are an estimate, not an exact figure */
	char *text;
};

struct waste_report {
	uint64_t stored_file_bytes;  /* regular-file bytes over every layer */
	uint64_t visible_file_bytes; /* regular-file bytes in the final filesystem */
	uint64_t reclaimable_bytes, reclaimable_files;
	uint64_t by_kind[HIDE_KINDS];
	struct hidden_file *hidden; /* largest first */
	size_t n_hidden;
	struct waste_group *groups;
	size_t n_groups;
	uint64_t duplicate_bytes, duplicate_files;
	struct dup_group *dups; /* largest saving first */
	size_t n_dups;
	uint32_t *dup_nodes;
	struct advice *advice; /* largest saving first */
	size_t n_advice;
	uint32_t *visible; /* per node: the occurrence a container sees, NODE_NONE when none */
};

int waste_analyze(const struct image_model *m, struct waste_report *out, ls_error *err);
void waste_report_release(struct waste_report *r);

/* The visible-entry test the report is built on. */
bool waste_entry_visible(const struct image_model *m, const struct waste_report *r,
			 uint32_t layer, uint32_t entry);

/* The first later entry that hides entry (layer, entry) of any type: fills every field of
 * *out; by_layer == layer and by_entry == UINT32_MAX when nothing hides it. */
void waste_find_hider(const struct image_model *m, uint32_t layer, uint32_t entry,
		      struct hidden_file *out);

/* The command of layer i for display ("" when the image has no history for it). */
const char *layer_command(const struct image_model *m, size_t i);

#endif
