/* An archive read as the plain tar inside it, without writing it anywhere: each stream reads
 * the archive from its start (pread of a file, or a stream opened again: an HTTP GET) and
 * hands out the bytes [skip, skip + length) of the decompressed result. Random access into a
 * gzip or zstd stream, or into a daemon's `docker save` stream, is not possible, so reaching a
 * member costs reading everything before it; the container keeps small members (manifests,
 * configs) in memory from its one indexing pass, so only layers pay that, and it reads them in
 * archive order through one shared decoder (a cursor), so all the layers together cost one
 * more pass. */
#include "source/unpack.h"

#include <errno.h>
#include <isa-l.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "util/mem.h"

enum {
	IN_SIZE = 128 * 1024,
	SKIP_SIZE = 256 * 1024, /* output scratch for the bytes before the member */
};

/* An archive may not unpack to more than 64 GiB (layer/decompress.h's default for a layer).
 * No ratio limit, unlike layers: the layers inside are uncompressed tars, and a layer of zeros
 * compresses past any sane ratio; the work is bounded by the size, memory is constant, and the
 * layers' own limits still apply. */
#define UNPACK_MAX_BYTES (64ull << 30)
/* zstd windows up to 128 MiB, as for layers (decompress.c): `zstd --long=31` is refused. */
#define UNPACK_ZSTD_WINDOW_LOG_MAX 27

enum codec { CODEC_PLAIN, CODEC_GZIP, CODEC_ZSTD };

/* The decompression of one archive from its start: where it is and what it holds. */
struct unpacker {
	int fd;                 /* the file, or -1: read `source` */
	struct byte_stream *source;
	enum codec codec;
	struct inflate_state gz;
	bool gz_member_done;
	ZSTD_DStream *zs;
	size_t zs_last; /* ZSTD_decompressStream's last hint: 0 at the end of a frame */
	unsigned char in[IN_SIZE];
	size_t in_pos, in_len;
	bool in_eof, out_end;
	uint64_t stored, produced; /* bytes read from the file, bytes decompressed */
	unsigned char *scratch;    /* output of the bytes skipped */
};

/* A decoder that member reads going forward through the file pass on to each other. */
struct unpack_cursor {
	struct unpack_origin origin;
	pthread_mutex_t mu;
	struct unpacker *u; /* NULL until first used, or after a failed read */
	bool busy;
};

struct unpack_stream {
	struct byte_stream base;
	struct unpacker *u;	      /* NULL until the first read */
	struct unpack_cursor *cursor;
	bool borrowed; /* u is the cursor's and goes back to it; else u is ours */
	bool failed;
	uint64_t skip, skip_left, left;
};

bool unpack_is_compressed(int fd)
{
	unsigned char m[4] = {0};
	if (pread(fd, m, sizeof(m), 0) < 2)
		return false;
	return (m[0] == 0x1f && m[1] == 0x8b) ||
	       (m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd);
}

static int refill(struct unpacker *u, ls_error *err)
{
	size_t keep = u->in_len - u->in_pos;
	memmove(u->in, u->in + u->in_pos, keep);
	u->in_pos = 0;
	u->in_len = keep;
	while (!u->in_eof && u->in_len < IN_SIZE) {
		ssize_t n;
		if (u->fd < 0) {
			n = u->source->read(u->source, u->in + u->in_len, IN_SIZE - u->in_len, err);
			if (n < 0)
				return -1;
		} else {
			n = pread(u->fd, u->in + u->in_len, IN_SIZE - u->in_len, (off_t)u->stored);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return ls_fail_errno(err, errno, "read");
		}
		if (n == 0)
			u->in_eof = true;
		u->in_len += (size_t)n;
		u->stored += (uint64_t)n;
		if (n > 0)
			break;
	}
	return 0;
}

