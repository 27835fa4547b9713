/* Version ordering: each ecosystem's tricky rules, ecosystem names, validity, apk's fuzzy
 * operators (and apk-tools' own validity/fuzzy vectors from ../shared/oracle when present). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "vuln/version.h"

struct vcase {
	const char *a, *b;
	int want; /* -1, 0, 1 */
};

static void check_cases(enum ecosystem eco, const struct vcase *cases, size_t n)
{
	int failures = 0;
	for (size_t i = 0; i < n; i++) {
		for (int swap = 0; swap < 2; swap++) { /* both directions: antisymmetry */
			const char *a = swap ? cases[i].b : cases[i].a, *b = swap ? cases[i].a : cases[i].b;
			int want = swap ? -cases[i].want : cases[i].want, cmp = 99;
			ls_error err = {{0}};
			if (version_compare(eco, a, b, &cmp, &err) < 0) {
				print_message("# %s: '%s' vs '%s': error %s\n", ecosystem_name(eco), a, b, err.msg);
				failures++;
			} else if ((cmp > 0) - (cmp < 0) != want) {
				print_message("# %s: '%s' vs '%s': got %d, want %d\n", ecosystem_name(eco), a, b,
					      cmp, want);
				failures++;
			}
		}
	}
	assert_int_equal(failures, 0);
}

static void check_invalid(enum ecosystem eco, const char *const *bad, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		ls_error err = {{0}};
		int cmp;
		if (version_compare(eco, bad[i], "1.0.0", &cmp, &err) != -1)
			fail_msg("%s: '%s' should be refused", ecosystem_name(eco), bad[i]);
		assert_non_null(strstr(err.msg, bad[i])); /* the message names the version */
		assert_false(version_valid(eco, bad[i]));
	}
}

#define N(x) (sizeof(x) / sizeof((x)[0]))

static void test_deb(void **state)
{
	(void)state;
	static const struct vcase cases[] = {
		{"1.0~rc1", "1.0", -1},          {"1.0~~", "1.0~", -1},        {"1.0~", "1.0", -1},
		{"1.0", "1.0+b1", -1},           {"1.0a", "1.0", 1},           {"1.0.", "1.0a", 1},
		{"1:0.9", "2.0", 1},             {"0:1.0", "1.0", 0},          {"1.00", "1.0", 0},
		{"2.30", "2.4", 1},              {"1.0-1", "1.0.1", -1},       {"1.2.3-4+deb12u1", "1.2.3-4", 1},
		{"1.2.3-4+deb12u1", "1.2.3-5", -1}, {"1.2.3-4~bpo11+1", "1.2.3-4", -1},
		{"2:1.0", "1:9.9", 1},           {"1.0-1-2", "1.0-1-1", 1},    {"1.0-a", "1.0-A", 1},
		{"1.0+dfsg-1", "1.0-1", 1},      {"", "0", -1},                {"7.6p2-4", "7.6-0", 1},
		{"1:1.18.36:5.4", "1:1.18.36:5.5", -1}, /* ':' in upstream (with an epoch) */
		{"", "", 0}, {"<unknown>", "0~", -1}, /* the blank version: before all */
		{" 1.0 ", "1.0", 0},
	};
	check_cases(ECO_DEB, cases, N(cases));
	static const char *const bad[] = {"1:", ":1", "a:1", "1 2", "1.0-", "1:-1", "-1:2"};
	for (size_t i = 0; i < N(bad); i++) {
		ls_error err = {{0}};
		int cmp;
		assert_int_equal(version_compare(ECO_DEB, bad[i], "1", &cmp, &err), -1);
		assert_non_null(strstr(err.msg, bad[i]));
	}
	/* dpkg only warns about these: compared, but not "valid". */
	assert_false(version_valid(ECO_DEB, "abc"));
	assert_false(version_valid(ECO_DEB, "1_2"));
	assert_true(version_valid(ECO_DEB, "1:2.3~rc1-4+deb12u1"));
}

