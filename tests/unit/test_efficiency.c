/* dive's efficiency rules on hand-built models (overwrites, file and directory whiteouts,
 * opaque markers, implicit parents, a whiteout of nothing), layerscope's reclaimable bytes
 * and their attribution, duplicate content, Go number formatting, value parsing and the
 * CI rules' strict crossing. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "analysis/ci_rules.h"
#include "analysis/efficiency.h"
#include "analysis/export.h"
#include "analysis/gofmt.h"
#include "analysis/waste.h"
#include "layer/model.h"
#include "testutil.h"

#define FILE_(l, p, size, hash) test_layer_add(l, p, ENTRY_FILE, ENTRY_NORMAL, size, hash, 0644)
#define DIR_(l, p) test_layer_add(l, p, ENTRY_DIR, ENTRY_NORMAL, 0, 0, 0755)
#define WHITEOUT(l, p) test_layer_add(l, p, ENTRY_FILE, ENTRY_WHITEOUT, 0, 0, 0)
#define OPAQUE(l, p) test_layer_add(l, p, ENTRY_FILE, ENTRY_OPAQUE, 0, 0, 0)

static struct image_model *model_of(struct layer **layers, size_t n)
{
	struct image_model *m = model_new(NULL);
	ls_error err;
	for (size_t i = 0; i < n; i++)
		assert_int_equal(model_add_layer(m, layers[i], &err), 0);
	return m;
}

static const struct dive_file_ref *ref(const struct dive_analysis *d, const char *path)
{
	for (size_t i = 0; i < d->n_refs; i++)
		if (!strcmp(d->refs[i].path, path))
			return &d->refs[i];
	return NULL;
}

/* A file rewritten by a later layer: both copies are wasted (the kept one included). */
static void test_overwrite_counts_both_copies(void **state)
{
	(void)state;
	struct layer *l[2] = {test_layer_new(), test_layer_new()};
	DIR_(l[0], "etc");
	FILE_(l[0], "etc/a", 100, 1);
	FILE_(l[0], "etc/b", 50, 2);
	DIR_(l[1], "etc");
	FILE_(l[1], "etc/a", 30, 3);
	struct image_model *m = model_of(l, 2);
	struct dive_analysis d;
	ls_error err;
	assert_int_equal(dive_analyze(m, &d, &err), 0);
	assert_int_equal(d.size_bytes, 180);
	assert_int_equal(d.user_size_bytes, 30);
	assert_int_equal(d.wasted_bytes, 130);
	assert_int_equal(d.n_refs, 1);
	assert_string_equal(d.refs[0].path, "/etc/a");
	assert_int_equal(d.refs[0].count, 2);
	/* Σmin / Σtotal = (30 + 50) / (130 + 50) */
	assert_true(d.efficiency == 80.0 / 180.0);
	assert_true(d.user_wasted_percent == 130.0 / 30.0);
	assert_int_equal(d.tree_nodes, 3 + 2);
	dive_analysis_release(&d);
	model_free(m);
}

/* A whiteout of a file counts 0 bytes; of a directory, everything below it as stacked. */
static void test_whiteouts(void **state)
{
	(void)state;
	struct layer *l[4] = {test_layer_new(), test_layer_new(), test_layer_new(), test_layer_new()};
	FILE_(l[0], "f", 10, 1);
	DIR_(l[0], "d");
	FILE_(l[0], "d/x", 20, 2);
	DIR_(l[0], "d/sub");
	FILE_(l[0], "d/sub/y", 30, 3);
	FILE_(l[0], "d/gone", 7, 4);
	DIR_(l[1], "d");
	WHITEOUT(l[1], "d/gone"); /* no longer below d when d goes */
	FILE_(l[1], "d/z", 5, 5);
	WHITEOUT(l[2], "f");
	WHITEOUT(l[2], "d");
	FILE_(l[3], "new", 1, 6);
	struct image_model *m = model_of(l, 4);
	struct dive_analysis d;
	ls_error err;
	assert_int_equal(dive_analyze(m, &d, &err), 0);
	const struct dive_file_ref *f = ref(&d, "/f");
	assert_non_null(f);
	assert_int_equal(f->count, 2);
	assert_int_equal(f->size_bytes, 10); /* 10 + 0 */
	/* d: a leaf only in layer 2 (the whiteout) — one visit, not inefficient */
	assert_null(ref(&d, "/d"));
	const struct dive_file_ref *g = ref(&d, "/d/gone");
	assert_non_null(g);
	assert_int_equal(g->size_bytes, 7);
	/* totals: f 10, d/x 20, d/sub/y 30, d/gone 7, d/z 5, d (whiteout) 20+30+5, new 1;
	 * minima: f 0, others as their single visit, d/gone 0 */
	int64_t total = 10 + 20 + 30 + 7 + 5 + 55 + 1, min = 0 + 20 + 30 + 0 + 5 + 55 + 1;
	assert_true(d.efficiency == (double)min / (double)total);
	assert_int_equal(d.aborted_layers, 0);
	dive_analysis_release(&d);
	model_free(m);
}

