#include "analysis/gofmt.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Shortest decimal digits that read back as v: value = 0.DIGITS × 10^dp. */
struct digits {
	char d[32];
	int nd, dp;
	bool neg;
};

static void shortest_digits(double v, struct digits *g)
{
	char buf[64];
	memset(g, 0, sizeof(*g));
	g->neg = signbit(v);
	v = fabs(v);
	if (v == 0)
		return;
	for (int p = 1; p <= 17; p++) {
		snprintf(buf, sizeof(buf), "%.*e", p - 1, v);
		if (strtod(buf, NULL) == v || p == 17)
			break;
	}
	/* buf is "d.ddde±XX": collect the digits, then the exponent. */
	const char *s = buf;
	for (; *s && *s != 'e'; s++)
		if (isdigit((unsigned char)*s))
			g->d[g->nd++] = *s;
	g->dp = atoi(s + 1) + 1;
	while (g->nd > 1 && g->d[g->nd - 1] == '0')
		g->nd--;
	g->d[g->nd] = '\0';
}

static size_t put(char *out, size_t n, size_t pos, char c)
{
	if (pos + 1 < n)
		out[pos] = c;
	return pos + 1;
}

static void finish(char *out, size_t n, size_t pos)
{
	if (n)
		out[pos < n ? pos : n - 1] = '\0';
}

/* strconv's %e with prec digits after the point (Go writes at least two exponent digits). */
static void format_e(const struct digits *g, int prec, char *out, size_t n)
{
	size_t pos = 0;
	char exp[16];
	if (g->neg)
		pos = put(out, n, pos, '-');
	pos = put(out, n, pos, g->nd ? g->d[0] : '0');
	if (prec > 0) {
		pos = put(out, n, pos, '.');
		for (int i = 1; i <= prec; i++)
			pos = put(out, n, pos, i < g->nd ? g->d[i] : '0');
	}
	int e = g->nd ? g->dp - 1 : 0;
	snprintf(exp, sizeof(exp), "e%c%02d", e < 0 ? '-' : '+', abs(e));
	for (const char *s = exp; *s; s++)
		pos = put(out, n, pos, *s);
	finish(out, n, pos);
}

/* strconv's %f with prec digits after the point, from the digits. */
static void format_f(const struct digits *g, int prec, char *out, size_t n)
{
	size_t pos = 0;
	if (g->neg)
		pos = put(out, n, pos, '-');
	if (g->dp > 0) {
		for (int i = 0; i < g->dp; i++)
			pos = put(out, n, pos, i < g->nd ? g->d[i] : '0');
	} else {
		pos = put(out, n, pos, '0');
	}
	if (prec > 0) {
		pos = put(out, n, pos, '.');
		for (int i = 0; i < prec; i++) {
			int k = g->dp + i;
			pos = put(out, n, pos, k >= 0 && k < g->nd ? g->d[k] : '0');
		}
	}
	finish(out, n, pos);
}

static bool special(double v, char *out, size_t n)
{
	if (isnan(v))
		snprintf(out, n, "NaN");
	else if (isinf(v))
		snprintf(out, n, "%s", v > 0 ? "+Inf" : "-Inf");
	else
		return false;
	return true;
}

void go_format_v(double v, char *out, size_t n)
{
	struct digits g;
	if (special(v, out, n))
		return;
	shortest_digits(v, &g);
	int exp = g.dp - 1;
	if (g.nd && (exp < -4 || exp >= 6))
		format_e(&g, g.nd - 1, out, n);
	else
		format_f(&g, g.nd - g.dp > 0 ? g.nd - g.dp : 0, out, n);
}

void go_format_json(double v, char *out, size_t n)
{
	struct digits g;
	double a = fabs(v);
	if (special(v, out, n))
		return;
	shortest_digits(v, &g);
	if (a != 0 && (a < 1e-6 || a >= 1e21)) {
		format_e(&g, g.nd - 1, out, n);
		/* encoding/json writes e-7, not e-07 */
		size_t len = strlen(out);
		if (len >= 4 && out[len - 4] == 'e' && out[len - 3] == '-' && out[len - 2] == '0') {
			out[len - 2] = out[len - 1];
			out[len - 1] = '\0';
		}
	} else {
		format_f(&g, g.nd - g.dp > 0 ? g.nd - g.dp : 0, out, n);
	}
}

void go_format_fixed(double v, int prec, char *out, size_t n)
{
	if (!special(v, out, n))
		snprintf(out, n, "%.*f", prec, v);
}

void go_format_comma(uint64_t v, char *out, size_t n)
{
	char raw[32];
	size_t len = (size_t)snprintf(raw, sizeof(raw), "%llu", (unsigned long long)v), pos = 0;
	for (size_t i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			pos = put(out, n, pos, ',');
		pos = put(out, n, pos, raw[i]);
	}
	finish(out, n, pos);
}

bool go_parse_float(const char *s, double *out)
{
	char *end;
	if (!s || !*s || isspace((unsigned char)*s))
		return false;
	double v = strtod(s, &end);
	if (*end || end == s || isnan(v))
		return false;
	*out = v;
	return true;
}

bool go_parse_bytes(const char *s, uint64_t *out)
{
	static const struct {
		const char *name;
		double mult;
	} units[] = {
		{"", 1}, {"b", 1},
		{"k", 1e3}, {"kb", 1e3}, {"ki", 1024.0}, {"kib", 1024.0},
		{"m", 1e6}, {"mb", 1e6}, {"mi", 1048576.0}, {"mib", 1048576.0},
		{"g", 1e9}, {"gb", 1e9}, {"gi", 1073741824.0}, {"gib", 1073741824.0},
		{"t", 1e12}, {"tb", 1e12}, {"ti", 1099511627776.0}, {"tib", 1099511627776.0},
		{"p", 1e15}, {"pb", 1e15}, {"pi", 1125899906842624.0}, {"pib", 1125899906842624.0},
		{"e", 1e18}, {"eb", 1e18}, {"ei", 1152921504606846976.0}, {"eib", 1152921504606846976.0},
	};
	char num[64], unit[16];
	size_t nn = 0, i = 0, nu = 0;
	double v;

	/* The number: digits, '.' and ',' (commas are dropped), as go-humanize reads it. */
	for (; s[i] && (isdigit((unsigned char)s[i]) || s[i] == '.' || s[i] == ','); i++) {
		if (s[i] != ',' && nn + 1 < sizeof(num))
			num[nn++] = s[i];
	}
	num[nn] = '\0';
	if (!go_parse_float(num, &v) || v < 0)
		return false;
	/* The unit: the rest, trimmed, lower-cased. */
	const char *u = s + i;
	while (isspace((unsigned char)*u))
		u++;
	size_t ul = strlen(u);
	while (ul > 0 && isspace((unsigned char)u[ul - 1]))
		ul--;
	if (ul >= sizeof(unit))
		return false;
	for (; nu < ul; nu++)
		unit[nu] = (char)tolower((unsigned char)u[nu]);
	unit[nu] = '\0';
	for (size_t k = 0; k < sizeof(units) / sizeof(units[0]); k++) {
		if (strcmp(unit, units[k].name) != 0)
			continue;
		v *= units[k].mult;
		if (v >= 18446744073709551616.0)
			return false;
		*out = (uint64_t)v;
		return true;
	}
	return false;
}
