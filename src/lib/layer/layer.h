/* One layer's tar, as a list of entries in archive order. Every entry keeps what the tar says:
 * the normalised path, type, size, mode, owner, link target, and for regular files an xxh3-128
 * hash of the content. Whiteouts are entries too: `.wh.NAME` becomes a WHITEOUT entry whose
 * path is the deleted path; `.wh..wh..opq` an OPAQUE entry whose path is the directory. */
#ifndef LS_LAYER_H
#define LS_LAYER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "layer/decompress.h"
#include "source/image.h"
#include "util/mem.h"

enum entry_type {
	ENTRY_FILE,
	ENTRY_DIR,
	ENTRY_SYMLINK,
	ENTRY_HARDLINK,
	ENTRY_CHAR,
	ENTRY_BLOCK,
	ENTRY_FIFO,
};

enum entry_kind {
	ENTRY_NORMAL,
	ENTRY_WHITEOUT, /* .wh.NAME: NAME (and everything below it) is deleted */
	ENTRY_OPAQUE,   /* .wh..wh..opq: hide everything below this dir from lower layers */
	ENTRY_META,     /* other .wh..wh.* names (AUFS bookkeeping): Docker skips them */
};

struct layer_entry {
	const char *path; /* "etc/passwd": no leading "/" or "./", no trailing "/" */
	const char *link; /* symlink or hard link target (normalised for hard links), or NULL */
	uint64_t size;    /* tar size: the logical size of a regular file, 0 for links */
	uint64_t hash_lo, hash_hi; /* xxh3-128 of a regular file's content */
	int64_t mtime;
	uint32_t mode; /* permission bits and the file type bits, as in st_mode */
	uint32_t uid, gid;
	uint32_t node; /* the path's node in the image's path tree, once interned */
	uint8_t type;  /* enum entry_type */
	uint8_t kind;  /* enum entry_kind */
	uint8_t tar_type; /* the tar header's type flag ('0', '1', '2', '5' …) */
};

struct layer {
	size_t index;
	struct arena arena; /* entry paths and link targets */
	struct layer_entry *entries;
	size_t n_entries, cap_entries;
	uint64_t file_bytes; /* sum of regular-file sizes */
	uint64_t stored_bytes, tar_bytes;
	enum compression compression;
	char stored_digest[DIGEST_STR_MAX], diff_id[DIGEST_STR_MAX];
};

/* Called for regular files whose content a consumer wants (package databases, secrets). It
 * runs on the layer's worker thread: one call sequence per entry, in archive order. */
struct content_visitor {
	void *ctx;
	bool (*want)(void *ctx, size_t layer, const struct layer_entry *e);
	void (*data)(void *ctx, size_t layer, const struct layer_entry *e, const void *buf, size_t n);
	void (*end)(void *ctx, size_t layer, const struct layer_entry *e);
};

struct layer_read_options {
	struct decode_limits limits;
	uint64_t max_entries; /* per layer; 0 = no limit */
	const struct content_visitor *visitor;
};

void layer_read_options_default(struct layer_read_options *o);

/* Stream layer i of the image: decompress, walk the tar, verify the blob digest (when the
 * manifest has one) and the diff_id. Errors name the layer. */
int layer_read(struct image *img, size_t i, const struct layer_read_options *o,
	       struct layer **out, ls_error *err);
void layer_free(struct layer *l);

/* Normalise a tar entry name: drop a leading "/", "./" and empty components, resolve ".."
 * inside the tree. Returns NULL for a name that climbs above the root; "" for the root. */
char *layer_clean_path(struct arena *a, const char *name);

const char *entry_type_name(enum entry_type t);
/* `ls -l`'s "drwxr-xr-x" for an entry (NULL: an implicit directory, shown 0755). */
void entry_mode_string(const struct layer_entry *e, char out[11]);

#endif
