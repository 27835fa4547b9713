/* The docker-registry notification envelope (application/vnd.docker.distribution.events.v1+json):
 * which of its events ask for a scan. A push of an image manifest or of an index/list does;
 * blob pushes, pulls, mounts and deletes do not. */
#ifndef LS_SERVER_NOTIFY_H
#define LS_SERVER_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

/* One image to scan: docker://REGISTRY/REPOSITORY@DIGEST (tag: the pushed tag, or NULL). */
struct scan_target {
	char *registry;   /* HOST[:PORT] from the event's target.url (else request.host) */
	char *repository;
	char *digest;
	char *tag;
};

/* Is docker://REGISTRY/REPO@DIGEST (or :TAG when digest is NULL) a reference the registry
 * source reads, with REGISTRY its host (not a Docker Hub namespace)? */
bool scan_target_valid(const char *registry, const char *repo, const char *digest,
		       const char *tag);

/* Image manifest and index media types (Docker schema 2 and OCI). */
bool media_type_is_manifest(const char *media_type);

/* The scan targets of an envelope, in event order (*n may be 0). Malformed JSON or an
 * envelope without an "events" array is an error; an event that names no usable image (no
 * digest, an invalid repository) is skipped. */
int notification_parse(const char *body, size_t len, struct scan_target **out, size_t *n,
		       ls_error *err);
void scan_target_release(struct scan_target *t);
void scan_targets_free(struct scan_target *t, size_t n);

#endif
