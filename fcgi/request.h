/* SPDX-License-Identifier: MIT
 * fcgi/request.h - one HTTP request as CGI variables describe it, built
 * from an abstract parameter lookup and body reader so FastCGI and plain
 * CGI share every line after the transport.
 */
#ifndef FCGI_REQUEST_H
#define FCGI_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "fcgi/route.h"
#include "fcgi/status.h"
#include "fcgi/url.h"
#include "store/store.h"

#define REQUEST_ID_MAX 64     /* bytes of an accepted X-Request-Id */
#define REQUEST_METHOD_MAX 16
#define REQUEST_BODY_CHUNK 16384  /* first buffer of a body of unknown size */

/* The transport: FastCGI (fcgiapp) or plain CGI (environ/stdin/stdout). */
struct request_io {
	/* The request's CGI variables as "NAME=value" strings, NULL-
	 * terminated (FastCGI params, or environ); borrowed. */
	char **(*vars)(void *ctx);
	/* Reads up to n body bytes: count, 0 at end, -1 on error. */
	long (*read)(void *ctx, char *buf, size_t n);
	/* Writes n bytes: 0, or -1 on error. */
	int (*write)(void *ctx, const char *buf, size_t n);
	void *ctx;
};

struct request {
	char method_name[REQUEST_METHOD_MAX];
	enum route_method method;
	struct url_target target;
	char *url;                 /* for the envelope */
	struct url_origin origin;  /* borrowed from the CGI variables */
	char *content_type;        /* NULL when absent */
	bool has_length;
	unsigned long long content_length;
	bool bad_length;
	char id[REQUEST_ID_MAX + 1];
	char *body;
	size_t body_len;
	long long start_us;   /* util_clock_us() when the request began */
	size_t n_texts;            /* for the log line */
	/* The Authorization header, borrowed from the CGI variables (never
	 * logged), or NULL. */
	const char *authorization;
	/* The caller, once a key was verified (fcgi/auth.h): user.name
	 * is "" for a route that needed none. */
	struct store_user user;
};

/* Copies what the request needs from io's parameters.  prefix is
 * --prefix or NULL.  SERVICE_ERR_ESCAPE still fills everything but the
 * target (its route is "/").  Free with request_free in every case. */
enum service_status request_init(struct request *r,
				 const struct request_io *io,
				 const char *prefix)
	__attribute__((warn_unused_result));

/* Seeds the request id generator; call once in every process that
 * answers requests (after fork).  Unseeded, the first id seeds it. */
void request_seed_ids(void);

/* Reads the body: CONTENT_LENGTH bytes, refusing more than max before
 * reading anything.  Without CONTENT_LENGTH (Apache mod_cgi with a
 * chunked request) the body is read to EOF: at most max + 1 bytes, and
 * SERVICE_ERR_TOO_LARGE when there are more than max.  On failure
 * r->body stays NULL. */
enum service_status request_read_body(struct request *r,
				      const struct request_io *io,
				      size_t max)
	__attribute__((warn_unused_result));

/* True when Content-Type is absent or JSON (application/json or
 * application/<x>+json, parameters ignored), as FastAPI decides. */
bool request_is_json(const struct request *r);

/* True when Content-Type, without its parameters, is type (matched
 * without regard to case). */
bool request_media_is(const struct request *r, const char *type);

/* True when s is a sane X-Request-Id to echo: 1..REQUEST_ID_MAX of
 * [A-Za-z0-9._:-]. */
bool request_id_ok(const char *s);

void request_free(struct request *r);

#endif
