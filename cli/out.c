/* SPDX-License-Identifier: MIT
 * cli/out.c - JSON string output for the command-line tools, through
 * util/json.h (so the tool and the service escape alike).
 */
#include "cli/out.h"
#include "util/json.h"

void
cli_json_string(FILE *f, const char *s, size_t len)
{
	util_json_fstr(f, s, len);
}
