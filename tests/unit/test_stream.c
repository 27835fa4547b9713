/* File-region streams: a region reads exactly its bytes; a file truncated under a reader
 * gives an error naming the truncation, not a crash, and a region past the end of its file
 * is refused on the first read. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "source/stream.h"

enum { FILE_SIZE = 1 << 20, OFFSET = 4096 + 7, CHUNK = 65536 };

static unsigned char pattern(uint64_t i)
{
	return (unsigned char)(i * 31 % 251);
}

/* A temporary file of FILE_SIZE pattern bytes; returns its fd (already unlinked). */
static int pattern_file(void)
{
	char path[] = "/tmp/ls-test-stream.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	unsigned char *buf = malloc(FILE_SIZE);
	assert_non_null(buf);
	for (size_t i = 0; i < FILE_SIZE; i++)
		buf[i] = pattern(i);
	assert_int_equal(write(fd, buf, FILE_SIZE), FILE_SIZE);
	free(buf);
	return fd;
}

static void region_reads_its_bytes(void **state)
{
	(void)state;
	struct byte_stream *s = region_stream_open((struct region){.fd = pattern_file(), .own_fd = 1, .offset = OFFSET, .length = FILE_SIZE - OFFSET - 100});
	unsigned char buf[CHUNK];
	uint64_t pos = OFFSET;
	ssize_t n;
	ls_error err;
	while ((n = s->read(s, buf, sizeof(buf), &err)) > 0) {
		for (ssize_t i = 0; i < n; i++)
			assert_int_equal(buf[i], pattern(pos + (uint64_t)i));
		pos += (uint64_t)n;
	}
	assert_int_equal(n, 0);
	assert_int_equal(pos, FILE_SIZE - 100);
	s->close(s);
}

static void truncated_underneath_is_an_error(void **state)
{
	(void)state;
	int fd = pattern_file();
	struct byte_stream *s = region_stream_open((struct region){.fd = fd, .own_fd = 1, .length = FILE_SIZE});
	unsigned char buf[CHUNK];
	ls_error err;
	assert_int_equal(s->read(s, buf, sizeof(buf), &err), CHUNK);
	assert_int_equal(ftruncate(fd, 2 * CHUNK), 0);
	ssize_t n;
	while ((n = s->read(s, buf, sizeof(buf), &err)) > 0)
		;
	assert_int_equal(n, -1);
	assert_non_null(strstr(err.msg, "truncated"));
	s->close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(region_reads_its_bytes),
		cmocka_unit_test(truncated_underneath_is_an_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
