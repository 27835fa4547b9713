/* The inventory over the merged view: only the copy a container sees is parsed; whiteouts and
 * opaque directories remove packages; the introducing layer walks back through earlier copies
 * (an upgrade is credited to the upgrading layer, a re-created database starts again); files
 * past their cap are skipped with a warning; data arrives in pieces. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "layer/model.h"
#include "pkg/inventory.h"
#include "pkg/sbom_format.h"
#include "util/mem.h"
#include "testutil.h"

struct fx {
	struct image img;
	struct image_model *m;
	struct pkg_collector *c;
	struct layer *cur;
};

static void begin_layer(struct fx *f)
{
	f->cur = test_layer_new();
	f->cur->index = f->m->n_layers;
}

static struct layer_entry *add(struct fx *f, const char *path, enum entry_type type,
			       enum entry_kind kind, uint64_t size)
{
	return test_layer_add(f->cur, path, type, kind, size, 0, type == ENTRY_DIR ? 0755 : 0644);
}

/* A regular file whose content goes through the collector's visitor, 3 bytes at a time. */
static void file(struct fx *f, const char *path, const char *data)
{
	const struct content_visitor *v = pkg_collector_visitor(f->c);
	size_t n = strlen(data);
	struct layer_entry *e = add(f, path, ENTRY_FILE, ENTRY_NORMAL, n);
	struct layer_entry copy = *e;
	if (!v->want(v->ctx, f->cur->index, &copy))
		return;
	for (size_t i = 0; i < n; i += 3)
		v->data(v->ctx, f->cur->index, &copy, data + i, n - i < 3 ? n - i : 3);
	v->end(v->ctx, f->cur->index, &copy);
}

static void end_layer(struct fx *f)
{
	ls_error err = {{0}};
	assert_int_equal(model_add_layer(f->m, f->cur, &err), 0);
	f->cur = NULL;
}

static const char *status(const char *a, const char *b)
{
	static char s[512];
	snprintf(s, sizeof(s), "Package: a\nStatus: install ok installed\nVersion: %s\n\n%s%s%s", a,
		 b ? "Package: b\nStatus: install ok installed\nVersion: " : "", b ? b : "",
		 b ? "\n" : "");
	return s;
}

static const struct package *find(const struct inventory *inv, const char *name)
{
	for (size_t i = 0; i < inv->pkgs.n; i++)
		if (!strcmp(inv->pkgs.items[i].name, name))
			return &inv->pkgs.items[i];
	return NULL;
}

static void setup_fx(struct fx *f, size_t layers)
{
	memset(f, 0, sizeof(*f));
	f->m = model_new(&f->img);
	f->c = pkg_collector_new(layers);
}

static void teardown_fx(struct fx *f)
{
	pkg_collector_free(f->c);
	model_free(f->m);
}

static void test_layers(void **state)
{
	struct fx f;
	struct inventory inv;
	ls_error err = {{0}};
	(void)state;
	setup_fx(&f, 5);
	begin_layer(&f); /* 0: a 1, b 1, python x */
	file(&f, "etc/os-release", "ID=debian\nVERSION_ID=12\n");
	file(&f, "var/lib/dpkg/status", status("1", "1"));
	file(&f, "usr/lib/python3/x-1.0.dist-info/METADATA", "Name: x\nVersion: 1.0\n");
	file(&f, "usr/lib/python3/y-2.0.dist-info/METADATA", "Name: y\nVersion: 2.0\n");
	end_layer(&f);
	begin_layer(&f); /* 1: b upgraded; an opaque dir hides x; y re-added unchanged */
	file(&f, "var/lib/dpkg/status", status("1", "2"));
	add(&f, "usr/lib/python3", ENTRY_DIR, ENTRY_OPAQUE, 0);
	file(&f, "usr/lib/python3/y-2.0.dist-info/METADATA", "Name: y\nVersion: 2.0\n");
	end_layer(&f);
	begin_layer(&f); /* 2: the dpkg directory is deleted */
	add(&f, "var/lib/dpkg", ENTRY_FILE, ENTRY_WHITEOUT, 0);
	end_layer(&f);
	begin_layer(&f); /* 3: re-created with a only */
	file(&f, "var/lib/dpkg/status", status("1", NULL));
	end_layer(&f);
	begin_layer(&f); /* 4: rewritten, same content */
	file(&f, "var/lib/dpkg/status", status("1", NULL));
	end_layer(&f);
	assert_int_equal(inventory_build(f.c, f.m, &inv, &err), 0);
	assert_string_equal(inv.os.osv, "Debian:12");
	assert_int_equal(inv.pkgs.n, 2);
	assert_int_equal(find(&inv, "a")->layer, 3);
	assert_null(find(&inv, "b"));
	assert_null(find(&inv, "x"));
	/* y: layer 1 hid layer 0's copy and wrote the same one back: after every layer a
	 * container sees y 2.0, so the version dates from layer 0. */
	assert_int_equal(find(&inv, "y")->layer, 0);
	assert_string_equal(find(&inv, "y")->purl, "pkg:pypi/y@2.0");
	inventory_release(&inv);
	teardown_fx(&f);
}

