/* A byte stream: what every image source hands the layer reader. Archive members and OCI
 * blob files are file regions read with pread; a registry or daemon source will stream HTTP.
 * Regions are read into the caller's buffers, never mapped: what is hashed and what is parsed
 * are then the same private bytes even if another process rewrites the file meanwhile, and a
 * file truncated under us is an error, not SIGBUS (mapping plain tars saved ~8 % CPU). */
#ifndef LS_STREAM_H
#define LS_STREAM_H

#include <stdint.h>
#include <sys/types.h>

#include "util/error.h"

struct byte_stream {
	/* Read up to n bytes; returns the count, 0 at the end, -1 on error. */
	ssize_t (*read)(struct byte_stream *s, void *buf, size_t n, ls_error *err);
	void (*close)(struct byte_stream *s);
};

/* A region of an open file: a whole blob file, or one member of an uncompressed tar; or one
 * member of a compressed tar (packed: offset and length count decompressed bytes), or a small
 * member the container already holds in memory (data). */
struct region {
	int fd;
	int own_fd; /* the stream closes fd when done (a blob file opened for this read) */
	uint64_t offset;
	uint64_t length;
	const unsigned char *data; /* borrowed from the container, or NULL */
	int packed;
	struct unpack_cursor *cursor; /* packed: the container's shared decoder */
};

struct byte_stream *region_stream_open(struct region r);
void region_release(struct region *r);
/* Read a whole region into memory, refusing more than `limit` bytes. */
int region_read_all(struct region r, size_t limit, char **data, size_t *len, ls_error *err);

#endif
