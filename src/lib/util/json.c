#include "util/json.h"

#include <string.h>

#include "util/mem.h"
#include "util/strutil.h"

int json_parse_bytes(const char *data, size_t len, const char *what, json_t **out, ls_error *err)
{
	json_error_t jerr;
	json_t *j = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!j)
		return ls_fail(err, "%s: malformed JSON at line %d column %d: %s", what, jerr.line,
			       jerr.column, jerr.text);
	*out = j;
	return 0;
}

const char *json_str(const json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

int64_t json_int(const json_t *obj, const char *key, int64_t dflt)
{
	json_t *v = json_object_get(obj, key);
	return json_is_integer(v) ? (int64_t)json_integer_value(v) : dflt;
}

json_t *json_string_lossy(const char *s)
{
	if (!s)
		return json_null();
	json_t *j = json_string(s);
	if (j)
		return j;
	char *out = xmalloc(strlen(s) * 3 + 1), *o = out; /* U+FFFD is 3 bytes */
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n = utf8_char_len(p);
		if (n) {
			memcpy(o, p, n);
			o += n, p += n;
		} else {
			memcpy(o, "\xef\xbf\xbd", 3);
			o += 3, p++;
		}
	}
	j = json_stringn(out, (size_t)(o - out));
	free(out);
	return j;
}