/* Opaque markers do nothing in dive; the directory is made, and is a leaf when empty. */
static void test_opaque_dropped(void **state)
{
	(void)state;
	struct layer *l[2] = {test_layer_new(), test_layer_new()};
	DIR_(l[0], "o");
	FILE_(l[0], "o/keep", 40, 1);
	DIR_(l[0], "e");
	OPAQUE(l[1], "e");
	OPAQUE(l[1], "o");
	FILE_(l[1], "o/fresh", 2, 2);
	struct image_model *m = model_of(l, 2);
	struct dive_analysis d;
	ls_error err;
	assert_int_equal(dive_analyze(m, &d, &err), 0);
	const struct dive_file_ref *e = ref(&d, "/e");
	assert_non_null(e); /* empty dir in layer 0, implicit dir in layer 1: two leaves */
	assert_int_equal(e->count, 2);
	assert_int_equal(e->size_bytes, 0);
	assert_null(ref(&d, "/o/keep"));
	assert_int_equal(d.tree_nodes, 3 + 3); /* o, o/keep, e; then e, o (implicit), o/fresh */
	dive_analysis_release(&d);
	model_free(m);

	struct arena a;
	struct dive_tree_item *items;
	size_t n;
	struct layer *k[2] = {test_layer_new(), test_layer_new()};
	DIR_(k[0], "o");
	FILE_(k[0], "o/keep", 40, 1);
	OPAQUE(k[1], "o");
	FILE_(k[1], "o/b", 2, 2);
	WHITEOUT(k[1], "o/a");
	m = model_of(k, 2);
	arena_init(&a);
	assert_int_equal(dive_layer_tree(m, 1, &a, &items, &n, &err), 0);
	assert_int_equal(n, 3); /* o/.wh.a, o/b, o: children first, names in byte order */
	assert_string_equal(items[0].path, "o/.wh.a");
	assert_true(items[0].whiteout);
	assert_string_equal(items[1].path, "o/b");
	assert_string_equal(items[2].path, "o");
	assert_null(items[2].entry); /* implicit: the opaque flag file is not a tree node */
	free(items);
	arena_release(&a);
	model_free(m);
}

/* dive stacks every node of an upper tree with that layer's data: a directory that a later
 * layer only implies loses its "directory" data, so its whiteout counts 0 bytes. */
static void test_implicit_parent_quirk(void **state)
{
	(void)state;
	struct layer *l[3] = {test_layer_new(), test_layer_new(), test_layer_new()};
	DIR_(l[0], "a");
	FILE_(l[0], "a/x", 100, 1);
	FILE_(l[1], "a/y", 10, 2); /* "a" not listed: implicit */
	WHITEOUT(l[2], "a");
	struct image_model *m = model_of(l, 3);
	struct dive_analysis d;
	ls_error err;
	assert_int_equal(dive_analyze(m, &d, &err), 0);
	/* records: a/x 100, a/y 10, a (whiteout) 0 */
	assert_true(d.efficiency == 1.0);
	assert_int_equal(d.n_refs, 0);
	dive_analysis_release(&d);
	model_free(m);

	struct layer *k[3] = {test_layer_new(), test_layer_new(), test_layer_new()};
	DIR_(k[0], "a");
	FILE_(k[0], "a/x", 100, 1);
	DIR_(k[1], "a");
	FILE_(k[1], "a/y", 10, 2);
	WHITEOUT(k[2], "a");
	m = model_of(k, 3);
	assert_int_equal(dive_analyze(m, &d, &err), 0);
	assert_true(d.efficiency == 220.0 / 220.0); /* a: one visit of 110 */
	dive_analysis_release(&d);
	model_free(m);
}

