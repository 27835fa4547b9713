#include "server/notify.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "source/registry_ref.h"
#include "util/json.h"
#include "util/mem.h"

bool media_type_is_manifest(const char *media_type)
{
	static const char *const types[] = {
		"application/vnd.docker.distribution.manifest.v2+json",
		"application/vnd.docker.distribution.manifest.list.v2+json",
		"application/vnd.oci.image.manifest.v1+json",
		"application/vnd.oci.image.index.v1+json",
	};
	for (size_t i = 0; media_type && i < sizeof(types) / sizeof(*types); i++)
		if (!strcmp(media_type, types[i]))
			return true;
	return false;
}

/* "http://HOST:PORT/v2/…" → "HOST:PORT"; NULL when the URL has no authority. */
static char *url_host(const char *url)
{
	const char *p = url ? strstr(url, "://") : NULL;
	if (!p)
		return NULL;
	p += 3;
	size_t n = strcspn(p, "/?#");
	return n ? xstrndup(p, n) : NULL;
}

bool scan_target_valid(const char *host, const char *repo, const char *digest, const char *tag)
{
	struct registry_ref ref;
	ls_error err;
	char *s = digest ? xasprintf("//%s/%s@%s", host, repo, digest)
			 : xasprintf("//%s/%s:%s", host, repo, tag ? tag : "");
	int r = registry_ref_parse(s, &ref, &err);
	free(s);
	if (r < 0)
		return false;
	/* A host without '.' or ':' would be read as a Docker Hub namespace: refuse it. */
	bool same = !strcmp(ref.domain, host);
	registry_ref_release(&ref);
	return same;
}

static bool event_target(const json_t *ev, struct scan_target *t)
{
	const json_t *target = json_object_get(ev, "target");
	const char *action = json_str(ev, "action"), *repo = json_str(target, "repository");
	const char *digest = json_str(target, "digest"), *tag = json_str(target, "tag");
	if (!action || strcmp(action, "push") || !media_type_is_manifest(json_str(target, "mediaType")) ||
	    !repo || !digest)
		return false;
	char *host = url_host(json_str(target, "url"));
	if (!host && json_str(json_object_get(ev, "request"), "host"))
		host = xstrdup(json_str(json_object_get(ev, "request"), "host"));
	if (!host || !scan_target_valid(host, repo, digest, NULL)) {
		free(host);
		return false;
	}
	t->registry = host;
	t->repository = xstrdup(repo);
	t->digest = xstrdup(digest);
	t->tag = tag && *tag ? xstrdup(tag) : NULL;
	return true;
}

int notification_parse(const char *body, size_t len, struct scan_target **out, size_t *n,
		       ls_error *err)
{
	json_t *doc, *events, *ev;
	size_t i, cap = 0;
	*out = NULL;
	*n = 0;
	if (json_parse_bytes(body, len, "notification", &doc, err) < 0)
		return -1;
	events = json_object_get(doc, "events");
	if (!json_is_array(events)) {
		json_decref(doc);
		return ls_fail(err, "notification: no \"events\" array");
	}
	json_array_foreach(events, i, ev) {
		struct scan_target t;
		if (!event_target(ev, &t))
			continue;
		*out = xgrow(*out, &cap, *n + 1, sizeof(**out));
		(*out)[(*n)++] = t;
	}
	json_decref(doc);
	return 0;
}

void scan_target_release(struct scan_target *t)
{
	free(t->registry);
	free(t->repository);
	free(t->digest);
	free(t->tag);
}

void scan_targets_free(struct scan_target *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		scan_target_release(&t[i]);
	free(t);
}
