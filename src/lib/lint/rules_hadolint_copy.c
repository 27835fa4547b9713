/* hadolint rules about COPY / ADD, WORKDIR, EXPOSE, CMD / ENTRYPOINT forms and ENV:
 * DL3000 DL3011 DL3020 DL3021 DL3022 DL3023 DL3025 DL3044 DL3045 DL3067. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lint/rules_hadolint.h"
#include "util/mem.h"

/* Absolute for Linux ("/x"), Windows ("C:\x", "C:/x") or a variable ("$X"). */
static bool is_absolute(const char *p)
{
	return p[0] == '/' || p[0] == '$' ||
	       (isalpha((unsigned char)p[0]) && p[1] == ':' && (p[2] == '\\' || p[2] == '/' || !p[2]));
}

static void rule_workdir(struct hl *h, const struct hl_ins *r)
{
	char *dir;
	if (r->eff->n_args == 0)
		return;
	dir = hl_unquote(r->eff->args[0]);
	if (!is_absolute(dir))
		lint_report(h->ctx, "DL3000", LINT_ERROR, hl_line(r), "Use absolute WORKDIR");
	free(dir);
}

static bool port_part_bad(const char *p, size_t n)
{
	unsigned long v = 0;
	if (n == 0 || memchr(p, '$', n))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)p[i]))
			return false;
		v = v * 10 + (unsigned long)(p[i] - '0');
		if (v > 65535)
			return true;
	}
	return false;
}

static void rule_expose(struct hl *h, const struct hl_ins *r)
{
	for (size_t a = 0; a < r->eff->n_args; a++) {
		const char *p = r->eff->args[a];
		size_t n = strcspn(p, "/");
		size_t dash = strcspn(p, "-");
		bool bad = dash < n ? (port_part_bad(p, dash) || port_part_bad(p + dash + 1, n - dash - 1))
				    : port_part_bad(p, n);
		if (bad) {
			lint_report(h->ctx, "DL3011", LINT_ERROR, hl_line(r),
				    "Valid UNIX ports range from 0 to 65535");
			return;
		}
	}
}

static bool is_url(const char *p)
{
	return strstr(p, "://") != NULL || !strncmp(p, "git@", 4);
}

static void rule_add(struct hl *h, const struct hl_ins *r)
{
	const struct df_instruction *in = r->eff;
	for (size_t a = 0; a + 1 < in->n_args; a++) {
		char *src = hl_unquote(in->args[a]);
		bool ok = is_url(src) || hl_is_archive(src);
		free(src);
		if (!ok) {
			lint_report(h->ctx, "DL3020", LINT_ERROR, hl_line(r),
				    "Use COPY instead of ADD for files and folders");
			return;
		}
	}
}

/* Is there a WORKDIR in `stage` (before `before`) or in a stage it builds on? */
static bool workdir_set(const struct hl *h, int stage, size_t before)
{
	for (int depth = 0; stage >= 0 && depth < 64; depth++) {
		const struct hl_stage *s = &h->stages[stage];
		for (size_t i = (size_t)s->first; i < (size_t)s->end && i < before; i++)
			if (h->ins[i].eff->cmd == DF_WORKDIR)
				return true;
		before = (size_t)s->first;
		stage = s->parent;
	}
	return false;
}

