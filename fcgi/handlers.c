/* SPDX-License-Identifier: MIT
 * fcgi/handlers.c - the endpoints of api.py, one short function each,
 * plus the OpenAPI document, the pages and static files.  fcgi/routes.c
 * says which path and method reach each.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "fcgi/envelope.h"
#include "fcgi/handlers.h"
#include "fcgi/predict.h"
#include "util/buf.h"
#include "util/json.h"
#include "schemas/openapi.h"

#define STATIC_CACHE "public, max-age=3600"

void
handlers_envelope(struct response *res, const struct request *req,
		  const char *data_json)
{
	handlers_envelope_status(res, req, 200, data_json);
}

void
handlers_envelope_status(struct response *res, const struct request *req,
			 int status, const char *data_json)
{
	struct timeval tv;
	char ts[ENVELOPE_TIMESTAMP_MAX];
	size_t len = 0;
	char *body;

	gettimeofday(&tv, NULL);
	envelope_timestamp(&tv, ts, sizeof(ts));
	body = envelope_build(status, req->method_name, req->url, ts,
			      data_json, &len);
	respond_json(res, status, body, len);
}

void
handlers_envelope_buf(struct response *res, const struct request *req,
		      int status, struct util_buf *data)
{
	if (data->st != UTIL_OK)
		respond_error(res, HTTP_ERR_INTERNAL);
	else
		handlers_envelope_status(res, req, status, data->data);
	util_buf_free(data);
}

/* The reports are parsed at start-up, or now in a lazy (CGI) process;
 * false (after answering 500) when that fails.  The log line names the
 * request, like every line about one. */
static bool
reports(struct app *app, const struct request *req, struct response *res)
{
	char err[SERVICE_ERR_MAX];

	if (app_model_reports(app_served(app), err, sizeof(err)) == SERVICE_OK)
		return true;
	fprintf(stderr, "tagifai-fcgi: %s id=%s\n", err, req->id);
	respond_error(res, HTTP_ERR_INTERNAL);
	return false;
}

void
handle_index(struct app *app, struct request *req,
	     const struct route_params *params, struct response *res)
{
	(void)app, (void)params;
	handlers_envelope(res, req, "{}");
}

static void
wrap(struct response *res, const struct request *req,
     const char *key, size_t key_len, const char *json)
{
	struct util_buf b = UTIL_BUF_INIT(RESPOND_BODY_MAX);

	util_buf_adds(&b, "{");
	util_json_str(&b, key, key_len);
	util_buf_adds(&b, ":");
	util_buf_adds(&b, json);
	util_buf_adds(&b, "}");
	handlers_envelope_buf(res, req, 200, &b);
}

/* performance.get(filter, performance); the last filter= wins. */
void
handle_performance(struct app *app, struct request *req,
		   const struct route_params *params, struct response *res)
{
	const struct app_reports *r = &app_served(app)->reports;
	const struct app_member *m = NULL;
	char *filter = NULL;

	(void)params;
	if (!reports(app, req, res))
		return;
	if (url_query_get(req->target.query, "filter", &filter) !=
	    SERVICE_OK) {
		respond_error(res, HTTP_ERR_QUERY_ESCAPE);
		return;
	}
	if (filter != NULL)
		m = app_member_find(r->perf, r->n_perf, filter,
				    strlen(filter));
	wrap(res, req, "performance", 11, m ? m->json : r->perf_json);
	free(filter);
}

void
handle_args(struct app *app, struct request *req,
	    const struct route_params *params, struct response *res)
{
	(void)params;
	if (!reports(app, req, res))
		return;
	wrap(res, req, "args", 4, app_served(app)->reports.args_json);
}

/* Deliberate difference: an unknown argument is a 404 naming the known
 * ones, where the reference answers 200 with "". */
void
handle_arg(struct app *app, struct request *req,
	   const struct route_params *params, struct response *res)
{
	size_t param_len;
	const char *param = route_param(params, "arg", &param_len);
	const struct app_reports *r = &app_served(app)->reports;
	const struct app_member *m;
	struct util_buf b = UTIL_BUF_INIT(RESPOND_BODY_MAX);

	if (!reports(app, req, res))
		return;
	m = app_member_find(r->args, r->n_args, param, param_len);
	if (m != NULL) {
		wrap(res, req, param, param_len, m->json);
		return;
	}
	util_buf_adds(&b, "Unknown argument '");
	util_buf_add(&b, param, param_len);
	util_buf_adds(&b, "'; known arguments: ");
	util_buf_adds(&b, r->arg_names);
	if (b.st != UTIL_OK) {
		util_buf_free(&b);
		respond_error(res, HTTP_ERR_INTERNAL);
		return;
	}
	respond_error_detail(res, HTTP_ERR_UNKNOWN_ARG, b.data);
	util_buf_free(&b);
}

void
handle_openapi(struct app *app, struct request *req,
	       const struct route_params *params, struct response *res)
{
	struct openapi_path *paths = calloc(route_count, sizeof(*paths));
	char *doc = NULL;

	(void)params;
	if (paths != NULL)
		doc = openapi_render(req->target.prefix, &app->cfg.limits,
				     paths, route_openapi_paths(paths,
								 app->cfg.require_auth));
	free(paths);
	respond_json(res, 200, doc, doc ? strlen(doc) : 0);
}

static void
page(struct app *app, struct request *req, enum www_page p,
     struct response *res)
{
	size_t len = 0, page_len = 0;
	const char *text = www_page(&app->www, p, &page_len);
	char *html;

	if (text == NULL) {
		respond_error(res, HTTP_ERR_NOT_FOUND);
		return;
	}
	html = www_render(text, page_len, req->target.prefix, &len);
	respond_json(res, 200, html, len);
	if (html != NULL)
		res->content_type = "text/html; charset=utf-8";
}

void
handle_docs(struct app *app, struct request *req,
	    const struct route_params *params, struct response *res)
{
	(void)params;
	page(app, req, WWW_DOCS, res);
}

void
handle_redoc(struct app *app, struct request *req,
	     const struct route_params *params, struct response *res)
{
	(void)params;
	page(app, req, WWW_REDOC, res);
}

void
handle_demo(struct app *app, struct request *req,
	    const struct route_params *params, struct response *res)
{
	(void)params;
	page(app, req, WWW_DEMO, res);
}

void
handle_static(struct app *app, struct request *req,
	      const struct route_params *params, struct response *res)
{
	size_t len;
	/* A {name:path} parameter is the end of the path: NUL-terminated. */
	const char *file = route_param(params, "file", &len);
	const struct www_file *f = file ? www_find(&app->www, file) : NULL;

	(void)req;
	if (f == NULL) {
		respond_error(res, HTTP_ERR_NOT_FOUND);
		return;
	}
	res->status = 200;
	res->content_type = f->type;
	res->body = f->data;
	res->len = f->len;
	res->cache_control = STATIC_CACHE;
}
