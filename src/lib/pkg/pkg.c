#include "pkg/pkg.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"
#include "util/mem.h"

/* A file with more warnings than this is garbage; the rest are counted, not kept. */
#define PKG_MAX_WARNINGS 200

void pkg_list_init(struct pkg_list *l)
{
	memset(l, 0, sizeof(*l));
}

void package_release(struct package *p)
{
	free(p->name);
	free(p->version);
	free(p->namespace_);
	free(p->arch);
	free(p->epoch);
	free(p->source_name);
	free(p->source_version);
	for (size_t i = 0; i < p->n_licenses; i++)
		free(p->licenses[i]);
	free(p->licenses);
	for (size_t i = 0; i < p->n_files; i++)
		free(p->files[i]);
	free(p->files);
	free(p->location);
	free(p->purl);
	free(p->extra);
	memset(p, 0, sizeof(*p));
}

void pkg_list_release(struct pkg_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		package_release(&l->items[i]);
	free(l->items);
	for (size_t i = 0; i < l->n_warnings; i++)
		free(l->warnings[i]);
	free(l->warnings);
	memset(l, 0, sizeof(*l));
}

struct package *pkg_list_add(struct pkg_list *l, enum pkg_type type)
{
	struct package *p;
	l->items = xgrow(l->items, &l->cap, l->n + 1, sizeof(*l->items));
	p = &l->items[l->n++];
	memset(p, 0, sizeof(*p));
	p->type = type;
	p->layer = -1;
	return p;
}

void pkg_list_drop_last(struct pkg_list *l)
{
	if (l->n)
		package_release(&l->items[--l->n]);
}

void pkg_warn(struct pkg_list *l, const char *fmt, ...)
{
	va_list ap;
	char msg[1024];
	if (l->n_warnings >= PKG_MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	l->warnings = xgrow(l->warnings, &l->cap_warnings, l->n_warnings + 1, sizeof(char *));
	l->warnings[l->n_warnings++] = xstrdup(msg);
}

void package_add_file(struct package *p, const char *path, size_t len)
{
	while (len && *path == '/') {
		path++;
		len--;
	}
	while (len && path[len - 1] == '/')
		len--;
	if (!len || (len == 1 && *path == '.'))
		return;
	p->files = xgrow(p->files, &p->cap_files, p->n_files + 1, sizeof(char *));
	p->files[p->n_files++] = xstrndup(path, len);
}

void package_add_license(struct package *p, const char *s, size_t len)
{
	while (len && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	if (!len)
		return;
	for (size_t i = 0; i < p->n_licenses; i++)
		if (strlen(p->licenses[i]) == len && !memcmp(p->licenses[i], s, len))
			return;
	p->licenses = xrealloc(p->licenses, (p->n_licenses + 1) * sizeof(char *));
	p->licenses[p->n_licenses++] = xstrndup(s, len);
}

const char *pkg_type_name(enum pkg_type t)
{
	static const char *const names[] = {"deb", "apk", "rpm", "npm", "pypi",
					    "go", "maven", "gem", "cargo"};
	return (unsigned)t < sizeof(names) / sizeof(names[0]) ? names[t] : "unknown";
}

bool pkg_type_is_os(enum pkg_type t)
{
	return t == PKG_DEB || t == PKG_APK || t == PKG_RPM;
}

/* ---- purl (github.com/package-url/purl-spec) ---- */

static void purl_encode(struct buf *b, const char *s, bool keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || c == '.' || c == '-' || c == '_' || c == '~' ||
		    (keep_slash && c == '/')) {
			buf_append(b, s, 1, NULL);
		} else {
			char e[3] = {'%', hex[c >> 4], hex[c & 15]};
			buf_append(b, e, 3, NULL);
		}
	}
}

static void purl_add(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s), NULL);
}

static void purl_qualifier(struct buf *b, bool *first, const char *key, const char *value)
{
	if (!value || !*value)
		return;
	purl_add(b, *first ? "?" : "&");
	*first = false;
	purl_add(b, key);
	purl_add(b, "=");
	purl_encode(b, value, false);
}

/* PyPI names are normalised as PEP 503 says: lower case, runs of -_. become "-". */
static char *pypi_normalise(const char *name)
{
	char *out = xmalloc(strlen(name) + 1), *o = out;
	for (const char *s = name; *s; s++) {
		if (*s == '-' || *s == '_' || *s == '.') {
			if (o == out || o[-1] != '-')
				*o++ = '-';
		} else {
			*o++ = (char)tolower((unsigned char)*s);
		}
	}
	*o = '\0';
	return out;
}

char *pkg_purl(const struct package *p, const char *os_id, const char *distro)
{
	struct buf b;
	bool first = true;
	const char *ns = os_id && *os_id ? os_id : NULL;
	buf_init(&b, 0);
	purl_add(&b, "pkg:");
	switch (p->type) {
	case PKG_DEB: purl_add(&b, "deb/"); purl_encode(&b, ns ? ns : "debian", false); break;
	case PKG_APK: purl_add(&b, "apk/"); purl_encode(&b, ns ? ns : "alpine", false); break;
	case PKG_RPM: purl_add(&b, "rpm/"); purl_encode(&b, ns ? ns : "redhat", false); break;
	case PKG_NPM: purl_add(&b, "npm"); break;
	case PKG_PYPI: purl_add(&b, "pypi"); break;
	case PKG_GO: purl_add(&b, "golang"); break;
	case PKG_MAVEN: purl_add(&b, "maven/"); purl_encode(&b, p->namespace_ ? p->namespace_ : "", false); break;
	case PKG_GEM: purl_add(&b, "gem"); break;
	case PKG_CARGO: purl_add(&b, "cargo"); break;
	}
	purl_add(&b, "/");
	if (p->type == PKG_PYPI) {
		char *n = pypi_normalise(p->name);
		purl_encode(&b, n, false);
		free(n);
	} else if (p->type == PKG_GO) {
		purl_encode(&b, p->name, true); /* module path segments are the namespace */
	} else if (p->type == PKG_NPM && p->name[0] == '@' && strchr(p->name, '/')) {
		const char *slash = strchr(p->name, '/');
		char *scope = xstrndup(p->name, (size_t)(slash - p->name));
		purl_encode(&b, scope, false);
		purl_add(&b, "/");
		purl_encode(&b, slash + 1, false);
		free(scope);
	} else {
		purl_encode(&b, p->name, false);
	}
	if (p->version && *p->version) {
		purl_add(&b, "@");
		if (p->type == PKG_RPM && p->version) {
			purl_encode(&b, p->version, false); /* version-release, epoch is a qualifier */
		} else {
			purl_encode(&b, p->version, false);
		}
	}
	if (pkg_type_is_os(p->type)) {
		purl_qualifier(&b, &first, "arch", p->arch);
		if (p->type == PKG_RPM && p->epoch && strcmp(p->epoch, "0"))
			purl_qualifier(&b, &first, "epoch", p->epoch);
		purl_qualifier(&b, &first, "distro", distro);
		if (p->source_name && strcmp(p->source_name, p->name))
			purl_qualifier(&b, &first, "upstream", p->source_name);
	}
	return buf_detach(&b, NULL);
}
