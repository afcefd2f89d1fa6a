/* SPDX-License-Identifier: MIT
 * util/buf.c - bounded growable buffer and overflow-checked array growth.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

/* First capacity of a buffer: most response bodies fit. */
#define UTIL_BUF_MIN_CAP 256

void
util_buf_init(struct util_buf *b, size_t max)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->max = max;
	b->st = UTIL_OK;
}

static bool
fail(struct util_buf *b, enum util_status st)
{
	b->st = st;
	return false;
}

bool
util_buf_reserve(struct util_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (b->st != UTIL_OK)
		return false;
	/* len <= max always holds, so max - len cannot wrap. */
	if (extra > b->max - b->len)
		return fail(b, UTIL_ERR_LIMIT);
	if (b->len + extra == SIZE_MAX)
		return fail(b, UTIL_ERR_NOMEM);
	need = b->len + extra + 1;
	if (need <= b->cap)
		return true;
	cap = b->cap ? b->cap : UTIL_BUF_MIN_CAP;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	if (b->max < SIZE_MAX && cap > b->max + 1)
		cap = b->max + 1;
	p = realloc(b->data, cap);
	if (p == NULL)
		return fail(b, UTIL_ERR_NOMEM);
	b->data = p;
	b->cap = cap;
	return true;
}

void
util_buf_add(struct util_buf *b, const void *p, size_t n)
{
	if (!util_buf_reserve(b, n))
		return;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
util_buf_adds(struct util_buf *b, const char *s)
{
	util_buf_add(b, s, strlen(s));
}

void
util_buf_add_uint(struct util_buf *b, unsigned long long v)
{
	char tmp[24];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	util_buf_add(b, tmp + i, sizeof(tmp) - i);
}

void
util_buf_addf(struct util_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		fail(b, UTIL_ERR_NOMEM);
		return;
	}
	if (!util_buf_reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

char *
util_buf_take(struct util_buf *b, size_t *len)
{
	char *p;

	if (b->st != UTIL_OK || !util_buf_reserve(b, 0)) {
		free(b->data);
		b->data = NULL;
		b->len = b->cap = 0;
		return NULL;
	}
	b->data[b->len] = '\0';
	p = b->data;
	if (len != NULL)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

void
util_buf_free(struct util_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->st = UTIL_OK;
}

enum util_status
util_array_reserve(void **p, size_t *cap, size_t need, size_t elem,
		   size_t min_cap)
{
	size_t ncap = *cap ? *cap : min_cap;
	void *np;

	if (need <= *cap)
		return UTIL_OK;
	if (ncap == 0 || elem == 0)
		return UTIL_ERR_NOMEM;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return UTIL_ERR_NOMEM;
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / elem)
		return UTIL_ERR_NOMEM;
	np = realloc(*p, ncap * elem);
	if (np == NULL)
		return UTIL_ERR_NOMEM;
	*p = np;
	*cap = ncap;
	return UTIL_OK;
}
