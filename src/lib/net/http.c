/* HTTP GETs read as byte streams. libcurl pushes body bytes into a write callback; the
 * reader pulls. The bridge is a small buffer per transfer, driven by a multi handle on the
 * reader's own thread: read() pumps curl until bytes arrive, and the write callback pauses
 * the transfer when the buffer holds enough, so memory stays bounded whatever the body size
 * and however slowly the reader goes. */
#include "net/http.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/dynlib.h"
#include "util/mem.h"

enum {
	BUFFER_HIGH = 512 * 1024, /* pause the transfer once this much is unread */
	CONNECT_TIMEOUT_S = 30,
	STALL_TIME_S = 300, /* abort a transfer that moves no byte for this long */
	MAX_REDIRECTS = 10,
	MAX_HEADERS = 256,
};

struct header {
	char *name, *value;
};

struct http_conn {
	CURL *easy;
	CURLM *multi;
	struct curl_slist *header_list;
	struct header *headers;
	size_t n_headers;
	unsigned char *buf;
	size_t buf_pos, buf_len, buf_cap;
	bool body_started, paused, done;
	CURLcode result;
	char errbuf[CURL_ERROR_SIZE];
};

/* libcurl, loaded at the first request (util/dynlib.h says why). */
static struct {
	__typeof__(curl_global_init) *global_init;
	__typeof__(curl_easy_init) *easy_init;
	__typeof__(curl_easy_setopt) *easy_setopt;
	__typeof__(curl_easy_getinfo) *easy_getinfo;
	__typeof__(curl_easy_pause) *easy_pause;
	__typeof__(curl_easy_strerror) *easy_strerror;
	__typeof__(curl_easy_cleanup) *easy_cleanup;
	__typeof__(curl_easy_escape) *easy_escape;
	__typeof__(curl_free) *free;
	__typeof__(curl_multi_init) *multi_init;
	__typeof__(curl_multi_add_handle) *multi_add_handle;
	__typeof__(curl_multi_remove_handle) *multi_remove_handle;
	__typeof__(curl_multi_perform) *multi_perform;
	__typeof__(curl_multi_poll) *multi_poll;
	__typeof__(curl_multi_info_read) *multi_info_read;
	__typeof__(curl_multi_cleanup) *multi_cleanup;
	__typeof__(curl_slist_append) *slist_append;
	__typeof__(curl_slist_free_all) *slist_free_all;
	__typeof__(curl_url) *url;
	__typeof__(curl_url_set) *url_set;
	__typeof__(curl_url_get) *url_get;
	__typeof__(curl_url_cleanup) *url_cleanup;
} cu;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static ls_error load_error;
static int load_result = -1;

static void load_libcurl(void)
{
	static const char *const sonames[] = {"libcurl.so.4", "libcurl-gnutls.so.4", NULL};
	const struct dynlib_symbol syms[] = {
		{"curl_global_init", (void **)&cu.global_init},
		{"curl_easy_init", (void **)&cu.easy_init},
		{"curl_easy_setopt", (void **)&cu.easy_setopt},
		{"curl_easy_getinfo", (void **)&cu.easy_getinfo},
		{"curl_easy_pause", (void **)&cu.easy_pause},
		{"curl_easy_strerror", (void **)&cu.easy_strerror},
		{"curl_easy_cleanup", (void **)&cu.easy_cleanup},
		{"curl_easy_escape", (void **)&cu.easy_escape},
		{"curl_free", (void **)&cu.free},
		{"curl_multi_init", (void **)&cu.multi_init},
		{"curl_multi_add_handle", (void **)&cu.multi_add_handle},
		{"curl_multi_remove_handle", (void **)&cu.multi_remove_handle},
		{"curl_multi_perform", (void **)&cu.multi_perform},
		{"curl_multi_poll", (void **)&cu.multi_poll},
		{"curl_multi_info_read", (void **)&cu.multi_info_read},
		{"curl_multi_cleanup", (void **)&cu.multi_cleanup},
		{"curl_slist_append", (void **)&cu.slist_append},
		{"curl_slist_free_all", (void **)&cu.slist_free_all},
		{"curl_url", (void **)&cu.url},
		{"curl_url_set", (void **)&cu.url_set},
		{"curl_url_get", (void **)&cu.url_get},
		{"curl_url_cleanup", (void **)&cu.url_cleanup},
	};
	if (dynlib_load(sonames, "libcurl4", syms, sizeof(syms) / sizeof(syms[0]), &load_error) < 0)
		return;
	CURLcode rc = cu.global_init(CURL_GLOBAL_DEFAULT);
	if (rc != CURLE_OK) {
		ls_fail(&load_error, "libcurl: %s", cu.easy_strerror(rc));
		return;
	}
	load_result = 0;
}

static int curl_ready(ls_error *err)
{
	pthread_once(&load_once, load_libcurl);
	if (load_result < 0)
		*err = load_error;
	return load_result;
}

