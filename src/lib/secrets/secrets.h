/* Secrets left in an image: every regular file of every layer — also files a later layer
 * deletes or overwrites, which are still in the image for anyone who pulls it — is matched
 * against a set of rules with Hyperscan (Vectorscan) in streaming mode, as the layers stream.
 * Matched text is never kept in full: the first 4 characters, then a mask. Custom rules,
 * allow rules and rule selection come from a Trivy-shaped config (config.c). */
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
	const char *severity; /* CRITICAL, HIGH, MEDIUM, LOW (UNDEFINED for a custom rule without one) */
	const char *regex;    /* Hyperscan syntax (PCRE subset) */
	unsigned flags;       /* SECRET_CASELESS, SECRET_MULTILINE */
	const char *only_in;  /* only in files whose name starts with this ("\.env"), or NULL */
	/* Custom rules (Trivy's secret-config keys); NULL / 0 for the built-ins: */
	const char *category;
	const char *path;            /* only in files whose path (no leading '/') matches, or NULL */
	const char *const *keywords; /* only in files that contain one of them (any case) */
	size_t n_keywords;
};

/* A region or file where matches are not secrets (Trivy's allow-rules): a match that lies
 * inside a match of `regex`, or any match in a file whose path matches `path`. */
struct secret_allow_rule {
	const char *id;
	const char *description;
	const char *regex; /* or NULL */
	const char *path;  /* or NULL */
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

/* Rules from a config file in Trivy's secret-config shape (config.c). */
struct secret_config {
	struct secret_rule *rules; /* rules: */
	size_t n_rules;
	struct secret_allow_rule *allow; /* allow-rules: */
	size_t n_allow;
	const char **disabled; /* disable-rules: ids of built-in or custom rules */
	size_t n_disabled;
	const char **enabled_builtin; /* enable-builtin-rules: only these built-ins */
	size_t n_enabled_builtin;
	bool only_enabled_builtin; /* the key is present (an empty list: no built-in) */
	void *doc;                 /* the parsed document every string above points into */
};

/* Read FILE (as `--secret-config`: the document is the config). */
int secret_config_load(struct secret_config *c, const char *path, ls_error *err);
/* Read the `secrets:` section of a layerscope config file (./.layerscope.yaml); a file
 * without the key leaves c empty. */
int secret_config_load_section(struct secret_config *c, const char *path, ls_error *err);
void secret_config_release(struct secret_config *c);

struct secret_options {
	bool binaries; /* scan files that look binary (a NUL in the first 8 KiB) too */
	const struct secret_config *config; /* custom, allowed, disabled, enabled rules, or NULL */
	const char **disabled; /* rule ids to leave out (--skip-rule) */
	size_t n_disabled;
};

/* Compiles every rule (built-in, custom, allow regexes, keywords) with Vectorscan; a regex
 * it cannot compile fails with the rule's id and Vectorscan's message. */
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
