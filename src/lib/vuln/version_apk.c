/* Alpine versions as apk-tools orders them (src/version.c, apk-tools 2.14/3.x):
 *   digit{.digit}...{letter}{_suffix{number}}...{~hash}{-rN}
 * A version is read as tokens; two versions are compared token by token while their token
 * types agree. Then: both ended (or both invalid) = equal; a pre-release suffix (_alpha,
 * _beta, _pre, _rc) on the longer one makes it older; otherwise the one whose next token is
 * "earlier" in the grammar is newer (1.0.1 > 1.0, 1.0a > 1.0, 1.0-r1 > 1.0). Written from the
 * documented behaviour and the test vectors, not copied (apk-tools is GPL-2.0). */
#include <string.h>

#include "vuln/version.h"
#include "vuln/version_internal.h"

enum apk_token {
	APK_INITIAL_DIGIT,
	APK_DIGIT,
	APK_LETTER,
	APK_SUFFIX,
	APK_SUFFIX_NO,
	APK_COMMIT_HASH,
	APK_REVISION_NO,
	APK_END,
	APK_INVALID,
};

/* Suffix order: pre-release ones before "no suffix", post-release ones after. */
enum apk_suffix { SUF_INVALID, SUF_ALPHA, SUF_BETA, SUF_PRE, SUF_RC, SUF_NONE, SUF_CVS, SUF_SVN,
		  SUF_GIT, SUF_HG, SUF_P };

static const char *const apk_suffix_names[] = {
	[SUF_ALPHA] = "alpha", [SUF_BETA] = "beta", [SUF_PRE] = "pre", [SUF_RC] = "rc",
	[SUF_CVS] = "cvs",     [SUF_SVN] = "svn",   [SUF_GIT] = "git", [SUF_HG] = "hg",
	[SUF_P] = "p",
};

struct apk_tok {
	enum apk_token token;
	enum apk_suffix suffix;
	const char *value; /* the token's text (digits, letter, suffix name or hash) */
	size_t len;
	const char *rest;  /* what is left of the version */
};

static enum apk_suffix apk_suffix_value(const char *s, size_t n)
{
	for (int i = SUF_ALPHA; i <= SUF_P; i++)
		if (apk_suffix_names[i] && strlen(apk_suffix_names[i]) == n &&
		    !memcmp(apk_suffix_names[i], s, n))
			return (enum apk_suffix)i;
	return SUF_INVALID;
}

static bool apk_ishex(char c)
{
	return ver_isdigit(c) || (c >= 'a' && c <= 'f'); /* lowercase only, as apk's ctype */
}

static bool apk_islower(char c)
{
	return c >= 'a' && c <= 'z';
}

static size_t apk_span(const char *s, bool (*in)(char))
{
	size_t n = 0;
	while (s[n] && in(s[n]))
		n++;
	return n;
}

static bool apk_isdigit_c(char c)
{
	return ver_isdigit(c);
}

static void apk_parse_digits(struct apk_tok *t)
{
	t->value = t->rest;
	t->len = apk_span(t->rest, apk_isdigit_c);
	t->rest += t->len;
	if (t->len == 0)
		t->token = APK_INVALID;
}

static void apk_first(struct apk_tok *t, const char *v)
{
	t->rest = v;
	t->suffix = SUF_INVALID;
	t->token = APK_INITIAL_DIGIT;
	apk_parse_digits(t);
}

