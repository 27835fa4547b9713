/* BuildKit's build checks (`docker build --check`, moby/buildkit frontend/dockerfile/linter),
 * with BuildKit's rule names and messages. The walk mirrors dockerfile2llb: global ARGs before
 * the first FROM, then per stage the variables (ARG/ENV, inherited from a parent stage), the
 * SHELL and WORKDIR state, expanding the words BuildKit expands to find undefined variables.
 *
 * `# check=skip=A,B;error=true;experimental=C` at the top configures the checks; the same
 * comment right above an instruction skips rules for that instruction only. Not done:
 * InvalidBaseImagePlatform (needs the registry); base image ENV is unknown, so UndefinedVar
 * assumes PATH and the usual official-image variables exist in non-scratch bases. */
#include <ctype.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lint/dockerfile.h"
#include "lint/dockerignore.h"
#include "lint/lint.h"
#include "util/mem.h"

struct check_opts {
	bool skip_all, error;
	char **skip, **experimental;
	size_t n_skip, n_experimental;
};

struct bk_stage {
	struct shell_env env;  /* ENV and ARG values visible in the stage */
	char **declared;       /* ARG names (with or without a value) */
	size_t n_declared, cap_declared;
	bool shell_set, workdir_set, external_base;
	int last_cmd, last_entrypoint, last_healthcheck; /* instruction index or -1 */
};

struct bk {
	struct lint_ctx *ctx;
	const struct dockerfile *df;
	struct check_opts global, local; /* local: from the comments above the instruction */
	struct shell_env meta;           /* global ARGs with a value */
	char **meta_declared;
	size_t n_meta_declared, cap_meta_declared;
	struct bk_stage *stages;
	size_t n_stages;
	struct dockerignore *ignore;
	bool ignore_loaded;
	bool *reachable; /* per stage: the build target (last stage) depends on it */
	bool in_target;  /* the current instruction's stage is reachable */
};

static const char *const platform_args[] = {
	"TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT", "BUILDPLATFORM",
	"BUILDOS",        "BUILDARCH", "BUILDVARIANT", "TARGETSTAGE",
};
static const char *const proxy_args[] = {
	"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY",
	"ftp_proxy",  "NO_PROXY",   "no_proxy",    "ALL_PROXY",   "all_proxy",
};
/* Variables official images set in their config (unknown to a linter that does not pull). */
static const char *const image_env[] = {
	"PATH", "HOME", "LANG", "LC_ALL", "LANGUAGE", "GOPATH", "GOLANG_VERSION", "GOTOOLCHAIN",
	"JAVA_HOME", "JAVA_VERSION", "NODE_VERSION", "YARN_VERSION", "PYTHON_VERSION",
	"PYTHON_PIP_VERSION", "PYTHON_SETUPTOOLS_VERSION", "PYTHON_GET_PIP_URL", "GPG_KEY",
	"RUBY_VERSION", "RUBY_MAJOR", "GEM_HOME", "BUNDLE_SILENCE_ROOT_WARNING", "BUNDLE_APP_CONFIG",
	"PHP_VERSION", "PHP_INI_DIR", "NGINX_VERSION", "MAVEN_HOME", "MAVEN_CONFIG",
	"GRADLE_HOME", "GRADLE_VERSION", "CARGO_HOME", "RUSTUP_HOME", "RUST_VERSION",
	"DOTNET_VERSION", "ASPNET_VERSION", "HOSTNAME", "TERM", "DEBIAN_FRONTEND",
};

static bool in_list(const char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i], s))
			return true;
	return false;
}
#define IN(list, s) in_list(list, sizeof(list) / sizeof(*list), s)

