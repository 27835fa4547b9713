/* HTTP requests with libcurl whose response bodies are read as byte streams (pull, bounded
 * memory): the registry source reads manifests and blobs with it, the daemon source `docker
 * save`'s tar over the Engine API's Unix socket, the server's event publisher POSTs. Redirects
 * are followed; curl sends no Authorization header to another host. */
#ifndef LS_HTTP_H
#define LS_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "source/stream.h"
#include "util/error.h"

struct http_options {
	bool insecure;           /* accept any TLS certificate (skopeo's --tls-verify=false) */
	const char *unix_socket; /* speak HTTP over this Unix socket (Docker / Podman API) */
	long stall_s;            /* abort after this many seconds without a byte; 0: 300 */
};

struct http_request {
	const char *url;
	const char *const *headers; /* "Name: value" lines, NULL-terminated; may be NULL */
	const char *userpwd;        /* "user:password" for Basic auth, or NULL */
	const struct http_options *opts;
	const char *method;         /* NULL: GET, or POST when there is a body */
	const char *body;           /* request body (body_len bytes), or NULL */
	size_t body_len;
	long timeout_s;             /* the whole transfer at most this long; 0: no limit */
};

/* A response whose status and headers have arrived; its body is `body`, read on demand. */
struct http_response {
	long status;
	struct byte_stream body; /* closing it closes the whole response */
	/* private */
	struct http_conn *conn;
};

/* Send the request (a GET unless it says otherwise) and wait for the status line and
 * headers. A transport failure (refused, DNS, TLS) is an error; any HTTP status is a response (check `status`). */
int http_open(const struct http_request *req, struct http_response **out, ls_error *err);
/* The last value of a response header (case-insensitive name), or NULL. */
const char *http_header(const struct http_response *r, const char *name);
/* The URL the response came from, after redirects. */
const char *http_effective_url(const struct http_response *r);
void http_close(struct http_response *r);

/* GET a small document whole: the body (NUL-terminated, *len without it) up to `limit`
 * bytes; more is an error. The response stays open for its status and headers. */
int http_get_small(const struct http_request *req, size_t limit, struct http_response **resp,
		   char **body, size_t *len, ls_error *err);

/* `s` percent-encoded for a URL path or query value (malloc'ed); NULL when libcurl is missing. */
char *http_escape(const char *s, ls_error *err);
/* url with "key=value" params (NULL-terminated) appended to its query, each encoded. */
char *http_url_with_query(const char *url, const char *const *params, ls_error *err);

#endif
