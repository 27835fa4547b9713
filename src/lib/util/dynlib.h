/* Libraries loaded when first needed (dlopen), not at start-up. libcurl and libmicrohttpd
 * bring some 30 shared libraries (Kerberos, LDAP, GnuTLS, …) whose loading alone costs ~4.5 MiB
 * of RSS, ncursesw another 0.4: linked normally, every `layers` run paid it, which broke the
 * memory target (≤ 200 B per entry + 16 MiB). Only the sources and the server that talk HTTP,
 * and the explorer, load them. */
#ifndef LS_DYNLIB_H
#define LS_DYNLIB_H

#include <stddef.h>

#include "util/error.h"

struct dynlib_symbol {
	const char *name;
	void **slot; /* where the address goes */
};

/* Open the first of `sonames` (NULL-terminated) that loads and resolve every symbol; on
 * failure the error names the library and what to install (`package`). The handle is kept
 * for the life of the process. */
int dynlib_load(const char *const *sonames, const char *package, const struct dynlib_symbol *syms,
		size_t n, ls_error *err);

#endif
