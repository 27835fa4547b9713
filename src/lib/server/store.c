#include "server/store.h"

#include <pthread.h>
#include <sqlite3.h>
#include <string.h>

#include "server/event.h"
#include "util/mem.h"

struct store {
	sqlite3 *db;
	pthread_mutex_t mu;
};

static const char schema[] =
	"PRAGMA journal_mode=WAL;"
	"PRAGMA synchronous=NORMAL;"
	"CREATE TABLE IF NOT EXISTS scans("
	" id INTEGER PRIMARY KEY, registry TEXT NOT NULL, repository TEXT NOT NULL,"
	" digest TEXT, pending_tag TEXT, tags TEXT NOT NULL DEFAULT '[]',"
	" status TEXT NOT NULL, description TEXT, queued_at TEXT, completed_at TEXT,"
	" source_updated_at TEXT, counts TEXT, findings TEXT, secrets TEXT);"
	"CREATE UNIQUE INDEX IF NOT EXISTS scans_image ON scans(repository, digest);"
	"CREATE TABLE IF NOT EXISTS subscriptions("
	" id TEXT PRIMARY KEY, url TEXT NOT NULL, repository_filter TEXT, created_at TEXT);";

static int db_error(struct store *s, ls_error *err, const char *what)
{
	return ls_fail(err, "findings store: %s: %s", what, sqlite3_errmsg(s->db));
}

int store_open(const char *path, struct store **out, ls_error *err)
{
	struct store *s = xcalloc(1, sizeof(*s));
	*out = NULL;
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
			    NULL) != SQLITE_OK) {
		ls_fail(err, "%s: cannot open the findings store: %s", path,
			s->db ? sqlite3_errmsg(s->db) : "out of memory");
		sqlite3_close(s->db);
		free(s);
		return -1;
	}
	sqlite3_busy_timeout(s->db, 5000);
	if (sqlite3_exec(s->db, schema, NULL, NULL, NULL) != SQLITE_OK) {
		ls_fail(err, "%s: not a findings store: %s", path, sqlite3_errmsg(s->db));
		sqlite3_close(s->db);
		free(s);
		return -1;
	}
	pthread_mutex_init(&s->mu, NULL);
	*out = s;
	return 0;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	sqlite3_close(s->db);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

/* ---- small statement helpers (the caller holds s->mu) ---- */

static sqlite3_stmt *prepare(struct store *s, const char *sql, ls_error *err)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		db_error(s, err, "prepare");
		return NULL;
	}
	return st;
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/* A JSON column: NULL stays NULL. */
static void bind_json(sqlite3_stmt *st, int i, const json_t *v)
{
	char *text = v ? json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	bind_text(st, i, text);
	free(text);
}

static char *column_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? xstrdup((const char *)t) : NULL;
}

static json_t *column_json(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? json_loads((const char *)t, 0, NULL) : NULL;
}

/* Run a statement that returns no row; finalizes it. */
static int run(struct store *s, sqlite3_stmt *st, ls_error *err)
{
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_error(s, err, "write");
}

#define SCAN_COLUMNS                                                                        \
	"id, registry, repository, digest, pending_tag, tags, status, description, queued_at," \
	" completed_at, source_updated_at, counts, findings, secrets"

static void read_record(sqlite3_stmt *st, struct scan_record *r)
{
	r->id = sqlite3_column_int64(st, 0);
	r->registry = column_text(st, 1);
	r->repository = column_text(st, 2);
	r->digest = column_text(st, 3);
	r->pending_tag = column_text(st, 4);
	r->tags = column_json(st, 5);
	if (!json_is_array(r->tags)) {
		json_decref(r->tags);
		r->tags = json_array();
	}
	r->status = column_text(st, 6);
	r->description = column_text(st, 7);
	r->queued_at = column_text(st, 8);
	r->completed_at = column_text(st, 9);
	r->source_updated_at = column_text(st, 10);
	r->counts = column_json(st, 11);
	r->findings = column_json(st, 12);
	r->secrets = column_json(st, 13);
}

/* Run a query for at most one scan: 0 found, 1 none, -1 error. */
static int query_record(struct store *s, sqlite3_stmt *st, struct scan_record *out, ls_error *err)
{
	int rc = sqlite3_step(st), ret = 1;
	memset(out, 0, sizeof(*out));
	if (rc == SQLITE_ROW) {
		read_record(st, out);
		ret = 0;
	} else if (rc != SQLITE_DONE) {
		ret = db_error(s, err, "read");
	}
	sqlite3_finalize(st);
	return ret;
}

