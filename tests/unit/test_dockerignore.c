/* .dockerignore: the file reader, Go glob syntax checks, the patternmatcher translation to Go
 * regexps (escapes, classes, '**'), exceptions, parent-directory matching, BuildKit's walk
 * form and the directory pruning rule. Expected values follow moby/patternmatcher. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lint/dockerignore.h"

enum { INCLUDED = 0, EXCLUDED = 1, PARSE_ERROR = 2, MATCH_ERROR = 3 };

struct mcase {
	const char *file; /* .dockerignore text */
	const char *path;
	int want;
};

static int outcome(const char *file, const char *path)
{
	struct dockerignore *d;
	ls_error err = {{0}};
	bool excluded = false;
	int r;
	if (dockerignore_parse(file, strlen(file), &d, &err) < 0) {
		assert_true(err.msg[0] != '\0');
		return PARSE_ERROR;
	}
	r = dockerignore_matches(d, path, &excluded, &err) < 0 ? MATCH_ERROR
							       : (excluded ? EXCLUDED : INCLUDED);
	dockerignore_free(d);
	return r;
}

static void run_table(const struct mcase *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int got = outcome(c[i].file, c[i].path);
		if (got != c[i].want)
			fail_msg("patterns %s path '%s': got %d, want %d", c[i].file, c[i].path, got,
				 c[i].want);
	}
}

#define RUN(t) run_table(t, sizeof(t) / sizeof(t[0]))

static void test_literals_and_stars(void **state)
{
	static const struct mcase t[] = {
		{"*\n", "fileutils.go", EXCLUDED},
		{"*.go\n", "fileutils.go", EXCLUDED},
		{"*.go\n", "dir/fileutils.go", INCLUDED}, /* '*' does not cross '/' */
		{"*/*.go\n", "dir/fileutils.go", EXCLUDED},
		{"abc.def\n", "abcdef", INCLUDED},
		{"abc.def\n", "abc.def", EXCLUDED},
		{"abc?def\n", "abcZdef", EXCLUDED},
		{"abc?def\n", "abc/def", INCLUDED},
		{"a(b)c/def\n", "a(b)c/def", EXCLUDED},
		{"a.|)$(}+{bc\n", "a.|)$(}+{bc", EXCLUDED},
		{"a?b\n", "a\xe2\x98\xba" "b", EXCLUDED}, /* '?' is one rune */
		{"a???b\n", "a\xe2\x98\xba" "b", INCLUDED},
		{"*.go\n", ".", INCLUDED},             /* the context itself is never excluded */
		{"", "anything", INCLUDED},
	};
	(void)state;
	RUN(t);
}

static void test_escapes(void **state)
{
	static const struct mcase t[] = {
		{"a\\*b\n", "a*b", EXCLUDED},
		{"a\\*b\n", "ab", INCLUDED},
		{"a\\*b\n", "axb", INCLUDED},
		{"a\\\\\n", "a\\", EXCLUDED},
		{"\\[x\\]\n", "[x]", EXCLUDED},
		{"a\\?\n", "a?", EXCLUDED},
		{"a\\?\n", "ab", INCLUDED},
		{"\\\n", "a", PARSE_ERROR}, /* trailing backslash */
		{"a\\\n", "a", PARSE_ERROR},
		/* Go regexp escapes survive the translation: \d is a digit class. */
		{"v\\d\n", "v7", EXCLUDED},
		{"v\\d\n", "vd", INCLUDED},
		{"\\q\n", "q", MATCH_ERROR}, /* passes the glob check, Go's regexp rejects it */
	};
	(void)state;
	RUN(t);
}

