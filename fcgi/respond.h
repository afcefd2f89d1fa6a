/* SPDX-License-Identifier: MIT
 * fcgi/respond.h - the one writer of responses: status line, headers and
 * body go out through the transport's write function and nowhere else.
 */
#ifndef FCGI_RESPOND_H
#define FCGI_RESPOND_H

#include <stdbool.h>
#include <stddef.h>

#include "fcgi/request.h"

#define RESPOND_JSON "application/json"
#define RESPOND_ALLOW_MAX 32
/* Largest response body or header block we build (far above any limit). */
#define RESPOND_BODY_MAX ((size_t)1 << 30)

struct response {
	int status;
	const char *content_type;   /* static string */
	char *owned;                /* malloc'd body, freed by response_free */
	const char *body;           /* owned, or borrowed (static files) */
	size_t len;
	char allow[RESPOND_ALLOW_MAX]; /* Allow header (405), or "" */
	const char *cache_control;  /* or NULL */
	char *location;             /* Location (307), malloc'd, or NULL */
};

/* The reason phrase of an HTTP status ("OK", "Not Found"). */
const char *respond_phrase(int status);

/* Sets res to status with a malloc'd JSON body (taken over; NULL means
 * the allocation failed, which becomes a fixed 500 answer). */
void respond_json(struct response *res, int status, char *body, size_t len);

/* Sets res to status with {"detail": msg}. */
void respond_detail(struct response *res, int status, const char *msg);

/* Writes res for req (HEAD: headers only).  x_model is the X-Model
 * header value.  Returns 0, or -1 when the transport failed. */
int respond_write(const struct response *res, const struct request *req,
		  const char *x_model, const struct request_io *io);

void response_free(struct response *res);

#endif
