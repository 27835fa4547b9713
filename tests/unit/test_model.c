/* The path tree and the merged view: added / modified / removed / unchanged per layer,
 * whiteouts of files and directories, opaque directories, a file replacing a directory,
 * implicit parent directories, re-creation after deletion, and hard-link targets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "layer/model.h"
#include "layer/walk.h"
#include "testutil.h"

#define FILE_(l, p, size, hash) test_layer_add(l, p, ENTRY_FILE, ENTRY_NORMAL, size, hash, 0644)
#define DIR_(l, p) test_layer_add(l, p, ENTRY_DIR, ENTRY_NORMAL, 0, 0, 0755)
#define WHITEOUT(l, p) test_layer_add(l, p, ENTRY_FILE, ENTRY_WHITEOUT, 0, 0, 0)
#define OPAQUE(l, p) test_layer_add(l, p, ENTRY_FILE, ENTRY_OPAQUE, 0, 0, 0)

static struct image_model *build(void)
{
	struct image_model *m = model_new(NULL);
	ls_error err;
	struct layer *l0 = test_layer_new(), *l1 = test_layer_new(), *l2 = test_layer_new();

	DIR_(l0, "a");
	FILE_(l0, "a/x", 10, 1);
	FILE_(l0, "a/y", 20, 2);
	DIR_(l0, "d");
	FILE_(l0, "d/1", 30, 3);
	FILE_(l0, "f", 40, 4);
	DIR_(l0, "o");
	FILE_(l0, "o/keep", 50, 5);
	FILE_(l0, "p/q/r", 60, 6); /* parents never listed */

	DIR_(l1, "a");
	FILE_(l1, "a/x", 11, 7);   /* content changed */
	WHITEOUT(l1, "a/y");       /* file deleted */
	WHITEOUT(l1, "d");         /* directory deleted */
	FILE_(l1, "new", 1, 8);
	OPAQUE(l1, "o");
	FILE_(l1, "o/fresh", 2, 9);
	test_layer_add(l1, "f", ENTRY_FILE, ENTRY_NORMAL, 40, 4, 0755); /* chmod only */

	DIR_(l2, "d");
	FILE_(l2, "d/2", 3, 10);
	FILE_(l2, "p/q", 4, 11);   /* a file where a directory was */
	FILE_(l2, "a/x", 11, 7);   /* the same again */

	assert_int_equal(model_add_layer(m, l0, &err), 0);
	assert_int_equal(model_add_layer(m, l1, &err), 0);
	assert_int_equal(model_add_layer(m, l2, &err), 0);
	return m;
}

static bool present(struct image_model *m, const char *path, size_t n)
{
	uint32_t node = model_lookup(m, path);
	return node != NODE_NONE && view_at(m, node, n).present;
}

static enum path_status status(struct image_model *m, const char *path, size_t n)
{
	uint32_t node = model_lookup(m, path);
	assert_int_not_equal(node, NODE_NONE);
	return view_status(m, node, n);
}

static void test_lookup_and_paths(void **state)
{
	(void)state;
	struct image_model *m = build();
	char buf[64];
	uint32_t node = model_lookup(m, "p/q/r");
	assert_int_not_equal(node, NODE_NONE);
	assert_int_equal(model_path(m, node, buf, sizeof(buf)), 5);
	assert_string_equal(buf, "p/q/r");
	assert_int_equal(model_lookup(m, "nope"), NODE_NONE);
	assert_int_equal(model_lookup(m, ""), NODE_ROOT);
	size_t n;
	uint32_t *kids = model_children(m, NODE_ROOT, &n);
	assert_int_equal(n, 6); /* a d f o p new */
	const char *want[] = {"a", "d", "f", "new", "o", "p"};
	for (size_t i = 0; i < n; i++) {
		model_path(m, kids[i], buf, sizeof(buf));
		assert_string_equal(buf, want[i]);
	}
	free(kids);
	model_free(m);
}

