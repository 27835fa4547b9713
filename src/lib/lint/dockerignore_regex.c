/* A small Go-regexp engine for .dockerignore patterns: parser for the RE2 syntax subset the
 * patternmatcher translation emits (literals, escapes, classes, named and Perl classes, `.`,
 * `^`, `$`, `\A`, `\z`, `\b`, `\B`, `\Q…\E`, groups, `*`, `+`, `?`), compiled to a Thompson
 * NFA and run in lock step (no backtracking, so no exponential patterns). Unicode classes
 * (`\pL`) are not supported and reported as errors. */
#include "lint/dockerignore_regex.h"

#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

#define MAX_RUNE 0x10FFFFu

enum rx_op { OP_CLASS, OP_ANYNL, OP_SPLIT, OP_JMP, OP_ASSERT, OP_MATCH };
enum rx_assert { AS_BEGIN, AS_END, AS_WORDB, AS_NWORDB };

struct rx_range {
	uint32_t lo, hi;
};

struct rx_class {
	struct rx_range *r;
	size_t n, cap;
	bool negate;
};

struct rx_inst {
	uint8_t op;
	uint8_t arg;  /* assertion kind */
	uint32_t x, y; /* jump targets; x = class index for OP_CLASS */
};

struct gorx {
	struct rx_inst *code;
	size_t n, cap;
	struct rx_class *classes;
	size_t nclasses, classcap;
};

/* ---- UTF-8 ---- */

uint32_t go_decode_rune(const char *str, size_t len, size_t *width)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t c;
	size_t need;
	*width = 1;
	if (len == 0)
		return 0xFFFD;
	if (s[0] < 0x80)
		return s[0];
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		c = s[0] & 0x1F;
		need = 1;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		c = s[0] & 0x0F;
		need = 2;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		c = s[0] & 0x07;
		need = 3;
	} else {
		return 0xFFFD;
	}
	if (len < need + 1)
		return 0xFFFD;
	for (size_t i = 1; i <= need; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0xFFFD;
		c = (c << 6) | (s[i] & 0x3F);
	}
	/* Overlong forms, surrogates and values past U+10FFFF are invalid. */
	if ((need == 2 && c < 0x800) || (need == 3 && c < 0x10000) || c > MAX_RUNE ||
	    (c >= 0xD800 && c <= 0xDFFF))
		return 0xFFFD;
	*width = need + 1;
	return c;
}

/* ---- classes ---- */

static void class_add(struct rx_class *c, uint32_t lo, uint32_t hi)
{
	c->r = xgrow(c->r, &c->cap, c->n + 1, sizeof(*c->r));
	c->r[c->n].lo = lo;
	c->r[c->n].hi = hi;
	c->n++;
}

/* Add the ranges of `tab` (sorted, disjoint pairs), or their complement. */
static void class_add_table(struct rx_class *c, const uint32_t *tab, size_t npairs, bool negate)
{
	if (!negate) {
		for (size_t i = 0; i < npairs; i++)
			class_add(c, tab[2 * i], tab[2 * i + 1]);
		return;
	}
	uint32_t next = 0;
	for (size_t i = 0; i < npairs; i++) {
		if (tab[2 * i] > next)
			class_add(c, next, tab[2 * i] - 1);
		next = tab[2 * i + 1] + 1;
	}
	if (next <= MAX_RUNE)
		class_add(c, next, MAX_RUNE);
}

static bool class_has(const struct rx_class *c, uint32_t r)
{
	bool in = false;
	for (size_t i = 0; i < c->n && !in; i++)
		in = c->r[i].lo <= r && r <= c->r[i].hi;
	return in != c->negate;
}

struct named_class {
	const char *name;
	const uint32_t *tab;
	size_t npairs;
};

