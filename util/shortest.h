/* SPDX-License-Identifier: MIT
 * util/shortest.h - the shortest decimal that reads back as a double.
 *
 * Python's repr(float) prints the fewest significant digits that convert
 * back to the same double (the closest such string when several have that
 * length).  Finding them with printf and strtod costs a few microseconds a
 * number, a third of a /predict request; Dragonbox (libdragonbox-dev, the
 * algorithm {fmt} uses) does it in about
 * 10 ns.  Dragonbox is a C++ header, so shortest.cc is this project's one
 * C++ file: it is built without exceptions or RTTI and needs nothing from
 * the C++ runtime, so every program still links as C.
 */
#ifndef UTIL_SHORTEST_H
#define UTIL_SHORTEST_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* For a finite, nonzero d: |d| == *digits * 10^*exp10, where *digits has
 * no trailing zeros and as few digits (at most 17) as reading back as d
 * allows.  The sign of d is ignored. */
void util_shortest_decimal(double d, uint64_t *digits, int *exp10);

#ifdef __cplusplus
}
#endif

#endif /* UTIL_SHORTEST_H */
