/* Secret rules from a config file, in Trivy's secret-config shape:
 *   rules:                 [{id, category, title, severity, regex, keywords, path}]
 *   allow-rules:           [{id, description, regex, path}]
 *   disable-rules:         [id…]   built-in or custom rules to leave out
 *   enable-builtin-rules:  [id…]   only these built-ins (custom rules stay)
 * either as a whole file (--secret-config) or as the `secrets:` section of .layerscope.yaml.
 * Other keys (Trivy's exclude-block, disable-allow-rules …) are accepted and ignored. */
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "secrets/secrets.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/yamljson.h"

#define CONFIG_MAX_BYTES (4u << 20)

static const char *severity_name(const char *s)
{
	static const char *known[] = {"CRITICAL", "HIGH", "MEDIUM", "LOW", "UNDEFINED"};
	if (!s)
		return "UNDEFINED";
	if (!strcasecmp(s, "UNKNOWN")) /* Trivy's word for it */
		return "UNDEFINED";
	for (size_t i = 0; i < sizeof(known) / sizeof(*known); i++)
		if (!strcasecmp(s, known[i]))
			return known[i];
	return NULL;
}

/* An optional string field: absent or null is NULL; anything but a string is an error. */
static int opt_string(json_t *obj, const char *key, const char **out, const char *where,
		      ls_error *err)
{
	json_t *v = json_object_get(obj, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return ls_fail(err, "%s: %s is not a string", where, key);
	*out = json_string_value(v);
	return 0;
}

/* A list of strings (a single string counts as a list of one). */
static int string_list(json_t *v, const char ***out, size_t *n, const char *where, ls_error *err)
{
	size_t i;
	json_t *item;
	*out = NULL;
	*n = 0;
	if (!v || json_is_null(v))
		return 0;
	if (json_is_string(v)) {
		*out = xcalloc(1, sizeof(char *));
		(*out)[(*n)++] = json_string_value(v);
		return 0;
	}
	if (!json_is_array(v))
		return ls_fail(err, "%s: not a list", where);
	*out = xcalloc(json_array_size(v) + 1, sizeof(char *));
	json_array_foreach(v, i, item) {
		if (!json_is_string(item))
			return ls_fail(err, "%s: item %zu is not a string", where, i + 1);
		(*out)[(*n)++] = json_string_value(item);
	}
	return 0;
}

static int parse_rule(json_t *r, struct secret_rule *rule, const char *where, ls_error *err)
{
	const char *severity = NULL, **keywords = NULL;
	if (!json_is_object(r))
		return ls_fail(err, "%s: not a map", where);
	if (opt_string(r, "id", &rule->id, where, err) < 0 ||
	    opt_string(r, "title", &rule->title, where, err) < 0 ||
	    opt_string(r, "category", &rule->category, where, err) < 0 ||
	    opt_string(r, "severity", &severity, where, err) < 0 ||
	    opt_string(r, "regex", &rule->regex, where, err) < 0 ||
	    opt_string(r, "path", &rule->path, where, err) < 0)
		return -1;
	if (!rule->id || !*rule->id)
		return ls_fail(err, "%s: a rule needs an id", where);
	if (!rule->regex || !*rule->regex)
		return ls_fail(err, "%s (%s): a rule needs a regex", where, rule->id);
	if (!(rule->severity = severity_name(severity)))
		return ls_fail(err, "%s (%s): unknown severity '%s' (CRITICAL, HIGH, MEDIUM, LOW)",
			       where, rule->id, severity);
	if (!rule->title)
		rule->title = rule->id;
	if (string_list(json_object_get(r, "keywords"), &keywords, &rule->n_keywords, where, err) < 0) {
		free(keywords);
		return -1;
	}
	rule->keywords = keywords;
	return 0;
}

static int parse_allow(json_t *r, struct secret_allow_rule *allow, const char *where,
		       ls_error *err)
{
	if (!json_is_object(r))
		return ls_fail(err, "%s: not a map", where);
	if (opt_string(r, "id", &allow->id, where, err) < 0 ||
	    opt_string(r, "description", &allow->description, where, err) < 0 ||
	    opt_string(r, "regex", &allow->regex, where, err) < 0 ||
	    opt_string(r, "path", &allow->path, where, err) < 0)
		return -1;
	if (!allow->id || !*allow->id)
		return ls_fail(err, "%s: an allow rule needs an id", where);
	if (!allow->regex && !allow->path)
		return ls_fail(err, "%s (%s): an allow rule needs a regex or a path", where, allow->id);
	return 0;
}

/* Each map of a list through parse (a rule or an allow rule), into a new array of elements
 * of `size` bytes; `key` names the list in errors ("rules[2] …"). */
static int parse_list(json_t *list, const char *key, size_t size, void **out, size_t *n,
		      int (*parse)(json_t *, void *, const char *, ls_error *), ls_error *err)
{
	size_t i;
	json_t *r;
	char where[64];
	if (!list || json_is_null(list))
		return 0;
	if (!json_is_array(list))
		return ls_fail(err, "%s: not a list", key);
	*out = xcalloc(json_array_size(list) + 1, size);
	json_array_foreach(list, i, r) {
		snprintf(where, sizeof(where), "%s[%zu]", key, i + 1);
		if (parse(r, (char *)*out + size * (*n)++, where, err) < 0)
			return -1;
	}
	return 0;
}

static int parse_rule_item(json_t *r, void *out, const char *where, ls_error *err)
{
	return parse_rule(r, out, where, err);
}

static int parse_allow_item(json_t *r, void *out, const char *where, ls_error *err)
{
	return parse_allow(r, out, where, err);
}

static int parse_config(struct secret_config *c, json_t *doc, ls_error *err)
{
	if (!json_is_object(doc))
		return ls_fail(err, "not a YAML map");
	json_t *enabled = json_object_get(doc, "enable-builtin-rules");
	void *rules = NULL, *allow = NULL;
	/* "enable-builtin-rules:" with no value is YAML null: as if absent, not "none of them" */
	c->only_enabled_builtin = enabled != NULL && !json_is_null(enabled);
	int r = parse_list(json_object_get(doc, "rules"), "rules", sizeof(*c->rules), &rules,
			   &c->n_rules, parse_rule_item, err);
	c->rules = rules;
	if (r == 0)
		r = parse_list(json_object_get(doc, "allow-rules"), "allow-rules", sizeof(*c->allow),
			       &allow, &c->n_allow, parse_allow_item, err);
	c->allow = allow;
	if (r < 0 ||
	    string_list(json_object_get(doc, "disable-rules"), &c->disabled, &c->n_disabled,
			"disable-rules", err) < 0 ||
	    string_list(enabled, &c->enabled_builtin, &c->n_enabled_builtin,
			"enable-builtin-rules", err) < 0)
		return -1;
	return 0;
}

/* Parse the file; `section` picks one key of it (NULL: the whole document). */
static int load(struct secret_config *c, const char *path, const char *section, ls_error *err)
{
	struct buf b;
	json_t *doc = NULL;
	memset(c, 0, sizeof(*c));
	if (buf_read_file(&b, path, CONFIG_MAX_BYTES, err) < 0)
		return -1;
	size_t len = b.len;
	char *data = b.data;
	size_t blank = 0;
	while (blank < len && isspace((unsigned char)data[blank]))
		blank++;
	if (section && blank == len) { /* an empty .layerscope.yaml: nothing to read */
		free(data);
		return 0;
	}
	int r = yaml_to_json(data, len, path, &doc, err);
	free(data);
	if (r < 0)
		return -1;
	c->doc = doc;
	json_t *cfg = doc;
	if (section) {
		if (!json_is_object(doc)) {
			secret_config_release(c);
			return ls_fail(err, "%s: not a YAML map", path);
		}
		cfg = json_object_get(doc, section);
		if (!cfg || json_is_null(cfg))
			return 0;
	}
	if (parse_config(c, cfg, err) < 0) {
		secret_config_release(c);
		return section ? ls_wrap(err, "%s: %s", path, section) : ls_wrap(err, "%s", path);
	}
	return 0;
}

int secret_config_load(struct secret_config *c, const char *path, ls_error *err)
{
	return load(c, path, NULL, err);
}

int secret_config_load_section(struct secret_config *c, const char *path, ls_error *err)
{
	return load(c, path, "secrets", err);
}

void secret_config_release(struct secret_config *c)
{
	for (size_t i = 0; i < c->n_rules; i++)
		free((void *)c->rules[i].keywords);
	free(c->rules);
	free(c->allow);
	free(c->disabled);
	free(c->enabled_builtin);
	json_decref(c->doc);
	memset(c, 0, sizeof(*c));
}
