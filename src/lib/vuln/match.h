/* OSV range evaluation, exactly as the OSV schema's "Evaluation" section describes it: per
 * range, events sorted by the ecosystem's version order ("0" first); an `introduced` at or
 * below the version makes it vulnerable, a `fixed` at or below it (or a `last_affected`
 * strictly below it) makes it safe again, and the last event that applies wins; `limit` events
 * bound a range from above; an explicit `versions` list matches exactly. GIT ranges are
 * ignored (they are commits, not versions). */
#ifndef LS_VULN_MATCH_H
#define LS_VULN_MATCH_H

#include <jansson.h>
#include <stdbool.h>

#include "util/error.h"
#include "vuln/version.h"

struct range_verdict {
	bool affected;
	char *fixed; /* the first fix above the version in the range that matched, or NULL */
};

/* `eco` orders ECOSYSTEM ranges; SEMVER ranges use SemVer (Go's flavour for Go). */
int osv_affects(enum ecosystem eco, const json_t *ranges, const json_t *versions,
		const char *version, struct range_verdict *out, ls_error *err);
void range_verdict_release(struct range_verdict *v);

#endif
