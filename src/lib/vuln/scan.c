#include "vuln/scan.h"

#include <ctype.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"
#include "util/mem.h"
#include "vuln/cvss.h"
#include "vuln/match.h"
#include "vuln/version.h"

int severity_rank(const char *s)
{
	static const char *order[] = {"UNDEFINED", "LOW", "MEDIUM", "HIGH", "CRITICAL"};
	for (int i = 0; i < 5; i++)
		if (s && !strcasecmp(s, order[i]))
			return i;
	return -1;
}

static void warn(struct vuln_report *r, const char *fmt, ...)
{
	va_list ap;
	char *s;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s)
		return;
	r->warnings = xgrow(r->warnings, &r->cap_warnings, r->n_warnings + 1, sizeof(char *));
	r->warnings[r->n_warnings++] = s;
}

/* The Go vulndb's version of the standard library built by toolchain `go` ("go1.19.8" →
 * "1.19.8", "go1.21" → "1.21.0", "go1.21rc2" → "1.21.0-rc.2", as govulncheck maps it);
 * false for a development toolchain ("devel …"), which no range can place. */
static bool go_stdlib_semver(const char *go, char out[64])
{
	unsigned major, minor, patch = 0;
	int n = 0;
	char pre[16] = "";
	if (!go || strncmp(go, "go", 2) || !isdigit((unsigned char)go[2]))
		return false;
	if (sscanf(go + 2, "%u.%u%n", &major, &minor, &n) != 2)
		return false;
	const char *rest = go + 2 + n;
	if (*rest == '.' && sscanf(rest, ".%u%n", &patch, &n) == 1)
		rest += n;
	if (!strncmp(rest, "rc", 2) || !strncmp(rest, "beta", 4)) {
		size_t k = rest[0] == 'r' ? 2 : 4;
		unsigned num;
		if (sscanf(rest + k, "%u%n", &num, &n) != 1)
			return false;
		snprintf(pre, sizeof(pre), "-%.*s.%u", (int)k, rest, num);
		rest += k + (size_t)n;
	}
	if (*rest)
		return false;
	snprintf(out, 64, "%u.%u.%u%s", major, minor, patch, pre);
	return true;
}

/* Where advisories for this package live, and under which name and version (`vbuf` holds a
 * version rewritten for the database). */
static bool query_for(const struct package *p, const struct os_release *os, char eco[64],
		      char **name, const char **version, char vbuf[64])
{
	const char *lang = NULL;
	*version = p->version;
	if (p->type == PKG_GO && !strcmp(p->name, "stdlib")) {
		if (!go_stdlib_semver(p->version, vbuf))
			return false;
		*version = vbuf;
	}
	switch (p->type) {
	case PKG_DEB:
	case PKG_APK:
	case PKG_RPM:
		if (!os->osv)
			return false;
		snprintf(eco, 64, "%s", os->osv);
		*name = xstrdup(p->source_name && *p->source_name ? p->source_name : p->name);
		if (p->source_version && *p->source_version)
			*version = p->source_version;
		return *version != NULL;
	case PKG_GO: lang = "Go"; break;
	case PKG_PYPI: lang = "PyPI"; break;
	case PKG_NPM: lang = "npm"; break;
	case PKG_GEM: lang = "RubyGems"; break;
	case PKG_CARGO: lang = "crates.io"; break;
	case PKG_MAVEN: lang = "Maven"; break;
	}
	snprintf(eco, 64, "%s", lang);
	if (p->type == PKG_MAVEN && p->namespace_)
		*name = xasprintf("%s:%s", p->namespace_, p->name);
	else
		*name = vulndb_package_key(lang, p->name);
	return *version != NULL;
}

/* Which CVSS version decides when a record has several: v3 (what NVD, ECR's CVSS3_SCORE and
 * most advisories report), then v4, then v2; 0 for other severity types. */
static int cvss_preference(const char *type)
{
	if (!strcmp(type, "CVSS_V3"))
		return 3;
	if (!strcmp(type, "CVSS_V4"))
		return 2;
	if (!strcmp(type, "CVSS_V2"))
		return 1;
	return 0;
}

/* The severity people act on: the rating of the preferred scorable CVSS vector (v3, v4, v2),
 * else the source's label (GHSA's MODERATE is MEDIUM; Debian's urgencies), else UNDEFINED. */