/* A whiteout of a path dive cannot find stops the layer's walk there (its record is made
 * with smallest size -1); leaves after it in dive's order are not visited. */
static void test_whiteout_of_nothing(void **state)
{
	(void)state;
	struct layer *l[2] = {test_layer_new(), test_layer_new()};
	FILE_(l[0], "b", 10, 1);
	FILE_(l[0], "z", 10, 2);
	WHITEOUT(l[1], "m");    /* nothing there */
	FILE_(l[1], "b", 4, 3); /* "b" < ".wh.m"? no: '.' < 'b', so .wh.m comes first */
	FILE_(l[1], "z", 4, 4);
	struct image_model *m = model_of(l, 2);
	struct dive_analysis d;
	ls_error err;
	assert_int_equal(dive_analyze(m, &d, &err), 0);
	assert_int_equal(d.aborted_layers, 1);
	assert_int_equal(d.n_refs, 0);
	/* records: b 10, z 10, m (min -1, total 0) → (10 + 10 - 1) / 20 */
	assert_true(d.efficiency == 19.0 / 20.0);
	dive_analysis_release(&d);
	model_free(m);
}

/* layerscope's reclaimable bytes: who added, who hid, and how. */
static void test_reclaimable_attribution(void **state)
{
	(void)state;
	struct layer *l[3] = {test_layer_new(), test_layer_new(), test_layer_new()};
	DIR_(l[0], "app");
	FILE_(l[0], "app/bin", 1000, 1);
	FILE_(l[0], "app/conf", 300, 2);
	DIR_(l[0], "cache");
	FILE_(l[0], "cache/big", 5000, 3);
	DIR_(l[0], "o");
	FILE_(l[0], "o/old", 70, 4);
	FILE_(l[0], "dup1", 9, 9);
	FILE_(l[0], "dup2", 9, 9);
	test_layer_add(l[1], "app/bin", ENTRY_FILE, ENTRY_NORMAL, 1000, 1, 0755); /* chmod */
	FILE_(l[1], "app/conf", 310, 5);                               /* new content */
	WHITEOUT(l[2], "cache");
	OPAQUE(l[2], "o");
	struct image_model *m = model_of(l, 3);
	struct waste_report w;
	ls_error err;
	assert_int_equal(waste_analyze(m, &w, &err), 0);
	assert_int_equal(w.reclaimable_bytes, 1000 + 300 + 5000 + 70);
	assert_int_equal(w.reclaimable_files, 4);
	assert_int_equal(w.by_kind[HIDE_METADATA], 1000);
	assert_int_equal(w.by_kind[HIDE_OVERWRITTEN], 300);
	assert_int_equal(w.by_kind[HIDE_DELETED], 5000);
	assert_int_equal(w.by_kind[HIDE_OPAQUE], 70);
	assert_int_equal(w.hidden[0].size, 5000);
	assert_int_equal(w.hidden[0].layer, 0);
	assert_int_equal(w.hidden[0].by_layer, 2);
	assert_int_equal(w.stored_file_bytes, 1000 + 300 + 5000 + 70 + 18 + 1000 + 310);
	assert_int_equal(w.visible_file_bytes, 1000 + 310 + 18);
	assert_int_equal(w.duplicate_bytes, 9);
	assert_int_equal(w.n_dups, 1);
	assert_int_equal(w.dups[0].copies, 2);
	bool metadata_advice = false;
	for (size_t i = 0; i < w.n_advice; i++)
		if (w.advice[i].kind == ADVICE_METADATA) {
			metadata_advice = true;
			assert_int_equal(w.advice[i].bytes, 1000);
			assert_non_null(strstr(w.advice[i].text, "COPY --chmod"));
		}
	assert_true(metadata_advice);
	waste_report_release(&w);
	model_free(m);
}

