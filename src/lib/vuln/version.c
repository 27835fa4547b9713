/* Version ordering: the ecosystem table and dispatch to one algorithm per file. */
#include "vuln/version.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "vuln/version_internal.h"

struct eco_name {
	const char *name;
	enum ecosystem eco;
};

/* Our names first (exact), then OSV's ecosystem names (case-insensitive, before any ':'
 * release suffix such as "Debian:12" or "Alpine:v3.19"). */
static const struct eco_name our_names[] = {
	{"deb", ECO_DEB},       {"apk", ECO_APK},       {"rpm", ECO_RPM},
	{"rpmvercmp", ECO_RPMVERCMP}, {"semver", ECO_SEMVER}, {"go", ECO_GO},
	{"pep440", ECO_PEP440}, {"maven", ECO_MAVEN},
};

static const struct eco_name osv_names[] = {
	{"Debian", ECO_DEB},        {"Ubuntu", ECO_DEB},        {"Alpine", ECO_APK},
	{"Wolfi", ECO_APK},         {"Chainguard", ECO_APK},    {"Red Hat", ECO_RPM},
	{"Rocky Linux", ECO_RPM},   {"AlmaLinux", ECO_RPM},     {"openSUSE", ECO_RPM},
	{"SUSE", ECO_RPM},          {"Mageia", ECO_RPM},        {"openEuler", ECO_RPM},
	{"Oracle Linux", ECO_RPM},  {"Fedora", ECO_RPM},        {"CentOS", ECO_RPM},
	{"Amazon Linux", ECO_RPM},  {"Go", ECO_GO},             {"PyPI", ECO_PEP440},
	{"npm", ECO_SEMVER},        {"crates.io", ECO_SEMVER},  {"Hex", ECO_SEMVER},
	{"Maven", ECO_MAVEN},
};

int ecosystem_from_name(const char *name, enum ecosystem *out)
{
	for (size_t i = 0; i < sizeof(our_names) / sizeof(our_names[0]); i++)
		if (!strcmp(name, our_names[i].name)) {
			*out = our_names[i].eco;
			return 0;
		}
	const char *colon = strchr(name, ':');
	size_t n = colon ? (size_t)(colon - name) : strlen(name);
	for (size_t i = 0; i < sizeof(osv_names) / sizeof(osv_names[0]); i++)
		if (strlen(osv_names[i].name) == n && !strncasecmp(name, osv_names[i].name, n)) {
			*out = osv_names[i].eco;
			return 0;
		}
	return -1;
}

const char *ecosystem_name(enum ecosystem eco)
{
	for (size_t i = 0; i < sizeof(our_names) / sizeof(our_names[0]); i++)
		if (our_names[i].eco == eco)
			return our_names[i].name;
	return "?";
}

int version_compare(enum ecosystem eco, const char *a, const char *b, int *cmp, ls_error *err)
{
	switch (eco) {
	case ECO_DEB: return deb_version_compare(a, b, cmp, err);
	case ECO_APK: *cmp = apk_version_cmp(a, b); return 0;
	case ECO_RPM: *cmp = rpm_evr_cmp(a, b); return 0;
	case ECO_RPMVERCMP: *cmp = rpm_vercmp(a, b); return 0;
	case ECO_SEMVER: return semver_compare(a, b, false, cmp, err);
	case ECO_GO: return semver_compare(a, b, true, cmp, err);
	case ECO_PEP440: return pep440_compare(a, b, cmp, err);
	case ECO_MAVEN: *cmp = maven_compare(a, b); return 0;
	}
	return ls_fail(err, "unknown ecosystem %d", (int)eco);
}

bool version_valid(enum ecosystem eco, const char *v)
{
	switch (eco) {
	case ECO_DEB: return deb_version_valid(v);
	case ECO_APK: return apk_version_valid(v);
	case ECO_RPM:
	case ECO_RPMVERCMP:
	case ECO_MAVEN: return *v != '\0';
	case ECO_SEMVER: return semver_valid(v, false);
	case ECO_GO: return semver_valid(v, true);
	case ECO_PEP440: return pep440_valid(v);
	}
	return false;
}
