#include "vuln/vulndb.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/mem.h"

struct vulndb {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *del_affected, *put_advisory, *put_affected, *del_aliases, *put_alias;
};

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);"
	"CREATE TABLE IF NOT EXISTS advisories("
	"  source TEXT NOT NULL, id TEXT NOT NULL, modified TEXT, published TEXT, withdrawn TEXT,"
	"  summary TEXT, details TEXT, url TEXT, db_severity TEXT, severity TEXT, aliases TEXT,"
	"  PRIMARY KEY (source, id));"
	"CREATE TABLE IF NOT EXISTS affected("
	"  source TEXT NOT NULL, advisory TEXT NOT NULL, ecosystem TEXT NOT NULL,"
	"  package TEXT NOT NULL, ranges TEXT, versions TEXT,"
	"  status TEXT NOT NULL DEFAULT 'affected', severity TEXT);"
	"CREATE INDEX IF NOT EXISTS affected_by_package ON affected(ecosystem, package);"
	"CREATE INDEX IF NOT EXISTS affected_by_advisory ON affected(source, advisory);"
	"CREATE TABLE IF NOT EXISTS aliases(source TEXT NOT NULL, advisory TEXT NOT NULL,"
	"  alias TEXT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS aliases_by_alias ON aliases(alias);"
	"CREATE INDEX IF NOT EXISTS aliases_by_advisory ON aliases(source, advisory);"
	"INSERT OR IGNORE INTO meta VALUES ('schema', '1');";

char *vulndb_default_path(void)
{
	const char *cache = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	if (cache && *cache)
		return xasprintf("%s/layerscope/vuln.db", cache);
	return xasprintf("%s/.cache/layerscope/vuln.db", home && *home ? home : ".");
}

/* mkdir -p of the database's directory. */
static int make_parent_dirs(const char *path, ls_error *err)
{
	char *dir = xstrdup(path);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
			int e = errno;
			ls_fail_errno(err, e, "%s", dir);
			free(dir);
			return -1;
		}
		*p = '/';
	}
	free(dir);
	return 0;
}

static int prepare(struct vulndb *v, const char *sql, sqlite3_stmt **st, ls_error *err)
{
	if (sqlite3_prepare_v2(v->db, sql, -1, st, NULL) != SQLITE_OK)
		return ls_fail(err, "%s: %s", v->path, sqlite3_errmsg(v->db));
	return 0;
}

int vulndb_open(const char *path, bool create, struct vulndb **out, ls_error *err)
{
	struct vulndb *v = xcalloc(1, sizeof(*v));
	char *emsg = NULL;
	v->path = path ? xstrdup(path) : vulndb_default_path();
	if (create && make_parent_dirs(v->path, err) < 0)
		goto fail;
	int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
	if (sqlite3_open_v2(v->path, &v->db, flags, NULL) != SQLITE_OK) {
		ls_fail(err, "%s: %s%s", v->path, v->db ? sqlite3_errmsg(v->db) : "cannot open",
			create ? "" : " (import advisories first: layerscope db import PATH…)");
		goto fail;
	}
	sqlite3_busy_timeout(v->db, 5000);
	if (sqlite3_exec(v->db, schema, NULL, NULL, &emsg) != SQLITE_OK) {
		ls_fail(err, "%s: not a layerscope database: %s", v->path, emsg ? emsg : "?");
		sqlite3_free(emsg);
		goto fail;
	}
	if (prepare(v, "DELETE FROM affected WHERE source = ?1 AND advisory = ?2", &v->del_affected, err) ||
	    prepare(v, "DELETE FROM aliases WHERE source = ?1 AND advisory = ?2", &v->del_aliases, err) ||
	    prepare(v, "INSERT OR REPLACE INTO advisories VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)",
		    &v->put_advisory, err) ||
	    prepare(v, "INSERT INTO affected VALUES (?1,?2,?3,?4,?5,?6,?7,?8)", &v->put_affected, err) ||
	    prepare(v, "INSERT INTO aliases VALUES (?1,?2,?3)", &v->put_alias, err))
		goto fail;
	*out = v;
	return 0;
fail:
	vulndb_close(v);
	return -1;
}

void vulndb_close(struct vulndb *v)
{
	if (!v)
		return;
	sqlite3_finalize(v->del_affected);
	sqlite3_finalize(v->del_aliases);
	sqlite3_finalize(v->put_advisory);
	sqlite3_finalize(v->put_affected);
	sqlite3_finalize(v->put_alias);
	sqlite3_close(v->db);
	free(v->path);
	free(v);
}

const char *vulndb_path(const struct vulndb *v)
{
	return v->path;
}

struct sqlite3 *vulndb_handle(struct vulndb *v)
{
	return v->db;
}

static int exec(struct vulndb *v, const char *sql, ls_error *err)
{
	char *emsg = NULL;
	if (sqlite3_exec(v->db, sql, NULL, NULL, &emsg) != SQLITE_OK) {
		ls_fail(err, "%s: %s", v->path, emsg ? emsg : "?");
		sqlite3_free(emsg);
		return -1;
	}
	return 0;
}

int vulndb_begin(struct vulndb *v, ls_error *err)
{
	return exec(v, "BEGIN IMMEDIATE", err);
}

int vulndb_commit(struct vulndb *v, ls_error *err)
{
	return exec(v, "COMMIT", err);
}

