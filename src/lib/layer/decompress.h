/* Layer blobs as uncompressed tar bytes: the compression is sniffed from magic bytes (never
 * trusted from the media type), gzip is inflated with ISA-L and zstd with libzstd, and both the
 * stored and the uncompressed bytes are SHA-256 hashed while they stream, for verification
 * against the manifest digest and the config's diff_id. Limits stop decompression bombs. */
#ifndef LS_DECOMPRESS_H
#define LS_DECOMPRESS_H

#include <stdint.h>
#include <sys/types.h>

#include "source/stream.h"
#include "util/digest.h"
#include "util/error.h"

enum compression { COMPRESSION_NONE, COMPRESSION_GZIP, COMPRESSION_ZSTD };

struct decode_limits {
	uint64_t max_bytes;   /* uncompressed bytes per layer; 0 = no limit */
	uint64_t max_ratio;   /* uncompressed / stored; 0 = no limit */
	uint64_t ratio_floor; /* the ratio is only checked past this many uncompressed bytes */
};

#define DECODE_DEFAULT_MAX_BYTES (64ull << 30)
#define DECODE_DEFAULT_MAX_RATIO 500
#define DECODE_DEFAULT_RATIO_FLOOR (256ull << 20)

struct decoder;

/* Takes ownership of `in`. */
int decoder_open(struct byte_stream *in, const struct decode_limits *limits, struct decoder **out,
		 ls_error *err);
/* Next chunk of uncompressed bytes, valid until the next call: >0 bytes, 0 at the end, -1. */
ssize_t decoder_read(struct decoder *d, const void **chunk, ls_error *err);
/* Read and hash whatever is left (tar padding after the end-of-archive blocks). */
int decoder_drain(struct decoder *d, ls_error *err);
enum compression decoder_compression(const struct decoder *d);
const char *compression_name(enum compression c);
uint64_t decoder_stored_bytes(const struct decoder *d);
uint64_t decoder_uncompressed_bytes(const struct decoder *d);
/* After the end: digests of the stored and of the uncompressed bytes. */
void decoder_digests(struct decoder *d, char stored[DIGEST_STR_MAX],
		     char uncompressed[DIGEST_STR_MAX]);
/* After a failure: hash the stored bytes not read yet, so the caller can tell a tampered blob
 * (digest mismatch, the real cause) from a corrupt one. Writes the stored digest. */
int decoder_finish_stored(struct decoder *d, char stored[DIGEST_STR_MAX], ls_error *err);
void decoder_free(struct decoder *d);

#endif
