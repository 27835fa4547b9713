/* vuln_scan on a tiny database written here and imported fresh, against hand-made apk
 * packages:
 * - Alpine secdb: one CVE listed under two fixed versions of one package in one release (an
 *   APKBUILD's secfixes keep the history of older version lines) is kept whole, and a version
 *   is affected only when it is below the fix of its own line;
 * - severity: with several CVSS versions in a record, v3 decides, then v4, then v2, whatever
 *   their order; v4 vectors are scored. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/mem.h"
#include "vuln/scan.h"
#include "vuln/vulndb.h"

static const char secdb[] =
	"{\"distroversion\": \"v3.18\", \"reponame\": \"main\", \"packages\": [\n"
	" {\"pkg\": {\"name\": \"openssl\", \"secfixes\": {\n"
	"   \"1.1.1t-r0\": [\"CVE-2023-0286\"],\n"
	"   \"3.0.8-r0\": [\"CVE-2023-0286\", \"CVE-2023-0215\"],\n"
	"   \"3.0.9-r0\": [\"CVE-2023-0215\"],\n"
	"   \"0\": [\"CVE-2000-0001\"]}}}]}\n";

#define OSV(id, severity)                                                                        \
	"{\"id\": \"" id "\", \"modified\": \"2024-01-01T00:00:00Z\", \"severity\": [" severity "],"    \
	" \"affected\": [{\"package\": {\"ecosystem\": \"Alpine:v3.18\", \"name\": \"zlib\"},"         \
	" \"ranges\": [{\"type\": \"ECOSYSTEM\", \"events\": [{\"introduced\": \"0\"}, {\"fixed\": \"1.3-r0\"}]}]}]}"
#define V2_MEDIUM "{\"type\": \"CVSS_V2\", \"score\": \"AV:N/AC:L/Au:N/C:N/I:N/A:P\"}"
#define V2_HIGH "{\"type\": \"CVSS_V2\", \"score\": \"AV:N/AC:L/Au:N/C:P/I:P/A:P\"}"
#define V3_MEDIUM "{\"type\": \"CVSS_V3\", \"score\": \"CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N\"}"
#define V4_CRITICAL                                                                              \
	"{\"type\": \"CVSS_V4\", \"score\": \"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N\"}"
#define V4_LOW                                                                                   \
	"{\"type\": \"CVSS_V4\", \"score\": \"CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:A/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N/E:U\"}"
#define V4_BROKEN "{\"type\": \"CVSS_V4\", \"score\": \"CVSS:4.0/AV:N/AC:L\"}"

static const char osv[] = "[" OSV("CVE-2099-0001", V2_MEDIUM ", " V4_CRITICAL ", " V3_MEDIUM) ","
	OSV("CVE-2099-0002", V2_MEDIUM ", " V4_CRITICAL) "," OSV("CVE-2099-0003", V4_BROKEN ", " V2_HIGH) ","
	OSV("CVE-2099-0004", V4_LOW) "]";

struct fixture {
	char dir[64];
	char db_path[96];
	struct vulndb *db;
};

static void write_file(const char *path, const char *text)
{
	FILE *out = fopen(path, "w");
	assert_non_null(out);
	fputs(text, out);
	fclose(out);
}

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	char json_path[96], osv_path[96], *paths[2] = {json_path, osv_path};
	struct import_stats st = {0};
	ls_error err;
	snprintf(f->dir, sizeof(f->dir), "/tmp/ls-secdb-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->db_path, sizeof(f->db_path), "%s/vuln.db", f->dir);
	snprintf(json_path, sizeof(json_path), "%s/secdb.json", f->dir);
	snprintf(osv_path, sizeof(osv_path), "%s/osv.json", f->dir);
	write_file(json_path, secdb);
	write_file(osv_path, osv);
	if (vulndb_open(f->db_path, true, &f->db, &err) < 0 ||
	    vulndb_import_paths(f->db, paths, 2, &st, &err) < 0)
		fail_msg("%s", err.msg);
	unlink(json_path);
	unlink(osv_path);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	vulndb_close(f->db);
	unlink(f->db_path);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* The fixed version (or the severity) reported for `cve` on package `name` `version`, ""
 * when not affected. */
