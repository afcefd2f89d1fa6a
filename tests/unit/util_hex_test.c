/* SPDX-License-Identifier: MIT
 * tests/unit/util_hex_test.c - hex digit values, every byte checked.
 */
#include <string.h>

#include "util/hex.h"
#include "tests/unit/tap.h"

int
main(void)
{
	static const char digits[] = "0123456789abcdef";
	int wrong = 0;

	for (int c = 0; c < 256; c++) {
		const char *hit = c ? strchr(digits, c | (c >= 'A' && c <= 'F' ?
							   0x20 : 0)) : NULL;
		int want = hit != NULL ? (int)(hit - digits) : -1;

		if (util_hex_digit((char)c) != want)
			wrong++;
	}
	tap_ok(wrong == 0, "util_hex_digit should be right for all 256 bytes "
	       "(%d wrong)", wrong);
	tap_ok(util_hex_digit('F') == 15 && util_hex_digit('a') == 10 &&
	       util_hex_digit('9') == 9, "util_hex_digit F=15, a=10, 9=9");
	tap_ok(util_hex_digit('g') == -1 && util_hex_digit('G') == -1 &&
	       util_hex_digit('\xC6') == -1, "util_hex_digit g, G, 0xC6 = -1");
	return tap_done();
}
