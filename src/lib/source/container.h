/* The file an image lives in: a directory (OCI layout) or an uncompressed tar (docker save,
 * oci-archive). A tar is indexed once with libarchive — member name to data offset — so every
 * blob is then read in place with pread, by any thread, without extracting anything. */
#ifndef LS_CONTAINER_H
#define LS_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>

#include "source/stream.h"
#include "util/error.h"

struct container;

int container_open(const char *path, struct container **out, ls_error *err);
struct unpack_origin;
/* An archive that can only be read going forward from its start, again and again (a daemon's
 * `docker save` stream): indexed as a compressed archive is. Takes the origin's ctx. */
int container_open_origin(const struct unpack_origin *origin, struct container **out,
			  ls_error *err);
void container_free(struct container *c);
bool container_is_dir(const struct container *c);
/* A gzip- or zstd-compressed tar: members are cheapest read in archive order, one at a time. */
bool container_is_packed(const struct container *c);
const char *container_path(const struct container *c);
/* Does a regular file (after following archive symlinks) exist under this name? */
bool container_has(struct container *c, const char *name);
/* Locate a member: follows symlinks and hard links inside the archive, refuses names that
 * leave the archive, loops and missing members. */
int container_region(struct container *c, const char *name, struct region *out, ls_error *err);
int container_read(struct container *c, const char *name, size_t limit, char **data, size_t *len,
		   ls_error *err);

/* Normalise an archive member name lexically: drop "./" and empty components, resolve ".."
 * (an error when it climbs above the top). Returns a new string or NULL. */
char *container_clean_name(const char *name);

#endif
