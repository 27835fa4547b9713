#include "layer/model.h"

#include <pthread.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#include "util/mem.h"

void model_options_default(struct model_options *o)
{
	memset(o, 0, sizeof(*o));
	layer_read_options_default(&o->read);
}

/* ---- Path interning ---- */

static uint64_t child_hash(uint32_t parent, const char *name, size_t len)
{
	return XXH3_64bits_withSeed(name, len, parent);
}

static void table_insert(struct image_model *m, uint32_t node)
{
	const struct path_node *n = &m->nodes[node];
	size_t mask = m->table_cap - 1;
	size_t i = child_hash(n->parent, m->names + n->name_off, n->name_len) & mask;
	while (m->table[i])
		i = (i + 1) & mask;
	m->table[i] = node + 1;
}

static void table_grow(struct image_model *m)
{
	free(m->table);
	m->table_cap = m->table_cap ? m->table_cap * 2 : 1024;
	m->table = xcalloc(m->table_cap, sizeof(*m->table));
	for (size_t i = 1; i < m->n_nodes; i++)
		table_insert(m, (uint32_t)i);
}

static uint32_t find_child(const struct image_model *m, uint32_t parent, const char *name,
			   size_t len)
{
	if (!m->table_cap)
		return NODE_NONE;
	size_t mask = m->table_cap - 1;
	size_t i = child_hash(parent, name, len) & mask;
	for (; m->table[i]; i = (i + 1) & mask) {
		const struct path_node *n = &m->nodes[m->table[i] - 1];
		if (n->parent == parent && n->name_len == len &&
		    !memcmp(m->names + n->name_off, name, len))
			return m->table[i] - 1;
	}
	return NODE_NONE;
}

static uint32_t add_node(struct image_model *m, uint32_t parent, const char *name, size_t len)
{
	struct path_node *n;
	uint32_t id = (uint32_t)m->n_nodes;
	m->nodes = xgrow(m->nodes, &m->cap_nodes, m->n_nodes + 1, sizeof(*m->nodes));
	m->names = xgrow(m->names, &m->names_cap, m->names_len + len + 1, 1);
	memcpy(m->names + m->names_len, name, len);
	m->names[m->names_len + len] = '\0';
	n = &m->nodes[m->n_nodes++];
	n->parent = parent;
	n->name_off = (uint32_t)m->names_len;
	n->name_len = (uint32_t)len;
	n->first_child = NODE_NONE;
	n->first_occ = n->last_occ = NODE_NONE;
	m->names_len += len + 1;
	if (parent != NODE_NONE) {
		n->next_sibling = m->nodes[parent].first_child;
		m->nodes[parent].first_child = id;
	} else {
		n->next_sibling = NODE_NONE;
	}
	if ((m->n_nodes - 1) * 2 >= m->table_cap)
		table_grow(m);
	else
		table_insert(m, id);
	return id;
}

static uint32_t child_get(struct image_model *m, uint32_t parent, const char *name, size_t len)
{
	uint32_t c = find_child(m, parent, name, len);
	return c != NODE_NONE ? c : add_node(m, parent, name, len);
}

enum { CACHE_DEPTH = 64 };

/* Consecutive tar entries share most of their path: remember the nodes of the previous path. */
struct intern_cache {
	const char *prev;
	size_t ends[CACHE_DEPTH]; /* prev[0, ends[k]) is the path of stack[k] */
	uint32_t stack[CACHE_DEPTH];
	int depth;
};

static uint32_t intern(struct image_model *m, struct intern_cache *c, const char *path)
{
	uint32_t node = NODE_ROOT;
	size_t pos = 0;
	int k = 0;

	if (!*path)
		return NODE_ROOT;
	/* Reuse the previous path's nodes for the components both paths share. */
	if (c->prev) {
		for (; k < c->depth; k++) {
			size_t end = c->ends[k];
			if (strncmp(path, c->prev, end) != 0 || (path[end] != '/' && path[end] != '\0'))
				break;
			node = c->stack[k];
			pos = end + (path[end] == '/');
		}
	}
	while (path[pos]) {
		const char *slash = strchr(path + pos, '/');
		size_t len = slash ? (size_t)(slash - path - pos) : strlen(path + pos);
		node = child_get(m, node, path + pos, len);
		if (k < CACHE_DEPTH) {
			c->stack[k] = node;
			c->ends[k] = pos + len;
			k++;
		}
		pos += len + (slash ? 1 : 0);
	}
	c->prev = path;
	c->depth = k;
	return node;
}

