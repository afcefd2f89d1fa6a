/* SPDX-License-Identifier: MIT
 * schemas/pyjson.h - JSON read exactly as Python's json.loads reads it.
 *
 * The reference service (FastAPI on CPython 3.11) answers invalid JSON with
 * the message and position of CPython's C scanner (Modules/_json.c), and it
 * accepts NaN, Infinity and -Infinity.  This parser reproduces that grammar,
 * its error messages and positions (in code points, like Python), keeps the
 * raw text of numbers (so "1.0" stays a float and big integers stay exact)
 * and keeps duplicate object keys in order (readers take the last one, as a
 * Python dict does).  Strings are decoded to UTF-8; a string holding invalid
 * UTF-8 or a lone surrogate escape is kept but flagged, so the validator can
 * answer 422 instead of passing broken text on.
 *
 * This is the one file that reads untrusted JSON bytes.
 */
#ifndef SCHEMAS_PYJSON_H
#define SCHEMAS_PYJSON_H

#include <stdbool.h>
#include <stddef.h>

#define PYJSON_MAX_DEPTH 900        /* CPython fails near 1000 (400) */
#define PYJSON_MAX_INT_DIGITS 4300  /* CPython 3.11 int() digit limit */
#define PYJSON_TEXT_MAX ((size_t)1 << 30) /* longest JSON text we write */

enum pyjson_type {
	PYJSON_NULL,
	PYJSON_FALSE,
	PYJSON_TRUE,
	PYJSON_INT,     /* text: the token, e.g. "-12" */
	PYJSON_FLOAT,   /* text: the token or constant; num: its value */
	PYJSON_STRING,  /* text/len: decoded UTF-8 (NUL-terminated) */
	PYJSON_ARRAY,
	PYJSON_OBJECT,
	PYJSON_TYPE__MAX
};

struct pyjson {
	enum pyjson_type type;
	const char *text;        /* see enum; NULL for containers */
	size_t len;              /* bytes of text */
	bool bad_unicode;        /* STRING: invalid UTF-8 / lone surrogate */
	double num;              /* FLOAT */
	size_t count;            /* ARRAY items / OBJECT members */
	struct pyjson *first;    /* first item / member */
	struct pyjson *next;     /* next sibling */
	const char *key;         /* member key (decoded), when in an object */
	size_t key_len;
};

enum pyjson_status {
	PYJSON_OK = 0,
	PYJSON_ERR_NOMEM,
	PYJSON_ERR_SYNTAX,  /* json.JSONDecodeError: see struct pyjson_error */
	PYJSON_ERR_DEPTH,   /* nested deeper than PYJSON_MAX_DEPTH */
	PYJSON_ERR_INT,     /* integer over PYJSON_MAX_INT_DIGITS digits */
	PYJSON__MAX
};

/* What json.JSONDecodeError carries: msg, pos, lineno, colno.
 * Positions count code points from the start of the document. */
struct pyjson_error {
	const char *msg;    /* static, e.g. "Expecting value" */
	size_t pos;
	size_t lineno;
	size_t colno;
};

struct pyjson_doc;

/* Parses len bytes (need not be NUL-terminated).  A leading UTF-8 BOM is
 * skipped, as json.loads does for bytes.  On PYJSON_OK *out owns the tree
 * (free with pyjson_free) and pyjson_root() gives the value.  On
 * PYJSON_ERR_SYNTAX err is filled.  On any failure *out is left alone. */
enum pyjson_status pyjson_parse(const char *buf, size_t len,
				struct pyjson_doc **out,
				struct pyjson_error *err)
	__attribute__((warn_unused_result));
const struct pyjson *pyjson_root(const struct pyjson_doc *doc);
void pyjson_free(struct pyjson_doc *doc);
const char *pyjson_strerror(enum pyjson_status st);

/* The LAST member named key (a Python dict keeps the last duplicate), or
 * NULL if obj is not an object or has no such member. */
const struct pyjson *pyjson_get(const struct pyjson *obj, const char *key);

/* str() of a number or bool as pydantic v1 coerces it to a string:
 * ints keep their digits ("-0" becomes "0"), floats use repr, booleans
 * "True"/"False".  Writes at most cap bytes (NUL included) and returns
 * the length, or 0 if v is not a number/bool or the text does not fit. */
size_t pyjson_number_str(const struct pyjson *v, char *buf, size_t cap);

/* Appends a JSON value as Python's json.dumps(ensure_ascii=False,
 * separators=(",", ":")) would print it after json.loads (last duplicate
 * key wins, at the first key's place; floats in repr).  Returns a malloc'd
 * NUL-terminated string (caller frees) or NULL on allocation failure. */
char *pyjson_dump(const struct pyjson *v);

/* Number of code points in the first len bytes of s (each byte that is
 * not a UTF-8 continuation byte starts one). */
size_t pyjson_codepoints(const char *s, size_t len);

#endif
