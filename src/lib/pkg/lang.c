/* Language package metadata that is plain text: Python METADATA / PKG-INFO, npm package.json
 * and package-lock.json (v1: nested "dependencies"; v2/v3: "packages" keyed by path), Ruby
 * gemspecs (the specifications/NAME-VERSION.gemspec files RubyGems writes). */
#include <ctype.h>
#include <string.h>

#include "pkg/pkg.h"
#include "util/json.h"
#include "util/mem.h"

static bool looks_binary(const char *data, size_t len)
{
	return memchr(data, '\0', len) != NULL;
}

/* ---- Python: RFC 822 headers up to the first blank line ---- */

int pkg_parse_python_metadata(const char *data, size_t len, const char *path,
			      struct pkg_list *out, ls_error *err)
{
	const char *p = data, *end = data + len;
	char *name = NULL, *version = NULL, *license = NULL, *expr = NULL;
	struct package *pk;
	if (looks_binary(data, len))
		return ls_fail(err, "binary data, not Python package metadata");
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *le = nl ? nl : end, *colon;
		size_t n = (size_t)(le - p);
		if (n && p[n - 1] == '\r')
			n--;
		if (n == 0)
			break; /* the body (description) starts */
		colon = memchr(p, ':', n);
		if (colon && *p != ' ' && *p != '\t') {
			size_t kn = (size_t)(colon - p), vn = (size_t)(p + n - colon - 1);
			const char *v = colon + 1;
			while (vn && (*v == ' ' || *v == '\t')) {
				v++;
				vn--;
			}
			if (kn == 4 && !strncasecmp(p, "Name", 4) && !name)
				name = xstrndup(v, vn);
			else if (kn == 7 && !strncasecmp(p, "Version", 7) && !version)
				version = xstrndup(v, vn);
			else if (kn == 7 && !strncasecmp(p, "License", 7) && !license)
				license = xstrndup(v, vn);
			else if (kn == 18 && !strncasecmp(p, "License-Expression", 18) && !expr)
				expr = xstrndup(v, vn);
		}
		p = le + 1;
	}
	if (!name || !*name || !version || !*version) {
		free(name);
		free(version);
		free(license);
		free(expr);
		return ls_fail(err, "no Name or Version header, not Python package metadata");
	}
	pk = pkg_list_add(out, PKG_PYPI);
	pk->name = name;
	pk->version = version;
	if (expr)
		package_add_license(pk, expr, strlen(expr));
	else if (license && strcasecmp(license, "UNKNOWN") && strlen(license) < 200)
		package_add_license(pk, license, strlen(license));
	free(license);
	free(expr);
	pk->location = xstrdup(path);
	return 0;
}

/* ---- npm ---- */

static void npm_licenses(struct package *p, const json_t *j)
{
	const json_t *lic = json_object_get(j, "license"), *v;
	size_t i;
	if (json_is_string(lic))
		package_add_license(p, json_string_value(lic), strlen(json_string_value(lic)));
	else if (json_is_object(lic) && json_str(lic, "type"))
		package_add_license(p, json_str(lic, "type"), strlen(json_str(lic, "type")));
	json_array_foreach(json_object_get(j, "licenses"), i, v) {
		const char *t = json_is_object(v) ? json_str(v, "type") : json_string_value(v);
		if (t)
			package_add_license(p, t, strlen(t));
	}
}

int pkg_parse_npm_package_json(const char *data, size_t len, const char *path,
			       struct pkg_list *out, ls_error *err)
{
	json_t *j;
	const char *name, *version;
	struct package *p;
	if (json_parse_bytes(data, len, "package.json", &j, err) < 0)
		return -1;
	name = json_str(j, "name");
	version = json_str(j, "version");
	if (!name || !version || !*name || !*version) {
		json_decref(j);
		return ls_fail(err, "package.json without a name and version");
	}
	p = pkg_list_add(out, PKG_NPM);
	p->name = xstrdup(name);
	p->version = xstrdup(version);
	npm_licenses(p, j);
	p->location = xstrdup(path);
	json_decref(j);
	return 0;
}

static void npm_lock_add(struct pkg_list *out, const char *name, const json_t *e, const char *path)
{
	const char *version = json_str(e, "version");
	struct package *p;
	if (!name || !*name || !version || !*version || json_is_true(json_object_get(e, "link")))
		return;
	if (!strncmp(version, "file:", 5) || !strncmp(version, "git", 3) || strchr(version, '/'))
		return; /* not a registry version */
	p = pkg_list_add(out, PKG_NPM);
	p->name = xstrdup(name);
	p->version = xstrdup(version);
	npm_licenses(p, e);
	p->location = xstrdup(path);
}

