/* SPDX-License-Identifier: MIT
 * fcgi/predict.c - the prediction endpoint.  The body is read by
 * schemas/pyjson.c (Python's JSON rules), checked against
 * schema_predict_payload (pydantic's rules) and only then handed to the
 * model, one text at a time with the model's scratch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "fcgi/models.h"
#include "fcgi/predict.h"
#include "fcgi/stats.h"
#include "util/float_repr.h"
#include "util/buf.h"
#include "util/json.h"
#include "schemas/pyjson.h"
#include "schemas/validate.h"

/* First capacity of the list of texts. */
#define PREDICT_TEXTS_MIN_CAP 16

struct texts {
	char **s;
	size_t *len;
	size_t n, cap;
};

static bool
collect(void *ctx, const char *s, size_t len)
{
	struct texts *t = ctx;
	char *copy;

	if (t->n == t->cap) {
		/* s and len grow together: same start, same capacity. */
		size_t scap = t->cap, lcap = t->cap;
		void *ns = t->s, *nl = t->len;

		if (util_array_reserve(&ns, &scap, t->n + 1, sizeof(*t->s),
				       PREDICT_TEXTS_MIN_CAP) != UTIL_OK)
			return false;
		t->s = ns;
		if (util_array_reserve(&nl, &lcap, t->n + 1, sizeof(*t->len),
				       PREDICT_TEXTS_MIN_CAP) != UTIL_OK)
			return false;
		t->len = nl;
		t->cap = scap;
	}
	copy = malloc(len + 1);
	if (copy == NULL)
		return false;
	memcpy(copy, s, len);
	copy[len] = '\0';
	t->s[t->n] = copy;
	t->len[t->n] = len;
	t->n++;
	return true;
}

static void
texts_free(struct texts *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->s[i]);
	free(t->s);
	free(t->len);
}

/* 422 {"detail": [...]} */
static void
unprocessable(struct response *res, cJSON *detail)
{
	cJSON *root = cJSON_CreateObject();
	char *body = NULL;

	if (root != NULL && cJSON_AddItemReferenceToObject(root, "detail",
							   detail))
		body = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	respond_json(res, 422, body, body ? strlen(body) : 0);
}

static void
add_prediction(struct util_buf *b, const struct app_model *m,
	       const char *text, size_t len,
	       const struct prediction *p)
{
	char num[UTIL_FLOAT_REPR_MAX];

	util_buf_adds(b, "{\"input_text\":");
	util_json_str(b, text, len);
	util_buf_adds(b, ",\"predicted_tag\":");
	util_buf_adds(b, m->class_json[p->tag]);
	util_buf_adds(b, ",\"probabilities\":{");
	for (size_t k = 0; k < m->n_classes; k++) {
		if (k > 0)
			util_buf_adds(b, ",");
		util_buf_adds(b, m->class_json[k]);
		util_buf_adds(b, ":");
		util_buf_adds(b, util_float_repr(p->prob[k], num));
	}
	util_buf_adds(b, "}}");
}

/* Runs model m on every text and answers 200; id_json names the model
 * in the answer. */
static void
run(struct app *app, struct app_model *m, const char *id_json,
    struct request *req, const struct texts *t, struct response *res)
{
	int counted = app_stats_index(app, m);
	struct util_buf b = UTIL_BUF_INIT(RESPOND_BODY_MAX);

	util_buf_adds(&b, "{\"predictions\":[");
	for (size_t i = 0; i < t->n; i++) {
		struct prediction p;
		enum core_status st = model_predict(m->model, m->scratch,
						    t->s[i], t->len[i], &p);

		if (st != CORE_OK || p.tag >= m->n_classes) {
			fprintf(stderr, "tagifai-fcgi: predict: %s id=%s\n",
				core_strerror(st), req->id);
			util_buf_free(&b);
			respond_error(res, HTTP_ERR_INTERNAL);
			return;
		}
		stats_predicted(app->cfg.stats, counted, p.tag);
		if (i > 0)
			util_buf_adds(&b, ",");
		add_prediction(&b, m, t->s[i], t->len[i], &p);
	}
	util_buf_adds(&b, "],\"model\":");
	util_buf_adds(&b, id_json);
	util_buf_adds(&b, "}");
	handlers_envelope_buf(res, req, 200, &b);
}

