/* SPDX-License-Identifier: MIT
 * fcgi/request.c - builds struct request from CGI variables (RFC 3875
 * section 4.1) and reads a bounded body.  Every value kept is copied,
 * except origin (used before the answer is written): FastCGI parameters
 * die at FCGX_Finish_r.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <unistd.h>

#include "fcgi/request.h"
#include "util/clock.h"

/* The CGI variables read (RFC 3875 section 4.1, and four headers). */
enum cgi_var {
	CGI_REQUEST_METHOD,
	CGI_REQUEST_URI,
	CGI_SCRIPT_NAME,
	CGI_PATH_INFO,
	CGI_QUERY_STRING,
	CGI_CONTENT_TYPE,
	CGI_CONTENT_LENGTH,
	CGI_HTTPS,
	CGI_REQUEST_SCHEME,
	CGI_SERVER_NAME,
	CGI_SERVER_PORT,
	CGI_HTTP_HOST,
	CGI_HTTP_X_FORWARDED_PROTO,
	CGI_HTTP_X_REQUEST_ID,
	CGI_HTTP_AUTHORIZATION,
	CGI__MAX
};

static const struct {
	const char *name;
	size_t len;
} cgi_names[CGI__MAX] = {
#define CGI_NAME(s) { s, sizeof(s) - 1 }
	[CGI_REQUEST_METHOD] = CGI_NAME("REQUEST_METHOD"),
	[CGI_REQUEST_URI] = CGI_NAME("REQUEST_URI"),
	[CGI_SCRIPT_NAME] = CGI_NAME("SCRIPT_NAME"),
	[CGI_PATH_INFO] = CGI_NAME("PATH_INFO"),
	[CGI_QUERY_STRING] = CGI_NAME("QUERY_STRING"),
	[CGI_CONTENT_TYPE] = CGI_NAME("CONTENT_TYPE"),
	[CGI_CONTENT_LENGTH] = CGI_NAME("CONTENT_LENGTH"),
	[CGI_HTTPS] = CGI_NAME("HTTPS"),
	[CGI_REQUEST_SCHEME] = CGI_NAME("REQUEST_SCHEME"),
	[CGI_SERVER_NAME] = CGI_NAME("SERVER_NAME"),
	[CGI_SERVER_PORT] = CGI_NAME("SERVER_PORT"),
	[CGI_HTTP_HOST] = CGI_NAME("HTTP_HOST"),
	[CGI_HTTP_X_FORWARDED_PROTO] = CGI_NAME("HTTP_X_FORWARDED_PROTO"),
	[CGI_HTTP_X_REQUEST_ID] = CGI_NAME("HTTP_X_REQUEST_ID"),
	[CGI_HTTP_AUTHORIZATION] = CGI_NAME("HTTP_AUTHORIZATION"),
#undef CGI_NAME
};

/* One pass over "NAME=value" strings (a lookup per name, as
 * FCGX_GetParam does, was a tenth of a request's instructions).  The
 * first of duplicates wins, as with getenv and FCGX_GetParam. */
