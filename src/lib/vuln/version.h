/* Version ordering, one algorithm per ecosystem, each exactly as its upstream orders versions
 * (see docs/versions.md for the rules and the upstream sources):
 *   deb        dpkg's [epoch:]upstream[-revision] with verrevcmp()
 *   apk        apk-tools' version.c (digits, letter, _suffixes, ~hash, -rN)
 *   rpm        [epoch:]version[-release], each part with rpmvercmp() (rpm 4.18 rpmverCmp)
 *   rpmvercmp  one string with rpmvercmp() (librpmio 4.18), no epoch/release split
 *   semver     SemVer 2.0.0 precedence (npm); an optional leading "v" is accepted
 *   go         golang.org/x/mod/semver: "v" prefix (added when missing, as OSV omits it),
 *              vMAJOR and vMAJOR.MINOR shorthands, +incompatible ignored, pseudo-versions
 *   pep440     PEP 440 as pypa/packaging's Version (normalised spellings)
 *   maven      Maven's ComparableVersion (maven-artifact 3.8.7 / 3.9) */
#ifndef LS_VULN_VERSION_H
#define LS_VULN_VERSION_H

#include <stdbool.h>

#include "util/error.h"

enum ecosystem {
	ECO_DEB,
	ECO_APK,
	ECO_RPM, /* [epoch:]version[-release] */
	ECO_RPMVERCMP,
	ECO_SEMVER,
	ECO_GO,
	ECO_PEP440,
	ECO_MAVEN,
};

/* Our names (deb, apk, rpm, rpmvercmp, semver, go, pep440, maven) and OSV ecosystem names
 * ("Debian", "Debian:12", "Alpine:v3.19", "Go", "PyPI", "npm", "Maven", "Red Hat", "Rocky Linux",
 * ...). Returns -1 when the name is unknown. */
int ecosystem_from_name(const char *name, enum ecosystem *out);
/* Our short name for the ecosystem ("deb", ...). */
const char *ecosystem_name(enum ecosystem eco);

/* *cmp < 0, 0 or > 0 as a orders before, the same as or after b. Returns -1 (message names the
 * version) when a version is invalid in an ecosystem that rejects versions: semver, go, pep440,
 * and deb for the errors dpkg itself refuses (empty, embedded space, bad epoch, empty
 * revision). apk, rpm, rpmvercmp and maven order any string, as their upstreams do. */
int version_compare(enum ecosystem eco, const char *a, const char *b, int *cmp, ls_error *err);

/* Whether the string is a well-formed version of the ecosystem (apk: apk_version_validate;
 * deb: no error and no dpkg warning; rpm/rpmvercmp/maven: any non-empty string). */
bool version_valid(enum ecosystem eco, const char *v);

/* apk's dependency operators on versions: op is one of "<", "<=", "=", ">=", ">", "~" (fuzzy:
 * a starts with b at a component boundary), "<~", ">~". Returns -1 for an unknown op. */
int apk_version_match(const char *a, const char *op, const char *b, bool *match, ls_error *err);

#endif
