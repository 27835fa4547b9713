#include "layer/decompress.h"

#include <isa-l/igzip_lib.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <zstd.h>

#include "util/mem.h"

enum { IN_SIZE = 256 * 1024, OUT_SIZE = 256 * 1024, RING = 4 };

/* SHA-256 of the tar bytes runs on its own thread, a few chunks behind the tar reader: it
 * costs about as much as inflating, so overlapping the two keeps one layer near the speed of
 * decompression alone. Chunks live in a ring of RING output buffers; a buffer is reused only
 * once it is hashed (libarchive needs a buffer only until its next read). */
struct hasher {
	pthread_t thread;
	bool running, stop;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	const unsigned char *ptr[RING];
	size_t len[RING];
	uint64_t queued, hashed;
	struct sha256 *h;
};

struct decoder {
	struct byte_stream *in;
	struct decode_limits limits;
	enum compression comp;
	unsigned char *inbuf, *outbuf;
	unsigned char *ring[RING];
	struct hasher hasher;
	size_t in_pos, in_len; /* unconsumed input is inbuf[in_pos, in_len) */
	bool in_eof, done, finished_hashes;
	uint64_t stored, uncompressed;
	struct sha256 stored_hash, uncompressed_hash;
	char stored_digest[DIGEST_STR_MAX], uncompressed_digest[DIGEST_STR_MAX];
	struct inflate_state *gz;
	bool gz_member_done; /* the last gzip member ended cleanly */
	ZSTD_DCtx *zs;
	size_t zs_last; /* last ZSTD_decompressStream result: 0 = at a frame boundary */
};

const char *compression_name(enum compression c)
{
	switch (c) {
	case COMPRESSION_GZIP: return "gzip";
	case COMPRESSION_ZSTD: return "zstd";
	default: return "none";
	}
}

static void *hasher_main(void *p)
{
	struct hasher *h = p;
	pthread_mutex_lock(&h->mu);
	for (;;) {
		while (h->hashed == h->queued && !h->stop)
			pthread_cond_wait(&h->cv, &h->mu);
		if (h->hashed == h->queued)
			break;
		size_t slot = h->hashed % RING;
		pthread_mutex_unlock(&h->mu);
		sha256_update(h->h, h->ptr[slot], h->len[slot]);
		pthread_mutex_lock(&h->mu);
		h->hashed++;
		pthread_cond_broadcast(&h->cv);
	}
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

static void hasher_start(struct hasher *h, struct sha256 *target)
{
	h->h = target;
	pthread_mutex_init(&h->mu, NULL);
	pthread_cond_init(&h->cv, NULL);
	h->running = pthread_create(&h->thread, NULL, hasher_main, h) == 0;
	if (!h->running) {
		pthread_mutex_destroy(&h->mu);
		pthread_cond_destroy(&h->cv);
	}
}

/* Wait until the ring slot for the next chunk is hashed, and return it. */
static unsigned char *hasher_next_slot(struct decoder *d)
{
	struct hasher *h = &d->hasher;
	if (!h->running)
		return d->ring[0];
	pthread_mutex_lock(&h->mu);
	while (h->queued - h->hashed >= RING)
		pthread_cond_wait(&h->cv, &h->mu);
	unsigned char *p = d->ring[h->queued % RING];
	pthread_mutex_unlock(&h->mu);
	return p;
}

static void hasher_push(struct hasher *h, const unsigned char *p, size_t n)
{
	if (!h->running) {
		sha256_update(h->h, p, n);
		return;
	}
	pthread_mutex_lock(&h->mu);
	h->ptr[h->queued % RING] = p;
	h->len[h->queued % RING] = n;
	h->queued++;
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mu);
}

/* Wait for every queued chunk and end the thread. */
static void hasher_stop(struct hasher *h)
{
	if (!h->running)
		return;
	pthread_mutex_lock(&h->mu);
	h->stop = true;
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mu);
	pthread_join(h->thread, NULL);
	pthread_mutex_destroy(&h->mu);
	pthread_cond_destroy(&h->cv);
	h->running = false;
}

/* Refill the input buffer, keeping unconsumed bytes. Sets in_eof at the end of the stream. */
static int fill(struct decoder *d, ls_error *err)
{
	if (d->in_pos > 0) {
		memmove(d->inbuf, d->inbuf + d->in_pos, d->in_len - d->in_pos);
		d->in_len -= d->in_pos;
		d->in_pos = 0;
	}
	while (!d->in_eof && d->in_len < IN_SIZE) {
		ssize_t got = d->in->read(d->in, d->inbuf + d->in_len, IN_SIZE - d->in_len, err);
		if (got < 0)
			return -1;
		if (got == 0) {
			d->in_eof = true;
			break;
		}
		sha256_update(&d->stored_hash, d->inbuf + d->in_len, (size_t)got);
		d->stored += (uint64_t)got;
		d->in_len += (size_t)got;
		if (d->in_len >= 64 * 1024)
			break;
	}
	return 0;
}

