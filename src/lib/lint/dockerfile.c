/* The Dockerfile parser, a port of BuildKit's frontend/dockerfile/parser (parser.go,
 * line_parsers.go, directives.go): the same line scanning, continuation and comment rules,
 * directive quirks, heredoc detection and per-instruction argument parsers, so that the AST
 * (and its `result` dump) matches BuildKit's. */
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "lint/dockerfile.h"
#include "util/mem.h"

struct strv {
	char **v;
	size_t n, cap;
};

static void strv_push(struct strv *s, char *owned)
{
	s->v = xgrow(s->v, &s->cap, s->n + 1, sizeof(*s->v));
	s->v[s->n++] = owned;
}

static void strv_pushn(struct strv *s, const char *p, size_t n)
{
	strv_push(s, xstrndup(p, n));
}

struct parser {
	struct dockerfile *df;
	const char *text;
	size_t len, pos;
	int line; /* lines consumed so far */
	/* directive parser (BuildKit's DirectiveParser) */
	bool dir_done, seen_syntax, seen_escape, seen_check;
	size_t cap_ins, cap_comments, cap_warnings, cap_stages;
	ls_error *err;
};

static bool is_ws(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* reWhitespace = [\t\v\f\r ]+ */
static bool is_re_ws(int c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

static const struct {
	const char *name;
	enum df_cmd cmd;
} commands[] = {
	{"add", DF_ADD},
	{"arg", DF_ARG},
	{"cmd", DF_CMD},
	{"copy", DF_COPY},
	{"entrypoint", DF_ENTRYPOINT},
	{"env", DF_ENV},
	{"expose", DF_EXPOSE},
	{"from", DF_FROM},
	{"healthcheck", DF_HEALTHCHECK},
	{"label", DF_LABEL},
	{"maintainer", DF_MAINTAINER},
	{"onbuild", DF_ONBUILD},
	{"run", DF_RUN},
	{"shell", DF_SHELL},
	{"stopsignal", DF_STOPSIGNAL},
	{"user", DF_USER},
	{"volume", DF_VOLUME},
	{"workdir", DF_WORKDIR},
};

const char *df_cmd_name(enum df_cmd cmd)
{
	static const char *upper[] = {"",	     "ADD",	    "ARG",	"CMD",	    "COPY",
				      "ENTRYPOINT", "ENV",	    "EXPOSE",	"FROM",	    "HEALTHCHECK",
				      "LABEL",	     "MAINTAINER", "ONBUILD",	"RUN",	    "SHELL",
				      "STOPSIGNAL", "USER",	    "VOLUME",	"WORKDIR"};
	return (size_t)cmd < sizeof(upper) / sizeof(*upper) ? upper[cmd] : "";
}

static enum df_cmd cmd_lookup(const char *word)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(*commands); i++)
		if (!strcasecmp(word, commands[i].name))
			return commands[i].cmd;
	return DF_UNKNOWN;
}

const char *df_flag_get(const struct df_instruction *in, const char *name)
{
	for (size_t i = 0; i < in->n_flags; i++)
		if (!strcmp(in->flags[i].name, name))
			return in->flags[i].value ? in->flags[i].value : "";
	return NULL;
}

/* ---- scanning ----------------------------------------------------------------------- */

/* Next physical line including its '\n' (bufio.Scanner with BuildKit's scanLines). */
static bool scan(struct parser *p, const char **line, size_t *n)
{
	if (p->pos >= p->len)
		return false;
	const char *s = p->text + p->pos;
	const char *nl = memchr(s, '\n', p->len - p->pos);
	*n = nl ? (size_t)(nl - s) + 1 : p->len - p->pos;
	*line = s;
	p->pos += *n;
	return true;
}

static size_t trim_newline(const char *s, size_t n)
{
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	return n;
}

static const char *trim_left(const char *s, size_t *n)
{
	while (*n && is_ws((unsigned char)*s)) {
		s++;
		(*n)--;
	}
	return s;
}

static bool is_comment(const char *s, size_t n)
{
	n = trim_newline(s, n);
	s = trim_left(s, &n);
	return n > 0 && *s == '#';
}

static bool is_empty_continuation_line(const char *s, size_t n)
{
	n = trim_newline(s, n);
	trim_left(s, &n);
	return n == 0;
}

static bool re_space(int c) /* RE2's \s */
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

