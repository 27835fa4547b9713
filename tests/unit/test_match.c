/* OSV range evaluation with each ecosystem's order (backports, epochs, `~`, last_affected,
 * several intervals, limits, explicit version lists) and CVSS base scores. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vuln/cvss.h"
#include "vuln/match.h"

/* Is `version` affected under these ranges (JSON), and what fix is reported? */
static void expect(enum ecosystem eco, const char *ranges_json, const char *versions_json,
		   const char *version, bool affected, const char *fixed)
{
	json_t *ranges = json_loads(ranges_json, 0, NULL);
	json_t *versions = versions_json ? json_loads(versions_json, 0, NULL) : NULL;
	struct range_verdict v;
	ls_error err;
	assert_non_null(ranges);
	if (osv_affects(eco, ranges, versions, version, &v, &err) < 0)
		fail_msg("%s: %s", version, err.msg);
	if (v.affected != affected)
		fail_msg("%s: affected=%d, want %d", version, v.affected, affected);
	if (fixed)
		assert_string_equal(v.fixed ? v.fixed : "(none)", fixed);
	else if (v.fixed)
		fail_msg("%s: fix %s, want none", version, v.fixed);
	range_verdict_release(&v);
	json_decref(ranges);
	json_decref(versions);
}

#define R(events) "[{\"type\":\"ECOSYSTEM\",\"events\":[" events "]}]"

static void test_debian_backports(void **state)
{
	(void)state;
	const char *r = R("{\"introduced\":\"0\"},{\"fixed\":\"1.2.3-4+deb12u1\"}");
	expect(ECO_DEB, r, NULL, "1.2.3-4", true, "1.2.3-4+deb12u1");
	expect(ECO_DEB, r, NULL, "1.2.3-4+deb12u1", false, NULL);
	expect(ECO_DEB, r, NULL, "1.2.3-4+deb12u2", false, NULL);
	expect(ECO_DEB, r, NULL, "1.2.3-4~bpo12+1", true, "1.2.3-4+deb12u1");
	expect(ECO_DEB, r, NULL, "1:1.0-1", false, NULL); /* an epoch outranks everything */
	expect(ECO_DEB, r, NULL, "1.2.3~rc1-1", true, "1.2.3-4+deb12u1");
}

static void test_last_affected_and_intervals(void **state)
{
	(void)state;
	const char *r = R("{\"introduced\":\"1.0.0\"},{\"last_affected\":\"1.5.0\"}");
	expect(ECO_SEMVER, r, NULL, "0.9.0", false, NULL);
	expect(ECO_SEMVER, r, NULL, "1.0.0", true, NULL);
	expect(ECO_SEMVER, r, NULL, "1.5.0", true, NULL);
	expect(ECO_SEMVER, r, NULL, "1.5.1", false, NULL);
	const char *two = R("{\"introduced\":\"0\"},{\"fixed\":\"1.1.0\"},{\"introduced\":\"2.0.0\"},"
			    "{\"fixed\":\"2.2.0\"}");
	expect(ECO_SEMVER, two, NULL, "1.0.9", true, "1.1.0");
	expect(ECO_SEMVER, two, NULL, "1.5.0", false, NULL);
	expect(ECO_SEMVER, two, NULL, "2.1.0", true, "2.2.0");
	expect(ECO_SEMVER, two, NULL, "2.2.0", false, NULL);
	/* events in any order in the file */
	const char *shuffled = R("{\"fixed\":\"2.2.0\"},{\"introduced\":\"2.0.0\"},{\"fixed\":\"1.1.0\"},"
				 "{\"introduced\":\"0\"}");
	expect(ECO_SEMVER, shuffled, NULL, "2.1.0", true, "2.2.0");
	expect(ECO_SEMVER, shuffled, NULL, "1.2.0", false, NULL);
	/* no fix yet */
	expect(ECO_SEMVER, R("{\"introduced\":\"0\"}"), NULL, "9.9.9", true, NULL);
	/* an interval closed by last_affected has no fix even when a later interval has one */
	expect(ECO_SEMVER, R("{\"introduced\":\"0\"},{\"last_affected\":\"1.5.0\"},{\"introduced\":\"2.0.0\"},{\"fixed\":\"2.1.0\"}"),
	       NULL, "1.0.0", true, NULL);
}

static void test_limit(void **state)
{
	(void)state;
	const char *r = R("{\"introduced\":\"0\"},{\"limit\":\"2.0.0\"}");
	expect(ECO_SEMVER, r, NULL, "1.9.0", true, NULL);
	expect(ECO_SEMVER, r, NULL, "2.0.0", false, NULL);
}

static void test_go_and_apk_and_pypi(void **state)
{
	(void)state;
	const char *go = "[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"0.17.0\"}]}]";
	expect(ECO_GO, go, NULL, "v0.16.0", true, "0.17.0");
	expect(ECO_GO, go, NULL, "v0.0.0-20220722155217-630584e8d5aa", true, "0.17.0");
	expect(ECO_GO, go, NULL, "v0.17.0", false, NULL);
	const char *apk = R("{\"introduced\":\"0\"},{\"fixed\":\"1.31.1-r10\"}");
	expect(ECO_APK, apk, NULL, "1.31.1-r9", true, "1.31.1-r10");
	expect(ECO_APK, apk, NULL, "1.31.1-r10", false, NULL);
	expect(ECO_APK, apk, NULL, "1.32.0-r0", false, NULL);
	expect(ECO_APK, apk, NULL, "1.31.1_rc1-r0", true, "1.31.1-r10");
	/* an explicit versions list, matched under PEP 440 equality */
	expect(ECO_PEP440, "[]", "[\"1.0\", \"1.1\"]", "1.0.0", true, NULL);
	expect(ECO_PEP440, "[]", "[\"1.0\", \"1.1\"]", "1.2", false, NULL);
	expect(ECO_PEP440, R("{\"introduced\":\"0\"},{\"fixed\":\"1.10\"}"), NULL, "1.9", true, "1.10");
	expect(ECO_PEP440, R("{\"introduced\":\"0\"},{\"fixed\":\"1.10\"}"), NULL, "1.10.0", false, NULL);
	/* GIT ranges are commits, not versions */
	expect(ECO_SEMVER, "[{\"type\":\"GIT\",\"events\":[{\"introduced\":\"0\"}]}]", NULL, "1.0.0", false, NULL);
}

static void test_cvss(void **state)
{
	(void)state;
	static const struct { const char *v; double score; const char *rating; } cases[] = {
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, "CRITICAL"},
		{"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 9.9, "CRITICAL"},
		{"CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N", 5.5, "MEDIUM"},
		{"CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N", 3.1, "LOW"},
		{"CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1, "MEDIUM"},
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5, "HIGH"},
		{"CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:N", 0.0, "NONE"},
		{"AV:N/AC:L/Au:N/C:P/I:P/A:P", 7.5, "HIGH"},
		{"AV:N/AC:M/Au:N/C:N/I:P/A:N", 4.3, "MEDIUM"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		double s = cvss_base_score(cases[i].v);
		if (fabs(s - cases[i].score) > 0.001)
			fail_msg("%s: %.1f, want %.1f", cases[i].v, s, cases[i].score);
		assert_string_equal(cvss_rating(s), cases[i].rating);
	}
	assert_true(cvss_base_score("CVSS:3.1/AV:X") < 0);
	assert_true(cvss_base_score("garbage") < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debian_backports), cmocka_unit_test(test_last_affected_and_intervals),
		cmocka_unit_test(test_limit),            cmocka_unit_test(test_go_and_apk_and_pypi),
		cmocka_unit_test(test_cvss),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
