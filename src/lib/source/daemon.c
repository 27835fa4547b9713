/* `docker-daemon:NAME[:TAG]`: an image in a Docker (or Podman, whose API is the same) engine,
 * read through the Engine API's `GET /images/get`, which streams what `docker save` writes.
 * That stream can only be read from its start, so it is a container like a compressed
 * archive (unpack.c): one GET indexes it and keeps the small members, a second one reads the
 * layers in archive order. Nothing touches the disk. The engine is found as the docker CLI
 * finds it: $DOCKER_HOST (unix:// or tcp://), else /var/run/docker.sock. */
#include <stdlib.h>
#include <string.h>

#include "net/http.h"
#include "source/blob.h"
#include "source/container.h"
#include "source/image.h"
#include "source/unpack.h"
#include "util/json.h"
#include "util/mem.h"

#define DEFAULT_SOCKET "/var/run/docker.sock"
/* Error bodies are small JSON documents: {"message": "..."}. */
#define ERROR_BODY_LIMIT (64u * 1024)
/* `docker save` on the classic image store writes the whole export to a temporary directory
 * before its first byte: minutes for a large image. A local engine gets an hour. */
enum { ENGINE_STALL_S = 3600 };

struct engine {
	char *base_url;        /* "http://localhost" over a socket, or "http://HOST:PORT" */
	char *socket;          /* a Unix socket path, or NULL */
	struct http_options http;
	char *export_url;      /* GET …/images/get?names=NAME */
	char *name;
};

static void engine_free(void *p)
{
	struct engine *e = p;
	if (!e)
		return;
	free(e->base_url);
	free(e->socket);
	free(e->export_url);
	free(e->name);
	free(e);
}

static int engine_locate(struct engine *e, ls_error *err)
{
	const char *host = getenv("DOCKER_HOST");
	if (!host || !*host)
		host = "unix://" DEFAULT_SOCKET;
	if (strncmp(host, "unix://", 7) == 0) {
		if (!host[7])
			return ls_fail(err, "DOCKER_HOST=%s: no socket path", host);
		e->socket = xstrdup(host + 7);
		e->base_url = xstrdup("http://localhost");
	} else if (strncmp(host, "tcp://", 6) == 0) {
		e->base_url = xasprintf("http://%s", host + 6);
	} else {
		return ls_fail(err, "DOCKER_HOST=%s: only unix:// and tcp:// (without TLS) are supported",
			       host);
	}
	e->http.unix_socket = e->socket;
	e->http.stall_s = ENGINE_STALL_S;
	return 0;
}

/* A failed request in the engine's own words (its body is {"message": …}), else the status. */
static int engine_status_error(const struct engine *e, long status, const char *body, size_t len,
			       ls_error *err)
{
	json_t *doc = json_loadb(body, len, 0, NULL);
	const char *msg = json_str(doc, "message");
	ls_fail(err, "docker daemon: %s: %s (HTTP %ld)", e->name, msg ? msg : "request failed", status);
	json_decref(doc);
	return -1;
}

static int engine_unreachable(const struct engine *e, ls_error *err)
{
	return ls_wrap(err, "docker daemon at %s", e->socket ? e->socket : e->base_url);
}

/* The error of a streamed response: read (some of) its body first. */
static int engine_error(const struct engine *e, struct http_response *r, ls_error *err)
{
	char buf[ERROR_BODY_LIMIT];
	size_t len = 0;
	ssize_t n;
	ls_error ignored;
	while (len < sizeof(buf) &&
	       (n = r->body.read(&r->body, buf + len, sizeof(buf) - len, &ignored)) > 0)
		len += (size_t)n;
	return engine_status_error(e, r->status, buf, len, err);
}

/* GET url; anything but 200 is an error in the engine's words. */
static int engine_get(struct engine *e, const char *url, struct http_response **out,
		      ls_error *err)
{
	struct http_request req = {.url = url, .opts = &e->http};
	if (http_open(&req, out, err) < 0)
		return engine_unreachable(e, err);
	if ((*out)->status != 200) {
		engine_error(e, *out, err);
		http_close(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

/* unpack_origin.open: the export, from its first byte. */
static int open_export(void *ctx, struct byte_stream **out, ls_error *err)
{
	struct engine *e = ctx;
	struct http_response *r;
	if (engine_get(e, e->export_url, &r, err) < 0)
		return -1;
	*out = &r->body;
	return 0;
}

/* Ask for the image's metadata first: a missing image is then a clear error before any
 * export starts. The export names the image by the id the engine resolved: a bare NAME is
 * NAME:latest here, but `names=NAME` would export every tag of the repository; and a tag
 * moved between the two exports would change the image under the reader. */
static int check_image(struct engine *e, ls_error *err)
{
	cleanup_free char *esc = http_escape(e->name, err);
	if (!esc)
		return -1;
	cleanup_free char *url = xasprintf("%s/images/%s/json", e->base_url, esc);
	cleanup_free char *body = NULL;
	struct http_request req = {.url = url, .opts = &e->http};
	struct http_response *r;
	size_t len;
	if (http_get_small(&req, IMAGE_JSON_LIMIT, &r, &body, &len, err) < 0)
		return engine_unreachable(e, err);
	json_t *doc = json_loadb(body, len, 0, NULL);
	const char *id = json_str(doc, "Id");
	int ret = 0;
	if (r->status != 200)
		ret = engine_status_error(e, r->status, body, len, err);
	else if (!id || !*id)
		ret = ls_fail(err, "docker daemon: %s: the engine names no image id", e->name);
	else {
		cleanup_free char *id_esc = http_escape(id, err);
		if (!id_esc)
			ret = -1;
		else
			e->export_url = xasprintf("%s/images/get?names=%s", e->base_url, id_esc);
	}
	json_decref(doc);
	http_close(r);
	return ret;
}

static int daemon_load(struct image *img, const char *path, const char *subref,
		       const struct image_options *opts, ls_error *err)
{
	struct engine *e = xcalloc(1, sizeof(*e));
	struct container *c;
	e->name = xstrdup(path); /* "NAME:TAG" whole: whole_reference */
	if (engine_locate(e, err) < 0 || check_image(e, err) < 0) {
		engine_free(e);
		return -1;
	}
	cleanup_free char *what = xasprintf("docker-daemon:%s", e->name);
	struct unpack_origin origin = {
		.fd = -1, .open = open_export, .ctx = e, .free_ctx = engine_free, .what = what,
	};
	if (container_open_origin(&origin, &c, err) < 0)
		return -1;
	img->priv = c;
	return docker_archive_source.load(img, NULL, NULL, opts, err);
}

const struct image_source_ops daemon_source = {
	.transport = "docker-daemon",
	.whole_reference = true,
	.load = daemon_load,
	.open_layer = container_open_layer,
	.release = container_release,
	.plan_reads = container_plan_reads,
};