/* `^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$` on the (left-trimmed) line. */
static int possible_directive(struct parser *p, const char *s, size_t n)
{
	p->line++;
	if (p->dir_done)
		return 0;
	size_t i = 0;
	if (n == 0 || s[0] != '#') {
		p->dir_done = true;
		return 0;
	}
	i = 1;
	while (i < n && re_space((unsigned char)s[i]))
		i++;
	size_t ks = i;
	if (i < n && isalpha((unsigned char)s[i])) {
		while (i < n && isalnum((unsigned char)s[i]))
			i++;
	}
	size_t ke = i;
	while (i < n && re_space((unsigned char)s[i]))
		i++;
	if (ke == ks || i >= n || s[i] != '=') {
		p->dir_done = true;
		return 0;
	}
	i++;
	while (i < n && re_space((unsigned char)s[i]))
		i++;
	size_t ve = n;
	while (ve > i && re_space((unsigned char)s[ve - 1]))
		ve--;
	if (ve == i) {
		p->dir_done = true;
		return 0;
	}
	char key[16];
	size_t kl = ke - ks;
	if (kl >= sizeof(key)) {
		p->dir_done = true;
		return 0;
	}
	for (size_t k = 0; k < kl; k++)
		key[k] = (char)tolower((unsigned char)s[ks + k]);
	key[kl] = '\0';
	bool *seen = !strcmp(key, "syntax")   ? &p->seen_syntax
		     : !strcmp(key, "escape") ? &p->seen_escape
		     : !strcmp(key, "check")  ? &p->seen_check
					      : NULL;
	if (!seen) {
		p->dir_done = true;
		return 0;
	}
	if (*seen)
		return ls_fail(p->err, "only one %s parser directive can be used", key);
	*seen = true;
	char *value = xstrndup(s + i, ve - i);
	if (!strcmp(key, "escape")) {
		if (strcmp(value, "`") && strcmp(value, "\\")) {
			ls_fail(p->err, "invalid escape token '%s' does not match ` or \\", value);
			free(value);
			return -1;
		}
		p->df->escape = value[0];
		free(value);
	} else if (!strcmp(key, "syntax")) {
		p->df->syntax = value;
	} else {
		p->df->check = value;
		p->df->check_line = p->line;
	}
	return 0;
}

/* BuildKit's processLine: trim the newline (and leading space on an instruction's first line),
 * feed the directive parser, drop comments. */
static int process_line(struct parser *p, const char *s, size_t n, bool strip_left,
			const char **out, size_t *out_n)
{
	n = trim_newline(s, n);
	if (strip_left)
		s = trim_left(s, &n);
	if (possible_directive(p, s, n) < 0)
		return -1;
	if (n > 0 && s[0] == '#')
		n = 0;
	*out = s;
	*out_n = n;
	return 0;
}

/* BuildKit's lineContinuationRegex `([^E]|^)E[ \t]*$` (E the escape): remove the escape and
 * trailing blanks; returns true when the line continues. A doubled escape at the end is an
 * escaped escape, not a continuation. */
static bool trim_continuation(const struct parser *p, const char *s, size_t *n)
{
	size_t e = *n;
	while (e > 0 && (s[e - 1] == ' ' || s[e - 1] == '\t'))
		e--;
	if (e > 0 && s[e - 1] == p->df->escape && (e == 1 || s[e - 2] != p->df->escape)) {
		*n = e - 1;
		return true;
	}
	return false;
}

/* ---- instruction parsers (line_parsers.go) ----------------------------------------- */

/* extractBuilderFlags: leading "--flag" words (quotes removed); returns the rest. */
static const char *extract_flags(const char *line, struct strv *flags)
{
	size_t len = strlen(line);
	enum { IN_SPACES, IN_WORD, IN_QUOTE } phase = IN_SPACES;
	struct strv words = {0};
	char *word = xmalloc(len + 1);
	size_t wl = 0;
	int quote = 0;
	bool blank_ok = false;
	const char *rest = line + len;
	for (size_t pos = 0; pos <= len; pos++) {
		int ch = pos < len ? (unsigned char)line[pos] : 0;
		if (phase == IN_SPACES) {
			if (pos == len)
				break;
			if (is_ws(ch))
				continue;
			if (ch != '-' || pos + 1 == len || line[pos + 1] != '-') {
				rest = line + pos;
				goto out;
			}
			phase = IN_WORD;
		}
		if (pos == len) {
			if (!(wl == 2 && !memcmp(word, "--", 2)) && (blank_ok || wl > 0))
				strv_pushn(&words, word, wl);
			break;
		}
		if (phase == IN_WORD) {
			if (is_ws(ch)) {
				phase = IN_SPACES;
				if (wl == 2 && !memcmp(word, "--", 2)) {
					rest = line + pos;
					goto out;
				}
				if (blank_ok || wl > 0)
					strv_pushn(&words, word, wl);
				wl = 0;
				blank_ok = false;
				continue;
			}
			if (ch == '\'' || ch == '"') {
				quote = ch;
				blank_ok = true;
				phase = IN_QUOTE;
				continue;
			}
			if (ch == '\\') {
				if (pos + 1 == len)
					continue;
				ch = (unsigned char)line[++pos];
			}
			word[wl++] = (char)ch;
			continue;
		}
		/* IN_QUOTE */
		if (ch == quote) {
			phase = IN_WORD;
			continue;
		}
		if (ch == '\\') {
			if (pos + 1 == len) {
				phase = IN_WORD;
				continue;
			}
			ch = (unsigned char)line[++pos];
		}
		word[wl++] = (char)ch;
	}
out:
	free(word);
	*flags = words;
	return rest;
}

