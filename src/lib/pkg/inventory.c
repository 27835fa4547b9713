#include "pkg/inventory.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "util/buf.h"
#include "util/mem.h"
#include "util/strutil.h"

enum capture_kind {
	CAP_NONE,
	CAP_OSREL,
	CAP_DPKG_STATUS,
	CAP_DPKG_STATUSD,
	CAP_DPKG_MD5SUMS, /* distroless status.d/NAME.md5sums: the package's files */
	CAP_DPKG_LIST,
	CAP_APK,
	CAP_RPMDB,
	CAP_RPMDB_WAL, /* rpmdb.sqlite-wal: read with its database */
	CAP_NPM_PKG,
	CAP_NPM_LOCK,
	CAP_PYTHON,
	CAP_GEMSPEC,
	CAP_JAR, /* becomes CAP_MAVEN at end() */
	CAP_ELF, /* becomes CAP_GO or CAP_CARGO at end() */
	CAP_MAVEN,
	CAP_GO,
	CAP_CARGO,
};

/* Per-kind caps: a file past its cap is skipped with a warning. */
static size_t cap_limit(enum capture_kind k)
{
	switch (k) {
	case CAP_OSREL: return 64u << 10;
	case CAP_DPKG_STATUSD: case CAP_NPM_PKG: case CAP_GEMSPEC: return 4u << 20;
	case CAP_PYTHON: case CAP_DPKG_MD5SUMS: return 16u << 20;
	case CAP_DPKG_LIST: return 64u << 20;
	case CAP_DPKG_STATUS: case CAP_APK: case CAP_NPM_LOCK: return 256u << 20;
	case CAP_RPMDB: case CAP_RPMDB_WAL: case CAP_JAR: case CAP_ELF: return 512u << 20;
	default: return 1u << 20;
	}
}

struct capture {
	uint32_t layer;
	enum capture_kind kind;
	char *path;
	char *data;
	size_t len;
	struct pkg_list *parsed; /* lazily, for the "introduced by" walk */
};

struct inflight {
	enum capture_kind kind;
	bool skip;
	char *path;
	struct buf b;
};

struct pkg_collector {
	struct content_visitor visitor;
	pthread_mutex_t lock;
	struct capture *caps;
	size_t n_caps, cap_caps;
	struct inflight *layers;
	size_t n_layers;
	char **warnings;
	size_t n_warnings, cap_warnings;
};

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static bool dir_is(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	return !strncmp(path, dir, n) && path[n] == '/' && !strchr(path + n + 1, '/');
}

/* node_modules/NAME/package.json or node_modules/@scope/NAME/package.json, at any depth. */
static bool is_npm_package_json(const char *path)
{
	const char *nm = NULL, *s = path;
	if (!str_ends_with(path, "/package.json"))
		return false;
	while ((s = strstr(s, "node_modules/")) != NULL) {
		if (s == path || s[-1] == '/')
			nm = s;
		s++;
	}
	if (!nm)
		return false;
	nm += strlen("node_modules/");
	if (*nm == '@')
		nm = strchr(nm, '/') ? strchr(nm, '/') + 1 : nm;
	return strchr(nm, '/') == base_name(path) - 1 && *nm != '.';
}