static void test_classes(void **state)
{
	static const struct mcase t[] = {
		{"a[b-d]e\n", "ace", EXCLUDED},
		{"a[b-d]e\n", "ae", INCLUDED},
		{"a[b-d]e\n", "aae", INCLUDED},
		{"a[^b-d]e\n", "aze", EXCLUDED},
		{"a[^b-d]e\n", "ace", INCLUDED},
		{"a[!b]c\n", "a!c", EXCLUDED}, /* '!' does not negate in Go */
		{"a[!b]c\n", "abc", EXCLUDED},
		{"a[!b]c\n", "axc", INCLUDED},
		{"[\\]a]\n", "]", EXCLUDED},
		{"[\\-]\n", "-", EXCLUDED},
		{"[x\\-]\n", "z", INCLUDED},
		{"[a-\xce\xb6]*\n", "\xce\xb1", EXCLUDED},
		{"*[a-\xce\xb6]\n", "A", INCLUDED},
		{"[[:digit:]]x\n", "1x", EXCLUDED},
		{"[[:digit:]]x\n", "ax", INCLUDED},
		{"[]a]\n", "]", PARSE_ERROR},
		{"[-]\n", "-", PARSE_ERROR},
		{"[x-]\n", "x", PARSE_ERROR},
		{"[a-b-c]\n", "a", PARSE_ERROR},
		{"[\n", "a", PARSE_ERROR},
		{"[^\n", "a", PARSE_ERROR},
		{"a[\n", "a", PARSE_ERROR},
		{"[z-a]\n", "a", MATCH_ERROR}, /* reversed range: Go's regexp rejects it */
		/* '*' inside brackets is translated too: "[*]" becomes the regexp [[^/]*] */
		{"[*]\n", "]", EXCLUDED},
		{"[*]\n", "*", INCLUDED},
	};
	(void)state;
	RUN(t);
}

static void test_double_star(void **state)
{
	static const struct mcase t[] = {
		{"**\n", "file", EXCLUDED},
		{"**\n", "dir/file", EXCLUDED},
		{"**/\n", "dir/file/", EXCLUDED},
		{"dir/**\n", "dir/dir2/file", EXCLUDED},
		{"abc/**\n", "abc", INCLUDED},
		{"abc/**\n", "abc/def", EXCLUDED},
		{"**/dir\n", "dir/file", EXCLUDED},
		{"**/dir2/*\n", "dir/dir2/file", EXCLUDED},
		{"**/file\n", "file", EXCLUDED},
		{"**/file\n", "dir/dir/file", EXCLUDED},
		{"**file\n", "dir/xfile", EXCLUDED},
		{"**/*.txt\n", "file.txt", EXCLUDED},
		{"**/**/*.txt2\n", "dir/dir/file.txt", INCLUDED},
		{"a**/*.txt\n", "a/dir/dir/file.txt", EXCLUDED},
		{"a/*.txt\n", "a/dir/file.txt", INCLUDED},
		{"**/.foo\n", "bar.foo", INCLUDED},
		{"**/foo/bar\n", "dir/dir2/foo/bar", EXCLUDED},
		{"a/**/b\n", "a/b", EXCLUDED},
		{"a/**/b\n", "a/x/y/b", EXCLUDED},
		{"a/**/b\n", "ab", INCLUDED},
	};
	(void)state;
	RUN(t);
}

static void test_exceptions(void **state)
{
	static const struct mcase t[] = {
		{"*.go\n!fileutils.go\n", "fileutils.go", INCLUDED},
		{"!fileutils.go\n*.go\n", "fileutils.go", EXCLUDED}, /* last match wins */
		{"docs\n!docs/README.md\n", "docs/README.md", INCLUDED},
		{"docs\n!docs/README.md\n", "docs/other.md", EXCLUDED},
		{"**\n!util/docker/web\n", "util/docker/web/foo", INCLUDED},
		{"**\n!util/docker/web\nutil/docker/web/foo\n", "util/docker/web/foo", EXCLUDED},
		{"node_modules\n!**/keep.txt\n", "node_modules/a/keep.txt", INCLUDED},
		{"!\n", "a", PARSE_ERROR},
		{"! \n", "a", PARSE_ERROR},
		{"!/\n", "a", PARSE_ERROR}, /* cleans to "!" */
	};
	(void)state;
	RUN(t);
}

