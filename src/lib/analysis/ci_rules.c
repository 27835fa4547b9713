#include "analysis/ci_rules.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <string.h>
#include <yaml.h>

#include "analysis/export.h"
#include "analysis/gofmt.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/strutil.h"

#define CI_FILE_LIMIT (1024 * 1024)

static const struct ci_rule rule_table[RULE_COUNT] = {
	[RULE_LOWEST_EFFICIENCY] = {"lowestEfficiency", "lowest-efficiency", VALUE_RATIO, true},
	[RULE_HIGHEST_WASTED_BYTES] = {"highestWastedBytes", "highest-wasted-bytes", VALUE_BYTES, true},
	[RULE_HIGHEST_USER_WASTED_PERCENT] = {"highestUserWastedPercent",
					      "highest-user-wasted-percent", VALUE_RATIO, true},
	[RULE_HIGHEST_RECLAIMABLE_BYTES] = {"highestReclaimableBytes", "highest-reclaimable-bytes",
					    VALUE_BYTES, false},
	[RULE_HIGHEST_IMAGE_SIZE] = {"highestImageSize", "highest-image-size", VALUE_BYTES, false},
	[RULE_HIGHEST_LAYER_COUNT] = {"highestLayerCount", "highest-layer-count", VALUE_COUNT, false},
	[RULE_FORBIDDEN_PATHS] = {"forbiddenPaths", "forbidden-paths", VALUE_GLOBS, false},
};

static void clear_value(struct ci_rule *r)
{
	free(r->config);
	r->config = NULL;
	for (size_t i = 0; i < r->n_globs; i++)
		free(r->globs[i]);
	free(r->globs);
	r->globs = NULL;
	r->n_globs = 0;
}

void ci_config_init(struct ci_config *c)
{
	ls_error ignored;
	memcpy(c->rules, rule_table, sizeof(rule_table));
	ci_config_set(c, RULE_LOWEST_EFFICIENCY, "0.9", "default", &ignored);
	ci_config_set(c, RULE_HIGHEST_WASTED_BYTES, "disabled", "default", &ignored);
	ci_config_set(c, RULE_HIGHEST_USER_WASTED_PERCENT, "0.1", "default", &ignored);
}

void ci_config_release(struct ci_config *c)
{
	for (int i = 0; i < RULE_COUNT; i++)
		clear_value(&c->rules[i]);
}

int ci_rule_lookup(const char *key)
{
	for (int i = 0; i < RULE_COUNT; i++)
		if (!strcmp(key, rule_table[i].name) || !strcmp(key, rule_table[i].kebab))
			return i;
	/* dive's own configuration file spells the first rule this way */
	if (!strcmp(key, "lowest-efficiency-threshold"))
		return RULE_LOWEST_EFFICIENCY;
	return -1;
}

/* dive: "", "disabled", "off", "false" (any case, surrounding spaces) switch a rule off. */
static bool value_disables(const char *v)
{
	char low[16];
	size_t n = 0;
	while (isspace((unsigned char)*v))
		v++;
	for (; *v && n < sizeof(low) - 1; v++)
		low[n++] = (char)tolower((unsigned char)*v);
	while (n > 0 && isspace((unsigned char)low[n - 1]))
		n--;
	low[n] = '\0';
	if (*v)
		return false;
	return !n || !strcmp(low, "disabled") || !strcmp(low, "off") || !strcmp(low, "false");
}

static int set_globs(struct ci_rule *r, const char *value)
{
	const char *p = value;
	while (*p) {
		const char *comma = strchrnul(p, ',');
		const char *s = p, *e = comma;
		while (s < e && isspace((unsigned char)*s))
			s++;
		while (e > s && isspace((unsigned char)e[-1]))
			e--;
		if (e > s) {
			r->globs = xrealloc(r->globs, (r->n_globs + 1) * sizeof(*r->globs));
			r->globs[r->n_globs++] = xstrndup(s, (size_t)(e - s));
		}
		p = *comma ? comma + 1 : comma;
	}
	return 0;
}

