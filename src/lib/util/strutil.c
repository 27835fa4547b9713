#include "util/strutil.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool str_starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool str_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

void human_size_si(uint64_t n, char *out, size_t outlen)
{
	/* go-humanize: below 10 units one decimal ("1.2 MB"), else none ("32 kB"). */
	static const char *units[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
	if (n < 10) {
		snprintf(out, outlen, "%llu B", (unsigned long long)n);
		return;
	}
	double e = floor(log((double)n) / log(1000.0));
	double val = floor((double)n / pow(1000.0, e) * 10 + 0.5) / 10;
	int idx = (int)e;
	if (val < 10)
		snprintf(out, outlen, "%.1f %s", val, units[idx]);
	else
		snprintf(out, outlen, "%.0f %s", val, units[idx]);
}

bool parse_u64(const char *s, uint64_t *out)
{
	char *end;
	if (!s || !*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

/* Length of the valid UTF-8 sequence at s (1 to 4), or 0 when s does not start one:
 * overlong forms, surrogates and code points above U+10FFFF are invalid (RFC 3629). */
size_t utf8_char_len(const unsigned char *s)
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
