#include "analysis/efficiency.h"

#include <string.h>

/* ---- One layer's own tree: which nodes it has, which of them are leaves ---- */

struct layer_tree {
	const struct image_model *m;
	int32_t *in_tree;   /* == layer: the node (not a whiteout) is in the layer's tree */
	int32_t *has_child; /* == layer: ... and has children there */
	int32_t *explicit_; /* == layer: the tar lists it; last_entry is its (last) entry */
	int32_t *wh;        /* == layer: the tar has a whiteout of it; wh_entry is that entry */
	uint32_t *last_entry, *wh_entry;
	uint32_t *nodes, *whs; /* the layer's non-whiteout nodes and whiteout targets */
	size_t n_nodes, cap_nodes, n_whs, cap_whs;
};

static void tree_init(struct layer_tree *t, const struct image_model *m)
{
	size_t n = m->n_nodes;
	memset(t, 0, sizeof(*t));
	t->m = m;
	t->in_tree = xmalloc(n * sizeof(int32_t));
	t->has_child = xmalloc(n * sizeof(int32_t));
	t->explicit_ = xmalloc(n * sizeof(int32_t));
	t->wh = xmalloc(n * sizeof(int32_t));
	memset(t->in_tree, 0xff, n * sizeof(int32_t));
	memset(t->has_child, 0xff, n * sizeof(int32_t));
	memset(t->explicit_, 0xff, n * sizeof(int32_t));
	memset(t->wh, 0xff, n * sizeof(int32_t));
	t->last_entry = xmalloc(n * sizeof(uint32_t));
	t->wh_entry = xmalloc(n * sizeof(uint32_t));
}

static void tree_release(struct layer_tree *t)
{
	free(t->in_tree);
	free(t->has_child);
	free(t->explicit_);
	free(t->wh);
	free(t->last_entry);
	free(t->wh_entry);
	free(t->nodes);
	free(t->whs);
}

static void tree_add_node(struct layer_tree *t, uint32_t node, int32_t layer)
{
	if (t->in_tree[node] == layer)
		return;
	t->in_tree[node] = layer;
	t->nodes = xgrow(t->nodes, &t->cap_nodes, t->n_nodes + 1, sizeof(*t->nodes));
	t->nodes[t->n_nodes++] = node;
}

/* The ancestors of a node are (implicit or listed) directories with children. Stops at the
 * first one already marked: its own ancestors are marked too. */
static void tree_add_parents(struct layer_tree *t, uint32_t node, int32_t layer)
{
	for (uint32_t p = t->m->nodes[node].parent; p != NODE_ROOT && p != NODE_NONE;
	     p = t->m->nodes[p].parent) {
		if (t->has_child[p] == layer)
			break;
		t->has_child[p] = layer;
		tree_add_node(t, p, layer);
	}
}

static void tree_collect(struct layer_tree *t, size_t layer)
{
	const struct layer *l = t->m->layers[layer];
	int32_t L = (int32_t)layer;
	t->n_nodes = t->n_whs = 0;
	for (size_t i = 0; i < l->n_entries; i++) {
		const struct layer_entry *e = &l->entries[i];
		if (e->kind == ENTRY_META || e->node == NODE_NONE || e->node == NODE_ROOT)
			continue; /* dive skips "." and "/"; AUFS bookkeeping is not content */
		if (e->kind == ENTRY_WHITEOUT) {
			if (t->wh[e->node] != L) {
				t->wh[e->node] = L;
				t->whs = xgrow(t->whs, &t->cap_whs, t->n_whs + 1, sizeof(*t->whs));
				t->whs[t->n_whs++] = e->node;
			}
			t->wh_entry[e->node] = (uint32_t)i;
		} else {
			/* NORMAL, or OPAQUE: dive drops the flag file but has made its directory. */
			tree_add_node(t, e->node, L);
			if (e->kind == ENTRY_NORMAL) {
				t->explicit_[e->node] = L;
				t->last_entry[e->node] = (uint32_t)i;
			}
		}
		tree_add_parents(t, e->node, L);
	}
}

