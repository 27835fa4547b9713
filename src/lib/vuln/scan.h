/* Vulnerability matching: each package of the inventory against the advisory database.
 * OS packages are looked up by their source package (dpkg Source, apk origin, rpm SOURCERPM)
 * in the image's distro release ("Debian:12"), language packages in their ecosystem ("Go",
 * "PyPI", "npm", …). A language package whose files an OS package owns is left to the distro's
 * advisories (its fix may be a backport) unless include_os_owned. A distro's "not affected"
 * for a CVE silences every finding of that CVE on that package. */
#ifndef LS_VULN_SCAN_H
#define LS_VULN_SCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "pkg/inventory.h"
#include "vuln/vulndb.h"

struct vuln_finding {
	char *id;      /* the advisory's id: GO-2023-1234, DSA-5380-1, DEBIAN-CVE-…, … */
	char *name;    /* what people call it: its CVE alias when it has one, else id */
	char *aliases; /* JSON array text */
	char *source;
	const struct package *pkg; /* borrowed from the inventory */
	char *queried;  /* the package name looked up (the source package for OS packages) */
	char *installed; /* the version compared */
	char *fixed;    /* NULL: affected, no fix yet */
	const char *severity; /* CRITICAL, HIGH, MEDIUM, LOW, UNDEFINED */
	double cvss3_score;   /* -1 when none */
	char *cvss3_vector;
	double cvss_score;    /* the vector the severity came from (v3, v4 or v2); -1 when none */
	char *cvss_vector;
	char *title, *description, *url, *modified;
};

struct vuln_options {
	bool include_os_owned;
};

struct vuln_report {
	struct vuln_finding *findings; /* by severity, then name, then package */
	size_t n, cap;
	char **warnings;
	size_t n_warnings, cap_warnings;
	char *db_updated; /* the newest advisory modification in the database */
};

int vuln_scan(struct vulndb *db, const struct inventory *inv, const struct vuln_options *o,
	      struct vuln_report *out, ls_error *err);
void vuln_report_release(struct vuln_report *r);
void vuln_finding_release(struct vuln_finding *f);
int severity_rank(const char *s); /* UNDEFINED 0 … CRITICAL 4; -1 unknown */

#endif
