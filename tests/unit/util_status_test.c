/* SPDX-License-Identifier: MIT
 * tests/unit/util_status_test.c - util's status texts (util/status.c).
 */
#include <string.h>

#include "util/status.h"
#include "tests/unit/tap.h"

int
main(void)
{
	int distinct = 1;

	for (int a = 0; a < UTIL__MAX; a++)
		for (int b = a + 1; b < UTIL__MAX; b++)
			if (strcmp(util_strerror(a), util_strerror(b)) == 0)
				distinct = 0;
	tap_ok(distinct, "util_strerror should give each status its own text");
	tap_str_eq(util_strerror(UTIL_ERR_LIMIT), "limit exceeded",
		   "util_strerror(UTIL_ERR_LIMIT)");
	tap_str_eq(util_strerror(UTIL__MAX), "unknown error",
		   "util_strerror of an unknown code");
	return tap_done();
}