/* parseWords: words with quotes and escapes kept (stripped later by the lexer). */
static void parse_words(const char *rest, char escape, struct strv *out)
{
	size_t len = strlen(rest);
	enum { IN_SPACES, IN_WORD, IN_QUOTE } phase = IN_SPACES;
	char *word = xmalloc(2 * len + 2);
	size_t wl = 0;
	int quote = 0;
	bool blank_ok = false;
	for (size_t pos = 0; pos <= len; pos++) {
		int ch = pos < len ? (unsigned char)rest[pos] : 0;
		if (phase == IN_SPACES) {
			if (pos == len)
				break;
			if (is_ws(ch))
				continue;
			phase = IN_WORD;
		}
		if (pos == len) {
			if (blank_ok || wl > 0)
				strv_pushn(out, word, wl);
			break;
		}
		if (phase == IN_WORD) {
			if (is_ws(ch)) {
				phase = IN_SPACES;
				if (blank_ok || wl > 0)
					strv_pushn(out, word, wl);
				wl = 0;
				blank_ok = false;
				continue;
			}
			if (ch == '\'' || ch == '"') {
				quote = ch;
				blank_ok = true;
				phase = IN_QUOTE;
			}
			if (ch == (unsigned char)escape) {
				if (pos + 1 == len)
					continue;
				word[wl++] = (char)ch;
				ch = (unsigned char)rest[++pos];
			}
			word[wl++] = (char)ch;
			continue;
		}
		/* IN_QUOTE */
		if (ch == quote)
			phase = IN_WORD;
		if (ch == (unsigned char)escape && quote != '\'') {
			if (pos + 1 == len) {
				phase = IN_WORD;
				continue;
			}
			word[wl++] = (char)ch;
			ch = (unsigned char)rest[++pos];
		}
		word[wl++] = (char)ch;
	}
	free(word);
}

static void split_whitespace(const char *rest, struct strv *out)
{
	/* regexp.Split(rest, -1) on [\t\v\f\r ]+ (rest is already trimmed, so no empty parts
	 * in practice; Go would keep them) */
	const char *s = rest;
	for (;;) {
		const char *e = s;
		while (*e && !is_re_ws((unsigned char)*e))
			e++;
		if (!*e) {
			strv_pushn(out, s, (size_t)(e - s));
			break;
		}
		strv_pushn(out, s, (size_t)(e - s));
		while (*e && is_re_ws((unsigned char)*e))
			e++;
		s = e;
		if (!*s) {
			strv_push(out, xstrdup(""));
			break;
		}
	}
}

/* A JSON string as a C string; an embedded NUL becomes the overlong pair C0 80 ("modified
 * UTF-8") so nothing is cut, and the dump prints it back as \x00. */
static char *json_string_dup(const json_t *v)
{
	const char *s = json_string_value(v);
	size_t n = json_string_length(v), extra = 0;
	for (size_t i = 0; i < n; i++)
		extra += s[i] == '\0';
	char *out = xmalloc(n + extra + 1), *o = out;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\0') {
			*o++ = (char)0xC0;
			*o++ = (char)0x80;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

/* 1: not JSON (fall back), 0: parsed, -1: JSON but not an array of strings. */
static int parse_json(const char *rest, struct strv *out)
{
	while (*rest && is_ws((unsigned char)*rest))
		rest++;
	if (*rest != '[')
		return 1;
	json_error_t jerr;
	json_t *arr = json_loadb(rest, strlen(rest), JSON_DISABLE_EOF_CHECK | JSON_ALLOW_NUL, &jerr);
	if (!arr)
		return 1;
	if (!json_is_array(arr)) {
		json_decref(arr);
		return 1;
	}
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) {
		if (!json_is_string(v)) {
			json_decref(arr);
			for (size_t k = 0; k < out->n; k++)
				free(out->v[k]);
			out->n = 0;
			return -1;
		}
		strv_push(out, json_string_dup(v));
	}
	json_decref(arr);
	return 0;
}

static char *unquote(const char *value, char escape)
{
	char *out = NULL;
	ls_error e;
	if (shell_expand_word(value, NULL, escape, SHELL_NO_EXPAND, &out, NULL, NULL, &e) < 0)
		return xstrdup(value);
	return out;
}

