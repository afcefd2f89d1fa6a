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
#include "fcgi/batch.h"
#include "fcgi/handlers.h"
#include "fcgi/observe.h"
#include "fcgi/models.h"
#include "fcgi/predict.h"
#include "fcgi/predictions.h"
#include "fcgi/route.h"
#include "fcgi/users.h"

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

/* ---- the model registry (issue 11; doc/API.md) ---- */

static const struct openapi_param models_query[] = {
	{ "name_contains", "query", false, "Name Contains" },
};

static const struct openapi_error reg_read_errors[] = {
	{ "404", "Unknown model or version" },
	{ "503", "Registry busy (Retry-After)" },
};

static const struct openapi_error reg_write_errors[] = {
	{ "404", "Unknown model or version" },
	{ "409", "Conflicts with the registry's state" },
	{ "503", "Registry busy (Retry-After)" },
};

static const struct openapi_error upload_errors[] = {
	{ "404", "Unknown model" },
	{ "413", "Request body too large (--max-upload)" },
	{ "415", "Unsupported media type" },
	{ "503", "Registry busy (Retry-After)" },
};

static const struct openapi_error model_predict_errors[] = {
	{ "404", "Unknown model or version" },
	{ "409", "The version does not open" },
	{ "413", "Request body too large" },
	{ "415", "Unsupported media type" },
};

static const struct openapi_op op_models_list = {
	.tag = "Models",
	.summary = "List models",
	.description = "The registered models, by name (name_contains "
		       "filters).",
	.operation_id = "list_models_models_get",
	.response_title = "Models",
	.params = models_query,
	.n_params = 1,
	.errors = reg_read_errors + 1,
	.n_errors = 1,
};

static const struct openapi_op op_models_create = {
	.tag = "Models",
	.summary = "Create a model",
	.description = "Registers a model name with no version (201, "
		       "Location; 409 when the name is taken).",
	.operation_id = "create_model_models_post",
	.response_title = "Model",
	.body = &schema_model_create,
	.errors = reg_write_errors + 1,
	.n_errors = 2,
	.validates = true,
	.created = true,
};

static const struct openapi_op op_model_get = {
	.tag = "Models",
	.summary = "Show a model",
	.description = "A model and its versions, newest first.",
	.operation_id = "get_model_models__model_name__get",
	.response_title = "Model",
	.errors = reg_read_errors,
	.n_errors = 2,
};

static const struct openapi_op op_model_delete = {
	.tag = "Models",
	.summary = "Delete a model",
	.description = "Deletes a model, its versions and its history (409 "
		       "for the default model).",
	.operation_id = "delete_model_models__model_name__delete",
	.response_title = "Deleted",
	.errors = reg_write_errors,
	.n_errors = 3,
};

static const struct openapi_op op_version_upload = {
	.tag = "Models",
	.summary = "Upload a version",
	.description = "The artifact as application/octet-stream, or a "
		       "scikit-learn export as application/json.  Validated "
		       "before it is visible (422 names the problem); never "
		       "activated.  201 with Location, or 200 with the "
		       "existing version of the same checksum.",
	.operation_id = "upload_version_models__model_name__versions_post",
	.response_title = "Version",
	.errors = upload_errors,
	.n_errors = 4,
	.validates = true,
	.upload = true,
	.created = true,
};

static const struct openapi_op op_version_get = {
	.tag = "Models",
	.summary = "Show a version",
	.description = "A version with its performance and args reports.",
	.operation_id = "get_version_models__model_name__versions__version__get",
	.response_title = "Version",
	.errors = reg_read_errors,
	.n_errors = 2,
};

static const struct openapi_op op_version_delete = {
	.tag = "Models",
	.summary = "Delete a version",
	.description = "Deletes a version (409 while it is active).",
	.operation_id =
		"delete_version_models__model_name__versions__version__delete",
	.response_title = "Deleted",
	.errors = reg_write_errors,
	.n_errors = 3,
};

static const struct openapi_op op_active_put = {
	.tag = "Models",
	.summary = "Activate a version",
	.description = "Makes a version the one that serves, in every "
		       "worker before this answers; idempotent.  Rollback is "
		       "a PUT of the previous version.  409 when the version "
		       "does not open (the old one keeps serving).",
	.operation_id = "activate_models__model_name__active_version_put",
	.response_title = "Activation",
	.body = &schema_active_version,
	.errors = reg_write_errors,
	.n_errors = 3,
	.validates = true,
};