static void headers_clear(struct http_conn *c)
{
	for (size_t i = 0; i < c->n_headers; i++) {
		free(c->headers[i].name);
		free(c->headers[i].value);
	}
	free(c->headers);
	c->headers = NULL;
	c->n_headers = 0;
}

static size_t on_header(char *line, size_t size, size_t nitems, void *p)
{
	struct http_conn *c = p;
	size_t n = size * nitems;
	if (n >= 5 && strncmp(line, "HTTP/", 5) == 0) {
		headers_clear(c); /* a new response (after a redirect or a 100): its own headers */
		return n;
	}
	const char *colon = memchr(line, ':', n);
	if (!colon || c->n_headers >= MAX_HEADERS)
		return n;
	const char *v = colon + 1, *end = line + n;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
		end--;
	c->headers = xrealloc(c->headers, (c->n_headers + 1) * sizeof(*c->headers));
	c->headers[c->n_headers].name = xstrndup(line, (size_t)(colon - line));
	c->headers[c->n_headers].value = xstrndup(v, (size_t)(end - v));
	c->n_headers++;
	return n;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *p)
{
	struct http_conn *c = p;
	size_t n = size * nmemb;
	c->body_started = true;
	if (c->buf_len - c->buf_pos >= BUFFER_HIGH) {
		c->paused = true;
		return CURL_WRITEFUNC_PAUSE; /* curl hands the same bytes again after unpausing */
	}
	if (c->buf_pos > 0) {
		memmove(c->buf, c->buf + c->buf_pos, c->buf_len - c->buf_pos);
		c->buf_len -= c->buf_pos;
		c->buf_pos = 0;
	}
	c->buf = xgrow(c->buf, &c->buf_cap, c->buf_len + n, 1);
	memcpy(c->buf + c->buf_len, data, n);
	c->buf_len += n;
	return n;
}

/* Let curl move the transfer on (waiting for the socket at most a second). */
static void pump(struct http_conn *c)
{
	int running = 0, queued;
	if (c->paused) {
		c->paused = false;
		cu.easy_pause(c->easy, CURLPAUSE_CONT);
	}
	cu.multi_perform(c->multi, &running);
	CURLMsg *m;
	while ((m = cu.multi_info_read(c->multi, &queued)))
		if (m->msg == CURLMSG_DONE) {
			c->done = true;
			c->result = m->data.result;
		}
	if (!c->done && running && c->buf_len == c->buf_pos)
		cu.multi_poll(c->multi, NULL, 0, 1000, NULL);
}

static int transfer_error(struct http_conn *c, const char *url, ls_error *err)
{
	const char *why = c->errbuf[0] ? c->errbuf : cu.easy_strerror(c->result);
	/* Without the query: a blob's redirect is often a presigned URL (S3's X-Amz-Signature,
	 * Docker Hub's verify=), a credential for anyone who reads the log. */
	return ls_fail(err, "%.*s: %s", (int)strcspn(url, "?#"), url, why);
}

static ssize_t body_read(struct byte_stream *s, void *out, size_t n, ls_error *err)
{
	struct http_response *r = (struct http_response *)((char *)s -
							   offsetof(struct http_response, body));
	struct http_conn *c = r->conn;
	while (c->buf_len == c->buf_pos) {
		if (c->done) {
			if (c->result != CURLE_OK)
				return transfer_error(c, http_effective_url(r), err);
			return 0;
		}
		pump(c);
	}
	size_t have = c->buf_len - c->buf_pos;
	if (n > have)
		n = have;
	memcpy(out, c->buf + c->buf_pos, n);
	c->buf_pos += n;
	return (ssize_t)n;
}

static void body_close(struct byte_stream *s)
{
	http_close((struct http_response *)((char *)s - offsetof(struct http_response, body)));
}

