/* SPDX-License-Identifier: MIT
 * cli/out.c - JSON string output for the command-line tools, through
 * util/json.h (so the tool and the service escape alike).
 */
#include "cli/out.h"
#include "util/buf.h"
#include "util/json.h"

/* Longest string the tool prints as one JSON value (a 4 MiB input line
 * escapes to at most six times that). */
#define CLI_OUT_MAX ((size_t)64 << 20)

void
cli_json_string(FILE *f, const char *s, size_t len)
{
	struct util_buf b = UTIL_BUF_INIT(CLI_OUT_MAX);

	util_json_str(&b, s, len);
	if (b.st == UTIL_OK)
		fwrite(b.data, 1, b.len, f);
	else
		fputs("null", f);
	util_buf_free(&b);
}