static void kv_push(struct df_instruction *in, size_t *cap, const char *key, const char *value,
		    bool legacy, char escape)
{
	in->kvs = xgrow(in->kvs, cap, in->n_kvs + 1, sizeof(*in->kvs));
	struct df_kv *kv = &in->kvs[in->n_kvs++];
	kv->key = xstrdup(key);
	kv->value = value ? xstrdup(value) : NULL;
	kv->unquoted = value ? unquote(value, escape) : NULL;
	kv->legacy = legacy;
}

/* parseNameVal (ENV, LABEL): "k v" (legacy) or k=v pairs; args get key/value/sep triples. */
static int parse_name_val(struct parser *p, struct df_instruction *in, const char *rest,
			  struct strv *args)
{
	struct strv words = {0};
	parse_words(rest, p->df->escape, &words);
	size_t cap = 0;
	int rc = 0;
	if (words.n == 0)
		goto out;
	if (!strchr(words.v[0], '=')) {
		const char *e = rest;
		while (*e && !is_re_ws((unsigned char)*e))
			e++;
		if (!*e) {
			rc = ls_fail(p->err, "%s must have two arguments", df_cmd_name(in->cmd));
			goto out;
		}
		char *key = xstrndup(rest, (size_t)(e - rest));
		while (*e && is_re_ws((unsigned char)*e))
			e++;
		strv_push(args, key);
		strv_push(args, xstrdup(e));
		strv_push(args, xstrdup(""));
		kv_push(in, &cap, key, e, true, p->df->escape);
		goto out;
	}
	for (size_t i = 0; i < words.n; i++) {
		char *eq = strchr(words.v[i], '=');
		if (!eq) {
			rc = ls_fail(p->err, "Syntax error - can't find = in \"%s\". Must be of the "
					     "form: name=value", words.v[i]);
			goto out;
		}
		*eq = '\0';
		strv_push(args, xstrdup(words.v[i]));
		strv_push(args, xstrdup(eq + 1));
		strv_push(args, xstrdup("="));
		kv_push(in, &cap, words.v[i], eq + 1, false, p->df->escape);
	}
out:
	for (size_t i = 0; i < words.n; i++)
		free(words.v[i]);
	free(words.v);
	return rc;
}

static void parse_arg(struct parser *p, struct df_instruction *in, const char *rest,
		      struct strv *args)
{
	struct strv words = {0};
	parse_words(rest, p->df->escape, &words);
	size_t cap = 0;
	for (size_t i = 0; i < words.n; i++) {
		char *eq = strchr(words.v[i], '=');
		if (eq) {
			char *key = xstrndup(words.v[i], (size_t)(eq - words.v[i]));
			kv_push(in, &cap, key, eq + 1, false, p->df->escape);
			free(key);
		} else {
			kv_push(in, &cap, words.v[i], NULL, false, p->df->escape);
		}
		strv_push(args, words.v[i]);
	}
	free(words.v);
}

static int parse_maybe_json(struct df_instruction *in, const char *rest, struct strv *args,
			    bool to_list, struct parser *p)
{
	if (!*rest && !to_list)
		return 0;
	int rc = parse_json(rest, args);
	if (rc == 0) {
		in->json_form = true;
		return 0;
	}
	if (rc < 0)
		return ls_fail(p->err, "dockerfile: JSON arguments must be an array of strings");
	if (to_list) {
		if (*rest)
			split_whitespace(rest, args);
	} else {
		strv_push(args, xstrdup(rest));
	}
	return 0;
}

static int parse_healthcheck(struct parser *p, struct df_instruction *in, const char *rest,
			     struct strv *args)
{
	size_t sep = 0;
	while (rest[sep] && !is_ws((unsigned char)rest[sep]))
		sep++;
	size_t nx = sep;
	while (rest[nx] && is_ws((unsigned char)rest[nx]))
		nx++;
	if (sep == 0)
		return 0;
	strv_pushn(args, rest, sep);
	return parse_maybe_json(in, rest + nx, args, false, p);
}

static void instruction_free(struct df_instruction *in);

static int node_from_line(struct parser *p, const char *line, struct df_instruction *in);