static void configure(struct http_conn *c, const struct http_request *req)
{
	CURL *e = c->easy;
	cu.easy_setopt(e, CURLOPT_URL, req->url);
	cu.easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	cu.easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	cu.easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
	cu.easy_setopt(e, CURLOPT_MAXREDIRS, (long)MAX_REDIRECTS);
	cu.easy_setopt(e, CURLOPT_CONNECTTIMEOUT, (long)CONNECT_TIMEOUT_S);
	cu.easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
	cu.easy_setopt(e, CURLOPT_LOW_SPEED_TIME,
			 req->opts && req->opts->stall_s > 0 ? req->opts->stall_s : (long)STALL_TIME_S);
	cu.easy_setopt(e, CURLOPT_NOSIGNAL, 1L); /* threads: no SIGALRM for DNS timeouts */
	cu.easy_setopt(e, CURLOPT_USERAGENT, "layerscope/" LS_VERSION);
	cu.easy_setopt(e, CURLOPT_ERRORBUFFER, c->errbuf);
	cu.easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	cu.easy_setopt(e, CURLOPT_HEADERDATA, c);
	cu.easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	cu.easy_setopt(e, CURLOPT_WRITEDATA, c);
	for (const char *const *h = req->headers; h && *h; h++)
		c->header_list = cu.slist_append(c->header_list, *h);
	if (c->header_list)
		cu.easy_setopt(e, CURLOPT_HTTPHEADER, c->header_list);
	if (req->userpwd) {
		cu.easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		cu.easy_setopt(e, CURLOPT_USERPWD, req->userpwd);
	}
	if (req->opts && req->opts->insecure) {
		cu.easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
		cu.easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (req->opts && req->opts->unix_socket)
		cu.easy_setopt(e, CURLOPT_UNIX_SOCKET_PATH, req->opts->unix_socket);
	if (req->body) {
		cu.easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
		cu.easy_setopt(e, CURLOPT_POSTFIELDS, req->body);
	}
	if (req->method)
		cu.easy_setopt(e, CURLOPT_CUSTOMREQUEST, req->method);
	if (req->timeout_s > 0)
		cu.easy_setopt(e, CURLOPT_TIMEOUT, req->timeout_s);
}

int http_open(const struct http_request *req, struct http_response **out, ls_error *err)
{
	*out = NULL;
	if (curl_ready(err) < 0)
		return -1;
	struct http_response *r = xcalloc(1, sizeof(*r));
	struct http_conn *c = xcalloc(1, sizeof(*c));
	r->conn = c;
	r->body.read = body_read;
	r->body.close = body_close;
	c->easy = cu.easy_init();
	c->multi = cu.multi_init();
	if (!c->easy || !c->multi)
		abort(); /* out of memory, as xmalloc */
	configure(c, req);
	cu.multi_add_handle(c->multi, c->easy);
	while (!c->body_started && !c->done)
		pump(c);
	cu.easy_getinfo(c->easy, CURLINFO_RESPONSE_CODE, &r->status);
	/* No answer at all, or none after a redirect (the status is then the 3xx's); a transfer
	 * that fails once its body has started is the body's error. */
	if (c->done && c->result != CURLE_OK && (r->status == 0 || !c->body_started)) {
		transfer_error(c, req->url, err);
		http_close(r);
		return -1;
	}
	*out = r;
	return 0;
}

const char *http_header(const struct http_response *r, const char *name)
{
	const struct http_conn *c = r->conn;
	for (size_t i = c->n_headers; i-- > 0;)
		if (strcasecmp(c->headers[i].name, name) == 0)
			return c->headers[i].value;
	return NULL;
}

const char *http_effective_url(const struct http_response *r)
{
	char *url = NULL;
	cu.easy_getinfo(r->conn->easy, CURLINFO_EFFECTIVE_URL, &url);
	return url ? url : "(unknown URL)";
}

void http_close(struct http_response *r)
{
	if (!r)
		return;
	struct http_conn *c = r->conn;
	cu.multi_remove_handle(c->multi, c->easy);
	cu.easy_cleanup(c->easy);
	cu.multi_cleanup(c->multi);
	cu.slist_free_all(c->header_list);
	headers_clear(c);
	free(c->buf);
	free(c);
	free(r);
}

int http_get_small(const struct http_request *req, size_t limit, struct http_response **resp,
		   char **body, size_t *len, ls_error *err)
{
	struct http_response *r;
	size_t cap = 0, used = 0;
	char *data = NULL;
	*resp = NULL;
	*body = NULL;
	*len = 0;
	if (http_open(req, &r, err) < 0)
		return -1;
	for (;;) {
		data = xgrow(data, &cap, used + 65536 + 1, 1);
		ssize_t n = body_read(&r->body, data + used, cap - used - 1, err);
		if (n < 0)
			goto fail;
		if (n == 0)
			break;
		used += (size_t)n;
		if (used > limit) {
			ls_fail(err, "%s: the response is larger than %zu bytes", req->url, limit);
			goto fail;
		}
	}
	data[used] = '\0';
	*resp = r;
	*body = data;
	*len = used;
	return 0;
fail:
	free(data);
	http_close(r);
	return -1;
}

char *http_escape(const char *s, ls_error *err)
{
	if (curl_ready(err) < 0)
		return NULL;
	char *e = cu.easy_escape(NULL, s, 0);
	if (!e)
		abort(); /* out of memory, as xmalloc */
	char *out = xstrdup(e);
	cu.free(e);
	return out;
}

char *http_url_with_query(const char *url, const char *const *params, ls_error *err)
{
	if (curl_ready(err) < 0)
		return NULL;
	CURLU *u = cu.url();
	char *got = NULL, *out = NULL;
	if (!u)
		abort();
	bool ok = cu.url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK;
	for (const char *const *p = params; ok && *p; p++)
		ok = cu.url_set(u, CURLUPART_QUERY, *p, CURLU_APPENDQUERY | CURLU_URLENCODE) == CURLUE_OK;
	if (ok && cu.url_get(u, CURLUPART_URL, &got, 0) == CURLUE_OK) {
		out = xstrdup(got);
		cu.free(got);
	}
	cu.url_cleanup(u);
	if (!out)
		ls_fail(err, "%s: not a usable URL", url);
	return out;
}
