/* SPDX-License-Identifier: MIT
 * fcgi/url.h - the request target: percent-decoding, the mount prefix, the
 * route path, query parameters and the URL echoed in the envelope.
 *
 * Web servers describe the same request differently (RFC 3875 names the
 * variables but not how a mount point is split):
 *   lighttpd, Apache mod_fcgid:  SCRIPT_NAME = mount, PATH_INFO = the rest;
 *   nginx fastcgi_params:        SCRIPT_NAME = whole path, PATH_INFO = "";
 *   Apache mod_proxy_fcgi:       SCRIPT_NAME = whole path, PATH_INFO unset.
 *   lighttpd mounted at "/":     SCRIPT_NAME = first segment ("/args"),
 *                                PATH_INFO = the rest ("/threshold").
 * We route on the percent-decoded path of REQUEST_URI minus the prefix:
 * --prefix when given, else SCRIPT_NAME when PATH_INFO is non-empty (then
 * "inferred": route_resolve() drops it when the whole path is a route,
 * which is the lighttpd-at-root case), else none.  Without REQUEST_URI,
 * SCRIPT_NAME + PATH_INFO (already decoded).
 */
#ifndef FCGI_URL_H
#define FCGI_URL_H

/* Largest path or URL we build from the request's variables. */
#define URL_TEXT_MAX ((size_t)1 << 30)

#include <stdbool.h>
#include <stddef.h>

#include "fcgi/status.h"

/* The CGI variables url_target reads (NULL when unset). */
struct url_params {
	const char *request_uri;
	const char *script_name;
	const char *path_info;
	const char *query_string;
	const char *prefix;       /* --prefix, or NULL */
};

struct url_target {
	char *full_path;   /* decoded path as requested (prefix included) */
	char *prefix;      /* mount prefix, no trailing '/', maybe "" */
	char *route;       /* full_path minus prefix, starts with '/' */
	char *query;       /* raw query string, maybe "" */
	bool inferred;     /* prefix taken from SCRIPT_NAME, not --prefix */
};

/* Decodes %XX in s[0..n); with plus, '+' becomes ' ' (query strings).
 * On SERVICE_OK *out is malloc'd and NUL-terminated (caller frees). */
enum service_status url_decode(const char *s, size_t n, bool plus,
			       char **out, size_t *out_len)
	__attribute__((warn_unused_result));

/* Fills t from p.  On failure t is left zeroed.  Free with
 * url_target_free. */
enum service_status url_target(const struct url_params *p,
			       struct url_target *t)
	__attribute__((warn_unused_result));
void url_target_free(struct url_target *t);

/* Routes on the whole path instead: prefix "" and route = full_path.
 * Returns SERVICE_OK or SERVICE_ERR_NOMEM (t unchanged then). */
enum service_status url_target_unprefix(struct url_target *t)
	__attribute__((warn_unused_result));

/* The last value of name in query (parse_qsl with keep_blank_values, like
 * Starlette).  SERVICE_OK with *value NULL when absent; *value malloc'd. */
enum service_status url_query_get(const char *query, const char *name,
				  char **value)
	__attribute__((warn_unused_result));

/* What the envelope's url needs to know about the request. */
struct url_origin {
	const char *https;            /* HTTPS */
	const char *request_scheme;   /* REQUEST_SCHEME */
	const char *forwarded_proto;  /* HTTP_X_FORWARDED_PROTO */
	const char *host;             /* HTTP_HOST */
	const char *server_name;
	const char *server_port;
};

/* scheme://host + full_path + ("?" query when non-empty), as Starlette's
 * str(request.url) prints it (decoded path, raw query).  Returns a
 * malloc'd string or NULL on allocation failure. */
char *url_build(const struct url_origin *o, const char *full_path,
		const char *query);

/* The Location of the trailing-slash redirect (307): scheme://host, then
 * full_path (decoded) without its trailing slashes, re-encoded so that
 * only RFC 3986 path characters (unreserved, sub-delims, ':', '@', '/')
 * stay literal, then "?" and the raw query when non-empty, with every
 * byte that is not an RFC 3986 query character (or '%') encoded.  Bytes
 * that are not printable ASCII are encoded in the host too.  The result
 * is printable ASCII without spaces: a decoded CR LF, '?' or UTF-8 byte
 * can never reach the header raw.  Returns a malloc'd string (caller
 * frees) or NULL on allocation failure. */
char *url_location(const struct url_origin *o, const char *full_path,
		   const char *query);
const char *url_scheme(const struct url_origin *o);

#endif
