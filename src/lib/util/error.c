#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int ls_fail(ls_error *err, const char *fmt, ...)
{
	va_list ap;
	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int ls_fail_errno(ls_error *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	size_t n;
	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	n = strlen(err->msg);
	snprintf(err->msg + n, sizeof(err->msg) - n, ": %s", strerror(errnum));
	return -1;
}

int ls_wrap(ls_error *err, const char *fmt, ...)
{
	char prefix[sizeof(err->msg)], joined[2 * sizeof(err->msg) + 4];
	va_list ap;
	size_t n;
	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	snprintf(joined, sizeof(joined), "%s: %s", prefix, err->msg);
	/* The message is for people: a truncated tail is fine. */
	n = strnlen(joined, sizeof(err->msg) - 1);
	memcpy(err->msg, joined, n);
	err->msg[n] = '\0';
	return -1;
}
