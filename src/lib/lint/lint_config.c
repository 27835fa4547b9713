/* Lint configuration: hadolint's YAML file keys, its search path and HADOLINT_* environment
 * variables. Precedence (as hadolint): command line > environment > config file. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "lint/lint.h"
#include "util/mem.h"

#define CONFIG_MAX_BYTES (4u << 20)

void lint_config_init(struct lint_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->failure_threshold = LINT_INFO;
	cfg->shellcheck = true;
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void lint_config_release(struct lint_config *cfg)
{
	strv_free(cfg->ignored, cfg->n_ignored);
	for (size_t i = 0; i < cfg->n_overrides; i++)
		free(cfg->overrides[i].code);
	free(cfg->overrides);
	strv_free(cfg->trusted_registries, cfg->n_trusted_registries);
	for (size_t i = 0; i < cfg->n_label_schema; i++) {
		free(cfg->label_schema[i].name);
		free(cfg->label_schema[i].type);
	}
	free(cfg->label_schema);
	free(cfg->context_dir);
	free(cfg->buildkit_check);
	memset(cfg, 0, sizeof(*cfg));
}

static void strv_add(char ***v, size_t *n, const char *s)
{
	size_t cap = *n; /* arrays are exact-size: grow by one */
	*v = xgrow(*v, &cap, *n + 1, sizeof(**v));
	(*v)[(*n)++] = xstrdup(s);
}

static void add_override(struct lint_config *cfg, const char *code, enum lint_level level)
{
	size_t cap = cfg->n_overrides;
	cfg->overrides = xgrow(cfg->overrides, &cap, cfg->n_overrides + 1, sizeof(*cfg->overrides));
	cfg->overrides[cfg->n_overrides++] = (struct lint_level_override){xstrdup(code), level};
}

static void add_label(struct lint_config *cfg, const char *name, const char *type)
{
	for (size_t i = 0; i < cfg->n_label_schema; i++) {
		if (!strcmp(cfg->label_schema[i].name, name)) {
			free(cfg->label_schema[i].type);
			cfg->label_schema[i].type = xstrdup(type);
			return;
		}
	}
	size_t cap = cfg->n_label_schema;
	cfg->label_schema = xgrow(cfg->label_schema, &cap, cfg->n_label_schema + 1,
				  sizeof(*cfg->label_schema));
	cfg->label_schema[cfg->n_label_schema++] = (struct lint_label_rule){xstrdup(name),
									     xstrdup(type)};
}

static bool parse_bool(const char *s, bool *out)
{
	static const char *yes[] = {"1", "y", "yes", "on", "true"};
	static const char *no[] = {"0", "n", "no", "off", "false", ""};
	for (size_t i = 0; i < sizeof(yes) / sizeof(*yes); i++)
		if (!strcasecmp(s, yes[i]))
			return *out = true, true;
	for (size_t i = 0; i < sizeof(no) / sizeof(*no); i++)
		if (!strcasecmp(s, no[i]))
			return *out = false, true;
	return false;
}

/* ---- YAML ---------------------------------------------------------------------------- */

static const char *scalar(yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* Each scalar of a sequence (or the single scalar) through fn. */
static int for_each_item(yaml_document_t *doc, yaml_node_t *n,
			 int (*fn)(struct lint_config *, const char *, void *),
			 struct lint_config *cfg, void *arg)
{
	if (!n)
		return 0;
	if (n->type == YAML_SCALAR_NODE)
		return fn(cfg, scalar(n), arg);
	if (n->type != YAML_SEQUENCE_NODE)
		return -1;
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		const char *s = scalar(yaml_document_get_node(doc, *it));
		if (!s || fn(cfg, s, arg) < 0)
			return -1;
	}
	return 0;
}

static int item_ignored(struct lint_config *cfg, const char *s, void *arg)
{
	(void)arg;
	strv_add(&cfg->ignored, &cfg->n_ignored, s);
	return 0;
}

static int item_trusted(struct lint_config *cfg, const char *s, void *arg)
{
	(void)arg;
	strv_add(&cfg->trusted_registries, &cfg->n_trusted_registries, s);
	return 0;
}

static int item_override(struct lint_config *cfg, const char *s, void *arg)
{
	add_override(cfg, s, *(enum lint_level *)arg);
	return 0;
}

