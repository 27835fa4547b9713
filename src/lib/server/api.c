#include "server/api.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "server/event.h"
#include "server/notify.h"
#include "util/json.h"
#include "util/mem.h"
#include "util/strutil.h"

void api_error(struct api_response *resp, unsigned status, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	resp->status = status;
	json_decref(resp->body);
	resp->body = json_pack("{ss}", "error", msg);
}

static void reply(struct api_response *resp, unsigned status, json_t *body)
{
	resp->status = status;
	resp->body = body;
}

/* The JSON object of a request body; answers 400 and returns NULL otherwise. */
static json_t *body_object(const struct api_request *req, struct api_response *resp)
{
	ls_error err;
	json_t *doc;
	if (!req->body || json_parse_bytes(req->body, req->body_len, "request body", &doc, &err) < 0) {
		api_error(resp, 400, "%s", req->body ? err.msg : "a JSON body is required");
		return NULL;
	}
	if (!json_is_object(doc)) {
		json_decref(doc);
		api_error(resp, 400, "request body: not a JSON object");
		return NULL;
	}
	return doc;
}

static void health(struct server *s, const struct api_request *req, const char *rest,
		   struct api_response *resp)
{
	size_t queued, scanning;
	scan_queue_counts(s->queue, &queued, &scanning);
	reply(resp, 200, json_pack("{ss sI sI}", "status", "ok", "queued", (json_int_t)queued,
				   "scanning", (json_int_t)scanning));
}

/* POST /v1/notifications: the registry's envelope; a scan per new manifest pushed. */
static void notifications(struct server *s, const struct api_request *req, const char *rest,
			  struct api_response *resp)
{
	struct scan_target *t;
	size_t n, queued = 0;
	ls_error err;
	if (notification_parse(req->body ? req->body : "", req->body_len, &t, &n, &err) < 0) {
		api_error(resp, 400, "%s", err.msg);
		return;
	}
	size_t refused = 0;
	for (size_t i = 0; i < n; i++) {
		int64_t id;
		bool queue;
		if (!server_registry_allowed(s, t[i].registry)) {
			refused++; /* not ours to scan: a registry not in --allow-registry */
			continue;
		}
		if (store_request_digest(s->store, t[i].registry, t[i].repository, t[i].digest, t[i].tag,
					 false, &id, &queue, &err) < 0) {
			api_error(resp, 500, "%s", err.msg);
			break;
		}
		if (queue) {
			scan_queue_push(s->queue, id);
			queued++;
		}
	}
	snprintf(resp->note, sizeof(resp->note), "%zu image pushes, %zu queued%s", n, queued,
		 refused ? ", some from registries not allowed" : "");
	if (!resp->body)
		reply(resp, 200, json_pack("{sI sI sI}", "images", (json_int_t)n, "queued", (json_int_t)queued,
					   "refused", (json_int_t)refused));
	scan_targets_free(t, n);
}

/* The registry of a StartImageScan: as given, else where the repository was seen last. */
static char *scan_registry(struct server *s, const json_t *doc, const char *repo, ls_error *err)
{
	const char *given = json_str(doc, "registry");
	char *known;
	if (given)
		return xstrdup(given);
	if (store_repository_registry(s->store, repo, &known, err) < 0)
		return NULL;
	if (!known)
		ls_fail(err, "no registry known for %s: give \"registry\"", repo);
	return known;
}

static int queue_scan(struct server *s, const char *registry, const char *repo, const char *digest,
		      const char *tag, ls_error *err)
{
	int64_t id;
	bool queue = true;
	if (digest) {
		if (store_request_digest(s->store, registry, repo, digest, tag, true, &id, &queue, err) < 0)
			return -1;
	} else if (store_request_tag(s->store, registry, repo, tag, &id, err) < 0) {
		return -1;
	}
	if (queue)
		scan_queue_push(s->queue, id);
	return 0;
}

