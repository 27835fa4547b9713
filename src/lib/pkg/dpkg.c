/* dpkg's database: /var/lib/dpkg/status (deb822 stanzas), distroless status.d/NAME files (the
 * same stanzas, one package each, usually without Status), and info/NAME[:ARCH].list files. */
#include <ctype.h>
#include <string.h>

#include "pkg/pkg.h"
#include "util/mem.h"

struct stanza {
	const char *package, *version, *status, *arch, *source, *license;
	size_t package_n, version_n, status_n, arch_n, source_n, license_n;
	size_t line; /* first line, for warnings */
};

static bool field_is(const char *p, size_t klen, const char *name)
{
	return strlen(name) == klen && !strncasecmp(p, name, klen);
}

/* Only the first line of a field's value matters for the fields we read. */
static void take_field(struct stanza *s, const char *key, size_t klen, const char *v, size_t vn)
{
	while (vn && isspace((unsigned char)*v)) {
		v++;
		vn--;
	}
	while (vn && isspace((unsigned char)v[vn - 1]))
		vn--;
	if (field_is(key, klen, "Package")) {
		s->package = v;
		s->package_n = vn;
	} else if (field_is(key, klen, "Version")) {
		s->version = v;
		s->version_n = vn;
	} else if (field_is(key, klen, "Status")) {
		s->status = v;
		s->status_n = vn;
	} else if (field_is(key, klen, "Architecture")) {
		s->arch = v;
		s->arch_n = vn;
	} else if (field_is(key, klen, "Source")) {
		s->source = v;
		s->source_n = vn;
	} else if (field_is(key, klen, "License")) {
		s->license = v;
		s->license_n = vn;
	}
}

static bool is_installed(const struct stanza *s)
{
	/* "want flag status": any want (install, hold), flag "ok", status "installed". */
	static const char tail[] = " ok installed";
	size_t tn = sizeof(tail) - 1;
	return s->status_n > tn && !memcmp(s->status + s->status_n - tn, tail, tn);
}

/* "Source: name" or "Source: name (version)". */
static void set_source(struct package *p, const struct stanza *s)
{
	const char *v = s->source;
	size_t n = s->source_n, name_n = 0;
	if (!v || !n) {
		p->source_name = xstrdup(p->name);
		p->source_version = xstrdup(p->version);
		return;
	}
	while (name_n < n && !isspace((unsigned char)v[name_n]) && v[name_n] != '(')
		name_n++;
	p->source_name = xstrndup(v, name_n);
	{
		const char *open = memchr(v, '(', n), *close;
		if (open && (close = memchr(open, ')', (size_t)(v + n - open))) != NULL) {
			const char *a = open + 1;
			size_t an = (size_t)(close - a);
			while (an && isspace((unsigned char)*a)) {
				a++;
				an--;
			}
			while (an && isspace((unsigned char)a[an - 1]))
				an--;
			p->source_version = xstrndup(a, an);
		} else {
			p->source_version = xstrdup(p->version);
		}
	}
}

static void finish_stanza(const struct stanza *s, const char *path, bool require_status,
			  struct pkg_list *out)
{
	struct package *p;
	if (!s->package && !s->version && !s->status)
		return; /* no fields we know: nothing to say */
	if (s->status ? !is_installed(s) : require_status)
		return;
	if (!s->package || !s->package_n || !s->version || !s->version_n) {
		pkg_warn(out, "%s: line %zu: stanza without %s, skipped", path, s->line,
			 !s->package || !s->package_n ? "Package" : "Version");
		return;
	}
	p = pkg_list_add(out, PKG_DEB);
	p->name = xstrndup(s->package, s->package_n);
	p->version = xstrndup(s->version, s->version_n);
	if (s->arch && s->arch_n)
		p->arch = xstrndup(s->arch, s->arch_n);
	if (s->license)
		package_add_license(p, s->license, s->license_n);
	p->location = xstrdup(path);
	set_source(p, s);
}

int pkg_parse_dpkg_status(const char *data, size_t len, const char *path, bool require_status,
			  struct pkg_list *out, ls_error *err)
{
	const char *p = data, *end = data + len;
	struct stanza s;
	size_t line = 0, before = out->n;
	if (memchr(data, '\0', len))
		return ls_fail(err, "binary data, not a dpkg database");
	memset(&s, 0, sizeof(s));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *colon;
		size_t n = (size_t)(le - p);
		line++;
		if (n && p[n - 1] == '\r')
			n--;
		if (n == 0 || (n && strspn(p, " \t") >= n)) {
			finish_stanza(&s, path, require_status, out);
			memset(&s, 0, sizeof(s));
		} else if (*p != ' ' && *p != '\t' && *p != '#') {
			if (!s.line)
				s.line = line;
			colon = memchr(p, ':', n);
			if (colon)
				take_field(&s, p, (size_t)(colon - p), colon + 1,
					   (size_t)(p + n - colon - 1));
			else
				pkg_warn(out, "%s: line %zu: not a field", path, line);
		}
		p = le + 1;
	}
	finish_stanza(&s, path, require_status, out);
	(void)before;
	return 0;
}

void pkg_parse_dpkg_list(const char *data, size_t len, struct package *p)
{
	const char *s = data, *end = data + len;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *le = nl ? nl : end;
		package_add_file(p, s, (size_t)(le - s));
		s = le + 1;
	}
}
