/* BuildKit's shell-word lexer (moby/buildkit frontend/dockerfile/shell/lex.go), unix flavour:
 * quotes, escapes and ${...} parameter expansion exactly as Dockerfile instructions see them.
 * Works on bytes: every special character is ASCII, and UTF-8 continuation bytes are >= 0x80,
 * so multi-byte characters pass through untouched. */
#include <fnmatch.h>
#include <string.h>

#include "lint/dockerfile.h"
#include "util/buf.h"
#include "util/mem.h"

#define LEX_EOF (-1)
#define LEX_LIMIT (64u << 20) /* an expansion result larger than this is an error */

struct lexer {
	const char *s;
	size_t pos, len;
	const struct shell_env *env;
	int escape;
	bool raw_quotes, raw_escapes, skip_unset, skip_quotes;
	char **unmatched;
	size_t n_unmatched, cap_unmatched;
	ls_error *err;
};

/* Word splitting state (BuildKit's wordsStruct). */
struct words {
	struct buf word;
	bool in_word;
	char **v;
	size_t n, cap;
};

void shell_env_set(struct shell_env *env, const char *key, const char *value)
{
	for (size_t i = 0; i < env->n; i++) {
		if (!strcmp(env->vars[i].key, key)) {
			free(env->vars[i].value);
			env->vars[i].value = xstrdup(value);
			return;
		}
	}
	env->vars = xgrow(env->vars, &env->cap, env->n + 1, sizeof(*env->vars));
	env->vars[env->n].key = xstrdup(key);
	env->vars[env->n].value = xstrdup(value);
	env->n++;
}

const char *shell_env_get(const struct shell_env *env, const char *key)
{
	if (!env)
		return NULL;
	for (size_t i = 0; i < env->n; i++)
		if (!strcmp(env->vars[i].key, key))
			return env->vars[i].value;
	return NULL;
}

void shell_env_release(struct shell_env *env)
{
	for (size_t i = 0; i < env->n; i++) {
		free(env->vars[i].key);
		free(env->vars[i].value);
	}
	free(env->vars);
	env->vars = NULL;
	env->n = env->cap = 0;
}

void shell_strv_free(char **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int peek(const struct lexer *lx)
{
	return lx->pos < lx->len ? (unsigned char)lx->s[lx->pos] : LEX_EOF;
}

static int next(struct lexer *lx)
{
	return lx->pos < lx->len ? (unsigned char)lx->s[lx->pos++] : LEX_EOF;
}

static bool is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static int put(struct lexer *lx, struct buf *b, const char *s, size_t n)
{
	return buf_append(b, s, n, lx->err);
}

static int putc_(struct lexer *lx, struct buf *b, int c)
{
	char ch = (char)c;
	return buf_append(b, &ch, 1, lx->err);
}

static void words_flush(struct words *w)
{
	if (w->word.len > 0) {
		w->v = xgrow(w->v, &w->cap, w->n + 1, sizeof(*w->v));
		w->v[w->n++] = xstrndup(w->word.data, w->word.len);
		w->word.len = 0;
		w->word.data[0] = '\0';
	}
	w->in_word = false;
}

static int words_add_raw_char(struct lexer *lx, struct words *w, int c)
{
	w->in_word = true;
	return putc_(lx, &w->word, c);
}

static int words_add_char(struct lexer *lx, struct words *w, int c)
{
	if (is_space(c)) {
		if (w->in_word && w->word.len > 0)
			words_flush(w);
		return 0;
	}
	return words_add_raw_char(lx, w, c);
}

static int words_add_string(struct lexer *lx, struct words *w, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (words_add_char(lx, w, (unsigned char)s[i]) < 0)
			return -1;
	return 0;
}

static int words_add_raw_string(struct lexer *lx, struct words *w, const char *s, size_t n)
{
	w->in_word = true;
	return put(lx, &w->word, s, n);
}

static void note_unmatched(struct lexer *lx, const char *name)
{
	for (size_t i = 0; i < lx->n_unmatched; i++)
		if (!strcmp(lx->unmatched[i], name))
			return;
	lx->unmatched = xgrow(lx->unmatched, &lx->cap_unmatched, lx->n_unmatched + 1,
			      sizeof(*lx->unmatched));
	lx->unmatched[lx->n_unmatched++] = xstrdup(name);
}

static const char *get_env(struct lexer *lx, const char *name)
{
	const char *v = shell_env_get(lx->env, name);
	if (!v)
		note_unmatched(lx, name);
	return v;
}

static bool is_special_param(int c)
{
	return c && strchr("@*#?-$!0", c) != NULL;
}

static bool is_name_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c >= 0x80; /* non-ASCII letters (Go's unicode.IsLetter), approximated */
}

/* A parameter name: digits only when it starts with one, one special character, or
 * letters/digits/underscore. */