static const struct layer_entry *tree_entry(const struct layer_tree *t, size_t layer, uint32_t node)
{
	if (t->explicit_[node] != (int32_t)layer)
		return NULL;
	return &t->m->layers[layer]->entries[t->last_entry[node]];
}

/* ---- dive's stacked tree below a whiteout ---- */

/* The last NORMAL entry of `node` in layer j, or NULL. */
static const struct layer_entry *entry_in_layer(const struct image_model *m, uint32_t node, int32_t j)
{
	const struct layer_entry *found = NULL;
	for (uint32_t o = m->nodes[node].first_occ; o != NODE_NONE; o = m->occs[o].next) {
		const struct occurrence *oc = &m->occs[o];
		if ((int32_t)oc->layer > j)
			break;
		if ((int32_t)oc->layer == j && model_entry(m, oc)->kind == ENTRY_NORMAL)
			found = model_entry(m, oc);
	}
	return found;
}

struct occ_summary {
	int32_t touch; /* last layer <= upto with a NORMAL or OPAQUE entry of the node */
	int32_t any;   /* last layer <= upto with any entry of the node */
	int32_t kill;  /* last layer <= upto with a whiteout of the node */
};

static struct occ_summary summarize(const struct image_model *m, uint32_t node, int32_t upto)
{
	struct occ_summary s = {-1, -1, -1};
	for (uint32_t o = m->nodes[node].first_occ; o != NODE_NONE; o = m->occs[o].next) {
		const struct occurrence *oc = &m->occs[o];
		int32_t j = (int32_t)oc->layer;
		if (j > upto)
			break;
		s.any = j;
		if (model_entry(m, oc)->kind == ENTRY_WHITEOUT)
			s.kill = j;
		else
			s.touch = j;
	}
	return s;
}

struct sframe {
	uint32_t node, next_child;
	int32_t cut;       /* whiteouts of this node or an ancestor remove it before this layer */
	int32_t child_any; /* last layer in which anything below this node was mentioned */
};

/* What dive's whiteout visitor counts for a whiteout of `x` in a layer above `upto`: in
 * dive's stacking of layers 0..upto (whiteouts remove, every tree node — implicit parents
 * included — is (re)added with that layer's data, opaque markers do nothing), is x there
 * (*found), and if its data says directory, the sizes of x and everything below it. A node is
 * there when the last layer that mentions it or anything below it is not older than the last
 * whiteout of it or an ancestor; its data is that layer's entry (none: implicit, size 0).
 * With apply_kills false (a whiteout in layer 0) dive looks in layer 0's own tree. */
static uint64_t stacked_size(const struct image_model *m, uint32_t x, int32_t upto,
			     bool apply_kills, bool *found, struct sframe **stack, size_t *cap)
{
	uint64_t sum = 0;
	bool is_dir = false;
	size_t depth = 0;
	int32_t cut = -1;

	*found = false;
	if (apply_kills)
		for (uint32_t p = m->nodes[x].parent; p != NODE_NONE; p = m->nodes[p].parent) {
			int32_t k = summarize(m, p, upto).kill;
			cut = k > cut ? k : cut;
		}
	*stack = xgrow(*stack, cap, 1, sizeof(**stack));
	(*stack)[depth++] = (struct sframe){x, m->nodes[x].first_child, cut, -1};
	while (depth > 0) {
		struct sframe *f = &(*stack)[depth - 1];
		if (f->next_child != NODE_NONE) {
			uint32_t c = f->next_child;
			int32_t ccut = f->cut;
			f->next_child = m->nodes[c].next_sibling;
			if (apply_kills) {
				int32_t k = summarize(m, c, upto).kill;
				ccut = k > ccut ? k : ccut;
			}
			*stack = xgrow(*stack, cap, depth + 1, sizeof(**stack));
			(*stack)[depth++] = (struct sframe){c, m->nodes[c].first_child, ccut, -1};
			continue;
		}
		struct sframe done = *f;
		struct occ_summary s = summarize(m, done.node, upto);
		int32_t touch = s.touch > done.child_any ? s.touch : done.child_any;
		int32_t any = s.any > done.child_any ? s.any : done.child_any;
		if (touch >= 0 && touch >= done.cut) {
			const struct layer_entry *e = entry_in_layer(m, done.node, touch);
			if (e)
				sum += e->size;
			if (done.node == x) {
				*found = true;
				is_dir = e && e->type == ENTRY_DIR;
			}
		}
		depth--;
		if (depth > 0 && any > (*stack)[depth - 1].child_any)
			(*stack)[depth - 1].child_any = any;
	}
	return is_dir ? sum : 0;
}

