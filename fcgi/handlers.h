/* SPDX-License-Identifier: MIT
 * fcgi/handlers.h - the handlers of the route table (fcgi/routes.c): the
 * endpoints of api.py, the OpenAPI document, the pages and static files.
 * POST /predict has its own file (fcgi/predict.h).
 */
#ifndef FCGI_HANDLERS_H
#define FCGI_HANDLERS_H

#include "fcgi/app.h"
#include "fcgi/request.h"
#include "fcgi/respond.h"
#include "fcgi/route.h"
#include "util/buf.h"

route_handler handle_index;        /* GET /                 */
route_handler handle_performance;  /* GET /performance      */
route_handler handle_args;         /* GET /args             */
route_handler handle_arg;          /* GET /args/{arg}       */
route_handler handle_openapi;      /* GET /openapi.json     */
route_handler handle_docs;         /* GET /docs             */
route_handler handle_redoc;        /* GET /redoc            */
route_handler handle_demo;         /* GET /demo             */
route_handler handle_static;       /* GET /static/{file:path} */

/* Sets res to a 200 envelope around data_json. */
void handlers_envelope(struct response *res, const struct request *req,
		       const char *data_json);
/* handlers_envelope_status with data's JSON, or 500 when building it ran
 * out of room; frees data either way. */
void handlers_envelope_buf(struct response *res, const struct request *req,
			   int status, struct util_buf *data);

/* The same with another 2xx status (201 Created). */
void handlers_envelope_status(struct response *res, const struct request *req,
			      int status, const char *data_json);

#endif
