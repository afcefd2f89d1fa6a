/* SPDX-License-Identifier: MIT
 * fcgi/envelope.c - builds the envelope from pre-serialised parts: the
 * data is already JSON, only the method and URL need escaping.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fcgi/envelope.h"
#include "fcgi/respond.h"
#include "util/buf.h"
#include "util/json.h"

void
envelope_timestamp(const struct timeval *tv, char *out, size_t len)
{
	/* The seconds part changes once a second: format it only then. */
	static time_t cached_sec = (time_t)-1;
	static char base[32];
	long us = (long)tv->tv_usec;
	size_t n;

	if (tv->tv_sec != cached_sec) {
		struct tm tm;
		time_t t = tv->tv_sec;

		if (localtime_r(&t, &tm) == NULL ||
		    strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S",
			     &tm) == 0)
			strcpy(base, "1970-01-01T00:00:00");
		cached_sec = tv->tv_sec;
	}
	n = strlen(base);
	if (len < n + 8 || us < 0 || us > 999999) {
		snprintf(out, len, "%s.%06ld", base, us);
		return;
	}
	memcpy(out, base, n);
	out[n] = '.';
	for (int i = 6; i >= 1; i--, us /= 10)
		out[n + (size_t)i] = (char)('0' + us % 10);
	out[n + 7] = '\0';
}

char *
envelope_build(int status, const char *method, const char *url,
	       const char *timestamp, const char *data_json,
	       size_t *len)
{
	struct util_buf b = UTIL_BUF_INIT(RESPOND_BODY_MAX);

	util_buf_adds(&b, "{\"message\":");
	util_json_str(&b, respond_phrase(status),
			 strlen(respond_phrase(status)));
	util_buf_adds(&b, ",\"method\":");
	util_json_str(&b, method, strlen(method));
	util_buf_adds(&b, ",\"status-code\":");
	util_buf_add_uint(&b, (unsigned)status);
	util_buf_adds(&b, ",\"timestamp\":");
	util_json_str(&b, timestamp, strlen(timestamp));
	util_buf_adds(&b, ",\"url\":");
	util_json_str(&b, url, strlen(url));
	util_buf_adds(&b, ",\"data\":");
	util_buf_adds(&b, data_json);
	util_buf_adds(&b, "}");
	return util_buf_take(&b, len);
}
