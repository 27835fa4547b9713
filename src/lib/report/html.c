#include <stdint.h>
#include <stdlib.h>

#include "report/html.h"
#include "util/strutil.h"

static const char *entity_of(unsigned char c)
{
	switch (c) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return "&quot;";
	case '\'': return "&#39;";
	case '\t': case '\n': return NULL;
	default: return c < 0x20 || c == 0x7f ? "\xef\xbf\xbd" : NULL;
	}
}

void html_escape_n(FILE *f, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	while (n && *p) {
		size_t len = utf8_char_len(p);
		if (len == 0 || len > n) {
			fputs("\xef\xbf\xbd", f);
			p++, n--;
			continue;
		}
		const char *e = len == 1 ? entity_of(*p) : NULL;
		if (e)
			fputs(e, f);
		else
			fwrite(p, 1, len, f);
		p += len, n -= len;
	}
}

void html_escape(FILE *f, const char *s)
{
	html_escape_n(f, s, SIZE_MAX);
}

char *html_escape_str(const char *s)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	if (!f)
		abort(); /* out of memory, as xmalloc */
	html_escape(f, s);
	fclose(f);
	return out;
}

size_t utf8_prefix(const char *s, size_t max_chars)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t off = 0;
	for (size_t chars = 0; p[off] && chars < max_chars; chars++) {
		size_t len = utf8_char_len(p + off);
		off += len ? len : 1;
	}
	return off;
}
