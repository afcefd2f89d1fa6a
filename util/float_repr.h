/* SPDX-License-Identifier: MIT
 * util/float_repr.h - a double as Python's repr() writes it.
 *
 * The reference serves numbers through Python's json module, which writes
 * floats with repr(): the fewest digits that read back as the same double,
 * positional for 1e-4 <= |d| < 1e16 ("0.0001", "100.0"), scientific
 * otherwise ("1e-05", "2.5e+20").  Both the service and the tools print
 * numbers this way, so their output matches the reference's byte for byte
 * and reads back exactly.
 */
#ifndef UTIL_FLOAT_REPR_H
#define UTIL_FLOAT_REPR_H

/* Longest output: "-" 17 digits "." "e-308" and the NUL fit easily. */
#define UTIL_FLOAT_REPR_MAX 32

/* Writes repr(d) ("1.0", "1e-05", "-0.0", "inf", "-inf", "nan") into buf
 * (at least UTIL_FLOAT_REPR_MAX bytes) and returns buf. */
char *util_float_repr(double d, char *buf);

#endif