static void test_go_formatting(void **state)
{
	(void)state;
	char b[64];
	go_format_v(0.9, b, sizeof(b));
	assert_string_equal(b, "0.9");
	go_format_v(0.1, b, sizeof(b));
	assert_string_equal(b, "0.1");
	go_format_v(1, b, sizeof(b));
	assert_string_equal(b, "1");
	go_format_v(0.00001, b, sizeof(b));
	assert_string_equal(b, "1e-05");
	go_format_v(1234567, b, sizeof(b));
	assert_string_equal(b, "1.234567e+06");
	go_format_v(123456, b, sizeof(b));
	assert_string_equal(b, "123456");
	go_format_json(0.9844212134184309, b, sizeof(b));
	assert_string_equal(b, "0.9844212134184309");
	go_format_json(1, b, sizeof(b));
	assert_string_equal(b, "1");
	go_format_json(1e-7, b, sizeof(b));
	assert_string_equal(b, "1e-7");
	go_format_json(1e21, b, sizeof(b));
	assert_string_equal(b, "1e+21");
	go_format_json(123456789, b, sizeof(b));
	assert_string_equal(b, "123456789");
	go_format_fixed(INFINITY, 2, b, sizeof(b));
	assert_string_equal(b, "+Inf");
	go_format_fixed(0.485, 2, b, sizeof(b));
	assert_string_equal(b, "0.48"); /* 0.485 is below the half in binary */
	go_format_comma(31600, b, sizeof(b));
	assert_string_equal(b, "31,600");
	go_format_comma(999, b, sizeof(b));
	assert_string_equal(b, "999");
	go_format_comma(1234567, b, sizeof(b));
	assert_string_equal(b, "1,234,567");
}

static void test_parse_values(void **state)
{
	(void)state;
	uint64_t v;
	double f;
	assert_true(go_parse_bytes("20MB", &v));
	assert_int_equal(v, 20000000);
	assert_true(go_parse_bytes("20Mb", &v));
	assert_int_equal(v, 20000000);
	assert_true(go_parse_bytes("20MiB", &v));
	assert_int_equal(v, 20971520);
	assert_true(go_parse_bytes("20mib", &v));
	assert_int_equal(v, 20971520);
	assert_true(go_parse_bytes("1.5 kB", &v));
	assert_int_equal(v, 1500);
	assert_true(go_parse_bytes("1,000", &v));
	assert_int_equal(v, 1000);
	assert_true(go_parse_bytes("42", &v));
	assert_int_equal(v, 42);
	assert_true(go_parse_bytes("2k", &v));
	assert_int_equal(v, 2000);
	assert_false(go_parse_bytes("MB", &v));
	assert_false(go_parse_bytes("20 parsecs", &v));
	assert_false(go_parse_bytes("-5MB", &v));
	assert_false(go_parse_bytes("20EiB", &v)); /* overflows uint64 */
	assert_true(go_parse_float("0.95", &f));
	assert_true(f == 0.95);
	assert_true(go_parse_float("1e-1", &f));
	assert_false(go_parse_float(" 0.5", &f));
	assert_false(go_parse_float("0.5x", &f));
	assert_false(go_parse_float("NaN", &f));
}

static void test_globs(void **state)
{
	(void)state;
	assert_true(ci_glob_match("**/*.pem", "etc/ssl/key.pem"));
	assert_true(ci_glob_match("**/*.pem", "key.pem"));
	assert_false(ci_glob_match("**/*.pem", "etc/ssl/key.pem.txt"));
	assert_true(ci_glob_match("**/.env", "app/.env"));
	assert_true(ci_glob_match("id_rsa", "root/.ssh/id_rsa"));
	assert_true(ci_glob_match("/root/**", "root/.ssh/id_rsa"));
	assert_true(ci_glob_match("root/*/id_rsa", "root/.ssh/id_rsa"));
	assert_false(ci_glob_match("root/*", "root/.ssh/id_rsa"));
	assert_true(ci_glob_match("app/**/secret?.[jt]son", "app/a/b/secret1.json"));
	assert_false(ci_glob_match("app/**/secret?.[jt]son", "app/a/b/secret1.xson"));
	assert_true(ci_glob_match("**/node_modules/**/*.md", "app/node_modules/x/README.md"));
}

