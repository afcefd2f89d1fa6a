/* SPDX-License-Identifier: MIT
 * fcgi/models.c - the registry's routes (/models...): list, create, show
 * and delete models; upload, show and delete versions; activate and show
 * the history.  The work is the store's (store/store.h); this file reads
 * the request, maps each store status to a row of the error table and
 * writes the envelope.  After a commit that changes what is served it
 * calls registry_changed before answering, so every worker serves the
 * new state for every request accepted after this answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "core/artifact.h"
#include "core/sklearn_export.h"
#include "fcgi/handlers.h"
#include "fcgi/models.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/json.h"

/* Who made a change, until users and API keys exist (issue 12). */
#define MODELS_ACTOR "anonymous"
#define VERSION_DIGITS_MAX 15   /* versions are below 10^15 */

bool
models_version(const char *p, size_t len, long long *out)
{
	long long v = 0;

	if (len == 0 || len > VERSION_DIGITS_MAX || p[0] == '0')
		return false;
	for (size_t i = 0; i < len; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		v = v * 10 + (p[i] - '0');
	}
	*out = v;
	return true;
}

void
models_store_error(struct response *res, enum store_status st)
{
	switch (st) {
	case STORE_ERR_BUSY:
		respond_error(res, HTTP_ERR_REGISTRY_BUSY);
		res->retry_after = "1";
		break;
	case STORE_ERR_IO:
		respond_error(res, HTTP_ERR_REGISTRY_IO);
		res->retry_after = "5";
		break;
	default:
		respond_error(res, HTTP_ERR_INTERNAL);
		break;
	}
}

void
models_refuse(struct response *res, enum store_status st,
       const struct store_error *err)
{
	switch (st) {
	case STORE_ERR_NOT_FOUND:
		respond_error_detail(res, HTTP_ERR_NOT_FOUND, err->msg);
		return;
	case STORE_ERR_EXISTS:
	case STORE_ERR_CONFLICT:
		respond_error_detail(res, HTTP_ERR_CONFLICT, err->msg);
		return;
	default:
		fprintf(stderr, "tagifai-fcgi: registry: %s\n", err->msg);
		models_store_error(res, st);
	}
}

void
models_unprocessable(struct response *res, const char *field, const char *msg,
	      const char *type)
{
	struct util_buf b = UTIL_BUF_INIT(RESPOND_BODY_MAX);

	util_buf_adds(&b, "{\"detail\":[{\"loc\":[\"body\"");
	if (field != NULL) {
		util_buf_adds(&b, ",");
		util_json_str(&b, field, strlen(field));
	}
	util_buf_adds(&b, "],\"msg\":");
	util_json_str(&b, msg, strlen(msg));
	util_buf_adds(&b, ",\"type\":");
	util_json_str(&b, type, strlen(type));
	util_buf_adds(&b, "}]}");
	respond_json(res, 422, util_buf_take(&b, NULL), b.len);
}

static void
add_int_or_null(struct util_buf *b, long long v)
{
	char num[32];

	if (v <= 0) {
		util_buf_adds(b, "null");
		return;
	}
	snprintf(num, sizeof(num), "%lld", v);
	util_buf_adds(b, num);
}

static void
add_key(struct util_buf *b, const char *key, const char *value)
{
	util_buf_adds(b, key);
	util_json_str(b, value, strlen(value));
}

static void
add_model(struct util_buf *b, const struct store_model *m)
{
	add_key(b, "{\"name\":", m->name);
	add_key(b, ",\"description\":", m->description);
	util_buf_adds(b, ",\"active_version\":");
	add_int_or_null(b, m->active_version);
	util_buf_adds(b, ",\"latest_version\":");
	add_int_or_null(b, m->latest_version);
	add_key(b, ",\"created_at\":", m->created_at);
	add_key(b, ",\"updated_at\":", m->updated_at);
}

