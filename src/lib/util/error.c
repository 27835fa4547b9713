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
	char prefix[512], old[sizeof(err->msg)];
	va_list ap;
	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	/* Both parts are cut to fit: the message is for people, a truncated tail is fine. */
	size_t plen = strnlen(prefix, sizeof(prefix) - 1), olen = strnlen(old, sizeof(old) - 1);
	size_t cap = sizeof(err->msg) - 1;
	if (plen + 2 > cap)
		plen = cap - 2;
	memcpy(err->msg, prefix, plen);
	memcpy(err->msg + plen, ": ", 2);
	if (olen > cap - plen - 2)
		olen = cap - plen - 2;
	memcpy(err->msg + plen + 2, old, olen);
	err->msg[plen + 2 + olen] = '\0';
	return -1;
}
