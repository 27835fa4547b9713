/* The explorer's state without a terminal: which rows are shown after a layer, collapsing,
 * the change filters (a directory stays while something below it is shown), the path filter
 * typed after '/', moving between layers with the cursor kept on its path, and quitting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tui/explorer.h"
#include "testutil.h"

static void add(struct layer *l, const char *path, enum entry_type type, enum entry_kind kind,
		uint64_t size, uint64_t hash)
{
	test_layer_add(l, path, type, kind, size, hash, type == ENTRY_DIR ? 0755 : 0644);
}

/* layer 0: etc/{passwd,hostname}, usr/bin/app; layer 1: passwd changed, hostname removed,
 * home/user/notes added. */
static struct image_model *build(void)
{
	struct image_model *m = model_new(NULL);
	ls_error err;
	struct layer *l0 = test_layer_new(), *l1 = test_layer_new();
	add(l0, "etc", ENTRY_DIR, ENTRY_NORMAL, 0, 0);
	add(l0, "etc/passwd", ENTRY_FILE, ENTRY_NORMAL, 30, 1);
	add(l0, "etc/hostname", ENTRY_FILE, ENTRY_NORMAL, 8, 2);
	add(l0, "usr/bin/app", ENTRY_FILE, ENTRY_NORMAL, 1000, 3);
	add(l1, "etc/passwd", ENTRY_FILE, ENTRY_NORMAL, 60, 4);
	add(l1, "etc/hostname", ENTRY_FILE, ENTRY_WHITEOUT, 0, 0);
	add(l1, "home/user/notes", ENTRY_FILE, ENTRY_NORMAL, 5, 5);
	assert_int_equal(model_add_layer(m, l0, &err), 0);
	assert_int_equal(model_add_layer(m, l1, &err), 0);
	return m;
}

/* Each test gets the model of build() and an explorer on it, at layer 0. */
struct fixture {
	struct image_model *m;
	struct explorer ex;
};

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	ls_error err;
	f->m = build();
	if (explorer_init(&f->ex, f->m, &err) < 0) {
		model_free(f->m);
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	explorer_release(&f->ex);
	model_free(f->m);
	free(f);
	return 0;
}

/* The shown rows as "path:mark" joined by spaces. */
static const char *shown(const struct explorer *ex)
{
	static char out[4096];
	static const char marks[] = {'U', 'A', 'M', 'D'};
	char path[256];
	size_t o = 0;
	out[0] = '\0';
	for (size_t k = 0; k < ex->n_shown; k++) {
		const struct view_row *r = &ex->rows[ex->shown[k]];
		model_path(ex->model, r->node, path, sizeof(path));
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%s:%c", k ? " " : "", path,
				      marks[r->status]);
	}
	return out;
}

static const char *cursor_path(const struct explorer *ex)
{
	static char path[256];
	const struct view_row *r = explorer_cursor_row(ex);
	if (!r)
		return "";
	model_path(ex->model, r->node, path, sizeof(path));
	return path;
}

static void keys(struct explorer *ex, const char *s)
{
	for (; *s; s++)
		explorer_key(ex, (unsigned char)*s);
}

static void test_layers_and_marks(void **state)
{
	struct explorer *ex = &((struct fixture *)*state)->ex;
	assert_string_equal(shown(ex), "etc:A etc/hostname:A etc/passwd:A usr:A usr/bin:A usr/bin/app:A");
	assert_int_equal(ex->focus, PANE_LAYERS);
	explorer_key(ex, EXK_DOWN); /* the layers pane moves between layers */
	assert_int_equal(ex->layer, 1);
	assert_string_equal(shown(ex), "etc:U etc/hostname:D etc/passwd:M home:A home/user:A "
					"home/user/notes:A usr:U usr/bin:U usr/bin/app:U");
	explorer_key(ex, EXK_DOWN); /* no layer 2: stays */
	assert_int_equal(ex->layer, 1);
	/* directory sizes: what is present below them (the removed hostname is not) */
	assert_int_equal(ex->sizes[0], 60);
}

static void test_filters_keep_the_way_down(void **state)
{
	struct explorer *ex = &((struct fixture *)*state)->ex;
	ls_error err;
	explorer_select_layer(ex, 1, &err);
	keys(ex, "u"); /* hide unchanged: unchanged dirs stay as the way to a change */
	assert_string_equal(shown(ex), "etc:U etc/hostname:D etc/passwd:M home:A home/user:A "
					"home/user/notes:A");
	keys(ex, "a");
	assert_string_equal(shown(ex), "etc:U etc/hostname:D etc/passwd:M");
	keys(ex, "m");
	assert_string_equal(shown(ex), "etc:U etc/hostname:D");
	keys(ex, "r");
	assert_string_equal(shown(ex), "");
	assert_null(explorer_cursor_row(ex));
	explorer_key(ex, EXK_DOWN); /* nothing shown: no crash */
	keys(ex, "uamr");
	assert_int_equal(ex->n_shown, 9);
}

static void test_path_filter(void **state)
{
	struct explorer *ex = &((struct fixture *)*state)->ex;
	keys(ex, "/pass");
	assert_true(ex->editing_filter);
	assert_int_equal(ex->focus, PANE_TREE);
	assert_string_equal(shown(ex), "etc:A etc/passwd:A");
	keys(ex, "q"); /* typed into the filter, not quitting */
	assert_string_equal(ex->filter, "passq");
	assert_string_equal(shown(ex), "");
	explorer_key(ex, EXK_BACKSPACE);
	keys(ex, "\n");
	assert_false(ex->editing_filter);
	assert_string_equal(shown(ex), "etc:A etc/passwd:A");
	keys(ex, "/");
	explorer_key(ex, 27); /* Esc clears */
	assert_string_equal(ex->filter, "");
	assert_int_equal(ex->n_shown, 6);
}

