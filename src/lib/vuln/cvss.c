#include "vuln/cvss.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* The value of metric `key` in a "K:V/K:V" vector, or 0 when absent. */
static char metric(const char *vector, const char *key)
{
	size_t klen = strlen(key);
	for (const char *p = vector; p && *p; p = strchr(p, '/') ? strchr(p, '/') + 1 : NULL)
		if (!strncmp(p, key, klen) && p[klen] == ':')
			return p[klen + 1];
	return 0;
}

/* CVSS v3.1 "Roundup": the smallest number, to one decimal, at least the input. */
static double roundup(double x)
{
	long i = lround(x * 100000);
	if (i % 10000 == 0)
		return (double)i / 100000.0;
	return (floor((double)i / 10000) + 1) / 10.0;
}

static double v3_score(const char *v)
{
	char av = metric(v, "AV"), ac = metric(v, "AC"), pr = metric(v, "PR"), ui = metric(v, "UI");
	char s = metric(v, "S"), c = metric(v, "C"), in = metric(v, "I"), a = metric(v, "A");
	double AV, AC, PR, UI, C, I, A;
	switch (av) { case 'N': AV = 0.85; break; case 'A': AV = 0.62; break;
		      case 'L': AV = 0.55; break; case 'P': AV = 0.2; break; default: return -1; }
	switch (ac) { case 'L': AC = 0.77; break; case 'H': AC = 0.44; break; default: return -1; }
	if (s != 'U' && s != 'C')
		return -1;
	switch (pr) { case 'N': PR = 0.85; break; case 'L': PR = s == 'C' ? 0.68 : 0.62; break;
		      case 'H': PR = s == 'C' ? 0.5 : 0.27; break; default: return -1; }
	switch (ui) { case 'N': UI = 0.85; break; case 'R': UI = 0.62; break; default: return -1; }
	double *cia[] = {&C, &I, &A};
	char vals[] = {c, in, a};
	for (int k = 0; k < 3; k++) {
		switch (vals[k]) { case 'H': *cia[k] = 0.56; break; case 'L': *cia[k] = 0.22; break;
				   case 'N': *cia[k] = 0; break; default: return -1; }
	}
	double iss = 1 - (1 - C) * (1 - I) * (1 - A);
	double impact = s == 'U' ? 6.42 * iss : 7.52 * (iss - 0.029) - 3.25 * pow(iss - 0.02, 15);
	double exploit = 8.22 * AV * AC * PR * UI;
	if (impact <= 0)
		return 0;
	if (s == 'U')
		return roundup(fmin(impact + exploit, 10));
	return roundup(fmin(1.08 * (impact + exploit), 10));
}

static double v2_score(const char *v)
{
	char av = metric(v, "AV"), ac = metric(v, "AC"), au = metric(v, "Au");
	char c = metric(v, "C"), in = metric(v, "I"), a = metric(v, "A");
	double AV, AC, AU, C, I, A;
	switch (av) { case 'L': AV = 0.395; break; case 'A': AV = 0.646; break; case 'N': AV = 1.0; break; default: return -1; }
	switch (ac) { case 'H': AC = 0.35; break; case 'M': AC = 0.61; break; case 'L': AC = 0.71; break; default: return -1; }
	switch (au) { case 'M': AU = 0.45; break; case 'S': AU = 0.56; break; case 'N': AU = 0.704; break; default: return -1; }
	double *cia[] = {&C, &I, &A};
	char vals[] = {c, in, a};
	for (int k = 0; k < 3; k++) {
		switch (vals[k]) { case 'N': *cia[k] = 0; break; case 'P': *cia[k] = 0.275; break;
				   case 'C': *cia[k] = 0.660; break; default: return -1; }
	}
	double impact = 10.41 * (1 - (1 - C) * (1 - I) * (1 - A));
	double exploit = 20 * AV * AC * AU;
	double f = impact == 0 ? 0 : 1.176;
	return round(((0.6 * impact) + (0.4 * exploit) - 1.5) * f * 10) / 10;
}


/* ---- CVSS v4.0 (FIRST's specification, scored as its reference calculator does) ---- */

enum v4_metric {
	AV, AC, AT, PR, UI, VC, VI, VA, SC, SI, SA,         /* base: all mandatory */
	E,                                                  /* threat */
	CR, IR, AR, MAV, MAC, MAT, MPR, MUI, MVC, MVI, MVA, MSC, MSI, MSA, /* environmental */
	S_, AU, R_, V_, RE, U_,                             /* supplemental: never scored */
	V4_METRICS
};

