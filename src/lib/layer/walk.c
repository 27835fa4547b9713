#include "layer/walk.h"

#include <string.h>

#include "util/mem.h"

/* Per view (after layer n-1 and after layer n): what this node hides below it, and its
 * visible entry. `cut` is the lowest layer whose entries still count; -1 = all. */
struct side {
	int64_t cut; /* inherited from ancestors */
	int64_t kill_self, kill_desc;
	const struct layer_entry *entry;
	uint32_t layer;
};

static void resolve(const struct image_model *m, uint32_t node, int64_t n, struct side *s)
{
	int64_t self = -1, desc = -1;
	s->entry = NULL;
	if (n < 0)
		return;
	for (uint32_t o = m->nodes[node].first_occ; o != NODE_NONE; o = m->occs[o].next) {
		const struct occurrence *oc = &m->occs[o];
		const struct layer_entry *e = model_entry(m, oc);
		if ((int64_t)oc->layer > n)
			break;
		if (e->kind == ENTRY_WHITEOUT) {
			self = desc = oc->layer;
		} else if (e->kind == ENTRY_OPAQUE || (e->kind == ENTRY_NORMAL && e->type != ENTRY_DIR)) {
			desc = oc->layer;
		}
	}
	s->kill_self = self > s->cut ? self : s->cut;
	s->kill_desc = desc > s->kill_self ? desc : s->kill_self;
	for (uint32_t o = m->nodes[node].first_occ; o != NODE_NONE; o = m->occs[o].next) {
		const struct occurrence *oc = &m->occs[o];
		const struct layer_entry *e = model_entry(m, oc);
		if ((int64_t)oc->layer > n)
			break;
		if ((int64_t)oc->layer >= s->kill_self && e->kind == ENTRY_NORMAL) {
			s->entry = e;
			s->layer = oc->layer;
		}
	}
}

struct frame {
	uint32_t *children;
	size_t n_children, next;
	size_t row;         /* this node's row in the output */
	struct side prev, cur;
	bool any_prev, any_cur; /* a descendant is present in that view */
};

int view_walk(const struct image_model *m, size_t n, bool include_removed,
	      struct view_row **rows_out, size_t *count, ls_error *err)
{
	return view_walk_between(m, (int64_t)n - 1, n, include_removed, rows_out, count, err);
}

int view_walk_between(const struct image_model *m, int64_t from, size_t n, bool include_removed,
		      struct view_row **rows_out, size_t *count, ls_error *err)
{
	struct frame *stack = NULL;
	size_t depth = 0, stack_cap = 0, n_rows = 0, rows_cap = 0;
	struct view_row *rows = NULL;

	if (n >= m->n_layers)
		return ls_fail(err, "no layer %zu (the image has %zu)", n, m->n_layers);
	if (from >= (int64_t)n)
		return ls_fail(err, "cannot compare layer %zu with layer %lld", n, (long long)from);
	stack = xgrow(stack, &stack_cap, 1, sizeof(*stack));
	memset(&stack[0], 0, sizeof(stack[0]));
	stack[0].children = model_children(m, NODE_ROOT, &stack[0].n_children);
	stack[0].prev.cut = stack[0].cur.cut = -1;
	stack[0].prev.kill_desc = stack[0].cur.kill_desc = -1;
	stack[0].row = SIZE_MAX;
	depth = 1;

	while (depth > 0) {
		struct frame *f = &stack[depth - 1];
		if (f->next < f->n_children) {
			uint32_t child = f->children[f->next++];
			struct frame c = {0};
			c.prev.cut = f->prev.kill_desc;
			c.cur.cut = f->cur.kill_desc;
			resolve(m, child, from, &c.prev);
			resolve(m, child, (int64_t)n, &c.cur);
			rows = xgrow(rows, &rows_cap, n_rows + 1, sizeof(*rows));
			rows[n_rows] = (struct view_row){.node = child, .depth = (uint32_t)(depth - 1)};
			c.row = n_rows++;
			c.children = model_children(m, child, &c.n_children);
			stack = xgrow(stack, &stack_cap, depth + 1, sizeof(*stack));
			stack[depth++] = c;
			continue;
		}
		/* All children done: decide this node, now that we know its subtree. */
		free(f->children);
		if (f->row != SIZE_MAX) {
			struct view_row *r = &rows[f->row];
			r->prev = (struct view_state){.present = f->prev.entry || f->any_prev,
						      .entry = f->prev.entry, .layer = f->prev.layer};
			r->cur = (struct view_state){.present = f->cur.entry || f->any_cur,
						     .entry = f->cur.entry, .layer = f->cur.layer};
			if (from < 0)
				r->prev = (struct view_state){0};
			r->status = view_change_since(&r->prev, &r->cur, from);
			bool keep = r->cur.present || (include_removed && r->status == PATH_REMOVED);
			if (depth >= 2) {
				stack[depth - 2].any_prev |= r->prev.present;
				stack[depth - 2].any_cur |= r->cur.present;
			}
			if (!keep)
				n_rows = f->row; /* drop it and its (absent) subtree */
		}
		depth--;
	}
	free(stack);
	*rows_out = rows;
	*count = n_rows;
	return 0;
}

const struct layer_entry *view_row_entry(const struct view_row *r)
{
	return r->cur.present ? r->cur.entry : r->prev.entry;
}

uint64_t *view_subtree_sizes(const struct view_row *rows, size_t n)
{
	uint64_t *size = xcalloc(n + 1, sizeof(*size));
	size_t *stack = xmalloc((n + 1) * sizeof(*stack));
	size_t depth = 0;
	for (size_t i = 0; i <= n; i++) {
		uint32_t d = i < n ? rows[i].depth : 0;
		while (depth > 0 && (i == n || rows[stack[depth - 1]].depth >= d)) {
			size_t done = stack[--depth];
			const struct layer_entry *e = view_row_entry(&rows[done]);
			if (e && e->type == ENTRY_FILE)
				size[done] += e->size;
			if (depth > 0 && rows[done].cur.present)
				size[stack[depth - 1]] += size[done];
		}
		if (i < n)
			stack[depth++] = i;
	}
	free(stack);
	return size;
}