/* ---- dive's visiting order ---- */

static char *node_path(const struct image_model *m, uint32_t node, const char *prefix,
		       struct arena *a)
{
	size_t len = 0, depth = 0, pl = strlen(prefix);
	for (uint32_t x = node; x != NODE_ROOT && x != NODE_NONE; x = m->nodes[x].parent, depth++)
		len += m->nodes[x].name_len + 1;
	char *out = arena_alloc(a, len + pl + 1);
	size_t pos = len + pl;
	out[pos] = '\0';
	for (uint32_t x = node; x != NODE_ROOT && x != NODE_NONE; x = m->nodes[x].parent) {
		const struct path_node *p = &m->nodes[x];
		pos -= p->name_len;
		memcpy(out + pos, m->names + p->name_off, p->name_len);
		if (x == node && pl) {
			pos -= pl;
			memcpy(out + pos, prefix, pl);
		}
		if (pos > 0)
			out[--pos] = '/';
	}
	return out + pos + (out[pos] == '/');
}

/* Children before their parent, siblings in byte order of their names. */
static int dfs_cmp(const void *pa, const void *pb)
{
	const char *a = ((const struct dive_tree_item *)pa)->path;
	const char *b = ((const struct dive_tree_item *)pb)->path;
	for (;;) {
		const char *ea = strchrnul(a, '/'), *eb = strchrnul(b, '/');
		size_t la = (size_t)(ea - a), lb = (size_t)(eb - b);
		int c = memcmp(a, b, la < lb ? la : lb);
		if (c == 0 && la != lb)
			c = la < lb ? -1 : 1;
		if (c)
			return c;
		if (!*ea && !*eb)
			return 0;
		if (!*ea)
			return 1; /* a is b's ancestor: after it */
		if (!*eb)
			return -1;
		a = ea + 1;
		b = eb + 1;
	}
}

static struct dive_tree_item *tree_order(const struct layer_tree *t, size_t layer, struct arena *a,
					 size_t *n)
{
	const struct image_model *m = t->m;
	size_t count = t->n_nodes + t->n_whs, k = 0;
	struct dive_tree_item *items = xcalloc(count ? count : 1, sizeof(*items));
	for (size_t i = 0; i < t->n_nodes; i++) {
		uint32_t x = t->nodes[i];
		items[k++] = (struct dive_tree_item){
			.node = x,
			.leaf = t->has_child[x] != (int32_t)layer,
			.entry = tree_entry(t, layer, x),
			.path = node_path(m, x, "", a),
		};
	}
	for (size_t i = 0; i < t->n_whs; i++) {
		uint32_t x = t->whs[i];
		items[k++] = (struct dive_tree_item){
			.node = x,
			.whiteout = true,
			.leaf = true,
			.entry = &m->layers[layer]->entries[t->wh_entry[x]],
			.path = node_path(m, x, ".wh.", a),
		};
	}
	qsort(items, count, sizeof(*items), dfs_cmp);
	*n = count;
	return items;
}

int dive_layer_tree(const struct image_model *m, size_t layer, struct arena *a,
		    struct dive_tree_item **items, size_t *n, ls_error *err)
{
	struct layer_tree t;
	if (layer >= m->n_layers)
		return ls_fail(err, "no layer %zu", layer);
	tree_init(&t, m);
	tree_collect(&t, layer);
	*items = tree_order(&t, layer, a, n);
	tree_release(&t);
	return 0;
}

