/* Importers for the advisory database. Every document's format is told by its content:
 * - OSV records (JSON or YAML; a file may hold one record or an array of them),
 * - Alpine secdb (JSON or the older YAML: {distroversion, packages: [{pkg: {name, secfixes}}]},
 *   or one package per file: {name, secfixes, distroversion}),
 * - the Debian security tracker's JSON ({package: {CVE: {releases: {codename: …}}}}),
 * - Debian DSA / DLA lists (the tracker's data/DSA/list text format).
 * Files, directories (recursively) and zip archives (read with libarchive) are accepted. */
#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "util/buf.h"
#include "util/json.h"
#include "util/mem.h"
#include "util/strutil.h"
#include "util/yamljson.h"
#include "vuln/version.h"
#include "vuln/vulndb.h"

#include <sqlite3.h>

#define FILE_LIMIT (256u * 1024 * 1024)
#define IMPORT_UNKNOWN 1 /* not an error in a directory or zip: skipped with a warning */
enum { MAX_DIR_DEPTH = 32 };

/* ---- OSV ---- */

static const char *reference_url(json_t *rec)
{
	static const char *order[] = {"ADVISORY", "WEB", "REPORT", "ARTICLE", NULL};
	json_t *refs = json_object_get(rec, "references"), *r;
	const char *url = json_str(json_object_get(rec, "database_specific"), "url");
	size_t i;
	if (url)
		return url;
	for (int k = 0; order[k]; k++)
		json_array_foreach(refs, i, r)
			if (json_str(r, "type") && !strcmp(json_str(r, "type"), order[k]) && json_str(r, "url"))
				return json_str(r, "url");
	return json_str(json_array_get(refs, 0), "url");
}

/* The record's modification time; a zero time ("0001-01-01T00:00:00Z", as some exports of the
 * Go vulndb carry) or none says nothing, so the publication time stands in for it. */
static const char *osv_modified(const json_t *rec)
{
	const char *modified = json_str(rec, "modified");
	if (modified && strncmp(modified, "0001-", 5) != 0)
		return modified;
	return json_str(rec, "published");
}

static int import_osv(struct vulndb *db, const char *name, json_t *rec, struct import_stats *st,
		      ls_error *err)
{
	json_t *affected = json_object_get(rec, "affected"), *a;
	struct affected *rows;
	size_t i, n = 0;
	const char *id = json_str(rec, "id");
	int ret;

	if (!id || !*id)
		return ls_fail(err, "%s: OSV record without an id", name);
	if (affected && !json_is_array(affected))
		return ls_fail(err, "%s: %s: \"affected\" is not a list", name, id);
	rows = xcalloc(json_array_size(affected) + 1, sizeof(*rows));
	json_array_foreach(affected, i, a) {
		json_t *pkg = json_object_get(a, "package");
		const char *eco = json_str(pkg, "ecosystem"), *pname = json_str(pkg, "name");
		if (!eco || !pname)
			continue; /* OSV allows affected entries without a package (e.g. git ranges) */
		rows[n].ecosystem = eco;
		rows[n].package = pname;
		rows[n].ranges = json_object_get(a, "ranges");
		rows[n].versions = json_object_get(a, "versions");
		rows[n].severity = json_str(json_object_get(a, "ecosystem_specific"), "severity");
		n++;
	}
	struct advisory adv = {
		.source = "osv",
		.id = id,
		.modified = osv_modified(rec),
		.published = json_str(rec, "published"),
		.withdrawn = json_str(rec, "withdrawn"),
		.summary = json_str(rec, "summary"),
		.details = json_str(rec, "details"),
		.url = reference_url(rec),
		.db_severity = json_str(json_object_get(rec, "database_specific"), "severity"),
		.severity = json_object_get(rec, "severity"),
		.aliases = json_object_get(rec, "aliases"),
	};
	ret = vulndb_put(db, &adv, rows, n, err);
	free(rows);
	if (ret == 0)
		st->records++;
	return ret;
}

/* ---- Alpine secdb ---- */

/* "CVE-2019-1234", or several ids in one string: each id token. */
static json_t *ids_in(const char *s)
{
	json_t *out = json_array();
	char *copy = xstrdup(s), *save = NULL;
	for (char *tok = strtok_r(copy, " \t,", &save); tok; tok = strtok_r(NULL, " \t,", &save))
		if (isupper((unsigned char)tok[0]) && strchr(tok, '-'))
			json_array_append_new(out, json_string(tok));
	free(copy);
	return out;
}