static void test_rules_strict_crossing(void **state)
{
	(void)state;
	struct ci_config c;
	ls_error err;
	struct dive_analysis d = {.efficiency = 0.9, .wasted_bytes = 1000, .user_wasted_percent = 0.1,
				  .size_bytes = 5000};
	struct image_model *m = model_new(NULL);
	struct ci_evaluation e;

	ci_config_init(&c);
	assert_int_equal(ci_config_set(&c, RULE_HIGHEST_WASTED_BYTES, "1kB", "test", &err), 0);
	ci_evaluate(&c, m, &d, NULL, &e);
	assert_int_equal(e.n_results, 3);
	assert_int_equal(e.pass, 3); /* every value exactly at its limit */
	assert_true(e.ok);
	ci_evaluation_release(&e);

	assert_int_equal(ci_config_set(&c, RULE_HIGHEST_WASTED_BYTES, "999", "test", &err), 0);
	assert_int_equal(ci_config_set(&c, RULE_HIGHEST_IMAGE_SIZE, "4KiB", "test", &err), 0);
	assert_int_equal(ci_config_set(&c, RULE_LOWEST_EFFICIENCY, " Off ", "test", &err), 0);
	ci_evaluate(&c, m, &d, NULL, &e);
	assert_int_equal(e.n_results, 4);
	assert_int_equal(e.fail, 2);
	assert_int_equal(e.skip, 1);
	assert_false(e.ok);
	/* sorted by name: highestImageSize, highestUserWastedPercent, highestWastedBytes, lowestEfficiency */
	assert_int_equal(e.results[0].rule, RULE_HIGHEST_IMAGE_SIZE);
	assert_string_equal(e.results[0].message, "image is too large (size-bytes=5000 > threshold=4096)");
	assert_string_equal(e.results[2].message,
			    "too many bytes wasted (wasted-bytes=1000 > threshold=999)");
	assert_string_equal(e.results[3].message, "disabled");
	ci_evaluation_release(&e);

	assert_int_equal(ci_config_set(&c, RULE_LOWEST_EFFICIENCY, "1.5", "test", &err), -1);
	assert_non_null(strstr(err.msg, "lowestEfficiency"));
	assert_non_null(strstr(err.msg, "1.5"));
	assert_int_equal(ci_config_set(&c, RULE_HIGHEST_WASTED_BYTES, "lots", "test", &err), -1);
	assert_non_null(strstr(err.msg, "\"lots\""));
	assert_int_equal(ci_rule_lookup("highest-user-wasted-percent"), RULE_HIGHEST_USER_WASTED_PERCENT);
	assert_int_equal(ci_rule_lookup("lowest-efficiency-threshold"), RULE_LOWEST_EFFICIENCY);
	assert_int_equal(ci_rule_lookup("plugin1/rule1"), -1);
	ci_config_release(&c);
	model_free(m);
}

/* Go's json.MarshalIndent: two-space indent, HTML-safe escapes, U+FFFD for bad UTF-8. */
static void test_json_writer(void **state)
{
	(void)state;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct jw w;
	jw_init(&w, f);
	jw_begin_object(&w);
	jw_key(&w, "s");
	jw_string(&w, "a<b>&\"\\\n\t\b\f\x01\xe2\x80\xa8 caf\xc3\xa9 \xff");
	jw_key(&w, "empty");
	jw_begin_array(&w);
	jw_end_array(&w);
	jw_key(&w, "list");
	jw_begin_array(&w);
	jw_float(&w, 1.0);
	jw_float(&w, 0.5);
	jw_float(&w, NAN);
	jw_end_array(&w);
	jw_end_object(&w);
	fclose(f);
	assert_string_equal(text, "{\n  \"s\": \"a\\u003cb\\u003e\\u0026\\\"\\\\\\n\\t\\b\\f\\u0001\\u2028 caf\xc3\xa9 \\ufffd\",\n"
				  "  \"empty\": [],\n  \"list\": [\n    1,\n    0.5,\n    null\n  ]\n}");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_overwrite_counts_both_copies),
		cmocka_unit_test(test_whiteouts),
		cmocka_unit_test(test_opaque_dropped),
		cmocka_unit_test(test_implicit_parent_quirk),
		cmocka_unit_test(test_whiteout_of_nothing),
		cmocka_unit_test(test_reclaimable_attribution),
		cmocka_unit_test(test_go_formatting),
		cmocka_unit_test(test_parse_values),
		cmocka_unit_test(test_globs),
		cmocka_unit_test(test_rules_strict_crossing),
		cmocka_unit_test(test_json_writer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
