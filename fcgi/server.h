/* SPDX-License-Identifier: MIT
 * fcgi/server.h - serves one request, whatever the transport.
 */
#ifndef FCGI_SERVER_H
#define FCGI_SERVER_H

#include "fcgi/app.h"
#include "fcgi/request.h"

/* Reads the request from io, answers it through io and logs it.
 * The checks run in a fixed order: route, method, role, query, size,
 * media type, then the handler (parse, validate, run).  SERVICE_OK, or
 * the status of a failed write of the answer (respond_write). */
enum service_status server_handle(struct app *app,
				  const struct request_io *io)
	SERVICE_WARN_UNUSED;

#endif
