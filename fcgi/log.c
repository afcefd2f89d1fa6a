/* SPDX-License-Identifier: MIT
 * fcgi/log.c - the access log line.  The path is the client's, so bytes
 * outside printable ASCII are written as \xHH and the line is cut at a
 * fixed length: one request is always one line.
 */
#include <stdio.h>

#include "fcgi/log.h"
#include "util/clock.h"

#define LOG_PATH_MAX 200

void
log_request(const struct request *req, int status)
{
	char path[LOG_PATH_MAX * 4 + 4];
	const char *p = req->target.full_path ? req->target.full_path : "-";
	size_t n = 0, i;
	long long us;

	for (i = 0; p[i] != '\0' && i < LOG_PATH_MAX; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c < 0x21 || c > 0x7e || c == '\\')
			n += (size_t)sprintf(path + n, "\\x%02x", c);
		else
			path[n++] = (char)c;
	}
	if (p[i] != '\0')
		n += (size_t)sprintf(path + n, "...");
	path[n] = '\0';
	us = util_clock_us() - req->start_us;
	fprintf(stderr, "tagifai-fcgi: %s %s %d %lldus texts=%zu id=%s\n",
		req->method_name, n ? path : "/", status, us, req->n_texts,
		req->id);
}
