/* net/http.c against a small HTTP/1.1 server run by the test on a thread (TCP on 127.0.0.1
 * and a Unix socket): bodies larger than the buffer read in tiny pieces (the transfer pauses
 * and resumes), redirects, statuses and headers, a body cut short, a refused connection, and
 * the size limit of http_get_small. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "net/http.h"

enum { BIG = 3 * 1024 * 1024 + 17 };

struct server {
	int listen_fd;
	pthread_t thread;
	char base[64];
	char sock_path[108];
};

static unsigned char pattern(size_t i)
{
	return (unsigned char)((i * 131u + (i >> 13)) & 0xff);
}

static void send_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n > 0) {
		ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
		if (w <= 0)
			return;
		c += w;
		n -= (size_t)w;
	}
}

/* A loopback port just bound and closed: nobody listens there. */
static int closed_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	bind(fd, (struct sockaddr *)&a, sizeof(a));
	getsockname(fd, (struct sockaddr *)&a, &al);
	close(fd);
	return ntohs(a.sin_port);
}

static void respond(int fd, const char *path)
{
	char head[512];
	if (!strcmp(path, "/big")) {
		snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n"
					     "X-Thing: one\r\nx-thing: two\r\nConnection: close\r\n\r\n", BIG);
		send_all(fd, head, strlen(head));
		unsigned char buf[65536];
		for (size_t off = 0; off < BIG;) {
			size_t n = BIG - off < sizeof(buf) ? BIG - off : sizeof(buf);
			for (size_t i = 0; i < n; i++)
				buf[i] = pattern(off + i);
			send_all(fd, buf, n);
			off += n;
		}
	} else if (!strcmp(path, "/moved")) {
		const char *r = "HTTP/1.1 302 Found\r\nLocation: /small\r\nContent-Length: 0\r\n"
				"Connection: close\r\n\r\n";
		send_all(fd, r, strlen(r));
	} else if (!strcmp(path, "/to-nowhere")) {
		/* a registry's blob redirect to a CDN that cannot be reached, presigned */
		char r[256];
		snprintf(r, sizeof(r), "HTTP/1.1 307 Temporary Redirect\r\nLocation: "
				       "http://127.0.0.1:%d/blob?X-Amz-Signature=SECRETSIG\r\n"
				       "Content-Length: 0\r\nConnection: close\r\n\r\n", closed_port());
		send_all(fd, r, strlen(r));
	} else if (!strcmp(path, "/to-cut")) {
		const char *r = "HTTP/1.1 307 Temporary Redirect\r\nLocation: /cut?X-Amz-Signature=SECRETSIG\r\n"
				"Content-Length: 0\r\nConnection: close\r\n\r\n";
		send_all(fd, r, strlen(r));
	} else if (!strcmp(path, "/small")) {
		const char *r = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n"
				"Connection: close\r\n\r\nhello";
		send_all(fd, r, strlen(r));
	} else if (!strcmp(path, "/cut")) {
		const char *r = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n"
				"only this much";
		send_all(fd, r, strlen(r));
	} else {
		const char *r = "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n"
				"Www-Authenticate: Bearer realm=\"x\"\r\nConnection: close\r\n\r\nnot found";
		send_all(fd, r, strlen(r));
	}
}

/* One request per connection, until the listening socket is shut down. */
static void *serve(void *p)
{
	struct server *s = p;
	for (;;) {
		int fd = accept(s->listen_fd, NULL, NULL);
		if (fd < 0)
			return NULL;
		char req[4096];
		size_t len = 0;
		while (len < sizeof(req) - 1 && !memmem(req, len, "\r\n\r\n", 4)) {
			ssize_t r = recv(fd, req + len, sizeof(req) - 1 - len, 0);
			if (r <= 0)
				break;
			len += (size_t)r;
		}
		req[len] = '\0';
		char path[256] = "";
		sscanf(req, "GET %255s", path);
		path[strcspn(path, "?")] = '\0';
		respond(fd, path);
		close(fd);
	}
}

