/* SPDX-License-Identifier: MIT
 * fcgi/route.h - the route table: each endpoint described once, by its
 * path pattern, method, handler, the role a caller needs and its OpenAPI
 * operation (fcgi/routes.c holds the rows).  Routing, dispatch, the
 * Allow header of a 405 and /openapi.json are all read from it, so a new
 * endpoint is one row plus its handler.  Matching is pure (no I/O) so
 * unit tests can drive it.
 *
 * Patterns are written as OpenAPI writes paths: literal text with
 * parameters in braces.  "{name}" matches one non-empty segment (no
 * '/'); "{name:path}", only last, matches the non-empty rest of the path,
 * slashes included.  Paths are matched after percent-decoding, like
 * Starlette: "/args/a%2Fb" is not "/args/{arg}".
 */
#ifndef FCGI_ROUTE_H
#define FCGI_ROUTE_H

#include <stdbool.h>
#include <stddef.h>

#include "fcgi/url.h"
#include "schemas/openapi.h"

enum route_method {
	METHOD_GET = 1 << 0,
	METHOD_HEAD = 1 << 1,
	METHOD_POST = 1 << 2,
	METHOD_PUT = 1 << 3,
	METHOD_DELETE = 1 << 4,
	METHOD_PATCH = 1 << 5,
	METHOD_OTHER = 1 << 6,
	/* HEAD is accepted wherever GET is (RFC 9110 section 9.3.2). */
	METHOD_GET_HEAD = METHOD_GET | METHOD_HEAD
};

/* The role a caller needs for a route (an API key of a user with it,
 * fcgi/auth.h); ROLE_PUBLIC needs none.  A route with a gate is public
 * unless --require-auth names its gate. */
enum route_role {
	ROLE_PUBLIC = 0,
	ROLE_READ,
	ROLE_PREDICT,
	ROLE_DEPLOY,
	ROLE_ADMIN,
	ROLE_USER,      /* any valid key, whatever its roles */
	ROLE__MAX
};

/* What --require-auth closes (bits): the prediction routes (to
 * ROLE_PREDICT), /metrics (to ROLE_READ). */
enum route_gate {
	ROUTE_GATE_NONE = 0,
	ROUTE_GATE_PREDICT = 1 << 0,
	ROUTE_GATE_METRICS = 1 << 1
};

enum route_match {
	ROUTE_FOUND = 0,
	ROUTE_NOT_FOUND,
	ROUTE_BAD_METHOD,   /* path known, method not: see allow */
	ROUTE_REDIRECT      /* path known without its trailing slash */
};

#define ROUTE_MAX_PARAMS 4     /* "{...}" in one pattern */
#define ROUTE_ALLOW_MAX 64     /* "GET, HEAD, POST, PUT, DELETE, PATCH" */
/* Paths longer than this are not redirected to their slash-less form
 * (the limit of the buffer the matcher once copied them into). */
#define ROUTE_REDIRECT_PATH_MAX 256

/* One path parameter: its name in the pattern and its value, both
 * pointing into borrowed strings (the table, the request's path). */
struct route_param {
	const char *name;
	size_t name_len;
	const char *value;
	size_t len;
};

struct route_params {
	size_t n;
	struct route_param p[ROUTE_MAX_PARAMS];
};

struct app;
struct request;
struct response;

/* A handler reads the request (a body already read and bounded) and its
 * path parameters, calls schemas/ and core/, and fills res; it never
 * writes to the transport. */
typedef void route_handler(struct app *app, struct request *req,
			   const struct route_params *params,
			   struct response *res);

/* What body a route takes (with POST, PUT or PATCH). */
enum route_body {
	ROUTE_BODY_JSON = 0,   /* JSON, up to --max-body (415 otherwise) */
	ROUTE_BODY_UPLOAD      /* any type the handler checks, up to
				  --max-upload */
};

struct route {
	const char *pattern;          /* "/args/{arg}" */
	unsigned methods;             /* one method, or METHOD_GET_HEAD */
	route_handler *handler;
	enum route_role role;
	const struct openapi_op *op;  /* NULL: not in /openapi.json */
	enum route_body body;
	/* ROUTE_GATE_NONE: role always applies; else the route is public
	 * unless --require-auth closed this gate. */
	enum route_gate gate;
};

/* The rows, in the order /openapi.json lists them.  Two rows may share a
 * pattern with different methods; the first row that matches wins. */
extern const struct route route_table[];
extern const size_t route_count;

/* The role r needs, given closed (the route_gate bits of
 * --require-auth): ROLE_PUBLIC when none. */
enum route_role route_needs(const struct route *r, unsigned closed);

/* "GET" -> METHOD_GET ...; anything else METHOD_OTHER. */
enum route_method route_method(const char *name);

/* Finds path (decoded, starting with '/') for method.  On ROUTE_FOUND
 * *route and *params are set (the values point into path).  On
 * ROUTE_BAD_METHOD *allow receives the methods the path takes (for
 * route_allow).  ROUTE_REDIRECT: path minus its trailing '/'s exists
 * (Starlette answers 307). */
enum route_match route_find(const char *path, enum route_method method,
			    const struct route **route,
			    struct route_params *params, unsigned *allow);

/* True when path[0..len) matches pattern (a row's, or any that
 * route_pattern_ok accepts); params then holds its parameters. */
bool route_match_pattern(const char *pattern, const char *path, size_t len,
			 struct route_params *params);

/* Writes the Allow header value for a METHOD_* mask ("GET, HEAD") into
 * out (at least ROUTE_ALLOW_MAX bytes). */
void route_allow(unsigned methods, char *out, size_t len);

/* The value of parameter name, or NULL (*len 0). */
const char *route_param(const struct route_params *params, const char *name,
			size_t *len);

/* True when pattern is one this matcher reads: starts with '/', braces
 * closed, non-empty names, at most ROUTE_MAX_PARAMS, ":path" only last. */
bool route_pattern_ok(const char *pattern);

/* The lower-case OpenAPI method of a row's methods ("get"), or NULL. */
const char *route_openapi_method(unsigned methods);

/* Fills out (route_count entries) with the rows that have an OpenAPI
 * operation, in table order, and returns how many; closed (the gates of
 * --require-auth) decides which roles are written. */
size_t route_openapi_paths(struct openapi_path *out, unsigned closed);

/* When t's prefix was inferred from SCRIPT_NAME and the whole path is
 * itself a route (found, wrong method or trailing slash), route on the
 * whole path: lighttpd mounted at "/" splits "/args/threshold" into
 * SCRIPT_NAME "/args" and PATH_INFO "/threshold".  SERVICE_OK, or
 * SERVICE_ERR_NOMEM. */
enum service_status route_resolve(struct url_target *t)
	__attribute__((warn_unused_result));

#endif
