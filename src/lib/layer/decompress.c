#include "layer/decompress.h"

#include <isa-l/igzip_lib.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_initStaticDStream, ZSTD_estimateDStreamSize */
#include <zstd.h>

#include "util/mem.h"

enum {
	IN_SIZE = 128 * 1024,  /* one read of stored bytes */
	/* A chunk of tar bytes. ISA-L copies the last 32 KiB of every output buffer to keep its
	 * history, so gzip gets large chunks; zstd copies everything out of its own window
	 * anyway, so its chunks are small, to keep the resident size down (on two threads zstd
	 * layers are the ones near the 200 bytes per entry target). */
	OUT_SIZE = 256 * 1024,
	ZSTD_OUT_SIZE = 128 * 1024,
	IN_SLOTS = 2,
	OUT_SLOTS = 4,
	QUEUE = 4,  /* chunks a hasher may lag behind */
	CARRY = 16, /* room before an input slot for bytes the last one left unconsumed */
	HASH_BATCH = 2, /* wake a sleeping hasher once this many chunks wait: half the wake-ups */
	ZSTD_WINDOW_LOG_MAX = 27, /* 128 MiB: zstd --long's default; larger frames are refused */
};

/* SHA-256 runs on helper threads, a few chunks behind the reader: hashing the stored blob and
 * the tar costs about as much as inflating, so with the reader thread only decompressing and
 * walking the tar, one layer runs near the speed of decompression alone. One hasher per
 * digest: the stored bytes (fed from the input slots) and, for a compressed blob, the tar
 * (fed from the output slots). A slot is reused only once its hasher is past it; libarchive
 * needs a chunk only until its next read, and there are always other slots to fill first. */
struct hasher {
	pthread_t thread;
	bool running, stop;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	const unsigned char *ptr[QUEUE];
	size_t len[QUEUE];
	uint64_t queued, hashed; /* chunk sequence numbers: chunk k is hashed once hashed >= k */
	struct sha256 *h;
};

/* A buffer and the sequence number, in its hasher, of the chunk last pushed from it. Blobs are
 * read into private buffers (pread), never mapped: the hasher and the tar reader must see the
 * same bytes even if another process rewrites the file meanwhile, and a file truncated under a
 * mapping would kill the process with SIGBUS instead of giving an error. */
struct slot {
	unsigned char *buf;
	uint64_t seq;
};

struct decoder {
	struct byte_stream *in;
	struct decode_limits limits;
	enum compression comp;
	struct slot in_slot[IN_SLOTS], out_slot[OUT_SLOTS];
	unsigned char *slots_mem; /* all slots, one mapping */
	size_t slots_len;
	unsigned in_next, out_next;
	size_t out_size;  /* bytes per output chunk, up to OUT_SIZE */
	struct hasher stored_hasher, tar_hasher;
	unsigned char *inbuf, *outbuf;
	size_t in_pos, in_len; /* unconsumed input is inbuf[in_pos, in_len) */
	bool in_eof, done, finished_hashes;
	uint64_t stored, uncompressed;
	struct sha256 stored_hash, uncompressed_hash;
	char stored_digest[DIGEST_STR_MAX], uncompressed_digest[DIGEST_STR_MAX];
	struct inflate_state *gz;
	bool gz_member_done; /* the last gzip member ended cleanly */
	ZSTD_DCtx *zs; /* lives in zs_mem */
	void *zs_mem;
	size_t zs_len;
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
		size_t i = h->hashed % QUEUE;
		pthread_mutex_unlock(&h->mu);
		sha256_update(h->h, h->ptr[i], h->len[i]);
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

/* Wait until chunk `seq` is hashed (its buffer may then be reused). */
static void hasher_wait(struct hasher *h, uint64_t seq)
{
	if (!h->running)
		return;
	pthread_mutex_lock(&h->mu);
	if (h->hashed < seq)
		pthread_cond_broadcast(&h->cv); /* it may sleep on fewer than HASH_BATCH chunks */
	while (h->hashed < seq)
		pthread_cond_wait(&h->cv, &h->mu);
	pthread_mutex_unlock(&h->mu);
}

/* Queue a chunk; returns its sequence number. Without a thread, hashes it right away. */
static uint64_t hasher_push(struct hasher *h, const unsigned char *p, size_t n)
{
	if (!h->running) {
		sha256_update(h->h, p, n);
		h->hashed = ++h->queued;
		return h->queued;
	}
	pthread_mutex_lock(&h->mu);
	if (h->queued - h->hashed >= QUEUE)
		pthread_cond_broadcast(&h->cv);
	while (h->queued - h->hashed >= QUEUE)
		pthread_cond_wait(&h->cv, &h->mu);
	h->ptr[h->queued % QUEUE] = p;
	h->len[h->queued % QUEUE] = n;
	uint64_t seq = ++h->queued;
	if (h->queued - h->hashed >= HASH_BATCH)
		pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mu);
	return seq;
}