static void add_occurrence(struct image_model *m, uint32_t node, uint32_t layer, uint32_t entry)
{
	struct path_node *n = &m->nodes[node];
	uint32_t id = (uint32_t)m->n_occs;
	m->occs = xgrow(m->occs, &m->cap_occs, m->n_occs + 1, sizeof(*m->occs));
	m->occs[m->n_occs++] = (struct occurrence){.layer = layer, .entry = entry, .next = NODE_NONE};
	if (n->last_occ == NODE_NONE)
		n->first_occ = id;
	else
		m->occs[n->last_occ].next = id;
	n->last_occ = id;
}

/* A hard link must point at something that exists when the tar is applied in order: a file
 * below this layer, changed by the entries before it in its own tar. */
static int check_hardlink(struct image_model *m, struct layer *l, size_t idx, ls_error *err)
{
	const struct layer_entry *e = &l->entries[idx];
	uint32_t t = model_lookup(m, e->link);
	bool exists = false;
	if (t != NODE_NONE) {
		if (l->index > 0) {
			struct view_state v = view_at(m, t, l->index - 1);
			exists = v.present && v.entry && v.entry->type != ENTRY_DIR;
		}
		for (uint32_t o = m->nodes[t].first_occ; o != NODE_NONE; o = m->occs[o].next) {
			const struct occurrence *oc = &m->occs[o];
			const struct layer_entry *te = model_entry(m, oc);
			if (oc->layer != l->index || oc->entry >= idx)
				continue;
			if (te->kind == ENTRY_WHITEOUT)
				exists = false;
			else if (te->kind == ENTRY_NORMAL)
				exists = te->type != ENTRY_DIR;
		}
	}
	if (exists)
		return 0;
	return ls_fail(err, "layer %zu: hard link '%s' points at '%s', which does not exist", l->index,
		       e->path, e->link);
}

static int intern_layer(struct image_model *m, struct layer *l, ls_error *err)
{
	struct intern_cache cache = {0};
	for (size_t i = 0; i < l->n_entries; i++) {
		struct layer_entry *e = &l->entries[i];
		if (e->kind == ENTRY_META) {
			e->node = NODE_NONE;
			continue;
		}
		e->node = intern(m, &cache, e->path);
		add_occurrence(m, e->node, (uint32_t)l->index, (uint32_t)i);
	}
	for (size_t i = 0; i < l->n_entries; i++)
		if (l->entries[i].type == ENTRY_HARDLINK && l->entries[i].kind == ENTRY_NORMAL &&
		    check_hardlink(m, l, i, err) < 0)
			return -1;
	return 0;
}

/* ---- Loading layers in parallel ---- */

struct loader {
	struct image *img;
	const struct model_options *o;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t next;
	bool stop;
	struct layer **layers;
	int *status; /* 0 pending, 1 done, -1 failed */
	ls_error *errs;
};

static void *load_worker(void *p)
{
	struct loader *ld = p;
	for (;;) {
		size_t i;
		pthread_mutex_lock(&ld->mu);
		i = ld->next++;
		bool stop = ld->stop || i >= ld->img->n_layers;
		pthread_mutex_unlock(&ld->mu);
		if (!stop && ld->img->read_order)
			i = ld->img->read_order[i]; /* the source's cheapest order; interned in layer order */
		if (stop)
			break;
		struct layer *l = NULL;
		int r = layer_read(ld->img, i, &ld->o->read, &l, &ld->errs[i]);
		pthread_mutex_lock(&ld->mu);
		ld->layers[i] = l;
		ld->status[i] = r < 0 ? -1 : 1;
		pthread_cond_broadcast(&ld->cv);
		pthread_mutex_unlock(&ld->mu);
	}
	return NULL;
}

static unsigned thread_count(const struct model_options *o, const struct image *img)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned t = o->threads ? o->threads : (unsigned)(cores > 0 ? cores : 1);
	if (img->read_serial)
		t = 1; /* one pass through a compressed archive beats parallel passes from its top */
	if (t > img->n_layers)
		t = (unsigned)img->n_layers;
	return t ? t : 1;
}

struct image_model *model_new(struct image *img)
{
	struct image_model *m = xcalloc(1, sizeof(*m));
	m->image = img;
	add_node(m, NODE_NONE, "", 0);
	return m;
}

int model_add_layer(struct image_model *m, struct layer *l, ls_error *err)
{
	m->layers = xrealloc(m->layers, (m->n_layers + 1) * sizeof(*m->layers));
	m->layers[m->n_layers++] = l;
	l->index = m->n_layers - 1;
	return intern_layer(m, l, err);
}