static enum capture_kind classify(const char *path, const struct layer_entry *e)
{
	const char *base = base_name(path);
	if (!strcmp(path, "etc/os-release") || !strcmp(path, "usr/lib/os-release") ||
	    !strcmp(path, "etc/alpine-release") || !strcmp(path, "etc/debian_version") ||
	    !strcmp(path, "etc/redhat-release"))
		return CAP_OSREL;
	if (!strcmp(path, "var/lib/dpkg/status"))
		return CAP_DPKG_STATUS;
	if (dir_is(path, "var/lib/dpkg/status.d"))
		return str_ends_with(base, ".md5sums") ? CAP_DPKG_MD5SUMS : CAP_DPKG_STATUSD;
	if (dir_is(path, "var/lib/dpkg/info") && str_ends_with(base, ".list"))
		return CAP_DPKG_LIST;
	if (!strcmp(path, "lib/apk/db/installed"))
		return CAP_APK;
	if (!strcmp(path, "var/lib/rpm/rpmdb.sqlite") || !strcmp(path, "var/lib/rpm/Packages") ||
	    !strcmp(path, "var/lib/rpm/Packages.db") ||
	    !strcmp(path, "usr/lib/sysimage/rpm/rpmdb.sqlite") ||
	    !strcmp(path, "usr/lib/sysimage/rpm/Packages") ||
	    !strcmp(path, "usr/lib/sysimage/rpm/Packages.db"))
		return CAP_RPMDB;
	if (!strcmp(path, "var/lib/rpm/rpmdb.sqlite-wal") ||
	    !strcmp(path, "usr/lib/sysimage/rpm/rpmdb.sqlite-wal"))
		return CAP_RPMDB_WAL;
	if (is_npm_package_json(path))
		return CAP_NPM_PKG;
	if (!strcmp(base, "package-lock.json") && !strstr(path, "node_modules/"))
		return CAP_NPM_LOCK;
	if ((str_ends_with(path, ".dist-info/METADATA") || str_ends_with(path, ".egg-info/PKG-INFO") ||
	     str_ends_with(path, ".egg-info")) && !strstr(path, "/tests/"))
		return CAP_PYTHON;
	if (str_ends_with(path, ".gemspec") && strstr(path, "specifications/"))
		return CAP_GEMSPEC;
	if (str_ends_with(base, ".jar") || str_ends_with(base, ".war") || str_ends_with(base, ".ear"))
		return CAP_JAR;
	if ((e->mode & 0111) && e->size >= 1024)
		return CAP_ELF;
	return CAP_NONE;
}

static void collector_warn(struct pkg_collector *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void collector_warn(struct pkg_collector *c, const char *fmt, ...)
{
	va_list ap;
	char msg[1024];
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&c->lock);
	if (c->n_warnings < 1000) {
		c->warnings = xgrow(c->warnings, &c->cap_warnings, c->n_warnings + 1, sizeof(char *));
		c->warnings[c->n_warnings++] = xstrdup(msg);
	}
	pthread_mutex_unlock(&c->lock);
}

static bool v_want(void *ctx, size_t layer, const struct layer_entry *e)
{
	struct pkg_collector *c = ctx;
	enum capture_kind k;
	struct inflight *f;
	if (layer >= c->n_layers || e->kind != ENTRY_NORMAL)
		return false;
	k = classify(e->path, e);
	if (k == CAP_NONE)
		return false;
	if (e->size > cap_limit(k)) {
		if (k != CAP_ELF) /* huge executables are not worth a warning each */
			collector_warn(c, "%s (layer %zu): %llu bytes, more than the %zu-byte cap, skipped",
				       e->path, layer, (unsigned long long)e->size, cap_limit(k));
		return false;
	}
	f = &c->layers[layer];
	f->kind = k;
	f->skip = false;
	free(f->path);
	f->path = xstrdup(e->path);
	buf_release(&f->b);
	buf_init(&f->b, cap_limit(k));
	return true;
}

static void v_data(void *ctx, size_t layer, const struct layer_entry *e, const void *buf, size_t n)
{
	struct pkg_collector *c = ctx;
	struct inflight *f = &c->layers[layer];
	ls_error err;
	if (f->skip || f->kind == CAP_NONE)
		return;
	if (buf_append(&f->b, buf, n, &err) < 0) {
		collector_warn(c, "%s (layer %zu): %s, skipped", e->path, layer, err.msg);
		f->skip = true;
		buf_release(&f->b);
		return;
	}
	/* Executables that are not ELF (scripts) are dropped as soon as that is known. */
	if (f->kind == CAP_ELF && f->b.len >= 4 && memcmp(f->b.data, "\177ELF", 4)) {
		f->skip = true;
		buf_release(&f->b);
	}
}

/* Turn a whole executable or archive into the small text the parsers read. */
static enum capture_kind transform(struct pkg_collector *c, size_t layer, struct inflight *f,
				   char **data, size_t *len)
{
	ls_error err = {{0}};
	const unsigned char *d = (const unsigned char *)f->b.data;
	char *out = NULL;
	if (f->kind == CAP_ELF) {
		out = pkg_go_extract(d, f->b.len, len, &err);
		if (out) {
			*data = out;
			return CAP_GO;
		}
		if (err.msg[0])
			collector_warn(c, "%s (layer %zu): %s", f->path, layer, err.msg);
		err.msg[0] = '\0';
		out = pkg_cargo_extract(d, f->b.len, len, &err);
		if (out) {
			*data = out;
			return CAP_CARGO;
		}
		if (err.msg[0])
			collector_warn(c, "%s (layer %zu): %s", f->path, layer, err.msg);
		return CAP_NONE;
	}
	if (f->kind == CAP_JAR) {
		out = pkg_java_extract(d, f->b.len, len, &err);
		if (err.msg[0])
			collector_warn(c, "%s (layer %zu): %s", f->path, layer, err.msg);
		if (out) {
			*data = out;
			return CAP_MAVEN;
		}
		return CAP_NONE;
	}
	*data = buf_detach(&f->b, len);
	return f->kind;
}

