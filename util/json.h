/* SPDX-License-Identifier: MIT
 * util/json.h - JSON string output, the project's one policy.
 *
 * Every JSON text the service and the tool write takes its strings from
 * here, so each is valid UTF-8 whatever the input:
 *   - " and \ are escaped, and \b \f \n \r \t as such; the other control
 *     characters (below 0x20) as \u00XX (lower-case hex); DEL and
 *     everything else valid passes through as it is (no \uXXXX for
 *     non-ASCII).  This is what Python's json.dumps(..., ensure_ascii=False)
 *     writes, so our bodies match the reference's byte for byte.
 *   - each byte that is not part of a well-formed UTF-8 sequence
 *     (util/utf8.h) becomes one U+FFFD, written as its UTF-8 bytes
 *     EF BF BD: the reading of invalid bytes doc/CLEANING.md describes for
 *     the cleaner (one U+FFFD per byte).
 */
#ifndef UTIL_JSON_H
#define UTIL_JSON_H

#include <stddef.h>
#include <stdio.h>

#include "util/buf.h"

/* Receives the output in pieces (n may be 0). */
typedef void util_json_put(void *ctx, const char *p, size_t n);

/* Writes s[0..n) as a quoted JSON string through put, in a few pieces:
 * runs of plain bytes, escapes, quotes. */
void util_json_write(util_json_put *put, void *ctx, const char *s, size_t n);

/* Appends s[0..n) to b as a quoted JSON string. */
void util_json_str(struct util_buf *b, const char *s, size_t n);

/* The same, written to f without an intermediate buffer (the tool's
 * output: no allocation per string).  Write errors show in ferror(f). */
void util_json_fstr(FILE *f, const char *s, size_t n);

#endif
