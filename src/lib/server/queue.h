/* The scan queue: scan ids waiting, and worker threads that take them one at a time, scan,
 * record the result in the store and hand the event to the publisher. */
#ifndef LS_SERVER_QUEUE_H
#define LS_SERVER_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#include "server/publish.h"
#include "server/scan_job.h"
#include "server/store.h"

struct scan_queue;

/* The store, publisher and config must outlive the queue. */
struct scan_queue *scan_queue_start(struct store *store, struct publisher *pub,
				    const struct scan_config *cfg, unsigned workers);
void scan_queue_push(struct scan_queue *q, int64_t id);
void scan_queue_counts(struct scan_queue *q, size_t *queued, size_t *scanning);
/* Workers finish the scan they are on and end; scans still waiting stay IN_PROGRESS in the
 * store and are queued again at the next start. */
void scan_queue_stop(struct scan_queue *q);

#endif
