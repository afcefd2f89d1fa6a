/* SPDX-License-Identifier: MIT
 * fcgi/route.c - the route table and its matcher.
 *
 * Paths are matched after percent-decoding, like Starlette: a {arg}
 * segment may not contain '/', so "/args/a%2Fb" is not found.  HEAD is
 * accepted wherever GET is (RFC 9110 section 9.3.2).
 */
#include <stdio.h>
#include <string.h>

#include "fcgi/route.h"

#define GET_HEAD (METHOD_GET | METHOD_HEAD)

const struct route route_table[ROUTE__MAX] = {
	/* ROUTE_INDEX */
	{ ROUTE_INDEX, "/", PARAM_NONE, GET_HEAD, true, "/" },
	/* ROUTE_PERFORMANCE */
	{ ROUTE_PERFORMANCE, "/performance", PARAM_NONE, GET_HEAD, true,
	  "/performance" },
	/* ROUTE_ARGS */
	{ ROUTE_ARGS, "/args", PARAM_NONE, GET_HEAD, true, "/args" },
	/* ROUTE_ARG */
	{ ROUTE_ARG, "/args/", PARAM_SEGMENT, GET_HEAD, true, "/args/{arg}" },
	/* ROUTE_PREDICT */
	{ ROUTE_PREDICT, "/predict", PARAM_NONE, METHOD_POST, true,
	  "/predict" },
	/* ROUTE_OPENAPI */
	{ ROUTE_OPENAPI, "/openapi.json", PARAM_NONE, GET_HEAD, false, NULL },
	/* ROUTE_DOCS */
	{ ROUTE_DOCS, "/docs", PARAM_NONE, GET_HEAD, false, NULL },
	/* ROUTE_REDOC */
	{ ROUTE_REDOC, "/redoc", PARAM_NONE, GET_HEAD, false, NULL },
	/* ROUTE_DEMO */
	{ ROUTE_DEMO, "/demo", PARAM_NONE, GET_HEAD, false, NULL },
	/* ROUTE_STATIC */
	{ ROUTE_STATIC, "/static/", PARAM_REST, GET_HEAD, false, NULL },
};

enum route_method
route_method(const char *name)
{
	if (name == NULL)
		return METHOD_OTHER;
	if (strcmp(name, "GET") == 0)
		return METHOD_GET;
	if (strcmp(name, "HEAD") == 0)
		return METHOD_HEAD;
	if (strcmp(name, "POST") == 0)
		return METHOD_POST;
	return METHOD_OTHER;
}

static bool
matches(const struct route *r, const char *path,
	const char **param, size_t *param_len)
{
	size_t n = strlen(r->pattern);

	if (r->param == PARAM_NONE) {
		*param = path + strlen(path);
		*param_len = 0;
		return strcmp(path, r->pattern) == 0;
	}
	if (strncmp(path, r->pattern, n) != 0 || path[n] == '\0')
		return false;
	if (r->param == PARAM_SEGMENT && strchr(path + n, '/') != NULL)
		return false;
	*param = path + n;
	*param_len = strlen(path + n);
	return true;
}

static void
allow_header(unsigned methods, char *allow, size_t len)
{
	/* Starlette lists the route's methods; we add HEAD with GET. */
	snprintf(allow, len, "%s%s%s",
		 methods & METHOD_GET ? "GET" : "",
		 methods & METHOD_HEAD ? ", HEAD" : "",
		 methods & METHOD_POST ? (methods & METHOD_GET ? ", POST"
							       : "POST") : "");
}

static const struct route *
lookup(const char *path, const char **param,
       size_t *param_len)
{
	for (size_t i = 0; i < ROUTE__MAX; i++)
		if (matches(&route_table[i], path, param, param_len))
			return &route_table[i];
	return NULL;
}

enum route_match
route_find(const char *path, enum route_method method,
	   enum route_id *id, const char **param,
	   size_t *param_len, char *allow, size_t allow_len)
{
	const struct route *r = lookup(path, param, param_len);
	size_t n = strlen(path);

	if (r == NULL) {
		char tmp[256];

		/* Starlette's redirect_slashes: "/args//" -> "/args". */
		while (n > 0 && path[n - 1] == '/')
			n--;
		if (n > 0 && n < sizeof(tmp) && path[n] == '/') {
			memcpy(tmp, path, n);
			tmp[n] = '\0';
			if (lookup(tmp, param, param_len) != NULL)
				return ROUTE_REDIRECT;
		}
		return ROUTE_NOT_FOUND;
	}
	if ((r->methods & (unsigned)method) == 0) {
		allow_header(r->methods, allow, allow_len);
		return ROUTE_BAD_METHOD;
	}
	*id = r->id;
	return ROUTE_FOUND;
}

enum url_status
route_resolve(struct url_target *t)
{
	enum route_id id;
	const char *param;
	size_t plen;
	char allow[32];

	if (!t->inferred ||
	    route_find(t->full_path, METHOD_GET, &id, &param, &plen, allow,
		       sizeof(allow)) == ROUTE_NOT_FOUND)
		return URL_OK;
	return url_target_unprefix(t);
}