static void test_apk(void **state)
{
	(void)state;
	static const struct vcase cases[] = {
		{"1.0_alpha", "1.0", -1},       {"1.0_alpha", "1.0_beta", -1}, {"1.0_beta", "1.0_pre", -1},
		{"1.0_pre", "1.0_rc", -1},      {"1.0_rc1", "1.0_beta2", 1},   {"1.0", "1.0_cvs", -1},
		{"1.0_cvs", "1.0_svn", -1},     {"1.0_svn", "1.0_git", -1},    {"1.0_git", "1.0_hg", -1},
		{"1.0_hg", "1.0_p", -1},        {"1.0_p1", "1.0", 1},          {"1.0-r1", "1.0", 1},
		{"1.0-r10", "1.0-r9", 1},       {"1.0a", "1.0", 1},            {"1.0a", "1.0b", -1},
		{"1.0a", "1.0.1", -1},          {"1.01", "1.1", -1},           {"1.001", "1.01", -1},
		{"1.0", "1.0.0", -1},           {"2.34", "0.1.0_alpha", 1},    {"1.0_rc1-r1", "1.0_rc1", 1},
		{"1.0_alpha_pre", "1.0_alpha", -1}, {"1.0_p1_p2", "1.0_p1", 1},
		{"1.0_git20240101", "1.0_git20231231", 1}, {"1.0~abc", "1.0~abd", -1},
		{"1.0_p1~abc-r1", "1.0_p1~abc-r0", 1}, {"1.10", "1.9", 1},
		{"18446744073709551617", "18446744073709551616", 1}, /* longer than 64 bits */
	};
	check_cases(ECO_APK, cases, N(cases));
	assert_true(version_valid(ECO_APK, "0.1_pre2~1234abcd"));
	assert_true(version_valid(ECO_APK, "1.2.3a_rc1_p2-r4"));
	assert_false(version_valid(ECO_APK, "0.1a1"));
	assert_false(version_valid(ECO_APK, "0.1_foobar"));
	assert_false(version_valid(ECO_APK, "0.1-r2_pre1"));
	assert_false(version_valid(ECO_APK, "0.1_pre2~1234xbcd"));
	assert_false(version_valid(ECO_APK, ""));
	bool match;
	ls_error err;
	assert_int_equal(apk_version_match("3.6.9", "~", "3.6", &match, &err), 0);
	assert_true(match);
	assert_int_equal(apk_version_match("3.8.0", "~", "3.8.1", &match, &err), 0);
	assert_false(match);
	assert_int_equal(apk_version_match("3.5", "<~", "3.6", &match, &err), 0);
	assert_true(match);
	assert_int_equal(apk_version_match("1.0", "??", "1.0", &match, &err), -1);
	assert_int_equal(apk_version_match("1.0", "", "1.0", &match, &err), -1);
	assert_int_equal(apk_version_match("1.0", ">=", "1.0", &match, &err), 0);
	assert_true(match);
}

static void test_rpmvercmp(void **state)
{
	(void)state;
	static const struct vcase cases[] = {
		{"1.0~rc1", "1.0", -1},   {"1.0~rc1", "1.0~rc2", -1}, {"1.0~rc1~git", "1.0~rc1", -1},
		{"1.0^git1", "1.0", 1},   {"1.0^git1", "1.0.1", -1},  {"1.0^git1", "1.0^git2", -1},
		{"1.0^", "1.0", 1},       {"1.0~", "1.0", -1},        {"1.0a", "1.0", 1},
		{"2.0a", "2.0.1", -1},    {"10", "9", 1},             {"001", "1", 0},
		{"1.0", "1_0", 0},        {"1.0", "1.0.0", -1},       {"a", "1", -1},
		{"1:1.0", "2.0", -1},     /* one string: "1" < "2", no epoch */
		{"", "", 0},              {"", "1", -1},              {"1.1.α", "1.1.β", 0},
		{"1b.fc17", "1.fc17", -1}, {"99999999999999999999999", "99999999999999999999998", 1},
		{"fc4", "fc.4", 0},       {"FC5", "fc4", -1},
	};
	check_cases(ECO_RPMVERCMP, cases, N(cases));
}