/* Each metric's name and its values, one letter each ('X' = not defined). U's values are
 * words (Clear, Green, Amber, Red), checked apart. */
static const struct {
	const char *name, *values;
} v4_def[V4_METRICS] = {
	[AV] = {"AV", "NALP"},   [AC] = {"AC", "LH"},       [AT] = {"AT", "NP"},
	[PR] = {"PR", "NLH"},    [UI] = {"UI", "NPA"},      [VC] = {"VC", "HLN"},
	[VI] = {"VI", "HLN"},    [VA] = {"VA", "HLN"},      [SC] = {"SC", "HLN"},
	[SI] = {"SI", "HLN"},    [SA] = {"SA", "HLN"},      [E] = {"E", "XAPU"},
	[CR] = {"CR", "XHML"},   [IR] = {"IR", "XHML"},     [AR] = {"AR", "XHML"},
	[MAV] = {"MAV", "XNALP"}, [MAC] = {"MAC", "XLH"},   [MAT] = {"MAT", "XNP"},
	[MPR] = {"MPR", "XNLH"}, [MUI] = {"MUI", "XNPA"},   [MVC] = {"MVC", "XHLN"},
	[MVI] = {"MVI", "XHLN"}, [MVA] = {"MVA", "XHLN"},   [MSC] = {"MSC", "XHLN"},
	[MSI] = {"MSI", "XSHLN"}, [MSA] = {"MSA", "XSHLN"}, [S_] = {"S", "XNP"},
	[AU] = {"AU", "XNY"},    [R_] = {"R", "XAUI"},      [V_] = {"V", "XDC"},
	[RE] = {"RE", "XLMH"},   [U_] = {"U", NULL},
};

struct v4_vector {
	char value[V4_METRICS]; /* 'X' for an optional metric the vector leaves out */
};

static int v4_metric_index(const char *name, size_t len)
{
	for (int i = 0; i < V4_METRICS; i++)
		if (strlen(v4_def[i].name) == len && !strncmp(v4_def[i].name, name, len))
			return i;
	return -1;
}

static bool v4_value_ok(int metric, const char *value, size_t len)
{
	if (metric == U_) {
		static const char *words[] = {"X", "Clear", "Green", "Amber", "Red"};
		for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
			if (strlen(words[i]) == len && !strncmp(words[i], value, len))
				return true;
		return false;
	}
	return len == 1 && strchr(v4_def[metric].values, value[0]);
}

/* "CVSS:4.0/AV:N/…": every base metric once, the others at most once, known values only.
 * Metrics in any order (the specification prescribes one, but reordered vectors are common
 * in advisories and mean the same). */
static bool v4_parse(const char *vector, struct v4_vector *v)
{
	bool seen[V4_METRICS] = {false};
	memset(v->value, 'X', sizeof(v->value));
	if (strncmp(vector, "CVSS:4.0/", 9))
		return false;
	for (const char *p = vector + 9;;) {
		const char *colon = strchr(p, ':'), *end = strchr(p, '/');
		if (!end)
			end = p + strlen(p);
		if (!colon || colon > end)
			return false;
		int metric = v4_metric_index(p, (size_t)(colon - p));
		if (metric < 0 || seen[metric] || !v4_value_ok(metric, colon + 1, (size_t)(end - colon - 1)))
			return false;
		seen[metric] = true;
		v->value[metric] = colon[1];
		if (!*end)
			break;
		p = end + 1;
	}
	for (int i = AV; i <= SA; i++)
		if (!seen[i])
			return false;
	return true;
}

/* The value scoring uses (the calculator's m()): E:X is E:A and CR/IR/AR:X are H (the worst
 * case); a defined modified metric replaces its base metric. */
static char v4_effective(const struct v4_vector *v, enum v4_metric m)
{
	char c = v->value[m];
	if (m == E && c == 'X')
		return 'A';
	if ((m == CR || m == IR || m == AR) && c == 'X')
		return 'H';
	if (m >= AV && m <= SA && v->value[MAV + (m - AV)] != 'X')
		return v->value[MAV + (m - AV)];
	return c;
}