static const uint32_t t_alnum[] = {'0', '9', 'A', 'Z', 'a', 'z'};
static const uint32_t t_alpha[] = {'A', 'Z', 'a', 'z'};
static const uint32_t t_ascii[] = {0, 0x7F};
static const uint32_t t_blank[] = {'\t', '\t', ' ', ' '};
static const uint32_t t_cntrl[] = {0, 0x1F, 0x7F, 0x7F};
static const uint32_t t_digit[] = {'0', '9'};
static const uint32_t t_graph[] = {'!', '~'};
static const uint32_t t_lower[] = {'a', 'z'};
static const uint32_t t_print[] = {' ', '~'};
static const uint32_t t_punct[] = {'!', '/', ':', '@', '[', '`', '{', '~'};
static const uint32_t t_space[] = {'\t', '\r', ' ', ' '};
static const uint32_t t_upper[] = {'A', 'Z'};
static const uint32_t t_word[] = {'0', '9', 'A', 'Z', '_', '_', 'a', 'z'};
static const uint32_t t_xdigit[] = {'0', '9', 'A', 'F', 'a', 'f'};
/* Perl classes as Go defines them: \s is [\t\n\f\r ] (no \v). */
static const uint32_t t_perl_s[] = {'\t', '\n', '\f', '\r', ' ', ' '};

#define NC(n, t) {n, t, sizeof(t) / sizeof(t[0]) / 2}
static const struct named_class posix_classes[] = {
	NC("alnum", t_alnum), NC("alpha", t_alpha), NC("ascii", t_ascii), NC("blank", t_blank),
	NC("cntrl", t_cntrl), NC("digit", t_digit), NC("graph", t_graph), NC("lower", t_lower),
	NC("print", t_print), NC("punct", t_punct), NC("space", t_space), NC("upper", t_upper),
	NC("word", t_word),   NC("xdigit", t_xdigit),
};

/* \d \D \s \S \w \W: returns true and adds the class when s starts with one. */
static bool perl_class(const char *s, struct rx_class *c)
{
	if (s[0] != '\\' || !s[1])
		return false;
	switch (s[1]) {
	case 'd': case 'D': class_add_table(c, t_digit, 1, s[1] == 'D'); return true;
	case 's': case 'S': class_add_table(c, t_perl_s, 3, s[1] == 'S'); return true;
	case 'w': case 'W': class_add_table(c, t_word, 4, s[1] == 'W'); return true;
	default: return false;
	}
}

/* ---- parser ---- */

enum node_kind { N_CLASS, N_ANYNL, N_ASSERT, N_GROUP };

struct node {
	uint8_t kind;
	uint8_t quant; /* 0, '*', '+', '?' */
	uint32_t arg;  /* class index or assertion kind */
	struct node *kids;
	size_t nkids, kidcap;
};

struct parser {
	const char *s; /* cursor */
	struct gorx *rx;
	ls_error *err;
	int depth;
};

static uint32_t new_class(struct gorx *rx)
{
	rx->classes = xgrow(rx->classes, &rx->classcap, rx->nclasses + 1, sizeof(*rx->classes));
	memset(&rx->classes[rx->nclasses], 0, sizeof(rx->classes[0]));
	return (uint32_t)rx->nclasses++;
}

static void node_release(struct node *n)
{
	for (size_t i = 0; i < n->nkids; i++)
		node_release(&n->kids[i]);
	free(n->kids);
}

static struct node *push_node(struct node *seq, uint8_t kind, uint32_t arg)
{
	seq->kids = xgrow(seq->kids, &seq->kidcap, seq->nkids + 1, sizeof(*seq->kids));
	struct node *n = &seq->kids[seq->nkids++];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->arg = arg;
	return n;
}

static void push_literal(struct parser *p, struct node *seq, uint32_t r)
{
	uint32_t c = new_class(p->rx);
	class_add(&p->rx->classes[c], r, r);
	push_node(seq, N_CLASS, c);
}

static uint32_t next_rune(struct parser *p)
{
	size_t w;
	uint32_t r = go_decode_rune(p->s, strlen(p->s), &w);
	p->s += w;
	return r;
}