static bool tags_add(json_t *tags, const char *tag)
{
	size_t i;
	json_t *t;
	if (!tag)
		return false;
	json_array_foreach(tags, i, t)
		if (!strcmp(json_string_value(t), tag))
			return false;
	json_array_append_new(tags, json_string(tag));
	return true;
}

/* Set a scan's tags, and with `requeue` its status back to IN_PROGRESS. */
static int update_tags(struct store *s, const struct scan_record *r, bool requeue, ls_error *err)
{
	char now[32];
	sqlite3_stmt *st = prepare(s, requeue ? "UPDATE scans SET tags = ?1, status = 'IN_PROGRESS',"
					       " description = NULL, queued_at = ?3 WHERE id = ?2"
					     : "UPDATE scans SET tags = ?1 WHERE id = ?2", err);
	if (!st)
		return -1;
	rfc3339_now(now);
	bind_json(st, 1, r->tags);
	sqlite3_bind_int64(st, 2, r->id);
	if (requeue)
		bind_text(st, 3, now);
	return run(s, st, err);
}

static int insert_scan(struct store *s, const char *registry, const char *repo,
		       const char *digest, const char *tag, bool pending, int64_t *id, ls_error *err)
{
	char now[32];
	json_t *tags = json_array();
	sqlite3_stmt *st = prepare(s, "INSERT INTO scans(registry, repository, digest, pending_tag,"
				      " tags, status, queued_at) VALUES(?1, ?2, ?3, ?4, ?5, 'IN_PROGRESS', ?6)", err);
	if (!st) {
		json_decref(tags);
		return -1;
	}
	if (!pending)
		tags_add(tags, tag);
	rfc3339_now(now);
	bind_text(st, 1, registry);
	bind_text(st, 2, repo);
	bind_text(st, 3, digest);
	bind_text(st, 4, pending ? tag : NULL);
	bind_json(st, 5, tags);
	bind_text(st, 6, now);
	json_decref(tags);
	if (run(s, st, err) < 0)
		return -1;
	*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

static int get_locked(struct store *s, const char *repo, const char *digest,
		      struct scan_record *out, ls_error *err)
{
	memset(out, 0, sizeof(*out)); /* releasable whatever happens */
	sqlite3_stmt *st = prepare(s, "SELECT " SCAN_COLUMNS " FROM scans WHERE repository = ?1 AND digest = ?2", err);
	if (!st)
		return -1;
	bind_text(st, 1, repo);
	bind_text(st, 2, digest);
	return query_record(s, st, out, err);
}

int store_request_digest(struct store *s, const char *registry, const char *repo,
			 const char *digest, const char *tag, bool rescan, int64_t *id,
			 bool *queue, ls_error *err)
{
	struct scan_record r;
	int ret;
	*queue = false;
	pthread_mutex_lock(&s->mu);
	ret = get_locked(s, repo, digest, &r, err);
	if (ret == 1) {
		ret = insert_scan(s, registry, repo, digest, tag, false, id, err);
		*queue = ret == 0;
	} else if (ret == 0) {
		bool added = tags_add(r.tags, tag);
		*id = r.id;
		*queue = rescan && strcmp(r.status, SCAN_IN_PROGRESS) != 0;
		if (added || *queue)
			ret = update_tags(s, &r, *queue, err);
		scan_record_release(&r);
	}
	pthread_mutex_unlock(&s->mu);
	return ret;
}

int store_request_tag(struct store *s, const char *registry, const char *repo, const char *tag,
		      int64_t *id, ls_error *err)
{
	pthread_mutex_lock(&s->mu);
	int ret = insert_scan(s, registry, repo, NULL, tag, true, id, err);
	pthread_mutex_unlock(&s->mu);
	return ret;
}

static int get_id_locked(struct store *s, int64_t id, struct scan_record *out, ls_error *err)
{
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *st = prepare(s, "SELECT " SCAN_COLUMNS " FROM scans WHERE id = ?1", err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return query_record(s, st, out, err);
}

/* Merge scan `pending` (just resolved to `known`'s digest) into `known`. */
static int merge_into(struct store *s, struct scan_record *known, const char *tag, int64_t pending,
		      ls_error *err)
{
	tags_add(known->tags, tag);
	if (update_tags(s, known, true, err) < 0)
		return -1;
	sqlite3_stmt *st = prepare(s, "DELETE FROM scans WHERE id = ?1", err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, pending);
	return run(s, st, err);
}

static int set_digest(struct store *s, struct scan_record *r, const char *digest, ls_error *err)
{
	sqlite3_stmt *st = prepare(s, "UPDATE scans SET digest = ?1, pending_tag = NULL, tags = ?2 WHERE id = ?3", err);
	if (!st)
		return -1;
	tags_add(r->tags, r->pending_tag);
	bind_text(st, 1, digest);
	bind_json(st, 2, r->tags);
	sqlite3_bind_int64(st, 3, r->id);
	return run(s, st, err);
}

int store_resolve(struct store *s, int64_t *id, const char *digest, ls_error *err)
{
	struct scan_record r, known;
	pthread_mutex_lock(&s->mu);
	int ret = get_id_locked(s, *id, &r, err);
	if (ret == 1)
		ret = ls_fail(err, "findings store: scan %lld vanished", (long long)*id);
	if (ret < 0)
		goto out;
	ret = get_locked(s, r.repository, digest, &known, err);
	if (ret == 0) {
		ret = merge_into(s, &known, r.pending_tag, r.id, err);
		*id = known.id;
		scan_record_release(&known);
	} else if (ret == 1) {
		ret = set_digest(s, &r, digest, err);
	}
	scan_record_release(&r);
out:
	pthread_mutex_unlock(&s->mu);
	return ret;
}

int store_finish(struct store *s, const struct scan_record *r, ls_error *err)
{
	pthread_mutex_lock(&s->mu);
	sqlite3_stmt *st = prepare(s, "UPDATE scans SET status = ?1, description = ?2, completed_at = ?3,"
				      " source_updated_at = ?4, counts = ?5, findings = ?6, secrets = ?7"
				      " WHERE id = ?8", err);
	int ret = -1;
	if (st) {
		bind_text(st, 1, r->status);
		bind_text(st, 2, r->description);
		bind_text(st, 3, r->completed_at);
		bind_text(st, 4, r->source_updated_at);
		bind_json(st, 5, r->counts);
		bind_json(st, 6, r->findings);
		bind_json(st, 7, r->secrets);
		sqlite3_bind_int64(st, 8, r->id);
		ret = run(s, st, err);
	}
	pthread_mutex_unlock(&s->mu);
	return ret;
}

int store_get(struct store *s, const char *repo, const char *digest, struct scan_record *out,
	      ls_error *err)
{
	pthread_mutex_lock(&s->mu);
	int ret = get_locked(s, repo, digest, out, err);
	pthread_mutex_unlock(&s->mu);
	return ret;
}

int store_get_id(struct store *s, int64_t id, struct scan_record *out, ls_error *err)
{
	pthread_mutex_lock(&s->mu);
	int ret = get_id_locked(s, id, out, err);
	pthread_mutex_unlock(&s->mu);
	return ret;
}

static json_t *record_summary(const struct scan_record *r)
{
	json_t *j = json_pack("{ss ss* sO ss ss* ss* ss*}", "repositoryName", r->repository,
			      "imageDigest", r->digest, "imageTags", r->tags, "status", r->status,
			      "description", r->description, "queuedAt", r->queued_at,
			      "imageScanCompletedAt", r->completed_at);
	if (r->pending_tag)
		json_object_set_new(j, "pendingTag", json_string(r->pending_tag));
	json_object_set(j, "findingSeverityCounts", r->counts ? r->counts : json_null());
	return j;
}

static json_t *scan_row_json(sqlite3_stmt *st)
{
	struct scan_record r;
	read_record(st, &r);
	json_t *j = record_summary(&r);
	scan_record_release(&r);
	return j;
}

/* A query's rows as a JSON array, one element per row made by row_json. The caller holds
 * s->mu; st is finalized here (NULL: prepare failed and err says why). */
static int collect_rows(struct store *s, sqlite3_stmt *st, json_t *(*row_json)(sqlite3_stmt *),
			json_t **out, ls_error *err)
{
	int rc;
	*out = NULL;
	if (!st)
		return -1;
	json_t *arr = json_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(arr, row_json(st));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		json_decref(arr);
		return db_error(s, err, "read");
	}
	*out = arr;
	return 0;
}

int store_list(struct store *s, const char *repo, json_t **out, ls_error *err)
{
	pthread_mutex_lock(&s->mu);
	sqlite3_stmt *st = prepare(s, "SELECT " SCAN_COLUMNS " FROM scans"
				      " WHERE ?1 IS NULL OR repository = ?1 ORDER BY id DESC", err);
	if (st)
		bind_text(st, 1, repo);
	int ret = collect_rows(s, st, scan_row_json, out, err);
	pthread_mutex_unlock(&s->mu);
	return ret;
}

int store_unfinished(struct store *s, int64_t **ids, size_t *n, ls_error *err)
{
	size_t cap = 0;
	int rc;
	*ids = NULL;
	*n = 0;
	pthread_mutex_lock(&s->mu);
	sqlite3_stmt *st = prepare(s, "SELECT id FROM scans WHERE status = 'IN_PROGRESS' ORDER BY id", err);
	if (!st) {
		pthread_mutex_unlock(&s->mu);
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*ids = xgrow(*ids, &cap, *n + 1, sizeof(**ids));
		(*ids)[(*n)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	int ret = rc == SQLITE_DONE ? 0 : db_error(s, err, "read");
	pthread_mutex_unlock(&s->mu);
	return ret;
}

int store_repository_registry(struct store *s, const char *repo, char **out, ls_error *err)
{
	*out = NULL;
	pthread_mutex_lock(&s->mu);
	sqlite3_stmt *st = prepare(s, "SELECT registry FROM scans WHERE repository = ?1 ORDER BY id DESC LIMIT 1", err);
	int ret = -1;
	if (st) {
		bind_text(st, 1, repo);
		int rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			*out = column_text(st, 0);
		ret = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_error(s, err, "read");
		sqlite3_finalize(st);
	}
	pthread_mutex_unlock(&s->mu);
	return ret;
}

void scan_record_release(struct scan_record *r)
{
	free(r->registry);
	free(r->repository);
	free(r->digest);
	free(r->pending_tag);
	free(r->status);
	free(r->description);
	free(r->queued_at);
	free(r->completed_at);
	free(r->source_updated_at);
	json_decref(r->tags);
	json_decref(r->counts);
	json_decref(r->findings);
	json_decref(r->secrets);
	memset(r, 0, sizeof(*r));
}

int store_subscribe(struct store *s, const char *id, const char *url, const char *filter,
		    ls_error *err)
{
	char now[32];
	rfc3339_now(now);
	pthread_mutex_lock(&s->mu);
	sqlite3_stmt *st = prepare(s, "INSERT INTO subscriptions(id, url, repository_filter, created_at)"
				      " VALUES(?1, ?2, ?3, ?4)", err);
	int ret = -1;
	if (st) {
		bind_text(st, 1, id);
		bind_text(st, 2, url);
		bind_text(st, 3, filter);
		bind_text(st, 4, now);
		ret = run(s, st, err);
	}
	pthread_mutex_unlock(&s->mu);
	return ret;
}

static json_t *subscription_row_json(sqlite3_stmt *st)
{
	json_t *j = json_pack("{ss ss}", "id", (const char *)sqlite3_column_text(st, 0), "url",
			      (const char *)sqlite3_column_text(st, 1));
	if (sqlite3_column_text(st, 2))
		json_object_set_new(j, "repositoryFilter", json_string((const char *)sqlite3_column_text(st, 2)));
	if (sqlite3_column_text(st, 3))
		json_object_set_new(j, "createdAt", json_string((const char *)sqlite3_column_text(st, 3)));
	return j;
}

int store_subscriptions(struct store *s, json_t **out, ls_error *err)
{
	pthread_mutex_lock(&s->mu);
	sqlite3_stmt *st = prepare(s, "SELECT id, url, repository_filter, created_at FROM subscriptions"
				      " ORDER BY rowid", err);
	int ret = collect_rows(s, st, subscription_row_json, out, err);
	pthread_mutex_unlock(&s->mu);
	return ret;
}

int store_unsubscribe(struct store *s, const char *id, ls_error *err)
{
	pthread_mutex_lock(&s->mu);
	sqlite3_stmt *st = prepare(s, "DELETE FROM subscriptions WHERE id = ?1", err);
	int ret = -1;
	if (st) {
		bind_text(st, 1, id);
		ret = run(s, st, err);
		if (ret == 0 && sqlite3_changes(s->db) == 0)
			ret = 1;
	}
	pthread_mutex_unlock(&s->mu);
	return ret;
}