int ci_config_set(struct ci_config *c, int rule, const char *value, const char *where,
		  ls_error *err)
{
	struct ci_rule *r = &c->rules[rule];
	struct ci_rule fresh = rule_table[rule];
	if (!value)
		value = "";
	fresh.set = true;
	fresh.config = xstrdup(value);
	if (value_disables(value)) {
		fresh.disabled = true;
		fresh.config = (free(fresh.config), xstrdup("disabled"));
		clear_value(r);
		*r = fresh;
		return 0;
	}
	switch (fresh.kind) {
	case VALUE_RATIO:
		if (!go_parse_float(value, &fresh.ratio)) {
			free(fresh.config);
			return ls_fail(err, "invalid %s value \"%s\" (%s): expected a ratio between 0 and 1",
				       fresh.name, value, where);
		}
		if (fresh.ratio < 0 || fresh.ratio > 1) {
			free(fresh.config);
			return ls_fail(err, "%s value \"%s\" (%s) is outside the allowed range 0-1",
				       fresh.name, value, where);
		}
		break;
	case VALUE_BYTES:
		if (!go_parse_bytes(value, &fresh.limit)) {
			free(fresh.config);
			return ls_fail(err, "invalid %s value \"%s\" (%s): expected a size such as "
				       "20MB (1000-based) or 20MiB (1024-based)", fresh.name, value, where);
		}
		break;
	case VALUE_COUNT:
		if (!parse_u64(value, &fresh.limit)) {
			free(fresh.config);
			return ls_fail(err, "invalid %s value \"%s\" (%s): expected a whole number",
				       fresh.name, value, where);
		}
		break;
	case VALUE_GLOBS:
		set_globs(&fresh, value);
		break;
	}
	clear_value(r);
	*r = fresh;
	return 0;
}

/* ---- The rules file ---- */

static const char *scalar(yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* A YAML null (`key:`, `~`, `null`) reads as empty: the rule is disabled. */
static const char *scalar_value(yaml_node_t *n)
{
	const char *v = scalar(n);
	if (v && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    (!strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") || !strcmp(v, "NULL")))
		return "";
	return v;
}

static int load_rule(struct ci_config *c, yaml_document_t *doc, const char *path, const char *key,
		     yaml_node_t *val, FILE *warn, ls_error *err)
{
	int rule = ci_rule_lookup(key);
	char where[512];
	snprintf(where, sizeof(where), "%s, key %s", path, key);
	if (rule < 0) {
		if (warn)
			fprintf(warn, "layerscope: warning: %s: unknown rule '%s' ignored\n", path, key);
		return 0;
	}
	if (c->rules[rule].kind == VALUE_GLOBS && val && val->type == YAML_SEQUENCE_NODE) {
		struct buf joined;
		buf_init(&joined, CI_FILE_LIMIT);
		for (yaml_node_item_t *it = val->data.sequence.items.start;
		     it < val->data.sequence.items.top; it++) {
			const char *s = scalar(yaml_document_get_node(doc, *it));
			if (!s || strchr(s, ',')) {
				buf_release(&joined);
				return ls_fail(err, "invalid %s entry in %s: expected glob strings without commas",
					       key, path);
			}
			if (joined.len)
				buf_append(&joined, ",", 1, NULL);
			buf_append(&joined, s, strlen(s), NULL);
		}
		int r = ci_config_set(c, rule, joined.data ? joined.data : "", where, err);
		buf_release(&joined);
		return r;
	}
	const char *v = scalar_value(val);
	if (!v)
		return ls_fail(err, "invalid %s value in %s: expected a single value", key, path);
	return ci_config_set(c, rule, v, where, err);
}

/* Keys of dive's application config, which may share the file with the rules. */
static bool dive_setting(const char *key)
{
	static const char *keys[] = {"ci", "ci-config", "log", "dev", "container-engine", "source",
				     "ignore-errors", "json-path", "keybinding", "diff", "filetree",
				     "layer", "image"};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(key, keys[i]))
			return true;
	return false;
}

int ci_config_load(struct ci_config *c, const char *path, FILE *warn, ls_error *err)
{
	struct buf b;
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	int ret = 0;

	if (buf_read_file(&b, path, CI_FILE_LIMIT, err) < 0)
		return ls_wrap(err, "cannot read CI config");
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)b.data, b.len);
	if (!yaml_parser_load(&parser, &doc)) {
		ret = ls_fail(err, "CI config %s: YAML error at line %zu: %s", path,
			      parser.problem_mark.line + 1, parser.problem ? parser.problem : "?");
		yaml_parser_delete(&parser);
		buf_release(&b);
		return ret;
	}
	root = yaml_document_get_root_node(&doc);
	if (root && root->type != YAML_MAPPING_NODE) {
		ret = ls_fail(err, "CI config %s: expected a mapping with a 'rules:' key", path);
		goto out;
	}
	for (yaml_node_pair_t *p = root ? root->data.mapping.pairs.start : NULL;
	     root && p < root->data.mapping.pairs.top && ret == 0; p++) {
		const char *key = scalar(yaml_document_get_node(&doc, p->key));
		yaml_node_t *val = yaml_document_get_node(&doc, p->value);
		if (!key)
			continue;
		if (strcmp(key, "rules") != 0) {
			if (dive_setting(key))
				continue; /* dive's own settings (`ci: true`): not ours, not unknown */
			if (warn)
				fprintf(warn, "layerscope: warning: %s: unknown key '%s' ignored\n", path, key);
			continue;
		}
		if (!val || (val->type == YAML_SCALAR_NODE && !*scalar_value(val)))
			continue;
		if (val->type != YAML_MAPPING_NODE) {
			ret = ls_fail(err, "CI config %s: 'rules' must be a mapping", path);
			break;
		}
		for (yaml_node_pair_t *q = val->data.mapping.pairs.start;
		     q < val->data.mapping.pairs.top && ret == 0; q++) {
			const char *rk = scalar(yaml_document_get_node(&doc, q->key));
			if (rk)
				ret = load_rule(c, &doc, path, rk, yaml_document_get_node(&doc, q->value),
						warn, err);
		}
	}
out:
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	buf_release(&b);
	return ret;
}