static char *process_name(struct lexer *lx)
{
	size_t start = lx->pos;
	int c = peek(lx);
	if (c >= '0' && c <= '9') {
		while (peek(lx) >= '0' && peek(lx) <= '9')
			next(lx);
	} else if (is_special_param(c)) {
		next(lx);
	} else {
		while (peek(lx) != LEX_EOF && is_name_char(peek(lx)))
			next(lx);
	}
	return xstrndup(lx->s + start, lx->pos - start);
}

static int process_stop_on(struct lexer *lx, const char *stops, bool raw_escapes, struct buf *out,
			   struct words *w, int *stopped);
static int process_dollar(struct lexer *lx, struct buf *out);

static int process_single_quote(struct lexer *lx, struct buf *out)
{
	int c = next(lx);
	if (lx->raw_quotes && putc_(lx, out, c) < 0)
		return -1;
	for (;;) {
		c = next(lx);
		if (c == LEX_EOF)
			return ls_fail(lx->err, "unexpected end of statement while looking for "
						"matching single-quote");
		if (c == '\'') {
			if (lx->raw_quotes && putc_(lx, out, c) < 0)
				return -1;
			return 0;
		}
		if (putc_(lx, out, c) < 0)
			return -1;
	}
}

static int process_double_quote(struct lexer *lx, struct buf *out)
{
	int c = next(lx);
	if (lx->raw_quotes && putc_(lx, out, c) < 0)
		return -1;
	for (;;) {
		c = peek(lx);
		if (c == LEX_EOF)
			return ls_fail(lx->err, "unexpected end of statement while looking for "
						"matching double-quote");
		if (c == '"') {
			next(lx);
			if (lx->raw_quotes && putc_(lx, out, c) < 0)
				return -1;
			return 0;
		}
		if (c == '$') {
			if (process_dollar(lx, out) < 0)
				return -1;
			continue;
		}
		c = next(lx);
		if (c == lx->escape) {
			int n = peek(lx);
			if (n == LEX_EOF)
				continue; /* an escape at the end of the word is dropped */
			if (n == '"' || n == '$' || n == lx->escape) {
				if (lx->raw_escapes && putc_(lx, out, c) < 0)
					return -1;
				c = next(lx);
			}
		}
		if (putc_(lx, out, c) < 0)
			return -1;
	}
}

/* Shell pattern removal for ${V#p} ${V##p} ${V%p} ${V%%p}. */
static char *trim_pattern(const char *pattern, const char *value, bool suffix, bool greedy)
{
	size_t n = strlen(value);
	for (size_t k = 0; k <= n; k++) {
		size_t len = greedy ? n - k : k; /* length of the part matched */
		if (!suffix) {
			char *head = xstrndup(value, len);
			int m = fnmatch(pattern, head, 0);
			free(head);
			if (m == 0)
				return xstrdup(value + len);
		} else if (fnmatch(pattern, value + (n - len), 0) == 0) {
			return xstrndup(value, n - len);
		}
	}
	return xstrdup(value);
}

/* ${V/pattern/replacement}: leftmost match; the longest one at that position (bash). */
static char *replace_pattern(const char *value, const char *pattern, const char *repl, bool all)
{
	struct buf b;
	ls_error e;
	buf_init(&b, 0);
	size_t n = strlen(value), i = 0;
	buf_append(&b, "", 0, &e);
	while (i <= n) {
		size_t best = 0;
		bool found = false;
		for (size_t len = n - i; len + 1 > 0 && !found; len--) {
			char *part = xstrndup(value + i, len);
			if (*pattern && fnmatch(pattern, part, 0) == 0) {
				found = true;
				best = len;
			}
			free(part);
			if (len == 0)
				break;
		}
		if (!found || (best == 0 && !*pattern)) {
			if (i < n)
				buf_append(&b, value + i, 1, &e);
			i++;
			continue;
		}
		buf_append(&b, repl, strlen(repl), &e);
		if (best == 0) {
			if (i < n)
				buf_append(&b, value + i, 1, &e);
			i++;
		} else {
			i += best;
		}
		if (!all) {
			if (i <= n)
				buf_append(&b, value + i, n - i, &e);
			break;
		}
	}
	char *r = buf_detach(&b, NULL);
	return r ? r : xstrdup("");
}

