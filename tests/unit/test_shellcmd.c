/* The RUN-script word parse: quoting, substitutions, operators, pipefail, flags and package
 * arguments as the lint rules read them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lint/shellcmd.h"

static void parse(struct shell_script *s, const char *text)
{
	shell_parse(text, s);
}

static void test_words_and_quotes(void **state)
{
	struct shell_script s;
	(void)state;
	parse(&s, "echo 'a b' \"c $HOME d\" e\\ f g\"h\"'i' \"x\\\"y\" 'it'\\''s'");
	assert_int_equal(s.n_cmds, 1);
	assert_int_equal(s.cmds[0].argc, 7);
	assert_string_equal(s.cmds[0].argv[0], "echo");
	assert_string_equal(s.cmds[0].argv[1], "a b");
	assert_string_equal(s.cmds[0].argv[2], "c $HOME d");
	assert_string_equal(s.cmds[0].argv[3], "e f");
	assert_string_equal(s.cmds[0].argv[4], "ghi");
	assert_string_equal(s.cmds[0].argv[5], "x\"y");
	assert_string_equal(s.cmds[0].argv[6], "it's");
	shell_script_release(&s);
}

static void test_operators(void **state)
{
	struct shell_script s;
	(void)state;
	parse(&s, "apt-get update && apt-get install -y curl || true; ls | wc -l & sleep 1\necho done");
	assert_int_equal(s.n_cmds, 7);
	assert_string_equal(s.cmds[0].argv[0], "apt-get");
	assert_int_equal(s.cmds[0].op_before, SHELL_OP_NONE);
	assert_int_equal(s.cmds[0].op_after, SHELL_OP_AND);
	assert_int_equal(s.cmds[1].op_before, SHELL_OP_AND);
	assert_int_equal(s.cmds[1].op_after, SHELL_OP_OR);
	assert_string_equal(s.cmds[2].argv[0], "true");
	assert_int_equal(s.cmds[2].op_after, SHELL_OP_SEQ);
	assert_int_equal(s.cmds[3].op_after, SHELL_OP_PIPE);
	assert_int_equal(s.cmds[4].op_before, SHELL_OP_PIPE);
	assert_int_equal(s.cmds[4].op_after, SHELL_OP_BG);
	assert_int_equal(s.cmds[5].op_after, SHELL_OP_SEQ);
	assert_string_equal(s.cmds[6].argv[1], "done");
	assert_int_equal(s.cmds[6].line, 1);
	assert_true(s.has_pipe);
	shell_script_release(&s);
}

static void test_continuations_and_comments(void **state)
{
	struct shell_script s;
	(void)state;
	parse(&s, "apt-get install \\\n  curl \\\n  git && \\\n  # a comment; not a command\n  rm -rf /var/lib/apt/lists/* # trailing\n");
	assert_int_equal(s.n_cmds, 2);
	assert_int_equal(s.cmds[0].argc, 4);
	assert_string_equal(s.cmds[0].argv[3], "git");
	assert_string_equal(s.cmds[1].argv[0], "rm");
	assert_int_equal(s.cmds[1].op_before, SHELL_OP_AND);
	assert_int_equal(s.cmds[1].argc, 3);
	assert_int_equal(s.cmds[1].line, 4);
	shell_script_release(&s);
}

static void test_substitutions(void **state)
{
	struct shell_script s;
	(void)state;
	parse(&s, "echo \"$(cat /etc/os-release | grep ID)\" `uname -m` ${X:-a b} $((1 + 2))");
	assert_string_equal(s.cmds[0].argv[0], "echo");
	assert_int_equal(s.cmds[0].argc, 5);
	assert_string_equal(s.cmds[0].argv[1], "$(cat /etc/os-release | grep ID)");
	assert_string_equal(s.cmds[0].argv[2], "`uname -m`");
	assert_string_equal(s.cmds[0].argv[3], "${X:-a b}");
	assert_string_equal(s.cmds[0].argv[4], "$((1 + 2))");
	/* nested commands follow, marked as nested */
	assert_int_equal(s.n_cmds, 4);
	assert_string_equal(s.cmds[1].argv[0], "cat");
	assert_true(s.cmds[1].nested);
	assert_string_equal(s.cmds[2].argv[0], "grep");
	assert_string_equal(s.cmds[3].argv[0], "uname");
	shell_script_release(&s);
}

static void test_redirections_assignments_keywords(void **state)
{
	struct shell_script s;
	(void)state;
	parse(&s, "DEBIAN_FRONTEND=noninteractive apt-get install -y x > /dev/null 2>&1; "
		  "if [ -f a ]; then cd /x; fi; for f in a b; do rm $f; done; X=1");
	assert_int_equal(s.n_cmds, 4);
	assert_string_equal(s.cmds[0].argv[0], "apt-get");
	assert_int_equal(s.cmds[0].argc, 4);
	assert_int_equal(s.cmds[0].n_assigns, 1);
	assert_string_equal(s.cmds[0].assigns[0], "DEBIAN_FRONTEND=noninteractive");
	assert_string_equal(s.cmds[1].argv[0], "[");
	assert_string_equal(s.cmds[2].argv[0], "cd");
	assert_string_equal(s.cmds[3].argv[0], "rm");
	shell_script_release(&s);
}

