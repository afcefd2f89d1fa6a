/* SPDX-License-Identifier: MIT
 * core/jsonw.c - compact JSON text with Python-style float formatting.
 *
 * The text is a bounded util_buf; strings follow util/json.h's policy and
 * numbers util_float_repr (Python's repr: shortest round trip).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/jsonw.h"
#include "util/float_repr.h"
#include "util/json.h"

static void
put(struct jsonw *w, const char *s, size_t n)
{
	util_buf_add(&w->b, s, n);
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
	util_json_str(&w->b, s, strlen(s));
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
		util_float_repr(v, out);
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
	char *text = NULL;

	if (!w->failed && w->depth == 0)
		text = util_buf_take(&w->b, NULL);
	util_buf_free(&w->b);
	w->failed = false;
	w->depth = 0;
	w->after_key = false;
	return text;
}