static int load_overrides(struct lint_config *cfg, yaml_document_t *doc, yaml_node_t *map,
			  ls_error *err)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return map && scalar(map) && !*scalar(map) ? 0 : ls_fail(err, "override: not a map");
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		const char *k = scalar(yaml_document_get_node(doc, p->key));
		enum lint_level level;
		if (!k || lint_level_parse(k, &level) < 0)
			return ls_fail(err, "override: unknown severity '%s'", k ? k : "?");
		if (for_each_item(doc, yaml_document_get_node(doc, p->value), item_override, cfg,
				  &level) < 0)
			return ls_fail(err, "override.%s: not a list of rule codes", k);
	}
	return 0;
}

static int load_labels(struct lint_config *cfg, yaml_document_t *doc, yaml_node_t *map,
		       ls_error *err)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return ls_fail(err, "label-schema: not a map");
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		const char *k = scalar(yaml_document_get_node(doc, p->key));
		const char *v = scalar(yaml_document_get_node(doc, p->value));
		if (!k || !v)
			return ls_fail(err, "label-schema: entries must be 'label: type'");
		add_label(cfg, k, v);
	}
	return 0;
}

static int load_key(struct lint_config *cfg, yaml_document_t *doc, const char *key,
		    yaml_node_t *val, ls_error *err)
{
	const char *s = scalar(val);
	bool b;
	if (!strcmp(key, "ignored")) {
		if (for_each_item(doc, val, item_ignored, cfg, NULL) < 0)
			return ls_fail(err, "ignored: not a list of rule codes");
	} else if (!strcmp(key, "trustedRegistries")) {
		if (for_each_item(doc, val, item_trusted, cfg, NULL) < 0)
			return ls_fail(err, "trustedRegistries: not a list");
	} else if (!strcmp(key, "override")) {
		return load_overrides(cfg, doc, val, err);
	} else if (!strcmp(key, "label-schema")) {
		return load_labels(cfg, doc, val, err);
	} else if (!strcmp(key, "strict-labels") || !strcmp(key, "no-fail") ||
		   !strcmp(key, "disable-ignore-pragma")) {
		if (!s || !parse_bool(s, &b))
			return ls_fail(err, "%s: not a boolean", key);
		if (!strcmp(key, "strict-labels"))
			cfg->strict_labels = b;
		else if (!strcmp(key, "no-fail"))
			cfg->no_fail = b;
		else
			cfg->disable_ignore_pragma = b;
	} else if (!strcmp(key, "failure-threshold")) {
		if (!s || lint_level_parse(s, &cfg->failure_threshold) < 0)
			return ls_fail(err, "failure-threshold: '%s' is not error, warning, info, "
					    "style or none", s ? s : "?");
	}
	/* other hadolint keys (format, no-color, verbose, ...) are accepted and ignored */
	return 0;
}

int lint_config_load_file(struct lint_config *cfg, const char *path, ls_error *err)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return ls_fail_errno(err, errno, "%s", path);
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	int rc = 0;
	if (!yaml_parser_load(&parser, &doc)) {
		rc = ls_fail(err, "%s: line %zu: %s", path, parser.problem_mark.line + 1,
			     parser.problem ? parser.problem : "invalid YAML");
		yaml_parser_delete(&parser);
		fclose(f);
		return rc;
	}
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	if (root && root->type == YAML_MAPPING_NODE) {
		for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
		     p < root->data.mapping.pairs.top && rc == 0; p++) {
			const char *k = scalar(yaml_document_get_node(&doc, p->key));
			if (k)
				rc = load_key(cfg, &doc, k, yaml_document_get_node(&doc, p->value), err);
		}
	} else if (root && !(root->type == YAML_SCALAR_NODE && !*scalar(root))) {
		rc = ls_fail(err, "not a YAML map");
	}
	if (rc < 0)
		ls_wrap(err, "%s", path);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	fclose(f);
	return rc;
}

static char *existing(const char *dir, const char *name)
{
	if (!dir || !*dir)
		return NULL;
	char *p = xasprintf("%s/%s", dir, name);
	if (access(p, R_OK) == 0)
		return p;
	free(p);
	return NULL;
}

