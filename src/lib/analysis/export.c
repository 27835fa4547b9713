#include "analysis/export.h"

#include <math.h>
#include <string.h>

#include "analysis/gofmt.h"
#include "util/mem.h"

/* ---- JSON writing as Go's json.MarshalIndent(v, "", "  ") ---- */

void jw_init(struct jw *w, FILE *f)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
	w->first[0] = true;
}

static void newline(struct jw *w)
{
	fputc('\n', w->f);
	for (int i = 0; i < w->depth; i++)
		fputs("  ", w->f);
}

/* Before a value: a comma and a new line inside containers, nothing after a key. */
static void before_value(struct jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth == 0)
		return;
	if (!w->first[w->depth])
		fputc(',', w->f);
	w->first[w->depth] = false;
	newline(w);
}

static void open_container(struct jw *w, char c)
{
	before_value(w);
	fputc(c, w->f);
	if (w->depth < 63)
		w->depth++;
	w->first[w->depth] = true;
}

static void close_container(struct jw *w, char c)
{
	bool empty = w->first[w->depth];
	w->depth--;
	if (!empty)
		newline(w);
	fputc(c, w->f);
}

void jw_begin_object(struct jw *w) { open_container(w, '{'); }
void jw_end_object(struct jw *w) { close_container(w, '}'); }
void jw_begin_array(struct jw *w) { open_container(w, '['); }
void jw_end_array(struct jw *w) { close_container(w, ']'); }

/* Go's encoding/json string: HTML-safe (<, >, & escaped), U+2028/2029 escaped, invalid
 * UTF-8 bytes replaced by U+FFFD, \b \f \n \r \t short escapes. */
static void write_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	fputc('"', f);
	while (*p) {
		unsigned char c = *p;
		if (c < 0x80) {
			switch (c) {
			case '"': fputs("\\\"", f); break;
			case '\\': fputs("\\\\", f); break;
			case '\n': fputs("\\n", f); break;
			case '\r': fputs("\\r", f); break;
			case '\t': fputs("\\t", f); break;
			case '\b': fputs("\\b", f); break;
			case '\f': fputs("\\f", f); break;
			case '<': case '>': case '&': fprintf(f, "\\u00%02x", c); break;
			default:
				if (c < 0x20)
					fprintf(f, "\\u00%02x", c);
				else
					fputc(c, f);
			}
			p++;
			continue;
		}
		/* Decode one UTF-8 sequence; anything malformed is one invalid byte. */
		size_t len = 0;
		uint32_t cp = 0, min = 0;
		if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1F; min = 0x80; }
		else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0F; min = 0x800; }
		else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07; min = 0x10000; }
		bool ok = len > 0;
		for (size_t i = 1; ok && i < len; i++) {
			if ((p[i] & 0xC0) != 0x80)
				ok = false;
			else
				cp = (cp << 6) | (p[i] & 0x3F);
		}
		if (ok && (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)))
			ok = false;
		if (!ok) {
			fputs("\\ufffd", f);
			p++;
			continue;
		}
		if (cp == 0x2028 || cp == 0x2029)
			fprintf(f, "\\u%04x", cp);
		else
			fwrite(p, 1, len, f);
		p += len;
	}
	fputc('"', f);
}

void jw_key(struct jw *w, const char *key)
{
	before_value(w);
	write_string(w->f, key);
	fputs(": ", w->f);
	w->after_key = true;
}

void jw_string(struct jw *w, const char *s)
{
	before_value(w);
	write_string(w->f, s ? s : "");
}

void jw_uint(struct jw *w, uint64_t v)
{
	before_value(w);
	fprintf(w->f, "%llu", (unsigned long long)v);
}

void jw_int(struct jw *w, int64_t v)
{
	before_value(w);
	fprintf(w->f, "%lld", (long long)v);
}

void jw_float(struct jw *w, double v)
{
	char buf[64];
	before_value(w);
	if (!isfinite(v)) {
		fputs("null", w->f);
		return;
	}
	go_format_json(v, buf, sizeof(buf));
	fputs(buf, w->f);
}

void jw_bool(struct jw *w, bool v)
{
	before_value(w);
	fputs(v ? "true" : "false", w->f);
}

void jw_null(struct jw *w)
{
	before_value(w);
	fputs("null", w->f);
}

/* ---- dive's document ---- */