static void test_heredoc_in_script(void **state)
{
	struct shell_script s;
	(void)state;
	parse(&s, "cat <<EOF > /etc/x && echo ok\nline one && bogus\nEOF\nls");
	assert_int_equal(s.n_cmds, 3);
	assert_string_equal(s.cmds[0].argv[0], "cat");
	assert_int_equal(s.cmds[0].argc, 1);
	assert_string_equal(s.cmds[1].argv[0], "echo");
	assert_string_equal(s.cmds[2].argv[0], "ls");
	shell_script_release(&s);
}

static void test_pipefail(void **state)
{
	struct shell_script s;
	(void)state;
	parse(&s, "set -euo pipefail && wget -O - x | tar xz");
	assert_true(s.sets_pipefail);
	assert_false(s.cmds[0].pipefail);
	assert_true(s.cmds[1].pipefail);
	shell_script_release(&s);
	parse(&s, "set -o errexit -o pipefail; a | b");
	assert_true(s.sets_pipefail);
	shell_script_release(&s);
	parse(&s, "set -e -o pipefail; a | b");
	assert_true(s.sets_pipefail);
	shell_script_release(&s);
	parse(&s, "set -e; a | b; echo pipefail");
	assert_false(s.sets_pipefail);
	assert_false(s.cmds[1].pipefail);
	shell_script_release(&s);
}

static void test_flags(void **state)
{
	struct shell_script s;
	(void)state;
	parse(&s, "apt-get -qy --no-install-recommends install --target-release=bullseye curl=7.1 -o Dpkg::Options=x git");
	assert_true(cmd_is(&s.cmds[0], "apt-get", "install"));
	assert_false(cmd_is(&s.cmds[0], "apt-get", "update"));
	assert_false(cmd_is(&s.cmds[0], "apt", NULL));
	assert_true(cmd_has_flag(&s.cmds[0], "-y", "--yes", "--assume-yes"));
	assert_true(cmd_has_flag(&s.cmds[0], "-q"));
	assert_false(cmd_has_flag(&s.cmds[0], "-o-not"));
	assert_true(cmd_has_flag(&s.cmds[0], "--no-install-recommends"));
	assert_true(cmd_has_flag(&s.cmds[0], "--target-release"));
	assert_string_equal(cmd_flag_value(&s.cmds[0], "--target-release", "-t"), "bullseye");
	assert_string_equal(cmd_flag_value(&s.cmds[0], "-o"), "Dpkg::Options=x");
	assert_null(cmd_flag_value(&s.cmds[0], "--nope"));
	{
		size_t *idx, n = cmd_args_after(&s.cmds[0], "install", (const char *const[]){"-o", NULL}, &idx);
		assert_int_equal(n, 2);
		assert_string_equal(s.cmds[0].argv[idx[0]], "curl=7.1");
		assert_string_equal(s.cmds[0].argv[idx[1]], "git");
		free(idx);
	}
	{
		size_t *idx, n = cmd_args_no_flags(&s.cmds[0], NULL, &idx);
		/* without value flags, the -o value counts as an argument */
		assert_int_equal(n, 4);
		free(idx);
	}
	assert_true(cmd_has_arg(&s.cmds[0], "git"));
	assert_true(cmd_has_arg_prefix(&s.cmds[0], "curl="));
	assert_false(shell_word_is_flag("-"));
	assert_false(shell_word_is_flag("--"));
	assert_true(shell_word_is_flag("--x=1"));
	shell_script_release(&s);
}

static void test_hostile(void **state)
{
	struct shell_script s;
	(void)state;
	/* unterminated quotes and substitutions never fail */
	parse(&s, "echo 'abc");
	assert_string_equal(s.cmds[0].argv[1], "abc");
	shell_script_release(&s);
	parse(&s, "echo \"$(foo ");
	assert_int_equal(s.cmds[0].argc, 2);
	shell_script_release(&s);
	parse(&s, "");
	assert_int_equal(s.n_cmds, 0);
	shell_script_release(&s);
	parse(&s, "&& || ; | )( \\");
	assert_int_equal(s.n_cmds, 0);
	shell_script_release(&s);
	{
		/* deep nesting is bounded */
		char deep[4096] = "";
		size_t n = 0;
		for (int i = 0; i < 500; i++)
			n += (size_t)snprintf(deep + n, sizeof(deep) - n, "$(a ");
		parse(&s, deep);
		assert_true(s.n_cmds <= 20);
		shell_script_release(&s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words_and_quotes),
		cmocka_unit_test(test_operators),
		cmocka_unit_test(test_continuations_and_comments),
		cmocka_unit_test(test_substitutions),
		cmocka_unit_test(test_redirections_assignments_keywords),
		cmocka_unit_test(test_heredoc_in_script),
		cmocka_unit_test(test_pipefail),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_hostile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
