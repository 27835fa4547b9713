/* YAML documents as jansson values (libyaml events → json_t), so importers read OSV and
 * Alpine secdb YAML with the same code as their JSON. Scalars become strings (versions must
 * stay as written), a plain null / ~ / empty value null; aliases are refused (advisory files
 * do not use them, and they can blow up in size). */
#ifndef LS_YAMLJSON_H
#define LS_YAMLJSON_H

#include <jansson.h>
#include <stddef.h>

#include "util/error.h"

/* The first document of `data`; `what` names it in errors. */
int yaml_to_json(const char *data, size_t len, const char *what, json_t **out, ls_error *err);

#endif