static char *finding(struct fixture *f, const char *name, const char *version, const char *cve,
		     bool severity)
{
	struct inventory inv = {0};
	struct vuln_options o = {0};
	struct vuln_report r = {0};
	ls_error err;
	pkg_list_init(&inv.pkgs);
	inv.os.id = xstrdup("alpine");
	inv.os.version = xstrdup("3.18.4");
	inv.os.osv = xstrdup("Alpine:v3.18");
	struct package *p = pkg_list_add(&inv.pkgs, PKG_APK);
	p->name = xstrdup(name);
	p->version = xstrdup(version);
	p->source_name = xstrdup(name);
	if (vuln_scan(f->db, &inv, &o, &r, &err) < 0)
		fail_msg("%s", err.msg);
	char *fixed = xstrdup("");
	for (size_t i = 0; i < r.n; i++)
		if (!strcmp(r.findings[i].name, cve)) {
			free(fixed);
			if (severity)
				fixed = xasprintf("%s %.1f", r.findings[i].severity, r.findings[i].cvss3_score);
			else
				fixed = xstrdup(r.findings[i].fixed ? r.findings[i].fixed : "(no fix)");
		}
	vuln_report_release(&r);
	pkg_list_release(&inv.pkgs);
	os_release_release(&inv.os);
	return fixed;
}

static void expect(struct fixture *f, const char *version, const char *cve, const char *fixed)
{
	char *got = finding(f, "openssl", version, cve, false);
	if (strcmp(got, fixed))
		fail_msg("openssl %s, %s: fixed '%s', want '%s'", version, cve, got, fixed);
	free(got);
}

static void test_fix_of_its_own_line(void **state)
{
	struct fixture *f = *state;
	/* the 1.1 line: fixed in 1.1.1t */
	expect(f, "1.1.1s-r0", "CVE-2023-0286", "1.1.1t-r0");
	expect(f, "1.1.1t-r0", "CVE-2023-0286", "");
	expect(f, "1.1.1u-r1", "CVE-2023-0286", "");
	/* the 3.0 line: fixed in 3.0.8, whatever the 1.1 line says */
	expect(f, "3.0.7-r0", "CVE-2023-0286", "3.0.8-r0");
	expect(f, "3.0.8-r0", "CVE-2023-0286", "");
	expect(f, "3.1.0-r0", "CVE-2023-0286", "");
}

static void test_later_fix_in_the_same_line_wins(void **state)
{
	struct fixture *f = *state;
	/* listed under 3.0.8-r0 and again under 3.0.9-r0: the first fix was incomplete */
	expect(f, "3.0.8-r0", "CVE-2023-0215", "3.0.9-r0");
	expect(f, "3.0.9-r0", "CVE-2023-0215", "");
}

static void test_never_affected(void **state)
{
	struct fixture *f = *state;
	expect(f, "1.0.0-r0", "CVE-2000-0001", "");
}

/* The severity and the CVSS v3 score (-1.0 when none) of a zlib finding. */
static void expect_severity(struct fixture *f, const char *cve, const char *want)
{
	char *got = finding(f, "zlib", "1.2.13-r0", cve, true);
	if (strcmp(got, want))
		fail_msg("%s: '%s', want '%s'", cve, got, want);
	free(got);
}

static void test_cvss_version_preference(void **state)
{
	struct fixture *f = *state;
	expect_severity(f, "CVE-2099-0001", "MEDIUM 5.5");    /* v3 (5.5) over v4 (9.3) and v2 */
	expect_severity(f, "CVE-2099-0002", "CRITICAL -1.0"); /* v4 (9.3) over v2 (5.0) */
	expect_severity(f, "CVE-2099-0003", "HIGH -1.0");     /* a broken v4 is skipped: v2 7.5 */
	expect_severity(f, "CVE-2099-0004", "LOW -1.0");      /* v4 with E:U: 0.4 */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fix_of_its_own_line),
		cmocka_unit_test(test_later_fix_in_the_same_line_wins),
		cmocka_unit_test(test_never_affected),
		cmocka_unit_test(test_cvss_version_preference),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
