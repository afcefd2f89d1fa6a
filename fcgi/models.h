/* SPDX-License-Identifier: MIT
 * fcgi/models.h - the handlers of the registry's routes (fcgi/routes.c
 * rows under /models; doc/API.md).  Prediction by a named model is in
 * fcgi/predict.h.
 */
#ifndef FCGI_MODELS_H
#define FCGI_MODELS_H

#include "fcgi/handlers.h"

route_handler handle_models_list;     /* GET /models */
route_handler handle_models_create;   /* POST /models */
route_handler handle_model_get;       /* GET /models/{model-name} */
route_handler handle_model_delete;    /* DELETE /models/{model-name} */
route_handler handle_version_upload;  /* POST .../versions */
route_handler handle_version_get;     /* GET .../versions/{version} */
route_handler handle_version_delete;  /* DELETE .../versions/{version} */
route_handler handle_active_put;      /* PUT .../active-version */
route_handler handle_activations;     /* GET .../activations */

/* True when p[0..len) is a version number (1..10^15, no leading 0). */
bool models_version(const char *p, size_t len, long long *out);

/* Answers a registry failure that is nobody's fault: 503 with
 * Retry-After when busy or when its storage failed (never 500). */
void models_store_error(struct response *res, enum store_status st);

/* Answers a store failure: err's message for the 4xx ones (404, 409),
 * models_store_error for the others. */
void models_refuse(struct response *res, enum store_status st,
		   const struct store_error *err);

/* 422 {"detail": [{"loc": ["body", field], "msg": msg, "type": type}]};
 * field NULL: the body itself. */
void models_unprocessable(struct response *res, const char *field,
			  const char *msg, const char *type);

#endif
