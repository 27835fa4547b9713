/* Findings and the context rules report into: configuration ignores and severity overrides,
 * and the "# hadolint ignore=" / "# layerscope ignore=" pragmas, applied in one place. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lint/lint.h"
#include "util/mem.h"

struct lint_pragma {
	int line_start, line_end; /* findings in these lines are affected */
	char **codes;
	size_t n_codes;
};

static const char *level_names[] = {"error", "warning", "info", "style", "none"};

const char *lint_level_name(enum lint_level level)
{
	return (unsigned)level <= LINT_NONE ? level_names[level] : "none";
}

int lint_level_parse(const char *s, enum lint_level *out)
{
	for (int i = 0; i <= LINT_NONE; i++) {
		if (!strcasecmp(s, level_names[i])) {
			*out = (enum lint_level)i;
			return 0;
		}
	}
	if (!strcasecmp(s, "ignore")) { /* hadolint accepts it as an override target */
		*out = LINT_NONE;
		return 0;
	}
	return -1;
}

bool lint_level_reaches(enum lint_level level, enum lint_level threshold)
{
	return threshold != LINT_NONE && level != LINT_NONE && level <= threshold;
}

static bool strv_has(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

bool lint_config_is_ignored(const struct lint_config *cfg, const char *code)
{
	return cfg && strv_has(cfg->ignored, cfg->n_ignored, code);
}

/* Parse "hadolint ignore=A,B" / "layerscope global ignore=A" (comment text after '#').
 * Returns the codes (NULL if not a pragma) and whether it is global. */
static char **parse_pragma(const char *text, size_t *n, bool *global)
{
	const char *s = text;
	while (isspace((unsigned char)*s))
		s++;
	if (!strncmp(s, "hadolint", 8))
		s += 8;
	else if (!strncmp(s, "layerscope", 10))
		s += 10;
	else
		return NULL;
	if (!isspace((unsigned char)*s))
		return NULL;
	while (isspace((unsigned char)*s))
		s++;
	*global = false;
	if (!strncmp(s, "global", 6) && isspace((unsigned char)s[6])) {
		*global = true;
		s += 6;
		while (isspace((unsigned char)*s))
			s++;
	}
	if (strncmp(s, "ignore", 6))
		return NULL;
	s += 6;
	while (isspace((unsigned char)*s))
		s++;
	if (*s != '=')
		return NULL;
	s++;
	char **codes = NULL;
	size_t cap = 0;
	*n = 0;
	for (;;) {
		while (isspace((unsigned char)*s) || *s == ',')
			s++;
		const char *e = s;
		while (*e && (isalnum((unsigned char)*e) || *e == '_' || *e == '-'))
			e++;
		if (e == s)
			break;
		codes = xgrow(codes, &cap, *n + 1, sizeof(*codes));
		codes[(*n)++] = xstrndup(s, (size_t)(e - s));
		s = e;
	}
	return codes;
}

static const struct df_instruction *instruction_starting_at(const struct dockerfile *df, int line)
{
	for (size_t i = 0; i < df->n_ins; i++)
		if (df->ins[i].line_start == line)
			return &df->ins[i];
	return NULL;
}

static void collect_pragmas(struct lint_ctx *ctx)
{
	const struct dockerfile *df = ctx->df;
	size_t cap = 0, gcap = 0;
	if (ctx->config && ctx->config->disable_ignore_pragma)
		return;
	for (size_t i = 0; df && i < df->n_comments; i++) {
		size_t n = 0;
		bool global = false;
		char **codes = parse_pragma(df->comments[i].text, &n, &global);
		if (!codes)
			continue;
		if (global) {
			for (size_t k = 0; k < n; k++) {
				ctx->global_ignored = xgrow(ctx->global_ignored, &gcap,
							    ctx->n_global_ignored + 1,
							    sizeof(*ctx->global_ignored));
				ctx->global_ignored[ctx->n_global_ignored++] = codes[k];
			}
			free(codes);
			continue;
		}
		/* As hadolint: the pragma covers the line below it; we extend that to the whole
		 * instruction starting there so multi-line instructions are covered. */
		int line = df->comments[i].line + 1;
		const struct df_instruction *in = instruction_starting_at(df, line);
		ctx->pragmas = xgrow(ctx->pragmas, &cap, ctx->n_pragmas + 1, sizeof(*ctx->pragmas));
		ctx->pragmas[ctx->n_pragmas++] = (struct lint_pragma){
			line, in ? in->line_end : line, codes, n};
	}
}

void lint_ctx_init(struct lint_ctx *ctx, const struct dockerfile *df,
		   const struct lint_config *config, const char *file, const char *context_dir)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->df = df;
	ctx->config = config;
	ctx->file = file ? file : "Dockerfile";
	ctx->context_dir = context_dir ? context_dir : ".";
	collect_pragmas(ctx);
}