static void v_end(void *ctx, size_t layer, const struct layer_entry *e)
{
	struct pkg_collector *c = ctx;
	struct inflight *f = &c->layers[layer];
	char *data = NULL;
	size_t len = 0;
	enum capture_kind k;
	(void)e;
	if (!f->skip && f->b.data) {
		k = transform(c, layer, f, &data, &len);
		if (k != CAP_NONE) {
			pthread_mutex_lock(&c->lock);
			c->caps = xgrow(c->caps, &c->cap_caps, c->n_caps + 1, sizeof(*c->caps));
			c->caps[c->n_caps++] = (struct capture){
				.layer = (uint32_t)layer, .kind = k, .path = f->path,
				.data = data, .len = len};
			pthread_mutex_unlock(&c->lock);
			f->path = NULL;
		} else {
			free(data);
		}
	} else if (f->kind == CAP_OSREL || f->kind == CAP_DPKG_STATUS || f->kind == CAP_APK) {
		if (!f->skip) { /* an empty file: keep it, it may hide an earlier copy */
			pthread_mutex_lock(&c->lock);
			c->caps = xgrow(c->caps, &c->cap_caps, c->n_caps + 1, sizeof(*c->caps));
			c->caps[c->n_caps++] = (struct capture){
				.layer = (uint32_t)layer, .kind = f->kind, .path = f->path,
				.data = xstrdup(""), .len = 0};
			pthread_mutex_unlock(&c->lock);
			f->path = NULL;
		}
	}
	buf_release(&f->b);
	free(f->path);
	f->path = NULL;
	f->kind = CAP_NONE;
}

struct pkg_collector *pkg_collector_new(size_t n_layers)
{
	struct pkg_collector *c = xcalloc(1, sizeof(*c));
	pthread_mutex_init(&c->lock, NULL);
	c->n_layers = n_layers;
	c->layers = xcalloc(n_layers ? n_layers : 1, sizeof(*c->layers));
	c->visitor = (struct content_visitor){c, v_want, v_data, v_end};
	return c;
}

const struct content_visitor *pkg_collector_visitor(struct pkg_collector *c)
{
	return &c->visitor;
}

void pkg_collector_free(struct pkg_collector *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_caps; i++) {
		free(c->caps[i].path);
		free(c->caps[i].data);
		if (c->caps[i].parsed) {
			pkg_list_release(c->caps[i].parsed);
			free(c->caps[i].parsed);
		}
	}
	free(c->caps);
	for (size_t i = 0; i < c->n_layers; i++) {
		free(c->layers[i].path);
		buf_release(&c->layers[i].b);
	}
	free(c->layers);
	for (size_t i = 0; i < c->n_warnings; i++)
		free(c->warnings[i]);
	free(c->warnings);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

/* ---- building the inventory ---- */

static int cmp_capture(const void *a, const void *b)
{
	const struct capture *x = a, *y = b;
	int r = strcmp(x->path, y->path);
	if (r)
		return r;
	return x->layer < y->layer ? -1 : x->layer > y->layer;
}

static struct capture *find_capture(struct pkg_collector *c, const char *path, uint32_t layer)
{
	struct capture key = {.path = (char *)path, .layer = layer};
	return bsearch(&key, c->caps, c->n_caps, sizeof(*c->caps), cmp_capture);
}

/* Parse one captured file into `out`. Errors become a warning naming the file. `wal` is the
 * visible rpmdb.sqlite-wal beside an rpmdb.sqlite, or NULL. */
