/* Semantic Versioning 2.0.0 precedence (semver.org §11), for npm and Go.
 * semver: MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD], an optional leading "v" as npm's
 * node-semver accepts; numbers without leading zeros. go: as golang.org/x/mod/semver —
 * "v" required (added here when missing, because OSV's Go records omit it), and the
 * shorthands vMAJOR and vMAJOR.MINOR (= .0). Build metadata (+incompatible, +build) never
 * matters. Pseudo-versions (v0.0.0-20191109021931-daa7c04131f5) are ordinary prereleases.
 * Precedence: numeric core; a version with a prerelease is older than the release; dotted
 * prerelease identifiers compared in turn: numbers by value, other identifiers bytewise,
 * a number before a non-number, fewer identifiers first when all before are equal. */
#include <string.h>

#include "vuln/version_internal.h"

struct semver {
	const char *core[3]; /* digits, or "0" for a Go shorthand */
	size_t core_len[3];
	const char *pre;     /* without the '-'; NULL when none */
	size_t pre_len;
};

static bool semver_ident_char(char c)
{
	return ver_isdigit(c) || ver_isalpha(c) || c == '-';
}

/* A number: "0" or digits without a leading zero. Returns its length, 0 if none. */
static size_t semver_number(const char *s)
{
	size_t n = 0;
	while (ver_isdigit(s[n]))
		n++;
	if (n > 1 && s[0] == '0')
		return 0;
	return n;
}

/* Dot-separated non-empty identifiers; numeric ones without leading zeros when `numeric`. */
static size_t semver_idents(const char *s, bool numeric_rule)
{
	size_t i = 0;
	for (;;) {
		size_t start = i;
		bool all_digits = true;
		while (semver_ident_char(s[i])) {
			all_digits = all_digits && ver_isdigit(s[i]);
			i++;
		}
		if (i == start)
			return 0;
		if (numeric_rule && all_digits && i - start > 1 && s[start] == '0')
			return 0;
		if (s[i] != '.')
			return i;
		i++;
	}
}

static bool semver_parse(const char *s, bool go, struct semver *v)
{
	static const char zero[] = "0";
	if (*s == 'v')
		s++;
	for (int part = 0; part < 3; part++) {
		if (part > 0) {
			if (go && !*s) { /* v1 = v1.0.0, v1.2 = v1.2.0 (no prerelease or build) */
				v->core[part] = zero;
				v->core_len[part] = 1;
				continue;
			}
			if (*s != '.')
				return false;
			s++;
		}
		size_t n = semver_number(s);
		if (!n)
			return false;
		v->core[part] = s;
		v->core_len[part] = n;
		s += n;
	}
	v->pre = NULL;
	v->pre_len = 0;
	if (*s == '-') {
		size_t n = semver_idents(s + 1, true);
		if (!n)
			return false;
		v->pre = s + 1;
		v->pre_len = n;
		s += 1 + n;
	}
	if (*s == '+') {
		size_t n = semver_idents(s + 1, false);
		if (!n)
			return false;
		s += 1 + n;
	}
	return *s == '\0';
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!ver_isdigit(s[i]))
			return false;
	return true;
}

static int semver_pre_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i = 0, j = 0;
	for (;;) {
		if (i >= alen || j >= blen)
			return (i >= alen) == (j >= blen) ? 0 : (i >= alen ? -1 : 1);
		size_t ie = i, je = j;
		while (ie < alen && a[ie] != '.')
			ie++;
		while (je < blen && b[je] != '.')
			je++;
		bool an = all_digits(a + i, ie - i), bn = all_digits(b + j, je - j);
		int r;
		if (an && bn)
			r = ver_digits_cmp(a + i, ie - i, b + j, je - j);
		else if (an || bn)
			r = an ? -1 : 1;
		else {
			size_t la = ie - i, lb = je - j;
			r = ver_sign(memcmp(a + i, b + j, la < lb ? la : lb));
			if (!r && la != lb)
				r = la < lb ? -1 : 1;
		}
		if (r)
			return r;
		i = ie + 1;
		j = je + 1;
	}
}

static int semver_cmp(const struct semver *a, const struct semver *b)
{
	for (int i = 0; i < 3; i++) {
		int r = ver_digits_cmp(a->core[i], a->core_len[i], b->core[i], b->core_len[i]);
		if (r)
			return r;
	}
	if (!a->pre || !b->pre)
		return a->pre ? -1 : (b->pre ? 1 : 0);
	return semver_pre_cmp(a->pre, a->pre_len, b->pre, b->pre_len);
}

bool semver_valid(const char *v, bool go)
{
	struct semver s;
	return semver_parse(v, go, &s);
}

int semver_compare(const char *a, const char *b, bool go, int *cmp, ls_error *err)
{
	struct semver x, y;
	const char *kind = go ? "Go module" : "semantic";
	if (!semver_parse(a, go, &x))
		return ls_fail(err, "invalid %s version '%s'", kind, a);
	if (!semver_parse(b, go, &y))
		return ls_fail(err, "invalid %s version '%s'", kind, b);
	*cmp = semver_cmp(&x, &y);
	return 0;
}
