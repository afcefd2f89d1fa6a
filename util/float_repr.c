/* SPDX-License-Identifier: MIT
 * util/float_repr.c - Python's repr(float): shortest digits, repr's layout.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/float_repr.h"
#include "util/shortest.h"

/* "00".."99": two digits per division, the per-digit loop was most of the
 * cost of a probability in an answer. */
static const char digit_pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233"
	"34353637383940414243444546474849505152535455565758596061626364656667"
	"6869707172737475767778798081828384858687888990919293949596979899";

/* How many decimal digits v has (v < 10^17: Dragonbox gives at most 17
 * digits).  Counted down from 17: most probabilities have 16 or 17. */
static int
count_digits(uint64_t v)
{
	static const uint64_t pow10[] = {
		UINT64_C(10), UINT64_C(100), UINT64_C(1000), UINT64_C(10000),
		UINT64_C(100000), UINT64_C(1000000), UINT64_C(10000000),
		UINT64_C(100000000), UINT64_C(1000000000),
		UINT64_C(10000000000), UINT64_C(100000000000),
		UINT64_C(1000000000000), UINT64_C(10000000000000),
		UINT64_C(100000000000000), UINT64_C(1000000000000000),
		UINT64_C(10000000000000000),
	};
	int n = 17;

	while (n > 1 && v < pow10[n - 2])
		n--;
	return n;
}

/* Writes the nd digits of v to m[0..nd). */
static void
write_digits(uint64_t v, int nd, char *m)
{
	int i = nd;

	while (i >= 2) {
		unsigned r = (unsigned)(v % 100);

		v /= 100;
		i -= 2;
		memcpy(m + i, digit_pairs + 2 * r, 2);
	}
	if (i == 1)
		m[0] = (char)('0' + v);
}

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
	nd = count_digits(digits);
	write_digits(digits, nd, m);
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