/* Read the next token; the type of the previous one decides what may follow. */
static void apk_next(struct apk_tok *t)
{
	const char *s = t->rest;
	if (!*s) {
		t->token = APK_END;
		return;
	}
	if (apk_islower(*s)) {
		if (t->token > APK_DIGIT)
			goto invalid;
		t->value = s;
		t->len = 1;
		t->token = APK_LETTER;
		t->rest = s + 1;
		return;
	}
	if (*s == '.' || ver_isdigit(*s)) {
		if (*s == '.') {
			if (t->token > APK_DIGIT)
				goto invalid;
			t->rest = ++s;
		}
		if (t->token == APK_INITIAL_DIGIT || t->token == APK_DIGIT)
			t->token = APK_DIGIT;
		else if (t->token == APK_SUFFIX)
			t->token = APK_SUFFIX_NO;
		else
			goto invalid;
		apk_parse_digits(t);
		return;
	}
	switch (*s) {
	case '_':
		if (t->token > APK_SUFFIX_NO)
			goto invalid;
		t->value = ++s;
		t->len = apk_span(s, apk_islower);
		t->rest = s + t->len;
		t->suffix = apk_suffix_value(t->value, t->len);
		if (t->suffix == SUF_INVALID)
			goto invalid;
		t->token = APK_SUFFIX;
		return;
	case '~':
		if (t->token >= APK_COMMIT_HASH)
			goto invalid;
		t->value = ++s;
		t->len = apk_span(s, apk_ishex);
		t->rest = s + t->len;
		if (t->len == 0)
			goto invalid;
		t->token = APK_COMMIT_HASH;
		return;
	case '-':
		if (t->token >= APK_REVISION_NO || s[1] != 'r')
			goto invalid;
		t->rest = s + 2;
		t->token = APK_REVISION_NO;
		apk_parse_digits(t);
		return;
	}
invalid:
	t->token = APK_INVALID;
}

/* Byte order, a prefix first (apk_blob_sort). */
static int apk_string_cmp(const struct apk_tok *a, const struct apk_tok *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int r = memcmp(a->value, b->value, n);
	if (r)
		return ver_sign(r);
	return a->len == b->len ? 0 : (a->len < b->len ? -1 : 1);
}

static int apk_token_cmp(const struct apk_tok *a, const struct apk_tok *b)
{
	switch (a->token) {
	case APK_DIGIT:
		/* A leading zero after a dot compares as a string (as Gentoo: 1.01 < 1.1). */
		if (a->value[0] == '0' || b->value[0] == '0')
			return apk_string_cmp(a, b);
		/* fallthrough */
	case APK_INITIAL_DIGIT:
	case APK_SUFFIX_NO:
	case APK_REVISION_NO:
		return ver_digits_cmp(a->value, a->len, b->value, b->len);
	case APK_LETTER:
		return ver_sign((unsigned char)a->value[0] - (unsigned char)b->value[0]);
	case APK_SUFFIX:
		return ver_sign((int)a->suffix - (int)b->suffix);
	default:
		return apk_string_cmp(a, b);
	}
}

static int apk_compare_fuzzy(const char *a, const char *b, bool fuzzy)
{
	struct apk_tok ta, tb;
	for (apk_first(&ta, a), apk_first(&tb, b); ta.token == tb.token && ta.token < APK_END;
	     apk_next(&ta), apk_next(&tb)) {
		int r = apk_token_cmp(&ta, &tb);
		if (r)
			return r;
	}
	if (ta.token == tb.token)
		return 0;
	if (tb.token == APK_END && fuzzy)
		return 0;
	if (ta.token == APK_SUFFIX && ta.suffix < SUF_NONE)
		return -1;
	if (tb.token == APK_SUFFIX && tb.suffix < SUF_NONE)
		return 1;
	if (ta.token > tb.token)
		return -1;
	if (tb.token > ta.token)
		return 1;
	return 0;
}

int apk_version_cmp(const char *a, const char *b)
{
	return apk_compare_fuzzy(a, b, false);
}

bool apk_version_valid(const char *v)
{
	struct apk_tok t;
	for (apk_first(&t, v); t.token < APK_END; apk_next(&t))
		;
	return t.token == APK_END;
}

enum { APK_OP_EQUAL = 1, APK_OP_LESS = 2, APK_OP_GREATER = 4, APK_OP_FUZZY = 8 };

int apk_version_match(const char *a, const char *op, const char *b, bool *match, ls_error *err)
{
	int mask = 0;
	for (const char *p = op; *p; p++) {
		switch (*p) {
		case '<': mask |= APK_OP_LESS; break;
		case '>': mask |= APK_OP_GREATER; break;
		case '=': mask |= APK_OP_EQUAL; break;
		case '~': mask |= APK_OP_FUZZY | APK_OP_EQUAL; break;
		default: return ls_fail(err, "unknown apk version operator '%s'", op);
		}
	}
	if (!mask)
		return ls_fail(err, "empty apk version operator");
	int r = apk_compare_fuzzy(a, b, (mask & APK_OP_FUZZY) != 0);
	int result = r < 0 ? APK_OP_LESS : r > 0 ? APK_OP_GREATER : APK_OP_EQUAL;
	*match = (result & mask) != 0;
	return 0;
}
