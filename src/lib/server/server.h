/* `layerscope serve`: scan on push. The parts: the HTTP front (front.c, libmicrohttpd) answers
 * the API (api.c); notifications and StartImageScan requests are recorded in the findings
 * store (store.c) and queued (queue.c); worker threads scan (scan_job.c) and hand each
 * finished scan's event to the publisher (publish.c, event.c). */
#ifndef LS_SERVER_H
#define LS_SERVER_H

#include "server/publish.h"
#include "server/queue.h"
#include "server/scan_job.h"
#include "server/store.h"
#include "util/error.h"

struct server_config {
	const char *listen;     /* "HOST:PORT" */
	const char *store_path; /* the findings store (SQLite) */
	struct scan_config scan;
	unsigned workers;
	/* Access. token: every request but GET /v1/health must carry "Authorization: Bearer
	 * TOKEN" (NULL: no check). registries: the only registries scanned, "HOST[:PORT]"
	 * (n_registries 0: any, the registry's notifications and callers are trusted). */
	const char *token;
	const char *const *registries;
	size_t n_registries;
};

struct server {
	const struct server_config *cfg;
	struct store *store;
	struct publisher *pub;
	struct scan_queue *queue;
	struct front *front;
};

/* Open the store, queue again what a previous run left unfinished, start the workers, the
 * publisher and the HTTP front. `cfg` must outlive the server. */
int server_start(const struct server_config *cfg, struct server **out, ls_error *err);
/* May images of this registry ("HOST[:PORT]") be scanned? */
bool server_registry_allowed(const struct server *s, const char *registry);
/* Finish in-flight requests and scans, deliver queued events, close everything. */
void server_stop(struct server *s);

#endif
