/* docker://[HOST[:PORT]/]REPO[:TAG|@DIGEST]: an image read from a registry over the
 * distribution API v2 (manifests and blobs by HTTP GET), verified as the other sources are.
 * Anonymous first; a 401 is answered from its WWW-Authenticate challenge (a Bearer token from
 * the realm, or Basic) with credentials from --creds or an auth file. Layers are HTTP bodies
 * streamed to the layer reader, one request per layer, from the model's worker threads. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "net/http.h"
#include "source/image.h"
#include "source/manifest.h"
#include "source/registry_ref.h"
#include "util/digest.h"
#include "util/json.h"
#include "util/mem.h"
#include "util/strutil.h"

#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_DOCKER_V2 "application/vnd.docker.distribution.manifest.v2+json"
#define MT_DOCKER_V1 "application/vnd.docker.distribution.manifest.v1"
#define MANIFEST_ACCEPT \
	"Accept: " MT_OCI_INDEX ", " MT_OCI_MANIFEST ", " MT_DOCKER_LIST ", " MT_DOCKER_V2

#define SCHEMA1_REFUSED \
	"a Docker schema 1 manifest (deprecated, unsupported); push the image again with a current client"

enum { TOKEN_LIMIT = 1024 * 1024 };

struct registry {
	struct registry_ref ref;
	struct http_options http;
	char *base_url; /* "https://HOST" (or "http://HOST" with --tls-verify=false) */
	const char *creds_option, *authfile_option;

	pthread_mutex_t lock; /* guards what follows: layers authenticate from many threads */
	bool creds_resolved;
	char *userpwd;     /* "user:password", or NULL: anonymous */
	char *auth_header; /* "Authorization: Bearer …", or NULL */
	bool use_basic;    /* send userpwd with every request */
	unsigned auth_generation;
};

/* ---- credentials ---- */

static char *creds_from_option(const char *creds)
{
	if (strchr(creds, ':'))
		return xstrdup(creds);
	/* USER alone: the password from the terminal, as skopeo asks for it. */
	char *pass = isatty(STDIN_FILENO) ? getpass("Password: ") : NULL;
	char *userpwd = xasprintf("%s:%s", creds, pass ? pass : "");
	if (pass)
		OPENSSL_cleanse(pass, strlen(pass));
	return userpwd;
}

/* containers/image's order: --authfile (or $REGISTRY_AUTH_FILE) alone; else
 * $XDG_RUNTIME_DIR/containers/auth.json, then Docker's config.json. */
static int creds_from_files(struct registry *r, ls_error *err)
{
	const char *explicit_file = r->authfile_option ? r->authfile_option : getenv("REGISTRY_AUTH_FILE");
	if (explicit_file && *explicit_file)
		return auth_file_lookup(explicit_file, false, &r->ref, &r->userpwd, err);

	const char *runtime = getenv("XDG_RUNTIME_DIR"), *home = getenv("HOME");
	const char *docker_config = getenv("DOCKER_CONFIG");
	char *candidates[2] = {
		runtime && *runtime ? xasprintf("%s/containers/auth.json", runtime) : NULL,
		docker_config && *docker_config ? xasprintf("%s/config.json", docker_config)
		: home && *home ? xasprintf("%s/.docker/config.json", home) : NULL,
	};
	int found = 0;
	for (size_t i = 0; i < 2; i++) {
		if (candidates[i] && found == 0)
			found = auth_file_lookup(candidates[i], true, &r->ref, &r->userpwd, err);
		free(candidates[i]);
	}
	return found < 0 ? -1 : 0;
}

/* Called with r->lock held: credentials are looked up once, at the first 401. */
static int resolve_creds(struct registry *r, ls_error *err)
{
	if (r->creds_resolved)
		return 0;
	r->creds_resolved = true;
	if (r->creds_option) {
		r->userpwd = creds_from_option(r->creds_option);
		return 0;
	}
	return creds_from_files(r, err) < 0 ? ls_wrap(err, "credentials for %s", r->ref.domain) : 0;
}

/* ---- authentication ---- */

