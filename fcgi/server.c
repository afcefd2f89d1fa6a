/* SPDX-License-Identifier: MIT
 * fcgi/server.c - the request pipeline shared by FastCGI and CGI.
 *
 * Rejections happen as early as possible and in one order (route ->
 * method -> size -> media type -> handler), so a request that fails two
 * checks always gets the same answer.  Statuses map to HTTP only here and
 * in the handlers; client input never causes a 500.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fcgi/handlers.h"
#include "fcgi/log.h"
#include "fcgi/server.h"

/* 307 to the same URL without the trailing slashes (Starlette's
 * redirect_slashes).  The Location is rebuilt from the decoded path,
 * re-encoded (url_location): Starlette quotes the decoded path with '?'
 * and '%' safe, which would turn "/args/%3F/" into "/args?". */
static void
redirect(struct response *res, const struct request *req)
{
	res->status = 307;
	res->content_type = RESPOND_JSON;
	res->body = "";
	res->len = 0;
	res->location = url_location(&req->origin, req->target.full_path,
				     req->target.query);
	if (res->location == NULL)
		respond_json(res, 500, NULL, 0);
}

/* Reads and checks the body of a route that takes one. */
static bool
body(struct app *app, struct request *req,
     const struct request_io *io, struct response *res)
{
	char msg[96];

	switch (request_read_body(req, io, app->cfg.max_body)) {
	case REQUEST_OK:
		break;
	case REQUEST_ERR_LENGTH:
		respond_detail(res, 400, "Invalid Content-Length");
		return false;
	case REQUEST_ERR_TOO_LARGE:
		snprintf(msg, sizeof(msg), "Request body larger than %zu "
			 "bytes", app->cfg.max_body);
		respond_detail(res, 413, msg);
		return false;
	case REQUEST_ERR_SHORT:
		respond_detail(res, 400, "Incomplete request body");
		return false;
	default:
		respond_json(res, 500, NULL, 0);
		return false;
	}
	if (!request_is_json(req)) {
		respond_detail(res, 415, "Unsupported Media Type: send "
			       "application/json");
		return false;
	}
	return true;
}

static void
dispatch(struct app *app, struct request *req,
	 const struct request_io *io, struct response *res)
{
	char allow[RESPOND_ALLOW_MAX];
	const char *param = NULL;
	size_t param_len = 0;
	enum route_id id = ROUTE_INDEX;
	char *check = NULL;

	switch (route_find(req->target.route, req->method, &id, &param,
			   &param_len, allow, sizeof(allow))) {
	case ROUTE_FOUND:
		break;
	case ROUTE_REDIRECT:
		redirect(res, req);
		return;
	case ROUTE_BAD_METHOD:
		respond_detail(res, 405, "Method Not Allowed");
		snprintf(res->allow, sizeof(res->allow), "%s", allow);
		return;
	default:
		respond_detail(res, 404, "Not Found");
		return;
	}
	/* Any bad escape in the query is refused, whatever the route. */
	if (url_query_get(req->target.query, "", &check) != URL_OK) {
		respond_detail(res, 400, "Invalid percent-encoding in the "
			       "query string");
		return;
	}
	free(check);
	if (req->method == METHOD_POST && !body(app, req, io, res))
		return;
	handlers[id](app, req, param, param_len, res);
}

int
server_handle(struct app *app, const struct request_io *io)
{
	struct request req;
	struct response res = { 0 };
	enum request_status st = request_init(&req, io, app->cfg.prefix);
	int rc;

	if (st == REQUEST_OK && route_resolve(&req.target) != URL_OK)
		st = REQUEST_ERR_NOMEM;
	if (st == REQUEST_ERR_ESCAPE)
		respond_detail(&res, 400, "Invalid percent-encoding in the "
			       "request path");
	else if (st != REQUEST_OK || req.url == NULL)
		respond_json(&res, 500, NULL, 0);
	else
		dispatch(app, &req, io, &res);
	rc = respond_write(&res, &req, app->x_model, io);
	if (app->cfg.access_log || res.status >= 500)
		log_request(&req, res.status);
	response_free(&res);
	request_free(&req);
	return rc;
}
