// SPDX-License-Identifier: MIT
// util/shortest.cc - util_shortest_decimal() on top of Dragonbox; see
// shortest.h for why this one file is C++.
#include <dragonbox/dragonbox.h>

#include "util/shortest.h"

extern "C" void
util_shortest_decimal(double d, uint64_t *digits, int *exp10)
{
	// Default policies: round-trip under round-to-nearest-even, the
	// closest of the shortest candidates (ties to even), trailing zeros
	// removed: the digits of CPython's repr (dtoa mode 0).
	auto r = jkj::dragonbox::to_decimal(
		d, jkj::dragonbox::policy::sign::ignore);

	*digits = r.significand;
	*exp10 = r.exponent;
}