static int start_tcp(void **state)
{
	struct server *s = calloc(1, sizeof(*s));
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof(a);
	s->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(bind(s->listen_fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(s->listen_fd, 16), 0);
	getsockname(s->listen_fd, (struct sockaddr *)&a, &al);
	snprintf(s->base, sizeof(s->base), "http://127.0.0.1:%d", ntohs(a.sin_port));
	pthread_create(&s->thread, NULL, serve, s);
	*state = s;
	return 0;
}

static int start_unix(void **state)
{
	struct server *s = calloc(1, sizeof(*s));
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	snprintf(s->sock_path, sizeof(s->sock_path), "/tmp/ls-http-test.%d.sock", (int)getpid());
	unlink(s->sock_path);
	memcpy(a.sun_path, s->sock_path, strlen(s->sock_path) + 1);
	s->listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(s->listen_fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(s->listen_fd, 16), 0);
	snprintf(s->base, sizeof(s->base), "http://localhost");
	pthread_create(&s->thread, NULL, serve, s);
	*state = s;
	return 0;
}

static int stop(void **state)
{
	struct server *s = *state;
	shutdown(s->listen_fd, SHUT_RDWR);
	pthread_join(s->thread, NULL);
	close(s->listen_fd);
	if (s->sock_path[0])
		unlink(s->sock_path);
	free(s);
	return 0;
}

static struct http_response *get(struct server *s, const char *path, ls_error *err)
{
	char url[128];
	struct http_options o = {.unix_socket = s->sock_path[0] ? s->sock_path : NULL};
	snprintf(url, sizeof(url), "%s%s", s->base, path);
	struct http_request req = {.url = url, .opts = &o};
	struct http_response *r = NULL;
	if (http_open(&req, &r, err) < 0)
		return NULL;
	return r;
}

/* Read a body larger than the client's buffer a few bytes at a time: every byte arrives once,
 * in order (the transfer pauses while the buffer is full and resumes as it drains). */
static void test_big_body_small_reads(void **state)
{
	ls_error err = {{0}};
	struct http_response *r = get(*state, "/big", &err);
	assert_non_null(r);
	assert_int_equal(r->status, 200);
	assert_string_equal(http_header(r, "x-thing"), "two");
	size_t total = 0, step = 1;
	unsigned char buf[8192]; /* steps stay below 4100 */
	for (;;) {
		ssize_t n = r->body.read(&r->body, buf, step, &err);
		assert_true(n >= 0);
		if (n == 0)
			break;
		for (ssize_t i = 0; i < n; i++)
			assert_int_equal(buf[i], pattern(total + (size_t)i));
		total += (size_t)n;
		step = step % 4093 + 7;
	}
	assert_int_equal(total, BIG);
	r->body.close(&r->body);
}

static void test_redirect_and_small(void **state)
{
	ls_error err = {{0}};
	struct server *s = *state;
	char url[128];
	struct http_options o = {.unix_socket = s->sock_path[0] ? s->sock_path : NULL};
	snprintf(url, sizeof(url), "%s/moved", s->base);
	struct http_request req = {.url = url, .opts = &o};
	struct http_response *r;
	char *body;
	size_t len;
	assert_int_equal(http_get_small(&req, 100, &r, &body, &len, &err), 0);
	assert_int_equal(r->status, 200);
	assert_int_equal(len, 5);
	assert_string_equal(body, "hello");
	assert_non_null(strstr(http_effective_url(r), "/small"));
	assert_string_equal(http_header(r, "content-type"), "text/plain");
	assert_null(http_header(r, "location")); /* the redirect's headers are not the answer's */
	free(body);
	http_close(r);

	assert_int_equal(http_get_small(&req, 4, &r, &body, &len, &err), -1);
	assert_non_null(strstr(err.msg, "larger than 4 bytes"));
}

static void test_status_and_headers(void **state)
{
	ls_error err = {{0}};
	struct http_response *r = get(*state, "/nothing-here", &err);
	assert_non_null(r);
	assert_int_equal(r->status, 404);
	assert_string_equal(http_header(r, "WWW-Authenticate"), "Bearer realm=\"x\"");
	http_close(r);
}

static void test_body_cut_short(void **state)
{
	ls_error err = {{0}};
	struct http_response *r = get(*state, "/cut", &err);
	assert_non_null(r);
	char buf[2048];
	ssize_t n, total = 0;
	while ((n = r->body.read(&r->body, buf, sizeof(buf), &err)) > 0)
		total += n;
	assert_int_equal(n, -1);
	assert_int_equal(total, 14);
	assert_true(err.msg[0] != '\0');
	http_close(r);
}

/* A redirect that cannot be followed is the transport's error, not "HTTP 307"; the URL in the
 * message has no query (presigned URLs carry credentials). */
static void test_redirect_nowhere(void **state)
{
	ls_error err = {{0}};
	struct http_response *r = get(*state, "/to-nowhere", &err);
	assert_null(r);
	assert_non_null(strstr(err.msg, "onnect"));
	assert_null(strstr(err.msg, "SECRETSIG"));
	assert_null(strstr(err.msg, "307"));
	/* a body cut short after a redirect names the URL it came from, without the query */
	r = get(*state, "/to-cut", &err);
	assert_non_null(r);
	char buf[2048];
	ssize_t n;
	while ((n = r->body.read(&r->body, buf, sizeof(buf), &err)) > 0)
		;
	assert_int_equal(n, -1);
	assert_non_null(strstr(err.msg, "/cut"));
	assert_null(strstr(err.msg, "SECRETSIG"));
	http_close(r);
}

static void test_refused(void **state)
{
	(void)state;
	ls_error err = {{0}};
	char url[64];
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/x", closed_port());
	struct http_request req = {.url = url};
	struct http_response *r = NULL;
	assert_int_equal(http_open(&req, &r, &err), -1);
	assert_null(r);
	assert_non_null(strstr(err.msg, url));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_big_body_small_reads, start_tcp, stop),
		cmocka_unit_test_setup_teardown(test_redirect_and_small, start_tcp, stop),
		cmocka_unit_test_setup_teardown(test_status_and_headers, start_tcp, stop),
		cmocka_unit_test_setup_teardown(test_body_cut_short, start_tcp, stop),
		cmocka_unit_test_setup_teardown(test_redirect_nowhere, start_tcp, stop),
		cmocka_unit_test_setup_teardown(test_big_body_small_reads, start_unix, stop),
		cmocka_unit_test_setup_teardown(test_redirect_and_small, start_unix, stop),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
