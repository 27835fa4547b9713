/* The HTTP front: libmicrohttpd on a socket bound here (so "address in use" is reported as
 * such), request bodies capped at API_BODY_LIMIT, one log line per request. */
#ifndef LS_SERVER_FRONT_H
#define LS_SERVER_FRONT_H

#include "server/server.h"
#include "util/error.h"

struct front;

/* Listen on "HOST:PORT" ("[v6]:PORT" too) and answer with api_handle(s, …). */
int front_start(struct server *s, const char *listen_addr, struct front **out, ls_error *err);
/* Stop accepting, let requests in flight finish, close. */
void front_stop(struct front *f);

#endif
