/* dpkg status parsing: installed-only, the three Source forms, continuation lines, status.d
 * stanzas without Status, malformed stanzas (warned, skipped), binary garbage; .list files;
 * os-release detection and OSV names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "pkg/pkg.h"

static const char status[] =
	"Package: libc6\n"
	"Status: install ok installed\n"
	"Architecture: amd64\n"
	"Source: glibc\n"
	"Version: 2.36-9+deb12u4\n"
	"Description: GNU C Library\n"
	" continuation: with a colon\n"
	"\n"
	"Package: removed\n"
	"Status: deinstall ok config-files\n"
	"Version: 1.0\n"
	"\n"
	"Package: bsdutils\n"
	"Status: install ok installed\n"
	"Version: 1:2.38.1-5+b1\n"
	"Source: util-linux (2.38.1-5)\n"
	"Architecture: amd64\n"
	"\n\n"
	"Package: held\n"
	"Status: hold ok installed\n"
	"Version: 3\n"
	"\n"
	"Package: noversion\n"
	"Status: install ok installed\n"
	"\n"
	"Package: crlf\r\n"
	"Status: install ok installed\r\n"
	"Version: 1.2\r\n";

static const struct package *find(const struct pkg_list *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->items[i].name, name))
			return &l->items[i];
	return NULL;
}

static void test_status(void **state)
{
	struct pkg_list l;
	ls_error err = {{0}};
	const struct package *p;
	(void)state;
	pkg_list_init(&l);
	assert_int_equal(pkg_parse_dpkg_status(status, sizeof(status) - 1, "var/lib/dpkg/status", true, &l, &err), 0);
	assert_int_equal(l.n, 4);
	p = find(&l, "libc6");
	assert_non_null(p);
	assert_string_equal(p->version, "2.36-9+deb12u4");
	assert_string_equal(p->source_name, "glibc");
	assert_string_equal(p->source_version, "2.36-9+deb12u4");
	assert_string_equal(p->arch, "amd64");
	p = find(&l, "bsdutils");
	assert_string_equal(p->source_name, "util-linux");
	assert_string_equal(p->source_version, "2.38.1-5");
	assert_string_equal(p->version, "1:2.38.1-5+b1");
	p = find(&l, "held");
	assert_string_equal(p->source_name, "held");
	assert_string_equal(p->source_version, "3");
	assert_null(find(&l, "removed"));
	assert_string_equal(find(&l, "crlf")->version, "1.2");
	assert_int_equal(l.n_warnings, 1);
	assert_non_null(strstr(l.warnings[0], "var/lib/dpkg/status"));
	assert_non_null(strstr(l.warnings[0], "Version"));
	pkg_list_release(&l);
}

static void test_statusd_and_garbage(void **state)
{
	static const char one[] = "Package: tzdata\nVersion: 2024a-0+deb12u1\nArchitecture: all\n";
	static const char bin[] = "Package: x\0\1\2garbage";
	struct pkg_list l;
	ls_error err = {{0}};
	(void)state;
	pkg_list_init(&l);
	assert_int_equal(pkg_parse_dpkg_status(one, sizeof(one) - 1, "var/lib/dpkg/status.d/tzdata", false, &l, &err), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.items[0].arch, "all");
	assert_int_equal(pkg_parse_dpkg_status(one, sizeof(one) - 1, "s", true, &l, &err), 0);
	assert_int_equal(l.n, 1); /* the status file requires Status */
	assert_int_equal(pkg_parse_dpkg_status(bin, sizeof(bin) - 1, "s", true, &l, &err), -1);
	assert_non_null(strstr(err.msg, "binary"));
	assert_int_equal(pkg_parse_dpkg_status("", 0, "s", true, &l, &err), 0);
	pkg_list_release(&l);
}

static void test_list(void **state)
{
	static const char list[] = "/.\n/usr\n/usr/bin\n/usr/bin/jq\n/usr/share/doc/jq/\n";
	struct pkg_list l;
	struct package *p;
	(void)state;
	pkg_list_init(&l);
	p = pkg_list_add(&l, PKG_DEB);
	pkg_parse_dpkg_list(list, sizeof(list) - 1, p);
	assert_int_equal(p->n_files, 4);
	assert_string_equal(p->files[0], "usr");
	assert_string_equal(p->files[2], "usr/bin/jq");
	assert_string_equal(p->files[3], "usr/share/doc/jq");
	pkg_list_release(&l);
}

