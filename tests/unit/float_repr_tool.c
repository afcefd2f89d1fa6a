/* SPDX-License-Identifier: MIT
 * tests/unit/float_repr_tool.c - util_float_repr() of each double read from
 * standard input as 16 hex digits (its bit pattern), one per line, so that
 * tests/float_repr.test can compare it with Python's repr() of the same
 * bits.  Exit status 1 on an unreadable line.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/float_repr.h"

int
main(void)
{
	char line[64], out[UTIL_FLOAT_REPR_MAX];

	while (fgets(line, sizeof(line), stdin) != NULL) {
		char *end;
		uint64_t bits = strtoull(line, &end, 16);
		double d;

		if (end == line || (*end != '\n' && *end != '\0')) {
			fprintf(stderr, "float_repr_tool: bad line: %s", line);
			return 1;
		}
		memcpy(&d, &bits, sizeof(d));
		puts(util_float_repr(d, out));
	}
	return ferror(stdin) ? 1 : 0;
}
