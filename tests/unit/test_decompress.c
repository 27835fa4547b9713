/* The layer decoder: compression sniffing, ISA-L gzip (multi-member, CRC), zstd, plain,
 * truncation, garbage, bomb limits, and the digests of stored and uncompressed bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "layer/decompress.h"
#include "testutil.h"
#include "util/digest.h"

static const struct decode_limits no_limits = {0};

/* Decode everything; returns 0 or -1 and fills the output buffer and the error. */
static int decode_all(const void *blob, size_t len, const struct decode_limits *lim,
		      struct buf *out, enum compression *comp, ls_error *err)
{
	struct decoder *d;
	const void *chunk;
	ssize_t n;
	int ret = 0;
	if (decoder_open(mem_stream_new(blob, len, 5000), lim, &d, err) < 0)
		return -1;
	*comp = decoder_compression(d);
	while ((n = decoder_read(d, &chunk, err)) > 0)
		buf_append(out, chunk, (size_t)n, NULL);
	if (n < 0)
		ret = -1;
	decoder_free(d);
	return ret;
}

static char *sample(size_t n)
{
	char *p = xmalloc(n);
	for (size_t i = 0; i < n; i++)
		p[i] = (char)("layerscope"[i % 10] + (i / 4096) % 7);
	return p;
}

static void test_roundtrip(void **state)
{
	(void)state;
	size_t n = 3 * 1024 * 1024 + 17, glen, zlen;
	char *data = sample(n);
	unsigned char *gz = gzip_bytes(data, n, &glen);
	unsigned char *zs = zstd_bytes(data, n, &zlen);
	const struct {
		const void *blob;
		size_t len;
		enum compression want;
	} cases[] = {
		{data, n, COMPRESSION_NONE}, {gz, glen, COMPRESSION_GZIP}, {zs, zlen, COMPRESSION_ZSTD}};
	for (size_t i = 0; i < 3; i++) {
		struct buf out;
		enum compression comp;
		ls_error err = {{0}};
		buf_init(&out, 0);
		assert_int_equal(decode_all(cases[i].blob, cases[i].len, &no_limits, &out, &comp, &err), 0);
		assert_int_equal(comp, cases[i].want);
		assert_int_equal(out.len, n);
		assert_memory_equal(out.data, data, n);
		buf_release(&out);
	}
	free(data);
	free(gz);
	free(zs);
}

static void test_digests(void **state)
{
	(void)state;
	size_t n = 100000, glen;
	char *data = sample(n);
	unsigned char *gz = gzip_bytes(data, n, &glen);
	char want_stored[DIGEST_STR_MAX], want_plain[DIGEST_STR_MAX];
	char stored[DIGEST_STR_MAX], plain[DIGEST_STR_MAX];
	struct decoder *d;
	ls_error err;
	sha256_digest(gz, glen, want_stored);
	sha256_digest(data, n, want_plain);
	assert_int_equal(decoder_open(mem_stream_new(gz, glen, 0), &no_limits, &d, &err), 0);
	assert_int_equal(decoder_drain(d, &err), 0);
	decoder_digests(d, stored, plain);
	assert_string_equal(stored, want_stored);
	assert_string_equal(plain, want_plain);
	assert_int_equal(decoder_stored_bytes(d), glen);
	assert_int_equal(decoder_uncompressed_bytes(d), n);
	decoder_free(d);
	free(data);
	free(gz);
}

static void test_gzip_multimember(void **state)
{
	(void)state;
	size_t n = 50000, l1, l2;
	char *data = sample(n);
	unsigned char *a = gzip_bytes(data, 20000, &l1);
	unsigned char *b = gzip_bytes(data + 20000, n - 20000, &l2);
	unsigned char *both = xmalloc(l1 + l2);
	struct buf out;
	enum compression comp;
	ls_error err;
	memcpy(both, a, l1);
	memcpy(both + l1, b, l2);
	buf_init(&out, 0);
	assert_int_equal(decode_all(both, l1 + l2, &no_limits, &out, &comp, &err), 0);
	assert_int_equal(out.len, n);
	assert_memory_equal(out.data, data, n);
	buf_release(&out);
	/* Garbage after a member is an error, not silently ignored. */
	both[l1] = 'X';
	buf_init(&out, 0);
	assert_int_equal(decode_all(both, l1 + l2, &no_limits, &out, &comp, &err), -1);
	assert_non_null(strstr(err.msg, "garbage"));
	buf_release(&out);
	free(both);
	free(a);
	free(b);
	free(data);
}

static void expect_failure(const void *blob, size_t len, const struct decode_limits *lim,
			   const char *needle)
{
	struct buf out;
	enum compression comp;
	ls_error err = {{0}};
	buf_init(&out, 0);
	assert_int_equal(decode_all(blob, len, lim, &out, &comp, &err), -1);
	if (!strstr(err.msg, needle))
		fail_msg("error '%s' does not mention '%s'", err.msg, needle);
	buf_release(&out);
}

