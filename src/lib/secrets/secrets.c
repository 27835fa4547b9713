#include "secrets/secrets.h"

#include <hs.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

enum { TAIL = 256, BINARY_PROBE = 8192 };

struct raw_finding {
	size_t rule;
	const char *path; /* the layer's arena: stable for the model's life */
	int line;
	char masked[32];
};

struct layer_state {
	hs_scratch_t *scratch;
	hs_stream_t *stream; /* the current file's, or NULL while skipping it */
	const char *path;
	const char *base;     /* the file name, for rules limited to some files */
	uint64_t offset;      /* bytes of the current file scanned before this chunk */
	int line;             /* lines before this chunk */
	bool probed;
	const unsigned char *chunk;
	size_t chunk_len;
	unsigned char tail[TAIL]; /* the bytes just before this chunk */
	size_t tail_len;
	bool *seen;           /* per rule: already reported for this file */
	struct raw_finding *found;
	size_t n_found, cap_found;
};

struct secret_scanner {
	const struct secret_rule **rules;
	size_t n_rules;
	hs_database_t *db;
	struct layer_state *layers;
	size_t n_layers;
	bool binaries;
	struct content_visitor visitor;
};

static bool disabled(const struct secret_options *o, const char *id)
{
	for (size_t i = 0; o && i < o->n_disabled; i++)
		if (!strcmp(o->disabled[i], id))
			return true;
	return false;
}

static void add_rule(struct secret_scanner *s, const struct secret_rule *r, size_t *cap)
{
	s->rules = xgrow(s->rules, cap, s->n_rules + 1, sizeof(*s->rules));
	s->rules[s->n_rules++] = r;
}

static int compile(struct secret_scanner *s, ls_error *err)
{
	const char **exprs = xcalloc(s->n_rules, sizeof(char *));
	unsigned *flags = xcalloc(s->n_rules, sizeof(unsigned));
	unsigned *ids = xcalloc(s->n_rules, sizeof(unsigned));
	hs_compile_error_t *cerr = NULL;
	int ret = 0;
	for (size_t i = 0; i < s->n_rules; i++) {
		exprs[i] = s->rules[i]->regex;
		ids[i] = (unsigned)i;
		flags[i] = HS_FLAG_SOM_LEFTMOST | HS_FLAG_ALLOWEMPTY;
		if (s->rules[i]->flags & SECRET_CASELESS)
			flags[i] |= HS_FLAG_CASELESS;
		if (s->rules[i]->flags & SECRET_MULTILINE)
			flags[i] |= HS_FLAG_MULTILINE;
	}
	if (hs_compile_multi(exprs, flags, ids, (unsigned)s->n_rules, HS_MODE_STREAM | HS_MODE_SOM_HORIZON_LARGE,
			     NULL, &s->db, &cerr) != HS_SUCCESS) {
		int bad = cerr ? cerr->expression : -1;
		ret = ls_fail(err, "secret rule %s: %s", bad >= 0 ? s->rules[bad]->id : "?",
			      cerr ? cerr->message : "does not compile");
		hs_free_compile_error(cerr);
	}
	free(exprs);
	free(flags);
	free(ids);
	return ret;
}