static const struct openapi_op op_activations = {
	.tag = "Models",
	.summary = "Activation history",
	.description = "Every activation of the model, newest first.",
	.operation_id = "activations_models__model_name__activations_get",
	.response_title = "Activations",
	.errors = reg_read_errors,
	.n_errors = 2,
};

static const struct openapi_op op_model_predict = {
	.tag = "Prediction",
	.summary = "Predict with a model",
	.description = "Predict tags with the model's active version (as "
		       "/predict; X-Model and data.model name the version).",
	.operation_id = "predict_models__model_name__predict_post",
	.response_title = "Predictions",
	.body = &schema_predict_payload,
	.errors = model_predict_errors,
	.n_errors = 4,
	.validates = true,
};

static const struct openapi_op op_version_predict = {
	.tag = "Prediction",
	.summary = "Predict with a version",
	.description = "Predict tags with this version, active or not.",
	.operation_id =
		"predict_models__model_name__versions__version__predict_post",
	.response_title = "Predictions",
	.body = &schema_predict_payload,
	.errors = model_predict_errors,
	.n_errors = 4,
	.validates = true,
};

/* ---- batch jobs (issue 13; fcgi/batch.c, doc/API.md) ---- */

static const struct openapi_param batch_submit_query[] = {
	{ "model", "query", false, "Model" },
	{ "version", "query", false, "Version" },
};

static const struct openapi_error batch_submit_errors[] = {
	{ "404", "Unknown model or version (or no active version)" },
	{ "413", "Request body too large (--max-upload)" },
	{ "415", "Unsupported media type" },
	{ "503", "Registry busy (Retry-After)" },
};

static const struct openapi_op op_batch_submit = {
	.tag = "Batch",
	.summary = "Submit a batch job",
	.description = "Queue predictions for a finite set of items, computed "
		       "by the job runner outside any request: JSON "
		       "{model, version, items: [{id, text}]}, or "
		       "application/x-ndjson (one {id, text} a line, model "
		       "and version in the query).  Texts are validated as "
		       "/predict's; ids are 1-128 printable characters, "
		       "unique within the job; every problem is listed in "
		       "one 422; at most --max-batch-items items.",
	.operation_id = "submit_batch_jobs_post",
	.response_title = "BatchJobAccepted",
	.params = batch_submit_query,
	.n_params = 2,
	.body = &schema_batch_job_request,
	.ndjson = &schema_batch_item,
	.errors = batch_submit_errors,
	.n_errors = 4,
	.validates = true,
	.accepted = true,
	.data = &schema_batch_job_data,
};

static const struct openapi_error batch_read_errors[] = {
	{ "404", "Unknown job" },
	{ "503", "Registry busy (Retry-After)" },
};

static const struct openapi_op op_batch_list = {
	.tag = "Batch",
	.summary = "Batch jobs",
	.description = "Every job, newest first.",
	.operation_id = "batch_jobs_batch_jobs_get",
	.response_title = "BatchJobs",
	.errors = batch_read_errors + 1,
	.n_errors = 1,
	.data = &schema_batch_jobs_data,
};

static const struct openapi_op op_batch_get = {
	.tag = "Batch",
	.summary = "A batch job",
	.description = "A job's status and progress.",
	.operation_id = "batch_job_batch_jobs__job_id__get",
	.response_title = "BatchJob",
	.errors = batch_read_errors,
	.n_errors = 2,
	.data = &schema_batch_job_data,
};

static const struct openapi_error batch_cancel_errors[] = {
	{ "404", "Unknown job" },
	{ "409", "The job has already finished" },
	{ "503", "Registry busy (Retry-After)" },
};

static const struct openapi_op op_batch_cancel = {
	.tag = "Batch",
	.summary = "Cancel a batch job",
	.description = "Cancels a queued or running job: its partial "
		       "results are deleted, none becomes visible.",
	.operation_id = "cancel_batch_jobs__job_id__delete",
	.response_title = "BatchJob",
	.errors = batch_cancel_errors,
	.n_errors = 3,
	.data = &schema_batch_job_data,
};