static const char *severity_of(json_t *severity, const char *db_sev, const char *pkg_sev,
			       struct vuln_finding *f)
{
	size_t i;
	json_t *s;
	double best = -1;
	int best_pref = 0;
	json_array_foreach(severity, i, s) {
		const char *type = json_str(s, "type"), *score = json_str(s, "score");
		int pref = type && score ? cvss_preference(type) : 0;
		if (pref <= best_pref)
			continue;
		double v = cvss_base_score(score);
		if (v < 0)
			continue;
		best = v;
		best_pref = pref;
		f->cvss_score = v;
		free(f->cvss_vector);
		f->cvss_vector = xstrdup(score);
		if (pref == 3) {
			f->cvss3_score = v;
			free(f->cvss3_vector);
			f->cvss3_vector = xstrdup(score);
		}
	}
	if (best >= 0) {
		const char *r = cvss_rating(best);
		return !strcmp(r, "NONE") ? "LOW" : r;
	}
	const char *labels[] = {db_sev, pkg_sev};
	for (int k = 0; k < 2; k++) {
		const char *l = labels[k];
		if (!l)
			continue;
		if (!strcasecmp(l, "critical"))
			return "CRITICAL";
		if (!strcasecmp(l, "high"))
			return "HIGH";
		if (!strcasecmp(l, "moderate") || !strcasecmp(l, "medium"))
			return "MEDIUM";
		if (!strcasecmp(l, "low") || !strcasecmp(l, "unimportant") || !strcasecmp(l, "negligible"))
			return "LOW";
	}
	return "UNDEFINED";
}

static bool json_array_has(const char *json_text, const char *s)
{
	json_t *arr = json_text ? json_loads(json_text, 0, NULL) : NULL;
	size_t i;
	json_t *v;
	bool found = false;
	json_array_foreach(arr, i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), s))
			found = true;
	json_decref(arr);
	return found;
}

static char *first_cve(const char *id, const char *aliases)
{
	json_t *arr = aliases ? json_loads(aliases, 0, NULL) : NULL;
	size_t i;
	json_t *v;
	char *out = NULL;
	if (!strncmp(id, "CVE-", 4))
		out = xstrdup(id);
	json_array_foreach(arr, i, v)
		if (!out && json_is_string(v) && !strncmp(json_string_value(v), "CVE-", 4))
			out = xstrdup(json_string_value(v));
	json_decref(arr);
	return out ? out : xstrdup(id);
}

static const char *col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static char *dup_col(sqlite3_stmt *st, int i)
{
	return col(st, i) ? xstrdup(col(st, i)) : NULL;
}

/* A finding's title: the record's summary, else (PyPA records have none) the first line of
 * its details, cut at a word boundary near 100 characters. */
static char *title_of(const char *summary, const char *details)
{
	enum { TITLE_MAX = 100 };
	size_t n;
	if (summary && *summary)
		return xstrdup(summary);
	if (!details)
		return NULL;
	n = strcspn(details, "\r\n");
	if (n <= TITLE_MAX)
		return xstrndup(details, n);
	n = TITLE_MAX;
	while (n > TITLE_MAX / 2 && details[n] != ' ')
		n--;
	while (n > 0 && ((unsigned char)details[n] & 0xC0) == 0x80)
		n--; /* never inside a UTF-8 sequence: JSON needs valid UTF-8 */
	return xasprintf("%.*s…", (int)n, details);
}

void vuln_finding_release(struct vuln_finding *f)
{
	free(f->id);
	free(f->name);
	free(f->aliases);
	free(f->source);
	free(f->queried);
	free(f->installed);
	free(f->fixed);
	free(f->cvss3_vector);
	free(f->cvss_vector);
	free(f->title);
	free(f->description);
	free(f->url);
	free(f->modified);
}

