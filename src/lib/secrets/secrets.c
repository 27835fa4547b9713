#include "secrets/secrets.h"

#include <ctype.h>
#include <hs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

enum { TAIL = 256, BINARY_PROBE = 8192, MAX_PENDING_PER_RULE = 1024, MAX_ALLOWED = 4096 };

struct raw_finding {
	size_t rule;
	const char *path; /* the layer's arena: stable for the model's life */
	int line;
	char masked[32];
};

/* A match that waits for the end of its file: allow-rule regions and keywords can only be
 * known then (a region that encloses a match ends after it). */
struct candidate {
	struct raw_finding f;
	unsigned long long from, to;
};

struct allowed_region {
	unsigned long long from, to;
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
	size_t counted_to;    /* newlines in chunk[0, counted_to) are counted_lines */
	int counted_lines;
	unsigned char tail[TAIL]; /* the bytes just before this chunk */
	size_t tail_len;
	bool *seen;           /* per rule: already reported for this file */
	bool skip_file;       /* an allow rule's path matches this file */
	bool *rule_off;       /* per rule: its path regex does not match this file */
	bool *keyword_hit;    /* per rule: one of its keywords is in this file */
	uint32_t *n_pending_of; /* per rule: its candidates waiting in `pending` */
	struct candidate *pending;
	size_t n_pending, cap_pending;
	struct allowed_region *allowed;
	size_t n_allowed, cap_allowed;
	struct raw_finding *found;
	size_t n_found, cap_found;
};

/* What a pattern id of the streaming database stands for: ids [0, n_rules) are the rules,
 * then the allow rules' regexes, then the rules' keywords. */
struct pattern {
	enum { PAT_RULE, PAT_ALLOW, PAT_KEYWORD } kind;
	size_t index; /* the rule (PAT_RULE, PAT_KEYWORD) or allow rule */
};

/* A pattern of the path database (block mode, run once per file). */
struct path_pattern {
	bool allow;   /* an allow rule's path: the whole file is allowed */
	size_t index; /* the rule, or the allow rule */
};

struct secret_scanner {
	const struct secret_rule **rules;
	size_t n_rules;
	bool *deferred; /* per rule: decided at the end of the file (allow regexes, keywords) */
	const struct secret_allow_rule *allow;
	size_t n_allow;
	struct pattern *patterns;
	size_t n_patterns;
	struct path_pattern *path_patterns;
	size_t n_path_patterns;
	hs_database_t *db;
	hs_database_t *path_db; /* NULL when no rule or allow rule has a path */
	struct layer_state *layers;
	size_t n_layers;
	bool binaries;
	struct content_visitor visitor;
};

static bool listed(const char *const *ids, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(ids[i], id))
			return true;
	return false;
}

static bool disabled(const struct secret_options *o, const char *id)
{
	const struct secret_config *c = o ? o->config : NULL;
	return (o && listed(o->disabled, o->n_disabled, id)) ||
	       (c && listed(c->disabled, c->n_disabled, id));
}

/* enable-builtin-rules: when present, only the built-ins it names. */
static bool builtin_enabled(const struct secret_options *o, const char *id)
{
	const struct secret_config *c = o ? o->config : NULL;
	return !c || !c->only_enabled_builtin || listed(c->enabled_builtin, c->n_enabled_builtin, id);
}

static void add_rule(struct secret_scanner *s, const struct secret_rule *r, size_t *cap)
{
	s->rules = xgrow(s->rules, cap, s->n_rules + 1, sizeof(*s->rules));
	s->rules[s->n_rules++] = r;
}

/* Trivy's rules name the secret's group, (?P<secret>…): Vectorscan has no capturing groups,
 * so named groups become plain ones (lookbehinds "(?<=", "(?<!" stay). */