/* The six equivalence classes (0 = most severe). */
static void v4_equivalence_classes(const struct v4_vector *v, int eq[6])
{
#define M(x) v4_effective(v, x)
	bool av_n = M(AV) == 'N', pr_n = M(PR) == 'N', ui_n = M(UI) == 'N';
	if (av_n && pr_n && ui_n)
		eq[0] = 0;
	else if ((av_n || pr_n || ui_n) && M(AV) != 'P')
		eq[0] = 1;
	else
		eq[0] = 2;
	eq[1] = M(AC) == 'L' && M(AT) == 'N' ? 0 : 1;
	if (M(VC) == 'H' && M(VI) == 'H')
		eq[2] = 0;
	else if (M(VC) == 'H' || M(VI) == 'H' || M(VA) == 'H')
		eq[2] = 1;
	else
		eq[2] = 2;
	if (M(MSI) == 'S' || M(MSA) == 'S')
		eq[3] = 0;
	else if (M(SC) == 'H' || M(SI) == 'H' || M(SA) == 'H')
		eq[3] = 1;
	else
		eq[3] = 2;
	eq[4] = M(E) == 'A' ? 0 : M(E) == 'P' ? 1 : 2;
	eq[5] = (M(CR) == 'H' && M(VC) == 'H') || (M(IR) == 'H' && M(VI) == 'H') ||
			(M(AR) == 'H' && M(VA) == 'H') ? 0 : 1;
#undef M
}

/* The specification's MacroVector table, in tenths, indexed [EQ1][EQ2][EQ3][EQ4·EQ5·EQ6]
 * (EQ4 slowest); -1 where no MacroVector exists (EQ3 2 with EQ6 0). */
static const signed char v4_macro_score[3][2][3][18] = {
	{
		{
			/* 000xxx */ {100, 99, 98, 95, 95, 92, 100, 96, 93, 87, 91, 81, 93, 90, 89, 80, 81, 68},
			/* 001xxx */ {98, 95, 95, 92, 90, 84, 93, 92, 89, 81, 81, 65, 88, 80, 78, 70, 69, 48},
			/* 002xxx */ {-1, 92, -1, 82, -1, 72, -1, 79, -1, 69, -1, 50, -1, 69, -1, 55, -1, 27},
		},
		{
			/* 010xxx */ {99, 97, 95, 92, 92, 85, 95, 91, 90, 83, 84, 71, 92, 81, 82, 71, 72, 53},
			/* 011xxx */ {95, 93, 92, 85, 85, 73, 92, 82, 80, 72, 70, 59, 84, 70, 71, 52, 50, 30},
			/* 012xxx */ {-1, 86, -1, 75, -1, 52, -1, 71, -1, 52, -1, 29, -1, 63, -1, 29, -1, 17},
		},
	},
	{
		{
			/* 100xxx */ {98, 95, 94, 87, 91, 81, 94, 89, 86, 74, 77, 64, 87, 75, 74, 63, 63, 49},
			/* 101xxx */ {94, 89, 88, 77, 76, 67, 86, 76, 74, 58, 59, 50, 72, 57, 57, 52, 52, 25},
			/* 102xxx */ {-1, 83, -1, 70, -1, 54, -1, 65, -1, 58, -1, 26, -1, 53, -1, 21, -1, 13},
		},
		{
			/* 110xxx */ {95, 90, 88, 76, 76, 70, 90, 77, 75, 62, 61, 53, 77, 66, 68, 59, 52, 30},
			/* 111xxx */ {89, 78, 76, 67, 62, 58, 74, 59, 57, 57, 47, 23, 61, 52, 57, 29, 24, 16},
			/* 112xxx */ {-1, 71, -1, 59, -1, 30, -1, 58, -1, 26, -1, 15, -1, 23, -1, 13, -1, 6},
		},
	},
	{
		{
			/* 200xxx */ {93, 87, 86, 72, 75, 58, 86, 74, 74, 61, 56, 34, 70, 54, 52, 40, 40, 22},
			/* 201xxx */ {85, 75, 74, 55, 62, 51, 72, 57, 55, 41, 46, 19, 53, 36, 34, 19, 19, 8},
			/* 202xxx */ {-1, 64, -1, 51, -1, 20, -1, 47, -1, 21, -1, 11, -1, 24, -1, 9, -1, 4},
		},
		{
			/* 210xxx */ {88, 75, 73, 53, 60, 50, 73, 55, 59, 40, 41, 20, 54, 43, 45, 22, 20, 11},
			/* 211xxx */ {75, 55, 58, 45, 40, 21, 61, 51, 48, 18, 20, 9, 46, 18, 17, 7, 8, 2},
			/* 212xxx */ {-1, 53, -1, 24, -1, 14, -1, 24, -1, 12, -1, 5, -1, 10, -1, 3, -1, 1},
		},
	},
};