static void test_collapse_and_cursor(void **state)
{
	struct explorer *ex = &((struct fixture *)*state)->ex;
	keys(ex, "\t");
	assert_int_equal(ex->focus, PANE_TREE);
	assert_string_equal(cursor_path(ex), "etc");
	keys(ex, " "); /* collapse etc */
	assert_string_equal(shown(ex), "etc:A usr:A usr/bin:A usr/bin/app:A");
	explorer_key(ex, EXK_DOWN);
	assert_string_equal(cursor_path(ex), "usr");
	explorer_key(ex, EXK_UP);
	explorer_key(ex, EXK_RIGHT); /* expand */
	assert_int_equal(ex->n_shown, 6);
	explorer_key(ex, EXK_END);
	assert_string_equal(cursor_path(ex), "usr/bin/app");
	explorer_key(ex, EXK_LEFT); /* a file: go to its parent */
	assert_string_equal(cursor_path(ex), "usr/bin");
	keys(ex, "c"); /* collapse everything: the cursor goes to its top-level directory */
	assert_string_equal(shown(ex), "etc:A usr:A");
	assert_string_equal(cursor_path(ex), "usr");
	keys(ex, "c");
	assert_int_equal(ex->n_shown, 6);
	/* the cursor stays on its path across layers */
	explorer_key(ex, EXK_HOME);
	explorer_key(ex, EXK_DOWN);
	explorer_key(ex, EXK_DOWN);
	assert_string_equal(cursor_path(ex), "etc/passwd");
	keys(ex, "]");
	assert_int_equal(ex->layer, 1);
	assert_string_equal(cursor_path(ex), "etc/passwd");
	/* last shown child flags for the tree art: etc/passwd is etc's last child */
	assert_true(ex->last_sibling[2]);
	assert_false(ex->last_sibling[1]);
	keys(ex, "?");
	assert_true(ex->help);
	keys(ex, "x"); /* any key closes the help */
	assert_false(ex->help);
	assert_int_equal(explorer_key(ex, 'q'), EXPLORER_QUIT);
	assert_int_equal(explorer_key(ex, EXK_CTRL('c')), EXPLORER_QUIT);
}

static void test_scroll_window(void **state)
{
	struct explorer *ex = &((struct fixture *)*state)->ex;
	keys(ex, "\t");
	explorer_key(ex, EXK_END);
	explorer_scroll(ex, 3, 1);
	assert_int_equal(ex->tree_top, 3); /* rows 3..5 shown, the cursor on 5 */
	explorer_key(ex, EXK_HOME);
	explorer_scroll(ex, 3, 1);
	assert_int_equal(ex->tree_top, 0);
}

/* dive's aggregated mode: layers 1 … N against the base, from the layers pane. */
static void test_aggregated(void **state)
{
	(void)state;
	struct image_model *m = build();
	struct layer *l2 = test_layer_new();
	struct explorer ex;
	ls_error err;
	add(l2, "home/user/more", ENTRY_FILE, ENTRY_NORMAL, 7, 6);
	add(l2, "usr/bin/app", ENTRY_FILE, ENTRY_WHITEOUT, 0, 0);
	assert_int_equal(model_add_layer(m, l2, &err), 0);
	assert_int_equal(explorer_init(&ex, m, &err), 0);
	explorer_select_layer(&ex, 2, &err);
	/* this layer only: hostname was removed earlier, passwd changed earlier; usr and usr/bin
	 * were never entries of their own, so they go with the last file below them */
	assert_string_equal(shown(&ex), "etc:U etc/passwd:U home:U home/user:U home/user/more:A "
					"home/user/notes:U usr:D usr/bin:D usr/bin/app:D");
	explorer_key(&ex, EXK_CTRL('a')); /* the layers pane has the focus */
	assert_true(ex.aggregated);
	assert_string_equal(shown(&ex), "etc:U etc/hostname:D etc/passwd:M home:A home/user:A "
					"home/user/more:A home/user/notes:A usr:D usr/bin:D "
					"usr/bin/app:D");
	assert_int_equal(ex.show_mask & (1u << PATH_ADDED), 1u << PATH_ADDED); /* not the filter */
	explorer_key(&ex, EXK_UP); /* layer 1 aggregated is layer 1 alone */
	assert_string_equal(shown(&ex), "etc:U etc/hostname:D etc/passwd:M home:A home/user:A "
					"home/user/notes:A usr:U usr/bin:U usr/bin/app:U");
	explorer_key(&ex, EXK_CTRL('l'));
	assert_false(ex.aggregated);
	keys(&ex, "\t");
	explorer_key(&ex, EXK_CTRL('a')); /* in the tree: the added filter */
	assert_false(ex.aggregated);
	assert_int_equal(ex.show_mask & (1u << PATH_ADDED), 0);
	explorer_release(&ex);
	model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_layers_and_marks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filters_keep_the_way_down, setup, teardown),
		cmocka_unit_test_setup_teardown(test_path_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_collapse_and_cursor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scroll_window, setup, teardown),
		cmocka_unit_test(test_aggregated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
