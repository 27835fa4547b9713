/* The findings store: scans and subscriptions in SQLite (WAL), so they survive a restart.
 * One connection behind a mutex: the HTTP front, the scan workers and the publisher share
 * it, and every call is a short statement or transaction. */
#ifndef LS_SERVER_STORE_H
#define LS_SERVER_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "util/error.h"

#define SCAN_IN_PROGRESS "IN_PROGRESS"
#define SCAN_COMPLETE "COMPLETE"
#define SCAN_FAILED "FAILED"

/* One scan of REGISTRY/REPOSITORY@DIGEST. A scan started by tag has no digest until a worker
 * resolves pending_tag. */
struct scan_record {
	int64_t id;
	char *registry, *repository, *digest, *pending_tag;
	char *status, *description;
	char *queued_at, *completed_at, *source_updated_at; /* RFC 3339, or NULL */
	json_t *tags;     /* array of strings */
	json_t *counts;   /* ECR findingSeverityCounts, or NULL before the scan ends */
	json_t *findings; /* ECR findings array, or NULL */
	json_t *secrets;  /* secret findings (with --scanners secret), or NULL */
};

struct store;

int store_open(const char *path, struct store **out, ls_error *err);
void store_close(struct store *s);

/* Ask for a scan of repo@digest. A new image is recorded IN_PROGRESS and *queue set. A known
 * one only gains the tag; with `rescan` (StartImageScan) a finished one goes back to
 * IN_PROGRESS and is queued again. *id is the scan's. */
int store_request_digest(struct store *s, const char *registry, const char *repo,
			 const char *digest, const char *tag, bool rescan, int64_t *id,
			 bool *queue, ls_error *err);
/* Ask for a scan of repo:tag, resolved to a digest when scanned. */
int store_request_tag(struct store *s, const char *registry, const char *repo, const char *tag,
		      int64_t *id, ls_error *err);
/* The worker resolved scan `id`'s tag to `digest`. When repo@digest is already recorded, the
 * tag joins that scan (which goes IN_PROGRESS), this one is dropped and *id becomes it. */
int store_resolve(struct store *s, int64_t *id, const char *digest, ls_error *err);
/* Record the end of a scan: status, description, completed_at, counts, findings, secrets. */
int store_finish(struct store *s, const struct scan_record *r, ls_error *err);

/* 0 and *out filled, 1 when there is no such scan, -1 on error; *out is released by
 * scan_record_release() in every case. */
int store_get(struct store *s, const char *repo, const char *digest, struct scan_record *out,
	      ls_error *err);
int store_get_id(struct store *s, int64_t id, struct scan_record *out, ls_error *err);
/* Scans (of one repository, or all when repo is NULL), newest first, as summary objects:
 * {repositoryName, imageDigest, imageTags, status, description, findingSeverityCounts, …}. */
int store_list(struct store *s, const char *repo, json_t **out, ls_error *err);
/* The ids of scans left IN_PROGRESS (by a crash or a stop): to queue again at start. */
int store_unfinished(struct store *s, int64_t **ids, size_t *n, ls_error *err);
void scan_record_release(struct scan_record *r);
/* The registry the newest scan of repo came from (*out NULL when none). */
int store_repository_registry(struct store *s, const char *repo, char **out, ls_error *err);

/* Subscriptions: {id, url, repositoryFilter?, createdAt}. */
int store_subscribe(struct store *s, const char *id, const char *url, const char *filter,
		    ls_error *err);
int store_subscriptions(struct store *s, json_t **out, ls_error *err);
/* 0 deleted, 1 no such subscription, -1 on error. */
int store_unsubscribe(struct store *s, const char *id, ls_error *err);

#endif