static char *plain_groups(const char *regex)
{
	char *out = xmalloc(strlen(regex) + 1), *o = out;
	for (const char *p = regex; *p;) {
		size_t skip = !strncmp(p, "(?P<", 4) ? 4 : !strncmp(p, "(?<", 3) ? 3 : 0;
		const char *name = p + skip, *end = skip ? strchr(name, '>') : NULL;
		if (skip && end && (isalpha((unsigned char)*name) || *name == '_') &&
		    (size_t)(end - name) == strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")) {
			*o++ = '(';
			p = end + 1;
			continue;
		}
		if (*p == '\\' && p[1]) /* an escaped "\(" is no group */
			*o++ = *p++;
		*o++ = *p++;
	}
	*o = '\0';
	return out;
}

/* A keyword as a literal pattern: every byte escaped. */
static char *literal(const char *s)
{
	char *out = xmalloc(strlen(s) * 4 + 1), *o = out;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		o += snprintf(o, 5, "\\x%02x", *p);
	*o = '\0';
	return out;
}

struct compile_item {
	char *expr;
	unsigned flags;
	const char *what, *whose; /* "secret rule", its id: for errors */
};

struct compile_list {
	struct compile_item *items;
	size_t n, cap;
};

static void compile_add(struct compile_list *l, char *expr, unsigned flags, const char *what,
			const char *whose)
{
	l->items = xgrow(l->items, &l->cap, l->n + 1, sizeof(*l->items));
	l->items[l->n++] = (struct compile_item){expr, flags, what, whose};
}

static void compile_list_release(struct compile_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->items[i].expr);
	free(l->items);
}

static int compile_db(const struct compile_list *l, unsigned mode, hs_database_t **db, ls_error *err)
{
	const char **exprs = xcalloc(l->n + 1, sizeof(*exprs));
	unsigned *flags = xcalloc(l->n + 1, sizeof(*flags)), *ids = xcalloc(l->n + 1, sizeof(*ids));
	hs_compile_error_t *cerr = NULL;
	int ret = 0;
	for (size_t i = 0; i < l->n; i++) {
		exprs[i] = l->items[i].expr;
		flags[i] = l->items[i].flags;
		ids[i] = (unsigned)i;
	}
	if (hs_compile_multi(exprs, flags, ids, (unsigned)l->n, mode, NULL, db, &cerr) != HS_SUCCESS) {
		int bad = cerr ? cerr->expression : -1;
		const struct compile_item *it = bad >= 0 && (size_t)bad < l->n ? &l->items[bad] : NULL;
		ret = ls_fail(err, "%s %s: Vectorscan cannot compile it: %s",
			      it ? it->what : "secret rule", it ? it->whose : "?",
			      cerr ? cerr->message : "unknown error");
		hs_free_compile_error(cerr);
	}
	free(exprs);
	free(flags);
	free(ids);
	return ret;
}

static void add_pattern(struct secret_scanner *s, int kind, size_t index, size_t *cap)
{
	s->patterns = xgrow(s->patterns, cap, s->n_patterns + 1, sizeof(*s->patterns));
	s->patterns[s->n_patterns++] = (struct pattern){.kind = kind, .index = index};
}

/* The streaming database: rules, then allow regexes, then keywords (struct pattern). */
static int compile(struct secret_scanner *s, ls_error *err)
{
	struct compile_list l = {0};
	size_t cap = 0;
	const unsigned som = HS_FLAG_SOM_LEFTMOST | HS_FLAG_ALLOWEMPTY;
	for (size_t i = 0; i < s->n_rules; i++) {
		unsigned flags = som;
		if (s->rules[i]->flags & SECRET_CASELESS)
			flags |= HS_FLAG_CASELESS;
		if (s->rules[i]->flags & SECRET_MULTILINE)
			flags |= HS_FLAG_MULTILINE;
		compile_add(&l, plain_groups(s->rules[i]->regex), flags, "secret rule", s->rules[i]->id);
		add_pattern(s, PAT_RULE, i, &cap);
	}
	for (size_t i = 0; i < s->n_allow; i++)
		if (s->allow[i].regex) {
			compile_add(&l, plain_groups(s->allow[i].regex), som, "secret allow rule", s->allow[i].id);
			add_pattern(s, PAT_ALLOW, i, &cap);
		}
	for (size_t i = 0; i < s->n_rules; i++)
		for (size_t k = 0; k < s->rules[i]->n_keywords; k++) {
			compile_add(&l, literal(s->rules[i]->keywords[k]), HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH,
				    "secret rule", s->rules[i]->id);
			add_pattern(s, PAT_KEYWORD, i, &cap);
		}
	int ret = compile_db(&l, HS_MODE_STREAM | HS_MODE_SOM_HORIZON_LARGE, &s->db, err);
	compile_list_release(&l);
	return ret;
}

