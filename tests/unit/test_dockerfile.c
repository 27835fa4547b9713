/* The Dockerfile parser (BuildKit's rules) and the shell-word lexer: directives, continuations
 * with comments and blank lines, escapes, heredocs, JSON vs shell form, flags, ENV/LABEL/ARG
 * pairs, ONBUILD, HEALTHCHECK, stages, positions; expansion modifiers and word splitting;
 * lint pragmas and config. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lint/dockerfile.h"
#include "lint/lint.h"
#include "util/mem.h"

static struct dockerfile *parse(const char *text)
{
	struct dockerfile *df = NULL;
	ls_error err = {{0}};
	int rc = dockerfile_parse(text, strlen(text), "Dockerfile", &df, &err);
	if (rc < 0)
		fail_msg("parse failed: %s", err.msg);
	return df;
}

static int parse_fails(const char *text, char *msg, size_t n)
{
	struct dockerfile *df = NULL;
	ls_error err = {{0}};
	int rc = dockerfile_parse(text, strlen(text), "Dockerfile", &df, &err);
	if (rc == 0)
		dockerfile_free(df);
	snprintf(msg, n, "%s", err.msg);
	return rc < 0;
}

static void test_directives(void **state)
{
	(void)state;
	struct dockerfile *df = parse("# syntax=docker/dockerfile:1\n# escape=`\n# check=skip=all\n"
				      "FROM alpine\nRUN echo a `\n  b\n");
	assert_string_equal(df->syntax, "docker/dockerfile:1");
	assert_string_equal(df->check, "skip=all");
	assert_int_equal(df->check_line, 3);
	assert_int_equal(df->escape, '`');
	assert_int_equal(df->n_ins, 2);
	assert_string_equal(df->ins[1].args[0], "echo a   b");
	assert_int_equal(df->ins[1].line_start, 5);
	assert_int_equal(df->ins[1].line_end, 6);
	dockerfile_free(df);

	/* after another comment or an instruction, directives are plain comments */
	df = parse("# hello\n# escape=`\nFROM alpine\n# escape=`\nRUN a \\\n b\n");
	assert_int_equal(df->escape, '\\');
	assert_string_equal(df->ins[1].args[0], "a  b");
	assert_int_equal(df->n_comments, 3);
	dockerfile_free(df);

	char msg[1024];
	assert_true(parse_fails("# escape=`\n# escape=\\\nFROM a\n", msg, sizeof(msg)));
	assert_non_null(strstr(msg, "only one escape parser directive"));
	assert_true(parse_fails("# escape=x\nFROM a\n", msg, sizeof(msg)));
	assert_true(parse_fails("", msg, sizeof(msg)));
	assert_true(parse_fails("# only a comment\n\n", msg, sizeof(msg)));
}

static void test_continuations(void **state)
{
	(void)state;
	struct dockerfile *df = parse("FROM a\nRUN one \\\n# a comment\n\n    two \\\n  \\\n three\n"
				      "RUN x\n");
	assert_int_equal(df->n_ins, 3);
	assert_string_equal(df->ins[1].args_text, "one     two    three");
	assert_int_equal(df->ins[1].line_start, 2);
	assert_int_equal(df->ins[1].line_end, 7);
	assert_int_equal(df->ins[2].line_start, 8);
	/* the blank line inside the continuation is BuildKit's NoEmptyContinuation */
	assert_int_equal(df->n_warnings, 1);
	assert_string_equal(df->warnings[0].code, "NoEmptyContinuation");
	dockerfile_free(df);

	/* an escaped escape at the end of a line is not a continuation; CRLF lines */
	df = parse("FROM a\r\nENV C x\\\\\r\nENV D y\r\n");
	assert_int_equal(df->n_ins, 3);
	assert_string_equal(df->ins[1].kvs[0].value, "x\\\\");
	dockerfile_free(df);

	/* a continuation at the end of the file ends the instruction */
	df = parse("FROM a\nRUN b \\");
	assert_string_equal(df->ins[1].args[0], "b");
	dockerfile_free(df);
}

