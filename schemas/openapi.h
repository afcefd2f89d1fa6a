/* SPDX-License-Identifier: MIT
 * schemas/openapi.h - the OpenAPI 3.0 description of the service, built
 * from the operation table below and the request schemas (schema.h).
 *
 * The operation table is the one list of API endpoints with their tags,
 * summaries and parameters; fcgi/route.c maps the same paths to handlers
 * and a unit test checks that every API route appears here.
 */
#ifndef SCHEMAS_OPENAPI_H
#define SCHEMAS_OPENAPI_H

#include <stdbool.h>
#include <stddef.h>

#include "schemas/schema.h"

#define OPENAPI_TITLE "TagIfAI - Made With ML"
#define OPENAPI_DESCRIPTION "Classify machine learning projects."
#define OPENAPI_VERSION "0.1"

struct openapi_param {
	const char *name;
	const char *in;       /* "query" or "path" */
	bool required;
	const char *title;
};

struct openapi_op {
	const char *path;         /* e.g. "/args/{arg}" */
	const char *method;       /* lower case: "get", "post" */
	const char *tag;
	const char *summary;
	const char *description;
	const char *operation_id;
	const char *response_title;
	const struct openapi_param *params;
	size_t n_params;
	const struct schema *body;   /* request body, or NULL */
	bool validates;              /* may answer 422 */
};

extern const struct openapi_op openapi_ops[];
extern const size_t openapi_n_ops;

/* Renders the document as compact JSON with servers [{"url": server_url}]
 * (the mount prefix; "" is written as "/").  Returns a malloc'd string
 * (caller frees) or NULL on allocation failure. */
char *openapi_render(const char *server_url, const struct schema_limits *lim);

#endif
