#include "analysis/waste.h"

#include <stdio.h>
#include <string.h>

#include "util/mem.h"
#include "util/strutil.h"

const char *advice_kind_name(enum advice_kind k)
{
	static const char *const names[] = {"one-run", "metadata-rewrite", "overwrite", "cache",
					    "toolchain", "base-image", "duplicates"};
	return (size_t)k < sizeof(names) / sizeof(*names) ? names[k] : "?";
}

const char *hide_kind_name(enum hide_kind k)
{
	static const char *names[] = {"deleted", "overwritten", "metadata", "opaque", "replaced"};
	return k < HIDE_KINDS ? names[k] : "?";
}

const char *layer_command(const struct image_model *m, size_t i)
{
	if (!m->image || i >= m->image->n_layers || !m->image->layers[i].command)
		return "";
	return m->image->layers[i].command;
}

/* ---- The final filesystem: which occurrence a container sees at each node ---- */

struct vframe {
	uint32_t node, next_child;
	int64_t cut; /* entries of this node's children older than this are hidden */
};

/* One pass from the root, carrying what ancestors hide (whiteouts, opaque markers, a
 * non-directory replacing a directory), as the merged view does; linear in the occurrences. */
static uint32_t *final_view(const struct image_model *m)
{
	uint32_t *visible = xmalloc(m->n_nodes * sizeof(uint32_t));
	struct vframe *stack = NULL;
	size_t depth = 0, cap = 0;

	memset(visible, 0xff, m->n_nodes * sizeof(uint32_t));
	stack = xgrow(stack, &cap, 1, sizeof(*stack));
	stack[depth++] = (struct vframe){NODE_ROOT, m->nodes[NODE_ROOT].first_child, -1};
	while (depth > 0) {
		struct vframe *f = &stack[depth - 1];
		if (f->next_child == NODE_NONE) {
			depth--;
			continue;
		}
		uint32_t x = f->next_child;
		int64_t kill_self = f->cut, kill_desc;
		f->next_child = m->nodes[x].next_sibling;
		for (uint32_t o = m->nodes[x].first_occ; o != NODE_NONE; o = m->occs[o].next)
			if (model_entry(m, &m->occs[o])->kind == ENTRY_WHITEOUT &&
			    (int64_t)m->occs[o].layer > kill_self)
				kill_self = m->occs[o].layer;
		kill_desc = kill_self;
		for (uint32_t o = m->nodes[x].first_occ; o != NODE_NONE; o = m->occs[o].next) {
			const struct occurrence *oc = &m->occs[o];
			const struct layer_entry *e = model_entry(m, oc);
			if ((int64_t)oc->layer < kill_self)
				continue;
			if (e->kind == ENTRY_NORMAL)
				visible[x] = o;
			if ((e->kind == ENTRY_OPAQUE || (e->kind == ENTRY_NORMAL && e->type != ENTRY_DIR)) &&
			    (int64_t)oc->layer > kill_desc)
				kill_desc = oc->layer;
		}
		if (m->nodes[x].first_child != NODE_NONE) {
			stack = xgrow(stack, &cap, depth + 1, sizeof(*stack));
			stack[depth++] = (struct vframe){x, m->nodes[x].first_child, kill_desc};
		}
	}
	free(stack);
	return visible;
}

bool waste_entry_visible(const struct image_model *m, const struct waste_report *r,
			 uint32_t layer, uint32_t entry)
{
	const struct layer_entry *e = &m->layers[layer]->entries[entry];
	if (e->node == NODE_NONE || r->visible[e->node] == NODE_NONE)
		return false;
	const struct occurrence *o = &m->occs[r->visible[e->node]];
	return o->layer == layer && o->entry == entry;
}

/* ---- Who hid a stored file ---- */

static bool same_content(const struct layer_entry *a, const struct layer_entry *b)
{
	return a->type == ENTRY_FILE && b->type == ENTRY_FILE && a->size == b->size &&
	       a->hash_lo == b->hash_lo && a->hash_hi == b->hash_hi;
}

