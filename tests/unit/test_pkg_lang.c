/* Language package parsers: Python METADATA (License-Expression wins, UNKNOWN dropped,
 * garbage refused), npm package.json and package-lock v1/v2/v3, gemspecs, Go build info in
 * synthesized ELF files (inline Go >= 1.18 strings and the older pointer format, truncated
 * lengths, pointers outside the segments), cargo-auditable's zlib JSON section, and jars
 * with nested jars built with libarchive. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <archive.h>
#include <archive_entry.h>
#include <isa-l/igzip_lib.h>

#include "pkg/pkg.h"
#include "util/buf.h"
#include "util/mem.h"

#define S(x) x, sizeof(x) - 1

static void test_python(void **state)
{
	struct pkg_list l;
	ls_error err = {{0}};
	(void)state;
	pkg_list_init(&l);
	assert_int_equal(pkg_parse_python_metadata(S("Metadata-Version: 2.1\nName: Foo_Bar\nVersion: 1.0\nLicense: UNKNOWN\n\nName: body\n"), "m", &l, &err), 0);
	assert_string_equal(l.items[0].name, "Foo_Bar");
	assert_int_equal(l.items[0].n_licenses, 0);
	assert_int_equal(pkg_parse_python_metadata(S("Name: x\r\nVersion: 2\r\nLicense: BSD\r\nLicense-Expression: MIT OR Apache-2.0\r\n"), "m", &l, &err), 0);
	assert_string_equal(l.items[1].version, "2");
	assert_string_equal(l.items[1].licenses[0], "MIT OR Apache-2.0");
	assert_int_equal(pkg_parse_python_metadata(S("Name: x\n"), "m", &l, &err), -1);
	assert_int_equal(pkg_parse_python_metadata(S("\x01\x00\xff"), "m", &l, &err), -1);
	assert_int_equal(pkg_parse_python_metadata("", 0, "m", &l, &err), -1);
	assert_int_equal(l.n, 2);
	pkg_list_release(&l);
}

static void test_npm(void **state)
{
	struct pkg_list l;
	ls_error err = {{0}};
	(void)state;
	pkg_list_init(&l);
	assert_int_equal(pkg_parse_npm_package_json(S("{\"name\":\"a\",\"version\":\"1.0.0\",\"licenses\":[{\"type\":\"MIT\"},\"ISC\"]}"), "p", &l, &err), 0);
	assert_int_equal(l.items[0].n_licenses, 2);
	assert_int_equal(pkg_parse_npm_package_json(S("{\"name\":\"a\"}"), "p", &l, &err), -1);
	assert_int_equal(pkg_parse_npm_package_json(S("[1,2"), "p", &l, &err), -1);
	assert_int_equal(pkg_parse_npm_lock(S("{\"lockfileVersion\":1,\"dependencies\":{\"x\":{\"version\":\"1.0.0\",\"dependencies\":{\"y\":{\"version\":\"2.0.0\"}}},\"g\":{\"version\":\"github:u/r#abc\"}}}"), "lock", &l, &err), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.items[2].name, "y");
	assert_int_equal(pkg_parse_npm_lock(S("{\"lockfileVersion\":3,\"packages\":{\"\":{\"name\":\"root\",\"version\":\"9.9.9\"},\"node_modules/a/node_modules/@s/b\":{\"version\":\"3.0.0\",\"license\":\"MIT\"},\"node_modules/l\":{\"link\":true,\"version\":\"1.0.0\"}}}"), "lock", &l, &err), 0);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.items[3].name, "@s/b");
	assert_string_equal(l.items[3].licenses[0], "MIT");
	pkg_list_release(&l);
}

static void test_gem_maven(void **state)
{
	struct pkg_list l;
	ls_error err = {{0}};
	(void)state;
	pkg_list_init(&l);
	assert_int_equal(pkg_parse_gemspec(S("Gem::Specification.new do |s|\n  s.name = \"nokogiri\".freeze\n  s.version = \"1.15.4\"\n  s.licenses = [\"MIT\".freeze, \"Ruby\"]\nend\n"), "g", &l, &err), 0);
	assert_string_equal(l.items[0].name, "nokogiri");
	assert_string_equal(l.items[0].version, "1.15.4");
	assert_int_equal(l.items[0].n_licenses, 2);
	assert_string_equal(l.items[0].licenses[1], "Ruby");
	assert_int_equal(pkg_parse_gemspec(S("s.name = \"x\"\ns.license = \"BSD-2-Clause\"\n"), "g", &l, &err), -1);
	assert_int_equal(pkg_parse_maven_lines(S("org.a b 1.0\nbroken\ng a2 2.0"), "j", &l, &err), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.items[2].namespace_, "g");
	assert_string_equal(l.items[2].version, "2.0");
	pkg_list_release(&l);
}

/* ---- synthesized ELF files ---- */

