/* SPDX-License-Identifier: MIT
 * util/clock.c - CLOCK_MONOTONIC in milliseconds and microseconds.
 */
#include <time.h>

#include "util/clock.h"

long long
util_clock_us(void)
{
	struct timespec ts;

	/* Cannot fail for CLOCK_MONOTONIC with a valid pointer. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

long long
util_clock_ms(void)
{
	return util_clock_us() / 1000;
}