static void
add_version(struct util_buf *b, const struct store_version *v)
{
	char num[64];

	snprintf(num, sizeof(num), "{\"version\":%lld", v->version);
	util_buf_adds(b, num);
	add_key(b, ",\"checksum\":", v->checksum);
	snprintf(num, sizeof(num), ",\"size\":%lld", v->size);
	util_buf_adds(b, num);
	add_key(b, ",\"created_at\":", v->created_at);
	add_key(b, ",\"created_by\":", v->created_by);
	util_buf_adds(b, ",\"classes\":");
	util_buf_adds(b, v->classes_json);
	snprintf(num, sizeof(num), ",\"n_features\":%lld", v->n_features);
	util_buf_adds(b, num);
}

/* The registry's connection, the {model-name} (and {version}) of the
 * path; false after answering. */
struct target {
	struct store *s;
	char name[STORE_NAME_MAX + 1];
	long long version;
};

static bool
target(struct app *app, const struct route_params *params,
       struct target *t, struct response *res)
{
	struct store_error err = { "" };
	enum store_status st;
	size_t len;
	const char *p;

	memset(t, 0, sizeof(*t));
	if (!app->reg.on) {
		respond_error(res, HTTP_ERR_NO_REGISTRY);
		return false;
	}
	p = route_param(params, "model-name", &len);
	if (p != NULL) {
		if (len > STORE_NAME_MAX) {
			respond_error_detail(res, HTTP_ERR_NOT_FOUND,
					     "Model not found");
			return false;
		}
		memcpy(t->name, p, len);
		t->name[len] = '\0';
	}
	p = route_param(params, "version", &len);
	if (p != NULL && !models_version(p, len, &t->version)) {
		respond_error_detail(res, HTTP_ERR_NOT_FOUND, "Version not "
				     "found: versions are positive integers");
		return false;
	}
	st = registry_store(&app->reg, &t->s, &err);
	if (st != STORE_OK) {
		models_refuse(res, st, &err);
		return false;
	}
	return true;
}

/* Parses the JSON object body; NULL after answering 422. */
static cJSON *
json_body(const struct request *req, struct response *res)
{
	cJSON *j = NULL;

	if (req->body_len > 0)
		j = cJSON_ParseWithLength(req->body, req->body_len);
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		models_unprocessable(res, NULL, "Expecting a JSON object",
			      "value_error.jsondecode");
		return NULL;
	}
	return j;
}

void
handle_models_list(struct app *app, struct request *req,
		   const struct route_params *params, struct response *res)
{
	struct util_buf b = UTIL_BUF_INIT(RESPOND_BODY_MAX);
	struct store_error err = { "" };
	struct store_model *m = NULL;
	struct target t;
	char *filter = NULL;
	size_t n = 0;
	enum store_status st;

	if (!target(app, params, &t, res))
		return;
	if (url_query_get(req->target.query, "name_contains", &filter) !=
	    SERVICE_OK) {
		respond_error(res, HTTP_ERR_QUERY_ESCAPE);
		return;
	}
	st = store_model_list(t.s, filter, &m, &n, &err);
	free(filter);
	if (st != STORE_OK) {
		models_refuse(res, st, &err);
		return;
	}
	util_buf_adds(&b, "{\"models\":[");
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			util_buf_adds(&b, ",");
		add_model(&b, &m[i]);
		util_buf_adds(&b, "}");
	}
	util_buf_adds(&b, "]}");
	store_models_free(m, n);
	handlers_envelope_buf(res, req, 200, &b);
}

/* Location: {prefix}/models/{name}[/versions/{version}] */
static void
location(struct response *res, const struct request *req, const char *name,
	 long long version)
{
	struct util_buf b = UTIL_BUF_INIT(4096);
	char num[32];

	util_buf_adds(&b, req->target.prefix ? req->target.prefix : "");
	util_buf_adds(&b, "/models/");
	util_buf_adds(&b, name);
	if (version > 0) {
		snprintf(num, sizeof(num), "/versions/%lld", version);
		util_buf_adds(&b, num);
	}
	free(res->location);
	res->location = util_buf_take(&b, NULL);
}

