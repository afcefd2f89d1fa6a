/* SPDX-License-Identifier: MIT
 * schemas/buf.h - a growable byte buffer, and JSON string escaping.
 *
 * Used to build response bodies.  A failed append marks the buffer as
 * failed and later appends do nothing, so callers check once at the end.
 */
#ifndef SCHEMAS_BUF_H
#define SCHEMAS_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct buf {
	char *data;    /* NUL-terminated when len > 0; owned */
	size_t len;
	size_t cap;
	bool failed;   /* an allocation failed */
};

#define BUF_INIT { NULL, 0, 0, false }

void buf_add(struct buf *b, const void *p, size_t n);
void buf_adds(struct buf *b, const char *s);
/* Decimal digits of v (printf's %llu without the cost of a format). */
void buf_add_uint(struct buf *b, unsigned long long v);
void buf_addf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Appends s[0..n) as a quoted JSON string the way Python's json.dumps
 * (ensure_ascii=False) writes it: \" \\ \b \f \n \r \t, other control
 * characters as \u00XX; invalid UTF-8 bytes become U+FFFD so the output
 * is always valid JSON. */
void buf_add_json_str(struct buf *b, const char *s, size_t n);
/* Gives up the data: returns it (caller frees) and resets b.  NULL if
 * any append failed (the data is freed then). */
char *buf_take(struct buf *b, size_t *len);
void buf_free(struct buf *b);

/* Copies s[0..n) replacing invalid UTF-8 by U+FFFD; malloc'd, NULL on
 * allocation failure. */
char *buf_utf8_sanitize(const char *s, size_t n, size_t *out_len);

#endif