/* The first later entry that hides (layer, entry): one at the same path (overwrite or
 * whiteout), or one at a directory above it (whiteout, opaque marker, non-directory). */
void waste_find_hider(const struct image_model *m, uint32_t layer, uint32_t entry,
		      struct hidden_file *h)
{
	const struct layer_entry *e = &m->layers[layer]->entries[entry];
	int64_t best = INT64_MAX;
	bool after = false;

	h->layer = layer;
	h->entry = entry;
	h->size = e->size;
	h->by_layer = layer;
	h->by_entry = UINT32_MAX;
	h->kind = HIDE_OVERWRITTEN;
	for (uint32_t o = m->nodes[e->node].first_occ; o != NODE_NONE; o = m->occs[o].next) {
		const struct occurrence *oc = &m->occs[o];
		const struct layer_entry *x = model_entry(m, oc);
		if (!after) {
			after = oc->layer == layer && oc->entry == entry;
			continue;
		}
		if (x->kind == ENTRY_WHITEOUT || x->kind == ENTRY_NORMAL) {
			best = oc->layer;
			h->by_layer = oc->layer;
			h->by_entry = oc->entry;
			if (x->kind == ENTRY_WHITEOUT)
				h->kind = HIDE_DELETED;
			else
				h->kind = same_content(e, x) ? HIDE_METADATA : HIDE_OVERWRITTEN;
			break;
		}
	}
	for (uint32_t p = m->nodes[e->node].parent; p != NODE_NONE && p != NODE_ROOT;
	     p = m->nodes[p].parent) {
		for (uint32_t o = m->nodes[p].first_occ; o != NODE_NONE; o = m->occs[o].next) {
			const struct occurrence *oc = &m->occs[o];
			const struct layer_entry *x = model_entry(m, oc);
			if (oc->layer <= layer || (int64_t)oc->layer >= best)
				continue;
			enum hide_kind k;
			if (x->kind == ENTRY_WHITEOUT)
				k = HIDE_DELETED;
			else if (x->kind == ENTRY_OPAQUE)
				k = HIDE_OPAQUE;
			else if (x->kind == ENTRY_NORMAL && x->type != ENTRY_DIR)
				k = HIDE_REPLACED;
			else
				continue;
			best = oc->layer;
			h->by_layer = oc->layer;
			h->by_entry = oc->entry;
			h->kind = (uint8_t)k;
			break;
		}
	}
}

static int hidden_size_cmp(const void *pa, const void *pb)
{
	const struct hidden_file *a = pa, *b = pb;
	if (a->size != b->size)
		return a->size > b->size ? -1 : 1;
	if (a->layer != b->layer)
		return a->layer < b->layer ? -1 : 1;
	return a->entry < b->entry ? -1 : a->entry > b->entry;
}

static int group_cmp(const void *pa, const void *pb)
{
	const struct waste_group *a = pa, *b = pb;
	if (a->bytes != b->bytes)
		return a->bytes > b->bytes ? -1 : 1;
	if (a->added != b->added)
		return a->added < b->added ? -1 : 1;
	return a->removed < b->removed ? -1 : a->removed > b->removed;
}

static void collect_hidden(const struct image_model *m, struct waste_report *r)
{
	size_t cap = 0;
	for (size_t L = 0; L < m->n_layers; L++) {
		const struct layer *l = m->layers[L];
		for (size_t i = 0; i < l->n_entries; i++) {
			const struct layer_entry *e = &l->entries[i];
			if (e->kind != ENTRY_NORMAL || e->type != ENTRY_FILE || e->node == NODE_NONE)
				continue;
			r->stored_file_bytes += e->size;
			if (waste_entry_visible(m, r, (uint32_t)L, (uint32_t)i)) {
				r->visible_file_bytes += e->size;
				continue;
			}
			if (e->size == 0)
				continue;
			r->hidden = xgrow(r->hidden, &cap, r->n_hidden + 1, sizeof(*r->hidden));
			struct hidden_file *h = &r->hidden[r->n_hidden++];
			h->layer = (uint32_t)L;
			h->entry = (uint32_t)i;
			h->size = e->size;
			waste_find_hider(m, (uint32_t)L, (uint32_t)i, h);
			r->reclaimable_bytes += e->size;
			r->reclaimable_files++;
			r->by_kind[h->kind] += e->size;
		}
	}
	if (r->n_hidden > 1)
		qsort(r->hidden, r->n_hidden, sizeof(*r->hidden), hidden_size_cmp);
}