void
handle_models_create(struct app *app, struct request *req,
		     const struct route_params *params, struct response *res)
{
	struct util_buf b = UTIL_BUF_INIT(RESPOND_BODY_MAX);
	struct store_error err = { "" };
	struct store_model m;
	const cJSON *name, *desc;
	struct target t;
	cJSON *j;
	enum store_status st;

	if (!target(app, params, &t, res) || (j = json_body(req, res)) == NULL)
		return;
	name = cJSON_GetObjectItemCaseSensitive(j, "name");
	desc = cJSON_GetObjectItemCaseSensitive(j, "description");
	if (name == NULL) {
		models_unprocessable(res, "name", "field required",
			      "value_error.missing");
		goto out;
	}
	if (!cJSON_IsString(name) || !store_name_ok(name->valuestring)) {
		models_unprocessable(res, "name", "string does not match regex "
			      "\"^[a-z0-9][a-z0-9-]{0,62}$\"",
			      "value_error.str.regex");
		goto out;
	}
	if (desc != NULL && !cJSON_IsNull(desc) && (!cJSON_IsString(desc) ||
	    strlen(desc->valuestring) > STORE_DESCRIPTION_MAX)) {
		models_unprocessable(res, "description", "a string of at most 1000 "
			      "bytes", "value_error.str");
		goto out;
	}
	st = store_model_create(t.s, name->valuestring,
				cJSON_IsString(desc) ? desc->valuestring : "",
				&m, &err);
	if (st != STORE_OK) {
		models_refuse(res, st, &err);
		goto out;
	}
	util_buf_adds(&b, "{\"model\":");
	add_model(&b, &m);
	util_buf_adds(&b, "}}");
	store_model_clear(&m);
	handlers_envelope_buf(res, req, 201, &b);
	if (res->status == 201)
		location(res, req, name->valuestring, 0);
out:
	cJSON_Delete(j);
}

void
handle_model_get(struct app *app, struct request *req,
		 const struct route_params *params, struct response *res)
{
	struct util_buf b = UTIL_BUF_INIT(RESPOND_BODY_MAX);
	struct store_error err = { "" };
	struct store_version *v = NULL;
	struct store_model m;
	struct target t;
	size_t n = 0;
	enum store_status st;

	if (!target(app, params, &t, res))
		return;
	st = store_model_get(t.s, t.name, &m, &err);
	if (st != STORE_OK) {
		models_refuse(res, st, &err);
		return;
	}
	st = store_version_list(t.s, t.name, &v, &n, &err);
	if (st != STORE_OK) {
		store_model_clear(&m);
		models_refuse(res, st, &err);
		return;
	}
	util_buf_adds(&b, "{\"model\":");
	add_model(&b, &m);
	util_buf_adds(&b, ",\"versions\":[");
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			util_buf_adds(&b, ",");
		add_version(&b, &v[i]);
		util_buf_adds(&b, "}");
	}
	util_buf_adds(&b, "]}}");
	store_model_clear(&m);
	store_versions_free(v, n);
	handlers_envelope_buf(res, req, 200, &b);
}

void
handle_model_delete(struct app *app, struct request *req,
		    const struct route_params *params, struct response *res)
{
	struct util_buf b = UTIL_BUF_INIT(RESPOND_BODY_MAX);
	struct store_error err = { "" };
	struct target t;
	enum store_status st;

	if (!target(app, params, &t, res))
		return;
	st = store_model_delete(t.s, t.name, app->cfg.default_model, &err);
	if (st != STORE_OK) {
		models_refuse(res, st, &err);
		return;
	}
	registry_changed(&app->reg);
	add_key(&b, "{\"deleted\":", t.name);
	util_buf_adds(&b, "}");
	handlers_envelope_buf(res, req, 200, &b);
}

/* Converts a scikit-learn export (tools/export_sklearn.py) into our
 * artifact's bytes (*out, malloc'd); false after answering 422. */