/* Parses and validates the body, then runs m (the default model when
 * e is NULL, else e's version). */
static void
predict(struct app *app, struct registry_entry *e, struct request *req,
	struct response *res)
{
	struct texts t = { 0 };
	struct validate_sink sink = { collect, &t, NULL, NULL };
	struct pyjson_doc *doc = NULL;
	struct pyjson_error pe = { 0 };
	cJSON *detail = cJSON_CreateArray();
	enum validate_status vs;

	if (detail == NULL)
		goto nomem;
	if (req->body_len > 0) {
		switch (pyjson_parse(req->body, req->body_len, &doc, &pe)) {
		case PYJSON_OK:
			break;
		case PYJSON_ERR_SYNTAX:
			if (validate_jsondecode(&pe, req->body, req->body_len,
						detail) != VALIDATE_INVALID)
				goto nomem;
			unprocessable(res, detail);
			goto out;
		case PYJSON_ERR_DEPTH:
		case PYJSON_ERR_INT:
			/* FastAPI's answer to any other decoding error. */
			respond_error(res, HTTP_ERR_BODY_PARSE);
			goto out;
		default:
			goto nomem;
		}
	}
	vs = validate_body(&schema_predict_payload, pyjson_root(doc),
			   &app->cfg.limits, &sink, detail);
	if (vs == VALIDATE_ERR_NOMEM)
		goto nomem;
	if (vs == VALIDATE_INVALID) {
		unprocessable(res, detail);
		goto out;
	}
	req->n_texts = t.n;
	if (e != NULL) {
		run(app, &e->model, e->id_json, req, &t, res);
		res->x_model = e->x_model;
	} else {
		run(app, app_served(app), app_served(app)->json, req, &t, res);
	}
	goto out;
nomem:
	fprintf(stderr, "tagifai-fcgi: predict: out of memory id=%s\n",
		req->id);
	respond_error(res, HTTP_ERR_INTERNAL);
out:
	texts_free(&t);
	pyjson_free(doc);
	cJSON_Delete(detail);
}

void
handle_predict(struct app *app, struct request *req,
	       const struct route_params *params, struct response *res)
{
	(void)params;
	predict(app, NULL, req, res);
}

/* The version of {model-name} (and {version}, else its active one) that
 * answers, or false after answering the refusal. */
static bool
entry(struct app *app, const struct route_params *params,
      struct registry_entry **e, struct response *res)
{
	struct store_error err = { "" };
	char name[STORE_NAME_MAX + 1];
	long long version = 0;
	size_t len;
	const char *p;

	if (!app->reg.on) {
		respond_error(res, HTTP_ERR_NO_REGISTRY);
		return false;
	}
	p = route_param(params, "model-name", &len);
	if (p == NULL || len > STORE_NAME_MAX) {
		respond_error_detail(res, HTTP_ERR_NOT_FOUND,
				     "Model not found");
		return false;
	}
	memcpy(name, p, len);
	name[len] = '\0';
	p = route_param(params, "version", &len);
	if (p != NULL && !models_version(p, len, &version)) {
		respond_error_detail(res, HTTP_ERR_NOT_FOUND,
				     "Version not found");
		return false;
	}
	switch (registry_entry_get(&app->reg, name, version, e, &err)) {
	case STORE_OK:
		return true;
	case STORE_ERR_NOT_FOUND:
		respond_error_detail(res, HTTP_ERR_NOT_FOUND, err.msg);
		return false;
	case STORE_ERR_CONFLICT:
		respond_error_detail(res, HTTP_ERR_CONFLICT, err.msg);
		return false;
	default:
		fprintf(stderr, "tagifai-fcgi: predict: %s\n", err.msg);
		models_store_error(res, STORE_ERR_BUSY);
		return false;
	}
}

void
handle_model_predict(struct app *app, struct request *req,
		     const struct route_params *params, struct response *res)
{
	struct registry_entry *e = NULL;

	if (entry(app, params, &e, res))
		predict(app, e, req, res);
}
