/* SPDX-License-Identifier: MIT
 * fcgi/handlers.c - the endpoints of api.py, one short function each,
 * plus the OpenAPI document, the pages and static files.
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
	struct timeval tv;
	char ts[ENVELOPE_TIMESTAMP_MAX];
	size_t len = 0;
	char *body;

	gettimeofday(&tv, NULL);
	envelope_timestamp(&tv, ts, sizeof(ts));
	body = envelope_build(200, req->method_name, req->url, ts, data_json,
			      &len);
	respond_json(res, 200, body, len);
}

/* The reports are parsed at start-up, or now in a lazy (CGI) process;
 * false (after answering 500) when that fails. */
static bool
reports(struct app *app, struct response *res)
{
	char err[256];

	if (app_reports(app, err, sizeof(err)) == 0)
		return true;
	fprintf(stderr, "tagifai-fcgi: %s\n", err);
	respond_detail(res, 500, "Internal Server Error");
	return false;
}

static void
index_(struct app *app, struct request *req, const char *param,
       size_t param_len, struct response *res)
{
	(void)app, (void)param, (void)param_len;
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
	if (b.st != UTIL_OK) {
		util_buf_free(&b);
		respond_json(res, 500, NULL, 0);
		return;
	}
	handlers_envelope(res, req, b.data);
	util_buf_free(&b);
}

/* performance.get(filter, performance); the last filter= wins. */
static void
performance(struct app *app, struct request *req,
	    const char *param, size_t param_len,
	    struct response *res)
{
	const struct app_member *m = NULL;
	char *filter = NULL;

	(void)param, (void)param_len;
	if (!reports(app, res))
		return;
	if (url_query_get(req->target.query, "filter", &filter) != URL_OK) {
		respond_detail(res, 400, "Invalid percent-encoding in the "
			       "query string");
		return;
	}
	if (filter != NULL)
		m = app_member_find(app->perf, app->n_perf, filter,
				    strlen(filter));
	wrap(res, req, "performance", 11, m ? m->json : app->perf_json);
	free(filter);
}

static void
args(struct app *app, struct request *req, const char *param,
     size_t param_len, struct response *res)
{
	(void)param, (void)param_len;
	if (!reports(app, res))
		return;
	wrap(res, req, "args", 4, app->args_json);
}

/* Deliberate difference: an unknown argument is a 404 naming the known
 * ones, where the reference answers 200 with "". */
static void
arg(struct app *app, struct request *req, const char *param,
    size_t param_len, struct response *res)
{
	const struct app_member *m;
	struct util_buf b = UTIL_BUF_INIT(RESPOND_BODY_MAX);

	if (!reports(app, res))
		return;
	m = app_member_find(app->args, app->n_args, param, param_len);
	if (m != NULL) {
		wrap(res, req, param, param_len, m->json);
		return;
	}
	util_buf_adds(&b, "Unknown argument '");
	util_buf_add(&b, param, param_len);
	util_buf_adds(&b, "'; known arguments: ");
	util_buf_adds(&b, app->arg_names);
	if (b.st != UTIL_OK) {
		util_buf_free(&b);
		respond_json(res, 500, NULL, 0);
		return;
	}
	respond_detail(res, 404, b.data);
	util_buf_free(&b);
}

static void
openapi(struct app *app, struct request *req, const char *param,
	size_t param_len, struct response *res)
{
	char *doc = openapi_render(req->target.prefix, &app->cfg.limits);

	(void)param, (void)param_len;
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
		respond_detail(res, 404, "Not Found");
		return;
	}
	html = www_render(text, page_len, req->target.prefix, &len);
	respond_json(res, 200, html, len);
	if (html != NULL)
		res->content_type = "text/html; charset=utf-8";
}

static void
docs(struct app *app, struct request *req, const char *param,
     size_t param_len, struct response *res)
{
	(void)param, (void)param_len;
	page(app, req, WWW_DOCS, res);
}

static void
redoc(struct app *app, struct request *req, const char *param,
      size_t param_len, struct response *res)
{
	(void)param, (void)param_len;
	page(app, req, WWW_REDOC, res);
}

static void
demo(struct app *app, struct request *req, const char *param,
     size_t param_len, struct response *res)
{
	(void)param, (void)param_len;
	page(app, req, WWW_DEMO, res);
}

static void
static_file(struct app *app, struct request *req,
	    const char *param, size_t param_len,
	    struct response *res)
{
	const struct www_file *f = www_find(&app->www, param);

	(void)req, (void)param_len;
	if (f == NULL) {
		respond_detail(res, 404, "Not Found");
		return;
	}
	res->status = 200;
	res->content_type = f->type;
	res->body = f->data;
	res->len = f->len;
	res->cache_control = STATIC_CACHE;
}

handler_fn *const handlers[ROUTE__MAX] = {
	index_,        /* ROUTE_INDEX */
	performance,   /* ROUTE_PERFORMANCE */
	args,          /* ROUTE_ARGS */
	arg,           /* ROUTE_ARG */
	predict_handle, /* ROUTE_PREDICT */
	openapi,       /* ROUTE_OPENAPI */
	docs,          /* ROUTE_DOCS */
	redoc,         /* ROUTE_REDOC */
	demo,          /* ROUTE_DEMO */
	static_file,   /* ROUTE_STATIC */
};