static void strv_add(char ***v, size_t *n, size_t *cap, const char *s)
{
	*v = xgrow(*v, cap, *n + 1, sizeof(**v));
	(*v)[(*n)++] = xstrdup(s);
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* ---- "# check=" options -------------------------------------------------------------- */

static void check_opts_release(struct check_opts *o)
{
	strv_free(o->skip, o->n_skip);
	strv_free(o->experimental, o->n_experimental);
	memset(o, 0, sizeof(*o));
}

/* "skip=A,B;error=true;experimental=C" (text after "// " is a remark). */
static void check_opts_parse(struct check_opts *o, const char *spec)
{
	char *copy = xstrdup(spec), *save = NULL;
	char *remark = strstr(copy, "//");
	if (remark)
		*remark = '\0';
	size_t cap_s = o->n_skip, cap_e = o->n_experimental;
	for (char *part = strtok_r(copy, ";", &save); part; part = strtok_r(NULL, ";", &save)) {
		while (isspace((unsigned char)*part))
			part++;
		char *eq = strchr(part, '=');
		if (!eq)
			continue;
		*eq = '\0';
		char *key = part, *val = eq + 1;
		for (char *k = key + strlen(key); k > key && isspace((unsigned char)k[-1]); k--)
			k[-1] = '\0';
		if (!strcasecmp(key, "error")) {
			while (isspace((unsigned char)*val))
				val++;
			o->error = !strncasecmp(val, "true", 4) || !strncmp(val, "1", 1);
			continue;
		}
		bool skip = !strcasecmp(key, "skip");
		if (!skip && strcasecmp(key, "experimental"))
			continue;
		char *save2 = NULL;
		for (char *item = strtok_r(val, ",", &save2); item; item = strtok_r(NULL, ",", &save2)) {
			while (isspace((unsigned char)*item))
				item++;
			size_t n = 0;
			while (item[n] && !isspace((unsigned char)item[n]))
				n++;
			item[n] = '\0';
			if (!*item)
				continue;
			if (skip && !strcasecmp(item, "all"))
				o->skip_all = true;
			else if (skip)
				strv_add(&o->skip, &o->n_skip, &cap_s, item);
			else
				strv_add(&o->experimental, &o->n_experimental, &cap_e, item);
		}
	}
	free(copy);
}

static bool opts_skip(const struct check_opts *o, const char *rule)
{
	if (o->skip_all)
		return true;
	for (size_t i = 0; i < o->n_skip; i++)
		if (!strcmp(o->skip[i], rule))
			return true;
	return false;
}

static bool is_experimental(const char *rule)
{
	return !strcmp(rule, "InvalidDefinitionDescription");
}

static void report(struct bk *b, const char *rule, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static bool is_dispatch_time(const char *rule)
{
	static const char *const rules[] = {"UndefinedVar", "WorkdirRelativePath", "CopyIgnoredFile",
					    "JSONArgsRecommended"};
	return IN(rules, rule);
}

static void report(struct bk *b, const char *rule, int line, const char *fmt, ...)
{
	if (opts_skip(&b->global, rule) || opts_skip(&b->local, rule))
		return;
	if (!b->in_target && is_dispatch_time(rule))
		return;
	if (is_experimental(rule)) {
		bool on = false;
		for (size_t i = 0; i < b->global.n_experimental; i++)
			on |= !strcmp(b->global.experimental[i], rule) ||
			      !strcmp(b->global.experimental[i], "all");
		if (!on)
			return;
	}
	char *msg;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	va_end(ap);
	lint_report(b->ctx, rule, b->global.error ? LINT_ERROR : LINT_WARNING, line, "%s", msg);
	free(msg);
}

/* Comments directly above instruction i (BuildKit's PrevComment: since the previous
 * instruction, reset by an empty "#"), excluding the parser directives at the top. */
static void prev_comments(const struct bk *b, size_t i, size_t *first, size_t *last)
{
	const struct dockerfile *df = b->df;
	int from = i > 0 ? df->ins[i - 1].line_end : 0, to = df->ins[i].line_start;
	*first = *last = 0;
	for (size_t k = 0; k < df->n_comments; k++) {
		int line = df->comments[k].line;
		if (line <= from || line >= to)
			continue;
		const char *t = df->comments[k].text;
		while (isspace((unsigned char)*t))
			t++;
		if (!*t) {
			*first = *last = 0;
			continue;
		}
		if (!*last)
			*first = k + 1;
		*last = k + 1; /* 1-based; 0 = none */
	}
}

/* The "# check=" parser directive itself is global, not a per-instruction comment. */
static bool is_directive_comment(const struct bk *b, size_t k)
{
	return b->df->check && b->df->comments[k].line == b->df->check_line;
}

static void set_local_opts(struct bk *b, size_t i)
{
	check_opts_release(&b->local);
	size_t first, last;
	prev_comments(b, i, &first, &last);
	for (size_t k = first; k && k <= last; k++) {
		if (is_directive_comment(b, k - 1))
			continue;
		const char *t = b->df->comments[k - 1].text;
		while (isspace((unsigned char)*t))
			t++;
		if (!strncasecmp(t, "check", 5)) {
			const char *s = t + 5;
			while (isspace((unsigned char)*s))
				s++;
			if (*s == '=')
				check_opts_parse(&b->local, s + 1);
		}
	}
}

/* ---- expansion helpers ----------------------------------------------------------------- */

static bool is_declared(char *const *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], name))
			return true;
	return false;
}

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return 99;
	size_t d[65][65];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			size_t c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < c)
				c = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < c)
				c = d[i][j - 1] + 1;
			d[i][j] = c;
		}
	return d[la][lb];
}

/* " (did you mean X?)" when a known name is close, as BuildKit's suggest.Search. */
static void suggest(char *out, size_t n, const char *name, char *const *opts, size_t n_opts,
		    const char *prefix)
{
	size_t best = 3;
	const char *pick = NULL;
	for (size_t i = 0; i < n_opts; i++) {
		size_t d = edit_distance(name, opts[i]);
		if (d < best && d < strlen(name)) {
			best = d;
			pick = opts[i];
		}
	}
	if (pick)
		snprintf(out, n, " (did you mean %s%s?)", prefix, pick);
	else
		out[0] = '\0';
}

