#include "util/dynlib.h"

#include <dlfcn.h>

int dynlib_load(const char *const *sonames, const char *package, const struct dynlib_symbol *syms,
		size_t n, ls_error *err)
{
	void *h = NULL;
	for (const char *const *s = sonames; *s && !h; s++)
		h = dlopen(*s, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return ls_fail(err, "%s cannot be loaded (install the Debian package %s): %s",
			       sonames[0], package, dlerror());
	for (size_t i = 0; i < n; i++) {
		*syms[i].slot = dlsym(h, syms[i].name);
		if (!*syms[i].slot)
			return ls_fail(err, "%s: no symbol %s (too old a version?)", sonames[0],
				       syms[i].name);
	}
	return 0;
}