void vulndb_rollback(struct vulndb *v)
{
	sqlite3_exec(v->db, "ROLLBACK", NULL, NULL, NULL);
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static void bind_json(sqlite3_stmt *st, int i, const json_t *j)
{
	char *s = j && !json_is_null(j) ? json_dumps(j, JSON_COMPACT) : NULL;
	bind_text(st, i, s);
	free(s);
}

static int step(struct vulndb *v, sqlite3_stmt *st, ls_error *err)
{
	int r = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (r != SQLITE_DONE)
		return ls_fail(err, "%s: %s", v->path, sqlite3_errmsg(v->db));
	return 0;
}

char *vulndb_package_key(const char *ecosystem, const char *name)
{
	if (!ecosystem || strcmp(ecosystem, "PyPI") != 0)
		return xstrdup(name);
	char *out = xmalloc(strlen(name) + 1);
	size_t o = 0;
	for (const char *p = name; *p; p++) {
		if (*p == '-' || *p == '_' || *p == '.') {
			if (o == 0 || out[o - 1] != '-')
				out[o++] = '-';
		} else {
			out[o++] = (char)((*p >= 'A' && *p <= 'Z') ? *p + 32 : *p);
		}
	}
	out[o] = '\0';
	return out;
}

int vulndb_put(struct vulndb *v, const struct advisory *a, const struct affected *aff,
	       size_t n_aff, ls_error *err)
{
	size_t i;
	json_t *alias;
	bind_text(v->del_affected, 1, a->source);
	bind_text(v->del_affected, 2, a->id);
	if (step(v, v->del_affected, err) < 0)
		return -1;
	bind_text(v->del_aliases, 1, a->source);
	bind_text(v->del_aliases, 2, a->id);
	if (step(v, v->del_aliases, err) < 0)
		return -1;
	bind_text(v->put_advisory, 1, a->source);
	bind_text(v->put_advisory, 2, a->id);
	bind_text(v->put_advisory, 3, a->modified);
	bind_text(v->put_advisory, 4, a->published);
	bind_text(v->put_advisory, 5, a->withdrawn);
	bind_text(v->put_advisory, 6, a->summary);
	bind_text(v->put_advisory, 7, a->details);
	bind_text(v->put_advisory, 8, a->url);
	bind_text(v->put_advisory, 9, a->db_severity);
	bind_json(v->put_advisory, 10, a->severity);
	bind_json(v->put_advisory, 11, a->aliases);
	if (step(v, v->put_advisory, err) < 0)
		return -1;
	json_array_foreach(a->aliases, i, alias) {
		if (!json_is_string(alias))
			continue;
		bind_text(v->put_alias, 1, a->source);
		bind_text(v->put_alias, 2, a->id);
		bind_text(v->put_alias, 3, json_string_value(alias));
		if (step(v, v->put_alias, err) < 0)
			return -1;
	}
	for (i = 0; i < n_aff; i++) {
		bind_text(v->put_affected, 1, a->source);
		bind_text(v->put_affected, 2, a->id);
		bind_text(v->put_affected, 3, aff[i].ecosystem);
		char *key = vulndb_package_key(aff[i].ecosystem, aff[i].package);
		bind_text(v->put_affected, 4, key);
		free(key);
		bind_json(v->put_affected, 5, aff[i].ranges);
		bind_json(v->put_affected, 6, aff[i].versions);
		bind_text(v->put_affected, 7, aff[i].status ? aff[i].status : "affected");
		bind_text(v->put_affected, 8, aff[i].severity);
		if (step(v, v->put_affected, err) < 0)
			return -1;
	}
	return 0;
}

/* Run a two-column (text, count) query into parallel arrays. */
static int count_rows(struct vulndb *v, const char *sql, char ***names, int64_t **counts,
		      size_t *n, ls_error *err)
{
	sqlite3_stmt *st;
	size_t cap = 0, cap2 = 0;
	if (prepare(v, sql, &st, err) < 0)
		return -1;
	*n = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		*names = xgrow(*names, &cap, *n + 1, sizeof(**names));
		*counts = xgrow(*counts, &cap2, *n + 1, sizeof(**counts));
		const char *s = (const char *)sqlite3_column_text(st, 0);
		(*names)[*n] = xstrdup(s ? s : "");
		(*counts)[*n] = sqlite3_column_int64(st, 1);
		(*n)++;
	}
	sqlite3_finalize(st);
	return 0;
}

static int64_t scalar(struct vulndb *v, const char *sql)
{
	sqlite3_stmt *st;
	int64_t r = 0;
	if (sqlite3_prepare_v2(v->db, sql, -1, &st, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		r = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return r;
}

int vulndb_stats(struct vulndb *v, struct vulndb_stats *st, ls_error *err)
{
	sqlite3_stmt *q;
	memset(st, 0, sizeof(*st));
	if (count_rows(v, "SELECT source, count(*) FROM advisories GROUP BY source ORDER BY source",
		       &st->sources, &st->source_counts, &st->n_sources, err) < 0 ||
	    count_rows(v, "SELECT ecosystem, count(DISTINCT source || ' ' || advisory) FROM affected "
			  "GROUP BY ecosystem ORDER BY ecosystem",
		       &st->ecosystems, &st->ecosystem_counts, &st->n_ecosystems, err) < 0)
		return -1;
	st->advisories = scalar(v, "SELECT count(*) FROM advisories");
	st->affected = scalar(v, "SELECT count(*) FROM affected");
	if (prepare(v, "SELECT max(modified) FROM advisories", &q, err) < 0)
		return -1;
	if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0))
		st->newest_modified = xstrdup((const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	return 0;
}

void vulndb_stats_release(struct vulndb_stats *st)
{
	for (size_t i = 0; i < st->n_sources; i++)
		free(st->sources[i]);
	for (size_t i = 0; i < st->n_ecosystems; i++)
		free(st->ecosystems[i]);
	free(st->sources);
	free(st->source_counts);
	free(st->ecosystems);
	free(st->ecosystem_counts);
	free(st->newest_modified);
	memset(st, 0, sizeof(*st));
}
