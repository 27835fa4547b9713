/* The HTTP API, apart from the HTTP library: a method, a path, the repositoryName query
 * argument and a body in; a status and a JSON document out. */
#ifndef LS_SERVER_API_H
#define LS_SERVER_API_H

#include <jansson.h>
#include <stddef.h>

#include "server/server.h"

enum { API_BODY_LIMIT = 1024 * 1024 };

struct api_request {
	const char *method, *path;
	const char *repository_param; /* ?repositoryName=, or NULL */
	const char *authorization;    /* the Authorization header, or NULL */
	const char *body;             /* NUL-terminated, or NULL */
	size_t body_len;
};

struct api_response {
	unsigned status;
	json_t *body;      /* NULL for no body */
	char allow[64];    /* the Allow header of a 405 */
	bool challenge;    /* a 401: send WWW-Authenticate */
	char note[128];    /* what the log line adds ("2 queued") */
};

void api_handle(struct server *s, const struct api_request *req, struct api_response *resp);
/* {"error": message} with `status`. */
void api_error(struct api_response *resp, unsigned status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