/* Expand `word` with env; names used but unset come back in *unmatched. */
static char *expand(const struct bk *b, const char *word, const struct shell_env *env,
		    char ***unmatched, size_t *n_unmatched)
{
	char *out = NULL;
	ls_error err;
	*unmatched = NULL;
	*n_unmatched = 0;
	if (shell_expand_word(word, env, b->df->escape, 0, &out, unmatched, n_unmatched, &err) < 0)
		return NULL;
	return out;
}

static void stage_declare(struct bk_stage *st, const char *name)
{
	if (!is_declared(st->declared, st->n_declared, name))
		strv_add(&st->declared, &st->n_declared, &st->cap_declared, name);
}

/* UndefinedVar for one word of an instruction in stage st. */
static void check_word(struct bk *b, struct bk_stage *st, const struct df_instruction *in,
		       const char *word)
{
	char **un;
	size_t nun;
	char *out = expand(b, word, &st->env, &un, &nun);
	free(out);
	for (size_t i = 0; i < nun; i++) {
		const char *v = un[i];
		if (is_declared(st->declared, st->n_declared, v) || IN(platform_args, v) ||
		    IN(proxy_args, v) || !strcmp(v, "PATH") ||
		    (st->external_base && IN(image_env, v)))
			continue;
		if (!(isalpha((unsigned char)v[0]) || v[0] == '_'))
			continue; /* $1, $@ ...: positional and special parameters */
		/* candidates for the suggestion: the stage's names and the global ARGs */
		size_t n_opts = st->env.n + b->n_meta_declared, k = 0;
		char **opts = xcalloc(n_opts ? n_opts : 1, sizeof(*opts));
		for (size_t j = 0; j < st->env.n; j++)
			opts[k++] = st->env.vars[j].key;
		for (size_t j = 0; j < b->n_meta_declared; j++)
			opts[k++] = b->meta_declared[j];
		char hint[160];
		suggest(hint, sizeof(hint), v, opts, k, "$");
		free(opts);
		report(b, "UndefinedVar", in->line_start, "Usage of undefined variable '$%s'%s", v,
		       hint);
	}
	shell_strv_free(un, nun);
}

/* ---- docker image references ---------------------------------------------------------- */

static bool is_lower_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* path-component: [a-z0-9]+ ((\.|_|__|-+)[a-z0-9]+)* */
static bool valid_path_component(const char *s, size_t n)
{
	size_t i = 0;
	if (n == 0 || !is_lower_alnum(s[0]))
		return false;
	while (i < n) {
		while (i < n && is_lower_alnum(s[i]))
			i++;
		if (i == n)
			return true;
		size_t sep = i;
		if (s[i] == '.')
			i++;
		else if (s[i] == '_')
			i += (i + 1 < n && s[i + 1] == '_') ? 2 : 1;
		else if (s[i] == '-')
			while (i < n && s[i] == '-')
				i++;
		else
			return false;
		if (i == sep || i == n || !is_lower_alnum(s[i]))
			return false;
	}
	return true;
}

static bool valid_domain(const char *s, size_t n)
{
	size_t colon = n;
	if (n && s[0] == '[') {
		const char *rb = memchr(s, ']', n);
		if (!rb)
			return false;
		colon = (size_t)(rb - s) + 1;
		if (colon < n && s[colon] != ':')
			return false;
	} else {
		const char *c = memchr(s, ':', n);
		if (c)
			colon = (size_t)(c - s);
		for (size_t i = 0; i < colon; i++) {
			int ch = (unsigned char)s[i];
			if (!isalnum(ch) && ch != '.' && ch != '-')
				return false;
		}
		if (colon == 0 || s[0] == '.' || s[0] == '-' || s[colon - 1] == '.' ||
		    s[colon - 1] == '-')
			return false;
	}
	if (colon < n) {
		if (colon + 1 == n)
			return false;
		for (size_t i = colon + 1; i < n; i++)
			if (!isdigit((unsigned char)s[i]))
				return false;
	}
	return true;
}