static void test_rpm_evr(void **state)
{
	(void)state;
	static const struct vcase cases[] = {
		{"1:1.0", "2.0", 1},          {"0:1.0-1", "1.0-1", 0},    {"1.0-2", "1.0-1", 1},
		{"1.0-1", "1.0", 1},          /* a missing release sorts first (rpmverCmp) */
		{"1.0-", "1.0", 1},
		{"1.0-1.el8", "1.0-1.el8_1", -1}, {"2.9.1-6.0.1.el7_2.3", "2.9.1-6.el7_2.3", 1},
		{"1.0-1-2", "1.0-1-1", 1},    /* release after the last '-' */
		{"1.0~rc1-1", "1.0-1", -1},   {":1.0", "0:1.0", 0},       {"2:0", "1:99", 1},
	};
	check_cases(ECO_RPM, cases, N(cases));
}

static void test_semver(void **state)
{
	(void)state;
	static const struct vcase cases[] = {
		{"1.0.0-alpha", "1.0.0-alpha.1", -1}, {"1.0.0-alpha.1", "1.0.0-alpha.beta", -1},
		{"1.0.0-alpha.beta", "1.0.0-beta", -1}, {"1.0.0-beta", "1.0.0-beta.2", -1},
		{"1.0.0-beta.2", "1.0.0-beta.11", -1}, {"1.0.0-beta.11", "1.0.0-rc.1", -1},
		{"1.0.0-rc.1", "1.0.0", -1},         {"1.0.0+build.1", "1.0.0+build.2", 0},
		{"v1.2.3", "1.2.3", 0},              {"1.10.0", "1.9.0", 1},
		{"1.0.0-x-y", "1.0.0-x", 1},         {"1.0.0-1a", "1.0.0-2", 1}, /* 1a is not a number */
		{"1.0.0-Z", "1.0.0-a", -1},          /* ASCII order */
		{"99999999999999999999.0.0", "9999999999999999999.0.0", 1},
	};
	check_cases(ECO_SEMVER, cases, N(cases));
	static const char *const bad[] = {"1.2", "01.2.3", "1.2.3-01", "1.2.3-", "1.2.3+", "1.2.3.4",
					  "a.b.c", "1.2.3-a..b", "v1", ""};
	check_invalid(ECO_SEMVER, bad, N(bad));
}

static void test_go(void **state)
{
	(void)state;
	static const struct vcase cases[] = {
		{"v1.2.3", "1.2.3", 0},   {"v1", "v1.0.0", 0},     {"v1.2", "v1.2.0", 0},
		{"v2.0.0+incompatible", "v2.0.0", 0},              {"v2.0.0+incompatible", "v1.9.9", 1},
		{"v0.0.0-20191109021931-daa7c04131f5", "v0.0.1", -1},
		{"v0.0.0-20191109021931-daa7c04131f5", "v0.0.0-20200101000000-aaaaaaaaaaaa", -1},
		{"v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.3", 1},
		{"v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.4", -1},
		{"v1.2.4-pre.0.20191109021931-daa7c04131f5", "v1.2.4-pre", 1},
		{"0", "v0.0.0", 0}, /* OSV's "introduced: 0" without the v */
	};
	check_cases(ECO_GO, cases, N(cases));
	static const char *const bad[] = {"v1.2-pre", "v1.2.3.4", "v01.2.3", "vx", "v1.2.3-", "1.2.3 "};
	check_invalid(ECO_GO, bad, N(bad));
}

