/* API READY */
/* The Dockerfile AST, parsed exactly as BuildKit's frontend/dockerfile/parser does it, plus
 * BuildKit's shell-word lexer (frontend/dockerfile/shell/lex.go) for variable expansion.
 *
 * Everything is owned by the struct dockerfile and freed by dockerfile_free(). Lines and
 * columns are 1-based. Instructions appear in file order; directives (# syntax= etc.) and
 * comments are not instructions. */
#ifndef LS_LINT_DOCKERFILE_H
#define LS_LINT_DOCKERFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util/error.h"

enum df_cmd {
	DF_UNKNOWN = 0, /* not a Dockerfile instruction (BuildKit's parser keeps it; builds fail) */
	DF_ADD,
	DF_ARG,
	DF_CMD,
	DF_COPY,
	DF_ENTRYPOINT,
	DF_ENV,
	DF_EXPOSE,
	DF_FROM,
	DF_HEALTHCHECK,
	DF_LABEL,
	DF_MAINTAINER,
	DF_ONBUILD,
	DF_RUN,
	DF_SHELL,
	DF_STOPSIGNAL,
	DF_USER,
	DF_VOLUME,
	DF_WORKDIR,
};

/* "--name=value" as written before the arguments; value NULL for a bare "--link". */
struct df_flag {
	char *name;  /* without the leading "--" */
	char *value; /* NULL when there was no '=' */
};

/* A heredoc attached to an instruction: RUN <<EOF ... EOF, COPY <<a.txt <<b.txt /dst/. */
struct df_heredoc {
	char *name;    /* the word after <<, quotes removed ("EOF") */
	char *content; /* the body lines, each ending in '\n'; tabs stripped when chomp */
	bool expand;   /* false when the name was quoted (<<"EOF" / <<'EOF'): no expansion */
	bool chomp;    /* <<-EOF */
	int fd;        /* 3 for 3<<EOF, 0 when no fd was written */
	int line;      /* line of the first body line */
};

/* ENV/LABEL pairs and ARG declarations. */
struct df_kv {
	char *key;
	char *value;     /* as written, quotes and escapes kept (BuildKit's AST); NULL for
	                  * "ARG name" without a default */
	char *unquoted;  /* value with quotes and escapes removed, no variable expansion;
	                  * NULL when value is NULL */
	bool legacy;     /* "ENV k v" / "LABEL k v" (no '=') */
};

struct df_instruction {
	enum df_cmd cmd;
	char *keyword;   /* as written: "run", "Run", "RUN" */
	int line_start;  /* line of the keyword */
	int line_end;    /* last line, heredoc bodies included */
	int column;      /* column of the keyword (1 unless indented) */
	char *original;  /* the full text as in BuildKit's Node.Original: the lines joined, escape
	                  * + newline removed (heredoc bodies not included) */
	char *args_text; /* the text after the keyword and the flags, continuations joined */
	bool json_form;  /* ["exec", "form"] was used (RUN/CMD/ENTRYPOINT/SHELL/COPY/ADD/VOLUME
	                  * and HEALTHCHECK CMD) */
	/* Arguments exactly as BuildKit's AST (the `result` dump):
	 *  - RUN/CMD/ENTRYPOINT shell form: one string (args_text); JSON form: the array items;
	 *  - ENV/LABEL: triples key, value, separator ("=" or "" for legacy) — use kvs instead;
	 *  - ARG: one "name" or "name=value" string per declaration (also see kvs);
	 *  - FROM: "image" [, "AS", "name"]; ONBUILD: none (see sub);
	 *  - HEALTHCHECK: "NONE" or "CMD" followed by the command as for CMD, or nothing;
	 *  - COPY/ADD/VOLUME/EXPOSE/USER/WORKDIR/...: whitespace-separated words (or JSON items). */
	char **args;
	size_t n_args;
	struct df_flag *flags;
	size_t n_flags;
	struct df_kv *kvs; /* ENV, LABEL and ARG (ARG: value NULL when there is no default) */
	size_t n_kvs;
	struct df_heredoc *heredocs;
	size_t n_heredocs;
	struct df_instruction *sub; /* ONBUILD's instruction (same line numbers), else NULL */
	int stage;                  /* index into dockerfile.stages, -1 before the first FROM */
};

