#include "server/log.h"

#include <stdarg.h>
#include <stdio.h>

#include "server/event.h"

void server_log(const char *fmt, ...)
{
	char now[32];
	va_list ap;
	rfc3339_now(now);
	flockfile(stderr);
	fprintf(stderr, "%s layerscope serve: ", now);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	funlockfile(stderr);
}