/* Groups by (added, removed, kind): a table indexed by the pair, sized layers² × kinds
 * only when the image is small; otherwise a sort-free linear probe on a hash. */
static void group_hidden(const struct image_model *m, struct waste_report *r)
{
	size_t cap = 0, tcap = 64;
	while (tcap < r->n_hidden * 2)
		tcap *= 2;
	uint32_t *table = xmalloc(tcap * sizeof(uint32_t));
	memset(table, 0xff, tcap * sizeof(uint32_t));
	(void)m;
	for (size_t i = 0; i < r->n_hidden; i++) { /* largest first: the first is the example */
		const struct hidden_file *h = &r->hidden[i];
		uint64_t key = ((uint64_t)h->layer << 33) ^ ((uint64_t)h->by_layer << 3) ^ h->kind;
		size_t slot = (size_t)(key * 0x9E3779B97F4A7C15ull >> 20) & (tcap - 1);
		for (;; slot = (slot + 1) & (tcap - 1)) {
			uint32_t g = table[slot];
			if (g == UINT32_MAX) {
				r->groups = xgrow(r->groups, &cap, r->n_groups + 1, sizeof(*r->groups));
				r->groups[r->n_groups] = (struct waste_group){
					.added = h->layer, .removed = h->by_layer, .kind = h->kind,
					.example = i};
				table[slot] = (uint32_t)r->n_groups++;
				g = table[slot];
			}
			struct waste_group *wg = &r->groups[g];
			if (wg->added != h->layer || wg->removed != h->by_layer || wg->kind != h->kind)
				continue;
			wg->bytes += h->size;
			wg->files++;
			break;
		}
	}
	free(table);
	if (r->n_groups > 1)
		qsort(r->groups, r->n_groups, sizeof(*r->groups), group_cmp);
}

/* ---- Duplicate content in the final filesystem ---- */

struct dup_item {
	uint64_t size, lo, hi;
	uint32_t node;
};

static int dup_item_cmp(const void *pa, const void *pb)
{
	const struct dup_item *a = pa, *b = pb;
	if (a->size != b->size)
		return a->size > b->size ? -1 : 1;
	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	if (a->hi != b->hi)
		return a->hi < b->hi ? -1 : 1;
	return a->node < b->node ? -1 : a->node > b->node;
}

static int dup_group_cmp(const void *pa, const void *pb)
{
	const struct dup_group *a = pa, *b = pb;
	if (a->saved != b->saved)
		return a->saved > b->saved ? -1 : 1;
	return a->first < b->first ? -1 : a->first > b->first;
}

static void find_duplicates(const struct image_model *m, struct waste_report *r)
{
	struct dup_item *items = NULL;
	size_t n = 0, cap = 0, gcap = 0;
	for (size_t x = 0; x < m->n_nodes; x++) {
		if (r->visible[x] == NODE_NONE)
			continue;
		const struct layer_entry *e = model_entry(m, &m->occs[r->visible[x]]);
		if (e->type != ENTRY_FILE || e->size == 0)
			continue;
		items = xgrow(items, &cap, n + 1, sizeof(*items));
		items[n++] = (struct dup_item){e->size, e->hash_lo, e->hash_hi, (uint32_t)x};
	}
	if (n > 1)
		qsort(items, n, sizeof(*items), dup_item_cmp);
	r->dup_nodes = xmalloc((n ? n : 1) * sizeof(uint32_t));
	for (size_t i = 0; i < n; i++)
		r->dup_nodes[i] = items[i].node;
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && items[j].size == items[i].size && items[j].lo == items[i].lo &&
		       items[j].hi == items[i].hi)
			j++;
		if (j - i > 1) {
			r->dups = xgrow(r->dups, &gcap, r->n_dups + 1, sizeof(*r->dups));
			r->dups[r->n_dups++] = (struct dup_group){
				.size = items[i].size,
				.saved = (uint64_t)(j - i - 1) * items[i].size,
				.copies = (uint32_t)(j - i),
				.first = (uint32_t)i,
			};
			r->duplicate_bytes += (uint64_t)(j - i - 1) * items[i].size;
			r->duplicate_files += j - i - 1;
		}
		i = j;
	}
	free(items);
	if (r->n_dups > 1)
		qsort(r->dups, r->n_dups, sizeof(*r->dups), dup_group_cmp);
}