/* All findings for one package; `not_affected` collects the names a distro cleared. */
static int scan_package(sqlite3_stmt *q, const struct package *p, const char *eco_name,
			char *name, const char *version, struct vuln_report *r, ls_error *err)
{
	enum ecosystem eco;
	size_t first = r->n;
	char **cleared = NULL;
	size_t n_cleared = 0, cap_cleared = 0;
	if (ecosystem_from_name(eco_name, &eco) < 0)
		return 0; /* an ecosystem we cannot order: nothing to claim */
	sqlite3_bind_text(q, 1, eco_name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 2, name, -1, SQLITE_TRANSIENT);
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *status = col(q, 10);
		json_t *ranges = col(q, 8) ? json_loads(col(q, 8), 0, NULL) : NULL;
		json_t *versions = col(q, 9) ? json_loads(col(q, 9), 0, NULL) : NULL;
		struct range_verdict v = {0};
		ls_error verr;
		if (status && !strcmp(status, "not_affected")) {
			cleared = xgrow(cleared, &cap_cleared, n_cleared + 1, sizeof(char *));
			cleared[n_cleared++] = first_cve(col(q, 1), col(q, 7));
		} else if (osv_affects(eco, ranges, versions, version, &v, &verr) < 0) {
			warn(r, "%s %s: %s: cannot compare versions: %s", name, version, col(q, 1), verr.msg);
		} else if (v.affected) {
			r->findings = xgrow(r->findings, &r->cap, r->n + 1, sizeof(*r->findings));
			struct vuln_finding *f = &r->findings[r->n++];
			memset(f, 0, sizeof(*f));
			f->cvss3_score = -1;
			f->cvss_score = -1;
			f->source = dup_col(q, 0);
			f->id = dup_col(q, 1);
			f->aliases = dup_col(q, 7);
			f->name = first_cve(f->id, f->aliases);
			f->title = title_of(col(q, 2), col(q, 3));
			f->description = dup_col(q, 3);
			f->url = dup_col(q, 4);
			f->modified = dup_col(q, 12);
			json_t *sev = col(q, 5) ? json_loads(col(q, 5), 0, NULL) : NULL;
			f->severity = severity_of(sev, col(q, 6), col(q, 11), f);
			json_decref(sev);
			f->pkg = p;
			f->queried = xstrdup(name);
			f->installed = xstrdup(version);
			f->fixed = v.fixed;
			v.fixed = NULL;
		}
		range_verdict_release(&v);
		json_decref(ranges);
		json_decref(versions);
	}
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	/* A distro's "not affected", and one finding per name (several sources say the same). */
	for (size_t i = first; i < r->n; i++) {
		bool drop = false;
		for (size_t c = 0; c < n_cleared && !drop; c++)
			drop = !strcmp(r->findings[i].name, cleared[c]) ||
			       json_array_has(r->findings[i].aliases, cleared[c]);
		for (size_t j = first; j < i && !drop; j++)
			if (!strcmp(r->findings[j].name, r->findings[i].name)) {
				/* keep the one that names a fix */
				if (!r->findings[j].fixed && r->findings[i].fixed) {
					struct vuln_finding t = r->findings[j];
					r->findings[j] = r->findings[i];
					r->findings[i] = t;
				}
				drop = true;
			}
		if (drop) {
			vuln_finding_release(&r->findings[i]);
			r->findings[i] = r->findings[--r->n];
			i--;
		}
	}
	for (size_t c = 0; c < n_cleared; c++)
		free(cleared[c]);
	free(cleared);
	(void)err;
	return 0;
}

static int finding_cmp(const void *a, const void *b)
{
	const struct vuln_finding *x = a, *y = b;
	int d = severity_rank(y->severity) - severity_rank(x->severity);
	if (d)
		return d;
	if ((d = strcmp(x->name, y->name)))
		return d;
	return strcmp(x->pkg->name, y->pkg->name);
}

int vuln_scan(struct vulndb *db, const struct inventory *inv, const struct vuln_options *o,
	      struct vuln_report *out, ls_error *err)
{
	sqlite3_stmt *q;
	memset(out, 0, sizeof(*out));
	if (sqlite3_prepare_v2(vulndb_handle(db),
			       "SELECT a.source, a.id, a.summary, a.details, a.url, a.severity, "
			       "a.db_severity, a.aliases, f.ranges, f.versions, f.status, f.severity, "
			       "a.modified FROM affected f JOIN advisories a "
			       "ON a.source = f.source AND a.id = f.advisory "
			       "WHERE f.ecosystem = ?1 AND f.package = ?2 AND a.withdrawn IS NULL",
			       -1, &q, NULL) != SQLITE_OK)
		return ls_fail(err, "%s: %s", vulndb_path(db), sqlite3_errmsg(vulndb_handle(db)));
	if (!inv->os.osv)
		warn(out, "no distro release found (/etc/os-release): OS packages not matched");
	for (size_t i = 0; i < inv->pkgs.n; i++) {
		const struct package *p = &inv->pkgs.items[i];
		char eco[64], vbuf[64], *name = NULL;
		const char *version;
		if (p->owned_by_os && !o->include_os_owned)
			continue;
		if (query_for(p, &inv->os, eco, &name, &version, vbuf))
			scan_package(q, p, eco, name, version, out, err);
		free(name);
	}
	sqlite3_finalize(q);
	if (out->n > 1)
		qsort(out->findings, out->n, sizeof(*out->findings), finding_cmp);
	struct vulndb_stats st;
	if (vulndb_stats(db, &st, err) == 0) {
		out->db_updated = st.newest_modified;
		st.newest_modified = NULL;
		vulndb_stats_release(&st);
	}
	return 0;
}

void vuln_report_release(struct vuln_report *r)
{
	for (size_t i = 0; i < r->n; i++)
		vuln_finding_release(&r->findings[i]);
	free(r->findings);
	for (size_t i = 0; i < r->n_warnings; i++)
		free(r->warnings[i]);
	free(r->warnings);
	free(r->db_updated);
	memset(r, 0, sizeof(*r));
}
