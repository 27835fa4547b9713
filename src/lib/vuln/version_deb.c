/* Debian versions as dpkg 1.21 orders them (lib/dpkg/version.c verrevcmp, lib/dpkg/parsehelp.c
 * parseversion): [epoch:]upstream[-revision]; the epoch is compared as a number, then upstream
 * and revision each with verrevcmp: alternating non-digit runs (compared character by
 * character: '~' before the end before letters before everything else) and digit runs
 * (compared as numbers). Written from dpkg's documented behaviour, not copied. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "vuln/version_internal.h"

struct deb_version {
	long epoch;
	char *upstream; /* owns the buffer; revision points into it */
	const char *revision;
	bool warning;   /* dpkg would warn (bad characters, no leading digit) but still compare */
};

/* dpkg's order(): the weight of one character in a non-digit run. The character is a plain
 * (signed) char there, so bytes >= 0x80 weigh less than 256 — kept for exactness. */
static int deb_order(int c)
{
	if (ver_isdigit(c))
		return 0;
	if (ver_isalpha(c))
		return c;
	if (c == '~')
		return -1;
	if (c)
		return c + 256;
	return 0;
}

static int deb_verrevcmp(const char *a, const char *b)
{
	while (*a || *b) {
		int first_diff = 0;
		while ((*a && !ver_isdigit(*a)) || (*b && !ver_isdigit(*b))) {
			int ac = deb_order((signed char)*a), bc = deb_order((signed char)*b);
			if (ac != bc)
				return ac - bc;
			a++;
			b++;
		}
		while (*a == '0')
			a++;
		while (*b == '0')
			b++;
		while (ver_isdigit(*a) && ver_isdigit(*b)) {
			if (!first_diff)
				first_diff = *a - *b;
			a++;
			b++;
		}
		if (ver_isdigit(*a))
			return 1;
		if (ver_isdigit(*b))
			return -1;
		if (first_diff)
			return first_diff;
	}
	return 0;
}

static bool deb_isblank(char c)
{
	return c == ' ' || c == '\t';
}

static bool deb_chars_ok(const char *s, const char *allowed)
{
	for (; *s; s++)
		if (!ver_isdigit(*s) && !ver_isalpha(*s) && !strchr(allowed, *s))
			return false;
	return true;
}

/* parseversion(): hard errors fail (dpkg refuses to compare); warnings only set v->warning. */
static int deb_parse(const char *s, struct deb_version *v, ls_error *err)
{
	v->epoch = 0;
	v->upstream = NULL;
	v->revision = "";
	v->warning = false;
	while (*s && deb_isblank(*s))
		s++;
	if (!*s)
		return ls_fail(err, "version string is empty");
	const char *end = s;
	while (*end && !deb_isblank(*end))
		end++;
	for (const char *p = end; *p; p++)
		if (!deb_isblank(*p))
			return ls_fail(err, "version string has embedded spaces");
	const char *colon = memchr(s, ':', (size_t)(end - s));
	if (colon) {
		char *eepoch;
		errno = 0;
		long epoch = strtol(s, &eepoch, 10);
		if (eepoch == s)
			return ls_fail(err, "epoch in version is empty");
		if (eepoch != colon)
			return ls_fail(err, "epoch in version is not number");
		if (epoch < 0)
			return ls_fail(err, "epoch in version is negative");
		if (epoch > INT_MAX || errno == ERANGE)
			return ls_fail(err, "epoch in version is too big");
		if (colon + 1 == end)
			return ls_fail(err, "nothing after colon in version number");
		v->epoch = epoch;
		s = colon + 1;
	}
	v->upstream = xstrndup(s, (size_t)(end - s));
	char *hyphen = strrchr(v->upstream, '-');
	if (hyphen) {
		*hyphen++ = '\0';
		if (!*hyphen) {
			free(v->upstream);
			v->upstream = NULL;
			return ls_fail(err, "revision number is empty");
		}
		v->revision = hyphen;
	}
	if (!*v->upstream) {
		free(v->upstream);
		v->upstream = NULL;
		return ls_fail(err, "version number is empty");
	}
	if (!ver_isdigit(*v->upstream) || !deb_chars_ok(v->upstream, ".-+~:") ||
	    !deb_chars_ok(v->revision, ".+~"))
		v->warning = true;
	return 0;
}

static int deb_parse_named(const char *s, struct deb_version *v, ls_error *err)
{
	if (deb_parse(s, v, err) < 0)
		return ls_wrap(err, "invalid Debian version '%s'", s);
	return 0;
}

/* dpkg --compare-versions takes "" (and "<unknown>") as the blank version, which sorts
 * before every real version. */
static bool deb_blank(const char *s)
{
	return !*s || !strcmp(s, "<unknown>");
}

int deb_version_compare(const char *a, const char *b, int *cmp, ls_error *err)
{
	struct deb_version va, vb;
	if (deb_blank(a) || deb_blank(b)) {
		const char *other = deb_blank(a) ? b : a;
		if (!deb_blank(other)) { /* still refuse a malformed other version */
			if (deb_parse_named(other, &va, err) < 0)
				return -1;
			free(va.upstream);
		}
		*cmp = deb_blank(a) == deb_blank(b) ? 0 : (deb_blank(a) ? -1 : 1);
		return 0;
	}
	if (deb_parse_named(a, &va, err) < 0)
		return -1;
	if (deb_parse_named(b, &vb, err) < 0) {
		free(va.upstream);
		return -1;
	}
	int r;
	if (va.epoch != vb.epoch)
		r = va.epoch < vb.epoch ? -1 : 1;
	else if ((r = deb_verrevcmp(va.upstream, vb.upstream)) == 0)
		r = deb_verrevcmp(va.revision, vb.revision);
	*cmp = ver_sign(r);
	free(va.upstream);
	free(vb.upstream);
	return 0;
}

bool deb_version_valid(const char *s)
{
	struct deb_version v;
	ls_error err;
	if (deb_parse(s, &v, &err) < 0)
		return false;
	free(v.upstream);
	return !v.warning;
}
