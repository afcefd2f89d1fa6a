/* SPDX-License-Identifier: MIT
 * util/sha256.h - SHA-256 (FIPS 180-4), for content-addressed files: the
 * model registry names each artifact by the hex digest of its bytes.
 */
#ifndef UTIL_SHA256_H
#define UTIL_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define UTIL_SHA256_LEN 32                       /* digest bytes */
#define UTIL_SHA256_HEX (2 * UTIL_SHA256_LEN + 1)  /* hex digits + NUL */

struct util_sha256 {
	uint32_t h[8];
	uint64_t len;            /* bytes hashed so far */
	unsigned char block[64];
	size_t fill;             /* bytes waiting in block */
};

void util_sha256_init(struct util_sha256 *c);
void util_sha256_update(struct util_sha256 *c, const void *data, size_t n);
/* Writes the digest as 64 lower-case hex digits and a NUL into hex. */
void util_sha256_hex(struct util_sha256 *c, char hex[UTIL_SHA256_HEX]);

/* The hex digest of data[0..n) in one call. */
void util_sha256_of(const void *data, size_t n, char hex[UTIL_SHA256_HEX]);

#endif
