/* The server's log: one line per request and per scan on stderr, whole lines even from
 * several threads. */
#ifndef LS_SERVER_LOG_H
#define LS_SERVER_LOG_H

void server_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
