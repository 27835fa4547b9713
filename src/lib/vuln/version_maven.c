/* Maven versions as maven-artifact's ComparableVersion orders them (Maven 3.8.7 and 3.9, with
 * MNG-6964 and MNG-7644: a qualifier after a dot reads as after a dash, 1.0.0.RC1 = 1-rc-1).
 * Parsing, on the lowercased string: '.' ends an item; '-' ends an item and opens a sub-list;
 * a change between digits and letters ends an item and opens a sub-list too (1alpha1 =
 * 1-alpha-1; a letter run that starts after a non-empty item also opens one first); an empty
 * item is 0. A single a, b or m directly followed by digits means alpha, beta, milestone;
 * ga, final and release mean "" and cr means rc. Each list then drops its trailing "null"
 * items (0, "", empty lists), looking past non-empty sub-lists.
 * Order: numbers by value; qualifiers alpha < beta < milestone < rc < snapshot < "" < sp <
 * other qualifiers (bytewise among themselves); number > list > qualifier; a missing item
 * compares as a null one (so 1.0 = 1, 1-rc < 1 < 1-sp < 1.1). */
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "vuln/version_internal.h"

enum mvn_type { MVN_NUM, MVN_STR, MVN_LIST };

struct mvn_item {
	enum mvn_type type;
	char *text;              /* MVN_NUM: digits without leading zeros ("0" for zero);
				  * MVN_STR: the comparable form: "0".."6" for the known
				  * qualifiers, "7-" + the qualifier for the others */
	struct mvn_item **items; /* MVN_LIST */
	size_t n, cap;
};

static const char *const mvn_qualifiers[] = {"alpha", "beta", "milestone", "rc", "snapshot", "",
					     "sp"};
#define MVN_RELEASE_INDEX "5" /* the index of "" */

static struct mvn_item *mvn_new(enum mvn_type type)
{
	struct mvn_item *it = xcalloc(1, sizeof(*it));
	it->type = type;
	return it;
}

/* Frees the item and, along the chain, its sub-lists (iteratively: see mvn_sublist). */
static void mvn_free(struct mvn_item *it)
{
	while (it) {
		struct mvn_item *next = NULL;
		for (size_t i = 0; i < it->n; i++) {
			if (it->items[i]->type == MVN_LIST && !next && i == it->n - 1)
				next = it->items[i];
			else
				mvn_free(it->items[i]); /* numbers, qualifiers, empty lists: no depth */
		}
		free(it->items);
		free(it->text);
		free(it);
		it = next;
	}
}

static void mvn_add(struct mvn_item *list, struct mvn_item *it)
{
	list->items = xgrow(list->items, &list->cap, list->n + 1, sizeof(*list->items));
	list->items[list->n++] = it;
}

static struct mvn_item *mvn_number(const char *s, size_t n)
{
	struct mvn_item *it = mvn_new(MVN_NUM);
	while (n > 1 && *s == '0')
		s++, n--;
	it->text = xstrndup(s, n);
	return it;
}

static struct mvn_item *mvn_string(const char *s, size_t n, bool followed_by_digit)
{
	char *q = xstrndup(s, n);
	if (followed_by_digit && n == 1) {
		const char *full = *q == 'a' ? "alpha" : *q == 'b' ? "beta" : *q == 'm' ? "milestone" : NULL;
		if (full) {
			free(q);
			q = xstrdup(full);
		}
	}
	if (!strcmp(q, "ga") || !strcmp(q, "final") || !strcmp(q, "release"))
		q[0] = '\0';
	else if (!strcmp(q, "cr"))
		memcpy(q, "rc", 3);
	struct mvn_item *it = mvn_new(MVN_STR);
	for (size_t i = 0; i < sizeof(mvn_qualifiers) / sizeof(mvn_qualifiers[0]); i++)
		if (!strcmp(q, mvn_qualifiers[i])) {
			it->text = xasprintf("%zu", i);
			free(q);
			return it;
		}
	it->text = xasprintf("%zu-%s", sizeof(mvn_qualifiers) / sizeof(mvn_qualifiers[0]), q);
	free(q);
	return it;
}

static struct mvn_item *mvn_item(bool digit, const char *s, size_t n)
{
	return digit ? mvn_number(s, n) : mvn_string(s, n, false);
}

static bool mvn_is_null(const struct mvn_item *it)
{
	switch (it->type) {
	case MVN_NUM: return !strcmp(it->text, "0");
	case MVN_STR: return !strcmp(it->text, MVN_RELEASE_INDEX);
	case MVN_LIST: return it->n == 0;
	}
	return false;
}

/* Drop trailing null items, looking past non-empty sub-lists (1.0-1 = 1-1). */
static void mvn_normalize(struct mvn_item *list)
{
	for (size_t i = list->n; i-- > 0;) {
		struct mvn_item *it = list->items[i];
		if (mvn_is_null(it)) {
			mvn_free(it);
			memmove(list->items + i, list->items + i + 1,
				(list->n - i - 1) * sizeof(*list->items));
			list->n--;
		} else if (it->type != MVN_LIST) {
			break;
		}
	}
}

struct mvn_parser {
	struct mvn_item *root, *list;
	struct mvn_item **stack; /* every list opened, outermost first */
	size_t depth, cap;
};

