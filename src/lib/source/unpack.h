/* An archive read going forward only, as the plain tar inside it: a gzip- or zstd-compressed
 * file (`docker save | gzip`), or a stream that can only be fetched again from its start (the
 * tar a Docker daemon sends for `GET /images/get`). Streaming, no temporary file. See
 * unpack.c for the cost model. */
#ifndef LS_UNPACK_H
#define LS_UNPACK_H

#include <stdbool.h>
#include <stdint.h>

#include "source/stream.h"

/* Does the file start with gzip's or zstd's magic bytes? */
bool unpack_is_compressed(int fd);

/* Where the archive's stored bytes come from: a file read with pread (fd >= 0), or else a
 * stream `open` starts afresh from the beginning each time it is called. The cursor owns
 * ctx and frees it with free_ctx (may be NULL). Either may be gzip, zstd or plain. */
struct unpack_origin {
	int fd;
	int (*open)(void *ctx, struct byte_stream **out, ls_error *err);
	void *ctx;
	void (*free_ctx)(void *ctx);
	const char *what; /* names the archive in errors ("docker daemon", a path) */
};

/* A decoder that reads going forward through the archive hand on to each other
 * (thread-safe: one reader at a time holds it; others start their own from the top). */
struct unpack_cursor;
struct unpack_cursor *unpack_cursor_new(const struct unpack_origin *origin);
void unpack_cursor_free(struct unpack_cursor *c);

/* The decompressed bytes [skip, skip + length) of the archive (length UINT64_MAX: to the
 * end). Reading past the end of the data is a "truncated" error; bomb limits apply. When
 * the cursor's decoder is free and not yet past `skip`, the read goes on from where it is
 * instead of from the top. */
struct byte_stream *unpack_stream_open(struct unpack_cursor *cursor, uint64_t skip,
				       uint64_t length);

#endif
