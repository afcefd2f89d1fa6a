/* SPDX-License-Identifier: MIT
 * schemas/buf.c - growable buffer and Python-compatible JSON string
 * escaping (Lib/json/encoder.py, ESCAPE_DCT with ensure_ascii=False).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schemas/buf.h"

static bool
grow(struct buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (b->failed)
		return false;
	if (extra > ((size_t)-1) / 2 - b->len - 1)
		goto fail;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return true;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	p = realloc(b->data, cap);
	if (p == NULL)
		goto fail;
	b->data = p;
	b->cap = cap;
	return true;
fail:
	b->failed = true;
	return false;
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	if (!grow(b, n))
		return;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_add_uint(struct buf *b, unsigned long long v)
{
	char tmp[24];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	buf_add(b, tmp + i, sizeof(tmp) - i);
}

void
buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !grow(b, (size_t)n)) {
		b->failed = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if invalid
 * (RFC 3629 table: no overlongs, no surrogates, max U+10FFFF). */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		unsigned lo = c == 0xE0 ? 0xA0 : 0x80;
		unsigned hi = c == 0xED ? 0x9F : 0xBF;
		return n >= 3 && s[1] >= lo && s[1] <= hi &&
		       (s[2] & 0xC0) == 0x80 ? 3 : 0;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		unsigned lo = c == 0xF0 ? 0x90 : 0x80;
		unsigned hi = c == 0xF4 ? 0x8F : 0xBF;
		return n >= 4 && s[1] >= lo && s[1] <= hi &&
		       (s[2] & 0xC0) == 0x80 && (s[3] & 0xC0) == 0x80 ? 4 : 0;
	}
	return 0;
}

void
buf_add_json_str(struct buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;

	buf_add(b, "\"", 1);
	while (i < n) {
		unsigned c = p[i];
		const char *esc = NULL;
		char hex[8];
		size_t k;

		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		default:
			if (c < 0x20) {
				snprintf(hex, sizeof(hex), "\\u%04x", c);
				esc = hex;
			}
		}
		if (esc != NULL) {
			buf_add(b, s + run, i - run);
			buf_adds(b, esc);
			run = ++i;
			continue;
		}
		k = utf8_seq(p + i, n - i);
		if (k == 0) {
			buf_add(b, s + run, i - run);
			buf_add(b, "\xEF\xBF\xBD", 3);
			run = ++i;
			continue;
		}
		i += k;
	}
	buf_add(b, s + run, i - run);
	buf_add(b, "\"", 1);
}

char *
buf_take(struct buf *b, size_t *len)
{
	char *p;

	if (b->failed) {
		buf_free(b);
		return NULL;
	}
	if (b->data == NULL && !grow(b, 0))
		return NULL;
	if (b->data != NULL)
		b->data[b->len] = '\0';
	p = b->data;
	if (len != NULL)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = false;
}

char *
buf_utf8_sanitize(const char *s, size_t n, size_t *out_len)
{
	struct buf b = BUF_INIT;
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;

	while (i < n) {
		size_t k = utf8_seq(p + i, n - i);

		if (k == 0) {
			buf_add(&b, s + run, i - run);
			buf_add(&b, "\xEF\xBF\xBD", 3);
			run = ++i;
		} else {
			i += k;
		}
	}
	buf_add(&b, s + run, i - run);
	return buf_take(&b, out_len);
}