static void test_pep440(void **state)
{
	(void)state;
	static const struct vcase cases[] = {
		{"1.0", "1.0.0", 0},            {"1.0.dev1", "1.0a1", -1},       {"1.0a1", "1.0b1", -1},
		{"1.0b1", "1.0rc1", -1},        {"1.0rc1", "1.0", -1},           {"1.0", "1.0.post1", -1},
		{"1.0-rc1", "1.0rc1", 0},       {"1.0a", "1.0a0", 0},            {"v1.0", "1.0", 0},
		{"1.0.post1", "1.0-1", 0},      {"1.0.r1", "1.0rev1", 0},        {"1.0.post", "1.0.post0", 0},
		{"1!0.1", "2.0", 1},            {"1.0+local", "1.0", 1},         {"1.0+abc", "1.0+1", -1},
		{"1.0+1.2", "1.0+1", 1},        {"1.0+ubuntu-1", "1.0+ubuntu.1", 0},
		{"1.0a1", "1.0a1.post1.dev1", -1}, {"1.0a1.post1.dev1", "1.0a1.post1", -1},
		{"1.0c1", "1.0rc1", 0},         {"1.0preview1", "1.0rc1", 0},    {"1.0ALPHA", "1.0a0", 0},
		{"1.0.dev0", "1.0a0.dev0", -1}, {"1.0.post1.dev0", "1.0.post1", -1},
		{"1.0.post1.dev0", "1.0", 1},   {"1.1", "1.0.9999", 1},          {"1.0_a_1", "1.0a1", 0},
		{" 1.0 ", "1.0", 0},            {"1.0a-1", "1.0a1", 0},
		{"1.0+2", "1.0+10", -1},        {"1.0+a", "1.0+a.b", -1},
	};
	check_cases(ECO_PEP440, cases, N(cases));
	static const char *const bad[] = {"1.0junk", "1..0", "1.0+", "1.0+a..b", "a1", "1.0-", "1.0.a.b",
					  "1.0a1a2"};
	check_invalid(ECO_PEP440, bad, N(bad));
	assert_false(version_valid(ECO_PEP440, ""));
}

static void test_maven(void **state)
{
	(void)state;
	static const struct vcase cases[] = {
		{"1", "1.0", 0},              {"1.0", "1.0.0", 0},            {"1-alpha", "1-beta", -1},
		{"1-beta", "1-milestone", -1}, {"1-milestone", "1-rc", -1},   {"1-rc", "1-cr", 0},
		{"1-rc", "1-snapshot", -1},   {"1-snapshot", "1", -1},         {"1", "1-ga", 0},
		{"1-ga", "1-final", 0},       {"1-final", "1-release", 0},     {"1", "1-sp", -1},
		{"1-sp", "1-foo", -1},        {"1-foo", "1-goo", -1},          {"1-foo", "1.1", -1},
		{"1a1", "1-alpha-1", 0},      {"1.0.0.RC1", "1.0.0-RC2", -1},  {"2.0.a", "2-a", 0},
		{"1-1", "1.0-1", 0},          {"1-1", "1.1", -1},              {"1.0-SNAPSHOT", "1.0", -1},
		{"1.2.3", "1.2-SNAPSHOT", 1}, {"1.0-alpha1", "1.0-ALPHA1", 0}, {"1.0.1", "1.0-sp", 1},
		{"1..2", "1.0.2", 0},         {"1-m1", "1-milestone-1", 0},    {"1.10", "1.9", 1},
		{"12345678901234567890", "12345678901234567889", 1},         {"1-b1", "1-beta-1", 0},
	};
	check_cases(ECO_MAVEN, cases, N(cases));
	/* Hostile input: every letter/digit switch nests a list; no recursion limit to hit. */
	size_t n = 40000;
	char *deep = xmalloc(n + 1), *deeper = xmalloc(n + 1);
	for (size_t i = 0; i < n; i++)
		deep[i] = deeper[i] = i % 2 ? 'a' : '1';
	deep[n] = deeper[n] = '\0';
	deeper[n - 1] = 'b';
	int cmp;
	ls_error err;
	assert_int_equal(version_compare(ECO_MAVEN, deep, deeper, &cmp, &err), 0);
	assert_true(cmp < 0);
	assert_int_equal(version_compare(ECO_MAVEN, deep, deep, &cmp, &err), 0);
	assert_int_equal(cmp, 0);
	assert_int_equal(version_compare(ECO_MAVEN, deep, "1", &cmp, &err), 0);
	assert_true(cmp < 0); /* 1-alpha-1-... < 1 */
	free(deep);
	free(deeper);
}

