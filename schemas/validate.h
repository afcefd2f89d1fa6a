/* SPDX-License-Identifier: MIT
 * schemas/validate.h - checks a parsed body against a struct schema and
 * lists every problem the way FastAPI 0.92 / pydantic 1.10 do.
 *
 * Each problem is appended to a cJSON array as
 *   {"loc":["body",...],"msg":"...","type":"...","ctx":{...}?}
 * which is the "detail" of a 422 answer.  Types are stable words tests
 * match on: value_error.missing, type_error.none.not_allowed,
 * type_error.str, type_error.list, type_error.dict,
 * value_error.any_str.min_length, value_error.any_str.max_length,
 * value_error.list.max_items, value_error (custom messages),
 * value_error.unicode (ours: invalid UTF-8 or a lone surrogate),
 * value_error.str.regex, type_error.integer, value_error.number.not_gt
 * and value_error.jsondecode.
 */
#ifndef SCHEMAS_VALIDATE_H
#define SCHEMAS_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "schemas/pyjson.h"
#include "schemas/schema.h"

enum validate_status {
	VALIDATE_OK = 0,
	VALIDATE_INVALID,     /* problems were appended to detail */
	VALIDATE_ERR_NOMEM,
	VALIDATE__MAX
};

#define VALIDATE_LOC_MAX 8   /* nesting of our schemas: body.items.N.id */

/* A place in the request: "body", then keys and indexes, outermost
 * first (the loc of a problem). */
struct validate_loc {
	struct {
		const char *key;   /* or NULL: index */
		size_t index;
	} part[VALIDATE_LOC_MAX];
	size_t n;
};

/* Receives every accepted string (after coercion), in document order.
 * s is valid only during the call.  Return false on allocation failure.
 * The optional callbacks (NULL when unused): on_field receives, instead
 * of on_string, each accepted string and integer (its digits) with its
 * place; on_problem receives each problem instead of detail (e is
 * borrowed for the call), so a long list need not stay in memory. */
struct validate_sink {
	bool (*on_string)(void *ctx, const char *s, size_t len);
	void *ctx;
	bool (*on_field)(void *ctx, const struct validate_loc *at,
			 const char *s, size_t len);
	bool (*on_problem)(void *ctx, const cJSON *e);
};

/* Validates body (NULL when the request had no body or JSON null) against
 * schema s.  Appends problems to detail (a cJSON array owned by the
 * caller).  sink may be NULL.  Returns VALIDATE_OK, VALIDATE_INVALID or
 * VALIDATE_ERR_NOMEM. */
enum validate_status validate_body(const struct schema *s,
				   const struct pyjson *body,
				   const struct schema_limits *lim,
				   const struct validate_sink *sink,
				   cJSON *detail)
	__attribute__((warn_unused_result));

/* The same for a value inside a body: val (not NULL) is checked
 * against s, and the problems' locs start with at (e.g. "body", 3 for
 * the fourth line of an NDJSON body). */
enum validate_status validate_at(const struct schema *s,
				 const struct pyjson *val,
				 const struct validate_loc *at,
				 const struct schema_limits *lim,
				 const struct validate_sink *sink,
				 cJSON *detail)
	__attribute__((warn_unused_result));

/* Appends FastAPI's answer to a json.JSONDecodeError on doc[0..len):
 * loc ["body", pos], msg "<msg>: line L column C (char P)",
 * type value_error.jsondecode, ctx {msg, doc, pos, lineno, colno}.
 * Returns VALIDATE_INVALID, or VALIDATE_ERR_NOMEM. */
enum validate_status validate_jsondecode(const struct pyjson_error *err,
					 const char *doc, size_t len,
					 cJSON *detail)
	__attribute__((warn_unused_result));

const char *validate_strerror(enum validate_status st);

#endif
