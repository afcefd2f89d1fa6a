/* SPDX-License-Identifier: MIT
 * fcgi/log.h - one line per request on stderr (the web server's error log
 * under FastCGI): method, path, status, microseconds, texts, request id.
 * Never the texts themselves.
 */
#ifndef FCGI_LOG_H
#define FCGI_LOG_H

#include "fcgi/request.h"

void log_request(const struct request *req, int status);

#endif
