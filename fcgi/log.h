/* SPDX-License-Identifier: MIT
 * fcgi/log.h - one line per request on stderr (the web server's error log
 * under FastCGI): method, path, route, status, microseconds, texts,
 * request id.  Never the texts themselves.
 */
#ifndef FCGI_LOG_H
#define FCGI_LOG_H

#include <stdbool.h>

#include "fcgi/request.h"

#define LOG_LINE_MAX 2048   /* one line, whatever the path */

/* Logs req, answered with status after us microseconds.  route is the
 * route table pattern (NULL: none matched).  json: one JSON object
 * {"time","level","pid","request_id","method","path","route","status",
 * "duration_us","texts"} instead of the text line. */
void log_request(const struct request *req, const char *route, int status,
		 long long us, bool json);

#endif
