/* SPDX-License-Identifier: MIT
 * util/clock.h - the monotonic clock, for deadlines and durations.
 *
 * CLOCK_MONOTONIC does not jump when the wall clock is set, and on Linux it
 * is read through the vDSO, without a system call.
 */
#ifndef UTIL_CLOCK_H
#define UTIL_CLOCK_H

/* Time since an arbitrary fixed point, in milliseconds. */
long long util_clock_ms(void);
/* The same, in microseconds. */
long long util_clock_us(void);

#endif
