/* SPDX-License-Identifier: MIT
 * fcgi/server.h - serves one request, whatever the transport.
 */
#ifndef FCGI_SERVER_H
#define FCGI_SERVER_H

#include "fcgi/app.h"
#include "fcgi/request.h"

/* Reads the request from io, answers it through io and logs it.
 * The checks run in a fixed order: route, method, size, parse, validate,
 * run, respond.  Returns 0, or -1 when the transport failed. */
int server_handle(struct app *app, const struct request_io *io);

#endif
