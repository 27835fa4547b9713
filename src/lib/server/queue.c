#include "server/queue.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "server/event.h"
#include "server/log.h"
#include "util/json.h"
#include "util/mem.h"

struct scan_queue {
	struct store *store;
	struct publisher *pub;
	const struct scan_config *cfg;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int64_t *ids; /* waiting, oldest first */
	size_t n, cap, scanning;
	bool stopping;
	pthread_t *threads;
	unsigned n_threads;
};

static char *image_ref(const struct scan_record *r)
{
	if (r->pending_tag)
		return xasprintf("docker://%s/%s:%s", r->registry, r->repository, r->pending_tag);
	return xasprintf("docker://%s/%s@%s", r->registry, r->repository, r->digest);
}

/* Fill the finished record from the scan's ECR document. */
static void record_complete(struct scan_record *r, struct scan_result *res)
{
	json_t *f = json_object_get(res->ecr, "imageScanFindings");
	const char *updated = json_str(f, "vulnerabilitySourceUpdatedAt");
	r->status = xstrdup(SCAN_COMPLETE);
	r->description = xstrdup(json_str(json_object_get(res->ecr, "imageScanStatus"), "description"));
	r->completed_at = xstrdup(json_str(f, "imageScanCompletedAt"));
	r->source_updated_at = updated ? xstrdup(updated) : NULL;
	r->counts = json_incref(json_object_get(f, "findingSeverityCounts"));
	r->findings = json_incref(json_object_get(f, "findings"));
	r->secrets = json_incref(res->secrets);
}

static void record_failed(struct scan_record *r, const char *why)
{
	char now[32];
	rfc3339_now(now);
	r->status = xstrdup(SCAN_FAILED);
	r->description = xstrdup(why);
	r->completed_at = xstrdup(now);
}

static void log_scan(const struct scan_record *r, const char *ref, double seconds)
{
	if (!strcmp(r->status, SCAN_FAILED)) {
		server_log("scan %s FAILED in %.1f s: %s", ref, seconds, r->description);
		return;
	}
	char *counts = json_dumps(r->counts, JSON_COMPACT | JSON_PRESERVE_ORDER);
	server_log("scan %s COMPLETE in %.1f s: %zu findings %s", ref, seconds,
		   json_array_size(r->findings), counts ? counts : "");
	free(counts);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Scan one recorded image, record the outcome, publish its event. */
static void run_scan(struct scan_queue *q, int64_t id)
{
	struct scan_record rec, done = {0};
	struct scan_result res;
	struct timespec t0;
	ls_error err = {{0}};
	if (store_get_id(q->store, id, &rec, &err) != 0 || strcmp(rec.status, SCAN_IN_PROGRESS)) {
		if (err.msg[0])
			server_log("scan %lld: %s", (long long)id, err.msg);
		scan_record_release(&rec);
		return;
	}
	char *ref = image_ref(&rec);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int r = scan_image(q->cfg, ref, &res, &err);
	if (r == 0 && rec.pending_tag && store_resolve(q->store, &id, res.digest, &err) < 0) {
		scan_result_release(&res);
		r = -1;
	}
	done.id = id;
	if (r == 0)
		record_complete(&done, &res);
	else
		record_failed(&done, err.msg);
	if (store_finish(q->store, &done, &err) < 0)
		server_log("scan %s: %s", ref, err.msg);
	log_scan(&done, ref, seconds_since(&t0));
	scan_record_release(&done);
	if (r == 0)
		scan_result_release(&res);
	if (store_get_id(q->store, id, &done, &err) == 0)
		publisher_scan_ended(q->pub, q->store, &done);
	scan_record_release(&done);
	scan_record_release(&rec);
	free(ref);
}

static void *worker_main(void *arg)
{
	struct scan_queue *q = arg;
	pthread_mutex_lock(&q->mu);
	for (;;) {
		while (!q->n && !q->stopping)
			pthread_cond_wait(&q->cv, &q->mu);
		if (q->stopping)
			break;
		int64_t id = q->ids[0];
		memmove(q->ids, q->ids + 1, --q->n * sizeof(*q->ids));
		q->scanning++;
		pthread_mutex_unlock(&q->mu);
		run_scan(q, id);
		pthread_mutex_lock(&q->mu);
		q->scanning--;
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

struct scan_queue *scan_queue_start(struct store *store, struct publisher *pub,
				    const struct scan_config *cfg, unsigned workers)
{
	struct scan_queue *q = xcalloc(1, sizeof(*q));
	q->store = store;
	q->pub = pub;
	q->cfg = cfg;
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	q->n_threads = workers ? workers : 1;
	q->threads = xcalloc(q->n_threads, sizeof(*q->threads));
	for (unsigned i = 0; i < q->n_threads; i++)
		if (pthread_create(&q->threads[i], NULL, worker_main, q) != 0)
			abort();
	return q;
}

void scan_queue_push(struct scan_queue *q, int64_t id)
{
	pthread_mutex_lock(&q->mu);
	for (size_t i = 0; i < q->n; i++)
		if (q->ids[i] == id)
			goto out; /* already waiting */
	q->ids = xgrow(q->ids, &q->cap, q->n + 1, sizeof(*q->ids));
	q->ids[q->n++] = id;
	pthread_cond_signal(&q->cv);
out:
	pthread_mutex_unlock(&q->mu);
}

void scan_queue_counts(struct scan_queue *q, size_t *queued, size_t *scanning)
{
	pthread_mutex_lock(&q->mu);
	*queued = q->n;
	*scanning = q->scanning;
	pthread_mutex_unlock(&q->mu);
}

void scan_queue_stop(struct scan_queue *q)
{
	if (!q)
		return;
	pthread_mutex_lock(&q->mu);
	q->stopping = true;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
	for (unsigned i = 0; i < q->n_threads; i++)
		pthread_join(q->threads[i], NULL);
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->cv);
	free(q->threads);
	free(q->ids);
	free(q);
}
