/* The event a finished scan publishes, shaped as the EventBridge "ECR Image Scan" event ECR
 * sends, and who receives it (subscriptions with an optional repository prefix). */
#ifndef LS_SERVER_EVENT_H
#define LS_SERVER_EVENT_H

#include <jansson.h>
#include <stdbool.h>

#include "server/store.h"

/* A random (version 4) UUID, "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx". */
void uuid_v4(char out[37]);
/* The current UTC time as RFC 3339 ("2026-12-05T01:02:03Z"). */
void rfc3339_now(char out[32]);

/* {"version":"0","id":id,"detail-type":"ECR Image Scan","source":"layerscope","time":time,
 *  "resources":["REPO@DIGEST"],"detail":{"scan-status","repository-name","image-digest",
 *  "image-tags","finding-severity-counts"}}: counts only for the severities found, as ECR. */
json_t *scan_event_json(const struct scan_record *r, const char *id, const char *time);

/* Does a subscription's repositoryFilter (a prefix; NULL or "" matches all) take repo? */
bool subscription_matches(const char *filter, const char *repo);

#endif