struct df_stage {
	char *name;       /* "AS name" as written, NULL when unnamed */
	char *base_image; /* the FROM image as written (variables not expanded) */
	char *platform;   /* --platform value as written, NULL when absent */
	int instruction;  /* index of the FROM in dockerfile.ins */
	int line;
};

struct df_comment {
	int line;
	char *text; /* after '#', leading spaces kept as written, no newline */
};

/* Things the parser noticed that BuildKit reports as checks (e.g. "NoEmptyContinuation"). */
struct df_warning {
	const char *code; /* static string */
	int line;
	char *message;
};

struct dockerfile {
	char *filename;
	struct df_instruction *ins;
	size_t n_ins;
	struct df_stage *stages;
	size_t n_stages;
	/* Parser directives (top of file only, once each); NULL when absent. */
	char *syntax;
	char *check; /* raw "# check=" value, e.g. "skip=JSONArgsRecommended;error=true" */
	int check_line;
	char escape; /* '\\' unless "# escape=`" */
	struct df_comment *comments; /* every comment line, directives included */
	size_t n_comments;
	struct df_warning *warnings;
	size_t n_warnings;
	char **lines; /* the source split into lines (no newline); lines[0] is line 1 */
	size_t n_lines;
};

/* Parse; fails (-1, err filled with "line N: ...") as BuildKit does: unterminated heredoc,
 * bad directive, empty file without instructions, ... */
int dockerfile_parse(const char *text, size_t len, const char *filename, struct dockerfile **out,
		     ls_error *err);
/* As dockerfile_parse; with DF_PARSE_ALLOW_EMPTY a file without instructions (empty or only
 * comments) is an empty AST instead of an error (hadolint lints such files). */
enum { DF_PARSE_ALLOW_EMPTY = 1 };
int dockerfile_parse_ex(const char *text, size_t len, const char *filename, unsigned flags,
			struct dockerfile **out, ls_error *err);
void dockerfile_free(struct dockerfile *df);
/* The AST in BuildKit's test `result` format: one "(instruction [flags] "arg"...)" per line. */
void dockerfile_dump(const struct dockerfile *df, FILE *out);
/* "RUN" for DF_RUN; "" for DF_UNKNOWN. */
const char *df_cmd_name(enum df_cmd cmd);
/* The flag's value (or "" for a bare flag) when the instruction has --name, else NULL. */
const char *df_flag_get(const struct df_instruction *in, const char *name);

/* ---- BuildKit's shell lexer --------------------------------------------------------- */

struct shell_var {
	char *key;
	char *value;
};
/* Variables visible to expansion; later entries with the same key replace earlier ones. */
struct shell_env {
	struct shell_var *vars;
	size_t n, cap;
};
void shell_env_set(struct shell_env *env, const char *key, const char *value);
const char *shell_env_get(const struct shell_env *env, const char *key); /* NULL if unset */
void shell_env_release(struct shell_env *env);

/* Lexer options (BuildKit: SkipProcessQuotes / RawQuotes / RawEscapes / SkipUnsetEnv). */
enum {
	SHELL_RAW_QUOTES = 1,  /* keep the quote characters in the result */
	SHELL_RAW_ESCAPES = 2, /* keep the escape characters in the result */
	SHELL_SKIP_UNSET = 4,  /* leave $VAR as written when VAR is unset */
	SHELL_NO_EXPAND = 8,   /* do not expand variables at all (only unquote) */
};

/* Expand one word as BuildKit's ProcessWord: quotes removed, $V ${V} ${V:-d} ${V-d}
 * ${V:+a} ${V+a} ${V:?m} ${V?m} ${V#p} ${V##p} ${V%p} ${V%%p} ${V/a/b} ${V//a/b}, escapes.
 * *out is malloc'd. When unmatched is not NULL it receives the names of variables used but
 * not set (malloc'd array of malloc'd strings, *n_unmatched entries). */
int shell_expand_word(const char *word, const struct shell_env *env, char escape, int options,
		      char **out, char ***unmatched, size_t *n_unmatched, ls_error *err);
/* Expand and split into words as BuildKit's ProcessWords (quoted text stays one word). */
int shell_split_words(const char *text, const struct shell_env *env, char escape, int options,
		      char ***words, size_t *n_words, ls_error *err);
void shell_strv_free(char **v, size_t n);

#endif
