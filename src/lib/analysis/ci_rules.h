/* The CI gate: dive's three rules with dive's value syntax and defaults, layerscope's own
 * rules, the rules file (.dive-ci, YAML), evaluation and the three report formats.
 * A rule fails only when its limit is strictly crossed. See docs/ci.md. */
#ifndef LS_CI_RULES_H
#define LS_CI_RULES_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "analysis/efficiency.h"
#include "analysis/waste.h"
#include "layer/model.h"
#include "util/error.h"

enum ci_rule_id {
	RULE_LOWEST_EFFICIENCY,
	RULE_HIGHEST_WASTED_BYTES,
	RULE_HIGHEST_USER_WASTED_PERCENT,
	RULE_HIGHEST_RECLAIMABLE_BYTES,
	RULE_HIGHEST_IMAGE_SIZE,
	RULE_HIGHEST_LAYER_COUNT,
	RULE_FORBIDDEN_PATHS,
	RULE_COUNT
};

enum ci_value_kind { VALUE_RATIO, VALUE_BYTES, VALUE_COUNT, VALUE_GLOBS };

struct ci_rule {
	const char *name;     /* lowestEfficiency */
	const char *kebab;    /* lowest-efficiency */
	enum ci_value_kind kind;
	bool dive;            /* one of dive's rules: always evaluated */
	bool set;             /* configured (dive's rules always are, by their defaults) */
	bool disabled;
	char *config;         /* the value as written */
	double ratio;
	uint64_t limit;       /* bytes or a count */
	char **globs;
	size_t n_globs;
};

struct ci_config {
	struct ci_rule rules[RULE_COUNT];
};

void ci_config_init(struct ci_config *c); /* dive's defaults: 0.9, disabled, 0.1 */
void ci_config_release(struct ci_config *c);
/* The rule for a key in either spelling (lowestEfficiency, lowest-efficiency), or -1. */
int ci_rule_lookup(const char *key);
/* Set a rule from its value as written; `where` names the source for errors. */
int ci_config_set(struct ci_config *c, int rule, const char *value, const char *where,
		  ls_error *err);
/* Read a rules file: `rules:` mapping (both key spellings; forbiddenPaths a list). Unknown
 * keys are warnings (written to `warn`), a bad value an error naming key and value. */
int ci_config_load(struct ci_config *c, const char *path, FILE *warn, ls_error *err);

enum ci_status { CI_PASS, CI_FAIL, CI_WARN, CI_SKIP };

struct ci_result {
	int rule;
	enum ci_status status;
	char *message; /* dive's "(...)" text: the configured value when passing */
};

struct forbidden_hit {
	uint32_t layer, entry;
	size_t glob;
	bool visible;      /* still in the final filesystem */
	uint32_t hidden_by; /* the layer that deleted or replaced it, when not visible */
	uint8_t hide_kind;  /* enum hide_kind, when not visible */
};

struct ci_evaluation {
	struct ci_result results[RULE_COUNT]; /* sorted by rule name */
	size_t n_results;
	int pass, fail, warn, skip;
	bool ok;
	struct forbidden_hit *hits;
	size_t n_hits;
};

/* Does the configuration need layerscope's own figures (waste_analyze)? */
bool ci_needs_waste(const struct ci_config *c);
void ci_evaluate(const struct ci_config *c, const struct image_model *m,
		 const struct dive_analysis *d, const struct waste_report *w,
		 struct ci_evaluation *out);
void ci_evaluation_release(struct ci_evaluation *e);

/* dive v0.13's report: Analysis, Inefficient Files, Evaluation, the summary line. */
void ci_render_text(FILE *out, const struct dive_analysis *d, const struct ci_config *c,
		    const struct ci_evaluation *e);
void ci_render_json(FILE *out, const char *image, const struct image_model *m,
		    const struct dive_analysis *d, const struct waste_report *w,
		    const struct ci_config *c, const struct ci_evaluation *e);
void ci_render_junit(FILE *out, const char *image, const struct dive_analysis *d,
		     const struct ci_config *c, const struct ci_evaluation *e);

/* Glob over a path without the leading "/": "*" within a component, "**" any number of
 * components, "?" and "[...]"; a pattern without "/" matches the last component anywhere. */
bool ci_glob_match(const char *pattern, const char *path);

#endif
