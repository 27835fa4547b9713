#include "util/yamljson.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

enum { MAX_DEPTH = 256 };

/* Every scalar is a string — advisory data means versions, and "1.10" must not become 1.1 —
 * except a plain null / ~ / empty value. */
static json_t *scalar_value(const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    (len == 0 || !strcmp(v, "null") || !strcmp(v, "~")))
		return json_null();
	return json_stringn(v, len);
}

/* Attach a finished value to its parent container (or make it the result). */
static int attach(json_t **stack, char **keys, int depth, json_t *value, json_t **result)
{
	if (depth == 0) {
		*result = value;
		return 0;
	}
	json_t *parent = stack[depth - 1];
	if (json_is_array(parent))
		return json_array_append_new(parent, value);
	if (!keys[depth - 1]) {
		/* A mapping key: only scalars are supported as keys. */
		if (!json_is_string(value)) {
			json_decref(value);
			return -1;
		}
		keys[depth - 1] = strdup(json_string_value(value));
		json_decref(value);
		return keys[depth - 1] ? 0 : -1;
	}
	int r = json_object_set_new(parent, keys[depth - 1], value);
	free(keys[depth - 1]);
	keys[depth - 1] = NULL;
	return r;
}

int yaml_to_json(const char *data, size_t len, const char *what, json_t **out, ls_error *err)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	json_t *stack[MAX_DEPTH] = {0}, *result = NULL;
	char *keys[MAX_DEPTH] = {0};
	int depth = 0, ret = -1;
	bool done = false;

	if (!yaml_parser_initialize(&parser))
		return ls_fail(err, "%s: cannot start the YAML parser", what);
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			ls_fail(err, "%s: malformed YAML at line %zu: %s", what,
				parser.problem_mark.line + 1, parser.problem ? parser.problem : "?");
			goto out;
		}
		json_t *value = NULL;
		switch (ev.type) {
		case YAML_MAPPING_START_EVENT:
		case YAML_SEQUENCE_START_EVENT:
			if (depth >= MAX_DEPTH) {
				yaml_event_delete(&ev);
				ls_fail(err, "%s: YAML nested deeper than %d", what, MAX_DEPTH);
				goto out;
			}
			stack[depth] = ev.type == YAML_MAPPING_START_EVENT ? json_object() : json_array();
			keys[depth] = NULL;
			depth++;
			break;
		case YAML_MAPPING_END_EVENT:
		case YAML_SEQUENCE_END_EVENT:
			depth--;
			value = stack[depth];
			stack[depth] = NULL;
			free(keys[depth]);
			keys[depth] = NULL;
			break;
		case YAML_SCALAR_EVENT:
			value = scalar_value(&ev);
			break;
		case YAML_ALIAS_EVENT:
			yaml_event_delete(&ev);
			ls_fail(err, "%s: YAML aliases are not supported", what);
			goto out;
		case YAML_DOCUMENT_END_EVENT:
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
		if (value && attach(stack, keys, depth, value, &result) < 0) {
			ls_fail(err, "%s: unsupported YAML (a mapping key that is not a scalar)", what);
			goto out;
		}
	}
	if (!result) {
		ls_fail(err, "%s: empty YAML document", what);
		goto out;
	}
	*out = result;
	result = NULL;
	ret = 0;
out:
	for (int i = 0; i < MAX_DEPTH; i++) {
		json_decref(stack[i]);
		free(keys[i]);
	}
	json_decref(result);
	yaml_parser_delete(&parser);
	return ret;
}