static int dollar_modifier(struct lexer *lx, struct buf *out, const char *name, int ch,
			   bool null_is_unset, const char *mod)
{
	bool pattern = ch == '#' || ch == '%';
	if (null_is_unset && pattern)
		return ls_fail(lx->err, "unsupported modifier (%s) in substitution", mod);
	struct buf word;
	buf_init(&word, LEX_LIMIT);
	int stopped = 0;
	if (process_stop_on(lx, "}", pattern, &word, NULL, &stopped) < 0) {
		buf_release(&word);
		if (peek(lx) == LEX_EOF)
			return ls_fail(lx->err, "syntax error: missing '}'");
		return -1;
	}
	const char *w = word.data ? word.data : "";
	const char *value = get_env(lx, name);
	int rc = 0;
	if (lx->skip_unset && !value) {
		char *s = xasprintf("${%s%s%s}", name, mod, w);
		rc = put(lx, out, s, strlen(s));
		free(s);
		buf_release(&word);
		return rc;
	}
	bool empty_or_unset = !value || (null_is_unset && !*value);
	switch (ch) {
	case '-':
		rc = empty_or_unset ? put(lx, out, w, strlen(w)) : put(lx, out, value, strlen(value));
		break;
	case '+':
		rc = empty_or_unset ? 0 : put(lx, out, w, strlen(w));
		break;
	case '?':
		if (!value)
			rc = ls_fail(lx->err, "%s: %s", name, *w ? w : "is not allowed to be unset");
		else if (null_is_unset && !*value)
			rc = ls_fail(lx->err, "%s: %s", name, *w ? w : "is not allowed to be empty");
		else
			rc = put(lx, out, value, strlen(value));
		break;
	case '#':
	case '%': {
		bool greedy = *w == ch;
		char *r = trim_pattern(greedy ? w + 1 : w, value ? value : "", ch == '%', greedy);
		rc = put(lx, out, r, strlen(r));
		free(r);
		break;
	}
	default:
		rc = ls_fail(lx->err, "unsupported modifier (%s) in substitution", mod);
	}
	buf_release(&word);
	return rc;
}

static int dollar_replace(struct lexer *lx, struct buf *out, const char *name)
{
	bool all = peek(lx) == '/';
	if (all)
		next(lx);
	struct buf pat, repl;
	buf_init(&pat, LEX_LIMIT);
	buf_init(&repl, LEX_LIMIT);
	int stopped = 0, rc = 0;
	if (process_stop_on(lx, "/}", true, &pat, NULL, &stopped) < 0) {
		rc = peek(lx) == LEX_EOF ? ls_fail(lx->err, "syntax error: missing '/' in ${}") : -1;
		goto out;
	}
	if (stopped == '/' && process_stop_on(lx, "}", true, &repl, NULL, &stopped) < 0) {
		rc = peek(lx) == LEX_EOF ? ls_fail(lx->err, "syntax error: missing '}'") : -1;
		goto out;
	}
	const char *p = pat.data ? pat.data : "", *r = repl.data ? repl.data : "";
	const char *value = get_env(lx, name);
	if (lx->skip_unset && !value) {
		char *s = xasprintf("${%s/%s/%s}", name, p, r);
		rc = put(lx, out, s, strlen(s));
		free(s);
		goto out;
	}
	char *res = replace_pattern(value ? value : "", p, r, all);
	rc = put(lx, out, res, strlen(res));
	free(res);
out:
	buf_release(&pat);
	buf_release(&repl);
	return rc;
}

static int process_dollar(struct lexer *lx, struct buf *out)
{
	next(lx); /* '$' */
	if (peek(lx) != '{') {
		cleanup_free char *name = process_name(lx);
		if (!*name)
			return put(lx, out, "$", 1);
		const char *v = get_env(lx, name);
		if (!v && lx->skip_unset) {
			cleanup_free char *s = xasprintf("$%s", name);
			return put(lx, out, s, strlen(s));
		}
		return v ? put(lx, out, v, strlen(v)) : 0;
	}
	next(lx); /* '{' */
	int c = peek(lx);
	if (c == LEX_EOF)
		return ls_fail(lx->err, "syntax error: missing '}'");
	if (c == '{' || c == '}' || c == ':')
		return ls_fail(lx->err, "syntax error: bad substitution");
	cleanup_free char *name = process_name(lx);
	c = next(lx);
	char mod[3] = {(char)(c == LEX_EOF ? 0 : c), 0, 0};
	switch (c) {
	case '}': {
		const char *v = get_env(lx, name);
		if (!v && lx->skip_unset) {
			cleanup_free char *s = xasprintf("${%s}", name);
			return put(lx, out, s, strlen(s));
		}
		return v ? put(lx, out, v, strlen(v)) : 0;
	}
	case ':':
		c = next(lx);
		mod[1] = (char)(c == LEX_EOF ? 0 : c);
		return dollar_modifier(lx, out, name, c, true, mod);
	case '+':
	case '-':
	case '?':
	case '#':
	case '%':
		return dollar_modifier(lx, out, name, c, false, mod);
	case '/':
		return dollar_replace(lx, out, name);
	case LEX_EOF:
		return ls_fail(lx->err, "syntax error: missing '}'");
	default:
		return ls_fail(lx->err, "unsupported modifier (%s) in substitution", mod);
	}
}

