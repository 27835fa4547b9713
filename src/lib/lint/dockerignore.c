/* .dockerignore: moby/patternmatcher's ignorefile.ReadAll, New, Pattern.compile/match,
 * MatchesOrParentMatches and MatchesUsingParentResults, and tonistiigi/fsutil's rule for
 * skipping excluded directories, in C. The comments name the Go function each part mirrors. */
#include "lint/dockerignore.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lint/dockerignore_regex.h"
#include "util/buf.h"
#include "util/mem.h"

/* bufio.Scanner's default limit: ReadAll fails on a longer line ("token too long"). */
#define MAX_LINE (64 * 1024)
#define MAX_FILE (64u * 1024 * 1024)

enum match_type { MATCH_EXACT, MATCH_PREFIX, MATCH_SUFFIX, MATCH_REGEX, MATCH_BAD };

struct pattern {
	char *text; /* cleaned, without '!' */
	bool exception;
	enum match_type type;
	struct gorx *rx;
	char *bad_reason; /* MATCH_BAD: why Go's regexp.Compile rejects the translation */
};

struct dockerignore {
	struct pattern *p;
	size_t n, cap;
	bool exceptions;
	bool only_prefix_exceptions; /* fsutil's onlyPrefixExcludeExceptions */
};

/* ---- Go string helpers ---- */

static bool is_go_space(uint32_t r)
{
	switch (r) {
	case '\t': case '\n': case '\v': case '\f': case '\r': case ' ':
	case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F:
	case 0x3000:
		return true;
	default:
		return r >= 0x2000 && r <= 0x200A;
	}
}

/* strings.TrimSpace over s[*start, *end). */
static void trim_space(const char *s, size_t *start, size_t *end)
{
	size_t w;
	while (*start < *end) {
		uint32_t r = go_decode_rune(s + *start, *end - *start, &w);
		if (!is_go_space(r) || (r == 0xFFFD && w == 1))
			break;
		*start += w;
	}
	while (*end > *start) {
		size_t b = *end - 1;
		/* Step back to the first byte of the last rune (at most 4 bytes). */
		while (b > *start && *end - b < 4 && ((unsigned char)s[b] & 0xC0) == 0x80)
			b--;
		uint32_t r = go_decode_rune(s + b, *end - b, &w);
		if (b + w != *end) {
			b = *end - 1;
			r = 0xFFFD;
		}
		if (!is_go_space(r))
			break;
		*end = b;
	}
}

/* path.Clean (filepath.Clean on Unix): returns a new string. */
static char *go_clean(const char *path, size_t n)
{
	char *out;
	size_t w = 0, r = 0, dotdot = 0;
	bool rooted;
	if (n == 0)
		return xstrdup(".");
	out = xmalloc(n + 2);
	rooted = path[0] == '/';
	if (rooted) {
		out[w++] = '/';
		r = dotdot = 1;
	}
	while (r < n) {
		if (path[r] == '/') {
			r++;
		} else if (path[r] == '.' && (r + 1 == n || path[r + 1] == '/')) {
			r++;
		} else if (path[r] == '.' && path[r + 1] == '.' && (r + 2 == n || path[r + 2] == '/')) {
			r += 2;
			if (w > dotdot) {
				w--;
				while (w > dotdot && out[w] != '/')
					w--;
			} else if (!rooted) {
				if (w > 0)
					out[w++] = '/';
				out[w++] = '.';
				out[w++] = '.';
				dotdot = w;
			}
		} else {
			if ((rooted && w != 1) || (!rooted && w != 0))
				out[w++] = '/';
			for (; r < n && path[r] != '/'; r++)
				out[w++] = path[r];
		}
	}
	if (w == 0)
		out[w++] = '.';
	out[w] = '\0';
	return out;
}

/* ---- filepath.Match syntax check (what New does with Match(p, ".")) ---- */

/* getEsc: one class character, possibly escaped; advances *i. */
static bool glob_class_char(const char *p, size_t n, size_t *i)
{
	size_t w;
	if (*i >= n || p[*i] == '-' || p[*i] == ']')
		return false;
	if (p[*i] == '\\') {
		(*i)++;
		if (*i >= n)
			return false;
	}
	uint32_t r = go_decode_rune(p + *i, n - *i, &w);
	if (r == 0xFFFD && w == 1 && (unsigned char)p[*i] >= 0x80)
		return false;
	*i += w;
	return *i < n; /* the class must still be closed */
}