static void test_layer0_all_added(void **state)
{
	(void)state;
	struct image_model *m = build();
	assert_int_equal(status(m, "a/x", 0), PATH_ADDED);
	assert_int_equal(status(m, "p", 0), PATH_ADDED); /* implicit directory */
	assert_true(present(m, "p/q", 0));
	assert_null(view_at(m, model_lookup(m, "p"), 0).entry);
	assert_false(present(m, "new", 0));
	model_free(m);
}

static void test_changes_in_layer1(void **state)
{
	(void)state;
	struct image_model *m = build();
	assert_int_equal(status(m, "a/x", 1), PATH_MODIFIED);
	assert_int_equal(status(m, "a/y", 1), PATH_REMOVED);
	assert_int_equal(status(m, "d", 1), PATH_REMOVED);
	assert_int_equal(status(m, "d/1", 1), PATH_REMOVED);
	assert_int_equal(status(m, "new", 1), PATH_ADDED);
	assert_int_equal(status(m, "f", 1), PATH_MODIFIED); /* metadata only */
	assert_int_equal(status(m, "o/keep", 1), PATH_REMOVED); /* hidden by the opaque dir */
	assert_int_equal(status(m, "o/fresh", 1), PATH_ADDED);
	assert_int_equal(status(m, "o", 1), PATH_UNCHANGED);
	assert_true(present(m, "o", 1));
	assert_int_equal(status(m, "a", 1), PATH_UNCHANGED);
	assert_int_equal(status(m, "p/q/r", 1), PATH_UNCHANGED);
	struct view_state v = view_at(m, model_lookup(m, "a/x"), 1);
	assert_int_equal(v.layer, 1);
	assert_int_equal(v.entry->size, 11);
	model_free(m);
}

static void test_changes_in_layer2(void **state)
{
	(void)state;
	struct image_model *m = build();
	assert_int_equal(status(m, "d", 2), PATH_ADDED);   /* re-created */
	assert_false(present(m, "d/1", 2));                /* stays deleted */
	assert_int_equal(status(m, "d/2", 2), PATH_ADDED);
	assert_int_equal(status(m, "p/q", 2), PATH_MODIFIED); /* dir → file */
	assert_int_equal(status(m, "p/q/r", 2), PATH_REMOVED);
	assert_int_equal(status(m, "a/x", 2), PATH_UNCHANGED); /* same bytes rewritten */
	assert_true(present(m, "o/fresh", 2));
	assert_false(present(m, "o/keep", 2));
	assert_true(present(m, "a/x", 0) && present(m, "a/y", 0) && !present(m, "a/y", 2));
	model_free(m);
}

static void test_hardlinks(void **state)
{
	(void)state;
	struct image_model *m = model_new(NULL);
	struct layer *l0 = test_layer_new(), *l1 = test_layer_new(), *l2 = test_layer_new();
	ls_error err;
	FILE_(l0, "bin/busybox", 100, 1);
	test_layer_add(l0, "bin/sh", ENTRY_HARDLINK, ENTRY_NORMAL, 0, 0, 0755);
	l0->entries[1].link = "bin/busybox";
	test_layer_add(l1, "bin/ls", ENTRY_HARDLINK, ENTRY_NORMAL, 0, 0, 0755); /* target in a lower layer */
	l1->entries[0].link = "bin/busybox";
	assert_int_equal(model_add_layer(m, l0, &err), 0);
	assert_int_equal(model_add_layer(m, l1, &err), 0);
	WHITEOUT(l2, "bin/busybox");
	test_layer_add(l2, "bin/cat", ENTRY_HARDLINK, ENTRY_NORMAL, 0, 0, 0755); /* target deleted */
	l2->entries[1].link = "bin/busybox";
	assert_int_equal(model_add_layer(m, l2, &err), -1);
	assert_non_null(strstr(err.msg, "bin/cat"));
	assert_non_null(strstr(err.msg, "does not exist"));
	model_free(m);
}