static json_t *fixed_range(const char *fixed)
{
	json_t *events = json_array();
	json_array_append_new(events, json_pack("{ss}", "introduced", "0"));
	if (fixed)
		json_array_append_new(events, json_pack("{ss}", "fixed", fixed));
	return json_pack("[{ss so}]", "type", "ECOSYSTEM", "events", events);
}

/* The branch a fixed version belongs to: its upstream version ("3.0.8" of "3.0.8-r0", suffixes
 * such as "_p1" dropped) without the last component, "3.0"; "" when it has one component. */
static char *alpine_branch(const char *version)
{
	size_t n = strcspn(version, "-_");
	char *b = xstrndup(version, n);
	char *dot = strrchr(b, '.');
	*(dot ? dot : b) = '\0';
	return b;
}

static bool apk_valid(const char *v)
{
	int c;
	ls_error ignored;
	return version_compare(ECO_APK, v, v, &c, &ignored) == 0;
}

/* apk order; a version apk cannot parse sorts after every valid one (by bytes among its kind),
 * so the order stays consistent for qsort. */
static int apk_cmp(const char *a, const char *b)
{
	bool va = apk_valid(a), vb = apk_valid(b);
	int c = 0;
	ls_error ignored;
	if (va != vb)
		return va ? -1 : 1;
	if (!va || version_compare(ECO_APK, a, b, &c, &ignored) < 0)
		return strcmp(a, b);
	return c;
}

static int by_apk_version(const void *a, const void *b)
{
	return apk_cmp(*(const char *const *)a, *(const char *const *)b);
}

/* One CVE can be listed under several fixed versions of one package in one release, because
 * an APKBUILD's secfixes carry the history of older version lines (openssl lists a CVE under
 * 1.1.1t-r0 and 3.0.8-r0). A version is affected when it is below the fix of its own line:
 * the fixes are grouped by branch (alpine_branch; the highest fix of a branch wins — a later
 * fix in the same line means the first was incomplete), and each branch after the lowest is an
 * interval from the branch's start: introduced 0, fixed 1.1.1t, introduced 3.0, fixed 3.0.8.
 * A branch that starts at or below the previous fix is merged into it. */
static json_t *alpine_ranges(json_t *fixes)
{
	size_t n = json_array_size(fixes), k = 0;
	const char **v = xcalloc(n + 1, sizeof(*v));
	for (size_t i = 0; i < n; i++)
		v[i] = json_string_value(json_array_get(fixes, i));
	qsort(v, n, sizeof(*v), by_apk_version);
	/* Keep the highest fix of each branch (v is sorted, so the last one seen). */
	const char **top = xcalloc(n + 1, sizeof(*top));
	for (size_t i = 0; i < n; i++) {
		char *bi = alpine_branch(v[i]);
		bool later_in_branch = false;
		for (size_t j = i + 1; j < n && !later_in_branch; j++) {
			char *bj = alpine_branch(v[j]);
			later_in_branch = !strcmp(bi, bj);
			free(bj);
		}
		free(bi);
		if (!later_in_branch)
			top[k++] = v[i];
	}
	json_t *events = json_array();
	json_array_append_new(events, json_pack("{ss}", "introduced", "0"));
	for (size_t i = 0; i < k; i++) {
		char *start = alpine_branch(top[i]);
		if (i > 0 && *start && apk_cmp(start, top[i - 1]) > 0)
			json_array_append_new(events, json_pack("{ss}", "introduced", start));
		else if (i > 0)
			json_array_remove(events, json_array_size(events) - 1); /* merge */
		json_array_append_new(events, json_pack("{ss}", "fixed", top[i]));
		free(start);
	}
	free(top);
	free(v);
	return json_pack("[{ss so}]", "type", "ECOSYSTEM", "events", events);
}

/* secfixes {version: [ids…]} turned around: {first id: {ids, fixes: [version…]}}. Alpine
 * writes version "0" for a CVE that never affected its package. */
