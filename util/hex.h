/* SPDX-License-Identifier: MIT
 * util/hex.h - hexadecimal digits (percent-escapes, JSON \uXXXX).
 */
#ifndef UTIL_HEX_H
#define UTIL_HEX_H

/* The value of hex digit c (0-9, a-f, A-F), or -1. */
int util_hex_digit(char c);

#endif
