/* SPDX-License-Identifier: MIT
 * fcgi/routes.c - the route table: every endpoint once, with its
 * pattern, method, handler, role and OpenAPI operation.  A new endpoint
 * is a row here plus its handler; routing, 405's Allow and /openapi.json
 * follow.  The order is the document's.
 *
 * The operations copy what FastAPI 0.92 writes for the reference's
 * api.py (summaries with their leading space, operation ids, response
 * titles); the error answers are the ones this service adds.
 */
#include "fcgi/handlers.h"
#include "fcgi/observe.h"
#include "fcgi/predict.h"
#include "fcgi/route.h"

static const struct openapi_op op_index = {
	.tag = "General",
	.summary = " Index",
	.description = "Health check.",
	.operation_id = "_index__get",
	.response_title = "Response  Index  Get",
};

static const struct openapi_param performance_query[] = {
	{ "filter", "query", false, "Filter" },
};

static const struct openapi_op op_performance = {
	.tag = "Performance",
	.summary = " Performance",
	.description = "Get the performance metrics (filter: a top-level "
		       "key, e.g. overall or class).",
	.operation_id = "_performance_performance_get",
	.response_title = "Response  Performance Performance Get",
	.params = performance_query,
	.n_params = 1,
	.validates = true,
};

static const struct openapi_op op_args = {
	.tag = "Arguments",
	.summary = " Args",
	.description = "Get all arguments used for the run.",
	.operation_id = "_args_args_get",
	.response_title = "Response  Args Args Get",
};

static const struct openapi_error arg_errors[] = {
	{ "404", "Unknown argument" },
};

static const struct openapi_op op_arg = {
	.tag = "Arguments",
	.summary = " Arg",
	.description = "Get a specific parameter's value used for the run "
		       "(404 if unknown).",
	.operation_id = "_arg_args__arg__get",
	.response_title = "Response  Arg Args  Arg  Get",
	.errors = arg_errors,
	.n_errors = 1,
	.validates = true,
};

static const struct openapi_error predict_errors[] = {
	{ "413", "Request body too large" },
	{ "415", "Unsupported media type" },
};

static const struct openapi_op op_predict = {
	.tag = "Prediction",
	.summary = " Predict",
	.description = "Predict tags for a list of texts.",
	.operation_id = "_predict_predict_post",
	.response_title = "Response  Predict Predict Post",
	.body = &schema_predict_payload,
	.errors = predict_errors,
	.n_errors = 2,
	.validates = true,
};

static const struct openapi_op op_live = {
	.tag = "Operations",
	.summary = " Live",
	.description = "Liveness probe: the process answers.",
	.operation_id = "_live_health_live_get",
	.response_title = "Response  Live Health Live Get",
};

static const struct openapi_error ready_errors[] = {
	{ "503", "Not ready (the reason is in data.reason)" },
};

static const struct openapi_op op_ready = {
	.tag = "Operations",
	.summary = " Ready",
	.description = "Readiness probe: the model is loaded and current.",
	.operation_id = "_ready_health_ready_get",
	.response_title = "Response  Ready Health Ready Get",
	.errors = ready_errors,
	.n_errors = 1,
};

const struct route route_table[] = {
	{ "/", METHOD_GET_HEAD, handle_index, ROLE_PUBLIC, &op_index },
	{ "/performance", METHOD_GET_HEAD, handle_performance, ROLE_PUBLIC,
	  &op_performance },
	{ "/args", METHOD_GET_HEAD, handle_args, ROLE_PUBLIC, &op_args },
	{ "/args/{arg}", METHOD_GET_HEAD, handle_arg, ROLE_PUBLIC, &op_arg },
	{ "/predict", METHOD_POST, handle_predict, ROLE_PUBLIC, &op_predict },
	{ "/openapi.json", METHOD_GET_HEAD, handle_openapi, ROLE_PUBLIC,
	  NULL },
	{ "/docs", METHOD_GET_HEAD, handle_docs, ROLE_PUBLIC, NULL },
	{ "/redoc", METHOD_GET_HEAD, handle_redoc, ROLE_PUBLIC, NULL },
	{ "/demo", METHOD_GET_HEAD, handle_demo, ROLE_PUBLIC, NULL },
	{ "/static/{file:path}", METHOD_GET_HEAD, handle_static, ROLE_PUBLIC,
	  NULL },
	/* Operations (fcgi/observe.c).  /metrics is Prometheus text, not
	 * JSON: outside the OpenAPI document, like the pages. */
	{ "/metrics", METHOD_GET_HEAD, handle_metrics, ROLE_PUBLIC, NULL },
	{ "/health/live", METHOD_GET_HEAD, handle_health_live, ROLE_PUBLIC,
	  &op_live },
	{ "/health/ready", METHOD_GET_HEAD, handle_health_ready, ROLE_PUBLIC,
	  &op_ready },
};

const size_t route_count = sizeof(route_table) / sizeof(route_table[0]);