/* Go's Match checks the whole pattern's syntax whatever the name, so this is exact. */
static bool glob_valid(const char *p)
{
	size_t n = strlen(p), i = 0;
	while (i < n) {
		if (p[i] == '\\') {
			if (i + 1 >= n)
				return false;
			i += 2;
		} else if (p[i] == '[') {
			size_t nrange = 0;
			i++;
			if (i < n && p[i] == '^')
				i++;
			for (;;) {
				if (i < n && p[i] == ']' && nrange > 0) {
					i++;
					break;
				}
				if (!glob_class_char(p, n, &i))
					return false;
				if (p[i] == '-') {
					i++;
					if (!glob_class_char(p, n, &i))
						return false;
				}
				nrange++;
			}
		} else {
			i++;
		}
	}
	return true;
}

/* ---- Pattern.compile ---- */

static bool should_escape(uint32_t c)
{
	return c < 0x80 && strchr(".+()|{}$", (int)c) && c != 0;
}

static void append_rune(struct buf *b, uint32_t r)
{
	char u[4];
	size_t n;
	if (r < 0x80) {
		u[0] = (char)r;
		n = 1;
	} else if (r < 0x800) {
		u[0] = (char)(0xC0 | (r >> 6));
		u[1] = (char)(0x80 | (r & 0x3F));
		n = 2;
	} else if (r < 0x10000) {
		u[0] = (char)(0xE0 | (r >> 12));
		u[1] = (char)(0x80 | ((r >> 6) & 0x3F));
		u[2] = (char)(0x80 | (r & 0x3F));
		n = 3;
	} else {
		u[0] = (char)(0xF0 | (r >> 18));
		u[1] = (char)(0x80 | ((r >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((r >> 6) & 0x3F));
		u[3] = (char)(0x80 | (r & 0x3F));
		n = 4;
	}
	buf_append(b, u, n, NULL);
}

static void append_str(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s), NULL);
}

/* Translate the glob to a Go regexp as patternmatcher does, and pick the match type. */
static void compile_pattern(struct pattern *pat)
{
	const char *s = pat->text;
	size_t n = strlen(s), pos = 0, w;
	enum match_type type = MATCH_EXACT;
	struct buf re;
	ls_error err = {{0}};

	buf_init(&re, 0);
	append_str(&re, "^");
	for (size_t i = 0; pos < n; i++) {
		uint32_t ch = go_decode_rune(s + pos, n - pos, &w);
		pos += w;
		if (ch == '*') {
			if (pos < n && s[pos] == '*') {
				pos++;
				if (pos < n && s[pos] == '/') /* treat **\/ as ** */
					pos++;
				if (pos == n) {
					if (type == MATCH_EXACT) {
						type = MATCH_PREFIX;
					} else {
						append_str(&re, ".*");
						type = MATCH_REGEX;
					}
				} else {
					append_str(&re, "(.*/)?");
					type = MATCH_REGEX;
				}
				if (i == 0)
					type = MATCH_SUFFIX;
			} else {
				append_str(&re, "[^/]*");
				type = MATCH_REGEX;
			}
		} else if (ch == '?') {
			append_str(&re, "[^/]");
			type = MATCH_REGEX;
		} else if (should_escape(ch)) {
			append_str(&re, "\\");
			append_rune(&re, ch);
		} else if (ch == '\\') {
			if (pos < n) {
				append_str(&re, "\\");
				append_rune(&re, go_decode_rune(s + pos, n - pos, &w));
				pos += w;
				type = MATCH_REGEX;
			} else {
				append_str(&re, "\\");
			}
		} else if (ch == '[' || ch == ']') {
			append_rune(&re, ch);
			type = MATCH_REGEX;
		} else {
			append_rune(&re, ch);
		}
	}
	if (type == MATCH_REGEX) {
		append_str(&re, "$");
		if (gorx_compile(re.data, &pat->rx, &err) < 0) {
			type = MATCH_BAD;
			pat->bad_reason = xstrdup(err.msg);
		}
	}
	pat->type = type;
	buf_release(&re);
}

