#include "server/server.h"

#include <strings.h>

#include "server/front.h"
#include "server/log.h"
#include "util/mem.h"

/* Scans a previous run left IN_PROGRESS (it stopped or crashed) go back on the queue. */
static int requeue_unfinished(struct server *s, ls_error *err)
{
	int64_t *ids;
	size_t n;
	if (store_unfinished(s->store, &ids, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		scan_queue_push(s->queue, ids[i]);
	if (n)
		server_log("%zu unfinished scans queued again", n);
	free(ids);
	return 0;
}

int server_start(const struct server_config *cfg, struct server **out, ls_error *err)
{
	struct server *s = xcalloc(1, sizeof(*s));
	*out = NULL;
	s->cfg = cfg;
	if (store_open(cfg->store_path, &s->store, err) < 0) {
		free(s);
		return -1;
	}
	s->pub = publisher_start();
	s->queue = scan_queue_start(s->store, s->pub, &cfg->scan, cfg->workers);
	if (front_start(s, cfg->listen, &s->front, err) < 0 || requeue_unfinished(s, err) < 0) {
		server_stop(s);
		return -1;
	}
	*out = s;
	return 0;
}

bool server_registry_allowed(const struct server *s, const char *registry)
{
	if (s->cfg->n_registries == 0)
		return true;
	for (size_t i = 0; i < s->cfg->n_registries; i++)
		if (!strcasecmp(s->cfg->registries[i], registry))
			return true;
	return false;
}

void server_stop(struct server *s)
{
	if (!s)
		return;
	front_stop(s->front);
	scan_queue_stop(s->queue);
	publisher_stop(s->pub);
	store_close(s->store);
	free(s);
}
