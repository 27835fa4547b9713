/* Numbers as Go prints them, where dive's output depends on it: shortest round-trip floats
 * (fmt's %v and encoding/json), go-humanize's Comma() and ParseBytes(), and strconv's
 * ParseFloat() syntax. Byte sizes for display use human_size_si() from util/strutil.h. */
#ifndef LS_GOFMT_H
#define LS_GOFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* fmt.Sprintf("%v", v) for a float64 (strconv 'g', precision -1): shortest round-trip digits,
 * %e form when the decimal exponent is < -4 or >= 6 ("0.9", "1e-05", "1.234567e+06"). */
void go_format_v(double v, char *out, size_t n);
/* encoding/json's float64: shortest digits, 'f' form unless |v| < 1e-6 or >= 1e21. */
void go_format_json(double v, char *out, size_t n);
/* fmt.Sprintf("%.*f", prec, v), with Go's spelling of the special values (+Inf, NaN). */
void go_format_fixed(double v, int prec, char *out, size_t n);
/* humanize.Comma: 31600 → "31,600". */
void go_format_comma(uint64_t v, char *out, size_t n);
/* humanize.ParseBytes: "20MB" (1000-based), "20MiB" (1024-based), "1.5 gb", "1,000"; case-insensitive. */
bool go_parse_bytes(const char *s, uint64_t *out);
/* strconv.ParseFloat(s, 64) syntax (no surrounding spaces); NaN is refused. */
bool go_parse_float(const char *s, double *out);

#endif
