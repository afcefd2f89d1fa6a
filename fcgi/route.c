/* SPDX-License-Identifier: MIT
 * fcgi/route.c - the matcher of the route table (fcgi/routes.c).
 *
 * It runs on every request: a pattern is walked side by side with the
 * path, with no copy and no allocation, and a row that does not match
 * usually fails on its first letters.
 */
#include <string.h>

#include "fcgi/route.h"

/* Allow lists methods in this order. */
static const struct {
	unsigned bit;
	const char *name;
	const char *openapi;
} methods[] = {
	{ METHOD_GET, "GET", "get" },
	{ METHOD_HEAD, "HEAD", "head" },
	{ METHOD_POST, "POST", "post" },
	{ METHOD_PUT, "PUT", "put" },
	{ METHOD_DELETE, "DELETE", "delete" },
	{ METHOD_PATCH, "PATCH", "patch" },
};
#define N_METHODS (sizeof(methods) / sizeof(methods[0]))

enum route_method
route_method(const char *name)
{
	if (name == NULL)
		return METHOD_OTHER;
	for (size_t i = 0; i < N_METHODS; i++)
		if (strcmp(name, methods[i].name) == 0)
			return (enum route_method)methods[i].bit;
	return METHOD_OTHER;
}

enum route_role
route_needs(const struct route *r, unsigned closed)
{
	if (r->gate != ROUTE_GATE_NONE && (closed & r->gate) == 0)
		return ROLE_PUBLIC;
	return r->role;
}

/* Matches path[0..len) against pat, recording its parameters. */
static bool
match(const char *pat, const char *path, size_t len, struct route_params *ps)
{
	const char *end = path + len;

	ps->n = 0;
	while (*pat != '\0') {
		const char *name, *close, *colon, *v;

		if (*pat != '{') {
			if (path == end || *path != *pat)
				return false;
			pat++;
			path++;
			continue;
		}
		/* Patterns are ours and checked (route_pattern_ok). */
		name = pat + 1;
		close = strchr(name, '}');
		colon = memchr(name, ':', (size_t)(close - name));
		v = path;
		if (colon != NULL)
			path = end;
		else
			while (path < end && *path != '/')
				path++;
		if (path == v || ps->n == ROUTE_MAX_PARAMS)
			return false;
		ps->p[ps->n].name = name;
		ps->p[ps->n].name_len =
			(size_t)((colon ? colon : close) - name);
		ps->p[ps->n].value = v;
		ps->p[ps->n].len = (size_t)(path - v);
		ps->n++;
		pat = close + 1;
	}
	return path == end;
}

bool
route_match_pattern(const char *pattern, const char *path, size_t len,
		    struct route_params *params)
{
	return match(pattern, path, len, params);
}

/* The first row matching path[0..len) and method; else the methods of
 * the rows matching the path alone. */
static enum route_match
lookup(const char *path, size_t len, unsigned method,
       const struct route **route, struct route_params *ps, unsigned *allow)
{
	unsigned known = 0;

	for (size_t i = 0; i < route_count; i++) {
		const struct route *r = &route_table[i];

		/* Most rows differ from the path right after the '/' (every
		 * path and pattern starts with one): skip them without a
		 * call. */
		if (len >= 2 && r->pattern[1] != path[1] &&
		    r->pattern[1] != '{')
			continue;
		if (!match(r->pattern, path, len, ps))
			continue;
		if (r->methods & method) {
			*route = r;
			return ROUTE_FOUND;
		}
		known |= r->methods;
	}
	*allow = known;
	return known != 0 ? ROUTE_BAD_METHOD : ROUTE_NOT_FOUND;
}

enum route_match
route_find(const char *path, enum route_method method,
	   const struct route **route, struct route_params *params,
	   unsigned *allow)
{
	size_t n = strlen(path);
	enum route_match m = lookup(path, n, (unsigned)method, route, params,
				    allow);
	const struct route *r;
	struct route_params ps;
	unsigned any;

	if (m != ROUTE_NOT_FOUND)
		return m;
	/* Starlette's redirect_slashes: "/args//" -> "/args". */
	while (n > 0 && path[n - 1] == '/')
		n--;
	if (n > 0 && n < ROUTE_REDIRECT_PATH_MAX && path[n] == '/' &&
	    lookup(path, n, ~0u, &r, &ps, &any) == ROUTE_FOUND)
		return ROUTE_REDIRECT;
	return ROUTE_NOT_FOUND;
}

void
route_allow(unsigned mask, char *out, size_t len)
{
	size_t used = 0;

	if (len == 0)
		return;
	out[0] = '\0';
	for (size_t i = 0; i < N_METHODS; i++) {
		size_t k = strlen(methods[i].name);

		if (!(mask & methods[i].bit))
			continue;
		if (used + k + 3 > len)
			break;
		if (used > 0) {
			memcpy(out + used, ", ", 2);
			used += 2;
		}
		memcpy(out + used, methods[i].name, k + 1);
		used += k;
	}
}

const char *
route_param(const struct route_params *ps, const char *name, size_t *len)
{
	size_t k = strlen(name);

	for (size_t i = 0; i < ps->n; i++)
		if (ps->p[i].name_len == k &&
		    memcmp(ps->p[i].name, name, k) == 0) {
			*len = ps->p[i].len;
			return ps->p[i].value;
		}
	*len = 0;
	return NULL;
}

bool
route_pattern_ok(const char *pat)
{
	size_t n = 0;

	if (pat == NULL || pat[0] != '/')
		return false;
	for (const char *p = pat; *p != '\0'; p++) {
		size_t name;

		if (*p == '}')
			return false;
		if (*p != '{')
			continue;
		name = strcspn(p + 1, ":{}/");
		if (name == 0 || ++n > ROUTE_MAX_PARAMS)
			return false;
		p += 1 + name;
		if (strcmp(p, ":path}") == 0)
			return true;
		/* A segment parameter ends its segment: it captures up to
		 * the next '/'. */
		if (p[0] != '}' || (p[1] != '/' && p[1] != '\0'))
			return false;
	}
	return true;
}

const char *
route_openapi_method(unsigned mask)
{
	mask &= ~(unsigned)METHOD_HEAD;  /* documented with its GET */
	for (size_t i = 0; i < N_METHODS; i++)
		if (mask == methods[i].bit)
			return methods[i].openapi;
	return NULL;
}

/* The role names /openapi.json gives (x-role). */
static const char *const role_names[ROLE__MAX] = {
	[ROLE_PUBLIC] = NULL, [ROLE_READ] = "read",
	[ROLE_PREDICT] = "predict", [ROLE_DEPLOY] = "deploy",
	[ROLE_ADMIN] = "admin", [ROLE_USER] = "any",
};

size_t
route_openapi_paths(struct openapi_path *out, unsigned closed)
{
	size_t n = 0;

	for (size_t i = 0; i < route_count; i++) {
		const struct route *r = &route_table[i];

		if (r->op == NULL)
			continue;
		out[n].path = r->pattern;
		out[n].method = route_openapi_method(r->methods);
		out[n].op = r->op;
		out[n].role = role_names[route_needs(r, closed)];
		n++;
	}
	return n;
}

enum service_status
route_resolve(struct url_target *t)
{
	const struct route *r;
	struct route_params ps;
	unsigned allow;

	if (!t->inferred ||
	    route_find(t->full_path, METHOD_GET, &r, &ps, &allow) ==
		    ROUTE_NOT_FOUND)
		return SERVICE_OK;
	return url_target_unprefix(t);
}
