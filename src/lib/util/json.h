/* Small jansson helpers for reading untrusted JSON (manifests, configs, indexes). */
#ifndef LS_JSON_H
#define LS_JSON_H

#include <jansson.h>
#include <stdint.h>

#include "util/error.h"

/* Parse bytes as JSON; `what` names the document in the error ("manifest.json"). */
int json_parse_bytes(const char *data, size_t len, const char *what, json_t **out, ls_error *err);
/* Object member as a string, or NULL when absent or not a string. */
const char *json_str(const json_t *obj, const char *key);
/* Object member as an integer, or `dflt` when absent or not an integer. */
int64_t json_int(const json_t *obj, const char *key, int64_t dflt);

/* A JSON string of s (NULL: JSON null) with every byte that is not valid UTF-8 as U+FFFD:
 * names from tar headers are bytes, and json_string() refuses them (returns NULL, and the
 * member or array element silently goes missing). */
json_t *json_string_lossy(const char *s);

#endif
