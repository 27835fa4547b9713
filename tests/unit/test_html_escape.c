/* html_escape: every string from an image is attacker-controlled; between tags and inside
 * quoted attributes it must stay text. Invalid UTF-8 and control characters become U+FFFD. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/html.h"

#define FFFD "\xef\xbf\xbd"

static void escaped_as(const char *in, const char *want)
{
	char *got = html_escape_str(in);
	assert_string_equal(got, want);
	free(got);
}

static void test_markup_characters(void **state)
{
	(void)state;
	escaped_as("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;");
	escaped_as("\"onmouseover=alert(1) x=\"", "&quot;onmouseover=alert(1) x=&quot;");
	escaped_as("it's & <b>bold</b>", "it&#39;s &amp; &lt;b&gt;bold&lt;/b&gt;");
	escaped_as("&amp;", "&amp;amp;"); /* an entity in a name is text too */
	escaped_as("", "");
	escaped_as("/usr/bin/app", "/usr/bin/app");
}

static void test_utf8_kept(void **state)
{
	(void)state;
	escaped_as("café ✓ 𝄞", "café ✓ 𝄞");
	escaped_as("tab\there\nnewline", "tab\there\nnewline");
}

static void test_invalid_utf8_replaced(void **state)
{
	(void)state;
	escaped_as("a\xff" "b", "a" FFFD "b");
	escaped_as("\xc0\xbc", FFFD FFFD);            /* overlong '<' */
	escaped_as("\xe0\x80\xbc", FFFD FFFD FFFD);    /* overlong, three bytes */
	escaped_as("\xed\xa0\x80", FFFD FFFD FFFD);    /* a UTF-16 surrogate */
	escaped_as("\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD); /* above U+10FFFF */
	escaped_as("end\xe2\x9c", "end" FFFD FFFD);    /* cut short */
	escaped_as("\x01\x1b[31m\x7f", FFFD FFFD "[31m" FFFD);
}

static void test_prefix_and_n(void **state)
{
	(void)state;
	const char *s = "ab✓cd";
	assert_int_equal(utf8_prefix(s, 2), 2);
	assert_int_equal(utf8_prefix(s, 3), 5); /* ✓ is three bytes: never cut inside it */
	assert_int_equal(utf8_prefix(s, 99), strlen(s));
	assert_int_equal(utf8_prefix("\xff\xfe", 1), 1);

	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	html_escape_n(f, "<a>bc", 3);
	html_escape_n(f, "x\xe2\x9c\x93", 2); /* n ends inside a character: replaced, not split */
	fclose(f);
	assert_string_equal(out, "&lt;a&gt;x" FFFD);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_markup_characters),
		cmocka_unit_test(test_utf8_kept),
		cmocka_unit_test(test_invalid_utf8_replaced),
		cmocka_unit_test(test_prefix_and_n),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