static void rule_copy(struct hl *h, const struct hl_ins *r, size_t at)
{
	const struct df_instruction *in = r->eff;
	const char *from = df_flag_get(in, "from");
	char *dest;
	if (in->n_args < 2)
		return;
	dest = hl_unquote(in->args[in->n_args - 1]);
	if (in->n_args > 2 && dest[0] && dest[strlen(dest) - 1] != '/')
		lint_report(h->ctx, "DL3021", LINT_ERROR, hl_line(r),
			    "COPY with more than 2 arguments requires the last argument to end with /");
	if (!is_absolute(dest) && !workdir_set(h, r->stage, at))
		lint_report(h->ctx, "DL3045", LINT_WARNING, hl_line(r),
			    "`COPY` to a relative destination without `WORKDIR` set.");
	if (from && *from) {
		const char *own = r->stage >= 0 ? h->df->stages[r->stage].name : NULL;
		bool root_src = false;
		if (own && !strcasecmp(own, from))
			lint_report(h->ctx, "DL3023", LINT_ERROR, hl_line(r),
				    "`COPY --from` cannot reference its own `FROM` alias");
		else if (!strchr(from, ':') && !strchr(from, '/') && !strchr(from, '$') &&
			 hl_stage_by_name(h, from, at) < 0)
			lint_report(h->ctx, "DL3022", LINT_WARNING, hl_line(r),
				    "`COPY --from` should reference a previously defined `FROM` alias");
		for (size_t a = 0; a + 1 < in->n_args; a++) {
			char *src = hl_unquote(in->args[a]);
			root_src = root_src || !strcmp(src, "/");
			free(src);
		}
		if (root_src && !strcmp(dest, "/"))
			lint_report(h->ctx, "DL3067", LINT_WARNING, hl_line(r),
				    "Do not copy an entire filesystem from another stage");
	}
	free(dest);
}

static void rule_json_form(struct hl *h, const struct hl_ins *r)
{
	const struct df_instruction *in = r->eff;
	bool shell_form = false;
	if (in->cmd == DF_CMD || in->cmd == DF_ENTRYPOINT)
		shell_form = !in->json_form && in->n_args > 0;
	else if (in->cmd == DF_HEALTHCHECK)
		shell_form = in->n_args > 0 && !strcasecmp(in->args[0], "CMD") && !in->json_form;
	if (shell_form)
		lint_report(h->ctx, "DL3025", LINT_WARNING, hl_line(r),
			    "Use arguments JSON notation for CMD and ENTRYPOINT arguments");
}

/* Does `value` reference $name or ${name...}? */
static bool references(const char *value, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = strchr(value, '$'); p; p = strchr(p + 1, '$')) {
		const char *v = p + 1;
		if (*v == '{') {
			v++;
			if (!strncmp(v, name, n) && (v[n] == '}' || v[n] == ':'))
				return true;
		} else if (!strncmp(v, name, n) && !isalnum((unsigned char)v[n]) && v[n] != '_') {
			return true;
		}
	}
	return false;
}

static void rule_env_self_ref(struct hl *h, const struct hl_ins *r, size_t at)
{
	const struct df_instruction *in = r->eff;
	for (size_t j = 1; j < in->n_kvs; j++) {
		const char *value = in->kvs[j].value ? in->kvs[j].value : "";
		for (size_t i = 0; i < j; i++) {
			if (!references(value, in->kvs[i].key))
				continue;
			if (strcmp(in->kvs[i].key, in->kvs[j].key) != 0 &&
			    hl_var_declared(h, r->stage, at, in->kvs[i].key))
				continue;
			lint_report(h->ctx, "DL3044", LINT_ERROR, hl_line(r),
				    "Do not refer to an environment variable within the same `ENV` "
				    "statement where it is defined.");
			return;
		}
	}
}

void hl_rules_copy(struct hl *h)
{
	for (size_t i = 0; i < h->n; i++) {
		const struct hl_ins *r = &h->ins[i];
		switch (r->eff->cmd) {
		case DF_WORKDIR: rule_workdir(h, r); break;
		case DF_EXPOSE: rule_expose(h, r); break;
		case DF_ADD: rule_add(h, r); break;
		case DF_COPY: rule_copy(h, r, i); break;
		case DF_ENV: rule_env_self_ref(h, r, i); break;
		case DF_CMD:
		case DF_ENTRYPOINT:
		case DF_HEALTHCHECK: rule_json_form(h, r); break;
		default: break;
		}
	}
}
