/* SPDX-License-Identifier: MIT
 * fcgi/request.c - builds struct request from CGI variables (RFC 3875
 * section 4.1) and reads a bounded body.  Every value kept is copied:
 * FastCGI parameters die at FCGX_Finish_r.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "fcgi/request.h"

static const char *
param(const struct request_io *io, const char *name)
{
	return io->param(io->ctx, name);
}

bool
request_id_ok(const char *s)
{
	size_t n = 0;

	if (s == NULL)
		return false;
	for (; s[n] != '\0'; n++) {
		unsigned char c = (unsigned char)s[n];

		if (n >= REQUEST_ID_MAX ||
		    !(isalnum(c) || c == '.' || c == '_' || c == '-' ||
		      c == ':'))
			return false;
	}
	return n > 0;
}

static void
new_id(char *out)
{
	static unsigned long long counter;
	unsigned char rnd[16];

	if (getrandom(rnd, sizeof(rnd), GRND_NONBLOCK) != (ssize_t)sizeof(rnd)) {
		/* No entropy yet: unique within the process is enough. */
		unsigned long long t = (unsigned long long)time(NULL);

		memcpy(rnd, &t, 8);
		counter++;
		memcpy(rnd + 8, &counter, 8);
	}
	for (size_t i = 0; i < sizeof(rnd); i++)
		sprintf(out + 2 * i, "%02x", rnd[i]);
}

/* CONTENT_LENGTH: decimal digits only (RFC 3875 section 4.1.2). */
static bool
parse_length(const char *s, unsigned long long *out)
{
	unsigned long long v = 0;

	if (*s == '\0')
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (~0ULL - 9) / 10)
			return false;
		v = v * 10 + (unsigned)(*s - '0');
	}
	*out = v;
	return true;
}

void
request_origin(const struct request_io *io, struct url_origin *o)
{
	o->https = param(io, "HTTPS");
	o->request_scheme = param(io, "REQUEST_SCHEME");
	o->forwarded_proto = param(io, "HTTP_X_FORWARDED_PROTO");
	o->host = param(io, "HTTP_HOST");
	o->server_name = param(io, "SERVER_NAME");
	o->server_port = param(io, "SERVER_PORT");
}

enum request_status
request_init(struct request *r,
	     const struct request_io *io,
	     const char *prefix)
{
	struct url_params up;
	struct url_origin uo;
	const char *m = param(io, "REQUEST_METHOD"), *cl, *ct, *rid;
	enum url_status us;
	enum request_status st = REQUEST_OK;

	memset(r, 0, sizeof(*r));
	clock_gettime(CLOCK_MONOTONIC, &r->start);
	snprintf(r->method_name, sizeof(r->method_name), "%s",
		 m ? m : "GET");
	r->method = route_method(r->method_name);
	rid = param(io, "HTTP_X_REQUEST_ID");
	if (request_id_ok(rid))
		snprintf(r->id, sizeof(r->id), "%s", rid);
	else
		new_id(r->id);
	up.request_uri = param(io, "REQUEST_URI");
	up.script_name = param(io, "SCRIPT_NAME");
	up.path_info = param(io, "PATH_INFO");
	up.query_string = param(io, "QUERY_STRING");
	up.prefix = prefix;
	us = url_target(&up, &r->target);
	if (us == URL_ERR_NOMEM)
		return REQUEST_ERR_NOMEM;
	if (us == URL_ERR_ESCAPE) {
		/* Answer 400 with the raw path in the URL. */
		struct url_params raw = up;

		raw.request_uri = NULL;
		raw.script_name = "/";
		raw.path_info = NULL;
		if (url_target(&raw, &r->target) != URL_OK)
			return REQUEST_ERR_NOMEM;
		st = REQUEST_ERR_ESCAPE;
	}
	request_origin(io, &uo);
	r->url = url_build(&uo, r->target.full_path, r->target.query);
	ct = param(io, "CONTENT_TYPE");
	if (ct != NULL && *ct != '\0') {
		r->content_type = strdup(ct);
		if (r->content_type == NULL)
			return REQUEST_ERR_NOMEM;
	}
	if (r->url == NULL)
		return REQUEST_ERR_NOMEM;
	cl = param(io, "CONTENT_LENGTH");
	if (cl != NULL && *cl != '\0') {
		r->has_length = true;
		r->bad_length = !parse_length(cl, &r->content_length);
	}
	return st;
}

