/* SPDX-License-Identifier: MIT
 * fcgi/batch.c - the batch jobs' routes (/batch-jobs...): submit (202,
 * Location), list, show, cancel and page through the predictions of a
 * job.  The body is read by fcgi/batch_body.c; the work is the store's
 * (store/jobs.h) and the runner's (jobs/runner.h), never a request's.
 * Store failures are 503 + Retry-After (models_refuse), never 500.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fcgi/batch.h"
#include "fcgi/batch_body.h"
#include "fcgi/models.h"
#include "util/buf.h"
#include "util/json.h"

#define NDJSON_TYPE "application/x-ndjson"
#define QUERY_DIGITS_MAX 15     /* offsets below 10^15 */

static void
add_str(struct util_buf *b, const char *key, const char *value)
{
	util_buf_adds(b, key);
	util_json_str(b, value, strlen(value));
}

/* "" (not yet) and NULL are null. */
static void
add_str_or_null(struct util_buf *b, const char *key, const char *value)
{
	if (value == NULL || value[0] == '\0') {
		util_buf_adds(b, key);
		util_buf_adds(b, "null");
	} else {
		add_str(b, key, value);
	}
}

static void
add_int(struct util_buf *b, const char *key, long long v)
{
	util_buf_adds(b, key);
	util_buf_addf(b, "%lld", v);
}

/* {"id",...,"error"} of a job (doc/API.md). */
static void
add_job(struct util_buf *b, const struct store_job *j)
{
	add_str(b, "{\"id\":", j->id);
	add_str(b, ",\"status\":", store_job_status_name(j->status));
	add_str(b, ",\"model\":", j->model);
	add_int(b, ",\"version\":", j->version);
	add_int(b, ",\"items_total\":", j->items_total);
	add_int(b, ",\"items_done\":", j->items_done);
	add_str(b, ",\"created_at\":", j->created_at);
	add_str_or_null(b, ",\"started_at\":", j->started_at);
	add_str_or_null(b, ",\"finished_at\":", j->finished_at);
	add_str(b, ",\"submitted_by\":", j->submitted_by);
	add_str_or_null(b, ",\"error\":", j->error);
	util_buf_adds(b, "}");
}

void
batch_add_prediction(struct util_buf *b, const struct store_prediction *p)
{
	add_str(b, "{\"id\":", p->item_id);
	add_str(b, ",\"input_text\":", p->input_text);
	add_str(b, ",\"predicted_tag\":", p->predicted_tag);
	util_buf_adds(b, ",\"probabilities\":");
	util_buf_adds(b, p->probabilities);
}

/* Answers {"job": j} with status. */
static void
answer_job(struct response *res, const struct request *req, int status,
	   const struct store_job *j)
{
	struct util_buf b = UTIL_BUF_INIT(RESPOND_BODY_MAX);

	util_buf_adds(&b, "{\"job\":");
	add_job(&b, j);
	util_buf_adds(&b, "}");
	handlers_envelope_buf(res, req, status, &b);
}

/* The registry's connection; false after answering. */
static bool
store(struct app *app, struct store **s, struct response *res)
{
	struct store_error err = { "" };
	enum store_status st;

	if (!app->reg.on) {
		respond_error(res, HTTP_ERR_NO_REGISTRY);
		return false;
	}
	st = registry_store(&app->reg, s, &err);
	if (st != STORE_OK) {
		models_refuse(res, st, &err);
		return false;
	}
	return true;
}

/* The {job-id} of the path in id; false after answering 404. */
static bool
job_id(const struct route_params *params, char *id, struct response *res)
{
	size_t len;
	const char *p = route_param(params, "job-id", &len);

	if (p == NULL || len > STORE_JOB_ID_MAX) {
		respond_error_detail(res, HTTP_ERR_NOT_FOUND, "Job not found");
		return false;
	}
	memcpy(id, p, len);
	id[len] = '\0';
	return true;
}

/* Location: {prefix}/batch-jobs/{id} */
static void
location(struct response *res, const struct request *req, const char *id)
{
	struct util_buf b = UTIL_BUF_INIT(4096);

	util_buf_adds(&b, req->target.prefix ? req->target.prefix : "");
	util_buf_adds(&b, "/batch-jobs/");
	util_buf_adds(&b, id);
	free(res->location);
	res->location = util_buf_take(&b, NULL);
}