/* Up to cap bytes of gzip output; 0 at the end of the last member. */
static ssize_t gz_out(struct unpacker *u, unsigned char *out, size_t cap, ls_error *err)
{
	for (;;) {
		if (u->in_pos == u->in_len && refill(u, err) < 0)
			return -1;
		if (u->gz_member_done) {
			if (u->in_len - u->in_pos < 2 && !u->in_eof && refill(u, err) < 0)
				return -1;
			if (u->in_pos == u->in_len)
				return 0;
			if (u->in_len - u->in_pos < 2 || u->in[u->in_pos] != 0x1f ||
			    u->in[u->in_pos + 1] != 0x8b)
				return ls_fail(err, "garbage after the end of the gzip stream");
			isal_inflate_reset(&u->gz);
			u->gz.crc_flag = ISAL_GZIP;
			u->gz_member_done = false;
		}
		if (u->in_pos == u->in_len && u->in_eof)
			return ls_fail(err, "truncated gzip stream");
		u->gz.next_in = u->in + u->in_pos;
		u->gz.avail_in = (uint32_t)(u->in_len - u->in_pos);
		u->gz.next_out = out;
		u->gz.avail_out = (uint32_t)cap;
		int r = isal_inflate(&u->gz);
		u->in_pos = u->in_len - u->gz.avail_in;
		if (r != ISAL_DECOMP_OK)
			return ls_fail(err, "corrupt gzip stream (isa-l error %d%s)", r,
				       r == ISAL_INCORRECT_CHECKSUM ? ": CRC mismatch" : "");
		if (u->gz.block_state == ISAL_BLOCK_FINISH)
			u->gz_member_done = true;
		size_t produced = cap - u->gz.avail_out;
		if (produced > 0)
			return (ssize_t)produced;
	}
}

/* Up to cap bytes of zstd output; 0 at the end of the last frame. */
static ssize_t zstd_out(struct unpacker *u, unsigned char *out, size_t cap, ls_error *err)
{
	for (;;) {
		if (u->in_pos == u->in_len) {
			if (refill(u, err) < 0)
				return -1;
			if (u->in_pos == u->in_len) {
				if (u->zs_last != 0)
					return ls_fail(err, "truncated zstd stream");
				return 0;
			}
		}
		ZSTD_inBuffer in = {u->in, u->in_len, u->in_pos};
		ZSTD_outBuffer o = {out, cap, 0};
		size_t r = ZSTD_decompressStream(u->zs, &o, &in);
		u->in_pos = in.pos;
		if (ZSTD_getErrorCode(r) == ZSTD_error_frameParameter_windowTooLarge)
			return ls_fail(err, "the zstd window is above the 128 MiB allowed (zstd --long=28 "
					    "or more): recompress without --long");
		if (ZSTD_isError(r))
			return ls_fail(err, "corrupt zstd stream: %s", ZSTD_getErrorName(r));
		u->zs_last = r;
		if (o.pos > 0)
			return (ssize_t)o.pos;
	}
}

/* Up to cap bytes of an uncompressed archive; 0 at its end. */
static ssize_t plain_out(struct unpacker *u, unsigned char *out, size_t cap, ls_error *err)
{
	if (u->in_pos == u->in_len && refill(u, err) < 0)
		return -1;
	size_t n = u->in_len - u->in_pos;
	if (n > cap)
		n = cap;
	memcpy(out, u->in + u->in_pos, n);
	u->in_pos += n;
	return (ssize_t)n;
}

static ssize_t decompress_some(struct unpacker *u, unsigned char *out, size_t cap,
			       ls_error *err)
{
	ssize_t n;
	switch (u->codec) {
	case CODEC_ZSTD: n = zstd_out(u, out, cap, err); break;
	case CODEC_GZIP: n = gz_out(u, out, cap, err); break;
	default: n = plain_out(u, out, cap, err); break;
	}
	if (n <= 0)
		return n;
	u->produced += (uint64_t)n;
	/* A plain stream inflates nothing: it is as long as what the engine sends, as a file is. */
	if (u->codec != CODEC_PLAIN && u->produced > UNPACK_MAX_BYTES)
		return ls_fail(err, "decompression bomb: the archive unpacks to more than %llu bytes "
				    "from %llu", (unsigned long long)UNPACK_MAX_BYTES,
			       (unsigned long long)u->stored);
	return n;
}

static void unpacker_free(struct unpacker *u)
{
	if (!u)
		return;
	if (u->source)
		u->source->close(u->source);
	ZSTD_freeDStream(u->zs);
	free(u->scratch);
	free(u);
}

/* Start reading the archive from its top; the codec is sniffed from its first bytes. */
static struct unpacker *unpacker_new(const struct unpack_origin *o, ls_error *err)
{
	struct unpacker *u = xcalloc(1, sizeof(*u));
	u->fd = o->fd;
	u->scratch = xmalloc(SKIP_SIZE);
	if (u->fd < 0 && o->open(o->ctx, &u->source, err) < 0) {
		u->source = NULL;
		unpacker_free(u);
		return NULL;
	}
	while (u->in_len < 4 && !u->in_eof)
		if (refill(u, err) < 0) {
			unpacker_free(u);
			return NULL;
		}
	const unsigned char *m = u->in;
	if (u->in_len >= 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd) {
		u->codec = CODEC_ZSTD;
		u->zs = ZSTD_createDStream();
		if (!u->zs)
			abort(); /* out of memory, as xmalloc */
		ZSTD_DCtx_setParameter(u->zs, ZSTD_d_windowLogMax, UNPACK_ZSTD_WINDOW_LOG_MAX);
	} else if (u->in_len >= 2 && m[0] == 0x1f && m[1] == 0x8b) {
		u->codec = CODEC_GZIP;
		isal_inflate_init(&u->gz);
		u->gz.crc_flag = ISAL_GZIP;
	} else {
		u->codec = CODEC_PLAIN;
	}
	return u;
}