/* ---- The analysis ---- */

struct records {
	uint32_t *count;
	int64_t *total, *min;
	uint8_t *created;
};

static void visit(struct records *r, uint32_t node, int64_t size)
{
	if (!r->created[node]) {
		r->created[node] = 1;
		r->min[node] = -1;
	}
	r->count[node]++;
	r->total[node] += size;
	if (r->min[node] < 0 || size < r->min[node])
		r->min[node] = size;
}

/* Whiteout sizes of this layer: wh_size[x], and whether dive finds x at all. */
static bool size_whiteouts(const struct layer_tree *t, size_t layer, int64_t *wh_size,
			   uint8_t *wh_found, struct sframe **stack, size_t *cap)
{
	bool all_found = true;
	for (size_t i = 0; i < t->n_whs; i++) {
		uint32_t x = t->whs[i];
		bool found;
		if (layer == 0) {
			/* dive "stacks" layers 0..-1: layer 0's own tree, whiteouts not applied. */
			found = t->in_tree[x] == 0;
			wh_size[x] = 0;
			if (found) {
				const struct layer_entry *e = tree_entry(t, 0, x);
				if (e && e->type == ENTRY_DIR)
					wh_size[x] = (int64_t)stacked_size(t->m, x, 0, false, &found,
									   stack, cap);
			}
		} else {
			wh_size[x] = (int64_t)stacked_size(t->m, x, (int32_t)layer - 1, true, &found,
							   stack, cap);
		}
		wh_found[x] = found;
		all_found &= found;
	}
	return all_found;
}

static int ref_cmp(const void *pa, const void *pb)
{
	const struct dive_file_ref *a = pa, *b = pb;
	if (a->size_bytes != b->size_bytes)
		return a->size_bytes > b->size_bytes ? -1 : 1;
	return -strcmp(a->path, b->path);
}

static void collect_refs(const struct image_model *m, const struct records *r,
			 struct dive_analysis *out)
{
	struct arena a;
	size_t cap = 0;
	arena_init(&a);
	for (size_t x = 0; x < m->n_nodes; x++) {
		if (!r->created[x] || r->count[x] < 2)
			continue;
		out->refs = xgrow(out->refs, &cap, out->n_refs + 1, sizeof(*out->refs));
		out->refs[out->n_refs++] = (struct dive_file_ref){
			.node = (uint32_t)x,
			.count = r->count[x],
			.size_bytes = (uint64_t)r->total[x],
			.path = NULL,
		};
		out->wasted_bytes += (uint64_t)r->total[x];
	}
	for (size_t i = 0; i < out->n_refs; i++) {
		const char *rel = node_path(m, out->refs[i].node, "", &a);
		out->refs[i].path = xasprintf("/%s", rel);
	}
	arena_release(&a);
	if (out->n_refs > 1)
		qsort(out->refs, out->n_refs, sizeof(*out->refs), ref_cmp);
}

