/* RPM versions as librpmio 4.18 orders them.
 * rpm_vercmp() is rpmvercmp(): equal strings are equal; otherwise both strings are walked
 * segment by segment, skipping separators (anything not an ASCII letter or digit, '~' or
 * '^'). '~' sorts before everything, even the end of the string (1.0~rc1 < 1.0); '^' sorts
 * after the end but before anything else (1.0 < 1.0^git1 < 1.0.1). A segment is a run of
 * digits (compared as a number of any length) or of letters (compared bytewise); a number
 * is newer than letters. When one string runs out, the one with a segment left is newer.
 * rpm_evr_cmp() is rpmverCmp() on rpmverParse() results: epoch = leading digits before ':'
 * (missing = 0), release = after the last '-'; epochs, versions and releases are compared
 * with rpmvercmp(), a missing release before any release (1.0 < 1.0-1, as rpm.ver() in
 * rpm's Lua). Written from the documented
 * behaviour and rpm's test vectors, not copied. */
#include <string.h>

#include "vuln/version_internal.h"

static bool rpm_isalnum(char c)
{
	return ver_isdigit(c) || ver_isalpha(c);
}

/* rpmvercmp on [a, a_end) and [b, b_end): strings need not be NUL-terminated there. */
static int rpm_vercmp_n(const char *a, const char *a_end, const char *b, const char *b_end)
{
	if (a_end - a == b_end - b && !memcmp(a, b, (size_t)(a_end - a)))
		return 0;
	const char *one = a, *two = b;
	while (one < a_end || two < b_end) {
		while (one < a_end && !rpm_isalnum(*one) && *one != '~' && *one != '^')
			one++;
		while (two < b_end && !rpm_isalnum(*two) && *two != '~' && *two != '^')
			two++;
		bool one_end = one == a_end, two_end = two == b_end;
		/* Tilde: sorts before everything else. */
		if ((!one_end && *one == '~') || (!two_end && *two == '~')) {
			if (one_end || *one != '~')
				return 1;
			if (two_end || *two != '~')
				return -1;
			one++;
			two++;
			continue;
		}
		/* Caret: as tilde, except that the end of a string sorts before it. */
		if ((!one_end && *one == '^') || (!two_end && *two == '^')) {
			if (one_end)
				return -1;
			if (two_end)
				return 1;
			if (*one != '^')
				return 1;
			if (*two != '^')
				return -1;
			one++;
			two++;
			continue;
		}
		if (one_end || two_end)
			break;
		const char *s1 = one, *s2 = two;
		bool isnum = ver_isdigit(*s1);
		if (isnum) {
			while (s1 < a_end && ver_isdigit(*s1))
				s1++;
			while (s2 < b_end && ver_isdigit(*s2))
				s2++;
		} else {
			while (s1 < a_end && ver_isalpha(*s1))
				s1++;
			while (s2 < b_end && ver_isalpha(*s2))
				s2++;
		}
		/* Segments of different kinds: the numeric one is newer. */
		if (two == s2)
			return isnum ? 1 : -1;
		if (isnum) {
			int r = ver_digits_cmp(one, (size_t)(s1 - one), two, (size_t)(s2 - two));
			if (r)
				return r;
		} else {
			size_t l1 = (size_t)(s1 - one), l2 = (size_t)(s2 - two);
			int r = memcmp(one, two, l1 < l2 ? l1 : l2);
			if (r)
				return ver_sign(r);
			if (l1 != l2)
				return l1 < l2 ? -1 : 1;
		}
		one = s1;
		two = s2;
	}
	if (one == a_end && two == b_end)
		return 0;
	return one == a_end ? -1 : 1;
}

int rpm_vercmp(const char *a, const char *b)
{
	return rpm_vercmp_n(a, a + strlen(a), b, b + strlen(b));
}

struct rpm_evr {
	const char *e, *e_end; /* NULL when there is no epoch: compared as "0" */
	const char *v, *v_end;
	const char *r, *r_end; /* NULL when there is no release */
};

static void rpm_evr_parse(const char *s, struct rpm_evr *evr)
{
	static const char zero[] = "0";
	const char *end = s + strlen(s), *p = s;
	while (ver_isdigit(*p))
		p++;
	const char *hyphen = strrchr(p, '-');
	if (*p == ':') {
		evr->e = s;
		evr->e_end = p;
		if (p == s) {
			evr->e = zero;
			evr->e_end = zero + 1;
		}
		evr->v = p + 1;
	} else {
		evr->e = zero;
		evr->e_end = zero + 1;
		evr->v = s;
	}
	if (hyphen) {
		evr->v_end = hyphen;
		evr->r = hyphen + 1;
		evr->r_end = end;
	} else {
		evr->v_end = end;
		evr->r = evr->r_end = NULL;
	}
}

int rpm_evr_cmp(const char *a, const char *b)
{
	struct rpm_evr x, y;
	rpm_evr_parse(a, &x);
	rpm_evr_parse(b, &y);
	int r = rpm_vercmp_n(x.e, x.e_end, y.e, y.e_end);
	if (!r)
		r = rpm_vercmp_n(x.v, x.v_end, y.v, y.v_end);
	if (!r && (x.r || y.r)) /* a missing release sorts before any release, even "" */
		r = !x.r ? -1 : !y.r ? 1 : rpm_vercmp_n(x.r, x.r_end, y.r, y.r_end);
	return r;
}