static int unauthorized(struct registry *r, ls_error *err)
{
	if (r->userpwd)
		return ls_fail(err, "%s: 401 unauthorized: the registry refused the credentials for %s",
			       r->ref.domain, r->ref.repo);
	return ls_fail(err, "%s: 401 unauthorized: %s needs credentials (--creds USER:PASS or "
			    "--authfile FILE)", r->ref.domain, r->ref.repo);
}

/* The realm's URL with service and scope in its query. */
static char *token_url(const struct auth_challenge *c, const char *repo, ls_error *err)
{
	cleanup_free char *scope = xasprintf("scope=repository:%s:pull", repo);
	cleanup_free char *service = c->service ? xasprintf("service=%s", c->service) : NULL;
	const char *params[3] = {NULL};
	size_t n = 0;
	if (service)
		params[n++] = service;
	params[n] = scope;
	return http_url_with_query(c->realm, params, err);
}

/* GET a Bearer token from the challenge's realm (with Basic credentials when we have them). */
static int fetch_token(struct registry *r, const struct auth_challenge *c, ls_error *err)
{
	cleanup_free char *url = NULL;
	cleanup_free char *body = NULL;
	struct http_response *resp = NULL;
	const char *accept[] = {"Accept: application/json", NULL};
	json_t *doc = NULL;
	size_t len;
	int ret = -1;

	if (!c->realm)
		return ls_fail(err, "%s: a Bearer challenge without a realm", r->ref.domain);
	if (!(url = token_url(c, r->ref.repo, err)))
		return ls_wrap(err, "%s: the Bearer challenge's realm", r->ref.domain);
	struct http_request req = {.url = url, .headers = accept, .userpwd = r->userpwd, .opts = &r->http};
	if (http_get_small(&req, TOKEN_LIMIT, &resp, &body, &len, err) < 0)
		return ls_wrap(err, "token service");
	if (resp->status == 401 || resp->status == 403) {
		unauthorized(r, err);
		goto out;
	}
	if (resp->status != 200) {
		ls_fail(err, "token service %s: HTTP %ld", c->realm, resp->status);
		goto out;
	}
	if (json_parse_bytes(body, len, "token response", &doc, err) < 0)
		goto out;
	const char *token = json_str(doc, "token") ? json_str(doc, "token") : json_str(doc, "access_token");
	if (!token || !*token || strpbrk(token, "\r\n")) {
		ls_fail(err, "token service %s: no token in the response", c->realm);
		goto out;
	}
	free(r->auth_header);
	r->auth_header = xasprintf("Authorization: Bearer %s", token);
	ret = 0;
out:
	json_decref(doc);
	if (body)
		OPENSSL_cleanse(body, len);
	http_close(resp);
	return ret;
}

/* Answer a 401 (called with r->lock held). */
static int authenticate(struct registry *r, const char *www_authenticate, ls_error *err)
{
	struct auth_challenge c;
	int ret;
	if (!www_authenticate)
		return unauthorized(r, err);
	if (auth_challenge_parse(www_authenticate, &c, err) < 0)
		return ls_wrap(err, "%s", r->ref.domain);
	if (resolve_creds(r, err) < 0) {
		ret = -1;
	} else if (!strcasecmp(c.scheme, "Bearer")) {
		ret = fetch_token(r, &c, err);
	} else if (!strcasecmp(c.scheme, "Basic")) {
		ret = r->userpwd && !r->use_basic ? 0 : unauthorized(r, err);
		r->use_basic = true;
	} else {
		ret = ls_fail(err, "%s: unsupported authentication scheme '%s'", r->ref.domain, c.scheme);
	}
	if (ret == 0)
		r->auth_generation++;
	auth_challenge_release(&c);
	return ret;
}

/* ---- requests ---- */

/* GET base_url + path; a 401 is answered once and the request sent again. Any other status
 * is the caller's to judge. small_limit > 0: read the body whole into *body. */