static void test_truncated(void **state)
{
	(void)state;
	size_t n = 200000, glen, zlen;
	char *data = sample(n);
	unsigned char *gz = gzip_bytes(data, n, &glen);
	unsigned char *zs = zstd_bytes(data, n, &zlen);
	expect_failure(gz, glen / 2, &no_limits, "truncated gzip");
	expect_failure(gz, glen - 4, &no_limits, "gzip"); /* trailer cut */
	expect_failure(zs, zlen / 2, &no_limits, "truncated zstd");
	expect_failure(zs, zlen - 1, &no_limits, "truncated zstd");
	free(data);
	free(gz);
	free(zs);
}

static void test_corrupt(void **state)
{
	(void)state;
	size_t n = 200000, glen, zlen;
	char *data = sample(n);
	unsigned char *gz = gzip_bytes(data, n, &glen);
	unsigned char *zs = zstd_bytes(data, n, &zlen);
	gz[glen - 6] ^= 0x55; /* CRC32 in the trailer */
	expect_failure(gz, glen, &no_limits, "CRC");
	zs[zlen / 2] ^= 0xff;
	zs[zlen / 2 + 1] ^= 0xff;
	expect_failure(zs, zlen, &no_limits, "zstd");
	expect_failure("", 0, &no_limits, "empty");
	free(data);
	free(gz);
	free(zs);
}

static void test_limits(void **state)
{
	(void)state;
	size_t n = 4 * 1024 * 1024, zlen;
	char *zeros = xcalloc(1, n);
	unsigned char *zs = zstd_bytes(zeros, n, &zlen);
	struct decode_limits bytes = {.max_bytes = 1000000};
	struct decode_limits ratio = {.max_ratio = 100, .ratio_floor = 1024};
	struct decode_limits ratio_high_floor = {.max_ratio = 100, .ratio_floor = 8 * 1024 * 1024};
	struct buf out;
	enum compression comp;
	ls_error err;
	expect_failure(zs, zlen, &bytes, "decompression bomb");
	expect_failure(zs, zlen, &ratio, "ratio");
	buf_init(&out, 0);
	assert_int_equal(decode_all(zs, zlen, &ratio_high_floor, &out, &comp, &err), 0);
	assert_int_equal(out.len, n);
	buf_release(&out);
	expect_failure(zeros, n, &bytes, "decompression bomb"); /* plain counts too */
	free(zeros);
	free(zs);
}

/* zstd with a 128 MiB window (zstd --long=27): a back-reference 3 MiB away, further than the
 * 2 MiB window of zstd -3, decodes; a frame asking for a 256 MiB window is refused. */
static void test_zstd_large_window(void **state)
{
	(void)state;
	size_t half = 3 * 1024 * 1024, n = 2 * half, cap = ZSTD_compressBound(n), zlen = 0;
	char *data = xmalloc(n);
	uint64_t x = 88172645463325252ull;
	for (size_t i = 0; i < half; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* incompressible, so only the copy matches */
		data[i] = (char)x;
	}
	memcpy(data + half, data, half);
	unsigned char *zs = xmalloc(cap);
	ZSTD_CCtx *cc = ZSTD_createCCtx();
	ZSTD_CCtx_setParameter(cc, ZSTD_c_windowLog, 27);
	ZSTD_CCtx_setParameter(cc, ZSTD_c_enableLongDistanceMatching, 1);
	/* Streamed without a size, the header keeps windowLog 27. */
	ZSTD_outBuffer out = {zs, cap, 0};
	ZSTD_inBuffer in = {data, n, 0};
	ZSTD_compressStream2(cc, &out, &in, ZSTD_e_continue);
	ZSTD_inBuffer none = {NULL, 0, 0};
	while (ZSTD_compressStream2(cc, &out, &none, ZSTD_e_end) > 0)
		;
	zlen = out.pos;
	ZSTD_freeCCtx(cc);
	assert_true(zlen < half + half / 10); /* the second half was a long-distance match */
	assert_int_equal(zs[5], 17 << 3);     /* Window_Descriptor: 2^(10 + 17) */

	struct buf got;
	enum compression comp;
	ls_error err = {{0}};
	buf_init(&got, 0);
	assert_int_equal(decode_all(zs, zlen, &no_limits, &got, &comp, &err), 0);
	assert_int_equal(got.len, n);
	assert_memory_equal(got.data, data, n);
	buf_release(&got);

	zs[5] = 18 << 3; /* 256 MiB: over the bound */
	expect_failure(zs, zlen, &no_limits, "zstd");
	free(data);
	free(zs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),      cmocka_unit_test(test_digests),
		cmocka_unit_test(test_gzip_multimember), cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_corrupt),        cmocka_unit_test(test_limits),
		cmocka_unit_test(test_zstd_large_window),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
