/* A POSIX-sh word parse of a RUN instruction's script, enough for lint rules: quoting
 * (single, double, backslash), $(...), ${...}, $((...)) and backticks kept inside their word,
 * comments, redirections dropped from argv, reserved words (if/then/do/...) skipped, leading
 * VAR=value assignments kept apart, and the script split into simple commands at `&&`, `||`,
 * `;`, `|`, `&`, newlines and ( ) { } groups. Commands inside $(...) and backticks are parsed
 * too and listed after the command that holds them (as hadolint sees every command in the
 * ShellCheck AST).
 *
 * Flags follow hadolint's reading: "-abc" is the short flags a, b, c; "--name=value" is the
 * flag "name"; "-" and "--" are not flags. */
#ifndef LS_LINT_SHELLCMD_H
#define LS_LINT_SHELLCMD_H

#include <stdbool.h>
#include <stddef.h>

#include "util/mem.h"

enum shell_op {
	SHELL_OP_NONE = 0, /* first command, or after a newline / group boundary */
	SHELL_OP_AND,      /* && */
	SHELL_OP_OR,       /* || */
	SHELL_OP_SEQ,      /* ; or newline */
	SHELL_OP_PIPE,     /* | (also |&) */
	SHELL_OP_BG,       /* & */
};

struct shell_cmd {
	char **argv; /* words with quotes removed; argv[0] is the command name */
	size_t argc;
	char **assigns; /* "NAME=value" words before the command name */
	size_t n_assigns;
	enum shell_op op_before; /* operator joining the previous command to this one */
	enum shell_op op_after;  /* operator joining this command to the next one */
	bool pipefail;  /* `set -o pipefail` was run earlier in this script */
	bool nested;    /* found inside $(...) or backticks */
	int line;       /* 0-based line inside the script of the command's first word */
};

struct shell_script {
	struct shell_cmd *cmds;
	size_t n_cmds, cap_cmds;
	bool has_pipe;     /* some command is joined to the next with | */
	bool sets_pipefail; /* some `set` turns pipefail on */
	struct arena arena; /* owns every string */
};

/* Parse `text` (never fails: unterminated quotes run to the end). Release with
 * shell_script_release(). */
void shell_parse(const char *text, struct shell_script *out);
void shell_script_release(struct shell_script *s);

/* Is this `set` command turning pipefail on (set -o pipefail, set -euo pipefail, ...)? */
bool shell_cmd_sets_pipefail(const struct shell_cmd *c);

/* argv[0] == name (when name is not NULL) and, when sub is not NULL, sub is among the
 * non-flag arguments (e.g. cmd_is(c, "apt-get", "install")). */
bool cmd_is(const struct shell_cmd *c, const char *name, const char *sub);
/* Has any argument equal to `arg` (flags included). */
bool cmd_has_arg(const struct shell_cmd *c, const char *arg);
/* Has an argument starting with `prefix`. */
bool cmd_has_arg_prefix(const struct shell_cmd *c, const char *prefix);

/* Flags: pass them as written ("-y", "--yes"); the list ends with NULL. A short flag matches
 * inside combined flags ("-qy" has "-y"); a long one matches "--name" and "--name=value". */
bool cmd_has_flag_v(const struct shell_cmd *c, const char *const *flags);
#define cmd_has_flag(c, ...) cmd_has_flag_v((c), (const char *const[]){__VA_ARGS__, NULL})
/* The value of a flag: "--name=value", "--name value", "-n value" or "-nvalue"; NULL when
 * absent (or when the flag has no value). */
const char *cmd_flag_value_v(const struct shell_cmd *c, const char *const *flags);
#define cmd_flag_value(c, ...) cmd_flag_value_v((c), (const char *const[]){__VA_ARGS__, NULL})

/* Is argv[i] a flag word ("-x", "--x", "--x=y"; not "-" or "--")? */
bool shell_word_is_flag(const char *w);

/* The non-flag arguments after argv[0] (argv indexes into c->argv, in order). Flags listed in
 * `value_flags` (as written, NULL-terminated, may be NULL) take the next word as their value
 * unless written "--flag=value", and that value is skipped too. Returns the count; *idx is
 * malloc'd (free it). */
size_t cmd_args_no_flags(const struct shell_cmd *c, const char *const *value_flags, size_t **idx);

/* Package-style arguments: the non-flag arguments after the first occurrence of `sub`
 * (e.g. "install"), with value flags skipped as above. Returns the count; *idx malloc'd. */
size_t cmd_args_after(const struct shell_cmd *c, const char *sub, const char *const *value_flags,
		      size_t **idx);

#endif
