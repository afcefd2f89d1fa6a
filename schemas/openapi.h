/* SPDX-License-Identifier: MIT
 * schemas/openapi.h - the OpenAPI 3.0 description of the service, built
 * from the operations the caller passes down (the route table's rows,
 * fcgi/routes.c) and the request schemas (schema.h).
 *
 * This layer knows nothing of routing: an operation is data (tags,
 * summary, query parameters, body, error answers), and the path it is
 * rendered under comes with it.  Path parameters are read from the path
 * itself ("{arg}"), so a route's pattern is written once.
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

/* An error answer with a {"detail": string} body. */
struct openapi_error {
	const char *code;         /* "404" */
	const char *description;
};

struct openapi_op {
	const char *tag;
	const char *summary;
	const char *description;
	const char *operation_id;
	const char *response_title;
	const struct openapi_param *params;  /* query parameters */
	size_t n_params;
	const struct schema *body;   /* request body, or NULL */
	const struct openapi_error *errors;  /* after 200, in this order */
	size_t n_errors;
	bool validates;              /* may answer 422 */
	bool upload;                 /* body: a file (octet-stream) or JSON */
	bool created;                /* success is 201, not 200 */
	bool accepted;               /* success is 202, not 200 */
	/* With body: the schema of one line of an application/x-ndjson
	 * body, the other content the operation takes; or NULL. */
	const struct schema *ndjson;
	/* The envelope's data of the success answer, or NULL (then only
	 * "type": "object"). */
	const struct schema *data;
};

/* One operation of the document, at its path and method. */
struct openapi_path {
	const char *path;         /* e.g. "/args/{arg}" */
	const char *method;       /* lower case: "get", "post" */
	const struct openapi_op *op;
	/* NULL: public; else the role an API key needs ("read" ...): the
	 * operation gets security [{"APIKey": []}], x-role, 401 and 403. */
	const char *role;
};

/* Longest path parameter name ("{arg}") the document describes. */
#define OPENAPI_PARAM_NAME_MAX 64

/* Renders the document for paths[0..n) (in that order; several methods
 * of one path share its entry; "{name:path}" is written "{name}") as compact JSON with servers
 * [{"url": server_url}] (the mount prefix; "" is written as "/").
 * Every "{name}" in a path is a required string path parameter titled
 * like FastAPI's ("model_name" -> "Model Name"), listed before the
 * operation's query parameters.  Returns a malloc'd string (caller
 * frees) or NULL on allocation failure. */
char *openapi_render(const char *server_url, const struct schema_limits *lim,
		     const struct openapi_path *paths, size_t n);

#endif