static void le64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void le16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

/* An ELF64 LE file of `size` bytes with one PT_LOAD mapping the file at 0x400000. */
static unsigned char *elf64(size_t size)
{
	unsigned char *d = calloc(1, size);
	memcpy(d, "\177ELF\2\1\1", 7);
	le64(d + 32, 64);          /* e_phoff */
	le16(d + 54, 56);          /* e_phentsize */
	le16(d + 56, 1);           /* e_phnum */
	d[64] = 1;                 /* PT_LOAD */
	le64(d + 64 + 8, 0);       /* p_offset */
	le64(d + 64 + 16, 0x400000); /* p_vaddr */
	le64(d + 64 + 32, size);   /* p_filesz */
	return d;
}

static const char modinfo[] =
	"0123456789abcdef" /* sentinel */
	"path\texample.com/cmd\nmod\texample.com/cmd\tv1.0.0\th1:x=\n"
	"dep\tgolang.org/x/sys\tv0.1.0\th1:y=\n"
	"dep\tgithub.com/old/mod\tv1.2.0\n=>\tgithub.com/new/mod\tv1.3.0\th1:z=\n"
	"dep\texample.com/local\tv0.0.1\n=>\t./local\t(devel)\t\n"
	"build\tGOOS=linux\n"
	"0123456789abcdef";

static void check_modules(const char *text, size_t n)
{
	struct pkg_list l;
	ls_error err = {{0}};
	pkg_list_init(&l);
	assert_int_equal(pkg_parse_go_buildinfo(text, n, "usr/bin/x", &l, &err), 0);
	assert_int_equal(l.n, 5);
	assert_string_equal(l.items[0].name, "example.com/cmd");
	assert_string_equal(l.items[0].extra, "go1.21.3");
	assert_string_equal(l.items[1].version, "v0.1.0");
	assert_string_equal(l.items[2].name, "github.com/old/mod");
	assert_string_equal(l.items[2].version, "v1.3.0");
	assert_string_equal(l.items[3].version, "v0.0.1");
	assert_string_equal(l.items[4].name, "stdlib");
	assert_string_equal(l.items[4].version, "go1.21.3");
	pkg_list_release(&l);
}