void
handle_batch_submit(struct app *app, struct request *req,
		    const struct route_params *params, struct response *res)
{
	struct store_error err = { "" };
	struct batch_body body;
	struct store_job j;
	struct store *s;
	enum batch_body_type t;
	const char *model;
	enum store_status st;

	(void)params;
	if (!store(app, &s, res))
		return;
	if (request_media_is(req, NDJSON_TYPE)) {
		t = BATCH_BODY_NDJSON;
	} else if (request_is_json(req)) {
		t = BATCH_BODY_JSON;
	} else {
		respond_error(res, HTTP_ERR_BATCH_MEDIA);
		return;
	}
	if (!batch_body_read(req, t, &app->cfg.limits, &body, res))
		goto out;
	req->n_texts = body.n;
	model = body.model ? body.model : app->cfg.default_model;
	if (strlen(model) > STORE_NAME_MAX) {
		respond_error_detail(res, HTTP_ERR_NOT_FOUND,
				     "Model not found");
		goto out;
	}
	st = store_job_create(s, model, body.version, body.inputs, body.n,
			      req->user.name, NULL, NULL, &j, &err);
	if (st == STORE_ERR_INVALID) {
		models_unprocessable(res, NULL, err.msg, "value_error");
		goto out;
	}
	if (st != STORE_OK) {
		models_refuse(res, st, &err);
		goto out;
	}
	answer_job(res, req, 202, &j);
	if (res->status == 202)
		location(res, req, j.id);
	store_job_clear(&j);
out:
	batch_body_free(&body);
}

void
handle_batch_list(struct app *app, struct request *req,
		  const struct route_params *params, struct response *res)
{
	struct util_buf b = UTIL_BUF_INIT(RESPOND_BODY_MAX);
	struct store_error err = { "" };
	struct store_job *j = NULL;
	struct store *s;
	size_t n = 0;
	enum store_status st;

	(void)params;
	if (!store(app, &s, res))
		return;
	st = store_job_list(s, &j, &n, &err);
	if (st != STORE_OK) {
		models_refuse(res, st, &err);
		return;
	}
	util_buf_adds(&b, "{\"jobs\":[");
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			util_buf_adds(&b, ",");
		add_job(&b, &j[i]);
	}
	util_buf_adds(&b, "]}");
	store_jobs_free(j, n);
	handlers_envelope_buf(res, req, 200, &b);
}

void
handle_batch_get(struct app *app, struct request *req,
		 const struct route_params *params, struct response *res)
{
	struct store_error err = { "" };
	char id[STORE_JOB_ID_MAX + 1];
	struct store_job j;
	struct store *s;
	enum store_status st;

	if (!store(app, &s, res) || !job_id(params, id, res))
		return;
	st = store_job_get(s, id, &j, &err);
	if (st != STORE_OK) {
		models_refuse(res, st, &err);
		return;
	}
	answer_job(res, req, 200, &j);
	store_job_clear(&j);
}

void
handle_batch_cancel(struct app *app, struct request *req,
		    const struct route_params *params, struct response *res)
{
	struct store_error err = { "" };
	char id[STORE_JOB_ID_MAX + 1];
	struct store_job j;
	struct store *s;
	enum store_status st;

	if (!store(app, &s, res) || !job_id(params, id, res))
		return;
	st = store_job_cancel(s, id, &j, &err);
	if (st != STORE_OK) {
		models_refuse(res, st, &err);
		return;
	}
	answer_job(res, req, 200, &j);
	store_job_clear(&j);
}

/* ---- a page of predictions ---- */

struct page {
	long long offset, limit;
	struct util_buf detail;    /* the 422's problems */
	size_t problems;
};

static void
query_problem(struct page *pg, const char *name, const char *msg,
	      const char *type, long long limit)
{
	struct util_buf *d = &pg->detail;

	util_buf_adds(d, pg->problems++ > 0 ? "," : "{\"detail\":[");
	util_buf_adds(d, "{\"loc\":[\"query\",");
	util_json_str(d, name, strlen(name));
	util_buf_adds(d, "],\"msg\":");
	util_json_str(d, msg, strlen(msg));
	util_buf_adds(d, ",\"type\":");
	util_json_str(d, type, strlen(type));
	if (limit >= 0)
		util_buf_addf(d, ",\"ctx\":{\"limit_value\":%lld}", limit);
	util_buf_adds(d, "}");
}