/* ---- Advice ---- */

static void add_advice(struct waste_report *r, size_t *cap, enum advice_kind k, uint64_t bytes,
		       bool estimate, char *text)
{
	r->advice = xgrow(r->advice, cap, r->n_advice + 1, sizeof(*r->advice));
	r->advice[r->n_advice++] = (struct advice){k, bytes, estimate, text};
}

/* A command short enough for one line of advice. */
static char *short_cmd(const char *cmd)
{
	size_t n = strlen(cmd);
	if (n <= 60)
		return xstrdup(cmd);
	/* cut on a UTF-8 boundary */
	size_t cut = 57;
	while (cut > 0 && ((unsigned char)cmd[cut] & 0xC0) == 0x80)
		cut--;
	return xasprintf("%.*s…", (int)cut, cmd);
}

static char *entry_display_path(const struct image_model *m, uint32_t node)
{
	char buf[4096];
	model_path(m, node, buf, sizeof(buf));
	return xasprintf("/%s", buf);
}

/* Regular-file bytes a container sees under a path (0 when it is absent). */
static uint64_t visible_bytes_under(const struct image_model *m, const struct waste_report *r,
				    uint32_t top)
{
	uint64_t sum = 0;
	uint32_t *stack = NULL;
	size_t depth = 0, cap = 0;
	if (top == NODE_NONE)
		return 0;
	stack = xgrow(stack, &cap, 1, sizeof(*stack));
	stack[depth++] = top;
	while (depth > 0) {
		uint32_t x = stack[--depth];
		if (r->visible[x] != NODE_NONE) {
			const struct layer_entry *e = model_entry(m, &m->occs[r->visible[x]]);
			if (e->type == ENTRY_FILE)
				sum += e->size;
			if (e->type != ENTRY_DIR)
				continue;
		}
		for (uint32_t c = m->nodes[x].first_child; c != NODE_NONE; c = m->nodes[c].next_sibling) {
			stack = xgrow(stack, &cap, depth + 1, sizeof(*stack));
			stack[depth++] = c;
		}
	}
	free(stack);
	return sum;
}

static bool visible_path(const struct image_model *m, const struct waste_report *r, const char *p)
{
	uint32_t x = model_lookup(m, p);
	return x != NODE_NONE && r->visible[x] != NODE_NONE;
}

/* Bytes under `dir` and under every home/ * /`sub` (e.g. root/.cache/pip, home/app/.cache/pip). */
static uint64_t cache_bytes(const struct image_model *m, const struct waste_report *r,
			    const char *dir, const char *home_sub)
{
	uint64_t sum = visible_bytes_under(m, r, model_lookup(m, dir));
	uint32_t home = model_lookup(m, "home");
	if (home_sub && home != NODE_NONE)
		for (uint32_t c = m->nodes[home].first_child; c != NODE_NONE; c = m->nodes[c].next_sibling) {
			char buf[1024];
			snprintf(buf, sizeof(buf), "home/%s/%s", m->names + m->nodes[c].name_off, home_sub);
			sum += visible_bytes_under(m, r, model_lookup(m, buf));
		}
	return sum;
}