/* No CONTENT_LENGTH: Apache mod_cgi passes a de-chunked body without one
 * (RFC 3875 section 4.1.2 asks for it, but HTTP/1.1 chunked requests
 * have no length to give), and a FastCGI server may do the same; the
 * body then ends at EOF (the CGI pipe closes, FastCGI sends an empty
 * FCGI_STDIN record).  At most max + 1 bytes are read so that a body
 * over the limit is a 413 without holding more than the limit. */
static enum request_status
read_to_eof(struct request *r, const struct request_io *io,
	    size_t max)
{
	size_t cap = 0, got = 0;
	char *data = NULL;

	for (;;) {
		long n;

		if (got == cap) {
			size_t ncap = cap ? cap * 2 : REQUEST_BODY_CHUNK;
			char *p;

			if (ncap > max + 1)
				ncap = max + 1;
			if (ncap <= got) {
				free(data);
				return REQUEST_ERR_TOO_LARGE;
			}
			p = realloc(data, ncap + 1);
			if (p == NULL) {
				free(data);
				return REQUEST_ERR_NOMEM;
			}
			data = p;
			cap = ncap;
		}
		n = io->read(io->ctx, data + got, cap - got);
		if (n < 0) {
			free(data);
			return REQUEST_ERR_SHORT;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got > max) {
		free(data);
		return REQUEST_ERR_TOO_LARGE;
	}
	if (got == 0) {
		free(data);
		return REQUEST_OK;
	}
	data[got] = '\0';
	r->body = data;
	r->body_len = got;
	return REQUEST_OK;
}

enum request_status
request_read_body(struct request *r,
		  const struct request_io *io,
		  size_t max)
{
	size_t want, got = 0;

	if (r->bad_length)
		return REQUEST_ERR_LENGTH;
	if (!r->has_length)
		return read_to_eof(r, io, max);
	if (r->content_length == 0)
		return REQUEST_OK;
	if (r->content_length > max)
		return REQUEST_ERR_TOO_LARGE;
	want = (size_t)r->content_length;
	r->body = malloc(want + 1);
	if (r->body == NULL)
		return REQUEST_ERR_NOMEM;
	while (got < want) {
		long n = io->read(io->ctx, r->body + got, want - got);

		if (n <= 0)
			return REQUEST_ERR_SHORT;
		got += (size_t)n;
	}
	r->body[got] = '\0';
	r->body_len = got;
	return REQUEST_OK;
}

bool
request_is_json(const struct request *r)
{
	const char *ct = r->content_type, *slash, *end;
	size_t n;

	if (ct == NULL)
		return true;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	end = strchr(ct, ';');
	n = end ? (size_t)(end - ct) : strlen(ct);
	while (n > 0 && (ct[n - 1] == ' ' || ct[n - 1] == '\t'))
		n--;
	if (n == 0)
		return true;
	slash = memchr(ct, '/', n);
	if (slash == NULL || (size_t)(slash - ct) != 11 ||
	    strncasecmp(ct, "application", 11) != 0)
		return false;
	slash++;
	n -= 12;
	if (n == 4 && strncasecmp(slash, "json", 4) == 0)
		return true;
	return n > 5 && strncasecmp(slash + n - 5, "+json", 5) == 0;
}

void
request_free(struct request *r)
{
	url_target_free(&r->target);
	free(r->url);
	free(r->content_type);
	free(r->body);
	r->url = r->content_type = r->body = NULL;
}