/* Pattern.match */
static int pattern_match(const struct pattern *pat, const char *path, size_t len, bool *m,
			 ls_error *err)
{
	size_t plen = strlen(pat->text);
	switch (pat->type) {
	case MATCH_EXACT:
		*m = len == plen && !memcmp(path, pat->text, len);
		return 0;
	case MATCH_PREFIX:
		*m = len >= plen - 2 && !memcmp(path, pat->text, plen - 2);
		return 0;
	case MATCH_SUFFIX: {
		const char *suffix = pat->text + 2;
		size_t slen = plen - 2;
		*m = (len >= slen && !memcmp(path + len - slen, suffix, slen)) ||
		     (suffix[0] == '/' && len == slen - 1 && !memcmp(path, suffix + 1, len));
		return 0;
	}
	case MATCH_REGEX:
		*m = gorx_match(pat->rx, path, len);
		return 0;
	default:
		*m = false;
		return ls_fail(err, "invalid pattern '%s%s': syntax error in pattern (%s)",
			       pat->exception ? "!" : "", pat->text, pat->bad_reason);
	}
}

/* ---- New ---- */

static void patterns_release(struct dockerignore *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->p[i].text);
		gorx_free(d->p[i].rx);
		free(d->p[i].bad_reason);
	}
	free(d->p);
}

void dockerignore_free(struct dockerignore *d)
{
	if (!d)
		return;
	patterns_release(d);
	free(d);
}

/* fsutil's patternWithoutTrailingGlob, returned as a length of pat->text. */
static size_t without_trailing_glob(const char *t)
{
	size_t n = strlen(t);
	if (n >= 3 && !strcmp(t + n - 3, "/**"))
		n -= 3;
	if (n >= 2 && !memcmp(t + n - 2, "/*", 2))
		n -= 2;
	return n;
}

static bool has_glob_chars(const char *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strchr("*[]?^\\", t[i]))
			return true;
	return false;
}

/* One pattern as New handles it: trim, skip empty, Clean, '!', syntax check. */
static int add_pattern(struct dockerignore *d, const char *raw, size_t len, ls_error *err)
{
	size_t start = 0, end = len;
	char *clean;
	bool exception = false;

	trim_space(raw, &start, &end);
	if (start == end)
		return 0;
	clean = go_clean(raw + start, end - start);
	if (clean[0] == '!') {
		if (clean[1] == '\0') {
			free(clean);
			return ls_fail(err, "illegal exclusion pattern: \"!\"");
		}
		exception = true;
		memmove(clean, clean + 1, strlen(clean));
	}
	if (!glob_valid(clean)) {
		ls_fail(err, "invalid pattern '%s%s': syntax error in pattern", exception ? "!" : "",
			clean);
		free(clean);
		return -1;
	}
	d->p = xgrow(d->p, &d->cap, d->n + 1, sizeof(*d->p));
	struct pattern *pat = &d->p[d->n++];
	memset(pat, 0, sizeof(*pat));
	pat->text = clean;
	pat->exception = exception;
	compile_pattern(pat);
	if (exception) {
		d->exceptions = true;
		if (has_glob_chars(clean, without_trailing_glob(clean)))
			d->only_prefix_exceptions = false;
	}
	return 0;
}

static struct dockerignore *dockerignore_alloc(void)
{
	struct dockerignore *d = xcalloc(1, sizeof(*d));
	d->only_prefix_exceptions = true;
	return d;
}

int dockerignore_new(const char *const *patterns, size_t n, struct dockerignore **out,
		     ls_error *err)
{
	struct dockerignore *d = dockerignore_alloc();
	*out = NULL;
	for (size_t i = 0; i < n; i++) {
		if (add_pattern(d, patterns[i], strlen(patterns[i]), err) < 0) {
			dockerignore_free(d);
			return -1;
		}
	}
	*out = d;
	return 0;
}

/* ---- ignorefile.ReadAll ---- */