/* ---- Globs ---- */

/* One component-bounded glob: '*' and '?' never cross '/', "[...]" as fnmatch has it. */
static bool match_here(const char *p, const char *s, bool at_component_start)
{
	while (*p) {
		if (p[0] == '*' && p[1] == '*' && at_component_start && (p[2] == '/' || !p[2])) {
			const char *rest = p[2] ? p + 3 : p + 2;
			if (!*rest)
				return true;
			for (const char *t = s;;) {
				if (match_here(rest, t, true))
					return true;
				t = strchr(t, '/');
				if (!t)
					return false;
				t++;
			}
		}
		if (*p == '*') {
			while (*p == '*')
				p++;
			for (const char *t = s;; t++) {
				if (match_here(p, t, false))
					return true;
				if (!*t || *t == '/')
					return false;
			}
		}
		if (!*s)
			return false;
		if (*p == '?') {
			if (*s == '/')
				return false;
		} else if (*p == '[') {
			const char *close = strchr(p + 2, ']');
			char cls[256], ch[2] = {*s, 0};
			if (!close || (size_t)(close - p + 1) >= sizeof(cls) || *s == '/')
				return false;
			memcpy(cls, p, (size_t)(close - p + 1));
			cls[close - p + 1] = '\0';
			if (fnmatch(cls, ch, 0) != 0)
				return false;
			p = close;
		} else if (*p != *s) {
			return false;
		}
		at_component_start = *s == '/';
		p++;
		s++;
	}
	return !*s;
}

bool ci_glob_match(const char *pattern, const char *path)
{
	while (*pattern == '/')
		pattern++;
	/* "**" + "/NAME" (the common case) is a match of NAME on the last component. */
	if (pattern[0] == '*' && pattern[1] == '*' && pattern[2] == '/') {
		const char *rest = pattern + 3;
		bool simple = !(rest[0] == '*' && rest[1] == '*');
		for (const char *q = rest; *q && simple; q++)
			simple = *q != '/';
		if (simple)
			pattern = rest;
	}
	if (!strchr(pattern, '/')) {
		const char *base = strrchr(path, '/');
		return match_here(pattern, base ? base + 1 : path, true);
	}
	return match_here(pattern, path, true);
}

/* ---- Evaluation ---- */