int dive_analyze(const struct image_model *m, struct dive_analysis *out, ls_error *err)
{
	struct layer_tree t;
	struct records r;
	size_t n = m->n_nodes, stack_cap = 0;
	struct sframe *stack = NULL;
	int64_t *wh_size = xcalloc(n, sizeof(int64_t));
	uint8_t *wh_found = xcalloc(n, 1);
	int64_t sum_min = 0, sum_total = 0;

	(void)err;
	memset(out, 0, sizeof(*out));
	r.count = xcalloc(n, sizeof(uint32_t));
	r.total = xcalloc(n, sizeof(int64_t));
	r.min = xcalloc(n, sizeof(int64_t));
	r.created = xcalloc(n, 1);
	out->layer_bytes = xcalloc(m->n_layers + 1, sizeof(uint64_t));
	tree_init(&t, m);

	for (size_t L = 0; L < m->n_layers; L++) {
		const struct layer *l = m->layers[L];
		for (size_t i = 0; i < l->n_entries; i++)
			out->layer_bytes[L] += l->entries[i].size;
		out->size_bytes += out->layer_bytes[L];
		if (L > 0)
			out->user_size_bytes += out->layer_bytes[L];

		tree_collect(&t, L);
		out->tree_nodes += t.n_nodes + t.n_whs;
		if (size_whiteouts(&t, L, wh_size, wh_found, &stack, &stack_cap)) {
			/* Every visit succeeds, so their order does not matter. */
			for (size_t i = 0; i < t.n_nodes; i++) {
				uint32_t x = t.nodes[i];
				if (t.has_child[x] == (int32_t)L)
					continue;
				const struct layer_entry *e = tree_entry(&t, L, x);
				visit(&r, x, e ? (int64_t)e->size : 0);
			}
			for (size_t i = 0; i < t.n_whs; i++)
				visit(&r, t.whs[i], wh_size[t.whs[i]]);
			continue;
		}
		/* dive's visitor fails on a whiteout of a path it cannot find, and the walk of this
		 * layer stops there: visit the leaves in dive's order up to that one. Its record is
		 * created all the same (smallest size -1, total 0), as dive's map entry is. */
		struct arena a;
		size_t count;
		arena_init(&a);
		struct dive_tree_item *items = tree_order(&t, L, &a, &count);
		for (size_t i = 0; i < count; i++) {
			const struct dive_tree_item *it = &items[i];
			if (!it->leaf)
				continue;
			if (it->whiteout && !wh_found[it->node]) {
				if (!r.created[it->node]) {
					r.created[it->node] = 1;
					r.min[it->node] = -1;
				}
				out->aborted_layers++;
				break;
			}
			if (it->whiteout)
				visit(&r, it->node, wh_size[it->node]);
			else
				visit(&r, it->node, it->entry ? (int64_t)it->entry->size : 0);
		}
		free(items);
		arena_release(&a);
	}

	for (size_t x = 0; x < n; x++) {
		if (!r.created[x])
			continue;
		sum_min += r.min[x];
		sum_total += r.total[x];
	}
	out->efficiency = sum_total == 0 ? 1.0 : (double)sum_min / (double)sum_total;
	collect_refs(m, &r, out);
	out->user_wasted_percent = (double)out->wasted_bytes / (double)out->user_size_bytes;

	tree_release(&t);
	free(stack);
	free(wh_size);
	free(wh_found);
	free(r.count);
	free(r.total);
	free(r.min);
	free(r.created);
	return 0;
}

void dive_analysis_release(struct dive_analysis *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n_refs; i++)
		free(a->refs[i].path);
	free(a->refs);
	free(a->layer_bytes);
	memset(a, 0, sizeof(*a));
}

uint32_t dive_file_mode(const struct layer_entry *e)
{
	/* Go's archive/tar FileInfo().Mode(): permission bits, setuid/setgid/sticky moved to
	 * os.FileMode's own bits, the type from the tar type flag. */
	uint32_t mode = e->mode & 0777;
	if (e->mode & 04000)
		mode |= 1u << 23; /* ModeSetuid */
	if (e->mode & 02000)
		mode |= 1u << 22; /* ModeSetgid */
	if (e->mode & 01000)
		mode |= 1u << 20; /* ModeSticky */
	switch (e->type) {
	case ENTRY_DIR: mode |= 1u << 31; break;                 /* ModeDir */
	case ENTRY_SYMLINK: mode |= 1u << 27; break;             /* ModeSymlink */
	case ENTRY_CHAR: mode |= (1u << 26) | (1u << 21); break; /* ModeDevice|ModeCharDevice */
	case ENTRY_BLOCK: mode |= 1u << 26; break;               /* ModeDevice */
	case ENTRY_FIFO: mode |= 1u << 25; break;                /* ModeNamedPipe */
	default: break;
	}
	return mode;
}