/* POST /v1/scans: ECR's StartImageScan. A tag is resolved when the image is scanned. */
static void start_scan(struct server *s, const struct api_request *req, const char *rest,
		       struct api_response *resp)
{
	json_t *doc = body_object(req, resp), *image_id;
	ls_error err;
	if (!doc)
		return;
	const char *repo = json_str(doc, "repositoryName");
	image_id = json_object_get(doc, "imageId");
	const char *digest = json_str(image_id, "imageDigest"), *tag = json_str(image_id, "imageTag");
	char *registry = NULL;
	if (!repo || (!digest && !tag)) {
		api_error(resp, 400, "repositoryName and imageId.imageDigest or imageId.imageTag are required");
	} else if (!(registry = scan_registry(s, doc, repo, &err))) {
		api_error(resp, 400, "%s", err.msg);
	} else if (!server_registry_allowed(s, registry)) {
		api_error(resp, 403, "registry %s is not one this server scans (--allow-registry)", registry);
	} else if (!scan_target_valid(registry, repo, digest, tag)) {
		api_error(resp, 400, "not a valid image reference: %s/%s%s%s", registry, repo,
			  digest ? "@" : ":", digest ? digest : tag);
	} else if (queue_scan(s, registry, repo, digest, tag, &err) < 0) {
		api_error(resp, 500, "%s", err.msg);
	} else {
		reply(resp, 202, json_pack("{ss ss sO s{ss}}", "registryId", registry, "repositoryName", repo,
					   "imageId", image_id, "imageScanStatus", "status", SCAN_IN_PROGRESS));
	}
	free(registry);
	json_decref(doc);
}

/* ECR's DescribeImageScanFindings of one recorded scan. */
static json_t *describe(const struct scan_record *r)
{
	json_t *image_id = json_pack("{ss*}", "imageDigest", r->digest);
	if (json_array_size(r->tags))
		json_object_set(image_id, "imageTag", json_array_get(r->tags, 0));
	const char *desc = r->description ? r->description : "The scan is in progress.";
	json_t *j = json_pack("{ss ss so s{ss ss}}", "registryId", r->registry, "repositoryName",
			      r->repository, "imageId", image_id, "imageScanStatus", "status", r->status,
			      "description", desc);
	if (!strcmp(r->status, SCAN_COMPLETE)) {
		json_t *f = json_pack("{sO ss s:s? sO}", "findings", r->findings ? r->findings : json_array(),
				      "imageScanCompletedAt", r->completed_at, "vulnerabilitySourceUpdatedAt",
				      r->source_updated_at, "findingSeverityCounts",
				      r->counts ? r->counts : json_object());
		if (r->secrets)
			json_object_set(f, "secrets", r->secrets);
		json_object_set_new(j, "imageScanFindings", f);
	}
	return j;
}

/* GET /v1/scans/REPO/DIGEST (REPO may hold '/'). */
static void get_scan(struct server *s, const struct api_request *req, const char *rest,
		     struct api_response *resp)
{
	const char *slash = strrchr(rest, '/');
	struct scan_record r;
	ls_error err;
	if (!slash || slash == rest || !slash[1]) {
		api_error(resp, 404, "no such scan: expected /v1/scans/REPOSITORY/DIGEST");
		return;
	}
	char *repo = xstrndup(rest, (size_t)(slash - rest));
	int found = store_get(s->store, repo, slash + 1, &r, &err);
	if (found < 0)
		api_error(resp, 500, "%s", err.msg);
	else if (found == 1)
		api_error(resp, 404, "no scan of %s@%s", repo, slash + 1);
	else
		reply(resp, 200, describe(&r));
	if (found == 0)
		scan_record_release(&r);
	free(repo);
}

static void list_scans(struct server *s, const struct api_request *req, const char *rest,
		       struct api_response *resp)
{
	json_t *arr;
	ls_error err;
	if (store_list(s->store, req->repository_param, &arr, &err) < 0)
		api_error(resp, 500, "%s", err.msg);
	else
		reply(resp, 200, json_pack("{so}", "scans", arr));
}

