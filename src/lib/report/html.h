/* HTML text from untrusted strings: file names, commands and package names come from the
 * image and are attacker-controlled. Everything that is not markup goes through html_escape. */
#ifndef LS_HTML_H
#define LS_HTML_H

#include <stddef.h>
#include <stdio.h>

/* Write s as HTML text, safe both between tags and inside a double- or single-quoted
 * attribute value: & < > " ' become entities; bytes that are not valid UTF-8 and control
 * characters other than tab and newline become U+FFFD. */
void html_escape(FILE *f, const char *s);
/* The same for the first n bytes of s (never splitting a character: see utf8_prefix). */
void html_escape_n(FILE *f, const char *s, size_t n);
/* html_escape into a new string (free() it). */
char *html_escape_str(const char *s);
/* The length of the longest prefix of s that holds at most max_chars characters and ends on
 * a character boundary (invalid bytes count as one character each). */
size_t utf8_prefix(const char *s, size_t max_chars);

#endif
