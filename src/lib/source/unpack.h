/* A gzip- or zstd-compressed archive file read as the plain tar inside it, streaming: no
 * temporary file. See unpack.c for the cost model. */
#ifndef LS_UNPACK_H
#define LS_UNPACK_H

#include <stdbool.h>
#include <stdint.h>

#include "source/stream.h"

/* Does the file start with gzip's or zstd's magic bytes? */
bool unpack_is_compressed(int fd);

/* The decompressed bytes [skip, skip + length) of the file (length UINT64_MAX: to the end).
 * Reading past the end of the decompressed data is a "truncated" error; bomb limits apply.
 * The stream reads fd with pread and does not close it. */
struct byte_stream *unpack_stream_open(int fd, uint64_t skip, uint64_t length);

#endif