static void test_forms_and_flags(void **state)
{
	(void)state;
	struct dockerfile *df = parse(
		"FROM --platform=$BUILDPLATFORM golang:1.22 AS Build\n"
		"COPY --from=build --chown=1:1 --link a b /dst/\n"
		"RUN --mount=type=cache,target=/root/.cache [\"go\", \"build\"]\n"
		"CMD [\"unterminated\"\n"
		"ENTRYPOINT ['single', 'quotes']\n"
		"VOLUME [\"/a\", \"/b\"]\n"
		"EXPOSE 80/tcp 443\n"
		"  user app\n");
	const struct df_instruction *in = df->ins;
	assert_int_equal(df->n_ins, 8);
	assert_int_equal(in[0].cmd, DF_FROM);
	assert_string_equal(df_flag_get(&in[0], "platform"), "$BUILDPLATFORM");
	assert_int_equal(df->n_stages, 1);
	assert_string_equal(df->stages[0].name, "Build");
	assert_string_equal(df->stages[0].base_image, "golang:1.22");
	assert_string_equal(df->stages[0].platform, "$BUILDPLATFORM");
	assert_int_equal(in[1].stage, 0);
	assert_int_equal(in[1].n_flags, 3);
	assert_null(in[1].flags[2].value);
	assert_string_equal(df_flag_get(&in[1], "link"), "");
	assert_int_equal(in[1].n_args, 3);
	assert_true(in[2].json_form);
	assert_int_equal(in[2].n_args, 2);
	assert_string_equal(in[2].flags[0].value, "type=cache,target=/root/.cache");
	/* invalid JSON falls back to the shell form */
	assert_false(in[3].json_form);
	assert_string_equal(in[3].args[0], "[\"unterminated\"");
	assert_false(in[4].json_form);
	assert_true(in[5].json_form);
	assert_int_equal(in[6].n_args, 2);
	assert_int_equal(in[7].cmd, DF_USER);
	assert_string_equal(in[7].keyword, "user");
	assert_int_equal(in[7].column, 3);
	dockerfile_free(df);

	char msg[1024];
	assert_true(parse_fails("CMD [\"a\", [\"b\"]]\n", msg, sizeof(msg)));
}

static void test_env_label_arg(void **state)
{
	(void)state;
	struct dockerfile *df = parse("ARG V=1 W\nFROM a:$V\nENV k v w\nENV a=\"x y\" b=c\\ d\n"
				      "LABEL \"q r\"=s\n");
	const struct df_instruction *in = df->ins;
	assert_int_equal(in[0].stage, -1);
	assert_int_equal(in[0].n_kvs, 2);
	assert_string_equal(in[0].kvs[0].value, "1");
	assert_null(in[0].kvs[1].value);
	assert_true(in[2].kvs[0].legacy);
	assert_string_equal(in[2].kvs[0].key, "k");
	assert_string_equal(in[2].kvs[0].value, "v w");
	assert_int_equal(in[3].n_kvs, 2);
	assert_string_equal(in[3].kvs[0].value, "\"x y\"");
	assert_string_equal(in[3].kvs[0].unquoted, "x y");
	assert_string_equal(in[3].kvs[1].unquoted, "c d");
	assert_int_equal(in[3].n_args, 6);
	assert_string_equal(in[4].kvs[0].key, "\"q r\"");
	dockerfile_free(df);

	char msg[1024];
	assert_true(parse_fails("FROM a\nENV PATH\n", msg, sizeof(msg)));
	assert_non_null(strstr(msg, "line 2"));
	assert_true(parse_fails("FROM a\nENV a=b c\n", msg, sizeof(msg)));
}

static void test_onbuild_healthcheck(void **state)
{
	(void)state;
	struct dockerfile *df = parse("FROM a\nONBUILD RUN --mount=type=tmpfs,target=/t make\n"
				      "HEALTHCHECK NONE\n"
				      "HEALTHCHECK --interval=5s CMD [\"curl\", \"-f\", \"x\"]\n"
				      "HEALTHCHECK CMD curl -f x || exit 1\n");
	const struct df_instruction *in = df->ins;
	assert_non_null(in[1].sub);
	assert_int_equal(in[1].sub->cmd, DF_RUN);
	assert_int_equal(in[1].sub->n_flags, 1);
	assert_string_equal(in[1].sub->args[0], "make");
	assert_int_equal(in[1].sub->line_start, 2);
	assert_string_equal(in[2].args[0], "NONE");
	assert_int_equal(in[3].n_args, 4);
	assert_true(in[3].json_form);
	assert_string_equal(df_flag_get(&in[3], "interval"), "5s");
	assert_string_equal(in[4].args[1], "curl -f x || exit 1");
	dockerfile_free(df);
}