/* The cursor's decoder (created when it has none) when it is free and not yet past `skip`;
 * else the stream starts its own. */
static int attach(struct unpack_stream *us, ls_error *err)
{
	struct unpack_cursor *c = us->cursor;
	bool tried = false;
	pthread_mutex_lock(&c->mu);
	if (!c->busy) {
		tried = true;
		if (c->u && c->u->produced > us->skip) {
			unpacker_free(c->u); /* behind us now: start again from the top */
			c->u = NULL;
		}
		if (!c->u)
			c->u = unpacker_new(&c->origin, err);
		if (c->u) {
			c->busy = true;
			us->borrowed = true;
			us->u = c->u;
		}
	}
	pthread_mutex_unlock(&c->mu);
	if (!tried)
		us->u = unpacker_new(&c->origin, err);
	if (!us->u)
		return -1;
	us->skip_left = us->skip - us->u->produced;
	return 0;
}

static ssize_t unpack_read(struct byte_stream *s, void *buf, size_t n, ls_error *err)
{
	struct unpack_stream *us = (struct unpack_stream *)s;
	ssize_t got;
	if (us->failed)
		return ls_fail(err, "read after an error");
	if (!us->u && attach(us, err) < 0) {
		us->failed = true;
		return -1;
	}
	struct unpacker *u = us->u;
	while (us->skip_left > 0) {
		size_t want = us->skip_left < SKIP_SIZE ? (size_t)us->skip_left : SKIP_SIZE;
		got = decompress_some(u, u->scratch, want, err);
		if (got <= 0) {
			us->failed = true;
			return got < 0 ? -1 : ls_fail(err, "the archive ends before its member (truncated)");
		}
		us->skip_left -= (uint64_t)got;
	}
	if (us->left == 0)
		return 0;
	if (n > us->left)
		n = (size_t)us->left;
	got = decompress_some(u, buf, n, err);
	if (got < 0) {
		us->failed = true;
		return -1;
	}
	if (got == 0) {
		if (us->left != UINT64_MAX) {
			us->failed = true;
			return ls_fail(err, "the archive ends %llu bytes early (truncated)",
				       (unsigned long long)us->left);
		}
		us->left = 0; /* the whole archive was asked for: its end is the end */
		return 0;
	}
	if (us->left != UINT64_MAX)
		us->left -= (uint64_t)got;
	return got;
}

static void unpack_close(struct byte_stream *s)
{
	struct unpack_stream *us = (struct unpack_stream *)s;
	struct unpack_cursor *c = us->cursor;
	if (!us->borrowed) {
		unpacker_free(us->u);
	} else {
		pthread_mutex_lock(&c->mu);
		if (us->failed) { /* its state is unknown: the next reader starts afresh */
			unpacker_free(c->u);
			c->u = NULL;
		}
		c->busy = false;
		pthread_mutex_unlock(&c->mu);
	}
	free(us);
}

struct byte_stream *unpack_stream_open(struct unpack_cursor *cursor, uint64_t skip,
				       uint64_t length)
{
	struct unpack_stream *us = xcalloc(1, sizeof(*us));
	us->base.read = unpack_read;
	us->base.close = unpack_close;
	us->cursor = cursor;
	us->skip = skip;
	us->left = length;
	return &us->base;
}

struct unpack_cursor *unpack_cursor_new(const struct unpack_origin *origin)
{
	struct unpack_cursor *c = xcalloc(1, sizeof(*c));
	c->origin = *origin;
	c->origin.what = xstrdup(origin->what ? origin->what : "archive"); /* the caller's may go */
	pthread_mutex_init(&c->mu, NULL);
	return c;
}

void unpack_cursor_free(struct unpack_cursor *c)
{
	if (!c)
		return;
	unpacker_free(c->u);
	if (c->origin.free_ctx)
		c->origin.free_ctx(c->origin.ctx);
	free((char *)c->origin.what);
	pthread_mutex_destroy(&c->mu);
	free(c);
}