static int registry_get(struct registry *r, const char *path, const char *accept, size_t small_limit,
			struct http_response **out, char **body, size_t *len, ls_error *err)
{
	for (int attempt = 0;; attempt++) {
		cleanup_free char *url = xasprintf("%s%s", r->base_url, path);
		cleanup_free char *auth = NULL;
		const char *headers[3] = {accept, NULL, NULL};
		struct http_response *resp;
		unsigned generation;
		int rc;

		pthread_mutex_lock(&r->lock);
		auth = r->auth_header ? xstrdup(r->auth_header) : NULL;
		cleanup_free char *userpwd = r->use_basic && r->userpwd ? xstrdup(r->userpwd) : NULL;
		generation = r->auth_generation;
		pthread_mutex_unlock(&r->lock);
		headers[accept ? 1 : 0] = auth;

		struct http_request req = {.url = url, .headers = headers, .userpwd = userpwd, .opts = &r->http};
		rc = small_limit ? http_get_small(&req, small_limit, &resp, body, len, err)
				 : http_open(&req, &resp, err);
		if (auth)
			OPENSSL_cleanse(auth, strlen(auth));
		if (userpwd)
			OPENSSL_cleanse(userpwd, strlen(userpwd));
		if (rc < 0)
			return -1;
		if (resp->status != 401 || attempt > 0) {
			*out = resp;
			return 0;
		}
		pthread_mutex_lock(&r->lock);
		/* Another thread may have authenticated meanwhile: then just send again. */
		rc = generation == r->auth_generation
			     ? authenticate(r, http_header(resp, "WWW-Authenticate"), err) : 0;
		pthread_mutex_unlock(&r->lock);
		http_close(resp);
		if (small_limit) {
			free(*body);
			*body = NULL;
		}
		if (rc < 0)
			return -1;
	}
}

/* The registry's own words for an error status ({"errors":[{"code","message"}]}), if any. */
static void describe_status(const char *body, size_t len, char *out, size_t n)
{
	json_t *doc = body ? json_loadb(body, len, 0, NULL) : NULL;
	json_t *first = json_array_get(json_object_get(doc, "errors"), 0);
	const char *code = json_str(first, "code"), *msg = json_str(first, "message");
	snprintf(out, n, "%s%s%s", code ? code : "", code && msg ? ": " : "", msg ? msg : "");
	json_decref(doc);
}

static int status_error(struct registry *r, struct http_response *resp, const char *what,
			const char *body, size_t len, ls_error *err)
{
	char why[256];
	if (resp->status == 401)
		return unauthorized(r, err);
	describe_status(body, len, why, sizeof(why));
	return ls_fail(err, "%s: HTTP %ld%s%s", what, resp->status, why[0] ? " " : "", why);
}

static int check_digest(const char *what, const char *data, size_t len, const char *want,
			int64_t want_size, char actual[DIGEST_STR_MAX], ls_error *err)
{
	sha256_digest(data, len, actual);
	if (want_size >= 0 && (uint64_t)want_size != len)
		return ls_fail(err, "%s: %zu bytes, the descriptor says %lld", what, len,
			       (long long)want_size);
	if (want && strcmp(want, actual) != 0)
		return ls_fail(err, "%s: digest mismatch: expected %s, got %s", what, want, actual);
	return 0;
}

/* GET a manifest by tag or digest; `want` (a digest) and want_size are checked when given,
 * else the Docker-Content-Digest header when the registry sends one. */
