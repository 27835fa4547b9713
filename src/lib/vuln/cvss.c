#include "vuln/cvss.h"

#include <math.h>
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

double cvss_base_score(const char *vector)
{
	if (!vector)
		return -1;
	if (!strncmp(vector, "CVSS:3.0/", 9) || !strncmp(vector, "CVSS:3.1/", 9))
		return v3_score(vector + 9);
	if (!strncmp(vector, "CVSS:", 5))
		return -1; /* v4 and unknown versions */
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