bool ci_needs_waste(const struct ci_config *c)
{
	return (c->rules[RULE_HIGHEST_RECLAIMABLE_BYTES].set &&
		!c->rules[RULE_HIGHEST_RECLAIMABLE_BYTES].disabled) ||
	       (c->rules[RULE_FORBIDDEN_PATHS].set && !c->rules[RULE_FORBIDDEN_PATHS].disabled);
}

static void find_forbidden(const struct ci_rule *r, const struct image_model *m,
			   const struct waste_report *w, struct ci_evaluation *e)
{
	size_t cap = 0;
	for (size_t L = 0; L < m->n_layers; L++) {
		const struct layer *l = m->layers[L];
		for (size_t i = 0; i < l->n_entries; i++) {
			const struct layer_entry *x = &l->entries[i];
			if (x->kind != ENTRY_NORMAL || !x->path[0])
				continue;
			for (size_t g = 0; g < r->n_globs; g++) {
				if (!ci_glob_match(r->globs[g], x->path))
					continue;
				struct forbidden_hit h = {(uint32_t)L, (uint32_t)i, g, true, 0, 0};
				if (w && !waste_entry_visible(m, w, (uint32_t)L, (uint32_t)i)) {
					struct hidden_file hf;
					waste_find_hider(m, (uint32_t)L, (uint32_t)i, &hf);
					h.visible = false;
					h.hidden_by = hf.by_layer;
					h.hide_kind = hf.kind;
				}
				e->hits = xgrow(e->hits, &cap, e->n_hits + 1, sizeof(*e->hits));
				e->hits[e->n_hits++] = h;
				break;
			}
		}
	}
}

static char *forbidden_message(const struct image_model *m, const struct ci_evaluation *e)
{
	struct buf b;
	char head[64];
	buf_init(&b, 0);
	snprintf(head, sizeof(head), "%zu forbidden path%s: ", e->n_hits, e->n_hits == 1 ? "" : "s");
	buf_append(&b, head, strlen(head), NULL);
	for (size_t i = 0; i < e->n_hits && i < 5; i++) {
		const struct forbidden_hit *h = &e->hits[i];
		char *item;
		const char *path = m->layers[h->layer]->entries[h->entry].path;
		if (h->visible)
			item = xasprintf("%s/%s (layer %u)", i ? ", " : "", path, h->layer);
		else if (h->hidden_by != h->layer)
			item = xasprintf("%s/%s (layer %u, %s by layer %u, still stored)",
					 i ? ", " : "", path, h->layer,
					 h->hide_kind == HIDE_DELETED || h->hide_kind == HIDE_OPAQUE ?
						 "deleted" : "replaced", h->hidden_by);
		else
			item = xasprintf("%s/%s (layer %u, not visible, still stored)", i ? ", " : "",
					 path, h->layer);
		buf_append(&b, item, strlen(item), NULL);
		free(item);
	}
	if (e->n_hits > 5) {
		char more[64];
		snprintf(more, sizeof(more), " and %zu more", e->n_hits - 5);
		buf_append(&b, more, strlen(more), NULL);
	}
	return buf_detach(&b, NULL);
}

static int result_cmp(const void *pa, const void *pb)
{
	const struct ci_result *a = pa, *b = pb;
	return strcmp(rule_table[a->rule].name, rule_table[b->rule].name);
}

