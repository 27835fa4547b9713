/* Internal to the hadolint rule files (rules_hadolint*.c): the per-instruction view every
 * rule set shares — ONBUILD unwrapped, the stage and the stage it inherits from, the RUN
 * script parsed once, and whether the shell in effect is POSIX (SHELL, "# hadolint shell="). */
#ifndef LS_LINT_RULES_HADOLINT_H
#define LS_LINT_RULES_HADOLINT_H

#include <stdbool.h>
#include <stddef.h>

#include "lint/dockerfile.h"
#include "lint/lint.h"
#include "lint/shellcmd.h"

struct hl_ins {
	const struct df_instruction *in;  /* as written */
	const struct df_instruction *eff; /* ONBUILD's inner instruction, else in */
	bool onbuild;
	int stage; /* -1 before the first FROM */
	/* RUN only: */
	char *script;            /* shell-form script text (heredoc bodies included), else NULL */
	struct shell_script *sh; /* parsed script when the shell is POSIX, else NULL */
	char *shell;             /* the shell in effect ("/bin/sh -c" by default) */
	bool posix;              /* the shell in effect is POSIX (not pwsh / powershell / cmd) */
};

struct hl_stage {
	int parent;    /* index of the earlier stage this FROM names, -1 when none */
	bool used;     /* the last stage, or some later FROM builds on it */
	int first, end; /* instruction range [first, end) in hl.ins, the FROM included */
};

struct hl {
	struct lint_ctx *ctx;
	const struct dockerfile *df;
	struct hl_ins *ins;
	size_t n;
	struct hl_stage *stages;
	size_t n_stages;
};

/* Build the shared view of ctx->df (also used by rules_layerscope.c); release it after. */
void hl_init(struct hl *h, struct lint_ctx *ctx);
void hl_release(struct hl *h);

/* Helpers (rules_hadolint.c). */
bool hl_streq_nocase(const char *a, const char *b);
/* The stage named `name` (case-insensitive) defined before instruction index `before`, or a
 * decimal stage index smaller than the current stage count; -1 when none. */
int hl_stage_by_name(const struct hl *h, const char *name, size_t before);
/* Strip one pair of surrounding quotes ("x" or 'x'); returns a malloc'd copy. */
char *hl_unquote(const char *s);
/* Is `var` (ARG or ENV) declared in `stage` or a stage it inherits from, before instruction
 * index `before` (global ARGs before the first FROM count too)? */
bool hl_var_declared(const struct hl *h, int stage, size_t before, const char *var);
/* The value of ENV `var` visible at instruction `before` in `stage` (inherited stages
 * included), or NULL. */
const char *hl_env_value(const struct hl *h, int stage, size_t before, const char *var);
/* Does the path end in an archive extension hadolint knows (.tar, .gz, .tgz, ...)? */
bool hl_is_archive(const char *path);
/* Does the RUN have a --mount=type=cache|tmpfs whose target is `target`? */
bool hl_run_mounts(const struct df_instruction *in, const char *target);
/* Every simple command of a RUN, or none when shell analysis is off. */
#define hl_for_cmds(r, c) \
	for (const struct shell_cmd *c = (r)->sh ? (r)->sh->cmds : NULL; \
	     (r)->sh && c < (r)->sh->cmds + (r)->sh->n_cmds; c++)
/* The line to report a finding on. */
static inline int hl_line(const struct hl_ins *r)
{
	return r->in->line_start;
}

/* Rule groups, one per file. */
void hl_rules_from(struct hl *h);   /* rules_hadolint_from.c: FROM, stages, USER, misc */
void hl_rules_run(struct hl *h);    /* rules_hadolint_run.c: RUN, apt-get, shell use */
void hl_rules_pkg(struct hl *h);    /* rules_hadolint_pkg.c: apk, pip, npm, gem, yum, ... */
void hl_rules_copy(struct hl *h);   /* rules_hadolint_copy.c: COPY/ADD, WORKDIR, ENV, ... */
void hl_rules_labels(struct hl *h); /* rules_hadolint_labels.c: LABEL and label-schema */
void hl_rules_shellcheck(struct hl *h); /* rules_hadolint_shellcheck.c: SC codes */

#endif
