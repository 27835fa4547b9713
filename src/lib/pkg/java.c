/* Java archives (jar, war, ear) read with libarchive from memory: every
 * META-INF/maven/GROUP/ARTIFACT/pom.properties gives groupId, artifactId and version; nested
 * archives (WEB-INF/lib/x.jar, Spring Boot's BOOT-INF/lib) are read the same way, up to a
 * depth and size cap. */
#include <archive.h>
#include <archive_entry.h>
#include <string.h>

#include "pkg/pkg.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/strutil.h"

#define JAVA_MAX_DEPTH 4
#define JAVA_PROPS_CAP (256u << 10)
#define JAVA_NESTED_CAP (256u << 20)

static char *prop(const char *data, size_t len, const char *key)
{
	size_t kl = strlen(key);
	const char *p = data, *end = data + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *le = nl ? nl : end;
		size_t n = (size_t)(le - p);
		if (n && p[n - 1] == '\r')
			n--;
		size_t k = kl;
		while (k < n && (p[k] == ' ' || p[k] == '\t'))
			k++; /* "key = value" is allowed */
		if (n > k && !strncmp(p, key, kl) && (p[k] == '=' || p[k] == ':')) {
			const char *v = p + k + 1;
			size_t vn = n - k - 1;
			while (vn && (*v == ' ' || *v == '\t')) {
				v++;
				vn--;
			}
			return xstrndup(v, vn);
		}
		p = le + 1;
	}
	return NULL;
}

static int read_entry(struct archive *a, size_t cap, struct buf *b, ls_error *err)
{
	char chunk[65536];
	la_ssize_t n;
	buf_init(b, cap);
	while ((n = archive_read_data(a, chunk, sizeof(chunk))) > 0)
		if (buf_append(b, chunk, (size_t)n, err) < 0)
			return -1;
	if (n < 0)
		return ls_fail(err, "%s", archive_error_string(a));
	return 0;
}

/* Keep the first problem met (the caller warns once per archive). */
static void note(ls_error *err, const char *entry, const ls_error *sub)
{
	if (!err->msg[0] && sub->msg[0])
		ls_fail(err, "%s: %s", entry, sub->msg);
}

static void scan(const unsigned char *data, size_t len, int depth, struct buf *out, ls_error *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	int r;
	archive_read_support_format_zip(a);
	if (archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
		ls_fail(err, "not a zip archive: %s", archive_error_string(a));
		archive_read_free(a);
		return;
	}
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		struct buf b;
		ls_error sub = {{0}};
		if (!name)
			continue;
		if (str_starts_with(name, "META-INF/maven/") && str_ends_with(name, "/pom.properties")) {
			char *g, *art, *v;
			if (read_entry(a, JAVA_PROPS_CAP, &b, &sub) < 0) {
				buf_release(&b);
				note(err, name, &sub);
				continue;
			}
			g = prop(b.data ? b.data : "", b.len, "groupId");
			art = prop(b.data ? b.data : "", b.len, "artifactId");
			v = prop(b.data ? b.data : "", b.len, "version");
			if (g && art && v && !strpbrk(g, " \t") && !strpbrk(art, " \t") &&
			    !strpbrk(v, " \t")) {
				char *line = xasprintf("%s %s %s\n", g, art, v);
				buf_append(out, line, strlen(line), NULL);
				free(line);
			}
			free(g);
			free(art);
			free(v);
			buf_release(&b);
		} else if (depth < JAVA_MAX_DEPTH &&
			   (str_ends_with(name, ".jar") || str_ends_with(name, ".war"))) {
			if (read_entry(a, JAVA_NESTED_CAP, &b, &sub) == 0 && b.len)
				scan((const unsigned char *)b.data, b.len, depth + 1, out, &sub);
			buf_release(&b);
			note(err, name, &sub);
		}
	}
	if (r != ARCHIVE_EOF && !err->msg[0])
		ls_fail(err, "%s%s", depth ? "nested archive: " : "", archive_error_string(a));
	archive_read_free(a);
}

char *pkg_java_extract(const unsigned char *data, size_t len, size_t *out_len, ls_error *err)
{
	struct buf out;
	buf_init(&out, 0);
	scan(data, len, 0, &out, err);
	if (!out.len) {
		buf_release(&out);
		return NULL;
	}
	return buf_detach(&out, out_len);
}

int pkg_parse_maven_lines(const char *data, size_t len, const char *path, struct pkg_list *out,
			  ls_error *err)
{
	const char *p = data, *end = data + len;
	(void)err;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *le = nl ? nl : end;
		const char *s1 = memchr(p, ' ', (size_t)(le - p)), *s2;
		if (s1 && (s2 = memchr(s1 + 1, ' ', (size_t)(le - s1 - 1))) != NULL) {
			struct package *pk = pkg_list_add(out, PKG_MAVEN);
			pk->namespace_ = xstrndup(p, (size_t)(s1 - p));
			pk->name = xstrndup(s1 + 1, (size_t)(s2 - s1 - 1));
			pk->version = xstrndup(s2 + 1, (size_t)(le - s2 - 1));
			pk->location = xstrdup(path);
		}
		p = le + 1;
	}
	return 0;
}
