/* The rule registry: every rule set runs over the same context, then findings are ordered by
 * position (stable, so a rule's own order is kept on one line). */
#include <stdlib.h>

#include "lint/lint.h"

#ifndef LS_HAVE_RULES_HADOLINT
void rules_hadolint(struct lint_ctx *ctx)
{
	(void)ctx; /* rules_hadolint*.c not in this build yet */
}
#endif

#ifndef LS_HAVE_RULES_LAYERSCOPE
void rules_layerscope(struct lint_ctx *ctx)
{
	(void)ctx; /* rules_layerscope.c not in this build yet */
}
#endif

static void (*const rule_sets[])(struct lint_ctx *) = {
	rules_buildkit,
	rules_hadolint,
	rules_layerscope,
};

static void sort_findings(struct lint_ctx *ctx)
{
	/* insertion sort: stable, and lists are short */
	for (size_t i = 1; i < ctx->n_findings; i++) {
		struct lint_finding f = ctx->findings[i];
		size_t j = i;
		while (j > 0 && (ctx->findings[j - 1].line > f.line ||
				 (ctx->findings[j - 1].line == f.line &&
				  ctx->findings[j - 1].column > f.column))) {
			ctx->findings[j] = ctx->findings[j - 1];
			j--;
		}
		ctx->findings[j] = f;
	}
}

void lint_run(struct lint_ctx *ctx)
{
	for (size_t i = 0; i < sizeof(rule_sets) / sizeof(*rule_sets); i++)
		rule_sets[i](ctx);
	sort_findings(ctx);
}
