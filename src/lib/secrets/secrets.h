/* Secrets left in an image: every regular file of every layer — also files a later layer
 * deletes or overwrites, which are still in the image for anyone who pulls it — is matched
 * against a set of rules with Hyperscan (Vectorscan) in streaming mode, as the layers stream.
 * Matched text is never kept in full: the first 4 characters, then a mask. */
#ifndef LS_SECRETS_H
#define LS_SECRETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "layer/model.h"
#include "util/error.h"

struct secret_rule {
	const char *id;       /* "github-pat" */
	const char *title;    /* "GitHub personal access token" */
	const char *severity; /* CRITICAL, HIGH, MEDIUM, LOW */
	const char *regex;    /* Hyperscan syntax (PCRE subset) */
	unsigned flags;       /* SECRET_CASELESS, SECRET_MULTILINE */
	const char *only_in;  /* only in files whose name starts with this ("\.env"), or NULL */
};

#define SECRET_CASELESS 1u
#define SECRET_MULTILINE 2u

/* The built-in rules (NULL-terminated by id). */
extern const struct secret_rule secret_builtin_rules[];

struct secret_finding {
	const struct secret_rule *rule;
	size_t layer;       /* the layer whose tar holds the file */
	char *path;         /* "root/.ssh/id_rsa" */
	int line;           /* 1-based line of the match start */
	char masked[32];    /* first 4 characters, then '*' */
	bool in_final;      /* the same file is what a container sees */
	int removed_in;     /* the layer that deleted or replaced it, or -1 */
};

struct secret_scanner;

struct secret_options {
	bool binaries; /* scan files that look binary (a NUL in the first 8 KiB) too */
	const struct secret_rule *extra; /* more rules (from a config file), or NULL */
	size_t n_extra;
	const char **disabled; /* rule ids to leave out */
	size_t n_disabled;
};

int secret_scanner_new(const struct secret_options *o, size_t n_layers,
		       struct secret_scanner **out, ls_error *err);
/* Hand this to layer_read_options.visitor before model_load. */
const struct content_visitor *secret_scanner_visitor(struct secret_scanner *s);
/* After model_load: the findings in layer and path order, with what became of each file. */
int secret_scanner_results(struct secret_scanner *s, const struct image_model *m,
			   struct secret_finding **out, size_t *n, ls_error *err);
void secret_findings_free(struct secret_finding *f, size_t n);
void secret_scanner_free(struct secret_scanner *s);

#endif