/* Wait for every queued chunk and end the thread; later pushes hash right away. */
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

/* The next buffer of a ring, once its hasher is done with it. */
static struct slot *next_slot(struct slot *ring, unsigned n, unsigned *next, struct hasher *h)
{
	struct slot *s = &ring[(*next)++ % n];
	hasher_wait(h, s->seq);
	return s;
}

/* The next stored bytes copied into the slot's buffer, after the `keep` bytes carried over. */
static ssize_t read_slot(struct decoder *d, struct slot *s, size_t keep, ls_error *err)
{
	size_t got = 0;
	if (keep)
		memcpy(s->buf + CARRY - keep, d->inbuf + d->in_pos, keep);
	while (got < IN_SIZE) {
		ssize_t n = d->in->read(d->in, s->buf + CARRY + got, IN_SIZE - got, err);
		if (n <= 0)
			return n < 0 ? -1 : (ssize_t)got;
		got += (size_t)n;
		if (got >= 64 * 1024)
			break;
	}
	return (ssize_t)got;
}

/* Move on to the next stored bytes in a fresh input slot and queue them for the stored digest.
 * The few unconsumed bytes (at most CARRY: gz_step peeks at two) move in front of them. Sets in_eof at the end. */
static int fill(struct decoder *d, ls_error *err)
{
	size_t keep = d->in_len - d->in_pos;
	if (d->in_eof) {
		if (keep == 0)
			d->in_pos = d->in_len = 0;
		return 0;
	}
	struct slot *s = next_slot(d->in_slot, IN_SLOTS, &d->in_next, &d->stored_hasher);
	ssize_t got = read_slot(d, s, keep, err);
	if (got < 0)
		return -1;
	if (got == 0) {
		d->in_eof = true;
		d->in_len = keep; /* what is left stays where it is */
		if (keep) {
			d->inbuf += d->in_pos;
			d->in_pos = 0;
		}
		return 0;
	}
	unsigned char *start = s->buf + CARRY;
	s->seq = hasher_push(&d->stored_hasher, start, (size_t)got);
	d->stored += (uint64_t)got;
	d->inbuf = start - keep;
	d->in_pos = 0;
	d->in_len = keep + (size_t)got;
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
	s->avail_out = (uint32_t)d->out_size;
	int r = isal_inflate(s);
	d->in_pos = d->in_len - s->avail_in;
	if (r != ISAL_DECOMP_OK)
		return ls_fail(err, "corrupt gzip stream (isa-l error %d%s)", r,
			       r == ISAL_INCORRECT_CHECKSUM ? ": CRC mismatch" : "");
	if (s->block_state == ISAL_BLOCK_FINISH)
		d->gz_member_done = true;
	size_t produced = d->out_size - s->avail_out;
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
	ZSTD_outBuffer out = {d->outbuf, d->out_size, 0};
	size_t r = ZSTD_decompressStream(d->zs, &out, &in);
	d->in_pos = in.pos;
	if (ZSTD_isError(r))
		return ls_fail(err, "corrupt zstd stream: %s", ZSTD_getErrorName(r));
	d->zs_last = r;
	return (ssize_t)out.pos;
}

/* Plain tar: the stored bytes are the tar, handed out straight from the input slots (hashed
 * once, by the stored hasher). Sets *chunk. */
static ssize_t plain_step(struct decoder *d, const void **chunk, ls_error *err)
{
	if (d->in_pos == d->in_len && fill(d, err) < 0)
		return -1;
	if (d->in_len == 0) {
		d->done = true;
		return 0;
	}
	*chunk = d->inbuf + d->in_pos;
	ssize_t n = (ssize_t)(d->in_len - d->in_pos);
	d->in_pos = d->in_len;
	return n;
}

/* Inflate or decompress into the next output slot and queue it for the tar digest. */
static ssize_t decode_step(struct decoder *d, const void **chunk, ls_error *err)
{
	struct slot *s = next_slot(d->out_slot, OUT_SLOTS, &d->out_next, &d->tar_hasher);
	d->outbuf = s->buf;
	ssize_t n = d->comp == COMPRESSION_GZIP ? gz_step(d, err) : zstd_step(d, err);
	if (n <= 0) {
		d->out_next--; /* nothing written: the slot is still free */
		return n;
	}
	s->seq = hasher_push(&d->tar_hasher, s->buf, (size_t)n);
	*chunk = s->buf;
	return n;
}

/* The slots and zstd's window are mapped and unmapped here, not malloc'ed: freeing blocks this
 * big raises glibc's dynamic mmap threshold, after which each layer's buffers come from the
 * threads' heaps and stay resident there once freed (6 MiB more peak RSS with zstd layers on
 * two threads). MAP_NORESERVE: only the pages used count. */