static void test_upgrade_and_caps(void **state)
{
	struct fx f;
	struct inventory inv;
	ls_error err = {{0}};
	const struct content_visitor *v;
	struct layer_entry big = {0};
	(void)state;
	setup_fx(&f, 3);
	begin_layer(&f);
	file(&f, "var/lib/dpkg/status", status("1", "1"));
	file(&f, "usr/bin/script", "#!/bin/sh\necho not an ELF\n");
	end_layer(&f);
	begin_layer(&f);
	file(&f, "var/lib/dpkg/status", status("1", "2"));
	end_layer(&f);
	begin_layer(&f);
	file(&f, "var/lib/dpkg/status", status("1", "2"));
	v = pkg_collector_visitor(f.c);
	big.path = "etc/os-release";
	big.size = 1u << 30;
	big.type = ENTRY_FILE;
	assert_false(v->want(v->ctx, 2, &big));
	end_layer(&f);
	assert_int_equal(inventory_build(f.c, f.m, &inv, &err), 0);
	assert_int_equal(find(&inv, "a")->layer, 0);
	assert_int_equal(find(&inv, "b")->layer, 1);
	assert_string_equal(find(&inv, "b")->version, "2");
	assert_int_equal(inv.pkgs.n_warnings, 1);
	assert_non_null(strstr(inv.pkgs.warnings[0], "etc/os-release (layer 2)"));
	assert_null(inv.os.id);
	inventory_release(&inv);
	teardown_fx(&f);
}

/* SPDX: declared licences only when they are expressions of known ids; CycloneDX keeps text. */
static void test_formats(void **state)
{
	static const char *const lic[] = {"MIT", "MIT OR Apache-2.0", "(MIT AND BSD-3-Clause)",
					  "GPL-2.0-or-later WITH Classpath-exception-2.0", "GPLv2+",
					  "ASL 2.0", "MIT OR", "(MIT", "Apache-2.0)"};
	static const char *const want[] = {"MIT", "MIT OR Apache-2.0", "(MIT AND BSD-3-Clause)",
					   "GPL-2.0-or-later WITH Classpath-exception-2.0",
					   "NOASSERTION", "NOASSERTION", "NOASSERTION", "NOASSERTION",
					   "NOASSERTION"};
	struct inventory inv;
	struct image img = {0};
	json_t *doc, *pkgs;
	(void)state;
	memset(&inv, 0, sizeof(inv));
	img.reference = "test:latest";
	img.config_digest = "sha256:0000";
	for (size_t i = 0; i < sizeof(lic) / sizeof(lic[0]); i++) {
		struct package *p = pkg_list_add(&inv.pkgs, PKG_NPM);
		p->name = xasprintf("p%zu", i);
		p->version = xstrdup("1.0");
		p->purl = xasprintf("pkg:npm/p%zu@1.0", i);
		package_add_license(p, lic[i], strlen(lic[i]));
	}
	doc = sbom_spdx(&img, &inv, 1700000000);
	pkgs = json_object_get(doc, "packages");
	assert_int_equal(json_array_size(pkgs), 1 + sizeof(lic) / sizeof(lic[0]));
	for (size_t i = 0; i < sizeof(lic) / sizeof(lic[0]); i++)
		assert_string_equal(json_string_value(json_object_get(json_array_get(pkgs, i + 1), "licenseDeclared")), want[i]);
	assert_string_equal(json_string_value(json_object_get(json_object_get(doc, "creationInfo"), "created")), "2023-11-14T22:13:20Z");
	json_decref(doc);
	doc = sbom_cyclonedx(&img, &inv, 1700000000);
	pkgs = json_object_get(doc, "components");
	assert_string_equal(json_string_value(json_object_get(json_array_get(pkgs, 5), "bom-ref")), "pkg-5");
	json_decref(doc);
	pkg_list_release(&inv.pkgs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layers),
		cmocka_unit_test(test_upgrade_and_caps),
		cmocka_unit_test(test_formats),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
