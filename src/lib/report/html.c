#include <stdint.h>
#include <stdlib.h>

#include "report/html.h"

/* Length of the valid UTF-8 sequence at s (1 to 4), or 0 when s does not start one:
 * overlong forms, surrogates and code points above U+10FFFF are invalid (RFC 3629). */
static size_t utf8_seq_len(const unsigned char *s)
{
	unsigned c = s[0];
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		unsigned lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
		return s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 ? 3 : 0;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		unsigned lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
		return s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 && (s[3] & 0xc0) == 0x80 ? 4 : 0;
	}
	return 0;
}

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
		size_t len = utf8_seq_len(p);
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
		size_t len = utf8_seq_len(p + off);
		off += len ? len : 1;
	}
	return off;
}