/* The first 4 characters of the match, then a mask: enough to find it, never enough to use. */
static void mask_match(struct layer_state *ls, unsigned long long from, unsigned long long to,
		       char out[32])
{
	size_t n = 0;
	for (unsigned long long p = from; p < to && n < 4; p++) {
		unsigned char c = '*';
		if (p >= ls->offset && p - ls->offset < ls->chunk_len)
			c = ls->chunk[p - ls->offset];
		else if (p < ls->offset && ls->offset - p <= ls->tail_len)
			c = ls->tail[ls->tail_len - (ls->offset - p)];
		out[n++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	unsigned long long stars = to - from > n ? to - from - n : 0;
	if (stars > 16)
		stars = 16;
	memset(out + n, '*', (size_t)stars);
	out[n + stars] = '\0';
}

static int line_of(struct layer_state *ls, unsigned long long from)
{
	int line = ls->line + 1;
	if (from > ls->offset) {
		size_t upto = (size_t)(from - ls->offset);
		if (upto > ls->chunk_len)
			upto = ls->chunk_len;
		for (size_t i = 0; i < upto; i++)
			line += ls->chunk[i] == '\n';
	}
	return line;
}

struct match_ctx {
	struct secret_scanner *s;
	struct layer_state *ls;
};

static int on_match(unsigned int id, unsigned long long from, unsigned long long to,
		    unsigned int flags, void *p)
{
	struct match_ctx *mc = p;
	struct layer_state *ls = mc->ls;
	const struct secret_rule *r = mc->s->rules[id];
	(void)flags;
	if (ls->seen[id])
		return 0;
	if (r->only_in && strncmp(ls->base, r->only_in, strlen(r->only_in)) != 0 &&
	    !strstr(ls->base, r->only_in))
		return 0;
	ls->seen[id] = true;
	ls->found = xgrow(ls->found, &ls->cap_found, ls->n_found + 1, sizeof(*ls->found));
	struct raw_finding *f = &ls->found[ls->n_found++];
	f->rule = id;
	f->path = ls->path;
	f->line = line_of(ls, from);
	mask_match(ls, from, to, f->masked);
	return 0;
}

static bool want_file(void *ctx, size_t layer, const struct layer_entry *e)
{
	(void)ctx;
	(void)layer;
	return e->size > 0;
}

static void close_stream(struct secret_scanner *s, struct layer_state *ls)
{
	if (!ls->stream)
		return;
	struct match_ctx mc = {s, ls};
	ls->chunk_len = 0;
	hs_close_stream(ls->stream, ls->scratch, on_match, &mc);
	ls->stream = NULL;
}

static void keep_tail(struct layer_state *ls, const unsigned char *buf, size_t n)
{
	if (n >= TAIL) {
		memcpy(ls->tail, buf + n - TAIL, TAIL);
		ls->tail_len = TAIL;
		return;
	}
	size_t keep = ls->tail_len + n > TAIL ? TAIL - n : ls->tail_len;
	memmove(ls->tail, ls->tail + ls->tail_len - keep, keep);
	memcpy(ls->tail + keep, buf, n);
	ls->tail_len = keep + n;
}

static void on_data(void *ctx, size_t layer, const struct layer_entry *e, const void *buf, size_t n)
{
	struct secret_scanner *s = ctx;
	struct layer_state *ls = &s->layers[layer];
	if (ls->path != e->path) { /* a new file */
		close_stream(s, ls);
		ls->path = e->path;
		const char *slash = strrchr(e->path, '/');
		ls->base = slash ? slash + 1 : e->path;
		ls->offset = 0;
		ls->line = 0;
		ls->tail_len = 0;
		ls->probed = false;
		memset(ls->seen, 0, s->n_rules * sizeof(bool));
		if (hs_open_stream(s->db, 0, &ls->stream) != HS_SUCCESS)
			ls->stream = NULL;
	}
	if (!ls->stream)
		return;
	if (!ls->probed) {
		ls->probed = true;
		if (!s->binaries && memchr(buf, 0, n < BINARY_PROBE ? n : BINARY_PROBE)) {
			hs_close_stream(ls->stream, ls->scratch, NULL, NULL);
			ls->stream = NULL; /* binary: skipped unless asked */
			return;
		}
	}
	struct match_ctx mc = {s, ls};
	ls->chunk = buf;
	ls->chunk_len = n;
	hs_scan_stream(ls->stream, buf, (unsigned)n, 0, ls->scratch, on_match, &mc);
	for (size_t i = 0; i < n; i++)
		ls->line += ((const unsigned char *)buf)[i] == '\n';
	keep_tail(ls, buf, n);
	ls->offset += n;
}

static void on_end(void *ctx, size_t layer, const struct layer_entry *e)
{
	struct secret_scanner *s = ctx;
	struct layer_state *ls = &s->layers[layer];
	(void)e;
	close_stream(s, ls);
	ls->path = NULL;
}

int secret_scanner_new(const struct secret_options *o, size_t n_layers,
		       struct secret_scanner **out, ls_error *err)
{
	struct secret_scanner *s = xcalloc(1, sizeof(*s));
	size_t cap = 0;
	for (const struct secret_rule *r = secret_builtin_rules; r->id; r++)
		if (!disabled(o, r->id))
			add_rule(s, r, &cap);
	for (size_t i = 0; o && i < o->n_extra; i++)
		add_rule(s, &o->extra[i], &cap);
	s->binaries = o && o->binaries;
	if (s->n_rules == 0 || compile(s, err) < 0) {
		if (s->n_rules == 0)
			ls_fail(err, "every secret rule is disabled");
		secret_scanner_free(s);
		return -1;
	}
	s->n_layers = n_layers;
	s->layers = xcalloc(n_layers ? n_layers : 1, sizeof(*s->layers));
	for (size_t i = 0; i < n_layers; i++) {
		if (hs_alloc_scratch(s->db, &s->layers[i].scratch) != HS_SUCCESS) {
			secret_scanner_free(s);
			return ls_fail(err, "cannot allocate Hyperscan scratch space");
		}
		s->layers[i].seen = xcalloc(s->n_rules, sizeof(bool));
	}
	s->visitor = (struct content_visitor){.ctx = s, .want = want_file, .data = on_data, .end = on_end};
	*out = s;
	return 0;
}

const struct content_visitor *secret_scanner_visitor(struct secret_scanner *s)
{
	return &s->visitor;
}

/* The file entry of `path` in `layer` (the last one, should a tar list it twice). */
static const struct layer_entry *file_entry(const struct image_model *m, uint32_t node, size_t layer)
{
	const struct layer_entry *found = NULL;
	for (uint32_t o = m->nodes[node].first_occ; o != NODE_NONE; o = m->occs[o].next)
		if (m->occs[o].layer == layer && model_entry(m, &m->occs[o])->type == ENTRY_FILE)
			found = model_entry(m, &m->occs[o]);
	return found;
}

int secret_scanner_results(struct secret_scanner *s, const struct image_model *m,
			   struct secret_finding **out, size_t *n, ls_error *err)
{
	size_t total = 0, k = 0;
	(void)err;
	for (size_t i = 0; i < s->n_layers; i++)
		total += s->layers[i].n_found;
	struct secret_finding *f = xcalloc(total + 1, sizeof(*f));
	for (size_t i = 0; i < s->n_layers; i++) {
		for (size_t j = 0; j < s->layers[i].n_found; j++) {
			const struct raw_finding *r = &s->layers[i].found[j];
			struct secret_finding *x = &f[k++];
			x->rule = s->rules[r->rule];
			x->layer = i;
			x->path = xstrdup(r->path);
			x->line = r->line;
			memcpy(x->masked, r->masked, sizeof(x->masked));
			x->removed_in = -1;
			uint32_t node = model_lookup(m, r->path);
			const struct layer_entry *e = node == NODE_NONE ? NULL : file_entry(m, node, i);
			for (size_t l = i + 1; e && l < m->n_layers && x->removed_in < 0; l++)
				if (view_at(m, node, l).entry != e)
					x->removed_in = (int)l;
			x->in_final = e && x->removed_in < 0;
		}
	}
	*out = f;
	*n = k;
	return 0;
}

void secret_findings_free(struct secret_finding *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(f[i].path);
	free(f);
}

void secret_scanner_free(struct secret_scanner *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n_layers; i++) {
		if (s->layers[i].stream)
			hs_close_stream(s->layers[i].stream, s->layers[i].scratch, NULL, NULL);
		hs_free_scratch(s->layers[i].scratch);
		free(s->layers[i].seen);
		free(s->layers[i].found);
	}
	free(s->layers);
	hs_free_database(s->db);
	free(s->rules);
	free(s);
}