/* One line of the file to the pattern New receives: comments and blanks give NULL. */
static char *read_line_pattern(const char *line, size_t len)
{
	size_t start = 0, end = len;
	bool invert;
	char *clean, *res;

	if (len > 0 && line[0] == '#')
		return NULL;
	trim_space(line, &start, &end);
	if (start == end)
		return NULL;
	invert = line[start] == '!';
	if (invert) {
		start++;
		trim_space(line, &start, &end);
	}
	if (start == end)
		return xstrdup(invert ? "!" : "");
	clean = go_clean(line + start, end - start);
	const char *p = clean;
	if (strlen(p) > 1 && p[0] == '/')
		p++;
	res = xasprintf("%s%s", invert ? "!" : "", p);
	free(clean);
	return res;
}

int dockerignore_parse(const char *text, size_t len, struct dockerignore **out, ls_error *err)
{
	struct dockerignore *d = dockerignore_alloc();
	size_t pos = 0, lineno = 0;

	*out = NULL;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len, next = nl ? end + 1 : len;
		const char *line = text + pos;
		size_t n = end - pos;
		lineno++;
		if (n >= MAX_LINE) {
			dockerignore_free(d);
			return ls_fail(err, "line %zu: longer than %d bytes", lineno, MAX_LINE - 1);
		}
		if (n > 0 && line[n - 1] == '\r')
			n--;
		if (lineno == 1 && n >= 3 && !memcmp(line, "\xEF\xBB\xBF", 3)) {
			line += 3;
			n -= 3;
		}
		char *pat = read_line_pattern(line, n);
		if (pat) {
			int rc = add_pattern(d, pat, strlen(pat), err);
			free(pat);
			if (rc < 0) {
				dockerignore_free(d);
				return ls_wrap(err, "line %zu", lineno);
			}
		}
		pos = next;
	}
	*out = d;
	return 0;
}

int dockerignore_load(const char *path, struct dockerignore **out, ls_error *err)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char chunk[65536];
	size_t n;
	int rc;

	*out = NULL;
	if (!f)
		return ls_fail_errno(err, errno, "%s", path);
	buf_init(&b, MAX_FILE);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (buf_append(&b, chunk, n, err) < 0) {
			fclose(f);
			buf_release(&b);
			return ls_wrap(err, "%s", path);
		}
	}
	if (ferror(f)) {
		fclose(f);
		buf_release(&b);
		return ls_fail(err, "%s: read error", path);
	}
	fclose(f);
	rc = dockerignore_parse(b.data ? b.data : "", b.len, out, err);
	buf_release(&b);
	if (rc < 0)
		return ls_wrap(err, "%s", path);
	return 0;
}

/* ---- queries ---- */

size_t dockerignore_count(const struct dockerignore *d)
{
	return d->n;
}

const char *dockerignore_pattern(const struct dockerignore *d, size_t i, bool *exception)
{
	if (exception)
		*exception = d->p[i].exception;
	return d->p[i].text;
}

bool dockerignore_has_exceptions(const struct dockerignore *d)
{
	return d->exceptions;
}

/* Does the pattern match one of the parent directories of `file` (filepath.Dir(file),
 * split at '/', each prefix)? Errors are ignored here as in Go. */
static bool match_parents(const struct pattern *pat, const char *file, size_t len)
{
	size_t dirlen = len;
	bool m = false;
	while (dirlen > 0 && file[dirlen - 1] != '/')
		dirlen--;
	if (dirlen == 0)
		return false; /* filepath.Dir is "." */
	dirlen = dirlen > 1 ? dirlen - 1 : 1; /* "/x" has parent "/" */
	for (size_t j = 0; j <= dirlen && !m; j++) {
		if (j == dirlen || file[j] == '/')
			pattern_match(pat, file, j, &m, NULL);
	}
	return m;
}

/* MatchesOrParentMatches(file, patterns) */
int dockerignore_matches(const struct dockerignore *d, const char *path, bool *excluded,
			 ls_error *err)
{
	char *file = go_clean(path, strlen(path));
	size_t len = strlen(file);
	bool matched = false;

	*excluded = false;
	if (!strcmp(file, ".")) {
		free(file);
		return 0;
	}
	for (size_t i = 0; i < d->n; i++) {
		const struct pattern *pat = &d->p[i];
		bool m;
		if (pat->exception != matched)
			continue;
		if (pattern_match(pat, file, len, &m, err) < 0) {
			free(file);
			return -1;
		}
		if (!m)
			m = match_parents(pat, file, len);
		if (m)
			matched = !pat->exception;
	}
	free(file);
	*excluded = matched;
	return 0;
}

