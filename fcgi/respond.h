/* SPDX-License-Identifier: MIT
 * fcgi/respond.h - the one writer of responses: status line, headers and
 * body go out through the transport's write function and nowhere else.
 */
#ifndef FCGI_RESPOND_H
#define FCGI_RESPOND_H

#include <stdbool.h>
#include <stddef.h>

#include "fcgi/http_error.h"
#include "fcgi/request.h"

#define RESPOND_JSON "application/json"
/* Largest response body or header block we build (far above any limit). */
#define RESPOND_BODY_MAX ((size_t)1 << 30)

struct response {
	int status;
	const char *content_type;   /* static string */
	char *owned;                /* malloc'd body, freed by response_free */
	const char *body;           /* owned, or borrowed (static files) */
	size_t len;
	char allow[ROUTE_ALLOW_MAX];   /* Allow header (405), or "" */
	const char *cache_control;  /* or NULL */
	char *location;             /* Location (307, 201), malloc'd, or NULL */
	const char *retry_after;    /* Retry-After (503), static, or NULL */
	const char *www_authenticate; /* WWW-Authenticate (401), static */
	/* X-Model when not the served default (the registry's routes name
	 * their own version); borrowed for the request, or NULL. */
	const char *x_model;
	/* X-Prediction-Source (GET /predictions/{item-id}: "batch"),
	 * static, or NULL. */
	const char *prediction_source;
};

/* The reason phrase of an HTTP status ("OK", "Not Found"). */
const char *respond_phrase(int status);

/* Sets res to status with a malloc'd JSON body (taken over; NULL means
 * the allocation failed, which becomes a fixed 500 answer). */
void respond_json(struct response *res, int status, char *body, size_t len);

/* Sets res to the error answer e: its status and {"detail": text}. */
void respond_error(struct response *res, enum http_error e);

/* The same with a detail of the moment (the limit a body broke, the
 * arguments there are) in place of the table's text. */
void respond_error_detail(struct response *res, enum http_error e,
			  const char *detail);

/* Writes res for req (HEAD: headers only).  x_model is the X-Model
 * header value.  SERVICE_OK, SERVICE_ERR_IO when the transport failed, or
 * SERVICE_ERR_NOMEM. */
enum service_status respond_write(const struct response *res,
				  const struct request *req,
				  const char *x_model,
				  const struct request_io *io)
	SERVICE_WARN_UNUSED;

void response_free(struct response *res);

#endif