/* reference.ParseNormalizedNamed: [domain/]path[:tag][@digest]. */
static bool valid_reference(const char *ref)
{
	size_t n = strlen(ref);
	if (n == 0 || n > 255 + 128 + 80)
		return false;
	const char *at = strchr(ref, '@');
	size_t name_end = at ? (size_t)(at - ref) : n;
	if (at) {
		const char *d = at + 1, *colon = strchr(d, ':');
		if (!colon || colon == d)
			return false;
		for (const char *p = d; p < colon; p++)
			if (!isalnum((unsigned char)*p) && !strchr("-_+.", *p))
				return false;
		size_t hex = strlen(colon + 1);
		if (hex < 32)
			return false;
		for (const char *p = colon + 1; *p; p++)
			if (!isxdigit((unsigned char)*p))
				return false;
	}
	/* tag: after the last ':' that follows the last '/' */
	size_t slash = 0;
	for (size_t i = 0; i < name_end; i++)
		if (ref[i] == '/')
			slash = i + 1;
	size_t path_end = name_end;
	for (size_t i = slash; i < name_end; i++) {
		if (ref[i] == ':') {
			path_end = i;
			const char *t = ref + i + 1;
			size_t tl = name_end - i - 1;
			if (tl == 0 || tl > 128 || !(isalnum((unsigned char)t[0]) || t[0] == '_'))
				return false;
			for (size_t k = 0; k < tl; k++)
				if (!isalnum((unsigned char)t[k]) && !strchr("_.-", t[k]))
					return false;
			break;
		}
	}
	/* domain: first component with '.', ':' or upper case, or "localhost" */
	size_t start = 0;
	const char *first_slash = memchr(ref, '/', path_end);
	if (first_slash) {
		size_t fl = (size_t)(first_slash - ref);
		bool domain = (fl == 9 && !strncmp(ref, "localhost", 9));
		for (size_t i = 0; i < fl && !domain; i++)
			domain = ref[i] == '.' || ref[i] == ':' || isupper((unsigned char)ref[i]);
		if (domain) {
			if (!valid_domain(ref, fl))
				return false;
			start = fl + 1;
		}
	}
	if (start >= path_end)
		return false;
	size_t cs = start;
	for (size_t i = start; i <= path_end; i++) {
		if (i == path_end || ref[i] == '/') {
			if (!valid_path_component(ref + cs, i - cs))
				return false;
			cs = i + 1;
		}
	}
	return true;
}

/* ---- per-instruction checks ------------------------------------------------------------ */

static bool consistent_case(const char *s, bool *lower)
{
	bool has_lower = false, has_upper = false;
	for (; *s; s++) {
		has_lower |= islower((unsigned char)*s) != 0;
		has_upper |= isupper((unsigned char)*s) != 0;
	}
	*lower = !has_upper;
	return !(has_lower && has_upper);
}

static void check_casing(struct bk *b)
{
	size_t lower = 0, upper = 0;
	for (size_t i = 0; i < b->df->n_ins; i++) {
		bool is_lower;
		if (consistent_case(b->df->ins[i].keyword, &is_lower))
			is_lower ? lower++ : upper++;
	}
	bool majority_lower = lower > upper;
	for (size_t i = 0; i < b->df->n_ins; i++) {
		const struct df_instruction *in = &b->df->ins[i];
		bool is_lower;
		set_local_opts(b, i);
		if (!consistent_case(in->keyword, &is_lower))
			report(b, "ConsistentInstructionCasing", in->line_start,
			       "Command '%s' should match the case of the command majority (%s)",
			       in->keyword, majority_lower ? "lowercase" : "uppercase");
		else if (is_lower != majority_lower)
			report(b, "ConsistentInstructionCasing", in->line_start,
			       "Command '%s' should match the case of the command majority (%s)",
			       in->keyword, majority_lower ? "lowercase" : "uppercase");
	}
}

static int stage_by_name(const struct bk *b, const char *name, size_t before)
{
	for (size_t i = 0; i < before && i < b->df->n_stages; i++)
		if (b->df->stages[i].name && !strcasecmp(b->df->stages[i].name, name))
			return (int)i;
	return -1;
}