static json_t *alpine_fixes_by_id(json_t *secfixes)
{
	json_t *by_id = json_object(), *cves, *c;
	const char *ver;
	json_object_foreach(secfixes, ver, cves) {
		size_t i;
		json_array_foreach(cves, i, c) {
			json_t *ids = json_is_string(c) ? ids_in(json_string_value(c)) : NULL;
			const char *key = json_string_value(json_array_get(ids, 0));
			if (!key) {
				json_decref(ids);
				continue;
			}
			json_t *entry = json_object_get(by_id, key);
			if (!entry) {
				entry = json_pack("{so s[]}", "ids", ids, "fixes");
				json_object_set_new(by_id, key, entry);
			} else {
				json_decref(ids);
			}
			if (strcmp(ver, "0"))
				json_array_append_new(json_object_get(entry, "fixes"), json_string(ver));
		}
	}
	return by_id;
}

static int alpine_package(struct vulndb *db, const char *name, const char *distro, json_t *pkg,
			  struct import_stats *st, ls_error *err)
{
	const char *pname = json_str(pkg, "name"), *key;
	json_t *secfixes = json_object_get(pkg, "secfixes"), *entry;
	char ecosystem[64];
	if (!pname || !json_is_object(secfixes))
		return ls_fail(err, "%s: Alpine secdb package without a name or secfixes", name);
	snprintf(ecosystem, sizeof(ecosystem), "Alpine:%s", distro);
	json_t *by_id = alpine_fixes_by_id(secfixes);
	int ret = 0;
	json_object_foreach(by_id, key, entry) {
		json_t *fixes = json_object_get(entry, "fixes");
		/* Listed only under "0": never affected (a real fix elsewhere outweighs it). */
		bool not_affected = json_array_size(fixes) == 0;
		json_t *ranges = not_affected ? fixed_range(NULL) : alpine_ranges(fixes);
		char *id = xasprintf("ALPINE-%s-%s-%s", distro, pname, key);
		struct affected row = {.ecosystem = ecosystem, .package = pname, .ranges = ranges,
				       .status = not_affected ? "not_affected" : "affected"};
		struct advisory adv = {.source = "alpine-secdb", .id = id,
				       .aliases = json_object_get(entry, "ids")};
		ret = vulndb_put(db, &adv, &row, 1, err);
		free(id);
		json_decref(ranges);
		if (ret < 0)
			break;
		st->records++;
	}
	json_decref(by_id);
	return ret;
}

static int import_alpine(struct vulndb *db, const char *name, json_t *doc,
			 struct import_stats *st, ls_error *err)
{
	const char *distro = json_str(doc, "distroversion");
	json_t *packages = json_object_get(doc, "packages"), *p;
	size_t i;
	if (!distro)
		return ls_fail(err, "%s: Alpine secdb without distroversion", name);
	if (json_object_get(doc, "secfixes")) /* one package per file */
		return alpine_package(db, name, distro, doc, st, err);
	json_array_foreach(packages, i, p)
		if (alpine_package(db, name, distro, json_object_get(p, "pkg"), st, err) < 0)
			return -1;
	return 0;
}

/* ---- Debian ---- */

static const char *debian_version(const char *codename)
{
	static const char *map[][2] = {
		{"hamm", "2.0"},     {"slink", "2.1"},   {"potato", "2.2"}, {"woody", "3.0"},
		{"sarge", "3.1"},    {"etch", "4"},      {"lenny", "5"},    {"squeeze", "6"},
		{"wheezy", "7"},     {"jessie", "8"},    {"stretch", "9"}, {"buster", "10"},
		{"bullseye", "11"}, {"bookworm", "12"}, {"trixie", "13"}, {"forky", "14"},
		{"duke", "15"},      {"sid", "unstable"},
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(map[i][0], codename))
			return map[i][1];
	return NULL;
}

