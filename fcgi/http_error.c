/* SPDX-License-Identifier: MIT
 * fcgi/http_error.c - the error table.  The details are the reference's
 * (Starlette/FastAPI) where it has the same answer, so clients see the
 * same words from both.
 */
#include "fcgi/http_error.h"

static const struct {
	int status;
	const char *detail;
} table[HTTP_ERR__MAX] = {
	[HTTP_ERR_PATH_ESCAPE] = { 400, "Invalid percent-encoding in the "
				   "request path" },
	[HTTP_ERR_QUERY_ESCAPE] = { 400, "Invalid percent-encoding in the "
				    "query string" },
	[HTTP_ERR_CONTENT_LENGTH] = { 400, "Invalid Content-Length" },
	[HTTP_ERR_SHORT_BODY] = { 400, "Incomplete request body" },
	[HTTP_ERR_BODY_PARSE] = { 400, "There was an error parsing the body" },
	[HTTP_ERR_UNAUTHORIZED] = { 401, "Not authenticated" },
	[HTTP_ERR_FORBIDDEN] = { 403, "Not enough permissions" },
	[HTTP_ERR_NOT_FOUND] = { 404, "Not Found" },
	[HTTP_ERR_UNKNOWN_ARG] = { 404, "Unknown argument" },
	[HTTP_ERR_NO_METRICS] = { 404, "No metrics under plain CGI: each "
				  "request is a process of its own; serve "
				  "over FastCGI for /metrics" },
	[HTTP_ERR_METHOD] = { 405, "Method Not Allowed" },
	[HTTP_ERR_CONFLICT] = { 409, "Conflict" },
	[HTTP_ERR_TOO_LARGE] = { 413, "Request body too large" },
	[HTTP_ERR_MEDIA_TYPE] = { 415, "Unsupported Media Type: send "
				  "application/json" },
	[HTTP_ERR_INTERNAL] = { 500, "Internal Server Error" },
	[HTTP_ERR_UNAVAILABLE] = { 503, "Service Unavailable" },
	[HTTP_ERR_NO_REGISTRY] = { 404, "Not Found: this service runs "
				   "without a model registry (--registry)" },
	[HTTP_ERR_UPLOAD_MEDIA] = { 415, "Unsupported Media Type: send "
				    "application/octet-stream (an artifact) or "
				    "application/json (a scikit-learn export)" },
	[HTTP_ERR_REGISTRY_BUSY] = { 503, "The model registry is busy; "
				     "retry shortly" },
	[HTTP_ERR_REGISTRY_IO] = { 503, "The model registry's storage "
				   "failed; nothing was changed" },
	[HTTP_ERR_BATCH_MEDIA] = { 415, "Unsupported Media Type: send "
				   "application/json or application/x-ndjson "
				   "(one item a line)" },
};

int
http_error_status(enum http_error e)
{
	return (unsigned)e < HTTP_ERR__MAX ? table[e].status : 500;
}

const char *
http_error_detail(enum http_error e)
{
	return (unsigned)e < HTTP_ERR__MAX ? table[e].detail
					   : table[HTTP_ERR_INTERNAL].detail;
}
