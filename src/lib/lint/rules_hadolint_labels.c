/* hadolint rules about LABEL: key syntax (DL3048) and the configured label-schema
 * (DL3049-DL3056, DL3058; off unless .hadolint.yaml has label-schema / strict-labels). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lint/rules_hadolint.h"
#include "util/mem.h"

static bool key_valid(const char *k)
{
	size_t n = strlen(k);
	if (n == 0 || !islower((unsigned char)k[0]) ||
	    !(islower((unsigned char)k[n - 1]) || isdigit((unsigned char)k[n - 1])))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!islower((unsigned char)k[i]) && !isdigit((unsigned char)k[i]) && k[i] != '.' &&
		    k[i] != '-')
			return false;
	if (!strncmp(k, "com.docker.", 11) || !strncmp(k, "io.docker.", 10) ||
	    !strncmp(k, "org.dockerproject.", 18))
		return false;
	return !strstr(k, "..") && !strstr(k, "--");
}

static bool is_url(const char *v)
{
	const char *s = strstr(v, "://");
	if (!s || s == v)
		return false;
	for (const char *p = v; p < s; p++)
		if (!isalnum((unsigned char)*p) && *p != '+' && *p != '-' && *p != '.')
			return false;
	return s[3] != '\0' && !strchr(v, ' ');
}

static bool digits(const char *p, int n)
{
	for (int i = 0; i < n; i++)
		if (!isdigit((unsigned char)p[i]))
			return false;
	return true;
}

/* RFC 3339 date-time: 2021-03-10T10:26:33[.frac](Z|+01:00) */
static bool is_rfc3339(const char *v)
{
	const char *p = v;
	if (strlen(v) < 20 || !digits(p, 4) || p[4] != '-' || !digits(p + 5, 2) || p[7] != '-' ||
	    !digits(p + 8, 2) || (p[10] != 'T' && p[10] != 't' && p[10] != ' ') || !digits(p + 11, 2) ||
	    p[13] != ':' || !digits(p + 14, 2) || p[16] != ':' || !digits(p + 17, 2))
		return false;
	p += 19;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return false;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p == 'Z' || *p == 'z')
		return p[1] == '\0';
	return (*p == '+' || *p == '-') && digits(p + 1, 2) && p[3] == ':' && digits(p + 4, 2) &&
	       p[6] == '\0';
}

/* SPDX: common license identifiers, optionally combined with AND / OR / WITH. */
static bool is_spdx_id(const char *id, size_t n)
{
	static const char *const ids[] = {
		"0BSD", "AFL-3.0", "AGPL-3.0", "AGPL-3.0-only", "AGPL-3.0-or-later", "Apache-1.0",
		"Apache-1.1", "Apache-2.0", "APSL-2.0", "Artistic-2.0", "BSD-1-Clause", "BSD-2-Clause",
		"BSD-2-Clause-Patent", "BSD-3-Clause", "BSD-3-Clause-Clear", "BSD-4-Clause", "BSL-1.0",
		"CC-BY-4.0", "CC-BY-SA-4.0", "CC0-1.0", "CDDL-1.0", "CDDL-1.1", "CPL-1.0", "ECL-2.0",
		"EPL-1.0", "EPL-2.0", "EUPL-1.1", "EUPL-1.2", "GPL-1.0", "GPL-2.0", "GPL-2.0-only",
		"GPL-2.0-or-later", "GPL-3.0", "GPL-3.0-only", "GPL-3.0-or-later", "ISC", "LGPL-2.0",
		"LGPL-2.0-only", "LGPL-2.0-or-later", "LGPL-2.1", "LGPL-2.1-only", "LGPL-2.1-or-later",
		"LGPL-3.0", "LGPL-3.0-only", "LGPL-3.0-or-later", "MIT", "MIT-0", "MPL-1.1", "MPL-2.0",
		"MS-PL", "MS-RL", "NCSA", "OFL-1.1", "OpenSSL", "PHP-3.01", "PostgreSQL", "Python-2.0",
		"Ruby", "Unlicense", "UPL-1.0", "Vim", "W3C", "WTFPL", "X11", "Zlib", "ZPL-2.1",
		"Classpath-exception-2.0", "LLVM-exception", "GCC-exception-3.1", NULL};
	for (size_t i = 0; ids[i]; i++)
		if (strlen(ids[i]) == n && !strncasecmp(id, ids[i], n))
			return true;
	return n > 11 && !strncmp(id, "LicenseRef-", 11);
}