static int import_debian_tracker(struct vulndb *db, const char *name, json_t *doc,
				 struct import_stats *st, ls_error *err)
{
	const char *pkg, *cve;
	json_t *cves, *info;
	json_object_foreach(doc, pkg, cves) {
		json_object_foreach(cves, cve, info) {
			json_t *releases = json_object_get(info, "releases"), *rel;
			const char *codename;
			struct affected rows[16];
			char ecos[16][32];
			json_t *ranges[16];
			size_t n = 0;
			json_object_foreach(releases, codename, rel) {
				const char *num = debian_version(codename);
				const char *status = json_str(rel, "status");
				const char *fixed = json_str(rel, "fixed_version");
				if (!num || !status || n >= 16)
					continue;
				bool not_affected = !strcmp(status, "resolved") && fixed && !strcmp(fixed, "0");
				snprintf(ecos[n], sizeof(ecos[n]), "Debian:%s", num);
				ranges[n] = fixed_range(!strcmp(status, "resolved") && !not_affected ? fixed : NULL);
				rows[n] = (struct affected){.ecosystem = ecos[n], .package = pkg,
							    .ranges = ranges[n],
							    .status = not_affected ? "not_affected" : "affected",
							    .severity = json_str(rel, "urgency")};
				n++;
			}
			char *id = xasprintf("DEBIAN-%s-%s", cve, pkg);
			json_t *aliases = json_pack("[s]", cve);
			struct advisory adv = {.source = "debian-tracker", .id = id,
					       .details = json_str(info, "description"),
					       .aliases = aliases};
			int r = vulndb_put(db, &adv, rows, n, err);
			for (size_t k = 0; k < n; k++)
				json_decref(ranges[k]);
			json_decref(aliases);
			free(id);
			if (r < 0)
				return -1;
			st->records++;
		}
	}
	(void)name;
	return 0;
}

/* "[29 Mar 2023] DSA-5380-1 xorg-server - security update" */
static bool dsa_header(const char *line, char *date, size_t dlen, char *id, size_t ilen, char *summary, size_t slen)
{
	char day[4], mon[4], year[8];
	int off = 0;
	if (sscanf(line, "[%3s %3s %7[0-9]] %63s %n", day, mon, year, id, &off) != 4 || off == 0)
		return false;
	if (!(str_starts_with(id, "DSA-") || str_starts_with(id, "DLA-")))
		return false;
	static const char *months = "JanFebMarAprMayJunJulAugSepOctNovDec";
	const char *m = strstr(months, mon);
	snprintf(date, dlen, "%s-%02d-%02dT00:00:00Z", year, m ? (int)((m - months) / 3 + 1) : 1,
		 atoi(day));
	snprintf(summary, slen, "%s", line + off);
	(void)ilen;
	return true;
}

static int import_dsa_list(struct vulndb *db, const char *name, const char *data, size_t len,
			   struct import_stats *st, ls_error *err)
{
	char *text = xstrndup(data, len), *save = NULL;
	char date[40] = "", id[64] = "", summary[512] = "";
	json_t *aliases = NULL;
	struct affected rows[32];
	char ecos[32][32], pkgs[32][128], vers[32][128];
	json_t *ranges[32];
	size_t n = 0;
	int ret = 0;
	bool have = false;

	/* Flush the record collected so far. */
#define FLUSH()                                                                                  \
	do {                                                                                     \
		if (have && ret == 0) {                                                          \
			struct advisory adv = {.source = str_starts_with(id, "DSA") ? "debian-dsa" \
										    : "debian-dla", \
					       .id = id, .published = date, .modified = date,   \
					       .summary = summary, .aliases = aliases};         \
			ret = vulndb_put(db, &adv, rows, n, err);                                \
			if (ret == 0)                                                            \
				st->records++;                                                   \
		}                                                                                \
		for (size_t k_ = 0; k_ < n; k_++)                                                \
			json_decref(ranges[k_]);                                                 \
		json_decref(aliases);                                                            \
		aliases = NULL;                                                                  \
		n = 0;                                                                           \
		have = false;                                                                    \
	} while (0)

