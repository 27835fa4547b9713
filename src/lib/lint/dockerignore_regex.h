/* Internal to dockerignore.c: the subset of Go's regexp (RE2 syntax, Perl flags) that
 * moby/patternmatcher's pattern-to-regexp translation can produce, as a Thompson NFA.
 * Docker matches .dockerignore globs by compiling them to Go regexps, so a glob that looks
 * odd (`[*]`, `^x*`, `\d`, `[[:alpha:]]`) means what the Go regexp means; this engine
 * reproduces that, errors included, rather than glob semantics. */
#ifndef LS_DOCKERIGNORE_REGEX_H
#define LS_DOCKERIGNORE_REGEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

struct gorx;

/* Compile Go regexp source `src` (NUL-terminated). On a syntax error Go's regexp.Compile
 * would report, returns -1 with the reason in err. */
int gorx_compile(const char *src, struct gorx **out, ls_error *err);
void gorx_free(struct gorx *rx);
/* regexp.MatchString(s) for a regexp anchored with ^ (the translation always is). */
bool gorx_match(const struct gorx *rx, const char *s, size_t len);
/* Whether some non-empty continuation t could make prefix+t match (conservative: true when
 * unsure). Used to prove that no path below a directory can match. */
bool gorx_prefix_alive(const struct gorx *rx, const char *prefix, size_t len);

/* Go's utf8.DecodeRuneInString: invalid or truncated sequences decode as U+FFFD, width 1. */
uint32_t go_decode_rune(const char *s, size_t len, size_t *width);

#endif