static void advise_caches(const struct image_model *m, struct waste_report *r, size_t *cap)
{
	static const struct {
		const char *what, *dir, *home_sub, *fix;
	} caches[] = {
		{"apt package lists", "var/lib/apt/lists", NULL,
		 "remove them in the same RUN as apt-get update: && rm -rf /var/lib/apt/lists/*"},
		{"apt package cache", "var/cache/apt", NULL,
		 "run apt-get clean in the same RUN, or use RUN --mount=type=cache,target=/var/cache/apt"},
		{"apk cache", "var/cache/apk", NULL, "use apk add --no-cache"},
		{"pip cache", "root/.cache/pip", ".cache/pip",
		 "use pip install --no-cache-dir (or RUN --mount=type=cache,target=/root/.cache/pip)"},
		{"npm cache", "root/.npm", ".npm",
		 "run npm cache clean --force in the same RUN, or RUN --mount=type=cache,target=/root/.npm"},
		{"yarn cache", "usr/local/share/.cache/yarn", ".cache/yarn",
		 "run yarn cache clean in the same RUN"},
		{"dnf cache", "var/cache/dnf", NULL, "run dnf clean all in the same RUN"},
		{"yum cache", "var/cache/yum", NULL, "run yum clean all in the same RUN"},
		{"Go build cache", "root/.cache/go-build", ".cache/go-build",
		 "build in a separate stage (multi-stage build) or use a cache mount"},
	};
	for (size_t i = 0; i < sizeof(caches) / sizeof(caches[0]); i++) {
		uint64_t b = cache_bytes(m, r, caches[i].dir, caches[i].home_sub);
		if (b == 0)
			continue;
		char human[32];
		human_size_si(b, human, sizeof(human));
		add_advice(r, cap, ADVICE_CACHE, b, false,
			   xasprintf("%s left in the final image (/%s, %s): %s", caches[i].what,
				     caches[i].dir, human, caches[i].fix));
	}
}

static void advise_toolchain(const struct image_model *m, struct waste_report *r, size_t *cap)
{
	static const char *markers[][2] = {
		{"usr/bin/gcc", "gcc"}, {"usr/bin/cc", "cc"}, {"usr/bin/g++", "g++"},
		{"usr/bin/clang", "clang"}, {"usr/bin/make", "make"}, {"usr/local/go/bin/go", "go"},
		{"usr/bin/rustc", "rustc"}, {"root/.cargo/bin/rustc", "rustc"},
		{"usr/local/cargo/bin/rustc", "rustc"}, {"usr/bin/javac", "javac"},
	};
	static const char *dirs[] = {"usr/lib/gcc", "usr/libexec/gcc", "usr/include",
				     "usr/local/go", "usr/local/rustup", "root/.rustup",
				     "usr/local/include"};
	char found[256] = "";
	size_t flen = 0;
	for (size_t i = 0; i < sizeof(markers) / sizeof(markers[0]); i++) {
		if (!visible_path(m, r, markers[i][0]) || strstr(found, markers[i][1]))
			continue;
		flen += (size_t)snprintf(found + flen, sizeof(found) - flen, "%s%s", flen ? ", " : "",
					 markers[i][1]);
		if (flen >= sizeof(found))
			flen = sizeof(found) - 1;
	}
	if (!flen)
		return;
	uint64_t b = 0;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		b += visible_bytes_under(m, r, model_lookup(m, dirs[i]));
	char human[32];
	human_size_si(b, human, sizeof(human));
	add_advice(r, cap, ADVICE_TOOLCHAIN, b, true,
		   xasprintf("build toolchain in the final image (%s; %s of compilers, headers and "
			     "toolchain files): build in a separate stage and copy only the results "
			     "(multi-stage build)", found, human));
}

