/* `analyze --json`: dive's export document, byte for byte as dive writes it (Go's
 * encoding/json with two-space indentation, HTML-safe escaping, shortest floats), plus a
 * top-level "layerscope" object with our own figures. */
#ifndef LS_EXPORT_H
#define LS_EXPORT_H

#include <stdio.h>

#include "analysis/efficiency.h"
#include "analysis/waste.h"
#include "layer/model.h"

struct export_options {
	size_t max_files;  /* reclaimable files listed in "layerscope" (0 = all) */
	size_t max_dups;   /* duplicate groups listed (0 = all) */
	bool dive_only;    /* leave the "layerscope" object out */
};

int export_json(FILE *out, const struct image_model *m, const struct dive_analysis *d,
		const struct waste_report *w, const struct export_options *o, ls_error *err);

/* dive's layer id: the blob's directory in a docker save, else the digest's hex. */
const char *export_layer_id(const struct image_model *m, size_t i, char *buf, size_t n);

/* A streaming JSON writer with Go's formatting (used by the ci verb's JSON too). */
struct jw {
	FILE *f;
	int depth;
	bool first[64];
	bool after_key;
};

void jw_init(struct jw *w, FILE *f);
void jw_begin_object(struct jw *w);
void jw_end_object(struct jw *w);
void jw_begin_array(struct jw *w);
void jw_end_array(struct jw *w);
void jw_key(struct jw *w, const char *key);
void jw_string(struct jw *w, const char *s);
void jw_uint(struct jw *w, uint64_t v);
void jw_int(struct jw *w, int64_t v);
void jw_float(struct jw *w, double v); /* null for NaN and infinities */
void jw_bool(struct jw *w, bool v);
void jw_null(struct jw *w);

#endif