static int dispatch(struct parser *p, struct df_instruction *in, const char *rest,
		    struct strv *args)
{
	switch (in->cmd) {
	case DF_ADD:
	case DF_COPY:
	case DF_VOLUME:
		return parse_maybe_json(in, rest, args, true, p);
	case DF_ARG:
		parse_arg(p, in, rest, args);
		return 0;
	case DF_CMD:
	case DF_ENTRYPOINT:
	case DF_RUN:
	case DF_SHELL:
		return parse_maybe_json(in, rest, args, false, p);
	case DF_ENV:
	case DF_LABEL:
		return parse_name_val(p, in, rest, args);
	case DF_EXPOSE:
	case DF_FROM:
		if (*rest)
			split_whitespace(rest, args);
		return 0;
	case DF_HEALTHCHECK:
		return parse_healthcheck(p, in, rest, args);
	case DF_MAINTAINER:
	case DF_STOPSIGNAL:
	case DF_USER:
	case DF_WORKDIR:
		if (*rest)
			strv_push(args, xstrdup(rest));
		return 0;
	case DF_ONBUILD:
		if (!*rest)
			return 0;
		in->sub = xcalloc(1, sizeof(*in->sub));
		in->sub->line_start = in->line_start;
		in->sub->line_end = in->line_end;
		in->sub->column = in->column;
		in->sub->stage = in->stage;
		return node_from_line(p, rest, in->sub);
	case DF_UNKNOWN:
		return 0;
	}
	return 0;
}

static void flag_split(struct df_instruction *in, struct strv *raw)
{
	in->flags = xcalloc(raw->n ? raw->n : 1, sizeof(*in->flags));
	in->n_flags = raw->n;
	for (size_t i = 0; i < raw->n; i++) {
		const char *f = raw->v[i];
		if (!strncmp(f, "--", 2))
			f += 2;
		const char *eq = strchr(f, '=');
		in->flags[i].name = eq ? xstrndup(f, (size_t)(eq - f)) : xstrdup(f);
		in->flags[i].value = eq ? xstrdup(eq + 1) : NULL;
		free(raw->v[i]);
	}
	free(raw->v);
}