	for (char *line = strtok_r(text, "\n", &save); line && ret == 0; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '[') {
			FLUSH();
			have = dsa_header(line, date, sizeof(date), id, sizeof(id), summary, sizeof(summary));
			aliases = json_array();
			continue;
		}
		while (*line == '\t' || *line == ' ')
			line++;
		if (!have)
			continue;
		if (line[0] == '{') {
			json_t *ids = ids_in(line + 1);
			size_t i;
			json_t *v;
			json_array_foreach(ids, i, v) {
				char *s = xstrdup(json_string_value(v));
				char *brace = strchr(s, '}');
				if (brace)
					*brace = '\0';
				json_array_append_new(aliases, json_string(s));
				free(s);
			}
			json_decref(ids);
			continue;
		}
		if (str_starts_with(line, "NOTE") || !*line)
			continue;
		char codename[32], pkg[128], ver[128] = "";
		if (sscanf(line, "[%31[^]]] - %127s %127[^\n]", codename, pkg, ver) >= 2 && n < 32) {
			const char *num = debian_version(codename);
			if (!num)
				continue;
			bool not_affected = str_starts_with(ver, "<not-affected>");
			bool unfixed = ver[0] == '<' && !not_affected;
			char *sp = strchr(ver, ' ');
			if (sp)
				*sp = '\0';
			snprintf(ecos[n], sizeof(ecos[n]), "Debian:%s", num);
			snprintf(pkgs[n], sizeof(pkgs[n]), "%s", pkg);
			snprintf(vers[n], sizeof(vers[n]), "%s", ver);
			ranges[n] = fixed_range(not_affected || unfixed ? NULL : vers[n]);
			rows[n] = (struct affected){.ecosystem = ecos[n], .package = pkgs[n],
						    .ranges = ranges[n],
						    .status = not_affected ? "not_affected" : "affected"};
			n++;
		}
	}
	FLUSH();
#undef FLUSH
	free(text);
	(void)name;
	return ret;
}

/* ---- dispatch ---- */

static bool looks_like_dsa_list(const char *data, size_t len)
{
	if (!data || len <= 20 || data[0] != '[')
		return false;
	size_t n = len < 200 ? len : 200;
	return memmem(data, n, "] DSA-", 6) != NULL || memmem(data, n, "] DLA-", 6) != NULL;
}

static bool looks_like_debian_tracker(json_t *doc)
{
	const char *pkg;
	json_t *cves;
	json_object_foreach(doc, pkg, cves) {
		const char *cve;
		json_t *info;
		if (!json_is_object(cves))
			return false;
		json_object_foreach(cves, cve, info)
			return json_is_object(json_object_get(info, "releases"));
		return false;
	}
	return false;
}

static int import_doc(struct vulndb *db, const char *name, json_t *doc, struct import_stats *st,
		      ls_error *err)
{
	size_t i;
	json_t *rec;
	if (json_is_array(doc)) { /* a list of OSV records */
		json_array_foreach(doc, i, rec) {
			int r = import_doc(db, name, rec, st, err);
			if (r != 0)
				return r < 0 ? -1 : ls_fail(err, "%s: item %zu is not an OSV record", name, i);
		}
		return 0;
	}
	if (!json_is_object(doc))
		return ls_fail(err, "%s: not an advisory document", name);
	if (json_str(doc, "id") && (json_object_get(doc, "affected") || json_object_get(doc, "modified")))
		return import_osv(db, name, doc, st, err);
	if (json_str(doc, "distroversion"))
		return import_alpine(db, name, doc, st, err);
	if (looks_like_debian_tracker(doc))
		return import_debian_tracker(db, name, doc, st, err);
	ls_fail(err, "%s: unknown advisory format (expected OSV, Alpine secdb or the Debian "
		    "security tracker's JSON)", name);
	return IMPORT_UNKNOWN;
}

int vulndb_import_bytes(struct vulndb *db, const char *name, const char *data, size_t len,
			struct import_stats *st, ls_error *err)
{
	json_t *doc = NULL;
	int r;
	st->files++;
	if (looks_like_dsa_list(data, len))
		return import_dsa_list(db, name, data, len, st, err);
	size_t skip = 0;
	while (skip < len && isspace((unsigned char)data[skip]))
		skip++;
	if (skip < len && (data[skip] == '{' || data[skip] == '['))
		r = json_parse_bytes(data, len, name, &doc, err);
	else
		r = yaml_to_json(data, len, name, &doc, err);
	if (r < 0)
		return -1;
	r = import_doc(db, name, doc, st, err);
	json_decref(doc);
	return r;
}

static bool advisory_name(const char *name)
{
	return str_ends_with(name, ".json") || str_ends_with(name, ".yaml") ||
	       str_ends_with(name, ".yml");
}

/* Inside a directory or a zip, a document that is no advisory is skipped, with a warning. */
static int skip_unknown(int r, struct import_stats *st, ls_error *err)
{
	if (r != IMPORT_UNKNOWN)
		return r;
	fprintf(stderr, "layerscope: warning: skipped %s\n", err->msg);
	st->skipped++;
	st->files--;
	return 0;
}