void lint_ctx_release(struct lint_ctx *ctx)
{
	for (size_t i = 0; i < ctx->n_findings; i++)
		free(ctx->findings[i].message);
	free(ctx->findings);
	for (size_t i = 0; i < ctx->n_pragmas; i++) {
		for (size_t k = 0; k < ctx->pragmas[i].n_codes; k++)
			free(ctx->pragmas[i].codes[k]);
		free(ctx->pragmas[i].codes);
	}
	free(ctx->pragmas);
	for (size_t i = 0; i < ctx->n_global_ignored; i++)
		free(ctx->global_ignored[i]);
	free(ctx->global_ignored);
	for (size_t i = 0; i < ctx->n_codes; i++)
		free(ctx->codes[i]);
	free(ctx->codes);
	memset(ctx, 0, sizeof(*ctx));
}

static bool pragma_ignores(const struct lint_ctx *ctx, const char *code, int line)
{
	if (strv_has(ctx->global_ignored, ctx->n_global_ignored, code))
		return true;
	for (size_t i = 0; i < ctx->n_pragmas; i++) {
		const struct lint_pragma *p = &ctx->pragmas[i];
		if (line >= p->line_start && line <= p->line_end && strv_has(p->codes, p->n_codes, code))
			return true;
	}
	return false;
}

static const char *intern(struct lint_ctx *ctx, const char *code)
{
	for (size_t i = 0; i < ctx->n_codes; i++)
		if (!strcmp(ctx->codes[i], code))
			return ctx->codes[i];
	ctx->codes = xgrow(ctx->codes, &ctx->cap_codes, ctx->n_codes + 1, sizeof(*ctx->codes));
	ctx->codes[ctx->n_codes] = xstrdup(code);
	return ctx->codes[ctx->n_codes++];
}

static void report_v(struct lint_ctx *ctx, const char *code, enum lint_level level, int line,
		     int column, const char *fmt, va_list ap)
{
	const struct lint_config *cfg = ctx->config;
	if (lint_config_is_ignored(cfg, code) || pragma_ignores(ctx, code, line))
		return;
	for (size_t i = 0; cfg && i < cfg->n_overrides; i++)
		if (!strcmp(cfg->overrides[i].code, code))
			level = cfg->overrides[i].level;
	if (level == LINT_NONE)
		return;
	char *msg;
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	ctx->findings = xgrow(ctx->findings, &ctx->cap_findings, ctx->n_findings + 1,
			      sizeof(*ctx->findings));
	ctx->findings[ctx->n_findings++] = (struct lint_finding){
		intern(ctx, code), level, line, column > 0 ? column : 1, msg, ctx->file};
}

void lint_report(struct lint_ctx *ctx, const char *code, enum lint_level level, int line,
		 const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report_v(ctx, code, level, line, 1, fmt, ap);
	va_end(ap);
}

void lint_report_at(struct lint_ctx *ctx, const char *code, enum lint_level level, int line,
		    int column, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report_v(ctx, code, level, line, column, fmt, ap);
	va_end(ap);
}