static int unhex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Go's parseEscape: p->s points at the backslash. */
static int parse_escape(struct parser *p, uint32_t *out)
{
	const char *start = p->s;
	p->s++;
	if (!*p->s)
		return ls_fail(p->err, "trailing backslash at end of expression");
	uint32_t c = next_rune(p);
	if (c < 0x80 && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
		*out = c;
		return 0;
	}
	switch (c) {
	case '1': case '2': case '3': case '4': case '5': case '6': case '7':
		if (*p->s < '0' || *p->s > '7')
			break; /* a backreference: not supported by Go */
		/* fall through */
	case '0': {
		uint32_t r = c - '0';
		for (int i = 1; i < 3 && *p->s >= '0' && *p->s <= '7'; i++)
			r = r * 8 + (uint32_t)(*p->s++ - '0');
		*out = r;
		return 0;
	}
	case 'x':
		if (!*p->s)
			break;
		if (*p->s == '{') {
			uint32_t r = 0;
			int nhex = 0;
			p->s++;
			for (;;) {
				if (!*p->s)
					goto bad;
				if (*p->s == '}') {
					p->s++;
					break;
				}
				int v = unhex(*p->s++);
				if (v < 0)
					goto bad;
				r = r * 16 + (uint32_t)v;
				if (r > MAX_RUNE)
					goto bad;
				nhex++;
			}
			if (nhex == 0)
				goto bad;
			*out = r;
			return 0;
		} else {
			int x = unhex(*p->s++);
			int y = *p->s ? unhex(*p->s++) : -1;
			if (x < 0 || y < 0)
				goto bad;
			*out = (uint32_t)(x * 16 + y);
			return 0;
		}
	case 'a': *out = 7; return 0;
	case 'f': *out = '\f'; return 0;
	case 'n': *out = '\n'; return 0;
	case 'r': *out = '\r'; return 0;
	case 't': *out = '\t'; return 0;
	case 'v': *out = '\v'; return 0;
	default: break;
	}
bad:
	return ls_fail(p->err, "invalid escape sequence: `%.*s`", (int)(p->s - start), start);
}

static int parse_class_char(struct parser *p, uint32_t *out)
{
	if (!*p->s)
		return ls_fail(p->err, "missing closing ]");
	if (*p->s == '\\')
		return parse_escape(p, out);
	*out = next_rune(p);
	return 0;
}

/* [:name:] or [:^name:]; returns 1 when parsed, 0 when s is not a named class. */
static int parse_named_class(struct parser *p, struct rx_class *c)
{
	const char *end = strstr(p->s + 2, ":]");
	if (!end)
		return 0;
	const char *name = p->s + 2;
	bool neg = *name == '^';
	if (neg)
		name++;
	size_t len = (size_t)(end - name);
	for (size_t i = 0; i < sizeof(posix_classes) / sizeof(posix_classes[0]); i++) {
		if (strlen(posix_classes[i].name) == len && !memcmp(posix_classes[i].name, name, len)) {
			class_add_table(c, posix_classes[i].tab, posix_classes[i].npairs, neg);
			p->s = end + 2;
			return 1;
		}
	}
	return ls_fail(p->err, "invalid character class range: `%.*s`", (int)(end + 2 - p->s), p->s);
}