/* Reads ?name= into *out (dflt when absent): an integer from min to
 * max, else a problem (pydantic's conint(ge=min, le=max) words). */
static bool
query_int(const struct request *req, struct page *pg, const char *name,
	  long long dflt, long long min, long long max, long long *out)
{
	char *v = NULL, msg[96];
	const char *p;
	long long n = 0;

	if (url_query_get(req->target.query, name, &v) != SERVICE_OK)
		return false;
	*out = dflt;
	if (v == NULL)
		return true;
	p = v + (v[0] == '-');
	if (*p == '\0' || strlen(p) > QUERY_DIGITS_MAX ||
	    strspn(p, "0123456789") != strlen(p)) {
		query_problem(pg, name, "value is not a valid integer",
			      "type_error.integer", -1);
		goto out;
	}
	for (; *p != '\0'; p++)
		n = n * 10 + (*p - '0');
	n = v[0] == '-' ? -n : n;
	if (n < min) {
		snprintf(msg, sizeof(msg), "ensure this value is greater "
			 "than or equal to %lld", min);
		query_problem(pg, name, msg, "value_error.number.not_ge", min);
	} else if (n > max) {
		snprintf(msg, sizeof(msg), "ensure this value is less than "
			 "or equal to %lld", max);
		query_problem(pg, name, msg, "value_error.number.not_le", max);
	}
	*out = n;
out:
	free(v);
	return true;
}

/* ?offset= and ?limit=; false after answering 422 (both listed). */
static bool
page_query(const struct request *req, struct page *pg, struct response *res)
{
	size_t len;
	char *text;

	util_buf_init(&pg->detail, RESPOND_BODY_MAX);
	pg->problems = 0;
	if (!query_int(req, pg, "offset", 0, 0, 999999999999999LL,
		       &pg->offset) ||
	    !query_int(req, pg, "limit", BATCH_PAGE_DEFAULT, 1,
		       STORE_PAGE_MAX, &pg->limit)) {
		util_buf_free(&pg->detail);
		respond_error(res, HTTP_ERR_INTERNAL);
		return false;
	}
	if (pg->problems == 0)
		return true;
	util_buf_adds(&pg->detail, "]}");
	text = util_buf_take(&pg->detail, &len);
	respond_json(res, 422, text, len);
	return false;
}

void
handle_batch_predictions(struct app *app, struct request *req,
			 const struct route_params *params,
			 struct response *res)
{
	struct util_buf b = UTIL_BUF_INIT(RESPOND_BODY_MAX);
	struct store_error err = { "" };
	struct store_prediction *p = NULL;
	char id[STORE_JOB_ID_MAX + 1];
	struct store_job j;
	struct page pg;
	struct store *s;
	size_t n = 0;
	enum store_status st;

	if (!store(app, &s, res) || !job_id(params, id, res) ||
	    !page_query(req, &pg, res))
		return;
	/* The total (and 404) first; 409 until the job succeeded. */
	st = store_job_get(s, id, &j, &err);
	if (st != STORE_OK) {
		models_refuse(res, st, &err);
		return;
	}
	st = store_job_predictions(s, id, pg.offset, pg.limit, &p, &n, &err);
	if (st != STORE_OK) {
		store_job_clear(&j);
		models_refuse(res, st, &err);
		return;
	}
	add_str(&b, "{\"job_id\":", id);
	add_int(&b, ",\"offset\":", pg.offset);
	add_int(&b, ",\"limit\":", pg.limit);
	add_int(&b, ",\"items_total\":", j.items_total);
	util_buf_adds(&b, ",\"predictions\":[");
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			util_buf_adds(&b, ",");
		batch_add_prediction(&b, &p[i]);
		util_buf_adds(&b, "}");
	}
	util_buf_adds(&b, "]}");
	store_predictions_free(p, n);
	store_job_clear(&j);
	handlers_envelope_buf(res, req, 200, &b);
}