/* The MacroVector's score, or NAN past the table's edge (no lower MacroVector). */
static double v4_lookup(const int eq[6])
{
	if (eq[0] > 2 || eq[1] > 1 || eq[2] > 2 || eq[3] > 2 || eq[4] > 2 || eq[5] > 1)
		return NAN;
	int t = v4_macro_score[eq[0]][eq[1]][eq[2]][eq[3] * 6 + eq[4] * 2 + eq[5]];
	return t < 0 ? NAN : t / 10.0;
}

static double v4_lookup_with(const int eq[6], int which, int delta, int which2, int delta2)
{
	int e[6];
	memcpy(e, eq, sizeof(e));
	e[which] += delta;
	if (which2 >= 0)
		e[which2] += delta2;
	return v4_lookup(e);
}

/* Severity levels within a metric, in steps of 0.1 (the calculator's *_levels). */
static int v4_level(enum v4_metric m, char c)
{
	const char *order;
	int base = 0;
	switch (m) {
	case AV: order = "NALP"; break;
	case PR: order = "NLH"; break;
	case UI: order = "NPA"; break;
	case AC: order = "LH"; break;
	case AT: order = "NP"; break;
	case VC: case VI: case VA: order = "HLN"; break;
	case SC: order = "HLN"; base = 1; break;
	case SI: case SA: order = "SHLN"; break;
	case CR: case IR: case AR: order = "HML"; break;
	default: return 0;
	}
	const char *p = strchr(order, c);
	return p ? base + (int)(p - order) : 0;
}

/* The highest-severity vectors of each MacroVector part (the calculator's max_composed),
 * as metric values in the order of the part's metrics. */
static const enum v4_metric eq1_metrics[] = {AV, PR, UI}, eq2_metrics[] = {AC, AT},
	eq36_metrics[] = {VC, VI, VA, CR, IR, AR}, eq4_metrics[] = {SC, SI, SA};
static const char *const eq1_max[3][3] = {{"NNN"}, {"ANN", "NLN", "NNP"}, {"PNN", "ALP"}};
static const char *const eq2_max[2][2] = {{"LN"}, {"HN", "LP"}};
static const char *const eq36_max[3][2][5] = {
	{{"HHHHHH"}, {"HHLMMH", "HHHMMM"}},
	{{"LHHHHH", "HLHHHH"}, {"LHLHMH", "LHHHMM", "HLHMHM", "HLLMHH", "LLHHHM"}},
	{{NULL}, {"LLLHHH"}},
};
static const char *const eq4_max[3] = {"HSS", "HHH", "LLL"};

/* Distance, in steps, of the vector's metrics below one highest vector's (negative when the
 * vector is more severe than it, which rules that highest vector out). */
static void v4_distances(const struct v4_vector *v, const enum v4_metric *metrics, size_t n,
			 const char *max, int *out)
{
	for (size_t i = 0; i < n; i++)
		out[i] = v4_level(metrics[i], v4_effective(v, metrics[i])) - v4_level(metrics[i], max[i]);
}

static bool all_non_negative(const int *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (d[i] < 0)
			return false;
	return true;
}

static int sum(const int *d, size_t n)
{
	int s = 0;
	for (size_t i = 0; i < n; i++)
		s += d[i];
	return s;
}

/* Severity distances per EQ (EQ1, EQ2, EQ3+EQ6, EQ4) from the first highest vector the
 * vector does not exceed; as the calculator, the last one tried when none fits. */
static void v4_severity_distance(const struct v4_vector *v, const int eq[6], int dist[4])
{
	/* zeroed: an impossible EQ3/EQ6 pair (no highest vector) leaves the loops empty */
	int d1[3] = {0}, d2[2] = {0}, d36[6] = {0}, d4[3] = {0};
	const char *const *m1 = eq1_max[eq[0]], *const *m2 = eq2_max[eq[1]];
	const char *const *m36 = eq36_max[eq[2]][eq[5]];
	for (size_t a = 0; a < 3 && m1[a]; a++)
		for (size_t b = 0; b < 2 && m2[b]; b++)
			for (size_t c = 0; c < 5 && m36[c]; c++) {
				v4_distances(v, eq1_metrics, 3, m1[a], d1);
				v4_distances(v, eq2_metrics, 2, m2[b], d2);
				v4_distances(v, eq36_metrics, 6, m36[c], d36);
				v4_distances(v, eq4_metrics, 3, eq4_max[eq[3]], d4);
				if (all_non_negative(d1, 3) && all_non_negative(d2, 2) &&
				    all_non_negative(d36, 6) && all_non_negative(d4, 3))
					goto found;
			}
found:
	dist[0] = sum(d1, 3);
	dist[1] = sum(d2, 2);
	dist[2] = sum(d36, 6);
	dist[3] = sum(d4, 3);
}