static void *map_pages(size_t n)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);
	return p == MAP_FAILED ? NULL : p; /* out of address space (ulimit -v): the caller says so */
}

static void unmap_pages(void *p, size_t n)
{
	if (p)
		munmap(p, n);
}

/* Pages a decoder never touches cost nothing: the output slots of a plain tar, the second half
 * of each output slot of a zstd blob. */
static int map_slots(struct decoder *d, ls_error *err)
{
	d->slots_len = IN_SLOTS * (CARRY + IN_SIZE) + OUT_SLOTS * OUT_SIZE;
	d->slots_mem = map_pages(d->slots_len);
	if (!d->slots_mem)
		return ls_fail(err, "cannot reserve %zu KiB of buffers: out of address space",
			       d->slots_len / 1024);
	unsigned char *p = d->slots_mem;
	for (int i = 0; i < IN_SLOTS; i++, p += CARRY + IN_SIZE)
		d->in_slot[i].buf = p;
	for (int i = 0; i < OUT_SLOTS; i++, p += OUT_SIZE)
		d->out_slot[i].buf = p;
	return 0;
}

/* A zstd context in a workspace big enough for the largest window we accept: the address
 * space is reserved, but only the pages the frame's own window needs (2 MiB at zstd -3) are
 * ever touched, and a larger-window frame needs no reallocation. */
static int zstd_open(struct decoder *d, ls_error *err)
{
	d->zs_len = ZSTD_estimateDStreamSize((size_t)1 << ZSTD_WINDOW_LOG_MAX);
	d->zs_mem = map_pages(d->zs_len);
	d->zs = d->zs_mem ? ZSTD_initStaticDStream(d->zs_mem, d->zs_len) : NULL;
	if (!d->zs)
		return ls_fail(err, "cannot reserve %zu MiB for zstd's window: out of address space "
				    "(ulimit -v?)", d->zs_len >> 20);
	/* Bound the window so a hostile frame cannot ask for more (a clear error, too). */
	ZSTD_DCtx_setParameter(d->zs, ZSTD_d_windowLogMax, ZSTD_WINDOW_LOG_MAX);
	return 0;
}

static int sniff_compression(struct decoder *d, ls_error *err)
{
	if (d->in_len >= 2 && d->inbuf[0] == 0x1f && d->inbuf[1] == 0x8b) {
		d->comp = COMPRESSION_GZIP;
		d->gz = xcalloc(1, sizeof(*d->gz));
		isal_inflate_init(d->gz);
		d->gz->crc_flag = ISAL_GZIP;
		return 0;
	}
	if (d->in_len >= 4 && !memcmp(d->inbuf, "\x28\xb5\x2f\xfd", 4)) {
		d->comp = COMPRESSION_ZSTD;
		d->out_size = ZSTD_OUT_SIZE;
		return zstd_open(d, err);
	}
	d->comp = COMPRESSION_NONE;
	return 0;
}

int decoder_open(struct byte_stream *in, const struct decode_limits *limits, struct decoder **out,
		 ls_error *err)
{
	struct decoder *d = xcalloc(1, sizeof(*d));
	d->in = in;
	d->limits = *limits;
	d->out_size = OUT_SIZE;
	if (map_slots(d, err) < 0) {
		in->close(in);
		free(d);
		return -1;
	}
	sha256_init(&d->stored_hash);
	sha256_init(&d->uncompressed_hash);
	hasher_start(&d->stored_hasher, &d->stored_hash);
	if (fill(d, err) < 0) {
		decoder_free(d);
		return -1;
	}
	if (d->in_len == 0) {
		decoder_free(d);
		return ls_fail(err, "empty layer blob");
	}
	if (sniff_compression(d, err) < 0) {
		decoder_free(d);
		return -1;
	}
	/* The sniffing read filled the first slot; a plain tar goes on in place. */
	if (d->comp != COMPRESSION_NONE)
		hasher_start(&d->tar_hasher, &d->uncompressed_hash);
	*out = d;
	return 0;
}

ssize_t decoder_read(struct decoder *d, const void **chunk, ls_error *err)
{
	while (!d->done) {
		ssize_t n = d->comp == COMPRESSION_NONE ? plain_step(d, chunk, err)
							: decode_step(d, chunk, err);
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
	hasher_stop(&d->stored_hasher);
	hasher_stop(&d->tar_hasher);
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
	while (!d->in_eof) {
		d->in_pos = d->in_len;
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
	hasher_stop(&d->stored_hasher);
	hasher_stop(&d->tar_hasher);
	if (!d->finished_hashes) {
		sha256_release(&d->stored_hash);
		sha256_release(&d->uncompressed_hash);
	}
	if (d->in)
		d->in->close(d->in);
	free(d->gz);
	unmap_pages(d->zs_mem, d->zs_len); /* a static context: no ZSTD_freeDCtx */
	unmap_pages(d->slots_mem, d->slots_len);
	free(d);
}