static void subscribe(struct server *s, const struct api_request *req, const char *rest,
		      struct api_response *resp)
{
	json_t *doc = body_object(req, resp);
	ls_error err;
	char id[37];
	if (!doc)
		return;
	const char *url = json_str(doc, "url");
	json_t *filter = json_object_get(doc, "repositoryFilter");
	if (!url || !(str_starts_with(url, "http://") || str_starts_with(url, "https://"))) {
		api_error(resp, 400, "url: an http:// or https:// URL is required");
	} else if (filter && !json_is_string(filter)) {
		api_error(resp, 400, "repositoryFilter: a string (a repository prefix)");
	} else {
		uuid_v4(id);
		if (store_subscribe(s->store, id, url, json_string_value(filter), &err) < 0)
			api_error(resp, 500, "%s", err.msg);
		else
			reply(resp, 201, json_pack("{ss}", "id", id));
	}
	json_decref(doc);
}

static void list_subscriptions(struct server *s, const struct api_request *req, const char *rest,
			       struct api_response *resp)
{
	json_t *arr;
	ls_error err;
	if (store_subscriptions(s->store, &arr, &err) < 0)
		api_error(resp, 500, "%s", err.msg);
	else
		reply(resp, 200, json_pack("{so}", "subscriptions", arr));
}

static void unsubscribe(struct server *s, const struct api_request *req, const char *id,
			struct api_response *resp)
{
	ls_error err;
	int r = store_unsubscribe(s->store, id, &err);
	if (r < 0)
		api_error(resp, 500, "%s", err.msg);
	else if (r == 1)
		api_error(resp, 404, "no subscription %s", id);
	else
		reply(resp, 200, json_pack("{ss}", "deleted", id));
}

typedef void route_handler(struct server *s, const struct api_request *req, const char *rest,
			   struct api_response *resp);

/* A path ending in '/' takes one more part or more (`rest`); others match exactly. */
static const struct route {
	const char *method, *path;
	route_handler *handle;
} routes[] = {
	{"GET", "/v1/health", health},
	{"POST", "/v1/notifications", notifications},
	{"POST", "/v1/scans", start_scan},
	{"GET", "/v1/scans", list_scans},
	{"GET", "/v1/scans/", get_scan},
	{"POST", "/v1/subscriptions", subscribe},
	{"GET", "/v1/subscriptions", list_subscriptions},
	{"DELETE", "/v1/subscriptions/", unsubscribe},
};

/* The part of path after the route's, or NULL when the route does not match it. */
static const char *route_match(const struct route *r, const char *path)
{
	size_t n = strlen(r->path);
	if (r->path[n - 1] != '/')
		return strcmp(path, r->path) ? NULL : path + n;
	return strncmp(path, r->path, n) || !path[n] ? NULL : path + n;
}

/* With a token configured, anything but the health check needs "Authorization: Bearer
 * TOKEN" (compared in constant time). */
static bool authorized(const struct server *s, const struct api_request *req)
{
	const char *token = s->cfg->token, *auth = req->authorization;
	if (!token || (!strcmp(req->method, "GET") && !strcmp(req->path, "/v1/health")))
		return true;
	if (!auth || strncasecmp(auth, "Bearer ", 7) != 0)
		return false;
	auth += 7;
	size_t n = strlen(token);
	return strlen(auth) == n && CRYPTO_memcmp(auth, token, n) == 0;
}

void api_handle(struct server *s, const struct api_request *req, struct api_response *resp)
{
	memset(resp, 0, sizeof(*resp));
	if (!authorized(s, req)) {
		api_error(resp, 401, "this server needs \"Authorization: Bearer TOKEN\" (serve --token)");
		resp->challenge = true;
		return;
	}
	for (size_t i = 0; i < sizeof(routes) / sizeof(*routes); i++) {
		const char *rest = route_match(&routes[i], req->path);
		if (!rest)
			continue;
		if (!strcmp(req->method, routes[i].method)) {
			routes[i].handle(s, req, rest, resp);
			return;
		}
		size_t used = strlen(resp->allow);
		snprintf(resp->allow + used, sizeof(resp->allow) - used, "%s%s", used ? ", " : "",
			 routes[i].method);
	}
	if (resp->allow[0])
		api_error(resp, 405, "method not allowed (allowed: %s)", resp->allow);
	else
		api_error(resp, 404, "no such resource: %s", req->path);
}