static void test_heredocs(void **state)
{
	(void)state;
	struct dockerfile *df = parse("FROM a\n"
				      "RUN <<EOF python3\nprint(1)\nEOF\n"
				      "COPY <<-'A' 3<<B /dst/\n\tx $V\n\tA\ny\nB\n"
				      "USER <<X\n"
				      "RUN \"<<NO\"\n"
				      "RUN [\"<<J\"]\n");
	const struct df_instruction *in = df->ins;
	assert_int_equal(df->n_ins, 6);
	assert_int_equal(in[1].n_heredocs, 1);
	assert_string_equal(in[1].heredocs[0].name, "EOF");
	assert_string_equal(in[1].heredocs[0].content, "print(1)\n");
	assert_int_equal(in[1].line_start, 2);
	assert_int_equal(in[1].line_end, 4);
	assert_int_equal(in[2].n_heredocs, 2);
	assert_false(in[2].heredocs[0].expand);
	assert_true(in[2].heredocs[0].chomp);
	assert_string_equal(in[2].heredocs[0].content, "x $V\n");
	assert_int_equal(in[2].heredocs[1].fd, 3);
	assert_true(in[2].heredocs[1].expand);
	assert_string_equal(in[2].heredocs[1].content, "y\n");
	assert_int_equal(in[3].n_heredocs, 0); /* USER cannot hold heredocs */
	assert_int_equal(in[4].n_heredocs, 0); /* quoted */
	assert_int_equal(in[5].n_heredocs, 0); /* JSON form */
	dockerfile_free(df);

	char msg[1024];
	assert_true(parse_fails("FROM a\nRUN <<EOF\nno end\n", msg, sizeof(msg)));
	assert_non_null(strstr(msg, "unterminated heredoc"));
}

static char *expand_ok(const char *word, const struct shell_env *env)
{
	char *out = NULL;
	ls_error err = {{0}};
	if (shell_expand_word(word, env, '\\', 0, &out, NULL, NULL, &err) < 0)
		fail_msg("expand %s: %s", word, err.msg);
	return out;
}

