/* Error reporting: fallible functions return -1 and fill an ls_error (as crun does);
 * context is prefixed on the way up and main prints the message once. */
#ifndef LS_ERROR_H
#define LS_ERROR_H

typedef struct ls_error {
	char msg[1024];
} ls_error;

/* Set the message; returns -1 so that a failure is one line: return ls_fail(err, ...); */
int ls_fail(ls_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* As ls_fail, appending ": strerror(errnum)". */
int ls_fail_errno(ls_error *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prefix the existing message with context: "context: old message". Returns -1. */
int ls_wrap(ls_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