char *lint_config_find(void)
{
	static const char *local[] = {".layerscope.yaml", ".layerscope.yml", ".hadolint.yaml",
				      ".hadolint.yml"};
	for (size_t i = 0; i < sizeof(local) / sizeof(*local); i++)
		if (access(local[i], R_OK) == 0)
			return xstrdup(local[i]);
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char *p;
	if ((p = existing(xdg, "hadolint.yaml")) || (p = existing(xdg, "hadolint.yml")))
		return p;
	if (!home || !*home)
		return NULL;
	static const char *in_home[] = {".config/hadolint.yaml", ".config/hadolint.yml",
					".hadolint/hadolint.yaml", ".hadolint/hadolint.yml",
					"hadolint/hadolint.yaml", "hadolint/hadolint.yml",
					".hadolint.yaml", ".hadolint.yml"};
	for (size_t i = 0; i < sizeof(in_home) / sizeof(*in_home); i++)
		if ((p = existing(home, in_home[i])))
			return p;
	return NULL;
}

/* ---- environment --------------------------------------------------------------------- */

static void split_list(const char *s, void (*fn)(struct lint_config *, const char *, void *),
		       struct lint_config *cfg, void *arg)
{
	char *copy = xstrdup(s), *save = NULL;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		while (isspace((unsigned char)*t))
			t++;
		size_t n = strlen(t);
		while (n && isspace((unsigned char)t[n - 1]))
			t[--n] = '\0';
		if (*t)
			fn(cfg, t, arg);
	}
	free(copy);
}

static void env_ignored(struct lint_config *cfg, const char *s, void *arg)
{
	(void)arg;
	strv_add(&cfg->ignored, &cfg->n_ignored, s);
}

static void env_trusted(struct lint_config *cfg, const char *s, void *arg)
{
	(void)arg;
	strv_add(&cfg->trusted_registries, &cfg->n_trusted_registries, s);
}

static void env_override(struct lint_config *cfg, const char *s, void *arg)
{
	add_override(cfg, s, *(enum lint_level *)arg);
}

static void env_label(struct lint_config *cfg, const char *s, void *arg)
{
	(void)arg;
	const char *colon = strchr(s, ':');
	char *name = colon ? xstrndup(s, (size_t)(colon - s)) : xstrdup(s);
	add_label(cfg, name, colon ? colon + 1 : "text");
	free(name);
}

static int env_bool(const char *name, bool *out, ls_error *err)
{
	const char *v = getenv(name);
	if (!v)
		return 0;
	if (!parse_bool(v, out))
		return ls_fail(err, "%s: '%s' is not a boolean", name, v);
	return 0;
}

int lint_config_from_env(struct lint_config *cfg, ls_error *err)
{
	const char *v;
	if ((v = getenv("HADOLINT_IGNORE")))
		split_list(v, env_ignored, cfg, NULL);
	if ((v = getenv("HADOLINT_TRUSTED_REGISTRIES")))
		split_list(v, env_trusted, cfg, NULL);
	if ((v = getenv("HADOLINT_REQUIRE_LABELS")))
		split_list(v, env_label, cfg, NULL);
	static const struct {
		const char *name;
		enum lint_level level;
	} overrides[] = {{"HADOLINT_OVERRIDE_ERROR", LINT_ERROR},
			 {"HADOLINT_OVERRIDE_WARNING", LINT_WARNING},
			 {"HADOLINT_OVERRIDE_INFO", LINT_INFO},
			 {"HADOLINT_OVERRIDE_STYLE", LINT_STYLE}};
	for (size_t i = 0; i < sizeof(overrides) / sizeof(*overrides); i++) {
		enum lint_level level = overrides[i].level;
		if ((v = getenv(overrides[i].name)))
			split_list(v, env_override, cfg, &level);
	}
	if ((v = getenv("HADOLINT_FAILURE_THRESHOLD")) &&
	    lint_level_parse(v, &cfg->failure_threshold) < 0)
		return ls_fail(err, "HADOLINT_FAILURE_THRESHOLD: '%s' is not error, warning, info, "
				    "style or none", v);
	if (env_bool("HADOLINT_NOFAIL", &cfg->no_fail, err) < 0 ||
	    env_bool("HADOLINT_STRICT_LABELS", &cfg->strict_labels, err) < 0 ||
	    env_bool("HADOLINT_DISABLE_IGNORE_PRAGMA", &cfg->disable_ignore_pragma, err) < 0)
		return -1;
	return 0;
}