static int parse_class(struct parser *p, struct node *seq)
{
	const char *start = p->s;
	uint32_t ci = new_class(p->rx);
	struct rx_class c = {0};
	bool first = true;
	int rc = -1;
	p->s++; /* [ */
	if (*p->s == '^') {
		c.negate = true;
		p->s++;
	}
	while (!*p->s || *p->s != ']' || first) {
		first = false;
		if (p->s[0] == '[' && p->s[1] == ':' && p->s[2]) {
			int r = parse_named_class(p, &c);
			if (r < 0)
				goto out;
			if (r > 0)
				continue;
		}
		if (p->s[0] == '\\' && (p->s[1] == 'p' || p->s[1] == 'P')) {
			ls_fail(p->err, "Unicode classes (\\p) are not supported");
			goto out;
		}
		if (perl_class(p->s, &c)) {
			p->s += 2;
			continue;
		}
		const char *rng = p->s;
		uint32_t lo, hi;
		if (parse_class_char(p, &lo) < 0)
			goto out;
		hi = lo;
		if (p->s[0] == '-' && p->s[1] && p->s[1] != ']') {
			p->s++;
			if (parse_class_char(p, &hi) < 0)
				goto out;
			if (hi < lo) {
				ls_fail(p->err, "invalid character class range: `%.*s`", (int)(p->s - rng),
					rng);
				goto out;
			}
		}
		class_add(&c, lo, hi);
	}
	p->s++; /* ] */
	rc = 0;
out:
	(void)start;
	p->rx->classes[ci] = c;
	if (rc == 0)
		push_node(seq, N_CLASS, ci);
	return rc;
}

static int parse_seq(struct parser *p, struct node *seq, bool in_group);

static int parse_atom(struct parser *p, struct node *seq, bool in_group)
{
	uint32_t r;
	switch (*p->s) {
	case '(': {
		if (++p->depth > 1000)
			return ls_fail(p->err, "expression nests too deeply");
		if (p->s[1] == '?')
			return ls_fail(p->err, "flag groups are not supported");
		p->s++;
		struct node *g = push_node(seq, N_GROUP, 0);
		struct node inner = {0};
		int rc = parse_seq(p, &inner, true);
		/* push_node may have moved seq->kids; g stays valid as nothing was pushed since. */
		g->kids = inner.kids;
		g->nkids = inner.nkids;
		g->kidcap = inner.kidcap;
		if (rc < 0)
			return -1;
		if (*p->s != ')')
			return ls_fail(p->err, "missing closing )");
		p->s++;
		p->depth--;
		return 0;
	}
	case ')':
		if (!in_group)
			return ls_fail(p->err, "unexpected )");
		return 0;
	case '|':
		return ls_fail(p->err, "alternation is not supported");
	case '[':
		return parse_class(p, seq);
	case '.':
		p->s++;
		push_node(seq, N_ANYNL, 0);
		return 0;
	case '^':
		p->s++;
		push_node(seq, N_ASSERT, AS_BEGIN);
		return 0;
	case '$':
		p->s++;
		push_node(seq, N_ASSERT, AS_END);
		return 0;
	case '\\':
		switch (p->s[1]) {
		case 'A': p->s += 2; push_node(seq, N_ASSERT, AS_BEGIN); return 0;
		case 'z': p->s += 2; push_node(seq, N_ASSERT, AS_END); return 0;
		case 'b': p->s += 2; push_node(seq, N_ASSERT, AS_WORDB); return 0;
		case 'B': p->s += 2; push_node(seq, N_ASSERT, AS_NWORDB); return 0;
		case 'C': return ls_fail(p->err, "invalid escape sequence: `\\C`");
		case 'Q': {
			const char *end = strstr(p->s + 2, "\\E");
			size_t n = end ? (size_t)(end - (p->s + 2)) : strlen(p->s + 2);
			const char *lit = p->s + 2;
			p->s = lit + n + (end ? 2 : 0);
			for (size_t i = 0; i < n;) {
				size_t w;
				uint32_t c = go_decode_rune(lit + i, n - i, &w);
				push_literal(p, seq, c);
				i += w;
			}
			return 0;
		}
		case 'p': case 'P':
			return ls_fail(p->err, "Unicode classes (\\p) are not supported");
		default: break;
		}
		{
			uint32_t ci = new_class(p->rx);
			if (perl_class(p->s, &p->rx->classes[ci])) {
				p->s += 2;
				push_node(seq, N_CLASS, ci);
				return 0;
			}
		}
		if (parse_escape(p, &r) < 0)
			return -1;
		push_literal(p, seq, r);
		return 0;
	default:
		r = next_rune(p);
		push_literal(p, seq, r);
		return 0;
	}
}

