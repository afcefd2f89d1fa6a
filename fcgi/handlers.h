/* SPDX-License-Identifier: MIT
 * fcgi/handlers.h - one handler per route.  A handler reads the request
 * (body already read and bounded), calls schemas/ and core/, and fills
 * the response; it never writes to the transport.
 */
#ifndef FCGI_HANDLERS_H
#define FCGI_HANDLERS_H

#include <stddef.h>

#include "fcgi/app.h"
#include "fcgi/request.h"
#include "fcgi/respond.h"
#include "fcgi/route.h"

typedef void handler_fn(struct app *app, struct request *req,
			const char *param, size_t param_len,
			struct response *res);

/* Indexed by enum route_id. */
extern handler_fn *const handlers[ROUTE__MAX];

/* Sets res to a 200 envelope around data_json. */
void handlers_envelope(struct response *res, const struct request *req,
		       const char *data_json);

#endif
