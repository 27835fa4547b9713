#ifndef LS_STRUTIL_H
#define LS_STRUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

bool str_starts_with(const char *s, const char *prefix);
bool str_ends_with(const char *s, const char *suffix);
/* Sizes as go-humanize's Bytes() prints them (SI, as dive shows them): "32 kB", "1.2 MB". */
void human_size_si(uint64_t n, char *out, size_t outlen);
/* Parse a decimal unsigned 64-bit integer; the whole string must be a number. */
bool parse_u64(const char *s, uint64_t *out);
/* Length of the valid UTF-8 sequence at s (1 to 4), or 0 when s does not start one
 * (RFC 3629: no overlong forms, surrogates or code points above U+10FFFF). */
size_t utf8_char_len(const unsigned char *s);

#endif