static int fetch_manifest(struct registry *r, const char *reference, const char *want,
			  int64_t want_size, char **data, size_t *len, char **media_type,
			  char digest[DIGEST_STR_MAX], ls_error *err)
{
	cleanup_free char *path = xasprintf("/v2/%s/manifests/%s", r->ref.repo, reference);
	cleanup_free char *what = xasprintf("manifest %s%s%s", r->ref.repo,
					    digest_is_sha256(reference) ? "@" : ":", reference);
	struct http_response *resp;
	int ret = -1;

	if (registry_get(r, path, MANIFEST_ACCEPT, IMAGE_JSON_LIMIT, &resp, data, len, err) < 0)
		return ls_wrap(err, "%s", what);
	if (resp->status == 404) {
		ls_fail(err, "manifest unknown: %s%s%s", r->ref.repo,
			digest_is_sha256(reference) ? "@" : ":", reference);
		goto out;
	}
	if (resp->status != 200) {
		status_error(r, resp, what, *data, *len, err);
		goto out;
	}
	const char *ct = http_header(resp, "Content-Type");
	if (ct && str_starts_with(ct, MT_DOCKER_V1)) {
		ls_fail(err, "%s: " SCHEMA1_REFUSED, what);
		goto out;
	}
	const char *header_digest = http_header(resp, "Docker-Content-Digest");
	if (!want && header_digest && digest_is_sha256(header_digest))
		want = header_digest;
	if (check_digest(what, *data, *len, want, want_size, digest, err) < 0)
		goto out;
	*media_type = ct ? xstrndup(ct, strcspn(ct, "; ")) : NULL;
	ret = 0;
out:
	http_close(resp);
	if (ret < 0) {
		free(*data);
		*data = NULL;
	}
	return ret;
}

static int fetch_config(struct registry *r, const char *digest, int64_t size, char **data,
			size_t *len, ls_error *err)
{
	cleanup_free char *path = xasprintf("/v2/%s/blobs/%s", r->ref.repo, digest);
	cleanup_free char *what = xasprintf("config %s", digest);
	struct http_response *resp;
	char actual[DIGEST_STR_MAX];
	int ret = -1;

	if (registry_get(r, path, NULL, IMAGE_JSON_LIMIT, &resp, data, len, err) < 0)
		return ls_wrap(err, "%s", what);
	if (resp->status != 200)
		status_error(r, resp, what, *data, *len, err);
	else if (check_digest(what, *data, *len, digest, size, actual, err) == 0)
		ret = 0;
	http_close(resp);
	if (ret < 0) {
		free(*data);
		*data = NULL;
	}
	return ret;
}

static bool is_schema1(json_t *doc)
{
	return json_int(doc, "schemaVersion", 2) == 1;
}

/* The descriptor_reader for manifest_resolve: a child manifest of an index, or the config. */
static int read_descriptor(void *ctx, json_t *desc, const char *what, char **data, size_t *len,
			   ls_error *err)
{
	struct registry *r = ctx;
	const char *digest = json_str(desc, "digest");
	int64_t size = json_int(desc, "size", -1);
	if (strcmp(what, "manifest") != 0)
		return fetch_config(r, digest, size, data, len, err);
	cleanup_free char *media_type = NULL;
	char actual[DIGEST_STR_MAX];
	return fetch_manifest(r, digest, digest, size, data, len, &media_type, actual, err);
}

/* ---- the session ---- */

static bool looks_like_tls_error(const char *msg)
{
	return strstr(msg, "SSL") || strstr(msg, "TLS") || strstr(msg, "certificate");
}

/* Which scheme speaks: https; with --tls-verify=false, plain http when https fails (as
 * containers/image pings /v2/). The /v2/ answer itself (200 or 401) does not matter here. */
static int choose_scheme(struct registry *r, ls_error *err)
{
	const char *schemes[] = {"https", "http"};
	ls_error first;
	for (size_t i = 0; i < (r->http.insecure ? 2u : 1u); i++) {
		cleanup_free char *url = xasprintf("%s://%s/v2/", schemes[i], r->ref.host);
		struct http_request req = {.url = url, .opts = &r->http};
		struct http_response *resp;
		if (http_open(&req, &resp, i == 0 ? &first : err) == 0) {
			http_close(resp);
			r->base_url = xasprintf("%s://%s", schemes[i], r->ref.host);
			return 0;
		}
	}
	if (r->http.insecure)
		return ls_wrap(err, "neither https nor http");
	if (looks_like_tls_error(first.msg))
		return ls_fail(err, "%s (a registry on plain HTTP or with an untrusted certificate "
				    "needs --tls-verify=false)", first.msg);
	*err = first;
	return -1;
}

