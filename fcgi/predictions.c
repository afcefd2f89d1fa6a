/* SPDX-License-Identifier: MIT
 * fcgi/predictions.c - GET /predictions/{item-id}: one indexed read of
 * the registry (store_prediction_put, a statement prepared once per
 * connection, writing straight into the body) and the envelope, no
 * model.  The tag and probabilities
 * are the stored text, byte for byte what POST /predict wrote for the
 * same text with the same version.
 */
#include <string.h>

#include "fcgi/batch.h"
#include "fcgi/models.h"
#include "fcgi/predictions.h"
#include "util/buf.h"
#include "util/json.h"

/* Bytes reserved for the body at once (it grows past them if needed). */
#define PREDICTION_BODY_HINT 1024

void
handle_prediction_get(struct app *app, struct request *req,
		      const struct route_params *params, struct response *res)
{
	struct util_buf b = UTIL_BUF_INIT(RESPOND_BODY_MAX);
	struct store_error err = { "" };
	struct store_prediction p;
	struct store *s;
	size_t len;
	const char *id = route_param(params, "item-id", &len);
	enum store_status st;

	if (!app->reg.on) {
		respond_error(res, HTTP_ERR_NO_REGISTRY);
		return;
	}
	st = registry_store(&app->reg, &s, &err);
	/* The body is about 1 KiB: one allocation instead of doublings. */
	if (st == STORE_OK && util_buf_reserve(&b, PREDICTION_BODY_HINT))
		util_buf_adds(&b, "{\"prediction\":");
	if (st == STORE_OK)
		st = store_prediction_put(s, id, len, &b, &p, &err);
	if (st == STORE_ERR_NOT_FOUND) {
		util_buf_free(&b);
		respond_error_detail(res, HTTP_ERR_NOT_FOUND,
				     "No stored prediction for this id");
		return;
	}
	if (st != STORE_OK) {
		util_buf_free(&b);
		models_refuse(res, st, &err);
		return;
	}
	util_buf_adds(&b, ",\"model\":");
	util_json_str(&b, p.model, strlen(p.model));
	util_buf_adds(&b, ",\"version\":");
	if (p.version >= 0)
		util_buf_add_uint(&b, (unsigned long long)p.version);
	else
		util_buf_addf(&b, "%lld", p.version);
	util_buf_adds(&b, ",\"job_id\":");
	util_json_str(&b, p.job_id, strlen(p.job_id));
	util_buf_adds(&b, ",\"computed_at\":");
	util_json_str(&b, p.computed_at, strlen(p.computed_at));
	util_buf_adds(&b, p.stale ? ",\"stale\":true}}" : ",\"stale\":false}}");
	handlers_envelope_buf(res, req, 200, &b);
	if (res->status == 200)
		res->prediction_source = "batch";
}
