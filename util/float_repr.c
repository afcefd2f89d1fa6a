/* SPDX-License-Identifier: MIT
 * util/float_repr.c - Python's repr(float): shortest digits, repr's layout.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/float_repr.h"
#include "util/shortest.h"

char *
util_float_repr(double d, char *buf)
{
	char m[24];
	char *o = buf;
	uint64_t digits;
	int exp10, nd = 0;

	if (isnan(d))
		return strcpy(buf, "nan");
	if (isinf(d))
		return strcpy(buf, d < 0 ? "-inf" : "inf");
	if (signbit(d))
		*o++ = '-';
	if (d == 0.0) {
		strcpy(o, "0.0");
		return buf;
	}
	/* d = m[0..nd) * 10^exp10 with m the shortest round-trip digits;
	 * exp10 then becomes the exponent of m[0], as in 'd.ddde+XX'. */
	util_shortest_decimal(d, &digits, &exp10);
	for (uint64_t v = digits; nd == 0 || v > 0; v /= 10)
		nd++;
	for (int i = nd - 1; i >= 0; i--, digits /= 10)
		m[i] = (char)('0' + digits % 10);
	exp10 += nd - 1;
	/* repr's layout (float_repr_style 'short'): scientific outside
	 * 1e-4 <= |d| < 1e16, otherwise positional with at least one digit
	 * after the point. */
	if (exp10 < -4 || exp10 >= 16) {
		*o++ = m[0];
		if (nd > 1) {
			*o++ = '.';
			memcpy(o, m + 1, (size_t)nd - 1);
			o += nd - 1;
		}
		sprintf(o, "e%c%02d", exp10 < 0 ? '-' : '+',
			exp10 < 0 ? -exp10 : exp10);
	} else if (exp10 < 0) {
		*o++ = '0';
		*o++ = '.';
		for (int i = -1; i > exp10; i--)
			*o++ = '0';
		memcpy(o, m, (size_t)nd);
		o[nd] = '\0';
	} else {
		for (int i = 0; i <= exp10; i++)
			*o++ = i < nd ? m[i] : '0';
		*o++ = '.';
		if (nd > exp10 + 1) {
			memcpy(o, m + exp10 + 1, (size_t)(nd - exp10 - 1));
			o += nd - exp10 - 1;
		} else {
			*o++ = '0';
		}
		*o = '\0';
	}
	return buf;
}