static bool is_spdx(const char *v)
{
	bool want_id = true, any = false;
	const char *p = v;
	while (*p) {
		size_t n;
		while (*p == ' ' || *p == '(' || *p == ')')
			p++;
		if (!*p)
			break;
		n = strcspn(p, " ()");
		if (want_id) {
			size_t idn = n && p[n - 1] == '+' ? n - 1 : n;
			if (!is_spdx_id(p, idn))
				return false;
			any = true;
		} else if (!((n == 3 && !strncmp(p, "AND", 3)) || (n == 2 && !strncmp(p, "OR", 2)) ||
			     (n == 4 && !strncmp(p, "WITH", 4)))) {
			return false;
		}
		want_id = !want_id;
		p += n;
	}
	return any && !want_id;
}

static bool is_git_hash(const char *v)
{
	size_t n = strlen(v);
	if (n < 7 || n > 40)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)v[i]))
			return false;
	return true;
}

static bool num_ident(const char **pp)
{
	const char *p = *pp;
	if (!isdigit((unsigned char)*p))
		return false;
	if (*p == '0' && isdigit((unsigned char)p[1]))
		return false;
	while (isdigit((unsigned char)*p))
		p++;
	*pp = p;
	return true;
}

static bool ident_list(const char **pp)
{
	const char *p = *pp;
	for (;;) {
		const char *s = p;
		while (isalnum((unsigned char)*p) || *p == '-')
			p++;
		if (p == s)
			return false;
		if (*p != '.')
			break;
		p++;
	}
	*pp = p;
	return true;
}

/* semver.org 2.0: MAJOR.MINOR.PATCH[-pre][+build] */
static bool is_semver(const char *v)
{
	const char *p = v;
	if (!num_ident(&p) || *p++ != '.' || !num_ident(&p) || *p++ != '.' || !num_ident(&p))
		return false;
	if (*p == '-') {
		p++;
		if (!ident_list(&p))
			return false;
	}
	if (*p == '+') {
		p++;
		if (!ident_list(&p))
			return false;
	}
	return *p == '\0';
}

static bool is_email(const char *v)
{
	const char *at = strchr(v, '@');
	if (!at || at == v || strchr(at + 1, '@') || !strchr(at + 1, '.') || strpbrk(v, " \t<>()[],;:\""))
		return false;
	return at[1] != '.' && v[strlen(v) - 1] != '.';
}

static void check_value(struct hl *h, int line, const struct lint_label_rule *rule, const char *v)
{
	const char *t = rule->type;
	if (!*v) {
		lint_report(h->ctx, "DL3051", LINT_WARNING, line, "Label `%s` is empty.", rule->name);
		return;
	}
	if (!strcmp(t, "url") && !is_url(v))
		lint_report(h->ctx, "DL3052", LINT_WARNING, line, "Label `%s` is not a valid URL.",
			    rule->name);
	else if (!strcmp(t, "rfc3339") && !is_rfc3339(v))
		lint_report(h->ctx, "DL3053", LINT_WARNING, line,
			    "Label `%s` is not a valid time format - must conform to RFC3339.", rule->name);
	else if (!strcmp(t, "spdx") && !is_spdx(v))
		lint_report(h->ctx, "DL3054", LINT_WARNING, line,
			    "Label `%s` is not a valid SPDX license identifier.", rule->name);
	else if (!strcmp(t, "hash") && !is_git_hash(v))
		lint_report(h->ctx, "DL3055", LINT_WARNING, line, "Label `%s` is not a valid git hash.",
			    rule->name);
	else if (!strcmp(t, "semver") && !is_semver(v))
		lint_report(h->ctx, "DL3056", LINT_WARNING, line,
			    "Label `%s` does not conform to semantic versioning.", rule->name);
	else if (!strcmp(t, "email") && !is_email(v))
		lint_report(h->ctx, "DL3058", LINT_WARNING, line,
			    "Label `%s` is not a valid email format - must conform to RFC5322.",
			    rule->name);
}

