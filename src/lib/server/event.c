#include "server/event.h"

#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/mem.h"

void uuid_v4(char out[37])
{
	unsigned char b[16];
	if (RAND_bytes(b, sizeof(b)) != 1)
		abort(); /* no entropy: nothing sane to do */
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
		 b[13], b[14], b[15]);
}

void rfc3339_now(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ECR leaves severities with no finding out of the event's counts. */
static json_t *present_counts(const json_t *counts)
{
	json_t *out = json_object(), *v;
	const char *k;
	json_object_foreach((json_t *)counts, k, v)
		if (json_integer_value(v) > 0)
			json_object_set(out, k, v);
	return out;
}

/* The scan's tags, and the tag it was asked for when that never resolved. */
static json_t *event_tags(const struct scan_record *r)
{
	json_t *tags = json_copy(r->tags);
	if (r->pending_tag)
		json_array_append_new(tags, json_string(r->pending_tag));
	return tags;
}

json_t *scan_event_json(const struct scan_record *r, const char *id, const char *time)
{
	char *resource = r->digest ? xasprintf("%s@%s", r->repository, r->digest)
				   : xasprintf("%s:%s", r->repository, r->pending_tag ? r->pending_tag : "");
	json_t *detail = json_pack("{ss ss ss* so}", "scan-status", r->status, "repository-name",
				   r->repository, "image-digest", r->digest, "image-tags", event_tags(r));
	if (r->counts && !strcmp(r->status, SCAN_COMPLETE))
		json_object_set_new(detail, "finding-severity-counts", present_counts(r->counts));
	json_t *ev = json_pack("{ss ss ss ss ss ss ss s[s] so}", "version", "0", "id", id, "detail-type",
			       "ECR Image Scan", "source", "layerscope", "account", "", "time", time,
			       "region", "", "resources", resource, "detail", detail);
	free(resource);
	return ev;
}

bool subscription_matches(const char *filter, const char *repo)
{
	return !filter || !strncmp(repo, filter, strlen(filter));
}