static int parse_seq(struct parser *p, struct node *seq, bool in_group)
{
	bool last_repeat = false;
	while (*p->s && !(in_group && *p->s == ')')) {
		char c = *p->s;
		if (c == '*' || c == '+' || c == '?') {
			if (seq->nkids == 0)
				return ls_fail(p->err, "missing argument to repetition operator: `%c`", c);
			p->s++;
			if (*p->s == '?')
				p->s++; /* non-greedy: same language */
			if (last_repeat)
				return ls_fail(p->err, "invalid nested repetition operator");
			struct node *prev = &seq->kids[seq->nkids - 1];
			prev->quant = (uint8_t)c;
			last_repeat = true;
			continue;
		}
		last_repeat = false;
		if (parse_atom(p, seq, in_group) < 0)
			return -1;
	}
	return 0;
}

/* ---- compiler ---- */

static size_t emit(struct gorx *rx, uint8_t op, uint8_t arg, uint32_t x, uint32_t y)
{
	rx->code = xgrow(rx->code, &rx->cap, rx->n + 1, sizeof(*rx->code));
	rx->code[rx->n] = (struct rx_inst){op, arg, x, y};
	return rx->n++;
}

static void compile_node(struct gorx *rx, const struct node *n);

static void compile_atom(struct gorx *rx, const struct node *n)
{
	switch (n->kind) {
	case N_CLASS: emit(rx, OP_CLASS, 0, n->arg, 0); break;
	case N_ANYNL: emit(rx, OP_ANYNL, 0, 0, 0); break;
	case N_ASSERT: emit(rx, OP_ASSERT, (uint8_t)n->arg, 0, 0); break;
	case N_GROUP:
		for (size_t i = 0; i < n->nkids; i++)
			compile_node(rx, &n->kids[i]);
		break;
	}
}

static void compile_node(struct gorx *rx, const struct node *n)
{
	size_t split, start;
	switch (n->quant) {
	case '*':
		split = emit(rx, OP_SPLIT, 0, 0, 0);
		rx->code[split].x = (uint32_t)rx->n;
		compile_atom(rx, n);
		emit(rx, OP_JMP, 0, (uint32_t)split, 0);
		rx->code[split].y = (uint32_t)rx->n;
		break;
	case '+':
		start = rx->n;
		compile_atom(rx, n);
		emit(rx, OP_SPLIT, 0, (uint32_t)start, (uint32_t)(rx->n + 1));
		break;
	case '?':
		split = emit(rx, OP_SPLIT, 0, 0, 0);
		rx->code[split].x = (uint32_t)rx->n;
		compile_atom(rx, n);
		rx->code[split].y = (uint32_t)rx->n;
		break;
	default: compile_atom(rx, n); break;
	}
}

void gorx_free(struct gorx *rx)
{
	if (!rx)
		return;
	for (size_t i = 0; i < rx->nclasses; i++)
		free(rx->classes[i].r);
	free(rx->classes);
	free(rx->code);
	free(rx);
}

int gorx_compile(const char *src, struct gorx **out, ls_error *err)
{
	struct gorx *rx = xcalloc(1, sizeof(*rx));
	struct parser p = {src, rx, err, 0};
	struct node top = {0};
	*out = NULL;
	if (parse_seq(&p, &top, false) < 0 || (*p.s && ls_fail(err, "unexpected )") < 0)) {
		node_release(&top);
		gorx_free(rx);
		return -1;
	}
	for (size_t i = 0; i < top.nkids; i++)
		compile_node(rx, &top.kids[i]);
	emit(rx, OP_MATCH, 0, 0, 0);
	node_release(&top);
	*out = rx;
	return 0;
}

/* ---- Pike VM without captures ---- */

struct vm_ctx {
	const char *s;
	size_t len, pos;
	bool open_end; /* prefix probe: the text continues past len */
};

