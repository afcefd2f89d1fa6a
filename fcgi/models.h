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

#endif