static const struct lint_label_rule *schema_rule(const struct lint_config *cfg, const char *key)
{
	for (size_t i = 0; i < cfg->n_label_schema; i++)
		if (!strcmp(cfg->label_schema[i].name, key))
			return &cfg->label_schema[i];
	return NULL;
}

static bool stage_has_label(const struct hl *h, int stage, const char *name)
{
	for (int depth = 0; stage >= 0 && depth < 64; depth++) {
		for (int i = h->stages[stage].first; i < h->stages[stage].end; i++) {
			const struct df_instruction *in = h->ins[i].in;
			if (in->cmd != DF_LABEL)
				continue;
			for (size_t k = 0; k < in->n_kvs; k++)
				if (!strcmp(in->kvs[k].key, name))
					return true;
		}
		stage = h->stages[stage].parent;
	}
	return false;
}

/* Does stage t build on (FROM) or copy from (COPY --from) stage s? */
static bool stage_refers_to(const struct hl *h, size_t t, size_t s)
{
	if (h->stages[t].parent == (int)s)
		return true;
	for (int i = h->stages[t].first; i < h->stages[t].end; i++) {
		const char *from = h->ins[i].in->cmd == DF_COPY ? df_flag_get(h->ins[i].in, "from") : NULL;
		if (from && hl_stage_by_name(h, from, (size_t)i) == (int)s)
			return true;
	}
	return false;
}

/* DL3049: a required label missing from a stage (and from what it inherits), unless a stage
 * that uses this one carries the label. */
static void rule_missing(struct hl *h, const struct lint_label_rule *rule)
{
	for (size_t s = 0; s < h->n_stages; s++) {
		bool excused = false;
		if (stage_has_label(h, (int)s, rule->name))
			continue;
		for (size_t t = 0; t < h->n_stages && !excused; t++)
			excused = t != s && stage_refers_to(h, t, s) && stage_has_label(h, (int)t, rule->name);
		if (!excused)
			lint_report(h->ctx, "DL3049", LINT_INFO, h->df->stages[s].line,
				    "Label `%s` is missing.", rule->name);
	}
}

void hl_rules_labels(struct hl *h)
{
	const struct lint_config *cfg = h->ctx->config;
	for (size_t i = 0; i < h->n; i++) {
		const struct hl_ins *r = &h->ins[i];
		const struct df_instruction *in = r->eff;
		bool invalid = false, extra = false;
		if (in->cmd != DF_LABEL)
			continue;
		for (size_t k = 0; k < in->n_kvs; k++) {
			const struct lint_label_rule *rule = schema_rule(cfg, in->kvs[k].key);
			if (!key_valid(in->kvs[k].key))
				invalid = true;
			if (rule)
				check_value(h, hl_line(r), rule, in->kvs[k].unquoted ? in->kvs[k].unquoted : "");
			else if (cfg->n_label_schema && cfg->strict_labels)
				extra = true;
		}
		if (invalid)
			lint_report(h->ctx, "DL3048", LINT_STYLE, hl_line(r), "Invalid label key.");
		if (extra)
			lint_report(h->ctx, "DL3050", LINT_INFO, hl_line(r), "Superfluous label(s) present.");
	}
	for (size_t k = 0; k < cfg->n_label_schema; k++)
		rule_missing(h, &cfg->label_schema[k]);
}
