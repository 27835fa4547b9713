/* Per-algorithm entry points behind version_compare(); one file each (version_<eco>.c). */
#ifndef LS_VULN_VERSION_INTERNAL_H
#define LS_VULN_VERSION_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "util/error.h"

int deb_version_compare(const char *a, const char *b, int *cmp, ls_error *err);
bool deb_version_valid(const char *v);

int apk_version_cmp(const char *a, const char *b);
bool apk_version_valid(const char *v);

int rpm_vercmp(const char *a, const char *b);
int rpm_evr_cmp(const char *a, const char *b);

int semver_compare(const char *a, const char *b, bool go, int *cmp, ls_error *err);
bool semver_valid(const char *v, bool go);

int pep440_compare(const char *a, const char *b, int *cmp, ls_error *err);
bool pep440_valid(const char *v);

int maven_compare(const char *a, const char *b);

static inline bool ver_isdigit(int c)
{
	return c >= '0' && c <= '9';
}

static inline bool ver_isalpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline int ver_sign(long long v)
{
	return (v > 0) - (v < 0);
}

/* Compare two runs of decimal digits by value, of any length (no overflow): leading zeros
 * are skipped, then the longer number is larger, then the first differing digit decides. */
static inline int ver_digits_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	while (alen > 0 && *a == '0')
		a++, alen--;
	while (blen > 0 && *b == '0')
		b++, blen--;
	if (alen != blen)
		return alen < blen ? -1 : 1;
	int r = alen ? memcmp(a, b, alen) : 0;
	return ver_sign(r);
}

#endif
