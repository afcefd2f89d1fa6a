/* SPDX-License-Identifier: MIT
 * util/hex.c - hexadecimal digits, independent of the locale.
 */
#include "util/hex.h"

int
util_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}
