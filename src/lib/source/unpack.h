/* A gzip- or zstd-compressed archive file read as the plain tar inside it, streaming: no
 * temporary file. See unpack.c for the cost model. */
#ifndef LS_UNPACK_H
#define LS_UNPACK_H

#include <stdbool.h>
#include <stdint.h>

#include "source/stream.h"

/* Does the file start with gzip's or zstd's magic bytes? */
bool unpack_is_compressed(int fd);

/* A decoder that reads going forward through one file hand on to each other (thread-safe:
 * one reader at a time holds it; others decompress on their own). */
struct unpack_cursor;
struct unpack_cursor *unpack_cursor_new(int fd);
void unpack_cursor_free(struct unpack_cursor *c);

/* The decompressed bytes [skip, skip + length) of the file (length UINT64_MAX: to the end).
 * Reading past the end of the decompressed data is a "truncated" error; bomb limits apply.
 * With a cursor that is free and not yet past `skip`, the read goes on from where the cursor
 * is instead of from the top. The stream reads fd with pread and does not close it. */
struct byte_stream *unpack_stream_open(int fd, uint64_t skip, uint64_t length,
				       struct unpack_cursor *cursor);

#endif