static void test_go_inline(void **state)
{
	unsigned char *d = elf64(8192), *p;
	size_t n = 0, ml = sizeof(modinfo) - 1;
	ls_error err = {{0}};
	char *text;
	(void)state;
	p = d + 4096;
	memcpy(p, "\xff Go buildinf:", 14);
	p[14] = 8;
	p[15] = 2;
	p += 32;
	*p++ = 8;
	memcpy(p, "go1.21.3", 8);
	p += 8;
	*p++ = (unsigned char)(0x80 | (ml & 0x7f));
	*p++ = (unsigned char)(ml >> 7);
	memcpy(p, modinfo, ml);
	text = pkg_go_extract(d, 8192, &n, &err);
	assert_non_null(text);
	assert_true(!strncmp(text, "go1.21.3\npath\t", 14));
	check_modules(text, n);
	free(text);
	/* a length past the end of the file */
	d[4096 + 32 + 9] = 0xff;
	d[4096 + 32 + 10] = 0xff;
	d[4096 + 32 + 11] = 0x7f;
	assert_null(pkg_go_extract(d, 8192, &n, &err));
	assert_non_null(strstr(err.msg, "past the end"));
	/* not a Go binary, not an ELF */
	memset(d + 4096, 0, 32);
	err.msg[0] = '\0';
	assert_null(pkg_go_extract(d, 8192, &n, &err));
	assert_string_equal(err.msg, "");
	assert_null(pkg_go_extract((const unsigned char *)"#!/bin/sh\n", 10, &n, &err));
	free(d);
}

static void test_go_pointers(void **state)
{
	unsigned char *d = elf64(16384), *h = d + 4096;
	size_t n = 0, ml = sizeof(modinfo) - 1;
	ls_error err = {{0}};
	char *text;
	(void)state;
	memcpy(h, "\xff Go buildinf:", 14);
	h[14] = 8;
	h[15] = 0;
	le64(h + 16, 0x400000 + 6000); /* -> string header of the version */
	le64(h + 24, 0x400000 + 6016); /* -> string header of the module info */
	le64(d + 6000, 0x400000 + 7000);
	le64(d + 6008, 8);
	le64(d + 6016, 0x400000 + 8000);
	le64(d + 6024, ml);
	memcpy(d + 7000, "go1.21.3", 8);
	memcpy(d + 8000, modinfo, ml);
	text = pkg_go_extract(d, 16384, &n, &err);
	assert_non_null(text);
	check_modules(text, n);
	free(text);
	/* a pointer outside every segment */
	le64(d + 6016, 0x900000);
	assert_null(pkg_go_extract(d, 16384, &n, &err));
	assert_non_null(strstr(err.msg, "outside"));
	/* a huge length */
	le64(d + 6016, 0x400000 + 8000);
	le64(d + 6024, UINT64_MAX);
	assert_null(pkg_go_extract(d, 16384, &n, &err));
	free(d);
}

static void test_cargo(void **state)
{
	static const char json[] = "{\"packages\":[{\"name\":\"serde\",\"version\":\"1.0.188\",\"source\":\"crates.io\"},"
				   "{\"name\":\"app\",\"version\":\"0.1.0\",\"source\":\"local\",\"root\":true}]}";
	unsigned char *d = elf64(8192), z[1024];
	struct isal_zstream zs;
	size_t n = 0;
	ls_error err = {{0}};
	char *text;
	struct pkg_list l;
	(void)state;
	isal_deflate_init(&zs);
	zs.gzip_flag = IGZIP_ZLIB;
	zs.end_of_stream = 1;
	zs.next_in = (uint8_t *)json;
	zs.avail_in = sizeof(json) - 1;
	zs.next_out = z;
	zs.avail_out = sizeof(z);
	assert_int_equal(isal_deflate_stateless(&zs), COMP_OK);
	/* section headers at 2048: [0] null, [1] .shstrtab at 3000, [2] .dep-v0 at 4096 */
	le64(d + 40, 2048); /* e_shoff */
	le16(d + 58, 64);   /* e_shentsize */
	le16(d + 60, 3);    /* e_shnum */
	le16(d + 62, 1);    /* e_shstrndx */
	memcpy(d + 3000, "\0.shstrtab\0.dep-v0\0", 19);
	d[2048 + 64] = 1;                     /* name ".shstrtab" */
	le64(d + 2048 + 64 + 24, 3000);
	le64(d + 2048 + 64 + 32, 19);
	d[2048 + 128] = 11;                   /* name ".dep-v0" */
	le64(d + 2048 + 128 + 24, 4096);
	le64(d + 2048 + 128 + 32, zs.total_out);
	memcpy(d + 4096, z, zs.total_out);
	text = pkg_cargo_extract(d, 8192, &n, &err);
	assert_non_null(text);
	pkg_list_init(&l);
	assert_int_equal(pkg_parse_cargo_auditable(text, n, "usr/bin/app", &l, &err), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.items[0].name, "serde");
	free(text);
	/* a section past the end of the file */
	le64(d + 2048 + 128 + 24, 1u << 30);
	assert_null(pkg_cargo_extract(d, 8192, &n, &err));
	/* corrupt zlib */
	le64(d + 2048 + 128 + 24, 4096);
	d[4096] ^= 0xff;
	d[4097] ^= 0xff;
	assert_null(pkg_cargo_extract(d, 8192, &n, &err));
	assert_int_equal(pkg_parse_cargo_auditable(S("{bad"), "x", &l, &err), -1);
	pkg_list_release(&l);
	free(d);
}