/* The depth of each MacroVector part, in steps (the calculator's max_severity). */
static int v4_depth(int part, const int eq[6])
{
	static const int eq1[] = {1, 4, 5}, eq2[] = {1, 2}, eq4[] = {6, 5, 4};
	static const int eq36[3][2] = {{7, 6}, {8, 8}, {0, 10}};
	switch (part) {
	case 0: return eq1[eq[0]];
	case 1: return eq2[eq[1]];
	case 2: return eq36[eq[2]][eq[5]];
	default: return eq4[eq[3]];
	}
}

/* The next lower MacroVector's score for each part: EQ1, EQ2, EQ3+EQ6 (moved together, the
 * higher of two paths from 00), EQ4, EQ5. */
static void v4_lower_scores(const int eq[6], double lower[5])
{
	lower[0] = v4_lookup_with(eq, 0, 1, -1, 0);
	lower[1] = v4_lookup_with(eq, 1, 1, -1, 0);
	if (eq[2] == 0 && eq[5] == 0) {
		double left = v4_lookup_with(eq, 5, 1, -1, 0), right = v4_lookup_with(eq, 2, 1, -1, 0);
		lower[2] = left > right ? left : right;
	} else if (eq[2] == 1 && eq[5] == 0) {
		lower[2] = v4_lookup_with(eq, 5, 1, -1, 0);
	} else if (eq[2] == 2) {
		lower[2] = v4_lookup_with(eq, 2, 1, 5, 1);
	} else {
		lower[2] = v4_lookup_with(eq, 2, 1, -1, 0);
	}
	lower[3] = v4_lookup_with(eq, 3, 1, -1, 0);
	lower[4] = v4_lookup_with(eq, 4, 1, -1, 0);
}

static double v4_score(const struct v4_vector *v)
{
	static const enum v4_metric impact[] = {VC, VI, VA, SC, SI, SA};
	bool no_impact = true;
	for (size_t i = 0; i < 6; i++)
		no_impact = no_impact && v4_effective(v, impact[i]) == 'N';
	if (no_impact)
		return 0;
	int eq[6], dist[4];
	double lower[5];
	v4_equivalence_classes(v, eq);
	double value = v4_lookup(eq);
	v4_lower_scores(eq, lower);
	v4_severity_distance(v, eq, dist);
	/* Each part with a lower MacroVector moves the score toward it by the vector's share of
	 * the part's depth; EQ5 has no depth (its share is 0) but still counts in the mean. */
	double moved = 0;
	int parts = 0;
	for (int p = 0; p < 5; p++) {
		if (isnan(lower[p]))
			continue;
		parts++;
		if (p < 4)
			moved += (value - lower[p]) * ((double)dist[p] / v4_depth(p, eq));
	}
	if (parts)
		value -= moved / parts;
	value = fmin(fmax(value, 0), 10);
	/* Half up at one decimal; the epsilon keeps x.x5 ties that floating point lands a hair
	 * below on the right side, as the reference implementations do. */
	return floor((value + 1e-6) * 10 + 0.5) / 10;
}

int cvss4_macrovector(const char *vector, char out[7])
{
	struct v4_vector v;
	int eq[6];
	if (!vector || !v4_parse(vector, &v))
		return -1;
	v4_equivalence_classes(&v, eq);
	for (int i = 0; i < 6; i++)
		out[i] = (char)('0' + eq[i]);
	out[6] = '\0';
	return 0;
}

double cvss_base_score(const char *vector)
{
	if (!vector)
		return -1;
	if (!strncmp(vector, "CVSS:3.0/", 9) || !strncmp(vector, "CVSS:3.1/", 9))
		return v3_score(vector + 9);
	if (!strncmp(vector, "CVSS:4.0/", 9)) {
		struct v4_vector v;
		return v4_parse(vector, &v) ? v4_score(&v) : -1;
	}
	if (!strncmp(vector, "CVSS:", 5))
		return -1; /* unknown versions */
	if (metric(vector, "Au"))
		return v2_score(vector);
	return -1;
}

const char *cvss_rating(double score)
{
	if (score >= 9.0)
		return "CRITICAL";
	if (score >= 7.0)
		return "HIGH";
	if (score >= 4.0)
		return "MEDIUM";
	if (score > 0)
		return "LOW";
	return "NONE";
}
