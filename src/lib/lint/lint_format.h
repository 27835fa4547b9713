/* Printing lint findings in hadolint's output formats. */
#ifndef LS_LINT_FORMAT_H
#define LS_LINT_FORMAT_H

#include <stdbool.h>
#include <stdio.h>

#include "lint/lint.h"

enum lint_format {
	LINT_FORMAT_TTY = 0,
	LINT_FORMAT_JSON,
	LINT_FORMAT_SARIF,
	LINT_FORMAT_CHECKSTYLE,
	LINT_FORMAT_CODECLIMATE, /* "gitlab_codeclimate" */
	LINT_FORMAT_GNU,
};

/* "tty", "json", "sarif", "checkstyle", "gitlab_codeclimate" (or "codeclimate"), "gnu". */
int lint_format_parse(const char *s, enum lint_format *out);
/* Print findings (already ordered); files lists every linted file (checkstyle needs the ones
 * without findings too). */
void lint_print(FILE *out, enum lint_format format, const struct lint_finding *const *findings,
		size_t n, char *const *files, size_t n_files, bool color, const char *version);

#endif
