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
#include "util/buf.h"
#include "util/json.h"

static const char fallback_500[] = "{\"detail\":\"Internal Server Error\"}";

const char *
respond_phrase(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 307: return "Temporary Redirect";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
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

static void
respond_detail(struct response *res, int status, const char *msg)
{
	struct util_buf b = UTIL_BUF_INIT(RESPOND_BODY_MAX);
	size_t len = 0;
	char *body;

	util_buf_adds(&b, "{\"detail\":");
	util_json_str(&b, msg, strlen(msg));
	util_buf_adds(&b, "}");
	body = util_buf_take(&b, &len);
	respond_json(res, status, body, len);
}

void
respond_error(struct response *res, enum http_error e)
{
	respond_detail(res, http_error_status(e), http_error_detail(e));
}

void
respond_error_detail(struct response *res, enum http_error e,
		     const char *detail)
{
	respond_detail(res, http_error_status(e), detail);
}

/* "Name: value\r\n", or nothing when value is NULL. */
static void
header(struct util_buf *h, const char *name, const char *value)
{
	if (value == NULL)
		return;
	util_buf_adds(h, name);
	util_buf_adds(h, ": ");
	util_buf_adds(h, value);
	util_buf_adds(h, "\r\n");
}

enum service_status
respond_write(const struct response *res, const struct request *req,
	      const char *x_model, const struct request_io *io)
{
	struct util_buf h = UTIL_BUF_INIT(RESPOND_BODY_MAX);
	enum service_status rc = SERVICE_ERR_NOMEM;

	/* Plain appends: printf formats cost more than the rest of the
	 * header block together. */
	util_buf_adds(&h, "Status: ");
	util_buf_add_uint(&h, (unsigned)res->status);
	util_buf_adds(&h, " ");
	util_buf_adds(&h, respond_phrase(res->status));
	util_buf_adds(&h, "\r\nContent-Type: ");
	util_buf_adds(&h, res->content_type ? res->content_type : RESPOND_JSON);
	util_buf_adds(&h, "\r\nContent-Length: ");
	util_buf_add_uint(&h, res->len);
	util_buf_adds(&h, "\r\n");
	header(&h, "Allow", res->allow[0] != '\0' ? res->allow : NULL);
	header(&h, "Location", res->location);
	header(&h, "WWW-Authenticate", res->www_authenticate);
	header(&h, "Cache-Control", res->cache_control);
	header(&h, "Retry-After", res->retry_after);
	header(&h, "X-Model", x_model);
	header(&h, "X-Prediction-Source", res->prediction_source);
	header(&h, "X-Request-Id", req->id);
	util_buf_adds(&h, "\r\n");
	if (h.st != UTIL_OK)
		goto out;
	rc = SERVICE_ERR_IO;
	if (io->write(io->ctx, h.data, h.len) != 0)
		goto out;
	if (req->method != METHOD_HEAD && res->len > 0 &&
	    io->write(io->ctx, res->body, res->len) != 0)
		goto out;
	rc = SERVICE_OK;
out:
	util_buf_free(&h);
	return rc;
}

void
response_free(struct response *res)
{
	free(res->owned);
	free(res->location);
	memset(res, 0, sizeof(*res));
}