static void parse_capture(const struct capture *cp, const struct capture *wal, struct pkg_list *out)
{
	ls_error err = {{0}};
	int r = 0;
	switch (cp->kind) {
	case CAP_DPKG_STATUS:
		r = pkg_parse_dpkg_status(cp->data, cp->len, cp->path, true, out, &err);
		break;
	case CAP_DPKG_STATUSD:
		r = pkg_parse_dpkg_status(cp->data, cp->len, cp->path, false, out, &err);
		break;
	case CAP_APK: r = pkg_parse_apk(cp->data, cp->len, cp->path, out, &err); break;
	case CAP_RPMDB:
		r = pkg_parse_rpmdb_wal((const unsigned char *)cp->data, cp->len,
					wal ? (const unsigned char *)wal->data : NULL,
					wal ? wal->len : 0, cp->path, out, &err);
		break;
	case CAP_NPM_PKG: r = pkg_parse_npm_package_json(cp->data, cp->len, cp->path, out, &err); break;
	case CAP_NPM_LOCK: r = pkg_parse_npm_lock(cp->data, cp->len, cp->path, out, &err); break;
	case CAP_PYTHON: r = pkg_parse_python_metadata(cp->data, cp->len, cp->path, out, &err); break;
	case CAP_GEMSPEC: r = pkg_parse_gemspec(cp->data, cp->len, cp->path, out, &err); break;
	case CAP_GO: r = pkg_parse_go_buildinfo(cp->data, cp->len, cp->path, out, &err); break;
	case CAP_CARGO: r = pkg_parse_cargo_auditable(cp->data, cp->len, cp->path, out, &err); break;
	case CAP_MAVEN: r = pkg_parse_maven_lines(cp->data, cp->len, cp->path, out, &err); break;
	default: break;
	}
	if (r < 0)
		pkg_warn(out, "%s (layer %u): %s", cp->path, cp->layer, err.msg);
}

static struct pkg_list *parsed_of(struct capture *cp, const struct capture *wal)
{
	if (!cp->parsed) {
		cp->parsed = xcalloc(1, sizeof(*cp->parsed));
		pkg_list_init(cp->parsed);
		parse_capture(cp, wal, cp->parsed);
	}
	return cp->parsed;
}