int model_load(struct image *img, const struct model_options *o, struct image_model **out,
	       ls_error *err)
{
	struct image_model *m = model_new(img);
	struct layer **layers = xcalloc(img->n_layers + 1, sizeof(*layers));
	struct loader ld = {.img = img, .o = o};
	unsigned nthreads = thread_count(o, img);
	pthread_t *threads = xcalloc(nthreads, sizeof(*threads));
	int ret = 0;
	size_t i;

	ld.layers = layers;
	ld.status = xcalloc(img->n_layers + 1, sizeof(int));
	ld.errs = xcalloc(img->n_layers + 1, sizeof(ls_error));
	pthread_mutex_init(&ld.mu, NULL);
	pthread_cond_init(&ld.cv, NULL);
	for (unsigned t = 0; t < nthreads; t++)
		pthread_create(&threads[t], NULL, load_worker, &ld);

	/* Intern layers in order as they complete: the tree is the same for any thread count,
	 * and the first failing layer in layer order is the one reported. */
	for (i = 0; i < img->n_layers && ret == 0; i++) {
		pthread_mutex_lock(&ld.mu);
		while (ld.status[i] == 0)
			pthread_cond_wait(&ld.cv, &ld.mu);
		int st = ld.status[i];
		if (st < 0)
			ld.stop = true;
		pthread_mutex_unlock(&ld.mu);
		if (st < 0) {
			*err = ld.errs[i];
			ret = -1;
		} else if (model_add_layer(m, layers[i], err) < 0) {
			pthread_mutex_lock(&ld.mu);
			ld.stop = true;
			pthread_mutex_unlock(&ld.mu);
			ret = -1;
		}
	}
	for (unsigned t = 0; t < nthreads; t++)
		pthread_join(threads[t], NULL);
	/* Layers read but never handed to the model (after a failure) are freed here. */
	for (size_t j = m->n_layers; j < img->n_layers; j++)
		layer_free(layers[j]);
	free(layers);
	pthread_mutex_destroy(&ld.mu);
	pthread_cond_destroy(&ld.cv);
	free(threads);
	free(ld.status);
	free(ld.errs);
	if (ret < 0) {
		model_free(m);
		return -1;
	}
	*out = m;
	return 0;
}

void model_free(struct image_model *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n_layers; i++)
		layer_free(m->layers[i]);
	free(m->layers);
	free(m->nodes);
	free(m->names);
	free(m->occs);
	free(m->table);
	free(m);
}

uint32_t model_lookup(const struct image_model *m, const char *path)
{
	uint32_t node = NODE_ROOT;
	while (*path && node != NODE_NONE) {
		const char *slash = strchr(path, '/');
		size_t len = slash ? (size_t)(slash - path) : strlen(path);
		if (len)
			node = find_child(m, node, path, len);
		path += len + (slash ? 1 : 0);
	}
	return node;
}

size_t model_path(const struct image_model *m, uint32_t node, char *buf, size_t n)
{
	uint32_t chain[4096];
	size_t depth = 0, len = 0;
	for (uint32_t x = node; x != NODE_ROOT && x != NODE_NONE && depth < 4096; x = m->nodes[x].parent)
		chain[depth++] = x;
	if (n)
		buf[0] = '\0';
	while (depth > 0) {
		const struct path_node *p = &m->nodes[chain[--depth]];
		int w = snprintf(buf + len, len < n ? n - len : 0, "%s%s", len ? "/" : "",
				 m->names + p->name_off);
		len += (size_t)w;
	}
	return len < n ? len : (n ? n - 1 : 0);
}

static const struct image_model *sort_model;
static int child_cmp(const void *a, const void *b)
{
	const struct path_node *x = &sort_model->nodes[*(const uint32_t *)a];
	const struct path_node *y = &sort_model->nodes[*(const uint32_t *)b];
	return strcmp(sort_model->names + x->name_off, sort_model->names + y->name_off);
}

uint32_t *model_children(const struct image_model *m, uint32_t node, size_t *count)
{
	size_t n = 0, cap = 0;
	uint32_t *out = NULL;
	for (uint32_t c = m->nodes[node].first_child; c != NODE_NONE; c = m->nodes[c].next_sibling) {
		out = xgrow(out, &cap, n + 1, sizeof(*out));
		out[n++] = c;
	}
	/* qsort has no context argument in C17; the sort runs on one thread at a time. */
	static pthread_mutex_t sort_mu = PTHREAD_MUTEX_INITIALIZER;
	pthread_mutex_lock(&sort_mu);
	sort_model = m;
	if (n > 1)
		qsort(out, n, sizeof(*out), child_cmp);
	pthread_mutex_unlock(&sort_mu);
	*count = n;
	return out;
}

/* ---- The merged view ---- */

/* Entries of a node below this layer are hidden after layer n: whiteouts of the node itself,
 * and whiteouts, opaque markers or non-directories at any ancestor. */
