/* SPDX-License-Identifier: MIT
 * core/jsonw.h - a tiny writer of JSON text for reports and arguments.
 *
 * Training stores its arguments and its performance report as JSON text in
 * the artifact.  cJSON prints doubles with %1.15g or %1.17g; we want the
 * shortest text that reads back to the same double, as Python's json
 * module writes it (0.8418108244286255, 1.0, 0.0001), so that the numbers
 * the server returns look like the reference's.  Output is compact.
 */
#ifndef CORE_JSONW_H
#define CORE_JSONW_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

#define JSONW_MAX_DEPTH 16
#define JSONW_MAX_TEXT ((size_t)64 << 20) /* a report or the arguments */

struct jsonw {
	struct util_buf b;   /* the text so far; b.st is sticky */
	bool failed;         /* nesting too deep: the text is incomplete */
	unsigned depth;
	bool after_key;       /* a key was just written */
	bool first[JSONW_MAX_DEPTH]; /* no member written yet at this depth */
};

#define JSONW_INIT { UTIL_BUF_INIT(JSONW_MAX_TEXT), false, 0, false, { false } }

/* Start from JSONW_INIT.  Writers append to w; keys are written by jsonw_key before a value inside
 * an object.  Failures are sticky and reported by jsonw_finish. */
void jsonw_begin_object(struct jsonw *w);
void jsonw_end_object(struct jsonw *w);
void jsonw_key(struct jsonw *w, const char *key);
void jsonw_string(struct jsonw *w, const char *s);
void jsonw_double(struct jsonw *w, double v);
void jsonw_int(struct jsonw *w, long long v);
void jsonw_bool(struct jsonw *w, bool v);
void jsonw_null(struct jsonw *w);
/* Appends already-valid JSON text as one value. */
void jsonw_raw(struct jsonw *w, const char *json);

/* Returns the text (caller frees) and resets w, or NULL (and frees what
 * was built) if an allocation failed, the text grew past JSONW_MAX_TEXT
 * or the objects were not all closed. */
char *jsonw_finish(struct jsonw *w);

/* Formats v as Python's repr(float) does (shortest round trip, ".0" for
 * integral values) into out (>= 32 bytes).  Infinities and NaN, which JSON
 * lacks, become null. */
void jsonw_format_double(double v, char out[32]);

#endif
