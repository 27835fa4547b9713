/* The offline advisory database: SQLite, in the OSV data model. An advisory is keyed by
 * (source, id); re-importing it replaces it whole. Affected rows are indexed by
 * (ecosystem, package) — ecosystems as OSV names them: "Go", "PyPI", "Debian:12",
 * "Alpine:v3.19" — and keep the OSV ranges and versions as JSON for the matcher. */
#ifndef LS_VULNDB_H
#define LS_VULNDB_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

struct vulndb;

/* Open (creating the schema when new) — `path` NULL means ~/.cache/layerscope/vuln.db. */
int vulndb_open(const char *path, bool create, struct vulndb **out, ls_error *err);
void vulndb_close(struct vulndb *db);
const char *vulndb_path(const struct vulndb *db);
char *vulndb_default_path(void);

int vulndb_begin(struct vulndb *db, ls_error *err);
int vulndb_commit(struct vulndb *db, ls_error *err);
void vulndb_rollback(struct vulndb *db);

struct advisory {
	const char *source;   /* "osv", "alpine-secdb", "debian-tracker", "debian-dsa" */
	const char *id;
	const char *modified, *published, *withdrawn; /* RFC 3339, or NULL */
	const char *summary, *details;
	const char *url;
	const char *db_severity; /* the source's own label (Debian urgency, GHSA …), or NULL */
	json_t *severity;        /* OSV "severity" array ([{type, score}]) or NULL */
	json_t *aliases;         /* array of strings, or NULL */
};

struct affected {
	const char *ecosystem;
	const char *package;
	json_t *ranges;   /* OSV ranges array, or NULL */
	json_t *versions; /* OSV versions array, or NULL */
	const char *status; /* "affected" or "not_affected" (a distro's "not affected") */
	const char *severity; /* per-package severity when the source has one, or NULL */
};

/* Replace one advisory and its affected rows (inside a transaction the caller holds). */
int vulndb_put(struct vulndb *db, const struct advisory *a, const struct affected *aff,
	       size_t n_aff, ls_error *err);

struct vulndb_stats {
	char **sources;
	int64_t *source_counts;
	size_t n_sources;
	char **ecosystems;
	int64_t *ecosystem_counts; /* advisories that affect a package in that ecosystem */
	size_t n_ecosystems;
	char *newest_modified;
	int64_t advisories, affected;
};

int vulndb_stats(struct vulndb *db, struct vulndb_stats *st, ls_error *err);
void vulndb_stats_release(struct vulndb_stats *st);

/* The name a package is stored and looked up under: PyPI names normalised as PEP 503 says
 * (lower case, runs of -_. as one -), others as written. Caller frees. */
char *vulndb_package_key(const char *ecosystem, const char *name);

/* The sqlite3 handle, for the matcher's queries. */
struct sqlite3 *vulndb_handle(struct vulndb *db);

/* ---- importers (import.c) ---- */

struct import_stats {
	size_t files, records, skipped;
};

/* Import files, directories (recursively) and zip archives. Each file's format is told by
 * its content: OSV JSON/YAML, Alpine secdb JSON/YAML, Debian security tracker JSON, Debian
 * DSA/DLA lists. One transaction for all: nothing lands unless everything imports. */
int vulndb_import_paths(struct vulndb *db, char **paths, size_t n, struct import_stats *st,
			ls_error *err);
/* One document already in memory (name for errors). */
int vulndb_import_bytes(struct vulndb *db, const char *name, const char *data, size_t len,
			struct import_stats *st, ls_error *err);

#endif
