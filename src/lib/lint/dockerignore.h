/* .dockerignore with Docker's exact semantics: moby/patternmatcher (the matcher) and its
 * ignorefile reader (what BuildKit and the docker CLI use), plus the directory pruning of
 * tonistiigi/fsutil (BuildKit's context sender).
 *
 * Reading a file: lines split at \n (a trailing \r dropped), a UTF-8 BOM dropped from the
 * first line, lines starting with '#' are comments (only in column 0), then each line is
 * trimmed; blank lines are skipped; a leading '!' marks an exception (re-include) and the rest
 * is trimmed again; the pattern is filepath.Clean-ed ("./a" -> "a", "a/" -> "a", "a//b/../c"
 * -> "a/c") and one leading '/' is dropped.
 *
 * Patterns are Go filepath.Match globs — '*' (not across '/'), '?', '[a-z]', '[^a-z]' (only
 * '^' negates: "[!a]" is the set {'!','a'}, as in Go), '\' escapes — plus '**' (any number of
 * directories), checked for syntax with filepath.Match and then matched through the regular
 * expression patternmatcher builds from them, so odd patterns mean what Docker makes them mean.
 * A bad pattern is an error naming it.
 *
 * A path is excluded when the last pattern that matches it, or one of its parent directories,
 * is not an exception (MatchesOrParentMatches). Paths are slash-separated and relative to the
 * context; "." (the context itself) is never excluded. */
#ifndef LS_DOCKERIGNORE_H
#define LS_DOCKERIGNORE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

struct dockerignore;

/* Parse .dockerignore text (need not be NUL-terminated). */
int dockerignore_parse(const char *text, size_t len, struct dockerignore **out, ls_error *err);
/* Read and parse a file; the error names the file. */
int dockerignore_load(const char *path, struct dockerignore **out, ls_error *err);
/* From patterns as patternmatcher.New takes them (each trimmed and cleaned, no '/' stripping,
 * empty ones skipped): for callers that already hold a pattern list. */
int dockerignore_new(const char *const *patterns, size_t n, struct dockerignore **out,
		     ls_error *err);
void dockerignore_free(struct dockerignore *d);

size_t dockerignore_count(const struct dockerignore *d);
/* The i-th cleaned pattern without its '!'; *exception says whether it had one. */
const char *dockerignore_pattern(const struct dockerignore *d, size_t i, bool *exception);
bool dockerignore_has_exceptions(const struct dockerignore *d);

/* Is `path` excluded from the context? An error only for a pattern that passes Go's glob
 * check but that Go's regexp compiler rejects (e.g. "[z-a]"), as Docker fails at match time. */
int dockerignore_matches(const struct dockerignore *d, const char *path, bool *excluded,
			 ls_error *err);

/* Can directory `dir` be pruned — excluded, and no exception pattern can re-include anything
 * below it? False when unsure. */
bool dockerignore_can_skip_dir(const struct dockerignore *d, const char *dir);

/* For tree walkers, BuildKit's incremental form (MatchesUsingParentResults): `parent` is the
 * per-pattern state returned for the parent directory (NULL for entries at the top), `self`
 * (dockerignore_count() bools, may be NULL) receives this path's state for its children. It
 * differs from dockerignore_matches in rare cases exactly as BuildKit differs from
 * MatchesOrParentMatches; use it when reproducing what BuildKit sends. */
int dockerignore_matches_walk(const struct dockerignore *d, const char *path, const bool *parent,
			      bool *self, bool *excluded, ls_error *err);
/* For an excluded directory met during such a walk: may the walk skip it? True when BuildKit
 * skips it (fsutil's prefix rule) or when no exception can match anything below it (then
 * everything below stays excluded, so the result is the same). */
bool dockerignore_walk_can_skip(const struct dockerignore *d, const char *dir);

#endif