static bool is_word(uint32_t r)
{
	return (r >= '0' && r <= '9') || (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z') || r == '_';
}

/* Go's \b looks at the bytes on either side (ASCII word characters only). */
static bool word_boundary(const struct vm_ctx *c, bool *unknown)
{
	bool before = c->pos > 0 && is_word((unsigned char)c->s[c->pos - 1]);
	*unknown = c->pos >= c->len && c->open_end;
	bool after = c->pos < c->len && is_word((unsigned char)c->s[c->pos]);
	return before != after;
}

static bool assert_ok(uint8_t kind, const struct vm_ctx *c)
{
	bool unknown, wb;
	switch (kind) {
	case AS_BEGIN: return c->pos == 0;
	case AS_END: return c->pos == c->len && !c->open_end;
	case AS_WORDB: wb = word_boundary(c, &unknown); return unknown || wb;
	default: wb = word_boundary(c, &unknown); return unknown || !wb;
	}
}

struct vm_list {
	uint32_t *pc;
	size_t n;
};

static void add_thread(const struct gorx *rx, struct vm_list *l, uint32_t *mark, uint32_t gen,
		       uint32_t pc, const struct vm_ctx *c, uint32_t *stack)
{
	size_t sp = 0;
	stack[sp++] = pc;
	while (sp) {
		pc = stack[--sp];
		if (mark[pc] == gen)
			continue;
		mark[pc] = gen;
		const struct rx_inst *in = &rx->code[pc];
		switch (in->op) {
		case OP_JMP: stack[sp++] = in->x; break;
		case OP_SPLIT:
			stack[sp++] = in->y;
			stack[sp++] = in->x;
			break;
		case OP_ASSERT:
			if (assert_ok(in->arg, c))
				stack[sp++] = pc + 1;
			break;
		default: l->pc[l->n++] = pc; break;
		}
	}
}

/* Run the NFA over s; returns whether MATCH was reached at the end (or, with open_end,
 * whether any consuming thread is still alive). */
static bool run(const struct gorx *rx, const char *s, size_t len, bool open_end)
{
	enum { SMALL = 128 };
	uint32_t small[5 * SMALL + 1];
	uint32_t *mem = rx->n <= SMALL ? small : xmalloc((5 * rx->n + 1) * sizeof(uint32_t));
	/* Each pc is expanded at most once per generation and pushes at most two more, so the
	 * stack never holds more than 2n + 1 entries. */
	struct vm_list cur = {mem, 0}, next = {mem + rx->n, 0};
	uint32_t *mark = mem + 2 * rx->n, *stack = mem + 3 * rx->n;
	uint32_t gen = 1;
	struct vm_ctx c = {s, len, 0, open_end};
	bool result = false;

	memset(mark, 0, rx->n * sizeof(uint32_t));
	add_thread(rx, &cur, mark, gen, 0, &c, stack);
	while (c.pos < len && cur.n) {
		size_t w;
		uint32_t r = go_decode_rune(s + c.pos, len - c.pos, &w);
		struct vm_ctx nc = c;
		nc.pos += w;
		gen++;
		next.n = 0;
		for (size_t i = 0; i < cur.n; i++) {
			const struct rx_inst *in = &rx->code[cur.pc[i]];
			bool ok = (in->op == OP_CLASS && class_has(&rx->classes[in->x], r)) ||
				  (in->op == OP_ANYNL && r != '\n');
			if (ok)
				add_thread(rx, &next, mark, gen, cur.pc[i] + 1, &nc, stack);
		}
		struct vm_list t = cur;
		cur = next;
		next = t;
		c = nc;
	}
	for (size_t i = 0; i < cur.n && !result; i++) {
		uint8_t op = rx->code[cur.pc[i]].op;
		result = open_end ? (op == OP_CLASS || op == OP_ANYNL) : (c.pos == len && op == OP_MATCH);
	}
	if (mem != small)
		free(mem);
	return result;
}

bool gorx_match(const struct gorx *rx, const char *s, size_t len)
{
	return run(rx, s, len, false);
}

bool gorx_prefix_alive(const struct gorx *rx, const char *prefix, size_t len)
{
	return run(rx, prefix, len, true);
}