/* v1: "dependencies": {name: {version, dependencies: {...}}}, nested. */
static void npm_lock_v1(struct pkg_list *out, const json_t *deps, const char *path, int depth)
{
	const char *name;
	json_t *e;
	if (depth > 64)
		return;
	json_object_foreach((json_t *)deps, name, e) {
		npm_lock_add(out, name, e, path);
		npm_lock_v1(out, json_object_get(e, "dependencies"), path, depth + 1);
	}
}

int pkg_parse_npm_lock(const char *data, size_t len, const char *path, struct pkg_list *out,
		       ls_error *err)
{
	json_t *j, *packages, *e;
	const char *key;
	if (json_parse_bytes(data, len, "package-lock.json", &j, err) < 0)
		return -1;
	packages = json_object_get(j, "packages");
	if (json_is_object(packages)) {
		json_object_foreach(packages, key, e) {
			const char *nm = strstr(key, "node_modules/"), *last = NULL;
			while (nm) { /* the name is what follows the last node_modules/ */
				last = nm + strlen("node_modules/");
				nm = strstr(last, "node_modules/");
			}
			if (last)
				npm_lock_add(out, json_str(e, "name") ? json_str(e, "name") : last, e, path);
		}
	} else {
		npm_lock_v1(out, json_object_get(j, "dependencies"), path, 0);
	}
	json_decref(j);
	return 0;
}

/* ---- Ruby: s.name = "x" / s.version = "1.2" (or Gem::Version.new("1.2")) lines ---- */

static char *quoted_after(const char *s, const char *end)
{
	const char *q = s;
	while (q < end && *q != '"' && *q != '\'')
		q++;
	if (q < end) {
		char c = *q++;
		const char *e = memchr(q, c, (size_t)(end - q));
		if (e)
			return xstrndup(q, (size_t)(e - q));
	}
	return NULL;
}

/* s.licenses = ["MIT", "Ruby"] or s.license = "MIT" */
static void gem_licenses(struct package *pk, const char *data, size_t len)
{
	const char *end = data + len, *l = memmem(data, len, ".licenses = [", 13), *le;
	if (l && (le = memchr(l, ']', (size_t)(end - l))) != NULL) {
		const char *q = l + 13;
		while (q < le) {
			const char *open = memchr(q, '"', (size_t)(le - q)), *close;
			if (!open || !(close = memchr(open + 1, '"', (size_t)(le - open - 1))))
				break;
			package_add_license(pk, open + 1, (size_t)(close - open - 1));
			q = close + 1;
		}
	} else if ((l = memmem(data, len, ".license = ", 11)) != NULL) {
		const char *nl = memchr(l, '\n', (size_t)(end - l));
		char *v = quoted_after(l, nl ? nl : end);
		if (v) {
			package_add_license(pk, v, strlen(v));
			free(v);
		}
	}
}

int pkg_parse_gemspec(const char *data, size_t len, const char *path, struct pkg_list *out,
		      ls_error *err)
{
	const char *p = data, *end = data + len;
	char *name = NULL, *version = NULL;
	struct package *pk;
	if (looks_binary(data, len))
		return ls_fail(err, "binary data, not a gemspec");
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *le = nl ? nl : end, *dot;
		const char *s = p;
		while (s < le && isspace((unsigned char)*s))
			s++;
		dot = memchr(s, '.', (size_t)(le - s));
		if (dot && dot - s <= 8) {
			const char *f = dot + 1;
			size_t fl = (size_t)(le - f);
			if (!name && fl > 4 && !strncmp(f, "name", 4) && strchr(" =", f[4]))
				name = quoted_after(f + 4, le);
			else if (!version && fl > 7 && !strncmp(f, "version", 7) && strchr(" =", f[7]))
				version = quoted_after(f + 7, le);
		}
		p = le + 1;
	}
	if (!name || !version) {
		free(name);
		free(version);
		return ls_fail(err, "no name or version in the gemspec");
	}
	pk = pkg_list_add(out, PKG_GEM);
	pk->name = name;
	pk->version = version;
	gem_licenses(pk, data, len);
	pk->location = xstrdup(path);
	return 0;
}