/* newNodeFromLine: keyword, flags, then the instruction's own argument parser. */
static int node_from_line(struct parser *p, const char *line, struct df_instruction *in)
{
	const char *s = line;
	while (*s && is_ws((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && is_ws((unsigned char)s[n - 1]))
		n--;
	size_t kw = 0;
	while (kw < n && !is_re_ws((unsigned char)s[kw]))
		kw++;
	in->keyword = xstrndup(s, kw);
	in->cmd = cmd_lookup(in->keyword);
	in->original = xstrdup(line);
	size_t a = kw;
	while (a < n && is_re_ws((unsigned char)s[a]))
		a++;
	char *after = xstrndup(s + a, n - a);
	struct strv raw_flags = {0};
	const char *rest = a < n ? extract_flags(after, &raw_flags) : after + strlen(after);
	/* strings.TrimSpace(args) */
	while (*rest && is_ws((unsigned char)*rest))
		rest++;
	size_t rl = strlen(rest);
	while (rl && is_ws((unsigned char)rest[rl - 1]))
		rl--;
	in->args_text = xstrndup(rest, rl);
	free(after);
	flag_split(in, &raw_flags);
	struct strv args = {0};
	int rc = dispatch(p, in, in->args_text, &args);
	in->args = args.v;
	in->n_args = args.n;
	return rc;
}

/* ---- heredocs ------------------------------------------------------------------------ */

static bool can_contain_heredoc(const struct df_instruction *in)
{
	if (in->cmd == DF_ONBUILD && in->sub)
		in = in->sub;
	if (in->cmd != DF_ADD && in->cmd != DF_COPY && in->cmd != DF_RUN)
		return false;
	return !in->json_form;
}

static size_t count_quotes(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s == '\'' || *s == '"';
	return n;
}

/* ParseHeredoc: `^(\d*)<<(-?)([^<]*)$` on a raw word; 1 when it is a heredoc. */
static int parse_heredoc_word(const char *w, struct df_heredoc *h, ls_error *err)
{
	const char *s = w;
	while (isdigit((unsigned char)*s))
		s++;
	if (s[0] != '<' || s[1] != '<')
		return 0;
	int fd = s > w ? atoi(w) : 0;
	s += 2;
	bool chomp = *s == '-';
	if (chomp)
		s++;
	if (strchr(s, '<') || !*s)
		return 0;
	char **words = NULL, **raw = NULL;
	size_t nw = 0, nr = 0;
	int rc = 0;
	if (shell_split_words(s, NULL, '\\', SHELL_SKIP_UNSET, &words, &nw, err) < 0)
		return -1;
	if (nw != 1)
		goto out;
	if (shell_split_words(s, NULL, '\\', SHELL_SKIP_UNSET | SHELL_RAW_QUOTES, &raw, &nr,
			      err) < 0) {
		rc = -1;
		goto out;
	}
	if (nr != nw) {
		rc = ls_fail(err, "internal lexing of heredoc produced inconsistent results: %s", s);
		goto out;
	}
	memset(h, 0, sizeof(*h));
	h->name = xstrdup(words[0]);
	h->expand = count_quotes(words[0]) == count_quotes(raw[0]);
	h->chomp = chomp;
	h->fd = fd;
	rc = 1;
out:
	shell_strv_free(words, nw);
	shell_strv_free(raw, nr);
	return rc;
}

static int heredocs_from_line(const char *line, struct df_heredoc **out, size_t *n, ls_error *err)
{
	char **words = NULL;
	size_t nw = 0, cap = 0;
	ls_error ignored;
	*out = NULL;
	*n = 0;
	if (shell_split_words(line, NULL, '\\', SHELL_RAW_QUOTES | SHELL_RAW_ESCAPES | SHELL_SKIP_UNSET,
			      &words, &nw, &ignored) < 0)
		return 0; /* BuildKit ignores this error */
	int rc = 0;
	for (size_t i = 0; i < nw; i++) {
		struct df_heredoc h;
		int r = parse_heredoc_word(words[i], &h, err);
		if (r < 0) {
			rc = -1;
			break;
		}
		if (r == 1) {
			*out = xgrow(*out, &cap, *n + 1, sizeof(**out));
			(*out)[(*n)++] = h;
		}
	}
	shell_strv_free(words, nw);
	return rc;
}

static char *strip_leading_tabs(const char *content)
{
	size_t len = strlen(content);
	char *out = xmalloc(len + 1), *o = out;
	bool bol = true;
	for (const char *s = content; *s; s++) {
		if (bol && *s == '\t')
			continue;
		bol = *s == '\n';
		*o++ = *s;
	}
	*o = '\0';
	return out;
}

static int read_heredoc_bodies(struct parser *p, struct df_instruction *in, const char *line,
			       int start_line)
{
	struct df_heredoc *docs;
	size_t n;
	if (heredocs_from_line(line, &docs, &n, p->err) < 0)
		return ls_wrap(p->err, "line %d", start_line);
	in->heredocs = docs;
	in->n_heredocs = n;
	for (size_t i = 0; i < n; i++) {
		struct df_heredoc *h = &docs[i];
		struct strv body = {0};
		size_t total = 0;
		bool terminated = false;
		const char *s;
		size_t sl;
		h->line = p->line + 1;
		while (scan(p, &s, &sl)) {
			p->line++;
			size_t tl = trim_newline(s, sl);
			const char *t = s;
			if (h->chomp)
				while (tl && *t == '\t') {
					t++;
					tl--;
				}
			if (tl == strlen(h->name) && !memcmp(t, h->name, tl)) {
				terminated = true;
				break;
			}
			strv_pushn(&body, s, sl);
			total += sl;
		}
		char *content = xmalloc(total + 1);
		size_t o = 0;
		for (size_t k = 0; k < body.n; k++) {
			size_t l = strlen(body.v[k]);
			memcpy(content + o, body.v[k], l);
			o += l;
			free(body.v[k]);
		}
		content[o] = '\0';
		free(body.v);
		if (h->chomp) {
			h->content = strip_leading_tabs(content);
			free(content);
		} else {
			h->content = content;
		}
		if (!terminated)
			return ls_fail(p->err, "line %d: unterminated heredoc", start_line);
	}
	if (in->sub && n) {
		in->sub->heredocs = xcalloc(n, sizeof(*in->sub->heredocs));
		in->sub->n_heredocs = n;
		for (size_t i = 0; i < n; i++) {
			in->sub->heredocs[i] = docs[i];
			in->sub->heredocs[i].name = xstrdup(docs[i].name);
			in->sub->heredocs[i].content = xstrdup(docs[i].content);
		}
	}
	return 0;
}

/* ---- the main loop (parser.Parse) --------------------------------------------------- */

static void add_comment(struct parser *p, int line, const char *s, size_t n)
{
	struct dockerfile *df = p->df;
	n = trim_newline(s, n);
	s = trim_left(s, &n);
	df->comments = xgrow(df->comments, &p->cap_comments, df->n_comments + 1,
			     sizeof(*df->comments));
	df->comments[df->n_comments].line = line;
	df->comments[df->n_comments].text = xstrndup(s + 1, n - 1);
	df->n_comments++;
}

static void add_warning(struct parser *p, const char *code, int line, char *msg)
{
	struct dockerfile *df = p->df;
	df->warnings = xgrow(df->warnings, &p->cap_warnings, df->n_warnings + 1,
			     sizeof(*df->warnings));
	df->warnings[df->n_warnings++] = (struct df_warning){code, line, msg};
}

static void add_stage(struct parser *p, struct df_instruction *in, int index)
{
	struct dockerfile *df = p->df;
	df->stages = xgrow(df->stages, &p->cap_stages, df->n_stages + 1, sizeof(*df->stages));
	struct df_stage *st = &df->stages[df->n_stages];
	memset(st, 0, sizeof(*st));
	st->base_image = xstrdup(in->n_args > 0 ? in->args[0] : "");
	if (in->n_args >= 3 && !strcasecmp(in->args[1], "as"))
		st->name = xstrdup(in->args[2]);
	const char *plat = df_flag_get(in, "platform");
	st->platform = plat ? xstrdup(plat) : NULL;
	st->instruction = index;
	st->line = in->line_start;
	in->stage = (int)df->n_stages;
	df->n_stages++;
}

static void split_lines(struct dockerfile *df, const char *text, size_t len)
{
	size_t cap = 0;
	const char *s = text, *end = text + len;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
		size_t t = n;
		if (t && s[t - 1] == '\r')
			t--;
		df->lines = xgrow(df->lines, &cap, df->n_lines + 1, sizeof(*df->lines));
		df->lines[df->n_lines++] = xstrndup(s, t);
		s += n + (nl ? 1 : 0);
	}
}

static int parse_all(struct parser *p, bool allow_empty)
{
	struct dockerfile *df = p->df;
	const char *raw;
	size_t rn;
	struct strv buf = {0};
	int rc = 0;
	bool first = true;
	while (scan(p, &raw, &rn)) {
		if (first && rn >= 3 && !memcmp(raw, "\xEF\xBB\xBF", 3)) {
			raw += 3;
			rn -= 3;
		}
		first = false;
		if (is_comment(raw, rn))
			add_comment(p, p->line + 1, raw, rn);
		const char *line;
		size_t ln;
		if (process_line(p, raw, rn, true, &line, &ln) < 0)
			return ls_wrap(p->err, "line %d", p->line);
		int start_line = p->line;
		int column = 1 + (int)(line - raw);
		bool continues = trim_continuation(p, line, &ln);
		if (!continues && ln == 0)
			continue;
		for (size_t i = 0; i < buf.n; i++)
			free(buf.v[i]);
		buf.n = 0;
		strv_pushn(&buf, line, ln);
		bool empty_continuation = false;
		while (continues && scan(p, &raw, &rn)) {
			const char *cl;
			size_t cn;
			if (is_comment(raw, rn))
				add_comment(p, p->line + 1, raw, rn);
			if (process_line(p, raw, rn, false, &cl, &cn) < 0)
				return ls_wrap(p->err, "line %d", p->line);
			if (is_comment(raw, rn))
				continue;
			if (is_empty_continuation_line(cl, cn)) {
				empty_continuation = true;
				continue;
			}
			continues = trim_continuation(p, cl, &cn);
			strv_pushn(&buf, cl, cn);
		}
		size_t total = 0;
		for (size_t i = 0; i < buf.n; i++)
			total += strlen(buf.v[i]);
		char *joined = xmalloc(total + 1);
		size_t o = 0;
		for (size_t i = 0; i < buf.n; i++) {
			size_t l = strlen(buf.v[i]);
			memcpy(joined + o, buf.v[i], l);
			o += l;
		}
		joined[o] = '\0';
		if (empty_continuation)
			add_warning(p, "NoEmptyContinuation", p->line,
				    xasprintf("Empty continuation line found in: %s", joined));
		df->ins = xgrow(df->ins, &p->cap_ins, df->n_ins + 1, sizeof(*df->ins));
		struct df_instruction *in = &df->ins[df->n_ins];
		memset(in, 0, sizeof(*in));
		in->line_start = start_line;
		in->line_end = p->line;
		in->column = column;
		in->stage = df->n_stages ? (int)df->n_stages - 1 : -1;
		df->n_ins++;
		if (node_from_line(p, joined, in) < 0) {
			free(joined);
			rc = ls_wrap(p->err, "line %d", start_line);
			break;
		}
		if (can_contain_heredoc(in) && strstr(joined, "<<")) {
			if (read_heredoc_bodies(p, in, joined, start_line) < 0) {
				free(joined);
				rc = -1;
				break;
			}
		}
		in->line_end = p->line;
		if (in->sub)
			in->sub->line_end = p->line;
		if (in->cmd == DF_FROM)
			add_stage(p, in, (int)df->n_ins - 1);
		free(joined);
	}
	for (size_t i = 0; i < buf.n; i++)
		free(buf.v[i]);
	free(buf.v);
	if (rc == 0 && df->n_ins == 0 && !allow_empty)
		rc = ls_fail(p->err, "line %d: file with no instructions", p->line);
	return rc;
}

int dockerfile_parse(const char *text, size_t len, const char *filename, struct dockerfile **out,
		     ls_error *err)
{
	return dockerfile_parse_ex(text, len, filename, 0, out, err);
}

int dockerfile_parse_ex(const char *text, size_t len, const char *filename, unsigned flags,
			struct dockerfile **out, ls_error *err)
{
	struct dockerfile *df = xcalloc(1, sizeof(*df));
	df->filename = xstrdup(filename ? filename : "Dockerfile");
	df->escape = '\\';
	split_lines(df, text, len);
	struct parser p = {.df = df, .text = text, .len = len, .err = err};
	if (memchr(text, '\0', len)) {
		dockerfile_free(df);
		return ls_fail(err, "%s: contains a NUL byte", filename ? filename : "Dockerfile");
	}
	if (parse_all(&p, flags & DF_PARSE_ALLOW_EMPTY) < 0) {
		dockerfile_free(df);
		return -1;
	}
	*out = df;
	return 0;
}

static void instruction_free(struct df_instruction *in)
{
	free(in->keyword);
	free(in->original);
	free(in->args_text);
	for (size_t i = 0; i < in->n_args; i++)
		free(in->args[i]);
	free(in->args);
	for (size_t i = 0; i < in->n_flags; i++) {
		free(in->flags[i].name);
		free(in->flags[i].value);
	}
	free(in->flags);
	for (size_t i = 0; i < in->n_kvs; i++) {
		free(in->kvs[i].key);
		free(in->kvs[i].value);
		free(in->kvs[i].unquoted);
	}
	free(in->kvs);
	for (size_t i = 0; i < in->n_heredocs; i++) {
		free(in->heredocs[i].name);
		free(in->heredocs[i].content);
	}
	free(in->heredocs);
	if (in->sub) {
		instruction_free(in->sub);
		free(in->sub);
	}
}

void dockerfile_free(struct dockerfile *df)
{
	if (!df)
		return;
	for (size_t i = 0; i < df->n_ins; i++)
		instruction_free(&df->ins[i]);
	free(df->ins);
	for (size_t i = 0; i < df->n_stages; i++) {
		free(df->stages[i].name);
		free(df->stages[i].base_image);
		free(df->stages[i].platform);
	}
	free(df->stages);
	for (size_t i = 0; i < df->n_comments; i++)
		free(df->comments[i].text);
	free(df->comments);
	for (size_t i = 0; i < df->n_warnings; i++)
		free(df->warnings[i].message);
	free(df->warnings);
	for (size_t i = 0; i < df->n_lines; i++)
		free(df->lines[i]);
	free(df->lines);
	free(df->filename);
	free(df->syntax);
	free(df->check);
	free(df);
}

/* ---- BuildKit's Node.Dump ------------------------------------------------------------ */

/* Go's strconv.Quote for valid UTF-8 text. */
static void go_quote(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		switch (*c) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\a': fputs("\\a", out); break;
		case '\b': fputs("\\b", out); break;
		case '\f': fputs("\\f", out); break;
		case '\n': fputs("\\n", out); break;
		case '\r': fputs("\\r", out); break;
		case '\t': fputs("\\t", out); break;
		case '\v': fputs("\\v", out); break;
		default:
			if (c[0] == 0xC0 && c[1] == 0x80) {
				fputs("\\x00", out);
				c++;
			} else if (*c < 0x20 || *c == 0x7f)
				fprintf(out, "\\x%02x", *c);
			else
				fputc(*c, out);
		}
	}
	fputc('"', out);
}

