/* SPDX-License-Identifier: MIT
 * core/jsonw.c - compact JSON text with Python-style float formatting.
 *
 * The shortest round-trip form is found by trying 1 .. 17 significant
 * digits and keeping the first that strtod reads back exactly; 17 always
 * does (IEEE 754 binary64).  Like Python's float repr, the digits are then
 * written positionally for decimal exponents -4..15 (with ".0" when
 * integral) and in exponent form (1e-05, 1e+16) otherwise.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/float_repr.h"
#include "core/jsonw.h"

static void
put(struct jsonw *w, const char *s, size_t n)
{
	if (w->failed)
		return;
	if (w->len + n + 1 > w->cap) {
		size_t ncap = w->cap ? w->cap : 256;
		char *nb;

		while (ncap < w->len + n + 1)
			ncap *= 2;
		nb = realloc(w->buf, ncap);
		if (nb == NULL) {
			w->failed = true;
			return;
		}
		w->buf = nb;
		w->cap = ncap;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

static void
puts_(struct jsonw *w, const char *s)
{
	put(w, s, strlen(s));
}

/* A value or key inside an object or at top level: comma handling. */
static void
sep(struct jsonw *w)
{
	if (w->depth == 0)
		return;
	if (!w->first[w->depth - 1])
		put(w, ",", 1);
	w->first[w->depth - 1] = false;
}

void
jsonw_begin_object(struct jsonw *w)
{
	if (!w->after_key)
		sep(w);
	w->after_key = false;
	put(w, "{", 1);
	if (w->depth >= JSONW_MAX_DEPTH) {
		w->failed = true;
		return;
	}
	w->first[w->depth++] = true;
}

void
jsonw_end_object(struct jsonw *w)
{
	if (w->depth > 0)
		w->depth--;
	put(w, "}", 1);
}

static void
quoted(struct jsonw *w, const char *s)
{
	put(w, "\"", 1);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[8];

		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			put(w, esc, 2);
		} else if (c < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			put(w, esc, 6);
		} else {
			put(w, s, 1);
		}
	}
	put(w, "\"", 1);
}

void
jsonw_key(struct jsonw *w, const char *key)
{
	sep(w);
	quoted(w, key);
	put(w, ":", 1);
	w->after_key = true;
}

static void
value_prefix(struct jsonw *w)
{
	if (!w->after_key)
		sep(w);
	w->after_key = false;
}

void
jsonw_string(struct jsonw *w, const char *s)
{
	value_prefix(w);
	quoted(w, s);
}

void
jsonw_format_double(double v, char out[32])
{
	if (!isfinite(v))
		strcpy(out, "null");
	else
		float_repr(v, out);
}

void
jsonw_double(struct jsonw *w, double v)
{
	char text[32];

	value_prefix(w);
	jsonw_format_double(v, text);
	puts_(w, text);
}

void
jsonw_int(struct jsonw *w, long long v)
{
	char text[32];

	value_prefix(w);
	snprintf(text, sizeof(text), "%lld", v);
	puts_(w, text);
}

void
jsonw_bool(struct jsonw *w, bool v)
{
	value_prefix(w);
	puts_(w, v ? "true" : "false");
}

void
jsonw_null(struct jsonw *w)
{
	value_prefix(w);
	puts_(w, "null");
}

void
jsonw_raw(struct jsonw *w, const char *json)
{
	value_prefix(w);
	puts_(w, json);
}

char *
jsonw_finish(struct jsonw *w)
{
	char *text = w->buf;

	if (w->failed || w->depth != 0) {
		free(text);
		text = NULL;
	}
	memset(w, 0, sizeof(*w));
	return text;
}