/* MatchesUsingParentResults(file, parentMatchInfo) */
int dockerignore_matches_walk(const struct dockerignore *d, const char *path, const bool *parent,
			      bool *self, bool *excluded, ls_error *err)
{
	size_t len = strlen(path);
	bool matched = false;

	for (size_t i = 0; i < d->n; i++) {
		const struct pattern *pat = &d->p[i];
		bool m = parent ? parent[i] : false;
		if (self)
			self[i] = false;
		if (!m) {
			if (pat->exception != matched)
				continue;
			if (pattern_match(pat, path, len, &m, err) < 0)
				return -1;
			if (!m && !parent)
				m = match_parents(pat, path, len);
		}
		if (self)
			self[i] = m;
		if (m)
			matched = !pat->exception;
	}
	*excluded = matched;
	return 0;
}

/* Could `pat` match some path strictly below dir (dirslash = "dir/")? True when unsure. */
static bool may_match_below(const struct pattern *pat, const char *dirslash, size_t n)
{
	size_t plen = strlen(pat->text);
	switch (pat->type) {
	case MATCH_EXACT:
		return plen > n && !memcmp(pat->text, dirslash, n);
	case MATCH_PREFIX:
		plen -= 2;
		return plen >= n ? !memcmp(pat->text, dirslash, n) : !memcmp(pat->text, dirslash, plen);
	case MATCH_REGEX:
		return gorx_prefix_alive(pat->rx, dirslash, n);
	default:
		return true;
	}
}

/* fsutil: skip an excluded dir when exceptions are all literal prefixes and none lies below. */
static bool fsutil_can_skip(const struct dockerignore *d, const char *dirslash, size_t n)
{
	if (!d->exceptions)
		return true;
	if (!d->only_prefix_exceptions)
		return false;
	for (size_t i = 0; i < d->n; i++) {
		const struct pattern *pat = &d->p[i];
		size_t plen;
		if (!pat->exception)
			continue;
		plen = without_trailing_glob(pat->text);
		/* HasPrefix(pattern + "/", dir + "/") */
		if (plen + 1 >= n && !memcmp(pat->text, dirslash, n - 1) &&
		    (plen + 1 == n ? true : pat->text[n - 1] == '/'))
			return false;
	}
	return true;
}

bool dockerignore_walk_can_skip(const struct dockerignore *d, const char *dir)
{
	char *dirslash = xasprintf("%s/", dir);
	size_t n = strlen(dirslash);
	bool skip = fsutil_can_skip(d, dirslash, n);
	if (!skip) {
		skip = true;
		for (size_t i = 0; i < d->n && skip; i++)
			if (d->p[i].exception && may_match_below(&d->p[i], dirslash, n))
				skip = false;
	}
	free(dirslash);
	return skip;
}

bool dockerignore_can_skip_dir(const struct dockerignore *d, const char *dir)
{
	bool excluded;
	char *clean, *dirslash;
	size_t n;
	bool skip = true;

	if (dockerignore_matches(d, dir, &excluded, NULL) < 0 || !excluded)
		return false;
	clean = go_clean(dir, strlen(dir));
	if (!strcmp(clean, ".")) {
		free(clean);
		return false;
	}
	dirslash = xasprintf("%s/", clean);
	n = strlen(dirslash);
	/* With MatchesOrParentMatches, an exception gives every path below the same answer it
	 * gives dir when it cannot match below dir, or when it already matches dir or a parent. */
	for (size_t i = 0; i < d->n && skip; i++) {
		const struct pattern *pat = &d->p[i];
		bool m = false;
		if (!pat->exception || !may_match_below(pat, dirslash, n))
			continue;
		if (pattern_match(pat, clean, n - 1, &m, NULL) < 0 || !m)
			m = match_parents(pat, clean, n - 1);
		if (!m)
			skip = false;
	}
	free(clean);
	free(dirslash);
	return skip;
}