static void test_names(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		enum ecosystem eco;
	} names[] = {
		{"deb", ECO_DEB},        {"apk", ECO_APK},          {"rpm", ECO_RPM},
		{"rpmvercmp", ECO_RPMVERCMP}, {"semver", ECO_SEMVER}, {"go", ECO_GO},
		{"pep440", ECO_PEP440},  {"maven", ECO_MAVEN},      {"Debian", ECO_DEB},
		{"Debian:12", ECO_DEB},  {"Ubuntu:22.04:LTS", ECO_DEB}, {"Alpine", ECO_APK},
		{"Alpine:v3.19", ECO_APK}, {"Go", ECO_GO},          {"PyPI", ECO_PEP440},
		{"npm", ECO_SEMVER},     {"Maven", ECO_MAVEN},      {"Red Hat", ECO_RPM},
		{"Red Hat:enterprise_linux:9::baseos", ECO_RPM}, {"Rocky Linux:9", ECO_RPM},
		{"AlmaLinux:8", ECO_RPM},
	};
	for (size_t i = 0; i < N(names); i++) {
		enum ecosystem eco;
		if (ecosystem_from_name(names[i].name, &eco) < 0)
			fail_msg("'%s' not recognised", names[i].name);
		assert_int_equal(eco, names[i].eco);
	}
	enum ecosystem eco;
	assert_int_equal(ecosystem_from_name("cobol", &eco), -1);
	assert_int_equal(ecosystem_from_name("", &eco), -1);
	assert_int_equal(ecosystem_from_name("Deb", &eco), -1);
	assert_string_equal(ecosystem_name(ECO_RPMVERCMP), "rpmvercmp");
}

/* apk-tools' own validity ('V', '!V') and fuzzy ('A ~ B', '!~', '<~', '>~') vectors. */
static void test_apk_extra(void **state)
{
	(void)state;
	const char *oracle = getenv("ORACLE"), *src = getenv("SRCDIR");
	char *path = oracle ? xasprintf("%s/versions/apk-extra.txt", oracle)
			    : xasprintf("%s/../shared/oracle/versions/apk-extra.txt", src ? src : ".");
	FILE *f = fopen(path, "r");
	if (!f) {
		/* Not a failure (a user's clone has no peer data); cmocka's skip() would print
		 * "not ok # SKIP", which meson counts as failed. */
		print_message("# SKIP apk-extra: %s not found (peer test data absent)\n", path);
		free(path);
		return;
	}
	free(path);
	char line[512];
	int n = 0, failures = 0;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || !line[0])
			continue;
		char *t1 = strchr(line, '\t');
		bool ok;
		if (t1) {
			*t1 = '\0';
			char *op = t1 + 1, *t2 = strchr(op, '\t');
			assert_non_null(t2);
			*t2 = '\0';
			bool negate = op[0] == '!', match;
			ls_error err;
			assert_int_equal(apk_version_match(line, negate ? op + 1 : op, t2 + 1, &match, &err), 0);
			ok = match != negate;
		} else if (line[0] == '!') {
			ok = !version_valid(ECO_APK, line + 1);
		} else {
			ok = version_valid(ECO_APK, line);
		}
		n++;
		if (!ok) {
			print_message("# apk-extra: '%s' fails\n", line);
			failures++;
		}
	}
	fclose(f);
	print_message("# apk-extra: %d/%d lines pass\n", n - failures, n);
	assert_true(n >= 40);
	assert_int_equal(failures, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deb),       cmocka_unit_test(test_apk),
		cmocka_unit_test(test_rpmvercmp), cmocka_unit_test(test_rpm_evr),
		cmocka_unit_test(test_semver),    cmocka_unit_test(test_go),
		cmocka_unit_test(test_pep440),    cmocka_unit_test(test_maven),
		cmocka_unit_test(test_names),     cmocka_unit_test(test_apk_extra),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