static bool
from_sklearn(struct store *s, const char *name, const struct request *req,
	     char **out, size_t *out_len, struct response *res)
{
	struct sklearn_export x = { 0 };
	struct core_error ce = { "" };
	char path[4200];
	bool ok = false;

	if (sklearn_export_parse("body", req->body, req->body_len, &x, &ce) !=
	    CORE_OK) {
		models_unprocessable(res, NULL, ce.msg, "value_error.model");
		goto out;
	}
	x.spec.name = name;
	x.spec.version = "sklearn-import";
	x.spec.args_json = "{}";
	x.spec.performance_json = "{}";
	/* artifact_write writes a file: one in the registry's tmp/, read
	 * back and removed. */
	store_tmp_path(s, "sklearn", path, sizeof(path));
	if (artifact_write(path, &x.spec, &ce) != CORE_OK) {
		models_unprocessable(res, NULL, ce.msg, "value_error.model");
		goto out;
	}
	ok = util_file_read(path, (size_t)1 << 30, out, out_len) == UTIL_OK;
	unlink(path);
	if (!ok)
		respond_error(res, HTTP_ERR_INTERNAL);
out:
	sklearn_export_free(&x);
	return ok;
}

void
handle_version_upload(struct app *app, struct request *req,
		      const struct route_params *params, struct response *res)
{
	struct util_buf b = UTIL_BUF_INIT(RESPOND_BODY_MAX);
	struct store_error err = { "" };
	struct store_version v;
	struct target t;
	char *converted = NULL;
	const char *data;
	size_t len;
	bool created = false;
	enum store_status st;

	if (!target(app, params, &t, res))
		return;
	if (request_media_is(req, "application/octet-stream")) {
		data = req->body;
		len = req->body_len;
	} else if (request_media_is(req, "application/json")) {
		if (!from_sklearn(t.s, t.name, req, &converted, &len, res))
			return;
		data = converted;
	} else {
		respond_error(res, HTTP_ERR_UPLOAD_MEDIA);
		return;
	}
	if (len == 0) {
		models_unprocessable(res, NULL, "invalid artifact: the body is empty",
			      "value_error.model");
		return;
	}
	st = store_version_add(t.s, t.name, data, len, MODELS_ACTOR, &v,
			       &created, &err);
	free(converted);
	if (st == STORE_ERR_INVALID) {
		models_unprocessable(res, NULL, err.msg, "value_error.model");
		return;
	}
	if (st != STORE_OK) {
		models_refuse(res, st, &err);
		return;
	}
	util_buf_adds(&b, "{\"model\":");
	util_json_str(&b, t.name, strlen(t.name));
	util_buf_adds(&b, ",\"version\":");
	add_version(&b, &v);
	util_buf_adds(&b, "}}");
	handlers_envelope_buf(res, req, created ? 201 : 200, &b);
	if (res->status == 201)
		location(res, req, t.name, v.version);
	store_version_clear(&v);
}

void
handle_version_get(struct app *app, struct request *req,
		   const struct route_params *params, struct response *res)
{
	struct util_buf b = UTIL_BUF_INIT(RESPOND_BODY_MAX);
	struct store_error err = { "" };
	struct registry_entry *e = NULL;
	struct store_version v;
	char msg[SERVICE_ERR_MAX];
	struct target t;
	enum store_status st;

	if (!target(app, params, &t, res))
		return;
	st = store_version_get(t.s, t.name, t.version, &v, &err);
	if (st != STORE_OK) {
		models_refuse(res, st, &err);
		return;
	}
	/* The reports live in the artifact: open it (cached). */
	st = registry_entry_get(&app->reg, t.name, t.version, &e, &err);
	if (st != STORE_OK) {
		store_version_clear(&v);
		models_refuse(res, st, &err);
		return;
	}
	if (app_model_reports(&e->model, msg, sizeof(msg)) != SERVICE_OK) {
		store_version_clear(&v);
		fprintf(stderr, "tagifai-fcgi: registry: %s\n", msg);
		respond_error(res, HTTP_ERR_INTERNAL);
		return;
	}
	util_buf_adds(&b, "{\"model\":");
	util_json_str(&b, t.name, strlen(t.name));
	util_buf_adds(&b, ",\"version\":");
	add_version(&b, &v);
	util_buf_adds(&b, ",\"performance\":");
	util_buf_adds(&b, e->model.reports.perf_json);
	util_buf_adds(&b, ",\"args\":");
	util_buf_adds(&b, e->model.reports.args_json);
	util_buf_adds(&b, "}}");
	store_version_clear(&v);
	handlers_envelope_buf(res, req, 200, &b);
}