static void mvn_open(struct mvn_parser *p)
{
	struct mvn_item *sub = mvn_new(MVN_LIST);
	mvn_add(p->list, sub);
	p->list = sub;
	p->stack = xgrow(p->stack, &p->cap, p->depth + 1, sizeof(*p->stack));
	p->stack[p->depth++] = sub;
}

static struct mvn_item *mvn_parse(const char *version)
{
	char *v = xstrdup(version);
	for (char *c = v; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	struct mvn_parser p = {0};
	p.root = p.list = mvn_new(MVN_LIST);
	p.stack = xgrow(NULL, &p.cap, 1, sizeof(*p.stack));
	p.stack[p.depth++] = p.root;
	bool digit = false;
	size_t start = 0, len = strlen(v);
	for (size_t i = 0; i < len; i++) {
		char c = v[i];
		if (c == '.' || c == '-') {
			mvn_add(p.list, i == start ? mvn_number("0", 1) : mvn_item(digit, v + start, i - start));
			start = i + 1;
			if (c == '-')
				mvn_open(&p);
		} else if (ver_isdigit(c)) {
			if (!digit && i > start) {
				/* 1.0.0.X1 < 1.0.0-X2: a qualifier after a dot reads as after a dash. */
				if (p.list->n)
					mvn_open(&p);
				mvn_add(p.list, mvn_string(v + start, i - start, true));
				start = i;
				mvn_open(&p);
			}
			digit = true;
		} else {
			if (digit && i > start) {
				mvn_add(p.list, mvn_number(v + start, i - start));
				start = i;
				mvn_open(&p);
			}
			digit = false;
		}
	}
	if (len > start) {
		if (!digit && p.list->n)
			mvn_open(&p);
		mvn_add(p.list, mvn_item(digit, v + start, len - start));
	}
	while (p.depth > 0)
		mvn_normalize(p.stack[--p.depth]);
	free(p.stack);
	free(v);
	return p.root;
}

static int mvn_text_cmp(const char *a, const char *b)
{
	return ver_sign(strcmp(a, b));
}

/* How a number or qualifier compares with a missing item (the other version is shorter). */
static int mvn_scalar_vs_missing(const struct mvn_item *a)
{
	if (a->type == MVN_NUM)
		return mvn_is_null(a) ? 0 : 1; /* 1.0 = 1, 1.1 > 1 */
	return mvn_text_cmp(a->text, MVN_RELEASE_INDEX); /* 1-rc < 1, 1-sp > 1 */
}

/* A sub-list, when a list has one, is its last item: lists form a chain, so comparisons walk
 * it in a loop (no recursion, whatever the nesting depth of a hostile version string). */
static const struct mvn_item *mvn_sublist(const struct mvn_item *list)
{
	return list->n && list->items[list->n - 1]->type == MVN_LIST ? list->items[list->n - 1]
								      : NULL;
}

/* A whole list against a missing item (MNG-6964: every item counts, not just the first). */
static int mvn_list_vs_missing(const struct mvn_item *list)
{
	for (; list; list = mvn_sublist(list)) {
		for (size_t i = 0; i < list->n; i++) {
			if (list->items[i]->type == MVN_LIST)
				break; /* the last one: the next round */
			int r = mvn_scalar_vs_missing(list->items[i]);
			if (r)
				return r;
		}
	}
	return 0;
}

static int mvn_vs_missing(const struct mvn_item *a)
{
	return a->type == MVN_LIST ? mvn_list_vs_missing(a) : mvn_scalar_vs_missing(a);
}

/* Two items of which at most one is a list. */
static int mvn_cmp_mixed(const struct mvn_item *a, const struct mvn_item *b)
{
	switch (a->type) {
	case MVN_NUM:
		if (b->type != MVN_NUM)
			return 1; /* 1.1 > 1-sp, 1.1 > 1-1 */
		return ver_digits_cmp(a->text, strlen(a->text), b->text, strlen(b->text));
	case MVN_STR:
		if (b->type != MVN_STR)
			return -1; /* 1.any < 1.1, 1.any < 1-1 */
		return mvn_text_cmp(a->text, b->text);
	case MVN_LIST:
		return b->type == MVN_NUM ? -1 : 1; /* 1-1 < 1.0.x, 1-1 > 1-sp */
	}
	return 0;
}

static int mvn_cmp_lists(const struct mvn_item *a, const struct mvn_item *b)
{
	for (;;) {
		const struct mvn_item *next_a = NULL, *next_b = NULL;
		for (size_t i = 0; i < a->n || i < b->n; i++) {
			const struct mvn_item *x = i < a->n ? a->items[i] : NULL;
			const struct mvn_item *y = i < b->n ? b->items[i] : NULL;
			if (x && y && x->type == MVN_LIST && y->type == MVN_LIST) {
				next_a = x; /* both last items: compare them in the next round */
				next_b = y;
				break;
			}
			int r = !x ? -mvn_vs_missing(y) : !y ? mvn_vs_missing(x) : mvn_cmp_mixed(x, y);
			if (r)
				return r;
		}
		if (!next_a)
			return 0;
		a = next_a;
		b = next_b;
	}
}

int maven_compare(const char *a, const char *b)
{
	struct mvn_item *x = mvn_parse(a), *y = mvn_parse(b);
	int r = mvn_cmp_lists(x, y);
	mvn_free(x);
	mvn_free(y);
	return r;
}
