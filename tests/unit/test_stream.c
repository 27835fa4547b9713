/* File-region streams: pread and mapped views give the same bytes; a mapped file truncated
 * underneath a reader ends the process with exit 2 and one line, not a SIGBUS crash. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "source/stream.h"

enum { FILE_SIZE = 1 << 20, OFFSET = 4096 + 7 };

/* A temporary file of FILE_SIZE bytes, byte i = i * 31 mod 251; returns its fd (unlinked). */
static int pattern_file(void)
{
	char path[] = "/tmp/ls-test-stream.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	unsigned char *buf = malloc(FILE_SIZE);
	assert_non_null(buf);
	for (size_t i = 0; i < FILE_SIZE; i++)
		buf[i] = (unsigned char)(i * 31 % 251);
	assert_int_equal(write(fd, buf, FILE_SIZE), FILE_SIZE);
	free(buf);
	return fd;
}

static void views_equal_the_file(void **state)
{
	(void)state;
	int fd = pattern_file();
	struct byte_stream *s = region_stream_open((struct region){fd, 1, OFFSET, FILE_SIZE - OFFSET});
	assert_non_null(s->view); /* a regular file lying wholly inside: mapped */
	uint64_t pos = OFFSET;
	const void *p;
	ssize_t n;
	ls_error err;
	while ((n = s->view(s, &p, 65536, &err)) > 0) {
		for (ssize_t i = 0; i < n; i++)
			assert_int_equal(((const unsigned char *)p)[i], (unsigned char)((pos + (uint64_t)i) * 31 % 251));
		s->release(s, p, (size_t)n);
		pos += (uint64_t)n;
	}
	assert_int_equal(n, 0);
	assert_int_equal(pos, FILE_SIZE);
	s->close(s);
}

static void truncated_underneath_exits_2(void **state)
{
	(void)state;
	int fd = pattern_file();
	int errpipe[2];
	assert_int_equal(pipe(errpipe), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(errpipe[1], STDERR_FILENO);
		struct byte_stream *s = region_stream_open((struct region){fd, 1, 0, FILE_SIZE});
		const void *p;
		ls_error err;
		if (!s->view)
			_exit(3);
		ssize_t n = s->view(s, &p, 8192, &err);
		if (n <= 0)
			_exit(4);
		if (ftruncate(fd, 4096) != 0)
			_exit(5);
		volatile unsigned char sink = 0;
		while ((n = s->view(s, &p, 65536, &err)) > 0)
			sink ^= ((const unsigned char *)p)[n - 1]; /* past the new end: SIGBUS */
		(void)sink;
		_exit(6);
	}
	close(errpipe[1]);
	char msg[512] = "";
	ssize_t got = read(errpipe[0], msg, sizeof(msg) - 1);
	msg[got > 0 ? got : 0] = '\0';
	close(errpipe[0]);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 2);
	assert_non_null(strstr(msg, "shrank while it was being read"));
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(views_equal_the_file),
		cmocka_unit_test(truncated_underneath_exits_2),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