static void advise_base(const struct image_model *m, struct waste_report *r, size_t *cap)
{
	static const char *slim_dirs[] = {"usr/share/doc", "usr/share/man", "usr/share/info",
					  "usr/share/locale"};
	uint64_t base = 0;
	const char *variant = NULL;
	if (m->n_layers == 0 || visible_path(m, r, "etc/alpine-release"))
		return;
	for (size_t i = 0; i < m->layers[0]->n_entries; i++)
		base += m->layers[0]->entries[i].size;
	if (base < 50u * 1000 * 1000 || !visible_path(m, r, "etc/debian_version"))
		return;
	if (visible_path(m, r, "usr/local/bin/python3"))
		variant = "python:<version>-slim (or a distroless Python image)";
	else if (visible_path(m, r, "usr/local/bin/node"))
		variant = "node:<version>-slim or node:<version>-alpine";
	else if (visible_path(m, r, "usr/local/go/bin/go"))
		variant = "a golang build stage and gcr.io/distroless/static or base for the result";
	else
		variant = "debian:<release>-slim (or a distroless image)";
	uint64_t b = 0;
	for (size_t i = 0; i < sizeof(slim_dirs) / sizeof(slim_dirs[0]); i++)
		b += visible_bytes_under(m, r, model_lookup(m, slim_dirs[i]));
	if (strstr(variant, "python") || strstr(variant, "node"))
		b += visible_bytes_under(m, r, model_lookup(m, "usr/include")) +
		     visible_bytes_under(m, r, model_lookup(m, "usr/lib/gcc"));
	char human[32], basehuman[32];
	human_size_si(b, human, sizeof(human));
	human_size_si(base, basehuman, sizeof(basehuman));
	add_advice(r, cap, ADVICE_BASE, b, true,
		   xasprintf("large base layer (%s, Debian-based): a smaller variant exists — %s; "
			     "it leaves out at least the docs, man pages and locales (%s here)",
			     basehuman, variant, human));
}

static const char *files_word(uint64_t n)
{
	return n == 1 ? "file" : "files";
}

/* What changed between the copies of a metadata-only group: mode, owner, or nothing. */
static const char *metadata_fix(const struct image_model *m, const struct waste_report *r,
				const struct waste_group *wg)
{
	bool mode = false, owner = false;
	for (size_t i = 0; i < r->n_hidden; i++) {
		const struct hidden_file *h = &r->hidden[i];
		if (h->layer != wg->added || h->by_layer != wg->removed || h->kind != wg->kind ||
		    h->by_entry == UINT32_MAX)
			continue;
		const struct layer_entry *old = &m->layers[h->layer]->entries[h->entry];
		const struct layer_entry *neu = &m->layers[h->by_layer]->entries[h->by_entry];
		mode |= old->mode != neu->mode;
		owner |= old->uid != neu->uid || old->gid != neu->gid;
	}
	if (mode && owner)
		return "use COPY --chmod and --chown (or change mode and owner in the RUN that creates them)";
	if (owner)
		return "use COPY --chown (or chown in the RUN that creates them)";
	if (mode)
		return "use COPY --chmod (or chmod in the RUN that creates them)";
	return "stored again unchanged (a repeated COPY/ADD, touch, a new hard link): avoid the rewrite";
}

/* Does a history command copy files in (COPY/ADD), as Docker, BuildKit and buildah record it?
 * "/bin/sh -c #(nop) COPY file:… in /x", "COPY x /y # buildkit", "ADD …". A RUN cannot be
 * merged with such a layer, so its advice differs. */
static bool command_copies(const char *cmd)
{
	static const char nop[] = "#(nop) ";
	const char *p = strstr(cmd, nop);
	p = p ? p + strlen(nop) : cmd;
	p += strspn(p, " \t");
	return !strncmp(p, "COPY ", 5) || !strncmp(p, "ADD ", 4);
}