static void test_many_paths(void **state)
{
	(void)state;
	/* Enough nodes to grow the hash table several times; every path found again. */
	struct image_model *m = model_new(NULL);
	struct layer *l = test_layer_new();
	ls_error err;
	char path[64];
	for (int i = 0; i < 20000; i++) {
		snprintf(path, sizeof(path), "usr/share/d%d/f%d", i % 97, i);
		FILE_(l, path, (uint64_t)i, (uint64_t)i);
	}
	assert_int_equal(model_add_layer(m, l, &err), 0);
	for (int i = 0; i < 20000; i += 37) {
		snprintf(path, sizeof(path), "usr/share/d%d/f%d", i % 97, i);
		uint32_t node = model_lookup(m, path);
		assert_int_not_equal(node, NODE_NONE);
		assert_int_equal(view_at(m, node, 0).entry->size, (uint64_t)i);
	}
	assert_int_equal(m->n_nodes, 1 + 2 + 97 + 20000);
	model_free(m);
}

/* The whole-tree walk agrees with the per-node queries on every node and layer. */
static void test_walk_matches_view(void **state)
{
	(void)state;
	struct image_model *m = build();
	for (size_t n = 0; n < m->n_layers; n++) {
		struct view_row *rows;
		size_t count, present = 0;
		ls_error err;
		assert_int_equal(view_walk(m, n, true, &rows, &count, &err), 0);
		for (size_t i = 0; i < count; i++) {
			struct view_state v = view_at(m, rows[i].node, n);
			assert_int_equal(rows[i].cur.present, v.present);
			assert_ptr_equal(rows[i].cur.entry, v.entry);
			assert_int_equal(rows[i].status, view_status(m, rows[i].node, n));
			if (i > 0 && rows[i].depth == rows[i - 1].depth) {
				char a[64], b[64];
				model_path(m, rows[i - 1].node, a, sizeof(a));
				model_path(m, rows[i].node, b, sizeof(b));
				assert_true(strcmp(a, b) < 0);
			}
		}
		/* every node present after layer n is in the walk */
		for (uint32_t node = 1; node < m->n_nodes; node++)
			present += view_at(m, node, n).present;
		size_t walked = 0;
		for (size_t i = 0; i < count; i++)
			walked += rows[i].cur.present;
		assert_int_equal(walked, present);
		free(rows);
	}
	struct view_row *rows;
	size_t count;
	ls_error err;
	assert_int_equal(view_walk(m, 1, false, &rows, &count, &err), 0);
	for (size_t i = 0; i < count; i++)
		assert_true(rows[i].cur.present);
	free(rows);
	assert_int_equal(view_walk(m, 3, false, &rows, &count, &err), -1);
	model_free(m);
}

static void test_walk_deep(void **state)
{
	(void)state;
	/* A path 20,000 components deep: the walk uses its own stack, not the C stack. */
	struct image_model *m = model_new(NULL);
	struct layer *l = test_layer_new();
	ls_error err;
	size_t depth = 20000;
	char *path = xmalloc(depth * 2 + 2);
	for (size_t i = 0; i < depth; i++)
		memcpy(path + 2 * i, "a/", 2);
	path[2 * depth] = 'f';
	path[2 * depth + 1] = '\0';
	FILE_(l, path, 1, 1);
	assert_int_equal(model_add_layer(m, l, &err), 0);
	struct view_row *rows;
	size_t count;
	assert_int_equal(view_walk(m, 0, false, &rows, &count, &err), 0);
	assert_int_equal(count, depth + 1);
	assert_int_equal(rows[count - 1].depth, depth);
	assert_int_equal(rows[0].status, PATH_ADDED);
	free(rows);
	free(path);
	model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup_and_paths), cmocka_unit_test(test_layer0_all_added),
		cmocka_unit_test(test_changes_in_layer1), cmocka_unit_test(test_changes_in_layer2),
		cmocka_unit_test(test_hardlinks),        cmocka_unit_test(test_many_paths),
		cmocka_unit_test(test_walk_matches_view), cmocka_unit_test(test_walk_deep),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
