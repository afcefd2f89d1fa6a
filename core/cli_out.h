/* SPDX-License-Identifier: MIT
 * core/cli_out.h - JSON output helpers shared by `tagifai info` and
 * `tagifai predict`.
 */
#ifndef CORE_CLI_OUT_H
#define CORE_CLI_OUT_H

#include <stddef.h>
#include <stdio.h>

/* Writes len bytes as a JSON string literal (with quotes): ", \ and
 * control characters are escaped, valid UTF-8 passes through, each
 * invalid byte becomes \ufffd.  Errors show up in ferror(f). */
void cli_json_string(FILE *f, const char *s, size_t len);

#endif