static void
scan_vars(char **vars, const char *v[CGI__MAX])
{
	uint64_t lens = 0;  /* bit n: some name is n bytes long */

	for (size_t k = 0; k < CGI__MAX; k++) {
		v[k] = NULL;
		lens |= UINT64_C(1) << cgi_names[k].len;
	}
	for (char **e = vars; e != NULL && *e != NULL; e++) {
		const char *eq = strchr(*e, '=');
		size_t n;

		if (eq == NULL)
			continue;
		n = (size_t)(eq - *e);
		if (n >= 64 || !(lens >> n & 1))
			continue;
		for (size_t k = 0; k < CGI__MAX; k++) {
			if (cgi_names[k].len == n && v[k] == NULL &&
			    memcmp(*e, cgi_names[k].name, n) == 0) {
				v[k] = eq + 1;
				break;
			}
		}
	}
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

/* Request ids: 128 bits from two SplitMix64 streams seeded from
 * getrandom() once per process (request_seed_ids, called again in each
 * forked worker), not a getrandom() system call per request.  Ids only
 * need to be unique, not secret. */
static uint64_t id_state[2];
static bool id_seeded;

void
request_seed_ids(void)
{
	if (getrandom(id_state, sizeof(id_state), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(id_state)) {
		/* No entropy yet: time and pid still tell processes apart. */
		struct timespec t;

		clock_gettime(CLOCK_REALTIME, &t);
		id_state[0] = (uint64_t)t.tv_sec * 1000000000u +
			      (uint64_t)t.tv_nsec;
		id_state[1] = (uint64_t)getpid() << 32 ^ id_state[0];
	}
	id_seeded = true;
}

static uint64_t
splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static void
new_id(char *out)
{
	static const char hex[] = "0123456789abcdef";

	if (!id_seeded)
		request_seed_ids();
	for (int k = 0; k < 2; k++) {
		uint64_t v = splitmix64(&id_state[k]);

		for (int i = 15; i >= 0; i--, v >>= 4)
			out[16 * k + i] = hex[v & 15];
	}
	out[32] = '\0';
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

enum service_status
request_init(struct request *r,
	     const struct request_io *io,
	     const char *prefix)
{
	struct url_params up;
	const char *v[CGI__MAX], *m, *cl, *ct, *rid;
	enum service_status us;
	enum service_status st = SERVICE_OK;

	memset(r, 0, sizeof(*r));
	scan_vars(io->vars(io->ctx), v);
	m = v[CGI_REQUEST_METHOD];
	r->start_us = util_clock_us();
	snprintf(r->method_name, sizeof(r->method_name), "%s",
		 m ? m : "GET");
	r->method = route_method(r->method_name);
	rid = v[CGI_HTTP_X_REQUEST_ID];
	if (request_id_ok(rid))
		snprintf(r->id, sizeof(r->id), "%s", rid);
	else
		new_id(r->id);
	up.request_uri = v[CGI_REQUEST_URI];
	up.script_name = v[CGI_SCRIPT_NAME];
	up.path_info = v[CGI_PATH_INFO];
	up.query_string = v[CGI_QUERY_STRING];
	up.prefix = prefix;
	us = url_target(&up, &r->target);
	if (us == SERVICE_ERR_NOMEM)
		return SERVICE_ERR_NOMEM;
	if (us == SERVICE_ERR_ESCAPE) {
		/* Answer 400 with the raw path in the URL. */
		struct url_params raw = up;

		raw.request_uri = NULL;
		raw.script_name = "/";
		raw.path_info = NULL;
		if (url_target(&raw, &r->target) != SERVICE_OK)
			return SERVICE_ERR_NOMEM;
		st = SERVICE_ERR_ESCAPE;
	}
	r->origin.https = v[CGI_HTTPS];
	r->origin.request_scheme = v[CGI_REQUEST_SCHEME];
	r->origin.forwarded_proto = v[CGI_HTTP_X_FORWARDED_PROTO];
	r->origin.host = v[CGI_HTTP_HOST];
	r->authorization = v[CGI_HTTP_AUTHORIZATION];
	r->origin.server_name = v[CGI_SERVER_NAME];
	r->origin.server_port = v[CGI_SERVER_PORT];
	r->url = url_build(&r->origin, r->target.full_path, r->target.query);
	ct = v[CGI_CONTENT_TYPE];
	if (ct != NULL && *ct != '\0') {
		r->content_type = strdup(ct);
		if (r->content_type == NULL)
			return SERVICE_ERR_NOMEM;
	}
	if (r->url == NULL)
		return SERVICE_ERR_NOMEM;
	cl = v[CGI_CONTENT_LENGTH];
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
static enum service_status
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
				return SERVICE_ERR_TOO_LARGE;
			}
			p = realloc(data, ncap + 1);
			if (p == NULL) {
				free(data);
				return SERVICE_ERR_NOMEM;
			}
			data = p;
			cap = ncap;
		}
		n = io->read(io->ctx, data + got, cap - got);
		if (n < 0) {
			free(data);
			return SERVICE_ERR_SHORT;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got > max) {
		free(data);
		return SERVICE_ERR_TOO_LARGE;
	}
	if (got == 0) {
		free(data);
		return SERVICE_OK;
	}
	data[got] = '\0';
	r->body = data;
	r->body_len = got;
	return SERVICE_OK;
}

enum service_status
request_read_body(struct request *r,
		  const struct request_io *io,
		  size_t max)
{
	size_t want, got = 0;

	if (r->bad_length)
		return SERVICE_ERR_LENGTH;
	if (!r->has_length)
		return read_to_eof(r, io, max);
	if (r->content_length == 0)
		return SERVICE_OK;
	if (r->content_length > max)
		return SERVICE_ERR_TOO_LARGE;
	want = (size_t)r->content_length;
	r->body = malloc(want + 1);
	if (r->body == NULL)
		return SERVICE_ERR_NOMEM;
	while (got < want) {
		long n = io->read(io->ctx, r->body + got, want - got);

		if (n <= 0)
			return SERVICE_ERR_SHORT;
		got += (size_t)n;
	}
	r->body[got] = '\0';
	r->body_len = got;
	return SERVICE_OK;
}

bool
request_media_is(const struct request *r, const char *type)
{
	const char *ct = r->content_type;
	size_t n = strlen(type);

	return ct != NULL && strncasecmp(ct, type, n) == 0 &&
	       (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
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