static int import_zip(struct vulndb *db, const char *path, struct import_stats *st, ls_error *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	int r, ret = 0;
	archive_read_support_format_zip(a);
	if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK) {
		ret = ls_fail(err, "%s: %s", path, archive_error_string(a));
		goto out;
	}
	while (ret == 0 && (r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		struct buf b;
		char chunk[65536];
		la_ssize_t got;
		if (!name || archive_entry_filetype(e) != AE_IFREG || !advisory_name(name))
			continue;
		buf_init(&b, FILE_LIMIT);
		while ((got = archive_read_data(a, chunk, sizeof(chunk))) > 0)
			if (buf_append(&b, chunk, (size_t)got, err) < 0)
				break;
		if (got < 0)
			ret = ls_fail(err, "%s: %s: %s", path, name, archive_error_string(a));
		else if (b.len > 0 || got == 0) {
			char *label = xasprintf("%s:%s", path, name);
			ret = skip_unknown(vulndb_import_bytes(db, label, b.data, b.len, st, err),
					   st, err);
			free(label);
		}
		buf_release(&b);
	}
	if (ret == 0 && r != ARCHIVE_EOF)
		ret = ls_fail(err, "%s: %s", path, archive_error_string(a));
out:
	archive_read_free(a);
	return ret;
}

static int import_path(struct vulndb *db, const char *path, bool explicit, int depth,
		       struct import_stats *st, ls_error *err);

static int import_dir(struct vulndb *db, const char *path, int depth, struct import_stats *st,
		      ls_error *err)
{
	struct dirent **list;
	int n = scandir(path, &list, NULL, alphasort), ret = 0;
	if (n < 0)
		return ls_fail_errno(err, errno, "%s", path);
	for (int i = 0; i < n; i++) {
		if (ret == 0 && list[i]->d_name[0] != '.') {
			char *child = xasprintf("%s/%s", path, list[i]->d_name);
			ret = import_path(db, child, false, depth + 1, st, err);
			free(child);
		}
		free(list[i]);
	}
	free(list);
	return ret;
}

static int import_path(struct vulndb *db, const char *path, bool explicit, int depth,
		       struct import_stats *st, ls_error *err)
{
	struct stat s;
	struct buf b;
	int r;
	if (lstat(path, &s) < 0)
		return ls_fail_errno(err, errno, "%s", path);
	if (S_ISDIR(s.st_mode)) {
		if (depth > MAX_DIR_DEPTH)
			return ls_fail(err, "%s: directories nested too deep", path);
		return import_dir(db, path, depth, st, err);
	}
	if (!S_ISREG(s.st_mode) && !(explicit && S_ISLNK(s.st_mode) && stat(path, &s) == 0))
		return 0;
	if (str_ends_with(path, ".zip"))
		return import_zip(db, path, st, err);
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	/* In a directory, only what looks like advisory data (SOURCE and README files are not). */
	if (!explicit && !advisory_name(base) && !strstr(base, "list")) {
		st->skipped++;
		return 0;
	}
	if (buf_read_file(&b, path, FILE_LIMIT, err) < 0)
		return -1;
	if (!explicit && !advisory_name(base) && !looks_like_dsa_list(b.data, b.len)) {
		buf_release(&b);
		st->skipped++;
		return 0;
	}
	r = vulndb_import_bytes(db, path, b.data, b.len, st, err);
	buf_release(&b);
	if (r == IMPORT_UNKNOWN && explicit)
		return -1;
	return skip_unknown(r, st, err);
}

static void stamp_import(struct vulndb *db)
{
	char now[40];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
	char *sql = xasprintf("INSERT OR REPLACE INTO meta VALUES ('imported_at', '%s')", now);
	sqlite3_exec(vulndb_handle(db), sql, NULL, NULL, NULL);
	free(sql);
}

int vulndb_import_paths(struct vulndb *db, char **paths, size_t n, struct import_stats *st,
			ls_error *err)
{
	memset(st, 0, sizeof(*st));
	if (vulndb_begin(db, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (import_path(db, paths[i], true, 0, st, err) != 0) {
			vulndb_rollback(db);
			return -1;
		}
	stamp_import(db);
	return vulndb_commit(db, err);
}