static int check_limits(struct decoder *d, ls_error *err)
{
	const struct decode_limits *l = &d->limits;
	if (l->max_bytes && d->uncompressed > l->max_bytes)
		return ls_fail(err, "decompression bomb: more than %llu uncompressed bytes "
				    "(raise with --max-layer-bytes)", (unsigned long long)l->max_bytes);
	if (l->max_ratio && d->uncompressed > l->ratio_floor &&
	    d->uncompressed / (d->stored ? d->stored : 1) > l->max_ratio)
		return ls_fail(err, "decompression bomb: %llu bytes from %llu stored, ratio above %llu "
				    "(raise with --max-ratio)", (unsigned long long)d->uncompressed,
			       (unsigned long long)d->stored, (unsigned long long)l->max_ratio);
	return 0;
}

static void gz_reset(struct decoder *d)
{
	isal_inflate_reset(d->gz);
	d->gz->crc_flag = ISAL_GZIP;
}

/* One step of inflate: returns bytes produced (may be 0 while headers are read), -1 on error,
 * and sets done at a clean end of the input. */
static ssize_t gz_step(struct decoder *d, ls_error *err)
{
	struct inflate_state *s = d->gz;
	if (d->in_pos == d->in_len) {
		if (fill(d, err) < 0)
			return -1;
		if (d->in_len == 0) {
			if (!d->gz_member_done)
				return ls_fail(err, "truncated gzip stream");
			d->done = true;
			return 0;
		}
	}
	if (d->gz_member_done) {
		/* Another member follows (pigz, estargz): it must be gzip too. */
		if (d->in_len - d->in_pos < 2 && !d->in_eof && fill(d, err) < 0)
			return -1;
		if (d->in_len - d->in_pos < 2 || d->inbuf[d->in_pos] != 0x1f ||
		    d->inbuf[d->in_pos + 1] != 0x8b)
			return ls_fail(err, "garbage after the end of the gzip stream");
		gz_reset(d);
		d->gz_member_done = false;
	}
	s->next_in = d->inbuf + d->in_pos;
	s->avail_in = (uint32_t)(d->in_len - d->in_pos);
	s->next_out = d->outbuf;
	s->avail_out = OUT_SIZE;
	int r = isal_inflate(s);
	d->in_pos = d->in_len - s->avail_in;
	if (r != ISAL_DECOMP_OK)
		return ls_fail(err, "corrupt gzip stream (isa-l error %d%s)", r,
			       r == ISAL_INCORRECT_CHECKSUM ? ": CRC mismatch" : "");
	if (s->block_state == ISAL_BLOCK_FINISH)
		d->gz_member_done = true;
	size_t produced = OUT_SIZE - s->avail_out;
	if (produced == 0 && !d->gz_member_done && d->in_pos == d->in_len && d->in_eof)
		return ls_fail(err, "truncated gzip stream");
	return (ssize_t)produced;
}

static ssize_t zstd_step(struct decoder *d, ls_error *err)
{
	if (d->in_pos == d->in_len) {
		if (fill(d, err) < 0)
			return -1;
		if (d->in_len == 0) {
			if (d->zs_last != 0)
				return ls_fail(err, "truncated zstd stream");
			d->done = true;
			return 0;
		}
	}
	ZSTD_inBuffer in = {d->inbuf, d->in_len, d->in_pos};
	ZSTD_outBuffer out = {d->outbuf, OUT_SIZE, 0};
	size_t r = ZSTD_decompressStream(d->zs, &out, &in);
	d->in_pos = in.pos;
	if (ZSTD_isError(r))
		return ls_fail(err, "corrupt zstd stream: %s", ZSTD_getErrorName(r));
	d->zs_last = r;
	return (ssize_t)out.pos;
}

/* Plain tar: first whatever the sniffing read left in inbuf (hashed already), then reads
 * straight into the ring, hashed on the hasher thread. Sets *chunk. */
static ssize_t plain_step(struct decoder *d, const void **chunk, ls_error *err)
{
	if (d->in_pos < d->in_len) {
		*chunk = d->inbuf + d->in_pos;
		ssize_t n = (ssize_t)(d->in_len - d->in_pos);
		d->in_pos = d->in_len;
		return n;
	}
	if (d->in_eof) {
		d->done = true;
		return 0;
	}
	unsigned char *slot = hasher_next_slot(d);
	ssize_t got = d->in->read(d->in, slot, OUT_SIZE, err);
	if (got < 0)
		return -1;
	if (got == 0) {
		d->in_eof = d->done = true;
		return 0;
	}
	d->stored += (uint64_t)got;
	hasher_push(&d->hasher, slot, (size_t)got);
	*chunk = slot;
	return got;
}

