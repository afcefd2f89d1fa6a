/* SPDX-License-Identifier: MIT
 * cli/out.h - JSON output helpers shared by `tagifai info` and
 * `tagifai predict`.
 */
#ifndef CLI_OUT_H
#define CLI_OUT_H

#include <stddef.h>
#include <stdio.h>

/* Writes len bytes as a JSON string literal (with quotes), escaped as
 * util/json.h says (each invalid UTF-8 byte becomes U+FFFD), straight to
 * f.  Write errors show up in ferror(f). */
void cli_json_string(FILE *f, const char *s, size_t len);

#endif
