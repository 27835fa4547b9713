/* Python versions as PEP 440 and pypa/packaging's Version order them.
 * Accepted spellings (case-insensitive, surrounding whitespace ignored), as packaging's
 * VERSION_PATTERN: v? [N!] N(.N)* [{a|b|rc}N] [.postN] [.devN] [+local], where the pre-release
 * may be spelled alpha/a, beta/b, c/rc/pre/preview, the post-release post/rev/r or "-N",
 * separators '.', '-' or '_' are optional around labels, and a missing number is 0
 * (1.0-rc1 = 1.0rc1, 1.0.post = 1.0.post0, 1.0a = 1.0a0).
 * Order (packaging's _cmpkey): epoch; release with trailing zeros dropped (1.0 = 1.0.0);
 * pre-release (a < b < rc; a version with only .devN sorts before its pre-releases; no
 * pre-release sorts after them); post-release (none first); dev-release (none last); local
 * version (none first; dot-separated parts, a number above a string, numbers by value,
 * strings bytewise, fewer parts first). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "vuln/version_internal.h"

struct pep_num {
	const char *p;
	size_t n;
};

enum pep_pre { PRE_NONE, PRE_A, PRE_B, PRE_RC };

struct pep440 {
	char *buf; /* lowercased copy; every pointer below points into it */
	struct pep_num epoch;
	struct pep_num *release;
	size_t n_release, cap_release;
	enum pep_pre pre;
	struct pep_num pre_n;
	bool has_post, has_dev, has_local;
	struct pep_num post, dev;
	struct pep_num *local; /* parts, each [a-z0-9]+ */
	size_t n_local, cap_local;
};

static const struct pep_num pep_zero = {"0", 1};

static bool pep_sep(char c)
{
	return c == '-' || c == '_' || c == '.';
}

static bool pep_alnum(char c)
{
	return ver_isdigit(c) || (c >= 'a' && c <= 'z');
}

static struct pep_num pep_digits(const char **s)
{
	struct pep_num n = {*s, 0};
	while (ver_isdigit((*s)[n.n]))
		n.n++;
	*s += n.n;
	return n;
}

/* The first label of the list that starts s (the regex alternation order matters only
 * where one label is a prefix of another: the longer one is listed first). */
static int pep_label(const char **s, const char *const *labels, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(labels[i]);
		if (!strncmp(*s, labels[i], len)) {
			*s += len;
			return (int)i;
		}
	}
	return -1;
}

/* [sep] label [sep] [digits]: the shape shared by pre-, post- and dev-releases. */
static int pep_labelled(const char **s, const char *const *labels, size_t n, struct pep_num *num)
{
	const char *p = *s;
	if (pep_sep(*p))
		p++;
	int which = pep_label(&p, labels, n);
	if (which < 0)
		return -1;
	if (pep_sep(*p))
		p++;
	*num = pep_digits(&p);
	if (!num->n)
		*num = pep_zero;
	*s = p;
	return which;
}

static void pep_parse_pre(const char **s, struct pep440 *v)
{
	static const char *const labels[] = {"alpha", "a", "beta", "b", "preview", "pre", "c", "rc"};
	static const enum pep_pre kinds[] = {PRE_A, PRE_A, PRE_B, PRE_B, PRE_RC, PRE_RC, PRE_RC, PRE_RC};
	int which = pep_labelled(s, labels, 8, &v->pre_n);
	if (which >= 0)
		v->pre = kinds[which];
}

static void pep_parse_post(const char **s, struct pep440 *v)
{
	static const char *const labels[] = {"post", "rev", "r"};
	if (**s == '-' && ver_isdigit((*s)[1])) { /* 1.0-1 = 1.0.post1 */
		(*s)++;
		v->post = pep_digits(s);
		v->has_post = true;
		return;
	}
	v->has_post = pep_labelled(s, labels, 3, &v->post) >= 0;
}

static bool pep_parse_local(const char **s, struct pep440 *v)
{
	if (**s != '+')
		return true;
	const char *p = *s + 1;
	v->has_local = true;
	for (;;) {
		struct pep_num part = {p, 0};
		while (pep_alnum(p[part.n]))
			part.n++;
		if (!part.n)
			return false;
		v->local = xgrow(v->local, &v->cap_local, v->n_local + 1, sizeof(*v->local));
		v->local[v->n_local++] = part;
		p += part.n;
		if (!pep_sep(*p))
			break;
		p++;
	}
	*s = p;
	return true;
}

static void pep_release(struct pep440 *v)
{
	free(v->buf);
	free(v->release);
	free(v->local);
}

