#include "server/publish.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

#include "net/http.h"
#include "server/event.h"
#include "server/log.h"
#include "util/json.h"
#include "util/mem.h"

enum {
	ATTEMPTS = 3,
	FIRST_BACKOFF_MS = 500, /* then doubled */
	POST_TIMEOUT_S = 10,    /* a subscriber that accepts and never answers */
};

struct delivery {
	struct delivery *next;
	char *url, *body;
};

struct publisher {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct delivery *head, **tail;
	bool stopping;
};

/* Wait ms before the next try; false when the publisher is stopping (no more retries). */
static bool backoff_wait(struct publisher *p, long ms)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&p->mu);
	while (!p->stopping && pthread_cond_timedwait(&p->cv, &p->mu, &until) == 0)
		;
	bool go_on = !p->stopping;
	pthread_mutex_unlock(&p->mu);
	return go_on;
}

/* One POST: 0 when the subscriber answered 2xx. */
static int post_once(const struct delivery *d, ls_error *err)
{
	static const char *const headers[] = {"Content-Type: application/json", NULL};
	struct http_request req = {.url = d->url, .headers = headers, .method = "POST",
				   .body = d->body, .body_len = strlen(d->body), .timeout_s = POST_TIMEOUT_S};
	struct http_response *resp;
	if (http_open(&req, &resp, err) < 0)
		return -1;
	long status = resp->status;
	http_close(resp);
	if (status < 200 || status > 299)
		return ls_fail(err, "%s: HTTP %ld", d->url, status);
	return 0;
}

/* Up to ATTEMPTS tries; once the publisher is stopping, what is left gets one try each. */
static void deliver(struct publisher *p, const struct delivery *d)
{
	ls_error err = {{0}};
	long backoff = FIRST_BACKOFF_MS;
	for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
		if (post_once(d, &err) == 0) {
			server_log("event delivered to %s", d->url);
			return;
		}
		server_log("event to %s: attempt %d of %d failed: %s", d->url, attempt, ATTEMPTS, err.msg);
		if (attempt == ATTEMPTS || !backoff_wait(p, backoff))
			break;
		backoff *= 2;
	}
	server_log("event to %s dropped", d->url);
}

static void *publisher_main(void *arg)
{
	struct publisher *p = arg;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->head && !p->stopping)
			pthread_cond_wait(&p->cv, &p->mu);
		struct delivery *d = p->head;
		if (!d)
			break; /* stopping, and nothing left */
		p->head = d->next;
		if (!p->head)
			p->tail = &p->head;
		pthread_mutex_unlock(&p->mu);
		deliver(p, d);
		free(d->url);
		free(d->body);
		free(d);
		pthread_mutex_lock(&p->mu);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

struct publisher *publisher_start(void)
{
	struct publisher *p = xcalloc(1, sizeof(*p));
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	p->tail = &p->head;
	if (pthread_create(&p->thread, NULL, publisher_main, p) != 0)
		abort();
	return p;
}

void publisher_stop(struct publisher *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->stopping = true;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->thread, NULL);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free(p);
}

void publisher_post(struct publisher *p, const char *url, const char *body)
{
	struct delivery *d = xcalloc(1, sizeof(*d));
	d->url = xstrdup(url);
	d->body = xstrdup(body);
	pthread_mutex_lock(&p->mu);
	*p->tail = d;
	p->tail = &d->next;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

void publisher_scan_ended(struct publisher *p, struct store *s, const struct scan_record *r)
{
	json_t *subs, *sub;
	ls_error err;
	size_t i;
	char id[37], now[32];
	if (store_subscriptions(s, &subs, &err) < 0) {
		server_log("events not sent: %s", err.msg);
		return;
	}
	uuid_v4(id);
	rfc3339_now(now);
	json_t *ev = scan_event_json(r, id, now);
	char *body = json_dumps(ev, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_array_foreach(subs, i, sub)
		if (subscription_matches(json_str(sub, "repositoryFilter"), r->repository))
			publisher_post(p, json_str(sub, "url"), body);
	free(body);
	json_decref(ev);
	json_decref(subs);
}
