/* SPDX-License-Identifier: MIT
 * tests/unit/util_clock_test.c - the monotonic clock moves forward, in
 * the right units.
 */
#include <time.h>

#include "util/clock.h"
#include "tests/unit/tap.h"

int
main(void)
{
	struct timespec nap = { 0, 20 * 1000 * 1000 };   /* 20 ms */
	long long ms0 = util_clock_ms(), us0 = util_clock_us();
	long long ms1, us1;

	nanosleep(&nap, NULL);
	ms1 = util_clock_ms();
	us1 = util_clock_us();
	tap_ok(us1 - us0 >= 20000, "util_clock_us should count a 20 ms sleep "
	       "(%lld us)", us1 - us0);
	tap_ok(ms1 - ms0 >= 19 && ms1 - ms0 < 10000,
	       "util_clock_ms should count it in milliseconds (%lld)", ms1 - ms0);
	tap_ok(us1 / 1000 - ms1 >= -1 && us1 / 1000 - ms1 <= 1,
	       "util_clock_ms and util_clock_us should read the same clock");
	return tap_done();
}