void ci_evaluate(const struct ci_config *c, const struct image_model *m,
		 const struct dive_analysis *d, const struct waste_report *w,
		 struct ci_evaluation *out)
{
	memset(out, 0, sizeof(*out));
	for (int i = 0; i < RULE_COUNT; i++) {
		const struct ci_rule *r = &c->rules[i];
		struct ci_result res = {i, CI_PASS, NULL};
		char a[64], t[64];
		if (!r->set && !r->dive)
			continue;
		if (r->disabled) {
			res.status = CI_SKIP;
			res.message = xstrdup("disabled");
			out->results[out->n_results++] = res;
			continue;
		}
		switch (i) {
		case RULE_LOWEST_EFFICIENCY:
			if (r->ratio > d->efficiency) {
				go_format_fixed(d->efficiency, 2, a, sizeof(a));
				go_format_v(r->ratio, t, sizeof(t));
				res.status = CI_FAIL;
				res.message = xasprintf("image efficiency is too low (efficiency=%s < threshold=%s)", a, t);
			}
			break;
		case RULE_HIGHEST_WASTED_BYTES:
			if (d->wasted_bytes > r->limit) {
				res.status = CI_FAIL;
				res.message = xasprintf("too many bytes wasted (wasted-bytes=%llu > threshold=%llu)",
							(unsigned long long)d->wasted_bytes,
							(unsigned long long)r->limit);
			}
			break;
		case RULE_HIGHEST_USER_WASTED_PERCENT:
			if (d->user_wasted_percent > r->ratio) { /* NaN never fails, as in dive */
				go_format_fixed(d->user_wasted_percent, 2, a, sizeof(a));
				go_format_v(r->ratio, t, sizeof(t));
				res.status = CI_FAIL;
				res.message = xasprintf("too many bytes wasted, relative to the user bytes added "
							"(%%-user-wasted-bytes=%s > threshold=%s)", a, t);
			}
			break;
		case RULE_HIGHEST_RECLAIMABLE_BYTES:
			if (w && w->reclaimable_bytes > r->limit) {
				res.status = CI_FAIL;
				res.message = xasprintf("too many reclaimable bytes (reclaimable-bytes=%llu > threshold=%llu)",
							(unsigned long long)w->reclaimable_bytes,
							(unsigned long long)r->limit);
			}
			break;
		case RULE_HIGHEST_IMAGE_SIZE:
			if (d->size_bytes > r->limit) {
				res.status = CI_FAIL;
				res.message = xasprintf("image is too large (size-bytes=%llu > threshold=%llu)",
							(unsigned long long)d->size_bytes,
							(unsigned long long)r->limit);
			}
			break;
		case RULE_HIGHEST_LAYER_COUNT:
			if (m->n_layers > r->limit) {
				res.status = CI_FAIL;
				res.message = xasprintf("too many layers (layers=%zu > threshold=%llu)",
							m->n_layers, (unsigned long long)r->limit);
			}
			break;
		case RULE_FORBIDDEN_PATHS:
			find_forbidden(r, m, w, out);
			if (out->n_hits) {
				res.status = CI_FAIL;
				res.message = forbidden_message(m, out);
			}
			break;
		}
		if (!res.message) {
			if (i == RULE_FORBIDDEN_PATHS) {
				struct buf b;
				buf_init(&b, 0);
				for (size_t g = 0; g < r->n_globs; g++) {
					if (g)
						buf_append(&b, ", ", 2, NULL);
					buf_append(&b, r->globs[g], strlen(r->globs[g]), NULL);
				}
				res.message = b.data ? buf_detach(&b, NULL) : xstrdup("");
			} else {
				res.message = xstrdup(r->config);
			}
		}
		out->results[out->n_results++] = res;
	}
	qsort(out->results, out->n_results, sizeof(out->results[0]), result_cmp);
	for (size_t i = 0; i < out->n_results; i++) {
		switch (out->results[i].status) {
		case CI_PASS: out->pass++; break;
		case CI_FAIL: out->fail++; break;
		case CI_WARN: out->warn++; break;
		case CI_SKIP: out->skip++; break;
		}
	}
	out->ok = out->fail == 0;
}

void ci_evaluation_release(struct ci_evaluation *e)
{
	for (size_t i = 0; i < e->n_results; i++)
		free(e->results[i].message);
	free(e->hits);
	memset(e, 0, sizeof(*e));
}

/* ---- Reports ---- */

static const char *status_word(enum ci_status s)
{
	static const char *w[] = {"PASS", "FAIL", "WARN", "SKIP"};
	return w[s];
}

