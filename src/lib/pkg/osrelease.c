/* Which distribution an image is: os-release first (freedesktop.org format), then the
 * single-line files older images only have. The OSV ecosystem name is what the vulnerability
 * database keys advisories by. */
#include <ctype.h>
#include <string.h>

#include "pkg/pkg.h"
#include "util/mem.h"
#include "util/strutil.h"

static char *trim_dup(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return xstrndup(s, n);
}

/* An os-release value: optionally quoted with " or ', backslash escapes inside. */
static char *unquote(const char *s, size_t n)
{
	char *out, *o;
	char q = 0;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (n >= 2 && (s[0] == '"' || s[0] == '\'') && s[n - 1] == s[0]) {
		q = s[0];
		s++;
		n -= 2;
	}
	out = o = xmalloc(n + 1);
	for (size_t i = 0; i < n; i++) {
		if (q == '"' && s[i] == '\\' && i + 1 < n)
			i++;
		*o++ = s[i];
	}
	*o = '\0';
	return out;
}

static void set(char **field, char *value)
{
	free(*field);
	*field = value;
}

static void feed_os_release(struct os_release *r, const char *data, size_t len)
{
	const char *p = data, *end = data + len;
	char *name = NULL, *pretty = NULL, *id = NULL, *version = NULL;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *eq;
		const char *line_end = nl ? nl : end;
		eq = memchr(p, '=', (size_t)(line_end - p));
		if (eq && *p != '#') {
			size_t klen = (size_t)(eq - p);
			char *v = unquote(eq + 1, (size_t)(line_end - eq - 1));
			if (klen == 2 && !memcmp(p, "ID", 2))
				set(&id, v);
			else if (klen == 10 && !memcmp(p, "VERSION_ID", 10))
				set(&version, v);
			else if (klen == 11 && !memcmp(p, "PRETTY_NAME", 11))
				set(&pretty, v);
			else if (klen == 4 && !memcmp(p, "NAME", 4))
				set(&name, v);
			else
				free(v);
		}
		p = line_end + 1;
	}
	if (id) {
		for (char *c = id; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		set(&r->id, id);
		set(&r->version, version);
		version = NULL;
	}
	free(version);
	if (pretty || name) {
		set(&r->name, pretty ? pretty : name);
		if (pretty)
			free(name);
	}
}

void os_release_feed(struct os_release *r, const char *path, const char *data, size_t len)
{
	/* Callers feed usr/lib/os-release, then etc/os-release (which wins), then the one-line
	 * files, which only count when no os-release was found. */
	if (!strcmp(path, "etc/os-release") || !strcmp(path, "usr/lib/os-release")) {
		feed_os_release(r, data, len);
		return;
	}
	if (r->id)
		return; /* os-release already spoke */
	if (!strcmp(path, "etc/alpine-release")) {
		set(&r->id, xstrdup("alpine"));
		set(&r->version, trim_dup(data, len));
	} else if (!strcmp(path, "etc/debian_version")) {
		set(&r->id, xstrdup("debian"));
		set(&r->version, trim_dup(data, len));
	} else if (!strcmp(path, "etc/redhat-release")) {
		/* "Red Hat Enterprise Linux release 8.9 (Ootpa)", "CentOS Linux release 7.9.2009" */
		char *line = trim_dup(data, len), *rel = strstr(line, " release ");
		set(&r->name, xstrdup(line));
		set(&r->id, xstrdup(str_starts_with(line, "CentOS") ? "centos"
				   : str_starts_with(line, "Rocky") ? "rocky"
				   : str_starts_with(line, "AlmaLinux") ? "almalinux"
				   : str_starts_with(line, "Fedora") ? "fedora" : "rhel"));
		if (rel) {
			const char *v = rel + 9;
			size_t n = strcspn(v, " ");
			set(&r->version, xstrndup(v, n));
		}
		free(line);
	}
}

static char *major_minor(const char *v, int parts)
{
	size_t n = 0;
	int dots = 0;
	while (v[n] && (isdigit((unsigned char)v[n]) || v[n] == '.')) {
		if (v[n] == '.' && ++dots == parts)
			break;
		n++;
	}
	return xstrndup(v, n);
}

void os_release_finish(struct os_release *r)
{
	static const struct {
		const char *id, *osv;
		int parts; /* version components OSV keeps: 1 = major, 2 = major.minor */
	} map[] = {
		{"debian", "Debian", 1},       {"ubuntu", "Ubuntu", 2},
		{"alpine", "Alpine", 2},       {"rhel", "Red Hat", 1},
		{"centos", "CentOS", 1},       {"rocky", "Rocky Linux", 1},
		{"almalinux", "AlmaLinux", 1}, {"ol", "Oracle Linux", 1},
		{"fedora", "Fedora", 1},       {"amzn", "Amazon Linux", 1},
		{"opensuse-leap", "openSUSE", 2}, {"sles", "SUSE", 2},
		{"photon", "Photon OS", 2},    {"mageia", "Mageia", 1},
		{"wolfi", "Wolfi", 0},         {"chainguard", "Chainguard", 0},
	};
	char *ver;
	free(r->osv);
	r->osv = NULL;
	if (!r->id)
		return;
	if (!r->version)
		r->version = xstrdup("");
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (strcmp(r->id, map[i].id))
			continue;
		if (!map[i].parts || !*r->version) {
			r->osv = xstrdup(map[i].osv);
			return;
		}
		ver = major_minor(r->version, map[i].parts);
		r->osv = xasprintf("%s:%s%s", map[i].osv, !strcmp(r->id, "alpine") ? "v" : "", ver);
		free(ver);
		return;
	}
	r->osv = *r->version ? xasprintf("%s:%s", r->id, r->version) : xstrdup(r->id);
}

void os_release_release(struct os_release *r)
{
	free(r->id);
	free(r->version);
	free(r->name);
	free(r->osv);
	memset(r, 0, sizeof(*r));
}