static const struct openapi_param page_query[] = {
	{ "offset", "query", false, "Offset" },
	{ "limit", "query", false, "Limit" },
};

static const struct openapi_error batch_page_errors[] = {
	{ "404", "Unknown job" },
	{ "409", "The job has not succeeded" },
	{ "503", "Registry busy (Retry-After)" },
};

static const struct openapi_op op_batch_predictions = {
	.tag = "Batch",
	.summary = "A batch job's predictions",
	.description = "A page of a succeeded job's predictions, in input "
		       "order (offset from 0, limit 1-1000, default 100).",
	.operation_id = "predictions_batch_jobs__job_id__predictions_get",
	.response_title = "BatchPredictions",
	.params = page_query,
	.n_params = 2,
	.errors = batch_page_errors,
	.n_errors = 3,
	.validates = true,
	.data = &schema_batch_page_data,
};

static const struct openapi_error prediction_get_errors[] = {
	{ "404", "No succeeded job covered this id" },
	{ "503", "Registry busy (Retry-After)" },
};

static const struct openapi_op op_prediction_get = {
	.tag = "Prediction",
	.summary = "A stored prediction",
	.description = "The prediction the most recent succeeded job stored "
		       "for an item id, without running the model "
		       "(X-Prediction-Source: batch); stale when the model's "
		       "active version is no longer the one that computed "
		       "it.",
	.operation_id = "prediction_predictions__item_id__get",
	.response_title = "StoredPrediction",
	.errors = prediction_get_errors,
	.n_errors = 2,
	.data = &schema_prediction_data,
};

/* Users and API keys (fcgi/users.c). */
static const struct openapi_error user_errors[] = {
	{ "404", "No such user" },
};

static const struct openapi_op op_user_me = {
	.tag = "Users",
	.summary = " Me",
	.description = "The user of the API key sent.",
	.operation_id = "_me_users_me_get",
	.response_title = "Response  Me Users Me Get",
};

static const struct openapi_op op_users_list = {
	.tag = "Users",
	.summary = " Users",
	.description = "Every user, by name, with their roles (admin).",
	.operation_id = "_users_users_get",
	.response_title = "Response  Users Users Get",
};

static const struct openapi_error users_create_errors[] = {
	{ "409", "The name is taken" },
};

static const struct openapi_op op_users_create = {
	.tag = "Users",
	.summary = " Create User",
	.description = "Create a user: {\"name\": ..., \"roles\": [read, "
		       "predict, deploy, admin]} (admin; 422 for an unknown "
		       "role).",
	.operation_id = "_create_user_users_post",
	.response_title = "Response  Create User Users Post",
	.errors = users_create_errors,
	.n_errors = 1,
	.validates = true,
	.created = true,
};

static const struct openapi_op op_user_get = {
	.tag = "Users",
	.summary = " User",
	.description = "A user and their roles (admin).",
	.operation_id = "_user_users__user_name__get",
	.response_title = "Response  User Users  User Name  Get",
	.errors = user_errors,
	.n_errors = 1,
};

static const struct openapi_op op_user_delete = {
	.tag = "Users",
	.summary = " Delete User",
	.description = "Delete a user; their API keys die with them (admin).",
	.operation_id = "_delete_user_users__user_name__delete",
	.response_title = "Response  Delete User Users  User Name  Delete",
	.errors = user_errors,
	.n_errors = 1,
};

static const struct openapi_op op_keys_create = {
	.tag = "Users",
	.summary = " Create Api Key",
	.description = "Issue an API key ({\"expires_in_days\": N}, "
		       "optional): data.api_key.key is shown this once (admin, "
		       "or the user for their own).",
	.operation_id = "_create_api_key_users__user_name__api_keys_post",
	.response_title = "Response  Create Api Key",
	.errors = user_errors,
	.n_errors = 1,
	.validates = true,
	.created = true,
};

static const struct openapi_op op_keys_list = {
	.tag = "Users",
	.summary = " Api Keys",
	.description = "A user's API keys: ids, dates, last use, never "
		       "secrets (admin, or the user for their own).",
	.operation_id = "_api_keys_users__user_name__api_keys_get",
	.response_title = "Response  Api Keys",
	.errors = user_errors,
	.n_errors = 1,
};