static void test_lexer(void **state)
{
	(void)state;
	struct shell_env env = {0};
	shell_env_set(&env, "V", "/usr/local/bin");
	shell_env_set(&env, "E", "");
	static const char *cases[][2] = {
		{"${V#*/}", "usr/local/bin"},   {"${V##*/}", "bin"},
		{"${V%/*}", "/usr/local"},      {"${V%%/*}", ""},
		{"${V/local/opt}", "/usr/opt/bin"}, {"${V//\\//:}", ":usr:local:bin"},
		{"${E:-d}", "d"},               {"${E-d}", ""},
		{"${U:+x}", ""},                {"${V:+x}", "x"},
		{"'$V'\"$V\"", "$V/usr/local/bin"}, {"a\\ b", "a b"},
		{"${E?}", ""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *out = expand_ok(cases[i][0], &env);
		if (strcmp(out, cases[i][1]))
			fail_msg("%s: got '%s' want '%s'", cases[i][0], out, cases[i][1]);
		free(out);
	}
	char *out;
	ls_error err;
	assert_int_equal(shell_expand_word("${U?must be set}", &env, '\\', 0, &out, NULL, NULL, &err),
			 -1);
	assert_non_null(strstr(err.msg, "must be set"));
	assert_int_equal(shell_expand_word("${E:?}", &env, '\\', 0, &out, NULL, NULL, &err), -1);
	assert_int_equal(shell_expand_word("${V", &env, '\\', 0, &out, NULL, NULL, &err), -1);

	/* unmatched names are reported; skip-unset keeps them as written */
	char **un;
	size_t nun;
	assert_int_equal(shell_expand_word("$A-${B:-x}-$V-$A", &env, '\\', 0, &out, &un, &nun, &err),
			 0);
	assert_string_equal(out, "-x-/usr/local/bin-");
	assert_int_equal(nun, 2);
	assert_string_equal(un[0], "A");
	assert_string_equal(un[1], "B");
	shell_strv_free(un, nun);
	free(out);
	assert_int_equal(shell_expand_word("$A ${B}", &env, '\\', SHELL_SKIP_UNSET, &out, NULL, NULL,
					   &err), 0);
	assert_string_equal(out, "$A ${B}");
	free(out);
	assert_int_equal(shell_expand_word("'a' \"b\" \\c", NULL, '\\',
					   SHELL_RAW_QUOTES | SHELL_RAW_ESCAPES, &out, NULL, NULL,
					   &err), 0);
	assert_string_equal(out, "'a' \"b\" \\c");
	free(out);
	/* the backtick escape */
	assert_int_equal(shell_expand_word("a`$V", &env, '`', 0, &out, NULL, NULL, &err), 0);
	assert_string_equal(out, "a$V");
	free(out);

	char **w;
	size_t nw;
	shell_env_set(&env, "S", " x  y ");
	assert_int_equal(shell_split_words("a$S\"$S\" 'q r'", &env, '\\', 0, &w, &nw, &err), 0);
	/* unquoted expansions split, quoted ones stay one word with their blanks */
	assert_int_equal(nw, 5);
	assert_string_equal(w[0], "a");
	assert_string_equal(w[1], "x");
	assert_string_equal(w[2], "y");
	assert_string_equal(w[3], " x  y ");
	assert_string_equal(w[4], "q r");
	shell_strv_free(w, nw);
	shell_env_release(&env);
}

static void test_pragmas_and_config(void **state)
{
	(void)state;
	struct dockerfile *df = parse("# hadolint global ignore=GX\nFROM a\n"
				      "# hadolint ignore=DL1, DL2\nRUN a \\\n  b\n"
				      "# layerscope ignore=LS1\nRUN c\nRUN d\n");
	struct lint_config cfg;
	lint_config_init(&cfg);
	struct lint_ctx ctx;
	lint_ctx_init(&ctx, df, &cfg, "Dockerfile", ".");
	lint_report(&ctx, "GX", LINT_ERROR, 2, "global");
	lint_report(&ctx, "DL1", LINT_WARNING, 5, "second line of the ignored RUN");
	lint_report(&ctx, "DL2", LINT_WARNING, 4, "ignored");
	lint_report(&ctx, "DL3", LINT_WARNING, 4, "kept");
	lint_report(&ctx, "LS1", LINT_INFO, 7, "ignored");
	lint_report(&ctx, "LS1", LINT_INFO, 8, "kept");
	assert_int_equal(ctx.n_findings, 2);
	assert_string_equal(ctx.findings[0].code, "DL3");
	assert_int_equal(ctx.findings[1].line, 8);
	lint_ctx_release(&ctx);

	/* config: ignored codes and severity overrides; "none" silences */
	char path[] = "/tmp/ls-test-config-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	assert_non_null(f);
	fputs("ignored: [DL3]\noverride:\n  error: [LS1]\n  none: [DL2]\n"
	      "trustedRegistries:\n  - docker.io\nlabel-schema:\n  author: text\n"
	      "strict-labels: true\nfailure-threshold: warning\n",
	      f);
	fclose(f);
	ls_error err;
	assert_int_equal(lint_config_load_file(&cfg, path, &err), 0);
	remove(path);
	assert_int_equal(cfg.n_trusted_registries, 1);
	assert_int_equal(cfg.n_label_schema, 1);
	assert_true(cfg.strict_labels);
	assert_int_equal(cfg.failure_threshold, LINT_WARNING);
	cfg.disable_ignore_pragma = true;
	lint_ctx_init(&ctx, df, &cfg, "Dockerfile", ".");
	lint_report(&ctx, "DL3", LINT_WARNING, 4, "ignored by config");
	lint_report(&ctx, "DL2", LINT_WARNING, 4, "silenced");
	lint_report(&ctx, "LS1", LINT_INFO, 7, "raised; pragmas disabled");
	assert_int_equal(ctx.n_findings, 1);
	assert_int_equal(ctx.findings[0].level, LINT_ERROR);
	assert_true(lint_level_reaches(LINT_ERROR, cfg.failure_threshold));
	assert_false(lint_level_reaches(LINT_INFO, cfg.failure_threshold));
	assert_false(lint_level_reaches(LINT_ERROR, LINT_NONE));
	lint_ctx_release(&ctx);
	lint_config_release(&cfg);
	dockerfile_free(df);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_directives),
		cmocka_unit_test(test_continuations),
		cmocka_unit_test(test_forms_and_flags),
		cmocka_unit_test(test_env_label_arg),
		cmocka_unit_test(test_onbuild_healthcheck),
		cmocka_unit_test(test_heredocs),
		cmocka_unit_test(test_lexer),
		cmocka_unit_test(test_pragmas_and_config),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
