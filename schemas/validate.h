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
 * value_error.unicode (ours: invalid UTF-8 or a lone surrogate) and
 * value_error.jsondecode.
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

/* Receives every accepted string (after coercion), in document order.
 * s is valid only during the call.  Return false on allocation failure. */
struct validate_sink {
	bool (*on_string)(void *ctx, const char *s, size_t len);
	void *ctx;
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