const char *export_layer_id(const struct image_model *m, size_t i, char *buf, size_t n)
{
	const struct layer_info *info = m->image && i < m->image->n_layers ? &m->image->layers[i] : NULL;
	const char *name = info ? info->blob_name : NULL;
	/* dive: strings.Split(tarPath, "/")[0] — the directory of "ID/layer.tar". */
	if (name && m->image->transport && !strcmp(m->image->transport, "docker-archive")) {
		const char *slash = strchr(name, '/');
		snprintf(buf, n, "%.*s", (int)(slash ? (size_t)(slash - name) : strlen(name)), name);
		return buf;
	}
	const char *d = info && info->digest ? info->digest : m->layers[i]->stored_digest;
	const char *colon = strchr(d, ':');
	snprintf(buf, n, "%s", colon ? colon + 1 : d);
	return buf;
}

static void write_file_info(struct jw *w, const struct dive_tree_item *it)
{
	const struct layer_entry *e = it->entry;
	jw_begin_object(w);
	jw_key(w, "path");
	jw_string(w, e ? it->path : "");
	jw_key(w, "typeFlag");
	jw_uint(w, e ? (it->whiteout ? '0' : e->tar_type) : 0);
	jw_key(w, "linkName");
	jw_string(w, e && e->link && !it->whiteout ? e->link : "");
	jw_key(w, "size");
	jw_uint(w, e ? e->size : 0);
	jw_key(w, "fileMode");
	jw_uint(w, e ? dive_file_mode(e) : 0);
	jw_key(w, "uid");
	jw_uint(w, e ? e->uid : 0);
	jw_key(w, "gid");
	jw_uint(w, e ? e->gid : 0);
	jw_key(w, "isDir");
	jw_bool(w, e && e->type == ENTRY_DIR);
	jw_end_object(w);
}

static int write_layers(struct jw *w, const struct image_model *m, const struct dive_analysis *d,
			ls_error *err)
{
	char id[256];
	jw_key(w, "layer");
	jw_begin_array(w);
	for (size_t i = 0; i < m->n_layers; i++) {
		struct arena a;
		struct dive_tree_item *items = NULL;
		size_t n = 0;
		arena_init(&a);
		if (dive_layer_tree(m, i, &a, &items, &n, err) < 0) {
			arena_release(&a);
			return -1;
		}
		jw_begin_object(w);
		jw_key(w, "index");
		jw_uint(w, i);
		jw_key(w, "id");
		jw_string(w, export_layer_id(m, i, id, sizeof(id)));
		jw_key(w, "digestId");
		jw_string(w, m->layers[i]->diff_id);
		jw_key(w, "sizeBytes");
		jw_uint(w, d->layer_bytes[i]);
		jw_key(w, "command");
		jw_string(w, layer_command(m, i));
		jw_key(w, "fileList");
		jw_begin_array(w);
		for (size_t k = 0; k < n; k++)
			write_file_info(w, &items[k]);
		jw_end_array(w);
		jw_end_object(w);
		free(items);
		arena_release(&a);
	}
	jw_end_array(w);
	return 0;
}

static void write_image(struct jw *w, const struct dive_analysis *d)
{
	jw_key(w, "image");
	jw_begin_object(w);
	jw_key(w, "sizeBytes");
	jw_uint(w, d->size_bytes);
	jw_key(w, "inefficientBytes");
	jw_uint(w, d->wasted_bytes);
	jw_key(w, "efficiencyScore");
	jw_float(w, d->efficiency);
	jw_key(w, "fileReference");
	jw_begin_array(w);
	for (size_t i = 0; i < d->n_refs; i++) {
		jw_begin_object(w);
		jw_key(w, "count");
		jw_uint(w, d->refs[i].count);
		jw_key(w, "sizeBytes");
		jw_uint(w, d->refs[i].size_bytes);
		jw_key(w, "file");
		jw_string(w, d->refs[i].path);
		jw_end_object(w);
	}
	jw_end_array(w);
	jw_end_object(w);
}

/* ---- layerscope's object ---- */

static void write_layer_ref(struct jw *w, const struct image_model *m, const char *key, uint32_t layer)
{
	jw_key(w, key);
	jw_begin_object(w);
	jw_key(w, "layer");
	jw_uint(w, layer);
	jw_key(w, "command");
	jw_string(w, layer_command(m, layer));
	jw_end_object(w);
}

static void write_path(struct jw *w, const struct image_model *m, uint32_t node)
{
	char buf[4096];
	char *p;
	model_path(m, node, buf, sizeof(buf));
	p = xasprintf("/%s", buf);
	jw_string(w, p);
	free(p);
}

