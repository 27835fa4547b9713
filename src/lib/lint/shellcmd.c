/* Shell-word parse of RUN scripts for lint rules (see shellcmd.h). A hand-written scanner
 * rather than a full sh grammar: it only has to find simple commands, their words and the
 * operators between them, and it must never fail on odd input. */
#include "lint/shellcmd.h"

#include <ctype.h>
#include <string.h>

/* A growable string used while a word is read. */
struct sbuf {
	char *s;
	size_t len, cap;
};

static void sb_putc(struct sbuf *b, char c)
{
	b->s = xgrow(b->s, &b->cap, b->len + 2, 1);
	b->s[b->len++] = c;
	b->s[b->len] = '\0';
}

static void sb_put(struct sbuf *b, const char *s, size_t n)
{
	b->s = xgrow(b->s, &b->cap, b->len + n + 1, 1);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* A span of the text holding a nested script ($(...) or `...`), parsed after its command. */
struct span {
	size_t start, end;
	int line;
};

struct parser {
	const char *t;
	size_t n, pos;
	int line;       /* current 0-based line */
	int line_base;  /* added to lines of nested scripts */
	bool pipefail;  /* pipefail state while scanning */
	struct shell_script *out;
	/* the command being built */
	char **words;
	size_t n_words, cap_words;
	char **assigns;
	size_t n_assigns, cap_assigns;
	int cmd_line;
	enum shell_op op_before;
	bool skip_clause; /* inside `for x in ...` / `case ... in` header: drop words */
	bool nested;
	struct span *spans;
	size_t n_spans, cap_spans;
	/* pending here-documents: delimiters whose bodies start at the next newline */
	char *heredoc[8];
	bool heredoc_strip[8];
	size_t n_heredoc;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool is_meta(char c)
{
	return c == ';' || c == '&' || c == '|' || c == '(' || c == ')' || c == '<' || c == '>' ||
	       c == '\n';
}

static size_t skip_single(const struct parser *p, size_t i)
{
	while (i < p->n && p->t[i] != '\'')
		i++;
	return i < p->n ? i + 1 : i;
}

static size_t skip_parens(const struct parser *p, size_t i);
static size_t skip_backtick(const struct parser *p, size_t i);

/* i is just after an opening '"'; returns the index after the closing one. */
static size_t skip_double(const struct parser *p, size_t i)
{
	while (i < p->n && p->t[i] != '"') {
		if (p->t[i] == '\\' && i + 1 < p->n)
			i += 2;
		else if (p->t[i] == '$' && i + 1 < p->n && p->t[i + 1] == '(')
			i = skip_parens(p, i + 2);
		else if (p->t[i] == '`')
			i = skip_backtick(p, i + 1);
		else
			i++;
	}
	return i < p->n ? i + 1 : i;
}

/* i is just after an opening `open` ("$(", "(" or "${"): returns the index after the matching
 * `close`, skipping quotes, escapes and backticks inside. */
static size_t skip_nested(const struct parser *p, size_t i, char open, char close)
{
	int depth = 1;
	while (i < p->n) {
		char c = p->t[i];
		if (c == '\\' && i + 1 < p->n) {
			i += 2;
		} else if (c == '\'') {
			i = skip_single(p, i + 1);
		} else if (c == '"') {
			i = skip_double(p, i + 1);
		} else if (c == '`') {
			i = skip_backtick(p, i + 1);
		} else if (c == open) {
			depth++;
			i++;
		} else if (c == close) {
			i++;
			if (--depth == 0)
				return i;
		} else {
			i++;
		}
	}
	return i;
}

static size_t skip_parens(const struct parser *p, size_t i)
{
	return skip_nested(p, i, '(', ')');
}

/* i is just after an opening '`': returns the index after the closing one. */
static size_t skip_backtick(const struct parser *p, size_t i)
{
	while (i < p->n && p->t[i] != '`')
		i += (p->t[i] == '\\' && i + 1 < p->n) ? 2 : 1;
	return i < p->n ? i + 1 : i;
}

static int count_lines(const char *s, size_t from, size_t to)
{
	int n = 0;
	for (size_t i = from; i < to; i++)
		n += s[i] == '\n';
	return n;
}

static void add_span(struct parser *p, size_t start, size_t end)
{
	p->spans = xgrow(p->spans, &p->cap_spans, p->n_spans + 1, sizeof(*p->spans));
	p->spans[p->n_spans++] = (struct span){start, end, p->line};
}

/* Copy a substitution into the word as written, remember it for a nested parse. */
static void take_subst(struct parser *p, struct sbuf *w, size_t from, size_t to, size_t inner_from,
		       size_t inner_to, bool nested)
{
	sb_put(w, p->t + from, to - from);
	if (nested && inner_to > inner_from)
		add_span(p, inner_from, inner_to);
	p->line += count_lines(p->t, from, to);
	p->pos = to;
}

/* '$' at p->pos: $(...), $((...)), ${...} or a plain '$'. */
static void read_dollar(struct parser *p, struct sbuf *w)
{
	size_t i = p->pos;
	if (i + 1 < p->n && p->t[i + 1] == '(') {
		bool arith = i + 2 < p->n && p->t[i + 2] == '(';
		size_t end = skip_parens(p, i + 2);
		size_t inner_end = end > i + 2 && p->t[end - 1] == ')' ? end - 1 : end;
		take_subst(p, w, i, end, i + 2, inner_end, !arith);
	} else if (i + 1 < p->n && p->t[i + 1] == '{') {
		take_subst(p, w, i, skip_nested(p, i + 2, '{', '}'), 0, 0, false);
	} else {
		sb_putc(w, '$');
		p->pos++;
	}
}

static void read_backtick(struct parser *p, struct sbuf *w)
{
	size_t i = p->pos;
	size_t end = skip_backtick(p, i + 1);
	size_t inner_end = end > i + 1 && p->t[end - 1] == '`' ? end - 1 : end;
	take_subst(p, w, i, end, i + 1, inner_end, true);
}

static void read_double_quoted(struct parser *p, struct sbuf *w)
{
	p->pos++; /* the opening quote */
	while (p->pos < p->n && p->t[p->pos] != '"') {
		char c = p->t[p->pos];
		if (c == '\\' && p->pos + 1 < p->n) {
			char nx = p->t[p->pos + 1];
			if (nx == '\n') {
				p->line++;
			} else if (nx == '$' || nx == '`' || nx == '"' || nx == '\\') {
				sb_putc(w, nx);
			} else {
				sb_putc(w, '\\');
				sb_putc(w, nx);
			}
			p->pos += 2;
		} else if (c == '$') {
			read_dollar(p, w);
		} else if (c == '`') {
			read_backtick(p, w);
		} else {
			if (c == '\n')
				p->line++;
			sb_putc(w, c);
			p->pos++;
		}
	}
	if (p->pos < p->n)
		p->pos++;
}

/* Read one word at p->pos (not a blank nor an operator). *quoted tells whether any part was
 * quoted or escaped (then it is never a reserved word nor an assignment name). */
static char *read_word(struct parser *p, bool *quoted, size_t *name_end)
{
	struct sbuf w = {0};
	*quoted = false;
	*name_end = 0; /* length of a leading unquoted NAME= prefix, 0 when none */
	sb_put(&w, "", 0);
	while (p->pos < p->n) {
		char c = p->t[p->pos];
		if (is_blank(c) || is_meta(c))
			break;
		if (c == '\\') {
			if (p->pos + 1 < p->n && p->t[p->pos + 1] == '\n') {
				p->line++;
			} else if (p->pos + 1 < p->n) {
				sb_putc(&w, p->t[p->pos + 1]);
				*quoted = true;
			} else {
				p->pos++; /* a lone trailing backslash */
				continue;
			}
			p->pos += 2;
		} else if (c == '\'') {
			size_t end = skip_single(p, p->pos + 1);
			size_t inner_end = end > p->pos + 1 && p->t[end - 1] == '\'' ? end - 1 : end;
			sb_put(&w, p->t + p->pos + 1, inner_end - (p->pos + 1));
			p->line += count_lines(p->t, p->pos, end);
			p->pos = end;
			*quoted = true;
		} else if (c == '"') {
			read_double_quoted(p, &w);
			*quoted = true;
		} else if (c == '$') {
			read_dollar(p, &w);
		} else if (c == '`') {
			read_backtick(p, &w);
		} else {
			if (c == '=' && !*quoted && !*name_end && w.len > 0)
				*name_end = w.len + 1;
			sb_putc(&w, c);
			p->pos++;
		}
	}
	return w.s;
}

static bool is_assignment(const char *w, size_t name_end)
{
	if (name_end < 2)
		return false;
	if (!isalpha((unsigned char)w[0]) && w[0] != '_')
		return false;
	for (size_t i = 1; i + 1 < name_end; i++)
		if (!isalnum((unsigned char)w[i]) && w[i] != '_')
			return false;
	return true;
}

static bool is_reserved(const char *w)
{
	static const char *const words[] = {"if",   "then",  "else", "elif", "fi",   "do",
					    "done", "while", "until", "{",   "}",    "!",
					    "esac", "function", "time", NULL};
	for (size_t i = 0; words[i]; i++)
		if (!strcmp(w, words[i]))
			return true;
	return false;
}

static char *arena_dup(struct shell_script *s, const char *w)
{
	return arena_strndup(&s->arena, w, strlen(w));
}

static void push_cmd(struct parser *p, enum shell_op op_after)
{
	struct shell_script *s = p->out;
	if (p->n_words > 0) {
		struct shell_cmd *c;
		s->cmds = xgrow(s->cmds, &s->cap_cmds, s->n_cmds + 1, sizeof(*s->cmds));
		c = &s->cmds[s->n_cmds++];
		memset(c, 0, sizeof(*c));
		c->argv = arena_alloc(&s->arena, (p->n_words + 1) * sizeof(char *));
		for (size_t i = 0; i < p->n_words; i++)
			c->argv[i] = arena_dup(s, p->words[i]);
		c->argv[p->n_words] = NULL;
		c->argc = p->n_words;
		c->assigns = arena_alloc(&s->arena, (p->n_assigns + 1) * sizeof(char *));
		for (size_t i = 0; i < p->n_assigns; i++)
			c->assigns[i] = arena_dup(s, p->assigns[i]);
		c->assigns[p->n_assigns] = NULL;
		c->n_assigns = p->n_assigns;
		c->op_before = p->op_before;
		c->op_after = op_after;
		c->pipefail = p->pipefail;
		c->nested = p->nested;
		c->line = p->cmd_line;
		if (op_after == SHELL_OP_PIPE)
			s->has_pipe = true;
		if (!strcmp(c->argv[0], "set")) {
			if (shell_cmd_sets_pipefail(c)) {
				p->pipefail = true;
				s->sets_pipefail = true;
			} else if (cmd_has_arg(c, "+o") && cmd_has_arg(c, "pipefail")) {
				p->pipefail = false;
			}
		}
	}
	for (size_t i = 0; i < p->n_words; i++)
		free(p->words[i]);
	for (size_t i = 0; i < p->n_assigns; i++)
		free(p->assigns[i]);
	p->n_words = p->n_assigns = 0;
	p->skip_clause = false;
	p->op_before = op_after;
}

/* Skip here-document bodies queued on the line that just ended (p->pos is after '\n'). */
static void skip_heredoc_bodies(struct parser *p)
{
	for (size_t h = 0; h < p->n_heredoc; h++) {
		while (p->pos < p->n) {
			size_t eol = p->pos;
			const char *line;
			while (eol < p->n && p->t[eol] != '\n')
				eol++;
			line = p->t + p->pos;
			if (p->heredoc_strip[h])
				while (line < p->t + eol && *line == '\t')
					line++;
			p->pos = eol < p->n ? eol + 1 : eol;
			p->line++;
			if ((size_t)(p->t + eol - line) == strlen(p->heredoc[h]) &&
			    !memcmp(line, p->heredoc[h], strlen(p->heredoc[h])))
				break;
		}
		free(p->heredoc[h]);
	}
	p->n_heredoc = 0;
}

static void skip_blanks(struct parser *p)
{
	while (p->pos < p->n) {
		char c = p->t[p->pos];
		if (is_blank(c)) {
			p->pos++;
		} else if (c == '\\' && p->pos + 1 < p->n && p->t[p->pos + 1] == '\n') {
			p->pos += 2;
			p->line++;
		} else {
			break;
		}
	}
}

/* A redirection operator at p->pos: consume it and its target word. */
static void read_redirection(struct parser *p)
{
	const char *t = p->t + p->pos;
	bool heredoc = false, strip = false;
	size_t n = 1;
	if (t[0] == '&' && p->pos + 1 < p->n && t[1] == '>')
		n = 2 + (p->pos + 2 < p->n && t[2] == '>');
	else if (t[0] == '<' && p->pos + 1 < p->n && t[1] == '<') {
		if (p->pos + 2 < p->n && t[2] == '<') {
			n = 3;
		} else {
			heredoc = true;
			n = 2;
			if (p->pos + 2 < p->n && t[2] == '-') {
				strip = true;
				n = 3;
			}
		}
	} else if (p->pos + 1 < p->n && (t[1] == '>' || t[1] == '&' || t[1] == '|' ||
					 (t[0] == '<' && t[1] == '>')))
		n = 2;
	p->pos += n;
	skip_blanks(p);
	if (p->pos < p->n && !is_meta(p->t[p->pos])) {
		bool quoted;
		size_t name_end;
		char *target = read_word(p, &quoted, &name_end);
		if (heredoc && p->n_heredoc < sizeof(p->heredoc) / sizeof(p->heredoc[0])) {
			p->heredoc_strip[p->n_heredoc] = strip;
			p->heredoc[p->n_heredoc++] = target;
		} else {
			free(target);
		}
	}
}

static bool is_io_number(const char *w)
{
	if (!*w)
		return false;
	for (; *w; w++)
		if (!isdigit((unsigned char)*w))
			return false;
	return true;
}

static void add_word(struct parser *p, char *w, bool quoted, size_t name_end, int line)
{
	if (p->skip_clause) {
		free(w);
		return;
	}
	if (p->n_words == 0 && !quoted) {
		if (is_reserved(w)) {
			free(w);
			return;
		}
		if (!strcmp(w, "for") || !strcmp(w, "case") || !strcmp(w, "select")) {
			p->skip_clause = true; /* drop the header words up to ; or newline */
			free(w);
			return;
		}
		if (is_assignment(w, name_end)) {
			p->assigns = xgrow(p->assigns, &p->cap_assigns, p->n_assigns + 1, sizeof(char *));
			p->assigns[p->n_assigns++] = w;
			return;
		}
	}
	if (p->n_words == 0)
		p->cmd_line = line;
	p->words = xgrow(p->words, &p->cap_words, p->n_words + 1, sizeof(char *));
	p->words[p->n_words++] = w;
}

/* An operator character at p->pos (not a redirection). */
static void read_operator(struct parser *p)
{
	char c = p->t[p->pos];
	char nx = p->pos + 1 < p->n ? p->t[p->pos + 1] : '\0';
	switch (c) {
	case '&':
		p->pos += nx == '&' ? 2 : 1;
		push_cmd(p, nx == '&' ? SHELL_OP_AND : SHELL_OP_BG);
		break;
	case '|':
		p->pos += (nx == '|' || nx == '&') ? 2 : 1;
		push_cmd(p, nx == '|' ? SHELL_OP_OR : SHELL_OP_PIPE);
		break;
	case ';':
		p->pos += nx == ';' ? 2 : 1;
		push_cmd(p, SHELL_OP_SEQ);
		break;
	case '\n':
		p->pos++;
		p->line++;
		/* "a &&\n b": a newline right after an operator continues the list */
		if (p->n_words > 0 || p->n_assigns > 0 || p->skip_clause)
			push_cmd(p, SHELL_OP_SEQ);
		if (p->n_heredoc)
			skip_heredoc_bodies(p);
		break;
	default: /* ( ) */
		p->pos++;
		push_cmd(p, SHELL_OP_NONE);
		break;
	}
}

static void parse_text(struct parser *p)
{
	while (p->pos < p->n) {
		char c;
		skip_blanks(p);
		if (p->pos >= p->n)
			break;
		c = p->t[p->pos];
		if (c == '#') {
			while (p->pos < p->n && p->t[p->pos] != '\n')
				p->pos++;
		} else if (c == '<' || c == '>' || (c == '&' && p->pos + 1 < p->n && p->t[p->pos + 1] == '>')) {
			read_redirection(p);
		} else if (is_meta(c)) {
			read_operator(p);
		} else {
			bool quoted;
			size_t name_end;
			int line = p->line;
			char *w = read_word(p, &quoted, &name_end);
			/* "2>&1": a number right before a redirection is its file descriptor */
			if ((!quoted && !*w) ||
			    (!quoted && p->pos < p->n && (p->t[p->pos] == '<' || p->t[p->pos] == '>') &&
			     is_io_number(w)))
				free(w);
			else
				add_word(p, w, quoted, name_end, line);
		}
	}
	push_cmd(p, SHELL_OP_NONE);
}

static void parse_into(struct shell_script *s, const char *text, size_t len, int line_base,
		       bool nested, int depth)
{
	struct parser p = {.t = text, .n = len, .out = s, .nested = nested, .line_base = line_base};
	size_t first = s->n_cmds;
	parse_text(&p);
	for (size_t i = first; i < s->n_cmds; i++)
		s->cmds[i].line += line_base;
	for (size_t i = 0; i < p.n_heredoc; i++)
		free(p.heredoc[i]);
	/* nested scripts ($(...) and backticks), bounded so hostile input cannot recurse deep */
	for (size_t i = 0; i < p.n_spans && depth < 16; i++)
		parse_into(s, text + p.spans[i].start, p.spans[i].end - p.spans[i].start,
			   line_base + p.spans[i].line, true, depth + 1);
	free(p.spans);
	free(p.words);
	free(p.assigns);
}

void shell_parse(const char *text, struct shell_script *out)
{
	memset(out, 0, sizeof(*out));
	arena_init(&out->arena);
	parse_into(out, text, strlen(text), 0, false, 0);
}

void shell_script_release(struct shell_script *s)
{
	free(s->cmds);
	arena_release(&s->arena);
	memset(s, 0, sizeof(*s));
}

bool shell_word_is_flag(const char *w)
{
	return w[0] == '-' && w[1] != '\0' && strcmp(w, "--") != 0;
}

bool shell_cmd_sets_pipefail(const struct shell_cmd *c)
{
	if (c->argc == 0 || strcmp(c->argv[0], "set") != 0)
		return false;
	for (size_t i = 1; i + 1 < c->argc; i++) {
		const char *a = c->argv[i];
		if (a[0] == '-' && a[1] != '-' && strchr(a + 1, 'o') && !strcmp(c->argv[i + 1], "pipefail"))
			return true;
	}
	return false;
}

bool cmd_has_arg(const struct shell_cmd *c, const char *arg)
{
	for (size_t i = 1; i < c->argc; i++)
		if (!strcmp(c->argv[i], arg))
			return true;
	return false;
}

bool cmd_has_arg_prefix(const struct shell_cmd *c, const char *prefix)
{
	for (size_t i = 1; i < c->argc; i++)
		if (!strncmp(c->argv[i], prefix, strlen(prefix)))
			return true;
	return false;
}

/* The name of a requested flag without its dashes ("-y" -> "y", "--yes" -> "yes"). */
static const char *flag_name(const char *f)
{
	while (*f == '-')
		f++;
	return f;
}

/* Does argument word `w` carry the flag named `name` (hadolint's getAllFlags reading)? */
static bool word_has_flag(const char *w, const char *name)
{
	if (!shell_word_is_flag(w))
		return false;
	if (w[1] == '-') {
		size_t n = strcspn(w + 2, "=");
		return strlen(name) == n && !strncmp(w + 2, name, n);
	}
	return name[0] != '\0' && name[1] == '\0' && strchr(w + 1, name[0]) != NULL;
}

bool cmd_has_flag_v(const struct shell_cmd *c, const char *const *flags)
{
	for (size_t i = 1; i < c->argc; i++)
		for (size_t f = 0; flags[f]; f++)
			if (word_has_flag(c->argv[i], flag_name(flags[f])))
				return true;
	return false;
}

const char *cmd_flag_value_v(const struct shell_cmd *c, const char *const *flags)
{
	for (size_t i = 1; i < c->argc; i++) {
		const char *w = c->argv[i];
		for (size_t f = 0; flags[f]; f++) {
			const char *fl = flags[f];
			size_t n = strlen(fl);
			if (!strcmp(w, fl))
				return i + 1 < c->argc ? c->argv[i + 1] : NULL;
			if (fl[1] == '-' && !strncmp(w, fl, n) && w[n] == '=')
				return w + n + 1;
			if (fl[1] != '-' && n == 2 && w[0] == '-' && w[1] == fl[1] && w[2] != '\0')
				return w + 2;
		}
	}
	return NULL;
}

/* Does flag word `w` take the next word as its value? */
static bool takes_value(const char *w, const char *const *value_flags)
{
	if (!value_flags || strchr(w, '='))
		return false;
	for (size_t f = 0; value_flags[f]; f++) {
		const char *fl = value_flags[f];
		if (!strcmp(w, fl))
			return true;
		/* "-qr FILE": combined short flags ending in a value flag */
		if (fl[1] != '-' && strlen(fl) == 2 && w[1] != '-' && w[strlen(w) - 1] == fl[1])
			return true;
	}
	return false;
}

static size_t collect_args(const struct shell_cmd *c, size_t from, const char *const *value_flags,
			   size_t **idx)
{
	size_t n = 0;
	*idx = xmalloc((c->argc + 1) * sizeof(size_t));
	for (size_t i = from; i < c->argc; i++) {
		if (shell_word_is_flag(c->argv[i])) {
			if (takes_value(c->argv[i], value_flags))
				i++;
			continue;
		}
		(*idx)[n++] = i;
	}
	return n;
}

size_t cmd_args_no_flags(const struct shell_cmd *c, const char *const *value_flags, size_t **idx)
{
	return collect_args(c, 1, value_flags, idx);
}

size_t cmd_args_after(const struct shell_cmd *c, const char *sub, const char *const *value_flags,
		      size_t **idx)
{
	size_t *all, n = collect_args(c, 1, value_flags, &all);
	for (size_t k = 0; k < n; k++) {
		if (!strcmp(c->argv[all[k]], sub)) {
			size_t from = all[k] + 1;
			free(all);
			return collect_args(c, from, value_flags, idx);
		}
	}
	free(all);
	*idx = xmalloc(sizeof(size_t));
	return 0;
}

bool cmd_is(const struct shell_cmd *c, const char *name, const char *sub)
{
	size_t *idx, n;
	bool found = false;
	if (c->argc == 0 || (name && strcmp(c->argv[0], name) != 0))
		return false;
	if (!sub)
		return true;
	n = cmd_args_no_flags(c, NULL, &idx);
	for (size_t k = 0; k < n && !found; k++)
		found = !strcmp(c->argv[idx[k]], sub);
	free(idx);
	return found;
}
