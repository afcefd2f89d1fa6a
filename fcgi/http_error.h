/* SPDX-License-Identifier: MIT
 * fcgi/http_error.h - the one table of error answers: every refusal the
 * service gives is a row here, with its HTTP status and the {"detail"}
 * text.  Handlers and the pipeline name the row (respond_error), never a
 * status number.  422 is not here: its detail is the validator's list.
 */
#ifndef FCGI_HTTP_ERROR_H
#define FCGI_HTTP_ERROR_H

enum http_error {
	HTTP_ERR_PATH_ESCAPE = 0,  /* 400: bad %XX in the path */
	HTTP_ERR_QUERY_ESCAPE,     /* 400: bad %XX in the query string */
	HTTP_ERR_CONTENT_LENGTH,   /* 400: CONTENT_LENGTH not a number */
	HTTP_ERR_SHORT_BODY,       /* 400: body ended before its length */
	HTTP_ERR_BODY_PARSE,       /* 400: JSON too deep, integer too long */
	HTTP_ERR_UNAUTHORIZED,     /* 401: no or unknown credentials */
	HTTP_ERR_FORBIDDEN,        /* 403: credentials without the role */
	HTTP_ERR_NOT_FOUND,        /* 404: no such route, page or file */
	HTTP_ERR_UNKNOWN_ARG,      /* 404: GET /args/{arg} of no argument */
	HTTP_ERR_NO_METRICS,       /* 404: GET /metrics under plain CGI */
	HTTP_ERR_METHOD,           /* 405: route known, method not */
	HTTP_ERR_CONFLICT,         /* 409: the resource exists already */
	HTTP_ERR_TOO_LARGE,        /* 413: body over --max-body */
	HTTP_ERR_MEDIA_TYPE,       /* 415: body not JSON */
	HTTP_ERR_INTERNAL,         /* 500: our fault (out of memory...) */
	HTTP_ERR_UNAVAILABLE,      /* 503: not ready, or stopping */
	HTTP_ERR_NO_REGISTRY,      /* 404: a registry route, no --registry */
	HTTP_ERR_UPLOAD_MEDIA,     /* 415: a version neither octet-stream
				      nor JSON */
	HTTP_ERR_REGISTRY_BUSY,    /* 503: the database stayed locked */
	HTTP_ERR_REGISTRY_IO,      /* 503: the registry's storage failed */
	HTTP_ERR_BATCH_MEDIA,      /* 415: a job neither JSON nor NDJSON */
	HTTP_ERR__MAX
};

/* The HTTP status of e (400..599). */
int http_error_status(enum http_error e);

/* The detail text of e: static, non-empty.  Some answers say more
 * (respond_error_detail): 413 names the limit, 404 of an argument the
 * known ones. */
const char *http_error_detail(enum http_error e);

#endif