static void test_parent_matching(void **state)
{
	static const struct mcase t[] = {
		{"build\n", "build/out/app.bin", EXCLUDED},
		{"build\n", "src/build", INCLUDED},
		{"src/*\n", "src/a/b/c", EXCLUDED},
		{"*/cache\n", "x/cache/deep/file", EXCLUDED},
		{".git\n", ".git/objects/ab/cdef", EXCLUDED},
		{".git\n", "a/.git/HEAD", INCLUDED},
		{"**/.git\n", "a/.git/HEAD", EXCLUDED},
		{"dir/*\n!dir\n", "dir/f", INCLUDED}, /* via the parent "dir" */
	};
	(void)state;
	RUN(t);
}

static void test_reader(void **state)
{
	static const struct mcase t[] = {
		{"# comment\n", "# comment", INCLUDED},
		{" # not a comment\n", "# not a comment", EXCLUDED}, /* '#' only in column 0 */
		{"\xef\xbb\xbf" "foo\n", "foo", EXCLUDED},       /* BOM on the first line */
		{"  /foo/  \r\n", "foo", EXCLUDED},              /* trim, CRLF, leading '/' */
		{"./foo\n", "foo", EXCLUDED},
		{"a//b/../c\n", "a/c", EXCLUDED},
		{"foo\n! /foo/bar\n", "foo/bar", INCLUDED},
		{"\n\n   \n\tfoo\t\n", "foo", EXCLUDED},
		{"foo", "foo", EXCLUDED}, /* no final newline */
		{"/\n", "x", INCLUDED},
	};
	(void)state;
	RUN(t);
	/* The path is cleaned too. */
	assert_int_equal(outcome("foo\n", "./foo/"), EXCLUDED);
	assert_int_equal(outcome("foo\n", "bar/../foo"), EXCLUDED);
}

static void test_error_names_pattern(void **state)
{
	struct dockerignore *d = NULL;
	ls_error err = {{0}};
	const char *text = "ok\nbad[\n";
	(void)state;
	assert_int_equal(dockerignore_parse(text, strlen(text), &d, &err), -1);
	assert_null(d);
	assert_non_null(strstr(err.msg, "bad["));
	assert_non_null(strstr(err.msg, "line 2"));
	assert_int_equal(dockerignore_load("/nonexistent/.dockerignore", &d, &err), -1);
	assert_non_null(strstr(err.msg, "/nonexistent/.dockerignore"));
}

static void test_accessors(void **state)
{
	struct dockerignore *d;
	ls_error err = {{0}};
	const char *pats[] = {"  a/b/  ", "", "!c"};
	bool exc;
	(void)state;
	assert_int_equal(dockerignore_new(pats, 3, &d, &err), 0);
	assert_int_equal(dockerignore_count(d), 2);
	assert_string_equal(dockerignore_pattern(d, 0, &exc), "a/b");
	assert_false(exc);
	assert_string_equal(dockerignore_pattern(d, 1, &exc), "c");
	assert_true(exc);
	assert_true(dockerignore_has_exceptions(d));
	dockerignore_free(d);
}

static bool can_skip(const char *file, const char *dir)
{
	struct dockerignore *d;
	ls_error err = {{0}};
	bool r;
	assert_int_equal(dockerignore_parse(file, strlen(file), &d, &err), 0);
	r = dockerignore_can_skip_dir(d, dir);
	dockerignore_free(d);
	return r;
}

static void test_can_skip_dir(void **state)
{
	(void)state;
	assert_true(can_skip("node_modules\n", "node_modules"));
	assert_false(can_skip("node_modules\n", "src"));           /* not excluded */
	assert_false(can_skip("node_modules\n!node_modules/keep\n", "node_modules"));
	assert_true(can_skip("node_modules\n!node_modules/keep\n", "node_modules/other"));
	assert_false(can_skip("node_modules\n!**/keep.txt\n", "node_modules"));
	assert_true(can_skip("node_modules\n!*.md\n", "node_modules")); /* '*' stays at the top */
	assert_false(can_skip("node_modules\n!node_modules/*.md\n", "node_modules"));
	assert_true(can_skip("node_modules\n!src/**\n", "node_modules"));
	assert_false(can_skip("build\n!build/**\n", "build"));
	assert_false(can_skip("*\n!b?ild/x\n", "build"));
	assert_true(can_skip("*\n!b?ild/x\n", "src"));
}

