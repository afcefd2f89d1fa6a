/* SPDX-License-Identifier: MIT
 * util/utf8.h - UTF-8 validation and decoding (RFC 3629).
 *
 * Well-formed means RFC 3629's table: lead bytes C2..F4, no overlong
 * forms, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF, no
 * truncated sequence.  Everything that reads or writes UTF-8 in the
 * project (the CSV reader, the text cleaner, the JSON parser and writer)
 * uses these, so all agree on which bytes are invalid.
 */
#ifndef UTIL_UTF8_H
#define UTIL_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* U+FFFD REPLACEMENT CHARACTER, the code point and its UTF-8 bytes. */
#define UTIL_UTF8_REPLACEMENT 0xFFFDu
#define UTIL_UTF8_REPLACEMENT_BYTES "\xEF\xBF\xBD"

/* Decodes the sequence at s[0..n) (n >= 1): returns its length (1..4) and
 * sets *cp, or returns 0 when it is not well-formed (*cp untouched). */
size_t util_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* True when s[0..n) is well-formed UTF-8. */
bool util_utf8_valid(const char *s, size_t n);

#endif
