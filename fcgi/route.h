/* SPDX-License-Identifier: MIT
 * fcgi/route.h - the route table: which path and method go to which
 * handler.  Matching is pure (no I/O) so unit tests can drive it.
 */
#ifndef FCGI_ROUTE_H
#define FCGI_ROUTE_H

#include <stdbool.h>
#include <stddef.h>

#include "fcgi/url.h"

enum route_id {
	ROUTE_INDEX,        /* GET /             */
	ROUTE_PERFORMANCE,  /* GET /performance  */
	ROUTE_ARGS,         /* GET /args         */
	ROUTE_ARG,          /* GET /args/{arg}   */
	ROUTE_PREDICT,      /* POST /predict     */
	ROUTE_OPENAPI,      /* GET /openapi.json */
	ROUTE_DOCS,         /* GET /docs         */
	ROUTE_REDOC,        /* GET /redoc        */
	ROUTE_DEMO,         /* GET /demo         */
	ROUTE_STATIC,       /* GET /static/{file} */
	ROUTE__MAX
};

enum route_method {
	METHOD_GET = 1 << 0,
	METHOD_HEAD = 1 << 1,
	METHOD_POST = 1 << 2,
	METHOD_OTHER = 1 << 3
};

enum route_match {
	ROUTE_FOUND = 0,
	ROUTE_NOT_FOUND,
	ROUTE_BAD_METHOD,   /* path known, method not: see allow */
	ROUTE_REDIRECT      /* path known without its trailing slash */
};

struct route {
	enum route_id id;
	const char *pattern;      /* "/args/" with param: prefix match */
	enum { PARAM_NONE, PARAM_SEGMENT, PARAM_REST } param;
	unsigned methods;         /* METHOD_* mask; GET implies HEAD */
	bool in_openapi;          /* described in schemas/openapi.c */
	const char *openapi_path; /* its path there */
};

extern const struct route route_table[ROUTE__MAX];

/* "GET" -> METHOD_GET ...; anything else METHOD_OTHER. */
enum route_method route_method(const char *name);

/* Finds path (decoded, starting with '/') for method.  On ROUTE_FOUND
 * *id is set and *param, *param_len point into path (the {arg} or file;
 * empty for routes without one).  On ROUTE_BAD_METHOD allow receives the
 * "Allow" header value (at least 32 bytes).  ROUTE_REDIRECT: path minus
 * its trailing '/' exists (Starlette answers 307). */
enum route_match route_find(const char *path, enum route_method method,
			    enum route_id *id, const char **param,
			    size_t *param_len, char *allow, size_t allow_len);

/* When t's prefix was inferred from SCRIPT_NAME and the whole path is
 * itself a route (found, wrong method or trailing slash), route on the
 * whole path: lighttpd mounted at "/" splits "/args/threshold" into
 * SCRIPT_NAME "/args" and PATH_INFO "/threshold".  URL_ERR_NOMEM only. */
enum url_status route_resolve(struct url_target *t)
	__attribute__((warn_unused_result));

#endif
