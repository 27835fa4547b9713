/* API READY */
/* The lint framework: findings, configuration (.hadolint.yaml and friends), the context a rule
 * set receives, and the rule registry.
 *
 * A rule set is a function `void rules_NAME(struct lint_ctx *ctx)` that walks ctx->df and calls
 * lint_report() for each problem. lint_report() applies the configuration (ignored codes,
 * severity overrides) and the "# hadolint ignore=" / "# layerscope ignore=" pragmas, so rules
 * never look at those themselves. Registered sets (src/lib/lint/rules.c): rules_buildkit()
 * (rules_buildkit.c), rules_hadolint() (rules_hadolint*.c), rules_layerscope()
 * (rules_layerscope.c). */
#ifndef LS_LINT_LINT_H
#define LS_LINT_LINT_H

#include <stdbool.h>
#include <stddef.h>

#include "lint/dockerfile.h"
#include "util/error.h"

/* Most severe first; LINT_NONE is only a threshold ("never fail") or an override that
 * silences a rule. */
enum lint_level {
	LINT_ERROR = 0,
	LINT_WARNING,
	LINT_INFO,
	LINT_STYLE,
	LINT_NONE,
};

struct lint_finding {
	const char *code; /* "DL3008", "SC2086", "StageNameCasing", "LS1001" (owned by the ctx) */
	enum lint_level level;
	int line, column; /* 1-based; column 1 unless a rule knows better */
	char *message;
	const char *file;
};

struct lint_level_override {
	char *code;
	enum lint_level level;
};

/* label-schema: label name -> type ("text", "url", "spdx", "rfc3339", "hash", "semver",
 * "email"), as hadolint's config. */
struct lint_label_rule {
	char *name;
	char *type;
};

struct lint_config {
	char **ignored; /* codes never reported */
	size_t n_ignored;
	struct lint_level_override *overrides; /* later entries win */
	size_t n_overrides;
	char **trusted_registries; /* DL3026; empty = rule off */
	size_t n_trusted_registries;
	struct lint_label_rule *label_schema; /* DL3049-DL3058; empty = rules off */
	size_t n_label_schema;
	bool strict_labels;        /* DL3050 */
	bool disable_ignore_pragma; /* hadolint's disable-ignore-pragma */
	enum lint_level failure_threshold; /* default LINT_INFO as hadolint */
	bool no_fail;
	char *context_dir; /* build context for LS rules (.dockerignore); NULL = Dockerfile's dir */
	bool shellcheck;   /* run ShellCheck when installed (default true) */
	char *buildkit_check; /* BUILDKIT_DOCKERFILE_CHECK value; replaces "# check=" when set */
};

void lint_config_init(struct lint_config *cfg);
void lint_config_release(struct lint_config *cfg);
/* Merge a YAML config file (hadolint's keys) into cfg. */
int lint_config_load_file(struct lint_config *cfg, const char *path, ls_error *err);
/* Find the config file as hadolint does, ours first (./.layerscope.yaml, ./.layerscope.yml,
 * ./.hadolint.yaml, ./.hadolint.yml, $XDG_CONFIG_HOME/hadolint.yaml, ~/.config/hadolint.yaml,
 * ~/.hadolint/hadolint.yaml, ...); returns a malloc'd path or NULL. */
char *lint_config_find(void);
/* Apply the HADOLINT_* environment variables (see docs/lint.md). */
int lint_config_from_env(struct lint_config *cfg, ls_error *err);
bool lint_config_is_ignored(const struct lint_config *cfg, const char *code);
int lint_level_parse(const char *s, enum lint_level *out); /* "error".."style", "none" */
const char *lint_level_name(enum lint_level level);        /* "error", ..., "none" */

struct lint_ctx {
	const struct dockerfile *df;
	const struct lint_config *config;
	const char *file;        /* name to print ("-" for stdin is shown as "-") */
	const char *context_dir; /* directory of the build context (never NULL) */
	struct lint_finding *findings;
	size_t n_findings, cap_findings;
	/* private: pragma state built by lint_ctx_init */
	struct lint_pragma *pragmas;
	size_t n_pragmas;
	char **global_ignored;
	size_t n_global_ignored;
	char **codes; /* interned codes */
	size_t n_codes, cap_codes;
};

void lint_ctx_init(struct lint_ctx *ctx, const struct dockerfile *df,
		   const struct lint_config *config, const char *file, const char *context_dir);
void lint_ctx_release(struct lint_ctx *ctx);

/* Report a finding at `line` (column 1). The level is the rule's default; config overrides
 * and ignores, and ignore pragmas (on the line just above the instruction that contains
 * `line`, or global), are applied here. */
void lint_report(struct lint_ctx *ctx, const char *code, enum lint_level level, int line,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void lint_report_at(struct lint_ctx *ctx, const char *code, enum lint_level level, int line,
		    int column, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Rule sets (rules.c calls each in this order, then sorts findings by line, column). */
void rules_buildkit(struct lint_ctx *ctx);
void rules_hadolint(struct lint_ctx *ctx);
void rules_layerscope(struct lint_ctx *ctx);
void lint_run(struct lint_ctx *ctx);

/* True when a finding reaches the threshold (error is the most severe). */
bool lint_level_reaches(enum lint_level level, enum lint_level threshold);

#endif