static bool str_eq(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static bool same_package(const struct package *a, const struct package *b)
{
	return a->type == b->type && str_eq(a->name, b->name) && str_eq(a->version, b->version) &&
	       str_eq(a->arch, b->arch) && str_eq(a->namespace_, b->namespace_);
}

static bool list_has(const struct pkg_list *l, const struct package *p)
{
	for (size_t i = 0; i < l->n; i++)
		if (same_package(&l->items[i], p))
			return true;
	return false;
}

/* The capture a container sees at `path` after layer n, or NULL. */
static struct capture *visible_capture(struct pkg_collector *c, const struct image_model *m,
				       uint32_t node, const char *path, size_t n)
{
	struct view_state st = view_at(m, node, n);
	if (!st.present || !st.entry || st.entry->type != ENTRY_FILE)
		return NULL;
	return find_capture(c, path, st.layer);
}

/* Walk back through earlier copies of the file while they hold the same package version:
 * the earliest such copy's layer introduced it. */
static int introducing_layer(struct pkg_collector *c, const struct image_model *m,
			     struct capture *final, const struct package *p)
{
	uint32_t node = model_lookup(m, final->path);
	int layer = (int)final->layer;
	while (layer > 0) {
		struct capture *prev = visible_capture(c, m, node, final->path, (size_t)layer - 1);
		/* earlier copies are read without their WAL: an approximation */
		if (!prev || !list_has(parsed_of(prev, NULL), p))
			break;
		layer = (int)prev->layer;
	}
	return layer;
}

/* ---- OS file ownership: a set of paths ---- */

struct path_set {
	char **slots;
	size_t cap, n;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static void set_insert(struct path_set *s, const char *path)
{
	size_t i;
	if ((s->n + 1) * 2 > s->cap) {
		struct path_set bigger = {xcalloc(s->cap ? s->cap * 2 : 1024, sizeof(char *)),
					  s->cap ? s->cap * 2 : 1024, 0};
		for (size_t j = 0; j < s->cap; j++)
			if (s->slots[j]) {
				size_t k = hash_str(s->slots[j]) & (bigger.cap - 1);
				while (bigger.slots[k])
					k = (k + 1) & (bigger.cap - 1);
				bigger.slots[k] = s->slots[j];
				bigger.n++;
			}
		free(s->slots);
		*s = bigger;
	}
	i = hash_str(path) & (s->cap - 1);
	while (s->slots[i]) {
		if (!strcmp(s->slots[i], path))
			return;
		i = (i + 1) & (s->cap - 1);
	}
	s->slots[i] = xstrdup(path);
	s->n++;
}

static bool set_has(const struct path_set *s, const char *path)
{
	size_t i;
	if (!s->cap)
		return false;
	i = hash_str(path) & (s->cap - 1);
	while (s->slots[i]) {
		if (!strcmp(s->slots[i], path))
			return true;
		i = (i + 1) & (s->cap - 1);
	}
	return false;
}

static void set_release(struct path_set *s)
{
	for (size_t i = 0; i < s->cap; i++)
		free(s->slots[i]);
	free(s->slots);
}

/* usr-merged images: dpkg may list "/bin/ls" for what lives at "usr/bin/ls" (and back). */
static void set_insert_merged(struct path_set *s, const char *path)
{
	static const char *const merged[] = {"bin/", "sbin/", "lib/", "lib32/", "lib64/", "libx32/"};
	set_insert(s, path);
	for (size_t i = 0; i < sizeof(merged) / sizeof(merged[0]); i++) {
		if (str_starts_with(path, merged[i])) {
			char *u = xasprintf("usr/%s", path);
			set_insert(s, u);
			free(u);
		} else if (str_starts_with(path, "usr/") && str_starts_with(path + 4, merged[i])) {
			set_insert(s, path + 4);
		}
	}
}

/* ---- assembling ---- */

static void take_package(struct inventory *inv, struct package *p, int layer)
{
	struct package *q = pkg_list_add(&inv->pkgs, p->type);
	*q = *p;
	q->layer = layer;
	memset(p, 0, sizeof(*p));
}

/* dpkg files: info/NAME:ARCH.list (multi-arch same) or info/NAME.list; distroless md5sums. */
static void attach_dpkg_files(struct pkg_collector *c, const struct image_model *m,
			      struct package *p)
{
	size_t last = m->n_layers ? m->n_layers - 1 : 0;
	/* status.d files are named freely ("base" for base-files): their .md5sums sits beside */
	bool in_statusd = p->location && str_starts_with(p->location, "var/lib/dpkg/status.d/");
	char *cands[4] = {
		p->arch ? xasprintf("var/lib/dpkg/info/%s:%s.list", p->name, p->arch) : NULL,
		xasprintf("var/lib/dpkg/info/%s.list", p->name),
		in_statusd ? xasprintf("%s.md5sums", p->location) : NULL,
		xasprintf("var/lib/dpkg/status.d/%s.md5sums", p->name),
	};
	for (size_t i = 0; i < 4; i++) {
		struct capture *cp;
		uint32_t node;
		if (!cands[i] || (node = model_lookup(m, cands[i])) == NODE_NONE)
			continue;
		cp = visible_capture(c, m, node, cands[i], last);
		if (!cp)
			continue;
		if (cp->kind == CAP_DPKG_MD5SUMS) {
			const char *s = cp->data, *end = cp->data + cp->len;
			while (s < end) { /* "<md5>  path" */
				const char *nl = memchr(s, '\n', (size_t)(end - s)), *le = nl ? nl : end;
				const char *sp = memchr(s, ' ', (size_t)(le - s));
				if (sp) {
					while (sp < le && *sp == ' ')
						sp++;
					package_add_file(p, sp, (size_t)(le - sp));
				}
				s = le + 1;
			}
		} else {
			pkg_parse_dpkg_list(cp->data, cp->len, p);
		}
		break;
	}
	for (size_t i = 0; i < 4; i++)
		free(cands[i]);
}

static int cmp_package(const void *a, const void *b)
{
	const struct package *x = a, *y = b;
	int r;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	if ((r = strcmp(x->name, y->name)) != 0)
		return r;
	if ((r = strcmp(x->version ? x->version : "", y->version ? y->version : "")) != 0)
		return r;
	if ((r = strcmp(x->arch ? x->arch : "", y->arch ? y->arch : "")) != 0)
		return r;
	return strcmp(x->location ? x->location : "", y->location ? y->location : "");
}

static void feed_os(struct pkg_collector *c, const struct image_model *m, struct inventory *inv)
{
	static const char *const order[] = {"usr/lib/os-release", "etc/os-release",
					    "etc/alpine-release", "etc/debian_version",
					    "etc/redhat-release"};
	size_t last = m->n_layers ? m->n_layers - 1 : 0;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		uint32_t node = model_lookup(m, order[i]);
		struct capture *cp;
		if (node == NODE_NONE)
			continue;
		cp = visible_capture(c, m, node, order[i], last);
		if (!cp) {
			/* etc/os-release is usually a symlink to ../usr/lib/os-release: handled above. */
			continue;
		}
		os_release_feed(&inv->os, order[i], cp->data, cp->len);
	}
	os_release_finish(&inv->os);
}

/* npm lock entries duplicate what node_modules holds; keep only those not installed. */
static bool npm_installed(const struct inventory *inv, const struct package *p)
{
	for (size_t i = 0; i < inv->pkgs.n; i++) {
		const struct package *q = &inv->pkgs.items[i];
		if (q->type == PKG_NPM && q->location && str_ends_with(q->location, "/package.json") &&
		    !str_ends_with(q->location, "package-lock.json") && str_eq(q->name, p->name) &&
		    str_eq(q->version, p->version))
			return true;
	}
	return false;
}

int inventory_build(struct pkg_collector *c, const struct image_model *m, struct inventory *inv,
		    ls_error *err)
{
	size_t last = m->n_layers ? m->n_layers - 1 : 0;
	struct path_set owned = {0};
	char *distro = NULL;
	memset(inv, 0, sizeof(*inv));
	pkg_list_init(&inv->pkgs);
	if (!m->n_layers)
		return ls_fail(err, "the image has no layers");
	if (c->n_caps > 1)
		qsort(c->caps, c->n_caps, sizeof(*c->caps), cmp_capture);
	for (size_t i = 0; i < c->n_warnings; i++)
		pkg_warn(&inv->pkgs, "%s", c->warnings[i]);
	feed_os(c, m, inv);
	if (inv->os.id)
		distro = xasprintf("%s-%s", inv->os.id, inv->os.version);

	/* Three passes: OS packages first (their files make the ownership set), then language
	 * packages, then lock files (which add only what is not installed). */
	for (int pass = 0; pass < 3; pass++) {
		for (size_t i = 0; i < c->n_caps; i++) {
			struct capture *cp = &c->caps[i];
			struct pkg_list *l;
			uint32_t node;
			bool os_db = cp->kind == CAP_DPKG_STATUS || cp->kind == CAP_DPKG_STATUSD ||
				     cp->kind == CAP_APK || cp->kind == CAP_RPMDB;
			struct capture *wal = NULL;
			int want_pass = os_db ? 0 : cp->kind == CAP_NPM_LOCK ? 2 : 1;
			if (want_pass != pass || cp->kind == CAP_OSREL ||
			    cp->kind == CAP_DPKG_LIST || cp->kind == CAP_DPKG_MD5SUMS ||
			    cp->kind == CAP_RPMDB_WAL)
				continue;
			node = model_lookup(m, cp->path);
			if (visible_capture(c, m, node, cp->path, last) != cp)
				continue; /* not the copy a container sees */
			if (cp->kind == CAP_RPMDB) {
				char *wp = xasprintf("%s-wal", cp->path);
				uint32_t wn = model_lookup(m, wp);
				if (wn != NODE_NONE)
					wal = visible_capture(c, m, wn, wp, last);
				free(wp);
			}
			l = parsed_of(cp, wal);
			for (size_t w = 0; w < l->n_warnings; w++)
				pkg_warn(&inv->pkgs, "%s", l->warnings[w]);
			for (size_t j = 0; j < l->n; j++) {
				struct package *p = &l->items[j];
				int layer = introducing_layer(c, m, cp, p);
				if (p->type == PKG_DEB)
					attach_dpkg_files(c, m, p);
				if (pass == 0) {
					for (size_t f = 0; f < p->n_files; f++)
						set_insert_merged(&owned, p->files[f]);
				} else {
					if (p->type == PKG_NPM && cp->kind == CAP_NPM_LOCK &&
					    npm_installed(inv, p))
						continue;
					p->owned_by_os = p->location && set_has(&owned, p->location);
				}
				p->purl = pkg_purl(p, inv->os.id, distro);
				take_package(inv, p, layer);
			}
			/* The moved-from packages are zeroed; clear the cache so it is not reused. */
			pkg_list_release(l);
			free(cp->parsed);
			cp->parsed = NULL;
		}
	}
	if (inv->pkgs.n > 1)
		qsort(inv->pkgs.items, inv->pkgs.n, sizeof(*inv->pkgs.items), cmp_package);
	set_release(&owned);
	free(distro);
	return 0;
}

void inventory_release(struct inventory *inv)
{
	os_release_release(&inv->os);
	pkg_list_release(&inv->pkgs);
}
