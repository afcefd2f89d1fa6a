/* SPDX-License-Identifier: MIT
 * fcgi/server.c - the request pipeline shared by FastCGI and CGI.
 *
 * Rejections happen as early as possible and in one order (route ->
 * method -> role -> query -> size -> media type -> handler), so a request
 * that fails two checks always gets the same answer.  Refusals name a
 * row of the error table (fcgi/http_error.h); client input never causes
 * a 500.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fcgi/auth.h"
#include "fcgi/handlers.h"
#include "fcgi/log.h"
#include "fcgi/server.h"
#include "fcgi/stats.h"
#include "util/clock.h"

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
		respond_error(res, HTTP_ERR_INTERNAL);
}

/* The 413 detail names the limit: its words and a size_t's 20 digits. */
#define TOO_LARGE_TEXT "Request body larger than %zu bytes"
#define TOO_LARGE_MAX (sizeof(TOO_LARGE_TEXT) + 20)

/* Reads and checks the body of a route that takes one. */
static bool
body(struct app *app, const struct route *r, struct request *req,
     const struct request_io *io, struct response *res)
{
	char msg[TOO_LARGE_MAX];
	size_t max = r->body == ROUTE_BODY_UPLOAD ? app->cfg.max_upload
						   : app->cfg.max_body;

	switch (request_read_body(req, io, max)) {
	case SERVICE_OK:
		break;
	case SERVICE_ERR_LENGTH:
		respond_error(res, HTTP_ERR_CONTENT_LENGTH);
		return false;
	case SERVICE_ERR_TOO_LARGE:
		snprintf(msg, sizeof(msg), TOO_LARGE_TEXT, max);
		respond_error_detail(res, HTTP_ERR_TOO_LARGE, msg);
		return false;
	case SERVICE_ERR_SHORT:
		respond_error(res, HTTP_ERR_SHORT_BODY);
		return false;
	default:
		respond_error(res, HTTP_ERR_INTERNAL);
		return false;
	}
	/* An upload's handler checks its own media types. */
	if (r->body == ROUTE_BODY_JSON && !request_is_json(req)) {
		respond_error(res, HTTP_ERR_MEDIA_TYPE);
		return false;
	}
	return true;
}

/* Methods whose requests carry a body to read before the handler. */
#define BODY_METHODS (METHOD_POST | METHOD_PUT | METHOD_PATCH)

/* Answers req into res; *row is the route table row found (route_count
 * when none), the label of its counters. */
static void
dispatch(struct app *app, struct request *req,
	 const struct request_io *io, struct response *res, size_t *row)
{
	const struct route *r = NULL;
	struct route_params params;
	unsigned allow = 0;
	char *check = NULL;
	enum route_role role;

	switch (route_find(req->target.route, req->method, &r, &params,
			   &allow)) {
	case ROUTE_FOUND:
		*row = (size_t)(r - route_table);
		break;
	case ROUTE_REDIRECT:
		redirect(res, req);
		return;
	case ROUTE_BAD_METHOD:
		respond_error(res, HTTP_ERR_METHOD);
		route_allow(allow, res->allow, sizeof(res->allow));
		return;
	default:
		respond_error(res, HTTP_ERR_NOT_FOUND);
		return;
	}
	role = route_needs(r, app->cfg.require_auth);
	if (role != ROLE_PUBLIC && !auth_authorize(app, req, role, res))
		return;
	/* Any bad escape in the query is refused, whatever the route. */
	if (url_query_get(req->target.query, "", &check) != SERVICE_OK) {
		respond_error(res, HTTP_ERR_QUERY_ESCAPE);
		return;
	}
	free(check);
	if ((req->method & BODY_METHODS) && !body(app, r, req, io, res))
		return;
	r->handler(app, req, &params, res);
}

enum service_status
server_handle(struct app *app, const struct request_io *io)
{
	struct request req;
	struct response res = { 0 };
	size_t row = route_count;
	enum service_status st = request_init(&req, io, app->cfg.prefix);
	enum service_status rc;
	long long us;

	app_refresh(app);
	if (st == SERVICE_OK && route_resolve(&req.target) != SERVICE_OK)
		st = SERVICE_ERR_NOMEM;
	if (st == SERVICE_ERR_ESCAPE)
		respond_error(&res, HTTP_ERR_PATH_ESCAPE);
	else if (st != SERVICE_OK || req.url == NULL)
		respond_error(&res, HTTP_ERR_INTERNAL);
	else
		dispatch(app, &req, io, &res, &row);
	rc = respond_write(&res, &req, res.x_model ? res.x_model :
			   app_served_x_model(app), io);
	us = util_clock_us() - req.start_us;
	stats_request(app->cfg.stats, row, req.method, res.status, us);
	if (app->cfg.access_log || res.status >= 500)
		log_request(&req, row < route_count ? route_table[row].pattern
			    : NULL, res.status, us, app->cfg.log_json);
	response_free(&res);
	request_free(&req);
	return rc;
}