int decoder_open(struct byte_stream *in, const struct decode_limits *limits, struct decoder **out,
		 ls_error *err)
{
	struct decoder *d = xcalloc(1, sizeof(*d));
	d->in = in;
	d->limits = *limits;
	d->inbuf = xmalloc(IN_SIZE);
	sha256_init(&d->stored_hash);
	sha256_init(&d->uncompressed_hash);
	if (fill(d, err) < 0) {
		decoder_free(d);
		return -1;
	}
	if (d->in_len == 0) {
		decoder_free(d);
		return ls_fail(err, "empty layer blob");
	}
	if (d->in_len >= 2 && d->inbuf[0] == 0x1f && d->inbuf[1] == 0x8b) {
		d->comp = COMPRESSION_GZIP;
		d->gz = xcalloc(1, sizeof(*d->gz));
		isal_inflate_init(d->gz);
		d->gz->crc_flag = ISAL_GZIP;
	} else if (d->in_len >= 4 && !memcmp(d->inbuf, "\x28\xb5\x2f\xfd", 4)) {
		d->comp = COMPRESSION_ZSTD;
		d->zs = ZSTD_createDCtx();
		if (!d->zs)
			abort();
		/* Bound the window so a hostile frame cannot ask for gigabytes of memory. */
		ZSTD_DCtx_setParameter(d->zs, ZSTD_d_windowLogMax, 27);
	} else {
		d->comp = COMPRESSION_NONE;
	}
	for (int i = 0; i < RING; i++)
		d->ring[i] = xmalloc(OUT_SIZE);
	/* Plain: the stored bytes are the tar. Compressed: the stored hash stays here (it is
	 * the smaller stream), the tar's hash moves to the hasher. */
	hasher_start(&d->hasher, d->comp == COMPRESSION_NONE ? &d->stored_hash : &d->uncompressed_hash);
	*out = d;
	return 0;
}

ssize_t decoder_read(struct decoder *d, const void **chunk, ls_error *err)
{
	while (!d->done) {
		ssize_t n;
		if (d->comp == COMPRESSION_NONE) {
			n = plain_step(d, chunk, err);
		} else {
			d->outbuf = hasher_next_slot(d);
			n = d->comp == COMPRESSION_GZIP ? gz_step(d, err) : zstd_step(d, err);
			if (n > 0) {
				hasher_push(&d->hasher, d->outbuf, (size_t)n);
				*chunk = d->outbuf;
			}
		}
		if (n < 0)
			return -1;
		if (n == 0)
			continue;
		d->uncompressed += (uint64_t)n;
		if (check_limits(d, err) < 0)
			return -1;
		return n;
	}
	return 0;
}

int decoder_drain(struct decoder *d, ls_error *err)
{
	const void *chunk;
	ssize_t n;
	while ((n = decoder_read(d, &chunk, err)) > 0)
		;
	return n < 0 ? -1 : 0;
}

enum compression decoder_compression(const struct decoder *d)
{
	return d->comp;
}

uint64_t decoder_stored_bytes(const struct decoder *d)
{
	return d->stored;
}

uint64_t decoder_uncompressed_bytes(const struct decoder *d)
{
	return d->uncompressed;
}

static void finish_hashes(struct decoder *d)
{
	if (d->finished_hashes)
		return;
	hasher_stop(&d->hasher);
	sha256_final(&d->stored_hash, d->stored_digest);
	sha256_final(&d->uncompressed_hash, d->uncompressed_digest);
	if (d->comp == COMPRESSION_NONE)
		memcpy(d->uncompressed_digest, d->stored_digest, DIGEST_STR_MAX);
	d->finished_hashes = true;
}

void decoder_digests(struct decoder *d, char stored[DIGEST_STR_MAX],
		     char uncompressed[DIGEST_STR_MAX])
{
	finish_hashes(d);
	memcpy(stored, d->stored_digest, DIGEST_STR_MAX);
	memcpy(uncompressed, d->uncompressed_digest, DIGEST_STR_MAX);
}

int decoder_finish_stored(struct decoder *d, char stored[DIGEST_STR_MAX], ls_error *err)
{
	hasher_stop(&d->hasher); /* from here on, fill() hashes the stored bytes itself */
	while (!d->in_eof) {
		d->in_pos = d->in_len = 0;
		if (fill(d, err) < 0)
			return -1;
	}
	finish_hashes(d);
	memcpy(stored, d->stored_digest, DIGEST_STR_MAX);
	return 0;
}

void decoder_free(struct decoder *d)
{
	if (!d)
		return;
	hasher_stop(&d->hasher);
	if (!d->finished_hashes) {
		sha256_release(&d->stored_hash);
		sha256_release(&d->uncompressed_hash);
	}
	if (d->in)
		d->in->close(d->in);
	free(d->gz);
	ZSTD_freeDCtx(d->zs);
	free(d->inbuf);
	for (int i = 0; i < RING; i++)
		free(d->ring[i]);
	free(d);
}
