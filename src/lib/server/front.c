#include "server/front.h"

#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server/api.h"
#include "server/log.h"
#include "util/buf.h"
#include "util/dynlib.h"
#include "util/mem.h"

/* libmicrohttpd, loaded when a server starts (util/dynlib.h says why). */
static struct {
	__typeof__(MHD_start_daemon) *start_daemon;
	__typeof__(MHD_stop_daemon) *stop_daemon;
	__typeof__(MHD_create_response_from_buffer) *create_response_from_buffer;
	__typeof__(MHD_add_response_header) *add_response_header;
	__typeof__(MHD_queue_response) *queue_response;
	__typeof__(MHD_destroy_response) *destroy_response;
	__typeof__(MHD_lookup_connection_value) *lookup_connection_value;
} mhd;

static int load_libmicrohttpd(ls_error *err)
{
	static const char *const sonames[] = {"libmicrohttpd.so.12", NULL};
	const struct dynlib_symbol syms[] = {
		{"MHD_start_daemon", (void **)&mhd.start_daemon},
		{"MHD_stop_daemon", (void **)&mhd.stop_daemon},
		{"MHD_create_response_from_buffer", (void **)&mhd.create_response_from_buffer},
		{"MHD_add_response_header", (void **)&mhd.add_response_header},
		{"MHD_queue_response", (void **)&mhd.queue_response},
		{"MHD_destroy_response", (void **)&mhd.destroy_response},
		{"MHD_lookup_connection_value", (void **)&mhd.lookup_connection_value},
	};
	return dynlib_load(sonames, "libmicrohttpd12", syms, sizeof(syms) / sizeof(syms[0]), err);
}

struct front {
	struct MHD_Daemon *mhd;
	struct server *server;
};

/* What one request has sent so far. */
struct request_ctx {
	struct buf body;
	bool too_big;
};

static enum MHD_Result send_json(struct MHD_Connection *conn, const char *method, const char *url,
				 struct api_response *r)
{
	char *text = r->body ? json_dumps(r->body, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : xstrdup("");
	size_t len = strlen(text);
	if (r->body)
		text[len++] = '\n'; /* json_dumps leaves room: replace the NUL */
	struct MHD_Response *resp = mhd.create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
	if (r->body)
		mhd.add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	if (r->allow[0])
		mhd.add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
	if (r->challenge)
		mhd.add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"layerscope\"");
	enum MHD_Result ret = mhd.queue_response(conn, r->status, resp);
	mhd.destroy_response(resp);
	server_log("%s %s %u%s%s", method, url, r->status, r->note[0] ? " " : "", r->note);
	json_decref(r->body);
	return ret;
}

static enum MHD_Result too_large(struct MHD_Connection *conn, const char *method, const char *url)
{
	struct api_response r = {0};
	api_error(&r, 413, "the request body is larger than %d bytes", API_BODY_LIMIT);
	return send_json(conn, method, url, &r);
}

static bool declared_too_big(struct MHD_Connection *conn)
{
	const char *cl = mhd.lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	return cl && strtoull(cl, NULL, 10) > API_BODY_LIMIT;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	struct front *f = cls;
	struct request_ctx *ctx = *con_cls;
	ls_error err;
	if (!ctx) { /* the headers: nothing of the body yet */
		ctx = xcalloc(1, sizeof(*ctx));
		buf_init(&ctx->body, API_BODY_LIMIT);
		*con_cls = ctx;
		if (declared_too_big(conn)) /* answer now: MHD then drops the body */
			return too_large(conn, method, url);
		return MHD_YES;
	}
	if (*upload_data_size) {
		/* A body sent without Content-Length (chunked): keep reading, drop past the cap. */
		if (!ctx->too_big && buf_append(&ctx->body, upload_data, *upload_data_size, &err) < 0)
			ctx->too_big = true;
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (ctx->too_big)
		return too_large(conn, method, url);
	struct api_request req = {
		.method = method,
		.path = url,
		.repository_param = mhd.lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "repositoryName"),
		.authorization = mhd.lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION),
		.body = ctx->body.data,
		.body_len = ctx->body.len,
	};
	struct api_response resp;
	api_handle(f->server, &req, &resp);
	return send_json(conn, method, url, &resp);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct request_ctx *ctx = *con_cls;
	if (!ctx)
		return;
	buf_release(&ctx->body);
	free(ctx);
	*con_cls = NULL;
}

/* "HOST:PORT" or "[V6]:PORT" into its parts (host NULL-terminated in place). */
static int split_listen(char *addr, char **host, char **port, ls_error *err)
{
	char *colon = strrchr(addr, ':');
	if (!colon || !colon[1])
		return ls_fail(err, "--listen %s: expected HOST:PORT", addr);
	*colon = '\0';
	*port = colon + 1;
	*host = addr;
	if (addr[0] == '[' && colon > addr && colon[-1] == ']') {
		colon[-1] = '\0';
		(*host)++;
	}
	return 0;
}

static int bind_listen(const char *listen_addr, int *fd_out, ls_error *err)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
	struct addrinfo *ai;
	cleanup_free char *addr = xstrdup(listen_addr);
	char *host = NULL, *port = NULL;
	if (split_listen(addr, &host, &port, err) < 0)
		return -1;
	int rc = getaddrinfo(*host ? host : NULL, port, &hints, &ai);
	if (rc != 0)
		return ls_fail(err, "--listen %s: %s", listen_addr, gai_strerror(rc));
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol), one = 1;
	if (fd < 0) {
		freeaddrinfo(ai);
		return ls_fail_errno(err, errno, "--listen %s: socket", listen_addr);
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 64) < 0) {
		int e = errno;
		close(fd);
		freeaddrinfo(ai);
		if (e == EADDRINUSE)
			return ls_fail(err, "%s: the address is already in use", listen_addr);
		return ls_fail_errno(err, e, "--listen %s", listen_addr);
	}
	freeaddrinfo(ai);
	*fd_out = fd;
	return 0;
}

int front_start(struct server *s, const char *listen_addr, struct front **out, ls_error *err)
{
	int fd = -1;
	*out = NULL;
	if (load_libmicrohttpd(err) < 0 || bind_listen(listen_addr, &fd, err) < 0)
		return -1;
	struct front *f = xcalloc(1, sizeof(*f));
	f->server = s;
	f->mhd = mhd.start_daemon(MHD_USE_AUTO_INTERNAL_THREAD, 0, NULL, NULL, on_request, f,
				  MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_NOTIFY_COMPLETED, on_completed, f,
				  MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)60, MHD_OPTION_END);
	if (!f->mhd) {
		close(fd);
		free(f);
		return ls_fail(err, "%s: the HTTP server did not start", listen_addr);
	}
	*out = f;
	return 0;
}

void front_stop(struct front *f)
{
	if (!f)
		return;
	mhd.stop_daemon(f->mhd);
	free(f);
}