static void registry_free(struct registry *r)
{
	if (!r)
		return;
	registry_ref_release(&r->ref);
	free(r->base_url);
	if (r->userpwd)
		OPENSSL_cleanse(r->userpwd, strlen(r->userpwd));
	free(r->userpwd);
	if (r->auth_header)
		OPENSSL_cleanse(r->auth_header, strlen(r->auth_header));
	free(r->auth_header);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

static int registry_load(struct image *img, const char *path, const char *subref,
			 const struct image_options *opts, ls_error *err)
{
	struct registry *r = xcalloc(1, sizeof(*r));
	cleanup_free char *data = NULL;
	cleanup_free char *media_type = NULL;
	char digest[DIGEST_STR_MAX];
	json_t *doc;
	size_t len;

	pthread_mutex_init(&r->lock, NULL);
	img->priv = r;
	if (opts) {
		r->http.insecure = opts->insecure;
		r->creds_option = opts->creds;
		r->authfile_option = opts->authfile;
	}
	if (registry_ref_parse(path, &r->ref, err) < 0 || choose_scheme(r, err) < 0)
		return -1;
	const char *reference = registry_ref_reference(&r->ref);
	if (fetch_manifest(r, reference, r->ref.digest, -1, &data, &len, &media_type, digest, err) < 0)
		return -1;
	if (json_parse_bytes(data, len, "manifest", &doc, err) < 0)
		return -1;
	if (is_schema1(doc)) {
		json_decref(doc);
		return ls_fail(err, "manifest %s:%s: " SCHEMA1_REFUSED, r->ref.repo, reference);
	}
	img->tags = xcalloc(1, sizeof(char *));
	img->tags[img->n_tags++] = r->ref.digest ? xasprintf("%s/%s@%s", r->ref.domain, r->ref.repo, r->ref.digest)
						 : xasprintf("%s/%s:%s", r->ref.domain, r->ref.repo, r->ref.tag);
	struct descriptor_reader reader = {.read = read_descriptor, .ctx = r};
	return manifest_resolve(img, doc, media_type, digest, opts, &reader, err);
}

/* A layer's HTTP body, held to the manifest's size: more or fewer bytes are an error at once
 * (a hostile or broken server cannot make us read without end). */
struct sized_body {
	struct byte_stream base;
	struct http_response *resp;
	uint64_t want, got;
};

static ssize_t sized_read(struct byte_stream *s, void *buf, size_t n, ls_error *err)
{
	struct sized_body *b = (struct sized_body *)s;
	ssize_t got = b->resp->body.read(&b->resp->body, buf, n, err);
	if (got < 0)
		return -1;
	b->got += (uint64_t)got;
	if (b->got > b->want)
		return ls_fail(err, "blob is longer than the %llu bytes the manifest says (tampered)",
			       (unsigned long long)b->want);
	if (got == 0 && b->got < b->want)
		return ls_fail(err, "blob is %llu bytes, the manifest says %llu (truncated or tampered)",
			       (unsigned long long)b->got, (unsigned long long)b->want);
	return got;
}

static void sized_close(struct byte_stream *s)
{
	struct sized_body *b = (struct sized_body *)s;
	http_close(b->resp);
	free(b);
}

static int registry_open_layer(struct image *img, size_t i, struct byte_stream **out, ls_error *err)
{
	struct registry *r = img->priv;
	const struct layer_info *l = &img->layers[i];
	cleanup_free char *path = xasprintf("/v2/%s/blobs/%s", r->ref.repo, l->digest);
	struct http_response *resp;

	if (registry_get(r, path, NULL, 0, &resp, NULL, NULL, err) < 0)
		return -1;
	if (resp->status != 200) {
		status_error(r, resp, "blob", NULL, 0, err);
		http_close(resp);
		return -1;
	}
	struct sized_body *b = xcalloc(1, sizeof(*b));
	b->base.read = sized_read;
	b->base.close = sized_close;
	b->resp = resp;
	b->want = (uint64_t)l->compressed_size;
	*out = &b->base;
	return 0;
}

static void registry_release(struct image *img)
{
	registry_free(img->priv);
	img->priv = NULL;
}

const struct image_source_ops registry_source = {
	.transport = "docker",
	.whole_reference = true,
	.load = registry_load,
	.open_layer = registry_open_layer,
	.release = registry_release,
};