static void check_os(const char *path, const char *data, const char *id, const char *version,
		     const char *osv)
{
	struct os_release r = {0};
	os_release_feed(&r, path, data, strlen(data));
	os_release_finish(&r);
	assert_string_equal(r.id, id);
	assert_string_equal(r.version, version);
	assert_string_equal(r.osv, osv);
	os_release_release(&r);
}

static void test_os_release(void **state)
{
	(void)state;
	check_os("etc/os-release", "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\n",
		 "debian", "12", "Debian:12");
	check_os("etc/os-release", "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.19.1\n", "alpine", "3.19.1", "Alpine:v3.19");
	check_os("usr/lib/os-release", "ID=ubuntu\nVERSION_ID=\"22.04\"\n", "ubuntu", "22.04", "Ubuntu:22.04");
	check_os("etc/os-release", "ID=\"rocky\"\nVERSION_ID=\"9.3\"\n", "rocky", "9.3", "Rocky Linux:9");
	check_os("etc/os-release", "ID='rhel'\nVERSION_ID='8.9'\n", "rhel", "8.9", "Red Hat:8");
	check_os("etc/alpine-release", "3.18.4\n", "alpine", "3.18.4", "Alpine:v3.18");
	check_os("etc/debian_version", "11.9\n", "debian", "11.9", "Debian:11");
	check_os("etc/redhat-release", "CentOS Linux release 7.9.2009 (Core)\n", "centos", "7.9.2009", "CentOS:7");
}

static void test_os_release_priority(void **state)
{
	struct os_release r = {0};
	static const char etc[] = "ID=debian\nVERSION_ID=12\n", usr[] = "ID=ubuntu\nVERSION_ID=22.04\n";
	(void)state;
	os_release_feed(&r, "usr/lib/os-release", usr, strlen(usr));
	os_release_feed(&r, "etc/os-release", etc, strlen(etc));
	os_release_feed(&r, "etc/alpine-release", "3.19.0", 6);
	os_release_finish(&r);
	assert_string_equal(r.osv, "Debian:12");
	os_release_release(&r);
}

static void test_purl(void **state)
{
	struct pkg_list l;
	struct package *p;
	char *s;
	(void)state;
	pkg_list_init(&l);
	p = pkg_list_add(&l, PKG_DEB);
	p->name = strdup("bsdutils");
	p->version = strdup("1:2.38.1-5+b1");
	p->arch = strdup("amd64");
	p->source_name = strdup("util-linux");
	s = pkg_purl(p, "debian", "debian-12");
	assert_string_equal(s, "pkg:deb/debian/bsdutils@1%3A2.38.1-5%2Bb1?arch=amd64&distro=debian-12&upstream=util-linux");
	free(s);
	p = pkg_list_add(&l, PKG_NPM);
	p->name = strdup("@types/node");
	p->version = strdup("20.11.0");
	s = pkg_purl(p, NULL, NULL);
	assert_string_equal(s, "pkg:npm/%40types/node@20.11.0");
	free(s);
	p = pkg_list_add(&l, PKG_PYPI);
	p->name = strdup("Zope.Interface");
	p->version = strdup("6.0");
	s = pkg_purl(p, NULL, NULL);
	assert_string_equal(s, "pkg:pypi/zope-interface@6.0");
	free(s);
	p = pkg_list_add(&l, PKG_GO);
	p->name = strdup("github.com/containers/image/v5");
	p->version = strdup("v5.24.1");
	s = pkg_purl(p, NULL, NULL);
	assert_string_equal(s, "pkg:golang/github.com/containers/image/v5@v5.24.1");
	free(s);
	pkg_list_release(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_statusd_and_garbage),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_os_release),
		cmocka_unit_test(test_os_release_priority),
		cmocka_unit_test(test_purl),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
