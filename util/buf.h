/* SPDX-License-Identifier: MIT
 * util/buf.h - a bounded growable byte buffer, and array growth.
 *
 * A buffer's maximum length is fixed when it is created; growth doubles the
 * capacity, checks every size computation for overflow and never goes past
 * the maximum.  The first failure (UTIL_ERR_NOMEM or UTIL_ERR_LIMIT) is
 * sticky: later appends do nothing, so a caller builds a whole text and
 * checks b->st once at the end (or lets util_buf_take report it).
 */
#ifndef UTIL_BUF_H
#define UTIL_BUF_H

#include <stdbool.h>
#include <stddef.h>

#include "util/status.h"

struct util_buf {
	char *data;            /* NUL-terminated once anything was added; owned */
	size_t len;
	size_t cap;            /* bytes allocated, the NUL included */
	size_t max;            /* largest len allowed, fixed at creation */
	enum util_status st;   /* first failure, UTIL_OK until then */
};

#define UTIL_BUF_INIT(max) { NULL, 0, 0, (max), UTIL_OK }

void util_buf_init(struct util_buf *b, size_t max);
/* Makes room for extra more bytes (and the NUL); false once b failed. */
bool util_buf_reserve(struct util_buf *b, size_t extra);
void util_buf_add(struct util_buf *b, const void *p, size_t n);
void util_buf_adds(struct util_buf *b, const char *s);
/* Decimal digits of v (printf's %llu without the cost of a format). */
void util_buf_add_uint(struct util_buf *b, unsigned long long v);
void util_buf_addf(struct util_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Gives up the text: returns it (NUL-terminated, caller frees; "" when
 * nothing was added) with its length in *len, and empties b (its maximum
 * stays).  NULL if b failed: the data is freed and b->st kept. */
char *util_buf_take(struct util_buf *b, size_t *len);
/* Frees the data and clears the failure; the maximum stays. */
void util_buf_free(struct util_buf *b);

/* Makes the array *p hold at least need elements of elem bytes, doubling
 * *cap (starting at min_cap) and reallocating; UTIL_ERR_NOMEM when the
 * byte size would overflow or realloc fails (*p and *cap unchanged). */
enum util_status util_array_reserve(void **p, size_t *cap, size_t need,
				    size_t elem, size_t min_cap);

#endif