static void write_layerscope(struct jw *w, const struct image_model *m, const struct dive_analysis *d,
			     const struct waste_report *r, const struct export_options *o)
{
	size_t n;
	jw_key(w, "layerscope");
	jw_begin_object(w);
	jw_key(w, "userWastedPercent");
	jw_float(w, d->user_wasted_percent);
	jw_key(w, "userSizeBytes");
	jw_uint(w, d->user_size_bytes);
	jw_key(w, "diveAbortedLayers");
	jw_uint(w, d->aborted_layers);
	jw_key(w, "storedFileBytes");
	jw_uint(w, r->stored_file_bytes);
	jw_key(w, "visibleFileBytes");
	jw_uint(w, r->visible_file_bytes);
	jw_key(w, "reclaimableBytes");
	jw_uint(w, r->reclaimable_bytes);
	jw_key(w, "reclaimableFiles");
	jw_uint(w, r->reclaimable_files);
	jw_key(w, "reclaimableByKind");
	jw_begin_object(w);
	for (int k = 0; k < HIDE_KINDS; k++) {
		jw_key(w, hide_kind_name((enum hide_kind)k));
		jw_uint(w, r->by_kind[k]);
	}
	jw_end_object(w);
	jw_key(w, "duplicateBytes");
	jw_uint(w, r->duplicate_bytes);
	jw_key(w, "duplicateFiles");
	jw_uint(w, r->duplicate_files);

	jw_key(w, "attribution");
	jw_begin_array(w);
	for (size_t g = 0; g < r->n_groups; g++) {
		const struct waste_group *wg = &r->groups[g];
		const struct hidden_file *ex = &r->hidden[wg->example];
		jw_begin_object(w);
		jw_key(w, "kind");
		jw_string(w, hide_kind_name((enum hide_kind)wg->kind));
		jw_key(w, "bytes");
		jw_uint(w, wg->bytes);
		jw_key(w, "files");
		jw_uint(w, wg->files);
		write_layer_ref(w, m, "addedBy", wg->added);
		write_layer_ref(w, m, "removedBy", wg->removed);
		jw_key(w, "example");
		write_path(w, m, m->layers[ex->layer]->entries[ex->entry].node);
		jw_end_object(w);
	}
	jw_end_array(w);

	n = o->max_files && o->max_files < r->n_hidden ? o->max_files : r->n_hidden;
	jw_key(w, "reclaimable");
	jw_begin_array(w);
	for (size_t i = 0; i < n; i++) {
		const struct hidden_file *h = &r->hidden[i];
		jw_begin_object(w);
		jw_key(w, "path");
		write_path(w, m, m->layers[h->layer]->entries[h->entry].node);
		jw_key(w, "sizeBytes");
		jw_uint(w, h->size);
		jw_key(w, "kind");
		jw_string(w, hide_kind_name((enum hide_kind)h->kind));
		jw_key(w, "addedBy");
		jw_uint(w, h->layer);
		jw_key(w, "removedBy");
		jw_uint(w, h->by_layer);
		jw_end_object(w);
	}
	jw_end_array(w);
	jw_key(w, "reclaimableListed");
	jw_uint(w, n);

	n = o->max_dups && o->max_dups < r->n_dups ? o->max_dups : r->n_dups;
	jw_key(w, "duplicates");
	jw_begin_array(w);
	for (size_t i = 0; i < n; i++) {
		const struct dup_group *g = &r->dups[i];
		jw_begin_object(w);
		jw_key(w, "sizeBytes");
		jw_uint(w, g->size);
		jw_key(w, "copies");
		jw_uint(w, g->copies);
		jw_key(w, "savedBytes");
		jw_uint(w, g->saved);
		jw_key(w, "paths");
		jw_begin_array(w);
		for (uint32_t k = 0; k < g->copies; k++)
			write_path(w, m, r->dup_nodes[g->first + k]);
		jw_end_array(w);
		jw_end_object(w);
	}
	jw_end_array(w);

	jw_key(w, "advice");
	jw_begin_array(w);
	for (size_t i = 0; i < r->n_advice; i++) {
		jw_begin_object(w);
		jw_key(w, "kind");
		jw_string(w, advice_kind_name(r->advice[i].kind));
		jw_key(w, "bytes");
		jw_uint(w, r->advice[i].bytes);
		jw_key(w, "estimate");
		jw_bool(w, r->advice[i].estimate);
		jw_key(w, "text");
		jw_string(w, r->advice[i].text);
		jw_end_object(w);
	}
	jw_end_array(w);
	jw_end_object(w);
}

int export_json(FILE *out, const struct image_model *m, const struct dive_analysis *d,
		const struct waste_report *w, const struct export_options *o, ls_error *err)
{
	struct jw j;
	jw_init(&j, out);
	jw_begin_object(&j);
	if (write_layers(&j, m, d, err) < 0)
		return -1;
	write_image(&j, d);
	if (!o->dive_only && w)
		write_layerscope(&j, m, d, w, o);
	jw_end_object(&j);
	if (ferror(out))
		return ls_fail(err, "write error");
	return 0;
}
