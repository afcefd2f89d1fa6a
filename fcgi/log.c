/* SPDX-License-Identifier: MIT
 * fcgi/log.c - the access log line.  The path is the client's, so bytes
 * outside printable ASCII are written as \xHH and the line is cut at a
 * fixed length: one request is always one line, in text or in JSON
 * (--log-format json, for log shippers: one object a line).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fcgi/log.h"
#include "util/buf.h"
#include "util/json.h"

#define LOG_PATH_MAX 200

/* The path, printable ASCII only and cut at LOG_PATH_MAX. */
static size_t
clean_path(const struct request *req, char *path)
{
	const char *p = req->target.full_path ? req->target.full_path : "-";
	size_t n = 0, i;

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
	return n;
}

static void
json_line(const struct request *req, const char *path, const char *route,
	  int status, long long us)
{
	struct util_buf b = UTIL_BUF_INIT(LOG_LINE_MAX + LOG_PATH_MAX * 4);
	char ts[40];
	struct timespec now;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	util_buf_addf(&b, "{\"time\":\"%s.%06ldZ\",\"level\":\"%s\","
		      "\"pid\":%ld,\"request_id\":", ts, now.tv_nsec / 1000,
		      status >= 500 ? "error" : "info", (long)getpid());
	util_json_str(&b, req->id, strlen(req->id));
	util_buf_adds(&b, ",\"method\":");
	util_json_str(&b, req->method_name, strlen(req->method_name));
	util_buf_adds(&b, ",\"path\":");
	util_json_str(&b, path, strlen(path));
	util_buf_adds(&b, ",\"route\":");
	if (route != NULL)
		util_json_str(&b, route, strlen(route));
	else
		util_buf_adds(&b, "null");
	util_buf_addf(&b, ",\"status\":%d,\"duration_us\":%lld,\"texts\":%zu}"
		      "\n", status, us, req->n_texts);
	if (b.st == UTIL_OK)
		fwrite(b.data, 1, b.len, stderr);
	util_buf_free(&b);
}

void
log_request(const struct request *req, const char *route, int status,
	    long long us, bool json)
{
	char path[LOG_PATH_MAX * 4 + 4];
	size_t n = clean_path(req, path);

	if (json) {
		json_line(req, n ? path : "/", route, status, us);
		return;
	}
	fprintf(stderr, "tagifai-fcgi: %s %s %d %lldus texts=%zu id=%s\n",
		req->method_name, n ? path : "/", status, us, req->n_texts,
		req->id);
}