static bool pep_parse(const char *in, struct pep440 *v)
{
	memset(v, 0, sizeof(*v));
	while (isspace((unsigned char)*in))
		in++;
	size_t n = strlen(in);
	while (n > 0 && isspace((unsigned char)in[n - 1]))
		n--;
	v->buf = xstrndup(in, n);
	for (char *c = v->buf; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	const char *s = v->buf;
	if (*s == 'v')
		s++;
	v->epoch = pep_zero;
	const char *p = s;
	struct pep_num e = pep_digits(&p);
	if (e.n && *p == '!') {
		v->epoch = e;
		s = p + 1;
	}
	for (;;) { /* release: N(.N)* */
		struct pep_num part = pep_digits(&s);
		if (!part.n)
			return false;
		v->release = xgrow(v->release, &v->cap_release, v->n_release + 1, sizeof(*v->release));
		v->release[v->n_release++] = part;
		if (s[0] != '.' || !ver_isdigit(s[1]))
			break;
		s++;
	}
	pep_parse_pre(&s, v);
	pep_parse_post(&s, v);
	static const char *const dev[] = {"dev"};
	v->has_dev = pep_labelled(&s, dev, 1, &v->dev) >= 0;
	if (!pep_parse_local(&s, v))
		return false;
	return *s == '\0';
}

static bool pep_is_zero(struct pep_num n)
{
	for (size_t i = 0; i < n.n; i++)
		if (n.p[i] != '0')
			return false;
	return true;
}

static int pep_num_cmp(struct pep_num a, struct pep_num b)
{
	return ver_digits_cmp(a.p, a.n, b.p, b.n);
}

static int pep_release_cmp(const struct pep440 *a, const struct pep440 *b)
{
	size_t na = a->n_release, nb = b->n_release;
	while (na > 0 && pep_is_zero(a->release[na - 1]))
		na--;
	while (nb > 0 && pep_is_zero(b->release[nb - 1]))
		nb--;
	for (size_t i = 0; i < na && i < nb; i++) {
		int r = pep_num_cmp(a->release[i], b->release[i]);
		if (r)
			return r;
	}
	return na == nb ? 0 : (na < nb ? -1 : 1);
}

/* -1: a dev-only release (before its pre-releases), 0: a pre-release, 1: none. */
static int pep_pre_class(const struct pep440 *v)
{
	if (v->pre == PRE_NONE)
		return !v->has_post && v->has_dev ? -1 : 1;
	return 0;
}

static bool pep_local_numeric(struct pep_num n)
{
	for (size_t i = 0; i < n.n; i++)
		if (!ver_isdigit(n.p[i]))
			return false;
	return true;
}

static int pep_local_cmp(const struct pep440 *a, const struct pep440 *b)
{
	if (!a->has_local || !b->has_local)
		return a->has_local ? 1 : (b->has_local ? -1 : 0);
	for (size_t i = 0; i < a->n_local && i < b->n_local; i++) {
		struct pep_num x = a->local[i], y = b->local[i];
		bool xn = pep_local_numeric(x), yn = pep_local_numeric(y);
		int r;
		if (xn && yn)
			r = pep_num_cmp(x, y);
		else if (xn || yn)
			r = xn ? 1 : -1;
		else {
			r = ver_sign(memcmp(x.p, y.p, x.n < y.n ? x.n : y.n));
			if (!r && x.n != y.n)
				r = x.n < y.n ? -1 : 1;
		}
		if (r)
			return r;
	}
	return a->n_local == b->n_local ? 0 : (a->n_local < b->n_local ? -1 : 1);
}

static int pep_cmp(const struct pep440 *a, const struct pep440 *b)
{
	int r = pep_num_cmp(a->epoch, b->epoch);
	if (!r)
		r = pep_release_cmp(a, b);
	if (!r) {
		int ca = pep_pre_class(a), cb = pep_pre_class(b);
		r = ca != cb ? (ca < cb ? -1 : 1) : 0;
		if (!r && ca == 0) {
			r = a->pre != b->pre ? (a->pre < b->pre ? -1 : 1) : 0;
			if (!r)
				r = pep_num_cmp(a->pre_n, b->pre_n);
		}
	}
	if (!r) {
		if (a->has_post != b->has_post)
			r = a->has_post ? 1 : -1;
		else if (a->has_post)
			r = pep_num_cmp(a->post, b->post);
	}
	if (!r) {
		if (a->has_dev != b->has_dev)
			r = a->has_dev ? -1 : 1;
		else if (a->has_dev)
			r = pep_num_cmp(a->dev, b->dev);
	}
	if (!r)
		r = pep_local_cmp(a, b);
	return r;
}

bool pep440_valid(const char *v)
{
	struct pep440 p;
	bool ok = pep_parse(v, &p);
	pep_release(&p);
	return ok;
}

int pep440_compare(const char *a, const char *b, int *cmp, ls_error *err)
{
	struct pep440 x, y;
	int rc = 0;
	bool ok_x = pep_parse(a, &x), ok_y = pep_parse(b, &y);
	if (!ok_x)
		rc = ls_fail(err, "invalid PEP 440 version '%s'", a);
	else if (!ok_y)
		rc = ls_fail(err, "invalid PEP 440 version '%s'", b);
	else
		*cmp = pep_cmp(&x, &y);
	pep_release(&x);
	pep_release(&y);
	return rc;
}
