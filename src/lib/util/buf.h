/* A growable byte buffer with a hard limit: everything read from hostile input (manifests,
 * configs, package databases) grows through one of these and fails cleanly past the cap. */
#ifndef LS_BUF_H
#define LS_BUF_H

#include <stddef.h>

#include "util/error.h"

struct buf {
	char *data; /* always NUL-terminated when non-NULL */
	size_t len;
	size_t cap;
	size_t limit; /* 0 = no limit */
};

void buf_init(struct buf *b, size_t limit);
int buf_append(struct buf *b, const void *data, size_t n, ls_error *err);
void buf_release(struct buf *b);
/* Hand the bytes to the caller (free() them) and reset the buffer. */
char *buf_detach(struct buf *b, size_t *len);
/* A whole file into b (set up with `limit`), NUL-terminated, data never NULL on success.
 * Errors: "PATH: strerror" or "PATH: more than LIMIT bytes"; b is released. */
int buf_read_file(struct buf *b, const char *path, size_t limit, ls_error *err);

#endif