/* The block-mode database of path regexes (rules' `path`, allow rules' `path`), if any. */
static int compile_paths(struct secret_scanner *s, ls_error *err)
{
	struct compile_list l = {0};
	size_t cap = 0;
	for (size_t i = 0; i < s->n_rules + s->n_allow; i++) {
		bool allow = i >= s->n_rules;
		const char *path = allow ? s->allow[i - s->n_rules].path : s->rules[i]->path;
		if (!path)
			continue;
		compile_add(&l, plain_groups(path), HS_FLAG_SINGLEMATCH | HS_FLAG_ALLOWEMPTY,
			    allow ? "secret allow rule" : "secret rule",
			    allow ? s->allow[i - s->n_rules].id : s->rules[i]->id);
		s->path_patterns = xgrow(s->path_patterns, &cap, s->n_path_patterns + 1,
					 sizeof(*s->path_patterns));
		s->path_patterns[s->n_path_patterns++] =
			(struct path_pattern){.allow = allow, .index = allow ? i - s->n_rules : i};
	}
	int ret = l.n ? compile_db(&l, HS_MODE_BLOCK, &s->path_db, err) : 0;
	compile_list_release(&l);
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

/* Lines are counted from where the last match of this chunk was, not from the chunk's start:
 * matches come in order, and a file can have many (candidates weighed at its end). */
static int line_of(struct layer_state *ls, unsigned long long from)
{
	if (from <= ls->offset)
		return ls->line + 1;
	size_t upto = (size_t)(from - ls->offset);
	if (upto > ls->chunk_len)
		upto = ls->chunk_len;
	if (upto < ls->counted_to) {
		ls->counted_to = 0;
		ls->counted_lines = 0;
	}
	for (size_t i = ls->counted_to; i < upto; i++)
		ls->counted_lines += ls->chunk[i] == '\n';
	ls->counted_to = upto;
	return ls->line + 1 + ls->counted_lines;
}

struct match_ctx {
	struct secret_scanner *s;
	struct layer_state *ls;
};

static void add_finding(struct layer_state *ls, const struct raw_finding *f)
{
	ls->found = xgrow(ls->found, &ls->cap_found, ls->n_found + 1, sizeof(*ls->found));
	ls->found[ls->n_found++] = *f;
}

static bool inside_allowed(const struct layer_state *ls, const struct candidate *c)
{
	for (size_t i = 0; i < ls->n_allowed; i++)
		if (ls->allowed[i].from <= c->from && c->to <= ls->allowed[i].to)
			return true;
	return false;
}

/* Drop the waiting candidates that an allowed region seen so far encloses: regions only
 * accumulate, so those can never be reported. */
static void prune_allowed(struct layer_state *ls)
{
	size_t kept = 0;
	for (size_t i = 0; i < ls->n_pending; i++) {
		if (inside_allowed(ls, &ls->pending[i]))
			ls->n_pending_of[ls->pending[i].f.rule]--;
		else
			ls->pending[kept++] = ls->pending[i];
	}
	ls->n_pending = kept;
}

static void on_rule_match(struct secret_scanner *s, struct layer_state *ls, size_t rule,
			  unsigned long long from, unsigned long long to)
{
	const struct secret_rule *r = s->rules[rule];
	if (ls->seen[rule] || ls->rule_off[rule])
		return;
	if (r->only_in && strncmp(ls->base, r->only_in, strlen(r->only_in)) != 0 &&
	    !strstr(ls->base, r->only_in))
		return;
	struct raw_finding f = {.rule = rule, .path = ls->path, .line = line_of(ls, from)};
	mask_match(ls, from, to, f.masked);
	if (!s->deferred[rule]) {
		ls->seen[rule] = true;
		add_finding(ls, &f);
		return;
	}
	struct candidate *last = ls->n_pending ? &ls->pending[ls->n_pending - 1] : NULL;
	if (last && last->f.rule == rule && last->from == from) {
		last->to = to; /* the same match, longer: Trivy weighs the longest */
		return;
	}
	if (ls->n_pending_of[rule] >= MAX_PENDING_PER_RULE) {
		prune_allowed(ls); /* a file full of allowed examples, say */
		if (ls->n_pending_of[rule] > MAX_PENDING_PER_RULE * 3 / 4) {
			/* Still too many to weigh: report this one rather than risk dropping a
			 * real secret that follows. Per rule: one rule's crowd never hides
			 * another's. */
			ls->seen[rule] = true;
			add_finding(ls, &f);
			return;
		}
	}
	ls->n_pending_of[rule]++;
	ls->pending = xgrow(ls->pending, &ls->cap_pending, ls->n_pending + 1, sizeof(*ls->pending));
	ls->pending[ls->n_pending++] = (struct candidate){f, from, to};
}

static int on_match(unsigned int id, unsigned long long from, unsigned long long to,
		    unsigned int flags, void *p)
{
	struct match_ctx *mc = p;
	struct layer_state *ls = mc->ls;
	const struct pattern *pat = &mc->s->patterns[id];
	(void)flags;
	switch (pat->kind) {
	case PAT_RULE:
		on_rule_match(mc->s, ls, pat->index, from, to);
		break;
	case PAT_KEYWORD:
		ls->keyword_hit[pat->index] = true;
		break;
	case PAT_ALLOW:
		if (ls->n_allowed < MAX_ALLOWED) {
			ls->allowed = xgrow(ls->allowed, &ls->cap_allowed, ls->n_allowed + 1, sizeof(*ls->allowed));
			ls->allowed[ls->n_allowed++] = (struct allowed_region){from, to};
		}
		break;
	}
	return 0;
}

/* At the end of a file: the first candidate of each rule that has a keyword of its rule in
 * the file (when it lists keywords) and lies in no allowed region. */
static void resolve_pending(struct secret_scanner *s, struct layer_state *ls)
{
	for (size_t i = 0; i < ls->n_pending; i++) {
		const struct candidate *c = &ls->pending[i];
		size_t rule = c->f.rule;
		if (ls->seen[rule] || (s->rules[rule]->n_keywords && !ls->keyword_hit[rule]) ||
		    inside_allowed(ls, c))
			continue;
		ls->seen[rule] = true;
		add_finding(ls, &c->f);
	}
	ls->n_pending = 0;
	ls->n_allowed = 0;
}

static int on_path_match(unsigned int id, unsigned long long from, unsigned long long to,
			 unsigned int flags, void *p)
{
	struct match_ctx *mc = p;
	const struct path_pattern *pp = &mc->s->path_patterns[id];
	(void)from, (void)to, (void)flags;
	if (pp->allow)
		mc->ls->skip_file = true;
	else
		mc->ls->rule_off[pp->index] = false;
	return 0;
}

/* Which rules apply to this file: a rule with a path regex only where it matches; no rule at
 * all where an allow rule's path matches. */
static void match_path(struct secret_scanner *s, struct layer_state *ls)
{
	ls->skip_file = false;
	for (size_t i = 0; i < s->n_rules; i++)
		ls->rule_off[i] = s->rules[i]->path != NULL;
	if (!s->path_db)
		return;
	struct match_ctx mc = {s, ls};
	hs_scan(s->path_db, ls->path, (unsigned)strlen(ls->path), 0, ls->scratch, on_path_match, &mc);
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
	resolve_pending(s, ls);
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
		ls->n_pending = ls->n_allowed = 0;
		memset(ls->seen, 0, s->n_rules * sizeof(bool));
		memset(ls->keyword_hit, 0, s->n_rules * sizeof(bool));
		memset(ls->n_pending_of, 0, s->n_rules * sizeof(*ls->n_pending_of));
		match_path(s, ls);
		if (ls->skip_file || hs_open_stream(s->db, 0, &ls->stream) != HS_SUCCESS)
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
	ls->counted_to = 0;
	ls->counted_lines = 0;
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

/* Built-ins (less disabled ones, only enabled ones when the config lists them), then custom
 * rules (less disabled ones). */
static void choose_rules(struct secret_scanner *s, const struct secret_options *o)
{
	const struct secret_config *c = o ? o->config : NULL;
	size_t cap = 0;
	for (const struct secret_rule *r = secret_builtin_rules; r->id; r++)
		if (!disabled(o, r->id) && builtin_enabled(o, r->id))
			add_rule(s, r, &cap);
	for (size_t i = 0; c && i < c->n_rules; i++)
		if (!disabled(o, c->rules[i].id))
			add_rule(s, &c->rules[i], &cap);
	s->deferred = xcalloc(s->n_rules + 1, sizeof(bool));
	for (size_t i = 0; c && i < c->n_allow; i++)
		if (c->allow[i].regex)
			memset(s->deferred, 1, s->n_rules * sizeof(bool));
	for (size_t i = 0; i < s->n_rules; i++)
		s->deferred[i] = s->deferred[i] || s->rules[i]->n_keywords > 0;
	if (c) {
		s->allow = c->allow;
		s->n_allow = c->n_allow;
	}
}

static int alloc_layers(struct secret_scanner *s, size_t n_layers, ls_error *err)
{
	s->n_layers = n_layers;
	s->layers = xcalloc(n_layers ? n_layers : 1, sizeof(*s->layers));
	for (size_t i = 0; i < n_layers; i++) {
		struct layer_state *ls = &s->layers[i];
		if (hs_alloc_scratch(s->db, &ls->scratch) != HS_SUCCESS ||
		    (s->path_db && hs_alloc_scratch(s->path_db, &ls->scratch) != HS_SUCCESS))
			return ls_fail(err, "cannot allocate Hyperscan scratch space");
		ls->seen = xcalloc(s->n_rules, sizeof(bool));
		ls->rule_off = xcalloc(s->n_rules, sizeof(bool));
		ls->keyword_hit = xcalloc(s->n_rules, sizeof(bool));
		ls->n_pending_of = xcalloc(s->n_rules, sizeof(*ls->n_pending_of));
	}
	return 0;
}

int secret_scanner_new(const struct secret_options *o, size_t n_layers,
		       struct secret_scanner **out, ls_error *err)
{
	struct secret_scanner *s = xcalloc(1, sizeof(*s));
	choose_rules(s, o);
	s->binaries = o && o->binaries;
	if (s->n_rules == 0) {
		secret_scanner_free(s);
		return ls_fail(err, "every secret rule is disabled");
	}
	if (compile(s, err) < 0 || compile_paths(s, err) < 0 || alloc_layers(s, n_layers, err) < 0) {
		secret_scanner_free(s);
		return -1;
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
		free(s->layers[i].rule_off);
		free(s->layers[i].keyword_hit);
		free(s->layers[i].n_pending_of);
		free(s->layers[i].pending);
		free(s->layers[i].allowed);
		free(s->layers[i].found);
	}
	free(s->layers);
	hs_free_database(s->db);
	hs_free_database(s->path_db);
	free(s->rules);
	free(s->deferred);
	free(s->patterns);
	free(s->path_patterns);
	free(s);
}