static void dump_instruction(FILE *out, const struct df_instruction *in)
{
	for (const char *k = in->keyword; *k; k++)
		fputc(tolower((unsigned char)*k), out);
	if (in->n_flags) {
		fputs(" [", out);
		for (size_t i = 0; i < in->n_flags; i++) {
			char *f = in->flags[i].value
					  ? xasprintf("--%s=%s", in->flags[i].name, in->flags[i].value)
					  : xasprintf("--%s", in->flags[i].name);
			if (i)
				fputc(' ', out);
			go_quote(out, f);
			free(f);
		}
		fputc(']', out);
	}
	if (in->cmd == DF_ONBUILD && in->sub) {
		fputs(" (", out);
		dump_instruction(out, in->sub);
		fputc(')', out);
		return;
	}
	if (in->cmd == DF_UNKNOWN) {
		fputs(" \"\"", out);
		return;
	}
	for (size_t i = 0; i < in->n_args; i++) {
		fputc(' ', out);
		go_quote(out, in->args[i]);
	}
}

void dockerfile_dump(const struct dockerfile *df, FILE *out)
{
	for (size_t i = 0; i < df->n_ins; i++) {
		fputc('(', out);
		dump_instruction(out, &df->ins[i]);
		fputs(")\n", out);
	}
}