/* BuildKit's processStopOn: read until one of `stops` (consumed; *stopped set) or the end
 * (an error when stops is not empty). Words are collected when w is not NULL. */
static int process_stop_on(struct lexer *lx, const char *stops, bool raw_escapes, struct buf *out,
			   struct words *w, int *stopped)
{
	bool saved_raw = lx->raw_escapes;
	if (*stops)
		lx->raw_escapes = raw_escapes;
	int rc = 0;
	*stopped = 0;
	while (peek(lx) != LEX_EOF) {
		int c = peek(lx);
		if (*stops && strchr(stops, c)) {
			next(lx);
			*stopped = c;
			goto done;
		}
		if (c == '$' || (!lx->skip_quotes && (c == '\'' || c == '"'))) {
			struct buf tmp;
			buf_init(&tmp, LEX_LIMIT);
			rc = c == '$' ? process_dollar(lx, &tmp)
				      : c == '\'' ? process_single_quote(lx, &tmp)
						  : process_double_quote(lx, &tmp);
			const char *t = tmp.data ? tmp.data : "";
			if (rc == 0)
				rc = put(lx, out, t, tmp.len);
			if (rc == 0 && w)
				rc = c == '$' ? words_add_string(lx, w, t, tmp.len)
					      : words_add_raw_string(lx, w, t, tmp.len);
			buf_release(&tmp);
			if (rc < 0)
				goto done;
			continue;
		}
		c = next(lx);
		if (c == lx->escape) {
			if (lx->raw_escapes) {
				if ((w && words_add_raw_char(lx, w, c) < 0) || putc_(lx, out, c) < 0) {
					rc = -1;
					goto done;
				}
			}
			c = next(lx);
			if (c == LEX_EOF)
				break;
			if (w && words_add_raw_char(lx, w, c) < 0) {
				rc = -1;
				goto done;
			}
		} else if (w && words_add_char(lx, w, c) < 0) {
			rc = -1;
			goto done;
		}
		if (putc_(lx, out, c) < 0) {
			rc = -1;
			goto done;
		}
	}
	if (*stops)
		rc = ls_fail(lx->err, "unexpected end of statement while looking for matching %c",
			     stops[strlen(stops) - 1]);
done:
	lx->raw_escapes = saved_raw;
	return rc;
}

static void lexer_init(struct lexer *lx, const char *s, const struct shell_env *env, char escape,
		       int options, ls_error *err)
{
	static const struct shell_env empty;
	memset(lx, 0, sizeof(*lx));
	lx->s = s;
	lx->len = strlen(s);
	lx->env = (options & SHELL_NO_EXPAND) || !env ? &empty : env;
	lx->escape = (unsigned char)escape;
	lx->raw_quotes = options & SHELL_RAW_QUOTES;
	lx->raw_escapes = options & SHELL_RAW_ESCAPES;
	lx->skip_unset = (options & (SHELL_SKIP_UNSET | SHELL_NO_EXPAND)) != 0;
	lx->err = err;
}

static int lex(const char *text, const struct shell_env *env, char escape, int options,
	       char **out, char ***words, size_t *n_words, char ***unmatched, size_t *n_unmatched,
	       ls_error *err)
{
	struct lexer lx;
	lexer_init(&lx, text, env, escape, options, err);
	struct buf result;
	struct words w = {0};
	buf_init(&result, LEX_LIMIT);
	buf_init(&w.word, LEX_LIMIT);
	int stopped;
	int rc = process_stop_on(&lx, "", false, &result, words ? &w : NULL, &stopped);
	if (rc == 0 && words) {
		words_flush(&w);
		*words = w.v;
		*n_words = w.n;
		w.v = NULL;
		w.n = 0;
	}
	if (rc == 0 && out) {
		*out = buf_detach(&result, NULL);
		if (!*out)
			*out = xstrdup("");
	}
	if (unmatched) {
		*unmatched = lx.unmatched;
		*n_unmatched = lx.n_unmatched;
	} else {
		shell_strv_free(lx.unmatched, lx.n_unmatched);
	}
	if (rc < 0)
		ls_wrap(err, "failed to process \"%s\"", text);
	shell_strv_free(w.v, w.n);
	buf_release(&w.word);
	buf_release(&result);
	return rc;
}

int shell_expand_word(const char *word, const struct shell_env *env, char escape, int options,
		      char **out, char ***unmatched, size_t *n_unmatched, ls_error *err)
{
	return lex(word, env, escape, options, out, NULL, NULL, unmatched, n_unmatched, err);
}

int shell_split_words(const char *text, const struct shell_env *env, char escape, int options,
		      char ***words, size_t *n_words, ls_error *err)
{
	*words = NULL;
	*n_words = 0;
	return lex(text, env, escape, options, NULL, words, n_words, NULL, NULL, err);
}
