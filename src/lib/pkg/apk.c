/* apk's installed database (/lib/apk/db/installed): stanzas of "X:value" lines separated by a
 * blank line. P name, V version, A arch, o origin (the source package), L licence, F a
 * directory and R a file in the last F directory. Other letters (C checksum, Z file checksum,
 * a/M permissions, T description …) are skipped. */
#include <string.h>

#include "pkg/pkg.h"
#include "util/mem.h"

struct apk_state {
	struct package *cur;
	char *dir; /* the last F line */
	size_t line_start;
};

static void finish(struct pkg_list *out, struct apk_state *st, const char *path)
{
	struct package *p = st->cur;
	free(st->dir);
	st->dir = NULL;
	st->cur = NULL;
	if (!p)
		return;
	if (!p->name || !p->version) {
		pkg_warn(out, "%s: line %zu: package without %s, skipped", path, st->line_start,
			 p->name ? "V (version)" : "P (name)");
		pkg_list_drop_last(out);
		return;
	}
	if (!p->source_name)
		p->source_name = xstrdup(p->name);
	p->source_version = xstrdup(p->version);
}

static void set_once(char **field, const char *v, size_t n)
{
	free(*field);
	*field = xstrndup(v, n);
}

int pkg_parse_apk(const char *data, size_t len, const char *path, struct pkg_list *out,
		  ls_error *err)
{
	const char *p = data, *end = data + len;
	struct apk_state st = {0};
	size_t line = 0;
	if (memchr(data, '\0', len))
		return ls_fail(err, "binary data, not an apk database");
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *v = p + 2;
		size_t n = (size_t)(le - p), vn = n >= 2 ? n - 2 : 0;
		line++;
		if (n && p[n - 1] == '\r') {
			n--;
			vn = n >= 2 ? n - 2 : 0;
		}
		if (n == 0) {
			finish(out, &st, path);
		} else if (n < 2 || p[1] != ':') {
			pkg_warn(out, "%s: line %zu: not a KEY:VALUE line", path, line);
		} else {
			if (!st.cur) {
				st.cur = pkg_list_add(out, PKG_APK);
				st.cur->location = xstrdup(path);
				st.line_start = line;
			}
			switch (p[0]) {
			case 'P': set_once(&st.cur->name, v, vn); break;
			case 'V': set_once(&st.cur->version, v, vn); break;
			case 'A': set_once(&st.cur->arch, v, vn); break;
			case 'o': set_once(&st.cur->source_name, v, vn); break;
			case 'L': package_add_license(st.cur, v, vn); break;
			case 'F': set_once(&st.dir, v, vn); break;
			case 'R':
				if (st.dir && *st.dir) {
					char *f = xasprintf("%s/%.*s", st.dir, (int)vn, v);
					package_add_file(st.cur, f, strlen(f));
					free(f);
				} else {
					package_add_file(st.cur, v, vn);
				}
				break;
			default: break;
			}
		}
		p = le + 1;
	}
	finish(out, &st, path);
	return 0;
}