/* BuildKit's walk form, with the parent's state passed down. */
static void test_walk_form(void **state)
{
	struct dockerignore *d;
	ls_error err = {{0}};
	const char *text = "dir/*\n!dir\n";
	bool parent[2], self[2], excluded;
	(void)state;
	assert_int_equal(dockerignore_parse(text, strlen(text), &d, &err), 0);
	assert_int_equal(dockerignore_matches_walk(d, "dir", NULL, parent, &excluded, &err), 0);
	assert_false(excluded);
	/* "!dir" was not evaluated for "dir" (nothing to re-include yet), so BuildKit does not
	 * carry it to "dir/f": the file is excluded, unlike MatchesOrParentMatches. */
	assert_int_equal(dockerignore_matches_walk(d, "dir/f", parent, self, &excluded, &err), 0);
	assert_true(excluded);
	assert_int_equal(dockerignore_matches(d, "dir/f", &excluded, &err), 0);
	assert_false(excluded);
	dockerignore_free(d);

	text = "node_modules\n!node_modules/keep\n";
	assert_int_equal(dockerignore_parse(text, strlen(text), &d, &err), 0);
	assert_int_equal(dockerignore_matches_walk(d, "node_modules", NULL, parent, &excluded, &err), 0);
	assert_true(excluded);
	assert_false(dockerignore_walk_can_skip(d, "node_modules"));
	assert_int_equal(dockerignore_matches_walk(d, "node_modules/keep", parent, self, &excluded,
						   &err), 0);
	assert_false(excluded);
	assert_int_equal(dockerignore_matches_walk(d, "node_modules/x", parent, self, &excluded, &err), 0);
	assert_true(excluded);
	assert_true(dockerignore_walk_can_skip(d, "node_modules/x"));
	dockerignore_free(d);
}

/* Property: whenever a directory may be skipped, everything below it is excluded — for the
 * walk form (BuildKit) and for MatchesOrParentMatches — over random pattern sets and a tree
 * of every path up to depth 4 over a few names. */
static const char *const pool[] = {
	"a", "b", "*", "a/*", "**/k", "!a/b", "!**/k", "!*.md", "a/**", "!a/**/k", "*/b", "!b",
	"!a", "b/**", "!*/ab/*", "[ab]*", "!?/k", "!a/ab", "ab", "!ab/**", "**/ab", "!b/a/*",
};
static const char *const names[] = {"a", "b", "ab", "x.md", "k"};
enum { NNAMES = 5, DEPTH = 4 };

static uint32_t rng_state = 12345;
static uint32_t rng(void)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return rng_state >> 8;
}

struct prop {
	struct dockerignore *d;
	size_t npat;
	unsigned checked;
};

/* Are `path` and everything below it excluded (walk form, from `bits`)? */
static bool all_excluded_below(struct prop *p, const char *path, const bool *bits, int depth)
{
	if (depth == DEPTH)
		return true;
	for (int i = 0; i < NNAMES; i++) {
		char child[128];
		bool self[32], excluded;
		assert_true(snprintf(child, sizeof(child), "%s/%s", path, names[i]) < (int)sizeof(child));
		assert_int_equal(dockerignore_matches_walk(p->d, child, bits, self, &excluded, NULL), 0);
		if (!excluded || !all_excluded_below(p, child, self, depth + 1))
			return false;
	}
	return true;
}