void ci_render_text(FILE *out, const struct dive_analysis *d, const struct ci_config *c,
		    const struct ci_evaluation *e)
{
	char human[32], pct[64], eff[64];
	(void)c;
	go_format_fixed(d->efficiency * 100, 2, eff, sizeof(eff));
	fprintf(out, "Analysis:\n");
	fprintf(out, "  %-18s %s %%\n", "efficiency:", eff);
	if (d->wasted_bytes > 0) {
		human_size_si(d->wasted_bytes, human, sizeof(human));
		go_format_fixed(d->user_wasted_percent * 100, 2, pct, sizeof(pct));
		fprintf(out, "  %-18s %llu bytes (%s)\n", "wastedBytes:",
			(unsigned long long)d->wasted_bytes, human);
		fprintf(out, "  %-18s %s %%\n", "userWastedPercent:", pct);
	} else {
		fprintf(out, "  %-18s 0 bytes \n", "wastedBytes:");
		fprintf(out, "  %-18s 0 %%\n", "userWastedPercent:");
	}
	fputc('\n', out);
	if (!d->n_refs) {
		fprintf(out, "Inefficient Files: (None)\n");
	} else {
		fprintf(out, "Inefficient Files:\n");
		fprintf(out, "  %-5s  %-12s  %s\n", "Count", "Wasted Space", "File Path");
		for (size_t i = 0; i < d->n_refs; i++) {
			char count[16];
			snprintf(count, sizeof(count), "%u", d->refs[i].count);
			human_size_si(d->refs[i].size_bytes, human, sizeof(human));
			fprintf(out, "  %-5s  %-12s  %s\n", count, human, d->refs[i].path);
		}
	}
	fputc('\n', out);
	fprintf(out, "Evaluation:\n");
	for (size_t i = 0; i < e->n_results; i++) {
		const struct ci_result *r = &e->results[i];
		if (r->message && *r->message)
			fprintf(out, "  %s  %s (%s)\n", status_word(r->status), rule_table[r->rule].name,
				r->message);
		else
			fprintf(out, "  %s  %s\n", status_word(r->status), rule_table[r->rule].name);
	}
	fputc('\n', out);
	fputs(e->fail ? "FAIL" : "PASS", out);
	fputs(" [", out);
	const char *sep = "";
	if (e->pass) { fprintf(out, "%spass:%d", sep, e->pass); sep = " "; }
	if (e->fail) { fprintf(out, "%sfail:%d", sep, e->fail); sep = " "; }
	if (e->warn) { fprintf(out, "%swarn:%d", sep, e->warn); sep = " "; }
	if (e->skip) { fprintf(out, "%sskip:%d", sep, e->skip); sep = " "; }
	fputs("]\n", out);
}

void ci_render_json(FILE *out, const char *image, const struct image_model *m,
		    const struct dive_analysis *d, const struct waste_report *w,
		    const struct ci_config *c, const struct ci_evaluation *e)
{
	struct jw j;
	(void)c;
	jw_init(&j, out);
	jw_begin_object(&j);
	jw_key(&j, "image");
	jw_string(&j, image);
	jw_key(&j, "pass");
	jw_bool(&j, e->ok);
	jw_key(&j, "analysis");
	jw_begin_object(&j);
	jw_key(&j, "efficiency");
	jw_float(&j, d->efficiency);
	jw_key(&j, "wastedBytes");
	jw_uint(&j, d->wasted_bytes);
	jw_key(&j, "userWastedPercent");
	jw_float(&j, d->user_wasted_percent);
	jw_key(&j, "sizeBytes");
	jw_uint(&j, d->size_bytes);
	jw_key(&j, "userSizeBytes");
	jw_uint(&j, d->user_size_bytes);
	jw_key(&j, "layers");
	jw_uint(&j, m->n_layers);
	if (w) {
		jw_key(&j, "reclaimableBytes");
		jw_uint(&j, w->reclaimable_bytes);
	}
	jw_end_object(&j);
	jw_key(&j, "inefficientFiles");
	jw_begin_array(&j);
	for (size_t i = 0; i < d->n_refs; i++) {
		jw_begin_object(&j);
		jw_key(&j, "count");
		jw_uint(&j, d->refs[i].count);
		jw_key(&j, "sizeBytes");
		jw_uint(&j, d->refs[i].size_bytes);
		jw_key(&j, "file");
		jw_string(&j, d->refs[i].path);
		jw_end_object(&j);
	}
	jw_end_array(&j);
	jw_key(&j, "rules");
	jw_begin_array(&j);
	for (size_t i = 0; i < e->n_results; i++) {
		const struct ci_result *r = &e->results[i];
		static const char *names[] = {"pass", "fail", "warn", "skip"};
		jw_begin_object(&j);
		jw_key(&j, "name");
		jw_string(&j, rule_table[r->rule].name);
		jw_key(&j, "status");
		jw_string(&j, names[r->status]);
		jw_key(&j, "configured");
		jw_string(&j, c->rules[r->rule].config);
		jw_key(&j, "message");
		jw_string(&j, r->message);
		jw_end_object(&j);
	}
	jw_end_array(&j);
	if (e->n_hits) {
		jw_key(&j, "forbiddenPaths");
		jw_begin_array(&j);
		for (size_t i = 0; i < e->n_hits; i++) {
			const struct forbidden_hit *h = &e->hits[i];
			char *p = xasprintf("/%s", m->layers[h->layer]->entries[h->entry].path);
			jw_begin_object(&j);
			jw_key(&j, "path");
			jw_string(&j, p);
			jw_key(&j, "layer");
			jw_uint(&j, h->layer);
			jw_key(&j, "command");
			jw_string(&j, layer_command(m, h->layer));
			jw_key(&j, "pattern");
			jw_string(&j, c->rules[RULE_FORBIDDEN_PATHS].globs[h->glob]);
			jw_key(&j, "visible");
			jw_bool(&j, h->visible);
			if (!h->visible && h->hidden_by != h->layer) {
				jw_key(&j, "hiddenBy");
				jw_uint(&j, h->hidden_by);
				jw_key(&j, "hiddenHow");
				jw_string(&j, hide_kind_name((enum hide_kind)h->hide_kind));
			}
			jw_end_object(&j);
			free(p);
		}
		jw_end_array(&j);
	}
	jw_key(&j, "summary");
	jw_begin_object(&j);
	jw_key(&j, "pass");
	jw_uint(&j, (uint64_t)e->pass);
	jw_key(&j, "fail");
	jw_uint(&j, (uint64_t)e->fail);
	jw_key(&j, "warn");
	jw_uint(&j, (uint64_t)e->warn);
	jw_key(&j, "skip");
	jw_uint(&j, (uint64_t)e->skip);
	jw_end_object(&j);
	jw_end_object(&j);
	fputc('\n', out);
}