/* ---- jars ---- */

static la_ssize_t zw(struct archive *a, void *p, const void *b, size_t n)
{
	(void)a;
	buf_append(p, b, n, NULL);
	return (la_ssize_t)n;
}

static char *zip(const char *const *names, const char *const *data, const size_t *lens, size_t n,
		 size_t *len)
{
	struct buf out;
	struct archive *a = archive_write_new();
	buf_init(&out, 0);
	archive_write_set_format_zip(a);
	archive_write_open(a, &out, NULL, zw, NULL);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_pathname(e, names[i]);
		archive_entry_set_mode(e, 0100644);
		archive_entry_set_size(e, (la_int64_t)lens[i]);
		archive_write_header(a, e);
		archive_write_data(a, data[i], lens[i]);
		archive_entry_free(e);
	}
	archive_write_close(a);
	archive_write_free(a);
	return buf_detach(&out, len);
}

static void test_java(void **state)
{
	static const char props[] = "#c\ngroupId=org.x\nartifactId=inner\nversion=2.1\n";
	static const char props2[] = "groupId = com.y\r\nartifactId=outer\r\nversion=1.0\r\n";
	const char *in_names[] = {"META-INF/maven/org.x/inner/pom.properties"};
	const char *in_data[] = {props};
	size_t in_lens[] = {sizeof(props) - 1}, inner_len, outer_len, n = 0;
	char *inner = zip(in_names, in_data, in_lens, 1, &inner_len), *outer, *text;
	const char *names[] = {"META-INF/maven/com.y/outer/pom.properties", "WEB-INF/lib/inner.jar"};
	const char *data[] = {props2, inner};
	size_t lens[] = {sizeof(props2) - 1, inner_len};
	ls_error err = {{0}};
	(void)state;
	outer = zip(names, data, lens, 2, &outer_len);
	text = pkg_java_extract((const unsigned char *)outer, outer_len, &n, &err);
	assert_non_null(text);
	assert_string_equal(text, "com.y outer 1.0\norg.x inner 2.1\n");
	free(text);
	/* truncated anywhere: no crash, no read past the end (ASan), nothing invented */
	for (size_t cut = 0; cut < outer_len; cut += 7) {
		text = pkg_java_extract((const unsigned char *)outer, cut, &n, &err);
		if (text)
			assert_true(!strncmp(text, "com.y outer 1.0\n", 16));
		free(text);
	}
	err.msg[0] = '\0';
	assert_null(pkg_java_extract((const unsigned char *)"PK\3\4garbage", 11, &n, &err));
	assert_true(err.msg[0] != '\0');
	free(outer);
	free(inner);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_python),
		cmocka_unit_test(test_npm),
		cmocka_unit_test(test_gem_maven),
		cmocka_unit_test(test_go_inline),
		cmocka_unit_test(test_go_pointers),
		cmocka_unit_test(test_cargo),
		cmocka_unit_test(test_java),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