static const struct openapi_op op_key_delete = {
	.tag = "Users",
	.summary = " Revoke Api Key",
	.description = "Revoke an API key: refused by every process from the "
		       "next request (admin, or the user for their own).",
	.operation_id = "_revoke_api_key_users__user_name__api_keys__key_id__delete",
	.response_title = "Response  Revoke Api Key",
	.errors = user_errors,
	.n_errors = 1,
};

const struct route route_table[] = {
	{ "/", METHOD_GET_HEAD, handle_index, ROLE_PUBLIC,
	  &op_index, ROUTE_BODY_JSON, ROUTE_GATE_NONE },
	{ "/performance", METHOD_GET_HEAD, handle_performance, ROLE_PUBLIC,
	  &op_performance, ROUTE_BODY_JSON, ROUTE_GATE_NONE },
	{ "/args", METHOD_GET_HEAD, handle_args, ROLE_PUBLIC,
	  &op_args, ROUTE_BODY_JSON, ROUTE_GATE_NONE },
	{ "/args/{arg}", METHOD_GET_HEAD, handle_arg, ROLE_PUBLIC,
	  &op_arg, ROUTE_BODY_JSON, ROUTE_GATE_NONE },
	{ "/predict", METHOD_POST, handle_predict, ROLE_PREDICT,
	  &op_predict, ROUTE_BODY_JSON, ROUTE_GATE_PREDICT },
	{ "/models", METHOD_GET_HEAD, handle_models_list, ROLE_READ,
	  &op_models_list, ROUTE_BODY_JSON, ROUTE_GATE_NONE },
	{ "/models", METHOD_POST, handle_models_create, ROLE_DEPLOY,
	  &op_models_create, ROUTE_BODY_JSON, ROUTE_GATE_NONE },
	{ "/models/{model-name}", METHOD_GET_HEAD, handle_model_get, ROLE_READ,
	  &op_model_get, ROUTE_BODY_JSON, ROUTE_GATE_NONE },
	{ "/models/{model-name}", METHOD_DELETE, handle_model_delete,
	  ROLE_ADMIN, &op_model_delete, ROUTE_BODY_JSON, ROUTE_GATE_NONE },
	{ "/models/{model-name}/versions", METHOD_POST, handle_version_upload,
	  ROLE_DEPLOY, &op_version_upload, ROUTE_BODY_UPLOAD, ROUTE_GATE_NONE },
	{ "/models/{model-name}/versions/{version}", METHOD_GET_HEAD,
	  handle_version_get, ROLE_READ, &op_version_get, ROUTE_BODY_JSON,
	  ROUTE_GATE_NONE },
	{ "/models/{model-name}/versions/{version}", METHOD_DELETE,
	  handle_version_delete, ROLE_DEPLOY,
	  &op_version_delete, ROUTE_BODY_JSON, ROUTE_GATE_NONE },
	{ "/models/{model-name}/active-version", METHOD_PUT, handle_active_put,
	  ROLE_DEPLOY, &op_active_put, ROUTE_BODY_JSON, ROUTE_GATE_NONE },
	{ "/models/{model-name}/activations", METHOD_GET_HEAD,
	  handle_activations, ROLE_READ, &op_activations, ROUTE_BODY_JSON,
	  ROUTE_GATE_NONE },
	{ "/models/{model-name}/predict", METHOD_POST, handle_model_predict,
	  ROLE_PREDICT, &op_model_predict, ROUTE_BODY_JSON,
	  ROUTE_GATE_PREDICT },
	{ "/models/{model-name}/versions/{version}/predict", METHOD_POST,
	  handle_model_predict, ROLE_PREDICT,
	  &op_version_predict, ROUTE_BODY_JSON, ROUTE_GATE_PREDICT },
	{ "/batch-jobs", METHOD_POST, handle_batch_submit, ROLE_DEPLOY,
	  &op_batch_submit, ROUTE_BODY_UPLOAD, ROUTE_GATE_NONE },
	{ "/batch-jobs", METHOD_GET_HEAD, handle_batch_list, ROLE_READ,
	  &op_batch_list, ROUTE_BODY_JSON, ROUTE_GATE_NONE },
	{ "/batch-jobs/{job-id}", METHOD_GET_HEAD, handle_batch_get, ROLE_READ,
	  &op_batch_get, ROUTE_BODY_JSON, ROUTE_GATE_NONE },
	{ "/batch-jobs/{job-id}", METHOD_DELETE, handle_batch_cancel,
	  ROLE_DEPLOY, &op_batch_cancel, ROUTE_BODY_JSON, ROUTE_GATE_NONE },
	{ "/batch-jobs/{job-id}/predictions", METHOD_GET_HEAD,
	  handle_batch_predictions, ROLE_READ, &op_batch_predictions,
	  ROUTE_BODY_JSON, ROUTE_GATE_NONE },
	/* Item ids may hold '/': the rest of the path. */
	{ "/predictions/{item-id:path}", METHOD_GET_HEAD, handle_prediction_get,
	  ROLE_PREDICT, &op_prediction_get, ROUTE_BODY_JSON,
	  ROUTE_GATE_PREDICT },
	{ "/users/me", METHOD_GET_HEAD, handle_user_me, ROLE_USER,
	  &op_user_me, ROUTE_BODY_JSON, ROUTE_GATE_NONE },
	{ "/users", METHOD_GET_HEAD, handle_users_list, ROLE_ADMIN,
	  &op_users_list, ROUTE_BODY_JSON, ROUTE_GATE_NONE },
	{ "/users", METHOD_POST, handle_users_create, ROLE_ADMIN,
	  &op_users_create, ROUTE_BODY_JSON, ROUTE_GATE_NONE },
	{ "/users/{user-name}", METHOD_GET_HEAD, handle_user_get, ROLE_ADMIN,
	  &op_user_get, ROUTE_BODY_JSON, ROUTE_GATE_NONE },
	{ "/users/{user-name}", METHOD_DELETE, handle_user_delete, ROLE_ADMIN,
	  &op_user_delete, ROUTE_BODY_JSON, ROUTE_GATE_NONE },
	{ "/users/{user-name}/api-keys", METHOD_POST, handle_keys_create,
	  ROLE_USER, &op_keys_create, ROUTE_BODY_JSON, ROUTE_GATE_NONE },
	{ "/users/{user-name}/api-keys", METHOD_GET_HEAD, handle_keys_list,
	  ROLE_USER, &op_keys_list, ROUTE_BODY_JSON, ROUTE_GATE_NONE },
	{ "/users/{user-name}/api-keys/{key-id}", METHOD_DELETE,
	  handle_key_delete, ROLE_USER, &op_key_delete, ROUTE_BODY_JSON,
	  ROUTE_GATE_NONE },
	{ "/openapi.json", METHOD_GET_HEAD, handle_openapi, ROLE_PUBLIC,
	  NULL, ROUTE_BODY_JSON, ROUTE_GATE_NONE },
	{ "/docs", METHOD_GET_HEAD, handle_docs, ROLE_PUBLIC,
	  NULL, ROUTE_BODY_JSON, ROUTE_GATE_NONE },
	{ "/redoc", METHOD_GET_HEAD, handle_redoc, ROLE_PUBLIC,
	  NULL, ROUTE_BODY_JSON, ROUTE_GATE_NONE },
	{ "/demo", METHOD_GET_HEAD, handle_demo, ROLE_PUBLIC,
	  NULL, ROUTE_BODY_JSON, ROUTE_GATE_NONE },
	{ "/static/{file:path}", METHOD_GET_HEAD, handle_static, ROLE_PUBLIC,
	  NULL, ROUTE_BODY_JSON, ROUTE_GATE_NONE },
	/* Operations (fcgi/observe.c).  /metrics is Prometheus text, not
	 * JSON: outside the OpenAPI document, like the pages. */
	{ "/metrics", METHOD_GET_HEAD, handle_metrics, ROLE_READ, NULL,
	  ROUTE_BODY_JSON, ROUTE_GATE_METRICS },
	{ "/health/live", METHOD_GET_HEAD, handle_health_live, ROLE_PUBLIC,
	  &op_live, ROUTE_BODY_JSON, ROUTE_GATE_NONE },
	{ "/health/ready", METHOD_GET_HEAD, handle_health_ready, ROLE_PUBLIC,
	  &op_ready, ROUTE_BODY_JSON, ROUTE_GATE_NONE },
};

const size_t route_count = sizeof(route_table) / sizeof(route_table[0]);