static int64_t hidden_below(const struct image_model *m, uint32_t node, size_t n)
{
	int64_t cut = -1;
	bool self = true;
	for (uint32_t x = node; x != NODE_NONE; x = m->nodes[x].parent, self = false) {
		for (uint32_t o = m->nodes[x].first_occ; o != NODE_NONE; o = m->occs[o].next) {
			const struct occurrence *oc = &m->occs[o];
			const struct layer_entry *e = model_entry(m, oc);
			bool kills;
			if (oc->layer > n)
				break;
			if (self)
				kills = e->kind == ENTRY_WHITEOUT;
			else
				kills = e->kind == ENTRY_WHITEOUT || e->kind == ENTRY_OPAQUE ||
					(e->kind == ENTRY_NORMAL && e->type != ENTRY_DIR);
			if (kills && (int64_t)oc->layer > cut)
				cut = oc->layer;
		}
	}
	return cut;
}

/* The entry of this node itself that a container sees after layer n, if any. */
static const struct occurrence *own_visible(const struct image_model *m, uint32_t node, size_t n)
{
	const struct occurrence *found = NULL;
	int64_t cut = hidden_below(m, node, n);
	for (uint32_t o = m->nodes[node].first_occ; o != NODE_NONE; o = m->occs[o].next) {
		const struct occurrence *oc = &m->occs[o];
		if (oc->layer > n)
			break;
		if ((int64_t)oc->layer >= cut && model_entry(m, oc)->kind == ENTRY_NORMAL)
			found = oc;
	}
	return found;
}

/* A directory the tars never listed exists when something below it does. Iterative: a
 * hostile image can nest paths deeper than the C stack. */
static bool has_visible_descendant(const struct image_model *m, uint32_t node, size_t n)
{
	uint32_t *stack = NULL;
	size_t depth = 0, cap = 0;
	bool found = false;
	uint32_t x = node;
	for (;;) {
		for (uint32_t c = m->nodes[x].first_child; c != NODE_NONE; c = m->nodes[c].next_sibling) {
			stack = xgrow(stack, &cap, depth + 1, sizeof(*stack));
			stack[depth++] = c;
		}
		if (depth == 0)
			break;
		x = stack[--depth];
		if (own_visible(m, x, n)) {
			found = true;
			break;
		}
	}
	free(stack);
	return found;
}

struct view_state view_at(const struct image_model *m, uint32_t node, size_t n)
{
	struct view_state v = {0};
	const struct occurrence *oc;
	if (node == NODE_ROOT) {
		v.present = true;
		return v;
	}
	oc = own_visible(m, node, n);
	if (oc) {
		v.present = true;
		v.entry = model_entry(m, oc);
		v.layer = oc->layer;
	} else if (has_visible_descendant(m, node, n)) {
		v.present = true; /* a directory the tar never listed */
	}
	return v;
}

static bool same_entry(const struct layer_entry *a, const struct layer_entry *b)
{
	if (a->type != b->type || a->mode != b->mode || a->uid != b->uid || a->gid != b->gid)
		return false;
	if (a->type == ENTRY_FILE)
		return a->size == b->size && a->hash_lo == b->hash_lo && a->hash_hi == b->hash_hi;
	if (a->type == ENTRY_SYMLINK || a->type == ENTRY_HARDLINK)
		return strcmp(a->link ? a->link : "", b->link ? b->link : "") == 0;
	return true;
}

enum path_status view_change(const struct view_state *prev, const struct view_state *cur, size_t n)
{
	return view_change_since(prev, cur, (int64_t)n - 1);
}

enum path_status view_change_since(const struct view_state *prev, const struct view_state *cur,
				   int64_t from)
{
	if (cur->present && !prev->present)
		return PATH_ADDED;
	if (!cur->present && prev->present)
		return PATH_REMOVED;
	if (!cur->present || !cur->entry || (int64_t)cur->layer <= from)
		return PATH_UNCHANGED; /* what a container sees was there by layer `from` */
	if (!prev->entry)
		return cur->entry->type == ENTRY_DIR ? PATH_UNCHANGED : PATH_MODIFIED;
	return same_entry(prev->entry, cur->entry) ? PATH_UNCHANGED : PATH_MODIFIED;
}

enum path_status view_status(const struct image_model *m, uint32_t node, size_t n)
{
	struct view_state cur = view_at(m, node, n);
	struct view_state prev = {0};
	if (n > 0)
		prev = view_at(m, node, n - 1);
	return view_change(&prev, &cur, n);
}

const char *path_status_name(enum path_status s)
{
	static const char *names[] = {"unchanged", "added", "modified", "removed"};
	return names[s];
}