static void advise_groups(const struct image_model *m, struct waste_report *r, size_t *cap)
{
	for (size_t g = 0; g < r->n_groups; g++) {
		const struct waste_group *wg = &r->groups[g];
		const struct hidden_file *ex = &r->hidden[wg->example];
		char *ca = short_cmd(layer_command(m, wg->added));
		char *cr = short_cmd(layer_command(m, wg->removed));
		char *path = entry_display_path(m, m->layers[ex->layer]->entries[ex->entry].node);
		char human[32];
		human_size_si(wg->bytes, human, sizeof(human));
		switch ((enum hide_kind)wg->kind) {
		case HIDE_DELETED:
		case HIDE_OPAQUE:
			if (wg->added == 0) {
				/* The base layer cannot be merged with a RUN of this Dockerfile. */
				add_advice(r, cap, ADVICE_ONE_RUN, wg->bytes, false,
					   xasprintf("layer %u (`%s`) removed %llu %s (%s, e.g. %s) of the "
						     "base layer, which still stores them: start from a "
						     "smaller base, or copy what you need into a fresh "
						     "stage (multi-stage build)", wg->removed, cr,
						     (unsigned long long)wg->files, files_word(wg->files),
						     human, path));
				break;
			}
			add_advice(r, cap, ADVICE_ONE_RUN, wg->bytes, false,
				   xasprintf("%llu %s (%s, e.g. %s) added by layer %u (`%s`) and "
					     "removed by layer %u (`%s`): %s",
					     (unsigned long long)wg->files, files_word(wg->files), human,
					     path, wg->added, ca, wg->removed, cr,
					     command_copies(layer_command(m, wg->added))
						     ? "removing copied files leaves them stored — keep them "
						       "out of the build context (.dockerignore), or mount "
						       "them where a step needs them (RUN --mount=type=secret "
						       "or type=bind)"
						     : "do both in one RUN, or build them in a separate stage"));
			break;
		case HIDE_METADATA: {
			const char *fix = metadata_fix(m, r, wg);
			add_advice(r, cap, ADVICE_METADATA, wg->bytes, false,
				   xasprintf("layer %u (`%s`) stored %llu %s again with the same "
					     "content (%s, e.g. %s, from layer %u): %s",
					     wg->removed, cr, (unsigned long long)wg->files,
					     files_word(wg->files), human, path, wg->added, fix));
			break;
		}
		case HIDE_OVERWRITTEN:
		case HIDE_REPLACED:
		default:
			add_advice(r, cap, ADVICE_OVERWRITE, wg->bytes, false,
				   xasprintf("layer %u (`%s`) replaced %llu %s (%s, e.g. %s) that "
					     "layer %u (`%s`) added: produce the final version in one "
					     "layer", wg->removed, cr, (unsigned long long)wg->files,
					     files_word(wg->files), human, path, wg->added, ca));
			break;
		}
		free(ca);
		free(cr);
		free(path);
	}
}

static int advice_cmp(const void *pa, const void *pb)
{
	const struct advice *a = pa, *b = pb;
	if (a->bytes != b->bytes)
		return a->bytes > b->bytes ? -1 : 1;
	return strcmp(a->text, b->text);
}

int waste_analyze(const struct image_model *m, struct waste_report *out, ls_error *err)
{
	size_t cap = 0;
	(void)err;
	memset(out, 0, sizeof(*out));
	out->visible = final_view(m);
	collect_hidden(m, out);
	group_hidden(m, out);
	find_duplicates(m, out);
	advise_groups(m, out, &cap);
	advise_caches(m, out, &cap);
	advise_toolchain(m, out, &cap);
	advise_base(m, out, &cap);
	if (out->duplicate_bytes) {
		char human[32];
		human_size_si(out->duplicate_bytes, human, sizeof(human));
		add_advice(out, &cap, ADVICE_DUPLICATES, out->duplicate_bytes, false,
			   xasprintf("%llu %s in the final image repeat%s the content of another "
				     "(%s): hard-link or remove the copies",
				     (unsigned long long)out->duplicate_files,
				     files_word(out->duplicate_files),
				     out->duplicate_files == 1 ? "s" : "", human));
	}
	if (out->n_advice > 1)
		qsort(out->advice, out->n_advice, sizeof(*out->advice), advice_cmp);
	return 0;
}

void waste_report_release(struct waste_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_advice; i++)
		free(r->advice[i].text);
	free(r->advice);
	free(r->hidden);
	free(r->groups);
	free(r->dups);
	free(r->dup_nodes);
	free(r->visible);
	memset(r, 0, sizeof(*r));
}