static void xml_escape(FILE *out, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '&': fputs("&amp;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&apos;", out); break;
		default:
			if (*p < 0x20 && *p != '\n' && *p != '\t')
				fprintf(out, "&#x%x;", *p);
			else
				fputc(*p, out);
		}
	}
}

void ci_render_junit(FILE *out, const char *image, const struct dive_analysis *d,
		     const struct ci_config *c, const struct ci_evaluation *e)
{
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(out, "<testsuites name=\"layerscope ci\" tests=\"%zu\" failures=\"%d\" skipped=\"%d\" errors=\"0\">\n",
		e->n_results, e->fail, e->skip);
	fprintf(out, "  <testsuite name=\"");
	xml_escape(out, image);
	fprintf(out, "\" tests=\"%zu\" failures=\"%d\" skipped=\"%d\" errors=\"0\">\n", e->n_results,
		e->fail, e->skip);
	for (size_t i = 0; i < e->n_results; i++) {
		const struct ci_result *r = &e->results[i];
		fprintf(out, "    <testcase classname=\"layerscope.ci\" name=\"%s\">", rule_table[r->rule].name);
		if (r->status == CI_FAIL) {
			fprintf(out, "\n      <failure message=\"");
			xml_escape(out, r->message);
			fprintf(out, "\" type=\"threshold\">");
			xml_escape(out, r->message);
			fprintf(out, " (configured: ");
			xml_escape(out, c->rules[r->rule].config);
			fprintf(out, ")</failure>\n    ");
		} else if (r->status == CI_SKIP) {
			fprintf(out, "\n      <skipped message=\"disabled\"/>\n    ");
		}
		fprintf(out, "</testcase>\n");
	}
	fprintf(out, "    <system-out>");
	char eff[64], pct[64];
	go_format_v(d->efficiency, eff, sizeof(eff));
	go_format_v(d->user_wasted_percent, pct, sizeof(pct));
	fprintf(out, "efficiency=%s wastedBytes=%llu userWastedPercent=%s", eff,
		(unsigned long long)d->wasted_bytes, pct);
	fprintf(out, "</system-out>\n  </testsuite>\n</testsuites>\n");
}
