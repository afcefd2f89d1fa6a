/* SPDX-License-Identifier: MIT
 * fcgi/respond.c - maps a struct response to CGI response headers
 * (RFC 3875 section 6: "Status:" then header fields, a blank line, the
 * body).  Every answer carries Content-Type, Content-Length, X-Model and
 * X-Request-Id.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fcgi/respond.h"
#include "schemas/buf.h"

static const char fallback_500[] = "{\"detail\":\"Internal Server Error\"}";

const char *
respond_phrase(int status)
{
	switch (status) {
	case 200: return "OK";
	case 307: return "Temporary Redirect";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 413: return "Request Entity Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Entity";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Unknown";
	}
}

void
respond_json(struct response *res, int status, char *body, size_t len)
{
	free(res->owned);
	res->content_type = RESPOND_JSON;
	if (body == NULL) {
		res->status = 500;
		res->owned = NULL;
		res->body = fallback_500;
		res->len = sizeof(fallback_500) - 1;
		return;
	}
	res->status = status;
	res->owned = body;
	res->body = body;
	res->len = len;
}

void
respond_detail(struct response *res, int status, const char *msg)
{
	struct buf b = BUF_INIT;
	size_t len = 0;
	char *body;

	buf_adds(&b, "{\"detail\":");
	buf_add_json_str(&b, msg, strlen(msg));
	buf_adds(&b, "}");
	body = buf_take(&b, &len);
	respond_json(res, status, body, len);
}

int
respond_write(const struct response *res, const struct request *req,
	      const char *x_model, const struct request_io *io)
{
	struct buf h = BUF_INIT;
	int rc = -1;

	buf_addf(&h, "Status: %d %s\r\n", res->status,
		 respond_phrase(res->status));
	buf_addf(&h, "Content-Type: %s\r\n",
		 res->content_type ? res->content_type : RESPOND_JSON);
	buf_addf(&h, "Content-Length: %zu\r\n", res->len);
	if (res->allow[0] != '\0')
		buf_addf(&h, "Allow: %s\r\n", res->allow);
	if (res->location != NULL)
		buf_addf(&h, "Location: %s\r\n", res->location);
	if (res->cache_control != NULL)
		buf_addf(&h, "Cache-Control: %s\r\n", res->cache_control);
	buf_addf(&h, "X-Model: %s\r\n", x_model);
	buf_addf(&h, "X-Request-Id: %s\r\n\r\n", req->id);
	if (h.failed)
		goto out;
	if (io->write(io->ctx, h.data, h.len) != 0)
		goto out;
	if (req->method != METHOD_HEAD && res->len > 0 &&
	    io->write(io->ctx, res->body, res->len) != 0)
		goto out;
	rc = 0;
out:
	buf_free(&h);
	return rc;
}

void
response_free(struct response *res)
{
	free(res->owned);
	free(res->location);
	memset(res, 0, sizeof(*res));
}