void
handle_version_delete(struct app *app, struct request *req,
		      const struct route_params *params, struct response *res)
{
	struct util_buf b = UTIL_BUF_INIT(RESPOND_BODY_MAX);
	struct store_error err = { "" };
	struct target t;
	char num[64];
	enum store_status st;

	if (!target(app, params, &t, res))
		return;
	st = store_version_delete(t.s, t.name, t.version, &err);
	if (st != STORE_OK) {
		models_refuse(res, st, &err);
		return;
	}
	registry_changed(&app->reg);
	add_key(&b, "{\"model\":", t.name);
	snprintf(num, sizeof(num), ",\"deleted_version\":%lld}", t.version);
	util_buf_adds(&b, num);
	handlers_envelope_buf(res, req, 200, &b);
}

void
handle_active_put(struct app *app, struct request *req,
		  const struct route_params *params, struct response *res)
{
	struct util_buf b = UTIL_BUF_INIT(RESPOND_BODY_MAX);
	struct store_error err = { "" };
	const cJSON *ver;
	struct target t;
	long long prev = 0;
	char num[96];
	cJSON *j;
	enum store_status st;

	if (!target(app, params, &t, res) || (j = json_body(req, res)) == NULL)
		return;
	ver = cJSON_GetObjectItemCaseSensitive(j, "version");
	if (ver == NULL) {
		models_unprocessable(res, "version", "field required",
			      "value_error.missing");
		goto out;
	}
	if (!cJSON_IsNumber(ver) || ver->valuedouble < 1 ||
	    ver->valuedouble > 1e15 ||
	    ver->valuedouble != (double)(long long)ver->valuedouble) {
		models_unprocessable(res, "version", "value is not a positive integer",
			      "type_error.integer");
		goto out;
	}
	t.version = (long long)ver->valuedouble;
	st = store_activate(t.s, t.name, t.version, MODELS_ACTOR, &prev, &err);
	if (st != STORE_OK) {
		models_refuse(res, st, &err);
		goto out;
	}
	/* Before the answer: every request accepted after it sees the
	 * new version. */
	registry_changed(&app->reg);
	add_key(&b, "{\"model\":", t.name);
	snprintf(num, sizeof(num), ",\"active_version\":%lld,"
		 "\"previous_version\":", t.version);
	util_buf_adds(&b, num);
	add_int_or_null(&b, prev);
	util_buf_adds(&b, "}");
	handlers_envelope_buf(res, req, 200, &b);
out:
	cJSON_Delete(j);
}

void
handle_activations(struct app *app, struct request *req,
		   const struct route_params *params, struct response *res)
{
	struct util_buf b = UTIL_BUF_INIT(RESPOND_BODY_MAX);
	struct store_error err = { "" };
	struct store_activation *a = NULL;
	struct target t;
	size_t n = 0;
	char num[64];
	enum store_status st;

	if (!target(app, params, &t, res))
		return;
	st = store_activations(t.s, t.name, &a, &n, &err);
	if (st != STORE_OK) {
		models_refuse(res, st, &err);
		return;
	}
	add_key(&b, "{\"model\":", t.name);
	util_buf_adds(&b, ",\"activations\":[");
	for (size_t i = 0; i < n; i++) {
		snprintf(num, sizeof(num), "%s{\"version\":%lld,"
			 "\"previous_version\":", i > 0 ? "," : "",
			 a[i].version);
		util_buf_adds(&b, num);
		add_int_or_null(&b, a[i].previous_version);
		add_key(&b, ",\"activated_at\":", a[i].activated_at);
		add_key(&b, ",\"activated_by\":", a[i].activated_by);
		util_buf_adds(&b, "}");
	}
	util_buf_adds(&b, "]}");
	free(a);
	handlers_envelope_buf(res, req, 200, &b);
}