static bool all_excluded_below_mopm(struct prop *p, const char *path, int depth)
{
	if (depth == DEPTH)
		return true;
	for (int i = 0; i < NNAMES; i++) {
		char child[128];
		bool excluded;
		assert_true(snprintf(child, sizeof(child), "%s/%s", path, names[i]) < (int)sizeof(child));
		assert_int_equal(dockerignore_matches(p->d, child, &excluded, NULL), 0);
		if (!excluded || !all_excluded_below_mopm(p, child, depth + 1))
			return false;
	}
	return true;
}

static void check_dirs(struct prop *p, const char *path, const bool *parent, int depth)
{
	for (int i = 0; i < NNAMES && depth < DEPTH - 1; i++) {
		char dir[128];
		bool self[32], excluded;
		assert_true(snprintf(dir, sizeof(dir), "%s%s%s", path, *path ? "/" : "", names[i]) <
			    (int)sizeof(dir));
		assert_int_equal(dockerignore_matches_walk(p->d, dir, parent, self, &excluded, NULL), 0);
		if (excluded && dockerignore_walk_can_skip(p->d, dir)) {
			p->checked++;
			if (!all_excluded_below(p, dir, self, depth + 1))
				fail_msg("walk: skipping %s would lose a path", dir);
		}
		if (dockerignore_can_skip_dir(p->d, dir) && !all_excluded_below_mopm(p, dir, depth + 1))
			fail_msg("can_skip_dir(%s) but a path below is included", dir);
		check_dirs(p, dir, self, depth + 1);
	}
}

static void test_pruning_is_sound(void **state)
{
	unsigned checked = 0;
	(void)state;
	for (int round = 0; round < 300; round++) {
		const char *pats[4];
		size_t n = 1 + rng() % 4;
		struct prop p = {0};
		for (size_t i = 0; i < n; i++)
			pats[i] = pool[rng() % (sizeof(pool) / sizeof(pool[0]))];
		assert_int_equal(dockerignore_new(pats, n, &p.d, NULL), 0);
		p.npat = n;
		check_dirs(&p, "", NULL, 0);
		checked += p.checked;
		dockerignore_free(p.d);
	}
	assert_true(checked > 100); /* the property was exercised */
}

/* Hostile patterns: random strings over the glob and regexp metacharacters must parse or fail
 * cleanly, and match or fail cleanly (the sanitizer builds catch the rest). */
static void test_random_patterns_are_safe(void **state)
{
	static const char alphabet[] = "[]^!*?\\-/ab.{}()$:|+dpQE\xce\xb1 \n";
	static const char *const paths[] = {"a", "ab/b", "a/b/c", "]", "-", "a*b", "\xce\xb1/x"};
	unsigned parsed = 0;
	(void)state;
	for (int round = 0; round < 5000; round++) {
		char text[24];
		size_t n = rng() % (sizeof(text) - 1);
		struct dockerignore *d;
		ls_error err = {{0}};
		for (size_t i = 0; i < n; i++)
			text[i] = alphabet[rng() % (sizeof(alphabet) - 1)];
		text[n] = '\0';
		if (dockerignore_parse(text, n, &d, &err) < 0) {
			assert_true(err.msg[0] != '\0');
			continue;
		}
		parsed++;
		for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
			bool excluded;
			if (dockerignore_matches(d, paths[i], &excluded, &err) < 0)
				assert_non_null(strstr(err.msg, "pattern"));
		}
		(void)dockerignore_can_skip_dir(d, "a");
		(void)dockerignore_walk_can_skip(d, "ab");
		dockerignore_free(d);
	}
	assert_true(parsed > 500);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_literals_and_stars),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_double_star),
		cmocka_unit_test(test_exceptions),
		cmocka_unit_test(test_parent_matching),
		cmocka_unit_test(test_reader),
		cmocka_unit_test(test_error_names_pattern),
		cmocka_unit_test(test_accessors),
		cmocka_unit_test(test_can_skip_dir),
		cmocka_unit_test(test_walk_form),
		cmocka_unit_test(test_pruning_is_sound),
		cmocka_unit_test(test_random_patterns_are_safe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
