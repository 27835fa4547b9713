/* The event publisher: a thread that POSTs events to subscribers, so that a slow or dead
 * subscriber never holds up a scan or the HTTP front. Each delivery is tried 3 times with a
 * growing pause between tries; failures are logged and dropped. */
#ifndef LS_SERVER_PUBLISH_H
#define LS_SERVER_PUBLISH_H

#include "server/store.h"

struct publisher;

struct publisher *publisher_start(void);
/* Deliver what is queued (stop waits for it), then end the thread. */
void publisher_stop(struct publisher *p);
/* Queue a POST of `body` (JSON) to `url`. */
void publisher_post(struct publisher *p, const char *url, const char *body);
/* Queue the "ECR Image Scan" event of finished scan r to every matching subscriber. */
void publisher_scan_ended(struct publisher *p, struct store *s, const struct scan_record *r);

#endif