static bool platform_mentions(const char *stage_name, const char *platform)
{
	/* the stage name contains the platform's OS or architecture: deliberate */
	char *copy = xstrdup(platform), *save = NULL;
	bool found = false;
	char *lname = xstrdup(stage_name);
	for (char *p = lname; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	for (char *t = strtok_r(copy, "/", &save); t && !found; t = strtok_r(NULL, "/", &save))
		found = *t && strstr(lname, t) != NULL;
	free(copy);
	free(lname);
	return found;
}

static void check_from_args(struct bk *b, const struct df_instruction *in, const char *word)
{
	char **un;
	size_t nun;
	char *out = expand(b, word, &b->meta, &un, &nun);
	free(out);
	for (size_t i = 0; i < nun; i++) {
		if (is_declared(b->meta_declared, b->n_meta_declared, un[i]) ||
		    IN(platform_args, un[i]) || IN(proxy_args, un[i]))
			continue;
		char hint[160];
		char *opts[sizeof(platform_args) / sizeof(*platform_args) + 64];
		size_t k = 0;
		for (size_t j = 0; j < sizeof(platform_args) / sizeof(*platform_args); j++)
			opts[k++] = (char *)platform_args[j];
		for (size_t j = 0; j < b->n_meta_declared && k < sizeof(opts) / sizeof(*opts); j++)
			opts[k++] = b->meta_declared[j];
		suggest(hint, sizeof(hint), un[i], opts, k, "");
		report(b, "UndefinedArgInFrom", in->line_start, "FROM argument '%s' is not declared%s",
		       un[i], hint);
	}
	shell_strv_free(un, nun);
}

static void check_from(struct bk *b, const struct df_instruction *in)
{
	const struct df_stage *st = &b->df->stages[in->stage];
	const char *platform = df_flag_get(in, "platform");
	if (st->name) {
		bool lower;
		consistent_case(st->name, &lower);
		if (!lower)
			report(b, "StageNameCasing", in->line_start, "Stage name '%s' should be lowercase",
			       st->name);
		if (in->n_args >= 3) {
			bool from_lower, as_lower;
			bool from_ok = consistent_case(in->keyword, &from_lower);
			bool as_ok = consistent_case(in->args[1], &as_lower);
			if (from_ok && (!as_ok || as_lower != from_lower))
				report(b, "FromAsCasing", in->line_start,
				       "'%s' and '%s' keywords' casing do not match", in->args[1],
				       in->keyword);
		}
		if (stage_by_name(b, st->name, (size_t)in->stage) >= 0)
			report(b, "DuplicateStageName", in->line_start,
			       "Duplicate stage name \"%s\", stage names should be unique", st->name);
		if (!strcasecmp(st->name, "scratch") || !strcasecmp(st->name, "context"))
			report(b, "ReservedStageName", in->line_start,
			       "Stage name should not use the same name as reserved stage \"%s\"",
			       st->name);
	}
	check_from_args(b, in, st->base_image);
	if (platform) {
		check_from_args(b, in, platform);
		if (!strcmp(platform, "$TARGETPLATFORM") || !strcmp(platform, "${TARGETPLATFORM}"))
			report(b, "RedundantTargetPlatform", in->line_start,
			       "Setting platform to predefined %s in FROM is redundant as this is the "
			       "default behavior", platform);
		else if (!strchr(platform, '$') && !(st->name && platform_mentions(st->name, platform)))
			report(b, "FromPlatformFlagConstDisallowed", in->line_start,
			       "FROM --platform flag should not use constant value \"%s\"", platform);
	}
	/* InvalidDefaultArgInFrom: the base with only the ARG defaults (unset = empty) */
	if (strchr(st->base_image, '$')) {
		char **un;
		size_t nun;
		char *name = expand(b, st->base_image, &b->meta, &un, &nun);
		shell_strv_free(un, nun);
		if (name && (!*name || (strcasecmp(name, "scratch") &&
					stage_by_name(b, name, (size_t)in->stage) < 0 &&
					!valid_reference(name))))
			report(b, "InvalidDefaultArgInFrom", in->line_start,
			       "Default value for ARG %s results in empty or invalid base image name",
			       st->base_image);
		free(name);
	}
}

static void stage_begin(struct bk *b, const struct df_instruction *in)
{
	struct bk_stage *st = &b->stages[in->stage];
	memset(st, 0, sizeof(*st));
	st->last_cmd = st->last_entrypoint = st->last_healthcheck = -1;
	const char *base = b->df->stages[in->stage].base_image;
	char **un;
	size_t nun;
	char *name = expand(b, base, &b->meta, &un, &nun);
	shell_strv_free(un, nun);
	int parent = name ? stage_by_name(b, name, (size_t)in->stage) : -1;
	if (parent >= 0) {
		const struct bk_stage *p = &b->stages[parent];
		for (size_t i = 0; i < p->env.n; i++)
			shell_env_set(&st->env, p->env.vars[i].key, p->env.vars[i].value);
		for (size_t i = 0; i < p->n_declared; i++)
			stage_declare(st, p->declared[i]);
		st->shell_set = p->shell_set;
		st->workdir_set = p->workdir_set;
		st->external_base = p->external_base;
	} else {
		st->external_base = name && strcasecmp(name, "scratch") != 0;
	}
	free(name);
}

static void flush_multiple(struct bk *b, int *last, const struct df_instruction *in,
			   const char *what)
{
	if (*last >= 0) {
		size_t saved = (size_t)*last;
		set_local_opts(b, saved);
		report(b, "MultipleInstructionsDisallowed", b->df->ins[saved].line_start,
		       "Multiple %s instructions should not be used in the same stage because only "
		       "the last one will be used", what);
	}
	*last = (int)(in - b->df->ins);
}

static bool is_secret_key(const char *key)
{
	static const char *const tokens[] = {"apikey", "auth", "credential", "credentials", "key",
					     "password", "pword", "passwd", "secret", "token",
					     "passphrase"};
	char *lower = xstrdup(key);
	for (char *p = lower; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	bool secret = false, allowed = false;
	char *save = NULL, *last = NULL;
	for (char *w = strtok_r(lower, "_", &save); w; w = strtok_r(NULL, "_", &save)) {
		allowed |= !strcmp(w, "public");
		last = w;
	}
	if (last)
		for (size_t i = 0; i < sizeof(tokens) / sizeof(*tokens); i++)
			secret |= !strcmp(last, tokens[i]);
	free(lower);
	return secret && !allowed;
}

static void check_definition_description(struct bk *b, size_t i, const char *what,
					 char *const *keys, size_t n_keys)
{
	size_t first, last;
	prev_comments(b, i, &first, &last);
	if (!last || n_keys == 0)
		return;
	const char *c = b->df->comments[last - 1].text;
	while (*c == ' ')
		c++;
	size_t wl = strcspn(c, " ");
	for (size_t k = 0; k < n_keys; k++)
		if (strlen(keys[k]) == wl && !strncmp(keys[k], c, wl))
			return;
	report(b, "InvalidDefinitionDescription", b->df->ins[i].line_start,
	       "Comment for %s should follow the format: `# %s <description>`", what,
	       n_keys > 1 ? "<arg_key>" : keys[0]);
}

static void check_kv_instruction(struct bk *b, struct bk_stage *st, size_t i,
				 const struct df_instruction *in)
{
	bool is_env = in->cmd == DF_ENV, is_arg = in->cmd == DF_ARG;
	if ((is_env || in->cmd == DF_LABEL) && in->n_kvs && in->kvs[0].legacy)
		report(b, "LegacyKeyValueFormat", in->line_start,
		       "\"%s key=value\" should be used instead of legacy \"%s key value\" format",
		       df_cmd_name(in->cmd), df_cmd_name(in->cmd));
	if (is_arg) {
		char **keys = xcalloc(in->n_kvs + 1, sizeof(*keys));
		for (size_t k = 0; k < in->n_kvs; k++)
			keys[k] = in->kvs[k].key;
		check_definition_description(b, i, "ARG", keys, in->n_kvs);
		free(keys);
	}
	/* values are expanded with the variables from before this instruction */
	struct shell_env before = {0};
	if (st)
		for (size_t k = 0; k < st->env.n; k++)
			shell_env_set(&before, st->env.vars[k].key, st->env.vars[k].value);
	for (size_t k = 0; k < in->n_kvs; k++) {
		const struct df_kv *kv = &in->kvs[k];
		if ((is_env || is_arg) && is_secret_key(kv->key))
			report(b, "SecretsUsedInArgOrEnv", in->line_start,
			       "Do not use ARG or ENV instructions for sensitive data (%s \"%s\")",
			       df_cmd_name(in->cmd), kv->key);
		if (!st)
			continue;
		char *value = NULL;
		if (kv->value) {
			struct bk_stage tmp = *st;
			tmp.env = before;
			check_word(b, &tmp, in, kv->value);
			char **un;
			size_t nun;
			value = expand(b, kv->value, &before, &un, &nun);
			shell_strv_free(un, nun);
		}
		if (in->cmd == DF_LABEL) {
			free(value);
			continue;
		}
		if (is_arg) {
			stage_declare(st, kv->key);
			const char *meta = shell_env_get(&b->meta, kv->key);
			if (value)
				shell_env_set(&st->env, kv->key, value);
			else if (meta)
				shell_env_set(&st->env, kv->key, meta);
		} else {
			shell_env_set(&st->env, kv->key, value ? value : "");
		}
		free(value);
	}
	shell_env_release(&before);
}

static void check_expose(struct bk *b, const struct df_instruction *in)
{
	for (size_t k = 0; k < in->n_args; k++) {
		const char *p = in->args[k];
		const char *slash = strrchr(p, '/');
		if (strchr(p, ':'))
			report(b, "ExposeInvalidFormat", in->line_start,
			       "EXPOSE instruction should not define an IP address or host-port "
			       "mapping, found '%s'", p);
		if (slash) {
			bool lower;
			consistent_case(slash + 1, &lower);
			if (!lower)
				report(b, "ExposeProtoCasing", in->line_start,
				       "Defined protocol '%s' in EXPOSE instruction should be lowercase",
				       p);
		}
	}
}

static void load_dockerignore(struct bk *b)
{
	if (b->ignore_loaded)
		return;
	b->ignore_loaded = true;
	const char *file = b->df->filename;
	char *path = NULL;
	if (file && strcmp(file, "-")) {
		path = xasprintf("%s.dockerignore", file);
		if (access(path, R_OK) != 0) {
			free(path);
			path = NULL;
		}
	}
	if (!path)
		path = xasprintf("%s/.dockerignore", b->ctx->context_dir);
	ls_error err;
	if (access(path, R_OK) == 0 && dockerignore_load(path, &b->ignore, &err) < 0)
		b->ignore = NULL;
	free(path);
}

static bool ignored(struct bk *b, const char *path)
{
	bool excluded = false;
	ls_error err;
	if (dockerignore_matches(b->ignore, path, &excluded, &err) < 0)
		return false;
	return excluded;
}

/* The context root: BuildKit warns for `COPY . .` when everything in the context is
 * excluded; we look at the context's top-level entries (none readable: no warning). */
static bool context_root_ignored(struct bk *b)
{
	DIR *dir = opendir(b->ctx->context_dir);
	if (!dir)
		return false;
	bool all = true, any = false;
	struct dirent *e;
	while (all && (e = readdir(dir))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		any = true;
		all = ignored(b, e->d_name);
	}
	closedir(dir);
	return any && all;
}

static char *clean_source(const char *src)
{
	/* filepath.Clean of a context path, made relative */
	while (*src == '/')
		src++;
	char *out = xstrdup(*src ? src : ".");
	char *parts[256];
	size_t n = 0;
	char *save = NULL;
	char *copy = xstrdup(out);
	for (char *t = strtok_r(copy, "/", &save); t && n < 256; t = strtok_r(NULL, "/", &save)) {
		if (!strcmp(t, "."))
			continue;
		if (!strcmp(t, "..")) {
			if (n)
				n--;
			continue;
		}
		parts[n++] = t;
	}
	size_t len = 0;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(parts[i]);
		memmove(out + len, parts[i], l);
		len += l;
		if (i + 1 < n)
			out[len++] = '/';
	}
	if (n == 0)
		out[len++] = '.';
	out[len] = '\0';
	free(copy);
	return out;
}

static void check_copy_ignored(struct bk *b, struct bk_stage *st, const struct df_instruction *in)
{
	if (df_flag_get(in, "from") || in->n_args < 2)
		return;
	load_dockerignore(b);
	if (!b->ignore)
		return;
	for (size_t k = 0; k + 1 < in->n_args; k++) {
		char **un;
		size_t nun;
		char *src = expand(b, in->args[k], &st->env, &un, &nun);
		shell_strv_free(un, nun);
		if (!src)
			continue;
		if (strstr(src, "://")) { /* ADD URL */
			free(src);
			continue;
		}
		char *clean = clean_source(src);
		bool hit = !strcmp(clean, ".") ? context_root_ignored(b) : ignored(b, clean);
		if (hit)
			report(b, "CopyIgnoredFile", in->line_start,
			       "Attempting to %s file \"%s\" that is excluded by .dockerignore",
			       in->cmd == DF_ADD ? "Add" : "Copy", clean);
		free(clean);
		free(src);
	}
}

/* The stage a FROM or --from=/--mount from= names: a stage name or index, else -1. */
static int stage_ref(const struct bk *b, const char *ref, size_t before)
{
	int s = stage_by_name(b, ref, before);
	if (s >= 0)
		return s;
	char *end;
	long n = strtol(ref, &end, 10);
	return *ref && !*end && n >= 0 && (size_t)n < before ? (int)n : -1;
}

static void mark_from_refs(const struct bk *b, const struct df_instruction *in, size_t stage)
{
	for (size_t k = 0; k < in->n_flags; k++) {
		const struct df_flag *f = &in->flags[k];
		if (!f->value)
			continue;
		if (!strcmp(f->name, "from")) {
			int s = stage_ref(b, f->value, stage);
			if (s >= 0)
				b->reachable[s] = true;
		} else if (!strcmp(f->name, "mount")) {
			const char *p = strstr(f->value, "from=");
			if (p && (p == f->value || p[-1] == ',')) {
				char *ref = xstrndup(p + 5, strcspn(p + 5, ","));
				int s = stage_ref(b, ref, stage);
				if (s >= 0)
					b->reachable[s] = true;
				free(ref);
			}
		}
	}
}

/* As a build of the default target: the last stage and the stages it needs. BuildKit runs its
 * dispatch-time checks (UndefinedVar, WorkdirRelativePath, CopyIgnoredFile,
 * JSONArgsRecommended) only on those. */
static void compute_reachable(struct bk *b)
{
	const struct dockerfile *df = b->df;
	b->reachable = xcalloc(df->n_stages ? df->n_stages : 1, sizeof(*b->reachable));
	if (!df->n_stages)
		return;
	b->reachable[df->n_stages - 1] = true;
	for (size_t s = df->n_stages; s-- > 0;) {
		if (!b->reachable[s])
			continue;
		char **un;
		size_t nun;
		char *base = expand(b, df->stages[s].base_image, &b->meta, &un, &nun);
		shell_strv_free(un, nun);
		int parent = base ? stage_ref(b, base, s) : -1;
		free(base);
		if (parent >= 0)
			b->reachable[parent] = true;
		size_t end = s + 1 < df->n_stages ? (size_t)df->stages[s + 1].instruction : df->n_ins;
		for (size_t i = (size_t)df->stages[s].instruction + 1; i < end; i++)
			mark_from_refs(b, &df->ins[i], s);
	}
}

static void check_stage_instruction(struct bk *b, size_t i, const struct df_instruction *in)
{
	struct bk_stage *st = &b->stages[in->stage];
	b->in_target = b->reachable[in->stage];
	switch (in->cmd) {
	case DF_CMD:
	case DF_ENTRYPOINT:
		if (!in->json_form && in->n_args && !st->shell_set)
			report(b, "JSONArgsRecommended", in->line_start,
			       "JSON arguments recommended for %s to prevent unintended behavior "
			       "related to OS signals", df_cmd_name(in->cmd));
		flush_multiple(b, in->cmd == DF_CMD ? &st->last_cmd : &st->last_entrypoint, in,
			       df_cmd_name(in->cmd));
		set_local_opts(b, i);
		break;
	case DF_HEALTHCHECK:
		flush_multiple(b, &st->last_healthcheck, in, "HEALTHCHECK");
		set_local_opts(b, i);
		break;
	case DF_SHELL: st->shell_set = true; break;
	case DF_MAINTAINER:
		report(b, "MaintainerDeprecated", in->line_start,
		       "Maintainer instruction is deprecated in favor of using label");
		break;
	case DF_WORKDIR:
		if (in->n_args) {
			check_word(b, st, in, in->args[0]);
			char **un;
			size_t nun;
			char *dir = expand(b, in->args[0], &st->env, &un, &nun);
			shell_strv_free(un, nun);
			if (dir && dir[0] != '/' && !st->workdir_set)
				report(b, "WorkdirRelativePath", in->line_start,
				       "Relative workdir \"%s\" can have unexpected results if the base "
				       "image changes", dir);
			if (dir && dir[0] == '/')
				st->workdir_set = true;
			free(dir);
		}
		break;
	case DF_ENV:
	case DF_ARG:
	case DF_LABEL: check_kv_instruction(b, st, i, in); break;
	case DF_EXPOSE:
		for (size_t k = 0; k < in->n_args; k++)
			check_word(b, st, in, in->args[k]);
		check_expose(b, in);
		break;
	case DF_COPY:
	case DF_ADD:
		for (size_t k = 0; k < in->n_args; k++)
			check_word(b, st, in, in->args[k]);
		for (size_t k = 0; k < in->n_flags; k++)
			if (in->flags[k].value)
				check_word(b, st, in, in->flags[k].value);
		check_copy_ignored(b, st, in);
		break;
	case DF_USER:
	case DF_STOPSIGNAL:
	case DF_VOLUME:
		for (size_t k = 0; k < in->n_args; k++)
			check_word(b, st, in, in->args[k]);
		break;
	default: break;
	}
}

static void bk_release(struct bk *b)
{
	check_opts_release(&b->global);
	check_opts_release(&b->local);
	shell_env_release(&b->meta);
	strv_free(b->meta_declared, b->n_meta_declared);
	for (size_t i = 0; i < b->n_stages; i++) {
		shell_env_release(&b->stages[i].env);
		strv_free(b->stages[i].declared, b->stages[i].n_declared);
	}
	free(b->stages);
	free(b->reachable);
	if (b->ignore)
		dockerignore_free(b->ignore);
}

void rules_buildkit(struct lint_ctx *ctx)
{
	const struct dockerfile *df = ctx->df;
	struct bk b = {.ctx = ctx, .df = df};
	const char *spec = ctx->config && ctx->config->buildkit_check ? ctx->config->buildkit_check
								      : df->check;
	if (spec)
		check_opts_parse(&b.global, spec);
	if (b.global.skip_all && b.global.n_experimental == 0) {
		bk_release(&b);
		return;
	}
	for (size_t i = 0; i < df->n_warnings; i++)
		report(&b, df->warnings[i].code, df->warnings[i].line, "Empty continuation line");
	b.stages = xcalloc(df->n_stages ? df->n_stages : 1, sizeof(*b.stages));
	b.n_stages = df->n_stages;
	check_casing(&b);
	for (size_t i = 0; i < df->n_ins; i++) {
		const struct df_instruction *in = &df->ins[i];
		set_local_opts(&b, i);
		if (in->cmd == DF_FROM && in->stage >= 0) {
			if (!b.reachable)
				compute_reachable(&b); /* the global ARGs are all known now */
			check_from(&b, in);
			check_definition_description(&b, i, "FROM", &df->stages[in->stage].name,
						     df->stages[in->stage].name ? 1 : 0);
			stage_begin(&b, in);
			continue;
		}
		if (in->stage < 0) {
			if (in->cmd == DF_ARG) {
				check_kv_instruction(&b, NULL, i, in);
				for (size_t k = 0; k < in->n_kvs; k++) {
					const struct df_kv *kv = &in->kvs[k];
					if (!is_declared(b.meta_declared, b.n_meta_declared, kv->key))
						strv_add(&b.meta_declared, &b.n_meta_declared,
							 &b.cap_meta_declared, kv->key);
					if (kv->value) {
						char **un;
						size_t nun;
						char *v = expand(&b, kv->value, &b.meta, &un, &nun);
						shell_strv_free(un, nun);
						shell_env_set(&b.meta, kv->key, v ? v : "");
						free(v);
					}
				}
			}
			continue;
		}
		check_stage_instruction(&b, i, in);
	}
	bk_release(&b);
}
